//! A realistic Kabupaten Gresik (35.25) to try the system with: proposers in several villages
//! and a fishers' association, a few thousand workers with valid NIKs from Gresik's
//! districts, some already verified, and one user per role.
//!
//! Deterministic: the same seed gives the same people, so screenshots and tests agree.

pub mod history;

use crate::auth::{Principal, Role};
use crate::db::audit::Actor;
use crate::db::imports::{self, Pending, Submitter};
use crate::db::users::{self, NewUser};
use crate::db::worker_events::{self, Change};
use crate::db::{workers, Db};
use crate::on_db;
use crate::regions::RegionTable;
use chrono::{Datelike, Duration, NaiveDate};
use lingkaran_domain::worker::{name_key, Occupation, ValidWorker, WorkerStatus};
use lingkaran_domain::{Nik, Sex};

/// What the demo records as its own doing (its organisations, users, budget lines, cycles);
/// what an officer or a donor does in it is recorded as theirs.
pub(crate) const DEMO: Actor = Actor::System("demo");

pub const GRESIK: &str = "35.25";
pub const DEMO_PASSWORD: &str = "lingkaran-demo";

/// The demo's users: `(username, role, full name)`.
pub const USERS: [(&str, Role, &str); 6] = [
    ("admin", Role::Admin, "Admin Lingkaran"),
    (
        "petugas",
        Role::Officer,
        "Rahmat Hidayat (BPJS TK Cabang Gresik)",
    ),
    (
        "desa.sawo",
        Role::Proposer,
        "Siti Maesaroh (Kantor Desa Sawo)",
    ),
    (
        "hnsi.ujungpangkah",
        Role::Proposer,
        "Ahmad Fauzi (HNSI Ujungpangkah)",
    ),
    ("donatur", Role::Donor, "PT Semen Sejahtera (CSR)"),
    ("pemkab.gresik", Role::Viewer, "Disnaker Kabupaten Gresik"),
];

const MEN: [&str; 24] = [
    "Ahmad", "Muhammad", "Abdul", "Slamet", "Suparman", "Sugeng", "Agus", "Budi", "Joko", "Heri",
    "Imam", "Yusuf", "Rohmat", "Sholeh", "Mansur", "Kasiman", "Wahyudi", "Bambang", "Nur", "Fajar",
    "Rizki", "Arif", "Supriadi", "Mukhlis",
];
const WOMEN: [&str; 20] = [
    "Siti", "Sri", "Nur", "Sumiati", "Suminah", "Lilik", "Endang", "Wahyuni", "Khotimah", "Aminah",
    "Fatimah", "Rukmini", "Umi", "Dewi", "Lestari", "Yuliana", "Musrifah", "Sulastri", "Masruroh",
    "Anik",
];
/// Second names. Javanese names carry no family name, so the second part follows the sex.
const MEN_SECOND: [&str; 16] = [
    "Hidayat",
    "Santoso",
    "Wibowo",
    "Fauzi",
    "Hasan",
    "Mahmud",
    "Syafii",
    "Maulana",
    "Setiawan",
    "Purnomo",
    "Kurniawan",
    "Ismail",
    "Arifin",
    "Hakim",
    "Zainuddin",
    "Utomo",
];
const WOMEN_SECOND: [&str; 12] = [
    "Rahayu",
    "Susanti",
    "Ningsih",
    "Handayani",
    "Wulandari",
    "Lestari",
    "Kartika",
    "Rahmawati",
    "Fitriani",
    "Puspitasari",
    "Maryam",
    "Zulaikha",
];

/// A small deterministic generator (xorshift64*), enough for demo data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The figures the demo imports: `examples/angka-wilayah.csv`, which a clerk can copy.
const FIGURES: &str = crate::usecase::figures::EXAMPLE_CSV;

pub struct DemoSummary {
    pub organisations: usize,
    pub workers: usize,
    pub verified: usize,
    pub history: history::History,
    /// Where the demo's remittance and confirmation files are.
    pub dir: std::path::PathBuf,
    /// A fisher to record a death at sea for (issue 13's walk-through).
    pub claim_example: Option<ClaimExample>,
}

