//! Calls we place: dial-out jobs from the admin center, `*2` and `*0`. Each is checked by
//! the policy (again: counts may have moved since the admin API looked), sent to the first
//! outbound trunk with room, followed to its outcome, and once answered handed to the
//! dial-in flow ("press 1 to join") or bridged to the caller who wanted the operator.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use dialbridge_conference::meeting::DialOutResult;
use dialbridge_dialout::trunk::CallerIdSources;
use dialbridge_dialout::{Approved, AttemptAction, DialOutAttempt, DialOutOutcome};
use dialbridge_sdp::{LocalMedia, SessionOrigin, SessionVersion};
use dialbridge_sip::endpoint::{CallHandle, Endpoint};

use super::{unix_now, unix_now_i64, ActiveCall, CallControl, Route};
use crate::dial_out::record::{DialOutLog, Status};
use crate::dial_out::{decide, DialOutJob, DialOutLoadBoard, OutboundTrunks, Purpose, Requester};
use crate::dialin::OutboundRequest;
use crate::media_engine::{CallMediaSetup, StreamParameters, WorkerCommand};

/// What call control keeps for dialing out.
pub struct DialOuts {
    pub trunks: OutboundTrunks,
    pub load: Arc<DialOutLoadBoard>,
    pub log: DialOutLog,
    pub ring_timeout: Duration,
}

/// The dial-out side of an [`ActiveCall`].
pub(super) struct OutboundLeg {
    pub job: DialOutJob,
    pub trunk: usize,
    pub approved: Approved,
    pub attempt: DialOutAttempt,
    /// The callee pressed 1 (or needed not) and is in the meeting, or the operator is
    /// bridged: the log says "joined" rather than "declined by callee" when it ends.
    pub joined: bool,
}

impl OutboundLeg {
    fn log(&self, log: &DialOutLog, status: Status, reason: Option<String>) {
        log.write(
            &self.job,
            Some(&self.approved.e164),
            Some(self.approved.country.as_str()),
            status,
            reason,
        );
    }
}

impl CallControl {
    /// Places `job`, or reports at once why not.
    pub(super) fn place_dial_out(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        job: DialOutJob,
    ) {
        let approved = match decide(
            &job.target,
            &job.meeting_key,
            &job.dialed,
            &self.dial_outs.load,
        ) {
            Ok(approved) => approved,
            Err(refusal) => {
                tracing::info!(reference = %job.reference, %refusal, "dial-out refused");
                self.dial_outs.log.write(
                    &job,
                    refusal.e164.as_deref(),
                    None,
                    Status::Refused,
                    Some(refusal.reason.to_string()),
                );
                self.report(&job, DialOutResult::NotAllowed);
                return;
            }
        };
        let fail = |this: &mut Self, why: String| {
            tracing::warn!(reference = %job.reference, %why, "dial-out not placed");
            this.dial_outs.log.write(
                &job,
                Some(&approved.e164),
                Some(approved.country.as_str()),
                Status::Failed,
                Some(why),
            );
            this.report(&job, DialOutResult::Failed);
        };
        let Some(trunk_index) = self.dial_outs.trunks.pick() else {
            let why = if self.dial_outs.trunks.is_empty() {
                "no outbound trunk is configured"
            } else {
                "every outbound trunk is at its call limit"
            };
            return fail(self, why.to_owned());
        };
        let Some((trunk, proxy)) = self.dial_outs.trunks.trunk(trunk_index) else {
            return fail(self, "outbound trunk vanished".to_owned());
        };
        let organizer_default = job.target.dial_out.organizer_default_number.clone();
        let caller = match trunk.caller_id(CallerIdSources {
            dial_in_number: job
                .dial_in_number
                .as_deref()
                .or(organizer_default.as_deref()),
            organizer_default: organizer_default.as_deref(),
        }) {
            Ok(caller) => caller,
            Err(error) => return fail(self, error.to_string()),
        };
        let trunk_name = trunk.name.clone();
        let Some(lease) = self.ports.allocate() else {
            return fail(self, "no free RTP port".to_owned());
        };
        let session = SessionVersion {
            id: unix_now(),
            version: unix_now(),
        };
        // Plain RTP: carriers' trunks rarely do SDES, and an offer they cannot read fails
        // the whole call, where an unencrypted leg to the PSTN loses nothing.
        let local_media = LocalMedia::new(self.media_address, lease.port, session);
        let mut origin = SessionOrigin::new(session);
        let offer = origin.offer(&local_media);
        let call =
            match trunk.outgoing_call(&approved, &caller, proxy, Bytes::from(offer.sdp.clone())) {
                Ok(call) => call,
                Err(error) => return fail(self, error.to_string()),
            };
        let (rtp, rtcp) = match (lease.rtp.try_clone(), lease.rtcp.try_clone()) {
            (Ok(rtp), Ok(rtcp)) => (rtp, rtcp),
            (Err(error), _) | (_, Err(error)) => return fail(self, error.to_string()),
        };
        let handle = endpoint.start_call(now, call);
        // The worker holds the sockets and sends nothing until the answer names the stream.
        self.media.attach(CallMediaSetup {
            call: handle,
            rtp,
            rtcp,
            media: StreamParameters::unknown(&local_media),
            inband_dtmf: false,
        });
        tracing::info!(
            call = %handle, reference = %job.reference, trunk = %trunk_name,
            to = %approved.e164, caller_id = %caller.e164, "dial-out placed"
        );
        self.dial_outs.trunks.call_started(trunk_index);
        self.dial_outs
            .load
            .started(&job.meeting_key, job.target.organization_id);
        let leg = OutboundLeg {
            trunk: trunk_index,
            attempt: DialOutAttempt::new(now, self.dial_outs.ring_timeout),
            approved: approved.clone(),
            joined: false,
            job,
        };
        leg.log(&self.dial_outs.log, Status::Calling, None);
        self.calls.insert(
            handle,
            ActiveCall {
                trunk: trunk_name,
                called: approved.e164.clone(),
                origin,
                local_media,
                our_offer: Some(offer),
                _lease: lease,
                route: Route::Outbound,
                caller_number: Some(caller.e164),
                started_unix: unix_now_i64(),
                answered_unix: None,
                answered_at: now,
                outbound: Some(Box::new(leg)),
            },
        );
    }

