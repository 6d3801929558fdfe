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
