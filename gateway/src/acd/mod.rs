//! The routing engine (ACD): queues, agents' states, offers and the choice of
//! agent for each call. A sans-IO core: time is an input (milliseconds), the
//! driver feeds calls, agents' actions and timeouts in, and takes offers,
//! withdrawals, announcements and state changes out with
//! [`Acd::poll_output`]; [`Acd::poll_timeout`] says when to call
//! [`Acd::handle_timeout`] next.
//!
//! # Model
//! - An agent has a *presence* (logged out, ready, not ready with a reason,
//!   missed) and an *activity* (idle, ringing for a call, on a call, wrap-up).
//!   Only a ready, idle agent is *free*; the state shown to people
//!   ([`AgentState`]) combines the two.
//! - A queue holds waiting calls in order: VIP first, then higher priority,
//!   then the earliest entry. A call that overflows into another queue keeps
//!   its entry time; a callback keeps the place of the call it replaced.
//! - A call is *eligible* for an agent who is a member of its queue and has
//!   every skill the call needs at the level asked. What a call needs is its
//!   queue's skills (replaced by escalation steps as the call waits) plus the
//!   call's own (from the IVR, e.g. a language).
//!
//! # Invariant
//! After every input: no waiting call that could be offered is eligible for a
//! free agent. So a new call only has to look at the free agents, and a newly
//! free agent only at the waiting calls of its queues, best first across them
//! ("an agent in several queues gets the longest-waiting eligible caller").
//! Strategies that ring one agent at a time never ring two for one call, and
//! an agent never rings for two calls; ring-all, top three, random three and
//! progressive ring several on purpose, and the first to accept wins: the
//! others get [`Output::Withdraw`] at once.
//!
//! # Estimated wait
//! See [`estimate`]: the time the eligible agents need to work through the
//! calls ahead, from their live state and the queue's moving average handle
//! time. How accurate it was in simulation is in the `sim` tests and
//! ARCHITECTURE.md.

mod estimate;
mod pick;
#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};

pub use shared::routing::{
    AgentProfile, ConfigError, Escalation, Membership, Overflow, QueueConfig, Skill, SkillReq, Strategy, Weights,
};

/// Milliseconds on the driver's clock.
pub type Millis = u64;
/// The call layer's number for a call (or a callback) in the engine.
pub type CallKey = u64;
/// A user id.
pub type AgentId = i64;

/// Handle time assumed for a queue before any call of it has ended.
/// The reason code of an agent made not ready by missed offers.
pub const MISSED_REASON: &str = "missed";

const DEFAULT_HANDLE_MS: f64 = 180_000.0;
/// Weight of the newest call in the moving average handle time.
const HANDLE_ALPHA: f64 = 0.1;
/// Most queue hops one call can make through overflow targets.
const MAX_HOPS: u32 = 4;
/// How many agents the "three" strategies ring at once.
const THREE: usize = 3;

/// The state shown for an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentState {
    LoggedOut,
    Available,
    NotReady,
    /// Reserved for a call that is ringing on their desk.
    Ringing,
    OnCall,
    WrapUp,
    /// Made not ready by the engine after missing offers in a row.
    Missed,
}

impl AgentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::LoggedOut => "logged_out",
            AgentState::Available => "available",
            AgentState::NotReady => "not_ready",
            AgentState::Ringing => "ringing",
            AgentState::OnCall => "on_call",
            AgentState::WrapUp => "wrap_up",
            AgentState::Missed => "missed",
        }
    }
}

/// What the driver should do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Ring this agent for this call.
    Offer { call: CallKey, agent: AgentId, queue: String, whisper: String, kind: EntryKind },
    /// Stop ringing this agent for this call.
    Withdraw { call: CallKey, agent: AgentId, why: Withdrawn },
    /// Tell the caller where they are. `wait_secs` is `None` when nobody who
    /// could take the call is working.
    Announce { call: CallKey, position: u32, wait_secs: Option<u32> },
    /// The call left its queue because of a limit; the driver acts on `to`
    /// (another queue is handled here and reported as [`Output::Moved`]).
    Left { call: CallKey, queue: String, why: LeaveReason, to: Overflow },
    /// The call overflowed into another queue and waits there now.
    Moved { call: CallKey, from: String, to: String, why: LeaveReason },
    /// An agent's shown state changed (or their wrap-up was extended).
    /// `until` is when a wrap-up ends by itself.
    AgentChanged { agent: AgentId, state: AgentState, reason: Option<String>, since: Millis, until: Option<Millis> },
}

/// Why an offer was taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawn {
    /// Another agent accepted (ring-several strategies).
    AnsweredElsewhere,
    /// The agent did not answer in time.
    Timeout,
    /// The caller hung up or the call left the queue.
    CallGone,
    /// The agent logged out or changed what they take.
    AgentGone,
}

/// Why a call left its queue without an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveReason {
    /// The queue was at its maximum length.
    Full,
    /// The call waited the queue's maximum wait.
    MaxWait,
    /// No agent of the queue is logged in.
    Empty,
    /// The queue was removed.
    Removed,
}

impl LeaveReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveReason::Full => "full",
            LeaveReason::MaxWait => "max_wait",
            LeaveReason::Empty => "empty",
            LeaveReason::Removed => "removed",
        }
    }
}

/// A live call waiting for an agent, or a callback keeping a caller's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Call,
    Callback,
}

/// What the call brings to the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAttrs {
    /// 0–9, higher first.
    pub priority: u8,
    pub vip: bool,
    /// Needed on top of the queue's skills.
    pub skills: Vec<SkillReq>,
    pub kind: EntryKind,
    /// The place to keep (a callback's original entry time); `None`: now.
    pub entered: Option<Millis>,
}

impl Default for CallAttrs {
    fn default() -> CallAttrs {
        CallAttrs { priority: 0, vip: false, skills: Vec::new(), kind: EntryKind::Call, entered: None }
    }
}

