-- Figures from outside for a region's coverage (issue 12 §1, domain.md §6): BPJS TK's active
-- participants, workforce denominators, targets and published percentages, each with the
-- date it holds for, its definition and its source. Imported, never guessed.
-- A figure's identity is (region_code, on_date, measure, definition). A correction is a new
-- row with a later import, and the latest row of an identity is the figure; the history is
-- kept. Re-importing the same value and source adds nothing.
-- `region_code` is a Kemendagri code, or '0' for the nation. `value` counts people, or
-- ten-thousandths of a percent for `target_persen` and `persen` (52,69% is 526900).
-- `definition` is '' when a figure has none (participants of all segments).
CREATE TABLE region_figures (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    measure     TEXT NOT NULL
                CHECK (measure IN ('peserta', 'penyebut', 'target_persen', 'target_orang', 'persen')),
    definition  TEXT NOT NULL DEFAULT '',
    value       BIGINT NOT NULL CHECK (value >= 0),
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE INDEX region_figures_identity ON region_figures (region_code, measure, definition, on_date, id);

-- The rule of a covered month, in one place: a month a donor's funded donation paid, unless
-- the insurer rejected it, or a month the worker paid alone ('self'). The public check
-- (`db::coverage::check`) and the regions' counts (`db::figures`) read it.
CREATE VIEW covered_months AS
    SELECT m.worker_id, m.month, d.funding_source AS source, d.donor_id
    FROM worker_months m JOIN donations d ON d.id = m.donation_id
    WHERE d.status = 'funded'
      AND NOT EXISTS (SELECT 1 FROM confirmations c
                      WHERE c.worker_id = m.worker_id AND c.month = m.month
                        AND c.status = 'rejected')
    UNION ALL
    SELECT s.worker_id, s.month, 'self', NULL FROM self_payments s;
