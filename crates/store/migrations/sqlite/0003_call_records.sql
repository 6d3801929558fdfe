-- Call detail records: one row per finished call leg (dial-in or dial-out), written by the
-- call path when the call ends. Not an admin change, so no audit row.
-- ended_month (YYYY-MM of ended_at in UTC) is computed by the store on insert: the usage
-- report groups and filters by it with the same SQL on both backends.
-- The organization's history goes with the organization (CASCADE); an organizer or meeting
-- deleted later leaves its calls counted under the organization (SET NULL).
-- Keep in step with ../postgres/0003_call_records.sql.
CREATE TABLE call_records (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    direction           TEXT    NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    trunk               TEXT    NOT NULL,
    called_number       TEXT    NOT NULL CHECK (called_number LIKE '+%'),
    caller_number       TEXT,
    dial_in_number_kind TEXT    CHECK (dial_in_number_kind IN ('toll', 'toll_free')),
    country             TEXT    CHECK (length(country) = 2),
    organization_id     INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    organizer_id        INTEGER REFERENCES organizers (id) ON DELETE SET NULL,
    meeting_id          INTEGER REFERENCES scheduled_meetings (id) ON DELETE SET NULL,
    conference_key      TEXT,
    role                TEXT    CHECK (role IN ('organizer', 'attendee')),
    started_at          INTEGER NOT NULL,
    answered_at         INTEGER,
    ended_at            INTEGER NOT NULL,
    ended_month         TEXT    NOT NULL,
    duration_secs       INTEGER NOT NULL CHECK (duration_secs >= 0),
    end_reason          TEXT    NOT NULL,
    CHECK (ended_at >= started_at)
);
CREATE INDEX call_records_organization_ended ON call_records (organization_id, ended_at);
CREATE INDEX call_records_ended ON call_records (ended_at);
CREATE INDEX call_records_organizer ON call_records (organizer_id);
CREATE INDEX call_records_month ON call_records (ended_month, organization_id);
