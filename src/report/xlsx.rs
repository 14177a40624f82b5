//! The regional report as an XLSX workbook (rust_xlsxwriter): sheets `Ringkasan` (summary),
//! `Bulanan` (each month), `Wilayah` (the children in the last month) and `Anggaran` (the
//! budget lines). Headers are Indonesian; counts and rupiah are numbers (`#,##0`), percentages
//! numbers with 2 decimals (`40.82` is 40,82%), each beside its numerator and denominator and
//! the denominator's definition, so that a reader can check and recompute every share.
//! Text cells are written as strings, never as formulas.

use super::{
    budget_source, children_name, claim_line, definition_name, measure_name, source_name,
    CLAIMS_NOTE, NO_CLAIMS, TITLE,
};
use crate::usecase::region_report::{Cycle, Report};
use lingkaran_domain::format;
use lingkaran_domain::share::{Percent, Share};
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

/// A cell's value and how it reads.
pub(super) enum Cell {
    Text(String),
    Bold(String),
    /// People or worker-months.
    Count(u64),
    /// A number read as it is, without thousands separators (a year).
    Plain(i64),
    /// Whole rupiah.
    Rupiah(i64),
    /// A percentage in hundredths (4082 is 40,82%), written as 40.82.
    Hundredths(u64),
    /// Percentage points in ten-thousandths, written with 4 decimals.
    Points(u64),
    Blank,
}

pub(super) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_count(n: Option<u64>) -> Cell {
    n.map_or(Cell::Blank, Cell::Count)
}

fn share(s: Option<Share>) -> Cell {
    s.map_or(Cell::Blank, |s| Cell::Hundredths(s.hundredths()))
}

fn percent(p: Option<Percent>) -> Cell {
    p.map_or(Cell::Blank, |p| Cell::Hundredths(p.hundredths()))
}

pub(super) struct Formats {
    bold: Format,
    title: Format,
    header: Format,
    count: Format,
    rupiah: Format,
    percent: Format,
    points: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        Formats {
            bold: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0xE8E8E8),
            count: Format::new().set_num_format("#,##0"),
            rupiah: Format::new().set_num_format("#,##0"),
            percent: Format::new().set_num_format("0.00"),
            points: Format::new().set_num_format("0.0000"),
        }
    }
}

/// Writes rows one after another on a sheet.
pub(super) struct Sheet<'a> {
    ws: &'a mut Worksheet,
    f: &'a Formats,
    row: u32,
}

impl<'a> Sheet<'a> {
    pub(super) fn new(
        ws: &'a mut Worksheet,
        f: &'a Formats,
        widths: &[f64],
    ) -> Result<Sheet<'a>, XlsxError> {
        for (i, w) in widths.iter().enumerate() {
            ws.set_column_width(col(i), *w)?;
        }
        Ok(Sheet { ws, f, row: 0 })
    }

    pub(super) fn title(&mut self, s: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(self.row, 0, s, &self.f.title)?;
        self.row += 1;
        Ok(())
    }

    pub(super) fn header(&mut self, names: &[&str]) -> Result<(), XlsxError> {
        for (i, n) in names.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, col(i), *n, &self.f.header)?;
        }
        self.row += 1;
        Ok(())
    }

    pub(super) fn line(&mut self, cells: Vec<Cell>) -> Result<(), XlsxError> {
        let (r, f) = (self.row, self.f);
        for (i, c) in cells.into_iter().enumerate() {
            let c_ = col(i);
            match c {
                Cell::Text(s) => {
                    self.ws.write_string(r, c_, s)?;
                }
                Cell::Bold(s) => {
                    self.ws.write_string_with_format(r, c_, s, &f.bold)?;
                }
                Cell::Count(n) => {
                    self.ws
                        .write_number_with_format(r, c_, n as f64, &f.count)?;
                }
                Cell::Plain(n) => {
                    self.ws.write_number(r, c_, n as f64)?;
                }
                Cell::Rupiah(n) => {
                    self.ws
                        .write_number_with_format(r, c_, n as f64, &f.rupiah)?;
                }
                Cell::Hundredths(h) => {
                    self.ws
                        .write_number_with_format(r, c_, h as f64 / 100.0, &f.percent)?;
                }
                Cell::Points(p) => {
                    self.ws
                        .write_number_with_format(r, c_, p as f64 / 10_000.0, &f.points)?;
                }
                Cell::Blank => {}
            }
        }
        self.row += 1;
        Ok(())
    }

    pub(super) fn skip(&mut self) {
        self.row += 1;
    }
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// The workbook's bytes.
pub fn write(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{TITLE}: {} {}", r.place.name, r.period.text("id")))
            .set_author("GN Lingkaran")
            .set_company("GN Lingkaran"),
    );
    let f = Formats::new();
    summary(wb.add_worksheet().set_name("Ringkasan")?, &f, r)?;
    monthly(wb.add_worksheet().set_name("Bulanan")?, &f, r)?;
    children(wb.add_worksheet().set_name("Wilayah")?, &f, r)?;
    budget(wb.add_worksheet().set_name("Anggaran")?, &f, r)?;
    wb.save_to_buffer()
}

