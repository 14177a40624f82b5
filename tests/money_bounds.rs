//! Absurd numbers, as a hostile or careless caller sends them (issue 9): each is refused in
//! words with a 4xx, nothing is minted, and `ledger check` stays clean. On both stores.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::{ledger, Db};
use serde_json::json;

struct World {
    app: TestApp,
    officer: Token,
    donor: i64,
}

/// A company donor with Rp 10.000 of credit, and an officer of Gresik.
async fn world(db: Db) -> World {
    let app = TestApp::spawn(db).await;
    let officer = app.user("petugas", Role::Officer, None, &["35.25"]).await;
    let donor = common::staff_donor(&app.db, "company", "PT Uji", officer.id).await;
    payments::book(
        &app.db,
        &NewPayment {
            source: Source::Manual,
            reference: "KW-1".into(),
            target: Target::Donor(donor),
            amount: 10_000,
            paid_on: lingkaran::clock::today(),
            channel: None,
            evidence_name: None,
            evidence: None,
            recorded_by: Actor::User(officer.id),
            note: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    World {
        app,
        officer,
        donor,
    }
}

async fn ledger_clean(db: &Db) {
    let r = ledger::check(db).await.unwrap();
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

both_dbs!(
    a_refund_beyond_the_credit_or_the_bound_mints_nothing,
    |db| async move {
        let w = world(db).await;
        let app = &w.app;
        let path = format!("/api/v1/donors/{}/refunds", w.donor);
        // 2^63 − 1 once wrapped the credit into an unlimited one and answered 201.
        for amount in [i64::MAX, 1_000_000_000_000_001, 10_001, 0, -5] {
            let (s, v) = app
                .post(
                    &w.officer,
                    &path,
                    json!({ "amount": amount, "reason": "uji" }),
                )
                .await;
            assert_eq!(s, 422, "refund of {amount}: {v}");
            let text = v.to_string();
            assert!(
                text.contains("Rp") && !text.contains("panic"),
                "a refusal in words: {text}"
            );
        }
        // A number that is not even an i64 is a 4xx too, never a 500.
        let r = app
            .client
            .post(app.url(&path))
            .bearer_auth(&w.officer.token)
            .header("content-type", "application/json")
            .body(r#"{"amount": 1e30, "reason": "uji"}"#)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
        assert_eq!(payments::credit_of(&app.db, w.donor).await.unwrap(), 10_000);
        // What is there can still be refunded, exactly.
        let (s, v) = app
            .post(
                &w.officer,
                &path,
                json!({ "amount": 10_000, "reason": "uji" }),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(payments::credit_of(&app.db, w.donor).await.unwrap(), 0);
        ledger_clean(&app.db).await;
    }
);

both_dbs!(
    a_callback_of_an_absurd_amount_gets_a_final_4xx,
    |db| async move {
        let w = world(db).await;
        let app = &w.app;
        let body = lingkaran::payments::callback::body(
            "8890800000000001",
            "INV-2026-000001",
            1,
            "TX-HUGE",
            chrono::Utc::now(),
        );
        // 1e30 and 2^63 answered 500, and the gateway redelivered for ever.
        for huge in [
            "1e30",
            "9223372036854775808",
            "9223372036854775807",
            "\"1e30\"",
            "-1",
            "0",
        ] {
            let hostile = body.replace("\"amount\":1", &format!("\"amount\":{huge}"));
            assert_ne!(hostile, body);
            let (s, v) =
                common::send_raw_callback(&app.client, &app.base, hostile, "TX-HUGE").await;
            assert_eq!(s, 422, "amount {huge}: {v}");
            assert_eq!(v["errors"][0]["code"], "amount_out_of_bounds", "{v}");
        }
        ledger_clean(&app.db).await;
    }
);

both_dbs!(
    a_manual_payment_beyond_the_bound_is_refused,
    |db| async move {
        let w = world(db).await;
        let r = payments::book(
            &w.app.db,
            &NewPayment {
                source: Source::Manual,
                reference: "KW-2".into(),
                target: Target::Donor(w.donor),
                amount: i64::MAX,
                paid_on: lingkaran::clock::today(),
                channel: None,
                evidence_name: None,
                evidence: None,
                recorded_by: Actor::User(w.officer.id),
                note: None,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(r.unwrap_err().problem().code, "amount_out_of_bounds");
        assert_eq!(
            payments::credit_of(&w.app.db, w.donor).await.unwrap(),
            10_000
        );
        ledger_clean(&w.app.db).await;
    }
);

both_dbs!(
    a_page_number_of_two_to_the_63_does_not_wrap,
    |db| async move {
        let w = world(db).await;
        let (s, v) = w
            .app
            .get(&w.officer, "/api/v1/workers?page=9223372036854775807")
            .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["code"], "invalid_page", "{v}");
        let (s, v) = w.app.get(&w.officer, "/api/v1/workers?page=2").await;
        assert_eq!((s, v["page"].as_i64()), (200, Some(2)), "{v}");
    }
);
