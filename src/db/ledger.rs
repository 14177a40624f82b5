//! The ledger in the store. A batch is applied in the caller's transaction: the rule book
//! (`lingkaran_domain::ledger`) decides on the state the batch touches, then the accepted
//! transfers are appended and the touched balances written.
//!
//! Only accounts with a limit (a donor's credit, a donation's escrow) have their balances
//! cached in `ledger_accounts`, where the store's CHECK refuses an overdraft; a writer locks
//! those rows (in code order) for its transaction. Accounts without a limit (bank clearing,
//! the payables, refunds) are not cached: every payment moves money out of bank clearing, and
//! one row that every payment had to update would make all payments wait for each other's
//! commit. Their balances are what their transfers add up to; `ledger check` derives them.

use super::audit::Actor;
use super::bulk::in_list;
use super::{Db, Tx};
use crate::{on_db, on_tx};
use chrono::{DateTime, Utc};
use lingkaran_domain::ledger::{Account, Balance, Ledger, Phase, Refusal, Transfer};
use lingkaran_domain::status::DonationStatus;
use sqlx::{FromRow, QueryBuilder};
use std::collections::BTreeSet;

#[derive(FromRow)]
struct TransferRow {
    id: String,
    debit_account: String,
    credit_account: String,
    amount: i64,
    phase: String,
    pending_id: Option<String>,
}

#[derive(FromRow)]
struct AccountRow {
    code: String,
    debits_posted: i64,
    credits_posted: i64,
    debits_pending: i64,
    credits_pending: i64,
}

pub fn id_text(id: u128) -> String {
    format!("{id:032x}")
}

fn from_row(r: TransferRow) -> anyhow::Result<Transfer> {
    let account =
        |c: &str| Account::parse(c).ok_or_else(|| anyhow::anyhow!("unknown account {c:?}"));
    let pending = r
        .pending_id
        .as_deref()
        .map(|p| u128::from_str_radix(p, 16))
        .transpose()?;
    let phase = match (r.phase.as_str(), pending) {
        ("single", None) => Phase::Single,
        ("pending", None) => Phase::Pending,
        ("post", Some(p)) => Phase::Post(p),
        ("void", Some(p)) => Phase::Void(p),
        _ => anyhow::bail!("transfer {} has an impossible phase", r.id),
    };
    Ok(Transfer {
        id: u128::from_str_radix(&r.id, 16)?,
        debit: account(&r.debit_account)?,
        credit: account(&r.credit_account)?,
        amount: r.amount,
        phase,
        linked: false,
    })
}

fn balance_of(r: &AccountRow) -> Balance {
    Balance {
        debits_posted: r.debits_posted,
        credits_posted: r.credits_posted,
        debits_pending: r.debits_pending,
        credits_pending: r.credits_pending,
    }
}

const TRANSFER_COLUMNS: &str =
    "SELECT id, debit_account, credit_account, amount, phase, pending_id FROM ledger_transfers";
const ACCOUNT_COLUMNS: &str =
    "SELECT code, debits_posted, credits_posted, debits_pending, credits_pending FROM ledger_accounts";

/// Applies a batch in its own transaction. Each result is `Ok` or why that transfer was
/// refused (`Exists` for a retry of one already applied). Refused transfers and failed linked
/// chains change nothing. `now` stamps the transfers.
pub async fn apply(
    db: &Db,
    batch: &[Transfer],
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Result<(), Refusal>>> {
    let mut tx = db.begin_write().await?;
    let results = apply_transfers(&mut tx, batch, actor, now).await?;
    tx.commit().await?;
    Ok(results)
}

/// Opens an account (code, whether it has the no-overdraft limit) if it is not there yet.
/// Donors and donations open theirs when they are created, so a payment finds them.
pub(crate) const OPEN_ACCOUNT: &str =
    "INSERT INTO ledger_accounts (code, no_overdraft) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING";

/// Reads (and, with `for_update`, locks) these accounts in code order.
fn lock_accounts<'a, DB>(codes: &'a [String], for_update: &str) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a String: sqlx::Encode<'a, DB> + sqlx::Type<DB> + Send,
{
    in_list(
        &format!("{ACCOUNT_COLUMNS} WHERE code IN ("),
        codes,
        &format!(") ORDER BY code{for_update}"),
    )
}

