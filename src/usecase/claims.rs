//! Claims (issue 13 §2): a proposer or an officer files a notification; Lingkaran checks the
//! coverage on the event date from its own months, estimates what the law gives, and
//! follows BPJS's stages. A death or a permanent total disability stops the worker's future
//! months through the lifecycle. The API and the pages call these.

use super::{Ctx, Error};
use crate::auth::role::{CLAIM_FILERS, STAFF};
use crate::auth::Role;
use crate::db::claims::{self, ClaimRow, NewClaim, StepInput, StepRefusal};
use crate::db::lifecycle::{self, StopReason};
use crate::db::outbox::{self, NewMessage};
use chrono::NaiveDate;
use lingkaran_domain::benefits::{self, Case, Kind};
use lingkaran_domain::claims::{self as rules, CoverageCheck, Notification, Stage};
use lingkaran_domain::programme::Programme;
use lingkaran_domain::rates::Month;
use lingkaran_domain::{Nik, Problem};
use serde_json::{json, Value};

/// A notification as typed.
#[derive(Debug, Clone, Default)]
pub struct FileClaim {
    pub nik: String,
    pub kind: String,
    pub event_date: Option<NaiveDate>,
    pub event_time: Option<String>,
    pub place: String,
    pub cause: String,
    pub notifier_name: String,
    pub notifier_phone: String,
    /// An occupational disease: job, exposure, diagnosis.
    pub disease: Option<(String, String, String)>,
    /// jkk-partial: percentages in basis points; jkk-stmb: months unable to work.
    pub body_bp: Option<u32>,
    pub function_loss_bp: Option<u32>,
    pub months_unable: Option<u32>,
}

/// A claim with what its page shows.
#[derive(Debug, Clone)]
pub struct ClaimView {
    pub claim: ClaimRow,
    /// The coverage check and the estimate as recorded when filed (JSON, no personal data).
    pub check: Value,
    pub estimate: Value,
    pub steps: Vec<(
        String,
        Option<String>,
        String,
        chrono::DateTime<chrono::Utc>,
    )>,
    /// BPJS's decided amounts, line by line.
    pub decided: Vec<(String, i64)>,
    /// Where BPJS's amount differs from the estimate: (code, estimated, decided). An item for
    /// the officer, not an error.
    pub differences: Vec<(String, Option<i64>, Option<i64>)>,
    /// Whether the caller may record BPJS's stages.
    pub may_step: bool,
    /// The heirs in the legal order, and the attachments (without their bytes).
    pub heirs: Vec<claims::Heir>,
    pub documents: Vec<claims::Document>,
}

/// The programme whose months and confirmations a claim of `kind` reads.
fn programme(kind: Kind) -> Programme {
    if kind.is_jkk() {
        Programme::Jkk
    } else {
        Programme::Jkm
    }
}

/// The check and the estimate of `kind` for `worker` at `event`, from the store's months.
/// What a claim of `kind` finds: the coverage check, the estimate (or its input's problems),
/// and the donor whose money paid the event month.
struct Assessed {
    check: CoverageCheck,
    estimate: Result<benefits::Estimate, Vec<Problem>>,
    donor_id: Option<i64>,
}

async fn assess(
    ctx: &Ctx<'_>,
    worker: &claims::ClaimWorker,
    kind: Kind,
    event: NaiveDate,
    input: &FileClaim,
) -> Result<Assessed, Error> {
    let rules = super::benefits::rules().map_err(|p| Error::Internal(anyhow::anyhow!(p.en)))?;
    let month = Month::of(event);
    let facts = claims::facts(ctx.db, worker.id, month, programme(kind)).await?;
    let lapse = rules
        .rule("membership.lapse_months", event)
        .map(|r| u32::try_from(r.value).unwrap_or(3))
        .unwrap_or(3);
    let membership = benefits::membership_months(&facts.paid, month, lapse);
    let early = rules.rule("jkm.early_months", event).map(|r| r.value);
    let check = rules::check(
        &facts.event,
        membership,
        facts.sponsored_months,
        facts.self_months,
        early.filter(|_| kind == Kind::Jkm),
    );
    let estimate = benefits::estimate(
        rules,
        &Case {
            kind,
            event,
            income: worker.income,
            membership_months: membership,
            paid_months: check.paid_months(),
            body_bp: input.body_bp,
            function_loss_bp: input.function_loss_bp,
            months_unable: input.months_unable,
            filed: Some(ctx.clock.today().max(event)),
        },
    );
    Ok(Assessed {
        check,
        estimate,
        donor_id: facts.donor_id,
    })
}

