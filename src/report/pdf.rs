//! The regional report as an A4 portrait PDF: the title, region, period and the day it was
//! made; the coverage with its numerator, denominator and definition, the target and the
//! gap; then tables by month, by region below, by funding source, the budget lines, the
//! remittances, claims and the figures' sources. Numbers as Indonesians write them
//! (`Rp 16.800`, `40,82%`, `23 Desember 2022`, `lingkaran_domain::format`).
//!
//! The page machinery (fonts, text widths, wrapping, tables, the file) is `super::pdfdoc`,
//! shared with the receipts (`super::receipt`).

use super::pdfdoc::{assemble, num_col, row, text_col, Font, Row, Writer, BODY, WIDTH};
use super::{budget_source, children_name, definition_name, measure_name, source_name};
use super::{claim_line, CLAIMS_NOTE, NO_CLAIMS, TITLE};
use crate::usecase::region_report::{Cycle, Report};
use lingkaran_domain::format;
use lingkaran_domain::share::{Percent, Share};

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
