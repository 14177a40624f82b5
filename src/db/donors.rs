//! Donors and governments' budget lines.

use super::audit::{self, Actor};
use super::Db;
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct Donor {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub npwp: Option<String>,
    pub region_code: Option<String>,
    pub user_id: Option<i64>,
    /// The postal address printed on receipts, when known (migration 0032).
    pub address: Option<String>,
    /// The name the donor chose for its receipts (migration 0034); `None`: [`Donor::name`].
    pub receipt_name: Option<String>,
}

impl Donor {
    /// The name its receipts print: the one it chose for them, else its registered name.
    pub fn name_on_receipts(&self) -> &str {
        self.receipt_name.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct BudgetLine {
    pub id: i64,
    pub donor_id: i64,
    pub source: String,
    pub code: String,
    pub fiscal_year: i64,
    pub ceiling: i64,
}

pub struct NewDonor<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub npwp: Option<&'a str>,
    pub region_code: Option<&'a str>,
    pub user_id: Option<i64>,
    pub created_by: i64,
}

/// Creates a donor and opens their credit account in the ledger, in one transaction, so
/// that a payment never has to create the account it pays into.
pub async fn create(db: &Db, d: &NewDonor<'_>, now: DateTime<Utc>) -> anyhow::Result<i64> {
    let mut tx = db.begin_write().await?;
    // Staff who register a donor have verified it; one who signed up alone has not been.
    let by_staff = d.user_id != Some(d.created_by);
    let verified_by = by_staff.then_some(d.created_by);
    let verified_at = by_staff.then_some(now);
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO donors
               (kind, name, npwp, region_code, user_id, created_by, created_at, public_name,
                verified_by, verified_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $1 <> 'individual', $8, $9) RETURNING id",
        )
        .bind(d.kind)
        .bind(d.name)
        .bind(d.npwp)
        .bind(d.region_code)
        .bind(d.user_id)
        .bind(d.created_by)
        .bind(now)
        .bind(verified_by)
        .bind(verified_at)
        .fetch_one(c)
        .await
    })?;
    on_tx!(&mut tx, |c| sqlx::query(super::ledger::OPEN_ACCOUNT)
        .bind(lingkaran_domain::ledger::Account::DonorCredit(id).code())
        .bind(true)
        .execute(c)
        .await
        .map(|_| ()))?;
    // The one who registers a donor is a signed-in user (`created_by`).
    audit::record(
        &mut tx,
        now,
        Actor::User(d.created_by),
        "donor.create",
        "donor",
        id,
        json!({ "kind": d.kind, "name": d.name, "region": d.region_code, "user": d.user_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether an officer has verified the donor (named donations need it: docs/privacy.md).
pub async fn is_verified(db: &Db, donor_id: i64) -> sqlx::Result<bool> {
    let by: Option<Option<i64>> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT verified_by FROM donors WHERE id = $1"
    )
    .bind(donor_id)
    .fetch_optional(pool)
    .await)?;
    Ok(matches!(by, Some(Some(_))))
}

/// An officer verifies a donor, on the audit trail. Returns whether the donor exists.
pub async fn verify(db: &Db, donor_id: i64, by: i64, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = db.begin_write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE donors SET verified_by = $2, verified_at = $3 WHERE id = $1"
    )
    .bind(donor_id)
    .bind(by)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if n != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    audit::record(
        &mut tx,
        now,
        Actor::User(by),
        "donor.verify",
        "donor",
        donor_id,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Whether the donor funds or holds a worker living in `regions` (an officer's scope).
pub async fn funds_in_regions(db: &Db, donor_id: i64, regions: &[String]) -> sqlx::Result<bool> {
    let mut sql = super::sql::Sql::new(
        "SELECT COUNT(*) FROM (SELECT 1 FROM donations d
           JOIN donation_workers dw ON dw.donation_id = d.id
           JOIN workers w ON w.id = dw.worker_id WHERE d.donor_id = ",
    );
    sql.int_arg(donor_id);
    sql.in_regions("w.village_code", regions);
    sql.push(" LIMIT 1) x");
    let n: i64 = on_db!(db, |pool| crate::bind_all!(
        sqlx::query_scalar(&sql.text),
        sql
    )
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

const SELECT_DONOR: &str =
    "SELECT id, kind, name, npwp, region_code, user_id, address, receipt_name FROM donors";

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<Donor>> {
    let sql = format!("{SELECT_DONOR} WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// All donors, or only those of one user account.
pub async fn list(db: &Db, user_id: Option<i64>) -> sqlx::Result<Vec<Donor>> {
    let sql = format!("{SELECT_DONOR} WHERE ($1 IS NULL OR user_id = $1) ORDER BY id");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)
}

/// Adds a budget line. `Ok(None)` when the donor already has that code for that year.
#[allow(clippy::too_many_arguments)]
pub async fn add_budget_line(
    db: &Db,
    donor_id: i64,
    source: &str,
    code: &str,
    fiscal_year: i64,
    ceiling: i64,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let mut tx = db.begin_write().await?;
    let id: Option<i64> = on_tx!(&mut tx, |pool| sqlx::query_scalar(
        "INSERT INTO budget_lines (donor_id, source, code, fiscal_year, ceiling, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (donor_id, code, fiscal_year) DO NOTHING RETURNING id"
    )
    .bind(donor_id)
    .bind(source)
    .bind(code)
    .bind(fiscal_year)
    .bind(ceiling)
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    if let Some(id) = id {
        audit::record(
            &mut tx,
            now,
            actor,
            "donor.budget_line",
            "donor",
            donor_id,
            json!({ "budget_line": id, "source": source, "code": code,
                    "fiscal_year": fiscal_year, "ceiling": ceiling }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn budget_lines(db: &Db, donor_id: i64) -> sqlx::Result<Vec<BudgetLine>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT id, donor_id, source, code, fiscal_year, ceiling FROM budget_lines
         WHERE donor_id = $1 ORDER BY fiscal_year, code"
    )
    .bind(donor_id)
    .fetch_all(pool)
    .await)
}

/// An individual signs up as a donor: their account (role donor) and their donor record, in
/// one transaction, so there is never an account without its donor or the reverse. `None`
/// when the username is taken. `password_hash`: the argon2id hash
/// (`auth::password::hash_bounded`), computed before the transaction.
pub async fn sign_up(
    db: &Db,
    username: &str,
    full_name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(i64, i64)>> {
    let hash = password_hash;
    let mut tx = db.begin_write().await?;
    let user: Option<i64> = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO users
               (username, full_name, password_hash, role, organisation_id, created_at)
             VALUES ($1, $2, $3, 'donor', NULL, $4) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(username)
        .bind(full_name)
        .bind(hash)
        .bind(now)
        .fetch_optional(c)
        .await
    })?;
    let Some(user) = user else {
        return Ok(None);
    };
    let donor: i64 = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "INSERT INTO donors (kind, name, npwp, region_code, user_id, created_by, created_at)
         VALUES ('individual', $1, NULL, NULL, $2, $2, $3) RETURNING id",
    )
    .bind(full_name)
    .bind(user)
    .bind(now)
    .fetch_one(c)
    .await)?;
    on_tx!(&mut tx, |c| sqlx::query(super::ledger::OPEN_ACCOUNT)
        .bind(lingkaran_domain::ledger::Account::DonorCredit(donor).code())
        .bind(true)
        .execute(c)
        .await
        .map(|_| ()))?;
    audit::record(
        &mut tx,
        now,
        Actor::User(user),
        "user.sign_up",
        "user",
        user,
        json!({ "role": "donor", "donor": donor }),
    )
    .await?;
    tx.commit().await?;
    Ok::<_, anyhow::Error>(Some((user, donor)))
}

/// What a donor chose about themselves: where reminders go, how it is named (publicly or
/// "donatur anonim", on its receipts, and whether `/transparansi` lists its total), and
/// whether the money of months stopped by a death goes back to their credit (default) or
/// stays in the programme pool.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Preferences {
    pub email: Option<String>,
    /// Named on the public pages (`/transparansi`, `/verifikasi`, `/perlindungan`); else
    /// "donatur anonim".
    pub public_name: bool,
    pub leftover_to_pool: bool,
    /// The name printed on its receipts and, when `public_name`, on `/verifikasi`; `null`:
    /// the donor's registered name.
    pub receipt_name: Option<String>,
    /// Listed with its amount in `/transparansi`'s donor table (when `public_name`); else
    /// summed into the anonymous line of its kind, still counted in every total.
    pub show_total: bool,
}

pub async fn preferences(db: &Db, id: i64) -> sqlx::Result<Option<Preferences>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT email, public_name, leftover_to_pool, receipt_name, show_total
         FROM donors WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// What a change of preferences sets: the first three always, the naming choices added
/// later (migration 0034) only when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferencesChange {
    pub email: Option<String>,
    pub public_name: bool,
    pub leftover_to_pool: bool,
    /// `None`: as it is; `Some(None)`: back to the registered name.
    pub receipt_name: Option<Option<String>>,
    /// `None`: as it is.
    pub show_total: Option<bool>,
}

/// Sets them all; `false` when there is no such donor.
pub async fn set_preferences(
    db: &Db,
    id: i64,
    p: &Preferences,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let change = PreferencesChange {
        email: p.email.clone(),
        public_name: p.public_name,
        leftover_to_pool: p.leftover_to_pool,
        receipt_name: Some(p.receipt_name.clone()),
        show_total: Some(p.show_total),
    };
    Ok(change_preferences(db, id, &change, actor, now)
        .await?
        .is_some())
}

/// Applies `change` to the donor's preferences, in one transaction that holds the row, and
/// returns them as they now are (`None`: no such donor). The audit entry says what each is
/// now and which changed, without the e-mail address or the receipt name themselves
/// (whether each is set).
pub async fn change_preferences(
    db: &Db,
    id: i64,
    change: &PreferencesChange,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Preferences>> {
    let mut tx = db.begin_write().await?;
    // Held until the commit: what is left as it is, and what "changed" compares with, is
    // what this replaces.
    let read = format!(
        "SELECT email, public_name, leftover_to_pool, receipt_name, show_total
         FROM donors WHERE id = $1{}",
        tx.for_update()
    );
    let before: Option<Preferences> = on_tx!(&mut tx, |c| sqlx::query_as(&read)
        .bind(id)
        .fetch_optional(c)
        .await)?;
    let Some(before) = before else {
        return Ok(None);
    };
    let p = Preferences {
        email: change.email.clone(),
        public_name: change.public_name,
        leftover_to_pool: change.leftover_to_pool,
        receipt_name: change
            .receipt_name
            .clone()
            .unwrap_or_else(|| before.receipt_name.clone()),
        show_total: change.show_total.unwrap_or(before.show_total),
    };
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE donors SET email = $1, public_name = $2, leftover_to_pool = $3,
                receipt_name = $4, show_total = $5
         WHERE id = $6"
    )
    .bind(&p.email)
    .bind(p.public_name)
    .bind(p.leftover_to_pool)
    .bind(&p.receipt_name)
    .bind(p.show_total)
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    let changed: Vec<&str> = [
        ("email", before.email != p.email),
        ("public_name", before.public_name != p.public_name),
        (
            "leftover_to_pool",
            before.leftover_to_pool != p.leftover_to_pool,
        ),
        ("receipt_name", before.receipt_name != p.receipt_name),
        ("show_total", before.show_total != p.show_total),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect();
    audit::record(
        &mut tx,
        now,
        actor,
        "donor.preferences",
        "donor",
        id,
        json!({ "email_set": p.email.is_some(), "public_name": p.public_name,
                "leftover_to_pool": p.leftover_to_pool,
                "receipt_name_set": p.receipt_name.is_some(), "show_total": p.show_total,
                "changed": changed }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(p))
}

/// A donor's postal address for receipts (`None` clears it). Returns whether the donor exists.
pub async fn set_address(
    db: &Db,
    id: i64,
    address: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut tx = db.begin_write().await?;
    let found = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE donors SET address = $1 WHERE id = $2"
    )
    .bind(address)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1))?;
    if found {
        // Whether an address is set, not the address.
        audit::record(
            &mut tx,
            now,
            actor,
            "donor.address",
            "donor",
            id,
            json!({ "address_set": address.is_some() }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(found)
}

/// A donor's own hold limits (`None`: the default for their kind). Returns whether the donor
/// exists.
pub async fn set_hold_limits(
    db: &Db,
    donor_id: i64,
    max_workers: Option<i64>,
    max_donations: Option<i64>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut tx = db.begin_write().await?;
    let found = on_tx!(&mut tx, |pool| sqlx::query(
        "UPDATE donors SET max_held_workers = $1, max_held_donations = $2 WHERE id = $3"
    )
    .bind(max_workers)
    .bind(max_donations)
    .bind(donor_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))?;
    if found {
        audit::record(
            &mut tx,
            now,
            actor,
            "settings.hold_limits",
            "donor",
            donor_id,
            json!({ "max_held_workers": max_workers, "max_held_donations": max_donations }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(found)
}

/// A donor's own hold limits and whether they signed up alone (an individual who created
/// their own record): (max workers, max donations, alone).
pub async fn hold_limits(
    db: &Db,
    donor_id: i64,
) -> sqlx::Result<Option<(Option<i64>, Option<i64>, bool)>> {
    let row: Option<(Option<i64>, Option<i64>, bool)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT max_held_workers, max_held_donations,
                (kind = 'individual' AND user_id IS NOT NULL AND user_id = created_by)
         FROM donors WHERE id = $1"
    )
    .bind(donor_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}

/// Sign-up throttling per network address: `Ok(())` when `address` has signed up fewer
/// than `per_hour` times in the hour before `now`, else `Err(seconds)` until it may again.
/// Forgets attempts older than an hour as it goes.
pub async fn signup_allowed(
    db: &Db,
    address: &str,
    now: chrono::DateTime<Utc>,
    per_hour: i64,
) -> sqlx::Result<Result<(), i64>> {
    let hour_ago = now - chrono::Duration::hours(1);
    on_db!(db, |pool| sqlx::query(
        "DELETE FROM signup_attempts WHERE at < $1"
    )
    .bind(hour_ago)
    .execute(pool)
    .await
    .map(|_| ()))?;
    let (n, oldest): (i64, Option<chrono::DateTime<Utc>>) = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), MIN(at) FROM signup_attempts WHERE address = $1 AND at >= $2"
    )
    .bind(address)
    .bind(hour_ago)
    .fetch_one(pool)
    .await
    })?;
    if n < per_hour {
        return Ok(Ok(()));
    }
    let free_at = oldest.unwrap_or(now) + chrono::Duration::hours(1);
    Ok(Err((free_at - now).num_seconds().max(1)))
}

/// Counts one sign-up from `address`.
pub async fn record_signup(db: &Db, address: &str, now: chrono::DateTime<Utc>) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query(
        "INSERT INTO signup_attempts (address, at) VALUES ($1, $2)"
    )
    .bind(address)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// One line of the public list of donors: a donor who chose to be named with its total, or
/// all the others of a kind together (`name` `None`: "donatur anonim").
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicDonorLine {
    pub name: Option<String>,
    pub kind: String,
    /// Donors on the line (1 for a named one).
    pub donors: i64,
    /// Workers chosen, summed over their funded donations.
    pub workers: i64,
    /// What their funded donations cost, in rupiah.
    pub funded: i64,
}

/// Funded donations per donor listed by name (one who chose a public name and to show its
/// total), and per kind for the rest: the anonymous, and the named who hid their total. Every
/// funded donation is on exactly one line, so the lines add up to all of them. Nothing else
/// about a donor leaves this query.
pub async fn public_lines(db: &Db) -> sqlx::Result<Vec<PublicDonorLine>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT CASE WHEN x.listed THEN MIN(x.name) END AS name, x.kind,
                CAST(COUNT(DISTINCT x.donor_id) AS BIGINT) AS donors,
                CAST(SUM(x.workers) AS BIGINT) AS workers,
                CAST(SUM(x.funded_total) AS BIGINT) AS funded
         FROM (SELECT dn.id AS donor_id, dn.name, dn.kind, d.workers, d.funded_total,
                      (dn.public_name AND dn.show_total) AS listed
               FROM donations d JOIN donors dn ON dn.id = d.donor_id
               WHERE d.status = 'funded') x
         GROUP BY x.listed, CASE WHEN x.listed THEN x.donor_id ELSE 0 END, x.kind
         ORDER BY x.listed DESC, funded DESC, x.kind"
    )
    .fetch_all(pool)
    .await)
}

/// A government donor's budget line with what its donations did: the budget realisation a
/// region's dashboard and report show.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BudgetUse {
    pub id: i64,
    pub donor_id: i64,
    pub donor_name: String,
    pub donor_region: Option<String>,
    /// `apbd`, `dbhcht` or `dana_desa`.
    pub source: String,
    pub code: String,
    pub fiscal_year: i64,
    pub ceiling: i64,
    /// Invoiced for donations held or funded: what the ceiling can no longer give.
    pub committed: i64,
    /// What funded donations cost.
    pub funded: i64,
    /// Contributions of its funded months already remitted to BPJS Ketenagakerjaan.
    pub remitted: i64,
    /// This month: the workers of its funded donations that cover it, and their monthly
    /// cost (each donation's cost over its months).
    pub workers_now: i64,
    pub burn_now: i64,
    /// The last month its funded donations cover (yyyymm), if any.
    pub covered_through: Option<i64>,
}