    /// What the dial-in flow asked of call control besides hang-ups.
    pub(super) fn handle_outbound_request(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        request: OutboundRequest,
    ) {
        match request {
            OutboundRequest::DialOut {
                meeting_key,
                by,
                digits,
                language,
                target,
            } => {
                let dial_in_number = self.calls.get(&by).map(|active| active.called.clone());
                let job = DialOutJob {
                    reference: crate::dial_out::job::new_reference(),
                    purpose: Purpose::Phone,
                    requester: Requester::Phone { participant: by.0 },
                    requested_by: "phone".to_owned(),
                    dialed: digits,
                    meeting_key,
                    target,
                    dial_in_number,
                    language,
                };
                self.place_dial_out(endpoint, now, job);
            }
            OutboundRequest::Operator {
                meeting_key,
                caller,
                number,
                language,
                target,
            } => {
                let dial_in_number = self.calls.get(&caller).map(|active| active.called.clone());
                let job = DialOutJob {
                    reference: crate::dial_out::job::new_reference(),
                    purpose: Purpose::Operator,
                    requester: Requester::Operator { caller },
                    requested_by: "phone".to_owned(),
                    dialed: number,
                    meeting_key,
                    target,
                    dial_in_number,
                    language,
                };
                self.place_dial_out(endpoint, now, job);
            }
            OutboundRequest::Joined { call } => {
                let log = self.dial_outs.log.clone();
                if let Some(leg) = self.outbound_leg(call) {
                    leg.joined = true;
                    leg.log(&log, Status::Joined, None);
                }
            }
        }
    }

    /// A 180/183 for a call we placed.
    pub(super) fn on_outbound_progress(&mut self, call: CallHandle, status: u16) {
        let log = self.dial_outs.log.clone();
        let Some(leg) = self.outbound_leg(call) else {
            return;
        };
        if let AttemptAction::Report(outcome) = leg.attempt.progress(status) {
            leg.log(&log, Status::from_outcome(outcome), None);
        }
    }

    /// The callee picked up: check their answer, start the media, then the invitation
    /// (or the operator bridge).
    pub(super) fn on_outbound_answered(
        &mut self,
        endpoint: &mut Endpoint,
        now: Instant,
        call: CallHandle,
        sdp: &[u8],
    ) {
        let Some(active) = self.calls.get_mut(&call) else {
            return;
        };
        let Some(offer) = &active.our_offer else {
            return;
        };
        let audio = match dialbridge_sdp::accept_answer(offer, sdp) {
            Ok(audio) => audio,
            Err(error) => {
                // The call is up but unusable: end it; `CallEnded` cleans up and logs.
                tracing::info!(%call, %error, "dial-out answer not acceptable; hanging up");
                let _ = endpoint.hangup(now, call);
                return;
            }
        };
        active.answered_at = now;
        active.answered_unix = Some(unix_now_i64());
        let Some(leg) = active.outbound.as_mut() else {
            return;
        };
        let media = StreamParameters::from_negotiated(&audio);
        if let AttemptAction::Report(outcome) = leg.attempt.answered() {
            leg.log(&self.dial_outs.log, Status::from_outcome(outcome), None);
        }
        let job = leg.job.clone();
        let e164 = leg.approved.e164.clone();
        self.media
            .command(call, WorkerCommand::UpdateStream { call, media });
        self.stats
            .active
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(%call, reference = %job.reference, "dial-out answered");
        self.report(&job, DialOutResult::Answered);
        match job.requester {
            Requester::Operator { caller } => {
                if self
                    .dial_in
                    .bridge_to_operator(&mut self.media, now, caller, call)
                {
                    let log = self.dial_outs.log.clone();
                    if let Some(leg) = self.outbound_leg(call) {
                        leg.joined = true;
                        leg.log(&log, Status::Joined, None);
                    }
                } else {
                    // The caller hung up while the operator's phone rang.
                    let _ = endpoint.hangup(now, call);
                }
            }
            Requester::Admin | Requester::Phone { .. } => {
                let confirm = job.target.dial_out.join_confirmation;
                self.dial_in.start_invited(
                    &mut self.media,
                    now,
                    call,
                    crate::dialin::Invitation {
                        meeting_key: job.meeting_key.clone(),
                        target: Arc::clone(&job.target),
                        organizer: job.joins_as_organizer(),
                        language: job.language.clone(),
                        confirm,
                        number: Some(e164),
                    },
                );
            }
        }
        self.after_dial_in(endpoint, now);
    }

