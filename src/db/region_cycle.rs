//! What the monthly cycle did for a region's workers (issue 12 §3, the regional report):
//! worker-months remitted to BPJS, and the insurer's answers, per month and per region at one
//! level (the region itself, or each of its children), read from `remittance_items`,
//! `worker_months` and `confirmations` (migrations 0005, 0006, 0008) by the workers' villages.
//!
//! A region is a prefix of a village code: `35.25` holds the villages `35.25.…`, the nation
//! (`0`) all. Codes of one level have one length (a province 2, a regency 5, a district 8), so
//! grouping by the village code's first `level_len` characters counts each child at once.

use super::Db;
use crate::on_db;

/// One region's count in one month.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Count {
    /// The region (the village code's first `level_len` characters; `0` for the nation).
    pub region_code: String,
    pub month: i64,
    pub n: i64,
}

/// The insurer's answers for one region and month, in worker-months: accepted (for every
/// programme answered) and rejected (for any programme: the rule that takes the month out of
/// `covered_months`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Answers {
    pub region_code: String,
    pub month: i64,
    pub accepted: i64,
    pub rejected: i64,
}

/// The villages' prefix of `region` (`35.25.`), empty for the nation.
fn prefix(region: &str) -> String {
    if region == super::figures::NATION {
        String::new()
    } else {
        format!("{region}.")
    }
}

/// The length of a level's codes, for `substr`; SQL's `substr` takes a 32-bit integer.
fn length(level_len: usize) -> i32 {
    i32::try_from(level_len).unwrap_or(i32::MAX)
}

fn named(code: String) -> String {
    if code.is_empty() {
        super::figures::NATION.to_string()
    } else {
        code
    }
}

/// Worker-months of workers living in `region` remitted to BPJS in months `from..=to`
/// (yyyymm), per month and region of `level_len` characters (the region's own length for its
/// total; its children's for theirs; 0 for the nation). Months with none are absent.
pub async fn remitted(
    db: &Db,
    region: &str,
    level_len: usize,
    from: i64,
    to: i64,
) -> anyhow::Result<Vec<Count>> {
    let rows: Vec<Count> = on_db!(db, |pool| sqlx::query_as(
        "SELECT substr(w.village_code, 1, $3) AS region_code, m.month,
                CAST(COUNT(*) AS BIGINT) AS n
         FROM remittance_items i
         JOIN worker_months m ON m.donation_id = i.donation_id AND m.month = i.month
         JOIN workers w ON w.id = m.worker_id
         WHERE i.month BETWEEN $1 AND $2
           AND ($4 = '' OR substr(w.village_code, 1, length($4)) = $4)
         GROUP BY 1, 2
         ORDER BY 1, 2"
    )
    .bind(from)
    .bind(to)
    .bind(length(level_len))
    .bind(prefix(region))
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|c| Count {
            region_code: named(c.region_code),
            ..c
        })
        .collect())
}

/// The insurer's answers about workers living in `region` for months `from..=to`, per month
/// and region of `level_len` characters (see [`remitted`]), counted in worker-months.
pub async fn answers(
    db: &Db,
    region: &str,
    level_len: usize,
    from: i64,
    to: i64,
) -> anyhow::Result<Vec<Answers>> {
    let rows: Vec<Answers> = on_db!(db, |pool| sqlx::query_as(
        "SELECT region_code, month,
                CAST(SUM(CASE WHEN rejected = 0 THEN 1 ELSE 0 END) AS BIGINT) AS accepted,
                CAST(SUM(CASE WHEN rejected > 0 THEN 1 ELSE 0 END) AS BIGINT) AS rejected
         FROM (SELECT substr(w.village_code, 1, $3) AS region_code, c.month, c.worker_id,
                      SUM(CASE WHEN c.status = 'rejected' THEN 1 ELSE 0 END) AS rejected
               FROM confirmations c JOIN workers w ON w.id = c.worker_id
               WHERE c.month BETWEEN $1 AND $2
                 AND ($4 = '' OR substr(w.village_code, 1, length($4)) = $4)
               GROUP BY 1, 2, 3) per_month
         GROUP BY region_code, month
         ORDER BY 1, 2"
    )
    .bind(from)
    .bind(to)
    .bind(length(level_len))
    .bind(prefix(region))
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|a| Answers {
            region_code: named(a.region_code),
            ..a
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_a_prefix_of_its_villages() {
        assert_eq!(prefix("35.25"), "35.25.");
        assert_eq!(prefix("0"), "");
        assert_eq!(named(String::new()), "0");
        assert_eq!(named("35.25".into()), "35.25");
    }
}
