//! Bank statements as banks and clerks really send them: every credit comes through with the
//! line a clerk can find it on, debits are counted and set aside, and anything unreadable is
//! named by line, column and value.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use lingkaran::payments::statement::*;

const MANDIRI_STA: &[u8] = include_bytes!("fixtures/statements/mandiri_2026-11.sta");
const BNI_LATIN1_CSV: &[u8] = include_bytes!("fixtures/statements/bni_mutasi_latin1.csv");

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// (line, code) of every error, for comparing at a glance.
fn error_codes(p: &Parsed) -> Vec<(usize, &'static str)> {
    p.errors.iter().map(|(l, e)| (*l, e.code)).collect()
}

fn error_at(p: &Parsed, line: usize) -> &lingkaran_domain::message::Problem {
    &p.errors
        .iter()
        .find(|(l, _)| *l == line)
        .unwrap_or_else(|| panic!("no error on line {line}: {:?}", p.errors))
        .1
}

/// A one-statement MT940 file around the given `:61:`/`:86:` lines (which start on line 5).
fn mt940_with(entries: &str, closing: &str) -> String {
    format!(
        ":20:BNI261125\n:25:0123456789\n:28C:1/1\n:60F:C261124IDR10000000,00\n{entries}:62F:{closing}\n"
    )
}

// ---------------------------------------------------------------------------------------------
// MT940

#[test]
fn mt940_fixture_gives_every_credit_with_its_line_date_reference_and_va() {
    let p = parse("mandiri_2026-11.sta", MANDIRI_STA).unwrap();
    assert_eq!(p.format, Some(Format::Mt940));
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        p.lines,
        vec![
            StatementLine {
                line_no: 5,
                booked_on: date(2026, 11, 25),
                value_date: date(2026, 11, 25),
                bank_reference: None,
                account: Some("1230004567890".into()),
                amount: 1_500_000,
                reference: None,
                description: "UBP 8890800000000012 IURAN BPJSTK NOV 2026 SITI AMINAH DESA SUKAMAJU"
                    .into(),
                va_number: Some("8890800000000012".into()),
            },
            StatementLine {
                line_no: 8,
                booked_on: date(2026, 11, 25),
                value_date: date(2026, 11, 25),
                bank_reference: Some("FT26329ABC12".into()),
                account: Some("1230004567890".into()),
                amount: 756_000,
                reference: Some("INV-2026-0042".into()),
                description: "TRF DARI YAYASAN PEDULI PEKERJA".into(),
                va_number: None,
            },
            // Value date 24 November, booked 25 November: the booking date counts.
            StatementLine {
                line_no: 12,
                booked_on: date(2026, 11, 25),
                value_date: date(2026, 11, 24),
                bank_reference: None,
                account: Some("1230004567890".into()),
                amount: 1_008_000,
                reference: None,
                description: "SETORAN TUNAI KANTOR DESA".into(),
                va_number: None,
            },
            // Second statement of the file; the VA is the customer reference itself.
            StatementLine {
                line_no: 21,
                booked_on: date(2026, 11, 26),
                value_date: date(2026, 11, 26),
                bank_reference: None,
                account: Some("1230004567890".into()),
                amount: 3_024_000,
                reference: Some("8890800000000029".into()),
                description: "UBP IURAN BPJSTK 12 PEKERJA".into(),
                va_number: Some("8890800000000029".into()),
            },
        ]
    );
}

#[test]
fn mt940_debits_and_reversals_are_counted_but_never_offered_as_payments() {
    let p = parse("mandiri_2026-11.sta", MANDIRI_STA).unwrap();
    // Line 10 is the admin fee (D), line 23 reverses the 756,000 credit (RC).
    assert_eq!(p.skipped_debits, 2);
    assert!(p.lines.iter().all(|l| l.line_no != 10 && l.line_no != 23));
    assert!(p.lines.iter().all(|l| l.amount != 250_000));
}

