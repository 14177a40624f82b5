//! Donations: which workers and months a donor pays for, held while the donor pays, then
//! funded when the money is there.
//!
//! The guarantee that no worker-month is funded twice is the primary key of `worker_months`
//! (worker, month): a donation takes a month by inserting its row, and a row that is already
//! there (another donor's hold or funding) makes the insert do nothing. Whoever loses a race
//! simply chooses the next worker in the fair order. A hold that has expired is deleted by
//! the next donation that needs its month.
//!
//! The steps (`create_donation`, `take_months`, `settle_donation`) are ordinary async
//! functions on the caller's open transaction ([`Tx`], either store), so a payment can book
//! its money and fund its donation in one commit.

use super::audit::{self, Actor};
use super::bulk::in_list;
use super::months::{self, Chosen, MonthRow};
use super::sql::Sql;
use super::{ledger, Db, Tx};
use crate::{bind_all, on_db, on_tx};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use lingkaran_domain::allocation::{self, Candidate};
use lingkaran_domain::donor::BudgetSource;
use lingkaran_domain::format::ReceiptOf;
use lingkaran_domain::ledger::{Account, Phase, Transfer, TransferKey};
use lingkaran_domain::message::Problem;
use lingkaran_domain::nik::Nik;
use lingkaran_domain::pricing::{FundingSource, Priced, Pricing, Sector};
use lingkaran_domain::rates::Month;
use lingkaran_domain::status::{DonationStatus, InvoiceStatus};
use lingkaran_domain::worker::WorkerStatus;
use lingkaran_domain::Rupiah;
use serde_json::json;
use sqlx::FromRow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Which workers a criteria or budget donation may choose. Every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Criteria {
    /// A region code at any level: `35.25` (a regency), `35.25.10` (a district), a village.
    pub region: Option<String>,
    pub occupation: Option<String>,
    /// `M` or `F`.
    pub sex: Option<String>,
    /// Only workers whose poverty decile is at most this (1 is the poorest tenth).
    pub max_decile: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// These workers, by NIK. With `skip_unavailable`, NIKs that cannot be funded are
    /// reported and left out; without it, any such NIK refuses the whole donation.
    Named {
        niks: Vec<String>,
        skip_unavailable: bool,
    },
    /// Up to `count` workers matching the criteria, in the fair order.
    Criteria { criteria: Criteria, count: i64 },
    /// As many whole worker × duration blocks as `rupiah` buys, in the fair order.
    Budget { criteria: Criteria, rupiah: i64 },
}

impl Choice {
    pub fn mode(&self) -> &'static str {
        match self {
            Choice::Named { .. } => "named",
            Choice::Criteria { .. } => "criteria",
            Choice::Budget { .. } => "budget",
        }
    }
}

pub struct NewDonation {
    pub donor_id: i64,
    pub budget_line_id: Option<i64>,
    pub choice: Choice,
    pub start: Month,
    pub months: u32,
    pub extends_id: Option<i64>,
    pub created_by: i64,
    /// How long the chosen worker-months stay held, and the invoice open, unpaid.
    pub hold: Duration,
    /// The request as the donor sent it (JSON), kept to explain and to extend.
    pub request_json: String,
    /// The day "how long they waited" is counted to (WIB).
    pub today: NaiveDate,
}

/// How much a donor may hold at a time: workers across their held (unpaid) donations, and
/// held donations. Individuals who signed up themselves get the settings' defaults; an
/// officer may set other limits on any donor (`donors.max_held_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldLimits {
    pub workers: i64,
    pub donations: i64,
}

/// A donation that was made.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: i64,
    /// Criteria donations: workers asked for but not found free.
    pub shortfall: i64,
    /// Named donations with `skip_unavailable`: the NIKs left out, and why.
    pub skipped: Vec<(String, Problem)>,
}

#[derive(Debug, Clone, FromRow)]
pub struct DonationRow {
    pub id: i64,
    pub donor_id: i64,
    pub donor_name: String,
    pub budget_line_id: Option<i64>,
    pub mode: String,
    /// The request as the donor sent it (JSON), opened from the sealed value read (a named
    /// donation lists NIKs).
    #[sqlx(skip)]
    pub request: String,
    #[sqlx(rename = "request")]
    sealed_request: Vec<u8>,
    pub start_month: i64,
    pub months: i64,
    pub workers: i64,
    pub total: i64,
    pub funded_total: i64,
    #[sqlx(try_from = "String")]
    pub status: DonationStatus,
    pub extends_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub hold_expires_at: DateTime<Utc>,
    pub funded_at: Option<DateTime<Utc>>,
    /// Who pays, as PP 50/2025 distinguishes payers (`FundingSource` codes).
    pub funding_source: String,
}

pub(crate) const SELECT_DONATION: &str = "SELECT d.id, d.donor_id, o.name AS donor_name, d.budget_line_id, d.mode,
    d.request, d.start_month, d.months, d.workers, d.total, d.funded_total, d.status, d.extends_id, d.created_at,
    d.hold_expires_at, d.funded_at, d.funding_source FROM donations d JOIN donors o ON o.id = d.donor_id";

#[derive(Debug, Clone, FromRow)]
pub struct InvoiceRow {
    pub id: i64,
    pub number: String,
    pub va_number: String,
    pub donation_id: i64,
    pub donor_id: i64,
    pub amount: i64,
    pub paid: i64,
    #[sqlx(try_from = "String")]
    pub status: InvoiceStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    /// What the donor's credit paid of it (migration 0013): the donation was paid from credit.
    pub credit_applied: i64,
    /// The credit settlement that paid it, and its receipt's year and number in the year.
    pub credit_settlement_id: Option<i64>,
    pub credit_receipt_year: Option<i64>,
    pub credit_receipt_seq: Option<i64>,
}

impl InvoiceRow {
    /// The number of the receipt of the credit that paid it, if credit did.
    pub fn credit_receipt_number(&self) -> Option<String> {
        self.credit_settlement_id.map(|id| {
            super::receipts::number_of(
                self.credit_receipt_year,
                self.credit_receipt_seq,
                ReceiptOf::CreditSettlement(id),
            )
        })
    }

    /// What is left to pay: the amount less what was paid to it and what credit paid of it;
    /// nothing once the invoice is settled, expired or cancelled (money sent to its VA then
    /// becomes credit). The one rule for the API and the pages.
    pub fn outstanding(&self) -> i64 {
        if self.status != InvoiceStatus::Open {
            return 0;
        }
        self.amount
            .saturating_sub(self.paid)
            .saturating_sub(self.credit_applied)
            .max(0)
    }
}

pub(crate) const SELECT_INVOICE: &str =
    "SELECT id, number, va_number, donation_id, donor_id, amount, paid,
    status, created_at, expires_at, paid_at, credit_applied,
    (SELECT s.id FROM credit_settlements s WHERE s.invoice_id = invoices.id) AS credit_settlement_id,
    (SELECT r.year FROM credit_settlements s JOIN receipts r ON r.credit_settlement_id = s.id
      WHERE s.invoice_id = invoices.id) AS credit_receipt_year,
    (SELECT r.seq FROM credit_settlements s JOIN receipts r ON r.credit_settlement_id = s.id
      WHERE s.invoice_id = invoices.id) AS credit_receipt_seq
    FROM invoices";

/// A donation paid from its donor's credit: the record its receipt is made from.
#[derive(Debug, Clone, FromRow)]
pub struct CreditSettlement {
    pub id: i64,
    pub donation_id: i64,
    pub invoice_id: i64,
    pub invoice_number: String,
    pub donor_id: i64,
    /// What the credit paid: the donation's funding less what was paid to its invoice.
    pub amount: i64,
    pub settled_at: DateTime<Utc>,
    /// Its receipt's year and number in the year (`receipts`).
    pub receipt_year: Option<i64>,
    pub receipt_seq: Option<i64>,
}

impl CreditSettlement {
    /// Its receipt's number, `KW/2026/000123`.
    pub fn receipt_number(&self) -> String {
        super::receipts::number_of(
            self.receipt_year,
            self.receipt_seq,
            ReceiptOf::CreditSettlement(self.id),
        )
    }
}

