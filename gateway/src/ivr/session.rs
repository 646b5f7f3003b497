//! The interpreter: one caller going through one flow, as a sans-IO core.
//!
//! See the module documentation of [`crate::ivr`] for the model; this file
//! holds the state machine. Every input resets a step budget
//! ([`MAX_STEPS`]); nodes that go on without waiting spend it, so even a
//! hand-built flow that [`Flow::validate`] would refuse cannot spin.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::entry::{EntryKind, EntryPoint};
use super::flow::{Flow, IdentifyBy, Node, SkillNeed, TransferTarget, is_dtmf};
use super::hours::Schedule;

/// Nodes entered for one input before the session gives up.
pub const MAX_STEPS: u32 = 100;
/// Keys kept while nothing asks for them (type-ahead).
pub const MAX_TYPE_AHEAD: usize = 32;
/// Steps of the path kept: the latest ones.
pub const MAX_PATH: usize = 100;
/// How long the driver has to answer a customer lookup before the caller
/// is taken as not found.
pub const LOOKUP_TIMEOUT_MS: i64 = 5_000;

/// What the session knows of the call when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    /// The caller's number, if the network gave one (`None` for web calls
    /// and withheld numbers).
    pub caller: Option<String>,
    /// The dialed number, or the web entry's name.
    pub dialed: String,
    pub entry: EntryKind,
    /// The caller's language when the call brings one (a web page's); the
    /// flow's own otherwise.
    pub language: Option<String>,
    /// The customer known before the IVR starts (a web caller the site
    /// vouched for): `identify` finds them at once.
    pub customer: Option<CustomerRef>,
}

/// A customer as the IVR needs one: enough for the agent's screen and for
/// `identify` to branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRef {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
}

/// What the driver is asked to look the customer up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The caller's number, separators dropped and digits made ASCII.
    Number(String),
    /// A code the caller entered.
    Code(String),
}

/// Tells one prompt list from the next, so that a late "done" for a
/// prompt that was stopped is not taken for the one playing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlayId(pub u32);

/// Something for the driver to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Play these prompts in order, in `language`; report the end with
    /// [`IvrSession::handle_play_done`] (at once if a file is missing).
    Play { id: PlayId, prompts: Vec<String>, language: String },
    /// Stop that prompt list now (the caller pressed a key). No "done" is
    /// needed for it.
    StopPlay { id: PlayId },
    /// Look the customer up and answer with [`IvrSession::handle_customer`].
    LookupCustomer(Lookup),
    /// Write a new customer for this number, so that they are known next
    /// time. The session does not wait for it.
    RegisterCustomer { number: String },
    /// A survey answer, to store now (the caller may hang up before the end).
    SurveyAnswer { var: String, value: String },
    /// The IVR is over; nothing follows.
    Done(Outcome),
}

/// What the call layer does with the call after the IVR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Queue {
        queue: String,
        skills: Vec<SkillNeed>,
    },
    Voicemail {
        mailbox: String,
    },
    Callback {
        queue: String,
    },
    Transfer(TransferTarget),
    /// The flow ended the call.
    HangUp,
    /// The caller hung up during the IVR.
    Abandoned,
    /// The flow could not go on (a node missing from a hand-built flow, a
    /// runaway); the call layer picks a fallback.
    Failed {
        reason: String,
    },
}

/// One step of the caller's way through the flow.
///
/// `input` says what decided it: the key pressed (menu, survey), the
/// digits entered (collect), `found`/`not_found` (identify), `open`/`closed`
/// (hours), the value switched on (switch), `invalid` or `timeout` for a
/// failed try, `hang_up` where the caller left; `None` for a plain visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub node: String,
    pub input: Option<String>,
}

/// How the IVR ended, with everything the caller told it: it travels with
/// the call to the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub action: Action,
    /// The node that ended it.
    pub node: String,
    pub language: String,
    /// 0 to 9, higher first.
    pub priority: u8,
    pub vip: bool,
    pub vars: BTreeMap<String, String>,
    /// The variables the caller keyed in (collect nodes): codes, account
    /// numbers, PINs. Not shown to agents.
    pub keyed: std::collections::BTreeSet<String>,
    pub customer: Option<CustomerRef>,
    /// The latest [`MAX_PATH`] steps, oldest first.
    pub path: Vec<Step>,
}

