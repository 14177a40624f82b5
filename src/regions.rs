//! The Kemendagri region table, embedded in the binary (`data/regions.csv`, from
//! Kepmendagri 300.2.2-2138/2025 via cahyadsn/wilayah, MIT), and held in memory for NIK and
//! village checks that must not cost a database round trip per row.
//!
//! `data/regions-historical.csv` adds the regency and district codes of earlier tables
//! (Kepmendagri 2016–2023, via cahyadsn/wilayah's `db/archive`, MIT, commit b7ad440) that the
//! 2025 table no longer has, nearly all Papua's before the 2022 split, each with its 2025 code:
//! NIKs issued under them stay valid (domain.md §4). They are for NIK checks only; a worker's
//! village, and so their regency and scope, is always a current code.

use lingkaran_domain::region::{self, RegionLookup};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The CSV as shipped: `code,name,level`, 91,599 rows.
pub const REGIONS_CSV: &str = include_str!("../data/regions.csv");

/// `code,name,level,current_code,current_name,first_seen,last_seen`: 26 regencies and 594
/// districts (see `data/README.md`).
pub const HISTORICAL_CSV: &str = include_str!("../data/regions-historical.csv");

/// A code of an earlier table: its old name, today's code (if matched) and the last year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Historical {
    pub name: String,
    pub current: Option<String>,
    pub last_seen: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: u8,
}

impl Region {
    pub fn parent(&self) -> Option<&str> {
        region::parent_of(&self.code)
    }
}

pub struct RegionTable {
    by_code: HashMap<String, Region>,
    historical: HashMap<String, Historical>,
}

impl RegionTable {
    /// The process-wide table, parsed on first use.
    pub fn get() -> &'static RegionTable {
        static TABLE: OnceLock<RegionTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            let by_code: HashMap<String, Region> = rows().map(|r| (r.code.clone(), r)).collect();
            // An old code that is current again (none today) is simply current.
            let historical = historical_rows()
                .filter(|(code, _)| !by_code.contains_key(code))
                .collect();
            RegionTable {
                by_code,
                historical,
            }
        })
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// The regions a typed name means ("Gresik", "kab. gresik", "Dukun"): those whose name
    /// matches without case or a level's word (Kabupaten, Kota, Kecamatan, Desa, Kelurahan),
    /// at the highest level that has any, in code order. "Gresik" is the regency, not a
    /// village of that name; "Dukun" is every district called so.
    pub fn by_name(&self, typed: &str) -> Vec<&Region> {
        fn plain(s: &str) -> String {
            let lower = s.trim().to_lowercase().replace('.', " ");
            let words: Vec<&str> = lower.split_whitespace().collect();
            let skip = match words.first() {
                Some(
                    &("kabupaten" | "kab" | "kota" | "kecamatan" | "kec" | "desa" | "kelurahan"
                    | "kel" | "provinsi" | "prov"),
                ) => 1,
                _ => 0,
            };
            words[skip.min(words.len())..].join(" ")
        }
        let want = plain(typed);
        if want.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&Region> = self
            .by_code
            .values()
            .filter(|r| plain(&r.name) == want)
            .collect();
        let Some(top) = found.iter().map(|r| r.level).min() else {
            return found;
        };
        found.retain(|r| r.level == top);
        found.sort_by(|a, b| a.code.cmp(&b.code));
        found
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

impl RegionLookup for RegionTable {
    fn name(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(|r| r.name.as_str())
    }

    fn historical(&self, code: &str) -> Option<region::OldCode<'_>> {
        self.historical.get(code).map(|h| region::OldCode {
            name: &h.name,
            current: h.current.as_deref(),
            last_seen: h.last_seen,
        })
    }
}

/// Every row of the embedded historical CSV. Its names have no commas or quotes.
pub fn historical_rows() -> impl Iterator<Item = (String, Historical)> {
    HISTORICAL_CSV.lines().skip(1).filter_map(|line| {
        let f: Vec<&str> = line.split(',').collect();
        let [code, name, _level, current, _current_name, _first, last] = f[..] else {
            return None;
        };
        Some((
            code.to_string(),
            Historical {
                name: name.to_string(),
                current: (!current.is_empty()).then(|| current.to_string()),
                last_seen: last.trim().parse().ok()?,
            },
        ))
    })
}

/// Every row of the embedded CSV, in file order (parents before children).
pub fn rows() -> impl Iterator<Item = Region> {
    REGIONS_CSV.lines().skip(1).filter_map(|line| {
        // Names may contain commas, so split the code off the front and the level off the back.
        let (code, rest) = line.split_once(',')?;
        let (name, level) = rest.rsplit_once(',')?;
        Some(Region {
            code: code.to_string(),
            name: name.trim_matches('"').to_string(),
            level: level.trim().parse().ok()?,
        })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_region_by_the_name_a_donor_types() {
        let t = RegionTable::get();
        let codes = |typed: &str| -> Vec<String> {
            t.by_name(typed)
                .into_iter()
                .map(|r| r.code.clone())
                .collect()
        };
        assert_eq!(codes("Gresik"), ["35.25"], "the regency, not a village");
        assert_eq!(codes("  kab. GRESIK "), ["35.25"]);
        assert_eq!(codes("Kabupaten Gresik"), ["35.25"]);
        assert_eq!(codes("Dukun"), ["33.08.06", "35.25.01"], "two districts");
        assert!(codes("Atlantis").is_empty());
        assert!(codes("kabupaten").is_empty());
        assert!(codes("").is_empty());
    }

    #[test]
    fn every_old_code_is_loaded_and_points_at_a_current_region() {
        let t = RegionTable::get();
        assert_eq!(t.historical.len(), 26 + 594);
        let regencies = t.historical.keys().filter(|c| c.len() == 5).count();
        assert_eq!(regencies, 26);
        for (code, h) in &t.historical {
            if let Some(now) = &h.current {
                assert!(t.region(now).is_some(), "{code} → {now} is not current");
            }
        }
        let merauke = t.historical("91.01").unwrap();
        assert_eq!(merauke.current, Some("93.01"));
        assert_eq!(t.name("93.01"), Some("Kabupaten Merauke"));
    }
}
