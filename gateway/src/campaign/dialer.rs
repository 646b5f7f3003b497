//! The dialer: one campaign's contacts, the agents free for it, the calls
//! it has placed, and the decision of what to dial next. Sans-IO: the
//! driver hands it what happened (`handle_*`, with the time as Unix ms),
//! drains the decisions (`poll_output`) and wakes it at `poll_timeout`.
//!
//! Every [`Decision`] carries why it was made then ([`Why`]) and the pacing
//! figures of that moment, so that the driver can write the dial log as it
//! carries the decision out.
//!
//! Modes:
//! - **Preview**: a free agent gets the next contact ([`Action::Preview`])
//!   and says dial or skip ([`Dialer::handle_preview`]).
//! - **Progressive**: one call per free agent, the agent held for it: an
//!   answered call always finds its agent.
//! - **Predictive**: the [`Pacer`] decides how many calls ring for the free
//!   agents; a live answer goes to the agent free longest, or, with none
//!   free, hears a short message and is let go ([`Action::Drop`]).
//! - **Agentless**: up to `max_lines` calls at once, each answered one
//!   runs the campaign's message or IVR flow ([`Action::RunFlow`]).
//!
//! A contact is checked against its call windows (in its own time zone)
//! and the do-not-call lists at the moment it would be dialed, not when it
//! was loaded.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use jiff::tz::TimeZone;

use super::pacer::{Outcome, Pacer, PacingConfig, PacingFigures};
use super::rules::{AttemptResult, DncList, DoNotCall, NextStep, Rules};

pub type ContactId = i64;
pub type AgentId = i64;
/// One call the dialer placed; unique within one [`Dialer`].
pub type AttemptId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialMode {
    Preview,
    Progressive,
    Predictive,
    Agentless,
}

/// What to do with an answering machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineAction {
    HangUp,
    /// Play the campaign's message after the beep, then hang up.
    LeaveMessage,
    /// Treat it as a person.
    PassToAgent,
}

/// Who answered, as answering machine detection tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    Human,
    Machine,
    /// Detection could not tell: treated as a person.
    Unknown,
}

/// Whether the campaign runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Running,
    /// No new calls; calls under way go on.
    Paused,
    /// Like paused, for good: the driver drops the dialer once calls end.
    Stopped,
}

#[derive(Debug, Clone)]
pub struct DialerConfig {
    pub mode: DialMode,
    pub rules: Rules,
    pub machine: MachineAction,
    pub pacing: PacingConfig,
    /// Agentless: most calls at once.
    pub max_lines: u32,
}

/// A contact to dial, as the store has it.
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: ContactId,
    /// E.164.
    pub number: String,
    /// `None`: the campaign's.
    pub time_zone: Option<TimeZone>,
    /// Attempts already made.
    pub attempts: u32,
    /// Not before this time (Unix ms).
    pub next_at: i64,
    /// A callback an agent promised: dialed before the rest once due.
    pub callback: bool,
}

/// Why a contact's calling is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// Talked to (or through the agentless flow), with the agent's
    /// disposition when there is one.
    Completed {
        disposition: Option<String>,
    },
    DoNotCall(DncList),
    /// No attempts left; the last one's result.
    Exhausted(AttemptResult),
    /// The campaign does not retry this result.
    NoRetry(AttemptResult),
    /// The call windows never open.
    NoWindow,
}

/// What the driver is to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Place a call to `number` from the campaign's caller ID; report its
    /// end with `handle_not_answered` or its answer with `handle_answered`.
    /// `agent`: the agent held for it (preview, progressive).
    Dial { attempt: AttemptId, contact: ContactId, number: String, agent: Option<AgentId> },
    /// Show the contact to the agent, who dials or skips.
    Preview { agent: AgentId, contact: ContactId },
    /// Bridge the answered call to the agent, with the contact card, script
    /// and dispositions on the desk.
    Connect { attempt: AttemptId, contact: ContactId, agent: AgentId },
    /// No agent is free: play the short message and hang up.
    Drop { attempt: AttemptId, contact: ContactId },
    /// A machine answered: hang up.
    HangUp { attempt: AttemptId, contact: ContactId },
    /// A machine answered: leave the campaign's message.
    LeaveMessage { attempt: AttemptId, contact: ContactId },
    /// Agentless: run the campaign's message or IVR flow.
    RunFlow { attempt: AttemptId, contact: ContactId },
    /// The contact is to be tried again at `at` (store it).
    Retry { contact: ContactId, at: i64, attempts: u32, result: Option<AttemptResult> },
    /// The contact is done (store it).
    Finish { contact: ContactId, attempts: u32, finish: Finish },
    /// There was room to dial and nothing to dial: an alert for the
    /// supervisors, once until contacts are due again or what is due next
    /// changes (a retry, a callback). `next_due`: when the next one is
    /// (`None`: nothing waits, though calls may be under way).
    ListDry { next_due: Option<i64> },
}

