//! Properties of the NIK: any valid parts format to a NIK that parses back to them; the +40
//! rule for women; the century rule.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, Duration, NaiveDate};
use lingkaran_domain::nik::{self, Nik, Sex};
use lingkaran_domain::region::{OldCode, RegionLookup};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

prop_compose! {
    /// A birth date in the 99 years up to `today`, which a two-digit year can express.
    fn birth_date()(days in 0i64..(365 * 99)) -> NaiveDate {
        today() - Duration::days(days)
    }
}

prop_compose! {
    fn district()(p in 11u32..=99, r in 1u32..=99, d in 1u32..=99) -> String {
        format!("{p:02}{r:02}{d:02}")
    }
}

fn sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Male), Just(Sex::Female)]
}

proptest! {
    #[test]
    fn parts_round_trip(district in district(), sex in sex(), birth in birth_date(), serial in 1u16..=9999) {
        let nik = Nik::from_parts(&district, sex, birth, serial, today()).unwrap();
        let parsed = Nik::parse(&nik.to_string(), today()).unwrap();
        prop_assert_eq!(parsed.sex(), sex);
        prop_assert_eq!(parsed.birth_date(), birth);
        prop_assert_eq!(parsed.serial(), serial);
        prop_assert_eq!(parsed.district_code().replace('.', ""), district);
        prop_assert_eq!(parsed, nik);
    }

    #[test]
    fn women_have_forty_added_to_the_day(district in district(), birth in birth_date(), serial in 1u16..=9999) {
        let man = Nik::from_parts(&district, Sex::Male, birth, serial, today()).unwrap().to_string();
        let woman = Nik::from_parts(&district, Sex::Female, birth, serial, today()).unwrap().to_string();
        let day = |s: &str| s[6..8].parse::<u32>().unwrap();
        prop_assert_eq!(day(&man), birth.day());
        prop_assert_eq!(day(&woman), birth.day() + 40);
        prop_assert_eq!(&man[..6], &woman[..6]);
        prop_assert_eq!(&man[8..], &woman[8..]);
    }

    #[test]
    fn century_is_the_latest_not_in_the_future(yy in 0i32..100, reference_year in 1990i32..2090) {
        let reference = NaiveDate::from_ymd_opt(reference_year, 6, 30).unwrap();
        let text = format!("3525011501{yy:02}0001"); // 15 January of year yy
        let nik = Nik::parse(&text, reference).unwrap();
        let year = nik.birth_date().year();
        prop_assert_eq!(year.rem_euclid(100), yy);
        prop_assert!(nik.birth_date() <= reference);
        // The next century would be in the future.
        prop_assert!(NaiveDate::from_ymd_opt(year + 100, 1, 15).unwrap() > reference);
    }

    #[test]
    fn separators_are_ignored(district in district(), sex in sex(), birth in birth_date(), serial in 1u16..=9999, sep in prop_oneof![Just(" "), Just("."), Just("-")]) {
        let nik = Nik::from_parts(&district, sex, birth, serial, today()).unwrap().to_string();
        let spaced = format!("{}{sep}{}{sep}{}{sep}{}", &nik[..4], &nik[4..8], &nik[8..12], &nik[12..]);
        prop_assert_eq!(Nik::parse(&spaced, today()).unwrap().to_string(), nik);
    }

    #[test]
    fn any_other_length_is_wrong_length(digits in "[0-9]{1,15}|[0-9]{17,24}") {
        let e = Nik::parse(&digits, today()).unwrap_err();
        prop_assert_eq!(e[0].code, "wrong_length");
    }
}

#[test]
fn the_2000_leap_day_needs_the_right_century() {
    // 29 February 00: a real date in 2000, not in 1900.
    let nik = Nik::parse("3525012902000001", today()).unwrap();
    assert_eq!(
        nik.birth_date(),
        NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()
    );
    // Before 2000 the only candidate, 1900, has no 29 February.
    let before = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
    assert_eq!(
        Nik::parse("3525012902000001", before).unwrap_err()[0].code,
        "impossible_date"
    );
}

#[test]
fn a_birth_later_today_this_century_falls_back_a_century() {
    // 24 December 26 is after 25 November 2026, so it is 1926.
    let nik = Nik::parse("3525012412260001", today()).unwrap();
    assert_eq!(nik.birth_date().year(), 1926);
}

