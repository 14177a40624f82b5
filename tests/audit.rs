//! The audit trail in the store: appended in the change's transaction, without gaps,
//! append-only by trigger, and any edit, deletion or insertion caught by `audit::verify`.
#![allow(clippy::unwrap_used)]

mod common;

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
