//! The officer's verification queue: proposed workers in scope, filtered and paged, decided
//! in bulk with checkboxes, and possible duplicates resolved one by one.

use super::i18n::S;
use super::layout;
use super::page::{field, no_store, query_string, redirect, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::role::STAFF;
use crate::auth::Principal;
use crate::db::users;
use crate::db::workers::{self, Filter, WorkerRecord, FLAG_POSSIBLE_DUPLICATE};
use crate::privacy::gate::Sight;
use crate::regions::RegionTable;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::paging;
use lingkaran_domain::worker::{Occupation, WorkerStatus};
use maud::{html, Markup};
use std::collections::HashMap;

pub const PER_PAGE: i64 = 50;
/// The most workers one form may decide.
const MAX_IDS: usize = 500;
/// Query parameters that describe the queue's view, kept across a decision.
const VIEW_KEYS: [&str; 6] = ["name", "village", "occupation", "proposer", "flag", "page"];

fn filter(ctx: &Ctx) -> Filter {
    Filter {
        name: ctx.param("name").map(str::to_string),
        region: ctx.param("village").map(str::to_string),
        status: Some(WorkerStatus::Proposed.code().to_string()),
        occupation: ctx
            .param("occupation")
            .and_then(Occupation::parse)
            .map(|o| o.code().to_string()),
        organisation_id: ctx.param("proposer").and_then(|p| p.parse().ok()),
        flag: ctx
            .param("flag")
            .filter(|f| *f == FLAG_POSSIBLE_DUPLICATE)
            .map(str::to_string),
        nik: None,
    }
}

/// The view's query string (filters and page), without messages.
fn view_query(pairs: &[(String, String)], page: Option<i64>) -> String {
    let mut kept: Vec<(&str, String)> = pairs
        .iter()
        .filter(|(k, v)| VIEW_KEYS.contains(&k.as_str()) && k != "page" && !v.trim().is_empty())
        .map(|(k, v)| (k.as_str(), v.trim().to_string()))
        .collect();
    if let Some(p) = page.filter(|p| *p > 1) {
        kept.push(("page", p.to_string()));
    }
    let refs: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (*k, v.as_str())).collect();
    query_string(&refs)
}

fn queue_url(view: &str, extra: &[(&str, &str)]) -> String {
    let extra = query_string(extra);
    match (view.is_empty(), extra.is_empty()) {
        (true, true) => "/antrian".to_string(),
        (false, true) => format!("/antrian?{view}"),
        (true, false) => format!("/antrian?{extra}"),
        (false, false) => format!("/antrian?{view}&{extra}"),
    }
}

