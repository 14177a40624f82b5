//! Rates and quotes: what a donation costs, month by month.

use super::error::{ApiError, Result};
use super::extract::Caller;
use super::wire;
use crate::app::AppState;
use crate::auth::Role;
use crate::db::rates;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use lingkaran_domain::donor::DonorKind;
use lingkaran_domain::format;
use lingkaran_domain::pricing::{
    self, FundingSource, PriceError, Pricing, QuoteError, Relief, Sector, MAX_INCOME,
    MAX_QUOTE_MONTHS, MAX_WORKERS,
};
use lingkaran_domain::rates::{Month, Rate};
use lingkaran_domain::worker::DEFAULT_INCOME;
use serde::Deserialize;
use serde_json::{json, Value};

fn rate_json(r: &Rate) -> Value {
    json!({
        "effective_from": r.from.to_string(), "jkk_basis_points": r.jkk_basis_points,
        "jkk_min": r.jkk_min, "jkk_max": r.jkk_max, "jkm_flat": r.jkm,
    })
}

pub async fn list(_caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    let all = rates::all(&state.db).await?;
    Ok(Json(
        json!({ "rates": all.iter().map(rate_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Deserialize)]
pub struct RateInput {
    effective_from: String,
    jkk_basis_points: i64,
    jkk_min: i64,
    jkk_max: i64,
    jkm_flat: i64,
    source: String,
}

/// Adds a rate for a month that has not begun. A rate in force is never edited.
pub async fn add(
    caller: Caller,
    State(state): State<AppState>,
    Json(r): Json<RateInput>,
) -> Result<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let from = Month::parse(&r.effective_from).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_month",
            "Bulan berlaku ditulis YYYY-MM, misalnya 2027-01.",
            "Write the month as YYYY-MM, e.g. 2027-01.",
        )
    })?;
    if from <= Month::of(crate::clock::today()) {
        return Err(ApiError::bad_request(
            "rate_in_force",
            "Tarif hanya boleh ditambahkan untuk bulan yang akan datang; tarif yang sudah berlaku tidak diubah.",
            "Rates may only be added for a future month; a rate in force is never changed.",
        ));
    }
    if r.jkk_basis_points <= 0
        || r.jkk_min < 0
        || r.jkk_max < r.jkk_min
        || r.jkm_flat < 0
        || r.source.trim().is_empty()
    {
        return Err(ApiError::bad_request(
            "invalid_rate",
            "Tarif tidak masuk akal: JKK > 0, minimum ≤ maksimum, JKM ≥ 0, dan sumber peraturan wajib diisi.",
            "Implausible rate: JKK > 0, minimum ≤ maximum, JKM ≥ 0, and the regulation must be named.",
        ));
    }
    let rate = Rate {
        from,
        jkk_basis_points: r.jkk_basis_points,
        jkk_min: r.jkk_min,
        jkk_max: r.jkk_max,
        jkm: r.jkm_flat,
    };
    if !rates::add(&state.db, &rate, r.source.trim()).await? {
        return Err(ApiError::conflict(
            "rate_exists",
            format!("Sudah ada tarif untuk {from}."),
            format!("A rate for {from} already exists."),
        ));
    }
    Ok((StatusCode::CREATED, Json(rate_json(&rate))))
}

#[derive(Deserialize)]
pub struct QuoteInput {
    pub(crate) workers: i64,
    pub(crate) months: u32,
    pub(crate) from: Option<String>,
    pub(crate) income: Option<i64>,
    /// `apbn`, `apbd`, `dana-desa`, `csr`, `zakat`, `individual` or `self`.
    pub(crate) funding: Option<String>,
    /// `transport` or `other`.
    pub(crate) sector: Option<String>,
}

/// A number with dots between thousands, as amounts are written: `10.000.000`.
fn dots(n: i64) -> String {
    format::rupiah(n).replacen("Rp ", "", 1)
}

/// The funding source a quote assumes when none is given: a donor's own (their kind), else
/// APBD, the full price (APBN/APBD payers get no relief), so a quote is never too low.
pub(crate) fn assumed_funding(kind: Option<&str>) -> FundingSource {
    kind.and_then(DonorKind::parse)
        .map(|k| FundingSource::of_donor(k, None))
        .unwrap_or(FundingSource::Apbd)
}