const SELECT_SETTLEMENT: &str =
    "SELECT s.id, s.donation_id, s.invoice_id, i.number AS invoice_number,
    s.donor_id, s.amount, s.settled_at, r.year AS receipt_year, r.seq AS receipt_seq
    FROM credit_settlements s JOIN invoices i ON i.id = s.invoice_id
    LEFT JOIN receipts r ON r.credit_settlement_id = s.id";

pub async fn credit_settlement(db: &Db, id: i64) -> sqlx::Result<Option<CreditSettlement>> {
    let sql = format!("{SELECT_SETTLEMENT} WHERE s.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// A donor's donations paid from credit, newest first.
pub async fn credit_settlements_of_donor(
    db: &Db,
    donor_id: i64,
) -> sqlx::Result<Vec<CreditSettlement>> {
    let sql = format!("{SELECT_SETTLEMENT} WHERE s.donor_id = $1 ORDER BY s.id DESC");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(donor_id)
        .fetch_all(pool)
        .await)
}

/// The virtual-account number of a donation's invoice: the programme's company code at the
/// bank (`88908`, five digits, as VA numbers are issued) and the donation id in eleven.
pub fn va_number(donation_id: i64) -> String {
    format!("88908{donation_id:011}")
}

pub fn invoice_number(donation_id: i64, year: i32) -> String {
    format!("INV-{year}-{donation_id:06}")
}

/// A verified worker who might be chosen, with what a block of months costs for them.
#[derive(Debug, Clone, FromRow)]
struct CandidateRow {
    id: i64,
    /// The NIK a named donation asked for (criteria and budget choices need none).
    #[sqlx(skip)]
    nik: String,
    income: i64,
    decile: Option<i64>,
    verified_at: Option<DateTime<Utc>>,
    sector: String,
}

/// Prices each worker's block of months with `price_month` (the month, the worker's income
/// and sector, the donation's funding source), caching by income and sector (most workers
/// declare the same Rp 1.000.000).
struct Pricer<'a> {
    pricing: &'a Pricing,
    funding: FundingSource,
    start: Month,
    months: u32,
    cache: HashMap<(i64, Sector), Vec<Priced>>,
}

/// A worker's sector as stored (an unknown code prices as `other`: no relief is assumed).
fn sector_of(code: &str) -> Sector {
    Sector::parse(code).unwrap_or(Sector::Other)
}

impl Pricer<'_> {
    fn block(&mut self, income: i64, sector: Sector) -> anyhow::Result<&[Priced]> {
        if !self.cache.contains_key(&(income, sector)) {
            let b = self
                .pricing
                .block(self.start, self.months, income, self.funding, sector)?;
            self.cache.insert((income, sector), b);
        }
        Ok(self
            .cache
            .get(&(income, sector))
            .map(Vec::as_slice)
            .unwrap_or(&[]))
    }

    fn block_total(&mut self, income: i64, sector: Sector) -> anyhow::Result<i64> {
        let mut sum = Rupiah::ZERO;
        for p in self.block(income, sector)? {
            sum = sum.checked_add(p.total()?)?;
        }
        Ok(sum.get())
    }
}

/// `a + b` on amounts, refused past the bound.
fn add(a: i64, b: i64) -> anyhow::Result<i64> {
    Ok(Rupiah::new(a)?.checked_add(Rupiah::new(b)?)?.get())
}

/// `a - b` on amounts, refused past the bound.
fn sub(a: i64, b: i64) -> anyhow::Result<i64> {
    Ok(Rupiah::new(a)?.checked_sub(Rupiah::new(b)?)?.get())
}

fn too_many_held(held: i64, max: i64) -> Problem {
    Problem::new(
        "hold_limit_donations",
        format!(
            "Anda sudah menahan {held} donasi yang belum dibayar (batas {max} sekaligus). \
             Bayar atau batalkan salah satunya dulu, atau minta petugas menaikkan batas Anda."
        ),
        format!(
            "You already hold {held} unpaid donations (the limit is {max} at a time). Pay or \
             cancel one of them first, or ask an officer to raise your limit."
        ),
    )
}

fn too_many_workers(asked: i64, left: i64, max: i64) -> Problem {
    Problem::new(
        "hold_limit_workers",
        format!(
            "Donasi ini akan menahan {asked} pekerja, tetapi Anda hanya boleh menahan {left} lagi \
             (batas {max} pekerja dalam donasi yang belum dibayar). Kurangi jumlah pekerja, bayar \
             donasi yang ditahan, atau minta petugas menaikkan batas Anda."
        ),
        format!(
            "This donation would hold {asked} workers, but you may hold only {left} more (the \
             limit is {max} workers in unpaid donations). Ask for fewer workers, pay a held \
             donation, or ask an officer to raise your limit."
        ),
    )
}

/// The one answer for a NIK a named donation cannot fund, whether it is unknown, not
/// verified, rejected or held by another donor (docs/privacy.md, "Oracles closed"): it names
/// the NIK's place in the request, never the NIK, and says nothing of why, so a donor
/// cannot learn from it which NIKs exist or in which state.
pub fn unavailable_problem(position: usize) -> Problem {
    Problem::new(
        "nik_unavailable",
        format!(
            "NIK nomor {position} dalam daftar tidak dapat didanai: belum terdaftar, belum \
             diverifikasi, atau sudah didanai donatur lain."
        ),
        format!(
            "NIK number {position} in the list cannot be funded: not registered, not verified, \
             or already funded by another donor."
        ),
    )
}

fn unavailable(nik: &str, position: &HashMap<&str, usize>) -> (String, Problem) {
    let at = position.get(nik).copied().unwrap_or(0);
    (nik.to_string(), unavailable_problem(at))
}

/// A donor's hold limits as stored: (kind, user, created by, max held workers, max held
/// donations).
type DonorLimits = (String, Option<i64>, i64, Option<i64>, Option<i64>);

/// A donation as settling locks it: (donor, status, start month, months, budget line,
/// workers, total, hold expires at).
type Locked = (i64, String, i64, i64, Option<i64>, i64, i64, DateTime<Utc>);

/// Makes a donation in the caller's transaction: chooses its workers, holds their months,
/// writes its invoice. `Err` (nothing written, once the caller rolls back) says why it cannot
/// be made. `now` is when it is made; its hold runs from then.
pub(crate) async fn create_donation(
    tx: &mut Tx,
    pricing: &Pricing,
    d: &NewDonation,
    limits: Option<HoldLimits>,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Created, Vec<Problem>>> {
    let hold_until = now + d.hold;
    let id = insert_held(tx, d, now, hold_until).await?;
    let workers_left = match limits {
        Some(defaults) => match hold_room(tx, d, defaults, id, now).await? {
            Ok(room) => room,
            Err(problem) => return Ok(Err(vec![problem])),
        },
        None => None,
    };
    let (ceiling_left, budget_source) = match d.budget_line_id {
        Some(line) => match ceiling_left(tx, d.donor_id, line, id).await? {
            Ok((left, source)) => (Some(left), source),
            Err(problem) => return Ok(Err(vec![problem])),
        },
        None => (None, None),
    };
    // Who pays: the budget line's source, else the donor's kind (PP 50/2025).
    let kind: String = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT kind FROM donors WHERE id = $1"
    )
    .bind(d.donor_id)
    .fetch_one(c)
    .await)?;
    let kind = lingkaran_domain::donor::DonorKind::parse(&kind)
        .ok_or_else(|| anyhow::anyhow!("donor {} has unknown kind {kind:?}", d.donor_id))?;
    let funding = FundingSource::of_donor(kind, budget_source);

    let mut pricer = Pricer {
        pricing,
        funding,
        start: d.start,
        months: d.months,
        cache: HashMap::new(),
    };
    let (picked, invoice_amount) = match &d.choice {
        Choice::Named {
            niks,
            skip_unavailable,
        } => {
            let picked = pick_named(tx, &mut pricer, id, niks, now).await?;
            if !picked.skipped.is_empty() && !skip_unavailable {
                return Ok(Err(picked.skipped.into_iter().map(|(_, p)| p).collect()));
            }
            let total = picked.total;
            (picked, total)
        }
        Choice::Criteria { criteria, count } => {
            let mut picked = pick_fair(tx, &mut pricer, d, id, criteria, *count, None, now).await?;
            picked.shortfall = (*count - picked.chosen.len() as i64).max(0);
            let total = picked.total;
            (picked, total)
        }
        Choice::Budget { criteria, rupiah } => {
            // A limited donor's budget looks one worker past the limit, to refuse it.
            let want = workers_left.map_or(i64::MAX, |(left, _)| left.saturating_add(1));
            let budget = Some(*rupiah);
            let picked = pick_fair(tx, &mut pricer, d, id, criteria, want, budget, now).await?;
            (picked, *rupiah)
        }
    };
    if let Some(problems) = refusal(d, &picked, workers_left, ceiling_left, invoice_amount) {
        return Ok(Err(problems));
    }

    months::insert_chosen(tx, id, &reasons(d, &picked.chosen)).await?;
    on_tx!(tx, |c| sqlx::query(
        "UPDATE donations SET workers = $1, total = $2, funding_source = $3 WHERE id = $4"
    )
    .bind(picked.chosen.len() as i64)
    .bind(picked.total)
    .bind(funding.as_str())
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO invoices (number, va_number, donation_id, donor_id, amount, paid, status,
               created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, 0, 'open', $6, $7)",
        )
        .bind(invoice_number(id, chrono::Datelike::year(&d.today)))
        .bind(va_number(id))
        .bind(id)
        .bind(d.donor_id)
        .bind(invoice_amount)
        .bind(now)
        .bind(hold_until)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    audit::record(
        tx,
        now,
        Actor::User(d.created_by),
        "donation.hold",
        "donation",
        id,
        json!({ "donor": d.donor_id, "mode": d.choice.mode(), "workers": picked.chosen.len(),
                "total": picked.total, "invoice": invoice_amount, "start": d.start.to_string(),
                "months": d.months, "extends": d.extends_id, "hold_until": hold_until }),
    )
    .await?;
    Ok(Ok(Created {
        id,
        shortfall: picked.shortfall,
        skipped: picked.skipped,
    }))
}

