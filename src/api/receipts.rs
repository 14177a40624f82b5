//! Receipts as PDF files and the public check of a receipt's verification code (issue 14
//! §2): the same documents and answers as the pages `/kuitansi/{id}/pdf`,
//! `/kuitansi/kredit/{id}/pdf` and `/verifikasi/{code}` (`usecase::receipts`), and a receipt
//! sent with its PDF to the donor's own e-mail address (`usecase::documents`).

use super::error::{refusal, ErrorEnvelope, Result};
use super::extract::{Caller, Json, Path};
use crate::app::AppState;
use crate::usecase::receipts::{self as uc, Document};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lingkaran_domain::format::rupiah;
use serde::Serialize;
use utoipa::ToSchema;

fn pdf(doc: &Document) -> Result<Response> {
    let bytes = crate::report::receipt::write(doc)?;
    Ok(crate::http::download::attachment(
        bytes,
        "application/pdf",
        &doc.file_name(),
        "kuitansi.pdf",
    ))
}

#[utoipa::path(get, path = "/api/v1/payments/{id}/receipt.pdf", tag = "payments",
    summary = "A payment's receipt (kuitansi) as an A4 PDF: its number of the year (KW/2026/000123), the donor's name, address and NPWP when known, the amount in figures and words, what it paid for, how it was paid, the verification code and its QR code",
    description = "Roles: admin, officer, the donor who paid (as `GET /api/v1/payments/{id}`). Sent as an attachment named `kuitansi-KW-2026-000123.pdf`.",
    params(("id" = i64, Path, description = "The payment's id")),
    responses(
        (status = 200, description = "The receipt as a PDF", content((Vec<u8> = "application/pdf"))),
        (status = 404, description = "No such payment that you may see", body = ErrorEnvelope),
    ))]
pub async fn payment_pdf(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let doc = uc::of_payment(state.ctx(&caller.0), id, &state.settings.base_url).await?;
    pdf(&doc)
}

#[utoipa::path(get, path = "/api/v1/credit-receipts/{id}/receipt.pdf", tag = "payments",
    summary = "The receipt of a donation paid from the donor's credit, as an A4 PDF (as a payment's)",
    description = "Roles: admin, officer, the donor whose credit paid (as `GET /api/v1/credit-receipts/{id}`).",
    params(("id" = i64, Path, description = "The credit settlement's id (the receipt's id in `GET /api/v1/credit-receipts/{id}`)")),
    responses(
        (status = 200, description = "The receipt as a PDF", content((Vec<u8> = "application/pdf"))),
        (status = 404, description = "No such receipt that you may see", body = ErrorEnvelope),
    ))]
pub async fn credit_pdf(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let doc = uc::of_credit(state.ctx(&caller.0), id, &state.settings.base_url).await?;
    pdf(&doc)
}

/// A document queued to be sent to the donor's own e-mail address.
#[derive(Serialize, ToSchema)]
pub struct Mailed {
    /// The outbox message that carries it (`GET /api/v1/outbox`, for an admin).
    outbox_id: i64,
    /// `false`: the same document was asked for earlier today and is queued (or sent)
    /// already; nothing new was queued.
    queued: bool,
    /// Where it goes, masked (`k***@semen.example`): the donor's own address on record.
    to: String,
}

impl Mailed {
    /// The 202 answer of a queued document.
    pub(super) fn accepted(m: crate::usecase::documents::Mailed) -> (StatusCode, Json<Mailed>) {
        (
            StatusCode::ACCEPTED,
            Json(Mailed {
                outbox_id: m.outbox_id,
                queued: m.queued,
                to: m.to,
            }),
        )
    }
}

/// A queued mail (202), or the refusal as a whole response (429 carries `Retry-After`).
pub(super) type MailResult = std::result::Result<(StatusCode, Json<Mailed>), Response>;

/// Renders `doc`'s PDF and queues it to its donor's own address (202).
async fn mail(state: &AppState, caller: &Caller, doc: &Document) -> MailResult {
    let bytes = crate::report::receipt::write(doc)
        .map_err(|e| super::error::ApiError::from(e).into_response())?;
    let m = uc::mail_to_donor(state.ctx(&caller.0), doc, bytes)
        .await
        .map_err(refusal)?;
    Ok(Mailed::accepted(m))
}

