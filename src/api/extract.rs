//! Who is calling an API endpoint: the caller as `crate::http::request` resolves it (bearer
//! token or session cookie with `X-CSRF-Token`), refused the API's way.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::http::request::{self, Refused};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

mod body;
pub use body::{
    body_too_large, object_or_null, refuse_nul, upload_refused, Json, Multipart, Path, Query, Text,
};

pub use crate::http::request::SESSION_COOKIE;

/// The signed-in caller of an API request.
pub struct Caller(pub Principal);

/// The caller, if any: for endpoints that anyone may call.
pub struct MaybeCaller(pub Option<Principal>);

/// The caller, with the CSRF header checked on a cookie-authenticated change.
async fn principal(parts: &Parts, state: &AppState) -> Result<Option<Principal>, ApiError> {
    request::principal(
        parts,
        &state.db,
        true,
        state.clock.now(),
        &state.settings.lifetimes,
    )
    .await
    .map_err(ApiError::from)
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::UnknownToken => ApiError::unauthenticated(),
            Refused::Csrf => ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "csrf",
                "Permintaan ditolak: token CSRF tidak cocok. Muat ulang halaman.",
                "Request refused: the CSRF token does not match. Reload the page.",
            ),
            Refused::Internal(e) => e.into(),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        principal(parts, state)
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
        Ok(MaybeCaller(principal(parts, state).await?))
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
