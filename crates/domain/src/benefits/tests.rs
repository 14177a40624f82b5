//! Every case computed by hand (issue 13 §4), on both sides of every boundary.

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rules() -> Rules {
    Rules::shipped().unwrap()
}

fn case(kind: Kind, event: &str, income: i64) -> Case {
    Case {
        kind,
        event: day(event),
        income,
        membership_months: 24,
        paid_months: 24,
        body_bp: None,
        function_loss_bp: None,
        months_unable: None,
        filed: None,
    }
}

fn lines(e: &Estimate) -> Vec<(&'static str, i64)> {
    for l in e.lines.iter().chain(&e.ceilings) {
        assert!(
            DECIDED_CODES.contains(&l.code),
            "{} is not a code BPJS may decide",
            l.code
        );
    }
    e.lines.iter().map(|l| (l.code, l.amount)).collect()
}

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

#[test]
fn the_shipped_rules_read_and_every_item_stands_under_pp_82_2019() {
    let r = rules();
    for (item, _) in ITEMS {
        let rule = r.rule(item, day("2019-12-02"));
        assert!(rule.is_some(), "{item} has no rule from 2 December 2019");
        assert!(!rule.unwrap().source.is_empty());
    }
    assert!(r.rule("jkk.death_floor", day("2019-12-01")).is_none());
}

#[test]
fn jkm_before_and_after_pp_82_2019() {
    // 1 December 2019: PP 44/2015, 16.200.000 + 4.800.000 + 3.000.000.
    let old = estimate(&rules(), &case(Kind::Jkm, "2019-12-01", 1_000_000)).unwrap();
    assert_eq!(
        lines(&old),
        [
            ("jkm.lump_sum", 16_200_000),
            ("jkm.periodic", 4_800_000),
            ("jkm.funeral", 3_000_000)
        ]
    );
    assert_eq!(old.total, 24_000_000);
    // 2 December 2019: PP 82/2019, 20.000.000 + 12.000.000 + 10.000.000.
    let new = estimate(&rules(), &case(Kind::Jkm, "2019-12-02", 1_000_000)).unwrap();
    assert_eq!(new.total, 42_000_000);
    assert!(new.eligible);
    assert!(new.lines[0].source.contains("PP 82/2019"));
    assert!(
        new.ceilings.is_empty(),
        "no JKK reimbursements after a JKM death"
    );
    // The income changes nothing in JKM.
    let rich = estimate(&rules(), &case(Kind::Jkm, "2024-05-01", 9_000_000)).unwrap();
    assert_eq!(rich.total, 42_000_000);
}

#[test]
fn jkm_within_the_first_three_months_of_membership() {
    let mut c = case(Kind::Jkm, "2026-03-10", 1_000_000);
    c.membership_months = 3;
    c.paid_months = 3;
    let e = estimate(&rules(), &c).unwrap();
    assert_eq!(
        lines(&e),
        [
            ("jkm.early_lump_sum", 8_000_000),
            ("jkm.early_funeral", 2_000_000)
        ]
    );
    assert_eq!(e.total, 10_000_000);
    assert!(codes(&e.reasons).contains(&"jkm_first_months"));
    c.membership_months = 4;
    c.paid_months = 4;
    assert_eq!(estimate(&rules(), &c).unwrap().total, 42_000_000);
}

#[test]
fn the_jkm_scholarship_needs_36_paid_months() {
    let mut c = case(Kind::Jkm, "2026-03-10", 1_000_000);
    c.paid_months = 35;
    let e = estimate(&rules(), &c).unwrap();
    assert!(!e.scholarship_eligible);
    assert_eq!(e.scholarship_max, 0);
    assert!(codes(&e.reasons).contains(&"scholarship_needs_paid_months"));
    c.paid_months = 36;
    let e = estimate(&rules(), &c).unwrap();
    assert!(e.scholarship_eligible);
    assert_eq!(e.scholarship_max, 174_000_000);
    assert_eq!(e.total, 42_000_000, "the scholarship is not in the total");
}

