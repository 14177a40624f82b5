//! A small progress bar on stderr for the command line's long work (an import), drawn only
//! when stderr is a terminal: `[#########-----------]  45.000 / 100.000 baris (rows)`.

use std::io::{IsTerminal, Write};

pub struct Progress {
    total: Option<i64>,
    draw: bool,
    last: i64,
}

impl Progress {
    /// A bar towards `total` rows (`None`: a count only).
    pub fn new(total: Option<i64>) -> Progress {
        Progress {
            total,
            draw: std::io::stderr().is_terminal(),
            last: -1,
        }
    }

    /// Shows `done` rows.
    pub fn set(&mut self, done: i64) {
        if !self.draw || done == self.last {
            return;
        }
        self.last = done;
        let count = lingkaran_domain::format::rupiah(done).replacen("Rp ", "", 1);
        let line = match self.total {
            Some(total) if total > 0 => {
                let width = 30i64;
                let filled = (done.min(total) * width / total).clamp(0, width);
                let total_s = lingkaran_domain::format::rupiah(total).replacen("Rp ", "", 1);
                format!(
                    "[{}{}] {count} / {total_s} baris (rows)",
                    "#".repeat(filled as usize),
                    "-".repeat((width - filled) as usize)
                )
            }
            _ => format!("{count} baris (rows)"),
        };
        let mut e = std::io::stderr();
        let _ = write!(e, "\r{line}");
        let _ = e.flush();
    }

    /// Ends the bar's line.
    pub fn finish(&mut self) {
        if self.draw && self.last >= 0 {
            eprintln!();
        }
    }
}

/// The rows of a CSV file (its lines, less the header), counted quickly for the bar; `None`
/// for any other file (an XLSX is counted as it is read).
pub fn csv_rows(path: &std::path::Path) -> Option<i64> {
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"))
    {
        return None;
    }
    let mut f = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut lines, mut last) = (0i64, b'\n');
    loop {
        let n = std::io::Read::read(&mut f, &mut buf).ok()?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as i64;
        last = buf[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    Some((lines - 1).max(0))
}
