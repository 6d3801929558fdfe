//! Meeting records: the call path stores one when a meeting ends
//! ([`AdminService::record_meeting`], no caller); admins list them, scoped to their
//! organization.

use super::error::ServiceResult;
use super::logs::scope;
use super::{AdminService, Caller};
use dialbridge_store::{
    MeetingRecord, MeetingRecordFilter, OrganizationId, OrganizerId, Page, Paged,
};
use serde::Deserialize;

/// An ended meeting as the call path reports it: the table's fields but the id and month.
pub use dialbridge_store::NewMeetingRecord as MeetingRecordInput;

/// Which meeting records to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct MeetingRecordQuery {
    /// A scoped caller's organization is implied; naming another is refused.
    pub organization_id: Option<OrganizationId>,
    pub organizer_id: Option<OrganizerId>,
    /// `YYYY-MM` (UTC) the meetings ended in.
    pub month: Option<String>,
}

impl AdminService {
    /// Stores an ended meeting. No caller: the system reports.
    pub async fn record_meeting(&self, input: MeetingRecordInput) -> ServiceResult<()> {
        self.store.insert_meeting_record(&input).await?;
        Ok(())
    }

    /// Meeting records `caller` may read, newest first.
    pub async fn list_meeting_records(
        &self,
        caller: &Caller,
        query: &MeetingRecordQuery,
        page: Page,
    ) -> ServiceResult<Paged<MeetingRecord>> {
        let filter = MeetingRecordFilter {
            organization_id: scope(caller, query.organization_id)?,
            organizer_id: query.organizer_id,
            month: query.month.as_ref().map(|m| m.trim().to_owned()),
        };
        Ok(self.store.list_meeting_records(&filter, page).await?)
    }
}
