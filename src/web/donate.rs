//! The donor's pages: signing up, giving, their donations one by one, extending a paid
//! donation and paying a held one from credit.
//!
//! Every rule lives in the use cases these pages call (`usecase::donations::{make, review,
//! extend, pay_from_credit, cancel}`, `usecase::account::sign_up`); a page only reads the
//! form, shows the view and shows the use case's problems in the reader's language.

use super::i18n::S;
use super::layout;
use super::money::{self, problem, problems_box, rupiah};
use super::page::{field, no_store, query_string, redirect, same_secret, Ctx, Fail, PageResult};
use crate::app::AppState;
use crate::auth::role::{GIVERS, STAFF};
use crate::auth::{Principal, Role};
use crate::db::donations;
use crate::db::{donors, payments, users};
use crate::http::request::{cookie, SESSION_COOKIE};
use crate::regions::RegionTable;
use crate::usecase::account::acting_donor;
use crate::usecase::donations as uc;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lingkaran_domain::nik;
use lingkaran_domain::rates::Month;
use lingkaran_domain::status::{DonationStatus, InvoiceStatus};
use lingkaran_domain::worker::{parse_rupiah, Occupation};
use lingkaran_domain::Problem;
use maud::{html, Markup};

/// Who may give through these pages: a donor for themself, staff for a donor they name.
/// Workers shown per page of a donation.
pub const WORKERS_PER_PAGE: i64 = 100;
/// The region the donate form suggests: Kabupaten Gresik, where the programme began.
const DEFAULT_REGION: &str = "35.25";
/// Start months offered, from the first payable one.
const START_CHOICES: u32 = 12;
/// The double-submit token of the sign-up form (nobody is signed in yet to own a session
/// token), as `/masuk` does it.
const SIGNUP_COOKIE: &str = "lk_daftar";

use super::form::FormFields;

/// The sign-up token of this browser, or a fresh one.
fn signup_token(parts: &Parts) -> String {
    super::session::form_token(parts, SIGNUP_COOKIE)
}

/// A use case's refusal the page shows next to the form (the input or the state is wrong), or
/// the error to turn into an error page.
fn shown(e: crate::usecase::Error) -> Result<(StatusCode, Vec<Problem>), crate::usecase::Error> {
    use crate::usecase::Error;
    match e {
        Error::Invalid(ps) => Ok((StatusCode::UNPROCESSABLE_ENTITY, ps)),
        Error::Conflict(p) => Ok((StatusCode::CONFLICT, vec![p])),
        other => Err(other),
    }
}

fn not_found(ctx: &Ctx) -> Fail {
    ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound)
}

fn page_response(ctx: &Ctx, status: StatusCode, title: &str, body: Markup) -> Response {
    let body = html! { (money::style()) (body) };
    let mut r = (status, layout::page(ctx, title, body)).into_response();
    no_store(&mut r);
    r
}

// ---------------------------------------------------------------------------------------
// Sign-up
// ---------------------------------------------------------------------------------------

fn signup_page(
    ctx: &Ctx,
    token: &str,
    username: &str,
    full_name: &str,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let t = |s| ctx.t(s);
    let body = html! {
        h1 { (t(S::SignUpTitle)) }
        (problems_box(ctx, "galat-daftar", S::SignUpFailed, problems))
        div.card {
            p { (t(S::SignUpIntro)) }
            form method="post" action="/daftar" {
                input type="hidden" name="csrf" value=(token);
                label for="username" { (t(S::Username)) }
                input type="text" id="username" name="username" value=(username)
                    autocomplete="username" autocapitalize="none" spellcheck="false"
                    minlength="3" maxlength="40" required autofocus;
                p.muted { (t(S::UsernameHint)) }
                label for="full_name" { (t(S::FullName)) }
                input type="text" id="full_name" name="full_name" value=(full_name)
                    autocomplete="name" maxlength="200" required;
                label for="password" { (t(S::Password)) }
                input type="password" id="password" name="password" autocomplete="new-password"
                    minlength="10" required;
                p.muted { (t(S::PasswordHint)) }
                label for="password2" { (t(S::PasswordAgain)) }
                input type="password" id="password2" name="password2" autocomplete="new-password"
                    minlength="10" required;
                p { button type="submit" id="daftar" { (t(S::SignUpButton)) } }
            }
        }
        p { (t(S::HaveAccount)) " " a href="/masuk" { (t(S::SignIn)) } }
    };
    let mut r = page_response(ctx, status, t(S::SignUpTitle), body);
    super::session::set_cookie(
        &mut r,
        &format!("{SIGNUP_COOKIE}={token}; Path=/daftar; HttpOnly; SameSite=Lax"),
    );
    r
}

