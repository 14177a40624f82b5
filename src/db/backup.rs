//! `lingkaran backup` and `lingkaran restore` (issue 11 §5): a consistent copy of a running
//! database, and that copy brought back into an empty one.
//!
//! - **SQLite:** `VACUUM INTO` writes a consistent copy of the live database (readers and
//!   the writer go on meanwhile) into a new file; it is synced and renamed into place, so a
//!   file that exists is whole. Restoring copies it to the target path the same way.
//! - **PostgreSQL:** `pg_dump --format=custom` (one snapshot, consistent, while the service
//!   runs) and `pg_restore --exit-on-error` into an empty database. The tools are
//!   PostgreSQL's own, from the machine's client package.
//!
//! A backup holds personal data only sealed (NIKs, phones, free text: `db::sealed`), so it
//! opens only with the key file it was made under: keep the key file, separately, with it.
//! The file is written readable by its owner only.

use super::{Db, Pool};
use anyhow::{bail, Context};
use serde::Serialize;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a backup file holds, known by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    /// `SQLite format 3\0` or pg_dump's custom format (`PGDMP`).
    pub fn of_file(path: &Path) -> anyhow::Result<Kind> {
        use std::io::Read;
        let mut head = [0u8; 16];
        let mut f = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let n = f.read(&mut head)?;
        if n >= 16 && &head[..16] == b"SQLite format 3\0" {
            Ok(Kind::Sqlite)
        } else if n >= 5 && &head[..5] == b"PGDMP" {
            Ok(Kind::Postgres)
        } else {
            bail!(
                "{} bukan cadangan Lingkaran (bukan berkas SQLite atau pg_dump) / is not a Lingkaran backup (neither an SQLite file nor a pg_dump)",
                path.display()
            )
        }
    }
}

/// The row count of every table, for comparing a copy with its original.
pub async fn row_counts(db: &Db) -> anyhow::Result<Vec<(String, i64)>> {
    let tables: Vec<String> = crate::on_db!(db, |pool| {
        let sql = match db.pool {
            Pool::Sqlite(_) => {
                "SELECT name FROM sqlite_master WHERE type = 'table'
                 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name"
            }
            Pool::Postgres(_) => {
                "SELECT tablename::TEXT FROM pg_tables WHERE schemaname = 'public'
                 AND tablename NOT LIKE '_sqlx%' ORDER BY tablename"
            }
        };
        sqlx::query_scalar(sql).fetch_all(pool).await
    })?;
    let mut out = Vec::with_capacity(tables.len());
    for t in tables {
        // The names come from the catalogue, not from a caller.
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", t.replace('"', ""));
        let n: i64 = crate::on_db!(db, |pool| sqlx::query_scalar(&sql).fetch_one(pool).await)?;
        out.push((t, n));
    }
    Ok(out)
}

/// Writes a consistent copy of `db` (reached at `url`) to `out`, which must not exist yet.
pub async fn backup(db: &Db, url: &str, out: &Path) -> anyhow::Result<Kind> {
    if out.exists() {
        bail!(
            "{} sudah ada; pilih nama lain / already exists; choose another name",
            out.display()
        );
    }
    let tmp = partial(out);
    let _ = std::fs::remove_file(&tmp);
    private_empty(&tmp)?;
    let kind = match &db.pool {
        Pool::Sqlite(pool) => {
            let path = tmp
                .to_str()
                .context("the backup's path must be valid UTF-8")?
                .to_string();
            sqlx::query("VACUUM INTO $1")
                .bind(path)
                .execute(pool)
                .await
                .context("copying the SQLite database (VACUUM INTO)")?;
            Kind::Sqlite
        }
        Pool::Postgres(_) => {
            let run = Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--file")
                .arg(&tmp)
                .arg("--dbname")
                .arg(url)
                .output()
                .context("running pg_dump (PostgreSQL's client tools must be installed)")?;
            if !run.status.success() {
                let _ = std::fs::remove_file(&tmp);
                bail!(
                    "pg_dump failed: {}",
                    String::from_utf8_lossy(&run.stderr).trim()
                );
            }
            Kind::Postgres
        }
    };
    settle(&tmp, out)?;
    Ok(kind)
}

