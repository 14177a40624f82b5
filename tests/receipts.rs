//! Receipts (kuitansi) as PDF documents with a verification code (issue 14 §2), on SQLite and
//! PostgreSQL: a company's paid donation gets `KW/<year>/000001` as a PDF whose text
//! (`pdftotext`, Debian's poppler-utils) holds the number, the amount in words, the name,
//! address and NPWP and the code; the public `/verifikasi/{code}` confirms it and shows
//! nothing else; made-up and malformed codes get a 404 in words; another donor cannot fetch
//! the PDF; a donation paid from credit gets a receipt too; numbers run per year without
//! gaps under 8 bookings at once and across a year's end; the donor's e-mail is queued once,
//! and arrives with the receipt's PDF attached; "Kirim ke e-mail" sends a receipt to the
//! donor's own address once a day, 20 documents a day at most, never someone else's.
//! How a donor is named (issue 14 §3), on /akun and over the API: the name on its receipts on
//! the PDF and on /verifikasi (or "donatur anonim"), a refused name changing nothing, and a
//! donor that hides its total left out of /transparansi's list while the sums stay the same.
#![allow(clippy::unwrap_used)]

use crate::common;

use chrono::{Datelike, NaiveDate, Utc};
use common::documents::{fetch, pdf_text};
use common::{TestApp, Token};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::{donors, outbox, Db};
use lingkaran_domain::format::{date, rupiah, terbilang};
use serde_json::{json, Value};

async fn text(app: &TestApp, t: Option<&Token>, path: &str) -> (u16, String) {
    let (s, _, b) = fetch(app, t, path).await;
    (s, String::from_utf8(b).unwrap())
}

