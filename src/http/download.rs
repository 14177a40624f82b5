//! A stored file sent back as a download, the same way from the API and the pages: its
//! recorded type, a file name reduced to safe characters (the stored name may carry anything
//! a phone put there), never cached, never sniffed into something else.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
// The one rule for a file's name, also the one an e-mail's attachment follows.
use lingkaran_domain::attachment::safe_file_name;

/// `bytes` as an attachment of `content_type`, named `file_name` or else `fallback`.
pub fn attachment(bytes: Vec<u8>, content_type: &str, file_name: &str, fallback: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let name = safe_file_name(file_name).unwrap_or_else(|| fallback.to_string());
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_safe_characters() {
        let r = attachment(vec![1], "image/png", "фото", "dokumen-7");
        assert_eq!(
            r.headers()[header::CONTENT_DISPOSITION],
            "attachment; filename=\"dokumen-7\""
        );
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
    }
}