/// The answer to [`Acd::enqueue`].
#[derive(Debug, Clone, PartialEq)]
pub enum Enqueued {
    /// Waiting (or already ringing) in `queue`, possibly another than asked
    /// after overflow.
    Waiting { queue: String, position: u32, wait_secs: Option<u32> },
    /// Not taken: the driver sends the call to `to`.
    Diverted { queue: String, why: LeaveReason, to: Overflow },
}

/// Why an input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcdError {
    #[error("no such queue")]
    NoQueue,
    #[error("the call is already known")]
    Duplicate,
    #[error("no such call")]
    NoCall,
    #[error("this call is not offered to this agent")]
    NotOffered,
    #[error("no such agent")]
    NoAgent,
    #[error("the agent is not in wrap-up")]
    NotWrappingUp,
}

/// A queue's live figures, for wallboards.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueStats {
    pub waiting: u32,
    pub callbacks: u32,
    pub oldest_wait_ms: Millis,
    pub agents_logged_in: u32,
    pub agents_free: u32,
    pub answered: u64,
    pub answered_in_service_level: u64,
    pub abandoned: u64,
    pub overflowed: u64,
    pub handle_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Presence {
    LoggedOut,
    Ready,
    NotReady(String),
    Missed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Activity {
    Idle,
    Ringing(CallKey),
    OnCall {
        call: CallKey,
        since: Millis,
    },
    /// A call not routed by a queue (outbound, transfer): busy, no stats.
    Direct,
    WrapUp {
        until: Millis,
    },
}

#[derive(Debug)]
struct Agent {
    id: AgentId,
    presence: Presence,
    activity: Activity,
    /// Not ready asked while busy; applied when the call ends.
    pending: Option<Presence>,
    since: Millis,
    idle_since: Millis,
    talk_ms: u64,
    calls: u32,
    missed_in_row: u32,
    /// Interned skill → level, sorted by skill.
    skills: Vec<(u32, u8)>,
    profile: AgentProfile,
    /// (queue index, order)
    queues: Vec<(usize, u32)>,
    /// Bumped on every offer, so a stale ring timer is recognised.
    offer_gen: u64,
    shown: (AgentState, Option<String>),
}

impl Agent {
    fn free(&self) -> bool {
        self.presence == Presence::Ready && self.activity == Activity::Idle
    }

    fn logged_in(&self) -> bool {
        self.presence != Presence::LoggedOut
    }

    fn state(&self) -> (AgentState, Option<String>) {
        if self.presence == Presence::LoggedOut {
            return (AgentState::LoggedOut, None);
        }
        match self.activity {
            Activity::Ringing(_) => (AgentState::Ringing, None),
            Activity::OnCall { .. } | Activity::Direct => (AgentState::OnCall, None),
            Activity::WrapUp { .. } => (AgentState::WrapUp, None),
            Activity::Idle => match &self.presence {
                Presence::Ready => (AgentState::Available, None),
                Presence::NotReady(r) => (AgentState::NotReady, Some(r.clone())),
                Presence::Missed => (AgentState::Missed, None),
                Presence::LoggedOut => (AgentState::LoggedOut, None),
            },
        }
    }

    fn level(&self, skill: u32) -> u8 {
        self.skills.binary_search_by_key(&skill, |s| s.0).map(|i| self.skills[i].1).unwrap_or(0)
    }
}

/// Where a waiting call sits: VIP first, then priority, then entry time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    rank: Reverse<u8>,
    entered: Millis,
    seq: u64,
}

#[derive(Debug)]
struct Queue {
    cfg: QueueConfig,
    reqs: Vec<(u32, u8)>,
    escalation: Vec<(Millis, Vec<(u32, u8)>)>,
    /// (order, agent id, agent index), sorted.
    members: Vec<(u32, AgentId, usize)>,
    waiting: BTreeSet<(Place, CallKey)>,
    /// Round robin memory: the (order, id) of the last agent rung.
    last_rung: Option<(u32, AgentId)>,
    handle_ms: f64,
    logged_in: u32,
    stats: QueueStats,
}

#[derive(Debug)]
struct Call {
    queue: usize,
    place: Place,
    /// When it entered the queue it is in now (max wait counts from here).
    queue_entered: Millis,
    extra: Vec<(u32, u8)>,
    kind: EntryKind,
    step: usize,
    ringing: Vec<usize>,
    tried: Vec<usize>,
    /// Bumped when the call moves to a queue: stale timers are ignored.
    epoch: u64,
    /// Bumped when a progressive ring starts over: stale steps are ignored.
    round: u64,
    hops: u32,
    announced: u32,
}

#[derive(Debug)]
struct Connected {
    agent: usize,
    queue: usize,
    answered: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    Ring { agent: usize, epoch: u64 },
    Step { call: CallKey, round: u64 },
    Escalate { call: CallKey, epoch: u64, step: usize },
    MaxWait { call: CallKey, epoch: u64 },
    Announce { call: CallKey, epoch: u64 },
    WrapUp { agent: usize, until: Millis },
}

/// The routing engine. See the module docs.
#[derive(Debug)]
pub struct Acd {
    agents: Vec<Agent>,
    agent_index: HashMap<AgentId, usize>,
    queues: Vec<Option<Queue>>,
    queue_index: HashMap<String, usize>,
    skills: HashMap<String, u32>,
    calls: HashMap<CallKey, Call>,
    connected: HashMap<CallKey, Connected>,
    timers: BinaryHeap<Reverse<(Millis, Timer)>>,
    out: VecDeque<Output>,
    seq: u64,
    rng: u64,
    scratch: Vec<usize>,
}