/// A fisher declared at Rp 1.000.000 a month whose JKK month BPJS confirmed: a death at sea
/// on `day` is covered, and the law gives the family Rp 70.000.000.
pub struct ClaimExample {
    pub nik: String,
    pub name: String,
    pub village_code: String,
    pub day: NaiveDate,
}

impl DemoSummary {
    pub fn credentials(&self) -> String {
        let mut out = format!(
            "Demo Kabupaten Gresik: {} organisations, {} workers ({} verified).\nSign in at /masuk with (password for all: {DEMO_PASSWORD}):\n",
            self.organisations, self.workers, self.verified
        );
        for (u, r, n) in USERS {
            out.push_str(&format!("  {:<20} {:<9} {}\n", u, r.code(), n));
        }
        let h = &self.history;
        if let Some(c) = &self.claim_example {
            out.push_str(&format!(
                "Try a claim: as petugas, open /klaim/baru and report a work accident (death) at sea on {} for {} (NIK {}, a fisher of {} declared at Rp 1.000.000): covered, Rp 70.000.000 expected.\n",
                c.day, c.name, c.nik, c.village_code
            ));
        }
        out.push_str(&format!(
            "Past months: cycles run for {} (files in {}); {} rejected worker-month contributions refunded to credit; mandiri: {}; lapsed: {}; {} reminders in the outbox.\nSee /siklus (signed in as petugas).\n",
            h.cycles.join(", "),
            self.dir.display(),
            h.rejected_refunded,
            h.mandiri.join(", "),
            h.lapsed.join(", "),
            h.reminders
        ));
        out
    }
}

pub async fn is_empty(db: &Db) -> sqlx::Result<bool> {
    // The monthly cycle's own user (migration 0007) does not count.
    let n: i64 = on_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE username <> '_sistem'"
    )
    .fetch_one(pool)
    .await)?;
    Ok(n == 0)
}

/// Villages of one district, from the embedded table.
fn villages_of(district: &str) -> Vec<String> {
    crate::regions::rows()
        .filter(|r| {
            r.level == 4
                && r.code.starts_with(district)
                && r.code.as_bytes().get(district.len()) == Some(&b'.')
        })
        .map(|r| r.code)
        .collect()
}

/// Builds `n` plausible workers living in `villages`, with NIKs issued in their district.
fn people(
    rng: &mut Rng,
    villages: &[String],
    n: usize,
    today: NaiveDate,
    occupations: &[Occupation],
) -> Vec<ValidWorker> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let village = rng.pick(villages).clone();
        let district: String = village.get(0..8).unwrap_or_default().replace('.', "");
        let sex = if rng.below(2) == 0 {
            Sex::Male
        } else {
            Sex::Female
        };
        let age_days = 365 * (18 + rng.below(45)) + rng.below(365);
        let birth = today - Duration::days(age_days as i64);
        let serial = 1 + rng.below(9998) as u16;
        let Some(nik) = Nik::from_parts(&district, sex, birth, serial, today) else {
            continue;
        };
        let first = if sex == Sex::Male {
            *rng.pick(&MEN)
        } else {
            *rng.pick(&WOMEN)
        };
        let second = if sex == Sex::Male {
            *rng.pick(&MEN_SECOND)
        } else {
            *rng.pick(&WOMEN_SECOND)
        };
        let name = format!("{first} {second}");
        out.push(ValidWorker {
            nik,
            name_key: name_key(&name),
            name,
            village_code: village,
            phone: (rng.below(3) > 0)
                .then(|| format!("+628{}", 1_000_000_000 + rng.below(899_999_999))),
            occupation: *rng.pick(occupations),
            income: 1_000_000 + 100_000 * rng.below(16) as i64,
            decile: (rng.below(5) > 0).then(|| 1 + rng.below(5) as u8),
            nik_warnings: Vec::new(),
        });
    }
    out
}