#[test]
fn jkk_death_is_48_times_income_with_a_floor() {
    // The fisher at Rp 1.000.000 who died at sea: 48.000.000 + 10.000.000 + 12.000.000.
    let e = estimate(&rules(), &case(Kind::JkkDeath, "2021-06-01", 1_000_000)).unwrap();
    assert_eq!(
        lines(&e),
        [
            ("jkk.death", 48_000_000),
            ("jkk.funeral", 10_000_000),
            ("jkk.periodic", 12_000_000)
        ]
    );
    assert_eq!(e.total, 70_000_000);
    assert!(
        e.scholarship_eligible,
        "no minimum of paid months after JKK"
    );
    assert_eq!(e.scholarship_max, 174_000_000);
    // 48 × 416.666 = 19.999.968, under the floor: 20.000.000.
    let low = estimate(&rules(), &case(Kind::JkkDeath, "2021-06-01", 416_666)).unwrap();
    assert_eq!(low.lines[0].amount, 20_000_000);
    assert_eq!(low.total, 42_000_000);
    assert!(codes(&low.reasons).contains(&"jkk_death_floor"));
    // 48 × 416.667 = 20.000.016, over it.
    let just = estimate(&rules(), &case(Kind::JkkDeath, "2021-06-01", 416_667)).unwrap();
    assert_eq!(just.lines[0].amount, 20_000_016);
    assert!(!codes(&just.reasons).contains(&"jkk_death_floor"));
    // After a work accident the transport and home-care ceilings are given.
    let ceilings: Vec<_> = e.ceilings.iter().map(|l| (l.code, l.amount)).collect();
    assert_eq!(
        ceilings,
        [
            ("jkk.transport_land", 5_000_000),
            ("jkk.transport_sea", 2_000_000),
            ("jkk.transport_air", 10_000_000),
            ("jkk.home_care", 20_000_000)
        ]
    );
    // Before PP 82/2019 the JKK amounts are not on record: said, not guessed.
    let old = estimate(&rules(), &case(Kind::JkkDeath, "2019-12-01", 1_000_000)).unwrap_err();
    assert_eq!(codes(&old), ["no_benefit_rule"]);
    assert!(old[0].id.contains("1 Desember 2019"), "{}", old[0].id);
}

#[test]
fn jkk_total_and_partial_disability() {
    // 56 × 2.000.000 + 12.000.000.
    let e = estimate(
        &rules(),
        &case(Kind::JkkTotalDisability, "2025-01-15", 2_000_000),
    )
    .unwrap();
    assert_eq!(e.total, 124_000_000);
    assert!(e.scholarship_eligible);
    // The right arm from the shoulder, 40%: 40% × 80 × 2.000.000.
    let mut c = case(Kind::JkkPartial, "2025-01-15", 2_000_000);
    c.body_bp = Some(4_000);
    let e = estimate(&rules(), &c).unwrap();
    assert_eq!(lines(&e), [("jkk.partial_disability", 64_000_000)]);
    assert!(!e.scholarship_eligible);
    // Half its function lost: 50% × 40% × 80 × 2.000.000.
    c.function_loss_bp = Some(5_000);
    let e = estimate(&rules(), &c).unwrap();
    assert_eq!(lines(&e), [("jkk.functional_disability", 32_000_000)]);
    // Rounded half up to whole rupiah: 33,33% × 80 × 1.000.001 = 26.664.026,664.
    let mut c = case(Kind::JkkPartial, "2025-01-15", 1_000_001);
    c.body_bp = Some(3_333);
    assert_eq!(estimate(&rules(), &c).unwrap().total, 26_664_027);
}

#[test]
fn stmb_pays_full_income_for_12_months_then_half() {
    let mut c = case(Kind::JkkStmb, "2025-01-15", 1_000_000);
    c.months_unable = Some(12);
    let e = estimate(&rules(), &c).unwrap();
    assert_eq!(lines(&e), [("jkk.stmb_full", 12_000_000)]);
    c.months_unable = Some(13);
    let e = estimate(&rules(), &c).unwrap();
    assert_eq!(
        lines(&e),
        [("jkk.stmb_full", 12_000_000), ("jkk.stmb_later", 500_000)]
    );
    assert_eq!(e.total, 12_500_000);
    c.months_unable = Some(1);
    c.income = 1_500_001;
    assert_eq!(estimate(&rules(), &c).unwrap().total, 1_500_001);
    // Half of an odd income is rounded half up: 13 months at 1.500.001.
    c.months_unable = Some(13);
    assert_eq!(
        estimate(&rules(), &c).unwrap().total,
        12 * 1_500_001 + 750_001
    );
}

