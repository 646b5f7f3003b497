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

/// What the routing engine has the agent doing, on top of their chosen
/// [`AgentStatus`]. `Idle` means the chosen status is what counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentActivity {
    #[default]
    Idle,
    /// A call rings on their desk (they are reserved for it).
    Ringing,
    OnCall,
    /// After-call work: no offers until it ends (Done, or its time is up).
    WrapUp,
    /// They let an offer ring out: no offers until they choose a status
    /// again (which acknowledges it).
    Missed,
}

impl AgentActivity {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentActivity::Idle => "idle",
            AgentActivity::Ringing => "ringing",
            AgentActivity::OnCall => "on_call",
            AgentActivity::WrapUp => "wrap_up",
            AgentActivity::Missed => "missed",
        }
    }
}

/// Browser → gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// Keep-alive; also keeps the session from idling out.
    Ping { seq: u64 },
    /// An agent sets their own status; `reason` is a reason code (see
    /// `GET /api/v1/reason-codes`) for not ready. Choosing a status also
    /// acknowledges a missed offer.
    SetStatus {
        status: AgentStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// This tab becomes the agent's desk; the tab that was gets
    /// [`ServerMsg::TabState`] `active: false`.
    TakeOver,
    /// The agent wants more time for their after-call work (one extension
    /// of the queue's wrap-up time, at most [`WRAP_UP_EXTENSIONS`] times).
    WrapUpExtend,
    /// The agent ends their after-call work without saving a disposition
    /// through `POST /api/v1/interactions/{call_id}/wrap_up` (which ends it
    /// too); the gateway refuses it with `disposition_required` while the
    /// call has none.
    WrapUpDone { call_id: String },
    /// A supervisor asks for the live list of agents and their changes.
    WatchAgents,
    /// A supervisor asks for the live calls ([`ServerMsg::Calls`]) and
    /// their changes ([`ServerMsg::LiveCallUpdated`],
    /// [`ServerMsg::LiveCallRemoved`]).
    WatchCalls,
    /// A supervisor joins a talking call with a WebRTC offer: listening
    /// (heard by nobody), whispering (heard by the agent only) or barging
    /// in (heard by both). [`ServerMsg::SupervisionStarted`] follows.
    Supervise { call_id: String, mode: SuperviseMode, sdp: String },
    /// A supervisor on a call changes how they take part.
    SuperviseMode { call_id: String, mode: SuperviseMode },
    /// A supervisor leaves a call.
    SuperviseStop { call_id: String },
    /// Starts, pauses, resumes or stops the call's recording (the call's
    /// agent, or a supervisor). [`ServerMsg::CallRecording`] follows.
    CallRecord { call_id: String, action: RecordAction },
    /// The audio check: the browser offers a WebRTC connection whose sound
    /// the gateway sends straight back (microphone → gateway → speaker).
    EchoTestOffer { sdp: String },
    /// Ends the audio check.
    EchoTestStop,
    /// The agent answers a call offered with [`ServerMsg::CallRinging`],
    /// with the WebRTC offer of the softphone's leg (microphone attached).
    /// The gateway answers with [`ServerMsg::CallAnswered`] or an error.
    CallAnswer { call_id: String, sdp: String },
    /// The agent declines a ringing call; it goes on ringing elsewhere.
    CallDecline { call_id: String },
    /// The agent ends their call.
    CallHangUp { call_id: String },
    /// The agent hands their call to another agent (a blind transfer): the
    /// caller hears hold music while it rings for them, and the call is no
    /// longer this agent's (`call.ended` with kind `transferred`). If the
    /// other agent declines, the call rings for every available agent.
    CallTransfer { call_id: String, to_agent: i64 },
    /// The agent hands their call to a queue (by its routing name): the
    /// caller waits there on hold music for the agent its routing picks;
    /// `call.ended` with kind `transferred` follows here, or an error
    /// (`target_unavailable`: no such queue; `wrong_state`).
    CallTransferQueue { call_id: String, queue: String },
    /// The agent hands their connected call to an outside number (through
    /// the outbound trunk): `call.ended` with kind `transferred` follows,
    /// or an error (`bad_number`, `target_unavailable`: no outbound trunk;
    /// `wrong_state`: recorded, supervised or held). If the number cannot
    /// be reached the caller rings for every free agent.
    CallTransferNumber { call_id: String, number: String },
    /// Attended transfer, first step: the caller hears hold music while the
    /// agent's softphone calls `number` through the outbound trunk;
    /// `call_consult` tells how it goes. Then `call_consult_complete`,
    /// `call_consult_join` or `call_consult_cancel`.
    CallConsult { call_id: String, number: String },
    /// The caller and the consulted number are put through to each other;
    /// the agent leaves (`call.ended`, kind `transferred`).
    CallConsultComplete { call_id: String },
    /// A three-way call: the caller, the agent and the consulted number all
    /// hear each other. The agent hanging up then leaves the other two
    /// talking.
    CallConsultJoin { call_id: String },
    /// The consulted number is hung up and the agent is back with the caller.
    CallConsultCancel { call_id: String },
    /// After a page refresh: the agent takes their call in progress back
    /// (see [`ServerMsg::CallActive`]) with a new softphone leg's WebRTC
    /// offer. [`ServerMsg::CallAnswered`] follows, as for an answer.
    CallRejoin { call_id: String, sdp: String },
    /// The agent presses keys (`0`–`9`, `*`, `#`, `A`–`D`, at most 32) on
    /// their connected call: they reach the far end as RFC 4733 events.
    CallDtmf { call_id: String, digits: String },
    /// The agent puts their call on hold (`hold: true`) or takes it back.
    /// The far end is told with a re-INVITE (`a=sendonly`); no audio
    /// crosses while held. [`ServerMsg::CallHeld`] follows.
    CallHold { call_id: String, hold: bool },
    /// The agent calls a number out through the trunk, with the WebRTC
    /// offer of the softphone's leg. The gateway answers with
    /// [`ServerMsg::CallDialing`] or an error (`bad_number`, `busy`,
    /// `no_trunk`, `bad_sdp`, `bad_caller_id`). `caller_id`: one of
    /// `GET /api/v1/caller-ids` (the trunk's first when absent).
    CallDial {
        number: String,
        sdp: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller_id: Option<String>,
    },
    /// A supervisor asks for the wallboard: [`ServerMsg::Wallboard`] now
    /// and every few seconds, and soon after calls and agents change.
    WatchWallboard,
    /// A supervisor leaves the wallboard: no more [`ServerMsg::Wallboard`].
    UnwatchWallboard,
}