/// One caller in one flow.
#[derive(Debug)]
pub struct IvrSession {
    flow: Arc<Flow>,
    ctx: CallContext,
    language: String,
    priority: u8,
    vip: bool,
    vars: BTreeMap<String, String>,
    customer: Option<CustomerRef>,
    keyed: std::collections::BTreeSet<String>,
    path: VecDeque<Step>,
    /// The node the caller is at.
    node: String,
    phase: Phase,
    /// Failed tries at the current menu, collect or survey.
    attempts: u32,
    /// Digits of the current collect so far.
    entered: String,
    type_ahead: VecDeque<char>,
    out: VecDeque<Output>,
    next_play: u32,
    /// Nodes entered during the current input.
    steps: u32,
}

#[derive(Debug, Clone)]
enum Phase {
    /// Between nodes; never seen between two inputs.
    Moving,
    Playing {
        id: PlayId,
        then: AfterPlay,
    },
    /// Waiting for a key until the deadline (menu, collect, survey).
    Keys {
        deadline: i64,
    },
    /// Waiting for the driver's answer to a lookup; `register` is the
    /// number to register if none is found.
    Lookup {
        deadline: i64,
        register: Option<String>,
    },
    Done,
}

#[derive(Debug, Clone)]
enum AfterPlay {
    /// A `play` node: go on to this node.
    Next(String),
    /// A menu, collect or survey prompt: wait for keys.
    Keys,
    /// A `hang_up` goodbye: end.
    HangUp,
}

#[derive(Debug, Clone, Copy)]
enum Failure {
    Invalid,
    Timeout,
}

impl IvrSession {
    /// Starts `flow` for a call; the first outputs are ready at once.
    pub fn new(flow: Arc<Flow>, ctx: CallContext, now: i64) -> IvrSession {
        let language = ctx
            .language
            .as_deref()
            .and_then(shared::Lang::parse)
            .map(|l| l.tag().to_owned())
            .unwrap_or_else(|| flow.language.clone());
        let start = flow.start.clone();
        let customer = ctx.customer.clone();
        let mut s = IvrSession {
            node: start.clone(),
            flow,
            ctx,
            language,
            priority: 0,
            vip: false,
            vars: BTreeMap::new(),
            customer,
            keyed: std::collections::BTreeSet::new(),
            path: VecDeque::new(),
            phase: Phase::Moving,
            attempts: 0,
            entered: String::new(),
            type_ahead: VecDeque::new(),
            out: VecDeque::new(),
            next_play: 0,
            steps: 0,
        };
        s.goto(now, start);
        s
    }

    /// A key the caller pressed (`0`–`9`, `*`, `#`, `A`–`D`; lower-case
    /// `a`–`d` and Persian or Arabic-Indic digits are read as such). Other
    /// characters are ignored.
    pub fn handle_digit(&mut self, now: i64, key: char) {
        let Some(key) = dtmf(key) else { return };
        self.steps = 0;
        match self.phase.clone() {
            Phase::Moving | Phase::Done => {}
            Phase::Lookup { .. } => self.keep(key),
            Phase::Keys { .. } => {
                if let Some(next) = self.key(now, key) {
                    self.goto(now, next);
                }
            }
            Phase::Playing { id, then: AfterPlay::Next(next) } => {
                self.keep(key);
                if matches!(self.current(), Some(Node::Play(p)) if p.barge_in) {
                    self.out.push_back(Output::StopPlay { id });
                    self.goto(now, next);
                }
            }
            Phase::Playing { id, then: AfterPlay::Keys } => {
                if self.barge_in() {
                    self.out.push_back(Output::StopPlay { id });
                    self.phase = Phase::Keys { deadline: now + self.key_timeout_ms() };
                    if let Some(next) = self.key(now, key) {
                        self.goto(now, next);
                    }
                } else {
                    self.keep(key);
                }
            }
            Phase::Playing { then: AfterPlay::HangUp, .. } => {}
        }
    }

    /// The prompt list `id` has played to its end.
    pub fn handle_play_done(&mut self, now: i64, id: PlayId) {
        let Phase::Playing { id: playing, then } = self.phase.clone() else { return };
        if playing != id {
            return;
        }
        self.steps = 0;
        match then {
            AfterPlay::Next(next) => self.goto(now, next),
            AfterPlay::Keys => {
                self.phase = Phase::Keys { deadline: now + self.key_timeout_ms() };
                if let Some(next) = self.drain_type_ahead(now) {
                    self.goto(now, next);
                }
            }
            AfterPlay::HangUp => self.finish(Action::HangUp),
        }
    }

