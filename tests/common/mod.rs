//! Test support: a fresh database of each kind per test, a real server on a free port, and
//! typed helpers to call it. Every storage test runs through [`both_dbs!`] on SQLite and
//! PostgreSQL.
#![allow(dead_code, clippy::unwrap_used)]

use lingkaran::app::AppState;
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::users::{self, NewUser};
use lingkaran::db::Db;
use serde_json::Value;
use sqlx::Connection;
use std::future::Future;

pub mod conform;
pub mod documents;
pub mod pages;

pub const PASSWORD: &str = "kata-sandi-uji";

/// The tests' key file: fixed keys, so a test that opens the store itself and the binary it
/// runs read the same sealed values.
pub const TEST_KEYS: &str = "enc 1 6c696e676b6172616e207465737420656e63206b6579206f6e65203131313131
index 6c696e676b6172616e207465737420696e646578206b65792032323232323232
";

/// The tests' keyring (see [`TEST_KEYS`]).
pub fn keys() -> std::sync::Arc<lingkaran::privacy::Keyring> {
    std::sync::Arc::new(lingkaran::privacy::Keyring::parse(TEST_KEYS).unwrap())
}

/// A file holding [`TEST_KEYS`], for the binary (`LINGKARAN_KEY_FILE`), written once per
/// test process.
pub fn key_file() -> std::path::PathBuf {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lingkaran-test-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("keys");
        std::fs::write(&path, TEST_KEYS).unwrap();
        path
    })
    .clone()
}

/// The base URL a `lingkaran serve` child (stdout piped) prints when it listens
/// (`Lingkaran: http://127.0.0.1:PORT/ …`). The rest of its stdout is read in the background,
/// so the child never blocks on a full pipe.
pub fn served_at(child: &mut std::process::Child) -> String {
    use std::io::{BufRead, BufReader};
    let out = child.stdout.take().expect("serve's stdout is piped");
    let mut lines = BufReader::new(out).lines();
    let base = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("Lingkaran: ") {
            break rest
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches('/')
                .to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    base
}

/// The `lingkaran` binary with the tests' keys.
pub fn lingkaran() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_lingkaran"));
    c.env("LINGKARAN_KEY_FILE", key_file());
    c
}

/// Where the PostgreSQL tests connect. CI sets `LINGKARAN_REQUIRE_PG=1`, which turns
/// "PostgreSQL is not reachable" from a skip into a failure.
fn pg_admin_url() -> String {
    std::env::var("LINGKARAN_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn pg_required() -> bool {
    std::env::var("LINGKARAN_REQUIRE_PG").is_ok_and(|v| v == "1")
}

fn with_db(url: &str, name: &str) -> String {
    match url.rfind('/') {
        Some(i) => format!("{}/{}", &url[..i], name),
        None => url.to_string(),
    }
}

/// A template database, migrated once per schema version, that each test clones.
async fn pg_template(admin: &mut sqlx::PgConnection) -> String {
    let mut hash = 0u64;
    let mut files: Vec<_> = std::fs::read_dir("migrations/postgres")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read(f).unwrap_or_default();
        for b in text {
            hash = hash.wrapping_mul(31).wrapping_add(u64::from(b));
        }
    }
    let name = format!("lk_template_{:x}", hash & 0xffff_ffff);
    sqlx::query("SELECT pg_advisory_lock(727274)")
        .execute(&mut *admin)
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut *admin)
            .await
            .unwrap();
    if !exists {
        let building = format!("{name}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut *admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&mut *admin)
            .await
            .unwrap();
        let db = Db::connect(&with_db(&pg_admin_url(), &building), keys())
            .await
            .unwrap();
        db.migrate(chrono::Utc::now()).await.unwrap();
        db.close().await;
        // A closed connection's server process may linger for a moment (longer on a loaded
        // machine), and a database with a session cannot be renamed: end those sessions,
        // then wait for them.
        let mut tries = 0;
        loop {
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(&building)
            .execute(&mut *admin)
            .await
            .unwrap();
            let r = sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                .execute(&mut *admin)
                .await;
            match r {
                Ok(_) => break,
                Err(e)
                    if tries < 600 && e.to_string().contains("being accessed by other users") =>
                {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(e) => panic!("renaming the template: {e}"),
            }
        }
    }
    sqlx::query("SELECT pg_advisory_unlock(727274)")
        .execute(&mut *admin)
        .await
        .unwrap();
    name
}

/// Runs `test` against a fresh PostgreSQL database, dropped afterwards.
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    on_postgres_url(|url| async move {
        let db = Db::connect(&url, keys()).await.unwrap();
        db.migrate(chrono::Utc::now()).await.unwrap();
        test(db.clone()).await;
        db.close().await;
    })
    .await
}