/// Brings the backup `file` into the database at `url`, which must be empty (a new SQLite
/// path, or a PostgreSQL database without tables). Returns the kind restored.
pub async fn restore(file: &Path, url: &str) -> anyhow::Result<Kind> {
    let kind = Kind::of_file(file)?;
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    match (kind, postgres) {
        (Kind::Sqlite, false) => {
            let target = sqlite_path(url)?;
            if target.exists() {
                bail!(
                    "{} sudah ada; pulihkan ke berkas baru / already exists; restore into a new file",
                    target.display()
                );
            }
            let tmp = partial(&target);
            std::fs::copy(file, &tmp)
                .with_context(|| format!("copying {} to {}", file.display(), tmp.display()))?;
            settle(&tmp, &target)?;
        }
        (Kind::Postgres, true) => {
            let pool = Pool::connect(url).await?;
            let tables: i64 = match &pool {
                Pool::Postgres(p) => {
                    sqlx::query_scalar(
                        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'",
                    )
                    .fetch_one(p)
                    .await?
                }
                Pool::Sqlite(_) => 0,
            };
            match &pool {
                Pool::Postgres(p) => p.close().await,
                Pool::Sqlite(p) => p.close().await,
            }
            if tables > 0 {
                bail!(
                    "database tujuan tidak kosong ({tables} tabel); pulihkan ke database baru / the target database is not empty ({tables} tables); restore into a new database"
                );
            }
            let run = Command::new("pg_restore")
                .arg("--exit-on-error")
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--single-transaction")
                .arg("--dbname")
                .arg(url)
                .arg(file)
                .output()
                .context("running pg_restore (PostgreSQL's client tools must be installed)")?;
            if !run.status.success() {
                bail!(
                    "pg_restore failed: {}",
                    String::from_utf8_lossy(&run.stderr).trim()
                );
            }
        }
        (Kind::Sqlite, true) => bail!(
            "cadangan ini dari SQLite; pulihkan ke sqlite://BERKAS / this backup is of SQLite; restore it to sqlite://FILE"
        ),
        (Kind::Postgres, false) => bail!(
            "cadangan ini dari PostgreSQL; pulihkan ke postgres://… / this backup is of PostgreSQL; restore it to postgres://…"
        ),
    }
    Ok(kind)
}

/// `sqlite://path?options` → `path`.
fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("an SQLite URL starts with sqlite://")?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        bail!("restore needs a file: sqlite://FILE");
    }
    Ok(PathBuf::from(path))
}

/// Creates `path` empty and readable by its owner only, before anything is written into it
/// (`VACUUM INTO` accepts an empty file; `pg_dump --file` keeps its mode).
fn private_empty(path: &Path) -> anyhow::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    Ok(())
}

/// `out` with `.partial` appended: where a file is written before it is whole.
fn partial(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Makes `tmp` readable by its owner only, syncs it, renames it to `out` and syncs the
/// folder, so that `out`, once it exists, is whole and survives a power cut.
fn settle(tmp: &Path, out: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    File::open(tmp)?.sync_all()?;
    std::fs::rename(tmp, out)?;
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite:///tmp/a.db?mode=rwc").unwrap(),
            PathBuf::from("/tmp/a.db")
        );
        assert_eq!(sqlite_path("sqlite://b.db").unwrap(), PathBuf::from("b.db"));
        assert!(sqlite_path("sqlite://:memory:").is_err());
    }

    #[test]
    fn a_file_that_is_no_backup_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.bin");
        std::fs::write(&f, b"hello, this is not a database").unwrap();
        let e = Kind::of_file(&f).unwrap_err().to_string();
        assert!(e.contains("bukan cadangan"), "{e}");
    }
}
