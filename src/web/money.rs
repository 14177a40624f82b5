//! How money, months and payment states read on the donor and officer pages: `Rp 16.800`,
//! `Desember 2026`, `8890 8000 0000 0001`, and the statuses in the reader's language.

use super::i18n::{Lang, S};
use super::page::Ctx;
use axum::extract::Multipart;
use chrono::NaiveDate;
use lingkaran_domain::format;
use lingkaran_domain::payment::{PaymentSource, StatementLineStatus};
use lingkaran_domain::rates::Month;
use lingkaran_domain::worker::WorkerStatus;
use lingkaran_domain::Problem;
use maud::{html, Markup};
use std::collections::HashMap;

pub use lingkaran_domain::format::rupiah;

/// What these pages add to the shared style sheet: label–value pairs side by side, and
/// amounts that never break after "Rp". Inline like the shell's (CSP allows inline styles).
const STYLE: &str =
    ".pairs{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1.2rem;margin:0 0 .8rem}\
.pairs dt{color:var(--muted)}.pairs dd{margin:0;overflow-wrap:anywhere}td.num{white-space:nowrap}\
fieldset{border:1px solid var(--line);border-radius:6px;margin:.8rem 0;padding:.2rem 1rem .8rem}\
legend{font-weight:700;padding:0 .3rem}fieldset label{font-weight:400}";

/// The page style of the donor and payment pages, for the top of their body.
pub fn style() -> Markup {
    html! { style { (maud::PreEscaped(STYLE)) } }
}

/// `Desember 2026` (or `December 2026`).
pub fn month_label(m: Month, lang: Lang) -> String {
    month_of(m.yyyymm(), lang)
}

/// A month kept as `202612`, as a reader names it.
pub fn month_of(yyyymm: i64, lang: Lang) -> String {
    match Month::from_yyyymm(yyyymm) {
        Some(m) => format::month(m, lang.code()),
        None => yyyymm.to_string(),
    }
}

/// `Desember 2026 – Mei 2027`: the months a donation covers (one month: just that month).
pub fn period(start_yyyymm: i64, months: i64, lang: Lang) -> String {
    let Some(start) = Month::from_yyyymm(start_yyyymm) else {
        return start_yyyymm.to_string();
    };
    let n = u32::try_from(months.max(1) - 1).unwrap_or(0);
    if n == 0 {
        month_label(start, lang)
    } else {
        format!(
            "{} – {}",
            month_label(start, lang),
            month_label(start.plus(n), lang)
        )
    }
}

/// The `n` months from `first` on, for a start-month select.
pub fn months_from(first: Month, n: u32) -> Vec<Month> {
    (0..n).map(|k| first.plus(k)).collect()
}