/// Writes the held donation's row, and opens its escrow account so that the payment does not
/// create it. Returns its id.
async fn insert_held(
    tx: &mut Tx,
    d: &NewDonation,
    now: DateTime<Utc>,
    hold_until: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let request = tx.keys().seal(crate::privacy::Kind::Text, &d.request_json);
    // The first statement writes, so SQLite takes its write lock before anything
    // is read and two donations never decide on the same snapshot.
    let id: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO donations (donor_id, budget_line_id, mode, request, start_month, months,
               workers, total, status, extends_id, created_by, created_at, hold_expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 'held', $7, $8, $9, $10) RETURNING id",
        )
        .bind(d.donor_id)
        .bind(d.budget_line_id)
        .bind(d.choice.mode())
        .bind(&request)
        .bind(d.start.yyyymm())
        .bind(i64::from(d.months))
        .bind(d.extends_id)
        .bind(d.created_by)
        .bind(now)
        .bind(hold_until)
        .fetch_one(c)
        .await
    })?;
    on_tx!(tx, |c| sqlx::query(super::ledger::OPEN_ACCOUNT)
        .bind(Account::Escrow(id).code())
        .bind(true)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(id)
}

/// No hoarding: locks the donor, then counts what they hold unpaid besides donation `id`.
/// Refuses a donor at their limit of held donations, or one asking for more workers than they
/// may still hold; otherwise returns (how many more workers they may hold, the limit) when
/// they have a worker limit. `defaults` apply to an individual who signed up alone; a donor's
/// own limits win.
async fn hold_room(
    tx: &mut Tx,
    d: &NewDonation,
    defaults: HoldLimits,
    id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Option<(i64, i64)>, Problem>> {
    let row: Option<DonorLimits> = on_tx!(tx, |c| sqlx::query_as(
        "UPDATE donors SET max_held_workers = max_held_workers WHERE id = $1
         RETURNING kind, user_id, created_by, max_held_workers, max_held_donations",
    )
    .bind(d.donor_id)
    .fetch_optional(c)
    .await)?;
    let Some((kind, user_id, created_by, own_workers, own_donations)) = row else {
        return Ok(Ok(None));
    };
    let alone = kind == "individual" && user_id == Some(created_by);
    let max_workers = own_workers.or(alone.then_some(defaults.workers));
    let max_donations = own_donations.or(alone.then_some(defaults.donations));
    if max_workers.is_none() && max_donations.is_none() {
        return Ok(Ok(None));
    }
    let (held, held_workers): (i64, i64) = on_tx!(tx, |c| sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(workers), 0) AS BIGINT)
         FROM donations WHERE donor_id = $1 AND status = 'held'
         AND hold_expires_at >= $2 AND id <> $3",
    )
    .bind(d.donor_id)
    .bind(now)
    .bind(id)
    .fetch_one(c)
    .await)?;
    if let Some(m) = max_donations.filter(|m| held >= *m) {
        return Ok(Err(too_many_held(held, m)));
    }
    let room = max_workers.map(|m| ((m - held_workers).max(0), m));
    if let Some((left, max)) = room {
        let asked = match &d.choice {
            Choice::Named { niks, .. } => niks.iter().collect::<HashSet<_>>().len() as i64,
            Choice::Criteria { count, .. } => *count,
            Choice::Budget { .. } => 0,
        };
        if asked > left {
            return Ok(Err(too_many_workers(asked, left, max)));
        }
    }
    Ok(Ok(room))
}

/// A budget line's ceiling: locks the line, then counts what is invoiced on it besides
/// donation `id` (held or paid donations; an expired one no longer counts). Returns what is
/// left of the ceiling and the line's source; refuses a line that is not the donor's.
async fn ceiling_left(
    tx: &mut Tx,
    donor_id: i64,
    line: i64,
    id: i64,
) -> anyhow::Result<Result<(i64, Option<BudgetSource>), Problem>> {
    let ceiling: Option<(i64, String)> = on_tx!(tx, |c| {
        sqlx::query_as(
            "UPDATE budget_lines SET ceiling = ceiling WHERE id = $1 AND donor_id = $2
             RETURNING ceiling, source",
        )
        .bind(line)
        .bind(donor_id)
        .fetch_optional(c)
        .await
    })?;
    let Some((ceiling, source)) = ceiling else {
        return Ok(Err(Problem::new(
            "unknown_budget_line",
            "Mata anggaran itu tidak ada, atau bukan milik donatur ini.",
            "That budget line does not exist or is not this donor's.",
        )));
    };
    let committed: i64 = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(i.amount), 0) AS BIGINT)
         FROM donations d JOIN invoices i ON i.donation_id = d.id
         WHERE d.budget_line_id = $1 AND d.status IN ('held', 'funded') AND d.id <> $2",
    )
    .bind(line)
    .bind(id)
    .fetch_one(c)
    .await)?;
    Ok(Ok((sub(ceiling, committed)?, BudgetSource::parse(&source))))
}

/// The workers a donation took, and for the donor's report the NIKs left out and how many a
/// criteria donation lacked.
#[derive(Default)]
struct Picked {
    chosen: Vec<CandidateRow>,
    /// The price of their months.
    total: i64,
    skipped: Vec<(String, Problem)>,
    shortfall: i64,
}

