//! A donor's statement (laporan donasi) and CSR report (`usecase::donor_statement`) as an A4
//! PDF and an XLSX workbook, in Indonesian as the donor's books and board read them.
//!
//! Both carry the same figures: who gave, what was given in the period (each rupiah once: a
//! donation paid from the credit is listed, not added), the receipts, and what the money
//! protected per month and per regency. The CSR report's PDF adds two charts (workers
//! protected per month, worker-months per regency). Neither names a worker.

use super::chart;
use super::pdfdoc::{assemble, num_col, row, text_col, Font, Row, Writer, BODY, WIDTH};
use super::xlsx::{text, Cell, Formats, Sheet};
use super::Format;
use crate::usecase::donor_statement::{Kind, Statement};
use chrono::Datelike;
use lingkaran_domain::format::{self, count, rupiah, terbilang};
use lingkaran_domain::payment::channel_label;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

/// The statement as `format`, with the file name it is sent under
/// (`laporan-donasi-12-2026-01-01_2026-12-31.pdf`).
pub fn render(s: &Statement, format: Format) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = match format {
        Format::Pdf => pdf(s),
        Format::Xlsx => xlsx(s)?,
    };
    Ok((format!("{}.{}", s.file_stem(), format.extension()), bytes))
}

/// How the money of a receipt came, in words.
fn how_paid(l: &crate::db::donor_statement::Line) -> String {
    if l.from_credit() {
        "Saldo kredit donatur".into()
    } else {
        channel_label(
            l.source.as_deref().unwrap_or(""),
            l.channel.as_deref(),
            "id",
        )
    }
}

fn n(v: i64) -> String {
    count(v.max(0).unsigned_abs())
}

/// The money's lines, each with its words.
fn money_pairs(s: &Statement) -> Vec<(String, String)> {
    let g = s.given;
    vec![
        ("Diterima (kuitansi pembayaran)".into(), rupiah(g.received)),
        (
            "Dibayar dari saldo kredit".into(),
            format!(
                "{} (sudah diterima sebelumnya; dicantumkan, tidak dijumlahkan lagi)",
                rupiah(g.from_credit)
            ),
        ),
        (
            "Dikembalikan ke rekening donatur".into(),
            rupiah(g.refunded),
        ),
        ("Jumlah donasi dalam periode".into(), rupiah(g.net())),
        ("Terbilang".into(), terbilang(g.net())),
    ]
}

fn impact_pairs(s: &Statement) -> Vec<(String, String)> {
    let p = &s.protection;
    // The months the money protected, not the period's: a year's statement of a donation
    // begun in June says "Juni 2026 – Mei 2027".
    let months = match (p.months.first(), p.months.last()) {
        (Some(a), Some(b)) if a.month == b.month => format::month(a.month, "id"),
        (Some(a), Some(b)) => format!(
            "{} – {}",
            format::month(a.month, "id"),
            format::month(b.month, "id")
        ),
        _ => "tidak ada dalam periode ini".into(),
    };
    vec![
        ("Bulan perlindungan".into(), months),
        ("Pekerja dilindungi".into(), n(p.workers)),
        ("Bulan-pekerja".into(), n(p.worker_months)),
        (
            "Wilayah".into(),
            format!(
                "{} desa/kelurahan, {} kecamatan, {} kabupaten/kota",
                n(p.villages),
                n(p.districts),
                n(p.regencies.len() as i64)
            ),
        ),
        ("Disetor ke BPJS Ketenagakerjaan".into(), rupiah(p.remitted)),
        (
            "Ditolak BPJS, dikembalikan ke kredit".into(),
            rupiah(p.returned),
        ),
        (
            "Pekerja yang membayar sendiri (mandiri)".into(),
            n(p.paying_alone),
        ),
        (
            "Klaim dibayar BPJS kepada keluarga".into(),
            if s.claims_paid == 0 {
                "tidak ada".into()
            } else {
                format!("{} klaim, {}", n(s.claims_paid), rupiah(s.claims_amount))
            },
        ),
    ]
}

