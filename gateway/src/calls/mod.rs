//! Call control: what happens to a call between the SIP dialog and the
//! agents' desks, as a sans-IO core.
//!
//! [`Calls`] keeps every live call with its SIP dialog, the agents it rings
//! for, the agent who took it and its media legs. It takes inputs from the
//! SIP side ([`Calls::handle_incoming`], [`Calls::handle_dialog_event`]),
//! from agents ([`Calls::handle_answer`], [`Calls::handle_decline`],
//! [`Calls::handle_hang_up`], [`Calls::handle_agent`]) and from media
//! ([`Calls::handle_media_ready`], [`Calls::handle_leg_ended`]), and queues
//! [`Output`]s: commands for the SIP driver, messages for agents, media to
//! release. The driver (`drive::calls`) owns the channels and sets up media
//! between [`Calls::handle_answer`] and [`Calls::handle_media_ready`].
//!
//! Until the routing engine exists, an inbound call rings every available
//! agent who is not on a call, and waits (ringing) for one to become
//! available; the first to answer takes it.
//!
//! **Invariants:** an agent has at most one call in progress; a call is
//! answered by at most one agent; every call that ends releases its media
//! and tells everyone it rang for. No input can panic the core; nothing here
//! does IO, reads a clock or draws a random number (call ids come in).

pub mod identity;
pub mod reason;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;

use shared::ws::{CallDirection, CallEndKind, CallEndReason, CallInfo, ServerMsg};

use crate::media::rtp_leg::RtpLegId;
use crate::media::webrtc::{EndReason, LegId};
use crate::sdp::{self, Codec};
use crate::sip::StatusCode;
use crate::sip::dialog::{DialogId, Event as DialogEvent};

/// The codecs SIP legs are answered with, in our order of preference when
/// the offer leaves it open. Browsers speak both, so neither transcodes.
pub const CODECS: [Codec; 2] = [Codec::Pcmu, Codec::Pcma];

/// A new call from a trunk, read from its INVITE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub dialog: DialogId,
    pub trunk: String,
    pub caller: identity::Caller,
    pub dialed: String,
    /// The INVITE's SDP offer, if it had a body.
    pub sdp: Option<Vec<u8>>,
}

/// What the SIP driver is asked to do with a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SipCommand {
    /// 180 Ringing.
    Ring {
        dialog: DialogId,
    },
    /// 200 OK with our SDP (an answer).
    Accept {
        dialog: DialogId,
        sdp: Vec<u8>,
    },
    Reject {
        dialog: DialogId,
        status: StatusCode,
    },
    /// BYE, CANCEL or a refusal, whichever the dialog's state needs.
    HangUp {
        dialog: DialogId,
    },
}

/// Something for the driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Sip(SipCommand),
    /// A message for every open desk of one agent.
    Notify {
        agent: i64,
        msg: ServerMsg,
    },
    /// Media legs to close.
    Release {
        browser: Option<LegId>,
        rtp: Option<RtpLegId>,
    },
}

/// The SIP leg's media, agreed from the caller's offer: what
/// [`Calls::handle_answer`] hands the driver to open the RTP leg with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaPlan {
    /// Where the caller wants our RTP.
    pub remote: SocketAddr,
    pub codec: Codec,
    /// The codec's payload type on this leg.
    pub pt: u8,
    pub telephone_event_pt: Option<u8>,
}

/// Why an agent's request was refused. [`CallError::code`] is what the
/// desk receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("no such call, or not yours")]
    Gone,
    #[error("the call is no longer ringing")]
    NotRinging,
    #[error("you are on another call")]
    Busy,
}

impl CallError {
    pub fn code(self) -> &'static str {
        match self {
            CallError::Gone => "call_gone",
            CallError::NotRinging => "call_taken",
            CallError::Busy => "busy",
        }
    }
}

#[derive(Debug)]
enum State {
    /// Waiting for an agent; `offered` see it ringing.
    Ringing,
    /// An agent answered; media is being set up.
    Answering {
        agent: i64,
    },
    Talking {
        agent: i64,
        browser: LegId,
        rtp: RtpLegId,
    },
}

