//! Donating through the HTTP API, end to end over a real socket, on SQLite and PostgreSQL:
//! sign-up, donation, callback, bank statement, manual entry, idempotency, masking.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::db::{ledger, Db};
use serde_json::{json, Value};
use std::collections::HashSet;

struct World {
    app: TestApp,
    officer: Token,
}

async fn world(db: Db, workers: usize) -> World {
    let app = TestApp::spawn(db).await;
    let officer = app.village(workers, 11).await.officer;
    World { app, officer }
}

async fn sign_up(app: &TestApp, username: &str, name: &str) -> (Token, i64) {
    app.sign_up(username, name).await
}

async fn worker_ids(app: &TestApp, t: &Token, donation: i64) -> Vec<i64> {
    let (s, v) = app
        .get(
            t,
            &format!("/api/v1/donations/{donation}/workers?limit=1000"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    v["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["worker_id"].as_i64().unwrap())
        .collect()
}

async fn ledger_clean(db: &Db) {
    let r = ledger::check(db).await.unwrap();
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

fn gresik_100() -> Value {
    json!({ "mode": "criteria", "criteria": { "region": "35.25.01" }, "count": 100, "months": 6 })
}

both_dbs!(
    a_donor_signs_up_funds_100_workers_and_pays_by_callback,
    |db| async move {
        let w = world(db, 300).await;
        let app = &w.app;
        let (a, _) = sign_up(app, "budi.santoso", "Budi Santoso").await;

        let (s, d) = app.post(&a, "/api/v1/donations", gresik_100()).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(d["workers"], 100);
        assert_eq!(d["status"], "held");
        assert_eq!(d["months"], 6);
        let inv = &d["invoice"];
        let (va, number, amount) = (
            inv["va_number"].as_str().unwrap().to_string(),
            inv["number"].as_str().unwrap().to_string(),
            inv["amount"].as_i64().unwrap(),
        );
        assert_eq!(amount, d["total"].as_i64().unwrap());
        assert!(inv["amount_text"].as_str().unwrap().starts_with("Rp "));

        // The donor sees masked NIKs and names, with the reason for each worker.
        let (_, ws) = app
            .get(&a, &format!("/api/v1/donations/{}/workers", d["id"]))
            .await;
        let first = &ws["workers"][0];
        assert!(first["nik"].as_str().unwrap().contains("••••"), "{first}");
        let name = first["name"].as_str().unwrap();
        assert!(name.ends_with('.') || name.ends_with('•'), "{first}");
        assert!(
            first["why"].as_str().unwrap().starts_with("Urutan 1"),
            "{first}"
        );
        assert_eq!(first["months"], 6);

        // The provider calls back 50 times, some at once: one payment, one funding.
        let mut calls = Vec::new();
        for _ in 0..50 {
            calls.push(app.pay_callback(&va, &number, amount, "DOKU-TX-1"));
        }
        let results = futures_util::future::join_all(calls).await;
        let new: Vec<&Value> = results
            .iter()
            .inspect(|(s, v)| assert_eq!(*s, 200, "{v}"))
            .map(|(_, v)| v)
            .filter(|v| v["duplicate"] == false)
            .collect();
        assert_eq!(new.len(), 1, "booked exactly once");
        let (_, d) = app.get(&a, &format!("/api/v1/donations/{}", d["id"])).await;
        assert_eq!(d["status"], "funded");
        assert_eq!(d["invoice"]["status"], "paid");

        // A second donor's overlapping request gets other workers.
        let (b, _) = sign_up(app, "siti.rahayu", "Siti Rahayu").await;
        let (s, d2) = app.post(&b, "/api/v1/donations", gresik_100()).await;
        assert_eq!(s, 201, "{d2}");
        let mine: HashSet<i64> = worker_ids(app, &a, d["id"].as_i64().unwrap())
            .await
            .into_iter()
            .collect();
        let theirs = worker_ids(app, &b, d2["id"].as_i64().unwrap()).await;
        assert_eq!(theirs.len(), 100);
        assert!(theirs.iter().all(|id| !mine.contains(id)));

        // Donor B cannot see A's donation; a forged or stale callback is refused.
        let (s, _) = app.get(&b, &format!("/api/v1/donations/{}", d["id"])).await;
        assert_eq!(s, 404);
        let forged = app
            .client
            .post(app.url(lingkaran::payments::callback::PATH))
            .header("Client-Id", lingkaran::app::DEMO_PROVIDER_CLIENT_ID)
            .header("Request-Id", "x")
            .header(
                "Request-Timestamp",
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
            .header("Signature", "HMACSHA256=AAAA")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status().as_u16(), 401);

        // A's account: no credit left, one paid invoice, one payment with its receipt.
        let (_, donors) = app.get(&a, "/api/v1/donors").await;
        let a_id = donors["donors"][0]["id"].as_i64().unwrap();
        let (_, acct) = app.get(&a, &format!("/api/v1/donors/{a_id}/account")).await;
        assert_eq!(acct["credit"], 0);
        assert_eq!(acct["payments"].as_array().unwrap().len(), 1);
        let pid = acct["payments"][0]["id"].as_i64().unwrap();
        let (s, receipt) = app.get(&a, &format!("/api/v1/payments/{pid}")).await;
        assert_eq!(s, 200);
        assert_eq!(receipt["amount"], amount);
        assert_eq!(receipt["donor_name"], "Budi Santoso");
        ledger_clean(&app.db).await;
        let _ = w.officer;
    }
);

both_dbs!(
    a_bank_statement_books_what_it_can_and_queues_the_rest,
    |db| async move {
        let w = world(db, 50).await;
        let app = &w.app;
        let (a, _) = sign_up(app, "pt.semen", "PT Semen Sejahtera").await;
        let (_, d) = app
            .post(
                &a,
                "/api/v1/donations",
                json!({ "mode": "criteria", "count": 10, "months": 3 }),
            )
            .await;
        let va = d["invoice"]["va_number"].as_str().unwrap().to_string();
        let amount = d["invoice"]["amount"].as_i64().unwrap();
        let amount_id = lingkaran_domain::format::rupiah(amount).replace("Rp ", "");
        let csv = format!(
            "tanggal;keterangan;referensi;jumlah\n\
         25/11/2026;TRF VA {va} PT SEMEN;FT2611250001;{amount_id},00\n\
         25/11/2026;SETORAN TUNAI TANPA KETERANGAN;FT2611002;250.000,00\n\
         25/11/2026;BIAYA ADM;FT2611003;-5.000,00\n"
        );
        let upload = |bytes: Vec<u8>| {
            let part = reqwest::multipart::Part::bytes(bytes).file_name("mutasi-bni.csv");
            app.client
                .post(app.url("/api/v1/statements"))
                .bearer_auth(&w.officer.token)
                .multipart(
                    reqwest::multipart::Form::new()
                        .text("account", "1230004567890")
                        .part("file", part),
                )
                .send()
        };
        let (s, r) = common::status_json(upload(csv.clone().into_bytes()).await.unwrap()).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            (
                r["matched"].as_i64(),
                r["unmatched"].as_i64(),
                r["skipped_debits"].as_i64()
            ),
            (Some(1), Some(1), Some(1)),
            "{r}"
        );
        let (_, d) = app.get(&a, &format!("/api/v1/donations/{}", d["id"])).await;
        assert_eq!(d["status"], "funded");

        // The same file again books nothing new.
        let (s, again) = common::status_json(upload(csv.into_bytes()).await.unwrap()).await;
        assert_eq!(s, 200);
        assert_eq!(again["again"], true);

        // The unmatched line waits in the officers' queue; a donor may not see it.
        let (s, q) = app.get(&w.officer, "/api/v1/statements/unmatched").await;
        assert_eq!(s, 200);
        let lines = q["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["amount"], 250_000);
        assert_eq!(lines[0]["line"], 3);
        let (s, _) = app.get(&a, "/api/v1/statements/unmatched").await;
        assert_eq!(s, 403);

        // The officer learns it was PT Semen's and assigns it to their credit.
        let (_, donors) = app.get(&a, "/api/v1/donors").await;
        let donor_id = donors["donors"][0]["id"].as_i64().unwrap();
        let (s, line) = app
            .post(
                &w.officer,
                &format!("/api/v1/statement-lines/{}/resolve", lines[0]["id"]),
                json!({ "donor_id": donor_id, "note": "dikonfirmasi lewat telepon" }),
            )
            .await;
        assert_eq!(s, 200, "{line}");
        assert_eq!(line["status"], "resolved");
        let (_, q) = app.get(&w.officer, "/api/v1/statements/unmatched").await;
        assert_eq!(q["lines"].as_array().unwrap().len(), 0);
        let (_, acct) = app
            .get(&a, &format!("/api/v1/donors/{donor_id}/account"))
            .await;
        assert_eq!(acct["credit"], 250_000);

        // The officer refunds 100,000 of it.
        let (s, r) = app
            .post(
                &w.officer,
                &format!("/api/v1/donors/{donor_id}/refunds"),
                json!({ "amount": 100_000, "reason": "permintaan donatur" }),
            )
            .await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["credit"], 150_000);

        // A manual entry needs its evidence, and is booked once per receipt number.
        let manual = |evidence: bool| {
            let mut form = reqwest::multipart::Form::new()
                .text("donor_id", donor_id.to_string())
                .text("amount", "Rp 50.000")
                .text("paid_on", "2026-11-20")
                .text("reference", "KWT-0007");
            if evidence {
                form = form.part(
                    "evidence",
                    reqwest::multipart::Part::bytes(b"%PDF-1.4 kuitansi".to_vec())
                        .file_name("kuitansi.pdf"),
                );
            }
            app.client
                .post(app.url("/api/v1/payments/manual"))
                .bearer_auth(&w.officer.token)
                .multipart(form)
                .send()
        };
        let (s, e) = common::status_json(manual(false).await.unwrap()).await;
        assert_eq!(s, 422);
        assert_eq!(e["errors"][0]["code"], "evidence_required");
        let (s, p) = common::status_json(manual(true).await.unwrap()).await;
        assert_eq!(s, 201, "{p}");
        let (s, p2) = common::status_json(manual(true).await.unwrap()).await;
        assert_eq!((s, &p2["id"]), (200, &p["id"]));
        let ev = app
            .client
            .get(app.url(&format!("/api/v1/payments/{}/evidence", p["id"])))
            .bearer_auth(&w.officer.token)
            .send()
            .await
            .unwrap();
        assert_eq!(ev.bytes().await.unwrap().as_ref(), b"%PDF-1.4 kuitansi");
        let (_, acct) = app
            .get(&a, &format!("/api/v1/donors/{donor_id}/account"))
            .await;
        assert_eq!(acct["credit"], 200_000);
        ledger_clean(&app.db).await;
    }
);

both_dbs!(
    the_same_idempotency_key_gets_the_same_answer,
    |db| async move {
        let w = world(db, 40).await;
        let app = &w.app;
        let (a, _) = sign_up(app, "dermawan", "Hamba Allah").await;
        let send = |body: Value, key: &str| {
            app.client
                .post(app.url("/api/v1/donations"))
                .bearer_auth(&a.token)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
        };
        let body = json!({ "mode": "criteria", "count": 5, "months": 2 });
        let first = send(body.clone(), "key-1").await.unwrap();
        assert_eq!(first.status().as_u16(), 201);
        let first: Value = first.json().await.unwrap();
        let again = send(body.clone(), "key-1").await.unwrap();
        assert_eq!(again.status().as_u16(), 201);
        assert_eq!(again.headers()["idempotency-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(again, first, "the same answer, not a second donation");
        let (_, list) = app.get(&a, "/api/v1/donations").await;
        assert_eq!(list["donations"].as_array().unwrap().len(), 1);
        // The key with another body is refused; a new key makes a new donation.
        let other = send(
            json!({ "mode": "criteria", "count": 6, "months": 2 }),
            "key-1",
        )
        .await
        .unwrap();
        assert_eq!(other.status().as_u16(), 422);
        let new = send(body, "key-2").await.unwrap();
        assert_eq!(new.status().as_u16(), 201);
        let (_, list) = app.get(&a, "/api/v1/donations").await;
        assert_eq!(list["donations"].as_array().unwrap().len(), 2);
    }
);

both_dbs!(
    the_list_carries_each_donations_own_invoice,
    |db| async move {
        // Two donors' donations interleaved, one of them cancelled: each listed donation
        // carries its own invoice (its VA is 88908 + the donation's id), for the donor and
        // for an officer who sees them all. The list reads the invoices in one query.
        let w = world(db, 40).await;
        let app = &w.app;
        let (a, _) = sign_up(app, "donatur.satu", "Donatur Satu").await;
        let (b, _) = sign_up(app, "donatur.dua", "Donatur Dua").await;
        let body = json!({ "mode": "criteria", "count": 2, "months": 1 });
        let mut made = Vec::new();
        for t in [&a, &b, &a] {
            let (s, d) = app.post(t, "/api/v1/donations", body.clone()).await;
            assert_eq!(s, 201, "{d}");
            made.push(d["id"].as_i64().unwrap());
        }
        let (s, c) = app
            .post(
                &a,
                &format!("/api/v1/donations/{}/cancel", made[0]),
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{c}");
        let va = |id: i64| format!("88908{id:011}");

        let (s, list) = app.get(&a, "/api/v1/donations").await;
        assert_eq!(s, 200, "{list}");
        let listed: Vec<(i64, String, String)> = list["donations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["id"].as_i64().unwrap(),
                    d["invoice"]["va_number"]
                        .as_str()
                        .unwrap_or("none")
                        .to_string(),
                    d["invoice"]["status"]
                        .as_str()
                        .unwrap_or("none")
                        .to_string(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            vec![
                (made[2], va(made[2]), "open".to_string()),
                (made[0], va(made[0]), "cancelled".to_string()),
            ]
        );

        let (s, all) = app.get(&w.officer, "/api/v1/donations").await;
        assert_eq!(s, 200, "{all}");
        let all: Vec<(i64, String)> = all["donations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let id = d["id"].as_i64().unwrap();
                (
                    id,
                    d["invoice"]["va_number"]
                        .as_str()
                        .unwrap_or("none")
                        .to_string(),
                )
            })
            .collect();
        let expected: Vec<(i64, String)> = made.iter().rev().map(|&id| (id, va(id))).collect();
        assert_eq!(all, expected);
    }
);

both_dbs!(bad_donation_requests_say_what_is_wrong, |db| async move {
    let w = world(db, 5).await;
    let app = &w.app;
    let (a, a_id) = sign_up(app, "penderma", "Penderma").await;
    // An officer has verified the donor: named donations are open to it.
    lingkaran::db::donors::verify(&app.db, a_id, a.id, chrono::Utc::now())
        .await
        .unwrap();
    let cases = [
        (
            json!({ "mode": "criteria", "count": 5, "months": 13 }),
            "invalid_months",
        ),
        (
            json!({ "mode": "criteria", "count": 5, "months": 3, "start": "2020-01" }),
            "start_past_due",
        ),
        (
            json!({ "mode": "criteria", "count": 5, "months": 3, "criteria": { "region": "99.99" } }),
            "unknown_region",
        ),
        (
            json!({ "mode": "named", "niks": ["123"], "months": 3 }),
            "wrong_length",
        ),
        (json!({ "mode": "lottery", "months": 3 }), "invalid_mode"),
        (
            json!({ "mode": "budget", "budget": 1000, "months": 12 }),
            "budget_too_small",
        ),
        (
            json!({ "mode": "criteria", "count": 5, "months": 3, "criteria": { "occupation": "astronaut" } }),
            "unknown_occupation",
        ),
    ];
    for (body, code) in cases {
        let (s, e) = app.post(&a, "/api/v1/donations", body.clone()).await;
        assert_eq!(s, 422, "{body} → {e}");
        assert_eq!(e["errors"][0]["code"], code, "{body} → {e}");
        assert!(!e["errors"][0]["detail"].as_str().unwrap().is_empty());
    }
    // A name that means two districts: both offered, with their codes.
    let (s, e) = app
        .post(
            &a,
            "/api/v1/donations",
            json!({ "mode": "criteria", "count": 5, "months": 3, "criteria": { "region": "Dukun" } }),
        )
        .await;
    assert_eq!(
        (s, e["errors"][0]["code"].as_str()),
        (422, Some("ambiguous_region"))
    );
    let detail = e["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("(33.08.06)") && detail.contains("Dukun, Kabupaten Gresik (35.25.01)"),
        "{detail}"
    );
    // Nothing was held by the refused requests.
    let (_, list) = app.get(&a, "/api/v1/donations").await;
    assert_eq!(list["donations"].as_array().unwrap().len(), 0);
    // A name typed as a donor says it: "gresik" is Kabupaten Gresik.
    let (s, d) = app
        .post(
            &a,
            "/api/v1/donations",
            json!({ "mode": "criteria", "count": 2, "months": 1, "criteria": { "region": "gresik" } }),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert_eq!(
        d["request"]["criteria"]["region"], "35.25",
        "kept as the region it meant"
    );
    let (_, ws) = app
        .get(&a, &format!("/api/v1/donations/{}/workers", d["id"]))
        .await;
    assert!(ws["workers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["village"]["code"].as_str().unwrap().starts_with("35.25.")));
    // A username already taken is refused in Indonesian.
    let r = app
        .client
        .post(app.url("/api/v1/signup"))
        .json(&json!({ "username": "penderma", "full_name": "X", "password": "rahasia-sekali" }))
        .send()
        .await
        .unwrap();
    let (s, e) = common::status_json(r).await;
    assert_eq!(s, 409);
    assert!(e["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("sudah dipakai"));
});