/// Applies `batch` inside the caller's transaction, so that a payment or a donation moves
/// money in the same commit as the worker-months it pays for; the caller commits. Locks the
/// limited accounts the batch touches until that commit. `now` stamps the transfers, and
/// `actor` is written on each (`ledger_transfers.actor`).
pub(crate) async fn apply_transfers(
    tx: &mut Tx,
    batch: &[Transfer],
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Result<(), Refusal>>> {
    apply_batch(tx, batch, false, actor, now).await
}

/// Like [`apply_transfers`], for transfers whose ids are made from records this transaction
/// created or locked in a state that proves the transfer is not yet there (a new payment's
/// id; a donation locked while still unfunded). Skips looking them up; the unique transfer
/// id still refuses a repeat, failing the whole transaction.
pub(crate) async fn apply_new_transfers(
    tx: &mut Tx,
    batch: &[Transfer],
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Result<(), Refusal>>> {
    apply_batch(tx, batch, true, actor, now).await
}

async fn apply_batch(
    tx: &mut Tx,
    batch: &[Transfer],
    new: bool,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Result<(), Refusal>>> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut accounts: BTreeSet<Account> = BTreeSet::new();
    let mut settles = false;
    for t in batch {
        ids.insert(id_text(t.id));
        if let Phase::Post(p) | Phase::Void(p) = t.phase {
            ids.insert(id_text(p));
            settles = true;
        }
        accounts.insert(t.debit.clone());
        accounts.insert(t.credit.clone());
    }
    let ids: Vec<String> = ids.into_iter().collect();
    // Only accounts with a limit are read, locked and cached; see the module.
    let limited: Vec<String> = accounts
        .iter()
        .filter(|a| a.debits_must_not_exceed_credits())
        .map(Account::code)
        .collect();
    // Lock the limited accounts, always in code order so two writers never wait on each
    // other in a circle (PostgreSQL; SQLite has one writer at a time). The unlimited ones
    // (bank clearing, payables, refunds) exist from the migration on and are neither read
    // nor locked.
    let for_update = tx.for_update();
    let mut balances: Vec<AccountRow> = if limited.is_empty() {
        Vec::new()
    } else {
        on_tx!(tx, |c| lock_accounts(&limited, for_update)
            .build_query_as()
            .fetch_all(c)
            .await)?
    };
    let missing: Vec<String> = limited
        .iter()
        .filter(|c| !balances.iter().any(|b| &b.code == *c))
        .cloned()
        .collect();
    if !missing.is_empty() {
        // A new account: our insert holds it until commit. One that another writer created
        // meanwhile is locked and read like the others.
        let created: Vec<String> = on_tx!(tx, |c| open_accounts(&missing)
            .build_query_scalar()
            .fetch_all(c)
            .await)?;
        let raced: Vec<String> = missing
            .into_iter()
            .filter(|c| !created.contains(c))
            .collect();
        if !raced.is_empty() {
            let more: Vec<AccountRow> = on_tx!(tx, |c| lock_accounts(&raced, for_update)
                .build_query_as()
                .fetch_all(c)
                .await)?;
            balances.extend(more);
        }
    }
    let known: Vec<TransferRow> = if new && !settles {
        Vec::new()
    } else {
        let head = format!("{TRANSFER_COLUMNS} WHERE id IN (");
        on_tx!(tx, |c| in_list(&head, &ids, ")")
            .build_query_as()
            .fetch_all(c)
            .await)?
    };
    let settled: Vec<String> = if settles || known.iter().any(|t| t.phase == "pending") {
        let head = "SELECT pending_id FROM ledger_transfers WHERE pending_id IN (";
        on_tx!(tx, |c| in_list(head, &ids, ")")
            .build_query_scalar()
            .fetch_all(c)
            .await)?
    } else {
        Vec::new()
    };

    let open: Vec<u128> = known
        .iter()
        .filter(|t| t.phase == "pending" && !settled.contains(&t.id))
        .filter_map(|t| u128::from_str_radix(&t.id, 16).ok())
        .collect();
    let known: Vec<Transfer> = known
        .into_iter()
        .map(from_row)
        .collect::<anyhow::Result<_>>()?;
    let balances: Vec<(Account, Balance)> = balances
        .iter()
        .filter_map(|r| Account::parse(&r.code).map(|a| (a, balance_of(r))))
        .collect();
    let before: Vec<(Account, Balance)> = balances.clone();
    let mut model = Ledger::from_state(balances, known, open);
    let results = model.apply(batch);
    if results.iter().all(|r| r.is_err()) {
        return Ok(results);
    }
    let accepted: Vec<&Transfer> = batch
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_ok())
        .map(|(t, _)| t)
        .collect();
    let actor = actor.text();
    on_tx!(tx, |c| insert_transfers(&accepted, &actor, now)
        .build()
        .execute(c)
        .await
        .map(|_| ()))?;
    let changed: Vec<(String, Balance)> = accounts
        .iter()
        .filter(|a| a.debits_must_not_exceed_credits())
        .map(|a| (a, model.balance(a)))
        .filter(|(a, b)| !before.iter().any(|(x, was)| x == *a && was == b))
        .map(|(a, b)| (a.code(), b))
        .collect();
    if !changed.is_empty() {
        on_tx!(tx, |c| write_balances(&changed)
            .build()
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(results)
}

/// Opens the limited accounts `codes`, skipping those another writer opened meanwhile;
/// returns the codes it opened.
fn open_accounts<'a, DB>(codes: &'a [String]) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new("INSERT INTO ledger_accounts (code, no_overdraft) ");
    qb.push_values(codes, |mut b, c| {
        b.push_bind(c.clone()).push_bind(true);
    });
    qb.push(" ON CONFLICT (code) DO NOTHING RETURNING code");
    qb
}

/// Appends the accepted transfers, stamped `now` and `actor`.
fn insert_transfers<'a, DB>(
    accepted: &[&Transfer],
    actor: &str,
    now: DateTime<Utc>,
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'static str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(
        "INSERT INTO ledger_transfers (id, debit_account, credit_account, amount, phase, pending_id, created_at, actor) ",
    );
    qb.push_values(accepted, |mut b, t| {
        let (phase, pending) = match t.phase {
            Phase::Single => ("single", None),
            Phase::Pending => ("pending", None),
            Phase::Post(p) => ("post", Some(id_text(p))),
            Phase::Void(p) => ("void", Some(id_text(p))),
        };
        b.push_bind(id_text(t.id))
            .push_bind(t.debit.code())
            .push_bind(t.credit.code())
            .push_bind(t.amount)
            .push_bind(phase)
            .push_bind(pending)
            .push_bind(now)
            .push_bind(actor.to_string());
    });
    qb
}