    /// The answer to [`Output::LookupCustomer`]: the customer, or `None`
    /// when there is none.
    pub fn handle_customer(&mut self, now: i64, customer: Option<CustomerRef>) {
        let Phase::Lookup { register, .. } = self.phase.clone() else { return };
        let Some(Node::Identify(i)) = self.current() else { return };
        let (found, not_found) = (i.found.clone(), i.not_found.clone());
        self.steps = 0;
        match customer {
            Some(c) => {
                self.customer = Some(c);
                self.record(Some("found".into()));
                self.goto(now, found);
            }
            None => {
                if let Some(number) = register {
                    self.out.push_back(Output::RegisterCustomer { number });
                }
                self.record(Some("not_found".into()));
                self.goto(now, not_found);
            }
        }
    }

    /// Time passed; acts if [`IvrSession::poll_timeout`] is due.
    pub fn handle_timeout(&mut self, now: i64) {
        match self.phase.clone() {
            Phase::Keys { deadline } if now >= deadline => {
                self.steps = 0;
                let next = match self.current() {
                    Some(Node::Collect(c)) if self.entered.len() >= usize::from(c.min_digits) => self.collected(),
                    _ => self.fail(Failure::Timeout),
                };
                if let Some(next) = next {
                    self.goto(now, next);
                }
            }
            Phase::Lookup { deadline, .. } if now >= deadline => {
                let Some(Node::Identify(i)) = self.current() else { return };
                let next = i.not_found.clone();
                self.steps = 0;
                self.record(Some("not_found".into()));
                self.goto(now, next);
            }
            _ => {}
        }
    }

