//! The pages as a browser without scripts uses them: a client that keeps cookies and does
//! not follow redirects (so they can be checked), the hidden CSRF field, GET and POST, and
//! signing in through `/masuk`. One copy for every test file that reads pages.
#![allow(dead_code)]

use super::TestApp;

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `csrf` field of the first form on a page.
pub fn csrf_field(html: &str) -> String {
    let key = r#"name="csrf" value=""#;
    let start = html.find(key).expect("a csrf field") + key.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// GET: (status, body).
pub async fn page(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// POST a form: (status, `Location`, body).
pub async fn post(
    http: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let r = http.post(app.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// A client signed in through the sign-in form as `username` with `password`.
pub async fn signed_in(app: &TestApp, username: &str, password: &str) -> reqwest::Client {
    let http = client();
    let (_, html) = page(&http, app, "/masuk").await;
    let csrf = csrf_field(&html);
    let (status, _, _) = post(
        &http,
        app,
        "/masuk",
        &[
            ("csrf", &csrf),
            ("username", username),
            ("password", password),
        ],
    )
    .await;
    assert_eq!(status, 303, "{username} signs in");
    http
}

/// The HTML of the element with `id`, up to the end of its `tag` (the first closing one:
/// enough for a row or a list without the same tag inside).
pub fn element<'a>(html: &'a str, id: &str, tag: &str) -> &'a str {
    let start = html
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let close = format!("</{tag}>");
    let end = html[start..]
        .find(&close)
        .map_or(html.len(), |e| e + start + close.len());
    &html[start..end]
}
