//! Who is connected and in which status: the agents' live presence.
//!
//! A plain state machine (no IO, time is an input). It holds what agents
//! choose (status and reason code), whether their app is open, and what the
//! routing engine reports them doing (ringing, on a call, wrap-up, missed).
//! Each change returns the agent's new view, which the driver broadcasts as
//! `agent.status.updated`.
//!
//! It also keeps the agent state log's news: every change of what an agent
//! is doing as the reports count it ([`AgentState`]: the engine's activity
//! over the chosen status, the desk closed or open) waits in an outbox for
//! [`Presence::poll_log`]; the driver hands them to a writer task.

use std::collections::{HashMap, VecDeque};

use shared::reports::AgentState;
use shared::ws::{AgentActivity, AgentPresence, AgentStatus};

use crate::store::rfc3339;

#[derive(Debug, Clone)]
struct Entry {
    display_name: String,
    /// Open app connections (tabs) of this agent.
    connections: u32,
    status: AgentStatus,
    reason: Option<String>,
    since_ms: i64,
    activity: Activity,
    /// The state last put in the log, with its reason.
    logged: (AgentState, Option<String>),
}

/// One row of the agent state log: from `at_ms` on, the agent is in
/// `state` (with the not-ready reason code, and the call of a wrap-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    pub agent_id: i64,
    pub at_ms: i64,
    pub state: AgentState,
    pub reason: Option<String>,
    pub call_id: Option<String>,
}

/// What the routing engine reports an agent doing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub activity: AgentActivity,
    pub since_ms: i64,
    /// When a wrap-up ends by itself.
    pub wrap_up_ends_ms: Option<i64>,
    /// The call being wrapped up.
    pub wrap_up_call: Option<String>,
}

#[derive(Debug, Default)]
pub struct Presence {
    agents: HashMap<i64, Entry>,
    /// State log rows not yet taken by [`Presence::poll_log`].
    log: VecDeque<StateChange>,
}

/// What the agent is doing as the reports count it: the routing engine's
/// activity first, then the desk and the chosen status.
fn effective(e: &Entry) -> (AgentState, Option<String>) {
    let state = match e.activity.activity {
        AgentActivity::Ringing => AgentState::Ringing,
        AgentActivity::OnCall => AgentState::OnCall,
        AgentActivity::WrapUp => AgentState::WrapUp,
        AgentActivity::Missed => AgentState::Missed,
        AgentActivity::Idle if e.connections == 0 => AgentState::LoggedOut,
        AgentActivity::Idle => match e.status {
            AgentStatus::Available => AgentState::Available,
            AgentStatus::NotReady => return (AgentState::NotReady, e.reason.clone()),
            AgentStatus::Offline => AgentState::Offline,
        },
    };
    (state, None)
}

/// Puts the agent's state in the log when it changed.
fn note(log: &mut VecDeque<StateChange>, agent_id: i64, e: &mut Entry, at_ms: i64) {
    let now = effective(e);
    if now == e.logged {
        return;
    }
    let call_id = if now.0 == AgentState::WrapUp { e.activity.wrap_up_call.clone() } else { None };
    log.push_back(StateChange { agent_id, at_ms, state: now.0, reason: now.1.clone(), call_id });
    e.logged = now;
}

impl Presence {
    /// An app connection of the agent opened. Returns the change, if any.
    pub fn handle_connect(&mut self, now_ms: i64, agent_id: i64, display_name: &str) -> Option<AgentPresence> {
        let e = self.agents.entry(agent_id).or_insert_with(|| Entry {
            display_name: display_name.to_owned(),
            connections: 0,
            status: AgentStatus::Offline,
            reason: None,
            since_ms: now_ms,
            activity: Activity::default(),
            logged: (AgentState::LoggedOut, None),
        });
        e.connections += 1;
        e.display_name = display_name.to_owned();
        note(&mut self.log, agent_id, e, now_ms);
        (e.connections == 1).then(|| view(agent_id, e))
    }

    /// An app connection closed. When the last one closes the agent is
    /// offline: nobody is there to take a call.
    pub fn handle_disconnect(&mut self, now_ms: i64, agent_id: i64) -> Option<AgentPresence> {
        let e = self.agents.get_mut(&agent_id)?;
        e.connections = e.connections.saturating_sub(1);
        if e.connections > 0 {
            return None;
        }
        if e.status != AgentStatus::Offline {
            e.status = AgentStatus::Offline;
            e.reason = None;
            e.since_ms = now_ms;
        }
        note(&mut self.log, agent_id, e, now_ms);
        Some(view(agent_id, e))
    }

    /// The agent chose a status (a reason code goes with not ready only).
    /// Only a connected agent has one.
    pub fn handle_set_status(
        &mut self,
        now_ms: i64,
        agent_id: i64,
        status: AgentStatus,
        reason: Option<String>,
    ) -> Option<AgentPresence> {
        let e = self.agents.get_mut(&agent_id).filter(|e| e.connections > 0)?;
        let reason = reason.filter(|_| status == AgentStatus::NotReady);
        if e.status != status || e.reason != reason {
            e.status = status;
            e.reason = reason;
            e.since_ms = now_ms;
        }
        note(&mut self.log, agent_id, e, now_ms);
        Some(view(agent_id, e))
    }

