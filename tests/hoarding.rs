//! No hoarding (issue 9 §2), over HTTP on both stores: a donor who signed up a minute ago
//! cannot hold every worker in Gresik, a far-off hold does not hide workers from earlier
//! months, a donation starts at most 12 months ahead, a donor cancels a held donation, and
//! sign-up is throttled per address.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::app::Settings;
use lingkaran::auth::Role;
use lingkaran::db::{ledger, Db};
use lingkaran_domain::rates::Month;
use serde_json::{json, Value};

struct World {
    app: TestApp,
    officer: Token,
    admin: Token,
}

/// 60 verified workers in Gresik, and the settings as shipped (50 workers, 3 held
/// donations, 12 months ahead, 5 sign-ups an hour).
async fn world(db: Db, settings: Settings) -> World {
    let app = TestApp::spawn_with(db, settings).await;
    let officer = app.village(60, 11).await.officer;
    let admin = app.user("admin", Role::Admin, None, &[]).await;
    World {
        app,
        officer,
        admin,
    }
}

fn shipped() -> Settings {
    let mut s = Settings::from_env();
    s.self_donor_limits = lingkaran::db::donations::HoldLimits {
        workers: 50,
        donations: 3,
    };
    s.max_months_ahead = 12;
    s.signups_per_hour = 5;
    s
}

async fn sign_up(app: &TestApp, username: &str) -> (Token, i64) {
    app.sign_up(username, username).await
}

fn criteria(count: i64, months: i64) -> Value {
    json!({ "mode": "criteria", "criteria": { "region": "35.25" }, "count": count, "months": months })
}

fn first() -> Month {
    Month::first_payable(lingkaran::clock::today())
}

