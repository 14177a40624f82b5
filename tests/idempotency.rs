//! `Idempotency-Key` over HTTP, as a careless or hostile client uses it, on both stores:
//! scoped to the signed-in user, kept for a day, never holding an issued token, never
//! replaying a refusal made before the work, the header normalised.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::db::audit::Actor;
use lingkaran::db::{users, Db};
use serde_json::{json, Value};

async fn world(db: Db) -> TestApp {
    let app = TestApp::spawn(db).await;
    app.village(40, 11).await;
    app
}

/// A donor who signed up (a user with a donor record).
async fn sign_up(app: &TestApp, username: &str) -> Token {
    app.sign_up(username, username).await.0
}

const DONATION: &str = r#"{"mode":"criteria","count":2,"months":1}"#;

/// POSTs a donation with `authorization` and `key` as given, byte for byte.
async fn donate(app: &TestApp, authorization: &str, key: &str) -> (u16, Value, bool) {
    let r = app
        .client
        .post(app.url("/api/v1/donations"))
        .header("authorization", authorization)
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(DONATION)
        .send()
        .await
        .unwrap();
    let replayed = r.headers().get("idempotency-replayed").is_some();
    let (s, v) = common::status_json(r).await;
    (s, v, replayed)
}

async fn donations_of(app: &TestApp, t: &Token) -> usize {
    let (_, list) = app.get(t, "/api/v1/donations").await;
    list["donations"].as_array().unwrap().len()
}

/// The kept answers, opened (they are sealed at rest).
async fn kept_rows(db: &Db) -> Vec<(String, Option<String>)> {
    let rows: Vec<(String, Option<Vec<u8>>)> = lingkaran::on_db!(db, |pool| sqlx::query_as(
        "SELECT owner, body FROM idempotency_keys ORDER BY created_at"
    )
    .fetch_all(pool)
    .await)
    .unwrap();
    rows.into_iter()
        .map(|(owner, body)| {
            let body = body.map(|b| db.keys().open(lingkaran::privacy::Kind::Text, &b).unwrap());
            (owner, body)
        })
        .collect()
}

both_dbs!(
    a_key_belongs_to_the_user_whatever_token_or_spacing_they_send,
    |db| async move {
        let app = world(db).await;
        let donor = sign_up(&app, "dermawan").await;
        let second =
            users::create_api_token(&app.db, donor.id, "laptop", Actor::Cli, chrono::Utc::now())
                .await
                .unwrap();
        let (s, first, replayed) = donate(&app, &format!("Bearer {}", donor.token), "k-1").await;
        assert_eq!((s, replayed), (201, false), "{first}");
        // Extra spaces around the token and the key: the same caller, the same key.
        let (s, again, replayed) =
            donate(&app, &format!("Bearer  {} ", donor.token), "  k-1 ").await;
        assert_eq!((s, replayed), (201, true), "{again}");
        assert_eq!(again, first);
        // The user's second token: the same caller.
        let (s, third, replayed) = donate(&app, &format!("Bearer {second}"), "k-1").await;
        assert_eq!((s, replayed), (201, true), "{third}");
        assert_eq!(third["id"], first["id"]);
        assert_eq!(
            donations_of(&app, &donor).await,
            1,
            "one donation, not three"
        );

        // Another user with the same key gets their own answer.
        let other = sign_up(&app, "lain").await;
        let (s, theirs, replayed) = donate(&app, &format!("Bearer {}", other.token), "k-1").await;
        assert_eq!((s, replayed), (201, false));
        assert_ne!(theirs["id"], first["id"]);
        // Nothing of a credential is kept as the owner.
        for (owner, _) in kept_rows(&app.db).await {
            assert!(owner.starts_with("user:"), "{owner}");
            assert!(!owner.contains(&donor.token) && !owner.contains(&second));
        }
    }
);

both_dbs!(
    a_key_is_kept_for_a_day_then_forgotten_and_purged,
    |db| async move {
        let app = world(db).await;
        let donor = sign_up(&app, "dermawan").await;
        let bearer = format!("Bearer {}", donor.token);
        let (s, first, _) = donate(&app, &bearer, "harian").await;
        assert_eq!(s, 201, "{first}");
        // 23 hours later it still replays …
        let back = |h: i64| {
            let db = app.db.clone();
            async move {
                let at = chrono::Utc::now() - chrono::Duration::hours(h);
                lingkaran::on_db!(&db, |pool| sqlx::query(
                    "UPDATE idempotency_keys SET created_at = $1"
                )
                .bind(at)
                .execute(pool)
                .await
                .map(|_| ()))
                .unwrap();
            }
        };
        back(23).await;
        let (_, _, replayed) = donate(&app, &bearer, "harian").await;
        assert!(replayed);
        // … 25 hours later the key is new again.
        back(25).await;
        let (s, fresh, replayed) = donate(&app, &bearer, "harian").await;
        assert_eq!((s, replayed), (201, false), "{fresh}");
        assert_ne!(fresh["id"], first["id"]);
        assert_eq!(donations_of(&app, &donor).await, 2);
        // The minute job deletes what is older than the day.
        back(25).await;
        let purged = lingkaran::db::idempotency::purge(
            &app.db,
            chrono::Utc::now() - chrono::Duration::hours(24),
        )
        .await
        .unwrap();
        assert_eq!(purged, 1);
        assert!(kept_rows(&app.db).await.is_empty());
    }
);

