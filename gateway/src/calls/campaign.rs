//! Campaign calls: the dialer's calls to contacts, placed through the
//! outbound trunk with no agent on the line.
//!
//! The dialer's driver (`drive::dialer`) asks for a call with
//! [`Calls::handle_campaign_dial`]; like a call sent on to a number
//! (`forward.rs`), an RTP leg of ours is opened ([`Output::OpenFar`]) and
//! our offer goes out in the INVITE. In progressive and preview modes the
//! agent the dialer holds for the call is reserved here too: no other call
//! rings for them while it rings. The contact's phone rings at most the
//! campaign's ring time, then the attempt is given up (CANCEL).
//!
//! Once the contact answers, call control says so
//! ([`CampaignNews::Answered`], with the leg whose audio answering machine
//! detection listens to) and waits for the dialer's word:
//! - [`Calls::handle_campaign_connect`]: the call rings for the agent alone,
//!   with the contact card, script and dispositions on their desk, while the
//!   contact hears music; answering bridges the agent to the contact's leg,
//!   as a transferred call is (`transfer.rs`);
//! - [`Calls::handle_campaign_message`]: the contact hears a message (the
//!   drop message, the one left on machines) and is hung up on;
//! - [`Calls::handle_campaign_flow`]: the contact walks an IVR flow (a
//!   survey), agentless;
//! - [`Calls::handle_campaign_hang_up`].
//!
//! Every campaign call that ends says how ([`CampaignNews::Ended`]).

use std::sync::Arc;

use shared::campaign::CampaignCall;
use shared::ws::{CallDirection, CallEndKind, CallEndReason, CallInfo};

use super::{CODECS, CallError, Calls, MediaPlan, Output, SipCommand, State, is_dialable, reason};
use crate::ivr::{CallContext, Flow, IvrSession};
use crate::media::rtp_leg::RtpLegId;
use crate::sdp;

/// A call the dialer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDial {
    /// A fresh unguessable id, from the driver.
    pub call_id: String,
    /// RFC 3339, from the driver.
    pub started: String,
    pub session_id: u64,
    /// E.164.
    pub number: String,
    /// The campaign's caller ID.
    pub caller_id: String,
    /// The agent held for the call (progressive, preview).
    pub agent: Option<i64>,
    /// How long the contact's phone may ring (ms).
    pub ring_ms: u64,
    /// What the agent's desk shows once connected.
    pub card: CampaignCall,
    /// The campaign's language, for its messages and flow.
    pub language: String,
}

/// How a campaign call came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignResult {
    Busy,
    NoAnswer,
    Failed,
    /// It was answered; now it is over.
    Answered,
}

/// What call control tells the dialer's driver about its calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignNews {
    /// The contact answered: the dialer decides (after listening to `rtp`
    /// for an answering machine).
    Answered { call_id: String, rtp: RtpLegId },
    /// The agent took the call (bridged).
    Connected { call_id: String, agent: i64 },
    /// The call is over.
    Ended { call_id: String, result: CampaignResult },
}

/// How long an answered contact's call may ring on the agent's desk before
/// the contact hears the drop message instead (ms).
pub const AGENT_RING_MS: u64 = 30_000;

/// A campaign call's part of its [`Call`](super::Call).
#[derive(Debug, Clone)]
pub(super) struct Link {
    /// The agent reserved for it, while they are.
    pub agent: Option<i64>,
    /// Unanswered by then (ms), it is given up: by the contact while it
    /// rings there, by the agent once it rings on their desk.
    pub ring_until: u64,
    pub card: CampaignCall,
}

