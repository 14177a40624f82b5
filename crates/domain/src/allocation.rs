//! Which workers a criteria or budget donation funds: fairly, deterministically, and with a
//! reason for every choice ("why this worker").
//!
//! The candidates are verified workers who match the criteria and are not funded for the
//! months in question (the store filters those); this module only orders and explains.

use crate::format;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub worker_id: i64,
    /// Poverty decile from DTKS/P3KE; `None` (unknown) comes after every known decile.
    pub decile: Option<u8>,
    /// Since when the worker has waited: the day they were verified.
    pub waiting_since: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub worker_id: i64,
    /// 1 for the first chosen.
    pub rank: usize,
    pub reason_id: String,
    pub reason_en: String,
}

/// The fairness order: poorest decile first, then the longest wait, then the lower worker id
/// so that equal candidates always come out in the same order.
fn key(c: &Candidate) -> (u8, NaiveDate, i64) {
    (c.decile.unwrap_or(u8::MAX), c.waiting_since, c.worker_id)
}

/// Chooses up to `count` workers, in fairness order, each with its reason.
pub fn choose(candidates: &[Candidate], count: usize, today: NaiveDate) -> Vec<Choice> {
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by_key(|c| key(c));
    sorted
        .into_iter()
        .take(count)
        .enumerate()
        .map(|(i, c)| {
            let days = (today - c.waiting_since).num_days().max(0);
            let (decile_id, decile_en) = match c.decile {
                Some(d) => (format!("desil {d}"), format!("decile {d}")),
                None => ("desil belum diketahui".to_string(), "decile unknown".to_string()),
            };
            Choice {
                worker_id: c.worker_id,
                rank: i + 1,
                reason_id: format!(
                    "Urutan {}: {decile_id} (yang termiskin didahulukan), menunggu sejak {} ({days} hari).",
                    i + 1,
                    format::date(c.waiting_since, "id")
                ),
                reason_en: format!(
                    "Rank {}: {decile_en} (poorest first), waiting since {} ({days} days).",
                    i + 1,
                    format::date(c.waiting_since, "en")
                ),
            }
        })
        .collect()
}

/// How many whole worker × duration blocks a budget buys, and what is left over (it becomes
/// the donor's credit). `block` is one worker's price for the whole duration.
pub fn blocks_affordable(budget: i64, block: i64) -> (i64, i64) {
    if block <= 0 || budget <= 0 {
        return (0, budget.max(0));
    }
    (budget / block, budget % block)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn c(worker_id: i64, decile: Option<u8>, since: &str) -> Candidate {
        Candidate {
            worker_id,
            decile,
            waiting_since: d(since),
        }
    }

    #[test]
    fn poorest_first_then_longest_wait_then_id() {
        let cands = [
            c(1, Some(3), "2026-01-01"),
            c(2, Some(1), "2026-06-01"),
            c(3, None, "2020-01-01"),
            c(4, Some(1), "2026-02-01"),
            c(5, Some(1), "2026-02-01"),
        ];
        let chosen: Vec<i64> = choose(&cands, 4, d("2026-11-25"))
            .iter()
            .map(|c| c.worker_id)
            .collect();
        assert_eq!(chosen, vec![4, 5, 2, 1]);
        // The same candidates in another order give the same choice.
        let mut shuffled = cands.to_vec();
        shuffled.reverse();
        let again: Vec<i64> = choose(&shuffled, 4, d("2026-11-25"))
            .iter()
            .map(|c| c.worker_id)
            .collect();
        assert_eq!(again, chosen);
    }

    #[test]
    fn every_choice_says_why() {
        let ch = choose(&[c(7, Some(2), "2026-11-01")], 5, d("2026-11-25"));
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].reason_id, "Urutan 1: desil 2 (yang termiskin didahulukan), menunggu sejak 1 November 2026 (24 hari).");
        assert!(ch[0]
            .reason_en
            .contains("waiting since 1 November 2026 (24 days)"));
    }

    #[test]
    fn a_budget_buys_whole_blocks_and_the_rest_is_credit() {
        // Rp 1.000.000 for 12 months at Rp 16.800: 4 workers (806,400), 193,600 left.
        assert_eq!(blocks_affordable(1_000_000, 16_800 * 12), (4, 193_600));
        assert_eq!(blocks_affordable(100, 201_600), (0, 100));
        assert_eq!(blocks_affordable(1_008_000_000, 201_600), (5_000, 0));
    }
}
