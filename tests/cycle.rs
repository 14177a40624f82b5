//! The monthly cycle's first steps (issue 4), on SQLite and PostgreSQL: a month's
//! contributions leave each donation's escrow for the payables, are written to one remittance
//! file per programme and paid to BPJS; a second run posts nothing; `ledger check` stays clean.
#![allow(clippy::unwrap_used)]

use crate::common;

use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, Criteria};
use lingkaran::db::payments;
use lingkaran::db::{cycle, ledger, Db};
use lingkaran_domain::rates::Month;

async fn balance(db: &Db, code: &str) -> i64 {
    // Limited accounts are cached; unlimited ones are the sum of their transfers.
    lingkaran::on_db!(db, |pool| {
        sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COALESCE((SELECT SUM(amount) FROM ledger_transfers WHERE credit_account = $1), 0)
                   - COALESCE((SELECT SUM(amount) FROM ledger_transfers WHERE debit_account = $1), 0) AS BIGINT)"
    )
    .bind(code)
    .fetch_one(pool)
    .await
    .unwrap()
    })
}

both_dbs!(a_month_is_remitted_once, |db| async move {
    let w = lingkaran::demo::funding_world(&db, "35.25.01", 3, 21)
        .await
        .unwrap();
    let donor = common::staff_donor(&db, "institution", "Baznas Gresik", w.officer).await;
    let start = Month::first_payable(lingkaran::clock::today());
    let choice = Choice::Criteria {
        criteria: Criteria::default(),
        count: 3,
    };
    let (made, paid) = common::give_and_pay(&db, donor, w.officer, choice, 2, "CYC-1").await;
    let escrow = format!("escrow:{made}");
    assert_eq!(balance(&db, &escrow).await, paid);

    // The two months may cost differently (PP 50/2025 relieves some months, not others).
    let month_cost = lingkaran::on_db!(&db, |pool| {
        sqlx::query_scalar::<_, i64>(
        "SELECT CAST(SUM(jkk + jkm) AS BIGINT) FROM worker_months WHERE donation_id = $1 AND month = $2"
    )
    .bind(made)
    .bind(start.yyyymm())
    .fetch_one(pool)
    .await
    .unwrap()
    });
    let dir = tempfile::tempdir().unwrap();
    let first =
        lingkaran::usecase::cycle::run(&db, start, dir.path(), Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(first.donations, 1);
    // Two transfers to the payables and two payments to BPJS.
    assert_eq!(first.posted, 4);
    assert_eq!(first.jkk + first.jkm, month_cost, "one of the two months");
    assert_eq!(balance(&db, &escrow).await, paid - month_cost);
    assert_eq!(balance(&db, "payable_jkk").await, 0, "paid on to BPJS");
    assert_eq!(balance(&db, "remitted").await, month_cost);
    let jkk = std::fs::read_to_string(dir.path().join(format!("remit-{start}-JKK.csv"))).unwrap();
    let lines: Vec<&str> = jkk.lines().collect();
    assert_eq!(lines[0], "nik,nama,upah,jkk,donatur,donasi");
    assert_eq!(lines.len(), 5, "header, three workers, totals: {jkk}");
    assert!(lines[1].contains("Baznas Gresik") && lines[1].contains(&format!("DON-{made}")));
    assert_eq!(lines[4], format!("TOTAL,3,,{},,", first.jkk));

    // Again: nothing new is posted, the files are the same.
    let again =
        lingkaran::usecase::cycle::run(&db, start, dir.path(), Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(again.posted, 0);
    assert_eq!((again.jkk, again.jkm), (first.jkk, first.jkm));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(format!("remit-{start}-JKK.csv"))).unwrap(),
        jkk
    );
    // The insurer (played on this machine) already has one of the three as an active
    // participant: it rejects that one, and its JKK for the month comes back to the donor.
    let chosen = donations::workers_of(&db, made, 10, 0).await.unwrap();
    let active = chosen[1].nik.clone();
    let mut active_set = std::collections::HashSet::new();
    active_set.insert(active.clone());
    let remit = dir.path().join(format!("remit-{start}-JKK.csv"));
    let conf = dir.path().join("konfirmasi.csv");
    assert_eq!(
        lingkaran::insurer::confirm(&remit, &active_set, &conf).unwrap(),
        (2, 1)
    );
    let text = std::fs::read_to_string(&conf).unwrap();
    let credit_before = payments::credit_of(&db, donor).await.unwrap();
    let got = cycle::import_confirmation(&db, start, "JKK", &text, Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!((got.accepted, got.rejected, got.refunded), (2, 1, 1));
    assert!(got.unknown.is_empty(), "{:?}", got.unknown);
    let jkk_of_rejected = lingkaran::on_db!(&db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT jkk FROM worker_months WHERE worker_id = $1 AND month = $2"
    )
    .bind(chosen[1].worker_id)
    .bind(start.yyyymm())
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(
        payments::credit_of(&db, donor).await.unwrap(),
        credit_before + jkk_of_rejected,
        "the rejected month's JKK is the donor's credit again"
    );
    // The rejected month no longer counts as protection; the accepted ones do.
    let first_day = chrono::NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap();
    let rejected = lingkaran::db::coverage::check(&db, &active, first_day)
        .await
        .unwrap();
    assert!(!rejected.coverage.protected);
    let accepted = lingkaran::db::coverage::check(&db, &chosen[0].nik, first_day)
        .await
        .unwrap();
    assert!(accepted.coverage.protected);
    // The same file again changes nothing.
    let again =
        cycle::import_confirmation(&db, start, "JKK", &text, Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(again.refunded, 0);
    assert_eq!(
        payments::credit_of(&db, donor).await.unwrap(),
        credit_before + jkk_of_rejected
    );
    // A line about nobody is reported, not guessed.
    let stray = cycle::import_confirmation(
        &db,
        start,
        "JKK",
        "nik,status,kpj,alasan
3525010101900001,diterima,1,
",
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(stray.unknown.len(), 1);
    assert_eq!(stray.unknown[0].0, 2);
    // A hostile line (a formula for a KPJ, a reason of 5,000 characters) is reported with its
    // line and changes nothing: before, the formula became the worker's KPJ.
    let kpj_of = |id: i64| {
        let db = &db;
        async move {
            lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, Option<String>>(
                "SELECT kpj FROM workers WHERE id = $1"
            )
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap())
        }
    };
    let kpj_before = kpj_of(chosen[0].worker_id).await;
    assert!(kpj_before.is_some(), "accepted above, with a KPJ");
    let hostile = format!(
        "nik,status,kpj,alasan\n\n{},diterima,\"=HYPERLINK(\"\"http://x\"\")\",\n{},ditolak,,{}\n",
        chosen[0].nik,
        chosen[2].nik,
        "x".repeat(5000)
    );
    let refused =
        cycle::import_confirmation(&db, start, "JKK", &hostile, Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!((refused.accepted, refused.rejected), (0, 0));
    let lines: Vec<usize> = refused.unknown.iter().map(|u| u.0).collect();
    assert_eq!(lines, vec![3, 4], "editor lines, the blank one counted");
    assert!(
        refused.unknown[0].2.contains("KPJ"),
        "{:?}",
        refused.unknown
    );
    assert!(
        refused.unknown[1].2.contains("longer than"),
        "{:?}",
        refused.unknown
    );
    assert_eq!(kpj_of(chosen[0].worker_id).await, kpj_before);

    // The second month empties the escrow.
    let second = lingkaran::usecase::cycle::run(
        &db,
        start.next(),
        dir.path(),
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(second.posted, 4);
    assert_eq!(balance(&db, &escrow).await, 0);
    let r = ledger::check(&db).await.unwrap();
    assert!(r.violations.is_empty(), "{:?}", r.violations);
});

both_urls!(
    a_killed_cycle_run_again_finishes_exactly_the_rest,
    |url| async move {
        let db = Db::connect(&url, common::keys()).await.unwrap();
        db.migrate(chrono::Utc::now()).await.unwrap();
        let w = lingkaran::demo::funding_world(&db, "35.25.01", 120, 23)
            .await
            .unwrap();
        let donor = common::staff_donor(&db, "company", "PT Banyak Donasi", w.officer).await;
        let start = Month::first_payable(lingkaran::clock::today());
        // 120 one-worker donations, each paid.
        for i in 0..120 {
            let choice = Choice::Criteria {
                criteria: Criteria::default(),
                count: 1,
            };
            common::give_and_pay(&db, donor, w.officer, choice, 1, &format!("K-{i}")).await;
        }
        // Transfers to the payables (purpose 4 and 5 in the id's high half) and to BPJS (6).
        let count = |db: Db| async move {
            lingkaran::on_db!(&db, |pool| {
                sqlx::query_as::<_, (i64, i64)>(
            "SELECT CAST(COALESCE(SUM(CASE WHEN id LIKE '0000000000000004%' OR id LIKE '0000000000000005%' THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN id LIKE '0000000000000006%' THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM ledger_transfers"
        )
        .fetch_one(pool)
        .await
        .unwrap()
            })
        };
        let dir = tempfile::tempdir().unwrap();
        let cycle = |batch: &str| {
            common::lingkaran()
                .args([
                    "cycle",
                    "run",
                    "--month",
                    &start.to_string(),
                    "--json",
                    "--dir",
                ])
                .arg(dir.path())
                .env("LINGKARAN_DB", &url)
                .env("LINGKARAN_CYCLE_BATCH", batch)
                .env("LINGKARAN_LOG", "warn")
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        // Two donations per transaction: 60 commits. Kill it once some have landed.
        let mut child = cycle("2");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let (payables, _) = count(db.clone()).await;
            if payables > 0 || std::time::Instant::now() > deadline {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        // PostgreSQL may still finish a COMMIT the killed process had sent: count once the
        // server has let go of its connections (SQLite's writer died with the process).
        if let lingkaran::db::Pool::Postgres(pool) = &db.pool {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                let others: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()
                       AND backend_type = 'client backend' AND state IS DISTINCT FROM 'idle'",
                )
                .fetch_one(pool)
                .await
                .unwrap();
                if others == 0 || std::time::Instant::now() > deadline {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
        let (before, paid_before) = count(db.clone()).await;
        eprintln!("killed after {before} of 240 payable transfers, {paid_before} of 2 payments");
        assert!(
            before <= 240 && before % 2 == 0,
            "a donation's two transfers commit together: {before}"
        );

        // Run again: exactly the rest.
        let out = cycle("2").wait_with_output().unwrap();
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v["posted"].as_i64().unwrap(),
            (240 - before) + (2 - paid_before)
        );
        assert_eq!(count(db.clone()).await, (240, 2));
        let lines = std::fs::read_to_string(dir.path().join(format!("remit-{start}-JKM.csv")))
            .unwrap()
            .lines()
            .count();
        assert_eq!(lines, 122, "header, 120 workers, totals");
        // The insurer's answer through the commands an officer runs.
        let bin = |args: &[&str]| {
            common::lingkaran()
                .args(args)
                .env("LINGKARAN_DB", &url)
                .env("LINGKARAN_LOG", "warn")
                .output()
                .unwrap()
        };
        let remit = dir.path().join(format!("remit-{start}-JKM.csv"));
        let conf = dir.path().join(format!("konfirmasi-{start}-JKM.csv"));
        let o = bin(&[
            "cycle",
            "simulate-insurer",
            "--remittance",
            remit.to_str().unwrap(),
            "--out",
            conf.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = bin(&[
            "cycle",
            "confirm",
            "--month",
            &start.to_string(),
            "--programme",
            "JKM",
            "--file",
            conf.to_str().unwrap(),
            "--json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            (v["accepted"].as_i64(), v["rejected"].as_i64()),
            (Some(120), Some(0))
        );
        let kpj: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM workers WHERE kpj IS NOT NULL"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(kpj, 120, "every accepted worker has a KPJ number");
        let r = ledger::check(&db).await.unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        db.close().await;
    }
);

// Money that funds a month after that month was remitted goes in a supplementary batch, with
// its own files and payment; the first batch's files are never rewritten; late money is
// reported; the JSON twin says what the CSV says.
both_dbs!(late_money_goes_in_a_second_batch, |db| async move {
    let w = lingkaran::demo::funding_world(&db, "35.25.01", 5, 55)
        .await
        .unwrap();
    let donor = common::staff_donor(&db, "institution", "Baznas Gresik", w.officer).await;
    let start = Month::first_payable(lingkaran::clock::today());
    let three = Choice::Criteria {
        criteria: Criteria::default(),
        count: 3,
    };
    let (_, paid_first) = common::give_and_pay(&db, donor, w.officer, three, 1, "BATCH-1").await;
    let dir = tempfile::tempdir().unwrap();
    // A month nobody funds: nothing posted, no file written.
    let empty = lingkaran::usecase::cycle::run(
        &db,
        start.prev(),
        dir.path(),
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!((empty.posted, empty.files.len()), (0, 0));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let first =
        lingkaran::usecase::cycle::run(&db, start, dir.path(), Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(first.posted, 4);
    let jkk1 = dir.path().join(format!("remit-{start}-JKK.csv"));
    let before = std::fs::read(&jkk1).unwrap();

    // Two more workers are funded for the same month after it was remitted, and their money
    // came after the due date.
    let two = Choice::Criteria {
        criteria: Criteria::default(),
        count: 2,
    };
    let (late, paid_late) = common::give_and_pay(&db, donor, w.officer, two, 1, "BATCH-2").await;
    let after_due =
        lingkaran::db::reconcile::due_deadline(start).unwrap() + chrono::Duration::hours(1);
    lingkaran::on_db!(&db, |pool| sqlx::query(
        "UPDATE donations SET funded_at = $1 WHERE id = $2"
    )
    .bind(after_due)
    .bind(late)
    .execute(pool)
    .await
    .map(|_| ())
    .unwrap());
    let gap = lingkaran::db::reconcile::month(&db, start).await.unwrap();
    assert!(
        gap.differences
            .iter()
            .any(|d| d.en.contains("donors funded 5 worker-months")),
        "{:?}",
        gap.differences
    );
    let second =
        lingkaran::usecase::cycle::run(&db, start, dir.path(), Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
    assert_eq!(
        second.posted, 4,
        "two to the payables, two payments to BPJS"
    );
    assert_eq!(
        std::fs::read(&jkk1).unwrap(),
        before,
        "the first file is not rewritten"
    );
    let jkk2 =
        std::fs::read_to_string(dir.path().join(format!("remit-{start}-JKK-2.csv"))).unwrap();
    assert_eq!(
        jkk2.lines().count(),
        4,
        "header, the two late workers, totals: {jkk2}"
    );
    assert!(jkk2.contains(&format!("DON-{late}")));
    assert_eq!(
        second.jkk + second.jkm,
        paid_first + paid_late,
        "the month's total"
    );
    assert_eq!(balance(&db, "remitted").await, paid_first + paid_late);
    assert_eq!(balance(&db, "payable_jkk").await, 0);
    assert_eq!(
        lingkaran::usecase::cycle::run(&db, start, dir.path(), Actor::Cli, chrono::Utc::now())
            .await
            .unwrap()
            .posted,
        0
    );

    let r = lingkaran::db::reconcile::month(&db, start).await.unwrap();
    assert_eq!(r.programmes[0].remitted_lines, Some(5));
    assert_eq!(r.programmes[0].remitted, Some(r.programmes[0].funded));
    assert_eq!(r.programmes[0].paid_to_bpjs, r.programmes[0].funded);
    assert_eq!(r.late.len(), 1);
    assert_eq!((r.late[0].donation_id, r.late[0].worker_months), (late, 2));

    // The JSON twin of the first batch: the same lines and total as the CSV.
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join(format!("remit-{start}-JKK.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(json["bulan"], start.to_string());
    assert_eq!(
        (json["program"].as_str(), json["setoran"].as_i64()),
        (Some("JKK"), Some(1))
    );
    let lines = json["baris"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(json["jumlah_baris"], 3);
    let sum: i64 = lines.iter().map(|l| l["jkk"].as_i64().unwrap()).sum();
    assert_eq!(json["total"].as_i64(), Some(sum));
    let csv = String::from_utf8(before).unwrap();
    assert!(csv.ends_with(&format!("TOTAL,3,,{sum},,\n")), "{csv}");
    assert!(csv.contains(lines[0]["nik"].as_str().unwrap()));
    let check = ledger::check(&db).await.unwrap();
    assert!(check.violations.is_empty(), "{:?}", check.violations);
});
