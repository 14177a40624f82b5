//! The insurer's confirmation file: BPJS Ketenagakerjaan's answer to a month's remittance.
//!
//! CSV, UTF-8, a header line then one line per worker: `nik,status,kpj,alasan`. `status` is
//! `diterima` (accepted, with the participant number KPJ) or `ditolak` (rejected, with the
//! reason); the English `accepted` and `rejected` are taken too.
//!
//! The file comes from outside, so each line is checked before anything is booked: a NIK of
//! 16 digits, a known status, a KPJ of digits only, a reason of at most
//! [`fields::NOTE_MAX`](lingkaran_domain::fields::NOTE_MAX) characters. A bad line is reported
//! with its line number (the line an editor shows) and the others still come through. What a
//! bad line echoes back is clipped, so a hostile file cannot fill the report.
//!
//! Pure: no I/O. Storage books the lines (`db::cycle::import_confirmation`).

use lingkaran_domain::fields::NOTE_MAX;

/// The longest KPJ taken. BPJS TK's participant numbers have 11 digits; a little room is left
/// for a longer series.
pub const KPJ_MAX: usize = 20;

/// How much of a bad value a report repeats.
const ECHO_MAX: usize = 40;

/// What the insurer decided for one worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Rejected,
}

impl Verdict {
    /// The code stored in `confirmations.status`.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Rejected => "rejected",
        }
    }
}

/// A well-formed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The line an editor shows (the header is line 1).
    pub line: usize,
    pub nik: String,
    pub verdict: Verdict,
    pub kpj: Option<String>,
    pub reason: Option<String>,
}

/// A line that cannot be booked: where, what it named (clipped), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub nik: String,
    pub why: String,
}

/// At most [`ECHO_MAX`] characters of `s`, with `…` when it was longer.
fn clip(s: &str) -> String {
    crate::snippet(s, ECHO_MAX)
}

fn check(line: usize, row: &csv::StringRecord) -> Result<Line, BadLine> {
    let field = |k: usize| row.get(k).unwrap_or("").trim();
    let (nik, status, kpj, reason) = (field(0), field(1), field(2), field(3));
    let bad = |why: String| BadLine {
        line,
        nik: clip(nik),
        why,
    };
    if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("the NIK is not 16 digits".into()));
    }
    let verdict = match status.to_ascii_lowercase().as_str() {
        "diterima" | "accepted" => Verdict::Accepted,
        "ditolak" | "rejected" => Verdict::Rejected,
        _ => {
            return Err(bad(format!(
                "status \"{}\" is neither diterima nor ditolak",
                clip(status)
            )))
        }
    };
    if kpj.len() > KPJ_MAX || !kpj.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!(
            "KPJ \"{}\" is not a participant number (digits only, at most {KPJ_MAX})",
            clip(kpj)
        )));
    }
    if reason.chars().count() > NOTE_MAX {
        return Err(bad(format!(
            "the reason is longer than {NOTE_MAX} characters"
        )));
    }
    Ok(Line {
        line,
        nik: nik.to_string(),
        verdict,
        kpj: (!kpj.is_empty()).then(|| kpj.to_string()),
        reason: (!reason.is_empty()).then(|| reason.to_string()),
    })
}

/// Line breaks as an editor (and the csv crate) sees them: `\n`, `\r\n`, and a lone `\r` (an
/// old Mac file). A `\r` at the end of `bytes` counts as one: its `\n`, if any, is past the
/// record's start and never counted again.
pub fn breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The file's lines after the header, each checked. Blank lines are skipped but counted, as
/// an editor counts them (the csv crate's own line numbers skip them).
pub fn lines(text: &str) -> impl Iterator<Item = Result<Line, BadLine>> + '_ {
    let reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The editor line of a byte offset, counted forward as the records come. A record's
    // position is where reading it began, before the blank lines it skipped.
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut line_at = move |byte: u64| {
        let mut byte = (byte as usize).min(text.len());
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if byte > counted_to {
            line += breaks(&text.as_bytes()[counted_to..byte]);
            counted_to = byte;
        }
        line
    };
    reader.into_records().map(move |row| match row {
        Ok(row) => {
            let line = row.position().map_or(0, |p| line_at(p.byte()));
            check(line, &row)
        }
        Err(e) => Err(BadLine {
            line: e.position().map_or(0, |p| line_at(p.byte())),
            nik: String::new(),
            why: e.to_string(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Result<Line, BadLine>> {
        lines(text).collect()
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_too() {
        let text = "nik,status,kpj,alasan\r3525011203850001,diterima,1234,\r\n\r3525011203850002,diterima,5678,\n";
        let got: Vec<usize> = lines(text)
            .map(|r| r.map(|l| l.line).unwrap_or(0))
            .collect();
        assert_eq!(got, [2, 4]);
        assert_eq!(breaks(b"a\r\nb\rc\n"), 3);
    }

    #[test]
    fn good_lines_come_through_with_their_editor_line_numbers() {
        let got = all("nik,status,kpj,alasan\n3525014101900001,diterima,12345678901,\n\n3525014101900002,ditolak,,sudah terdaftar\n");
        assert_eq!(
            got,
            vec![
                Ok(Line {
                    line: 2,
                    nik: "3525014101900001".into(),
                    verdict: Verdict::Accepted,
                    kpj: Some("12345678901".into()),
                    reason: None,
                }),
                Ok(Line {
                    line: 4,
                    nik: "3525014101900002".into(),
                    verdict: Verdict::Rejected,
                    kpj: None,
                    reason: Some("sudah terdaftar".into()),
                }),
            ]
        );
    }

    #[test]
    fn bad_lines_say_why_and_echo_little() {
        let long = "9".repeat(10_000);
        let text = format!(
            "nik,status,kpj,alasan\n{long},diterima,1,\n3525014101900001,mungkin,,\n3525014101900001,diterima,=HYPERLINK(1),\n3525014101900001,ditolak,,{}\n",
            "x".repeat(NOTE_MAX + 1)
        );
        let got = all(&text);
        let bad: Vec<&BadLine> = got.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(bad.len(), 4);
        assert_eq!(bad[0].line, 2);
        assert!(bad[0].nik.chars().count() <= ECHO_MAX + 1);
        assert!(bad[0].why.contains("16 digits"));
        assert!(bad[1].why.contains("mungkin"));
        assert!(bad[2].why.contains("KPJ"));
        assert!(bad[3].why.contains("longer than"));
        assert!(bad.iter().all(|b| b.why.len() < 200));
    }
}
