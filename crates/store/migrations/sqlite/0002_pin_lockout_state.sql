-- The call path's PIN lockout record (the admin rules' `PinLockout`, as JSON; NULL is a clean
-- slate) and a version bumped by every write of the PIN state, so an attempt is applied with
-- one conditional UPDATE (compare-and-swap) and concurrent attempts never overwrite each
-- other. pin_failures and pin_locked_until stay as what lists and the call path show.
-- Keep in step with ../postgres/0002_pin_lockout_state.sql.
ALTER TABLE organizers ADD COLUMN pin_lockout TEXT;
ALTER TABLE organizers ADD COLUMN pin_state_version INTEGER NOT NULL DEFAULT 0;
