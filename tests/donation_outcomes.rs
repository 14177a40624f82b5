//! What donors see happened to their workers (issue 14 §1), on the demo, over the pages and
//! the API, on SQLite and PostgreSQL: a month BPJS refused with its reason and the money
//! returned, a worker paying alone, one who lapsed and one who died, each with its date and
//! words; the filters with their counts; and a refused filter in words.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::pages::{element, page, signed_in};
use common::TestApp;
use lingkaran::db::audit::Actor;
use lingkaran::db::lifecycle::{self, StopReason};
use lingkaran::db::Db;
use lingkaran::demo::DEMO_PASSWORD;
use lingkaran::on_db;
use lingkaran_domain::format;
use lingkaran_domain::rates::Month;

/// The day (WIB) of the latest event that put `worker` into `status`, as a page writes it.
async fn since(db: &Db, worker: i64, status: &str) -> String {
    let at: chrono::DateTime<chrono::Utc> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT MAX(at) FROM worker_events WHERE worker_id = $1 AND to_status = $2"
    )
    .bind(worker)
    .bind(status)
    .fetch_one(pool)
    .await)
    .unwrap();
    format::date(lingkaran::clock::wib_date(at), "id")
}

/// The worker of `donation` with `status`.
async fn with_status(db: &Db, donation: i64, status: &str) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT w.id FROM donation_workers dw JOIN workers w ON w.id = dw.worker_id
         WHERE dw.donation_id = $1 AND w.status = $2 ORDER BY w.id LIMIT 1"
    )
    .bind(donation)
    .bind(status)
    .fetch_one(pool)
    .await)
    .unwrap()
}

async fn donor_of(db: &Db, donation: i64) -> i64 {
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT donor_id FROM donations WHERE id = $1"
    )
    .bind(donation)
    .fetch_one(pool)
    .await)
    .unwrap()
}

