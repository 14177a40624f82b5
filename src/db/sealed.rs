//! Personal data at rest: the one list of sealed columns, opening a sealed value read from
//! the store, sealing what an older version left in plain text, and `keys rotate`.
//!
//! Each storage function seals a NIK, a phone or a free text that may carry one with the
//! keys of its `Db` or `Tx` (`keys().seal(kind, …)`) on the way in, and opens it with
//! [`open`] on the way out, so callers keep reading plain `String`s. Equality on a NIK (one
//! worker per NIK, an exact look-up, the insurer's covered list) is on its blind index
//! (`keys().blind_index(Kind::Nik, …)`), never on the sealed bytes, which differ at every
//! sealing.
//!
//! Every sealed value starts with its key's id, so both passes below find their rows with a
//! comparison on the first bytes and work in short transactions of [`BATCH`] rows: stopped at
//! any point, nothing is lost (a value is readable under whichever key it carries, as long
//! as the key file still has that key) and the next run continues where this one stopped.

use super::audit::{self, Actor};
use super::{Db, Pool};
use crate::on_db;
use crate::privacy::{Keyring, Kind};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Rows re-sealed per transaction.
pub const BATCH: usize = 1_000;

/// A column that holds sealed values: its table, what it holds, and the column (a BIGINT) its
/// rows are walked by, if the table has one.
struct Column {
    table: &'static str,
    column: &'static str,
    kind: Kind,
    walk: Option<&'static str>,
    /// Bytes, not text (a file): opened and sealed as bytes (`Keyring::seal_bytes`).
    binary: bool,
}

