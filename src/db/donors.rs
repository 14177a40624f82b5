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

const SELECT_DONOR: &str = "SELECT id, kind, name, npwp, region_code, user_id, address FROM donors";

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

/// What a donor chose about themselves: where reminders go, whether the public coverage page
/// may name them, and whether the money of months stopped by a death goes back to their
/// credit (default) or stays in the programme pool.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Preferences {
    pub email: Option<String>,
    pub public_name: bool,
    pub leftover_to_pool: bool,
}

pub async fn preferences(db: &Db, id: i64) -> sqlx::Result<Option<Preferences>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT email, public_name, leftover_to_pool FROM donors WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// Sets all three; `false` when there is no such donor.
pub async fn set_preferences(
    db: &Db,
    id: i64,
    p: &Preferences,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut tx = db.begin_write().await?;
    let found = on_tx!(&mut tx, |pool| sqlx::query(
        "UPDATE donors SET email = $1, public_name = $2, leftover_to_pool = $3 WHERE id = $4"
    )
    .bind(&p.email)
    .bind(p.public_name)
    .bind(p.leftover_to_pool)
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected() == 1))?;
    if found {
        // Whether an address is set, not the address.
        audit::record(
            &mut tx,
            now,
            actor,
            "donor.preferences",
            "donor",
            id,
            json!({ "email_set": p.email.is_some(), "public_name": p.public_name,
                    "leftover_to_pool": p.leftover_to_pool }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(found)
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

/// One line of the public list of donors: a donor who chose to be named, or all the others of
/// a kind together (`name` `None`: "donatur anonim").
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

/// Funded donations per donor who chose a public name, and per kind for the anonymous rest.
/// Nothing else about a donor leaves this query.
pub async fn public_lines(db: &Db) -> sqlx::Result<Vec<PublicDonorLine>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT CASE WHEN dn.public_name THEN MIN(dn.name) END AS name, dn.kind,
                CAST(COUNT(DISTINCT dn.id) AS BIGINT) AS donors,
                CAST(SUM(d.workers) AS BIGINT) AS workers,
                CAST(SUM(d.funded_total) AS BIGINT) AS funded
         FROM donations d JOIN donors dn ON dn.id = d.donor_id
         WHERE d.status = 'funded'
         GROUP BY dn.public_name, CASE WHEN dn.public_name THEN dn.id ELSE 0 END, dn.kind
         ORDER BY dn.public_name DESC, funded DESC, dn.kind"
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