/// Runs `test` with the URL of a fresh, migrated PostgreSQL database, dropped afterwards.
pub async fn on_postgres_url<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut admin = match sqlx::PgConnection::connect(&pg_admin_url()).await {
        Ok(c) => c,
        Err(e) if !pg_required() => {
            eprintln!("SKIPPED: PostgreSQL is not reachable at {} ({e}); set LINGKARAN_TEST_PG or start it", pg_admin_url());
            return;
        }
        Err(e) => panic!("PostgreSQL is required (LINGKARAN_REQUIRE_PG=1) but not reachable: {e}"),
    };
    let template = pg_template(&mut admin).await;
    let name = format!(
        "lk_test_{}",
        lingkaran::auth::password::random_token()
            .get(0..16)
            .unwrap()
    );
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&mut admin)
        .await
        .unwrap();
    test(with_db(&pg_admin_url(), &name)).await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
}

/// Empties a PostgreSQL database that [`on_postgres_url`] gave migrated: no table left, as a
/// database an older version (or a restore) starts from.
pub async fn empty_postgres(db: &Db) {
    lingkaran::on_db!(db, |pool| sqlx::raw_sql(
        "DROP SCHEMA public CASCADE; CREATE SCHEMA public"
    )
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
}

/// Runs `test` against a fresh SQLite file in a temporary directory.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    on_sqlite_url(|url| async move {
        let db = Db::connect(&url, keys()).await.unwrap();
        db.migrate(chrono::Utc::now()).await.unwrap();
        test(db.clone()).await;
        db.close().await;
    })
    .await
}

/// Runs `test` with the URL of a fresh SQLite file (not yet migrated).
pub async fn on_sqlite_url<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    test(format!("sqlite://{}", dir.path().join("test.db").display())).await;
}

/// Like [`both_dbs!`], but the body gets a database URL, for tests that run the binary.
#[macro_export]
macro_rules! both_urls {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::on_sqlite_url($body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::common::on_postgres_url($body).await
            }
        }
    };
}

/// Declares one test that runs on SQLite and on PostgreSQL:
/// `both_dbs!(name, |db| async move { … });`
#[macro_export]
macro_rules! both_dbs {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::common::on_sqlite($body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::common::on_postgres($body).await
            }
        }
    };
}

/// The service, listening on a free port of 127.0.0.1.
pub struct TestApp {
    pub db: Db,
    pub base: String,
    pub client: reqwest::Client,
}

impl TestApp {
    /// The service with the environment's settings, except that every test client comes
    /// from 127.0.0.1 and signs up many donors who give freely: sign-up throttling and the
    /// hold limits of donors who signed up alone are lifted. Tests of those use
    /// [`TestApp::spawn_with`].
    pub async fn spawn(db: Db) -> TestApp {
        let mut settings = lingkaran::app::Settings::from_env();
        settings.signups_per_hour = i64::MAX;
        settings.self_donor_limits = lingkaran::db::donations::HoldLimits {
            workers: i64::MAX,
            donations: i64::MAX,
        };
        TestApp::spawn_with(db, settings).await
    }

