-- Donors (SQLite). Individuals sign up themselves; officers create institutional donors.
CREATE TABLE donors (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('individual', 'company', 'government', 'institution')),
    name        TEXT NOT NULL,
    npwp        TEXT,                                -- digits only; required for companies
    region_code TEXT REFERENCES regions (code),      -- a government donor's region
    user_id     BIGINT REFERENCES users (id),        -- the donor's own account, if any
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    CHECK (kind <> 'company' OR npwp IS NOT NULL),
    CHECK (kind <> 'government' OR region_code IS NOT NULL)
);

-- A government's money: one line per budget code and fiscal year, with a ceiling that the
-- donations capability must never let spending exceed.
CREATE TABLE budget_lines (
    id          INTEGER PRIMARY KEY,
    donor_id    BIGINT NOT NULL REFERENCES donors (id),
    source      TEXT NOT NULL CHECK (source IN ('apbd', 'dbhcht', 'dana_desa')),
    code        TEXT NOT NULL,                       -- the budget's own account code
    fiscal_year BIGINT NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
    ceiling     BIGINT NOT NULL CHECK (ceiling > 0), -- whole rupiah
    created_at  TEXT NOT NULL,
    UNIQUE (donor_id, code, fiscal_year)
);
