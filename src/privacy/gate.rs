//! The personal-data gate: the one function that decides, per worker and per caller, what of
//! the worker is shown (docs/privacy.md, "Who sees what"). Every edge that shows a worker
//! asks [`sight`] and renders through [`Shown`]; none decides on its own.

use crate::auth::{Principal, Role};
use chrono::{Datelike, NaiveDate};

/// What the gate needs to know of a worker to decide.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The worker's village code (`35.25.01.2001`): the region scope is tested against it.
    pub village_code: &'a str,
    /// The organisation that proposed the worker.
    pub proposer_org: Option<i64>,
    /// Whether the caller is a donor who funds this worker (the donor's own donation).
    pub funded_by_caller: bool,
}

/// How much of a worker the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Whole NIK, phone, exact birth date, full name. `audited`: each reveal is recorded
    /// (an admin sees everything, and the trail says so).
    Whole { audited: bool },
    /// The mask, the masked name, the age and the village.
    Masked,
    /// Nothing: the record is out of the caller's scope (answer 404, or count it in totals).
    Hidden,
}

impl Sight {
    /// The NIK as this sight shows it (the mask unless whole; empty when hidden).
    pub fn nik(self, nik: &str) -> String {
        match self {
            Sight::Whole { .. } => nik.to_string(),
            Sight::Masked => mask_nik(nik),
            Sight::Hidden => String::new(),
        }
    }

    /// The name as this sight shows it.
    pub fn name(self, name: &str) -> String {
        match self {
            Sight::Whole { .. } => name.to_string(),
            Sight::Masked => mask_name(name),
            Sight::Hidden => String::new(),
        }
    }

    pub fn whole(self) -> bool {
        matches!(self, Sight::Whole { .. })
    }

    /// Whether showing this is a reveal the audit trail records (an admin's whole sight).
    pub fn audited(self) -> bool {
        matches!(self, Sight::Whole { audited: true })
    }
}

/// Whether a caller may look a worker up by a whole NIK. Only those who see whole NIKs may:
/// a role that sees masks would otherwise complete a mask by trying the hidden digits
/// against an exact search (docs/privacy.md, "The mask, and why it cannot be completed").
pub fn may_search_by_nik(p: &Principal) -> bool {
    matches!(p.role, Role::Admin | Role::Officer | Role::Proposer)
}

/// Whether a caller is told which record a worker may duplicate (`possible_duplicate_of`):
/// the officers who decide it and admins. A proposer is told only that the row looks like
/// a registered worker; the other record may be another organisation's, and its id would
/// say that a person of that name, birth date and regency is registered.
pub fn may_see_duplicate_links(p: &Principal) -> bool {
    matches!(p.role, Role::Admin | Role::Officer)
}

/// The one rule (docs/privacy.md): admins see all, audited; officers whose scope holds the
/// village and the proposing organisation see the whole record; viewers in scope and the
/// donor who funds the worker see the mask; everyone else sees nothing.
pub fn sight(p: &Principal, s: &Subject<'_>) -> Sight {
    match p.role {
        Role::Admin => Sight::Whole { audited: true },
        Role::Officer if p.covers(s.village_code) => Sight::Whole { audited: false },
        Role::Proposer if p.organisation_id.is_some() && p.organisation_id == s.proposer_org => {
            Sight::Whole { audited: false }
        }
        Role::Viewer if p.covers(s.village_code) => Sight::Masked,
        Role::Donor if s.funded_by_caller => Sight::Masked,
        _ => Sight::Hidden,
    }
}

/// A NIK as shown to a caller who may not see it whole: the province and regency only,
/// which the village shown beside it tells anyway. The district, the birth date and the
/// serial stay hidden, so no other field completes it (docs/privacy.md, "The mask").
pub fn mask_nik(nik: &str) -> String {
    let digits: Vec<char> = nik.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 16 && nik.chars().count() == 16 {
        format!(
            "{}{}.{}{} •••• •••• ••••",
            digits[0], digits[1], digits[2], digits[3]
        )
    } else {
        "•••• •••• •••• ••••".to_string()
    }
}

/// A name as shown to a caller who may not see it whole: the first word, then initials
/// (`Siti Aminah Rahayu` → `Siti A. R.`). A single word keeps its first two letters
/// (`Sutrisno` → `Su•••`), since a one-word name shown whole is the whole name.
pub fn mask_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let Some(first) = words.next() else {
        return String::new();
    };
    let rest: Vec<String> = words
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect();
    if rest.is_empty() {
        let head: String = first.chars().take(2).collect();
        format!("{head}•••")
    } else {
        format!("{first} {}", rest.join(" "))
    }
}

/// Whole years of age on `today`: what a masked reader sees instead of the birth date.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The personal fields of a worker, as the gate lets a caller see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub nik: String,
    pub name: String,
    /// The exact date for a whole sight, `None` for a masked one (which gets `age`).
    pub birth_date: Option<NaiveDate>,
    pub age: i32,
    pub phone: Option<String>,
    pub whole: bool,
}