#[test]
fn mt940_is_recognised_by_its_content_whatever_the_file_is_called() {
    assert_eq!(Format::detect("mutasi.txt", MANDIRI_STA), Format::Mt940);
    assert_eq!(Format::detect("download", MANDIRI_STA), Format::Mt940);
    assert_eq!(Format::detect("mutasi.csv", MANDIRI_STA), Format::Mt940);
    assert_eq!(Format::detect("mutasi.csv", BNI_LATIN1_CSV), Format::Csv);
    assert_eq!(Format::detect("x", b"{1:F01BMRIIDJAXXXX}"), Format::Mt940);
    // A title line before the statement: recognised only under an MT940 file name.
    let titled = b"MUTASI REKENING 1230004567890\r\n:20:X\r\n";
    assert_eq!(Format::detect("rekening.sta", titled), Format::Mt940);
    assert_eq!(Format::detect("rekening.csv", titled), Format::Csv);
    assert_eq!(Format::Mt940.code(), "mt940");
    assert_eq!(Format::Csv.code(), "csv");
    let p = parse("unduhan.txt", MANDIRI_STA).unwrap();
    assert_eq!(p.format.map(Format::code), Some("mt940"));
    assert_eq!(p.lines.len(), 4);
}

#[test]
fn mt940_inside_a_swift_envelope_keeps_its_line_numbers() {
    let text = "{1:F01BMRIIDJAXXXX0000000000}{2:I940BMRIIDJAXXXXN}{4:\r\n\
                :20:MDR2611250001\r\n\
                :25:1230004567890\r\n\
                :28C:00325/001\r\n\
                :60F:C261124IDR0,00\r\n\
                :61:2611251125CR1500000,00NTRFNONREF\r\n\
                :86:UBP 8890800000000012\r\n\
                :62F:C261125IDR1500000,00\r\n\
                -}{5:{CHK:0123456789AB}}\r\n";
    let p = parse("swift.fin", text.as_bytes()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines.len(), 1);
    assert_eq!(p.lines[0].line_no, 6);
    assert_eq!(p.lines[0].amount, 1_500_000);
    assert_eq!(p.lines[0].va_number.as_deref(), Some("8890800000000012"));
}

#[test]
fn mt940_unreadable_lines_are_named_and_the_others_still_come_through() {
    let text = mt940_with(
        ":61:2611251125C500000,00NTRFNONREF\n\
         :86:IURAN 8890800000000041\n\
         :61:2611251125C1500000NTRFNONREF\n\
         :61:2611251125C1500000,50NTRFNONREF\n\
         :61:2611311131C200000,00NTRFNONREF\n\
         :61:2611251125X200000,00NTRFNONREF\n\
         :61:2611251125D1.000,00NCHGNONREF\n\
         :61:2611251125C300000,00NTRFREF-7\n",
        "C261125IDR10800000,00",
    );
    let p = parse("bni.sta", text.as_bytes()).unwrap();
    let amounts: Vec<(usize, i64)> = p.lines.iter().map(|l| (l.line_no, l.amount)).collect();
    assert_eq!(amounts, vec![(5, 500_000), (12, 300_000)]);
    assert_eq!(p.lines[0].va_number.as_deref(), Some("8890800000000041"));
    assert_eq!(p.lines[1].reference.as_deref(), Some("REF-7"));
    // The damaged debit on line 11 is still only a debit.
    assert_eq!(p.skipped_debits, 1);
    assert_eq!(
        error_codes(&p),
        vec![
            // Without a decimal comma while the file's other amounts have one: rupiah or sen?
            (7, "ambiguous_amount"),
            (8, "fractional_rupiah"),
            (9, "bad_date"),
            (10, "bad_mark"),
        ]
    );
    let e = error_at(&p, 7);
    assert!(
        e.id.starts_with("Baris 7 (:61:): jumlah \"1500000\""),
        "{}",
        e.id
    );
    assert!(
        e.en.contains("Line 7") && e.en.contains("rupiah or sen"),
        "{}",
        e.en
    );
    let e = error_at(&p, 8);
    assert!(
        e.id.contains("\"1500000,50\"") && e.id.contains(",50"),
        "{}",
        e.id
    );
    assert!(
        error_at(&p, 9).id.contains("\"261131\""),
        "{}",
        error_at(&p, 9).id
    );
    assert!(
        error_at(&p, 10).en.contains("\"X2\""),
        "{}",
        error_at(&p, 10).en
    );
}