impl ClientMsg {
    /// The least role allowed to send this message.
    pub fn min_role(&self) -> Role {
        match self {
            ClientMsg::Ping { .. } => Role::Agent,
            ClientMsg::SetStatus { .. }
            | ClientMsg::WrapUpExtend
            | ClientMsg::WrapUpDone { .. }
            | ClientMsg::TakeOver => Role::Agent,
            ClientMsg::WatchAgents
            | ClientMsg::WatchCalls
            | ClientMsg::Supervise { .. }
            | ClientMsg::SuperviseMode { .. }
            | ClientMsg::SuperviseStop { .. } => Role::Supervisor,
            ClientMsg::CallRecord { .. } => Role::Agent,
            ClientMsg::EchoTestOffer { .. } | ClientMsg::EchoTestStop => Role::Agent,
            ClientMsg::CallAnswer { .. }
            | ClientMsg::CallDecline { .. }
            | ClientMsg::CallHangUp { .. }
            | ClientMsg::CallDial { .. }
            | ClientMsg::CallHold { .. }
            | ClientMsg::CallRejoin { .. }
            | ClientMsg::CallTransfer { .. }
            | ClientMsg::CallTransferQueue { .. }
            | ClientMsg::CallTransferNumber { .. }
            | ClientMsg::CallConsult { .. }
            | ClientMsg::CallConsultComplete { .. }
            | ClientMsg::CallConsultJoin { .. }
            | ClientMsg::CallConsultCancel { .. }
            | ClientMsg::CallDtmf { .. } => Role::Agent,
            ClientMsg::WatchWallboard | ClientMsg::UnwatchWallboard => Role::Supervisor,
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
    /// The reason code of `not_ready` (`break`, `lunch`, …; `missed` when
    /// the engine made them not ready after missed offers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the routing engine has them doing.
    #[serde(default)]
    pub activity: AgentActivity,
    /// RFC 3339: when `activity` last changed (absent while idle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_since: Option<String>,
    /// RFC 3339: when their wrap-up ends by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_up_ends: Option<String>,
    /// The call they are wrapping up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrap_up_call: Option<String>,
}

/// How many times an agent may extend one wrap-up.
pub const WRAP_UP_EXTENSIONS: u32 = 3;

/// One entry of `RTCConfiguration.iceServers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// Which ICE candidates browsers may use: WebRTC's `iceTransportPolicy`.
/// `relay` sends every desk's media through the TURN servers (sites where
/// browsers may reach only the relay).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IceTransportPolicy {
    #[default]
    All,
    Relay,
}

/// Which way a call goes, seen from the contact center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    Inbound,
    Outbound,
}

