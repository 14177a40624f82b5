//! The month's three-way reconciliation (issue 4): what donors paid for the month (funded
//! worker-months) ↔ what was remitted to BPJS (the files and the payment transfers) ↔ what the
//! insurer confirmed (accepted, rejected and refunded). Every difference is named; rejected
//! and late worker-months are listed for officers, never hidden.

use super::Db;
use crate::on_db;
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_domain::format::rupiah;
use lingkaran_domain::ledger::TransferKey;
use lingkaran_domain::programme::Programme as Prog;
use lingkaran_domain::rates::Month;

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReconciledProgramme)]
pub struct Programme {
    pub programme: String,
    /// Funded worker-months of the month (donors' money in escrow for it) and their sum.
    pub funded_lines: i64,
    pub funded: i64,
    /// The remittance files written (lines, total); `None` before the cycle ran.
    pub remitted_lines: Option<i64>,
    pub remitted: Option<i64>,
    /// Funded above the price due when remitted (a relief that came after the money): what
    /// went back to donors' credit instead of BPJS. Funded = remitted + repriced.
    pub repriced: i64,
    /// What the ledger paid to BPJS for the month.
    pub paid_to_bpjs: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub rejected_amount: i64,
    /// Of the rejected amount, what came back to donors' credit.
    pub refunded: i64,
    /// Remitted worker-months the insurer has not answered yet.
    pub unconfirmed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = RejectedMonth)]
pub struct Rejected {
    pub worker_id: i64,
    pub nik_masked: String,
    /// As the caller may see it (`usecase::cycle::reconciliation` masks it for a viewer).
    pub name: String,
    /// The worker's village, for the region scope; not part of the answer.
    #[serde(skip)]
    pub village_code: String,
    pub programme: String,
    pub reason: Option<String>,
    pub amount: i64,
    pub donor: String,
    pub donation_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = LateDonation)]
pub struct Late {
    pub donation_id: i64,
    pub donor: String,
    pub funded_at: DateTime<Utc>,
    pub worker_months: i64,
    pub amount: i64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    pub month: String,
    /// The 15th of the month: contributions are due by then (domain.md §2).
    pub due: Option<NaiveDate>,
    pub programmes: Vec<Programme>,
    pub rejected: Vec<Rejected>,
    /// Donations whose money arrived after the due date but that fund this month.
    pub late: Vec<Late>,
    /// Every disagreement, in words; empty when the three sides agree.
    pub differences: Vec<Difference>,
}

/// A disagreement, in Indonesian (`id`) and English (`en`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReconciliationDifference)]
pub struct Difference {
    pub id: String,
    pub en: String,
}

fn diff(id: String, en: String) -> Difference {
    Difference { id, en }
}

/// The due date of a month's contribution: the 15th (the next working day rule is left to
/// the bank; the 15th is what is reported against).
pub fn due_date(month: Month) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(month.year(), month.month(), 15)
}

/// The end of the due date (23:59:59 WIB) as an instant: money booked after it is late.
pub fn due_deadline(month: Month) -> Option<DateTime<Utc>> {
    due_date(month)?
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc() - chrono::Duration::hours(7))
}

/// The amount of the transfer with this id, 0 when it was never posted.
async fn posted(db: &Db, id: u128) -> anyhow::Result<i64> {
    Ok(on_db!(db, |pool| sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_transfers WHERE id = $1"
    )
    .bind(super::ledger::id_text(id))
    .fetch_one(pool)
    .await)?)
}

