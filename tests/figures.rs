//! Figures from outside for regions' coverage (issue 12 §1), on SQLite and PostgreSQL: a file
//! is checked row by row and reported like a worker list; the same rows again change nothing;
//! a correction is a new row and the history is kept; a figure is read as it stood on a day.
#![allow(clippy::unwrap_used)]

use crate::common;

use chrono::{NaiveDate, Utc};
use lingkaran::db::audit::Actor;
use lingkaran::db::figures;
use lingkaran::usecase::figures::import;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const GRESIK: &str = "kode_wilayah,tanggal,ukuran,nilai,definisi,sumber
35.25,23-12-2022,peserta,247.777,,BPJS Ketenagakerjaan Cabang Gresik (berita 23 Desember 2022)
35.25,23-12-2022,persen,\"39,40\",angkatan_kerja,BPJS Ketenagakerjaan Cabang Gresik (berita 23 Desember 2022)
35.25,2025-11-26,penyebut,715.619,angkatan_kerja,UCJ Gresik 26 November 2025
35.25,2025-11-26,persen,\"40,82\",angkatan_kerja,UCJ Gresik 26 November 2025
35.25,2025-01-01,target_persen,\"52,69\",angkatan_kerja,Kemendagri target UCJ 2025
";

both_dbs!(
    a_file_is_checked_stored_once_and_corrected_with_history,
    |db| async move {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gresik.csv");
        std::fs::write(&file, GRESIK).unwrap();
        let first = import(&db, &file, "gresik.csv", Actor::Cli, Utc::now())
            .await
            .unwrap();
        assert_eq!(first.rows, 5);
        assert!(first.problems.is_empty(), "{:?}", first.problems);
        assert_eq!(
            (
                first.stored.added,
                first.stored.corrected,
                first.stored.unchanged
            ),
            (5, 0, 0)
        );

        // The same file again changes nothing.
        let again = import(&db, &file, "gresik.csv", Actor::Cli, Utc::now())
            .await
            .unwrap();
        assert_eq!(
            (
                again.stored.added,
                again.stored.corrected,
                again.stored.unchanged
            ),
            (0, 0, 5)
        );

        // On 1 December 2025 the 2025 figures stand; on 1 January 2023 only the 2022 ones.
        let now = figures::standing_on(&db, "35.25", day(2025, 12, 1))
            .await
            .unwrap();
        let value_of = |rows: &[figures::FigureRow], measure: &str| {
            rows.iter().find(|r| r.measure == measure).map(|r| r.value)
        };
        assert_eq!(value_of(&now, "penyebut"), Some(715_619));
        assert_eq!(value_of(&now, "persen"), Some(408_200));
        assert_eq!(
            value_of(&now, "peserta"),
            Some(247_777),
            "the latest count on or before"
        );
        assert_eq!(value_of(&now, "target_persen"), Some(526_900));
        let then = figures::standing_on(&db, "35.25", day(2023, 1, 1))
            .await
            .unwrap();
        assert_eq!(value_of(&then, "persen"), Some(394_000));
        assert_eq!(value_of(&then, "penyebut"), None);
        assert!(figures::standing_on(&db, "35.25", day(2022, 12, 22))
            .await
            .unwrap()
            .is_empty());

        // A correction of the denominator is a new row; the old one stays in the history.
        let fix = dir.path().join("koreksi.csv");
        std::fs::write(
            &fix,
            "region_code,date,measure,value,definition,source
35.25,2025-11-26,denominator,715620,angkatan_kerja,UCJ Gresik 26 November 2025 (revisi)
",
        )
        .unwrap();
        let corrected = import(&db, &fix, "koreksi.csv", Actor::Cli, Utc::now())
            .await
            .unwrap();
        assert_eq!((corrected.stored.added, corrected.stored.corrected), (0, 1));
        let now = figures::standing_on(&db, "35.25", day(2025, 12, 1))
            .await
            .unwrap();
        assert_eq!(value_of(&now, "penyebut"), Some(715_620));
        let history = figures::history(&db, "35.25", 100).await.unwrap();
        let denominators: Vec<i64> = history
            .iter()
            .filter(|r| r.measure == "penyebut")
            .map(|r| r.value)
            .collect();
        assert_eq!(
            denominators,
            vec![715_620, 715_619],
            "newest first, both kept"
        );
    }
);

both_dbs!(bad_rows_are_reported_and_good_ones_kept, |db| async move {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("salah.csv");
    std::fs::write(
        &file,
        "kode_wilayah;tanggal;ukuran;nilai;definisi;sumber
35.25;2025-11-26;peserta;292.116;;BPJS Ketenagakerjaan

99.99;2025-11-26;peserta;10;;BPJS
35.25;2025-13-01;peserta;10;;BPJS
35.25;2025-11-26;penyebut;715619;;BPS
35.25;2025-11-26;persen;140;angkatan_kerja;BPS
35.25;2025-11-26;peserta;10;;
",
    )
    .unwrap();
    let r = import(&db, &file, "salah.csv", Actor::Cli, Utc::now())
        .await
        .unwrap();
    assert_eq!(r.rows, 6, "the blank line is not a row");
    assert_eq!(r.stored.added, 1);
    let found: Vec<(i64, &str)> = r
        .problems
        .iter()
        .map(|p| (p.line, p.column.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (4, "kode_wilayah"),
            (5, "tanggal"),
            (6, "definisi"),
            (7, "nilai"),
            (8, "sumber"),
        ],
        "{:?}",
        r.problems
    );
    assert_eq!(r.problems[0].value, "99.99");
    assert!(r.problems[0].en.contains("no region"));

    // A file with the wrong header is refused as a whole, saying which columns are missing.
    std::fs::write(&file, "kode,tanggal,nilai\n35.25,2025-01-01,1\n").unwrap();
    match import(&db, &file, "salah.csv", Actor::Cli, Utc::now()).await {
        Err(lingkaran::usecase::Error::Invalid(p)) => {
            assert!(p[0].en.contains("kode_wilayah"), "{:?}", p);
        }
        other => panic!("refused as a whole: {:?}", other.map(|r| r.rows)),
    }
});