fn summary(ws: &mut Worksheet, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let mut s = Sheet::new(ws, f, &[44.0, 16.0, 14.0, 14.0, 22.0, 50.0])?;
    s.title(TITLE)?;
    s.line(vec![text(
        "Untuk rapat UCJ (cakupan jaminan sosial ketenagakerjaan)",
    )])?;
    s.skip();
    let a = &r.coverage.assessment;
    for (k, v) in [
        ("Wilayah", r.place.name.clone()),
        ("Kode wilayah", r.place.code.clone()),
        ("Periode", r.period.text("id")),
        ("Bulan awal", r.period.from.to_string()),
        ("Bulan akhir", r.period.to.to_string()),
        ("Keadaan pada", format::date(r.day, "id")),
        ("Dibuat pada", format::date(r.made_on, "id")),
    ] {
        s.line(vec![Cell::Bold(k.into()), text(v)])?;
    }
    s.skip();
    s.line(vec![Cell::Bold(format!(
        "Cakupan pada {}",
        format::date(r.day, "id")
    ))])?;
    s.header(&[
        "Ukuran",
        "Nilai",
        "Pembilang",
        "Penyebut",
        "Definisi penyebut",
        "Keterangan",
    ])?;
    let def = definition_name(a.definition.as_deref());
    let origin = if r.coverage.summed_children > 0 {
        format!(
            "jumlah {} wilayah di bawahnya, satu definisi penyebut",
            r.coverage.summed_children
        )
    } else {
        "angka wilayah sendiri".to_string()
    };
    s.line(vec![
        text("Cakupan kepesertaan (%)"),
        share(a.share),
        opt_count(a.participants),
        opt_count(a.denominator),
        text(def.clone()),
        text(format!("peserta aktif ÷ penyebut; {origin}")),
    ])?;
    s.line(vec![
        text("Peserta aktif BPJS Ketenagakerjaan"),
        opt_count(a.participants),
    ])?;
    s.line(vec![
        text("Penyebut"),
        opt_count(a.denominator),
        Cell::Blank,
        Cell::Blank,
        text(def.clone()),
    ])?;
    s.line(vec![
        text("Target (%)"),
        percent(a.target),
        opt_count(a.target_people),
        opt_count(a.denominator),
        text(def.clone()),
        text("target orang ÷ penyebut"),
    ])?;
    s.line(vec![text("Target (orang)"), opt_count(a.target_people)])?;
    s.line(vec![
        text("Kekurangan menuju target (orang)"),
        opt_count(a.gap),
    ])?;
    let protected = r.coverage.sponsored.total + r.coverage.sponsored.self_paying;
    s.line(vec![
        text("Tambahan poin cakupan dari GN Lingkaran"),
        r.coverage.points_added.map_or(Cell::Blank, Cell::Points),
        Cell::Count(protected),
        opt_count(a.denominator),
        text(def),
        text("pekerja dilindungi GN Lingkaran ÷ penyebut"),
    ])?;
    s.skip();

    let last = format::month(r.period.to, "id");
    s.line(vec![Cell::Bold(format!("GN Lingkaran pada {last}"))])?;
    s.line(vec![text("Pekerja dilindungi"), Cell::Count(protected)])?;
    s.line(vec![
        text("Dibiayai donatur"),
        Cell::Count(r.coverage.sponsored.total),
    ])?;
    for (code, n) in &r.coverage.sponsored.by_source {
        s.line(vec![
            text(format!("  dibiayai {}", source_name(code))),
            Cell::Count(*n),
        ])?;
    }
    s.line(vec![
        text("Membayar sendiri (mandiri)"),
        Cell::Count(r.coverage.sponsored.self_paying),
    ])?;
    s.skip();

    let t = r.totals();
    s.line(vec![Cell::Bold(format!(
        "Jumlah dalam periode {}",
        r.period.text("id")
    ))])?;
    for (k, n) in [
        ("Pekerja-bulan dibiayai donatur", t.sponsored),
        ("Pekerja-bulan membayar sendiri", t.self_paying),
        ("Beralih ke mandiri (pekerja)", t.handovers),
        ("Pekerja-bulan disetor ke BPJS", t.cycle.remitted),
        ("Diterima BPJS (pekerja-bulan)", t.cycle.accepted),
        ("Ditolak BPJS (pekerja-bulan)", t.cycle.rejected),
        ("Belum dijawab BPJS (pekerja-bulan)", t.cycle.unanswered()),
    ] {
        s.line(vec![text(k), Cell::Count(n)])?;
    }
    s.skip();
    if r.claims.is_empty() {
        s.line(vec![Cell::Bold("Klaim".into()), text(NO_CLAIMS)])?;
    } else {
        s.line(vec![
            Cell::Bold("Klaim".into()),
            Cell::Bold("Dilaporkan dan dibayar".into()),
            Cell::Bold("Jumlah dibayar".into()),
        ])?;
        for l in &r.claims.lines {
            let (kind, counts, amount) = claim_line(l);
            s.line(vec![text(kind), text(counts), text(amount)])?;
        }
        s.line(vec![text(CLAIMS_NOTE)])?;
    }

    if !a.warnings.is_empty() {
        s.skip();
        s.line(vec![Cell::Bold("Perhatikan".into())])?;
        for w in &a.warnings {
            s.line(vec![text(w.message("id"))])?;
        }
    }
    if !r.segments.is_empty() {
        s.skip();
        s.line(vec![Cell::Bold("Peserta menurut segmen".into())])?;
        s.header(&[
            "Segmen",
            "Porsi dari seluruh peserta (%)",
            "Peserta segmen (pembilang)",
            "Seluruh peserta (penyebut)",
            "Tanggal",
            "Sumber",
        ])?;
        for g in &r.segments {
            s.line(vec![
                text(g.code.clone()),
                share(g.of_all),
                Cell::Count(g.participants),
                opt_count(a.participants),
                text(format::date(g.on, "id")),
                text(g.source.clone()),
            ])?;
        }
    }
    if !r.coverage.figures.is_empty() {
        s.skip();
        s.line(vec![Cell::Bold("Sumber angka".into())])?;
        s.header(&[
            "Ukuran",
            "Nilai",
            "Kode wilayah",
            "Tanggal",
            "Definisi",
            "Sumber",
        ])?;
        for fig in &r.coverage.figures {
            let value = if fig.measure == "target_persen" || fig.measure == "persen" {
                percent(
                    u32::try_from(fig.value)
                        .ok()
                        .and_then(Percent::from_ten_thousandths),
                )
            } else {
                Cell::Count(u64::try_from(fig.value).unwrap_or(0))
            };
            s.line(vec![
                text(measure_name(&fig.measure)),
                value,
                text(fig.region_code.clone()),
                text(format::date(fig.on_date, "id")),
                text(definition_name(
                    Some(fig.definition.as_str()).filter(|d| !d.is_empty()),
                )),
                text(fig.source.clone()),
            ])?;
        }
    }
    Ok(())
}

