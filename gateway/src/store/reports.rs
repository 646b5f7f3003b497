//! Supervisors' reports: what they read of the interaction records and
//! their timelines, the callbacks, the voicemails, the evaluations and the
//! agent state log, and the arithmetic that makes [`Report`]s of them;
//! and the agent state log's writer task.
//!
//! The arithmetic is plain functions over plain rows (no IO), tested at
//! the bottom: [`cut`] turns one call into queue stays and agent segments
//! (see `shared::reports` for the definitions), [`intervals`] turns the
//! state log into per-agent spans, and [`Tally`] adds everything up per
//! row. The queries read a period with a look-back for calls that started
//! (in the IVR) before it.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use shared::records::{
    CALL_ANSWERED, CALL_ENDED, CALL_HELD, CALL_RESUMED, CALL_TRANSFERRED, Disposition, OFFER_CREATED, OFFER_EXPIRED,
    QUEUE_ABANDONED, QUEUE_ENTERED,
};
use shared::reports::{
    AgentState, CodeCount, Figures, GroupBy, OFFLINE_REASON, ReasonTime, Report, ReportRow, WAIT_BUCKETS_SECS, mean,
    pct, wait_bucket,
};
use sqlx::Row;
use tokio::sync::mpsc;

use super::{Store, StoreError, rfc3339};
use crate::presence::StateChange;

/// How long before a period a call may have started and still enter a
/// queue in it (the IVR, a long wait).
const LOOKBACK_MS: i64 = 12 * 3_600_000;

/// The timeline events the reports read.
const KINDS: [&str; 9] = [
    QUEUE_ENTERED,
    CALL_ANSWERED,
    CALL_HELD,
    CALL_RESUMED,
    CALL_TRANSFERRED,
    CALL_ENDED,
    QUEUE_ABANDONED,
    OFFER_CREATED,
    OFFER_EXPIRED,
];

/// What one report asks.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    pub group: GroupBy,
    /// Unix ms, the period's first instant and the instant after it.
    pub from: i64,
    pub to: i64,
    /// A queue's code: only its calls (and its members' activity).
    pub queue: Option<String>,
    /// An agent's id: only their calls, activity and evaluations.
    pub agent: Option<i64>,
    pub tz: TimeZone,
    pub tz_name: String,
    /// Open states (an agent still logged in) last until now.
    pub now: i64,
}

// ---------------------------------------------------------------------------
// The facts, as read from the store
// ---------------------------------------------------------------------------

/// One call's record, as far as the reports need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallFacts {
    pub call_id: String,
    pub queue: Option<String>,
    pub enqueued_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub agent_id: Option<i64>,
    pub disposition: Option<Disposition>,
    pub disposition_code: Option<String>,
    pub wrap_up_ms: Option<i64>,
    pub survey_score: Option<i64>,
}

/// One timeline event the reports read.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: i64,
    pub kind: String,
    pub data: serde_json::Value,
}

/// How a queue stay ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StayEnd {
    Answered,
    Abandoned,
    /// Overflow, voicemail, callback, a failure, a move to another queue.
    Other,
    /// Still waiting.
    Waiting,
}

/// From entering a queue to leaving it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    pub queue: String,
    pub entered: i64,
    pub left: Option<i64>,
    pub end: StayEnd,
    /// The agent who answered it.
    pub agent: Option<i64>,
}

impl Stay {
    pub fn wait_ms(&self) -> Option<i64> {
        self.left.map(|l| (l - self.entered).max(0))
    }
}

/// From an agent's answer to the end of the call or their transfer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Segment {
    pub agent: i64,
    /// The queue the call was in (or last in) when answered.
    pub queue: Option<String>,
    pub answered: i64,
    /// None while it goes on.
    pub ended: Option<i64>,
    pub hold_ms: i64,
    pub transferred: bool,
    /// Ended the call: the record's wrap-up, code and survey are its.
    pub last: bool,
    pub wrap_up_ms: i64,
    pub disposition_code: Option<String>,
    pub survey_score: Option<i64>,
}

/// An offer to an agent, or its expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub agent: i64,
    pub queue: Option<String>,
    pub at: i64,
    pub expired: bool,
}

fn data_i64(d: &serde_json::Value, key: &str) -> Option<i64> {
    match d.get(key)? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn data_str<'a>(d: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    d.get(key)?.as_str()
}

