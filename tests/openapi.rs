//! The OpenAPI document (`/api/openapi.json`) against the router and against itself: every
//! route is documented and every documented operation is routed; each operation has its
//! parameters, its success schema, the error envelope on its refusals, and says who may call
//! it; the committed `docs/openapi.json` is the document served. And the refusals axum itself
//! would answer in plain text (a body, a query or a path that does not parse, a body too
//! large) come in the error envelope.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::TestApp;
use lingkaran::api::openapi;
use lingkaran::auth::Role;
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Every `(method, path)` of the document.
fn operations() -> Vec<(&'static str, &'static str, &'static Value)> {
    let mut out = Vec::new();
    for (path, item) in openapi::document()["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m, path.as_str(), op));
            }
        }
    }
    out
}

/// A path with each `{param}` filled with a value of the right shape.
fn filled(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{code}", "35.25")
        .replace("{nik}", "3525014506870001")
        .replace("{month}", "2026-01")
}

#[test]
fn the_committed_document_is_the_served_one() {
    let served = serde_json::to_string_pretty(openapi::document()).unwrap() + "\n";
    let file = "docs/openapi.json";
    if std::env::var("UPDATE_OPENAPI_SNAPSHOT").is_ok_and(|v| v == "1") {
        std::fs::write(file, &served).unwrap();
    }
    let committed = std::fs::read_to_string(file).unwrap_or_default();
    assert!(
        committed == served,
        "docs/openapi.json differs from the document the service serves. If the change is \
         meant, rewrite it with `UPDATE_OPENAPI_SNAPSHOT=1 cargo test --test integration openapi::` and \
         commit it."
    );
}

#[test]
fn the_document_is_openapi_3_1_with_the_error_envelope() {
    let doc = openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    let envelope = &doc["components"]["schemas"]["ErrorEnvelope"];
    assert_eq!(envelope["properties"]["errors"]["type"], "array");
    let item = &doc["components"]["schemas"]["ErrorItem"]["properties"];
    for field in ["code", "detail", "detail_en"] {
        assert_eq!(item[field]["type"], "string", "ErrorItem.{field}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(
        operations().len() >= 64,
        "{} operations",
        operations().len()
    );
}

#[test]
fn every_operation_says_what_it_takes_and_answers() {
    let text = serde_json::to_string(openapi::document()).unwrap();
    for (method, path, op) in operations() {
        let at = format!("{method} {path}");
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{at}: summary"
        );
        assert!(
            op["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Roles: ")),
            "{at}: the description names the roles"
        );
        // Each `{param}` of the path is a path parameter with a schema.
        for name in path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        {
            let described = op["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["in"] == "path" && p["name"] == name && p["schema"].is_object())
            });
            assert!(described, "{at}: path parameter {name}");
        }
        let responses = op["responses"].as_object().unwrap();
        let success: Vec<_> = responses.keys().filter(|s| s.starts_with('2')).collect();
        assert!(!success.is_empty(), "{at}: a success answer");
        for s in success {
            let content = responses[s]["content"].as_object();
            let schema = content
                .and_then(|c| c.values().next())
                .map(|c| &c["schema"]);
            assert!(
                schema.is_some_and(|s| s.is_object() && s != &Value::Object(Default::default())),
                "{at}: answer {s} has a schema"
            );
        }
        for (s, r) in responses.iter().filter(|(s, _)| s.starts_with('4')) {
            assert_eq!(
                r["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorEnvelope",
                "{at}: answer {s} is the error envelope"
            );
        }
        if openapi::is_public(op) {
            assert!(
                responses.get("401").is_none()
                    || path.ends_with("/auth/token")
                    || path.contains("callback"),
                "{at}: public, yet 401 for want of a sign-in"
            );
        } else {
            assert!(responses.contains_key("401"), "{at}: signed in, so 401");
        }
        if op["requestBody"]["content"]["application/json"].is_object() {
            for s in ["400", "413", "415", "422"] {
                assert!(
                    responses.contains_key(s),
                    "{at}: a JSON body can be refused with {s}"
                );
            }
        }
        if method == "post" {
            let key = op["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key")
            });
            assert!(key, "{at}: takes an Idempotency-Key");
        }
    }
    // The query parameters come from the handlers' `Query<T>` (spot checks).
    for (method, path, names) in [
        (
            "get",
            "/api/v1/workers",
            &["nik", "name", "status", "page", "per_page"][..],
        ),
        ("get", "/api/v1/regions", &["q", "level", "limit"]),
        (
            "get",
            "/api/v1/donations/{id}/workers",
            &["limit", "offset"],
        ),
        ("get", "/api/v1/outbox", &["status"]),
    ] {
        let params = openapi::document()["paths"][path][method]["parameters"]
            .as_array()
            .unwrap();
        for name in names {
            assert!(
                params
                    .iter()
                    .any(|p| p["in"] == "query" && p["name"] == *name),
                "{method} {path}: query parameter {name}"
            );
        }
    }
    // Every schema referred to exists.
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(
            openapi::document()["components"]["schemas"][name].is_object(),
            "schema {name} is referred to but missing"
        );
    }
}

