//! Issue 11 §2 and §3: bodies, fields, time and files at the edges, tried as a stranger would,
//! over real HTTP and real sockets.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{nik, TestApp, Token};
use lingkaran::auth::Role;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Opens a connection to the app and writes `bytes` (without finishing the body if it says
/// more is coming); reads what the server answers until it closes or `wait` passes.
async fn raw(app: &TestApp, bytes: &[u8], wait: Duration) -> (String, Duration) {
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tcp.write_all(bytes).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, tcp.read_to_end(&mut answer)).await;
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

fn addr(app: &TestApp) -> String {
    app.base.trim_start_matches("http://").to_string()
}

async fn proposer(app: &TestApp) -> Token {
    let org = app.org("Desa Sawo", "35.25.01.2001").await;
    app.user("desa.sawo", Role::Proposer, Some(org), &[]).await
}

const HEADER: &str =
    "nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,no_hp,pekerjaan,penghasilan,desil";

fn row(serial: u16, name: &str) -> String {
    format!(
        "{},{name},L,,35.25.01.2001,,petani,,",
        nik("352501", false, "1984-04-04", serial)
    )
}

both_dbs!(
    a_sign_up_with_a_huge_full_name_is_refused_before_storing,
    |db| async move {
        let app = TestApp::spawn(db).await;
        // 200 MB announced: refused at once, before a byte of it is read.
        let head = format!(
            "POST /api/v1/signup HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{{\"full_name\":\"aaaa",
            addr(&app),
            200 * 1024 * 1024
        );
        let (answer, _) = raw(&app, head.as_bytes(), Duration::from_secs(10)).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("\"body_too_large\""), "{answer}");
        assert!(
            answer.contains("64 KB"),
            "the answer names the cap: {answer}"
        );

        // 100 KB sent whole: over the 64 KiB of a JSON body.
        let big = "a".repeat(100 * 1024);
        let r = app
            .client
            .post(app.url("/api/v1/signup"))
            .json(&json!({ "username": "besar", "full_name": big, "password": "rahasia-sekali" }))
            .send()
            .await
            .unwrap();
        let (s, v) = common::status_json(r).await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (413, Some("body_too_large")),
            "{v}"
        );

        // Under the body cap, over the field's: 422 naming the field and the limit.
        let r = app
            .client
            .post(app.url("/api/v1/signup"))
            .json(&json!({ "username": "besar", "full_name": "a".repeat(5000), "password": "rahasia-sekali" }))
            .send()
            .await
            .unwrap();
        let (s, v) = common::status_json(r).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["code"], "too_long");
        assert!(
            v["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("Nama lengkap"),
            "{v}"
        );
        assert!(
            v["errors"][0]["detail_en"]
                .as_str()
                .unwrap()
                .contains("100"),
            "{v}"
        );

        // A name that is a formula is refused too.
        let r = app
            .client
            .post(app.url("/api/v1/signup"))
            .json(&json!({ "username": "besar", "full_name": "=HYPERLINK(\"http://x\";\"klik\")", "password": "rahasia-sekali" }))
            .send()
            .await
            .unwrap();
        let (s, v) = common::status_json(r).await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (422, Some("formula_like")),
            "{v}"
        );

        // Nothing was stored: the username is still free.
        app.sign_up("besar", "Budi Besar").await;
    }
);

both_dbs!(a_chunked_body_is_cut_at_the_limit, |db| async move {
    let app = TestApp::spawn(db).await;
    let addr = addr(&app);
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/signup HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    // 128 KiB in 16 KiB chunks, then the sender stalls without ending the body. The server
    // answers once it has passed 64 KiB, not after reading everything (the old limit: 512 MB).
    let chunk = format!("4000\r\n{}\r\n", "a".repeat(0x4000));
    for _ in 0..8 {
        if tcp.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"body_too_large\""), "{answer}");
});

both_dbs!(
    half_a_header_is_closed_within_ten_seconds,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let head = format!(
            "GET /api/v1/health HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
            addr(&app)
        );
        let (_, took) = raw(&app, head.as_bytes(), Duration::from_secs(20)).await;
        assert!(
            took < Duration::from_secs(13),
            "the connection was held {took:?}"
        );
    }
);

