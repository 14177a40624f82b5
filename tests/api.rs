//! The HTTP API, end to end over a real socket, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{nik, TestApp};
use lingkaran::auth::Role;
use serde_json::{json, Value};

const SAWO: &str = "35.25.01.2001";

/// An app with an admin, an officer for Gresik, a proposer (Desa Sawo), a viewer and a donor.
struct World {
    app: TestApp,
    admin: common::Token,
    officer: common::Token,
    proposer: common::Token,
    viewer: common::Token,
    donor: common::Token,
    org: i64,
}

async fn world(db: lingkaran::db::Db) -> World {
    let app = TestApp::spawn(db).await;
    let org = app.org("Pemerintah Desa Sawo", SAWO).await;
    World {
        admin: app.user("admin", Role::Admin, None, &[]).await,
        officer: app.user("petugas", Role::Officer, None, &["35.25"]).await,
        proposer: app.user("desa.sawo", Role::Proposer, Some(org), &[]).await,
        viewer: app.user("pemkab", Role::Viewer, None, &["35.25"]).await,
        donor: app.user("donatur", Role::Donor, None, &[]).await,
        org,
        app,
    }
}

fn worker(nik: &str, name: &str) -> Value {
    json!({ "nik": nik, "full_name": name, "village_code": SAWO, "occupation": "petani" })
}