#[test]
fn mt940_closing_balance_that_does_not_add_up_is_flagged_on_its_line() {
    let tampered = String::from_utf8(MANDIRI_STA.to_vec())
        .unwrap()
        .replace(":62F:C261125IDR28014000,00", ":62F:C261125IDR29014000,00");
    let p = parse("mandiri.sta", tampered.as_bytes()).unwrap();
    assert_eq!(error_codes(&p), vec![(14, "balance_mismatch")]);
    let e = error_at(&p, 14);
    assert!(
        e.id.contains("Rp 29.014.000") && e.id.contains("Rp 28.014.000"),
        "{}",
        e.id
    );
    assert!(e.en.contains("IDR 29,014,000"), "{}", e.en);
    // The credits themselves are still offered.
    assert_eq!(p.lines.len(), 4);
}

#[test]
fn mt940_cut_short_is_flagged_but_keeps_what_was_read() {
    let text = String::from_utf8(MANDIRI_STA.to_vec()).unwrap();
    let cut: String = text.split_inclusive('\n').take(13).collect();
    let p = parse("mandiri.sta", cut.as_bytes()).unwrap();
    assert_eq!(error_codes(&p), vec![(1, "incomplete_statement")]);
    assert!(error_at(&p, 1).id.contains(":62F:"));
    assert_eq!(
        p.lines.iter().map(|l| l.amount).collect::<Vec<_>>(),
        vec![1_500_000, 756_000, 1_008_000]
    );
}

#[test]
fn mt940_booking_date_across_new_year_is_in_the_next_year() {
    let text = ":20:X\n:25:1\n:28C:1\n:60F:C261231IDR0,00\n\
                :61:2612310101C100000,00NTRFNONREF\n:62F:C270101IDR100000,00\n";
    let p = parse("akhir-tahun.sta", text.as_bytes()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines[0].booked_on, date(2027, 1, 1));
}

#[test]
fn mt940_va_number_wrapped_at_65_characters_is_found_whole() {
    // SWIFT cuts :86: text at 65 characters, here in the middle of the VA number; a shorter
    // line ends a phrase and is joined with a space.
    let prefix = "PEMBAYARAN IURAN BPJS KETENAGAKERJAAN DESA SUKAMAJU VA ";
    let va = "8890800000000012";
    let cut = 65 - prefix.len();
    let full_line = format!("{prefix}{}", &va[..cut]);
    assert_eq!(full_line.len(), 65);
    let text = mt940_with(
        &format!(
            ":61:2611251125C100000,00NTRFNONREF\n:86:{full_line}\n{} SITI\nAMINAH\n",
            &va[cut..]
        ),
        "C261125IDR10100000,00",
    );
    let p = parse("bni.sta", text.as_bytes()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines[0].va_number.as_deref(), Some(va));
    assert_eq!(p.lines[0].description, format!("{prefix}{va} SITI AMINAH"));
}

#[test]
fn mt940_in_another_currency_is_refused_whole() {
    let text = ":20:X\n:25:1\n:28C:1\n:60F:C261124USD1000,00\n\
                :61:2611251125C100,00NTRFNONREF\n:62F:C261125USD1100,00\n";
    let e = parse("usd.sta", text.as_bytes()).unwrap_err();
    assert_eq!(e.code, "wrong_currency");
    assert!(
        e.id.contains("Baris 4") && e.id.contains("USD") && e.id.contains("IDR"),
        "{}",
        e.id
    );
}