pub async fn month(db: &Db, month: Month) -> anyhow::Result<Reconciliation> {
    let m = month.yyyymm();
    let due = due_date(month);
    let mut r = Reconciliation {
        month: month.to_string(),
        due,
        ..Reconciliation::default()
    };
    let funded: (i64, i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(m.jkk), 0) AS BIGINT), CAST(COALESCE(SUM(m.jkm), 0) AS BIGINT)
         FROM worker_months m JOIN donations d ON d.id = m.donation_id
         WHERE m.month = $1 AND d.status = 'funded'"
    )
    .bind(m)
    .fetch_one(pool)
    .await
    })?;
    // A month has more than one batch when money came after it was remitted.
    let batches: Vec<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT DISTINCT batch FROM remittance_items WHERE month = $1 ORDER BY batch"
    )
    .bind(m)
    .fetch_all(pool)
    .await)?;
    let repriced: (i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(repriced_jkk), 0) AS BIGINT), CAST(COALESCE(SUM(repriced_jkm), 0) AS BIGINT)
         FROM remittance_items WHERE month = $1"
    )
    .bind(m)
    .fetch_one(pool)
    .await
    })?;
    // What the ledger returned: one Repriced transfer per donation and month.
    let repriced_donations: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar(
        "SELECT donation_id FROM remittance_items WHERE month = $1 AND repriced_jkk + repriced_jkm > 0"
    )
    .bind(m)
    .fetch_all(pool)
    .await
    })?;
    let mut returned = 0i64;
    for d in repriced_donations {
        returned += posted(db, TransferKey::Repriced { donation: d, month }.id()).await?;
    }
    if returned != repriced.0 + repriced.1 {
        r.differences.push(diff(
            format!(
                "Selisih harga {} tetapi yang kembali ke donatur {}",
                rupiah(repriced.0 + repriced.1),
                rupiah(returned)
            ),
            format!(
                "Funded above the price due by {} but {} went back to donors",
                rupiah(repriced.0 + repriced.1),
                rupiah(returned)
            ),
        ));
    }
    for (p, funded_sum, repriced) in [
        (Prog::Jkk, funded.1, repriced.0),
        (Prog::Jkm, funded.2, repriced.1),
    ] {
        let programme = p.code();
        // Every batch's file, and what each batch paid to BPJS.
        let remitted: (i64, i64, i64) = on_db!(db, |pool| {
            sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(lines), 0) AS BIGINT), CAST(COALESCE(SUM(total), 0) AS BIGINT)
             FROM remittances WHERE month = $1 AND programme = $2"
        )
        .bind(m)
        .bind(programme)
        .fetch_one(pool)
        .await
        })?;
        let remitted = (remitted.0 > 0).then_some((remitted.1, remitted.2));
        let mut paid = 0;
        for b in &batches {
            paid += posted(
                db,
                TransferKey::PayBpjs {
                    month,
                    programme: p,
                    batch: *b,
                }
                .id(),
            )
            .await?;
        }
        let confirmed: (i64, i64, i64) = on_db!(db, |pool| {
            sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN status = 'rejected' THEN amount ELSE 0 END), 0) AS BIGINT)
             FROM confirmations WHERE month = $1 AND programme = $2"
        )
        .bind(m)
        .bind(programme)
        .fetch_one(pool)
        .await
        })?;
        // Refunds of rejected months: their transfer ids are (worker, month, programme).
        let rejected_workers: Vec<i64> = on_db!(db, |pool| {
            sqlx::query_scalar(
            "SELECT worker_id FROM confirmations WHERE month = $1 AND programme = $2 AND status = 'rejected'"
        )
        .bind(m)
        .bind(programme)
        .fetch_all(pool)
        .await
        })?;
        let mut refunded = 0;
        for w in rejected_workers {
            let key = TransferKey::Rejected {
                worker: w,
                month,
                programme: p,
            };
            refunded += posted(db, key.id()).await?;
        }
        let p = Programme {
            programme: programme.into(),
            funded_lines: funded.0,
            funded: funded_sum,
            remitted_lines: remitted.map(|x| x.0),
            remitted: remitted.map(|x| x.1),
            repriced,
            paid_to_bpjs: paid,
            accepted: confirmed.0,
            rejected: confirmed.1,
            rejected_amount: confirmed.2,
            refunded,
            unconfirmed: remitted.map(|x| x.0).unwrap_or(0) - confirmed.0 - confirmed.1,
        };
        if let Some((lines, total)) = remitted {
            if total + repriced != funded_sum || lines != funded.0 {
                r.differences.push(diff(
                    format!("{programme}: donatur mendanai {} bulan-pekerja ({}) tetapi berkas setoran berisi {lines} ({}) dan selisih harga yang dikembalikan {}",
                        funded.0, rupiah(funded_sum), rupiah(total), rupiah(repriced)),
                    format!("{programme}: donors funded {} worker-months ({}) but the remittance file has {lines} ({}) and {} went back as repriced",
                        funded.0, rupiah(funded_sum), rupiah(total), rupiah(repriced)),
                ));
            }
            if paid != total {
                r.differences.push(diff(
                    format!(
                        "{programme}: berkas setoran berjumlah {} tetapi yang dibayar ke BPJS {}",
                        rupiah(total),
                        rupiah(paid)
                    ),
                    format!(
                        "{programme}: the remittance file totals {} but {} was paid to BPJS",
                        rupiah(total),
                        rupiah(paid)
                    ),
                ));
            }
        } else if funded.0 > 0 {
            r.differences.push(diff(
                format!("{programme}: {} bulan-pekerja yang didanai belum disetor (jalankan siklus bulan ini)", funded.0),
                format!("{programme}: {} funded worker-months are not remitted yet (run the cycle)", funded.0),
            ));
        }
        if p.unconfirmed > 0 {
            r.differences.push(diff(
                format!(
                    "{programme}: BPJS belum menjawab untuk {} bulan-pekerja yang disetor",
                    p.unconfirmed
                ),
                format!(
                    "{programme}: the insurer has not answered for {} remitted worker-months",
                    p.unconfirmed
                ),
            ));
        }
        if refunded != p.rejected_amount {
            r.differences.push(diff(
                format!(
                    "{programme}: {} ditolak tetapi yang kembali ke donatur {}",
                    rupiah(p.rejected_amount),
                    rupiah(refunded)
                ),
                format!(
                    "{programme}: {} was rejected but {} came back to donors",
                    rupiah(p.rejected_amount),
                    rupiah(refunded)
                ),
            ));
        }
        r.programmes.push(p);
    }
    type RejectedRow = (
        i64,
        Vec<u8>,
        String,
        String,
        Option<String>,
        i64,
        String,
        i64,
        String,
    );
    let rejected: Vec<RejectedRow> = on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT c.worker_id, w.nik, w.full_name, c.programme, c.reason, c.amount, o.name, c.donation_id,
                w.village_code
         FROM confirmations c JOIN workers w ON w.id = c.worker_id
         JOIN donations d ON d.id = c.donation_id JOIN donors o ON o.id = d.donor_id
         WHERE c.month = $1 AND c.status = 'rejected' ORDER BY w.full_name, c.programme"
    )
    .bind(m)
    .fetch_all(pool)
    .await
    })?;
    let keys = db.keys();
    r.rejected = rejected
        .into_iter()
        .map(|x| -> sqlx::Result<Rejected> {
            Ok(Rejected {
                worker_id: x.0,
                nik_masked: crate::privacy::gate::mask_nik(&super::sealed::open(
                    keys,
                    crate::privacy::Kind::Nik,
                    &x.1,
                )?),
                name: x.2,
                programme: x.3,
                reason: x.4,
                amount: x.5,
                donor: x.6,
                donation_id: x.7,
                village_code: x.8,
            })
        })
        .collect::<sqlx::Result<_>>()?;
    // Money that came after the due date (end of the 15th in WIB) for this month.
    if let Some(deadline) = due_deadline(month) {
        type LateRow = (i64, String, DateTime<Utc>, i64, i64);
        let late: Vec<LateRow> = on_db!(db, |pool| {
            sqlx::query_as(
            "SELECT d.id, o.name, d.funded_at, CAST(COUNT(*) AS BIGINT), CAST(SUM(m.jkk + m.jkm) AS BIGINT)
             FROM worker_months m JOIN donations d ON d.id = m.donation_id JOIN donors o ON o.id = d.donor_id
             WHERE m.month = $1 AND d.status = 'funded' AND d.funded_at > $2
             GROUP BY d.id, o.name, d.funded_at ORDER BY d.id"
        )
        .bind(m)
        .bind(deadline)
        .fetch_all(pool)
        .await
        })?;
        r.late = late
            .into_iter()
            .map(|x| Late {
                donation_id: x.0,
                donor: x.1,
                funded_at: x.2,
                worker_months: x.3,
                amount: x.4,
            })
            .collect();
    }
    Ok(r)
}
