//! What an administrator sets for queues and agents: plain data, stored as
//! JSON-friendly values (serde, snake_case). The gateway's routing engine
//! (`gateway/src/acd`) runs on them; the supervisor app edits them.

use serde::{Deserialize, Serialize};

/// How a queue chooses among the free agents who may take a call.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// Every free eligible agent rings at once; agents who become free while
    /// it rings are added. The first to accept takes it.
    RingAll,
    /// The free eligible agent idle the longest: since their last call (and
    /// its wrap-up) ended, or since they became available, whichever is later.
    #[default]
    LongestIdle,
    /// The queue remembers the last agent it rang and rings the next one in
    /// the members' order after it, wrapping around.
    RoundRobin,
    /// The first free eligible agent in the members' order, every time.
    TopDown,
    /// The free eligible agent with the least talk time since logging in.
    LeastTalkTime,
    /// The free eligible agent who answered the fewest calls since logging in.
    FewestCalls,
    /// A free eligible agent chosen uniformly at random.
    Random,
    /// The three free eligible agents first in the members' order ring at once.
    TopThree,
    /// Three free eligible agents chosen at random ring at once.
    RandomThree,
    /// The first free eligible agent in the members' order rings; every
    /// `ring_step_secs` the next one is added, until someone accepts.
    Progressive,
    /// The free eligible agent with the best weighted score (see [`Weights`]).
    Scored,
}

impl Strategy {
    /// Strategies that ring several agents for one call on purpose.
    pub fn rings_several(self) -> bool {
        matches!(self, Strategy::RingAll | Strategy::TopThree | Strategy::RandomThree | Strategy::Progressive)
    }
}

/// A skill a call needs, with the lowest level that qualifies (1–10).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillReq {
    pub skill: String,
    #[serde(default = "one")]
    pub min_level: u8,
}

fn one() -> u8 {
    1
}

/// After a call has waited `after_secs`, its queue's skill requirements
/// become `skills` (usually fewer or lower): time-based escalation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    pub after_secs: u32,
    pub skills: Vec<SkillReq>,
}

/// Where a call goes when it cannot stay in its queue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "to", content = "target", deny_unknown_fields)]
pub enum Overflow {
    /// Into another queue, keeping its original entry time.
    Queue(String),
    /// To a voicemail box (the queue's own when empty).
    Voicemail(String),
    /// Offered a callback in this queue.
    Callback,
    /// The caller hears a message and the call ends.
    #[default]
    HangUp,
}

/// Weights of the [`Strategy::Scored`] strategy. Each term is scaled to 0–1
/// among the candidates before weighting, so the weights compare directly.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Longer idle scores higher.
    pub idle: f32,
    /// A higher level in the call's skills scores higher.
    pub skill: f32,
    /// Less talk time since login scores higher.
    pub talk_time: f32,
    /// Fewer calls taken since login scores higher.
    pub calls: f32,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights { idle: 1.0, skill: 1.0, talk_time: 0.5, calls: 0.5 }
    }
}

/// One queue's settings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueConfig {
    pub name: String,
    pub strategy: Strategy,
    /// How long one offer rings before it counts as missed.
    pub ring_timeout_secs: u32,
    /// For [`Strategy::Progressive`]: how often another agent is added.
    pub ring_step_secs: u32,
    /// After-call work before the agent is offered the next call.
    pub wrap_up_secs: u32,
    /// Longest a call may wait before it overflows; none waits forever.
    pub max_wait_secs: Option<u32>,
    /// Most calls waiting at once; the next one overflows on arrival.
    pub max_len: Option<u32>,
    /// With no agent of the queue logged in, calls overflow (on arrival and
    /// when the last agent logs out) instead of waiting.
    pub leave_when_empty: bool,
    pub overflow: Overflow,
    /// What every call of this queue needs.
    pub skills: Vec<SkillReq>,
    pub escalation: Vec<Escalation>,
    /// Position and estimated wait are announced on entry and then this often
    /// (0: only on entry).
    pub announce_every_secs: u32,
    /// Shown to the agent on the ringing call (the queue or call type);
    /// empty: none.
    pub whisper: String,
    /// A prompt (an id of the prompt catalog, e.g. `whisper_support`) the
    /// agent hears, in their own language, when they answer and before the
    /// caller is connected; the caller hears the queue's music meanwhile.
    /// None: the caller is connected at once.
    pub whisper_prompt: Option<String>,
    /// Offers an agent may miss in a row before they are made not ready.
    pub max_missed: u32,
    pub weights: Weights,
    /// Target answer time for the service level, in seconds.
    pub service_level_secs: u32,
    /// Waiting callers are offered a callback (key 9) that keeps their place.
    pub offer_callback: bool,
    /// The IVR flow the caller is put through when the agent hangs up
    /// (a rating of the call); none: the call simply ends.
    pub survey_flow: Option<String>,
    /// The wallboard's green/amber/red limits for this queue.
    pub wallboard: crate::wallboard::Thresholds,
    /// Recordings of this queue's calls are deleted this many days after
    /// the call started (by the gateway's retention sweep, which audits
    /// each deletion); none or 0: kept.
    pub recording_retention_days: Option<u32>,
    /// Supervisors may download this queue's recordings (admins always
    /// may; everyone allowed may play them in the browser).
    pub supervisors_download_recordings: bool,
}