#[test]
fn text_that_is_not_mt940_named_sta_is_refused_whole() {
    let text = "Laporan mutasi rekening November 2026\r\nSaldo awal: 25.000.000\r\n";
    let e = parse("mutasi.sta", text.as_bytes()).unwrap_err();
    assert_eq!(e.code, "not_mt940");
    assert!(
        e.id.contains("mutasi.sta") && e.id.contains("Laporan mutasi rekening"),
        "{}",
        e.id
    );
    assert!(e.en.contains(":20:"), "{}", e.en);
    // Starting like MT940 is not enough: a statement needs its opening balance.
    let e = parse("mutasi.sta", b":20:LAPORAN\r\nbukan mutasi\r\n").unwrap_err();
    assert_eq!(e.code, "not_mt940");
}

// ---------------------------------------------------------------------------------------------
// CSV

#[test]
fn csv_indonesian_semicolons_latin1_with_cr_db_column() {
    let p = parse("bni_mutasi_latin1.csv", BNI_LATIN1_CSV).unwrap();
    assert_eq!(p.format, Some(Format::Csv));
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.skipped_debits, 1);
    assert_eq!(
        p.lines,
        vec![
            StatementLine {
                line_no: 2,
                booked_on: date(2026, 11, 25),
                value_date: date(2026, 11, 25),
                bank_reference: Some("FT26329001".into()),
                account: None,
                amount: 1_500_000,
                reference: Some("FT26329001".into()),
                description: "SETORAN UBP 8890800000000012 SITI AMINAH".into(),
                va_number: Some("8890800000000012".into()),
            },
            StatementLine {
                line_no: 4,
                booked_on: date(2026, 11, 26),
                value_date: date(2026, 11, 26),
                bank_reference: Some("FT26330002".into()),
                account: None,
                amount: 756_000,
                reference: Some("FT26330002".into()),
                description: "Transfer dari Koperasi Café Tani Makmur".into(),
                va_number: None,
            },
        ]
    );
}

#[test]
fn csv_english_commas_negative_amounts_are_debits() {
    let text = "Date,Description,Amount,Reference\n\
                2026-11-25,\"Payment VA 8890800000000012, Siti\",\"1,500,000.00\",\n\
                2026-11-25,Bank fee,-15000,\n\
                26/11/26,Transfer from donor,\"756,000.00\",TRX-778\n";
    let p = parse("statement.csv", text.as_bytes()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.skipped_debits, 1);
    let got: Vec<_> = p
        .lines
        .iter()
        .map(|l| {
            (
                l.line_no,
                l.booked_on,
                l.amount,
                l.reference.as_deref(),
                l.va_number.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                2,
                date(2026, 11, 25),
                1_500_000,
                None,
                Some("8890800000000012")
            ),
            (4, date(2026, 11, 26), 756_000, Some("TRX-778"), None),
        ]
    );
    assert_eq!(p.lines[0].description, "Payment VA 8890800000000012, Siti");
}

#[test]
fn csv_kredit_and_debet_columns() {
    let text = "Tgl;Keterangan;Debet;Kredit;Saldo\n\
                25/11/2026;IURAN VA 8890800000000012;0,00;1.500.000,00;26.500.000,00\n\
                25/11/2026;BIAYA ADM;15.000,00;0,00;26.485.000,00\n\
                25/11/2026;PAJAK BUNGA;2.500;;26.482.500,00\n\
                26/11/2026;SETORAN TUNAI;;Rp 756.000;27.238.500,00\n";
    let p = parse("mandiri.csv", text.as_bytes()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.skipped_debits, 2);
    assert_eq!(
        p.lines
            .iter()
            .map(|l| (l.line_no, l.amount))
            .collect::<Vec<_>>(),
        vec![(2, 1_500_000), (5, 756_000)]
    );
    assert_eq!(p.lines[0].va_number.as_deref(), Some("8890800000000012"));
    assert_eq!(p.lines[1].reference, None);
}

