//! Whatever a clerk types, the benefit estimate answers without panicking: either the named
//! problems, or amounts that add up, are never negative, and grow with the income.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use lingkaran_domain::benefits::{estimate, Case, Kind, Rules};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

fn case() -> impl Strategy<Value = Case> {
    (
        kind(),
        0i64..40_000,
        (-5i64..2_000_000_000, 0u32..1_300, 0u32..1_300),
        (
            prop::option::of(0u32..11_000),
            prop::option::of(0u32..11_000),
            prop::option::of(0u32..700),
        ),
        prop::option::of(-400i64..4_000),
    )
        .prop_map(
            |(kind, day, (income, member, paid), (body, loss, unable), filed)| {
                let event =
                    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(day as u64);
                Case {
                    kind,
                    event,
                    income,
                    membership_months: member,
                    paid_months: paid,
                    body_bp: body,
                    function_loss_bp: loss,
                    months_unable: unable,
                    filed: filed.map(|d| {
                        if d < 0 {
                            event - chrono::Days::new(d.unsigned_abs())
                        } else {
                            event + chrono::Days::new(d as u64)
                        }
                    }),
                }
            },
        )
}

proptest! {
    #[test]
    fn an_estimate_adds_up_or_names_its_problems(c in case()) {
        let rules = Rules::shipped().unwrap();
        match estimate(&rules, &c) {
            Ok(e) => {
                prop_assert_eq!(e.total, e.lines.iter().map(|l| l.amount).sum::<i64>());
                prop_assert!(e.lines.iter().all(|l| l.amount >= 0 && !l.source.is_empty()));
                prop_assert!(e.eligible || e.total == 0);
                prop_assert!(e.eligible || !e.reasons.is_empty());
                // One more rupiah of income never gives less.
                let mut richer = c.clone();
                richer.income += 1;
                if let Ok(r) = estimate(&rules, &richer) {
                    prop_assert!(r.total >= e.total);
                }
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                prop_assert!(problems.iter().all(|p| !p.id.is_empty() && !p.en.is_empty()));
            }
        }
    }
}
