//! Calls that go through the contact-center engine: answered for the IVR,
//! queued with the routing engine ([`Acd`](crate::acd::Acd)), offered to
//! the agent it picks.
//!
//! A call whose dialed number has an entry point is answered at once: the
//! driver opens the caller's RTP leg ([`Output::OpenCaller`]) and the IVR
//! session starts ([`Calls::handle_caller_media`]). Its prompts play on
//! that leg ([`Output::Play`]), the caller's keys come back as digits, and
//! customer lookups go to the store through the driver. When the flow ends
//! in a queue, the call joins it with the flow's priority, VIP flag and
//! skills; the caller hears their position and estimated wait, then music.
//! The engine's offers ring agents' desks like any call; answering bridges
//! the agent's browser leg to the caller's leg that is already up.

use std::net::SocketAddr;
use std::sync::Arc;

use shared::routing::{AgentProfile, ConfigError, QueueConfig, SkillReq};
use shared::ws::{CallEndKind, ServerMsg};

use super::{AcdEntry, CallError, Calls, MediaPlan, Output, SipCommand, State, reason};
use crate::acd::{self, CallAttrs, Enqueued, EntryKind, Withdrawn};
use crate::ivr::{Action, CallContext, CustomerRef, Flow, IvrSession, Outcome, PlayId, TransferTarget};
use crate::media::rtp_leg::RtpLegId;
use crate::prompts;

/// Announcement clip ids live above the IVR's (which are 32-bit).
const ANNOUNCEMENT: u64 = 1 << 40;
/// What one press of Extend adds to a wrap-up.
pub const WRAP_UP_EXTEND_MS: u64 = 30_000;

