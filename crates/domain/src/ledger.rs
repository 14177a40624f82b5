//! The money rules of the ledger, after TigerBeetle (style.md): append-only double entry,
//! caller-chosen transfer ids that are idempotency keys, two-phase (pending → posted or
//! voided) transfers for holds, linked transfers that succeed or fail together, and balance
//! limits that the ledger itself enforces.
//!
//! This module is the rule book, pure and in memory; the store applies the same rules in its
//! transactions, and `ledger check` re-derives every balance from the transfers with it.

use crate::money::Rupiah;
use crate::programme::{self, Programme};
use crate::rates::Month;
use std::collections::HashMap;

/// What an account holds; the kind decides its balance limit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// Money received at the bank, not yet assigned. Debited when a payment is booked.
    BankClearing,
    /// A donor's unspent money (overpayments, remainders). Never negative.
    DonorCredit(i64),
    /// A donation's contributions not yet due. Never negative.
    Escrow(i64),
    /// Contributions owed to BPJS Ketenagakerjaan, per programme.
    PayableJkk,
    PayableJkm,
    /// Money returned to donors.
    Refunds,
    /// Contributions sent to BPJS Ketenagakerjaan (the remittance paid out).
    Remitted,
    /// Money of stopped months (a worker died or left) whose donor chose to leave it to the
    /// programme rather than take it back as credit. Never negative.
    ProgrammePool,
}

impl Account {
    /// The account's code in the store: `bank_clearing`, `donor_credit:12`, `escrow:7`, …
    pub fn code(&self) -> String {
        match self {
            Account::BankClearing => "bank_clearing".into(),
            Account::DonorCredit(id) => format!("donor_credit:{id}"),
            Account::Escrow(id) => format!("escrow:{id}"),
            Account::PayableJkk => "payable_jkk".into(),
            Account::PayableJkm => "payable_jkm".into(),
            Account::Refunds => "refunds".into(),
            Account::Remitted => "remitted".into(),
            Account::ProgrammePool => "programme_pool".into(),
        }
    }

    pub fn parse(code: &str) -> Option<Account> {
        match code.split_once(':') {
            Some(("donor_credit", id)) => id.parse().ok().map(Account::DonorCredit),
            Some(("escrow", id)) => id.parse().ok().map(Account::Escrow),
            Some(_) => None,
            None => match code {
                "bank_clearing" => Some(Account::BankClearing),
                "payable_jkk" => Some(Account::PayableJkk),
                "payable_jkm" => Some(Account::PayableJkm),
                "refunds" => Some(Account::Refunds),
                "remitted" => Some(Account::Remitted),
                "programme_pool" => Some(Account::ProgrammePool),
                _ => None,
            },
        }
    }

    /// Accounts that hold someone's money: their debits may never exceed their credits.
    pub fn debits_must_not_exceed_credits(&self) -> bool {
        matches!(
            self,
            Account::DonorCredit(_) | Account::Escrow(_) | Account::ProgrammePool
        )
    }
}

/// What a transfer is for. With the record it belongs to, it makes the transfer's id, so the
/// same event (a callback delivered ten times, a retried allocation) always proposes the same
/// id and the ledger applies it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Purpose {
    /// Money received (payment id): bank clearing → donor credit.
    PaymentIn = 1,
    /// A donation's worker-months paid for (donation id): donor credit → escrow.
    Fund = 2,
    /// Credit returned to a donor (refund id): donor credit → refunds.
    Refund = 3,
    /// A month's JKK of one donation falls due (donation and month): escrow → JKK payable.
    RemitJkk = 4,
    /// The same for JKM: escrow → JKM payable.
    RemitJkm = 5,
    /// A month's remittance of one programme paid to BPJS (month, programme): payable → remitted.
    PayBpjs = 6,
    /// The insurer rejected a worker-month (worker, month, programme): its contribution comes
    /// back, remitted → the donor's credit.
    Rejected = 7,
    /// A future month stopped because the worker died or left (stop and month): escrow → the
    /// donor's credit or the programme pool.
    Stopped = 8,
    /// A month funded above the price due when it is remitted (a relief that came after the
    /// money, donation and month): the difference, escrow → the donor's credit.
    Repriced = 9,
}