/// Creates the demo. Call only on an empty database.
pub async fn seed(db: &Db, remittance_dir: &std::path::Path) -> anyhow::Result<DemoSummary> {
    let today = crate::clock::today();
    let mut rng = Rng(0x4C49_4E47_4B41_5241);
    let table = RegionTable::get();
    let mut ids = std::collections::HashMap::new();
    for (username, role, name) in USERS {
        let (org, regions) = match username {
            "desa.sawo" => (
                Some(
                    users::create_organisation(
                        db,
                        "Pemerintah Desa Sawo",
                        "desa",
                        "35.25.01.2001",
                        DEMO,
                        crate::clock::now(),
                    )
                    .await?,
                ),
                vec![],
            ),
            "hnsi.ujungpangkah" => (
                Some(
                    users::create_organisation(
                        db,
                        "HNSI Kecamatan Ujungpangkah",
                        "asosiasi",
                        "35.25.07",
                        DEMO,
                        crate::clock::now(),
                    )
                    .await?,
                ),
                vec![],
            ),
            _ if matches!(role, Role::Officer | Role::Viewer) => (None, vec![GRESIK.to_string()]),
            _ => (None, vec![]),
        };
        let id = users::create_user(
            db,
            &NewUser {
                username,
                full_name: name,
                password: DEMO_PASSWORD,
                role,
                organisation_id: org,
                regions: &regions,
            },
            DEMO,
            crate::clock::now(),
        )
        .await?;
        ids.insert(username, (id, org));
    }
    // More village offices across the regency, each with its own proposer account.
    let mut proposers = vec![ids["desa.sawo"], ids["hnsi.ujungpangkah"]];
    for (i, village) in [
        "35.25.15.2001",
        "35.25.13.2001",
        "35.25.10.2001",
        "35.25.17.2001",
    ]
    .iter()
    .enumerate()
    {
        let vname = table
            .region(village)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let org = users::create_organisation(
            db,
            &format!("Pemerintah Desa {vname}"),
            "desa",
            village,
            DEMO,
            crate::clock::now(),
        )
        .await?;
        let username = format!("desa.{}", vname.to_lowercase().replace([' ', '\''], ""));
        let uid = users::create_user(
            db,
            &NewUser {
                username: &username,
                full_name: &format!("Operator Desa {vname} #{}", i + 1),
                password: DEMO_PASSWORD,
                role: Role::Proposer,
                organisation_id: Some(org),
                regions: &[],
            },
            DEMO,
            crate::clock::now(),
        )
        .await?;
        proposers.push((uid, Some(org)));
    }
    let land = [
        Occupation::Petani,
        Occupation::BuruhTani,
        Occupation::PedagangKakiLima,
        Occupation::Ojek,
        Occupation::Becak,
        Occupation::BuruhHarianLepas,
        Occupation::Pemulung,
        Occupation::TukangTambalBan,
        Occupation::Pengrajin,
        Occupation::PekerjaRumahTangga,
        Occupation::RelawanDesa,
        Occupation::PekerjaKeagamaan,
        Occupation::Peternak,
    ];
    let fishers = [
        Occupation::Nelayan,
        Occupation::Nelayan,
        Occupation::Nelayan,
        Occupation::PedagangKakiLima,
    ];
    let mut total = 0;
    let mut stored_ids = Vec::new();
    for (i, (user_id, org)) in proposers.iter().enumerate() {
        let org_id = org.unwrap_or_default();
        let region = users::organisation(db, org_id)
            .await?
            .map(|o| o.region_code)
            .unwrap_or_default();
        let villages = if region.len() == 13 {
            vec![region.clone()]
        } else {
            villages_of(&region)
        };
        let (n, occ): (usize, &[Occupation]) = if i == 1 {
            (900, &fishers)
        } else {
            (500 + 60 * i, &land)
        };
        let people = people(&mut rng, &villages, n, today, occ);
        let pending: Vec<Pending> = people
            .into_iter()
            .enumerate()
            .map(|(k, w)| Pending {
                line: k as i64 + 2,
                worker: w,
            })
            .collect();
        let who = Submitter {
            organisation_id: org_id,
            user_id: *user_id,
            import_id: None,
        };
        for chunk in pending.chunks(1000) {
            let out =
                imports::write_batch(db, who, chunk, Vec::new(), 0, 0, crate::clock::now()).await?;
            total += out.accepted as usize;
            stored_ids.extend(out.stored.into_iter().map(|(_, id)| id));
        }
    }
    // The officer has already verified about half, and rejected a few with a reason.
    let officer = Principal {
        user_id: ids["petugas"].0,
        username: "petugas".into(),
        full_name: "Rahmat Hidayat".into(),
        role: Role::Officer,
        organisation_id: None,
        scopes: vec![GRESIK.into()],
        csrf_token: None,
    };
    let mut verified = 0;
    for (k, id) in stored_ids.iter().enumerate() {
        let (to, reason) = match k % 20 {
            0..=9 => (WorkerStatus::Verified, None),
            10 => (
                WorkerStatus::Rejected,
                Some("Sudah bekerja sebagai ASN / already a civil servant"),
            ),
            _ => continue,
        };
        let action = if to == WorkerStatus::Verified {
            "verify"
        } else {
            "reject"
        };
        if workers::change_status(db, *id, to, action, reason, &officer, crate::clock::now())
            .await?
            .is_ok()
            && to == WorkerStatus::Verified
        {
            verified += 1;
        }
    }
    let (csr, pemkab, apbd_line) = donors(db, ids["donatur"].0, ids["petugas"].0, today).await?;
    // The past months: cycles, confirmations, a rejection, mandiri, lapsed, reminders. Each
    // demo writes its remittance files in a directory of its own.
    let dir = remittance_dir.join(format!(
        "demo-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f")
    ));
    let history = history::seed(db, csr, ids["donatur"].0, ids["petugas"].0, &dir).await?;
    regency_funds(db, pemkab, apbd_line, ids["petugas"].0, today).await?;
    // Its first month was already remitted by the history's cycle: the regency's money came
    // late and goes to BPJS in a second batch, answered like the first.
    let start = lingkaran_domain::rates::Month::first_payable(today);
    if history.cycles.contains(&start.to_string()) {
        history::cycle_and_confirm(db, start, &dir, &std::collections::HashSet::new()).await?;
    }
    // The regions' figures: Gresik's published coverage (2022 and 2025) and target, and a
    // few demo districts and Jawa Timur, each row saying which is which.
    std::fs::create_dir_all(&dir)?;
    let figures = dir.join("angka-wilayah.csv");
    std::fs::write(&figures, FIGURES)?;
    crate::usecase::figures::import(db, &figures, "angka-wilayah.csv", DEMO, crate::clock::now())
        .await
        .map_err(|e| anyhow::anyhow!("importing the demo's figures: {e:?}"))?;
    let fisher = history::fisher_at_sea(db, (csr, ids["donatur"].0), &dir).await?;
    let claim_example = match fisher {
        Some((worker, month)) => Some(claim_example(db, worker, month).await?),
        None => None,
    };
    Ok(DemoSummary {
        organisations: proposers.len(),
        workers: total,
        verified,
        history,
        dir,
        claim_example,
    })
}

