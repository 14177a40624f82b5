//! A receipt (kuitansi) as an A4 PDF, from `usecase::receipts::Document`: the programme's
//! letterhead, the number of the year and the day, who paid (name, address and NPWP when
//! known), the amount in figures and in words, what it paid for, how it was paid, and the
//! verification code with a QR code pointing to `/verifikasi/{code}`. In Indonesian, as the
//! donor's books and the tax office read it. The page machinery is [`super::pdfdoc`]'s.

use super::pdfdoc::{assemble, width, Font, Writer, BODY, MARGIN, WIDTH};
use crate::usecase::receipts::{Document, INSURER};
use lingkaran_domain::format;
use qrcode::{Color, EcLevel, QrCode};

/// The QR code's side, in points (with its quiet zone), and the gap beside it.
const QR_SIDE: f32 = 104.0;

/// The PDF's bytes. Fails only when the verification link does not fit in a QR code (a
/// base URL of thousands of characters).
pub fn write(doc: &Document) -> anyhow::Result<Vec<u8>> {
    let qr = QrCode::with_error_correction_level(doc.verify_url.as_bytes(), EcLevel::M)?;
    let mut w = Writer::new();

    w.letterhead();

    // The title, number and day on the left; the QR code and its code on the right.
    let top = w.y;
    let code = doc.code.grouped();
    qr_block(&mut w, &qr, &code, MARGIN + WIDTH - QR_SIDE, top);
    w.para("KUITANSI", Font::Bold, 20.0);
    w.space(2.0);
    w.para(&format!("Nomor {}", doc.number), Font::Bold, 12.0);
    w.para(
        &format!("Tanggal {}", format::date(doc.day, "id")),
        Font::Regular,
        10.0,
    );
    if doc.from_credit {
        w.space(2.0);
        w.para("Dibayar dari saldo kredit donatur", Font::Regular, BODY);
    }
    w.y = w.y.min(top - QR_SIDE - 18.0);

    // What was received, from whom, for what.
    let mut pairs = vec![(
        if doc.from_credit {
            "Dibayar oleh".to_string()
        } else {
            "Telah diterima dari".to_string()
        },
        doc.donor_name.clone(),
    )];
    if let Some(a) = &doc.donor_address {
        pairs.push(("Alamat".into(), a.clone()));
    }
    if let Some(n) = &doc.donor_npwp {
        pairs.push(("NPWP".into(), n.clone()));
    }
    pairs.push(("Jumlah".into(), format::rupiah(doc.amount)));
    pairs.push(("Terbilang".into(), doc.amount_words()));
    pairs.push((
        "Untuk pembayaran".into(),
        if doc.paid_for.is_empty() {
            "Saldo kredit donatur GN Lingkaran, untuk iuran JKK dan JKM pekerja rentan".into()
        } else {
            let lines: Vec<String> = doc.paid_for.iter().map(|p| p.text("id")).collect();
            format!(
                "Iuran JKK dan JKM {INSURER} pekerja rentan melalui GN Lingkaran. {}",
                lines.join("; ")
            )
        },
    ));
    pairs.push(("Cara pembayaran".into(), doc.channel("id")));
    if let Some(r) = doc.reference.as_deref().filter(|r| !r.is_empty()) {
        pairs.push(("Referensi pembayaran".into(), r.to_string()));
    }
    pairs.push(("Tanggal pembayaran".into(), format::date(doc.day, "id")));
    w.pairs_sized(&pairs, 130.0, 10.0);
    w.space(8.0);
    if doc.from_credit {
        w.para(
            "Donasi ini dibayar dari saldo kredit donatur (uang yang sebelumnya diterima GN \
             Lingkaran); tidak ada uang baru yang masuk dengan kuitansi ini.",
            Font::Regular,
            BODY,
        );
    }
    w.para(
        &format!(
            "Keaslian kuitansi ini dapat diperiksa siapa saja di {} atau dengan memindai kode QR \
             di atas. Kode verifikasi: {}.",
            doc.verify_url,
            doc.code.grouped()
        ),
        Font::Regular,
        BODY,
    );
    w.space(4.0);
    w.para(
        "Kuitansi ini dibuat secara elektronik oleh sistem GN Lingkaran dan sah tanpa tanda \
         tangan.",
        Font::Regular,
        8.0,
    );

    let footer = format!("GN Lingkaran · kuitansi {}", doc.number);
    let title = format!("Kuitansi {}", doc.number);
    Ok(assemble(w.finish(&footer), &title, doc.day))
}

/// The QR code with its top-left corner at (`x`, `top`), `QR_SIDE` points wide with a quiet
/// zone of 4 modules, each run of dark modules in a row one filled rectangle; the code in
/// text below it.
fn qr_block(w: &mut Writer, qr: &QrCode, code: &str, x: f32, top: f32) {
    let n = qr.width();
    let colors = qr.to_colors();
    let module = QR_SIDE / (n as f32 + 8.0);
    let left = x + 4.0 * module;
    let upper = top - 4.0 * module;
    w.page.set_fill_gray(0.0);
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors.get(row * n + col) != Some(&Color::Dark) {
                col += 1;
                continue;
            }
            let start = col;
            while colors.get(row * n + col) == Some(&Color::Dark) && col < n {
                col += 1;
            }
            w.page.rect(
                left + start as f32 * module,
                upper - (row as f32 + 1.0) * module,
                (col - start) as f32 * module,
                module,
            );
        }
    }
    w.page.fill_nonzero();
    let size = 8.0;
    let cx = x + QR_SIDE / 2.0;
    let text = width(code, Font::Bold, size);
    w.show(
        cx - text / 2.0,
        top - QR_SIDE - size,
        code,
        Font::Bold,
        size,
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::usecase::receipts::PaidFor;
    use lingkaran_domain::receipt::Code;

    fn doc() -> Document {
        let code = Code::from_bits(0x0ABC_DEF0_1234_5678);
        Document {
            donor_id: 7,
            page_url: "https://lingkaran.example/kuitansi/1".into(),
            number: "KW/2026/000123".into(),
            verify_url: format!("https://lingkaran.example/verifikasi/{}", code.grouped()),
            code,
            day: chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            amount: 886_000,
            donor_name: "PT Semen Sejahtera".into(),
            donor_address: Some("Jl. Veteran 1, Gresik".into()),
            donor_npwp: Some("01.234.567.8-901.000".into()),
            from_credit: false,
            source: "callback".into(),
            channel: Some("VIRTUAL_ACCOUNT_BRI".into()),
            reference: Some("DOKU-1".into()),
            paid_for: vec![PaidFor {
                donation_id: 7,
                invoice_number: "INV-2026-000007".into(),
                workers: 5,
                months: 12,
                start_month: 202604,
            }],
        }
    }

    #[test]
    fn a_receipt_is_one_pdf_page_with_a_qr_code() {
        let bytes = write(&doc()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Count 1"), "one page");
        // The QR code's modules are filled rectangles (` re` operators).
        assert!(text.matches(" re").count() > 50);
    }
}
