//! The dial-out log: every attempt's refusal or progress, written for admins. One writer
//! task keeps each attempt's rows in the order they happened (calling, ringing, answered…),
//! and the SIP loop never waits on the database.

use std::sync::Arc;

use dialbridge_admin::services::{AdminService, DialOutRecord};
use tokio::sync::mpsc;

use super::job::DialOutJob;

/// Where an attempt stands, as the log's `status` column spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Refused,
    Calling,
    Ringing,
    Answered,
    /// The callee pressed 1 (or needed not) and is in the meeting.
    Joined,
    /// The callee answered but did not accept the invitation.
    DeclinedByCallee,
    Busy,
    Declined,
    NoAnswer,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Refused => "refused",
            Status::Calling => "calling",
            Status::Ringing => "ringing",
            Status::Answered => "answered",
            Status::Joined => "joined",
            Status::DeclinedByCallee => "declined_by_callee",
            Status::Busy => "busy",
            Status::Declined => "declined",
            Status::NoAnswer => "no_answer",
            Status::Failed => "failed",
        }
    }

    pub fn from_outcome(outcome: dialbridge_dialout::DialOutOutcome) -> Self {
        use dialbridge_dialout::DialOutOutcome as O;
        match outcome {
            O::Calling => Status::Calling,
            O::Ringing => Status::Ringing,
            O::Answered => Status::Answered,
            O::Busy => Status::Busy,
            O::Declined => Status::Declined,
            O::NoAnswer => Status::NoAnswer,
            O::Failed => Status::Failed,
        }
    }
}

#[derive(Clone)]
pub struct DialOutLog {
    rows: mpsc::UnboundedSender<DialOutRecord>,
}

impl DialOutLog {
    /// Starts the writer task.
    pub fn start(admin: Arc<AdminService>) -> Self {
        let (rows, mut pending) = mpsc::unbounded_channel::<DialOutRecord>();
        tokio::spawn(async move {
            while let Some(record) = pending.recv().await {
                let reference = record.reference.clone();
                if let Err(error) = admin.record_dial_out(record).await {
                    tracing::warn!(%reference, %error, "dial-out log row not stored");
                }
            }
        });
        DialOutLog { rows }
    }

    /// Logs where `job` stands; `e164` and `country` once the number was read.
    pub fn write(
        &self,
        job: &DialOutJob,
        e164: Option<&str>,
        country: Option<&str>,
        status: Status,
        reason: Option<String>,
    ) {
        tracing::info!(
            reference = %job.reference, purpose = job.purpose.as_str(),
            meeting = %job.meeting_key, status = status.as_str(), reason = %reason.as_deref().unwrap_or(""),
            "dial-out"
        );
        let record = DialOutRecord {
            reference: job.reference.clone(),
            organization_id: job.target.organization_id,
            organizer_id: Some(job.target.organizer_id),
            conference_key: Some(job.meeting_key.clone()),
            purpose: job.purpose.as_str().to_owned(),
            requested_by: job.requested_by.clone(),
            dialed: job.dialed.clone(),
            e164: e164.map(str::to_owned),
            destination_country: country.map(str::to_owned),
            status: status.as_str().to_owned(),
            reason,
        };
        // The writer task outlives the SIP loop; a send fails only while stopping.
        let _ = self.rows.send(record);
    }
}
