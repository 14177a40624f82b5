//! Awkward files, as clerks really send them: each gets a clear answer and loses nothing.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{nik, TestApp, Token};
use lingkaran::auth::Role;
use serde_json::Value;

async fn proposer(db: lingkaran::db::Db) -> (TestApp, Token) {
    let app = TestApp::spawn(db).await;
    let org = app.org("Desa Sawo", "35.25.01.2001").await;
    let t = app.user("desa.sawo", Role::Proposer, Some(org), &[]).await;
    (app, t)
}

fn codes(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect()
}

const HEADER: &str =
    "nik,nama,jenis_kelamin,tanggal_lahir,kode_desa,no_hp,pekerjaan,penghasilan,desil";

fn row(serial: u16, name: &str) -> String {
    format!(
        "{},{name},L,,35.25.01.2001,,petani,,",
        nik("352501", false, "1984-04-04", serial)
    )
}

both_dbs!(a_utf8_bom_is_ignored, |db| async move {
    let (app, t) = proposer(db).await;
    let body = format!("\u{feff}{HEADER}\n{}\n", row(1, "Agus"));
    let (s, r) = app.upload(&t, "bom.csv", body.into_bytes()).await;
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["accepted"], 1);
});

both_dbs!(a_latin1_file_is_read_and_said_so, |db| async move {
    let (app, t) = proposer(db).await;
    let mut body = format!("{HEADER}\n").into_bytes();
    body.extend(format!("{},Jos", nik("352501", false, "1984-04-04", 2)).as_bytes());
    body.push(0xE9); // é in Latin-1 / Windows-1252
    body.extend(b" Ramos,L,,35.25.01.2001,,petani,,\n");
    let (s, r) = app.upload(&t, "latin1.csv", body).await;
    assert_eq!(s, 202, "{r}");
    assert_eq!(r["accepted"], 1);
    assert!(codes(&r, "notes").contains(&"latin1".to_string()));
    let (_, w) = app.get(&t, "/api/v1/workers").await;
    assert_eq!(w["workers"][0]["full_name"], "José Ramos");
});

both_dbs!(
    semicolons_crlf_and_blank_lines_are_understood,
    |db| async move {
        let (app, t) = proposer(db).await;
        let body = format!(
            "{}\r\n\r\n{}\r\n;;;;;;;;\r\n\r\n{}\r\n",
            HEADER.replace(',', ";"),
            row(3, "Budi").replace(',', ";"),
            row(4, "Candra")
                .replace(',', ";")
                .replace("petani", "astronot"),
        );
        let (s, r) = app.upload(&t, "titik-koma.csv", body.into_bytes()).await;
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["rows"], 2, "blank lines are not rows");
        assert_eq!(r["accepted"], 1);
        assert_eq!(
            r["errors"][0]["line"], 6,
            "the line number is the file's own, blank lines counted"
        );
        assert_eq!(r["errors"][0]["code"], "unknown_occupation");
        assert!(codes(&r, "notes").contains(&"semicolon".to_string()));
    }
);

both_dbs!(english_headers_in_any_order_are_accepted, |db| async move {
    let (app, t) = proposer(db).await;
    let n = nik("352501", true, "1990-01-01", 5);
    let body = format!(
        "occupation,village_code,name,nik,income,catatan\nnelayan,35.25.01.2001,Dewi,{n},\"1.750.000\",RT 02\n"
    );
    let (_, r) = app.upload(&t, "english.csv", body.into_bytes()).await;
    assert_eq!(r["accepted"], 1, "{r}");
    let (_, w) = app.get(&t, "/api/v1/workers").await;
    assert_eq!(w["workers"][0]["income"], 1_750_000);
    assert_eq!(w["workers"][0]["sex"], "F");
    // The unknown column is named in the report, in both languages, and stays named later.
    let id = r["import_id"].as_i64().unwrap();
    let (_, later) = app.get(&t, &format!("/api/v1/imports/{id}")).await;
    let note = &later["notes"][0];
    assert_eq!(note["code"], "ignored_columns");
    assert!(note["message"].as_str().unwrap().contains("catatan"));
    assert!(note["message_en"].as_str().unwrap().contains("catatan"));
});

