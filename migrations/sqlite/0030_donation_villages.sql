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
-- SQLite keeps them with row triggers, as 0028 did. What a region covered is the view
-- `region_totals`: `coverage_totals` and the funded donations' village rows. Readers sum it
-- (`db::totals`); `db::totals::verify` recomputes both tables from their rules
-- (`covered_months`, `worker_months`).
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

DROP TRIGGER coverage_totals_month_added;
DROP TRIGGER coverage_totals_month_removed;
DROP TRIGGER coverage_totals_month_moved;
DROP TRIGGER coverage_totals_donation_changed;
DROP TRIGGER coverage_totals_rejection_added;
DROP TRIGGER coverage_totals_rejection_changed;
DROP TRIGGER coverage_totals_rejection_deleted;

-- worker_months: a month written or removed counts for its donation unless the insurer
-- rejected it (its village row always; the levels above while the donation is funded).
CREATE TRIGGER coverage_totals_month_added AFTER INSERT ON worker_months
BEGIN
    INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
    SELECT NEW.donation_id, w.village_code, NEW.month, 1 FROM workers w
    WHERE w.id = NEW.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected')
    ON CONFLICT (donation_id, village_code, month)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, NEW.month, d.funding_source, 1
    FROM workers w, region_levels_above_village k, donations d
    WHERE w.id = NEW.worker_id AND d.id = NEW.donation_id AND d.status = 'funded' AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

CREATE TRIGGER coverage_totals_month_removed AFTER DELETE ON worker_months
BEGIN
    INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
    SELECT OLD.donation_id, w.village_code, OLD.month, -1 FROM workers w
    WHERE w.id = OLD.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (donation_id, village_code, month)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, OLD.month, d.funding_source, -1
    FROM workers w, region_levels_above_village k, donations d
    WHERE w.id = OLD.worker_id AND d.id = OLD.donation_id AND d.status = 'funded' AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    DELETE FROM donation_villages
    WHERE donation_id = OLD.donation_id AND month = OLD.month AND worker_months = 0;
END;

CREATE TRIGGER coverage_totals_month_moved AFTER UPDATE OF worker_id, month, donation_id ON worker_months
WHEN OLD.worker_id IS NOT NEW.worker_id OR OLD.month IS NOT NEW.month
     OR OLD.donation_id IS NOT NEW.donation_id
BEGIN
    INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
    SELECT OLD.donation_id, w.village_code, OLD.month, -1 FROM workers w
    WHERE w.id = OLD.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (donation_id, village_code, month)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, OLD.month, d.funding_source, -1
    FROM workers w, region_levels_above_village k, donations d
    WHERE w.id = OLD.worker_id AND d.id = OLD.donation_id AND d.status = 'funded' AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    DELETE FROM donation_villages
    WHERE donation_id = OLD.donation_id AND month = OLD.month AND worker_months = 0;
    INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
    SELECT NEW.donation_id, w.village_code, NEW.month, 1 FROM workers w
    WHERE w.id = NEW.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected')
    ON CONFLICT (donation_id, village_code, month)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, NEW.month, d.funding_source, 1
    FROM workers w, region_levels_above_village k, donations d
    WHERE w.id = NEW.worker_id AND d.id = NEW.donation_id AND d.status = 'funded' AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

-- donations: funding adds the donation's village rows above the village; unfunding (or a new
-- source) takes them back.
CREATE TRIGGER coverage_totals_donation_changed AFTER UPDATE OF status, funding_source ON donations
WHEN (OLD.status = 'funded') IS NOT (NEW.status = 'funded')
     OR (NEW.status = 'funded' AND OLD.funding_source IS NOT NEW.funding_source)
BEGIN
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(v.village_code, 1, k.length) END, v.month, OLD.funding_source, -1 * SUM(v.worker_months)
    FROM donation_villages v, region_levels_above_village k
    WHERE v.donation_id = OLD.id AND OLD.status = 'funded'
    GROUP BY 1, 2
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(v.village_code, 1, k.length) END, v.month, NEW.funding_source, 1 * SUM(v.worker_months)
    FROM donation_villages v, region_levels_above_village k
    WHERE v.donation_id = NEW.id AND NEW.status = 'funded'
    GROUP BY 1, 2
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
END;