/// Cuts one call into its queue stays, agent segments and offers, from
/// its timeline (oldest first) and record. A record without queue or
/// answer events (written before timelines, or by hand) gives them from
/// its `enqueued_at` and `answered_at`.
pub fn cut(call: &CallFacts, events: &[Event]) -> (Vec<Stay>, Vec<Segment>, Vec<Offer>) {
    let mut events: Vec<Event> = events.to_vec();
    if !events.iter().any(|e| e.kind == QUEUE_ENTERED)
        && let (Some(q), Some(at)) = (&call.queue, call.enqueued_at)
    {
        events.push(Event { at, kind: QUEUE_ENTERED.into(), data: serde_json::json!({ "queue": q }) });
    }
    let answers = |e: &Event| e.kind == CALL_ANSWERED && data_i64(&e.data, "agent_id").is_some();
    if !events.iter().any(answers)
        && let (Some(a), Some(at)) = (call.agent_id, call.answered_at)
    {
        events.push(Event { at, kind: CALL_ANSWERED.into(), data: serde_json::json!({ "agent_id": a }) });
    }
    events.sort_by_key(|e| e.at);

    let (mut stays, mut segs, mut offers) = (Vec::<Stay>::new(), Vec::<Segment>::new(), Vec::new());
    let (mut stay, mut seg): (Option<usize>, Option<usize>) = (None, None);
    let mut queue: Option<String> = None;
    let mut held: Option<i64> = None;
    let close_seg = |segs: &mut Vec<Segment>, seg: &mut Option<usize>, held: &mut Option<i64>, at: i64| {
        if let Some(i) = seg.take() {
            if let Some(h) = held.take() {
                segs[i].hold_ms += (at - h).max(0);
            }
            segs[i].ended = Some(at);
        }
    };
    for e in &events {
        match e.kind.as_str() {
            QUEUE_ENTERED => {
                if let Some(i) = stay.take() {
                    stays[i].left = Some(e.at);
                    stays[i].end = StayEnd::Other;
                }
                let Some(q) = data_str(&e.data, "queue").or(call.queue.as_deref()) else { continue };
                queue = Some(q.to_owned());
                stays.push(Stay { queue: q.to_owned(), entered: e.at, left: None, end: StayEnd::Waiting, agent: None });
                stay = Some(stays.len() - 1);
            }
            CALL_ANSWERED => {
                // An outside number answering a forwarded call names no agent.
                let Some(agent) = data_i64(&e.data, "agent_id") else { continue };
                if let Some(i) = stay.take() {
                    stays[i].left = Some(e.at);
                    stays[i].end = StayEnd::Answered;
                    stays[i].agent = Some(agent);
                }
                close_seg(&mut segs, &mut seg, &mut held, e.at);
                segs.push(Segment { agent, queue: queue.clone(), answered: e.at, ..Segment::default() });
                seg = Some(segs.len() - 1);
            }
            CALL_HELD if seg.is_some() => held = held.or(Some(e.at)),
            CALL_RESUMED => {
                if let (Some(i), Some(h)) = (seg, held.take()) {
                    segs[i].hold_ms += (e.at - h).max(0);
                }
            }
            CALL_TRANSFERRED => {
                if let Some(i) = seg {
                    segs[i].transferred = true;
                }
                close_seg(&mut segs, &mut seg, &mut held, e.at);
            }
            OFFER_CREATED | OFFER_EXPIRED => {
                if let Some(agent) = data_i64(&e.data, "agent") {
                    offers.push(Offer { agent, queue: queue.clone(), at: e.at, expired: e.kind == OFFER_EXPIRED });
                }
            }
            _ => {}
        }
    }
    if let Some(end) = call.ended_at {
        if let Some(i) = stay.take() {
            stays[i].left = Some(end);
            stays[i].end =
                if call.disposition == Some(Disposition::Abandoned) { StayEnd::Abandoned } else { StayEnd::Other };
        }
        if let Some(i) = seg {
            segs[i].last = true;
            segs[i].wrap_up_ms = call.wrap_up_ms.unwrap_or(0).max(0);
            segs[i].disposition_code = call.disposition_code.clone();
            segs[i].survey_score = call.survey_score;
        }
        close_seg(&mut segs, &mut seg, &mut held, end);
    }
    (stays, segs, offers)
}

/// One agent's time in one state, `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    pub agent: i64,
    pub from: i64,
    pub to: i64,
    pub state: AgentState,
    pub reason: Option<String>,
}

/// A stored state log row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRow {
    pub agent: i64,
    pub at: i64,
    pub state: AgentState,
    pub reason: Option<String>,
}

/// The state log's rows (each agent's oldest first, the last one before
/// the period included) as intervals clipped to `[from, until)`, and the
/// logins in it (times a desk opened after being closed).
pub fn intervals(rows: &[StateRow], from: i64, until: i64) -> (Vec<Interval>, Vec<(i64, i64)>) {
    let mut by_agent: BTreeMap<i64, Vec<&StateRow>> = BTreeMap::new();
    for r in rows {
        by_agent.entry(r.agent).or_default().push(r);
    }
    let (mut out, mut logins) = (Vec::new(), Vec::new());
    for (agent, rows) in by_agent {
        let mut before = AgentState::LoggedOut;
        for (i, r) in rows.iter().enumerate() {
            let end = rows.get(i + 1).map_or(until, |n| n.at).min(until);
            if before == AgentState::LoggedOut && r.state != AgentState::LoggedOut && (from..until).contains(&r.at) {
                logins.push((agent, r.at));
            }
            before = r.state;
            let start = r.at.max(from);
            if end > start && r.state != AgentState::LoggedOut {
                out.push(Interval { agent, from: start, to: end, state: r.state, reason: r.reason.clone() });
            }
        }
    }
    (out, logins)
}

/// A callback as the reports count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackFacts {
    pub queue: String,
    pub requested_at: i64,
    pub due_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub agent: Option<i64>,
}

