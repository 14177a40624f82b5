-- The dashboards benchmark's data set on SQLite (bench/dashboards.sh): the same plan as
-- gen-postgres.sql (read its header), for the sqlite3 shell (its generate_series), on a file
-- that `lingkaran migrate` has just made. The shell substitutes nothing, so dashboards.sh
-- fills the bench_params row first:
--   INSERT INTO bench_params VALUES (workers, per_donation, m0);
-- The loaded tables' triggers (the totals', migration 0028) are saved, dropped for the load
-- and made again afterwards from their own SQL; foreign keys are not enforced in the shell
-- (PRAGMA foreign_keys = OFF), and the data respects them.
PRAGMA foreign_keys = OFF;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
PRAGMA temp_store = MEMORY;
.timer on
.bail on

BEGIN;
CREATE TEMP TABLE bench_triggers AS
SELECT name, sql FROM sqlite_master
WHERE type = 'trigger' AND tbl_name IN ('workers', 'worker_months', 'donations', 'confirmations',
                                        'self_payments', 'worker_events');
CREATE TEMP TABLE bench_indexes AS
SELECT name, sql FROM sqlite_master
WHERE type = 'index' AND sql IS NOT NULL
  AND tbl_name IN ('workers', 'worker_months', 'donations', 'confirmations', 'self_payments',
                   'worker_events');
COMMIT;
.headers off
.mode list
.once bench-drop.sql
SELECT 'DROP TRIGGER ' || name || ';' FROM bench_triggers
UNION ALL SELECT 'DROP INDEX ' || name || ';' FROM bench_indexes;
.read bench-drop.sql

BEGIN;
CREATE TEMP TABLE p AS SELECT workers, per_donation, m0 FROM bench_params;

CREATE TEMP TABLE bench_months AS
SELECT value AS i,
       ((p.m0 + value) / 12) * 100 + (p.m0 + value) % 12 + 1 AS ym,
       printf('%04d-%02d-01', (p.m0 + value) / 12, (p.m0 + value) % 12 + 1) AS first_day
FROM generate_series(0, 23), p;

CREATE TEMP TABLE bench_villages AS
SELECT row_number() OVER (ORDER BY code) AS n, code, substr(code, 1, 2) AS province
FROM regions WHERE level = 4;
CREATE UNIQUE INDEX temp.bench_villages_n ON bench_villages (n);
CREATE TEMP TABLE nv AS SELECT count(*) AS villages FROM bench_villages;

INSERT INTO organisations (name, kind, region_code, created_at)
SELECT 'Bench ' || r.name, 'lainnya', r.code, '2024-01-01T00:00:00+00:00'
FROM regions r WHERE r.level = 1 ORDER BY r.code;

INSERT INTO users (username, full_name, password_hash, role, organisation_id, created_at)
SELECT 'bench.proposer', 'Bench proposer', '!', 'proposer', min(id), '2024-01-01T00:00:00+00:00'
FROM organisations;
CREATE TEMP TABLE u AS
SELECT (SELECT id FROM users WHERE username = 'bench.proposer') AS proposer,
       (SELECT id FROM users WHERE username = '_sistem') AS sistem;

INSERT INTO donors (kind, name, npwp, region_code, created_by, created_at, public_name,
                    verified_by, verified_at)
SELECT 'government', 'Pemerintah ' || r.name, NULL, r.code, u.sistem, '2024-01-01T00:00:00+00:00',
       1, u.sistem, '2024-01-01T00:00:00+00:00'
FROM regions r, u WHERE r.level = 1 ORDER BY r.code;
INSERT INTO budget_lines (donor_id, source, code, fiscal_year, ceiling, created_at)
SELECT d.id, s.source, upper(s.source) || '-' || d.region_code, 2026, 1000000000000000,
       '2024-01-01T00:00:00+00:00'
FROM donors d, (SELECT 'apbd' AS source UNION ALL SELECT 'dana_desa') s
WHERE d.kind = 'government';
INSERT INTO donors (kind, name, npwp, created_by, created_at, public_name, verified_by, verified_at)
SELECT 'company', 'PT Bench ' || value, printf('%015d', value), u.sistem,
       '2024-01-01T00:00:00+00:00', 1, u.sistem, '2024-01-01T00:00:00+00:00'
