-- The dial-out log: one row per attempt (reference = the 16 hex characters the API answers),
-- written when it is asked for or refused and updated as it progresses, so admins see every
-- refusal with its reason and every outcome. Like call records, not an admin change: no
-- audit row. The organization's log goes with it (CASCADE); a deleted organizer leaves the
-- rows (SET NULL).
-- Keep in step with ../postgres/0005_dial_out_log_and_meeting_records.sql.
CREATE TABLE dial_out_attempts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    reference           TEXT    NOT NULL UNIQUE,
    organization_id     INTEGER  NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    organizer_id        INTEGER REFERENCES organizers (id) ON DELETE SET NULL,
    conference_key      TEXT,
    purpose             TEXT    NOT NULL CHECK (purpose IN ('call_me', 'add_participant', 'phone', 'operator')),
    requested_by        TEXT    NOT NULL,
    dialed              TEXT    NOT NULL,
    e164                TEXT    CHECK (e164 LIKE '+%'),
    destination_country TEXT    CHECK (length(destination_country) = 2),
    status              TEXT    NOT NULL CHECK (status IN ('refused', 'calling', 'ringing', 'answered', 'joined', 'declined_by_callee', 'busy', 'declined', 'no_answer', 'failed', 'cancelled')),
    reason              TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX dial_out_attempts_organization ON dial_out_attempts (organization_id, created_at);
CREATE INDEX dial_out_attempts_organizer ON dial_out_attempts (organizer_id);

-- Meeting records: one row per meeting that ended (issue 5's "each meeting ends in a record"),
-- written by the call path. ended_month as in call_records (YYYY-MM of ended_at, UTC).
-- Keep in step with ../postgres/0005_dial_out_log_and_meeting_records.sql.
CREATE TABLE meeting_records (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id    INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    organizer_id       INTEGER REFERENCES organizers (id) ON DELETE SET NULL,
    meeting_id         INTEGER REFERENCES scheduled_meetings (id) ON DELETE SET NULL,
    conference_key     TEXT    NOT NULL,
    started_at         INTEGER NOT NULL,
    ended_at           INTEGER NOT NULL,
    ended_month        TEXT    NOT NULL,
    end_reason         TEXT    NOT NULL,
    participants_total INTEGER NOT NULL CHECK (participants_total >= 0),
    peak_participants  INTEGER NOT NULL CHECK (peak_participants >= 0),
    pin_used           INTEGER NOT NULL CHECK (pin_used IN (0, 1)),
    CHECK (ended_at >= started_at)
);
CREATE INDEX meeting_records_organization_ended ON meeting_records (organization_id, ended_at);
CREATE INDEX meeting_records_month ON meeting_records (ended_month, organization_id);
