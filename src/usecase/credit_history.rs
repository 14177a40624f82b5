//! A donor's credit, line by line (issue 14 §1): every transfer into or out of the donor's
//! credit account in the ledger (payments in, donations paid, months refused by BPJS or
//! stopped and returned, price differences returned, refunds to the bank), each with its
//! reason in words read from the transfer's own key (`TransferKey::decode`), and the balance
//! after it. The newest first; the balances walk back from the account's posted balance, so
//! a page of lines needs no read of the older ones.

use super::account::sees_account;
use super::{Ctx, Error};
use crate::db::{donors, ledger, payments};
use chrono::{DateTime, Utc};
use lingkaran_domain::ledger::{Account, TransferKey};

/// Lines a page shows at most.
pub const PAGE: i64 = 200;

/// One movement of the credit.
#[derive(Debug, Clone)]
pub struct CreditLine {
    pub at: DateTime<Utc>,
    pub reason: String,
    pub reason_en: String,
    /// The key, when the id decodes: which payment, donation or month it was.
    pub key: Option<TransferKey>,
    /// Into the credit (positive) or out of it (negative).
    pub change: i64,
    /// The credit after this line.
    pub balance: i64,
}

pub struct CreditHistory {
    pub donor_id: i64,
    /// The credit now.
    pub balance: i64,
    /// The newest first.
    pub lines: Vec<CreditLine>,
}

/// The donor's credit history, `limit` lines (at most 1,000) after the newest `offset`, for
/// whoever sees the donor's account in full.
pub async fn of_donor(
    ctx: Ctx<'_>,
    donor_id: i64,
    limit: i64,
    offset: i64,
) -> Result<CreditHistory, Error> {
    let donor = donors::get(ctx.db, donor_id)
        .await?
        .ok_or(Error::NotFound("Donatur"))?;
    if ctx.actor.role == crate::auth::Role::Donor && donor.user_id != Some(ctx.actor.user_id) {
        return Err(Error::NotFound("Donatur"));
    }
    if !sees_account(ctx, &donor).await? {
        return Err(Error::Forbidden);
    }
    let limit = limit.clamp(1, 1000);
    let offset = offset.clamp(0, i64::from(i32::MAX));
    let account = Account::DonorCredit(donor_id);
    let code = account.code();
    let balance = payments::credit_of(ctx.db, donor_id).await?;
    // The balance after the newest line shown: today's, less what the newer lines skipped
    // moved.
    let mut after = balance;
    if offset > 0 {
        for (_, _, debit, _, amount, _) in ledger::movements(ctx.db, &account, offset, 0).await? {
            after += if debit == code { amount } else { -amount };
        }
    }
    let mut lines = Vec::new();
    for (_, id, debit, _, amount, at) in ledger::movements(ctx.db, &account, limit, offset).await? {
        let change = if debit == code { -amount } else { amount };
        let key = TransferKey::decode(id);
        let (reason, reason_en) = match key {
            Some(k) => (k.credit_reason("id"), k.credit_reason("en")),
            None => ("Perpindahan dana".into(), "Transfer".into()),
        };
        lines.push(CreditLine {
            at,
            reason,
            reason_en,
            key,
            change,
            balance: after,
        });
        after -= change;
    }
    Ok(CreditHistory {
        donor_id,
        balance,
        lines,
    })
}
