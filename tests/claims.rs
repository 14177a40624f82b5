//! Claims (issue 13 §2) on the demo's past months, on both stores: a covered death at sea and
//! its stages through BPJS's payment (maker-checker), an event in a month nobody paid, one in
//! a month BPJS rejected, a worker re-registered after a lapse who dies within 3 months, and a
//! JKK claim re-classified as JKM.
#![allow(clippy::unwrap_used)]

use crate::common;

use chrono::NaiveDate;
use lingkaran::auth::{Principal, Role};
use lingkaran::clock::SystemClock;
use lingkaran::db::Db;
use lingkaran::on_db;
use lingkaran::usecase::claims::{self, FileClaim, StepRequest};
use lingkaran::usecase::{Ctx, Error};
use lingkaran_domain::rates::Month;

fn officer(id: i64, role: Role) -> Principal {
    Principal {
        user_id: id,
        username: format!("u{id}"),
        full_name: "Petugas".into(),
        role,
        organisation_id: None,
        scopes: vec!["35.25".into()],
        csrf_token: None,
    }
}

async fn user_id(db: &Db, name: &str) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM users WHERE username = $1"
    )
    .bind(name)
    .fetch_one(pool)
    .await)
    .unwrap()
}

async fn nik_of(db: &Db, worker: i64) -> String {
    let sealed: Vec<u8> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT nik FROM workers WHERE id = $1"
    )
    .bind(worker)
    .fetch_one(pool)
    .await)
    .unwrap();
    lingkaran::db::sealed::open(db.keys(), lingkaran::privacy::Kind::Nik, &sealed).unwrap()
}

fn day_in(month: i64, d: u32) -> NaiveDate {
    let m = Month::from_yyyymm(month).unwrap();
    NaiveDate::from_ymd_opt(m.year(), m.month(), d).unwrap()
}

fn at_sea(nik: &str, kind: &str, event: NaiveDate) -> FileClaim {
    FileClaim {
        nik: nik.into(),
        kind: kind.into(),
        event_date: Some(event),
        event_time: Some("04:30".into()),
        place: "Laut Jawa, 5 mil dari Ujungpangkah".into(),
        cause: "Perahu terbalik diterjang ombak saat melaut".into(),
        notifier_name: "Ahmad Fauzi (HNSI Ujungpangkah)".into(),
        notifier_phone: "0812-3456-7890".into(),
        ..FileClaim::default()
    }
}

fn codes(e: &Error) -> Vec<String> {
    match e {
        Error::Invalid(ps) => ps.iter().map(|p| p.code.to_string()).collect(),
        Error::Conflict(p) => vec![p.code.to_string()],
        other => vec![format!("{other:?}")],
    }
}

fn step(to: &str) -> StepRequest {
    StepRequest {
        to: to.into(),
        ..StepRequest::default()
    }
}

async fn seeded(db: &Db) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(db, dir.path()).await.unwrap();
    dir
}