impl Acd {
    /// A new engine; `seed` drives the random strategies.
    pub fn new(seed: u64) -> Acd {
        Acd {
            agents: Vec::new(),
            agent_index: HashMap::new(),
            queues: Vec::new(),
            queue_index: HashMap::new(),
            skills: HashMap::new(),
            calls: HashMap::new(),
            connected: HashMap::new(),
            timers: BinaryHeap::new(),
            out: VecDeque::new(),
            seq: 0,
            rng: seed ^ 0x9e37_79b9_7f4a_7c15,
            scratch: Vec::new(),
        }
    }

    // ----- configuration -----

    /// Adds a queue or changes one. Waiting calls stay; the new settings
    /// apply from now on.
    pub fn set_queue(&mut self, now: Millis, cfg: QueueConfig) -> Result<(), ConfigError> {
        cfg.validate()?;
        let reqs = self.intern_reqs(&cfg.skills);
        let escalation =
            cfg.escalation.iter().map(|e| (u64::from(e.after_secs) * 1000, self.intern_reqs(&e.skills))).collect();
        let q = match self.queue_index.get(&cfg.name) {
            Some(&q) => {
                let queue = self.queues[q].as_mut().expect("indexed queue exists");
                queue.cfg = cfg;
                queue.reqs = reqs;
                queue.escalation = escalation;
                q
            }
            None => {
                let q = self.queues.len();
                self.queue_index.insert(cfg.name.clone(), q);
                self.queues.push(Some(Queue {
                    cfg,
                    reqs,
                    escalation,
                    members: Vec::new(),
                    waiting: BTreeSet::new(),
                    last_rung: None,
                    handle_ms: DEFAULT_HANDLE_MS,
                    logged_in: 0,
                    stats: QueueStats::default(),
                }));
                q
            }
        };
        self.rebuild_members(q);
        self.redispatch_queue(now, q);
        Ok(())
    }

    /// Removes a queue. Its waiting calls leave with [`LeaveReason::Removed`]
    /// to its overflow target (another queue if it still exists).
    pub fn remove_queue(&mut self, now: Millis, name: &str) -> Result<(), AcdError> {
        let q = *self.queue_index.get(name).ok_or(AcdError::NoQueue)?;
        // Out of the index first: overflow chains cannot lead back here.
        self.queue_index.remove(name);
        let waiting: Vec<CallKey> = self.queue(q).waiting.iter().map(|(_, c)| *c).collect();
        for call in waiting {
            self.overflow(now, call, LeaveReason::Removed);
        }
        self.queues[q] = None;
        for a in 0..self.agents.len() {
            self.agents[a].queues.retain(|&(qq, _)| qq != q);
        }
        Ok(())
    }

    /// Sets what routing knows about an agent (queues and skills); memberships
    /// of queues not (yet) configured wait until the queue appears.
    pub fn set_agent(&mut self, now: Millis, agent: AgentId, profile: AgentProfile) {
        let a = self.agent_slot(now, agent);
        let mut skills: Vec<(u32, u8)> = profile.skills.iter().map(|s| (self.intern(&s.skill), s.level)).collect();
        skills.sort_unstable();
        skills.dedup_by_key(|s| s.0);
        self.agents[a].skills = skills;
        self.agents[a].profile = profile;
        for q in 0..self.queues.len() {
            if self.queues[q].is_some() {
                self.rebuild_members(q);
            }
        }
        // A ringing offer the agent no longer qualifies for is taken back.
        if let Activity::Ringing(call) = self.agents[a].activity
            && !self.calls.get(&call).is_some_and(|c| self.eligible(a, c))
        {
            self.withdraw(now, a, call, Withdrawn::AgentGone);
            self.redispatch_call(now, call);
        }
        self.agent_free(now, a);
    }

    // ----- agents -----

    /// The agent logged in (opened the app): not ready until they say so.
    pub fn login(&mut self, now: Millis, agent: AgentId) {
        let a = self.agent_slot(now, agent);
        if self.agents[a].logged_in() {
            return;
        }
        let ag = &mut self.agents[a];
        ag.presence = Presence::NotReady("login".to_owned());
        ag.since = now;
        ag.idle_since = now;
        ag.talk_ms = 0;
        ag.calls = 0;
        ag.missed_in_row = 0;
        for &(q, _) in &ag.queues {
            if let Some(queue) = self.queues[q].as_mut() {
                queue.logged_in += 1;
            }
        }
        self.emit_agent(now, a);
    }

    /// Ready for calls, or not ready with a reason code. Asked while busy, it
    /// takes effect when the call (and wrap-up) ends.
    pub fn set_ready(
        &mut self,
        now: Millis,
        agent: AgentId,
        ready: bool,
        reason: Option<String>,
    ) -> Result<(), AcdError> {
        let &a = self.agent_index.get(&agent).ok_or(AcdError::NoAgent)?;
        if !self.agents[a].logged_in() {
            return Err(AcdError::NoAgent);
        }
        let presence = if ready { Presence::Ready } else { Presence::NotReady(reason.unwrap_or_default()) };
        match self.agents[a].activity {
            Activity::Idle => self.set_presence(now, a, presence),
            Activity::Ringing(call) if !ready => {
                self.withdraw(now, a, call, Withdrawn::AgentGone);
                self.set_presence(now, a, presence);
                self.redispatch_call(now, call);
            }
            Activity::Ringing(_) => {}
            Activity::WrapUp { .. } | Activity::OnCall { .. } | Activity::Direct => {
                self.agents[a].pending = Some(presence)
            }
        }
        Ok(())
    }

