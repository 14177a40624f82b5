-- National-scale data for the dashboards benchmark (bench/dashboards.sh), PostgreSQL.
-- Set-based: every table is one INSERT … SELECT over generate_series. Run by psql on a
-- database that `lingkaran migrate` has just made (schema and regions, nothing else), with:
--   -v workers=N        workers (10,000,000)
--   -v per_donation=B   workers per donation (1,000)
--   -v m0=I             the first month of the 24 as year*12 + month-1 (the trend's first)
--
-- This session runs with session_replication_role = replica: no trigger fires, neither
-- the totals' (migration 0028) nor the foreign keys' (the data below respects every key;
-- CHECK and NOT NULL constraints still apply). Secondary indexes are dropped first and made
-- again at the end from their own definitions. The totals are filled afterwards by the
-- migration's own backfill statements (dashboards.sh runs them).
--
-- What is generated (deterministic, no random()):
--   * one proposing organisation per province and one proposer; workers spread evenly over
--     every village (level 4) of data/regions.csv, in village order, so a donation's
--     consecutive workers live in a few neighbouring villages;
--   * NIKs are sealed at rest: here `nik_index` (the blind index, unique) is the worker id
--     as 32 bytes and `nik` a placeholder that opens under no key. Dashboards never read
--     them; a page that shows a NIK (a worker's page) would fail on this data set;
--   * one donation per `per_donation` consecutive workers, of 1..11 months (k % 11 + 1)
--     starting anywhere in the 24 months, funding_source by k % 5 (apbd, csr, zakat,
--     individual, dana-desa) from a donor of that kind (a province's government with a
--     budget line for apbd and dana-desa), 1% of them expired (not counted); one
--     worker_months row per worker and month (≈ 6 per worker); no invoices, payments or
--     ledger transfers (the dashboards do not read them; `ledger check` means nothing here);
--   * the insurer rejected both programmes of the first month for every 53rd worker of a
--     funded donation, when that month was not the last;
--   * every 20th worker of a funded donation that ended at least 3 months before the last
--     month paid alone for up to 3 months after it (self_payments), became 'mandiri' in the
--     first of them (a worker_events row by the system user) and has that status.
\set ON_ERROR_STOP on
\timing on
SET session_replication_role = replica;
SET maintenance_work_mem = '1GB';
SET work_mem = '256MB';
SET synchronous_commit = off;

-- Secondary indexes out of the way (kept: primary keys and unique constraints).
CREATE TEMP TABLE bench_indexes AS
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public'
  AND i.tablename IN ('workers', 'worker_months', 'donations', 'confirmations',
                      'self_payments', 'worker_events')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
SELECT format('DROP INDEX %I', indexname) FROM bench_indexes \gexec

-- The months: i = 0..23, yyyymm, and the month's first day.
CREATE TEMP TABLE bench_months AS
SELECT i, ((:m0 + i) / 12) * 100 + (:m0 + i) % 12 + 1 AS ym,
       make_date((:m0 + i) / 12, (:m0 + i) % 12 + 1, 1) AS first_day
FROM generate_series(0, 23) i;

CREATE TEMP TABLE bench_villages AS
SELECT row_number() OVER (ORDER BY code) AS n, code, substr(code, 1, 2) AS province
FROM regions WHERE level = 4;
CREATE UNIQUE INDEX ON bench_villages (n);
SELECT count(*) AS villages FROM bench_villages \gset

INSERT INTO organisations (name, kind, region_code, created_at)
SELECT 'Bench ' || r.name, 'lainnya', r.code, timestamptz '2024-01-01 00:00+07'
FROM regions r WHERE r.level = 1 ORDER BY r.code;

INSERT INTO users (username, full_name, password_hash, role, organisation_id, created_at)
SELECT 'bench.proposer', 'Bench proposer', '!', 'proposer', min(id), now() FROM organisations;
SELECT id AS proposer FROM users WHERE username = 'bench.proposer' \gset
SELECT id AS sistem FROM users WHERE username = '_sistem' \gset

-- Donors: each province's government (apbd and dana-desa budget lines), 100 companies,
-- 50 institutions (zakat), 1,000 individuals.
INSERT INTO donors (kind, name, npwp, region_code, created_by, created_at, public_name,
                    verified_by, verified_at)
SELECT 'government', 'Pemerintah ' || r.name, NULL, r.code, :sistem, now(), TRUE, :sistem, now()
FROM regions r WHERE r.level = 1 ORDER BY r.code;
INSERT INTO budget_lines (donor_id, source, code, fiscal_year, ceiling, created_at)
SELECT d.id, s.source, upper(s.source) || '-' || d.region_code, 2026, 1000000000000000, now()
FROM donors d CROSS JOIN (VALUES ('apbd'), ('dana_desa')) s(source)
WHERE d.kind = 'government';
INSERT INTO donors (kind, name, npwp, created_by, created_at, public_name, verified_by, verified_at)
SELECT 'company', 'PT Bench ' || g, lpad(g::text, 15, '0'), :sistem, now(), TRUE, :sistem, now()
FROM generate_series(1, 100) g;
INSERT INTO donors (kind, name, created_by, created_at, public_name, verified_by, verified_at)
SELECT 'institution', 'Lembaga Zakat ' || g, :sistem, now(), TRUE, :sistem, now()
FROM generate_series(1, 50) g;
INSERT INTO donors (kind, name, created_by, created_at, verified_by, verified_at)
SELECT 'individual', 'Donatur ' || g, :sistem, now(), :sistem, now()
FROM generate_series(1, 1000) g;

-- The donations' plan: k = 1..D, workers first_w..last_w, months s..s+l-1 (indexes into
-- bench_months), source, status, donor and budget line.
CREATE TEMP TABLE bench_donations AS
WITH k AS (
    SELECT k, (k - 1) * :per_donation + 1 AS first_w,
           least(k * :per_donation, :workers) AS last_w,
           1 + k % 11 AS l
    FROM generate_series(1::bigint, (:workers + :per_donation - 1) / :per_donation) k
)
SELECT k.k, k.first_w, k.last_w, k.l,
       (k.k * 7919) % (25 - k.l) AS s,
       (ARRAY['apbd', 'csr', 'zakat', 'individual', 'dana-desa'])[k.k % 5 + 1] AS source,
       CASE WHEN k.k % 100 = 37 THEN 'expired' ELSE 'funded' END AS status,
       v.province
FROM k JOIN bench_villages v ON v.n = ((k.first_w - 1) * :villages / :workers) + 1;
ALTER TABLE bench_donations ADD COLUMN donor_id BIGINT, ADD COLUMN budget_line_id BIGINT;
UPDATE bench_donations b SET donor_id = g.id, budget_line_id = l.id
FROM donors g JOIN budget_lines l ON l.donor_id = g.id
WHERE g.kind = 'government' AND g.region_code = b.province
  AND l.source = CASE b.source WHEN 'apbd' THEN 'apbd' ELSE 'dana_desa' END
  AND b.source IN ('apbd', 'dana-desa');
UPDATE bench_donations b SET donor_id = x.id FROM (
    SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY id) - 1 AS n,
           count(*) OVER (PARTITION BY kind) AS c FROM donors) x
