//! A flow as data: the JSON an administrator imports and exports, and the
//! checks that refuse a broken one before it is stored.
//!
//! [`Flow::parse`] is the only way in from outside: it reads the JSON node by
//! node (so a node that does not even deserialize is named), then checks
//! every value, every target and the loops ([`FlowError`] names the node and
//! the reason). A flow that passed can be run by
//! [`IvrSession`](super::IvrSession) without surprises; the session still
//! copes with a hand-built flow that did not pass (it ends with
//! [`Action::Failed`](super::Action::Failed)).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::hours::Schedule;

/// Largest flow document accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
/// Most nodes in one flow.
pub const MAX_NODES: usize = 500;
/// Longest name: flow names, node ids, prompt ids, variables, queues.
pub const MAX_NAME_LEN: usize = 64;
/// Longest free value (`set` values, `switch` cases, the description).
pub const MAX_VALUE_LEN: usize = 256;
/// Most items in one list or map of a node (prompts, options, cases, rules).
pub const MAX_ITEMS: usize = 64;
/// Most holiday entries of one `hours` node.
pub const MAX_HOLIDAYS: usize = 400;
/// Longest wait for a key, in seconds.
pub const MAX_TIMEOUT_SECS: u32 = 120;
/// Most retries of a menu, collect or survey.
pub const MAX_RETRIES: u32 = 9;
/// Most digits a `collect` takes.
pub const MAX_DIGITS: u8 = 32;

/// Names the session answers for `switch` without a `set`: the caller's
/// language, the entry (`phone`/`web`), the dialed number or web entry
/// name, the caller's number, whether a customer was found
/// (`found`/`none`), the priority and `vip` (`true`/`false`). Flows cannot
/// write them with `set`, `collect` or `survey`.
pub const RESERVED_VARS: [&str; 7] = ["language", "entry", "dialed", "caller", "customer", "priority", "vip"];

/// A whole IVR flow: its nodes by id and where it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// 1 to 64 of `A-Z a-z 0-9 _ - .`; the key in the store and the API.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The id of the first node.
    pub start: String,
    /// The language prompts play in until a `set_language` (en, fa, ar, tr),
    /// unless the call brings its own.
    #[serde(default = "default_language")]
    pub language: String,
    pub nodes: BTreeMap<String, Node>,
}

fn default_language() -> String {
    "en".into()
}

/// One step of a flow, tagged by `"type"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Node {
    Play(Play),
    Menu(Menu),
    Collect(Collect),
    Identify(Identify),
    Hours(Hours),
    SetLanguage(SetLanguage),
    SetPriority(SetPriority),
    Set(SetVar),
    Switch(Switch),
    Queue(QueueNode),
    Voicemail(Voicemail),
    Callback(Callback),
    Transfer(Transfer),
    Survey(Survey),
    HangUp(HangUp),
}

/// One prompt id or a list of them, played in order. Ids are file stems
/// (`A-Z a-z 0-9 _ -`): the driver plays `assets/prompts/<lang>/<id>.wav`.
/// Kept in the form it was written, so that export gives back the import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Prompts {
    One(String),
    Many(Vec<String>),
}

impl Prompts {
    pub fn ids(&self) -> &[String] {
        match self {
            Prompts::One(id) => std::slice::from_ref(id),
            Prompts::Many(ids) => ids,
        }
    }
}

/// Plays prompts, then goes on. Keys pressed meanwhile are kept for the
/// next menu, collect or survey (type-ahead); with `barge_in` the first key
/// also stops the prompt and moves on at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Play {
    pub prompts: Prompts,
    pub next: String,
    #[serde(default)]
    pub barge_in: bool,
}

/// A choice by one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Menu {
    pub prompt: Prompts,
    /// Key (`0`–`9`, `*`, `#`, `A`–`D`) → node.
    pub options: BTreeMap<String, String>,
    /// How long to wait for a key once the prompt has played.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u32,
    /// Tries after the first; then `on_fail`.
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    /// Played before the prompt again after a key that is not an option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_prompt: Option<Prompts>,
    /// Played before the prompt again after no key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_prompt: Option<Prompts>,
    pub on_fail: String,
    /// A key stops the prompt (and counts).
    #[serde(default = "yes")]
    pub barge_in: bool,
}