/// Checks a quote's inputs and prices it: every worker-month by `price_month`. Shared by the
/// API, the donate page and the CLI. `default_funding` is used (and said) when `funding` is
/// absent.
pub(crate) fn price_quote(
    pricing: &Pricing,
    q: &QuoteInput,
    default_funding: FundingSource,
    today: chrono::NaiveDate,
) -> Result<Value> {
    if !(1..=MAX_WORKERS).contains(&q.workers) {
        return Err(ApiError::bad_request(
            "invalid_workers",
            format!(
                "Jumlah pekerja {} tidak bisa dihitung: harus 1 sampai {}.",
                q.workers,
                dots(MAX_WORKERS)
            ),
            format!(
                "{} workers cannot be quoted: between 1 and {}.",
                q.workers,
                dots(MAX_WORKERS)
            ),
        ));
    }
    if !(1..=MAX_QUOTE_MONTHS).contains(&q.months) {
        return Err(ApiError::bad_request(
            "invalid_months",
            format!(
                "Lama {} bulan tidak bisa dihitung: harus 1 sampai {MAX_QUOTE_MONTHS} bulan.",
                q.months
            ),
            format!(
                "{} months cannot be quoted: between 1 and {MAX_QUOTE_MONTHS}.",
                q.months
            ),
        ));
    }
    let income = q.income.unwrap_or(DEFAULT_INCOME);
    if !(DEFAULT_INCOME..=MAX_INCOME).contains(&income) {
        return Err(ApiError::bad_request(
            "invalid_income",
            format!(
                "Penghasilan {} di luar batas: paling sedikit {} dan paling banyak {}.",
                dots(income),
                format::rupiah(DEFAULT_INCOME),
                format::rupiah(MAX_INCOME)
            ),
            format!(
                "Income {} is out of bounds: at least {} and at most {}.",
                dots(income),
                format::rupiah(DEFAULT_INCOME),
                format::rupiah(MAX_INCOME)
            ),
        ));
    }
    let from = match q.from.as_deref() {
        Some(s) => Month::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_month",
                format!("Bulan mulai \"{s}\" ditulis YYYY-MM, misalnya 2027-01."),
                format!("Write the start month \"{s}\" as YYYY-MM, e.g. 2027-01."),
            )
        })?,
        None => Month::first_payable(today),
    };
    let (funding, assumed) = match q.funding.as_deref() {
        Some(f) => (
            FundingSource::parse(f.trim()).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_funding",
                    format!("Sumber dana \"{f}\" tidak dikenal: apbn, apbd, dana-desa, csr, zakat, individual atau self."),
                    format!("Unknown funding source \"{f}\": apbn, apbd, dana-desa, csr, zakat, individual or self."),
                )
            })?,
            false,
        ),
        None => (default_funding, true),
    };
    let (sector, sector_assumed) = match q.sector.as_deref() {
        Some(x) => (
            Sector::parse(x.trim()).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_sector",
                    format!("Sektor \"{x}\" tidak dikenal: transport atau other."),
                    format!("Unknown sector \"{x}\": transport or other."),
                )
            })?,
            false,
        ),
        None => (Sector::Other, true),
    };
    let quote = pricing::quote(pricing, q.workers, q.months, from, income, funding, sector)
        .map_err(|e| match e {
            QuoteError::Price(PriceError::NoRate(m)) => ApiError::bad_request(
                "no_rate",
                format!("Belum ada tarif yang berlaku untuk {m}."),
                format!("No rate is in force for {m}."),
            ),
            other => ApiError::bad_request(
                "quote_out_of_bounds",
                format!("Harga ini tidak dapat dihitung dalam batas Rp 10^15: {other}."),
                format!("This price cannot be computed within Rp 10^15: {other}."),
            ),
        })?;
    wire::quote_json(&quote, assumed, sector_assumed).map_err(|_| {
        ApiError::bad_request(
            "quote_out_of_bounds",
            "Harga di luar batas.",
            "Price out of bounds.",
        )
    })
}

/// Prices `workers` × `months` from `from` (default: the first month whose 15th has not
/// passed) for a payer's funding source and the workers' sector.
pub async fn quote(
    caller: Caller,
    State(state): State<AppState>,
    Json(q): Json<QuoteInput>,
) -> Result<Json<Value>> {
    let kind = if caller.0.role == Role::Donor {
        crate::db::donors::list(&state.db, Some(caller.0.user_id))
            .await?
            .into_iter()
            .next()
            .map(|d| d.kind)
    } else {
        None
    };
    let pricing = rates::pricing(&state.db).await?;
    Ok(Json(price_quote(
        &pricing,
        &q,
        assumed_funding(kind.as_deref()),
        crate::clock::today(),
    )?))
}