#[test]
fn csv_bom_and_blank_lines_keep_editor_line_numbers() {
    let text = "\u{feff}Tanggal,Jumlah,Keterangan\r\n\
                \r\n\
                25/11/2026,100000,satu\r\n\
                \r\n\
                ,,\r\n\
                26/11/2026,200000,dua\r\n\
                \r\n\
                27/11/2026,abc,tiga\r\n";
    let p = parse("bom.csv", text.as_bytes()).unwrap();
    assert_eq!(
        p.lines
            .iter()
            .map(|l| (l.line_no, l.amount))
            .collect::<Vec<_>>(),
        vec![(3, 100_000), (6, 200_000)]
    );
    assert_eq!(p.lines[0].description, "satu");
    assert_eq!(error_codes(&p), vec![(8, "bad_amount")]);
    assert!(error_at(&p, 8)
        .id
        .starts_with("Baris 8, kolom Jumlah: \"abc\""));
}

#[test]
fn csv_row_errors_name_the_line_column_and_value() {
    let text = "Tanggal;Keterangan;Referensi;Jumlah;Jenis\n\
                25/11/2026;Iuran Desa Sawo;R-1;1.500.000;K\n\
                25/11/2026;Iuran;R-2;1.500.000,50;CR\n\
                31/02/2026;Iuran;R-3;750.000;CR\n\
                25/11/2026;Iuran;R-4;750.000;MASUK\n\
                ;Iuran;R-5;750.000;CR\n\
                25/11/2026;Iuran;R-6;12,5,0;CR\n\
                25/11/2026;Iuran;R-7;0;CR\n\
                25/11/2026;Iuran;R-8;-5.000;CR\n\
                26/11/2026;Iuran Desa Suka;R-9;2.250.000;kredit\n";
    let p = parse("bri.csv", text.as_bytes()).unwrap();
    assert_eq!(
        p.lines
            .iter()
            .map(|l| (l.line_no, l.amount, l.reference.as_deref()))
            .collect::<Vec<_>>(),
        vec![(2, 1_500_000, Some("R-1")), (10, 2_250_000, Some("R-9"))]
    );
    assert_eq!(
        error_codes(&p),
        vec![
            (3, "fractional_rupiah"),
            (4, "bad_date"),
            (5, "bad_direction"),
            (6, "missing_value"),
            (7, "bad_amount"),
            (8, "zero_amount"),
            (9, "bad_amount"),
        ]
    );
    let e = error_at(&p, 7);
    assert!(
        e.id.starts_with("Baris 7, kolom Jumlah: \"12,5,0\" bukan jumlah rupiah yang sah."),
        "{}",
        e.id
    );
    assert!(
        e.en.starts_with("Line 7, column Jumlah: \"12,5,0\" is not a valid rupiah amount."),
        "{}",
        e.en
    );
    assert!(error_at(&p, 3).id.contains("\"1.500.000,50\""));
    assert!(error_at(&p, 4)
        .id
        .starts_with("Baris 4, kolom Tanggal: \"31/02/2026\""));
    assert!(error_at(&p, 5).id.contains("\"MASUK\""));
    assert!(error_at(&p, 6)
        .id
        .starts_with("Baris 6, kolom Tanggal: kosong"));
}

#[test]
fn csv_date_and_amount_spellings_all_read_the_same() {
    let text = "tanggal;jumlah\n\
                2026-11-25;1.500.000\n\
                25/11/2026;1.500.000,00\n\
                25-11-2026;Rp 1.500.000\n\
                25/11/26;1500000\n\
                25/11/2026 09:30;\"1,500,000.00\"\n";
    let p = parse("ragam.csv", text.as_bytes()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.lines.len(), 5);
    for l in &p.lines {
        assert_eq!(
            (l.booked_on, l.amount),
            (date(2026, 11, 25), 1_500_000),
            "line {}",
            l.line_no
        );
    }
}

