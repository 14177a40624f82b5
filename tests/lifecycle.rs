//! After the funded months (issue 4, part 4), on SQLite and PostgreSQL: a worker who pays
//! alone becomes `mandiri`, one with three unpaid months `lapsed`, the rest wait in the pool;
//! a worker who died stops their future months and the donor gets their money back;
//! graduation counts who still pays alone.
#![allow(clippy::unwrap_used)]

use crate::common;

use chrono::NaiveDate;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, Criteria};
use lingkaran::db::lifecycle::{self, GraduationBy, Recorded, SelfPayment, StopReason};
use lingkaran::db::{coverage, donors, ledger, payments, Db};
use lingkaran_domain::rates::Month;

async fn status(db: &Db, nik: &str) -> String {
    lingkaran::db::workers::by_nik(db, nik)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn events(db: &Db, action: &str) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM worker_events WHERE action = $1"
    )
    .bind(action)
    .fetch_one(pool)
    .await
    .unwrap())
}

async fn month_cost(db: &Db, worker: i64, month: Month) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT jkk + jkm FROM worker_months WHERE worker_id = $1 AND month = $2"
    )
    .bind(worker)
    .bind(month.yyyymm())
    .fetch_one(pool)
    .await
    .unwrap())
}

/// Three workers funded for two months from the first payable month, by a donor.
async fn sponsored(db: &Db) -> (i64, i64, i64, Vec<String>, Month) {
    let w = lingkaran::demo::funding_world(db, "35.25.01", 3, 33)
        .await
        .unwrap();
    let donor = common::staff_donor(db, "company", "PT Nelayan Sejahtera", w.officer).await;
    let choice = Choice::Criteria {
        criteria: Criteria::default(),
        count: 3,
    };
    let (made, _) = common::give_and_pay(db, donor, w.officer, choice, 2, "LIFE-1").await;
    let niks = donations::workers_of(db, made, 10, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.nik)
        .collect();
    let start = Month::first_payable(lingkaran::clock::today());
    (w.officer, donor, made, niks, start)
}

/// What a worker paying alone owes for `month`: `price_month` with funding `self`.
async fn self_price(db: &Db, nik: &str, month: Month) -> i64 {
    let w = lingkaran::db::workers::by_nik(db, nik)
        .await
        .unwrap()
        .unwrap();
    let sector = lingkaran_domain::pricing::Sector::parse(&w.sector).unwrap();
    lingkaran::db::rates::pricing(db)
        .await
        .unwrap()
        .price(
            month,
            w.income,
            lingkaran_domain::pricing::FundingSource::SelfPaid,
            sector,
        )
        .unwrap()
        .total()
        .unwrap()
        .get()
}

