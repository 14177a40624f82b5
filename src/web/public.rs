//! The public face (issue 12 §4): `/` explains GN Lingkaran to a stranger with live totals,
//! and `/transparansi` shows what the movement has done, with every table downloadable as
//! CSV and the whole as JSON. No personal data; counts from 1 to 9 read "< 10"
//! (`usecase::transparency`).

use super::chart::{self, Bar, Line};
use super::layout;
use super::money;
use super::page::{no_store, Ctx, PageResult};
use crate::app::AppState;
use crate::usecase::transparency::{self, Published, Summary};
use crate::wire;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lingkaran_domain::format;
use lingkaran_domain::pricing::FundingSource;
use maud::{html, Markup, PreEscaped};

const STYLE: &str = ".hero{background:#fff;border:1px solid var(--line);border-radius:6px;padding:1.2rem;margin:0 0 1rem}\
.hero p{font-size:1.1rem;max-width:48rem}.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin:.8rem 0 0}\
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}\
.downloads a{margin-right:.8rem}";

fn style() -> Markup {
    html! { style { (PreEscaped(STYLE)) } }
}

async fn load(ctx: &Ctx, state: &AppState) -> Result<std::sync::Arc<Summary>, super::page::Fail> {
    transparency::summary(&state.db, &state.public, state.clock.today())
        .await
        .map_err(|e| ctx.failed(e))
}

/// Public pages may sit in a shared cache for as long as the summary is fresh, unless they
/// carry a signed-in reader's name in their header.
fn cache_headers(ctx: &Ctx, r: &mut Response) {
    if ctx.user.is_some() {
        no_store(r);
    } else {
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=30"),
        );
    }
}

fn rupiah_or_dash(p: Option<i64>) -> String {
    p.map_or("–".into(), format::rupiah)
}

