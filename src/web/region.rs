//! `/wilayah/{code}`: a region's dashboard for its government and BPJS staff (issue 12 §3).
//! Coverage with its numerator, denominator and definition, the target and the gap, the
//! points GN Lingkaran adds, the trend of 24 months against the target, the children (drill
//! down inside the reader's scope) and where the figures come from.

use super::chart::{self, Bar, Line};
use super::layout;
use super::money;
use super::page::{no_store, redirect, Ctx, PageResult};
use crate::app::AppState;
use crate::usecase::region_dashboard::{self, Dashboard, TREND_MONTHS};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use lingkaran_domain::format;
use lingkaran_domain::pricing::FundingSource;
use lingkaran_domain::rates::Month;
use lingkaran_domain::share::{definition, hundredths_text, Percent, Share};
use maud::{html, Markup};

/// `GET /wilayah`: the reader's own region.
pub async fn mine(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let user = ctx.require(&crate::auth::role::READERS)?;
    match region_dashboard::home_region(&state.ctx(user)) {
        Some(code) => Ok(redirect(&format!("/wilayah/{code}"))),
        None => Err(ctx.failed(crate::usecase::Error::Forbidden)),
    }
}

/// A code as the path carries it: digits and dots, at most a village's 13 characters.
fn plausible(code: &str) -> bool {
    !code.is_empty() && code.len() <= 13 && code.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// `GET /wilayah/{code}?tanggal=YYYY-MM-DD`.
pub async fn page(ctx: Ctx, State(state): State<AppState>, Path(code): Path<String>) -> PageResult {
    let user = ctx.require(&crate::auth::role::READERS)?;
    if !plausible(&code) {
        return Err(ctx.failed(crate::usecase::Error::NotFound("wilayah")));
    }
    let today = crate::clock::today();
    let day = ctx
        .param("tanggal")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .filter(|d| *d <= today && d.year_ce().1 >= 2000)
        .unwrap_or(today);
    let d = region_dashboard::open(&state.ctx(user), &code, day)
        .await
        .map_err(|e| ctx.failed(e))?;
    let title = format!(
        "{} {}",
        ctx.lang.pick("Cakupan", "Coverage of"),
        d.place.name
    );
    let body = body(&ctx, &d);
    let mut r = layout::page(&ctx, &title, body).into_response();
    no_store(&mut r);
    Ok(r)
}

use chrono::Datelike;

/// "40,82%" with "292.115 dari 715.619 angkatan kerja" beside it.
fn fraction(ctx: &Ctx, num: u64, den: u64, def: Option<&str>) -> String {
    let lang = ctx.lang.code();
    format!(
        "{} {} {}{}",
        format::count(num),
        ctx.lang.pick("dari", "of"),
        format::count(den),
        def.map(|d| format!(" ({})", definition::name(d, lang)))
            .unwrap_or_default()
    )
}

fn short_month(m: Month, lang: &str) -> String {
    let full = format::month(m, lang);
    let name: String = full.chars().take(3).collect();
    format!("{name} {:02}", m.year() % 100)
}

fn level_name(ctx: &Ctx, level: u8) -> &'static str {
    match level {
        0 => ctx.lang.pick("Provinsi", "Province"),
        1 => ctx.lang.pick("Kabupaten/kota", "Regency/city"),
        2 => ctx.lang.pick("Kecamatan", "District"),
        _ => ctx.lang.pick("Desa/kelurahan", "Village"),
    }
}

