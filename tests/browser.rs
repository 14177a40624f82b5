//! The pages in a real browser: headless Chromium driven over W3C WebDriver (chromedriver),
//! against a real server on SQLite and on PostgreSQL. Plus plain HTTP checks that a form
//! without the session's CSRF token is refused.
//!
//! Without chromedriver the browser tests print SKIPPED and pass, unless
//! `LINGKARAN_REQUIRE_BROWSER=1` (then they fail). `CHROMEDRIVER` and `CHROMIUM` override the
//! paths `/usr/bin/chromedriver` and `/usr/bin/chromium`.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, PASSWORD};
use lingkaran::auth::Role;
use lingkaran::db::Db;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(20);

fn browser_required() -> bool {
    std::env::var("LINGKARAN_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

fn executable(env: &str, default: &str) -> Option<String> {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_string());
    std::path::Path::new(&path).is_file().then_some(path)
}

/// A chromedriver process on a free port of 127.0.0.1, ended when dropped.
struct Driver {
    child: Child,
    port: u16,
    base: String,
    http: reqwest::Client,
    _profiles: tempfile::TempDir,
    sessions: std::sync::Mutex<Vec<String>>,
}

impl Driver {
    /// Starts chromedriver, or `None` (after saying why) when it is not installed.
    async fn start() -> Option<Driver> {
        let Some(driver) = executable("CHROMEDRIVER", "/usr/bin/chromedriver") else {
            if browser_required() {
                panic!("chromedriver is required (LINGKARAN_REQUIRE_BROWSER=1) but not found");
            }
            eprintln!(
                "SKIPPED: chromedriver not found; install chromium-driver or set CHROMEDRIVER"
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let profiles = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(profiles.path().join("chromedriver.log")).unwrap();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let d = Driver {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
            _profiles: profiles,
            sessions: std::sync::Mutex::new(Vec::new()),
        };
        let started = Instant::now();
        loop {
            if let Ok(r) = d.http.get(format!("{}/status", d.base)).send().await {
                if let Ok(v) = r.json::<Value>().await {
                    if v["value"]["ready"] == json!(true) {
                        break;
                    }
                }
            }
            assert!(
                started.elapsed() < WAIT,
                "chromedriver did not start on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Some(d)
    }

    /// A new headless Chromium with its own fresh profile.
    async fn browser(&self) -> Browser {
        let profile = self
            ._profiles
            .path()
            .join(format!("profile-{}", self.sessions.lock().unwrap().len()));
        let chromium = executable("CHROMIUM", "/usr/bin/chromium").expect("chromium not found");
        let downloads = profile.join("unduhan");
        std::fs::create_dir_all(&downloads).unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "goog:chromeOptions": {
                "binary": chromium,
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }}});
        let v = wd(self.http.post(format!("{}/session", self.base)).json(&caps))
            .await
            .unwrap_or_else(|e| panic!("could not start Chromium: {e}"));
        let id = v["sessionId"].as_str().unwrap().to_string();
        self.sessions.lock().unwrap().push(id.clone());
        Browser {
            http: self.http.clone(),
            url: format!("{}/session/{id}", self.base),
            downloads,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // End the browsers properly (also after a failed assertion), then the driver.
        for id in self.sessions.lock().map(|s| s.clone()).unwrap_or_default() {
            if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                let _ = write!(
                    s,
                    "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                    self.port
                );
                let _ = s.read_to_end(&mut Vec::new());
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a WebDriver command and returns its `value`, or the driver's error message.
async fn wd(req: reqwest::RequestBuilder) -> Result<Value, String> {
    let r = req.send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let v: Value = r.json().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(v["value"].clone())
    } else {
        Err(format!(
            "{status}: {} {}",
            v["value"]["error"], v["value"]["message"]
        ))
    }
}

/// One browser session.
struct Browser {
    http: reqwest::Client,
    url: String,
    /// Where the browser saves what it downloads.
    downloads: std::path::PathBuf,
}

impl Browser {
    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        wd(self.http.post(format!("{}{path}", self.url)).json(&body)).await
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        wd(self.http.get(format!("{}{path}", self.url))).await
    }

    async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await.unwrap();
    }

    async fn current_url(&self) -> String {
        self.get("/url")
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn find_all(&self, css: &str) -> Vec<String> {
        let v = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await
            .unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e[ELEMENT].as_str().unwrap().to_string())
            .collect()
    }

    /// The first element matching `css`, waiting for it to appear.
    async fn find(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(e) = self.find_all(css).await.into_iter().next() {
                return e;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "no element {css} on {}:\n{}",
                    self.current_url().await,
                    self.body_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.post(&format!("/element/{e}/click"), json!({}))
            .await
            .unwrap();
    }

    async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.post(&format!("/element/{e}/clear"), json!({}))
            .await
            .ok();
        self.post(&format!("/element/{e}/value"), json!({ "text": text }))
            .await
            .unwrap();
    }

    async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        self.get(&format!("/element/{e}/text"))
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn body_text(&self) -> String {
        match self.find_all("body").await.first() {
            Some(e) => self
                .get(&format!("/element/{e}/text"))
                .await
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .unwrap_or_default(),
            None => String::new(),
        }
    }

    /// Waits until the address contains `part`.
    async fn wait_url(&self, part: &str) -> String {
        let started = Instant::now();
        loop {
            let url = self.current_url().await;
            if url.contains(part) {
                return url;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "still at {url}, expected {part}:\n{}",
                    self.body_text().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's text contains `needle`.
    async fn wait_text(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.body_text().await;
            if text.contains(needle) {
                return text;
            }
            if started.elapsed() > WAIT {
                panic!("{needle:?} not on {}:\n{text}", self.current_url().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG of the page to `$LINGKARAN_SCREENSHOTS/{name}.png`, when that is set.
    async fn screenshot(&self, name: &str) {
        let Ok(dir) = std::env::var("LINGKARAN_SCREENSHOTS") else {
            return;
        };
        use base64::Engine as _;
        let png = self.get("/screenshot").await.unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            std::path::Path::new(&dir).join(format!("{name}.png")),
            bytes,
        )
        .unwrap();
    }

    async fn sign_in(&self, app: &TestApp, username: &str, password: &str) {
        self.goto(&app.url("/masuk")).await;
        self.type_into("#username", username).await;
        self.type_into("#password", password).await;
        self.click("#masuk").await;
    }
}

/// The proposer uploads the sample list and reads the report in both languages; the officer
/// finds one of its workers in the queue and verifies it.
async fn upload_report_and_queue(db: Db) {
    let started = Instant::now();
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn(db.clone()).await;
    let demo = lingkaran::demo::seed(&db, std::path::Path::new("remittances"))
        .await
        .unwrap();
    let seeded = started.elapsed();
    let b = driver.browser().await;

    // A wrong password: the form again, with an error that names neither field.
    b.sign_in(&app, "desa.sawo", "salah").await;
    let err = b.text("#galat-masuk").await;
    assert!(err.contains("Nama pengguna atau kata sandi salah"), "{err}");
    b.screenshot("1-masuk-salah").await;

    // The proposer signs in and lands on the upload page.
    b.sign_in(&app, "desa.sawo", lingkaran::demo::DEMO_PASSWORD)
        .await;
    b.wait_url("/unggah").await;
    let text = b.wait_text("Unggah daftar pekerja").await;
    assert!(text.contains("kode_desa"), "accepted headers listed");
    b.find("a[href='/contoh-unggahan.csv']").await;
    b.screenshot("2-unggah").await;

    // The sample goes through the file input, as a clerk would choose it.
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/upload-sample.csv");
    let input = b.find("input[type=file]").await;
    b.post(
        &format!("/element/{input}/value"),
        json!({ "text": sample.display().to_string() }),
    )
    .await
    .unwrap();
    b.click("#unggah").await;
    let report_url = b.wait_url("/unggahan/").await;
    b.wait_text("Laporan unggahan").await;
    // On a loaded machine the job may still run when the report first shows: the page then
    // says so and reloads itself until the job is done, as a clerk would see it.
    let started = Instant::now();
    while b.body_text().await.contains("Sedang diproses") {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the import job did not finish"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    assert_eq!(b.text("#jumlah-diterima").await, "11");
    b.screenshot("3-laporan").await;
    let line13 = b.text("#baris-ditolak tr[data-line='13']").await;
    assert!(
        line13.contains("NIK harus 16 digit, yang ditulis 12 digit."),
        "line 13: {line13}"
    );
    let line14 = b.text("#baris-ditolak tr[data-line='14']").await;
    assert!(
        line14.contains("3.52501E+15") && line14.contains("diubah Excel"),
        "line 14: {line14}"
    );
    // The possible duplicate (SITI  AMINAH, line 12) is a warning, not a rejection.
    let warning = b.text("#peringatan tr[data-line='12']").await;
    assert!(!warning.is_empty());
    let csv = b.find("#unduh-csv").await;
    let href = b
        .get(&format!("/element/{csv}/attribute/href"))
        .await
        .unwrap();
    assert!(href.as_str().unwrap().ends_with("/errors.csv"), "{href}");

    // The same report in English, through the language switch.
    b.click("#ganti-bahasa").await;
    let text = b.wait_text("Upload report").await;
    assert!(
        text.contains("A NIK has 16 digits; this one has 12."),
        "{text}"
    );
    assert!(text.contains("was turned into a number by Excel"), "{text}");
    assert!(text.contains("Rejected rows"));
    b.screenshot("4-report-en").await;
    assert_eq!(b.text("#jumlah-diterima").await, "11");
    // The choice is remembered: the report again, without `?lang=`.
    b.goto(&report_url).await;
    b.wait_text("Upload report").await;

    // Sign out, then the officer.
    b.click("#keluar").await;
    b.wait_url("/masuk").await;
    b.wait_text("You are signed out.").await;
    b.sign_in(&app, "petugas", lingkaran::demo::DEMO_PASSWORD)
        .await;
    b.wait_url("/antrian").await;
    b.wait_text("Verification queue").await;
    b.screenshot("5-queue").await;

    let abdul = lingkaran::db::workers::by_nik(&db, "3525011203850001")
        .await
        .unwrap()
        .expect("Abdul Karim was stored");
    assert_eq!(abdul.status, "proposed");
    b.type_into("#f-name", "Abdul Karim").await;
    b.click("#saring").await;
    b.wait_url("name=Abdul").await;
    let row = b.text(&format!("#pekerja-{}", abdul.id)).await;
    assert!(
        row.contains("3525011203850001"),
        "the officer in scope sees the whole NIK: {row}"
    );
    assert!(row.contains("Sawo"), "{row}");

    b.click(&format!("#pilih-{}", abdul.id)).await;
    b.click("#verifikasi").await;
    b.wait_url("done=1").await;
    let msg = b.text("#pesan").await;
    assert!(msg.contains("1 workers updated"), "{msg}");
    b.screenshot("6-queue-verified").await;
    assert!(
        b.find_all(&format!("#pekerja-{}", abdul.id))
            .await
            .is_empty(),
        "verified worker left the queue"
    );
    let abdul = lingkaran::db::workers::get(&db, abdul.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(abdul.status, "verified");

    // The flagged possible duplicate from the upload has its two buttons.
    b.goto(&app.url("/antrian?flag=possible_duplicate&name=Siti+Aminah"))
        .await;
    b.wait_text("Possible duplicate").await;
    b.find("button[value=merge]").await;
    b.find("button[value=distinct]").await;
    b.screenshot("7-duplicates").await;
    let siti = lingkaran::db::workers::by_nik(&db, "3525025507900011")
        .await
        .unwrap()
        .expect("the second Siti Aminah was stored");
    assert_eq!(siti.flag.as_deref(), Some("possible_duplicate"));
    b.click("button[value=distinct]").await;
    b.wait_url("msg=distinct").await;
    b.wait_text("Marked as a different person").await;
    let siti = lingkaran::db::workers::get(&db, siti.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(siti.flag.as_deref(), Some("distinct"));
    assert_eq!(siti.status, "proposed", "still waiting for a decision");

    // The monthly cycle page of the demo's first past month: the three sides agree, and the
    // participant the insurer rejected is listed, NIK masked, with the money back to credit.
    let first = &demo.history.cycles[0];
    b.goto(&app.url(&format!("/siklus?bulan={first}&lang=id")))
        .await;
    b.wait_text("Rekonsiliasi tiga arah").await;
    assert!(b.text("#cocok").await.contains("Ketiga sisi cocok"));
    let rejected = b.text("#ditolak").await;
    assert!(
        rejected.contains("sudah terdaftar sebagai peserta aktif"),
        "{rejected}"
    );
    assert!(
        rejected.contains('•') && rejected.contains("Rp "),
        "{rejected}"
    );
    b.screenshot("8-siklus").await;
    // This month: graduation of the demo's first three workers, by donor and by region.
    b.goto(&app.url("/siklus")).await;
    b.wait_text("Kelulusan").await;
    assert!(b
        .text("#kelulusan-donatur")
        .await
        .contains("PT Semen Sejahtera"));
    assert!(b.text("#kelulusan-wilayah").await.contains("Gresik"));
    std::fs::remove_dir_all(&demo.dir).unwrap();

    eprintln!(
        "browser scenario: {:.1}s (of which seeding the demo {:.1}s)",
        started.elapsed().as_secs_f64(),
        seeded.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_sqlite() {
    common::on_sqlite(upload_report_and_queue).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_postgres() {
    common::on_postgres(upload_report_and_queue).await
}

/// The value of the hidden `csrf` field of the first form on a page.
fn csrf_field(html: &str) -> String {
    let start =
        html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[start..].split('"').next().unwrap().to_string()
}

fn upload_form(csrf: Option<&str>) -> reqwest::multipart::Form {
    let sample = include_bytes!("../examples/upload-sample.csv").to_vec();
    let part = reqwest::multipart::Part::bytes(sample).file_name("daftar.csv");
    let form = reqwest::multipart::Form::new();
    let form = match csrf {
        Some(c) => form.text("csrf", c.to_string()),
        None => form,
    };
    form.part("file", part)
}

/// Forms without the session's token are refused with 403 and change nothing; with it they
/// work. No browser needed.
async fn forms_need_the_csrf_token(db: Db) {
    let app = TestApp::spawn(db.clone()).await;
    let org = app.org("Pemerintah Desa Sawo", "35.25.01.2001").await;
    app.user("juru.tulis", Role::Proposer, Some(org), &[]).await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Nobody signed in: pages send you to sign in.
    let r = http.get(app.url("/unggah")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/masuk");

    // The sign-in form has its own token.
    let r = http
        .post(app.url("/masuk"))
        .form(&[("username", "juru.tulis"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "sign-in without the form's token");
    let page = http.get(app.url("/masuk")).send().await.unwrap();
    let token = csrf_field(&page.text().await.unwrap());
    let r = http
        .post(app.url("/masuk"))
        .form(&[
            ("csrf", token.as_str()),
            ("username", "juru.tulis"),
            ("password", "salah"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("Nama pengguna atau kata sandi salah"));
    let r = http
        .post(app.url("/masuk"))
        .form(&[
            ("csrf", token.as_str()),
            ("username", "juru.tulis"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/unggah");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("lk_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );

    let page = http.get(app.url("/unggah")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csrf = csrf_field(&page.text().await.unwrap());

    // No token, a wrong token: 403, and nothing imported.
    for sent in [None, Some("0".repeat(64).as_str())] {
        let r = http
            .post(app.url("/unggah"))
            .multipart(upload_form(sent))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "upload with csrf {sent:?}");
        let body = r.text().await.unwrap();
        assert!(body.contains("Permintaan ditolak"), "{body}");
    }
    let r = http
        .post(app.url("/unggah"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "not a multipart form");
    assert!(lingkaran::db::imports::list(&db, None, 10)
        .await
        .unwrap()
        .is_empty());

    // Sign-out and the queue's forms check it too.
    let r = http
        .post(app.url("/keluar"))
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = http
        .post(app.url("/antrian"))
        .form(&[("csrf", csrf.as_str()), ("action", "verify"), ("ids", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a proposer has no queue");
    let r = http.get(app.url("/antrian")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Tidak diizinkan"));
    let r = http.get(app.url("/antrian?lang=en")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Not allowed"));

    // With the token the upload goes through to its report.
    let r = http
        .post(app.url("/unggah"))
        .multipart(upload_form(Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let report = r.headers()["location"].to_str().unwrap().to_string();
    assert!(report.starts_with("/unggahan/"), "{report}");
    let page = http.get(app.url(&report)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    // In English: the `?lang=en` above is remembered in the `lang` cookie.
    assert!(page.text().await.unwrap().contains("Upload report"));

    // The same bytes again: nothing new, the earlier report.
    let r = http
        .post(app.url("/unggah"))
        .multipart(upload_form(Some(&csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("{report}?sudah=1").as_str()
    );

    // A file that is wrong as a whole: the upload page again, saying why.
    let part = reqwest::multipart::Part::bytes(b"3525011203850001,Abdul Karim\n".to_vec())
        .file_name("tanpa-judul.csv");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part("file", part);
    let r = http
        .post(app.url("/unggah"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("galat-unggah") && body.contains("first row holds data"),
        "{body}"
    );

    // Signing out with the token ends the session.
    let r = http
        .post(app.url("/keluar"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = http.get(app.url("/unggah")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_sqlite() {
    common::on_sqlite(forms_need_the_csrf_token).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_postgres() {
    common::on_postgres(forms_need_the_csrf_token).await
}

/// The provider's signed virtual-account callback, as the provider sends it.
async fn provider_callback(app: &TestApp, va: &str, invoice: &str, amount: i64, txn: &str) {
    use lingkaran::payments::callback;
    let now = chrono::Utc::now();
    let body = callback::body(va, invoice, amount, txn, now);
    let ts = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let request_id = format!("req-{txn}");
    let signature = callback::sign(
        lingkaran::app::DEMO_PROVIDER_SECRET,
        lingkaran::app::DEMO_PROVIDER_CLIENT_ID,
        &request_id,
        &ts,
        body.as_bytes(),
    );
    let r = app
        .client
        .post(app.url(callback::PATH))
        .header("Client-Id", lingkaran::app::DEMO_PROVIDER_CLIENT_ID)
        .header("Request-Id", request_id)
        .header("Request-Timestamp", ts)
        .header("Signature", signature)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "ok", "{v}");
}

impl Browser {
    /// Signs up at `/daftar` and lands on the donate form, signed in.
    async fn sign_up(&self, app: &TestApp, username: &str, name: &str) {
        self.goto(&app.url("/daftar")).await;
        self.type_into("#username", username).await;
        self.type_into("#full_name", name).await;
        self.type_into("#password", "rahasia-sekali").await;
        self.type_into("#password2", "rahasia-sekali").await;
        self.click("#daftar").await;
        self.wait_url("/donasi/baru").await;
        self.wait_text("Donasi baru").await;
    }

    /// Donates `count` workers of `region` for `months` months from the form; returns the
    /// donation's id from the page it lands on.
    async fn donate(&self, region: &str, count: u32, months: u32) -> i64 {
        self.type_into("#region", region).await;
        self.type_into("#count", &count.to_string()).await;
        self.click(&format!("#months option[value='{months}']"))
            .await;
        // Review first (the exact price, nothing held), then hold.
        self.click("#tinjau").await;
        self.wait_text("Tinjauan").await;
        self.click("#donasikan").await;
        let url = self.wait_url("baru=1").await;
        url.split("/donasi/")
            .nth(1)
            .and_then(|rest| rest.split('?').next())
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no donation id in {url}"))
    }
}

fn worker_set(rows: &[lingkaran::db::donations::DonationWorker]) -> std::collections::HashSet<i64> {
    rows.iter().map(|w| w.worker_id).collect()
}

/// The issue's "done when", from the pages: two donors sign up and donate 100 workers each
/// (disjoint), one pays by the provider's callback, the other by a bank statement line the
/// officer uploads; the statement's unknown line is set aside from the unmatched queue; the
/// ledger holds.
async fn donate_pay_and_reconcile(db: Db) {
    let started = Instant::now();
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn(db.clone()).await;
    let org = app.org("Pemerintah Desa Sawo", "35.25.01.2001").await;
    let proposer = app.user("juru.tulis", Role::Proposer, Some(org), &[]).await;
    let officer = app
        .user("petugas.gresik", Role::Officer, None, &["35.25"])
        .await;
    let workers =
        lingkaran::demo::verified_workers(&db, (proposer.id, org), officer.id, "35.25.01", 300, 7)
            .await
            .unwrap();
    assert_eq!(workers.len(), 300);
    let b = driver.browser().await;

    // Donor A signs up and donates 100 workers of Kecamatan Dukun for 6 months.
    b.sign_up(&app, "donatur.ani", "Ani Wijaya").await;
    b.find("#form-donasi").await;
    b.screenshot("09-donasi-baru").await;
    let a = b.donate("35.25.01", 100, 6).await;
    b.wait_text("Donasi tercatat").await;
    assert_eq!(b.text("#status").await, "Menunggu pembayaran");
    assert_eq!(b.text("#jumlah-pekerja").await, "100");
    assert_eq!(b.find_all("#tabel-pekerja tbody tr").await.len(), 100);
    let inv_a = lingkaran::db::donations::invoice_of(&db, a)
        .await
        .unwrap()
        .unwrap();
    let va = b.text("#nomor-va").await;
    assert_eq!(va.replace(' ', ""), inv_a.va_number);
    assert_eq!(
        va.len(),
        inv_a.va_number.len() + 3,
        "read in groups of four: {va}"
    );
    assert_eq!(
        b.text("#jumlah-tagihan").await,
        lingkaran_domain::format::rupiah(inv_a.amount)
    );
    let text = b.text("#tagihan").await;
    assert!(
        text.contains("Bayar sebelum") && text.contains("WIB"),
        "{text}"
    );
    let first = b.text("#tabel-pekerja tbody tr").await;
    assert!(
        first.contains(" •••• •••• ••••"),
        "the NIK is masked: {first}"
    );
    b.screenshot("10-donasi-menunggu").await;

    // The provider says A's virtual account was paid; the page, reloaded, says so.
    provider_callback(
        &app,
        &inv_a.va_number,
        &inv_a.number,
        inv_a.amount,
        "TRX-A-1",
    )
    .await;
    b.goto(&app.url(&format!("/donasi/{a}"))).await;
    b.wait_text("Terbayar").await;
    assert_eq!(b.text("#status").await, "Terbayar");
    assert_eq!(b.text("#status-tagihan").await, "Lunas");
    b.find("#perpanjang").await;
    b.screenshot("11-donasi-terbayar").await;
    b.goto(&app.url("/akun")).await;
    b.wait_text("Akun donatur").await;
    b.click("#pembayaran a").await;
    b.wait_url("/kuitansi/").await;
    let receipt = b.text("#kuitansi").await;
    assert!(
        receipt.contains("Ani Wijaya")
            && receipt.contains(&lingkaran_domain::format::rupiah(inv_a.amount))
            && receipt.contains(&inv_a.number),
        "{receipt}"
    );
    b.click("#keluar").await;
    b.wait_url("/masuk").await;

    // Donor B: the same criteria, 100 other workers.
    b.sign_up(&app, "donatur.budi", "Budi Santoso").await;
    let bd = b.donate("35.25.01", 100, 6).await;
    assert_eq!(b.text("#jumlah-pekerja").await, "100");
    let wa = worker_set(
        &lingkaran::db::donations::workers_of(&db, a, 1000, 0)
            .await
            .unwrap(),
    );
    let wb = worker_set(
        &lingkaran::db::donations::workers_of(&db, bd, 1000, 0)
            .await
            .unwrap(),
    );
    assert_eq!((wa.len(), wb.len()), (100, 100));
    assert!(wa.is_disjoint(&wb), "no worker funded twice");
    let inv_b = lingkaran::db::donations::invoice_of(&db, bd)
        .await
        .unwrap()
        .unwrap();
    b.click("#keluar").await;
    b.wait_url("/masuk").await;

    // The officer uploads the bank statement: B's transfer by VA number, and money nobody
    // can place.
    b.sign_in(&app, "petugas.gresik", PASSWORD).await;
    b.wait_url("/antrian").await;
    b.click("a[href='/mutasi']").await;
    b.wait_text("Unggah mutasi rekening").await;
    let today = lingkaran::clock::today().format("%d/%m/%Y").to_string();
    let amount = format!(
        "{},00",
        lingkaran_domain::format::rupiah(inv_b.amount).trim_start_matches("Rp ")
    );
    let csv = format!(
        "tanggal;keterangan;referensi;jumlah\n\
         {today};TRF VA {} BUDI SANTOSO;FT-B-01;{amount}\n\
         {today};SETORAN TUNAI TANPA BERITA;FT-X-02;250.000,00\n",
        inv_b.va_number
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mutasi-bca.csv");
    std::fs::write(&file, csv).unwrap();
    let input = b.find("input[type=file]").await;
    b.post(
        &format!("/element/{input}/value"),
        json!({ "text": file.display().to_string() }),
    )
    .await
    .unwrap();
    // A CSV export names no account: the officer says which one it is.
    b.type_into("#rekening", "1230004567890").await;
    b.click("#unggah-mutasi").await;
    b.wait_text("Laporan mutasi bank").await;
    assert_eq!(b.text("#jumlah-baris").await, "2");
    assert_eq!(b.text("#jumlah-cocok").await, "1");
    assert_eq!(b.text("#jumlah-belum-cocok").await, "1");
    b.screenshot("12-laporan-mutasi").await;
    let funded = lingkaran::db::donations::get(&db, bd)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        funded.status.code(),
        "funded",
        "B's transfer funded B's donation"
    );

    // The unknown line waits in the queue until the officer sets it aside with a note.
    b.click("a.button[href='/mutasi/belum-cocok']").await;
    b.wait_text("Mutasi belum cocok").await;
    let lines = lingkaran::db::statements::unmatched(&db, 10).await.unwrap();
    assert_eq!(lines.len(), 1);
    let line = lines[0].id;
    let card = b.text(&format!("#baris-{line}")).await;
    assert!(
        card.contains("SETORAN TUNAI TANPA BERITA") && card.contains("Rp 250.000"),
        "{card}"
    );
    b.screenshot("13-belum-cocok").await;
    b.click(&format!("#abaikan-{line}")).await;
    let err = b.text(&format!("#galat-baris-{line}")).await;
    assert!(err.contains("Tulis alasan"), "a note is required: {err}");
    b.type_into(
        &format!("#catatan-{line}"),
        "Setoran tunai pengurus untuk biaya administrasi, bukan donasi",
    )
    .await;
    b.click(&format!("#abaikan-{line}")).await;
    b.wait_url("selesai=").await;
    b.wait_text("Tidak ada baris yang belum cocok").await;
    assert!(b.find_all(&format!("#baris-{line}")).await.is_empty());
    assert!(lingkaran::db::statements::unmatched(&db, 10)
        .await
        .unwrap()
        .is_empty());

    let report = lingkaran::db::ledger::check(&db).await.unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    eprintln!("donation scenario: {:.1}s", started.elapsed().as_secs_f64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn donation_browser_sqlite() {
    common::on_sqlite(donate_pay_and_reconcile).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn donation_browser_postgres() {
    common::on_postgres(donate_pay_and_reconcile).await
}

impl Browser {
    async fn window(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await
            .unwrap();
    }

    /// Waits for a finished download whose name ends with `suffix`; returns its bytes.
    async fn downloaded(&self, suffix: &str) -> Vec<u8> {
        let started = Instant::now();
        loop {
            // Chrome reserves the final name with an empty file and writes into a
            // `.crdownload` beside it, renaming at the end: the download is done when the
            // named file has bytes and no partial file is left.
            let paths: Vec<_> = std::fs::read_dir(&self.downloads)
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect();
            let partial = paths
                .iter()
                .any(|p| p.to_string_lossy().ends_with(".crdownload"));
            let done = paths.iter().find(|p| p.to_string_lossy().ends_with(suffix));
            if let (Some(p), false) = (done, partial) {
                let bytes = std::fs::read(p).unwrap();
                if !bytes.is_empty() {
                    return bytes;
                }
            }
            assert!(started.elapsed() < WAIT, "no {suffix} downloaded");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether the page is wider than the window (a phone would scroll sideways).
    async fn overflows(&self) -> bool {
        let v = self
            .post(
                "/execute/sync",
                json!({ "script": "return document.documentElement.scrollWidth - window.innerWidth;", "args": [] }),
            )
            .await
            .unwrap();
        v.as_i64().unwrap_or(0) > 1
    }

    /// Sets a field's value as a script would (a date or time input, whose typing depends on
    /// the browser's locale).
    async fn set_value(&self, css: &str, value: &str) {
        let e = self.find(css).await;
        self.post(
            "/execute/sync",
            json!({ "script": "arguments[0].value = arguments[1];", "args": [{ ELEMENT: e }, value] }),
        )
        .await
        .unwrap();
    }
}

/// What regions and the public see (issue 12): a stranger's `/` and `/transparansi` at desktop
/// and phone widths, and Gresik's government on its dashboard with the charts, the budget
/// and a drill-down into a district and back.
async fn regions_and_public(db: Db) {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn(db.clone()).await;
    lingkaran::demo::seed(&db, std::path::Path::new("remittances"))
        .await
        .unwrap();
    let b = driver.browser().await;

    for (width, height, name) in [(1280, 1000, "desktop"), (390, 844, "ponsel")] {
        b.window(width, height).await;
        b.goto(&app.url("/")).await;
        b.wait_text("Gerakan Nasional Peduli Perlindungan Pekerja Rentan")
            .await;
        let protected = b.text("#angka-dilindungi").await;
        assert!(protected.chars().any(|c| c.is_ascii_digit()), "{protected}");
        assert!(!b.overflows().await, "/ is wider than a {width}px window");
        b.screenshot(&format!("wilayah-1-beranda-{name}")).await;
        b.click("#ajak-transparansi").await;
        b.wait_url("/transparansi").await;
        b.find("#grafik-bulanan").await;
        let regencies = b.text("#tabel-kabupaten").await;
        assert!(regencies.contains("Kabupaten Gresik"), "{regencies}");
        assert!(
            !b.overflows().await,
            "/transparansi is wider than a {width}px window"
        );
        b.screenshot(&format!("wilayah-2-transparansi-{name}"))
            .await;
    }
    // English is a click away.
    b.window(1280, 1000).await;
    b.click("#ganti-bahasa").await;
    b.wait_text("GN Lingkaran in the open").await;
    b.click("#ganti-bahasa").await;
    b.wait_text("Transparansi GN Lingkaran").await;

    // Gresik's government signs in and lands on its region.
    b.sign_in(&app, "pemkab.gresik", lingkaran::demo::DEMO_PASSWORD)
        .await;
    b.wait_url("/wilayah/35.25").await;
    let card = b.text("#kartu-cakupan").await;
    assert!(card.contains("40,82%"), "{card}");
    assert!(
        card.contains("715.619") && card.contains("angkatan kerja"),
        "{card}"
    );
    let target = b.text("#kartu-target").await;
    assert!(
        target.contains("52,69%") && target.contains("kurang"),
        "{target}"
    );
    b.find("#grafik-tren .trend").await;
    b.find("#grafik-tren .target").await;
    b.find("#grafik-wilayah").await;
    b.find("#grafik-sumber").await;
    let budget = b.text("#tabel-anggaran").await;
    assert!(budget.contains("Pemerintah Kabupaten Gresik"), "{budget}");
    assert!(budget.contains("Rp 40.000.000"), "{budget}");
    assert!(
        budget.contains("150 pekerja"),
        "the APBD line's workers this month: {budget}"
    );
    b.screenshot("wilayah-3-dasbor").await;
    // The quarterly report, as the UCJ review wants it: the form's PDF and XLSX buttons.
    b.click("#laporan-pdf").await;
    let pdf = b.downloaded(".pdf").await;
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    b.click("#laporan-xlsx").await;
    let xlsx = b.downloaded(".xlsx").await;
    assert!(xlsx.starts_with(b"PK"), "an XLSX (a zip)");
    // Down into Ujungpangkah, whose 100 workers a company funds, and back up.
    b.click("#tabel-wilayah a[href='/wilayah/35.25.07']").await;
    b.wait_url("/wilayah/35.25.07").await;
    b.wait_text("Cakupan Ujungpangkah").await;
    let protected = b.text("#kartu-dilindungi").await;
    assert!(protected.contains("100"), "{protected}");
    b.screenshot("wilayah-4-kecamatan").await;
    b.click("#jejak a[href='/wilayah/35.25']").await;
    b.wait_url("/wilayah/35.25").await;
    // On a phone the dashboard's tables scroll inside their boxes, not the page.
    b.window(390, 844).await;
    b.goto(&app.url("/wilayah/35.25")).await;
    b.find("#kartu-cakupan").await;
    assert!(!b.overflows().await, "the dashboard is wider than a phone");
    b.screenshot("wilayah-5-dasbor-ponsel").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_browser_sqlite() {
    common::on_sqlite(regions_and_public).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_browser_postgres() {
    common::on_postgres(regions_and_public).await
}

/// Claims (issue 13 §2): the officer reports a JKK death at sea for a worker whose month BPJS
/// confirmed, lands on the claim's page (covered, the estimate and its words), records that
/// it went to BPJS, finds it in the queue, and the pages fit a phone.
async fn claims_in_browser(db: Db) {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn(db.clone()).await;
    let demo_dir = tempfile::tempdir().unwrap();
    let demo = lingkaran::demo::seed(&db, demo_dir.path()).await.unwrap();
    // The demo's fisher at Rp 1.000.000, whose month BPJS confirmed.
    let fisher = demo.claim_example.expect("the demo's fisher");
    let (nik, name) = (fisher.nik.clone(), fisher.name.clone());
    let event = fisher.day.to_string();
    let total = 70_000_000;

    let b = driver.browser().await;
    b.sign_in(&app, "petugas", lingkaran::demo::DEMO_PASSWORD)
        .await;
    b.click("#nav-klaim").await;
    b.wait_url("/klaim").await;
    b.click("#laporkan-klaim").await;
    b.wait_url("/klaim/baru").await;
    b.type_into("#nik", &nik).await;
    b.click("#jenis option[value='jkk-death']").await;
    b.set_value("#tanggal", &event).await;
    b.set_value("#jam", "04:30").await;
    b.type_into("#tempat", "Laut Jawa, 5 mil dari Ujungpangkah")
        .await;
    b.type_into("#sebab", "Perahu terbalik diterjang ombak saat melaut")
        .await;
    b.type_into("#pelapor", "Ahmad Fauzi").await;
    b.type_into("#telepon", "0812-3456-7890").await;
    b.screenshot("klaim-1-formulir").await;
    b.click("#kirim-klaim").await;
    b.find("#putusan").await;
    let url = b.current_url().await;
    let id: i64 = url
        .rsplit('/')
        .next()
        .and_then(|s| s.split(['?', '#']).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a claim's page: {url}"));
    assert_eq!(b.text("#putusan").await, "Terlindungi");
    let shown = b.text("#total-perkiraan").await;
    assert_eq!(shown, lingkaran_domain::format::rupiah(total));
    let words = b.text("#terbilang").await;
    assert_eq!(shown, "Rp 70.000.000");
    assert_eq!(words, "tujuh puluh juta rupiah");
    let page = b.body_text().await;
    assert!(page.contains(&name), "the worker's name");
    assert!(!page.contains(&nik), "no NIK on the claim's page");
    b.screenshot("klaim-2-halaman").await;

    // The officer records that it went to BPJS.
    b.click("#tahap-baru option[value='diajukan']").await;
    b.type_into("#catatan", "Berkas dikirim ke BPJS Cabang Gresik")
        .await;
    b.click("#catat").await;
    b.find("#tercatat").await;
    assert_eq!(b.text("#tahap-sekarang").await, "Diajukan ke BPJS");
    let steps = b.text("#tabel-tahapan").await;
    assert!(
        steps.contains("Berkas dikirim ke BPJS Cabang Gresik") && steps.contains("petugas"),
        "{steps}"
    );
    b.screenshot("klaim-3-diajukan").await;

    // The widow, and her copy of the death certificate chosen through the file input.
    b.click("#hubungan option[value='istri']").await;
    b.type_into("#nama-ahli-waris", "Siti Rahayu").await;
    b.type_into("#telepon-ahli-waris", "0813-1111-2222").await;
    b.click("#catat-ahli-waris").await;
    b.find("#ahli-waris-tercatat").await;
    let heirs = b.text("#tabel-ahli-waris").await;
    assert!(
        heirs.contains("Siti Rahayu")
            && heirs.contains("Istri (janda)")
            && heirs.contains("berhak"),
        "{heirs}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("akta-kematian.pdf");
    std::fs::write(
        &file,
        b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    )
    .unwrap();
    b.click("#jenis-dokumen option[value='akta_kematian']")
        .await;
    b.click("#dokumen-ahli-waris option:nth-child(2)").await;
    let input = b.find("#berkas").await;
    b.post(
        &format!("/element/{input}/value"),
        json!({ "text": file.display().to_string() }),
    )
    .await
    .unwrap();
    b.click("#unggah-dokumen").await;
    b.find("#dokumen-tercatat").await;
    let docs = b.text("#tabel-dokumen").await;
    assert!(
        docs.contains("Akta kematian")
            && docs.contains("akta-kematian.pdf")
            && docs.contains("Siti Rahayu"),
        "{docs}"
    );
    b.screenshot("klaim-3b-ahli-waris-dokumen").await;

    // The queue lists it under its stage, with its age and estimate.
    b.goto(&app.url("/klaim")).await;
    let row = b.text(&format!("#klaim-{id}")).await;
    assert!(
        row.contains("Diajukan ke BPJS")
            && row.contains(&name)
            && row.contains(&lingkaran_domain::format::rupiah(total)),
        "{row}"
    );
    b.screenshot("klaim-4-antrian").await;

    // In English.
    b.goto(&app.url(&format!("/klaim/{id}"))).await;
    b.click("#ganti-bahasa").await;
    b.wait_text("Covered").await;
    b.click("#ganti-bahasa").await;
    b.wait_text("Terlindungi").await;

    // On a phone: no page wider than the screen.
    b.window(390, 844).await;
    for path in [
        format!("/klaim/{id}"),
        "/klaim".into(),
        "/klaim/baru".into(),
    ] {
        b.goto(&app.url(&path)).await;
        b.find("h1").await;
        assert!(!b.overflows().await, "{path} is wider than a phone");
    }
    b.goto(&app.url(&format!("/klaim/{id}"))).await;
    b.find("#putusan").await;
    b.screenshot("klaim-5-ponsel").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_browser_sqlite() {
    common::on_sqlite(claims_in_browser).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_browser_postgres() {
    common::on_postgres(claims_in_browser).await
}

/// What a donor sees (issue 14 §4), on a phone-width screen: the demo's CSR officer opens its
/// held donation and follows the payment steps (the bank named, the number to copy, the
/// amount, the time left, a bank's steps opened), opens its paid donation and reads what
/// happened to its workers, then on its account downloads a receipt's PDF and its yearly
/// statement; no page is wider than the phone.
async fn donor_on_a_phone(db: Db) {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn(db.clone()).await;
    let demo_dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(&db, demo_dir.path()).await.unwrap();
    let (held, paid): (i64, i64) = lingkaran::on_db!(&db, |pool| sqlx::query_as(
        "SELECT MIN(CASE WHEN d.status = 'held' THEN d.id END),
                MIN(CASE WHEN d.status = 'funded' THEN d.id END)
         FROM donations d JOIN donors o ON o.id = d.donor_id JOIN users u ON u.id = o.user_id
         WHERE u.username = 'donatur'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();

    let b = driver.browser().await;
    b.window(390, 844).await;
    b.sign_in(&app, "donatur", lingkaran::demo::DEMO_PASSWORD)
        .await;
    // Signed in once the next page shows the way out: going on before that can cut the
    // sign-in's answer (and its session cookie) short on a loaded machine.
    b.find("#keluar").await;

    // The held donation: how to pay it.
    b.goto(&app.url(&format!("/donasi/{held}"))).await;
    b.find("#cara-bayar").await;
    assert!(b.text("#bank-va").await.contains("BRI"));
    let amount = b.text("#jumlah-bayar").await;
    assert!(amount.starts_with("Rp "), "{amount}");
    assert!(b.text("#sisa-waktu").await.contains("Sisa waktu"));
    // The copy button is shown by its script (the CSP allows the one same-origin file).
    b.find("#tombol-salin").await;
    let va = b
        .post(
            "/execute/sync",
            json!({ "script": "return document.getElementById('salin-va').value;", "args": [] }),
        )
        .await
        .unwrap();
    assert!(
        va.as_str()
            .is_some_and(|v| v.len() >= 10 && v.bytes().all(|c| c.is_ascii_digit())),
        "{va}"
    );
    // Another bank's steps: open them and read the first.
    b.click("#cara-bayar details[data-bank='BCA'] summary")
        .await;
    let steps = b.text("#cara-bayar details[data-bank='BCA']").await;
    assert!(steps.contains("BCA"), "{steps}");
    assert!(!b.overflows().await, "the invoice is wider than a phone");
    b.screenshot("donatur-1-cara-bayar-ponsel").await;

    // The paid donation: what happened to each worker.
    b.goto(&app.url(&format!("/donasi/{paid}"))).await;
    b.wait_text("Terlindungi sampai").await;
    assert!(!b.overflows().await, "the donation is wider than a phone");
    b.screenshot("donatur-2-donasi-ponsel").await;

    // The account: a receipt's PDF, then this year's statement.
    b.goto(&app.url("/akun")).await;
    b.find("#laporan-donasi").await;
    assert!(!b.overflows().await, "the account is wider than a phone");
    b.click("#pembayaran a[href$='/pdf']").await;
    let receipt = b.downloaded(".pdf").await;
    assert!(receipt.starts_with(b"%PDF-"), "a receipt PDF");
    for f in std::fs::read_dir(&b.downloads).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    b.click("#laporan-pdf").await;
    let statement = b.downloaded(".pdf").await;
    assert!(statement.starts_with(b"%PDF-"), "a statement PDF");
    b.screenshot("donatur-3-akun-ponsel").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn donor_browser_sqlite() {
    common::on_sqlite(donor_on_a_phone).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn donor_browser_postgres() {
    common::on_postgres(donor_on_a_phone).await
}