WHERE b.donor_id IS NULL
  AND x.kind = CASE b.source WHEN 'csr' THEN 'company' WHEN 'zakat' THEN 'institution'
                             ELSE 'individual' END
  AND x.n = b.k % x.c;
CREATE UNIQUE INDEX ON bench_donations (k);
ANALYZE bench_donations;

-- A worker's contribution: declared income 1,000,000 + (w % 40) × 100,000; JKK 1% (at
-- least 10,000), JKM 6,800 (placeholder prices: the dashboards count months, not rupiah).
\echo donations
INSERT INTO donations (id, donor_id, budget_line_id, mode, request, start_month, months, workers,
                       total, funded_total, status, created_by, created_at, hold_expires_at,
                       funded_at, funding_source)
SELECT b.k, b.donor_id, b.budget_line_id, 'criteria', '\x00'::bytea, s.ym, b.l,
       b.last_w - b.first_w + 1, t.total, CASE WHEN b.status = 'funded' THEN t.total ELSE 0 END,
       b.status, :sistem, s.first_day - 20, s.first_day - 19,
       CASE WHEN b.status = 'funded' THEN s.first_day - 19 END, b.source
FROM bench_donations b
JOIN bench_months s ON s.i = b.s
CROSS JOIN LATERAL (
    SELECT b.l * sum(greatest(10000, (1000000 + (w % 40) * 100000) / 100) + 6800) AS total
    FROM generate_series(b.first_w, b.last_w) w) t;
SELECT setval(pg_get_serial_sequence('donations', 'id'), (SELECT max(id) FROM donations));

