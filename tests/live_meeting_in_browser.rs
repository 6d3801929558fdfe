//! The admin center's live meetings page in real headless Chromium while a real SIPp caller
//! joins and leaves `dialbridge serve --demo`. The browser runs inside the lab's network
//! namespace, driven over WebDriver by a short Python script (chromedriver speaks JSON over
//! HTTP), so the page, its server-sent events and the SIP call share one loopback.

#![allow(clippy::unwrap_used)]

mod support;

use support::scripts::{CONFERENCE_ID, MAKE_CALLER};
use support::Lab;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Signs in, opens /live and never reloads it: it prints the roster before the call, once
/// the caller shows up, and once they are gone, then whether it is still the same page.
const BROWSER: &str = r##"
import json, sys, time, urllib.request
DRIVER = "http://127.0.0.1:9515"
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(DRIVER + path, method=method, data=data,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["value"]
options = {"binary": "/usr/bin/chromium",
           "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}
session = call("POST", "/session",
               {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})["sessionId"]
S = "/session/" + session
def element(css):
    return list(call("POST", S + "/element", {"using": "css selector", "value": css}).values())[0]
def script(code):
    return call("POST", S + "/execute/sync", {"script": code, "args": []})
def roster():
    return script("return document.getElementById('rosters').innerText").replace("\n", " | ")
def wait_for(predicate, seconds):
    end = time.time() + seconds
    while time.time() < end:
        text = roster()
        if predicate(text):
            return text
        time.sleep(0.25)
    return None
call("POST", S + "/url", {"url": "http://127.0.0.1:8080/sign-in"})
call("POST", S + "/element/" + element("#email") + "/value", {"text": "ops@example.com"})
call("POST", S + "/element/" + element("#password") + "/value",
     {"text": "correct horse battery staple"})
call("POST", S + "/element/" + element("form[action='/sign-in'] button") + "/click", {})
time.sleep(0.5)
call("POST", S + "/url", {"url": "http://127.0.0.1:8080/live"})
script("window.stayedOnThisPage = true")
print("before:", roster())
open("browser-ready", "w").close()
print("joined:", wait_for(lambda text: "••00" in text, 45))
print("left:", wait_for(lambda text: "••00" not in text, 45))
print("same page:", script("return window.stayedOnThisPage === true"))
call("DELETE", S)
"##;

#[test]
fn the_live_page_shows_a_sipp_caller_join_and_leave_without_a_reload() {
    if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists() {
        // scripts/install-test-deps installs both; a machine without them cannot run this.
        panic!("chromium and chromium-driver are needed (scripts/install-test-deps)");
    }
    let steps = format!(
        r#"{MAKE_CALLER}
{CONFERENCE_ID}
printf 'correct horse battery staple\n' | "$DIALBRIDGE" admin --data-dir "$LAB/data" \
    accounts create --email ops@example.com --role platform-admin --password-stdin > /dev/null
chromedriver --port=9515 > chromedriver.log 2>&1 &
DRIVER=$!
for _ in $(seq 1 100); do ss -ltn | grep -q '127.0.0.1:9515 ' && break; sleep 0.05; done
python3 - > browser.out 2>&1 <<'PY' &
{BROWSER}
PY
BROWSER_PID=$!
for _ in $(seq 1 600); do [ -e browser-ready ] && break; sleep 0.05; done
# The attendee keys the conference ID, waits in the lobby (the organizer is not there), and
# hangs up.
make_caller attendee rfc4733 "pause:1500 keys:1 pause:1500 keys:$ID# pause:14000"
caller attendee 5070 6000
wait $BROWSER_PID
cat browser.out
kill $DRIVER 2>/dev/null
"#
    );
    let run = Lab::demo().run(&steps);
    let why = run.context();
    run.assert_passed("sipp attendee");
    let line = |prefix: &str| {
        run.output
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line\n{why}"))
            .to_owned()
    };
    assert!(!line("before:").contains("••00"), "nobody at first\n{why}");
    let joined = line("joined:");
    assert!(
        joined.contains("+1415555••00") && joined.contains("In the lobby"),
        "the caller appeared, masked, waiting in the lobby\n{why}"
    );
    assert!(!line("left:").contains("None"), "and went away\n{why}");
    assert_eq!(
        line("same page:"),
        "same page: True",
        "without a reload\n{why}"
    );
}