FROM generate_series(1, 100), u;
INSERT INTO donors (kind, name, created_by, created_at, public_name, verified_by, verified_at)
SELECT 'institution', 'Lembaga Zakat ' || value, u.sistem, '2024-01-01T00:00:00+00:00', 1,
       u.sistem, '2024-01-01T00:00:00+00:00'
FROM generate_series(1, 50), u;
INSERT INTO donors (kind, name, created_by, created_at, verified_by, verified_at)
SELECT 'individual', 'Donatur ' || value, u.sistem, '2024-01-01T00:00:00+00:00', u.sistem,
       '2024-01-01T00:00:00+00:00'
FROM generate_series(1, 1000), u;

CREATE TEMP TABLE bench_donations AS
WITH k AS (
    SELECT value AS k, (value - 1) * p.per_donation + 1 AS first_w,
           min(value * p.per_donation, p.workers) AS last_w, 1 + value % 11 AS l
    FROM p, generate_series(1, (p.workers + p.per_donation - 1) / p.per_donation)
)
SELECT k.k, k.first_w, k.last_w, k.l, (k.k * 7919) % (25 - k.l) AS s,
       CASE k.k % 5 WHEN 0 THEN 'apbd' WHEN 1 THEN 'csr' WHEN 2 THEN 'zakat'
                    WHEN 3 THEN 'individual' ELSE 'dana-desa' END AS source,
       CASE WHEN k.k % 100 = 37 THEN 'expired' ELSE 'funded' END AS status,
       v.province, NULL AS donor_id, NULL AS budget_line_id
FROM k, p, nv JOIN bench_villages v ON v.n = ((k.first_w - 1) * nv.villages / p.workers) + 1;
UPDATE bench_donations SET
    donor_id = (SELECT g.id FROM donors g WHERE g.kind = 'government'
                AND g.region_code = bench_donations.province),
    budget_line_id = (SELECT l.id FROM donors g JOIN budget_lines l ON l.donor_id = g.id
                      WHERE g.kind = 'government' AND g.region_code = bench_donations.province
                        AND l.source = CASE bench_donations.source WHEN 'apbd' THEN 'apbd'
                                                                  ELSE 'dana_desa' END)
WHERE source IN ('apbd', 'dana-desa');
CREATE TEMP TABLE bench_donor_kinds AS
SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY id) - 1 AS n,
       count(*) OVER (PARTITION BY kind) AS c FROM donors;
UPDATE bench_donations SET donor_id = (
    SELECT x.id FROM bench_donor_kinds x
    WHERE x.kind = CASE bench_donations.source WHEN 'csr' THEN 'company'
                   WHEN 'zakat' THEN 'institution' ELSE 'individual' END
      AND x.n = bench_donations.k % x.c)
WHERE donor_id IS NULL;
CREATE UNIQUE INDEX temp.bench_donations_k ON bench_donations (k);

INSERT INTO donations (id, donor_id, budget_line_id, mode, request, start_month, months, workers,
                       total, funded_total, status, created_by, created_at, hold_expires_at,
                       funded_at, funding_source)
SELECT b.k, b.donor_id, b.budget_line_id, 'criteria', x'00', s.ym, b.l, b.last_w - b.first_w + 1,
       t.total, CASE WHEN b.status = 'funded' THEN t.total ELSE 0 END, b.status, u.sistem,
       date(s.first_day, '-20 days') || 'T00:00:00+00:00',
       date(s.first_day, '-19 days') || 'T00:00:00+00:00',
       CASE WHEN b.status = 'funded' THEN date(s.first_day, '-19 days') || 'T00:00:00+00:00' END,
       b.source
FROM bench_donations b JOIN bench_months s ON s.i = b.s, u,
     (SELECT bb.k AS k, bb.l * sum(max(10000, (1000000 + (w.value % 40) * 100000) / 100) + 6800) AS total
      FROM bench_donations bb, generate_series(bb.first_w, bb.last_w) w GROUP BY bb.k) t
WHERE t.k = b.k;

INSERT INTO workers (id, nik_index, nik, full_name, name_key, sex, birth_date, village_code,
                     regency_code, occupation, income, decile, organisation_id, proposed_by,
                     status, created_at, updated_at, verified_at, taken_through, sector)