    /// The agent logged out (closed the app). A ringing offer is taken back;
    /// a call in progress keeps going, and the agent is logged out after it.
    pub fn logout(&mut self, now: Millis, agent: AgentId) {
        let Some(&a) = self.agent_index.get(&agent) else { return };
        if !self.agents[a].logged_in() {
            return;
        }
        let ringing = match self.agents[a].activity {
            Activity::Ringing(call) => {
                self.withdraw(now, a, call, Withdrawn::AgentGone);
                Some(call)
            }
            _ => None,
        };
        if let Activity::WrapUp { .. } = self.agents[a].activity {
            self.agents[a].activity = Activity::Idle;
        }
        self.agents[a].pending = None;
        self.agents[a].presence = Presence::LoggedOut;
        self.agents[a].since = now;
        if let Some(call) = ringing {
            self.redispatch_call(now, call);
        }
        let queues: Vec<usize> = self.agents[a].queues.iter().map(|m| m.0).collect();
        for q in queues {
            let Some(queue) = self.queues[q].as_mut() else { continue };
            queue.logged_in = queue.logged_in.saturating_sub(1);
            if queue.logged_in == 0 && queue.cfg.leave_when_empty {
                let calls: Vec<CallKey> = queue
                    .waiting
                    .iter()
                    .map(|(_, c)| *c)
                    .filter(|c| self.calls.get(c).is_some_and(|c| c.kind == EntryKind::Call))
                    .collect();
                for call in calls {
                    self.overflow(now, call, LeaveReason::Empty);
                }
            }
        }
        self.emit_agent(now, a);
    }

    /// The agent finished after-call work early.
    /// Gives an agent in wrap-up `extra` more milliseconds; returns when it
    /// ends now. Not in wrap-up: [`AcdError::NotWrappingUp`].
    pub fn extend_wrap_up(&mut self, now: Millis, agent: AgentId, extra: Millis) -> Result<Millis, AcdError> {
        let &a = self.agent_index.get(&agent).ok_or(AcdError::NoAgent)?;
        let Activity::WrapUp { until } = self.agents[a].activity else { return Err(AcdError::NotWrappingUp) };
        let until = until.max(now) + extra;
        self.agents[a].activity = Activity::WrapUp { until };
        self.timers.push(Reverse((until, Timer::WrapUp { agent: a, until })));
        let (state, reason) = self.agents[a].state();
        self.out.push_back(Output::AgentChanged { agent, state, reason, since: now, until: Some(until) });
        Ok(until)
    }

    /// Whether the agent is in wrap-up.
    pub fn wrapping_up(&self, agent: AgentId) -> bool {
        self.agent_index.get(&agent).is_some_and(|&a| matches!(self.agents[a].activity, Activity::WrapUp { .. }))
    }

    pub fn wrap_up_done(&mut self, now: Millis, agent: AgentId) -> Result<(), AcdError> {
        let &a = self.agent_index.get(&agent).ok_or(AcdError::NoAgent)?;
        if let Activity::WrapUp { .. } = self.agents[a].activity {
            self.finish_work(now, a);
        }
        Ok(())
    }

    /// The agent is on a call the engine did not route (outbound, a transfer
    /// to them), or no longer. Busy agents get no offers.
    pub fn set_direct_call(&mut self, now: Millis, agent: AgentId, busy: bool) {
        let a = self.agent_slot(now, agent);
        match (self.agents[a].activity, busy) {
            (Activity::Idle | Activity::WrapUp { .. }, true) => {
                self.agents[a].activity = Activity::Direct;
                self.emit_agent(now, a);
            }
            (Activity::Ringing(call), true) => {
                self.withdraw(now, a, call, Withdrawn::AgentGone);
                self.agents[a].activity = Activity::Direct;
                self.emit_agent(now, a);
                self.redispatch_call(now, call);
            }
            (Activity::Direct, false) => self.finish_work(now, a),
            _ => {}
        }
    }

    // ----- calls -----

    /// A call (or a callback) joins a queue. It may ring agents at once
    /// ([`Output::Offer`]) and is announced ([`Output::Announce`]).
    pub fn enqueue(&mut self, now: Millis, call: CallKey, queue: &str, attrs: CallAttrs) -> Result<Enqueued, AcdError> {
        if self.calls.contains_key(&call) || self.connected.contains_key(&call) {
            return Err(AcdError::Duplicate);
        }
        let q = *self.queue_index.get(queue).ok_or(AcdError::NoQueue)?;
        let extra = self.intern_reqs(&attrs.skills);
        self.seq += 1;
        let rank = Reverse(u8::from(attrs.vip) * 10 + attrs.priority.min(9));
        let place = Place { rank, entered: attrs.entered.unwrap_or(now).min(now), seq: self.seq };
        let entry = Call {
            queue: q,
            place,
            queue_entered: now,
            extra,
            kind: attrs.kind,
            step: 0,
            ringing: Vec::new(),
            tried: Vec::new(),
            epoch: 0,
            round: 0,
            hops: 0,
            announced: 0,
        };
        Ok(self.admit(now, call, q, entry))
    }

    /// The caller left while waiting or ringing (abandoned).
    pub fn abandon(&mut self, now: Millis, call: CallKey) -> Result<(), AcdError> {
        if self.connected.contains_key(&call) {
            return self.ended(now, call);
        }
        let c = self.take_call(call).ok_or(AcdError::NoCall)?;
        if c.kind == EntryKind::Call {
            self.queue_mut(c.queue).stats.abandoned += 1;
        }
        self.release_ringing(now, call, &c.ringing, Withdrawn::CallGone);
        Ok(())
    }

    /// A waiting call becomes a callback that keeps its place (the caller
    /// hangs up; an agent is offered the callback when the place comes up).
    pub fn convert_to_callback(&mut self, now: Millis, call: CallKey) -> Result<(), AcdError> {
        let c = self.calls.get_mut(&call).ok_or(AcdError::NoCall)?;
        c.kind = EntryKind::Callback;
        let ringing = std::mem::take(&mut c.ringing);
        self.release_ringing(now, call, &ringing, Withdrawn::CallGone);
        self.redispatch_call(now, call);
        Ok(())
    }

