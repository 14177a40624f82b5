//! The four set-wise statements of a batch write, in each store's fastest form. SQLite gets
//! multi-row `VALUES` and `IN (…)` lists; PostgreSQL gets one statement per batch over
//! arrays (`UNNEST`, `= ANY`), which spares it parsing thousands of placeholders.
//!
//! `write_batch` calls these on its [`Tx`]; the private `Bulk` trait picks the form by the
//! connection's type, so the batch logic itself is written once.

use super::imports::{Pending, Submitter};
use super::Tx;
use crate::on_tx;
use chrono::{DateTime, Utc};
use lingkaran_domain::pricing::Sector;
use lingkaran_domain::worker::WorkerStatus;
use sqlx::{FromRow, PgConnection, QueryBuilder, SqliteConnection};

/// A row to insert with its NIK's blind index and its NIK and phone sealed (by
/// `imports::write_batch`, a row at a time as the batch streams through).
pub(crate) struct Sealed<'a> {
    pub p: &'a Pending,
    pub index: Vec<u8>,
    pub nik: Vec<u8>,
    pub phone: Option<Vec<u8>>,
}

/// A registered worker found by NIK (its blind index), to name it in a duplicate's report
/// line.
#[derive(FromRow)]
pub(crate) struct Existing {
    pub id: i64,
    pub nik_index: Vec<u8>,
    pub full_name: String,
    pub import_id: Option<i64>,
    pub status: String,
    pub flag: Option<String>,
    pub organisation_id: i64,
}

const EXISTING: &str =
    "SELECT w.id, w.nik_index, w.full_name, w.import_id, w.status, w.flag, w.organisation_id
    FROM workers w";