fn problems_json(ps: &[Problem]) -> Value {
    Value::Array(
        ps.iter()
            .map(|p| json!({ "code": p.code, "message": p.id, "message_en": p.en }))
            .collect(),
    )
}

fn check_json(c: &CoverageCheck) -> Value {
    json!({
        "verdict": c.verdict.code(),
        "reasons": problems_json(&c.reasons),
        "membership_months": c.membership_months,
        "sponsored_months": c.sponsored_months,
        "self_months": c.self_months,
        "paid_months": c.paid_months(),
    })
}

fn estimate_json(e: &benefits::Estimate) -> Value {
    let lines = |ls: &[benefits::Line]| {
        Value::Array(
            ls.iter()
                .map(|l| json!({ "code": l.code, "amount": l.amount, "source": l.source }))
                .collect(),
        )
    };
    json!({
        "kind": e.kind.code(),
        "eligible": e.eligible,
        "reasons": problems_json(&e.reasons),
        "total": e.total,
        "lines": lines(&e.lines),
        "scholarship_eligible": e.scholarship_eligible,
        "scholarship_max": e.scholarship_max,
        "ceilings": lines(&e.ceilings),
    })
}

/// Whether the caller may see and act on `worker`'s claims: staff in scope, a proposer for its
/// organisation's workers.
fn reaches(ctx: &Ctx<'_>, village_code: &str, organisation_id: i64) -> bool {
    match ctx.actor.role {
        Role::Admin => true,
        Role::Officer => ctx.actor.covers(village_code),
        Role::Proposer => ctx.actor.organisation_id == Some(organisation_id),
        Role::Donor | Role::Viewer => false,
    }
}

