//! The wallboard's arithmetic (sans-IO): from the queues' settings and
//! members, the agents' presence, the live calls, the pending callbacks and
//! the interaction records of the day, each queue's [`QueueBoard`].
//!
//! Live figures come from what call control and presence hold now: a call
//! waits while it is in a queue and no agent has taken it (ringing on a
//! desk included); its wait runs from its entry time (kept across a move
//! to another queue). Period figures come from the stored records, so that
//! they survive a restart and agree with the calls report: a call belongs
//! to the period it entered the queue in. The rules (service level, abandon
//! rate) are written out in `shared::wallboard`.
//!
//! The driver (`drive/wallboard.rs`) gathers the inputs once per tick for
//! every watching supervisor.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use shared::routing::{AgentProfile, QueueConfig};
use shared::wallboard::{AgentCounts, Period, QueueBoard, WINDOW_MINS};
use shared::ws::{AgentActivity, AgentPresence, AgentStatus, CallDirection, LiveCall, LiveCallState};

/// One call that entered a queue, as its record has it (Unix ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCall {
    pub queue: String,
    pub enqueued_at: i64,
    pub answered_at: Option<i64>,
    /// When it left the queue (answer, hang-up, overflow), or ended.
    pub left_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// The caller hung up while waiting.
    pub abandoned: bool,
    /// Answer to end (hold included).
    pub billsec_ms: Option<i64>,
    pub wrap_up_ms: Option<i64>,
}

/// The figures of the calls of one queue that entered it in `[from, to)`,
/// with the service level's target `target_ms`.
///
/// A call answered exactly at the target counts as within it; so does a
/// caller who hung up exactly at it (left out of the service level). The
/// average handle time counts calls answered and ended: talk (hold
/// included) plus their after-call work once it is known.
pub fn period<'a>(calls: impl IntoIterator<Item = &'a QueueCall>, from: i64, to: i64, target_ms: i64) -> Period {
    let mut p = Period::default();
    let (mut waited, mut handled, mut handled_n) = (0i64, 0i64, 0i64);
    for c in calls.into_iter().filter(|c| (from..to).contains(&c.enqueued_at)) {
        p.offered += 1;
        if let Some(answered) = c.answered_at {
            let wait = (answered - c.enqueued_at).max(0);
            p.answered += 1;
            if wait <= target_ms {
                p.answered_in_target += 1;
            }
            waited += wait;
            if c.ended_at.is_some() {
                handled += c.billsec_ms.unwrap_or(0).max(0) + c.wrap_up_ms.unwrap_or(0).max(0);
                handled_n += 1;
            }
        } else if c.abandoned {
            p.abandoned += 1;
            let wait = c.left_at.map_or(0, |l| (l - c.enqueued_at).max(0));
            if wait <= target_ms {
                p.abandoned_in_target += 1;
            }
        }
    }
    let mean = |sum: i64, n: i64| (n > 0).then(|| ((sum + n / 2) / n) as u64);
    p.asa_ms = mean(waited, i64::from(p.answered));
    p.aht_ms = mean(handled, handled_n);
    p
}

/// The first instant (Unix ms) of the day `now_ms` falls in, in `tz`.
pub fn day_start(now_ms: i64, tz: &TimeZone) -> i64 {
    Timestamp::from_millisecond(now_ms)
        .ok()
        .and_then(|t| t.to_zoned_datetime(tz.clone()).start_of_day().ok())
        .map_or(now_ms, |z| z.timestamp().as_millisecond())
}

/// Where the rolling window starts.
pub fn window_start(now_ms: i64) -> i64 {
    now_ms - i64::from(WINDOW_MINS) * 60_000
}

/// The earliest time the period figures need records from.
pub fn since(now_ms: i64, tz: &TimeZone) -> i64 {
    day_start(now_ms, tz).min(window_start(now_ms))
}

