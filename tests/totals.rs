//! The regions' monthly totals (migration 0028) follow every change of what they count, in
//! the same transaction, on both stores: paying, rejecting, un-rejecting, paying alone,
//! stopping a donation's months and handing a worker over. `db::totals::verify` recomputes
//! them from the rule after each step (it is also part of every `ledger check`).
//!
//! Some of these changes no code makes today (a rejection withdrawn, a self-payment moved);
//! they are written here in SQL, so that the triggers are right before any code needs them.
#![allow(clippy::unwrap_used)]

use crate::common;

use lingkaran::db::{totals, Db};
use lingkaran_domain::rates::Month;

async fn exec(db: &Db, sql: &str) {
    lingkaran::on_db!(db, |pool| sqlx::query(sql).execute(pool).await.map(|_| ())).unwrap();
}

async fn count(db: &Db, region: &str, month: i64) -> Vec<(String, i64)> {
    totals::by_source(db, region, month).await.unwrap()
}

async fn agrees(db: &Db, step: &str) {
    let v = totals::verify(db).await.unwrap();
    assert!(v.is_empty(), "after {step}: {v:#?}");
}

both_dbs!(totals_follow_every_change, |db| async move {
    use lingkaran::db::donations::{Choice, Criteria};
    let w = lingkaran::demo::funding_world(&db, "35.25.01", 3, 31)
        .await
        .unwrap();
    agrees(&db, "registering").await;
    let donor = common::staff_donor(&db, "company", "PT Semen Gresik", w.officer).await;
    let choice = Choice::Criteria {
        criteria: Criteria::default(),
        count: 3,
    };
    common::give_and_pay(&db, donor, w.officer, choice, 2, "TOT-1").await;
    agrees(&db, "paying").await;
    let first = Month::first_payable(lingkaran::clock::today());
    let (m1, m2) = (first.yyyymm(), first.next().yyyymm());
    let village: String = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT village_code FROM workers WHERE id = $1"
    )
    .bind(w.workers[0])
    .fetch_one(pool)
    .await)
    .unwrap();
    let csr3 = vec![("csr".to_string(), 3)];
    for region in ["0", "35", "35.25", "35.25.01"] {
        assert_eq!(count(&db, region, m1).await, csr3, "{region}");
        assert_eq!(count(&db, region, m2).await, csr3, "{region}");
    }
    let in_village: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM workers WHERE village_code = $1"
    )
    .bind(&village)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(
        count(&db, &village, m1).await,
        vec![("csr".to_string(), in_village)],
        "the village counts its own workers only"
    );
    assert!(count(&db, "35.24", m1).await.is_empty(), "another regency");
    let trend = totals::months(&db, "35.25", m1, m2).await.unwrap();
    assert_eq!(trend.len(), 2);

    // The insurer rejects worker 0's first month for JKK: it no longer counts.
    let donation: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT donation_id FROM worker_months WHERE worker_id = $1 AND month = $2"
    )
    .bind(w.workers[0])
    .bind(m1)
    .fetch_one(pool)
    .await)
    .unwrap();
    let reject = |programme: &str| {
        format!(
            "INSERT INTO confirmations (month, programme, worker_id, donation_id, status, reason,
               amount, created_at)
             VALUES ({m1}, '{programme}', {}, {donation}, 'rejected', 'uji', 0, CURRENT_TIMESTAMP)",
            w.workers[0]
        )
    };
    exec(&db, &reject("JKK")).await;
    agrees(&db, "a rejection").await;
    assert_eq!(count(&db, "35.25", m1).await, vec![("csr".to_string(), 2)]);
    assert_eq!(
        count(&db, "35.25", m2).await,
        csr3,
        "the next month still counts"
    );
    // The same month rejected for JKM too is still one month out, not two.
    exec(&db, &reject("JKM")).await;
    agrees(&db, "a second rejection").await;
    assert_eq!(count(&db, "0", m1).await, vec![("csr".to_string(), 2)]);
    // One rejection withdrawn: the other still keeps it out.
    let withdraw = format!(
        "UPDATE confirmations SET status = 'accepted' WHERE worker_id = {} AND month = {m1}
           AND programme = 'JKK'",
        w.workers[0]
    );
    exec(&db, &withdraw).await;
    agrees(&db, "one rejection withdrawn").await;
    assert_eq!(count(&db, "0", m1).await, vec![("csr".to_string(), 2)]);
    exec(
        &db,
        &format!(
            "DELETE FROM confirmations WHERE worker_id = {} AND month = {m1} AND programme = 'JKM'",
            w.workers[0]
        ),
    )
    .await;
    agrees(&db, "the last rejection deleted").await;
    assert_eq!(count(&db, "0", m1).await, csr3);
    // Re-rejected by an update.
    exec(
        &db,
        &format!(
            "UPDATE confirmations SET status = 'rejected' WHERE worker_id = {} AND month = {m1}",
            w.workers[0]
        ),
    )
    .await;
    agrees(&db, "a rejection by update").await;
    assert_eq!(count(&db, "0", m1).await, vec![("csr".to_string(), 2)]);

    // A donation that stops being funded takes all its months back, and gives them again.
    exec(
        &db,
        &format!("UPDATE donations SET status = 'held' WHERE id = {donation}"),
    )
    .await;
    agrees(&db, "a donation no longer funded").await;
    assert!(count(&db, "0", m2).await.is_empty());
    exec(
        &db,
        &format!("UPDATE donations SET status = 'funded' WHERE id = {donation}"),
    )
    .await;
    agrees(&db, "funded again").await;
    assert_eq!(count(&db, "0", m2).await, csr3);
    exec(
        &db,
        &format!("UPDATE donations SET funding_source = 'zakat' WHERE id = {donation}"),
    )
    .await;
    agrees(&db, "a new funding source").await;
    assert_eq!(count(&db, "0", m2).await, vec![("zakat".to_string(), 3)]);

    // A worker's funded month deleted (a stop) and one moved to another month.
    exec(
        &db,
        &format!(
            "DELETE FROM worker_months WHERE worker_id = {} AND month = {m2}",
            w.workers[1]
        ),
    )
    .await;
    agrees(&db, "a month deleted").await;
    assert_eq!(count(&db, "0", m2).await, vec![("zakat".to_string(), 2)]);
    let m3 = first.next().next().yyyymm();
    exec(
        &db,
        &format!(
            "UPDATE worker_months SET month = {m3} WHERE worker_id = {} AND month = {m2}",
            w.workers[2]
        ),
    )
    .await;
    agrees(&db, "a month moved").await;
    assert_eq!(count(&db, "0", m3).await, vec![("zakat".to_string(), 1)]);

    // Paying alone counts as 'self'; moved and deleted, it follows.
    let self_paid = format!(
        "INSERT INTO self_payments (worker_id, month, amount, source, recorded_by, created_at)
         VALUES ({}, {m3}, 16800, 'manual', {}, CURRENT_TIMESTAMP)",
        w.workers[1], w.officer
    );
    exec(&db, &self_paid).await;
    agrees(&db, "a self-payment").await;
    assert_eq!(
        count(&db, "35.25.01", m3).await,
        vec![("self".to_string(), 1), ("zakat".to_string(), 1)]
    );
    let m4 = first.next().next().next().yyyymm();
    exec(
        &db,
        &format!(
            "UPDATE self_payments SET month = {m4} WHERE worker_id = {}",
            w.workers[1]
        ),
    )
    .await;
    agrees(&db, "a self-payment moved").await;
    assert_eq!(count(&db, "0", m4).await, vec![("self".to_string(), 1)]);
    exec(
        &db,
        &format!(
            "DELETE FROM self_payments WHERE worker_id = {}",
            w.workers[1]
        ),
    )
    .await;
    agrees(&db, "a self-payment deleted").await;
    assert!(count(&db, "0", m4).await.is_empty());

    // A hand-over to self-payment counts in the month it happened (WIB), at every level.
    // 2026-01-31 20:00 UTC is 1 February 03:00 in Jakarta.
    let at = if db.kind() == "postgres" {
        "TIMESTAMPTZ '2026-01-31 20:00:00+00'"
    } else {
        "'2026-01-31T20:00:00+00:00'"
    };
    exec(
        &db,
        &format!(
            "INSERT INTO worker_events (worker_id, from_status, to_status, action, actor_id, at)
             VALUES ({}, 'verified', 'mandiri', 'mandiri', {}, {at})",
            w.workers[2], w.officer
        ),
    )
    .await;
    agrees(&db, "a hand-over").await;
    let village2: String = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT village_code FROM workers WHERE id = $1"
    )
    .bind(w.workers[2])
    .fetch_one(pool)
    .await)
    .unwrap();
    for region in ["0", "35.25", village2.as_str()] {
        assert_eq!(
            totals::handovers(&db, region, 202601, 202612)
                .await
                .unwrap(),
            vec![(202602, 1)],
            "{region}"
        );
    }
    // A note on a worker already 'mandiri' is no second hand-over.
    exec(
        &db,
        &format!(
            "INSERT INTO worker_events (worker_id, from_status, to_status, action, actor_id, at)
             VALUES ({}, 'mandiri', 'mandiri', 'note', {}, {at})",
            w.workers[2], w.officer
        ),
    )
    .await;
    agrees(&db, "a note").await;
    assert_eq!(
        totals::handovers(&db, "0", 202601, 202612).await.unwrap(),
        vec![(202602, 1)]
    );

    // A donation's months are counted per village when they are written, whatever its status
    // (migration 0030): a month the insurer rejects while the donation is not funded does not
    // count once it is, and a released hold leaves no row behind.
    let unfund = format!("UPDATE donations SET status = 'held' WHERE id = {donation}");
    let fund = format!("UPDATE donations SET status = 'funded' WHERE id = {donation}");
    exec(&db, &unfund).await;
    exec(
        &db,
        &format!(
            "INSERT INTO confirmations (month, programme, worker_id, donation_id, status, reason,
               amount, created_at)
             VALUES ({m3}, 'JKK', {}, {donation}, 'rejected', 'uji', 0, CURRENT_TIMESTAMP)",
            w.workers[2]
        ),
    )
    .await;
    agrees(&db, "a held month rejected").await;
    exec(&db, &fund).await;
    agrees(&db, "funded after a rejection").await;
    assert!(count(&db, "0", m3).await.is_empty(), "m3 was rejected");
    assert!(
        count(&db, &village2, m3).await.is_empty(),
        "nor in the village"
    );
    let zakat2 = vec![("zakat".to_string(), 2)];
    assert_eq!(
        count(&db, "0", m1).await,
        zakat2,
        "workers 1 and 2 (worker 0's m1 is rejected)"
    );
    let villages_of = |db: Db| async move {
        lingkaran::on_db!(&db, |pool| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM donation_villages WHERE donation_id = $1"
        )
        .bind(donation)
        .fetch_one(pool)
        .await)
        .unwrap()
    };
    assert!(villages_of(db.clone()).await > 0);
    exec(&db, &unfund).await;
    exec(
        &db,
        &format!("DELETE FROM worker_months WHERE donation_id = {donation}"),
    )
    .await;
    agrees(&db, "a hold released").await;
    assert_eq!(villages_of(db.clone()).await, 0, "no row left behind");
    exec(&db, &fund).await;
    agrees(&db, "a donation without months funded").await;
    assert!(count(&db, "0", m1).await.is_empty());
    assert!(count(&db, &village, m1).await.is_empty());

    // A village row that drifts from its rule is named by `ledger check`, and so is a total.
    exec(
        &db,
        &format!(
            "INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
             VALUES ({donation}, '{village}', {m1}, 1)"
        ),
    )
    .await;
    assert_eq!(
        count(&db, &village, m1).await,
        vec![("zakat".to_string(), 1)]
    );
    let report = lingkaran::db::ledger::check(&db).await.unwrap();
    for want in [
        format!("covered worker-months of region {village},"),
        format!("held worker-months of region {village} (donation {donation})"),
    ] {
        assert!(
            report.violations.iter().any(|v| v.contains(&want)),
            "{want}: {:#?}",
            report.violations
        );
    }
    exec(&db, "DELETE FROM donation_villages").await;
    agrees(&db, "the drift removed").await;
    exec(
        &db,
        "UPDATE coverage_totals SET worker_months = worker_months + 1 WHERE region_code = '35'",
    )
    .await;
    let report = lingkaran::db::ledger::check(&db).await.unwrap();
    assert!(
        report
            .violations
            .iter()
            .any(|v| v.contains("covered worker-months of region 35,")),
        "{:#?}",
        report.violations
    );
});