/// The fisher of [`ClaimExample`], the 10th of the month covered (today, if earlier).
async fn claim_example(
    db: &Db,
    worker: i64,
    month: lingkaran_domain::rates::Month,
) -> anyhow::Result<ClaimExample> {
    let (sealed, name, village_code): (Vec<u8>, String, String) =
        on_db!(db, |pool| sqlx::query_as(
            "SELECT nik, full_name, village_code FROM workers WHERE id = $1"
        )
        .bind(worker)
        .fetch_one(pool)
        .await)?;
    let nik = crate::db::sealed::open(db.keys(), crate::privacy::Kind::Nik, &sealed)?;
    Ok(ClaimExample {
        nik,
        name,
        village_code,
        day: (month.first_day() + Duration::days(9)).min(crate::clock::today()),
    })
}

/// The demo's donors: the `donatur` account is PT Semen Sejahtera's CSR programme, which has
/// already funded 100 workers of Kecamatan Ujungpangkah for 6 months (paid by the provider's
/// callback) and holds 50 more of Kecamatan Driyorejo awaiting payment; Pemerintah Kabupaten
/// Gresik has an APBD budget line (which [`regency_funds`] uses after the history).
async fn donors(
    db: &Db,
    donor_user: i64,
    officer: i64,
    today: NaiveDate,
) -> anyhow::Result<(i64, i64, Option<i64>)> {
    use crate::db::donations::{self, Choice, Criteria, NewDonation};
    use crate::db::donors::{self, NewDonor};
    let csr = donors::create(
        db,
        &NewDonor {
            kind: "company",
            name: "PT Semen Sejahtera (CSR)",
            npwp: Some("013456789012000"),
            region_code: Some(GRESIK),
            user_id: Some(donor_user),
            created_by: officer,
        },
        crate::clock::now(),
    )
    .await?;
    let pemkab = donors::create(
        db,
        &NewDonor {
            kind: "government",
            name: "Pemerintah Kabupaten Gresik",
            npwp: None,
            region_code: Some(GRESIK),
            user_id: None,
            created_by: officer,
        },
        crate::clock::now(),
    )
    .await?;
    let line = donors::add_budget_line(
        db,
        pemkab,
        "apbd",
        "5.1.02.01.01.0031",
        i64::from(today.year()),
        40_000_000,
        DEMO,
        crate::clock::now(),
    )
    .await?;
    let start = lingkaran_domain::rates::Month::first_payable(today);
    let give = |region: &str, count: i64, months: u32| NewDonation {
        donor_id: csr,
        budget_line_id: None,
        choice: Choice::Criteria {
            criteria: Criteria {
                region: Some(region.to_string()),
                ..Criteria::default()
            },
            count,
        },
        start,
        months,
        extends_id: None,
        created_by: donor_user,
        hold: chrono::Duration::hours(24),
        request_json: format!(
            r#"{{"mode":"criteria","criteria":{{"region":"{region}"}},"count":{count},"months":{months}}}"#
        ),
        today,
    };
    let now = crate::clock::now();
    if let Ok(made) = donations::create(db, &give("35.25.07", 100, 6), now).await? {
        paid_by_callback(db, made.id, "DEMO-VA-PAID-1", today).await?;
    }
    let _ = donations::create(db, &give("35.25.15", 50, 12), now).await?;
    Ok((csr, pemkab, line))
}