fn body(ctx: &Ctx, d: &Dashboard) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    let a = &d.coverage.assessment;
    let today = format::date(d.day, lang);
    let this_month = Month::of(d.day);
    html! {
        (chart::style())
        (money::style())
        nav aria-label=(pick("Jejak wilayah", "Region trail")) {
            p.muted id="jejak" {
                @for p in &d.trail {
                    a href=(link(&p.code, d)) { (p.name) } " › "
                }
                (d.place.name)
            }
        }
        h1 { (pick("Cakupan", "Coverage of")) " " (d.place.name) }
        form.filters method="get" action=(format!("/wilayah/{}", d.place.code)) {
            div {
                label for="tanggal" { (pick("Keadaan pada", "As of")) }
                input type="date" id="tanggal" name="tanggal" value=(d.day.format("%Y-%m-%d").to_string());
            }
            div { button.secondary type="submit" id="tampilkan" { (pick("Tampilkan", "Show")) } }
        }
        p.muted { (today) " · " (pick("Kode wilayah", "Region code")) " " code { (d.place.code) } }
        dl.counts id="kartu" {
            div id="kartu-cakupan" {
                dt { (pick("Cakupan kepesertaan", "Participation coverage")) }
                @match (a.share, a.participants, a.denominator) {
                    (Some(s), Some(p), Some(den)) => {
                        dd { (s.percent_text(lang)) }
                        dd.muted style="font-size:.9rem;font-weight:400" { (fraction(ctx, p, den, a.definition.as_deref())) }
                    }
                    (_, Some(p), None) => {
                        dd { (format::count(p)) }
                        dd.muted style="font-size:.9rem;font-weight:400" { (pick("peserta aktif; belum ada penyebut", "active participants; no denominator yet")) }
                    }
                    _ => {
                        dd { "–" }
                        dd.muted style="font-size:.9rem;font-weight:400" { (pick("Belum ada angka BPJS/BPS untuk wilayah ini", "No BPJS/BPS figures for this region yet")) }
                    }
                }
            }
            div id="kartu-target" {
                dt { (pick("Target", "Target")) }
                @match a.target {
                    Some(t) => {
                        dd { (t.text(lang)) }
                        @if let (Some(people), Some(gap)) = (a.target_people, a.gap) {
                            dd.muted style="font-size:.9rem;font-weight:400" {
                                (format::count(people)) " " (pick("orang", "people")) "; "
                                (pick("kurang", "short by")) " " strong id="kekurangan" { (format::count(gap)) } " " (pick("orang", "people"))
                            }
                        }
                    }
                    None => { dd { "–" } }
                }
            }
            div id="kartu-tambahan" {
                dt { (pick("Tambahan dari GN Lingkaran", "Added by GN Lingkaran")) }
                @match d.coverage.points_added {
                    Some(p) => {
                        dd { "+" (points_text(p, lang)) " " (pick("poin", "points")) }
                        dd.muted style="font-size:.9rem;font-weight:400" {
                            (format::count(d.protected_this_month())) " " (pick("pekerja", "workers")) " ÷ "
                            (format::count(a.denominator.unwrap_or(0)))
                        }
                    }
                    None => { dd { "–" } }
                }
            }
            div id="kartu-dilindungi" {
                dt { (pick("Dilindungi bulan ini", "Protected this month")) }
                dd { (format::count(d.protected_this_month())) }
                dd.muted style="font-size:.9rem;font-weight:400" {
                    (format::count(d.coverage.sponsored.total)) " " (pick("dibiayai donatur", "paid by donors")) ", "
                    (format::count(d.coverage.sponsored.self_paying)) " " (pick("mandiri", "paying alone")) "; "
                    (format::count(d.funded_months_trend)) " " (pick("bulan-pekerja dibiayai dalam", "worker-months funded in")) " " (TREND_MONTHS) " " (pick("bulan", "months"))
                }
            }
            div id="kartu-mandiri" {
                dt { (pick("Beralih ke mandiri", "Handed over to self-payment")) }
                dd { (format::count(d.handovers_month)) }
                dd.muted style="font-size:.9rem;font-weight:400" {
                    (format::count(d.handovers_trend)) " " (pick("dalam", "in")) " " (TREND_MONTHS) " " (pick("bulan terakhir", "months"))
                }
            }
        }
        @if !a.warnings.is_empty() {
            div.warn id="peringatan" {
                strong { (pick("Perhatikan", "Please note")) }
                ul { @for w in &a.warnings { li data-code=(w.code) { (w.message(lang)) } } }
            }
        }
        h2 { (pick("Tren cakupan", "Coverage trend")) }
        (trend(ctx, d))
        h2 { (pick("Pekerja yang dibiayai bulan ini, menurut sumber dana", "Workers paid for this month, by source of funds")) }
        (by_source(ctx, d, this_month))
        h2 { (pick("Anggaran pemerintah daerah", "Regional government budgets")) " " (this_month.year()) }
        (budget(ctx, d))
        h2 { (pick("Klaim JKK dan JKM", "JKK and JKM claims")) }
        p.muted { (pick("Kejadian dalam", "Events in the last")) " " (TREND_MONTHS) " " (pick("bulan terakhir, sampai", "months, up to")) " " (today) "." }
        (super::claims::counts_table(ctx, "tabel-klaim", &d.claims))
        @if !d.children.is_empty() {
            h2 { (pick("Per wilayah di bawahnya", "By region below")) }
            (children(ctx, d))
        }
        h2 { (pick("Sumber angka", "Where the figures come from")) }
        (sources(ctx, d))
        (super::report::form(ctx, &d.place.code, crate::clock::today()))
    }
}

