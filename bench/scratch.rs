//! Scratch databases for the benchmarks (shared by `donations` and `cycle` through
//! `#[path]`): a fresh one per store and label, dropped at the end.

use lingkaran::db::Db;

/// A fresh database: its URL and, for PostgreSQL, its name (to drop). `pg` is a server URL
/// whose user may create databases; SQLite files go in `dir`.
pub async fn fresh(
    store: &str,
    pg: &str,
    dir: &std::path::Path,
    label: &str,
) -> (String, Option<String>) {
    if store != "postgres" {
        let file = dir.join(format!("{label}.db"));
        return (format!("sqlite://{}", file.display()), None);
    }
    let name = format!("lingkaran_bench_{label}_{}", std::process::id());
    let admin = Db::connect(pg, keys()).await.unwrap();
    lingkaran::on_db!(&admin, |pool| {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(pool)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(pool)
            .await
            .unwrap();
    });
    admin.close().await;
    let base = pg.rsplit_once('/').map(|(b, _)| b).unwrap_or(pg);
    (format!("{base}/{name}"), Some(name))
}

/// Drops a PostgreSQL scratch database; `BENCH_KEEP_DB=1` keeps it, to look at plans
/// afterwards.
pub async fn drop_db(pg: &str, name: Option<String>) {
    let Some(name) = name else {
        return;
    };
    if std::env::var("BENCH_KEEP_DB").is_ok_and(|v| v == "1") {
        eprintln!("kept database {name}");
        return;
    }
    let admin = Db::connect(pg, keys()).await.unwrap();
    lingkaran::on_db!(&admin, |pool| {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(pool)
            .await
            .unwrap();
    });
    admin.close().await;
}

/// Fresh random keys for a benchmark's database (each run starts from an empty one).
pub fn keys() -> std::sync::Arc<lingkaran::privacy::Keyring> {
    let text = lingkaran::privacy::Keyring::generate_text();
    std::sync::Arc::new(lingkaran::privacy::Keyring::parse(&text).unwrap())
}