/// Every changed balance in one statement.
fn write_balances<'a, DB>(changed: &'a [(String, Balance)]) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(
        "UPDATE ledger_accounts SET debits_posted = v.dp, credits_posted = v.cp,
         debits_pending = v.dpe, credits_pending = v.cpe FROM (",
    );
    for (i, (code, b)) in changed.iter().enumerate() {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push("SELECT CAST(")
            .push_bind(code)
            .push(" AS TEXT) AS code, CAST(")
            .push_bind(b.debits_posted)
            .push(" AS BIGINT) AS dp, CAST(")
            .push_bind(b.credits_posted)
            .push(" AS BIGINT) AS cp, CAST(")
            .push_bind(b.debits_pending)
            .push(" AS BIGINT) AS dpe, CAST(")
            .push_bind(b.credits_pending)
            .push(" AS BIGINT) AS cpe");
    }
    qb.push(") AS v WHERE ledger_accounts.code = v.code");
    qb
}

/// An account's posted (credits, debits), read by [`net_of`]: the balance a donor's credit
/// shows.
/// One transfer that moved an account: (seq, id, debit account, credit account, amount,
/// when).
pub type Movement = (i64, u128, String, String, i64, DateTime<Utc>);

/// The latest `limit` transfers that moved `account` (posted ones: single and post), newest
/// first, skipping the newest `offset`.
pub async fn movements(
    db: &Db,
    account: &Account,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<Movement>> {
    let code = account.code();
    // Two index range scans (debit side, credit side), merged: a transfer never has the same
    // account on both sides.
    let rows: Vec<(i64, String, String, String, i64, DateTime<Utc>)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT seq, id, debit_account, credit_account, amount, created_at FROM (
                 SELECT seq, id, debit_account, credit_account, amount, created_at
                 FROM ledger_transfers WHERE debit_account = $1 AND phase IN ('single', 'post')
                 UNION ALL
                 SELECT seq, id, debit_account, credit_account, amount, created_at
                 FROM ledger_transfers WHERE credit_account = $1 AND phase IN ('single', 'post')
             ) t ORDER BY seq DESC LIMIT $2 OFFSET $3",
        )
        .bind(&code)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter()
        .map(|(seq, id, debit, credit, amount, at)| {
            Ok((
                seq,
                u128::from_str_radix(&id, 16)?,
                debit,
                credit,
                amount,
                at,
            ))
        })
        .collect()
}

