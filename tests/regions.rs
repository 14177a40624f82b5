//! What regions and the public see (issue 12), over HTTP on both stores: a region's coverage
//! in the API with its scope, figures uploaded by an officer of another region, the viewer's
//! dashboard, and the public summary with its small numbers hidden.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, PASSWORD};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{Choice, Criteria};
use serde_json::Value;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn csrf_field(html: &str) -> String {
    let key = r#"name="csrf" value=""#;
    let start = html.find(key).expect("a csrf field") + key.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn page(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A client signed in through `/masuk` as `username`.
async fn signed_in(app: &TestApp, username: &str) -> reqwest::Client {
    let http = client();
    let (_, html) = page(&http, app, "/masuk").await;
    let token = csrf_field(&html);
    let r = http
        .post(app.url("/masuk"))
        .form(&[
            ("csrf", token.as_str()),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    http
}

async fn figures(app: &TestApp) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/angka-wilayah.csv");
    lingkaran::usecase::figures::import(
        &app.db,
        &file,
        "angka-wilayah.csv",
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
}

both_dbs!(a_regions_coverage_is_read_within_scope, |db| async move {
    let app = TestApp::spawn(db.clone()).await;
    figures(&app).await;
    let viewer = app.user("pemkab", Role::Viewer, None, &["35.25"]).await;
    let other = app
        .user("pemkab-lain", Role::Viewer, None, &["35.24"])
        .await;
    let admin = app.user("admin", Role::Admin, None, &[]).await;

    // Gresik on 1 December 2025: 40,82% of a labour force of 715.619, target 52,69%.
    let (s, v) = app
        .get(&viewer, "/api/v1/regions/35.25/coverage?on=2025-12-01")
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["denominator"], 715_619);
    assert_eq!(v["definition"], "angkatan_kerja");
    assert_eq!(v["coverage_pct"], 40.82);
    assert_eq!(v["target_pct"], 52.69);
    // ceil(52,69% × 715.619) = 377.060, less the participants.
    assert_eq!(v["target_participants"], 377_060);
    assert_eq!(
        v["gap"].as_u64().unwrap(),
        377_060 - v["participants"].as_u64().unwrap()
    );
    // The day before the 2022 figure there is nothing.
    let (s, v) = app
        .get(&viewer, "/api/v1/regions/35.25/coverage?on=2022-12-01")
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v["participants"].is_null());

    // Another regency's government may not read Gresik, nor the nation.
    let (s, v) = app.get(&other, "/api/v1/regions/35.25/coverage").await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (s, _) = app.get(&viewer, "/api/v1/regions/0/coverage").await;
    assert_eq!(s, 403);
    // The admin reads the nation; a bad date and an unknown code are told apart.
    let (s, v) = app.get(&admin, "/api/v1/regions/0/coverage").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["region"]["name"], "Indonesia");
    let (s, v) = app
        .get(&admin, "/api/v1/regions/35.25/coverage?on=23-12-2022")
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (422, Some("invalid_date"))
    );
    let (s, _) = app.get(&admin, "/api/v1/regions/99.99/coverage").await;
    assert_eq!(s, 404);
    let long = "9".repeat(5000);
    let (s, _) = app
        .get(&admin, &format!("/api/v1/regions/{long}/coverage"))
        .await;
    assert_eq!(s, 404);
});

both_dbs!(
    an_officer_imports_only_their_regions_figures,
    |db| async move {
        let app = TestApp::spawn(db.clone()).await;
        let officer = app.user("petugas", Role::Officer, None, &["35.25"]).await;
        let viewer = app.user("pemkab", Role::Viewer, None, &["35.25"]).await;
        let csv = "kode_wilayah,tanggal,ukuran,nilai,definisi,sumber\n\
               35.25,2025-11-26,penyebut,715.619,angkatan_kerja,UCJ Gresik\n\
               35.25,2025-11-26,peserta,292.116,,BPJS TK Gresik\n\
               35.24,2025-11-26,peserta,100,,BPJS TK Lamongan\n\
               35.25,2025-11-26,peserta,banyak,,BPJS\n";
        let upload = |t: &common::Token| {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("angka.csv"),
            );
            app.client
                .post(app.url("/api/v1/figures"))
                .bearer_auth(&t.token)
                .multipart(form)
                .send()
        };
        let r = upload(&viewer).await.unwrap();
        assert_eq!(r.status(), 403, "a viewer changes nothing");
        let r = upload(&officer).await.unwrap();
        let (s, v) = common::status_json(r).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["rows"], 4);
        assert_eq!(v["added"], 2);
        let errors = v["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2, "{v}");
        assert_eq!(errors[0]["line"], 4);
        assert_eq!(errors[0]["column"], "kode_wilayah");
        assert_eq!(errors[0]["value"], "35.24");
        assert!(errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("di luar wilayah kerja"));
        assert_eq!(errors[1]["line"], 5);
        assert_eq!(errors[1]["value"], "banyak");
        // Again: nothing changes.
        let (_, v) = common::status_json(upload(&officer).await.unwrap()).await;
        assert_eq!(
            (v["added"].as_u64(), v["unchanged"].as_u64()),
            (Some(0), Some(2))
        );
        let (s, v) = app.get(&viewer, "/api/v1/regions/35.25/coverage").await;
        assert_eq!(s, 200);
        assert_eq!(v["coverage"]["numerator"], 292_116);
        assert_eq!(v["coverage"]["denominator"], 715_619);
    }
);

