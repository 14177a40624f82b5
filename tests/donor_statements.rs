//! A donor's statement (laporan donasi) and CSR report for any dates (issue 14 §2), on SQLite
//! and PostgreSQL, read back as a donor's finance office would: the workbook's figures with
//! calamine, the PDF's text with pdftotext.
//!
//! - Money is counted once: a payment's receipt adds, a donation paid from the credit is
//!   listed with its receipt but not added again, a refund to the bank is taken off.
//! - Two halves of a year add up to the year, and the statement's workers and worker-months
//!   agree with the donor's impact (read from other tables).
//! - The CSR report carries the charts' titles and no NIK; another donor's statement is not
//!   found; bad dates are refused in words.
#![allow(clippy::unwrap_used)]

use crate::common;

use calamine::Data;
use chrono::{Datelike, NaiveDate};
use common::documents::{fetch, number, pdf_text, row, sheet, XLSX};
use common::pages::{page, signed_in};
use common::{TestApp, Token};
use lingkaran_domain::format::rupiah;
use serde_json::json;

/// The figure beside `label` on the workbook's summary sheet.
fn summary(bytes: &[u8], label: &str) -> f64 {
    let s = sheet(bytes, "Ringkasan");
    number(&row(&s, 0, label)[1])
}

async fn statement(app: &TestApp, t: &Token, donor: i64, q: &str) -> Vec<u8> {
    let (status, ct, bytes) = fetch(
        app,
        Some(t),
        &format!("/api/v1/donors/{donor}/statement?{q}"),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    if q.contains("format=pdf") {
        assert_eq!(ct, "application/pdf");
    } else {
        assert_eq!(ct, XLSX);
    }
    bytes
}

both_dbs!(
    a_statement_counts_each_rupiah_once_and_adds_up,
    |db| async move {
        let app = TestApp::spawn(db.clone()).await;
        let officer = app.village(40, 23).await.officer;
        let (budi, budi_id) = app.sign_up("budi", "Budi Santoso").await;
        let today = lingkaran::clock::today();
        // Rp 5.000.000 to Budi's credit (a receipt), a donation of 3 workers for 12 months
        // paid from it (a receipt of the credit), Rp 250.000 returned to his bank.
        common::to_credit(&db, budi_id, "SETOR-1", 5_000_000).await;
        let (s, d) = app
            .post(
                &budi,
                "/api/v1/donations",
                json!({ "mode": "criteria", "criteria": { "region": "35.25.01" }, "count": 3,
                        "months": 12, "pay_from_credit": true }),
            )
            .await;
        assert_eq!(s, 201, "{d}");
        let donation = d["id"].as_i64().unwrap();
        let (_, shown) = app
            .get(&budi, &format!("/api/v1/donations/{donation}"))
            .await;
        let cost = shown["invoice"]["credit_applied"].as_i64().unwrap();
        assert!(cost > 0, "{shown}");
        let credit_number = shown["invoice"]["credit_receipt"]["number"]
            .as_str()
            .unwrap()
            .to_string();
        let (s, r) = app
            .post(
                &officer,
                &format!("/api/v1/donors/{budi_id}/refunds"),
                json!({ "amount": 250_000, "reason": "Permintaan donatur" }),
            )
            .await;
        assert_eq!(s, 201, "{r}");

        // The months it funds: from the first payable month, twelve of them, perhaps over
        // two calendar years. A statement from this year's 1 January to next year's
        // 31 December holds them all.
        let year = today.year();
        let whole = format!("from={year}-01-01&to={}-12-31", year + 1);
        let book = statement(&app, &budi, budi_id, &format!("{whole}&format=xlsx")).await;
        assert_eq!(
            summary(&book, "Diterima (kuitansi pembayaran)"),
            5_000_000.0
        );
        assert_eq!(
            summary(&book, "Dibayar dari saldo kredit (tidak dijumlahkan lagi)"),
            cost as f64
        );
        assert_eq!(
            summary(&book, "Dikembalikan ke rekening donatur"),
            250_000.0
        );
        assert_eq!(
            summary(&book, "Jumlah donasi dalam periode"),
            4_750_000.0,
            "the credit's donation is not given twice"
        );
        assert_eq!(summary(&book, "Jumlah kuitansi"), 2.0);
        assert_eq!(summary(&book, "Pekerja dilindungi"), 3.0);
        assert_eq!(summary(&book, "Bulan-pekerja"), 36.0);
        // Each receipt once, the credit's marked.
        let receipts = sheet(&book, "Kuitansi");
        assert_eq!(receipts.len(), 3, "a header and two receipts: {receipts:?}");
        let credit_row = row(&receipts, 1, &credit_number);
        assert_eq!(number(&credit_row[5]), cost as f64);
        assert!(
            matches!(&credit_row[6], Data::String(s) if s.contains("tidak dijumlahkan")),
            "{credit_row:?}"
        );
        // The months add up to the total, and so do the regencies.
        let months = sheet(&book, "Bulanan");
        let by_month: f64 = months.iter().skip(1).map(|r| number(&r[1])).sum();
        assert_eq!(by_month, 36.0);
        assert_eq!(months.len(), 13, "twelve months: {months:?}");
        let regions = sheet(&book, "Wilayah");
        assert_eq!(regions.len(), 2, "one regency: {regions:?}");
        assert_eq!(regions[1][1], Data::String("35.25".into()));
        assert_eq!(number(&regions[1][3]), 36.0);

        // Two halves of the period, split at a month's first day, add up to the whole.
        let first_half = format!("from={year}-01-01&to={year}-12-31&format=xlsx");
        let second_half = format!("from={}-01-01&to={}-12-31&format=xlsx", year + 1, year + 1);
        let a = statement(&app, &budi, budi_id, &first_half).await;
        let b = statement(&app, &budi, budi_id, &second_half).await;
        assert_eq!(
            summary(&a, "Bulan-pekerja") + summary(&b, "Bulan-pekerja"),
            36.0
        );
        // The money came this year: next year's statement has none of it.
        assert_eq!(summary(&b, "Jumlah donasi dalam periode"), 0.0);
        assert_eq!(summary(&b, "Jumlah kuitansi"), 0.0);
        // Split mid-month: a month belongs to the half that holds its first day.
        let mid = NaiveDate::from_ymd_opt(year + 1, 3, 15).unwrap();
        let c = statement(
            &app,
            &budi,
            budi_id,
            &format!("from={year}-01-01&to={mid}&format=xlsx"),
        )
        .await;
        let d = statement(
            &app,
            &budi,
            budi_id,
            &format!(
                "from={}&to={}-12-31&format=xlsx",
                mid.succ_opt().unwrap(),
                year + 1
            ),
        )
        .await;
        assert_eq!(
            summary(&c, "Bulan-pekerja") + summary(&d, "Bulan-pekerja"),
            36.0
        );

        // The PDF says the same in words, with the receipts' numbers.
        let pdf = statement(&app, &budi, budi_id, &format!("{whole}&format=pdf")).await;
        let text = pdf_text(&pdf);
        assert!(text.contains("LAPORAN DONASI"), "{text}");
        assert!(text.contains("Budi Santoso"), "{text}");
        assert!(text.contains(&credit_number), "{text}");
        assert!(text.contains(&rupiah(4_750_000)), "{text}");
        assert!(
            text.contains("empat juta tujuh ratus lima puluh ribu rupiah"),
            "{text}"
        );
        assert!(text.contains("tidak dijumlahkan lagi"), "{text}");

        // Bad dates and kinds, refused in words; nothing else is read.
        for (q, code) in [
            (format!("from={year}-12-31&to={year}-01-01"), "bad_period"),
            (format!("from={year}-01-01"), "bad_period"),
            ("from=2020-01-01&to=2025-12-31".to_string(), "bad_period"),
            ("from=31-12-2026&to=2026-12-31".to_string(), "bad_period"),
            (format!("{whole}&kind=pajak"), "bad_kind"),
            (format!("{whole}&format=docx"), "invalid_format"),
        ] {
            let (s, v) = app
                .get(&budi, &format!("/api/v1/donors/{budi_id}/statement?{q}"))
                .await;
            assert_eq!(s, 422, "{q}: {v}");
            assert_eq!(v["errors"][0]["code"], code, "{q}: {v}");
        }
        // Sent by e-mail: refused while Budi has no address, then queued once a day, the
        // workbook attached under its own name, to his own address only.
        let mail_path = format!("/api/v1/donors/{budi_id}/statement/email");
        let ask = json!({ "from": format!("{year}-01-01"), "to": format!("{}-12-31", year + 1),
                          "format": "xlsx" });
        let (s, v) = app.post(&budi, &mail_path, ask.clone()).await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (409, Some("no_email")),
            "{v}"
        );
        let (s, v) = app
            .put(
                &budi,
                &format!("/api/v1/donors/{budi_id}/preferences"),
                json!({ "email": "budi@contoh.example", "public_name": false, "leftover_to_pool": false }),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let (s, first) = app.post(&budi, &mail_path, ask.clone()).await;
        assert_eq!((s, first["queued"].as_bool()), (202, Some(true)), "{first}");
        assert_eq!(first["to"], "b***@contoh.example");
        let (s, again) = app.post(&budi, &mail_path, ask).await;
        assert_eq!(
            (s, again["queued"].as_bool()),
            (202, Some(false)),
            "{again}"
        );
        assert_eq!(again["outbox_id"], first["outbox_id"]);
        let outbox_id = first["outbox_id"].as_i64().unwrap();
        let (name, ct, size): (String, String, i64) = lingkaran::on_db!(&db, |pool| {
            sqlx::query_as(
                "SELECT file_name, content_type, size FROM outbox_attachments WHERE message_id = $1",
            )
            .bind(outbox_id)
            .fetch_one(pool)
            .await
        })
        .unwrap();
        assert_eq!(
            name,
            format!(
                "laporan-donasi-{budi_id}-{year}-01-01_{}-12-31.xlsx",
                year + 1
            )
        );
        assert_eq!((ct.as_str(), size), (XLSX, book.len() as i64));
        let mail = lingkaran::db::outbox::list(&db, None, 100)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.id == outbox_id)
            .unwrap();
        assert_eq!(mail.recipient, "budi@contoh.example");
        assert!(mail.body.contains(&rupiah(4_750_000)), "{}", mail.body);

        // Another donor's statement is not Budi's to read.
        let (_, siti_id) = app.sign_up("siti", "Siti Aminah").await;
        let (s, _) = app
            .get(
                &budi,
                &format!("/api/v1/donors/{siti_id}/statement?{whole}"),
            )
            .await;
        assert_eq!(s, 404);
    }
);

