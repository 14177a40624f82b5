//! Proof under concurrency, on SQLite and PostgreSQL: 50 donations with overlapping criteria
//! race for 1,000 eligible workers, then every payment callback is delivered 50 times, many
//! at once. Afterwards no worker-month is funded twice, `ledger check` passes, and every
//! rupiah paid in is found in exactly one place.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::auth::Role;
use lingkaran::db::ledger;
use serde_json::{json, Value};

both_dbs!(fifty_donors_race_for_a_thousand_workers, |db| async move {
    let app = TestApp::spawn(db).await;
    let org = app.org("Pemerintah Desa Sawo", "35.25.01.2001").await;
    let proposer = app.user("desa", Role::Proposer, Some(org), &[]).await;
    let officer = app.user("petugas", Role::Officer, None, &["35.25"]).await;
    lingkaran::demo::verified_workers(
        &app.db,
        (proposer.id, org),
        officer.id,
        "35.25.01",
        1_000,
        3,
    )
    .await
    .unwrap();
    let mut donors: Vec<Token> = Vec::new();
    for i in 0..50 {
        let r = app
            .client
            .post(app.url("/api/v1/signup"))
            .json(&json!({ "username": format!("donor{i}"), "full_name": format!("Donatur {i}"), "password": "rahasia-sekali" }))
            .send()
            .await
            .unwrap();
        let (_, v) = common::status_json(r).await;
        donors.push(Token {
            id: v["user_id"].as_i64().unwrap(),
            token: v["token"].as_str().unwrap().to_string(),
        });
    }
    // 50 requests of 30 workers for 6 months (1,500 wanted, 1,000 exist), overlapping:
    // some ask for the whole district, some for one sex, some for the poorest deciles.
    let requests = donors.iter().enumerate().map(|(i, t)| {
        let criteria = match i % 3 {
            0 => json!({ "region": "35.25.01" }),
            1 => json!({ "region": "35.25", "sex": if i % 2 == 0 { "L" } else { "P" } }),
            _ => json!({ "max_decile": 3 }),
        };
        let body = json!({ "mode": "criteria", "criteria": criteria, "count": 30, "months": 6 });
        let app = &app;
        async move { app.post(t, "/api/v1/donations", body).await }
    });
    let made: Vec<(u16, Value)> = futures_util::future::join_all(requests).await;
    let mut invoices = Vec::new();
    let mut held = 0;
    for (s, d) in &made {
        // A request finds workers (201) or, once every match is taken, says so (422).
        match s {
            201 => {
                held += d["workers"].as_i64().unwrap();
                invoices.push((
                    d["invoice"]["va_number"].as_str().unwrap().to_string(),
                    d["invoice"]["number"].as_str().unwrap().to_string(),
                    d["invoice"]["amount"].as_i64().unwrap(),
                ));
            }
            422 => assert_eq!(d["errors"][0]["code"], "no_workers", "{d}"),
            other => panic!("{other}: {d}"),
        }
    }
    assert!(held > 900 && held <= 1_000, "held {held}");

    // Every callback, 50 times, all at once.
    let calls = invoices
        .iter()
        .enumerate()
        .flat_map(|(k, (va, number, amount))| {
            (0..50).map(move |_| (k, va.clone(), number.clone(), *amount))
        });
    let results = futures_util::future::join_all(calls.map(|(k, va, number, amount)| {
        let app = &app;
        async move {
            app.pay_callback(&va, &number, amount, &format!("TX-{k}"))
                .await
        }
    }))
    .await;
    for (s, v) in &results {
        assert_eq!(*s, 200, "{v}");
    }
    let new = results
        .iter()
        .filter(|(_, v)| v["duplicate"] == false)
        .count();
    assert_eq!(new, invoices.len(), "each payment booked once");

    let db = &app.db;
    // No worker-month funded twice (the primary key says so; this checks it is still there)
    // and every held month is now funded.
    let (rows, distinct, held_left): (i64, i64, i64) = lingkaran::on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COUNT(DISTINCT CAST(m.worker_id AS TEXT) || '/' || CAST(m.month AS TEXT)) AS BIGINT),
                CAST(SUM(CASE WHEN d.status = 'funded' THEN 0 ELSE 1 END) AS BIGINT)
         FROM worker_months m JOIN donations d ON d.id = m.donation_id"
    )
    .fetch_one(pool)
    .await
    .unwrap()
    });
    assert_eq!(rows, distinct);
    assert_eq!(rows, held * 6);
    assert_eq!(held_left, 0);
    // No worker belongs to two donations.
    let shared: i64 = lingkaran::on_db!(db, |pool| {
        sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT worker_id FROM donation_workers GROUP BY worker_id HAVING COUNT(*) > 1) x"
    )
    .fetch_one(pool)
    .await
    .unwrap()
    });
    assert_eq!(shared, 0);

    // Every rupiah paid in is in exactly one place: in a donation's escrow or a donor's
    // credit (nothing was refunded), and the ledger agrees with itself.
    let report = ledger::check(db).await.unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    let paid: i64 = invoices.iter().map(|i| i.2).sum();
    let (escrow, credit, payments): (i64, i64, i64) = lingkaran::on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN code LIKE 'escrow:%' THEN credits_posted - debits_posted ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN code LIKE 'donor_credit:%' THEN credits_posted - debits_posted ELSE 0 END), 0) AS BIGINT),
                CAST((SELECT COALESCE(SUM(amount), 0) FROM payments) AS BIGINT)
         FROM ledger_accounts"
    )
    .fetch_one(pool)
    .await
    .unwrap()
    });
    assert_eq!(payments, paid);
    assert_eq!(escrow + credit, paid);
    assert_eq!(credit, 0, "every invoice was paid exactly");
});