/// Pays a demo donation's invoice as the provider's callback would.
async fn paid_by_callback(
    db: &Db,
    donation: i64,
    reference: &str,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use crate::db::donations;
    use crate::db::payments::{self, NewPayment, Source, Target};
    if let Some(inv) = donations::invoice_of(db, donation).await? {
        let _ = payments::book(
            db,
            &NewPayment {
                source: Source::Callback,
                reference: reference.into(),
                target: Target::Va(inv.va_number),
                amount: inv.amount,
                paid_on: today,
                channel: Some("VIRTUAL_ACCOUNT_BCA".into()),
                evidence_name: None,
                evidence: None,
                recorded_by: Actor::System("provider"),
                note: Some(inv.number),
            },
            crate::clock::now(),
        )
        .await?;
    }
    Ok(())
}

/// After the history: Pemerintah Kabupaten Gresik funds 150 more workers of Gresik for 6
/// months from its APBD line, so that its dashboard shows a budget in use, its burn and its
/// runway.
async fn regency_funds(
    db: &Db,
    pemkab: i64,
    line: Option<i64>,
    officer: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use crate::db::donations::{self, Choice, Criteria, NewDonation};
    let start = lingkaran_domain::rates::Month::first_payable(today);
    let donation = NewDonation {
        donor_id: pemkab,
        budget_line_id: line,
        choice: Choice::Criteria {
            criteria: Criteria {
                region: Some(GRESIK.to_string()),
                ..Criteria::default()
            },
            count: 150,
        },
        start,
        months: 6,
        extends_id: None,
        created_by: officer,
        hold: chrono::Duration::hours(24),
        request_json: format!(
            r#"{{"mode":"criteria","criteria":{{"region":"{GRESIK}"}},"count":150,"months":6,"budget_line_id":{}}}"#,
            line.unwrap_or_default()
        ),
        today,
    };
    if let Ok(made) = donations::create(db, &donation, crate::clock::now()).await? {
        paid_by_callback(db, made.id, "DEMO-VA-PAID-APBD", today).await?;
    }
    Ok(())
}

