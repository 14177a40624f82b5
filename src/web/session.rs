//! Signing in and out, and the home page.
//!
//! The sign-in form itself is protected against cross-site submission with a
//! double-submit token: `GET /masuk` sets a random `lk_login` cookie and puts the same value
//! in the form; `POST /masuk` requires both to match.

use super::i18n::S;
use super::layout;
use super::page::{field, no_store, redirect, same_secret, Ctx, PageResult};
use crate::app::AppState;
use crate::auth::password::loggable;
use crate::auth::Role;
use crate::db::users;
use crate::http::request::{cookie, SESSION_COOKIE};
use crate::regions::RegionTable;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;

const LOGIN_COOKIE: &str = "lk_login";

/// Where a role starts after signing in.
pub fn start_page(role: Role) -> &'static str {
    match role {
        Role::Proposer => "/unggah",
        Role::Officer | Role::Admin => "/antrian",
        Role::Donor => "/donasi",
        Role::Viewer => "/",
    }
}

pub(super) fn set_cookie(r: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().append(SET_COOKIE, v);
    }
}

/// The session cookie: it lasts as long as a session may (`LINGKARAN_SESSION_HOURS`); the
/// idle timeout is the store's. `Secure` is added for https sites by `app::https_only`.
pub(super) fn session_cookie(token: &str, lifetimes: &users::Lifetimes) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        lifetimes.session_absolute.num_seconds()
    )
}

fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The most of a typed username shown back in the form.
const MAX_USERNAME_SHOWN: usize = 100;