both_dbs!(the_shipped_example_imports_cleanly, |db| async move {
    // examples/angka-wilayah.csv is what the demo imports and what a clerk copies.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/angka-wilayah.csv");
    let r = import(&db, &file, "angka-wilayah.csv", Actor::Cli, Utc::now())
        .await
        .unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!((r.rows, r.stored.added), (15, 15));
    let gresik = figures::standing_on(&db, "35.25", day(2025, 12, 1))
        .await
        .unwrap();
    assert_eq!(
        gresik.len(),
        4,
        "participants, denominator, published %, target"
    );
});

both_dbs!(a_regions_coverage_is_computed_right, |db| async move {
    use lingkaran::usecase::region_coverage;
    let dir = tempfile::tempdir().unwrap();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/angka-wilayah.csv");
    import(&db, &example, "angka-wilayah.csv", Actor::Cli, Utc::now())
        .await
        .unwrap();
    // Gresik on 1 December 2025: 292.116 ÷ 715.619 = 40,82%; target 52,69% needs 377.060,
    // 84.944 more.
    let gresik = region_coverage::of(&db, "35.25", day(2025, 12, 1))
        .await
        .unwrap();
    let a = &gresik.assessment;
    assert_eq!(
        (a.participants, a.denominator),
        (Some(292_116), Some(715_619))
    );
    assert_eq!(a.share.unwrap().percent_text("id"), "40,82%");
    assert_eq!((a.target_people, a.gap), (Some(377_060), Some(84_944)));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert_eq!(gresik.summed_children, 0);
    // On 1 January 2023 only the 2022 count and percentage stood: no denominator yet.
    let then = region_coverage::of(&db, "35.25", day(2023, 1, 1))
        .await
        .unwrap();
    assert_eq!(then.assessment.share, None);
    assert_eq!(then.assessment.warnings[0].code, "no_denominator");

    // Kabupaten Lamongan (35.24) has no figure of its own; two of its districts do, at 1/4
    // and 30/40: the regency is 31/44 = 70,45%, not the 50% an average would say.
    let file = dir.path().join("lamongan.csv");
    std::fs::write(
        &file,
        "kode_wilayah,tanggal,ukuran,nilai,definisi,sumber
35.24.01,2025-06-30,peserta,1,,contoh
35.24.01,2025-06-30,penyebut,4,angkatan_kerja,contoh
35.24.02,2025-06-30,peserta,30,,contoh
35.24.02,2025-06-30,penyebut,40,angkatan_kerja,contoh
35.24.03,2025-06-30,peserta,7,,contoh
35.24.03,2025-06-30,penyebut,9,ak_lokal,contoh
",
    )
    .unwrap();
    import(&db, &file, "lamongan.csv", Actor::Cli, Utc::now())
        .await
        .unwrap();
    let lamongan = region_coverage::of(&db, "35.24", day(2025, 7, 1))
        .await
        .unwrap();
    let a = &lamongan.assessment;
    assert_eq!(lamongan.summed_children, 2, "one definition at a time");
    assert_eq!((a.participants, a.denominator), (Some(31), Some(44)));
    assert_eq!(a.share.unwrap().percent_text("id"), "70,45%");
    assert_eq!(a.definition.as_deref(), Some("angkatan_kerja"));

    // An unknown region is not found.
    assert!(matches!(
        region_coverage::of(&db, "99.99", day(2025, 7, 1)).await,
        Err(lingkaran::usecase::Error::NotFound(_))
    ));
});

both_dbs!(sponsored_workers_are_counted_by_who_paid, |db| async move {
    use lingkaran::db::donations::{Choice, Criteria};
    use lingkaran::usecase::region_coverage;
    let w = lingkaran::demo::funding_world(&db, "35.25.01", 3, 21)
        .await
        .unwrap();
    let donor = common::staff_donor(&db, "institution", "Baznas Gresik", w.officer).await;
    let choice = Choice::Criteria {
        criteria: Criteria::default(),
        count: 3,
    };
    common::give_and_pay(&db, donor, w.officer, choice, 2, "FIG-1").await;
    let start = lingkaran_domain::rates::Month::first_payable(lingkaran::clock::today());
    let first_day = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap();
    for region in ["35.25.01", "35.25", "35", "0"] {
        let c = region_coverage::of(&db, region, first_day).await.unwrap();
        assert_eq!(c.sponsored.total, 3, "{region}");
        assert_eq!(
            c.sponsored.by_source,
            vec![("zakat".to_string(), 3)],
            "{region}"
        );
    }
    let elsewhere = region_coverage::of(&db, "35.24", first_day).await.unwrap();
    assert_eq!(elsewhere.sponsored.total, 0);
    // With Gresik's denominator, the three add 3 ÷ 715.619 = 0,0004 points.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/angka-wilayah.csv");
    import(&db, &file, "angka-wilayah.csv", Actor::Cli, Utc::now())
        .await
        .unwrap();
    let gresik = region_coverage::of(&db, "35.25", first_day).await.unwrap();
    assert_eq!(gresik.points_added, Some(4));
});
