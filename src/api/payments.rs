//! Money in through the API: the provider's signed callback, bank statements with the
//! unmatched queue, an officer's manual entry with its evidence, receipts, a donor's account
//! (credit, invoices, payments) and refunds.

use super::donations::{acting_donor, invoice_json};
use super::error::{ApiError, ErrorEnvelope, Result};
use super::extract::Caller;
use super::extract::{refuse_nul, upload_refused, Json, Multipart, Path};
use super::shapes;
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::Role;
use crate::db::donations;
use crate::db::payments::{self, BookRefusal, NewPayment, PaymentRow, Source, Target};
use crate::db::statements::{self, LineRow};
use crate::payments::callback::{self, Headers, Refusal};
use crate::usecase::payments as uc;
use crate::wire::{self, problem_json};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lingkaran_domain::format::rupiah;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

pub fn payment_json(p: &PaymentRow) -> Value {
    serde_json::to_value(wire::Payment::of(p)).unwrap_or_default()
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `POST /api/v1/payments/callback`: the provider says a virtual account was paid. The
/// signature is checked over the raw body before anything is read from it.
#[utoipa::path(post, path = crate::payments::callback::PATH, tag = "payments",
    summary = "The payment provider's signed notification that a virtual account was paid (DOKU's non-SNAP HTTP Notification; see docs/payments.md)",
    description = "Roles: the payment provider (signed with the shared secret; no user).",
    security(),
    request_body(content = Object, description = "The provider's notification, signed over the raw body", content_type = "application/json"),
    params(
        ("Client-Id" = String, Header, description = "The provider's client id"),
        ("Request-Id" = String, Header, description = "Unique per notification"),
        ("Request-Timestamp" = String, Header, description = "ISO 8601, within 5 minutes"),
        ("Signature" = String, Header, description = "`HMACSHA256=` + base64 of the HMAC over the request's components"),
    ),
    responses(
        (status = 200, description = "Acknowledged: booked, already booked, or a failed attempt ignored", body = shapes::CallbackAnswer),
        (status = 400, description = "The body is not the notification (`bad_body`, `missing_field`)", body = ErrorEnvelope),
        (status = 401, description = "Signature, client id or timestamp refused", body = ErrorEnvelope),
        (status = 404, description = "No invoice has this virtual account (`unknown_va`)", body = ErrorEnvelope),
        (status = 409, description = "The payment does not fit the invoice", body = ErrorEnvelope),
        (status = 422, description = "The amount is out of bounds (`amount_out_of_bounds`)", body = ErrorEnvelope),
    ))]
pub async fn provider_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    let h = Headers {
        client_id: header(&headers, "client-id"),
        request_id: header(&headers, "request-id"),
        timestamp: header(&headers, "request-timestamp"),
        signature: header(&headers, "signature"),
    };
    let paid =
        callback::verify(&state.settings.provider, &h, &body, state.clock.now()).map_err(|r| {
            let status = match r.kind {
                Refusal::Unauthentic => StatusCode::UNAUTHORIZED,
                Refusal::Malformed => StatusCode::BAD_REQUEST,
                Refusal::AmountOutOfBounds => StatusCode::UNPROCESSABLE_ENTITY,
            };
            tracing::warn!(code = r.problem.code, "payment callback refused");
            ApiError {
                status,
                problems: vec![r.problem],
            }
        })?;
    if paid.status != "SUCCESS" {
        // Failed or expired attempts move no money; acknowledge so the provider stops.
        return Ok(Json(
            json!({ "status": "ignored", "transaction_status": paid.status }),
        ));
    }
    let booked = payments::book(
        &state.db,
        &NewPayment {
            source: Source::Callback,
            reference: paid.transaction_id.clone(),
            target: Target::Va(paid.va_number.clone()),
            amount: paid.amount,
            paid_on: paid.paid_on,
            channel: paid.channel.clone(),
            evidence_name: None,
            evidence: None,
            recorded_by: crate::db::audit::Actor::System("provider"),
            note: paid.invoice_number.clone(),
        },
        state.clock.now(),
    )
    .await?
    .map_err(|r| {
        let status = match r {
            BookRefusal::UnknownTarget(_) => StatusCode::NOT_FOUND,
            // `verify` has already refused these; said the same way if it ever did not.
            BookRefusal::AmountOutOfBounds => StatusCode::UNPROCESSABLE_ENTITY,
            BookRefusal::ReferenceReused { .. }
            | BookRefusal::Overpayment(_)
            | BookRefusal::LedgerRefused { .. } => StatusCode::CONFLICT,
        };
        ApiError {
            status,
            problems: vec![r.problem()],
        }
    })?;
    Ok(Json(json!({
        "status": "ok",
        "payment_id": booked.payment_id,
        "duplicate": !booked.new,
        "funded_donation": booked.funded_donation,
    })))
}