/// Applies a sight to a worker's fields. `None` for [`Sight::Hidden`]: the caller must not
/// show the worker at all.
pub fn show(
    sight: Sight,
    nik: &str,
    name: &str,
    birth: NaiveDate,
    phone: Option<&str>,
    today: NaiveDate,
) -> Option<Shown> {
    match sight {
        Sight::Hidden => None,
        Sight::Whole { .. } => Some(Shown {
            nik: nik.to_string(),
            name: name.to_string(),
            birth_date: Some(birth),
            age: age_on(birth, today),
            phone: phone.map(str::to_string),
            whole: true,
        }),
        Sight::Masked => Some(Shown {
            nik: mask_nik(nik),
            name: mask_name(name),
            birth_date: None,
            age: age_on(birth, today),
            phone: None,
            whole: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, org: Option<i64>, scopes: &[&str]) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            full_name: "U".into(),
            role,
            organisation_id: org,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            csrf_token: None,
        }
    }

    const GRESIK: Subject<'static> = Subject {
        village_code: "35.25.01.2001",
        proposer_org: Some(7),
        funded_by_caller: false,
    };

    #[test]
    fn each_role_sees_what_the_rule_says() {
        use Sight::*;
        let cases = [
            (who(Role::Admin, None, &[]), Whole { audited: true }),
            (
                who(Role::Officer, None, &["35.25"]),
                Whole { audited: false },
            ),
            (who(Role::Officer, None, &["35.15"]), Hidden),
            // A scope that only shares a prefix is not the region: 35.2 is not 35.25.
            (who(Role::Officer, None, &["35.2"]), Hidden),
            (
                who(Role::Proposer, Some(7), &["35.25"]),
                Whole { audited: false },
            ),
            (who(Role::Proposer, Some(8), &["35.25"]), Hidden),
            (who(Role::Proposer, None, &["35.25"]), Hidden),
            (who(Role::Viewer, None, &["35.25"]), Masked),
            (who(Role::Viewer, None, &["35.15"]), Hidden),
            (who(Role::Donor, None, &[]), Hidden),
        ];
        for (p, want) in cases {
            assert_eq!(sight(&p, &GRESIK), want, "{:?} {:?}", p.role, p.scopes);
        }
        let funded = Subject {
            funded_by_caller: true,
            ..GRESIK
        };
        assert_eq!(sight(&who(Role::Donor, None, &[]), &funded), Masked);
    }

    #[test]
    fn a_sight_shows_the_nik_and_name_it_says_and_only_whole_sights_search_by_nik() {
        let nik = "3525014101900013";
        assert_eq!(Sight::Whole { audited: false }.nik(nik), nik);
        assert_eq!(Sight::Masked.nik(nik), "35.25 •••• •••• ••••");
        assert_eq!(Sight::Hidden.nik(nik), "");
        assert_eq!(Sight::Masked.name("Siti Aminah"), "Siti A.");
        assert!(Sight::Whole { audited: true }.audited());
        assert!(!Sight::Whole { audited: false }.audited());
        for (role, may) in [
            (Role::Admin, true),
            (Role::Officer, true),
            (Role::Proposer, true),
            (Role::Viewer, false),
            (Role::Donor, false),
        ] {
            assert_eq!(
                may_search_by_nik(&who(role, None, &["35.25"])),
                may,
                "{role:?}"
            );
        }
    }

    #[test]
    fn the_mask_keeps_only_what_the_village_already_tells() {
        let m = mask_nik("3525014101900013");
        assert_eq!(m, "35.25 •••• •••• ••••");
        // No digit of the district, the birth date or the serial survives.
        assert!(!m.contains("01") && !m.contains("13") && !m.contains("90"));
        assert_eq!(mask_nik("35250141"), "•••• •••• •••• ••••");
        assert_eq!(mask_nik("35250141019000xx"), "•••• •••• •••• ••••");
    }

    #[test]
    fn names_are_masked_to_a_first_word_and_initials() {
        assert_eq!(mask_name("Siti Aminah Rahayu"), "Siti A. R.");
        assert_eq!(mask_name("Sutrisno"), "Su•••");
        assert_eq!(mask_name("  "), "");
        assert_eq!(mask_name("ahmad   bin ali"), "ahmad B. A.");
    }

    #[test]
    fn a_masked_worker_has_an_age_and_no_birth_date_or_phone() {
        let birth = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default();
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default();
        let s = show(
            Sight::Masked,
            "3525014101900013",
            "Siti Aminah",
            birth,
            Some("081234567890"),
            today,
        );
        let Some(s) = s else {
            panic!("a masked sight shows the worker")
        };
        assert_eq!(s.birth_date, None);
        assert_eq!(s.phone, None);
        assert_eq!(s.age, 36);
        assert!(!s.whole);
        assert_eq!(
            show(Sight::Hidden, "3525014101900013", "x", birth, None, today),
            None
        );
        assert_eq!(
            age_on(
                NaiveDate::from_ymd_opt(2000, 12, 5).unwrap_or_default(),
                today
            ),
            25
        );
    }
}
