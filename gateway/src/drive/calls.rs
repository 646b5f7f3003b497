//! The call-control driver: one task owning the [`Calls`] core, between
//! the SIP driver (dialogs), the media driver (legs) and the agents'
//! WebSockets.
//!
//! Inputs: [`SipEvent`]s from the SIP task, agents' requests over
//! [`CallsHandle`], presence changes (who is available), and browser legs
//! that end by themselves. Outputs go to the SIP task ([`SipCommand`]s),
//! to the media driver (legs to close) and to the agents' sockets as
//! [`Notice`]s on a broadcast channel each socket filters by agent.
//!
//! Answering opens two media legs: the agent's browser leg from their
//! WebRTC offer and the caller's RTP leg, bridged; the task awaits the media
//! driver for both (a channel round trip each), then the core answers the
//! caller.
//!
//! The contact-center engine's IO is here too: each inbound call's entry
//! point is looked up in the store (a spawned query whose answer comes back
//! on a channel, so the loop never waits on the database), the IVR's prompts
//! are rendered from the prompt catalog and played by the media driver,
//! customer lookups go to the store, and the routing engine's queues and
//! agents' profiles are loaded at start and again on every
//! [`RoutingChanged`]. The core's timers (IVR, routing) run on the wall clock
//! through [`Calls::advance`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use shared::ws::{AgentPresence, AgentStatus, CallInfo, LiveCall, RecordAction, ServerMsg, SuperviseMode};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use shared::routing::{AgentProfile, QueueConfig};

use super::sip::{CallLink, SipEvent};
use super::webrtc::{MediaEvent, WebRtcHandle};
use crate::calls::Incoming;
use crate::calls::{AnswerMedia, CallError, Calls, Dial, Output, RecordCommand, SipCommand, Tracked};
use crate::http::routing_events::RoutingChanged;
use crate::ivr::{CustomerRef, Flow, Lookup};
use crate::media::conference::Supervision;
use crate::media::rtp_leg::RtpLegId;
use crate::media::webrtc::{G711, LegMode};
use crate::prompts::Catalog;
use crate::sdp::Codec;
use crate::sip::dialog::{DialogId, Event as DialogEvent};
use crate::store::Store;

#[path = "web_call.rs"]
mod web_call;
pub use web_call::{MAX_DIGITS as WEB_MAX_DIGITS, WebCallRequest, WebEvent};

/// Who a [`Notice`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every open desk of one user.
    User(i64),
    /// Every supervisor watching calls.
    Supervisors,
}

/// A message for some of the open desks.
#[derive(Debug, Clone)]
pub struct Notice {
    pub to: Audience,
    pub msg: ServerMsg,
}

/// A refusal an agent's desk shows: a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl From<CallError> for Refusal {
    fn from(e: CallError) -> Refusal {
        Refusal { code: e.code(), message: e.to_string() }
    }
}

type Reply<T> = oneshot::Sender<Result<T, Refusal>>;

enum Request {
    Answer { agent: i64, call_id: String, sdp: String, language: String, reply: Reply<String> },
    Decline { agent: i64, call_id: String, reply: Reply<()> },
    HangUp { agent: i64, call_id: String, reply: Reply<()> },
    Dial { agent: i64, number: String, sdp: String, caller_id: Option<String>, reply: Reply<(CallInfo, String)> },
    WatchCalls { reply: oneshot::Sender<Vec<LiveCall>> },
    Snapshot { user: i64, reply: oneshot::Sender<Vec<ServerMsg>> },
    Rejoin { agent: i64, call_id: String, sdp: String, reply: Reply<String> },
    Transfer { agent: i64, call_id: String, to_agent: i64, reply: Reply<()> },
    TransferToQueue { agent: i64, call_id: String, queue: String, reply: Reply<()> },
    TransferToNumber { agent: i64, call_id: String, number: String, reply: Reply<()> },
    Consult { agent: i64, call_id: String, step: ConsultStep, reply: Reply<()> },
    Supervise { user: i64, call_id: String, mode: SuperviseMode, sdp: String, reply: Reply<String> },
    SuperviseMode { user: i64, call_id: String, mode: SuperviseMode, reply: Reply<()> },
    SuperviseStop { user: i64, call_id: String, reply: Reply<()> },
    Record { user: i64, supervisor: bool, call_id: String, action: RecordAction, reply: Reply<()> },
    Hold { agent: i64, call_id: String, hold: bool, reply: Reply<()> },
    Digits { agent: i64, call_id: String, digits: String, reply: Reply<()> },
    Status { agent: i64, available: bool, reason: Option<String> },
    WrapUpExtend { agent: i64, reply: Reply<()> },
    WrapUpDone { agent: i64, call_id: String, reply: Reply<()> },
    WebCall { req: WebCallRequest, events: mpsc::Sender<WebEvent>, reply: Reply<(DialogId, String)> },
    WebDigits { dialog: DialogId, digits: String, reply: Reply<()> },
    WebHangUp { dialog: DialogId },
    WaitEstimate { queue: String, reply: oneshot::Sender<Option<crate::calls::WaitEstimate>> },
    Campaign(CampaignRequest),
}

/// What the dialer's driver asks of call control (see `calls/campaign.rs`).
pub enum CampaignRequest {
    /// Campaign calls' news go to `news` from now on.
    Link {
        news: mpsc::UnboundedSender<crate::calls::CampaignNews>,
    },
    Dial {
        dial: Box<crate::calls::CampaignDial>,
        reply: Reply<()>,
    },
    Connect {
        call_id: String,
        agent: i64,
        reply: Reply<()>,
    },
    /// Prompt ids of the catalog, played in the campaign's language.
    Message {
        call_id: String,
        prompts: Vec<String>,
        reply: Reply<()>,
    },
    Flow {
        call_id: String,
        flow: Option<Arc<Flow>>,
        reply: Reply<()>,
    },
    HangUp {
        call_id: String,
        reply: Reply<()>,
    },
}

/// How agents' sockets reach call control. Cheap to clone.
#[derive(Clone)]
pub struct CallsHandle {
    requests: mpsc::Sender<Request>,
}

fn gone() -> Refusal {
    Refusal { code: "unavailable", message: "call control is stopping".into() }
}

