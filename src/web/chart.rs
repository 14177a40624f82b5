//! Charts drawn on the server as inline SVG: the pages' CSP forbids scripts, and an SVG
//! scales to a phone's width by itself. Each chart has a title and a description for screen
//! readers, a `<title>` on every mark (the browser shows it on hover), and the page puts the
//! same numbers in a table beside it.

use crate::report::chart::nice_top;
use maud::{html, Markup, PreEscaped};

/// A line over labelled points (months), with an optional target line.
pub struct Line<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// One label per point, shown under every `label_every`-th point.
    pub labels: &'a [String],
    pub label_every: usize,
    /// The values; `None` leaves a gap.
    pub values: &'a [Option<f64>],
    /// What each point says on hover.
    pub tips: &'a [String],
    /// A horizontal line, with its words.
    pub target: Option<(f64, String)>,
    /// The y axis' words for a value.
    pub y_text: &'a dyn Fn(f64) -> String,
}

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

fn n(x: f64) -> String {
    format!("{x:.1}")
}

pub fn line(c: &Line) -> Markup {
    let count = c.values.len().max(1);
    let top_value = c
        .values
        .iter()
        .flatten()
        .copied()
        .chain(c.target.as_ref().map(|(t, _)| *t))
        .fold(0.0f64, f64::max);
    let top = nice_top(top_value * 1.05);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| {
        if count == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (count - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - (v / top).clamp(0.0, 1.0));
    // The path breaks where a value is missing.
    let mut d = String::new();
    let mut pen_down = false;
    for (i, v) in c.values.iter().enumerate() {
        match v {
            Some(v) => {
                d.push_str(&format!(
                    "{}{},{} ",
                    if pen_down { "L" } else { "M" },
                    n(x(i)),
                    n(y(*v))
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let title_id = format!("{}-judul", c.id);
    let desc_id = format!("{}-ket", c.id);
    html! {
        svg id=(c.id) class="chart" viewBox=(format!("0 0 {W} {H}")) role="img"
            aria-labelledby=(format!("{title_id} {desc_id}")) xmlns="http://www.w3.org/2000/svg" {
            title id=(title_id) { (c.title) }
            desc id=(desc_id) { (c.description) }
            @for k in 0..=4 {
                @let v = top * f64::from(k) / 4.0;
                line x1=(n(LEFT)) x2=(n(W - RIGHT)) y1=(n(y(v))) y2=(n(y(v))) stroke="#d5dae3" {}
                text x=(n(LEFT - 6.0)) y=(n(y(v) + 4.0)) text-anchor="end" font-size="12" fill="#5b6475" { ((c.y_text)(v)) }
            }
            @for (i, label) in c.labels.iter().enumerate() {
                @if c.label_every > 0 && (i % c.label_every == 0 || i + 1 == c.labels.len()) {
                    @let anchor = if i == 0 { "start" } else if i + 1 == c.labels.len() { "end" } else { "middle" };
                    text x=(n(x(i))) y=(n(H - BOTTOM + 18.0)) text-anchor=(anchor) font-size="12" fill="#5b6475" { (label) }
                }
            }
            @if let Some((t, words)) = &c.target {
                line class="target" x1=(n(LEFT)) x2=(n(W - RIGHT)) y1=(n(y(*t))) y2=(n(y(*t)))
                    stroke="#8a5a00" stroke-width="2" stroke-dasharray="6 4" { title { (words) } }
                text x=(n(W - RIGHT)) y=(n(y(*t) - 6.0)) text-anchor="end" font-size="12" fill="#8a5a00" { (words) }
            }
            @if !d.is_empty() {
                path class="trend" d=(d.trim_end()) fill="none" stroke="#0b5cad" stroke-width="2.5" {}
            }
            @for (i, v) in c.values.iter().enumerate() {
                @if let Some(v) = v {
                    circle class="point" cx=(n(x(i))) cy=(n(y(*v))) r="3.5" fill="#0b5cad" {
                        title { (c.tips.get(i).map_or("", String::as_str)) }
                    }
                }
            }
        }
    }
}

/// One bar: its label, its value and the words beside it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// Horizontal bars, one per row, longest value the full width.
pub fn bars(id: &str, title: &str, description: &str, rows: &[Bar]) -> Markup {
    const BW: f64 = 640.0;
    const ROW: f64 = 26.0;
    const LABEL: f64 = 170.0;
    const VALUE: f64 = 170.0;
    let h = ROW * rows.len().max(1) as f64 + 8.0;
    let max = rows.iter().map(|r| r.value).fold(0.0f64, f64::max);
    let width = |v: f64| {
        if max <= 0.0 {
            0.0
        } else {
            (BW - LABEL - VALUE) * (v / max).clamp(0.0, 1.0)
        }
    };
    let title_id = format!("{id}-judul");
    let desc_id = format!("{id}-ket");
    html! {
        svg id=(id) class="chart" viewBox=(format!("0 0 {BW} {}", n(h))) role="img"
            aria-labelledby=(format!("{title_id} {desc_id}")) xmlns="http://www.w3.org/2000/svg" {
            title id=(title_id) { (title) }
            desc id=(desc_id) { (description) }
            @for (i, r) in rows.iter().enumerate() {
                @let y0 = 4.0 + ROW * i as f64;
                g class="bar" {
                    title { (r.label) ": " (r.text) }
                    text x=(n(LABEL - 6.0)) y=(n(y0 + 16.0)) text-anchor="end" font-size="12" fill="#1d2433" { (short(&r.label, 22)) }
                    rect x=(n(LABEL)) y=(n(y0 + 4.0)) width=(n(width(r.value))) height="16" fill="#0b5cad" rx="2" {}
                    text x=(n(LABEL + width(r.value) + 6.0)) y=(n(y0 + 16.0)) font-size="12" fill="#1d2433" { (r.text) }
                }
            }
        }
    }
}

/// A label cut to `max` characters, with an ellipsis (the full one is in the bar's title).
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// The style the charts need on a page.
pub fn style() -> Markup {
    html! { style { (PreEscaped(".chart{width:100%;height:auto;max-width:48rem;display:block;background:#fff;border:1px solid var(--line);border-radius:6px;margin:0 0 .5rem}")) } }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_month_breaks_the_line_and_marks_have_tips() {
        let labels: Vec<String> = ["Jan", "Feb", "Mar", "Apr"].map(String::from).to_vec();
        let tips: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let values = [Some(10.0), None, Some(20.0), Some(30.0)];
        let y = |v: f64| format!("{v:.0}%");
        let svg = line(&Line {
            id: "t",
            title: "Tren",
            description: "uji",
            labels: &labels,
            label_every: 1,
            values: &values,
            tips: &tips,
            target: Some((40.0, "Target 40%".into())),
            y_text: &y,
        })
        .into_string();
        // Two runs: M at the first point, M again after the gap.
        let path = svg.split("class=\"trend\" d=\"").nth(1).unwrap();
        let path = path.split('"').next().unwrap();
        assert_eq!(path.matches('M').count(), 2, "{path}");
        assert_eq!(svg.matches("class=\"point\"").count(), 3);
        assert!(svg.contains("<title>d</title>"));
        assert!(svg.contains("Target 40%"));
    }

    #[test]
    fn bars_scale_to_the_longest_and_long_names_are_cut() {
        let svg = bars(
            "b",
            "Per kecamatan",
            "uji",
            &[
                Bar {
                    label: "Kecamatan Dengan Nama Yang Sangat Panjang".into(),
                    value: 10.0,
                    text: "10".into(),
                },
                Bar {
                    label: "Kebomas".into(),
                    value: 5.0,
                    text: "5".into(),
                },
            ],
        )
        .into_string();
        assert!(
            svg.contains("width=\"300.0\""),
            "the longest bar fills the width"
        );
        assert!(svg.contains("width=\"150.0\""));
        assert!(svg.contains(">Kecamatan Dengan Nama…<"));
        assert!(svg.contains("<title>Kecamatan Dengan Nama Yang Sangat Panjang: 10</title>"));
    }
}