impl Calls {
    /// Places a campaign call: its RTP leg first, then the INVITE.
    pub fn handle_campaign_dial(&mut self, dial: CampaignDial) -> Result<(), CallError> {
        if !is_dialable(&dial.number) {
            return Err(CallError::BadNumber);
        }
        let Some((trunk, _)) = self.outbound.clone() else { return Err(CallError::TargetUnavailable) };
        if self.calls.contains_key(&dial.call_id) {
            return Err(CallError::WrongState);
        }
        let info = CallInfo::new(
            dial.call_id.clone(),
            CallDirection::Outbound,
            dial.caller_id,
            dial.number,
            trunk,
            dial.started,
        );
        self.next_seq += 1;
        let mut call = super::Call::new(info, self.next_seq, dial.session_id, State::Outdialing { answered: false });
        let agent = dial.agent.filter(|a| self.can_ring(*a));
        call.campaign = Some(Link { agent, ring_until: self.now + dial.ring_ms, card: dial.card });
        call.language = dial.language;
        let started = super::Tracked::Started {
            initiation: shared::records::Initiation::Outbound,
            caller: call.info.from.clone(),
            callee: call.info.to.clone(),
            trunk: call.info.trunk.clone(),
            agent: None,
        };
        self.calls.insert(dial.call_id.clone(), call);
        if let Some(a) = agent {
            self.reserve(a, &dial.call_id);
        }
        self.track(&dial.call_id, started);
        self.out.push_back(Output::OpenFar { call_id: dial.call_id.clone() });
        self.publish(&dial.call_id);
        Ok(())
    }

    /// The campaign call's leg is open (or could not be): the INVITE leaves.
    /// False when `call_id` is no campaign call being placed.
    pub(super) fn campaign_media(
        &mut self,
        call_id: &str,
        media: &Result<(RtpLegId, std::net::SocketAddr), ()>,
    ) -> bool {
        let Some(call) = self.calls.get_mut(call_id) else { return false };
        if !matches!(call.state, State::Outdialing { answered: false }) || call.kept.is_some() {
            return false;
        }
        let Ok((rtp, local)) = *media else {
            self.end(call_id, reason::end(CallEndKind::Failed, Some(503), reason::q850_of_status(503)));
            return true;
        };
        call.kept = Some((rtp, local));
        call.local = Some(local);
        self.by_rtp.insert(rtp, call_id.to_owned());
        let offer = sdp::make_offer(local, &CODECS, call.session_id, call.sdp_version, sdp::Direction::SendRecv);
        let invite = SipCommand::Invite {
            call_id: call_id.to_owned(),
            number: call.info.to.clone(),
            caller_id: call.info.from.clone(),
            sdp: offer.to_string().into_bytes(),
        };
        self.out.push_back(Output::Sip(invite));
        true
    }

    /// The contact answered with `sdp`. False when `call_id` is no
    /// campaign call ringing.
    pub(super) fn campaign_answered(&mut self, call_id: &str, sdp: Option<&[u8]>) -> bool {
        let Some(call) = self.calls.get_mut(call_id) else { return false };
        if !matches!(call.state, State::Outdialing { answered: false }) {
            return false;
        }
        let agreed = sdp.and_then(|b| sdp::parse(b).ok()).and_then(|s| sdp::read_answer(&s, &CODECS).ok());
        let (Some(agreed), Some((rtp, _))) = (agreed, call.kept) else {
            if let Some(dialog) = call.dialog {
                self.out.push_back(Output::Sip(SipCommand::HangUp { dialog }));
            }
            self.end(call_id, reason::end(CallEndKind::Failed, Some(488), reason::q850_of_status(488)));
            return true;
        };
        let plan = MediaPlan {
            remote: agreed.remote,
            codec: agreed.codec,
            pt: agreed.codec_pt,
            telephone_event_pt: agreed.telephone_event_pt,
        };
        call.plan = Some(plan);
        call.state = State::Outdialing { answered: true };
        call.answered = true;
        self.out.push_back(Output::MediaRemote {
            rtp,
            remote: plan.remote,
            codec: plan.codec,
            pt: plan.pt,
            te_pt: plan.telephone_event_pt,
        });
        self.out.push_back(Output::Campaign(CampaignNews::Answered { call_id: call_id.to_owned(), rtp }));
        self.publish(call_id);
        true
    }

