//! Personal data at rest (issue 10 §2): after the demo and the usual scenarios, the SQLite
//! file and its WAL, and a `pg_dump` of the PostgreSQL database, hold no whole NIK and no
//! phone number in plain text; look-ups by NIK, one worker per NIK, possible duplicates and
//! `keys rotate` still work.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::{donations, imports, outbox, sealed, workers, Db};
use lingkaran::privacy::Keyring;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// Every worker's NIK and phone, opened through storage.
async fn secrets(db: &Db) -> (Vec<String>, Vec<String>) {
    let ids: Vec<i64> = lingkaran::on_db!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM workers ORDER BY id"
    )
    .fetch_all(pool)
    .await
    .unwrap());
    let (mut niks, mut phones) = (Vec::new(), Vec::new());
    for id in ids {
        let w = workers::get(db, id).await.unwrap().unwrap();
        niks.push(w.nik);
        phones.extend(w.phone);
    }
    (niks, phones)
}

/// The secrets `bytes` holds in plain text: each NIK or phone as ASCII digits, or as the hex
/// of those digits (how `pg_dump` writes BYTEA). Every such form is a run of ASCII digits, so
/// one pass over the digit runs finds them all.
fn found_in(bytes: &[u8], secrets: &[String]) -> Vec<String> {
    let mut wanted: HashSet<Vec<u8>> = HashSet::new();
    let mut back = std::collections::HashMap::new();
    for s in secrets {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 8 {
            continue;
        }
        for form in [digits.clone(), hex::encode(&digits)] {
            wanted.insert(form.clone().into_bytes());
            back.insert(form.into_bytes(), s.clone());
        }
    }
    let lengths: HashSet<usize> = wanted.iter().map(Vec::len).collect();
    let mut hits = HashSet::new();
    for run in bytes.split(|b| !b.is_ascii_digit()) {
        for &n in &lengths {
            if run.len() < n {
                continue;
            }
            for w in run.windows(n) {
                if wanted.contains(w) {
                    hits.insert(back[w].clone());
                }
            }
        }
    }
    hits.into_iter().collect()
}