/// A voicemail: its mailbox and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoicemailFacts {
    /// The queue's code of a queue's mailbox.
    pub queue: Option<String>,
    /// The agent of an agent's mailbox.
    pub agent: Option<i64>,
    pub at: i64,
}

/// An evaluation: the call's agent and queue, the call's start, the score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationFacts {
    pub agent: Option<i64>,
    pub queue: Option<String>,
    pub call_started: i64,
    pub score_bp: i64,
}

// ---------------------------------------------------------------------------
// The arithmetic
// ---------------------------------------------------------------------------

/// The sums one row is made of.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    offered: u32,
    answered: u32,
    answered_in_target: u32,
    abandoned: u32,
    abandoned_in_target: u32,
    abandon_wait: u64,
    abandon_wait_max: Option<u64>,
    other: u32,
    by_wait: Vec<u32>,
    waited: u64,
    max_wait: Option<u64>,
    offers: u32,
    missed: u32,
    handled: u32,
    transferred: u32,
    talk: u64,
    hold: u64,
    wrap: u64,
    logins: u32,
    states: HashMap<AgentState, u64>,
    reasons: BTreeMap<String, u64>,
    cb_requested: u32,
    cb_completed: u32,
    cb_time: u64,
    voicemails: u32,
    codes: BTreeMap<String, u32>,
    surveys: u32,
    survey_sum: i64,
    evaluations: u32,
    eval_bp: i64,
    /// Whether anything at all was added.
    any: bool,
}

impl Tally {
    pub fn stay(&mut self, s: &Stay, target_ms: i64) {
        self.any = true;
        self.offered += 1;
        let wait = s.wait_ms().unwrap_or(0);
        match s.end {
            StayEnd::Answered => {
                self.answered += 1;
                if wait <= target_ms {
                    self.answered_in_target += 1;
                }
                if self.by_wait.is_empty() {
                    self.by_wait = vec![0; WAIT_BUCKETS_SECS.len() + 1];
                }
                self.by_wait[wait_bucket(wait as u64)] += 1;
                self.waited += wait as u64;
                self.max_wait = self.max_wait.max(Some(wait as u64));
            }
            StayEnd::Abandoned => {
                self.abandoned += 1;
                if wait <= target_ms {
                    self.abandoned_in_target += 1;
                }
                self.abandon_wait += wait as u64;
                self.abandon_wait_max = self.abandon_wait_max.max(Some(wait as u64));
            }
            StayEnd::Other | StayEnd::Waiting => self.other += 1,
        }
    }

    pub fn segment(&mut self, s: &Segment) {
        let Some(end) = s.ended else { return };
        self.any = true;
        self.handled += 1;
        if s.transferred {
            self.transferred += 1;
        }
        let hold = s.hold_ms.max(0) as u64;
        self.talk += ((end - s.answered).max(0) as u64).saturating_sub(hold);
        self.hold += hold;
        self.wrap += s.wrap_up_ms.max(0) as u64;
        if s.last {
            if let Some(c) = &s.disposition_code {
                *self.codes.entry(c.clone()).or_default() += 1;
            }
            if let Some(v) = s.survey_score {
                self.surveys += 1;
                self.survey_sum += v;
            }
        }
    }

    pub fn offer(&mut self, o: &Offer) {
        self.any = true;
        if o.expired {
            self.missed += 1;
        } else {
            self.offers += 1;
        }
    }

    pub fn interval(&mut self, i: &Interval) {
        self.any = true;
        let ms = (i.to - i.from).max(0) as u64;
        *self.states.entry(i.state).or_default() += ms;
        match i.state {
            AgentState::NotReady => *self.reasons.entry(i.reason.clone().unwrap_or_default()).or_default() += ms,
            AgentState::Offline => *self.reasons.entry(OFFLINE_REASON.to_owned()).or_default() += ms,
            _ => {}
        }
    }

    pub fn login(&mut self) {
        self.any = true;
        self.logins += 1;
    }

    pub fn callback(&mut self, c: &CallbackFacts) {
        self.any = true;
        self.cb_requested += 1;
        if let Some(done) = c.completed_at {
            self.cb_completed += 1;
            self.cb_time += (done - c.requested_at.max(c.due_at.unwrap_or(0))).max(0) as u64;
        }
    }

    pub fn voicemail(&mut self) {
        self.any = true;
        self.voicemails += 1;
    }

    pub fn evaluation(&mut self, e: &EvaluationFacts) {
        self.any = true;
        self.evaluations += 1;
        self.eval_bp += e.score_bp;
    }

