//! Reminders before a funded period ends (issue 4, part 3): the worker gets a short message in
//! Indonesian saying until when they are protected and what paying alone costs; the donor gets
//! an e-mail per donation with a link that extends it in one click. They go into the outbox,
//! keyed by (worker or donation, end month, days before), so running this every day queues
//! each reminder once.

use super::outbox::{self, NewMessage};
use super::Db;
use crate::on_db;
use crate::privacy::Kind;
use chrono::{DateTime, NaiveDate, Utc};
use lingkaran_domain::coverage::last_day;
use lingkaran_domain::format;
use lingkaran_domain::pricing::{FundingSource, Sector};
use lingkaran_domain::rates::Month;

/// By default a reminder goes 30 and 7 days before the last protected day.
pub const DEFAULT_DAYS: [i64; 2] = [30, 7];

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReminderReport {
    /// Workers whose protection ends within the largest threshold.
    pub ending: usize,
    /// Messages queued now (new; already queued ones are not counted).
    pub worker_messages: usize,
    pub donor_messages: usize,
    /// Workers without a phone number, and donors without an e-mail address: nobody to tell.
    pub no_phone: usize,
    pub no_email: usize,
}

/// The smallest threshold that `days_left` is within, if any: with 30 and 7, 20 days left gives
/// 30 and 5 days left gives 7, so a late first run sends one reminder, not two.
fn threshold(days_left: i64, days: &[i64]) -> Option<i64> {
    days.iter()
        .copied()
        .filter(|d| days_left >= 0 && days_left <= *d)
        .min()
}

/// Queues the reminders due on `today`. `base_url` makes the donor's extension link.
pub async fn queue(
    db: &Db,
    today: NaiveDate,
    days: &[i64],
    base_url: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<ReminderReport> {
    let mut report = ReminderReport::default();
    let horizon = days.iter().copied().max().unwrap_or(0);
    // Protection ending between today and the horizon ends in one of these months.
    let mut months = vec![Month::of(today)];
    while last_day(months[months.len() - 1]) < today + chrono::Duration::days(horizon) {
        let next = months[months.len() - 1].next();
        months.push(next);
    }
    let pricing = super::rates::pricing(db).await?;
    let month_list = months
        .iter()
        .map(|m| m.yyyymm().to_string())
        .collect::<Vec<_>>()
        .join(",");
    // Each worker's last funded month, when it is one of those, with the donation and donor
    // that pay it. A worker funded further on (extended) is not reminded.
    type Row = (
        i64,
        String,
        Option<Vec<u8>>,
        i64,
        i64,
        i64,
        String,
        bool,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as(&format!(
        "SELECT w.id, w.full_name, w.phone, w.income, l.last, d.id, o.name, o.public_name, o.email, w.sector
         FROM (SELECT m.worker_id, MAX(m.month) AS last FROM worker_months m
               JOIN donations d0 ON d0.id = m.donation_id WHERE d0.status = 'funded'
               GROUP BY m.worker_id) l
         JOIN workers w ON w.id = l.worker_id
         JOIN worker_months lm ON lm.worker_id = l.worker_id AND lm.month = l.last
         JOIN donations d ON d.id = lm.donation_id JOIN donors o ON o.id = d.donor_id
         WHERE l.last IN ({month_list}) AND w.status = 'verified'
         ORDER BY d.id, w.id"
    ))
    .fetch_all(pool)
    .await
    })?;
    // Donor e-mails: one per (donation, end month, threshold), counting its workers.
    let mut donations: Vec<(i64, String, Option<String>, NaiveDate, i64, usize)> = Vec::new();
    for (worker, name, phone, income, last, donation, donor, public, email, sector) in rows {
        let Some(end_month) = Month::from_yyyymm(last) else {
            continue;
        };
        let end = last_day(end_month);
        let days_left = (end - today).num_days();
        let Some(t) = threshold(days_left, days) else {
            continue;
        };
        report.ending += 1;
        match donations.last_mut() {
            Some(d) if d.0 == donation && d.3 == end && d.4 == t => d.5 += 1,
            _ => donations.push((donation, donor.clone(), email, end, t, 1)),
        }
        let Some(phone) = super::sealed::open_opt(db.keys(), Kind::Phone, phone.as_deref())? else {
            report.no_phone += 1;
            continue;
        };
        // What paying alone costs from the next month: the worker's declared income and
        // sector, paid by the worker (`self`), relief included.
        let next = end_month.next();
        let sector = Sector::parse(&sector).unwrap_or(Sector::Other);
        let cost = pricing
            .price(next, income, FundingSource::SelfPaid, sector)?
            .total()?
            .get();
        let from = if public {
            donor
        } else {
            "donatur GN Lingkaran".into()
        };
        let body = format!(
            "Yth. {name}, perlindungan JKK & JKM Anda dari {from} berakhir {}. Lanjutkan secara mandiri mulai {}/bulan di kantor BPJS Ketenagakerjaan, aplikasi JMO, atau agen Perisai terdekat. Bayar sebelum tanggal 15 agar tetap terlindungi.",
            format::date(end, "id"),
            format::rupiah(cost),
        );
        if outbox::enqueue(
            db,
            &NewMessage {
                dedupe_key: format!("end:worker:{worker}:{last}:{t}"),
                channel: "sms",
                recipient: phone,
                subject: None,
                body,
                attachment: None,
            },
            now,
        )
        .await?
        {
            report.worker_messages += 1;
        }
    }
    for (donation, donor, email, end, t, workers) in donations {
        let Some(email) = email else {
            report.no_email += 1;
            continue;
        };
        let subject = format!(
            "Donasi DON-{donation}: perlindungan {workers} pekerja berakhir {}",
            format::date(end, "id")
        );
        let body = format!(
            "Yth. {donor},\n\nPerlindungan JKK & JKM untuk {workers} pekerja yang Anda danai melalui donasi DON-{donation} berakhir {} ({t} hari lagi).\n\nPerpanjang dengan satu klik:\n{base_url}/donasi/{donation}/perpanjang\n\nTanpa perpanjangan, pekerja akan diajak membayar sendiri (mandiri) atau kembali ke daftar tunggu donatur.\n\nTerima kasih,\nGN Lingkaran",
            format::date(end, "id"),
        );
        if outbox::enqueue(
            db,
            &NewMessage {
                dedupe_key: format!("end:donation:{donation}:{}:{t}", end.format("%Y%m")),
                channel: "email",
                recipient: email,
                subject: Some(subject),
                body,
                attachment: None,
            },
            now,
        )
        .await?
        {
            report.donor_messages += 1;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::threshold;

    #[test]
    fn one_reminder_per_threshold_even_when_late() {
        assert_eq!(threshold(31, &[30, 7]), None);
        assert_eq!(threshold(30, &[30, 7]), Some(30));
        assert_eq!(threshold(8, &[30, 7]), Some(30));
        assert_eq!(threshold(7, &[30, 7]), Some(7));
        assert_eq!(threshold(0, &[30, 7]), Some(7));
        assert_eq!(threshold(-1, &[30, 7]), None);
    }
}
