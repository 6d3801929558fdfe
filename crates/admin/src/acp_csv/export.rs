//! The export: one row per organizer, in [`Column::ALL`] order, for the admin to send to the
//! ACP.

use super::columns::Column;
use super::error::ExportError;
use super::fetch::all_organizers;
use super::guard;
use super::LIST_SEPARATOR;
use dialbridge_store::{OrganizationId, Organizer, OrganizerFilter, Provider, Store};
use std::io::Write;

/// The organization's organizers matching `filter` as a CSV file (UTF-8 without BOM, CRLF
/// line ends as RFC 4180 says, a header row). `filter.organization_id` is replaced by
/// `organization_id`, so an export never reaches past its organization. The seed's workflow
/// exports the dial-in organizers: pass `dial_in_enabled: Some(true)`.
pub async fn export_organizers(
    store: &Store,
    organization_id: OrganizationId,
    filter: &OrganizerFilter,
) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    write_organizers(store, organization_id, filter, &mut out).await?;
    Ok(out)
}

/// Like [`export_organizers`], writing to `out`; returns the number of organizer rows.
pub async fn write_organizers<W: Write>(
    store: &Store,
    organization_id: OrganizationId,
    filter: &OrganizerFilter,
    out: W,
) -> Result<usize, ExportError> {
    let filter = OrganizerFilter {
        organization_id: Some(organization_id),
        ..filter.clone()
    };
    let organizers = all_organizers(store, &filter).await?;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(Column::ALL.map(Column::name))?;
    for organizer in &organizers {
        writer.write_record(Column::ALL.map(|c| cell(organizer, c)))?;
    }
    writer.flush().map_err(csv::Error::from)?;
    Ok(organizers.len())
}

/// One cell. Free text is guarded against formula injection; phone numbers are kept
/// importable (see `guard`). Booleans are `true`/`false`.
fn cell(o: &Organizer, column: Column) -> String {
    let acp = match &o.provider {
        Provider::Acp(acp) => Some(acp),
        Provider::Dialbridge => None,
    };
    match column {
        Column::OrganizerId => o.id.to_string(),
        Column::Name => guard::text(&o.profile.name),
        Column::Email => guard::text(&o.profile.email),
        Column::Country => guard::text(&o.profile.country),
        Column::Provider => o.provider.kind().as_str().to_owned(),
        Column::Licensed => o.licensed.to_string(),
        Column::DialInEnabled => o.profile.dial_in_enabled.to_string(),
        Column::AcpProviderName => guard::text(acp.map_or("", |a| a.provider_name.as_str())),
        Column::AcpTollNumber => guard::phone(opt(acp.and_then(|a| a.toll_number.as_ref()))),
        Column::AcpTollFreeNumbers => guard::phone(
            &acp.map(|a| a.toll_free_numbers.join(&LIST_SEPARATOR.to_string()))
                .unwrap_or_default(),
        ),
        Column::AcpParticipantPasscode => {
            guard::text(opt(acp.and_then(|a| a.participant_passcode.as_ref())))
        }
        Column::AcpConferenceId => guard::text(opt(acp.and_then(|a| a.conference_id.as_ref()))),
        Column::AcpUrl => guard::text(opt(acp.and_then(|a| a.url.as_ref()))),
    }
}

fn opt(value: Option<&String>) -> &str {
    value.map_or("", String::as_str)
}