/// The demo, an import (a new worker, a NIK registered before, a possible duplicate, a bad
/// phone), a named donation sent with an Idempotency-Key, and the reminders' messages.
async fn scenarios(db: &Db) -> (TestApp, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    lingkaran::demo::seed(db, dir.path()).await.unwrap();
    let app = TestApp::spawn(db.clone()).await;
    let (niks, _) = secrets(db).await;
    let first = workers::get(db, 1).await.unwrap().unwrap();

    let org = app.org("Pemerintah Desa Uji", "35.25.01.2001").await;
    let proposer = app.user("desa.uji", Role::Proposer, Some(org), &[]).await;
    let birth = first.birth_date.format("%d-%m-%Y");
    let sex = if first.sex == "F" { "P" } else { "L" };
    let csv = format!(
        "nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,no_hp,pekerjaan\n\
         3525011203850901,Pekerja Baru,L,12-03-1985,35.25.01.2001,081299990901,petani\n\
         {},Orang Lain,{sex},{birth},35.25.01.2001,,petani\n\
         {},{},{sex},{birth},{},081299990903,petani\n\
         3525011203850904,Salah Telepon,L,12-03-1985,35.25.01.2001,3525011203850905,petani\n",
        first.nik,
        // Another NIK, same name, birth date and regency: a possible duplicate.
        possible_twin(&first.nik),
        first.full_name,
        first.village_code,
    );
    let (s, report) = app.upload(&proposer, "uji.csv", csv.into_bytes()).await;
    assert_eq!(s, 202, "{report}");
    assert_eq!(
        report["duplicates"], 1,
        "a NIK registered before is refused: {report}"
    );
    assert_eq!(report["possible_duplicates"], 1, "{report}");

    // A named donation, kept by its Idempotency-Key (the kept answer and the request carry
    // NIKs).
    let verified: Vec<String> = {
        let mut v = Vec::new();
        for id in 1..200 {
            if let Some(w) = workers::get(db, id).await.unwrap() {
                if w.status == "verified" && v.len() < 2 {
                    v.push(w.nik);
                }
            }
        }
        v
    };
    let (donor, donor_id) = app.sign_up("dermawan.uji", "Dermawan Uji").await;
    // Named donations open once an officer has verified the donor (the gate).
    let officer = app
        .user("petugas.uji", Role::Officer, None, &["35.25"])
        .await;
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/donors/{donor_id}/verify"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let send = || {
        app.client
            .post(app.url("/api/v1/donations"))
            .bearer_auth(&donor.token)
            .header("Idempotency-Key", "named-1")
            .json(&json!({ "mode": "named", "niks": verified, "months": 1, "skip_unavailable": true }))
            .send()
    };
    let first_answer = send().await.unwrap();
    let status = first_answer.status().as_u16();
    let body: Value = first_answer.json().await.unwrap();
    assert!(status == 201 || status == 422, "{status} {body}");
    let again: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(again, body, "the kept answer opens");

    // Messages with phone numbers (the demo queues reminders too).
    outbox::enqueue(
        db,
        &outbox::NewMessage {
            dedupe_key: "uji:1".into(),
            channel: "sms",
            recipient: "081299990901".into(),
            subject: None,
            body: format!("NIK {} terlindungi", niks[0]),
            attachment: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    // A bank statement carrying what donors typed with their transfers: a NIK and a phone.
    // One line pays an invoice (its description becomes the payment's note), one matches
    // nothing and waits for an officer.
    let (s, d) = app
        .post(
            &donor,
            "/api/v1/donations",
            json!({ "mode": "criteria", "count": 1, "months": 1 }),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let (va, amount) = (
        d["invoice"]["va_number"].as_str().unwrap().to_string(),
        d["invoice"]["amount"].as_i64().unwrap(),
    );
    let csv = format!(
        "Tanggal;Keterangan;Referensi;Jumlah;CR/DB\n\
         25/11/2026;TRF VA {va} UNTUK NIK 3525011203850911 HP 6281299990912;FT26329AAA01;{amount};CR\n\
         26/11/2026;TITIP NIK 3525011203850913 HP 081299990914;FT26330BBB02;50000;CR\n"
    );
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("mutasi-uji.csv");
    let form = reqwest::multipart::Form::new()
        .part("file", part)
        .text("account", "1230004567890");
    let (s, r) = app
        .post_multipart(&officer, "/api/v1/statements", form)
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (r["matched"].as_i64(), r["unmatched"].as_i64()),
        (Some(1), Some(1)),
        "{r}"
    );
    // Read back, the lines and the note open.
    let (_, q) = app.get(&officer, "/api/v1/statements/unmatched").await;
    assert!(q.to_string().contains("TITIP NIK 3525011203850913"), "{q}");

    let mut all = niks;
    all.extend(secrets(db).await.1);
    all.extend(
        [
            "3525011203850911",
            "6281299990912",
            "3525011203850913",
            "081299990914",
        ]
        .map(String::from),
    );
    all.push("3525011203850901".into());
    all.push("081299990901".into());
    all.push("3525011203850905".into());
    (app, all)
}

/// A valid NIK of the same person's region and birth date with another serial.
fn possible_twin(nik: &str) -> String {
    format!(
        "{}{}",
        &nik[..12],
        if &nik[12..] == "0999" { "0998" } else { "0999" }
    )
}

async fn lookups_still_work(db: &Db, niks: &[String]) {
    let w = workers::by_nik(db, &niks[0]).await.unwrap().unwrap();
    assert_eq!(w.nik, niks[0]);
    assert!(workers::by_nik(db, "3525010101000001")
        .await
        .unwrap()
        .is_none());
    let flagged = workers::search(
        db,
        &workers::Filter {
            flag: Some(workers::FLAG_POSSIBLE_DUPLICATE.into()),
            ..Default::default()
        },
        &lingkaran::auth::role::Principal {
            user_id: 1,
            username: "admin".into(),
            full_name: "Admin".into(),
            role: Role::Admin,
            organisation_id: None,
            scopes: Vec::new(),
            csrf_token: None,
        },
        1,
        100,
    )
    .await
    .unwrap();
    assert!(flagged.1 >= 1, "possible duplicates are still found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_file_and_its_wal_hold_no_whole_nik_or_phone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rest.db");
    let db = Db::connect(&format!("sqlite://{}", file.display()), common::keys())
        .await
        .unwrap();
    db.migrate(chrono::Utc::now()).await.unwrap();
    let (_app, all) = scenarios(&db).await;
    assert!(all.len() > 1000, "the demo's workers and the scenarios'");
    lookups_still_work(&db, &all).await;
    let main = std::fs::read(&file).unwrap();
    let wal = std::fs::read(dir.path().join("rest.db-wal")).unwrap_or_default();
    assert!(!wal.is_empty(), "the WAL holds the latest pages");
    assert_eq!(
        found_in(&main, &all),
        Vec::<String>::new(),
        "in the database file"
    );
    assert_eq!(found_in(&wal, &all), Vec::<String>::new(), "in the WAL");
    // The check itself finds plain digits and their hex.
    assert_eq!(found_in(b"x3525011203850901y", &all).len(), 1);
    assert_eq!(
        found_in(hex::encode("3525011203850901").as_bytes(), &all).len(),
        1
    );
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_holds_no_whole_nik_or_phone() {
    common::on_postgres_url(|url| async move {
        let db = Db::connect(&url, common::keys()).await.unwrap();
        db.migrate(chrono::Utc::now()).await.unwrap();
        let (_app, all) = scenarios(&db).await;
        lookups_still_work(&db, &all).await;
        let dump = std::process::Command::new("pg_dump")
            .arg("--dbname")
            .arg(&url)
            .output()
            .expect("pg_dump runs");
        assert!(
            dump.status.success(),
            "{}",
            String::from_utf8_lossy(&dump.stderr)
        );
        assert!(dump.stdout.len() > 100_000, "a whole dump");
        assert_eq!(found_in(&dump.stdout, &all), Vec::<String>::new());
        db.close().await;
    })
    .await;
}

fn ring(text: &str) -> Arc<Keyring> {
    Arc::new(Keyring::parse(text).unwrap())
}

const ENC1: &str = "enc 1 1111111111111111111111111111111111111111111111111111111111111111\n";
const ENC2: &str = "enc 2 2222222222222222222222222222222222222222222222222222222222222222\n";
const INDEX: &str = "index 3333333333333333333333333333333333333333333333333333333333333333\n";

/// Stores a worker list (one bad row), a named donation and a message under `db`'s keys.
async fn some_data(db: &Db, tag: u32) -> Vec<String> {
    let app = TestApp::spawn(db.clone()).await;
    let org = app.org(&format!("Desa {tag}"), "35.25.01.2001").await;
    let proposer = app
        .user(&format!("desa{tag}"), Role::Proposer, Some(org), &[])
        .await;
    let who = ["Nol", "Ani", "Budi"][tag as usize % 3];
    let niks = [
        format!("35250112038{tag}0001"),
        format!("35250112038{tag}0002"),
    ];
    let csv = format!(
        "nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,no_hp,pekerjaan\n\
         {},Satu {who},L,12-03-198{tag},35.25.01.2001,0812999{tag}0001,petani\n\
         {},Dua {who},L,12-03-198{tag},35.25.01.2001,0812999{tag}0002,petani\n\
         {},Tiga {who},L,12-03-198{tag},35.25.01.2001,,petani\n",
        niks[0], niks[1], niks[0]
    );
    let (s, r) = app.upload(&proposer, "daftar.csv", csv.into_bytes()).await;
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["accepted"], 2, "{r}");
    outbox::enqueue(
        db,
        &outbox::NewMessage {
            dedupe_key: format!("rotate:{tag}"),
            channel: "sms",
            recipient: format!("0812999{tag}0001"),
            subject: None,
            body: format!("NIK {}", niks[0]),
            attachment: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    niks.to_vec()
}

async fn everything_opens(db: &Db, niks: &[String]) {
    for nik in niks {
        let w = workers::by_nik(db, nik).await.unwrap().unwrap();
        assert_eq!(&w.nik, nik);
        assert!(w.phone.is_some());
    }
    let list = imports::list(db, None, 100).await.unwrap();
    for i in &list {
        for e in imports::errors(db, i.id, "error", 100).await.unwrap() {
            assert!(niks.contains(&e.value), "{e:?}");
        }
    }
    let messages = outbox::list(db, None, 100).await.unwrap();
    assert!(messages.iter().all(|m| m.recipient.starts_with("0812")));
    donations::list(db, None, 100).await.unwrap();
}

/// `keys rotate` on one store: values sealed under key 1 and key 2 side by side (what a
/// rotation stopped half-way leaves) all open; the rotation re-seals only key 1's, in batches,
/// and a second run finds nothing; then key 1 can leave the key file. The blind index does
/// not change, so a NIK registered before is still refused.
async fn rotation(url: String) {
    let old = Db::connect(&url, ring(&format!("{ENC1}{INDEX}")))
        .await
        .unwrap();
    old.migrate(chrono::Utc::now()).await.unwrap();
    let mut niks = some_data(&old, 1).await;
    old.close().await;

    let both = Db::connect(&url, ring(&format!("{ENC1}{ENC2}{INDEX}")))
        .await
        .unwrap();
    niks.extend(some_data(&both, 2).await);
    everything_opens(&both, &niks).await;
    let r = sealed::rotate(&both, 2, Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    let by = |c: &str| r.columns.iter().find(|(n, _)| n == c).unwrap().1;
    assert_eq!(by("workers.nik"), 2, "key 1's NIKs only: {r:?}");
    assert_eq!(by("workers.phone"), 2, "{r:?}");
    assert_eq!(by("import_errors.value"), 1, "{r:?}");
    assert_eq!(by("outbox.recipient"), 1, "{r:?}");
    assert_eq!(
        sealed::rotate(&both, 2, Actor::Cli, chrono::Utc::now())
            .await
            .unwrap()
            .total(),
        0,
        "nothing left"
    );
    // Each run is on the audit trail, with what it moved, and the chain still verifies.
    let runs: Vec<String> = lingkaran::on_db!(&both, |pool| sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'keys.rotate' ORDER BY id"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs[0].contains("\"workers.nik\",2"), "{}", runs[0]);
    assert!(lingkaran::db::audit::verify(&both).await.unwrap().ok);
    both.close().await;

    let new = Db::connect(&url, ring(&format!("{ENC2}{INDEX}")))
        .await
        .unwrap();
    everything_opens(&new, &niks).await;
    let app = TestApp::spawn(new.clone()).await;
    let proposer: Token = app.user("desa3", Role::Proposer, Some(1), &[]).await;
    let csv = format!(
        "nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,pekerjaan\n{},Lagi,L,12-03-1981,35.25.01.2001,petani\n",
        niks[0]
    );
    let (_, r) = app.upload(&proposer, "lagi.csv", csv.into_bytes()).await;
    assert_eq!(r["duplicates"], 1, "{r}");
    new.close().await;

    // Without the key its values were sealed with, a value does not open: an error, never
    // a wrong answer.
    let lost = Db::connect(&url, ring(&format!("enc 3 {}\n{INDEX}", "4".repeat(64))))
        .await
        .unwrap();
    assert!(workers::by_nik(&lost, &niks[0]).await.is_err());
    lost.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_rotate_on_sqlite() {
    common::on_sqlite_url(rotation).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_rotate_on_postgres() {
    common::on_postgres_url(rotation).await;
}

/// The remittance files carry whole NIKs: only their owner may read them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remittance_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rf.db");
    let db = Db::connect(&format!("sqlite://{}", file.display()), common::keys())
        .await
        .unwrap();
    db.migrate(chrono::Utc::now()).await.unwrap();
    let out = dir.path().join("remit");
    std::fs::create_dir_all(&out).unwrap();
    let summary = lingkaran::demo::seed(&db, &out).await.unwrap();
    let mut seen = 0;
    for e in std::fs::read_dir(&summary.dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("remit-") {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}");
            seen += 1;
        }
    }
    assert!(seen > 0, "the demo's cycle wrote remittance files");
    db.close().await;
}

/// `serve` refuses to start without keys, saying what to do; the demo makes its own.
#[test]
fn serve_refuses_to_start_without_keys() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_lingkaran"))
        .env_remove("LINGKARAN_KEY_FILE")
        .env("LINGKARAN_PROVIDER_SECRET", "rahasia-uji")
        .args(["serve", "--addr", "127.0.0.1:0", "--db", &url])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("LINGKARAN_KEY_FILE") && err.contains("Tidak ada kunci"),
        "{err}"
    );
    assert!(
        !dir.path().join("s.db").exists(),
        "refused before touching the database"
    );
}

/// A database an older version wrote (migrations up to 0017, before anything was sealed),
/// opened by this one: the first open seals every plain NIK, phone and free text, gives the
/// workers and covered NIKs their blind index, and everything still reads and matches.
async fn an_older_database(url: String) {
    let keys = common::keys();
    let db = Db::connect(&url, keys.clone()).await.unwrap();
    if db.kind() == "postgres" {
        // The URL is of a migrated database: start from an empty one.
        common::empty_postgres(&db).await;
    }
    let mut old = if db.kind() == "postgres" {
        sqlx::migrate!("migrations/postgres")
    } else {
        sqlx::migrate!("migrations/sqlite")
    };
    old.migrations = std::borrow::Cow::Owned(
        old.migrations
            .iter()
            .filter(|m| m.version <= 17)
            .cloned()
            .collect(),
    );
    lingkaran::on_db!(&db, |pool| old.run(pool).await).unwrap();
    let now = chrono::Utc::now();
    let day = chrono::NaiveDate::from_ymd_opt(1985, 3, 12).unwrap();
    let statements: &[&str] = &[
        "INSERT INTO regions (code, name, level, parent) VALUES ('35', 'JAWA TIMUR', 1, NULL),
           ('35.25', 'KAB. GRESIK', 2, '35'), ('35.25.01', 'Wringinanom', 3, '35.25'),
           ('35.25.01.2001', 'Wringinanom', 4, '35.25.01')",
        "INSERT INTO organisations (id, name, kind, region_code, created_at)
           VALUES (1, 'Desa Lama', 'desa', '35.25.01.2001', $1)",
        "INSERT INTO users (id, username, full_name, password_hash, role, organisation_id, created_at)
           VALUES (100, 'lama', 'Petugas Lama', '!', 'officer', NULL, $1)",
        "INSERT INTO workers (nik, full_name, name_key, sex, birth_date, village_code,
           regency_code, phone, occupation, income, organisation_id, proposed_by, status,
           created_at, updated_at)
         VALUES ('3525011203850931', 'Pekerja Lama', 'pekerja lama', 'M', $2, '35.25.01.2001',
           '35.25', '+6281299990931', 'petani', 1500000, 1, 100, 'verified', $1, $1)",
        "INSERT INTO covered_niks (nik, imported_by, imported_at)
           VALUES ('3525011203850932', 100, $1)",
        "INSERT INTO outbox (dedupe_key, channel, recipient, body, status, next_attempt_at,
           created_at)
         VALUES ('lama:1', 'sms', '081299990933', 'NIK 3525011203850931 terlindungi',
           'sent', $1, $1)",
        "INSERT INTO bank_statements (id, sha256, filename, format, uploaded_by, created_at)
           VALUES (1, 'abc', 'mutasi-lama.csv', 'csv', 100, $1)",
        "INSERT INTO statement_lines (statement_id, line_no, booked_on, amount, reference,
           description, status)
         VALUES (1, 2, '2026-11-25', 50000, 'FT26329LAMA', 'TITIP NIK 3525011203850934',
           'unmatched')",
    ];
    for sql in statements {
        lingkaran::on_db!(&db, |pool| sqlx::query(sql)
            .bind(now)
            .bind(day)
            .execute(pool)
            .await
            .map(|_| ()))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    // This version opens it: the migrations, then the sealing (what `serve` does).
    db.migrate(now).await.unwrap();
    let sealed_now = sealed::seal_plain(&db, 2).await.unwrap();
    assert!(
        sealed_now >= 7,
        "NIK, index, phone, covered, outbox ×2, line: {sealed_now}"
    );
    assert_eq!(
        sealed::seal_plain(&db, 2).await.unwrap(),
        0,
        "once is enough"
    );

    let w = workers::by_nik(&db, "3525011203850931")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.full_name, "Pekerja Lama");
    assert_eq!(w.phone.as_deref(), Some("+6281299990931"));
    let covered: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM covered_niks WHERE nik_index = $1"
    )
    .bind(sealed::nik_index(&keys, "3525011203850932"))
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(covered, 1, "the insurer's list still matches");
    let lines = lingkaran::db::statements::unmatched(&db, 10).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].description, "TITIP NIK 3525011203850934");
    assert_eq!(lines[0].reference.as_deref(), Some("FT26329LAMA"));
    let messages = outbox::list(&db, None, 10).await.unwrap();
    assert!(messages[0].body.contains("3525011203850931"));

    // And nothing of it is left in plain text, in any column.
    let secrets: Vec<String> = [
        "3525011203850931",
        "6281299990931",
        "3525011203850932",
        "081299990933",
        "3525011203850934",
    ]
    .map(String::from)
    .to_vec();
    for (table, columns) in [
        ("workers", "nik, nik_index, phone"),
        ("covered_niks", "nik_index"),
        ("outbox", "recipient, body"),
        ("statement_lines", "reference, description"),
    ] {
        for column in columns.split(", ") {
            let raw = if db.kind() == "sqlite" {
                format!("SELECT CAST({column} AS BLOB) FROM {table}")
            } else {
                format!("SELECT {column} FROM {table}")
            };
            let values: Vec<Option<Vec<u8>>> =
                lingkaran::on_db!(&db, |pool| sqlx::query_scalar(&raw).fetch_all(pool).await)
                    .unwrap();
            for v in values.into_iter().flatten() {
                assert_eq!(
                    found_in(&v, &secrets),
                    Vec::<String>::new(),
                    "{table}.{column}"
                );
            }
        }
    }
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_sqlite_database_is_sealed_when_opened() {
    common::on_sqlite_url(an_older_database).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_postgres_database_is_sealed_when_opened() {
    common::on_postgres_url(an_older_database).await;
}
