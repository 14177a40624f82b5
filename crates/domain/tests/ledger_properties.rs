//! Whatever arrives, in whatever order, however often: the ledger's invariants hold.
#![allow(clippy::unwrap_used)]

use lingkaran_domain::ledger::{Account, Ledger, Phase, Transfer};
use proptest::prelude::*;

fn account() -> impl Strategy<Value = Account> {
    prop_oneof![
        Just(Account::BankClearing),
        (0i64..3).prop_map(Account::DonorCredit),
        (0i64..3).prop_map(Account::Escrow),
        Just(Account::PayableJkk),
        Just(Account::PayableJkm),
        Just(Account::Refunds),
    ]
}

fn transfer() -> impl Strategy<Value = Transfer> {
    (
        0u128..40,
        account(),
        account(),
        -5i64..50_000,
        0u8..5,
        0u128..40,
        any::<bool>(),
    )
        .prop_map(
            |(id, debit, credit, amount, phase, other, linked)| Transfer {
                id,
                debit,
                credit,
                amount,
                phase: match phase {
                    0 | 1 => Phase::Single,
                    2 => Phase::Pending,
                    3 => Phase::Post(other),
                    _ => Phase::Void(other),
                },
                linked: linked && id % 3 == 0,
            },
        )
}

proptest! {
    #[test]
    fn invariants_hold_and_nothing_is_applied_twice(batches in proptest::collection::vec(proptest::collection::vec(transfer(), 1..8), 1..12)) {
        let mut l = Ledger::default();
        for b in &batches {
            let first = l.apply(b);
            prop_assert!(l.check().is_empty(), "{:?}", l.check());
            // The same batch delivered again (a retried callback): what was applied is not
            // applied again.
            let again = l.apply(b);
            for (i, r) in first.iter().enumerate() {
                if r.is_ok() {
                    prop_assert!(again[i].is_err(), "transfer {} applied twice", b[i].id);
                }
            }
            prop_assert!(l.check().is_empty(), "{:?}", l.check());
            // Every balance is exactly what the stored transfers say: nothing counted twice.
            for (account, (debits, credits)) in derived(&l) {
                let bal = l.balance(&account);
                prop_assert_eq!((i128::from(bal.debits_posted), i128::from(bal.credits_posted)), (debits, credits), "{:?}", account);
            }
        }
    }
}

/// Amounts anywhere in `i64`, with the edges and the bound weighted in: the refunds of
/// 2^63 − 1 that once wrapped a donor's credit into an unlimited one.
fn wild_amount() -> impl Strategy<Value = i64> {
    use lingkaran_domain::Rupiah;
    prop_oneof![
        any::<i64>(),
        Just(i64::MAX),
        Just(i64::MIN),
        Just(Rupiah::MAX.get()),
        Just(Rupiah::MAX.get() + 1),
        Just(Rupiah::MAX.get() / 2 + 1),
        1i64..50_000,
    ]
}

fn wild_transfer() -> impl Strategy<Value = Transfer> {
    (transfer(), wild_amount()).prop_map(|(t, amount)| Transfer { amount, ..t })
}

proptest! {
    #[test]
    fn arbitrary_amounts_never_wrap_or_mint(batches in proptest::collection::vec(proptest::collection::vec(wild_transfer(), 1..8), 1..16)) {
        use lingkaran_domain::Rupiah;
        let mut l = Ledger::default();
        for b in &batches {
            l.apply(b);
            prop_assert!(l.check().is_empty(), "{:?}", l.check());
            // Every total stays within the bound; limited accounts never go below zero, and
            // the whole ledger still sums to zero when computed without any chance to wrap.
            let derived = derived(&l);
            let mut sum: i128 = 0;
            for (account, (debits, credits)) in &derived {
                let bal = l.balance(account);
                prop_assert_eq!((i128::from(bal.debits_posted), i128::from(bal.credits_posted)), (*debits, *credits), "{:?}", account);
                prop_assert!(*debits <= i128::from(Rupiah::MAX.get()) && *credits <= i128::from(Rupiah::MAX.get()));
                if account.debits_must_not_exceed_credits() {
                    prop_assert!(debits + i128::from(bal.debits_pending) <= *credits, "{:?} below zero", account);
                }
                sum += credits - debits;
            }
            prop_assert_eq!(sum, 0);
        }
    }
}

/// Posted balances re-derived from the stored transfers alone, in `i128` so that the test
/// itself cannot wrap.
fn derived(l: &Ledger) -> std::collections::BTreeMap<Account, (i128, i128)> {
    let by_id: std::collections::HashMap<u128, &Transfer> =
        l.transfers().map(|t| (t.id, t)).collect();
    let mut out = std::collections::BTreeMap::new();
    for t in l.transfers() {
        let posted = match t.phase {
            Phase::Single => Some((t.debit.clone(), t.credit.clone(), t.amount)),
            Phase::Post(p) => by_id
                .get(&p)
                .map(|o| (o.debit.clone(), o.credit.clone(), o.amount)),
            Phase::Pending | Phase::Void(_) => None,
        };
        if let Some((d, c, amount)) = posted {
            out.entry(d).or_insert((0, 0)).0 += i128::from(amount);
            out.entry(c).or_insert((0, 0)).1 += i128::from(amount);
        }
    }
    out
}
