//! Organisations, users, sessions and API tokens.

use super::audit::{self, Actor};
use super::Db;
use crate::auth::password::{hash_password, random_token, token_hash};
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
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0XvY1c8bTzS3QGmR1o1N4vPZ0qZ6r3p5y8j0w9K2a1Q";

/// The user id and password hash of `username`, if there is one.
pub async fn password_hash(db: &Db, username: &str) -> sqlx::Result<Option<(i64, String)>> {
    on_db!(db, |pool| sqlx::query_as(
        "SELECT id, password_hash FROM users WHERE username = $1"
    )
    .bind(username)
    .fetch_optional(pool)
    .await)
}

/// The password hash of user `id`.
pub async fn password_hash_of(db: &Db, id: i64) -> sqlx::Result<Option<String>> {
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT password_hash FROM users WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// The role of user `id` (`donor`, `officer`, …), if there is such a user.
pub async fn role_of(db: &Db, id: i64) -> sqlx::Result<Option<String>> {
    on_db!(db, |pool| sqlx::query_scalar(
        "SELECT role FROM users WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)
}

/// The latest `locked_until` (seconds since 1970) among `subjects` that is still ahead of
/// `now_secs`: how long a sign-in must wait. `None`: it may go ahead.
pub async fn signin_locked(db: &Db, subjects: &[&str], now_secs: i64) -> sqlx::Result<Option<i64>> {
    let mut latest: Option<i64> = None;
    for s in subjects {
        let until: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
            "SELECT locked_until FROM signin_failures WHERE subject = $1 AND locked_until > $2"
        )
        .bind(*s)
        .bind(now_secs)
        .fetch_optional(pool)
        .await)?;
        latest = latest.max(until);
    }
    Ok(latest)
}

/// Counts a failed sign-in against `subject` and returns its failures so far (a row whose
/// last failure is older than `forget_before` starts again at 1). One statement, so that
/// servers sharing the store count together. Rows not touched since `forget_before` are
/// deleted as a new subject's first failure comes.
pub async fn count_signin_failure(
    db: &Db,
    subject: &str,
    now_secs: i64,
    forget_before: i64,
) -> sqlx::Result<i64> {
    let n: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "INSERT INTO signin_failures (subject, failures, last_failed_at, locked_until)
         VALUES ($1, 1, $2, 0)
         ON CONFLICT (subject) DO UPDATE SET
           failures = CASE WHEN signin_failures.last_failed_at < $3 THEN 1
                           ELSE signin_failures.failures + 1 END,
           last_failed_at = $2
         RETURNING failures"
    )
    .bind(subject)
    .bind(now_secs)
    .bind(forget_before)
    .fetch_one(pool)
    .await)?;
    if n == 1 {
        on_db!(db, |pool| sqlx::query(
            "DELETE FROM signin_failures WHERE last_failed_at < $1"
        )
        .bind(forget_before)
        .execute(pool)
        .await
        .map(|_| ()))?;
    }
    Ok(n)
}

/// Makes `subject` wait until `until` (seconds since 1970).
pub async fn lock_signin(db: &Db, subject: &str, until: i64) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query(
        "UPDATE signin_failures SET locked_until = $2 WHERE subject = $1 AND locked_until < $2"
    )
    .bind(subject)
    .bind(until)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// Forgets the failures of `subject` (an account signed in).
pub async fn clear_signin_failures(db: &Db, subject: &str) -> sqlx::Result<()> {
    on_db!(db, |pool| sqlx::query(
        "DELETE FROM signin_failures WHERE subject = $1"
    )
    .bind(subject)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// Sets user `id`'s password hash and ends every session of theirs but `keep` (the token
/// hash of the session that changed it, if one did), in one transaction, audited. Returns
/// the sessions ended.
pub async fn set_password(
    db: &Db,
    id: i64,
    hash: &str,
    keep: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE users SET password_hash = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(hash)
    .execute(c)
    .await
    .map(|_| ()))?;
    let ended = on_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2"
    )
    .bind(id)
    .bind(keep.unwrap_or(""))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    // Never the password or its hash.
    audit::record(
        &mut tx,
        now,
        actor,
        "user.password_change",
        "user",
        id,
        json!({ "sessions_ended": ended }),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// How long sessions and API tokens live (`LINGKARAN_SESSION_IDLE_MINUTES`,
/// `LINGKARAN_SESSION_HOURS`, `LINGKARAN_TOKEN_DAYS`).
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// A session ends this long after it started, used or not.
    pub session_absolute: Duration,
    /// An API token stops working this long after it was issued.
    pub token: Duration,
}

impl Default for Lifetimes {
    fn default() -> Lifetimes {
        Lifetimes {
            session_idle: Duration::minutes(30),
            session_absolute: Duration::hours(SESSION_HOURS),
            token: Duration::days(90),
        }
    }
}

pub const SESSION_HOURS: i64 = 12;

/// Starts a browser session that ends at the latest `absolute` from now (sooner when left
/// idle: [`session_principal`]). Returns `(cookie value, CSRF token)`.
pub async fn create_session(
    db: &Db,
    user_id: i64,
    absolute: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<(String, String)> {
    let token = random_token();
    let csrf = random_token();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, |pool| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $4)"
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(&csrf)
    .bind(now)
    .bind(now + absolute)
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
        json!({ "hours": absolute.num_hours() }),
    )
    .await?;
    tx.commit().await?;
    Ok((token, csrf))
}