    pub fn figures(&self) -> Figures {
        let state = |s: AgentState| self.states.get(&s).copied().unwrap_or(0);
        let logged_in: u64 = self.states.values().sum();
        let not_ready = state(AgentState::NotReady) + state(AgentState::Offline);
        let busy = state(AgentState::OnCall) + state(AgentState::WrapUp);
        let counted = self.answered + self.abandoned - self.abandoned_in_target;
        let mut reasons: Vec<ReasonTime> =
            self.reasons.iter().map(|(r, ms)| ReasonTime { reason: r.clone(), ms: *ms }).collect();
        reasons.sort_by(|a, b| b.ms.cmp(&a.ms).then_with(|| a.reason.cmp(&b.reason)));
        let mut codes: Vec<CodeCount> =
            self.codes.iter().map(|(c, n)| CodeCount { code: c.clone(), count: *n }).collect();
        codes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        let handled = u64::from(self.handled);
        Figures {
            offered: self.offered,
            answered: self.answered,
            answered_in_target: self.answered_in_target,
            abandoned: self.abandoned,
            abandoned_in_target: self.abandoned_in_target,
            abandon_wait_avg_ms: mean(self.abandon_wait, u64::from(self.abandoned)),
            abandon_wait_max_ms: self.abandon_wait_max,
            other: self.other,
            service_level_pct: pct(u64::from(self.answered_in_target), u64::from(counted)),
            sl_breaches: (self.answered - self.answered_in_target) + (self.abandoned - self.abandoned_in_target),
            answered_by_wait: if self.by_wait.is_empty() {
                vec![0; WAIT_BUCKETS_SECS.len() + 1]
            } else {
                self.by_wait.clone()
            },
            asa_ms: mean(self.waited, u64::from(self.answered)),
            max_answer_wait_ms: self.max_wait,
            offers: self.offers,
            missed_offers: self.missed,
            handled: self.handled,
            transferred: self.transferred,
            talk_ms: self.talk,
            hold_ms: self.hold,
            wrap_up_ms: self.wrap,
            avg_talk_ms: mean(self.talk, handled),
            avg_hold_ms: mean(self.hold, handled),
            avg_wrap_up_ms: mean(self.wrap, handled),
            aht_ms: mean(self.talk + self.hold + self.wrap, handled),
            logins: self.logins,
            logged_in_ms: logged_in,
            not_ready_ms: not_ready,
            not_ready_by_reason: reasons,
            idle_ms: state(AgentState::Available) + state(AgentState::Missed),
            ringing_ms: state(AgentState::Ringing),
            on_call_ms: state(AgentState::OnCall),
            wrap_up_state_ms: state(AgentState::WrapUp),
            occupancy_pct: pct(busy, logged_in.saturating_sub(not_ready)),
            callbacks_requested: self.cb_requested,
            callbacks_completed: self.cb_completed,
            callback_time_avg_ms: mean(self.cb_time, u64::from(self.cb_completed)),
            voicemails: self.voicemails,
            dispositions: codes,
            surveys: self.surveys,
            survey_avg: (self.surveys > 0).then(|| self.survey_sum as f64 / f64::from(self.surveys)),
            evaluations: self.evaluations,
            // Basis points to %, to 2 decimals.
            quality_avg_pct: (self.evaluations > 0)
                .then(|| (self.eval_bp as f64 / f64::from(self.evaluations)).round() / 100.0),
        }
    }
}

/// Everything a report is made of, already narrowed to its filters.
#[derive(Debug, Default)]
pub struct Facts {
    pub stays: Vec<Stay>,
    pub segments: Vec<Segment>,
    pub offers: Vec<Offer>,
    pub intervals: Vec<Interval>,
    pub logins: Vec<(i64, i64)>,
    pub callbacks: Vec<CallbackFacts>,
    pub voicemails: Vec<VoicemailFacts>,
    pub evaluations: Vec<EvaluationFacts>,
}

/// Hours or days of a time zone.
#[derive(Debug, Clone)]
pub struct Buckets {
    pub tz: TimeZone,
    pub days: bool,
}

impl Buckets {
    /// The bucket `ms` falls in: its start and end (Unix ms), key and label.
    pub fn of(&self, ms: i64) -> (i64, i64, String, String) {
        let fallback = (ms, ms + 1, rfc3339(ms), rfc3339(ms));
        let Ok(t) = Timestamp::from_millisecond(ms) else { return fallback };
        let z = t.to_zoned_datetime(self.tz.clone());
        if self.days {
            let Ok(start) = z.start_of_day() else { return fallback };
            let end = start.tomorrow().and_then(|n| n.start_of_day()).map(|n| n.timestamp().as_millisecond());
            let date = start.date().to_string();
            (start.timestamp().as_millisecond(), end.unwrap_or(ms + 1), date.clone(), date)
        } else {
            let Ok(start) = z.with().minute(0).second(0).subsec_nanosecond(0).build() else { return fallback };
            let s = start.timestamp().as_millisecond();
            let end = start.checked_add(1.hour()).map(|n| n.timestamp().as_millisecond()).unwrap_or(ms + 1);
            let label = format!("{} {:02}:00", start.date(), start.hour());
            (s, end.max(ms + 1), rfc3339(s), label)
        }
    }
}

