//! A stored file sent back as a download, the same way from the API and the pages: its
//! recorded type, a file name reduced to safe characters (the stored name may carry anything
//! a phone put there), never cached, never sniffed into something else.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// `bytes` as an attachment of `content_type`, named `file_name` or else `fallback`.
pub fn attachment(bytes: Vec<u8>, content_type: &str, file_name: &str, fallback: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let name = safe_name(file_name).unwrap_or_else(|| fallback.to_string());
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// ASCII letters, digits, `.`, `-` and `_`, at most 100; `None` when nothing is left.
fn safe_name(name: &str) -> Option<String> {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    (!safe.is_empty()).then_some(safe)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_safe_characters() {
        assert_eq!(safe_name("akta kematian.pdf").unwrap(), "aktakematian.pdf");
        assert_eq!(safe_name("\"; x=\r\n.pdf").unwrap(), "x.pdf");
        assert_eq!(safe_name("фото"), None);
        let r = attachment(vec![1], "image/png", "фото", "dokumen-7");
        assert_eq!(
            r.headers()[header::CONTENT_DISPOSITION],
            "attachment; filename=\"dokumen-7\""
        );
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
    }
}
