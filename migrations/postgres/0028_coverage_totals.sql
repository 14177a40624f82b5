-- Monthly totals for the regions' dashboards and the transparency page (issue 12 §5): how many
-- worker-months were covered, per region, month and funding source, and how many workers were
-- handed over to self-payment, per region and month. A dashboard reads a few of these rows
-- instead of scanning tens of millions of worker-months.
--
-- They are kept by triggers, in the transaction that changes what they count, so no code path
-- can forget them: worker_months, donations (status, source), confirmations (rejections),
-- self_payments and worker_events. What counts is the rule of the view `covered_months`
-- (0026); `db::totals::verify` recomputes the totals from that view and tests compare them
-- after every kind of change, on both stores.
--
-- Every village's counts are added at five levels: the nation ('0'), its province, regency,
-- district and the village itself, so that any level is one indexed read. A worker's village
-- never changes (`workers.village_code` is written once).
CREATE TABLE coverage_totals (
    region_code   TEXT NOT NULL,             -- '0' for the nation, or a Kemendagri code
    month         BIGINT NOT NULL,           -- yyyymm
    source        TEXT NOT NULL,             -- donations.funding_source, or 'self'
    worker_months BIGINT NOT NULL,           -- covered worker-months: workers protected then
    PRIMARY KEY (region_code, month, source)
);

CREATE TABLE handover_totals (
    region_code TEXT NOT NULL,
    month       BIGINT NOT NULL,             -- yyyymm of the hand-over, in WIB
    handovers   BIGINT NOT NULL,             -- workers who became 'mandiri' that month
    PRIMARY KEY (region_code, month)
);

-- The prefixes of a village code, one per level: '' stands for the nation. A worker's rows
-- are joined with these five to count it at every level (the same table on both stores).
CREATE TABLE region_level_prefixes (
    level  SMALLINT PRIMARY KEY,
    length SMALLINT NOT NULL
);
INSERT INTO region_level_prefixes (level, length) VALUES (0, 0), (1, 2), (2, 5), (3, 8), (4, 13);

-- Adds deltas of covered worker-months, given per worker, month and source, to every level
-- of the workers' villages. Rows are written in key order, so two transactions never wait for
-- each other's rows in opposite orders (no deadlock).
CREATE FUNCTION coverage_totals_add(ws BIGINT[], ms BIGINT[], ss TEXT[], ds BIGINT[])
RETURNS VOID LANGUAGE sql AS $$
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
    DO UPDATE SET worker_months = t.worker_months + EXCLUDED.worker_months
$$;

-- worker_months: a month counts while its donation is funded and the insurer has not
-- rejected it. Statement triggers, so that a donation of 120,000 workers is one aggregate.
CREATE FUNCTION coverage_totals_months_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM coverage_totals_add(array_agg(n.worker_id), array_agg(n.month),
                                array_agg(d.funding_source), array_agg(1::BIGINT))
    FROM added n JOIN donations d ON d.id = n.donation_id
    WHERE d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = n.worker_id AND c.month = n.month
                        AND c.status = 'rejected');
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_months_added AFTER INSERT ON worker_months
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION coverage_totals_months_added();

CREATE FUNCTION coverage_totals_months_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM coverage_totals_add(array_agg(o.worker_id), array_agg(o.month),
                                array_agg(d.funding_source), array_agg(-1::BIGINT))
    FROM removed o JOIN donations d ON d.id = o.donation_id
    WHERE d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = o.worker_id AND c.month = o.month
                        AND c.status = 'rejected');
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_months_removed AFTER DELETE ON worker_months
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
    EXECUTE FUNCTION coverage_totals_months_removed();

-- A month moved to another worker, month or donation (no code does this today; repricing
-- changes only jkk and jkm, which the totals do not count).
CREATE FUNCTION coverage_totals_month_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM coverage_totals_add(ARRAY[OLD.worker_id], ARRAY[OLD.month],
                                ARRAY[d.funding_source], ARRAY[-1::BIGINT])
    FROM donations d
    WHERE d.id = OLD.donation_id AND d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month
                        AND c.status = 'rejected');
    PERFORM coverage_totals_add(ARRAY[NEW.worker_id], ARRAY[NEW.month],
                                ARRAY[d.funding_source], ARRAY[1::BIGINT])
    FROM donations d
    WHERE d.id = NEW.donation_id AND d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month
                        AND c.status = 'rejected');
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_month_moved AFTER UPDATE ON worker_months FOR EACH ROW
    WHEN (OLD.worker_id IS DISTINCT FROM NEW.worker_id OR OLD.month IS DISTINCT FROM NEW.month
          OR OLD.donation_id IS DISTINCT FROM NEW.donation_id)
    EXECUTE FUNCTION coverage_totals_month_moved();

-- donations: paying a donation makes all its months count at once; a donation that stops
-- being funded (or changes source) takes them back.
CREATE FUNCTION coverage_totals_donation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'funded' THEN
        PERFORM coverage_totals_add(array_agg(m.worker_id), array_agg(m.month),
                                    array_agg(OLD.funding_source), array_agg(-1::BIGINT))
        FROM worker_months m
        WHERE m.donation_id = OLD.id
          AND NOT EXISTS (SELECT 1 FROM confirmations c
                          WHERE c.worker_id = m.worker_id AND c.month = m.month
                            AND c.status = 'rejected');
    END IF;
    IF NEW.status = 'funded' THEN
        PERFORM coverage_totals_add(array_agg(m.worker_id), array_agg(m.month),
                                    array_agg(NEW.funding_source), array_agg(1::BIGINT))
        FROM worker_months m
        WHERE m.donation_id = NEW.id
          AND NOT EXISTS (SELECT 1 FROM confirmations c
                          WHERE c.worker_id = m.worker_id AND c.month = m.month
                            AND c.status = 'rejected');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_donation_changed AFTER UPDATE ON donations FOR EACH ROW
    WHEN ((OLD.status = 'funded') IS DISTINCT FROM (NEW.status = 'funded')
          OR (NEW.status = 'funded' AND OLD.funding_source IS DISTINCT FROM NEW.funding_source))
    EXECUTE FUNCTION coverage_totals_donation_changed();