/// A named donation's workers: each NIK once, registered and verified, with all its months
/// free; the others are `skipped`, with why.
async fn pick_named(
    tx: &mut Tx,
    pricer: &mut Pricer<'_>,
    id: i64,
    niks: &[String],
    now: DateTime<Utc>,
) -> anyhow::Result<Picked> {
    let mut picked = Picked::default();
    // Found by their blind index (db::sealed), mapped back to the NIKs asked for.
    let head = "SELECT id, nik_index, income, decile, verified_at, status, sector FROM workers
                WHERE nik_index IN (";
    let indexes: Vec<Vec<u8>> = niks
        .iter()
        .map(|n| super::sealed::nik_index(tx.keys(), n))
        .collect();
    type Found = (
        i64,
        Vec<u8>,
        i64,
        Option<i64>,
        Option<DateTime<Utc>>,
        String,
        String,
    );
    let found: Vec<Found> = on_tx!(tx, |c| in_list(head, &indexes, ")")
        .build_query_as()
        .fetch_all(c)
        .await)?;
    let by_nik: HashMap<&[u8], &Found> = found.iter().map(|r| (r.1.as_slice(), r)).collect();
    let mut wanted: Vec<CandidateRow> = Vec::new();
    let mut seen = HashSet::new();
    // Each NIK's place in the request (from 1): what the answer names instead of the NIK.
    let mut position: HashMap<&str, usize> = HashMap::new();
    for (i, nik) in niks.iter().enumerate() {
        position.entry(nik.as_str()).or_insert(i + 1);
    }
    for (nik, index) in niks.iter().zip(&indexes) {
        if !seen.insert(nik.as_str()) {
            continue;
        }
        match by_nik.get(index.as_slice()) {
            // Not registered, or registered but not verified (proposed, rejected, …): one
            // answer, the same as a worker another donor holds (below).
            None => picked.skipped.push(unavailable(nik, &position)),
            Some(r) if WorkerStatus::parse(&r.5) != Some(WorkerStatus::Verified) => {
                picked.skipped.push(unavailable(nik, &position))
            }
            Some(r) => wanted.push(CandidateRow {
                id: r.0,
                nik: nik.clone(),
                income: r.2,
                decile: r.3,
                verified_at: r.4,
                sector: r.6.clone(),
            }),
        }
    }
    let mut blocks = Vec::with_capacity(wanted.len());
    for w in &wanted {
        blocks.push((w.id, pricer.block(w.income, sector_of(&w.sector))?.to_vec()));
    }
    let taken = take_months(tx, id, &blocks, now).await?;
    for w in wanted {
        if taken.contains(&w.id) {
            picked.total = add(
                picked.total,
                pricer.block_total(w.income, sector_of(&w.sector))?,
            )?;
            picked.chosen.push(w);
        } else {
            picked.skipped.push(unavailable(&w.nik, &position));
        }
    }
    Ok(picked)
}

/// A criteria or budget donation's workers, in the fair order: up to `want` of them, and with
/// a `budget`, strictly in that order until the first worker the rest of it cannot cover.
#[allow(clippy::too_many_arguments)]
async fn pick_fair(
    tx: &mut Tx,
    pricer: &mut Pricer<'_>,
    d: &NewDonation,
    id: i64,
    criteria: &Criteria,
    want: i64,
    budget: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<Picked> {
    let mut picked = Picked::default();
    let mut exhausted = false;
    // Each round takes the next candidates in the fair order; a candidate another donation
    // took meanwhile is skipped and the next round looks further. Bounded: a round only
    // repeats after losing races.
    for _round in 0..50 {
        let need = want.saturating_sub(picked.chosen.len() as i64);
        if need <= 0 || exhausted {
            break;
        }
        let limit = match budget {
            Some(b) => {
                let cheapest = pricer
                    .block_total(1, Sector::Transport)?
                    .min(pricer.block_total(1, Sector::Other)?)
                    .max(1);
                (sub(b, picked.total)? / cheapest).clamp(0, 50_000)
            }
            None => need.min(50_000),
        };
        if limit == 0 {
            break;
        }
        let sql = candidates_sql(d, criteria, limit);
        let cands: Vec<CandidateRow> = on_tx!(tx, |c| bind_all!(sqlx::query_as(&sql.text), sql)
            .fetch_all(c)
            .await)?;
        if (cands.len() as i64) < limit {
            exhausted = true;
        }
        let mut blocks = Vec::new();
        let mut round: Vec<CandidateRow> = Vec::new();
        let mut planned = picked.total;
        for c in cands {
            let price = pricer.block_total(c.income, sector_of(&c.sector))?;
            if let Some(b) = budget {
                // Strictly in the fair order: stop at the first worker the rest of the
                // budget cannot cover.
                if add(planned, price)? > b {
                    exhausted = true;
                    break;
                }
            }
            planned = add(planned, price)?;
            blocks.push((c.id, pricer.block(c.income, sector_of(&c.sector))?.to_vec()));
            round.push(c);
        }
        if round.is_empty() {
            break;
        }
        let taken = take_months(tx, id, &blocks, now).await?;
        for c in round {
            if taken.contains(&c.id) {
                picked.total = add(
                    picked.total,
                    pricer.block_total(c.income, sector_of(&c.sector))?,
                )?;
                picked.chosen.push(c);
            }
        }
    }
    Ok(picked)
}

/// The next `limit` verified workers matching `criteria` in the fair order (poorest decile,
/// then the longest wait, then the lower id) with the months asked for free.
fn candidates_sql(d: &NewDonation, criteria: &Criteria, limit: i64) -> Sql {
    let first = d.start.yyyymm();
    let mut sql = Sql::new(
        "SELECT w.id, w.income, w.decile, w.verified_at, w.sector FROM workers w
         WHERE w.status = 'verified'",
    );
    if let Some(r) = &criteria.region {
        sql.in_regions("w.village_code", std::slice::from_ref(r));
    }
    if let Some(o) = &criteria.occupation {
        sql.push(" AND w.occupation = ").text_arg(o.as_str());
    }
    if let Some(s) = &criteria.sex {
        sql.push(" AND w.sex = ").text_arg(s.as_str());
    }
    if let Some(m) = criteria.max_decile {
        sql.push(" AND w.decile <= ").int_arg(m);
    }
    // Free in the months asked for: nothing taken from the first month on (the index's fast
    // path), or nothing taken in the range itself, so a hold for 9999-12 does not hide the
    // worker from earlier months. A hold that ran out is given back by the expiry job.
    sql.push(" AND (w.taken_through < ").int_arg(first);
    sql.push(
        " OR NOT EXISTS (SELECT 1 FROM worker_months m WHERE m.worker_id = w.id AND m.month >= ",
    )
    .int_arg(first)
    .push(" AND m.month <= ")
    .int_arg(d.start.plus(d.months - 1).yyyymm())
    .push("))");
    sql.push(" ORDER BY COALESCE(w.decile, 11), w.verified_at, w.id LIMIT ")
        .int_arg(limit);
    sql
}

/// Why a donation whose workers were picked cannot be made: no worker at all, more workers
/// than the donor may hold, or an invoice past what is left of its budget line's ceiling.
fn refusal(
    d: &NewDonation,
    picked: &Picked,
    workers_left: Option<(i64, i64)>,
    ceiling_left: Option<i64>,
    invoice_amount: i64,
) -> Option<Vec<Problem>> {
    if picked.chosen.is_empty() {
        let mut problems: Vec<Problem> = picked.skipped.iter().map(|(_, p)| p.clone()).collect();
        problems.push(match &d.choice {
            Choice::Budget { rupiah, .. } => Problem::new(
                "budget_too_small",
                format!(
                    "Anggaran {} belum cukup untuk satu pekerja selama {} bulan, atau tidak ada pekerja terverifikasi yang cocok dan belum didanai.",
                    lingkaran_domain::format::rupiah(*rupiah),
                    d.months
                ),
                format!(
                    "A budget of {} does not cover one worker for {} months, or no verified, unfunded worker matches.",
                    lingkaran_domain::format::rupiah(*rupiah),
                    d.months
                ),
            ),
            _ => Problem::new(
                "no_workers",
                "Tidak ada pekerja terverifikasi yang cocok dan belum didanai untuk bulan-bulan itu.",
                "No verified worker matches who is not already funded for those months.",
            ),
        });
        return Some(problems);
    }
    let chosen = picked.chosen.len() as i64;
    if let Some((left, max)) = workers_left.filter(|(left, _)| chosen > *left) {
        return Some(vec![too_many_workers(chosen, left, max)]);
    }
    if let Some(left) = ceiling_left.filter(|left| invoice_amount > *left) {
        return Some(vec![Problem::new(
            "over_ceiling",
            format!(
                "Donasi ini ({}) melebihi sisa pagu mata anggaran ({}).",
                lingkaran_domain::format::rupiah(invoice_amount),
                lingkaran_domain::format::rupiah(left.max(0))
            ),
            format!(
                "This donation ({}) exceeds what is left of the budget line's ceiling ({}).",
                lingkaran_domain::format::rupiah(invoice_amount),
                lingkaran_domain::format::rupiah(left.max(0))
            ),
        )]);
    }
    None
}

/// Why each worker: the donor's own choice, or the fair order's reason.
fn reasons(d: &NewDonation, chosen: &[CandidateRow]) -> Vec<Chosen> {
    if let Choice::Named { .. } = d.choice {
        return chosen
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.id,
                    i as i64 + 1,
                    "Dipilih langsung oleh donatur (berdasarkan NIK).".to_string(),
                    "Chosen by the donor (by NIK).".to_string(),
                )
            })
            .collect();
    }
    let cands: Vec<Candidate> = chosen
        .iter()
        .map(|c| Candidate {
            worker_id: c.id,
            decile: c.decile.and_then(|x| u8::try_from(x).ok()),
            waiting_since: c.verified_at.map(crate::clock::wib_date).unwrap_or(d.today),
        })
        .collect();
    allocation::choose(&cands, cands.len(), d.today)
        .into_iter()
        .map(|c| (c.worker_id, c.rank as i64, c.reason_id, c.reason_en))
        .collect()
}

