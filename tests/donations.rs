//! Donations in the store: holds, invoices, payments of every shape, and the ledger's checks.
#![allow(clippy::unwrap_used)]

use crate::common;

use chrono::{Duration, NaiveDate, Utc};
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, Criteria, NewDonation};
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::{donors, ledger, Db};
use lingkaran_domain::rates::Month;

/// A proposer, an officer and `n` verified workers in district 35.25.01 (Dukun).
async fn world(db: &Db, n: usize) -> lingkaran::demo::FundingWorld {
    lingkaran::demo::funding_world(db, "35.25.01", n, 7)
        .await
        .unwrap()
}

async fn donor(db: &Db, name: &str, by: i64) -> i64 {
    donors::create(
        db,
        &donors::NewDonor {
            kind: "institution",
            name,
            npwp: None,
            region_code: None,
            user_id: None,
            created_by: by,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
}

fn today() -> NaiveDate {
    lingkaran::clock::today()
}

fn criteria(donor_id: i64, by: i64, count: i64, months: u32) -> NewDonation {
    NewDonation {
        donor_id,
        budget_line_id: None,
        choice: Choice::Criteria {
            criteria: Criteria {
                region: Some("35.25.01".into()),
                ..Criteria::default()
            },
            count,
        },
        start: Month::first_payable(today()),
        months,
        extends_id: None,
        created_by: by,
        hold: Duration::hours(24),
        request_json: "{}".into(),
        today: today(),
    }
}

fn callback(va: &str, txn: &str, amount: i64) -> NewPayment {
    NewPayment {
        source: Source::Callback,
        reference: txn.into(),
        target: Target::Va(va.into()),
        amount,
        paid_on: today(),
        channel: Some("VIRTUAL_ACCOUNT_BCA".into()),
        evidence_name: None,
        evidence: None,
        recorded_by: Actor::System("provider"),
        note: None,
    }
}

async fn assert_ledger_clean(db: &Db) {
    let r = ledger::check(db).await.unwrap();
    assert!(r.violations.is_empty(), "ledger check: {:?}", r.violations);
}

/// Worker-months held or funded, and whether any (worker, month) appears twice (it cannot:
/// the primary key forbids it; this checks that nobody removed it).
async fn month_rows(db: &Db) -> (i64, i64) {
    lingkaran::on_db!(db, |pool| {
        sqlx::query_as::<_, (i64, i64)>(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COUNT(DISTINCT worker_id * 1000000 + month) AS BIGINT) FROM worker_months"
    )
    .fetch_one(pool)
    .await
    .unwrap()
    })
}

both_dbs!(
    a_donation_holds_workers_and_a_callback_funds_it_once,
    |db| async move {
        let w = world(&db, 300).await;
        let a = donor(&db, "Baznas Gresik", w.officer).await;
        let b = donor(&db, "PT Semen", w.officer).await;

        // Donor A asks for 100 workers of Dukun for 6 months.
        let made = donations::create(&db, &criteria(a, w.officer, 100, 6), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(made.shortfall, 0);
        let d1 = donations::get(&db, made.id).await.unwrap().unwrap();
        assert_eq!((d1.workers, d1.status.code()), (100, "held"));
        // Every demo income is Rp 1.000.000–2.500.000: JKK 1% (10,000–25,000) + JKM 6,800.
        assert!(d1.total >= 100 * 6 * 16_800 && d1.total <= 100 * 6 * 31_800);
        let inv1 = donations::invoice_of(&db, made.id).await.unwrap().unwrap();
        assert_eq!(inv1.amount, d1.total);
        assert_eq!(inv1.va_number.len(), 16);
        assert_eq!(month_rows(&db).await, (600, 600));

        // Donor B's overlapping request gets other workers.
        let made2 = donations::create(&db, &criteria(b, w.officer, 100, 6), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        let first: std::collections::HashSet<i64> = donations::workers_of(&db, made.id, 1000, 0)
            .await
            .unwrap()
            .iter()
            .map(|x| x.worker_id)
            .collect();
        let second: Vec<i64> = donations::workers_of(&db, made2.id, 1000, 0)
            .await
            .unwrap()
            .iter()
            .map(|x| x.worker_id)
            .collect();
        assert_eq!(second.len(), 100);
        assert!(second.iter().all(|id| !first.contains(id)), "overlap");

        // The fair order: A's workers are no richer (by decile) than any of B's.
        let rows = donations::workers_of(&db, made.id, 1000, 0).await.unwrap();
        assert_eq!(rows[0].rank, 1);
        assert!(
            rows[0].reason_id.starts_with("Urutan 1: desil"),
            "{}",
            rows[0].reason_id
        );

        // The callback arrives eleven times: booked once, donation funded once.
        let mut news = 0;
        for _ in 0..11 {
            let booked = payments::book(
                &db,
                &callback(&inv1.va_number, "DOKU-1", inv1.amount),
                chrono::Utc::now(),
            )
            .await
            .unwrap()
            .unwrap();
            news += usize::from(booked.new);
        }
        assert_eq!(news, 1);
        let d1 = donations::get(&db, made.id).await.unwrap().unwrap();
        assert_eq!((d1.status.code(), d1.funded_total), ("funded", d1.total));
        assert_eq!(payments::credit_of(&db, a).await.unwrap(), 0);
        assert_ledger_clean(&db).await;

        // The same transaction id with another amount is refused, not booked.
        let again = payments::book(
            &db,
            &callback(&inv1.va_number, "DOKU-1", 5),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert!(
            matches!(again.unwrap_err(), payments::BookRefusal::ReferenceReused { ref reference, .. } if reference == "DOKU-1")
        );
        // An unknown VA is refused with its number.
        let unknown = payments::book(
            &db,
            &callback("8890899999999999", "DOKU-X", 5),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap_err();
        assert_eq!(
            unknown,
            payments::BookRefusal::UnknownTarget(payments::Target::Va("8890899999999999".into()))
        );
        assert!(unknown.problem().id.contains("8890899999999999"));

        // B pays in two parts and a bit too much: funded after the second; the rest is credit.
        let inv2 = donations::invoice_of(&db, made2.id).await.unwrap().unwrap();
        let half = inv2.amount / 2;
        payments::book(
            &db,
            &callback(&inv2.va_number, "DOKU-2a", half),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        let d2 = donations::get(&db, made2.id).await.unwrap().unwrap();
        assert_eq!(d2.status.code(), "held", "half paid is not funded");
        let booked = payments::book(
            &db,
            &callback(&inv2.va_number, "DOKU-2b", inv2.amount - half + 50_000),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(booked.funded_donation, Some(made2.id));
        assert_eq!(payments::credit_of(&db, b).await.unwrap(), 50_000);

        // B has the 50,000 refunded; a second refund exceeds the credit and is refused.
        payments::refund(
            &db,
            b,
            50_000,
            "kelebihan bayar",
            Actor::User(w.officer),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        let refused = payments::refund(
            &db,
            b,
            1,
            "lagi",
            Actor::User(w.officer),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(refused.unwrap_err().code, "exceeds_credit");
        assert_eq!(month_rows(&db).await, (1200, 1200));
        assert_ledger_clean(&db).await;
    }
);

both_dbs!(
    a_late_payment_buys_what_is_still_free_and_the_rest_is_credit,
    |db| async move {
        let w = world(&db, 30).await;
        let a = donor(&db, "Donatur Terlambat", w.officer).await;
        let b = donor(&db, "Donatur Cepat", w.officer).await;
        // A's hold has already run out when B asks for 10 workers: the fair order gives B the
        // first 10 of A's 20.
        let late = NewDonation {
            hold: Duration::seconds(-1),
            ..criteria(a, w.officer, 20, 3)
        };
        let made = donations::create(&db, &late, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        let inv = donations::invoice_of(&db, made.id).await.unwrap().unwrap();
        donations::expire_holds(&db, Utc::now()).await.unwrap();
        let d = donations::get(&db, made.id).await.unwrap().unwrap();
        assert_eq!(d.status.code(), "expired");
        let fast = donations::create(&db, &criteria(b, w.officer, 10, 3), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        let taken_by_b: std::collections::HashSet<i64> =
            donations::workers_of(&db, fast.id, 100, 0)
                .await
                .unwrap()
                .iter()
                .map(|x| x.worker_id)
                .collect();
        assert_eq!(taken_by_b.len(), 10);
        let a_workers: Vec<i64> = donations::workers_of(&db, made.id, 100, 0)
            .await
            .unwrap()
            .iter()
            .map(|x| x.worker_id)
            .collect();
        let still_free = a_workers
            .iter()
            .filter(|id| !taken_by_b.contains(id))
            .count();
        assert_eq!(still_free, 10, "B took 10 of A's 20");

        // A pays the whole invoice late: it is recorded, funds the 10 still free, and the
        // rest becomes credit.
        let booked = payments::book(
            &db,
            &callback(&inv.va_number, "LATE-1", inv.amount),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert!(booked.new);
        let d = donations::get(&db, made.id).await.unwrap().unwrap();
        assert_eq!((d.status.code(), d.workers), ("funded", 10));
        assert_eq!(
            payments::credit_of(&db, a).await.unwrap(),
            inv.amount - d.funded_total
        );
        assert!(d.funded_total > 0);
        assert_ledger_clean(&db).await;
    }
);

both_dbs!(
    budgets_buy_whole_blocks_and_named_donations_explain_refusals,
    |db| async move {
        let w = world(&db, 20).await;
        let a = donor(&db, "Pemkab Gresik", w.officer).await;
        // Rp 1.000.000 for 12 months: whole blocks of at least 201,600 each.
        let budget = NewDonation {
            choice: Choice::Budget {
                criteria: Criteria::default(),
                rupiah: 1_000_000,
            },
            ..criteria(a, w.officer, 0, 12)
        };
        let made = donations::create(&db, &budget, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        let d = donations::get(&db, made.id).await.unwrap().unwrap();
        assert!(d.workers >= 1 && d.workers <= 4, "{}", d.workers);
        assert!(d.total <= 1_000_000 && d.total + 201_600 > 1_000_000 - 25_000 * 12 * 4);
        let inv = donations::invoice_of(&db, made.id).await.unwrap().unwrap();
        assert_eq!(inv.amount, 1_000_000, "the invoice asks for the budget");
        payments::book(
            &db,
            &callback(&inv.va_number, "APBD-1", 1_000_000),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            payments::credit_of(&db, a).await.unwrap(),
            1_000_000 - d.total,
            "the remainder becomes credit"
        );

        // A named donation with a NIK nobody registered is refused, naming it.
        let stranger = common::nik("352501", true, "1990-08-16", 4321);
        let named = NewDonation {
            choice: Choice::Named {
                niks: vec![stranger.clone()],
                skip_unavailable: false,
            },
            ..criteria(a, w.officer, 0, 1)
        };
        let problems = donations::create(&db, &named, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap_err();
        // One answer for every NIK it cannot fund, naming its place, never the NIK.
        assert_eq!(problems[0].code, "nik_unavailable");
        assert!(problems[0].id.contains("NIK nomor 1"), "{}", problems[0].id);
        assert!(!problems[0].id.contains(&stranger));
        // A worker already funded by the budget donation: refused, or skipped when asked.
        let funded_nik = donations::workers_of(&db, made.id, 1, 0).await.unwrap()[0]
            .nik
            .clone();
        let free_nik = {
            let funded: Vec<i64> = donations::workers_of(&db, made.id, 100, 0)
                .await
                .unwrap()
                .iter()
                .map(|x| x.worker_id)
                .collect();
            let id = *w.workers.iter().find(|id| !funded.contains(id)).unwrap();
            lingkaran::db::workers::get(&db, id)
                .await
                .unwrap()
                .unwrap()
                .nik
        };
        let both = vec![funded_nik.clone(), free_nik.clone()];
        let strict = NewDonation {
            choice: Choice::Named {
                niks: both.clone(),
                skip_unavailable: false,
            },
            ..criteria(a, w.officer, 0, 12)
        };
        let problems = donations::create(&db, &strict, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "nik_unavailable");
        let lenient = NewDonation {
            choice: Choice::Named {
                niks: both,
                skip_unavailable: true,
            },
            ..criteria(a, w.officer, 0, 12)
        };
        let made = donations::create(&db, &lenient, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(made.skipped.len(), 1);
        assert_eq!(made.skipped[0].0, funded_nik);
        let d = donations::get(&db, made.id).await.unwrap().unwrap();
        assert_eq!(d.workers, 1);
        // Pay it from the credit left by the budget, if it covers it.
        let credit = payments::credit_of(&db, a).await.unwrap();
        let funded = donations::settle(&db, made.id, Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(funded, credit >= d.total);
        assert_ledger_clean(&db).await;
    }
);

both_dbs!(a_budget_line_ceiling_is_never_exceeded, |db| async move {
    let w = world(&db, 40).await;
    let gov = donors::create(
        &db,
        &donors::NewDonor {
            kind: "government",
            name: "Pemerintah Kabupaten Gresik",
            npwp: None,
            region_code: Some("35.25"),
            user_id: None,
            created_by: w.officer,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    // APBD line with a ceiling of Rp 1.000.000.
    let line = donors::add_budget_line(
        &db,
        gov,
        "apbd",
        "5.1.02",
        2026,
        1_000_000,
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    let on_line = |rupiah: i64| NewDonation {
        donor_id: gov,
        budget_line_id: Some(line),
        choice: Choice::Budget {
            criteria: Criteria::default(),
            rupiah,
        },
        ..criteria(gov, w.officer, 0, 3)
    };
    donations::create(&db, &on_line(700_000), chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    // 700,000 is committed; 400,000 more would pass the ceiling.
    let refused = donations::create(&db, &on_line(400_000), chrono::Utc::now())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(refused[0].code, "over_ceiling");
    assert!(refused[0].id.contains("Rp 300.000"), "{}", refused[0].id);
    // What is left still fits.
    donations::create(&db, &on_line(300_000), chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    // Another donor's line is refused by name.
    let other = donor(&db, "Bukan Pemerintah", w.officer).await;
    let wrong = NewDonation {
        donor_id: other,
        ..on_line(100_000)
    };
    let refused = donations::create(&db, &wrong, chrono::Utc::now())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(refused[0].code, "unknown_budget_line");
    assert_ledger_clean(&db).await;
});

both_dbs!(
    a_callback_after_the_statement_confirms_the_money_instead_of_booking_it_twice,
    |db| async move {
        let w = world(&db, 10).await;
        let a = donor(&db, "Donatur Lambat", w.officer).await;
        let made = donations::create(&db, &criteria(a, w.officer, 5, 2), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        let inv = donations::invoice_of(&db, made.id).await.unwrap().unwrap();
        let amount = lingkaran_domain::format::rupiah(inv.amount).replace("Rp ", "");
        let csv = format!(
            "tanggal;keterangan;referensi;jumlah\n25/11/2026;VA {} DONASI;FT1;{amount}\n",
            inv.va_number
        );
        let report = lingkaran::db::statements::import(
            &db,
            "mutasi.csv",
            csv.as_bytes(),
            Some("1230004567890"),
            Actor::User(w.officer),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(report.matched, 1);
        let d = donations::get(&db, made.id).await.unwrap().unwrap();
        assert_eq!(d.status.code(), "funded");
        // The provider's notification arrives a day late, twice.
        for _ in 0..2 {
            let late = payments::book(
                &db,
                &callback(&inv.va_number, "DOKU-LATE", inv.amount),
                chrono::Utc::now(),
            )
            .await
            .unwrap()
            .unwrap();
            assert!(!late.new, "the money was already booked from the statement");
        }
        assert_eq!(payments::credit_of(&db, a).await.unwrap(), 0);
        let n: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM payments"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(n, 1);
        assert_ledger_clean(&db).await;
    }
);

both_dbs!(
    ledger_check_names_worker_months_that_point_nowhere,
    |db| async move {
        let w = world(&db, 3).await;
        assert_ledger_clean(&db).await;
        // The bulk tables carry no foreign keys; the audit catches what a key would have.
        lingkaran::on_db!(&db, |pool| sqlx::query(
            "INSERT INTO worker_months (worker_id, month, donation_id, jkk, jkm) VALUES ($1, 202701, 999999, 10000, 6800)"
        )
        .bind(w.workers[0])
        .execute(pool)
        .await
        .map(|_| ()))
        .unwrap();
        let r = ledger::check(&db).await.unwrap();
        // …and that the worker's "taken through" month no longer tells the truth.
        assert_eq!(
            r.violations,
            vec![
                "1 worker-months name a donation or worker that does not exist",
                "1 workers are marked taken through an earlier month than they are"
            ]
        );
    }
);

both_dbs!(
    a_big_block_that_meets_a_held_month_still_takes_every_free_worker,
    |db| async move {
        let w = world(&db, 120).await;
        let a = donor(&db, "Donatur A", w.officer).await;
        let b = donor(&db, "Donatur B", w.officer).await;
        // A holds one worker for a year.
        let one = lingkaran::db::workers::get(&db, w.workers[7])
            .await
            .unwrap()
            .unwrap()
            .nik;
        let named = |donor_id: i64, niks: Vec<String>| NewDonation {
            choice: Choice::Named {
                niks,
                skip_unavailable: true,
            },
            ..criteria(donor_id, w.officer, 0, 12)
        };
        donations::create(&db, &named(a, vec![one.clone()]), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        // B names 100 workers including that one: 1,200 worker-months in one block, one of
        // which is taken. B gets the 99 others and is told about the one.
        let mut niks = Vec::new();
        for id in &w.workers[..100] {
            niks.push(
                lingkaran::db::workers::get(&db, *id)
                    .await
                    .unwrap()
                    .unwrap()
                    .nik,
            );
        }
        let made = donations::create(&db, &named(b, niks), chrono::Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(made.skipped.len(), 1);
        assert_eq!(made.skipped[0].0, one);
        assert_eq!(made.skipped[0].1.code, "nik_unavailable");
        let d = donations::get(&db, made.id).await.unwrap().unwrap();
        assert_eq!(d.workers, 99);
        assert_eq!(month_rows(&db).await, (1_200, 1_200));
    }
);