impl CallsHandle {
    /// Sends a request with its reply channel and waits for the answer.
    async fn ask<T>(&self, request: impl FnOnce(oneshot::Sender<T>) -> Request) -> Result<T, Refusal> {
        let (reply, rx) = oneshot::channel();
        self.requests.send(request(reply)).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())
    }

    /// The agent answers a ringing call with their softphone's WebRTC
    /// offer; the result is the gateway's answer. `language` is the agent's,
    /// for the queue's whisper.
    pub async fn answer(&self, agent: i64, call_id: String, sdp: String, language: String) -> Result<String, Refusal> {
        self.ask(|reply| Request::Answer { agent, call_id, sdp, language, reply }).await?
    }

    pub async fn decline(&self, agent: i64, call_id: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::Decline { agent, call_id, reply }).await?
    }

    pub async fn hang_up(&self, agent: i64, call_id: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::HangUp { agent, call_id, reply }).await?
    }

    /// The agent presses keys on their call.
    pub async fn send_digits(&self, agent: i64, call_id: String, digits: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::Digits { agent, call_id, digits, reply }).await?
    }

    /// The agent holds or resumes their call; `call.held` follows.
    pub async fn hold(&self, agent: i64, call_id: String, hold: bool) -> Result<(), Refusal> {
        self.ask(|reply| Request::Hold { agent, call_id, hold, reply }).await?
    }

    /// What a newly opened desk must be told: calls ringing for the user,
    /// their call in progress.
    pub async fn snapshot(&self, user: i64) -> Result<Vec<ServerMsg>, Refusal> {
        self.ask(|reply| Request::Snapshot { user, reply }).await
    }

    /// The agent hands their call to another agent.
    pub async fn transfer(&self, agent: i64, call_id: String, to_agent: i64) -> Result<(), Refusal> {
        self.ask(|reply| Request::Transfer { agent, call_id, to_agent, reply }).await?
    }

    /// The agent hands their call to a queue.
    pub async fn transfer_to_queue(&self, agent: i64, call_id: String, queue: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::TransferToQueue { agent, call_id, queue, reply }).await?
    }

    /// The agent hands their call to an outside number.
    pub async fn transfer_to_number(&self, agent: i64, call_id: String, number: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::TransferToNumber { agent, call_id, number, reply }).await?
    }

    /// A step of the agent's consultation of an outside number.
    pub async fn consult(&self, agent: i64, call_id: String, step: ConsultStep) -> Result<(), Refusal> {
        self.ask(|reply| Request::Consult { agent, call_id, step, reply }).await?
    }

    /// The agent takes their call back with a new softphone leg.
    pub async fn rejoin(&self, agent: i64, call_id: String, sdp: String) -> Result<String, Refusal> {
        self.ask(|reply| Request::Rejoin { agent, call_id, sdp, reply }).await?
    }

    /// The live calls, for a supervisor who starts watching them.
    pub async fn live_calls(&self) -> Result<Vec<LiveCall>, Refusal> {
        self.ask(|reply| Request::WatchCalls { reply }).await
    }

    /// A supervisor joins a call with their WebRTC offer; the result is the
    /// gateway's answer.
    pub async fn supervise(
        &self,
        user: i64,
        call_id: String,
        mode: SuperviseMode,
        sdp: String,
    ) -> Result<String, Refusal> {
        self.ask(|reply| Request::Supervise { user, call_id, mode, sdp, reply }).await?
    }

    pub async fn supervise_mode(&self, user: i64, call_id: String, mode: SuperviseMode) -> Result<(), Refusal> {
        self.ask(|reply| Request::SuperviseMode { user, call_id, mode, reply }).await?
    }

    pub async fn supervise_stop(&self, user: i64, call_id: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::SuperviseStop { user, call_id, reply }).await?
    }

    /// Controls a call's recording: its agent, or a supervisor.
    pub async fn record(
        &self,
        user: i64,
        supervisor: bool,
        call_id: String,
        action: RecordAction,
    ) -> Result<(), Refusal> {
        self.ask(|reply| Request::Record { user, supervisor, call_id, action, reply }).await?
    }

    /// The agent calls `number` out with their softphone's WebRTC offer;
    /// the result is the call and the gateway's answer.
    /// The agent chose a status: it also acknowledges a missed offer (the
    /// presence broadcast alone says nothing when the status is the same).
    pub async fn status_chosen(&self, agent: i64, available: bool, reason: Option<String>) {
        let _ = self.requests.send(Request::Status { agent, available, reason }).await;
    }

    /// More after-call work time (`wrong_state` when not wrapping up or out
    /// of extensions).
    pub async fn extend_wrap_up(&self, agent: i64) -> Result<(), Refusal> {
        self.ask(|reply| Request::WrapUpExtend { agent, reply }).await?
    }

    /// The after-call work of `call_id` is done (`call_gone` when it is not
    /// the agent's latest call).
    pub async fn wrap_up_done(&self, agent: i64, call_id: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::WrapUpDone { agent, call_id, reply }).await?
    }

    /// A web call button's caller calls: the result is their stand-in
    /// dialog and the gateway's answer; `events` hears how the call goes.
    pub async fn web_call(
        &self,
        req: WebCallRequest,
        events: mpsc::Sender<WebEvent>,
    ) -> Result<(DialogId, String), Refusal> {
        self.ask(|reply| Request::WebCall { req, events, reply }).await?
    }

    /// A web caller pressed keys on the widget's dialpad.
    pub async fn web_digits(&self, dialog: DialogId, digits: String) -> Result<(), Refusal> {
        self.ask(|reply| Request::WebDigits { dialog, digits, reply }).await?
    }

    /// A web caller hung up (or closed the page).
    pub async fn web_hang_up(&self, dialog: DialogId) {
        let _ = self.requests.send(Request::WebHangUp { dialog }).await;
    }

    /// A request of the dialer's driver about campaign calls; the
    /// refusal, if any.
    pub async fn campaign(&self, request: impl FnOnce(Reply<()>) -> CampaignRequest) -> Result<(), Refusal> {
        self.ask(|reply| Request::Campaign(request(reply))).await?
    }

    /// Campaign calls' news go to `news` from now on.
    pub async fn campaign_link(&self, news: mpsc::UnboundedSender<crate::calls::CampaignNews>) {
        let _ = self.requests.send(Request::Campaign(CampaignRequest::Link { news })).await;
    }

    /// How long a new caller to `queue` would wait; `None` when there is no
    /// such queue.
    pub async fn wait_estimate(&self, queue: String) -> Result<Option<crate::calls::WaitEstimate>, Refusal> {
        self.ask(|reply| Request::WaitEstimate { queue, reply }).await
    }

    pub async fn dial(
        &self,
        agent: i64,
        number: String,
        sdp: String,
        caller_id: Option<String>,
    ) -> Result<(CallInfo, String), Refusal> {
        self.ask(|reply| Request::Dial { agent, number, sdp, caller_id, reply }).await?
    }
}

/// A step of an attended transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsultStep {
    /// Call this number while the caller waits.
    Call(String),
    Complete,
    Join,
    Cancel,
}

/// The trunk agents' outbound calls leave on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub trunk: String,
    pub caller_id: String,
    /// The other caller IDs agents may choose.
    pub caller_ids: Vec<String>,
}

/// What the engine needs besides calls: the store (entry points, flows,
/// customers, queues, agents' profiles), the voice prompts, and the
/// changes made to queues and profiles through the API.
pub struct Engine {
    pub store: Store,
    /// `None` when the prompts could not be loaded: the IVR runs silently.
    pub prompts: Option<Arc<Catalog>>,
    /// Where the prompts are loaded from again when they change: the
    /// shipped ones and the administrators' (`media.prompts_dir`,
    /// `media.prompts_override_dir`).
    pub prompt_dirs: (std::path::PathBuf, std::path::PathBuf),
    pub routing: broadcast::Receiver<RoutingChanged>,
    /// Where voicemails are written (`media.voicemail_dir`).
    pub voicemail_dir: std::path::PathBuf,
    /// Makes an agent not ready as if they chose it (the routing engine
    /// does so after missed offers), so that their desk and supervisors see it.
    pub set_not_ready: Box<dyn Fn(i64) + Send>,
    /// What the routing engine has an agent doing (ringing, on a call,
    /// wrap-up, missed), for their desk and supervisors.
    pub on_activity: Box<dyn Fn(i64, crate::presence::Activity) + Send>,
}