    pub async fn spawn_with(db: Db, settings: lingkaran::app::Settings) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::with_settings(db.clone(), settings);
        tokio::spawn(async move {
            let config = lingkaran::config::Config::from_env().unwrap();
            let _ = lingkaran::app::serve(state, listener, &config).await;
        });
        TestApp {
            db,
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Creates a user directly in the store and returns a bearer token for them.
    pub async fn user(
        &self,
        username: &str,
        role: Role,
        org: Option<i64>,
        regions: &[&str],
    ) -> Token {
        let regions: Vec<String> = regions.iter().map(|s| s.to_string()).collect();
        let id = users::create_user(
            &self.db,
            &NewUser {
                username,
                full_name: username,
                password: PASSWORD,
                role,
                organisation_id: org,
                regions: &regions,
            },
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let token = users::create_api_token(&self.db, id, "test", Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
        Token { id, token }
    }

    /// The village most donation tests fund: Desa Sawo's government (35.25.01.2001) proposes
    /// as `desa`, `petugas` (an officer of 35.25) verifies, and `workers` verified workers live
    /// in 35.25.01, made reproducibly from `seed`. Returns the verified workers' ids.
    pub async fn village(&self, workers: usize, seed: u64) -> Village {
        let org = self.org("Pemerintah Desa Sawo", "35.25.01.2001").await;
        let proposer = self.user("desa", Role::Proposer, Some(org), &[]).await;
        let officer = self.user("petugas", Role::Officer, None, &["35.25"]).await;
        let workers = lingkaran::demo::verified_workers(
            &self.db,
            (proposer.id, org),
            officer.id,
            "35.25.01",
            workers,
            seed,
        )
        .await
        .unwrap();
        Village {
            org,
            proposer,
            officer,
            workers,
        }
    }

    /// A donor who signs up alone over the API (201 asserted): their token and donor id.
    pub async fn sign_up(&self, username: &str, full_name: &str) -> (Token, i64) {
        let r = self
            .client
            .post(self.url("/api/v1/signup"))
            .json(&serde_json::json!({ "username": username, "full_name": full_name, "password": "rahasia-sekali" }))
            .send()
            .await
            .unwrap();
        let (s, v) = checked("POST", "/api/v1/signup", r).await;
        assert_eq!(s, 201, "{v}");
        (
            Token {
                id: v["user_id"].as_i64().unwrap(),
                token: v["token"].as_str().unwrap().to_string(),
            },
            v["donor_id"].as_i64().unwrap(),
        )
    }

    pub async fn org(&self, name: &str, region: &str) -> i64 {
        users::create_organisation(
            &self.db,
            name,
            "desa",
            region,
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap()
    }

    pub async fn get(&self, t: &Token, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(&t.token)
            .send()
            .await
            .unwrap();
        checked("GET", path, r).await
    }

    pub async fn post(&self, t: &Token, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(&t.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        checked("POST", path, r).await
    }

    pub async fn put(&self, t: &Token, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .client
            .put(self.url(path))
            .bearer_auth(&t.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        checked("PUT", path, r).await
    }

    /// Uploads a list as `t`. The service answers 202 at once and stores the rows in a job;
    /// this waits for the job, as a client polling `GET /api/v1/imports/{id}` would, and
    /// returns the upload's status with the finished report.
    pub async fn upload(&self, t: &Token, name: &str, bytes: Vec<u8>) -> (u16, Value) {
        let (s, v) = self.upload_only(t, name, bytes).await;
        if s != 202 {
            return (s, v);
        }
        let id = v["import_id"].as_i64().unwrap();
        (s, self.wait_import(t, id).await)
    }

    /// Uploads a list as `t` and returns the answer as it comes (202 and the report so far).
    pub async fn upload_only(&self, t: &Token, name: &str, bytes: Vec<u8>) -> (u16, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        self.post_multipart(t, "/api/v1/imports", form).await
    }

    /// Polls import `id`'s report until its job ended (`done` or `failed`).
    pub async fn wait_import(&self, t: &Token, id: i64) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let (s, v) = self.get(t, &format!("/api/v1/imports/{id}")).await;
            assert_eq!(s, 200, "{v}");
            if v["status"] != "running" {
                return v;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "import {id} still running: {v}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// POSTs a multipart form as `t`; the answer is checked against the OpenAPI document.
    pub async fn post_multipart(
        &self,
        t: &Token,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> (u16, Value) {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(&t.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        checked("POST", path, r).await
    }
}

impl TestApp {
    /// Delivers the payment provider's signed virtual-account callback, as the provider would.
    pub async fn pay_callback(
        &self,
        va: &str,
        invoice: &str,
        amount: i64,
        txn: &str,
    ) -> (u16, Value) {
        send_callback(&self.client, &self.base, va, invoice, amount, txn).await
    }
}

/// Sends a signed provider callback to the service at `base`.
pub async fn send_callback(
    client: &reqwest::Client,
    base: &str,
    va: &str,
    invoice: &str,
    amount: i64,
    txn: &str,
) -> (u16, Value) {
    let body = lingkaran::payments::callback::body(va, invoice, amount, txn, chrono::Utc::now());
    send_raw_callback(client, base, body, txn).await
}

/// Signs and sends `body` as the provider would, whatever it holds (for hostile bodies).
pub async fn send_raw_callback(
    client: &reqwest::Client,
    base: &str,
    body: String,
    txn: &str,
) -> (u16, Value) {
    use lingkaran::payments::callback;
    let now = chrono::Utc::now();
    let ts = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let request_id = format!(
        "req-{txn}-{}",
        now.timestamp_nanos_opt().unwrap_or_default()
    );
    let sig = callback::sign(
        lingkaran::app::DEMO_PROVIDER_SECRET,
        lingkaran::app::DEMO_PROVIDER_CLIENT_ID,
        &request_id,
        &ts,
        body.as_bytes(),
    );
    let r = client
        .post(format!("{base}{}", callback::PATH))
        .header("Client-Id", lingkaran::app::DEMO_PROVIDER_CLIENT_ID)
        .header("Request-Id", request_id)
        .header("Request-Timestamp", ts)
        .header("Signature", sig)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    checked("POST", callback::PATH, r).await
}

/// What [`TestApp::village`] made.
pub struct Village {
    pub org: i64,
    pub proposer: Token,
    pub officer: Token,
    pub workers: Vec<i64>,
}

pub struct Token {
    pub id: i64,
    pub token: String,
}

/// An API token of the user `username` (a demo's `donatur`, say), made as the CLI makes one.
pub async fn user_token(db: &Db, username: &str) -> Token {
    let id: i64 = lingkaran::on_db!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM users WHERE username = $1"
    )
    .bind(username)
    .fetch_one(pool)
    .await)
    .unwrap();
    let token = lingkaran::db::users::create_api_token(
        db,
        id,
        "uji",
        lingkaran::db::audit::Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    Token { id, token }
}

/// [`status_json`], after checking the answer against the OpenAPI document
/// ([`conform::check`]).
pub async fn checked(method: &str, path: &str, r: reqwest::Response) -> (u16, Value) {
    let json = r
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (status, v) = status_json(r).await;
    conform::check(method, path, status, if json { &v } else { &Value::Null });
    (status, v)
}

pub async fn status_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, v)
}

/// A valid NIK for a test person: district `352501` (Dukun, Gresik) unless given.
pub fn nik(district: &str, female: bool, birth: &str, serial: u16) -> String {
    let d = chrono::NaiveDate::parse_from_str(birth, "%Y-%m-%d").unwrap();
    let sex = if female {
        lingkaran_domain::Sex::Female
    } else {
        lingkaran_domain::Sex::Male
    };
    lingkaran_domain::Nik::from_parts(district, sex, d, serial, lingkaran::clock::today())
        .unwrap()
        .to_string()
}

/// Makes a donation from `donor` (chosen as `choice`, for `months` from the first payable
/// month) and pays its invoice in full by the provider's callback `txn`. Returns the donation
/// and what was paid.
pub async fn give_and_pay(
    db: &Db,
    donor: i64,
    by: i64,
    choice: lingkaran::db::donations::Choice,
    months: u32,
    txn: &str,
) -> (i64, i64) {
    use lingkaran::db::donations::{self, NewDonation};
    use lingkaran::db::payments::{self, NewPayment, Source, Target};
    let today = lingkaran::clock::today();
    let made = donations::create(
        db,
        &NewDonation {
            donor_id: donor,
            budget_line_id: None,
            choice,
            start: lingkaran_domain::rates::Month::first_payable(today),
            months,
            extends_id: None,
            created_by: by,
            hold: chrono::Duration::hours(24),
            request_json: "{}".into(),
            today,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    let inv = donations::invoice_of(db, made.id).await.unwrap().unwrap();
    payments::book(
        db,
        &NewPayment {
            source: Source::Callback,
            reference: txn.into(),
            target: Target::Va(inv.va_number),
            amount: inv.amount,
            paid_on: today,
            channel: None,
            evidence_name: None,
            evidence: None,
            recorded_by: Actor::System("provider"),
            note: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    (made.id, inv.amount)
}

/// Books `amount` to `donor`'s credit by hand, paid today: a payment with its own receipt.
/// Its id.
pub async fn to_credit(db: &Db, donor: i64, reference: &str, amount: i64) -> i64 {
    use lingkaran::db::payments::{self, NewPayment, Source, Target};
    payments::book(
        db,
        &NewPayment {
            source: Source::Manual,
            reference: reference.into(),
            target: Target::Donor(donor),
            amount,
            paid_on: lingkaran::clock::today(),
            channel: Some("manual".into()),
            evidence_name: None,
            evidence: None,
            recorded_by: Actor::Cli,
            note: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap()
    .payment_id
}

/// A donor that staff created: a `company` (with an NPWP) or an `institution`.
pub async fn staff_donor(db: &Db, kind: &str, name: &str, by: i64) -> i64 {
    lingkaran::db::donors::create(
        db,
        &lingkaran::db::donors::NewDonor {
            kind,
            name,
            npwp: (kind == "company").then_some("012345678901234"),
            region_code: None,
            user_id: None,
            created_by: by,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
}
