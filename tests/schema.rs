//! The two migration folders must describe the same tables, views and columns: "both
//! databases, one behaviour" starts with one schema.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeSet;

async fn columns(db: &lingkaran::db::Db) -> BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = match &db.pool {
        lingkaran::db::Pool::Sqlite(pool) => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%'
               AND m.name NOT LIKE '_sqlx%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        lingkaran::db::Pool::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    rows.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_have_the_same_tables_and_columns() {
    let sqlite = std::sync::Arc::new(tokio::sync::Mutex::new(BTreeSet::new()));
    let s = sqlite.clone();
    common::on_sqlite(|db| async move {
        *s.lock().await = columns(&db).await;
    })
    .await;
    let sqlite = sqlite.lock().await.clone();
    assert!(sqlite.contains(&("workers".to_string(), "nik".to_string())));
    common::on_postgres(|db| async move {
        let pg = columns(&db).await;
        let only_sqlite: Vec<_> = sqlite.difference(&pg).collect();
        let only_pg: Vec<_> = pg.difference(&sqlite).collect();
        assert!(
            only_sqlite.is_empty() && only_pg.is_empty(),
            "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_pg:?}"
        );
    })
    .await;
}