/// Builds the report of `facts`: one row per group, and the total.
/// `queues` are (code, name, target ms) in the order shown; `agents` are
/// (id, name).
pub fn build(req: &ReportRequest, facts: &Facts, queues: &[(String, String, i64)], agents: &[(i64, String)]) -> Report {
    let target = |q: &str| queues.iter().find(|(c, ..)| c == q).map_or(20_000, |(_, _, t)| *t);
    let mut total = Tally::default();
    let mut rows: BTreeMap<String, Tally> = BTreeMap::new();
    let buckets = Buckets { tz: req.tz.clone(), days: req.group == GroupBy::Days };
    let mut labels: HashMap<String, (i64, String)> = HashMap::new();
    let mut time_key = |ms: i64| {
        let (start, _, key, label) = buckets.of(ms);
        labels.entry(key.clone()).or_insert((start, label));
        key
    };
    let group = req.group;
    for s in &facts.stays {
        total.stay(s, target(&s.queue));
        let key = match group {
            GroupBy::Queues => Some(s.queue.clone()),
            GroupBy::Agents => None,
            GroupBy::Hours | GroupBy::Days => Some(time_key(s.entered)),
        };
        if let Some(k) = key {
            rows.entry(k).or_default().stay(s, target(&s.queue));
        }
    }
    for s in &facts.segments {
        total.segment(s);
        let key = match group {
            GroupBy::Queues => s.queue.clone(),
            GroupBy::Agents => Some(s.agent.to_string()),
            GroupBy::Hours | GroupBy::Days => Some(time_key(s.answered)),
        };
        if let Some(k) = key.filter(|_| s.ended.is_some()) {
            rows.entry(k).or_default().segment(s);
        }
    }
    for o in &facts.offers {
        total.offer(o);
        let key = match group {
            GroupBy::Queues => o.queue.clone(),
            GroupBy::Agents => Some(o.agent.to_string()),
            GroupBy::Hours | GroupBy::Days => Some(time_key(o.at)),
        };
        if let Some(k) = key {
            rows.entry(k).or_default().offer(o);
        }
    }
    for i in &facts.intervals {
        total.interval(i);
        match group {
            GroupBy::Queues => {}
            GroupBy::Agents => rows.entry(i.agent.to_string()).or_default().interval(i),
            GroupBy::Hours | GroupBy::Days => {
                // Split at the buckets' edges.
                let mut from = i.from;
                while from < i.to {
                    let (_, end, ..) = buckets.of(from);
                    let to = end.min(i.to);
                    let k = time_key(from);
                    rows.entry(k).or_default().interval(&Interval { from, to, ..i.clone() });
                    from = to;
                }
            }
        }
    }
    for &(agent, at) in &facts.logins {
        total.login();
        let key = match group {
            GroupBy::Queues => None,
            GroupBy::Agents => Some(agent.to_string()),
            GroupBy::Hours | GroupBy::Days => Some(time_key(at)),
        };
        if let Some(k) = key {
            rows.entry(k).or_default().login();
        }
    }
    for c in &facts.callbacks {
        total.callback(c);
        let key = match group {
            GroupBy::Queues => Some(c.queue.clone()),
            GroupBy::Agents => c.agent.map(|a| a.to_string()),
            GroupBy::Hours | GroupBy::Days => Some(time_key(c.requested_at)),
        };
        if let Some(k) = key {
            rows.entry(k).or_default().callback(c);
        }
    }
    for v in &facts.voicemails {
        total.voicemail();
        let key = match group {
            GroupBy::Queues => v.queue.clone(),
            GroupBy::Agents => v.agent.map(|a| a.to_string()),
            GroupBy::Hours | GroupBy::Days => Some(time_key(v.at)),
        };
        if let Some(k) = key {
            rows.entry(k).or_default().voicemail();
        }
    }
    for e in &facts.evaluations {
        total.evaluation(e);
        let key = match group {
            GroupBy::Queues => e.queue.clone(),
            GroupBy::Agents => e.agent.map(|a| a.to_string()),
            GroupBy::Hours | GroupBy::Days => Some(time_key(e.call_started)),
        };
        if let Some(k) = key {
            rows.entry(k).or_default().evaluation(e);
        }
    }

    let row = |key: String, label: String, t: &Tally| ReportRow { key, label, figures: t.figures() };
    let empty = Tally::default();
    let out: Vec<ReportRow> = match group {
        GroupBy::Queues => {
            // Every queue shown, in its order; codes no longer configured after.
            let mut out: Vec<ReportRow> = queues
                .iter()
                .filter(|(c, ..)| req.queue.as_deref().is_none_or(|q| q == c))
                .map(|(c, name, _)| row(c.clone(), name.clone(), rows.get(c).unwrap_or(&empty)))
                .collect();
            for (k, t) in &rows {
                if !queues.iter().any(|(c, ..)| c == k) {
                    out.push(row(k.clone(), k.clone(), t));
                }
            }
            out
        }
        GroupBy::Agents => {
            let name = |id: &str| {
                agents.iter().find(|(a, _)| a.to_string() == id).map_or_else(|| format!("#{id}"), |(_, n)| n.clone())
            };
            let mut out: Vec<ReportRow> =
                rows.iter().filter(|(_, t)| t.any).map(|(k, t)| row(k.clone(), name(k), t)).collect();
            if let Some(a) = req.agent
                && out.is_empty()
            {
                out.push(row(a.to_string(), name(&a.to_string()), &empty));
            }
            out.sort_by(|a, b| a.label.to_lowercase().cmp(&b.label.to_lowercase()).then_with(|| a.key.cmp(&b.key)));
            out
        }
        GroupBy::Hours | GroupBy::Days => {
            if group == GroupBy::Days {
                // Every day of the period, also the quiet ones.
                let mut at = req.from;
                while at < req.to {
                    let (_, end, ..) = buckets.of(at);
                    time_key(at);
                    at = end;
                }
            }
            let mut keys: Vec<(&String, &(i64, String))> =
                labels.iter().filter(|(_, (start, _))| *start < req.to).collect();
            keys.sort_by_key(|(_, (start, _))| *start);
            keys.into_iter()
                .map(|(k, (_, label))| row(k.clone(), label.clone(), rows.get(k).unwrap_or(&empty)))
                .collect()
        }
    };
    Report {
        group_by: group,
        from: rfc3339(req.from),
        to: rfc3339(req.to),
        time_zone: req.tz_name.clone(),
        queue: req.queue.clone(),
        agent: req.agent,
        wait_buckets_secs: WAIT_BUCKETS_SECS.to_vec(),
        rows: out,
        total: total.figures(),
    }
}

