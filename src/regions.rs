//! The Kemendagri region table, embedded in the binary (`data/regions.csv`, from
//! Kepmendagri 300.2.2-2138/2025 via cahyadsn/wilayah, MIT), and held in memory for NIK and
//! village checks that must not cost a database round trip per row.

use lingkaran_domain::region::{self, RegionLookup};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The CSV as shipped: `code,name,level`, 91,599 rows.
pub const REGIONS_CSV: &str = include_str!("../data/regions.csv");

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
}

impl RegionTable {
    /// The process-wide table, parsed on first use.
    pub fn get() -> &'static RegionTable {
        static TABLE: OnceLock<RegionTable> = OnceLock::new();
        TABLE.get_or_init(|| RegionTable {
            by_code: rows().map(|r| (r.code.clone(), r)).collect(),
        })
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

impl RegionLookup for RegionTable {
    fn name(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(|r| r.name.as_str())
    }
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
