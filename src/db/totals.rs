//! Monthly totals per region: covered worker-months by funding source, and hand-overs to
//! self-payment, at every level from the nation ('0') down to the village. Triggers keep them
//! in the transaction of each change (migrations 0028 and 0030): `coverage_totals` above the
//! village, and a village's self-payments; `donation_villages`, each donation's months per
//! village, counted when they are held, so that funding a donation adds a few rows. The view
//! `region_totals` joins the two; this module reads it, and [`verify`] recomputes both from
//! their rules (`covered_months`, `worker_months`).

use super::Db;
use crate::on_db;
use std::collections::BTreeMap;

/// The code of the nation in the totals.
pub use super::figures::NATION;

/// Workers covered in `month` (yyyymm) in `region`, by who paid: a funding source (`apbd`,
/// `csr`, …) or `self` for a graduate paying alone. Sources with none are left out.
pub async fn by_source(db: &Db, region: &str, month: i64) -> anyhow::Result<Vec<(String, i64)>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT source, CAST(SUM(worker_months) AS BIGINT) FROM region_totals
         WHERE region_code = $1 AND month = $2
         GROUP BY source HAVING SUM(worker_months) > 0 ORDER BY source"
    )
    .bind(region)
    .bind(month)
    .fetch_all(pool)
    .await)?)
}

/// One month of a region: covered workers by source.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthRow {
    pub month: i64,
    pub source: String,
    pub worker_months: i64,
}

/// The months `from..=to` (yyyymm) of `region`, by source, in month order.
pub async fn months(db: &Db, region: &str, from: i64, to: i64) -> anyhow::Result<Vec<MonthRow>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT month, source, CAST(SUM(worker_months) AS BIGINT) AS worker_months
         FROM region_totals WHERE region_code = $1 AND month BETWEEN $2 AND $3
         GROUP BY month, source HAVING SUM(worker_months) > 0 ORDER BY month, source"
    )
    .bind(region)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await)?)
}

/// One region's covered workers in a month, by source.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegionRow {
    pub region_code: String,
    pub source: String,
    pub worker_months: i64,
}

/// Covered workers in `month` for each of `codes`, by source (regions with none are absent).
/// At most a few thousand codes (a province's districts); the caller caps them.
pub async fn of_regions(db: &Db, codes: &[String], month: i64) -> anyhow::Result<Vec<RegionRow>> {
    let mut out = Vec::new();
    // In chunks, so that no store's bound-parameter limit is reached.
    for chunk in codes.chunks(500) {
        let marks = (0..chunk.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT region_code, source, CAST(SUM(worker_months) AS BIGINT) AS worker_months
             FROM region_totals WHERE month = $1 AND region_code IN ({marks})
             GROUP BY region_code, source HAVING SUM(worker_months) > 0
             ORDER BY region_code, source"
        );
        let rows: Vec<RegionRow> = on_db!(db, |pool| {
            let mut q = sqlx::query_as(&sql).bind(month);
            for c in chunk {
                q = q.bind(c);
            }
            q.fetch_all(pool).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Covered workers in `month` for each of `codes`, as (donor-funded, paying alone).
pub async fn split_of_regions(
    db: &Db,
    codes: &[String],
    month: i64,
) -> anyhow::Result<BTreeMap<String, (u64, u64)>> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in of_regions(db, codes, month).await? {
        let e = out.entry(r.region_code).or_default();
        let n = r.worker_months.max(0) as u64;
        if r.source == "self" {
            e.1 += n;
        } else {
            e.0 += n;
        }
    }
    Ok(out)
}

/// Hand-overs to self-payment in `region`, per month of `from..=to` (yyyymm).
pub async fn handovers(
    db: &Db,
    region: &str,
    from: i64,
    to: i64,
) -> anyhow::Result<Vec<(i64, i64)>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT month, handovers FROM handover_totals
         WHERE region_code = $1 AND month BETWEEN $2 AND $3 AND handovers > 0 ORDER BY month"
    )
    .bind(region)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await)?)
}