/// `GET /` for a visitor who is not signed in.
pub async fn landing(ctx: &Ctx, state: &AppState) -> PageResult {
    let s = load(ctx, state).await?;
    let pick = |a, b| ctx.lang.pick(a, b);
    let full = rupiah_or_dash(s.price_budget);
    let relief = rupiah_or_dash(s.price_other);
    let body = html! {
        (style())
        (money::style())
        section.hero {
            h1 { "GN Lingkaran" }
            p { (pick(
                "Gerakan Nasional Peduli Perlindungan Pekerja Rentan: donatur membayar iuran jaminan kecelakaan kerja (JKK) dan jaminan kematian (JKM) BPJS Ketenagakerjaan bagi pekerja informal yang rentan, untuk sementara, sampai mereka sanggup membayar sendiri.",
                "The national movement for the protection of vulnerable workers: donors pay the BPJS Ketenagakerjaan work-accident (JKK) and death (JKM) contributions of vulnerable informal workers, for a while, until they can pay for themselves.")) }
            div.actions {
                a.button href="/daftar" id="ajak-donasi" { (pick("Beri donasi", "Give")) }
                a.button href="/perlindungan" id="ajak-cek" style="background:#fff;color:var(--accent)" { (pick("Cek perlindungan", "Check protection")) }
                a.button href="/transparansi" id="ajak-transparansi" style="background:#fff;color:var(--accent)" { (pick("Lihat transparansi", "See the figures")) }
            }
        }
        h2 { (pick("Saat ini", "Right now")) }
        (headline(ctx, &s))
        div.cols {
            div.card {
                h2 { (pick("Siapa yang dilindungi, dan mengapa", "Who is protected, and why")) }
                p { (pick(
                    "Petani, nelayan, pengemudi ojek dan becak, pedagang kaki lima, pemulung, relawan desa dan rumah ibadah: pekerja yang penghasilannya hanya cukup untuk hari itu. Satu kecelakaan di laut atau di jalan dapat menjatuhkan seluruh keluarga ke dalam kemiskinan.",
                    "Farmers, fishers, ojek and becak drivers, street vendors, waste pickers, village and religious volunteers: workers whose income covers the day and no more. One accident at sea or on the road can push a whole family into poverty.")) }
                p { (pick(
                    "Pemerintah desa, paguyuban nelayan atau dinas tenaga kerja mengusulkan nama mereka; petugas BPJS Ketenagakerjaan memeriksa setiap NIK sebelum seorang pekerja dapat dibiayai.",
                    "A village office, a fishers' association or the labour office proposes them; BPJS Ketenagakerjaan officers check every NIK before a worker can be funded.")) }
            }
            div.card {
                h2 { (pick("Apa yang dibeli iuran sebulan", "What a month's contribution buys")) }
                p { strong { (full) } " " (pick("sebulan per pekerja bila dibayar dari APBD;", "a month per worker when paid from a regional budget (APBD);")) " "
                    strong { (relief) } " " (pick("bila dibayar perusahaan, lembaga zakat atau perorangan", "when paid by a company, a zakat body or a person"))
                    @if s.price_other < s.price_budget { " " (pick("(keringanan PP 50/2025 bulan ini)", "(the PP 50/2025 relief this month)")) }
                    ", " (pick("pada penghasilan", "at a declared income of")) " " span style="white-space:nowrap" { (format::rupiah(transparency::MINIMUM_INCOME)) } "." }
                ul {
                    li { (pick("Bila meninggal dunia: santunan Rp 42.000.000 bagi keluarga (JKM).", "On death: Rp 42.000.000 for the family (JKM).")) }
                    li { (pick("Bila kecelakaan kerja: perawatan sampai sembuh tanpa batas biaya, ganti penghasilan selama tidak dapat bekerja (JKK).", "After a work accident: care until healed with no cost ceiling, and income while unable to work (JKK).")) }
                    li { (pick("Bila meninggal karena kecelakaan kerja: paling sedikit 48 kali penghasilan sebulan, ditambah biaya pemakaman dan santunan berkala.", "On death from a work accident: at least 48 months' income, plus funeral costs and periodic benefits.")) }
                }
            }
            div.card {
                h2 { (pick("Cara memberi", "How to give")) }
                ol {
                    li { (pick("Daftar sebagai donatur (perorangan), atau hubungi kantor cabang BPJS Ketenagakerjaan untuk perusahaan, lembaga dan pemerintah daerah.", "Sign up as a donor (a person), or contact a BPJS Ketenagakerjaan branch for a company, an institution or a regional government.")) }
                    li { (pick("Pilih berapa pekerja, di wilayah mana dan berapa bulan; harga dihitung tepat per bulan.", "Choose how many workers, where and for how many months; the price is computed exactly for each month.")) }
                    li { (pick("Bayar tagihan ke nomor virtual account; perlindungan berjalan sejak bulan yang dibayar, dan Anda melihat siapa yang Anda lindungi.", "Pay the invoice to its virtual account; the protection runs from the months paid, and you see whom you protect.")) }
                }
                p { a.button href="/daftar" { (pick("Daftar & beri donasi", "Sign up & give")) } }
            }
        }
        p.muted { (pick("Angka diperbarui setiap 30 detik dari catatan Lingkaran.", "Figures are refreshed every 30 seconds from Lingkaran's records.")) " "
            a href="/transparansi" { (pick("Rinciannya ada di halaman transparansi.", "The details are on the transparency page.")) } }
    };
    let mut r = layout::page(
        ctx,
        pick("Lindungi pekerja rentan", "Protect vulnerable workers"),
        body,
    )
    .into_response();
    cache_headers(ctx, &mut r);
    Ok(r)
}

fn headline(ctx: &Ctx, s: &Summary) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    html! {
        dl.counts id="angka-utama" {
            div id="angka-dilindungi" { dt { (pick("Pekerja dilindungi bulan ini", "Workers protected this month")) } dd { (s.protected_now.text()) } }
            div id="angka-bulan" { dt { (pick("Bulan-pekerja dibiayai donatur", "Worker-months paid by donors")) } dd { (s.funded_months.text()) } }
            div id="angka-diterima" { dt { (pick("Donasi diterima", "Donations received")) } dd { (format::rupiah(s.received)) } }
            div id="angka-disetor" { dt { (pick("Disetor ke BPJS Ketenagakerjaan", "Paid to BPJS Ketenagakerjaan")) } dd { (format::rupiah(s.remitted)) } }
            div id="angka-mandiri" { dt { (pick("Beralih ke bayar sendiri", "Now paying for themselves")) } dd { (s.handovers.text()) } }
        }
    }
}

fn source_name(code: &str, lang: &str) -> String {
    FundingSource::parse(code).map_or(code.to_string(), |f| f.label(lang).to_string())
}

fn kind_name(kind: &str, ctx: &Ctx) -> &'static str {
    match kind {
        "government" => ctx.lang.pick("Pemerintah", "Government"),
        "company" => ctx.lang.pick("Perusahaan", "Company"),
        "institution" => ctx.lang.pick("Lembaga", "Institution"),
        _ => ctx.lang.pick("Perorangan", "Individual"),
    }
}

