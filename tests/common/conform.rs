//! Every answer a test receives through [`super::TestApp`]'s helpers is checked against the
//! OpenAPI document: the operation is documented, the status is among its answers, and a JSON
//! body validates against that answer's schema. So the schemas are what the service sends,
//! not a description beside it.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

fn doc() -> &'static Value {
    lingkaran::api::openapi::document()
}

/// The documented path `path` (no query string) falls under: the template whose segments
/// match, literal segments preferred over `{params}`.
pub fn template_of(path: &str) -> Option<&'static str> {
    let segs: Vec<&str> = path.split('/').collect();
    let mut best: Option<(&'static str, usize)> = None;
    for t in doc()["paths"].as_object()?.keys() {
        let tsegs: Vec<&str> = t.split('/').collect();
        if tsegs.len() != segs.len() {
            continue;
        }
        let mut literal = 0;
        let fits = tsegs.iter().zip(&segs).all(|(t, s)| {
            if t.starts_with('{') && t.ends_with('}') {
                !s.is_empty()
            } else {
                literal += 1;
                t == s
            }
        });
        if fits && best.is_none_or(|(_, l)| literal > l) {
            best = Some((t.as_str(), literal));
        }
    }
    best.map(|(t, _)| t)
}

type Validators = Mutex<HashMap<(String, String, u16), Arc<Option<jsonschema::Validator>>>>;

/// The validator of an answer's JSON body; `None` when the answer has no JSON body.
fn validator(template: &str, method: &str, status: u16) -> Arc<Option<jsonschema::Validator>> {
    static CACHE: OnceLock<Validators> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (template.to_string(), method.to_string(), status);
    if let Some(v) = cache.lock().unwrap().get(&key) {
        return v.clone();
    }
    let response = &doc()["paths"][template][method]["responses"][status.to_string()];
    let v = response["content"]["application/json"]["schema"]
        .as_object()
        .map(|schema| {
            let mut root = Value::Object(schema.clone());
            root["components"] = doc()["components"].clone();
            jsonschema::validator_for(&root)
                .unwrap_or_else(|e| panic!("{method} {template} {status}: bad schema: {e}"))
        });
    let v = Arc::new(v);
    cache.lock().unwrap().insert(key, v.clone());
    v
}

/// Panics unless `body`, answered with `status` to `method path`, is what the document says.
pub fn check(method: &str, path: &str, status: u16, body: &Value) {
    let method = method.to_lowercase();
    let path = path.split('?').next().unwrap_or(path);
    if !path.starts_with("/api/") {
        return;
    }
    let Some(template) = template_of(path) else {
        assert_eq!(
            status, 404,
            "{method} {path}: no documented path, yet answered {status}"
        );
        return;
    };
    let op = &doc()["paths"][template][method.as_str()];
    if op.is_null() {
        assert_eq!(
            status, 405,
            "{method} {template} is not documented, yet answered {status}"
        );
        return;
    }
    if status >= 500 {
        return;
    }
    assert!(
        op["responses"][status.to_string()].is_object(),
        "{method} {template} answered {status}, which the document does not list: {body}"
    );
    if let Some(v) = validator(template, &method, status).as_ref() {
        let problems: Vec<String> = v
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            problems.is_empty(),
            "{method} {template} {status}: the answer does not fit its schema:\n{}\n{}",
            problems.join("\n"),
            json!(body)
        );
    }
}