/// Takes the worker-months of these candidates for `donation_id`, all of a worker's months
/// or none. Returns the ids of the workers taken.
pub(crate) async fn take_months(
    tx: &mut Tx,
    donation_id: i64,
    blocks: &[(i64, Vec<Priced>)],
    now: DateTime<Utc>,
) -> anyhow::Result<HashSet<i64>> {
    if blocks.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<i64> = blocks.iter().map(|b| b.0).collect();
    let (first, last) = blocks
        .iter()
        .flat_map(|b| b.1.iter().map(|p| p.month.yyyymm()))
        .fold((i64::MAX, i64::MIN), |(lo, hi), m| (lo.min(m), hi.max(m)));
    // Expired holds of other donations give their months back.
    months::release_expired(tx, &ids, first, last, now).await?;
    let rows: Vec<MonthRow> = blocks
        .iter()
        .flat_map(|(w, ms)| {
            ms.iter()
                .map(move |p| (*w, p.month.yyyymm(), p.jkk.get(), p.jkm.get()))
        })
        .collect();
    let mut got: BTreeMap<i64, usize> = BTreeMap::new();
    for w in months::insert_months(tx, donation_id, &rows).await? {
        *got.entry(w).or_default() += 1;
    }
    let mut taken = HashSet::new();
    let mut partial = Vec::new();
    for (w, ms) in blocks {
        match got.get(w) {
            Some(n) if *n == ms.len() => {
                taken.insert(*w);
            }
            Some(_) => partial.push(*w),
            None => {}
        }
    }
    // All of a worker's months or none: give back the part of a block we got.
    if !partial.is_empty() {
        months::delete_months(tx, donation_id, &partial).await?;
    }
    let taken_ids: Vec<i64> = taken.iter().copied().collect();
    months::mark_taken(tx, &taken_ids, last).await?;
    Ok(taken)
}

/// Funds a donation from its donor's credit: its held months become funded (they are the
/// donation's; only its status changes), months whose hold was given back are taken again
/// where still free, and the price of what was funded moves from the donor's credit to the
/// donation's escrow. `first` is applied in the same ledger batch, before the funding (the
/// payment that brings the money), and is applied whatever happens. Returns whether the
/// donation is now funded: not when already funded, or when the credit does not cover it.
/// Its caller records the funding in the audit trail (the payment's entry names the donation
/// it funded; paying from credit has its own), so the usual payment appends one entry.
pub(crate) async fn settle_donation(
    tx: &mut Tx,
    donation_id: i64,
    first: Option<Transfer>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let first: Vec<Transfer> = first.into_iter().collect();
    let fund = |donor_id: i64, amount: i64| Transfer {
        id: TransferKey::Fund {
            donation: donation_id,
        }
        .id(),
        debit: Account::DonorCredit(donor_id),
        credit: Account::Escrow(donation_id),
        amount,
        phase: Phase::Single,
        linked: false,
    };
    // The usual case in one statement: a donation still inside its hold (so no
    // month can have been given back) and not on a budget line is marked funded,
    // which also locks it; the ledger then decides, and a refusal puts it back.
    let quick: Option<(i64, i64)> = on_tx!(tx, |c| sqlx::query_as(
        "UPDATE donations SET status = 'funded', funded_total = total, funded_at = $2
         WHERE id = $1 AND status = 'held' AND hold_expires_at > $2 AND budget_line_id IS NULL
         RETURNING donor_id, total",
    )
    .bind(donation_id)
    .bind(now)
    .fetch_optional(c)
    .await)?;
    if let Some((donor_id, total)) = quick {
        let mut batch = first.clone();
        if total > 0 {
            batch.push(fund(donor_id, total));
        }
        // New ids: the payment was just created, and an unfunded donation (we
        // hold its lock) has no funding transfer yet.
        let results = ledger::apply_new_transfers(tx, &batch, actor, now).await?;
        if total > 0 && results.last().is_some_and(|r| r.is_err()) {
            on_tx!(tx, |c| {
                sqlx::query(
                    "UPDATE donations SET status = 'held', funded_total = 0, funded_at = NULL
                     WHERE id = $1",
                )
                .bind(donation_id)
                .execute(c)
                .await
                .map(|_| ())
            })?;
            return Ok(false); // the credit does not cover it; the payment stands
        }
        return Ok(true);
    }
    // Lock the donation first: a donation that expires and gives its months back
    // locks it too (`release_expired`), so the two never interleave.
    let row: Option<Locked> = on_tx!(tx, |c| {
        sqlx::query_as(
            "UPDATE donations SET status = status WHERE id = $1
             RETURNING donor_id, status, start_month, months, budget_line_id, workers, total,
               hold_expires_at",
        )
        .bind(donation_id)
        .fetch_optional(c)
        .await
    })?;
    let Some((donor_id, status, start_month, months, budget_line, workers, total, hold_until)) =
        row
    else {
        ledger::apply_transfers(tx, &first, actor, now).await?;
        return Ok(false);
    };
    let status = DonationStatus::try_from(status)?;
    if matches!(status, DonationStatus::Funded | DonationStatus::Cancelled) {
        ledger::apply_transfers(tx, &first, actor, now).await?;
        return Ok(false);
    }
    // Only a hold that ran out can have lost months to another donation.
    let intact = if status == DonationStatus::Held && hold_until > now {
        true
    } else {
        let held: i64 = on_tx!(tx, |c| sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM worker_months WHERE donation_id = $1",
        )
        .bind(donation_id)
        .fetch_one(c)
        .await)?;
        held == workers * months
    };
    let (funded_total, funded_workers) = if intact && budget_line.is_none() {
        // The usual case: every month is still ours, nothing to write before the
        // ledger decides, so the payment and the funding go in one batch.
        let mut batch = first.clone();
        if total > 0 {
            batch.push(fund(donor_id, total));
        }
        let results = ledger::apply_transfers(tx, &batch, actor, now).await?;
        if total > 0 && results.last().is_some_and(|r| r.is_err()) {
            return Ok(false); // the credit does not cover it; the payment stands
        }
        (total, workers)
    } else {
        // A late payment after other donations took some months, or a budget
        // line to respect: work it out, and undo it if the money does not cover it.
        ledger::apply_transfers(tx, &first, actor, now).await?;
        tx.savepoint("settle").await?;
        if !intact {
            retake_lost(tx, donation_id, start_month, months, now).await?;
        }
        let (funded_total, funded_workers): (i64, i64) = on_tx!(tx, |c| {
            sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(jkk + jkm), 0) AS BIGINT),
                   CAST(COUNT(DISTINCT worker_id) AS BIGINT)
                 FROM worker_months WHERE donation_id = $1",
            )
            .bind(donation_id)
            .fetch_one(c)
            .await
        })?;
        let over = match budget_line {
            Some(line) => over_ceiling(tx, line, donation_id, funded_total).await?,
            None => false,
        };
        let refused = if over {
            true
        } else if funded_total > 0 {
            let r =
                ledger::apply_transfers(tx, &[fund(donor_id, funded_total)], actor, now).await?;
            r.first().is_some_and(|r| r.is_err())
        } else {
            false
        };
        if refused {
            tx.rollback_to("settle").await?;
            tx.release("settle").await?;
            return Ok(false);
        }
        tx.release("settle").await?;
        (funded_total, funded_workers)
    };
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE donations SET status = 'funded', funded_total = $1, workers = $2,
               funded_at = $3
             WHERE id = $4",
        )
        .bind(funded_total)
        .bind(funded_workers)
        .bind(now)
        .bind(donation_id)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(true)
}