/// The transfer id of `purpose` for record `id`: the purpose in the high 64 bits, the record
/// in the low 64. Callers name an event with [`TransferKey`]; this is its encoding.
fn transfer_id(purpose: Purpose, id: u128) -> u128 {
    ((purpose as u128) << 64) | (id & u128::from(u64::MAX))
}

/// The event a transfer records. Its [`TransferKey::id`] is the transfer's id, and so its
/// idempotency key: the same event always proposes the same id, and the ledger applies it
/// once. The one place where ids are made: nobody packs a key by hand.
///
/// The encodings are those the store already holds, so existing transfers keep their ids.
/// Records and months share the low 64 bits: a month (`yyyymm`, years of four digits) takes
/// 20 bits, so a donation, worker or stop id below 2^43 (8.8 × 10^12) fits with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKey {
    /// Money received (payment): bank clearing → donor credit.
    PaymentIn { payment: i64 },
    /// A donation's worker-months paid for: donor credit → escrow.
    Fund { donation: i64 },
    /// Credit returned to a donor (refund): donor credit → refunds.
    Refund { refund: i64 },
    /// A month's contribution of one donation falls due: escrow → the programme's payable.
    Remit {
        donation: i64,
        month: Month,
        programme: Programme,
    },
    /// A month's remittance of one programme and batch paid to BPJS: payable → remitted.
    /// Batch 1 keeps the id it had before batches existed.
    PayBpjs {
        month: Month,
        programme: Programme,
        batch: i64,
    },
    /// The insurer rejected a worker-month of a programme: remitted → the donor's credit.
    Rejected {
        worker: i64,
        month: Month,
        programme: Programme,
    },
    /// A future month stopped (the worker died or left): escrow → credit or the pool.
    Stopped { stop: i64, month: Month },
    /// A donation's month funded above the price due when it is remitted: the difference,
    /// escrow → the donor's credit.
    Repriced { donation: i64, month: Month },
}

impl TransferKey {
    pub fn id(self) -> u128 {
        // Record ids are positive; `as u64` keeps the bits the store has always used.
        let n = |id: i64| u128::from(id as u64);
        let ym = |m: Month| u128::from(m.yyyymm() as u64);
        match self {
            TransferKey::PaymentIn { payment } => transfer_id(Purpose::PaymentIn, n(payment)),
            TransferKey::Fund { donation } => transfer_id(Purpose::Fund, n(donation)),
            TransferKey::Refund { refund } => transfer_id(Purpose::Refund, n(refund)),
            TransferKey::Remit {
                donation,
                month,
                programme,
            } => {
                let purpose = match programme {
                    Programme::Jkk => Purpose::RemitJkk,
                    Programme::Jkm => Purpose::RemitJkm,
                };
                transfer_id(purpose, (n(donation) << 20) | ym(month))
            }
            TransferKey::PayBpjs {
                month,
                programme,
                batch,
            } => transfer_id(
                Purpose::PayBpjs,
                (n(batch.saturating_sub(1)) << 32) | (ym(month) * 10 + programme::key(programme)),
            ),
            TransferKey::Rejected {
                worker,
                month,
                programme,
            } => transfer_id(
                Purpose::Rejected,
                ((n(worker) << 20) | ym(month)) * 2 + u128::from(programme == Programme::Jkm),
            ),
            TransferKey::Stopped { stop, month } => {
                transfer_id(Purpose::Stopped, (n(stop) << 20) | ym(month))
            }
            TransferKey::Repriced { donation, month } => {
                transfer_id(Purpose::Repriced, (n(donation) << 20) | ym(month))
            }
        }
    }
}