impl Calls {
    /// Moves the clock on and runs the engine's and the IVR's timers that
    /// are due. The driver calls it before every input.
    pub fn advance(&mut self, now: u64) {
        self.now = self.now.max(now);
        self.acd.handle_timeout(self.now);
        self.voicemail_timeouts();
        self.callback_retries();
        self.far_timeouts();
        self.campaign_timeouts();
        let due: Vec<String> = self
            .ivr
            .iter()
            .filter(|(_, s)| s.poll_timeout().is_some_and(|t| t <= self.now as i64))
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            if let Some(s) = self.ivr.get_mut(&id) {
                s.handle_timeout(self.now as i64);
            }
            self.drive_ivr(&id);
        }
    }

    /// When [`Calls::advance`] is next needed.
    pub fn poll_timeout(&self) -> Option<u64> {
        let ivr = self.ivr.values().filter_map(|s| s.poll_timeout()).min().map(|t| t.max(0) as u64);
        [
            self.acd.poll_timeout(),
            ivr,
            self.voicemail_deadline(),
            self.callback_deadline(),
            self.far_deadline(),
            self.campaign_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Adds or changes a queue of the routing engine.
    pub fn set_queue(&mut self, cfg: QueueConfig) -> Result<(), ConfigError> {
        self.acd.set_queue(self.now, cfg)
    }

    /// Removes a queue; its waiting callers overflow as it says.
    pub fn remove_queue(&mut self, name: &str) {
        let _ = self.acd.remove_queue(self.now, name);
    }

    /// Sets an agent's queues and skills.
    pub fn set_agent_profile(&mut self, agent: i64, profile: AgentProfile) {
        self.acd.set_agent(self.now, agent, profile);
    }

    /// An agent's presence: `connected` (a desk is open) and `available`
    /// (their chosen status). Both the engine and the ring-all calls follow.
    /// A chosen status (`reason` for not ready) also acknowledges a missed
    /// offer.
    pub fn handle_presence(&mut self, agent: i64, connected: bool, available: bool, reason: Option<String>) {
        if connected {
            self.acd.login(self.now, agent);
            let reason = (!available).then(|| reason.unwrap_or_else(|| "not_ready".to_owned()));
            let _ = self.acd.set_ready(self.now, agent, available, reason);
        } else {
            self.acd.logout(self.now, agent);
        }
        self.handle_agent(agent, connected && available);
    }

    /// The agent asks for more after-call work time: [`WRAP_UP_EXTEND_MS`]
    /// more, at most [`shared::ws::WRAP_UP_EXTENSIONS`] times per wrap-up.
    pub fn extend_wrap_up(&mut self, agent: i64) -> Result<(), CallError> {
        if !self.acd.wrapping_up(agent) {
            return Err(CallError::WrongState);
        }
        let used = self.extensions.entry(agent).or_default();
        if *used >= shared::ws::WRAP_UP_EXTENSIONS {
            return Err(CallError::WrongState);
        }
        *used += 1;
        self.acd.extend_wrap_up(self.now, agent, WRAP_UP_EXTEND_MS).map_err(|_| CallError::WrongState)?;
        Ok(())
    }

    /// The agent finished the after-call work of `call_id` (their latest
    /// call): they are back in their status. Nothing to do when they are
    /// not wrapping that call up.
    pub fn wrap_up_done(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        if self.last_call.get(&agent).map(String::as_str) != Some(call_id) {
            return Err(CallError::Gone);
        }
        if self.acd.wrapping_up(agent) {
            let _ = self.acd.wrap_up_done(self.now, agent);
        }
        Ok(())
    }

    /// The caller's RTP leg is open (or could not be): the caller is
    /// answered and the IVR starts, or the call is refused.
    pub fn handle_caller_media(&mut self, call_id: &str, media: Result<(RtpLegId, SocketAddr), ()>) {
        let Some(call) = self.calls.get_mut(call_id) else {
            if let Ok((rtp, _)) = media {
                self.out.push_back(Output::Release { browser: None, rtp: Some(rtp) });
            }
            return;
        };
        let (State::Opening, Some(dialog)) = (&call.state, call.dialog) else { return };
        let Ok((rtp, local)) = media else {
            let status = crate::sip::StatusCode::new(503).expect("503 is a status code");
            self.out.push_back(Output::Sip(SipCommand::Reject { dialog, status }));
            self.end(call_id, reason::end(CallEndKind::Failed, Some(503), reason::q850_of_status(503)));
            return;
        };
        let answer = call
            .offer
            .as_ref()
            .and_then(|o| crate::sdp::answer_offer(o, local, &super::CODECS, call.session_id, call.sdp_version).ok());
        let Some(answer) = answer else {
            // The offer was answerable on arrival; if not now, refuse it.
            let status = crate::sip::StatusCode::new(488).expect("488 is a status code");
            self.out.push_back(Output::Sip(SipCommand::Reject { dialog, status }));
            self.out.push_back(Output::Release { browser: None, rtp: Some(rtp) });
            self.end(call_id, reason::end(CallEndKind::Failed, Some(488), reason::q850_of_status(488)));
            return;
        };
        self.out.push_back(Output::Sip(SipCommand::Accept { dialog, sdp: answer.sdp.to_string().into_bytes() }));
        call.kept = Some((rtp, local));
        call.local = Some(local);
        call.state = State::Ivr;
        self.by_rtp.insert(rtp, call_id.to_owned());
        self.publish(call_id);
        self.drive_ivr(call_id);
    }

    /// A clip played to a caller ended.
    pub fn handle_play_done(&mut self, rtp: RtpLegId, id: u64) {
        let Some(call_id) = self.by_rtp.get(&rtp).cloned() else { return };
        if id == super::callback::LEAVING {
            if self.calls.get(&call_id).is_some_and(|c| matches!(c.state, State::Leaving)) {
                self.hang_up_caller(&call_id, CallEndKind::LocalHangUp);
            }
            return;
        }
        if id >= ANNOUNCEMENT {
            self.voicemail_play_done(&call_id, id);
            return;
        }
        if let Some(s) = self.ivr.get_mut(&call_id) {
            s.handle_play_done(self.now as i64, PlayId(id as u32));
            self.drive_ivr(&call_id);
        }
    }

    /// The customer the IVR asked for, found or not.
    pub fn handle_customer(&mut self, call_id: &str, customer: Option<CustomerRef>) {
        if let Some(s) = self.ivr.get_mut(call_id) {
            s.handle_customer(self.now as i64, customer);
            self.drive_ivr(call_id);
        }
    }

    /// Starts a call's way through its flow: its media first.
    pub(super) fn start_ivr(&mut self, call_id: String, plan: MediaPlan, flow: Arc<Flow>) {
        let Some(call) = self.calls.get(&call_id) else { return };
        let web = call.dialog.is_some_and(|d| d.is_web());
        let ctx = CallContext {
            caller: Some(call.info.from.clone()).filter(|f| !web && !f.is_empty() && f != "anonymous"),
            dialed: call.info.to.clone(),
            entry: if web { crate::ivr::EntryKind::Web } else { crate::ivr::EntryKind::Phone },
            language: call.web_language.clone(),
            customer: call.known.clone(),
        };
        let session = IvrSession::new(flow, ctx, self.now as i64);
        self.ivr.insert(call_id.clone(), session);
        self.out.push_back(Output::OpenCaller { call_id: call_id.clone(), plan });
        self.publish(&call_id);
    }

    /// Carries out what the call's IVR session asks, until it waits.
    pub(super) fn drive_ivr(&mut self, call_id: &str) {
        // The session runs once the caller is answered.
        let Some(rtp) = self.calls.get(call_id).filter(|c| matches!(c.state, State::Ivr)).and_then(|c| c.kept) else {
            return;
        };
        let rtp = rtp.0;
        loop {
            let Some(session) = self.ivr.get_mut(call_id) else { return };
            let Some(out) = session.poll_output() else { return };
            match out {
                crate::ivr::Output::Play { id, prompts, language } => {
                    if let Some(c) = self.calls.get_mut(call_id) {
                        c.language = language.clone();
                    }
                    self.out.push_back(Output::Play { rtp, id: u64::from(id.0), language, prompts });
                }
                crate::ivr::Output::StopPlay { .. } => self.out.push_back(Output::StopPlay { rtp }),
                crate::ivr::Output::LookupCustomer(by) => {
                    self.out.push_back(Output::LookupCustomer { call_id: call_id.to_owned(), by });
                }
                crate::ivr::Output::RegisterCustomer { number } => {
                    self.out.push_back(Output::RegisterCustomer { number });
                }
                crate::ivr::Output::SurveyAnswer { value, .. } => {
                    if let Ok(score) = value.parse::<i64>() {
                        self.track(call_id, super::Tracked::Survey { score });
                    }
                }
                crate::ivr::Output::Done(outcome) => {
                    self.ivr.remove(call_id);
                    self.ivr_done(call_id, outcome);
                    return;
                }
            }
        }
    }

    /// The IVR is over: the call joins a queue, rings an agent, or ends.
    fn ivr_done(&mut self, call_id: &str, outcome: Outcome) {
        // The end of a post-call survey: the caller is thanked and let go.
        if self.calls.get(call_id).is_some_and(|c| c.surveyed) {
            if !matches!(outcome.action, Action::Abandoned) {
                self.hang_up_caller(call_id, CallEndKind::LocalHangUp);
            }
            return;
        }
        let path: Vec<String> = outcome.path.iter().map(|s| s.node.clone()).collect();
        tracing::debug!(node = %outcome.node, ?path, "IVR over");
        let customer = outcome.customer.as_ref().map(|c| c.id);
        self.track(call_id, super::Tracked::IvrLeft { path, customer });
        if let Some(c) = self.calls.get_mut(call_id) {
            c.language = outcome.language.clone();
            c.customer = outcome.customer.as_ref().map(|c| c.id);
            // What the agent's desk shows about the caller.
            c.info.customer_id = c.customer;
            c.info.customer_name = outcome.customer.as_ref().map(|c| c.name.clone()).filter(|n| !n.is_empty());
            c.info.language = Some(outcome.language.clone());
            c.info.vip = outcome.vip;
            // What the caller chose, not what they keyed in (codes, PINs).
            c.info.choices = outcome
                .vars
                .iter()
                .filter(|(k, _)| !outcome.keyed.contains(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
        }
        let queue = match &outcome.action {
            Action::Queue { queue, skills } => Some((queue.clone(), skills.clone())),
            Action::Transfer(TransferTarget::Queue(queue)) => Some((queue.clone(), Vec::new())),
            _ => None,
        };
        if let Some((queue, needs)) = queue {
            let skills = needs.iter().map(|n| SkillReq { skill: n.skill.clone(), min_level: n.min_level }).collect();
            let attrs = CallAttrs {
                priority: outcome.priority,
                vip: outcome.vip,
                skills,
                kind: EntryKind::Call,
                entered: None,
            };
            if !self.enqueue(call_id, &queue, attrs) {
                tracing::warn!("the flow's queue is not configured: the call rings every free agent");
                self.ring_everyone(call_id, None);
            }
            return;
        }
        match outcome.action {
            Action::HangUp => self.hang_up_caller(call_id, CallEndKind::LocalHangUp),
            // The caller left; the dialog's end ends the call.
            Action::Abandoned => {}
            Action::Voicemail { mailbox } => self.start_voicemail(call_id, super::Mailbox::parse(&mailbox)),
            Action::Callback { queue } => {
                let attrs = CallAttrs { priority: outcome.priority, vip: outcome.vip, ..CallAttrs::default() };
                if !self.callback_from_ivr(call_id, &queue, attrs) {
                    tracing::info!("no callback possible: the call rings every free agent");
                    self.ring_everyone(call_id, None);
                }
            }
            Action::Transfer(TransferTarget::Number(number)) => {
                self.track(call_id, super::Tracked::TransferredToNumber { from: None, number: number.clone() });
                self.forward(call_id, &number);
            }
            Action::Transfer(TransferTarget::Agent(agent)) => {
                let only = agent.parse::<i64>().ok();
                self.ring_everyone(call_id, only);
            }
            Action::Failed { reason } => {
                tracing::warn!(%reason, "the IVR could not go on: the call rings every free agent");
                self.ring_everyone(call_id, None);
            }
            // Voicemail, callbacks and transfers out come with their
            // issue; until then an agent takes the call.
            other => {
                tracing::info!(action = ?std::mem::discriminant(&other), "not handled yet: the call rings every free agent");
                self.ring_everyone(call_id, None);
            }
        }
    }

    /// The call waits with music, ringing every free agent (or only one).
    pub(super) fn ring_everyone(&mut self, call_id: &str, only: Option<i64>) {
        let Some(c) = self.calls.get_mut(call_id) else { return };
        c.state = State::Ringing;
        c.only = only;
        if let Some((rtp, _)) = c.kept {
            self.out.push_back(Output::Music { rtp, on: true });
        }
        self.publish(call_id);
        match only {
            Some(agent) => self.offer(call_id, agent),
            None => self.offer_all_free(call_id),
        }
    }

    /// The agent hung up a queue's call whose queue asks callers to rate it:
    /// the caller stays, the agent is free, and the survey flow is loaded.
    /// False when the call ends as usual (no survey, or a mixed call).
    pub(super) fn start_survey(&mut self, call_id: &str) -> bool {
        let Some(c) = self.calls.get(call_id).filter(|c| c.far.is_none()) else { return false };
        let State::Talking { agent, browser, rtp, connected: true } = c.state else { return false };
        let Some(flow) =
            c.acd.as_ref().and_then(|e| self.acd.queue_config(&e.queue)).and_then(|q| q.survey_flow.clone())
        else {
            return false;
        };
        // Mixed calls (recorded, supervised, held) end as usual.
        if c.held || c.recording != shared::ws::RecordingState::Off || !c.supervisors.is_empty() {
            return false;
        }
        let Some(local) = c.local else { return false };
        let Some(c) = self.calls.get_mut(call_id) else { return false };
        let entry = c.acd.take();
        c.surveyed = true;
        c.state = State::Ivr;
        c.kept = Some((rtp, local));
        self.by_leg.remove(&browser);
        if let Some(entry) = entry {
            self.acd_keys.remove(&entry.key);
            let _ = self.acd.ended(self.now, entry.key);
        }
        self.out.push_back(Output::Release { browser: Some(browser), rtp: None });
        self.notify_end(agent, call_id, reason::end(CallEndKind::LocalHangUp, None, Some(reason::NORMAL_CLEARING)));
        self.free(agent);
        self.out.push_back(Output::LoadSurvey { call_id: call_id.to_owned(), flow });
        self.publish(call_id);
        true
    }

    /// The survey's flow, or none (missing): the caller rates the call, or
    /// is hung up on.
    pub fn handle_survey_flow(&mut self, call_id: &str, flow: Option<Arc<Flow>>) {
        let Some(c) = self.calls.get(call_id).filter(|c| matches!(c.state, State::Ivr)) else { return };
        let Some(flow) = flow else {
            self.hang_up_caller(call_id, CallEndKind::LocalHangUp);
            return;
        };
        let ctx = CallContext {
            caller: None,
            dialed: c.info.to.clone(),
            entry: crate::ivr::EntryKind::Phone,
            language: Some(c.language.clone()),
            customer: None,
        };
        self.ivr.insert(call_id.to_owned(), IvrSession::new(flow, ctx, self.now as i64));
        self.drive_ivr(call_id);
    }

    /// Puts a call in a queue; false when the engine has no such queue.
    pub(super) fn enqueue(&mut self, call_id: &str, queue: &str, attrs: CallAttrs) -> bool {
        self.next_key += 1;
        let key = self.next_key;
        match self.acd.enqueue(self.now, key, queue, attrs.clone()) {
            Err(_) => false,
            Ok(Enqueued::Diverted { queue, why, to }) => {
                tracing::info!(why = why.as_str(), "call diverted from its queue");
                self.overflowed(call_id, queue, to);
                true
            }
            Ok(Enqueued::Waiting { queue, .. }) => {
                self.acd_keys.insert(key, call_id.to_owned());
                let Some(c) = self.calls.get_mut(call_id) else { return true };
                c.state = State::Ringing;
                c.info.queue = Some(queue.clone());
                // The entry time is kept, so a call queued again (a failed
                // answer) keeps its place.
                let entered = attrs.entered.unwrap_or(self.now);
                let attrs = CallAttrs { entered: Some(entered), ..attrs };
                c.info.queued_at = Some(crate::store::rfc3339(entered as i64));
                c.acd = Some(AcdEntry { key, queue: queue.clone(), attrs });
                if let Some((rtp, _)) = c.kept {
                    self.out.push_back(Output::Music { rtp, on: true });
                }
                self.publish(call_id);
                self.track(call_id, super::Tracked::Queued { queue });
                true
            }
        }
    }

    /// A call that could not stay in `queue` goes where it says.
    fn overflowed(&mut self, call_id: &str, queue: String, to: acd::Overflow) {
        match to {
            acd::Overflow::Voicemail(mailbox) => {
                let name = if mailbox.is_empty() { queue } else { mailbox };
                self.start_voicemail(call_id, super::Mailbox::parse(&name));
            }
            // Callbacks come next; until then the call ends.
            _ => self.hang_up_caller(call_id, CallEndKind::Failed),
        }
    }

    /// Ends a call from our side (the flow or a queue limit ended it).
    pub(super) fn hang_up_caller(&mut self, call_id: &str, kind: CallEndKind) {
        if let Some(dialog) = self.calls.get(call_id).and_then(|c| c.dialog) {
            self.out.push_back(Output::Sip(SipCommand::HangUp { dialog }));
        }
        self.end(call_id, reason::end(kind, None, Some(reason::NORMAL_CLEARING)));
    }

    /// Turns what the routing engine decided into rings, withdrawals and
    /// announcements.
    pub(super) fn pump_acd(&mut self) {
        while let Some(out) = self.acd.poll_output() {
            match out {
                acd::Output::Offer { call, agent, queue, kind: EntryKind::Callback, .. } => {
                    self.offer_callback(call, agent, queue);
                }
                acd::Output::Offer { call, agent, queue, whisper, .. } => {
                    let Some(call_id) = self.acd_keys.get(&call).cloned() else { continue };
                    let Some(c) = self.calls.get_mut(&call_id) else { continue };
                    if !matches!(c.state, State::Ringing) || !c.offered.insert(agent) {
                        continue;
                    }
                    c.info.queue = Some(queue);
                    c.info.whisper = Some(whisper).filter(|w| !w.is_empty());
                    let msg = ServerMsg::CallRinging { call: c.info.clone() };
                    self.out.push_back(Output::Notify { agent, msg });
                    self.track(&call_id, super::Tracked::Offered { agent });
                }
                acd::Output::Withdraw { call, agent, why } => {
                    let Some(call_id) = self.acd_keys.get(&call).cloned() else { continue };
                    let Some(c) = self.calls.get_mut(&call_id) else { continue };
                    if !c.offered.remove(&agent) {
                        continue;
                    }
                    let kind = match why {
                        Withdrawn::AnsweredElsewhere => CallEndKind::AnsweredElsewhere,
                        Withdrawn::CallGone => CallEndKind::Abandoned,
                        Withdrawn::Timeout | Withdrawn::AgentGone => CallEndKind::Withdrawn,
                    };
                    if why == Withdrawn::Timeout {
                        self.track(&call_id, super::Tracked::OfferExpired { agent });
                    }
                    self.notify_end(agent, &call_id, reason::end(kind, None, None));
                }
                acd::Output::Announce { call, position, wait_secs } => {
                    let Some(call_id) = self.acd_keys.get(&call) else { continue };
                    let Some(c) = self.calls.get(call_id) else { continue };
                    let Some((rtp, _)) = c.kept.filter(|_| c.state.agent().is_none()) else { continue };
                    let lang = shared::Lang::parse(&c.language).unwrap_or(prompts::FALLBACK);
                    let queue = c.acd.as_ref().map(|e| e.queue.clone());
                    // Nobody of the queue free, nor ringing for this call:
                    // the caller is told so first.
                    let all_busy = c.offered.is_empty()
                        && queue
                            .as_deref()
                            .and_then(|q| self.acd.queue_stats(self.now, q))
                            .is_some_and(|s| s.agents_free == 0);
                    let mut saying = if all_busy { vec![prompts::id::ALL_AGENTS_BUSY] } else { Vec::new() };
                    saying.extend(prompts::say_queue_status(lang, position, wait_secs));
                    if c.acd.as_ref().is_some_and(|e| self.offers_callback(&e.queue, &c.info.from)) {
                        saying.push(prompts::id::CALLBACK_OFFER);
                    }
                    self.next_play += 1;
                    let id = ANNOUNCEMENT + self.next_play;
                    let prompts: Vec<String> = saying.into_iter().map(str::to_owned).collect();
                    let call_id = call_id.clone();
                    self.out.push_back(Output::Play {
                        rtp,
                        id,
                        language: lang.tag().to_owned(),
                        prompts: prompts.clone(),
                    });
                    self.track(&call_id, super::Tracked::Announced { position, wait_secs, all_busy, prompts });
                }
                acd::Output::Left { call, queue, why, to } => {
                    // A stored callback whose queue went: the store keeps it.
                    if !self.acd_keys.contains_key(&call) && self.callbacks.pending.remove(&call).is_some() {
                        continue;
                    }
                    let Some(call_id) = self.acd_keys.remove(&call) else { continue };
                    tracing::info!(why = why.as_str(), "call left its queue");
                    if let Some(c) = self.calls.get_mut(&call_id) {
                        c.acd = None;
                    }
                    self.overflowed(&call_id, queue, to);
                }
                acd::Output::Moved { call, to, .. } => {
                    let Some(call_id) = self.acd_keys.get(&call).cloned() else { continue };
                    if let Some(c) = self.calls.get_mut(&call_id) {
                        c.info.queue = Some(to.clone());
                        if let Some(entry) = &mut c.acd {
                            entry.queue = to;
                        }
                    }
                }
                acd::Output::AgentChanged { agent, state, reason, since, until } => {
                    // Missed offers in a row: the agent is made not ready
                    // where everyone sees it, not only in the engine.
                    if state == acd::AgentState::NotReady && reason.as_deref() == Some(acd::MISSED_REASON) {
                        self.out.push_back(Output::AgentMissed { agent });
                    }
                    use shared::ws::AgentActivity as A;
                    let activity = match state {
                        acd::AgentState::Ringing => A::Ringing,
                        acd::AgentState::OnCall => A::OnCall,
                        acd::AgentState::WrapUp => A::WrapUp,
                        acd::AgentState::Missed => A::Missed,
                        acd::AgentState::LoggedOut | acd::AgentState::Available | acd::AgentState::NotReady => A::Idle,
                    };
                    let wrap_up_call = if activity == A::WrapUp { self.last_call.get(&agent).cloned() } else { None };
                    if activity != A::WrapUp {
                        // The next wrap-up's extensions start over.
                        self.extensions.remove(&agent);
                    }
                    if state == acd::AgentState::Available {
                        // Out of wrap-up or a miss: calls outside the engine ring again.
                        self.offer_waiting(agent);
                    }
                    self.out.push_back(Output::AgentActivity {
                        agent,
                        activity,
                        since,
                        wrap_up_ends: until,
                        wrap_up_call,
                    });
                }
            }
        }
    }
}