both_dbs!(
    uploads_beyond_the_concurrent_ones_get_503,
    |db| async move {
        let mut settings = lingkaran::app::Settings::from_env();
        settings.concurrent_uploads = 1;
        let app = TestApp::spawn_with(db, settings).await;
        let t = proposer(&app).await;
        // One upload in progress: its sender is slow.
        let addr = addr(&app);
        let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /api/v1/imports HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
             Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 1000000\r\n\r\n\
             --XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n{HEADER}\n",
            t.token
        );
        slow.write_all(head.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        // Another one is refused at once, with a time to come back.
        let part =
            reqwest::multipart::Part::bytes(format!("{HEADER}\n{}\n", row(1, "Agus")).into_bytes())
                .file_name("b.csv");
        let r = app
            .client
            .post(app.url("/api/v1/imports"))
            .bearer_auth(&t.token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "30");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["code"], "busy", "{v}");
        // Once the first is gone, the next one goes through.
        drop(slow);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (s, v) = app
            .upload(
                &t,
                "c.csv",
                format!("{HEADER}\n{}\n", row(1, "Agus")).into_bytes(),
            )
            .await;
        // 202: taken; `upload` waited for the import's job, whose report this is.
        assert_eq!(s, 202, "{v}");
        assert_eq!(v["status"], "done", "{v}");
    }
);

both_dbs!(
    answers_with_personal_data_are_not_stored_by_caches,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let v = app.village(1, 7).await;
        let me = app
            .client
            .get(app.url(&format!("/api/v1/workers/{}", v.workers[0])))
            .bearer_auth(&v.officer.token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        assert_eq!(me.headers()["cache-control"], "no-store");
        let list = app
            .client
            .get(app.url("/api/v1/workers"))
            .bearer_auth(&v.officer.token)
            .send()
            .await
            .unwrap();
        assert_eq!(list.headers()["cache-control"], "no-store");
        // The public check's answer, whatever it says.
        let check = app
            .client
            .post(app.url("/api/v1/coverage"))
            .json(&json!({ "nik": nik("352501", false, "1984-04-04", 1), "birth_date": "1984-04-04" }))
            .send()
            .await
            .unwrap();
        assert_eq!(check.headers()["cache-control"], "no-store");
    }
);

/// Signs `username` in through the page and answers the session cookie and the page's token.
async fn page_session(app: &TestApp, username: &str) -> (String, String) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(app.url("/masuk")).send().await.unwrap();
    let token = csrf_field(&page.text().await.unwrap());
    let r = http
        .post(app.url("/masuk"))
        .form(&[
            ("csrf", token.as_str()),
            ("username", username),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("lk_session="))
        .unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let page = http.get(app.url("/unggah")).send().await.unwrap();
    (cookie, csrf_field(&page.text().await.unwrap()))
}

fn csrf_field(html: &str) -> String {
    let start =
        html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[start..].split('"').next().unwrap().to_string()
}

both_dbs!(
    a_page_upload_checks_csrf_before_reading_the_file,
    |db| async move {
        let app = TestApp::spawn(db).await;
        proposer(&app).await;
        let (cookie, _csrf) = page_session(&app, "desa.sawo").await;
        // A forged form: the file comes first and no token at all; its sender keeps sending.
        // The page refuses at once, without waiting for (or storing) the file.
        let head = format!(
            "POST /unggah HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\n\
             Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 50000000\r\n\r\n\
             --XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n{HEADER}\n",
            addr(&app)
        );
        let (answer, took) = raw(&app, head.as_bytes(), Duration::from_secs(8)).await;
        assert!(
            answer.starts_with("HTTP/1.1 403"),
            "{answer} after {took:?}"
        );
        // Nothing was imported.
        let (_, list) = app
            .get(
                &app.user("petugas", Role::Officer, None, &["35.25"]).await,
                "/api/v1/imports",
            )
            .await;
        assert_eq!(list["imports"].as_array().map_or(0, Vec::len), 0, "{list}");
    }
);

both_dbs!(
    a_page_over_its_cap_is_refused_with_a_page,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let head = format!(
            "POST /daftar HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: 1000000\r\nConnection: close\r\n\r\nfull_name=",
            addr(&app)
        );
        let (answer, _) = raw(&app, head.as_bytes(), Duration::from_secs(10)).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("text/html"), "{answer}");
        assert!(answer.contains("paling banyak 64 KB"), "{answer}");
        assert!(answer.contains("at most 64 KB"), "{answer}");
    }
);

