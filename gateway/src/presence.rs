//! Who is connected and in which status: the agents' live presence.
//!
//! A plain state machine (no IO, time is an input). The routing engine will
//! take over agent states; until then this holds what agents choose and
//! whether their app is open. Each change returns the agent's new view, which
//! the driver broadcasts as `agent.status.updated`.

use std::collections::HashMap;

use shared::ws::{AgentPresence, AgentStatus};

use crate::store::rfc3339;

#[derive(Debug, Clone)]
struct Entry {
    display_name: String,
    /// Open app connections (tabs) of this agent.
    connections: u32,
    status: AgentStatus,
    since_ms: i64,
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
            since_ms: now_ms,
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
            e.since_ms = now_ms;
        }
        Some(view(agent_id, e))
    }

    /// The agent chose a status. Only a connected agent has one.
    pub fn handle_set_status(&mut self, now_ms: i64, agent_id: i64, status: AgentStatus) -> Option<AgentPresence> {
        let e = self.agents.get_mut(&agent_id).filter(|e| e.connections > 0)?;
        if e.status != status {
            e.status = status;
            e.since_ms = now_ms;
        }
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
        let s = p.handle_set_status(2_000, 7, AgentStatus::Available).unwrap();
        assert_eq!(s.status, AgentStatus::Available);
        assert_eq!(s.since, rfc3339(2_000));
        assert_eq!(p.handle_disconnect(3_000, 7), None, "one tab is still open");
        let gone = p.handle_disconnect(4_000, 7).unwrap();
        assert!(!gone.connected);
        assert_eq!(gone.status, AgentStatus::Offline);
        assert_eq!(p.handle_set_status(5_000, 7, AgentStatus::Available), None, "no status while disconnected");
        assert_eq!(p.handle_disconnect(5_000, 8), None);
        assert!(!p.agent(9, "Omid", 0).connected);
    }
}
