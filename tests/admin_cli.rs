//! `dialbridge admin ...` end to end: the built binary on a real SQLite file in a tempdir.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use dialbridge_store::Store;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const NUMBER: &str = "+14155550100";

struct Cli {
    dir: TempDir,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dialbridge"))
            .arg("admin")
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            // Settings from the environment of whoever runs the tests must not leak in.
            .env_remove("DIALBRIDGE_CONFIG")
            .env_remove("DIALBRIDGE_DATABASE")
            .env("DIALBRIDGE_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, "")
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "{args:?} failed: {}", run.stderr);
        run.stdout
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut with_json = vec!["--json"];
        with_json.extend_from_slice(args);
        serde_json::from_str(&self.ok(&with_json)).unwrap()
    }

    /// Organization 1 with 5 seats, a shared number, and organizer 1 (licensed, dial-in off).
    fn world(&self) {
        self.ok(&[
            "organizations",
            "create",
            "--name",
            "Contoso",
            "--country",
            "US",
        ]);
        self.ok(&[
            "numbers",
            "add",
            NUMBER,
            "--city",
            "San Francisco",
            "--language",
            "en-US",
            "--secondary",
            "fr-FR",
            "--trunk",
            "main",
        ]);
        self.ok(&[
            "organizers",
            "create",
            "--organization",
            "1",
            "--name",
            "Ann Smith",
            "--email",
            "ann@contoso.example",
        ]);
        self.ok(&["licences", "set-seats", "1", "5"]);
        self.ok(&["licences", "assign", "1"]);
    }

    fn store(&self) -> Store {
        let dir = self.dir.path().to_owned();
        runtime().block_on(async move { Store::open_in_dir(&dir).await.unwrap() })
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The value after `key` on a `key  value` line of the human output.
fn field(output: &str, key: &str) -> String {
    output
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .map(|rest| rest.trim().to_owned())
        .unwrap_or_else(|| panic!("no {key:?} in:\n{output}"))
}

#[test]
fn happy_path_from_organization_to_invitation() {
    let cli = Cli::new();
    cli.world();
    let enabled = cli.ok(&["organizers", "enable-dial-in", "1"]);
    let conference_id = field(&enabled, "conference ID");
    assert!(
        conference_id.len() >= 5 && conference_id.chars().all(|c| c.is_ascii_digit()),
        "{enabled}"
    );
    let first_pin = field(&enabled, "new PIN");
    assert!(first_pin.chars().all(|c| c.is_ascii_digit()), "{enabled}");
    let shown = cli.ok(&["organizers", "show", "1"]);
    assert_eq!(field(&shown, "has PIN"), "yes");
    assert!(!shown.contains(&first_pin), "{shown}");

    let reset = cli.ok(&["organizers", "reset-pin", "1"]);
    let pin = field(&reset, "new PIN");
    assert!(
        pin.len() >= 4 && pin.chars().all(|c| c.is_ascii_digit()),
        "{reset}"
    );
    let chosen = cli.ok(&["organizers", "reset-pin", "1", "--pin", "40729"]);
    assert_eq!(field(&chosen, "new PIN"), "40729");

    let invitation = cli.ok(&["organizers", "invitation", "1"]);
    assert!(invitation.contains("+1 415 555 0100"), "{invitation}");
    assert!(
        invitation.replace(' ', "").contains(&conference_id),
        "{invitation}"
    );
    // Default numbers by E.164 as well as by ID.
    cli.ok(&["organizers", "set-default-numbers", "1", "--toll", NUMBER]);
    let missing = cli.run(&[
        "organizers",
        "set-default-numbers",
        "1",
        "--toll",
        "+14155550111",
    ]);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("(not_found)"), "{}", missing.stderr);

    let ics = cli.ok(&["organizers", "invitation", "1", "--format", "ics"]);
    assert!(ics.contains("BEGIN:VCALENDAR"), "{ics}");

    // Secrets only from the command that made them.
    let listed = cli.ok(&["organizers", "list"]);
    assert!(
        !listed.contains(&pin) && !listed.contains("40729"),
        "{listed}"
    );
    assert!(listed.contains("Ann Smith"), "{listed}");
}