both_dbs!(
    a_wrong_or_missing_header_or_an_empty_file_is_refused_whole,
    |db| async move {
        let (app, t) = proposer(db).await;
        let (s, r) = app
            .upload(
                &t,
                "salah.csv",
                format!("nomor,nama orang\n{}\n", row(6, "Dedi")).into_bytes(),
            )
            .await;
        assert_eq!(s, 422);
        assert_eq!(r["errors"][0]["code"], "wrong_header");
        let detail = r["errors"][0]["detail"].as_str().unwrap();
        assert!(
            detail.contains("nik") && detail.contains("kode_desa") && detail.contains("pekerjaan"),
            "{detail}"
        );

        let (s, r) = app
            .upload(
                &t,
                "tanpa-judul.csv",
                format!("{}\n{}\n", row(7, "Eko"), row(8, "Fajar")).into_bytes(),
            )
            .await;
        assert_eq!(s, 422);
        assert_eq!(r["errors"][0]["code"], "missing_header");

        for empty in [&b""[..], b"\n\n", b"\xEF\xBB\xBF"] {
            let (s, r) = app.upload(&t, "kosong.csv", empty.to_vec()).await;
            assert_eq!(s, 422);
            assert_eq!(r["errors"][0]["code"], "empty_file");
        }
        let (s, r) = app
            .upload(&t, "judul-saja.csv", format!("{HEADER}\n").into_bytes())
            .await;
        assert_eq!(s, 202);
        assert_eq!(r["rows"], 0);
        let (_, w) = app.get(&t, "/api/v1/workers").await;
        assert_eq!(w["total"], 0, "nothing was stored from refused files");
    }
);

both_dbs!(
    an_excel_scientific_nik_says_how_to_fix_it,
    |db| async move {
        let (app, t) = proposer(db).await;
        let body = format!("{HEADER}\n3.52501E+15,Gunawan,L,,35.25.01.2001,,petani,,\n3,52501E+15,Hadi,L,,35.25.01.2001,,petani,,\n");
        let (_, r) = app.upload(&t, "excel.csv", body.into_bytes()).await;
        assert_eq!(r["rejected"], 2, "{r}");
        assert_eq!(r["errors"][0]["code"], "excel_scientific");
        assert!(r["errors"][0]["message"].as_str().unwrap().contains("Teks"));
        assert!(
            r["errors"][0]["message_en"]
                .as_str()
                .unwrap()
                .contains("format the column as Text")
                || r["errors"][0]["message_en"]
                    .as_str()
                    .unwrap()
                    .contains("Format the column as Text")
        );
    }
);

both_dbs!(
    an_xlsx_workbook_is_imported_with_its_number_and_date_cells,
    |db| async move {
        let (app, t) = proposer(db).await;
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in HEADER.split(',').enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        let good = nik("352501", false, "1984-04-04", 9);
        ws.write_string(1, 0, &good).unwrap();
        ws.write_string(1, 1, "Irfan Hakim").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(1984, 4, 4).unwrap();
        let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        ws.write_datetime_with_format(1, 3, &date, &fmt).unwrap();
        ws.write_number(1, 4, 3_525_012_001.0).unwrap(); // village code typed as a number
        ws.write_string(1, 6, "Petani").unwrap();
        ws.write_number(1, 7, 1_250_000.0).unwrap();
        ws.write_number(1, 8, 2.0).unwrap();
        // A NIK typed into a General cell: Excel keeps it as a number and drops digits.
        ws.write_number(2, 0, 3_525_011_203_850_000.0).unwrap();
        ws.write_string(2, 1, "Joko").unwrap();
        ws.write_string(2, 4, "35.25.01.2001").unwrap();
        ws.write_string(2, 6, "petani").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let (s, r) = app.upload(&t, "daftar.xlsx", bytes).await;
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["rows"], 2);
        assert_eq!(r["accepted"], 1, "{r}");
        assert_eq!(r["errors"][0]["line"], 3);
        assert_eq!(r["errors"][0]["code"], "excel_scientific");
        let (_, w) = app.get(&t, "/api/v1/workers").await;
        assert_eq!(w["workers"][0]["nik"], good);
        assert_eq!(w["workers"][0]["income"], 1_250_000);
        assert_eq!(w["workers"][0]["decile"], 2);
    }
);

