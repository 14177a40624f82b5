//! What a use case can answer instead of its view. The edges map each variant to their own
//! form: the API to a status and the error envelope (`api::error`), a page to an error page.

use lingkaran_domain::Problem;
use std::fmt;

/// Deliberately not `std::error::Error`: an unexpected failure is carried inside
/// [`Error::Internal`], and a client's mistake is never mistaken for one.
pub enum Error {
    /// The caller's role or scope does not allow this (403).
    Forbidden,
    /// No such record, or not one the caller may see (404, so that a record out of scope
    /// cannot be told from one that does not exist). The name is Indonesian, for the sentence.
    NotFound(&'static str),
    /// The input is wrong: every problem, in words (422).
    Invalid(Vec<Problem>),
    /// The input is fine but the state forbids it now (409).
    Conflict(Problem),
    /// The input is fine, but doing it has a consequence the caller must confirm first, such
    /// as money becoming a donor's credit (409); the problem says which. The edges offer
    /// the confirmation.
    Unconfirmed(Problem),
    /// Too many attempts from one place: wait `retry_after` seconds (429).
    Throttled { problem: Problem, retry_after: i64 },
    /// The store or the disk failed: logged, never shown (500).
    Internal(anyhow::Error),
}

impl Error {
    pub fn invalid(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Invalid(vec![Problem::new(code, id, en)])
    }

    pub fn conflict(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Conflict(Problem::new(code, id, en))
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Error {
        Error::Internal(e.into())
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        Error::Internal(e)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Forbidden => f.write_str("Forbidden"),
            Error::NotFound(what) => write!(f, "NotFound({what})"),
            Error::Invalid(p) => write!(
                f,
                "Invalid({:?})",
                p.iter().map(|p| p.code).collect::<Vec<_>>()
            ),
            Error::Conflict(p) => write!(f, "Conflict({})", p.code),
            Error::Unconfirmed(p) => write!(f, "Unconfirmed({})", p.code),
            Error::Throttled { retry_after, .. } => write!(f, "Throttled({retry_after}s)"),
            Error::Internal(e) => write!(f, "Internal({e:#})"),
        }
    }
}
