//! The admin surfaces meet on one database: a token made with `dialbridge admin` opens the
//! REST API of a running `dialbridge serve --demo`, which sees the demo's data; no token,
//! no data; the public dial-in numbers need none.

mod support;

use support::Lab;

#[test]
fn a_cli_token_opens_the_running_servers_api() {
    let steps = r#"
printf 'correct horse battery staple\n' | "$DIALBRIDGE" admin --data-dir "$LAB/data" \
    accounts create --email ops@example.com --role platform-admin --password-stdin > /dev/null
TOKEN=$("$DIALBRIDGE" admin --data-dir "$LAB/data" --json tokens create --account 1 --name lab \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
python3 - "$TOKEN" <<'PY'
import json, sys, urllib.error, urllib.request
base = "http://127.0.0.1:8080/api/v1"
def get(path, token=None):
    headers = {"Authorization": "Bearer " + token} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers)) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
status, body = get("/organizers", sys.argv[1])
print("with-token", status, body["total"], body["items"][0]["email"])
status, body = get("/organizers")
print("without-token", status, body["error"]["code"])
status, body = get("/organizers", "dbt_" + "A" * 43)
print("forged-token", status, body["error"]["code"])
status, body = get("/public/organizations/1/dial-in-numbers")
print("public", status, body["numbers"][0]["e164"])
PY
"#;
    let run = Lab::demo().run(steps);
    let line = |prefix: &str| -> String {
        run.output
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} line in:\n{}", run.output))
            .to_owned()
    };
    assert_eq!(
        line("with-token"),
        "with-token 200 1 demo.organizer@example.com"
    );
    assert_eq!(line("without-token"), "without-token 401 unauthorized");
    assert_eq!(line("forged-token"), "forged-token 401 unauthorized");
    assert_eq!(line("public"), "public 200 +14155550100");
}

/// `admin dial-out` reaches the running server's API with a token it mints and revokes: the
/// server's answer (here: it cannot dial out, or it accepted the call) comes back as the
/// command's result, and no token is left behind.
#[test]
fn the_cli_asks_the_running_server_to_dial_out() {
    let steps = r#"
"$DIALBRIDGE" admin --data-dir "$LAB/data" dial-out --organizer 1 --number '+1 206 555 0100' \
    --purpose call-me > dial.out 2> dial.err
echo "dial-exit $?"
sed 's/^/dial-stdout /' dial.out
sed 's/^/dial-stderr /' dial.err
"$DIALBRIDGE" admin --data-dir "$LAB/data" --json accounts list \
    | python3 -c 'import json,sys; a=[x for x in json.load(sys.stdin)["items"] if x["email"]=="cli@dialbridge.invalid"]; print("cli-account", len(a), a[0]["role"] if a else "-", a[0]["id"] if a else 0)'
ID=$("$DIALBRIDGE" admin --data-dir "$LAB/data" --json accounts list \
    | python3 -c 'import json,sys; print([x["id"] for x in json.load(sys.stdin)["items"] if x["email"]=="cli@dialbridge.invalid"][0])')
"$DIALBRIDGE" admin --data-dir "$LAB/data" --json tokens list --account "$ID" \
    | python3 -c 'import json,sys; t=json.load(sys.stdin); t=t.get("items", t) if isinstance(t, dict) else t; print("tokens-left", len(t))'
"#;
    let run = Lab::demo().run(steps);
    let out = &run.output;
    let exit = out
        .lines()
        .find(|l| l.starts_with("dial-exit "))
        .unwrap_or_else(|| panic!("no exit line in:\n{out}"));
    // Until the server's conferences place calls it answers 503 `unavailable`; once they
    // do, it accepts the call (a reference) or its policy explains a refusal.
    match exit {
        "dial-exit 0" => assert!(out.contains("dial-stdout reference"), "{out}"),
        _ => assert!(
            out.contains("(unavailable)") || out.contains("(dial_out_refused)"),
            "{out}\n{}",
            run.server_log
        ),
    }
    assert!(!out.contains("cannot reach the running server"), "{out}");
    assert!(out.contains("cli-account 1 platform_admin"), "{out}");
    assert!(out.contains("tokens-left 0"), "{out}");
}
