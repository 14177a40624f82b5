//! The `lingkaran` binary as a clerk or an operator runs it.
#![allow(clippy::unwrap_used)]

use crate::common;

use serde_json::Value;
use std::process::Output;

fn lingkaran(db: &str, args: &[&str]) -> Output {
    common::lingkaran()
        .args(args)
        .env("LINGKARAN_DB", db)
        .env("LINGKARAN_LOG", "trace")
        .output()
        .unwrap()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn nik_check_prints_the_contract_and_exits_by_validity() {
    let o = lingkaran(
        "sqlite://unused.db",
        &["nik", "check", "3525 0156 0890 0001", "--json"],
    );
    assert_eq!(o.status.code(), Some(0));
    let v = json_of(&o);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "birth_date",
            "district",
            "errors",
            "nik",
            "province",
            "regency",
            "sex",
            "valid",
            "warnings"
        ]
    );
    assert_eq!(v["nik"], "3525015608900001");
    assert_eq!(v["sex"], "F");
    assert_eq!(v["birth_date"], "1990-08-16");
    assert_eq!(v["province"]["name"], "Jawa Timur");
    assert_eq!(v["regency"]["code"], "35.25");
    assert_eq!(v["district"]["name"], "Dukun");

    let cases = [
        ("35250156089", "wrong_length"),
        ("3525O15608900001", "not_digits"),
        ("9925015608900001", "unknown_province"),
        ("3599015608900001", "unknown_regency"),
        ("3525015613900001", "impossible_date"),
        ("3525015608900000", "zero_serial"),
        ("3.52501E+15", "excel_scientific"),
    ];
    for (nik, code) in cases {
        let o = lingkaran("sqlite://unused.db", &["nik", "check", nik, "--json"]);
        assert_eq!(o.status.code(), Some(1), "{nik}");
        let v = json_of(&o);
        assert_eq!(v["valid"], false);
        assert_eq!(v["nik"], Value::Null);
        assert_eq!(v["errors"][0]["code"], code, "{nik}: {v}");
        assert!(!v["errors"][0]["message"].as_str().unwrap().is_empty());
    }
    let v = json_of(&lingkaran(
        "sqlite://unused.db",
        &["nik", "check", "3.52501E+15", "--json"],
    ));
    assert!(v["errors"][0]["message_en"]
        .as_str()
        .unwrap()
        .contains("Format the column as Text"));

    // An unknown district is a warning, not a rejection.
    let o = lingkaran(
        "sqlite://unused.db",
        &["nik", "check", "3525995608900001", "--json"],
    );
    assert_eq!(o.status.code(), Some(0));
    let v = json_of(&o);
    assert_eq!(v["warnings"][0]["code"], "unknown_district");
    assert_eq!(v["district"], Value::Null);

    let o = lingkaran(
        "sqlite://unused.db",
        &[
            "nik",
            "check",
            "3525014412260001",
            "--json",
            "--today",
            "2026-11-25",
        ],
    );
    assert_eq!(json_of(&o)["birth_date"], "1926-12-04", "the century rule");
    assert!(
        !std::path::Path::new("unused.db").exists(),
        "nik check touches no database"
    );
}

