//! Signing in and passwords: the throttle, the bounded argon2 pool, the password policy and
//! a password change. The pages and the API call these; nothing else checks a password.
//!
//! The throttle counts failed sign-ins per account and per client address in the store
//! (`signin_failures`), so servers sharing it share the count. The first
//! [`ACCOUNT_FREE`] failures of an account (and [`ADDRESS_FREE`] of an address) cost nothing;
//! after that each failure makes the next attempt wait twice as long, from 2 seconds up to
//! [`MAX_WAIT_SECS`]. A waiting attempt is answered at once (429, `Retry-After`) without
//! checking the password, and does not count. An account's count is cleared when it signs in;
//! counts are forgotten a day after their last failure.

use super::{Ctx, Error};
use crate::auth::password::{self, Busy};
use crate::db::{users, Db};
use lingkaran_domain::Problem;

/// Failures of one account before it must wait.
pub const ACCOUNT_FREE: i64 = 5;
/// Failures from one client address (any accounts) before it must wait: more, since an
/// office behind one address has many people.
pub const ADDRESS_FREE: i64 = 20;
/// The longest wait: 15 minutes.
pub const MAX_WAIT_SECS: i64 = 15 * 60;
/// Failures older than this are forgotten.
pub const FORGET_AFTER_SECS: i64 = 24 * 3600;

fn account_subject(username: &str) -> String {
    // The hash: a typed username (which may be a password typed in the wrong field, or
    // megabytes long) is never stored.
    format!(
        "account:{}",
        password::token_hash(&username.trim().to_lowercase())
    )
}

fn address_subject(address: &str) -> String {
    format!("address:{address}")
}

/// The wait after `failures` failures when `free` cost nothing.
pub fn wait_after(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    // From 2 s: the store counts whole seconds, and a 1-second lock could end at once.
    let doublings = (failures - free).min(20) as u32 + 1;
    (1i64 << doublings).min(MAX_WAIT_SECS)
}

fn throttled(retry_after: i64) -> Error {
    let secs = retry_after.max(1);
    Error::Throttled {
        problem: Problem::new(
            "too_many_attempts",
            format!(
                "Terlalu banyak percobaan masuk yang gagal untuk akun ini atau dari alamat jaringan ini. \
                 Coba lagi dalam {secs} detik."
            ),
            format!(
                "Too many failed sign-ins for this account or from this network address. \
                 Try again in {secs} s."
            ),
        ),
        retry_after: secs,
    }
}

/// The pool is full, as a use case's answer: 429 `busy`, try again in a second.
pub(super) fn busy(_: Busy) -> Error {
    Error::Throttled {
        problem: Problem::new(
            "busy",
            "Server sedang memeriksa banyak kata sandi. Coba lagi sebentar lagi.",
            "The server is checking many passwords right now. Try again in a moment.",
        ),
        retry_after: 1,
    }
}

/// A sign-in as typed, and where it came from.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client's address ([`crate::http::request::client_address`]).
    pub address: &'a str,
}

/// Checks a username and password under the throttle. `Ok(None)`: either is wrong (the
/// caller must not say which). `Throttled`: wait, or the password pool is full.
pub async fn sign_in(
    db: &Db,
    clock: &dyn crate::clock::Clock,
    a: Attempt<'_>,
) -> Result<Option<i64>, Error> {
    let now = clock.now().timestamp();
    let account = account_subject(a.username);
    let address = address_subject(a.address);
    if let Some(until) = users::signin_locked(db, &[&account, &address], now).await? {
        return Err(throttled(until - now));
    }
    let found = if a.username.is_empty()
        || a.password.is_empty()
        || a.password.chars().count() > password::MAX_PASSWORD_CHARS
    {
        None
    } else {
        users::password_hash(db, a.username.trim()).await?
    };
    // Unknown usernames are checked against a fixed hash, so the answer takes as long as for
    // a known one and timing does not tell which usernames exist.
    let (id, hash) = found.unwrap_or((-1, users::DUMMY_HASH.to_string()));
    let ok = password::verify_bounded(a.password, &hash)
        .await
        .map_err(busy)?;
    if ok && id >= 0 {
        users::clear_signin_failures(db, &account).await?;
        return Ok(Some(id));
    }
    let forget = now - FORGET_AFTER_SECS;
    for (subject, free) in [(&account, ACCOUNT_FREE), (&address, ADDRESS_FREE)] {
        let n = users::count_signin_failure(db, subject, now, forget).await?;
        let wait = wait_after(n, free);
        if wait > 0 {
            users::lock_signin(db, subject, now + wait).await?;
        }
    }
    Ok(None)
}

/// The password policy ([`password::check_policy`]) as a use case's refusal.
pub fn check_new_password(new: &str, username: &str) -> Result<(), Error> {
    password::check_policy(new, username).map_err(|w| {
        let (id, en) = w.words();
        Error::invalid("weak_password", id, en)
    })
}

/// What a password change needs.
pub struct Change<'a> {
    pub current: &'a str,
    pub new: &'a str,
    /// Typed twice on a page; the API passes the new one again.
    pub repeat: &'a str,
    /// The session that asks (its cookie), which stays; every other session ends.
    pub session: Option<&'a str>,
    pub address: &'a str,
}

/// The caller changes their own password: the current one must be right (under the same
/// throttle as a sign-in), the new one must hold the policy. Every other session of theirs
/// ends; API tokens stay (revoke them on the tokens page). Returns the sessions ended.
pub async fn change_password(ctx: Ctx<'_>, c: Change<'_>) -> Result<u64, Error> {
    let me = ctx.actor;
    let right = sign_in(
        ctx.db,
        ctx.clock,
        Attempt {
            username: &me.username,
            password: c.current,
            address: c.address,
        },
    )
    .await?;
    if right != Some(me.user_id) {
        return Err(Error::invalid(
            "wrong_password",
            "Kata sandi saat ini salah.",
            "The current password is wrong.",
        ));
    }
    if c.new != c.repeat {
        return Err(Error::invalid(
            "passwords_differ",
            "Kata sandi baru dan ulangannya tidak sama.",
            "The new password and its repetition differ.",
        ));
    }
    check_new_password(c.new, &me.username)?;
    if c.new == c.current {
        return Err(Error::invalid(
            "same_password",
            "Kata sandi baru sama dengan yang lama.",
            "The new password is the same as the old one.",
        ));
    }
    let hash = password::hash_bounded(c.new).await.map_err(busy)??;
    let keep = c.session.map(password::token_hash);
    let ended = users::set_password(
        ctx.db,
        me.user_id,
        &hash,
        keep.as_deref(),
        ctx.by(),
        ctx.clock.now(),
    )
    .await?;
    Ok(ended)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_wait_doubles_up_to_fifteen_minutes() {
        use super::wait_after;
        assert_eq!(wait_after(4, 5), 0);
        assert_eq!(wait_after(5, 5), 2);
        assert_eq!(wait_after(6, 5), 4);
        assert_eq!(wait_after(10, 5), 64);
        assert_eq!(wait_after(30, 5), 900);
        assert_eq!(wait_after(1000, 5), 900);
    }
}