both_dbs!(the_viewer_opens_the_regions_dashboard, |db| async move {
    let app = TestApp::spawn(db.clone()).await;
    figures(&app).await;
    app.user("pemkab", Role::Viewer, None, &["35.25"]).await;
    let w = lingkaran::demo::funding_world(&db, "35.25.01", 12, 41)
        .await
        .unwrap();
    let donor = common::staff_donor(&db, "company", "PT Semen Gresik", w.officer).await;
    let choice = Choice::Criteria {
        criteria: Criteria::default(),
        count: 12,
    };
    common::give_and_pay(&db, donor, w.officer, choice, 2, "REG-1").await;

    let http = signed_in(&app, "pemkab").await;
    // The viewer's home is the region.
    let r = http.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/wilayah");
    let r = http.get(app.url("/wilayah")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/wilayah/35.25");
    let (s, html) = page(&http, &app, "/wilayah/35.25").await;
    assert_eq!(s, 200);
    assert!(html.contains("Cakupan Kabupaten Gresik"), "{html}");
    // Each percentage with its numerator, denominator and definition.
    assert!(html.contains("dari 715.619 (angkatan kerja)"));
    assert!(html.contains("52,69%"));
    assert!(html.contains(r#"id="grafik-tren""#), "the trend chart");
    assert!(
        html.contains(r#"id="grafik-wilayah""#),
        "the districts' bars"
    );
    assert!(html.contains(r#"id="grafik-sumber""#), "by source");
    // The district with the workers, and a link down into it.
    assert!(html.contains(r#"href="/wilayah/35.25.01""#));
    // The twelve funded workers of the first month appear as protected.
    let (_, district) = page(&http, &app, "/wilayah/35.25.01").await;
    assert!(
        district.contains("href=\"/wilayah/35.25\""),
        "the trail leads back up"
    );
    // Outside the scope: refused, and the trail above the regency is not offered.
    let (s, _) = page(&http, &app, "/wilayah/35.24").await;
    assert_eq!(s, 403);
    let (s, _) = page(&http, &app, "/wilayah/35").await;
    assert_eq!(s, 403);
    assert!(!html.contains(r#"href="/wilayah/35""#));
    let (s, _) = page(&http, &app, "/wilayah/35.25%27--").await;
    assert_eq!(s, 404);
    // English.
    let (_, en) = page(&http, &app, "/wilayah/35.25?lang=en").await;
    assert!(
        en.contains("of 715,619 (labour force") || en.contains("of 715.619 (labour force"),
        "{en}"
    );
});

both_dbs!(
    the_public_sees_totals_without_small_numbers,
    |db| async move {
        let app = TestApp::spawn(db.clone()).await;
        // Twelve workers in one district of Gresik, three in another regency: Lamongan's
        // three must not be published.
        let w = lingkaran::demo::funding_world(&db, "35.25.01", 12, 51)
            .await
            .unwrap();
        let donor = common::staff_donor(&db, "company", "PT Semen Gresik", w.officer).await;
        common::give_and_pay(
            &db,
            donor,
            w.officer,
            Choice::Criteria {
                criteria: Criteria::default(),
                count: 12,
            },
            1,
            "PUB-1",
        )
        .await;
        let lamongan = lingkaran::demo::verified_workers(
            &db,
            (w.proposer, w.organisation),
            w.officer,
            "35.24.01",
            3,
            52,
        )
        .await
        .unwrap();
        let zakat = common::staff_donor(&db, "institution", "Baznas Lamongan", w.officer).await;
        common::give_and_pay(
            &db,
            zakat,
            w.officer,
            Choice::Criteria {
                criteria: Criteria {
                    region: Some("35.24".into()),
                    ..Criteria::default()
                },
                count: 3,
            },
            1,
            "PUB-2",
        )
        .await;

        let r = app
            .client
            .get(app.url("/api/v1/public/summary"))
            .send()
            .await
            .unwrap();
        let (s, v): (u16, Value) = common::status_json(r).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["protected_now"], 15);
        let regency = |code: &str| {
            v["regencies"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["code"] == code)
                .cloned()
                .unwrap()
        };
        assert!(
            regency("35.24")["protected_now"].is_null(),
            "3 is not published"
        );
        // Gresik's 12 would give Lamongan's 3 away (15 − 12): withheld too.
        assert!(regency("35.25")["protected_now"].is_null());
        assert_eq!(v["provinces"][0]["protected_now"], 15);
        // The company chose to be named (companies are by default); the zakat body too.
        let names: Vec<&str> = v["donors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"PT Semen Gresik"), "{names:?}");
        // No NIK, name or phone of any worker anywhere in the document.
        let text = v.to_string();
        for id in w.workers.iter().chain(&lamongan) {
            let nik: String = lingkaran::db::workers::get(&db, *id)
                .await
                .unwrap()
                .unwrap()
                .nik;
            assert!(!text.contains(&nik));
        }

        // The page says "< 10", the CSV "<10"; neither needs signing in.
        let (s, html) = page(&client(), &app, "/transparansi").await;
        assert_eq!(s, 200);
        assert!(html.contains("&lt; 10"), "{html}");
        let (s, csv) = page(&client(), &app, "/transparansi/kabupaten.csv").await;
        assert_eq!(s, 200);
        assert!(
            csv.starts_with("kode_wilayah,nama,dilindungi_bulan_ini"),
            "{csv}"
        );
        assert!(csv.contains("35.24,Kabupaten Lamongan,<10"), "{csv}");
        let (s, _) = page(&client(), &app, "/transparansi/rahasia.csv").await;
        assert_eq!(s, 404);
        // The stranger's `/` explains and shows the live total.
        let (s, home) = page(&client(), &app, "/").await;
        assert_eq!(s, 200);
        assert!(home.contains("GN Lingkaran"));
        assert!(home.contains(r#"href="/transparansi""#));
        assert!(
            home.contains("Rp 16.800"),
            "the price paid from APBD this month"
        );
    }
);
