//! What both edges read from an HTTP request: who is calling (bearer token or session
//! cookie), a cookie, the peer's address, and an uploaded file streamed to disk.
//!
//! It sits below the edges (ARCHITECTURE.md, "Layers"): the JSON API (`api`) and the pages
//! (`web`) import it, so neither needs the other; it imports neither. It decides no rule of
//! the programme: it answers with plain values and its own small refusal types, which each
//! edge turns into its own answer (a JSON error, a page).

pub mod download;
pub mod limits;
pub mod request;
pub mod upload;