/// Starts call control. Returns the handle for agents' sockets and the
/// link the SIP driver takes. Recordings are written under `recordings`,
/// one file per call named after it.
pub fn start(
    outbound: Option<Outbound>,
    recordings: std::path::PathBuf,
    media: WebRtcHandle,
    presence: broadcast::Receiver<AgentPresence>,
    notices: broadcast::Sender<Arc<Notice>>,
    engine: Engine,
    shutdown: watch::Receiver<bool>,
) -> (CallsHandle, CallLink) {
    let (req_tx, req_rx) = mpsc::channel(256);
    let (up_tx, up_rx) = mpsc::unbounded_channel();
    let (down_tx, down_rx) = mpsc::unbounded_channel();
    let (failed_tx, failed_rx) = mpsc::unbounded_channel();
    let (back_tx, back_rx) = mpsc::unbounded_channel();
    let (records_tx, records_rx) = mpsc::unbounded_channel();
    tokio::spawn(write_records(engine.store.clone(), records_rx));
    let driver = Driver {
        core: Calls::new(),
        outbound,
        recordings,
        media,
        sip: down_tx,
        notices,
        failed: failed_tx,
        store: engine.store,
        prompts: engine.prompts,
        prompt_dirs: engine.prompt_dirs,
        voicemail_dir: engine.voicemail_dir,
        set_not_ready: engine.set_not_ready,
        on_activity: engine.on_activity,
        presences: HashMap::new(),
        routing_dialogs: HashMap::new(),
        profiled: std::collections::HashSet::new(),
        routing_seq: 0,
        back: back_tx,
        records: records_tx,
        callbacks_restored: false,
        callbacks_seq: 0,
        web: Default::default(),
        campaign_news: None,
    };
    tokio::spawn(driver.run(req_rx, up_rx, presence, failed_rx, back_rx, engine.routing, shutdown));
    (CallsHandle { requests: req_tx }, CallLink { up: up_tx, down: down_rx })
}

/// Answers of spawned work (database queries, media set-up), back in the
/// loop.
enum Back {
    Routed {
        call_id: String,
        started: String,
        incoming: Box<Incoming>,
        flow: Option<Arc<Flow>>,
        customer: Option<CustomerRef>,
    },
    CallerMedia {
        call_id: String,
        media: Result<(RtpLegId, std::net::SocketAddr), ()>,
    },
    FarMedia {
        call_id: String,
        media: Result<(RtpLegId, std::net::SocketAddr), ()>,
    },
    Customer {
        call_id: String,
        customer: Option<CustomerRef>,
    },
    Routing {
        seq: u64,
        queues: Vec<QueueConfig>,
        profiles: Vec<(i64, AgentProfile)>,
    },
    CallbackSaved {
        key: u64,
        id: i64,
    },
    Survey {
        call_id: String,
        flow: Option<Arc<Flow>>,
    },
    Callbacks {
        seq: u64,
        rows: Vec<crate::store::CallbackRow>,
    },
    /// The voice prompts loaded again after an administrator's change.
    Prompts(Arc<Catalog>),
}

/// What the writer task stores, in order.
enum Write {
    Track(String, u64, Tracked),
    CallbackDialing { id: i64, agent: i64, at: u64 },
    CallbackResult { id: i64, result: shared::records::CallbackResult, retry_at: Option<u64>, at: u64 },
}

/// Loads the queues and agents' profiles for the routing engine.
fn load_routing(store: Store, back: mpsc::UnboundedSender<Back>, seq: u64) {
    tokio::spawn(async move {
        match (store.list_queues().await, store.agent_profiles().await) {
            (Ok(queues), Ok(profiles)) => {
                let _ = back.send(Back::Routing { seq, queues, profiles });
            }
            (Err(e), _) | (_, Err(e)) => tracing::error!(error = %e, "routing configuration not loaded"),
        }
    });
}

/// Writes calls' interaction records and timelines, one step after the
/// other, so that a record exists before its updates. A failed write is
/// logged and the next goes on (calls never wait for the database).
async fn write_records(store: Store, mut steps: mpsc::UnboundedReceiver<Write>) {
    use crate::store::{InteractionPatch, NewInteraction};
    while let Some(step) = steps.recv().await {
        let (call_id, at, what) = match step {
            Write::Track(call_id, at, what) => (call_id, at, what),
            Write::CallbackDialing { id, agent, at } => {
                if let Err(e) = store.callback_attempt_started(id, Some(agent), at as i64).await {
                    tracing::warn!(error = %e, "callback attempt not stored");
                }
                continue;
            }
            Write::CallbackResult { id, result, retry_at, at } => {
                let retry = retry_at.map(|t| t as i64);
                if let Err(e) = store.callback_attempt_result(id, result, retry, at as i64).await {
                    tracing::warn!(error = %e, "callback result not stored");
                }
                continue;
            }
        };
        let at = at as i64;
        let kind = kind_of(&what);
        let (update, data): (Option<InteractionPatch>, Option<serde_json::Value>) = match what {
            Tracked::Started { initiation, caller, callee, trunk, agent } => {
                let mut n = NewInteraction::new(call_id.clone(), initiation, at);
                n.caller = Some(caller).filter(|c| !c.is_empty());
                n.callee = Some(callee).filter(|c| !c.is_empty());
                n.trunk = Some(trunk);
                n.agent_id = agent;
                if let Err(e) = store.interaction_start(&n).await {
                    tracing::warn!(error = %e, "interaction record not started");
                }
                (None, None)
            }
            Tracked::IvrLeft { path, customer } => (
                Some(InteractionPatch { ivr_ended_at: Some(at), customer_id: customer, ..Default::default() }),
                Some(serde_json::json!({ "path": path })),
            ),
            Tracked::Queued { queue } => (
                Some(InteractionPatch { queue: Some(queue.clone()), enqueued_at: Some(at), ..Default::default() }),
                Some(serde_json::json!({ "queue": queue })),
            ),
            Tracked::Answered { agent } => (
                Some(InteractionPatch {
                    agent_id: Some(agent),
                    answered_at: Some(at),
                    dequeued_at: Some(at),
                    ..Default::default()
                }),
                Some(serde_json::json!({ "agent_id": agent })),
            ),
            Tracked::Announced { position, wait_secs, all_busy, prompts } => (
                None,
                Some(serde_json::json!({
                    "position": position, "wait_secs": wait_secs, "all_busy": all_busy, "prompts": prompts,
                })),
            ),
            Tracked::Offered { agent } | Tracked::OfferExpired { agent } | Tracked::OfferDeclined { agent } => {
                (None, Some(serde_json::json!({ "agent": agent })))
            }
            Tracked::Held => (Some(InteractionPatch { holds_added: Some(1), ..Default::default() }), None),
            Tracked::Resumed { held_ms } => {
                (Some(InteractionPatch { hold_ms_added: Some(held_ms as i64), ..Default::default() }), None)
            }
            Tracked::Survey { score } => (
                Some(InteractionPatch { survey_score: Some(score), ..Default::default() }),
                Some(serde_json::json!({ "score": score })),
            ),
            Tracked::TransferredToQueue { from, queue } => (
                Some(InteractionPatch { queue: Some(queue.clone()), ..Default::default() }),
                Some(serde_json::json!({ "from": from, "queue": queue })),
            ),
            Tracked::TransferredToNumber { from, number } => {
                (None, Some(serde_json::json!({ "from": from, "number": number })))
            }
            Tracked::ForwardAnswered => (None, Some(serde_json::json!({ "answered": true }))),
            Tracked::Transferred { from, to } => (
                Some(InteractionPatch { agent_id: Some(to), ..Default::default() }),
                Some(serde_json::json!({ "from": from, "to": to })),
            ),
            Tracked::Ended { disposition, ended_by, sip_status, q850 } => (
                Some(InteractionPatch {
                    ended_at: Some(at),
                    disposition: Some(disposition),
                    ended_by: Some(ended_by),
                    sip_status,
                    q850,
                    ..Default::default()
                }),
                None,
            ),
        };
        if let Some(p) = update
            && let Err(e) = store.interaction_update(&call_id, &p, at).await
        {
            tracing::warn!(error = %e, "interaction record not updated");
        }
        if let Err(e) = store.interaction_event(&call_id, at, kind, data.as_ref()).await {
            tracing::warn!(error = %e, "interaction event not written");
        }
    }
}

