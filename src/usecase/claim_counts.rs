//! Claims counted for the public and for regions (issue 13 §3): per kind, the claims filed
//! and paid and the amount paid, for a region's workers whose event fell in a period. The
//! regional report, the region's dashboard and the transparency page all read this one
//! count, so that the three never disagree.
//!
//! No personal data: a count from 1 to 9 is published as "< 10", and an amount paid only
//! beside a published count of payments. No total over the kinds is published: with one
//! kind hidden, it would give that kind away.

use super::transparency::Published;
use crate::db::Db;
use chrono::NaiveDate;
use lingkaran_domain::benefits::Kind;

/// One kind's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimLine {
    pub kind: Kind,
    pub filed: Published,
    pub paid: Published,
    /// `None` when the count of payments is not published.
    pub paid_amount: Option<i64>,
}

/// The kinds with at least one claim, in [`Kind::ALL`]'s order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims {
    pub lines: Vec<ClaimLine>,
}

impl Claims {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// From the store's rows: (kind, filed, paid, amount paid).
    pub fn of_rows(rows: Vec<(String, i64, i64, i64)>) -> Claims {
        let mut raw: Vec<(Kind, i64, i64, i64)> = rows
            .into_iter()
            .filter_map(|(k, f, p, a)| Some((Kind::parse(&k)?, f, p, a)))
            .collect();
        raw.sort_by_key(|(k, ..)| Kind::ALL.iter().position(|x| x == k));
        Claims {
            lines: raw
                .into_iter()
                .map(|(kind, filed, paid, amount)| {
                    let paid = Published::of(paid);
                    ClaimLine {
                        kind,
                        filed: Published::of(filed),
                        paid,
                        paid_amount: paid.value().map(|_| amount),
                    }
                })
                .collect(),
        }
    }
}

/// The claims of `region`'s workers (`0` for the nation) with an event from `from` to `to`.
pub async fn of_region(
    db: &Db,
    region: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Claims> {
    Ok(Claims::of_rows(
        crate::db::claims::counts(db, region, from, to).await?,
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rows(r: &[(&str, i64, i64, i64)]) -> Vec<(String, i64, i64, i64)> {
        r.iter()
            .map(|(k, f, p, a)| (k.to_string(), *f, *p, *a))
            .collect()
    }

    #[test]
    fn small_counts_and_their_amounts_are_not_published() {
        let c = Claims::of_rows(rows(&[
            ("jkk-stmb", 12, 11, 11_000_000),
            ("jkm", 3, 2, 84_000_000),
            ("nonsense", 5, 5, 5),
        ]));
        assert_eq!(c.lines.len(), 2, "an unknown kind is left out");
        // In the legal order: JKM first.
        assert_eq!(c.lines[0].kind, Kind::Jkm);
        assert_eq!(c.lines[0].filed, Published::FewerThanTen);
        assert_eq!(c.lines[0].paid, Published::FewerThanTen);
        assert_eq!(
            c.lines[0].paid_amount, None,
            "two families' money is not shown"
        );
        assert_eq!(c.lines[1].filed, Published::Exact(12));
        assert_eq!(c.lines[1].paid_amount, Some(11_000_000));
        // Nothing paid: Rp 0 paid to nobody is no secret.
        let none = Claims::of_rows(rows(&[("jkm", 10, 0, 0)]));
        assert_eq!(none.lines[0].paid_amount, Some(0));
        assert!(Claims::of_rows(Vec::new()).is_empty());
    }
}