both_dbs!(
    regions_can_be_looked_up_listed_and_searched,
    |db| async move {
        let app = TestApp::spawn(db.clone()).await;
        let (s, r) = common::status_json(
            app.client
                .get(app.url("/api/v1/regions/35.25"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200);
        assert_eq!(r["name"], "Kabupaten Gresik");
        assert_eq!(r["level"], 2);
        assert_eq!(r["parent"], "35");
        let (_, c) = common::status_json(
            app.client
                .get(app.url("/api/v1/regions/35.25/children"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            c["children"].as_array().unwrap().len(),
            18,
            "Gresik has 18 districts"
        );
        let (_, p) = common::status_json(
            app.client
                .get(app.url("/api/v1/regions/0/children"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(p["children"].as_array().unwrap().len(), 38, "38 provinces");
        let (_, f) = common::status_json(
            app.client
                .get(app.url("/api/v1/regions?q=gresik&level=2"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(f["regions"][0]["code"], "35.25");
        let (s, e) = common::status_json(
            app.client
                .get(app.url("/api/v1/regions/35.99"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 404);
        assert_eq!(e["errors"][0]["code"], "not_found");
        let total: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM regions"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(total, 91_599);
    }
);

both_dbs!(nik_check_endpoint_explains_the_number, |db| async move {
    let w = world(db).await;
    let (s, r) = w
        .app
        .post(
            &w.viewer,
            "/api/v1/nik/check",
            json!({"nik": "3525-0156-0890-0001"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(r["valid"], true);
    assert_eq!(r["sex"], "F");
    assert_eq!(r["birth_date"], "1990-08-16");
    assert_eq!(r["district"]["name"], "Dukun");
    let (_, r) = w
        .app
        .post(
            &w.viewer,
            "/api/v1/nik/check",
            json!({"nik": "3525011502900000"}),
        )
        .await;
    assert_eq!(r["valid"], false);
    assert_eq!(r["errors"][0]["code"], "zero_serial");
    let r = w
        .app
        .client
        .post(w.app.url("/api/v1/nik/check"))
        .json(&json!({"nik": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "signed-in users only");
});

both_dbs!(
    a_worker_goes_from_proposed_to_verified_with_history,
    |db| async move {
        let w = world(db).await;
        let n = nik("352501", true, "1990-07-15", 2);
        let mut body = worker(&n, "Siti Aminah");
        body["phone"] = json!("0812-3456-7802");
        body["sex"] = json!("P");
        let (s, created) = w.app.post(&w.proposer, "/api/v1/workers", body).await;
        assert_eq!(s, 201, "{created}");
        assert_eq!(created["nik"], n, "the proposer sees the whole NIK");
        assert_eq!(created["phone"], "+6281234567802");
        assert_eq!(created["status"], "proposed");
        assert_eq!(created["income"], 1_000_000);
        let id = created["id"].as_i64().unwrap();

        let (_, seen) = w.app.get(&w.viewer, &format!("/api/v1/workers/{id}")).await;
        assert_eq!(
            seen["nik"],
            format!("{}.{} •••• •••• ••••", &n[..2], &n[2..4]),
            "viewers see it masked"
        );
        assert_eq!(seen["phone"], Value::Null);
        assert_eq!(seen["birth_date"], Value::Null);

        let (s, _) = w
            .app
            .post(
                &w.proposer,
                &format!("/api/v1/workers/{id}/verify"),
                json!({}),
            )
            .await;
        assert_eq!(s, 403, "a proposer never verifies");
        let (s, _) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/workers/{id}/reject"),
                json!({}),
            )
            .await;
        assert_eq!(s, 422, "a rejection needs a reason");
        let (s, v) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/workers/{id}/verify"),
                json!({"reason": "dokumen lengkap"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["status"], "verified");
        let (s, again) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/workers/{id}/verify"),
                json!({}),
            )
            .await;
        assert_eq!(s, 409, "{again}");

        let (_, shown) = w
            .app
            .get(&w.officer, &format!("/api/v1/workers/{id}"))
            .await;
        let history = shown["history"].as_array().unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0]["from"], "proposed");
        assert_eq!(history[0]["to"], "verified");
        assert_eq!(history[0]["by"]["name"], "petugas");
        assert_eq!(history[0]["reason"], "dokumen lengkap");
    }
);

both_dbs!(
    explicit_sex_and_birth_date_are_cross_checked,
    |db| async move {
        let w = world(db).await;
        let n = nik("352501", false, "1985-03-12", 1);
        let mut body = worker(&n, "Abdul Karim");
        body["sex"] = json!("P");
        body["birth_date"] = json!("13-03-1985");
        let (s, e) = w.app.post(&w.proposer, "/api/v1/workers", body).await;
        assert_eq!(s, 422);
        let codes: Vec<&str> = e["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, vec!["sex_mismatch", "birth_date_mismatch"]);
    }
);

both_dbs!(
    the_same_nik_twice_is_refused_naming_the_record,
    |db| async move {
        let w = world(db).await;
        let n = nik("352501", false, "1985-03-12", 1);
        let (_, first) = w
            .app
            .post(&w.proposer, "/api/v1/workers", worker(&n, "Abdul Karim"))
            .await;
        let (s, e) = w
            .app
            .post(&w.proposer, "/api/v1/workers", worker(&n, "Abdul Karim"))
            .await;
        assert_eq!(s, 409);
        assert_eq!(e["errors"][0]["code"], "duplicate_nik");
        let detail = e["errors"][0]["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("#{}", first["id"])), "{detail}");
        assert!(detail.contains("Abdul Karim"), "{detail}");
    }
);

both_dbs!(
    a_possible_duplicate_is_flagged_and_an_officer_decides,
    |db| async move {
        let w = world(db).await;
        let a = nik("352501", true, "1990-07-15", 2);
        let b = nik("352502", true, "1990-07-15", 11);
        let c = nik("352503", true, "1990-07-15", 12);
        let (_, first) = w
            .app
            .post(&w.proposer, "/api/v1/workers", worker(&a, "Siti Aminah"))
            .await;
        let (s, second) = w
            .app
            .post(&w.proposer, "/api/v1/workers", worker(&b, "SITI  AMINAH."))
            .await;
        assert_eq!(s, 201, "a possible duplicate is stored");
        assert_eq!(second["flag"], "possible_duplicate");
        // The proposer is not told which record (it may be another organisation's): the
        // warning names none, and the link is the officer's.
        assert_eq!(second["possible_duplicate_of"], Value::Null, "{second}");
        assert_eq!(second["warnings"][0]["code"], "possible_duplicate");
        let warning = second["warnings"][0].to_string();
        assert!(!warning.contains(&format!("#{}", first["id"])), "{warning}");
        let (_, seen) = w
            .app
            .get(&w.officer, &format!("/api/v1/workers/{}", second["id"]))
            .await;
        assert_eq!(seen["possible_duplicate_of"], first["id"], "{seen}");
        let (_, third) = w
            .app
            .post(&w.proposer, "/api/v1/workers", worker(&c, "Siti Aminah"))
            .await;

        let (_, q) = w
            .app
            .get(&w.officer, "/api/v1/queue?flag=possible_duplicate")
            .await;
        assert_eq!(q["total"], 2);

        let id2 = second["id"].as_i64().unwrap();
        let (s, d) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/workers/{id2}/duplicate"),
                json!({"decision": "distinct"}),
            )
            .await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["flag"], "distinct");
        assert_eq!(d["status"], "proposed");

        let id3 = third["id"].as_i64().unwrap();
        let (_, m) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/workers/{id3}/duplicate"),
                json!({"decision": "merge"}),
            )
            .await;
        assert_eq!(m["status"], "rejected");
        assert_eq!(m["flag"], "merged");
        assert!(m["status_reason"]
            .as_str()
            .unwrap()
            .contains(&format!("#{}", first["id"])));
        let (s, _) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/workers/{id3}/duplicate"),
                json!({"decision": "distinct"}),
            )
            .await;
        assert_eq!(s, 409, "decided once");
        let (_, hist) = w
            .app
            .get(&w.officer, &format!("/api/v1/workers/{id3}"))
            .await;
        assert_eq!(hist["history"][0]["action"], "merge");
    }
);

both_dbs!(the_sample_upload_reports_every_bad_row, |db| async move {
    let w = world(db).await;
    let bytes = std::fs::read("examples/upload-sample.csv").unwrap();
    let (s, r) = w
        .app
        .upload(&w.proposer, "upload-sample.csv", bytes.clone())
        .await;
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["rows"], 26);
    assert_eq!(r["accepted"], 11);
    assert_eq!(r["rejected"], 14);
    assert_eq!(r["duplicates"], 1);
    assert_eq!(r["possible_duplicates"], 1);
    let by_line: Vec<(i64, String, String)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_i64().unwrap(),
                e["column"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        (13, "nik", "wrong_length"),
        (14, "nik", "excel_scientific"),
        (15, "nik", "impossible_date"),
        (16, "nik", "unknown_province"),
        (17, "nik", "zero_serial"),
        (18, "jenis_kelamin", "sex_mismatch"),
        (19, "kode_desa", "unknown_village"),
        (20, "pekerjaan", "unknown_occupation"),
        (21, "penghasilan", "income_below_minimum"),
        (22, "desil", "invalid_decile"),
        (23, "nama", "invalid_name"),
        (24, "no_hp", "invalid_phone"),
        (25, "nik", "duplicate_in_file"),
        (26, "nik", "too_young"),
        (27, "kode_desa", "out_of_area"),
    ];
    let expected: Vec<(i64, String, String)> = expected
        .iter()
        .map(|(l, c, k)| (*l, c.to_string(), k.to_string()))
        .collect();
    assert_eq!(by_line, expected);
    for e in r["errors"].as_array().unwrap() {
        assert!(
            !e["message"].as_str().unwrap().is_empty()
                && !e["message_en"].as_str().unwrap().is_empty()
        );
    }
    assert_eq!(r["warnings"][0]["line"], 12);

    // The same file again: nothing new, the same report.
    let (s, again) = w.app.upload(&w.proposer, "lagi.csv", bytes.clone()).await;
    assert_eq!(s, 200);
    assert_eq!(again["already_imported"], true);
    assert_eq!(again["import_id"], r["import_id"]);
    // The same rows in other bytes: every good row is now a duplicate by NIK.
    let mut other = bytes.clone();
    other.extend_from_slice(b"\n\n");
    let (_, third) = w.app.upload(&w.proposer, "salinan.csv", other).await;
    assert_eq!(third["accepted"], 0);
    assert_eq!(third["duplicates"], 12);
    let (_, all) = w.app.get(&w.proposer, "/api/v1/workers?per_page=100").await;
    assert_eq!(all["total"], 11, "nothing stored twice");

    // The bad rows as CSV for the clerk.
    let id = r["import_id"].as_i64().unwrap();
    let csv = w
        .app
        .client
        .get(w.app.url(&format!("/api/v1/imports/{id}/errors.csv")))
        .bearer_auth(&w.proposer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "baris,kolom,nilai,kode,pesan,message"
    );
    assert_eq!(lines.count(), 15);
    assert!(text.contains("14,nik,3.52501E+15,excel_scientific"));
    let (s, _) = w.app.get(&w.viewer, &format!("/api/v1/imports/{id}")).await;
    assert_eq!(s, 404, "viewers do not read upload reports");
});

both_dbs!(
    the_insurers_active_participants_are_refused,
    |db| async move {
        let w = world(db).await;
        let n = nik("352501", false, "1980-01-01", 3);
        let r = w
            .app
            .client
            .post(w.app.url("/api/v1/covered-niks"))
            .bearer_auth(&w.officer.token)
            .body(format!("nik\n{n}\n12345\n"))
            .send()
            .await
            .unwrap();
        let (s, v) = common::status_json(r).await;
        assert_eq!(s, 200);
        assert_eq!(v["added"], 1);
        assert_eq!(v["invalid"][0]["line"], 3);
        let (s, e) = w
            .app
            .post(&w.proposer, "/api/v1/workers", worker(&n, "Slamet Riyadi"))
            .await;
        assert_eq!(s, 409);
        assert_eq!(e["errors"][0]["code"], "already_covered");
    }
);

both_dbs!(eligibility_is_a_programme_setting, |db| async move {
    let w = world(db).await;
    let (_, e) = w.app.get(&w.officer, "/api/v1/eligibility").await;
    assert_eq!(e["min_age"], 15);
    let (s, _) = w
        .app
        .put(
            &w.officer,
            "/api/v1/eligibility",
            json!({"min_age": 18, "max_age": 60}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = w
        .app
        .put(
            &w.admin,
            "/api/v1/eligibility",
            json!({"min_age": 18, "max_age": 60}),
        )
        .await;
    assert_eq!(s, 200);
    let old = nik("352501", false, "1950-01-01", 4);
    let (s, e) = w
        .app
        .post(&w.proposer, "/api/v1/workers", worker(&old, "Kasiman"))
        .await;
    assert_eq!(s, 422);
    assert_eq!(e["errors"][0]["code"], "too_old");
});

both_dbs!(
    officers_decide_in_bulk_and_search_finds_by_nik_name_region_status,
    |db| async move {
        let w = world(db).await;
        let mut ids = Vec::new();
        for i in 1..=5u16 {
            let n = nik("352501", false, "1980-05-05", i);
            let (_, c) = w
                .app
                .post(
                    &w.proposer,
                    "/api/v1/workers",
                    worker(
                        &n,
                        &format!(
                            "Pekerja {}",
                            ["Satu", "Dua", "Tiga", "Empat", "Lima"][usize::from(i) - 1]
                        ),
                    ),
                )
                .await;
            ids.push(c["id"].as_i64().unwrap());
        }
        let (_, b) = w
            .app
            .post(
                &w.officer,
                "/api/v1/workers/decisions",
                json!({"ids": &ids[..3], "action": "verify"}),
            )
            .await;
        assert_eq!(b["done"], 3);
        let (_, b) = w
            .app
            .post(
                &w.officer,
                "/api/v1/workers/decisions",
                json!({"ids": [ids[0], ids[3]], "action": "reject", "reason": "pindah domisili"}),
            )
            .await;
        assert_eq!(b["done"], 2, "a verified worker may still be rejected");
        let (_, b) = w
            .app
            .post(
                &w.officer,
                "/api/v1/workers/decisions",
                json!({"ids": [ids[4], 999_999], "action": "verify"}),
            )
            .await;
        assert_eq!(b["done"], 1);
        assert_eq!(b["failed"], 1);

        let (_, v) = w
            .app
            .get(&w.officer, "/api/v1/workers?status=verified")
            .await;
        assert_eq!(v["total"], 3);
        let n3 = nik("352501", false, "1980-05-05", 3);
        let (_, by_nik) = w
            .app
            .post(&w.officer, "/api/v1/workers/search", json!({ "nik": n3 }))
            .await;
        assert_eq!(by_nik["total"], 1);
        assert_eq!(by_nik["workers"][0]["full_name"], "Pekerja Tiga");
        let (_, by_name) = w.app.get(&w.officer, "/api/v1/workers?name=empat").await;
        assert_eq!(by_name["workers"][0]["full_name"], "Pekerja Empat");
        let (_, region) = w
            .app
            .get(
                &w.officer,
                "/api/v1/workers?region=35.25.01&per_page=2&page=2",
            )
            .await;
        assert_eq!(region["total"], 5);
        assert_eq!(region["workers"].as_array().unwrap().len(), 2);
        let (_, elsewhere) = w
            .app
            .get(&w.officer, "/api/v1/workers?region=35.25.02")
            .await;
        assert_eq!(elsewhere["total"], 0);
        let (s, _) = w
            .app
            .post(
                &w.officer,
                "/api/v1/workers/search",
                json!({ "nik": "123" }),
            )
            .await;
        assert_eq!(s, 422, "a malformed NIK in a search says so");
        // A NIK is never sent in a URL: refused, whoever asks.
        let (s, v) = w
            .app
            .get(&w.officer, &format!("/api/v1/workers?nik={n3}"))
            .await;
        assert_eq!(s, 422);
        assert_eq!(v["errors"][0]["code"], "nik_in_url");
        let (s, _) = w.app.get(&w.donor, "/api/v1/workers").await;
        assert_eq!(s, 403);
    }
);

both_dbs!(
    tokens_and_users_are_managed_through_the_api,
    |db| async move {
        let w = world(db).await;
        let (s, t) = common::status_json(
            w.app
                .client
                .post(w.app.url("/api/v1/auth/token"))
                .json(&json!({"username": "petugas", "password": common::PASSWORD}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 201);
        let token = common::Token {
            id: 0,
            token: t["token"].as_str().unwrap().to_string(),
        };
        let (_, me) = w.app.get(&token, "/api/v1/me").await;
        assert_eq!(me["role"], "officer");
        assert_eq!(me["scopes"], json!(["35.25"]));
        let (s, _) = common::status_json(
            w.app
                .client
                .post(w.app.url("/api/v1/auth/token"))
                .json(&json!({"username": "petugas", "password": "salah"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 401);

        let (s, o) = w
            .app
            .post(
                &w.admin,
                "/api/v1/organisations",
                json!({"name": "HNSI Ujungpangkah", "kind": "asosiasi", "region_code": "35.25.07"}),
            )
            .await;
        assert_eq!(s, 201);
        let (s, u) = w.app.post(&w.admin, "/api/v1/users", json!({"username": "hnsi", "full_name": "Ahmad Fauzi", "password": "rahasia-123", "role": "proposer", "organisation_id": o["id"]})).await;
        assert_eq!(s, 201, "{u}");
        let (s, _) = w.app.post(&w.admin, "/api/v1/users", json!({"username": "hnsi", "full_name": "X", "password": "rahasia-123", "role": "donor"})).await;
        assert_eq!(s, 409);
        let (s, _) = w.app.post(&w.admin, "/api/v1/users", json!({"username": "v2", "full_name": "X", "password": "rahasia-123", "role": "viewer"})).await;
        assert_eq!(s, 422, "a viewer needs a region");
        let (_, orgs) = w.app.get(&w.officer, "/api/v1/organisations").await;
        assert_eq!(orgs["organisations"].as_array().unwrap().len(), 2);
        let _ = w.org;
    }
);

both_dbs!(
    rates_are_added_only_for_future_months_and_quotes_use_them,
    |db| async move {
        let w = world(db).await;
        let (_, r) = w.app.get(&w.donor, "/api/v1/rates").await;
        assert_eq!(r["rates"][0]["effective_from"], "2021-04");
        assert_eq!(r["rates"][0]["jkm_flat"], 6_800);

        let (s, q) = w
            .app
            .post(
                &w.donor,
                "/api/v1/quotes",
                json!({"workers": 5000, "months": 12, "from": "2026-01"}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(q["total"], 1_008_000_000);
        assert_eq!(
            q["breakdown"],
            json!({"jkk": 600_000_000, "jkm": 408_000_000})
        );
        let (_, q) = w
            .app
            .post(
                &w.donor,
                "/api/v1/quotes",
                json!({"workers": 1, "months": 1}),
            )
            .await;
        let today = lingkaran::clock::today();
        assert_eq!(
            q["from"],
            lingkaran_domain::rates::Month::first_payable(today).to_string()
        );

        let rate = |month: &str| json!({"effective_from": month, "jkk_basis_points": 100, "jkk_min": 10000, "jkk_max": 207000, "jkm_flat": 68, "source": "uji"});
        let this_month = lingkaran_domain::rates::Month::of(today);
        let (s, e) = w
            .app
            .post(&w.admin, "/api/v1/rates", rate(&this_month.to_string()))
            .await;
        assert_eq!(s, 422, "a month already begun keeps its rate");
        assert_eq!(e["errors"][0]["code"], "rate_in_force");
        let (s, _) = w
            .app
            .post(&w.officer, "/api/v1/rates", rate("2099-01"))
            .await;
        assert_eq!(s, 403);
        let next = this_month.next().next();
        let (s, _) = w
            .app
            .post(&w.admin, "/api/v1/rates", rate(&next.to_string()))
            .await;
        assert_eq!(s, 201);
        let (s, _) = w
            .app
            .post(&w.admin, "/api/v1/rates", rate(&next.to_string()))
            .await;
        assert_eq!(s, 409);
        let (_, q) = w
            .app
            .post(
                &w.donor,
                "/api/v1/quotes",
                json!({"workers": 1, "months": 3, "from": this_month.to_string(), "funding": "apbd"}),
            )
            .await;
        let jkm: Vec<i64> = q["by_month"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["jkm"].as_i64().unwrap())
            .collect();
        assert_eq!(
            jkm,
            vec![6_800, 6_800, 68],
            "each month at the rate in force in it"
        );
        let (s, _) = w
            .app
            .post(
                &w.donor,
                "/api/v1/quotes",
                json!({"workers": 1, "months": 121}),
            )
            .await;
        assert_eq!(s, 422, "at most 120 months");
    }
);

both_dbs!(
    officers_create_donors_and_governments_budget_lines,
    |db| async move {
        let w = world(db).await;
        let (s, c) = w.app.post(&w.officer, "/api/v1/donors", json!({"kind": "company", "name": "PT Semen Sejahtera", "npwp": "01.234.567.8-901.000"})).await;
        assert_eq!(s, 201, "{c}");
        assert_eq!(c["npwp"], "012345678901000");
        let (s, e) = w
            .app
            .post(
                &w.officer,
                "/api/v1/donors",
                json!({"kind": "company", "name": "PT Tanpa NPWP"}),
            )
            .await;
        assert_eq!(
            (s, e["errors"][0]["code"].as_str()),
            (422, Some("npwp_required"))
        );
        let (s, e) = w
            .app
            .post(
                &w.officer,
                "/api/v1/donors",
                json!({"kind": "company", "name": "PT Salah", "npwp": "12.345"}),
            )
            .await;
        assert_eq!(
            (s, e["errors"][0]["code"].as_str()),
            (422, Some("invalid_npwp"))
        );
        let (s, _) = w
            .app
            .post(
                &w.officer,
                "/api/v1/donors",
                json!({"kind": "government", "name": "Pemkab Gresik"}),
            )
            .await;
        assert_eq!(s, 422, "a government names its region");
        let (s, g) = w.app.post(&w.officer, "/api/v1/donors", json!({"kind": "government", "name": "Pemerintah Kabupaten Gresik", "region_code": "35.25"})).await;
        assert_eq!(s, 201);
        assert_eq!(g["region"]["name"], "Kabupaten Gresik");
        let (s, _) = w
            .app
            .post(
                &w.proposer,
                "/api/v1/donors",
                json!({"kind": "institution", "name": "BAZNAS"}),
            )
            .await;
        assert_eq!(s, 403);

        let gid = g["id"].as_i64().unwrap();
        let line = json!({"source": "DBHCHT", "code": "1.02.01.2.02", "fiscal_year": 2026, "ceiling": 145_723_200});
        let (s, l) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/donors/{gid}/budget-lines"),
                line.clone(),
            )
            .await;
        assert_eq!(s, 201, "{l}");
        assert_eq!(l["source"], "dbhcht");
        let (s, _) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/donors/{gid}/budget-lines"),
                line,
            )
            .await;
        assert_eq!(s, 409, "one line per code and year");
        let cid = c["id"].as_i64().unwrap();
        let (s, _) = w
            .app
            .post(
                &w.officer,
                &format!("/api/v1/donors/{cid}/budget-lines"),
                json!({"source": "apbd", "code": "x", "fiscal_year": 2026, "ceiling": 1}),
            )
            .await;
        assert_eq!(s, 422, "companies have no budget lines");
        let (_, shown) = w
            .app
            .get(&w.officer, &format!("/api/v1/donors/{gid}"))
            .await;
        assert_eq!(shown["budget_lines"][0]["ceiling"], 145_723_200);
        let (_, mine) = w.app.get(&w.donor, "/api/v1/donors").await;
        assert_eq!(
            mine["donors"].as_array().unwrap().len(),
            0,
            "a donor account sees only its own"
        );
        let (s, _) = w.app.get(&w.donor, &format!("/api/v1/donors/{gid}")).await;
        assert_eq!(s, 404);
    }
);

// Found by schemathesis (.ci/schemathesis.sh): a `user_id` that names no user was a 500 (the
// store's foreign key refused the insert).
both_dbs!(a_donor_is_linked_only_to_a_donor_account, |db| async move {
    let w = world(db).await;
    let donor_input =
        |user: i64| json!({"kind": "individual", "name": "Budi Santoso", "user_id": user});
    for (user, why) in [
        (-23736, "no such user"),
        (w.officer.id, "an officer, not a donor"),
    ] {
        let (s, e) = w
            .app
            .post(&w.officer, "/api/v1/donors", donor_input(user))
            .await;
        assert_eq!(
            (s, e["errors"][0]["code"].as_str()),
            (422, Some("unknown_user")),
            "{why}: {e}"
        );
    }
    let (_, before) = w.app.get(&w.officer, "/api/v1/donors").await;
    assert_eq!(
        before["donors"].as_array().unwrap().len(),
        0,
        "nothing was stored"
    );
    let (s, d) = w
        .app
        .post(&w.officer, "/api/v1/donors", donor_input(w.donor.id))
        .await;
    assert_eq!(s, 201, "{d}");
    let (_, mine) = w.app.get(&w.donor, "/api/v1/donors").await;
    assert_eq!(
        mine["donors"][0]["id"], d["id"],
        "the donor account sees it: {mine}"
    );
});

both_dbs!(
    a_worker_whose_nik_has_an_old_merauke_code_is_stored_in_todays_merauke,
    |db| async move {
        // A man born 12-03-1985 whose NIK was issued in Merauke district before Papua's 2022
        // split, under 91.01.01; today Merauke is 93.01, and he lives in Samkai, 93.01.01.1002.
        let app = TestApp::spawn(db).await;
        let org = app.org("Pemerintah Desa Samkai", "93.01.01.1002").await;
        let proposer = app
            .user("desa.samkai", Role::Proposer, Some(org), &[])
            .await;
        let merauke = app
            .user("petugas.merauke", Role::Officer, None, &["93.01"])
            .await;
        let gresik = app
            .user("petugas.gresik", Role::Officer, None, &["35.25"])
            .await;
        let csv = "nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,pekerjaan\n\
                   9101011203850001,Yohanes Gebze,L,12-03-1985,93.01.01.1002,nelayan\n";
        let (s, r) = app.upload(&proposer, "merauke.csv", csv.into()).await;
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["accepted"], 1, "{r}");
        assert_eq!(r["rejected"], 0, "{r}");
        let w0 = &r["warnings"][0];
        assert_eq!(w0["line"], 2);
        assert_eq!(w0["code"], "historical_code", "{r}");
        assert!(w0["message"]
            .as_str()
            .unwrap()
            .contains("93.01 Kabupaten Merauke"));

        // Stored with today's regency, so Merauke's officer sees and verifies him …
        let (_, found) = app
            .post(
                &merauke,
                "/api/v1/workers/search",
                json!({ "nik": "9101011203850001" }),
            )
            .await;
        assert_eq!(found["total"], 1, "{found}");
        let id = found["workers"][0]["id"].as_i64().unwrap();
        assert_eq!(found["workers"][0]["regency"]["code"], "93.01");
        let (s, v) = app
            .post(&merauke, &format!("/api/v1/workers/{id}/verify"), json!({}))
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["status"], "verified");
        // … and Gresik's does not.
        let (s, _) = app.get(&gresik, &format!("/api/v1/workers/{id}")).await;
        assert_eq!(s, 404);

        // One worker entered by hand: accepted with the same warning.
        let (s, one) = app
            .post(
                &proposer,
                "/api/v1/workers",
                json!({"nik": "9101014507900002", "full_name": "Maria Kaize",
                       "village_code": "93.01.01.1002", "occupation": "petani"}),
            )
            .await;
        assert_eq!(s, 201, "{one}");
        assert_eq!(one["warnings"][0]["code"], "historical_code");

        // The API's NIK check names the current regency.
        let (s, c) = app
            .post(
                &merauke,
                "/api/v1/nik/check",
                json!({"nik": "9101011203850001"}),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(c["valid"], true);
        assert_eq!(c["regency"]["name"], "Kabupaten Merauke");
        assert_eq!(c["regency"]["current_code"], "93.01");
    }
);