/// The timeline's name of a step (`resource.verb`).
fn kind_of(what: &Tracked) -> &'static str {
    use shared::records as kinds;
    match what {
        Tracked::Started { .. } => kinds::CALL_STARTED,
        Tracked::IvrLeft { .. } => kinds::IVR_LEFT,
        Tracked::Queued { .. } => kinds::QUEUE_ENTERED,
        Tracked::Announced { .. } => kinds::QUEUE_ANNOUNCED,
        Tracked::Answered { .. } => kinds::CALL_ANSWERED,
        Tracked::Offered { .. } => kinds::OFFER_CREATED,
        Tracked::OfferExpired { .. } => kinds::OFFER_EXPIRED,
        Tracked::OfferDeclined { .. } => kinds::OFFER_DECLINED,
        Tracked::Held => kinds::CALL_HELD,
        Tracked::Resumed { .. } => kinds::CALL_RESUMED,
        Tracked::Transferred { .. } | Tracked::TransferredToQueue { .. } | Tracked::TransferredToNumber { .. } => {
            kinds::CALL_TRANSFERRED
        }
        Tracked::ForwardAnswered => kinds::CALL_ANSWERED,
        Tracked::Survey { .. } => kinds::SURVEY_COMPLETED,
        Tracked::Ended { disposition: shared::records::Disposition::Abandoned, .. } => kinds::QUEUE_ABANDONED,
        Tracked::Ended { .. } => kinds::CALL_ENDED,
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

struct Driver {
    core: Calls,
    outbound: Option<Outbound>,
    recordings: std::path::PathBuf,
    media: WebRtcHandle,
    sip: mpsc::UnboundedSender<SipCommand>,
    notices: broadcast::Sender<Arc<Notice>>,
    /// Recordings that could not start, by call.
    failed: mpsc::UnboundedSender<String>,
    store: Store,
    prompts: Option<Arc<Catalog>>,
    prompt_dirs: (std::path::PathBuf, std::path::PathBuf),
    voicemail_dir: std::path::PathBuf,
    set_not_ready: Box<dyn Fn(i64) + Send>,
    on_activity: Box<dyn Fn(i64, crate::presence::Activity) + Send>,
    /// Each agent's last presence handed to the engine (connected, chosen
    /// status, reason): activity news come back on the same broadcast.
    presences: HashMap<i64, (bool, AgentStatus, Option<String>)>,
    /// Inbound calls whose entry point is being looked up: false once the
    /// caller hung up meanwhile.
    routing_dialogs: HashMap<DialogId, bool>,
    /// Agents given a routing profile, to clear those that lost theirs.
    profiled: std::collections::HashSet<i64>,
    /// The latest routing reload asked; older answers are ignored.
    routing_seq: u64,
    back: mpsc::UnboundedSender<Back>,
    /// Interaction records and callbacks' attempts, written in order by
    /// their own task.
    records: mpsc::UnboundedSender<Write>,
    /// Stored callbacks were taken back after the first routing load.
    callbacks_restored: bool,
    /// The latest look at the stored callbacks; older answers are ignored.
    callbacks_seq: u64,
    /// Web call button callers' legs, by stand-in dialog.
    web: web_call::WebLegs,
    /// Where campaign calls' news go: the dialer's driver, once linked.
    campaign_news: Option<mpsc::UnboundedSender<crate::calls::CampaignNews>>,
}

impl Driver {
    // The loop's inputs, each its own channel.
    #[allow(clippy::too_many_arguments)]
    async fn run(
        mut self,
        mut requests: mpsc::Receiver<Request>,
        mut sip: mpsc::UnboundedReceiver<SipEvent>,
        mut presence: broadcast::Receiver<AgentPresence>,
        mut failed: mpsc::UnboundedReceiver<String>,
        mut back: mpsc::UnboundedReceiver<Back>,
        mut routing: broadcast::Receiver<RoutingChanged>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut media_events = self.media.subscribe();
        if let Some(o) = &self.outbound {
            self.core.set_outbound(o.trunk.clone(), o.caller_id.clone());
        }
        self.reload_routing();
        // Callbacks scheduled or cancelled over the API reach the queues
        // within this long.
        let mut callback_sync = tokio::time::interval(std::time::Duration::from_secs(15));
        callback_sync.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let timer = self.core.poll_timeout().map(|at| {
                let wait = std::time::Duration::from_millis(at.saturating_sub(now_ms()));
                tokio::time::Instant::now() + wait
            });
            tokio::select! {
                ev = sip.recv() => match ev {
                    // The dialed number's entry point decides the call's way.
                    Some(SipEvent::Incoming(incoming)) => self.route_incoming(incoming),
                    Some(SipEvent::Dialog(ev)) => {
                        if let DialogEvent::Terminated { id, .. } = &ev
                            && let Some(alive) = self.routing_dialogs.get_mut(id)
                        {
                            *alive = false;
                        }
                        self.core.advance(now_ms());
                        self.core.handle_dialog_event(ev);
                    }
                    Some(SipEvent::Invited { call_id, dialog }) => {
                        self.core.advance(now_ms());
                        self.core.handle_invited(&call_id, dialog);
                    }
                    None => return,
                },
                Some(call_id) = failed.recv() => {
                    self.core.advance(now_ms());
                    self.core.handle_record_failed(&call_id);
                }
                Some(b) = back.recv() => {
                    self.core.advance(now_ms());
                    self.handle_back(b);
                }
                r = routing.recv() => match r {
                    Ok(RoutingChanged::Prompts) => self.reload_prompts(),
                    Ok(RoutingChanged::QueueRemoved(name)) => {
                        self.core.advance(now_ms());
                        self.core.remove_queue(&name);
                        self.reload_routing();
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => self.reload_routing(),
                    Err(broadcast::error::RecvError::Closed) => {}
                },
                _ = callback_sync.tick(), if self.callbacks_restored => self.load_callbacks(),
                _ = async { match timer { Some(t) => tokio::time::sleep_until(t).await, None => std::future::pending().await } } => {
                    self.core.advance(now_ms());
                }
                req = requests.recv() => match req {
                    Some(req) => self.handle_request(req).await,
                    None => return,
                },
                p = presence.recv() => match p {
                    Ok(p) => {
                        let key = (p.connected, p.status, p.reason.clone());
                        if self.presences.get(&p.agent_id) != Some(&key) {
                            self.presences.insert(p.agent_id, key);
                            self.core.advance(now_ms());
                            self.core.handle_presence(p.agent_id, p.connected, p.status == AgentStatus::Available, p.reason);
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "call control missed presence changes");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                ev = media_events.recv() => match ev {
                    Ok(MediaEvent::LegEnded(leg, why)) => {
                        self.core.advance(now_ms());
                        if !self.web_leg_ended(leg) {
                            self.core.handle_leg_ended(leg, why);
                        }
                    }
                    Ok(MediaEvent::Digit(rtp, digit)) => {
                        tracing::debug!(leg = rtp.0, "key pressed");
                        self.core.advance(now_ms());
                        self.core.handle_digit(rtp, digit);
                    }
                    Ok(MediaEvent::RtpTimeout(rtp)) => {
                        self.core.advance(now_ms());
                        self.core.handle_rtp_timeout(rtp);
                    }
                    Ok(MediaEvent::PlayDone(rtp, id)) => {
                        self.core.advance(now_ms());
                        self.core.handle_play_done(rtp, id);
                    }
                    Ok(MediaEvent::AgentPlayDone(leg, _)) => {
                        self.core.advance(now_ms());
                        self.core.handle_whisper_done(leg);
                    }
                    Ok(MediaEvent::LegConnected(leg)) => self.web_leg_connected(leg),
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "call control missed media events");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = async { drop(shutdown.wait_for(|s| *s).await) } => return,
            }
            self.flush();
            metrics::gauge!("cc_calls").set(self.core.len() as f64);
        }
    }

    /// What spawned work brought back.
    fn handle_back(&mut self, b: Back) {
        match b {
            Back::Routed { call_id, started, incoming, flow, customer } => {
                // A caller who hung up during the lookup has no call to make.
                if self.routing_dialogs.remove(&incoming.dialog) != Some(true) {
                    return;
                }
                let session_id = rand::random::<u32>() as u64;
                self.core.handle_incoming(call_id, started, session_id, *incoming, flow, customer);
            }
            Back::CallerMedia { call_id, media } => self.core.handle_caller_media(&call_id, media),
            Back::FarMedia { call_id, media } => self.core.handle_far_media(&call_id, media),
            Back::CallbackSaved { key, id } => self.core.handle_callback_saved(key, id),
            Back::Survey { call_id, flow } => self.core.handle_survey_flow(&call_id, flow),
            Back::Prompts(catalog) => {
                tracing::info!("voice prompts reloaded");
                self.prompts = Some(catalog);
            }
            Back::Callbacks { seq, rows } => {
                // Only the latest look at the store counts.
                if seq != self.callbacks_seq {
                    return;
                }
                let stored = rows
                    .into_iter()
                    .map(|cb| crate::calls::callback::Stored {
                        id: cb.id,
                        queue: cb.queue,
                        number: cb.number,
                        customer: cb.customer_id,
                        origin: cb.call_id,
                        position_at: cb.position_at.max(0) as u64,
                        not_before: cb.next_attempt_at.or(cb.due_at).map(|t| t.max(0) as u64),
                        attempts: cb.attempts,
                        interrupted: cb.state == shared::records::CallbackState::Dialing,
                    })
                    .collect();
                self.core.sync_callbacks(stored);
            }
            Back::Customer { call_id, customer } => self.core.handle_customer(&call_id, customer),
            Back::Routing { seq, queues, profiles } => {
                if seq != self.routing_seq {
                    return;
                }
                for q in queues {
                    let name = q.name.clone();
                    if let Err(e) = self.core.set_queue(q) {
                        tracing::warn!(queue = %name, error = %e, "queue not taken by the routing engine");
                    }
                }
                let listed: std::collections::HashSet<i64> = profiles.iter().map(|(a, _)| *a).collect();
                for gone in self.profiled.difference(&listed) {
                    self.core.set_agent_profile(*gone, AgentProfile::default());
                }
                for (agent, profile) in profiles {
                    self.core.set_agent_profile(agent, profile);
                }
                self.profiled = listed;
                if !self.callbacks_restored {
                    // Callbacks waiting before a restart take their places again.
                    self.callbacks_restored = true;
                    self.load_callbacks();
                }
            }
        }
    }

    /// The store's pending callbacks, for [`Calls::sync_callbacks`].
    fn load_callbacks(&mut self) {
        self.callbacks_seq += 1;
        let seq = self.callbacks_seq;
        let (store, back) = (self.store.clone(), self.back.clone());
        tokio::spawn(async move {
            match store.callbacks_pending().await {
                Ok(rows) => {
                    let _ = back.send(Back::Callbacks { seq, rows });
                }
                Err(e) => tracing::error!(error = %e, "stored callbacks not loaded"),
            }
        });
    }

    fn reload_routing(&mut self) {
        self.routing_seq += 1;
        load_routing(self.store.clone(), self.back.clone(), self.routing_seq);
    }

    /// Loads the voice prompts again (off the loop: it reads files). A
    /// catalog that no longer loads keeps the one in use.
    fn reload_prompts(&self) {
        let (dir, overrides) = self.prompt_dirs.clone();
        let back = self.back.clone();
        tokio::task::spawn_blocking(move || match Catalog::load(&dir, Some(&overrides)) {
            Ok(c) => {
                let _ = back.send(Back::Prompts(Arc::new(c)));
            }
            Err(e) => tracing::error!(error = %e, "voice prompts not reloaded; the previous ones stay"),
        });
    }

    /// Renders prompts to samples: the catalog's, or nothing when it has
    /// none of them (the IVR goes on at once).
    fn render(&self, language: &str, prompts: &[String]) -> Option<Arc<[i16]>> {
        let catalog = self.prompts.as_ref()?;
        let lang = shared::Lang::parse(language).unwrap_or(crate::prompts::FALLBACK);
        let ids: Vec<&str> = prompts.iter().map(String::as_str).collect();
        match catalog.render(lang, &ids) {
            Ok(samples) => Some(samples.into()),
            Err(e) => {
                tracing::warn!(error = %e, "prompt not played");
                None
            }
        }
    }

    async fn handle_request(&mut self, req: Request) {
        self.core.advance(now_ms());
        match req {
            Request::Answer { agent, call_id, sdp, language, reply } => {
                let r = self.answer(agent, &call_id, sdp, &language).await;
                if let Err(e) = &r {
                    tracing::info!(agent, code = e.code, "answer refused");
                }
                let _ = reply.send(r);
            }
            Request::Decline { agent, call_id, reply } => {
                let _ = reply.send(self.core.handle_decline(agent, &call_id).map_err(Refusal::from));
            }
            Request::HangUp { agent, call_id, reply } => {
                let _ = reply.send(self.core.handle_hang_up(agent, &call_id).map_err(Refusal::from));
            }
            Request::Digits { agent, call_id, digits, reply } => {
                let r = self.core.handle_send_digits(agent, &call_id, &digits).map_err(Refusal::from);
                let _ = reply.send(r);
            }
            Request::Status { agent, available, reason } => {
                if self.presences.get(&agent).is_some_and(|p| p.0) {
                    self.core.handle_presence(agent, true, available, reason);
                }
            }
            Request::WrapUpExtend { agent, reply } => {
                let _ = reply.send(self.core.extend_wrap_up(agent).map_err(Refusal::from));
            }
            Request::WebCall { req, events, reply } => {
                let r = self.web_call(req, events).await;
                let _ = reply.send(r);
            }
            Request::WebDigits { dialog, digits, reply } => {
                let _ = reply.send(self.web_digits(dialog, &digits));
            }
            Request::WebHangUp { dialog } => self.web_hang_up(dialog, "ended"),
            Request::WaitEstimate { queue, reply } => {
                let _ = reply.send(self.core.wait_estimate(&queue));
            }
            Request::Campaign(req) => self.campaign(req),
            Request::WrapUpDone { agent, call_id, reply } => {
                let _ = reply.send(self.core.wrap_up_done(agent, &call_id).map_err(Refusal::from));
            }
            Request::Hold { agent, call_id, hold, reply } => {
                let _ = reply.send(self.core.handle_hold(agent, &call_id, hold).map_err(Refusal::from));
            }
            Request::Snapshot { user, reply } => {
                let _ = reply.send(self.core.snapshot(user));
            }
            Request::TransferToQueue { agent, call_id, queue, reply } => {
                let r = self.core.handle_transfer_to_queue(agent, &call_id, &queue).map_err(Refusal::from);
                let _ = reply.send(r);
            }
            Request::Consult { agent, call_id, step, reply } => {
                let r = match step {
                    ConsultStep::Call(number) => self.core.handle_consult(agent, &call_id, &number),
                    ConsultStep::Complete => self.core.handle_consult_complete(agent, &call_id),
                    ConsultStep::Join => self.core.handle_consult_join(agent, &call_id),
                    ConsultStep::Cancel => self.core.handle_consult_cancel(agent, &call_id),
                };
                let _ = reply.send(r.map_err(Refusal::from));
            }
            Request::TransferToNumber { agent, call_id, number, reply } => {
                let r = self.core.handle_transfer_to_number(agent, &call_id, &number).map_err(Refusal::from);
                let _ = reply.send(r);
            }
            Request::Transfer { agent, call_id, to_agent, reply } => {
                let _ = reply.send(self.core.handle_transfer(agent, &call_id, to_agent).map_err(Refusal::from));
            }
            Request::Rejoin { agent, call_id, sdp, reply } => {
                let _ = reply.send(self.rejoin(agent, &call_id, sdp).await);
            }
            Request::WatchCalls { reply } => {
                let _ = reply.send(self.core.live_calls());
            }
            Request::Supervise { user, call_id, mode, sdp, reply } => {
                let r = self.supervise(user, &call_id, mode, sdp).await;
                if let Err(e) = &r {
                    tracing::info!(user, code = e.code, "supervision refused");
                }
                let _ = reply.send(r);
            }
            Request::SuperviseMode { user, call_id, mode, reply } => {
                let _ = reply.send(self.core.handle_supervise_mode(user, &call_id, mode).map_err(Refusal::from));
            }
            Request::SuperviseStop { user, call_id, reply } => {
                let _ = reply.send(self.core.handle_supervise_stop(user, &call_id).map_err(Refusal::from));
            }
            Request::Record { user, supervisor, call_id, action, reply } => {
                let _ = reply.send(self.core.handle_record(user, supervisor, &call_id, action).map_err(Refusal::from));
            }
            Request::Dial { agent, number, sdp, caller_id, reply } => {
                let r = self.dial(agent, number, sdp, caller_id).await;
                if let Err(e) = &r {
                    tracing::info!(agent, code = e.code, "dial refused");
                }
                let _ = reply.send(r);
            }
        }
    }

    /// Carries out the dialer's request about a campaign call.
    fn campaign(&mut self, req: CampaignRequest) {
        let core = &mut self.core;
        let (r, reply) = match req {
            CampaignRequest::Link { news } => {
                self.campaign_news = Some(news);
                return;
            }
            CampaignRequest::Dial { dial, reply } => (core.handle_campaign_dial(*dial), reply),
            CampaignRequest::Connect { call_id, agent, reply } => {
                (core.handle_campaign_connect(&call_id, agent), reply)
            }
            CampaignRequest::Message { call_id, prompts, reply } => {
                (core.handle_campaign_message(&call_id, prompts), reply)
            }
            CampaignRequest::Flow { call_id, flow, reply } => (core.handle_campaign_flow(&call_id, flow), reply),
            CampaignRequest::HangUp { call_id, reply } => (core.handle_campaign_hang_up(&call_id), reply),
        };
        let _ = reply.send(r.map_err(Refusal::from));
    }

    /// Takes the call for the agent, opens both legs, bridges them and
    /// answers the caller. With a queue's whisper, the agent's leg hears it
    /// first, in `language`, and is bridged when it ends.
    async fn answer(&mut self, agent: i64, call_id: &str, offer: String, language: &str) -> Result<String, Refusal> {
        let media = self.core.handle_answer(agent, call_id)?;
        // The agent is now on this call; its other offers were withdrawn.
        self.flush();
        if media == AnswerMedia::Dial {
            return self.dial_callback(agent, call_id, offer).await;
        }
        let (leg, answer) = match self.media.add_leg(offer, LegMode::Forward).await {
            Ok(x) => x,
            Err(message) => {
                self.core.handle_media_failed(call_id);
                return Err(Refusal { code: "bad_sdp", message });
            }
        };
        let (rtp, local, opened) = match media {
            // A transferred call: the caller's leg is up; bridge to it.
            AnswerMedia::Reuse { rtp, local } => (rtp, local, false),
            AnswerMedia::Dial => unreachable!("callbacks returned above"),
            AnswerMedia::Open(plan) => {
                let codec = g711_of(plan.codec);
                match self.media.add_rtp_leg(plan.remote, codec, plan.pt, plan.telephone_event_pt).await {
                    Ok((rtp, local)) => (rtp, local, true),
                    Err(message) => {
                        self.media.remove_leg(leg);
                        self.core.handle_media_failed(call_id);
                        return Err(Refusal { code: "media_unavailable", message });
                    }
                }
            }
        };
        let whisper = match media {
            AnswerMedia::Reuse { .. } => self.core.whisper_prompt(call_id).and_then(|p| self.render(language, &[p])),
            _ => None,
        };
        let bridged = match whisper {
            Some(_) => Ok(()),
            None => self.media.bridge(leg, rtp).await,
        };
        let ready = bridged
            .map_err(|message| Refusal { code: "media_unavailable", message })
            .and_then(|()| self.core.handle_media_ready(call_id, leg, rtp, local).map_err(Refusal::from));
        if let Err(e) = ready {
            self.media.remove_leg(leg);
            if opened {
                self.media.remove_rtp_leg(rtp);
            }
            self.core.handle_media_failed(call_id);
            return Err(e);
        }
        if let Some(samples) = whisper {
            self.core.handle_whispering(call_id, leg);
            self.media.play_to_agent(leg, 0, samples);
        }
        Ok(answer)
    }

    /// The agent took a callback: their leg, an RTP leg, then the INVITE
    /// to the customer. A failure ends the attempt (another comes later).
    async fn dial_callback(&mut self, agent: i64, call_id: &str, offer: String) -> Result<String, Refusal> {
        let fail = |this: &mut Self| {
            let _ = this.core.handle_hang_up(agent, call_id);
        };
        let (leg, answer) = match self.media.add_leg(offer, LegMode::Forward).await {
            Ok(x) => x,
            Err(message) => {
                fail(self);
                return Err(Refusal { code: "bad_sdp", message });
            }
        };
        let nowhere = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
        let (rtp, local) = match self.media.add_rtp_leg(nowhere, G711::Pcmu, 0, None).await {
            Ok(x) => x,
            Err(message) => {
                self.media.remove_leg(leg);
                fail(self);
                return Err(Refusal { code: "media_unavailable", message });
            }
        };
        let ready = self
            .media
            .bridge(leg, rtp)
            .await
            .map_err(|message| Refusal { code: "media_unavailable", message })
            .and_then(|()| self.core.handle_dial_media(call_id, leg, rtp, local).map_err(Refusal::from));
        if let Err(e) = ready {
            self.media.remove_leg(leg);
            self.media.remove_rtp_leg(rtp);
            fail(self);
            return Err(e);
        }
        Ok(answer)
    }

    /// Moves the agent's call to a new browser leg.
    async fn rejoin(&mut self, agent: i64, call_id: &str, offer: String) -> Result<String, Refusal> {
        let rtp = self.core.handle_rejoin(agent, call_id)?;
        let (leg, answer) = self
            .media
            .add_leg(offer, LegMode::Forward)
            .await
            .map_err(|message| Refusal { code: "bad_sdp", message })?;
        let bridged = self.media.bridge(leg, rtp).await;
        let done = bridged
            .map_err(|message| Refusal { code: "media_unavailable", message })
            .and_then(|()| self.core.handle_rejoined(call_id, leg).map_err(Refusal::from));
        if let Err(e) = done {
            self.media.remove_leg(leg);
            return Err(e);
        }
        Ok(answer)
    }

    /// Adds a supervisor's leg to a talking call.
    async fn supervise(
        &mut self,
        user: i64,
        call_id: &str,
        mode: SuperviseMode,
        offer: String,
    ) -> Result<String, Refusal> {
        let rtp = self.core.handle_supervise(user, call_id, mode)?;
        let (leg, answer) = match self.media.add_leg(offer, LegMode::Forward).await {
            Ok(x) => x,
            Err(message) => {
                self.core.handle_supervision_failed(user, call_id);
                return Err(Refusal { code: "bad_sdp", message });
            }
        };
        let joined = self.media.supervise(rtp, leg, supervision(mode)).await;
        let ready = joined
            .map_err(|message| Refusal { code: "media_unavailable", message })
            .and_then(|()| self.core.handle_supervision_ready(user, call_id, leg).map_err(Refusal::from));
        if let Err(e) = ready {
            self.media.remove_leg(leg);
            self.core.handle_supervision_failed(user, call_id);
            return Err(e);
        }
        Ok(answer)
    }

    /// Places the agent's outbound call: takes it in the core, opens the
    /// browser leg and an RTP leg (pointed at the far end once it answers),
    /// and lets the core ask for the INVITE.
    async fn dial(
        &mut self,
        agent: i64,
        number: String,
        offer: String,
        caller_id: Option<String>,
    ) -> Result<(CallInfo, String), Refusal> {
        let Some(out) = self.outbound.clone() else {
            return Err(Refusal { code: "no_trunk", message: "no trunk is configured for outbound calls".into() });
        };
        let caller_id = match caller_id {
            None => out.caller_id,
            Some(c) if c == out.caller_id || out.caller_ids.contains(&c) => c,
            Some(_) => {
                return Err(Refusal { code: "bad_caller_id", message: "not one of this trunk's caller IDs".into() });
            }
        };
        let call_id = new_call_id();
        let dial = Dial {
            call_id: call_id.clone(),
            started: now_rfc3339(),
            session_id: rand::random::<u32>() as u64,
            number,
            trunk: out.trunk,
            caller_id,
        };
        let info = self.core.handle_dial(agent, dial)?;
        self.flush();
        let (leg, answer) = match self.media.add_leg(offer, LegMode::Forward).await {
            Ok(x) => x,
            Err(message) => {
                self.core.handle_dial_failed(&call_id);
                return Err(Refusal { code: "bad_sdp", message });
            }
        };
        let nowhere = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
        let (rtp, local) = match self.media.add_rtp_leg(nowhere, G711::Pcmu, 0, None).await {
            Ok(x) => x,
            Err(message) => {
                self.media.remove_leg(leg);
                self.core.handle_dial_failed(&call_id);
                return Err(Refusal { code: "media_unavailable", message });
            }
        };
        let ready = self
            .media
            .bridge(leg, rtp)
            .await
            .map_err(|message| Refusal { code: "media_unavailable", message })
            .and_then(|()| self.core.handle_dial_media(&call_id, leg, rtp, local).map_err(Refusal::from));
        if let Err(e) = ready {
            self.media.remove_leg(leg);
            self.media.remove_rtp_leg(rtp);
            self.core.handle_dial_failed(&call_id);
            return Err(e);
        }
        Ok((info, answer))
    }

    fn flush(&mut self) {
        while let Some(out) = self.core.poll_output() {
            match out {
                Output::Sip(cmd) if web_dialog(&cmd) => self.web_command(cmd),
                Output::Sip(cmd) => {
                    // Only fails when the SIP task is gone, at shutdown.
                    let _ = self.sip.send(cmd);
                }
                Output::CallerState { dialog, phase } => self.web_phase(dialog, phase),
                Output::OpenFar { call_id } => {
                    let (media, back) = (self.media.clone(), self.back.clone());
                    tokio::spawn(async move {
                        let nowhere = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
                        let opened = media.add_rtp_leg(nowhere, G711::Pcmu, 0, Some(101)).await;
                        let media = opened.map_err(|e| tracing::warn!(error = %e, "the transfer's media not opened"));
                        let _ = back.send(Back::FarMedia { call_id, media });
                    });
                }
                Output::BridgeRtp { a, b } => self.media.bridge_rtp(a, b),
                Output::MoveAgent { browser, rtp } => self.media.move_browser(browser, rtp),
                Output::JoinFar { caller, browser, far } => self.media.join_far(caller, browser, far),
                Output::Notify { agent, msg } => {
                    // No receivers: the agent has no desk open right now.
                    let _ = self.notices.send(Arc::new(Notice { to: Audience::User(agent), msg }));
                }
                Output::Supervisors { msg } => {
                    let _ = self.notices.send(Arc::new(Notice { to: Audience::Supervisors, msg }));
                }
                Output::MediaSupervise { rtp, leg, mode } => self.media.set_supervision(rtp, leg, supervision(mode)),
                Output::Record { rtp, command } => match command {
                    RecordCommand::Start { call_id } => {
                        let (media, failed) = (self.media.clone(), self.failed.clone());
                        // A recording started again on the same call gets a file of its own.
                        let path = (1..100)
                            .map(|n| match n {
                                1 => self.recordings.join(format!("{call_id}.wav")),
                                n => self.recordings.join(format!("{call_id}-{n}.wav")),
                            })
                            .find(|p| !p.exists())
                            .unwrap_or_else(|| self.recordings.join(format!("{call_id}-last.wav")));
                        tokio::spawn(async move {
                            if let Err(e) = media.record(rtp, path).await {
                                tracing::warn!(error = %e, "recording not started");
                                let _ = failed.send(call_id);
                            }
                        });
                    }
                    RecordCommand::Pause(paused) => self.media.pause_recording(rtp, paused),
                    RecordCommand::Stop => self.media.stop_recording(rtp),
                },
                Output::MediaHold { rtp, held } => self.media.hold(rtp, held),
                Output::MediaRemote { rtp, remote, codec, pt, te_pt } => {
                    self.media.set_rtp_remote(rtp, remote, g711_of(codec), pt, te_pt);
                }
                Output::SendDigits { rtp, digits } => self.media.send_digits(rtp, digits),
                Output::OpenCaller { call_id, plan } => {
                    let (media, back) = (self.media.clone(), self.back.clone());
                    tokio::spawn(async move {
                        let codec = g711_of(plan.codec);
                        let opened = media.add_rtp_leg(plan.remote, codec, plan.pt, plan.telephone_event_pt).await;
                        let media = opened.map_err(|e| tracing::warn!(error = %e, "caller's media not opened"));
                        let _ = back.send(Back::CallerMedia { call_id, media });
                    });
                }
                Output::Play { rtp, id, language, prompts } => match self.render(&language, &prompts) {
                    Some(samples) => self.media.play(rtp, id, samples),
                    None => self.core.handle_play_done(rtp, id),
                },
                Output::StopPlay { rtp } => self.media.stop_play(rtp),
                Output::RecordCaller { call_id, rtp } => {
                    // Asked now, in order with what follows (a quick hang-up).
                    let started = self.media.record_caller(rtp, self.voicemail_dir.join(format!("{call_id}.wav")));
                    tokio::spawn(async move {
                        if let Ok(Err(e)) = started.await {
                            tracing::warn!(error = %e, "voicemail not recorded");
                        }
                    });
                }
                Output::AgentMissed { agent } => (self.set_not_ready)(agent),
                Output::AgentActivity { agent, activity, since, wrap_up_ends, wrap_up_call } => {
                    let activity = crate::presence::Activity {
                        activity,
                        since_ms: since as i64,
                        wrap_up_ends_ms: wrap_up_ends.map(|t| t as i64),
                        wrap_up_call,
                    };
                    (self.on_activity)(agent, activity);
                }
                Output::SaveVoicemail { call_id, rtp, mailbox, caller, customer, at } => {
                    // Asked now, so the file closes before the leg goes.
                    let written = self.media.finish_caller(rtp);
                    let store = self.store.clone();
                    tokio::spawn(async move {
                        let Ok(Some(samples)) = written.await else { return };
                        let v = crate::store::NewVoicemail {
                            mailbox_kind: mailbox.kind,
                            mailbox: mailbox.target,
                            call_id: Some(call_id.clone()),
                            caller: Some(caller).filter(|c| !c.is_empty()),
                            customer_id: customer,
                            received_at: at as i64,
                            duration_ms: (samples / 8) as i64,
                            file: format!("{call_id}.wav"),
                        };
                        match store.voicemail_create(&v, now_ms() as i64).await {
                            Ok(_) => {
                                let kind = shared::records::VOICEMAIL_CREATED;
                                let _ = store.interaction_event(&call_id, at as i64, kind, None).await;
                            }
                            Err(e) => tracing::error!(error = %e, "voicemail not stored"),
                        }
                    });
                }
                Output::Track { call_id, at, what } => {
                    let kind = kind_of(&what).to_owned();
                    let msg =
                        ServerMsg::CallEvent { call_id: call_id.clone(), kind, at: crate::store::rfc3339(at as i64) };
                    let _ = self.notices.send(Arc::new(Notice { to: Audience::Supervisors, msg }));
                    let _ = self.records.send(Write::Track(call_id, at, what));
                }
                Output::LoadSurvey { call_id, flow } => {
                    let (store, back) = (self.store.clone(), self.back.clone());
                    tokio::spawn(async move {
                        let flow = match store.flow(&flow).await {
                            Ok(f) => f.map(Arc::new),
                            Err(e) => {
                                tracing::error!(error = %e, "survey flow not loaded");
                                None
                            }
                        };
                        let _ = back.send(Back::Survey { call_id, flow });
                    });
                }
                Output::CallbackDialing { id, agent } => {
                    let _ = self.records.send(Write::CallbackDialing { id, agent, at: now_ms() });
                }
                Output::CallbackResult { id, result, retry_at } => {
                    let _ = self.records.send(Write::CallbackResult { id, result, retry_at, at: now_ms() });
                }
                Output::SaveCallback { key, queue, number, customer, call_id, entered } => {
                    let (store, back) = (self.store.clone(), self.back.clone());
                    tokio::spawn(async move {
                        let now = now_ms() as i64;
                        let request = crate::store::CallbackRequest {
                            queue,
                            number,
                            customer_id: customer,
                            call_id: Some(call_id),
                            requested_at: now,
                            due_at: None,
                            position_at: entered as i64,
                            max_attempts: crate::calls::callback::MAX_ATTEMPTS,
                            created_by: None,
                        };
                        match store.callback_create(&request, now).await {
                            Ok(id) => {
                                let _ = back.send(Back::CallbackSaved { key, id });
                            }
                            Err(e) => tracing::error!(error = %e, "callback not stored"),
                        }
                    });
                }
                Output::Music { rtp, on } => self.media.music(rtp, on),
                Output::Campaign(news) => {
                    if let Some(to) = &self.campaign_news {
                        let _ = to.send(news);
                    }
                }
                Output::LookupCustomer { call_id, by } => {
                    let (store, back) = (self.store.clone(), self.back.clone());
                    tokio::spawn(async move {
                        let found = match by {
                            Lookup::Number(n) => match shared::customers::normalize_phone(&n) {
                                Ok(e164) => store.customers().by_number(&e164).await,
                                Err(_) => Ok(None),
                            },
                            Lookup::Code(c) => store.customers().by_code(&c).await,
                        };
                        let customer = match found {
                            Ok(c) => c.map(|c| CustomerRef {
                                id: c.id,
                                name: c.name.unwrap_or_default(),
                                code: Some(c.code),
                            }),
                            Err(e) => {
                                tracing::error!(error = %e, "customer lookup failed");
                                None
                            }
                        };
                        let _ = back.send(Back::Customer { call_id, customer });
                    });
                }
                Output::RegisterCustomer { number } => {
                    let store = self.store.clone();
                    tokio::spawn(async move {
                        let Ok(e164) = shared::customers::normalize_phone(&number) else { return };
                        if let Err(e) = store.customers().register_unknown_caller(&e164, now_ms() as i64).await {
                            tracing::warn!(error = %e, "unknown caller not registered");
                        }
                    });
                }
                Output::Release { browser, rtp } => {
                    if let Some(b) = browser {
                        self.media.remove_leg(b);
                    }
                    if let Some(r) = rtp {
                        self.media.remove_rtp_leg(r);
                    }
                }
            }
        }
    }
}

fn supervision(mode: SuperviseMode) -> Supervision {
    match mode {
        SuperviseMode::Listen => Supervision::Listen,
        SuperviseMode::Whisper => Supervision::Whisper,
        SuperviseMode::Barge => Supervision::Barge,
    }
}

fn g711_of(codec: Codec) -> G711 {
    match codec {
        Codec::Pcmu => G711::Pcmu,
        Codec::Pcma => G711::Pcma,
    }
}

/// 128 random bits: a call id nobody can guess.
/// A command for a web caller's stand-in dialog, which no SIP stack holds.
fn web_dialog(cmd: &SipCommand) -> bool {
    match cmd {
        SipCommand::Ring { dialog }
        | SipCommand::Accept { dialog, .. }
        | SipCommand::Reject { dialog, .. }
        | SipCommand::HangUp { dialog }
        | SipCommand::Reinvite { dialog, .. } => dialog.is_web(),
        SipCommand::Invite { .. } => false,
    }
}

fn new_call_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn now_rfc3339() -> String {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    crate::store::rfc3339(ms)
}