/// Files a notification. Returns the claim (the one already filed for the same worker, kind
/// and event, when there is one: filing twice changes nothing).
pub async fn file(ctx: Ctx<'_>, input: &FileClaim) -> Result<ClaimView, Error> {
    ctx.require(&CLAIM_FILERS)?;
    let mut problems = Vec::new();
    let kind = Kind::parse(&input.kind);
    if kind.is_none() {
        problems.push(Problem::new(
            "bad_kind",
            "Jenis klaim harus jkm, jkk-death, jkk-total-disability, jkk-partial atau jkk-stmb.",
            "The kind must be jkm, jkk-death, jkk-total-disability, jkk-partial or jkk-stmb.",
        ));
    }
    let today = ctx.clock.today();
    match input.event_date {
        None => problems.push(Problem::new(
            "required",
            "Tanggal kejadian wajib diisi.",
            "The date of the event is required.",
        )),
        Some(d) if d > today => problems.push(Problem::new(
            "event_in_future",
            "Tanggal kejadian tidak boleh sesudah hari ini.",
            "The date of the event cannot be after today.",
        )),
        Some(d) if d < NaiveDate::from_ymd_opt(2015, 7, 1).unwrap_or(NaiveDate::MIN) => problems
            .push(Problem::new(
                "event_too_old",
                "Tanggal kejadian sebelum 1 Juli 2015 tidak dapat dicatat.",
                "An event before 1 July 2015 cannot be recorded.",
            )),
        Some(_) => {}
    }
    let nik = match Nik::parse(&input.nik, today) {
        Ok(n) => Some(n.to_string()),
        Err(ps) => {
            problems.extend(ps);
            None
        }
    };
    let disease = input
        .disease
        .as_ref()
        .map(|(j, e, d)| (j.as_str(), e.as_str(), d.as_str()));
    let phone = match rules::check_notification(&Notification {
        place: &input.place,
        cause: &input.cause,
        time: input.event_time.as_deref(),
        notifier_name: &input.notifier_name,
        notifier_phone: &input.notifier_phone,
        disease,
    }) {
        Ok(p) => Some(p),
        Err(ps) => {
            problems.extend(ps);
            None
        }
    };
    let (Some(kind), Some(event), Some(nik), Some(phone), true) =
        (kind, input.event_date, nik, phone, problems.is_empty())
    else {
        return Err(Error::Invalid(problems));
    };
    let worker = claims::worker_by_nik(ctx.db, &nik)
        .await?
        .filter(|w| reaches(&ctx, &w.village_code, w.organisation_id))
        .ok_or(Error::NotFound("pekerja"))?;
    let Assessed {
        check,
        estimate,
        donor_id,
    } = assess(&ctx, &worker, kind, event, input).await?;
    let estimate = estimate.map_err(Error::Invalid)?;
    let disease_json = input
        .disease
        .as_ref()
        .map(|(j, e, d)| json!({ "job": j, "exposure": e, "diagnosis": d }).to_string());
    let new = NewClaim {
        worker_id: worker.id,
        kind: kind.code(),
        event_date: event,
        event_time: input.event_time.as_deref(),
        place: input.place.trim(),
        cause: input.cause.trim(),
        notifier_name: input.notifier_name.trim(),
        notifier_phone: &phone,
        disease: disease_json.as_deref(),
        verdict: check.verdict.code(),
        check_json: check_json(&check).to_string(),
        income: worker.income,
        body_bp: input.body_bp,
        function_loss_bp: input.function_loss_bp,
        months_unable: input.months_unable,
        estimate_total: estimate.total,
        estimate_json: estimate_json(&estimate).to_string(),
        redirected_from: None,
        donor_id,
    };
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    let (id, new_claim) = claims::insert(&mut tx, &new, ctx.by(), now).await?;
    tx.commit().await?;
    if new_claim {
        tell_filed(
            &ctx,
            id,
            kind,
            &worker,
            event,
            &phone,
            estimate.total,
            donor_id,
        )
        .await?;
    }
    // A death or a permanent total disability ends the worker's future months: their money
    // goes back to the donor's credit or the pool (the lifecycle's rule). Its own transaction,
    // after the claim's: a worker already stopped is left as is, so filing again finishes it.
    let stop = match kind {
        Kind::Jkm | Kind::JkkDeath => Some(StopReason::Deceased),
        Kind::JkkTotalDisability => Some(StopReason::Left),
        Kind::JkkPartial | Kind::JkkStmb => None,
    };
    if let Some(reason) = stop.filter(|_| !matches!(worker.status.as_str(), "deceased" | "left")) {
        let note = match kind {
            Kind::JkkTotalDisability => format!(
                "Cacat total tetap akibat kecelakaan kerja pada {} (klaim {id})",
                lingkaran_domain::format::date(event, "id")
            ),
            _ => format!(
                "Meninggal dunia pada {} (klaim {id})",
                lingkaran_domain::format::date(event, "id")
            ),
        };
        // A refusal (a status that cannot change) leaves the claim filed; the officer sees
        // the worker's status on the claim's page.
        let _ =
            lifecycle::stop_worker(ctx.db, worker.id, reason, event, Some(&note), ctx.by(), now)
                .await?;
    }
    open(ctx, id).await
}