#[test]
fn a_nik_under_papuas_pre_2022_codes_is_valid_and_named_by_todays_regions() {
    // Merauke district under its old code 91.01.01 (today 93.01.01), born 12-03-1985.
    let o = lingkaran(
        "sqlite://unused.db",
        &["nik", "check", "9101011203850001", "--json"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let v = json_of(&o);
    assert_eq!(v["valid"], true);
    assert_eq!(v["errors"], serde_json::json!([]));
    assert_eq!(v["regency"]["code"], "91.01");
    assert_eq!(v["regency"]["name"], "Kabupaten Merauke");
    assert_eq!(v["regency"]["current_code"], "93.01");
    assert_eq!(v["district"]["name"], "Merauke");
    assert_eq!(v["district"]["current_code"], "93.01.01");
    assert_eq!(v["warnings"][0]["code"], "historical_code");
    assert!(v["warnings"][0]["message_en"]
        .as_str()
        .unwrap()
        .contains("old one"));
    // Mimika (91.09 → 94.04) and Kota Sorong (92.71 → 96.71) too.
    for (nik, now) in [("9109011203850001", "94.04"), ("9271011203850001", "96.71")] {
        let v = json_of(&lingkaran(
            "sqlite://unused.db",
            &["nik", "check", nik, "--json"],
        ));
        assert_eq!(v["valid"], true, "{nik}: {v}");
        assert_eq!(v["regency"]["current_code"], now, "{nik}: {v}");
    }
    // A code that never existed is still refused.
    let o = lingkaran(
        "sqlite://unused.db",
        &["nik", "check", "9199011203850001", "--json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json_of(&o)["errors"][0]["code"], "unknown_regency");
}

/// Starts `lingkaran serve` on a free port with `secret` (or none) and `extra` arguments.
/// Returns its exit status if it stopped, or `None` once it printed its address (it is
/// serving; it is then killed), and what it wrote to stderr.
fn serve_outcome(secret: Option<&str>, extra: &[&str]) -> (Option<i32>, String) {
    use std::io::{BufRead, Read};
    let dir = std::env::temp_dir().join(format!(
        "lingkaran-serve-{}-{}",
        std::process::id(),
        extra.len() + secret.map_or(0, |s| s.len() + 1)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}/serve.db", dir.display());
    let mut cmd = common::lingkaran();
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .env("LINGKARAN_DB", &db)
        .env_remove("LINGKARAN_PROVIDER_SECRET")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(s) = secret {
        cmd.env("LINGKARAN_PROVIDER_SECRET", s);
    }
    let mut child = cmd.spawn().unwrap();
    let out = child.stdout.take().unwrap();
    // The first line that starts with "Lingkaran: " means it is listening.
    let serving = std::io::BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.starts_with("Lingkaran: "));
    let status = if serving {
        child.kill().unwrap();
        child.wait().unwrap();
        None
    } else {
        child.wait().unwrap().code()
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (status, err)
}

#[test]
fn serve_refuses_to_start_without_the_provider_secret_except_for_the_demo() {
    let (status, err) = serve_outcome(None, &[]);
    assert_eq!(status, Some(2), "serve must stop: {err}");
    assert!(
        err.contains("LINGKARAN_PROVIDER_SECRET belum diisi"),
        "{err}"
    );
    assert!(err.contains("forge payment callbacks"), "{err}");
    assert!(err.contains("--demo"), "{err}");
    // Blank counts as unset.
    let (status, _) = serve_outcome(Some("  "), &[]);
    assert_eq!(status, Some(2));
    // With a secret, or for the demo, it serves.
    let (status, err) = serve_outcome(Some("rahasia-penyedia"), &[]);
    assert_eq!(status, None, "{err}");
    let (status, err) = serve_outcome(None, &["--demo"]);
    assert_eq!(status, None, "{err}");
}

both_urls!(
    workers_import_prints_the_report_and_logs_no_nik,
    |url| async move {
        let o = lingkaran(
            &url,
            &[
                "org",
                "add",
                "--name",
                "Desa Sawo",
                "--region",
                "35.25.01.2001",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = lingkaran(
            &url,
            &[
                "user",
                "add",
                "--username",
                "sawo",
                "--role",
                "proposer",
                "--password",
                "rahasia-123",
                "--org",
                "1",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = lingkaran(
            &url,
            &[
                "workers",
                "import",
                "examples/upload-sample.csv",
                "--proposer",
                "sawo",
                "--json",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v = json_of(&o);
        for key in [
            "import_id",
            "rows",
            "accepted",
            "rejected",
            "duplicates",
            "possible_duplicates",
            "errors",
        ] {
            assert!(v.get(key).is_some(), "{key} missing");
        }
        assert_eq!(v["rows"], 26);
        assert_eq!(v["accepted"], 11);
        assert_eq!(v["errors"].as_array().unwrap().len(), 15);
        for e in v["errors"].as_array().unwrap() {
            for key in ["line", "column", "value", "code", "message"] {
                assert!(e.get(key).is_some(), "{key} missing in {e}");
            }
        }
        // Logs (stderr, at trace level) never hold a whole NIK.
        let logs = String::from_utf8_lossy(&o.stderr);
        assert!(logs.contains("import finished"), "logging is on: {logs}");
        let sample = std::fs::read_to_string("examples/upload-sample.csv").unwrap();
        for line in sample.lines().skip(1) {
            let nik = line.split(',').next().unwrap();
            if nik.len() == 16 {
                assert!(!logs.contains(nik), "a whole NIK in the logs: {nik}");
            }
        }
        let again = json_of(&lingkaran(
            &url,
            &[
                "workers",
                "import",
                "examples/upload-sample.csv",
                "--proposer",
                "sawo",
                "--json",
            ],
        ));
        assert_eq!(again["import_id"], v["import_id"]);
        assert_eq!(again["already_imported"], true);

        let o = lingkaran(
            &url,
            &[
                "workers",
                "import",
                "Cargo.toml",
                "--proposer",
                "sawo",
                "--json",
            ],
        );
        assert_eq!(
            o.status.code(),
            Some(1),
            "a file that is not a list is refused"
        );
        assert_eq!(json_of(&o)["errors"][0]["code"], "wrong_header");
    }
);

both_urls!(
    quote_prices_by_funding_source_and_sector_under_pp_50_2025,
    |url| async move {
        let q = |args: &[&str]| {
            let mut all = vec!["quote", "--json"];
            all.extend_from_slice(args);
            json_of(&lingkaran(&url, &all))
        };
        // domain.md: a CSR donor, 1,000 non-transport workers, January–December 2026.
        let v = q(&[
            "--workers",
            "1000",
            "--months",
            "12",
            "--from",
            "2026-01",
            "--funding",
            "csr",
            "--sector",
            "other",
        ]);
        assert_eq!(v["total"], 126_000_000);
        assert_eq!(
            (v["funding"].as_str(), v["sector"].as_str()),
            (Some("csr"), Some("other"))
        );
        assert_eq!(v["funding_assumed"], false);
        let months = v["by_month"].as_array().unwrap();
        assert_eq!(
            months[0]["per_worker"], 16_800,
            "January: other sectors not relieved yet"
        );
        assert!(months[0]["relief"].is_null());
        assert_eq!(months[11]["per_worker"], 8_400, "December 2026");
        assert_eq!(months[11]["relief"]["basis"], "PP 50/2025");
        // A regency's APBD pays the full price; transport is relieved from January.
        let v = q(&[
            "--workers",
            "1",
            "--months",
            "1",
            "--from",
            "2026-12",
            "--funding",
            "apbd",
            "--sector",
            "other",
        ]);
        assert_eq!(v["total"], 16_800);
        let v = q(&[
            "--workers",
            "1",
            "--months",
            "1",
            "--from",
            "2026-01",
            "--funding",
            "csr",
            "--sector",
            "transport",
        ]);
        assert_eq!(v["total"], 8_400);
        let v = q(&[
            "--workers",
            "1",
            "--months",
            "1",
            "--from",
            "2027-04",
            "--funding",
            "self",
            "--sector",
            "transport",
        ]);
        assert_eq!(
            v["total"], 16_800,
            "after March 2027 everybody pays the full price"
        );
        // Without --funding the source assumed is said.
        let v = q(&["--workers", "1", "--months", "1", "--from", "2026-12"]);
        assert_eq!(
            (v["funding"].as_str(), v["funding_assumed"].as_bool()),
            (Some("apbd"), Some(true))
        );
        assert!(v["assumption"]["en"].as_str().unwrap().contains("apbd"));
        // 2^63 − 1 workers (today: a negative JKK) and an unknown source are refused in words.
        for bad in [
            vec![
                "--workers",
                "9223372036854775807",
                "--months",
                "1",
                "--from",
                "2026-12",
            ],
            vec![
                "--workers",
                "1",
                "--months",
                "1",
                "--from",
                "2026-12",
                "--income",
                "9223372036854775807",
            ],
            vec![
                "--workers",
                "1",
                "--months",
                "1",
                "--from",
                "2026-12",
                "--funding",
                "bumn",
            ],
        ] {
            let mut all = vec!["quote", "--json"];
            all.extend_from_slice(&bad);
            let out = lingkaran(&url, &all);
            assert!(!out.status.success(), "{bad:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("invalid_workers")
                    || err.contains("invalid_income")
                    || err.contains("invalid_funding"),
                "{bad:?}: {err}"
            );
            assert!(
                String::from_utf8_lossy(&out.stdout).trim().is_empty(),
                "no price printed"
            );
        }
    }
);

both_urls!(
    quote_prices_workers_months_at_the_rate_in_force,
    |url| async move {
        let v = json_of(&lingkaran(
            &url,
            &[
                "quote",
                "--workers",
                "5000",
                "--months",
                "12",
                "--from",
                "2026-01",
                "--json",
            ],
        ));
        assert_eq!(v["total"], 1_008_000_000, "Penajam Paser Utara's budget");
        assert_eq!(v["per_worker_month"], 16_800);
        assert_eq!(v["breakdown"]["jkk"], 600_000_000);
        assert_eq!(v["breakdown"]["jkm"], 408_000_000);
        assert_eq!(v["from"], "2026-01");
        let v = json_of(&lingkaran(
            &url,
            &[
                "quote",
                "--workers",
                "7000",
                "--months",
                "6",
                "--from",
                "2026-07",
                "--json",
            ],
        ));
        assert_eq!(v["total"], 705_600_000, "Jawa Tengah + Bank Jateng");
        let v = json_of(&lingkaran(
            &url,
            &[
                "quote",
                "--workers",
                "1",
                "--months",
                "1",
                "--from",
                "2026-07",
                "--income",
                "3000000",
                "--json",
            ],
        ));
        assert_eq!(v["breakdown"]["jkk"], 30_000, "1% of declared income");
        assert!(!lingkaran(
            &url,
            &[
                "quote",
                "--workers",
                "1",
                "--months",
                "121",
                "--from",
                "2026-07"
            ]
        )
        .status
        .success());
        assert!(!lingkaran(
            &url,
            &[
                "quote",
                "--workers",
                "1",
                "--months",
                "1",
                "--from",
                "Juli 2026"
            ]
        )
        .status
        .success());
        assert!(
            !lingkaran(
                &url,
                &[
                    "quote",
                    "--workers",
                    "1",
                    "--months",
                    "1",
                    "--from",
                    "2020-01"
                ]
            )
            .status
            .success(),
            "no rate before April 2021"
        );
    }
);

/// Every setting is a flag and a variable, bounded: a value out of bounds stops the program
/// with words that name it, instead of quietly becoming the default.
#[test]
fn a_setting_out_of_its_bound_is_refused_by_name() {
    for (var, value) in [
        ("LINGKARAN_HOLD_HOURS", "0"),
        ("LINGKARAN_CYCLE_DAY", "31"),
        ("LINGKARAN_SELF_DONOR_MAX_WORKERS", "-5"),
        ("LINGKARAN_IDEMPOTENCY_HOURS", "banyak"),
    ] {
        let o = common::lingkaran()
            .args(["nik", "check", "3525015608900001"])
            .env(var, value)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{var}={value}: {err}");
        let flag = var
            .trim_start_matches("LINGKARAN_")
            .to_lowercase()
            .replace('_', "-");
        assert!(err.contains(&format!("--{flag}")), "{var}: {err}");
        assert!(err.contains(value), "{var}: {err}");
    }
    // The same setting as a flag, in bounds, is taken.
    let o = common::lingkaran()
        .args(["--hold-hours", "48", "nik", "check", "3525015608900001"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

both_urls!(rates_commands_keep_the_rules_of_the_api, |url| async move {
    let o = lingkaran(
        &url,
        &[
            "user",
            "add",
            "--username",
            "admin",
            "--role",
            "admin",
            "--password",
            "rahasia-panjang-sekali",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The seeded PP 50/2025 rule, in the API's shape.
    let list = || json_of(&lingkaran(&url, &["rates", "relief", "list", "--json"]));
    let rules = list();
    assert_eq!(rules[0]["basis"], "PP 50/2025", "{rules}");
    let keys: Vec<&str> = rules[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "basis",
            "basis_points",
            "excludes",
            "from",
            "id",
            "sectors",
            "to"
        ]
    );
    let n = rules.as_array().unwrap().len();
    // A rule reaching back into a month in force: refused in the API's words, not added.
    let this_month = lingkaran_domain::rates::Month::of(lingkaran::clock::today());
    let add = |from: &str, to: &str| {
        lingkaran(
            &url,
            &[
                "rates",
                "relief",
                "add",
                "--basis",
                "PP 99/2030",
                "--basis-points",
                "5000",
                "--from",
                from,
                "--to",
                to,
                "--sector",
                "transport",
                "--by",
                "admin",
            ],
        )
    };
    let o = add(&this_month.to_string(), "2099-12");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("relief_in_force") && err.contains("a rule in force is never changed"),
        "{err}"
    );
    assert_eq!(list().as_array().unwrap().len(), n);
    // One for months to come is added.
    let o = add("2099-01", "2099-12");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rules = list();
    assert_eq!(rules.as_array().unwrap().len(), n + 1);
    assert_eq!(rules[n]["basis"], "PP 99/2030");
    assert_eq!(rules[n]["from"], "2099-01");
    // The self-payment window has its bounds; a refused change changes nothing.
    let settings = || json_of(&lingkaran(&url, &["rates", "settings", "--json"]));
    let before = settings();
    let o = lingkaran(
        &url,
        &[
            "rates",
            "settings",
            "--self-pay-back",
            "25",
            "--self-pay-ahead",
            "1",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("invalid_self_pay_window"), "{err}");
    assert_eq!(settings(), before);
    let v = json_of(&lingkaran(
        &url,
        &[
            "rates",
            "settings",
            "--self-pay-back",
            "24",
            "--self-pay-ahead",
            "12",
            "--json",
        ],
    ));
    assert_eq!(v["self_pay_months_back"], 24);
    assert_eq!(v["self_pay_months_ahead"], 12);
});

// The operator's audit commands: a user added at the console is an entry by `cli`; `audit
// head` prints the head `audit verify` ends on, and writes it to the log for the watcher.
both_urls!(
    audit_head_and_verify_agree_after_a_cli_change,
    |url| async move {
        let o = lingkaran(
            &url,
            &[
                "user",
                "add",
                "--username",
                "admin",
                "--role",
                "admin",
                "--password",
                "rahasia-panjang-sekali",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let head = lingkaran(&url, &["audit", "head", "--json"]);
        assert!(
            head.status.success(),
            "{}",
            String::from_utf8_lossy(&head.stderr)
        );
        let h = json_of(&head);
        assert_eq!(h["last_id"], 1, "{h}");
        let logged = String::from_utf8_lossy(&head.stderr).to_string()
            + &String::from_utf8_lossy(&head.stdout);
        assert!(logged.contains("audit trail head"), "{logged}");
        let v = json_of(&lingkaran(&url, &["audit", "verify", "--json"]));
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["entries"], 1);
        assert_eq!(v["head"], h["hash"], "{v} {h}");
    }
);

both_urls!(the_cli_caps_names_as_the_api_does, |url| async move {
    let long = "a".repeat(101);
    for (args, why) in [
        (
            vec![
                "user",
                "add",
                "--username",
                "budi",
                "--name",
                long.as_str(),
                "--role",
                "admin",
                "--password",
                "rahasia-panjang-sekali",
            ],
            "at most 100",
        ),
        (
            vec![
                "user",
                "add",
                "--username",
                "budi",
                "--name",
                "=HYPERLINK(\"x\")",
                "--role",
                "admin",
                "--password",
                "rahasia-panjang-sekali",
            ],
            "formula",
        ),
        (
            vec!["org", "add", "--name", "@Desa", "--region", "35.25.01.2001"],
            "formula",
        ),
    ] {
        let o = lingkaran(&url, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} was accepted");
        assert!(err.contains(why), "{args:?}: {err}");
    }
    // Nothing was stored: the username is still free.
    let o = lingkaran(
        &url,
        &[
            "user",
            "add",
            "--username",
            "budi",
            "--role",
            "admin",
            "--password",
            "rahasia-panjang-sekali",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
});

/// `lingkaran claims estimate --json` (issue 13 §1): the contract's keys, the fisher who died
/// at sea at Rp 1.000.000 (Rp 70.000.000), and a wrong input named with exit code 2.
#[test]
fn claims_estimate_prints_the_contract() {
    let run = |args: &[&str]| {
        let mut all = vec!["claims", "estimate"];
        all.extend_from_slice(args);
        all.push("--json");
        lingkaran("sqlite://unused.db", &all)
    };
    let o = run(&[
        "--kind",
        "jkk-death",
        "--event",
        "2027-03-03",
        "--income",
        "1000000",
        "--membership-months",
        "8",
        "--paid-months",
        "8",
        "--filed",
        "2027-03-10",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    for key in [
        "kind",
        "eligible",
        "reasons",
        "total",
        "lines",
        "scholarship_eligible",
    ] {
        assert!(v.get(key).is_some(), "{key} missing: {v}");
    }
    assert_eq!(v["kind"], "jkk-death");
    assert_eq!(v["eligible"], true);
    assert_eq!(v["total"], 70_000_000);
    assert_eq!(v["scholarship_eligible"], true);
    let lines: Vec<(String, i64)> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert!(l["source"].as_str().unwrap().contains("PP 82/2019"), "{l}");
            (
                l["code"].as_str().unwrap().to_string(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("jkk.death".to_string(), 48_000_000),
            ("jkk.funeral".to_string(), 10_000_000),
            ("jkk.periodic".to_string(), 12_000_000)
        ]
    );
    // A partial disability with a percentage written the Indonesian way.
    let o = run(&[
        "--kind",
        "jkk-partial",
        "--event",
        "2026-01-15",
        "--income",
        "2000000",
        "--membership-months",
        "8",
        "--paid-months",
        "8",
        "--body-pct",
        "40,5",
        "--filed",
        "2026-02-01",
    ]);
    assert_eq!(json_of(&o)["total"], 64_800_000);
    // Every wrong input at once, by name.
    let o = run(&[
        "--kind",
        "jkk-partial",
        "--event",
        "2026-01-15",
        "--income",
        "0",
        "--membership-months",
        "8",
        "--paid-months",
        "8",
        "--body-pct",
        "empat puluh",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let codes: Vec<String> = json_of(&o)["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["bad_percentage", "bad_income"]);
}