both_dbs!(
    an_import_cut_off_by_a_crash_completes_when_uploaded_again,
    |db| async move {
        let (app, t) = proposer(db.clone()).await;
        let rows: Vec<String> = (1..=20)
            .map(|i| {
                row(
                    100 + i,
                    &format!(
                        "Pekerja {}",
                        "abcdefghijklmnopqrst"
                            .chars()
                            .nth(usize::from(i - 1))
                            .unwrap()
                    ),
                )
            })
            .collect();
        let body = format!("{HEADER}\n{}\n", rows.join("\n"));
        // The first attempt stored 8 rows and died: the import is left 'running'.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, &body).unwrap();
        let hash = lingkaran::import::file_hash(&path).unwrap();
        let me = lingkaran::db::users::proposer(&db, "desa.sawo")
            .await
            .unwrap()
            .unwrap();
        let (rec, _) = lingkaran::db::imports::create_or_find(
            &db,
            me.1,
            me.0,
            "list.csv",
            &hash,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        let regions = lingkaran::regions::RegionTable::get();
        let today = lingkaran::clock::today();
        let first: Vec<lingkaran::db::imports::Pending> = rows[..8]
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let cells: Vec<&str> = line.split(',').collect();
                let raw = lingkaran_domain::worker::RawWorker {
                    nik: cells[0].into(),
                    name: cells[1].into(),
                    village_code: cells[4].into(),
                    occupation: cells[6].into(),
                    ..Default::default()
                };
                let w =
                    lingkaran_domain::worker::validate(&raw, today, regions, Default::default())
                        .unwrap();
                lingkaran::db::imports::Pending {
                    line: i as i64 + 2,
                    worker: w,
                }
            })
            .collect();
        let who = lingkaran::db::imports::Submitter {
            organisation_id: me.1,
            user_id: me.0,
            import_id: Some(rec.id),
        };
        lingkaran::db::imports::write_batch(&db, who, &first, Vec::new(), 0, 0, chrono::Utc::now())
            .await
            .unwrap();

        let (s, r) = app.upload(&t, "list.csv", body.into_bytes()).await;
        assert_eq!(s, 202, "{r}");
        assert_eq!(r["import_id"], rec.id, "the same import, resumed");
        assert_eq!(r["accepted"], 20);
        assert_eq!(r["duplicates"], 0, "its own rows are not duplicates");
        assert_eq!(r["status"], "done");
        let (_, w) = app.get(&t, "/api/v1/workers").await;
        assert_eq!(w["total"], 20);
    }
);

both_dbs!(
    duplicates_are_caught_across_batch_boundaries,
    |db| async move {
        let (_app, _t) = proposer(db.clone()).await;
        let me = lingkaran::db::users::proposer(&db, "desa.sawo")
            .await
            .unwrap()
            .unwrap();
        let who = lingkaran::db::imports::Submitter {
            organisation_id: me.1,
            user_id: me.0,
            import_id: None,
        };
        let mut lines = vec![HEADER.to_string()];
        for i in 1..=30u16 {
            let letter = |k: u16| char::from(b'a' + u8::try_from(k % 26).unwrap());
            lines.push(row(
                200 + i,
                &format!("Pekerja Nomor {}{}", letter(i / 26), letter(i)),
            ));
        }
        // Line 32 repeats line 2's NIK; line 33 is another NIK for line 3's person.
        lines.push(row(201, "Pekerja Nomor ab"));
        lines.push(format!(
            "{},Pekerja Nomor AC,L,,35.25.01.2001,,petani,,",
            nik("352502", false, "1984-04-04", 202)
        ));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("panjang.csv");
        std::fs::write(&path, lines.join("\n")).unwrap();
        let clock = lingkaran::clock::SystemClock;
        let report = lingkaran::import::run_in_batches(&db, path, "panjang.csv", who, &clock, 7)
            .await
            .unwrap()
            .unwrap();
        let r = &report.import;
        assert_eq!(
            (r.rows_total, r.accepted, r.rejected, r.duplicates),
            (32, 31, 0, 1)
        );
        let errors = lingkaran::db::imports::errors(&db, r.id, "error", 100)
            .await
            .unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].line, errors[0].code.as_str()),
            (32, "duplicate_in_file")
        );
        assert!(
            errors[0].message_id.contains("baris 2"),
            "{}",
            errors[0].message_id
        );
        let warnings = lingkaran::db::imports::errors(&db, r.id, "warning", 100)
            .await
            .unwrap();
        assert_eq!(r.possible_duplicates, 1);
        assert_eq!(
            (warnings[0].line, warnings[0].code.as_str()),
            (33, "possible_duplicate")
        );
    }
);