both_dbs!(
    a_covered_death_at_sea_through_bpjs_payment,
    |db| async move {
        let _dir = seeded(&db).await;
        let petugas = officer(user_id(&db, "petugas").await, Role::Officer);
        let admin = officer(user_id(&db, "admin").await, Role::Admin);
        let ctx = Ctx::new(&db, &petugas, &SystemClock);
        // A worker whose month BPJS confirmed for JKK, before this month.
        let current = Month::of(lingkaran::clock::today()).yyyymm();
        let (worker, month, income): (i64, i64, i64) = on_db!(&db, |pool| sqlx::query_as(
            "SELECT c.worker_id, c.month, w.income FROM confirmations c
         JOIN workers w ON w.id = c.worker_id
         WHERE c.programme = 'JKK' AND c.status = 'accepted' AND c.month < $1
         ORDER BY c.month DESC, c.worker_id LIMIT 1"
        )
        .bind(current)
        .fetch_one(pool)
        .await)
        .unwrap();
        let nik = nik_of(&db, worker).await;
        let event = day_in(month, 10);
        // The donor who paid that month gives an address to be told at.
        let donor: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT d.donor_id FROM worker_months m JOIN donations d ON d.id = m.donation_id
             WHERE m.worker_id = $1 AND m.month = $2"
        )
        .bind(worker)
        .bind(month)
        .fetch_one(pool)
        .await)
        .unwrap();
        on_db!(&db, |pool| sqlx::query(
            "UPDATE donors SET email = 'csr@semen.example' WHERE id = $1"
        )
        .bind(donor)
        .execute(pool)
        .await
        .map(|_| ()))
        .unwrap();
        let view = claims::file(ctx, &at_sea(&nik, "jkk-death", event))
            .await
            .unwrap();
        let c = &view.claim;
        assert_eq!(
            (c.stage.as_str(), c.verdict.as_str()),
            ("dilaporkan", "covered")
        );
        assert_eq!(view.check["reasons"][0]["code"], "month_confirmed");
        // 48 × income, at least Rp 20.000.000, + Rp 10.000.000 + Rp 12.000.000: Rp 70.000.000 at
        // Rp 1.000.000.
        let death = (48 * income).max(20_000_000);
        assert_eq!(view.estimate["total"], death + 22_000_000);
        if income == 1_000_000 {
            assert_eq!(view.estimate["total"], 70_000_000);
        }
        assert_eq!(view.estimate["scholarship_eligible"], true);
        assert_eq!(c.notifier_phone, "+6281234567890");
        // The notifier is sealed at rest.
        let raw: Vec<u8> = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT notifier_phone FROM claims WHERE id = $1"
        )
        .bind(c.id)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains("81234567890"));
        // The death stopped the worker's future months.
        let status: String = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT status FROM workers WHERE id = $1"
        )
        .bind(worker)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(status, "deceased");
        // Filing the same event again finds the same claim.
        let again = claims::file(ctx, &at_sea(&nik, "jkk-death", event))
            .await
            .unwrap();
        assert_eq!(again.claim.id, c.id);
        assert_eq!(c.donor_id, Some(donor));
        // The family's SMS and the donor's e-mail, queued once each, with no NIK.
        let told = |db: Db, id: i64| async move {
            lingkaran::db::outbox::list(&db, None, 500)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| m.dedupe_key.starts_with(&format!("claim:{id}:")))
                .collect::<Vec<_>>()
        };
        let messages = told(db.clone(), c.id).await;
        assert_eq!(messages.len(), 2, "{messages:?}");
        let sms = messages.iter().find(|m| m.channel == "sms").unwrap();
        assert_eq!(sms.recipient, "+6281234567890");
        assert!(
            sms.body.contains("175") && sms.body.contains("akta kematian"),
            "{}",
            sms.body
        );
        let mail = messages.iter().find(|m| m.channel == "email").unwrap();
        assert_eq!(mail.recipient, "csr@semen.example");
        let initials = lingkaran_domain::claims::initials(&c.worker_name);
        assert!(
            mail.body.starts_with(&format!(
                "Pekerja yang Anda lindungi, {initials} dari Desa "
            )),
            "{}",
            mail.body
        );
        assert!(mail.body.contains("mengalami kecelakaan kerja pada"));
        for m in &messages {
            assert!(
                !m.body.contains(&nik) && !m.body.contains(&c.worker_name),
                "{}",
                m.body
            );
        }
        // BPJS's stages, one step at a time.
        let id = c.id;
        assert_eq!(
            codes(&claims::step(ctx, id, &step("agenda")).await.unwrap_err()),
            ["stage_not_allowed"],
            "no stage is skipped"
        );
        for to in ["diajukan", "agenda"] {
            claims::step(ctx, id, &step(to)).await.unwrap();
        }
        let decided = StepRequest {
            to: "penetapan".into(),
            amounts: vec![
                ("jkk.death".into(), death),
                ("jkk.funeral".into(), 10_000_000),
                ("jkk.periodic".into(), 12_000_000),
                ("jkk.medical".into(), 2_500_000),
            ],
            ..StepRequest::default()
        };
        let v = claims::step(ctx, id, &decided).await.unwrap();
        assert_eq!(
            v.differences,
            [("jkk.medical".to_string(), None, Some(2_500_000))],
            "medical care is BPJS's amount, never estimated"
        );
        claims::step(ctx, id, &step("persetujuan")).await.unwrap();
        // The officer who recorded the approval cannot record the payment.
        assert_eq!(
            codes(&claims::step(ctx, id, &step("dibayar")).await.unwrap_err()),
            ["same_officer"]
        );
        let other = Ctx::new(&db, &admin, &SystemClock);
        claims::step(other, id, &step("dibayar")).await.unwrap();
        let paid = told(db.clone(), id).await;
        let mail = paid
            .iter()
            .find(|m| m.dedupe_key.ends_with(":paid:donor"))
            .unwrap();
        // What the heirs received: the medical care went to the hospital.
        let sum = death + 22_000_000;
        assert!(
            mail.body.starts_with(&format!(
                "BPJS Ketenagakerjaan telah membayar santunan {} kepada ahli waris",
                lingkaran_domain::format::rupiah(sum)
            )),
            "{}",
            mail.body
        );
        let v = claims::step(other, id, &step("selesai")).await.unwrap();
        let stages: Vec<&str> = v.steps.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(
            stages,
            [
                "dilaporkan",
                "diajukan",
                "agenda",
                "penetapan",
                "persetujuan",
                "dibayar",
                "selesai"
            ]
        );
        assert_eq!(v.steps[5].2, "admin", "who recorded the payment");
        assert!(claims::queue(ctx, &[])
            .await
            .unwrap()
            .iter()
            .all(|c| c.id != id));
        assert_eq!(
            codes(&claims::step(other, id, &step("ditolak")).await.unwrap_err()),
            ["required"],
            "a rejection needs BPJS's reason"
        );
        let r = StepRequest {
            to: "ditolak".into(),
            rejected_reason: Some("x".into()),
            ..StepRequest::default()
        };
        assert_eq!(
            codes(&claims::step(other, id, &r).await.unwrap_err()),
            ["stage_not_allowed"],
            "a closed claim stays closed"
        );
        // The books still balance, and the totals still follow their rule, after the stop.
        let r = lingkaran::db::ledger::check(&db).await.unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
    }
);