/// Why a decision was made then.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// Progressive or preview: this agent was free and the contact due.
    AgentFree { agent: AgentId },
    /// Predictive: the pacer asked for this many more calls.
    Paced { free_agents: u32, ringing: u32, placing: u32 },
    /// Agentless: a line was free.
    LineFree { lines_in_use: u32, max_lines: u32 },
    /// The agent chose to dial the previewed contact.
    AgentDialed { agent: AgentId },
    /// The agent skipped the previewed contact.
    AgentSkipped { agent: AgentId },
    /// A person (or detection not sure) answered; this agent was free longest
    /// (or held for the call).
    Answered { by: Answered },
    /// A person answered and no agent was free.
    NoAgentFree,
    /// A machine answered; the campaign's action.
    Machine(MachineAction),
    /// On a do-not-call list when it came to dialing.
    OnDoNotCallList(DncList),
    /// Outside its call windows when it came to dialing.
    OutsideWindow,
    /// The attempt ended so; the campaign's rules decide.
    AttemptEnded(AttemptResult),
    /// The agent saved a disposition.
    Disposition,
    /// The agent's call ended and no disposition came in time.
    NoDisposition,
    /// The agent scheduled a callback.
    CallbackScheduled,
    /// Nothing was due while there was room to dial.
    NothingDue,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::AgentFree { agent } => write!(f, "agent {agent} free and the contact due"),
            Why::Paced { free_agents, ringing, placing } => {
                write!(f, "pacer: {free_agents} agents free, {ringing} calls ringing, placing {placing} more")
            }
            Why::LineFree { lines_in_use, max_lines } => write!(f, "{lines_in_use} of {max_lines} lines in use"),
            Why::AgentDialed { agent } => write!(f, "agent {agent} chose to dial"),
            Why::AgentSkipped { agent } => write!(f, "agent {agent} skipped the contact"),
            Why::Answered { by } => write!(f, "answered ({})", answered_str(*by)),
            Why::NoAgentFree => f.write_str("answered with no agent free"),
            Why::Machine(a) => write!(f, "answering machine: {}", machine_str(*a)),
            Why::OnDoNotCallList(DncList::Global) => f.write_str("on the global do-not-call list"),
            Why::OnDoNotCallList(DncList::Campaign) => f.write_str("on the campaign's do-not-call list"),
            Why::OutsideWindow => f.write_str("outside the contact's call windows"),
            Why::AttemptEnded(r) => write!(f, "attempt ended: {}", super::settings::result_to_wire(*r).as_str()),
            Why::Disposition => f.write_str("the agent saved a disposition"),
            Why::NoDisposition => f.write_str("the call ended and no disposition came in time"),
            Why::CallbackScheduled => f.write_str("the agent scheduled a callback"),
            Why::NothingDue => f.write_str("room to dial and no contact due"),
        }
    }
}

pub fn answered_str(a: Answered) -> &'static str {
    match a {
        Answered::Human => "human",
        Answered::Machine => "machine",
        Answered::Unknown => "unknown",
    }
}

pub fn machine_str(a: MachineAction) -> &'static str {
    match a {
        MachineAction::HangUp => "hang up",
        MachineAction::LeaveMessage => "leave a message",
        MachineAction::PassToAgent => "pass to an agent",
    }
}

/// One decision: what, why, and the figures of that moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub at: i64,
    pub action: Action,
    pub why: Why,
    pub free_agents: u32,
    pub ringing: u32,
    pub pacing: PacingFigures,
}

/// Inputs the dialer refuses (the driver's bug or a stale message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialerError {
    #[error("no call {0} is under way")]
    UnknownAttempt(AttemptId),
    #[error("agent {0} has no contact in preview")]
    NoPreview(AgentId),
    #[error("contact {0} is not waiting for a disposition")]
    NotConnected(ContactId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    /// In the due queue at this time.
    Waiting {
        due: i64,
    },
    Previewed {
        agent: AgentId,
    },
    Dialing {
        attempt: AttemptId,
    },
    /// Talking to an agent; waits for the disposition.
    Connected {
        agent: AgentId,
    },
    /// Agentless, in the flow.
    InFlow {
        attempt: AttemptId,
    },
}

#[derive(Debug, Clone)]
struct Slot {
    contact: Contact,
    stage: Stage,
}

#[derive(Debug, Clone)]
struct Call {
    contact: ContactId,
    /// The agent held for it (preview, progressive).
    agent: Option<AgentId>,
    answered: bool,
}

pub struct Dialer {
    config: DialerConfig,
    state: RunState,
    dnc: DoNotCall,
    pacer: Pacer,
    slots: HashMap<ContactId, Slot>,
    /// Due queues: callbacks first, then the rest; each by (due, id).
    due: [BTreeSet<(i64, ContactId)>; 2],
    /// Agents free for the campaign, by when they became free.
    free: BTreeMap<AgentId, i64>,
    /// Agents the dialer gave work (a preview, a held call, a connected
    /// call), and the contact.
    engaged: HashMap<AgentId, ContactId>,
    calls: HashMap<AttemptId, Call>,
    next_attempt: AttemptId,
    out: VecDeque<Decision>,
    /// The list-dry alert was given and not yet re-armed.
    dry_told: bool,
    /// The time of the latest input: contacts due by then wait for room
    /// to dial, not for the timer.
    now: i64,
}