#[test]
fn the_jkk_claim_holds_five_years_to_the_day() {
    let mut c = case(Kind::JkkDeath, "2020-03-03", 1_000_000);
    c.filed = Some(day("2025-03-03"));
    let e = estimate(&rules(), &c).unwrap();
    assert!(e.eligible, "{:?}", e.reasons);
    assert_eq!(e.total, 70_000_000);
    c.filed = Some(day("2025-03-04"));
    let e = estimate(&rules(), &c).unwrap();
    assert!(!e.eligible);
    assert_eq!(e.total, 0);
    assert!(e.lines.is_empty() && !e.scholarship_eligible);
    assert_eq!(codes(&e.reasons), ["jkk_claim_expired"]);
    assert!(
        e.reasons[0].id.contains("3 Maret 2025"),
        "{}",
        e.reasons[0].id
    );
    // JKM has no such limit.
    let mut c = case(Kind::Jkm, "2020-03-03", 1_000_000);
    c.filed = Some(day("2026-03-04"));
    assert!(estimate(&rules(), &c).unwrap().eligible);
}

#[test]
fn no_membership_no_benefit() {
    let mut c = case(Kind::Jkm, "2026-03-10", 1_000_000);
    c.membership_months = 0;
    c.paid_months = 10;
    let e = estimate(&rules(), &c).unwrap();
    assert!(!e.eligible);
    assert_eq!(e.total, 0);
    assert!(codes(&e.reasons).contains(&"not_a_member"));
}

#[test]
fn bad_inputs_are_named_all_at_once() {
    let mut c = case(Kind::Jkm, "2026-03-10", 0);
    c.body_bp = Some(4_000);
    c.filed = Some(day("2026-03-09"));
    c.paid_months = 5_000;
    let p = estimate(&rules(), &c).unwrap_err();
    assert_eq!(
        codes(&p),
        [
            "bad_income",
            "bad_months",
            "field_not_used",
            "filed_before_event"
        ]
    );
    let mut c = case(Kind::JkkPartial, "2026-03-10", MAX_INCOME + 1);
    c.function_loss_bp = Some(10_001);
    let p = estimate(&rules(), &c).unwrap_err();
    assert_eq!(
        codes(&p),
        ["bad_income", "bad_percentage", "missing_body_pct"]
    );
    let mut c = case(Kind::JkkStmb, "2026-03-10", 1_000_000);
    c.months_unable = Some(0);
    assert_eq!(
        codes(&estimate(&rules(), &c).unwrap_err()),
        ["missing_months_unable"]
    );
    c.months_unable = Some(MAX_MONTHS_UNABLE + 1);
    assert_eq!(codes(&estimate(&rules(), &c).unwrap_err()), ["bad_months"]);
    // The largest inputs compute without overflow.
    let mut c = case(Kind::JkkPartial, "2026-03-10", MAX_INCOME);
    c.body_bp = Some(10_000);
    c.function_loss_bp = Some(10_000);
    assert_eq!(estimate(&rules(), &c).unwrap().total, 80 * MAX_INCOME);
}