/// A late payment's donation takes back the months of its workers that lost some to another
/// donation while its hold had run out: all of a worker's months where still free, at
/// today's prices, or none.
async fn retake_lost(
    tx: &mut Tx,
    donation_id: i64,
    start_month: i64,
    month_count: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let lost: Vec<(i64, i64, String)> = on_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT w.id, w.income, w.sector FROM donation_workers dw
               JOIN workers w ON w.id = dw.worker_id
             WHERE dw.donation_id = $1
               AND (SELECT COUNT(*) FROM worker_months m WHERE m.worker_id = dw.worker_id
                 AND m.donation_id = $1) < $2",
        )
        .bind(donation_id)
        .bind(month_count)
        .fetch_all(c)
        .await
    })?;
    let (pricing, _) = super::rates::pricing_in(tx).await?;
    let funding: String = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT funding_source FROM donations WHERE id = $1"
    )
    .bind(donation_id)
    .fetch_one(c)
    .await)?;
    let funding = FundingSource::parse(&funding).ok_or_else(|| {
        anyhow::anyhow!("donation {donation_id}: unknown funding source {funding:?}")
    })?;
    let start = Month::from_yyyymm(start_month)
        .ok_or_else(|| anyhow::anyhow!("bad start month {start_month}"))?;
    let mut pricer = Pricer {
        pricing: &pricing,
        funding,
        start,
        months: u32::try_from(month_count)?,
        cache: HashMap::new(),
    };
    let lost_ids: Vec<i64> = lost.iter().map(|l| l.0).collect();
    months::delete_months(tx, donation_id, &lost_ids).await?;
    let mut blocks = Vec::with_capacity(lost.len());
    for (w, income, sector) in &lost {
        blocks.push((*w, pricer.block(*income, sector_of(sector))?.to_vec()));
    }
    take_months(tx, donation_id, &blocks, now).await?;
    Ok(())
}

/// Whether funding `funded_total` more would take budget line `line` past its ceiling. Locks
/// the line as a new donation on it does, then counts the other donations on it.
async fn over_ceiling(
    tx: &mut Tx,
    line: i64,
    donation_id: i64,
    funded_total: i64,
) -> anyhow::Result<bool> {
    let (ceiling, others): (i64, i64) = on_tx!(tx, |c| {
        sqlx::query_as(
            "UPDATE budget_lines SET ceiling = ceiling WHERE id = $1
             RETURNING ceiling, CAST(COALESCE((SELECT SUM(i.amount)
               FROM donations d JOIN invoices i ON i.donation_id = d.id
               WHERE d.budget_line_id = $1 AND d.status IN ('held', 'funded')
                 AND d.id <> $2), 0) AS BIGINT)",
        )
        .bind(line)
        .bind(donation_id)
        .fetch_one(c)
        .await
    })?;
    // A sum past the bound of money is past any ceiling.
    Ok(match add(others, funded_total) {
        Ok(sum) => sum > ceiling,
        Err(_) => true,
    })
}

