//! The caller of a request: a bearer token (scripts and integrations) or a session cookie
//! (pages). A cookie-authenticated request that changes something must echo the session's
//! CSRF token in `X-CSRF-Token` when the API reads it; bearer requests need none, because
//! browsers never attach them on their own. Pages check their form's `csrf` field instead.

use crate::auth::Principal;
use crate::db::{users, Db};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};

/// The cookie that carries a signed-in browser's session token.
pub const SESSION_COOKIE: &str = "lk_session";
/// The header a cookie-authenticated API request echoes the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Why a request's caller could not be resolved. Each edge answers it its own way (the API
/// with 401/403, a page as nobody signed in).
pub enum Refused {
    /// A bearer token nobody issued, or one that was revoked or expired.
    UnknownToken,
    /// A cookie-authenticated change without the session's CSRF token.
    Csrf,
    /// The store failed.
    Internal(anyhow::Error),
}

/// The value of cookie `name` in the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_in(&parts.headers, name)
}

/// The value of cookie `name` among `headers`.
pub fn cookie_in<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The network address a request came from (the peer; `0.0.0.0` when unknown).
pub fn peer_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "0.0.0.0".into())
}

/// The client's address: from `trusted_header` when one is set (the header a reverse proxy
/// we trust writes, `X-Forwarded-For` or `X-Real-IP`), else the peer's. A list takes its last
/// entry, the one our proxy added: entries before it came from the client and may be
/// forged. A header that is missing or holds no address falls back to the peer, which is
/// then the proxy itself (one address for everyone behind it: the safe side).
pub fn client_address(parts: &Parts, trusted_header: Option<&str>) -> String {
    let from_header = trusted_header
        .and_then(|h| parts.headers.get_all(h).iter().next_back())
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .and_then(|v| v.parse::<std::net::IpAddr>().ok());
    match from_header {
        Some(ip) => ip.to_string(),
        None => peer_address(parts),
    }
}

/// Resolves the caller from the request. `Ok(None)`: nobody signed in (no token, no session,
/// or a session that ended). `check_csrf`: refuse a cookie-authenticated change whose
/// `X-CSRF-Token` header does not match the session.
pub async fn principal(
    parts: &Parts,
    db: &Db,
    check_csrf: bool,
    now: chrono::DateTime<chrono::Utc>,
    lifetimes: &users::Lifetimes,
) -> Result<Option<Principal>, Refused> {
    let internal = |e: sqlx::Error| Refused::Internal(e.into());
    // `Bearer X`, `bearer  X ` …: the scheme is case-insensitive and spaces do not matter.
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token);
    if let Some(token) = bearer {
        return match users::token_principal(db, token.trim(), now, lifetimes)
            .await
            .map_err(internal)?
        {
            Some(p) => Ok(Some(p)),
            None => Err(Refused::UnknownToken),
        };
    }
    let Some(session) = cookie(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(p) = users::session_principal(db, session, now, lifetimes)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if check_csrf && !safe {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if sent.is_none() || sent != p.csrf_token.as_deref() {
            return Err(Refused::Csrf);
        }
    }
    Ok(Some(p))
}
