#![allow(clippy::unwrap_used)]
use super::*;

fn url(s: &str) -> WebUrl {
    WebUrl::parse(s).unwrap()
}

fn listed(n: &str, label: Option<&str>) -> ListedNumber {
    ListedNumber {
        number: DialInNumber::parse(n, None).unwrap(),
        label: label.map(str::to_owned),
    }
}

fn customization() -> Customization {
    Customization::new(
        Some(url("https://contoso.example/logo.png")),
        Some(url("https://contoso.example/help")),
        Some(url("https://contoso.example/legal")),
        Some("Contoso Ltd.\r\nConfidential & internal"),
    )
    .unwrap()
}

fn dialbridge(name: &str) -> InvitationInput {
    InvitationInput {
        organizer_name: name.to_owned(),
        dial_in: DialIn::Dialbridge {
            toll: listed("+14155550123", Some("United States, San Francisco")),
            toll_free: Some(listed("+18005550199", Some("United States"))),
            international: Some(listed("+442079460000", Some("United Kingdom, London"))),
            conference_id: "4829173".parse().unwrap(),
            find_local_number_url: url("https://dial.contoso.example/numbers"),
            pin_help_url: Some(url("https://contoso.example/help/pin")),
        },
        customization: customization(),
    }
}

fn acp(name: &str) -> InvitationInput {
    InvitationInput {
        organizer_name: name.to_owned(),
        dial_in: DialIn::ThirdParty(
            AcpDetails::new(
                "Fabrikam Conferencing",
                "+44 20 7946 0000",
                &["+1 800 555 0199"],
                "918273#",
                Some("https://fabrikam.example/join"),
            )
            .unwrap(),
        ),
        customization: Customization::default(),
    }
}

#[test]
fn text_snapshot() {
    let inv = render(&dialbridge("Alice Martin"));
    let want = "\
Join by phone
Meeting organized by Alice Martin

+1 415 555 0123 (toll, United States, San Francisco)
+1 800 555 0199 (toll-free, United States)
+44 20 7946 0000 (toll, United Kingdom, London)
Conference ID: 482 9173#

Find a local number: https://dial.contoso.example/numbers
Dial-in PIN help: https://contoso.example/help/pin
Help: https://contoso.example/help
Legal: https://contoso.example/legal
Organizer: start the meeting from a phone by pressing * and entering your PIN. Forgot your dial-in PIN? Your administrator can reset it; the new one comes by email.

Contoso Ltd.
Confidential & internal
";
    assert_eq!(inv.text, want);
}

#[test]
fn html_snapshot() {
    let inv = render(&dialbridge("Alice Martin"));
    let want = "\
<div class=\"dialbridge-invitation\">
<p><img src=\"https://contoso.example/logo.png\" alt=\"\" style=\"max-height:60px\"></p>
<p><strong>Join by phone</strong></p>
<p>Meeting organized by Alice Martin</p>
<p>
<a href=\"tel:+14155550123,,4829173%23\">+1 415 555 0123</a> (toll, United States, San Francisco)<br>
<a href=\"tel:+18005550199,,4829173%23\">+1 800 555 0199</a> (toll-free, United States)<br>
<a href=\"tel:+442079460000,,4829173%23\">+44 20 7946 0000</a> (toll, United Kingdom, London)<br>
</p>
<p>Conference ID: <strong>482 9173#</strong></p>
<p><a href=\"https://dial.contoso.example/numbers\">Find a local number</a> | <a href=\"https://contoso.example/help/pin\">Dial-in PIN help</a> | <a href=\"https://contoso.example/help\">Help</a> | <a href=\"https://contoso.example/legal\">Legal</a></p>
<p>Organizer: start the meeting from a phone by pressing * and entering your PIN. Forgot your dial-in PIN? Your administrator can reset it; the new one comes by email.</p>
<p>Contoso Ltd.<br>
Confidential &amp; internal</p>
</div>
";
    assert_eq!(inv.html, want);
}

#[test]
fn html_escapes_what_people_typed() {
    let mut input = dialbridge("<script>alert(\"pwned\")</script> & O'Brien");
    input.customization =
        Customization::new(None, None, None, Some("<b>bold</b> \"quoted\"")).unwrap();
    if let DialIn::Dialbridge { toll, .. } = &mut input.dial_in {
        toll.label = Some("<img src=x onerror=alert(1)>".into());
    }
    let html = render(&input).html;
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains(
        "Meeting organized by &lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; O&#39;Brien"
    ));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;"));
    // The plain text keeps the characters as they are: it is not HTML.
    assert!(render(&input)
        .text
        .contains("<script>alert(\"pwned\")</script> & O'Brien"));
}

#[test]
fn a_name_cannot_forge_lines() {
    let text = render(&dialbridge("Eve\nConference ID: 111 1111#\r\n")).text;
    assert!(
        text.contains("Meeting organized by Eve Conference ID: 111 1111#\n"),
        "{text}"
    );
    assert_eq!(text.matches("Conference ID:").count(), 2);
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("Conference ID:"))
            .count(),
        1
    );
}

