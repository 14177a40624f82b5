//! `Idempotency-Key` on every POST: the same key from the same caller gets the same answer,
//! so a client that lost the answer to "donate" or "record payment" can simply send again.
//!
//! The key is claimed before the handler runs (a second request with the key while the first
//! runs gets 409), the answer is stored after, and an answer of 5xx is not kept so that a
//! retry runs again. A key reused with another method, path or body is refused (422).
//!
//! - **Whose key**: the caller is the authenticated user (`user:<id>`), resolved the way the
//!   handlers resolve it, so `Bearer X` and `Bearer  X ` and a second token of the same user
//!   are one caller. Nothing of the credential is kept.
//! - **Refusals before the work are not kept**: an unknown token or a failed CSRF check passes
//!   straight to the handler, which refuses it, and nothing is claimed; a 401 or 403 answer
//!   is forgotten. A retry after fixing the credentials runs the request.
//! - **Anonymous callers are not served from storage**: without an authenticated user there
//!   is no one to scope the key to (one anonymous caller would receive another's answer).
//!   The anonymous POSTs are idempotent by themselves: the payment callback by its
//!   transaction id, sign-up by its username, a token request makes a new token.
//! - **No secrets kept**: answers that issue a credential (`POST /api/v1/auth/token`,
//!   `POST /api/v1/signup`) are never kept, even for a signed-in caller.
//! - **The key** is trimmed and must be 1–255 printable ASCII characters, else 400.
//! - **Kept for** `LINGKARAN_IDEMPOTENCY_HOURS` (default 24) from the first request: an older
//!   key is a new key, and the once-a-minute job deletes expired ones.

use super::error::ApiError;
use crate::app::AppState;
use crate::db::idempotency::{self, Claim};
use crate::privacy::Kind;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Bodies larger than this cannot carry an Idempotency-Key (they are uploads, which are
/// idempotent by their content anyway).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// Answers that carry a fresh credential: never stored.
const ISSUES_SECRETS: [&str; 2] = ["/api/v1/auth/token", "/api/v1/signup"];

/// The key as sent, trimmed; `Err` with the words to answer when it is not 1–255 printable
/// ASCII characters.
pub fn normalise_key(raw: &HeaderValue) -> Result<String, ApiError> {
    let bad = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_idempotency_key",
            format!(
                "Idempotency-Key harus 1–{MAX_KEY_LEN} karakter ASCII yang terlihat \
                 (huruf, angka, tanda baca; tanpa huruf beraksen atau karakter kendali)."
            ),
            format!(
                "An Idempotency-Key has 1–{MAX_KEY_LEN} printable ASCII characters \
                 (letters, digits, punctuation; no accented letters or control characters)."
            ),
        )
    };
    let text = std::str::from_utf8(raw.as_bytes()).map_err(|_| bad())?;
    let key = text.trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| (0x20..=0x7e).contains(&b))
    {
        return Err(bad());
    }
    Ok(key.to_string())
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(raw) = req.headers().get("idempotency-key") else {
        return next.run(req).await;
    };
    let key = match normalise_key(raw) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    if ISSUES_SECRETS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // The caller as the handler will see it. A refusal (unknown token, CSRF) or nobody
    // signed in: the request runs unkept, and the handler answers it.
    let who = match crate::http::request::principal(
        &parts,
        &state.db,
        true,
        state.clock.now(),
        &state.settings.lifetimes,
    )
    .await
    {
        Ok(Some(p)) => format!("user:{}", p.user_id),
        Ok(None) | Err(_) => return next.run(Request::from_parts(parts, body)).await,
    };
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large_for_idempotency",
            "Permintaan sebesar ini tidak dapat memakai Idempotency-Key.",
            "A request this large cannot use an Idempotency-Key.",
        )
        .into_response();
    };
    // Keyed (the blind-index key), not a plain SHA-256: the body may carry a NIK, and the
    // hash is kept in the database for a day.
    let mut request = Vec::with_capacity(bytes.len() + 64);
    request.extend_from_slice(parts.method.as_str().as_bytes());
    request.push(b' ');
    request.extend_from_slice(parts.uri.path().as_bytes());
    request.push(b'\n');
    request.extend_from_slice(&bytes);
    let request_hash = hex::encode(state.db.keys().blind_index_bytes(Kind::Text, &request));
    let ttl = state.settings.idempotency_ttl;
    let claim = match idempotency::claim(
        &state.db,
        &who,
        &key,
        &request_hash,
        ttl,
        state.clock.now(),
    )
    .await
    {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    match claim {
        Claim::Mismatch => ApiError::bad_request(
            "idempotency_key_reused",
            "Idempotency-Key ini sudah dipakai untuk permintaan lain. Pakai kunci baru untuk permintaan baru.",
            "This Idempotency-Key was used for another request. Use a new key for a new request.",
        )
        .into_response(),
        Claim::InProgress => ApiError::conflict(
            "idempotency_in_progress",
            "Permintaan dengan Idempotency-Key ini masih diproses. Coba lagi sebentar lagi.",
            "A request with this Idempotency-Key is still running. Try again shortly.",
        )
        .into_response(),
        Claim::Replay(status, content_type, body) => {
            let mut r = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                body,
            )
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r.headers_mut()
                .insert("idempotency-replayed", HeaderValue::from_static("true"));
            r
        }
        Claim::Run => {
            let resp = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let status = resp.status();
            let (rparts, rbody) = resp.into_parts();
            let Ok(out) = to_bytes(rbody, MAX_BODY).await else {
                let _ = idempotency::release(&state.db, &who, &key).await;
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let text = std::str::from_utf8(&out).ok();
            // 401/403 are refusals before the work: a retry with better credentials runs.
            let refused = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
            let stored = match text {
                Some(t) if !status.is_server_error() && !refused => {
                    let ct = rparts
                        .headers
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("application/json");
                    idempotency::finish(&state.db, &who, &key, status.as_u16(), ct, t).await
                }
                _ => idempotency::release(&state.db, &who, &key).await,
            };
            if let Err(e) = stored {
                tracing::error!(error = %e, "could not keep the idempotent answer");
            }
            Response::from_parts(rparts, Body::from(out))
        }
    }
}