#[test]
fn csv_va_number_is_10_to_20_digits_reference_first() {
    let text = "Tanggal,Jumlah,Referensi,Keterangan\n\
                25/11/2026,1000,VA1234567890,iuran 9876543210987\n\
                25/11/2026,1000,123456789,HP 081234567\n\
                25/11/2026,1000,NONREF,no 123456789012345678901\n\
                25/11/2026,1000,-,kode 12345678901234567890\n";
    let p = parse("va.csv", text.as_bytes()).unwrap();
    let got: Vec<_> = p
        .lines
        .iter()
        .map(|l| (l.reference.as_deref(), l.va_number.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("VA1234567890"), Some("1234567890")),
            (Some("123456789"), None),
            (None, None),
            (None, Some("12345678901234567890")),
        ]
    );
}

#[test]
fn empty_files_are_refused() {
    for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\r\n  \r\n\t"] {
        let e = parse("kosong.csv", bytes).unwrap_err();
        assert_eq!(e.code, "empty_file");
        assert!(e.id.contains("kosong"));
    }
    // A CSV of empty cells only has no header either.
    assert_eq!(
        parse("kosong.csv", b";;;\r\n;;\r\n").unwrap_err().code,
        "empty_file"
    );
}

#[test]
fn csv_without_an_amount_column_is_refused_listing_the_headers_it_knows() {
    let e = parse(
        "saldo.csv",
        b"Tanggal;Keterangan;Saldo\r\n25/11/2026;x;100\r\n",
    )
    .unwrap_err();
    assert_eq!(e.code, "missing_column");
    assert!(
        e.id.starts_with("Baris 1: kolom jumlah tidak ditemukan"),
        "{}",
        e.id
    );
    for known in ["jumlah", "nominal", "mutasi", "kredit", "debet", "tanggal"] {
        assert!(e.id.contains(known), "{known}: {}", e.id);
    }
    assert!(
        e.en.contains("no amount column") && e.en.contains("\"Saldo\""),
        "{}",
        e.en
    );
    let e = parse("data.csv", b"nama,jumlah\r\nSiti,100\r\n").unwrap_err();
    assert_eq!(e.code, "missing_column");
    assert!(e.en.contains("no date column"), "{}", e.en);
}

#[test]
fn a_pdf_or_spreadsheet_is_refused_as_not_text() {
    let e = parse("mutasi.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj").unwrap_err();
    assert_eq!(e.code, "not_text");
    assert!(e.id.contains("PDF"));
    let e = parse("mutasi.xlsx", b"PK\x03\x04\x14\x00\x06\x00").unwrap_err();
    assert_eq!(e.code, "not_text");
}

// ---------------------------------------------------------------------------------------------
// What Indonesian banks and their converters actually send

const BRI_INDENTED: &[u8] = include_bytes!("fixtures/statements/bri_indented_2026-11.sta");
const BCA_CR_ONLY: &[u8] = include_bytes!("fixtures/statements/bca_cr_only_2026-11.sta");
const BNI_NO_DECIMALS: &[u8] = include_bytes!("fixtures/statements/bni_no_decimals_2026-11.sta");
const DANAMON_CSV: &[u8] = include_bytes!("fixtures/statements/danamon_mutasi_2026-11.csv");

/// (line, amount, bank reference, account) of every credit.
fn summary(p: &Parsed) -> Vec<(usize, i64, Option<&str>, Option<&str>)> {
    p.lines
        .iter()
        .map(|l| {
            (
                l.line_no,
                l.amount,
                l.bank_reference.as_deref(),
                l.account.as_deref(),
            )
        })
        .collect()
}