    /// The caller hung up: the session ends with [`Action::Abandoned`].
    pub fn handle_caller_gone(&mut self, _now: i64) {
        if matches!(self.phase, Phase::Done) {
            return;
        }
        self.record(Some("hang_up".into()));
        self.finish(Action::Abandoned);
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When [`IvrSession::handle_timeout`] wants to be called.
    pub fn poll_timeout(&self) -> Option<i64> {
        match self.phase {
            Phase::Keys { deadline } | Phase::Lookup { deadline, .. } => Some(deadline),
            _ => None,
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }

    /// The node the caller is at.
    pub fn node(&self) -> &str {
        &self.node
    }

    pub fn language(&self) -> &str {
        &self.language
    }

    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    fn current(&self) -> Option<&Node> {
        self.flow.nodes.get(&self.node)
    }

    /// Enters `target` and whatever follows it without waiting.
    fn goto(&mut self, now: i64, target: String) {
        let mut next = Some(target);
        while let Some(id) = next.take() {
            if matches!(self.phase, Phase::Done) {
                return;
            }
            if self.steps >= MAX_STEPS {
                self.finish(Action::Failed { reason: format!("more than {MAX_STEPS} nodes without waiting") });
                return;
            }
            self.steps += 1;
            self.node = id;
            self.phase = Phase::Moving;
            self.attempts = 0;
            self.entered.clear();
            next = self.enter(now);
        }
    }

    /// Runs the current node; returns where to go at once, if anywhere.
    fn enter(&mut self, now: i64) -> Option<String> {
        let flow = self.flow.clone();
        let Some(node) = flow.nodes.get(&self.node) else {
            let reason = format!("no node {:?}", self.node);
            self.finish(Action::Failed { reason });
            return None;
        };
        match node {
            Node::Play(p) => {
                self.record(None);
                self.play(p.prompts.ids().to_vec(), AfterPlay::Next(p.next.clone()));
                None
            }
            Node::Menu(m) => self.ask(now, m.prompt.ids()),
            Node::Collect(c) => self.ask(now, c.prompt.ids()),
            Node::Survey(s) => self.ask(now, s.prompt.ids()),
            // Vouched for before the IVR (a web page's signed token): no
            // lookup. A customer an earlier node found does not count: a
            // later `identify` by an entered code looks that code up.
            Node::Identify(i) if self.ctx.customer.is_some() => {
                self.record(Some("found".into()));
                Some(i.found.clone())
            }
            Node::Identify(i) => {
                let (lookup, register) = match &i.by {
                    IdentifyBy::Caller => match self.caller_number() {
                        Some(n) => (Some(Lookup::Number(n.clone())), i.register_unknown.then_some(n)),
                        None => (None, None),
                    },
                    IdentifyBy::Var(v) => {
                        (self.vars.get(v).filter(|c| !c.is_empty()).map(|c| Lookup::Code(c.clone())), None)
                    }
                };
                match lookup {
                    Some(l) => {
                        self.out.push_back(Output::LookupCustomer(l));
                        self.phase = Phase::Lookup { deadline: now + LOOKUP_TIMEOUT_MS, register };
                        None
                    }
                    None => {
                        self.record(Some("not_found".into()));
                        Some(i.not_found.clone())
                    }
                }
            }
            Node::Hours(h) => {
                // A flow that passed validation always compiles; one that did
                // not is closed rather than open by accident.
                let open = Schedule::compile(h).is_ok_and(|s| s.is_open(now));
                self.record(Some(if open { "open" } else { "closed" }.into()));
                Some(if open { h.open.clone() } else { h.closed.clone() })
            }
            Node::SetLanguage(s) => {
                self.record(None);
                self.language = s.language.clone();
                Some(s.next.clone())
            }
            Node::SetPriority(s) => {
                self.record(None);
                if let Some(p) = s.priority {
                    self.priority = p.min(9);
                }
                if let Some(v) = s.vip {
                    self.vip = v;
                }
                Some(s.next.clone())
            }
            Node::Set(s) => {
                self.record(None);
                self.vars.insert(s.var.clone(), s.value.clone());
                Some(s.next.clone())
            }
            Node::Switch(s) => {
                let value = self.value_of(&s.var);
                let next = value.as_ref().and_then(|v| s.cases.get(v)).unwrap_or(&s.default).clone();
                self.record(value);
                Some(next)
            }
            Node::Queue(q) => {
                self.record(None);
                self.finish(Action::Queue { queue: q.queue.clone(), skills: q.skills.clone() });
                None
            }
            Node::Voicemail(v) => {
                self.record(None);
                self.finish(Action::Voicemail { mailbox: v.mailbox.clone() });
                None
            }
            Node::Callback(c) => {
                self.record(None);
                self.finish(Action::Callback { queue: c.queue.clone() });
                None
            }
            Node::Transfer(t) => {
                self.record(None);
                self.finish(Action::Transfer(t.to.clone()));
                None
            }
            Node::HangUp(h) => {
                self.record(None);
                match &h.prompt {
                    Some(p) => self.play(p.ids().to_vec(), AfterPlay::HangUp),
                    None => self.finish(Action::HangUp),
                }
                None
            }
        }
    }

    /// Enters a menu, collect or survey: keys typed ahead answer it at
    /// once (the prompt is skipped); otherwise the prompt plays.
    fn ask(&mut self, now: i64, prompt: &[String]) -> Option<String> {
        if self.type_ahead.is_empty() {
            self.play(prompt.to_vec(), AfterPlay::Keys);
            return None;
        }
        self.phase = Phase::Keys { deadline: now + self.key_timeout_ms() };
        self.drain_type_ahead(now)
    }

    /// Feeds kept keys to the current node while it waits for keys.
    fn drain_type_ahead(&mut self, now: i64) -> Option<String> {
        while matches!(self.phase, Phase::Keys { .. }) {
            let key = self.type_ahead.pop_front()?;
            if let Some(next) = self.key(now, key) {
                return Some(next);
            }
        }
        None
    }

    /// One key for the current menu, collect or survey, which waits for
    /// keys; returns where to go if the node is done.
    fn key(&mut self, now: i64, key: char) -> Option<String> {
        let flow = self.flow.clone();
        match flow.nodes.get(&self.node)? {
            Node::Menu(m) => {
                let chosen = m.options.iter().find(|(k, _)| k.chars().eq([key])).map(|(_, t)| t.clone());
                match chosen {
                    Some(next) => {
                        self.record(Some(key.to_string()));
                        Some(next)
                    }
                    None => self.fail(Failure::Invalid),
                }
            }
            Node::Collect(c) => {
                if Some(key) == c.terminator {
                    return if self.entered.len() >= usize::from(c.min_digits) {
                        self.collected()
                    } else {
                        self.fail(Failure::Invalid)
                    };
                }
                if !key.is_ascii_digit() {
                    return self.fail(Failure::Invalid);
                }
                self.entered.push(key);
                if self.entered.len() >= usize::from(c.max_digits) {
                    return self.collected();
                }
                self.phase = Phase::Keys { deadline: now + self.key_timeout_ms() };
                None
            }
            Node::Survey(s) => {
                let rating = key.to_digit(10).filter(|r| (1..=u32::from(s.scale)).contains(r));
                match rating {
                    Some(r) => {
                        let value = r.to_string();
                        self.record(Some(value.clone()));
                        self.vars.insert(s.var.clone(), value.clone());
                        self.out.push_back(Output::SurveyAnswer { var: s.var.clone(), value });
                        Some(s.next.clone())
                    }
                    None => self.fail(Failure::Invalid),
                }
            }
            _ => None,
        }
    }

    /// The current collect is complete.
    fn collected(&mut self) -> Option<String> {
        let Some(Node::Collect(c)) = self.current() else { return None };
        let (var, next) = (c.var.clone(), c.next.clone());
        let digits = std::mem::take(&mut self.entered);
        self.record(Some(digits.clone()));
        self.keyed.insert(var.clone());
        self.vars.insert(var, digits);
        Some(next)
    }

    /// A wrong key or no key: asks again (the notice, then the prompt), or
    /// gives up to the node's failure target once the tries are spent.
    fn fail(&mut self, why: Failure) -> Option<String> {
        self.type_ahead.clear();
        self.entered.clear();
        self.record(Some(
            match why {
                Failure::Invalid => "invalid",
                Failure::Timeout => "timeout",
            }
            .into(),
        ));
        self.attempts += 1;
        let flow = self.flow.clone();
        let (max_retries, notice, prompt, give_up) = match flow.nodes.get(&self.node)? {
            Node::Menu(m) => {
                let notice = match why {
                    Failure::Invalid => &m.invalid_prompt,
                    Failure::Timeout => &m.timeout_prompt,
                };
                (m.max_retries, notice.as_ref(), &m.prompt, &m.on_fail)
            }
            Node::Collect(c) => {
                let notice = match why {
                    Failure::Invalid => &c.invalid_prompt,
                    Failure::Timeout => &c.timeout_prompt,
                };
                (c.max_retries, notice.as_ref(), &c.prompt, &c.on_fail)
            }
            Node::Survey(s) => {
                let notice = match why {
                    Failure::Invalid => s.invalid_prompt.as_ref(),
                    Failure::Timeout => None,
                };
                (s.max_retries, notice, &s.prompt, &s.next)
            }
            _ => return None,
        };
        if self.attempts > max_retries {
            return Some(give_up.clone());
        }
        let prompts = notice.into_iter().flat_map(|n| n.ids().iter()).chain(prompt.ids().iter()).cloned().collect();
        self.play(prompts, AfterPlay::Keys);
        None
    }

    fn play(&mut self, prompts: Vec<String>, then: AfterPlay) {
        let id = PlayId(self.next_play);
        self.next_play = self.next_play.wrapping_add(1);
        self.out.push_back(Output::Play { id, prompts, language: self.language.clone() });
        self.phase = Phase::Playing { id, then };
    }

    fn keep(&mut self, key: char) {
        if self.type_ahead.len() < MAX_TYPE_AHEAD {
            self.type_ahead.push_back(key);
        }
    }

    fn record(&mut self, input: Option<String>) {
        if self.path.len() >= MAX_PATH {
            self.path.pop_front();
        }
        self.path.push_back(Step { node: self.node.clone(), input });
    }

    fn finish(&mut self, action: Action) {
        self.phase = Phase::Done;
        self.type_ahead.clear();
        self.out.push_back(Output::Done(Outcome {
            action,
            node: self.node.clone(),
            language: self.language.clone(),
            priority: self.priority,
            vip: self.vip,
            vars: self.vars.clone(),
            keyed: self.keyed.clone(),
            customer: self.customer.clone(),
            path: self.path.iter().cloned().collect(),
        }));
    }

    fn barge_in(&self) -> bool {
        match self.current() {
            Some(Node::Menu(m)) => m.barge_in,
            Some(Node::Collect(c)) => c.barge_in,
            Some(Node::Survey(s)) => s.barge_in,
            _ => false,
        }
    }

    fn key_timeout_ms(&self) -> i64 {
        let secs = match self.current() {
            Some(Node::Menu(m)) => m.timeout_secs,
            Some(Node::Collect(c)) => c.timeout_secs,
            Some(Node::Survey(s)) => s.timeout_secs,
            _ => 5,
        };
        i64::from(secs) * 1000
    }

    /// The caller's number, if it is one (not `anonymous`, not a SIP name).
    fn caller_number(&self) -> Option<String> {
        match EntryPoint::parse(self.ctx.caller.as_deref()?) {
            Ok(EntryPoint::Number(n)) => Some(n),
            _ => None,
        }
    }

    /// A variable, or one of the names the session answers itself.
    fn value_of(&self, var: &str) -> Option<String> {
        Some(match var {
            "language" => self.language.clone(),
            "entry" => self.ctx.entry.as_str().to_owned(),
            "dialed" => self.ctx.dialed.clone(),
            "caller" => self.ctx.caller.clone()?,
            "customer" => if self.customer.is_some() { "found" } else { "none" }.to_owned(),
            "priority" => self.priority.to_string(),
            "vip" => self.vip.to_string(),
            _ => return self.vars.get(var).cloned(),
        })
    }
}

/// The DTMF key a character stands for.
fn dtmf(c: char) -> Option<char> {
    let c = match c {
        'a'..='d' => c.to_ascii_uppercase(),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        c => c,
    };
    is_dtmf(c).then_some(c)
}
