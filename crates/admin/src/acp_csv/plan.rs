//! The import's first half: read the file, check every row against the rules and the
//! organization's organizers, and say what would change. Writes nothing.

use super::columns::{Column, Header};
use super::error::{ImportErrors, PlanError, RowError};
use super::fetch::all_organizers;
use super::reader::{self, Record};
use super::row::{self, Key};
use dialbridge_store::{
    AcpSettings, OrganizationId, Organizer, OrganizerFilter, OrganizerId, Provider, Store,
};
use serde::Serialize;
use std::collections::HashMap;

/// What an import will do, made by [`plan_import`] and carried out by
/// [`apply_import`](super::apply_import). Only `plan_import` makes one, so a plan always
/// holds checked rows of one organization.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPlan {
    organization_id: OrganizationId,
    rows: usize,
    changes: Vec<PlannedChange>,
    unchanged: usize,
    left_blank: usize,
}

/// One organizer whose provider settings the import changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedChange {
    /// Where the row starts in the file.
    pub line: u64,
    pub organizer_id: OrganizerId,
    pub name: String,
    pub email: String,
    pub before: Provider,
    pub after: AcpSettings,
    /// The file's column names of what differs; `provider` when moving from dialbridge.
    pub changed_fields: Vec<&'static str>,
    /// Moving from dialbridge: the organizer's dialbridge conference ID and PIN are deleted
    /// (an ACP organizer has neither), so their old ID stops working at once.
    pub loses_dialbridge_id_and_pin: bool,
    /// Still holds a licence seat, which an ACP organizer does not need; the import leaves
    /// licences alone, the admin may free the seat.
    pub licensed: bool,
    /// When the organizer was last changed, as read here: the apply step refuses a plan
    /// that has gone stale.
    #[serde(skip)]
    pub(crate) updated_at: i64,
}

/// Counts for a dry run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// Organizers whose settings change.
    pub changes: usize,
    /// Of those, organizers moving from dialbridge to the ACP.
    pub moving_to_acp: usize,
    /// Of those, ACP organizers whose ACP details change.
    pub acp_updates: usize,
    /// Rows whose details equal what is stored.
    pub unchanged: usize,
    /// Rows with every ACP cell empty: the ACP left the organizer out; nothing changes.
    pub left_blank: usize,
}

impl ImportPlan {
    pub fn organization_id(&self) -> OrganizationId {
        self.organization_id
    }

    /// The organizers that change, in file order.
    pub fn changes(&self) -> &[PlannedChange] {
        &self.changes
    }

    pub fn summary(&self) -> ImportSummary {
        let moving_to_acp = self
            .changes
            .iter()
            .filter(|c| matches!(c.before, Provider::Dialbridge))
            .count();
        ImportSummary {
            rows: self.rows,
            changes: self.changes.len(),
            moving_to_acp,
            acp_updates: self.changes.len() - moving_to_acp,
            unchanged: self.unchanged,
            left_blank: self.left_blank,
        }
    }

    pub(crate) fn left_blank(&self) -> usize {
        self.left_blank
    }

    pub(crate) fn unchanged(&self) -> usize {
        self.unchanged
    }
}

