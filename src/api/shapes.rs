//! Schemas of answers that their handlers still build with `json!` (accounts, the registry,
//! imports, payments), for the OpenAPI document. They describe the shape; they are not (yet)
//! what serializes it, so `tests/openapi.rs` checks real answers against them. A handler that
//! moves to a typed answer takes its struct from here and derives `Serialize`.
#![allow(dead_code)]

use super::donations::Invoice;
use crate::wire::{Message, Payment};
use serde::Serialize;
use utoipa::ToSchema;

/// A bearer token.
#[derive(ToSchema)]
pub struct Token {
    token: String,
    /// `Bearer`.
    token_type: String,
    /// Days until it stops working (`LINGKARAN_TOKEN_DAYS`).
    expires_in_days: i64,
}

/// A password changed.
#[derive(ToSchema)]
pub struct PasswordChanged {
    changed: bool,
    /// The caller's browser sessions that ended.
    sessions_ended: i64,
}

/// The caller's own account.
#[derive(ToSchema)]
pub struct Me {
    id: i64,
    username: String,
    full_name: String,
    /// `admin`, `officer`, `proposer`, `donor` or `viewer`.
    role: String,
    organisation_id: Option<i64>,
    /// The region codes an officer or viewer works in.
    scopes: Vec<String>,
}

/// A user just created.
#[derive(ToSchema)]
pub struct UserCreated {
    id: i64,
    username: String,
    role: String,
}

/// A proposing organisation.
#[derive(ToSchema)]
pub struct Organisation {
    id: i64,
    name: String,
    kind: String,
    region_code: String,
}

/// Organisations in the caller's scope.
#[derive(ToSchema)]
pub struct OrganisationList {
    organisations: Vec<Organisation>,
}

/// A donor who just signed up, with a bearer token to go on with.
#[derive(ToSchema)]
pub struct SignedUp {
    user_id: i64,
    donor_id: i64,
    username: String,
    token: String,
    /// `Bearer`.
    token_type: String,
}

/// The programme's eligibility rules.
#[derive(ToSchema)]
pub struct Eligibility {
    programme: String,
    min_age: i64,
    max_age: Option<i64>,
}

/// A line of the insurer's list that is not a NIK.
#[derive(ToSchema)]
pub struct InvalidNik {
    line: i64,
    /// The value, masked.
    value: String,
    errors: Vec<Message>,
}

/// What an import of covered NIKs did.
#[derive(ToSchema)]
pub struct CoveredImport {
    received: i64,
    added: i64,
    /// NIKs issued outside an officer's regions: not added, not looked at.
    outside_scope: i64,
    invalid: Vec<InvalidNik>,
}

/// One worker's outcome in a bulk decision: `status` when it went through, `errors` when not.
#[derive(ToSchema)]
pub struct Outcome {
    id: i64,
    ok: bool,
    status: Option<String>,
    errors: Option<Vec<Message>>,
}

/// A bulk decision: each worker decided on its own.
#[derive(ToSchema)]
pub struct BulkDecided {
    done: i64,
    failed: i64,
    results: Vec<Outcome>,
}

/// Recent imports (their reports without rows).
#[derive(ToSchema)]
pub struct ImportList {
    imports: Vec<crate::wire::ImportReport>,
}

/// The provider's notification, acknowledged. A paid one: `status` `ok` with the payment
/// (`duplicate` when it was booked before); a failed or expired attempt: `status` `ignored`
/// with the provider's `transaction_status`.
#[derive(ToSchema)]
pub struct CallbackAnswer {
    /// `ok` or `ignored`.
    status: String,
    payment_id: Option<i64>,
    duplicate: Option<bool>,
    funded_donation: Option<i64>,
    transaction_status: Option<String>,
}

/// A manual entry booked (`duplicate` when the same reference was booked before).
#[derive(Serialize, ToSchema)]
pub struct ManualPayment {
    #[serde(flatten)]
    payment: Payment,
    duplicate: bool,
    funded_donation: Option<i64>,
}

