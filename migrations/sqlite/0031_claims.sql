-- Claims after an accident or a death (issue 13 §2; docs/claims.md). BPJS Ketenagakerjaan
-- decides and pays; Lingkaran records the event, checks the coverage on its date from its own
-- months, estimates what the law gives, follows BPJS's stages and tells the donor and family.
CREATE TABLE claims (
    id               INTEGER PRIMARY KEY,
    worker_id        BIGINT NOT NULL REFERENCES workers (id),
    kind             TEXT NOT NULL CHECK (kind IN ('jkm', 'jkk-death', 'jkk-total-disability',
                                                   'jkk-partial', 'jkk-stmb')),
    event_date       TEXT NOT NULL,
    event_time       TEXT CHECK (event_time IS NULL OR length(event_time) = 5),  -- HH:MM, WIB
    place            TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    cause            TEXT NOT NULL CHECK (length(cause) BETWEEN 1 AND 500),
    -- Who notified (Permenaker 1/2025's minimum): sealed at rest like every phone and name.
    notifier_name    BLOB NOT NULL,
    notifier_phone   BLOB NOT NULL,
    -- An occupational disease's job, exposure and diagnosis (sealed text), else NULL.
    disease          BLOB,
    stage            TEXT NOT NULL CHECK (stage IN ('dilaporkan', 'diajukan', 'agenda', 'penetapan',
                                                    'persetujuan', 'dibayar', 'selesai', 'ditolak',
                                                    'dialihkan')),
    -- The donor whose donation paid the event month (told when the claim is filed and paid;
    -- claims are counted by donor), NULL when no donor paid it.
    donor_id         BIGINT REFERENCES donors (id),
    -- The coverage check on the event date, when the claim was filed.
    verdict          TEXT NOT NULL CHECK (verdict IN ('covered', 'not_covered', 'doubtful')),
    check_json       TEXT NOT NULL,
    -- The estimate's inputs and answer (lines with their sources), when filed.
    income           BIGINT NOT NULL CHECK (income > 0),
    body_bp          BIGINT CHECK (body_bp BETWEEN 1 AND 10000),
    function_loss_bp BIGINT CHECK (function_loss_bp BETWEEN 1 AND 10000),
    months_unable    BIGINT CHECK (months_unable BETWEEN 1 AND 600),
    estimate_total   BIGINT NOT NULL CHECK (estimate_total >= 0),
    estimate_json    TEXT NOT NULL,
    rejected_reason  TEXT CHECK (rejected_reason IS NULL OR length(rejected_reason) <= 1000),
    -- A claim BPJS re-classified (JKK as JKM) points at the claim that carries on.
    redirected_to    BIGINT REFERENCES claims (id),
    redirected_from  BIGINT REFERENCES claims (id),
    filed_by         BIGINT NOT NULL REFERENCES users (id),
    filed_at         TEXT NOT NULL,
    -- Who recorded BPJS's approval of the claim's data: the officer who records the payment
    -- must be another (maker-checker).
    approved_by      BIGINT REFERENCES users (id),
    updated_at       TEXT NOT NULL
);
CREATE INDEX claims_worker ON claims (worker_id);
CREATE INDEX claims_queue ON claims (stage, filed_at);
CREATE INDEX claims_donor ON claims (donor_id);
-- One live claim per worker, kind and event: filing it again finds the first.
CREATE UNIQUE INDEX claims_one_per_event ON claims (worker_id, kind, event_date)
    WHERE stage NOT IN ('ditolak', 'dialihkan');

-- Every step of a claim: who moved it where, when, and why.
CREATE TABLE claim_steps (
    id       INTEGER PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    stage    TEXT NOT NULL,
    note     TEXT CHECK (note IS NULL OR length(note) <= 1000),
    actor_id BIGINT NOT NULL REFERENCES users (id),
    at       TEXT NOT NULL
);
CREATE INDEX claim_steps_claim ON claim_steps (claim_id, id);

-- The amounts BPJS decided, line by line, beside Lingkaran's estimate (`jkk.medical` for the
-- medical care it paid, which has no ceiling and no estimate).
CREATE TABLE claim_amounts (
    claim_id   BIGINT NOT NULL REFERENCES claims (id),
    code       TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 60),
    amount     BIGINT NOT NULL CHECK (amount BETWEEN 0 AND 10000000000),
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (claim_id, code)
);

-- The heirs, in the legal order (rank 1 widow, widower and children; 2 straight-line blood
-- relatives to the 2nd degree; 3 siblings; 4 parents-in-law; 5 a person named in a will).
-- Names and phones are sealed.
CREATE TABLE claim_heirs (
    id           INTEGER PRIMARY KEY,
    claim_id     BIGINT NOT NULL REFERENCES claims (id),
    relationship TEXT NOT NULL CHECK (relationship IN ('istri', 'suami', 'anak', 'ayah', 'ibu',
                                      'kakek', 'nenek', 'cucu', 'saudara', 'mertua', 'wasiat')),
    rank         BIGINT NOT NULL CHECK (rank BETWEEN 1 AND 5),
    name         BLOB NOT NULL,
    phone        BLOB,
    added_by     BIGINT NOT NULL REFERENCES users (id),
    added_at     TEXT NOT NULL
);
CREATE INDEX claim_heirs_claim ON claim_heirs (claim_id, rank, id);

-- Typed attachments (a death certificate, a KK, a doctor's letter, receipts, …): PDF, JPEG or
-- PNG by their first bytes, at most 5 MB, kept sealed (they carry NIKs) with their SHA-256.
CREATE TABLE claim_documents (
    id           INTEGER PRIMARY KEY,
    claim_id     BIGINT NOT NULL REFERENCES claims (id),
    heir_id      BIGINT REFERENCES claim_heirs (id),
    kind         TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
    file_name    TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size         BIGINT NOT NULL CHECK (size BETWEEN 1 AND 5242880),
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    content      BLOB NOT NULL,
    added_by     BIGINT NOT NULL REFERENCES users (id),
    added_at     TEXT NOT NULL,
    UNIQUE (claim_id, sha256)
);