both_dbs!(
    an_answer_that_issues_a_token_is_never_kept,
    |db| async move {
        let app = world(db).await;
        let signup = |key: &'static str| {
            app.client
                .post(app.url("/api/v1/signup"))
                .header("idempotency-key", key)
                .json(
                    &json!({ "username": "ani", "full_name": "Ani", "password": "rahasia-sekali" }),
                )
                .send()
        };
        let (s, v) = common::status_json(signup("daftar-1").await.unwrap()).await;
        assert_eq!(s, 201, "{v}");
        let token = v["token"].as_str().unwrap().to_string();
        // Someone who guesses the key and the body does not get Ani's token back.
        let r = signup("daftar-1").await.unwrap();
        assert!(r.headers().get("idempotency-replayed").is_none());
        let (s, again) = common::status_json(r).await;
        assert_ne!(s, 201, "{again}");
        assert!(!again.to_string().contains(&token));

        // A signed-in user asking for another token with a key: not kept either.
        let ask = || {
            app.client
                .post(app.url("/api/v1/auth/token"))
                .bearer_auth(&token)
                .header("idempotency-key", "token-1")
                .json(&json!({ "username": "ani", "password": "rahasia-sekali" }))
                .send()
        };
        let (s, t1) = common::status_json(ask().await.unwrap()).await;
        assert_eq!(s, 201, "{t1}");
        let (s, t2) = common::status_json(ask().await.unwrap()).await;
        assert_eq!(s, 201);
        assert_ne!(t1["token"], t2["token"], "a new token, not a stored one");
        for (_, body) in kept_rows(&app.db).await {
            let body = body.unwrap_or_default();
            assert!(
                !body.contains("token"),
                "a kept answer holds a token: {body}"
            );
        }
        assert!(kept_rows(&app.db).await.is_empty());
    }
);

both_dbs!(a_refusal_before_the_work_is_not_replayed, |db| async move {
    let app = world(db).await;
    let donor = sign_up(&app, "dermawan").await;
    // A page session that forgot its CSRF header: 403 …
    let (session, csrf) = users::create_session(
        &app.db,
        donor.id,
        chrono::Duration::hours(12),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let send = |csrf: Option<&str>| {
        let mut r = app
            .client
            .post(app.url("/api/v1/donations"))
            .header("cookie", format!("lk_session={session}"))
            .header("content-type", "application/json")
            .header("idempotency-key", "lupa-csrf")
            .body(DONATION);
        if let Some(c) = csrf {
            r = r.header("x-csrf-token", c);
        }
        r.send()
    };
    let (s, v) = common::status_json(send(None).await.unwrap()).await;
    assert_eq!(s, 403, "{v}");
    // … and the retry with it runs the request.
    let (s, v) = common::status_json(send(Some(&csrf)).await.unwrap()).await;
    assert_eq!(s, 201, "{v}");

    // A role refusal (a donor cannot verify a worker) is not kept either.
    let (s, _) = common::status_json(
        app.client
            .post(app.url("/api/v1/workers/1/verify"))
            .bearer_auth(&donor.token)
            .header("idempotency-key", "tarif")
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 403);
    // A wrong token: 401, nothing claimed.
    let (s, _, _) = donate(&app, "Bearer salah", "k-401").await;
    assert_eq!(s, 401);
    let (s, _, replayed) = donate(&app, &format!("Bearer {}", donor.token), "k-401").await;
    assert_eq!((s, replayed), (201, false));
    let owners: Vec<String> = kept_rows(&app.db).await.into_iter().map(|r| r.0).collect();
    assert_eq!(owners.len(), 2, "only the two donations: {owners:?}");
});

both_dbs!(a_bad_key_is_refused_in_words, |db| async move {
    let app = world(db).await;
    let donor = sign_up(&app, "dermawan").await;
    let bearer = format!("Bearer {}", donor.token);
    let long = "k".repeat(256);
    for key in [long.as_str(), "   "] {
        let (s, v, _) = donate(&app, &bearer, key).await;
        assert_eq!(s, 400, "{key}: {v}");
        assert_eq!(v["errors"][0]["code"], "bad_idempotency_key");
        assert!(v["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("255 karakter"));
    }
    // Bytes that are not printable ASCII (é in Latin-1, a tab) are refused, not ignored.
    for raw in [&b"kunci-\xe9"[..], &b"a\tb"[..]] {
        let r = app
            .client
            .post(app.url("/api/v1/donations"))
            .header("authorization", &bearer)
            .header(
                "idempotency-key",
                reqwest::header::HeaderValue::from_bytes(raw).unwrap(),
            )
            .header("content-type", "application/json")
            .body(DONATION)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400);
    }
    assert_eq!(donations_of(&app, &donor).await, 0);
    let (s, _, _) = donate(&app, &bearer, &"k".repeat(255)).await;
    assert_eq!(s, 201);
});