#[test]
fn mt940_indented_with_spaces_reads_as_if_it_were_not() {
    assert_eq!(Format::detect("bri.sta", BRI_INDENTED), Format::Mt940);
    let p = parse("bri.sta", BRI_INDENTED).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        summary(&p),
        vec![
            (5, 16_800, Some("BRI2611250042"), Some("034501000123305")),
            (
                10,
                1_008_000,
                Some("BRI2611250051"),
                Some("034501000123305")
            ),
        ]
    );
    // The indented continuation of `:86:` still belongs to its line.
    assert_eq!(
        p.lines[0].description,
        "UBP 8890800000000012 IURAN BPJSTK SITI AMINAH"
    );
    assert_eq!(p.lines[1].reference.as_deref(), Some("INV-2026-000042"));
    assert_eq!(p.skipped_debits, 1);
    assert_eq!(p.statements.len(), 1);
    assert_eq!(p.statements[0].number, Some((118, 1)));
    assert_eq!(
        p.statements[0].closing,
        Some((date(2026, 11, 25), 601_830_000))
    );
}

#[test]
fn mt940_with_carriage_returns_only_keeps_its_line_numbers() {
    assert!(
        !BCA_CR_ONLY.contains(&b'\n'),
        "the fixture has CR-only line ends"
    );
    let p = parse("bca.sta", BCA_CR_ONLY).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        summary(&p),
        vec![
            (5, 33_600, Some("BCA26112600017"), Some("8830123456")),
            (7, 16_800, Some("BCA26112600018"), Some("8830123456")),
        ]
    );
    assert_eq!(p.lines[0].va_number.as_deref(), Some("8890800000000029"));
    // A CSV saved the same way.
    let csv = "tanggal;keterangan;referensi;jumlah\r25/11/2026;SETORAN;FT1;16.800\r\r26/11/2026;SETORAN;FT2;23.800\r";
    let p = parse("mutasi.csv", csv.as_bytes()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let lines: Vec<(usize, i64)> = p.lines.iter().map(|l| (l.line_no, l.amount)).collect();
    assert_eq!(lines, vec![(2, 16_800), (4, 23_800)]);
}

#[test]
fn mt940_without_any_decimal_comma_is_whole_rupiah_and_the_report_says_so() {
    let p = parse("bni.sta", BNI_NO_DECIMALS).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let amounts: Vec<i64> = p.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![16_800, 23_800]);
    // Opening + entries = closing, in whole rupiah: the decision is consistent.
    assert_eq!(
        p.statements[0].opening,
        Some((date(2026, 11, 26), 200_000_000))
    );
    let codes: Vec<&str> = p.notes.iter().map(|n| n.code).collect();
    assert_eq!(codes, vec!["amounts_whole_rupiah"]);
    assert!(p.notes[0].id.contains("rupiah utuh"), "{}", p.notes[0].id);
    assert!(p.notes[0].en.contains("All 5 amounts"), "{}", p.notes[0].en);
    // With the decimal comma, as SWIFT writes it, nothing is said.
    let p = parse("mandiri_2026-11.sta", MANDIRI_STA).unwrap();
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn danamon_csv_with_nilai_transaksi_debet_credit_and_compact_dates() {
    let p = parse("danamon.csv", DANAMON_CSV).unwrap();
    assert_eq!(p.format, Some(Format::Csv));
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        summary(&p),
        vec![
            (2, 16_800, Some("DN2611250001"), Some("003512345678")),
            (4, 23_800, Some("DN2611250003"), Some("003512345678")),
            (6, 1_008_000, Some("DN2611260002"), Some("003512345678")),
        ]
    );
    assert_eq!(p.skipped_debits, 2, "D and Debet are money out");
    assert_eq!(p.lines[0].booked_on, date(2026, 11, 25));
    assert_eq!(p.lines[2].value_date, date(2026, 11, 26));
    // The reference's digits come first; the matcher tries every run, the VA among them.
    assert!(p.lines[0].description.contains("8890800000000012"));
    assert!(p.notes.is_empty(), "amounts carry decimals: {:?}", p.notes);
}