    /// The agent accepted the offer: the call is theirs, other agents ringing
    /// for it stop.
    pub fn accept(&mut self, now: Millis, agent: AgentId, call: CallKey) -> Result<(), AcdError> {
        let &a = self.agent_index.get(&agent).ok_or(AcdError::NoAgent)?;
        if self.agents[a].activity != Activity::Ringing(call) {
            return Err(AcdError::NotOffered);
        }
        let c = self.take_call(call).ok_or(AcdError::NoCall)?;
        let others: Vec<usize> = c.ringing.iter().copied().filter(|&x| x != a).collect();
        let ag = &mut self.agents[a];
        ag.activity = Activity::OnCall { call, since: now };
        ag.missed_in_row = 0;
        ag.calls += 1;
        let queue = self.queue_mut(c.queue);
        queue.stats.answered += 1;
        if now.saturating_sub(c.queue_entered) <= u64::from(queue.cfg.service_level_secs) * 1000 {
            queue.stats.answered_in_service_level += 1;
        }
        self.connected.insert(call, Connected { agent: a, queue: c.queue, answered: now });
        self.emit_agent(now, a);
        self.release_ringing(now, call, &others, Withdrawn::AnsweredElsewhere);
        Ok(())
    }

    /// The agent turned the offer down: the call goes on to someone else.
    pub fn decline(&mut self, now: Millis, agent: AgentId, call: CallKey) -> Result<(), AcdError> {
        let &a = self.agent_index.get(&agent).ok_or(AcdError::NoAgent)?;
        if self.agents[a].activity != Activity::Ringing(call) {
            return Err(AcdError::NotOffered);
        }
        self.unring(a, call);
        self.agents[a].activity = Activity::Idle;
        self.emit_agent(now, a);
        self.redispatch_call(now, call);
        self.agent_free(now, a);
        Ok(())
    }

    /// A connected call ended: its agent goes to wrap-up (the queue's time)
    /// or straight back to work.
    pub fn ended(&mut self, now: Millis, call: CallKey) -> Result<(), AcdError> {
        let Some(conn) = self.connected.remove(&call) else {
            return self.abandon(now, call);
        };
        let a = conn.agent;
        let talk = now.saturating_sub(conn.answered);
        let wrap = self.queues[conn.queue].as_ref().map_or(0, |q| u64::from(q.cfg.wrap_up_secs) * 1000);
        if let Some(queue) = self.queues[conn.queue].as_mut() {
            let handle = (talk + wrap) as f64;
            queue.handle_ms += HANDLE_ALPHA * (handle - queue.handle_ms);
            queue.stats.handle_ms = queue.handle_ms;
        }
        self.agents[a].talk_ms += talk;
        if wrap > 0 {
            self.agents[a].activity = Activity::WrapUp { until: now + wrap };
            self.timers.push(Reverse((now + wrap, Timer::WrapUp { agent: a, until: now + wrap })));
            self.emit_agent(now, a);
        } else {
            self.finish_work(now, a);
        }
        Ok(())
    }

    // ----- time -----

