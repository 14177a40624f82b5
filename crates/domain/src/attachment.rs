//! A file sent with an e-mail (issue 14 §2: a receipt's PDF, a donor's statement), checked
//! once on the way in: at most [`MAX_BYTES`], one of [`CONTENT_TYPES`], its name reduced to
//! safe characters ([`safe_file_name`], the same rule a download's name follows). Past
//! [`Attachment::new`] an attachment that breaks these cannot exist; the outbox's table
//! (migration 0035) repeats the bounds.

use crate::Problem;

/// The most bytes one attachment may have: 5 MB, as a claim's document.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// What may be attached: a PDF, a spreadsheet (XLSX) or a CSV file.
pub const CONTENT_TYPES: [&str; 3] = [
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
];

/// A file name's longest safe form.
pub const NAME_MAX: usize = 100;

/// ASCII letters, digits, `.`, `-` and `_`, at most [`NAME_MAX`]; `None` when nothing is
/// left. A name goes into a header (`Content-Disposition`, a MIME part's `filename`), so
/// quotes, line breaks and anything else a header could be bent with are dropped.
pub fn safe_file_name(name: &str) -> Option<String> {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(NAME_MAX)
        .collect();
    (!safe.is_empty()).then_some(safe)
}

/// One file, checked: its safe name, its type and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    file_name: String,
    content_type: &'static str,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    // The bytes are a document about a person: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

impl Attachment {
    /// `file_name` made safe (`fallback` when nothing of it is), `content_type` one of
    /// [`CONTENT_TYPES`], `bytes` not empty and at most [`MAX_BYTES`].
    pub fn new(
        file_name: &str,
        fallback: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Attachment, Problem> {
        if bytes.len() > MAX_BYTES {
            return Err(Problem::new(
                "attachment_too_large",
                format!(
                    "Lampiran paling besar 5 MB; berkas ini {} byte.",
                    bytes.len()
                ),
                format!(
                    "An attachment has at most 5 MB; this file has {} bytes.",
                    bytes.len()
                ),
            ));
        }
        if bytes.is_empty() {
            return Err(Problem::new(
                "attachment_empty",
                "Lampiran kosong.",
                "The attachment is empty.",
            ));
        }
        let Some(content_type) = CONTENT_TYPES
            .into_iter()
            .find(|t| t.eq_ignore_ascii_case(content_type.trim()))
        else {
            let shown: String = content_type.chars().take(60).collect();
            return Err(Problem::new(
                "attachment_type",
                format!(
                    "Jenis lampiran \"{shown}\" tidak dapat dikirim (hanya PDF, XLSX atau CSV)."
                ),
                format!(
                    "An attachment of type \"{shown}\" cannot be sent (only PDF, XLSX or CSV)."
                ),
            ));
        };
        let file_name = safe_file_name(file_name)
            .or_else(|| safe_file_name(fallback))
            .unwrap_or_else(|| "lampiran".into());
        Ok(Attachment {
            file_name,
            content_type,
            bytes,
        })
    }

    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn size(&self) -> usize {
        self.bytes.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_safe_characters() {
        assert_eq!(
            safe_file_name("akta kematian.pdf").unwrap(),
            "aktakematian.pdf"
        );
        assert_eq!(safe_file_name("\"; x=\r\n.pdf").unwrap(), "x.pdf");
        assert_eq!(safe_file_name("фото"), None);
        assert_eq!(safe_file_name(&"a".repeat(500)).unwrap().len(), NAME_MAX);
    }

    #[test]
    fn an_attachment_is_bounded_typed_and_safely_named() {
        let a = Attachment::new(
            "kuitansi KW/2026/000001.pdf",
            "x",
            "Application/PDF",
            b"%PDF-".to_vec(),
        )
        .unwrap();
        assert_eq!(a.file_name(), "kuitansiKW2026000001.pdf");
        assert_eq!(a.content_type(), "application/pdf");
        assert_eq!(a.size(), 5);
        assert!(!format!("{a:?}").contains("PDF-"));
        let named = Attachment::new("фото", "laporan.xlsx", CONTENT_TYPES[1], vec![1]).unwrap();
        assert_eq!(named.file_name(), "laporan.xlsx");

        let big = Attachment::new("a.pdf", "a", "application/pdf", vec![0; MAX_BYTES + 1]);
        assert_eq!(big.unwrap_err().code, "attachment_too_large");
        assert!(Attachment::new("a.pdf", "a", "application/pdf", vec![0; MAX_BYTES]).is_ok());
        let empty = Attachment::new("a.pdf", "a", "application/pdf", Vec::new());
        assert_eq!(empty.unwrap_err().code, "attachment_empty");
        let exe = Attachment::new("a.exe", "a", "application/x-msdownload", vec![1]);
        assert_eq!(exe.unwrap_err().code, "attachment_type");
    }
}
