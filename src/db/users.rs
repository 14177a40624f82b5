//! Organisations, users, sessions and API tokens.

use super::audit::{self, Actor};
use super::Db;
use crate::auth::password::{hash_password, random_token, token_hash, verify_password};
use crate::auth::role::{Principal, Role};
use crate::{on_db, on_tx};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_code: String,
}

pub async fn create_organisation(
    db: &Db,
    name: &str,
    kind: &str,
    region_code: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let mut tx = db.begin_write().await?;
    let id: i64 = on_tx!(&mut tx, |pool| {
        sqlx::query_scalar(
        "INSERT INTO organisations (name, kind, region_code, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(name)
    .bind(kind)
    .bind(region_code)
    .bind(now)
    .fetch_one(pool)
    .await
    })?;
    audit::record(
        &mut tx,
        now,
        actor,
        "organisation.create",
        "organisation",
        id,
        json!({ "name": name, "kind": kind, "region": region_code }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn organisation(db: &Db, id: i64) -> sqlx::Result<Option<Organisation>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT id, name, kind, region_code FROM organisations WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

pub async fn organisations(db: &Db) -> sqlx::Result<Vec<Organisation>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT id, name, kind, region_code FROM organisations ORDER BY id"
    )
    .fetch_all(pool)
    .await)
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub regions: &'a [String],
}

/// Creates a user with an argon2id password hash and its region scopes, in one transaction.
pub async fn create_user(
    db: &Db,
    u: &NewUser<'_>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let hash = hash_password(u.password)?;
    let mut tx = db.begin_write().await?;
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO users
               (username, full_name, password_hash, role, organisation_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(u.username)
        .bind(u.full_name)
        .bind(&hash)
        .bind(u.role.code())
        .bind(u.organisation_id)
        .bind(now)
        .fetch_one(c)
        .await
    })?;
    for r in u.regions {
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO user_regions (user_id, region_code) VALUES ($1, $2)"
        )
        .bind(id)
        .bind(r)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    // The role and scopes given: a user's role is fixed at creation.
    audit::record(
        &mut tx,
        now,
        actor,
        "user.create",
        "user",
        id,
        json!({ "username": u.username, "role": u.role.code(),
                "organisation": u.organisation_id, "regions": u.regions }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(FromRow)]
struct UserRow {
    id: i64,
    username: String,
    full_name: String,
    role: String,
    organisation_id: Option<i64>,
}

async fn principal(
    db: &Db,
    user_id: i64,
    csrf_token: Option<String>,
) -> sqlx::Result<Option<Principal>> {
    let user: Option<UserRow> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, username, full_name, role, organisation_id FROM users WHERE id = $1"
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await)?;
    let Some(user) = user else { return Ok(None) };
    let Some(role) = Role::parse(&user.role) else {
        return Ok(None);
    };
    let scopes: Vec<String> = if role == Role::Proposer {
        on_db!(db, |pool| sqlx::query_scalar(
            "SELECT o.region_code FROM organisations o WHERE o.id = $1"
        )
        .bind(user.organisation_id)
        .fetch_all(pool)
        .await)?
    } else {
        on_db!(db, |pool| sqlx::query_scalar(
            "SELECT region_code FROM user_regions WHERE user_id = $1 ORDER BY region_code"
        )
        .bind(user.id)
        .fetch_all(pool)
        .await)?
    };
    Ok(Some(Principal {
        user_id: user.id,
        username: user.username,
        full_name: user.full_name,
        role,
        organisation_id: user.organisation_id,
        scopes,
        csrf_token,
    }))
}

/// An argon2id hash of a random password nobody knows, for usernames that do not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0XvY1c8bTzS3QGmR1o1N4vPZ0qZ6r3p5y8j0w9K2a1Q";

/// Checks a username and password. `None` for either being wrong: the caller must not say which.
pub async fn authenticate(db: &Db, username: &str, password: &str) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT id, password_hash FROM users WHERE username = $1"
    )
    .bind(username)
    .fetch_optional(pool)
    .await)?;
    // Unknown usernames are checked against a fixed hash, so the answer takes as long as for
    // a known one and timing does not tell which usernames exist. Argon2 is slow on purpose:
    // it runs on the blocking pool, not on a request thread.
    let (id, hash) = row.unwrap_or((-1, DUMMY_HASH.to_string()));
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    Ok((ok && id >= 0).then_some(id))
}

pub const SESSION_HOURS: i64 = 12;

/// Starts a browser session. Returns `(cookie value, CSRF token)`.
pub async fn create_session(
    db: &Db,
    user_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(String, String)> {
    let token = random_token();
    let csrf = random_token();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |pool| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(&csrf)
    .bind(now)
    .bind(now + Duration::hours(SESSION_HOURS))
    .execute(pool)
    .await
    .map(|r| r.rows_affected())
    })?;
    // The user signs in: they are the actor. Never the token.
    audit::record(
        &mut tx,
        now,
        Actor::User(user_id),
        "session.create",
        "user",
        user_id,
        json!({ "hours": SESSION_HOURS }),
    )
    .await?;
    tx.commit().await?;
    Ok((token, csrf))
}

pub async fn session_principal(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Principal>> {
    let row: Option<(i64, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT user_id, csrf_token FROM sessions WHERE token_hash = $1 AND expires_at > $2"
    )
    .bind(token_hash(token))
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    match row {
        Some((user_id, csrf)) => principal(db, user_id, Some(csrf)).await,
        None => Ok(None),
    }
}

pub async fn end_session(db: &Db, token: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    let user: Option<i64> = on_tx!(&mut tx, |pool| sqlx::query_scalar(
        "DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id"
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await)?;
    if let Some(user) = user {
        audit::record(
            &mut tx,
            now,
            Actor::User(user),
            "session.end",
            "user",
            user,
            json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Issues a bearer token for scripts. The token is shown once; only its hash is kept.
pub async fn create_api_token(
    db: &Db,
    user_id: i64,
    label: &str,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<String> {
    let token = format!("lk_{}", random_token());
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |pool| sqlx::query(
        "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(label)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record(
        &mut tx,
        now,
        actor,
        "token.create",
        "user",
        user_id,
        json!({ "label": label }),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn token_principal(db: &Db, token: &str) -> sqlx::Result<Option<Principal>> {
    let user_id: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await)?;
    match user_id {
        Some(id) => principal(db, id, None).await,
        None => Ok(None),
    }
}

pub async fn username_taken(db: &Db, username: &str) -> sqlx::Result<bool> {
    let n: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE username = $1"
    )
    .bind(username)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// The user id of `username_or_id` if it names a proposer, with their organisation.
pub async fn proposer(db: &Db, username_or_id: &str) -> sqlx::Result<Option<(i64, i64)>> {
    let id: i64 = username_or_id.parse().unwrap_or(-1);
    on_db!(db, |pool| {
        sqlx::query_as(
        "SELECT id, organisation_id FROM users WHERE (id = $1 OR username = $2) AND role = 'proposer'"
    )
    .bind(id)
    .bind(username_or_id)
    .fetch_optional(pool)
    .await
    })
}

/// Any user's id from an id or a username.
pub async fn user_id(db: &Db, username_or_id: &str) -> sqlx::Result<Option<i64>> {
    let id: i64 = username_or_id.parse().unwrap_or(-1);
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT id FROM users WHERE id = $1 OR username = $2"
    )
    .bind(id)
    .bind(username_or_id)
    .fetch_optional(pool)
    .await)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        assert!(argon2::PasswordHash::new(super::DUMMY_HASH).is_ok());
    }
}