/// A donation of `count` workers for 12 months by `t`'s donor: (id, invoice VA, number, amount).
async fn donate(app: &TestApp, t: &Token, count: i64) -> (i64, String, String, i64) {
    let (s, d) = app
        .post(
            t,
            "/api/v1/donations",
            json!({ "mode": "criteria", "criteria": { "region": "35.25.01" }, "count": count, "months": 12 }),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let inv = &d["invoice"];
    (
        d["id"].as_i64().unwrap(),
        inv["va_number"].as_str().unwrap().to_string(),
        inv["number"].as_str().unwrap().to_string(),
        inv["amount"].as_i64().unwrap(),
    )
}

both_dbs!(
    a_paid_donation_has_a_pdf_receipt_that_anyone_can_verify,
    |db| async move {
        let app = TestApp::spawn(db.clone()).await;
        let officer = app.village(40, 21).await.officer;
        // A company with its own donor account, its NPWP and address.
        let semen = app.user("semen", Role::Donor, None, &[]).await;
        let (s, donor) = app
            .post(
                &officer,
                "/api/v1/donors",
                json!({ "kind": "company", "name": "PT Semen Sejahtera", "npwp": "01.234.567.8-901.000",
                        "address": "Jl. Veteran 1, Gresik, Jawa Timur", "user_id": semen.id }),
            )
            .await;
        assert_eq!(s, 201, "{donor}");
        assert_eq!(donor["address"], "Jl. Veteran 1, Gresik, Jawa Timur");
        let donor_id = donor["id"].as_i64().unwrap();
        donors::set_preferences(
            &db,
            donor_id,
            &donors::Preferences {
                email: Some("keuangan@semen.example".into()),
                public_name: true,
                leftover_to_pool: false,
                receipt_name: None,
                show_total: true,
            },
            Actor::Cli,
            Utc::now(),
        )
        .await
        .unwrap();

        let (donation, va, invoice, amount) = donate(&app, &semen, 5).await;
        let (s, paid) = app.pay_callback(&va, &invoice, amount, "DOKU-KW-1").await;
        assert_eq!(s, 200, "{paid}");
        let payment = paid["payment_id"].as_i64().unwrap();
        let year = lingkaran::clock::today().year();
        let number = format!("KW/{year}/000001");

        // The receipt in JSON: its number of the year and its code.
        let (s, r) = app
            .get(&semen, &format!("/api/v1/payments/{payment}"))
            .await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["receipt_number"], number.as_str(), "{r}");
        let code = r["verification_code"].as_str().unwrap().to_string();
        assert_eq!(code.len(), 14, "{code}");
        assert_eq!(code.matches('-').count(), 2, "{code}");

        // The PDF, from the page and from the API, says what the donor's books need.
        let (s, ct, bytes) = fetch(&app, Some(&semen), &format!("/kuitansi/{payment}/pdf")).await;
        assert_eq!(s, 200);
        assert_eq!(ct, "application/pdf");
        let t = pdf_text(&bytes);
        for needed in [
            "GN Lingkaran — Gerakan Nasional Peduli Perlindungan Pekerja Rentan",
            "BPJS Ketenagakerjaan",
            &number,
            "PT Semen Sejahtera",
            "Jl. Veteran 1, Gresik, Jawa Timur",
            "01.234.567.8-901.000",
            &rupiah(amount),
            &terbilang(amount)[1..],
            "Virtual Account BCA",
            &format!("Donasi #{donation} ({invoice}): 5 pekerja × 12 bulan"),
            &date(lingkaran::clock::today(), "id"),
            &code,
            &format!("/verifikasi/{code}"),
        ] {
            assert!(t.contains(needed), "{needed:?} missing from: {t}");
        }
        let (s, ct, api_bytes) = fetch(
            &app,
            Some(&semen),
            &format!("/api/v1/payments/{payment}/receipt.pdf"),
        )
        .await;
        assert_eq!((s, ct.as_str()), (200, "application/pdf"));
        assert!(pdf_text(&api_bytes).contains(&number));
        // Staff may fetch it too.
        let (s, _, _) = fetch(&app, Some(&officer), &format!("/kuitansi/{payment}/pdf")).await;
        assert_eq!(s, 200);

        // The HTML receipt shows the new number, the code and the PDF link.
        let (s, html) = text(&app, Some(&semen), &format!("/kuitansi/{payment}")).await;
        assert_eq!(s, 200);
        assert!(html.contains(&number), "{html}");
        assert!(html.contains(&code), "{html}");
        assert!(html.contains(&format!("/kuitansi/{payment}/pdf")), "{html}");
        assert!(html.contains("Virtual Account BCA"), "{html}");
        let (_, html) = text(&app, Some(&semen), "/akun").await;
        assert!(html.contains(&format!("/kuitansi/{payment}/pdf")), "{html}");

        // Another donor gets "not found", as for the HTML receipt.
        let (ani, _) = app.sign_up("ani", "Ani Wijaya").await;
        for path in [
            format!("/kuitansi/{payment}"),
            format!("/kuitansi/{payment}/pdf"),
            format!("/api/v1/payments/{payment}/receipt.pdf"),
        ] {
            let (s, ct, _) = fetch(&app, Some(&ani), &path).await;
            assert_eq!(s, 404, "{path}");
            assert!(!ct.contains("pdf"), "{path}");
        }
        // Nobody signed in is sent to sign in, not given the file.
        let r = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url(&format!("/kuitansi/{payment}/pdf")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/masuk");

        // The public check, without signing in: as printed, in lower case, without dashes.
        for typed in [code.clone(), code.to_lowercase(), code.replace('-', "")] {
            let (s, html) = text(&app, None, &format!("/verifikasi/{typed}")).await;
            assert_eq!(s, 200, "{typed}: {html}");
            assert!(html.contains(&number), "{html}");
            assert!(html.contains(&rupiah(amount)), "{html}");
            assert!(
                html.contains(&date(lingkaran::clock::today(), "id")),
                "{html}"
            );
            assert!(html.contains("PT Semen Sejahtera"), "{html}");
            // Nothing else of the donor.
            for private in [
                "Veteran",
                "01.234.567.8-901.000",
                "012345678901000",
                "keuangan@",
                "semen.example",
                &invoice,
            ] {
                assert!(!html.contains(private), "{private} shown: {html}");
            }
            // No NIK (16 digits in a row).
            let digits_run = html
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            assert!(digits_run < 16, "{html}");
        }
        let (s, html) = text(
            &app,
            None,
            &format!("/verifikasi?kode={}", code.to_lowercase()),
        )
        .await;
        assert_eq!(s, 200);
        assert!(html.contains(&number));
        let r = app
            .client
            .get(app.url(&format!(
                "/api/v1/public/receipts/{}",
                code.replace('-', "").to_lowercase()
            )))
            .send()
            .await
            .unwrap();
        let (s, v) = common::checked("GET", "/api/v1/public/receipts/{code}", r).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            v,
            json!({ "number": number, "date": lingkaran::clock::today().to_string(), "amount": amount,
                    "amount_text": rupiah(amount), "donor": "PT Semen Sejahtera", "donor_named": true })
        );

        // A made-up code and a malformed one: 404, in words, nothing echoed.
        let made_up = lingkaran_domain::receipt::Code::from_bits(0x0F0F_0F0F_0F0F_0F0F).grouped();
        assert_ne!(made_up, code);
        let (s, html) = text(&app, None, &format!("/verifikasi/{made_up}")).await;
        assert_eq!(s, 404);
        assert!(
            html.contains("Tidak ada kuitansi GN Lingkaran dengan kode verifikasi ini"),
            "{html}"
        );
        let (s, html) = text(&app, None, "/verifikasi/bukan-kode%3Cb%3E?lang=en").await;
        assert_eq!(s, 404);
        assert!(html.contains("That is not a verification code"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        let (s, html) = text(&app, None, &format!("/verifikasi/{}", "Z".repeat(5000))).await;
        assert_eq!(s, 404, "{html}");
        for path in [
            format!("/api/v1/public/receipts/{made_up}"),
            "/api/v1/public/receipts/xyz".to_string(),
        ] {
            let r = app.client.get(app.url(&path)).send().await.unwrap();
            let (s, v) = common::checked("GET", "/api/v1/public/receipts/{code}", r).await;
            assert_eq!(s, 404, "{v}");
            assert_eq!(v["errors"][0]["code"], "not_found");
        }

        // The donor's e-mail is queued once, with the number, the amount and the link.
        let now = Utc::now();
        let pdf = lingkaran::report::receipt::write;
        let queued =
            lingkaran::usecase::receipts::queue_mails(&db, "https://lingkaran.example/", pdf, now)
                .await
                .unwrap();
        assert_eq!(queued, 1);
        let again =
            lingkaran::usecase::receipts::queue_mails(&db, "https://lingkaran.example", pdf, now)
                .await
                .unwrap();
        assert_eq!(again, 0);
        let mails: Vec<_> = outbox::list(&db, None, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.dedupe_key.starts_with("receipt:"))
            .collect();
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert_eq!(m.recipient, "keuangan@semen.example");
        assert!(m.subject.as_deref().unwrap().contains(&number));
        assert!(m.body.contains(&rupiah(amount)), "{}", m.body);
        assert!(
            m.body
                .contains(&format!("https://lingkaran.example/verifikasi/{code}")),
            "{}",
            m.body
        );
    }
);

both_dbs!(
    a_donation_paid_from_credit_gets_a_receipt,
    |db| async move {
        let app = TestApp::spawn(db.clone()).await;
        app.village(40, 22).await;
        let (budi, budi_id) = app.sign_up("budi", "Budi Santoso").await;
        let today = lingkaran::clock::today();
        // Money to Budi's credit first (its own receipt, the year's first).
        let first = common::to_credit(&db, budi_id, "SETOR-1", 5_000_000).await;
        let (id, _, invoice, amount) = donate(&app, &budi, 3).await;
        let (s, paid) = app
            .post(
                &budi,
                &format!("/api/v1/donations/{id}/pay-from-credit"),
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{paid}");
        let (_, shown) = app.get(&budi, &format!("/api/v1/donations/{id}")).await;
        let year = today.year();
        assert_eq!(
            shown["invoice"]["credit_receipt"]["number"],
            format!("KW/{year}/000002"),
            "{shown}"
        );
        let sid = shown["invoice"]["credit_receipt"]["id"].as_i64().unwrap();
        let (_, receipt) = app.get(&budi, &format!("/api/v1/payments/{}", first)).await;
        assert_eq!(receipt["receipt_number"], format!("KW/{year}/000001"));

        let (s, rc) = app
            .get(&budi, &format!("/api/v1/credit-receipts/{sid}"))
            .await;
        assert_eq!(s, 200, "{rc}");
        let code = rc["verification_code"].as_str().unwrap().to_string();
        let (s, ct, bytes) = fetch(&app, Some(&budi), &format!("/kuitansi/kredit/{sid}/pdf")).await;
        assert_eq!((s, ct.as_str()), (200, "application/pdf"));
        let t = pdf_text(&bytes);
        for needed in [
            format!("KW/{year}/000002"),
            "Budi Santoso".to_string(),
            rupiah(amount),
            terbilang(amount)[1..].to_string(),
            "Saldo kredit donatur".to_string(),
            format!("Donasi #{id} ({invoice}): 3 pekerja × 12 bulan"),
            code.clone(),
        ] {
            assert!(t.contains(&needed), "{needed:?} missing from: {t}");
        }
        // No NPWP line for a donor without one.
        assert!(!t.contains("NPWP"), "{t}");
        let (s, _, api) = fetch(
            &app,
            Some(&budi),
            &format!("/api/v1/credit-receipts/{sid}/receipt.pdf"),
        )
        .await;
        assert_eq!(s, 200);
        assert!(pdf_text(&api).contains(&format!("KW/{year}/000002")));
        let (s, html) = text(&app, Some(&budi), &format!("/kuitansi/kredit/{sid}")).await;
        assert_eq!(s, 200);
        assert!(
            html.contains(&format!("/kuitansi/kredit/{sid}/pdf")),
            "{html}"
        );

        // Someone else's credit receipt is refused.
        let (ani, _) = app.sign_up("ani", "Ani Wijaya").await;
        let (s, _, _) = fetch(&app, Some(&ani), &format!("/kuitansi/kredit/{sid}/pdf")).await;
        assert_eq!(s, 404);
        let (s, _, _) = fetch(
            &app,
            Some(&ani),
            &format!("/api/v1/credit-receipts/{sid}/receipt.pdf"),
        )
        .await;
        assert_eq!(s, 404);

        // An individual who did not choose to be named publicly is "donatur anonim".
        let (s, html) = text(&app, None, &format!("/verifikasi/{code}")).await;
        assert_eq!(s, 200, "{html}");
        assert!(html.contains(&format!("KW/{year}/000002")), "{html}");
        assert!(html.contains("donatur anonim"), "{html}");
        assert!(!html.contains("Budi"), "{html}");
        let r = app
            .client
            .get(app.url(&format!("/api/v1/public/receipts/{code}")))
            .send()
            .await
            .unwrap();
        let (s, v): (u16, Value) =
            common::checked("GET", "/api/v1/public/receipts/{code}", r).await;
        assert_eq!(s, 200);
        assert_eq!(v["donor"], "donatur anonim");
        assert_eq!(v["donor_named"], false);
    }
);

/// Books `n` payments to `donor`'s credit at once from 8 tasks, the i-th dated `day(i)`.
async fn book_at_once(db: &Db, donor: i64, n: usize, day: fn(usize) -> NaiveDate) -> Vec<i64> {
    let mut tasks = Vec::new();
    for task in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in (task..n).step_by(8) {
                let booked = payments::book(
                    &db,
                    &NewPayment {
                        source: Source::Manual,
                        reference: format!("SETOR-{i}"),
                        target: Target::Donor(donor),
                        amount: 10_000 + i as i64,
                        paid_on: day(i),
                        channel: None,
                        evidence_name: None,
                        evidence: None,
                        recorded_by: Actor::Cli,
                        note: None,
                    },
                    Utc::now(),
                )
                .await
                .unwrap()
                .unwrap();
                ids.push(booked.payment_id);
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

both_dbs!(
    numbers_run_per_year_without_gaps_under_concurrent_payments,
    |db| async move {
        let officer = common::TestApp::spawn(db.clone())
            .await
            .user("petugas", Role::Officer, None, &["35.25"])
            .await;
        let donor = common::staff_donor(&db, "institution", "BAZNAS Gresik", officer.id).await;
        // 40 payments from 8 tasks at once, dated on both sides of a year's end.
        fn day(i: usize) -> NaiveDate {
            if i.is_multiple_of(3) {
                NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
            } else {
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
            }
        }
        let ids = book_at_once(&db, donor, 40, day).await;
        assert_eq!(ids.len(), 40);
        let mut by_year: std::collections::BTreeMap<i32, Vec<i64>> = Default::default();
        for id in &ids {
            let p = payments::get(&db, *id).await.unwrap().unwrap();
            let r = lingkaran::db::receipts::of(&db, lingkaran::db::receipts::For::Payment(*id))
                .await
                .unwrap()
                .unwrap();
            // Numbered in the year of the payment's day.
            assert_eq!(r.issued_on, p.paid_on);
            assert_eq!(r.year.to_string(), &p.paid_on[..4]);
            assert_eq!(p.receipt_number(), r.number());
            by_year.entry(r.year as i32).or_default().push(r.seq);
        }
        let mut y2025 = by_year.remove(&2025).unwrap();
        let mut y2026 = by_year.remove(&2026).unwrap();
        assert!(by_year.is_empty());
        y2025.sort();
        y2026.sort();
        // 14 payments dated 2025 (i = 0, 3, …, 39), 26 dated 2026: each year 1..=n, once each.
        assert_eq!(y2025, (1..=14).collect::<Vec<i64>>());
        assert_eq!(y2026, (1..=26).collect::<Vec<i64>>());
        // Codes are all different.
        let codes: std::collections::HashSet<String> =
            lingkaran::db::receipts::of_donor(&db, donor, 100)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.code)
                .collect();
        assert_eq!(codes.len(), 40);

        // A retry of a booked payment books nothing and takes no number; the next one
        // continues the sequence.
        let again = book_at_once(&db, donor, 8, day).await;
        assert_eq!(again.len(), 8);
        let later = payments::book(
            &db,
            &NewPayment {
                source: Source::Manual,
                reference: "SETOR-LATER".into(),
                target: Target::Donor(donor),
                amount: 20_000,
                paid_on: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
                channel: None,
                evidence_name: None,
                evidence: None,
                recorded_by: Actor::Cli,
                note: None,
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        let p = payments::get(&db, later.payment_id).await.unwrap().unwrap();
        assert_eq!(p.receipt_number(), "KW/2026/000027");
    }
);

/// The donor's naming choices as stored.
async fn naming(db: &Db, donor: i64) -> donors::Preferences {
    donors::preferences(db, donor).await.unwrap().unwrap()
}

/// The first receipt of `donor`'s payments: (payment id, verification code as printed).
async fn first_receipt(db: &Db, donor: i64) -> (i64, String) {
    let r = lingkaran::db::receipts::of_donor(db, donor, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.payment_id.is_some())
        .min_by_key(|r| r.id)
        .unwrap();
    (r.payment_id.unwrap(), r.code().grouped())
}

/// The text of payment `payment`'s receipt PDF, fetched as `t`.
async fn receipt_pdf(app: &TestApp, t: &Token, payment: i64) -> String {
    let (s, _, bytes) = fetch(app, Some(t), &format!("/kuitansi/{payment}/pdf")).await;
    assert_eq!(s, 200);
    pdf_text(&bytes)
}

/// The donor as `/verifikasi/{code}` shows it, to anyone.
async fn shown_donor(app: &TestApp, code: &str) -> String {
    let (s, html) = text(app, None, &format!("/verifikasi/{code}")).await;
    assert_eq!(s, 200, "{html}");
    common::pages::element(&html, "donatur", "dd").to_string()
}

// A donor chooses how it is named (issue 14 §3) on /akun: a name for its receipts, printed
// on the PDF and the receipt's page, and on /verifikasi while it is named publicly
// ("donatur anonim" when not); a name too long or with a control character is refused in
// words and changes nothing; an empty name goes back to the registered one.
both_dbs!(a_donor_names_itself_on_its_receipts, |db| async move {
    use common::pages::{csrf_field, element, page, post, signed_in};
    let app = TestApp::spawn(db.clone()).await;
    app.village(40, 31).await;
    let (token, donor) = app.sign_up("ahmad", "Ahmad Fauzi").await;
    let (_, va, invoice, amount) = donate(&app, &token, 2).await;
    let (s, paid) = app.pay_callback(&va, &invoice, amount, "DOKU-NAMA-1").await;
    assert_eq!(s, 200, "{paid}");
    let (payment, code) = first_receipt(&db, donor).await;
    let pdf = || receipt_pdf(&app, &token, payment);
    let verified = || shown_donor(&app, &code);
    // Before choosing: the registered name on the receipt, "donatur anonim" in public (an
    // individual is not named publicly unless it says so), its total listed when named.
    assert!(pdf().await.contains("Ahmad Fauzi"));
    assert!(verified().await.contains("donatur anonim"));
    let before = naming(&db, donor).await;
    assert_eq!(
        (
            before.public_name,
            before.receipt_name.as_deref(),
            before.show_total
        ),
        (false, None, true)
    );

    // The form offers the three choices.
    let http = signed_in(&app, "ahmad", "rahasia-sekali").await;
    let (s, html) = page(&http, &app, "/akun").await;
    assert_eq!(s, 200);
    let form = element(&html, "preferensi", "form");
    for field in [
        r#"name="public_name""#,
        r#"name="receipt_name""#,
        r#"name="show_total""#,
        "Nama pada kuitansi",
        "donatur anonim",
    ] {
        assert!(form.contains(field), "{field} missing from {form}");
    }
    let csrf = csrf_field(&html);
    let donor_text = donor.to_string();
    let save = |name: String, public: bool| {
        let (http, app, csrf, donor_text) = (&http, &app, &csrf, &donor_text);
        async move {
            let mut form = vec![
                ("csrf", csrf.as_str()),
                ("donor", donor_text.as_str()),
                ("email", ""),
                ("show_total", "1"),
            ];
            if public {
                form.push(("public_name", "1"));
            }
            form.push(("receipt_name", name.as_str()));
            post(http, app, "/akun/preferensi", &form).await
        }
    };

    // Refused in words, nothing changed: 201 characters, a line break, a bell.
    for (bad, words) in [
        ("K".repeat(201), "paling banyak 200 karakter"),
        ("Keluarga Bpk.\nAhmad".to_string(), "karakter kendali"),
        ("Keluarga\u{7} Ahmad".to_string(), "karakter kendali"),
    ] {
        let (s, _, body) = save(bad.clone(), true).await;
        assert_eq!(s, 422, "{bad:?}: {body}");
        assert!(body.contains(words), "{bad:?}: {body}");
        assert_eq!(naming(&db, donor).await, before, "{bad:?} changed nothing");
    }
    // 200 characters are fine.
    let (s, _, _) = save("K".repeat(200), false).await;
    assert_eq!(s, 303);
    assert_eq!(naming(&db, donor).await.receipt_name, Some("K".repeat(200)));

    // "Keluarga Bpk. Ahmad", named publicly: trimmed, on the PDF and the receipt's page
    // instead of the registered name, and on /verifikasi.
    let (s, to, _) = save("  Keluarga Bpk. Ahmad ".into(), true).await;
    assert_eq!((s, to.as_str()), (303, "/akun?msg=preferensi"));
    let now = naming(&db, donor).await;
    assert_eq!(
        (now.public_name, now.receipt_name.as_deref(), now.show_total),
        (true, Some("Keluarga Bpk. Ahmad"), true)
    );
    let (_, html) = page(&http, &app, "/akun").await;
    assert!(
        element(&html, "receipt_name", "p").contains(r#"value="Keluarga Bpk. Ahmad""#),
        "{html}"
    );
    let t = pdf().await;
    assert!(t.contains("Telah diterima dari Keluarga Bpk. Ahmad"), "{t}");
    assert!(!t.contains("Ahmad Fauzi"), "{t}");
    let (_, html) = page(&http, &app, &format!("/kuitansi/{payment}")).await;
    assert!(
        element(&html, "penyetor", "dd").contains("Keluarga Bpk. Ahmad"),
        "{html}"
    );
    assert!(verified().await.contains("Keluarga Bpk. Ahmad"));
    let r = app
        .client
        .get(app.url(&format!("/api/v1/public/receipts/{code}")))
        .send()
        .await
        .unwrap();
    let (_, v) = common::checked("GET", "/api/v1/public/receipts/{code}", r).await;
    assert_eq!(
        (v["donor"].as_str(), v["donor_named"].as_bool()),
        (Some("Keluarga Bpk. Ahmad"), Some(true))
    );
    // The change is in the audit trail, without the name itself.
    let audit: Vec<String> = lingkaran::on_db!(&db, |pool| {
        sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'donor.preferences' AND record_id = $1 ORDER BY id"
    )
    .bind(donor.to_string())
    .fetch_all(pool)
    .await
    .unwrap()
    });
    let last = audit.last().unwrap();
    assert!(last.contains(r#""receipt_name_set":true"#), "{last}");
    assert!(
        last.contains(r#""changed":["public_name","receipt_name"]"#),
        "{last}"
    );
    assert!(!last.contains("Keluarga"), "{last}");

    // Not named publicly: /verifikasi says "donatur anonim" and nothing of either name; the
    // receipt itself still carries the chosen name.
    let (s, _, _) = save("Keluarga Bpk. Ahmad".into(), false).await;
    assert_eq!(s, 303);
    let shown = verified().await;
    assert!(shown.contains("donatur anonim"), "{shown}");
    let (_, html) = text(&app, None, &format!("/verifikasi/{code}")).await;
    assert!(
        !html.contains("Keluarga") && !html.contains("Ahmad"),
        "{html}"
    );
    assert!(pdf().await.contains("Keluarga Bpk. Ahmad"));

    // Emptied: the registered name again.
    let (s, _, _) = save("   ".into(), true).await;
    assert_eq!(s, 303);
    assert_eq!(naming(&db, donor).await.receipt_name, None);
    assert!(pdf().await.contains("Telah diterima dari Ahmad Fauzi"));
    assert!(verified().await.contains("Ahmad Fauzi"));
});

// The same choices over the API, and /transparansi: a donor that hides its total is not
// listed with it, while every national total and the donor table's sum stay what they were.
both_dbs!(
    a_donor_hides_its_total_and_the_sums_still_add_up,
    |db| async move {
        use lingkaran::db::donations::{Choice, Criteria};
        let app = TestApp::spawn(db.clone()).await;
        let officer = app.village(40, 32).await.officer;
        let give = |donor: i64, count: i64, txn: &'static str| {
            let db = &db;
            let by = officer.id;
            async move {
                common::give_and_pay(
                    db,
                    donor,
                    by,
                    Choice::Criteria {
                        criteria: Criteria::default(),
                        count,
                    },
                    3,
                    txn,
                )
                .await
            }
        };
        let semen = common::staff_donor(&db, "company", "PT Semen Gresik", officer.id).await;
        let pelabuhan =
            common::staff_donor(&db, "company", "PT Pelabuhan Gresik", officer.id).await;
        let (_, budi) = app.sign_up("budi", "Budi Santoso").await;
        give(semen, 5, "SUM-1").await;
        let (_, hidden_amount) = give(pelabuhan, 4, "SUM-2").await;
        give(budi, 3, "SUM-3").await;
        let funded_total: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT CAST(SUM(funded_total) AS BIGINT) FROM donations WHERE status = 'funded'"
        )
        .fetch_one(pool)
        .await
        .unwrap());
        let today = lingkaran::clock::today();
        let before = lingkaran::usecase::transparency::compute(&db, today)
            .await
            .unwrap();
        let named = |s: &lingkaran::usecase::transparency::Summary| -> Vec<String> {
            s.donors.iter().filter_map(|d| d.name.clone()).collect()
        };
        assert_eq!(named(&before), ["PT Semen Gresik", "PT Pelabuhan Gresik"]);
        assert_eq!(
            before.donors.iter().map(|d| d.funded).sum::<i64>(),
            funded_total
        );

        // Over the API: the company keeps its public name, prints a receipt name and hides its
        // total.
        let path = format!("/api/v1/donors/{pelabuhan}/preferences");
        let (s, v) = app
            .put(
                &officer,
                &path,
                json!({"public_name": true, "leftover_to_pool": false, "show_total": false,
                   "receipt_name": " PT Pelabuhan Gresik Tbk (Program CSR) "}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            v,
            json!({"email": null, "public_name": true, "leftover_to_pool": false,
               "receipt_name": "PT Pelabuhan Gresik Tbk (Program CSR)", "show_total": false})
        );
        // A client that knows nothing of them leaves them as they are.
        let (s, v) = app
        .put(
            &officer,
            &path,
            json!({"email": "csr@pelabuhan.example", "public_name": true, "leftover_to_pool": false}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            (
                v["receipt_name"].as_str(),
                v["show_total"].as_bool(),
                v["email"].as_str()
            ),
            (
                Some("PT Pelabuhan Gresik Tbk (Program CSR)"),
                Some(false),
                Some("csr@pelabuhan.example")
            )
        );
        // Refused with the reason, in both languages, and nothing changes.
        let kept = naming(&db, pelabuhan).await;
        for bad in [
            "P".repeat(201),
            "PT Pelabuhan\u{1B}[31m".into(),
            "PT\tPelabuhan".into(),
        ] {
            let (s, v) = app
            .put(
                &officer,
                &path,
                json!({"public_name": false, "leftover_to_pool": true, "show_total": true, "receipt_name": bad}),
            )
            .await;
            assert_eq!(
                (s, v["errors"][0]["code"].as_str()),
                (422, Some("bad_receipt_name")),
                "{v}"
            );
            let words = v.to_string();
            assert!(
                words.contains("200 karakter") || words.contains("karakter kendali"),
                "{words}"
            );
            assert_eq!(naming(&db, pelabuhan).await, kept);
        }
        let (s, v) = app.get(&officer, &path).await;
        assert_eq!((s, v["show_total"].as_bool()), (200, Some(false)));

        // Its receipt carries the receipt name; /verifikasi too, since it is named publicly.
        let (payment, code) = first_receipt(&db, pelabuhan).await;
        let (s, _, bytes) = fetch(
            &app,
            Some(&officer),
            &format!("/api/v1/payments/{payment}/receipt.pdf"),
        )
        .await;
        assert_eq!(s, 200);
        assert!(pdf_text(&bytes).contains("PT Pelabuhan Gresik Tbk (Program CSR)"));
        let (_, html) = text(&app, None, &format!("/verifikasi/{code}")).await;
        assert!(
            common::pages::element(&html, "donatur", "dd")
                .contains("PT Pelabuhan Gresik Tbk (Program CSR)"),
            "{html}"
        );

        // /transparansi: not listed by name; its donations summed with the anonymous companies;
        // the totals and the table's sum unchanged.
        let r = app
            .client
            .get(app.url("/api/v1/public/summary"))
            .send()
            .await
            .unwrap();
        let (s, after) = common::status_json(r).await;
        assert_eq!(s, 200, "{after}");
        let lines = after["donors"].as_array().unwrap();
        let names: Vec<&str> = lines.iter().map(|d| d["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"PT Semen Gresik"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("Pelabuhan")), "{names:?}");
        let anonymous_company = lines
            .iter()
            .find(|d| d["anonymous"] == true && d["kind"] == "company")
            .unwrap();
        assert_eq!(
            (
                anonymous_company["donors"].as_i64(),
                anonymous_company["funded"].as_i64()
            ),
            (Some(1), Some(hidden_amount))
        );
        let sum: i64 = lines.iter().map(|d| d["funded"].as_i64().unwrap()).sum();
        let workers: i64 = lines.iter().map(|d| d["workers"].as_i64().unwrap()).sum();
        assert_eq!(sum, funded_total);
        assert_eq!(workers, 12);
        for total in [
            "protected_now",
            "sponsored_now",
            "funded_months",
            "received",
            "remitted",
            "returned",
        ] {
            let was = match total {
                "protected_now" => before.protected_now.value().map(|n| n as i64),
                "sponsored_now" => before.sponsored_now.value().map(|n| n as i64),
                "funded_months" => before.funded_months.value().map(|n| n as i64),
                "received" => Some(before.received),
                "remitted" => Some(before.remitted),
                _ => Some(before.returned),
            };
            assert_eq!(after[total].as_i64(), was, "{total}");
        }
        assert_eq!(after["received"].as_i64(), Some(funded_total));
        let (s, html) = common::pages::page(&app.client, &app, "/transparansi").await;
        assert_eq!(s, 200);
        let table = common::pages::element(&html, "tabel-donatur", "table");
        assert!(table.contains("PT Semen Gresik"), "{table}");
        assert!(!table.contains("Pelabuhan"), "{table}");
        assert!(table.contains(&rupiah(hidden_amount)), "{table}");
        assert!(html.contains(r#"id="catatan-donatur""#), "{html}");
        let (s, csv) = common::pages::page(&app.client, &app, "/transparansi/donatur.csv").await;
        assert_eq!(s, 200);
        assert!(!csv.contains("Pelabuhan"), "{csv}");

        // `null` gives the registered name back.
        let (s, v) = app
            .put(
                &officer,
                &path,
                json!({"public_name": true, "leftover_to_pool": false, "receipt_name": null}),
            )
            .await;
        assert_eq!(
            (s, v["receipt_name"].is_null(), v["show_total"].as_bool()),
            (200, true, Some(false))
        );
    }
);

/// The messages the file sender wrote: each `.eml` file's text.
fn emls(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "eml") {
            out.push(std::fs::read_to_string(path).unwrap());
        }
    }
    out
}

/// A `multipart/mixed` e-mail read back: its text part (quoted-printable soft breaks
/// undone), its attachment's file name and its bytes (base64 decoded).
fn mime_parts(eml: &str) -> (String, String, Vec<u8>) {
    use base64::Engine;
    let eml = eml.replace("\r\n", "\n");
    assert!(eml.contains("Content-Type: multipart/mixed"), "{eml}");
    let boundary = eml
        .split("boundary=\"")
        .nth(1)
        .and_then(|b| b.split('"').next())
        .expect("a boundary");
    let (mut text, mut name, mut bytes) = (None, None, None);
    for part in eml.split(&format!("--{boundary}")).skip(1) {
        let Some((headers, body)) = part.split_once("\n\n") else {
            continue;
        };
        if headers.contains("Content-Disposition: attachment") {
            assert!(
                headers.contains("Content-Type: application/pdf"),
                "{headers}"
            );
            name = headers
                .split("filename=\"")
                .nth(1)
                .and_then(|n| n.split('"').next())
                .map(str::to_string);
            let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            bytes = Some(
                base64::engine::general_purpose::STANDARD
                    .decode(b64.trim_end_matches("--"))
                    .unwrap(),
            );
        } else if headers.contains("Content-Type: text/plain") {
            text = Some(body.replace("=\n", "").replace("=3D", "="));
        }
    }
    (
        text.expect("a text part"),
        name.expect("an attachment's name"),
        bytes.expect("an attachment"),
    )
}

fn file_senders(dir: &std::path::Path) -> lingkaran::messages::Senders {
    lingkaran::messages::Senders {
        email: lingkaran::messages::Email::Files {
            dir: dir.join("mail"),
            from: "GN Lingkaran <noreply@lingkaran.example>".parse().unwrap(),
        },
        sms: lingkaran::messages::Sms::File(dir.join("sms.jsonl")),
    }
}

both_dbs!(
    a_receipts_email_arrives_with_its_pdf_attached,
    |db| async move {
        let w = lingkaran::demo::funding_world(&db, "35.25.01", 3, 31)
            .await
            .unwrap();
        let donor = common::staff_donor(&db, "company", "PT Semen Sejahtera", w.officer).await;
        donors::set_preferences(
            &db,
            donor,
            &donors::Preferences {
                email: Some("keuangan@semen.example".into()),
                public_name: false,
                leftover_to_pool: false,
                receipt_name: None,
                show_total: true,
            },
            Actor::Cli,
            Utc::now(),
        )
        .await
        .unwrap();
        let choice = lingkaran::db::donations::Choice::Criteria {
            criteria: Default::default(),
            count: 3,
        };
        common::give_and_pay(&db, donor, w.officer, choice, 1, "KW-MAIL-1").await;
        let number = format!("KW/{}/000001", lingkaran::clock::today().year());
        let file_name = format!("kuitansi-{}.pdf", number.replace('/', "-"));

        let queued = lingkaran::usecase::receipts::queue_mails(
            &db,
            "https://lingkaran.example",
            lingkaran::report::receipt::write,
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(queued, 1);

        // The outbox's listing names the attachment and its size, never its bytes.
        let list = outbox::list(&db, None, 10).await.unwrap();
        let m = list
            .iter()
            .find(|m| m.dedupe_key.starts_with("receipt:"))
            .unwrap();
        let a = m.attachment.as_ref().expect("the PDF is attached");
        assert_eq!(a.file_name, file_name);
        assert_eq!(a.content_type, "application/pdf");
        assert!(a.size > 1_000, "{a:?}");
        let shown = serde_json::to_value(m).unwrap();
        assert_eq!(
            shown["attachment"],
            json!({ "file_name": file_name, "content_type": "application/pdf", "size": a.size })
        );
        let text = shown.to_string();
        for bytes_shown in ["%PDF", "JVBER"] {
            assert!(!text.contains(bytes_shown), "{text}");
        }
        // At rest, the PDF (the donor's name, address, NPWP) is sealed.
        let raw: Vec<u8> = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT content FROM outbox_attachments WHERE message_id = $1"
        )
        .bind(m.id)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert!(!raw.starts_with(b"%PDF"));
        assert!(!raw.windows(6).any(|w| w == b"Sejaht"));

        // Sent (as .eml files here): the text and the PDF, which is the receipt.
        let dir = tempfile::tempdir().unwrap();
        let d = lingkaran::messages::deliver_due(&db, &file_senders(dir.path()), 10)
            .await
            .unwrap();
        assert_eq!(d.sent, 1, "{d:?}");
        let mails = emls(&dir.path().join("mail"));
        assert_eq!(mails.len(), 1);
        assert!(
            mails[0].contains("To: keuangan@semen.example"),
            "{}",
            mails[0]
        );
        let (body, name, pdf) = mime_parts(&mails[0]);
        assert!(body.contains(&number), "{body}");
        assert!(body.contains("PDF kuitansi terlampir"), "{body}");
        assert!(
            body.contains("https://lingkaran.example/kuitansi/"),
            "the link stays: {body}"
        );
        assert_eq!(name, file_name);
        assert!(pdf.starts_with(b"%PDF"));
        let t = pdf_text(&pdf);
        assert!(t.contains(&number), "{t}");
        assert!(t.contains("PT Semen Sejahtera"), "{t}");
    }
);

fn principal(user_id: i64, role: Role) -> lingkaran::auth::Principal {
    lingkaran::auth::Principal {
        user_id,
        username: format!("u{user_id}"),
        full_name: "Donatur".into(),
        role,
        organisation_id: None,
        scopes: Vec::new(),
        csrf_token: None,
    }
}

/// The messages queued by "send to my e-mail" for `donor`.
async fn documents_of(db: &Db, donor: i64) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE dedupe_key LIKE $1"
    )
    .bind(format!("document:{donor}:%"))
    .fetch_one(pool)
    .await)
    .unwrap()
}

both_dbs!(
    a_donor_sends_a_receipt_to_their_own_address_once_and_20_a_day,
    |db| async move {
        use common::pages;
        use lingkaran::usecase::{documents, Ctx, Error};
        let app = TestApp::spawn(db.clone()).await;
        app.village(40, 32).await;
        let (budi, budi_id) = app.sign_up("budi", "Budi Santoso").await;
        donors::set_preferences(
            &db,
            budi_id,
            &donors::Preferences {
                email: Some("budi@contoh.example".into()),
                public_name: false,
                leftover_to_pool: false,
                receipt_name: None,
                show_total: true,
            },
            Actor::Cli,
            Utc::now(),
        )
        .await
        .unwrap();
        let (_, va, invoice, amount) = donate(&app, &budi, 3).await;
        let (s, paid) = app.pay_callback(&va, &invoice, amount, "DOKU-MAIL-2").await;
        assert_eq!(s, 200, "{paid}");
        let payment = paid["payment_id"].as_i64().unwrap();

        // "Kirim ke e-mail" beside the receipt on /akun, clicked twice: queued once.
        let http = pages::signed_in(&app, "budi", "rahasia-sekali").await;
        let (s, html) = pages::page(&http, &app, "/akun").await;
        assert_eq!(s, 200);
        let action = format!("/kuitansi/{payment}/kirim");
        assert!(html.contains(&format!(r#"action="{action}""#)), "{html}");
        assert!(html.contains("Kirim ke e-mail"), "{html}");
        let csrf = pages::csrf_field(&html);
        let (s, _, first) = pages::post(&http, &app, &action, &[("csrf", &csrf)]).await;
        assert_eq!(s, 200, "{first}");
        assert!(first.contains("akan dikirim ke"), "{first}");
        assert!(first.contains("b***@contoh.example"), "{first}");
        let (s, _, second) = pages::post(&http, &app, &action, &[("csrf", &csrf)]).await;
        assert_eq!(s, 200, "{second}");
        assert!(second.contains("sudah dikirim"), "{second}");
        assert_eq!(
            documents_of(&db, budi_id).await,
            1,
            "a double click queues once"
        );
        // Without the form's CSRF field: refused, nothing queued.
        let (s, _, _) = pages::post(&http, &app, &action, &[]).await;
        assert_eq!(s, 403);

        // The API answers the same message (the same receipt, the same day).
        let path = format!("/api/v1/payments/{payment}/receipt/email");
        let (s, v) = app.post(&budi, &path, json!({})).await;
        assert_eq!(s, 202, "{v}");
        assert_eq!(v["queued"], false, "{v}");
        assert_eq!(v["to"], "b***@contoh.example");
        let outbox_id = v["outbox_id"].as_i64().unwrap();
        assert_eq!(documents_of(&db, budi_id).await, 1);

        // The admin's outbox list shows the attachment's name and size, not its bytes.
        let admin = app.user("admin", Role::Admin, None, &[]).await;
        let r = app
            .client
            .get(app.url("/api/v1/outbox"))
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap();
        let (s, list) = common::checked("GET", "/api/v1/outbox", r).await;
        assert_eq!(s, 200, "{list}");
        let item = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == outbox_id)
            .unwrap();
        assert_eq!(item["recipient"], "budi@contoh.example", "its own address");
        let year = lingkaran::clock::today().year();
        assert_eq!(
            item["attachment"]["file_name"],
            format!("kuitansi-KW-{year}-000001.pdf")
        );
        assert!(item["attachment"]["size"].as_i64().unwrap() > 1_000);
        assert!(!list.to_string().contains("JVBER"), "no bytes listed");

        // Another donor cannot send Budi's receipt anywhere: not found.
        let (ani, ani_id) = app.sign_up("ani", "Ani Wijaya").await;
        let (s, v) = app.post(&ani, &path, json!({})).await;
        assert_eq!(s, 404, "{v}");
        let ani_http = pages::signed_in(&app, "ani", "rahasia-sekali").await;
        let (_, ani_html) = pages::page(&ani_http, &app, "/akun").await;
        let ani_csrf = pages::csrf_field(&ani_html);
        let (s, _, _) = pages::post(&ani_http, &app, &action, &[("csrf", &ani_csrf)]).await;
        assert_eq!(s, 404);
        assert_eq!(documents_of(&db, budi_id).await, 1);
        // Ani's own receipt, but Ani keeps no e-mail address: told so.
        let ani_payment = common::to_credit(&db, ani_id, "SETOR-ANI", 100_000).await;
        let (s, v) = app
            .post(
                &ani,
                &format!("/api/v1/payments/{ani_payment}/receipt/email"),
                json!({}),
            )
            .await;
        assert_eq!(s, 409, "{v}");
        assert_eq!(v["errors"][0]["code"], "no_email");

        // 20 documents a day: 19 more (a statement, say), then the 21st is refused.
        let who = principal(budi.id, Role::Donor);
        let clock = lingkaran::clock::SystemClock;
        let ctx = Ctx::new(&db, &who, &clock);
        for i in 0..19 {
            let m = documents::mail_to_donor(
                ctx,
                budi_id,
                "Laporan donasi",
                "Terlampir.",
                &format!("laporan-{i}.pdf"),
                "application/pdf",
                format!("%PDF-1.4 laporan {i}").into_bytes(),
            )
            .await
            .unwrap();
            assert!(m.queued);
        }
        assert_eq!(documents_of(&db, budi_id).await, 20);
        let second = common::to_credit(&db, budi_id, "SETOR-BUDI", 250_000).await;
        let r = app
            .client
            .post(app.url(&format!("/api/v1/payments/{second}/receipt/email")))
            .bearer_auth(&budi.token)
            .send()
            .await
            .unwrap();
        assert!(r.headers().contains_key("retry-after"));
        let (s, v) = common::checked("POST", "/api/v1/payments/{id}/receipt/email", r).await;
        assert_eq!(s, 429, "{v}");
        assert_eq!(v["errors"][0]["code"], "too_many_mails");
        assert_eq!(
            v["errors"][0]["detail"],
            "Paling banyak 20 dokumen sehari dikirim ke e-mail donatur. Coba lagi besok, atau unduh dokumennya dari halaman akun."
        );
        assert!(v["errors"][0]["detail_en"]
            .as_str()
            .unwrap()
            .starts_with("At most 20 documents a day"));
        assert_eq!(documents_of(&db, budi_id).await, 20);
        // What was queued already is still answered (a late double click).
        let (s, v) = app.post(&budi, &path, json!({})).await;
        assert_eq!((s, v["outbox_id"].as_i64()), (202, Some(outbox_id)), "{v}");

        // An attachment over 5 MB is refused before anything is queued …
        let big = documents::mail_to_donor(
            ctx,
            budi_id,
            "Laporan",
            "Terlampir.",
            "besar.pdf",
            "application/pdf",
            vec![b'%'; lingkaran_domain::attachment::MAX_BYTES + 1],
        )
        .await;
        match big {
            Err(Error::Invalid(p)) => assert_eq!(p[0].code, "attachment_too_large"),
            other => panic!("{other:?}"),
        }
        // … and the store refuses one too.
        let plain = outbox::enqueue(
            &db,
            &outbox::NewMessage {
                dedupe_key: "test:plain".into(),
                channel: "email",
                recipient: "budi@contoh.example".into(),
                subject: None,
                body: "x".into(),
                attachment: None,
            },
            Utc::now(),
        )
        .await
        .unwrap();
        assert!(plain);
        let id: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
            "SELECT id FROM outbox WHERE dedupe_key = 'test:plain'"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        let insert = |size: i64| {
            let db = db.clone();
            async move {
                lingkaran::on_db!(&db, |pool| {
                    sqlx::query(
                    "INSERT INTO outbox_attachments (message_id, file_name, content_type, size, content)
                     VALUES ($1, 'a.pdf', 'application/pdf', $2, $3)"
                )
                .bind(id)
                .bind(size)
                .bind(vec![1u8])
                .execute(pool)
                .await
                .map(|_| ())
                })
            }
        };
        assert!(insert(5 * 1024 * 1024 + 1).await.is_err(), "over 5 MB");
        insert(5 * 1024 * 1024).await.unwrap();
    }
);