impl Dialer {
    pub fn new(config: DialerConfig, dnc: DoNotCall) -> Dialer {
        let pacer = Pacer::new(config.pacing.clone());
        Dialer {
            config,
            state: RunState::Paused,
            dnc,
            pacer,
            slots: HashMap::new(),
            due: [BTreeSet::new(), BTreeSet::new()],
            free: BTreeMap::new(),
            engaged: HashMap::new(),
            calls: HashMap::new(),
            next_attempt: 1,
            out: VecDeque::new(),
            dry_told: false,
            now: i64::MIN,
        }
    }

    pub fn state(&self) -> RunState {
        self.state
    }

    /// Contacts waiting to be dialed (due or not).
    pub fn waiting(&self) -> usize {
        self.due[0].len() + self.due[1].len()
    }

    /// Calls placed and not yet answered or ended.
    pub fn ringing(&self) -> u32 {
        self.calls.values().filter(|c| !c.answered).count() as u32
    }

    pub fn free_agents(&self) -> u32 {
        self.free.len() as u32
    }

    /// Whether the dialer counts `agent` free for its calls.
    pub fn is_free(&self, agent: AgentId) -> bool {
        self.free.contains_key(&agent)
    }

    /// Calls answered and not over: with an agent (until the disposition)
    /// or in the agentless flow.
    pub fn in_progress(&self) -> u32 {
        self.slots.values().filter(|s| matches!(s.stage, Stage::Connected { .. } | Stage::InFlow { .. })).count() as u32
    }

    /// Whether the contact is known (waiting, in preview, dialed or talking).
    pub fn knows(&self, contact: ContactId) -> bool {
        self.slots.contains_key(&contact)
    }

    /// Replaces the do-not-call lists (as loaded again from the store).
    pub fn handle_dnc_lists(&mut self, now: i64, dnc: DoNotCall) {
        self.dnc = dnc;
        self.dial(now);
    }

    pub fn pacing(&self, now: i64) -> PacingFigures {
        self.pacer.figures(now)
    }

    /// Start, pause or stop.
    pub fn handle_state(&mut self, now: i64, state: RunState) {
        if self.state != RunState::Stopped {
            self.state = state;
        }
        self.dial(now);
    }

    /// Adds contacts (or replaces waiting ones with the same id).
    pub fn handle_contacts(&mut self, now: i64, contacts: impl IntoIterator<Item = Contact>) {
        for c in contacts {
            if let Some(old) = self.slots.get(&c.id) {
                if !matches!(old.stage, Stage::Waiting { .. }) {
                    continue;
                }
                self.unqueue(c.id);
            }
            let (id, due) = (c.id, c.next_at);
            self.slots.insert(id, Slot { contact: c, stage: Stage::Waiting { due } });
            self.enqueue(id, due);
        }
        self.dry_told = false;
        self.dial(now);
    }

    /// Takes a waiting contact out (deleted from the list).
    pub fn handle_remove(&mut self, now: i64, contact: ContactId) {
        if matches!(self.slots.get(&contact).map(|s| &s.stage), Some(Stage::Waiting { .. })) {
            self.unqueue(contact);
            self.slots.remove(&contact);
        }
        self.dial(now);
    }

    /// A number was put on or taken off a do-not-call list.
    pub fn handle_dnc(&mut self, now: i64, list: DncList, number: String, listed: bool) {
        if listed {
            self.dnc.add(list, number);
        } else {
            self.dnc.remove(list, &number);
        }
        self.dial(now);
    }

    /// The agent is ready for a campaign call.
    pub fn handle_agent_ready(&mut self, now: i64, agent: AgentId) {
        if !self.engaged.contains_key(&agent) {
            self.free.entry(agent).or_insert(now);
        }
        self.dial(now);
    }

    /// The agent left the campaign or took another kind of work. A contact
    /// in their preview goes back to the list.
    pub fn handle_agent_away(&mut self, now: i64, agent: AgentId) {
        self.free.remove(&agent);
        if let Some(&id) = self.engaged.get(&agent)
            && self.slots.get(&id).is_some_and(|s| s.stage == Stage::Previewed { agent })
        {
            self.engaged.remove(&agent);
            let due = self.slots[&id].contact.next_at;
            self.requeue(id, due);
        }
        self.dial(now);
    }

