//! The columns of the ACP file: their names, their order in the export, and which the import
//! needs. The names are a stable interface (ACPs script against them): add columns at the end,
//! never rename one.

use std::collections::HashMap;

/// One column of the ACP file, in export order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    OrganizerId,
    Name,
    Email,
    Country,
    Provider,
    Licensed,
    DialInEnabled,
    AcpProviderName,
    AcpTollNumber,
    AcpTollFreeNumbers,
    AcpParticipantPasscode,
    AcpConferenceId,
    AcpUrl,
}

impl Column {
    /// Every column, in the export's order.
    pub const ALL: [Column; 13] = [
        Column::OrganizerId,
        Column::Name,
        Column::Email,
        Column::Country,
        Column::Provider,
        Column::Licensed,
        Column::DialInEnabled,
        Column::AcpProviderName,
        Column::AcpTollNumber,
        Column::AcpTollFreeNumbers,
        Column::AcpParticipantPasscode,
        Column::AcpConferenceId,
        Column::AcpUrl,
    ];

    /// The columns the ACP fills in. The import needs all of them, so a missing column is
    /// reported instead of silently clearing what it would have held.
    pub const ACP: [Column; 6] = [
        Column::AcpProviderName,
        Column::AcpTollNumber,
        Column::AcpTollFreeNumbers,
        Column::AcpParticipantPasscode,
        Column::AcpConferenceId,
        Column::AcpUrl,
    ];

    /// The header name.
    pub fn name(self) -> &'static str {
        match self {
            Column::OrganizerId => "organizer_id",
            Column::Name => "name",
            Column::Email => "email",
            Column::Country => "country",
            Column::Provider => "provider",
            Column::Licensed => "licensed",
            Column::DialInEnabled => "dial_in_enabled",
            Column::AcpProviderName => "acp_provider_name",
            Column::AcpTollNumber => "acp_toll_number",
            Column::AcpTollFreeNumbers => "acp_toll_free_numbers",
            Column::AcpParticipantPasscode => "acp_participant_passcode",
            Column::AcpConferenceId => "acp_conference_id",
            Column::AcpUrl => "acp_url",
        }
    }

    /// A header cell as written by a person or a spreadsheet: surrounding spaces and case
    /// are ignored.
    fn from_header(cell: &str) -> Option<Column> {
        let cell = cell.trim();
        Column::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(cell))
    }
}

/// Where each known column sits in the imported file.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    index: HashMap<Column, usize>,
    /// Fields in the header row; every data row must have as many.
    pub width: usize,
}

impl Header {
    /// Reads the header row. Columns may come in any order; unknown, repeated and missing
    /// columns are all reported at once.
    pub fn parse(cells: &[String]) -> Result<Header, Vec<String>> {
        let mut index = HashMap::new();
        let mut problems = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            match Column::from_header(cell) {
                Some(column) => {
                    if index.insert(column, i).is_some() {
                        problems.push(format!("column {:?} appears twice", column.name()));
                    }
                }
                None if cell.trim().is_empty() => {
                    problems.push(format!("column {} has no name", i + 1));
                }
                None => problems.push(format!(
                    "unknown column {:?} (known columns: {})",
                    cell.trim(),
                    known_list()
                )),
            }
        }
        if !index.contains_key(&Column::OrganizerId) && !index.contains_key(&Column::Email) {
            problems.push(
                "missing column \"organizer_id\" or \"email\": one is needed to find the organizer"
                    .to_owned(),
            );
        }
        for column in Column::ACP {
            if !index.contains_key(&column) {
                problems.push(format!("missing column {:?}", column.name()));
            }
        }
        if problems.is_empty() {
            Ok(Header {
                index,
                width: cells.len(),
            })
        } else {
            Err(problems)
        }
    }

    /// The trimmed cell of `column` in `row`, or "" if the file has no such column.
    pub fn get<'r>(&self, row: &'r [String], column: Column) -> &'r str {
        self.index
            .get(&column)
            .and_then(|&i| row.get(i))
            .map_or("", |cell| cell.trim())
    }
}

fn known_list() -> String {
    Column::ALL.map(Column::name).join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cells(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn any_order_and_case() {
        let mut names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        names.reverse();
        names[0] = " ACP_URL ";
        let header = Header::parse(&cells(&names)).unwrap();
        let row = cells(&["u", "", "", "", "", "", "", "", "", "", "", "", "7"]);
        assert_eq!(header.get(&row, Column::AcpUrl), "u");
        assert_eq!(header.get(&row, Column::OrganizerId), "7");
    }

    #[test]
    fn every_problem_is_reported() {
        let problems = Header::parse(&cells(&["name", "name", "colour", ""])).unwrap_err();
        assert!(problems[0].contains("\"name\" appears twice"));
        assert!(problems[1].contains("unknown column \"colour\""));
        assert!(problems[2].contains("column 4 has no name"));
        assert!(problems[3].contains("\"organizer_id\" or \"email\""));
        assert_eq!(problems.len(), 4 + Column::ACP.len());
    }
}
