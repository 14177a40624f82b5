//! A donation's workers as the donor, an officer or an admin may see them, and what happened
//! to each (issue 14 §1): the months funded and each month's fate (sent to BPJS, confirmed,
//! refused with the reason and the money returned, stopped), until when they are protected,
//! where they stand today and since when (protected, paying alone, lapsed, died or left, back
//! in the waiting pool), and any claim. Filtered by standing, counted, a page at a time.

use super::donations::visible;
use super::privacy::{self, Reveal};
use super::{Ctx, Error};
use crate::auth::Role;
use crate::db::donations::{self, DonationRow, DonationWorker, WorkerFilter};
use crate::db::outcomes;
use crate::privacy::gate::{self, Sight};
use chrono::NaiveDate;
use lingkaran_domain::benefits::Kind;
use lingkaran_domain::claims::Stage;
use lingkaran_domain::outcome::{MonthFate, Standing};
use lingkaran_domain::rates::Month;
use lingkaran_domain::status::DonationStatus;
use lingkaran_domain::worker::WorkerStatus;
use serde_json::json;

/// Which workers a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Standing(Standing),
    /// Workers with a month BPJS refused.
    Rejected,
}

impl Filter {
    /// `protected`, `mandiri`, …, or `rejected`.
    pub fn parse(code: &str) -> Option<Filter> {
        if code == "rejected" {
            return Some(Filter::Rejected);
        }
        Standing::parse(code).map(Filter::Standing)
    }

    pub fn code(self) -> &'static str {
        match self {
            Filter::Standing(s) => s.code(),
            Filter::Rejected => "rejected",
        }
    }
}

/// What happened to one worker.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub standing: Standing,
    /// The day (WIB) the worker took their present status, when recorded.
    pub since: Option<NaiveDate>,
    /// This donation's months, in order, with their fate.
    pub months: Vec<(Month, MonthFate)>,
    /// The last day any paid month protects the worker.
    pub protected_until: Option<NaiveDate>,
    /// The latest claim, once one is filed.
    pub claim: Option<(Kind, Stage)>,
}

impl Outcome {
    /// Months of this donation that protect (or will, once sent): not refused, not stopped.
    pub fn months_protecting(&self) -> usize {
        self.months.iter().filter(|(_, f)| f.protects()).count()
    }
}

/// A donation's worker as the caller may see them (the gate's `sight`).
pub struct ShownWorker {
    pub row: DonationWorker,
    /// Whole, or the mask.
    pub nik: String,
    /// Whole, or the masked name.
    pub name: String,
    pub outcome: Outcome,
}

/// A page of a donation's workers for one caller.
pub struct WorkersPage {
    pub donation: DonationRow,
    pub workers: Vec<ShownWorker>,
    /// How many of the donation's workers the caller may see that the filter keeps (an
    /// officer: those in scope).
    pub total: i64,
    /// Whether the caller sees whole NIKs (for the note under the list).
    pub whole: bool,
    /// Every standing with how many of the caller's workers stand so, and how many had a
    /// month refused: the counts beside the filters.
    pub counts: Vec<(Standing, i64)>,
    pub rejected: i64,
}

/// A page of the workers a donation funds, through the gate: an admin sees them all, whole
/// (one audit entry per page); an officer only those in their region scope, whole; the donor
/// who funds them the masks. A worker out of the caller's scope is neither shown nor counted.
pub async fn workers(
    ctx: Ctx<'_>,
    id: i64,
    filter: Option<Filter>,
    limit: i64,
    offset: i64,
) -> Result<WorkersPage, Error> {
    let d = visible(ctx, id).await?;
    let p = ctx.actor;
    // `visible` lets a donor through only for their own donation: they fund these workers.
    let funding = p.role == Role::Donor;
    let regions = match p.role {
        Role::Admin | Role::Donor => None,
        _ => Some(p.scopes.as_slice()),
    };
    let paid = d.status == DonationStatus::Funded;
    let narrow = match filter {
        None => WorkerFilter::All,
        Some(Filter::Rejected) => WorkerFilter::Rejected,
        Some(Filter::Standing(s)) => WorkerFilter::Statuses(s.statuses()),
    };
    let (rows, total) = donations::workers_in(ctx.db, d.id, regions, narrow, limit, offset).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.worker_id).collect();
    let mut facts = outcomes::of_workers(ctx.db, d.id, paid, &ids).await?;
    let mut audited = 0;
    let mut whole = false;
    let mut shown = Vec::with_capacity(rows.len());
    for row in rows {
        let sight = gate::sight(
            p,
            &gate::Subject {
                village_code: &row.village_code,
                proposer_org: None,
                funded_by_caller: funding,
            },
        );
        if sight == Sight::Hidden {
            continue;
        }
        if sight.audited() {
            audited += 1;
        }
        whole |= sight.whole();
        let f = facts.remove(&row.worker_id).unwrap_or_default();
        let status = WorkerStatus::parse(&row.status).unwrap_or(WorkerStatus::Verified);
        let outcome = Outcome {
            standing: Standing::of(status, paid),
            since: f.since.map(crate::clock::wib_date),
            months: f
                .months
                .iter()
                .filter_map(|(m, facts)| Some((Month::from_yyyymm(*m)?, MonthFate::of(facts))))
                .collect(),
            protected_until: f
                .protected_until
                .and_then(Month::from_yyyymm)
                .map(lingkaran_domain::coverage::last_day),
            claim: f
                .claim
                .and_then(|(k, s)| Some((Kind::parse(&k)?, Stage::parse(&s)?))),
        };
        shown.push(ShownWorker {
            nik: sight.nik(&row.nik),
            name: sight.name(&row.full_name),
            row,
            outcome,
        });
    }
    if audited > 0 {
        privacy::record(
            ctx,
            Reveal::Shown,
            "donation",
            d.id,
            json!({ "workers": audited, "offset": offset }),
        )
        .await?;
    }
    let (by_status, rejected) = outcomes::counts(ctx.db, d.id, regions).await?;
    // A donation not yet paid holds its workers; once paid, a worker of the same statuses
    // is back waiting for a donor.
    let counts = Standing::ALL
        .into_iter()
        .filter(|s| {
            *s != if paid {
                Standing::Held
            } else {
                Standing::Waiting
            }
        })
        .map(|s| {
            let n = by_status
                .iter()
                .filter(|(st, _)| s.statuses().contains(&st.as_str()))
                .map(|(_, n)| n)
                .sum();
            (s, n)
        })
        .collect();
    Ok(WorkersPage {
        donation: d,
        workers: shown,
        total,
        whole,
        counts,
        rejected,
    })
}