/// A region's page on the same day as this one (the day is kept while drilling down).
fn link(code: &str, d: &Dashboard) -> String {
    if d.day == crate::clock::today() {
        format!("/wilayah/{code}")
    } else {
        format!("/wilayah/{code}?tanggal={}", d.day.format("%Y-%m-%d"))
    }
}

/// Ten-thousandths of a point as "0,0004".
fn points_text(p: u64, lang: &str) -> String {
    let sep = if lang == "en" { '.' } else { ',' };
    format!("{}{sep}{:04}", p / 10_000, p % 10_000)
}

fn percent_value(s: Share) -> f64 {
    s.hundredths() as f64 / 100.0
}

fn trend(ctx: &Ctx, d: &Dashboard) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    let labels: Vec<String> = d.trend.iter().map(|p| short_month(p.month, lang)).collect();
    let with_share = d.trend.iter().any(|p| p.share.is_some());
    let shares: Vec<Option<f64>> = d.trend.iter().map(|p| p.share.map(percent_value)).collect();
    let share_tips: Vec<String> = d
        .trend
        .iter()
        .map(|p| match (p.share, p.participants, p.denominator) {
            (Some(s), Some(n), Some(den)) => format!(
                "{}: {} ({})",
                format::month(p.month, lang),
                s.percent_text(lang),
                fraction(ctx, n, den, p.definition.as_deref())
            ),
            _ => format!("{}: –", format::month(p.month, lang)),
        })
        .collect();
    let target = d.trend.iter().rev().find_map(|p| p.target).map(|t| {
        (
            t.hundredths() as f64 / 100.0,
            format!("Target {}", t.text(lang)),
        )
    });
    let protected: Vec<Option<f64>> = d
        .trend
        .iter()
        .map(|p| Some((p.sponsored + p.self_paying) as f64))
        .collect();
    let protected_tips: Vec<String> = d
        .trend
        .iter()
        .map(|p| {
            format!(
                "{}: {} {} ({} {}, {} {})",
                format::month(p.month, lang),
                format::count(p.sponsored + p.self_paying),
                pick("pekerja dilindungi", "workers protected"),
                format::count(p.sponsored),
                pick("dibiayai donatur", "paid by donors"),
                format::count(p.self_paying),
                pick("mandiri", "paying alone")
            )
        })
        .collect();
    let y_percent = move |v: f64| {
        hundredths_text((v * 100.0).round() as u64, lang)
            .replace(",00%", "%")
            .replace(".00%", "%")
    };
    let y_count = |v: f64| format::count(v.round() as u64);
    html! {
        @if with_share {
            (chart::line(&Line {
                id: "grafik-tren",
                title: pick("Cakupan kepesertaan per bulan", "Participation coverage by month"),
                description: pick(
                    "Persentase pekerja yang menjadi peserta aktif BPJS Ketenagakerjaan pada akhir tiap bulan, dengan garis target.",
                    "The share of workers who are active BPJS Ketenagakerjaan participants at each month's end, with the target line.",
                ),
                labels: &labels,
                label_every: 6,
                values: &shares,
                tips: &share_tips,
                target,
                y_text: &y_percent,
            }))
        } @else {
            p.muted id="tren-tanpa-penyebut" { (pick("Wilayah ini belum punya penyebut, jadi belum ada garis cakupan. Di bawah: pekerja yang dilindungi GN Lingkaran.",
                "This region has no denominator yet, so there is no coverage line. Below: workers protected by GN Lingkaran.")) }
        }
        (chart::line(&Line {
            id: "grafik-dilindungi",
            title: pick("Pekerja dilindungi GN Lingkaran per bulan", "Workers protected by GN Lingkaran by month"),
            description: pick(
                "Pekerja yang iurannya dibayar donatur, ditambah yang sudah membayar sendiri, tiap bulan.",
                "Workers whose contributions donors paid, plus those who now pay alone, each month.",
            ),
            labels: &labels,
            label_every: 6,
            values: &protected,
            tips: &protected_tips,
            target: None,
            y_text: &y_count,
        }))
        details {
            summary { (pick("Angka per bulan", "Figures by month")) }
            div.scroll { table id="tabel-tren" {
                thead { tr {
                    th scope="col" { (pick("Bulan", "Month")) }
                    th scope="col" { (pick("Cakupan", "Coverage")) }
                    th scope="col" { (pick("Peserta ÷ penyebut", "Participants ÷ denominator")) }
                    th scope="col" { (pick("Dibiayai donatur", "Paid by donors")) }
                    th scope="col" { (pick("Mandiri", "Paying alone")) }
                } }
                tbody { @for p in d.trend.iter().rev() {
                    tr {
                        td { (format::month(p.month, lang)) }
                        td.num { (p.share.map_or("–".to_string(), |s| s.percent_text(lang))) }
                        td.num { @if let (Some(n), Some(den)) = (p.participants, p.denominator) { (fraction(ctx, n, den, p.definition.as_deref())) } @else { "–" } }
                        td.num { (format::count(p.sponsored)) }
                        td.num { (format::count(p.self_paying)) }
                    }
                } }
            } }
        }
    }
}

