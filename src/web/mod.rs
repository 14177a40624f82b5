//! Server-rendered pages, in Bahasa Indonesia with English available.

use crate::app::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