SELECT w.value, CAST(printf('%032d', w.value) AS BLOB), x'00' || CAST(printf('%d', w.value) AS BLOB),
       'Pekerja ' || w.value, 'pekerja ' || w.value,
       CASE WHEN w.value % 2 = 0 THEN 'F' ELSE 'M' END,
       date('1966-01-01', '+' || (w.value % 14000) || ' days'),
       v.code, substr(v.code, 1, 5),
       CASE w.value % 5 WHEN 0 THEN 'petani' WHEN 1 THEN 'nelayan' WHEN 2 THEN 'ojek'
                        WHEN 3 THEN 'pedagang' ELSE 'buruh_harian' END,
       1000000 + (w.value % 40) * 100000, w.value % 10 + 1, o.id, u.proposer,
       CASE WHEN b.status = 'funded' AND w.value % 20 = 0 AND b.s + b.l - 1 <= 20
            THEN 'mandiri' ELSE 'verified' END,
       '2024-06-01T00:00:00+00:00', '2024-07-01T00:00:00+00:00', '2024-07-01T00:00:00+00:00',
       e.ym, CASE WHEN w.value % 5 = 2 THEN 'transport' ELSE 'other' END
FROM p, nv, u, generate_series(1, p.workers) w
JOIN bench_villages v ON v.n = ((w.value - 1) * nv.villages / p.workers) + 1
JOIN organisations o ON o.region_code = v.province
JOIN bench_donations b ON b.k = (w.value - 1) / p.per_donation + 1
JOIN bench_months e ON e.i = b.s + b.l - 1;

INSERT INTO worker_months (worker_id, month, donation_id, jkk, jkm)
SELECT w.value, ((p.m0 + b.s + i.value) / 12) * 100 + (p.m0 + b.s + i.value) % 12 + 1, b.k,
       max(10000, (1000000 + (w.value % 40) * 100000) / 100), 6800
FROM p, bench_donations b, generate_series(b.first_w, b.last_w) w, generate_series(0, b.l - 1) i
ORDER BY b.k, w.value, i.value;

INSERT INTO confirmations (month, programme, worker_id, donation_id, status, reason, amount, created_at)
SELECT m.ym, pr.programme, w.value, b.k, 'rejected', 'sudah terdaftar sebagai peserta aktif',
       CASE pr.programme WHEN 'JKK' THEN max(10000, (1000000 + (w.value % 40) * 100000) / 100)
                         ELSE 6800 END,
       date(m.first_day, '+20 days') || 'T00:00:00+00:00'
FROM bench_donations b JOIN bench_months m ON m.i = b.s,
     generate_series(b.first_w + (53 - b.first_w % 53) % 53, b.last_w, 53) w,
     (SELECT 'JKK' AS programme UNION ALL SELECT 'JKM') pr
WHERE b.status = 'funded' AND b.s < 23;

INSERT INTO self_payments (worker_id, month, amount, source, reference, recorded_by, created_at)
SELECT w.value, m.ym, max(10000, (1000000 + (w.value % 40) * 100000) / 100) + 6800, 'insurer',
       'BENCH-' || w.value || '-' || m.ym, u.sistem,
       date(m.first_day, '+25 days') || 'T00:00:00+00:00'
FROM u, bench_donations b, generate_series(b.first_w + (20 - b.first_w % 20) % 20, b.last_w, 20) w
JOIN bench_months m ON m.i BETWEEN b.s + b.l AND min(b.s + b.l + 2, 23)
WHERE b.status = 'funded' AND b.s + b.l - 1 <= 20;

INSERT INTO worker_events (worker_id, from_status, to_status, action, reason, actor_id, at)
SELECT w.value, 'verified', 'mandiri', 'self_payment', 'Membayar iuran sendiri', u.sistem,
       date(m.first_day, '+27 days') || 'T10:00:00+00:00'
FROM u, bench_donations b, generate_series(b.first_w + (20 - b.first_w % 20) % 20, b.last_w, 20) w
JOIN bench_months m ON m.i = b.s + b.l
WHERE b.status = 'funded' AND b.s + b.l - 1 <= 20;
COMMIT;

-- Indexes and triggers again, from their own SQL.
.once bench-make.sql
SELECT sql || ';' FROM bench_indexes UNION ALL SELECT sql || ';' FROM bench_triggers;
.read bench-make.sql