#[test]
fn exactly_the_public_operations_are_marked_public() {
    let mut public: Vec<String> = operations()
        .into_iter()
        .filter(|(_, _, op)| openapi::is_public(op))
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    public.sort();
    assert_eq!(
        public,
        [
            "get /api/openapi.json",
            "get /api/v1/health",
            "get /api/v1/public/receipts/{code}",
            "get /api/v1/public/summary",
            "get /api/v1/regions",
            "get /api/v1/regions/{code}",
            "get /api/v1/regions/{code}/children",
            "post /api/v1/auth/token",
            "post /api/v1/payments/callback",
            "post /api/v1/signup",
        ]
    );
    // The rest need a bearer token or the session: the document's default.
    let security = &openapi::document()["security"];
    assert_eq!(security[0]["bearer"], serde_json::json!([]));
    assert_eq!(security[1]["session"], serde_json::json!([]));
}

/// Routes are only made by `routes!` in `api::routes`, which documents each one: nothing in
/// `src/api` routes another way, and the pages route nothing under `/api`.
#[test]
fn nothing_is_routed_around_the_document() {
    for dir in ["src/api", "src/web"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let bypass = if dir == "src/api" {
                [".route(", ".route_service(", ".nest(", ".merge("]
                    .iter()
                    .any(|r| text.contains(r))
            } else {
                text.contains(".route(\"/api")
            };
            assert!(!bypass, "{} routes outside api::routes", path.display());
        }
    }
}

