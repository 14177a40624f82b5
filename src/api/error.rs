//! One error envelope for every endpoint: `{"errors":[{"code","detail","detail_en"}]}`.
//! Client mistakes say what was wrong in the caller's words; internal failures are logged
//! inside the request span and shown only as "internal error".

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lingkaran_domain::Problem;
use serde_json::json;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub problems: Vec<Problem>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            problems: vec![Problem::new(code, id, en)],
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Silakan masuk terlebih dahulu.",
            "Please sign in first.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Peran atau wilayah Anda tidak mengizinkan tindakan ini.",
            "Your role or region does not allow this.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} tidak ditemukan."),
            format!("{what} not found."),
        )
    }

    pub fn bad_request(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, id, en)
    }

    pub fn invalid(problems: Vec<Problem>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            problems,
        }
    }

    pub fn conflict(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, id, en)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let errors: Vec<_> = self
            .problems
            .iter()
            .map(|p| json!({"code": p.code, "detail": p.id, "detail_en": p.en}))
            .collect();
        (self.status, Json(json!({ "errors": errors }))).into_response()
    }
}

/// A use case's answer, by variant: the status follows from what went wrong, never from a
/// code string.
impl From<crate::usecase::Error> for ApiError {
    fn from(e: crate::usecase::Error) -> Self {
        use crate::usecase::Error;
        match e {
            Error::Forbidden => ApiError::forbidden(),
            Error::NotFound(what) => ApiError::not_found(what),
            Error::Invalid(problems) => ApiError::invalid(problems),
            Error::Conflict(p) | Error::Unconfirmed(p) => ApiError {
                status: StatusCode::CONFLICT,
                problems: vec![p],
            },
            Error::Throttled { problem, .. } => ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                problems: vec![problem],
            },
            Error::Internal(e) => e.into(),
        }
    }
}

/// A use case's answer as a whole response: the [`ApiError`] of its variant, and for
/// `Throttled` the `Retry-After` header a client waits by.
pub fn refusal(e: crate::usecase::Error) -> Response {
    let wait = match &e {
        crate::usecase::Error::Throttled { retry_after, .. } => Some(*retry_after),
        _ => None,
    };
    let mut r = ApiError::from(e).into_response();
    if let Some(v) = wait.and_then(|s| axum::http::HeaderValue::from_str(&s.to_string()).ok()) {
        r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    r
}

/// Unexpected failures: logged with their cause, answered with a bare 500.
impl<E: Into<anyhow::Error>> From<E> for ApiError {
    fn from(e: E) -> Self {
        let e: anyhow::Error = e.into();
        tracing::error!(error = %format!("{e:#}"), "request failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Terjadi kesalahan di server. Coba lagi nanti.",
            "Something went wrong on the server. Try again later.",
        )
    }
}
