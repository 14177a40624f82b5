//! The one place that says how long a typed field may be, and which text may not start a
//! name. The API, the pages, the CLI and the list import all check through here, before
//! anything is stored (docs/operations.md, "Limits").

use crate::Problem;

/// A username (sign-in name).
pub const USERNAME_MAX: usize = 40;
/// A person's name: a worker's, a user's full name, a donor's.
pub const PERSON_NAME_MAX: usize = 100;
/// An organisation's name.
pub const ORGANISATION_NAME_MAX: usize = 200;
/// A reason, a note or a description typed by staff or a donor.
pub const NOTE_MAX: usize = 1000;
/// An e-mail address (RFC 5321's limit).
pub const EMAIL_MAX: usize = 254;

/// `Err` when `value` has more than `max` characters, naming the field (`label_id` /
/// `label_en`) and the limit. The value itself is not repeated: it may be megabytes.
pub fn check_len(label_id: &str, label_en: &str, value: &str, max: usize) -> Result<(), Problem> {
    // Counting stops just past the limit: a 200 MB value costs no more than a short one.
    if value.chars().take(max + 1).count() > max {
        return Err(Problem::new(
            "too_long",
            format!("{label_id} paling banyak {max} karakter."),
            format!("{label_en} has at most {max} characters."),
        ));
    }
    Ok(())
}

/// The characters a spreadsheet reads as the start of a formula (OWASP, "CSV injection"):
/// `=`, `+`, `-`, `@`, tab and carriage return.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` would start a formula in a spreadsheet cell.
pub fn starts_like_formula(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS)
}

/// `Err` when a name (of a worker, a person, an organisation; an occupation) starts with a
/// character a spreadsheet reads as a formula: no real name does, and such a name would go
/// into the files Lingkaran writes.
pub fn check_name_start(label_id: &str, label_en: &str, value: &str) -> Result<(), Problem> {
    if starts_like_formula(value.trim_start_matches(' ')) {
        return Err(Problem::new(
            "formula_like",
            format!(
                "{label_id} tidak boleh diawali =, +, -, @, tab atau CR (dibaca sebagai rumus oleh spreadsheet)."
            ),
            format!(
                "{label_en} may not start with =, +, -, @, tab or CR (a spreadsheet reads it as a formula)."
            ),
        ));
    }
    Ok(())
}

/// A name: at most `max` characters and no formula start.
pub fn check_name(label_id: &str, label_en: &str, value: &str, max: usize) -> Result<(), Problem> {
    check_len(label_id, label_en, value, max)?;
    check_name_start(label_id, label_en, value)
}

/// A new user's username and full name, as the API and the CLI take them: every problem.
pub fn check_user(username: &str, full_name: &str) -> Vec<Problem> {
    [
        check_len("Nama pengguna", "The username", username, USERNAME_MAX),
        check_name("Nama lengkap", "The full name", full_name, PERSON_NAME_MAX),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect()
}

/// A new organisation's name, as the API and the CLI take it.
pub fn check_organisation(name: &str) -> Result<(), Problem> {
    check_name(
        "Nama lembaga",
        "The organisation's name",
        name,
        ORGANISATION_NAME_MAX,
    )
}

/// One CSV cell as Lingkaran writes it: a text cell that starts like a formula gets a single
/// quote in front (`'=HYPERLINK(…)`), so a spreadsheet shows it as text. Numbers are not
/// passed through here: a numeric column's `-5000` stays a number (the callers write
/// numbers as numbers and only text through this).
pub fn csv_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if starts_like_formula(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_kept() {
        for f in ["=1+1", "+62", "-x", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_text(f), format!("'{f}"));
        }
        assert_eq!(csv_text("Siti Aminah"), "Siti Aminah");
        assert_eq!(csv_text(""), "");
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(check_len("Nama", "Name", &"é".repeat(100), 100).is_ok());
        let e = check_len("Nama", "Name", &"a".repeat(101), 100).expect_err("too long");
        assert_eq!(e.code, "too_long");
        assert!(e.en.contains("at most 100"));
        assert!(check_name("Nama", "Name", "=HYPERLINK(\"x\")", 100).is_err());
        assert!(check_name("Nama", "Name", "Ni Made", 100).is_ok());
    }
}