    /// The previewing agent dials (`true`) or skips the contact. A skipped
    /// contact goes back to the list after the no-answer delay, no attempt
    /// counted.
    pub fn handle_preview(&mut self, now: i64, agent: AgentId, dial: bool) -> Result<(), DialerError> {
        let id = self
            .engaged
            .get(&agent)
            .copied()
            .filter(|id| self.slots.get(id).is_some_and(|s| s.stage == Stage::Previewed { agent }))
            .ok_or(DialerError::NoPreview(agent))?;
        if dial {
            self.place(now, id, Some(agent), Why::AgentDialed { agent });
        } else {
            let at = now + self.config.rules.retry.no_answer.unwrap_or(3_600_000) as i64;
            let attempts = self.slots[&id].contact.attempts;
            self.requeue(id, at);
            self.push(now, Action::Retry { contact: id, at, attempts, result: None }, Why::AgentSkipped { agent });
            self.release(now, agent);
        }
        self.dial(now);
        Ok(())
    }

    /// The call ended unanswered (busy, no answer, failed).
    pub fn handle_not_answered(
        &mut self,
        now: i64,
        attempt: AttemptId,
        result: AttemptResult,
    ) -> Result<(), DialerError> {
        let call = self.calls.remove(&attempt).ok_or(DialerError::UnknownAttempt(attempt))?;
        if let Some(agent) = call.agent {
            self.release(now, agent);
        }
        self.pacer.handle_outcome(now, Outcome::NotLive);
        self.after_attempt(now, call.contact, result);
        self.dial(now);
        Ok(())
    }

    /// The call was answered, and detection says by whom.
    pub fn handle_answered(&mut self, now: i64, attempt: AttemptId, by: Answered) -> Result<(), DialerError> {
        let call = self.calls.get_mut(&attempt).ok_or(DialerError::UnknownAttempt(attempt))?;
        if call.answered {
            return Ok(());
        }
        call.answered = true;
        let (contact, held) = (call.contact, call.agent);
        let machine = self.config.machine;
        if by == Answered::Machine && machine != MachineAction::PassToAgent {
            self.calls.remove(&attempt);
            if let Some(agent) = held {
                self.release(now, agent);
            }
            self.pacer.handle_outcome(now, Outcome::NotLive);
            let action = match machine {
                MachineAction::LeaveMessage => Action::LeaveMessage { attempt, contact },
                _ => Action::HangUp { attempt, contact },
            };
            self.push(now, action, Why::Machine(machine));
            self.after_attempt(now, contact, AttemptResult::Machine);
        } else if self.config.mode == DialMode::Agentless {
            self.set_stage(contact, Stage::InFlow { attempt });
            self.pacer.handle_outcome(now, Outcome::Connected);
            self.push(now, Action::RunFlow { attempt, contact }, Why::Answered { by });
            let attempts = self.slots[&contact].contact.attempts;
            let finish = Finish::Completed { disposition: None };
            self.push(now, Action::Finish { contact, attempts, finish }, Why::Answered { by });
        } else {
            // The held agent, else the one free longest.
            let agent = held.or_else(|| self.free.iter().min_by_key(|(id, since)| (**since, **id)).map(|(id, _)| *id));
            self.calls.remove(&attempt);
            match agent {
                Some(agent) => {
                    self.free.remove(&agent);
                    self.engaged.insert(agent, contact);
                    self.pacer.handle_outcome(now, Outcome::Connected);
                    self.set_stage(contact, Stage::Connected { agent });
                    self.push(now, Action::Connect { attempt, contact, agent }, Why::Answered { by });
                }
                None => {
                    self.pacer.handle_outcome(now, Outcome::Abandoned);
                    self.push(now, Action::Drop { attempt, contact }, Why::NoAgentFree);
                    self.after_attempt(now, contact, AttemptResult::Abandoned);
                }
            }
        }
        self.dial(now);
        Ok(())
    }

    /// An agentless call's flow ended (frees its line).
    pub fn handle_flow_ended(&mut self, now: i64, attempt: AttemptId) -> Result<(), DialerError> {
        let call = self.calls.remove(&attempt).ok_or(DialerError::UnknownAttempt(attempt))?;
        self.slots.remove(&call.contact);
        self.dial(now);
        Ok(())
    }

    /// The agent saved the connected call's disposition; with `callback_at`
    /// the contact is called again then (before other due contacts).
    pub fn handle_disposition(
        &mut self,
        now: i64,
        contact: ContactId,
        disposition: Option<String>,
        callback_at: Option<i64>,
    ) -> Result<(), DialerError> {
        let Some(slot) = self.slots.get_mut(&contact) else { return Err(DialerError::NotConnected(contact)) };
        if !matches!(slot.stage, Stage::Connected { .. }) {
            return Err(DialerError::NotConnected(contact));
        }
        let attempts = slot.contact.attempts;
        if let Stage::Connected { agent } = slot.stage {
            self.engaged.remove(&agent);
        }
        match callback_at {
            Some(at) => {
                slot.contact.callback = true;
                self.requeue(contact, at);
                let action = Action::Retry { contact, at, attempts, result: Some(AttemptResult::Connected) };
                self.push(now, action, Why::CallbackScheduled);
            }
            None => {
                self.slots.remove(&contact);
                let why = if disposition.is_some() { Why::Disposition } else { Why::NoDisposition };
                let finish = Finish::Completed { disposition };
                self.push(now, Action::Finish { contact, attempts, finish }, why);
            }
        }
        self.dial(now);
        Ok(())
    }