/// `GET /api/v1/payments/{id}`: the receipt (kuitansi) of one payment.
#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "payments",
    summary = "A payment's receipt",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The payment's id")),
    responses(
        (status = 200, description = "The receipt", body = wire::PaymentReceipt),
        (status = 404, description = "No such payment that you may see", body = ErrorEnvelope),
    ))]
pub async fn receipt(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<wire::PaymentReceipt>> {
    let r = crate::usecase::account::receipt(state.ctx(&caller.0), id).await?;
    Ok(Json(wire::PaymentReceipt {
        payment: wire::Payment::of(&r.payment),
        receipt_number: r.number,
        donor_name: r.donor_name,
        verification_code: r.code.map(|c| c.grouped()),
    }))
}

/// `GET /api/v1/credit-receipts/{id}`: the receipt of a donation paid from credit.
#[utoipa::path(get, path = "/api/v1/credit-receipts/{id}", tag = "payments",
    summary = "The receipt (KW/2026/000123) of a donation paid from the donor's credit: the amount the credit paid, the donation and its invoice",
    description = "Roles: admin, officer, the donor.",
    params(("id" = i64, Path, description = "The credit settlement's id")),
    responses(
        (status = 200, description = "The receipt", body = shapes::CreditReceipt),
        (status = 404, description = "No such receipt that you may see", body = ErrorEnvelope),
    ))]
pub async fn credit_receipt(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let r = crate::usecase::account::credit_receipt(state.ctx(&caller.0), id).await?;
    let mut v = credit_receipt_json(&r.settlement, &r.number, r.donor_name.as_deref());
    v["verification_code"] = json!(r.code.map(|c| c.grouped()));
    Ok(Json(v))
}

fn credit_receipt_json(
    s: &donations::CreditSettlement,
    number: &str,
    donor_name: Option<&str>,
) -> Value {
    json!({
        "id": s.id, "receipt_number": number, "donation_id": s.donation_id,
        "invoice_id": s.invoice_id, "invoice_number": s.invoice_number, "donor_id": s.donor_id,
        "donor_name": donor_name, "amount": s.amount, "amount_text": rupiah(s.amount),
        "source": "credit", "settled_at": s.settled_at.to_rfc3339(),
    })
}

/// `GET /api/v1/payments/{id}/evidence`: the file an officer attached to a manual entry.
#[utoipa::path(get, path = "/api/v1/payments/{id}/evidence", tag = "payments",
    summary = "The evidence file of a manual payment",
    description = "Roles: admin, officer.",
    params(("id" = i64, Path, description = "The payment's id")),
    responses(
        (status = 200, description = "The file as it was uploaded", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such payment, or it has no evidence", body = ErrorEnvelope),
    ))]
pub async fn evidence(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response> {
    caller.require(&STAFF)?;
    let (name, bytes) = payments::evidence(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Bukti pembayaran"))?;
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn bad(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, id, en)
}

/// `POST /api/v1/payments/manual` (multipart): an officer records money that came another
/// way (a transfer to the programme's account, cash at the branch), with the receipt's
/// scan as evidence. Fields: `invoice_number` or `donor_id`, `amount`, `paid_on`
/// (YYYY-MM-DD), `reference` (the receipt or transfer number), `note`, and the file
/// `evidence`.
#[utoipa::path(post, path = "/api/v1/payments/manual", tag = "payments",
    summary = "Record a payment with its evidence (multipart: invoice_number or donor_id, amount, paid_on, reference, note, evidence)",
    description = "Roles: admin, officer.",
    request_body(content = shapes::ManualEntryForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The payment, booked", body = shapes::ManualPayment),
        (status = 200, description = "This reference was booked before: that payment (`duplicate`)", body = shapes::ManualPayment),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 409, description = "The reference was used for another payment (`reference_reused`), or the amount goes past what the invoice still owes and `confirm_overpayment` was not sent (`overpayment_unconfirmed`, naming whose credit the excess becomes)", body = ErrorEnvelope),
        (status = 422, description = "Evidence, amount, date, reference or target do not hold, or an unreadable upload", body = ErrorEnvelope),
    ))]
pub async fn manual(
    caller: Caller,
    State(state): State<AppState>,
    Multipart(mut mp): Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&STAFF)?;
    let mut fields = std::collections::HashMap::new();
    let mut evidence: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(upload_refused)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "evidence" {
            let file = field.file_name().unwrap_or("bukti").to_string();
            let bytes = field.bytes().await.map_err(upload_refused)?;
            if !bytes.is_empty() {
                evidence = Some((file, bytes.to_vec()));
            }
        } else {
            let value = field.text().await.map_err(upload_refused)?;
            fields.insert(name.clone(), refuse_nul(&name, value)?);
        }
    }
    let mut take = |k: &str| fields.remove(k).unwrap_or_default();
    let entry = uc::Manual {
        invoice_number: take("invoice_number"),
        donor_id: take("donor_id"),
        amount: take("amount"),
        paid_on: take("paid_on"),
        reference: take("reference"),
        note: take("note"),
        evidence,
        confirm_overpayment: truthy(&take("confirm_overpayment")),
    };
    let done = uc::manual(state.ctx(p), entry).await?;
    let status = if done.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut v = payment_json(&done.payment);
    v["duplicate"] = json!(!done.new);
    v["funded_donation"] = json!(done.funded_donation);
    Ok((status, Json(v)))
}

