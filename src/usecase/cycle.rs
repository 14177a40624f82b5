//! The month's cycle, put together: money to the payables (storage), each batch's remittance
//! files (`crate::remittance`, written once), and each batch's total paid to BPJS. Every step
//! is keyed, so running it again posts nothing new and a run killed half-way finishes exactly
//! the rest. Called by `lingkaran cycle run`, the scheduler and the demo.

use crate::db::audit::Actor;
use crate::db::cycle as store;
use crate::db::Db;
use crate::remittance::RemittanceFile;
use chrono::{DateTime, Utc};
use lingkaran_domain::programme::Programme;
use lingkaran_domain::rates::Month;
use std::path::{Path, PathBuf};

pub use store::DONATIONS_PER_TRANSACTION;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CycleReport {
    pub month: String,
    pub donations: usize,
    /// Transfers this run posted (0 when the month was already done).
    pub posted: usize,
    pub jkk: i64,
    pub jkm: i64,
    /// (programme, CSV path, lines) per batch and programme.
    pub files: Vec<(String, PathBuf, i64)>,
}

/// Runs `month`'s cycle, writing files into `dir`; what it records is stamped `now` and
/// audited as `actor`'s (the scheduler's job, the command line, the demo).
pub async fn run(
    db: &Db,
    month: Month,
    dir: &Path,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<CycleReport> {
    run_in(db, month, dir, DONATIONS_PER_TRANSACTION, actor, now).await
}

/// [`run`], moving `per_transaction` donations to the payables in each transaction.
pub async fn run_in(
    db: &Db,
    month: Month,
    dir: &Path,
    per_transaction: u32,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<CycleReport> {
    let mut report = CycleReport {
        month: month.to_string(),
        posted: store::move_to_payables(db, month, per_transaction, actor, now).await?,
        ..CycleReport::default()
    };
    let (donations, jkk, jkm) = store::month_totals(db, month).await?;
    report.donations = usize::try_from(donations).unwrap_or(0);
    (report.jkk, report.jkm) = (jkk, jkm);
    // Each batch's file per programme (written once), then its total paid to BPJS.
    for batch in store::batches(db, month).await? {
        for programme in Programme::ALL {
            let (path, lines, total) = match store::written(db, month, programme, batch).await? {
                Some((file, lines, total)) => (PathBuf::from(file), lines, total),
                None => {
                    let mut file = RemittanceFile::create(dir, month, programme.code(), batch)?;
                    store::stream_rows(db, month, programme, batch, |row| file.row(&row)).await?;
                    let w = file.finish()?;
                    let shown = w.path.display().to_string();
                    store::record_file(
                        db, month, programme, batch, w.lines, w.total, &shown, &w.sha256, actor,
                        now,
                    )
                    .await?;
                    (w.path, w.lines, w.total)
                }
            };
            report
                .files
                .push((programme.code().to_string(), path, lines));
            report.posted +=
                store::pay_bpjs(db, month, programme, batch, total, actor, now).await?;
        }
    }
    Ok(report)
}

/// The month's reconciliation as the caller may see it: the totals for everyone who may
/// read it (admins, officers, viewers), and the rejected worker-months only of workers in
/// the caller's regions, each name as the gate shows it (a viewer sees the masked name).
pub async fn reconciliation(
    ctx: super::Ctx<'_>,
    month: Month,
) -> Result<crate::db::reconcile::Reconciliation, super::Error> {
    use crate::privacy::gate::{self, Sight, Subject};
    let p = ctx.require(&crate::auth::role::READERS)?;
    let mut r = crate::db::reconcile::month(ctx.db, month).await?;
    r.rejected.retain_mut(|x| {
        let sight = gate::sight(
            p,
            &Subject {
                village_code: &x.village_code,
                proposer_org: None,
                funded_by_caller: false,
            },
        );
        x.name = sight.name(&x.name);
        sight != Sight::Hidden
    });
    Ok(r)
}

/// Graduation as the caller may see it: counts, no personal data. By region, an officer or
/// viewer sees the regencies their scopes lie in (or that lie in them); by donor, the
/// totals, which name no worker.
pub async fn graduation(
    ctx: super::Ctx<'_>,
    as_of: Month,
    by: crate::db::lifecycle::GraduationBy,
) -> Result<Vec<crate::db::lifecycle::Graduation>, super::Error> {
    use lingkaran_domain::region::within;
    let p = ctx.require(&crate::auth::role::READERS)?;
    let mut rows = crate::db::lifecycle::graduation(ctx.db, as_of, by).await?;
    if by == crate::db::lifecycle::GraduationBy::Region {
        if let Some(scopes) = super::privacy::regions_of(p) {
            rows.retain(|g| {
                scopes
                    .iter()
                    .any(|s| within(&g.key, s) || within(s, &g.key))
            });
        }
    }
    Ok(rows)
}