/// Reads `bytes` (the ACP's CSV) and checks every row before anything is written: the header
/// (required columns in any order, unknown ones refused), which organizer each row is for (by
/// `organizer_id` or `email`, within `organization_id` only), the ACP details (the provider
/// rules), and that no organizer appears twice. All problems are returned together, each with
/// the line it is on.
pub async fn plan_import(
    store: &Store,
    organization_id: OrganizationId,
    bytes: &[u8],
) -> Result<ImportPlan, PlanError> {
    let parsed = reader::read(bytes)?;
    let mut errors = parsed.errors;
    let header = match Header::parse(&parsed.header.cells) {
        Ok(header) => header,
        Err(problems) => {
            errors.extend(problems.into_iter().map(|message| RowError {
                line: Some(parsed.header.line),
                message,
            }));
            return Err(rejected(errors).into());
        }
    };
    // Only this organization's organizers are loaded, so a row naming another organization's
    // organizer gets the same answer as one naming nobody: nothing leaks across.
    let filter = OrganizerFilter {
        organization_id: Some(organization_id),
        ..OrganizerFilter::default()
    };
    let organizers = Directory::new(all_organizers(store, &filter).await?);
    let mut plan = ImportPlan {
        organization_id,
        rows: 0,
        changes: Vec::new(),
        unchanged: 0,
        left_blank: 0,
    };
    let mut seen: HashMap<OrganizerId, u64> = HashMap::new();
    for record in parsed.rows.iter().filter(|r| !is_blank(r)) {
        plan.rows += 1;
        let mut fail = |message: String| {
            errors.push(RowError {
                line: Some(record.line),
                message,
            })
        };
        let (input, problems) = match row::check(&header, &record.cells) {
            Ok(input) => (Some(input), Vec::new()),
            Err(problems) => (None, problems),
        };
        problems.into_iter().for_each(&mut fail);
        // The organizer is looked up even when the row has other problems, so one pass
        // reports them all; that needs a readable key, which `check` only returns on success,
        // hence the second parse of the key cells.
        let key = match &input {
            Some(input) => Some(input.key.clone()),
            None => loose_key(&header, &record.cells),
        };
        let Some(key) = key else { continue };
        let organizer = match organizers.find(&key) {
            Ok(o) => o,
            Err(message) => {
                fail(message);
                continue;
            }
        };
        if let Some(first) = seen.insert(organizer.id, record.line) {
            fail(format!(
                "organizer {} is also on line {first}; each organizer may appear once",
                organizer.profile.email
            ));
            continue;
        }
        let Some(input) = input else { continue };
        match input.acp {
            None => plan.left_blank += 1,
            Some(after) if organizer.provider == Provider::Acp(after.clone()) => {
                plan.unchanged += 1
            }
            Some(after) => plan.changes.push(change(record.line, organizer, after)),
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(rejected(errors).into())
    }
}

fn rejected(mut errors: Vec<RowError>) -> ImportErrors {
    // Stable: problems of one line keep their order.
    errors.sort_by_key(|e| e.line);
    ImportErrors { errors }
}

/// A row of only empty cells (spreadsheets add them at the end) is not data.
fn is_blank(record: &Record) -> bool {
    record.cells.iter().all(|c| c.trim().is_empty())
}

/// The key cells of a row that failed other checks, if they make a key on their own.
fn loose_key(header: &Header, cells: &[String]) -> Option<Key> {
    let id = super::guard::unguard(header.get(cells, Column::OrganizerId)).trim();
    let email = super::guard::unguard(header.get(cells, Column::Email)).trim();
    let id = match id {
        "" => None,
        text => Some(OrganizerId(text.parse().ok().filter(|n: &i64| *n > 0)?)),
    };
    let email = (!email.is_empty()).then(|| email.to_lowercase());
    (id.is_some() || email.is_some()).then_some(Key { id, email })
}

fn change(line: u64, organizer: &Organizer, after: AcpSettings) -> PlannedChange {
    let before = match &organizer.provider {
        Provider::Acp(acp) => acp.clone(),
        Provider::Dialbridge => AcpSettings::default(),
    };
    let moving = matches!(organizer.provider, Provider::Dialbridge);
    let mut changed_fields = Vec::new();
    if moving {
        changed_fields.push(Column::Provider.name());
    }
    let fields = [
        (
            Column::AcpProviderName,
            before.provider_name != after.provider_name,
        ),
        (
            Column::AcpTollNumber,
            before.toll_number != after.toll_number,
        ),
        (
            Column::AcpTollFreeNumbers,
            before.toll_free_numbers != after.toll_free_numbers,
        ),
        (
            Column::AcpParticipantPasscode,
            before.participant_passcode != after.participant_passcode,
        ),
        (
            Column::AcpConferenceId,
            before.conference_id != after.conference_id,
        ),
        (Column::AcpUrl, before.url != after.url),
    ];
    changed_fields.extend(fields.iter().filter(|(_, d)| *d).map(|(c, _)| c.name()));
    PlannedChange {
        line,
        organizer_id: organizer.id,
        name: organizer.profile.name.clone(),
        email: organizer.profile.email.clone(),
        before: organizer.provider.clone(),
        after,
        changed_fields,
        loses_dialbridge_id_and_pin: moving
            && (organizer.conference_id.is_some() || organizer.has_pin),
        licensed: organizer.licensed,
        updated_at: organizer.updated_at,
    }
}

/// The organization's organizers by id and by email.
struct Directory {
    organizers: Vec<Organizer>,
    by_id: HashMap<OrganizerId, usize>,
    by_email: HashMap<String, usize>,
}

impl Directory {
    fn new(organizers: Vec<Organizer>) -> Directory {
        let by_id = organizers
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, i))
            .collect();
        let by_email = organizers
            .iter()
            .enumerate()
            .map(|(i, o)| (o.profile.email.to_lowercase(), i))
            .collect();
        Directory {
            organizers,
            by_id,
            by_email,
        }
    }

    /// The organizer a row names, or the message for the row. The messages never depend on
    /// whether the id or email exists in another organization.
    fn find(&self, key: &Key) -> Result<&Organizer, String> {
        let by_id = key.id.map(|id| {
            self.by_id
                .get(&id)
                .ok_or_else(|| format!("no organizer with organizer_id {id} in this organization"))
        });
        let by_email = key.email.as_ref().map(|email| {
            self.by_email
                .get(email)
                .ok_or_else(|| format!("no organizer with email {email} in this organization"))
        });
        let index = match (by_id, by_email) {
            (Some(Err(e)), _) | (None, Some(Err(e))) => return Err(e),
            (Some(Ok(&i)), None) | (None, Some(Ok(&i))) => i,
            (Some(Ok(&i)), Some(Ok(&j))) if i == j => i,
            (Some(Ok(&i)), Some(_)) => {
                let o = &self.organizers[i];
                return Err(format!(
                    "organizer_id {} is {}, not {}; fix one of the two",
                    o.id,
                    o.profile.email,
                    key.email.as_deref().unwrap_or_default()
                ));
            }
            (None, None) => return Err("no organizer_id or email".to_owned()),
        };
        self.organizers
            .get(index)
            .ok_or_else(|| "no such organizer".to_owned())
    }
}
