//! The regional report for the UCJ review (issue 12 §3) over HTTP on both stores: a viewer of
//! Gresik downloads the XLSX and the PDF for the last three months, from the dashboard's
//! form and from the API; the workbook's figures are read back with calamine and the PDF's
//! text with `pdftotext` (poppler-utils); another regency's viewer is refused, and a period
//! too long or backwards is refused in words.
#![allow(clippy::unwrap_used)]

use crate::common;

use calamine::Data;
use common::documents::{column, number, pdf_layout as pdf_text, row, sheet, XLSX};
use common::{TestApp, PASSWORD};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, Criteria, NewDonation};
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::{donors, Db};
use lingkaran_domain::rates::Month;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn page(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A client signed in through `/masuk` as `username`.
async fn signed_in(app: &TestApp, username: &str) -> reqwest::Client {
    let http = client();
    let (_, html) = page(&http, app, "/masuk").await;
    let key = r#"name="csrf" value=""#;
    let start = html.find(key).unwrap() + key.len();
    let token = html[start..].split('"').next().unwrap().to_string();
    let r = http
        .post(app.url("/masuk"))
        .form(&[
            ("csrf", token.as_str()),
            ("username", username),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    http
}

/// The period of the test: this month and the two before it.
fn period() -> (Month, Month) {
    let this = Month::of(lingkaran::clock::today());
    (this.minus(2), this)
}

/// Gresik's figures (examples/angka-wilayah.csv); twelve workers in Kecamatan Dukun funded
/// for the period from the regency's APBD line; the first month remitted, and BPJS rejecting
/// one of the twelve for JKK.
async fn world(db: &Db) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/angka-wilayah.csv");
    lingkaran::usecase::figures::import(db, &file, "angka-wilayah.csv", Actor::Cli, now())
        .await
        .unwrap();
    let w = lingkaran::demo::funding_world(db, "35.25.01", 12, 61)
        .await
        .unwrap();
    let gov = donors::create(
        db,
        &donors::NewDonor {
            kind: "government",
            name: "Pemerintah Kabupaten Gresik",
            npwp: None,
            region_code: Some("35.25"),
            user_id: None,
            created_by: w.officer,
        },
        now(),
    )
    .await
    .unwrap();
    let (from, to) = period();
    let line = donors::add_budget_line(
        db,
        gov,
        "apbd",
        "5.1.02.01.01.0031",
        i64::from(to.year()),
        40_000_000,
        Actor::Cli,
        now(),
    )
    .await
    .unwrap()
    .unwrap();
    let today = lingkaran::clock::today();
    let made = donations::create(
        db,
        &NewDonation {
            donor_id: gov,
            budget_line_id: Some(line),
            choice: Choice::Criteria {
                criteria: Criteria::default(),
                count: 12,
            },
            start: from,
            months: 3,
            extends_id: None,
            created_by: w.officer,
            hold: chrono::Duration::hours(24),
            request_json: "{}".into(),
            today,
        },
        now(),
    )
    .await
    .unwrap()
    .unwrap();
    let inv = donations::invoice_of(db, made.id).await.unwrap().unwrap();
    payments::book(
        db,
        &NewPayment {
            source: Source::Callback,
            reference: "LAPORAN-1".into(),
            target: Target::Va(inv.va_number),
            amount: inv.amount,
            paid_on: today,
            channel: None,
            evidence_name: None,
            evidence: None,
            recorded_by: Actor::System("provider"),
            note: None,
        },
        now(),
    )
    .await
    .unwrap()
    .unwrap();

    // The first month goes to BPJS, which already has one of the twelve.
    let dir = tempfile::tempdir().unwrap();
    let run = lingkaran::usecase::cycle::run(db, from, dir.path(), Actor::Cli, now())
        .await
        .unwrap();
    let (_, remit, _) = run.files.iter().find(|(p, _, _)| p == "JKK").unwrap();
    let chosen = donations::workers_of(db, made.id, 12, 0).await.unwrap();
    let active = std::collections::HashSet::from([chosen[3].nik.clone()]);
    let conf = dir.path().join("konfirmasi.csv");
    assert_eq!(
        lingkaran::insurer::confirm(remit, &active, &conf).unwrap(),
        (11, 1)
    );
    let text = std::fs::read_to_string(&conf).unwrap();
    let got = lingkaran::db::cycle::import_confirmation(db, from, "JKK", &text, Actor::Cli, now())
        .await
        .unwrap();
    assert_eq!((got.accepted, got.rejected), (11, 1));

    // Claims of the period (issue 13): ten workers unable to work for a month after an
    // accident at sea, all paid by BPJS; one partial disability, filed (neither stops the
    // worker's months, so the counts above stay).
    let officer = lingkaran::auth::Principal {
        user_id: w.officer,
        username: "petugas".into(),
        full_name: "Petugas".into(),
        role: Role::Officer,
        organisation_id: None,
        scopes: vec!["35.25".into()],
        csrf_token: None,
    };
    let ctx = lingkaran::usecase::Ctx::new(db, &officer, &lingkaran::clock::SystemClock);
    let event = chrono::NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap();
    let filers: Vec<_> = chosen.iter().enumerate().filter(|(k, _)| *k != 3).collect();
    for (n, (_, c)) in filers.iter().take(11).enumerate() {
        let claim = lingkaran::usecase::claims::FileClaim {
            nik: c.nik.clone(),
            kind: if n < 10 { "jkk-stmb" } else { "jkk-partial" }.into(),
            event_date: Some(event),
            place: "Perairan Dukun".into(),
            cause: "Terjatuh dari perahu".into(),
            notifier_name: "Kepala Desa".into(),
            notifier_phone: "081234567890".into(),
            months_unable: (n < 10).then_some(1),
            body_bp: (n == 10).then_some(1_000),
            ..Default::default()
        };
        lingkaran::usecase::claims::file(ctx, &claim).await.unwrap();
    }
    lingkaran::on_db!(db, |pool| sqlx::query(
        "UPDATE claims SET stage = 'dibayar' WHERE kind = 'jkk-stmb'"
    )
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
}

/// What the ten STMB claims were paid: their estimates (no amount recorded), one month's income each.
async fn stmb_paid(db: &Db) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(SUM(estimate_total) AS BIGINT) FROM claims WHERE kind = 'jkk-stmb'"
    )
    .fetch_one(pool)
    .await)
    .unwrap()
}