    /// The timer is due.
    pub fn handle_timeout(&mut self, now: i64) {
        self.dial(now);
    }

    /// When to call `handle_timeout`: the next contact falling due (after
    /// the latest input) while the campaign runs. Contacts already due wait
    /// for room to dial, which comes with an input.
    pub fn poll_timeout(&self) -> Option<i64> {
        if self.state != RunState::Running {
            return None;
        }
        let after = self.now.saturating_add(1);
        self.due.iter().filter_map(|q| q.range((after, ContactId::MIN)..).next().map(|(t, _)| *t)).min()
    }

    pub fn poll_output(&mut self) -> Option<Decision> {
        self.out.pop_front()
    }

    fn push(&mut self, now: i64, action: Action, why: Why) {
        let pacing = self.pacer.figures(now);
        let (free_agents, ringing) = (self.free_agents(), self.ringing());
        self.out.push_back(Decision { at: now, action, why, free_agents, ringing, pacing });
    }

    /// The agent's work from the dialer is over; free again.
    fn release(&mut self, now: i64, agent: AgentId) {
        self.engaged.remove(&agent);
        self.free.insert(agent, now);
    }

    fn enqueue(&mut self, id: ContactId, due: i64) {
        let rank = usize::from(!self.slots[&id].contact.callback);
        self.due[rank].insert((due, id));
    }

    fn unqueue(&mut self, id: ContactId) {
        if let Some(Slot { stage: Stage::Waiting { due }, .. }) = self.slots.get(&id) {
            let due = *due;
            self.due[0].remove(&(due, id));
            self.due[1].remove(&(due, id));
        }
    }

    fn requeue(&mut self, id: ContactId, due: i64) {
        // What is due next changed: a list that ran dry is told again, with
        // the new time.
        self.dry_told = false;
        self.unqueue(id);
        self.set_stage(id, Stage::Waiting { due });
        if let Some(s) = self.slots.get_mut(&id) {
            s.contact.next_at = due;
        }
        self.enqueue(id, due);
    }

    fn set_stage(&mut self, id: ContactId, stage: Stage) {
        if let Some(s) = self.slots.get_mut(&id) {
            s.stage = stage;
        }
    }

    fn tz(&self, c: &Contact) -> TimeZone {
        c.time_zone.clone().unwrap_or_else(|| self.config.rules.time_zone.clone())
    }

    /// The rules' verdict on an attempt that came to `result`.
    fn after_attempt(&mut self, now: i64, id: ContactId, result: AttemptResult) {
        let Some(slot) = self.slots.get(&id) else { return };
        let attempts = slot.contact.attempts;
        let tz = self.tz(&slot.contact);
        match self.config.rules.after_attempt(result, attempts, now, &tz) {
            NextStep::Retry { at } => {
                self.requeue(id, at);
                let action = Action::Retry { contact: id, at, attempts, result: Some(result) };
                self.push(now, action, Why::AttemptEnded(result));
            }
            NextStep::Done { exhausted } => {
                self.slots.remove(&id);
                let finish = if exhausted { Finish::Exhausted(result) } else { Finish::NoRetry(result) };
                self.push(now, Action::Finish { contact: id, attempts, finish }, Why::AttemptEnded(result));
            }
        }
    }

    /// The next contact fit to dial now, taken off its queue; contacts
    /// found outside their windows or on a do-not-call list on the way are
    /// dealt with.
    fn next_contact(&mut self, now: i64) -> Option<ContactId> {
        loop {
            let (rank, (due, id)) =
                (0..2).find_map(|r| self.due[r].first().filter(|(t, _)| *t <= now).map(|e| (r, *e)))?;
            self.due[rank].remove(&(due, id));
            let slot = &self.slots[&id];
            let (number, attempts) = (slot.contact.number.clone(), slot.contact.attempts);
            let tz = self.tz(&slot.contact);
            if let Some(list) = self.dnc.check(&number) {
                self.slots.remove(&id);
                let finish = Finish::DoNotCall(list);
                self.push(now, Action::Finish { contact: id, attempts, finish }, Why::OnDoNotCallList(list));
                continue;
            }
            if !self.config.rules.in_window(now, &tz) {
                match self.config.rules.next_window(now, &tz) {
                    Some(at) => {
                        // Straight back in the queue, not through `requeue`:
                        // its entry is already gone.
                        self.set_stage(id, Stage::Waiting { due: at });
                        self.slots.get_mut(&id).expect("just seen").contact.next_at = at;
                        self.enqueue(id, at);
                        let action = Action::Retry { contact: id, at, attempts, result: None };
                        self.push(now, action, Why::OutsideWindow);
                    }
                    None => {
                        self.slots.remove(&id);
                        let action = Action::Finish { contact: id, attempts, finish: Finish::NoWindow };
                        self.push(now, action, Why::OutsideWindow);
                    }
                }
                continue;
            }
            return Some(id);
        }
    }

