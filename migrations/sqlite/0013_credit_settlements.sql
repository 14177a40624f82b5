-- Paying a held donation from the donor's credit (issue 9). Before this, the invoice was
-- marked paid while its `paid` stayed 0, so a page showed "Lunas" next to the whole amount
-- outstanding, and the donor got no receipt for the money their credit paid.
--
-- What the credit paid of an invoice: the part of the donation's funding (the credit →
-- escrow transfer, funded_total) that was not already paid to this invoice. What is left to
-- pay is amount - paid - credit_applied, and 0 once the invoice is settled.
ALTER TABLE invoices ADD COLUMN credit_applied BIGINT NOT NULL DEFAULT 0 CHECK (credit_applied >= 0);

-- One row per donation paid from credit: the record the donor's receipt is made from
-- (receipt number `KWK-<id>`, lingkaran_domain::format::receipt_number). Written in the
-- transaction that funds the donation; a donation is paid from credit once (unique).
CREATE TABLE credit_settlements (
    id          INTEGER PRIMARY KEY,
    donation_id BIGINT NOT NULL UNIQUE REFERENCES donations (id),
    invoice_id  BIGINT NOT NULL UNIQUE REFERENCES invoices (id),
    donor_id    BIGINT NOT NULL REFERENCES donors (id),
    amount      BIGINT NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
    settled_at  TEXT NOT NULL,
    settled_by  BIGINT REFERENCES users (id)
);
CREATE INDEX credit_settlements_donor ON credit_settlements (donor_id, id);
