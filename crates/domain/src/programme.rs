//! The two programmes GN Lingkaran pays: JKK (work accident) and JKM (death).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Programme {
    /// Jaminan Kecelakaan Kerja: work accident.
    Jkk,
    /// Jaminan Kematian: death.
    Jkm,
}

impl Programme {
    pub const ALL: [Programme; 2] = [Programme::Jkk, Programme::Jkm];

    /// `JKK` or `JKM`, as BPJS and the remittance files write it.
    pub fn code(self) -> &'static str {
        match self {
            Programme::Jkk => "JKK",
            Programme::Jkm => "JKM",
        }
    }

    /// `JKK` or `JKM`, in any case.
    pub fn parse(s: &str) -> Option<Programme> {
        match s.trim().to_ascii_uppercase().as_str() {
            "JKK" => Some(Programme::Jkk),
            "JKM" => Some(Programme::Jkm),
            _ => None,
        }
    }

    /// The number the transfer keys carry: 1 for JKK, 2 for JKM.
    fn key(self) -> u128 {
        match self {
            Programme::Jkk => 1,
            Programme::Jkm => 2,
        }
    }
}

impl fmt::Display for Programme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

pub(crate) fn key(p: Programme) -> u128 {
    p.key()
}
