//! A donor's statement (laporan donasi) and CSR report for any period (issue 14 §2), for the
//! donor's own account and for staff who see it in full (`account::sees_account`): the
//! receipts of the period, what was given (each rupiah once: `statement::Given`), and what
//! the money protected in the period's coverage months, per month and per regency.
//!
//! The CSR report (for a company's TJSL accounts) carries the same figures; its PDF writer
//! adds its charts. Neither names a worker: the figures are counts per month and per
//! regency, and no NIK, name or village is in them.

use super::account::sees_account;
use super::{Ctx, Error};
use crate::db::donor_statement::{self, Line, Protection};
use crate::db::donors;
use chrono::NaiveDate;
use lingkaran_domain::statement::{Given, Period};

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Laporan donasi: receipts, what was given, impact and workers by region.
    Statement,
    /// Laporan TJSL/CSR: the same figures with charts, for a company's board.
    Csr,
}

impl Kind {
    /// `laporan` (also when absent) or `csr`; anything else is refused in words.
    pub fn parse(text: Option<&str>) -> Result<Kind, Error> {
        match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("laporan") | Some("statement") => Ok(Kind::Statement),
            Some("csr") | Some("tjsl") => Ok(Kind::Csr),
            Some(_) => {
                let shown = lingkaran_formats::snippet(text.unwrap_or(""), 20);
                Err(Error::invalid(
                    "bad_kind",
                    format!("Jenis laporan \"{shown}\" tidak dikenal: pilih laporan atau csr."),
                    format!("Unknown kind of report \"{shown}\": choose laporan or csr."),
                ))
            }
        }
    }

    pub fn title(self, lang: &str) -> &'static str {
        match (self, lang == "en") {
            (Kind::Statement, false) => "Laporan Donasi",
            (Kind::Statement, true) => "Donation Statement",
            (Kind::Csr, false) => "Laporan Program TJSL/CSR",
            (Kind::Csr, true) => "CSR Programme Report",
        }
    }

    /// For file names.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Statement => "laporan-donasi",
            Kind::Csr => "laporan-csr",
        }
    }
}

/// A statement, ready to print.
#[derive(Debug, Clone)]
pub struct Statement {
    pub kind: Kind,
    pub period: Period,
    pub made_on: NaiveDate,
    pub donor_id: i64,
    /// The name its receipts carry, its address and NPWP when known.
    pub donor_name: String,
    pub donor_address: Option<String>,
    pub donor_npwp: Option<String>,
    pub given: Given,
    /// Receipts in the period; `lines.len()` may be below `receipt_count` when the period has
    /// more than `donor_statement::MAX_LINES`.
    pub lines: Vec<Line>,
    pub receipt_count: i64,
    /// What the money protected in the coverage months whose first day falls in the period;
    /// empty when it holds none.
    pub protection: Protection,
    /// Claims BPJS paid to families for events in the period, and what they received.
    pub claims_paid: i64,
    pub claims_amount: i64,
}

impl Statement {
    /// `laporan-donasi-12-2026-01-01_2026-12-31`, without its extension.
    pub fn file_stem(&self) -> String {
        format!(
            "{}-{}-{}",
            self.kind.slug(),
            self.donor_id,
            self.period.stem()
        )
    }
}

/// The statement of `donor_id` for `period`: the donor's own account, an admin, or an
/// officer who sees the donor's account in full; anyone else reads "not found" (a donor) or
/// is refused.
pub async fn build(
    ctx: Ctx<'_>,
    donor_id: i64,
    period: Period,
    kind: Kind,
) -> Result<Statement, Error> {
    let donor = donors::get(ctx.db, donor_id)
        .await?
        .ok_or(Error::NotFound("Donatur"))?;
    if ctx.actor.role == crate::auth::Role::Donor && donor.user_id != Some(ctx.actor.user_id) {
        return Err(Error::NotFound("Donatur"));
    }
    if !sees_account(ctx, &donor).await? {
        return Err(Error::Forbidden);
    }
    let (from, to) = (period.from, period.to);
    let lines = donor_statement::receipts(ctx.db, donor.id, from, to).await?;
    let (received, from_credit, receipt_count) =
        donor_statement::receipt_sums(ctx.db, donor.id, from, to).await?;
    let refunded = donor_statement::refunded(ctx.db, donor.id, from, to).await?;
    let protection = match period.months() {
        Some((first, last)) => donor_statement::protection(ctx.db, donor.id, first, last).await?,
        None => Protection::default(),
    };
    let (claims_paid, claims_amount) =
        crate::db::claims::paid_for_donor(ctx.db, donor.id, None, Some((from, to))).await?;
    let (donor_name, donor_address, donor_npwp) =
        super::receipts::donor_lines(ctx.db, donor.id).await?;
    Ok(Statement {
        kind,
        period,
        made_on: ctx.clock.today(),
        donor_id: donor.id,
        donor_name,
        donor_address,
        donor_npwp,
        given: Given {
            received,
            from_credit,
            refunded,
        },
        lines,
        receipt_count,
        protection,
        claims_paid,
        claims_amount,
    })
}

/// Queues statement `s`, written as `file_name` (`content_type`, `bytes`), to its donor's own
/// e-mail address (`documents::mail_to_donor`: once a day for the same file, 20 documents a
/// donor a day). The text says what it is and its main figures; no worker is named.
pub async fn mail(
    ctx: Ctx<'_>,
    s: &Statement,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<super::documents::Mailed, Error> {
    use lingkaran_domain::format::{count, rupiah};
    let subject = format!(
        "{} GN Lingkaran, {}",
        s.kind.title("id"),
        s.period.text("id")
    );
    let body = format!(
        "Yth. {name},\n\n\
         Terlampir {title} Anda untuk periode {period}: donasi {given} ({receipts} kuitansi), \
         {workers} pekerja dilindungi, {months} bulan-pekerja. Laporan ini tidak memuat data \
         pribadi pekerja.\n\n\
         Attached is your {title_en} for {period_en}: {given} given ({receipts} receipts), \
         {workers} workers protected, {months} worker-months.\n\n\
         GN Lingkaran\n",
        name = s.donor_name,
        title = s.kind.title("id").to_lowercase(),
        title_en = s.kind.title("en").to_lowercase(),
        period = s.period.text("id"),
        period_en = s.period.text("en"),
        given = rupiah(s.given.net()),
        receipts = count(s.receipt_count.max(0).unsigned_abs()),
        workers = count(s.protection.workers.max(0).unsigned_abs()),
        months = count(s.protection.worker_months.max(0).unsigned_abs()),
    );
    super::documents::mail_to_donor(
        ctx,
        s.donor_id,
        &subject,
        &body,
        file_name,
        content_type,
        bytes,
    )
    .await
}

/// The period asked for (`from`, `to` as `YYYY-MM-DD`), or this year so far when both are
/// absent; one alone is refused.
pub fn period(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Period, Error> {
    match (
        from.filter(|s| !s.trim().is_empty()),
        to.filter(|s| !s.trim().is_empty()),
    ) {
        (None, None) => Ok(Period::year_to_date(today)),
        (Some(f), Some(t)) => Period::parse(f, t).map_err(|p| Error::Invalid(vec![p])),
        _ => Err(Error::invalid(
            "bad_period",
            "Isi tanggal awal dan tanggal akhir laporan.",
            "Give both the statement's start and end dates.",
        )),
    }
}
