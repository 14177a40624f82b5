-- Who made each ledger transfer (issue 10): `db::audit::Actor::text` (`user:12`, `cli`,
-- `system:cycle`), the same words the audit trail uses for the change the transfer belongs
-- to. Transfers made before this migration name no one.
ALTER TABLE ledger_transfers ADD COLUMN actor TEXT NOT NULL DEFAULT 'unknown';
