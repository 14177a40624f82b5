//! The regional report as an A4 portrait PDF: the title, region, period and the day it was
//! made; the coverage with its numerator, denominator and definition, the target and the
//! gap; then tables by month, by region below, by funding source, the budget lines, the
//! remittances, claims and the figures' sources. Numbers as Indonesians write them
//! (`Rp 16.800`, `40,82%`, `23 Desember 2022`, `lingkaran_domain::format`).
//!
//! Why `pdf-writer` (the Typst project's PDF writer): it is pure Rust without unsafe code,
//! kept up by a team that ships it in Typst, and small (four tiny dependencies); and it writes
//! any PDF object, so the report uses Helvetica, one of the 14 fonts every PDF reader has,
//! in WinAnsiEncoding, which holds every letter Indonesian needs. No font file is embedded,
//! shipped or downloaded. Its price is that the layout is ours: text widths come from the
//! font's metrics (`helvetica.rs`), and a table is drawn row by row, breaking pages and
//! repeating its header. The alternatives: `printpdf` 0.12 pulls a whole HTML layout engine
//! and font discovery by default; `genpdf` has not been released since 2021 and needs TTF
//! files; `krilla` shapes text with a font it is given, so a TTF would have to ship with us.

use super::helvetica::{HELVETICA, HELVETICA_BOLD};
use super::{budget_source, children_name, definition_name, measure_name, source_name};
use super::{claim_line, CLAIMS_NOTE, NO_CLAIMS, TITLE};
use crate::usecase::region_report::{Cycle, Report};
use chrono::Datelike;
use lingkaran_domain::format;
use lingkaran_domain::share::{Percent, Share};
use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 40.0;
const TOP: f32 = PAGE_H - MARGIN;
/// The lowest a line of the body may reach; the footer is below it.
const BOTTOM: f32 = MARGIN + 16.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
/// The size of the tables' text.
const SMALL: f32 = 7.5;
const BODY: f32 = 9.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        }
    }
}

/// A character's code in WinAnsiEncoding (Windows-1252), if it has one.
fn win_ansi(c: char) -> Option<u8> {
    let u = u32::from(c);
    match u {
        0x20..=0x7E | 0xA0..=0xFF => u8::try_from(u).ok(),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            // Signs the font lacks, written as the nearest it has.
            '−' => b'-',
            '≥' => b'>',
            _ => return None,
        }),
    }
}

/// The text in WinAnsiEncoding; a character the font cannot draw becomes `?`.
fn encode(s: &str) -> Vec<u8> {
    s.chars().map(|c| win_ansi(c).unwrap_or(b'?')).collect()
}