#[test]
fn a_bad_rule_row_is_refused_with_its_line() {
    let e = Rules::parse(
        "# c\n2019-12-02,jkm.lump_sum,20000000,C,PP 82/2019\n2019-12-02,jkm.lumpsum,1,C,x\n",
    )
    .unwrap_err();
    assert_eq!(e.code, "bad_benefit_rule");
    assert!(
        e.id.contains("Baris 3") && e.id.contains("jkm.lumpsum"),
        "{}",
        e.id
    );
    for bad in [
        "2019-12-32,jkm.lump_sum,1,C,x",
        "2019-12-02,jkm.lump_sum,-1,C,x",
        "2019-12-02,jkm.lump_sum,99999999999,C,x",
        "2019-12-02,jkm.lump_sum,1,B,x",
        "2019-12-02,jkm.lump_sum,1,C,",
        "2019-12-02,jkm.lump_sum,1,C,x\n2019-12-02,jkm.lump_sum,2,C,y",
    ] {
        assert!(Rules::parse(bad).is_err(), "{bad}");
    }
    // A later row takes over from its date; the source may hold commas.
    let r = Rules::parse(
        "2019-12-02,jkm.lump_sum,20000000,C,PP 82/2019\n2030-01-01,jkm.lump_sum,25000000,?,a new law, say\n",
    )
    .unwrap();
    assert_eq!(
        r.rule("jkm.lump_sum", day("2029-12-31")).unwrap().value,
        20_000_000
    );
    let later = r.rule("jkm.lump_sum", day("2030-01-01")).unwrap();
    assert_eq!(
        (later.value, later.source.as_str()),
        (25_000_000, "a new law, say")
    );
}

fn months(list: &[&str]) -> Vec<Month> {
    list.iter().map(|m| Month::parse(m).unwrap()).collect()
}

fn m(s: &str) -> Month {
    Month::parse(s).unwrap()
}

#[test]
fn membership_restarts_after_three_unpaid_months() {
    let jan_jun = months(&[
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ]);
    assert_eq!(membership_months(&jan_jun, m("2026-06"), 3), 6);
    assert_eq!(membership_months(&jan_jun, m("2026-01"), 3), 1);
    // Two unpaid months after June: still a member (not covered in them), the 8th month.
    assert_eq!(membership_months(&jan_jun, m("2026-08"), 3), 8);
    // The third unpaid month: non-active.
    assert_eq!(membership_months(&jan_jun, m("2026-09"), 3), 0);
    // A payment after three unpaid months (Apr, May, Jun) is a new registration.
    let lapsed = months(&["2026-01", "2026-02", "2026-03", "2026-07"]);
    assert_eq!(membership_months(&lapsed, m("2026-07"), 3), 1);
    assert_eq!(membership_months(&lapsed, m("2026-09"), 3), 3);
    assert_eq!(membership_months(&lapsed, m("2026-10"), 3), 0);
    // Two unpaid months (Apr, May) do not break it.
    let gap = months(&["2026-01", "2026-02", "2026-03", "2026-06"]);
    assert_eq!(membership_months(&gap, m("2026-06"), 3), 6);
    // Nothing paid before the event.
    assert_eq!(membership_months(&gap, m("2025-12"), 3), 0);
    assert_eq!(membership_months(&[], m("2026-06"), 3), 0);
    // The shipped lapse rule is 3.
    assert_eq!(
        rules()
            .rule("membership.lapse_months", day("2026-01-01"))
            .unwrap()
            .value,
        3
    );
}

#[test]
fn percentages_as_clerks_write_them() {
    for (text, bp) in [
        ("40", Some(4_000)),
        ("40%", Some(4_000)),
        ("40,5", Some(4_050)),
        ("33.33", Some(3_333)),
        (" 100 ", Some(10_000)),
        ("0,05", Some(5)),
        ("33.333", None),
        ("-5", None),
        ("", None),
        ("1e2", None),
        ("40,5,1", None),
        ("9999", None),
    ] {
        assert_eq!(parse_percent(text), bp, "{text:?}");
    }
}

#[test]
fn docs_claims_md_states_every_rule() {
    let doc = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/claims.md"));
    for rule in rules().rows() {
        assert!(
            doc.contains(&format!("`{}`", rule.item)),
            "docs/claims.md does not name {}",
            rule.item
        );
        let shown = crate::format::rupiah(rule.value);
        let bare = shown.trim_start_matches("Rp ");
        assert!(
            doc.contains(bare),
            "docs/claims.md does not state {} = {}",
            rule.item,
            rule.value
        );
    }
}

#[test]
fn every_decided_code_has_words() {
    for code in DECIDED_CODES {
        assert_ne!(amount_label(code, "id"), code, "{code}");
        assert_ne!(amount_label(code, "en"), code, "{code}");
    }
    assert_eq!(amount_label("jkk.death", "id"), "JKK: santunan kematian");
    assert_eq!(amount_label("lain", "id"), "lain");
}
