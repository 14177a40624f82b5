//! Charts drawn into a PDF as vector shapes: columns over labelled months and bars per named
//! region, each mark with its number written beside it (a printed chart has no hover). The
//! axis' round top ([`nice_top`]) is the web's charts' too (`web::chart`), so a page and its
//! PDF draw the same scale.
//!
//! Why not an SVG converted into the PDF: `svg2pdf` 0.13 writes with `pdf-writer` 0.12 while
//! our documents use 0.15 (two PDF writers, and their objects cannot be mixed), and `usvg`
//! alone turns text into outlines only with a font file, which the documents do not ship
//! (`pdfdoc`: the standard Helvetica). The shapes here are the few a chart needs.

use super::pdfdoc::{shorten, width, Font, Writer, MARGIN, WIDTH};

/// A round top for an axis: 1, 2, 2.5 or 5 times a power of ten, at least `max`.
pub fn nice_top(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= max {
            return m * p;
        }
    }
    10.0 * p
}

/// The charts' blue (#0b5cad), as the web's.
const BLUE: (f32, f32, f32) = (0.043, 0.361, 0.678);
const LABEL_SIZE: f32 = 6.5;

/// Vertical columns, one per label (months), `height` points tall, with the title above.
pub(super) fn columns(w: &mut Writer, title: &str, labels: &[String], values: &[i64], height: f32) {
    let n = labels.len().min(values.len());
    if n == 0 {
        return;
    }
    w.room(height + 40.0);
    w.para(title, Font::Bold, 9.0);
    let top = nice_top(values.iter().take(n).copied().max().unwrap_or(0) as f64);
    let axis_w = 44.0;
    let (x0, base) = (MARGIN + axis_w, w.y - height - 4.0);
    let plot_w = WIDTH - axis_w;
    let slot = plot_w / n as f32;
    let bar = (slot * 0.7).min(28.0);
    // The axis: a line at the base and at the top, with the top's number.
    w.page
        .set_stroke_gray(0.6)
        .set_line_width(0.4)
        .move_to(x0, base)
        .line_to(x0 + plot_w, base)
        .stroke()
        .set_stroke_gray(0.85)
        .move_to(x0, base + height - 12.0)
        .line_to(x0 + plot_w, base + height - 12.0)
        .stroke();
    let top_text = lingkaran_domain::format::count(top as u64);
    let tw = width(&top_text, Font::Regular, LABEL_SIZE);
    w.show(
        x0 - 4.0 - tw,
        base + height - 14.0,
        &top_text,
        Font::Regular,
        LABEL_SIZE,
    );
    w.show(
        x0 - 4.0 - width("0", Font::Regular, LABEL_SIZE),
        base - 2.0,
        "0",
        Font::Regular,
        LABEL_SIZE,
    );
    let scale = (height - 12.0) / top as f32;
    // A label under every column when they fit, else under every few.
    let every = (n as f32 * 34.0 / plot_w).ceil().max(1.0) as usize;
    for (i, (label, value)) in labels.iter().zip(values).take(n).enumerate() {
        let cx = x0 + slot * (i as f32 + 0.5);
        let h = (*value).max(0) as f32 * scale;
        w.page
            .set_fill_rgb(BLUE.0, BLUE.1, BLUE.2)
            .rect(cx - bar / 2.0, base, bar, h)
            .fill_nonzero()
            .set_fill_gray(0.0);
        if n <= 24 {
            let v = lingkaran_domain::format::count((*value).max(0).unsigned_abs());
            let vw = width(&v, Font::Regular, LABEL_SIZE);
            w.show(cx - vw / 2.0, base + h + 2.0, &v, Font::Regular, LABEL_SIZE);
        }
        if i % every == 0 {
            let lw = width(label, Font::Regular, LABEL_SIZE);
            w.show(cx - lw / 2.0, base - 9.0, label, Font::Regular, LABEL_SIZE);
        }
    }
    w.y = base - 16.0;
}

/// Horizontal bars, one per named row, the longest filling the width, each with its text.
pub(super) fn bars(w: &mut Writer, title: &str, rows: &[(String, i64, String)]) {
    if rows.is_empty() {
        return;
    }
    const ROW: f32 = 13.0;
    const LABEL_W: f32 = 150.0;
    const TEXT_W: f32 = 90.0;
    w.room(ROW * rows.len().min(8) as f32 + 24.0);
    w.para(title, Font::Bold, 9.0);
    let top = nice_top(rows.iter().map(|r| r.1).max().unwrap_or(0) as f64);
    let plot_w = WIDTH - LABEL_W - TEXT_W;
    for (label, value, text) in rows {
        w.room(ROW);
        let y = w.y - ROW;
        let shown = shorten(label, Font::Regular, LABEL_SIZE + 0.5, LABEL_W - 6.0);
        let lw = width(&shown, Font::Regular, LABEL_SIZE + 0.5);
        w.show(
            MARGIN + LABEL_W - 6.0 - lw,
            y + 3.0,
            &shown,
            Font::Regular,
            LABEL_SIZE + 0.5,
        );
        let len = ((*value).max(0) as f64 / top * f64::from(plot_w)) as f32;
        w.page
            .set_fill_rgb(BLUE.0, BLUE.1, BLUE.2)
            .rect(MARGIN + LABEL_W, y + 1.5, len.max(0.5), ROW - 4.0)
            .fill_nonzero()
            .set_fill_gray(0.0);
        w.show(
            MARGIN + LABEL_W + len + 4.0,
            y + 3.0,
            text,
            Font::Regular,
            LABEL_SIZE + 0.5,
        );
        w.y = y;
    }
    w.space(8.0);
}

#[cfg(test)]
mod tests {
    use super::nice_top;

    #[test]
    fn the_axis_top_is_round_and_above_the_data() {
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(41.0), 50.0);
        assert_eq!(nice_top(52.69), 100.0);
        assert_eq!(nice_top(7.0), 10.0);
        assert_eq!(nice_top(1800.0), 2000.0);
        assert_eq!(nice_top(2100.0), 2500.0);
        assert_eq!(nice_top(f64::NAN), 1.0);
    }
}