// ---------------------------------------------------------------------------
// The queries
// ---------------------------------------------------------------------------

fn opt_i64(r: &sqlx::any::AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    Ok(r.try_get::<Option<i64>, _>(col)?)
}

impl Store {
    /// The report `req` asks for.
    pub async fn report(&self, req: &ReportRequest) -> Result<Report, StoreError> {
        let (from, to) = (req.from, req.to);
        let in_period = |t: i64| (from..to).contains(&t);

        // Calls and their timelines.
        let rows = sqlx::query(
            "SELECT call_id, queue, enqueued_at, answered_at, ended_at, agent_id, disposition, disposition_code, \
             wrap_up_ms, survey_score FROM interactions \
             WHERE call_id IS NOT NULL AND started_at >= $1 AND started_at < $2 ORDER BY started_at, id",
        )
        .bind(from - LOOKBACK_MS)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let mut calls = Vec::with_capacity(rows.len());
        for r in &rows {
            let disposition: Option<String> = r.try_get("disposition")?;
            calls.push(CallFacts {
                call_id: r.try_get("call_id")?,
                queue: r.try_get("queue")?,
                enqueued_at: opt_i64(r, "enqueued_at")?,
                answered_at: opt_i64(r, "answered_at")?,
                ended_at: opt_i64(r, "ended_at")?,
                agent_id: opt_i64(r, "agent_id")?,
                disposition: disposition.as_deref().and_then(Disposition::parse),
                disposition_code: r.try_get("disposition_code")?,
                wrap_up_ms: opt_i64(r, "wrap_up_ms")?,
                survey_score: opt_i64(r, "survey_score")?,
            });
        }
        let marks: Vec<String> = (0..KINDS.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT e.call_id, e.at, e.kind, e.data FROM interaction_events e JOIN interactions i \
             ON i.call_id = e.call_id WHERE i.started_at >= $1 AND i.started_at < $2 AND e.kind IN ({}) \
             ORDER BY e.call_id, e.at, e.id",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(from - LOOKBACK_MS).bind(to);
        for k in KINDS {
            q = q.bind(k);
        }
        let mut events: HashMap<String, Vec<Event>> = HashMap::new();
        for r in q.fetch_all(&self.pool).await? {
            let data: Option<String> = r.try_get("data")?;
            let data = data.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or(serde_json::Value::Null);
            events.entry(r.try_get("call_id")?).or_default().push(Event {
                at: r.try_get("at")?,
                kind: r.try_get("kind")?,
                data,
            });
        }

        let queue_ok = |q: Option<&str>| req.queue.as_deref().is_none_or(|f| Some(f) == q);
        let agent_ok = |a: Option<i64>| req.agent.is_none_or(|f| Some(f) == a);
        let mut facts = Facts::default();
        for c in &calls {
            let (stays, segs, offers) = cut(c, events.get(&c.call_id).map(Vec::as_slice).unwrap_or(&[]));
            facts.stays.extend(
                stays.into_iter().filter(|s| in_period(s.entered) && queue_ok(Some(&s.queue)) && agent_ok(s.agent)),
            );
            facts.segments.extend(
                segs.into_iter()
                    .filter(|s| in_period(s.answered) && queue_ok(s.queue.as_deref()) && agent_ok(Some(s.agent))),
            );
            facts.offers.extend(
                offers
                    .into_iter()
                    .filter(|o| in_period(o.at) && queue_ok(o.queue.as_deref()) && agent_ok(Some(o.agent))),
            );
        }

        // The agent state log: the period's rows and each agent's last before.
        let rows = sqlx::query(
            "SELECT agent_id, at, state, reason, id FROM agent_states WHERE at >= $1 AND at < $2 \
             UNION ALL \
             SELECT s.agent_id, s.at, s.state, s.reason, s.id FROM agent_states s WHERE s.id IN \
             (SELECT (SELECT t.id FROM agent_states t WHERE t.agent_id = u.id AND t.at < $1 \
               ORDER BY t.at DESC, t.id DESC LIMIT 1) FROM users u) \
             ORDER BY agent_id, at, id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let members: Option<HashSet<i64>> = match &req.queue {
            Some(q) => {
                let rows = sqlx::query(
                    "SELECT qa.user_id FROM queue_agents qa JOIN queues q ON q.id = qa.queue_id WHERE q.code = $1",
                )
                .bind(q)
                .fetch_all(&self.pool)
                .await?;
                Some(rows.iter().map(|r| r.try_get::<i64, _>("user_id")).collect::<Result<_, _>>()?)
            }
            None => None,
        };
        let mut log = Vec::with_capacity(rows.len());
        for r in &rows {
            let agent: i64 = r.try_get("agent_id")?;
            if !agent_ok(Some(agent)) || members.as_ref().is_some_and(|m| !m.contains(&agent)) {
                continue;
            }
            let state: String = r.try_get("state")?;
            let state =
                AgentState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("agent state {state:?}")))?;
            log.push(StateRow { agent, at: r.try_get("at")?, state, reason: r.try_get("reason")? });
        }
        let (intervals, logins) = intervals(&log, from, to.min(req.now.max(from)));
        facts.intervals = intervals;
        facts.logins = logins;

