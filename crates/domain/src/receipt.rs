//! A receipt's (kuitansi's) printed number and its verification code.
//!
//! - The number is `KW/2026/000123`: one sequence per calendar year of the payment's day (or
//!   of the day a donation was paid from credit), without gaps, assigned by the store in the
//!   transaction that books the money (`db::receipts`). [`number`] writes it.
//! - The verification code proves a printed receipt is ours: 12 characters of Crockford's
//!   base32 (60 random bits), printed in three groups (`7KQ4-M2XD-9PFA`) beside a QR code
//!   that points to `/verifikasi/{code}`. The caller draws the random bits ([`Code::from_bits`]);
//!   [`Code::parse`] reads what a person typed: lower case, without dashes or with spaces, and
//!   the letters Crockford reads as digits (`O` as 0, `I` and `L` as 1).

use std::fmt;

/// The printed number of the `seq`-th receipt of `year`: `KW/2026/000123`. Past 999,999 a
/// year the number simply grows a digit.
pub fn number(year: i32, seq: i64) -> String {
    format!("KW/{year}/{seq:06}")
}

/// Crockford's base32 alphabet: digits and letters without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How many characters a code has: 12 × 5 = 60 random bits.
pub const CODE_LEN: usize = 12;

/// A receipt's verification code, 12 characters of Crockford's base32, kept without dashes
/// in upper case (`7KQ4M2XD9PFA`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code(String);

impl Code {
    /// The code of 60 random bits (the low 60 of `bits`; the caller draws them from a
    /// cryptographic source).
    pub fn from_bits(bits: u64) -> Code {
        let s = (0..CODE_LEN)
            .map(|i| {
                let shift = 5 * (CODE_LEN - 1 - i);
                char::from(ALPHABET[((bits >> shift) & 31) as usize])
            })
            .collect();
        Code(s)
    }

    /// What a person typed or a link carried: at most 40 characters; dashes, spaces and
    /// case do not matter, `O` reads as 0 and `I`/`L` as 1. `None` unless exactly 12 code
    /// characters remain.
    pub fn parse(text: &str) -> Option<Code> {
        if text.len() > 40 {
            return None;
        }
        let mut out = String::with_capacity(CODE_LEN);
        for c in text.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            out.push(c);
        }
        (out.len() == CODE_LEN).then_some(Code(out))
    }

    /// As stored: 12 characters, no dashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed: `7KQ4-M2XD-9PFA`.
    pub fn grouped(&self) -> String {
        let s = &self.0;
        format!(
            "{}-{}-{}",
            s.get(0..4).unwrap_or(""),
            s.get(4..8).unwrap_or(""),
            s.get(8..).unwrap_or("")
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_per_year() {
        assert_eq!(number(2026, 123), "KW/2026/000123");
        assert_eq!(number(2027, 1), "KW/2027/000001");
        assert_eq!(number(2026, 1_234_567), "KW/2026/1234567");
    }

    #[test]
    fn codes_carry_sixty_bits() {
        let a = Code::from_bits(0);
        assert_eq!(a.as_str(), "000000000000");
        let b = Code::from_bits(u64::MAX);
        assert_eq!(b.as_str(), "ZZZZZZZZZZZZ");
        // Different bits, different codes; the high 4 bits are not used.
        assert_ne!(Code::from_bits(1), Code::from_bits(2));
        assert_eq!(Code::from_bits(1 << 60), Code::from_bits(0));
        let c = Code::from_bits(0x0123_4567_89AB_CDEF);
        assert_eq!(c.as_str().len(), 12);
        assert_eq!(c.grouped().len(), 14);
    }

    #[test]
    fn typed_codes_are_read_leniently() {
        let c = Code::parse("7KQ4-M2XD-9PFA").unwrap();
        assert_eq!(c.as_str(), "7KQ4M2XD9PFA");
        assert_eq!(c.grouped(), "7KQ4-M2XD-9PFA");
        assert_eq!(Code::parse("7kq4m2xd9pfa"), Some(c.clone()));
        assert_eq!(Code::parse(" 7kq4 m2xd 9pfa "), Some(c));
        assert_eq!(
            Code::parse("O0IL-0000-0000").unwrap().as_str(),
            "001100000000"
        );
        // Malformed: too short, too long, U, punctuation, other scripts.
        assert_eq!(Code::parse("7KQ4-M2XD"), None);
        assert_eq!(Code::parse("7KQ4-M2XD-9PFAA"), None);
        assert_eq!(Code::parse("7KQ4-M2XD-9PFU"), None);
        assert_eq!(Code::parse("7KQ4/M2XD/9PFA"), None);
        assert_eq!(Code::parse("7KQ4-M2XD-9PFÄ"), None);
        assert_eq!(Code::parse(&"-".repeat(100)), None);
        assert_eq!(Code::parse(""), None);
    }
}
