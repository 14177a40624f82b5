//! Contributions as the law says (issue 9 §3), on SQLite and PostgreSQL: PP 50/2025 halves
//! JKK + JKM for CSR, zakat, individual and self payers but not for APBN/APBD; relief rules
//! are data that a rule in force never changes; a month funded at the old price is remitted at
//! the price due and the difference goes back to the donor; a held donation is re-priced.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{TestApp, Token};
use lingkaran::auth::Role;
use lingkaran::db::audit::Actor;
use lingkaran::db::donations::{self, Choice, Criteria, NewDonation};
use lingkaran::db::payments::{self, NewPayment, Source, Target};
use lingkaran::db::{cycle, ledger, rates, reconcile, Db};
use lingkaran_domain::pricing::{FundingSource, Relief, Sector};
use lingkaran_domain::rates::Month;
use serde_json::json;

/// Every worker declares Rp 1.000.000 and works outside transport, so a month costs 16,800
/// in full and 8,400 relieved.
async fn plain_workers(db: &Db) {
    lingkaran::on_db!(db, |pool| sqlx::query(
        "UPDATE workers SET income = 1000000, occupation = 'petani', sector = 'other'"
    )
    .execute(pool)
    .await
    .map(|_| ())
    .unwrap());
}

fn month(s: &str) -> Month {
    Month::parse(s).unwrap()
}

both_dbs!(
    csr_pays_the_relieved_price_and_apbd_the_full_one,
    |db| async move {
        let app = TestApp::spawn(db).await;
        let officer = app.village(8, 5).await.officer;
        let admin = app.user("admin", Role::Admin, None, &[]).await;
        plain_workers(&app.db).await;

        // December 2026 is relieved for every sector under PP 50/2025; once it can no longer
        // be funded (after its 15th), an admin's rule for the next payable month stands in.
        let first = Month::first_payable(lingkaran::clock::today());
        let m = if first <= month("2026-12") {
            month("2026-12")
        } else {
            let (s, v) = app
                .post(
                    &admin,
                    "/api/v1/reliefs",
                    json!({"basis": "Uji", "basis_points": 5000, "from": first.to_string(),
                           "to": first.to_string(), "sectors": ["other", "transport"],
                           "excludes": ["apbn", "apbd"]}),
                )
                .await;
            assert_eq!(s, 201, "{v}");
            first
        };

        // A company gives: CSR, Rp 8.400 a worker-month.
        let (s, company) = app
            .post(
                &admin,
                "/api/v1/donors",
                json!({"kind": "company", "name": "PT Semen Sejahtera", "npwp": "012345678901234"}),
            )
            .await;
        assert_eq!(s, 201, "{company}");
        let body = |donor: i64, line: Option<i64>| {
            json!({"donor_id": donor, "mode": "criteria", "count": 3, "months": 1,
                   "start": m.to_string(), "budget_line_id": line})
        };
        let (s, csr) = app
            .post(
                &officer,
                "/api/v1/donations",
                body(company["id"].as_i64().unwrap(), None),
            )
            .await;
        assert_eq!(s, 201, "{csr}");
        assert_eq!(csr["funding"], "csr");
        assert_eq!(csr["invoice"]["amount"], 3 * 8_400, "{csr}");

        // A regency pays from its APBD: the full Rp 16.800.
        let (s, regency) = app
            .post(
                &admin,
                "/api/v1/donors",
                json!({"kind": "government", "name": "Pemkab Gresik", "region_code": "35.25"}),
            )
            .await;
        assert_eq!(s, 201, "{regency}");
        let gov = regency["id"].as_i64().unwrap();
        let (s, line) = app
            .post(
                &admin,
                &format!("/api/v1/donors/{gov}/budget-lines"),
                json!({"source": "apbd", "code": "5.1.02", "fiscal_year": 2026, "ceiling": 100_000_000}),
            )
            .await;
        assert_eq!(s, 201, "{line}");
        let (s, apbd) = app
            .post(
                &officer,
                "/api/v1/donations",
                body(gov, line["id"].as_i64()),
            )
            .await;
        assert_eq!(s, 201, "{apbd}");
        assert_eq!(apbd["funding"], "apbd");
        assert_eq!(apbd["invoice"]["amount"], 3 * 16_800, "{apbd}");

        // The quote API prices the same way.
        let (s, q) = app
            .post(
                &officer,
                "/api/v1/quotes",
                json!({"workers": 3, "months": 1, "from": m.to_string(), "funding": "csr", "sector": "other"}),
            )
            .await;
        assert_eq!(s, 200, "{q}");
        assert_eq!(q["total"], 3 * 8_400);
        let (s, q) = app
            .post(
                &officer,
                "/api/v1/quotes",
                json!({"workers": i64::MAX, "months": 1, "from": m.to_string()}),
            )
            .await;
        assert_eq!(s, 422, "{q}");
        assert_eq!(q["errors"][0]["code"], "invalid_workers");

        // The seeded rule is in force: an admin cannot add a rule reaching back, and the store
        // refuses to edit it whoever asks.
        let (s, v) = app
            .post(
                &admin,
                "/api/v1/reliefs",
                json!({"basis": "PP 50/2025", "basis_points": 0, "from": "2026-01", "to": "2027-03",
                       "sectors": ["transport"], "excludes": []}),
            )
            .await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(v["errors"][0]["code"], "relief_in_force");
        let (s, v) = app.get(&officer, "/api/v1/reliefs").await;
        assert_eq!(s, 200);
        assert_eq!(v["reliefs"][0]["basis"], "PP 50/2025");
        assert_eq!(v["settings"]["dana_desa_is_apbn"], true);
        let edited = lingkaran::on_db!(&app.db, |pool| sqlx::query(
            "UPDATE relief_rules SET basis_points = 10000 WHERE basis = 'PP 50/2025'"
        )
        .execute(pool)
        .await
        .map(|_| ()));
        assert!(edited.is_err(), "a rule in force is never edited");
        let deleted = lingkaran::on_db!(&app.db, |pool| sqlx::query(
            "DELETE FROM relief_rules WHERE basis = 'PP 50/2025'"
        )
        .execute(pool)
        .await
        .map(|_| ()));
        assert!(deleted.is_err(), "nor deleted");
        let _: Token = officer;
    }
);

