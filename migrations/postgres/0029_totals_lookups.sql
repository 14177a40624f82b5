-- Faster upkeep of the regions' totals (0028), found by bench/dashboards.sh and
-- `cargo bench --bench totals` (bench/RESULTS.md, "Dashboards at national scale").
--
-- Every trigger of 0028 asks, for each worker-month it counts, whether the insurer rejected
-- it: NOT EXISTS (… confirmations c WHERE c.worker_id = … AND c.month = … AND c.status =
-- 'rejected'). No index led with the worker, so funding a donation hashed every rejection
-- ever recorded: 159 ms of trigger for one donation of 6,000 worker-months with 372,000
-- rejections on file (10,000,000 workers), 29 ms with this index. The rejections alone, by
-- worker and month (the coverage check's `covered_months` and the lifecycle step ask the same).
CREATE INDEX confirmations_rejected_worker ON confirmations (worker_id, month)
    WHERE status = 'rejected';

-- The insurer's file is imported a line (one INSERT) at a time, and most lines accept: such a
-- statement has no rejection to count, so the trigger returns at once instead of running its
-- query and an empty call of coverage_totals_add (0.33 ms a line, about +70% on the import).
-- Otherwise the same function as 0028's.
CREATE OR REPLACE FUNCTION coverage_totals_rejections_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM added WHERE status = 'rejected') THEN
        RETURN NULL;
    END IF;
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
