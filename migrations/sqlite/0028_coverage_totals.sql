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

-- SQLite has row triggers only: each changes the totals by one worker-month, except a
-- donation's, which counts all its months at once. PostgreSQL's (0028 there) do the same per
-- statement.

-- worker_months: a month counts while its donation is funded and the insurer has not
-- rejected it.
CREATE TRIGGER coverage_totals_month_added AFTER INSERT ON worker_months
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, NEW.month, d.funding_source, 1
    FROM workers w, region_level_prefixes k, donations d
    WHERE w.id = NEW.worker_id AND d.id = NEW.donation_id AND d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

CREATE TRIGGER coverage_totals_month_removed AFTER DELETE ON worker_months
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, OLD.month, d.funding_source, -1
    FROM workers w, region_level_prefixes k, donations d
    WHERE w.id = OLD.worker_id AND d.id = OLD.donation_id AND d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

-- A month moved to another worker, month or donation (no code does this today; repricing
-- changes only jkk and jkm, which the totals do not count).
CREATE TRIGGER coverage_totals_month_moved AFTER UPDATE OF worker_id, month, donation_id ON worker_months
WHEN OLD.worker_id IS NOT NEW.worker_id OR OLD.month IS NOT NEW.month
     OR OLD.donation_id IS NOT NEW.donation_id
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, OLD.month, d.funding_source, -1
    FROM workers w, region_level_prefixes k, donations d
    WHERE w.id = OLD.worker_id AND d.id = OLD.donation_id AND d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, NEW.month, d.funding_source, 1
    FROM workers w, region_level_prefixes k, donations d
    WHERE w.id = NEW.worker_id AND d.id = NEW.donation_id AND d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

-- donations: paying a donation makes all its months count at once; a donation that stops
-- being funded (or changes source) takes them back.
CREATE TRIGGER coverage_totals_donation_changed AFTER UPDATE OF status, funding_source ON donations
WHEN (OLD.status = 'funded') IS NOT (NEW.status = 'funded')
     OR (NEW.status = 'funded' AND OLD.funding_source IS NOT NEW.funding_source)
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, OLD.funding_source, -1 * COUNT(*)
    FROM worker_months m, workers w, region_level_prefixes k
    WHERE m.donation_id = OLD.id AND OLD.status = 'funded' AND w.id = m.worker_id
      AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = m.worker_id AND c.month = m.month AND c.status = 'rejected')
    GROUP BY 1, 2
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, NEW.funding_source, 1 * COUNT(*)
    FROM worker_months m, workers w, region_level_prefixes k
    WHERE m.donation_id = NEW.id AND NEW.status = 'funded' AND w.id = m.worker_id
      AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = m.worker_id AND c.month = m.month AND c.status = 'rejected')
    GROUP BY 1, 2
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

-- confirmations: the first rejection of a worker-month (JKK or JKM) takes it out; the last
-- one withdrawn puts it back.
CREATE TRIGGER coverage_totals_rejection_added AFTER INSERT ON confirmations
WHEN NEW.status = 'rejected'
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, d.funding_source, -1
    FROM worker_months m, donations d, workers w, region_level_prefixes k
    WHERE m.worker_id = NEW.worker_id AND m.month = NEW.month
      AND d.id = m.donation_id AND d.status = 'funded' AND w.id = m.worker_id
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month
                        AND c.status = 'rejected' AND c.programme <> NEW.programme)
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

CREATE TRIGGER coverage_totals_rejection_changed AFTER UPDATE OF status ON confirmations
WHEN (OLD.status = 'rejected') IS NOT (NEW.status = 'rejected')
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, d.funding_source, CASE WHEN NEW.status = 'rejected' THEN -1 ELSE 1 END
    FROM worker_months m, donations d, workers w, region_level_prefixes k
    WHERE m.worker_id = NEW.worker_id AND m.month = NEW.month
      AND d.id = m.donation_id AND d.status = 'funded' AND w.id = m.worker_id
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month
                        AND c.status = 'rejected' AND NOT (NEW.status = 'rejected' AND c.programme = NEW.programme))
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

CREATE TRIGGER coverage_totals_rejection_deleted AFTER DELETE ON confirmations
WHEN OLD.status = 'rejected'
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, d.funding_source, 1
    FROM worker_months m, donations d, workers w, region_level_prefixes k
    WHERE m.worker_id = OLD.worker_id AND m.month = OLD.month
      AND d.id = m.donation_id AND d.status = 'funded' AND w.id = m.worker_id
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month
                        AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

-- self_payments: a month the worker paid alone counts as 'self'.
CREATE TRIGGER coverage_totals_self_added AFTER INSERT ON self_payments
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, NEW.month, 'self', 1
    FROM workers w, region_level_prefixes k
    WHERE w.id = NEW.worker_id
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

CREATE TRIGGER coverage_totals_self_removed AFTER DELETE ON self_payments
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, OLD.month, 'self', -1
    FROM workers w, region_level_prefixes k
    WHERE w.id = OLD.worker_id
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

CREATE TRIGGER coverage_totals_self_moved AFTER UPDATE OF worker_id, month ON self_payments
WHEN OLD.worker_id IS NOT NEW.worker_id OR OLD.month IS NOT NEW.month
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, OLD.month, 'self', -1
    FROM workers w, region_level_prefixes k
    WHERE w.id = OLD.worker_id
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, NEW.month, 'self', 1
    FROM workers w, region_level_prefixes k
    WHERE w.id = NEW.worker_id
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

-- worker_events: a worker who becomes 'mandiri' is a hand-over, in the month (WIB) it happened.
CREATE TRIGGER handover_totals_added AFTER INSERT ON worker_events
WHEN NEW.to_status = 'mandiri' AND NEW.from_status IS NOT 'mandiri'
BEGIN
    INSERT INTO handover_totals (region_code, month, handovers)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, CAST(strftime('%Y%m', NEW.at, '+7 hours') AS INTEGER), 1
    FROM workers w, region_level_prefixes k
    WHERE w.id = NEW.worker_id
    ON CONFLICT (region_code, month) DO UPDATE SET handovers = handovers + excluded.handovers;
END;

-- What is already there.
INSERT INTO coverage_totals (region_code, month, source, worker_months)
SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, c.month, c.source, COUNT(*)
FROM covered_months c JOIN workers w ON w.id = c.worker_id CROSS JOIN region_level_prefixes k
GROUP BY 1, 2, 3;

INSERT INTO handover_totals (region_code, month, handovers)
SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, CAST(strftime('%Y%m', e.at, '+7 hours') AS INTEGER), COUNT(*)
FROM worker_events e JOIN workers w ON w.id = e.worker_id CROSS JOIN region_level_prefixes k
WHERE e.to_status = 'mandiri' AND e.from_status IS NOT 'mandiri'
GROUP BY 1, 2;

-- A budget line's remitted money is summed over its donations' remittance items
-- (`db::donors::budget_use_in`), found by donation.
CREATE INDEX remittance_items_donation ON remittance_items (donation_id);
