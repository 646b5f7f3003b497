//! Supervisors' reports (`GET /api/v1/reports/{queues|agents|hours|days}`):
//! for a period, one row per queue, per agent, per hour or per day, each
//! with the same [`Figures`], and the period's total.
//!
//! **What a call is made of.** A call's timeline is cut into *queue
//! stays* (from entering a queue to leaving it: answered, abandoned, or
//! gone another way — overflow, voicemail, callback, still waiting) and
//! *agent segments* (from an agent's answer to the end of the call or to
//! the agent's transfer). A call transferred from one agent to another is
//! one queue stay and two segments; a call transferred to a queue is two
//! stays. Traffic figures count stays, in the period (hour, day) the
//! caller *entered the queue*; handling figures count segments, in the
//! period the agent *answered*, once the segment is over.
//!
//! **Service level** is the wallboard's rule
//! ([`crate::wallboard`]): stays answered within the queue's target T ÷
//! (stays answered + stays abandoned after T); callers who hung up within
//! T are left out. Each stay is judged against its own queue's target,
//! so that a row mixing queues (an hour, an agent) is still fair.
//!
//! **Agent activity** comes from the agent state log: logged in is the
//! time the desk was open; not ready the time in *not ready* (by reason
//! code) or *offline* with the desk open; occupancy the time on calls
//! (talk and hold) and in wrap-up ÷ (logged in − not ready).
//!
//! Durations are milliseconds; averages are rounded to the nearest ms;
//! percentages are 0–100.

use serde::{Deserialize, Serialize};

/// The upper limits (seconds, inclusive) of the answered-by-wait buckets;
/// the last bucket is "longer than the last limit". A call answered after
/// exactly 20 s is in the "≤ 20 s" bucket.
pub const WAIT_BUCKETS_SECS: [u32; 6] = [10, 20, 30, 60, 120, 300];

/// The longest period one report covers.
pub const MAX_PERIOD_DAYS: i64 = 93;

/// What the rows are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One row per queue that had traffic or is configured.
    Queues,
    /// One row per agent with a segment, activity or evaluation.
    Agents,
    /// One row per hour of the center's time zone with anything in it.
    Hours,
    /// One row per day of the center's time zone with anything in it.
    Days,
}

impl GroupBy {
    pub const ALL: [GroupBy; 4] = [GroupBy::Queues, GroupBy::Agents, GroupBy::Hours, GroupBy::Days];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Queues => "queues",
            GroupBy::Agents => "agents",
            GroupBy::Hours => "hours",
            GroupBy::Days => "days",
        }
    }

    pub fn parse(s: &str) -> Option<GroupBy> {
        GroupBy::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// What an agent is doing, as the state log keeps it: the routing
/// engine's activity (ringing, on a call, wrap-up, missed) wins over the
/// status the agent chose.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    /// No desk open.
    LoggedOut,
    /// The desk is open with the status *offline*.
    Offline,
    Available,
    /// Not ready, with a reason code.
    NotReady,
    Ringing,
    /// On a call, talking or holding.
    OnCall,
    WrapUp,
    /// Let an offer ring out and has not chosen a status since.
    Missed,
}

impl AgentState {
    pub const ALL: [AgentState; 8] = [
        AgentState::LoggedOut,
        AgentState::Offline,
        AgentState::Available,
        AgentState::NotReady,
        AgentState::Ringing,
        AgentState::OnCall,
        AgentState::WrapUp,
        AgentState::Missed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::LoggedOut => "logged_out",
            AgentState::Offline => "offline",
            AgentState::Available => "available",
            AgentState::NotReady => "not_ready",
            AgentState::Ringing => "ringing",
            AgentState::OnCall => "on_call",
            AgentState::WrapUp => "wrap_up",
            AgentState::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<AgentState> {
        AgentState::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// The reason counted for not-ready time spent *offline* with the desk
/// open (no reason code goes with that status).
pub const OFFLINE_REASON: &str = "offline";

/// Time spent not ready for one reason.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonTime {
    /// The reason code (`lunch`, `break`, …), [`OFFLINE_REASON`], or empty
    /// for not ready without a reason.
    pub reason: String,
    pub ms: u64,
}

/// How many calls got one disposition code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCount {
    pub code: String,
    pub count: u32,
}

/// Every figure of one row (or of the total). Figures that cannot be
/// known for a row (agent activity of a queue) are zero or absent; the
/// definitions below say which rows have them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Figures {
    // --- Traffic: queue stays, by the time the caller entered the queue.
    /// Stays: calls that entered a queue (a call transferred to a queue
    /// counts again there).
    pub offered: u32,
    /// Stays ended by an agent's answer.
    pub answered: u32,
    /// Of those, answered within the queue's target.
    pub answered_in_target: u32,
    /// Stays ended by the caller hanging up while waiting.
    pub abandoned: u32,
    /// Of those, hung up within the queue's target (left out of the
    /// service level).
    pub abandoned_in_target: u32,
    /// Mean wait before abandoning, of the abandoned stays.
    pub abandon_wait_avg_ms: Option<u64>,
    /// The longest wait before abandoning.
    pub abandon_wait_max_ms: Option<u64>,
    /// Stays that left the queue another way (overflow, voicemail,
    /// callback, a failure) or are still waiting.
    pub other: u32,
    /// The service level in %: see the module's rule; absent while no stay
    /// counts.
    pub service_level_pct: Option<f64>,
    /// Service level breaches: stays answered after the target plus stays
    /// abandoned after it.
    pub sl_breaches: u32,
    /// Answered stays by wait, one count per [`WAIT_BUCKETS_SECS`] limit
    /// and one more for longer waits.
    pub answered_by_wait: Vec<u32>,
    /// Average speed of answer: the mean wait of answered stays.
    pub asa_ms: Option<u64>,
    /// The longest wait of an answered stay.
    pub max_answer_wait_ms: Option<u64>,

