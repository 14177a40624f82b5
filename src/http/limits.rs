//! How much a request may send and how long it may take, by route: the one table of body
//! caps, request timeouts and which routes are uploads (limited in number at a time). The
//! router's `limits` layer (`app::router`) reads it before a byte of the body is read:
//! a `Content-Length` over the cap is refused at once, and a chunked body is cut at the cap.
//! docs/operations.md, "Limits", lists the same numbers for a site.

use axum::http::Method;
use lingkaran_domain::Problem;
use std::time::Duration;

const KIB: usize = 1024;
const MIB: usize = 1024 * 1024;

/// JSON bodies and forms: everything that is not an upload.
pub const FORM_BYTES: usize = 64 * KIB;
/// A proposer's list of workers (CSV or XLSX; a million rows is about 100 MB).
pub const LIST_UPLOAD_BYTES: usize = 128 * MIB;
/// A bank statement (CSV or MT940).
pub const STATEMENT_UPLOAD_BYTES: usize = 16 * MIB;
/// The evidence of a manual payment (a scan or photo of a transfer slip).
pub const EVIDENCE_UPLOAD_BYTES: usize = 10 * MIB;
/// The insurer's files: self-payments (`nik,bulan,iuran`) and the NIKs already covered.
pub const INSURER_FILE_BYTES: usize = 32 * MIB;
/// A claim's document (a PDF, JPEG or PNG of at most 5 MB, `claims::DOCUMENT_MAX`) with its
/// form around it.
pub const CLAIM_DOCUMENT_BYTES: usize = 6 * MIB;
/// A donor's list of NIKs attached to the donate form.
pub const NIK_LIST_UPLOAD_BYTES: usize = 8 * MIB;

/// A connection that has not sent its whole request head within this is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A request to a JSON or form route that has not been answered within this gets 408.
pub const FORM_TIMEOUT: Duration = Duration::from_secs(30);
/// The same for a read (GET, HEAD): a long list or an export.
pub const READ_TIMEOUT: Duration = Duration::from_secs(120);
/// The same for a change that moves money over a whole donation's worker-months (a payment
/// callback funding a large donation, a donation, an extension, a bulk decision).
pub const MONEY_TIMEOUT: Duration = Duration::from_secs(300);
/// The same for an upload: receiving the file and storing it for its job (a list's rows are
/// read by the import's job, after the answer; the upload page waits a moment for a small one).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// Uploads (lists, statements, evidence, the insurer's files) handled at once by one
/// server; one more is answered 503 with `Retry-After` (a setting,
/// `LINGKARAN_CONCURRENT_UPLOADS`, overrides it).
pub const CONCURRENT_UPLOADS: usize = 4;

/// What a request may send and how long it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The most bytes of body.
    pub bytes: usize,
    /// How long the whole request may take, body included.
    pub timeout: Duration,
    /// An upload: counted against the concurrent uploads.
    pub upload: bool,
}

const FORM: Limit = Limit {
    bytes: FORM_BYTES,
    timeout: FORM_TIMEOUT,
    upload: false,
};

const fn upload(bytes: usize) -> Limit {
    Limit {
        bytes,
        timeout: UPLOAD_TIMEOUT,
        upload: true,
    }
}

/// The limit of a request to `path` with `method`. Reads (GET, HEAD) carry no body (an
/// import's progress, `GET /api/v1/imports/{id}`, is one); every route not named here takes
/// a JSON body or a form (a password change, `POST /api/v1/me/password` and `/kata-sandi`,
/// revoking a token, `/token/cabut`, a sign-in, a sign-up).
pub fn for_route(method: &Method, path: &str) -> Limit {
    if method != Method::POST && method != Method::PUT {
        return Limit {
            timeout: READ_TIMEOUT,
            ..FORM
        };
    }
    let path = path.trim_end_matches('/');
    if moves_money(path) {
        return Limit {
            timeout: MONEY_TIMEOUT,
            ..FORM
        };
    }
    match path {
        "/api/v1/imports" | "/unggah" => upload(LIST_UPLOAD_BYTES),
        "/api/v1/statements" | "/mutasi" => upload(STATEMENT_UPLOAD_BYTES),
        "/api/v1/payments/manual" | "/pembayaran/manual" => upload(EVIDENCE_UPLOAD_BYTES),
        "/api/v1/self-payments/import" | "/api/v1/covered-niks" => upload(INSURER_FILE_BYTES),
        "/donasi/baru" => upload(NIK_LIST_UPLOAD_BYTES),
        _ if claim_document(path) => upload(CLAIM_DOCUMENT_BYTES),
        _ => FORM,
    }
}