/// `GET /transparansi`.
pub async fn page(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let s = load(&ctx, &state).await?;
    let pick = |a, b| ctx.lang.pick(a, b);
    let lang = ctx.lang.code();
    let labels: Vec<String> = s
        .months
        .iter()
        .map(|m| {
            let full = format::month(m.month, lang);
            format!(
                "{} {:02}",
                full.chars().take(3).collect::<String>(),
                m.month.year() % 100
            )
        })
        .collect();
    // An unpublished month (1 to 9) is drawn as nothing rather than as a guessable height.
    let values: Vec<Option<f64>> = s
        .months
        .iter()
        .map(|m| m.protected.value().map(|n| n as f64))
        .collect();
    let tips: Vec<String> = s
        .months
        .iter()
        .map(|m| {
            format!(
                "{}: {} {} ({} {}, {} {})",
                format::month(m.month, lang),
                m.protected.text(),
                pick("dilindungi", "protected"),
                m.sponsored.text(),
                pick("dibiayai donatur", "paid by donors"),
                m.self_paying.text(),
                pick("mandiri", "paying alone")
            )
        })
        .collect();
    let y = |v: f64| format::count(v.round() as u64);
    let source_bars: Vec<Bar> = s
        .sources
        .iter()
        .filter_map(|l| {
            l.funded_months.value().map(|n| Bar {
                label: source_name(&l.source, lang),
                value: n as f64,
                text: format::count(n),
            })
        })
        .collect();
    let body = html! {
        (style())
        (chart::style())
        (money::style())
        h1 { (pick("Transparansi GN Lingkaran", "GN Lingkaran in the open")) }
        p { (pick("Apa yang sudah dilakukan gerakan ini, dari catatan Lingkaran, per", "What the movement has done, from Lingkaran's records, as of")) " "
            (format::date(s.as_of, lang)) ". "
            (pick("Tanpa data pribadi: jumlah 1 sampai 9 ditulis \"< 10\" agar tak seorang pun dapat dikenali, dan \"–\" menandai angka yang ditahan karena dapat membuka angka kecil itu. Donatur hanya disebut namanya bila mereka memilihnya.",
                "No personal data: counts from 1 to 9 read \"< 10\" so that nobody can be singled out, and \"–\" marks a figure withheld because it would give such a count away. Donors are named only if they chose to be.")) }
        (headline(&ctx, &s))
        dl.counts {
            div id="angka-kembali" { dt { (pick("Dikembalikan ke donatur", "Returned to donors")) } dd { (format::rupiah(s.returned)) } }
            div id="angka-donatur-dibiayai" { dt { (pick("Dibiayai donatur bulan ini", "Paid by donors this month")) } dd { (s.sponsored_now.text()) } }
            div id="angka-mandiri-kini" { dt { (pick("Membayar sendiri bulan ini", "Paying alone this month")) } dd { (s.self_paying_now.text()) } }
        }
        p.downloads {
            (pick("Unduh:", "Download:")) " "
            a href="/transparansi.json" id="unduh-json" { "JSON" }
            @for (t, id, en) in TABLES {
                a href=(format!("/transparansi/{t}.csv")) { (ctx.lang.pick(id, en)) " (CSV)" }
            }
            " · API: " code { "GET /api/v1/public/summary" }
        }
        h2 { (pick("Pekerja dilindungi per bulan", "Workers protected by month")) }
        (chart::line(&Line {
            id: "grafik-bulanan",
            title: pick("Pekerja dilindungi per bulan", "Workers protected by month"),
            description: pick("Pekerja yang iurannya dibayar donatur, ditambah yang membayar sendiri, tiap bulan selama 24 bulan terakhir.",
                "Workers whose contributions donors paid, plus those paying alone, each month for the last 24 months."),
            labels: &labels,
            label_every: 6,
            values: &values,
            tips: &tips,
            target: None,
            y_text: &y,
        }))
        details {
            summary { (pick("Angka per bulan", "Figures by month")) }
            div.scroll { table id="tabel-bulan" {
                thead { tr {
                    th scope="col" { (pick("Bulan", "Month")) }
                    th scope="col" { (pick("Dilindungi", "Protected")) }
                    th scope="col" { (pick("Dibiayai donatur", "Paid by donors")) }
                    th scope="col" { (pick("Membayar sendiri", "Paying alone")) }
                    th scope="col" { (pick("Beralih ke mandiri", "Handed over")) }
                } }
                tbody { @for m in s.months.iter().rev() {
                    tr { td { (format::month(m.month, lang)) } td.num { (m.protected.text()) } td.num { (m.sponsored.text()) } td.num { (m.self_paying.text()) } td.num { (m.handovers.text()) } }
                } }
            } }
        }
        h2 { (pick("Menurut sumber dana", "By source of funds")) }
        @if !source_bars.is_empty() {
            (chart::bars("grafik-sumber-dana", pick("Bulan-pekerja menurut sumber dana", "Worker-months by source of funds"),
                pick("Seluruh bulan-pekerja yang dibiayai, menurut sumber dananya.", "All worker-months funded, by their source of funds."), &source_bars))
        }
        div.scroll { table id="tabel-sumber-dana" {
            thead { tr {
                th scope="col" { (pick("Sumber dana", "Source of funds")) }
                th scope="col" { (pick("Dilindungi bulan ini", "Protected this month")) }
                th scope="col" { (pick("Bulan-pekerja", "Worker-months")) }
            } }
            tbody { @for l in &s.sources {
                tr { td { (source_name(&l.source, lang)) } td.num { (l.protected_now.text()) } td.num { (l.funded_months.text()) } }
            } }
        } }
        h2 { (pick("Menurut donatur", "By donor")) }
        div.scroll { table id="tabel-donatur" {
            thead { tr {
                th scope="col" { (pick("Donatur", "Donor")) }
                th scope="col" { (pick("Jenis", "Kind")) }
                th scope="col" { (pick("Pekerja", "Workers")) }
                th scope="col" { (pick("Nilai donasi", "Amount given")) }
            } }
            tbody { @for d in &s.donors {
                tr {
                    td { @match &d.name { Some(n) => { (n) }, None => { em { (pick("Donatur anonim", "Anonymous donors")) } " (" (d.donors) ")" } } }
                    td { (kind_name(&d.kind, &ctx)) }
                    td.num { (format::count(d.workers.max(0) as u64)) }
                    td.num { (format::rupiah(d.funded)) }
                }
            } }
        } }
        p.muted id="catatan-donatur" { (pick("Donatur yang memilih anonim, atau yang memilih tidak menampilkan nilai donasinya, dijumlahkan per jenis sebagai \"Donatur anonim\"; semua donasi tetap terhitung dalam total.",
                                            "Donors who chose to stay anonymous, or not to show the amount they gave, are summed per kind as \"Anonymous donors\"; every donation still counts in the totals.")) }
        h2 { (pick("Menurut provinsi", "By province")) }
        (region_table(&ctx, "tabel-provinsi", &s.provinces))
        h2 { (pick("Klaim JKK dan JKM", "JKK and JKM claims")) }
        p { (pick("Kecelakaan kerja dan kematian pekerja yang dilindungi, dilaporkan lewat Lingkaran; BPJS Ketenagakerjaan yang menetapkan dan membayar santunannya.",
                  "Work accidents and deaths of protected workers, reported through Lingkaran; BPJS Ketenagakerjaan decides and pays the benefits.")) }
        (super::claims::counts_table(&ctx, "tabel-klaim", &s.claims))
        h2 { (pick("Menurut kabupaten/kota", "By regency or city")) }
        (region_table(&ctx, "tabel-kabupaten", &s.regencies))
    };
    let mut r = layout::page(&ctx, pick("Transparansi", "Transparency"), body).into_response();
    cache_headers(&ctx, &mut r);
    Ok(r)
}

