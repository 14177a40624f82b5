-- Contribution rates for BPU workers, with the month they take effect (domain.md §2). A row
-- already in force is never edited: a change is a new row for a future month.
CREATE TABLE contribution_rates (
    effective_from   TEXT PRIMARY KEY,          -- 'YYYY-MM'
    jkk_basis_points BIGINT NOT NULL CHECK (jkk_basis_points > 0),  -- 100 = 1% of declared income
    jkk_min          BIGINT NOT NULL CHECK (jkk_min >= 0),
    jkk_max          BIGINT NOT NULL,
    jkm_flat         BIGINT NOT NULL CHECK (jkm_flat >= 0),
    source           TEXT NOT NULL,             -- the regulation
    CHECK (jkk_max >= jkk_min)
);

INSERT INTO contribution_rates (effective_from, jkk_basis_points, jkk_min, jkk_max, jkm_flat, source)
VALUES ('2021-04', 100, 10000, 207000, 6800, 'Permenaker 5/2021');
