//! Sending a caller on to an outside number (a blind transfer to a number,
//! or an IVR's `transfer` to one): a second SIP leg through the outbound
//! trunk, bridged RTP to RTP with the caller's leg once it answers.
//!
//! The caller's leg stays up and hears hold music while the number rings.
//! Our offer to the number carries a fresh RTP leg of ours; on the answer
//! the media driver bridges the two legs packet by packet (no decoding
//! when the codecs agree). Keys either side presses are passed to the
//! other. Either side hanging up ends the call and hangs the other up. If
//! the number cannot be reached (busy, no answer, the trunk refusing), the
//! caller is not lost: the call rings every free agent, as a transfer an
//! agent declined does.
//!
//! The second dialog is asked for with the call's id and [`FAR`] appended,
//! so that [`Calls::handle_invited`] can tell it from an agent's own
//! outbound call.

use std::net::SocketAddr;

use shared::ws::CallEndKind;

use super::{CODECS, CallError, Calls, MediaPlan, Output, SipCommand, State, is_dialable};
use crate::media::rtp_leg::RtpLegId;
use crate::media::webrtc::LegId;
use crate::sdp;
use crate::sip::dialog::DialogId;
use shared::ws::{ConsultState, ServerMsg};

/// Appended to a call's id for the INVITE of its far leg.
pub const FAR: &str = "#far";

/// How long an outside number may take to answer (ms) before we give up
/// on it, whatever the trunk does: the caller rings every free agent again,
/// or the consulting agent is back with the caller.
pub const FAR_RING_MS: u64 = 60_000;

/// The outside party a call is sent on to.
#[derive(Debug, Clone)]
pub(super) struct Far {
    pub number: String,
    /// Our RTP leg towards the number, once open.
    pub rtp: Option<(RtpLegId, SocketAddr)>,
    pub dialog: Option<DialogId>,
    /// The number answered; the legs are bridged (or, consulting, the
    /// agent talks with it).
    pub connected: bool,
    /// The agent consults it (an attended transfer): `Some(agent)` until
    /// the transfer completes.
    pub consult: Option<Consulting>,
    /// Unanswered by then (ms), it is given up ([`FAR_RING_MS`]).
    pub ring_until: u64,
}

/// The agent's side of a consultation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Consulting {
    pub agent: i64,
    pub browser: LegId,
    /// All three are mixed together.
    pub joined: bool,
}

impl Calls {
    /// The agent hands their talking call to an outside number. Not while
    /// it is recorded or supervised (its audio is mixed), nor without an
    /// outbound trunk.
    pub fn handle_transfer_to_number(&mut self, agent: i64, call_id: &str, number: &str) -> Result<(), CallError> {
        let number = number.trim();
        if !is_dialable(number) {
            return Err(CallError::BadNumber);
        }
        if self.outbound.is_none() {
            return Err(CallError::TargetUnavailable);
        }
        let (browser, rtp, local) = self.transferable(agent, call_id)?;
        let mixed = self
            .calls
            .get(call_id)
            .is_some_and(|c| c.recording != shared::ws::RecordingState::Off || !c.supervisors.is_empty());
        if mixed {
            return Err(CallError::WrongState);
        }
        // No hold of its own: `forward` plays the caller music.
        self.hand_off(agent, call_id, browser, rtp, false);
        if let Some(call) = self.calls.get_mut(call_id) {
            call.kept = Some((rtp, local));
        }
        self.track(call_id, super::Tracked::TransferredToNumber { from: Some(agent), number: number.to_owned() });
        // Forwarded before the agent is free, or the call would ring for them again.
        self.forward(call_id, number);
        self.free(agent);
        Ok(())
    }