#[test]
fn enable_dial_in_prints_the_conference_id_and_pin() {
    let cli = Cli::new();
    cli.world();
    let outcome = cli.json(&["organizers", "enable-dial-in", "1"]);
    let id = outcome["organizer"]["conference_id"].as_str().unwrap();
    assert!(id.chars().all(|c| c.is_ascii_digit()));
    let pin = outcome["new_pin"].as_str().unwrap();
    assert!(pin.len() >= 4 && pin.chars().all(|c| c.is_ascii_digit()));

    let reset = cli.json(&["organizers", "reset-conference-id", "1"]);
    assert_ne!(reset["organizer"]["conference_id"].as_str().unwrap(), id);
    assert!(reset["new_pin"].is_null());
}

#[test]
fn json_output_parses() {
    let cli = Cli::new();
    cli.world();
    let orgs = cli.json(&["organizations", "list"]);
    assert_eq!(orgs["total"], 1);
    assert_eq!(orgs["items"][0]["name"], "Contoso");
    let numbers = cli.json(&["numbers", "list", "--organization", "1"]);
    assert_eq!(numbers["items"][0]["e164"], NUMBER);
    let pool = cli.json(&["licences", "show", "1"]);
    assert_eq!(pool["seats_assigned"], 1);
    assert_eq!(pool["seats_free"], 4);
    let set = cli.json(&["organizations", "set", "1", "--send-emails", "off"]);
    assert_eq!(set["settings"]["send_emails"], false);
}

#[test]
fn duplicate_organization_is_a_conflict() {
    let cli = Cli::new();
    cli.ok(&[
        "organizations",
        "create",
        "--name",
        "Contoso",
        "--country",
        "US",
    ]);
    let again = cli.run(&[
        "organizations",
        "create",
        "--name",
        "Contoso",
        "--country",
        "US",
    ]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.starts_with("error: "), "{}", again.stderr);
    assert!(again.stderr.contains("(conflict)"), "{}", again.stderr);
    assert!(again.stdout.is_empty());

    let json = cli.run(&[
        "--json",
        "organizations",
        "create",
        "--name",
        "Contoso",
        "--country",
        "US",
    ]);
    assert_eq!(json.code, 1);
    let body: serde_json::Value = serde_json::from_str(json.stderr.trim()).unwrap();
    assert_eq!(body["error"]["code"], "conflict");
}

