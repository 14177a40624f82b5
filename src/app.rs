//! The application state shared by every request, and the whole router.

use crate::db::Db;
use axum::Router;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

/// Uploads of lists up to this size are accepted (a million rows is about 100 MB).
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

/// The whole service: JSON API under `/api`, pages at the root.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::api::router())
        .merge(crate::web::router())
        .fallback(not_found)
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(600),
        ))
        // The span names the path only: a query string may carry a NIK (`?nik=`), and logs
        // never hold a whole NIK.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<axum::body::Body>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state)
}

/// Unknown paths: the API's error envelope under `/api`, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        crate::api::error::ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "no_route",
            format!(
                "Tidak ada alamat API {}. Lihat /api/openapi.json.",
                uri.path()
            ),
            format!(
                "There is no API endpoint {}. See /api/openapi.json.",
                uri.path()
            ),
        )
        .into_response()
    } else {
        (
            axum::http::StatusCode::NOT_FOUND,
            maud::html! {
                (maud::DOCTYPE)
                html lang="id" {
                    head { meta charset="utf-8"; title { "Halaman tidak ditemukan · Lingkaran" } }
                    body {
                        h1 { "Halaman tidak ditemukan" }
                        p { "Page not found. " a href="/" { "Kembali ke beranda / Back to home" } }
                    }
                }
            },
        )
            .into_response()
    }
}

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
