//! Money in through the API: the provider's signed callback, bank statements with the
//! unmatched queue, an officer's manual entry with its evidence, receipts, a donor's account
//! (credit, invoices, payments) and refunds.

use super::donations::{acting_donor, invoice_json};
use super::error::{ApiError, Result};
use super::extract::Caller;
use super::wire::problem_json;
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::Role;
use crate::db::donations;
use crate::db::payments::{self, NewPayment, PaymentRow, Source, Target};
use crate::db::statements::{self, Decision, LineRow};
use crate::payments::callback::{self, Headers};
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use lingkaran_domain::format::{receipt_number, rupiah, ReceiptOf};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn payment_json(p: &PaymentRow) -> Value {
    json!({
        "id": p.id, "source": p.source, "reference": p.reference, "invoice_id": p.invoice_id,
        "invoice_number": p.invoice_number, "donor_id": p.donor_id, "amount": p.amount,
        "amount_text": rupiah(p.amount), "paid_on": p.paid_on, "channel": p.channel,
        "evidence_name": p.evidence_name, "note": p.note, "received_at": p.received_at.to_rfc3339(),
    })
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `POST /api/v1/payments/callback`: the provider says a virtual account was paid. The
/// signature is checked over the raw body before anything is read from it.
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
    let paid = callback::verify(&state.settings.provider, &h, &body, Utc::now()).map_err(|p| {
        let status = match p.code {
            "bad_body" | "missing_field" => StatusCode::BAD_REQUEST,
            "amount_out_of_bounds" => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::UNAUTHORIZED,
        };
        tracing::warn!(code = p.code, "payment callback refused");
        ApiError {
            status,
            problems: vec![p],
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
            recorded_by: None,
            note: paid.invoice_number.clone(),
        },
        state.clock.now(),
    )
    .await?
    .map_err(|p| {
        // `verify` has already refused an amount out of bounds.
        let status = if p.code == "unknown_va" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::CONFLICT
        };
        ApiError {
            status,
            problems: vec![p],
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
pub async fn receipt(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let r = crate::usecase::account::receipt(state.ctx(&caller.0), id).await?;
    let mut v = payment_json(&r.payment);
    v["receipt_number"] = json!(r.number);
    v["donor_name"] = json!(r.donor_name);
    Ok(Json(v))
}

/// `GET /api/v1/credit-receipts/{id}`: the receipt of a donation paid from credit.
pub async fn credit_receipt(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>> {
    let r = crate::usecase::account::credit_receipt(state.ctx(&caller.0), id).await?;
    Ok(Json(credit_receipt_json(
        &r.settlement,
        &r.number,
        r.donor_name.as_deref(),
    )))
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

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    bad(
        "bad_upload",
        format!("Unggahan tidak terbaca: {e}"),
        format!("The upload could not be read: {e}"),
    )
}

/// A manual entry as the officer typed it (the API's multipart fields or the page's form).
pub(crate) struct ManualEntry<'a> {
    pub invoice_number: &'a str,
    pub donor_id: &'a str,
    pub amount: &'a str,
    pub paid_on: &'a str,
    pub reference: &'a str,
    pub note: &'a str,
}

/// Checks a manual entry, in this order, for the API and the page alike: evidence attached,
/// an amount in rupiah, a payment date not in the future, a receipt or transfer number, and
/// an invoice or a donor.
pub(crate) fn manual_payment(
    e: &ManualEntry,
    evidence: Option<(String, Vec<u8>)>,
    by: i64,
) -> std::result::Result<NewPayment, lingkaran_domain::Problem> {
    use lingkaran_domain::Problem;
    let Some((evidence_name, evidence_bytes)) = evidence else {
        return Err(Problem::new(
            "evidence_required",
            "Lampirkan bukti pembayaran (foto atau pindaian kuitansi/bukti transfer) di kolom evidence.",
            "Attach the evidence (a photo or scan of the receipt or transfer) in the field evidence.",
        ));
    };
    let amount = lingkaran_domain::worker::parse_rupiah(e.amount.trim())
        .filter(|a| *a > 0)
        .ok_or_else(|| {
            Problem::new(
                "bad_amount",
                format!(
                    "Jumlah \"{}\" bukan jumlah rupiah yang sah.",
                    e.amount.trim()
                ),
                format!(
                    "Amount \"{}\" is not a valid rupiah amount.",
                    e.amount.trim()
                ),
            )
        })?;
    let paid_on = NaiveDate::parse_from_str(e.paid_on.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| *d <= crate::clock::today())
        .ok_or_else(|| {
            Problem::new(
                "bad_date",
                "Tanggal bayar (paid_on) berbentuk TTTT-BB-HH dan tidak di masa depan.",
                "The payment date (paid_on) looks like YYYY-MM-DD and is not in the future.",
            )
        })?;
    let reference = e.reference.trim();
    if reference.is_empty() {
        return Err(Problem::new(
            "reference_required",
            "Nomor kuitansi atau nomor transfer (reference) wajib diisi, agar pembayaran tidak tercatat dua kali.",
            "The receipt or transfer number (reference) is required, so the payment is never booked twice.",
        ));
    }
    let target = match (e.invoice_number.trim(), e.donor_id.trim()) {
        ("", "") => {
            return Err(Problem::new(
                "target_required",
                "Sebutkan nomor tagihan (invoice_number) atau donatur (donor_id).",
                "Name the invoice (invoice_number) or the donor (donor_id).",
            ))
        }
        ("", d) => Target::Donor(d.parse().map_err(|_| {
            Problem::new(
                "bad_donor",
                "donor_id harus angka.",
                "donor_id must be a number.",
            )
        })?),
        (n, _) => Target::InvoiceNumber(n.to_uppercase()),
    };
    let note = e.note.trim();
    Ok(NewPayment {
        source: Source::Manual,
        reference: reference.to_string(),
        target,
        amount,
        paid_on,
        channel: Some("manual".into()),
        evidence_name: Some(evidence_name),
        evidence: Some(evidence_bytes),
        recorded_by: Some(by),
        note: (!note.is_empty()).then(|| note.to_string()),
    })
}

/// `POST /api/v1/payments/manual` (multipart): an officer records money that came another
/// way (a transfer to the programme's account, cash at the branch), with the receipt's
/// scan as evidence. Fields: `invoice_number` or `donor_id`, `amount`, `paid_on`
/// (YYYY-MM-DD), `reference` (the receipt or transfer number), `note`, and the file
/// `evidence`.
pub async fn manual(
    caller: Caller,
    State(state): State<AppState>,
    mut mp: Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&STAFF)?;
    let mut fields = std::collections::HashMap::new();
    let mut evidence: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "evidence" {
            let file = field.file_name().unwrap_or("bukti").to_string();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            if !bytes.is_empty() {
                evidence = Some((file, bytes.to_vec()));
            }
        } else {
            fields.insert(name, field.text().await.map_err(multipart_error)?);
        }
    }
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let entry = ManualEntry {
        invoice_number: get("invoice_number"),
        donor_id: get("donor_id"),
        amount: get("amount"),
        paid_on: get("paid_on"),
        reference: get("reference"),
        note: get("note"),
    };
    let payment =
        manual_payment(&entry, evidence, p.user_id).map_err(|e| ApiError::invalid(vec![e]))?;
    let booked = payments::book(&state.db, &payment, state.clock.now())
        .await?
        .map_err(|p| {
            let status = if p.code == "reference_reused" {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            ApiError {
                status,
                problems: vec![p],
            }
        })?;
    let pay = payments::get(&state.db, booked.payment_id)
        .await?
        .ok_or_else(|| ApiError::not_found("Pembayaran"))?;
    let status = if booked.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut v = payment_json(&pay);
    v["duplicate"] = json!(!booked.new);
    v["funded_donation"] = json!(booked.funded_donation);
    Ok((status, Json(v)))
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
pub async fn upload_statement(
    caller: Caller,
    State(state): State<AppState>,
    mut mp: Multipart,
) -> Result<(StatusCode, Json<Value>)> {
    let p = caller.require(&STAFF)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut account: Option<String> = None;
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("mutasi.csv").to_string();
                file = Some((name, field.bytes().await.map_err(multipart_error)?.to_vec()));
            }
            Some("account") => account = Some(field.text().await.map_err(multipart_error)?),
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
        p.user_id,
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
pub async fn unmatched(caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    caller.require(&STAFF)?;
    let rows = statements::unmatched(&state.db, 500).await?;
    Ok(Json(
        json!({ "lines": rows.iter().map(line_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize)]
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
pub async fn resolve_line(
    caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(r): Json<ResolveInput>,
) -> Result<Json<Value>> {
    let p = caller.require(&STAFF)?;
    let note = r.note.as_deref().map(str::trim).unwrap_or("");
    let decision = match (r.ignore, r.invoice_number.as_deref(), r.donor_id) {
        (true, _, _) => {
            if note.is_empty() {
                return Err(bad(
                    "note_required",
                    "Tulis alasan baris ini bukan donasi (note).",
                    "Say why this line is not a donation (note).",
                ));
            }
            Decision::Ignore
        }
        (false, Some(n), _) => Decision::Assign(Target::InvoiceNumber(n.trim().to_uppercase())),
        (false, None, Some(d)) => Decision::Assign(Target::Donor(d)),
        (false, None, None) => {
            return Err(bad(
                "decision_required",
                "Pilih tagihan (invoice_number), donatur (donor_id), atau abaikan (ignore) dengan alasan.",
                "Choose an invoice (invoice_number), a donor (donor_id), or ignore it with a note.",
            ))
        }
    };
    let line = statements::resolve(
        &state.db,
        id,
        decision,
        note,
        r.confirm_overpayment,
        p.user_id,
        state.clock.now(),
    )
    .await?
    .map_err(|p| match p.code {
        "not_found" => ApiError::not_found("Baris mutasi"),
        "overpayment_unconfirmed" => ApiError {
            status: StatusCode::CONFLICT,
            problems: vec![p],
        },
        _ => ApiError::invalid(vec![p]),
    })?;
    Ok(Json(line_json(&line)))
}

/// `GET /api/v1/donors/{id}/account`: what a donor has paid, owes and has left.
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
    let invoices = donations::invoices_of_donor(&state.db, donor.id).await?;
    let pays = payments::of_donor(&state.db, donor.id).await?;
    let settled = donations::credit_settlements_of_donor(&state.db, donor.id).await?;
    Ok(Json(json!({
        "donor": { "id": donor.id, "name": donor.name, "kind": donor.kind },
        "credit": credit, "credit_text": rupiah(credit),
        "invoices": invoices.iter().map(invoice_json).collect::<Vec<_>>(),
        "payments": pays.iter().map(payment_json).collect::<Vec<_>>(),
        "credit_receipts": settled.iter().map(|s| credit_receipt_json(
            s, &receipt_number(ReceiptOf::CreditSettlement(s.id)), Some(&donor.name),
        )).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
pub struct RefundInput {
    amount: i64,
    reason: String,
}

/// `POST /api/v1/donors/{id}/refunds`: an officer returns credit to the donor.
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
        p.user_id,
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