    // --- Handling: agent segments, by the time the agent answered.
    /// Offers made to agents (`offer.created`), by the offer's time.
    pub offers: u32,
    /// Offers nobody took in time (`offer.expired`).
    pub missed_offers: u32,
    /// Segments over: calls an agent answered and finished (by hanging up,
    /// the caller's hang-up, or transferring).
    pub handled: u32,
    /// Of those, ended by the agent's transfer (to an agent, a queue or a
    /// number).
    pub transferred: u32,
    /// Talk: answer to the segment's end, less hold, summed.
    pub talk_ms: u64,
    /// Hold within the segments, summed.
    pub hold_ms: u64,
    /// After-call work of the segments that ended the call, summed.
    pub wrap_up_ms: u64,
    pub avg_talk_ms: Option<u64>,
    pub avg_hold_ms: Option<u64>,
    pub avg_wrap_up_ms: Option<u64>,
    /// Average handle time: (talk + hold + wrap-up) ÷ handled.
    pub aht_ms: Option<u64>,

    // --- Agent activity (agent, hour and day rows; not queue rows).
    /// Desks opened after being closed.
    pub logins: u32,
    /// Time with the desk open.
    pub logged_in_ms: u64,
    /// Time not ready or offline with the desk open.
    pub not_ready_ms: u64,
    /// The same, by reason, longest first.
    pub not_ready_by_reason: Vec<ReasonTime>,
    /// Time available and waiting for a call (missed offers included).
    pub idle_ms: u64,
    /// Time ringing.
    pub ringing_ms: u64,
    /// Time on calls (talk and hold), as the routing engine saw it.
    pub on_call_ms: u64,
    /// Time in wrap-up, as the routing engine saw it.
    pub wrap_up_state_ms: u64,
    /// (on call + wrap-up) ÷ (logged in − not ready), in %.
    pub occupancy_pct: Option<f64>,

    // --- Callbacks, voicemails, outcomes.
    /// Callbacks asked for (by the request's time).
    pub callbacks_requested: u32,
    /// Of those, the ones whose customer answered.
    pub callbacks_completed: u32,
    /// Mean time from the request (or a scheduled callback's due time, if
    /// later) to the answered attempt, of the completed ones.
    pub callback_time_avg_ms: Option<u64>,
    /// Voicemails received (by the time they came).
    pub voicemails: u32,
    /// The agents' disposition codes of the handled calls that ended the
    /// call, most used first.
    pub dispositions: Vec<CodeCount>,
    /// Callers' survey answers, of the handled calls that ended the call.
    pub surveys: u32,
    pub survey_avg: Option<f64>,
    /// Quality evaluations of calls that started in the period (by the
    /// call's agent and queue).
    pub evaluations: u32,
    /// Their mean score, in %.
    pub quality_avg_pct: Option<f64>,
}

/// One row of a report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// A queue's code, an agent's id, an hour's first instant (RFC 3339)
    /// or a day (`YYYY-MM-DD`, in the report's time zone).
    pub key: String,
    /// A queue's or agent's name; the hour (`YYYY-MM-DD HH:00`) or the day
    /// in the report's time zone.
    pub label: String,
    pub figures: Figures,
}

/// A report: its period, its rows and the period's total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub group_by: GroupBy,
    /// RFC 3339: the period's first instant.
    pub from: String,
    /// RFC 3339: the instant after the period.
    pub to: String,
    /// The center's IANA time zone, in which hours and days are counted.
    pub time_zone: String,
    /// A queue's code the report was narrowed to.
    pub queue: Option<String>,
    /// An agent's id the report was narrowed to.
    pub agent: Option<i64>,
    /// The limits of the answered-by-wait buckets ([`WAIT_BUCKETS_SECS`]).
    pub wait_buckets_secs: Vec<u32>,
    pub rows: Vec<ReportRow>,
    /// The whole period with the same filters (not the sum of the rows
    /// where a call or an agent is in several: an agent's row and a
    /// queue's may share calls).
    pub total: Figures,
}

/// The mean of `sum` over `n`, rounded to the nearest whole; none for none.
pub fn mean(sum: u64, n: u64) -> Option<u64> {
    (n > 0).then(|| (sum + n / 2) / n)
}

/// `part ÷ whole` in %; none when `whole` is zero.
pub fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}

/// The index of the answered-by-wait bucket of a wait.
pub fn wait_bucket(wait_ms: u64) -> usize {
    WAIT_BUCKETS_SECS.iter().position(|s| wait_ms <= u64::from(*s) * 1000).unwrap_or(WAIT_BUCKETS_SECS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_include_their_limit() {
        assert_eq!(wait_bucket(0), 0);
        assert_eq!(wait_bucket(10_000), 0);
        assert_eq!(wait_bucket(10_001), 1);
        assert_eq!(wait_bucket(300_000), 5);
        assert_eq!(wait_bucket(300_001), 6);
    }

    #[test]
    fn names_round_trip() {
        for g in GroupBy::ALL {
            assert_eq!(GroupBy::parse(g.as_str()), Some(g));
            assert_eq!(serde_json::to_string(&g).unwrap(), format!("\"{}\"", g.as_str()));
        }
        for s in AgentState::ALL {
            assert_eq!(AgentState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(mean(5, 2), Some(3));
        assert_eq!(mean(1, 0), None);
        assert_eq!(pct(1, 4), Some(25.0));
    }
}