fn source_label(code: &str, lang: &str) -> String {
    FundingSource::parse(code).map_or(code.to_string(), |f| f.label(lang).to_string())
}

fn by_source(ctx: &Ctx, d: &Dashboard, month: Month) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    let mut rows: Vec<Bar> = d
        .coverage
        .sponsored
        .by_source
        .iter()
        .map(|(s, n)| Bar {
            label: source_label(s, lang),
            value: *n as f64,
            text: format::count(*n),
        })
        .collect();
    if d.coverage.sponsored.self_paying > 0 {
        rows.push(Bar {
            label: source_label("self", lang),
            value: d.coverage.sponsored.self_paying as f64,
            text: format::count(d.coverage.sponsored.self_paying),
        });
    }
    html! {
        @if rows.is_empty() {
            p.muted id="sumber-kosong" { (pick("Belum ada pekerja yang dibiayai pada", "No worker paid for in")) " " (format::month(month, lang)) "." }
        } @else {
            (chart::bars("grafik-sumber", pick("Pekerja dilindungi menurut sumber dana", "Workers protected by source of funds"),
                &format!("{} {}", pick("Bulan", "Month"), format::month(month, lang)), &rows))
        }
    }
}

fn children(ctx: &Ctx, d: &Dashboard) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    let any_share = d.children.iter().any(|c| c.share.is_some());
    let bars: Vec<Bar> = d
        .children
        .iter()
        .filter(|c| {
            if any_share {
                c.share.is_some()
            } else {
                c.sponsored + c.self_paying > 0
            }
        })
        .map(|c| match c.share {
            Some(s) if any_share => Bar {
                label: c.place.name.clone(),
                value: percent_value(s),
                text: s.percent_text(lang),
            },
            _ => Bar {
                label: c.place.name.clone(),
                value: (c.sponsored + c.self_paying) as f64,
                text: format::count(c.sponsored + c.self_paying),
            },
        })
        .collect();
    let level = level_name(ctx, d.place.level);
    html! {
        @if !bars.is_empty() {
            (chart::bars("grafik-wilayah",
                &format!("{} {}", if any_share { pick("Cakupan per", "Coverage by") } else { pick("Pekerja dilindungi per", "Workers protected by") }, level.to_lowercase()),
                pick("Satu batang per wilayah di bawahnya.", "One bar per region below."), &bars))
        }
        @if !any_share {
            p.muted { (pick("BPS tidak menerbitkan angkatan kerja di bawah kabupaten/kota: yang ditampilkan adalah jumlah, kecuali ada penyebut lokal yang diimpor.",
                "BPS publishes no labour force below the regency: counts are shown, unless a local denominator was imported.")) }
        }
        div.scroll { table id="tabel-wilayah" {
            thead { tr {
                th scope="col" { (level) }
                th scope="col" { (pick("Cakupan", "Coverage")) }
                th scope="col" { (pick("Peserta ÷ penyebut", "Participants ÷ denominator")) }
                th scope="col" { (pick("Dibiayai donatur bulan ini", "Paid by donors this month")) }
                th scope="col" { (pick("Mandiri bulan ini", "Paying alone this month")) }
                th scope="col" { (pick("Beralih ke mandiri", "Handed over")) " (" (TREND_MONTHS) " " (pick("bln", "mo")) ")" }
            } }
            tbody { @for c in &d.children {
                tr data-code=(c.place.code) {
                    td { @if c.open { a href=(link(&c.place.code, d)) { (c.place.name) } } @else { (c.place.name) } }
                    td.num { (c.share.map_or("–".to_string(), |s| s.percent_text(lang))) }
                    td.num { @if let (Some(n), Some(den)) = (c.participants, c.denominator) { (fraction(ctx, n, den, c.definition.as_deref())) } @else { "–" } }
                    td.num { (format::count(c.sponsored)) }
                    td.num { (format::count(c.self_paying)) }
                    td.num { (format::count(c.handovers)) }
                }
            } }
        } }
    }
}

