//! The dependency rule (ARCHITECTURE.md, "Layers"), read from the source tree so that it
//! stays true: an edge never calls another edge, and nothing below the edges imports one.
//!
//! - the pages (`src/web`) never name the JSON API (`crate::api`), and the API never names
//!   the pages (`crate::web`);
//! - use cases (`src/usecase`), storage (`src/db`) and what both edges read from a request
//!   (`src/http`) name neither.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Whether `text` names module `module` of this crate: `crate::api`, or `api` inside a
/// `crate::{…}` group (`use crate::{api, db}`).
fn names(text: &str, module: &str) -> bool {
    let direct = format!("crate::{module}");
    if text.match_indices(&direct).any(|(i, _)| {
        // `crate::api` but not `crate::apis`.
        !text[i + direct.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    }) {
        return true;
    }
    text.match_indices("crate::{").any(|(i, m)| {
        let rest = &text[i + m.len()..];
        let group = &rest[..rest.find('}').unwrap_or(rest.len())];
        group
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == module)
    })
}

/// The files under `src/<dir>` that name any of `forbidden`, with what they name.
fn offenders(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let files = rust_files(&root);
    assert!(
        !files.is_empty(),
        "no source files under {}",
        root.display()
    );
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for m in forbidden {
            if names(&text, m) {
                out.push(format!("{} names crate::{m}", f.display()));
            }
        }
    }
    out
}

#[test]
fn the_checker_sees_every_way_of_naming_a_module() {
    assert!(names("use crate::api::error::ApiError;", "api"));
    assert!(names("crate::api::payments::resolve_line(", "api"));
    assert!(names("use crate::{api, db};", "api"));
    assert!(names(
        "use crate::{\n    db::Db,\n    web::page,\n};",
        "web"
    ));
    assert!(!names("use crate::apis::x;", "api"));
    assert!(!names("use crate::{db, usecase};", "api"));
    assert!(!names("the API's `api::error`", "api"));
}

#[test]
fn pages_never_name_the_api() {
    let found = offenders("web", &["api"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_api_never_names_the_pages() {
    let found = offenders("api", &["web"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn nothing_below_the_edges_names_an_edge() {
    for dir in ["usecase", "db", "http"] {
        let found = offenders(dir, &["api", "web"]);
        assert!(found.is_empty(), "{found:#?}");
    }
}
