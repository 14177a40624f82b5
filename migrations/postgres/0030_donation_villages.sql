-- Funding a donation without counting its months again (issue 12 §5: the totals may cost the
-- month's writes under 10%).
--
-- 0028 counted a donation's months when it became funded: every worker-month joined to its
-- worker's village, looked up among the rejections, expanded to five levels and upserted, in
-- the payment's transaction (14 ms for a donation of 1,000 workers, against a payment of
-- 3 ms). Most of those upserts were villages: 1,000 workers spread over 300 villages make 300
-- village rows beside 21 for the nation, province, regency and districts.
--
-- Now a donation's months are counted once, per village, when they are written (the hold):
-- `donation_villages` holds each donation's worker-months that the insurer has not rejected,
-- per village and month, whatever the donation's status. Funding then adds those few rows to
-- the nation, province, regency and district totals; the village level of donor-funded months
-- is read from `donation_villages` itself (a village is one indexed range of it), so funding
-- writes no village row. Self-payments keep their five levels in `coverage_totals`.
--
-- The other triggers of 0028 are cheaper too: the adders are PL/pgSQL (whose plans a session
-- keeps; a function in SQL is planned at every call), and a self-payment and a hand-over,
-- written one import line at a time, have row triggers.
--
-- What a region covered is the view `region_totals`: `coverage_totals` and the funded
-- donations' village rows. Readers sum it (`db::totals`); `db::totals::verify` recomputes both
-- tables from their rules (`covered_months`, `worker_months`).
CREATE TABLE donation_villages (
    donation_id   BIGINT NOT NULL,
    village_code  TEXT NOT NULL,
    month         BIGINT NOT NULL,             -- yyyymm
    worker_months BIGINT NOT NULL,             -- the donation's months there not rejected
    PRIMARY KEY (donation_id, village_code, month)
);
CREATE INDEX donation_villages_village ON donation_villages (village_code, month);

-- The levels that `coverage_totals` keeps for donor-funded months: all but the village.
CREATE VIEW region_levels_above_village AS
    SELECT level, length FROM region_level_prefixes WHERE length < 13;

-- Adds deltas of a donation's worker-months (given per donation, worker, month): to
-- `donation_villages` always, and to the totals above the village where the donation is
-- funded. Rows are written in key order (no deadlock between two writers); rows a removal
-- brought to zero are deleted, so released holds leave nothing behind.
CREATE FUNCTION donation_months_add(ds BIGINT[], ws BIGINT[], ms BIGINT[], ns BIGINT[])
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO donation_villages AS t (donation_id, village_code, month, worker_months)
    SELECT x.d, w.village_code, x.m, SUM(x.n)
    FROM unnest(ds, ws, ms, ns) AS x(d, w, m, n)
    JOIN workers w ON w.id = x.w
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (donation_id, village_code, month)
    DO UPDATE SET worker_months = t.worker_months + EXCLUDED.worker_months;

    INSERT INTO coverage_totals AS t (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END,
           x.m, d.funding_source, SUM(x.n)
    FROM unnest(ds, ws, ms, ns) AS x(d, w, m, n)
    JOIN donations d ON d.id = x.d AND d.status = 'funded'
    JOIN workers w ON w.id = x.w
    CROSS JOIN region_levels_above_village k
    GROUP BY 1, 2, 3
    HAVING SUM(x.n) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (region_code, month, source)
    DO UPDATE SET worker_months = t.worker_months + EXCLUDED.worker_months;

    IF -1 = ANY(ns) THEN
        DELETE FROM donation_villages v
        WHERE v.worker_months = 0 AND v.donation_id = ANY(ds);
    END IF;
END $$;

-- Adds (sign 1) or takes back (sign -1) a whole donation's counted months under `src`, at
-- the levels above the village: a few rows per month, read from `donation_villages`.
CREATE FUNCTION donation_funding_add(donation BIGINT, src TEXT, sign BIGINT)
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO coverage_totals AS t (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(v.village_code, 1, k.length) END,
           v.month, src, sign * SUM(v.worker_months)
    FROM donation_villages v CROSS JOIN region_levels_above_village k
    WHERE v.donation_id = donation
    GROUP BY 1, 2
    HAVING SUM(v.worker_months) <> 0
    ORDER BY 1, 2
    ON CONFLICT (region_code, month, source)
    DO UPDATE SET worker_months = t.worker_months + EXCLUDED.worker_months;
END $$;

-- 0028's adder (self-payments use it) in PL/pgSQL: a function in SQL is planned again at
-- every call, and an import calls it once per line; PL/pgSQL keeps its plans for the session.
CREATE OR REPLACE FUNCTION coverage_totals_add(ws BIGINT[], ms BIGINT[], ss TEXT[], ds BIGINT[])
RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO coverage_totals AS t (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END,
           x.m, x.s, SUM(x.d)
    FROM unnest(ws, ms, ss, ds) AS x(w, m, s, d)
    JOIN workers w ON w.id = x.w
    CROSS JOIN region_level_prefixes k
    GROUP BY 1, 2, 3
    HAVING SUM(x.d) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (region_code, month, source)
    DO UPDATE SET worker_months = t.worker_months + EXCLUDED.worker_months;
END $$;

-- worker_months (statement triggers): a month written or removed counts for its donation
-- unless the insurer rejected it.
CREATE OR REPLACE FUNCTION coverage_totals_months_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM donation_months_add(array_agg(n.donation_id), array_agg(n.worker_id),
                                array_agg(n.month), array_agg(1::BIGINT))
    FROM added n
    WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = n.worker_id AND c.month = n.month
                        AND c.status = 'rejected');
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION coverage_totals_months_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM donation_months_add(array_agg(o.donation_id), array_agg(o.worker_id),
                                array_agg(o.month), array_agg(-1::BIGINT))
    FROM removed o
    WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = o.worker_id AND c.month = o.month
                        AND c.status = 'rejected');
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION coverage_totals_month_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM donation_months_add(ARRAY[OLD.donation_id], ARRAY[OLD.worker_id],
                                ARRAY[OLD.month], ARRAY[-1::BIGINT])
    WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month
                        AND c.status = 'rejected');
    PERFORM donation_months_add(ARRAY[NEW.donation_id], ARRAY[NEW.worker_id],
                                ARRAY[NEW.month], ARRAY[1::BIGINT])
    WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month
                        AND c.status = 'rejected');
    RETURN NULL;