#[derive(Debug)]
struct Call {
    info: CallInfo,
    /// Arrival order, for offering waiting calls oldest first.
    seq: u64,
    dialog: DialogId,
    /// The caller's SDP offer, answered once media is up.
    offer: sdp::Session,
    plan: MediaPlan,
    state: State,
    offered: BTreeSet<i64>,
    declined: BTreeSet<i64>,
    /// Our SDP's version (`o=`), bumped for each new answer.
    sdp_version: u64,
    session_id: u64,
    /// Our RTP address, once media is up.
    local: Option<SocketAddr>,
}

#[derive(Debug, Default)]
struct Agent {
    available: bool,
    /// The call this agent answered, until it ends.
    call: Option<String>,
}

#[derive(Debug, Default)]
pub struct Calls {
    calls: HashMap<String, Call>,
    by_dialog: HashMap<DialogId, String>,
    by_leg: HashMap<LegId, String>,
    agents: HashMap<i64, Agent>,
    next_seq: u64,
    out: VecDeque<Output>,
}

impl Calls {
    pub fn new() -> Calls {
        Calls::default()
    }

    /// Calls alive, for a gauge.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// A call from a trunk. `call_id` is a fresh unguessable id and
    /// `started` the arrival time (RFC 3339), both from the driver. A call
    /// whose offer we cannot answer is refused 488 (RFC 3261 §13.3.1.3);
    /// one without an offer, 488 too: we do not make offers in 2xx yet.
    pub fn handle_incoming(&mut self, call_id: String, started: String, session_id: u64, incoming: Incoming) {
        let refuse = |out: &mut VecDeque<Output>| {
            let status = StatusCode::new(488).expect("488 is a status code");
            out.push_back(Output::Sip(SipCommand::Reject { dialog: incoming.dialog, status }));
        };
        let Some(offer) = incoming.sdp.as_deref().and_then(|b| sdp::parse(b).ok()) else {
            refuse(&mut self.out);
            return;
        };
        // Negotiated now to refuse early; answered again once our port is known.
        let probe = SocketAddr::from(([0, 0, 0, 0], 9));
        let Ok(answer) = sdp::answer_offer(&offer, probe, &CODECS, session_id, 1) else {
            refuse(&mut self.out);
            return;
        };
        let plan = MediaPlan {
            remote: answer.remote,
            codec: answer.codec,
            pt: answer.codec_pt,
            telephone_event_pt: answer.telephone_event_pt,
        };
        let info = CallInfo {
            call_id: call_id.clone(),
            direction: CallDirection::Inbound,
            from: incoming.caller.number,
            from_name: incoming.caller.name,
            to: incoming.dialed,
            trunk: incoming.trunk,
            started,
        };
        self.out.push_back(Output::Sip(SipCommand::Ring { dialog: incoming.dialog }));
        self.next_seq += 1;
        self.by_dialog.insert(incoming.dialog, call_id.clone());
        self.calls.insert(
            call_id.clone(),
            Call {
                info,
                seq: self.next_seq,
                dialog: incoming.dialog,
                offer,
                plan,
                state: State::Ringing,
                offered: BTreeSet::new(),
                declined: BTreeSet::new(),
                sdp_version: 1,
                session_id,
                local: None,
            },
        );
        let free: Vec<i64> =
            self.agents.iter().filter(|(_, a)| a.available && a.call.is_none()).map(|(id, _)| *id).collect();
        for agent in free {
            self.offer(&call_id, agent);
        }
    }

    /// An agent's availability: connected, in status available. A newly
    /// available agent hears every waiting call ring; one who leaves stops
    /// hearing them (a call they are on goes on).
    pub fn handle_agent(&mut self, agent: i64, available: bool) {
        let a = self.agents.entry(agent).or_default();
        if a.available == available {
            return;
        }
        a.available = available;
        if available {
            self.offer_waiting(agent);
        } else {
            self.withdraw_all(agent, CallEndKind::Withdrawn);
        }
    }