fn region_table(ctx: &Ctx, id: &str, rows: &[transparency::RegionLine]) -> Markup {
    let pick = |a, b| ctx.lang.pick(a, b);
    html! {
        @if rows.is_empty() {
            p.muted { (pick("Belum ada.", "None yet.")) }
        } @else {
            div.scroll { table id=(id) {
                thead { tr {
                    th scope="col" { (pick("Wilayah", "Region")) }
                    th scope="col" { (pick("Dilindungi bulan ini", "Protected this month")) }
                    th scope="col" { (pick("Bulan-pekerja dibiayai", "Worker-months funded")) }
                    th scope="col" { (pick("Beralih ke mandiri", "Handed over")) }
                } }
                tbody { @for r in rows {
                    tr data-code=(r.code) {
                        td { (r.name) }
                        td.num { (r.protected_now.text()) }
                        td.num { (r.funded_months.text()) }
                        td.num { (r.handovers.text()) }
                    }
                } }
            } }
        }
    }
}

/// The downloadable tables: (file name, Indonesian, English).
const TABLES: [(&str, &str, &str); 6] = [
    ("bulan", "per bulan", "by month"),
    ("sumber", "per sumber dana", "by source"),
    ("donatur", "per donatur", "by donor"),
    ("provinsi", "per provinsi", "by province"),
    ("kabupaten", "per kabupaten/kota", "by regency"),
    ("klaim", "klaim", "claims"),
];

