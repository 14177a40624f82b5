//! The money rules of the ledger, after TigerBeetle (style.md): append-only double entry,
//! caller-chosen transfer ids that are idempotency keys, two-phase (pending → posted or
//! voided) transfers for holds, linked transfers that succeed or fail together, and balance
//! limits that the ledger itself enforces.
//!
//! This module is the rule book, pure and in memory; the store applies the same rules in its
//! transactions, and `ledger check` re-derives every balance from the transfers with it.

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
pub enum Purpose {
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
/// in the low 64.
pub fn transfer_id(purpose: Purpose, id: i64) -> u128 {
    ((purpose as u128) << 64) | u128::from(id as u64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    pub debits_posted: i64,
    pub credits_posted: i64,
    pub debits_pending: i64,
    pub credits_pending: i64,
}

impl Balance {
    /// Credits minus debits, posted only.
    pub fn net_posted(&self) -> i64 {
        self.credits_posted - self.debits_posted
    }
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
                // Release the reservation first.
                self.entry(&orig.debit).debits_pending -= orig.amount;
                self.entry(&orig.credit).credits_pending -= orig.amount;
                self.open.insert(p, false);
                if matches!(t.phase, Phase::Void(_)) {
                    self.transfers.insert(t.id, t.clone());
                    return Ok(());
                }
                (orig.debit, orig.credit, orig.amount, false)
            }
        };
        let d = self.balance(&debit);
        if debit.debits_must_not_exceed_credits()
            && d.debits_posted + d.debits_pending + amount > d.credits_posted
        {
            return Err(Refusal::ExceedsCredits);
        }
        if pending {
            self.entry(&debit).debits_pending += amount;
            self.entry(&credit).credits_pending += amount;
            self.open.insert(t.id, true);
        } else {
            self.entry(&debit).debits_posted += amount;
            self.entry(&credit).credits_posted += amount;
        }
        self.transfers.insert(t.id, t.clone());
        Ok(())
    }

    fn entry(&mut self, a: &Account) -> &mut Balance {
        self.balances.entry(a.clone()).or_default()
    }

    /// Every invariant the ledger promises, re-derived; each violation named.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        let sum: i64 = self.balances.values().map(Balance::net_posted).sum();
        if sum != 0 {
            out.push(format!("postings do not sum to zero: {sum}"));
        }
        for (a, b) in &self.balances {
            if a.debits_must_not_exceed_credits()
                && b.debits_posted + b.debits_pending > b.credits_posted
            {
                out.push(format!("{a:?} is below zero"));
            }
            if b.debits_pending < 0 || b.credits_pending < 0 {
                out.push(format!("{a:?} has negative pending amounts"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
