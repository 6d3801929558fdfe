//! One data row of an imported file, checked on its own (no store): who it is about and the
//! ACP settings it carries.

use super::columns::{Column, Header};
use super::guard::unguard;
use super::LIST_SEPARATOR;
use crate::rules::provider::{AcpDetails, AcpError};
use dialbridge_store::{AcpSettings, OrganizerId};

/// How the row names its organizer. When both are given they must be the same person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub id: Option<OrganizerId>,
    /// Trimmed and lowercased, as the store keeps emails.
    pub email: Option<String>,
}

/// A row that passed the checks that need no store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowInput {
    pub key: Key,
    /// `None` when every ACP cell is empty: the ACP left this organizer out, nothing changes.
    pub acp: Option<AcpSettings>,
}

/// Longest ACP conference ID we print (the same bound as the passcode).
const MAX_CONFERENCE_ID: usize = AcpDetails::MAX_PASSCODE;

/// Checks one row; every problem found is returned, not just the first.
pub(crate) fn check(header: &Header, cells: &[String]) -> Result<RowInput, Vec<String>> {
    let mut problems = Vec::new();
    if cells.len() != header.width {
        problems.push(format!(
            "has {} fields but the header has {}; check for a stray comma or an unclosed quote",
            cells.len(),
            header.width
        ));
    }
    let cell = |column| unguard(header.get(cells, column)).trim();
    let key = key(
        cell(Column::OrganizerId),
        cell(Column::Email),
        &mut problems,
    );
    let acp = acp(&cell, &mut problems);
    match (problems.is_empty(), key) {
        (true, Some(key)) => Ok(RowInput { key, acp }),
        _ => Err(problems),
    }
}

fn key(id: &str, email: &str, problems: &mut Vec<String>) -> Option<Key> {
    let id = match id {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(n) if n > 0 => Some(OrganizerId(n)),
            _ => {
                problems.push(format!("organizer_id {text:?} is not an organizer id"));
                return None;
            }
        },
    };
    let email = (!email.is_empty()).then(|| email.to_lowercase());
    if id.is_none() && email.is_none() {
        problems
            .push("no organizer_id or email: the row must say which organizer it is for".into());
        return None;
    }
    Some(Key { id, email })
}

fn acp<'c>(cell: &impl Fn(Column) -> &'c str, problems: &mut Vec<String>) -> Option<AcpSettings> {
    if Column::ACP.iter().all(|&c| cell(c).is_empty()) {
        return None;
    }
    let toll_free: Vec<&str> = cell(Column::AcpTollFreeNumbers)
        .split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let url = Some(cell(Column::AcpUrl)).filter(|u| !u.is_empty());
    let details = AcpDetails::new(
        cell(Column::AcpProviderName),
        cell(Column::AcpTollNumber),
        &toll_free,
        cell(Column::AcpParticipantPasscode),
        url,
    );
    let conference_id = conference_id(cell(Column::AcpConferenceId));
    if let Err(e) = &conference_id {
        problems.push(e.clone());
    }
    let details = match details {
        Ok(d) => d,
        Err(e) => {
            problems.push(acp_message(&e));
            return None;
        }
    };
    Some(AcpSettings {
        provider_name: details.provider_name().to_owned(),
        toll_number: Some(details.toll_number().e164().to_owned()),
        toll_free_numbers: details
            .toll_free_numbers()
            .iter()
            .map(|n| n.e164().to_owned())
            .collect(),
        participant_passcode: Some(details.participant_passcode().to_owned()),
        conference_id: conference_id.ok().flatten(),
        url: details.url().map(|u| u.as_str().to_owned()),
    })
}

/// The rule's message, naming the column, plus a hint for the commonest spreadsheet damage.
fn acp_message(e: &AcpError) -> String {
    let column = match e {
        AcpError::ProviderName => Column::AcpProviderName,
        AcpError::TollNumber(_) | AcpError::TollNumberNotE164(_) => Column::AcpTollNumber,
        AcpError::TollFreeNumber { .. } | AcpError::TooManyTollFree => Column::AcpTollFreeNumbers,
        AcpError::Passcode => Column::AcpParticipantPasscode,
        AcpError::Url(_) => Column::AcpUrl,
    };
    let mut message = format!("{}: {e}", column.name());
    if let AcpError::TollNumberNotE164(n) = e {
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            message.push_str(" (a spreadsheet may have dropped the leading +)");
        }
    }
    message
}

/// The ACP's own conference ID: optional, keypad characters only (callers key it in), spaces
/// allowed for readability and removed.
fn conference_id(value: &str) -> Result<Option<String>, String> {
    let id: String = value.chars().filter(|c| *c != ' ').collect();
    if id.is_empty() {
        return Ok(None);
    }
    if id.len() > MAX_CONFERENCE_ID
        || !id
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
    {
        return Err(format!(
            "{}: 1 to {MAX_CONFERENCE_ID} keypad characters (0-9, * and #)",
            Column::AcpConferenceId.name()
        ));
    }
    Ok(Some(id))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn header() -> Header {
        let names: Vec<String> = Column::ALL.iter().map(|c| c.name().to_owned()).collect();
        Header::parse(&names).unwrap()
    }

    fn row(id: &str, email: &str, acp: [&str; 6]) -> Vec<String> {
        let mut cells = vec![id, "Ann", email, "US", "dialbridge", "true", "true"];
        cells.extend(acp);
        cells.into_iter().map(str::to_owned).collect()
    }

    const GOOD: [&str; 6] = [
        "Contoso Audio",
        "+1 415 555 0123",
        "+1 800 555 0199 ; +44 800 890 567",
        "918273#",
        "12 34 56",
        "https://acp.example/join",
    ];

    #[test]
    fn a_good_row_is_normalized() {
        let input = check(&header(), &row("7", " Ann@Example.COM ", GOOD)).unwrap();
        assert_eq!(input.key.id, Some(OrganizerId(7)));
        assert_eq!(input.key.email.as_deref(), Some("ann@example.com"));
        let acp = input.acp.unwrap();
        assert_eq!(acp.toll_number.as_deref(), Some("+14155550123"));
        assert_eq!(acp.toll_free_numbers, vec!["+18005550199", "+44800890567"]);
        assert_eq!(acp.conference_id.as_deref(), Some("123456"));
    }

    #[test]
    fn blank_acp_cells_mean_no_change() {
        let input = check(&header(), &row("", "a@b.c", [""; 6])).unwrap();
        assert_eq!(input.acp, None);
    }

    #[test]
    fn every_problem_of_a_row_is_listed() {
        let mut bad = GOOD;
        bad[1] = "14155550123";
        bad[4] = "12-34";
        let problems = check(&header(), &row("x", "", bad)).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("organizer_id \"x\""));
        assert!(problems[1].starts_with("acp_conference_id"));
        assert!(problems[2].starts_with("acp_toll_number"));
        assert!(problems[2].contains("dropped the leading +"));
    }

    #[test]
    fn guarded_cells_are_read_back() {
        let mut acp = GOOD;
        acp[0] = "'=Contoso";
        let input = check(&header(), &row("1", "'@odd@example.com", acp)).unwrap();
        assert_eq!(input.key.email.as_deref(), Some("@odd@example.com"));
        assert_eq!(input.acp.unwrap().provider_name, "=Contoso");
    }

    #[test]
    fn wrong_width_is_reported() {
        let mut cells = row("1", "", GOOD);
        cells.push("extra".into());
        let problems = check(&header(), &cells).unwrap_err();
        assert!(problems[0].contains("has 14 fields but the header has 13"));
    }
}
