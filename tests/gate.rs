//! The personal-data gate (issue 10, docs/privacy.md), on SQLite and PostgreSQL: a scope
//! matrix of every kind of caller against every endpoint and page that shows a worker, with
//! assertions on the bytes of each answer; the oracles (named donations, duplicate NIKs,
//! exact-NIK search) answering alike; and admins' reveals and exports on the audit trail.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{nik, TestApp, Token};
use lingkaran::auth::Role;
use lingkaran_domain::rates::Month;
use serde_json::{json, Value};

const PHONE: &str = "081234567890";

/// One worker of Desa Sawo (Gresik, 35.25) with a phone, verified and held by a donation of
/// a verified donor; every kind of caller.
struct World {
    app: TestApp,
    nik: String,
    worker_id: i64,
    donation_id: i64,
    donor_id: i64,
    import_id: i64,
    callers: Vec<(&'static str, Option<Token>)>,
}

impl World {
    fn token(&self, who: &str) -> &Token {
        self.callers
            .iter()
            .find(|(n, _)| *n == who)
            .and_then(|(_, t)| t.as_ref())
            .unwrap()
    }
}

/// Who may see the worker whole: the rule of docs/privacy.md.
const WHOLE: [&str; 3] = ["admin", "officer", "proposer"];

async fn world(db: lingkaran::db::Db) -> World {
    let app = TestApp::spawn(db).await;
    let sawo = app.org("Desa Sawo", "35.25.01.2001").await;
    let other = app.org("Desa Karangcangkring", "35.25.01.2002").await;
    let admin = app.user("admin", Role::Admin, None, &[]).await;
    let officer = app.user("officer", Role::Officer, None, &["35.25"]).await;
    let proposer = app.user("proposer", Role::Proposer, Some(sawo), &[]).await;
    let n = nik("352501", false, "1985-03-12", 7);
    let (s, w) = app
        .post(
            &proposer,
            "/api/v1/workers",
            json!({"nik": n, "full_name": "Abdul Karim Wijaya", "village_code": "35.25.01.2001",
                   "occupation": "petani", "phone": PHONE}),
        )
        .await;
    assert_eq!(s, 201, "{w}");
    let worker_id = w["id"].as_i64().unwrap();
    let (s, _) = app
        .post(
            &officer,
            &format!("/api/v1/workers/{worker_id}/verify"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    // An upload whose report holds a bad row carrying the NIK (errors.csv).
    let csv =
        format!("nik,nama,kode_desa,pekerjaan\n{n},Abdul Karim Wijaya,35.25.01.2001,petani\n");
    let (_, i) = app.upload(&proposer, "a.csv", csv.into_bytes()).await;
    let (funder, donor_id) = app.sign_up("donatur.a", "Donatur A").await;
    let (s, _) = app
        .post(
            &officer,
            &format!("/api/v1/donors/{donor_id}/verify"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let start = Month::first_payable(lingkaran::clock::today()).to_string();
    let (s, d) = app
        .post(
            &funder,
            "/api/v1/donations",
            json!({"mode": "named", "niks": [n], "months": 3, "start": start}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let (other_donor, _) = app.sign_up("donatur.b", "Donatur B").await;
    let callers = vec![
        ("admin", Some(admin)),
        ("officer", Some(officer)),
        ("proposer", Some(proposer)),
        (
            "officer_elsewhere",
            Some(app.user("officer2", Role::Officer, None, &["35.15"]).await),
        ),
        (
            "viewer",
            Some(app.user("viewer", Role::Viewer, None, &["35.25"]).await),
        ),
        (
            "viewer_elsewhere",
            Some(app.user("viewer2", Role::Viewer, None, &["35.15"]).await),
        ),
        (
            "proposer_elsewhere",
            Some(
                app.user("proposer2", Role::Proposer, Some(other), &[])
                    .await,
            ),
        ),
        ("donor_funding", Some(funder)),
        ("donor_not_funding", Some(other_donor)),
        ("anonymous", None),
    ];
    World {
        nik: n,
        worker_id,
        donation_id: d["id"].as_i64().unwrap(),
        donor_id,
        import_id: i["import_id"].as_i64().unwrap(),
        app,
        callers,
    }
}

/// A GET as `who` (anonymous: no token); the status and the bytes of the answer.
async fn raw(w: &World, who: Option<&Token>, path: &str) -> (u16, String) {
    let mut r = w.app.client.get(w.app.url(path));
    if let Some(t) = who {
        r = r.bearer_auth(&t.token);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// What must never reach a caller who may not see the worker whole.
fn leaks(w: &World, body: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    if body.contains(&w.nik) {
        found.push("whole NIK");
    }
    if body.contains(PHONE) || body.contains("1234567890") {
        found.push("phone");
    }
    if body.contains("1985-03-12") || body.contains("12-03-1985") || body.contains("12 Maret 1985")
    {
        found.push("birth date");
    }
    if body.contains("Abdul Karim Wijaya") {
        found.push("full name");
    }
    found
}

both_dbs!(
    no_caller_out_of_scope_gets_a_whole_nik_phone_or_birth_date,
    |db| async move {
        let w = world(db).await;
        let month = Month::first_payable(lingkaran::clock::today()).to_string();
        let paths = [
            "/api/v1/workers".to_string(),
            "/api/v1/workers?name=Abdul".to_string(),
            format!("/api/v1/workers/{}", w.worker_id),
            "/api/v1/queue".to_string(),
            format!("/api/v1/donations/{}/workers", w.donation_id),
            format!("/api/v1/donations/{}", w.donation_id),
            format!("/api/v1/cycle/{month}"),
            "/api/v1/outbox".to_string(),
            format!("/api/v1/donors/{}/account", w.donor_id),
            "/api/v1/duplicate-submissions".to_string(),
            format!("/api/v1/imports/{}", w.import_id),
            format!("/api/v1/imports/{}/errors.csv", w.import_id),
            format!("/donasi/{}", w.donation_id),
            "/antrian".to_string(),
            format!("/siklus?bulan={month}"),
            format!("/akun?donor={}", w.donor_id),
        ];
        for (who, token) in &w.callers {
            for path in &paths {
                let (status, body) = raw(&w, token.as_ref(), path).await;
                let whole = WHOLE.contains(who);
                let found = leaks(&w, &body);
                // The proposer's own upload carries the NIK it sent (errors.csv), by design.
                let own_upload = *who == "proposer" && path.contains("/imports/");
                if !whole && !own_upload {
                    assert!(
                        found.is_empty(),
                        "{who} GET {path} ({status}) leaks {found:?}: {body}"
                    );
                }
            }
        }
        // Those who may see the worker whole do.
        for who in WHOLE {
            let (s, body) = raw(
                &w,
                Some(w.token(who)),
                &format!("/api/v1/workers/{}", w.worker_id),
            )
            .await;
            assert_eq!(s, 200, "{who}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["nik"], w.nik, "{who}");
            assert_eq!(v["phone"], "+6281234567890", "{who}");
            assert_eq!(v["birth_date"], "1985-03-12", "{who}");
        }
        // A viewer in scope sees the mask, the masked name and the age, no birth date or phone.
        let (_, body) = raw(
            &w,
            Some(w.token("viewer")),
            &format!("/api/v1/workers/{}", w.worker_id),
        )
        .await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["nik"], "35.25 •••• •••• ••••");
        assert_eq!(v["full_name"], "Abdul K. W.");
        assert_eq!(v["birth_date"], Value::Null);
        assert_eq!(v["phone"], Value::Null);
        assert!(v["age"].as_i64().unwrap() >= 40);
        assert!(v.get("birth_year").is_none(), "no birth year beside a mask");
        // Out of scope: the worker does not exist.
        for who in [
            "officer_elsewhere",
            "viewer_elsewhere",
            "proposer_elsewhere",
            "donor_funding",
        ] {
            let (s, _) = raw(
                &w,
                Some(w.token(who)),
                &format!("/api/v1/workers/{}", w.worker_id),
            )
            .await;
            assert!([403, 404].contains(&s), "{who}: {s}");
        }
        // The donation's workers: the donor who funds them sees the mask; an officer of
        // another region sees none of them; an officer in scope and an admin see them whole.
        let list = |who: &'static str| {
            let w = &w;
            async move {
                let (s, body) = raw(
                    w,
                    Some(w.token(who)),
                    &format!("/api/v1/donations/{}/workers", w.donation_id),
                )
                .await;
                (
                    s,
                    serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
                )
            }
        };
        let (_, v) = list("donor_funding").await;
        assert_eq!(v["workers"][0]["nik"], "35.25 •••• •••• ••••");
        assert_eq!(v["workers"][0]["name"], "Abdul K. W.");
        let (s, v) = list("officer_elsewhere").await;
        assert_eq!(s, 200);
        assert_eq!(v["total"], 0);
        assert_eq!(v["workers"], json!([]));
        let (_, v) = list("officer").await;
        assert_eq!(v["workers"][0]["nik"], w.nik);
        let (_, v) = list("admin").await;
        assert_eq!(v["workers"][0]["nik"], w.nik);
        let (s, _) = list("donor_not_funding").await;
        assert_eq!(s, 404);
        // The same on the donation's page.
        let donation_page = format!("/donasi/{}", w.donation_id);
        let (s, html) = raw(&w, Some(w.token("officer")), &donation_page).await;
        assert_eq!(s, 200);
        assert!(html.contains(&w.nik), "an officer in scope sees the NIK");
        let (s, html) = raw(&w, Some(w.token("officer_elsewhere")), &donation_page).await;
        assert_eq!(s, 200);
        assert!(
            !html.contains(r#"<tr id="pekerja-"#),
            "no worker of another region is listed"
        );
        assert!(html.contains("Semua (0)"), "nor counted");
        let (s, html) = raw(&w, Some(w.token("donor_funding")), &donation_page).await;
        assert_eq!(s, 200);
        assert!(
            html.contains("35.25 •••• •••• ••••"),
            "the donor sees the mask"
        );
    }
);

both_dbs!(
    a_masked_nik_cannot_be_completed_by_search,
    |db| async move {
        let w = world(db).await;
        let viewer = w.token("viewer");
        let wrong = nik("352501", false, "1985-03-13", 7);
        let search = |n: String| {
            let w = &w;
            async move {
                let r = w
                    .app
                    .client
                    .post(w.app.url("/api/v1/workers/search"))
                    .bearer_auth(&viewer.token)
                    .json(&json!({ "nik": n }))
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let (s1, right) = search(w.nik.clone()).await;
        let (s2, other) = search(wrong).await;
        assert_eq!(s1, 403);
        assert_eq!(
            (s1, &right),
            (s2, &other),
            "a right and a wrong guess answer alike"
        );
        assert!(right.contains("nik_search_forbidden"));
        assert!(!right.contains(&w.nik), "the refusal echoes no NIK");
        // Nor through the coverage look-up.
        let (s, _) = w
            .app
            .post(viewer, "/api/v1/coverage", json!({"nik": w.nik}))
            .await;
        assert_eq!(s, 403);
        // Those who see whole NIKs still search by one.
        let (s, v) = w
            .app
            .post(
                w.token("officer"),
                "/api/v1/workers/search",
                json!({ "nik": w.nik }),
            )
            .await;
        assert_eq!(s, 200);
        assert_eq!(v["total"], 1);
        // By name, a viewer finds the worker, masked.
        let (s, v) = w.app.get(viewer, "/api/v1/workers?name=Abdul").await;
        assert_eq!(s, 200);
        assert_eq!(v["workers"][0]["nik"], "35.25 •••• •••• ••••");
    }
);

both_dbs!(
    a_named_donation_answers_alike_for_every_nik_it_cannot_fund,
    |db| async move {
        let w = world(db).await;
        let proposer = w.token("proposer");
        let officer = w.token("officer");
        let add = |n: String, name: &'static str| {
            let w = &w;
            async move {
                let (s, v) = w
                    .app
                    .post(proposer, "/api/v1/workers", json!({"nik": n, "full_name": name, "village_code": "35.25.01.2001", "occupation": "petani"}))
                    .await;
                assert_eq!(s, 201, "{v}");
                v["id"].as_i64().unwrap()
            }
        };
        let unknown = nik("352501", true, "1990-08-16", 4321);
        let proposed = nik("352501", false, "1970-01-01", 11);
        add(proposed.clone(), "Budi Santoso").await;
        let rejected = nik("352501", false, "1971-01-01", 12);
        let r = add(rejected.clone(), "Cahyo Nugroho").await;
        let (s, _) = w
            .app
            .post(
                officer,
                &format!("/api/v1/workers/{r}/reject"),
                json!({"reason": "bukan warga"}),
            )
            .await;
        assert_eq!(s, 200);
        // Taken: the world's worker is held by donor A.
        let taken = w.nik.clone();
        let (b, b_id) = w.app.sign_up("donatur.c", "Donatur C").await;
        let start = Month::first_payable(lingkaran::clock::today()).to_string();
        let named = |n: &str| json!({"mode": "named", "niks": [n], "months": 3, "start": start});
        // Not verified yet: named donations are closed, in words.
        let (s, v) = w.app.post(&b, "/api/v1/donations", named(&unknown)).await;
        assert_eq!(s, 409, "{v}");
        assert_eq!(v["errors"][0]["code"], "donor_not_verified");
        let (s, _) = w
            .app
            .post(officer, &format!("/api/v1/donors/{b_id}/verify"), json!({}))
            .await;
        assert_eq!(s, 200);
        let mut answers = Vec::new();
        for n in [&unknown, &proposed, &rejected, &taken] {
            let r = w
                .app
                .client
                .post(w.app.url("/api/v1/donations"))
                .bearer_auth(&b.token)
                .json(&named(n))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body = r.text().await.unwrap();
            assert_eq!(status, 422, "{body}");
            assert!(!body.contains(n.as_str()), "the NIK is not echoed: {body}");
            answers.push(body);
        }
        assert!(answers.iter().all(|a| *a == answers[0]), "{answers:#?}");
        assert!(answers[0].contains("nik_unavailable"));
        // At most 1,000 NIKs a request, refused in words.
        let many: Vec<String> = (1..=1001)
            .map(|i| nik("352501", false, "1980-01-01", i))
            .collect();
        let (s, v) = w
            .app
            .post(
                &b,
                "/api/v1/donations",
                json!({"mode": "named", "niks": many, "months": 3, "start": start}),
            )
            .await;
        assert_eq!(s, 422);
        assert_eq!(v["errors"][0]["code"], "too_many_niks");
    }
);

both_dbs!(
    a_nik_registered_elsewhere_tells_the_proposer_only_that,
    |db| async move {
        let w = world(db).await;
        let proposer = w.token("proposer");
        let officer = w.token("officer");

        let add = |t: &'static str, n: String| {
            let w = &w;
            async move {
                let r = w
                    .app
                    .client
                    .post(w.app.url("/api/v1/workers"))
                    .bearer_auth(&w.token(t).token)
                    .json(&json!({"nik": n, "full_name": "Dewi Lestari", "occupation": "petani",
                                  "village_code": if t == "proposer" { "35.25.01.2001" } else { "35.25.01.2002" }}))
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        // Sawo registers a proposed and a rejected worker; the world's worker is verified.
        let proposed = nik("352501", true, "1975-05-05", 21);
        let rejected = nik("352501", true, "1976-05-05", 22);
        let (s, _) = w
            .app
            .post(proposer, "/api/v1/workers", json!({"nik": proposed, "full_name": "Eka Putri", "village_code": "35.25.01.2001", "occupation": "petani"}))
            .await;
        assert_eq!(s, 201);
        let (s, v) = w
            .app
            .post(proposer, "/api/v1/workers", json!({"nik": rejected, "full_name": "Fitri Ayu", "village_code": "35.25.01.2001", "occupation": "petani"}))
            .await;
        assert_eq!(s, 201);
        let id = v["id"].as_i64().unwrap();
        w.app
            .post(
                officer,
                &format!("/api/v1/workers/{id}/reject"),
                json!({"reason": "x"}),
            )
            .await;
        let mut answers = Vec::new();
        for n in [&proposed, &rejected, &w.nik] {
            let (s, body) = add("proposer_elsewhere", n.clone()).await;
            assert_eq!(s, 409, "{body}");
            assert!(
                body.contains("sudah terdaftar; petugas akan menghubungi Anda"),
                "{body}"
            );
            for secret in ["Eka Putri", "Fitri Ayu", "Abdul Karim", "Desa Sawo", "#"] {
                assert!(!body.contains(secret), "{secret} in {body}");
            }
            answers.push(body);
        }
        assert!(answers.iter().all(|a| *a == answers[0]), "{answers:#?}");
        // The import report and errors.csv say the same.
        let csv = format!(
            "nik,nama,kode_desa,pekerjaan\n{},Dewi,35.25.01.2002,petani\n",
            w.nik
        );
        let (_, rep) = w
            .app
            .upload(w.token("proposer_elsewhere"), "b.csv", csv.into_bytes())
            .await;
        let text = rep.to_string();
        assert!(
            text.contains("sudah terdaftar; petugas akan menghubungi Anda"),
            "{text}"
        );
        assert!(
            !text.contains("Abdul Karim") && !text.contains("Desa Sawo"),
            "{text}"
        );
        let imp = rep["import_id"].as_i64().unwrap();
        let (_, csv) = raw(
            &w,
            Some(w.token("proposer_elsewhere")),
            &format!("/api/v1/imports/{imp}/errors.csv"),
        )
        .await;
        assert!(csv.contains("petugas akan menghubungi Anda"), "{csv}");
        assert!(
            !csv.contains("Abdul Karim") && !csv.contains("Desa Sawo"),
            "{csv}"
        );
        // The officer's list has the details; an officer of another region sees none.
        let (s, v) = w.app.get(officer, "/api/v1/duplicate-submissions").await;
        assert_eq!(s, 200);
        assert_eq!(v["submissions"].as_array().unwrap().len(), 4, "{v}");
        assert_eq!(v["submissions"][0]["worker_id"], w.worker_id);
        let (_, v) = w
            .app
            .get(
                w.token("officer_elsewhere"),
                "/api/v1/duplicate-submissions",
            )
            .await;
        assert_eq!(v["submissions"], json!([]));
        // The proposer's own worker sent again is named, since it may see it.
        let (s, body) = add("proposer", w.nik.clone()).await;
        assert_eq!(s, 409);
        assert!(body.contains("lembaga Anda"), "{body}");
    }
);

both_dbs!(
    admins_reveals_and_exports_are_on_the_audit_trail,
    |db| async move {
        let w = world(db.clone()).await;
        let before = audit_actions(&db).await;
        let admin = w.token("admin");
        raw(
            &w,
            Some(admin),
            &format!("/api/v1/donations/{}/workers", w.donation_id),
        )
        .await;
        raw(&w, Some(admin), &format!("/api/v1/workers/{}", w.worker_id)).await;
        raw(&w, Some(admin), "/api/v1/workers").await;
        raw(
            &w,
            Some(w.token("proposer")),
            &format!("/api/v1/imports/{}/errors.csv", w.import_id),
        )
        .await;
        // An officer in scope reading the same is not an audited reveal.
        raw(
            &w,
            Some(w.token("officer")),
            &format!("/api/v1/workers/{}", w.worker_id),
        )
        .await;
        // An admin's change answers with the whole worker: a reveal too, after the change.
        let other = common::nik("35.25.01", false, "1985-03-12", 4321);
        let (s, created) = w
            .app
            .post(
                w.token("proposer"),
                "/api/v1/workers",
                json!({ "nik": other, "full_name": "Pekerja Ditolak",
                        "village_code": "35.25.01.2001", "occupation": "petani" }),
            )
            .await;
        assert_eq!(s, 201, "{created}");
        let (s, rejected) = w
            .app
            .post(
                admin,
                &format!("/api/v1/workers/{}/reject", created["id"]),
                json!({ "reason": "bukan pekerja rentan" }),
            )
            .await;
        assert_eq!(s, 200, "{rejected}");
        assert_eq!(rejected["nik"], json!(other), "an admin sees it whole");
        let after = audit_actions(&db).await;
        let new: Vec<&(String, String, String)> = after[before.len()..].iter().collect();
        let actions: Vec<&str> = new.iter().map(|(a, _, _)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "worker.reveal",
                "worker.reveal",
                "worker.reveal",
                "export.csv",
                "worker.create",
                "worker.reject",
                "worker.reveal"
            ],
            "one entry per answer: {new:?}"
        );
        for (_, kind, detail) in &new {
            assert!(!detail.contains(&w.nik), "{kind}: {detail}");
        }
        let report = lingkaran::db::audit::verify(&db).await.unwrap();
        assert!(report.ok, "the chain verifies");
    }
);

async fn audit_actions(db: &lingkaran::db::Db) -> Vec<(String, String, String)> {
    let q = "SELECT action, record_kind, detail FROM audit_log ORDER BY id";
    match &db.pool {
        lingkaran::db::Pool::Sqlite(p) => sqlx::query_as(q).fetch_all(p).await.unwrap(),
        lingkaran::db::Pool::Postgres(p) => sqlx::query_as(q).fetch_all(p).await.unwrap(),
    }
}