/// `GET /daftar`: the sign-up form for an individual donor.
pub async fn signup_form(ctx: Ctx, parts: Parts) -> PageResult {
    if let Some(p) = &ctx.user {
        let to = if p.role == Role::Donor {
            "/donasi/baru"
        } else {
            "/"
        };
        return Ok(redirect(to));
    }
    Ok(signup_page(
        &ctx,
        &signup_token(&parts),
        "",
        "",
        &[],
        StatusCode::OK,
    ))
}

/// `POST /daftar`: creates the donor and signs them in, then on to their first donation.
pub async fn sign_up(
    ctx: Ctx,
    State(state): State<AppState>,
    parts: Parts,
    form: FormFields,
) -> PageResult {
    let form = form.map(|f| f.0).unwrap_or_default();
    let expected = cookie(&parts, SIGNUP_COOKIE);
    if !matches!((expected, field(&form, "csrf")), (Some(e), Some(s)) if same_secret(e, s)) {
        return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf));
    }
    let token = signup_token(&parts);
    // As the use case takes it (the username in lower case, the name trimmed), so the form
    // comes back as it will be stored.
    let username = field(&form, "username").unwrap_or("").trim().to_lowercase();
    let full_name = field(&form, "full_name").unwrap_or("").trim().to_string();
    let password = field(&form, "password").unwrap_or("");
    if field(&form, "password2").unwrap_or("") != password {
        return Ok(signup_page(
            &ctx,
            &token,
            &username,
            &full_name,
            &[problem("password_mismatch", S::PasswordMismatch)],
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let made = crate::usecase::account::sign_up(
        &state.db,
        state.clock.as_ref(),
        state.settings.signups_per_hour,
        crate::usecase::account::SignUp {
            username: username.clone(),
            full_name: full_name.clone(),
            password: password.to_string(),
            address: state.client_address(&parts),
        },
    )
    .await;
    let user_id = match made {
        Ok(made) => made.user_id,
        Err(crate::usecase::Error::Throttled {
            problem,
            retry_after,
        }) => {
            let mut r = signup_page(
                &ctx,
                &token,
                &username,
                &full_name,
                &[problem],
                StatusCode::TOO_MANY_REQUESTS,
            );
            if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after.to_string()) {
                r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            return Ok(r);
        }
        Err(e) => match shown(e) {
            Ok((status, problems)) => {
                return Ok(signup_page(
                    &ctx, &token, &username, &full_name, &problems, status,
                ))
            }
            Err(e) => return Err(ctx.failed(e)),
        },
    };
    // A session this browser still holds is ended: one browser, one session.
    if let Some(old) = cookie(&parts, SESSION_COOKIE) {
        users::end_session(&state.db, old, state.clock.now())
            .await
            .map_err(|e| ctx.internal(e))?;
    }
    let lifetimes = &state.settings.lifetimes;
    let (session, _csrf) = users::create_session(
        &state.db,
        user_id,
        lifetimes.session_absolute,
        state.clock.now(),
    )
    .await
    .map_err(|e| ctx.internal(e))?;
    tracing::info!(user.id = user_id, "donor signed up");
    let mut r = redirect("/donasi/baru");
    super::session::set_cookie(&mut r, &super::session::session_cookie(&session, lifetimes));
    super::session::set_cookie(
        &mut r,
        &format!("{SIGNUP_COOKIE}=; Path=/daftar; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(r)
}

// ---------------------------------------------------------------------------------------
// The donate form
// ---------------------------------------------------------------------------------------

/// The donate form as filled in: kept as typed, so a refused form comes back unchanged.
#[derive(Debug, Clone, Default)]
struct Gift {
    donor_id: String,
    mode: String,
    region: String,
    occupation: String,
    count: String,
    budget: String,
    niks: String,
    skip_unavailable: bool,
    months: String,
    start: String,
    pay_from_credit: bool,
}

impl Gift {
    fn new(first: Month) -> Gift {
        Gift {
            mode: "criteria".into(),
            region: DEFAULT_REGION.into(),
            count: "10".into(),
            months: "12".into(),
            start: first.to_string(),
            ..Gift::default()
        }
    }

    fn read(form: &[(String, String)]) -> Gift {
        let text = |k: &str| field(form, k).unwrap_or("").trim().to_string();
        let ticked = |k: &str| field(form, k).is_some_and(|v| !v.is_empty());
        Gift {
            donor_id: text("donor_id"),
            mode: text("mode"),
            region: text("region"),
            occupation: text("occupation"),
            count: text("count"),
            budget: text("budget"),
            niks: field(form, "niks").unwrap_or("").to_string(),
            skip_unavailable: ticked("skip_unavailable"),
            months: text("months"),
            start: text("start"),
            pay_from_credit: ticked("pay_from_credit"),
        }
    }

    /// The NIKs of a named donation: one a line (commas and spaces also separate them).
    fn nik_list(&self) -> Vec<String> {
        self.niks
            .split(|c: char| c == '\n' || c == ',' || c == ';' || c.is_whitespace())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The donor a staff member names; a donor always gives as themself.
    fn donor_for(&self, p: &Principal) -> Option<i64> {
        if p.role == Role::Donor {
            None
        } else {
            self.donor_id.parse().ok()
        }
    }

    /// The use case's input, so the same rules judge the page and the API.
    fn input(&self, p: &Principal) -> uc::DonationInput {
        let named = self.mode == "named";
        let blank = |s: &str| (!s.is_empty()).then(|| s.to_string());
        uc::DonationInput {
            donor_id: self.donor_for(p),
            mode: self.mode.clone(),
            niks: named.then(|| self.nik_list()),
            skip_unavailable: self.skip_unavailable,
            criteria: (!named).then(|| uc::CriteriaInput {
                region: blank(&self.region),
                occupation: blank(&self.occupation),
                ..uc::CriteriaInput::default()
            }),
            count: self.count.replace(['.', ','], "").parse::<i64>().ok(),
            budget: parse_rupiah(&self.budget),
            months: self.months.parse::<i64>().ok(),
            start: blank(&self.start),
            budget_line_id: None,
            pay_from_credit: self.pay_from_credit,
        }
    }
}

async fn donate_page(
    ctx: &Ctx,
    state: &AppState,
    p: &Principal,
    g: &Gift,
    problems: &[Problem],
    review: Option<&donations::Preview>,
    status: StatusCode,
) -> PageResult {
    let t = |s| ctx.t(s);
    let lang = ctx.lang;
    let credit = if p.role == Role::Donor {
        let d = acting_donor(state.ctx(p), None)
            .await
            .map_err(|e| ctx.failed(e))?;
        Some(
            payments::credit_of(&state.db, d.id)
                .await
                .map_err(|e| ctx.internal(e))?,
        )
    } else {
        None
    };
    let first = Month::first_payable(crate::clock::today());
    let mode = if ["criteria", "budget", "named"].contains(&g.mode.as_str()) {
        g.mode.as_str()
    } else {
        "criteria"
    };
    let body = html! {
        h1 { (t(S::DonateTitle)) }
        p { (t(S::DonateIntro)) }
        (problems_box(ctx, "galat-donasi", S::DonateFailed, problems))
        @if let Some(r) = review {
            div.notice role="status" id="tinjauan" {
                p {
                    strong { (t(S::ReviewTitle)) ": " }
                    span id="tinjauan-pekerja" { (r.workers) } " " (t(S::WorkersTimes)) " " (r.months) " "
                    (t(S::MonthsFrom)) " " (money::month_label(r.start, lang)) " = "
                    strong id="tinjauan-jumlah" { (rupiah(r.total)) }
                }
                @if r.invoice != r.total {
                    p { (t(S::ReviewInvoice)) ": " strong id="tinjauan-tagihan" { (rupiah(r.invoice)) } }
                }
                @if r.shortfall > 0 {
                    p { (r.shortfall) " " (t(S::ReviewShortfall)) }
                }
                p.muted { (t(S::ReviewNote)) }
            }
        }
        form.card method="post" action="/donasi/baru" id="form-donasi" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(ctx.csrf());
            @if STAFF.contains(&p.role) {
                label for="donor_id" { (t(S::DonorNumber)) }
                input type="text" id="donor_id" name="donor_id" inputmode="numeric" value=(g.donor_id) required;
                p.muted { (t(S::DonorNumberHint)) }
            }
            fieldset {
                legend { (t(S::HowToChoose)) }
                label {
                    input type="radio" name="mode" value="criteria" id="cara-kriteria" checked[mode == "criteria"];
                    " " (t(S::ModeCriteria))
                }
                label {
                    input type="radio" name="mode" value="budget" id="cara-anggaran" checked[mode == "budget"];
                    " " (t(S::ModeBudget))
                }
                label {
                    input type="radio" name="mode" value="named" id="cara-nik" checked[mode == "named"];
                    " " (t(S::ModeNamed))
                }
            }
            fieldset {
                legend { (t(S::CriteriaLegend)) }
                label for="region" { (t(S::RegionCode)) }
                input type="text" id="region" name="region" value=(g.region)
                    placeholder=(DEFAULT_REGION);
                p.muted { (t(S::RegionHint)) }
                label for="occupation" { (t(S::Occupation)) }
                select id="occupation" name="occupation" {
                    option value="" { (t(S::Any)) }
                    @for o in Occupation::ALL {
                        option value=(o.code()) selected[Occupation::parse(&g.occupation) == Some(o)] {
                            (o.label(lang.code()))
                        }
                    }
                }
                label for="count" { (t(S::WorkerCount)) }
                input type="text" id="count" name="count" inputmode="numeric" value=(g.count);
                label for="budget" { (t(S::BudgetRupiah)) }
                input type="text" id="budget" name="budget" inputmode="numeric" value=(g.budget)
                    placeholder="1.000.000";
                p.muted { (t(S::BudgetHint)) }
            }
            fieldset {
                legend { (t(S::NamedLegend)) }
                label for="niks" { (t(S::NiksOnePerLine)) }
                textarea id="niks" name="niks" rows="4" spellcheck="false" { (g.niks) }
                label for="daftar_nik" { (t(S::NikListFile)) }
                input type="file" id="daftar_nik" name="daftar_nik" accept=".csv,.txt,text/csv,text/plain";
                label {
                    input type="checkbox" name="skip_unavailable" value="1" id="lewati" checked[g.skip_unavailable];
                    " " (t(S::SkipUnavailable))
                }
            }
            label for="months" { (t(S::HowManyMonths)) }
            select id="months" name="months" {
                @for m in 1..=12 {
                    option value=(m) selected[g.months == m.to_string()] { (m) " " (t(S::MonthsWord)) }
                }
            }
            label for="start" { (t(S::StartMonth)) }
            select id="start" name="start" {
                @for m in money::months_from(first, START_CHOICES) {
                    option value=(m.to_string()) selected[g.start == m.to_string()] { (money::month_label(m, lang)) }
                }
            }
            p.muted { (t(S::StartHint)) }
            label {
                input type="checkbox" name="pay_from_credit" value="1" id="bayar-kredit" checked[g.pay_from_credit];
                " " (t(S::PayFromCredit))
                @if let Some(c) = credit { " (" (t(S::CreditBalance)) ": " span id="saldo" { (rupiah(c)) } ")" }
            }
            p {
                // First "Tinjau" (nothing held), then "Tahan & buat tagihan".
                @if review.is_some() {
                    button.secondary type="submit" name="action" value="review" id="tinjau" { (t(S::ReviewAgain)) }
                    " "
                    button type="submit" name="action" value="donate" id="donasikan" { (t(S::DonateButton)) }
                } @else {
                    button type="submit" name="action" value="review" id="tinjau" { (t(S::Review)) }
                }
            }
        }
    };
    Ok(page_response(ctx, status, t(S::DonateTitle), body))
}

/// `GET /donasi/baru`.
pub async fn donate_form(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let g = Gift::new(Month::first_payable(crate::clock::today()));
    donate_page(&ctx, &state, p, &g, &[], None, StatusCode::OK).await
}

/// `POST /donasi/baru`: "Tinjau" shows the exact price of the workers who would be chosen,
/// holding nothing; "Tahan & buat tagihan" makes the donation and goes to it.
/// The largest list of NIKs a donor may upload (a million NIKs is about 18 MB).
const MAX_NIK_LIST_BYTES: usize = crate::http::limits::NIK_LIST_UPLOAD_BYTES;

/// The donate form's fields and, when the donor attached one, the file with a list of NIKs.
/// The page sends `multipart/form-data`; a plain form (scripts, tests) is read too.
async fn read_gift_form(
    ctx: &Ctx,
    state: &AppState,
    req: axum::extract::Request,
) -> (
    Vec<(String, String)>,
    Option<(String, Vec<u8>)>,
    Vec<Problem>,
) {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let Ok(mp) = axum::extract::Multipart::from_request(req, state).await else {
            return (Vec::new(), None, Vec::new());
        };
        let csrf_ok = |sent: Option<&str>| ctx.check_csrf(sent).is_ok();
        match money::read_upload(mp, "daftar_nik", MAX_NIK_LIST_BYTES, csrf_ok).await {
            // No `csrf` field among the form's: the caller's check refuses it with 403.
            Err(p) if p.code == "csrf" => (Vec::new(), None, Vec::new()),
            Ok(up) => (up.fields.into_iter().collect(), up.file, Vec::new()),
            Err(p) => (Vec::new(), None, vec![p]),
        }
    } else {
        let form = super::form::Fields::from_request(req, state)
            .await
            .map(|f| f.0)
            .unwrap_or_default();
        (form, None, Vec::new())
    }
}

/// Adds the NIKs of an uploaded list to the gift. Every line that is not a NIK is reported
/// with its line number, and then nothing is added: the donor fixes the file first.
fn add_nik_list(g: &mut Gift, name: &str, bytes: &[u8]) -> Vec<Problem> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let list = nik::parse_list(text.trim_start_matches('\u{feff}'), crate::clock::today());
    if !list.invalid.is_empty() {
        return list
            .invalid
            .iter()
            .take(50)
            .map(|(line, value, ps)| {
                let why = ps.first();
                Problem::new(
                    "bad_nik_in_list",
                    format!(
                        "Berkas {name}, baris {line}: \"{value}\" bukan NIK yang sah ({}).",
                        why.map_or("", |p| p.id.as_str())
                    ),
                    format!(
                        "File {name}, line {line}: \"{value}\" is not a valid NIK ({}).",
                        why.map_or("", |p| p.en.as_str())
                    ),
                )
            })
            .collect();
    }
    if list.niks.is_empty() {
        return vec![Problem::new(
            "empty_nik_list",
            format!("Berkas {name} tidak berisi NIK. Tulis satu NIK per baris."),
            format!("File {name} holds no NIK. Write one NIK per line."),
        )];
    }
    let mut niks = g.niks.trim().to_string();
    for n in &list.niks {
        if !niks.is_empty() {
            niks.push('\n');
        }
        niks.push_str(&n.to_string());
    }
    g.niks = niks;
    if g.mode.is_empty() {
        g.mode = "named".into();
    }
    Vec::new()
}

pub async fn donate(
    ctx: Ctx,
    State(state): State<AppState>,
    req: axum::extract::Request,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let (form, list, unreadable) = read_gift_form(&ctx, &state, req).await;
    ctx.check_csrf(field(&form, "csrf"))?;
    let mut g = Gift::read(&form);
    let mut problems = unreadable;
    if let Some((name, bytes)) = &list {
        problems.extend(add_nik_list(&mut g, name, bytes));
    }
    if !problems.is_empty() {
        return donate_page(
            &ctx,
            &state,
            p,
            &g,
            &problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    // The review step ("quote" was its old name): the exact price, nothing held.
    if matches!(field(&form, "action"), Some("review" | "quote")) {
        let terms = state.settings.terms();
        return match uc::review(state.ctx(p), terms, g.input(p)).await {
            Ok(r) => donate_page(&ctx, &state, p, &g, &[], Some(&r), StatusCode::OK).await,
            Err(e) => {
                let (status, problems) = shown(e).map_err(|e| ctx.failed(e))?;
                donate_page(&ctx, &state, p, &g, &problems, None, status).await
            }
        };
    }
    let made = match uc::make(state.ctx(p), state.settings.terms(), g.input(p)).await {
        Ok(made) => made,
        Err(e) => {
            let (status, problems) = shown(e).map_err(|e| ctx.failed(e))?;
            return donate_page(&ctx, &state, p, &g, &problems, None, status).await;
        }
    };
    Ok(redirect(&donation_url(&made, g.pay_from_credit, None)))
}

/// Where a new donation is shown, with what the donor should know about how it went.
fn donation_url(made: &uc::Made, wanted_credit: bool, extends: Option<i64>) -> String {
    url_for(
        made.donation.id,
        made.shortfall,
        made.skipped.len(),
        wanted_credit && made.donation.status != DonationStatus::Funded,
        extends,
    )
}

fn url_for(
    id: i64,
    shortfall: i64,
    skipped: usize,
    credit_short: bool,
    extends: Option<i64>,
) -> String {
    let shortfall = shortfall.to_string();
    let skipped = skipped.to_string();
    let extends = extends.map(|e| e.to_string());
    let mut q: Vec<(&str, &str)> = vec![("baru", "1")];
    if shortfall != "0" {
        q.push(("kurang", &shortfall));
    }
    if skipped != "0" {
        q.push(("lewati", &skipped));
    }
    if credit_short {
        q.push(("kredit", "0"));
    }
    if let Some(e) = &extends {
        q.push(("dari", e));
    }
    format!("/donasi/{id}?{}", query_string(&q))
}

// ---------------------------------------------------------------------------------------
// The donor's donations
// ---------------------------------------------------------------------------------------

/// `GET /donasi`: a donor's donations and credit; staff see every donation (or one donor's
/// with `?donor=`).
pub async fn list(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let t = |s| ctx.t(s);
    let lang = ctx.lang;
    let staff = STAFF.contains(&p.role);
    let donor = if staff {
        match ctx.param("donor").and_then(|d| d.parse::<i64>().ok()) {
            Some(id) => Some(
                donors::get(&state.db, id)
                    .await
                    .map_err(|e| ctx.internal(e))?
                    .ok_or_else(|| not_found(&ctx))?,
            ),
            None => None,
        }
    } else {
        Some(
            acting_donor(state.ctx(p), None)
                .await
                .map_err(|e| ctx.failed(e))?,
        )
    };
    let rows = donations::list(&state.db, donor.as_ref().map(|d| d.id), 500)
        .await
        .map_err(|e| ctx.internal(e))?;
    let credit = match &donor {
        Some(d) => Some(
            payments::credit_of(&state.db, d.id)
                .await
                .map_err(|e| ctx.internal(e))?,
        ),
        None => None,
    };
    let news = match &donor {
        Some(d) => crate::usecase::claims::news_for_donor(&state.db, d.id)
            .await
            .map_err(|e| ctx.internal(e))?,
        None => Vec::new(),
    };
    let title = if staff {
        t(S::DonationsTitle)
    } else {
        t(S::MyDonationsTitle)
    };
    let body = html! {
        h1 { (title) }
        @if let (true, Some(d)) = (staff, &donor) { p { (t(S::Donor)) ": " strong { (d.name) } } }
        @if let Some(c) = credit {
            dl.counts {
                div { dt { (t(S::CreditBalance)) } dd id="saldo-kredit" { (rupiah(c)) } }
            }
            p.muted { (t(S::CreditExplained)) }
        }
        @if !news.is_empty() {
            section id="kabar-klaim" {
                h2 { (lang.pick("Kabar pekerja yang Anda lindungi", "News of the workers you protect")) }
                ul { @for n in &news { li { (n) } } }
            }
        }
        p { a.button href="/donasi/baru" { (t(S::NavDonate)) } }
        @if rows.is_empty() {
            p.notice id="donasi-kosong" { (t(S::NoDonations)) }
        } @else {
            div.scroll {
                table id="donasi" {
                    thead { tr {
                        th scope="col" { (t(S::DonationNumber)) }
                        @if staff { th scope="col" { (t(S::Donor)) } }
                        th scope="col" { (t(S::Period)) }
                        th scope="col" { (t(S::Workers)) }
                        th scope="col" { (t(S::Total)) }
                        th scope="col" { (t(S::Status)) }
                    } }
                    tbody {
                        @for d in &rows {
                            tr id={ "donasi-" (d.id) } {
                                td { a href={ "/donasi/" (d.id) } { "#" (d.id) } }
                                @if staff { td { (d.donor_name) } }
                                td { (money::period(d.start_month, d.months, lang)) }
                                td.num { (d.workers) }
                                td.num { (rupiah(if d.status == DonationStatus::Funded { d.funded_total } else { d.total })) }
                                td { (money::donation_status(lang, d.status.code())) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page_response(&ctx, StatusCode::OK, title, body))
}

fn village_label(code: &str) -> String {
    let table = RegionTable::get();
    match table.region(code) {
        Some(v) => match v.parent().and_then(|d| table.region(d)) {
            Some(d) => format!("{}, {}", v.name, d.name),
            None => v.name.clone(),
        },
        None => code.to_string(),
    }
}

/// The flash messages of a donation page, from its query string.
fn notices(ctx: &Ctx) -> Markup {
    let t = |s| ctx.t(s);
    html! {
        @if ctx.param("baru").is_some() {
            @if let Some(from) = ctx.param("dari") {
                p.notice role="status" id="pesan" {
                    (t(S::ExtensionMade)) " "
                    a href={ "/donasi/" (from) } { "#" (from) } "."
                }
            } @else {
                p.notice role="status" id="pesan" { (t(S::DonationMade)) }
            }
        }
        @if let Some(n) = ctx.param("kurang") {
            p.warn role="status" id="kurang" { (t(S::ShortfallMsg)) " " strong { (n) } "." }
        }
        @if let Some(n) = ctx.param("lewati") {
            p.warn role="status" id="dilewati" { (t(S::SkippedMsg)) " " strong { (n) } "." }
        }
        @if ctx.param("kredit").is_some() {
            p.warn role="status" id="kredit-kurang" { (t(S::CreditShort)) }
        }
        @if ctx.param("msg") == Some("lunas") {
            p.notice role="status" id="pesan" { (t(S::PaidFromCredit)) }
        }
        @if ctx.param("msg") == Some("batal") {
            p.notice role="status" id="pesan" { (t(S::Cancelled)) }
        }
    }
}

/// A refusal of an action on a donation (extend, pay from credit, cancel): its words on the
/// donation's own page, with the refusal's status; anything else as an error page.
async fn refused_on_detail(
    ctx: &Ctx,
    state: &AppState,
    p: &Principal,
    id: i64,
    e: crate::usecase::Error,
) -> PageResult {
    let (status, problems) = shown(e).map_err(|e| ctx.failed(e))?;
    detail(ctx, state, p, id, &problems, status).await
}

async fn detail(
    ctx: &Ctx,
    state: &AppState,
    p: &Principal,
    id: i64,
    problems: &[Problem],
    status: StatusCode,
) -> PageResult {
    let d = uc::visible(state.ctx(p), id)
        .await
        .map_err(|e| ctx.failed(e))?;
    let t = |s| ctx.t(s);
    let lang = ctx.lang;
    let inv = donations::invoice_of(&state.db, d.id)
        .await
        .map_err(|e| ctx.internal(e))?;
    // At most this many pages: an officer sees only the workers of their regions (the gate),
    // so the page count follows what the use case counts for them.
    let most = ((d.workers + WORKERS_PER_PAGE - 1) / WORKERS_PER_PAGE).max(1);
    let page = lingkaran_domain::paging::lenient(ctx.param("page"), most);
    let shown = crate::usecase::donation_workers::workers(
        state.ctx(p),
        d.id,
        super::donation_workers::filter(ctx),
        WORKERS_PER_PAGE,
        (page - 1) * WORKERS_PER_PAGE,
    )
    .await
    .map_err(|e| ctx.failed(e))?;
    let pages = ((shown.total + WORKERS_PER_PAGE - 1) / WORKERS_PER_PAGE).max(1);
    let credit = payments::credit_of(&state.db, d.donor_id)
        .await
        .map_err(|e| ctx.internal(e))?;
    let first = Month::first_payable(crate::clock::today());
    let total = if d.status == DonationStatus::Funded {
        d.funded_total
    } else {
        d.total
    };
    let impact = if d.status == DonationStatus::Funded {
        Some(
            crate::usecase::impact::of_donation(state.ctx(p), d.id)
                .await
                .map_err(|e| ctx.failed(e))?,
        )
    } else {
        None
    };
    let title = format!("{} #{}", t(S::Donation), d.id);
    let body = html! {
        h1 { (title) }
        (notices(ctx))
        (problems_box(ctx, "galat-donasi", S::ActionFailed, problems))
        dl.counts {
            div { dt { (t(S::Status)) } dd id="status" { (money::donation_status(lang, d.status.code())) } }
            div { dt { (t(S::Workers)) } dd id="jumlah-pekerja" { (lingkaran_domain::format::count(d.workers.max(0) as u64)) } }
            div { dt { (t(S::Period)) } dd id="periode" { (money::period(d.start_month, d.months, lang)) } }
            div { dt { (t(S::Total)) } dd id="jumlah-donasi" { (rupiah(total)) } }
        }
        p.muted {
            (t(S::Donor)) ": " (d.donor_name) " · " (t(S::MadeOn)) " " (layout::when(d.created_at, ctx))
            @if let Some(at) = d.funded_at { " · " (t(S::FundedOn)) " " (layout::when(at, ctx)) }
            @if let Some(e) = d.extends_id {
                " · " (t(S::ExtendsDonation)) " " a href={ "/donasi/" (e) } { "#" (e) }
            }
        }
        @if let Some(i) = &impact {
            (super::impact::section(ctx, "dampak", lang.pick("Yang dilakukan donasi ini", "What this donation did"), i))
        }
        @if let Some(i) = &inv {
            section.card id="tagihan" aria-labelledby="judul-tagihan" {
                h2 id="judul-tagihan" { (t(S::Invoice)) }
                dl.pairs {
                    dt { (t(S::InvoiceNumber)) }
                    dd id="nomor-tagihan" { code { (i.number) } }
                    dt { (t(S::VaNumber)) }
                    dd { strong id="nomor-va" { (money::grouped(&i.va_number)) } }
                    dt { (t(S::Amount)) }
                    dd id="jumlah-tagihan" { (rupiah(i.amount)) }
                    dt { (t(S::Paid)) }
                    dd id="sudah-dibayar" { (rupiah(i.paid)) }
                    @if i.credit_applied > 0 {
                        dt { (t(S::PaidFromCreditLabel)) }
                        dd id="kredit-dipakai" { (rupiah(i.credit_applied)) }
                    }
                    dt { (t(S::Outstanding)) }
                    dd id="sisa" { strong { (rupiah(i.outstanding())) } }
                    dt { (t(S::InvoiceStatus)) }
                    dd id="status-tagihan" { (money::invoice_status(lang, i.status.code())) }
                }
                @if let (true, Some(sid)) = (i.credit_applied > 0, i.credit_settlement_id) {
                    p id="dibayar-kredit" {
                        (t(S::PaidFromCreditLabel)) " " strong { (rupiah(i.credit_applied)) }
                    }
                    p { a href={ "/kuitansi/kredit/" (sid) } id="kuitansi-kredit" {
                        (t(S::Receipt)) " " (i.credit_receipt_number().unwrap_or_default())
                    } }
                }
                @if i.status == InvoiceStatus::Open && d.status == DonationStatus::Held {
                    p id="batas-bayar" { (t(S::PayBefore)) " " strong { (layout::when(i.expires_at, ctx)) } "." }
                    p.muted { (t(S::HowToPay)) }
                    (super::invoice::how_to_pay(ctx, i, state.settings.va_bank))
                }
            }
        }
        @if d.status == DonationStatus::Held {
            form.card method="post" action={ "/donasi/" (d.id) "/bayar-kredit" } {
                input type="hidden" name="csrf" value=(ctx.csrf());
                p { (t(S::CreditBalance)) ": " strong id="saldo-kredit" { (rupiah(credit)) } }
                button type="submit" id="bayar-dengan-kredit" { (t(S::PayWithCredit)) }
            }
            form.card method="post" action={ "/donasi/" (d.id) "/batal" } id="batalkan" {
                input type="hidden" name="csrf" value=(ctx.csrf());
                p.muted { (t(S::CancelNote)) }
                button.secondary type="submit" id="batalkan-donasi" { (t(S::CancelDonation)) }
            }
        }
        @if d.status == DonationStatus::Funded {
            form.card method="post" action={ "/donasi/" (d.id) "/perpanjang" } id="perpanjang" {
                h2 { (t(S::Extend)) }
                p { (t(S::ExtendIntro)) }
                input type="hidden" name="csrf" value=(ctx.csrf());
                label for="perpanjang-bulan" { (t(S::HowManyMonths)) }
                select id="perpanjang-bulan" name="months" {
                    @for m in 1..=12 {
                        option value=(m) selected[m == 12] { (m) " " (t(S::MonthsWord)) }
                    }
                }
                label for="perpanjang-mulai" { (t(S::StartMonth)) }
                select id="perpanjang-mulai" name="start" {
                    option value="" { (t(S::AfterThisDonation)) }
                    @for m in money::months_from(first, START_CHOICES) {
                        option value=(m.to_string()) { (money::month_label(m, lang)) }
                    }
                }
                p { button type="submit" id="perpanjang-kirim" { (t(S::ExtendButton)) } }
            }
        }
        (super::donation_workers::section(ctx, d.id, &shown, page, pages, village_label))
        p { a href="/donasi" { (t(S::BackToDonations)) } }
    };
    Ok(page_response(ctx, status, &title, body))
}

fn donation_id(ctx: &Ctx, raw: &str) -> Result<i64, Fail> {
    raw.parse().map_err(|_| not_found(ctx))
}

/// `GET /donasi/{id}`: one donation, its invoice and its workers.
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<String>) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let id = donation_id(&ctx, &id)?;
    detail(&ctx, &state, p, id, &[], StatusCode::OK).await
}

/// `GET /donasi/{id}/perpanjang`: the link in the reminder e-mail. It opens the donation at its
/// extension form, one click from done (a GET never changes anything).
pub async fn extend_link(Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => redirect(&format!("/donasi/{id}#perpanjang")),
        Err(_) => redirect("/donasi"),
    }
}

/// `POST /donasi/{id}/perpanjang`: the same workers for more months.
pub async fn extend(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let id = donation_id(&ctx, &id)?;
    let input = uc::ExtendInput {
        months: field(&form, "months").and_then(|m| m.trim().parse::<i64>().ok()),
        start: field(&form, "start")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    };
    match uc::extend(state.ctx(p), state.settings.terms(), id, input).await {
        Ok(made) => Ok(redirect(&donation_url(&made, false, Some(id)))),
        Err(e) => refused_on_detail(&ctx, &state, p, id, e).await,
    }
}

/// `POST /donasi/{id}/bayar-kredit`: pays a held donation from the donor's credit.
pub async fn pay_with_credit(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let id = donation_id(&ctx, &id)?;
    match uc::pay_from_credit(state.ctx(p), id).await {
        Ok(_) => Ok(redirect(&format!("/donasi/{id}?msg=lunas"))),
        Err(e) => refused_on_detail(&ctx, &state, p, id, e).await,
    }
}

/// `POST /donasi/{id}/batal`: the donor cancels a held donation.
pub async fn cancel(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&GIVERS)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let id = donation_id(&ctx, &id)?;
    match uc::cancel(state.ctx(p), id).await {
        Ok(_) => Ok(redirect(&format!("/donasi/{id}?msg=batal"))),
        Err(e) => refused_on_detail(&ctx, &state, p, id, e).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_gift_reads_as_the_api_request() {
        let g = Gift::read(&form(&[
            ("mode", "named"),
            ("niks", "3525011203850001\r\n\r\n 3525015507900002 \n"),
            ("months", "6"),
            ("skip_unavailable", "1"),
        ]));
        assert_eq!(
            g.nik_list(),
            vec![
                "3525011203850001".to_string(),
                "3525015507900002".to_string()
            ]
        );
        assert!(g.skip_unavailable && !g.pay_from_credit);
        let donor = Principal {
            user_id: 1,
            username: "budi".into(),
            full_name: "Budi".into(),
            role: Role::Donor,
            organisation_id: None,
            scopes: Vec::new(),
            csrf_token: None,
        };
        let input = g.input(&donor);
        assert_eq!(input.niks.map(|n| n.len()), Some(2));
        assert_eq!(input.months, Some(6));
        let g = Gift::read(&form(&[("mode", "criteria"), ("count", "1.000")]));
        assert_eq!(g.input(&donor).count, Some(1000));
    }

    #[test]
    fn a_new_donation_says_how_it_went() {
        assert_eq!(
            url_for(7, 3, 0, true, None),
            "/donasi/7?baru=1&kurang=3&kredit=0"
        );
        assert_eq!(
            url_for(8, 0, 2, false, Some(7)),
            "/donasi/8?baru=1&lewati=2&dari=7"
        );
    }
}
