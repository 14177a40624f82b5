//! The donor and payment pages over plain HTTP (no browser), on SQLite and PostgreSQL:
//! sign-up, the donate form's errors, who may open what, and the officer's statement queue.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, PASSWORD};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::Db;
use lingkaran_domain::rates::Month;

/// A browser-like client: keeps cookies, does not follow redirects (so they can be checked).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `csrf` field of the first form on a page.
fn csrf_field(html: &str) -> String {
    let key = r#"name="csrf" value=""#;
    let start = html.find(key).expect("a csrf field") + key.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn page(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post_form(
    http: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    http.post(app.url(path)).form(form).send().await.unwrap()
}

/// Signs up at `/daftar` in a fresh client; returns the client, signed in.
async fn sign_up(app: &TestApp, username: &str, name: &str) -> reqwest::Client {
    let http = client();
    let (status, html) = page(&http, app, "/daftar").await;
    assert_eq!(status, 200);
    let token = csrf_field(&html);
    let r = post_form(
        &http,
        app,
        "/daftar",
        &[
            ("csrf", &token),
            ("username", username),
            ("full_name", name),
            ("password", "rahasia-sekali"),
            ("password2", "rahasia-sekali"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(r.headers()["location"], "/donasi/baru");
    http
}

/// The session's token, read from a page with a form.
async fn csrf_of(http: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let (status, html) = page(http, app, path).await;
    assert_eq!(status, 200, "{html}");
    csrf_field(&html)
}

fn first_month() -> String {
    Month::first_payable(lingkaran::clock::today()).to_string()
}

/// Donates through `/donasi/baru` and returns the new donation's id.
async fn donate(http: &reqwest::Client, app: &TestApp, region: &str, count: &str) -> i64 {
    let csrf = csrf_of(http, app, "/donasi/baru").await;
    let start = first_month();
    let r = post_form(
        http,
        app,
        "/donasi/baru",
        &[
            ("csrf", &csrf),
            ("mode", "criteria"),
            ("region", region),
            ("occupation", ""),
            ("count", count),
            ("months", "3"),
            ("start", &start),
            ("action", "donate"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/donasi/") && to.contains("baru=1"), "{to}");
    to.trim_start_matches("/donasi/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn seed_workers(app: &TestApp, n: usize) {
    let org = app.org("Pemerintah Desa Sawo", "35.25.01.2001").await;
    let proposer = app.user("juru.tulis", Role::Proposer, Some(org), &[]).await;
    let officer = app.user("petugas", Role::Officer, None, &["35.25"]).await;
    lingkaran::demo::verified_workers(&app.db, (proposer.id, org), officer.id, "35.25.01", n, 3)
        .await
        .unwrap();
}

/// A taken username and differing passwords are refused in Indonesian (English on request),
/// and the form keeps what was typed.
async fn sign_up_refusals(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    let _siti = sign_up(&app, "siti", "Siti Rahayu").await;

    let http = client();
    let (_, html) = page(&http, &app, "/daftar").await;
    let token = csrf_field(&html);
    let form = |username: &'static str, again: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("username", username.to_string()),
            ("full_name", "Siti Lain".to_string()),
            ("password", "rahasia-sekali".to_string()),
            ("password2", again.to_string()),
        ]
    };
    let r = http
        .post(app.url("/daftar"))
        .form(&form("Siti", "rahasia-sekali"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(body.contains("Nama pengguna siti sudah dipakai."), "{body}");
    assert!(body.contains(r#"value="Siti Lain""#), "the name is kept");
    assert!(
        !body.contains("rahasia-sekali"),
        "a password is never sent back"
    );

    let r = http
        .post(app.url("/daftar?lang=en"))
        .form(&form("siti", "rahasia-sekali"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Username siti is already taken."));

    let r = http
        .post(app.url("/daftar?lang=id"))
        .form(&form("budi", "lain-lagi-ya"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Kedua kata sandi tidak sama"));

    // Without the form's own token: refused, nobody created.
    let r = client()
        .post(app.url("/daftar"))
        .form(&[
            ("username", "budi"),
            ("full_name", "Budi"),
            ("password", "rahasia-sekali"),
            ("password2", "rahasia-sekali"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!lingkaran::db::users::username_taken(&db, "budi")
        .await
        .unwrap());
}

both_dbs!(sign_up_is_refused_in_indonesian, sign_up_refusals);

/// Months 13: the API's message, in Indonesian, and the form again with what was typed.
async fn donate_form_errors(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    let http = sign_up(&app, "ani", "Ani Wijaya").await;
    let (status, html) = page(&http, &app, "/donasi/baru").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="tinjau""#) && html.contains("Tinjau"));
    assert!(
        !html.contains(r#"id="donasikan""#),
        "nothing is held before the review"
    );
    let month = Month::first_payable(lingkaran::clock::today());
    let label = lingkaran::web::money::month_label(month, lingkaran::web::i18n::Lang::Id);
    assert!(html.contains(&label), "the start month reads {label}");
    assert!(html.contains(r#"value="35.25""#), "Gresik suggested");
    let csrf = csrf_field(&html);
    let start = first_month();
    let form = [
        ("csrf", csrf.as_str()),
        ("mode", "criteria"),
        ("region", "35.25.01"),
        ("count", "7"),
        ("months", "13"),
        ("start", start.as_str()),
        ("action", "donate"),
    ];
    let r = post_form(&http, &app, "/donasi/baru", &form).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Lama pendanaan 1 sampai 12 bulan, bukan 13."),
        "{body}"
    );
    assert!(body.contains(r#"id="galat-donasi""#));
    assert!(body.contains(r#"id="form-donasi""#), "the form again");
    assert!(body.contains(r#"value="35.25.01""#) && body.contains(r#"value="7""#));
    assert!(lingkaran::db::donations::list(&db, None, 10)
        .await
        .unwrap()
        .is_empty());

    // In English, the API's English message.
    let r = post_form(&http, &app, "/donasi/baru?lang=en", &form).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("A donation lasts 1 to 12 months, not 13."));

    // An unknown region, and no workers at all: the API's words again, never a 500.
    let mut form2 = form;
    form2[2] = ("region", "99.99");
    form2[4] = ("months", "6");
    let r = post_form(&http, &app, "/donasi/baru?lang=id", &form2).await;
    assert_eq!(r.status(), 422);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("Wilayah &quot;99.99&quot; tidak dikenal: tulis namanya"),
        "{text}"
    );

    // The review with no workers registered: the same words as donating.
    let mut review = form;
    review[4] = ("months", "6");
    review[6] = ("action", "review");
    let r = post_form(&http, &app, "/donasi/baru", &review).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Tidak ada pekerja terverifikasi"));

    // Without the session's token: refused.
    let r = post_form(
        &http,
        &app,
        "/donasi/baru",
        &[("mode", "criteria"), ("count", "1"), ("months", "1")],
    )
    .await;
    assert_eq!(r.status(), 403);
}

both_dbs!(donate_form_shows_the_api_errors, donate_form_errors);

/// A donor sees only their own donations; pages of other roles are refused.
async fn who_may_open_what(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    seed_workers(&app, 120).await;
    let ani = sign_up(&app, "ani", "Ani Wijaya").await;
    let budi = sign_up(&app, "budi", "Budi Santoso").await;
    let id = donate(&budi, &app, "35.25.01", "3").await;

    let (status, html) = page(&budi, &app, &format!("/donasi/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Menunggu pembayaran"), "{html}");
    assert!(html.contains(r#"id="nomor-va""#));
    assert!(
        html.contains("/bayar-kredit"),
        "a held donation can be paid from credit"
    );
    let (status, html) = page(&budi, &app, "/donasi").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/donasi/{id}")));

    // Another donor: not found, as if it did not exist; not in their list either.
    let (status, html) = page(&ani, &app, &format!("/donasi/{id}")).await;
    assert_eq!(status, 404);
    assert!(html.contains("Tidak ditemukan"), "{html}");
    let (_, html) = page(&ani, &app, "/donasi").await;
    assert!(!html.contains(&format!("/donasi/{id}\"")));
    // Ani's own donation of 110 workers: 100 to a page.
    let own = donate(&ani, &app, "35.25.01", "110").await;
    let (status, html) = page(&ani, &app, &format!("/donasi/{own}")).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches(r#"<tr id="pekerja-"#).count(), 100);
    assert!(html.contains(&format!(r#"href="/donasi/{own}?page=2#pekerja""#)));
    let (_, html) = page(&ani, &app, &format!("/donasi/{own}?page=2")).await;
    assert_eq!(html.matches(r#"<tr id="pekerja-"#).count(), 10);
    assert!(html.contains(" •••• •••• ••••"), "masked NIKs");
    let (status, _) = page(&ani, &app, "/donasi/99999").await;
    assert_eq!(status, 404);
    let (status, _) = page(&ani, &app, "/donasi/bukan-angka").await;
    assert_eq!(status, 404);
    let csrf = csrf_of(&ani, &app, "/donasi/baru").await;
    let r = post_form(
        &ani,
        &app,
        &format!("/donasi/{id}/bayar-kredit"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 404, "nor pay it");

    // A donor has no officer pages.
    for path in ["/mutasi", "/mutasi/belum-cocok", "/pembayaran/manual"] {
        let (status, html) = page(&ani, &app, path).await;
        assert_eq!(status, 403, "{path}");
        assert!(html.contains("Tidak diizinkan"), "{path}: {html}");
    }
    let r = post_form(&ani, &app, "/mutasi/baris/1", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 403);

    // Paying a held donation from credit without enough credit: the API's message.
    let csrf = csrf_of(&budi, &app, "/donasi/baru").await;
    let r = post_form(
        &budi,
        &app,
        &format!("/donasi/{id}/bayar-kredit"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Saldo kredit Rp 0 belum cukup"));

    // Nobody signed in: to the sign-in page.
    let (status, _) = page(&client(), &app, &format!("/donasi/{id}")).await;
    assert_eq!(status, 303);
}

both_dbs!(donors_see_only_their_own, who_may_open_what);

/// The officer's pages: a statement upload without a file, a line ignored without a note,
/// and a manual payment with its receipt.
async fn officer_pages(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    seed_workers(&app, 5).await;
    let budi = sign_up(&app, "budi", "Budi Santoso").await;
    let id = donate(&budi, &app, "35.25.01", "2").await;
    let invoice = lingkaran::db::donations::invoice_of(&db, id)
        .await
        .unwrap()
        .unwrap();

    let http = client();
    let (_, html) = page(&http, &app, "/masuk").await;
    let token = csrf_field(&html);
    let r = post_form(
        &http,
        &app,
        "/masuk",
        &[
            ("csrf", &token),
            ("username", "petugas"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let csrf = csrf_of(&http, &app, "/mutasi").await;

    // A statement with one unknown credit.
    let today = lingkaran::clock::today().format("%d/%m/%Y").to_string();
    let csv = format!("tanggal;keterangan;referensi;jumlah\n{today};BUNGA JASA GIRO;;12.345,00\n");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("account", "1230004567890")
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("mutasi.csv"),
        );
    let r = http
        .post(app.url("/mutasi"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains(r#"id="jumlah-belum-cocok">1<"#), "{body}");

    // No file: the form again, saying so.
    let r = http
        .post(app.url("/mutasi"))
        .multipart(reqwest::multipart::Form::new().text("csrf", csrf.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Pilih berkas mutasi"));

    let line = lingkaran::db::statements::unmatched(&db, 10)
        .await
        .unwrap()
        .remove(0);
    let (status, html) = page(&http, &app, "/mutasi/belum-cocok").await;
    assert_eq!(status, 200);
    assert!(html.contains("BUNGA JASA GIRO") && html.contains("Rp 12.345"));
    // Ignoring without a note is refused with the API's message, and the line stays.
    let path = format!("/mutasi/baris/{}", line.id);
    let r = post_form(
        &http,
        &app,
        &path,
        &[("csrf", &csrf), ("action", "ignore"), ("note", " ")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Tulis alasan baris ini bukan donasi"));
    let r = post_form(
        &http,
        &app,
        &path,
        &[("csrf", &csrf), ("action", "assign"), ("donor_id", "abc")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &http,
        &app,
        &path,
        &[
            ("csrf", &csrf),
            ("action", "ignore"),
            ("note", "Bunga bank"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(lingkaran::db::statements::unmatched(&db, 10)
        .await
        .unwrap()
        .is_empty());

    // A manual payment without evidence is refused; with it, the invoice is paid and the
    // receipt shows.
    let manual = |evidence: bool| {
        let f = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("invoice_number", invoice.number.to_lowercase())
            .text("amount", lingkaran_domain::format::rupiah(invoice.amount))
            .text(
                "paid_on",
                lingkaran::clock::today().format("%Y-%m-%d").to_string(),
            )
            .text("reference", "KW-CABANG-0001")
            .text("note", "Setoran tunai di kantor cabang");
        if evidence {
            f.part(
                "evidence",
                reqwest::multipart::Part::bytes(b"%PDF-1.4 bukti".to_vec()).file_name("bukti.pdf"),
            )
        } else {
            f
        }
    };
    let r = http
        .post(app.url("/pembayaran/manual"))
        .multipart(manual(false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Lampirkan bukti pembayaran"), "{body}");
    assert!(
        body.contains("KW-CABANG-0001"),
        "the form keeps what was typed"
    );
    let r = http
        .post(app.url("/pembayaran/manual"))
        .multipart(manual(true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let receipt = r.headers()["location"].to_str().unwrap().to_string();
    assert!(receipt.starts_with("/kuitansi/") && receipt.ends_with("?baru=1"));
    let (status, html) = page(&http, &app, &receipt).await;
    assert_eq!(status, 200);
    assert!(html.contains("Budi Santoso") && html.contains(&invoice.number));
    let d = lingkaran::db::donations::get(&db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status.code(), "funded");

    // The donor sees the payment and its receipt on their account; the same entry again is
    // not booked twice.
    let (status, html) = page(&budi, &app, "/akun").await;
    assert_eq!(status, 200);
    let pay = receipt
        .trim_start_matches("/kuitansi/")
        .split('?')
        .next()
        .unwrap();
    assert!(html.contains(&format!("/kuitansi/{pay}")), "{html}");
    let (status, html) = page(&budi, &app, &format!("/kuitansi/{pay}")).await;
    assert_eq!(status, 200);
    // Numbered in the payment's year (`KW/2026/000001`).
    let year = chrono::Datelike::year(&lingkaran::clock::today());
    assert!(html.contains(&format!("KW/{year}/")), "{html}");
    assert!(html.contains(&lingkaran_domain::format::rupiah(invoice.amount)));
    let r = http
        .post(app.url("/pembayaran/manual"))
        .multipart(manual(true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("?sudah=1"));

    // A transfer nobody can place; the officer books it to Budi's invoice, already paid: the
    // page says whose credit the money becomes and asks for a confirmation first.
    let today = lingkaran::clock::today().format("%d/%m/%Y").to_string();
    let csv =
        format!("tanggal;keterangan;referensi;jumlah\n{today};TRF DR B SANTOSO;FT-BS-9;16.800\n");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("mutasi-2.csv"),
        );
    let r = http
        .post(app.url("/mutasi"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(
        body.contains("satu-satunya rekening yang dikenal"),
        "the account assumed is said: {body}"
    );
    let line = lingkaran::db::statements::unmatched(&db, 10)
        .await
        .unwrap()
        .remove(0);
    let path = format!("/mutasi/baris/{}", line.id);
    let assign = [
        ("csrf", csrf.as_str()),
        ("action", "assign"),
        ("invoice_number", invoice.number.as_str()),
    ];
    let r = post_form(&http, &app, &path, &assign).await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Rp 16.800 akan menjadi saldo Budi Santoso"),
        "{body}"
    );
    assert!(
        body.contains(&format!(r#"id="konfirmasi-{}""#, line.id)),
        "{body}"
    );
    let mut confirmed = assign.to_vec();
    confirmed.push(("confirm_overpayment", "1"));
    let r = post_form(&http, &app, &path, &confirmed).await;
    assert_eq!(r.status(), 303);
    let credit = lingkaran::db::payments::credit_of(&db, line_donor(&db, &invoice.number).await)
        .await
        .unwrap();
    assert_eq!(credit, 16_800);

    // A manual entry to the same paid invoice asks the same question, naming Budi, and
    // books only once the officer ticks the confirmation (attaching the evidence again).
    let extra = |confirm: bool| {
        let f = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("invoice_number", invoice.number.clone())
            .text("amount", "5.000")
            .text(
                "paid_on",
                lingkaran::clock::today().format("%Y-%m-%d").to_string(),
            )
            .text("reference", "KW-CABANG-0002")
            .part(
                "evidence",
                reqwest::multipart::Part::bytes(b"%PDF-1.4 bukti".to_vec()).file_name("bukti.pdf"),
            );
        if confirm {
            f.text("confirm_overpayment", "1")
        } else {
            f
        }
    };
    let r = http
        .post(app.url("/pembayaran/manual"))
        .multipart(extra(false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Rp 5.000 akan menjadi saldo Budi Santoso"),
        "{body}"
    );
    assert!(
        body.contains(r#"id="konfirmasi-manual""#)
            && body
                .contains(r#"type="checkbox" id="confirm_overpayment" name="confirm_overpayment""#),
        "{body}"
    );
    assert!(
        body.contains("KW-CABANG-0002"),
        "the form keeps what was typed"
    );
    let donor = line_donor(&db, &invoice.number).await;
    let credit = lingkaran::db::payments::credit_of(&db, donor)
        .await
        .unwrap();
    assert_eq!(credit, 16_800, "nothing booked before the confirmation");
    let r = http
        .post(app.url("/pembayaran/manual"))
        .multipart(extra(true))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("?baru=1"));
    let credit = lingkaran::db::payments::credit_of(&db, donor)
        .await
        .unwrap();
    assert_eq!(credit, 21_800);

    // Budi extends his paid donation by two months: the same two workers, held again.
    let csrf_budi = csrf_of(&budi, &app, &format!("/donasi/{id}")).await;
    let (_, html) = page(&budi, &app, &format!("/donasi/{id}")).await;
    assert!(html.contains("Terbayar") && html.contains("/perpanjang"));
    let r = post_form(
        &budi,
        &app,
        &format!("/donasi/{id}/perpanjang"),
        &[("csrf", &csrf_budi), ("months", "2"), ("start", "")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.contains(&format!("dari={id}")), "{to}");
    let (status, html) = page(&budi, &app, &to).await;
    assert_eq!(status, 200);
    assert!(html.contains("Perpanjangan tercatat") && html.contains("Menunggu pembayaran"));
    assert_eq!(html.matches(r#"<tr id="pekerja-"#).count(), 2);
    // A held donation cannot be extended: the API's message on the page.
    let new: i64 = to
        .trim_start_matches("/donasi/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let r = post_form(
        &budi,
        &app,
        &format!("/donasi/{new}/perpanjang"),
        &[("csrf", &csrf_budi), ("months", "2")],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Hanya donasi yang sudah terbayar yang dapat diperpanjang."));

    let report = lingkaran::db::ledger::check(&db).await.unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

both_dbs!(officer_statement_and_manual_pages, officer_pages);

/// A donor uploads a list of NIKs (as the insurer or a village sends it: a header, quotes,
/// more columns) and funds exactly those workers; a list with a bad line is refused naming
/// the line, and nothing is held.
async fn uploaded_nik_list(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    seed_workers(&app, 20).await;
    let http = sign_up(&app, "pemberi", "Pemberi Daftar").await;
    // An officer has verified the donor: named donations are open to it (docs/privacy.md).
    lingkaran::on_db!(&db, |pool| {
        sqlx::query(
        "UPDATE donors SET verified_by = created_by, verified_at = created_at WHERE name = 'Pemberi Daftar'"
    )
    .execute(pool)
    .await
    .map(|_| ())
    .unwrap()
    });
    let ids: Vec<i64> = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT id FROM workers WHERE status = 'verified' ORDER BY id LIMIT 3"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    let mut niks = Vec::new();
    for id in ids {
        niks.push(
            lingkaran::db::workers::get(&db, id)
                .await
                .unwrap()
                .unwrap()
                .nik,
        );
    }
    let send = |file: String| {
        let http = &http;
        let app = &app;
        async move {
            let csrf = csrf_of(http, app, "/donasi/baru").await;
            let form = reqwest::multipart::Form::new()
                .text("csrf", csrf)
                .text("mode", "named")
                .text("niks", "")
                .text("months", "2")
                .text("start", first_month())
                .text("action", "donate")
                .part(
                    "daftar_nik",
                    reqwest::multipart::Part::bytes(file.into_bytes()).file_name("daftar.csv"),
                );
            http.post(app.url("/donasi/baru"))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    // A bad line: refused, naming the file and the line; nothing held.
    let bad = format!("nik,nama\n\"{}\",Siti\n12345,Budi\n", niks[0]);
    let r = send(bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Berkas daftar.csv, baris 3"), "{html}");
    let held: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM worker_months"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert_eq!(held, 0);
    // The good list: exactly those three workers, two months each.
    let good = format!("nik,nama\n\"{}\",A\n{};B\n{}\n", niks[0], niks[1], niks[2]);
    let r = send(good).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = to
        .trim_start_matches("/donasi/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let chosen = lingkaran::db::donations::workers_of(&db, id, 10, 0)
        .await
        .unwrap();
    let mut got: Vec<String> = chosen.into_iter().map(|w| w.nik).collect();
    got.sort();
    niks.sort();
    assert_eq!(got, niks);
}

both_dbs!(a_donor_funds_an_uploaded_list_of_niks, uploaded_nik_list);

/// A donor sets where reminders go, whether workers may see their name, and where a stopped
/// month's money goes, at `/akun`.
async fn donor_preferences(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    let http = sign_up(&app, "rina", "Rina Wulandari").await;
    let (status, html) = page(&http, &app, "/akun").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"preferensi\""), "{html}");
    let donor: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM donors WHERE name = 'Rina Wulandari'"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    let csrf = csrf_field(&html);
    let donor_text = donor.to_string();
    // An address that is not one: refused, nothing saved.
    let r = post_form(
        &http,
        &app,
        "/akun/preferensi",
        &[
            ("csrf", &csrf),
            ("donor", &donor_text),
            ("email", "rina-at-mail"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post_form(
        &http,
        &app,
        "/akun/preferensi",
        &[
            ("csrf", &csrf),
            ("donor", &donor_text),
            ("email", "rina@mail.example"),
            ("leftover_to_pool", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/akun?msg=preferensi");
    let p = lingkaran::db::donors::preferences(&db, donor)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.email.as_deref(), Some("rina@mail.example"));
    assert!(p.leftover_to_pool && !p.public_name, "{p:?}");
    let (_, html) = page(&http, &app, "/akun?msg=preferensi").await;
    assert!(html.contains("Pengaturan tersimpan"), "{html}");
    // Another donor's preferences are not theirs to set.
    let other = sign_up(&app, "dedi", "Dedi Kurniawan").await;
    let csrf2 = csrf_of(&other, &app, "/akun").await;
    let r = post_form(
        &other,
        &app,
        "/akun/preferensi",
        &[
            ("csrf", &csrf2),
            ("donor", &donor_text),
            ("email", "x@mail.example"),
        ],
    )
    .await;
    assert_eq!(r.status(), 404);
}
both_dbs!(a_donor_sets_preferences, donor_preferences);

/// The donor of an invoice.
async fn line_donor(db: &Db, number: &str) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT donor_id FROM invoices WHERE number = $1"
    )
    .bind(number)
    .fetch_one(pool)
    .await
    .unwrap())
}

/// The review shows the exact price of the workers who would be chosen (their incomes vary,
/// so the lowest-income estimate was wrong), holds nothing, and the invoice then asks that
/// very amount; a held donation is cancelled from its page and its workers are free again.
async fn review_then_hold_then_cancel(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    seed_workers(&app, 40).await;
    let http = sign_up(&app, "ani", "Ani Wijaya").await;
    let csrf = csrf_of(&http, &app, "/donasi/baru").await;
    let start = first_month();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("mode", "criteria"),
        ("region", "35.25.01"),
        ("occupation", ""),
        ("count", "12"),
        ("months", "6"),
        ("start", start.as_str()),
        ("action", "review"),
    ];
    let r = post_form(&http, &app, "/donasi/baru", &form).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="tinjauan""#), "{html}");
    assert!(html.contains("Tahan &amp; buat tagihan") && html.contains(r#"id="donasikan""#));
    let shown = html
        .split(r#"id="tinjauan-jumlah">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_string();
    // Nothing is held by the review.
    assert!(lingkaran::db::donations::list(&db, None, 10)
        .await
        .unwrap()
        .is_empty());
    let held: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM worker_months"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(held, 0);

    form[7] = ("action", "donate");
    let r = post_form(&http, &app, "/donasi/baru", &form).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = to
        .trim_start_matches("/donasi/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let inv = lingkaran::db::donations::invoice_of(&db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        shown,
        lingkaran_domain::format::rupiah(inv.amount),
        "the review's price is the invoice's"
    );
    assert!(
        inv.amount > 12 * 6 * 16_800,
        "incomes above the minimum cost more"
    );

    // The donation page offers to cancel it; cancelling releases the workers.
    let (status, html) = page(&http, &app, &format!("/donasi/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"action="/donasi/{id}/batal""#)));
    let csrf = csrf_field(&html);
    let r = post_form(
        &http,
        &app,
        &format!("/donasi/{id}/batal"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&http, &app, &format!("/donasi/{id}?msg=batal")).await;
    assert!(html.contains("Donasi dibatalkan"), "{html}");
    assert!(!html.contains(r#"id="batalkan-donasi""#));
    let held: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM worker_months"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(held, 0, "its months were given back");
    // Cancelling again is refused in words on the page.
    let r = post_form(
        &http,
        &app,
        &format!("/donasi/{id}/batal"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("sudah dibatalkan"));
}

both_dbs!(
    the_donate_page_reviews_the_exact_price_and_a_held_donation_can_be_cancelled,
    review_then_hold_then_cancel
);

/// The text of the element with this id, tags stripped (`<dd id="sisa"><strong>Rp 0</strong>`
/// reads "Rp 0").
fn text_of(html: &str, id: &str) -> String {
    let key = format!(r#"id="{id}""#);
    let start = html
        .find(&key)
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    let mut depth = 1;
    let mut out = String::new();
    let mut i = 0;
    let b = rest.as_bytes();
    while i < b.len() && depth > 0 {
        if b[i] == b'<' {
            let end = i + rest[i..].find('>').unwrap();
            if b[i + 1] == b'/' {
                depth -= 1;
            } else if b[end - 1] != b'/' {
                depth += 1;
            }
            i = end + 1;
        } else {
            let next = rest[i..].find('<').map_or(rest.len(), |n| i + n);
            out.push_str(&rest[i..next]);
            i = next;
        }
    }
    out.trim().to_string()
}

/// Paying a held donation from credit settles its invoice on the page and in the API (no
/// "Lunas" next to "Sisa tagihan Rp …"), says how much the credit paid, and gives the donor a
/// receipt they can open, listed on /akun, naming the amount and the donation.
async fn paid_from_credit(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    seed_workers(&app, 5).await;
    let budi = sign_up(&app, "budi", "Budi Santoso").await;
    let id = donate(&budi, &app, "35.25.01", "3").await;
    let donation = lingkaran::db::donations::get(&db, id)
        .await
        .unwrap()
        .unwrap();
    let invoice = lingkaran::db::donations::invoice_of(&db, id)
        .await
        .unwrap()
        .unwrap();
    let amount = invoice.amount;
    assert!(amount > 0);
    let amount_text = lingkaran_domain::format::rupiah(amount);
    // An officer books Budi's transfer to his credit (no invoice named): enough and a bit.
    lingkaran::db::payments::book(
        &db,
        &lingkaran::db::payments::NewPayment {
            source: lingkaran::db::payments::Source::Manual,
            reference: "KWT-0001".into(),
            target: lingkaran::db::payments::Target::Donor(donation.donor_id),
            amount: amount + 1_000,
            paid_on: lingkaran::clock::today(),
            channel: None,
            evidence_name: Some("bukti.pdf".into()),
            evidence: Some(b"%PDF".to_vec()),
            recorded_by: Actor::System("provider"),
            note: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();

    let csrf = csrf_of(&budi, &app, &format!("/donasi/{id}")).await;
    let r = post_form(
        &budi,
        &app,
        &format!("/donasi/{id}/bayar-kredit"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());

    // The page: paid, nothing outstanding, and what the credit paid.
    let (status, html) = page(&budi, &app, &format!("/donasi/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&html, "status-tagihan"), "Lunas", "{html}");
    assert_eq!(text_of(&html, "sisa"), "Rp 0", "{html}");
    assert_eq!(
        text_of(&html, "dibayar-kredit"),
        format!("Dibayar dari saldo kredit {amount_text}"),
        "{html}"
    );

    // The API says the same.
    let r = budi
        .get(app.url(&format!("/api/v1/donations/{id}")))
        .send()
        .await
        .unwrap();
    let (status, v) = common::status_json(r).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "funded");
    assert_eq!(v["invoice"]["status"], "paid");
    assert_eq!(v["invoice"]["outstanding"], 0, "{v}");
    assert_eq!(v["invoice"]["credit_applied"], amount, "{v}");
    let number = v["invoice"]["credit_receipt"]["number"]
        .as_str()
        .unwrap_or_else(|| panic!("a receipt for the credit: {v}"))
        .to_string();
    let receipt_id = v["invoice"]["credit_receipt"]["id"].as_i64().unwrap();
    assert!(number.starts_with("KW/"), "{number}");

    // The receipt, in the API and as a printable page, names the amount and the donation.
    let r = budi
        .get(app.url(&format!("/api/v1/credit-receipts/{receipt_id}")))
        .send()
        .await
        .unwrap();
    let (status, rc) = common::status_json(r).await;
    assert_eq!(status, 200, "{rc}");
    assert_eq!(rc["receipt_number"], number.as_str());
    assert_eq!(rc["amount"], amount);
    assert_eq!(rc["donation_id"], id);
    assert_eq!(rc["invoice_number"], invoice.number.as_str());
    let (status, html) = page(&budi, &app, &format!("/kuitansi/kredit/{receipt_id}")).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(text_of(&html, "nomor-kuitansi"), number);
    assert_eq!(text_of(&html, "jumlah-kuitansi"), amount_text);
    assert!(
        text_of(&html, "untuk-donasi").contains(&format!("#{id}")),
        "{html}"
    );
    assert!(
        text_of(&html, "untuk-tagihan").contains(&invoice.number),
        "{html}"
    );

    // Listed on /akun, next to the payment receipts.
    let (status, html) = page(&budi, &app, "/akun").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!(r#"href="/kuitansi/kredit/{receipt_id}""#)),
        "{html}"
    );
    assert!(html.contains(&number));

    // Another donor cannot open it, and it is not a payment's receipt.
    let ani = sign_up(&app, "ani", "Ani Wijaya").await;
    let (status, _) = page(&ani, &app, &format!("/kuitansi/kredit/{receipt_id}")).await;
    assert_eq!(status, 404);
    let r = ani
        .get(app.url(&format!("/api/v1/credit-receipts/{receipt_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Paying again is refused, and no second receipt appears.
    let r = post_form(
        &budi,
        &app,
        &format!("/donasi/{id}/bayar-kredit"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(r.status(), 409);
    let (_, html) = page(&budi, &app, "/akun").await;
    assert_eq!(html.matches("<tr id=\"kredit-").count(), 1, "{html}");
    let report = lingkaran::db::ledger::check(&db).await.unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

both_dbs!(
    paying_from_credit_settles_the_invoice_and_gives_a_receipt,
    paid_from_credit
);
