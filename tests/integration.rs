//! The integration tests, in one binary: each file of `tests/` is a module here (`tests/gate.rs`
//! is `gate`), and `tests/common` is their shared kit. One binary, not one per file: each test
//! binary links the whole service and its dependencies (87 MB each with line tables, 300 MB
//! with full debug info), and 42 of them filled a CI machine's disk and took most of the build
//! linking. Run one file's tests with `cargo test --test integration gate::`.

#[macro_use]
mod common;

mod api;
mod at_rest;
mod audit;
mod backup;
mod browser;
mod claims;
mod claims_pages;
mod cli;
mod concurrency;
mod coverage;
mod cycle;
mod donate_api;
mod donation_outcomes;
mod donations;
mod donor_pages;
mod donor_statements;
mod faults;
mod figures;
mod gate;
mod hoarding;
mod idempotency;
mod import_files;
mod jobs;
mod kill;
mod layers;
mod ledger;
mod lifecycle;
mod lifecycle_api;
mod limits;
mod money_bounds;
mod openapi;
mod pricing;
mod receipts;
mod region_report;
mod regions;
mod reminders;
mod roles;
mod schema;
mod signin;
mod statement_parse;
mod statements;
mod template;
mod totals;
