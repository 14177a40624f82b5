//! An impact summary (issue 14 §1) as the donation's page and the account page show it.

use super::money::rupiah;
use super::page::Ctx;
use crate::db::impact::Impact;
use lingkaran_domain::format::count;
use maud::{html, Markup};

fn n(v: i64) -> String {
    count(v.max(0) as u64)
}

pub fn section(ctx: &Ctx, id: &str, title: &str, i: &Impact) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    html! {
        section.card id=(id) {
            h2 { (title) }
            dl.counts {
                div data-ukuran="pekerja" { dt { (pick("Pekerja terlindungi", "Workers protected")) } dd { (n(i.workers)) } }
                div data-ukuran="bulan" { dt { (pick("Bulan-pekerja", "Worker-months")) } dd { (n(i.worker_months)) } }
                div data-ukuran="wilayah" {
                    dt { (pick("Wilayah", "Regions")) }
                    dd { (n(i.villages)) " " (pick("desa", "villages")) }
                    dd.muted style="font-size:.9rem;font-weight:400" {
                        (n(i.districts)) " " (pick("kecamatan", "districts")) ", " (n(i.regencies)) " " (pick("kabupaten/kota", "regencies"))
                    }
                }
                div data-ukuran="disetor" {
                    dt { (pick("Disetor ke BPJS", "Sent to BPJS")) }
                    dd { (rupiah(i.remitted)) }
                    @if i.returned > 0 {
                        dd.muted style="font-size:.9rem;font-weight:400" { (rupiah(i.returned)) " " (pick("dikembalikan (ditolak BPJS)", "returned (refused by BPJS)")) }
                    }
                }
                div data-ukuran="mandiri" {
                    dt { (pick("Lanjut membayar sendiri", "Went on paying alone")) }
                    dd { (n(i.graduated[0])) }
                    dd.muted style="font-size:.9rem;font-weight:400" {
                        (pick("≥ 3 bulan", "≥ 3 months")) "; " (n(i.graduated[1])) " " (pick("≥ 6 bulan", "≥ 6 months")) "; "
                        (n(i.graduated[2])) " " (pick("≥ 12 bulan", "≥ 12 months"))
                    }
                }
                div data-ukuran="klaim" {
                    dt { (pick("Santunan BPJS untuk keluarga", "Benefits BPJS paid to families")) }
                    dd { (n(i.claims_paid)) " " (pick("keluarga", "families")) }
                    @if i.claims_paid > 0 {
                        dd.muted style="font-size:.9rem;font-weight:400" { (rupiah(i.claims_amount)) }
                    }
                }
            }
        }
    }
}
