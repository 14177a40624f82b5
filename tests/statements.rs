//! Bank statements booked over HTTP, on SQLite and PostgreSQL, as an officer would upload
//! them: a transfer is booked once whichever file or format brings it, gaps and overlaps
//! between MT940 statements are shown, an invoice is never paid past its amount without an
//! officer's confirmation, and a bad line fails alone.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::db::{ledger, Db};
use serde_json::{json, Value};

const ACCOUNT: &str = "1230004567890";

struct World {
    app: TestApp,
    officer: Token,
}

async fn world(db: Db) -> World {
    let app = TestApp::spawn(db).await;
    let officer = app.village(20, 11).await.officer;
    World { app, officer }
}

/// A donor who signed up, with one donation of one worker for one month: (token, donor id,
/// donation id, invoice).
async fn donor_with_invoice(w: &World, username: &str, name: &str) -> (Token, i64, i64, Value) {
    let app = &w.app;
    let (t, donor) = app.sign_up(username, name).await;
    let (s, d) = app
        .post(
            &t,
            "/api/v1/donations",
            json!({ "mode": "criteria", "count": 1, "months": 1 }),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let id = d["id"].as_i64().unwrap();
    (t, donor, id, d["invoice"].clone())
}

async fn upload(w: &World, name: &str, bytes: &[u8], account: Option<&str>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
    let mut form = reqwest::multipart::Form::new().part("file", part);
    if let Some(a) = account {
        form = form.text("account", a.to_string());
    }
    w.app
        .post_multipart(&w.officer, "/api/v1/statements", form)
        .await
}

async fn invoice_of(w: &World, t: &Token, donation: i64) -> Value {
    let (s, d) = w.app.get(t, &format!("/api/v1/donations/{donation}")).await;
    assert_eq!(s, 200, "{d}");
    d["invoice"].clone()
}

async fn credit_of(w: &World, t: &Token, donor: i64) -> i64 {
    let (s, a) = w
        .app
        .get(t, &format!("/api/v1/donors/{donor}/account"))
        .await;
    assert_eq!(s, 200, "{a}");
    a["credit"].as_i64().unwrap()
}

async fn payments_count(db: &Db) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM payments"
    )
    .fetch_one(pool)
    .await
    .unwrap())
}

async fn ledger_clean(db: &Db) {
    let r = ledger::check(db).await.unwrap();
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

/// One MT940 credit: (value date YYMMDD, amount, customer reference, bank reference, `:86:`).
type Credit<'a> = (&'a str, i64, &'a str, &'a str, &'a str);

/// One MT940 statement of [`ACCOUNT`] with the given number, opening balance and credits; the
/// closing balance adds up unless `closing` says otherwise.
fn mt940(number: &str, opening: i64, credits: &[Credit], closing: Option<i64>) -> String {
    let first = credits.first().map_or("261101", |c| c.0);
    let last = credits.last().map_or("261101", |c| c.0);
    let mut s = format!(
        ":20:MDR{number}\r\n:25:{ACCOUNT}\r\n:28C:{number}/001\r\n:60F:C{first}IDR{opening},00\r\n"
    );
    let mut sum = opening;
    for (date, amount, cref, bref, text) in credits {
        let mmdd = &date[2..];
        let bank = if bref.is_empty() {
            String::new()
        } else {
            format!("//{bref}")
        };
        s.push_str(&format!(
            ":61:{date}{mmdd}C{amount},00NTRF{cref}{bank}\r\n:86:{text}\r\n"
        ));
        sum += amount;
    }
    let closing = closing.unwrap_or(sum);
    s.push_str(&format!(":62F:C{last}IDR{closing},00\r\n-\r\n"));
    s
}

both_dbs!(
    csv_and_mt940_exports_of_one_transfer_are_booked_once,
    |db| async move {
        let w = world(db).await;
        let (t, donor, donation, inv) =
            donor_with_invoice(&w, "pt.semen", "PT Semen Sejahtera").await;
        let va = inv["va_number"].as_str().unwrap();
        let amount = inv["amount"].as_i64().unwrap();

        // The internet-banking CSV export: the bank's reference in its own column.
        let csv = format!(
            "Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n\
             25/11/2026;TRF VA {va} PT SEMEN SEJAHTERA;FT26329ABC12;{amount},00;CR\n"
        );
        let (s, r) = upload(&w, "mutasi-nov.csv", csv.as_bytes(), Some(ACCOUNT)).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["matched"], 1, "{r}");

        // The same account's MT940 export of the same day: no customer reference, the bank's
        // reference after `//`, the VA in the `:86:` text.
        let sta = mt940(
            "00330",
            10_000_000,
            &[(
                "261125",
                amount,
                "NONREF",
                "FT26329ABC12",
                &format!("UBP {va} PT SEMEN SEJAHTERA"),
            )],
            None,
        );
        let (s, r) = upload(&w, "mutasi-nov.sta", sta.as_bytes(), None).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["matched"], 0, "{r}");
        assert_eq!(r["duplicates"], 1, "{r}");
        let entry = &r["entries"][0];
        assert_eq!(entry["status"], "duplicate", "{entry}");
        assert!(
            entry["reason"].as_str().unwrap().contains("mutasi-nov.csv"),
            "the line names the file that brought the money first: {entry}"
        );

        // The invoice shows Rp 23.800 paid of Rp 23.800, not twice that, and no credit.
        let inv = invoice_of(&w, &t, donation).await;
        assert_eq!(inv["paid"], amount, "{inv}");
        assert_eq!(inv["status"], "paid");
        assert_eq!(credit_of(&w, &t, donor).await, 0);
        assert_eq!(payments_count(&w.app.db).await, 1);
        ledger_clean(&w.app.db).await;
    }
);