/// A yyyymm column as a count of months (year × 12 + month − 1), so that a donation's span
/// is arithmetic on both stores.
const MONTH_INDEX: &str = "((d.start_month / 100) * 12 + (d.start_month % 100) - 1)";

/// The budget lines of fiscal year `year` of government donors of `region`: its own
/// government's, and for a regency or below also those of the regions under it (villages'
/// Dana Desa), with their use in `month`. Read from the donations (their span, workers and
/// cost), never from worker-months, so that a page stays fast at national scale: this
/// month's workers and cost are those of the funded donations whose months include it.
pub async fn budget_use_in(
    db: &Db,
    region: &str,
    year: i64,
    month: i64,
) -> sqlx::Result<Vec<BudgetUse>> {
    let prefix = format!("{region}.");
    let below = region.len() >= 5;
    let this = (month / 100) * 12 + (month % 100) - 1;
    let active = format!("{MONTH_INDEX} <= $3 AND $3 < {MONTH_INDEX} + d.months");
    let sql = format!(
        "SELECT b.id, b.donor_id, dn.name AS donor_name, dn.region_code AS donor_region, b.source,
                b.code, b.fiscal_year, b.ceiling,
                CAST(COALESCE((SELECT SUM(i.amount) FROM donations d JOIN invoices i ON i.donation_id = d.id
                               WHERE d.budget_line_id = b.id AND d.status IN ('held', 'funded')), 0) AS BIGINT) AS committed,
                CAST(COALESCE((SELECT SUM(d.funded_total) FROM donations d
                               WHERE d.budget_line_id = b.id AND d.status = 'funded'), 0) AS BIGINT) AS funded,
                CAST(COALESCE((SELECT SUM(r.jkk + r.jkm) FROM donations d JOIN remittance_items r ON r.donation_id = d.id
                               WHERE d.budget_line_id = b.id), 0) AS BIGINT) AS remitted,
                CAST(COALESCE((SELECT SUM(d.workers) FROM donations d
                               WHERE d.budget_line_id = b.id AND d.status = 'funded' AND {active}), 0) AS BIGINT) AS workers_now,
                CAST(COALESCE((SELECT SUM(d.funded_total / d.months) FROM donations d
                               WHERE d.budget_line_id = b.id AND d.status = 'funded' AND {active}), 0) AS BIGINT) AS burn_now,
                (SELECT MAX({MONTH_INDEX} + d.months - 1) FROM donations d
                 WHERE d.budget_line_id = b.id AND d.status = 'funded') AS covered_through
         FROM budget_lines b JOIN donors dn ON dn.id = b.donor_id
         WHERE b.fiscal_year = $2
           AND (dn.region_code = $1 OR ($5 AND substr(dn.region_code, 1, length($4)) = $4))
         ORDER BY dn.region_code, dn.name, b.code"
    );
    let mut rows: Vec<BudgetUse> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(region)
        .bind(year)
        .bind(this)
        .bind(&prefix)
        .bind(below)
        .fetch_all(pool)
        .await)?;
    // Back from a count of months to yyyymm.
    for r in &mut rows {
        r.covered_through = r.covered_through.map(|i| (i / 12) * 100 + i % 12 + 1);
    }
    Ok(rows)
}
