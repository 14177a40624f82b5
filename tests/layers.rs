//! The dependency rule (ARCHITECTURE.md, "Layers"), read from the source tree so that it
//! stays true: an edge never calls another edge, and nothing below the edges imports one.
//!
//! - no edge names another: the pages (`src/web`), the JSON API (`src/api`) and the CLI
//!   (`src/cli`) name none of `crate::web`, `crate::api`, `crate::cli` but their own;
//! - use cases (`src/usecase`), storage (`src/db`), what both HTTP edges read from a request
//!   (`src/http`) and the JSON shapes the API and the CLI share (`src/wire.rs`) name no edge,
//!   nor the application that assembles them (`crate::app`: the state, the router, the
//!   settings built from the configuration);
//! - the documents made from use cases' views (`src/report`: the regional report's XLSX and
//!   PDF) sit between the use cases and the edges: they name no edge and not the
//!   application, and nothing below them names them.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir` (or `dir` itself, when it is one file).
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
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

/// Whether `text` names module `module` of this crate: `crate::api`, or `api` at the top of a
/// `crate::{…}` group (`use crate::{api, db}`, `use crate::{db::{a, b}, api::x}`).
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
    text.match_indices("crate::{")
        .any(|(i, m)| top_of_group(&text[i + m.len()..], module))
}

/// Whether `module` is the first segment of a path in the group `rest` begins (after its
/// `{`), up to the group's own closing brace; nested groups (`db::{a, b}`) are skipped.
fn top_of_group(rest: &str, module: &str) -> bool {
    let (mut depth, mut word, mut first) = (0usize, String::new(), true);
    for c in rest.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if depth == 0 && first && word == module {
            return true;
        }
        if !word.is_empty() {
            first = false;
        }
        word.clear();
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return false,
            '}' => depth -= 1,
            ',' if depth == 0 => first = true,
            _ => {}
        }
    }
    false
}

/// The files under `src/<dir>` (a folder, or one file such as `wire.rs`) that name any of
/// `forbidden`, with what they name.
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
    assert!(names("use crate::{db::{a, b}, api::x};", "api"));
    assert!(names("use crate::{\n    api,\n};", "api"));
    assert!(!names("use crate::apis::x;", "api"));
    assert!(!names("use crate::{db::api, usecase};", "api"));
    assert!(!names("use crate::{db, usecase};", "api"));
    assert!(!names("the API's `api::error`", "api"));
}

/// The three edges; each may name only itself.
const EDGES: [&str; 3] = ["api", "web", "cli"];

#[test]
fn no_edge_names_another() {
    for edge in EDGES {
        let others: Vec<&str> = EDGES.into_iter().filter(|e| *e != edge).collect();
        let found = offenders(edge, &others);
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn nothing_below_the_edges_names_an_edge_or_the_app() {
    for dir in ["usecase", "db", "http", "wire.rs", "report"] {
        let found = offenders(dir, &["api", "web", "cli", "app"]);
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn nothing_below_the_documents_names_them() {
    for dir in ["usecase", "db", "http", "wire.rs"] {
        let found = offenders(dir, &["report"]);
        assert!(found.is_empty(), "{found:#?}");
    }
}