/// Digits into a variable: an account number, a customer code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Collect {
    pub prompt: Prompts,
    pub var: String,
    #[serde(default = "one")]
    pub min_digits: u8,
    pub max_digits: u8,
    /// The key that ends the entry early (not kept); `null` for none.
    #[serde(default = "default_terminator")]
    pub terminator: Option<char>,
    /// How long to wait for the first key, and between keys.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u32,
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_prompt: Option<Prompts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_prompt: Option<Prompts>,
    pub next: String,
    pub on_fail: String,
    #[serde(default = "yes")]
    pub barge_in: bool,
}

/// Finds the customer by the caller's number or by a code the caller
/// entered (a variable a `collect` filled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Identify {
    #[schema(value_type = IdentifyByJson)]
    pub by: IdentifyBy,
    pub found: String,
    pub not_found: String,
    /// An unknown caller's number is registered as a new customer (only
    /// with `by: "caller"`).
    #[serde(default)]
    pub register_unknown: bool,
}

/// `"caller"` or `{ "var": "<variable>" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "IdentifyByJson", into = "IdentifyByJson")]
pub enum IdentifyBy {
    Caller,
    Var(String),
}

/// How [`IdentifyBy`] is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum IdentifyByJson {
    /// `"caller"`.
    Word(String),
    Var {
        var: String,
    },
}

impl TryFrom<IdentifyByJson> for IdentifyBy {
    type Error = String;
    fn try_from(v: IdentifyByJson) -> Result<IdentifyBy, String> {
        match v {
            IdentifyByJson::Word(w) if w == "caller" => Ok(IdentifyBy::Caller),
            IdentifyByJson::Word(w) => Err(format!("by: {w:?} is neither \"caller\" nor {{\"var\": …}}")),
            IdentifyByJson::Var { var } => Ok(IdentifyBy::Var(var)),
        }
    }
}

impl From<IdentifyBy> for IdentifyByJson {
    fn from(v: IdentifyBy) -> IdentifyByJson {
        match v {
            IdentifyBy::Caller => IdentifyByJson::Word("caller".into()),
            IdentifyBy::Var(var) => IdentifyByJson::Var { var },
        }
    }
}

/// Open or closed now, in a time zone; holidays are closed all day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// IANA name, e.g. `Asia/Tehran`.
    pub time_zone: String,
    pub weekly: Vec<WeeklyHours>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Holiday>,
    pub open: String,
    pub closed: String,
}

/// Open from `open` until `close` (local time, `HH:MM`, `close` may be
/// `24:00`) on each of `days` (`mon`…`sun` or full names). A range over
/// midnight is two rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    pub days: Vec<String>,
    pub open: String,
    pub close: String,
}

/// `"YYYY-MM-DD"` or `{ "from": "YYYY-MM-DD", "to": "YYYY-MM-DD" }`
/// (both days included), local dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Holiday {
    Day(String),
    Range { from: String, to: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetLanguage {
    /// en, fa, ar or tr.
    pub language: String,
    pub next: String,
}

/// Sets how the call waits in its queue: `priority` 0–9 (higher is served
/// first), `vip` ahead of everyone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPriority {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vip: Option<bool>,
    pub next: String,
}

/// Sets a variable that travels with the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetVar {
    pub var: String,
    pub value: String,
    pub next: String,
}

/// Branches on a variable's value (or a reserved name, see
/// [`RESERVED_VARS`]); `default` when no case matches or it is unset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    pub var: String,
    pub cases: BTreeMap<String, String>,
    pub default: String,
}

/// Ends the IVR: the call waits in `queue` for an agent with the skills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueNode {
    pub queue: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<SkillNeed>,
}

/// A skill the call needs, at `min_level` (1–10) or better.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillNeed {
    pub skill: String,
    #[serde(default = "one")]
    pub min_level: u8,
}

/// Ends the IVR: the caller leaves a message in `mailbox`: a queue's name
/// (or `queue:<name>`), `agent:<user id>` or `number:<+E.164>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Voicemail {
    pub mailbox: String,
}

/// Ends the IVR: the caller is offered a callback from `queue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Callback {
    pub queue: String,
}

/// Ends the IVR: the call goes to a number, an agent or a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub to: TransferTarget,
}

/// `{ "number": "+98…" }`, `{ "agent": "<username>" }` or `{ "queue": "<code>" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransferTarget {
    Number(String),
    Agent(String),
    Queue(String),
}

