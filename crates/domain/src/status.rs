//! The states of a donation and of its invoice, as the store keeps them (the migrations'
//! CHECKs name the same sets). Rust compares these, never the strings.

use std::fmt;

/// Where a donation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DonationStatus {
    /// Its workers' months are held until the invoice is paid or the hold runs out.
    Held,
    /// Paid: its months are funded.
    Funded,
    /// The hold ran out unpaid; its months were given back.
    Expired,
    /// The donor cancelled it while held; its months were given back.
    Cancelled,
}

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Open,
    Paid,
    Expired,
    Cancelled,
}

/// A status code the store holds that this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}")]
pub struct UnknownStatus(pub String);

macro_rules! codes {
    ($t:ident { $($v:ident => $code:literal),* $(,)? }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),*];

            pub fn code(self) -> &'static str {
                match self { $($t::$v => $code),* }
            }

            pub fn parse(s: &str) -> Option<$t> {
                match s { $($code => Some($t::$v),)* _ => None }
            }
        }

        impl TryFrom<String> for $t {
            type Error = UnknownStatus;
            fn try_from(s: String) -> Result<$t, UnknownStatus> {
                $t::parse(&s).ok_or(UnknownStatus(s))
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

codes!(DonationStatus {
    Held => "held",
    Funded => "funded",
    Expired => "expired",
    Cancelled => "cancelled",
});

codes!(InvoiceStatus {
    Open => "open",
    Paid => "paid",
    Expired => "expired",
    Cancelled => "cancelled",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_ones_are_refused() {
        for s in DonationStatus::ALL {
            assert_eq!(DonationStatus::parse(s.code()), Some(*s));
        }
        for s in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::try_from(s.code().to_string()), Ok(*s));
        }
        assert_eq!(DonationStatus::parse("Funded"), None);
        assert!(InvoiceStatus::try_from("lunas".to_string()).is_err());
    }
}
