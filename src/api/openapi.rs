//! The OpenAPI 3.1 document of `/api/v1`. Written by hand beside the router; the test
//! `openapi_lists_every_route` fails when a route is added without its entry here.

use axum::Json;
use serde_json::{json, Value};

fn op(tag: &str, summary: &str, roles: &str) -> Value {
    json!({
        "tags": [tag],
        "summary": summary,
        "description": format!("Roles: {roles}."),
        "responses": {
            "200": { "description": "OK" },
            "401": { "$ref": "#/components/responses/Error" },
            "403": { "$ref": "#/components/responses/Error" },
            "422": { "$ref": "#/components/responses/Error" }
        }
    })
}

/// Every documented `(method, path)`. The router test compares against this list.
pub const OPERATIONS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "get",
        "/api/v1/health",
        "meta",
        "Service and database health",
        "anyone",
    ),
    (
        "post",
        "/api/v1/auth/token",
        "accounts",
        "Exchange username and password for a bearer token",
        "anyone",
    ),
    (
        "get",
        "/api/v1/me",
        "accounts",
        "The caller's account, role and region scopes",
        "any signed-in user",
    ),
    (
        "post",
        "/api/v1/users",
        "accounts",
        "Create a user",
        "admin",
    ),
    (
        "get",
        "/api/v1/organisations",
        "accounts",
        "Proposing organisations in the caller's scope",
        "admin, officer, viewer",
    ),
    (
        "post",
        "/api/v1/organisations",
        "accounts",
        "Create a proposing organisation",
        "admin",
    ),
    (
        "get",
        "/api/v1/regions",
        "regions",
        "Search regions by name (q, level, limit)",
        "anyone",
    ),
    (
        "get",
        "/api/v1/regions/{code}",
        "regions",
        "Look up a region code",
        "anyone",
    ),
    (
        "get",
        "/api/v1/regions/{code}/children",
        "regions",
        "List a region's children (code 0 lists provinces)",
        "anyone",
    ),
    (
        "post",
        "/api/v1/nik/check",
        "nik",
        "Check a NIK: parts, regions, errors and warnings",
        "any signed-in user",
    ),
    (
        "get",
        "/api/v1/eligibility",
        "registry",
        "The programme's eligibility rules",
        "admin, officer, proposer, viewer",
    ),
    (
        "put",
        "/api/v1/eligibility",
        "registry",
        "Set minimum and maximum age",
        "admin",
    ),
    (
        "post",
        "/api/v1/covered-niks",
        "registry",
        "Import the insurer's list of NIKs already active (text, one per line)",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/workers",
        "registry",
        "Search workers by nik, name, region, status (page, per_page)",
        "admin, officer, viewer (scoped), proposer (own)",
    ),
    (
        "post",
        "/api/v1/workers",
        "registry",
        "Submit one worker",
        "proposer",
    ),
    (
        "post",
        "/api/v1/workers/decisions",
        "verification",
        "Verify or reject many workers",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/workers/{id}",
        "registry",
        "One worker with their history",
        "admin, officer, viewer (scoped), proposer (own)",
    ),
    (
        "post",
        "/api/v1/workers/{id}/verify",
        "verification",
        "Verify a proposed worker",
        "admin, officer (scoped; never own submissions)",
    ),
    (
        "post",
        "/api/v1/workers/{id}/reject",
        "verification",
        "Reject a worker with a reason",
        "admin, officer (scoped)",
    ),
    (
        "post",
        "/api/v1/workers/{id}/duplicate",
        "verification",
        "Decide a possible duplicate: merge or distinct",
        "admin, officer (scoped)",
    ),
    (
        "get",
        "/api/v1/queue",
        "verification",
        "Proposed workers to verify (village, occupation, proposer, flag)",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/imports",
        "imports",
        "Recent imports",
        "admin, proposer (own)",
    ),
    (
        "post",
        "/api/v1/imports",
        "imports",
        "Upload a CSV or XLSX list (multipart field 'file')",
        "proposer",
    ),
    (
        "get",
        "/api/v1/imports/{id}",
        "imports",
        "An import's report",
        "its proposer, officers in scope, admin",
    ),
    (
        "get",
        "/api/v1/imports/{id}/errors.csv",
        "imports",
        "The bad rows as CSV",
        "its proposer, officers in scope, admin",
    ),
    (
        "get",
        "/api/v1/rates",
        "donations",
        "The contribution rate table with effective months",
        "any signed-in user",
    ),
    (
        "post",
        "/api/v1/rates",
        "donations",
        "Add a rate for a future month (a rate in force is never edited)",
        "admin",
    ),
    (
        "post",
        "/api/v1/quotes",
        "donations",
        "Price workers × months (from defaults to the first month not yet due) for a funding source and sector; each month says which relief applied",
        "any signed-in user",
    ),
    (
        "get",
        "/api/v1/reliefs",
        "donations",
        "The relief rules (PP 50/2025 seeded) and the pricing settings",
        "any signed-in user",
    ),
    (
        "post",
        "/api/v1/reliefs",
        "donations",
        "Add a relief rule for months to come (a rule in force is never edited); held donations are re-priced",
        "admin",
    ),
    (
        "get",
        "/api/v1/donors",
        "donations",
        "Donors (a donor account sees its own)",
        "admin, officer, donor",
    ),
    (
        "post",
        "/api/v1/donors",
        "donations",
        "Create a donor: individual, company (NPWP), government (region), institution",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/donors/{id}",
        "donations",
        "A donor with its budget lines",
        "admin, officer, the donor",
    ),
    (
        "post",
        "/api/v1/donors/{id}/budget-lines",
        "donations",
        "Add a government's budget line (APBD, DBHCHT, Dana Desa) with its ceiling",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/donors/{id}/hold-limits",
        "donations",
        "How many workers and unpaid donations the donor may hold at a time",
        "admin, officer, the donor",
    ),
    (
        "put",
        "/api/v1/donors/{id}/hold-limits",
        "donations",
        "Set the donor's own hold limits (null: the default, which limits individuals who signed up alone)",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/donors/{id}/account",
        "donations",
        "A donor's credit, invoices and payments",
        "admin, officer, the donor",
    ),
    (
        "post",
        "/api/v1/donors/{id}/refunds",
        "payments",
        "Return part of a donor's credit to them (a ledger transfer)",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/donors/{id}/preferences",
        "donors",
        "A donor's e-mail for reminders, public naming, and where stopped months' money goes",
        "the donor, admin, officer",
    ),
    (
        "put",
        "/api/v1/donors/{id}/preferences",
        "donors",
        "Set {email, public_name, leftover_to_pool}",
        "the donor, admin, officer",
    ),
    (
        "post",
        "/api/v1/workers/{id}/self-payments",
        "lifecycle",
        "Record a month the worker paid alone {month, amount, reference}; the worker becomes mandiri",
        "admin, officer in the worker's region",
    ),
    (
        "post",
        "/api/v1/workers/{id}/stop",
        "lifecycle",
        "The worker died or left {reason: deceased|left, on, note}: future months stop, their money goes back",
        "admin, officer in the worker's region",
    ),
    (
        "post",
        "/api/v1/self-payments/import",
        "lifecycle",
        "Import self-payments from the insurer's data (CSV body nik,bulan,iuran[,referensi])",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/graduation",
        "lifecycle",
        "Share of sponsored workers paying alone 3, 6 and 12 months after (?by=donor|region&as_of=YYYY-MM)",
        "admin, officer, viewer",
    ),
    (
        "get",
        "/api/v1/cycle/{month}",
        "cycle",
        "The month's three-way reconciliation: funded ↔ remitted ↔ confirmed, rejected and late months",
        "admin, officer, viewer",
    ),
    (
        "get",
        "/api/v1/outbox",
        "messages",
        "Messages to donors and workers (?status=pending|sending|sent|failed), with counts",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/coverage/{nik}",
        "coverage",
        "Is this person protected on a day (?on=YYYY-MM-DD), by whom, until when",
        "admin, officer and viewer in the worker's region",
    ),
    (
        "post",
        "/api/v1/signup",
        "accounts",
        "An individual signs up as a donor; answers with a bearer token",
        "anyone",
    ),
    (
        "get",
        "/api/v1/donations",
        "donations",
        "Donations, newest first (a donor sees their own)",
        "admin, officer, donor",
    ),
    (
        "post",
        "/api/v1/donations",
        "donations",
        "Donate: choose workers by NIK (named), by criteria and count, or by budget; holds their months and issues an invoice with a virtual-account number",
        "admin, officer (for a donor), donor",
    ),
    (
        "get",
        "/api/v1/donations/{id}",
        "donations",
        "One donation with its invoice",
        "admin, officer, the donor",
    ),
    (
        "get",
        "/api/v1/donations/{id}/workers",
        "donations",
        "The workers a donation funds, each with why they were chosen (a donor sees masked NIKs and initials)",
        "admin, officer, the donor",
    ),
    (
        "post",
        "/api/v1/donations/{id}/extend",
        "donations",
        "Fund the same workers for more months",
        "admin, officer, the donor",
    ),
    (
        "post",
        "/api/v1/donations/{id}/cancel",
        "donations",
        "Cancel a held (unpaid) donation: its workers are released, its invoice cancelled",
        "admin, officer, the donor",
    ),
    (
        "post",
        "/api/v1/donations/{id}/pay-from-credit",
        "donations",
        "Pay a held donation from the donor's credit",
        "admin, officer, the donor",
    ),
    (
        "post",
        "/api/v1/payments/callback",
        "payments",
        "The payment provider's virtual-account notification (DOKU-style headers Client-Id, Request-Id, Request-Timestamp, Signature: HMACSHA256 over the raw body's digest; 5-minute replay window; idempotent by transaction.original_request_id)",
        "the provider (signed)",
    ),
    (
        "post",
        "/api/v1/payments/manual",
        "payments",
        "Record a payment with its evidence (multipart: invoice_number or donor_id, amount, paid_on, reference, note, evidence; confirm_overpayment=true to book past an invoice's amount, else 409 overpayment_unconfirmed)",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/payments/{id}",
        "payments",
        "A payment's receipt",
        "admin, officer, the donor",
    ),
    (
        "get",
        "/api/v1/credit-receipts/{id}",
        "payments",
        "The receipt (KWK-n) of a donation paid from the donor's credit: the amount the credit paid, the donation and its invoice",
        "admin, officer, the donor",
    ),
    (
        "get",
        "/api/v1/payments/{id}/evidence",
        "payments",
        "The evidence file of a manual payment",
        "admin, officer",
    ),
    (
        "post",
        "/api/v1/statements",
        "payments",
        "Upload a bank statement (CSV or MT940, multipart fields file and account); lines are matched by VA or invoice number, and a transfer is booked once whichever file brings it",
        "admin, officer",
    ),
    (
        "get",
        "/api/v1/statements/unmatched",
        "payments",
        "Statement lines that matched no invoice: the officers' queue",
        "admin, officer",
    ),
    (
        "post",
        "/api/v1/statement-lines/{id}/resolve",
        "payments",
        "Assign an unmatched line to an invoice or donor, or ignore it with a note; booking to a paid invoice needs confirm_overpayment (409 otherwise)",
        "admin, officer",
    ),
];

pub fn spec() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, tag, summary, roles) in OPERATIONS {
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op(tag, summary, roles);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Lingkaran API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "GN Lingkaran: donors pay the JKK and JKM contributions of vulnerable workers. \
                Authenticate with `Authorization: Bearer <token>` from POST /api/v1/auth/token, or with the \
                session cookie of the web pages plus the `X-CSRF-Token` header on changes. Errors come as \
                {\"errors\":[{\"code\",\"detail\",\"detail_en\"}]}. A whole NIK is returned only to officers \
                and admins in scope and to the worker's proposer; everyone else sees it masked. Every POST \
                honours an `Idempotency-Key` header: the same key from the same caller gets the same answer \
                (marked `Idempotency-Replayed: true`), 409 while the first request still runs, 422 when the \
                key was used for another request."
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": "lk_session" }
            },
            "responses": {
                "Error": {
                    "description": "An error envelope",
                    "content": { "application/json": { "schema": {
                        "type": "object",
                        "properties": { "errors": { "type": "array", "items": { "type": "object",
                            "properties": { "code": {"type": "string"}, "detail": {"type": "string"}, "detail_en": {"type": "string"} } } } }
                    } } }
                }
            }
        },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": paths,
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