const RULES: &str = "Uang dihitung menurut tanggal kuitansinya. Bulan perlindungan dihitung pada periode yang memuat tanggal 1 bulan itu, sehingga dua laporan berturut-turut tidak menghitung satu bulan dua kali. Donasi yang dibayar dari saldo kredit memiliki kuitansi, tetapi uangnya sudah dihitung saat diterima. Bulan-pekerja: satu pekerja dilindungi JKK dan JKM selama satu bulan; bulan yang ditolak BPJS tidak dihitung. Laporan ini tidak memuat nama, NIK atau data pribadi pekerja.";

fn pdf(s: &Statement) -> Vec<u8> {
    let mut w = Writer::new();
    w.letterhead();
    w.para(&s.kind.title("id").to_uppercase(), Font::Bold, 16.0);
    w.space(2.0);
    w.para(
        &format!("Periode {}", s.period.text("id")),
        Font::Bold,
        11.0,
    );
    w.para(
        &format!("Dibuat pada {}", format::date(s.made_on, "id")),
        Font::Regular,
        BODY,
    );
    w.space(6.0);
    let mut donor = vec![
        ("Donatur".to_string(), s.donor_name.clone()),
        ("Nomor donatur".into(), s.donor_id.to_string()),
    ];
    if let Some(a) = &s.donor_address {
        donor.push(("Alamat".into(), a.clone()));
    }
    if let Some(npwp) = &s.donor_npwp {
        donor.push(("NPWP".into(), npwp.clone()));
    }
    w.pairs_sized(&donor, 170.0, BODY);

    w.heading("Ringkasan dana");
    w.pairs_sized(&money_pairs(s), 170.0, BODY);

    w.heading("Yang dilakukan donasi Anda");
    w.pairs_sized(&impact_pairs(s), 170.0, BODY);

    let p = &s.protection;
    if s.kind == Kind::Csr && !p.months.is_empty() {
        // Every month from the first to the last, a month without workers as a zero (a gap
        // in the money shows as one).
        let (mut labels, mut values) = (Vec::new(), Vec::new());
        if let (Some(first), Some(last)) = (p.months.first(), p.months.last()) {
            let mut m = first.month;
            while m <= last.month && labels.len() < 120 {
                labels.push(format!("{}/{}", m.month(), m.year() % 100));
                values.push(
                    p.months
                        .iter()
                        .find(|x| x.month == m)
                        .map_or(0, |x| x.workers),
                );
                m = m.next();
            }
        }
        chart::columns(
            &mut w,
            "Pekerja dilindungi per bulan",
            &labels,
            &values,
            120.0,
        );
        let rows: Vec<(String, i64, String)> = p
            .regencies
            .iter()
            .take(12)
            .map(|r| {
                (
                    r.name.clone(),
                    r.worker_months,
                    format!("{} bulan-pekerja", n(r.worker_months)),
                )
            })
            .collect();
        chart::bars(&mut w, "Bulan-pekerja per kabupaten/kota", &rows);
    }

    if !p.months.is_empty() {
        w.heading("Per bulan");
        let rows: Vec<Row> = p
            .months
            .iter()
            .map(|m| row(vec![format::month(m.month, "id"), n(m.workers)]))
            .collect();
        w.table(
            &[text_col(200.0), num_col(120.0)],
            &["Bulan", "Pekerja dilindungi"],
            &rows,
        );
    }
    if !p.regencies.is_empty() {
        w.heading("Per kabupaten/kota");
        let mut rows: Vec<Row> = p
            .regencies
            .iter()
            .map(|r| {
                row(vec![
                    r.name.clone(),
                    r.code.clone(),
                    n(r.workers),
                    n(r.worker_months),
                    n(r.villages),
                ])
            })
            .collect();
        rows.push(Row {
            cells: vec![
                "Jumlah".into(),
                String::new(),
                n(p.workers),
                n(p.worker_months),
                n(p.villages),
            ],
            bold: true,
        });
        let rest = (WIDTH - 200.0 - 60.0) / 3.0;
        w.table(
            &[
                text_col(200.0),
                text_col(60.0),
                num_col(rest),
                num_col(rest),
                num_col(rest),
            ],
            &[
                "Kabupaten/kota",
                "Kode",
                "Pekerja",
                "Bulan-pekerja",
                "Desa/kelurahan",
            ],
            &rows,
        );
    }

    w.heading(&format!("Kuitansi dalam periode ({})", n(s.receipt_count)));
    if s.lines.is_empty() {
        w.para("Tidak ada kuitansi dalam periode ini.", Font::Regular, BODY);
    } else {
        let mut rows: Vec<Row> = s
            .lines
            .iter()
            .map(|l| {
                row(vec![
                    l.receipt
                        .day()
                        .map(|d| format::date(d, "id"))
                        .unwrap_or_default(),
                    l.receipt.number(),
                    how_paid(l),
                    l.donation_id.map(|d| format!("#{d}")).unwrap_or_default(),
                    rupiah(l.receipt.amount),
                    if l.from_credit() {
                        "tidak dijumlahkan lagi".into()
                    } else {
                        String::new()
                    },
                ])
            })
            .collect();
        if (s.lines.len() as i64) < s.receipt_count {
            rows.push(row(vec![format!(
                "… dan {} kuitansi lagi (jumlah di atas menghitung semuanya)",
                n(s.receipt_count - s.lines.len() as i64)
            )]));
        }
        w.table(
            &[
                text_col(80.0),
                text_col(90.0),
                text_col(120.0),
                text_col(50.0),
                num_col(85.0),
                text_col(WIDTH - 425.0),
            ],
            &[
                "Tanggal",
                "Nomor",
                "Cara pembayaran",
                "Donasi",
                "Jumlah",
                "Keterangan",
            ],
            &rows,
        );
    }
    w.space(6.0);
    w.para(RULES, Font::Regular, 7.5);
    w.para(
        "Setiap kuitansi dapat diperiksa keasliannya di halaman /verifikasi dengan kode yang tercetak padanya. Laporan ini dibuat secara elektronik oleh sistem GN Lingkaran.",
        Font::Regular,
        7.5,
    );
    let footer = format!(
        "GN Lingkaran · {} · {} · {}",
        s.kind.title("id"),
        s.donor_name,
        s.period.text("id")
    );
    let title = format!("{} {}", s.kind.title("id"), s.period.text("id"));
    assemble(w.finish(&footer), &title, s.made_on)
}

