//! The audit trail in the store: appended in the change's transaction, without gaps,
//! append-only by trigger, and any edit, deletion or insertion caught by `audit::verify`.
#![allow(clippy::unwrap_used)]

use crate::common;

use lingkaran::db::audit::{self, Actor, NewEntry};
use lingkaran::db::Db;
use lingkaran_domain::audit::Break;
use serde_json::json;

async fn add(db: &Db, n: i64, commit: bool) -> i64 {
    let mut tx = db.begin_write().await.unwrap();
    let id = audit::append(
        &mut tx,
        chrono::Utc::now(),
        &NewEntry {
            actor: Actor::User(7),
            action: "worker.verify",
            record_kind: "worker",
            record_id: n.to_string(),
            detail: json!({ "from": "proposed", "to": "verified" }),
        },
    )
    .await
    .unwrap();
    if commit {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
    id
}

async fn exec(db: &Db, sql: &str) -> Result<u64, sqlx::Error> {
    lingkaran::on_db!(db, |pool| sqlx::query(sql)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
}

async fn drop_triggers(db: &Db) {
    let sqls: &[&str] = match db.pool {
        lingkaran::db::Pool::Sqlite(_) => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        lingkaran::db::Pool::Postgres(_) => &[
            "DROP TRIGGER audit_log_no_update ON audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
        ],
    };
    for s in sqls {
        exec(db, s).await.unwrap();
    }
}

both_dbs!(appended_entries_chain_without_gaps, |db| async move {
    for n in 1..=3 {
        add(&db, n, true).await;
    }
    // A change rolled back takes its entry with it, and leaves no gap.
    assert_eq!(add(&db, 99, false).await, 4);
    assert_eq!(add(&db, 4, true).await, 4);
    let r = audit::verify(&db).await.unwrap();
    assert!(r.ok, "{r:?}");
    assert_eq!(r.entries, 4);
    assert_eq!(r.first_bad, None);
    assert_eq!(r.head, r.claimed_head);
});

both_dbs!(
    the_store_refuses_to_change_or_delete_an_entry,
    |db| async move {
        add(&db, 1, true).await;
        assert!(exec(&db, "UPDATE audit_log SET detail = '{}' WHERE id = 1")
            .await
            .is_err());
        assert!(exec(&db, "DELETE FROM audit_log WHERE id = 1")
            .await
            .is_err());
        assert!(audit::verify(&db).await.unwrap().ok);
    }
);

both_dbs!(
    an_edit_is_caught_with_the_triggers_dropped,
    |db| async move {
        for n in 1..=5 {
            add(&db, n, true).await;
        }
        drop_triggers(&db).await;
        exec(&db, "UPDATE audit_log SET actor = 'user:1' WHERE id = 3")
            .await
            .unwrap();
        let r = audit::verify(&db).await.unwrap();
        assert!(!r.ok);
        assert_eq!((r.first_bad, r.why), (Some(3), Some(Break::Hash)));
        assert_eq!(r.entries, 5);
    }
);

both_dbs!(
    a_deletion_is_caught_with_the_triggers_dropped,
    |db| async move {
        for n in 1..=5 {
            add(&db, n, true).await;
        }
        drop_triggers(&db).await;
        exec(&db, "DELETE FROM audit_log WHERE id = 2")
            .await
            .unwrap();
        let r = audit::verify(&db).await.unwrap();
        assert_eq!(
            (r.ok, r.first_bad, r.why),
            (false, Some(3), Some(Break::Sequence))
        );
    }
);

// The last entry deleted: every remaining one holds, but the stored head does not.
both_dbs!(a_deleted_tail_is_caught_by_the_head, |db| async move {
    for n in 1..=3 {
        add(&db, n, true).await;
    }
    drop_triggers(&db).await;
    exec(&db, "DELETE FROM audit_log WHERE id = 3")
        .await
        .unwrap();
    let r = audit::verify(&db).await.unwrap();
    assert!(!r.ok, "{r:?}");
    assert_eq!(r.first_bad, Some(3));
    assert_ne!(r.head, r.claimed_head);
});

both_dbs!(an_insertion_is_caught, |db| async move {
    for n in 1..=3 {
        add(&db, n, true).await;
    }
    // A forged entry copied from entry 2 under a new id, at the end: its link is wrong.
    exec(
        &db,
        "INSERT INTO audit_log (id, at, actor, action, record_kind, record_id, detail, prev_hash, hash)
         SELECT 4, at, actor, action, record_kind, record_id, detail, prev_hash, hash
         FROM audit_log WHERE id = 2",
    )
    .await
    .unwrap();
    let r = audit::verify(&db).await.unwrap();
    assert!(!r.ok);
    assert_eq!((r.first_bad, r.why), (Some(4), Some(Break::Link)));
});

// ---- The wired flows ------------------------------------------------------------------------

use common::{TestApp, Token};
use lingkaran::auth::Role;
use serde_json::Value;

/// Every entry as (action, actor, record kind, record id), in order.
async fn entries(db: &Db) -> Vec<(String, String, String, String)> {
    lingkaran::on_db!(db, |pool| sqlx::query_as(
        "SELECT action, actor, record_kind, record_id FROM audit_log ORDER BY id"
    )
    .fetch_all(pool)
    .await)
    .unwrap()
}

fn has(all: &[(String, String, String, String)], action: &str, actor: &str) -> bool {
    all.iter().any(|(a, who, _, _)| a == action && who == actor)
}

fn id_of(all: &[(String, String, String, String)], action: &str, record: &str) -> bool {
    all.iter().any(|(a, _, _, id)| a == action && id == record)
}

/// How many ledger transfers name no actor (made before migration 0021, or a path that
/// forgot to pass one).
async fn transfers_without_actor(db: &Db) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM ledger_transfers WHERE actor = 'unknown' OR actor = ''"
    )
    .fetch_one(pool)
    .await)
    .unwrap()
}