/// One claim with its steps, BPJS's amounts and their differences from the estimate.
pub async fn open(ctx: Ctx<'_>, id: i64) -> Result<ClaimView, Error> {
    ctx.require(&CLAIM_FILERS)?;
    let claim = claims::get(ctx.db, id)
        .await?
        .filter(|c| reaches(&ctx, &c.village_code, c.organisation_id))
        .ok_or(Error::NotFound("klaim"))?;
    let check: Value = serde_json::from_str(&claim.check_json).unwrap_or(Value::Null);
    let estimate: Value = serde_json::from_str(&claim.estimate_json).unwrap_or(Value::Null);
    let steps = claims::steps(ctx.db, id).await?;
    let decided = claims::amounts(ctx.db, id).await?;
    let estimated: Vec<(String, i64)> = estimate["lines"]
        .as_array()
        .map(|ls| {
            ls.iter()
                .filter_map(|l| Some((l["code"].as_str()?.to_string(), l["amount"].as_i64()?)))
                .collect()
        })
        .unwrap_or_default();
    let differences = if decided.is_empty() {
        Vec::new()
    } else {
        let mut codes: Vec<&String> = estimated
            .iter()
            .map(|(c, _)| c)
            .chain(decided.iter().map(|(c, _)| c))
            .collect();
        codes.sort();
        codes.dedup();
        codes
            .into_iter()
            .filter_map(|code| {
                let e = estimated.iter().find(|(c, _)| c == code).map(|(_, a)| *a);
                let d = decided.iter().find(|(c, _)| c == code).map(|(_, a)| *a);
                (e != d).then(|| (code.clone(), e, d))
            })
            .collect()
    };
    let heirs = claims::heirs(ctx.db, id).await?;
    let documents = claims::documents(ctx.db, id).await?;
    Ok(ClaimView {
        heirs,
        documents,
        may_step: STAFF.contains(&ctx.actor.role),
        claim,
        check,
        estimate,
        steps,
        decided,
        differences,
    })
}

/// The claims queue: claims at `stages` (open ones when empty) that the caller reaches.
pub async fn queue(ctx: Ctx<'_>, stages: &[Stage]) -> Result<Vec<ClaimRow>, Error> {
    ctx.require(&CLAIM_FILERS)?;
    let open: Vec<Stage> = Stage::ALL.into_iter().filter(|s| !s.is_final()).collect();
    let stages = if stages.is_empty() { &open[..] } else { stages };
    let p = ctx.actor;
    let rows = match p.role {
        Role::Admin => claims::list(ctx.db, stages, None, None, 500).await?,
        Role::Officer => claims::list(ctx.db, stages, Some(&p.scopes), None, 500).await?,
        Role::Proposer => match p.organisation_id {
            Some(o) => claims::list(ctx.db, stages, None, Some(o), 500).await?,
            None => Vec::new(),
        },
        Role::Donor | Role::Viewer => return Err(Error::Forbidden),
    };
    Ok(rows)
}

/// A step of BPJS's process, as an officer records it.
#[derive(Debug, Clone, Default)]
pub struct StepRequest {
    pub to: String,
    pub note: Option<String>,
    /// BPJS's reason, required for `ditolak`.
    pub rejected_reason: Option<String>,
    /// BPJS's decided amounts (code, amount), at most 20 lines.
    pub amounts: Vec<(String, i64)>,
}

