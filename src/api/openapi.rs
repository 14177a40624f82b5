//! The OpenAPI 3.1 document of `/api/v1`, derived from the code. Each handler carries its
//! `#[utoipa::path]` (method, path, summary, the roles that may call it, its success and
//! refusal answers); its request body and path and query parameters are read from its
//! arguments (`Json<T>`, `Path<T>`, `Query<T>`), and the schemas are the wire types that
//! serialize the answers. `api::routes` registers each handler and its entry together
//! (utoipa-axum), so a route cannot exist without its entry.
//!
//! What every operation of a kind can answer is added here once, in [`complete`], from the
//! operation's own shape: a signed-in operation can answer 401; one with a JSON body 400,
//! 413, 415 and 422 for a body that is not what it takes; a POST the `Idempotency-Key`
//! answers; an integer in the path or a query string 400; and every operation 408 (its
//! route's timeout), 503 (the store out of reach, or too many uploads) and 507 (a full
//! disk). The committed copy is
//! `docs/openapi.json` (`tests/openapi.rs` keeps it equal; `UPDATE_OPENAPI_SNAPSHOT=1`
//! rewrites it).

use super::error::ErrorEnvelope;
use serde_json::{json, Value};
use std::sync::OnceLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

const DESCRIPTION: &str = "GN Lingkaran: donors pay the JKK and JKM contributions of vulnerable \
workers. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/token, or with \
the session cookie of the web pages plus the `X-CSRF-Token` header on changes; operations marked \
`security: []` are public. Errors come as {\"errors\":[{\"code\",\"detail\",\"detail_en\"}]} \
(schema ErrorEnvelope), the detail in Bahasa Indonesia and in English. A whole NIK is returned \
only to officers and admins in scope and to the worker's proposer; everyone else sees it masked. \
Every POST honours an `Idempotency-Key` header: the same key from the same caller gets the same \
answer (marked `Idempotency-Replayed: true`), 409 while the first request still runs, 422 when \
the key was used for another request.";

/// The parts of the document that are not an operation.
#[derive(OpenApi)]
#[openapi(
    info(title = "Lingkaran API", description = DESCRIPTION),
    servers((url = "/")),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(ErrorEnvelope)),
    tags(
        (name = "meta", description = "The service and this document"),
        (name = "accounts", description = "Tokens, users, organisations, donor sign-up"),
        (name = "regions", description = "The Kemendagri region table, regions' coverage and the figures it is computed from"),
        (name = "nik", description = "NIK checks"),
        (name = "registry", description = "Workers: submit, search, eligibility"),
        (name = "verification", description = "Officers verify, reject and resolve duplicates"),
        (name = "imports", description = "Lists of workers uploaded as CSV or XLSX"),
        (name = "donations", description = "Rates, quotes, donors and donations"),
        (name = "donors", description = "A donor's own preferences"),
        (name = "payments", description = "Money in: callback, statements, manual entry, receipts, refunds"),
        (name = "lifecycle", description = "After the funded months: self-payments, stops, graduation"),
        (name = "cycle", description = "The month's remittance and its reconciliation"),
        (name = "messages", description = "Reminders and notices to donors and workers"),
        (name = "coverage", description = "Is a person protected on a day"),
        (name = "claims", description = "After an accident or a death: notifications, the coverage check, the benefit estimate, BPJS's stages"),
        (name = "audit", description = "The audit trail: every change, who and when, on a hash chain"),
        (name = "public", description = "GN Lingkaran in numbers, for anyone: no personal data"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                super::extract::SESSION_COOKIE,
            ))),
        );
    }
}

/// The document as served: the registered operations, completed.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc = super::routes().into_openapi();
        complete(serde_json::to_value(doc).unwrap_or_default())
    })
}