#[test]
fn usage_errors_exit_2() {
    let cli = Cli::new();
    for args in [
        &["organizations"][..],
        &["organizations", "create", "--name", "X"],
        &["organizers", "show", "not-a-number"],
        &["organizations", "set", "1", "--send-emails", "maybe"],
        &["no-such-resource", "list"],
    ] {
        let run = cli.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn missing_things_exit_1_with_their_code() {
    let cli = Cli::new();
    let run = cli.run(&["organizers", "show", "42"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("(not_found)"), "{}", run.stderr);
}

#[test]
fn token_create_prints_a_token_whose_hash_is_stored() {
    let cli = Cli::new();
    let account = cli.run_with_stdin(
        &[
            "--json",
            "accounts",
            "create",
            "--email",
            "ops@example.com",
            "--role",
            "platform-admin",
            "--password-stdin",
        ],
        "correct horse battery staple\n",
    );
    assert_eq!(account.code, 0, "{}", account.stderr);
    let account: serde_json::Value = serde_json::from_str(&account.stdout).unwrap();
    assert_eq!(account["role"], "platform_admin");
    assert!(!account.to_string().contains("password"));
    let account_id = account["id"].to_string();

    let out = cli.ok(&["tokens", "create", "--account", &account_id, "--name", "ci"]);
    let token = field(&out, "token");
    let listed = cli.json(&["tokens", "list", "--account", &account_id]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "ci");
    assert!(
        !listed.to_string().contains(&token),
        "the token is never listed"
    );
    let body = token.strip_prefix("dbt_").unwrap();
    assert_eq!(body.len(), 43);
    assert!(body
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));

    let hash: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let store = cli.store();
    let found = runtime().block_on(store.api_token_by_hash(&hash)).unwrap();
    let (stored, owner) = found.expect("the token's sha256 is stored");
    assert_eq!(owner.email, "ops@example.com");

    let listed = cli.ok(&["accounts", "list"]);
    assert!(listed.contains("ops@example.com") && !listed.contains(&token));

    cli.ok(&["tokens", "revoke", &stored.id.to_string()]);
    let gone = runtime().block_on(store.api_token_by_hash(&hash)).unwrap();
    assert!(gone.is_none());
}

#[test]
fn accounts_need_a_password_on_stdin() {
    let cli = Cli::new();
    let no_flag = cli.run(&[
        "accounts",
        "create",
        "--email",
        "a@example.com",
        "--role",
        "read-only",
    ]);
    assert_eq!(no_flag.code, 2);
    let short = cli.run_with_stdin(
        &[
            "accounts",
            "create",
            "--email",
            "a@example.com",
            "--role",
            "read-only",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_eq!(short.code, 1);
    assert!(short.stderr.contains("(invalid)"), "{}", short.stderr);
}

#[test]
fn acp_import_with_a_bad_row_changes_nothing() {
    let cli = Cli::new();
    cli.world();
    cli.ok(&["organizers", "enable-dial-in", "1"]);
    let export = cli.ok(&["acp", "export", "--organization", "1"]);
    assert!(export.starts_with("organizer_id,"), "{export}");
    assert!(export.contains("ann@contoso.example"), "{export}");

    let header = "email,acp_provider_name,acp_toll_number,acp_toll_free_numbers,\
                  acp_participant_passcode,acp_conference_id,acp_url";
    let bad = format!("{header}\nann@contoso.example,Fabrikam Audio,not-a-number,,1234,,\n");
    let file = cli.dir.path().join("acp.csv");
    std::fs::write(&file, bad).unwrap();
    let file = file.to_str().unwrap();
    let before = cli.ok(&["organizers", "show", "1"]);

    let run = cli.run(&["acp", "import", "--organization", "1", file]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("line 2:"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(cli.ok(&["organizers", "show", "1"]), before);

    let good = format!("{header}\nann@contoso.example,Fabrikam Audio,+14155550199,,1234,,\n");
    std::fs::write(file, good).unwrap();
    let dry = cli.json(&["acp", "import", "--organization", "1", file, "--dry-run"]);
    assert_eq!(dry["summary"]["moving_to_acp"], 1);
    assert_eq!(cli.ok(&["organizers", "show", "1"]), before);

    cli.ok(&["acp", "import", "--organization", "1", file]);
    let after = cli.json(&["organizers", "show", "1"]);
    assert_eq!(after["provider"]["provider"], "acp");
}

#[test]
fn organizer_switches_change_through_set() {
    let cli = Cli::new();
    cli.world();
    let set = cli.json(&[
        "organizers",
        "set",
        "1",
        "--anonymous-start",
        "on",
        "--dial-out-policy",
        "international",
        "--toll-free-allowed",
        "on",
    ]);
    assert_eq!(set["anonymous_start"], true);
    assert_eq!(set["dial_out_policy"], "international");
    assert_eq!(set["toll_free_allowed"], true);
    let shown = cli.json(&["organizers", "show", "1"]);
    assert_eq!(shown["dial_out_policy"], "international");
    let human = cli.ok(&["organizers", "set", "1", "--dial-out-policy", "none"]);
    assert_eq!(field(&human, "dial-out policy"), "none");
    assert_eq!(field(&human, "anonymous start"), "yes");
    let renamed = cli.json(&[
        "organizers",
        "set",
        "1",
        "--name",
        "Ann Lee",
        "--country",
        "FR",
    ]);
    assert_eq!(renamed["name"], "Ann Lee");
    assert_eq!(renamed["country"], "FR");
    assert_eq!(renamed["email"], "ann@contoso.example");
    // Nothing to change is an error, not a silent success.
    assert_eq!(cli.run(&["organizers", "set", "1"]).code, 1);
}

#[test]
fn unlock_pin_lifts_a_lockout() {
    let cli = Cli::new();
    cli.world();
    cli.ok(&["organizers", "enable-dial-in", "1"]);
    let store = cli.store();
    runtime().block_on(async {
        let id = dialbridge_store::OrganizerId(1);
        let state = store.organizer_pin(id).await.unwrap();
        let write = dialbridge_store::PinLockoutWrite {
            lockout: None,
            failures: 25,
            locked_until: Some(store.now() + 3600),
        };
        assert!(store
            .save_pin_lockout(id, state.version, &write)
            .await
            .unwrap());
    });
    let locked = cli.json(&["organizers", "show", "1"]);
    assert!(locked["pin_locked_until"].is_i64());
    let unlocked = cli.json(&["organizers", "unlock-pin", "1"]);
    assert!(unlocked["pin_locked_until"].is_null());
    assert_eq!(unlocked["pin_failures"], 0);
    assert!(unlocked["has_pin"].as_bool().unwrap(), "the PIN stays");
}

#[test]
fn meetings_have_their_own_conference_ids() {
    let cli = Cli::new();
    cli.world();
    let times = ["--start", "1800000000", "--end", "1800003600"];
    let mut create = vec![
        "meetings",
        "create",
        "--organizer",
        "1",
        "--subject",
        "Board",
    ];
    create.extend_from_slice(&times);
    // Dial-in off: refused.
    assert_eq!(cli.run(&create).code, 1);
    let organizer = cli.json(&["organizers", "enable-dial-in", "1"]);
    let own_id = organizer["organizer"]["conference_id"].as_str().unwrap();
    let mut json_create = vec!["--json"];
    json_create.extend_from_slice(&create);
    let meeting: serde_json::Value = serde_json::from_str(&cli.ok(&json_create)).unwrap();
    let code = meeting["conference_id"].as_str().unwrap();
    assert_ne!(code, own_id);
    assert!(meeting["conference_id_expires_at"].as_i64().unwrap() > 1800003600);
    let id = meeting["id"].to_string();

    let listed = cli.ok(&["meetings", "list", "--organizer", "1"]);
    assert!(
        listed.contains("Board") && listed.contains(code),
        "{listed}"
    );
    let updated = cli.json(&[
        "meetings",
        "update",
        &id,
        "--subject",
        "Board 2",
        "--start",
        "1800000000",
        "--end",
        "1800007200",
    ]);
    assert_eq!(updated["subject"], "Board 2");
    assert_eq!(updated["conference_id"], code, "the ID stays");
    let shown = cli.ok(&["meetings", "show", &id]);
    assert_eq!(field(&shown, "ends at"), "1800007200");
    // Ending before it starts is refused.
    let bad = cli.run(&[
        "meetings",
        "update",
        &id,
        "--subject",
        "x",
        "--start",
        "1800000000",
        "--end",
        "1",
    ]);
    assert_eq!(bad.code, 1);
    cli.ok(&["meetings", "delete", &id]);
    assert_eq!(cli.run(&["meetings", "show", &id]).code, 1);
    assert_eq!(
        cli.json(&["meetings", "list", "--organizer", "1"])["total"],
        0
    );
}

#[test]
fn audit_list_filters_and_pages() {
    let cli = Cli::new();
    cli.world();
    cli.ok(&["organizers", "enable-dial-in", "1"]);
    cli.ok(&["organizers", "reset-pin", "1"]);
    let all = cli.json(&["audit", "list"]);
    let total = all["total"].as_i64().unwrap();
    assert!(total >= 5, "{all}");
    assert!(all["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"] == "system:cli"));
    let one = cli.json(&["audit", "list", "--entity", "organizer:1", "--limit", "1"]);
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(one["items"][0]["target"], "organizer:1");
    let organizer_rows = one["total"].as_i64().unwrap();
    assert!(organizer_rows < total && organizer_rows >= 2);
    let second = cli.json(&[
        "audit",
        "list",
        "--entity",
        "organizer:1",
        "--limit",
        "1",
        "--offset",
        "1",
    ]);
    assert_ne!(second["items"][0]["id"], one["items"][0]["id"]);
    assert_eq!(
        cli.json(&["audit", "list", "--actor", "nobody@example.com"])["total"],
        0
    );
    let future = cli.json(&["audit", "list", "--since", "4000000000"]);
    assert_eq!(future["total"], 0);
    assert_eq!(cli.run(&["audit", "list", "--entity", "Bad Kind"]).code, 1);
    let table = cli.ok(&["audit", "list", "--entity", "organizer"]);
    assert!(table.starts_with("ID"), "{table}");
}

#[test]
fn mail_list_shows_the_outbox_without_bodies() {
    let cli = Cli::new();
    cli.world();
    cli.ok(&["organizers", "enable-dial-in", "1"]);
    let mails = cli.json(&["mail", "list"]);
    assert!(mails["total"].as_i64().unwrap() >= 1, "{mails}");
    let first = &mails["items"][0];
    assert_eq!(first["recipient"], "ann@contoso.example");
    assert!(first.get("body").is_none() && first.get("text").is_none());
    assert_eq!(
        cli.json(&["mail", "list", "--status", "failed"])["total"],
        0
    );
    let table = cli.ok(&["mail", "list"]);
    assert!(table.contains("ann@contoso.example"), "{table}");
}

#[test]
fn numbers_update_changes_languages_kind_and_city() {
    let cli = Cli::new();
    cli.world();
    let updated = cli.json(&[
        "numbers",
        "update",
        "1",
        "--language",
        "fr-FR",
        "--secondary",
        "en-US",
        "--secondary",
        "de-DE",
        "--city",
        "Oakland",
    ]);
    assert_eq!(updated["primary_language"], "fr-FR");
    assert_eq!(
        updated["secondary_languages"],
        serde_json::json!(["en-US", "de-DE"])
    );
    assert_eq!(updated["city"], "Oakland");
    let cleared = cli.json(&["numbers", "update", "1", "--no-secondary", "--city", ""]);
    assert_eq!(cleared["secondary_languages"], serde_json::json!([]));
    assert!(cleared["city"].is_null());
    assert_eq!(cleared["primary_language"], "fr-FR", "unset fields stay");
    let kind = cli.json(&["numbers", "update", "1", "--kind", "toll-free"]);
    assert_eq!(kind["kind"], "toll_free");
    // Five secondary languages are one too many.
    let too_many = cli.run(&[
        "numbers",
        "update",
        "1",
        "--secondary",
        "en-US",
        "--secondary",
        "de-DE",
        "--secondary",
        "es-ES",
        "--secondary",
        "it-IT",
        "--secondary",
        "nl-NL",
    ]);
    assert_eq!(too_many.code, 1, "{}", too_many.stdout);
    assert_eq!(cli.run(&["numbers", "update", "1"]).code, 1);
}

#[test]
fn organization_invitation_links_and_dial_pad_keys() {
    let cli = Cli::new();
    cli.world();
    let set = cli.json(&[
        "organizations",
        "set",
        "1",
        "--help-url",
        "https://help.contoso.example/dial-in",
        "--footer",
        "Contoso IT",
        "--dial-pad-key",
        "*6=mute",
    ]);
    let settings = &set["settings"];
    assert_eq!(
        settings["invitation"]["help_url"],
        "https://help.contoso.example/dial-in"
    );
    assert_eq!(settings["invitation"]["footer"], "Contoso IT");
    assert_eq!(settings["dial_pad_keys"]["*6"], "mute");
    // Other invitation fields stay when one changes; "" removes one.
    let again = cli.json(&["organizations", "set", "1", "--footer", ""]);
    assert!(again["settings"]["invitation"]["footer"].is_null());
    assert_eq!(
        again["settings"]["invitation"]["help_url"],
        "https://help.contoso.example/dial-in"
    );
    assert_eq!(again["settings"]["dial_pad_keys"]["*6"], "mute");
    cli.ok(&["organizers", "enable-dial-in", "1"]);
    let invitation = cli.ok(&["organizers", "invitation", "1"]);
    assert!(
        invitation.contains("https://help.contoso.example/dial-in"),
        "{invitation}"
    );
    let names = cli.json(&[
        "organizations",
        "set",
        "1",
        "--record-names",
        "on",
        "--announcements",
        "names",
    ]);
    assert_eq!(names["settings"]["announcements"], "names");
    let cleared = cli.json(&["organizations", "set", "1", "--no-dial-pad-keys"]);
    assert_eq!(cleared["settings"]["dial_pad_keys"], serde_json::json!({}));
    assert_eq!(
        cli.run(&["organizations", "set", "1", "--dial-pad-key", "mute"])
            .code,
        1
    );
}

#[test]
fn calls_list_and_usage_read_the_call_records() {
    use dialbridge_store::{CallDirection, NewCallRecord, NumberKind, OrganizationId};
    let cli = Cli::new();
    cli.world();
    // 2026-03-01T00:00:00Z; a 61-second call bills 2 minutes.
    let march = 1_772_323_200;
    let store = cli.store();
    runtime()
        .block_on(store.insert_call_record(&NewCallRecord {
            direction: CallDirection::Inbound,
            trunk: "main".into(),
            called_number: NUMBER.into(),
            caller_number: Some("+12065550100".into()),
            dial_in_number_kind: Some(NumberKind::Toll),
            country: Some("US".into()),
            organization_id: Some(OrganizationId(1)),
            organizer_id: None,
            meeting_id: None,
            conference_key: None,
            role: None,
            started_at: march,
            answered_at: Some(march + 2),
            ended_at: march + 63,
            duration_secs: 61,
            end_reason: "caller_hangup".into(),
        }))
        .unwrap();

    let listed = cli.json(&[
        "calls",
        "list",
        "--organization",
        "1",
        "--since",
        "2026-03-01",
    ]);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["called_number"], NUMBER);
    let later = cli.json(&["calls", "list", "--since", "2026-03-02"]);
    assert_eq!(later["total"], 0);

    let usage = cli.json(&["calls", "usage", "--month", "2026-03"]);
    assert_eq!(usage[0]["organization_name"], "Contoso");
    assert_eq!(
        (usage[0]["calls"].as_i64(), usage[0]["minutes"].as_i64()),
        (Some(1), Some(2))
    );
    let csv = cli.ok(&["calls", "usage", "--month", "2026-03", "--csv"]);
    assert!(csv.starts_with("month,organization_id,"), "{csv}");
    assert!(
        csv.contains("2026-03,1,Contoso,,,inbound,toll,US,1,2"),
        "{csv}"
    );
    let table = cli.ok(&["calls", "list"]);
    assert!(table.contains("1 of 1 calls"), "{table}");

    let bad = cli.run(&["calls", "usage", "--month", "2026-13"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("(invalid)"), "{}", bad.stderr);
}

#[test]
fn organization_dial_out_settings_set_and_clear() {
    let cli = Cli::new();
    cli.world();
    let org = cli.json(&[
        "organizations",
        "set",
        "1",
        "--dial-out-countries",
        "gb,FR",
        "--dial-out-max-per-meeting",
        "3",
        "--dial-out-max-per-organization",
        "9",
        "--dial-out-join-confirmation",
        "false",
        "--operator-number",
        "(415) 555-0199",
    ]);
    let s = &org["settings"];
    assert_eq!(s["dial_out_countries"], serde_json::json!(["GB", "FR"]));
    assert_eq!(s["dial_out_max_per_meeting"], 3);
    assert_eq!(s["dial_out_max_per_organization"], 9);
    assert_eq!(s["dial_out_join_confirmation"], false);
    assert_eq!(s["operator_number"], "+14155550199");

    let shown = cli.ok(&[
        "organizations",
        "set",
        "1",
        "--dial-out-countries",
        "",
        "--operator-number",
        "",
        "--dial-out-join-confirmation",
        "true",
    ]);
    assert_eq!(field(&shown, "dial-out countries"), "all");
    assert_eq!(field(&shown, "operator number"), "-");
    assert_eq!(field(&shown, "dial-out join confirmation"), "yes");
    assert_eq!(field(&shown, "dial-out max per meeting"), "3");

    let bad = cli.run(&["organizations", "set", "1", "--dial-out-countries", "GBR"]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("(invalid)"), "{}", bad.stderr);
}

#[test]
fn dial_out_log_and_meeting_history_read_the_records() {
    use dialbridge_store::{
        DialOutAttemptWrite, DialOutKind, DialOutStatus, NewMeetingRecord, OrganizationId,
    };
    let cli = Cli::new();
    cli.world();
    let store = cli.store();
    for (reference, status) in [
        ("00000000000000a1", DialOutStatus::Refused),
        ("00000000000000a2", DialOutStatus::Busy),
    ] {
        runtime()
            .block_on(store.record_dial_out_attempt(&DialOutAttemptWrite {
                reference: reference.into(),
                organization_id: OrganizationId(1),
                organizer_id: None,
                conference_key: Some("organizer-1".into()),
                purpose: DialOutKind::CallMe,
                requested_by: "system:cli".into(),
                dialed: "+44 20 7946 0000".into(),
                e164: None,
                destination_country: None,
                status,
                reason:
                    (status == DialOutStatus::Refused).then(|| "international_not_allowed".into()),
            }))
            .unwrap();
    }
    runtime()
        .block_on(store.insert_meeting_record(&NewMeetingRecord {
            organization_id: Some(OrganizationId(1)),
            organizer_id: None,
            meeting_id: None,
            conference_key: "organizer-1".into(),
            // 2026-03-01T00:00:00Z, an hour.
            started_at: 1_772_323_200,
            ended_at: 1_772_326_800,
            end_reason: "everyone_left".into(),
            participants_total: 4,
            peak_participants: 3,
            pin_used: true,
        }))
        .unwrap();

    let all = cli.json(&["dial-outs", "list", "--organization", "1"]);
    assert_eq!(all["total"], 2);
    let refused = cli.json(&["dial-outs", "list", "--refused"]);
    assert_eq!(refused["total"], 1);
    assert_eq!(refused["items"][0]["reason"], "international_not_allowed");
    let table = cli.ok(&["dial-outs", "list", "--status", "busy"]);
    assert!(table.contains("00000000000000a2"), "{table}");
    assert!(!table.contains("00000000000000a1"), "{table}");
    let one = cli.ok(&["dial-outs", "show", "00000000000000a1"]);
    assert_eq!(field(&one, "status"), "refused");

    let history = cli.json(&["meetings", "history", "--month", "2026-03"]);
    assert_eq!(history["total"], 1);
    assert_eq!(history["items"][0]["peak_participants"], 3);
    let none = cli.json(&["meetings", "history", "--month", "2026-04"]);
    assert_eq!(none["total"], 0);
}