/// Registers `n` verified workers in the villages of `region` (a district or a village), as
/// if proposed by `proposer` and verified by `officer`, each verification on record. For
/// tests and benchmarks that need many fundable workers; `seed` makes them reproducible.
pub async fn verified_workers(
    db: &Db,
    proposer: (i64, i64),
    officer: i64,
    region: &str,
    n: usize,
    seed: u64,
) -> anyhow::Result<Vec<i64>> {
    let today = crate::clock::today();
    let mut rng = Rng(seed | 1);
    let villages = if region.len() == 13 {
        vec![region.to_string()]
    } else {
        villages_of(region)
    };
    let occupations = [
        Occupation::Petani,
        Occupation::Nelayan,
        Occupation::PedagangKakiLima,
        Occupation::Ojek,
        Occupation::BuruhHarianLepas,
    ];
    let who = Submitter {
        organisation_id: proposer.1,
        user_id: proposer.0,
        import_id: None,
    };
    let mut ids = Vec::with_capacity(n);
    while ids.len() < n {
        let want = (n - ids.len()).min(5_000);
        let pending: Vec<Pending> = people(&mut rng, &villages, want, today, &occupations)
            .into_iter()
            .enumerate()
            .map(|(k, w)| Pending {
                line: k as i64 + 2,
                worker: w,
            })
            .collect();
        let out =
            imports::write_batch(db, who, &pending, Vec::new(), 0, 0, crate::clock::now()).await?;
        let batch: Vec<i64> = out.stored.into_iter().map(|(_, id)| id).collect();
        let verify = Change {
            to: WorkerStatus::Verified,
            action: "verify",
            reason: None,
            actor: Actor::User(officer),
            at: chrono::Utc::now(),
        };
        let mut tx = db.begin().await?;
        for chunk in batch.chunks(5_000) {
            let list = chunk
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",");
            let ids = format!("w.id IN ({list})");
            worker_events::change_workers(&mut tx, &[WorkerStatus::Proposed], &ids, &[], &verify)
                .await?;
            let unflag = format!("UPDATE workers SET flag = NULL WHERE id IN ({list})");
            crate::on_tx!(&mut tx, |c| sqlx::query(&unflag)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
        tx.commit().await?;
        ids.extend(batch);
    }
    Ok(ids)
}

/// A place to fund, for tests and benchmarks: a proposing organisation for `region` with its
/// proposer, an officer, and `n` verified workers living there.
pub struct FundingWorld {
    pub organisation: i64,
    pub proposer: i64,
    pub officer: i64,
    pub workers: Vec<i64>,
}

pub async fn funding_world(
    db: &Db,
    region: &str,
    n: usize,
    seed: u64,
) -> anyhow::Result<FundingWorld> {
    let organisation = users::create_organisation(
        db,
        "Dinas Tenaga Kerja",
        "dinas",
        region,
        DEMO,
        crate::clock::now(),
    )
    .await?;
    let user = |username: &'static str, role, org| NewUser {
        username,
        full_name: username,
        password: DEMO_PASSWORD,
        role,
        organisation_id: org,
        regions: &[],
    };
    let proposer = users::create_user(
        db,
        &user("pengusul", Role::Proposer, Some(organisation)),
        DEMO,
        crate::clock::now(),
    )
    .await?;
    let officer = users::create_user(
        db,
        &user("petugas", Role::Officer, None),
        DEMO,
        crate::clock::now(),
    )
    .await?;
    let workers = verified_workers(db, (proposer, organisation), officer, region, n, seed).await?;
    Ok(FundingWorld {
        organisation,
        proposer,
        officer,
        workers,
    })
}
