//! Backup and restore (issue 11 §5), through the binary as a site would run them: a backup
//! of the demo, restored into an empty database of the same kind, has every row, and its
//! ledger and audit trail check; a restore into a database that holds data, or of the other
//! kind, is refused in words and changes nothing.
#![allow(clippy::unwrap_used)]

use crate::common;

use lingkaran::db::{backup, Db};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn run(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = common::lingkaran()
        .arg("--db")
        .arg(url)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn counts(db: &Db) -> BTreeMap<String, i64> {
    backup::row_counts(db).await.unwrap().into_iter().collect()
}

/// The demo in `from`, backed up to a file and restored into the empty `to`.
async fn round_trip(from: String, to: String, dir: &Path) {
    let db = Db::connect(&from, common::keys()).await.unwrap();
    db.migrate(chrono::Utc::now()).await.unwrap();
    // As `serve` opens it (nothing plain is left to seal in a new database).
    lingkaran::db::sealed::seal_plain(&db, 1000).await.unwrap();
    lingkaran::demo::seed(&db, dir).await.unwrap();
    let before = counts(&db).await;
    assert!(before["workers"] > 1000, "{before:?}");
    assert!(before["ledger_transfers"] > 10, "{before:?}");
    db.close().await;

    let file = dir.join("cadangan.bak");
    let (ok, out, err) = run(
        &from,
        &["backup", "--out", file.to_str().unwrap(), "--json"],
    );
    assert!(ok, "{out}{err}");
    let b: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(b["bytes"].as_u64().unwrap() > 100_000, "{b}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup is readable by its owner only");
    }
    // The same name again is refused: a backup is never overwritten.
    let (ok, _, err) = run(&from, &["backup", "--out", file.to_str().unwrap()]);
    assert!(!ok && err.contains("sudah ada"), "{err}");

    let (ok, out, err) = run(&to, &["restore", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{out}{err}");
    let r: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(r["ledger_ok"], true, "{r}");
    assert_eq!(r["audit_ok"], true, "{r}");

    let copy = Db::connect(&to, common::keys()).await.unwrap();
    let after = counts(&copy).await;
    assert_eq!(after, before, "every table, every row");
    // The copy's personal data opens with the same keys.
    let w = lingkaran::db::workers::get(&copy, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.nik.len(), 16);
    // The demo's figures came along: Gresik's coverage on 1 December 2025 is 40,82%.
    let day = chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    let gresik = lingkaran::usecase::region_coverage::of(&copy, "35.25", day)
        .await
        .unwrap();
    let share = gresik.assessment.share.unwrap();
    assert_eq!(
        (share.num, share.den, share.percent_text("id")),
        (292_116, 715_619, "40,82%".to_string())
    );
    copy.close().await;

    // A second restore into the now full database is refused, and leaves it as it was.
    let (ok, _, err) = run(&to, &["restore", file.to_str().unwrap()]);
    assert!(!ok, "{err}");
    assert!(
        err.contains("sudah ada") || err.contains("tidak kosong"),
        "{err}"
    );
    let copy = Db::connect(&to, common::keys()).await.unwrap();
    assert_eq!(counts(&copy).await, before);
    copy.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_the_demo_restores_whole_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("asli.db").display());
    let to = format!("sqlite://{}", dir.path().join("pulih.db").display());
    round_trip(from, to, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_the_demo_restores_whole_on_postgres() {
    common::on_postgres_url(|from| async move {
        common::on_postgres_url(|to| async move {
            // The target must be empty: the fresh test database is migrated, so clear it.
            let db = Db::connect(&to, common::keys()).await.unwrap();
            common::empty_postgres(&db).await;
            db.close().await;
            let dir = tempfile::tempdir().unwrap();
            round_trip(from, to, dir.path()).await;
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_one_kind_is_not_restored_into_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("sqlite://{}", dir.path().join("asli.db").display());
    let db = Db::connect(&from, common::keys()).await.unwrap();
    db.migrate(chrono::Utc::now()).await.unwrap();
    db.close().await;
    let file = dir.path().join("kecil.bak");
    let (ok, out, err) = run(&from, &["backup", "--out", file.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = run(
        "postgres://postgres@127.0.0.1:5432/lingkaran_never_touched",
        &["restore", file.to_str().unwrap()],
    );
    assert!(!ok);
    assert!(err.contains("cadangan ini dari SQLite"), "{err}");
    // Not a backup at all.
    let junk = dir.path().join("foto.jpg");
    std::fs::write(&junk, b"\xff\xd8\xff\xe0 not a database").unwrap();
    let to = format!("sqlite://{}", dir.path().join("pulih.db").display());
    let (ok, _, err) = run(&to, &["restore", junk.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("bukan cadangan"), "{err}");
    assert!(!dir.path().join("pulih.db").exists(), "nothing created");
}