both_dbs!(every_documented_operation_is_routed, |db| async move {
    let app = TestApp::spawn(db).await;
    let documented = operations();
    for (method, path, _) in &documented {
        let r = app
            .client
            .request(
                method.to_uppercase().parse().unwrap(),
                app.url(&filled(path)),
            )
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert_ne!(status, 405, "{method} {path} is documented but not routed");
        assert!(
            !(status == 404 && body.contains("no_route")),
            "{method} {path} is documented but not routed"
        );
    }
    // And a method not documented on a documented path is not routed either.
    for path in openapi::document()["paths"].as_object().unwrap().keys() {
        for method in METHODS {
            if documented.iter().any(|(m, p, _)| *m == method && p == path) {
                continue;
            }
            let r = app
                .client
                .request(
                    method.to_uppercase().parse().unwrap(),
                    app.url(&filled(path)),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                405,
                "{method} {path} is routed but not documented"
            );
            let (_, e) = common::status_json(r).await;
            assert_eq!(e["errors"][0]["code"], "method_not_allowed", "{e}");
        }
    }
    let (s, e) = common::status_json(
        app.client
            .get(app.url("/api/v1/tidak-ada"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(e["errors"][0]["code"], "no_route");
});

/// Sends `body` as JSON text (whatever it holds) and returns the status and the envelope.
async fn send_text(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let mut req = app
        .client
        .request(method.parse().unwrap(), app.url(path))
        .bearer_auth(token)
        .body(body.to_string());
    if let Some(t) = content_type {
        req = req.header("content-type", t);
    }
    common::status_json(req.send().await.unwrap()).await
}

fn code(e: &Value) -> &str {
    e["errors"][0]["code"].as_str().unwrap_or_default()
}

/// Both sentences are there, and they are not axum's plain text.
fn in_words(e: &Value) {
    let first = &e["errors"][0];
    assert!(
        first["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{e}"
    );
    assert!(
        first["detail_en"].as_str().is_some_and(|d| !d.is_empty()),
        "{e}"
    );
}

both_dbs!(
    requests_that_do_not_parse_get_the_envelope,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let admin = app.user("admin", Role::Admin, None, &[]).await;
        let t = admin.token.as_str();
        let json = Some("application/json");

        let (s, e) = send_text(&app, "POST", "/api/v1/nik/check", t, json, "{\"nik\": ").await;
        assert_eq!((s, code(&e)), (400, "invalid_json"), "malformed JSON: {e}");
        in_words(&e);

        let (s, e) = send_text(
            &app,
            "POST",
            "/api/v1/quotes",
            t,
            json,
            r#"{"workers": "dua", "months": 3}"#,
        )
        .await;
        assert_eq!(
            (s, code(&e)),
            (422, "invalid_json"),
            "a field of the wrong type: {e}"
        );
        assert!(
            e["errors"][0]["detail_en"]
                .as_str()
                .unwrap()
                .contains("workers"),
            "names the field: {e}"
        );

        let (s, e) = send_text(&app, "POST", "/api/v1/quotes", t, json, r#"{"months": 3}"#).await;
        assert_eq!((s, code(&e)), (422, "invalid_json"), "a field missing: {e}");

        let (s, e) = send_text(
            &app,
            "POST",
            "/api/v1/nik/check",
            t,
            None,
            r#"{"nik": "1"}"#,
        )
        .await;
        assert_eq!(
            (s, code(&e)),
            (415, "unsupported_media_type"),
            "no content type: {e}"
        );
        in_words(&e);

        let (s, e) = send_text(&app, "GET", "/api/v1/workers/abc", t, None, "").await;
        assert_eq!(
            (s, code(&e)),
            (400, "invalid_path"),
            "an id that is not a number: {e}"
        );
        assert!(
            e["errors"][0]["detail"].as_str().unwrap().contains("abc"),
            "{e}"
        );
        in_words(&e);

        let (s, e) = send_text(&app, "GET", "/api/v1/workers?page=dua", t, None, "").await;
        assert_eq!(
            (s, code(&e)),
            (400, "invalid_query"),
            "a query that does not parse: {e}"
        );
        in_words(&e);

        let (s, e) = send_text(&app, "POST", "/api/v1/imports", t, json, "{}").await;
        assert_eq!(
            (s, code(&e)),
            (415, "unsupported_media_type"),
            "JSON where an upload goes: {e}"
        );

        let (s, e) = send_text(&app, "DELETE", "/api/v1/donations", t, None, "").await;
        assert_eq!((s, code(&e)), (405, "method_not_allowed"), "{e}");
        in_words(&e);
    }
);

/// The JSON extractor refuses any body but an object (`src/api/extract/body.rs`): true to the
/// document only while every JSON body it describes is an object, or `null` for an optional one.
#[test]
fn every_json_body_is_an_object() {
    let doc = openapi::document();
    let resolve = |s: &Value| -> Value {
        match s["$ref"].as_str() {
            Some(r) => doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone(),
            None => s.clone(),
        }
    };
    for (method, path, op) in operations() {
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        if schema.is_null() {
            continue;
        }
        let kinds: Vec<Value> = match schema["oneOf"].as_array() {
            Some(alternatives) => alternatives
                .iter()
                .map(|a| resolve(a)["type"].clone())
                .collect(),
            None => vec![resolve(schema)["type"].clone()],
        };
        assert!(
            kinds.contains(&Value::from("object"))
                && kinds.iter().all(|k| k == "object" || k == "null"),
            "{method} {path}: a JSON body of types {kinds:?}"
        );
    }
}

// Found by schemathesis (.ci/schemathesis.sh): serde reads a struct from an array of its
// fields in order, so `[null, null]` set a donor's hold limits (200) although the document
// says the body is an object; and `criteria` likewise. An optional body documented as `null`
// or an object was refused when it was `null`.
both_dbs!(
    a_json_body_is_the_object_the_document_says,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let admin = app.user("admin", Role::Admin, None, &[]).await;
        let t = admin.token.as_str();
        let json = Some("application/json");
        let (s, d) = app
            .post(
                &admin,
                "/api/v1/donors",
                serde_json::json!({"kind": "institution", "name": "BAZNAS Gresik"}),
            )
            .await;
        assert_eq!(s, 201, "{d}");
        let limits = format!("/api/v1/donors/{}/hold-limits", d["id"]);

        for body in ["[null, null]", "[5, 2]", "\"x\"", "7"] {
            let (s, e) = send_text(&app, "PUT", &limits, t, json, body).await;
            assert_eq!((s, code(&e)), (422, "invalid_json"), "{body}: {e}");
            in_words(&e);
        }
        let (_, shown) = app.get(&admin, &limits).await;
        assert_eq!(
            shown["max_workers"],
            Value::Null,
            "nothing was set: {shown}"
        );
        let (s, set) = send_text(&app, "PUT", &limits, t, json, r#"{"max_workers": 5}"#).await;
        assert_eq!((s, &set["max_workers"]), (200, &Value::from(5)), "{set}");

        let (s, e) = send_text(
            &app,
            "POST",
            "/api/v1/donations",
            t,
            json,
            &format!(
                r#"{{"mode": "criteria", "donor_id": {}, "criteria": ["35.25.01"], "count": 1, "months": 1}}"#,
                d["id"]
            ),
        )
        .await;
        assert_eq!((s, code(&e)), (422, "invalid_json"), "{e}");
        assert!(
            e["errors"][0]["detail_en"]
                .as_str()
                .unwrap()
                .contains("criteria"),
            "names the field: {e}"
        );

        // `null` is the documented empty note: the worker is looked up, as with no body.
        for (content_type, body) in [(json, "null"), (json, " null\n"), (None, "")] {
            let (s, e) = send_text(
                &app,
                "POST",
                "/api/v1/workers/999999/verify",
                t,
                content_type,
                body,
            )
            .await;
            assert_eq!((s, code(&e)), (404, "not_found"), "{body:?}: {e}");
        }
    }
);

// Found by schemathesis against PostgreSQL, which cannot store the NUL character in a text:
// a name, a username, a query or a note that held one was a 500 there (SQLite stored it).
both_dbs!(
    text_with_the_nul_character_is_refused_in_words,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let admin = app.user("admin", Role::Admin, None, &[]).await;
        let t = admin.token.as_str();
        let json = Some("application/json");
        let refused = |what: &str, (s, e): (u16, Value), want: (u16, &str)| {
            assert_eq!((s, code(&e)), want, "{what}: {e}");
            in_words(&e);
        };
        refused(
            "a donor's name",
            send_text(
                &app,
                "POST",
                "/api/v1/donors",
                t,
                json,
                r#"{"kind": "institution", "name": "BAZNAS\u0000"}"#,
            )
            .await,
            (422, "invalid_json"),
        );
        refused(
            "a username signing in",
            send_text(
                &app,
                "POST",
                "/api/v1/auth/token",
                t,
                json,
                r#"{"username": "adm\u0000in", "password": "lingkaran-demo"}"#,
            )
            .await,
            (422, "invalid_json"),
        );
        refused(
            "a filter of the queue",
            send_text(&app, "GET", "/api/v1/queue?flag=a%00b", t, None, "").await,
            (400, "invalid_query"),
        );
        refused(
            "a region search, public",
            send_text(&app, "GET", "/api/v1/regions?q=Gre%00sik", t, None, "").await,
            (400, "invalid_query"),
        );
        refused(
            "the insurer's self-payments",
            send_text(
                &app,
                "POST",
                "/api/v1/self-payments/import",
                t,
                Some("text/csv"),
                "nik,bulan,iuran,referensi\n3525014506870001,2026-01,16800,JMO\u{0}1\n",
            )
            .await,
            (400, "invalid_text"),
        );
        let form = reqwest::multipart::Form::new()
            .text("invoice_number", "INV-2026-000001")
            .text("amount", "16800")
            .text("note", "transfer\u{0}");
        let (s, e) = app
            .post_multipart(&admin, "/api/v1/payments/manual", form)
            .await;
        refused("a manual payment's note", (s, e), (422, "nul_character"));
        let (_, donors) = app.get(&admin, "/api/v1/donors").await;
        assert_eq!(
            donors["donors"].as_array().unwrap().len(),
            0,
            "nothing was stored"
        );

        // A backslash followed by `u0000` is text like any other.
        let (s, r) = send_text(
            &app,
            "POST",
            "/api/v1/nik/check",
            t,
            json,
            r#"{"nik": "\\u0000"}"#,
        )
        .await;
        assert_eq!((s, &r["valid"]), (200, &Value::Bool(false)), "{r}");
    }
);

both_dbs!(
    a_body_over_the_limit_gets_413_in_the_envelope,
    |db| async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let app = TestApp::spawn(db).await;
        let admin = app.user("admin", Role::Admin, None, &[]).await;
        // Announcing more than the limit is refused before a byte of the body is read.
        let too_many = lingkaran::app::MAX_UPLOAD_BYTES + 1;
        let addr = app.base.trim_start_matches("http://");
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
        "POST /api/v1/nik/check HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {too_many}\r\nConnection: close\r\n\r\n{{",
        admin.token
    );
        tcp.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            tcp.read_to_end(&mut answer),
        )
        .await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("application/json"), "{answer}");
        assert!(answer.contains("\"body_too_large\""), "{answer}");
    }
);