async fn outcomes(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(&db, dir.path()).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;

    // The demo's first donation: three workers of Panceng six months ago. One now pays
    // alone, one lapsed, and BPJS refused the third (already an active participant).
    let small: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT dw.donation_id FROM donation_workers dw JOIN workers w ON w.id = dw.worker_id
         WHERE w.status = 'mandiri' ORDER BY dw.donation_id LIMIT 1"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let mandiri = with_status(&db, small, "mandiri").await;
    let lapsed = with_status(&db, small, "lapsed").await;
    let (refused, reason, returned): (i64, String, i64) = on_db!(&db, |pool| sqlx::query_as(
        "SELECT worker_id, MIN(reason), CAST(SUM(amount) AS BIGINT) FROM confirmations
         WHERE donation_id = $1 AND status = 'rejected'
         GROUP BY worker_id, month ORDER BY month LIMIT 1"
    )
    .bind(small)
    .fetch_one(pool)
    .await)
    .unwrap();

    // A worker of the CSR's running donation (100 fishers' months) dies today: the months
    // after this one stop and come back to the donor.
    let current = Month::of(lingkaran::clock::today()).yyyymm();
    let (big, died): (i64, i64) = on_db!(&db, |pool| sqlx::query_as(
        "SELECT m.donation_id, m.worker_id FROM worker_months m
         JOIN donations d ON d.id = m.donation_id
         WHERE d.status = 'funded' AND m.month > $1
           AND d.donor_id = (SELECT o.id FROM donors o JOIN users u ON u.id = o.user_id
                             WHERE u.username = 'donatur')
         ORDER BY d.workers DESC, m.donation_id, m.worker_id LIMIT 1"
    )
    .bind(current)
    .fetch_one(pool)
    .await)
    .unwrap();
    let officer: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT id FROM users WHERE username = 'petugas'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let stopped = lifecycle::stop_worker(
        &db,
        died,
        StopReason::Deceased,
        lingkaran::clock::today(),
        Some("Meninggal dunia"),
        Actor::User(officer),
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(stopped.months > 0, "future months stopped");

    let donor = signed_in(&app, "donatur", DEMO_PASSWORD).await;
    let (status, html) = page(&donor, &app, &format!("/donasi/{small}")).await;
    assert_eq!(status, 200);
    let row = element(&html, &format!("pekerja-{mandiri}"), "tr");
    let want = format!(
        "Membayar sendiri (mandiri) sejak {}",
        since(&db, mandiri, "mandiri").await
    );
    assert!(row.contains(&want), "{want} in {row}");
    assert!(row.contains("Dikonfirmasi BPJS"), "its months: {row}");
    let row = element(&html, &format!("pekerja-{lapsed}"), "tr");
    let want = format!(
        "Tidak lagi terlindungi sejak {}",
        since(&db, lapsed, "lapsed").await
    );
    assert!(row.contains(&want), "{want} in {row}");
    assert!(row.contains("berakhir"), "protection ended: {row}");
    let row = element(&html, &format!("pekerja-{refused}"), "tr");
    let want = format!(
        "Ditolak BPJS ({reason}); {} kembali ke kredit Anda",
        format::rupiah(returned)
    );
    assert!(row.contains(&want), "{want} in {row}");

    // What it did: two of the three protected for its two months (the third refused), the
    // money refused returned, one worker paying alone since.
    let impact = element(&html, "dampak", "section");
    assert!(
        impact.contains("Pekerja terlindungi</dt><dd>2<"),
        "{impact}"
    );
    assert!(impact.contains("Bulan-pekerja</dt><dd>4<"), "{impact}");
    let refused_total: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT CAST(SUM(amount) AS BIGINT) FROM confirmations
         WHERE donation_id = $1 AND status = 'rejected'"
    )
    .bind(small)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(
        impact.contains(&format!("{} dikembalikan", format::rupiah(refused_total))),
        "{impact}"
    );
    assert!(
        impact.contains("Lanjut membayar sendiri</dt><dd>1<"),
        "{impact}"
    );

    // The filters, with their counts; the refused one lists that worker only.
    let chips = element(&html, "saring-pekerja", "ul");
    assert!(chips.contains("Semua (3)"), "{chips}");
    assert!(chips.contains("Membayar sendiri (mandiri) (1)"), "{chips}");
    assert!(chips.contains("Ada bulan ditolak BPJS (1)"), "{chips}");
    let (_, only) = page(&donor, &app, &format!("/donasi/{small}?keadaan=rejected")).await;
    let table = element(&only, "tabel-pekerja", "table");
    assert_eq!(table.matches("<tr id=\"pekerja-").count(), 1, "{table}");
    assert!(table.contains(&format!("pekerja-{refused}")));
    // A filter nobody typed right shows everyone, not an error page.
    let (status, _) = page(&donor, &app, &format!("/donasi/{small}?keadaan=zzz")).await;
    assert_eq!(status, 200);

    // The death, with its date, and the months stopped with their money.
    let (_, html) = page(&donor, &app, &format!("/donasi/{big}?keadaan=deceased")).await;
    let row = element(&html, &format!("pekerja-{died}"), "tr");
    let today = format::date(lingkaran::clock::today(), "id");
    assert!(
        row.contains(&format!("Meninggal dunia sejak {today}")),
        "{row}"
    );
    assert!(
        row.contains("Dihentikan; Rp ") && row.contains("kembali ke kredit Anda"),
        "{row}"
    );
    // Counts read with a thousands separator.
    let (_, html) = page(&donor, &app, &format!("/donasi/{big}")).await;
    let workers: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT workers FROM donations WHERE id = $1"
    )
    .bind(big)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(
        element(&html, "jumlah-pekerja", "dd").contains(&format::count(workers as u64)),
        "{html}"
    );

    // The same over the API, as the donor.
    let token = common::user_token(&db, "donatur").await;
    let (status, v) = app
        .get(&token, &format!("/api/v1/donations/{small}/workers"))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["counts"]["mandiri"], 1);
    assert_eq!(v["rejected"], 1);
    let of = |id: i64| {
        v["workers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["worker_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(of(mandiri)["standing"]["code"], "mandiri");
    assert!(of(mandiri)["standing"]["since"].is_string());
    assert_eq!(of(lapsed)["standing"]["code"], "lapsed");
    let fates = of(refused)["month_fates"].clone();
    let fate = fates
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fate"] == "rejected")
        .unwrap()
        .clone();
    assert_eq!(fate["reason"], reason.as_str());
    assert_eq!(fate["returned"], returned);
    assert!(of(mandiri)["nik"].as_str().unwrap().contains("••••"));
    let (status, v) = app
        .get(&token, &format!("/api/v1/donations/{small}/impact"))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["workers"].as_i64(), v["worker_months"].as_i64()),
        (Some(2), Some(4))
    );
    assert_eq!(v["returned"], refused_total);
    assert_eq!(v["paying_alone_3_months"], 1);
    let (_, all) = app
        .get(
            &token,
            &format!("/api/v1/donors/{}/impact", donor_of(&db, small).await),
        )
        .await;
    assert!(all["workers"].as_i64().unwrap() > v["workers"].as_i64().unwrap());
    assert!(all["remitted"].as_i64().unwrap() >= v["remitted"].as_i64().unwrap());
    let (status, v) = app
        .get(
            &token,
            &format!("/api/v1/donations/{small}/workers?state=mandiri"),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["total"], 1);
    assert_eq!(v["workers"][0]["worker_id"], mandiri);
    let (status, v) = app
        .get(
            &token,
            &format!("/api/v1/donations/{small}/workers?state=bogus"),
        )
        .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["errors"][0]["code"], "bad_state");
    let (_, v) = app
        .get(
            &token,
            &format!("/api/v1/donations/{big}/workers?state=deceased"),
        )
        .await;
    assert_eq!(v["workers"][0]["standing"]["code"], "deceased");
    assert!(v["workers"][0]["month_fates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["fate"] == "stopped" && f["returned"].as_i64().unwrap() > 0));
}

both_dbs!(donors_see_what_happened, outcomes);

/// The credit's history adds up to the credit, for every demo donor, and says why each line
/// moved (issue 14 §4).
async fn credit_adds_up(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(&db, dir.path()).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    let admin = app
        .user("admin-uji", lingkaran::auth::Role::Admin, None, &[])
        .await;
    let donors: Vec<i64> = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT id FROM donors ORDER BY id"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert!(donors.len() >= 2);
    for d in donors {
        let credit = lingkaran::db::payments::credit_of(&db, d).await.unwrap();
        let (status, v) = app
            .get(
                &admin,
                &format!("/api/v1/donors/{d}/credit-history?limit=1000"),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["balance"], credit);
        let lines = v["lines"].as_array().unwrap();
        let sum: i64 = lines.iter().map(|l| l["change"].as_i64().unwrap()).sum();
        assert_eq!(sum, credit, "donor {d}: the lines add up to the credit");
        // Each line's balance is the one after it, walking back to zero.
        let mut after = credit;
        for l in lines {
            assert_eq!(l["balance"], after, "donor {d}: {l}");
            after -= l["change"].as_i64().unwrap();
            assert!(!l["reason"].as_str().unwrap().is_empty());
        }
        assert_eq!(after, 0, "donor {d}: from nothing");
        // A page further on joins the first.
        if lines.len() > 3 {
            let (_, page2) = app
                .get(
                    &admin,
                    &format!("/api/v1/donors/{d}/credit-history?limit=2&offset=2"),
                )
                .await;
            assert_eq!(page2["lines"][0], lines[2]);
            assert_eq!(page2["lines"][1], lines[3]);
        }
    }

    // The CSR donor reads theirs on the account page, with the refused month's words.
    let donor = signed_in(&app, "donatur", DEMO_PASSWORD).await;
    let (status, html) = page(&donor, &app, "/akun").await;
    assert_eq!(status, 200);
    let history = element(&html, "riwayat-kredit", "details");
    assert!(history.contains("ditolak BPJS, dikembalikan"), "{history}");
    assert!(history.contains("Membayar donasi #"), "{history}");
    assert!(history.contains("Pembayaran diterima"), "{history}");
    // Another donor's history is not theirs to read.
    let other: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT id FROM donors WHERE user_id IS NULL ORDER BY id LIMIT 1"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let token = common::user_token(&db, "donatur").await;
    let (status, _) = app
        .get(&token, &format!("/api/v1/donors/{other}/credit-history"))
        .await;
    assert_eq!(status, 404);
}

both_dbs!(the_credit_history_adds_up, credit_adds_up);

/// One digest a month per donor, by e-mail through the outbox, with counts and no NIK
/// (issue 14 §1, "updates"); queued twice, sent once.
async fn monthly_digest(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(&db, dir.path()).await.unwrap();
    // The demo's past happened today, so this month holds its confirmations, the refused
    // month and the hand-over to paying alone.
    let month = Month::of(lingkaran::clock::today());
    let now = chrono::Utc::now();
    let n = lingkaran::usecase::digests::queue(&db, month, "https://lingkaran.example", now)
        .await
        .unwrap();
    assert!(n >= 1, "the CSR donor, who gave an e-mail address");
    let again = lingkaran::usecase::digests::queue(&db, month, "https://lingkaran.example", now)
        .await
        .unwrap();
    assert_eq!(again, 0, "once a month");
    let csr: i64 = on_db!(&db, |pool| {
        sqlx::query_scalar(
        "SELECT o.id FROM donors o JOIN users u ON u.id = o.user_id WHERE u.username = 'donatur'"
    )
    .fetch_one(pool)
    .await
    })
    .unwrap();
    let messages = lingkaran::db::outbox::list(&db, None, 1000).await.unwrap();
    let key = format!("digest:{csr}:{month}");
    let mine: Vec<_> = messages.iter().filter(|m| m.dedupe_key == key).collect();
    assert_eq!(mine.len(), 1, "one message, not one per event");
    let m = mine[0];
    assert_eq!(m.recipient, "csr@semensejahtera.example");
    assert!(
        m.body.contains("bulan-pekerja dikonfirmasi BPJS"),
        "{}",
        m.body
    );
    assert!(m.body.contains("ditolak BPJS"), "{}", m.body);
    assert!(
        m.body.contains("kini membayar iurannya sendiri"),
        "{}",
        m.body
    );
    assert!(m.body.contains("https://lingkaran.example/akun"));
    // No NIK: no run of 16 digits anywhere.
    let digits = m
        .body
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(digits < 16, "no NIK: {}", m.body);
    // A month with nothing to tell sends nothing.
    let quiet = lingkaran::usecase::digests::queue(&db, month.minus(30), "https://x", now)
        .await
        .unwrap();
    assert_eq!(quiet, 0);
}

both_dbs!(one_digest_a_month, monthly_digest);

/// Paying made easy (issue 14 §3): the invoice names the VA's bank, gives the number to copy,
/// the exact amount, the time left, and the steps from the usual banks.
async fn invoice_page(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(&db, dir.path()).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    // The CSR's donation of 50 workers of Driyorejo, awaiting payment.
    let held: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT d.id FROM donations d JOIN donors o ON o.id = d.donor_id
         JOIN users u ON u.id = o.user_id
         WHERE u.username = 'donatur' AND d.status = 'held' ORDER BY d.id LIMIT 1"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let inv = lingkaran::db::donations::invoice_of(&db, held)
        .await
        .unwrap()
        .unwrap();
    let donor = signed_in(&app, "donatur", DEMO_PASSWORD).await;
    let r = donor
        .get(app.url(&format!("/donasi/{held}")))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    let html = r.text().await.unwrap();
    let pay = element(&html, "cara-bayar", "script");
    assert!(pay.contains("Virtual Account BRI"), "{pay}");
    assert!(
        pay.contains(&format!(r#"value="{}""#, inv.va_number)),
        "{pay}"
    );
    assert!(pay.contains(&format!(r#"data-salin="{}""#, inv.va_number)));
    assert!(
        element(&html, "jumlah-bayar", "strong").contains(&format::rupiah(inv.outstanding())),
        "{pay}"
    );
    let left = element(&html, "sisa-waktu", "p");
    assert!(
        left.contains(" hari") || left.contains(" jam") || left.contains(" menit"),
        "{left}"
    );
    // From BCA: a transfer to BRI, to the VA number, for the exact amount.
    let bca = &pay[pay.find(r#"data-bank="BCA""#).unwrap()..];
    let bca = &bca[..bca.find("</details>").unwrap()];
    assert!(
        bca.contains("BCA mobile") && bca.contains("bank tujuan BRI"),
        "{bca}"
    );
    assert!(bca.contains(&format::rupiah(inv.outstanding())), "{bca}");
    for bank in ["BRI", "BNI", "MANDIRI", "BCA", "BSI", "JATIM"] {
        assert!(pay.contains(&format!(r#"data-bank="{bank}""#)), "{bank}");
    }
    // The one script, served from the site itself.
    let r = app.client.get(app.url("/salin.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(r.text().await.unwrap().contains("navigator.clipboard"));
}

both_dbs!(paying_is_made_easy, invoice_page);
