//! `GET /jejak-audit`: the audit trail for admins, filtered by record (kind and id), user and
//! date range, newest first, a keyset page at a time (`?sebelum=` the last id shown).

use super::i18n::S;
use super::layout;
use super::page::{no_store, query_string, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::Role;
use crate::usecase::audit as uc;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use maud::{html, Markup};

/// The page's query parameters, in the order a next-page link repeats them.
const FILTERS: [&str; 6] = ["jenis", "id", "pengguna", "aktor", "dari", "sampai"];

pub async fn page(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.require(&[Role::Admin])?;
    let t = |s| ctx.t(s);
    let mut problems: Vec<&'static str> = Vec::new();
    let day = |k: &str, problems: &mut Vec<&'static str>| {
        ctx.param(k).and_then(|v| {
            let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
            if d.is_none() {
                problems.push(t(S::AuditBadDate));
            }
            d
        })
    };
    let from = day("dari", &mut problems);
    let to = day("sampai", &mut problems);
    let number = |k: &str, problems: &mut Vec<&'static str>| {
        ctx.param(k).and_then(|v| {
            let n = v.parse::<i64>().ok();
            if n.is_none() {
                problems.push(t(S::AuditBadNumber));
            }
            n
        })
    };
    let user = number("pengguna", &mut problems);
    let before = number("sebelum", &mut problems);
    let q = uc::Query {
        record_kind: ctx.param("jenis").map(str::to_string),
        record_id: ctx.param("id").map(str::to_string),
        user,
        actor: ctx.param("aktor").map(str::to_string),
        from,
        to,
        before,
        limit: None,
    };
    let (status, listed) = if problems.is_empty() {
        match uc::list(state.ctx(p), &q).await {
            Ok(page) => (StatusCode::OK, Some(page)),
            Err(crate::usecase::Error::Invalid(ps)) => {
                problems.extend(ps.iter().map(|_| t(S::AuditBadRange)));
                (StatusCode::UNPROCESSABLE_ENTITY, None)
            }
            Err(e) => return Err(ctx.failed(e)),
        }
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, None)
    };
    let value = |k: &str| ctx.param(k).unwrap_or("").to_string();
    let next = listed.as_ref().and_then(|l| l.next_before).map(|before| {
        let kept: Vec<(&str, String)> = FILTERS
            .iter()
            .filter_map(|k| ctx.param(k).map(|v| (*k, v.to_string())))
            .collect();
        let before = before.to_string();
        let mut pairs: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.push(("sebelum", &before));
        format!("/jejak-audit?{}", query_string(&pairs))
    });
    let body = html! {
        h1 { (t(S::AuditTitle)) }
        p { (t(S::AuditIntro)) }
        form.filters method="get" action="/jejak-audit" {
            (field(t(S::AuditRecordKind), "jenis", &value("jenis"), "worker, donation, payment…"))
            (field(t(S::AuditRecordId), "id", &value("id"), ""))
            (field(t(S::AuditUser), "pengguna", &value("pengguna"), ""))
            (field(t(S::AuditActor), "aktor", &value("aktor"), "system:cycle, cli"))
            (date(t(S::AuditFrom), "dari", &value("dari")))
            (date(t(S::AuditTo), "sampai", &value("sampai")))
            div { button type="submit" { (t(S::AuditFilter)) } }
        }
        @for p in &problems { p.error role="alert" { (p) } }
        @if let Some(l) = &listed {
            @if l.entries.is_empty() {
                p.notice id="jejak-kosong" { (t(S::AuditEmpty)) }
            } @else {
                table id="jejak" {
                    thead { tr {
                        th { "#" } th { (t(S::AuditWhen)) } th { (t(S::AuditActor)) }
                        th { (t(S::AuditAction)) } th { (t(S::AuditRecord)) } th { (t(S::AuditDetail)) }
                    } }
                    tbody {
                        @for e in &l.entries {
                            tr {
                                td { (e.id) }
                                td { (e.at) }
                                td { code { (e.actor) } }
                                td { (e.action) }
                                td { (e.record_kind) " " (e.record_id) }
                                td { code { (e.detail) } }
                            }
                        }
                    }
                }
            }
            @if let Some(href) = &next {
                p.pager { a href=(href) id="halaman-berikut" rel="next" { (t(S::AuditOlder)) } }
            }
        }
    };
    let title = t(S::AuditTitle);
    let mut r = (status, layout::page(&ctx, title, body)).into_response();
    no_store(&mut r);
    Ok(r)
}

fn field(label: &str, name: &str, value: &str, hint: &str) -> Markup {
    html! {
        div {
            label for=(name) { (label) }
            input type="text" id=(name) name=(name) value=(value) placeholder=(hint);
        }
    }
}

fn date(label: &str, name: &str, value: &str) -> Markup {
    html! {
        div {
            label for=(name) { (label) }
            input type="date" id=(name) name=(name) value=(value);
        }
    }
}