/// Flags each new row that has an older record with another NIK and the same normalised
/// name, birth date and regency, pointing at the oldest. One join probes the duplicate-key
/// index once per new row (two correlated subqueries probed it twice).
const FLAG_HEAD: &str =
    "UPDATE workers SET flag = 'possible_duplicate', possible_duplicate_of = d.first
    FROM (SELECT w.id AS id, MIN(o.id) AS first FROM workers w JOIN workers o
            ON o.name_key = w.name_key AND o.birth_date = w.birth_date
           AND o.regency_code = w.regency_code AND o.id < w.id
          WHERE w.id";
const FLAG_TAIL: &str = " GROUP BY w.id) AS d
    WHERE workers.id = d.id
    RETURNING workers.id, workers.possible_duplicate_of";

/// Inserts the rows, skipping NIKs already present. Returns `(id, blind index)` of those
/// inserted.
pub(crate) async fn insert_workers(
    tx: &mut Tx,
    rows: &[Sealed<'_>],
    who: Submitter,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<(i64, Vec<u8>)>> {
    on_tx!(tx, |c| c.insert_workers(rows, who, now).await)
}

/// Which of these NIKs (blind indexes) the insurer already covers.
pub(crate) async fn covered_among(tx: &mut Tx, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Vec<u8>>> {
    on_tx!(tx, |c| c.covered_among(niks).await)
}

/// The registered records among these NIKs (blind indexes).
pub(crate) async fn existing_among(tx: &mut Tx, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Existing>> {
    on_tx!(tx, |c| c.existing_among(niks).await)
}

/// Flags possible duplicates among `ids`; returns `(id, possible_duplicate_of)`.
pub(crate) async fn flag_possible_duplicates(
    tx: &mut Tx,
    ids: &[i64],
) -> sqlx::Result<Vec<(i64, Option<i64>)>> {
    on_tx!(tx, |c| c.flag_possible_duplicates(ids).await)
}

/// Each store's form of the functions above (documented there).
trait Bulk {
    async fn insert_workers(
        &mut self,
        rows: &[Sealed<'_>],
        who: Submitter,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Vec<(i64, Vec<u8>)>>;
    async fn covered_among(&mut self, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Vec<u8>>>;
    async fn existing_among(&mut self, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Existing>>;
    async fn flag_possible_duplicates(
        &mut self,
        ids: &[i64],
    ) -> sqlx::Result<Vec<(i64, Option<i64>)>>;
}

/// `head` + one placeholder per item, comma-separated + `tail`: an `IN (…)` list, which both
/// stores accept (PostgreSQL's batch statements use `= ANY` instead).
pub(crate) fn in_list<'a, DB, T>(head: &str, items: &'a [T], tail: &str) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a T: sqlx::Encode<'a, DB> + sqlx::Type<DB> + Send,
{
    let mut qb = QueryBuilder::new(head);
    let mut sep = qb.separated(", ");
    for item in items {
        sep.push_bind(item);
    }
    qb.push(tail);
    qb
}

impl Bulk for SqliteConnection {
    async fn insert_workers(
        &mut self,
        rows: &[Sealed<'_>],
        who: Submitter,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Vec<(i64, Vec<u8>)>> {
        let mut out = Vec::with_capacity(rows.len());
        // 19 binds a row; 1,000 rows stay under SQLite's 32,766 parameters.
        for chunk in rows.chunks(1000) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO workers (nik_index, nik, full_name, name_key, sex, birth_date, village_code, regency_code, phone,
                 occupation, sector, income, decile, organisation_id, proposed_by, import_id, status, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut b, s| {
                let w = &s.p.worker;
                b.push_bind(s.index.as_slice())
                    .push_bind(s.nik.as_slice())
                    .push_bind(w.name.as_str())
                    .push_bind(w.name_key.as_str())
                    .push_bind(w.nik.sex().code())
                    .push_bind(w.nik.birth_date())
                    .push_bind(w.village_code.as_str())
                    .push_bind(w.village_code.get(0..5).unwrap_or_default())
                    .push_bind(s.phone.as_deref())
                    .push_bind(w.occupation.code())
                    .push_bind(Sector::of(w.occupation).as_str())
                    .push_bind(w.income)
                    .push_bind(w.decile.map(i64::from))
                    .push_bind(who.organisation_id)
                    .push_bind(who.user_id)
                    .push_bind(who.import_id)
                    .push_bind(WorkerStatus::Proposed.code())
                    .push_bind(now)
                    .push_bind(now);
            });
            qb.push(" ON CONFLICT (nik_index) DO NOTHING RETURNING id, nik_index");
            out.extend(
                qb.build_query_as::<(i64, Vec<u8>)>()
                    .fetch_all(&mut *self)
                    .await?,
            );
        }
        Ok(out)
    }

    async fn covered_among(&mut self, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        for chunk in niks.chunks(5000) {
            let mut qb = in_list(
                "SELECT nik_index FROM covered_niks WHERE nik_index IN (",
                chunk,
                ")",
            );
            out.extend(
                qb.build_query_scalar::<Vec<u8>>()
                    .fetch_all(&mut *self)
                    .await?,
            );
        }
        Ok(out)
    }

    async fn existing_among(&mut self, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Existing>> {
        let mut out = Vec::new();
        for chunk in niks.chunks(5000) {
            let mut qb = in_list(&format!("{EXISTING} WHERE w.nik_index IN ("), chunk, ")");
            out.extend(
                qb.build_query_as::<Existing>()
                    .fetch_all(&mut *self)
                    .await?,
            );
        }
        Ok(out)
    }

    async fn flag_possible_duplicates(
        &mut self,
        ids: &[i64],
    ) -> sqlx::Result<Vec<(i64, Option<i64>)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(5000) {
            let mut qb = in_list(
                &format!("{FLAG_HEAD} IN ("),
                chunk,
                &format!("){FLAG_TAIL}"),
            );
            out.extend(
                qb.build_query_as::<(i64, Option<i64>)>()
                    .fetch_all(&mut *self)
                    .await?,
            );
        }
        Ok(out)
    }
}

impl Bulk for PgConnection {
    async fn insert_workers(
        &mut self,
        rows: &[Sealed<'_>],
        who: Submitter,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Vec<(i64, Vec<u8>)>> {
        let n = rows.len();
        let mut index = Vec::with_capacity(n);
        let (mut nik, mut name, mut key, mut sex, mut birth, mut village, mut regency) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut phone, mut occupation, mut income, mut decile, mut sector) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for s in rows {
            let w = &s.p.worker;
            index.push(s.index.as_slice());
            nik.push(s.nik.as_slice());
            name.push(w.name.as_str());
            key.push(w.name_key.as_str());
            sex.push(w.nik.sex().code());
            birth.push(w.nik.birth_date());
            village.push(w.village_code.as_str());
            regency.push(w.village_code.get(0..5).unwrap_or_default());
            phone.push(s.phone.as_deref());
            occupation.push(w.occupation.code());
            sector.push(Sector::of(w.occupation).as_str());
            income.push(w.income);
            decile.push(w.decile.map(i64::from));
        }
        sqlx::query_as(
            "INSERT INTO workers (nik_index, nik, full_name, name_key, sex, birth_date, village_code, regency_code, phone,
                 occupation, income, decile, organisation_id, proposed_by, import_id, status, created_at, updated_at,
                 sector)
             SELECT t.nik_index, t.nik, t.full_name, t.name_key, t.sex, t.birth_date, t.village_code, t.regency_code,
                 t.phone, t.occupation, t.income, t.decile, $12, $13, $14, $15, $16, $16, t.sector
             FROM UNNEST($18::bytea[], $1::bytea[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[],
                         $7::text[], $8::bytea[], $9::text[], $10::int8[], $11::int8[], $17::text[])
               AS t(nik_index, nik, full_name, name_key, sex, birth_date, village_code, regency_code, phone,
                    occupation, income, decile, sector)
             ON CONFLICT (nik_index) DO NOTHING RETURNING id, nik_index",
        )
        .bind(nik)
        .bind(name)
        .bind(key)
        .bind(sex)
        .bind(birth)
        .bind(village)
        .bind(regency)
        .bind(phone)
        .bind(occupation)
        .bind(income)
        .bind(decile)
        .bind(who.organisation_id)
        .bind(who.user_id)
        .bind(who.import_id)
        .bind(WorkerStatus::Proposed.code())
        .bind(now)
        .bind(sector)
        .bind(index)
        .fetch_all(&mut *self)
        .await
    }

    async fn covered_among(&mut self, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Vec<u8>>> {
        sqlx::query_scalar("SELECT nik_index FROM covered_niks WHERE nik_index = ANY($1)")
            .bind(niks)
            .fetch_all(&mut *self)
            .await
    }

    async fn existing_among(&mut self, niks: &[Vec<u8>]) -> sqlx::Result<Vec<Existing>> {
        sqlx::query_as(&format!("{EXISTING} WHERE w.nik_index = ANY($1)"))
            .bind(niks)
            .fetch_all(&mut *self)
            .await
    }

    async fn flag_possible_duplicates(
        &mut self,
        ids: &[i64],
    ) -> sqlx::Result<Vec<(i64, Option<i64>)>> {
        sqlx::query_as(&format!("{FLAG_HEAD} = ANY($1){FLAG_TAIL}"))
            .bind(ids)
            .fetch_all(&mut *self)
            .await
    }
}
