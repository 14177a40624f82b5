//! Long work as jobs (issue 11, part 4): claimed with a lease, once per runner, taken over when
//! its runner dies. The storage tests run on both stores; the process tests start real
//! `lingkaran serve` and `lingkaran worker` processes on one database, as a site would.
#![allow(clippy::unwrap_used)]

use crate::common;

use chrono::{Duration, Utc};
use lingkaran::db::audit::Actor;
use lingkaran::db::jobs;
use lingkaran::db::Db;
use lingkaran::usecase::jobs::Env;
use std::process::{Child, Stdio};

fn env(runner: &str) -> Env {
    Env {
        runner: runner.into(),
        ..Env::for_imports(Duration::seconds(30))
    }
}

both_dbs!(
    a_job_is_leased_to_one_runner_and_taken_over_when_the_lease_runs_out,
    |db| async move {
        let now = Utc::now();
        assert!(jobs::enqueue(&db, "test", "test:1", "{}", now)
            .await
            .unwrap());
        assert!(
            !jobs::enqueue(&db, "test", "test:1", "{}", now)
                .await
                .unwrap(),
            "one job per key"
        );
        let lease = Duration::seconds(30);
        let a = jobs::claim(&db, "a", lease, None, now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((a.state.as_str(), a.attempts), ("running", 1));
        assert_eq!(a.leased_by.as_deref(), Some("a"));
        assert_eq!(
            jobs::claim(&db, "b", lease, None, now + Duration::seconds(29))
                .await
                .unwrap(),
            None,
            "leased to a"
        );
        // a renews while it works; then it dies, and its lease runs out.
        assert!(jobs::renew(&db, a.id, "a", now + Duration::seconds(60))
            .await
            .unwrap());
        assert_eq!(
            jobs::claim(&db, "b", lease, None, now + Duration::seconds(59))
                .await
                .unwrap(),
            None
        );
        let b = jobs::claim(&db, "b", lease, None, now + Duration::seconds(61))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (b.id, b.attempts),
            (a.id, 2),
            "the same job, a second attempt"
        );
        // a wakes up: its lease is gone, it can neither renew nor finish the job.
        assert!(!jobs::renew(&db, a.id, "a", now + Duration::seconds(90))
            .await
            .unwrap());
        jobs::finish(&db, &a, "a", None, now).await.unwrap();
        assert_eq!(
            jobs::get(&db, "test:1").await.unwrap().unwrap().state,
            "running"
        );
        assert_eq!(jobs::finish(&db, &b, "b", None, now).await.unwrap(), "done");
        let done = jobs::get(&db, "test:1").await.unwrap().unwrap();
        assert_eq!(
            (done.state.as_str(), done.leased_by.as_deref()),
            ("done", Some("b"))
        );
        assert_eq!(
            jobs::claim(&db, "c", lease, None, now + Duration::days(1))
                .await
                .unwrap(),
            None,
            "a done job is never claimed again"
        );
    }
);

both_dbs!(
    a_failing_job_is_retried_later_then_given_up,
    |db| async move {
        let mut now = Utc::now();
        jobs::enqueue(&db, "test", "test:fails", "{}", now)
            .await
            .unwrap();
        let lease = Duration::seconds(30);
        for attempt in 1..=jobs::MAX_ATTEMPTS {
            let j = jobs::claim(&db, "a", lease, None, now)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(j.attempts, attempt);
            let state = jobs::finish(&db, &j, "a", Some(("disk full", true)), now)
                .await
                .unwrap();
            let expected = if attempt < jobs::MAX_ATTEMPTS {
                "queued"
            } else {
                "failed"
            };
            assert_eq!(state, expected);
            assert_eq!(
                jobs::claim(&db, "a", lease, None, now).await.unwrap(),
                None,
                "not again at once: it backs off"
            );
            now += Duration::hours(1);
        }
        let j = jobs::get(&db, "test:fails").await.unwrap().unwrap();
        assert_eq!(j.last_error.as_deref(), Some("disk full"));
        assert_eq!(jobs::claim(&db, "a", lease, None, now).await.unwrap(), None);
    }
);

