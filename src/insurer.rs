//! Plays BPJS Ketenagakerjaan on this machine, so the whole monthly loop runs in the demo and
//! in tests: it reads a remittance file and answers with a confirmation file, accepting every
//! worker except those the insurer already has as active participants (`covered_niks`),
//! whom it rejects.
//!
//! The confirmation file (read by `lingkaran_formats::confirmation`): `nik,status,kpj,alasan`,
//! one line per worker of the remittance; `status` is `diterima` (accepted, with the
//! participant number KPJ) or `ditolak` (rejected, with the reason).

use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

/// A participant number (KPJ): 11 digits, the same for the same NIK.
pub fn kpj_for(nik: &str) -> String {
    let h = Sha256::digest(nik.as_bytes());
    let n = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]) % 100_000_000_000;
    format!("{n:011}")
}

/// Writes the confirmation of `remittance` to `out`; returns (accepted, rejected).
pub fn confirm(
    remittance: &Path,
    active: &HashSet<String>,
    out: &Path,
) -> anyhow::Result<(usize, usize)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(remittance)?;
    // It carries whole NIKs: readable by its owner only.
    let mut w = std::io::BufWriter::new(crate::config::private_create(out)?);
    writeln!(w, "nik,status,kpj,alasan")?;
    let (mut accepted, mut rejected) = (0, 0);
    for row in reader.records() {
        let row = row?;
        let nik = row.get(0).unwrap_or("");
        if nik == "TOTAL" || nik.is_empty() {
            continue;
        }
        if active.contains(nik) {
            writeln!(w, "{nik},ditolak,,sudah terdaftar sebagai peserta aktif")?;
            rejected += 1;
        } else {
            writeln!(w, "{nik},diterima,{},", kpj_for(nik))?;
            accepted += 1;
        }
    }
    w.flush()?;
    Ok((accepted, rejected))
}
