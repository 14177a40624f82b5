//! Allocation is fair and deterministic whatever order the candidates arrive in.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, NaiveDate};
use lingkaran_domain::allocation::{choose, Candidate};
use proptest::prelude::*;

fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    proptest::collection::btree_map(
        0i64..500,
        (proptest::option::of(1u8..=10), 0i64..400),
        0..60,
    )
    .prop_map(|m| {
        let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        m.into_iter()
            .map(|(worker_id, (decile, days))| Candidate {
                worker_id,
                decile,
                waiting_since: base + Duration::days(days),
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn choices_are_fair_unique_and_order_independent(cands in candidates(), count in 0usize..80, seed in any::<u64>()) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let chosen = choose(&cands, count, today);
        prop_assert_eq!(chosen.len(), count.min(cands.len()));
        let ids: std::collections::BTreeSet<i64> = chosen.iter().map(|c| c.worker_id).collect();
        prop_assert_eq!(ids.len(), chosen.len(), "nobody chosen twice");
        // No one left out is poorer, or equally poor and waiting longer, than anyone chosen.
        let key = |c: &Candidate| (c.decile.unwrap_or(u8::MAX), c.waiting_since, c.worker_id);
        let worst_chosen = chosen.last().map(|ch| key(cands.iter().find(|c| c.worker_id == ch.worker_id).unwrap()));
        if let Some(worst) = worst_chosen {
            for c in cands.iter().filter(|c| !ids.contains(&c.worker_id)) {
                prop_assert!(key(c) > worst, "{} was passed over", c.worker_id);
            }
        }
        // A rotated input gives the same choice.
        let mut rotated = cands.clone();
        if !rotated.is_empty() {
            let k = (seed as usize) % rotated.len();
            rotated.rotate_left(k);
        }
        let again: Vec<i64> = choose(&rotated, count, today).iter().map(|c| c.worker_id).collect();
        prop_assert_eq!(again, chosen.iter().map(|c| c.worker_id).collect::<Vec<_>>());
    }
}
