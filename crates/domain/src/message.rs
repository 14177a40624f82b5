//! A problem found in someone's input, said in both of the project's languages.
//!
//! Every rejection carries a stable machine `code` (for scripts and tests) and a sentence a
//! village clerk understands, in Bahasa Indonesia first and English second.

/// One finding about an input value: an error (the value is refused) or a warning (accepted,
/// but someone should look).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable, snake_case, never translated: `wrong_length`, `unknown_province`, …
    pub code: &'static str,
    /// Bahasa Indonesia.
    pub id: String,
    /// English.
    pub en: String,
}

impl Problem {
    pub fn new(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Self {
        Problem {
            code,
            id: id.into(),
            en: en.into(),
        }
    }

    /// The message in the given language: `"en"` gives English, anything else Indonesian.
    pub fn message(&self, lang: &str) -> &str {
        if lang == "en" {
            &self.en
        } else {
            &self.id
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.en)
    }
}