#[utoipa::path(post, path = "/api/v1/payments/{id}/receipt/email", tag = "payments",
    summary = "Send a payment's receipt, its PDF attached, to the donor's own e-mail address",
    description = "Roles: admin, officer, the donor who paid (as `GET /api/v1/payments/{id}`). The e-mail goes only to the address the donor keeps in their preferences (`PUT /api/v1/donors/{id}/preferences`), never one from the request. The same receipt asked for again the same day (WIB) is queued once: the same `outbox_id`, `queued` false. At most 20 documents a donor a day.",
    params(("id" = i64, Path, description = "The payment's id")),
    responses(
        (status = 202, description = "Queued (or already queued today): the outbox message", body = Mailed),
        (status = 404, description = "No such payment that you may see", body = ErrorEnvelope),
        (status = 409, description = "The donor has no e-mail address on record (`no_email`)", body = ErrorEnvelope),
        (status = 429, description = "20 documents were sent to this donor today (`too_many_mails`), with `Retry-After` (until midnight WIB)", body = ErrorEnvelope),
    ))]
pub async fn payment_email(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> MailResult {
    let doc = uc::of_payment(state.ctx(&caller.0), id, &state.settings.base_url)
        .await
        .map_err(refusal)?;
    mail(&state, &caller, &doc).await
}

#[utoipa::path(post, path = "/api/v1/credit-receipts/{id}/receipt/email", tag = "payments",
    summary = "Send the receipt of a donation paid from credit, its PDF attached, to the donor's own e-mail address (as a payment's)",
    description = "Roles: admin, officer, the donor whose credit paid (as `GET /api/v1/credit-receipts/{id}`). Only to the donor's own address; once a day per receipt; at most 20 documents a donor a day.",
    params(("id" = i64, Path, description = "The credit settlement's id")),
    responses(
        (status = 202, description = "Queued (or already queued today): the outbox message", body = Mailed),
        (status = 404, description = "No such receipt that you may see", body = ErrorEnvelope),
        (status = 409, description = "The donor has no e-mail address on record (`no_email`)", body = ErrorEnvelope),
        (status = 429, description = "20 documents were sent to this donor today (`too_many_mails`), with `Retry-After`", body = ErrorEnvelope),
    ))]
pub async fn credit_email(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> MailResult {
    let doc = uc::of_credit(state.ctx(&caller.0), id, &state.settings.base_url)
        .await
        .map_err(refusal)?;
    mail(&state, &caller, &doc).await
}

/// What the public check of a receipt's code confirms, and nothing else.
#[derive(Serialize, ToSchema)]
pub struct PublicReceipt {
    /// `KW/2026/000123`.
    number: String,
    /// The payment's day (or the day the donor's credit paid), YYYY-MM-DD.
    date: String,
    /// Whole rupiah.
    amount: i64,
    /// `Rp 886.000`.
    amount_text: String,
    /// The donor's name if they chose to be named publicly; else `donatur anonim`.
    donor: String,
    /// Whether the donor is named.
    donor_named: bool,
}

#[utoipa::path(get, path = "/api/v1/public/receipts/{code}", tag = "public",
    summary = "Checks a receipt's verification code: its number, date, amount and donor (or \"donatur anonim\")",
    description = "Roles: anyone (no token). The code as printed on the receipt (`7KQ4-M2XD-9PFA`); lower case and missing dashes are fine. Nothing else of the receipt or the donor is shown (no address, NPWP, e-mail or worker). A malformed code and an unknown one are both 404.",
    security(),
    params(("code" = String, Path, description = "The verification code, 12 letters and digits")),
    responses(
        (status = 200, description = "The receipt is genuine", body = PublicReceipt),
        (status = 404, description = "No receipt has this code (`not_found`)", body = ErrorEnvelope),
    ))]
pub async fn public_check(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<PublicReceipt>> {
    let v = uc::verify(&state.db, &code).await?;
    Ok(Json(PublicReceipt {
        number: v.number,
        date: v.day.format("%Y-%m-%d").to_string(),
        amount: v.amount,
        amount_text: rupiah(v.amount),
        donor_named: v.donor.is_some(),
        donor: v.donor.unwrap_or_else(|| "donatur anonim".into()),
    }))
}