// The demo's months of history: the chain holds, each change is recorded with the one who
// made it, bulk steps are one entry per batch, and every transfer names its actor.
both_dbs!(
    the_demo_leaves_a_verified_trail_naming_its_actors,
    |db| async move {
        let dir = tempfile::tempdir().unwrap();
        lingkaran::demo::seed(&db, dir.path()).await.unwrap();
        let r = audit::verify(&db).await.unwrap();
        assert!(r.ok, "{r:?}");
        assert!(r.entries > 20, "{r:?}");
        let all = entries(&db).await;
        let officer = lingkaran::db::users::user_id(&db, "petugas")
            .await
            .unwrap()
            .unwrap();
        let officer = format!("user:{officer}");
        for (action, actor) in [
            ("organisation.create", "system:demo"),
            ("user.create", "system:demo"),
            ("worker.verify", officer.as_str()),
            ("worker.reject", officer.as_str()),
            ("workers.create", "user:4"),
            ("workers.lapse", "system:demo"),
            ("payment.book", "system:provider"),
            ("cycle.payables", "system:demo"),
            ("cycle.file", "system:demo"),
            ("cycle.remit", "system:demo"),
            ("cycle.confirmations", "system:demo"),
            ("self_payment.record", officer.as_str()),
            ("donor.budget_line", "system:demo"),
        ] {
            assert!(has(&all, action, actor), "no {action} by {actor}: {all:?}");
        }
        assert!(all
            .iter()
            .any(|(a, who, _, _)| a == "donation.hold" && who.starts_with("user:")));
        // Bulk steps are counted, not listed: far fewer entries than workers.
        let workers: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM workers"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert!(
            (all.len() as i64) < workers,
            "{} entries for {workers} workers",
            all.len()
        );
        // No entry carries a whole NIK.
        let sealed: Vec<Vec<u8>> =
            lingkaran::on_db!(&db, |pool| sqlx::query_scalar("SELECT nik FROM workers")
                .fetch_all(pool)
                .await)
            .unwrap();
        let niks: Vec<String> = sealed
            .iter()
            .map(|s| {
                lingkaran::db::sealed::open(db.keys(), lingkaran::privacy::Kind::Nik, s).unwrap()
            })
            .collect();
        let details: Vec<String> = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT detail || record_id FROM audit_log"
        )
        .fetch_all(pool)
        .await)
        .unwrap();
        let text = details.join("\n");
        assert!(
            niks.iter().all(|n| !text.contains(n.as_str())),
            "a NIK in the trail"
        );
        assert_eq!(transfers_without_actor(&db).await, 0);
    }
);

