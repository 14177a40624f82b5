//! The claims pages (issue 13 §2) over plain HTTP, on SQLite and PostgreSQL, on the demo:
//! the notification form's refusals (the typed values kept), a claim filed and its page (no
//! NIK), BPJS's next stage with its refusals in words, and who may open what: a viewer and a
//! donor have no claims pages, a proposer sees its own organisation's claims only.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::TestApp;
use lingkaran::db::Db;
use lingkaran::demo::DEMO_PASSWORD;
use lingkaran::on_db;
use lingkaran_domain::rates::Month;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn csrf_field(html: &str) -> String {
    let key = r#"name="csrf" value=""#;
    let start = html.find(key).expect("a csrf field") + key.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn page(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(
    http: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let r = http.post(app.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// A demo user signed in over the sign-in form.
async fn signed_in(app: &TestApp, username: &str) -> reqwest::Client {
    let http = client();
    let (_, html) = page(&http, app, "/masuk").await;
    let csrf = csrf_field(&html);
    let (status, _, _) = post(
        &http,
        app,
        "/masuk",
        &[
            ("csrf", &csrf),
            ("username", username),
            ("password", DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 303, "{username} signs in");
    http
}

/// A worker whose JKK month BPJS confirmed before this month: (NIK, the month, income,
/// organisation).
async fn confirmed_worker(db: &Db) -> (String, i64, i64, i64) {
    let current = Month::of(lingkaran::clock::today()).yyyymm();
    let (worker, month, income, org): (i64, i64, i64, i64) = on_db!(db, |pool| sqlx::query_as(
        "SELECT c.worker_id, c.month, w.income, w.organisation_id FROM confirmations c
         JOIN workers w ON w.id = c.worker_id
         WHERE c.programme = 'JKK' AND c.status = 'accepted' AND c.month < $1
         ORDER BY c.month DESC, c.worker_id LIMIT 1"
    )
    .bind(current)
    .fetch_one(pool)
    .await)
    .unwrap();
    let sealed: Vec<u8> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT nik FROM workers WHERE id = $1"
    )
    .bind(worker)
    .fetch_one(pool)
    .await)
    .unwrap();
    let nik =
        lingkaran::db::sealed::open(db.keys(), lingkaran::privacy::Kind::Nik, &sealed).unwrap();
    (nik, month, income, org)
}

async fn proposer(db: &Db, org: i64, same: bool) -> String {
    let sql = if same {
        "SELECT username FROM users WHERE role = 'proposer' AND organisation_id = $1 ORDER BY id"
    } else {
        "SELECT username FROM users WHERE role = 'proposer' AND organisation_id <> $1 ORDER BY id"
    };
    on_db!(db, |pool| sqlx::query_scalar(sql)
        .bind(org)
        .fetch_one(pool)
        .await)
    .unwrap()
}

async fn claim_pages(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(&db, dir.path()).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    let (nik, month, income, org) = confirmed_worker(&db).await;
    let m = Month::from_yyyymm(month).unwrap();
    let event = format!("{:04}-{:02}-10", m.year(), m.month());

    let officer = signed_in(&app, "petugas").await;
    let (status, html) = page(&officer, &app, "/klaim/baru").await;
    assert_eq!(status, 200);
    assert!(html.contains("Kecelakaan kerja: meninggal dunia"), "{html}");
    let csrf = csrf_field(&html);
    let good = |kind: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("nik", nik.clone()),
            ("jenis", kind.to_string()),
            ("tanggal", event.clone()),
            ("jam", "04:30".to_string()),
            ("tempat", "Laut Jawa, 5 mil dari Ujungpangkah".to_string()),
            (
                "sebab",
                "Perahu terbalik diterjang ombak saat melaut".to_string(),
            ),
            ("pelapor", "Ahmad Fauzi".to_string()),
            ("telepon", "0812-3456-7890".to_string()),
        ]
    };

    // A percentage that is not one: the form again, saying so, with what was typed.
    let mut partial = good("jkk-partial");
    partial.push(("persen_tubuh", "empat puluh".into()));
    let form: Vec<(&str, &str)> = partial.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, html) = post(&officer, &app, "/klaim/baru", &form).await;
    assert_eq!(status, 422);
    assert!(html.contains(r#"id="galat-klaim""#), "{html}");
    assert!(html.contains("bukan persentase"), "{html}");
    assert!(html.contains("Laut Jawa, 5 mil dari Ujungpangkah"), "kept");
    assert!(html.contains(r#"value="jkk-partial" selected"#), "kept");
    // No place and a wrong phone: the use case's words, every problem at once.
    let mut empty = good("jkk-death");
    empty.retain(|(k, _)| *k != "tempat");
    for (k, v) in empty.iter_mut() {
        if *k == "telepon" {
            *v = "12".into();
        }
    }
    let form: Vec<(&str, &str)> = empty.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, html) = post(&officer, &app, "/klaim/baru", &form).await;
    assert_eq!(status, 422);
    assert!(html.contains("Tempat kejadian wajib diisi."), "{html}");
    assert!(html.matches("<li>").count() >= 2, "two problems: {html}");
    // An unknown NIK: words, not a 404 page.
    let mut stranger = good("jkk-death");
    stranger[1].1 = common::nik("352507", false, "1990-01-01", 9999);
    let form: Vec<(&str, &str)> = stranger.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, html) = post(&officer, &app, "/klaim/baru", &form).await;
    assert_eq!(status, 422);
    assert!(html.contains("Tidak ada pekerja dengan NIK ini"), "{html}");

    // Filed: to the claim's page.
    let death = good("jkk-death");
    let form: Vec<(&str, &str)> = death.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, _) = post(&officer, &app, "/klaim/baru", &form).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/klaim/"), "{location}");
    let id: i64 = location.trim_start_matches("/klaim/").parse().unwrap();
    let (status, html) = page(&officer, &app, &location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Terlindungi"), "{html}");
    let total = (48 * income).max(20_000_000) + 22_000_000;
    let shown = lingkaran_domain::format::rupiah(total);
    assert!(
        html.contains(&format!(r#"id="total-perkiraan"><strong>{shown}<"#)),
        "{shown}: {html}"
    );
    assert!(html.contains(&lingkaran_domain::format::terbilang(total)));
    assert!(!html.contains(&nik), "the claim's page shows no NIK");
    assert!(html.contains("Kabupaten Gresik"), "the village's regency");

    // BPJS's stages: a wrong amount, a skipped stage, then the next one.
    let csrf = csrf_field(&html);
    let step = format!("/klaim/{id}/tahap");
    let (status, _, html) = post(
        &officer,
        &app,
        &step,
        &[
            ("csrf", &csrf),
            ("tahap", "diajukan"),
            ("kode", "jkk.death"),
            ("jumlah", "banyak"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("bukan jumlah rupiah"), "{html}");
    let (status, _, html) = post(
        &officer,
        &app,
        &step,
        &[("csrf", &csrf), ("tahap", "agenda")],
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        html.contains("Klaim pada tahap Dilaporkan tidak dapat berpindah ke Agenda."),
        "{html}"
    );
    let (status, location, _) = post(
        &officer,
        &app,
        &step,
        &[
            ("csrf", &csrf),
            ("tahap", "diajukan"),
            ("catatan", "Berkas dikirim ke cabang Gresik"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&officer, &app, &location).await;
    assert!(
        html.contains(r#"id="tahap-sekarang">Diajukan ke BPJS<"#),
        "{html}"
    );
    assert!(html.contains("Berkas dikirim ke cabang Gresik"));
    // BPJS decides, with medical care it never estimated: shown beside the estimate and as
    // a difference for the officer.
    let death = (48 * income).max(20_000_000).to_string();
    let (status, _, _) = post(
        &officer,
        &app,
        &step,
        &[("csrf", &csrf), ("tahap", "agenda")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, html) = post(
        &officer,
        &app,
        &step,
        &[
            ("csrf", &csrf),
            ("tahap", "penetapan"),
            ("kode", "jkk.death"),
            ("jumlah", &death),
            ("kode", "jkk.funeral"),
            ("jumlah", "10.000.000"),
            ("kode", "jkk.periodic"),
            ("jumlah", "Rp 12.000.000"),
            ("kode", "jkk.medical"),
            ("jumlah", "2500000"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = page(&officer, &app, &format!("/klaim/{id}")).await;
    let differences = html
        .split(r#"id="selisih""#)
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .expect("differences shown");
    assert!(
        differences.contains("Perawatan dan pengobatan: perkiraan –, BPJS Rp 2.500.000"),
        "{differences}"
    );
    assert!(
        !differences.contains("santunan kematian"),
        "equal lines are no difference"
    );
    let decided_total = lingkaran_domain::format::rupiah(total + 2_500_000);
    assert!(
        html.contains(&format!(r#"id="total-bpjs"><strong>{decided_total}<"#)),
        "{html}"
    );
    // The officer who records the approval cannot record the payment: said in words.
    let (status, _, _) = post(
        &officer,
        &app,
        &step,
        &[("csrf", &csrf), ("tahap", "persetujuan")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, html) = post(
        &officer,
        &app,
        &step,
        &[("csrf", &csrf), ("tahap", "dibayar")],
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        html.contains("Petugas yang mencatat persetujuan tidak boleh mencatat pembayarannya"),
        "{html}"
    );
    // The queue lists it under its stage.
    let (status, html) = page(&officer, &app, "/klaim?tahap=persetujuan").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"id="klaim-{id}""#)), "{html}");
    let (_, html) = page(&officer, &app, "/klaim?tahap=diajukan").await;
    assert!(!html.contains(&format!(r#"id="klaim-{id}""#)));

    // A viewer and a donor have no claims pages.
    for who in ["pemkab.gresik", "donatur"] {
        let http = signed_in(&app, who).await;
        for path in ["/klaim".to_string(), "/klaim/baru".into(), location.clone()] {
            let (status, _) = page(&http, &app, &path).await;
            assert_eq!(status, 403, "{who} {path}");
        }
    }
    // The worker's own proposer sees the claim but records no stage; another proposer does
    // not find it at all.
    let own = signed_in(&app, &proposer(&db, org, true).await).await;
    let (status, html) = page(&own, &app, &location).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        !html.contains(r#"id="form-tahap""#),
        "a proposer records no stage"
    );
    let (_, list) = page(&own, &app, "/klaim").await;
    assert!(list.contains(&format!(r#"id="klaim-{id}""#)));
    let csrf = csrf_field(&html);
    let (status, _, _) = post(&own, &app, &step, &[("csrf", &csrf), ("tahap", "agenda")]).await;
    assert_eq!(status, 403);
    let other = signed_in(&app, &proposer(&db, org, false).await).await;
    let (status, _) = page(&other, &app, &location).await;
    assert_eq!(status, 404);
    let (_, list) = page(&other, &app, "/klaim?tahap=semua").await;
    assert!(!list.contains(&format!(r#"id="klaim-{id}""#)));
    // Nobody signed in: to the sign-in page.
    let (status, _) = page(&client(), &app, "/klaim").await;
    assert_eq!(status, 303);

    // The donor whose money paid the event month reads the news on their page (staff see it
    // there too): initials and village, never the name or the NIK.
    let (donor, name): (i64, String) = on_db!(&db, |pool| sqlx::query_as(
        "SELECT c.donor_id, w.full_name FROM claims c JOIN workers w ON w.id = c.worker_id
         WHERE c.id = $1"
    )
    .bind(id)
    .fetch_one(pool)
    .await)
    .unwrap();
    let (status, html) = page(&officer, &app, &format!("/donasi?donor={donor}")).await;
    assert_eq!(status, 200);
    let news = html
        .split(r#"id="kabar-klaim""#)
        .nth(1)
        .unwrap_or_else(|| panic!("no news section: {html}"));
    let news = &news[..news.find("</section>").unwrap()];
    let initials = lingkaran_domain::claims::initials(&name);
    assert!(news.contains(&format!("{initials} dari Desa ")), "{news}");
    assert!(news.contains("mengalami kecelakaan kerja pada"), "{news}");
    assert!(!news.contains(&name) && !news.contains(&nik), "{news}");
}

both_dbs!(claims_pages_file_show_and_step, claim_pages);

/// A multipart POST of the claim page's upload form.
async fn upload(
    http: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> (u16, String, String) {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part(
            "berkas",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    let r = http
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// The part of a page inside the element with `id`, up to the end of its section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no {id}: {html}"));
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| e + start);
    &html[start..end]
}

async fn heirs_and_documents(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(&db, dir.path()).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    let (nik, month, _, org) = confirmed_worker(&db).await;
    let m = Month::from_yyyymm(month).unwrap();
    // The worker's own proposer files the death and helps the family with the rest.
    let own = signed_in(&app, &proposer(&db, org, true).await).await;
    let (_, html) = page(&own, &app, "/klaim/baru").await;
    let csrf = csrf_field(&html);
    let event = format!("{:04}-{:02}-12", m.year(), m.month());
    let (status, location, html) = post(
        &own,
        &app,
        "/klaim/baru",
        &[
            ("csrf", &csrf),
            ("nik", &nik),
            ("jenis", "jkk-death"),
            ("tanggal", &event),
            ("tempat", "Laut Jawa"),
            ("sebab", "Perahu terbalik"),
            ("pelapor", "Ahmad Fauzi"),
            ("telepon", "081234567890"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = page(&own, &app, &location).await;
    assert!(section(&html, "ahli-waris").contains("Belum ada ahli waris"));
    assert!(
        section(&html, "dokumen").contains("akta kematian"),
        "what to bring: {html}"
    );
    let heirs = format!("{location}/ahli-waris");

    // An unknown relationship and no name: both said, the phone typed kept.
    let (status, _, html) = post(
        &own,
        &app,
        &heirs,
        &[
            ("csrf", &csrf),
            ("hubungan", "tetangga"),
            ("nama", ""),
            ("telepon", "0813 1111 2222"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    let box_ = section(&html, "ahli-waris");
    assert!(
        box_.contains("Hubungan &quot;tetangga&quot; tidak dikenal"),
        "{box_}"
    );
    assert!(box_.contains("Nama ahli waris wajib diisi."), "{box_}");
    assert!(box_.contains(r#"value="0813 1111 2222""#), "kept: {box_}");
    assert!(
        !html.contains(r#"id="galat-tahap""#) && !html.contains(r#"id="galat-dokumen""#),
        "the refusal stands by its own form"
    );
    // The mother first, then the widow: the widow's rank is entitled, listed first.
    for (rel, name) in [("ibu", "Suminah"), ("istri", "Siti Rahayu")] {
        let (status, location, html) = post(
            &own,
            &app,
            &heirs,
            &[
                ("csrf", &csrf),
                ("hubungan", rel),
                ("nama", name),
                ("telepon", "081311112222"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        assert!(location.ends_with("#ahli-waris"), "{location}");
    }
    let (_, html) = page(&own, &app, &location).await;
    let table = section(&html, "tabel-ahli-waris");
    let widow = table.find("Siti Rahayu").unwrap();
    let mother = table.find("Suminah").unwrap();
    assert!(widow < mother, "in the legal order: {table}");
    assert_eq!(table.matches("berhak").count(), 1, "{table}");
    assert!(table[..mother].contains("berhak"), "the widow is entitled");
    assert!(table.contains("Istri (janda)") && table.contains(">Ibu<"));
    let widow_id: i64 = {
        let at = table[..widow].rfind("data-heir=\"").unwrap() + "data-heir=\"".len();
        table[at..].split('"').next().unwrap().parse().unwrap()
    };

    // Documents: a page saved as .pdf is refused by its bytes; a real PDF is kept, once.
    let docs = format!("{location}/dokumen");
    let widow_field = widow_id.to_string();
    let fields = [
        ("csrf", csrf.as_str()),
        ("jenis", "akta_kematian"),
        ("ahli_waris", widow_field.as_str()),
    ];
    let (status, _, html) = upload(
        &own,
        &app,
        &docs,
        &fields,
        Some(("akta.pdf", b"<html>bukan pdf</html>".to_vec())),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        section(&html, "dokumen").contains("Berkas harus PDF, JPEG atau PNG."),
        "{html}"
    );
    assert!(
        html.contains(r#"value="akta_kematian" selected"#),
        "the kind kept"
    );
    let (status, _, html) = upload(&own, &app, &docs, &fields, None).await;
    assert_eq!(status, 422);
    assert!(html.contains("Pilih berkas yang akan diunggah"), "{html}");
    let big = [b"%PDF-1.4\n".to_vec(), vec![b'x'; 5 * 1024 * 1024]].concat();
    let (status, _, html) = upload(&own, &app, &docs, &fields, Some(("besar.pdf", big))).await;
    assert_eq!(status, 422);
    assert!(html.contains("5 MB"), "{html}");
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    for _ in 0..2 {
        let (status, location, html) = upload(
            &own,
            &app,
            &docs,
            &fields,
            Some(("Akta Kematian \"Pak\".pdf", pdf.clone())),
        )
        .await;
        assert_eq!(status, 303, "{html}");
        assert!(location.ends_with("#dokumen"));
    }
    // No token: refused before the file is read.
    let (status, _, _) = upload(
        &own,
        &app,
        &docs,
        &[("jenis", "kk")],
        Some(("kk.pdf", pdf.clone())),
    )
    .await;
    assert_eq!(status, 403);
    let (_, html) = page(&own, &app, &location).await;
    let table = section(&html, "tabel-dokumen");
    assert_eq!(
        table.matches("data-document=").count(),
        1,
        "kept once: {table}"
    );
    assert!(
        table.contains("Akta kematian") && table.contains("Siti Rahayu"),
        "{table}"
    );
    assert!(
        section(&html, "tabel-ahli-waris").contains(r#"<td class="num">1</td>"#),
        "the widow's document counted"
    );
    let link_at = table.find(r#"href="/klaim/"#).unwrap() + r#"href=""#.len();
    let link = table[link_at..].split('"').next().unwrap().to_string();
    // The file comes back as it was, named safely, never cached.
    let r = own.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"AktaKematianPak.pdf\""
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    // Another organisation's proposer finds neither the claim nor its file; the reading by
    // the worker's own proposer is recorded.
    let other = signed_in(&app, &proposer(&db, org, false).await).await;
    let (status, _) = page(&other, &app, &link).await;
    assert_eq!(status, 404);
    let (status, _, _) = post(
        &other,
        &app,
        &heirs,
        &[("csrf", &csrf), ("hubungan", "anak"), ("nama", "X")],
    )
    .await;
    assert!(status == 403 || status == 404, "{status}");
    let reads: i64 = on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE record_kind = 'claim_document'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert!(reads >= 1, "the reading is recorded");
}

both_dbs!(claims_pages_heirs_and_documents, heirs_and_documents);

/// Issue 13's walk-through on the demo: the officer records a fisher's death at sea; the
/// month is covered, Rp 70.000.000 expected at Rp 1.000.000; BPJS's stages up to payment,
/// recorded by two people; the donor reads that the family was paid.
async fn demo_walk_through(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let demo = lingkaran::demo::seed(&db, dir.path()).await.unwrap();
    let fisher = demo
        .claim_example
        .as_ref()
        .expect("the demo names a fisher to try a claim with");
    assert!(
        demo.credentials().contains(&fisher.nik),
        "printed for the tester"
    );
    let app = TestApp::spawn(db.clone()).await;
    let officer = signed_in(&app, "petugas").await;
    let (_, html) = page(&officer, &app, "/klaim/baru").await;
    let csrf = csrf_field(&html);
    let day = fisher.day.to_string();
    let (status, location, html) = post(
        &officer,
        &app,
        "/klaim/baru",
        &[
            ("csrf", &csrf),
            ("nik", &fisher.nik),
            ("jenis", "jkk-death"),
            ("tanggal", &day),
            ("jam", "03:00"),
            ("tempat", "Laut Jawa, utara Ujungpangkah"),
            ("sebab", "Perahu terbalik diterjang ombak saat melaut"),
            ("pelapor", "Ahmad Fauzi"),
            ("telepon", "081234567890"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = page(&officer, &app, &location).await;
    assert!(
        html.contains(r#"class="verdict-covered">Terlindungi<"#),
        "{html}"
    );
    assert!(
        html.contains(r#"id="total-perkiraan"><strong>Rp 70.000.000<"#),
        "{html}"
    );
    assert!(html.contains("tujuh puluh juta rupiah"), "in words");
    let step = format!("{location}/tahap");
    for to in ["diajukan", "agenda", "penetapan", "persetujuan"] {
        let (status, _, html) =
            post(&officer, &app, &step, &[("csrf", &csrf), ("tahap", to)]).await;
        assert_eq!(status, 303, "{to}: {html}");
    }
    // The payment is recorded by someone other than the approver.
    let admin = signed_in(&app, "admin").await;
    let (_, html) = page(&admin, &app, &location).await;
    let admin_csrf = csrf_field(&html);
    let (status, _, html) = post(
        &admin,
        &app,
        &step,
        &[
            ("csrf", &admin_csrf),
            ("tahap", "dibayar"),
            ("kode", "jkk.death"),
            ("jumlah", "48.000.000"),
            ("kode", "jkk.funeral"),
            ("jumlah", "10.000.000"),
            ("kode", "jkk.periodic"),
            ("jumlah", "12.000.000"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let (_, html) = page(&admin, &app, &location).await;
    assert!(html.contains(r#"id="tahap-sekarang">Dibayar<"#), "{html}");
    assert!(
        !html.contains(r#"id="selisih""#),
        "BPJS paid what was expected"
    );
    // The donor who paid the month reads it on their page.
    let donor = signed_in(&app, "donatur").await;
    let (status, html) = page(&donor, &app, "/donasi").await;
    assert_eq!(status, 200);
    let initials = lingkaran_domain::claims::initials(&fisher.name);
    let news = section(&html, "kabar-klaim");
    assert!(
        news.contains(&format!("{initials} dari Desa "))
            && news.contains("BPJS Ketenagakerjaan telah membayar santunan Rp 70.000.000."),
        "{news}"
    );
    assert!(!news.contains(&fisher.nik) && !news.contains(&fisher.name));
}

both_dbs!(claims_the_demo_walk_through, demo_walk_through);
