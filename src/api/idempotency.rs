//! `Idempotency-Key` on every POST: the same key from the same caller gets the same answer,
//! so a client that lost the answer to "donate" or "record payment" can simply send again.
//!
//! The key is claimed before the handler runs (a second request with the key while the first
//! runs gets 409), the answer is stored after, and an answer of 5xx is not kept so that a
//! retry runs again. A key reused with another method, path or body is refused (422).

use super::error::ApiError;
use crate::app::AppState;
use crate::db::idempotency::{self, Claim};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Bodies larger than this cannot carry an Idempotency-Key (they are uploads, which are
/// idempotent by their content anyway).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Who is asking, without keeping their credential: a hash of the bearer token or session
/// cookie, or "anonymous".
fn owner(req: &Request) -> String {
    let cred = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| {
            crate::api::extract::cookie_in(req.headers(), crate::api::extract::SESSION_COOKIE)
                .map(str::to_string)
        });
    match cred {
        Some(c) => hex::encode(&Sha256::digest(c.as_bytes())[..16]),
        None => "anonymous".into(),
    }
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| k.trim().to_string())
    else {
        return next.run(req).await;
    };
    if key.is_empty() || key.len() > 255 {
        return ApiError::bad_request(
            "bad_idempotency_key",
            "Idempotency-Key berisi 1–255 karakter.",
            "An Idempotency-Key has 1–255 characters.",
        )
        .into_response();
    }
    let who = owner(&req);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large_for_idempotency",
            "Permintaan sebesar ini tidak dapat memakai Idempotency-Key.",
            "A request this large cannot use an Idempotency-Key.",
        )
        .into_response();
    };
    let mut h = Sha256::new();
    h.update(parts.method.as_str().as_bytes());
    h.update(b" ");
    h.update(parts.uri.path().as_bytes());
    h.update(b"\n");
    h.update(&bytes);
    let request_hash = hex::encode(h.finalize());
    let claim = match idempotency::claim(&state.db, &who, &key, &request_hash).await {
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
            let stored = match text {
                Some(t) if !status.is_server_error() => {
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