    /// The agent answers a ringing call. On success the call is theirs and
    /// stops ringing elsewhere; the driver opens the media of the plan and
    /// reports with [`handle_media_ready`](Self::handle_media_ready) or
    /// [`handle_media_failed`](Self::handle_media_failed).
    pub fn handle_answer(&mut self, agent: i64, call_id: &str) -> Result<MediaPlan, CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        if !matches!(call.state, State::Ringing) {
            return Err(CallError::NotRinging);
        }
        if !call.offered.contains(&agent) {
            return Err(CallError::Gone);
        }
        if self.agents.get(&agent).is_some_and(|a| a.call.is_some()) {
            return Err(CallError::Busy);
        }
        self.agents.entry(agent).or_default().call = Some(call_id.to_owned());
        let Some(call) = self.calls.get_mut(call_id) else { return Err(CallError::Gone) };
        call.state = State::Answering { agent };
        let plan = call.plan;
        let others: Vec<i64> = std::mem::take(&mut call.offered).into_iter().filter(|a| *a != agent).collect();
        // The agent's other ringing calls stop ringing for them.
        self.withdraw_all(agent, CallEndKind::Withdrawn);
        for other in others {
            self.notify_end(other, call_id, reason::end(CallEndKind::AnsweredElsewhere, None, None));
        }
        Ok(plan)
    }

    /// The media of an answered call is up: `browser` is the agent's leg,
    /// `rtp` the caller's, reachable at `local`. Answers the caller. If the
    /// call ended meanwhile, returns [`CallError::Gone`] and the driver
    /// closes both legs.
    pub fn handle_media_ready(
        &mut self,
        call_id: &str,
        browser: LegId,
        rtp: RtpLegId,
        local: SocketAddr,
    ) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let State::Answering { agent } = call.state else { return Err(CallError::Gone) };
        let sdp = match sdp::answer_offer(&call.offer, local, &CODECS, call.session_id, call.sdp_version) {
            Ok(a) => a.sdp.to_string().into_bytes(),
            // The same offer was answerable at arrival; this cannot fail.
            Err(_) => return Err(CallError::Gone),
        };
        call.state = State::Talking { agent, browser, rtp };
        call.local = Some(local);
        self.by_leg.insert(browser, call_id.to_owned());
        self.out.push_back(Output::Sip(SipCommand::Accept { dialog: call.dialog, sdp }));
        Ok(())
    }

    /// The agent's media could not be set up (a bad offer from the browser,
    /// no free port): the call rings again, for them too.
    pub fn handle_media_failed(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let State::Answering { agent } = call.state else { return };
        call.state = State::Ringing;
        if let Some(a) = self.agents.get_mut(&agent) {
            a.call = None;
        }
        let free: Vec<i64> =
            self.agents.iter().filter(|(_, a)| a.available && a.call.is_none()).map(|(id, _)| *id).collect();
        for a in free {
            self.offer(call_id, a);
        }
        if self.agents.get(&agent).is_some_and(|a| a.available) {
            self.offer_waiting(agent);
        }
    }

    /// The agent declines a ringing call: it stops ringing for them and
    /// goes on ringing for the others.
    pub fn handle_decline(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        if !call.offered.remove(&agent) {
            return Err(CallError::Gone);
        }
        call.declined.insert(agent);
        self.notify_end(agent, call_id, reason::end(CallEndKind::Withdrawn, None, None));
        Ok(())
    }

    /// The agent hangs up their call.
    pub fn handle_hang_up(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        let theirs = match call.state {
            State::Answering { agent: a } | State::Talking { agent: a, .. } => a == agent,
            State::Ringing => false,
        };
        if !theirs {
            return Err(CallError::Gone);
        }
        self.out.push_back(Output::Sip(SipCommand::HangUp { dialog: call.dialog }));
        self.end(call_id, reason::end(CallEndKind::LocalHangUp, None, Some(reason::NORMAL_CLEARING)));
        Ok(())
    }

    /// What the SIP dialog layer reports about a call's dialog.
    pub fn handle_dialog_event(&mut self, event: DialogEvent) {
        match event {
            DialogEvent::Terminated { id, reason } => {
                let Some(call_id) = self.by_dialog.get(&id).cloned() else { return };
                let ringing = matches!(self.calls.get(&call_id).map(|c| &c.state), Some(State::Ringing));
                self.end(&call_id, reason::of_dialog(reason, ringing));
            }
            DialogEvent::ReInvite { id, sdp } => {
                let Some(call) = self.by_dialog.get(&id).and_then(|c| self.calls.get_mut(c)) else { return };
                self.out.push_back(Output::Sip(reanswer(call, sdp)));
            }
            // Outbound calls, our re-INVITEs and INFO DTMF come later; an ACK
            // (Confirmed) needs nothing.
            _ => {}
        }
    }

    /// A browser leg ended by itself (the browser vanished, no media): its
    /// call is over, and the caller is hung up on.
    pub fn handle_leg_ended(&mut self, leg: LegId, why: EndReason) {
        if why == EndReason::Removed {
            return;
        }
        let Some(call_id) = self.by_leg.get(&leg).cloned() else { return };
        if let Some(call) = self.calls.get(&call_id) {
            self.out.push_back(Output::Sip(SipCommand::HangUp { dialog: call.dialog }));
        }
        self.end(&call_id, reason::end(CallEndKind::Failed, None, None));
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// Rings `call_id` for `agent`, unless it already does or they declined.
    fn offer(&mut self, call_id: &str, agent: i64) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if !matches!(call.state, State::Ringing) || call.declined.contains(&agent) || !call.offered.insert(agent) {
            return;
        }
        let msg = ServerMsg::CallRinging { call: call.info.clone() };
        self.out.push_back(Output::Notify { agent, msg });
    }

    /// Rings every waiting call, oldest first, for a free agent.
    fn offer_waiting(&mut self, agent: i64) {
        if self.agents.get(&agent).is_some_and(|a| a.call.is_some()) {
            return;
        }
        let mut waiting: Vec<(u64, String)> = self
            .calls
            .iter()
            .filter(|(_, c)| matches!(c.state, State::Ringing))
            .map(|(id, c)| (c.seq, id.clone()))
            .collect();
        waiting.sort();
        for (_, id) in waiting {
            self.offer(&id, agent);
        }
    }

    /// Stops every call ringing for `agent`.
    fn withdraw_all(&mut self, agent: i64, kind: CallEndKind) {
        let mut ringing: Vec<(u64, String)> =
            self.calls.iter_mut().filter_map(|(id, c)| c.offered.remove(&agent).then(|| (c.seq, id.clone()))).collect();
        ringing.sort();
        for (_, id) in ringing {
            self.notify_end(agent, &id, reason::end(kind, None, None));
        }
    }

    /// Ends a call: tells everyone it concerned, releases its media, frees
    /// its agent (who then hears the waiting calls).
    fn end(&mut self, call_id: &str, why: CallEndReason) {
        let Some(call) = self.calls.remove(call_id) else { return };
        self.by_dialog.remove(&call.dialog);
        for agent in &call.offered {
            self.notify_end(*agent, call_id, why);
        }
        let agent = match call.state {
            State::Ringing => None,
            State::Answering { agent } => Some(agent),
            State::Talking { agent, browser, rtp } => {
                self.by_leg.remove(&browser);
                self.out.push_back(Output::Release { browser: Some(browser), rtp: Some(rtp) });
                Some(agent)
            }
        };
        if let Some(agent) = agent {
            self.notify_end(agent, call_id, why);
            let a = self.agents.entry(agent).or_default();
            a.call = None;
            if a.available {
                self.offer_waiting(agent);
            }
        }
    }

    fn notify_end(&mut self, agent: i64, call_id: &str, reason: CallEndReason) {
        let msg = ServerMsg::CallEnded { call_id: call_id.to_owned(), reason };
        self.out.push_back(Output::Notify { agent, msg });
    }
}

/// The answer to the caller's re-INVITE (hold, resume, a new address):
/// our media stays where it is. An offer we cannot take gets 488 and the
/// call goes on as it was (RFC 3261 §14.2).
fn reanswer(call: &mut Call, sdp: Option<Vec<u8>>) -> SipCommand {
    let not_acceptable = SipCommand::Reject { dialog: call.dialog, status: StatusCode::new(488).expect("488") };
    // Before media exists there is nothing to renegotiate yet.
    let Some(local) = call.local else { return not_acceptable };
    let Some(offer) = sdp.as_deref().and_then(|b| sdp::parse(b).ok()) else { return not_acceptable };
    call.sdp_version += 1;
    match sdp::answer_offer(&offer, local, &CODECS, call.session_id, call.sdp_version) {
        Ok(a) if a.codec == call.plan.codec => {
            call.offer = offer;
            SipCommand::Accept { dialog: call.dialog, sdp: a.sdp.to_string().into_bytes() }
        }
        _ => not_acceptable,
    }
}

#[cfg(test)]
mod tests;