/// How wide `s` runs in `font` at `size`, in points.
fn width(s: &str, font: Font, size: f32) -> f32 {
    let units: u32 = encode(s)
        .into_iter()
        .map(|b| {
            font.widths()
                .get(usize::from(b).wrapping_sub(32))
                .copied()
                .map_or(556, u32::from)
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `s` cut into lines no wider than `max`: at spaces, and inside a word only when the word
/// alone is wider.
fn wrap(s: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let joined = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&joined, font, size) <= max {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word alone, cut where it must be.
            for c in word.chars() {
                let mut longer = line.clone();
                longer.push(c);
                if !line.is_empty() && width(&longer, font, size) > max {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = longer;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// A table's column: its width in points, and whether its text is aligned right (numbers).
#[derive(Debug, Clone, Copy)]
struct Col {
    width: f32,
    right: bool,
}

const fn text_col(width: f32) -> Col {
    Col {
        width,
        right: false,
    }
}

const fn num_col(width: f32) -> Col {
    Col { width, right: true }
}

struct Row {
    cells: Vec<String>,
    bold: bool,
}

fn row(cells: Vec<String>) -> Row {
    Row { cells, bold: false }
}

/// Pages being written, top to bottom.
struct Writer {
    done: Vec<Content>,
    page: Content,
    y: f32,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            done: Vec::new(),
            page: Content::new(),
            y: TOP,
        }
    }

    fn break_page(&mut self) {
        let full = std::mem::replace(&mut self.page, Content::new());
        self.done.push(full);
        self.y = TOP;
    }

    /// A new page unless `h` more points fit on this one.
    fn room(&mut self, h: f32) {
        if self.y - h < BOTTOM && self.y < TOP {
            self.break_page();
        }
    }

    fn show(&mut self, x: f32, baseline: f32, s: &str, font: Font, size: f32) {
        self.page
            .begin_text()
            .set_font(font.name(), size)
            .next_line(x, baseline)
            .show(Str(&encode(s)))
            .end_text();
    }

    fn space(&mut self, h: f32) {
        self.y -= h;
    }

    /// Lines of text across the page.
    fn para(&mut self, s: &str, font: Font, size: f32) {
        let lead = size * 1.3;
        for line in wrap(s, font, size, WIDTH) {
            self.room(lead);
            self.show(MARGIN, self.y - size, &line, font, size);
            self.y -= lead;
        }
    }

    /// A section's heading, kept with at least a few lines after it.
    fn heading(&mut self, s: &str) {
        self.space(9.0);
        self.room(16.0 + 40.0);
        self.show(MARGIN, self.y - 11.0, s, Font::Bold, 11.0);
        self.page
            .set_stroke_gray(0.6)
            .set_line_width(0.6)
            .move_to(MARGIN, self.y - 14.5)
            .line_to(MARGIN + WIDTH, self.y - 14.5)
            .stroke();
        self.y -= 19.0;
    }

    /// A row's cells, drawn from the current line down; returns nothing, moves `y`.
    fn cells(&mut self, x0: f32, cols: &[Col], cells: &[Vec<String>], font: Font, height: f32) {
        const PAD: f32 = 2.5;
        let lead = SMALL * 1.25;
        let mut x = x0;
        for (col, lines) in cols.iter().zip(cells) {
            for (i, line) in lines.iter().enumerate() {
                let baseline = self.y - PAD - SMALL * 0.95 - i as f32 * lead;
                let left = if col.right {
                    x + col.width - PAD - width(line, font, SMALL)
                } else {
                    x + PAD
                };
                self.show(left, baseline, line, font, SMALL);
            }
            x += col.width;
        }
        self.y -= height;
    }

    fn wrapped(cols: &[Col], cells: &[String], font: Font) -> (Vec<Vec<String>>, f32) {
        let lines: Vec<Vec<String>> = cols
            .iter()
            .zip(cells)
            .map(|(c, s)| wrap(s, font, SMALL, c.width - 5.0))
            .collect();
        let most = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (lines, most as f32 * SMALL * 1.25 + 5.0)
    }

    fn table_header(&mut self, cols: &[Col], header: &[&str]) {
        let owned: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        let (lines, h) = Writer::wrapped(cols, &owned, Font::Bold);
        let total: f32 = cols.iter().map(|c| c.width).sum();
        self.page
            .set_fill_gray(0.9)
            .rect(MARGIN, self.y - h, total, h)
            .fill_nonzero()
            .set_fill_gray(0.0);
        self.cells(MARGIN, cols, &lines, Font::Bold, h);
    }

    /// A table: its header, then its rows, each page it spans starting with the header.
    fn table(&mut self, cols: &[Col], header: &[&str], rows: &[Row]) {
        let total: f32 = cols.iter().map(|c| c.width).sum();
        let (_, header_h) = Writer::wrapped(
            cols,
            &header.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            Font::Bold,
        );
        self.room(header_h + SMALL * 3.0);
        self.table_header(cols, header);
        for r in rows {
            let font = if r.bold { Font::Bold } else { Font::Regular };
            let (lines, h) = Writer::wrapped(cols, &r.cells, font);
            if self.y - h < BOTTOM {
                self.break_page();
                self.table_header(cols, header);
            }
            self.cells(MARGIN, cols, &lines, font, h);
            self.page
                .set_stroke_gray(0.8)
                .set_line_width(0.4)
                .move_to(MARGIN, self.y)
                .line_to(MARGIN + total, self.y)
                .stroke();
        }
        self.space(4.0);
    }

    /// Label and value pairs: the label bold on the left, the value beside it.
    fn pairs(&mut self, pairs: &[(String, String)]) {
        let key = [text_col(170.0)];
        let value = [text_col(WIDTH - 170.0)];
        for (k, v) in pairs {
            let (k_lines, k_h) = Writer::wrapped(&key, std::slice::from_ref(k), Font::Bold);
            let (v_lines, v_h) = Writer::wrapped(&value, std::slice::from_ref(v), Font::Regular);
            let h = k_h.max(v_h);
            self.room(h);
            let top = self.y;
            self.cells(MARGIN, &key, &k_lines, Font::Bold, h);
            self.y = top;
            self.cells(MARGIN + 170.0, &value, &v_lines, Font::Regular, h);
        }
        self.space(4.0);
    }

    /// The pages, each with its footer: what the report is, and the page's number.
    fn finish(mut self, footer: &str) -> Vec<Content> {
        self.break_page();
        let n = self.done.len();
        let mut pages = self.done;
        for (i, page) in pages.iter_mut().enumerate() {
            let right = format!("Halaman {} dari {n}", i + 1);
            let y = MARGIN - 2.0;
            page.set_stroke_gray(0.6)
                .set_line_width(0.4)
                .move_to(MARGIN, BOTTOM - 6.0)
                .line_to(MARGIN + WIDTH, BOTTOM - 6.0)
                .stroke();
            for (x, s) in [
                (MARGIN, footer.to_string()),
                (MARGIN + WIDTH - width(&right, Font::Regular, 7.0), right),
            ] {
                page.begin_text()
                    .set_font(Font::Regular.name(), 7.0)
                    .next_line(x, y)
                    .show(Str(&encode(&s)))
                    .end_text();
            }
        }
        pages
    }
}

fn count(n: u64) -> String {
    format::count(n)
}

fn opt_count(n: Option<u64>) -> String {
    n.map_or("–".to_string(), format::count)
}

fn share(s: Option<Share>) -> String {
    s.map_or("–".to_string(), |s| s.percent_text("id"))
}

fn percent(p: Option<Percent>) -> String {
    p.map_or("–".to_string(), |p| p.text("id"))
}

/// Ten-thousandths of a point as `0,0017`.
fn points(p: u64) -> String {
    format!("{},{:04}", p / 10_000, p % 10_000)
}

fn cycle_cells(c: Cycle) -> [String; 4] {
    [
        count(c.remitted),
        count(c.accepted),
        count(c.rejected),
        count(c.unanswered()),
    ]
}

/// The PDF's bytes.
pub fn write(r: &Report) -> Vec<u8> {
    let mut w = Writer::new();
    let a = &r.coverage.assessment;
    w.para(TITLE, Font::Bold, 15.0);
    w.space(2.0);
    w.para(
        &format!("{} ({})", r.place.name, r.place.code),
        Font::Bold,
        12.5,
    );
    w.space(2.0);
    w.para(
        &format!(
            "Periode {} · keadaan pada {} · dibuat {}",
            r.period.text("id"),
            format::date(r.day, "id"),
            format::date(r.made_on, "id")
        ),
        Font::Regular,
        BODY,
    );
    w.para(
        "Untuk rapat UCJ. Peserta, penyebut dan target dari BPJS Ketenagakerjaan, BPS dan UCJ \
         sebagaimana diimpor ke Lingkaran; pekerja yang dilindungi GN Lingkaran dari catatan \
         Lingkaran sendiri.",
        Font::Regular,
        8.0,
    );

    // The coverage at the period's end.
    w.heading(&format!("Cakupan pada {}", format::date(r.day, "id")));
    let def = definition_name(a.definition.as_deref());
    let mut pairs = vec![(
        "Cakupan kepesertaan".to_string(),
        match (a.share, a.participants, a.denominator) {
            (Some(s), Some(p), Some(d)) => format!(
                "{} = {} peserta aktif dari {} ({})",
                s.percent_text("id"),
                count(p),
                count(d),
                def
            ),
            (_, Some(p), None) => format!("{} peserta aktif; belum ada penyebut", count(p)),
            _ => "Belum ada angka BPJS/BPS untuk wilayah ini".to_string(),
        },
    )];
    pairs.push((
        "Definisi penyebut".into(),
        if def.is_empty() {
            "–".into()
        } else {
            def.clone()
        },
    ));
    pairs.push((
        "Target".into(),
        match (a.target, a.target_people) {
            (Some(t), Some(people)) => format!("{} = {} orang", t.text("id"), count(people)),
            (Some(t), None) => t.text("id"),
            (None, Some(people)) => format!("{} orang", count(people)),
            (None, None) => "–".into(),
        },
    ));
    pairs.push((
        "Kekurangan menuju target".into(),
        a.gap
            .map_or("–".to_string(), |g| format!("{} orang", count(g))),
    ));
    let protected = r.coverage.sponsored.total + r.coverage.sponsored.self_paying;
    pairs.push((
        format!(
            "Dilindungi GN Lingkaran, {}",
            format::month(r.period.to, "id")
        ),
        format!(
            "{} pekerja: {} dibiayai donatur, {} membayar sendiri (mandiri)",
            count(protected),
            count(r.coverage.sponsored.total),
            count(r.coverage.sponsored.self_paying)
        ),
    ));
    pairs.push((
        "Tambahan dari GN Lingkaran".into(),
        match (r.coverage.points_added, a.denominator) {
            (Some(p), Some(d)) => format!(
                "+{} poin cakupan ({} ÷ {})",
                points(p),
                count(protected),
                count(d)
            ),
            _ => "–".into(),
        },
    ));
    pairs.push((
        "Asal angka".into(),
        if r.coverage.summed_children > 0 {
            format!(
                "jumlah {} wilayah di bawahnya, satu definisi penyebut (persentase tidak dirata-ratakan)",
                r.coverage.summed_children
            )
        } else {
            "angka wilayah sendiri".into()
        },
    ));
    w.pairs(&pairs);
    if !a.warnings.is_empty() {
        w.para("Perhatikan:", Font::Bold, 8.5);
        for warning in &a.warnings {
            w.para(&format!("• {}", warning.message("id")), Font::Regular, 8.5);
        }
    }
    if !r.segments.is_empty() {
        w.heading("Peserta menurut segmen");
        let rows: Vec<Row> = r
            .segments
            .iter()
            .map(|g| {
                row(vec![
                    g.code.clone(),
                    count(g.participants),
                    match (g.of_all, a.participants) {
                        (Some(s), Some(all)) => {
                            format!("{} dari {}", s.percent_text("id"), count(all))
                        }
                        _ => "–".into(),
                    },
                    format::date(g.on, "id"),
                    g.source.clone(),
                ])
            })
            .collect();
        w.table(
            &[
                text_col(80.0),
                num_col(65.0),
                num_col(95.0),
                text_col(75.0),
                text_col(WIDTH - 315.0),
            ],
            &[
                "Segmen",
                "Peserta",
                "Porsi dari seluruh peserta",
                "Tanggal",
                "Sumber",
            ],
            &rows,
        );
    }

    monthly(&mut w, r);
    by_source(&mut w, r);
    children(&mut w, r);
    budget(&mut w, r);

    let t = r.totals();
    w.heading("Penyetoran ke BPJS dan jawabannya dalam periode");
    w.pairs(&[
        (
            "Disetor ke BPJS".into(),
            format!("{} pekerja-bulan", count(t.cycle.remitted)),
        ),
        (
            "Diterima BPJS".into(),
            format!("{} pekerja-bulan", count(t.cycle.accepted)),
        ),
        (
            "Ditolak BPJS".into(),
            format!(
                "{} pekerja-bulan (tidak dihitung sebagai perlindungan; iurannya kembali ke donatur)",
                count(t.cycle.rejected)
            ),
        ),
        (
            "Belum dijawab".into(),
            format!("{} pekerja-bulan", count(t.cycle.unanswered())),
        ),
    ]);
    w.heading("Klaim");
    if r.claims.is_empty() {
        w.para(NO_CLAIMS, Font::Regular, BODY);
    } else {
        let pairs: Vec<(String, String)> = r
            .claims
            .lines
            .iter()
            .map(|l| {
                let (kind, counts, amount) = claim_line(l);
                (kind, format!("{counts}; dibayar {amount}"))
            })
            .collect();
        w.pairs(&pairs);
        w.para(CLAIMS_NOTE, Font::Regular, BODY);
    }
    sources(&mut w, r);

    let footer = format!(
        "GN Lingkaran · laporan cakupan {} · {}",
        r.place.name,
        r.period.text("id")
    );
    let title = format!("{TITLE}: {} {}", r.place.name, r.period.text("id"));
    assemble(w.finish(&footer), &title, r.made_on)
}

fn monthly(w: &mut Writer, r: &Report) {
    w.heading(&format!("Per bulan, {}", r.period.text("id")));
    let mut rows: Vec<Row> = r
        .months
        .iter()
        .map(|m| {
            let mut cells = vec![
                format::month(m.month, "id"),
                share(m.share),
                opt_count(m.participants),
                opt_count(m.denominator),
                count(m.sponsored),
                count(m.self_paying),
                count(m.handovers),
            ];
            cells.extend(cycle_cells(m.cycle));
            row(cells)
        })
        .collect();
    let t = r.totals();
    let mut cells = vec![
        "Jumlah".to_string(),
        String::new(),
        String::new(),
        String::new(),
        count(t.sponsored),
        count(t.self_paying),
        count(t.handovers),
    ];
    cells.extend(cycle_cells(t.cycle));
    rows.push(Row { cells, bold: true });
    let rest = (WIDTH - 72.0 - 44.0 - 56.0 - 56.0) / 7.0;
    let mut cols = vec![text_col(72.0), num_col(44.0), num_col(56.0), num_col(56.0)];
    cols.extend([num_col(rest); 7]);
    w.table(
        &cols,
        &[
            "Bulan",
            "Cakupan",
            "Peserta aktif",
            "Penyebut",
            "Dibiayai donatur",
            "Mandiri",
            "Beralih ke mandiri",
            "Disetor ke BPJS",
            "Diterima BPJS",
            "Ditolak BPJS",
            "Belum dijawab",
        ],
        &rows,
    );
    let defs: Vec<String> = {
        let mut d: Vec<String> = r
            .months
            .iter()
            .filter_map(|m| m.definition.clone())
            .collect();
        d.dedup();
        d.iter().map(|c| definition_name(Some(c))).collect()
    };
    w.para(
        &format!(
            "Cakupan = peserta aktif ÷ penyebut pada akhir bulan{}. Dibiayai donatur, mandiri: pekerja yang dilindungi GN Lingkaran dalam bulan itu. Beralih ke mandiri: pekerja. Disetor, diterima, ditolak, belum dijawab: pekerja-bulan.",
            if defs.is_empty() {
                String::new()
            } else {
                format!(" (penyebut: {})", defs.join(", "))
            }
        ),
        Font::Regular,
        7.5,
    );
}

fn by_source(w: &mut Writer, r: &Report) {
    let last = format::month(r.period.to, "id");
    w.heading("Pekerja dilindungi menurut sumber dana");
    let mut rows: Vec<Row> = r
        .source_totals()
        .into_iter()
        .map(|(code, n)| {
            let now = r
                .months
                .last()
                .and_then(|m| m.by_source.iter().find(|(c, _)| *c == code))
                .map_or(0, |(_, n)| *n);
            row(vec![source_name(&code), count(now), count(n)])
        })
        .collect();
    let t = r.totals();
    rows.push(row(vec![
        source_name("self"),
        count(r.months.last().map_or(0, |m| m.self_paying)),
        count(t.self_paying),
    ]));
    rows.push(Row {
        cells: vec![
            "Jumlah".into(),
            count(r.months.last().map_or(0, |m| m.protected())),
            count(t.sponsored + t.self_paying),
        ],
        bold: true,
    });
    let header_now = format!("Pekerja, {last}");
    w.table(
        &[text_col(200.0), num_col(120.0), num_col(140.0)],
        &["Sumber dana", &header_now, "Pekerja-bulan dalam periode"],
        &rows,
    );
}

fn children(w: &mut Writer, r: &Report) {
    if r.children.is_empty() {
        return;
    }
    let level = children_name(r.place.level);
    w.heading(&format!(
        "{level} di {}, {}",
        r.place.name,
        format::month(r.period.to, "id")
    ));
    let rows: Vec<Row> = r
        .children
        .iter()
        .map(|c| {
            let mut cells = vec![
                format!("{} ({})", c.place.name, c.place.code),
                share(c.share),
                opt_count(c.participants),
                opt_count(c.denominator),
                count(c.sponsored),
                count(c.self_paying),
                count(c.handovers),
            ];
            cells.extend(cycle_cells(c.cycle).into_iter().take(3));
            row(cells)
        })
        .collect();
    let rest = (WIDTH - 120.0 - 42.0 - 52.0 - 52.0) / 6.0;
    let mut cols = vec![text_col(120.0), num_col(42.0), num_col(52.0), num_col(52.0)];
    cols.extend([num_col(rest); 6]);
    w.table(
        &cols,
        &[
            level,
            "Cakupan",
            "Peserta aktif",
            "Penyebut",
            "Dibiayai donatur",
            "Mandiri",
            "Beralih ke mandiri",
            "Disetor ke BPJS",
            "Diterima BPJS",
            "Ditolak BPJS",
        ],
        &rows,
    );
    if r.children.iter().all(|c| c.share.is_none()) {
        w.para(
            "BPS tidak menerbitkan angkatan kerja di bawah kabupaten/kota: tanpa penyebut lokal yang diimpor, cakupan wilayah di bawahnya tidak dihitung.",
            Font::Regular,
            7.5,
        );
    }
}

fn budget(w: &mut Writer, r: &Report) {
    w.heading(&format!(
        "Anggaran pemerintah daerah tahun {}",
        r.period.to.year()
    ));
    if r.budget.is_empty() {
        w.para(
            "Belum ada mata anggaran pemerintah di wilayah ini untuk tahun ini.",
            Font::Regular,
            BODY,
        );
        return;
    }
    let rows: Vec<Row> = r
        .budget
        .iter()
        .map(|b| {
            let l = &b.line;
            let realised = u64::try_from(l.funded)
                .ok()
                .zip(u64::try_from(l.ceiling).ok())
                .and_then(|(n, d)| Share::new(n, d));
            row(vec![
                format!("{} · {} {}", l.donor_name, budget_source(&l.source), l.code),
                format::rupiah(l.ceiling),
                format::rupiah(l.funded),
                share(realised),
                format::rupiah(l.remitted),
                format::rupiah(b.remaining),
                b.runway_price
                    .map_or("–".to_string(), |n| format!("{n} bulan")),
                format!(
                    "{}{}",
                    b.funds_until
                        .map_or("–".to_string(), |m| format::month(m, "id")),
                    if b.short_of_year {
                        " (sebelum akhir tahun)"
                    } else {
                        ""
                    }
                ),
            ])
        })
        .collect();
    let money = 62.0;
    w.table(
        &[
            text_col(WIDTH - 4.0 * money - 44.0 - 50.0 - 58.0),
            num_col(money),
            num_col(money),
            num_col(44.0),
            num_col(money),
            num_col(money),
            num_col(50.0),
            text_col(58.0),
        ],
        &[
            "Donatur · mata anggaran",
            "Pagu",
            "Dibayar",
            "Realisasi",
            "Disetor ke BPJS",
            "Sisa",
            "Cukup untuk",
            "Dana cukup sampai",
        ],
        &rows,
    );
    w.para(
        "Realisasi = dibayar ÷ pagu. Sisa = pagu − yang sudah terikat (ditahan dan dibayar). \"Cukup untuk\": bulan tambahan sesudah bulan yang sudah dibayar, pada harga bulan depan.",
        Font::Regular,
        7.5,
    );
}

fn sources(w: &mut Writer, r: &Report) {
    if r.coverage.figures.is_empty() {
        return;
    }
    w.heading("Sumber angka");
    let rows: Vec<Row> = r
        .coverage
        .figures
        .iter()
        .map(|f| {
            let value = if f.measure == "target_persen" || f.measure == "persen" {
                percent(
                    u32::try_from(f.value)
                        .ok()
                        .and_then(Percent::from_ten_thousandths),
                )
            } else {
                count(u64::try_from(f.value).unwrap_or(0))
            };
            row(vec![
                f.region_code.clone(),
                measure_name(&f.measure).to_string(),
                value,
                if f.definition.is_empty() {
                    "–".into()
                } else {
                    definition_name(Some(&f.definition))
                },
                format::date(f.on_date, "id"),
                f.source.clone(),
            ])
        })
        .collect();
    w.table(
        &[
            text_col(50.0),
            text_col(70.0),
            num_col(60.0),
            text_col(75.0),
            text_col(70.0),
            text_col(WIDTH - 325.0),
        ],
        &[
            "Wilayah", "Ukuran", "Nilai", "Definisi", "Tanggal", "Sumber",
        ],
        &rows,
    );
}

/// The file: the catalog, the page tree, each page and its content, the two fonts (named,
/// not embedded) and the document's information.
fn assemble(pages: Vec<Content>, title: &str, made_on: chrono::NaiveDate) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let ids: Vec<(Ref, Ref)> = (0..pages.len())
        .map(|i| {
            let n = i32::try_from(i).unwrap_or(i32::MAX / 2 - 6);
            (Ref::new(6 + 2 * n), Ref::new(7 + 2 * n))
        })
        .collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(ids.len()).unwrap_or(i32::MAX));
    for ((page_id, content_id), content) in ids.iter().zip(pages) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(*content_id);
        page.resources()
            .fonts()
            .pair(Font::Regular.name(), regular)
            .pair(Font::Bold.name(), bold);
        page.finish();
        pdf.stream(*content_id, &content.finish());
    }
    for (id, name) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .author(TextStr("GN Lingkaran"))
        .producer(TextStr("Lingkaran"))
        .creation_date(
            Date::new(u16::try_from(made_on.year()).unwrap_or(0))
                .month(u8::try_from(made_on.month()).unwrap_or(1))
                .day(u8::try_from(made_on.day()).unwrap_or(1)),
        );
    pdf.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_letters_are_win_ansi() {
        assert_eq!(encode("Rp 16.800 – 40,82%"), b"Rp 16.800 \x96 40,82%");
        assert_eq!(encode("é÷·"), b"\xE9\xF7\xB7");
        assert_eq!(encode("中"), b"?");
    }

    #[test]
    fn widths_follow_the_metrics() {
        // Helvetica: digits 556, the comma 278, the percent sign 889 thousandths.
        let w = width("40,82%", Font::Regular, 10.0);
        assert!((w - (4.0 * 5.56 + 2.78 + 8.89)).abs() < 0.001, "{w}");
        assert!(width("Gresik", Font::Bold, 10.0) > width("Gresik", Font::Regular, 10.0));
    }

    #[test]
    fn text_wraps_at_spaces_and_inside_long_words() {
        let lines = wrap("Kabupaten Gresik Jawa Timur", Font::Regular, 10.0, 60.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, Font::Regular, 10.0) <= 60.0));
        let long = wrap(&"9".repeat(40), Font::Regular, 10.0, 50.0);
        assert!(long.len() > 1);
        assert_eq!(long.concat(), "9".repeat(40));
        assert_eq!(wrap("", Font::Regular, 10.0, 50.0), vec![String::new()]);
    }
}