/// Records BPJS's next stage of a claim. `dialihkan` (a JKK claim re-classified as JKM) files
/// the JKM claim that carries on, in the same transaction.
pub async fn step(ctx: Ctx<'_>, id: i64, req: &StepRequest) -> Result<ClaimView, Error> {
    ctx.require(&STAFF)?;
    let claim = claims::get(ctx.db, id)
        .await?
        .filter(|c| reaches(&ctx, &c.village_code, c.organisation_id))
        .ok_or(Error::NotFound("klaim"))?;
    let mut problems = Vec::new();
    let to = Stage::parse(&req.to);
    if to.is_none() {
        problems.push(Problem::new(
            "bad_stage",
            format!(
                "Tahap \"{}\" tidak dikenal.",
                req.to.chars().take(40).collect::<String>()
            ),
            "Unknown stage.",
        ));
    }
    for (label_id, label_en, text) in [
        ("Catatan", "The note", req.note.as_deref()),
        (
            "Alasan penolakan",
            "The reason",
            req.rejected_reason.as_deref(),
        ),
    ] {
        if let Some(Err(p)) = text.map(|t| {
            lingkaran_domain::fields::check_len(
                label_id,
                label_en,
                t,
                lingkaran_domain::fields::NOTE_MAX,
            )
        }) {
            problems.push(p);
        }
    }
    if to == Some(Stage::Rejected)
        && req
            .rejected_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        problems.push(Problem::new(
            "required",
            "Alasan penolakan dari BPJS wajib diisi.",
            "BPJS's reason for the rejection is required.",
        ));
    }
    if req.amounts.len() > 20 {
        problems.push(Problem::new(
            "too_many",
            "Paling banyak 20 baris jumlah.",
            "At most 20 amount lines.",
        ));
    }
    for (code, amount) in &req.amounts {
        if !benefits::DECIDED_CODES.contains(&code.as_str()) {
            problems.push(Problem::new(
                "bad_amount_code",
                format!(
                    "Kode jumlah \"{}\" tidak dikenal.",
                    code.chars().take(60).collect::<String>()
                ),
                "Unknown amount code.",
            ));
        }
        if !(0..=10_000_000_000).contains(amount) {
            problems.push(lingkaran_domain::money::out_of_bounds("amount"));
        }
    }
    let (Some(to), true) = (to, problems.is_empty()) else {
        return Err(Error::Invalid(problems));
    };
    if to == Stage::Redirected && claim.kind == "jkm" {
        return Err(Error::conflict(
            "not_redirectable",
            "Hanya klaim JKK yang dapat dialihkan menjadi JKM.",
            "Only a JKK claim can be re-classified as JKM.",
        ));
    }
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin_write().await?;
    let mut redirected_to = None;
    if to == Stage::Redirected {
        // The JKM claim that carries on: the same event and notifier, checked and estimated
        // as JKM.
        let worker = claims::ClaimWorker {
            id: claim.worker_id,
            name: claim.worker_name.clone(),
            village_code: claim.village_code.clone(),
            organisation_id: claim.organisation_id,
            income: claim.income,
            status: String::new(),
        };
        let input = FileClaim::default();
        let Assessed {
            check,
            estimate,
            donor_id,
        } = assess(&ctx, &worker, Kind::Jkm, claim.event_date, &input).await?;
        let estimate = estimate.map_err(Error::Invalid)?;
        let new = NewClaim {
            worker_id: claim.worker_id,
            kind: Kind::Jkm.code(),
            event_date: claim.event_date,
            event_time: claim.event_time.as_deref(),
            place: &claim.place,
            cause: &claim.cause,
            notifier_name: &claim.notifier_name,
            notifier_phone: &claim.notifier_phone,
            disease: claim.disease.as_deref(),
            verdict: check.verdict.code(),
            check_json: check_json(&check).to_string(),
            income: claim.income,
            body_bp: None,
            function_loss_bp: None,
            months_unable: None,
            estimate_total: estimate.total,
            estimate_json: estimate_json(&estimate).to_string(),
            redirected_from: Some(claim.id),
            donor_id,
        };
        let (new_id, _) = claims::insert(&mut tx, &new, ctx.by(), now).await?;
        redirected_to = Some(new_id);
    }
    let input = StepInput {
        note: req.note.as_deref(),
        rejected_reason: req.rejected_reason.as_deref(),
        amounts: &req.amounts,
        redirected_to,
    };
    match claims::step(&mut tx, id, to, &input, ctx.by(), now).await? {
        Ok(()) => {}
        Err(StepRefusal::NotFound) => return Err(Error::NotFound("klaim")),
        Err(StepRefusal::NotAllowed { from }) => {
            let from_label = Stage::parse(&from).map(|s| s.label("id")).unwrap_or("?");
            return Err(Error::conflict(
                "stage_not_allowed",
                format!(
                    "Klaim pada tahap {from_label} tidak dapat berpindah ke {}.",
                    to.label("id")
                ),
                format!("A claim at {from} cannot move to {}.", to.code()),
            ));
        }
        Err(StepRefusal::SameOfficer) => {
            return Err(Error::conflict(
                "same_officer",
                "Petugas yang mencatat persetujuan tidak boleh mencatat pembayarannya: minta petugas lain.",
                "The officer who recorded the approval cannot record the payment: ask another officer.",
            ))
        }
    }
    tx.commit().await?;
    if to == Stage::Paid {
        tell_paid(&ctx, id).await?;
    }
    open(ctx, id).await
}

