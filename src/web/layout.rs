//! The frame around every page: header with navigation and the language switch, a small
//! inline style sheet, and the error page body. No scripts, no external assets.

use super::i18n::S;
use super::page::Ctx;
use crate::auth::Role;
use chrono::{DateTime, Duration, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = r#"
:root{--ink:#1d2433;--muted:#5b6475;--line:#d5dae3;--bg:#f6f7f9;--accent:#0b5cad;--ok:#1d6b3a;--bad:#a4262c;--warn:#8a5a00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f2b705;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}
header{background:#fff;border-bottom:1px solid var(--line)}
.bar{max-width:72rem;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
.brand{font-weight:700;font-size:1.2rem;color:var(--ink);text-decoration:none}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
.who{margin-left:auto;display:flex;gap:.8rem;align-items:center;flex-wrap:wrap;color:var(--muted);font-size:.95rem}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:1rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=text],input[type=password],select,textarea{font:inherit;padding:.45rem .5rem;border:1px solid #8d96a7;border-radius:4px;width:100%;max-width:26rem;background:#fff}
textarea{max-width:40rem;min-height:4rem}
input[type=file]{font:inherit;margin:.3rem 0}
button,.button{font:inherit;padding:.45rem .9rem;border-radius:4px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
button.small{padding:.2rem .5rem;font-size:.85rem}
button.link{background:none;border:none;color:var(--accent);text-decoration:underline;padding:0}
.inline{display:inline}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;margin:0 0 1rem}
.error{border-left:4px solid var(--bad);background:#fdf0f0;padding:.6rem .8rem;margin:0 0 1rem}
.notice{border-left:4px solid var(--ok);background:#eef8f1;padding:.6rem .8rem;margin:0 0 1rem}
.warn{border-left:4px solid var(--warn);background:#fdf6e7;padding:.6rem .8rem;margin:0 0 1rem}
.badge{display:inline-block;font-size:.8rem;padding:.05rem .4rem;border-radius:3px;background:#fdf6e7;color:var(--warn);border:1px solid #e6c98a}
.counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem;margin:0 0 1rem;padding:0}
.counts div{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.counts dt{color:var(--muted);font-size:.9rem}.counts dd{margin:0;font-size:1.6rem;font-weight:700}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:end}
.filters>div{min-width:12rem}
.muted{color:var(--muted)}
code{background:#eef1f5;padding:0 .2rem;border-radius:3px}
.pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
"#;

/// A whole page: `title` is the document title and the `h1` of `body`'s caller.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let t = |s| ctx.t(s);
    let other = ctx.lang.other();
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t(S::AppName)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#isi" { (t(S::SkipToContent)) }
                header {
                    div.bar {
                        a.brand href="/" title=(t(S::Tagline)) { (t(S::AppName)) }
                        @if let Some(p) = &ctx.user {
                            nav aria-label=(t(S::MainMenu)) {
                                ul {
                                    li { a href="/" { (t(S::NavHome)) } }
                                    @if p.role == Role::Proposer {
                                        li { a href="/unggah" { (t(S::NavUpload)) } }
                                    }
                                    @if matches!(p.role, Role::Officer | Role::Admin) {
                                        li { a href="/antrian" { (t(S::NavQueue)) } }
                                        li { a href="/mutasi" { (t(S::NavStatements)) } }
                                        li { a href="/mutasi/belum-cocok" { (t(S::NavUnmatched)) } }
                                        li { a href="/pembayaran/manual" { (t(S::NavManualPayment)) } }
                                        li { a href="/angka-wilayah" { (ctx.lang.pick("Angka wilayah", "Regional figures")) } }
                                    }
                                    @if matches!(p.role, Role::Officer | Role::Admin | Role::Viewer) {
                                        li { a href="/wilayah" { (ctx.lang.pick("Wilayah", "Regions")) } }
                                        li { a href="/siklus" { (ctx.lang.pick("Siklus bulanan", "Monthly cycle")) } }
                                    }
                                    @if matches!(p.role, Role::Officer | Role::Admin | Role::Proposer) {
                                        li { a href="/klaim" id="nav-klaim" { (ctx.lang.pick("Klaim", "Claims")) } }
                                    }
                                    @if p.role == Role::Admin {
                                        li { a href="/jejak-audit" { (t(S::AuditTitle)) } }
                                    }
                                    @if p.role == Role::Donor {
                                        li { a href="/donasi/baru" { (t(S::NavDonate)) } }
                                        li { a href="/donasi" { (t(S::NavMyDonations)) } }
                                        li { a href="/akun" { (t(S::NavAccount)) } }
                                    }
                                }
                            }
                        } @else {
                            nav aria-label=(t(S::MainMenu)) {
                                ul {
                                    li { a href="/masuk" { (t(S::SignIn)) } }
                                    li { a href="/daftar" { (t(S::NavSignUp)) } }
                                    li { a href="/perlindungan" { (t(S::ProtectionTitle)) } }
                                    li { a href="/transparansi" { (ctx.lang.pick("Transparansi", "Transparency")) } }
                                }
                            }
                        }
                        div.who {
                            @if let Some(p) = &ctx.user {
                                span { (t(S::SignedInAs)) " " strong { (p.full_name) } }
                                " " a href="/kata-sandi" id="keamanan" { (ctx.lang.pick("Kata sandi & token", "Password & tokens")) } " "
                                form.inline method="post" action="/keluar" {
                                    input type="hidden" name="csrf" value=(ctx.csrf());
                                    button.link type="submit" id="keluar" { (t(S::SignOut)) }
                                }
                            }
                            a href=(ctx.switch_href()) hreflang=(other.code()) lang=(other.code())
                                id="ganti-bahasa" {
                                (other.name())
                            }
                        }
                    }
                }
                main id="isi" tabindex="-1" {
                    (body)
                }
            }
        }
    }
}

pub fn error_body(ctx: &Ctx, title: &str, text: &str) -> Markup {
    html! {
        h1 { (title) }
        p.error role="alert" { (text) }
        p { a href="/" { (ctx.t(S::BackHome)) } }
    }
}

/// A moment as an Indonesian reads it: the date and the time in WIB (UTC+7).
pub fn when(at: DateTime<Utc>, ctx: &Ctx) -> String {
    let local = (at + Duration::hours(7)).naive_utc();
    format!(
        "{}, {} WIB",
        lingkaran_domain::format::date(local.date(), ctx.lang.code()),
        local.format("%H.%M")
    )
}
