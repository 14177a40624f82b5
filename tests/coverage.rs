//! Who is protected when (issue 4, first part), on SQLite and PostgreSQL: the rules on the
//! first and last day of a funded period and the day after, through the CLI's exact JSON, the
//! API, and the public page that reveals nothing about unregistered NIKs.
#![allow(clippy::unwrap_used)]

use crate::common;

use chrono::{Duration, NaiveDate};
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

/// Sets a worker's phone on record (`None`: no phone), sealed as the store keeps it and found
/// by the NIK's blind index.
async fn set_phone(db: &Db, nik: &str, phone: Option<&str>) {
    let sealed = phone.map(|p| db.keys().seal(lingkaran::privacy::Kind::Phone, p));
    let index = lingkaran::db::sealed::nik_index(db.keys(), nik);
    match &db.pool {
        lingkaran::db::Pool::Sqlite(p) => {
            sqlx::query("UPDATE workers SET phone = $1 WHERE nik_index = $2")
                .bind(sealed)
                .bind(index)
                .execute(p)
                .await
                .unwrap();
        }
        lingkaran::db::Pool::Postgres(p) => {
            sqlx::query("UPDATE workers SET phone = $1 WHERE nik_index = $2")
                .bind(sealed)
                .bind(index)
                .execute(p)
                .await
                .unwrap();
        }
    }
}