    /// The answered contact is for `agent`: the call rings on their desk
    /// alone with the contact card, while the contact hears music. An
    /// agent no longer free (a race with another call) is passed over:
    /// the call rings for every free agent.
    pub fn handle_campaign_connect(&mut self, call_id: &str, agent: i64) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        if !matches!(call.state, State::Outdialing { answered: true }) {
            return Err(CallError::WrongState);
        }
        let Some(link) = call.campaign.as_mut() else { return Err(CallError::WrongState) };
        link.ring_until = self.now + AGENT_RING_MS;
        call.info.campaign = Some(link.card.clone());
        call.info.customer_name = link.card.contact_name.clone();
        let held = link.agent == Some(agent);
        if !held && let Some(other) = link.agent.take() {
            self.unreserve(other, call_id);
        }
        let ours = |c: &Calls| c.agents.get(&agent).is_some_and(|a| a.call.as_deref() == Some(call_id));
        if !ours(self) {
            if self.can_ring(agent) {
                self.reserve(agent, call_id);
                if let Some(l) = self.calls.get_mut(call_id).and_then(|c| c.campaign.as_mut()) {
                    l.agent = Some(agent);
                }
            } else {
                tracing::info!(agent, "the campaign's agent is no longer free: the call rings every free agent");
                self.ring_everyone(call_id, None);
                return Ok(());
            }
        }
        self.ring_everyone(call_id, Some(agent));
        Ok(())
    }

    /// The answered contact hears `prompts` in the campaign's language,
    /// then is hung up on (the drop message; the message left on a machine).
    pub fn handle_campaign_message(&mut self, call_id: &str, prompts: Vec<String>) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let (State::Outdialing { answered: true }, Some((rtp, _))) = (&call.state, call.kept) else {
            return Err(CallError::WrongState);
        };
        call.state = State::Leaving;
        let language = call.language.clone();
        self.free_reserved(call_id);
        let id = super::callback::LEAVING;
        self.out.push_back(Output::Play { rtp, id, language, prompts });
        self.publish(call_id);
        Ok(())
    }

    /// The answered contact walks `flow` (agentless); no flow: hung up on.
    pub fn handle_campaign_flow(&mut self, call_id: &str, flow: Option<Arc<Flow>>) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        if !matches!(call.state, State::Outdialing { answered: true }) {
            return Err(CallError::WrongState);
        }
        let Some(flow) = flow else {
            tracing::warn!("the campaign's flow is not there: the contact is hung up on");
            self.hang_up_caller(call_id, CallEndKind::LocalHangUp);
            return Ok(());
        };
        let ctx = CallContext {
            caller: Some(call.info.to.clone()),
            dialed: call.info.from.clone(),
            entry: crate::ivr::EntryKind::Phone,
            language: Some(call.language.clone()),
            customer: None,
        };
        call.state = State::Ivr;
        self.free_reserved(call_id);
        self.ivr.insert(call_id.to_owned(), IvrSession::new(flow, ctx, self.now as i64));
        self.publish(call_id);
        self.drive_ivr(call_id);
        Ok(())
    }

    /// The dialer lets the call go (a machine it hangs up on).
    pub fn handle_campaign_hang_up(&mut self, call_id: &str) -> Result<(), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        if call.campaign.is_none() {
            return Err(CallError::Gone);
        }
        self.hang_up_caller(call_id, CallEndKind::LocalHangUp);
        Ok(())
    }

    /// A campaign call's agent answered and is bridged: the contact is on
    /// the line already (an outbound call's desk talks from `call.connected`).
    pub(super) fn campaign_connected(&mut self, call_id: &str, agent: i64) {
        let Some(link) = self.calls.get_mut(call_id).and_then(|c| c.campaign.as_mut()) else { return };
        link.agent = None;
        let msg = shared::ws::ServerMsg::CallConnected { call_id: call_id.to_owned() };
        self.out.push_back(Output::Notify { agent, msg });
        self.out.push_back(Output::Campaign(CampaignNews::Connected { call_id: call_id.to_owned(), agent }));
    }

    /// A reserved agent declined the campaign call: they are free again.
    pub(super) fn campaign_declined(&mut self, call_id: &str, agent: i64) {
        let Some(link) = self.calls.get_mut(call_id).and_then(|c| c.campaign.as_mut()) else { return };
        if link.agent == Some(agent) {
            link.agent = None;
            self.unreserve(agent, call_id);
        }
    }

    /// A campaign call ended (`call` is already out of the table): its
    /// reserved agent is free and the dialer hears how it went.
    pub(super) fn campaign_over(&mut self, call_id: &str, call: &super::Call, why: CallEndReason) {
        let Some(link) = &call.campaign else { return };
        if let Some(agent) = link.agent
            && call.state.agent() != Some(agent)
            && self.agents.get(&agent).is_some_and(|a| a.call.as_deref() == Some(call_id))
        {
            self.free(agent);
        }
        let result = if call.answered {
            CampaignResult::Answered
        } else {
            match why.sip_status {
                Some(486 | 600) => CampaignResult::Busy,
                Some(408 | 480 | 487) => CampaignResult::NoAnswer,
                None if why.kind == CallEndKind::LocalHangUp => CampaignResult::NoAnswer,
                _ => CampaignResult::Failed,
            }
        };
        self.out.push_back(Output::Campaign(CampaignNews::Ended { call_id: call_id.to_owned(), result }));
    }

    /// Campaign calls that rang too long are given up: at the contact's
    /// (CANCEL), or on the agent's desk (the contact hears the drop message).
    pub(super) fn campaign_timeouts(&mut self) {
        let now = self.now;
        let due: Vec<(String, bool)> = self
            .calls
            .iter()
            .filter(|(_, c)| ringing(c) && c.campaign.as_ref().is_some_and(|l| l.ring_until <= now))
            .map(|(id, c)| (id.clone(), matches!(c.state, State::Ringing)))
            .collect();
        for (call_id, at_desk) in due {
            if !at_desk {
                self.hang_up_caller(&call_id, CallEndKind::LocalHangUp);
                continue;
            }
            tracing::info!("a campaign call rang on the desk unanswered: the contact hears the drop message");
            let Some(c) = self.calls.get_mut(&call_id) else { continue };
            let offered = std::mem::take(&mut c.offered);
            for agent in offered {
                self.notify_end(agent, &call_id, reason::end(CallEndKind::Withdrawn, None, None));
            }
            if let Some(c) = self.calls.get_mut(&call_id) {
                c.state = State::Outdialing { answered: true };
                c.only = None;
            }
            let _ = self.handle_campaign_message(&call_id, vec![crate::prompts::id::CAMPAIGN_DROP.into()]);
        }
    }

    /// When the next campaign call rings too long.
    pub(super) fn campaign_deadline(&self) -> Option<u64> {
        self.calls.values().filter(|c| ringing(c)).filter_map(|c| c.campaign.as_ref().map(|l| l.ring_until)).min()
    }

    /// Holds `agent` for a campaign call: no other call rings for them.
    fn reserve(&mut self, agent: i64, call_id: &str) {
        self.agents.entry(agent).or_default().call = Some(call_id.to_owned());
        self.acd.set_direct_call(self.now, agent, true);
        self.withdraw_all(agent, CallEndKind::Withdrawn);
    }

    /// Lets a reserved agent go, if they are still held for `call_id`.
    fn unreserve(&mut self, agent: i64, call_id: &str) {
        if self.agents.get(&agent).is_some_and(|a| a.call.as_deref() == Some(call_id)) {
            self.free(agent);
        }
    }

    /// The call needs its reserved agent no more (a message, a flow).
    fn free_reserved(&mut self, call_id: &str) {
        if let Some(agent) = self.calls.get_mut(call_id).and_then(|c| c.campaign.as_mut()).and_then(|l| l.agent.take())
        {
            self.unreserve(agent, call_id);
        }
    }
}

/// A campaign call ringing: at the contact's, or (answered) on a desk.
fn ringing(c: &super::Call) -> bool {
    c.campaign.is_some() && matches!(c.state, State::Outdialing { answered: false } | State::Ringing)
}