/// `/api/v1/claims/{id}/documents` and `/klaim/{id}/dokumen`.
fn claim_document(path: &str) -> bool {
    let id_then = |prefix: &str, suffix: &str| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
    };
    id_then("/api/v1/claims/", "/documents") || id_then("/klaim/", "/dokumen")
}

/// Routes whose work grows with a donation's size (every worker-month it funds or frees).
fn moves_money(path: &str) -> bool {
    let under = |prefix: &str, suffixes: &[&str]| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| suffixes.iter().any(|s| rest.ends_with(s)))
    };
    matches!(
        path,
        "/api/v1/payments/callback"
            | "/api/v1/donations"
            | "/api/v1/workers/decisions"
            | "/antrian"
    ) || under(
        "/api/v1/donations/",
        &["/extend", "/pay-from-credit", "/cancel"],
    ) || under("/api/v1/statement-lines/", &["/resolve"])
        || under("/api/v1/donors/", &["/refunds"])
        || under("/donasi/", &["/perpanjang", "/bayar-kredit", "/batal"])
        || path.starts_with("/mutasi/baris/")
}

/// A size in words: `64 KB`, `128 MB`.
pub fn size_words(bytes: usize) -> String {
    if bytes >= MIB {
        format!("{} MB", bytes / MIB)
    } else {
        format!("{} KB", bytes.div_ceil(KIB))
    }
}

/// The refusal of a body over `limit` bytes (413), for the API's envelope and the pages.
pub fn too_large(limit: usize) -> Problem {
    let size = size_words(limit);
    Problem::new(
        "body_too_large",
        format!("Isi permintaan terlalu besar: paling banyak {size} untuk alamat ini."),
        format!("The request body is too large: at most {size} for this address."),
    )
}

/// The refusal of an upload while as many as allowed are running (503).
pub fn busy() -> Problem {
    Problem::new(
        "busy",
        "Terlalu banyak unggahan sedang diproses. Coba lagi sebentar lagi.",
        "Too many uploads are being processed. Try again in a moment.",
    )
}

/// The refusal of a request that took longer than its route allows (408).
pub fn timed_out() -> Problem {
    Problem::new(
        "timeout",
        "Permintaan terlalu lama diproses. Coba lagi.",
        "The request took too long. Try again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_have_their_own_caps_and_the_rest_64_kib() {
        assert_eq!(
            for_route(&Method::POST, "/api/v1/imports").bytes,
            LIST_UPLOAD_BYTES
        );
        assert_eq!(
            for_route(&Method::POST, "/mutasi").bytes,
            STATEMENT_UPLOAD_BYTES
        );
        assert_eq!(for_route(&Method::POST, "/api/v1/signup").bytes, 64 * 1024);
        assert!(!for_route(&Method::POST, "/daftar").upload);
        assert_eq!(for_route(&Method::POST, "/daftar").timeout, FORM_TIMEOUT);
        assert_eq!(
            for_route(&Method::POST, "/api/v1/payments/callback").timeout,
            MONEY_TIMEOUT
        );
        assert_eq!(
            for_route(&Method::POST, "/api/v1/donations/7/extend").timeout,
            MONEY_TIMEOUT
        );
        assert_eq!(for_route(&Method::GET, "/donasi/7").timeout, READ_TIMEOUT);
        // Sign-in's and jobs' routes: forms and reads.
        for path in ["/api/v1/me/password", "/kata-sandi", "/token/cabut"] {
            assert_eq!(for_route(&Method::POST, path), FORM, "{path}");
        }
        assert_eq!(
            for_route(&Method::GET, "/api/v1/imports/7").timeout,
            READ_TIMEOUT
        );
        assert!(!for_route(&Method::GET, "/api/v1/imports/7").upload);
        // A claim's document: 5 MB and its form, and nowhere else under the claims.
        for path in ["/api/v1/claims/12/documents", "/klaim/12/dokumen"] {
            assert_eq!(
                for_route(&Method::POST, path),
                upload(CLAIM_DOCUMENT_BYTES),
                "{path}"
            );
        }
        for path in [
            "/klaim/12/ahli-waris",
            "/klaim//dokumen",
            "/klaim/1/2/dokumen",
        ] {
            assert_eq!(for_route(&Method::POST, path), FORM, "{path}");
        }
        assert_eq!(size_words(64 * 1024), "64 KB");
        assert_eq!(size_words(128 * 1024 * 1024), "128 MB");
    }
}