struct Flows {
    app: TestApp,
    admin: Token,
    officer: Token,
    proposer: Token,
    donor: Token,
    worker: i64,
    payment: i64,
}

/// The scenario tests' typical flows, over HTTP: a proposer adds a worker and an officer
/// verifies it, a donor pays a donation by callback, an officer's statement pays another,
/// and the month's cycle runs.
async fn flows(db: Db) -> Flows {
    let app = TestApp::spawn(db).await;
    let village = app.village(20, 11).await;
    let admin = app.user("admin", Role::Admin, None, &[]).await;
    let (officer, proposer) = (village.officer, village.proposer);
    let n = common::nik("352501", true, "1990-07-15", 2);
    let body = serde_json::json!({ "nik": n, "full_name": "Siti Aminah",
        "village_code": "35.25.01.2001", "occupation": "petani" });
    let (s, created) = app.post(&proposer, "/api/v1/workers", body).await;
    assert_eq!(s, 201, "{created}");
    let worker = created["id"].as_i64().unwrap();
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/workers/{worker}/verify"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");

    let (donor, _) = app.sign_up("budi.santoso", "Budi Santoso").await;
    let donate = serde_json::json!({ "mode": "criteria", "count": 2, "months": 1 });
    let (s, d) = app.post(&donor, "/api/v1/donations", donate.clone()).await;
    assert_eq!(s, 201, "{d}");
    let inv = &d["invoice"];
    let (va, number, amount) = (
        inv["va_number"].as_str().unwrap().to_string(),
        inv["number"].as_str().unwrap().to_string(),
        inv["amount"].as_i64().unwrap(),
    );
    let (s, v) = app.pay_callback(&va, &number, amount, "DOKU-TX-1").await;
    assert_eq!(s, 200, "{v}");

    let (s, d2) = app.post(&donor, "/api/v1/donations", donate).await;
    assert_eq!(s, 201, "{d2}");
    let va2 = d2["invoice"]["va_number"].as_str().unwrap();
    let amount2 = d2["invoice"]["amount"].as_i64().unwrap();
    let csv = format!(
        "Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n25/11/2026;TRF VA {va2} BUDI;FT26329AAA01;{amount2};CR\n"
    );
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("mutasi.csv");
    let form = reqwest::multipart::Form::new()
        .part("file", part)
        .text("account", "1230004567890");
    let (s, r) = app
        .post_multipart(&officer, "/api/v1/statements", form)
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["matched"], 1, "{r}");
    let payment: i64 = lingkaran::on_db!(&app.db, |pool| sqlx::query_scalar(
        "SELECT id FROM payments WHERE source = 'statement'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();

    let month = lingkaran_domain::rates::Month::parse(d["start"].as_str().unwrap_or(""))
        .unwrap_or(lingkaran_domain::rates::Month::of(lingkaran::clock::today()).next());
    let dir = tempfile::tempdir().unwrap();
    lingkaran::usecase::cycle::run(&app.db, month, dir.path(), Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    Flows {
        app,
        admin,
        officer,
        proposer,
        donor,
        worker,
        payment,
    }
}

both_dbs!(
    the_typical_flows_are_recorded_with_their_actor,
    |db| async move {
        let f = flows(db).await;
        let db = &f.app.db;
        let r = audit::verify(db).await.unwrap();
        assert!(r.ok, "{r:?}");
        let all = entries(db).await;
        let user = |t: &Token| format!("user:{}", t.id);
        let worker = f.worker.to_string();
        for (action, actor) in [
            ("worker.create", user(&f.proposer)),
            ("worker.verify", user(&f.officer)),
            ("user.sign_up", user(&f.donor)),
            ("donation.hold", user(&f.donor)),
            ("payment.book", "system:provider".to_string()),
            ("statement.upload", user(&f.officer)),
            ("payment.book", user(&f.officer)),
            ("cycle.payables", "cli".to_string()),
            ("user.create", "cli".to_string()),
            ("token.create", "cli".to_string()),
        ] {
            assert!(has(&all, action, &actor), "no {action} by {actor}: {all:?}");
        }
        assert!(id_of(&all, "worker.verify", &worker), "{all:?}");
        assert!(id_of(&all, "payment.book", &f.payment.to_string()));
        // The statement's payment and its transfers name the officer.
        let actors: Vec<String> = lingkaran::on_db!(db, |pool| sqlx::query_scalar(
            "SELECT DISTINCT actor FROM ledger_transfers ORDER BY actor"
        )
        .fetch_all(pool)
        .await)
        .unwrap();
        assert!(actors.contains(&user(&f.officer)), "{actors:?}");
        assert!(
            actors.contains(&"system:provider".to_string()),
            "{actors:?}"
        );
        assert!(actors.contains(&"cli".to_string()), "{actors:?}");
        assert_eq!(transfers_without_actor(db).await, 0);
    }
);

/// The id of the first entry with `action`.
async fn entry_id(db: &Db, action: &str) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar(
        "SELECT MIN(id) FROM audit_log WHERE action = $1"
    )
    .bind(action)
    .fetch_one(pool)
    .await)
    .unwrap()
}

