//! The credit's history on the account page (`/akun`, issue 14 §1): each movement with its
//! reason in words, the change and the balance after it, newest first. Read through
//! `usecase::credit_history`, the same as the API.

use super::layout;
use super::money::rupiah;
use super::page::Ctx;
use crate::usecase::credit_history::{CreditHistory, PAGE};
use lingkaran_domain::ledger::TransferKey;
use maud::{html, Markup};

/// A link for the lines that name a donation or a payment.
fn link(key: Option<TransferKey>) -> Option<String> {
    match key? {
        TransferKey::Fund { donation } | TransferKey::Repriced { donation, .. } => {
            Some(format!("/donasi/{donation}"))
        }
        TransferKey::PaymentIn { payment } => Some(format!("/kuitansi/{payment}")),
        _ => None,
    }
}

pub fn section(ctx: &Ctx, h: &CreditHistory) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    html! {
        details.card id="riwayat-kredit" open[ctx.param("riwayat").is_some()] {
            summary { strong { (pick("Riwayat kredit", "Credit history")) } " · "
                (pick("saldo", "balance")) " " (rupiah(h.balance)) }
            @if h.lines.is_empty() {
                p.muted { (pick("Belum ada perpindahan kredit.", "No credit movements yet.")) }
            } @else {
                div.scroll { table id="tabel-riwayat-kredit" {
                    thead { tr {
                        th scope="col" { (pick("Waktu", "When")) }
                        th scope="col" { (pick("Keterangan", "What")) }
                        th scope="col" { (pick("Masuk / keluar", "In / out")) }
                        th scope="col" { (pick("Saldo", "Balance")) }
                    } }
                    tbody { @for l in &h.lines {
                        tr {
                            td { (layout::when(l.at, ctx)) }
                            td { @match link(l.key) {
                                Some(href) => { a href=(href) { (lang.pick(&l.reason, &l.reason_en)) } }
                                None => { (lang.pick(&l.reason, &l.reason_en)) }
                            } }
                            td.num class=(if l.change < 0 { "out" } else { "in" }) {
                                @if l.change >= 0 { "+" (rupiah(l.change)) } @else { "−" (rupiah(-l.change)) }
                            }
                            td.num { (rupiah(l.balance)) }
                        }
                    } }
                } }
                @if h.lines.len() as i64 >= PAGE {
                    p.muted { (pick("Menampilkan 200 perpindahan terakhir; semuanya ada di API (GET /api/v1/donors/{id}/credit-history).",
                                    "Showing the last 200 movements; all of them are in the API (GET /api/v1/donors/{id}/credit-history).")) }
                }
            }
        }
    }
}
