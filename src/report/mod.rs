//! Documents made from a use case's typed report, for every edge alike: the regional report
//! (`usecase::region_report`) as an XLSX workbook ([`xlsx`]) and an A4 PDF ([`pdf`]).
//!
//! This sits between the use cases and the edges: it reads use-case views and the domain's
//! formatting, and knows nothing of HTTP, so a page, the API and the CLI hand it the same
//! report and send the same bytes. It names no edge and not the application
//! (`tests/layers.rs`).
//!
//! Both documents are in Indonesian (the UCJ meeting's language), with numbers written as
//! Indonesians write them in the PDF (`Rp 16.800`, `40,82%`, `23 Desember 2022`) and kept as
//! numbers in the workbook.

pub mod chart;
pub mod donor_statement;
mod helvetica;
pub mod pdf;
mod pdfdoc;
pub mod receipt;
pub mod xlsx;

use crate::usecase::region_report::Report;
use crate::usecase::Error;
use lingkaran_domain::pricing::FundingSource;
use lingkaran_domain::share::definition;
use lingkaran_domain::Problem;

/// Which document to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Pdf,
}

impl Format {
    /// `xlsx` (also when absent) or `pdf`; anything else is refused in words.
    pub fn parse(text: Option<&str>) -> Result<Format, Error> {
        match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("xlsx") => Ok(Format::Xlsx),
            Some("pdf") => Ok(Format::Pdf),
            Some(_) => {
                let shown = lingkaran_formats::snippet(text.unwrap_or(""), 20);
                Err(Error::Invalid(vec![Problem::new(
                    "invalid_format",
                    format!("Format \"{shown}\" tidak dikenal: pilih xlsx atau pdf."),
                    format!("Unknown format \"{shown}\": choose xlsx or pdf."),
                )]))
            }
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
        }
    }
}

/// The report as `format`, with the file name it is sent under
/// (`laporan-cakupan-35.25-2026-07-2026-09.xlsx`).
pub fn render(report: &Report, format: Format) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = match format {
        Format::Xlsx => xlsx::write(report)?,
        Format::Pdf => pdf::write(report),
    };
    Ok((
        format!("{}.{}", report.file_stem(), format.extension()),
        bytes,
    ))
}

/// The document's title.
pub const TITLE: &str = "Laporan Cakupan Jaminan Sosial Ketenagakerjaan";

/// What the claims section says when no claim's event fell in the period.
pub const NO_CLAIMS: &str = "Tidak ada klaim JKK atau JKM dengan kejadian dalam periode ini.";

/// How the claims section is read.
pub const CLAIMS_NOTE: &str = "Klaim pekerja wilayah ini dengan kejadian dalam periode: dilaporkan, dibayar BPJS Ketenagakerjaan, dan jumlah yang dibayar (yang diputuskan BPJS, atau perkiraan Lingkaran bila belum dicatat). Angka 1 sampai 9 tidak ditampilkan (< 10), begitu pula jumlah yang dibayar kepada kurang dari 10 orang.";

/// One claims line's words: (kind, "N dilaporkan, M dibayar", amount paid).
pub fn claim_line(l: &crate::usecase::region_report::ClaimLine) -> (String, String, String) {
    let amount = match (l.paid_amount, l.paid) {
        (Some(a), _) => lingkaran_domain::format::rupiah(a),
        (None, crate::usecase::transparency::Published::Exact(0)) => {
            lingkaran_domain::format::rupiah(0)
        }
        (None, _) => "–".into(),
    };
    (
        l.kind.label("id").to_string(),
        format!("{} dilaporkan, {} dibayar", l.filed.text(), l.paid.text()),
        amount,
    )
}

/// A funding source's name (`apbd` → `APBD`; `self` → paying alone).
pub fn source_name(code: &str) -> String {
    FundingSource::parse(code).map_or(code.to_string(), |f| f.label("id").to_string())
}

/// A budget line's source (`dana_desa` → `Dana Desa`).
pub fn budget_source(code: &str) -> &str {
    match code {
        "apbd" => "APBD",
        "dbhcht" => "DBHCHT",
        "dana_desa" => "Dana Desa",
        other => other,
    }
}

/// A denominator's definition in words (`angkatan_kerja` → `angkatan kerja`).
pub fn definition_name(code: Option<&str>) -> String {
    code.map_or(String::new(), |c| definition::name(c, "id").to_string())
}

/// What a figure measures, in words.
pub fn measure_name(code: &str) -> &str {
    match code {
        "peserta" => "Peserta aktif",
        "penyebut" => "Penyebut",
        "target_persen" => "Target (%)",
        "target_orang" => "Target (orang)",
        "persen" => "Persentase terbit",
        other => other,
    }
}

/// The children's level, named for a table's heading: the regions below a region of `level`.
pub fn children_name(level: u8) -> &'static str {
    match level {
        0 => "Provinsi",
        1 => "Kabupaten/kota",
        2 => "Kecamatan",
        _ => "Desa/kelurahan",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_and_refused_in_words() {
        assert_eq!(Format::parse(None).unwrap(), Format::Xlsx);
        assert_eq!(Format::parse(Some("PDF")).unwrap(), Format::Pdf);
        let Err(Error::Invalid(ps)) = Format::parse(Some("docx")) else {
            unreachable!()
        };
        assert_eq!(ps[0].code, "invalid_format");
        assert!(ps[0].id.contains("xlsx atau pdf"));
        assert_eq!(source_name("apbd"), "APBD");
        assert_eq!(source_name("self"), "Bayar sendiri (mandiri)");
        assert_eq!(definition_name(Some("angkatan_kerja")), "angkatan kerja");
    }
}
