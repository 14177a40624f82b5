//! The application state shared by every request, and the whole router.

use crate::config::Config;
use crate::db::Db;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use lingkaran_domain::Problem;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: std::sync::Arc<Settings>,
    pub clock: std::sync::Arc<dyn crate::clock::Clock>,
    /// One permit per upload in progress (`Settings::concurrent_uploads`).
    pub uploads: std::sync::Arc<tokio::sync::Semaphore>,
    /// Whether, and as which runner, this server starts an uploaded list's job at once
    /// (`None`: `serve --no-jobs`, a worker runs it).
    pub jobs: Option<std::sync::Arc<crate::usecase::jobs::Env>>,
    /// The public summary, computed at most every `transparency::FRESH_FOR`.
    pub public: std::sync::Arc<crate::usecase::transparency::Cache>,
}

impl AppState {
    /// The state with settings from the environment and the defaults (the demo provider
    /// secret when none is set): for tests and embedding. `serve` uses [`Settings::for_serve`].
    pub fn new(db: Db) -> AppState {
        AppState::with_settings(db, Settings::from_env())
    }

    pub fn with_settings(db: Db, settings: Settings) -> AppState {
        let jobs = crate::usecase::jobs::Env::for_imports(settings.job_lease);
        AppState {
            db,
            uploads: std::sync::Arc::new(tokio::sync::Semaphore::new(settings.concurrent_uploads)),
            settings: std::sync::Arc::new(settings),
            clock: std::sync::Arc::new(crate::clock::SystemClock),
            jobs: Some(std::sync::Arc::new(jobs)),
            public: Default::default(),
        }
    }

    /// The state of a server that leaves every job to the runners (`serve --no-jobs`).
    pub fn without_jobs(mut self) -> AppState {
        self.jobs = None;
        self
    }

    /// Starts import `id`'s job in this server, unless it runs no jobs (a runner will). The
    /// job is claimed under its lease like any other, so a runner never runs it a second
    /// time; the handle ends when the job does.
    pub fn start_import(&self, id: i64) -> Option<tokio::task::JoinHandle<()>> {
        let env = self.jobs.clone()?;
        let db = self.db.clone();
        Some(tokio::spawn(async move {
            let key = crate::usecase::jobs::import_key(id);
            if let Err(e) = crate::usecase::jobs::run_one(&db, &env, Some(&key)).await {
                tracing::warn!(import.id = id, error = %e, "starting the import's job failed; a runner will take it");
            }
        }))
    }

    /// The client's address of a request, as the settings say to read it.
    pub fn client_address(&self, parts: &axum::http::request::Parts) -> String {
        crate::http::request::client_address(parts, self.settings.trusted_proxy_header.as_deref())
    }

    /// The use cases' context for `actor`.
    pub fn ctx<'a>(&'a self, actor: &'a crate::auth::Principal) -> crate::usecase::Ctx<'a> {
        crate::usecase::Ctx::new(&self.db, actor, self.clock.as_ref())
    }
}

/// What the request handlers need of the [`Config`], in the types they use.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The payment provider's client id and shared secret.
    pub provider: crate::payments::callback::Provider,
    /// How long a donation's worker-months stay held, and its invoice open, unpaid.
    pub hold: chrono::Duration,
    /// How long an `Idempotency-Key`'s answer is kept.
    pub idempotency_ttl: chrono::Duration,
    /// What a donor who signed up alone (an individual, self-registered) may hold at a time,
    /// unless an officer set another limit for them.
    pub self_donor_limits: crate::db::donations::HoldLimits,
    /// How far ahead a donation may start, in months after the first payable one.
    pub max_months_ahead: u32,
    /// The bank that issues the virtual-account numbers.
    pub va_bank: &'static lingkaran_domain::va::Bank,
    /// Sign-ups per network address per hour.
    pub signups_per_hour: i64,
    /// Public protection checks per client address in ten minutes.
    pub checks_per_window: i64,
    /// The header a trusted reverse proxy writes the client's address in
    /// (`LINGKARAN_TRUSTED_PROXY_HEADER`); `None`: the socket's peer address.
    pub trusted_proxy_header: Option<String>,
    /// Uploads handled at once; one more is answered 503.
    pub concurrent_uploads: usize,
    /// How long sessions and API tokens live.
    pub lifetimes: crate::db::users::Lifetimes,
    /// `LINGKARAN_BASE_URL` is https: cookies are `Secure` and every answer carries HSTS.
    pub https: bool,
    /// How long a claim on a job holds (`LINGKARAN_JOB_LEASE_SECONDS`).
    pub job_lease: chrono::Duration,
    /// The public address without a trailing slash (`LINGKARAN_BASE_URL`): a receipt's
    /// verification link and QR code point there.
    pub base_url: String,
}