both_dbs!(events_in_unpaid_and_rejected_months, |db| async move {
    let _dir = seeded(&db).await;
    let petugas = officer(user_id(&db, "petugas").await, Role::Officer);
    let ctx = Ctx::new(&db, &petugas, &SystemClock);
    // A verified worker no donor ever funded, dying last month.
    let lonely: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT w.id FROM workers w WHERE w.status = 'verified'
           AND NOT EXISTS (SELECT 1 FROM worker_months m WHERE m.worker_id = w.id)
           AND NOT EXISTS (SELECT 1 FROM self_payments s WHERE s.worker_id = w.id)
         ORDER BY w.id LIMIT 1"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let last_month = Month::of(lingkaran::clock::today()).prev();
    let v = claims::file(
        ctx,
        &at_sea(
            &nik_of(&db, lonely).await,
            "jkm",
            day_in(last_month.yyyymm(), 3),
        ),
    )
    .await
    .unwrap();
    assert_eq!(v.claim.verdict, "not_covered");
    assert_eq!(v.check["reasons"][0]["code"], "month_not_paid");
    assert_eq!(v.estimate["eligible"], false);
    assert_eq!(v.estimate["total"], 0);
    // The month BPJS rejected (the demo's worker who was already an active participant).
    let (rejected, month): (i64, i64) = on_db!(&db, |pool| {
        sqlx::query_as(
        "SELECT worker_id, month FROM confirmations WHERE status = 'rejected' AND programme = 'JKM'
         ORDER BY month LIMIT 1"
    )
    .fetch_one(pool)
    .await
    })
    .unwrap();
    let v = claims::file(
        ctx,
        &at_sea(&nik_of(&db, rejected).await, "jkm", day_in(month, 20)),
    )
    .await
    .unwrap();
    assert_eq!(v.claim.verdict, "not_covered");
    assert_eq!(v.check["reasons"][0]["code"], "month_rejected");
    // Wrong input is named, every field at once.
    let mut bad = at_sea(
        "3525015608900000",
        "jkk-fall",
        lingkaran::clock::today() + chrono::Days::new(2),
    );
    bad.place = " ".into();
    bad.notifier_phone = "12".into();
    let e = claims::file(ctx, &bad).await.unwrap_err();
    let got = codes(&e);
    for want in ["bad_kind", "event_in_future", "zero_serial", "required"] {
        assert!(got.iter().any(|g| g == want), "{want} in {got:?}");
    }
    // A donor may not file; a proposer of another organisation does not find the worker.
    let donor = Principal {
        role: Role::Donor,
        ..officer(user_id(&db, "donatur").await, Role::Donor)
    };
    let e = claims::file(
        Ctx::new(&db, &donor, &SystemClock),
        &at_sea(
            &nik_of(&db, lonely).await,
            "jkm",
            day_in(last_month.yyyymm(), 3),
        ),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Forbidden));
    let stranger = Principal {
        organisation_id: Some(999_999),
        scopes: vec![],
        ..officer(user_id(&db, "desa.sawo").await, Role::Proposer)
    };
    let e = claims::file(
        Ctx::new(&db, &stranger, &SystemClock),
        &at_sea(
            &nik_of(&db, lonely).await,
            "jkk-death",
            day_in(last_month.yyyymm(), 4),
        ),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    assert!(claims::queue(Ctx::new(&db, &stranger, &SystemClock), &[])
        .await
        .unwrap()
        .is_empty());
});