/// Calls waiting now per queue: how many, and the earliest entry time.
pub fn waiting(live: &[LiveCall]) -> HashMap<&str, (u32, i64)> {
    let mut out: HashMap<&str, (u32, i64)> = HashMap::new();
    for c in live {
        let waits =
            c.call.direction == CallDirection::Inbound && c.state == LiveCallState::Ringing && c.agent_id.is_none();
        let (Some(queue), Some(entered)) = (c.call.queue.as_deref(), c.call.queued_at.as_deref()) else { continue };
        let Some(entered) = entered.parse::<Timestamp>().ok().map(|t| t.as_millisecond()) else { continue };
        if waits {
            let e = out.entry(queue).or_insert((0, entered));
            e.0 += 1;
            e.1 = e.1.min(entered);
        }
    }
    out
}

/// Adds one agent to the counts: what the routing engine has them doing
/// wins over the status they chose.
fn count(counts: &mut AgentCounts, p: Option<&AgentPresence>) {
    let slot = match p {
        None => &mut counts.offline,
        Some(p) => match p.activity {
            AgentActivity::Ringing => &mut counts.ringing,
            AgentActivity::OnCall => &mut counts.on_call,
            AgentActivity::WrapUp => &mut counts.wrap_up,
            AgentActivity::Missed => &mut counts.missed,
            AgentActivity::Idle => match p.status {
                _ if !p.connected => &mut counts.offline,
                AgentStatus::Available => &mut counts.available,
                AgentStatus::NotReady => &mut counts.not_ready,
                AgentStatus::Offline => &mut counts.offline,
            },
        },
    };
    *slot += 1;
}

/// Everything one board is made of.
pub struct Inputs<'a> {
    pub now_ms: i64,
    /// Where today starts ([`day_start`]).
    pub day_start_ms: i64,
    /// Each queue's display name and settings, in the order shown.
    pub queues: &'a [(String, QueueConfig)],
    pub profiles: &'a [(i64, AgentProfile)],
    /// Agents' presence by id; an agent absent is offline.
    pub presence: &'a HashMap<i64, AgentPresence>,
    pub live: &'a [LiveCall],
    /// The queue of each callback still to be made.
    pub callbacks: &'a [String],
    /// Calls that entered a queue since [`since`].
    pub calls: &'a [QueueCall],
}