/// A multipart yes: `true`, `1`, `yes` or `on` (a checkbox), in any case.
fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

pub fn line_json(l: &LineRow) -> Value {
    json!({
        "id": l.id, "statement_id": l.statement_id, "filename": l.filename, "line": l.line_no,
        "booked_on": l.booked_on, "value_date": l.value_date, "account": l.account,
        "amount": l.amount, "amount_text": rupiah(l.amount),
        "reference": l.reference, "bank_reference": l.bank_reference,
        "description": l.description, "va_number": l.va_number,
        "status": l.status, "payment_id": l.payment_id, "reason": l.reason,
    })
}

/// `POST /api/v1/statements` (multipart, field `file`, optional `account`: the account the
/// file is of, needed when the file names none): a bank statement, CSV or MT940.
#[utoipa::path(post, path = "/api/v1/statements", tag = "payments",
    summary = "Upload a bank statement (CSV or MT940, multipart fields file and account); lines are matched by VA or invoice number, and a transfer is booked once whichever file brings it",
    description = "Roles: admin, officer.",
    request_body(content = shapes::StatementUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "What the statement did, line by line", body = shapes::StatementReport),
        (status = 200, description = "The file was uploaded before (`again`): what it holds now", body = shapes::StatementReport),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 422, description = "No file, an unreadable upload, or a file that is not a statement", body = ErrorEnvelope),
    ))]
pub async fn upload_statement(
    caller: Caller,
    State(state): State<AppState>,
    Multipart(mut mp): Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&STAFF)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut account: Option<String> = None;
    while let Some(field) = mp.next_field().await.map_err(upload_refused)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("mutasi.csv").to_string();
                file = Some((name, field.bytes().await.map_err(upload_refused)?.to_vec()));
            }
            Some("account") => {
                let value = field.text().await.map_err(upload_refused)?;
                account = Some(refuse_nul("account", value)?)
            }
            _ => {}
        }
    }
    let Some((name, bytes)) = file else {
        return Err(bad(
            "file_required",
            "Pilih berkas rekening koran (CSV atau MT940) di kolom file.",
            "Choose a bank statement file (CSV or MT940) in the field file.",
        ));
    };
    let report = statements::import(
        &state.db,
        &name,
        &bytes,
        account.as_deref(),
        crate::db::audit::Actor::of(p),
        state.clock.now(),
    )
    .await?
    .map_err(|p| ApiError::invalid(vec![p]))?;
    let lines = statements::lines_of(&state.db, report.statement_id).await?;
    let status = if report.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(json!({
            "statement_id": report.statement_id, "format": report.format, "again": report.again,
            "account": report.account,
            "lines": report.lines, "matched": report.matched, "reconciled": report.reconciled,
            "unmatched": report.unmatched, "duplicates": report.duplicates,
            "skipped_debits": report.skipped_debits,
            "errors": report.errors.iter().map(|(line, p)| json!({ "line": line, "problem": problem_json(p) })).collect::<Vec<_>>(),
            "notices": report.notices.iter().map(problem_json).collect::<Vec<_>>(),
            "entries": lines.iter().map(line_json).collect::<Vec<_>>(),
        })),
    ))
}

/// `GET /api/v1/statements/unmatched`: the officers' queue.
#[utoipa::path(get, path = "/api/v1/statements/unmatched", tag = "payments",
    summary = "Statement lines that matched no invoice: the officers' queue",
    description = "Roles: admin, officer.",
    responses(
        (status = 200, description = "Up to 500 lines", body = shapes::UnmatchedLines),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
    ))]