    /// Our INVITE ended without an answer: busy, declined, no answer, failed.
    pub(super) fn on_outbound_failed(
        &mut self,
        call: CallHandle,
        status: Option<u16>,
        reason: &str,
    ) {
        let Some(mut active) = self.calls.remove(&call) else {
            return;
        };
        self.media.detach(call);
        let Some(mut leg) = active.outbound.take() else {
            return;
        };
        let outcome = match leg.attempt.failed(status) {
            AttemptAction::Report(outcome) => outcome,
            _ => DialOutOutcome::from_failure(status, false),
        };
        tracing::info!(%call, reference = %leg.job.reference, ?status, %reason, %outcome, "dial-out ended unanswered");
        let detail = match status {
            Some(code) => format!("{code} {reason}"),
            None => reason.to_owned(),
        };
        leg.log(
            &self.dial_outs.log,
            Status::from_outcome(outcome),
            Some(detail.clone()),
        );
        self.report(
            &leg.job,
            match outcome {
                DialOutOutcome::Busy | DialOutOutcome::Declined => DialOutResult::Busy,
                DialOutOutcome::NoAnswer => DialOutResult::NoAnswer,
                _ => DialOutResult::Failed,
            },
        );
        self.finish_outbound(&leg);
        active.outbound = Some(leg);
        self.record_call(&active, None, &detail);
    }

    /// An answered dial-out call ended (either side hung up).
    pub(super) fn on_outbound_ended(&mut self, leg: &OutboundLeg) {
        if !leg.joined {
            leg.log(
                &self.dial_outs.log,
                Status::DeclinedByCallee,
                Some("the callee did not press 1".to_owned()),
            );
        }
        self.finish_outbound(leg);
    }

    fn finish_outbound(&mut self, leg: &OutboundLeg) {
        self.dial_outs.trunks.call_finished(leg.trunk);
        self.dial_outs
            .load
            .finished(&leg.job.meeting_key, leg.job.target.organization_id);
    }

    /// The ring timeouts of the calls we placed.
    pub(super) fn outbound_timeout(&self) -> Option<Instant> {
        self.calls
            .values()
            .filter_map(|active| active.outbound.as_ref()?.attempt.poll_timeout())
            .min()
    }

    pub(super) fn handle_outbound_timeouts(&mut self, endpoint: &mut Endpoint, now: Instant) {
        let due: Vec<CallHandle> = self
            .calls
            .iter_mut()
            .filter_map(|(call, active)| {
                let leg = active.outbound.as_mut()?;
                (leg.attempt.handle_timeout(now) == AttemptAction::Cancel).then_some(*call)
            })
            .collect();
        for call in due {
            tracing::info!(%call, "dial-out rang too long; cancelling");
            let _ = endpoint.cancel_call(now, call);
        }
    }

    /// Tells the requester how it went: spoken to an organizer on the phone, and to a
    /// caller waiting for the operator when the operator cannot be reached.
    fn report(&mut self, job: &DialOutJob, result: DialOutResult) {
        match job.requester {
            Requester::Admin => {}
            Requester::Phone { participant } => {
                self.dial_in
                    .dial_out_result(&mut self.media, &job.meeting_key, participant, result)
            }
            Requester::Operator { caller } => {
                if result != DialOutResult::Answered {
                    self.dial_in.operator_unavailable(&mut self.media, caller);
                }
            }
        }
    }

    fn outbound_leg(&mut self, call: CallHandle) -> Option<&mut OutboundLeg> {
        self.calls.get_mut(&call)?.outbound.as_deref_mut()
    }
}