#[test]
fn regions_are_checked_and_an_unknown_district_only_warns() {
    let mut regions = std::collections::HashMap::new();
    regions.insert("35".to_string(), "Jawa Timur".to_string());
    regions.insert("35.25".to_string(), "Kabupaten Gresik".to_string());
    let c = nik::check("3525991203850001", today(), &regions);
    assert!(c.is_valid());
    assert_eq!(c.warnings[0].code, "unknown_district");
    let c = nik::check("3599011203850001", today(), &regions);
    assert!(!c.is_valid());
    assert_eq!(c.errors[0].code, "unknown_regency");
    let c = nik::check("9925011203850001", today(), &regions);
    assert_eq!(c.errors[0].code, "unknown_province");
    // A wrong date and an unknown province are both reported at once.
    let c = nik::check("9925013203850001", today(), &regions);
    let codes: Vec<_> = c.errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, vec!["impossible_date", "unknown_province"]);
}

/// Today's table plus two old codes, as the app's region table holds them.
struct WithOld(std::collections::HashMap<String, String>);

impl RegionLookup for WithOld {
    fn name(&self, code: &str) -> Option<&str> {
        self.0.name(code)
    }
    fn historical(&self, code: &str) -> Option<OldCode<'_>> {
        match code {
            "91.01" => Some(OldCode {
                name: "KAB. MERAUKE",
                current: Some("93.01"),
                last_seen: 2022,
            }),
            "91.01.01" => Some(OldCode {
                name: "Merauke",
                current: Some("93.01.01"),
                last_seen: 2022,
            }),
            "91.13.36" => Some(OldCode {
                name: "Holuon",
                current: None,
                last_seen: 2022,
            }),
            "91.13" => Some(OldCode {
                name: "KAB. JAYAWIJAYA",
                current: Some("95.01"),
                last_seen: 2022,
            }),
            _ => None,
        }
    }
}

fn papua() -> WithOld {
    let mut m = std::collections::HashMap::new();
    for (c, n) in [
        ("91", "Papua"),
        ("93", "Papua Selatan"),
        ("95", "Papua Pegunungan"),
        ("93.01", "Kabupaten Merauke"),
        ("93.01.01", "Merauke"),
        ("95.01", "Kabupaten Jayawijaya"),
    ] {
        m.insert(c.to_string(), n.to_string());
    }
    WithOld(m)
}

#[test]
fn a_nik_under_an_old_merauke_code_is_valid_named_by_todays_region_with_a_warning() {
    // Issued in Merauke district before 2022: 91.01.01, born 12-03-1985, serial 0001.
    let c = nik::check("9101011203850001", today(), &papua());
    assert!(c.is_valid(), "{:?}", c.errors);
    assert_eq!(
        c.regency,
        Some(("91.01".to_string(), "Kabupaten Merauke".to_string()))
    );
    assert_eq!(c.regency_now.as_deref(), Some("93.01"));
    assert_eq!(
        c.district,
        Some(("91.01.01".to_string(), "Merauke".to_string()))
    );
    assert_eq!(c.district_now.as_deref(), Some("93.01.01"));
    assert!(c.errors.is_empty());
    let codes: Vec<_> = c.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, vec!["historical_code"]);
    assert!(c.warnings[0].id.contains("93.01 Kabupaten Merauke"));
    assert!(c.warnings[0].en.contains("old"));
}

#[test]
fn an_old_district_without_a_current_match_stays_valid_under_its_old_name() {
    let c = nik::check("9113361203850001", today(), &papua());
    assert!(c.is_valid(), "{:?}", c.errors);
    assert_eq!(
        c.district,
        Some(("91.13.36".to_string(), "Holuon".to_string()))
    );
    assert_eq!(c.district_now, None);
}

#[test]
fn a_code_that_never_existed_is_still_refused() {
    // 91.99 was never a regency, in any table.
    let c = nik::check("9199011203850001", today(), &papua());
    assert!(!c.is_valid());
    assert_eq!(c.errors[0].code, "unknown_regency");
    // A current code is not reported as old.
    let c = nik::check("9301011203850001", today(), &papua());
    assert!(c.is_valid());
    assert!(c.warnings.is_empty());
    assert_eq!(c.regency_now, None);
}