/// Every queue's row.
pub fn board(i: &Inputs) -> Vec<QueueBoard> {
    let waiting = waiting(i.live);
    let mut by_queue: HashMap<&str, Vec<&QueueCall>> = HashMap::new();
    for c in i.calls {
        by_queue.entry(c.queue.as_str()).or_default().push(c);
    }
    i.queues
        .iter()
        .map(|(display, cfg)| {
            let name = cfg.name.as_str();
            let (n, entered) = waiting.get(name).copied().unwrap_or((0, i.now_ms));
            let mut agents = AgentCounts::default();
            for (agent, profile) in i.profiles {
                if profile.queues.iter().any(|m| m.queue == name) {
                    count(&mut agents, i.presence.get(agent));
                }
            }
            let calls = by_queue.get(name).map(Vec::as_slice).unwrap_or(&[]);
            let target_ms = i64::from(cfg.service_level_secs) * 1000;
            let to = i.now_ms + 1;
            QueueBoard {
                queue: name.to_owned(),
                name: display.clone(),
                service_level_secs: cfg.service_level_secs,
                thresholds: cfg.wallboard,
                waiting: n,
                longest_wait_secs: if n > 0 { ((i.now_ms - entered).max(0) / 1000) as u32 } else { 0 },
                callbacks: i.callbacks.iter().filter(|q| q.as_str() == name).count() as u32,
                agents,
                today: period(calls.iter().copied(), i.day_start_ms, to, target_ms),
                recent: period(calls.iter().copied(), window_start(i.now_ms), to, target_ms),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use shared::routing::Membership;
    use shared::ws::CallInfo;

    use super::*;
    use crate::store::rfc3339;

    const S: i64 = 1000;
    const MIN: i64 = 60 * S;

    fn call(enqueued_at: i64) -> QueueCall {
        QueueCall {
            queue: "support".into(),
            enqueued_at,
            answered_at: None,
            left_at: None,
            ended_at: None,
            abandoned: false,
            billsec_ms: None,
            wrap_up_ms: None,
        }
    }

    fn answered(enqueued_at: i64, wait: i64, talk: i64, wrap: Option<i64>) -> QueueCall {
        let answered = enqueued_at + wait;
        QueueCall {
            answered_at: Some(answered),
            left_at: Some(answered),
            ended_at: Some(answered + talk),
            billsec_ms: Some(talk),
            wrap_up_ms: wrap,
            ..call(enqueued_at)
        }
    }

    fn abandoned(enqueued_at: i64, wait: i64) -> QueueCall {
        QueueCall {
            abandoned: true,
            left_at: Some(enqueued_at + wait),
            ended_at: Some(enqueued_at + wait),
            ..call(enqueued_at)
        }
    }

    #[test]
    fn service_level_speed_and_handle_time() {
        let t0 = 1_700_000_000_000;
        let calls = [
            answered(t0, 5 * S, 100 * S, Some(20 * S)),
            answered(t0 + S, 20 * S, 60 * S, None), // exactly at the target: within
            answered(t0 + 2 * S, 35 * S, 40 * S, Some(0)),
            abandoned(t0 + 3 * S, 10 * S), // within the target: left out
            abandoned(t0 + 4 * S, 45 * S),
            QueueCall { left_at: Some(t0 + 65 * S), ended_at: Some(t0 + 70 * S), ..call(t0 + 5 * S) }, // overflowed
            call(t0 + 6 * S),                                                                          // still waiting
            // Answered, still talking: in the speed of answer, not the handle time.
            QueueCall { answered_at: Some(t0 + 9 * S), left_at: Some(t0 + 9 * S), ..call(t0 + 7 * S) },
        ];
        let p = period(&calls, t0, t0 + 10 * MIN, 20 * S);
        assert_eq!((p.offered, p.answered, p.answered_in_target), (8, 4, 3));
        assert_eq!((p.abandoned, p.abandoned_in_target), (2, 1));
        // 3 within 20 s ÷ (4 answered + 1 abandoned after 20 s).
        assert_eq!(p.service_level_pct(), Some(60.0));
        assert_eq!(p.abandon_pct(), Some(25.0));
        // (5 + 20 + 35 + 2) ÷ 4 = 15.5 s.
        assert_eq!(p.asa_ms, Some(15_500));
        // (120 + 60 + 40) ÷ 3.
        assert_eq!(p.aht_ms, Some(73_333));
        let empty = period(&calls, t0 + 20 * MIN, t0 + 30 * MIN, 20 * S);
        assert_eq!(empty, Period::default());
    }

    #[test]
    fn today_starts_at_local_midnight() {
        // 2024-03-10 01:30 in Istanbul (UTC+3) is 2024-03-09 22:30 UTC.
        let now = "2024-03-09T22:30:00Z".parse::<Timestamp>().unwrap().as_millisecond();
        let ist = TimeZone::get("Europe/Istanbul").unwrap();
        assert_eq!(rfc3339(day_start(now, &ist)), "2024-03-09T21:00:00Z");
        assert_eq!(rfc3339(day_start(now, &TimeZone::UTC)), "2024-03-09T00:00:00Z");
        assert_eq!(since(now, &ist), day_start(now, &ist));
        // 00:10 local: the rolling window reaches into yesterday, so the
        // records are read from its start.
        let just_after = day_start(now, &ist) + 10 * MIN;
        assert_eq!(since(just_after, &ist), just_after - 30 * MIN);
    }

    #[test]
    fn today_and_the_rolling_window_split_the_calls() {
        let ist = TimeZone::get("Europe/Istanbul").unwrap();
        let now = "2024-03-10T09:00:00Z".parse::<Timestamp>().unwrap().as_millisecond(); // 12:00 local
        let midnight = day_start(now, &ist);
        let calls = [
            answered(midnight - MIN, 5 * S, 60 * S, None), // yesterday
            answered(midnight + MIN, 5 * S, 60 * S, None), // today, long ago
            abandoned(now - 31 * MIN, 60 * S),             // today, before the window
            abandoned(now - 29 * MIN, 60 * S),             // in the window
            answered(now - 10 * MIN, 30 * S, 60 * S, Some(30 * S)),
        ];
        let cfg = QueueConfig { name: "support".into(), ..QueueConfig::default() };
        let queues = [("Technical support".to_owned(), cfg)];
        let b = board(&Inputs {
            now_ms: now,
            day_start_ms: midnight,
            queues: &queues,
            profiles: &[],
            presence: &HashMap::new(),
            live: &[],
            callbacks: &[],
            calls: &calls,
        });
        let (today, recent) = (b[0].today, b[0].recent);
        assert_eq!((today.offered, today.answered, today.abandoned), (4, 2, 2));
        assert_eq!((recent.offered, recent.answered, recent.abandoned), (2, 1, 1));
        assert_eq!(recent.service_level_pct(), Some(0.0));
        assert_eq!(today.service_level_pct(), Some(25.0));
    }

    fn presence(agent_id: i64, status: AgentStatus, activity: AgentActivity) -> AgentPresence {
        AgentPresence {
            agent_id,
            display_name: String::new(),
            connected: true,
            status,
            since: String::new(),
            reason: None,
            activity,
            activity_since: None,
            wrap_up_ends: None,
            wrap_up_call: None,
        }
    }

    fn live(queue: &str, queued_at: i64, state: LiveCallState, agent: Option<i64>) -> LiveCall {
        let mut info = CallInfo::new(
            format!("c{queued_at}"),
            CallDirection::Inbound,
            "+44".into(),
            "+44".into(),
            "local".into(),
            rfc3339(queued_at),
        );
        info.queue = Some(queue.into());
        info.queued_at = Some(rfc3339(queued_at));
        LiveCall { call: info, state, agent_id: agent, recording: shared::ws::RecordingState::Off, supervisors: vec![] }
    }

    #[test]
    fn live_figures_and_agents_by_state() {
        let now = 1_700_000_100_000;
        let member = |q: &str| AgentProfile { queues: vec![Membership { queue: q.into(), order: 0 }], skills: vec![] };
        let profiles = [
            (1, member("support")),
            (2, member("support")),
            (3, member("support")),
            (4, member("sales")),
            (5, member("support")),
            (6, member("support")),
        ];
        let presence: HashMap<i64, AgentPresence> = [
            presence(1, AgentStatus::Available, AgentActivity::Ringing),
            presence(2, AgentStatus::Available, AgentActivity::Idle),
            presence(3, AgentStatus::NotReady, AgentActivity::OnCall),
            presence(4, AgentStatus::Available, AgentActivity::Idle),
            AgentPresence { connected: false, ..presence(5, AgentStatus::Offline, AgentActivity::Idle) },
        ]
        .into_iter()
        .map(|p| (p.agent_id, p))
        .collect();
        let calls = [
            live("support", now - 42 * S, LiveCallState::Ringing, None),
            live("support", now - 7 * S, LiveCallState::Ringing, None),
            live("support", now - 90 * S, LiveCallState::Talking, Some(3)),
            live("sales", now - 90 * S, LiveCallState::Connecting, Some(4)),
        ];
        let queues = [
            ("Support".to_owned(), QueueConfig { name: "support".into(), ..QueueConfig::default() }),
            ("Sales".to_owned(), QueueConfig { name: "sales".into(), ..QueueConfig::default() }),
        ];
        let b = board(&Inputs {
            now_ms: now,
            day_start_ms: now - 3_600_000,
            queues: &queues,
            profiles: &profiles,
            presence: &presence,
            live: &calls,
            callbacks: &["sales".into(), "sales".into(), "support".into()],
            calls: &[],
        });
        assert_eq!((b[0].queue.as_str(), b[0].waiting, b[0].longest_wait_secs, b[0].callbacks), ("support", 2, 42, 1));
        // Target 20 s: 42 s is past twice the target.
        assert_eq!(b[0].wait_level(), shared::wallboard::Level::Red);
        assert_eq!(
            b[0].agents,
            AgentCounts { available: 1, ringing: 1, on_call: 1, offline: 2, ..AgentCounts::default() }
        );
        assert_eq!((b[1].name.as_str(), b[1].waiting, b[1].longest_wait_secs, b[1].callbacks), ("Sales", 0, 0, 2));
        assert_eq!(b[1].agents, AgentCounts { available: 1, ..AgentCounts::default() });
    }
}