// With the triggers dropped, an officer's payment rewritten as another's, a verification
// deleted, or a forged entry slipped in, is each named by `audit verify`.
both_dbs!(tampering_with_a_wired_flow_is_caught, |db| async move {
    let f = flows(db).await;
    let db = &f.app.db;
    drop_triggers(db).await;
    let paid = entry_id(db, "payment.book").await;
    let sql = format!("UPDATE audit_log SET actor = 'user:1' WHERE id = {paid}");
    exec(db, &sql).await.unwrap();
    let r = audit::verify(db).await.unwrap();
    assert_eq!(
        (r.ok, r.first_bad, r.why),
        (false, Some(paid), Some(Break::Hash))
    );
    // Put it back by hand (same bytes): the chain holds again.
    let sql = format!("UPDATE audit_log SET actor = 'system:provider' WHERE id = {paid}");
    exec(db, &sql).await.unwrap();
    assert!(audit::verify(db).await.unwrap().ok);

    let verified = entry_id(db, "worker.verify").await;
    let sql = format!(
        "INSERT INTO audit_log (id, at, actor, action, record_kind, record_id, detail, prev_hash, hash)
         SELECT {}, at, 'user:999', action, record_kind, record_id, detail, prev_hash, hash
         FROM audit_log WHERE id = {verified}",
        r.claimed_last_id + 1
    );
    exec(db, &sql).await.unwrap();
    let r2 = audit::verify(db).await.unwrap();
    assert_eq!((r2.ok, r2.first_bad), (false, Some(r.claimed_last_id + 1)));
    exec(
        db,
        &format!("DELETE FROM audit_log WHERE id = {}", r.claimed_last_id + 1),
    )
    .await
    .unwrap();
    exec(db, &format!("DELETE FROM audit_log WHERE id = {verified}"))
        .await
        .unwrap();
    let r3 = audit::verify(db).await.unwrap();
    assert_eq!(
        (r3.ok, r3.first_bad, r3.why),
        (false, Some(verified + 1), Some(Break::Sequence))
    );
});

async fn api(app: &TestApp, t: &Token, query: &str) -> (u16, Value) {
    app.get(t, &format!("/api/v1/audit{query}")).await
}

