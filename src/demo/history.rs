//! The demo's past months, so the whole loop can be seen on a fresh machine: donations paid in
//! earlier months, the cycle run for each funded month with the insurer's confirmation
//! imported (one worker was already an active participant: rejected, refunded), one worker
//! paying alone afterwards (`mandiri`), one who did not (`lapsed`), and reminders queued for
//! a donation that ends this month.
//!
//! The past is made with the same functions the service uses, only with an earlier "today";
//! the one thing written directly is each donation's `funded_at`, set to its payment day so
//! the late-money report tells the story as it happened.

use super::DEMO;
use crate::db::audit::Actor;
use crate::db::donations::{self, Choice, Criteria, NewDonation};
use crate::db::lifecycle::{self, SelfPayment};
use crate::db::payments::{self, NewPayment, Source, Target};
use crate::db::{cycle, donors, reminders, workers, Db};
use crate::on_db;
use anyhow::Context;
use chrono::NaiveDate;
use lingkaran_domain::rates::Month;
use std::collections::HashSet;
use std::path::Path;

/// What the past months left behind (printed by `demo`).
#[derive(Debug, Default)]
pub struct History {
    pub cycles: Vec<String>,
    pub rejected_refunded: usize,
    pub mandiri: Vec<String>,
    pub lapsed: Vec<String>,
    pub reminders: usize,
}

fn day(m: Month, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.year(), m.month(), d).unwrap_or_default()
}

/// A donation of `count` workers of `region` from `start` for `months`, made and paid as if
/// on the 1st and 5th of `start`.
async fn past_donation(
    db: &Db,
    (donor, by): (i64, i64),
    region: &str,
    count: i64,
    start: Month,
    months: u32,
    reference: &str,
) -> anyhow::Result<i64> {
    let choice = Choice::Criteria {
        criteria: Criteria {
            region: Some(region.into()),
            ..Criteria::default()
        },
        count,
    };
    let request = format!(
        r#"{{"mode":"criteria","criteria":{{"region":"{region}"}},"count":{count},"months":{months}}}"#
    );
    past_donation_of(db, (donor, by), choice, request, (start, months), reference).await
}

/// A donation of `choice` from `start` for `months`, made and paid as if on the 1st and 5th
/// of `start`.
async fn past_donation_of(
    db: &Db,
    (donor, by): (i64, i64),
    choice: Choice,
    request_json: String,
    (start, months): (Month, u32),
    reference: &str,
) -> anyhow::Result<i64> {
    let made = donations::create(
        db,
        &NewDonation {
            donor_id: donor,
            budget_line_id: None,
            choice,
            start,
            months,
            extends_id: None,
            created_by: by,
            hold: chrono::Duration::hours(24),
            request_json,
            today: day(start, 1),
        },
        crate::clock::now(),
    )
    .await?
    .map_err(|p| anyhow::anyhow!("demo donation refused: {p:?}"))?;
    let inv = donations::invoice_of(db, made.id)
        .await?
        .context("the demo donation has no invoice")?;
    let paid_on = day(start, 5);
    payments::book(
        db,
        &NewPayment {
            source: Source::Callback,
            reference: reference.into(),
            target: Target::Va(inv.va_number),
            amount: inv.amount,
            paid_on,
            channel: Some("VIRTUAL_ACCOUNT_BRI".into()),
            evidence_name: None,
            evidence: None,
            recorded_by: Actor::System("provider"),
            note: Some(inv.number),
        },
        crate::clock::now(),
    )
    .await?
    .map_err(|p| anyhow::anyhow!("demo payment refused: {p:?}"))?;
    let funded_at = paid_on
        .and_hms_opt(3, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default();
    on_db!(db, |pool| sqlx::query(
        "UPDATE donations SET funded_at = $1 WHERE id = $2"
    )
    .bind(funded_at)
    .bind(made.id)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(made.id)
}

/// Last month PT Semen Sejahtera also paid one month for a fisher of Ujungpangkah declared at
/// the minimum, Rp 1.000.000, and BPJS confirmed it: a death at sea in that month can be
/// tried as a claim that is covered, Rp 70.000.000 expected (issue 13's walk-through). Made
/// after the rest of the demo, so the other donations keep their numbers. Returns the worker
/// and the month.
pub(super) async fn fisher_at_sea(
    db: &Db,
    donor: (i64, i64),
    dir: &Path,
) -> anyhow::Result<Option<(i64, Month)>> {
    let month = Month::of(crate::clock::today()).prev();
    let found: Option<(i64, Vec<u8>)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT w.id, w.nik FROM workers w
         WHERE w.status = 'verified' AND w.occupation = 'nelayan' AND w.income = 1000000
           AND w.village_code LIKE '35.25.07.%'
           AND NOT EXISTS (SELECT 1 FROM worker_months m
                           WHERE m.worker_id = w.id AND m.month = $1)
         ORDER BY w.id LIMIT 1"
    )
    .bind(month.yyyymm())
    .fetch_optional(pool)
    .await)?;
    let Some((worker, sealed)) = found else {
        return Ok(None);
    };
    let nik = crate::db::sealed::open(db.keys(), crate::privacy::Kind::Nik, &sealed)?;
    past_donation_of(
        db,
        donor,
        Choice::Named {
            niks: vec![nik],
            skip_unavailable: false,
        },
        r#"{"mode":"named","niks":["(demo)"],"months":1}"#.into(),
        (month, 1),
        "DEMO-VA-PAST-3",
    )
    .await?;
    cycle_and_confirm(db, month, dir, &HashSet::new()).await?;
    Ok(Some((worker, month)))
}