    /// The routing engine reports what the agent is doing. Returns the
    /// change, if any.
    /// The same activity again (a wrap-up extended) keeps its start.
    pub fn handle_activity(&mut self, agent_id: i64, mut activity: Activity) -> Option<AgentPresence> {
        let e = self.agents.get_mut(&agent_id)?;
        if e.activity.activity == activity.activity {
            activity.since_ms = e.activity.since_ms;
        }
        if e.activity == activity {
            return None;
        }
        // The engine's time of the change (kept for the same activity
        // again, which changes no state).
        let at_ms = activity.since_ms;
        e.activity = activity;
        note(&mut self.log, agent_id, e, at_ms);
        Some(view(agent_id, e))
    }

    /// The next row for the agent state log, oldest first.
    pub fn poll_log(&mut self) -> Option<StateChange> {
        self.log.pop_front()
    }

    /// The agent's presence, or an offline view for one never seen.
    pub fn agent(&self, agent_id: i64, display_name: &str, now_ms: i64) -> AgentPresence {
        match self.agents.get(&agent_id) {
            Some(e) => view(agent_id, e),
            None => AgentPresence {
                agent_id,
                display_name: display_name.to_owned(),
                connected: false,
                status: AgentStatus::Offline,
                since: rfc3339(now_ms),
                reason: None,
                activity: AgentActivity::Idle,
                activity_since: None,
                wrap_up_ends: None,
                wrap_up_call: None,
            },
        }
    }
}

fn view(agent_id: i64, e: &Entry) -> AgentPresence {
    AgentPresence {
        agent_id,
        display_name: e.display_name.clone(),
        connected: e.connections > 0,
        status: e.status,
        since: rfc3339(e.since_ms),
        reason: e.reason.clone(),
        activity: e.activity.activity,
        activity_since: (e.activity.activity != AgentActivity::Idle).then(|| rfc3339(e.activity.since_ms)),
        wrap_up_ends: e.activity.wrap_up_ends_ms.map(rfc3339),
        wrap_up_call: e.activity.wrap_up_call.clone(),
    }
}

/// Which of an agent's open tabs is the desk: one at a time takes calls
/// and sets the status; the others say so and can take over. A tab that
/// opens while another is active waits; when the active one closes (a
/// page refresh closes the old socket after the new one opened), the most
/// recently opened remaining tab becomes active.
#[derive(Debug, Default)]
pub struct Tabs {
    agents: HashMap<i64, AgentTabs>,
}

#[derive(Debug, Default)]
struct AgentTabs {
    /// Open tabs' connection ids, oldest first.
    open: Vec<u64>,
    active: Option<u64>,
}

impl Tabs {
    /// A tab opened; returns whether it is the active one.
    pub fn open(&mut self, agent: i64, conn: u64) -> bool {
        let a = self.agents.entry(agent).or_default();
        a.open.push(conn);
        if a.active.is_none() {
            a.active = Some(conn);
        }
        a.active == Some(conn)
    }

    /// A tab closed; returns the tab that became active, if one did.
    pub fn close(&mut self, agent: i64, conn: u64) -> Option<u64> {
        let a = self.agents.get_mut(&agent)?;
        a.open.retain(|c| *c != conn);
        if a.open.is_empty() {
            self.agents.remove(&agent);
            return None;
        }
        if a.active != Some(conn) {
            return None;
        }
        a.active = a.open.last().copied();
        a.active
    }

    /// A tab takes over; returns the tab that was active, if another was.
    /// Unknown tabs change nothing.
    pub fn take_over(&mut self, agent: i64, conn: u64) -> Option<u64> {
        let a = self.agents.get_mut(&agent).filter(|a| a.open.contains(&conn))?;
        a.active.replace(conn).filter(|old| *old != conn)
    }