both_dbs!(
    a_donor_who_signed_up_alone_cannot_hold_every_worker,
    |db| async move {
        let w = world(db, shipped()).await;
        let app = &w.app;
        let (a, donor) = sign_up(app, "baru.daftar").await;
        // A million workers for a year: refused in words, nothing held.
        let (s, v) = app
            .post(&a, "/api/v1/donations", criteria(1_000_000, 12))
            .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["code"], "hold_limit_workers");
        let words = v["errors"][0]["detail"].as_str().unwrap();
        assert!(
            words.contains("1000000 pekerja") && words.contains("batas 50"),
            "{words}"
        );
        // 20 + 20 workers are fine; 20 more would pass 50 …
        for _ in 0..2 {
            let (s, v) = app.post(&a, "/api/v1/donations", criteria(20, 1)).await;
            assert_eq!(s, 201, "{v}");
        }
        let (s, v) = app.post(&a, "/api/v1/donations", criteria(20, 1)).await;
        assert_eq!(s, 422, "{v}");
        assert!(v["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("hanya boleh menahan 10 lagi"));
        // … a third donation of 5 is fine, a fourth unpaid one is not.
        let (s, _) = app.post(&a, "/api/v1/donations", criteria(5, 1)).await;
        assert_eq!(s, 201);
        let (s, v) = app.post(&a, "/api/v1/donations", criteria(1, 1)).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["code"], "hold_limit_donations");
        assert!(v["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("Anda sudah menahan 3 donasi yang belum dibayar"));
        // A budget that would buy past the limit is refused too.
        let (s, v) = app
            .post(
                &w.officer,
                "/api/v1/donations",
                json!({"donor_id": donor, "mode": "budget", "budget": 100_000_000, "months": 1}),
            )
            .await;
        assert_eq!(s, 422, "{v}");

        // A company donor, created by staff, is not limited and still finds workers.
        let company = common::staff_donor(&app.db, "company", "PT Peduli", w.officer.id).await;
        let (s, v) = app
            .post(
                &w.officer,
                "/api/v1/donations",
                json!({"donor_id": company, "mode": "criteria", "count": 14, "months": 12}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["workers"], 14);

        // The donor cannot raise their own limit; an officer can.
        let (s, _) = app
            .put(
                &a,
                &format!("/api/v1/donors/{donor}/hold-limits"),
                json!({"max_donations": 10}),
            )
            .await;
        assert_eq!(s, 403);
        let (s, v) = app
            .put(
                &w.officer,
                &format!("/api/v1/donors/{donor}/hold-limits"),
                json!({"max_workers": 100, "max_donations": 10}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["in_force"]["max_donations"], 10);
        let (_, mine) = app
            .get(&a, &format!("/api/v1/donors/{donor}/hold-limits"))
            .await;
        assert_eq!(mine["in_force"]["max_workers"], 100);
        let (s, v) = app.post(&a, "/api/v1/donations", criteria(1, 1)).await;
        assert_eq!(s, 201, "{v}");
        let (s, v) = app
            .put(
                &w.admin,
                &format!("/api/v1/donors/{donor}/hold-limits"),
                json!({"max_workers": -1}),
            )
            .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["code"], "invalid_limit");
    }
);

both_dbs!(
    workers_are_chosen_by_the_months_asked_for_and_a_start_is_at_most_a_year_ahead,
    |db| async move {
        let w = world(db, shipped()).await;
        let app = &w.app;
        let company = common::staff_donor(&app.db, "company", "PT Jauh", w.officer.id).await;
        // Every worker held for the farthest month allowed …
        let far = first().plus(12);
        let (s, v) = app
            .post(
                &w.officer,
                "/api/v1/donations",
                json!({"donor_id": company, "mode": "criteria", "count": 60, "months": 1,
                       "start": far.to_string()}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["workers"], 60);
        // … does not hide them from the months before it.
        let other = common::staff_donor(&app.db, "institution", "Baznas", w.officer.id).await;
        let (s, v) = app
            .post(
                &w.officer,
                "/api/v1/donations",
                json!({"donor_id": other, "mode": "criteria", "count": 10, "months": 12}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["workers"], 10);
        assert_eq!(v["shortfall"], 0);
        // But the far month itself is taken.
        let (s, v) = app
            .post(
                &w.officer,
                "/api/v1/donations",
                json!({"donor_id": other, "mode": "criteria", "count": 1, "months": 1,
                       "start": far.to_string()}),
            )
            .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["code"], "no_workers");

        // 13 months ahead, or 9999-12: refused in words.
        for start in [first().plus(13).to_string(), "9999-12".to_string()] {
            let (s, v) = app
                .post(
                    &w.officer,
                    "/api/v1/donations",
                    json!({"donor_id": other, "mode": "criteria", "count": 1, "months": 1, "start": start}),
                )
                .await;
            assert_eq!(s, 422, "{v}");
            assert_eq!(v["errors"][0]["code"], "start_too_far");
            assert!(v["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("paling jauh dimulai 12 bulan ke depan"));
        }
        let r = ledger::check(&app.db).await.unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
    }
);

both_dbs!(
    a_donor_cancels_a_held_donation_and_its_workers_are_free_again,
    |db| async move {
        let w = world(db, shipped()).await;
        let app = &w.app;
        let (a, _) = sign_up(app, "ragu").await;
        let (s, held) = app.post(&a, "/api/v1/donations", criteria(50, 3)).await;
        assert_eq!(s, 201, "{held}");
        let id = held["id"].as_i64().unwrap();
        let company = common::staff_donor(&app.db, "company", "PT Sabar", w.officer.id).await;
        let take = |count: i64| {
            app.post(
                &w.officer,
                "/api/v1/donations",
                json!({"donor_id": company, "mode": "criteria", "count": count, "months": 3}),
            )
        };
        // Someone else cannot cancel it.
        let (stranger, _) = sign_up(app, "orang.lain").await;
        let (s, _) = app
            .post(
                &stranger,
                &format!("/api/v1/donations/{id}/cancel"),
                json!({}),
            )
            .await;
        assert_eq!(s, 404);

        let (s, v) = app
            .post(&a, &format!("/api/v1/donations/{id}/cancel"), json!({}))
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["status"], "cancelled");
        assert_eq!(v["invoice"]["status"], "cancelled");
        // Its 50 workers are free: the company gets 59 of the 60.
        let (s, v) = take(59).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["workers"], 59);
        // Nothing reached its escrow, and the ledger holds.
        let escrow: Option<i64> = lingkaran::on_db!(&app.db, |pool| sqlx::query_scalar(
            "SELECT credits_posted FROM ledger_accounts WHERE code = $1"
        )
        .bind(format!("escrow:{id}"))
        .fetch_optional(pool)
        .await)
        .unwrap();
        assert_eq!(escrow.unwrap_or(0), 0);
        // Cancelled again, or a paid one: refused in words.
        let (s, v) = app
            .post(&a, &format!("/api/v1/donations/{id}/cancel"), json!({}))
            .await;
        assert_eq!(s, 409, "{v}");
        assert!(v["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("sudah dibatalkan"));
        let (bought, _) = common::give_and_pay(
            &app.db,
            company,
            w.officer.id,
            lingkaran::db::donations::Choice::Criteria {
                criteria: Default::default(),
                count: 1,
            },
            1,
            "txn-lunas",
        )
        .await;
        let (s, v) = app
            .post(
                &w.officer,
                &format!("/api/v1/donations/{bought}/cancel"),
                json!({}),
            )
            .await;
        assert_eq!(s, 409, "{v}");
        assert!(v["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("sudah dibayar"));
        let r = ledger::check(&app.db).await.unwrap();
        assert!(r.violations.is_empty(), "{:?}", r.violations);
    }
);

both_dbs!(sign_up_is_throttled_per_address, |db| async move {
    let mut settings = shipped();
    settings.signups_per_hour = 3;
    let w = world(db, settings).await;
    let app = &w.app;
    for i in 0..3 {
        sign_up(app, &format!("donatur{i}")).await;
    }
    let r = app
            .client
            .post(app.url("/api/v1/signup"))
            .json(&json!({ "username": "donatur9", "full_name": "Sembilan", "password": "rahasia-sekali" }))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&wait), "{wait}");
    let (_, v) = common::status_json(r).await;
    assert_eq!(v["errors"][0]["code"], "too_many_signups");
    assert!(v["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("Terlalu banyak pendaftaran"));
    // An hour later the address may sign up again.
    lingkaran::on_db!(&app.db, |pool| sqlx::query(
        "UPDATE signup_attempts SET at = $1"
    )
    .bind(chrono::Utc::now() - chrono::Duration::minutes(61))
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    sign_up(app, "donatur9").await;
});