/// The organisations whose proposals this officer may see.
async fn proposers(state: &AppState, p: &Principal) -> sqlx::Result<Vec<users::Organisation>> {
    Ok(users::organisations(&state.db)
        .await?
        .into_iter()
        .filter(|o| {
            p.covers(&o.region_code)
                || p.scopes.iter().any(|s| {
                    s.starts_with(o.region_code.as_str())
                        && s.as_bytes().get(o.region_code.len()) == Some(&b'.')
                })
        })
        .collect())
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

/// The NIK as the gate lets `p` see it.
fn shown_nik(p: &Principal, w: &WorkerRecord) -> String {
    crate::wire::sight_of(w, p).nik(&w.nik)
}

/// The name as the gate lets `p` see it.
fn shown_name(p: &Principal, w: &WorkerRecord) -> String {
    crate::wire::sight_of(w, p).name(&w.full_name)
}

fn flash(ctx: &Ctx) -> Option<Markup> {
    let t = |s| ctx.t(s);
    let msg = match ctx.param("msg") {
        Some("reason") => Some((S::ReasonRequired, true)),
        Some("reason_long") => Some((S::ReasonTooLong, true)),
        Some("none") => Some((S::NoneSelected, true)),
        Some("merged") => Some((S::Merged, false)),
        Some("distinct") => Some((S::Distinct, false)),
        Some("dup_failed") => Some((S::DuplicateFailed, true)),
        _ => None,
    };
    if let Some((s, bad)) = msg {
        return Some(html! {
            p class=(if bad { "error" } else { "notice" }) role="status" id="pesan" { (t(s)) }
        });
    }
    let done: i64 = ctx.param("done").and_then(|v| v.parse().ok()).unwrap_or(0);
    let failed: i64 = ctx
        .param("failed")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if ctx.param("done").is_none() && ctx.param("failed").is_none() {
        return None;
    }
    Some(html! {
        div class=(if failed > 0 { "warn" } else { "notice" }) role="status" id="pesan" {
            p { strong { (done) } " " (t(S::DoneMsg)) "." }
            @if failed > 0 { p { strong { (failed) } " " (t(S::FailedMsg)) "." } }
        }
    })
}

pub async fn queue(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let t = |s| ctx.t(s);
    let lang = ctx.lang.code();
    let f = filter(&ctx);
    let page = lingkaran_domain::paging::lenient(ctx.param("page"), paging::MAX_PAGE);
    let (rows, total) = workers::search(&state.db, &f, p, page, PER_PAGE)
        .await
        .map_err(|e| ctx.internal(e))?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    // An admin sees whole NIKs: one audit entry for the page.
    let revealed = rows
        .iter()
        .filter(|w| crate::wire::sight_of(w, p).audited())
        .count();
    if revealed > 0 {
        crate::usecase::privacy::record(
            state.ctx(p),
            crate::usecase::privacy::Reveal::Shown,
            "queue",
            page,
            serde_json::json!({ "workers": revealed }),
        )
        .await
        .map_err(|e| ctx.failed(e))?;
    }
    // The records that flagged rows resemble, so the officer can compare them side by side.
    let mut resembles: HashMap<i64, WorkerRecord> = HashMap::new();
    for w in &rows {
        if let Some(of) = w
            .possible_duplicate_of
            .filter(|_| w.flag.as_deref() == Some(FLAG_POSSIBLE_DUPLICATE))
        {
            if let Some(o) = workers::get(&state.db, of)
                .await
                .map_err(|e| ctx.internal(e))?
                .filter(|o| crate::wire::sight_of(o, p) != Sight::Hidden)
            {
                resembles.insert(of, o);
            }
        }
    }
    let orgs = proposers(&state, p).await.map_err(|e| ctx.internal(e))?;
    let org_filter = f.organisation_id;
    let view = view_query(&ctx.query, Some(page));
    let view_no_page = view_query(&ctx.query, None);
    let body = html! {
        h1 { (t(S::QueueTitle)) }
        p { (t(S::QueueIntro)) }
        @if let Some(m) = flash(&ctx) { (m) }
        form.card method="get" action="/antrian" role="search" aria-label=(t(S::Filters)) {
            div.filters {
                div {
                    label for="f-name" { (t(S::FilterName)) }
                    input type="text" id="f-name" name="name" value=(ctx.param("name").unwrap_or(""));
                }
                div {
                    label for="f-village" { (t(S::FilterVillage)) }
                    input type="text" id="f-village" name="village" inputmode="decimal"
                        placeholder="35.25.01.2001" value=(ctx.param("village").unwrap_or(""));
                }
                div {
                    label for="f-occupation" { (t(S::FilterOccupation)) }
                    select id="f-occupation" name="occupation" {
                        option value="" { (t(S::Any)) }
                        @for o in Occupation::ALL {
                            option value=(o.code()) selected[f.occupation.as_deref() == Some(o.code())] {
                                (o.label(lang))
                            }
                        }
                    }
                }
                div {
                    label for="f-proposer" { (t(S::FilterProposer)) }
                    select id="f-proposer" name="proposer" {
                        option value="" { (t(S::Any)) }
                        @for o in &orgs {
                            option value=(o.id) selected[org_filter == Some(o.id)] { (o.name) }
                        }
                    }
                }
                div {
                    label {
                        input type="checkbox" name="flag" value=(FLAG_POSSIBLE_DUPLICATE)
                            checked[f.flag.is_some()];
                        " " (t(S::FilterFlag))
                    }
                }
            }
            p {
                button type="submit" id="saring" { (t(S::Apply)) } " "
                a href="/antrian" { (t(S::ClearFilters)) }
            }
        }
        @if rows.is_empty() {
            p.notice id="antrian-kosong" { (t(S::QueueEmpty)) }
        } @else {
            p.muted { (t(S::Total)) ": " strong id="jumlah" { (total) } }
            div.scroll {
                table id="antrian" {
                    thead { tr {
                        th scope="col" { span { (t(S::Select)) } }
                        th scope="col" { (t(S::Nik)) }
                        th scope="col" { (t(S::Name)) }
                        th scope="col" { (t(S::Village)) }
                        th scope="col" { (t(S::Occupation)) }
                        th scope="col" { (t(S::Proposer)) }
                        th scope="col" { (t(S::Flag)) }
                    } }
                    tbody {
                        @for w in &rows {
                            tr id={ "pekerja-" (w.id) } {
                                td {
                                    input type="checkbox" name="ids" value=(w.id) form="keputusan"
                                        id={ "pilih-" (w.id) }
                                        aria-label={ (t(S::SelectWorker)) " " (shown_name(p, w)) };
                                }
                                td { code { (shown_nik(p, w)) } }
                                td { (shown_name(p, w)) }
                                td { (village_label(&w.village_code)) }
                                td { (Occupation::parse(&w.occupation).map_or(w.occupation.as_str(), |o| o.label(lang))) }
                                td { (w.organisation_name) }
                                td {
                                    @if w.flag.as_deref() == Some(FLAG_POSSIBLE_DUPLICATE) {
                                        span.badge { (t(S::FlagPossibleDuplicate)) }
                                        @if let Some(o) = w.possible_duplicate_of.and_then(|of| resembles.get(&of)) {
                                            p.muted {
                                                (t(S::ResemblesWorker)) " #" (o.id) ": " (shown_name(p, o))
                                                " (" code { (shown_nik(p, o)) } ", " (o.organisation_name) ", "
                                                (super::money::worker_status(ctx.lang, &o.status)) ")"
                                            }
                                        }
                                        form method="post" action={ "/antrian/" (w.id) "/duplikat" } {
                                            input type="hidden" name="csrf" value=(ctx.csrf());
                                            input type="hidden" name="back" value=(view);
                                            button.small.secondary type="submit" name="decision" value="merge" { (t(S::SamePerson)) }
                                            " "
                                            button.small.secondary type="submit" name="decision" value="distinct" { (t(S::DifferentPerson)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if pages > 1 {
                nav.pager aria-label=(t(S::Pagination)) {
                    @if page > 1 {
                        a rel="prev" href=(queue_url(&view_no_page, &[("page", &(page - 1).to_string())])) { "← " (t(S::Previous)) }
                    }
                    span { (t(S::Page)) " " (page) " " (t(S::Of)) " " (pages) }
                    @if page < pages {
                        a rel="next" href=(queue_url(&view_no_page, &[("page", &(page + 1).to_string())])) { (t(S::Next)) " →" }
                    }
                }
            }
            form.card method="post" action="/antrian" id="keputusan" {
                h2 { (t(S::Decision)) }
                input type="hidden" name="csrf" value=(ctx.csrf());
                input type="hidden" name="back" value=(view);
                label for="reason" { (t(S::DecisionReason)) }
                textarea id="reason" name="reason" maxlength=(lingkaran_domain::fields::NOTE_MAX) {}
                p {
                    button type="submit" name="action" value="verify" id="verifikasi" { (t(S::VerifySelected)) }
                    " "
                    button.danger type="submit" name="action" value="reject" id="tolak" { (t(S::RejectSelected)) }
                }
            }
        }
    };
    let mut r = layout::page(&ctx, t(S::QueueTitle), body).into_response();
    no_store(&mut r);
    Ok(r)
}

/// The view to go back to, from the form's `back` field: only the known keys survive.
fn back_view(form: &[(String, String)]) -> String {
    let back = field(form, "back").unwrap_or("");
    let pairs: Vec<(String, String)> = Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/?{back}").parse().unwrap_or_default(),
    )
    .map(|q| q.0)
    .unwrap_or_default();
    let page = pairs
        .iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok());
    view_query(&pairs, page)
}

use super::form::FormFields;

pub async fn decide(ctx: Ctx, State(state): State<AppState>, form: FormFields) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let view = back_view(&form);
    let (to, action) = match field(&form, "action") {
        Some("verify") => (WorkerStatus::Verified, "verify"),
        Some("reject") => (WorkerStatus::Rejected, "reject"),
        _ => {
            return Err(ctx.error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.t(S::ErrorTitle),
                "action: verify | reject",
            ))
        }
    };
    let reason = field(&form, "reason")
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let mut ids: Vec<i64> = form
        .iter()
        .filter(|(k, _)| k == "ids" || k == "ids[]")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(redirect(&queue_url(&view, &[("msg", "none")])));
    }
    if to == WorkerStatus::Rejected && reason.is_none() {
        return Ok(redirect(&queue_url(&view, &[("msg", "reason")])));
    }
    // The same cap as the API's (`lingkaran_domain::fields::NOTE_MAX`).
    if reason.is_some_and(|r| {
        lingkaran_domain::fields::check_len(
            "Alasan",
            "The reason",
            r,
            lingkaran_domain::fields::NOTE_MAX,
        )
        .is_err()
    }) {
        return Ok(redirect(&queue_url(&view, &[("msg", "reason_long")])));
    }
    ids.truncate(MAX_IDS);
    let (mut done, mut failed) = (0u32, 0u32);
    for id in ids {
        match workers::change_status(&state.db, id, to, action, reason, p, state.clock.now())
            .await
            .map_err(|e| ctx.internal(e))?
        {
            Ok(_) => done += 1,
            Err(e) => {
                tracing::info!(worker.id = id, error = ?e, "queue decision refused");
                failed += 1;
            }
        }
    }
    let (done, failed) = (done.to_string(), failed.to_string());
    Ok(redirect(&queue_url(
        &view,
        &[("done", &done), ("failed", &failed)],
    )))
}

pub async fn duplicate(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: FormFields,
) -> PageResult {
    let p = ctx.require(&STAFF)?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let view = back_view(&form);
    let Ok(id) = id.parse::<i64>() else {
        return Err(ctx.refuse(StatusCode::NOT_FOUND, S::NotFoundTitle, S::NotFound));
    };
    let merge = match field(&form, "decision") {
        Some("merge") => true,
        Some("distinct") => false,
        _ => {
            return Err(ctx.error_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.t(S::ErrorTitle),
                "decision: merge | distinct",
            ))
        }
    };
    let msg = match workers::resolve_duplicate(&state.db, id, merge, p, state.clock.now())
        .await
        .map_err(|e| ctx.internal(e))?
    {
        Ok(_) if merge => "merged",
        Ok(_) => "distinct",
        Err(e) => {
            tracing::info!(worker.id = id, error = ?e, "duplicate decision refused");
            "dup_failed"
        }
    };
    Ok(redirect(&queue_url(&view, &[("msg", msg)])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_view_keeps_only_filters() {
        let q = pairs(&[
            ("village", "35.25.01"),
            ("done", "3"),
            ("name", ""),
            ("page", "2"),
            ("evil", "x"),
        ]);
        assert_eq!(view_query(&q, Some(2)), "village=35.25.01&page=2");
        assert_eq!(view_query(&q, None), "village=35.25.01");
        let form = pairs(&[("back", "village=35.25.01&page=3&msg=x&next=http://evil")]);
        assert_eq!(back_view(&form), "village=35.25.01&page=3");
        assert_eq!(queue_url("", &[("msg", "none")]), "/antrian?msg=none");
        assert_eq!(queue_url("a=1", &[]), "/antrian?a=1");
    }
}