/// A public check from `app`, with extra headers; (status, the page).
async fn ask(app: &TestApp, nik: &str, digits: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut r = app
        .client
        .post(app.url("/perlindungan"))
        .form(&[("nik", nik), ("hp4", digits)]);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The answer's part of a page.
fn result(html: &str) -> String {
    let start = html.find("id=\"hasil\"").expect("a result");
    html[start..].split("</div>").next().unwrap().to_string()
}

both_dbs!(
    the_api_looks_up_a_nik_in_the_body_within_the_region,
    |db| async move {
        let (nik, _, first, last) = funded_worker(&db).await;
        let app = TestApp::spawn(db.clone()).await;
        let officer = app
            .user("petugas.cek", Role::Officer, None, &["35.25"])
            .await;
        let outsider = app
            .user("petugas.luar", Role::Officer, None, &["35.15"])
            .await;
        let viewer = app.user("pemda.cek", Role::Viewer, None, &["35.25"]).await;
        let ask_api = |t| {
            app.post(
                t,
                "/api/v1/coverage",
                json!({ "nik": nik, "on": first.to_string() }),
            )
        };
        let (s, v) = ask_api(&officer).await;
        assert_eq!(s, 200);
        assert_eq!(v["until"], last.to_string());
        // An officer of another regency learns nothing about this worker.
        let (_, v) = ask_api(&outsider).await;
        assert_eq!(v["status"], "not_registered");
        // A viewer sees masks: no look-up by whole NIK, which would complete one.
        let (s, _) = ask_api(&viewer).await;
        assert_eq!(s, 403);
        // The NIK is never in a URL: the old GET is gone.
        let r = app
            .client
            .get(app.url(&format!("/api/v1/coverage/{nik}")))
            .bearer_auth(&officer.token)
            .send()
            .await
            .unwrap();
        assert!([404, 405].contains(&r.status().as_u16()), "{}", r.status());
    }
);

both_dbs!(
    the_public_check_needs_the_phones_last_four_digits_and_answers_alike,
    |db| async move {
        let (nik, _, first, last) = funded_worker(&db).await;
        set_phone(&db, &nik, Some("0812-3456-7890")).await;
        // A second worker of the same village, not funded, with a phone; a third funded one
        // without a phone on record.
        let unfunded: String = lingkaran::db::workers::search(
            &db,
            &Default::default(),
            &lingkaran::auth::Principal {
                user_id: 0,
                username: "x".into(),
                full_name: "x".into(),
                role: Role::Admin,
                organisation_id: None,
                scopes: vec![],
                csrf_token: None,
            },
            1,
            10,
        )
        .await
        .unwrap()
        .0
        .into_iter()
        .map(|w| w.nik)
        .find(|n| *n != nik)
        .unwrap();
        set_phone(&db, &unfunded, Some("081299990001")).await;
        let app = TestApp::spawn(db.clone()).await;
        let today = lingkaran::clock::today();

        let (s, mine) = ask(&app, &nik, "7890", &[]).await;
        assert_eq!(s, 200);
        if today >= first {
            assert!(mine.contains("PT Semen Sejahtera"), "{mine}");
            assert!(
                mine.contains(&lingkaran_domain::format::date(last, "id")),
                "{mine}"
            );
        }
        // Unknown NIK, wrong digits, no phone on record, not protected: byte-identical.
        let stranger = common::nik("352501", true, "1990-08-16", 4321);
        let (_, unknown) = ask(&app, &stranger, "7890", &[]).await;
        let (_, wrong) = ask(&app, &nik, "7891", &[]).await;
        let (_, unprotected) = ask(&app, &unfunded, "0001", &[]).await;
        set_phone(&db, &nik, None).await;
        let (_, no_phone) = ask(&app, &nik, "7890", &[]).await;
        assert_eq!(unknown, wrong, "unknown NIK and wrong digits");
        assert_eq!(
            unknown, unprotected,
            "unknown NIK and an unprotected worker"
        );
        assert_eq!(unknown, no_phone, "unknown NIK and no phone on record");
        assert!(result(&unknown).contains("Tidak ada perlindungan aktif"));
        // The birth date is not a factor any more: the page does not ask for it.
        assert!(!unknown.contains("name=\"lahir\""));
        for page in [&mine, &unknown, &wrong, &unprotected] {
            assert!(
                !page.contains(&nik) && !page.contains(&stranger),
                "never echoed"
            );
        }
        // A mistyped NIK or digits get a format message, the same for every such NIK.
        let (s, typo) = ask(&app, "35250141019", "7890", &[]).await;
        assert_eq!(s, 422);
        assert!(result(&typo).contains("16 angka"), "{typo}");
        let (_, typo2) = ask(&app, "35x5014101900013", "7890", &[]).await;
        assert_eq!(result(&typo), result(&typo2));
        let (s, digits) = ask(&app, &nik, "78", &[]).await;
        assert_eq!(s, 422);
        assert!(result(&digits).contains("4 angka"), "{digits}");
    }
);

both_dbs!(
    the_public_checks_limit_is_kept_in_the_store_and_shared,
    |db| async move {
        let stranger = common::nik("352501", true, "1990-08-16", 4321);
        let settings = || {
            let mut s = lingkaran::app::Settings::from_env();
            s.checks_per_window = 3;
            s.trusted_proxy_header = None;
            s
        };
        // Two servers on one store share the count.
        let one = TestApp::spawn_with(db.clone(), settings()).await;
        let two = TestApp::spawn_with(db.clone(), settings()).await;
        assert_eq!(ask(&one, &stranger, "1234", &[]).await.0, 200);
        assert_eq!(ask(&two, &stranger, "1234", &[]).await.0, 200);
        assert_eq!(ask(&one, &stranger, "1234", &[]).await.0, 200);
        assert_eq!(ask(&two, &stranger, "1234", &[]).await.0, 429);
        assert_eq!(ask(&one, &stranger, "1234", &[]).await.0, 429);
        // Without a trusted header, a client's own X-Forwarded-For changes nothing.
        let (s, _) = ask(
            &one,
            &stranger,
            "1234",
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await;
        assert_eq!(s, 429, "a header nobody trusted is ignored");
    }
);

both_dbs!(
    behind_a_trusted_proxy_each_client_address_counts_alone,
    |db| async move {
        let stranger = common::nik("352501", true, "1990-08-16", 4321);
        let mut settings = lingkaran::app::Settings::from_env();
        settings.checks_per_window = 2;
        settings.trusted_proxy_header = Some("x-forwarded-for".into());
        let app = TestApp::spawn_with(db.clone(), settings).await;
        // The proxy appends the client's address: a forged first entry does not count.
        let a = [("x-forwarded-for", "198.51.100.1, 203.0.113.1")];
        let b = [("x-forwarded-for", "198.51.100.1, 203.0.113.2")];
        assert_eq!(ask(&app, &stranger, "1234", &a).await.0, 200);
        assert_eq!(ask(&app, &stranger, "1234", &a).await.0, 200);
        assert_eq!(ask(&app, &stranger, "1234", &a).await.0, 429);
        // Another client behind the same proxy (a village office's neighbour) is not blocked.
        assert_eq!(ask(&app, &stranger, "1234", &b).await.0, 200);
    }
);