        // Callbacks by request time; completed ones with their completion.
        let rows = sqlx::query(
            "SELECT queue, requested_at, due_at, state, agent_id, updated_at FROM callbacks \
             WHERE requested_at >= $1 AND requested_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let state: String = r.try_get("state")?;
            let c = CallbackFacts {
                queue: r.try_get("queue")?,
                requested_at: r.try_get("requested_at")?,
                due_at: opt_i64(r, "due_at")?,
                completed_at: if state == "completed" { Some(r.try_get("updated_at")?) } else { None },
                agent: opt_i64(r, "agent_id")?,
            };
            if queue_ok(Some(&c.queue)) && agent_ok(c.agent) {
                facts.callbacks.push(c);
            }
        }

        let rows = sqlx::query(
            "SELECT mailbox_kind, mailbox, received_at FROM voicemails WHERE received_at >= $1 AND received_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let (kind, mailbox): (String, String) = (r.try_get("mailbox_kind")?, r.try_get("mailbox")?);
            let v = VoicemailFacts {
                queue: (kind == "queue").then(|| mailbox.clone()),
                agent: if kind == "agent" { mailbox.parse().ok() } else { None },
                at: r.try_get("received_at")?,
            };
            if queue_ok(v.queue.as_deref()) && agent_ok(v.agent) {
                facts.voicemails.push(v);
            }
        }

        let rows = sqlx::query(
            "SELECT e.agent_id, e.queue, e.score_bp, i.started_at FROM evaluations e \
             JOIN interactions i ON i.call_id = e.call_id WHERE i.started_at >= $1 AND i.started_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            let e = EvaluationFacts {
                agent: opt_i64(r, "agent_id")?,
                queue: r.try_get("queue")?,
                call_started: r.try_get("started_at")?,
                score_bp: r.try_get("score_bp")?,
            };
            if queue_ok(e.queue.as_deref()) && agent_ok(e.agent) {
                facts.evaluations.push(e);
            }
        }

        let queues: Vec<(String, String, i64)> = self
            .queue_rows()
            .await?
            .into_iter()
            .map(|q| (q.config.name.clone(), q.display_name, i64::from(q.config.service_level_secs) * 1000))
            .collect();
        let agents: Vec<(i64, String)> = sqlx::query("SELECT id, display_name FROM users")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(build(req, &facts, &queues, &agents))
    }

    /// Adds one row to the agent state log.
    pub async fn agent_state_add(&self, c: &StateChange) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO agent_states (agent_id, at, state, reason, call_id) VALUES ($1, $2, $3, $4, $5)")
            .bind(c.agent_id)
            .bind(c.at_ms)
            .bind(c.state.as_str())
            .bind(c.reason.as_deref())
            .bind(c.call_id.as_deref())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes the states a stopped gateway left open: every agent whose last
    /// row is not `logged_out` gets one at `at_ms` (presence starts empty).
    pub async fn agent_states_close(&self, at_ms: i64) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "INSERT INTO agent_states (agent_id, at, state) \
             SELECT s.agent_id, $1, 'logged_out' FROM agent_states s WHERE s.state <> 'logged_out' AND s.at <= $1 \
             AND s.id = (SELECT t.id FROM agent_states t WHERE t.agent_id = s.agent_id ORDER BY t.at DESC, t.id DESC LIMIT 1)",
        )
        .bind(at_ms)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }
}

