//! The ledger in the store: idempotent, all-or-nothing, append-only, and checked.
#![allow(clippy::unwrap_used)]

use crate::common;

use lingkaran::db::audit::Actor;
use lingkaran::db::ledger;
use lingkaran_domain::ledger::{Account, Phase, Refusal, Transfer};

fn t(id: u128, debit: Account, credit: Account, amount: i64) -> Transfer {
    Transfer {
        id,
        debit,
        credit,
        amount,
        phase: Phase::Single,
        linked: false,
    }
}

both_dbs!(
    transfers_apply_once_chains_all_or_nothing_and_check_passes,
    |db| async move {
        // A donor pays 100,800 for 6 worker-months: the bank clears it into the donation's escrow.
        let pay = t(1, Account::BankClearing, Account::Escrow(1), 100_800);
        assert_eq!(
            ledger::apply(
                &db,
                std::slice::from_ref(&pay),
                Actor::Cli,
                chrono::Utc::now()
            )
            .await
            .unwrap(),
            vec![Ok(())]
        );
        // The callback arrives again, ten times: nothing moves.
        for _ in 0..10 {
            assert_eq!(
                ledger::apply(
                    &db,
                    std::slice::from_ref(&pay),
                    Actor::Cli,
                    chrono::Utc::now()
                )
                .await
                .unwrap(),
                vec![Err(Refusal::Exists)]
            );
        }
        // A month falls due: escrow → JKK and JKM payable, linked.
        let due = [
            Transfer {
                linked: true,
                ..t(2, Account::Escrow(1), Account::PayableJkk, 10_000)
            },
            t(3, Account::Escrow(1), Account::PayableJkm, 6_800),
        ];
        assert_eq!(
            ledger::apply(&db, &due, Actor::Cli, chrono::Utc::now())
                .await
                .unwrap(),
            vec![Ok(()), Ok(())]
        );
        // A chain that would overdraw the escrow fails whole.
        let too_much = [
            Transfer {
                linked: true,
                ..t(4, Account::Escrow(1), Account::PayableJkk, 10_000)
            },
            t(5, Account::Escrow(1), Account::PayableJkm, 1_000_000),
        ];
        assert_eq!(
            ledger::apply(&db, &too_much, Actor::Cli, chrono::Utc::now())
                .await
                .unwrap(),
            vec![
                Err(Refusal::LinkedEventFailed),
                Err(Refusal::ExceedsCredits)
            ]
        );
        // A hold on a donor's credit, then voided.
        ledger::apply(
            &db,
            &[t(6, Account::BankClearing, Account::DonorCredit(9), 50_000)],
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let hold = Transfer {
            phase: Phase::Pending,
            ..t(7, Account::DonorCredit(9), Account::Escrow(2), 33_600)
        };
        assert_eq!(
            ledger::apply(
                &db,
                std::slice::from_ref(&hold),
                Actor::Cli,
                chrono::Utc::now()
            )
            .await
            .unwrap(),
            vec![Ok(())]
        );
        let void = Transfer {
            id: 8,
            phase: Phase::Void(7),
            ..hold.clone()
        };
        assert_eq!(
            ledger::apply(&db, &[void], Actor::Cli, chrono::Utc::now())
                .await
                .unwrap(),
            vec![Ok(())]
        );
        let post = Transfer {
            id: 9,
            phase: Phase::Post(7),
            ..hold
        };
        assert_eq!(
            ledger::apply(&db, &[post], Actor::Cli, chrono::Utc::now())
                .await
                .unwrap(),
            vec![Err(Refusal::PendingAlreadyDone)]
        );

        // The rules all held; the one finding is that these transfers moved money out of the
        // bank clearing account with no payment on record (this test books none).
        let report = ledger::check(&db).await.unwrap();
        assert_eq!(
            report.violations,
            vec!["payments received add up to 0 but the bank clearing account released 150800"]
        );
        assert_eq!(report.transfers, 6);
        let escrow: (i64, i64) = lingkaran::on_db!(&db, |pool| sqlx::query_as(
            "SELECT debits_posted, credits_posted FROM ledger_accounts WHERE code = 'escrow:1'"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(escrow, (16_800, 100_800));
    }
);

both_dbs!(
    the_store_refuses_edits_and_overdrafts_and_check_names_a_tampered_balance,
    |db| async move {
        ledger::apply(
            &db,
            &[t(1, Account::BankClearing, Account::Escrow(1), 16_800)],
            Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let edit = lingkaran::on_db!(&db, |pool| sqlx::query(
            "UPDATE ledger_transfers SET amount = 1"
        )
        .execute(pool)
        .await
        .map(|_| ()));
        assert!(edit.unwrap_err().to_string().contains("append-only"));
        let delete = lingkaran::on_db!(&db, |pool| sqlx::query("DELETE FROM ledger_transfers")
            .execute(pool)
            .await
            .map(|_| ()));
        assert!(delete.is_err(), "transfers are never deleted");
        let overdraft = lingkaran::on_db!(&db, |pool| sqlx::query(
            "UPDATE ledger_accounts SET debits_posted = 20000 WHERE code = 'escrow:1'"
        )
        .execute(pool)
        .await
        .map(|_| ()));
        assert!(
            overdraft.is_err(),
            "the store itself refuses a negative escrow"
        );

        // Tamper with a cached balance (within its limit): check names it, and the balances
        // no longer sum to zero.
        lingkaran::on_db!(&db, |pool| {
            sqlx::query(
            "UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE code = 'escrow:1'"
        )
        .execute(pool)
        .await
        .map(|_| ())
        })
        .unwrap();
        let report = ledger::check(&db).await.unwrap();
        assert!(
            report.violations.iter().any(|v| v.contains("escrow:1")),
            "{:?}",
            report.violations
        );
        assert!(
            report.violations.iter().any(|v| v.contains("sum to zero")),
            "{:?}",
            report.violations
        );
        // Bank clearing has no limit and is never cached: a balance written there is named.
        lingkaran::on_db!(&db, |pool| sqlx::query(
            "UPDATE ledger_accounts SET debits_posted = debits_posted + 1 WHERE code = 'bank_clearing'"
        )
        .execute(pool)
        .await
        .map(|_| ()))
        .unwrap();
        let report = ledger::check(&db).await.unwrap();
        assert!(
            report
                .violations
                .iter()
                .any(|v| v.contains("bank_clearing")),
            "{:?}",
            report.violations
        );
    }
);

both_urls!(ledger_check_exits_by_the_invariants, |url| async move {
    let run = |args: &[&str]| {
        common::lingkaran()
            .args(args)
            .env("LINGKARAN_DB", &url)
            .output()
            .unwrap()
    };
    let o = run(&["ledger", "check", "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], true);
    let db = lingkaran::db::Db::connect(&url, common::keys())
        .await
        .unwrap();
    ledger::apply(
        &db,
        &[t(1, Account::BankClearing, Account::DonorCredit(1), 5)],
        Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    lingkaran::on_db!(&db, |pool| sqlx::query(
        "UPDATE ledger_accounts SET credits_posted = 6 WHERE code = 'donor_credit:1'"
    )
    .execute(pool)
    .await
    .map(|_| ()))
    .unwrap();
    db.close().await;
    let o = run(&["ledger", "check", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert!(v["violations"].to_string().contains("donor_credit:1"));
});