-- Workers, in village order. Status: 'mandiri' for the self-payers below, else 'verified'.
\echo workers
INSERT INTO workers (id, nik_index, nik, full_name, name_key, sex, birth_date, village_code,
                     regency_code, occupation, income, decile, organisation_id, proposed_by,
                     status, created_at, updated_at, verified_at, taken_through, sector)
SELECT w, decode(lpad(to_hex(w), 64, '0'), 'hex'), '\x00'::bytea || int8send(w),
       'Pekerja ' || w, 'pekerja ' || w,
       CASE WHEN w % 2 = 0 THEN 'F' ELSE 'M' END,
       date '1966-01-01' + (w % 14000)::int,
       v.code, substr(v.code, 1, 5),
       (ARRAY['petani', 'nelayan', 'ojek', 'pedagang', 'buruh_harian'])[w % 5 + 1],
       1000000 + (w % 40) * 100000, w % 10 + 1, o.id, :proposer,
       CASE WHEN b.status = 'funded' AND w % 20 = 0 AND b.s + b.l - 1 <= 20
            THEN 'mandiri' ELSE 'verified' END,
       timestamptz '2024-06-01 00:00+07', timestamptz '2024-07-01 00:00+07',
       timestamptz '2024-07-01 00:00+07', e.ym,
       CASE WHEN w % 5 = 2 THEN 'transport' ELSE 'other' END
FROM generate_series(1::bigint, :workers) w
JOIN bench_villages v ON v.n = ((w - 1) * :villages / :workers) + 1
JOIN organisations o ON o.region_code = v.province
JOIN bench_donations b ON b.k = (w - 1) / :per_donation + 1
JOIN bench_months e ON e.i = b.s + b.l - 1;
SELECT setval(pg_get_serial_sequence('workers', 'id'), (SELECT max(id) FROM workers));

-- One row per worker and month of its donation, in key order.
\echo worker_months
INSERT INTO worker_months (worker_id, month, donation_id, jkk, jkm)
SELECT w, ((:m0 + b.s + i) / 12) * 100 + (:m0 + b.s + i) % 12 + 1, b.k,
       greatest(10000, (1000000 + (w % 40) * 100000) / 100), 6800
FROM bench_donations b, generate_series(b.first_w, b.last_w) w, generate_series(0, b.l - 1) i;

-- Rejections: both programmes of the first month of every 53rd worker of a funded donation
-- whose first month is not the last.
\echo confirmations (rejected)
INSERT INTO confirmations (month, programme, worker_id, donation_id, status, reason, amount, created_at)
SELECT m.ym, p.programme, w, b.k, 'rejected', 'sudah terdaftar sebagai peserta aktif',
       CASE p.programme WHEN 'JKK' THEN greatest(10000, (1000000 + (w % 40) * 100000) / 100)
                        ELSE 6800 END,
       m.first_day + 20
FROM bench_donations b
JOIN bench_months m ON m.i = b.s
CROSS JOIN LATERAL generate_series(b.first_w + (53 - b.first_w % 53) % 53, b.last_w, 53) w
CROSS JOIN (VALUES ('JKK'), ('JKM')) p(programme)
WHERE b.status = 'funded' AND b.s < 23;

-- Self-payments after the sponsorship and the hand-over event.
\echo self_payments
INSERT INTO self_payments (worker_id, month, amount, source, reference, recorded_by, created_at)
SELECT w, m.ym, greatest(10000, (1000000 + (w % 40) * 100000) / 100) + 6800, 'insurer',
       'BENCH-' || w || '-' || m.ym, :sistem, m.first_day + 25
FROM bench_donations b
CROSS JOIN LATERAL generate_series(b.first_w + (20 - b.first_w % 20) % 20, b.last_w, 20) w
JOIN bench_months m ON m.i BETWEEN b.s + b.l AND least(b.s + b.l + 2, 23)
WHERE b.status = 'funded' AND b.s + b.l - 1 <= 20;

\echo worker_events (hand-overs)
INSERT INTO worker_events (worker_id, from_status, to_status, action, reason, actor_id, at)
SELECT w, 'verified', 'mandiri', 'self_payment', 'Membayar iuran sendiri', :sistem,
       m.first_day + 27 + time '10:00'
FROM bench_donations b
CROSS JOIN LATERAL generate_series(b.first_w + (20 - b.first_w % 20) % 20, b.last_w, 20) w
JOIN bench_months m ON m.i = b.s + b.l
WHERE b.status = 'funded' AND b.s + b.l - 1 <= 20;

-- The secondary indexes again, from their own definitions.
\echo secondary indexes (each)
SELECT indexdef FROM bench_indexes \gexec