impl TransferKey {
    /// The event a transfer id records: [`TransferKey::id`] read backwards, so that a
    /// donor's credit history says why each line moved from the ledger's own transfers.
    /// `None` for an id no key makes.
    pub fn decode(id: u128) -> Option<TransferKey> {
        let purpose = id >> 64;
        let low = id & u128::from(u64::MAX);
        let record = |v: u128| i64::try_from(v).ok().filter(|n| *n > 0);
        let month = |v: u128| Month::from_yyyymm(i64::try_from(v & 0xF_FFFF).ok()?);
        let key = match purpose {
            1 => TransferKey::PaymentIn {
                payment: record(low)?,
            },
            2 => TransferKey::Fund {
                donation: record(low)?,
            },
            3 => TransferKey::Refund {
                refund: record(low)?,
            },
            4 | 5 => TransferKey::Remit {
                donation: record(low >> 20)?,
                month: month(low)?,
                programme: if purpose == 4 {
                    Programme::Jkk
                } else {
                    Programme::Jkm
                },
            },
            6 => {
                let packed = low & u128::from(u32::MAX);
                TransferKey::PayBpjs {
                    month: Month::from_yyyymm(i64::try_from(packed / 10).ok()?)?,
                    programme: match packed % 10 {
                        1 => Programme::Jkk,
                        2 => Programme::Jkm,
                        _ => return None,
                    },
                    batch: i64::try_from(low >> 32).ok()?.checked_add(1)?,
                }
            }
            7 => TransferKey::Rejected {
                worker: record((low / 2) >> 20)?,
                month: month(low / 2)?,
                programme: if low % 2 == 1 {
                    Programme::Jkm
                } else {
                    Programme::Jkk
                },
            },
            8 => TransferKey::Stopped {
                stop: record(low >> 20)?,
                month: month(low)?,
            },
            9 => TransferKey::Repriced {
                donation: record(low >> 20)?,
                month: month(low)?,
            },
            _ => return None,
        };
        // Only an id the key itself makes: no stray bits.
        (key.id() == id).then_some(key)
    }

