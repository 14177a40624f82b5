//! Lingkaran: donors pay the JKK and JKM contributions of Indonesia's vulnerable informal
//! workers. See ARCHITECTURE.md for the map.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod http;
pub mod import;
pub mod insurer;
pub mod messages;
pub mod payments;
pub mod privacy;
pub mod regions;
pub mod remittance;
pub mod report;
pub mod scheduler;
pub mod usecase;
pub mod web;
pub mod wire;
