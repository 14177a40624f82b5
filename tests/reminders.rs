//! Reminders and the outbox (issue 4, part 3), on SQLite and PostgreSQL: before a funded
//! period ends the worker gets an SMS in Indonesian and the donor an e-mail with the extension
//! link; each is queued once however often the job runs, sent over real SMTP (a receiver on
//! 127.0.0.1 that refuses the first try) and a real HTTP gateway (that fails once), retried,
//! and never sent twice.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::{HeaderMap, StatusCode};
use chrono::Duration;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{Choice, Criteria};
use lingkaran::db::{donors, outbox, reminders, Db};
use lingkaran::messages::{self, Email, Senders, Sms};
use lingkaran_domain::rates::Month;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A minimal SMTP receiver: it answers the commands lettre sends, keeps each message's DATA,
/// and refuses the first `fail` messages with a temporary error (451).
struct SmtpReceiver {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

async fn smtp_receiver(fail: usize) -> SmtpReceiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let failures = Arc::new(AtomicUsize::new(fail));
    let kept = messages.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (kept, failures) = (kept.clone(), failures.clone());
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test.local ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250 test.local\r\n"
                    } else if cmd.starts_with("DATA") {
                        w.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        if failures
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok()
                        {
                            b"451 4.3.0 try again later\r\n"
                        } else {
                            kept.lock().unwrap().push(data);
                            b"250 2.0.0 queued\r\n"
                        }
                    } else if cmd.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    SmtpReceiver { port, messages }
}

