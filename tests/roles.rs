//! The role matrix: every role is refused what it must not do, and sees no more than it may.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{nik, TestApp, Token};
use lingkaran::auth::Role;
use serde_json::{json, Value};

struct Cast {
    app: TestApp,
    tokens: Vec<(&'static str, Token)>,
    worker_id: i64,
    import_id: i64,
    worker_nik: String,
}

impl Cast {
    fn token(&self, who: &str) -> &Token {
        &self.tokens.iter().find(|(n, _)| *n == who).unwrap().1
    }
}

async fn cast(db: lingkaran::db::Db) -> Cast {
    let app = TestApp::spawn(db).await;
    let sawo = app.org("Desa Sawo", "35.25.01.2001").await;
    let other = app.org("Desa Karangcangkring", "35.25.01.2002").await;
    let tokens = vec![
        ("admin", app.user("admin", Role::Admin, None, &[]).await),
        (
            "officer",
            app.user("officer", Role::Officer, None, &["35.25"]).await,
        ),
        (
            "proposer",
            app.user("proposer", Role::Proposer, Some(sawo), &[]).await,
        ),
        ("donor", app.user("donor", Role::Donor, None, &[]).await),
        (
            "viewer",
            app.user("viewer", Role::Viewer, None, &["35.25.01"]).await,
        ),
        (
            "officer_elsewhere",
            app.user("officer2", Role::Officer, None, &["35.26"]).await,
        ),
        (
            "viewer_elsewhere",
            app.user("viewer2", Role::Viewer, None, &["35.26"]).await,
        ),
        (
            "proposer_elsewhere",
            app.user("proposer2", Role::Proposer, Some(other), &[])
                .await,
        ),
    ];
    let n = nik("352501", false, "1985-03-12", 1);
    let p = &tokens[2].1;
    let (_, w) = app.post(p, "/api/v1/workers", json!({"nik": n, "full_name": "Abdul Karim", "village_code": "35.25.01.2001", "occupation": "petani"})).await;
    let csv = format!(
        "nik,nama,kode_desa,pekerjaan\n{},Slamet,35.25.01.2001,petani\n",
        nik("352501", false, "1980-01-01", 3)
    );
    let (_, i) = app.upload(p, "a.csv", csv.into_bytes()).await;
    Cast {
        worker_id: w["id"].as_i64().unwrap(),
        import_id: i["import_id"].as_i64().unwrap(),
        worker_nik: n,
        app,
        tokens,
    }
}

const ALL: [&str; 8] = [
    "admin",
    "officer",
    "proposer",
    "donor",
    "viewer",
    "officer_elsewhere",
    "viewer_elsewhere",
    "proposer_elsewhere",
];

async fn call(c: &Cast, who: &str, method: &str, path: &str, body: Option<Value>) -> u16 {
    let t = c.token(who);
    match (method, body) {
        ("GET", _) => c.app.get(t, path).await.0,
        ("PUT", b) => c.app.put(t, path, b.unwrap_or(json!({}))).await.0,
        (_, b) => c.app.post(t, path, b.unwrap_or(json!({}))).await.0,
    }
}

/// `(method, path, body, [(role, expected status)])` for every role in [`ALL`].
fn matrix(c: &Cast) -> Vec<(&'static str, String, Option<Value>, [u16; 8])> {
    let w = c.worker_id;
    let i = c.import_id;
    let fresh = json!({"nik": nik("352501", true, "1991-02-02", 9), "full_name": "Umi Lestari", "village_code": "35.25.01.2001", "occupation": "pemulung"});
    //                                                                  admin officer proposer donor viewer off-else view-else prop-else
    vec![
        (
            "GET",
            "/api/v1/workers".into(),
            None,
            [200, 200, 200, 403, 200, 200, 200, 200],
        ),
        (
            "GET",
            format!("/api/v1/workers/{w}"),
            None,
            [200, 200, 200, 403, 200, 404, 404, 404],
        ),
        (
            "POST",
            "/api/v1/workers".into(),
            Some(fresh),
            [403, 403, 201, 403, 403, 403, 403, 403],
        ),
        (
            "GET",
            "/api/v1/queue".into(),
            None,
            [200, 200, 403, 403, 403, 200, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/workers/{w}/verify"),
            None,
            [200, 409, 403, 403, 403, 404, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/workers/{w}/reject"),
            Some(json!({"reason": "uji"})),
            [200, 409, 403, 403, 403, 404, 403, 403],
        ),
        (
            "POST",
            "/api/v1/workers/decisions".into(),
            Some(json!({"ids": [w], "action": "verify"})),
            [200, 200, 403, 403, 403, 200, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/workers/{w}/duplicate"),
            Some(json!({"decision": "distinct"})),
            [409, 409, 403, 403, 403, 404, 403, 403],
        ),
        (
            "GET",
            format!("/api/v1/imports/{i}"),
            None,
            [200, 200, 200, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            format!("/api/v1/imports/{i}/errors.csv"),
            None,
            [200, 200, 200, 404, 404, 404, 404, 404],
        ),
        (
            "GET",
            "/api/v1/imports".into(),
            None,
            [200, 403, 200, 403, 403, 403, 403, 200],
        ),
        (
            "POST",
            "/api/v1/covered-niks".into(),
            None,
            [200, 200, 403, 403, 403, 200, 403, 403],
        ),
        (
            "GET",
            "/api/v1/eligibility".into(),
            None,
            [200, 200, 200, 403, 200, 200, 200, 200],
        ),
        (
            "PUT",
            "/api/v1/eligibility".into(),
            Some(json!({"min_age": 15})),
            [200, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "POST",
            "/api/v1/organisations".into(),
            Some(json!({"name": "X", "kind": "desa", "region_code": "35.25"})),
            [201, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "GET",
            "/api/v1/organisations".into(),
            None,
            [200, 200, 403, 403, 200, 200, 200, 403],
        ),
        (
            "POST",
            "/api/v1/users".into(),
            Some(
                json!({"username": "baru", "full_name": "Baru", "password": "rahasia-123", "role": "donor"}),
            ),
            [201, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "POST",
            "/api/v1/nik/check".into(),
            Some(json!({"nik": "3525015608900001"})),
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/me".into(),
            None,
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/rates".into(),
            None,
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "POST",
            "/api/v1/rates".into(),
            Some(
                json!({"effective_from": "2099-01", "jkk_basis_points": 100, "jkk_min": 10000, "jkk_max": 207000, "jkm_flat": 6800, "source": "uji"}),
            ),
            [201, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "GET",
            "/api/v1/donors".into(),
            None,
            [200, 200, 403, 200, 403, 200, 403, 403],
        ),
        (
            "POST",
            "/api/v1/donors".into(),
            Some(json!({"kind": "institution", "name": "BAZNAS Gresik"})),
            [201, 201, 403, 403, 403, 201, 403, 403],
        ),
        (
            "POST",
            "/api/v1/quotes".into(),
            Some(json!({"workers": 10, "months": 6})),
            [200, 200, 200, 200, 200, 200, 200, 200],
        ),
    ]
}

both_dbs!(each_role_is_refused_what_it_must_not_do, |db| async move {
    let c = cast(db).await;
    let mut wrong = Vec::new();
    // Rows run in order and roles in the order of ALL, so the stateful rows read naturally:
    // the admin verifies the worker, after which the officer's verify is a 409 conflict.
    for (method, path, body, expected) in matrix(&c) {
        for (who, want) in ALL.iter().zip(expected) {
            let got = call(&c, who, method, &path, body.clone()).await;
            if got != want {
                wrong.push(format!("{who:>18} {method} {path}: got {got}, want {want}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "role matrix differs:\n{}",
        wrong.join("\n")
    );
});

both_dbs!(anonymous_callers_get_401, |db| async move {
    let c = cast(db).await;
    for path in [
        "/api/v1/workers",
        "/api/v1/queue",
        "/api/v1/me",
        "/api/v1/imports",
    ] {
        let r = c.app.client.get(c.app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
    let r = c
        .app
        .client
        .get(c.app.url("/api/v1/workers"))
        .bearer_auth("lk_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
});

both_dbs!(
    the_whole_nik_is_shown_only_to_those_who_need_it,
    |db| async move {
        let c = cast(db).await;
        let masked = format!(
            "{}.{} •••• •••• ••••",
            &c.worker_nik[..2],
            &c.worker_nik[2..4]
        );
        for (who, whole) in [
            ("admin", true),
            ("officer", true),
            ("proposer", true),
            ("viewer", false),
        ] {
            let (_, w) = c
                .app
                .get(c.token(who), &format!("/api/v1/workers/{}", c.worker_id))
                .await;
            let want = if whole {
                c.worker_nik.clone()
            } else {
                masked.clone()
            };
            assert_eq!(w["nik"], want, "{who}");
            let (_, list) = c.app.get(c.token(who), "/api/v1/workers").await;
            let body = list.to_string();
            assert_eq!(body.contains(&c.worker_nik), whole, "{who} list");
        }
    }
);

both_dbs!(
    cookie_sessions_need_the_csrf_token_to_change_anything,
    |db| async move {
        let c = cast(db).await;
        let officer_id = c.token("officer").id;
        let (cookie, csrf) = lingkaran::db::users::create_session(
            &c.app.db,
            officer_id,
            chrono::Duration::hours(12),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let url = c
            .app
            .url(&format!("/api/v1/workers/{}/verify", c.worker_id));
        let jar = format!("lk_session={cookie}");
        let r = c
            .app
            .client
            .get(c.app.url("/api/v1/me"))
            .header("cookie", &jar)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "reads need no token");
        let r = c
            .app
            .client
            .post(&url)
            .header("cookie", &jar)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (_, e) = common::status_json(r).await;
        assert_eq!(e["errors"][0]["code"], "csrf");
        let r = c
            .app
            .client
            .post(&url)
            .header("cookie", &jar)
            .header("x-csrf-token", "salah")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = c
            .app
            .client
            .post(&url)
            .header("cookie", &jar)
            .header("x-csrf-token", csrf)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
);