pub use crate::config::{DEMO_PROVIDER_CLIENT_ID, DEMO_PROVIDER_SECRET};

/// `serve` without `LINGKARAN_PROVIDER_SECRET` and without `--demo`.
pub const NO_PROVIDER_SECRET: &str = "LINGKARAN_PROVIDER_SECRET belum diisi: tanpa rahasia \
penyedia pembayaran, siapa pun yang membaca docs/payments.md bisa memalsukan callback pembayaran. \
Isi LINGKARAN_PROVIDER_SECRET dengan rahasia dari penyedia pembayaran, atau jalankan \
`lingkaran serve --demo` untuk demo. / LINGKARAN_PROVIDER_SECRET is not set: without the payment \
provider's secret, anyone who reads docs/payments.md could forge payment callbacks. Set \
LINGKARAN_PROVIDER_SECRET to the secret your payment provider gave you, or run \
`lingkaran serve --demo` for the demo.";

impl Settings {
    /// The settings `serve` runs with: it fails closed. Without a provider secret it refuses
    /// to start (a callback signed with the published demo secret would otherwise be money),
    /// unless `demo` is set.
    pub fn for_serve(config: &Config, demo: bool) -> Result<Settings, &'static str> {
        let secret = config.provider_secret_for(demo).ok_or(NO_PROVIDER_SECRET)?;
        if config.provider_secret_for(false).is_none() {
            tracing::warn!(
                "demo: LINGKARAN_PROVIDER_SECRET is not set, payment callbacks use the demo secret"
            );
        }
        Ok(Settings::from_config(config, secret))
    }

    /// From the environment and the defaults; the demo provider secret when none is set.
    /// A setting out of its bound stops the program with clap's words naming it.
    pub fn from_env() -> Settings {
        let config = Config::from_env().unwrap_or_else(|e| panic!("{e}"));
        let secret = config
            .provider_secret_for(true)
            .unwrap_or_else(|| crate::config::Secret::new(DEMO_PROVIDER_SECRET));
        Settings::from_config(&config, secret)
    }

    /// What a donation obeys, for the use cases.
    pub fn terms(&self) -> crate::usecase::donations::Terms {
        crate::usecase::donations::Terms {
            hold: self.hold,
            limits: self.self_donor_limits,
            max_months_ahead: self.max_months_ahead,
        }
    }

    pub fn from_config(config: &Config, secret: crate::config::Secret) -> Settings {
        Settings {
            provider: crate::payments::callback::Provider {
                client_id: config.provider_client_id.clone(),
                secret,
            },
            hold: chrono::Duration::hours(i64::from(config.hold_hours)),
            idempotency_ttl: chrono::Duration::hours(i64::from(config.idempotency_hours)),
            self_donor_limits: crate::db::donations::HoldLimits {
                workers: i64::from(config.self_donor_max_workers),
                donations: i64::from(config.self_donor_max_held),
            },
            max_months_ahead: config.max_months_ahead,
            va_bank: lingkaran_domain::va::bank(&config.va_bank)
                .unwrap_or(&lingkaran_domain::va::BANKS[0]),
            signups_per_hour: i64::from(config.signups_per_hour),
            checks_per_window: crate::usecase::coverage::CHECKS_PER_WINDOW,
            trusted_proxy_header: config
                .trusted_proxy_header
                .clone()
                .filter(|h| !h.trim().is_empty()),
            concurrent_uploads: config.concurrent_uploads as usize,
            lifetimes: crate::db::users::Lifetimes {
                session_idle: chrono::Duration::minutes(i64::from(config.session_idle_minutes)),
                session_absolute: chrono::Duration::hours(i64::from(config.session_hours)),
                token: chrono::Duration::days(i64::from(config.token_days)),
            },
            https: config
                .base_url
                .trim()
                .to_ascii_lowercase()
                .starts_with("https://"),
            job_lease: chrono::Duration::seconds(i64::from(config.job_lease_seconds)),
            base_url: config.base_url().to_string(),
        }
    }
}

pub use crate::http::limits::LIST_UPLOAD_BYTES as MAX_UPLOAD_BYTES;

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
        // Each route's body cap and timeout (`http::limits`), the number of uploads at once,
        // and `Cache-Control: no-store`. axum's own 2 MB default is off: the caps are ours.
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        // Outside the guard, so that its refusals carry HSTS too.
        .layer(axum::middleware::from_fn_with_state(state.clone(), https_only))
        .layer(axum::extract::DefaultBodyLimit::disable())
        // Outside the limits, so that their refusals reach it.
        .layer(axum::middleware::from_fn(
            crate::api::error::plain_errors_as_envelope,
        ))
        // The span names the path only: a query string may carry a NIK (`?nik=`), and logs
        // never hold a whole NIK.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<axum::body::Body>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state)
}