pub(crate) const NET_POSTED: &str =
    "SELECT credits_posted, debits_posted FROM ledger_accounts WHERE code = $1";

/// The posted balance (credits − debits) of a [`NET_POSTED`] row; 0 for an account that has
/// never moved.
pub(crate) fn net_of(row: Option<(i64, i64)>) -> i64 {
    row.map(|(credits_posted, debits_posted)| {
        Balance {
            credits_posted,
            debits_posted,
            ..Balance::default()
        }
        .net_posted()
    })
    .unwrap_or(0)
}

/// The result of `lingkaran ledger check`.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub transfers: usize,
    pub accounts: usize,
    pub violations: Vec<String>,
}

/// Replays every transfer, in the order applied, through the rule book and compares each
/// stored balance with the replay; then checks the invariants. Reads everything: an audit,
/// not a hot path.
pub async fn check(db: &Db) -> anyhow::Result<CheckReport> {
    let sql = format!("{TRANSFER_COLUMNS} ORDER BY seq");
    let rows: Vec<TransferRow> = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    let stored: Vec<AccountRow> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT code, debits_posted, credits_posted, debits_pending, credits_pending FROM ledger_accounts ORDER BY code"
    )
    .fetch_all(pool)
    .await
    })?;
    let mut report = CheckReport {
        transfers: rows.len(),
        accounts: stored.len(),
        ..CheckReport::default()
    };
    let mut replay = Ledger::default();
    for r in rows {
        let id = r.id.clone();
        let t = from_row(r)?;
        if let Some(Err(e)) = replay.apply(&[t]).into_iter().next() {
            report
                .violations
                .push(format!("transfer {id} breaks the rules on replay: {e:?}"));
        }
    }
    report.violations.extend(replay.check());
    // Limited accounts: the cached balance must be what the transfers add up to. Unlimited
    // ones are never cached, so anything but zeros there was written by someone else.
    // In i128: a wrapped or out-of-bound total is reported, never hidden by wrapping back.
    let mut sum = 0i128;
    for r in &stored {
        let Some(a) = Account::parse(&r.code) else {
            report
                .violations
                .push(format!("unknown account {}", r.code));
            continue;
        };
        let want = replay.balance(&a);
        let (cached, expected) = if a.debits_must_not_exceed_credits() {
            (balance_of(r), want)
        } else {
            (balance_of(r), Balance::default())
        };
        sum += if a.debits_must_not_exceed_credits() {
            cached.net_posted_wide()
        } else {
            want.net_posted_wide()
        };
        if cached != expected {
            report.violations.push(format!(
                "account {} holds {:?} but its transfers add up to {:?}",
                r.code, cached, want
            ));
        }
    }
    if sum != 0 {
        report
            .violations
            .push(format!("balances do not sum to zero: {sum}"));
    }
    report.violations.extend(money_trail(db).await?);
    // The regions' monthly totals are kept by triggers; a drift from their rule shows here.
    report.violations.extend(super::totals::verify(db).await?);
    Ok(report)
}

