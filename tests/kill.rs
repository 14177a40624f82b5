//! A killed process, on SQLite and PostgreSQL: the real `lingkaran serve` is SIGKILLed while
//! it allocates a 10,000-worker × 12-month donation, and again while it books a late payment
//! that must take the 120,000 worker-months back. After each restart the donation is wholly there or not at
//! all, and delivering the payment again completes it.
#![allow(clippy::unwrap_used)]

use crate::common;

use lingkaran::db::audit::Actor;
use lingkaran::db::users;
use lingkaran::db::Db;
use serde_json::{json, Value};
use std::process::{Child, Stdio};
use std::time::Duration;

const WORKERS: usize = 10_000;

/// Starts `lingkaran serve` on a free port; returns the child and its base URL.
fn serve(url: &str) -> (Child, String) {
    let mut child = common::lingkaran()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("LINGKARAN_DB", url)
        .env("LINGKARAN_LOG", "warn")
        // The callbacks below are signed with the demo secret; serve needs it set.
        .env(
            "LINGKARAN_PROVIDER_SECRET",
            lingkaran::app::DEMO_PROVIDER_SECRET,
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = common::served_at(&mut child);
    (child, base)
}

fn kill(mut child: Child) {
    child.kill().unwrap(); // SIGKILL on Unix: no shutdown, no flush, no rollback by us.
    child.wait().unwrap();
}

/// (donations, donation_workers, held months, funded months, payments)
async fn state(url: &str) -> (i64, i64, i64, i64, i64) {
    let db = Db::connect(url, common::keys()).await.unwrap();
    let row = lingkaran::on_db!(&db, |pool| {
        sqlx::query_as(
        "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM donations),
                (SELECT CAST(COUNT(*) AS BIGINT) FROM donation_workers),
                (SELECT CAST(COUNT(*) AS BIGINT) FROM worker_months m JOIN donations d ON d.id = m.donation_id
                  WHERE d.status <> 'funded'),
                (SELECT CAST(COUNT(*) AS BIGINT) FROM worker_months m JOIN donations d ON d.id = m.donation_id
                  WHERE d.status = 'funded'),
                (SELECT CAST(COUNT(*) AS BIGINT) FROM payments)"
    )
    .fetch_one(pool)
    .await
    .unwrap()
    });
    db.close().await;
    row
}

/// Waits until the server is inside its big transaction, writing worker-months: on
/// PostgreSQL a transaction that has touched `worker_months` is open; on SQLite the write-ahead log has
/// grown by a megabyte (uncommitted pages spilling from the cache). Returns whether it saw it.
async fn wait_until_writing(url: &str, wal_before: u64, finished: impl Fn() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let pg = if url.starts_with("postgres") {
        Some(Db::connect(url, common::keys()).await.unwrap())
    } else {
        None
    };
    while std::time::Instant::now() < deadline && !finished() {
        let writing = match &pg {
            Some(db) => {
                let n: i64 = lingkaran::on_db!(db, |pool| sqlx::query_scalar(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()
                       AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction')
                       AND query ILIKE '%worker_months%'"
                )
                .fetch_one(pool)
                .await
                .unwrap());
                n > 0
            }
            None => wal_size(url) > wal_before + 1024 * 1024,
        };
        if writing {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    false
}

fn wal_size(url: &str) -> u64 {
    let path = url.trim_start_matches("sqlite://");
    std::fs::metadata(format!("{path}-wal"))
        .map(|m| m.len())
        .unwrap_or(0)
}

async fn donate(
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}/api/v1/donations"))
        .bearer_auth(token)
        .json(&json!({ "mode": "criteria", "criteria": { "region": "35.25" }, "count": WORKERS, "months": 12 }))
        .timeout(Duration::from_secs(600))
        .send()
        .await
}

both_urls!(a_killed_allocation_is_all_or_nothing, |url| async move {
    // The world: 10,000 verified workers in Gresik and a company donor.
    let db = Db::connect(&url, common::keys()).await.unwrap();
    db.migrate(chrono::Utc::now()).await.unwrap();
    lingkaran::demo::funding_world(&db, "35.25", WORKERS, 5)
        .await
        .unwrap();
    let (donor_user, donor_id) = lingkaran::db::donors::sign_up(
        &db,
        "csr.besar",
        "PT Besar",
        &lingkaran::auth::password::hash_password("rahasia-sekali").unwrap(),
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    // It signed up alone, so an officer lifts its hold limit for the 10,000 workers.
    lingkaran::db::donors::set_hold_limits(
        &db,
        donor_id,
        Some(1_000_000),
        None,
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let token =
        users::create_api_token(&db, donor_user, "kill-test", Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
    db.close().await;
    let client = reqwest::Client::new();

    // 1. Kill while the donation is being allocated.
    let (child, base) = serve(&url);
    let request = tokio::spawn({
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        async move { donate(&client, &base, &token).await }
    });
    let wal = wal_size(&url);
    let mid = wait_until_writing(&url, wal, || request.is_finished()).await;
    kill(child);
    let answered = matches!(request.await.unwrap(), Ok(r) if r.status().is_success());
    let after = state(&url).await;
    let whole = (1, WORKERS as i64, (WORKERS * 12) as i64, 0, 0);
    assert!(
        after == (0, 0, 0, 0, 0) || after == whole,
        "after the kill the donation is all or nothing: {after:?} (answered: {answered})"
    );
    eprintln!(
        "killed during allocation (seen writing: {mid}): donation {}",
        if after == whole { "complete" } else { "absent" }
    );

    // Restart; make the donation if the kill undid it.
    let (child, base) = serve(&url);
    if after != whole {
        let r = donate(&client, &base, &token).await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }
    assert_eq!(state(&url).await, whole);
    let (_, list) = common::status_json(
        client
            .get(format!("{base}/api/v1/donations"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let d: Value = list["donations"][0].clone();
    let va = d["invoice"]["va_number"].as_str().unwrap().to_string();
    let number = d["invoice"]["number"].as_str().unwrap().to_string();
    let amount = d["invoice"]["amount"].as_i64().unwrap();

    // 2. The payment comes late: the hold ran out and its months were given back, so the
    // payment must take all 120,000 again (a paid-in-time donation is one row to change,
    // too quick to interrupt). Kill while it does.
    let db = Db::connect(&url, common::keys()).await.unwrap();
    lingkaran::on_db!(&db, |pool| sqlx::query(
        "UPDATE donations SET hold_expires_at = $1"
    )
    .bind(chrono::Utc::now() - chrono::Duration::hours(1))
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    lingkaran::db::donations::expire_holds(&db, chrono::Utc::now())
        .await
        .unwrap();
    db.close().await;
    let expired = (1, WORKERS as i64, 0, 0, 0);
    assert_eq!(state(&url).await, expired);
    let pay = tokio::spawn({
        let (client, base, va, number) = (client.clone(), base.clone(), va.clone(), number.clone());
        async move { common::send_callback(&client, &base, &va, &number, amount, "BIG-TX-1").await }
    });
    let wal = wal_size(&url);
    let mid = wait_until_writing(&url, wal, || pay.is_finished()).await;
    kill(child);
    // The connection died with the server (the task's unwrap panics), or the answer came first.
    let _ = pay.await;
    let after = state(&url).await;
    let funded = (1, WORKERS as i64, 0, (WORKERS * 12) as i64, 1);
    assert!(
        after == expired || after == funded,
        "after the kill the payment is all or nothing: {after:?}"
    );
    eprintln!(
        "killed during funding (seen writing: {mid}): payment {}",
        if after == funded {
            "complete"
        } else {
            "absent"
        }
    );

    // Restart and deliver the payment again: the donation is funded, once.
    let (child, base) = serve(&url);
    let (s, v) = common::send_callback(&client, &base, &va, &number, amount, "BIG-TX-1").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["duplicate"], after == funded);
    assert_eq!(state(&url).await, funded);
    kill(child);

    let check = common::lingkaran()
        .args(["ledger", "check", "--json"])
        .env("LINGKARAN_DB", &url)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
});