/// The worker as messages name them: initials and village, never a NIK.
fn named(worker_name: &str, village_code: &str) -> (String, String) {
    let village = crate::regions::RegionTable::get()
        .region(village_code)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| village_code.to_string());
    (rules::initials(worker_name), village)
}

/// Tells the family (an SMS to the notifier: what to bring, what to expect) and the donor
/// whose money paid the event month (an e-mail), once each (the outbox's keys).
#[allow(clippy::too_many_arguments)]
async fn tell_filed(
    ctx: &Ctx<'_>,
    id: i64,
    kind: Kind,
    worker: &claims::ClaimWorker,
    event: NaiveDate,
    phone: &str,
    estimate_total: i64,
    donor_id: Option<i64>,
) -> Result<(), Error> {
    let now = ctx.clock.now();
    let (initials, village) = named(&worker.name, &worker.village_code);
    outbox::enqueue(
        ctx.db,
        &NewMessage {
            dedupe_key: format!("claim:{id}:filed:family"),
            channel: "sms",
            recipient: phone.to_string(),
            subject: None,
            body: rules::family_sms(kind, &initials, estimate_total),
            attachment: None,
        },
        now,
    )
    .await?;
    if let Some(email) = match donor_id {
        Some(d) => claims::donor_email(ctx.db, d).await?,
        None => None,
    } {
        let (subject, body) = rules::donor_notice_filed(kind, &initials, &village, event);
        outbox::enqueue(
            ctx.db,
            &NewMessage {
                dedupe_key: format!("claim:{id}:filed:donor"),
                channel: "email",
                recipient: email,
                subject: Some(subject),
                body,
                attachment: None,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Tells the donor that BPJS paid: what BPJS decided, or the estimate when no amount was
/// recorded.
async fn tell_paid(ctx: &Ctx<'_>, id: i64) -> Result<(), Error> {
    let Some(claim) = claims::get(ctx.db, id).await? else {
        return Ok(());
    };
    let (Some(donor), Some(kind)) = (claim.donor_id, Kind::parse(&claim.kind)) else {
        return Ok(());
    };
    let Some(email) = claims::donor_email(ctx.db, donor).await? else {
        return Ok(());
    };
    // What the family received: medical care is paid to the hospital, not to the heirs.
    let amount = claims::paid_to_family(ctx.db, id)
        .await?
        .unwrap_or(claim.estimate_total);
    let (initials, village) = named(&claim.worker_name, &claim.village_code);
    let (subject, body) = rules::donor_notice_paid(kind, &initials, &village, amount);
    outbox::enqueue(
        ctx.db,
        &NewMessage {
            dedupe_key: format!("claim:{id}:paid:donor"),
            channel: "email",
            recipient: email,
            subject: Some(subject),
            body,
            attachment: None,
        },
        ctx.clock.now(),
    )
    .await?;
    Ok(())
}

/// The claim, if the caller may act on it.
async fn reachable(ctx: &Ctx<'_>, id: i64) -> Result<ClaimRow, Error> {
    ctx.require(&CLAIM_FILERS)?;
    claims::get(ctx.db, id)
        .await?
        .filter(|c| reaches(ctx, &c.village_code, c.organisation_id))
        .ok_or(Error::NotFound("klaim"))
}

/// Adds an heir: a relationship (`istri`, `anak`, `ibu`, … `wasiat`), which gives the rank in
/// the legal order, a name and an optional phone.
pub async fn add_heir(
    ctx: Ctx<'_>,
    id: i64,
    relationship: &str,
    name: &str,
    phone: Option<&str>,
) -> Result<ClaimView, Error> {
    reachable(&ctx, id).await?;
    let mut problems = Vec::new();
    let rank = rules::HeirRank::of_relationship(relationship);
    if rank.is_none() {
        problems.push(Problem::new(
            "bad_relationship",
            format!(
                "Hubungan \"{}\" tidak dikenal: pakai {}.",
                relationship.chars().take(40).collect::<String>(),
                rules::RELATIONSHIPS.map(|(r, _, _)| r).join(", ")
            ),
            "Unknown relationship.",
        ));
    }
    if name.trim().is_empty() {
        problems.push(Problem::new(
            "required",
            "Nama ahli waris wajib diisi.",
            "The heir's name is required.",
        ));
    } else if let Err(p) = lingkaran_domain::fields::check_name(
        "Nama ahli waris",
        "The heir's name",
        name,
        lingkaran_domain::fields::PERSON_NAME_MAX,
    ) {
        problems.push(p);
    }
    let phone = match phone.map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match lingkaran_domain::worker::normalise_phone(p) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(e);
                None
            }
        },
    };
    let (Some(rank), true) = (rank, problems.is_empty()) else {
        return Err(Error::Invalid(problems));
    };
    let mut tx = ctx.db.begin_write().await?;
    claims::add_heir(
        &mut tx,
        id,
        relationship.trim(),
        rank as i64,
        name.trim(),
        phone.as_deref(),
        ctx.by(),
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    open(ctx, id).await
}

/// Attaches a document (PDF, JPEG or PNG by its bytes, at most 5 MB), kept sealed with its
/// SHA-256; the same file twice is kept once.
pub async fn add_document(
    ctx: Ctx<'_>,
    id: i64,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
    heir_id: Option<i64>,
) -> Result<ClaimView, Error> {
    reachable(&ctx, id).await?;
    let content_type = rules::check_document(kind, file_name, bytes).map_err(Error::Invalid)?;
    if let Some(h) = heir_id {
        if !claims::heirs(ctx.db, id).await?.iter().any(|x| x.id == h) {
            return Err(Error::invalid(
                "unknown_heir",
                "Ahli waris itu tidak tercatat pada klaim ini.",
                "No such heir on this claim.",
            ));
        }
    }
    let mut tx = ctx.db.begin_write().await?;
    claims::add_document(
        &mut tx,
        &claims::NewDocument {
            claim: id,
            heir_id,
            kind,
            file_name: file_name.trim(),
            content_type,
            bytes,
        },
        ctx.by(),
        ctx.clock.now(),
    )
    .await?;
    tx.commit().await?;
    open(ctx, id).await
}

/// One attachment's bytes, for whoever may act on the claim; the reading is recorded.
pub async fn document(
    ctx: Ctx<'_>,
    id: i64,
    doc: i64,
) -> Result<(claims::Document, Vec<u8>), Error> {
    reachable(&ctx, id).await?;
    let found = claims::document(ctx.db, id, doc)
        .await?
        .ok_or(Error::NotFound("dokumen"))?;
    super::privacy::record(
        ctx,
        super::privacy::Reveal::Shown,
        "claim_document",
        doc,
        json!({ "claim_id": id, "kind": found.0.kind }),
    )
    .await?;
    Ok(found)
}

/// A donor's news about the workers their money protected: one sentence per claim, with the
/// worker's initials and village only (never a NIK or a name), newest first.
pub async fn news_for_donor(db: &crate::db::Db, donor: i64) -> anyhow::Result<Vec<String>> {
    let rows = claims::of_donor(db, donor).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, name, village_code, event, stage, paid)| {
            let (initials, village) = named(&name, &village_code);
            Some(rules::donor_news(
                Kind::parse(&kind)?,
                &initials,
                &village,
                event,
                Stage::parse(&stage)?,
                paid,
            ))
        })
        .collect())
}