/// Checks the NIKs of a named donation before anything is stored: each must be a valid NIK.
pub fn parse_named(niks: &[String], today: NaiveDate) -> Result<Vec<String>, Vec<Problem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for raw in niks {
        match Nik::parse(raw, today) {
            Ok(n) => out.push(n.to_string()),
            Err(ps) => problems.extend(ps.into_iter().map(|e| {
                Problem::new(
                    e.code,
                    format!("NIK \"{raw}\": {}", e.id),
                    format!("NIK \"{raw}\": {}", e.en),
                )
            })),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Makes a donation in one transaction (see `create_donation`). A transaction
/// that lost a deadlock is run again, up to five times. `now` is when it is made.
pub async fn create(
    db: &Db,
    d: &NewDonation,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Created, Vec<Problem>>> {
    create_limited(db, d, None, now).await
}

/// [`create`] for a donor who may be limited in what they hold (`limits` are the defaults
/// for an individual who signed up alone; a donor's own limits win): the donor-facing edges
/// call this one.
pub async fn create_limited(
    db: &Db,
    d: &NewDonation,
    limits: Option<HoldLimits>,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Created, Vec<Problem>>> {
    let pricing = super::rates::pricing(db).await?;
    let pricing = &pricing;
    super::retrying(|| async move {
        let mut tx = db.begin_write().await?;
        let out = create_donation(&mut tx, pricing, d, limits, now).await?;
        if out.is_ok() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(out)
    })
    .await
}

/// What a donation would be if it were made now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub workers: i64,
    pub start: Month,
    pub months: u32,
    /// The price of the chosen workers' months.
    pub total: i64,
    /// What the invoice would ask (a budget donation invoices its whole budget).
    pub invoice: i64,
    pub shortfall: i64,
}

/// Makes the donation in a transaction that is rolled back: the review step's exact price,
/// computed by the very code that writes the invoice. Nothing is held.
pub async fn preview(
    db: &Db,
    d: &NewDonation,
    limits: Option<HoldLimits>,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Preview, Vec<Problem>>> {
    let pricing = super::rates::pricing(db).await?;
    let pricing = &pricing;
    super::retrying(|| async move {
        let mut tx = db.begin_write().await?;
        let out = match create_donation(&mut tx, pricing, d, limits, now).await? {
            Ok(made) => {
                let (workers, total, invoice): (i64, i64, i64) = on_tx!(&mut tx, |c| {
                    sqlx::query_as(
                        "SELECT d.workers, d.total, i.amount FROM donations d
                         JOIN invoices i ON i.donation_id = d.id WHERE d.id = $1",
                    )
                    .bind(made.id)
                    .fetch_one(c)
                    .await
                })?;
                Ok(Preview {
                    workers,
                    start: d.start,
                    months: d.months,
                    total,
                    invoice,
                    shortfall: made.shortfall,
                })
            }
            Err(problems) => Err(problems),
        };
        tx.rollback().await?;
        Ok(out)
    })
    .await
}

/// Funds a held donation from its donor's credit (a donor paying with credit they have).
/// In the same transaction the invoice is settled with what the credit paid of it
/// (`credit_applied`: the funding less what was already paid to the invoice, whose money went
/// through the credit too) and, when the credit paid anything, a credit settlement is
/// recorded for the donor's receipt. `false` when the credit does not cover it or the
/// donation is not held.
pub async fn settle(
    db: &Db,
    donation_id: i64,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut tx = db.begin_write().await?;
    let done = settle_donation(&mut tx, donation_id, None, actor, now).await?;
    if done {
        // Paid from credit: the invoice is settled; money sent to its VA later is credit.
        let settled: Option<(i64, i64, i64)> = on_tx!(&mut tx, |c| {
            sqlx::query_as(
                "UPDATE invoices SET status = 'paid', paid_at = COALESCE(paid_at, $1),
                   credit_applied =
                     CASE WHEN (SELECT funded_total FROM donations WHERE id = $2) > paid
                     THEN (SELECT funded_total FROM donations WHERE id = $2) - paid ELSE 0 END
                 WHERE donation_id = $2
                 RETURNING id, donor_id, credit_applied",
            )
            .bind(now)
            .bind(donation_id)
            .fetch_optional(c)
            .await
        })?;
        let mut receipt = None;
        if let Some((invoice_id, donor_id, applied)) = settled.filter(|s| s.2 > 0) {
            let id: i64 = on_tx!(&mut tx, |c| {
                sqlx::query_scalar(
                    "INSERT INTO credit_settlements
                       (donation_id, invoice_id, donor_id, amount, settled_at, settled_by)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(donation_id)
                .bind(invoice_id)
                .bind(donor_id)
                .bind(applied)
                .bind(now)
                .bind(actor.user_id())
                .fetch_one(c)
                .await
            })?;
            // Its receipt, numbered in the year of the day (WIB) the credit paid.
            let r = super::receipts::issue(
                &mut tx,
                super::receipts::For::CreditSettlement(id),
                donor_id,
                applied,
                lingkaran_domain::wib::wib_date(now),
                now,
            )
            .await?;
            receipt = Some(r.number());
        }
        // Last, so the trail's head is held only until the commit (ARCHITECTURE.md).
        audit::record(
            &mut tx,
            now,
            actor,
            "donation.fund",
            "donation",
            donation_id,
            json!({ "from": "credit", "invoice": settled.map(|s| s.0),
                    "credit_applied": settled.map(|s| s.2), "receipt": receipt }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(done)
}

impl DonationRow {
    fn opened(mut self, keys: &crate::privacy::Keyring) -> sqlx::Result<DonationRow> {
        self.request = super::sealed::open(keys, crate::privacy::Kind::Text, &self.sealed_request)?;
        self.sealed_request = Vec::new();
        Ok(self)
    }
}

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<DonationRow>> {
    let sql = format!("{SELECT_DONATION} WHERE d.id = $1");
    let row: Option<DonationRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    row.map(|r| r.opened(db.keys())).transpose()
}

/// A donor's donations, newest first; every donation when `donor_id` is `None` (staff).
pub async fn list(db: &Db, donor_id: Option<i64>, limit: i64) -> sqlx::Result<Vec<DonationRow>> {
    let sql = format!(
        "{SELECT_DONATION} WHERE ($1 IS NULL OR d.donor_id = $1) ORDER BY d.id DESC LIMIT $2"
    );
    let rows: Vec<DonationRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(donor_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.into_iter().map(|r| r.opened(db.keys())).collect()
}

/// The donation an invoice bills.
pub async fn donation_of_invoice(db: &Db, invoice_id: i64) -> sqlx::Result<Option<i64>> {
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT donation_id FROM invoices WHERE id = $1"
    )
    .bind(invoice_id)
    .fetch_optional(pool)
    .await)
}

pub async fn invoice_of(db: &Db, donation_id: i64) -> sqlx::Result<Option<InvoiceRow>> {
    let sql = format!("{SELECT_INVOICE} WHERE donation_id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(donation_id)
        .fetch_optional(pool)
        .await)
}

/// The invoices of the donations `list(db, donor_id, …)` returned (`ids`), by donation id,
/// in one query rather than one a donation: a donor's invoices are found through their
/// donor index, anyone's through one pass. `invoice_of` once per row of a 500-row list made
/// that list the slowest read of the load run (bench/RESULTS.md, "Load run").
pub async fn invoices_of_list(
    db: &Db,
    donor_id: Option<i64>,
    ids: &[i64],
) -> sqlx::Result<std::collections::HashMap<i64, InvoiceRow>> {
    let (Some(&first), Some(&last)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Default::default());
    };
    let rows: Vec<InvoiceRow> = match donor_id {
        Some(donor) => {
            let sql =
                format!("{SELECT_INVOICE} WHERE donor_id = $1 AND donation_id BETWEEN $2 AND $3");
            on_db!(db, |pool| sqlx::query_as(&sql)
                .bind(donor)
                .bind(first)
                .bind(last)
                .fetch_all(pool)
                .await)?
        }
        None => {
            let sql = format!("{SELECT_INVOICE} WHERE donation_id BETWEEN $1 AND $2");
            on_db!(db, |pool| sqlx::query_as(&sql)
                .bind(first)
                .bind(last)
                .fetch_all(pool)
                .await)?
        }
    };
    Ok(rows.into_iter().map(|i| (i.donation_id, i)).collect())
}

pub async fn invoices_of_donor(db: &Db, donor_id: i64) -> sqlx::Result<Vec<InvoiceRow>> {
    let sql = format!("{SELECT_INVOICE} WHERE donor_id = $1 ORDER BY id DESC");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(donor_id)
        .fetch_all(pool)
        .await)
}

/// One worker of a donation, as the donor may see them (the API masks the NIK and the name).
#[derive(Debug, Clone, FromRow)]
pub struct DonationWorker {
    pub worker_id: i64,
    /// The whole NIK, opened from the sealed value read.
    #[sqlx(skip)]
    pub nik: String,
    #[sqlx(rename = "nik")]
    sealed_nik: Vec<u8>,
    pub full_name: String,
    pub village_code: String,
    pub occupation: String,
    /// The worker's status today (`funded`, `mandiri`, `lapsed`, `deceased`, …).
    pub status: String,
    pub rank: i64,
    pub reason_id: String,
    pub reason_en: String,
}

/// Which of a donation's workers a page lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WorkerFilter {
    #[default]
    All,
    /// Workers whose status is one of these.
    Statuses(&'static [&'static str]),
    /// Workers with a month BPJS refused.
    Rejected,
}

pub async fn workers_of(
    db: &Db,
    donation_id: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<DonationWorker>> {
    Ok(
        workers_in(db, donation_id, None, WorkerFilter::All, limit, offset)
            .await?
            .0,
    )
}

/// The NIKs of a donation's workers that still have a month in it (an extension funds them
/// again; those whose months all stopped are left out). Each worker's months are probed by
/// their key: `+m.donation_id` keeps SQLite off the `donation_id` index (`db::impact`).
pub async fn niks_with_months(db: &Db, donation_id: i64) -> sqlx::Result<Vec<String>> {
    let sealed: Vec<Vec<u8>> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT w.nik FROM donation_workers dw JOIN workers w ON w.id = dw.worker_id
         WHERE dw.donation_id = $1
           AND EXISTS (SELECT 1 FROM worker_months m
                       WHERE m.worker_id = dw.worker_id AND +m.donation_id = dw.donation_id)
         ORDER BY dw.rank"
    )
    .bind(donation_id)
    .fetch_all(pool)
    .await)?;
    sealed
        .iter()
        .map(|s| super::sealed::open(db.keys(), crate::privacy::Kind::Nik, s))
        .collect()
}

/// A page of a donation's workers in the fair order, only those living in `regions` when
/// given (an officer's scope: a worker of another region is not counted or shown) and those
/// `filter` keeps, and how many there are. The page is cut before anything is joined to it
/// (the index `donation_workers_rank`), so a page costs the same in a donation of 10 or
/// 100,000 workers; `db::outcomes` then reads what happened to the page's workers.
pub async fn workers_in(
    db: &Db,
    donation_id: i64,
    regions: Option<&[String]>,
    filter: WorkerFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<DonationWorker>, i64)> {
    let narrow = |q: &mut Sql| {
        if let Some(r) = regions {
            q.in_regions("w.village_code", r);
        }
        match filter {
            WorkerFilter::All => {}
            WorkerFilter::Statuses(statuses) => {
                q.push(" AND w.status IN (");
                for (i, s) in statuses.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.text_arg(*s);
                }
                q.push(")");
            }
            WorkerFilter::Rejected => {
                // The worker's own answers (by `worker_id`): `+c.donation_id` keeps SQLite
                // off the index on the donation, which it would walk for every worker.
                q.push(
                    " AND EXISTS (SELECT 1 FROM confirmations c WHERE +c.donation_id = dw.donation_id
                       AND c.worker_id = dw.worker_id AND c.status = 'rejected')",
                );
            }
        }
    };
    let mut list = Sql::new(
        "SELECT w.id AS worker_id, w.nik, w.full_name, w.village_code, w.occupation, w.status,
                dw.rank, dw.reason_id, dw.reason_en
         FROM donation_workers dw JOIN workers w ON w.id = dw.worker_id
         WHERE dw.donation_id = ",
    );
    list.int_arg(donation_id);
    narrow(&mut list);
    list.push(" ORDER BY dw.rank LIMIT ")
        .int_arg(limit)
        .push(" OFFSET ")
        .int_arg(offset);
    let mut count = Sql::new(
        "SELECT COUNT(*) FROM donation_workers dw JOIN workers w ON w.id = dw.worker_id
         WHERE dw.donation_id = ",
    );
    count.int_arg(donation_id);
    narrow(&mut count);
    let rows: Vec<DonationWorker> = on_db!(db, |pool| bind_all!(sqlx::query_as(&list.text), list)
        .fetch_all(pool)
        .await)?;
    let total: i64 = on_db!(db, |pool| bind_all!(sqlx::query_scalar(&count.text), count)
        .fetch_one(pool)
        .await)?;
    let rows = rows
        .into_iter()
        .map(|mut w| {
            w.nik = super::sealed::open(db.keys(), crate::privacy::Kind::Nik, &w.sealed_nik)?;
            w.sealed_nik = Vec::new();
            Ok(w)
        })
        .collect::<sqlx::Result<_>>()?;
    Ok((rows, total))
}