#[test]
fn acp_variant_carries_the_providers_details() {
    let inv = render(&acp("Bob"));
    let want = "\
Join by phone (Fabrikam Conferencing)
Meeting organized by Bob

+44 20 7946 0000 (toll)
+1 800 555 0199 (toll-free)
Participant passcode: 918273#

More ways to join: https://fabrikam.example/join
";
    assert_eq!(inv.text, want);
    assert!(!inv.text.contains("PIN"));
    assert!(inv
        .html
        .contains("<a href=\"tel:+442079460000,,918273%23\">+44 20 7946 0000</a> (toll)"));
    assert!(inv
        .html
        .contains("Participant passcode: <strong>918273#</strong>"));
    assert!(inv
        .html
        .contains("<a href=\"https://fabrikam.example/join\">More ways to join</a>"));
    assert!(!inv.html.contains("Conference ID"));
}

#[test]
fn footer_rules() {
    let long = "x".repeat(Customization::MAX_FOOTER + 1);
    assert_eq!(
        Customization::new(None, None, None, Some(&long)),
        Err(InvitationError::FooterTooLong)
    );
    let c = Customization::new(None, None, None, Some("a\r\nb\rc\td")).unwrap();
    assert_eq!(c.footer(), Some("a\nb\nc d"));
    assert_eq!(
        Customization::new(None, None, None, Some("  \n "))
            .unwrap()
            .footer(),
        None
    );
}

/// Undoes RFC 5545 folding (CRLF + one space or tab) on a whole file.
fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "").replace("\r\n\t", "")
}

/// Undoes RFC 5545 §3.3.11 TEXT escaping.
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn property<'a>(unfolded: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name}:");
    unfolded
        .split("\r\n")
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no {name} in {unfolded}"))
}

fn event() -> MeetingEvent {
    MeetingEvent {
        uid: "m-42@dial.contoso.example".into(),
        summary: "Q3 review; budget, plans \\ next steps".into(),
        starts_at: 1_767_258_000, // 2026-01-01 09:00:00 UTC
        ends_at: 1_767_261_600,
        stamped_at: 1_767_000_000,
    }
}

#[test]
fn vcalendar_is_crlf_folded_and_escaped() {
    let name = "Alice Martin, Head of Research; Platform \\ Infrastructure Division";
    let input = dialbridge(name);
    let ics = vcalendar(&input, &event()).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    // Every line ends in CRLF: no bare LF or CR anywhere.
    assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
    assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());
    // Every physical line fits in 75 octets, and long ones were folded.
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    assert!(ics.contains("\r\n "), "nothing was folded");
    let unfolded = unfold(&ics);
    for want in [
        "VERSION:2.0",
        "PRODID:-//dialbridge//admin//EN",
        "METHOD:PUBLISH",
        "UID:m-42@dial.contoso.example",
        "DTSTAMP:20251229T092000Z",
        "DTSTART:20260101T090000Z",
        "DTEND:20260101T100000Z",
        "URL:https://dial.contoso.example/numbers",
        "SUMMARY:Q3 review\\; budget\\, plans \\\\ next steps",
    ] {
        assert!(
            unfolded.split("\r\n").any(|l| l == want),
            "{want} missing in {unfolded}"
        );
    }
    // The description round-trips to the plain text (CRLF from the footer normalized).
    let description = unescape(property(&unfolded, "DESCRIPTION"));
    assert_eq!(description, render(&input).text);
    assert!(description.contains(name));
    assert_eq!(
        unescape(property(&unfolded, "LOCATION")),
        "Phone: +1 415 555 0123, Conference ID: 482 9173#"
    );
    // And the icalendar parser reads it back.
    let unfolded_by_parser = icalendar::parser::unfold(&ics);
    let parsed = icalendar::parser::read_calendar(&unfolded_by_parser).unwrap();
    assert_eq!(parsed.components.len(), 1);
}

#[test]
fn folding_never_splits_a_multibyte_character() {
    let input = dialbridge(&"会議の主催者".repeat(20));
    let ics = vcalendar(&input, &event()).unwrap();
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets", line.len());
    }
    // `ics` is a String, so every split point is a char boundary; check the name survives.
    assert!(unescape(property(&unfold(&ics), "DESCRIPTION")).contains(&"会議の主催者".repeat(20)));
}

#[test]
fn acp_vcalendar_has_no_dialbridge_details() {
    let ics = vcalendar(&acp("Bob"), &event()).unwrap();
    let unfolded = unfold(&ics);
    assert!(!unfolded.contains("URL:https://dial.contoso.example"));
    assert_eq!(
        unescape(property(&unfolded, "LOCATION")),
        "Phone: +44 20 7946 0000, Participant passcode: 918273#"
    );
}

#[test]
fn vcalendar_refuses_bad_events() {
    let input = dialbridge("A");
    let mut e = event();
    e.ends_at = e.starts_at - 1;
    assert_eq!(vcalendar(&input, &e), Err(InvitationError::EndsBeforeStart));
    let mut e = event();
    e.uid = "a\r\nX-EVIL:1".into();
    assert_eq!(vcalendar(&input, &e), Err(InvitationError::BadUid));
    let mut e = event();
    e.starts_at = i64::MAX;
    e.ends_at = i64::MAX;
    assert_eq!(
        vcalendar(&input, &e),
        Err(InvitationError::BadTime(i64::MAX))
    );
}
