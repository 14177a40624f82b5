//! What the PDF documents share (the regional report, `super::pdf`, and the receipts,
//! `super::receipt`): A4 pages, the two standard fonts with their widths, text wrapped to a
//! width, label–value pairs and tables that break pages and repeat their header, and the file.
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
//! The receipts keep the same fonts: Helvetica in WinAnsiEncoding holds every letter of
//! Indonesian names and addresses (and of most Latin-script names), so embedding a font
//! file (DejaVu Sans, 750 kB before subsetting) would buy only other scripts; a character
//! outside WinAnsi prints as `?`.

use super::helvetica::{HELVETICA, HELVETICA_BOLD};
use chrono::Datelike;
use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const MARGIN: f32 = 40.0;
pub(super) const TOP: f32 = PAGE_H - MARGIN;
/// The lowest a line of the body may reach; the footer is below it.
pub(super) const BOTTOM: f32 = MARGIN + 16.0;
pub(super) const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
/// The size of the tables' text.
pub(super) const SMALL: f32 = 7.5;
pub(super) const BODY: f32 = 9.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Font {
    Regular,
    Bold,
}

impl Font {
    pub(super) fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    pub(super) fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        }
    }
}

/// A character's code in WinAnsiEncoding (Windows-1252), if it has one.
pub(super) fn win_ansi(c: char) -> Option<u8> {
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
pub(super) fn encode(s: &str) -> Vec<u8> {
    s.chars().map(|c| win_ansi(c).unwrap_or(b'?')).collect()
}

/// How wide `s` runs in `font` at `size`, in points.
pub(super) fn width(s: &str, font: Font, size: f32) -> f32 {
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
pub(super) fn wrap(s: &str, font: Font, size: f32, max: f32) -> Vec<String> {
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

/// `s` cut to fit `max` points, with an ellipsis when it was cut.
pub(super) fn shorten(s: &str, font: Font, size: f32, max: f32) -> String {
    if width(s, font, size) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let mut longer = out.clone();
        longer.push(c);
        longer.push('…');
        if width(&longer, font, size) > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A table's column: its width in points, and whether its text is aligned right (numbers).
#[derive(Debug, Clone, Copy)]
pub(super) struct Col {
    pub(super) width: f32,
    pub(super) right: bool,
}

pub(super) const fn text_col(width: f32) -> Col {
    Col {
        width,
        right: false,
    }
}

pub(super) const fn num_col(width: f32) -> Col {
    Col { width, right: true }
}

pub(super) struct Row {
    pub(super) cells: Vec<String>,
    pub(super) bold: bool,
}

pub(super) fn row(cells: Vec<String>) -> Row {
    Row { cells, bold: false }
}

/// Pages being written, top to bottom.
pub(super) struct Writer {
    done: Vec<Content>,
    pub(super) page: Content,
    pub(super) y: f32,
}

impl Writer {
    pub(super) fn new() -> Writer {
        Writer {
            done: Vec::new(),
            page: Content::new(),
            y: TOP,
        }
    }

    pub(super) fn break_page(&mut self) {
        let full = std::mem::replace(&mut self.page, Content::new());
        self.done.push(full);
        self.y = TOP;
    }

    /// A new page unless `h` more points fit on this one.
    pub(super) fn room(&mut self, h: f32) {
        if self.y - h < BOTTOM && self.y < TOP {
            self.break_page();
        }
    }

    pub(super) fn show(&mut self, x: f32, baseline: f32, s: &str, font: Font, size: f32) {
        self.page
            .begin_text()
            .set_font(font.name(), size)
            .next_line(x, baseline)
            .show(Str(&encode(s)))
            .end_text();
    }

    pub(super) fn space(&mut self, h: f32) {
        self.y -= h;
    }

    /// Lines of text across the page.
    pub(super) fn para(&mut self, s: &str, font: Font, size: f32) {
        let lead = size * 1.3;
        for line in wrap(s, font, size, WIDTH) {
            self.room(lead);
            self.show(MARGIN, self.y - size, &line, font, size);
            self.y -= lead;
        }
    }

    /// The programme's letterhead, with a rule under it: the receipts' and the statements'.
    pub(super) fn letterhead(&mut self) {
        use crate::usecase::receipts::{INSURER, PROGRAMME};
        self.para(PROGRAMME, Font::Bold, 12.0);
        self.para(
            &format!("Program perlindungan pekerja rentan bersama {INSURER} (JKK dan JKM)"),
            Font::Regular,
            BODY,
        );
        self.space(4.0);
        let rule = self.y;
        self.page
            .set_stroke_gray(0.3)
            .set_line_width(1.0)
            .move_to(MARGIN, rule)
            .line_to(MARGIN + WIDTH, rule)
            .stroke();
        self.space(10.0);
    }

    /// A section's heading, kept with at least a few lines after it.
    pub(super) fn heading(&mut self, s: &str) {
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
    pub(super) fn cells(
        &mut self,
        x0: f32,
        cols: &[Col],
        cells: &[Vec<String>],
        font: Font,
        height: f32,
        size: f32,
    ) {
        const PAD: f32 = 2.5;
        let lead = size * 1.25;
        let mut x = x0;
        for (col, lines) in cols.iter().zip(cells) {
            for (i, line) in lines.iter().enumerate() {
                let baseline = self.y - PAD - size * 0.95 - i as f32 * lead;
                let left = if col.right {
                    x + col.width - PAD - width(line, font, size)
                } else {
                    x + PAD
                };
                self.show(left, baseline, line, font, size);
            }
            x += col.width;
        }
        self.y -= height;
    }

    pub(super) fn wrapped(
        cols: &[Col],
        cells: &[String],
        font: Font,
        size: f32,
    ) -> (Vec<Vec<String>>, f32) {
        let lines: Vec<Vec<String>> = cols
            .iter()
            .zip(cells)
            .map(|(c, s)| wrap(s, font, size, c.width - 5.0))
            .collect();
        let most = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (lines, most as f32 * size * 1.25 + 5.0)
    }

    pub(super) fn table_header(&mut self, cols: &[Col], header: &[&str]) {
        let owned: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        let (lines, h) = Writer::wrapped(cols, &owned, Font::Bold, SMALL);
        let total: f32 = cols.iter().map(|c| c.width).sum();
        self.page
            .set_fill_gray(0.9)
            .rect(MARGIN, self.y - h, total, h)
            .fill_nonzero()
            .set_fill_gray(0.0);
        self.cells(MARGIN, cols, &lines, Font::Bold, h, SMALL);
    }

    /// A table: its header, then its rows, each page it spans starting with the header.
    pub(super) fn table(&mut self, cols: &[Col], header: &[&str], rows: &[Row]) {
        let total: f32 = cols.iter().map(|c| c.width).sum();
        let (_, header_h) = Writer::wrapped(
            cols,
            &header.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            Font::Bold,
            SMALL,
        );
        self.room(header_h + SMALL * 3.0);
        self.table_header(cols, header);
        for r in rows {
            let font = if r.bold { Font::Bold } else { Font::Regular };
            let (lines, h) = Writer::wrapped(cols, &r.cells, font, SMALL);
            if self.y - h < BOTTOM {
                self.break_page();
                self.table_header(cols, header);
            }
            self.cells(MARGIN, cols, &lines, font, h, SMALL);
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
    pub(super) fn pairs(&mut self, pairs: &[(String, String)]) {
        self.pairs_sized(pairs, 170.0, SMALL);
    }

    /// [`Writer::pairs`] with the labels' column `key_width` wide and the text at `size`.
    pub(super) fn pairs_sized(&mut self, pairs: &[(String, String)], key_width: f32, size: f32) {
        let key = [text_col(key_width)];
        let value = [text_col(WIDTH - key_width)];
        for (k, v) in pairs {
            let (k_lines, k_h) = Writer::wrapped(&key, std::slice::from_ref(k), Font::Bold, size);
            let (v_lines, v_h) =
                Writer::wrapped(&value, std::slice::from_ref(v), Font::Regular, size);
            let h = k_h.max(v_h);
            self.room(h);
            let top = self.y;
            self.cells(MARGIN, &key, &k_lines, Font::Bold, h, size);
            self.y = top;
            self.cells(MARGIN + key_width, &value, &v_lines, Font::Regular, h, size);
        }
        self.space(4.0);
    }

    /// The pages, each with its footer: what the report is, and the page's number.
    pub(super) fn finish(mut self, footer: &str) -> Vec<Content> {
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

/// The file: the catalog, the page tree, each page and its content, the two fonts (named,
/// not embedded) and the document's information.
pub(super) fn assemble(pages: Vec<Content>, title: &str, made_on: chrono::NaiveDate) -> Vec<u8> {
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
