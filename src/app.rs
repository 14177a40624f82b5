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
    pub settings: std::sync::Arc<Settings>,
    /// Checks per network address on the public protection page.
    pub limiter: std::sync::Arc<crate::web::protection::RateLimiter>,
    pub clock: std::sync::Arc<dyn crate::clock::Clock>,
}

impl AppState {
    /// The state with settings read from the environment (the demo provider secret when
    /// none is set: for tests and embedding; `serve` uses [`Settings::for_serve`]).
    pub fn new(db: Db) -> AppState {
        AppState::with_settings(db, Settings::from_env())
    }

    pub fn with_settings(db: Db, settings: Settings) -> AppState {
        AppState {
            db,
            settings: std::sync::Arc::new(settings),
            limiter: std::sync::Arc::default(),
            clock: std::sync::Arc::new(crate::clock::SystemClock),
        }
    }

    /// The use cases' context for `actor`.
    pub fn ctx<'a>(&'a self, actor: &'a crate::auth::Principal) -> crate::usecase::Ctx<'a> {
        crate::usecase::Ctx::new(&self.db, actor, self.clock.as_ref())
    }
}

/// What an operator sets, from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The payment provider's client id and shared secret (`LINGKARAN_PROVIDER_CLIENT_ID`,
    /// `LINGKARAN_PROVIDER_SECRET`). The defaults are for the demo and tests only.
    pub provider: crate::payments::callback::Provider,
    /// How long a donation's worker-months stay held, and its invoice open, unpaid
    /// (`LINGKARAN_HOLD_HOURS`, default 24: a virtual account's usual validity).
    pub hold: chrono::Duration,
    /// How long an `Idempotency-Key`'s answer is kept (`LINGKARAN_IDEMPOTENCY_HOURS`,
    /// default 24).
    pub idempotency_ttl: chrono::Duration,
    /// What a donor who signed up alone (an individual, self-registered) may hold at a time,
    /// unless an officer set another limit for them: workers
    /// (`LINGKARAN_SELF_DONOR_MAX_WORKERS`, 50) and unpaid donations
    /// (`LINGKARAN_SELF_DONOR_MAX_HELD`, 3).
    pub self_donor_limits: crate::db::donations::HoldLimits,
    /// How far ahead a donation may start, in months after the first payable one
    /// (`LINGKARAN_MAX_MONTHS_AHEAD`, 12).
    pub max_months_ahead: u32,
    /// Sign-ups per network address per hour (`LINGKARAN_SIGNUPS_PER_HOUR`, 5).
    pub signups_per_hour: i64,
}

/// The demo's provider secret: a real deployment sets `LINGKARAN_PROVIDER_SECRET`.
pub const DEMO_PROVIDER_SECRET: &str = "lingkaran-demo-provider-secret";
pub const DEMO_PROVIDER_CLIENT_ID: &str = "MCH-LINGKARAN-DEMO";

/// `serve` without `LINGKARAN_PROVIDER_SECRET` and without `--demo`.
pub const NO_PROVIDER_SECRET: &str = "LINGKARAN_PROVIDER_SECRET belum diisi: tanpa rahasia \
penyedia pembayaran, siapa pun yang membaca docs/payments.md bisa memalsukan callback pembayaran. \
Isi LINGKARAN_PROVIDER_SECRET dengan rahasia dari penyedia pembayaran, atau jalankan \
`lingkaran serve --demo` untuk demo. / LINGKARAN_PROVIDER_SECRET is not set: without the payment \
provider's secret, anyone who reads docs/payments.md could forge payment callbacks. Set \
LINGKARAN_PROVIDER_SECRET to the secret your payment provider gave you, or run \
`lingkaran serve --demo` for the demo.";

impl Settings {
    /// The settings `serve` runs with: it fails closed. Without `LINGKARAN_PROVIDER_SECRET`
    /// it refuses to start (a callback signed with the published demo secret would otherwise
    /// be money), unless `demo` is set.
    pub fn for_serve(demo: bool) -> Result<Settings, &'static str> {
        let set = std::env::var("LINGKARAN_PROVIDER_SECRET").is_ok_and(|v| !v.trim().is_empty());
        if !set && !demo {
            return Err(NO_PROVIDER_SECRET);
        }
        if !set {
            tracing::warn!(
                "demo: LINGKARAN_PROVIDER_SECRET is not set, payment callbacks use the demo secret"
            );
        }
        Ok(Settings::from_env())
    }

    /// Every setting from the environment; the demo provider values when none are set.
    pub fn from_env() -> Settings {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        // A whole number ≥ 0, or the default.
        let number = |k: &str, default: i64| {
            var(k)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .unwrap_or(default)
        };
        let secret =
            var("LINGKARAN_PROVIDER_SECRET").unwrap_or_else(|| DEMO_PROVIDER_SECRET.to_string());
        Settings {
            provider: crate::payments::callback::Provider {
                client_id: var("LINGKARAN_PROVIDER_CLIENT_ID")
                    .unwrap_or_else(|| DEMO_PROVIDER_CLIENT_ID.to_string()),
                secret,
            },
            hold: chrono::Duration::hours(
                var("LINGKARAN_HOLD_HOURS")
                    .and_then(|h| h.parse().ok())
                    .filter(|h| *h > 0)
                    .unwrap_or(24),
            ),
            idempotency_ttl: chrono::Duration::hours(
                var("LINGKARAN_IDEMPOTENCY_HOURS")
                    .and_then(|h| h.parse().ok())
                    .filter(|h| (1..=24 * 365).contains(h))
                    .unwrap_or(24),
            ),
            self_donor_limits: crate::db::donations::HoldLimits {
                workers: number("LINGKARAN_SELF_DONOR_MAX_WORKERS", 50),
                donations: number("LINGKARAN_SELF_DONOR_MAX_HELD", 3),
            },
            max_months_ahead: u32::try_from(number("LINGKARAN_MAX_MONTHS_AHEAD", 12).min(120))
                .unwrap_or(12),
            signups_per_hour: number("LINGKARAN_SIGNUPS_PER_HOUR", 5),
        }
    }
}

/// Uploads of lists up to this size are accepted (a million rows is about 100 MB).
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

/// The whole service: JSON API under `/api`, pages at the root.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::api::router())
        .merge(crate::web::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::api::idempotency::layer,
        ))
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
    // Expiring holds, sending messages, the monthly cycle and reminders run on their own.
    let schedule = crate::scheduler::Schedule {
        idempotency_ttl: state.settings.idempotency_ttl,
        ..crate::scheduler::Schedule::from_env()
    };
    crate::scheduler::spawn(state.db.clone(), schedule);
    // The peer's address reaches handlers (the protection page limits checks by it).
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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