both_dbs!(
    overlapping_statements_of_1_15_and_10_20_november_book_each_transfer_once,
    |db| async move {
        let w = world(db).await;
        let (ta, a, da, ia) = donor_with_invoice(&w, "donatur.a", "Donatur A").await;
        let (tb, b, db_, ib) = donor_with_invoice(&w, "donatur.b", "Donatur B").await;
        let (tc, c, dc, ic) = donor_with_invoice(&w, "donatur.c", "Donatur C").await;
        let amt = |i: &Value| i["amount"].as_i64().unwrap();
        let va = |i: &Value| i["va_number"].as_str().unwrap().to_string();

        // 1–15 November as CSV: A on the 3rd, B on the 12th.
        let csv = format!(
            "Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n\
             03/11/2026;TRF VA {} DONATUR A;FT26307AAA01;{};CR\n\
             12/11/2026;TRF VA {} DONATUR B;FT26316BBB02;{};CR\n",
            va(&ia),
            amt(&ia),
            va(&ib),
            amt(&ib)
        );
        let (s, r) = upload(&w, "mutasi-01-15.csv", csv.as_bytes(), Some(ACCOUNT)).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["matched"], 2, "{r}");

        // 10–20 November as MT940: B again (the overlap), and C on the 18th.
        let vb = format!("UBP {} DONATUR B", va(&ib));
        let vc = format!("UBP {} DONATUR C", va(&ic));
        let sta = mt940(
            "00331",
            5_000_000,
            &[
                ("261112", amt(&ib), "NONREF", "FT26316BBB02", &vb),
                ("261118", amt(&ic), "NONREF", "FT26322CCC03", &vc),
            ],
            None,
        );
        let (s, r) = upload(&w, "mutasi-10-20.sta", sta.as_bytes(), None).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            (r["matched"].as_i64(), r["duplicates"].as_i64()),
            (Some(1), Some(1)),
            "{r}"
        );

        // And the MT940 of 10–20 again, downloaded a second time (other bytes: a title line).
        let again = format!("MUTASI REKENING {ACCOUNT}\r\n{sta}");
        let (s, r) = upload(&w, "mutasi-10-20-lagi.sta", again.as_bytes(), None).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            (r["matched"].as_i64(), r["duplicates"].as_i64()),
            (Some(0), Some(2)),
            "{r}"
        );

        for (t, donor, donation, inv) in [(&ta, a, da, &ia), (&tb, b, db_, &ib), (&tc, c, dc, &ic)]
        {
            let now = invoice_of(&w, t, donation).await;
            assert_eq!(now["paid"], amt(inv), "{now}");
            assert_eq!(credit_of(&w, t, donor).await, 0);
        }
        assert_eq!(payments_count(&w.app.db).await, 3);
        ledger_clean(&w.app.db).await;
    }
);