/// A call as the agent's desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallInfo {
    /// The gateway's id of the call: opaque, unguessable.
    pub call_id: String,
    pub direction: CallDirection,
    /// Who called: the number (or SIP user) from P-Asserted-Identity or From.
    pub from: String,
    /// The display name the caller's network sent, if any.
    pub from_name: Option<String>,
    /// The number dialed (the DID) for inbound calls; the number called for
    /// outbound ones.
    pub to: String,
    /// The trunk the call came in or goes out on.
    pub trunk: String,
    /// RFC 3339: when the call reached the gateway.
    pub started: String,
    /// The queue the call came through, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// What the queue tells its agents before they take the call (the call's
    /// type), shown on the ringing call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whisper: Option<String>,
    /// The customer the IVR identified (by number or entered code), for the
    /// customer card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    /// That customer's name, for the ringing banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    /// The caller's language as the IVR set it (`en`, `fa`, `ar`, `tr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The IVR marked the caller VIP.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub vip: bool,
    /// RFC 3339: when the caller entered the queue (the wait is counted from
    /// here; a call moved to another queue keeps its first entry time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_at: Option<String>,
    /// What the caller chose or entered in the IVR (the flow's variables).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub choices: std::collections::BTreeMap<String, String>,
    /// The web page a web call button's caller called from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// A campaign's call: the contact card, the script and the dispositions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<crate::campaign::CampaignCall>,
}

impl CallInfo {
    /// A call as it starts: nothing known yet beyond its ends.
    pub fn new(
        call_id: String,
        direction: CallDirection,
        from: String,
        to: String,
        trunk: String,
        started: String,
    ) -> CallInfo {
        CallInfo {
            call_id,
            direction,
            from,
            from_name: None,
            to,
            trunk,
            started,
            queue: None,
            whisper: None,
            customer_id: None,
            customer_name: None,
            language: None,
            vip: false,
            queued_at: None,
            choices: Default::default(),
            page: None,
            campaign: None,
        }
    }
}

/// Why a call ended or stopped ringing for this agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallEndKind {
    /// The caller (or the called party) hung up.
    RemoteHangUp,
    /// The agent hung up.
    LocalHangUp,
    /// The caller gave up while it rang.
    Abandoned,
    /// Another agent answered it.
    AnsweredElsewhere,
    /// It no longer rings for this agent (they became unavailable or
    /// declined it).
    Withdrawn,
    /// The far end refused it (busy, unavailable, declined).
    Rejected,
    /// The far end or the network stopped answering (no ACK, no media,
    /// timeouts).
    Failed,
    /// The agent handed the call to someone else.
    Transferred,
}