/// The route's limits, before a byte of the body is read: a `Content-Length` over the cap is
/// refused at once (413), a chunked body is cut at the cap (the extractor then answers 413),
/// an upload beyond the concurrent ones is refused (503 with `Retry-After`), and a request
/// that takes longer than its route allows gets 408. Every answer that does not set its own
/// `Cache-Control` gets `no-store`: answers may carry personal data, and nothing here is
/// worth a shared cache keeping.
async fn guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use crate::http::limits;
    let limit = limits::for_route(req.method(), req.uri().path());
    let api = req.uri().path().starts_with("/api/");
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.bytes as u64) {
        return refusal(
            api,
            StatusCode::PAYLOAD_TOO_LARGE,
            limits::too_large(limit.bytes),
        );
    }
    let _permit = if limit.upload {
        match state.uploads.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            Err(_) => {
                let mut r = refusal(api, StatusCode::SERVICE_UNAVAILABLE, limits::busy());
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
                return r;
            }
        }
    } else {
        None
    };
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit.bytes));
    let req = axum::extract::Request::from_parts(parts, body);
    let mut r = match tokio::time::timeout(limit.timeout, next.run(req)).await {
        // The extractor saw the cut: the same words as the up-front refusal, with the cap.
        Ok(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => refusal(
            api,
            StatusCode::PAYLOAD_TOO_LARGE,
            limits::too_large(limit.bytes),
        ),
        Ok(r) => r,
        Err(_) => refusal(api, StatusCode::REQUEST_TIMEOUT, limits::timed_out()),
    };
    if !r.headers().contains_key(header::CACHE_CONTROL) {
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

/// When the service is reached over https (`LINGKARAN_BASE_URL`), every answer tells the
/// browser to use https only, for a year (HSTS), and every cookie set is `Secure`: one
/// place for all cookies, so no page can forget it.
async fn https_only(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut r = next.run(req).await;
    if state.settings.https {
        let headers = r.headers_mut();
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
        let cookies: Vec<HeaderValue> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        if !cookies.is_empty() {
            headers.remove(header::SET_COOKIE);
            for c in cookies {
                let secure = c
                    .to_str()
                    .map(|v| {
                        v.split(';')
                            .any(|a| a.trim().eq_ignore_ascii_case("secure"))
                    })
                    .unwrap_or(true);
                let c = if secure {
                    c
                } else {
                    let mut bytes = c.as_bytes().to_vec();
                    bytes.extend_from_slice(b"; Secure");
                    HeaderValue::from_bytes(&bytes).unwrap_or(c)
                };
                headers.append(header::SET_COOKIE, c);
            }
        }
    }
    r
}

/// A refusal of the limits: the API's envelope under `/api`, a page in both languages
/// elsewhere (the page's language cookie is not read for a refusal this early). The body may
/// be left unread, so the answer closes the connection (`Connection: close`): a client must
/// not send its next request on it.
fn refusal(api: bool, status: StatusCode, p: Problem) -> Response {
    let mut r = if api {
        crate::api::error::ApiError {
            status,
            problems: vec![p],
        }
        .into_response()
    } else {
        (
            status,
            maud::html! {
                (maud::DOCTYPE)
                html lang="id" {
                    head { meta charset="utf-8"; title { "Permintaan ditolak · Lingkaran" } }
                    body {
                        h1 { "Permintaan ditolak / Request refused" }
                        p id="alasan" { (p.id) }
                        p lang="en" { (p.en) }
                        p { a href="/" { "Kembali ke beranda / Back to home" } }
                    }
                }
            },
        )
            .into_response()
    };
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
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
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    config: &Config,
) -> std::io::Result<()> {
    // Imports, expiring holds, sending messages, the monthly cycle and reminders run as jobs,
    // here unless `--no-jobs` (then `lingkaran worker` runs them).
    if state.jobs.is_some() {
        crate::scheduler::spawn(state.db.clone(), config);
    }
    serve_router(router(state), listener, shutdown_signal()).await
}

/// Serves `app` on `listener` over HTTP/1.1 until `shutdown` completes, then waits for the
/// requests in flight. A client that has not sent its whole request head within
/// [`crate::http::limits::HEADER_READ_TIMEOUT`] is disconnected (axum's own `serve` sets no
/// such timeout, so a slow client could hold a connection for ever). The peer's address
/// reaches handlers as `ConnectInfo` (the protection page and sign-up count by it, unless a
/// trusted proxy header is set).
pub async fn serve_router(
    app: Router,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(crate::http::limits::HEADER_READ_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Ctrl-C or SIGTERM: what `serve` and `worker` stop on.
pub async fn shutdown_signal() {
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