/// Asks for a rating of 1 to `scale` by one key, keeps it in `var`,
/// reports it, and goes on (also when the caller gives none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    pub prompt: Prompts,
    pub var: String,
    /// 2 to 9.
    #[serde(default = "default_scale")]
    pub scale: u8,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u32,
    #[serde(default = "default_retries")]
    pub max_retries: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_prompt: Option<Prompts>,
    pub next: String,
    #[serde(default = "yes")]
    pub barge_in: bool,
}

/// Ends the IVR and the call, after an optional goodbye.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HangUp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompts>,
}

fn default_timeout() -> u32 {
    5
}
fn default_retries() -> u32 {
    2
}
fn default_terminator() -> Option<char> {
    Some('#')
}
fn default_scale() -> u8 {
    5
}
fn one() -> u8 {
    1
}
fn yes() -> bool {
    true
}

/// Why a flow was refused: the node (when one is to blame) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FlowError {
    pub node: Option<String>,
    pub reason: String,
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(n) => write!(f, "node {n:?}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl FlowError {
    fn flow(reason: impl Into<String>) -> FlowError {
        FlowError { node: None, reason: reason.into() }
    }

    fn node(id: &str, reason: impl Into<String>) -> FlowError {
        FlowError { node: Some(clip(id)), reason: reason.into() }
    }
}

/// The whole document before its nodes are read, so that a node that does
/// not deserialize can be named.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    name: String,
    #[serde(default)]
    description: Option<String>,
    start: String,
    #[serde(default = "default_language")]
    language: String,
    nodes: BTreeMap<String, serde_json::Value>,
}

impl Flow {
    /// Whether a caller arriving at `now_ms` would find the center open:
    /// the first business-hours node on the way from the start, through the
    /// nodes that need nothing from the caller. `None` when the way reaches
    /// no such node (the flow does not say).
    pub fn open_at(&self, now_ms: i64) -> Option<bool> {
        let mut id = &self.start;
        for _ in 0..self.nodes.len() {
            id = match self.nodes.get(id)? {
                Node::Hours(h) => return Some(super::hours::Schedule::compile(h).is_ok_and(|s| s.is_open(now_ms))),
                Node::Play(p) => &p.next,
                Node::SetLanguage(n) => &n.next,
                Node::SetPriority(n) => &n.next,
                Node::Set(n) => &n.next,
                _ => return None,
            };
        }
        None
    }

    /// Reads and checks a flow document.
    pub fn parse(json: &str) -> Result<Flow, FlowError> {
        if json.len() > MAX_JSON_BYTES {
            return Err(FlowError::flow(format!("the flow is larger than {} KiB", MAX_JSON_BYTES / 1024)));
        }
        let raw: RawFlow = serde_json::from_str(json).map_err(|e| FlowError::flow(e.to_string()))?;
        if raw.nodes.len() > MAX_NODES {
            return Err(FlowError::flow(format!("more than {MAX_NODES} nodes")));
        }
        let mut nodes = BTreeMap::new();
        for (id, value) in raw.nodes {
            check_name(&id, "node id").map_err(|r| FlowError::node(&id, r))?;
            let node: Node = serde_json::from_value(value).map_err(|e| FlowError::node(&id, e.to_string()))?;
            nodes.insert(id, node);
        }
        let flow =
            Flow { name: raw.name, description: raw.description, start: raw.start, language: raw.language, nodes };
        flow.validate()?;
        Ok(flow)
    }