both_dbs!(
    a_missing_statement_and_a_balance_that_does_not_follow_are_reported,
    |db| async move {
        let w = world(db).await;
        let one = mt940(
            "00010",
            1_000_000,
            &[("261101", 50_000, "NONREF", "FT1", "SETORAN")],
            None,
        );
        let (s, r) = upload(&w, "mt940-00010.sta", one.as_bytes(), None).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["notices"].as_array().unwrap().len(), 0, "{r}");

        // 00012 after 00010, opening with another balance than 00010 closed with.
        let three = mt940(
            "00012",
            2_000_000,
            &[("261103", 70_000, "NONREF", "FT3", "SETORAN")],
            None,
        );
        let (s, r) = upload(&w, "mt940-00012.sta", three.as_bytes(), None).await;
        assert_eq!(s, 201, "{r}");
        let notices = r["notices"].as_array().unwrap();
        let text: Vec<&str> = notices
            .iter()
            .map(|n| n["message_en"].as_str().unwrap())
            .collect();
        assert!(
            text.iter()
                .any(|t| t.contains("statement 00012 follows 00010: statement 00011 is missing")),
            "{text:?}"
        );
        let id: Vec<&str> = notices
            .iter()
            .map(|n| n["message"].as_str().unwrap())
            .collect();
        assert!(id.iter().any(|t| t.contains("00011 tidak ada")), "{id:?}");

        // 00011 arrives: it fills the gap, but its opening balance is not 00010's closing one.
        let two = mt940(
            "00011",
            1_000_001,
            &[("261102", 10_000, "NONREF", "FT2", "SETORAN")],
            None,
        );
        let (s, r) = upload(&w, "mt940-00011.sta", two.as_bytes(), None).await;
        assert_eq!(s, 201, "{r}");
        let text: Vec<String> = r["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["message_en"].as_str().unwrap().to_string())
            .collect();
        assert!(
            text.iter().any(|t| t.contains("opening balance IDR 1,000,001 does not equal the previous closing balance IDR 1,050,000")),
            "{text:?}"
        );
        assert!(!text.iter().any(|t| t.contains("missing")), "{text:?}");

        // The same file again: the same report, nothing new.
        let (s, again) = upload(&w, "mt940-00011.sta", two.as_bytes(), None).await;
        assert_eq!(s, 200, "{again}");
        assert_eq!(again["notices"], r["notices"]);
    }
);

both_dbs!(
    a_line_that_would_overpay_an_invoice_waits_for_an_officer,
    |db| async move {
        let w = world(db).await;
        let (t, donor, donation, inv) =
            donor_with_invoice(&w, "pt.semen", "PT Semen Sejahtera").await;
        let va = inv["va_number"].as_str().unwrap();
        let amount = inv["amount"].as_i64().unwrap();
        // The donor's finance office pays twice, two real transfers with their own references.
        let csv = format!(
            "Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n\
             25/11/2026;TRF VA {va} PT SEMEN;FT26329AAA01;{amount};CR\n\
             26/11/2026;TRF VA {va} PT SEMEN;FT26330BBB02;{amount};CR\n\
             26/11/2026;TRF VA {va} PT SEMEN KURANG;FT26330CCC03;1;CR\n"
        );
        let (s, r) = upload(&w, "mutasi.csv", csv.as_bytes(), Some(ACCOUNT)).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            (r["matched"].as_i64(), r["unmatched"].as_i64()),
            (Some(1), Some(2)),
            "{r}"
        );
        let second = &r["entries"][1];
        assert_eq!(second["status"], "unmatched");
        assert!(
            second["reason"].as_str().unwrap().contains("sudah lunas"),
            "{second}"
        );
        let inv = invoice_of(&w, &t, donation).await;
        assert_eq!(inv["paid"], amount, "{inv}");
        assert_eq!(
            credit_of(&w, &t, donor).await,
            0,
            "no credit made without an officer"
        );
        let (_, q) = w.app.get(&w.officer, "/api/v1/statements/unmatched").await;
        assert_eq!(q["lines"].as_array().unwrap().len(), 2);
        ledger_clean(&w.app.db).await;
    }
);