    /// Places one call to contact `id` (already off its queue).
    fn place(&mut self, now: i64, id: ContactId, agent: Option<AgentId>, why: Why) {
        let attempt = self.next_attempt;
        self.next_attempt += 1;
        if let Some(a) = agent {
            self.free.remove(&a);
            self.engaged.insert(a, id);
        }
        let slot = self.slots.get_mut(&id).expect("a contact being placed is known");
        slot.contact.attempts += 1;
        slot.stage = Stage::Dialing { attempt };
        let number = slot.contact.number.clone();
        self.calls.insert(attempt, Call { contact: id, agent, answered: false });
        self.dry_told = false;
        self.push(now, Action::Dial { attempt, contact: id, number, agent }, why);
    }

    /// Dials what the mode and the free agents or lines allow now.
    fn dial(&mut self, now: i64) {
        self.now = self.now.max(now);
        if self.state != RunState::Running {
            return;
        }
        let mut wanted = false;
        loop {
            let (agent, why) = match self.config.mode {
                DialMode::Preview | DialMode::Progressive => {
                    let Some((&agent, _)) = self.free.iter().min_by_key(|(id, since)| (**since, **id)) else { break };
                    (Some(agent), Why::AgentFree { agent })
                }
                DialMode::Predictive => {
                    let (free, ringing) = (self.free_agents(), self.ringing());
                    let placing = self.pacer.calls_to_place(now, free, ringing);
                    if placing == 0 {
                        break;
                    }
                    (None, Why::Paced { free_agents: free, ringing, placing })
                }
                DialMode::Agentless => {
                    let in_use = self.calls.len() as u32;
                    if in_use >= self.config.max_lines {
                        break;
                    }
                    (None, Why::LineFree { lines_in_use: in_use, max_lines: self.config.max_lines })
                }
            };
            let Some(id) = self.next_contact(now) else {
                wanted = true;
                break;
            };
            if self.config.mode == DialMode::Preview {
                let agent = agent.expect("preview has an agent");
                self.free.remove(&agent);
                self.engaged.insert(agent, id);
                self.set_stage(id, Stage::Previewed { agent });
                self.push(now, Action::Preview { agent, contact: id }, why);
            } else {
                self.place(now, id, agent, why);
            }
        }
        let nothing_due = self.due.iter().all(|q| q.first().is_none_or(|(t, _)| *t > now));
        if wanted && nothing_due && !self.dry_told {
            self.dry_told = true;
            let next_due = self.due.iter().filter_map(|q| q.first().map(|(t, _)| *t)).min();
            self.push(now, Action::ListDry { next_due }, Why::NothingDue);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::rules::RetryDelays;

    const T0: i64 = 1_740_985_200_000; // 2025-03-03T07:00:00Z, Monday 10:30 in Tehran

    fn config(mode: DialMode) -> DialerConfig {
        DialerConfig {
            mode,
            rules: crate::campaign::rules::tests::tehran_rules(),
            machine: MachineAction::HangUp,
            pacing: PacingConfig::default(),
            max_lines: 2,
        }
    }

    fn contact(id: ContactId, number: &str) -> Contact {
        Contact { id, number: number.into(), time_zone: None, attempts: 0, next_at: T0, callback: false }
    }

    fn drain(d: &mut Dialer) -> Vec<(Action, Why)> {
        std::iter::from_fn(|| d.poll_output()).map(|x| (x.action, x.why)).collect()
    }

    fn running(mode: DialMode, contacts: Vec<Contact>) -> Dialer {
        let mut d = Dialer::new(config(mode), DoNotCall::default());
        d.handle_contacts(T0, contacts);
        d.handle_state(T0, RunState::Running);
        d
    }

    #[test]
    fn progressive_dials_one_call_per_free_agent_and_retries_by_result() {
        let mut d = running(DialMode::Progressive, vec![contact(1, "+981"), contact(2, "+982"), contact(3, "+983")]);
        // Running with nobody free: nothing, and no alarm either.
        assert_eq!(drain(&mut d), vec![]);
        d.handle_agent_ready(T0, 7);
        let dial = Action::Dial { attempt: 1, contact: 1, number: "+981".into(), agent: Some(7) };
        assert_eq!(drain(&mut d), vec![(dial, Why::AgentFree { agent: 7 })]);
        // Busy: the agent is free again and gets the next contact; the first
        // waits ten minutes.
        d.handle_not_answered(T0 + 5_000, 1, AttemptResult::Busy).unwrap();
        let out = drain(&mut d);
        let retry =
            Action::Retry { contact: 1, at: T0 + 5_000 + 600_000, attempts: 1, result: Some(AttemptResult::Busy) };
        assert_eq!(out[0], (retry, Why::AttemptEnded(AttemptResult::Busy)));
        assert_eq!(out[1].0, Action::Dial { attempt: 2, contact: 2, number: "+982".into(), agent: Some(7) });
        // Answered by a person: the held agent gets it.
        d.handle_answered(T0 + 9_000, 2, Answered::Human).unwrap();
        let out = drain(&mut d);
        assert_eq!(
            out,
            vec![(Action::Connect { attempt: 2, contact: 2, agent: 7 }, Why::Answered { by: Answered::Human })]
        );
        // The agent saves a disposition and is ready again: contact 3.
        d.handle_disposition(T0 + 60_000, 2, Some("sale".into()), None).unwrap();
        d.handle_agent_ready(T0 + 61_000, 7);
        let out = drain(&mut d);
        let finish = Finish::Completed { disposition: Some("sale".into()) };
        assert_eq!(out[0], (Action::Finish { contact: 2, attempts: 1, finish }, Why::Disposition));
        assert_eq!(out[1].0, Action::Dial { attempt: 3, contact: 3, number: "+983".into(), agent: Some(7) });
        // A machine, hung up on: retried in four hours; nothing else is due,
        // and the supervisors hear of it once, with when the next is due.
        d.handle_answered(T0 + 70_000, 3, Answered::Machine).unwrap();
        let out = drain(&mut d);
        assert_eq!(out[0], (Action::HangUp { attempt: 3, contact: 3 }, Why::Machine(MachineAction::HangUp)));
        assert!(matches!(out[1].0, Action::Retry { contact: 3, result: Some(AttemptResult::Machine), .. }));
        assert_eq!(out.get(2), Some(&(Action::ListDry { next_due: Some(T0 + 605_000) }, Why::NothingDue)), "{out:?}");
        assert_eq!(d.poll_timeout(), Some(T0 + 605_000));
        d.handle_timeout(T0 + 100_000);
        assert_eq!(drain(&mut d), vec![], "told once");
        d.handle_timeout(T0 + 605_000);
        assert_eq!(drain(&mut d)[0].0, Action::Dial { attempt: 4, contact: 1, number: "+981".into(), agent: Some(7) });
    }

    #[test]
    fn do_not_call_and_windows_are_checked_when_dialing() {
        let mut late = contact(2, "+442");
        late.time_zone = Some(TimeZone::get("America/New_York").unwrap());
        let mut d = running(DialMode::Progressive, vec![contact(1, "+981"), late, contact(3, "+983")]);
        // Listed after loading, before dialing.
        d.handle_dnc(T0, DncList::Global, "+981".into(), true);
        d.handle_agent_ready(T0, 7);
        let out = drain(&mut d);
        let finish = Finish::DoNotCall(DncList::Global);
        assert_eq!(out[0], (Action::Finish { contact: 1, attempts: 0, finish }, Why::OnDoNotCallList(DncList::Global)));
        // 02:00 in New York: waits for 09:00 there (14:00 UTC).
        let nine_ny = T0 + 7 * 3_600_000;
        assert_eq!(out[1], (Action::Retry { contact: 2, at: nine_ny, attempts: 0, result: None }, Why::OutsideWindow));
        assert_eq!(out[2].0, Action::Dial { attempt: 1, contact: 3, number: "+983".into(), agent: Some(7) });
        // Exhausted after the last attempt.
        let mut d = running(DialMode::Progressive, vec![Contact { attempts: 2, ..contact(4, "+984") }]);
        d.handle_agent_ready(T0, 7);
        drain(&mut d);
        d.handle_not_answered(T0 + 30_000, 1, AttemptResult::NoAnswer).unwrap();
        let finish = Finish::Exhausted(AttemptResult::NoAnswer);
        assert_eq!(drain(&mut d)[0].0, Action::Finish { contact: 4, attempts: 3, finish });
    }

    #[test]
    fn preview_lets_the_agent_dial_or_skip() {
        let mut d = running(DialMode::Preview, vec![contact(1, "+981"), contact(2, "+982")]);
        d.handle_agent_ready(T0, 7);
        assert_eq!(drain(&mut d), vec![(Action::Preview { agent: 7, contact: 1 }, Why::AgentFree { agent: 7 })]);
        d.handle_preview(T0 + 1_000, 7, false).unwrap();
        let out = drain(&mut d);
        let at = T0 + 1_000 + RetryDelays::default().no_answer.unwrap() as i64;
        assert_eq!(
            out[0],
            (Action::Retry { contact: 1, at, attempts: 0, result: None }, Why::AgentSkipped { agent: 7 })
        );
        assert_eq!(out[1].0, Action::Preview { agent: 7, contact: 2 });
        d.handle_preview(T0 + 2_000, 7, true).unwrap();
        let out = drain(&mut d);
        assert_eq!(
            out[0],
            (
                Action::Dial { attempt: 1, contact: 2, number: "+982".into(), agent: Some(7) },
                Why::AgentDialed { agent: 7 }
            )
        );
        assert_eq!(d.handle_preview(T0, 8, true), Err(DialerError::NoPreview(8)));
        // Nothing more is due: the alert, once.
        assert!(matches!(out.last().unwrap().0, Action::Retry { .. } | Action::Dial { .. } | Action::ListDry { .. }));
    }

    #[test]
    fn predictive_drops_an_answer_with_no_agent_free_and_callbacks_come_first() {
        let mut d = running(DialMode::Predictive, (1..=4).map(|i| contact(i, &format!("+98{i}"))).collect());
        d.handle_agent_ready(T0, 7);
        let out = drain(&mut d);
        assert_eq!(out.len(), 1, "one free agent, no history: one call");
        assert_eq!(out[0].1, Why::Paced { free_agents: 1, ringing: 0, placing: 1 });
        d.handle_answered(T0 + 5_000, 1, Answered::Unknown).unwrap();
        assert_eq!(drain(&mut d)[0].0, Action::Connect { attempt: 1, contact: 1, agent: 7 });
        // The agent schedules a callback; meanwhile another agent's call is
        // answered twice over.
        d.handle_disposition(T0 + 50_000, 1, Some("call_back".into()), Some(T0 + 3_600_000)).unwrap();
        d.handle_agent_ready(T0 + 50_000, 8);
        let out = drain(&mut d);
        assert_eq!(out[0].1, Why::CallbackScheduled);
        assert!(matches!(out[1].0, Action::Dial { attempt: 2, contact: 2, agent: None, .. }));
        d.handle_answered(T0 + 55_000, 2, Answered::Human).unwrap();
        assert_eq!(drain(&mut d)[0].0, Action::Connect { attempt: 2, contact: 2, agent: 8 });
        // A call ringing for no one: placed while an agent was free, who has
        // since gone; answered, it is dropped and retried later.
        d.handle_agent_ready(T0 + 56_000, 9);
        let out = drain(&mut d);
        let Action::Dial { attempt, contact, .. } = out[0].0.clone() else { panic!("{out:?}") };
        d.handle_agent_away(T0 + 57_000, 9);
        d.handle_answered(T0 + 58_000, attempt, Answered::Human).unwrap();
        let out = drain(&mut d);
        assert_eq!(out[0], (Action::Drop { attempt, contact }, Why::NoAgentFree));
        assert!(matches!(out[1].0, Action::Retry { result: Some(AttemptResult::Abandoned), .. }));
        assert_eq!(d.pacing(T0 + 58_000).abandon_rate, Some(1.0 / 3.0));
        // At the callback's time, with contact 4 also due, the callback goes first.
        d.handle_agent_ready(T0 + 3_600_000, 7);
        let first_dial = drain(&mut d).into_iter().find_map(|(a, _)| match a {
            Action::Dial { contact, .. } => Some(contact),
            _ => None,
        });
        assert_eq!(first_dial, Some(1));
    }

    #[test]
    fn agentless_runs_the_flow_on_free_lines_and_pauses() {
        let mut d = running(DialMode::Agentless, (1..=3).map(|i| contact(i, &format!("+98{i}"))).collect());
        let out = drain(&mut d);
        assert_eq!(out.len(), 2, "two lines");
        assert_eq!(out[1].1, Why::LineFree { lines_in_use: 1, max_lines: 2 });
        d.handle_state(T0 + 1, RunState::Paused);
        d.handle_answered(T0 + 5_000, 1, Answered::Human).unwrap();
        let out = drain(&mut d);
        assert_eq!(out[0].0, Action::RunFlow { attempt: 1, contact: 1 });
        assert!(matches!(out[1].0, Action::Finish { contact: 1, finish: Finish::Completed { disposition: None }, .. }));
        d.handle_not_answered(T0 + 6_000, 2, AttemptResult::Failed).unwrap();
        d.handle_flow_ended(T0 + 30_000, 1).unwrap();
        assert!(drain(&mut d).iter().all(|(a, _)| !matches!(a, Action::Dial { .. })), "paused: no new calls");
        assert_eq!(d.poll_timeout(), None);
        d.handle_state(T0 + 40_000, RunState::Running);
        assert!(matches!(drain(&mut d)[0].0, Action::Dial { contact: 3, .. }));
        assert_eq!(d.handle_flow_ended(T0, 99), Err(DialerError::UnknownAttempt(99)));
        d.handle_state(T0 + 50_000, RunState::Stopped);
        d.handle_state(T0 + 50_000, RunState::Running);
        assert_eq!(d.state(), RunState::Stopped, "stopped is for good");
    }

    #[test]
    fn reasons_read_as_sentences_without_numbers() {
        assert_eq!(
            Why::Paced { free_agents: 3, ringing: 2, placing: 4 }.to_string(),
            "pacer: 3 agents free, 2 calls ringing, placing 4 more"
        );
        assert_eq!(Why::OnDoNotCallList(DncList::Campaign).to_string(), "on the campaign's do-not-call list");
        assert_eq!(Why::Machine(MachineAction::LeaveMessage).to_string(), "answering machine: leave a message");
    }
}