/// A claims table's row for one kind (`data-kind="…"`), as HTML.
fn kind_row<'a>(html: &'a str, kind: &str) -> &'a str {
    let start = html
        .find(&format!(r#"data-kind="{kind}""#))
        .unwrap_or_else(|| panic!("no {kind} row in {html}"));
    let end = html[start..].find("</tr>").unwrap() + start;
    &html[start..end]
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn check_workbook(bytes: &[u8]) {
    let (from, to) = period();
    assert!(bytes.starts_with(b"PK"), "a zip");
    let summary = sheet(bytes, "Ringkasan");
    assert_eq!(number(&row(&summary, 0, "Penyebut")[1]), 715_619.0);
    assert_eq!(number(&row(&summary, 0, "Target (%)")[1]), 52.69);
    // The coverage beside its numerator, denominator and definition.
    let cov = row(&summary, 0, "Cakupan kepesertaan (%)");
    assert_eq!(number(&cov[1]), 40.82);
    assert_eq!(number(&cov[2]), 292_116.0);
    assert_eq!(number(&cov[3]), 715_619.0);
    assert_eq!(cov[4], Data::String("angkatan kerja".into()));
    assert_eq!(
        row(&summary, 0, "Kode wilayah")[1],
        Data::String("35.25".into())
    );
    assert_eq!(
        number(&row(&summary, 0, "Pekerja-bulan disetor ke BPJS")[1]),
        12.0
    );
    assert_eq!(
        number(&row(&summary, 0, "Ditolak BPJS (pekerja-bulan)")[1]),
        1.0
    );
    assert_eq!(
        row(&summary, 0, "Klaim")[1],
        Data::String("Dilaporkan dan dibayar".into())
    );
    let stmb = row(
        &summary,
        0,
        lingkaran_domain::benefits::Kind::JkkStmb.label("id"),
    );
    assert_eq!(stmb[1], Data::String("10 dilaporkan, 10 dibayar".into()));
    assert!(
        matches!(&stmb[2], Data::String(s) if s.starts_with("Rp ") && s != "Rp 0"),
        "{stmb:?}"
    );
    let partial = row(
        &summary,
        0,
        lingkaran_domain::benefits::Kind::JkkPartial.label("id"),
    );
    assert_eq!(
        partial[1],
        Data::String("< 10 dilaporkan, 0 dibayar".into()),
        "one claim is not published as 1"
    );

    // Three months, the rejected worker-month not counted as protection.
    let monthly = sheet(bytes, "Bulanan");
    let header = row(&monthly, 0, "Bulan").to_vec();
    let months: Vec<&Vec<Data>> = monthly
        .iter()
        .filter(|r| matches!(&r[0], Data::String(s) if Month::parse(s).is_some()))
        .collect();
    assert_eq!(months.len(), 3, "{monthly:?}");
    let first = row(&monthly, 0, &from.to_string());
    let last = row(&monthly, 0, &to.to_string());
    let donors = column(&header, "Dibiayai donatur");
    assert_eq!(number(&first[donors]), 11.0);
    assert_eq!(number(&last[donors]), 12.0);
    assert_eq!(number(&last[column(&header, "Dibiayai APBD")]), 12.0);
    assert_eq!(
        number(&first[column(&header, "Disetor ke BPJS (pekerja-bulan)")]),
        12.0
    );
    assert_eq!(number(&first[column(&header, "Diterima BPJS")]), 11.0);
    assert_eq!(number(&first[column(&header, "Ditolak BPJS")]), 1.0);
    assert_eq!(number(&last[column(&header, "Cakupan (%)")]), 40.82);
    assert_eq!(number(&last[column(&header, "Penyebut")]), 715_619.0);
    assert_eq!(number(&row(&monthly, 0, "Jumlah")[donors]), 35.0);

    // Kecamatan Dukun, with its own demo figures and the twelve workers.
    let children = sheet(bytes, "Wilayah");
    let header = row(&children, 0, "Kode wilayah").to_vec();
    let dukun = row(&children, 0, "35.25.01");
    assert_eq!(number(&dukun[column(&header, "Penyebut")]), 24_310.0);
    assert_eq!(number(&dukun[column(&header, "Dibiayai donatur")]), 12.0);
    assert!(children.len() > 10, "Gresik's districts");

    let budget = sheet(bytes, "Anggaran");
    let header = row(&budget, 0, "Donatur").to_vec();
    let line = row(&budget, 0, "Pemerintah Kabupaten Gresik");
    assert_eq!(
        number(&line[column(&header, "Pagu (Rp, penyebut)")]),
        40_000_000.0
    );
    assert!(number(&line[column(&header, "Dibayar (Rp, pembilang)")]) > 0.0);
}

both_dbs!(a_viewer_downloads_the_report, |db| async move {
    let app = TestApp::spawn(db.clone()).await;
    world(&db).await;
    let viewer = app.user("pemkab", Role::Viewer, None, &["35.25"]).await;
    let (from, to) = period();

    // From the dashboard's form.
    let http = signed_in(&app, "pemkab").await;
    let (s, html) = page(&http, &app, "/wilayah/35.25").await;
    assert_eq!(s, 200);
    assert!(html.contains("Laporan untuk rapat UCJ"), "{html}");
    assert!(html.contains(r#"action="/wilayah/35.25/laporan""#));
    // The dashboard counts the period's claims as the report does (issue 13 §3).
    let paid = lingkaran_domain::format::rupiah(stmb_paid(&db).await);
    let stmb = kind_row(&html, "jkk-stmb");
    assert!(
        stmb.contains(">10<") && stmb.contains(&paid),
        "ten filed and paid, {paid}: {stmb}"
    );
    let partial = kind_row(&html, "jkk-partial");
    assert!(
        partial.contains("&lt; 10"),
        "one is not published as 1: {partial}"
    );
    assert!(!partial.contains(">1<"), "{partial}");

    // The public page, its JSON and its CSV count them too, for the nation.
    let (s, public) = page(&app.client, &app, "/transparansi").await;
    assert_eq!(s, 200);
    let stmb = kind_row(&public, "jkk-stmb");
    assert!(stmb.contains(&paid), "{stmb}");
    assert!(kind_row(&public, "jkk-partial").contains("&lt; 10"));
    let json: serde_json::Value = app
        .client
        .get(app.url("/transparansi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claims = json["claims"].as_array().unwrap();
    let of = |k: &str| claims.iter().find(|c| c["kind"] == k).unwrap().clone();
    assert_eq!(of("jkk-stmb")["filed"], 10);
    assert_eq!(of("jkk-stmb")["paid"], 10);
    assert_eq!(of("jkk-stmb")["paid_amount"], stmb_paid(&db).await);
    assert_eq!(of("jkk-partial")["filed"], serde_json::Value::Null);
    assert_eq!(of("jkk-partial")["paid"], 0);
    let (s, csv) = page(&app.client, &app, "/transparansi/klaim.csv").await;
    assert_eq!(s, 200);
    assert!(
        csv.starts_with("jenis_klaim,nama,dilaporkan,dibayar,jumlah_dibayar_rupiah"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "jkk-stmb,{},10,10,{}",
            lingkaran_domain::benefits::Kind::JkkStmb.label("id"),
            stmb_paid(&db).await
        )),
        "{csv}"
    );
    assert!(csv.contains(",<10,0,0"), "{csv}");
    let r = http
        .get(app.url(&format!(
            "/wilayah/35.25/laporan?dari={from}&sampai={to}&format=xlsx"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], XLSX);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"laporan-cakupan-35.25-{from}-{to}.xlsx\"").as_str()
    );
    check_workbook(&r.bytes().await.unwrap());

    let r = http
        .get(app.url(&format!(
            "/wilayah/35.25/laporan?dari={from}&sampai={to}&format=pdf"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(&format!("-{from}-{to}.pdf\"")));
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    for want in [
        "Kabupaten Gresik",
        "40,82%",
        "715.619",
        "52,69%",
        "Kecamatan",
        "Pemerintah Kabupaten Gresik",
        "Rp 40.000.000",
        "Klaim",
        "10 dilaporkan, 10 dibayar",
        "< 10 dilaporkan",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(text.contains(&paid), "{paid} in {text}");

    // The same from the API.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/regions/35.25/report?from={from}&to={to}")))
        .bearer_auth(&viewer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], XLSX);
    check_workbook(&r.bytes().await.unwrap());
    let r = app
        .client
        .get(app.url(&format!(
            "/api/v1/regions/35.25/report?from={from}&to={to}&format=pdf"
        )))
        .bearer_auth(&viewer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
    // A village has no regions below it; the nation (for an admin) has its provinces.
    let r = app
        .client
        .get(app.url("/api/v1/regions/35.25.01.2001/report?format=pdf"))
        .bearer_auth(&viewer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(pdf_text(&r.bytes().await.unwrap()).contains("(35.25.01.2001)"));
    let admin = app.user("admin", Role::Admin, None, &[]).await;
    let r = app
        .client
        .get(app.url(&format!("/api/v1/regions/0/report?from={from}&to={to}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let provinces = sheet(&bytes, "Wilayah");
    let jatim = row(&provinces, 0, "35");
    let header = row(&provinces, 0, "Kode wilayah").to_vec();
    assert_eq!(number(&jatim[column(&header, "Dibiayai donatur")]), 12.0);
    assert_eq!(number(&jatim[column(&header, "Penyebut")]), 22_500_000.0);
    let nation = sheet(&bytes, "Ringkasan");
    assert_eq!(
        number(&row(&nation, 0, "Pekerja-bulan disetor ke BPJS")[1]),
        12.0
    );
    assert_eq!(
        number(&row(&nation, 0, "Diterima BPJS (pekerja-bulan)")[1]),
        11.0
    );
    // Without months: the last full quarter.
    let r = app
        .client
        .get(app.url("/api/v1/regions/35.25/report?format=pdf"))
        .bearer_auth(&viewer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"laporan-cakupan-35.25-"));
});

both_dbs!(the_report_is_refused_in_words, |db| async move {
    let app = TestApp::spawn(db.clone()).await;
    world(&db).await;
    let viewer = app.user("pemkab", Role::Viewer, None, &["35.25"]).await;
    let other = app
        .user("pemkab-lain", Role::Viewer, None, &["35.24"])
        .await;
    let (from, to) = period();

    // Another regency's government.
    let (s, v) = app
        .get(
            &other,
            &format!("/api/v1/regions/35.25/report?from={from}&to={to}"),
        )
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let http = signed_in(&app, "pemkab-lain").await;
    let (s, _) = page(
        &http,
        &app,
        &format!("/wilayah/35.25/laporan?dari={from}&sampai={to}"),
    )
    .await;
    assert_eq!(s, 403);

    // 40 months, months the wrong way round, a month that is not one, a format.
    let long_from = to.minus(39);
    let (s, v) = app
        .get(
            &viewer,
            &format!("/api/v1/regions/35.25/report?from={long_from}&to={to}"),
        )
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (422, Some("period_too_long"))
    );
    assert!(v["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("40 bulan"));
    let (s, v) = app
        .get(
            &viewer,
            &format!("/api/v1/regions/35.25/report?from={to}&to={from}"),
        )
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (422, Some("period_reversed"))
    );
    let (s, v) = app
        .get(&viewer, "/api/v1/regions/35.25/report?from=2026-13")
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (422, Some("invalid_month"))
    );
    let (s, v) = app
        .get(&viewer, "/api/v1/regions/35.25/report?format=docx")
        .await;
    assert_eq!(
        (s, v["errors"][0]["code"].as_str()),
        (422, Some("invalid_format"))
    );
    let (s, _) = app.get(&viewer, "/api/v1/regions/99.99/report").await;
    assert_eq!(s, 403, "outside the viewer's regions, known or not");

    // The page says it in words a clerk reads.
    let http = signed_in(&app, "pemkab").await;
    let (s, html) = page(
        &http,
        &app,
        &format!("/wilayah/35.25/laporan?dari={to}&sampai={from}&format=pdf"),
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("sesudah bulan akhir"), "{html}");
    let (s, html) = page(
        &http,
        &app,
        &format!("/wilayah/35.25/laporan?dari={long_from}&sampai={to}"),
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("paling panjang 36 bulan"), "{html}");
    let (s, html) = page(&http, &app, "/wilayah/35.25/laporan?dari=Juli").await;
    assert_eq!(s, 422);
    assert!(html.contains("TTTT-BB"), "{html}");
});