-- confirmations: the first rejection of a worker-month (JKK or JKM) takes it out; the last
-- one withdrawn puts it back.
CREATE FUNCTION coverage_totals_rejections_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM coverage_totals_add(array_agg(m.worker_id), array_agg(m.month),
                                array_agg(d.funding_source), array_agg(-1::BIGINT))
    FROM (SELECT DISTINCT n.worker_id, n.month FROM added n WHERE n.status = 'rejected') r
    JOIN worker_months m ON m.worker_id = r.worker_id AND m.month = r.month
    JOIN donations d ON d.id = m.donation_id AND d.status = 'funded'
    WHERE NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = r.worker_id AND c.month = r.month
                        AND c.status = 'rejected'
                        AND NOT EXISTS (SELECT 1 FROM added a
                                        WHERE a.month = c.month AND a.programme = c.programme
                                          AND a.worker_id = c.worker_id));
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_rejections_added AFTER INSERT ON confirmations
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION coverage_totals_rejections_added();

-- A confirmation whose rejection is set, withdrawn or deleted (no code does this today).
CREATE FUNCTION coverage_totals_rejection_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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
    PERFORM coverage_totals_add(ARRAY[w], ARRAY[mo], ARRAY[d.funding_source], ARRAY[delta])
    FROM worker_months m JOIN donations d ON d.id = m.donation_id AND d.status = 'funded'
    WHERE m.worker_id = w AND m.month = mo;
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_rejection_changed AFTER UPDATE ON confirmations FOR EACH ROW
    WHEN ((OLD.status = 'rejected') IS DISTINCT FROM (NEW.status = 'rejected'))
    EXECUTE FUNCTION coverage_totals_rejection_changed();
CREATE TRIGGER coverage_totals_rejection_deleted AFTER DELETE ON confirmations FOR EACH ROW
    WHEN (OLD.status = 'rejected')
    EXECUTE FUNCTION coverage_totals_rejection_changed();

-- self_payments: a month the worker paid alone counts as 'self'.
CREATE FUNCTION coverage_totals_self_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM coverage_totals_add(array_agg(n.worker_id), array_agg(n.month),
                                array_agg('self'::TEXT), array_agg(1::BIGINT))
    FROM added n;
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_self_added AFTER INSERT ON self_payments
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION coverage_totals_self_added();

CREATE FUNCTION coverage_totals_self_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM coverage_totals_add(array_agg(o.worker_id), array_agg(o.month),
                                array_agg('self'::TEXT), array_agg(-1::BIGINT))
    FROM removed o;
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_self_removed AFTER DELETE ON self_payments
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
    EXECUTE FUNCTION coverage_totals_self_removed();

CREATE FUNCTION coverage_totals_self_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM coverage_totals_add(ARRAY[OLD.worker_id, NEW.worker_id], ARRAY[OLD.month, NEW.month],
                                ARRAY['self', 'self'], ARRAY[-1::BIGINT, 1::BIGINT]);
    RETURN NULL;
END $$;
CREATE TRIGGER coverage_totals_self_moved AFTER UPDATE ON self_payments FOR EACH ROW
    WHEN (OLD.worker_id IS DISTINCT FROM NEW.worker_id OR OLD.month IS DISTINCT FROM NEW.month)
    EXECUTE FUNCTION coverage_totals_self_moved();

-- worker_events: a worker who becomes 'mandiri' is a hand-over, in the month (WIB) it happened.
CREATE FUNCTION handover_totals_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO handover_totals AS t (region_code, month, handovers)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END,
           to_char(n.at AT TIME ZONE 'Asia/Jakarta', 'YYYYMM')::BIGINT, COUNT(*)
    FROM added n
    JOIN workers w ON w.id = n.worker_id
    CROSS JOIN region_level_prefixes k
    WHERE n.to_status = 'mandiri' AND n.from_status IS DISTINCT FROM 'mandiri'
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (region_code, month) DO UPDATE SET handovers = t.handovers + EXCLUDED.handovers;
    RETURN NULL;
END $$;
CREATE TRIGGER handover_totals_added AFTER INSERT ON worker_events
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION handover_totals_added();

-- What is already there.
INSERT INTO coverage_totals (region_code, month, source, worker_months)
SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END,
       c.month, c.source, COUNT(*)
FROM covered_months c JOIN workers w ON w.id = c.worker_id CROSS JOIN region_level_prefixes k
GROUP BY 1, 2, 3;

INSERT INTO handover_totals (region_code, month, handovers)
SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END,
       to_char(e.at AT TIME ZONE 'Asia/Jakarta', 'YYYYMM')::BIGINT, COUNT(*)
FROM worker_events e JOIN workers w ON w.id = e.worker_id CROSS JOIN region_level_prefixes k
WHERE e.to_status = 'mandiri' AND e.from_status IS DISTINCT FROM 'mandiri'
GROUP BY 1, 2;

-- A budget line's remitted money is summed over its donations' remittance items
-- (`db::donors::budget_use_in`), found by donation.
CREATE INDEX remittance_items_donation ON remittance_items (donation_id);