    /// When [`Acd::handle_timeout`] is next due.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.timers.peek().map(|Reverse((at, _))| *at)
    }

    pub fn handle_timeout(&mut self, now: Millis) {
        while let Some(&Reverse((at, timer))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            self.fire(at, timer);
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    // ----- views -----

    /// The call's place in its queue (1 = next) and estimated wait.
    pub fn position(&self, now: Millis, call: CallKey) -> Option<(u32, Option<u32>)> {
        let c = self.calls.get(&call)?;
        let pos = self.queue(c.queue).waiting.range(..(c.place, call)).count() as u32 + 1;
        Some((pos, self.estimate_wait(now, call, pos)))
    }

    pub fn agent_state(&self, agent: AgentId) -> Option<(AgentState, Option<String>)> {
        self.agent_index.get(&agent).map(|&a| self.agents[a].state())
    }

    /// The queue a waiting or connected call belongs to.
    pub fn queue_of(&self, call: CallKey) -> Option<&str> {
        let q = self.calls.get(&call).map(|c| c.queue).or_else(|| self.connected.get(&call).map(|c| c.queue))?;
        self.queues[q].as_ref().map(|q| q.cfg.name.as_str())
    }

    pub fn queue_stats(&self, now: Millis, name: &str) -> Option<QueueStats> {
        let &q = self.queue_index.get(name)?;
        let queue = self.queue(q);
        let mut s = queue.stats.clone();
        for (place, call) in &queue.waiting {
            match self.calls[call].kind {
                EntryKind::Call => s.waiting += 1,
                EntryKind::Callback => s.callbacks += 1,
            }
            s.oldest_wait_ms = s.oldest_wait_ms.max(now.saturating_sub(place.entered));
        }
        s.agents_logged_in = queue.logged_in;
        s.agents_free = queue.members.iter().filter(|m| self.agents[m.2].free()).count() as u32;
        s.handle_ms = queue.handle_ms;
        Some(s)
    }

    pub fn queue_config(&self, name: &str) -> Option<&QueueConfig> {
        self.queue_index.get(name).map(|&q| &self.queue(q).cfg)
    }

    pub fn queue_names(&self) -> impl Iterator<Item = &str> {
        self.queues.iter().flatten().map(|q| q.cfg.name.as_str())
    }

    /// Calls waiting (or ringing) in queues, callbacks included.
    pub fn waiting_len(&self) -> usize {
        self.calls.len()
    }

    // ----- internals -----

    fn queue(&self, q: usize) -> &Queue {
        self.queues[q].as_ref().expect("live queue index")
    }

    fn queue_mut(&mut self, q: usize) -> &mut Queue {
        self.queues[q].as_mut().expect("live queue index")
    }

    fn intern(&mut self, skill: &str) -> u32 {
        let next = self.skills.len() as u32;
        *self.skills.entry(skill.to_owned()).or_insert(next)
    }

    fn intern_reqs(&mut self, reqs: &[SkillReq]) -> Vec<(u32, u8)> {
        let mut v: Vec<(u32, u8)> = reqs.iter().map(|r| (self.intern(&r.skill), r.min_level)).collect();
        v.sort_unstable();
        v
    }

    fn agent_slot(&mut self, now: Millis, agent: AgentId) -> usize {
        if let Some(&a) = self.agent_index.get(&agent) {
            return a;
        }
        let a = self.agents.len();
        self.agents.push(Agent {
            id: agent,
            presence: Presence::LoggedOut,
            activity: Activity::Idle,
            pending: None,
            since: now,
            idle_since: now,
            talk_ms: 0,
            calls: 0,
            missed_in_row: 0,
            skills: Vec::new(),
            profile: AgentProfile::default(),
            queues: Vec::new(),
            offer_gen: 0,
            shown: (AgentState::LoggedOut, None),
        });
        self.agent_index.insert(agent, a);
        a
    }

    /// Recomputes a queue's members from the agents' profiles.
    fn rebuild_members(&mut self, q: usize) {
        let name = self.queue(q).cfg.name.clone();
        let mut members = Vec::new();
        let mut logged_in = 0;
        for (a, agent) in self.agents.iter_mut().enumerate() {
            agent.queues.retain(|m| m.0 != q);
            if let Some(m) = agent.profile.queues.iter().find(|m| m.queue == name) {
                agent.queues.push((q, m.order));
                members.push((m.order, agent.id, a));
                if agent.logged_in() {
                    logged_in += 1;
                }
            }
        }
        members.sort_unstable();
        let queue = self.queue_mut(q);
        queue.members = members;
        queue.logged_in = logged_in;
    }

    /// What the call needs now: its queue's skills at its escalation step,
    /// plus its own.
    fn needs<'a>(&'a self, c: &'a Call) -> impl Iterator<Item = &'a (u32, u8)> {
        let queue = self.queue(c.queue);
        // A queue edited while the call waited may have fewer steps now.
        let base = match c.step.min(queue.escalation.len()) {
            0 => &queue.reqs,
            step => &queue.escalation[step - 1].1,
        };
        base.iter().chain(c.extra.iter())
    }

    fn eligible(&self, a: usize, c: &Call) -> bool {
        let agent = &self.agents[a];
        agent.queues.iter().any(|m| m.0 == c.queue) && self.needs(c).all(|&(s, min)| agent.level(s) >= min)
    }

    fn admit(&mut self, now: Millis, call: CallKey, q: usize, mut entry: Call) -> Enqueued {
        let queue = self.queue(q);
        let name = queue.cfg.name.clone();
        let full = queue.cfg.max_len.is_some_and(|max| queue.waiting.len() as u64 >= u64::from(max));
        let empty = queue.cfg.leave_when_empty && queue.logged_in == 0 && entry.kind == EntryKind::Call;
        if full || empty {
            let why = if full { LeaveReason::Full } else { LeaveReason::Empty };
            let to = queue.cfg.overflow.clone();
            self.queue_mut(q).stats.overflowed += 1;
            if let Overflow::Queue(next) = &to {
                if let (Some(&nq), true) = (self.queue_index.get(next), entry.hops < MAX_HOPS) {
                    entry.hops += 1;
                    entry.queue = nq;
                    entry.queue_entered = now;
                    entry.step = 0;
                    return self.admit(now, call, nq, entry);
                }
                return Enqueued::Diverted { queue: name, why, to: Overflow::HangUp };
            }
            return Enqueued::Diverted { queue: name, why, to };
        }
        // Unique across admissions, so a call admitted again (after a failed
        // answer, an overflow) never matches its old timers.
        self.seq += 1;
        entry.epoch = self.seq;
        let epoch = entry.epoch;
        let place = entry.place;
        let kind = entry.kind;
        self.calls.insert(call, entry);
        let queue = self.queue_mut(q);
        queue.waiting.insert((place, call));
        if let Some(max) = queue.cfg.max_wait_secs {
            self.timers.push(Reverse((now + u64::from(max) * 1000, Timer::MaxWait { call, epoch })));
        }
        let queue = self.queue(q);
        if let Some((after, _)) = queue.escalation.first() {
            self.timers.push(Reverse((now + after, Timer::Escalate { call, epoch, step: 1 })));
        }
        self.dispatch_call(now, call);
        if !self.calls.contains_key(&call) {
            // Taken at once (cannot happen: offers only ring) — keep shape.
            return Enqueued::Waiting { queue: name, position: 1, wait_secs: Some(0) };
        }
        let (position, wait_secs) = self.position(now, call).unwrap_or((1, None));
        if kind == EntryKind::Call {
            self.announce(now, call);
        }
        Enqueued::Waiting { queue: name, position, wait_secs }
    }

    fn announce(&mut self, now: Millis, call: CallKey) {
        let Some((position, wait_secs)) = self.position(now, call) else { return };
        let c = self.calls.get_mut(&call).expect("positioned call exists");
        c.announced += 1;
        let (epoch, q) = (c.epoch, c.queue);
        let every = self.queue(q).cfg.announce_every_secs;
        self.out.push_back(Output::Announce { call, position, wait_secs });
        if every > 0 {
            self.timers.push(Reverse((now + u64::from(every) * 1000, Timer::Announce { call, epoch })));
        }
    }

    /// Removes a waiting call from its queue and the engine.
    fn take_call(&mut self, call: CallKey) -> Option<Call> {
        let c = self.calls.remove(&call)?;
        if let Some(q) = self.queues[c.queue].as_mut() {
            q.waiting.remove(&(c.place, call));
        }
        Some(c)
    }

    /// The call leaves its queue for a limit; into the overflow queue if
    /// that is one.
    fn overflow(&mut self, now: Millis, call: CallKey, why: LeaveReason) {
        let Some(mut c) = self.take_call(call) else { return };
        let ringing = std::mem::take(&mut c.ringing);
        self.release_ringing(now, call, &ringing, Withdrawn::CallGone);
        let queue = self.queue_mut(c.queue);
        queue.stats.overflowed += 1;
        let from = queue.cfg.name.clone();
        let to = queue.cfg.overflow.clone();
        if let Overflow::Queue(next) = &to {
            if let (Some(&nq), true) = (self.queue_index.get(next), c.hops < MAX_HOPS) {
                c.hops += 1;
                c.queue = nq;
                c.queue_entered = now;
                c.step = 0;
                c.tried.clear();
                match self.admit(now, call, nq, c) {
                    Enqueued::Waiting { queue, .. } => {
                        self.out.push_back(Output::Moved { call, from, to: queue, why });
                    }
                    Enqueued::Diverted { queue, why, to } => {
                        self.out.push_back(Output::Left { call, queue, why, to });
                    }
                }
                return;
            }
            self.out.push_back(Output::Left { call, queue: from, why, to: Overflow::HangUp });
            return;
        }
        self.out.push_back(Output::Left { call, queue: from, why, to });
    }

    /// Frees the agents that were ringing for a call that no longer rings.
    fn release_ringing(&mut self, now: Millis, call: CallKey, ringing: &[usize], why: Withdrawn) {
        for &a in ringing {
            if self.agents[a].activity == Activity::Ringing(call) {
                self.agents[a].activity = Activity::Idle;
                self.out.push_back(Output::Withdraw { call, agent: self.agents[a].id, why });
                self.emit_agent(now, a);
            }
        }
        for &a in ringing {
            self.agent_free(now, a);
        }
    }

    /// Takes one agent's offer back (the call keeps ringing others).
    fn withdraw(&mut self, now: Millis, a: usize, call: CallKey, why: Withdrawn) {
        self.unring(a, call);
        self.agents[a].activity = Activity::Idle;
        self.out.push_back(Output::Withdraw { call, agent: self.agents[a].id, why });
        self.emit_agent(now, a);
    }

    fn unring(&mut self, a: usize, call: CallKey) {
        if let Some(c) = self.calls.get_mut(&call) {
            c.ringing.retain(|&x| x != a);
            if !c.tried.contains(&a) {
                c.tried.push(a);
            }
        }
    }

    fn set_presence(&mut self, now: Millis, a: usize, presence: Presence) {
        let ag = &mut self.agents[a];
        if ag.presence == presence {
            return;
        }
        let was_ready = ag.presence == Presence::Ready;
        // Acknowledging a missed offer keeps the count of misses in a row.
        let was_missed = ag.presence == Presence::Missed;
        ag.presence = presence;
        ag.since = now;
        if ag.presence == Presence::Ready {
            if !was_missed {
                ag.missed_in_row = 0;
            }
            if !was_ready {
                ag.idle_since = ag.idle_since.max(now);
            }
        }
        self.emit_agent(now, a);
        self.agent_free(now, a);
    }

    /// The agent's call or wrap-up is over.
    fn finish_work(&mut self, now: Millis, a: usize) {
        let ag = &mut self.agents[a];
        ag.activity = Activity::Idle;
        ag.idle_since = now;
        ag.since = now;
        match ag.pending.take() {
            Some(p) => {
                // Set directly so the change is announced once.
                ag.presence = p;
                self.emit_agent(now, a);
                self.agent_free(now, a);
            }
            None => {
                self.emit_agent(now, a);
                self.agent_free(now, a);
            }
        }
    }

    fn emit_agent(&mut self, now: Millis, a: usize) {
        let state = self.agents[a].state();
        if self.agents[a].shown != state {
            self.agents[a].shown = state.clone();
            let (state, reason) = state;
            let until = match self.agents[a].activity {
                Activity::WrapUp { until } => Some(until),
                _ => None,
            };
            self.out.push_back(Output::AgentChanged { agent: self.agents[a].id, state, reason, since: now, until });
        }
    }

    fn offer(&mut self, now: Millis, a: usize, call: CallKey) {
        let c = self.calls.get_mut(&call).expect("offered call exists");
        c.ringing.push(a);
        let q = c.queue;
        let kind = c.kind;
        let ag = &mut self.agents[a];
        ag.activity = Activity::Ringing(call);
        ag.offer_gen += 1;
        let epoch = ag.offer_gen;
        let (order, id) = (ag.queues.iter().find(|m| m.0 == q).map_or(u32::MAX, |m| m.1), ag.id);
        let queue = self.queue_mut(q);
        queue.last_rung = Some((order, id));
        let timeout = u64::from(queue.cfg.ring_timeout_secs) * 1000;
        let (name, whisper) = (queue.cfg.name.clone(), queue.cfg.whisper.clone());
        self.timers.push(Reverse((now + timeout, Timer::Ring { agent: a, epoch })));
        self.out.push_back(Output::Offer { call, agent: id, queue: name, whisper, kind });
        self.emit_agent(now, a);
    }

    /// Offers a call to the agents its strategy picks among the free ones.
    fn dispatch_call(&mut self, now: Millis, call: CallKey) {
        let mut cands = std::mem::take(&mut self.scratch);
        let Some(c) = self.calls.get(&call) else {
            self.scratch = cands;
            return;
        };
        let queue = self.queue(c.queue);
        let strategy = queue.cfg.strategy;
        let want = match strategy {
            Strategy::RingAll => usize::MAX,
            Strategy::TopThree | Strategy::RandomThree => THREE,
            _ => 1,
        };
        let ringing = c.ringing.len();
        if ringing >= want || (strategy == Strategy::Progressive && ringing > 0) {
            self.scratch = cands;
            return;
        }
        cands.clear();
        cands.extend(queue.members.iter().map(|m| m.2).filter(|&a| self.agents[a].free() && self.eligible(a, c)));
        if cands.is_empty() {
            self.scratch = cands;
            return;
        }
        {
            // Someone who has not missed or declined this call goes first
            // (ring-several strategies too: a decliner is not rung again
            // at once while others are free).
            if cands.iter().any(|a| !c.tried.contains(a)) {
                cands.retain(|a| !c.tried.contains(a));
            } else {
                self.calls.get_mut(&call).expect("dispatched call exists").tried.clear();
            }
        }
        let picked = self.pick(now, call, strategy, &mut cands, want - ringing);
        self.scratch = cands;
        for a in picked {
            self.offer(now, a, call);
        }
        if strategy == Strategy::Progressive {
            self.next_step(now, call);
        }
    }

    /// Starts a progressive ring's clock: another agent every step.
    fn next_step(&mut self, now: Millis, call: CallKey) {
        let c = self.calls.get_mut(&call).expect("ringing call exists");
        c.round += 1;
        let round = c.round;
        let step = u64::from(self.queue(self.calls[&call].queue).cfg.ring_step_secs) * 1000;
        self.timers.push(Reverse((now + step, Timer::Step { call, round })));
    }

    /// Called when something may have made the call offerable again.
    fn redispatch_call(&mut self, now: Millis, call: CallKey) {
        self.dispatch_call(now, call);
    }

    fn redispatch_queue(&mut self, now: Millis, q: usize) {
        let calls: Vec<CallKey> = self.queue(q).waiting.iter().map(|(_, c)| *c).collect();
        for call in calls {
            self.dispatch_call(now, call);
        }
        let members: Vec<usize> = self.queue(q).members.iter().map(|m| m.2).collect();
        for a in members {
            self.agent_free(now, a);
        }
    }

    /// A free agent takes the best waiting call of their queues, if any
    /// fits them.
    fn agent_free(&mut self, now: Millis, a: usize) {
        if !self.agents[a].free() {
            return;
        }
        let mut best: Option<(Place, CallKey)> = None;
        for &(q, _) in &self.agents[a].queues {
            let Some(queue) = self.queues[q].as_ref() else { continue };
            let strategy = queue.cfg.strategy;
            for &(place, call) in &queue.waiting {
                if best.is_some_and(|b| b.0 <= place) {
                    break;
                }
                let c = &self.calls[&call];
                let room = match strategy {
                    Strategy::RingAll => true,
                    Strategy::TopThree | Strategy::RandomThree => c.ringing.len() < THREE,
                    _ => c.ringing.is_empty(),
                };
                if room && self.eligible(a, c) {
                    best = Some((place, call));
                    break;
                }
            }
        }
        if let Some((_, call)) = best {
            self.offer(now, a, call);
            if self.queue(self.calls[&call].queue).cfg.strategy == Strategy::Progressive {
                self.next_step(now, call);
            }
        }
    }

    fn fire(&mut self, now: Millis, timer: Timer) {
        match timer {
            Timer::Ring { agent: a, epoch } => {
                let Activity::Ringing(call) = self.agents[a].activity else { return };
                if self.agents[a].offer_gen != epoch {
                    return;
                }
                self.withdraw(now, a, call, Withdrawn::Timeout);
                let max = self.calls.get(&call).map_or(u32::MAX, |c| self.queue(c.queue).cfg.max_missed);
                // Missed: no offers until the agent acknowledges it; after
                // `max_missed` in a row, not ready.
                self.agents[a].missed_in_row += 1;
                self.agents[a].presence = if self.agents[a].missed_in_row >= max {
                    Presence::NotReady(MISSED_REASON.to_owned())
                } else {
                    Presence::Missed
                };
                self.agents[a].since = now;
                self.emit_agent(now, a);
                self.redispatch_call(now, call);
            }
            Timer::Step { call, round } => {
                let Some(c) = self.calls.get(&call) else { return };
                let progressive = self.queue(c.queue).cfg.strategy == Strategy::Progressive;
                if c.round != round || c.ringing.is_empty() || !progressive {
                    return;
                }
                let mut cands = std::mem::take(&mut self.scratch);
                cands.clear();
                let queue = self.queue(c.queue);
                cands.extend(
                    queue.members.iter().map(|m| m.2).filter(|&a| self.agents[a].free() && self.eligible(a, c)),
                );
                let step = u64::from(queue.cfg.ring_step_secs) * 1000;
                if let Some(&a) = cands.first() {
                    self.offer(now, a, call);
                }
                self.scratch = cands;
                self.timers.push(Reverse((now + step, Timer::Step { call, round })));
            }
            Timer::Escalate { call, epoch, step } => {
                let Some(c) = self.calls.get(&call) else { return };
                if c.epoch != epoch || c.step + 1 != step || step > self.queue(c.queue).escalation.len() {
                    return;
                }
                let c = self.calls.get_mut(&call).expect("checked above");
                c.step = step;
                let (q, entered) = (c.queue, c.queue_entered);
                if let Some((after, _)) = self.queue(q).escalation.get(step) {
                    let at = (entered + after).max(now);
                    self.timers.push(Reverse((at, Timer::Escalate { call, epoch, step: step + 1 })));
                }
                self.dispatch_call(now, call);
            }
            Timer::MaxWait { call, epoch } => {
                if self.calls.get(&call).is_some_and(|c| c.epoch == epoch && c.kind == EntryKind::Call) {
                    self.overflow(now, call, LeaveReason::MaxWait);
                }
            }
            Timer::Announce { call, epoch } => {
                if self.calls.get(&call).is_some_and(|c| c.epoch == epoch && c.kind == EntryKind::Call) {
                    self.announce(now, call);
                }
            }
            Timer::WrapUp { agent: a, until } => {
                if self.agents[a].activity == (Activity::WrapUp { until }) {
                    self.finish_work(now, a);
                }
            }
        }
    }
}
