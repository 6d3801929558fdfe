-- An organization's dial-out settings and its operator number (for the `*0` transfer).
-- dial_out_countries is a JSON array of ISO 3166-1 alpha-2 codes: the destinations the
-- organization allows; empty allows every country (the organizer's own policy still applies).
-- The caps count concurrent dial-outs; 0 turns dial-out off at that level.
-- Keep in step with ../sqlite/0004_dial_out_settings.sql.
ALTER TABLE organizations ADD COLUMN dial_out_countries TEXT NOT NULL DEFAULT '[]';
ALTER TABLE organizations ADD COLUMN dial_out_max_per_meeting INTEGER NOT NULL DEFAULT 5
    CHECK (dial_out_max_per_meeting >= 0);
ALTER TABLE organizations ADD COLUMN dial_out_max_per_organization INTEGER NOT NULL DEFAULT 20
    CHECK (dial_out_max_per_organization >= 0);
ALTER TABLE organizations ADD COLUMN dial_out_join_confirmation BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE organizations ADD COLUMN operator_number TEXT CHECK (operator_number LIKE '+%');