fn cycle_cells(c: Cycle) -> [Cell; 4] {
    [
        Cell::Count(c.remitted),
        Cell::Count(c.accepted),
        Cell::Count(c.rejected),
        Cell::Count(c.unanswered()),
    ]
}

fn monthly(ws: &mut Worksheet, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let mut widths = vec![10.0, 16.0, 18.0, 11.0, 14.0, 14.0, 18.0, 10.0, 12.0];
    widths.extend(r.sources.iter().map(|_| 14.0));
    widths.extend([12.0, 14.0, 12.0, 12.0, 12.0, 12.0, 12.0]);
    let mut s = Sheet::new(ws, f, &widths)?;
    s.title(&format!(
        "Per bulan: {} ({}), {}",
        r.place.name,
        r.place.code,
        r.period.text("id")
    ))?;
    s.skip();
    let names: Vec<String> = r
        .sources
        .iter()
        .map(|c| format!("Dibiayai {}", source_name(c)))
        .collect();
    let mut header = vec![
        "Bulan",
        "Nama bulan",
        "Keadaan pada",
        "Cakupan (%)",
        "Peserta aktif (pembilang)",
        "Penyebut",
        "Definisi penyebut",
        "Target (%)",
        "Dibiayai donatur",
    ];
    header.extend(names.iter().map(String::as_str));
    header.extend([
        "Mandiri",
        "Dilindungi GN Lingkaran",
        "Beralih ke mandiri",
        "Disetor ke BPJS (pekerja-bulan)",
        "Diterima BPJS",
        "Ditolak BPJS",
        "Belum dijawab",
    ]);
    s.header(&header)?;
    s.ws.set_freeze_panes(s.row, 2)?;
    for m in &r.months {
        let mut cells = vec![
            text(m.month.to_string()),
            text(format::month(m.month, "id")),
            text(format::date(m.day, "id")),
            share(m.share),
            opt_count(m.participants),
            opt_count(m.denominator),
            text(definition_name(m.definition.as_deref())),
            percent(m.target),
            Cell::Count(m.sponsored),
        ];
        for code in &r.sources {
            let n = m
                .by_source
                .iter()
                .find(|(c, _)| c == code)
                .map_or(0, |(_, n)| *n);
            cells.push(Cell::Count(n));
        }
        cells.extend([
            Cell::Count(m.self_paying),
            Cell::Count(m.protected()),
            Cell::Count(m.handovers),
        ]);
        cells.extend(cycle_cells(m.cycle));
        s.line(cells)?;
    }
    let t = r.totals();
    let mut cells = vec![
        Cell::Bold("Jumlah".into()),
        text("pekerja-bulan dalam periode"),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Count(t.sponsored),
    ];
    cells.extend(r.source_totals().into_iter().map(|(_, n)| Cell::Count(n)));
    cells.extend([
        Cell::Count(t.self_paying),
        Cell::Count(t.sponsored + t.self_paying),
        Cell::Count(t.handovers),
    ]);
    cells.extend(cycle_cells(t.cycle));
    s.line(cells)?;
    s.skip();
    s.line(vec![text(
        "Cakupan = peserta aktif ÷ penyebut pada akhir bulan. Dibiayai donatur dan mandiri: pekerja yang dilindungi GN Lingkaran dalam bulan itu. Disetor, diterima, ditolak: pekerja-bulan.",
    )])?;
    Ok(())
}

