-- Faster upkeep of the regions' totals (0028), as PostgreSQL's 0029: the triggers ask, for
-- each worker-month they count, whether the insurer rejected it (NOT EXISTS … c.worker_id =
-- … AND c.month = … AND c.status = 'rejected'); without an index leading with the worker,
-- SQLite walked every confirmation of that month for each worker-month of a donation being
-- funded. The rejections alone, by worker and month. (SQLite's rejection trigger already runs
-- only for a rejected line: `WHEN NEW.status = 'rejected'`.)
CREATE INDEX confirmations_rejected_worker ON confirmations (worker_id, month)
    WHERE status = 'rejected';