/// How often a session's last use is written: not on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// The signed-in user of session `token`, unless it expired or was left unused longer than
/// `lifetimes.session_idle`. A use is recorded (at most once a minute), which keeps it alive.
pub async fn session_principal(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
    lifetimes: &Lifetimes,
) -> sqlx::Result<Option<Principal>> {
    let hash = token_hash(token);
    let row: Option<(i64, String)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT user_id, csrf_token FROM sessions
          WHERE token_hash = $1 AND expires_at > $2
            AND COALESCE(last_seen_at, created_at) > $3"
    )
    .bind(&hash)
    .bind(now)
    .bind(now - lifetimes.session_idle)
    .fetch_optional(pool)
    .await)?;
    let Some((user_id, csrf)) = row else {
        return Ok(None);
    };
    on_db!(db, |pool| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2
          WHERE token_hash = $1 AND COALESCE(last_seen_at, created_at) < $3"
    )
    .bind(&hash)
    .bind(now)
    .bind(now - Duration::seconds(TOUCH_EVERY_SECS))
    .execute(pool)
    .await
    .map(|_| ()))?;
    principal(db, user_id, Some(csrf)).await
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

/// The user of bearer `token`, unless it was revoked or issued longer than
/// `lifetimes.token` ago.
pub async fn token_principal(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
    lifetimes: &Lifetimes,
) -> sqlx::Result<Option<Principal>> {
    let user_id: Option<i64> = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT user_id FROM api_tokens
          WHERE token_hash = $1 AND revoked_at IS NULL AND created_at > $2"
    )
    .bind(token_hash(token))
    .bind(now - lifetimes.token)
    .fetch_optional(pool)
    .await)?;
    match user_id {
        Some(id) => principal(db, id, None).await,
        None => Ok(None),
    }
}

/// How a token is named to people: the first characters of its hash (never the token).
pub const TOKEN_ID_CHARS: usize = 12;

/// One of a user's API tokens, as listed to them.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// The first [`TOKEN_ID_CHARS`] of its hash.
    pub id: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// User `user_id`'s API tokens, newest first.
pub async fn tokens(db: &Db, user_id: i64) -> sqlx::Result<Vec<TokenInfo>> {
    type Row = (String, String, DateTime<Utc>, Option<DateTime<Utc>>);
    let rows: Vec<Row> = on_db!(db, |pool| sqlx::query_as(
        "SELECT token_hash, label, created_at, revoked_at FROM api_tokens
              WHERE user_id = $1 ORDER BY created_at DESC, token_hash"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(hash, label, created_at, revoked_at)| TokenInfo {
            id: hash.chars().take(TOKEN_ID_CHARS).collect(),
            label,
            created_at,
            revoked_at,
        })
        .collect())
}

/// Revokes user `user_id`'s token `token_id` (see [`TokenInfo::id`]), or every token of
/// theirs when `None`, in one audited transaction. With `end_sessions`, their browser
/// sessions end too. Returns the tokens revoked and the sessions ended.
pub async fn revoke(
    db: &Db,
    user_id: i64,
    token_id: Option<&str>,
    end_sessions: bool,
    actor: Actor,
    now: DateTime<Utc>,
) -> anyhow::Result<(u64, u64)> {
    // A token id is hex: anything else names no token (and is no LIKE pattern).
    let id = token_id.map(|t| t.trim().to_ascii_lowercase());
    if id
        .as_deref()
        .is_some_and(|t| t.len() != TOKEN_ID_CHARS || !t.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Ok((0, 0));
    }
    let mut tx = db.begin_write().await?;
    let revoked = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2
          WHERE user_id = $1 AND revoked_at IS NULL
            AND ($3 = '' OR substr(token_hash, 1, 12) = $3)"
    )
    .bind(user_id)
    .bind(now)
    .bind(id.as_deref().unwrap_or(""))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    let ended = if end_sessions {
        on_tx!(&mut tx, |c| sqlx::query(
            "DELETE FROM sessions WHERE user_id = $1"
        )
        .bind(user_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?
    } else {
        0
    };
    if revoked > 0 || ended > 0 {
        audit::record(
            &mut tx,
            now,
            actor,
            "token.revoke",
            "user",
            user_id,
            json!({ "token": id, "tokens_revoked": revoked, "sessions_ended": ended }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((revoked, ended))
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