fn actions(v: &Value) -> Vec<String> {
    v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

// Admins read the trail by record, user and date, a page at a time; nobody else does.
both_dbs!(
    the_api_and_the_page_filter_the_trail_for_admins_only,
    |db| async move {
        let f = flows(db).await;
        let app = &f.app;
        // By record: the worker's creation and verification, newest first.
        let (s, v) = api(
            app,
            &f.admin,
            &format!("?record_kind=worker&record_id={}", f.worker),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(actions(&v), ["worker.verify", "worker.create"], "{v}");
        assert_eq!(v["entries"][0]["actor"], format!("user:{}", f.officer.id));
        assert_eq!(v["entries"][0]["detail"]["to"], "verified");
        // By user: only what the officer did.
        let (_, v) = api(app, &f.admin, &format!("?user={}", f.officer.id)).await;
        let mine = v["entries"].as_array().unwrap();
        assert!(!mine.is_empty());
        let officer = format!("user:{}", f.officer.id);
        assert!(mine.iter().all(|e| e["actor"] == officer.as_str()), "{v}");
        assert!(actions(&v).contains(&"statement.upload".to_string()));
        // By date: today holds everything, yesterday nothing.
        let today = chrono::Utc::now().date_naive();
        let yesterday = today.pred_opt().unwrap();
        let (_, v) = api(
            app,
            &f.admin,
            &format!("?from={today}&to={today}&limit=200"),
        )
        .await;
        let total = v["entries"].as_array().unwrap().len();
        assert!(total > 10, "{v}");
        let (_, v) = api(app, &f.admin, &format!("?to={yesterday}")).await;
        assert!(v["entries"].as_array().unwrap().is_empty(), "{v}");
        // Keyset pages of 3 walk the whole trail once, newest first, without overlap.
        let mut seen: Vec<i64> = Vec::new();
        let mut query = "?limit=3".to_string();
        loop {
            let (s, v) = api(app, &f.admin, &query).await;
            assert_eq!(s, 200, "{v}");
            let page: Vec<i64> = v["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap())
                .collect();
            assert!(page.len() <= 3);
            seen.extend(page);
            match v["next_before"].as_i64() {
                Some(b) => query = format!("?limit=3&before={b}"),
                None => break,
            }
        }
        let r = audit::verify(&app.db).await.unwrap();
        assert_eq!(seen.len() as u64, r.entries);
        assert!(seen.windows(2).all(|w| w[0] > w[1]));
        // A page is capped; a bad range or date is refused in words.
        let (s, v) = api(app, &f.admin, "?limit=201").await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (422, Some("bad_limit")),
            "{v}"
        );
        let (s, v) = api(app, &f.admin, &format!("?from={today}&to={yesterday}")).await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (422, Some("bad_range")),
            "{v}"
        );
        let (s, v) = api(app, &f.admin, "?from=kemarin").await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (422, Some("invalid_date")),
            "{v}"
        );
        // Nobody but an admin: officer, proposer and donor get 403; no token 401.
        for t in [&f.officer, &f.proposer, &f.donor] {
            let (s, v) = api(app, t, "").await;
            assert_eq!(s, 403, "{v}");
        }
        let r = app
            .client
            .get(app.url("/api/v1/audit"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);

        // The page: the same filters, in Indonesian; the next page link keeps them.
        let page = |t: &Token, q: &str| {
            app.client
                .get(app.url(&format!("/jejak-audit{q}")))
                .bearer_auth(&t.token)
                .send()
        };
        let r = page(&f.admin, &format!("?jenis=worker&id={}", f.worker))
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Jejak audit"), "{html}");
        assert!(html.contains("worker.verify") && html.contains("worker.create"));
        assert!(!html.contains("payment.book"), "filtered by record");
        let r = page(&f.admin, &format!("?pengguna={}&lang=en", f.officer.id))
            .await
            .unwrap();
        let html = r.text().await.unwrap();
        assert!(html.contains("Audit trail") && html.contains("statement.upload"));
        assert!(!html.contains("system:provider"), "filtered by user");
        // The page before entry 4 holds entries 3, 2 and 1, and is the last.
        let r = page(&f.admin, "?sebelum=4").await.unwrap();
        let html = r.text().await.unwrap();
        assert!(
            html.contains("<td>3</td>") && html.contains("<td>1</td>"),
            "{html}"
        );
        assert!(!html.contains("<td>4</td>") && !html.contains("halaman-berikut"));
        // A first page of 50 links to the next, keeping the filters.
        let r = page(&f.admin, "?aktor=cli").await.unwrap();
        let html = r.text().await.unwrap();
        if html.matches("<tr>").count() > 50 {
            assert!(html.contains("aktor=cli&amp;sebelum="), "{html}");
        }
        let r = page(&f.admin, &format!("?dari={today}&sampai={yesterday}"))
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        for t in [&f.officer, &f.proposer, &f.donor] {
            let r = page(t, "").await.unwrap();
            assert_eq!(r.status(), 403);
        }
        let anonymous = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = anonymous.get(app.url("/jejak-audit")).send().await.unwrap();
        assert_eq!(r.status(), 303, "to the sign-in page");
    }
);
