//! What every page handler starts from: the reader's language, who is signed in, and where
//! the page is (for the language switch); and the ways a page can end other than normally.

use super::i18n::{Lang, S};
use super::layout;
use crate::app::AppState;
use crate::auth::{Principal, Role};
use crate::http::request::{self, Refused};
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The request as a page sees it.
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<Principal>,
    pub path: String,
    /// The query string's pairs, without `lang`.
    pub query: Vec<(String, String)>,
}

/// A page that ends early: a redirect to sign in, a refusal or an error page, ready to send.
pub struct Fail(Box<Response>);

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<Response> for Fail {
    fn from(r: Response) -> Self {
        Fail(Box::new(r))
    }
}

pub type PageResult = Result<Response, Fail>;

/// The language asked for in the query string, if any.
pub fn query_lang(parts: &Parts) -> Option<Lang> {
    let q: Query<Vec<(String, String)>> = Query::try_from_uri(&parts.uri).ok()?;
    q.0.iter()
        .rev()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Fail;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Fail> {
        let lang = query_lang(parts)
            .or_else(|| request::cookie(parts, LANG_COOKIE).and_then(Lang::parse))
            .unwrap_or_default();
        let query = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|q| q.0)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "lang")
            .collect();
        let mut ctx = Ctx {
            lang,
            user: None,
            path: parts.uri.path().to_string(),
            query,
        };
        // `false`: a page checks the form's `csrf` field itself, not the API's header.
        ctx.user = match request::principal(
            parts,
            &state.db,
            false,
            state.clock.now(),
            &state.settings.lifetimes,
        )
        .await
        {
            Ok(p) => p,
            // A stale or foreign bearer token: for a page, simply nobody signed in. (`Csrf`
            // cannot come back unasked; it would mean the same.)
            Err(Refused::UnknownToken | Refused::Csrf) => None,
            Err(Refused::Internal(e)) => return Err(ctx.internal(e)),
        };
        Ok(ctx)
    }
}

impl Ctx {
    pub fn t(&self, s: S) -> &'static str {
        self.lang.t(s)
    }

    /// The first value of a query parameter, if given and not blank.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// This page in the other language: the same path and query with `lang` swapped.
    pub fn switch_href(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.push(("lang", self.lang.other().code()));
        format!("{}?{}", self.path, query_string(&pairs))
    }

    /// The signed-in user, or a redirect to the sign-in page.
    pub fn signed_in(&self) -> Result<&Principal, Fail> {
        self.user.as_ref().ok_or_else(|| see_other("/masuk"))
    }

    /// The signed-in user if they have one of `roles`; else sign in, or a 403 page.
    pub fn require(&self, roles: &[Role]) -> Result<&Principal, Fail> {
        let p = self.signed_in()?;
        if roles.contains(&p.role) {
            Ok(p)
        } else {
            Err(self.refuse(StatusCode::FORBIDDEN, S::ForbiddenTitle, S::Forbidden))
        }
    }

    /// Refuses a form whose `csrf` field does not match the session's token.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), Fail> {
        let expected = self.user.as_ref().and_then(|p| p.csrf_token.as_deref());
        match (expected, sent) {
            (Some(e), Some(s)) if same_secret(e, s) => Ok(()),
            _ => Err(self.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf)),
        }
    }

    /// The session's CSRF token, for the hidden field of a form.
    pub fn csrf(&self) -> &str {
        self.user
            .as_ref()
            .and_then(|p| p.csrf_token.as_deref())
            .unwrap_or("")
    }

    /// An error page in the reader's language.
    pub fn refuse(&self, status: StatusCode, title: S, text: S) -> Fail {
        self.error_page(status, self.t(title), self.t(text))
    }

    pub fn error_page(&self, status: StatusCode, title: &str, text: &str) -> Fail {
        let body = layout::error_body(self, title, text);
        let mut r = (status, layout::page(self, title, body)).into_response();
        no_store(&mut r);
        r.into()
    }

    /// A use case's refusal as a page, by variant: its own words in the reader's language.
    pub fn failed(&self, e: crate::usecase::Error) -> Fail {
        use crate::usecase::Error;
        let words = |ps: &[lingkaran_domain::Problem]| {
            ps.iter()
                .map(|p| p.message(self.lang.code()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        match e {
            Error::Forbidden => self.refuse(StatusCode::FORBIDDEN, S::ForbiddenTitle, S::Forbidden),
            Error::NotFound(_) => self.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound),
            Error::Invalid(ps) => self.error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                self.t(S::ErrorTitle),
                &words(&ps),
            ),
            Error::Conflict(p) | Error::Unconfirmed(p) => self.error_page(
                StatusCode::CONFLICT,
                self.t(S::ErrorTitle),
                &words(std::slice::from_ref(&p)),
            ),
            Error::Throttled { problem, .. } => self.error_page(
                StatusCode::TOO_MANY_REQUESTS,
                self.t(S::ErrorTitle),
                &words(std::slice::from_ref(&problem)),
            ),
            Error::Internal(e) => self.internal(e),
        }
    }

    /// An unexpected failure (database, I/O): logged with its cause inside the request's
    /// span, shown as a plain error page that says nothing internal.
    pub fn internal(&self, e: impl Into<anyhow::Error>) -> Fail {
        let e: anyhow::Error = e.into();
        tracing::error!(error = %format!("{e:#}"), "request failed");
        self.refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            S::ErrorTitle,
            S::InternalError,
        )
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A 303 redirect: after a form POST, or to the sign-in page.
pub fn see_other(to: &str) -> Fail {
    redirect(to).into()
}

pub fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Pages show personal data: never kept in a shared or browser cache.
pub fn no_store(r: &mut Response) {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// Percent-encodes a query component (everything but the unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The first value of `name` in a submitted form.
pub fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_and_secrets() {
        assert_eq!(encode("35.25 a&b=ç"), "35.25%20a%26b%3D%C3%A7");
        assert_eq!(query_string(&[("a", "1"), ("b", "x y")]), "a=1&b=x%20y");
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
