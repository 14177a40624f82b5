//! Who is protected when (issue 4, first part), on SQLite and PostgreSQL: the rules on the
//! first and last day of a funded period and the day after, through the CLI's exact JSON, the
//! API, and the public page that reveals nothing about unregistered NIKs.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{Datelike, Duration, NaiveDate};
use common::TestApp;
use lingkaran::auth::Role;
use lingkaran::db::donations::Choice;
use lingkaran::db::{donors, Db};
use lingkaran_domain::rates::Month;
use serde_json::{json, Value};

/// A worker of Dukun funded by PT Semen for 6 months from the first payable month; returns
/// (their NIK, birth date, the first day, the last day of the funded period).
async fn funded_worker(db: &Db) -> (String, NaiveDate, NaiveDate, NaiveDate) {
    let w = lingkaran::demo::funding_world(db, "35.25.01", 3, 9)
        .await
        .unwrap();
    let donor = donors::create(
        db,
        &donors::NewDonor {
            kind: "company",
            name: "PT Semen Sejahtera",
            npwp: Some("013456789012000"),
            region_code: None,
            user_id: None,
            created_by: w.officer,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let start = Month::first_payable(lingkaran::clock::today());
    let worker = lingkaran::db::workers::get(db, w.workers[0])
        .await
        .unwrap()
        .unwrap();
    let choice = Choice::Named {
        niks: vec![worker.nik.clone()],
        skip_unavailable: false,
    };
    common::give_and_pay(db, donor, w.officer, choice, 6, "COV-1").await;
    let first = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap();
    let last = lingkaran_domain::coverage::last_day(start.plus(5));
    (worker.nik, worker.birth_date, first, last)
}

both_urls!(
    coverage_check_answers_on_the_edges_of_a_funded_period,
    |url| async move {
        let db = Db::connect(&url, common::keys()).await.unwrap();
        db.migrate(chrono::Utc::now()).await.unwrap();
        let (nik, _, first, last) = funded_worker(&db).await;
        db.close().await;
        let run = |day: NaiveDate, nik: &str| {
            let o = common::lingkaran()
                .args(["coverage", "check", nik, "--on", &day.to_string(), "--json"])
                .env("LINGKARAN_DB", &url)
                .output()
                .unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            serde_json::from_slice::<Value>(&o.stdout).unwrap()
        };
        let protected = json!({
            "protected": true, "programmes": ["JKK", "JKM"], "source": "donor",
            "donor": { "name": "PT Semen Sejahtera" }, "until": last.to_string(),
            "status": "protected", "worker_status": "verified",
        });
        assert_eq!(run(first, &nik), protected, "first day");
        assert_eq!(run(last, &nik), protected, "last day");
        let after = run(last + Duration::days(1), &nik);
        assert_eq!(
            after,
            json!({
                "protected": false, "programmes": [], "source": null, "donor": null, "until": null,
                "status": "not_protected", "worker_status": "verified",
            }),
            "the day after"
        );
        assert_eq!(
            run(first - Duration::days(1), &nik)["protected"],
            false,
            "the day before"
        );
        let stranger = common::nik("352501", true, "1990-08-16", 4321);
        assert_eq!(run(first, &stranger)["status"], "not_registered");
    }
);

both_dbs!(
    the_api_and_the_public_page_answer_without_revealing,
    |db| async move {
        let (nik, birth, first, last) = funded_worker(&db).await;
        let app = TestApp::spawn(db.clone()).await;
        let officer = app
            .user("petugas.cek", Role::Officer, None, &["35.25"])
            .await;
        let outsider = app
            .user("petugas.luar", Role::Officer, None, &["35.15"])
            .await;
        let (s, v) = app
            .get(&officer, &format!("/api/v1/coverage/{nik}?on={first}"))
            .await;
        assert_eq!(s, 200);
        assert_eq!(v["until"], last.to_string());
        // An officer of another regency learns nothing about this worker.
        let (_, v) = app
            .get(&outsider, &format!("/api/v1/coverage/{nik}?on={first}"))
            .await;
        assert_eq!(v["status"], "not_registered");

        // The public page: today, the worker (whose first funded month may not have begun) and a
        // stranger see the same words unless the worker is protected today.
        let http = reqwest::Client::new();
        let ask = |nik: String, birth: String| {
            let http = &http;
            let app = &app;
            async move {
                let r = http
                    .post(app.url("/perlindungan"))
                    .form(&[("nik", nik.as_str()), ("lahir", birth.as_str())])
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let result = |html: &str| {
            let start = html.find("id=\"hasil\"").expect("a result");
            html[start..].split("</div>").next().unwrap().to_string()
        };
        let birth_text = format!("{:02}-{:02}-{}", birth.day(), birth.month(), birth.year());
        let today = lingkaran::clock::today();
        let (s, mine) = ask(nik.clone(), birth_text.clone()).await;
        assert_eq!(s, 200);
        if today >= first {
            assert!(mine.contains("PT Semen Sejahtera"), "{mine}");
            assert!(
                mine.contains(&lingkaran_domain::format::date(last, "id")),
                "{mine}"
            );
        }
        let stranger = common::nik("352501", true, "1990-08-16", 4321);
        let (_, theirs) = ask(stranger, "16-08-1990".into()).await;
        let (_, wrong_birth) = ask(nik.clone(), "01-01-1970".into()).await;
        assert_eq!(
            result(&theirs),
            result(&wrong_birth),
            "nothing tells them apart"
        );
        assert!(result(&theirs).contains("Tidak ada perlindungan aktif"));
        assert!(
            !theirs.contains(&nik) && !wrong_birth.contains(&nik),
            "the NIK is never echoed"
        );
        // Ten checks per network address in ten minutes; the 11th and later are refused.
        let mut last_status = 0;
        for _ in 0..10 {
            last_status = ask(nik.clone(), birth_text.clone()).await.0;
        }
        assert_eq!(last_status, 429);
    }
);