impl Default for QueueConfig {
    fn default() -> QueueConfig {
        QueueConfig {
            name: String::new(),
            strategy: Strategy::default(),
            ring_timeout_secs: 20,
            ring_step_secs: 10,
            wrap_up_secs: 0,
            max_wait_secs: None,
            max_len: None,
            leave_when_empty: false,
            overflow: Overflow::default(),
            skills: Vec::new(),
            escalation: Vec::new(),
            announce_every_secs: 60,
            whisper: String::new(),
            whisper_prompt: None,
            max_missed: 3,
            weights: Weights::default(),
            service_level_secs: 20,
            offer_callback: false,
            survey_flow: None,
            wallboard: crate::wallboard::Thresholds::default(),
            recording_retention_days: None,
            supervisors_download_recordings: false,
        }
    }
}

/// An agent's place in one queue: lower `order` comes first for the
/// order-based strategies (top-down, round robin, top three, progressive).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub queue: String,
    #[serde(default)]
    pub order: u32,
}

/// A skill an agent has, at a level 1–10.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub skill: String,
    pub level: u8,
}

/// What routing knows about an agent.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AgentProfile {
    pub queues: Vec<Membership>,
    pub skills: Vec<Skill>,
}

/// Why a queue or agent setting was refused; names the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub key: String,
    pub reason: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

impl std::error::Error for ConfigError {}

fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError { key: key.to_owned(), reason: reason.into() }
}

fn check_skills(key: &str, skills: &[SkillReq]) -> Result<(), ConfigError> {
    for (i, s) in skills.iter().enumerate() {
        if s.skill.trim().is_empty() || s.skill.len() > 64 {
            return Err(bad(&format!("{key}[{i}].skill"), "must be 1 to 64 characters"));
        }
        if !(1..=10).contains(&s.min_level) {
            return Err(bad(&format!("{key}[{i}].min_level"), "must be 1 to 10"));
        }
    }
    Ok(())
}

impl QueueConfig {
    /// Checks the values an API or file may have got wrong.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let name = self.name.trim();
        if name.is_empty() || name.len() > 64 || name != self.name {
            return Err(bad("name", "must be 1 to 64 characters without surrounding spaces"));
        }
        if !(1..=600).contains(&self.ring_timeout_secs) {
            return Err(bad("ring_timeout_secs", "must be 1 to 600"));
        }
        if !(1..=600).contains(&self.ring_step_secs) {
            return Err(bad("ring_step_secs", "must be 1 to 600"));
        }
        if self.wrap_up_secs > 3600 {
            return Err(bad("wrap_up_secs", "must be at most 3600"));
        }
        if self.max_wait_secs == Some(0) {
            return Err(bad("max_wait_secs", "must be positive (leave it out to wait forever)"));
        }
        if self.max_missed == 0 {
            return Err(bad("max_missed", "must be at least 1"));
        }
        if let Some(f) = &self.survey_flow
            && (f.is_empty()
                || f.len() > 64
                || !f.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        {
            return Err(bad("survey_flow", "must be a flow's name (1 to 64 of A-Z a-z 0-9 _ - .)"));
        }
        if self.whisper.len() > 200 {
            return Err(bad("whisper", "must be at most 200 characters"));
        }
        if let Some(p) = &self.whisper_prompt
            && (p.is_empty() || p.len() > 64 || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        {
            return Err(bad("whisper_prompt", "must be a prompt's id (1 to 64 of A-Z a-z 0-9 _ -)"));
        }
        if self.recording_retention_days.is_some_and(|d| d > 36_500) {
            return Err(bad("recording_retention_days", "must be at most 36500 (100 years)"));
        }
        check_skills("skills", &self.skills)?;
        let mut last = 0;
        for (i, e) in self.escalation.iter().enumerate() {
            if e.after_secs <= last && i > 0 || e.after_secs == 0 {
                return Err(bad(&format!("escalation[{i}].after_secs"), "steps must be positive and increasing"));
            }
            last = e.after_secs;
            check_skills(&format!("escalation[{i}].skills"), &e.skills)?;
        }
        match &self.overflow {
            Overflow::Queue(q) if q == &self.name => {
                return Err(bad("overflow", "a queue cannot overflow into itself"));
            }
            Overflow::Queue(q) if q.trim().is_empty() => return Err(bad("overflow", "names no queue")),
            _ => {}
        }
        if let Err((key, reason)) = self.wallboard.validate() {
            return Err(bad(key, reason));
        }
        let w = self.weights;
        if [w.idle, w.skill, w.talk_time, w.calls].iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(bad("weights", "must be finite and not negative"));
        }
        Ok(())
    }
}

impl AgentProfile {
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (i, s) in self.skills.iter().enumerate() {
            if s.skill.trim().is_empty() || s.skill.len() > 64 {
                return Err(bad(&format!("skills[{i}].skill"), "must be 1 to 64 characters"));
            }
            if !(1..=10).contains(&s.level) {
                return Err(bad(&format!("skills[{i}].level"), "must be 1 to 10"));
            }
        }
        for (i, m) in self.queues.iter().enumerate() {
            if m.queue.trim().is_empty() {
                return Err(bad(&format!("queues[{i}].queue"), "names no queue"));
            }
        }
        Ok(())
    }
}