both_dbs!(after_the_funded_months, |db| async move {
    let (officer, _donor, _made, niks, start) = sponsored(&db).await;
    let last = start.next();
    let (a, b, c) = (&niks[0], &niks[1], &niks[2]);

    // The month after the last funded one: everyone is back in the pool, once.
    let after = last.next();
    let r = lifecycle::run(&db, after, Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!((r.mandiri, r.lapsed, r.back_to_pool), (0, 0, 3));
    let again = lifecycle::run(&db, after, Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(again.back_to_pool, 0, "the same month twice writes nothing");
    assert_eq!(events(&db, "back_to_pool").await, 3);
    assert_eq!(status(&db, a).await, "verified");

    // A pays the next month alone: mandiri at once, and protected by themself.
    let m1 = after.next();
    let paid = SelfPayment {
        nik: a,
        month: m1,
        amount: self_price(&db, a, m1).await,
        source: "manual",
        reference: Some("BPJS-KW-1"),
        today: NaiveDate::from_ymd_opt(m1.year(), m1.month(), 5).unwrap(),
    };
    let rec = lifecycle::record_self_payment(&db, &paid, Actor::User(officer), chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(rec, Recorded::New { ref status, .. } if status == "mandiri"));
    assert_eq!(status(&db, a).await, "mandiri");
    let twice =
        lifecycle::record_self_payment(&db, &paid, Actor::User(officer), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
    assert!(matches!(twice, Recorded::Duplicate { .. }), "recorded once");
    let on = NaiveDate::from_ymd_opt(m1.year(), m1.month(), 10).unwrap();
    let cov = coverage::check(&db, a, on).await.unwrap().coverage;
    assert!(cov.protected);
    assert_eq!(cov.payer, Some(lingkaran_domain::coverage::Payer::SelfPaid));

    // A month a donor pays cannot be paid again by hand.
    let funded_month = SelfPayment {
        month: start,
        ..paid.clone()
    };
    let refused = lifecycle::record_self_payment(
        &db,
        &funded_month,
        Actor::User(officer),
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(refused.code, "month_funded");

    // A self-payment must be the month's price for this worker paying alone, for a month near
    // the day it is recorded; 2^63 rupiah for month 0000-01 is refused in words.
    let m2 = m1.next();
    let wrong = SelfPayment {
        month: m2,
        amount: self_price(&db, a, m2).await + 1,
        ..paid.clone()
    };
    let refused =
        lifecycle::record_self_payment(&db, &wrong, Actor::User(officer), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap_err();
    assert_eq!(refused.code, "wrong_amount");
    assert!(refused.en.contains("does not match"), "{}", refused.en);
    let far = m1.plus(6);
    let late = SelfPayment {
        month: far,
        amount: self_price(&db, a, far).await,
        ..paid.clone()
    };
    let refused =
        lifecycle::record_self_payment(&db, &late, Actor::User(officer), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap_err();
    assert_eq!(refused.code, "month_outside_window");
    for amount in [i64::MAX, 16_800] {
        let absurd = SelfPayment {
            month: Month::parse("0000-01").unwrap(),
            amount,
            ..paid.clone()
        };
        let refused =
            lifecycle::record_self_payment(&db, &absurd, Actor::User(officer), chrono::Utc::now())
                .await
                .unwrap()
                .unwrap_err();
        assert!(
            ["bad_amount", "month_outside_window"].contains(&refused.code),
            "{refused:?}"
        );
    }
    assert_eq!(
        status(&db, b).await,
        "verified",
        "nothing recorded for the others"
    );

    // Three months after the last funded month with nothing paid: B and C lapse; A paid one of
    // them and stays mandiri.
    let m3 = last.plus(3);
    let r = lifecycle::run(&db, m3, Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!((r.mandiri, r.lapsed), (0, 2));
    assert_eq!(status(&db, a).await, "mandiri");
    assert_eq!(status(&db, b).await, "lapsed");
    assert_eq!(status(&db, c).await, "lapsed");
    assert_eq!(
        lifecycle::run(&db, m3, Actor::Cli, chrono::Utc::now())
            .await
            .unwrap()
            .lapsed,
        0
    );

    // The insurer's data says C paid month m3 alone: imported, C becomes mandiri. A bad line is
    // named and the rest recorded; the same file again records nothing.
    let c_price = self_price(&db, c, m3).await;
    let file = format!(
        "nik,bulan,iuran,referensi\n{c},{m3},{c_price},JMO-77\n{b},2027-13,16800,\n9999999999999999,{m3},16800,\n"
    );
    let per_line_before: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'self_payment.record'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let imp = lifecycle::import_self_payments(
        &db,
        &file,
        None,
        Actor::User(officer),
        NaiveDate::from_ymd_opt(m3.year(), m3.month(), 5).unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(imp.recorded, 1);
    assert_eq!(imp.errors.len(), 2);
    assert_eq!(
        (imp.errors[0].line, imp.errors[0].code.as_str()),
        (3, "bad_month")
    );
    assert_eq!(
        (imp.errors[1].line, imp.errors[1].code.as_str()),
        (4, "unknown_nik")
    );
    assert_eq!(status(&db, c).await, "mandiri");
    let imp2 = lifecycle::import_self_payments(
        &db,
        &file,
        None,
        Actor::User(officer),
        NaiveDate::from_ymd_opt(m3.year(), m3.month(), 5).unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!((imp2.recorded, imp2.duplicates), (0, 1));
    // Each import is one audit entry with its counts (its lines share one transaction), plus
    // C's change to mandiri; no entry per line.
    let imports: Vec<String> = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'self_payment.import' ORDER BY id"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(imports.len(), 2, "{imports:?}");
    let first: serde_json::Value = serde_json::from_str(&imports[0]).unwrap();
    assert_eq!(
        (&first["recorded"], &first["refused"]),
        (&serde_json::json!(1), &serde_json::json!(1)),
        "{first}"
    );
    let per_line: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'self_payment.record'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(per_line, per_line_before, "no entry per line");
    assert!(lingkaran::db::audit::verify(&db).await.unwrap().ok);

    // Graduation as of m3: the three ended with `last`; 3 months after is m3, when only C paid
    // (A paid m1 only).
    let by_donor = lifecycle::graduation(&db, m3, GraduationBy::Donor)
        .await
        .unwrap();
    assert_eq!(by_donor.len(), 1);
    assert_eq!(by_donor[0].name, "PT Nelayan Sejahtera");
    assert_eq!(by_donor[0].ended, 3);
    assert_eq!(by_donor[0].after, vec![(3, 3, 1), (6, 0, 0), (12, 0, 0)]);
    let by_region = lifecycle::graduation(&db, m3, GraduationBy::Region)
        .await
        .unwrap();
    assert_eq!(by_region.len(), 1);
    assert_eq!(by_region[0].key, "35.25");
    assert_eq!(by_region[0].after[0], (3, 3, 1));
    // Before the sponsorship ended, nobody counts.
    assert!(lifecycle::graduation(&db, last, GraduationBy::Donor)
        .await
        .unwrap()
        .is_empty());

    let check = ledger::check(&db).await.unwrap();
    assert!(check.violations.is_empty(), "{:?}", check.violations);
});

both_dbs!(death_stops_future_months, |db| async move {
    let (officer, donor, made, niks, start) = sponsored(&db).await;
    let last = start.next();
    let credit_before = payments::credit_of(&db, donor).await.unwrap();
    // The first month is remitted; then the worker dies in it.
    let dir = tempfile::tempdir().unwrap();
    lingkaran::usecase::cycle::run(&db, start, dir.path(), Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    let died = NaiveDate::from_ymd_opt(start.year(), start.month(), 20).unwrap();
    let worker: i64 = lingkaran::db::workers::by_nik(&db, &niks[0])
        .await
        .unwrap()
        .unwrap()
        .id;
    let cost = month_cost(&db, worker, last).await;
    let s = lifecycle::stop_worker(
        &db,
        worker,
        StopReason::Deceased,
        died,
        None,
        Actor::User(officer),
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        (s.months, s.amount, s.to_credit, s.to_pool),
        (1, cost, cost, 0)
    );
    assert_eq!(
        payments::credit_of(&db, donor).await.unwrap(),
        credit_before + cost,
        "the stopped month's money is the donor's credit again"
    );
    assert_eq!(status(&db, &niks[0]).await, "deceased");
    // Covered on the day of death (a JKM claim), not in the stopped month.
    assert!(
        coverage::check(&db, &niks[0], died)
            .await
            .unwrap()
            .coverage
            .protected
    );
    let next = NaiveDate::from_ymd_opt(last.year(), last.month(), 5).unwrap();
    assert!(
        !coverage::check(&db, &niks[0], next)
            .await
            .unwrap()
            .coverage
            .protected
    );
    // Dying twice is refused.
    assert_eq!(
        lifecycle::stop_worker(
            &db,
            worker,
            StopReason::Deceased,
            died,
            None,
            Actor::User(officer),
            chrono::Utc::now()
        )
        .await
        .unwrap()
        .unwrap_err()
        .code,
        "not_allowed"
    );

    // A donor who chose the pool: the second worker leaves, their month goes to the pool.
    donors::set_preferences(
        &db,
        donor,
        &donors::Preferences {
            email: Some("csr@nelayan.example".into()),
            public_name: true,
            leftover_to_pool: true,
            receipt_name: None,
            show_total: true,
        },
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let second: i64 = lingkaran::db::workers::by_nik(&db, &niks[1])
        .await
        .unwrap()
        .unwrap()
        .id;
    let cost2 = month_cost(&db, second, last).await;
    let s2 = lifecycle::stop_worker(
        &db,
        second,
        StopReason::Left,
        died,
        None,
        Actor::User(officer),
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((s2.to_credit, s2.to_pool), (0, cost2));
    assert_eq!(status(&db, &niks[1]).await, "left");

    // The cycle of the next month remits only the one worker left.
    let r = lingkaran::usecase::cycle::run(&db, last, dir.path(), Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(r.files[0].2, 1, "one worker-month remitted");
    let check = ledger::check(&db).await.unwrap();
    assert!(check.violations.is_empty(), "{:?}", check.violations);
    assert!(made > 0);
});

// The "done when": the demo runs several months end to end.
both_dbs!(the_demo_runs_months_end_to_end, |db| async move {
    let summary = lingkaran::demo::seed(&db, std::path::Path::new("remittances"))
        .await
        .unwrap();
    let h = &summary.history;
    assert!(h.cycles.len() >= 2, "two cycles or more: {:?}", h.cycles);
    assert!(h.rejected_refunded >= 1, "a rejected worker-month refunded");
    assert_eq!(h.mandiri.len(), 1, "one worker pays alone");
    assert_eq!(h.lapsed.len(), 1, "one worker lapsed");
    assert!(h.reminders > 0, "reminders in the outbox");
    let pending = outbox_count(&db, "pending").await;
    assert_eq!(pending as usize, h.reminders);
    // Every remitted month reconciles: nothing funded is missing from a file, every rejected
    // contribution came back, the insurer answered every line.
    for m in &h.cycles {
        let r = lingkaran::db::reconcile::month(&db, Month::parse(m).unwrap())
            .await
            .unwrap();
        assert!(r.differences.is_empty(), "{m}: {:?}", r.differences);
        assert!(r.programmes.iter().all(|p| p.remitted == Some(p.funded)));
    }
    let first = lingkaran::db::reconcile::month(&db, Month::parse(&h.cycles[0]).unwrap())
        .await
        .unwrap();
    assert_eq!(
        first.rejected.len(),
        2,
        "JKK and JKM of the one active participant"
    );
    assert!(first.rejected.iter().all(|x| x.nik_masked.contains('•')));
    // Every demo worker-month is priced by the rules: the CSR donor's months in a relieved
    // month (PP 50/2025) cost half, JKM Rp 3.400 instead of Rp 6.800.
    let pricing = lingkaran::db::rates::pricing(&db).await.unwrap();
    let months: Vec<(i64, i64, i64, String, String, i64)> = lingkaran::on_db!(&db, |pool| {
        sqlx::query_as(
            "SELECT m.month, m.jkk, m.jkm, d.funding_source, w.sector, w.income FROM worker_months m
             JOIN donations d ON d.id = m.donation_id JOIN workers w ON w.id = m.worker_id
             WHERE d.status = 'funded'",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    assert!(!months.is_empty());
    let mut relieved = 0;
    for (m, jkk, jkm, funding, sector, income) in &months {
        let p = pricing
            .price(
                Month::from_yyyymm(*m).unwrap(),
                *income,
                lingkaran_domain::pricing::FundingSource::parse(funding).unwrap(),
                lingkaran_domain::pricing::Sector::parse(sector).unwrap(),
            )
            .unwrap();
        assert_eq!(
            (p.jkk.get(), p.jkm.get()),
            (*jkk, *jkm),
            "{m} {funding} {sector}"
        );
        // The company's CSR months, and the regency's APBD months, which no relief touches.
        assert!(funding == "csr" || funding == "apbd", "{funding}");
        if funding == "apbd" {
            assert!(p.relief.is_none(), "PP 50/2025 excludes APBD: {m}");
        }
        if p.relief.is_some() {
            assert_eq!(*jkm, 3_400);
            relieved += 1;
        }
    }
    if Month::of(lingkaran::clock::today()) <= Month::parse("2026-12").unwrap() {
        assert!(relieved > 0, "the CSR donor's 2026 months are relieved");
    }
    let check = ledger::check(&db).await.unwrap();
    assert!(check.violations.is_empty(), "{:?}", check.violations);
    for f in std::fs::read_dir(&summary.dir).unwrap() {
        let p = f.unwrap().path();
        assert!(std::fs::metadata(&p).unwrap().len() > 0, "{}", p.display());
    }
    std::fs::remove_dir_all(&summary.dir).unwrap();
});

async fn outbox_count(db: &Db, status: &str) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE status = $1"
    )
    .bind(status)
    .fetch_one(pool)
    .await
    .unwrap())
}
