//! Who is connected and in which status: the agents' live presence.
//!
//! A plain state machine (no IO, time is an input). It holds what agents
//! choose (status and reason code), whether their app is open, and what the
//! routing engine reports them doing (ringing, on a call, wrap-up, missed).
//! Each change returns the agent's new view, which the driver broadcasts as
//! `agent.status.updated`.

use std::collections::HashMap;

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
        });
        e.connections += 1;
        e.display_name = display_name.to_owned();
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
        e.activity = activity;
        Some(view(agent_id, e))
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