    pub fn is_active(&self, agent: i64, conn: u64) -> bool {
        self.agents.get(&agent).is_some_and(|a| a.active == Some(conn))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_tabs_then_close_both() {
        let mut p = Presence::default();
        let first = p.handle_connect(1_000, 7, "Rania").unwrap();
        assert!(first.connected);
        assert_eq!(first.status, AgentStatus::Offline);
        assert_eq!(p.handle_connect(1_001, 7, "Rania"), None, "a second tab changes nothing");
        let s = p.handle_set_status(2_000, 7, AgentStatus::Available, Some("lunch".into())).unwrap();
        assert_eq!(s.reason, None, "a reason goes with not ready only");
        assert_eq!(s.status, AgentStatus::Available);
        assert_eq!(s.since, rfc3339(2_000));
        assert_eq!(p.handle_disconnect(3_000, 7), None, "one tab is still open");
        let gone = p.handle_disconnect(4_000, 7).unwrap();
        assert!(!gone.connected);
        assert_eq!(gone.status, AgentStatus::Offline);
        assert_eq!(p.handle_set_status(5_000, 7, AgentStatus::Available, None), None, "no status while disconnected");
        assert_eq!(p.handle_disconnect(5_000, 8), None);
        assert!(!p.agent(9, "Omid", 0).connected);
    }

    #[test]
    fn reasons_and_activity() {
        let mut p = Presence::default();
        p.handle_connect(0, 7, "Rania");
        let s = p.handle_set_status(1_000, 7, AgentStatus::NotReady, Some("lunch".into())).unwrap();
        assert_eq!((s.status, s.reason.as_deref()), (AgentStatus::NotReady, Some("lunch")));
        let s = p.handle_set_status(2_000, 7, AgentStatus::NotReady, Some("break".into())).unwrap();
        assert_eq!(
            (s.reason.as_deref(), s.since.as_str()),
            (Some("break"), rfc3339(2_000).as_str()),
            "a new reason is a new status"
        );
        let wrap = Activity {
            activity: AgentActivity::WrapUp,
            since_ms: 3_000,
            wrap_up_ends_ms: Some(33_000),
            wrap_up_call: Some("c1".into()),
        };
        let s = p.handle_activity(7, wrap.clone()).unwrap();
        assert_eq!(s.activity, AgentActivity::WrapUp);
        assert_eq!(s.wrap_up_ends, Some(rfc3339(33_000)));
        assert_eq!(s.status, AgentStatus::NotReady, "the chosen status stays underneath");
        assert_eq!(p.handle_activity(7, wrap.clone()), None, "no change, no news");
        let longer = Activity { since_ms: 20_000, wrap_up_ends_ms: Some(63_000), ..wrap };
        let s = p.handle_activity(7, longer).unwrap();
        assert_eq!(s.wrap_up_ends, Some(rfc3339(63_000)), "extended");
        assert_eq!(s.activity_since, Some(rfc3339(3_000)), "still the same wrap-up");
        let s = p.handle_activity(7, Activity::default()).unwrap();
        assert_eq!((s.activity, s.activity_since, s.wrap_up_ends), (AgentActivity::Idle, None, None));
        assert_eq!(p.handle_activity(8, Activity::default()), None, "unknown agent");
    }

    #[test]
    fn the_state_log_follows_what_the_agent_does() {
        let mut p = Presence::default();
        let log = |p: &mut Presence| {
            std::iter::from_fn(|| p.poll_log()).map(|c| (c.at_ms, c.state, c.reason, c.call_id)).collect::<Vec<_>>()
        };
        p.handle_connect(1_000, 7, "Rania");
        p.handle_connect(1_500, 7, "Rania");
        p.handle_set_status(2_000, 7, AgentStatus::Available, None);
        p.handle_set_status(2_500, 7, AgentStatus::Available, None);
        assert_eq!(
            log(&mut p),
            [(1_000, AgentState::Offline, None, None), (2_000, AgentState::Available, None, None)],
            "a second tab and the same status again are no change"
        );
        let on_call = Activity { activity: AgentActivity::OnCall, since_ms: 3_000, ..Activity::default() };
        p.handle_activity(7, on_call);
        let wrap = Activity {
            activity: AgentActivity::WrapUp,
            since_ms: 4_000,
            wrap_up_ends_ms: Some(9_000),
            wrap_up_call: Some("c1".into()),
        };
        p.handle_activity(7, wrap.clone());
        p.handle_activity(7, Activity { wrap_up_ends_ms: Some(19_000), ..wrap });
        // Not ready chosen during the wrap-up shows once it is over.
        p.handle_set_status(5_000, 7, AgentStatus::NotReady, Some("lunch".into()));
        p.handle_activity(7, Activity { since_ms: 6_000, ..Activity::default() });
        p.handle_disconnect(7_000, 7);
        p.handle_disconnect(8_000, 7);
        assert_eq!(
            log(&mut p),
            [
                (3_000, AgentState::OnCall, None, None),
                (4_000, AgentState::WrapUp, None, Some("c1".into())),
                (6_000, AgentState::NotReady, Some("lunch".into()), None),
                (8_000, AgentState::LoggedOut, None, None),
            ]
        );
        assert_eq!(p.poll_log(), None);
    }

    #[test]
    fn one_tab_at_a_time_takes_calls() {
        let mut t = Tabs::default();
        assert!(t.open(7, 1), "the first tab is the desk");
        assert!(!t.open(7, 2), "a second one waits");
        assert!(t.open(8, 3), "another agent's tab is theirs");
        assert_eq!(t.take_over(7, 2), Some(1));
        assert!(t.is_active(7, 2) && !t.is_active(7, 1));
        assert_eq!(t.take_over(7, 2), None, "already active");
        assert_eq!(t.take_over(7, 9), None, "not a tab of theirs");
        assert!(t.is_active(7, 2));
        // A refresh: the new tab opens before the old one closes.
        assert!(!t.open(7, 4));
        assert_eq!(t.close(7, 2), Some(4), "the newest tab takes over");
        assert_eq!(t.close(7, 1), None, "an inactive tab closing changes nothing");
        assert_eq!(t.close(7, 4), None);
        assert!(t.open(7, 5), "all closed: the next tab is the desk");
    }
}