/// Marks donations and invoices whose hold ran out unpaid as expired and gives their
/// worker-months back (recounting how far each of those workers is taken), so the next
/// donation can choose them. A payment that arrives later still funds what is free then.
pub async fn expire_holds(db: &Db, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let job = Actor::System("expire_holds");
    Ok(end_holds(db, EndHold::Expired(now), job, now).await?.len() as u64)
}

/// Why a hold ends before it is paid.
#[derive(Debug, Clone, Copy)]
enum EndHold {
    /// Every hold that ran out before this instant.
    Expired(DateTime<Utc>),
    /// The donor cancelled this donation.
    Cancelled(i64),
}

/// The one path that ends holds: marks the donations (which locks them), gives their months
/// back and recounts those workers, and closes their open invoices. Returns the donations.
async fn end_holds(
    db: &Db,
    end: EndHold,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut tx = db.begin_write().await?;
    // Marking them locks them: a late payment settling one waits, or goes first and the
    // donation is no longer held.
    let ended: Vec<i64> = match end {
        EndHold::Expired(now) => on_tx!(&mut tx, |c| {
            sqlx::query_scalar(
                "UPDATE donations SET status = 'expired'
                 WHERE status = 'held' AND hold_expires_at < $1 RETURNING id",
            )
            .bind(now)
            .fetch_all(c)
            .await
        })?,
        EndHold::Cancelled(id) => on_tx!(&mut tx, |c| {
            sqlx::query_scalar(
                "UPDATE donations SET status = 'cancelled'
                 WHERE status = 'held' AND id = $1 RETURNING id",
            )
            .bind(id)
            .fetch_all(c)
            .await
        })?,
    };
    for chunk in ended.chunks(1_000) {
        let head = "SELECT DISTINCT worker_id FROM worker_months WHERE donation_id IN (";
        let workers: Vec<i64> = on_tx!(&mut tx, |c| in_list(head, chunk, ")")
            .build_query_scalar()
            .fetch_all(c)
            .await)?;
        let head = "DELETE FROM worker_months WHERE donation_id IN (";
        on_tx!(&mut tx, |c| in_list(head, chunk, ")")
            .build()
            .execute(c)
            .await
            .map(|_| ()))?;
        months::recount_taken(&mut tx, &workers).await?;
    }
    match end {
        EndHold::Expired(now) => on_tx!(&mut tx, |c| {
            sqlx::query(
                "UPDATE invoices SET status = 'expired' WHERE status = 'open' AND expires_at < $1",
            )
            .bind(now)
            .execute(c)
            .await
            .map(|_| ())
        })?,
        EndHold::Cancelled(id) => on_tx!(&mut tx, |c| {
            sqlx::query(
                "UPDATE invoices SET status = 'cancelled'
                 WHERE status = 'open' AND donation_id = $1",
            )
            .bind(id)
            .execute(c)
            .await
            .map(|_| ())
        })?,
    };
    // One entry for the run (the expiry job ends many holds at once), naming the donations
    // up to a bound; a cancellation names its donation.
    if !ended.is_empty() {
        let (action, record) = match end {
            EndHold::Expired(_) => ("donations.expire", String::new()),
            EndHold::Cancelled(id) => ("donation.cancel", id.to_string()),
        };
        let named: Vec<i64> = ended.iter().take(1_000).copied().collect();
        audit::record(
            &mut tx,
            now,
            actor,
            action,
            "donation",
            record,
            json!({ "count": ended.len(), "donations": named }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(ended)
}

/// Re-prices every held, unpaid donation whose months the rules now price differently (a
/// relief rule, a rate or a pricing setting was added or changed): its worker-months get the
/// current prices, its total follows, and so does its invoice (a budget donation's invoice
/// stays the budget the donor chose). Each donation is locked first, as a payment settling it
/// locks it, so a payment either comes before (and funds it at the price it was invoiced, the
/// cycle returning any difference) or after (and meets the new invoice). Returns the donations
/// whose price changed.
pub async fn reprice_held(db: &Db, actor: Actor, now: DateTime<Utc>) -> anyhow::Result<Vec<i64>> {
    let pricing = super::rates::pricing(db).await?;
    let held: Vec<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT d.id FROM donations d JOIN invoices i ON i.donation_id = d.id
         WHERE d.status = 'held' AND i.status = 'open' AND i.paid = 0 ORDER BY d.id"
    )
    .fetch_all(pool)
    .await)?;
    let mut changed = Vec::new();
    for id in held {
        let mut tx = db.begin_write().await?;
        if reprice_one(&mut tx, &pricing, id).await? {
            changed.push(id);
            audit::record(
                &mut tx,
                now,
                actor,
                "donation.reprice",
                "donation",
                id,
                json!({}),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(changed)
}

/// Re-prices one held donation (see [`reprice_held`]) in the caller's transaction; whether
/// its price changed.
async fn reprice_one(tx: &mut Tx, pricing: &Pricing, id: i64) -> anyhow::Result<bool> {
    let row: Option<(String, String)> = on_tx!(tx, |c| {
        sqlx::query_as(
            "UPDATE donations SET status = status WHERE id = $1 AND status = 'held'
             RETURNING funding_source, mode",
        )
        .bind(id)
        .fetch_optional(c)
        .await
    })?;
    let Some((funding, mode)) = row else {
        return Ok(false);
    };
    let funding = FundingSource::parse(&funding)
        .ok_or_else(|| anyhow::anyhow!("donation {id}: unknown funding source {funding:?}"))?;
    // Months priced alike (same month, income, sector and stored price) move together.
    let groups: Vec<(i64, i64, String, i64, i64)> = on_tx!(tx, |c| {
        sqlx::query_as(
            "SELECT m.month, w.income, w.sector, m.jkk, m.jkm FROM worker_months m
             JOIN workers w ON w.id = m.worker_id WHERE m.donation_id = $1
             GROUP BY m.month, w.income, w.sector, m.jkk, m.jkm",
        )
        .bind(id)
        .fetch_all(c)
        .await
    })?;
    let mut moved = false;
    for (month, income, sector, jkk, jkm) in groups {
        let m = Month::from_yyyymm(month)
            .ok_or_else(|| anyhow::anyhow!("donation {id}: bad month {month}"))?;
        let p = pricing.price(m, income, funding, sector_of(&sector))?;
        if (p.jkk.get(), p.jkm.get()) == (jkk, jkm) {
            continue;
        }
        moved = true;
        on_tx!(tx, |c| {
            sqlx::query(
                "UPDATE worker_months SET jkk = $1, jkm = $2
                 WHERE donation_id = $3 AND month = $4 AND jkk = $5 AND jkm = $6
                   AND worker_id IN (SELECT id FROM workers WHERE income = $7 AND sector = $8)",
            )
            .bind(p.jkk.get())
            .bind(p.jkm.get())
            .bind(id)
            .bind(month)
            .bind(jkk)
            .bind(jkm)
            .bind(income)
            .bind(&sector)
            .execute(c)
            .await
            .map(|_| ())
        })?;
    }
    if moved {
        let total: i64 = on_tx!(tx, |c| {
            sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(jkk + jkm), 0) AS BIGINT) FROM worker_months
                 WHERE donation_id = $1",
            )
            .bind(id)
            .fetch_one(c)
            .await
        })?;
        on_tx!(tx, |c| sqlx::query(
            "UPDATE donations SET total = $1 WHERE id = $2"
        )
        .bind(total)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))?;
        if mode != "budget" {
            on_tx!(tx, |c| {
                sqlx::query(
                    "UPDATE invoices SET amount = $1
                     WHERE donation_id = $2 AND status = 'open' AND paid = 0",
                )
                .bind(total)
                .bind(id)
                .execute(c)
                .await
                .map(|_| ())
            })?;
        }
    }
    Ok(moved)
}

/// The donor cancels a held donation: its months are given back exactly as an expired
/// hold's, its invoice is `cancelled`; its escrow is untouched (nothing was paid into it).
/// `Err` with the donation's status when it is not held (paid, expired, cancelled), `None`
/// when there is no such donation.
pub async fn cancel(
    db: &Db,
    id: i64,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), Option<DonationStatus>>> {
    let ended = end_holds(db, EndHold::Cancelled(id), actor, now).await?;
    if ended.contains(&id) {
        return Ok(Ok(()));
    }
    let status = get(db, id).await?.map(|d| d.status);
    Ok(Err(status))
}
