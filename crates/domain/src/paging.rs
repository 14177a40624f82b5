//! Page numbers, bounded. A page number is text a caller types into a URL; unchecked,
//! `?page=9223372036854775807` multiplied by the page size wrapped around to page 1.

/// The last page anyone may ask for: at 1,000 a page that is a billion rows, beyond any list
/// Lingkaran holds.
pub const MAX_PAGE: i64 = 1_000_000;
/// The most rows one page may hold.
pub const MAX_PER_PAGE: i64 = 1_000;

/// The rows to skip for `page` (from 1) of `per_page` rows, or `None` when either is outside
/// its bound.
pub fn offset(page: i64, per_page: i64) -> Option<i64> {
    if !(1..=MAX_PAGE).contains(&page) || !(1..=MAX_PER_PAGE).contains(&per_page) {
        return None;
    }
    (page - 1).checked_mul(per_page)
}

/// A page number from a URL for a page that shows a list: anything unreadable or out of
/// bounds shows the nearest real page (the first, or the last of `pages`).
pub fn lenient(param: Option<&str>, pages: i64) -> i64 {
    let last = pages.clamp(1, MAX_PAGE);
    let Some(p) = param.map(str::trim) else {
        return 1;
    };
    match p.parse::<i64>() {
        Ok(n) => n.clamp(1, last),
        // Only digits, yet no i64: a page past any end.
        Err(_) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => last,
        Err(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_pages_never_wrap() {
        assert_eq!(offset(1, 50), Some(0));
        assert_eq!(offset(3, 50), Some(100));
        assert_eq!(offset(i64::MAX, 50), None);
        assert_eq!(offset(0, 50), None);
        assert_eq!(offset(1, i64::MAX), None);
        assert_eq!(lenient(Some("9223372036854775807"), 7), 7);
        assert_eq!(lenient(Some("99999999999999999999999"), 7), 7);
        assert_eq!(lenient(Some("-3"), 7), 1);
        assert_eq!(lenient(Some("abc"), 7), 1);
        assert_eq!(lenient(None, 7), 1);
    }
}
