//! The amount in words on a receipt (terbilang), checked for every amount up to Rp 10^15 (the
//! largest a receipt may carry) against a reader written apart from the writer: the words
//! read back to the same number, in the forms a letter uses ("seratus", "seribu",
//! "sebelas", never "satu ratus", "satu ribu", "satu belas"), the scales from the largest
//! down, and a table of amounts written by hand.

use lingkaran_domain::format::terbilang;
use proptest::prelude::*;

/// The number the words say, or `None` when they are not in the canonical form.
fn read(words: &str) -> Option<u64> {
    let words: Vec<&str> = words.strip_suffix(" rupiah")?.split(' ').collect();
    if words == ["nol"] {
        return Some(0);
    }
    let digit = |w: &str| {
        [
            "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
        ]
        .iter()
        .position(|d| *d == w)
        .map(|i| i as u64 + 1)
    };
    let scale = |w: &str| match w {
        "ribu" => Some(1_000u64),
        "juta" => Some(1_000_000),
        "miliar" => Some(1_000_000_000),
        "triliun" => Some(1_000_000_000_000),
        "kuadriliun" => Some(1_000_000_000_000_000),
        _ => None,
    };
    let (mut total, mut group, mut last_scale) = (0u64, 0u64, u64::MAX);
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let next = words.get(i + 1).copied();
        if let Some(d) = digit(w) {
            match next {
                Some("ratus") if d > 1 && group == 0 => {
                    group += d * 100;
                    i += 1;
                }
                Some("puluh") if d > 1 && group % 100 == 0 => {
                    group += d * 10;
                    i += 1;
                }
                Some("belas") if d > 1 && group % 100 == 0 => {
                    group += 10 + d;
                    i += 1;
                }
                // "satu" stands alone only as the units (or before juta and above).
                Some("ratus" | "puluh" | "belas") => return None,
                Some("ribu") if d == 1 && group == 0 => return None,
                _ => {
                    if group % 10 != 0 || (group % 100 >= 10 && group % 100 < 20) {
                        return None;
                    }
                    group += d;
                }
            }
        } else {
            match w {
                "sepuluh" if group % 100 == 0 => group += 10,
                "sebelas" if group % 100 == 0 => group += 11,
                "seratus" if group == 0 => group += 100,
                "seribu" if group == 0 && last_scale > 1_000 => {
                    total += 1_000;
                    last_scale = 1_000;
                }
                s => {
                    let s = scale(s)?;
                    if group == 0 || s >= last_scale {
                        return None;
                    }
                    total += group * s;
                    group = 0;
                    last_scale = s;
                }
            }
        }
        i += 1;
    }
    Some(total + group)
}

#[test]
fn a_table_written_by_hand() {
    for (n, words) in [
        (0, "nol rupiah"),
        (1, "satu rupiah"),
        (10, "sepuluh rupiah"),
        (11, "sebelas rupiah"),
        (15, "lima belas rupiah"),
        (100, "seratus rupiah"),
        (110, "seratus sepuluh rupiah"),
        (1_000, "seribu rupiah"),
        (1_100, "seribu seratus rupiah"),
        (16_800, "enam belas ribu delapan ratus rupiah"),
        (100_800, "seratus ribu delapan ratus rupiah"),
        (886_000, "delapan ratus delapan puluh enam ribu rupiah"),
        (1_000_000, "satu juta rupiah"),
        (1_001_001, "satu juta seribu satu rupiah"),
        (70_000_000, "tujuh puluh juta rupiah"),
        (1_000_000_000, "satu miliar rupiah"),
        (
            999_999_999_999_999,
            "sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh \
             sembilan miliar sembilan ratus sembilan puluh sembilan juta sembilan ratus \
             sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan rupiah",
        ),
        (1_000_000_000_000_000, "satu kuadriliun rupiah"),
    ] {
        assert_eq!(terbilang(n), words, "{n}");
        assert_eq!(read(words), Some(n.unsigned_abs()), "{words}");
    }
    // The reader refuses what a letter would not write.
    for bad in [
        "satu ratus rupiah",
        "satu ribu rupiah",
        "satu belas rupiah",
        "sepuluh satu rupiah",
        "juta rupiah",
        "dua ribu satu juta rupiah",
    ] {
        assert_eq!(read(bad), None, "{bad}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn every_amount_up_to_ten_to_the_fifteen_reads_back(n in 0i64..=1_000_000_000_000_000) {
        let words = terbilang(n);
        prop_assert_eq!(read(&words), Some(n.unsigned_abs()), "{}", words);
    }

    #[test]
    fn small_and_round_amounts_read_back(
        head in 0i64..1_000,
        zeros in 0u32..=12,
        tail in 0i64..1_000,
    ) {
        // Round amounts (Rp 16.800.000, Rp 70.000.000) and the ones with thousands inside,
        // where "seribu" and the "se-" forms fall, more often than at random.
        let n = head * 10i64.pow(zeros) + tail;
        let words = terbilang(n);
        prop_assert_eq!(read(&words), Some(n.unsigned_abs()), "{}", words);
    }
}
