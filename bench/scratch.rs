#![allow(dead_code)] // each benchmark uses a part of this shared module
//! Scratch databases for the benchmarks (a module of `import`, `donations` and `cycle`): a
//! fresh one per store and label, dropped at the end, and the what-if SQLite pool.

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

/// Opens a benchmark's database as `Db::connect` does, unless a SQLite what-if is asked for:
/// extra pragmas on top of the service's own settings
/// (`BENCH_SQLITE_PRAGMAS="synchronous=NORMAL"` measures the setting before FULL), and/or
/// another size of sqlx's prepared-statement cache (`BENCH_SQLITE_STMT_CACHE=N`; the service
/// uses 16). Never used for the headline numbers.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    use anyhow::Context;
    let pragmas = std::env::var("BENCH_SQLITE_PRAGMAS").ok();
    let cache = std::env::var("BENCH_SQLITE_STMT_CACHE").ok();
    if !url.starts_with("sqlite:") || (pragmas.is_none() && cache.is_none()) {
        return Db::connect(url, keys()).await;
    }
    let mut opts = lingkaran::db::Pool::sqlite_options(url)?;
    let pragmas = pragmas.unwrap_or_default();
    for p in pragmas.split(';').filter(|p| !p.trim().is_empty()) {
        let (k, v) = p.split_once('=').context("pragma NAME=VALUE")?;
        opts = opts.pragma(k.trim().to_string(), v.trim().to_string());
    }
    if let Some(cache) = &cache {
        opts = opts.statement_cache_capacity(cache.parse().context("BENCH_SQLITE_STMT_CACHE=N")?);
    }
    eprintln!("what-if: SQLite pool with pragmas [{pragmas}], statement cache {cache:?}");
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(opts)
        .await?;
    Ok(Db::from_pool(lingkaran::db::Pool::Sqlite(pool), keys()))
}