    /// Why a donor's credit moved, in words a donor reads (no worker is named).
    pub fn credit_reason(self, lang: &str) -> String {
        let en = lang == "en";
        let m = |m: Month| crate::format::month(m, lang);
        match self {
            TransferKey::PaymentIn { payment } if en => format!("Payment received (#{payment})"),
            TransferKey::PaymentIn { payment } => format!("Pembayaran diterima (#{payment})"),
            TransferKey::Fund { donation } if en => format!("Paid for donation #{donation}"),
            TransferKey::Fund { donation } => format!("Membayar donasi #{donation}"),
            TransferKey::Refund { .. } if en => "Returned to your bank account".into(),
            TransferKey::Refund { .. } => "Dikembalikan ke rekening Anda".into(),
            TransferKey::Rejected {
                month, programme, ..
            } if en => format!(
                "A worker's {programme} for {} refused by BPJS, returned",
                m(month)
            ),
            TransferKey::Rejected {
                month, programme, ..
            } => format!(
                "Iuran {programme} seorang pekerja bulan {} ditolak BPJS, dikembalikan",
                m(month)
            ),
            TransferKey::Stopped { month, .. } if en => format!(
                "{}: a worker died or left, the month stopped and returned",
                m(month)
            ),
            TransferKey::Stopped { month, .. } => format!(
                "Bulan {}: pekerja meninggal atau keluar, bulannya dihentikan dan dikembalikan",
                m(month)
            ),
            TransferKey::Repriced { donation, month } if en => format!(
                "Donation #{donation}, {}: the contribution cost less when sent (relief), the difference returned",
                m(month)
            ),
            TransferKey::Repriced { donation, month } => format!(
                "Donasi #{donation}, {}: iuran lebih murah saat disetor (keringanan), selisihnya dikembalikan",
                m(month)
            ),
            // These never touch a donor's credit; said plainly all the same.
            TransferKey::Remit { donation, month, .. } if en => {
                format!("Donation #{donation}, {}: sent to BPJS", m(month))
            }
            TransferKey::Remit { donation, month, .. } => {
                format!("Donasi #{donation}, {}: disetor ke BPJS", m(month))
            }
            TransferKey::PayBpjs { month, .. } if en => format!("{}: paid to BPJS", m(month)),
            TransferKey::PayBpjs { month, .. } => format!("{}: dibayar ke BPJS", m(month)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    pub debits_posted: i64,
    pub credits_posted: i64,
    pub debits_pending: i64,
    pub credits_pending: i64,
}

impl Balance {
    /// Credits minus debits, posted only. Saturates rather than wraps: the ledger refuses any
    /// transfer that would take a total past the bound, so only a corrupted store can reach
    /// the edges, and [`Balance::net_posted_wide`] is what audits use.
    pub fn net_posted(&self) -> i64 {
        self.credits_posted.saturating_sub(self.debits_posted)
    }

    /// Credits minus debits, posted only, in `i128`: never wraps, whatever the fields hold.
    pub fn net_posted_wide(&self) -> i128 {
        i128::from(self.credits_posted) - i128::from(self.debits_posted)
    }
}

/// `a + b` if the result stays within ±[`Rupiah::MAX`], else the refusal `why`.
fn add(a: i64, b: i64, why: Refusal) -> Result<i64, Refusal> {
    a.checked_add(b)
        .filter(|v| v.unsigned_abs() <= Rupiah::MAX.get().unsigned_abs())
        .ok_or(why)
}

/// `a - b` for pending totals being released; a result below zero means the stored state is
/// already wrong, and is refused like an overflow rather than written.
fn release(a: i64, b: i64, why: Refusal) -> Result<i64, Refusal> {
    a.checked_sub(b).filter(|v| *v >= 0).ok_or(why)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Moves money now.
    Single,
    /// Reserves money (a hold) until posted or voided.
    Pending,
    /// Completes the pending transfer with this id (for its full amount).
    Post(u128),
    /// Releases the pending transfer with this id.
    Void(u128),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// Chosen by the caller: the same id twice is the same transfer.
    pub id: u128,
    pub debit: Account,
    pub credit: Account,
    pub amount: i64,
    pub phase: Phase,
    /// Linked to the next transfer of the batch: the chain succeeds or fails as one.
    pub linked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Already applied with the same fields: nothing to do (idempotent retry).
    Exists,
    /// The id was used for a different transfer.
    ExistsWithDifferentFields,
    AmountMustBePositive,
    /// Above [`Rupiah::MAX`]: no single movement of money is that large.
    AmountExceedsLimit,
    SameAccount,
    /// A `DonorCredit` or `Escrow` account would go below zero.
    ExceedsCredits,
    PendingNotFound,
    PendingAlreadyDone,
    /// A post or void must name the pending transfer's own accounts and amount.
    PendingMismatch,
    /// Another transfer of its linked chain failed.
    LinkedEventFailed,
    /// The batch ended inside a linked chain.
    LinkedChainOpen,
    /// A balance would leave `i64` or the bound of [`Rupiah::MAX`] (after TigerBeetle's
    /// `overflows_*`): refused rather than wrapped, so no balance can turn into money that never
    /// existed.
    OverflowsDebitsPending,
    OverflowsCreditsPending,
    OverflowsDebitsPosted,
    OverflowsCreditsPosted,
    /// Posted plus pending debits (or credits) would leave the bound.
    OverflowsDebits,
    OverflowsCredits,
}

#[derive(Debug, Default, Clone)]
pub struct Ledger {
    balances: HashMap<Account, Balance>,
    transfers: HashMap<u128, Transfer>,
    /// Pending transfer id → still open?
    open: HashMap<u128, bool>,
}

impl Ledger {
    /// A ledger holding part of the stored state: the balances of the accounts a batch
    /// touches, the transfers it refers to (by id, or as the pending transfer it posts or
    /// voids) and which of those pending transfers are still open.
    pub fn from_state(
        balances: impl IntoIterator<Item = (Account, Balance)>,
        transfers: impl IntoIterator<Item = Transfer>,
        open_pending: impl IntoIterator<Item = u128>,
    ) -> Ledger {
        let transfers: HashMap<u128, Transfer> = transfers.into_iter().map(|t| (t.id, t)).collect();
        let mut open: HashMap<u128, bool> = transfers
            .values()
            .filter(|t| t.phase == Phase::Pending)
            .map(|t| (t.id, false))
            .collect();
        for id in open_pending {
            open.insert(id, true);
        }
        Ledger {
            balances: balances.into_iter().collect(),
            transfers,
            open,
        }
    }

    /// Ids of the pending transfers still open.
    pub fn is_open(&self, id: u128) -> bool {
        self.open.get(&id) == Some(&true)
    }

    pub fn balance(&self, a: &Account) -> Balance {
        self.balances.get(a).copied().unwrap_or_default()
    }

    pub fn transfers(&self) -> impl Iterator<Item = &Transfer> {
        self.transfers.values()
    }

    /// Applies a batch in order. Each result is `Ok` or the reason it was refused; a refused
    /// transfer changes nothing, and a linked chain is applied whole or not at all.
    /// `Err(Exists)` means a retry of something already applied.
    pub fn apply(&mut self, batch: &[Transfer]) -> Vec<Result<(), Refusal>> {
        let mut results = vec![Ok(()); batch.len()];
        let mut start = 0;
        while start < batch.len() {
            let mut end = start;
            while end < batch.len() && batch[end].linked {
                end += 1;
            }
            if end == batch.len() {
                for r in results.iter_mut().skip(start) {
                    *r = Err(Refusal::LinkedChainOpen);
                }
                break;
            }
            // The chain is batch[start..=end]. Try it on a copy and keep the copy if all pass:
            // simple and obviously atomic, and this model is for rules and tests, not volume.
            let mut trial = self.clone();
            let mut failed = None;
            for (i, t) in batch.iter().enumerate().take(end + 1).skip(start) {
                if let Err(e) = trial.apply_one(t) {
                    failed = Some((i, e));
                    break;
                }
            }
            match failed {
                None => *self = trial,
                Some((at, e)) => {
                    for (i, r) in results.iter_mut().enumerate().take(end + 1).skip(start) {
                        *r = Err(if i == at {
                            e
                        } else {
                            Refusal::LinkedEventFailed
                        });
                    }
                }
            }
            start = end + 1;
        }
        results
    }

    fn apply_one(&mut self, t: &Transfer) -> Result<(), Refusal> {
        if let Some(existing) = self.transfers.get(&t.id) {
            return Err(if existing == t {
                Refusal::Exists
            } else {
                Refusal::ExistsWithDifferentFields
            });
        }
        let (debit, credit, amount, pending) = match t.phase {
            Phase::Single | Phase::Pending => {
                if t.amount <= 0 {
                    return Err(Refusal::AmountMustBePositive);
                }
                if t.amount > Rupiah::MAX.get() {
                    return Err(Refusal::AmountExceedsLimit);
                }
                if t.debit == t.credit {
                    return Err(Refusal::SameAccount);
                }
                (
                    t.debit.clone(),
                    t.credit.clone(),
                    t.amount,
                    t.phase == Phase::Pending,
                )
            }
            Phase::Post(p) | Phase::Void(p) => {
                let Some(orig) = self.transfers.get(&p).cloned() else {
                    return Err(Refusal::PendingNotFound);
                };
                if orig.phase != Phase::Pending {
                    return Err(Refusal::PendingNotFound);
                }
                if self.open.get(&p) != Some(&true) {
                    return Err(Refusal::PendingAlreadyDone);
                }
                if (&orig.debit, &orig.credit, orig.amount) != (&t.debit, &t.credit, t.amount) {
                    return Err(Refusal::PendingMismatch);
                }
                // Release the reservation first. Everything is computed before anything is
                // written, so a refusal leaves the ledger as it was.
                let mut d = self.balance(&orig.debit);
                let mut c = self.balance(&orig.credit);
                d.debits_pending = release(
                    d.debits_pending,
                    orig.amount,
                    Refusal::OverflowsDebitsPending,
                )?;
                c.credits_pending = release(
                    c.credits_pending,
                    orig.amount,
                    Refusal::OverflowsCreditsPending,
                )?;
                if matches!(t.phase, Phase::Void(_)) {
                    self.balances.insert(orig.debit.clone(), d);
                    self.balances.insert(orig.credit.clone(), c);
                    self.open.insert(p, false);
                    self.transfers.insert(t.id, t.clone());
                    return Ok(());
                }
                let (d, c) = Self::posted(&orig.debit, d, c, orig.amount)?;
                self.balances.insert(orig.debit.clone(), d);
                self.balances.insert(orig.credit.clone(), c);
                self.open.insert(p, false);
                self.transfers.insert(t.id, t.clone());
                return Ok(());
            }
        };
        let d = self.balance(&debit);
        let c = self.balance(&credit);
        let (d, c) = Self::moved(&debit, d, c, amount, pending)?;
        self.balances.insert(debit, d);
        self.balances.insert(credit, c);
        if pending {
            self.open.insert(t.id, true);
        }
        self.transfers.insert(t.id, t.clone());
        Ok(())
    }

    /// The two balances after `amount` is posted from the first to the second, or why not.
    fn posted(
        debit: &Account,
        d: Balance,
        c: Balance,
        amount: i64,
    ) -> Result<(Balance, Balance), Refusal> {
        Self::moved(debit, d, c, amount, false)
    }

    /// The two balances after `amount` moves (posted, or reserved when `pending`) from the
    /// first to the second, or why not: every total checked against the bound, and a limited
    /// account kept within its credits.
    fn moved(
        debit: &Account,
        mut d: Balance,
        mut c: Balance,
        amount: i64,
        pending: bool,
    ) -> Result<(Balance, Balance), Refusal> {
        if pending {
            d.debits_pending = add(d.debits_pending, amount, Refusal::OverflowsDebitsPending)?;
            c.credits_pending = add(c.credits_pending, amount, Refusal::OverflowsCreditsPending)?;
        } else {
            d.debits_posted = add(d.debits_posted, amount, Refusal::OverflowsDebitsPosted)?;
            c.credits_posted = add(c.credits_posted, amount, Refusal::OverflowsCreditsPosted)?;
        }
        add(d.debits_posted, d.debits_pending, Refusal::OverflowsDebits)?;
        add(
            c.credits_posted,
            c.credits_pending,
            Refusal::OverflowsCredits,
        )?;
        Self::within_credits(debit, &d)?;
        Ok((d, c))
    }

    /// A limited account's posted and pending debits may not exceed its posted credits.
    fn within_credits(account: &Account, b: &Balance) -> Result<(), Refusal> {
        let debits = i128::from(b.debits_posted) + i128::from(b.debits_pending);
        if account.debits_must_not_exceed_credits() && debits > i128::from(b.credits_posted) {
            return Err(Refusal::ExceedsCredits);
        }
        Ok(())
    }

    /// Every invariant the ledger promises, re-derived; each violation named.
    /// Every total is recomputed in `i128`, so a wrapped or out-of-bound value is reported
    /// rather than hidden by wrapping the same way it was made.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        let sum: i128 = self.balances.values().map(Balance::net_posted_wide).sum();
        if sum != 0 {
            out.push(format!("postings do not sum to zero: {sum}"));
        }
        let bound = i128::from(Rupiah::MAX.get());
        for (a, b) in &self.balances {
            let debits = i128::from(b.debits_posted) + i128::from(b.debits_pending);
            let credits = i128::from(b.credits_posted) + i128::from(b.credits_pending);
            if a.debits_must_not_exceed_credits() && debits > i128::from(b.credits_posted) {
                out.push(format!("{a:?} is below zero"));
            }
            if b.debits_pending < 0
                || b.credits_pending < 0
                || b.debits_posted < 0
                || b.credits_posted < 0
            {
                out.push(format!("{a:?} has a negative total"));
            }
            if debits > bound || credits > bound {
                out.push(format!("{a:?} has a total beyond Rp 10^15"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_from_its_id() {
        let m = Month::parse("2026-11").expect("a month");
        let keys = [
            TransferKey::PaymentIn { payment: 1 },
            TransferKey::PaymentIn {
                payment: 8_000_000_000_000,
            },
            TransferKey::Fund { donation: 7 },
            TransferKey::Refund { refund: 3 },
            TransferKey::Remit {
                donation: 12,
                month: m,
                programme: Programme::Jkm,
            },
            TransferKey::PayBpjs {
                month: m,
                programme: Programme::Jkk,
                batch: 1,
            },
            TransferKey::PayBpjs {
                month: m,
                programme: Programme::Jkm,
                batch: 4,
            },
            TransferKey::Rejected {
                worker: 99,
                month: m,
                programme: Programme::Jkk,
            },
            TransferKey::Rejected {
                worker: 99,
                month: m,
                programme: Programme::Jkm,
            },
            TransferKey::Stopped { stop: 5, month: m },
            TransferKey::Repriced {
                donation: 12,
                month: m,
            },
        ];
        for k in keys {
            assert_eq!(TransferKey::decode(k.id()), Some(k), "{k:?}");
        }
        // Ids no key makes.
        assert_eq!(TransferKey::decode(0), None);
        assert_eq!(TransferKey::decode((42u128 << 64) | 1), None);
        assert_eq!(TransferKey::decode(1u128 << 64), None, "record 0");
        assert_eq!(
            TransferKey::Rejected {
                worker: 99,
                month: m,
                programme: Programme::Jkm
            }
            .credit_reason("id"),
            "Iuran JKM seorang pekerja bulan November 2026 ditolak BPJS, dikembalikan"
        );
    }

    fn t(id: u128, debit: Account, credit: Account, amount: i64) -> Transfer {
        Transfer {
            id,
            debit,
            credit,
            amount,
            phase: Phase::Single,
            linked: false,
        }
    }

    #[test]
    fn a_payment_funds_escrow_and_a_due_month_moves_to_payable() {
        let mut l = Ledger::default();
        let r = l.apply(&[
            Transfer {
                linked: true,
                ..t(1, Account::BankClearing, Account::Escrow(7), 16_800)
            },
            Transfer {
                linked: true,
                ..t(2, Account::Escrow(7), Account::PayableJkk, 10_000)
            },
            t(3, Account::Escrow(7), Account::PayableJkm, 6_800),
        ]);
        assert!(r.iter().all(Result::is_ok), "{r:?}");
        assert_eq!(l.balance(&Account::Escrow(7)).net_posted(), 0);
        assert_eq!(l.balance(&Account::PayableJkm).net_posted(), 6_800);
        assert!(l.check().is_empty());
    }

    #[test]
    fn a_linked_chain_fails_whole_and_escrow_never_goes_negative() {
        let mut l = Ledger::default();
        let r = l.apply(&[
            Transfer {
                linked: true,
                ..t(1, Account::BankClearing, Account::Escrow(1), 10_000)
            },
            t(2, Account::Escrow(1), Account::PayableJkk, 20_000),
        ]);
        assert_eq!(
            r,
            vec![
                Err(Refusal::LinkedEventFailed),
                Err(Refusal::ExceedsCredits)
            ]
        );
        assert_eq!(l.balance(&Account::Escrow(1)), Balance::default());
        assert_eq!(
            l.apply(&[Transfer {
                linked: true,
                ..t(3, Account::BankClearing, Account::Escrow(1), 1)
            }]),
            vec![Err(Refusal::LinkedChainOpen)]
        );
    }

    #[test]
    fn ids_are_idempotency_keys() {
        let mut l = Ledger::default();
        let pay = t(9, Account::BankClearing, Account::DonorCredit(3), 50_000);
        assert_eq!(l.apply(std::slice::from_ref(&pay)), vec![Ok(())]);
        assert_eq!(
            l.apply(std::slice::from_ref(&pay)),
            vec![Err(Refusal::Exists)]
        );
        assert_eq!(
            l.apply(&[Transfer { amount: 1, ..pay }]),
            vec![Err(Refusal::ExistsWithDifferentFields)]
        );
        assert_eq!(
            l.balance(&Account::DonorCredit(3)).net_posted(),
            50_000,
            "counted once"
        );
    }

    #[test]
    fn a_hold_reserves_then_posts_or_voids_once() {
        let mut l = Ledger::default();
        l.apply(&[t(1, Account::BankClearing, Account::DonorCredit(1), 100)]);
        let hold = Transfer {
            phase: Phase::Pending,
            ..t(2, Account::DonorCredit(1), Account::Escrow(5), 80)
        };
        assert_eq!(l.apply(&[hold]), vec![Ok(())]);
        let second = Transfer {
            phase: Phase::Pending,
            ..t(3, Account::DonorCredit(1), Account::Escrow(6), 30)
        };
        assert_eq!(
            l.apply(&[second]),
            vec![Err(Refusal::ExceedsCredits)],
            "the hold counts against the credit"
        );
        let settle = |id, phase, amount| Transfer {
            phase,
            ..t(id, Account::DonorCredit(1), Account::Escrow(5), amount)
        };
        assert_eq!(
            l.apply(&[settle(4, Phase::Void(2), 79)]),
            vec![Err(Refusal::PendingMismatch)]
        );
        assert_eq!(l.apply(&[settle(4, Phase::Void(2), 80)]), vec![Ok(())]);
        assert_eq!(
            l.apply(&[settle(5, Phase::Post(2), 80)]),
            vec![Err(Refusal::PendingAlreadyDone)]
        );
        assert_eq!(l.balance(&Account::DonorCredit(1)).net_posted(), 100);
        assert!(l.check().is_empty());
    }

    #[test]
    fn a_refund_of_two_to_the_63_is_refused_not_wrapped() {
        let mut l = Ledger::default();
        l.apply(&[t(1, Account::BankClearing, Account::DonorCredit(1), 10_000)]);
        assert_eq!(
            l.apply(&[t(2, Account::DonorCredit(1), Account::Refunds, i64::MAX)]),
            vec![Err(Refusal::AmountExceedsLimit)]
        );
        assert_eq!(
            l.apply(&[t(
                3,
                Account::DonorCredit(1),
                Account::Refunds,
                Rupiah::MAX.get()
            )]),
            vec![Err(Refusal::ExceedsCredits)]
        );
        // Bank clearing pushed to the bound, then one rupiah more: refused as an overflow.
        let rest = Rupiah::MAX.get() - 10_000;
        assert_eq!(
            l.apply(&[t(4, Account::BankClearing, Account::Escrow(9), rest)]),
            vec![Ok(())]
        );
        assert_eq!(
            l.apply(&[t(5, Account::BankClearing, Account::Escrow(9), 1)]),
            vec![Err(Refusal::OverflowsDebitsPosted)]
        );
        assert_eq!(l.balance(&Account::DonorCredit(1)).net_posted(), 10_000);
        assert!(l.check().is_empty(), "{:?}", l.check());
    }

    #[test]
    fn keys_keep_the_ids_the_store_already_holds() {
        let m = Month::new(2026, 5).unwrap_or_else(|| panic!("month"));
        let old = |purpose: u128, low: i64| (purpose << 64) | u128::from(low as u64);
        assert_eq!(TransferKey::PaymentIn { payment: 7 }.id(), old(1, 7));
        assert_eq!(TransferKey::Fund { donation: 7 }.id(), old(2, 7));
        assert_eq!(TransferKey::Refund { refund: 7 }.id(), old(3, 7));
        let remit = |programme| TransferKey::Remit {
            donation: 9,
            month: m,
            programme,
        };
        assert_eq!(remit(Programme::Jkk).id(), old(4, (9 << 20) | 202605));
        assert_eq!(remit(Programme::Jkm).id(), old(5, (9 << 20) | 202605));
        let pay = |batch, programme| TransferKey::PayBpjs {
            month: m,
            programme,
            batch,
        };
        assert_eq!(pay(1, Programme::Jkk).id(), old(6, 2026051));
        assert_eq!(pay(2, Programme::Jkm).id(), old(6, (1 << 32) | 2026052));
        let rejected = TransferKey::Rejected {
            worker: 3,
            month: m,
            programme: Programme::Jkm,
        };
        assert_eq!(rejected.id(), old(7, ((3 << 20) | 202605) * 2 + 1));
        assert_eq!(
            TransferKey::Stopped { stop: 4, month: m }.id(),
            old(8, (4 << 20) | 202605)
        );
        assert_eq!(
            TransferKey::Repriced {
                donation: 9,
                month: m
            }
            .id(),
            old(9, (9 << 20) | 202605)
        );
    }
}