/// How a supervisor takes part in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuperviseMode {
    /// Hears the caller and the agent; nobody hears the supervisor.
    Listen,
    /// Also heard by the agent, never by the caller.
    Whisper,
    /// Heard by both: a three-way call.
    Barge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordAction {
    Start,
    Pause,
    Resume,
    Stop,
}

/// Where a call's recording stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordingState {
    Off,
    Recording,
    /// Silence is written meanwhile.
    Paused,
}

/// Where a live call stands, for supervisors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveCallState {
    /// Waiting for an agent (inbound).
    Ringing,
    /// An agent took it; media is being set up, or the far end rings (outbound).
    Connecting,
    Talking,
    Held,
}

/// A call as supervisors watch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveCall {
    pub call: CallInfo,
    pub state: LiveCallState,
    /// The agent on the call, once one took it.
    pub agent_id: Option<i64>,
    pub recording: RecordingState,
    /// Supervisors on the call.
    pub supervisors: Vec<i64>,
}

/// The reason of `call.ended`: what happened, and the SIP status and Q.850
/// cause that carried it where they apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallEndReason {
    pub kind: CallEndKind,
    pub sip_status: Option<u16>,
    pub q850: Option<u16>,
}

/// Gateway → browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// First message on every connection.
    Welcome {
        session: SessionInfo,
        server_time: String,
        /// STUN/TURN servers for the browser's WebRTC legs (TURN
        /// credentials made for this session, short-lived).
        #[serde(default)]
        ice_servers: Vec<IceServer>,
        /// Which ICE candidates the browser's legs may use.
        #[serde(default)]
        ice_transport_policy: IceTransportPolicy,
    },
    /// Whether this tab is the agent's desk. A tab that is not (the desk is
    /// open in another tab) gets no calls and cannot change the status;
    /// [`ClientMsg::TakeOver`] makes it the desk. Sent when it changes
    /// (and on connecting, to a tab that is not the desk).
    TabState {
        active: bool,
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
    /// `call.ringing`: a call is offered to this agent.
    CallRinging {
        call: CallInfo,
    },
    /// `call.answered`: the agent's answer was taken; `sdp` is the
    /// gateway's WebRTC answer for the softphone leg.
    CallAnswered {
        call_id: String,
        sdp: String,
    },
    /// The agent's outbound call is placed: `sdp` is the gateway's WebRTC
    /// answer for the softphone leg (early media from the far end plays on
    /// it).
    CallDialing {
        call: CallInfo,
        sdp: String,
    },
    /// On connecting: the agent has this call in progress (their page was
    /// refreshed or another tab opened); [`ClientMsg::CallRejoin`] takes it
    /// back here.
    CallActive {
        call: CallInfo,
        held: bool,
        recording: RecordingState,
    },
    /// `call.ringing` of an outbound call: the far end rings (180, or 183
    /// with early media).
    CallRemoteRinging {
        call_id: String,
    },
    /// How the agent's consultation of an outside number goes (attended
    /// transfer, three-way call).
    CallConsult {
        call_id: String,
        state: ConsultState,
    },
    /// `call.answered` of an outbound call: the far end picked up.
    CallConnected {
        call_id: String,
    },
    /// `call.held` / `call.resumed`: the call's hold state, after the agent's
    /// request (or its refusal by the far end, with the state unchanged).
    CallHeld {
        call_id: String,
        held: bool,
    },
    /// `call.digit`: the far end pressed a key (RFC 4733), once per press.
    CallDigit {
        call_id: String,
        digit: String,
    },
    /// Answer to [`ClientMsg::WatchCalls`]: every live call, once.
    Calls {
        calls: Vec<LiveCall>,
    },
    /// A live call changed (or appeared), for supervisors watching calls.
    LiveCallUpdated {
        call: LiveCall,
    },
    /// A live call ended, for supervisors watching calls.
    LiveCallRemoved {
        call_id: String,
    },
    /// A step in a call's life (`resource.verb`, e.g. `queue.entered`,
    /// `call.answered`, `survey.completed`), as its record's timeline has
    /// it, for supervisors watching calls.
    CallEvent {
        call_id: String,
        kind: String,
        /// RFC 3339.
        at: String,
    },
    /// The supervisor is on the call: `sdp` is the gateway's WebRTC answer.
    SupervisionStarted {
        call_id: String,
        mode: SuperviseMode,
        sdp: String,
    },
    /// The supervisor's mode changed.
    SupervisionChanged {
        call_id: String,
        mode: SuperviseMode,
    },
    /// The supervisor is off the call (they left, or it ended).
    SupervisionEnded {
        call_id: String,
    },
    /// `call.coaching`, to the call's agent: a supervisor speaks to them
    /// (`whisper`) or has joined the call (`barge`); none: nobody any more.
    /// Silent listening is not told.
    CallCoaching {
        call_id: String,
        mode: Option<SuperviseMode>,
    },
    /// `call.recording`: the call's recording state changed (to its agent
    /// and to whoever asked).
    CallRecording {
        call_id: String,
        state: RecordingState,
    },
    /// `call.ended`: the call is over for this agent (or no longer rings).
    CallEnded {
        call_id: String,
        reason: CallEndReason,
    },
    /// The wallboard, for supervisors watching it (see
    /// [`crate::wallboard`]): every queue's live and period figures.
    Wallboard {
        /// RFC 3339: when the figures were taken.
        at: String,
        /// The time zone "today" is taken in (`wallboard.time_zone`).
        time_zone: String,
        /// The rolling window's length.
        window_mins: u32,
        queues: Vec<crate::wallboard::QueueBoard>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_are_tagged_snake_case() {
        let m: ClientMsg = serde_json::from_str(r#"{"type":"set_status","status":"not_ready"}"#).unwrap();
        assert_eq!(m, ClientMsg::SetStatus { status: AgentStatus::NotReady, reason: None });
        let m: ClientMsg =
            serde_json::from_str(r#"{"type":"set_status","status":"not_ready","reason":"lunch"}"#).unwrap();
        assert_eq!(m, ClientMsg::SetStatus { status: AgentStatus::NotReady, reason: Some("lunch".into()) });
        assert_eq!(serde_json::to_string(&ClientMsg::WrapUpExtend).unwrap(), r#"{"type":"wrap_up_extend"}"#);
        assert_eq!(serde_json::to_string(&ClientMsg::WatchAgents).unwrap(), r#"{"type":"watch_agents"}"#);
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"format_disk"}"#).is_err());
        assert!(serde_json::from_str::<ClientMsg>(r#"{"type":"ping","seq":1,"x":2}"#).is_err());
    }

    #[test]
    fn call_messages_round_trip() {
        let m: ClientMsg = serde_json::from_str(r#"{"type":"call_hang_up","call_id":"c1"}"#).unwrap();
        assert_eq!(m, ClientMsg::CallHangUp { call_id: "c1".into() });
        let ended = ServerMsg::CallEnded {
            call_id: "c1".into(),
            reason: CallEndReason { kind: CallEndKind::RemoteHangUp, sip_status: None, q850: Some(16) },
        };
        let text = serde_json::to_string(&ended).unwrap();
        assert!(text.contains(r#""type":"call_ended""#) && text.contains(r#""kind":"remote_hang_up""#), "{text}");
        assert_eq!(serde_json::from_str::<ServerMsg>(&text).unwrap(), ended);
    }

    #[test]
    fn roles_per_message() {
        assert_eq!(ClientMsg::WatchAgents.min_role(), Role::Supervisor);
        assert_eq!(ClientMsg::Ping { seq: 0 }.min_role(), Role::Agent);
    }
}

/// A consultation's state, as `call_consult` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultState {
    /// The number is being called; the caller hears hold music.
    Dialing,
    /// The number answered: the agent talks with it alone.
    Connected,
    /// All three hear each other.
    Joined,
    /// The number hung up, was not reached, or the agent cancelled: the
    /// agent is back with the caller.
    Ended,
}