both_dbs!(
    runners_claiming_at_once_take_each_job_once,
    |db| async move {
        let now = Utc::now();
        for i in 0..40 {
            jobs::enqueue(&db, "test", &format!("test:{i}"), "{}", now)
                .await
                .unwrap();
        }
        let mut tasks = Vec::new();
        for r in 0..4 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let runner = format!("r{r}");
                    match jobs::claim(&db, &runner, Duration::seconds(30), None, Utc::now()).await {
                        Ok(Some(j)) => {
                            jobs::finish(&db, &j, &runner, None, Utc::now())
                                .await
                                .unwrap();
                            mine.push(j.id);
                        }
                        Ok(None) => return mine,
                        // SQLite's single writer may keep a claimer waiting past its patience.
                        Err(e) => panic!("{e}"),
                    }
                }
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all.sort();
        let n = all.len();
        all.dedup();
        assert_eq!((n, all.len()), (40, 40), "every job claimed, none twice");
        for j in jobs::list(&db, Some("test"), 100).await.unwrap() {
            assert_eq!((j.state.as_str(), j.attempts), ("done", 1), "{j:?}");
        }
    }
);

both_dbs!(
    periodic_jobs_are_queued_once_per_period_however_many_runners_queue_them,
    |db| async move {
        let now = Utc::now();
        let mut e = env("a");
        e.cycle_day = 1;
        // A runner just started queues only the minute's jobs; the day's wait.
        lingkaran::usecase::jobs::queue_due(&db, &e, now, false)
            .await
            .unwrap();
        assert_eq!(jobs::list(&db, None, 100).await.unwrap().len(), 1);
        for runner in ["a", "b", "a"] {
            e.runner = runner.into();
            lingkaran::usecase::jobs::queue_due(&db, &e, now, true)
                .await
                .unwrap();
        }
        let mut kinds: Vec<String> = jobs::list(&db, None, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|j| j.kind)
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            ["audit_head", "cycle", "digest", "housekeeping", "reminders"]
        );
        // A minute later: a new housekeeping job (due then); the day's jobs stay one each.
        let next_minute = (now + Duration::hours(7) + Duration::minutes(1))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        lingkaran::usecase::jobs::queue_due(&db, &e, now + Duration::minutes(1), true)
            .await
            .unwrap();
        assert_eq!(
            jobs::list(&db, Some("housekeeping"), 10)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(jobs::list(&db, Some("cycle"), 10).await.unwrap().len(), 1);
        // The month just ended's digest: one job, keyed by the month.
        let digests = jobs::list(&db, Some("digest"), 10).await.unwrap();
        assert_eq!(digests.len(), 1);
        let ended = lingkaran_domain::rates::Month::of(lingkaran::clock::wib_date(now)).prev();
        assert_eq!(digests[0].key, format!("digest:{ended}"));
        // The day's jobs run: each once, by whichever runner claims it.
        while lingkaran::usecase::jobs::run_one(&db, &e, None)
            .await
            .unwrap()
            .is_some()
        {}
        for j in jobs::list(&db, None, 100).await.unwrap() {
            let due = if j.key.ends_with(&next_minute) {
                ("queued", 0)
            } else {
                ("done", 1)
            };
            assert_eq!((j.state.as_str(), j.attempts), due, "{j:?}");
        }
    }
);

// ---- Real processes on one database ----

/// Starts `lingkaran serve` (with `extra` arguments) on a free port with the jobs' settings
/// of `dir`; returns the child and its base URL.
fn serve(url: &str, dir: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let mut child = process(
        url,
        dir,
        &[&["serve", "--addr", "127.0.0.1:0"], extra].concat(),
    );
    let base = common::served_at(&mut child);
    (child, base)
}