fn sign_in_form(ctx: &Ctx, token: &str, username: &str, error: Option<String>) -> Response {
    let wrong = error.is_some();
    let t = |s| ctx.t(s);
    let body = html! {
        h1 { (t(S::SignIn)) }
        @if let Some(e) = &error {
            p.error role="alert" id="galat-masuk" { (e) }
        }
        @if ctx.param("keluar").is_some() {
            p.notice role="status" { (t(S::SignedOut)) }
        }
        div.card {
            p { (t(S::SignInIntro)) }
            form method="post" action="/masuk" {
                input type="hidden" name="csrf" value=(token);
                label for="username" { (t(S::Username)) }
                input type="text" id="username" name="username" value=(username)
                    autocomplete="username" autocapitalize="none" spellcheck="false" required
                    autofocus[!wrong];
                label for="password" { (t(S::Password)) }
                input type="password" id="password" name="password"
                    autocomplete="current-password" required autofocus[wrong];
                p { button type="submit" id="masuk" { (t(S::SignIn)) } }
            }
            p { (t(S::NoAccountYet)) " " a href="/daftar" { (t(S::NavSignUp)) } }
        }
    };
    let status = if wrong {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut r = (status, layout::page(ctx, t(S::SignIn), body)).into_response();
    no_store(&mut r);
    set_cookie(
        &mut r,
        &format!("{LOGIN_COOKIE}={token}; Path=/masuk; HttpOnly; SameSite=Lax"),
    );
    r
}

/// The sign-in token of this browser, or a fresh one.
fn login_token(parts: &Parts) -> String {
    form_token(parts, LOGIN_COOKIE)
}

/// The double-submit token a form before sign-in carries (sign-in, sign-up): the one this
/// browser's cookie `name` holds, or a fresh one.
pub(super) fn form_token(parts: &Parts, name: &str) -> String {
    cookie(parts, name)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .unwrap_or_else(crate::auth::password::random_token)
}

pub async fn sign_in_page(ctx: Ctx, parts: Parts) -> PageResult {
    if let Some(p) = &ctx.user {
        return Ok(redirect(start_page(p.role)));
    }
    Ok(sign_in_form(&ctx, &login_token(&parts), "", None))
}

pub async fn sign_in(
    ctx: Ctx,
    State(state): State<AppState>,
    parts: Parts,
    form: super::form::FormFields,
) -> PageResult {
    let form = form.map(|f| f.0).unwrap_or_default();
    let expected = cookie(&parts, LOGIN_COOKIE);
    let sent = field(&form, "csrf");
    if !matches!((expected, sent), (Some(e), Some(s)) if same_secret(e, s)) {
        return Err(ctx.refuse(StatusCode::FORBIDDEN, S::CsrfTitle, S::Csrf));
    }
    let username = field(&form, "username").unwrap_or("").trim();
    let password = field(&form, "password").unwrap_or("");
    let address = state.client_address(&parts);
    let signed_in = crate::usecase::signin::sign_in(
        &state.db,
        state.clock.as_ref(),
        crate::usecase::signin::Attempt {
            username,
            password,
            address: &address,
        },
    )
    .await;
    let user_id = match signed_in {
        Ok(id) => id,
        Err(crate::usecase::Error::Throttled {
            problem,
            retry_after,
        }) => {
            tracing::info!(username = %loggable(username), "sign-in throttled");
            let shown: String = username.chars().take(MAX_USERNAME_SHOWN).collect();
            let mut r = sign_in_form(
                &ctx,
                &login_token(&parts),
                &shown,
                Some(problem.message(ctx.lang.code()).to_string()),
            );
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            return Ok(r);
        }
        Err(e) => return Err(ctx.failed(e)),
    };
    let Some(user_id) = user_id else {
        // The username at most cut and escaped, never the password.
        tracing::info!(username = %loggable(username), "sign-in refused");
        let shown: String = username.chars().take(MAX_USERNAME_SHOWN).collect();
        return Ok(sign_in_form(
            &ctx,
            &login_token(&parts),
            &shown,
            Some(ctx.t(S::WrongCredentials).to_string()),
        ));
    };
    // A session this browser still holds is ended: one browser, one session.
    if let Some(old) = cookie(&parts, SESSION_COOKIE) {
        users::end_session(&state.db, old, state.clock.now())
            .await
            .map_err(|e| ctx.internal(e))?;
    }
    let lifetimes = &state.settings.lifetimes;
    let (token, _csrf) = users::create_session(
        &state.db,
        user_id,
        lifetimes.session_absolute,
        state.clock.now(),
    )
    .await
    .map_err(|e| ctx.internal(e))?;
    let principal = users::session_principal(&state.db, &token, state.clock.now(), lifetimes)
        .await
        .map_err(|e| ctx.internal(e))?;
    let to = principal.map_or("/", |p| start_page(p.role));
    tracing::info!(user.id = user_id, "signed in");
    let mut r = redirect(to);
    set_cookie(&mut r, &session_cookie(&token, lifetimes));
    set_cookie(
        &mut r,
        &format!("{LOGIN_COOKIE}=; Path=/masuk; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(r)
}

pub async fn sign_out(
    ctx: Ctx,
    State(state): State<AppState>,
    parts: Parts,
    form: super::form::FormFields,
) -> PageResult {
    let form = form.map(|f| f.0).unwrap_or_default();
    if ctx.user.is_none() {
        let mut r = redirect("/masuk");
        set_cookie(&mut r, &cleared_session_cookie());
        return Ok(r);
    }
    ctx.check_csrf(field(&form, "csrf"))?;
    if let Some(token) = cookie(&parts, SESSION_COOKIE) {
        users::end_session(&state.db, token, state.clock.now())
            .await
            .map_err(|e| ctx.internal(e))?;
    }
    let mut r = redirect("/masuk?keluar=1");
    set_cookie(&mut r, &cleared_session_cookie());
    Ok(r)
}

pub async fn home(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let Some(p) = ctx.user.as_ref() else {
        return super::public::landing(&ctx, &state).await;
    };
    // A regional government's home is its region's dashboard.
    if p.role == Role::Viewer && !p.scopes.is_empty() {
        return Ok(super::page::redirect("/wilayah"));
    }
    let t = |s| ctx.t(s);
    let org = match p.organisation_id {
        Some(id) => users::organisation(&state.db, id)
            .await
            .map_err(|e| ctx.internal(e))?,
        None => None,
    };
    let regions = RegionTable::get();
    let body = html! {
        h1 { (t(S::Welcome)) ", " (p.full_name) }
        div.card {
            dl {
                dt { (t(S::YourRole)) }
                dd id="peran" { (ctx.lang.role(p.role)) }
                @if let Some(o) = &org {
                    dt { (t(S::YourOrganisation)) }
                    dd { (o.name) }
                }
                dt { (t(S::YourScope)) }
                dd {
                    @if p.role == Role::Admin {
                        (t(S::AllRegions))
                    } @else if p.scopes.is_empty() {
                        (t(S::NoScope))
                    } @else {
                        ul {
                            @for code in &p.scopes {
                                li {
                                    @if let Some(r) = regions.region(code) { (r.name) " " }
                                    span.muted { "(" (code) ")" }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (t(S::WhatNext)) }
        @match p.role {
            Role::Proposer => {
                p { (t(S::HomeProposer)) }
                p { a.button href="/unggah" { (t(S::NavUpload)) } }
            }
            Role::Officer | Role::Admin => {
                p { (t(S::HomeOfficer)) }
                p { a.button href="/antrian" { (t(S::NavQueue)) } " "
                    a href="/wilayah" id="ke-wilayah" { (ctx.lang.pick("Dasbor cakupan wilayah", "Regional coverage dashboard")) } }
            }
            Role::Donor => {
                p { (t(S::HomeDonor)) }
                p {
                    a.button href="/donasi/baru" { (t(S::NavDonate)) } " "
                    a href="/donasi" { (t(S::NavMyDonations)) } " · "
                    a href="/akun" { (t(S::NavAccount)) }
                }
            }
            Role::Viewer => {
                p { (t(S::HomeOther)) }
            }
        }
    };
    let mut r = layout::page(&ctx, t(S::HomeTitle), body).into_response();
    no_store(&mut r);
    Ok(r)
}