/// A virtual-account number in groups of four, as it is read aloud and typed at an ATM.
pub fn grouped(va: &str) -> String {
    let chars: Vec<char> = va.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2026-11-25` (as the store keeps a day) → `25 November 2026`.
pub fn day(iso: &str, lang: Lang) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| format::date(d, lang.code()))
        .unwrap_or_else(|_| iso.to_string())
}

pub fn donation_status(lang: Lang, status: &str) -> &str {
    match status {
        "held" => lang.t(S::DonationHeld),
        "funded" => lang.t(S::DonationFunded),
        "expired" => lang.t(S::DonationExpired),
        "cancelled" => lang.t(S::DonationCancelled),
        other => other,
    }
}

pub fn invoice_status(lang: Lang, status: &str) -> &str {
    match status {
        "open" => lang.t(S::InvoiceOpen),
        "paid" => lang.t(S::InvoicePaid),
        "expired" => lang.t(S::InvoiceExpired),
        "cancelled" => lang.t(S::InvoiceCancelled),
        other => other,
    }
}

/// A worker's months in a donation: held while the donor pays, funded once paid.
pub fn month_state(lang: Lang, state: Option<&str>) -> &str {
    match state {
        Some("held") => lang.t(S::MonthsHeld),
        Some("funded") => lang.t(S::MonthsFunded),
        Some(other) => other,
        None => lang.t(S::MonthsLost),
    }
}

/// A statement line's status as an officer reads it (the words are the domain's
/// `StatementLineStatus::label`).
pub fn line_status(lang: Lang, status: &str) -> &str {
    StatementLineStatus::parse(status).map_or(status, |s| s.label(lang.code()))
}

/// How money came in, as a donor reads it (the domain's `PaymentSource::label`).
pub fn source_label(lang: Lang, source: &str) -> &str {
    PaymentSource::parse(source).map_or(source, |s| s.label(lang.code()))
}

/// A worker's status as a reader sees it (the domain's `WorkerStatus::label`).
pub fn worker_status(lang: Lang, status: &str) -> &str {
    WorkerStatus::parse(status).map_or(status, |s| s.label(lang.code()))
}

/// A text the store keeps in both languages as `Indonesian / English` (a statement line's
/// reason), in the reader's language.
pub fn bilingual(stored: &str, lang: Lang) -> &str {
    match stored.split_once(" / ") {
        Some((id, en)) => lang.pick(id, en),
        None => stored,
    }
}

/// A problem of a page's own, worded by the string table.
pub fn problem(code: &'static str, s: S) -> Problem {
    Problem::new(code, s.get(Lang::Id), s.get(Lang::En))
}

/// The problems a form was refused for, in the reader's language.
pub fn problems_box(ctx: &Ctx, id: &str, title: S, problems: &[Problem]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.error role="alert" id=(id) {
                strong { (ctx.t(title)) }
                ul { @for p in problems { li { (p.message(ctx.lang.code())) } } }
            }
        }
    }
}

/// A multipart form read whole: its text fields and the one file it carries.
pub(super) struct Upload {
    pub fields: HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.fields
            .get(k)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}

fn unreadable(e: impl std::fmt::Display) -> Problem {
    Problem::new(
        "bad_upload",
        format!("Unggahan tidak terbaca: {e}"),
        format!("The upload could not be read: {e}"),
    )
}

/// Reads a page's multipart form. The hidden `csrf` field comes first in every form; when the
/// file field arrives, the token read so far must pass `csrf_ok`, else the file is not read
/// and the answer is the problem with code `csrf` (the caller answers 403).
pub(super) async fn read_upload(
    mut mp: Multipart,
    file_field: &str,
    limit: usize,
    csrf_ok: impl Fn(Option<&str>) -> bool,
) -> Result<Upload, Problem> {
    let mut up = Upload {
        fields: HashMap::new(),
        file: None,
    };
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            crate::http::limits::too_large(limit)
        } else {
            unreadable(e)
        }
    };
    while let Some(mut f) = mp.next_field().await.map_err(unreadable)? {
        let name = f.name().unwrap_or_default().to_string();
        if name == file_field {
            if !csrf_ok(up.fields.get("csrf").map(String::as_str)) {
                return Err(crate::http::upload::csrf_refused().problem);
            }
            // PostgreSQL cannot store the NUL character: a file named with one is renamed.
            let file_name = f.file_name().unwrap_or("berkas").replace('\0', "");
            let mut bytes = Vec::new();
            while let Some(chunk) = f.chunk().await.map_err(unreadable)? {
                if bytes.len() + chunk.len() > limit {
                    return Err(Problem::new(
                        "too_large",
                        format!(
                            "Berkas lebih dari {} MB. Unggah berkas yang lebih kecil.",
                            limit / (1024 * 1024)
                        ),
                        format!(
                            "The file is larger than {} MB. Upload a smaller file.",
                            limit / (1024 * 1024)
                        ),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() {
                up.file = Some((file_name, bytes));
            }
        } else if up.fields.len() < 32 {
            let text = f.text().await.map_err(unreadable)?;
            if text.contains('\0') || name.contains('\0') {
                return Err(Problem::new(
                    "nul_character",
                    "Isian formulir tidak boleh memuat karakter NUL.",
                    "A form field must not hold the NUL character.",
                ));
            }
            up.fields.insert(name, text);
        }
    }
    Ok(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_numbers_read_as_written() {
        assert_eq!(month_of(202612, Lang::Id), "Desember 2026");
        assert_eq!(month_of(202612, Lang::En), "December 2026");
        assert_eq!(period(202612, 6, Lang::Id), "Desember 2026 – Mei 2027");
        assert_eq!(period(202612, 1, Lang::Id), "Desember 2026");
        assert_eq!(grouped("8890800000000001"), "8890 8000 0000 0001");
        assert_eq!(day("2026-11-25", Lang::Id), "25 November 2026");
        assert_eq!(bilingual("Tidak ada. / None.", Lang::En), "None.");
        assert_eq!(bilingual("catatan", Lang::En), "catatan");
        assert_eq!(rupiah(16_800), "Rp 16.800");
    }
}