    /// The canonical JSON of a checked flow (what export returns).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a flow always serializes")
    }

    /// Checks everything [`Flow::parse`] checks, for a flow built in code.
    pub fn validate(&self) -> Result<(), FlowError> {
        check_name(&self.name, "name").map_err(FlowError::flow)?;
        if let Some(d) = &self.description {
            check_len(d, "description").map_err(FlowError::flow)?;
        }
        check_language(&self.language).map_err(FlowError::flow)?;
        if self.nodes.is_empty() {
            return Err(FlowError::flow("the flow has no nodes"));
        }
        if self.nodes.len() > MAX_NODES {
            return Err(FlowError::flow(format!("more than {MAX_NODES} nodes")));
        }
        if !self.nodes.contains_key(&self.start) {
            return Err(FlowError::flow(format!("start: no node {:?}", clip(&self.start))));
        }
        for (id, node) in &self.nodes {
            check_name(id, "node id").map_err(|r| FlowError::node(id, r))?;
            self.check_node(node).map_err(|r| FlowError::node(id, r))?;
        }
        self.check_loops()
    }

    fn check_node(&self, node: &Node) -> Result<(), String> {
        match node {
            Node::Play(p) => {
                check_prompts(&p.prompts, "prompts")?;
                self.target(&p.next, "next")
            }
            Node::Menu(m) => {
                check_prompts(&m.prompt, "prompt")?;
                check_optional_prompts(&m.invalid_prompt, "invalid_prompt")?;
                check_optional_prompts(&m.timeout_prompt, "timeout_prompt")?;
                if m.options.is_empty() {
                    return Err("a menu needs at least one option".into());
                }
                for (key, target) in &m.options {
                    if dtmf_key(key).is_none() {
                        return Err(format!("option {:?} is not a DTMF key", clip(key)));
                    }
                    self.target(target, &format!("option {key:?}"))?;
                }
                check_timeout(m.timeout_secs)?;
                check_retries(m.max_retries)?;
                self.target(&m.on_fail, "on_fail")
            }
            Node::Collect(c) => {
                check_prompts(&c.prompt, "prompt")?;
                check_optional_prompts(&c.invalid_prompt, "invalid_prompt")?;
                check_optional_prompts(&c.timeout_prompt, "timeout_prompt")?;
                check_writable_var(&c.var)?;
                if c.min_digits == 0 || c.max_digits > MAX_DIGITS {
                    return Err(format!("digits: min_digits at least 1, max_digits at most {MAX_DIGITS}"));
                }
                if c.max_digits < c.min_digits {
                    return Err(format!("max_digits {} is less than min_digits {}", c.max_digits, c.min_digits));
                }
                if let Some(t) = c.terminator
                    && (!is_dtmf(t) || t.is_ascii_digit())
                {
                    return Err(format!("terminator {t:?} must be one of * # A B C D"));
                }
                check_timeout(c.timeout_secs)?;
                check_retries(c.max_retries)?;
                self.target(&c.next, "next")?;
                self.target(&c.on_fail, "on_fail")
            }
            Node::Identify(i) => {
                match &i.by {
                    IdentifyBy::Caller => {}
                    IdentifyBy::Var(v) => {
                        check_name(v, "by.var")?;
                        if i.register_unknown {
                            return Err("register_unknown needs by: \"caller\" (a code alone is no number)".into());
                        }
                    }
                }
                self.target(&i.found, "found")?;
                self.target(&i.not_found, "not_found")
            }
            Node::Hours(h) => {
                if h.weekly.len() > MAX_ITEMS {
                    return Err(format!("weekly: more than {MAX_ITEMS} rules"));
                }
                if h.holidays.len() > MAX_HOLIDAYS {
                    return Err(format!("holidays: more than {MAX_HOLIDAYS} entries"));
                }
                Schedule::compile(h)?;
                self.target(&h.open, "open")?;
                self.target(&h.closed, "closed")
            }
            Node::SetLanguage(s) => {
                check_language(&s.language)?;
                self.target(&s.next, "next")
            }
            Node::SetPriority(s) => {
                if s.priority.is_none() && s.vip.is_none() {
                    return Err("set_priority needs priority, vip or both".into());
                }
                if let Some(p) = s.priority
                    && p > 9
                {
                    return Err(format!("priority {p} is out of range 0 to 9"));
                }
                self.target(&s.next, "next")
            }
            Node::Set(s) => {
                check_writable_var(&s.var)?;
                check_len(&s.value, "value")?;
                self.target(&s.next, "next")
            }
            Node::Switch(s) => {
                check_name(&s.var, "var")?;
                if s.cases.len() > MAX_ITEMS {
                    return Err(format!("cases: more than {MAX_ITEMS}"));
                }
                for (value, target) in &s.cases {
                    check_len(value, "case")?;
                    self.target(target, &format!("case {:?}", clip(value)))?;
                }
                self.target(&s.default, "default")
            }
            Node::Queue(q) => {
                check_name(&q.queue, "queue")?;
                if q.skills.len() > MAX_ITEMS {
                    return Err(format!("skills: more than {MAX_ITEMS}"));
                }
                for s in &q.skills {
                    check_name(&s.skill, "skill")?;
                    if !(1..=10).contains(&s.min_level) {
                        return Err(format!("skill {:?}: min_level {} is out of range 1 to 10", s.skill, s.min_level));
                    }
                }
                Ok(())
            }
            Node::Voicemail(v) => check_mailbox(&v.mailbox),
            Node::Callback(c) => check_name(&c.queue, "queue"),
            Node::Transfer(t) => match &t.to {
                TransferTarget::Number(n) => {
                    if crate::calls::is_dialable(n) {
                        Ok(())
                    } else {
                        Err(format!("to.number {:?} is not a dialable number", clip(n)))
                    }
                }
                TransferTarget::Agent(a) => check_name(a, "to.agent"),
                TransferTarget::Queue(q) => check_name(q, "to.queue"),
            },
            Node::Survey(s) => {
                check_prompts(&s.prompt, "prompt")?;
                check_optional_prompts(&s.invalid_prompt, "invalid_prompt")?;
                check_writable_var(&s.var)?;
                if !(2..=9).contains(&s.scale) {
                    return Err(format!("scale {} is out of range 2 to 9", s.scale));
                }
                check_timeout(s.timeout_secs)?;
                check_retries(s.max_retries)?;
                self.target(&s.next, "next")
            }
            Node::HangUp(h) => check_optional_prompts(&h.prompt, "prompt"),
        }
    }

    fn target(&self, id: &str, field: &str) -> Result<(), String> {
        if self.nodes.contains_key(id) { Ok(()) } else { Err(format!("{field}: no node {:?}", clip(id))) }
    }

    /// Refuses cycles made only of nodes that go on without waiting for the
    /// caller: such a flow would spin forever on one input.
    fn check_loops(&self) -> Result<(), FlowError> {
        // Depth-first over the instant nodes, iteratively (a flow may hold
        // hundreds of nodes), colouring as usual: on the stack = grey.
        let mut done: BTreeSet<&str> = BTreeSet::new();
        for start in self.nodes.keys() {
            if done.contains(start.as_str()) || !self.nodes[start].is_instant() {
                continue;
            }
            let mut on_path: Vec<&str> = vec![start];
            let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, self.instant_targets(start))];
            while let Some((id, pending)) = stack.last_mut() {
                let id = *id;
                match pending.pop() {
                    None => {
                        done.insert(id);
                        stack.pop();
                        on_path.pop();
                    }
                    Some(next) if done.contains(next) => {}
                    Some(next) => {
                        if let Some(at) = on_path.iter().position(|n| *n == next) {
                            let cycle: Vec<&str> = on_path[at..].iter().copied().chain([next]).collect();
                            return Err(FlowError::node(
                                next,
                                format!("loops without waiting for the caller ({})", cycle.join(" → ")),
                            ));
                        }
                        on_path.push(next);
                        stack.push((next, self.instant_targets(next)));
                    }
                }
            }
        }
        Ok(())
    }

    /// The targets of an instant node that are instant nodes too.
    fn instant_targets(&self, id: &str) -> Vec<&str> {
        let Some(node) = self.nodes.get(id) else { return Vec::new() };
        node.targets().into_iter().filter(|t| self.nodes.get(*t).is_some_and(Node::is_instant)).collect()
    }
}