/// The receipt (`KW/2026/000123`) of a donation paid from the donor's credit; its PDF is
/// `GET /api/v1/credit-receipts/{id}/receipt.pdf`.
#[derive(ToSchema)]
pub struct CreditReceipt {
    id: i64,
    receipt_number: String,
    /// The code printed on the receipt (`GET /api/v1/public/receipts/{code}`); given by
    /// `GET /api/v1/credit-receipts/{id}`, not in lists.
    verification_code: Option<String>,
    donation_id: i64,
    invoice_id: i64,
    invoice_number: String,
    donor_id: i64,
    donor_name: Option<String>,
    amount: i64,
    amount_text: String,
    /// `credit`.
    source: String,
    #[schema(format = DateTime)]
    settled_at: String,
}

/// A line of a bank statement and what became of it.
#[derive(ToSchema)]
pub struct StatementLine {
    id: i64,
    statement_id: i64,
    filename: String,
    line: i64,
    booked_on: String,
    value_date: Option<String>,
    account: Option<String>,
    amount: i64,
    amount_text: String,
    reference: Option<String>,
    bank_reference: Option<String>,
    description: String,
    va_number: Option<String>,
    /// `matched`, `reconciled`, `unmatched`, `resolved`, `ignored` or `duplicate`.
    status: String,
    payment_id: Option<i64>,
    reason: Option<String>,
}

/// A line of a statement file that could not be read.
#[derive(ToSchema)]
pub struct StatementError {
    line: i64,
    problem: Message,
}

/// What a statement upload did, line by line.
#[derive(ToSchema)]
pub struct StatementReport {
    statement_id: i64,
    /// `csv` or `mt940`.
    format: String,
    /// The file was uploaded before: this is what it holds now.
    again: bool,
    account: Option<String>,
    lines: i64,
    matched: i64,
    reconciled: i64,
    unmatched: i64,
    duplicates: i64,
    skipped_debits: i64,
    errors: Vec<StatementError>,
    notices: Vec<Message>,
    entries: Vec<StatementLine>,
}

/// The officers' queue of lines that matched no invoice.
#[derive(ToSchema)]
pub struct UnmatchedLines {
    lines: Vec<StatementLine>,
}

/// A donor in brief.
#[derive(ToSchema)]
pub struct DonorBrief {
    id: i64,
    name: String,
    kind: String,
}

/// What a donor has paid, owes and has left.
#[derive(ToSchema)]
pub struct Account {
    donor: DonorBrief,
    /// The donor's credit, in rupiah.
    credit: i64,
    credit_text: String,
    /// The donor's invoices, payments and credit receipts are listed for the donor, an admin
    /// and an officer of a region the donor funds workers in (or a government donor of it);
    /// another officer gets the totals only, with `totals_only` true and the lists empty.
    totals_only: bool,
    invoices: Vec<Invoice>,
    payments: Vec<Payment>,
    credit_receipts: Vec<CreditReceipt>,
}

/// A refund made from a donor's credit.
#[derive(ToSchema)]
pub struct RefundMade {
    id: i64,
    donor_id: i64,
    amount: i64,
    /// The credit left.
    credit: i64,
}

/// A `multipart/form-data` upload of a file in the field `file`.
#[derive(ToSchema)]
pub struct FileUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A bank statement upload.
#[derive(ToSchema)]
pub struct StatementUpload {
    /// CSV or MT940.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The account the file is of, when the file names none.
    account: Option<String>,
}

/// An officer's manual entry: an invoice or a donor, the amount, the day, the receipt or
/// transfer number, and the evidence.
#[derive(ToSchema)]
pub struct ManualEntryForm {
    invoice_number: Option<String>,
    donor_id: Option<String>,
    /// Rupiah, `150000` or `150.000`.
    amount: String,
    #[schema(format = Date)]
    paid_on: String,
    reference: String,
    note: Option<String>,
    /// `true` to book an amount past what the invoice still owes; the excess becomes the
    /// donor's credit (without it: 409 `overpayment_unconfirmed`).
    confirm_overpayment: Option<String>,
    #[schema(value_type = String, format = Binary)]
    evidence: Vec<u8>,
}