/// The invariants between the ledger and the records it pays for: every funded worker-month
/// (with the months stopped when a worker died or left) is backed by exactly its
/// contribution in its donation's escrow, no donation that is not
/// funded has funded months, and every rupiah received is one payment cleared from the bank.
async fn money_trail(db: &Db) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let backing: Vec<(i64, String, i64, i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT d.id, d.status, d.funded_total,
                CAST(COALESCE((SELECT SUM(m.jkk + m.jkm) FROM worker_months m WHERE m.donation_id = d.id), 0)
                   + COALESCE((SELECT SUM(s.jkk + s.jkm) FROM stopped_months s WHERE s.donation_id = d.id), 0) AS BIGINT),
                CAST(COALESCE(a.credits_posted, 0) AS BIGINT)
         FROM donations d LEFT JOIN ledger_accounts a ON a.code = 'escrow:' || CAST(d.id AS TEXT)
         WHERE d.status = 'funded' OR a.credits_posted > 0
         ORDER BY d.id",
        )
        .fetch_all(pool)
        .await
    })?;
    for (id, status, funded_total, months, escrow_in) in backing {
        if DonationStatus::parse(&status) != Some(DonationStatus::Funded) {
            out.push(format!(
                "donation {id} is {status} but its escrow received {escrow_in}"
            ));
            continue;
        }
        if months != funded_total || escrow_in != funded_total {
            out.push(format!(
                "donation {id}: funded worker-months cost {months}, the donation says {funded_total}, its escrow received {escrow_in}"
            ));
        }
    }
    // The two bulk tables carry no foreign keys (see the migration): find rows that point
    // nowhere.
    let orphans: (i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT
               CAST((SELECT COUNT(*) FROM worker_months m WHERE NOT EXISTS (SELECT 1 FROM donations d WHERE d.id = m.donation_id)
                       OR NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = m.worker_id)) AS BIGINT),
               CAST((SELECT COUNT(*) FROM donation_workers x WHERE NOT EXISTS (SELECT 1 FROM donations d WHERE d.id = x.donation_id)
                       OR NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = x.worker_id)) AS BIGINT)",
        )
        .fetch_one(pool)
        .await
    })?;
    if orphans.0 > 0 {
        out.push(format!(
            "{} worker-months name a donation or worker that does not exist",
            orphans.0
        ));
    }
    if orphans.1 > 0 {
        out.push(format!(
            "{} chosen workers name a donation or worker that does not exist",
            orphans.1
        ));
    }
    // How far each worker is taken must be exactly their last held or funded month: lower
    // would offer them twice (the primary key would still refuse), higher would never offer
    // them again.
    let (low, high): (i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN w.taken_through < t.last THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN w.taken_through > t.last THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM workers w
             JOIN (SELECT x.id, COALESCE((SELECT MAX(m.month) FROM worker_months m WHERE m.worker_id = x.id), 0) AS last
                   FROM workers x) t ON t.id = w.id",
        )
        .fetch_one(pool)
        .await
    })?;
    if low > 0 {
        out.push(format!(
            "{low} workers are marked taken through an earlier month than they are"
        ));
    }
    if high > 0 {
        out.push(format!(
            "{high} workers are marked taken through a later month than they are, and would not be offered"
        ));
    }
    let (paid, cleared): (i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COALESCE((SELECT SUM(amount) FROM payments), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(amount) FROM ledger_transfers
                               WHERE debit_account = 'bank_clearing' AND phase IN ('single', 'post')), 0) AS BIGINT)"
    )
    .fetch_one(pool)
    .await
    })?;
    if paid != cleared {
        out.push(format!(
            "payments received add up to {paid} but the bank clearing account released {cleared}"
        ));
    }
    Ok(out)
}

/// The money the public page shows, in rupiah: received from donors (every payment cleared
/// from the bank), remitted to BPJS Ketenagakerjaan (less what came back for rejected
/// months), and refunded to donors.
pub async fn public_money(db: &Db) -> anyhow::Result<(i64, i64, i64)> {
    Ok(on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COALESCE((SELECT SUM(amount) FROM payments), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(CASE WHEN credit_account = 'remitted' THEN amount ELSE -amount END)
                               FROM ledger_transfers
                               WHERE (credit_account = 'remitted' OR debit_account = 'remitted')
                                 AND phase IN ('single', 'post')), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(amount) FROM ledger_transfers
                               WHERE credit_account = 'refunds' AND phase IN ('single', 'post')), 0) AS BIGINT)"
    )
    .fetch_one(pool)
    .await
    })?)
}
