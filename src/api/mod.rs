//! The JSON API under `/api/v1`, described by `/api/openapi.json`.

pub mod accounts;
pub mod coverage;
pub mod donations;
pub mod donors;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod imports;
pub mod lifecycle;
pub mod openapi;
pub mod payments;
pub mod quotes;
pub mod reference;
pub mod registry;
pub mod wire;

use crate::app::AppState;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/health", get(reference::health))
        .route("/api/v1/auth/token", post(accounts::issue_token))
        .route("/api/v1/me", get(accounts::me))
        .route("/api/v1/users", post(accounts::create_user))
        .route(
            "/api/v1/organisations",
            get(accounts::list_organisations).post(accounts::create_organisation),
        )
        .route("/api/v1/regions", get(reference::search_regions))
        .route("/api/v1/regions/{code}", get(reference::region))
        .route("/api/v1/regions/{code}/children", get(reference::children))
        .route("/api/v1/nik/check", post(reference::check_nik))
        .route(
            "/api/v1/eligibility",
            get(registry::get_eligibility).put(registry::put_eligibility),
        )
        .route("/api/v1/covered-niks", post(registry::add_covered))
        .route(
            "/api/v1/workers",
            get(registry::search).post(registry::create),
        )
        .route("/api/v1/workers/decisions", post(registry::decide_bulk))
        .route("/api/v1/workers/{id}", get(registry::show))
        .route("/api/v1/workers/{id}/verify", post(registry::verify))
        .route("/api/v1/workers/{id}/reject", post(registry::reject))
        .route(
            "/api/v1/workers/{id}/duplicate",
            post(registry::resolve_duplicate),
        )
        .route("/api/v1/queue", get(registry::queue))
        .route("/api/v1/imports", get(imports::list).post(imports::upload))
        .route("/api/v1/imports/{id}", get(imports::show))
        .route("/api/v1/imports/{id}/errors.csv", get(imports::errors_csv))
        .route("/api/v1/rates", get(quotes::list).post(quotes::add))
        .route("/api/v1/quotes", post(quotes::quote))
        .route(
            "/api/v1/reliefs",
            get(quotes::reliefs).post(quotes::add_relief),
        )
        .route("/api/v1/donors", get(donors::list).post(donors::create))
        .route("/api/v1/donors/{id}", get(donors::show))
        .route(
            "/api/v1/donors/{id}/budget-lines",
            post(donors::add_budget_line),
        )
        .route(
            "/api/v1/donors/{id}/hold-limits",
            get(donors::hold_limits).put(donors::set_hold_limits),
        )
        .route("/api/v1/donors/{id}/account", get(payments::account))
        .route("/api/v1/donors/{id}/refunds", post(payments::refund))
        .route("/api/v1/signup", post(accounts::sign_up))
        .route("/api/v1/coverage/{nik}", get(coverage::check))
        .route(
            "/api/v1/donors/{id}/preferences",
            get(lifecycle::preferences).put(lifecycle::set_preferences),
        )
        .route(
            "/api/v1/workers/{id}/self-payments",
            post(lifecycle::self_payment),
        )
        .route("/api/v1/workers/{id}/stop", post(lifecycle::stop))
        .route(
            "/api/v1/self-payments/import",
            post(lifecycle::import_self_payments),
        )
        .route("/api/v1/graduation", get(lifecycle::graduation))
        .route("/api/v1/cycle/{month}", get(lifecycle::reconciliation))
        .route("/api/v1/outbox", get(lifecycle::list_outbox))
        .route(
            "/api/v1/donations",
            get(donations::list).post(donations::create),
        )
        .route("/api/v1/donations/{id}", get(donations::show))
        .route("/api/v1/donations/{id}/workers", get(donations::workers))
        .route("/api/v1/donations/{id}/extend", post(donations::extend))
        .route("/api/v1/donations/{id}/cancel", post(donations::cancel))
        .route(
            "/api/v1/donations/{id}/pay-from-credit",
            post(donations::pay_from_credit),
        )
        .route(
            crate::payments::callback::PATH,
            post(payments::provider_callback),
        )
        .route("/api/v1/payments/manual", post(payments::manual))
        .route("/api/v1/payments/{id}", get(payments::receipt))
        .route(
            "/api/v1/credit-receipts/{id}",
            get(payments::credit_receipt),
        )
        .route("/api/v1/payments/{id}/evidence", get(payments::evidence))
        .route("/api/v1/statements", post(payments::upload_statement))
        .route("/api/v1/statements/unmatched", get(payments::unmatched))
        .route(
            "/api/v1/statement-lines/{id}/resolve",
            post(payments::resolve_line),
        )
}
