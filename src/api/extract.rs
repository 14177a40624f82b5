//! Who is calling: a bearer token (scripts and integrations) or a session cookie (pages).
//! A cookie-authenticated request that changes something must echo the session's CSRF token
//! in `X-CSRF-Token`; bearer requests need none because browsers never attach them on their own.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::db::users;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Method;

pub const SESSION_COOKIE: &str = "lk_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in caller of an API request.
pub struct Caller(pub Principal);

/// The caller, if any: for endpoints that anyone may call.
pub struct MaybeCaller(pub Option<Principal>);

pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_in(&parts.headers, name)
}

/// The value of cookie `name` among `headers`.
pub fn cookie_in<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Resolves the caller from the request. `Ok(None)`: nobody signed in.
pub async fn principal(
    parts: &Parts,
    state: &AppState,
    check_csrf: bool,
) -> Result<Option<Principal>, ApiError> {
    // `Bearer X`, `bearer  X ` …: the scheme is case-insensitive and spaces do not matter.
    let bearer = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token);
    if let Some(token) = bearer {
        return match users::token_principal(&state.db, token.trim()).await? {
            Some(p) => Ok(Some(p)),
            None => Err(ApiError::unauthenticated()),
        };
    }
    let Some(session) = cookie(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(p) = users::session_principal(&state.db, session, state.clock.now()).await? else {
        return Ok(None);
    };
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if check_csrf && !safe {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if sent.is_none() || sent != p.csrf_token.as_deref() {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "csrf",
                "Permintaan ditolak: token CSRF tidak cocok. Muat ulang halaman.",
                "Request refused: the CSRF token does not match. Reload the page.",
            ));
        }
    }
    Ok(Some(p))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        principal(parts, state, true)
            .await?
            .map(Caller)
            .ok_or_else(ApiError::unauthenticated)
    }
}

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(principal(parts, state, true).await?))
    }
}

impl Caller {
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&Principal, ApiError> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            Err(ApiError::forbidden())
        }
    }
}
