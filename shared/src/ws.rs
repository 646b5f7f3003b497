//! Messages on the WebSocket at [`crate::WS_PATH`].
//!
//! Every message is one JSON object with a `type` tag. The gateway checks the
//! sender's role for each client message ([`ClientMsg::min_role`]) and answers
//! a refused or malformed one with [`ServerMsg::Error`], keeping the
//! connection open.

use serde::{Deserialize, Serialize};

use crate::{Role, SessionInfo};

/// The agent's own choice of status. The routing engine adds the system states
/// (ringing, on call, wrap-up, missed) on top of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Offline,
    Available,
    NotReady,
}

impl AgentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Offline => "offline",
            AgentStatus::Available => "available",
            AgentStatus::NotReady => "not_ready",
        }
    }
}

/// Browser → gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Keep-alive; also keeps the session from idling out.
    Ping { seq: u64 },
    /// An agent sets their own status.
    SetStatus { status: AgentStatus },
    /// A supervisor asks for the live list of agents and their changes.
    WatchAgents,
    /// The audio check: the browser offers a WebRTC connection whose sound
    /// the gateway sends straight back (microphone → gateway → speaker).
    EchoTestOffer { sdp: String },
    /// Ends the audio check.
    EchoTestStop,
}

impl ClientMsg {
    /// The least role allowed to send this message.
    pub fn min_role(&self) -> Role {
        match self {
            ClientMsg::Ping { .. } => Role::Agent,
            ClientMsg::SetStatus { .. } => Role::Agent,
            ClientMsg::WatchAgents => Role::Supervisor,
            ClientMsg::EchoTestOffer { .. } | ClientMsg::EchoTestStop => Role::Agent,
        }
    }
}

/// One agent as the live views show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPresence {
    pub agent_id: i64,
    pub display_name: String,
    /// Whether the agent has the app open (a live WebSocket).
    pub connected: bool,
    pub status: AgentStatus,
    /// RFC 3339: when `status` last changed.
    pub since: String,
}

/// Gateway → browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// First message on every connection.
    Welcome {
        session: SessionInfo,
        server_time: String,
    },
    Pong {
        seq: u64,
    },
    /// A client message was refused or could not be read. `code` is stable
    /// (`forbidden`, `bad_message`); the connection stays open.
    Error {
        code: String,
        message: String,
    },
    /// Answer to [`ClientMsg::WatchAgents`]: everyone, once.
    Agents {
        agents: Vec<AgentPresence>,
    },
    /// `agent.status.updated`: one agent changed (sent to the agent and to
    /// supervisors watching).
    AgentStatusUpdated {
        agent: AgentPresence,
    },
    /// The session ended (logout elsewhere, timeout); the app returns to login.
    SessionEnded,
    /// The gateway's answer to [`ClientMsg::EchoTestOffer`].
    EchoTestAnswer {
        sdp: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_are_tagged_snake_case() {
        let m: ClientMsg = serde_json::from_str(r#"{"type":"set_status","status":"not_ready"}"#).unwrap();
        assert_eq!(m, ClientMsg::SetStatus { status: AgentStatus::NotReady });
        assert_eq!(serde_json::to_string(&ClientMsg::WatchAgents).unwrap(), r#"{"type":"watch_agents"}"#);
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"format_disk"}"#).is_err());
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"ping","seq":1,"x":2}"#).is_err());
    }

    #[test]
    fn roles_per_message() {
        assert_eq!(ClientMsg::WatchAgents.min_role(), Role::Supervisor);
        assert_eq!(ClientMsg::Ping { seq: 0 }.min_role(), Role::Agent);
    }
}
