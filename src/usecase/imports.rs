//! Lists of workers a proposer uploads: storing one, and who may read its report.

use super::{Ctx, Error};
use crate::auth::Role;
use crate::db::imports::{self, ErrorRow, ImportRecord, Submitter};
use std::path::Path;

/// Who may upload a list: a proposer, for their organisation.
pub const UPLOADERS: [Role; 1] = [Role::Proposer];

/// The most report lines of each kind a view carries; the CSV has them all.
pub const REPORT_LIMIT: i64 = 1000;

/// An import and the first [`REPORT_LIMIT`] of its refused rows and of its warnings.
pub struct Report {
    pub import: ImportRecord,
    /// These exact bytes were imported before: nothing new was stored.
    pub already_imported: bool,
    pub errors: Vec<ErrorRow>,
    pub warnings: Vec<ErrorRow>,
}

/// An uploaded file, saved by the edge that received it.
pub struct Upload<'a> {
    pub path: &'a Path,
    pub file_name: &'a str,
}

/// Takes an uploaded list for the proposer's organisation: its header is read at once (a file
/// that cannot be read at all is `Invalid`), the import record made, and the file stored,
/// sealed, for the import's job (`usecase::jobs`), which checks, de-duplicates and stores the
/// rows in batches (`import::execute`) on whichever runner claims it. The report comes back
/// at once, `running`, unless these bytes were imported before (`already_imported`).
pub async fn submit(ctx: Ctx<'_>, upload: Upload<'_>) -> Result<Report, Error> {
    let p = ctx.require(&UPLOADERS)?;
    let who = Submitter {
        organisation_id: p.organisation_id.ok_or(Error::Forbidden)?,
        user_id: p.user_id,
        import_id: None,
    };
    let (import, already_imported) = take(ctx.db, who, upload, ctx.clock).await?;
    with_lines(ctx, import, already_imported).await
}

/// [`submit`] for `who`, already known to be a proposer of that organisation (the command
/// line names them): `(import, already_imported)`.
pub async fn take(
    db: &crate::db::Db,
    who: Submitter,
    upload: Upload<'_>,
    clock: &dyn crate::clock::Clock,
) -> Result<(ImportRecord, bool), Error> {
    let prepared = crate::import::prepare(db, upload.path, upload.file_name, who, clock)
        .await?
        .map_err(|e| Error::Invalid(vec![e.0]))?;
    if !prepared.already_imported {
        let id = prepared.import.id;
        crate::db::jobs::store_file(db, id, upload.path).await?;
        super::jobs::queue_import(db, id, clock.now()).await?;
    }
    Ok((prepared.import, prepared.already_imported))
}

/// The import, if the caller may see it: its proposer organisation, officers in scope of
/// that organisation's region, and admins. Anyone else: not found.
pub async fn visible(ctx: Ctx<'_>, id: i64) -> Result<ImportRecord, Error> {
    let rec = imports::get(ctx.db, id)
        .await?
        .ok_or(Error::NotFound("Unggahan"))?;
    let p = ctx.actor;
    let ok = match p.role {
        Role::Admin => true,
        Role::Proposer => p.organisation_id == Some(rec.organisation_id),
        Role::Officer => crate::db::users::organisation(ctx.db, rec.organisation_id)
            .await?
            .is_some_and(|o| p.covers(&o.region_code)),
        Role::Donor | Role::Viewer => false,
    };
    if ok {
        Ok(rec)
    } else {
        Err(Error::NotFound("Unggahan"))
    }
}

/// The report of an import the caller may see.
pub async fn report(ctx: Ctx<'_>, id: i64) -> Result<Report, Error> {
    let rec = visible(ctx, id).await?;
    with_lines(ctx, rec, false).await
}

async fn with_lines(
    ctx: Ctx<'_>,
    import: ImportRecord,
    already_imported: bool,
) -> Result<Report, Error> {
    let errors = imports::errors(ctx.db, import.id, "error", REPORT_LIMIT).await?;
    let warnings = imports::errors(ctx.db, import.id, "warning", REPORT_LIMIT).await?;
    Ok(Report {
        import,
        already_imported,
        errors,
        warnings,
    })
}

/// The NIKs proposers sent again that another organisation registered, for the officer who
/// verifies those workers: an officer sees those of workers in their regions, an admin all.
/// The proposer was told only "sudah terdaftar; petugas akan menghubungi Anda".
pub async fn duplicate_submissions(
    ctx: Ctx<'_>,
) -> Result<Vec<imports::DuplicateSubmission>, Error> {
    let p = ctx.require(&crate::auth::role::STAFF)?;
    let regions = (p.role != Role::Admin).then_some(p.scopes.as_slice());
    Ok(imports::duplicate_submissions(ctx.db, regions, 500).await?)
}

/// Every refused row of an import the caller may see, for its CSV (`errors.csv`, which
/// carries the NIKs the proposer sent). Each export is recorded in the audit trail, once,
/// with how many rows it held (docs/privacy.md).
pub async fn errors_export(ctx: Ctx<'_>, id: i64) -> Result<Vec<ErrorRow>, Error> {
    let rec = visible(ctx, id).await?;
    let rows = imports::errors(ctx.db, rec.id, "error", i64::MAX).await?;
    super::privacy::record(
        ctx,
        super::privacy::Reveal::Exported,
        "import",
        rec.id,
        serde_json::json!({ "file": "errors.csv", "rows": rows.len() }),
    )
    .await?;
    Ok(rows)
}