fn xlsx(s: &Statement) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{}: {} {}",
                s.kind.title("id"),
                s.donor_name,
                s.period.text("id")
            ))
            .set_author("GN Lingkaran")
            .set_company("GN Lingkaran")
            // The day it was made, not the second: the same statement asked for twice in a
            // day is the same file (sending it by e-mail twice queues it once).
            .set_creation_datetime(&ExcelDateTime::from_ymd(
                u16::try_from(s.made_on.year()).unwrap_or(2000),
                u8::try_from(s.made_on.month()).unwrap_or(1),
                u8::try_from(s.made_on.day()).unwrap_or(1),
            )?),
    );
    let f = Formats::new();
    {
        let mut sh = Sheet::new(wb.add_worksheet().set_name("Ringkasan")?, &f, &[44.0, 60.0])?;
        sh.title(s.kind.title("id"))?;
        for (k, v) in [
            ("Donatur", s.donor_name.clone()),
            ("Nomor donatur", s.donor_id.to_string()),
            ("Periode", s.period.text("id")),
            ("Tanggal awal", s.period.from.to_string()),
            ("Tanggal akhir", s.period.to.to_string()),
            ("Dibuat pada", format::date(s.made_on, "id")),
        ] {
            sh.line(vec![Cell::Bold(k.into()), text(v)])?;
        }
        if let Some(npwp) = &s.donor_npwp {
            sh.line(vec![Cell::Bold("NPWP".into()), text(npwp.clone())])?;
        }
        sh.skip();
        let g = s.given;
        let p = &s.protection;
        for (k, v) in [
            ("Diterima (kuitansi pembayaran)", Cell::Rupiah(g.received)),
            (
                "Dibayar dari saldo kredit (tidak dijumlahkan lagi)",
                Cell::Rupiah(g.from_credit),
            ),
            ("Dikembalikan ke rekening donatur", Cell::Rupiah(g.refunded)),
            ("Jumlah donasi dalam periode", Cell::Rupiah(g.net())),
            (
                "Jumlah kuitansi",
                Cell::Count(s.receipt_count.max(0).unsigned_abs()),
            ),
            (
                "Pekerja dilindungi",
                Cell::Count(p.workers.max(0).unsigned_abs()),
            ),
            (
                "Bulan-pekerja",
                Cell::Count(p.worker_months.max(0).unsigned_abs()),
            ),
            (
                "Desa/kelurahan",
                Cell::Count(p.villages.max(0).unsigned_abs()),
            ),
            ("Kecamatan", Cell::Count(p.districts.max(0).unsigned_abs())),
            ("Kabupaten/kota", Cell::Count(p.regencies.len() as u64)),
            ("Disetor ke BPJS Ketenagakerjaan", Cell::Rupiah(p.remitted)),
            (
                "Ditolak BPJS, dikembalikan ke kredit",
                Cell::Rupiah(p.returned),
            ),
            (
                "Pekerja yang membayar sendiri (mandiri)",
                Cell::Count(p.paying_alone.max(0).unsigned_abs()),
            ),
            (
                "Klaim dibayar BPJS kepada keluarga",
                Cell::Count(s.claims_paid.max(0).unsigned_abs()),
            ),
            (
                "Jumlah klaim dibayar kepada keluarga",
                Cell::Rupiah(s.claims_amount),
            ),
        ] {
            sh.line(vec![Cell::Bold(k.into()), v])?;
        }
        sh.skip();
        sh.line(vec![text(RULES)])?;
    }
    {
        let mut sh = Sheet::new(wb.add_worksheet().set_name("Bulanan")?, &f, &[14.0, 20.0])?;
        sh.header(&["Bulan", "Pekerja dilindungi"])?;
        for m in &s.protection.months {
            sh.line(vec![
                text(m.month.to_string()),
                Cell::Count(m.workers.max(0).unsigned_abs()),
            ])?;
        }
    }
    {
        let mut sh = Sheet::new(
            wb.add_worksheet().set_name("Wilayah")?,
            &f,
            &[36.0, 10.0, 12.0, 16.0, 16.0],
        )?;
        sh.header(&[
            "Kabupaten/kota",
            "Kode",
            "Pekerja",
            "Bulan-pekerja",
            "Desa/kelurahan",
        ])?;
        for r in &s.protection.regencies {
            sh.line(vec![
                text(r.name.clone()),
                text(r.code.clone()),
                Cell::Count(r.workers.max(0).unsigned_abs()),
                Cell::Count(r.worker_months.max(0).unsigned_abs()),
                Cell::Count(r.villages.max(0).unsigned_abs()),
            ])?;
        }
    }
    {
        let mut sh = Sheet::new(
            wb.add_worksheet().set_name("Kuitansi")?,
            &f,
            &[12.0, 18.0, 16.0, 26.0, 10.0, 16.0, 26.0],
        )?;
        sh.header(&[
            "Tanggal",
            "Nomor",
            "Kode verifikasi",
            "Cara pembayaran",
            "Donasi",
            "Jumlah",
            "Keterangan",
        ])?;
        for l in &s.lines {
            sh.line(vec![
                text(l.receipt.issued_on.clone()),
                text(l.receipt.number()),
                text(l.receipt.code().grouped()),
                text(how_paid(l)),
                l.donation_id.map_or(Cell::Blank, Cell::Plain),
                Cell::Rupiah(l.receipt.amount),
                text(if l.from_credit() {
                    "Dari saldo kredit: tidak dijumlahkan lagi"
                } else {
                    ""
                }),
            ])?;
        }
    }
    wb.save_to_buffer()
}