pub async fn unmatched(caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    caller.require(&STAFF)?;
    let rows = statements::unmatched(&state.db, 500).await?;
    Ok(Json(
        json!({ "lines": rows.iter().map(line_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ResolveInput {
    invoice_number: Option<String>,
    donor_id: Option<i64>,
    #[serde(default)]
    ignore: bool,
    note: Option<String>,
    /// Book it even though the invoice is already paid, or would be paid past its amount;
    /// the excess becomes the donor's credit. Without it such a booking answers 409
    /// `overpayment_unconfirmed`, saying whose credit it would become.
    #[serde(default)]
    confirm_overpayment: bool,
}

/// `POST /api/v1/statement-lines/{id}/resolve`: an officer assigns an unmatched line to an
/// invoice or a donor, or sets it aside with a reason.
#[utoipa::path(post, path = "/api/v1/statement-lines/{id}/resolve", tag = "payments",
    summary = "Assign an unmatched line to an invoice or donor, or ignore it with a note; booking to a paid invoice needs confirm_overpayment (409 otherwise)",
    description = "Roles: admin, officer.",
    params(("id" = i64, Path, description = "The statement line's id")),
    responses(
        (status = 200, description = "The line, resolved or ignored", body = shapes::StatementLine),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such line", body = ErrorEnvelope),
        (status = 409, description = "It would pay an invoice past its amount (`overpayment_unconfirmed`)", body = ErrorEnvelope),
        (status = 422, description = "No decision, no note to ignore it, or the line cannot be booked so", body = ErrorEnvelope),
    ))]
pub async fn resolve_line(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(r): Json<ResolveInput>,
) -> Result<Json<Value>> {
    let decision = uc::Resolve {
        invoice_number: r.invoice_number,
        donor_id: r.donor_id,
        ignore: r.ignore,
        note: r.note,
        confirm_overpayment: r.confirm_overpayment,
    };
    let line = uc::resolve_line(state.ctx(&caller.0), id, decision).await?;
    Ok(Json(line_json(&line)))
}

/// `GET /api/v1/donors/{id}/account`: what a donor has paid, owes and has left.
#[utoipa::path(get, path = "/api/v1/donors/{id}/account", tag = "donations",
    summary = "A donor's credit, invoices and payments",
    description = "Roles: admin, officer, the donor. An officer of a region the donor funds no worker in gets the totals only (`totals_only`).",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 200, description = "The account", body = shapes::Account),
        (status = 403, description = "Not a donor or staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor that you may see", body = ErrorEnvelope),
    ))]
pub async fn account(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let p = caller.require(&crate::auth::role::GIVERS)?;
    let donor = if p.role == Role::Donor {
        acting_donor(&state, p, Some(id)).await?
    } else {
        crate::db::donors::get(&state.db, id)
            .await?
            .ok_or_else(|| ApiError::not_found("Donatur"))?
    };
    let credit = payments::credit_of(&state.db, donor.id).await?;
    let full = crate::usecase::account::sees_account(state.ctx(p), &donor).await?;
    let (invoices, pays, settled) = if full {
        (
            donations::invoices_of_donor(&state.db, donor.id).await?,
            payments::of_donor(&state.db, donor.id).await?,
            donations::credit_settlements_of_donor(&state.db, donor.id).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    Ok(Json(json!({
        "donor": { "id": donor.id, "name": donor.name, "kind": donor.kind },
        "credit": credit, "credit_text": rupiah(credit), "totals_only": !full,
        "invoices": invoices.iter().map(invoice_json).collect::<Vec<_>>(),
        "payments": pays.iter().map(payment_json).collect::<Vec<_>>(),
        "credit_receipts": settled.iter().map(|s| credit_receipt_json(
            s, &s.receipt_number(), Some(&donor.name),
        )).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize, ToSchema)]
pub struct RefundInput {
    amount: i64,
    reason: String,
}

/// `POST /api/v1/donors/{id}/refunds`: an officer returns credit to the donor.
#[utoipa::path(post, path = "/api/v1/donors/{id}/refunds", tag = "payments",
    summary = "Return part of a donor's credit to them (a ledger transfer)",
    description = "Roles: admin, officer.",
    params(("id" = i64, Path, description = "The donor's id")),
    responses(
        (status = 201, description = "The refund", body = shapes::RefundMade),
        (status = 403, description = "Not staff (`forbidden`)", body = ErrorEnvelope),
        (status = 404, description = "No such donor", body = ErrorEnvelope),
        (status = 422, description = "No amount or reason, or more than the credit", body = ErrorEnvelope),
    ))]
pub async fn refund(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(r): Json<RefundInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&STAFF)?;
    crate::db::donors::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Donatur"))?;
    // The amount's upper bounds (the credit, Rp 10^15) are `payments::refund`'s own.
    if r.amount <= 0 || r.reason.trim().is_empty() {
        return Err(bad(
            "invalid_refund",
            "Jumlah pengembalian lebih dari Rp 0 dan alasannya wajib diisi.",
            "A refund is more than Rp 0 and needs a reason.",
        ));
    }
    let refund_id = payments::refund(
        &state.db,
        id,
        r.amount,
        r.reason.trim(),
        crate::db::audit::Actor::of(p),
        state.clock.now(),
    )
    .await?
    .map_err(|p| ApiError::invalid(vec![p]))?;
    let credit = payments::credit_of(&state.db, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": refund_id, "donor_id": id, "amount": r.amount, "credit": credit })),
    ))
}
