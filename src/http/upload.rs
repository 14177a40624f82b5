//! An uploaded list, streamed to a temporary file so that it never sits in memory whole: the
//! API's and the upload page's multipart field `file`.

use axum::extract::multipart::MultipartError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use lingkaran_domain::Problem;
use tokio::io::AsyncWriteExt;

/// Uploads of lists up to this size are accepted (`http::limits`, which the router's
/// `guard` layer applies before the body is read).
pub const MAX_UPLOAD_BYTES: usize = super::limits::LIST_UPLOAD_BYTES;

/// A file saved from a multipart upload.
pub struct Saved {
    /// Deleted when dropped.
    pub path: tempfile::TempPath,
    /// The name the sender gave it.
    pub name: String,
    /// The form's `csrf` field, if it had one (a page's form checks it).
    pub csrf: Option<String>,
}

/// An upload the sender must fix, with the status it deserves: 413 when it is over the size
/// limit, 422 otherwise.
#[derive(Debug)]
pub struct Unreadable {
    pub status: StatusCode,
    pub problem: Problem,
}

/// The words for a list over the limit: the API's envelope and the pages say the same.
pub fn too_large() -> Problem {
    super::limits::too_large(MAX_UPLOAD_BYTES)
}

/// A page's upload whose `csrf` field was missing, wrong, or came after the file.
pub fn csrf_refused() -> Unreadable {
    Unreadable {
        status: StatusCode::FORBIDDEN,
        problem: Problem::new(
            "csrf",
            "Permintaan ditolak: token CSRF tidak cocok. Muat ulang halaman.",
            "Request refused: the CSRF token does not match. Reload the page.",
        ),
    }
}

/// A multipart field that could not be read: too large (413), else cut off or malformed (422).
pub fn unreadable(e: MultipartError) -> Unreadable {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Unreadable {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            problem: too_large(),
        };
    }
    Unreadable {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        problem: Problem::new(
            "bad_upload",
            format!("Unggahan terputus atau rusak: {e}"),
            format!("The upload was cut off or malformed: {e}"),
        ),
    }
}

/// Streams the multipart field `file` to a temporary file. `Ok(Err(problem))`: the upload
/// is the sender's to fix (no file, cut off); `Err`: the disk failed.
pub async fn save_file(mp: Multipart) -> anyhow::Result<Result<Saved, Unreadable>> {
    save_file_checked(mp, |_| true).await
}

/// [`save_file`] for a page's form: the `csrf` field must come before the file and pass
/// `csrf_ok`, or the file is not read at all (a forged form cannot make us store its
/// upload). The page's form puts its hidden `csrf` field first, as browsers send fields in
/// order. Refused: 403 with `code` `csrf`.
pub async fn save_file_checked(
    mut mp: Multipart,
    csrf_ok: impl Fn(Option<&str>) -> bool,
) -> anyhow::Result<Result<Saved, Unreadable>> {
    let mut saved = None;
    let mut csrf = None;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Ok(Err(unreadable(e))),
        };
        match field.name() {
            Some("file") => {
                if !csrf_ok(csrf.as_deref()) {
                    return Ok(Err(csrf_refused()));
                }
                // Stored with the import: PostgreSQL cannot store the NUL character.
                let name = field.file_name().unwrap_or("upload.csv").replace('\0', "");
                let (std_file, path) = tempfile::NamedTempFile::new()?.into_parts();
                let mut f = tokio::fs::File::from_std(std_file);
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => f.write_all(&chunk).await?,
                        Ok(None) => break,
                        Err(e) => return Ok(Err(unreadable(e))),
                    }
                }
                f.flush().await?;
                saved = Some((path, name));
            }
            Some("csrf") => match field.text().await {
                Ok(t) => csrf = Some(t),
                Err(e) => return Ok(Err(unreadable(e))),
            },
            _ => {}
        }
    }
    Ok(match saved {
        Some((path, name)) => Ok(Saved { path, name, csrf }),
        None => Err(Unreadable {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            problem: Problem::new(
                "no_file",
                "Pilih berkas CSV atau XLSX untuk diunggah (kolom 'file').",
                "Choose a CSV or XLSX file to upload (field 'file').",
            ),
        }),
    })
}
