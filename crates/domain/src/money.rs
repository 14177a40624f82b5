//! `Rupiah`: whole rupiah with checked arithmetic only, bounded to ±Rp 10^15.
//!
//! Release builds wrap `i64` arithmetic silently; a refund of 2^63 rupiah once wrapped a
//! donor's credit into an unlimited one. Every amount of money in the domain is a `Rupiah`,
//! whose only constructors refuse anything beyond the bound, and whose only arithmetic is
//! checked: an operation that would leave the bound answers [`Overflow`] instead of a number.
//!
//! The bound, Rp 1.000.000.000.000.000 (10^15), is far above any real programme (ten million
//! workers for twelve months at the JKK maximum is about Rp 2,5 × 10^13) and far below
//! `i64::MAX` (about 9,2 × 10^18), so that the sum of any 9.000 bounded amounts still fits in an
//! `i64` and a ledger replay in `i128` can never overflow.

use std::fmt;
use std::iter::Sum;

/// Whole rupiah, between −[`Rupiah::MAX`] and [`Rupiah::MAX`]. Negative values are balances
/// (an account that has paid out more than it received, like bank clearing), never prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rupiah(i64);

/// An amount outside ±Rp 10^15, or arithmetic that would leave that range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("amount outside the bound of Rp 1.000.000.000.000.000")]
pub struct Overflow;

impl Rupiah {
    /// The largest amount Lingkaran holds anywhere: Rp 10^15.
    pub const MAX: Rupiah = Rupiah(1_000_000_000_000_000);
    pub const ZERO: Rupiah = Rupiah(0);

    /// `n` rupiah, if within the bound.
    pub const fn new(n: i64) -> Result<Rupiah, Overflow> {
        if n > Self::MAX.0 || n < -Self::MAX.0 {
            Err(Overflow)
        } else {
            Ok(Rupiah(n))
        }
    }

    /// A price or a transfer's amount: above zero and within the bound.
    pub fn positive(n: i64) -> Option<Rupiah> {
        (n > 0 && n <= Self::MAX.0).then_some(Rupiah(n))
    }

    /// From an `i128` (a replay's sum), if within the bound.
    pub fn from_i128(n: i128) -> Result<Rupiah, Overflow> {
        i64::try_from(n).map_err(|_| Overflow).and_then(Rupiah::new)
    }

    /// The number of rupiah, for the store and the wire.
    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Rupiah) -> Result<Rupiah, Overflow> {
        self.0
            .checked_add(other.0)
            .ok_or(Overflow)
            .and_then(Rupiah::new)
    }

    pub fn checked_sub(self, other: Rupiah) -> Result<Rupiah, Overflow> {
        self.0
            .checked_sub(other.0)
            .ok_or(Overflow)
            .and_then(Rupiah::new)
    }

    /// `count` times this amount (workers × a month's price, months × a price).
    pub fn times(self, count: i64) -> Result<Rupiah, Overflow> {
        self.0
            .checked_mul(count)
            .ok_or(Overflow)
            .and_then(Rupiah::new)
    }

    /// `basis_points` ten-thousandths of this amount, rounded half up to the rupiah (1% is
    /// 100 basis points). Computed in `i128`, so no intermediate product can wrap.
    pub fn basis_points(self, basis_points: i64) -> Result<Rupiah, Overflow> {
        let p = i128::from(self.0) * i128::from(basis_points);
        let half = if p < 0 { -5_000 } else { 5_000 };
        Rupiah::from_i128((p + half) / 10_000)
    }

    /// The sum of amounts, or `Overflow` as soon as a partial sum leaves the bound.
    pub fn sum<I: IntoIterator<Item = Rupiah>>(items: I) -> Result<Rupiah, Overflow> {
        items
            .into_iter()
            .try_fold(Rupiah::ZERO, |acc, x| acc.checked_add(x))
    }

    pub fn min(self, other: Rupiah) -> Rupiah {
        Ord::min(self, other)
    }
}

/// The words for an amount outside the bound: `field` names it as the user typed or sent it
/// (`order.amount`, `Jumlah`). One sentence for every edge that takes money.
pub fn out_of_bounds(field: &str) -> crate::Problem {
    crate::Problem::new(
        "amount_out_of_bounds",
        format!(
            "{field} harus rupiah bulat, lebih dari Rp 0 dan paling banyak {}.",
            Rupiah::MAX
        ),
        format!(
            "{field} must be whole rupiah, more than Rp 0 and at most {}.",
            Rupiah::MAX
        ),
    )
}

impl TryFrom<i64> for Rupiah {
    type Error = Overflow;
    fn try_from(n: i64) -> Result<Rupiah, Overflow> {
        Rupiah::new(n)
    }
}

impl From<Rupiah> for i64 {
    fn from(r: Rupiah) -> i64 {
        r.0
    }
}

impl From<Rupiah> for i128 {
    fn from(r: Rupiah) -> i128 {
        i128::from(r.0)
    }
}

/// `Rp 16.800`, as [`crate::format::rupiah`] writes it.
impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::format::rupiah(self.0))
    }
}

/// Sums into `i128`, for replays and totals that must never wrap whatever the store holds.
pub struct Wide(pub i128);

impl Sum<Rupiah> for Wide {
    fn sum<I: Iterator<Item = Rupiah>>(iter: I) -> Wide {
        Wide(iter.map(i128::from).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_is_kept_by_every_constructor_and_operation() {
        assert_eq!(Rupiah::new(1_000_000_000_000_000), Ok(Rupiah::MAX));
        assert_eq!(Rupiah::new(1_000_000_000_000_001), Err(Overflow));
        assert_eq!(Rupiah::new(i64::MAX), Err(Overflow));
        assert_eq!(Rupiah::new(i64::MIN), Err(Overflow));
        assert_eq!(Rupiah::positive(0), None);
        assert_eq!(Rupiah::positive(-1), None);
        assert_eq!(Rupiah::positive(i64::MAX), None);
        assert_eq!(Rupiah::MAX.checked_add(Rupiah(1)), Err(Overflow));
        assert_eq!(Rupiah(-Rupiah::MAX.0).checked_sub(Rupiah(1)), Err(Overflow));
        assert_eq!(Rupiah(16_800).times(i64::MAX), Err(Overflow));
        assert_eq!(Rupiah(16_800).times(1_000), Ok(Rupiah(16_800_000)));
        assert_eq!(Rupiah::from_i128(i128::MAX), Err(Overflow));
        assert_eq!(
            Rupiah::sum([Rupiah::MAX, Rupiah(1), Rupiah(-5)]),
            Err(Overflow)
        );
    }

    #[test]
    fn basis_points_round_half_up_without_wrapping() {
        assert_eq!(Rupiah(1_000_000).basis_points(100), Ok(Rupiah(10_000)));
        assert_eq!(Rupiah(2_345_678).basis_points(100), Ok(Rupiah(23_457)));
        // Half of Rp 16.801 is Rp 8.400,5, rounded half up.
        assert_eq!(Rupiah(16_801).basis_points(5_000), Ok(Rupiah(8_401)));
        assert_eq!(Rupiah::MAX.basis_points(i64::MAX), Err(Overflow));
    }

    #[test]
    fn it_prints_as_indonesians_write_it() {
        assert_eq!(Rupiah(16_800).to_string(), "Rp 16.800");
    }
}
