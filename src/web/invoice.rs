//! The invoice on a held donation's page (issue 14 §3): the bank of the virtual account, the
//! number grouped by four with a copy button, the amount, the time left, and the steps to
//! pay from the usual banks by ATM, mobile and internet banking. The copy button and the
//! live countdown are the one small script the pages allow (`/salin.js`, same origin, CSP
//! `script-src 'self'`); without it the number is selectable and the time left is as of the
//! page's making.

use super::money;
use super::page::Ctx;
use crate::db::donations::InvoiceRow;
use axum::http::header;
use axum::response::IntoResponse;
use lingkaran_domain::format::rupiah;
use lingkaran_domain::va::{self, Bank};
use maud::{html, Markup};

/// The script: copies a `data-salin` button's text and counts `data-sampai` down.
pub const SCRIPT: &str = r#"document.querySelectorAll('[data-salin]').forEach(function (b) {
  b.hidden = false;
  b.addEventListener('click', function () {
    navigator.clipboard.writeText(b.getAttribute('data-salin')).then(function () {
      var was = b.textContent; b.textContent = b.getAttribute('data-tersalin');
      setTimeout(function () { b.textContent = was; }, 2000);
    });
  });
});
document.querySelectorAll('[data-sampai]').forEach(function (el) {
  var until = Number(el.getAttribute('data-sampai')) * 1000, en = el.getAttribute('data-bahasa') === 'en';
  function tick() {
    var m = Math.ceil((until - Date.now()) / 60000);
    if (m <= 0) { el.textContent = en ? 'expired' : 'habis'; return; }
    var d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), n = m % 60, p = [];
    if (d) p.push(d + (en ? (d === 1 ? ' day' : ' days') : ' hari'));
    if (h) p.push(h + (en ? (h === 1 ? ' hour' : ' hours') : ' jam'));
    if (!d && (n || !p.length)) p.push(n + (en ? (n === 1 ? ' minute' : ' minutes') : ' menit'));
    el.textContent = p.join(' ');
  }
  tick(); setInterval(tick, 30000);
});
"#;

/// `GET /salin.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

/// How to pay an open invoice.
pub fn how_to_pay(ctx: &Ctx, i: &InvoiceRow, issuer: &Bank) -> Markup {
    let lang = ctx.lang;
    let pick = |a, b| lang.pick(a, b);
    let grouped = money::grouped(&i.va_number);
    let amount = rupiah(i.outstanding());
    let left = (i.expires_at - chrono::Utc::now()).num_seconds();
    html! {
        div id="cara-bayar" {
            p { (pick("Bank", "Bank")) ": " strong id="bank-va" { "Virtual Account " (issuer.name) } }
            p {
                input type="text" readonly id="salin-va" value=(i.va_number) aria-label=(pick("Nomor virtual account", "Virtual account number"))
                    style="max-width:14rem;font-family:monospace";
                " "
                button.secondary type="button" hidden data-salin=(i.va_number) data-tersalin=(pick("Tersalin", "Copied")) id="tombol-salin" { (pick("Salin nomor", "Copy number")) }
            }
            p { (pick("Jumlah yang dibayar", "Amount to pay")) ": " strong id="jumlah-bayar" { (amount) } " " span.muted { (pick("(tepat, jangan dibulatkan)", "(exactly, not rounded)")) } }
            @if let Some(text) = va::time_left(left, lang.code()) {
                p id="sisa-waktu" { (pick("Sisa waktu", "Time left")) ": "
                    strong data-sampai=(i.expires_at.timestamp()) data-bahasa=(lang.code()) { (text) } }
            }
            h3 { (pick("Cara membayar", "How to pay")) }
            @for from in va::BANKS {
                details data-bank=(from.code) open[from.code == issuer.code] {
                    summary { (pick("Dari", "From")) " " (from.name) }
                    @for (channel, steps) in va::steps(issuer, &from, &grouped, &amount, lang.code()) {
                        p { strong { (channel) } }
                        ol { @for s in steps { li { (s) } } }
                    }
                }
            }
            p.muted { (pick("Dari bank lain: pilih transfer ke bank lain, bank tujuan ", "From another bank: transfer to another bank, to ")) (issuer.name) (pick(", nomor rekening = nomor virtual account di atas.", ", account number = the virtual account number above.")) }
            script src="/salin.js" defer {}
        }
    }
}
