//! The dial-in flow's questions to the admin services, asked on tasks so the SIP loop
//! never waits on the database or on argon2; answers come back as [`DialInInput`].

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use dialbridge_admin::services::{AdminService, PinCheck};
use dialbridge_conference::ivr::{FoundConference, LookupResult, PinDigits, PinResult, RequestId};
use dialbridge_conference::speech::Language;
use dialbridge_sip::endpoint::CallHandle;
use tokio::sync::mpsc;

use super::Joinable;

/// An answer for the dial-in flow.
#[derive(Debug)]
pub enum DialInInput {
    /// The dialed number's languages; `None` when no admin configured the number.
    CalledNumber {
        call: CallHandle,
        languages: Option<(Language, Vec<Language>)>,
    },
    Lookup {
        call: CallHandle,
        request: RequestId,
        result: LookupResult<Joinable>,
    },
    Pin {
        call: CallHandle,
        request: RequestId,
        result: PinResult,
    },
    /// An admin's command on a live meeting.
    Live {
        key: String,
        command: dialbridge_admin::live::LiveCommand,
    },
    /// A dial-out the admin center asked for, already checked by the policy once.
    DialOut(Box<crate::dial_out::DialOutJob>),
}

pub struct Lookups {
    admin: Arc<AdminService>,
    answers: mpsc::UnboundedSender<DialInInput>,
}

impl Lookups {
    pub fn new(admin: Arc<AdminService>, answers: mpsc::UnboundedSender<DialInInput>) -> Self {
        Lookups { admin, answers }
    }

    /// Stores a finished meeting's record; the SIP loop does not wait for it.
    pub fn record_meeting(&self, record: dialbridge_admin::services::MeetingRecordInput) {
        let admin = Arc::clone(&self.admin);
        tokio::spawn(async move {
            let key = record.conference_key.clone();
            if let Err(error) = admin.record_meeting(record).await {
                tracing::warn!(meeting = %key, %error, "meeting record not stored");
            }
        });
    }

    pub fn called_number(&self, call: CallHandle, e164: &str) {
        let admin = Arc::clone(&self.admin);
        let answers = self.answers.clone();
        let e164 = e164.to_owned();
        tokio::spawn(async move {
            let languages = match admin.called_number(&e164).await {
                Ok(Some(number)) => Some((
                    Language::new(number.fields.primary_language),
                    number
                        .fields
                        .secondary_languages
                        .into_iter()
                        .map(Language::new)
                        .collect(),
                )),
                Ok(None) => {
                    tracing::info!(%call, called = %e164, "called number is not a configured dial-in number; prompts in the default language");
                    None
                }
                Err(error) => {
                    tracing::warn!(%call, %error, "cannot read the dial-in number");
                    None
                }
            };
            let _ = answers.send(DialInInput::CalledNumber { call, languages });
        });
    }

    pub fn conference(&self, call: CallHandle, request: RequestId, digits: String) {
        let admin = Arc::clone(&self.admin);
        let answers = self.answers.clone();
        tokio::spawn(async move {
            let result = match admin.resolve_at(&digits, unix_now()).await {
                Ok(Some(target)) => {
                    let key = match target.meeting_id {
                        Some(meeting) => format!("meeting-{}", meeting.0),
                        None => format!("organizer-{}", target.organizer_id.0),
                    };
                    let found = FoundConference {
                        organizer_can_use_pin: target.pin.hash.is_some(),
                        pin_locked: target.pin.is_locked(unix_now()),
                        record_names: Some(target.record_names),
                        meeting: Joinable {
                            key,
                            target: Some(Arc::new(target)),
                        },
                    };
                    LookupResult::Found(found)
                }
                Ok(None) => LookupResult::NotFound,
                Err(error) => {
                    tracing::warn!(%call, %error, "conference ID lookup failed");
                    LookupResult::Unavailable
                }
            };
            let _ = answers.send(DialInInput::Lookup {
                call,
                request,
                result,
            });
        });
    }

    /// Checks the PIN against the stored hash and counts the attempt for the lockout across
    /// calls (the admin service runs argon2 off the async workers).
    pub fn pin(&self, call: CallHandle, request: RequestId, meeting: Joinable, pin: PinDigits) {
        let admin = Arc::clone(&self.admin);
        let answers = self.answers.clone();
        let organizer = meeting.target.as_ref().map(|target| target.organizer_id);
        tokio::spawn(async move {
            let result = match organizer {
                None => PinResult::Wrong,
                Some(organizer) => {
                    match admin.verify_pin(organizer, pin.expose(), unix_now()).await {
                        Ok(PinCheck::Ok) => PinResult::Correct,
                        Ok(PinCheck::Wrong { .. } | PinCheck::NoPin) => PinResult::Wrong,
                        Ok(PinCheck::Locked { until }) => {
                            tracing::info!(%call, until, "organizer PIN entry is locked");
                            PinResult::Locked
                        }
                        Err(error) => {
                            tracing::warn!(%call, %error, "PIN check failed");
                            PinResult::Unavailable
                        }
                    }
                }
            };
            let _ = answers.send(DialInInput::Pin {
                call,
                request,
                result,
            });
        });
    }
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