END $$;

-- donations: funding adds the donation's village rows above the village; unfunding (or a new
-- source) takes them back.
CREATE OR REPLACE FUNCTION coverage_totals_donation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'funded' THEN
        PERFORM donation_funding_add(OLD.id, OLD.funding_source, -1);
    END IF;
    IF NEW.status = 'funded' THEN
        PERFORM donation_funding_add(NEW.id, NEW.funding_source, 1);
    END IF;
    RETURN NULL;
END $$;

-- confirmations: the first rejection of a worker-month takes it out of its donation (funded
-- or not); the last one withdrawn puts it back.
CREATE OR REPLACE FUNCTION coverage_totals_rejections_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM added WHERE status = 'rejected') THEN
        RETURN NULL;
    END IF;
    PERFORM donation_months_add(array_agg(m.donation_id), array_agg(m.worker_id),
                                array_agg(m.month), array_agg(-1::BIGINT))
    FROM (SELECT DISTINCT n.worker_id, n.month FROM added n WHERE n.status = 'rejected') r
    JOIN worker_months m ON m.worker_id = r.worker_id AND m.month = r.month
    WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = r.worker_id AND c.month = r.month
                        AND c.status = 'rejected'
                        AND NOT EXISTS (SELECT 1 FROM added a
                                        WHERE a.month = c.month AND a.programme = c.programme
                                          AND a.worker_id = c.worker_id));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION coverage_totals_rejection_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    w BIGINT;
    mo BIGINT;
    delta BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        w := OLD.worker_id; mo := OLD.month; delta := 1;
    ELSIF NEW.status = 'rejected' THEN
        w := NEW.worker_id; mo := NEW.month; delta := -1;
    ELSE
        w := NEW.worker_id; mo := NEW.month; delta := 1;
    END IF;
    -- Only a worker-month with no other rejection changes.
    IF EXISTS (SELECT 1 FROM confirmations c
               WHERE c.worker_id = w AND c.month = mo AND c.status = 'rejected'
                 AND NOT (delta = -1 AND c.programme = NEW.programme)) THEN
        RETURN NULL;
    END IF;
    PERFORM donation_months_add(array_agg(m.donation_id), array_agg(m.worker_id),
                                array_agg(m.month), array_agg(delta))
    FROM worker_months m
    WHERE m.worker_id = w AND m.month = mo;
    RETURN NULL;
END $$;

-- A self-payment and a hand-over come one line of an import at a time: a row trigger (a
-- hand-over's only for a worker becoming 'mandiri', filtered before any call) costs a line
-- less than a statement trigger with its transition table.
DROP TRIGGER coverage_totals_self_added ON self_payments;
DROP FUNCTION coverage_totals_self_added();
CREATE FUNCTION coverage_totals_self_paid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO coverage_totals AS t (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END,
           NEW.month, 'self', 1
    FROM workers w CROSS JOIN region_level_prefixes k
    WHERE w.id = NEW.worker_id
    ORDER BY 1
    ON CONFLICT (region_code, month, source)
    DO UPDATE SET worker_months = t.worker_months + EXCLUDED.worker_months;
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_self_added AFTER INSERT ON self_payments FOR EACH ROW
    EXECUTE FUNCTION coverage_totals_self_paid();

DROP TRIGGER handover_totals_added ON worker_events;
DROP FUNCTION handover_totals_added();
CREATE FUNCTION handover_totals_handed_over() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO handover_totals AS t (region_code, month, handovers)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END,
           to_char(NEW.at AT TIME ZONE 'Asia/Jakarta', 'YYYYMM')::BIGINT, 1
    FROM workers w CROSS JOIN region_level_prefixes k
    WHERE w.id = NEW.worker_id
    ORDER BY 1
    ON CONFLICT (region_code, month) DO UPDATE SET handovers = t.handovers + EXCLUDED.handovers;
    RETURN NULL;
END $$;
CREATE TRIGGER handover_totals_added AFTER INSERT ON worker_events FOR EACH ROW
    WHEN (NEW.to_status = 'mandiri' AND NEW.from_status IS DISTINCT FROM 'mandiri')
    EXECUTE FUNCTION handover_totals_handed_over();

-- What a region covered: its totals, and for a village the funded donations' rows there.
CREATE VIEW region_totals AS
    SELECT region_code, month, source, worker_months FROM coverage_totals
    UNION ALL
    SELECT v.village_code, v.month, d.funding_source, v.worker_months
    FROM donation_villages v JOIN donations d ON d.id = v.donation_id
    WHERE d.status = 'funded';

-- What is already there.
INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
SELECT m.donation_id, w.village_code, m.month, COUNT(*)
FROM worker_months m JOIN workers w ON w.id = m.worker_id
WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                  WHERE c.worker_id = m.worker_id AND c.month = m.month
                    AND c.status = 'rejected')
GROUP BY 1, 2, 3;

DELETE FROM coverage_totals WHERE length(region_code) = 13 AND source <> 'self';