/// Makes a donation of `count` plain workers for `m` by `donor`, returning it and its invoice.
async fn donate(db: &Db, donor: i64, by: i64, count: i64, m: Month) -> (i64, i64, String) {
    let made = donations::create(
        db,
        &NewDonation {
            donor_id: donor,
            budget_line_id: None,
            choice: Choice::Criteria {
                criteria: Criteria::default(),
                count,
            },
            start: m,
            months: 1,
            extends_id: None,
            created_by: by,
            hold: chrono::Duration::hours(24),
            request_json: "{}".into(),
            today: lingkaran::clock::today(),
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap()
    .unwrap();
    let inv = donations::invoice_of(db, made.id).await.unwrap().unwrap();
    (made.id, inv.amount, inv.va_number)
}

both_dbs!(
    a_month_funded_at_the_old_price_is_remitted_at_the_price_due,
    |db| async move {
        let w = lingkaran::demo::funding_world(&db, "35.25.01", 4, 9)
            .await
            .unwrap();
        plain_workers(&db).await;
        let donor = common::staff_donor(&db, "company", "PT Lama", w.officer).await;
        // A month beyond every seeded relief: the full price when funded.
        let m = Month::first_payable(lingkaran::clock::today())
            .max(month("2027-04"))
            .plus(2);
        let (paid_id, amount, va) = donate(&db, donor, w.officer, 2, m).await;
        assert_eq!(amount, 2 * 16_800);
        payments::book(
            &db,
            &NewPayment {
                source: Source::Callback,
                reference: "OLD-PRICE".into(),
                target: Target::Va(va),
                amount,
                paid_on: lingkaran::clock::today(),
                channel: None,
                evidence_name: None,
                evidence: None,
                recorded_by: Actor::System("provider"),
                note: None,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
        let (held_id, held_amount, _) = donate(&db, donor, w.officer, 2, m).await;
        assert_eq!(held_amount, 2 * 16_800);
        let credit_before = payments::credit_of(&db, donor).await.unwrap();

        // A relief for that month is added afterwards.
        let (_, repriced) = rates::add_relief(
            &db,
            &Relief {
                id: 0,
                basis: "Peraturan uji".into(),
                basis_points: 5_000,
                from: m,
                to: m,
                sectors: vec![Sector::Other, Sector::Transport],
                excludes: vec![FundingSource::Apbn, FundingSource::Apbd],
            },
            None,
            Actor::User(w.officer),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        // The held, unpaid donation is re-priced; its invoice follows.
        assert_eq!(repriced, vec![held_id]);
        let inv = donations::invoice_of(&db, held_id).await.unwrap().unwrap();
        assert_eq!(inv.amount, 2 * 8_400);
        let funded = donations::get(&db, paid_id).await.unwrap().unwrap();
        assert_eq!(
            funded.funded_total,
            2 * 16_800,
            "paid money is not rewritten"
        );

        // The cycle remits what is due, and the difference goes back to the donor's credit.
        let dir = tempfile::tempdir().unwrap();
        let r = lingkaran::usecase::cycle::run(&db, m, dir.path(), Actor::Cli, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!((r.jkk, r.jkm), (2 * 5_000, 2 * 3_400));
        assert_eq!(
            payments::credit_of(&db, donor).await.unwrap(),
            credit_before + 2 * 8_400
        );
        let jkk = std::fs::read_to_string(dir.path().join(format!("remit-{m}-JKK.csv"))).unwrap();
        assert!(jkk.lines().nth(1).unwrap().contains(",5000,"), "{jkk}");
        assert_eq!(jkk.lines().last().unwrap(), "TOTAL,2,,10000,,");
        // Again: nothing moves.
        let again =
            lingkaran::usecase::cycle::run(&db, m, dir.path(), Actor::Cli, chrono::Utc::now())
                .await
                .unwrap();
        assert_eq!(again.posted, 0);
        assert_eq!(
            payments::credit_of(&db, donor).await.unwrap(),
            credit_before + 2 * 8_400
        );

        // The reconciliation shows it and finds no difference in money.
        let rec = reconcile::month(&db, m).await.unwrap();
        let jkk_row = &rec.programmes[0];
        assert_eq!(
            (jkk_row.funded, jkk_row.remitted, jkk_row.repriced),
            (20_000, Some(10_000), 10_000)
        );
        assert_eq!(rec.programmes[1].repriced, 2 * 3_400);
        assert!(
            rec.differences
                .iter()
                .all(|d| d.en.contains("not answered")),
            "{:?}",
            rec.differences
        );

        // A rejected month gives back what was remitted for it, not what was paid.
        let nik: String = donations::workers_of(&db, paid_id, 1, 0).await.unwrap()[0]
            .nik
            .clone();
        let active: std::collections::HashSet<String> = [nik].into_iter().collect();
        let conf = dir.path().join("konfirmasi.csv");
        lingkaran::insurer::confirm(
            &dir.path().join(format!("remit-{m}-JKK.csv")),
            &active,
            &conf,
        )
        .unwrap();
        let before = payments::credit_of(&db, donor).await.unwrap();
        let got = cycle::import_confirmation(
            &db,
            m,
            "JKK",
            &std::fs::read_to_string(&conf).unwrap(),
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(got.refunded, 1);
        assert_eq!(
            payments::credit_of(&db, donor).await.unwrap(),
            before + 5_000
        );
        let rec = reconcile::month(&db, m).await.unwrap();
        assert!(
            rec.differences
                .iter()
                .all(|d| d.en.contains("not answered")),
            "{:?}",
            rec.differences
        );

        let check = ledger::check(&db).await.unwrap();
        assert!(check.violations.is_empty(), "{:?}", check.violations);
    }
);
