-- dialbridge admin domain, SQLite dialect. Keep in step with ../postgres/0001_admin_domain.sql:
-- same tables, columns, constraint meanings and names; only the types differ.
-- Ids: INTEGER PRIMARY KEY AUTOINCREMENT, so a deleted row's id is never handed out again
-- (audit rows keep pointing at what they described). Times: unix seconds. Booleans: 0/1.

CREATE TABLE organizations (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    name                    TEXT    NOT NULL UNIQUE,
    country                 TEXT    NOT NULL CHECK (length(country) = 2),
    send_emails             INTEGER NOT NULL DEFAULT 1 CHECK (send_emails IN (0, 1)),
    sender_address          TEXT,
    anonymous_start_default INTEGER NOT NULL DEFAULT 0 CHECK (anonymous_start_default IN (0, 1)),
    announcements           TEXT    NOT NULL DEFAULT 'tones' CHECK (announcements IN ('tones', 'names', 'off')),
    record_names            INTEGER NOT NULL DEFAULT 0 CHECK (record_names IN (0, 1)),
    mask_phone_numbers      INTEGER NOT NULL DEFAULT 1 CHECK (mask_phone_numbers IN (0, 1)),
    pin_length              INTEGER NOT NULL DEFAULT 5 CHECK (pin_length BETWEEN 4 AND 12),
    conference_id_length    INTEGER NOT NULL DEFAULT 7 CHECK (conference_id_length BETWEEN 4 AND 15),
    pin_max_failures        INTEGER NOT NULL DEFAULT 5 CHECK (pin_max_failures >= 1),
    pin_lockout_seconds     INTEGER NOT NULL DEFAULT 900 CHECK (pin_lockout_seconds >= 0),
    dial_pad_keys           TEXT    NOT NULL DEFAULT '{}',
    logo_url                TEXT,
    help_url                TEXT,
    legal_url               TEXT,
    footer                  TEXT,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);

CREATE TABLE licence_pools (
    organization_id INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    seats_bought    INTEGER NOT NULL CHECK (seats_bought >= 0),
    updated_at      INTEGER NOT NULL
);

-- Numbers dedicated to an organization block its deletion (RESTRICT): a trunk's number must
-- be released on purpose, never silently turned into a shared one.
CREATE TABLE dial_in_numbers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    e164                TEXT    NOT NULL UNIQUE CHECK (e164 LIKE '+%'),
    kind                TEXT    NOT NULL CHECK (kind IN ('toll', 'toll_free')),
    country             TEXT    NOT NULL CHECK (length(country) = 2),
    city                TEXT,
    primary_language    TEXT    NOT NULL,
    secondary_languages TEXT    NOT NULL DEFAULT '[]',
    organization_id     INTEGER REFERENCES organizations (id) ON DELETE RESTRICT,
    trunk               TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX dial_in_numbers_organization ON dial_in_numbers (organization_id);

CREATE TABLE organizers (
    id                              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id                 INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                            TEXT    NOT NULL,
    email                           TEXT    NOT NULL,
    country                         TEXT    NOT NULL CHECK (length(country) = 2),
    dial_in_enabled                 INTEGER NOT NULL DEFAULT 0 CHECK (dial_in_enabled IN (0, 1)),
    provider                        TEXT    NOT NULL DEFAULT 'dialbridge' CHECK (provider IN ('dialbridge', 'acp')),
    acp_provider_name               TEXT,
    acp_toll_number                 TEXT,
    acp_toll_free_numbers           TEXT    NOT NULL DEFAULT '[]',
    acp_participant_passcode        TEXT,
    acp_conference_id               TEXT,
    acp_url                         TEXT,
    default_toll_number_id          INTEGER REFERENCES dial_in_numbers (id) ON DELETE SET NULL,
    default_toll_free_number_id     INTEGER REFERENCES dial_in_numbers (id) ON DELETE SET NULL,
    default_international_number_id INTEGER REFERENCES dial_in_numbers (id) ON DELETE SET NULL,
    toll_free_allowed               INTEGER NOT NULL DEFAULT 0 CHECK (toll_free_allowed IN (0, 1)),
    anonymous_start                 INTEGER NOT NULL DEFAULT 0 CHECK (anonymous_start IN (0, 1)),
    dial_out_policy                 TEXT    NOT NULL DEFAULT 'domestic' CHECK (dial_out_policy IN ('none', 'domestic', 'international')),
    pin_hash                        TEXT,
    pin_failures                    INTEGER NOT NULL DEFAULT 0,
    pin_locked_until                INTEGER,
    created_at                      INTEGER NOT NULL,
    updated_at                      INTEGER NOT NULL,
    CONSTRAINT organizers_organization_id_email_key UNIQUE (organization_id, email),
    -- An organizer on a third-party ACP always names the provider.
    CHECK (provider = 'dialbridge' OR acp_provider_name IS NOT NULL)
);

-- One licence per organizer; seats are counted per organization through the organizer.
CREATE TABLE licences (
    organizer_id INTEGER PRIMARY KEY REFERENCES organizers (id) ON DELETE CASCADE,
    assigned_at  INTEGER NOT NULL
);

CREATE TABLE scheduled_meetings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    organizer_id INTEGER NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    subject      TEXT    NOT NULL,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX scheduled_meetings_organizer ON scheduled_meetings (organizer_id, starts_at);

-- Every conference ID of the service, static (an organizer's) or dynamic (a meeting's), in
-- one table: the UNIQUE on code is what makes IDs unique across the whole service.
CREATE TABLE conference_ids (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         TEXT    NOT NULL UNIQUE CHECK (length(code) BETWEEN 4 AND 15 AND code NOT GLOB '*[^0-9]*'),
    organizer_id INTEGER UNIQUE REFERENCES organizers (id) ON DELETE CASCADE,
    meeting_id   INTEGER UNIQUE REFERENCES scheduled_meetings (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    CHECK ((organizer_id IS NULL) <> (meeting_id IS NULL))
);

CREATE TABLE admin_accounts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,
    password_hash   TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('platform_admin', 'org_admin', 'read_only')),
    organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (role <> 'platform_admin' OR organization_id IS NULL),
    CHECK (role <> 'org_admin' OR organization_id IS NOT NULL)
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- No foreign keys: the trail outlives the organizations and accounts it mentions.
CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    at               INTEGER NOT NULL,
    actor_account_id INTEGER,
    actor            TEXT    NOT NULL,
    organization_id  INTEGER,
    action           TEXT    NOT NULL,
    target           TEXT    NOT NULL,
    details          TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_organization ON audit_log (organization_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT,
    status          TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at, id);
CREATE INDEX mail_outbox_organization ON mail_outbox (organization_id, id);