-- confirmations: the first rejection of a worker-month takes it out of its donation (funded
-- or not); the last one withdrawn puts it back.
CREATE TRIGGER coverage_totals_rejection_added AFTER INSERT ON confirmations
WHEN NEW.status = 'rejected'
BEGIN
    INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
    SELECT m.donation_id, w.village_code, m.month, -1
    FROM worker_months m, workers w
    WHERE m.worker_id = NEW.worker_id AND m.month = NEW.month AND w.id = m.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected' AND c.programme <> NEW.programme)
    ON CONFLICT (donation_id, village_code, month)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, d.funding_source, -1
    FROM worker_months m, donations d, workers w, region_levels_above_village k
    WHERE m.worker_id = NEW.worker_id AND m.month = NEW.month
      AND d.id = m.donation_id AND d.status = 'funded' AND w.id = m.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected' AND c.programme <> NEW.programme)
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    DELETE FROM donation_villages
    WHERE month = NEW.month AND worker_months = 0
      AND donation_id IN (SELECT donation_id FROM worker_months WHERE worker_id = NEW.worker_id AND month = NEW.month);
END;

CREATE TRIGGER coverage_totals_rejection_changed AFTER UPDATE OF status ON confirmations
WHEN (OLD.status = 'rejected') IS NOT (NEW.status = 'rejected')
BEGIN
    INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
    SELECT m.donation_id, w.village_code, m.month, CASE WHEN NEW.status = 'rejected' THEN -1 ELSE 1 END
    FROM worker_months m, workers w
    WHERE m.worker_id = NEW.worker_id AND m.month = NEW.month AND w.id = m.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected' AND NOT (NEW.status = 'rejected' AND c.programme = NEW.programme))
    ON CONFLICT (donation_id, village_code, month)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, d.funding_source, CASE WHEN NEW.status = 'rejected' THEN -1 ELSE 1 END
    FROM worker_months m, donations d, workers w, region_levels_above_village k
    WHERE m.worker_id = NEW.worker_id AND m.month = NEW.month
      AND d.id = m.donation_id AND d.status = 'funded' AND w.id = m.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = NEW.worker_id AND c.month = NEW.month AND c.status = 'rejected' AND NOT (NEW.status = 'rejected' AND c.programme = NEW.programme))
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    DELETE FROM donation_villages
    WHERE month = NEW.month AND worker_months = 0
      AND donation_id IN (SELECT donation_id FROM worker_months WHERE worker_id = NEW.worker_id AND month = NEW.month);
END;

CREATE TRIGGER coverage_totals_rejection_deleted AFTER DELETE ON confirmations
WHEN OLD.status = 'rejected'
BEGIN
    INSERT INTO donation_villages (donation_id, village_code, month, worker_months)
    SELECT m.donation_id, w.village_code, m.month, 1
    FROM worker_months m, workers w
    WHERE m.worker_id = OLD.worker_id AND m.month = OLD.month AND w.id = m.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (donation_id, village_code, month)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    INSERT INTO coverage_totals (region_code, month, source, worker_months)
    SELECT CASE WHEN k.length = 0 THEN '0' ELSE substr(w.village_code, 1, k.length) END, m.month, d.funding_source, 1
    FROM worker_months m, donations d, workers w, region_levels_above_village k
    WHERE m.worker_id = OLD.worker_id AND m.month = OLD.month
      AND d.id = m.donation_id AND d.status = 'funded' AND w.id = m.worker_id AND NOT EXISTS (SELECT 1 FROM confirmations c WHERE c.worker_id = OLD.worker_id AND c.month = OLD.month AND c.status = 'rejected')
    ON CONFLICT (region_code, month, source)
        DO UPDATE SET worker_months = worker_months + excluded.worker_months;
    DELETE FROM donation_villages
    WHERE month = OLD.month AND worker_months = 0
      AND donation_id IN (SELECT donation_id FROM worker_months WHERE worker_id = OLD.worker_id AND month = OLD.month);
END;

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
