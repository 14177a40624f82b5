//! An uploaded list, streamed to a temporary file so that it never sits in memory whole: the
//! API's and the upload page's multipart field `file`.

use axum::extract::multipart::MultipartError;
use axum::extract::Multipart;
use axum::http::StatusCode;
use lingkaran_domain::Problem;
use tokio::io::AsyncWriteExt;

/// Uploads of lists up to this size are accepted (a million rows is about 100 MB). The
/// router's body limit (`app::router`) and the words of [`too_large`] both read it.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

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

/// The words for a body over the limit: the API's envelope and the pages say the same.
pub fn too_large() -> Problem {
    let mb = MAX_UPLOAD_BYTES / (1024 * 1024);
    Problem::new(
        "body_too_large",
        format!("Isi permintaan terlalu besar: paling banyak {mb} MB."),
        format!("The request body is too large: at most {mb} MB."),
    )
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
pub async fn save_file(mut mp: Multipart) -> anyhow::Result<Result<Saved, Unreadable>> {
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
                let name = field.file_name().unwrap_or("upload.csv").to_string();
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
