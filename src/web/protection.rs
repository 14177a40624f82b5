//! `/perlindungan`: a worker types their NIK and the last four digits of the phone number on
//! record, and sees only whether they are protected, until when, and the donor's name if
//! that donor allows it (`usecase::coverage::public_check`, docs/privacy.md).
//!
//! The page reveals nothing about NIKs that are not registered: an unknown NIK, digits that
//! do not match, a worker with no phone on record and a registered worker without
//! protection all get the same answer. Checks are limited per client address, counted in
//! the store (`usecase::coverage::CHECKS_PER_WINDOW` in ten minutes), so the page cannot be
//! used to walk through NIKs, and several servers share the limit.

use super::i18n::S;
use super::layout;
use super::page::{field, no_store, Ctx, PageResult};
use crate::app::AppState;
use crate::usecase::coverage::{self, Public};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use lingkaran_domain::coverage::Payer;
use lingkaran_domain::format;
use maud::html;

/// The form. What was typed is never written back into the page: the answer page is the
/// same for every NIK.
fn form(ctx: &Ctx) -> maud::Markup {
    let t = |s| ctx.t(s);
    html! {
        form.card method="post" action="/perlindungan" {
            p { (t(S::ProtectionIntro)) }
            label for="nik" { (t(S::Nik)) }
            input type="text" id="nik" name="nik" inputmode="numeric" autocomplete="off" required;
            label for="hp4" { (t(S::PhoneDigitsField)) }
            input type="text" id="hp4" name="hp4" inputmode="numeric" autocomplete="off" maxlength="4" placeholder="7890" required;
            p { button type="submit" id="cek" { (t(S::CheckButton)) } }
        }
    }
}

pub async fn page(ctx: Ctx) -> PageResult {
    let body = html! { h1 { (ctx.t(S::ProtectionTitle)) } (form(&ctx)) };
    let mut r = layout::page(&ctx, ctx.t(S::ProtectionTitle), body).into_response();
    no_store(&mut r);
    Ok(r)
}

pub async fn check(
    ctx: Ctx,
    State(state): State<AppState>,
    parts: Parts,
    sent: super::form::FormFields,
) -> PageResult {
    let t = |s| ctx.t(s);
    let client = state.client_address(&parts);
    let sent = sent.map(|f| f.0).unwrap_or_default();
    let nik_in = field(&sent, "nik").unwrap_or("");
    let digits_in = field(&sent, "hp4").unwrap_or("");
    let answer = coverage::public_check(
        &state.db,
        state.clock.as_ref(),
        state.settings.checks_per_window,
        &client,
        nik_in,
        digits_in,
    )
    .await
    .map_err(|e| ctx.failed(e))?;
    let (status, found, format_problem) = match answer {
        Public::Throttled { .. } => {
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
        Public::BadFormat(p) => (StatusCode::UNPROCESSABLE_ENTITY, None, Some(p)),
        Public::Protected(a) => (StatusCode::OK, Some(a), None),
        Public::NotHere => (StatusCode::OK, None, None),
    };
    let lang = ctx.lang.code();
    let body = html! {
        h1 { (t(S::ProtectionTitle)) }
        @if let Some(p) = &format_problem {
            p.error role="alert" id="hasil" { (ctx.lang.pick(&p.id, &p.en)) }
        } @else {
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
        }
        (form(&ctx))
    };
    let mut r = (status, layout::page(&ctx, t(S::ProtectionTitle), body)).into_response();
    no_store(&mut r);
    Ok(r)
}