fn budget_source(code: &str) -> &str {
    match code {
        "apbd" => "APBD",
        "dbhcht" => "DBHCHT",
        "dana_desa" => "Dana Desa",
        other => other,
    }
}

fn budget(ctx: &Ctx, d: &Dashboard) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    let months = |n: Option<u32>| {
        n.map_or("–".to_string(), |n| {
            format!("{n} {}", pick("bulan", "months"))
        })
    };
    html! {
        @if d.budget.is_empty() {
            p.muted id="anggaran-kosong" { (pick("Belum ada mata anggaran pemerintah di wilayah ini untuk tahun ini.", "No government budget line in this region for this year yet.")) }
        } @else {
            @for b in d.budget.iter().filter(|b| b.short_of_year) {
                p.warn data-line=(b.line.id) {
                    strong { (b.line.donor_name) " · " (budget_source(&b.line.source)) " " (b.line.code) ": " }
                    (pick("dengan pemakaian sekarang, dana hanya cukup sampai", "at the current rate, the money lasts only until")) " "
                    (b.funds_until.map_or("–".to_string(), |m| format::month(m, lang))) ", "
                    (pick("sebelum akhir tahun anggaran", "before the end of fiscal year")) " " (b.line.fiscal_year) "."
                }
            }
            div.scroll { table id="tabel-anggaran" {
                thead { tr {
                    th scope="col" { (pick("Donatur · mata anggaran", "Donor · budget line")) }
                    th scope="col" { (pick("Pagu", "Ceiling")) }
                    th scope="col" { (pick("Terikat (ditahan & dibayar)", "Committed (held & paid)")) }
                    th scope="col" { (pick("Disetor ke BPJS", "Remitted")) }
                    th scope="col" { (pick("Sisa", "Remaining")) }
                    th scope="col" { (pick("Pemakaian bulan ini", "This month's burn")) }
                    th scope="col" { (pick("Cukup untuk", "Runway")) }
                    th scope="col" { (pick("Dana cukup sampai", "Funds last until")) }
                } }
                tbody { @for b in &d.budget {
                    tr data-line=(b.line.id) {
                        td { (b.line.donor_name) br; span.muted { (budget_source(&b.line.source)) " " (b.line.code) } }
                        td.num { (money::rupiah(b.line.ceiling)) }
                        td.num { (money::rupiah(b.line.committed)) }
                        td.num { (money::rupiah(b.line.remitted)) }
                        td.num { (money::rupiah(b.remaining)) }
                        td.num { (money::rupiah(b.line.burn_now)) br; span.muted { (format::count(b.line.workers_now.max(0) as u64)) " " (pick("pekerja", "workers")) } }
                        td.num {
                            (months(b.runway_now)) br;
                            span.muted title=(pick("dengan harga yang berlaku bulan depan", "at next month's price")) {
                                (months(b.runway_price)) " " (pick("pada harga bulan depan", "at next month's price"))
                            }
                        }
                        td { (b.funds_until.map_or("–".to_string(), |m| format::month(m, lang))) }
                    }
                } }
            } }
            p.muted { (pick("Sisa = pagu − yang sudah terikat. \"Cukup untuk\": bulan tambahan sesudah bulan yang sudah dibayar, dengan biaya bulan ini dan dengan harga bulan depan (APBD membayar penuh; keringanan PP 50/2025 tidak berlaku untuk APBD).",
                "Remaining = ceiling − committed. Runway: further months after those already paid, at this month's cost and at next month's price (APBD pays in full; the PP 50/2025 relief does not apply to APBD).")) }
        }
    }
}