both_dbs!(
    the_csr_officer_downloads_a_yearly_report_for_the_board,
    |db| async move {
        let dir = tempfile::tempdir().unwrap();
        lingkaran::demo::seed(&db, dir.path()).await.unwrap();
        let app = TestApp::spawn(db.clone()).await;
        let http = signed_in(&app, "donatur", lingkaran::demo::DEMO_PASSWORD).await;
        let token = common::user_token(&db, "donatur").await;
        let donor: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT o.id FROM donors o JOIN users u ON u.id = o.user_id
             WHERE u.username = 'donatur'"
        )
        .fetch_one(pool)
        .await)
        .unwrap();

        // The account offers the statement, this year so far filled in.
        let (s, akun) = page(&http, &app, "/akun").await;
        assert_eq!(s, 200);
        let today = lingkaran::clock::today();
        assert!(akun.contains(r#"id="laporan-donasi""#), "{akun}");
        assert!(
            akun.contains(&format!(r#"value="{}-01-01""#, today.year())),
            "{akun}"
        );

        // The demo's history runs a year back and its donations a year ahead: five years
        // around today hold every month the donor paid for.
        let (from, to) = (
            format!("{}-01-01", today.year() - 2),
            format!("{}-12-31", today.year() + 2),
        );
        let r = http
            .get(app.url(&format!(
                "/akun/laporan?dari={from}&sampai={to}&jenis=csr&format=pdf"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disposition.contains(&format!("laporan-csr-{donor}-{from}_{to}.pdf")),
            "{disposition}"
        );
        let pdf = r.bytes().await.unwrap();
        let text = pdf_text(&pdf);
        assert!(text.contains("LAPORAN PROGRAM TJSL/CSR"), "{text}");
        assert!(text.contains("Pekerja dilindungi per bulan"), "{text}");
        assert!(text.contains("Bulan-pekerja per kabupaten/kota"), "{text}");
        assert!(text.contains("Kabupaten Gresik"), "{text}");
        // No NIK: no run of 16 digits anywhere.
        let digits_run = text
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(digits_run < 16, "a 16-digit number in the report: {text}");
        // Every receipt the account lists is in the report.
        let numbers: Vec<String> = lingkaran::on_db!(&db, |pool| sqlx::query_as::<_, (i64, i64)>(
            "SELECT year, seq FROM receipts WHERE donor_id = $1"
        )
        .bind(donor)
        .fetch_all(pool)
        .await)
        .unwrap()
        .into_iter()
        .map(|(y, n)| lingkaran_domain::receipt::number(i32::try_from(y).unwrap(), n))
        .collect();
        assert!(!numbers.is_empty());
        for n in &numbers {
            assert!(text.contains(n.as_str()), "{n} in {text}");
        }

        // Its figures agree with the donor's impact, which reads other tables (the donations'
        // villages, not the months one by one).
        let book = statement(&app, &token, donor, &format!("from={from}&to={to}")).await;
        let (_, impact) = app
            .get(&token, &format!("/api/v1/donors/{donor}/impact"))
            .await;
        assert_eq!(
            summary(&book, "Bulan-pekerja"),
            impact["worker_months"].as_f64().unwrap(),
            "{impact}"
        );
        assert_eq!(
            summary(&book, "Pekerja dilindungi"),
            impact["workers"].as_f64().unwrap(),
            "{impact}"
        );
        assert_eq!(
            summary(&book, "Disetor ke BPJS Ketenagakerjaan"),
            impact["remitted"].as_f64().unwrap(),
            "{impact}"
        );
        let paid: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payments WHERE donor_id = $1"
        )
        .bind(donor)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(
            summary(&book, "Diterima (kuitansi pembayaran)"),
            paid as f64
        );

        // "Kirim ke e-mail": the report attached to the donor's own address, once a day.
        let csrf =
            common::pages::csrf_field(common::pages::element(&akun, "laporan-kirim", "form"));
        let form = [
            ("csrf", csrf.as_str()),
            ("dari", from.as_str()),
            ("sampai", to.as_str()),
            ("jenis", "csr"),
            ("format", "pdf"),
        ];
        let (s, _, sent) = common::pages::post(&http, &app, "/akun/laporan/kirim", &form).await;
        assert_eq!(s, 200, "{sent}");
        let said = common::pages::element(&sent, "terkirim", "p");
        assert!(said.contains("akan dikirim ke"), "{said}");
        assert!(said.contains("c***@semensejahtera.example"), "{said}");
        let (_, _, again) = common::pages::post(&http, &app, "/akun/laporan/kirim", &form).await;
        assert!(again.contains("tidak dikirim lagi"), "{again}");
        let (s, _, _) = common::pages::post(&http, &app, "/akun/laporan/kirim", &form[1..]).await;
        assert_eq!(s, 403, "no CSRF field, nothing sent");

        // A date the clerk typed the other way round: a page that says so.
        let (s, html) = page(
            &http,
            &app,
            &format!("/akun/laporan?dari={to}&sampai={from}&format=pdf"),
        )
        .await;
        assert_eq!(s, 422);
        assert!(html.contains("sesudah tanggal akhir"), "{html}");
    }
);