impl Node {
    /// Whether the session may leave this node without waiting for the
    /// caller or the driver. `identify` counts: without a number or a code
    /// it goes on to `not_found` at once.
    pub fn is_instant(&self) -> bool {
        matches!(
            self,
            Node::SetLanguage(_)
                | Node::SetPriority(_)
                | Node::Set(_)
                | Node::Switch(_)
                | Node::Hours(_)
                | Node::Identify(_)
        )
    }

    /// Every node this one can go to.
    pub fn targets(&self) -> Vec<&str> {
        match self {
            Node::Play(p) => vec![&p.next],
            Node::Menu(m) => m.options.values().map(String::as_str).chain([m.on_fail.as_str()]).collect(),
            Node::Collect(c) => vec![&c.next, &c.on_fail],
            Node::Identify(i) => vec![&i.found, &i.not_found],
            Node::Hours(h) => vec![&h.open, &h.closed],
            Node::SetLanguage(s) => vec![&s.next],
            Node::SetPriority(s) => vec![&s.next],
            Node::Set(s) => vec![&s.next],
            Node::Switch(s) => s.cases.values().map(String::as_str).chain([s.default.as_str()]).collect(),
            Node::Survey(s) => vec![&s.next],
            Node::Queue(_) | Node::Voicemail(_) | Node::Callback(_) | Node::Transfer(_) | Node::HangUp(_) => Vec::new(),
        }
    }