fn sources(ctx: &Ctx, d: &Dashboard) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    let measure = |m: &str| -> String {
        match m {
            "peserta" => pick("Peserta aktif", "Active participants"),
            "penyebut" => pick("Penyebut", "Denominator"),
            "target_persen" => pick("Target (%)", "Target (%)"),
            "target_orang" => pick("Target (orang)", "Target (people)"),
            "persen" => pick("Persentase terbit", "Published percentage"),
            other => other,
        }
        .to_string()
    };
    html! {
        @if d.coverage.figures.is_empty() {
            p.muted { (pick("Belum ada angka dari luar untuk wilayah ini. Petugas dapat mengimpornya di", "No figures from outside for this region yet. Staff can import them at")) " " a href="/angka-wilayah" { "/angka-wilayah" } "." }
        } @else {
            @if d.coverage.summed_children > 0 {
                p { (pick("Wilayah ini tidak punya angka sendiri: jumlah dari", "This region has no figures of its own: the sum of")) " "
                    (d.coverage.summed_children) " " (pick("wilayah di bawahnya, satu definisi penyebut, tanpa merata-ratakan persentase.", "regions below, of one denominator definition, never averaging percentages.")) }
            }
            div.scroll { table id="tabel-sumber" {
                thead { tr {
                    th scope="col" { (pick("Wilayah", "Region")) }
                    th scope="col" { (pick("Ukuran", "Measure")) }
                    th scope="col" { (pick("Nilai", "Value")) }
                    th scope="col" { (pick("Definisi", "Definition")) }
                    th scope="col" { (pick("Tanggal", "Date")) }
                    th scope="col" { (pick("Sumber", "Source")) }
                } }
                tbody { @for f in &d.coverage.figures {
                    tr {
                        td { code { (f.region_code) } }
                        td { (measure(&f.measure)) }
                        td.num { @if f.measure == "target_persen" || f.measure == "persen" {
                            (u32::try_from(f.value).ok().and_then(Percent::from_ten_thousandths).map_or("–".to_string(), |p| p.text(lang)))
                        } @else { (format::count(f.value.max(0) as u64)) } }
                        td { @if f.definition.is_empty() { "–" } @else { (definition::name(&f.definition, lang)) } }
                        td { (format::date(f.on_date, lang)) }
                        td { (f.source) }
                    }
                } }
            } }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn points_and_codes_read_right() {
        assert_eq!(points_text(4, "id"), "0,0004");
        assert_eq!(points_text(12_345, "en"), "1.2345");
        assert!(plausible("35.25.01.2001"));
        assert!(plausible("0"));
        assert!(!plausible("35.25.01.2001.1"));
        assert!(!plausible("35;DROP"));
        assert!(!plausible(""));
    }

    #[test]
    fn short_months_for_the_axis() {
        assert_eq!(short_month(Month::new(2024, 12).unwrap(), "id"), "Des 24");
        assert_eq!(short_month(Month::new(2025, 1).unwrap(), "en"), "Jan 25");
    }
}
