//! One error envelope for every endpoint: `{"errors":[{"code","detail","detail_en"}]}`.
//! Client mistakes say what was wrong in the caller's words; internal failures are logged
//! inside the request span and shown only as "internal error".

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use lingkaran_domain::Problem;
use serde::Serialize;
use utoipa::ToSchema;

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

/// The body of every 4xx and 5xx answer of the API.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"errors": [{"code": "not_found", "detail": "Pekerja tidak ditemukan.", "detail_en": "Pekerja not found."}]}))]
pub struct ErrorEnvelope {
    /// One entry per problem found; a request is refused with all of them at once.
    pub errors: Vec<ErrorItem>,
}

/// One problem: a stable code, and the sentence in Bahasa Indonesia and in English.
#[derive(Serialize, ToSchema)]
pub struct ErrorItem {
    /// Stable and snake_case (`not_found`, `invalid_json`, …): what a program checks.
    pub code: String,
    /// Bahasa Indonesia.
    pub detail: String,
    /// English.
    pub detail_en: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unavailable = self.status == StatusCode::SERVICE_UNAVAILABLE;
        let errors = self
            .problems
            .into_iter()
            .map(|p| ErrorItem {
                code: p.code.to_string(),
                detail: p.id,
                detail_en: p.en,
            })
            .collect();
        let mut r = (self.status, Json(ErrorEnvelope { errors })).into_response();
        if unavailable && !r.headers().contains_key(axum::http::header::RETRY_AFTER) {
            // The store is out of reach or the server busy: a client waits a little.
            r.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        r
    }
}

/// The last net under `/api/`: a 4xx that a layer answered in plain text or with no body
/// (405 from the method router, 408 from the timeout, 413 from the body limit, a rejection
/// of an extractor we do not wrap) goes out in the envelope, named by its status.
pub async fn plain_errors_as_envelope(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let r = next.run(req).await;
    let json = r
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !api || json || !r.status().is_client_error() {
        return r;
    }
    let status = r.status();
    let e = match status {
        StatusCode::PAYLOAD_TOO_LARGE => super::extract::body_too_large(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "Alamat ini tidak menerima metode HTTP itu. Lihat /api/openapi.json.",
            "This endpoint does not take that HTTP method. See /api/openapi.json.",
        ),
        StatusCode::REQUEST_TIMEOUT => ApiError {
            status,
            problems: vec![crate::http::limits::timed_out()],
        },
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            "unsupported_media_type",
            "Jenis isi permintaan (Content-Type) tidak diterima di sini.",
            "This endpoint does not take that Content-Type.",
        ),
        _ => ApiError::new(
            status,
            "bad_request",
            "Permintaan tidak dapat diproses.",
            "The request could not be processed.",
        ),
    };
    let mut out = e.into_response();
    // Keep what the layer said besides its body (`Allow` on a 405, …).
    for (name, value) in r.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
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
        use crate::db::faults;
        if faults::unreachable(&e) {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                faults::UNREACHABLE.0,
                faults::UNREACHABLE.1,
            );
        }
        if faults::disk_full(&e) {
            return ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                faults::DISK_FULL.0,
                faults::DISK_FULL.1,
            );
        }
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Terjadi kesalahan di server. Coba lagi nanti.",
            "Something went wrong on the server. Try again later.",
        )
    }
}
