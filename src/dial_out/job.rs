//! One dial-out to place, whoever asked for it.

use std::sync::Arc;

use dialbridge_admin::services::CallTarget;
use dialbridge_conference::speech::Language;
use dialbridge_sip::endpoint::CallHandle;

/// Why we call, as the dial-out log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// "Call me": the organizer joins their meeting as organizer.
    CallMe,
    /// An admin adds someone to the meeting by phone.
    AddParticipant,
    /// The organizer pressed `*2` and a number.
    Phone,
    /// A caller pressed `*0`: they are bridged to the operator.
    Operator,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::CallMe => "call_me",
            Purpose::AddParticipant => "add_participant",
            Purpose::Phone => "phone",
            Purpose::Operator => "operator",
        }
    }
}

/// Who hears how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    /// The admin center: the outcome goes to the dial-out log the API reads.
    Admin,
    /// An organizer on the phone: the outcome is also spoken to them.
    Phone { participant: u64 },
    /// A caller waiting for the operator: bridged on answer, told otherwise.
    Operator { caller: CallHandle },
}

#[derive(Debug, Clone)]
pub struct DialOutJob {
    /// The attempt's name in the log and the API.
    pub reference: String,
    pub purpose: Purpose,
    pub requester: Requester,
    /// Who asked, as the log names them (`user:3`, `phone`).
    pub requested_by: String,
    /// As typed.
    pub dialed: String,
    /// The meeting the callee joins.
    pub meeting_key: String,
    pub target: Arc<CallTarget>,
    /// The number the requester dialed in on, for a trunk that shows it as caller ID.
    pub dial_in_number: Option<String>,
    /// What the callee hears their invitation in.
    pub language: Language,
}

impl DialOutJob {
    /// The callee's place in the meeting: the organizer for "call me", else an attendee.
    pub fn joins_as_organizer(&self) -> bool {
        self.purpose == Purpose::CallMe
    }
}

/// A fresh reference: 16 lower-case hex characters.
pub fn new_reference() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
