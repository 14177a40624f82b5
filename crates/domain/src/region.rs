//! Kemendagri region codes: province `35`, regency/city `35.25`, district `35.25.01`,
//! village `35.25.01.2001` (domain.md §5).

/// Where a code's name can be looked up. The app implements it over the embedded table; the
/// domain never reads the table itself.
pub trait RegionLookup {
    /// The region's name, if the code exists.
    fn name(&self, code: &str) -> Option<&str>;

    /// A code of an earlier Kepmendagri table that today's table no longer has (Papua's
    /// regencies before the 2022 split): NIKs issued under it stay valid (domain.md §4).
    /// `None` for a code that is current or that never existed.
    fn historical(&self, _code: &str) -> Option<OldCode<'_>> {
        None
    }
}

/// A region code that an earlier table had and today's does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OldCode<'a> {
    /// Its name in the last table that had it.
    pub name: &'a str,
    /// Today's code of the same region, if it could be matched (a few renamed districts
    /// cannot; they stay valid, named by their old name).
    pub current: Option<&'a str>,
    /// The year of the last table that had it.
    pub last_seen: u16,
}

impl RegionLookup for std::collections::HashMap<String, String> {
    fn name(&self, code: &str) -> Option<&str> {
        self.get(code).map(String::as_str)
    }
}

/// The level of a code, from its shape alone: 1 province … 4 village. `None` when the text is
/// not shaped like a Kemendagri code at all.
pub fn level_of(code: &str) -> Option<u8> {
    let parts: Vec<&str> = code.split('.').collect();
    let widths = [2usize, 2, 2, 4];
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let ok = parts
        .iter()
        .zip(widths)
        .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        u8::try_from(parts.len()).ok()
    } else {
        None
    }
}

/// Accepts a village code as clerks write it: `35.25.01.2001` or `3525012001`.
pub fn normalise_village_code(input: &str) -> Option<String> {
    let t = input.trim();
    if level_of(t) == Some(4) {
        return Some(t.to_string());
    }
    if t.len() == 10 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "{}.{}.{}.{}",
            &t[0..2],
            &t[2..4],
            &t[4..6],
            &t[6..10]
        ));
    }
    None
}

/// The code of the region above this one (`35.25.01` → `35.25`), `None` for a province.
pub fn parent_of(code: &str) -> Option<&str> {
    code.rfind('.').map(|i| &code[..i])
}

/// The regency/city (`35.25`) that a code of level 2 or deeper lies in.
pub fn regency_of(code: &str) -> Option<&str> {
    code.get(0..5)
        .filter(|_| level_of(code).is_some_and(|l| l >= 2))
}

/// Whether `code` is `area` itself or lies inside it (`35.25.01.2001` is within `35.25`).
pub fn within(code: &str, area: &str) -> bool {
    code == area || (code.starts_with(area) && code.as_bytes().get(area.len()) == Some(&b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(level_of("35"), Some(1));
        assert_eq!(level_of("35.25"), Some(2));
        assert_eq!(level_of("35.25.01"), Some(3));
        assert_eq!(level_of("35.25.01.2001"), Some(4));
        assert_eq!(level_of("35.25.1"), None);
        assert_eq!(
            normalise_village_code("3525012001").as_deref(),
            Some("35.25.01.2001")
        );
        assert_eq!(parent_of("35.25.01"), Some("35.25"));
        assert_eq!(regency_of("35.25.01.2001"), Some("35.25"));
    }
}