fn relief_json(r: &Relief) -> Value {
    json!({
        "id": r.id, "basis": r.basis, "basis_points": r.basis_points,
        "from": r.from.to_string(), "to": r.to.to_string(),
        "sectors": r.sectors.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "excludes": r.excludes.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
    })
}

/// The relief rules and the pricing settings.
pub async fn reliefs(_caller: Caller, State(state): State<AppState>) -> Result<Json<Value>> {
    let (p, w) = rates::pricing_and_window(&state.db).await?;
    Ok(Json(json!({
        "reliefs": p.reliefs.iter().map(relief_json).collect::<Vec<_>>(),
        "settings": {
            "dana_desa_is_apbn": p.settings.dana_desa_is_apbn,
            "self_pay_months_back": w.back, "self_pay_months_ahead": w.ahead,
        },
    })))
}

#[derive(Deserialize)]
pub struct ReliefInput {
    pub basis: String,
    pub basis_points: i64,
    pub from: String,
    pub to: String,
    pub sectors: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
    pub note: Option<String>,
}

/// Checks a new relief rule: months written YYYY-MM, the first one still to come (a rule in
/// force is never edited, and a new one never reaches back), known sectors and sources, a
/// share between 0 and 10 000 basis points, a named basis.
pub(crate) fn check_relief(r: &ReliefInput, today: chrono::NaiveDate) -> Result<Relief> {
    let month = |field: &str, s: &str| {
        Month::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_month",
                format!("{field} \"{s}\" ditulis YYYY-MM, misalnya 2027-01."),
                format!("{field} \"{s}\": write the month as YYYY-MM, e.g. 2027-01."),
            )
        })
    };
    let (from, to) = (month("from", &r.from)?, month("to", &r.to)?);
    if from <= Month::of(today) {
        return Err(ApiError::bad_request(
            "relief_in_force",
            format!("Aturan keringanan hanya boleh ditambahkan mulai bulan yang akan datang, bukan {from}; aturan yang sudah berlaku tidak diubah."),
            format!("A relief rule may only start in a month to come, not {from}; a rule in force is never changed."),
        ));
    }
    let mut sectors = Vec::new();
    for s in &r.sectors {
        sectors.push(Sector::parse(s.trim()).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_sector",
                format!("Sektor \"{s}\" tidak dikenal: transport atau other."),
                format!("Unknown sector \"{s}\": transport or other."),
            )
        })?);
    }
    let mut excludes = Vec::new();
    for f in &r.excludes {
        excludes.push(FundingSource::parse(f.trim()).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_funding",
                format!("Sumber dana \"{f}\" tidak dikenal: apbn, apbd, dana-desa, csr, zakat, individual atau self."),
                format!("Unknown funding source \"{f}\": apbn, apbd, dana-desa, csr, zakat, individual or self."),
            )
        })?);
    }
    let rule = Relief {
        id: 0,
        basis: r.basis.trim().to_string(),
        basis_points: r.basis_points,
        from,
        to,
        sectors,
        excludes,
    };
    rule.check().map_err(|field| {
        ApiError::bad_request(
            "invalid_relief",
            format!("Aturan keringanan tidak masuk akal ({field}): bagian yang dibayar 0–10.000 basis poin, bulan akhir tidak sebelum bulan awal, paling sedikit satu sektor, dan dasar hukum wajib diisi."),
            format!("Implausible relief rule ({field}): a share of 0–10,000 basis points, an end month not before the first, at least one sector, and the legal basis named."),
        )
    })?;
    Ok(rule)
}

/// Adds a relief rule for months to come (admins). Held, unpaid donations are re-priced.
pub async fn add_relief(
    caller: Caller,
    State(state): State<AppState>,
    Json(r): Json<ReliefInput>,
) -> Result<(StatusCode, Json<Value>)> {
    caller.require(&[Role::Admin])?;
    let mut rule = check_relief(&r, crate::clock::today())?;
    let (id, repriced) = rates::add_relief(
        &state.db,
        &rule,
        r.note.as_deref(),
        caller.0.user_id,
        state.clock.now(),
    )
    .await?;
    rule.id = id;
    let mut v = relief_json(&rule);
    v["repriced_donations"] = json!(repriced);
    Ok((StatusCode::CREATED, Json(v)))
}