both_dbs!(
    booking_a_line_to_a_paid_invoice_by_hand_needs_a_confirmation_naming_whose_credit,
    |db| async move {
        let w = world(db).await;
        let (t, donor, donation, inv) =
            donor_with_invoice(&w, "pt.semen", "PT Semen Sejahtera").await;
        let number = inv["number"].as_str().unwrap().to_string();
        let amount = inv["amount"].as_i64().unwrap();
        let (s, v) = w
            .app
            .pay_callback(
                inv["va_number"].as_str().unwrap(),
                &number,
                amount,
                "DOKU-1",
            )
            .await;
        assert_eq!(s, 200, "{v}");
        // A transfer without any number the matcher knows.
        let csv = format!(
            "Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n25/11/2026;TRF DARI PT SMN SJHTR;FT26329XYZ99;{amount};CR\n"
        );
        let (s, r) = upload(&w, "mutasi.csv", csv.as_bytes(), Some(ACCOUNT)).await;
        assert_eq!(s, 201, "{r}");
        let line = r["entries"][0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/statement-lines/{line}/resolve");

        let (s, e) = w
            .app
            .post(
                &w.officer,
                &path,
                json!({ "invoice_number": number, "note": "telepon" }),
            )
            .await;
        assert_eq!(s, 409, "{e}");
        assert_eq!(e["errors"][0]["code"], "overpayment_unconfirmed", "{e}");
        let rp = lingkaran_domain::format::rupiah(amount);
        let sentence = format!("{rp} akan menjadi saldo PT Semen Sejahtera");
        assert!(
            e["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains(&sentence),
            "{e}"
        );
        assert_eq!(
            credit_of(&w, &t, donor).await,
            0,
            "nothing booked before the confirmation"
        );

        let (s, l) = w
            .app
            .post(
                &w.officer,
                &path,
                json!({ "invoice_number": number, "note": "telepon", "confirm_overpayment": true }),
            )
            .await;
        assert_eq!(s, 200, "{l}");
        assert_eq!(l["status"], "resolved");
        assert_eq!(credit_of(&w, &t, donor).await, amount);
        let inv = invoice_of(&w, &t, donation).await;
        assert_eq!(inv["status"], "paid");
        ledger_clean(&w.app.db).await;
    }
);

/// An officer's manual entry (`POST /api/v1/payments/manual`), with its evidence.
async fn manual(
    w: &World,
    invoice: &str,
    amount: i64,
    reference: &str,
    confirm: Option<&str>,
) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new()
        .text("invoice_number", invoice.to_string())
        .text("amount", amount.to_string())
        .text(
            "paid_on",
            lingkaran::clock::today().format("%Y-%m-%d").to_string(),
        )
        .text("reference", reference.to_string())
        .part(
            "evidence",
            reqwest::multipart::Part::bytes(b"%PDF-1.4 kuitansi".to_vec()).file_name("bukti.pdf"),
        );
    if let Some(c) = confirm {
        form = form.text("confirm_overpayment", c.to_string());
    }
    w.app
        .post_multipart(&w.officer, "/api/v1/payments/manual", form)
        .await
}

both_dbs!(
    a_manual_entry_past_an_invoice_needs_the_same_confirmation_naming_whose_credit,
    |db| async move {
        let w = world(db).await;
        let (t, donor, donation, inv) =
            donor_with_invoice(&w, "pt.semen", "PT Semen Sejahtera").await;
        let number = inv["number"].as_str().unwrap().to_string();
        let amount = inv["amount"].as_i64().unwrap();
        let before = payments_count(&w.app.db).await;
        let asks = |e: &Value, excess: i64| {
            let detail = e["errors"][0]["detail"].as_str().unwrap().to_string();
            let rp = lingkaran_domain::format::rupiah(excess);
            // The statement path's words: whose credit, and how to confirm.
            detail.contains(&format!("{rp} akan menjadi saldo PT Semen Sejahtera."))
                && detail
                    .ends_with("Untuk tetap membukukannya, konfirmasi (confirm_overpayment: true).")
        };

        // More than the invoice still needs: refused, nothing booked, the excess named.
        let (s, e) = manual(&w, &number, amount + 5_000, "KW-1", None).await;
        assert_eq!(s, 409, "{e}");
        assert_eq!(e["errors"][0]["code"], "overpayment_unconfirmed", "{e}");
        assert!(asks(&e, 5_000), "{e}");
        assert!(
            e["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("tinggal"),
            "{e}"
        );
        assert_eq!(payments_count(&w.app.db).await, before, "nothing booked");
        assert_eq!(invoice_of(&w, &t, donation).await["paid"], 0);

        // Confirmed: the invoice is paid and the excess is the donor's credit.
        let (s, p) = manual(&w, &number, amount + 5_000, "KW-1", Some("true")).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["funded_donation"], donation, "{p}");
        assert_eq!(credit_of(&w, &t, donor).await, 5_000);
        // The same receipt again is a retry: answered as then, not asked again.
        let (s, again) = manual(&w, &number, amount + 5_000, "KW-1", None).await;
        assert_eq!((s, &again["id"]), (200, &p["id"]), "{again}");

        // To the invoice, now paid: all of it would be credit, so it asks again.
        let (s, e) = manual(&w, &number, 10_000, "KW-2", None).await;
        assert_eq!(s, 409, "{e}");
        assert_eq!(e["errors"][0]["code"], "overpayment_unconfirmed", "{e}");
        assert!(asks(&e, 10_000), "{e}");
        assert!(
            e["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("sudah lunas"),
            "{e}"
        );
        assert_eq!(credit_of(&w, &t, donor).await, 5_000);
        let (s, p) = manual(&w, &number, 10_000, "KW-2", Some("1")).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(credit_of(&w, &t, donor).await, 15_000);
        let inv = invoice_of(&w, &t, donation).await;
        assert_eq!(inv["paid"], amount + 15_000, "{inv}");
        ledger_clean(&w.app.db).await;
    }
);

both_dbs!(
    a_line_of_nine_quintillion_rupiah_fails_alone_and_the_rest_is_booked,
    |db| async move {
        let w = world(db).await;
        let (t, _, donation, inv) = donor_with_invoice(&w, "donatur", "Donatur").await;
        let va = inv["va_number"].as_str().unwrap();
        let amount = inv["amount"].as_i64().unwrap();
        let csv = format!(
            "Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n\
             24/11/2026;TRF VA {va} SALAH KETIK;FT1;9.223.372.036.854.775.000;CR\n\
             24/11/2026;SETORAN;FT2;1.000.000.000.000.001;CR\n\
             25/11/2026;TRF VA {va} DONATUR;FT3;{amount};CR\n"
        );
        let (s, r) = upload(&w, "mutasi.csv", csv.as_bytes(), Some(ACCOUNT)).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["matched"], 1, "{r}");
        let errors = r["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 2, "{r}");
        assert_eq!(errors[0]["line"], 2);
        let msg = errors[0]["problem"]["message"].as_str().unwrap();
        assert!(
            msg.contains("Baris 2")
                && msg.contains("Jumlah")
                && msg.contains("9.223.372.036.854.775.000"),
            "{msg}"
        );
        assert_eq!(errors[1]["line"], 3);
        let inv = invoice_of(&w, &t, donation).await;
        assert_eq!(inv["status"], "paid");

        // The same file again: the same report, and nothing new booked.
        let (s, again) = upload(&w, "mutasi.csv", csv.as_bytes(), Some(ACCOUNT)).await;
        assert_eq!(s, 200, "{again}");
        assert_eq!(again["errors"], r["errors"]);
        assert_eq!(again["matched"], r["matched"]);
        assert_eq!(payments_count(&w.app.db).await, 1);
        ledger_clean(&w.app.db).await;
    }
);

both_dbs!(
    two_officers_uploading_both_exports_at_once_book_the_transfer_once,
    |db| async move {
        let w = world(db).await;
        let (t, donor, donation, inv) =
            donor_with_invoice(&w, "pt.semen", "PT Semen Sejahtera").await;
        let va = inv["va_number"].as_str().unwrap();
        let amount = inv["amount"].as_i64().unwrap();
        let csv = format!(
            "Nomor Rekening;Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n\
             {ACCOUNT};25/11/2026;TRF VA {va} PT SEMEN;FT26329ABC12;{amount};CR\n"
        );
        let text = format!("UBP {va} PT SEMEN");
        let sta = mt940(
            "00330",
            0,
            &[("261125", amount, "NONREF", "FT26329ABC12", &text)],
            None,
        );
        let ((s1, r1), (s2, r2)) = futures_util::future::join(
            upload(&w, "mutasi.csv", csv.as_bytes(), None),
            upload(&w, "mutasi.sta", sta.as_bytes(), None),
        )
        .await;
        assert_eq!((s1, s2), (201, 201), "{r1} {r2}");
        let matched = r1["matched"].as_i64().unwrap() + r2["matched"].as_i64().unwrap();
        let duplicates = r1["duplicates"].as_i64().unwrap() + r2["duplicates"].as_i64().unwrap();
        assert_eq!((matched, duplicates), (1, 1), "{r1} {r2}");
        let inv = invoice_of(&w, &t, donation).await;
        assert_eq!(inv["paid"], amount, "{inv}");
        assert_eq!(credit_of(&w, &t, donor).await, 0);
        ledger_clean(&w.app.db).await;
    }
);