/// `GET /api/openapi.json`.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    summary = "This document",
    description = "Roles: anyone.",
    security(),
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
pub async fn serve() -> axum::Json<&'static Value> {
    axum::Json(document())
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Adds to every operation the answers that follow from its shape (see the module's comment).
pub fn complete(mut doc: Value) -> Value {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return doc;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                complete_operation(method, op);
            }
        }
    }
    doc
}

/// Whether an operation is open to anyone: it says `security: []`.
pub fn is_public(op: &Value) -> bool {
    op.get("security")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
}

fn complete_operation(method: &str, op: &mut Value) {
    // What any operation can meet, whatever its shape (src/http/limits.rs, db::faults).
    add_error(
        op,
        408,
        "The request took longer than this route allows (`timeout`)",
    );
    add_error(
        op,
        503,
        "The database cannot be reached right now (`store_unavailable`), or too many uploads \
         are running (`busy`); `Retry-After` says when to try again",
    );
    add_error(op, 507, "The server's disk is full (`disk_full`)");
    let public = is_public(op);
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let body_types: Vec<String> = op["requestBody"]["content"]
        .as_object()
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let json_body = body_types.iter().any(|t| t == "application/json");
    let mut add = |status: u16, why: &str| add_error(op, status, why);
    if !public {
        add(
            401,
            "Not signed in, or an unknown token (`unauthenticated`)",
        );
    }
    if json_body {
        add(400, "The body is not JSON (`invalid_json`)");
        add(413, "The body is too large (`body_too_large`)");
        add(
            415,
            "The body is not sent as `application/json` (`unsupported_media_type`)",
        );
        add(422, "The JSON does not have this operation's shape: not an object, a field missing or of another type, or a text holding the NUL character (`invalid_json`)");
    } else if !body_types.is_empty() {
        add(413, "The body is too large (`body_too_large`)");
        if body_types.iter().any(|t| t.starts_with("multipart/")) {
            add(
                415,
                "The body is not `multipart/form-data` (`unsupported_media_type`)",
            );
        } else {
            add(
                400,
                "The body is not UTF-8 text, or holds the NUL character (`invalid_text`)",
            );
        }
    }
    let integer_in_path = params
        .iter()
        .any(|p| p["in"] == "path" && p["schema"]["type"] == "integer");
    if integer_in_path {
        add(
            400,
            "A path parameter is not a whole number (`invalid_path`)",
        );
    }
    if params.iter().any(|p| p["in"] == "query") {
        add(
            400,
            "A query parameter has the wrong type, or holds the NUL character (`invalid_query`)",
        );
    }
    if method == "post" {
        add(
            400,
            "The `Idempotency-Key` is not 1–255 printable ASCII characters (`bad_idempotency_key`)",
        );
        if !public {
            add(409, "A request with this `Idempotency-Key` is still running (`idempotency_in_progress`)");
            add(
                422,
                "This `Idempotency-Key` was used for another request (`idempotency_key_reused`)",
            );
            add(
                413,
                "A body over 32 MB cannot carry an `Idempotency-Key` (`too_large_for_idempotency`)",
            );
        }
        let header = json!({
            "name": "Idempotency-Key", "in": "header", "required": false,
            "description": "The same key from the same caller gets the same answer for 24 hours.",
            "schema": { "type": "string", "minLength": 1, "maxLength": super::idempotency::MAX_KEY_LEN },
        });
        match op["parameters"].as_array_mut() {
            Some(list) => list.push(header),
            None => op["parameters"] = json!([header]),
        }
    }
}

/// Adds `why` to the operation's answer `status` (the error envelope), or creates it.
fn add_error(op: &mut Value, status: u16, why: &str) {
    let Some(responses) = op
        .as_object_mut()
        .map(|o| o.entry("responses").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let r = responses
        .entry(status.to_string())
        .or_insert_with(|| json!({ "description": "" }));
    let described = r["description"].as_str().unwrap_or_default();
    let description = if described.is_empty() {
        why.to_string()
    } else {
        format!("{described}; or: {why}")
    };
    r["description"] = Value::String(description);
    r["content"] = json!({
        "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } }
    });
}