    /// The `type` as written in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Play(_) => "play",
            Node::Menu(_) => "menu",
            Node::Collect(_) => "collect",
            Node::Identify(_) => "identify",
            Node::Hours(_) => "hours",
            Node::SetLanguage(_) => "set_language",
            Node::SetPriority(_) => "set_priority",
            Node::Set(_) => "set",
            Node::Switch(_) => "switch",
            Node::Queue(_) => "queue",
            Node::Voicemail(_) => "voicemail",
            Node::Callback(_) => "callback",
            Node::Transfer(_) => "transfer",
            Node::Survey(_) => "survey",
            Node::HangUp(_) => "hang_up",
        }
    }
}

/// Whether `c` is a DTMF key: `0`–`9`, `*`, `#`, `A`–`D`.
pub fn is_dtmf(c: char) -> bool {
    matches!(c, '0'..='9' | '*' | '#' | 'A'..='D')
}

/// The key a one-character string names, if it is a DTMF key.
fn dtmf_key(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    (chars.next().is_none() && is_dtmf(c)).then_some(c)
}

fn check_name(s: &str, what: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > MAX_NAME_LEN {
        return Err(format!("{what}: 1 to {MAX_NAME_LEN} characters"));
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        return Err(format!("{what} {:?}: only A-Z a-z 0-9 _ - .", clip(s)));
    }
    Ok(())
}

/// A queue's name, `queue:<name>`, `agent:<id>` or `number:<+digits>`.
fn check_mailbox(s: &str) -> Result<(), String> {
    match s.split_once(':') {
        None => check_name(s, "mailbox"),
        Some(("queue", q)) => check_name(q, "mailbox"),
        Some(("agent", id)) if !id.is_empty() && id.len() <= 19 && id.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        Some(("number", n))
            if n.len() <= 17
                && n.strip_prefix('+').is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Ok(())
        }
        _ => Err(format!("mailbox {:?}: a queue's name, queue:<name>, agent:<user id> or number:<+E.164>", clip(s))),
    }
}

fn check_len(s: &str, what: &str) -> Result<(), String> {
    if s.chars().count() > MAX_VALUE_LEN {
        return Err(format!("{what}: longer than {MAX_VALUE_LEN} characters"));
    }
    Ok(())
}

fn check_writable_var(var: &str) -> Result<(), String> {
    check_name(var, "var")?;
    if RESERVED_VARS.contains(&var) {
        return Err(format!("var {var:?} is reserved"));
    }
    Ok(())
}

fn check_language(tag: &str) -> Result<(), String> {
    match shared::Lang::parse(tag) {
        Some(l) if l.tag() == tag => Ok(()),
        _ => Err(format!("language {:?}: one of en, fa, ar, tr", clip(tag))),
    }
}

fn check_prompts(p: &Prompts, what: &str) -> Result<(), String> {
    if p.ids().is_empty() {
        return Err(format!("{what}: the prompt list is empty"));
    }
    if p.ids().len() > MAX_ITEMS {
        return Err(format!("{what}: more than {MAX_ITEMS} prompts"));
    }
    for id in p.ids() {
        // Prompt ids become file names: no dots, no slashes.
        if id.is_empty()
            || id.len() > MAX_NAME_LEN
            || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!("{what}: prompt {:?} is not 1 to {MAX_NAME_LEN} of A-Z a-z 0-9 _ -", clip(id)));
        }
    }
    Ok(())
}

fn check_optional_prompts(p: &Option<Prompts>, what: &str) -> Result<(), String> {
    p.as_ref().map_or(Ok(()), |p| check_prompts(p, what))
}

fn check_timeout(secs: u32) -> Result<(), String> {
    if (1..=MAX_TIMEOUT_SECS).contains(&secs) {
        Ok(())
    } else {
        Err(format!("timeout_secs {secs} is out of range 1 to {MAX_TIMEOUT_SECS}"))
    }
}

fn check_retries(n: u32) -> Result<(), String> {
    if n <= MAX_RETRIES { Ok(()) } else { Err(format!("max_retries {n} is more than {MAX_RETRIES}")) }
}

/// A name as an error message may quote it: short, without control characters.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(MAX_NAME_LEN).collect();
    if s.chars().count() > MAX_NAME_LEN {
        out.push('…');
    }
    out
}
