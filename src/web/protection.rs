//! `/perlindungan`: a worker types their NIK and birth date and sees only whether they are
//! protected, until when, and the donor's name if that donor allows it.
//!
//! The page reveals nothing about NIKs that are not registered: an unknown NIK, a birth date
//! that does not match and a registered worker without protection all get the same answer.
//! Checks are limited per network address (`CHECKS_PER_WINDOW` in `WINDOW`), so the page
//! cannot be used to walk through NIKs.

use super::i18n::S;
use super::layout;
use super::page::{field, no_store, Ctx, PageResult};
use crate::app::AppState;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::coverage::Payer;
use lingkaran_domain::format;
use maud::html;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const CHECKS_PER_WINDOW: u32 = 10;
pub const WINDOW: Duration = Duration::from_secs(600);

/// Checks per network address in a fixed window. In memory: a restart forgets, which costs
/// an attacker one window at most.
#[derive(Default)]
pub struct RateLimiter {
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    /// Counts one check from `ip`; `false` when it is one too many.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return false;
        };
        if seen.len() > 100_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= CHECKS_PER_WINDOW
    }
}

fn form(ctx: &Ctx, nik: &str, birth: &str) -> maud::Markup {
    let t = |s| ctx.t(s);
    html! {
        form.card method="post" action="/perlindungan" {
            p { (t(S::ProtectionIntro)) }
            label for="nik" { (t(S::Nik)) }
            input type="text" id="nik" name="nik" inputmode="numeric" autocomplete="off" value=(nik) required;
            label for="lahir" { (t(S::BirthDateField)) }
            input type="text" id="lahir" name="lahir" placeholder="16-08-1990" value=(birth) required;
            p { button type="submit" id="cek" { (t(S::CheckButton)) } }
        }
    }
}

pub async fn page(ctx: Ctx) -> PageResult {
    let body = html! { h1 { (ctx.t(S::ProtectionTitle)) } (form(&ctx, "", "")) };
    let mut r = layout::page(&ctx, ctx.t(S::ProtectionTitle), body).into_response();
    no_store(&mut r);
    Ok(r)
}

pub async fn check(
    ctx: Ctx,
    State(state): State<AppState>,
    parts: Parts,
    sent: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let t = |s| ctx.t(s);
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let sent = sent.map(|f| f.0).unwrap_or_default();
    let nik_in = field(&sent, "nik").unwrap_or("").trim().to_string();
    let birth_in = field(&sent, "lahir").unwrap_or("").trim().to_string();
    if !state.limiter.allow(ip, Instant::now()) {
        let body = html! {
            h1 { (t(S::ProtectionTitle)) }
            p.error role="alert" id="hasil" { (t(S::TooManyChecks)) }
        };
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            layout::page(&ctx, t(S::ProtectionTitle), body),
        )
            .into_response();
        no_store(&mut r);
        return Ok(r);
    }
    let today = crate::clock::today();
    let birth = lingkaran_domain::worker::parse_date(&birth_in);
    // One answer for anything that is not a registered worker with this birth date.
    let mut found = None;
    if let (Ok(nik), Some(birth)) = (lingkaran_domain::Nik::parse(&nik_in, today), birth) {
        let a = crate::db::coverage::check(&state.db, &nik.to_string(), today)
            .await
            .map_err(|e| ctx.internal(e))?;
        if a.worker.as_ref().is_some_and(|w| w.birth_date == birth) {
            found = Some(a);
        }
    }
    let lang = ctx.lang.code();
    let body = html! {
        h1 { (t(S::ProtectionTitle)) }
        @match found.as_ref().map(|a| &a.coverage).filter(|c| c.protected) {
            Some(c) => {
                div.card id="hasil" {
                    p.notice { strong { (t(S::ProtectedUntil)) " " (c.until.map(|d| format::date(d, lang)).unwrap_or_default()) } "." }
                    @match &c.payer {
                        Some(Payer::Donor { name, public: true }) => { p { (t(S::PaidBy)) " " strong { (name) } "." } }
                        Some(Payer::SelfPaid) => { p { (t(S::PaidBySelf)) } }
                        _ => { p { (t(S::PaidByDonor)) } }
                    }
                }
            }
            None => { div.card id="hasil" { p { (t(S::NotProtectedHere)) } } }
        }
        (form(&ctx, "", ""))
    };
    let mut r = layout::page(&ctx, t(S::ProtectionTitle), body).into_response();
    no_store(&mut r);
    Ok(r)
}