/// `GET /transparansi.json`: the same document as the public API.
pub async fn json(ctx: Ctx, State(state): State<AppState>) -> PageResult {
    let s = load(&ctx, &state).await?;
    let mut r = axum::Json(wire::PublicSummary::of(&s)).into_response();
    cache_headers(&ctx, &mut r);
    Ok(r)
}

/// A count for a CSV cell: the number, or `<10`.
fn cell(p: Published) -> String {
    match p {
        Published::Exact(n) => n.to_string(),
        Published::FewerThanTen => format!("<{}", transparency::PUBLISH_MIN),
        Published::Withheld => "-".into(),
    }
}

/// `GET /transparansi/{table}.csv`.
pub async fn csv(ctx: Ctx, State(state): State<AppState>, Path(file): Path<String>) -> PageResult {
    let Some(table) = file
        .strip_suffix(".csv")
        .filter(|t| TABLES.iter().any(|(n, _, _)| n == t))
    else {
        return Err(ctx.failed(crate::usecase::Error::NotFound("tabel")));
    };
    let s = load(&ctx, &state).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let write = |w: &mut csv::Writer<Vec<u8>>, row: Vec<String>| w.write_record(row);
    let result: Result<(), csv::Error> = (|| {
        match table {
            "bulan" => {
                write(
                    &mut w,
                    vec![
                        "bulan".into(),
                        "dilindungi".into(),
                        "dibiayai_donatur".into(),
                        "mandiri".into(),
                        "beralih_mandiri".into(),
                    ],
                )?;
                for m in &s.months {
                    write(
                        &mut w,
                        vec![
                            m.month.to_string(),
                            cell(m.protected),
                            cell(m.sponsored),
                            cell(m.self_paying),
                            cell(m.handovers),
                        ],
                    )?;
                }
            }
            "sumber" => {
                write(
                    &mut w,
                    vec![
                        "sumber_dana".into(),
                        "nama".into(),
                        "dilindungi_bulan_ini".into(),
                        "bulan_pekerja".into(),
                    ],
                )?;
                for l in &s.sources {
                    write(
                        &mut w,
                        vec![
                            l.source.clone(),
                            source_name(&l.source, "id"),
                            cell(l.protected_now),
                            cell(l.funded_months),
                        ],
                    )?;
                }
            }
            "donatur" => {
                write(
                    &mut w,
                    vec![
                        "donatur".into(),
                        "jenis".into(),
                        "jumlah_donatur".into(),
                        "pekerja".into(),
                        "nilai_rupiah".into(),
                    ],
                )?;
                for d in &s.donors {
                    write(
                        &mut w,
                        vec![
                            d.name.clone().unwrap_or_else(|| "donatur anonim".into()),
                            d.kind.clone(),
                            d.donors.to_string(),
                            d.workers.to_string(),
                            d.funded.to_string(),
                        ],
                    )?;
                }
            }
            "klaim" => {
                write(
                    &mut w,
                    vec![
                        "jenis_klaim".into(),
                        "nama".into(),
                        "dilaporkan".into(),
                        "dibayar".into(),
                        "jumlah_dibayar_rupiah".into(),
                    ],
                )?;
                for l in &s.claims.lines {
                    write(
                        &mut w,
                        vec![
                            l.kind.code().into(),
                            l.kind.label("id").into(),
                            cell(l.filed),
                            cell(l.paid),
                            l.paid_amount.map_or_else(|| "-".into(), |a| a.to_string()),
                        ],
                    )?;
                }
            }
            _ => {
                let rows = if table == "provinsi" {
                    &s.provinces
                } else {
                    &s.regencies
                };
                write(
                    &mut w,
                    vec![
                        "kode_wilayah".into(),
                        "nama".into(),
                        "dilindungi_bulan_ini".into(),
                        "bulan_pekerja_dibiayai".into(),
                        "beralih_mandiri".into(),
                    ],
                )?;
                for r in rows {
                    write(
                        &mut w,
                        vec![
                            r.code.clone(),
                            r.name.clone(),
                            cell(r.protected_now),
                            cell(r.funded_months),
                            cell(r.handovers),
                        ],
                    )?;
                }
            }
        }
        Ok(())
    })();
    result.map_err(|e| ctx.internal(e))?;
    let bytes = w
        .into_inner()
        .map_err(|e| ctx.internal(anyhow::anyhow!("{e}")))?;
    let mut r = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"transparansi-{table}-{}.csv\"",
                    s.as_of
                ),
            ),
        ],
        bytes,
    )
        .into_response();
    cache_headers(&ctx, &mut r);
    Ok(r)
}