/// Every sealed column. docs/privacy.md ("What we hold") lists them for a reader; a new one
/// goes here, or `keys rotate` will not re-seal it.
const SEALED: &[Column] = &[
    Column {
        table: "import_files",
        column: "data",
        kind: Kind::Text,
        walk: Some("import_id"),
        binary: true,
    },
    Column {
        table: "claim_documents",
        column: "content",
        kind: Kind::Text,
        walk: Some("id"),
        binary: true,
    },
    Column {
        table: "claim_heirs",
        column: "name",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "claim_heirs",
        column: "phone",
        kind: Kind::Phone,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "claims",
        column: "notifier_name",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "claims",
        column: "notifier_phone",
        kind: Kind::Phone,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "claims",
        column: "disease",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "workers",
        column: "nik",
        kind: Kind::Nik,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "workers",
        column: "phone",
        kind: Kind::Phone,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "import_errors",
        column: "value",
        kind: Kind::Text,
        walk: Some("import_id"),
        binary: false,
    },
    Column {
        table: "import_errors",
        column: "message_id",
        kind: Kind::Text,
        walk: Some("import_id"),
        binary: false,
    },
    Column {
        table: "import_errors",
        column: "message_en",
        kind: Kind::Text,
        walk: Some("import_id"),
        binary: false,
    },
    Column {
        table: "outbox",
        column: "recipient",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "outbox",
        column: "body",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    // An e-mail's attachment: a receipt carries the donor's name, address and NPWP.
    Column {
        table: "outbox_attachments",
        column: "content",
        kind: Kind::Text,
        walk: Some("message_id"),
        binary: true,
    },
    Column {
        table: "donations",
        column: "request",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    // Free text from the bank: what a donor typed with the transfer may carry a NIK.
    Column {
        table: "statement_lines",
        column: "reference",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "statement_lines",
        column: "description",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    Column {
        table: "payments",
        column: "note",
        kind: Kind::Text,
        walk: Some("id"),
        binary: false,
    },
    // Kept for a day at most (`LINGKARAN_IDEMPOTENCY_HOURS`), so few: no walk needed.
    Column {
        table: "idempotency_keys",
        column: "body",
        kind: Kind::Text,
        walk: None,
        binary: false,
    },
];

/// Opens a value read from a sealed column. A value that does not open is a store error: the
/// key file lacks the key it was sealed with, or the bytes were altered.
pub fn open(keys: &Keyring, kind: Kind, sealed: &[u8]) -> sqlx::Result<String> {
    keys.open(kind, sealed)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// [`open`] for a column that may be NULL.
pub fn open_opt(keys: &Keyring, kind: Kind, sealed: Option<&[u8]>) -> sqlx::Result<Option<String>> {
    sealed.map(|s| open(keys, kind, s)).transpose()
}

/// A NIK's blind index as stored.
pub fn nik_index(keys: &Keyring, nik: &str) -> Vec<u8> {
    keys.blind_index(Kind::Nik, nik).to_vec()
}

/// What a pass re-sealed, per column.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Resealed {
    /// `table.column` → values sealed again.
    pub columns: Vec<(String, u64)>,
    /// Workers and covered NIKs given their blind index (rows of an older version).
    pub indexed: u64,
}

impl Resealed {
    pub fn total(&self) -> u64 {
        self.indexed + self.columns.iter().map(|(_, n)| n).sum::<u64>()
    }
}

/// Seals what an older version kept in plain text, if migration 0018 left its marker: the
/// NIKs of workers and covered NIKs with their blind index, then every sealed column's plain
/// values. Cheap once done (one look at the marker). Returns how many values it sealed.
pub async fn seal_plain(db: &Db, batch: usize) -> anyhow::Result<u64> {
    let left: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM plain_text_left"
    )
    .fetch_optional(pool)
    .await)?;
    if left.is_none() {
        return Ok(0);
    }
    let mut done = index_workers(db, batch).await? + index_covered(db, batch).await?;
    for c in SEALED {
        // Plain text never starts with the format byte (1, a control character).
        done += reseal_column(db, c, &[1], batch).await?;
    }
    on_db!(db, |pool| sqlx::query("DELETE FROM plain_text_left")
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// `lingkaran keys rotate`: every value sealed under a key other than the newest (or not
/// sealed at all) is sealed again under the newest, in batches of `batch` rows, each its
/// own transaction. Running it again continues; when it reports nothing, the older keys may
/// leave the key file.
pub async fn rotate(
    db: &Db,
    batch: usize,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<Resealed> {
    let mut out = Resealed {
        indexed: seal_plain(db, batch).await?,
        ..Resealed::default()
    };
    let prefix = Keyring::prefix_of(db.keys().current_id());
    for c in SEALED {
        let n = reseal_column(db, c, &prefix, batch).await?;
        out.columns.push((format!("{}.{}", c.table, c.column), n));
    }
    // One entry per run, after its batches (each committed on its own): which key values
    // are now sealed under and how many moved. A run stopped half-way leaves no entry; the
    // run that finishes the work records it.
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        now,
        actor,
        "keys.rotate",
        "key",
        db.keys().current_id(),
        serde_json::json!({ "resealed": out.total(), "columns": out.columns }),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// The column's bytes as stored: SQLite may hold an older row's value as TEXT, which a blob
/// comparison or decode would not match; PostgreSQL's column is BYTEA already.
fn raw(db: &Db, column: &str) -> String {
    match db.pool {
        Pool::Sqlite(_) => format!("CAST({column} AS BLOB)"),
        Pool::Postgres(_) => column.to_string(),
    }
}

/// Seals again, under the current key, every value of `c` whose first bytes are not
/// `prefix`. Returns how many.
async fn reseal_column(db: &Db, c: &Column, prefix: &[u8], batch: usize) -> anyhow::Result<u64> {
    let (table, column) = (c.table, c.column);
    let value = raw(db, column);
    let walk = c.walk.unwrap_or("0");
    let select = format!(
        "SELECT CAST({walk} AS BIGINT), {value} FROM {table}
         WHERE {column} IS NOT NULL AND substr({column}, 1, {}) <> $1 AND {walk} >= $2
         {} LIMIT $3",
        prefix.len(),
        c.walk.map(|w| format!("ORDER BY {w}")).unwrap_or_default()
    );
    let update = format!("UPDATE {table} SET {column} = $1 WHERE {walk} = $2 AND {value} = $3");
    let limit = i64::try_from(batch.max(1)).unwrap_or(1_000);
    let (mut from, mut total) = (i64::MIN, 0u64);
    loop {
        let mut tx = db.begin_write().await?;
        let rows: Vec<(i64, Vec<u8>)> = crate::on_tx!(&mut tx, |conn| sqlx::query_as(&select)
            .bind(prefix)
            .bind(from)
            .bind(limit)
            .fetch_all(conn)
            .await)?;
        for (at, old) in &rows {
            let new = if c.binary {
                let plain = if Keyring::sealed_with(old).is_some() {
                    tx.keys()
                        .open_bytes(c.kind, old)
                        .map_err(|e| anyhow::anyhow!("{table}.{column}: {e:?}"))?
                } else {
                    old.clone()
                };
                tx.keys().seal_bytes(c.kind, &plain)
            } else {
                let plain = if Keyring::sealed_with(old).is_some() {
                    open(tx.keys(), c.kind, old)?
                } else {
                    String::from_utf8(old.clone())?
                };
                tx.keys().seal(c.kind, &plain)
            };
            crate::on_tx!(&mut tx, |conn| sqlx::query(&update)
                .bind(&new)
                .bind(at)
                .bind(old)
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?;
            from = *at;
        }
        tx.commit().await?;
        total += rows.len() as u64;
        if rows.len() < batch.max(1) {
            return Ok(total);
        }
    }
}

/// Workers of an older version: their plain NIK (kept in `nik_index`) becomes its blind
/// index, and `nik` its sealed value.
async fn index_workers(db: &Db, batch: usize) -> anyhow::Result<u64> {
    let select = format!(
        "SELECT id, {} FROM workers WHERE nik IS NULL AND id > $1 ORDER BY id LIMIT $2",
        raw(db, "nik_index")
    );
    let limit = i64::try_from(batch.max(1)).unwrap_or(1_000);
    let (mut from, mut total) = (0i64, 0u64);
    loop {
        let mut tx = db.begin_write().await?;
        let rows: Vec<(i64, Vec<u8>)> = crate::on_tx!(&mut tx, |conn| sqlx::query_as(&select)
            .bind(from)
            .bind(limit)
            .fetch_all(conn)
            .await)?;
        for (id, plain) in &rows {
            let nik = String::from_utf8(plain.clone())?;
            let (index, sealed) = (nik_index(tx.keys(), &nik), tx.keys().seal(Kind::Nik, &nik));
            crate::on_tx!(&mut tx, |conn| sqlx::query(
                "UPDATE workers SET nik_index = $1, nik = $2 WHERE id = $3"
            )
            .bind(&index)
            .bind(&sealed)
            .bind(id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
            from = *id;
        }
        tx.commit().await?;
        total += rows.len() as u64;
        if rows.len() < batch.max(1) {
            return Ok(total);
        }
    }
}

/// Covered NIKs of an older version (plain, 16 characters) become their blind index (32
/// bytes).
async fn index_covered(db: &Db, batch: usize) -> anyhow::Result<u64> {
    let value = raw(db, "nik_index");
    let select = format!("SELECT {value} FROM covered_niks WHERE length(nik_index) <> 32 LIMIT $1");
    let update = format!("UPDATE covered_niks SET nik_index = $1 WHERE {value} = $2");
    let limit = i64::try_from(batch.max(1)).unwrap_or(1_000);
    let mut total = 0u64;
    loop {
        let mut tx = db.begin_write().await?;
        let rows: Vec<Vec<u8>> = crate::on_tx!(&mut tx, |conn| sqlx::query_scalar(&select)
            .bind(limit)
            .fetch_all(conn)
            .await)?;
        for plain in &rows {
            let index = nik_index(tx.keys(), &String::from_utf8(plain.clone())?);
            crate::on_tx!(&mut tx, |conn| sqlx::query(&update)
                .bind(&index)
                .bind(plain)
                .execute(conn)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        total += rows.len() as u64;
        if rows.len() < batch.max(1) {
            return Ok(total);
        }
    }
}