fn children(ws: &mut Worksheet, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        ws,
        f,
        &[
            14.0, 28.0, 11.0, 14.0, 14.0, 18.0, 12.0, 12.0, 14.0, 12.0, 14.0, 12.0, 12.0, 12.0,
        ],
    )?;
    let level = children_name(r.place.level);
    s.title(&format!(
        "{level} di {}, {}",
        r.place.name,
        format::month(r.period.to, "id")
    ))?;
    s.skip();
    s.header(&[
        "Kode wilayah",
        "Nama",
        "Cakupan (%)",
        "Peserta aktif (pembilang)",
        "Penyebut",
        "Definisi penyebut",
        "Dibiayai donatur",
        "Mandiri",
        "Dilindungi GN Lingkaran",
        "Beralih ke mandiri",
        "Disetor ke BPJS (pekerja-bulan)",
        "Diterima BPJS",
        "Ditolak BPJS",
        "Belum dijawab",
    ])?;
    s.ws.set_freeze_panes(s.row, 2)?;
    for c in &r.children {
        let mut cells = vec![
            text(c.place.code.clone()),
            text(c.place.name.clone()),
            share(c.share),
            opt_count(c.participants),
            opt_count(c.denominator),
            text(definition_name(c.definition.as_deref())),
            Cell::Count(c.sponsored),
            Cell::Count(c.self_paying),
            Cell::Count(c.sponsored + c.self_paying),
            Cell::Count(c.handovers),
        ];
        cells.extend(cycle_cells(c.cycle));
        s.line(cells)?;
    }
    if r.children.is_empty() {
        s.line(vec![text("Tidak ada wilayah di bawahnya.")])?;
    }
    Ok(())
}