/// The agent state log's writer: closes what a stopped gateway left open,
/// then writes each change in order. A failed write is logged and the next
/// goes on: presence never waits for the database.
pub async fn write_agent_states(store: Store, mut rows: mpsc::UnboundedReceiver<StateChange>, started_ms: i64) {
    if let Err(e) = store.agent_states_close(started_ms).await {
        tracing::warn!(error = %e, "agent states left open not closed");
    }
    while let Some(row) = rows.recv().await {
        if let Err(e) = store.agent_state_add(&row).await {
            tracing::warn!(error = %e, "agent state not logged");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    fn ev(at: i64, kind: &str, data: serde_json::Value) -> Event {
        Event { at, kind: kind.into(), data }
    }

    #[test]
    fn a_transferred_call_is_one_stay_and_two_segments() {
        let call = CallFacts {
            call_id: "c".into(),
            queue: Some("support".into()),
            enqueued_at: Some(10 * S),
            answered_at: Some(100 * S),
            ended_at: Some(200 * S),
            agent_id: Some(2),
            disposition: Some(Disposition::Answered),
            disposition_code: Some("resolved".into()),
            wrap_up_ms: Some(15 * S),
            survey_score: Some(4),
        };
        let events = [
            ev(10 * S, QUEUE_ENTERED, serde_json::json!({"queue": "support"})),
            ev(12 * S, OFFER_CREATED, serde_json::json!({"agent": 1})),
            ev(15 * S, CALL_ANSWERED, serde_json::json!({"agent_id": 1})),
            ev(20 * S, CALL_HELD, serde_json::Value::Null),
            ev(30 * S, CALL_RESUMED, serde_json::Value::Null),
            ev(60 * S, CALL_TRANSFERRED, serde_json::json!({"from": 1, "to": 2})),
            ev(61 * S, OFFER_CREATED, serde_json::json!({"agent": 2})),
            ev(100 * S, CALL_ANSWERED, serde_json::json!({"agent_id": 2})),
            ev(150 * S, CALL_HELD, serde_json::Value::Null),
        ];
        let (stays, segs, offers) = cut(&call, &events);
        assert_eq!(stays.len(), 1);
        assert_eq!((stays[0].wait_ms(), stays[0].end, stays[0].agent), (Some(5 * S), StayEnd::Answered, Some(1)));
        assert_eq!(segs.len(), 2);
        assert_eq!(
            (segs[0].agent, segs[0].ended, segs[0].hold_ms, segs[0].transferred),
            (1, Some(60 * S), 10 * S, true)
        );
        assert_eq!(segs[0].wrap_up_ms, 0);
        // Held when the call ended: hold runs to the end.
        assert_eq!((segs[1].agent, segs[1].ended, segs[1].hold_ms, segs[1].last), (2, Some(200 * S), 50 * S, true));
        assert_eq!((segs[1].wrap_up_ms, segs[1].survey_score), (15 * S, Some(4)));
        assert_eq!(offers.len(), 2);
        let mut t = Tally::default();
        for s in &segs {
            t.segment(s);
        }
        let f = t.figures();
        // Talk: 45 − 10 and 100 − 50.
        assert_eq!(
            (f.handled, f.transferred, f.talk_ms, f.hold_ms, f.wrap_up_ms),
            (2, 1, 85 * S as u64, 60_000, 15_000)
        );
        assert_eq!(f.aht_ms, Some(80_000));
    }

    #[test]
    fn a_record_without_timeline_still_counts() {
        let call = CallFacts {
            queue: Some("sales".into()),
            enqueued_at: Some(0),
            ended_at: Some(30 * S),
            disposition: Some(Disposition::Abandoned),
            ..CallFacts::default()
        };
        let (stays, segs, _) = cut(&call, &[]);
        assert_eq!((stays[0].end, stays[0].wait_ms()), (StayEnd::Abandoned, Some(30 * S)));
        assert!(segs.is_empty());
    }

    #[test]
    fn the_state_log_gives_times_logins_and_occupancy() {
        let row = |at, state, reason: Option<&str>| StateRow { agent: 7, at, state, reason: reason.map(Into::into) };
        let rows = [
            row(-100 * S, AgentState::Available, None), // before the period: from 0
            row(100 * S, AgentState::OnCall, None),
            row(200 * S, AgentState::WrapUp, None),
            row(250 * S, AgentState::NotReady, Some("lunch")),
            row(450 * S, AgentState::LoggedOut, None),
            row(500 * S, AgentState::Offline, None),
            row(550 * S, AgentState::Available, None),
        ];
        let (iv, logins) = intervals(&rows, 0, 600 * S);
        assert_eq!(logins, [(7, 500 * S)], "the first row was a login before the period");
        let mut t = Tally::default();
        for i in &iv {
            t.interval(i);
        }
        let f = t.figures();
        assert_eq!(f.logged_in_ms, 550_000);
        assert_eq!(f.not_ready_ms, 250_000);
        assert_eq!(
            f.not_ready_by_reason,
            [ReasonTime { reason: "lunch".into(), ms: 200_000 }, ReasonTime { reason: "offline".into(), ms: 50_000 }]
        );
        // (100 + 50) ÷ (550 − 250).
        assert_eq!(f.occupancy_pct, Some(50.0));
    }

    #[test]
    fn hours_follow_the_zone() {
        let b = Buckets { tz: TimeZone::get("Asia/Tehran").unwrap(), days: false };
        // 2023-11-14T22:13:20Z is 01:43:20 in Tehran (UTC+3:30).
        let (start, end, key, label) = b.of(1_700_000_000_000);
        assert_eq!(label, "2023-11-15 01:00");
        assert_eq!(key, "2023-11-14T21:30:00Z");
        assert_eq!(end - start, 3_600_000);
        let d = Buckets { tz: TimeZone::get("Asia/Tehran").unwrap(), days: true };
        assert_eq!(d.of(1_700_000_000_000).2, "2023-11-15");
    }
}
