//! The signed-in user's own security: changing the password (`/kata-sandi`) and their API
//! tokens with a revoke button each (`/token`).

use super::layout;
use super::page::{field, no_store, redirect, Ctx, PageResult};
use crate::app::AppState;
use crate::db::users;
use crate::http::request::{cookie, SESSION_COOKIE};
use crate::usecase::signin::{self, Change};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;

type FormData = super::form::FormFields;

fn password_page(ctx: &Ctx, errors: &[String], status: StatusCode) -> Response {
    let l = ctx.lang;
    let title = l.pick("Ganti kata sandi", "Change password");
    let body = html! {
        h1 { (title) }
        @if ctx.param("msg") == Some("ok") {
            p.notice role="status" id="sandi-diganti" {
                (l.pick("Kata sandi sudah diganti. Sesi Anda di peramban lain sudah diakhiri.",
                        "Your password is changed. Your sessions in other browsers have ended."))
            }
        }
        @for e in errors {
            p.error role="alert" { (e) }
        }
        div.card {
            form method="post" action="/kata-sandi" {
                input type="hidden" name="csrf" value=(ctx.csrf());
                label for="current" { (l.pick("Kata sandi saat ini", "Current password")) }
                input type="password" id="current" name="current" autocomplete="current-password" required;
                label for="new" { (l.pick("Kata sandi baru", "New password")) }
                input type="password" id="new" name="new" autocomplete="new-password"
                    minlength="10" maxlength="128" required;
                p.muted { (l.pick(
                    "Paling sedikit 10 karakter, bukan kata sandi yang umum. Beberapa kata yang mudah Anda ingat adalah pilihan yang baik.",
                    "At least 10 characters, not a common password. A few words you remember are a good choice.")) }
                label for="repeat" { (l.pick("Ulangi kata sandi baru", "Repeat the new password")) }
                input type="password" id="repeat" name="repeat" autocomplete="new-password"
                    minlength="10" maxlength="128" required;
                p { button type="submit" id="ganti-sandi" { (title) } }
            }
        }
        p { a href="/token" { (l.pick("Token API Anda", "Your API tokens")) } }
    };
    let mut r = (status, layout::page(ctx, title, body)).into_response();
    no_store(&mut r);
    r
}

/// `GET /kata-sandi`.
pub async fn password_form(ctx: Ctx) -> PageResult {
    ctx.signed_in()?;
    Ok(password_page(&ctx, &[], StatusCode::OK))
}

/// `POST /kata-sandi`: the current password, the new one twice.
pub async fn change_password(
    ctx: Ctx,
    State(state): State<AppState>,
    parts: Parts,
    form: FormData,
) -> PageResult {
    let p = ctx.signed_in()?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let address = state.client_address(&parts);
    let changed = signin::change_password(
        state.ctx(p),
        Change {
            current: field(&form, "current").unwrap_or(""),
            new: field(&form, "new").unwrap_or(""),
            repeat: field(&form, "repeat").unwrap_or(""),
            session: cookie(&parts, SESSION_COOKIE),
            address: &address,
        },
    )
    .await;
    match changed {
        Ok(_) => Ok(redirect("/kata-sandi?msg=ok")),
        Err(crate::usecase::Error::Invalid(ps)) => {
            let words: Vec<String> = ps
                .iter()
                .map(|p| p.message(ctx.lang.code()).to_string())
                .collect();
            Ok(password_page(
                &ctx,
                &words,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(crate::usecase::Error::Throttled {
            problem,
            retry_after,
        }) => {
            let mut r = password_page(
                &ctx,
                &[problem.message(ctx.lang.code()).to_string()],
                StatusCode::TOO_MANY_REQUESTS,
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            Ok(r)
        }
        Err(e) => Err(ctx.failed(e)),
    }
}

/// `GET /token`: the caller's API tokens, each with a revoke button.
pub async fn tokens(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let p = ctx.signed_in()?;
    let l = ctx.lang;
    let list = users::tokens(&state.db, p.user_id)
        .await
        .map_err(|e| ctx.internal(e))?;
    let now = state.clock.now();
    let lifetime = state.settings.lifetimes.token;
    let title = l.pick("Token API", "API tokens");
    let body = html! {
        h1 { (title) }
        @if ctx.param("msg") == Some("dicabut") {
            p.notice role="status" id="token-dicabut" { (l.pick("Token sudah dicabut.", "The token is revoked.")) }
        }
        p { (l.pick(
            &format!("Token dipakai oleh skrip dan integrasi. Token berlaku {} hari sejak dibuat.", lifetime.num_days()),
            &format!("Tokens are used by scripts and integrations. A token works for {} days after it was issued.", lifetime.num_days()))) }
        @if list.is_empty() {
            p.muted { (l.pick("Anda belum punya token.", "You have no tokens.")) }
        } @else {
            table id="daftar-token" {
                thead { tr {
                    th { "ID" } th { (l.pick("Label", "Label")) }
                    th { (l.pick("Dibuat", "Issued")) } th { (l.pick("Keadaan", "State")) } th {}
                } }
                tbody {
                    @for t in &list {
                        @let expired = t.created_at + lifetime <= now;
                        tr {
                            td { code { (t.id) } }
                            td { (t.label) }
                            td { (t.created_at.format("%Y-%m-%d %H:%M")) " UTC" }
                            td {
                                @if let Some(r) = t.revoked_at {
                                    (l.pick("dicabut ", "revoked ")) (r.format("%Y-%m-%d"))
                                } @else if expired {
                                    (l.pick("kedaluwarsa", "expired"))
                                } @else {
                                    (l.pick("aktif", "active"))
                                }
                            }
                            td {
                                @if t.revoked_at.is_none() && !expired {
                                    form method="post" action="/token/cabut" {
                                        input type="hidden" name="csrf" value=(ctx.csrf());
                                        input type="hidden" name="id" value=(t.id);
                                        button type="submit" { (l.pick("Cabut", "Revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/kata-sandi" { (l.pick("Ganti kata sandi", "Change password")) } }
    };
    let mut r = layout::page(&ctx, title, body).into_response();
    no_store(&mut r);
    Ok(r)
}

/// `POST /token/cabut`: revokes one of the caller's own tokens.
pub async fn revoke(ctx: Ctx, State(state): State<AppState>, form: FormData) -> PageResult {
    let p = ctx.signed_in()?;
    let form = form.map(|f| f.0).unwrap_or_default();
    ctx.check_csrf(field(&form, "csrf"))?;
    let id = field(&form, "id").unwrap_or("");
    let (revoked, _) = users::revoke(
        &state.db,
        p.user_id,
        Some(id),
        false,
        crate::db::audit::Actor::of(p),
        state.clock.now(),
    )
    .await
    .map_err(|e| ctx.internal(e))?;
    if revoked == 0 {
        return Err(ctx.error_page(
            StatusCode::NOT_FOUND,
            ctx.lang.pick("Token tidak ditemukan", "Token not found"),
            ctx.lang.pick(
                "Anda tidak punya token aktif dengan ID itu.",
                "You have no active token with that ID.",
            ),
        ));
    }
    Ok(redirect("/token?msg=dicabut"))
}
