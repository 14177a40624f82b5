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

/// Runs `statements` on the PostgreSQL server `pg` (creating and dropping databases).
pub async fn admin(pg: &str, statements: &[&str]) {
    let admin = Db::connect(pg, keys()).await.unwrap();
    lingkaran::on_db!(&admin, |pool| {
        for s in statements {
            sqlx::query(s).execute(pool).await.unwrap();
        }
    });
    admin.close().await;
}

/// The regions' totals triggers (migration 0028): `coverage_totals_*` and `handover_totals_*`.
/// PostgreSQL enables or disables them (`ALTER TABLE … ENABLE|DISABLE TRIGGER`); SQLite, which
/// cannot disable a trigger, drops them (and cannot turn them on again). Returns how many.
pub async fn set_totals_triggers(db: &Db, on: bool) -> anyhow::Result<usize> {
    match &db.pool {
        lingkaran::db::Pool::Postgres(pool) => {
            let found: Vec<(String, String)> = sqlx::query_as(
                "SELECT c.relname::TEXT, t.tgname::TEXT FROM pg_trigger t
                 JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE NOT t.tgisinternal
                   AND (t.tgname LIKE 'coverage\\_totals\\_%' OR t.tgname LIKE 'handover\\_totals\\_%')
                 ORDER BY 1, 2",
            )
            .fetch_all(pool)
            .await?;
            let verb = if on { "ENABLE" } else { "DISABLE" };
            for (table, name) in &found {
                sqlx::query(&format!("ALTER TABLE {table} {verb} TRIGGER {name}"))
                    .execute(pool)
                    .await?;
            }
            Ok(found.len())
        }
        lingkaran::db::Pool::Sqlite(pool) => {
            let found: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'
                   AND (name LIKE 'coverage\\_totals\\_%' ESCAPE '\\'
                        OR name LIKE 'handover\\_totals\\_%' ESCAPE '\\')",
            )
            .fetch_all(pool)
            .await?;
            if on {
                return Ok(found.len());
            }
            for name in &found {
                sqlx::query(&format!("DROP TRIGGER {name}"))
                    .execute(pool)
                    .await?;
            }
            Ok(found.len())
        }
    }
}

/// `BENCH_TOTALS_TRIGGERS=off`: the what-if without the regions' totals triggers, for the
/// cost they add to a benchmark (`cycle`, `donations`); called right after `migrate`. Never
/// used for the headline numbers.
pub async fn totals_triggers_from_env(db: &Db) {
    if std::env::var("BENCH_TOTALS_TRIGGERS").is_ok_and(|v| v == "off") {
        let n = set_totals_triggers(db, false).await.unwrap();
        eprintln!("what-if: the {n} totals triggers (migration 0028) are off");
    }
}