/// An SMS gateway on 127.0.0.1: answers 503 to its first request, then 200; keeps what it
/// accepted with the Idempotency-Key it came with.
async fn sms_gateway() -> (String, Arc<Mutex<Vec<(String, serde_json::Value)>>>) {
    let got: Arc<Mutex<Vec<(String, serde_json::Value)>>> = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(AtomicUsize::new(0));
    let (g, c) = (got.clone(), calls.clone());
    let app = axum::Router::new().route(
        "/send",
        axum::routing::post(
            move |headers: HeaderMap, axum::Json(body): axum::Json<serde_json::Value>| {
                let (g, c) = (g.clone(), c.clone());
                async move {
                    if c.fetch_add(1, Ordering::SeqCst) == 0 {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    let key = headers
                        .get("idempotency-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    g.lock().unwrap().push((key, body));
                    StatusCode::OK
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

async fn count(db: &Db, status: &str) -> i64 {
    lingkaran::on_db!(db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE status = $1"
    )
    .bind(status)
    .fetch_one(pool)
    .await
    .unwrap())
}

/// Makes every queued message due now (the back-off waits minutes).
async fn make_due(db: &Db) {
    lingkaran::on_db!(db, |pool| sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1 WHERE status = 'pending'"
    )
    .bind(chrono::Utc::now() - Duration::seconds(1))
    .execute(pool)
    .await
    .map(|_| ())
    .unwrap());
}

both_dbs!(reminders_are_queued_once_and_sent_once, |db| async move {
    let w = lingkaran::demo::funding_world(&db, "35.25.01", 4, 44)
        .await
        .unwrap();
    let donor = common::staff_donor(&db, "institution", "Baznas Gresik", w.officer).await;
    donors::set_preferences(
        &db,
        donor,
        &donors::Preferences {
            email: Some("zakat@baznas-gresik.example".into()),
            public_name: true,
            leftover_to_pool: false,
            receipt_name: None,
            show_total: true,
        },
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let choice = Choice::Criteria {
        criteria: Criteria::default(),
        count: 4,
    };
    let (made, _) = common::give_and_pay(&db, donor, w.officer, choice, 1, "REM-1").await;
    let month = Month::first_payable(lingkaran::clock::today());
    let end = lingkaran_domain::coverage::last_day(month);
    let phones: i64 = lingkaran::on_db!(&db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM workers WHERE phone IS NOT NULL"
    )
    .fetch_one(pool)
    .await
    .unwrap());
    assert!(phones > 0);

    // 31 days before: nothing. 30 days before: one SMS per worker with a phone, one e-mail.
    let base = "https://lingkaran.example";
    let early = reminders::queue(
        &db,
        end - Duration::days(31),
        &[30, 7],
        base,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(early.ending, 0);
    let r30 = reminders::queue(
        &db,
        end - Duration::days(30),
        &[30, 7],
        base,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(r30.ending, 4);
    assert_eq!(r30.worker_messages as i64, phones);
    assert_eq!(r30.no_phone as i64, 4 - phones);
    assert_eq!(r30.donor_messages, 1);
    // Every day until the 7-day mark queues nothing new; at 7 days, the second round.
    for d in [29, 20, 8] {
        let again = reminders::queue(
            &db,
            end - Duration::days(d),
            &[30, 7],
            base,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!((again.worker_messages, again.donor_messages), (0, 0));
    }
    let r7 = reminders::queue(
        &db,
        end - Duration::days(7),
        &[30, 7],
        base,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!((r7.worker_messages as i64, r7.donor_messages), (phones, 1));
    let queued = count(&db, "pending").await;
    assert_eq!(queued, 2 * phones + 2);

    // The worker's words: Indonesian, the donor, the end date, what paying alone costs.
    let list = outbox::list(&db, None, 100).await.unwrap();
    let sms = list.iter().find(|m| m.channel == "sms").unwrap();
    let end_text = lingkaran_domain::format::date(end, "id");
    assert!(
        sms.body.contains(&format!(
            "perlindungan JKK & JKM Anda dari Baznas Gresik berakhir {end_text}"
        )),
        "{}",
        sms.body
    );
    assert!(
        sms.body.contains("secara mandiri mulai Rp "),
        "{}",
        sms.body
    );
    assert!(sms.recipient.starts_with("+62"));
    let mail = list.iter().find(|m| m.channel == "email").unwrap();
    assert_eq!(mail.recipient, "zakat@baznas-gresik.example");
    assert!(mail
        .body
        .contains(&format!("{base}/donasi/{made}/perpanjang")));

    // Send: SMTP refuses the first e-mail once, the gateway fails its first request once.
    let smtp = smtp_receiver(1).await;
    let (gateway, got) = sms_gateway().await;
    let senders = Senders {
        email: Email::Smtp {
            transport: messages::smtp_transport(&format!("smtp://127.0.0.1:{}", smtp.port))
                .unwrap(),
            from: "GN Lingkaran <noreply@lingkaran.example>".parse().unwrap(),
        },
        sms: Sms::Http {
            client: reqwest::Client::new(),
            url: gateway,
            token: Some(lingkaran::config::Secret::new("rahasia")),
        },
    };
    let first = messages::deliver_due(&db, &senders, 100).await.unwrap();
    assert_eq!(first.retrying, 2, "one e-mail and one SMS failed and wait");
    assert_eq!(first.sent as i64, queued - 2);
    // Nothing is due yet (back-off): a second pass sends nothing.
    let idle = messages::deliver_due(&db, &senders, 100).await.unwrap();
    assert_eq!(idle.sent + idle.retrying + idle.failed, 0);
    make_due(&db).await;
    let second = messages::deliver_due(&db, &senders, 100).await.unwrap();
    assert_eq!((second.sent, second.retrying, second.failed), (2, 0, 0));
    assert_eq!(count(&db, "sent").await, queued);
    // And again: everything is sent, nothing goes twice.
    make_due(&db).await;
    let third = messages::deliver_due(&db, &senders, 100).await.unwrap();
    assert_eq!(third.sent, 0);
    let mails = smtp.messages.lock().unwrap().clone();
    assert_eq!(mails.len(), 2, "two e-mails received once each");
    assert!(mails
        .iter()
        .all(|m| m.contains("zakat@baznas-gresik.example")));
    let texts = got.lock().unwrap().clone();
    assert_eq!(texts.len() as i64, 2 * phones);
    let mut keys: Vec<&String> = texts.iter().map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len() as i64,
        2 * phones,
        "each SMS once, by its outbox key"
    );
});

both_dbs!(a_final_failure_is_kept_visible, |db| async move {
    let now = chrono::Utc::now();
    let queued = outbox::enqueue(
        &db,
        &outbox::NewMessage {
            dedupe_key: "test:bad-address".into(),
            channel: "email",
            recipient: "bukan alamat".into(),
            subject: Some("x".into()),
            body: "x".into(),
            attachment: None,
        },
        now,
    )
    .await
    .unwrap();
    assert!(queued);
    let dir = tempfile::tempdir().unwrap();
    let senders = Senders {
        email: Email::Files {
            dir: dir.path().join("mail"),
            from: "GN Lingkaran <noreply@lingkaran.example>".parse().unwrap(),
        },
        sms: Sms::File(dir.path().join("sms.jsonl")),
    };
    let d = messages::deliver_due(&db, &senders, 10).await.unwrap();
    assert_eq!(
        d.failed, 1,
        "a bad address never gets better: failed at once"
    );
    let failed = outbox::list(&db, Some("failed"), 10).await.unwrap();
    assert!(failed[0]
        .last_error
        .as_deref()
        .unwrap()
        .contains("bukan alamat"));
    // The file senders (the default) write what they send.
    outbox::enqueue(
        &db,
        &outbox::NewMessage {
            dedupe_key: "test:sms".into(),
            channel: "sms",
            recipient: "+6281234567890".into(),
            subject: None,
            body: "Halo".into(),
            attachment: None,
        },
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        messages::deliver_due(&db, &senders, 10).await.unwrap().sent,
        1
    );
    let line = std::fs::read_to_string(dir.path().join("sms.jsonl")).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(v["to"], "+6281234567890");
    assert_eq!(v["message"], "Halo");
});