both_dbs!(
    a_worker_re_registered_after_a_lapse_dies_within_three_months,
    |db| async move {
        let _dir = seeded(&db).await;
        let petugas = officer(user_id(&db, "petugas").await, Role::Officer);
        let ctx = Ctx::new(&db, &petugas, &SystemClock);
        let worker: i64 = on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT w.id FROM workers w WHERE w.status = 'verified'
           AND NOT EXISTS (SELECT 1 FROM worker_months m WHERE m.worker_id = w.id)
           AND NOT EXISTS (SELECT 1 FROM self_payments s WHERE s.worker_id = w.id)
         ORDER BY w.id DESC LIMIT 1"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        // Paid alone for 3 months, then 3 unpaid (non-active), then paid again: the event falls
        // in the 2nd month of the new registration.
        let now = Month::of(lingkaran::clock::today());
        let paid = [
            now.minus(10),
            now.minus(9),
            now.minus(8),
            now.minus(4),
            now.minus(3),
        ];
        for m in paid {
            let sql = format!(
            "INSERT INTO self_payments (worker_id, month, amount, source, recorded_by, created_at)
             VALUES ({worker}, {}, 16800, 'manual', {}, CURRENT_TIMESTAMP)",
            m.yyyymm(),
            petugas.user_id
        );
            on_db!(&db, |pool| sqlx::query(&sql)
                .execute(pool)
                .await
                .map(|_| ()))
            .unwrap();
        }
        let nik = nik_of(&db, worker).await;
        let v = claims::file(ctx, &at_sea(&nik, "jkm", day_in(now.minus(3).yyyymm(), 15)))
            .await
            .unwrap();
        assert_eq!(v.claim.verdict, "covered", "{}", v.check);
        assert_eq!(v.check["membership_months"], 2);
        assert_eq!(v.check["paid_months"], 5);
        assert_eq!(v.check["self_months"], 5);
        assert!(v.check["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "first_months"));
        assert_eq!(v.estimate["total"], 10_000_000, "8.000.000 + 2.000.000");
        assert_eq!(v.estimate["scholarship_eligible"], false);
    }
);

both_dbs!(a_jkk_claim_re_classified_as_jkm, |db| async move {
    let _dir = seeded(&db).await;
    let petugas = officer(user_id(&db, "petugas").await, Role::Officer);
    let ctx = Ctx::new(&db, &petugas, &SystemClock);
    let (worker, month): (i64, i64) = on_db!(&db, |pool| sqlx::query_as(
        "SELECT c.worker_id, c.month FROM confirmations c
         WHERE c.programme = 'JKM' AND c.status = 'accepted'
         ORDER BY c.month, c.worker_id LIMIT 1"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let nik = nik_of(&db, worker).await;
    let jkk = claims::file(ctx, &at_sea(&nik, "jkk-death", day_in(month, 12)))
        .await
        .unwrap();
    claims::step(ctx, jkk.claim.id, &step("diajukan"))
        .await
        .unwrap();
    let old = claims::step(ctx, jkk.claim.id, &step("dialihkan"))
        .await
        .unwrap();
    assert_eq!(old.claim.stage, "dialihkan");
    let new_id = old.claim.redirected_to.unwrap();
    let new = claims::open(ctx, new_id).await.unwrap();
    assert_eq!(new.claim.kind, "jkm");
    assert_eq!(new.claim.redirected_from, Some(jkk.claim.id));
    assert_eq!(new.claim.stage, "dilaporkan");
    assert_eq!(new.claim.place, jkk.claim.place);
    // JKM's own rule now: Rp 42.000.000, or Rp 10.000.000 within 3 months of membership.
    let membership = new.check["membership_months"].as_i64().unwrap();
    assert!(membership >= 1);
    let want = if membership <= 3 {
        10_000_000
    } else {
        42_000_000
    };
    assert_eq!(new.estimate["total"], want, "{}", new.check);
    assert_eq!(jkk.estimate["kind"], "jkk-death");
    // A JKM claim cannot be re-classified.
    assert_eq!(
        codes(
            &claims::step(ctx, new_id, &step("dialihkan"))
                .await
                .unwrap_err()
        ),
        ["not_redirectable"]
    );
    let queue = claims::queue(ctx, &[]).await.unwrap();
    assert!(queue.iter().any(|c| c.id == new_id));
    assert!(queue.iter().all(|c| c.id != jkk.claim.id));
});

both_dbs!(claims_over_the_api, |db| async move {
    use common::TestApp;
    use serde_json::json;
    let app = TestApp::spawn(db.clone()).await;
    let _dir = seeded(&db).await;
    let officer = app
        .user("petugas.api", Role::Officer, None, &["35.25"])
        .await;
    let other = app
        .user("petugas.lain", Role::Officer, None, &["35.24"])
        .await;
    let viewer = app.user("pemkab.api", Role::Viewer, None, &["35.25"]).await;
    let current = Month::of(lingkaran::clock::today()).yyyymm();
    let (worker, month): (i64, i64) = on_db!(&db, |pool| sqlx::query_as(
        "SELECT c.worker_id, c.month FROM confirmations c
         WHERE c.programme = 'JKM' AND c.status = 'accepted' AND c.month < $1
         ORDER BY c.month DESC, c.worker_id DESC LIMIT 1"
    )
    .bind(current)
    .fetch_one(pool)
    .await)
    .unwrap();
    let nik = nik_of(&db, worker).await;
    let body = json!({
        "nik": nik, "kind": "jkm", "event_date": day_in(month, 8).to_string(),
        "place": "Rumah, Desa Sawo", "cause": "Sakit jantung",
        "notifier_name": "Siti Maesaroh", "notifier_phone": "081311112222"
    });
    // A viewer may not file; an officer of another regency does not find the worker.
    let (s, _) = app.post(&viewer, "/api/v1/claims", body.clone()).await;
    assert_eq!(s, 403);
    let (s, _) = app.post(&other, "/api/v1/claims", body.clone()).await;
    assert_eq!(s, 404);
    let (s, v) = app.post(&officer, "/api/v1/claims", body.clone()).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["kind"], "jkm");
    assert_eq!(v["verdict"], "covered");
    assert_eq!(v["stage"], "dilaporkan");
    assert_eq!(v["notifier"]["phone"], "+6281311112222");
    assert!(!v.to_string().contains(&nik), "no NIK in the answer");
    let id = v["id"].as_i64().unwrap();
    let (s, list) = app.get(&officer, "/api/v1/claims").await;
    assert_eq!(s, 200);
    assert!(list.as_array().unwrap().iter().any(|c| c["id"] == id));
    assert!(
        !list.to_string().contains("081311112222") && !list.to_string().contains("+6281311112222")
    );
    let (s, list) = app.get(&other, "/api/v1/claims").await;
    assert_eq!(s, 200);
    assert!(list.as_array().unwrap().is_empty(), "outside its regions");
    let (s, _) = app.get(&other, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(s, 404);
    // Stages: one forward; a skip is 409; amounts checked.
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/claims/{id}/steps"),
            json!({ "to": "diajukan" }),
        )
        .await;
    assert_eq!((s, v["stage"].as_str()), (200, Some("diajukan")), "{v}");
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/claims/{id}/steps"),
            json!({ "to": "dibayar" }),
        )
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (409, Some("stage_not_allowed"))
    );
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/claims/{id}/steps"),
            json!({ "to": "agenda", "amounts": [{ "code": "uang.saku", "amount": 5 }, { "code": "jkm.funeral", "amount": -1 }] }),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    let codes: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"bad_amount_code"), "{codes:?}");
    // Bad input, every field at once.
    let (s, v) = app
        .post(
            &officer,
            "/api/v1/claims",
            json!({ "nik": "12", "kind": "jkm", "event_date": "kemarin", "place": "", "cause": "x",
                    "notifier_name": "A", "notifier_phone": "1", "months_unable": 9999 }),
        )
        .await;
    assert_eq!(s, 422);
    let codes: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"invalid_date") && codes.contains(&"bad_months"),
        "{codes:?}"
    );
    // Heirs in the legal order, and typed attachments.
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/claims/{id}/heirs"),
            json!({ "relationship": "ibu", "name": "Sumiati" }),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/claims/{id}/heirs"),
            json!({ "relationship": "istri", "name": "Lestari", "phone": "0857 1234 5678" }),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let heirs: Vec<(&str, i64)> = v["heirs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["relationship"].as_str().unwrap(),
                h["rank"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(heirs, [("istri", 1), ("ibu", 2)], "the wife first");
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/claims/{id}/heirs"),
            json!({ "relationship": "tetangga", "name": "X" }),
        )
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (422, Some("bad_relationship"))
    );
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
    let upload = |bytes: Vec<u8>, name: &str| {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        )
    };
    let (s, v) = app
        .post_multipart(
            &officer,
            &format!("/api/v1/claims/{id}/documents?kind=akta_kematian"),
            upload(pdf.clone(), "akta.pdf"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let doc = &v["documents"][0];
    assert_eq!(
        (doc["kind"].as_str(), doc["content_type"].as_str()),
        (Some("akta_kematian"), Some("application/pdf"))
    );
    let doc_id = doc["id"].as_i64().unwrap();
    // The same file again is kept once; a program renamed .pdf is refused.
    let (_, v) = app
        .post_multipart(
            &officer,
            &format!("/api/v1/claims/{id}/documents?kind=akta_kematian"),
            upload(pdf.clone(), "akta-lagi.pdf"),
        )
        .await;
    assert_eq!(v["documents"].as_array().unwrap().len(), 1);
    let (s, v) = app
        .post_multipart(
            &officer,
            &format!("/api/v1/claims/{id}/documents?kind=kk"),
            upload(b"MZ\x90\x00\x03".to_vec(), "kk.pdf"),
        )
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (422, Some("bad_file_type"))
    );
    // A phone's photo of 4 MB goes through (the route's cap is the document's, not a form's).
    let photo = [
        vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
        vec![7u8; 4 * 1024 * 1024],
    ]
    .concat();
    let (s, v) = app
        .post_multipart(
            &officer,
            &format!("/api/v1/claims/{id}/documents?kind=kk"),
            upload(photo, "kk.png"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["documents"].as_array().unwrap().len(), 2);
    // The file comes back as it was, sealed at rest.
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/claims/{id}/documents/{doc_id}")))
        .bearer_auth(&officer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    let raw: Vec<u8> = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT content FROM claim_documents WHERE id = $1"
    )
    .bind(doc_id)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(!raw.starts_with(b"%PDF"), "sealed at rest");
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/claims/{id}/documents/{doc_id}")))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "outside its regions");
    // The estimate on its own.
    let (s, v) = app
        .get(
            &officer,
            "/api/v1/claims/estimate?kind=jkk-death&event=2026-03-03&income=1000000&membership_months=12&paid_months=12&filed=2026-03-10",
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["total"], 70_000_000);
    let (s, v) = app
        .get(
            &officer,
            "/api/v1/claims/estimate?kind=jkk-partial&event=2026-03-03&income=0&membership_months=1&paid_months=1&body_pct=abc",
        )
        .await;
    assert_eq!(s, 422, "{v}");
});