/// Hand-overs for each of `codes`, summed over `from..=to`.
pub async fn handovers_of_regions(
    db: &Db,
    codes: &[String],
    from: i64,
    to: i64,
) -> anyhow::Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let marks = (0..chunk.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT region_code, CAST(SUM(handovers) AS BIGINT) FROM handover_totals
             WHERE month BETWEEN $1 AND $2 AND region_code IN ({marks})
             GROUP BY region_code ORDER BY region_code"
        );
        let rows: Vec<(String, i64)> = on_db!(db, |pool| {
            let mut q = sqlx::query_as(&sql).bind(from).bind(to);
            for c in chunk {
                q = q.bind(c);
            }
            q.fetch_all(pool).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

const LEVEL_CODE: &str =
    "CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END";

/// Recomputes both totals from their rule (`covered_months`, and the 'mandiri' events) and
/// names every (region, month, source) where the kept total differs. Empty when they agree.
/// Part of `ledger check`, so every test and every restore that checks the books checks
/// these too.
pub async fn verify(db: &Db) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let want_sql = format!(
        "SELECT {LEVEL_CODE}, c.month, c.source, COUNT(*)
         FROM covered_months c JOIN workers w ON w.id = c.worker_id
         CROSS JOIN region_level_prefixes k
         GROUP BY 1, 2, 3"
    );
    let want: Vec<(String, i64, String, i64)> =
        on_db!(db, |pool| sqlx::query_as(&want_sql).fetch_all(pool).await)?;
    let kept: Vec<(String, i64, String, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT region_code, month, source, CAST(SUM(worker_months) AS BIGINT)
         FROM region_totals GROUP BY 1, 2, 3 HAVING SUM(worker_months) <> 0"
    )
    .fetch_all(pool)
    .await)?;
    differences(
        "covered worker-months",
        want.into_iter().map(|(r, m, s, n)| ((r, m, s), n)),
        kept.into_iter().map(|(r, m, s, n)| ((r, m, s), n)),
        &mut out,
    );
    // Each donation's months per village, funded or not (what funding will add).
    let want: Vec<(i64, String, i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT m.donation_id, w.village_code, m.month, COUNT(*)
         FROM worker_months m JOIN workers w ON w.id = m.worker_id
         WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                           WHERE c.worker_id = m.worker_id AND c.month = m.month
                             AND c.status = 'rejected')
         GROUP BY 1, 2, 3"
    )
    .fetch_all(pool)
    .await)?;
    let kept: Vec<(i64, String, i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT donation_id, village_code, month, worker_months FROM donation_villages
         WHERE worker_months <> 0"
    )
    .fetch_all(pool)
    .await)?;
    differences(
        "a donation's held worker-months",
        want.into_iter()
            .map(|(d, v, m, n)| ((format!("{v} (donation {d})"), m, String::new()), n)),
        kept.into_iter()
            .map(|(d, v, m, n)| ((format!("{v} (donation {d})"), m, String::new()), n)),
        &mut out,
    );
    let month = if db.kind() == "postgres" {
        "to_char(e.at AT TIME ZONE 'Asia/Jakarta', 'YYYYMM')::BIGINT"
    } else {
        "CAST(strftime('%Y%m', e.at, '+7 hours') AS INTEGER)"
    };
    let want_sql = format!(
        "SELECT {LEVEL_CODE}, {month}, COUNT(*)
         FROM worker_events e JOIN workers w ON w.id = e.worker_id
         CROSS JOIN region_level_prefixes k
         WHERE e.to_status = 'mandiri' AND (e.from_status IS NULL OR e.from_status <> 'mandiri')
         GROUP BY 1, 2"
    );
    let want: Vec<(String, i64, i64)> =
        on_db!(db, |pool| sqlx::query_as(&want_sql).fetch_all(pool).await)?;
    let kept: Vec<(String, i64, i64)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT region_code, month, handovers FROM handover_totals WHERE handovers <> 0"
    )
    .fetch_all(pool)
    .await)?;
    differences(
        "hand-overs",
        want.into_iter().map(|(r, m, n)| ((r, m, String::new()), n)),
        kept.into_iter().map(|(r, m, n)| ((r, m, String::new()), n)),
        &mut out,
    );
    Ok(out)
}

type Key = (String, i64, String);

fn differences(
    what: &str,
    want: impl Iterator<Item = (Key, i64)>,
    kept: impl Iterator<Item = (Key, i64)>,
    out: &mut Vec<String>,
) {
    let mut all: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for (k, n) in want {
        all.entry(k).or_default().0 += n;
    }
    for (k, n) in kept {
        all.entry(k).or_default().1 += n;
    }
    for ((region, month, source), (want, kept)) in all {
        if want != kept {
            out.push(format!(
                "{what} of region {region}, month {month}{}: kept {kept}, but the rows make {want}",
                if source.is_empty() {
                    String::new()
                } else {
                    format!(", source {source}")
                }
            ));
        }
    }
}

/// For each of `codes`: workers covered in `month` (all sources), and donor-funded
/// worker-months over all months. Regions with none are absent.
pub async fn sums_of_regions(
    db: &Db,
    codes: &[String],
    month: i64,
) -> anyhow::Result<Vec<(String, i64, i64)>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(500) {
        let marks = (0..chunk.len())
            .map(|i| format!("${}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT region_code,
                    CAST(SUM(CASE WHEN month = $1 THEN worker_months ELSE 0 END) AS BIGINT),
                    CAST(SUM(CASE WHEN source <> 'self' THEN worker_months ELSE 0 END) AS BIGINT)
             FROM region_totals WHERE region_code IN ({marks})
             GROUP BY region_code HAVING SUM(worker_months) > 0 ORDER BY region_code"
        );
        let rows: Vec<(String, i64, i64)> = on_db!(db, |pool| {
            let mut q = sqlx::query_as(&sql).bind(month);
            for c in chunk {
                q = q.bind(c);
            }
            q.fetch_all(pool).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Covered worker-months of `region` over all months, by source.
pub async fn all_time_by_source(db: &Db, region: &str) -> anyhow::Result<Vec<(String, i64)>> {
    Ok(on_db!(db, |pool| sqlx::query_as(
        "SELECT source, CAST(SUM(worker_months) AS BIGINT) FROM region_totals
         WHERE region_code = $1 GROUP BY source HAVING SUM(worker_months) > 0 ORDER BY source"
    )
    .bind(region)
    .fetch_all(pool)
    .await)?)
}