fn budget(ws: &mut Worksheet, f: &Formats, r: &Report) -> Result<(), XlsxError> {
    let mut s = Sheet::new(
        ws,
        f,
        &[
            30.0, 12.0, 20.0, 10.0, 12.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 12.0, 12.0, 14.0,
            16.0, 14.0,
        ],
    )?;
    let last = format::month(r.period.to, "id");
    s.title(&format!(
        "Anggaran pemerintah daerah {} tahun {}",
        r.place.name,
        r.period.to.year()
    ))?;
    s.skip();
    let burn = format!("Pemakaian {last} (Rp)");
    let workers = format!("Pekerja {last}");
    s.header(&[
        "Donatur",
        "Sumber dana",
        "Mata anggaran",
        "Tahun anggaran",
        "Realisasi (%)",
        "Dibayar (Rp, pembilang)",
        "Pagu (Rp, penyebut)",
        "Terikat: ditahan dan dibayar (Rp)",
        "Disetor ke BPJS (Rp)",
        "Sisa (Rp)",
        &burn,
        &workers,
        "Cukup untuk (bulan)",
        "Cukup untuk pada harga bulan depan (bulan)",
        "Dana cukup sampai",
        "Habis sebelum akhir tahun",
    ])?;
    for b in &r.budget {
        let l = &b.line;
        let realised = u64::try_from(l.funded)
            .ok()
            .zip(u64::try_from(l.ceiling).ok())
            .and_then(|(n, d)| Share::new(n, d));
        s.line(vec![
            text(l.donor_name.clone()),
            text(budget_source(&l.source)),
            text(l.code.clone()),
            Cell::Plain(l.fiscal_year),
            share(realised),
            Cell::Rupiah(l.funded),
            Cell::Rupiah(l.ceiling),
            Cell::Rupiah(l.committed),
            Cell::Rupiah(l.remitted),
            Cell::Rupiah(b.remaining),
            Cell::Rupiah(l.burn_now),
            Cell::Count(u64::try_from(l.workers_now).unwrap_or(0)),
            b.runway_now
                .map_or(Cell::Blank, |n| Cell::Count(u64::from(n))),
            b.runway_price
                .map_or(Cell::Blank, |n| Cell::Count(u64::from(n))),
            b.funds_until
                .map_or(Cell::Blank, |m| text(format::month(m, "id"))),
            text(if b.short_of_year { "ya" } else { "tidak" }),
        ])?;
    }
    if r.budget.is_empty() {
        s.line(vec![text(
            "Belum ada mata anggaran pemerintah di wilayah ini untuk tahun ini.",
        )])?;
    }
    s.skip();
    s.line(vec![text(
        "Realisasi = dibayar ÷ pagu. Sisa = pagu − terikat. \"Cukup untuk\": bulan tambahan sesudah bulan yang sudah dibayar.",
    )])?;
    Ok(())
}