#[test]
fn a_csv_whose_amounts_have_no_decimals_says_it_read_whole_rupiah() {
    let csv =
        "tanggal;keterangan;referensi;jumlah\n25/11/2026;A;FT1;16800\n25/11/2026;B;FT2;23.800\n";
    let p = parse("mutasi.csv", csv.as_bytes()).unwrap();
    assert_eq!(
        p.lines.iter().map(|l| l.amount).collect::<Vec<_>>(),
        vec![16_800, 23_800]
    );
    assert_eq!(p.notes.len(), 1);
    assert!(p.notes[0].en.contains("\"16800\""), "{}", p.notes[0].en);
}

#[test]
fn an_amount_beyond_rp_10_15_fails_alone_naming_line_column_and_value() {
    let csv = "Tanggal;Keterangan;Referensi;Jumlah\n\
               25/11/2026;SALAH KETIK;FT1;9.223.372.036.854.775.000\n\
               25/11/2026;BATAS;FT2;1.000.000.000.000.000\n\
               25/11/2026;SETORAN;FT3;16.800\n";
    let p = parse("mutasi.csv", csv.as_bytes()).unwrap();
    assert_eq!(error_codes(&p), vec![(2, "amount_too_large")]);
    let e = error_at(&p, 2);
    assert!(
        e.id.starts_with("Baris 2, kolom Jumlah: \"9.223.372.036.854.775.000\""),
        "{}",
        e.id
    );
    let amounts: Vec<i64> = p.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, vec![1_000_000_000_000_000, 16_800]);

    let text = mt940_with(
        ":61:2611251125C9223372036854775000,00NTRFNONREF\n\
         :61:2611251125C16800,00NTRFNONREF\n",
        "C261125IDR10016800,00",
    );
    let p = parse("bni.sta", text.as_bytes()).unwrap();
    assert_eq!(error_codes(&p), vec![(5, "amount_too_large")]);
    assert_eq!(
        p.lines.iter().map(|l| l.amount).collect::<Vec<_>>(),
        vec![16_800]
    );
}

#[test]
fn the_csv_and_mt940_exports_of_one_transfer_have_one_key() {
    let csv = "Nomor Rekening;Tanggal;Keterangan;Referensi;Jumlah\n\
               123-000-456-7890;25/11/2026;TRF VA 8890800000000012;ft26329abc12;23.800\n";
    let sta = ":20:X\n:25:BMRIIDJA/1230004567890\n:28C:1/1\n:60F:C261124IDR0,00\n\
               :61:2611251125C23800,00NTRFNONREF//FT26329ABC12\n:86:UBP 8890800000000012\n\
               :62F:C261125IDR23800,00\n";
    let a = parse("m.csv", csv.as_bytes()).unwrap();
    let b = parse("m.sta", sta.as_bytes()).unwrap();
    let (la, lb) = (&a.lines[0], &b.lines[0]);
    assert_eq!(
        (&la.account, la.value_date, la.amount),
        (&lb.account, lb.value_date, lb.amount)
    );
    assert_eq!(keys(&a.lines, "x"), keys(&b.lines, "x"));
    assert_eq!(keys(&a.lines, "x"), vec!["ref:FT26329ABC12".to_string()]);
}

#[test]
fn identical_lines_without_a_bank_reference_stay_distinct_within_a_file() {
    let csv = "tanggal;keterangan;jumlah\n\
               25/11/2026;SETORAN TUNAI;16.800\n\
               25/11/2026;SETORAN  TUNAI;16.800\n\
               25/11/2026;SETORAN TUNAI;23.800\n";
    let p = parse("m.csv", csv.as_bytes()).unwrap();
    let k = keys(&p.lines, "1230004567890");
    assert!(k[0].starts_with("text:") && k[0].ends_with(":0"), "{k:?}");
    assert!(
        k[1].ends_with(":1"),
        "the second identical deposit is its own: {k:?}"
    );
    assert_eq!(k[0][..k[0].len() - 2], k[1][..k[1].len() - 2]);
    assert!(
        k[2].ends_with(":0"),
        "another amount counts from zero: {k:?}"
    );
    // The same file read again (an overlapping statement) gives the same keys.
    assert_eq!(keys(&p.lines, "1230004567890"), k);
}