fn process(url: &str, dir: &std::path::Path, args: &[&str]) -> Child {
    common::lingkaran()
        .args(args)
        .env("LINGKARAN_DB", url)
        .env("LINGKARAN_LOG", "warn")
        .env(
            "LINGKARAN_PROVIDER_SECRET",
            lingkaran::app::DEMO_PROVIDER_SECRET,
        )
        .env("LINGKARAN_CYCLE_DAY", "1")
        .env("LINGKARAN_JOB_LEASE_SECONDS", "3")
        .env("LINGKARAN_JOB_POLL_MS", "200")
        .env("LINGKARAN_JOB_DAILY_DELAY_SECONDS", "0")
        .env("LINGKARAN_REMITTANCE_DIR", dir.join("remittances"))
        .env("LINGKARAN_SMS_FILE", dir.join("sms.jsonl"))
        .env("LINGKARAN_MAIL_DIR", dir.join("mail"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn kill(mut child: Child) {
    child.kill().unwrap(); // SIGKILL: no shutdown, no lease given back.
    child.wait().unwrap();
}

/// A list of `n` distinct, valid workers of Desa Sawo (Gresik).
fn list(n: usize) -> Vec<u8> {
    let mut s = String::from("nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,pekerjaan\n");
    let base = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    for i in 0..n {
        let born = base + chrono::Days::new((i / 9000) as u64);
        let serial = (i % 9000 + 1) as u16;
        let nik = common::nik("352501", false, &born.to_string(), serial);
        // Names hold no digits: the row's number in letters.
        let mut k = i;
        let mut name = String::new();
        loop {
            name.push((b'a' + (k % 26) as u8) as char);
            k /= 26;
            if k == 0 {
                break;
            }
        }
        s.push_str(&format!(
            "{nik},Pekerja {name},L,{},35.25.01.2001,petani\n",
            born.format("%d-%m-%Y")
        ));
    }
    s.into_bytes()
}

async fn wait_for<F, Fut>(what: &str, secs: u64, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "waited {secs} s for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap())
}

/// The world both process tests share: a funded donation for this month, queued messages, and
/// a proposer's token. Returns the proposer's token.
async fn world(db: &Db, messages: usize) -> String {
    let w = lingkaran::demo::funding_world(db, "35.25.01", 3, 21)
        .await
        .unwrap();
    let donor = common::staff_donor(db, "institution", "Baznas Gresik", w.officer).await;
    let choice = lingkaran::db::donations::Choice::Criteria {
        criteria: Default::default(),
        count: 3,
    };
    common::give_and_pay(db, donor, w.officer, choice, 1, "JOBS-1").await;
    for i in 0..messages {
        lingkaran::db::outbox::enqueue(
            db,
            &lingkaran::db::outbox::NewMessage {
                dedupe_key: format!("test:{i}"),
                channel: "sms",
                recipient: format!("0812000{i:05}"),
                subject: None,
                body: format!("pesan {i}"),
                attachment: None,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    }
    lingkaran::db::users::create_api_token(db, w.proposer, "jobs", Actor::Cli, Utc::now())
        .await
        .unwrap()
}

async fn upload(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> i64 {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let r = client
        .post(format!("{base}/api/v1/imports"))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    let (s, v) = common::status_json(r).await;
    assert_eq!(s, 202, "the upload answers at once: {v}");
    assert_eq!(v["status"], "running", "{v}");
    v["import_id"].as_i64().unwrap()
}

const MESSAGES: usize = 30;
const ROWS: usize = 60_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_run_each_job_once_and_one_resumes_a_killed_ones_import() {
    common::on_postgres_url(|url| async move {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&url, common::keys()).await.unwrap();
        db.migrate(Utc::now()).await.unwrap();
        let token = world(&db, MESSAGES).await;
        let today = lingkaran::clock::today();

        // Two servers, started together, race for the same jobs.
        let mut servers = vec![serve(&url, dir.path(), &[]), serve(&url, dir.path(), &[])];
        let sms = dir.path().join("sms.jsonl");
        let sent = || {
            std::fs::read_to_string(&sms)
                .map(|s| s.lines().count())
                .unwrap_or(0)
        };
        wait_for("the outbox to be sent", 60, || async { sent() >= MESSAGES }).await;
        let cycle_key = format!("cycle:{today}");
        wait_for("the day's jobs", 60, || async {
            let done = |k: String| {
                let db = db.clone();
                async move {
                    jobs::get(&db, &k)
                        .await
                        .unwrap()
                        .is_some_and(|j| j.state == "done")
                }
            };
            done(cycle_key.clone()).await && done(format!("reminders:{today}")).await
        })
        .await;

        // Each message went out once.
        let text = std::fs::read_to_string(&sms).unwrap();
        let mut bodies: Vec<String> = text
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["reference"].to_string())
            .collect();
        assert_eq!(bodies.len(), MESSAGES, "{text}");
        bodies.sort();
        bodies.dedup();
        assert_eq!(bodies.len(), MESSAGES, "no message twice");
        // A line is written before its message is marked sent (a crash between leaves it
        // `sending`, never sent twice): on a loaded machine the last marks may trail the file.
        let sent_rows = "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE status = 'sent'";
        wait_for("the messages to be marked sent", 30, || async {
            count(&db, sent_rows).await >= MESSAGES as i64
        })
        .await;
        assert_eq!(count(&db, sent_rows).await, MESSAGES as i64);

        // The month's cycle ran once: one job, one attempt, each remittance file written once.
        let cycles = jobs::list(&db, Some("cycle"), 10).await.unwrap();
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        assert_eq!((cycles[0].state.as_str(), cycles[0].attempts), ("done", 1));
        let month = lingkaran_domain::rates::Month::of(today);
        if lingkaran_domain::rates::Month::first_payable(today) == month {
            assert_eq!(
                count(
                    &db,
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'cycle.file'"
                )
                .await,
                2,
                "JKK and JKM, once each: {:?}",
                lingkaran::on_db!(&db, |pool| sqlx::query_scalar::<_, String>(
                    "SELECT at || ' ' || actor || ' ' || detail FROM audit_log WHERE action = 'cycle.file'"
                ).fetch_all(pool).await.unwrap())
            );
            let mut files: Vec<String> = std::fs::read_dir(dir.path().join("remittances"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect();
            files.sort();
            assert_eq!(
                files,
                ["JKK.csv", "JKK.json", "JKM.csv", "JKM.json"].map(|f| format!("remit-{month}-{f}")),
                "each file once, none left half-written"
            );
        }
        // Every job so far was run by one server, once.
        for j in jobs::list(&db, None, 1000).await.unwrap() {
            if j.state == "done" {
                assert_eq!(j.attempts, 1, "{j:?}");
            }
        }

        // A large list goes to one server, which starts its job at once (unless the other claims
        // it first); the server running it is killed half-way.
        let client = reqwest::Client::new();
        let id = upload(&client, &servers[0].1, &token, "besar.csv", list(ROWS)).await;
        let seen_running = {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
            loop {
                let r = lingkaran::db::imports::get(&db, id).await.unwrap().unwrap();
                if r.status != "running" || std::time::Instant::now() > deadline {
                    break false;
                }
                if r.rows_total > 0 {
                    break true;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        };
        // The server that took the upload starts its job at once, but the other may have
        // claimed it first: kill whichever holds the lease (its runner name holds its pid).
        let holder = jobs::get(&db, &format!("import:{id}"))
            .await
            .unwrap()
            .unwrap()
            .leased_by
            .unwrap_or_default();
        let pid = holder.split(':').nth(1).unwrap_or_default().to_string();
        let victim = servers
            .iter()
            .position(|(c, _)| c.id().to_string() == pid)
            .unwrap_or(0);
        let (dead, _) = servers.remove(victim);
        kill(dead);
        let (b, base_b) = servers.remove(0);
        eprintln!("killed the server running the import ({holder}) while it ran: {seen_running}");

        // The other takes the job over when the lease runs out, and finishes it.
        let (s, report) = {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
            loop {
                let r = client
                    .get(format!("{base_b}/api/v1/imports/{id}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                let (s, v) = common::status_json(r).await;
                if v["status"] != "running" || std::time::Instant::now() > deadline {
                    break (s, v);
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        };
        assert_eq!(s, 200);
        assert_eq!(report["status"], "done", "{report}");
        assert_eq!(report["rows"], ROWS as i64, "each row counted once");
        assert_eq!(report["accepted"], ROWS as i64, "{}", report["errors"][0]);
        assert_eq!(report["duplicates"], 0);
        assert_eq!(
            count(
                &db,
                &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM workers WHERE import_id = {id}")
            )
            .await,
            ROWS as i64,
            "every worker stored once"
        );
        let job = jobs::get(&db, &format!("import:{id}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(job.state, "done");
        if seen_running {
            assert_eq!(job.attempts, 2, "the killed server's attempt, then the other's: {job:?}");
        }
        assert_eq!(
            count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM import_files").await,
            0,
            "the stored file is deleted when its import ends"
        );
        kill(b);

        let check = common::lingkaran()
            .args(["ledger", "check", "--json"])
            .env("LINGKARAN_DB", &url)
            .output()
            .unwrap();
        assert_eq!(check.status.code(), Some(0));
        db.close().await;
    })
    .await;
}

both_urls!(
    a_web_server_with_no_jobs_leaves_them_to_the_worker,
    |url| async move {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&url, common::keys()).await.unwrap();
        db.migrate(Utc::now()).await.unwrap();
        let token = world(&db, 3).await;
        let (web, base) = serve(&url, dir.path(), &["--no-jobs"]);
        let client = reqwest::Client::new();
        let id = upload(&client, &base, &token, "kecil.csv", list(50)).await;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let r = lingkaran::db::imports::get(&db, id).await.unwrap().unwrap();
        assert_eq!(
            (r.status.as_str(), r.rows_total),
            ("running", 0),
            "no job runs in the web server"
        );
        assert!(jobs::list(&db, Some("outbox"), 10)
            .await
            .unwrap()
            .is_empty());

        let worker = process(&url, dir.path(), &["worker"]);
        wait_for("the worker to run the import", 60, || async {
            lingkaran::db::imports::get(&db, id)
                .await
                .unwrap()
                .unwrap()
                .status
                == "done"
        })
        .await;
        let r = lingkaran::db::imports::get(&db, id).await.unwrap().unwrap();
        assert_eq!((r.rows_total, r.accepted), (50, 50));
        wait_for("the worker to send the outbox", 60, || async {
            std::fs::read_to_string(dir.path().join("sms.jsonl"))
                .map(|s| s.lines().count() == 3)
                .unwrap_or(false)
        })
        .await;
        kill(worker);
        kill(web);
        db.close().await;
    }
);

/// Import speed, the direct path (`import::run_in_batches`, what an upload did inside the
/// request before jobs) against the job's (the file stored sealed, loaded back, then the same
/// streaming import): `BENCH_ROWS=100000 cargo test --test integration jobs:: -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn import_speed_direct_and_as_a_job() {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    for store in ["sqlite", "postgres"] {
        let time = |db: Db, as_job: bool| async move {
            let w = lingkaran::demo::funding_world(&db, "35.25.01", 1, 3)
                .await
                .unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("daftar.csv");
            std::fs::write(&path, list(rows)).unwrap();
            let who = lingkaran::db::imports::Submitter {
                organisation_id: w.organisation,
                user_id: w.proposer,
                import_id: None,
            };
            let clock = lingkaran::clock::SystemClock;
            let started = std::time::Instant::now();
            let accepted = if as_job {
                let upload = lingkaran::usecase::imports::Upload {
                    path: &path,
                    file_name: "daftar.csv",
                };
                let (rec, _) = lingkaran::usecase::imports::take(&db, who, upload, &clock)
                    .await
                    .unwrap();
                let key = lingkaran::usecase::jobs::import_key(rec.id);
                lingkaran::usecase::jobs::run_one(&db, &env("bench"), Some(&key))
                    .await
                    .unwrap()
                    .unwrap();
                lingkaran::db::imports::get(&db, rec.id)
                    .await
                    .unwrap()
                    .unwrap()
                    .accepted
            } else {
                lingkaran::import::run(&db, path.clone(), "daftar.csv", who, &clock)
                    .await
                    .unwrap()
                    .unwrap()
                    .import
                    .accepted
            };
            let secs = started.elapsed().as_secs_f64();
            assert_eq!(accepted, rows as i64);
            eprintln!(
                "{store} {}: {rows} rows in {secs:.2} s = {:.0} rows/s",
                if as_job { "as a job" } else { "direct  " },
                rows as f64 / secs
            );
        };
        for as_job in [false, true] {
            if store == "sqlite" {
                common::on_sqlite(|db| time(db, as_job)).await;
            } else {
                common::on_postgres(|db| time(db, as_job)).await;
            }
        }
    }
}