/// The cycle of `month`, then the insurer's answer (played on this machine) for both
/// programmes, imported.
pub(super) async fn cycle_and_confirm(
    db: &Db,
    month: Month,
    dir: &Path,
    active: &HashSet<String>,
) -> anyhow::Result<usize> {
    let now = crate::clock::now();
    let r = crate::usecase::cycle::run(db, month, dir, DEMO, now).await?;
    let mut refunded = 0;
    for (programme, file, _) in &r.files {
        let answer = dir.join(format!("konfirmasi-{month}-{programme}.csv"));
        crate::insurer::confirm(file, active, &answer)?;
        let text = std::fs::read_to_string(&answer)?;
        refunded += cycle::import_confirmation(db, month, programme, &text, DEMO, now)
            .await?
            .refunded;
    }
    Ok(refunded)
}

/// Six months ago, Baznas-style giving by PT Semen Sejahtera funded three workers of
/// Kecamatan Panceng (35.25.13) for two months; last month it funded twenty of Kecamatan
/// Sidayu (35.25.10) for two months, ending this month.
pub async fn seed(
    db: &Db,
    donor: i64,
    donor_user: i64,
    officer: i64,
    dir: &Path,
) -> anyhow::Result<History> {
    let mut h = History::default();
    let today = crate::clock::today();
    let now = Month::of(today);
    donors::set_preferences(
        db,
        donor,
        &donors::Preferences {
            email: Some("csr@semensejahtera.example".into()),
            public_name: true,
            leftover_to_pool: false,
            receipt_name: None,
            show_total: true,
        },
        DEMO,
        crate::clock::now(),
    )
    .await?;

    let first = now.minus(6);
    let small = past_donation(
        db,
        (donor, donor_user),
        "35.25.13",
        3,
        first,
        2,
        "DEMO-VA-PAST-1",
    )
    .await?;
    let recent = now.prev();
    past_donation(
        db,
        (donor, donor_user),
        "35.25.10",
        20,
        recent,
        2,
        "DEMO-VA-PAST-2",
    )
    .await?;

    // The three: A will pay alone, B will lapse, C is already an active participant (through
    // an employer) and is rejected by the insurer.
    let three: Vec<String> = donations::workers_of(db, small, 3, 0)
        .await?
        .into_iter()
        .map(|c| c.nik)
        .collect();
    let [a, b, c] = three.as_slice() else {
        anyhow::bail!("the demo's first donation did not find three workers");
    };
    workers::add_covered_niks(
        db,
        std::slice::from_ref(c),
        Actor::User(officer),
        crate::clock::now(),
    )
    .await?;
    let active: HashSet<String> = [c.clone()].into_iter().collect();

    for month in [first, first.next(), recent, now] {
        if month > now {
            continue;
        }
        h.rejected_refunded += cycle_and_confirm(db, month, dir, &active).await?;
        h.cycles.push(month.to_string());
    }
    // From the month after the sponsorship, A pays alone every month (the insurer's data),
    // and each month's lifecycle step runs.
    // Each month at its own price for A paying alone (PP 50/2025 halves it in 2026).
    let pricing = crate::db::rates::pricing(db).await?;
    let w = workers::by_nik(db, a)
        .await?
        .context("the demo's worker A is missing")?;
    let sector = lingkaran_domain::pricing::Sector::parse(&w.sector)
        .unwrap_or(lingkaran_domain::pricing::Sector::Other);
    let mut m = first.plus(2);
    while m <= now {
        let amount = pricing
            .price(
                m,
                w.income,
                lingkaran_domain::pricing::FundingSource::SelfPaid,
                sector,
            )?
            .total()?
            .get();
        let paid = SelfPayment {
            nik: a,
            month: m,
            amount,
            source: "insurer",
            reference: Some("JMO"),
            today: day(m, 10),
        };
        lifecycle::record_self_payment(db, &paid, Actor::User(officer), crate::clock::now())
            .await?
            .map_err(|p| anyhow::anyhow!("demo self-payment refused: {p:?}"))?;
        lifecycle::run(db, m, DEMO, crate::clock::now()).await?;
        m = m.next();
    }
    for (nik, list) in [(a, &mut h.mandiri), (b, &mut h.lapsed)] {
        let status = workers::by_nik(db, nik)
            .await?
            .context("the demo's worker is missing")?
            .status;
        use lingkaran_domain::worker::WorkerStatus::{Lapsed, Mandiri};
        if matches!(
            lingkaran_domain::worker::WorkerStatus::parse(&status),
            Some(Mandiri | Lapsed)
        ) {
            list.push(crate::privacy::gate::mask_nik(nik));
        }
    }
    let r = reminders::queue(
        db,
        today,
        &reminders::DEFAULT_DAYS,
        "http://127.0.0.1:8080",
        crate::clock::now(),
    )
    .await?;
    h.reminders = r.worker_messages + r.donor_messages;
    Ok(h)
}