both_dbs!(
    formulas_never_reach_errors_csv_and_formula_names_are_refused,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let t = proposer(&app).await;
        let evil = "=HYPERLINK(\"\"http://x\"\";\"\"klik\"\")";
        let body = format!(
            "{HEADER}\n{}\n{}\n{}\n",
            row(1, "Agus"),
            row(2, &format!("\"{evil}\"")),
            row(3, "Budi").replace("petani", "@SUM(A1)"),
        );
        let (s, r) = app.upload(&t, "rumus.csv", body.into_bytes()).await;
        // 202: taken; `upload` waited for the import's job, whose report this is.
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["status"], "done", "{r}");
        assert_eq!(r["accepted"], 1, "{r}");
        let codes: Vec<&str> = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"formula_like"), "{r}");
        let id = r["import_id"].as_i64().unwrap();
        let csv = app
            .client
            .get(app.url(&format!("/api/v1/imports/{id}/errors.csv")))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let mut seen = 0;
        for rec in reader.records() {
            let rec = rec.unwrap();
            for cell in rec.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "a live formula in errors.csv: {cell:?}\n{csv}"
                );
            }
            if rec
                .get(2)
                .is_some_and(|v| v.starts_with("'=HYPERLINK") || v == "'@SUM(A1)")
            {
                seen += 1;
            }
        }
        assert_eq!(seen, 2, "both values are kept, as text: {csv}");
    }
);

both_dbs!(
    an_unclosed_quote_is_named_on_its_line_and_no_row_is_lost,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let t = proposer(&app).await;
        // Five rows; the second opens a quote and never closes it.
        let body = format!(
            "{HEADER}\n{}\n{}\n{}\n{}\n{}\n",
            row(1, "Agus"),
            row(2, "\"Budi"),
            row(3, "Candra"),
            row(4, "Dewi"),
            row(5, "Eka"),
        );
        let (s, r) = app.upload(&t, "kutip.csv", body.into_bytes()).await;
        // 202: taken; `upload` waited for the import's job, whose report this is.
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["status"], "done", "{r}");
        assert_eq!(r["rows"], 5, "{r}");
        assert_eq!(r["accepted"], 4, "{r}");
        assert_eq!(r["errors"][0]["line"], 3, "{r}");
        assert_eq!(r["errors"][0]["code"], "unclosed_quote", "{r}");
        let en = r["errors"][0]["message_en"].as_str().unwrap();
        assert!(en.contains("opens on line 3"), "{r}");
    }
);

both_dbs!(cr_only_files_number_their_lines, |db| async move {
    let app = TestApp::spawn(db).await;
    let t = proposer(&app).await;
    let body = format!(
        "{HEADER}\r{}\r{}\r",
        row(1, "Agus"),
        row(2, "Budi").replace("petani", "astronot")
    );
    let (s, r) = app.upload(&t, "mac.csv", body.into_bytes()).await;
    // 202: taken; `upload` waited for the import's job, whose report this is.
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["status"], "done", "{r}");
    assert_eq!(
        (r["rows"].as_i64(), r["accepted"].as_i64()),
        (Some(2), Some(1)),
        "{r}"
    );
    assert_eq!(r["errors"][0]["line"], 3, "{r}");
});

both_dbs!(utf16_files_are_read, |db| async move {
    let app = TestApp::spawn(db).await;
    let t = proposer(&app).await;
    // Excel's "Unicode text": UTF-16 little-endian with its BOM, tab separated.
    let text = format!(
        "{}\r\n{}\r\n",
        HEADER.replace(',', "\t"),
        row(1, "José Ramos").replace(',', "\t")
    );
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let (s, r) = app.upload(&t, "unicode.txt", bytes).await;
    // 202: taken; `upload` waited for the import's job, whose report this is.
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["status"], "done", "{r}");
    assert_eq!(r["accepted"], 1, "{r}");
    let notes: Vec<&str> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    assert!(notes.contains(&"utf16"), "{r}");
    let (_, w) = app.get(&t, "/api/v1/workers").await;
    assert_eq!(w["workers"][0]["full_name"], "José Ramos");
});

both_dbs!(
    the_api_caps_the_names_of_users_organisations_and_donors,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let admin = app.user("admin", Role::Admin, None, &[]).await;
        let (s, v) = app
            .post(
                &admin,
                "/api/v1/users",
                json!({ "username": "u".repeat(41), "full_name": "-Budi", "password": "rahasia-panjang-sekali", "role": "admin" }),
            )
            .await;
        assert_eq!(s, 422, "{v}");
        let codes: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["too_long", "formula_like"], "{v}");
        let (s, v) = app
            .post(
                &admin,
                "/api/v1/organisations",
                json!({ "name": "x".repeat(201), "kind": "desa", "region_code": "35.25.01.2001" }),
            )
            .await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (422, Some("too_long")),
            "{v}"
        );
        let (s, v) = app
            .post(
                &admin,
                "/api/v1/donors",
                json!({ "kind": "individual", "name": "+62 Budi" }),
            )
            .await;
        assert_eq!(
            (s, v["errors"][0]["code"].as_str()),
            (422, Some("formula_like")),
            "{v}"
        );
    }
);