    /// Sends the caller (their leg kept) on to `number`: the far leg's
    /// media first ([`Output::OpenFar`]).
    pub(super) fn forward(&mut self, call_id: &str, number: &str) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if self.outbound.is_none() || !is_dialable(number) {
            tracing::warn!(
                "a transfer to a number without an outbound trunk, or to no number: the call rings every free agent"
            );
            self.ring_everyone(call_id, None);
            return;
        }
        call.state = State::Forwarded;
        call.far = Some(Far {
            number: number.to_owned(),
            rtp: None,
            dialog: None,
            connected: false,
            consult: None,
            ring_until: self.now + FAR_RING_MS,
        });
        if let Some((rtp, _)) = call.kept {
            self.out.push_back(Output::Music { rtp, on: true });
        }
        self.out.push_back(Output::OpenFar { call_id: call_id.to_owned() });
        self.publish(call_id);
    }

    /// The far leg's media is open (or could not be): the INVITE leaves.
    /// A consulting agent's softphone moves to it, to hear it ring.
    pub fn handle_far_media(&mut self, call_id: &str, media: Result<(RtpLegId, SocketAddr), ()>) {
        // A campaign's call opens its only leg the same way.
        if self.campaign_media(call_id, &media) {
            return;
        }
        let live = |c: &&mut super::Call| {
            matches!(c.state, State::Forwarded) || c.far.as_ref().is_some_and(|f| f.consult.is_some())
        };
        let Some(call) = self.calls.get_mut(call_id).filter(live) else {
            if let Ok((rtp, _)) = media {
                self.out.push_back(Output::Release { browser: None, rtp: Some(rtp) });
            }
            return;
        };
        let Ok((rtp, local)) = media else {
            self.far_failed(call_id);
            return;
        };
        let Some(far) = call.far.as_mut() else { return };
        far.rtp = Some((rtp, local));
        let number = far.number.clone();
        if let Some(c) = far.consult {
            self.out.push_back(Output::MoveAgent { browser: c.browser, rtp });
        }
        call.sdp_version += 1;
        let offer = sdp::make_offer(local, &CODECS, call.session_id, call.sdp_version, sdp::Direction::SendRecv);
        self.by_rtp.insert(rtp, call_id.to_owned());
        let caller_id = self.outbound.as_ref().map(|(_, id)| id.clone()).unwrap_or_default();
        let invite = SipCommand::Invite {
            call_id: format!("{call_id}{FAR}"),
            number,
            caller_id,
            sdp: offer.to_string().into_bytes(),
        };
        self.out.push_back(Output::Sip(invite));
    }

    /// The SIP driver placed (or could not place) the far leg's INVITE.
    pub(super) fn far_invited(&mut self, call_id: &str, dialog: Result<DialogId, ()>) {
        let far = self.calls.get_mut(call_id).and_then(|c| c.far.as_mut());
        match (far, dialog) {
            (Some(far), Ok(dialog)) => {
                far.dialog = Some(dialog);
                self.by_dialog.insert(dialog, call_id.to_owned());
            }
            (None, Ok(dialog)) => self.out.push_back(Output::Sip(SipCommand::HangUp { dialog })),
            (Some(_), Err(())) => self.far_failed(call_id),
            (None, Err(())) => {}
        }
    }

    /// Whether `dialog` is the far leg of `call_id`.
    pub(super) fn is_far(&self, call_id: &str, dialog: DialogId) -> bool {
        self.calls.get(call_id).and_then(|c| c.far.as_ref()).is_some_and(|f| f.dialog == Some(dialog))
    }

    /// The number answered with `sdp`: the two legs are bridged.
    pub(super) fn far_answered(&mut self, call_id: &str, sdp: Option<&[u8]>) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        // A consulting agent's call is still theirs (talking); a sent-on one
        // keeps the caller's leg.
        let caller = match call.state {
            State::Talking { rtp, .. } => Some(rtp),
            _ => call.kept.map(|(rtp, _)| rtp),
        };
        let Some(far) = call.far.as_mut() else { return };
        let agreed = sdp.and_then(|b| sdp::parse(b).ok()).and_then(|s| sdp::read_answer(&s, &CODECS).ok());
        let (Some(agreed), Some((rtp, _)), Some(caller)) = (agreed, far.rtp, caller) else {
            // An answer we cannot use: the number is hung up, the caller stays.
            if let Some(dialog) = far.dialog {
                self.out.push_back(Output::Sip(SipCommand::HangUp { dialog }));
            }
            self.far_failed(call_id);
            return;
        };
        far.connected = true;
        let consult = far.consult;
        let plan = MediaPlan {
            remote: agreed.remote,
            codec: agreed.codec,
            pt: agreed.codec_pt,
            telephone_event_pt: agreed.telephone_event_pt,
        };
        self.out.push_back(Output::MediaRemote {
            rtp,
            remote: plan.remote,
            codec: plan.codec,
            pt: plan.pt,
            te_pt: plan.telephone_event_pt,
        });
        if let Some(c) = consult {
            // The agent talks with the number alone; the caller waits.
            self.consult_news(c.agent, call_id, ConsultState::Connected);
            return;
        }
        self.out.push_back(Output::BridgeRtp { a: caller, b: rtp });
        call.answered = true;
        self.track(call_id, super::Tracked::ForwardAnswered);
        self.publish(call_id);
    }

    /// The far leg ended: before its answer the caller goes to the agents;
    /// after, the call is over.
    pub(super) fn far_ended(&mut self, call_id: &str, status: Option<u16>) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if call.far.as_ref().is_some_and(|f| f.consult.is_some()) {
            // Their dialog is over: nothing to hang up there.
            if let Some(d) = call.far.as_mut().and_then(|f| f.dialog.take()) {
                self.by_dialog.remove(&d);
            }
            self.consult_over(call_id);
            return;
        }
        let connected = call.far.as_ref().is_some_and(|f| f.connected);
        if connected {
            // Its dialog is over already: nothing to hang up there.
            if let Some(d) = call.far.as_mut().and_then(|f| f.dialog.take()) {
                self.by_dialog.remove(&d);
            }
            self.hang_up_caller(call_id, CallEndKind::RemoteHangUp);
            return;
        }
        tracing::info!(status, "the transfer's number was not reached: the call rings every free agent");
        self.far_failed(call_id);
    }

    /// The number could not be reached: its leg closes and the caller,
    /// still on hold music, rings for every free agent.
    fn far_failed(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if call.far.as_ref().is_some_and(|f| f.consult.is_some()) {
            self.consult_over(call_id);
            return;
        }
        if let Some(far) = call.far.take() {
            if let Some(d) = far.dialog {
                self.by_dialog.remove(&d);
            }
            if let Some((rtp, _)) = far.rtp {
                self.by_rtp.remove(&rtp);
                self.out.push_back(Output::Release { browser: None, rtp: Some(rtp) });
            }
        }
        self.ring_everyone(call_id, None);
    }

    /// Outside numbers that rang too long are given up: hung up (CANCEL),
    /// and the caller rings every free agent, or the consulting agent is
    /// back with the caller.
    pub(super) fn far_timeouts(&mut self) {
        let now = self.now;
        let due: Vec<String> = self
            .calls
            .iter()
            .filter(|(_, c)| c.far.as_ref().is_some_and(|f| !f.connected && f.ring_until <= now))
            .map(|(id, _)| id.clone())
            .collect();
        for call_id in due {
            tracing::info!("the outside number did not answer in time: given up");
            let Some(call) = self.calls.get_mut(&call_id) else { continue };
            if call.far.as_ref().is_some_and(|f| f.consult.is_some()) {
                self.consult_over(&call_id);
            } else {
                let far = call.far.take();
                self.far_over(far);
                self.ring_everyone(&call_id, None);
            }
        }
    }

    /// When the next outside number rings too long.
    pub(super) fn far_deadline(&self) -> Option<u64> {
        self.calls.values().filter_map(|c| c.far.as_ref().filter(|f| !f.connected).map(|f| f.ring_until)).min()
    }

    /// A key pressed on one side of a forwarded call goes to the other.
    /// False when the call is not a connected forwarded one.
    pub(super) fn forward_digit(&mut self, call_id: &str, from: RtpLegId, digit: char) -> bool {
        let Some(call) = self.calls.get(call_id) else { return false };
        let (Some(far), Some((caller, _))) = (call.far.as_ref().filter(|f| f.connected), call.kept) else {
            return false;
        };
        let Some((far_rtp, _)) = far.rtp else { return false };
        let to = if from == far_rtp { caller } else { far_rtp };
        self.out.push_back(Output::SendDigits { rtp: to, digits: digit.to_string() });
        true
    }

    /// The call is over: its far leg is hung up and closed.
    pub(super) fn far_over(&mut self, far: Option<Far>) {
        let Some(far) = far else { return };
        if let Some(dialog) = far.dialog {
            self.by_dialog.remove(&dialog);
            self.out.push_back(Output::Sip(SipCommand::HangUp { dialog }));
        }
        if let Some((rtp, _)) = far.rtp {
            self.by_rtp.remove(&rtp);
            self.out.push_back(Output::Release { browser: None, rtp: Some(rtp) });
        }
    }

    // ----- attended transfer: the agent consults the number first -----

    /// The agent calls `number` while the caller waits with hold music.
    /// Not while recorded, supervised or held, nor a second consultation.
    pub fn handle_consult(&mut self, agent: i64, call_id: &str, number: &str) -> Result<(), CallError> {
        let number = number.trim();
        if !is_dialable(number) {
            return Err(CallError::BadNumber);
        }
        if self.outbound.is_none() {
            return Err(CallError::TargetUnavailable);
        }
        let (browser, rtp, _) = self.transferable(agent, call_id)?;
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        if call.far.is_some() || call.recording != shared::ws::RecordingState::Off || !call.supervisors.is_empty() {
            return Err(CallError::WrongState);
        }
        call.far = Some(Far {
            number: number.to_owned(),
            rtp: None,
            dialog: None,
            connected: false,
            consult: Some(Consulting { agent, browser, joined: false }),
            ring_until: self.now + FAR_RING_MS,
        });
        self.out.push_back(Output::Music { rtp, on: true });
        self.out.push_back(Output::OpenFar { call_id: call_id.to_owned() });
        self.consult_news(agent, call_id, ConsultState::Dialing);
        Ok(())
    }

    /// The consulting agent's own consultation, connected unless `any`.
    fn consultation(&self, agent: i64, call_id: &str) -> Result<(Consulting, RtpLegId, RtpLegId), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        let State::Talking { agent: a, rtp, .. } = call.state else { return Err(CallError::WrongState) };
        if a != agent {
            return Err(CallError::Gone);
        }
        let far = call.far.as_ref().ok_or(CallError::WrongState)?;
        let (Some(c), true, Some((far_rtp, _)), false) = (far.consult, far.connected, far.rtp, call.held) else {
            return Err(CallError::WrongState);
        };
        Ok((c, rtp, far_rtp))
    }

    /// The caller and the number are put through; the agent leaves.
    pub fn handle_consult_complete(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        let (c, caller, far_rtp) = self.consultation(agent, call_id)?;
        let number = self.calls.get(call_id).and_then(|call| call.far.as_ref()).map(|f| f.number.clone());
        // The agent's leg goes; the queue's part is over (no wrap-up).
        let local = self.calls.get(call_id).and_then(|call| call.local);
        self.hand_off(agent, call_id, c.browser, caller, false);
        let Some(call) = self.calls.get_mut(call_id) else { return Ok(()) };
        call.state = State::Forwarded;
        call.answered = true;
        call.kept = local.map(|l| (caller, l));
        if let Some(f) = call.far.as_mut() {
            f.consult = None;
        }
        self.out.push_back(Output::BridgeRtp { a: caller, b: far_rtp });
        self.track(
            call_id,
            super::Tracked::TransferredToNumber { from: Some(agent), number: number.unwrap_or_default() },
        );
        self.free(agent);
        self.publish(call_id);
        Ok(())
    }

    /// All three together.
    pub fn handle_consult_join(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        let (c, caller, far_rtp) = self.consultation(agent, call_id)?;
        if c.joined {
            return Ok(());
        }
        if let Some(f) = self.calls.get_mut(call_id).and_then(|call| call.far.as_mut())
            && let Some(cons) = f.consult.as_mut()
        {
            cons.joined = true;
        }
        self.out.push_back(Output::JoinFar { caller, browser: c.browser, far: far_rtp });
        self.consult_news(agent, call_id, ConsultState::Joined);
        self.publish(call_id);
        Ok(())
    }

    /// The number is hung up; the agent is back with the caller.
    pub fn handle_consult_cancel(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        if call.state.agent() != Some(agent) {
            return Err(CallError::Gone);
        }
        if call.far.as_ref().is_none_or(|f| f.consult.is_none()) {
            return Err(CallError::WrongState);
        }
        self.consult_over(call_id);
        Ok(())
    }

    /// The consultation is over (cancelled, not reached, hung up): its leg
    /// goes and the agent is back with the caller, alone.
    fn consult_over(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let State::Talking { rtp: caller, .. } = call.state else { return };
        let Some(far) = call.far.take() else { return };
        let Some(c) = far.consult else { return };
        let joined = c.joined;
        self.far_over(Some(Far { consult: None, ..far }));
        if !joined {
            self.out.push_back(Output::Music { rtp: caller, on: false });
        }
        self.out.push_back(Output::MoveAgent { browser: c.browser, rtp: caller });
        self.consult_news(c.agent, call_id, ConsultState::Ended);
        self.publish(call_id);
    }

    /// The agent hangs up during a consultation: once all three are
    /// together, the other two go on talking (as a completed transfer);
    /// before, the call ends. False when there is no consultation.
    pub(super) fn consult_hang_up(&mut self, agent: i64, call_id: &str) -> bool {
        let joined = match self.calls.get(call_id).and_then(|c| c.far.as_ref()).and_then(|f| f.consult) {
            Some(c) => c.joined,
            None => return false,
        };
        joined && self.handle_consult_complete(agent, call_id).is_ok()
    }

    fn consult_news(&mut self, agent: i64, call_id: &str, state: ConsultState) {
        let msg = ServerMsg::CallConsult { call_id: call_id.to_owned(), state };
        self.out.push_back(Output::Notify { agent, msg });
    }

    /// Ends a consultation for a refreshed page: the number is hung up and
    /// the caller's leg is the agent's again.
    pub(super) fn end_consult(&mut self, call_id: &str) {
        self.consult_over(call_id);
    }

    /// The outside number's leg went quiet: as if it hung up (the caller
    /// stays with the agent, or, sent on, is hung up on). False when the
    /// call is neither.
    pub(super) fn far_went_quiet(&mut self, call_id: &str) -> bool {
        let Some(call) = self.calls.get_mut(call_id) else { return false };
        let Some(far) = call.far.as_mut() else { return false };
        let dialog = far.dialog.take();
        if let Some(d) = dialog {
            self.by_dialog.remove(&d);
            self.out.push_back(Output::Sip(SipCommand::HangUp { dialog: d }));
        }
        self.far_ended(call_id, None);
        true
    }
}
