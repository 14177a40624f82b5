//! The JSON API under `/api/v1`, described by `/api/openapi.json`.

pub mod accounts;
pub mod audit;
pub mod claims;
pub mod coverage;
pub mod donations;
pub mod donors;
pub mod error;
pub mod extract;
pub mod figures;
pub mod idempotency;
pub mod imports;
pub mod lifecycle;
pub mod openapi;
pub mod payments;
pub mod public;
pub mod quotes;
pub mod receipts;
pub mod reference;
pub mod registry;
pub mod report;
pub mod shapes;

use crate::app::AppState;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every route of the API with its OpenAPI entry: `routes!` registers each handler at the
/// method and path of its `#[utoipa::path]`, and adds that entry to the document. Handlers of
/// one path go in one `routes!`. Nothing is routed here any other way (`tests/openapi.rs`
/// checks), so the document lists every route.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(openapi::serve))
        .routes(routes!(reference::health))
        .routes(routes!(accounts::issue_token))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::create_user))
        .routes(routes!(
            accounts::list_organisations,
            accounts::create_organisation
        ))
        .routes(routes!(reference::search_regions))
        .routes(routes!(reference::region))
        .routes(routes!(reference::children))
        .routes(routes!(claims::file, claims::queue))
        .routes(routes!(claims::estimate))
        .routes(routes!(claims::show))
        .routes(routes!(claims::step))
        .routes(routes!(claims::add_heir))
        .routes(routes!(claims::add_document))
        .routes(routes!(claims::document))
        .routes(routes!(figures::coverage))
        .routes(routes!(figures::import))
        .routes(routes!(report::region_report))
        .routes(routes!(public::summary))
        .routes(routes!(receipts::public_check))
        .routes(routes!(reference::check_nik))
        .routes(routes!(
            registry::get_eligibility,
            registry::put_eligibility
        ))
        .routes(routes!(registry::add_covered))
        .routes(routes!(registry::search, registry::create))
        .routes(routes!(registry::search_by_body))
        .routes(routes!(registry::decide_bulk))
        .routes(routes!(registry::show))
        .routes(routes!(registry::verify))
        .routes(routes!(registry::reject))
        .routes(routes!(registry::resolve_duplicate))
        .routes(routes!(registry::queue))
        .routes(routes!(imports::list, imports::upload))
        .routes(routes!(imports::show))
        .routes(routes!(imports::errors_csv))
        .routes(routes!(imports::duplicate_submissions))
        .routes(routes!(quotes::list, quotes::add))
        .routes(routes!(quotes::quote))
        .routes(routes!(quotes::reliefs, quotes::add_relief))
        .routes(routes!(donors::list, donors::create))
        .routes(routes!(donors::show))
        .routes(routes!(donors::add_budget_line))
        .routes(routes!(donors::hold_limits, donors::set_hold_limits))
        .routes(routes!(donors::verify))
        .routes(routes!(donors::credit_history))
        .routes(routes!(donors::impact))
        .routes(routes!(donors::statement))
        .routes(routes!(donors::statement_email))
        .routes(routes!(payments::account))
        .routes(routes!(payments::refund))
        .routes(routes!(accounts::sign_up))
        .routes(routes!(coverage::check))
        .routes(routes!(lifecycle::preferences, lifecycle::set_preferences))
        .routes(routes!(lifecycle::self_payment))
        .routes(routes!(lifecycle::stop))
        .routes(routes!(lifecycle::import_self_payments))
        .routes(routes!(lifecycle::graduation))
        .routes(routes!(lifecycle::reconciliation))
        .routes(routes!(lifecycle::list_outbox))
        .routes(routes!(donations::list, donations::create))
        .routes(routes!(donations::show))
        .routes(routes!(donations::workers))
        .routes(routes!(donations::impact))
        .routes(routes!(donations::extend))
        .routes(routes!(donations::cancel))
        .routes(routes!(donations::pay_from_credit))
        .routes(routes!(payments::provider_callback))
        .routes(routes!(payments::manual))
        .routes(routes!(payments::receipt))
        .routes(routes!(payments::credit_receipt))
        .routes(routes!(receipts::payment_pdf))
        .routes(routes!(receipts::credit_pdf))
        .routes(routes!(receipts::payment_email))
        .routes(routes!(receipts::credit_email))
        .routes(routes!(payments::evidence))
        .routes(routes!(payments::upload_statement))
        .routes(routes!(payments::unmatched))
        .routes(routes!(payments::resolve_line))
        .routes(routes!(audit::list))
}

pub fn router() -> Router<AppState> {
    routes().split_for_parts().0
}