/// The check every test's answers go through ([`common::conform::check`]) can fail.
#[test]
#[should_panic(expected = "does not fit its schema")]
fn an_answer_of_another_shape_is_caught() {
    common::conform::check(
        "GET",
        "/api/v1/health",
        200,
        &serde_json::json!({"status": 1}),
    );
}

#[test]
#[should_panic(expected = "which the document does not list")]
fn an_undocumented_status_is_caught() {
    common::conform::check("GET", "/api/v1/health", 404, &serde_json::json!({}));
}

// A donor's path through the API, each answer checked against its schema by the helpers
// ([`common::conform::check`]): a quote, a donation with its invoice, the callback that pays
// it, the receipt, the account, the funded workers, and a worker as staff see them.
both_dbs!(
    a_donation_and_its_payment_fit_their_schemas,
    |db| async move {
        use serde_json::json;
        let app = TestApp::spawn(db).await;
        let village = app.village(3, 11).await;
        let (donor, donor_id) = app.sign_up("budi", "Budi Santoso").await;

        let (s, quote) = app
            .post(
                &donor,
                "/api/v1/quotes",
                json!({ "workers": 3, "months": 2 }),
            )
            .await;
        assert_eq!(s, 200, "{quote}");
        assert_eq!(quote["by_month"].as_array().unwrap().len(), 2);

        let (s, d) = app
        .post(
            &donor,
            "/api/v1/donations",
            json!({ "mode": "criteria", "criteria": { "region": "35.25.01" }, "count": 3, "months": 2 }),
        )
        .await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(d["workers"], 3, "{d}");
        let inv = &d["invoice"];
        let (s, paid) = app
            .pay_callback(
                inv["va_number"].as_str().unwrap(),
                inv["number"].as_str().unwrap(),
                inv["amount"].as_i64().unwrap(),
                "DOKU-OPENAPI-1",
            )
            .await;
        assert_eq!(s, 200, "{paid}");
        assert_eq!(paid["funded_donation"], d["id"]);

        let payment = paid["payment_id"].as_i64().unwrap();
        let (s, receipt) = app
            .get(&donor, &format!("/api/v1/payments/{payment}"))
            .await;
        assert_eq!(s, 200, "{receipt}");
        let number = receipt["receipt_number"].as_str().unwrap_or_default();
        assert!(number.starts_with("KW/"), "{receipt}");
        let (s, account) = app
            .get(&donor, &format!("/api/v1/donors/{donor_id}/account"))
            .await;
        assert_eq!(s, 200, "{account}");
        let (s, shown) = app
            .get(&donor, &format!("/api/v1/donations/{}", d["id"]))
            .await;
        assert_eq!(
            (s, shown["status"].as_str()),
            (200, Some("funded")),
            "{shown}"
        );
        let (s, funded) = app
            .get(&donor, &format!("/api/v1/donations/{}/workers", d["id"]))
            .await;
        assert_eq!(s, 200, "{funded}");
        let (s, worker) = app
            .get(
                &village.officer,
                &format!("/api/v1/workers/{}", village.workers[0]),
            )
            .await;
        assert_eq!(s, 200, "{worker}");
        assert!(worker["history"].as_array().is_some_and(|h| !h.is_empty()));
    }
);
