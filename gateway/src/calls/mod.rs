//! Call control: what happens to a call between the SIP dialog and the
//! agents' desks, as a sans-IO core.
//!
//! [`Calls`] keeps every live call with its SIP dialog, the agents it rings
//! for, the agent who took it and its media legs. It takes inputs from the
//! SIP side ([`Calls::handle_incoming`], [`Calls::handle_dialog_event`]),
//! from agents ([`Calls::handle_answer`], [`Calls::handle_decline`],
//! [`Calls::handle_hang_up`], [`Calls::handle_agent`]) and from media
//! ([`Calls::handle_media_ready`], [`Calls::handle_leg_ended`]), and queues
//! [`Output`]s: commands for the SIP driver, messages for agents, media to
//! release. The driver (`drive::calls`) owns the channels and sets up media
//! between [`Calls::handle_answer`] and [`Calls::handle_media_ready`].
//!
//! Until the routing engine exists, an inbound call rings every available
//! agent who is not on a call, and waits (ringing) for one to become
//! available; the first to answer takes it.
//!
//! An outbound call ([`Calls::handle_dial`]) belongs to its agent from the
//! start: the driver opens the agent's browser leg and an RTP leg, the core
//! makes the SDP offer and asks the SIP driver for the INVITE
//! ([`SipCommand::Invite`]); the far end's answer (or early media in a 183)
//! points the RTP leg at it ([`Output::MediaRemote`]).
//!
//! **Invariants:** an agent has at most one call in progress; a call is
//! answered by at most one agent; every call that ends releases its media
//! and tells everyone it rang for. No input can panic the core; nothing here
//! does IO, reads a clock or draws a random number (call ids come in).

pub mod callback;
mod campaign;
mod engine;
mod forward;
pub mod identity;
pub mod reason;
mod supervise;
mod track;
mod transfer;
pub(crate) mod voicemail;

pub use campaign::{CampaignDial, CampaignNews, CampaignResult};
pub use supervise::RecordCommand;
use supervise::Supervisor;
pub use track::Tracked;
pub use voicemail::Mailbox;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;

use shared::ws::{CallDirection, CallEndKind, CallEndReason, CallInfo, RecordingState, ServerMsg, SuperviseMode};

use crate::acd::{Acd, CallAttrs};
use crate::ivr::{Flow, IvrSession, Lookup};
use crate::media::rtp_leg::RtpLegId;
use crate::media::webrtc::{EndReason, LegId};
use crate::sdp::{self, Codec};
use crate::sip::StatusCode;
use crate::sip::dialog::{DialogId, Event as DialogEvent};

/// The codecs SIP legs are answered with, in our order of preference when
/// the offer leaves it open. Browsers speak both, so neither transcodes.
pub const CODECS: [Codec; 2] = [Codec::Pcmu, Codec::Pcma];

/// A new call from a trunk, read from its INVITE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub dialog: DialogId,
    pub trunk: String,
    pub caller: identity::Caller,
    pub dialed: String,
    /// The INVITE's SDP offer, if it had a body.
    pub sdp: Option<Vec<u8>>,
    /// What a web call button's caller brings; `None` for SIP calls.
    pub web: Option<WebCaller>,
}

/// A web call button's caller: where they called from and in which
/// language; the customer the site vouched for comes looked up, as
/// [`Calls::handle_incoming`]'s `customer`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebCaller {
    /// The page's address.
    pub page: Option<String>,
    /// The widget's language (`en`, `fa`, `ar`, `tr`).
    pub language: Option<String>,
    /// The customer code of a verified token, to look up.
    pub customer_code: Option<String>,
}

/// How long a new caller to a queue would wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitEstimate {
    /// Calls (and callbacks) waiting now.
    pub waiting: u32,
    /// Seconds; `None` when nobody works the queue.
    pub wait_secs: Option<u32>,
}

/// What a web caller's widget shows of their call.
pub use shared::widget::WidgetPhase as CallerPhase;

/// What the SIP driver is asked to do with a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SipCommand {
    /// 180 Ringing.
    Ring {
        dialog: DialogId,
    },
    /// 200 OK with our SDP (an answer).
    Accept {
        dialog: DialogId,
        sdp: Vec<u8>,
    },
    Reject {
        dialog: DialogId,
        status: StatusCode,
    },
    /// BYE, CANCEL or a refusal, whichever the dialog's state needs.
    HangUp {
        dialog: DialogId,
    },
    /// Place an outbound call to `number` with our SDP offer; the driver
    /// reports the dialog with [`Calls::handle_invited`].
    Invite {
        call_id: String,
        number: String,
        /// The From user: the caller ID the agent chose.
        caller_id: String,
        sdp: Vec<u8>,
    },
    /// A re-INVITE with our new offer (hold, resume).
    Reinvite {
        dialog: DialogId,
        sdp: Vec<u8>,
    },
}

/// Something for the driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Sip(SipCommand),
    /// A message for every open desk of one user (an agent, a supervisor).
    Notify {
        agent: i64,
        msg: ServerMsg,
    },
    /// A message for every supervisor watching calls.
    Supervisors {
        msg: ServerMsg,
    },
    /// Add a supervisor's browser leg to the call's media, or change its mode.
    MediaSupervise {
        rtp: RtpLegId,
        leg: LegId,
        mode: SuperviseMode,
    },
    /// Record the call of this SIP leg.
    Record {
        rtp: RtpLegId,
        command: RecordCommand,
    },
    /// Media legs to close.
    Release {
        browser: Option<LegId>,
        rtp: Option<RtpLegId>,
    },
    /// Point an RTP leg at the far end its SDP answer names, sending
    /// `codec` with payload type `pt`.
    MediaRemote {
        rtp: RtpLegId,
        remote: SocketAddr,
        codec: Codec,
        pt: u8,
        te_pt: Option<u8>,
    },
    /// Send keys to the far end as RFC 4733 events.
    SendDigits {
        rtp: RtpLegId,
        digits: String,
    },
    /// Stop (or restart) carrying audio between a call's legs.
    MediaHold {
        rtp: RtpLegId,
        held: bool,
    },
    /// Open the caller's RTP leg as planned and answer with
    /// [`Calls::handle_caller_media`] (a call that starts in the IVR).
    OpenCaller {
        call_id: String,
        plan: MediaPlan,
    },
    /// Play these prompts (ids of the prompt catalog) in `language` to a
    /// caller with nobody on the line; `id` comes back when they end.
    Play {
        rtp: RtpLegId,
        id: u64,
        language: String,
        prompts: Vec<String>,
    },
    /// Cut the prompts playing to a caller short.
    StopPlay {
        rtp: RtpLegId,
    },
    /// Hold music for a waiting caller (after any prompts), or silence.
    Music {
        rtp: RtpLegId,
        on: bool,
    },
    /// Load the flow `flow` and answer with [`Calls::handle_survey_flow`].
    LoadSurvey {
        call_id: String,
        flow: String,
    },
    /// Find the customer and answer with [`Calls::handle_customer`].
    LookupCustomer {
        call_id: String,
        by: Lookup,
    },
    /// Register an unknown caller as a customer (nothing comes back).
    RegisterCustomer {
        number: String,
    },
    /// Record what the caller says (a voicemail), into `<call_id>.wav`.
    RecordCaller {
        call_id: String,
        rtp: RtpLegId,
    },
    /// The voicemail is over: close its file and store it in `mailbox`.
    SaveVoicemail {
        call_id: String,
        rtp: RtpLegId,
        mailbox: voicemail::Mailbox,
        caller: String,
        customer: Option<i64>,
        at: u64,
    },
    /// Store a callback a caller asked for; answer with
    /// [`Calls::handle_callback_saved`].
    SaveCallback {
        key: u64,
        queue: String,
        number: String,
        customer: Option<i64>,
        call_id: String,
        entered: u64,
    },
    /// An agent took the stored callback `id`: an attempt starts.
    CallbackDialing {
        id: i64,
        agent: i64,
    },
    /// How the attempt went, and when the next one is, if any.
    CallbackResult {
        id: i64,
        result: shared::records::CallbackResult,
        retry_at: Option<u64>,
    },
    /// The agent missed offers in a row: make them not ready.
    AgentMissed {
        agent: i64,
    },
    /// What the routing engine has the agent doing changed (`since`, and
    /// when a wrap-up ends by itself, `wrap_up_ends`: ms).
    AgentActivity {
        agent: i64,
        activity: shared::ws::AgentActivity,
        since: u64,
        wrap_up_ends: Option<u64>,
        wrap_up_call: Option<String>,
    },
    /// Open an RTP leg for the outside number a call is sent on to, and
    /// answer with [`Calls::handle_far_media`].
    OpenFar {
        call_id: String,
    },
    /// Move the agent's softphone to another of the call's RTP legs (a
    /// consultation and back), alone with it.
    MoveAgent {
        browser: LegId,
        rtp: RtpLegId,
    },
    /// Mix the consulted number's leg into the call of `caller`, whose
    /// agent is `browser`: all three hear each other.
    JoinFar {
        caller: RtpLegId,
        browser: LegId,
        far: RtpLegId,
    },
    /// Bridge two RTP legs, packet by packet (a call sent on to a number).
    BridgeRtp {
        a: RtpLegId,
        b: RtpLegId,
    },
    /// How a web caller's call stands now, for their widget (only web
    /// callers' stand-in dialogs; told on each change).
    CallerState {
        dialog: DialogId,
        phase: CallerPhase,
    },
    /// A step of the call's life for its interaction record (`at`: ms).
    Track {
        call_id: String,
        at: u64,
        what: Tracked,
    },
    /// News of a campaign call, for the dialer's driver.
    Campaign(CampaignNews),
}

/// The media an answering agent's call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerMedia {
    /// Open the caller's RTP leg as planned (a new call).
    Open(MediaPlan),
    /// The caller's leg is up already (a transferred call): bridge to it.
    Reuse { rtp: RtpLegId, local: SocketAddr },
    /// A callback: open the agent's leg and an RTP leg, then dial the
    /// customer ([`Calls::handle_dial_media`]).
    Dial,
}

/// The SIP leg's media, agreed from the caller's offer: what
/// [`Calls::handle_answer`] hands the driver to open the RTP leg with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaPlan {
    /// Where the caller wants our RTP.
    pub remote: SocketAddr,
    pub codec: Codec,
    /// The codec's payload type on this leg.
    pub pt: u8,
    pub telephone_event_pt: Option<u8>,
}

/// Why an agent's request was refused. [`CallError::code`] is what the
/// desk receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("no such call, or not yours")]
    Gone,
    #[error("the call is no longer ringing")]
    NotRinging,
    #[error("you are on another call")]
    Busy,
    #[error("not a number we can dial")]
    BadNumber,
    #[error("the call cannot do that now")]
    WrongState,
    #[error("that agent cannot take a call now")]
    TargetUnavailable,
}

impl CallError {
    pub fn code(self) -> &'static str {
        match self {
            CallError::Gone => "call_gone",
            CallError::NotRinging => "call_taken",
            CallError::Busy => "busy",
            CallError::BadNumber => "bad_number",
            CallError::WrongState => "wrong_state",
            CallError::TargetUnavailable => "target_unavailable",
        }
    }
}

#[derive(Debug)]
enum State {
    /// The caller's media is being opened, to answer them for the IVR.
    Opening,
    /// Answered, in the IVR (its session is in `Calls::ivr`).
    Ivr,
    /// Answered, leaving a voicemail.
    Voicemail(voicemail::Stage),
    /// Hearing a last message before we hang up (a callback confirmed).
    Leaving,
    /// Waiting for an agent (in a queue, or ringing every free agent);
    /// `offered` see it ringing.
    Ringing,
    /// An agent answered; media is being set up.
    Answering { agent: i64 },
    /// An agent dials out; media is being set up.
    Dialing { agent: i64 },
    /// Sent on to an outside number (`Call::far`): ringing there, or
    /// bridged to it.
    Forwarded,
    /// Media is up. An outbound call is `connected` once the far end
    /// answers; an inbound one at once.
    Talking { agent: i64, browser: LegId, rtp: RtpLegId, connected: bool },
    /// A campaign's call to a contact (`Call::campaign`): ringing there, or
    /// answered and waiting for the dialer's word.
    Outdialing { answered: bool },
}

impl State {
    fn agent(&self) -> Option<i64> {
        match *self {
            State::Opening
            | State::Ivr
            | State::Voicemail(_)
            | State::Leaving
            | State::Ringing
            | State::Forwarded
            | State::Outdialing { .. } => None,
            State::Answering { agent } | State::Dialing { agent } | State::Talking { agent, .. } => Some(agent),
        }
    }
}

#[derive(Debug)]
struct Call {
    info: CallInfo,
    /// Arrival order, for offering waiting calls oldest first.
    seq: u64,
    /// The SIP dialog; for an outbound call, once the driver placed it.
    dialog: Option<DialogId>,
    /// The caller's SDP offer, answered once media is up (inbound calls).
    offer: Option<sdp::Session>,
    /// The SIP leg's media: from the caller's offer, or from the far end's
    /// answer (outbound calls, until then `None`).
    plan: Option<MediaPlan>,
    state: State,
    offered: BTreeSet<i64>,
    declined: BTreeSet<i64>,
    /// Our SDP's version (`o=`), bumped for each new answer.
    sdp_version: u64,
    session_id: u64,
    /// Our RTP address, once media is up.
    local: Option<SocketAddr>,
    /// The far end of an outbound call has rung (told to the agent once).
    remote_ringing: bool,
    /// On hold at the agent's request (the far end was told).
    held: bool,
    recording: RecordingState,
    supervisors: Vec<Supervisor>,
    /// A hold or resume asked of the far end, awaiting its answer.
    hold_pending: Option<bool>,
    /// The caller's media, kept while a transferred call rings for its next
    /// agent: their SIP leg and our RTP address.
    kept: Option<(RtpLegId, SocketAddr)>,
    /// Rings for this agent only (a transfer's target), until they decline.
    only: Option<i64>,
    /// In a queue of the routing engine: its key there, the queue and what
    /// the call brought, until the call ends or leaves the queue's agent.
    acd: Option<AcdEntry>,
    /// The caller's language (from the IVR), for prompts.
    language: String,
    /// An agent (or the far end of an outbound call) took it.
    answered: bool,
    /// Held since (ms), while held.
    held_since: Option<u64>,
    /// The customer the IVR found.
    customer: Option<i64>,
    /// The engine's key of the callback this call is for.
    callback: Option<u64>,
    /// Why the caller was let go, when not by an agent (a callback taken).
    left_for: Option<shared::records::Disposition>,
    /// In (or past) the post-call survey.
    surveyed: bool,
    /// A web caller's language, for the IVR.
    web_language: Option<String>,
    /// The customer known before the IVR (a web caller's verified token).
    known: Option<crate::ivr::CustomerRef>,
    /// What a web caller's widget was last told.
    phase: Option<CallerPhase>,
    /// The outside number the caller is sent on to.
    far: Option<forward::Far>,
    /// The agent's leg hears the queue's whisper; the caller is connected
    /// when it ends.
    whisper: Option<LegId>,
    /// What the agent was last told of supervisors coaching them.
    coached: Option<SuperviseMode>,
    /// A campaign's call: its reserved agent, ring time and contact card.
    campaign: Option<campaign::Link>,
}

#[derive(Debug, Clone)]
struct AcdEntry {
    key: u64,
    queue: String,
    attrs: CallAttrs,
}

impl Call {
    fn new(info: CallInfo, seq: u64, session_id: u64, state: State) -> Call {
        Call {
            info,
            seq,
            dialog: None,
            offer: None,
            plan: None,
            state,
            offered: BTreeSet::new(),
            declined: BTreeSet::new(),
            sdp_version: 1,
            session_id,
            local: None,
            remote_ringing: false,
            held: false,
            hold_pending: None,
            kept: None,
            only: None,
            acd: None,
            language: "en".to_owned(),
            answered: false,
            held_since: None,
            customer: None,
            callback: None,
            left_for: None,
            surveyed: false,
            web_language: None,
            known: None,
            phase: None,
            far: None,
            whisper: None,
            coached: None,
            campaign: None,
            recording: RecordingState::Off,
            supervisors: Vec::new(),
        }
    }
}

/// An agent's outbound call, for [`Calls::handle_dial`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dial {
    /// A fresh unguessable id, from the driver.
    pub call_id: String,
    /// RFC 3339, from the driver.
    pub started: String,
    pub session_id: u64,
    /// What the agent typed: digits, `*`, `#`, a leading `+`.
    pub number: String,
    pub trunk: String,
    /// Our number as the far end sees it.
    pub caller_id: String,
}

/// Digits with an optional leading `+`, and `*` `#`; at most 32.
pub fn is_dialable(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or(number);
    !digits.is_empty() && number.len() <= 32 && digits.bytes().all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
}

#[derive(Debug, Default)]
struct Agent {
    available: bool,
    /// The call this agent answered, until it ends.
    call: Option<String>,
}

#[derive(Debug)]
pub struct Calls {
    calls: HashMap<String, Call>,
    by_dialog: HashMap<DialogId, String>,
    by_leg: HashMap<LegId, String>,
    by_rtp: HashMap<RtpLegId, String>,
    /// Supervisors' browser legs: the call and the supervisor.
    sup_legs: HashMap<LegId, (String, i64)>,
    agents: HashMap<i64, Agent>,
    next_seq: u64,
    out: VecDeque<Output>,
    /// The routing engine: queues, agents' states, offers.
    acd: Acd,
    /// Calls in the engine, by their key there.
    acd_keys: HashMap<u64, String>,
    next_key: u64,
    /// Callers in the IVR, by call.
    ivr: HashMap<String, IvrSession>,
    /// The driver's clock (ms since the Unix epoch), from [`Calls::advance`].
    now: u64,
    /// Ids of announcements played to waiting callers.
    next_play: u64,
    /// The trunk and caller id callbacks use.
    outbound: Option<(String, String)>,
    callbacks: callback::Callbacks,
    /// Each agent's latest answered call: the one a wrap-up is for.
    last_call: HashMap<i64, String>,
    /// Extensions of each agent's current wrap-up.
    extensions: HashMap<i64, u32>,
}

impl Default for Calls {
    fn default() -> Calls {
        Calls {
            calls: HashMap::new(),
            by_dialog: HashMap::new(),
            by_leg: HashMap::new(),
            by_rtp: HashMap::new(),
            sup_legs: HashMap::new(),
            agents: HashMap::new(),
            next_seq: 0,
            out: VecDeque::new(),
            acd: Acd::new(1),
            acd_keys: HashMap::new(),
            next_key: 0,
            ivr: HashMap::new(),
            now: 0,
            next_play: 0,
            outbound: None,
            callbacks: callback::Callbacks::default(),
            last_call: HashMap::new(),
            extensions: HashMap::new(),
        }
    }
}

impl Calls {
    pub fn new() -> Calls {
        Calls::default()
    }

    /// How long a caller joining `queue` now would wait; `None` when the
    /// routing engine has no such queue.
    pub fn wait_estimate(&self, queue: &str) -> Option<WaitEstimate> {
        let (waiting, wait_secs) = self.acd.estimate_new(self.now, queue)?;
        Some(WaitEstimate { waiting, wait_secs })
    }

    /// Calls alive, for a gauge.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// A call from a trunk. `call_id` is a fresh unguessable id and
    /// `started` the arrival time (RFC 3339), both from the driver. A call
    /// whose offer we cannot answer is refused 488 (RFC 3261 §13.3.1.3);
    /// one without an offer, 488 too: we do not make offers in 2xx yet.
    ///
    /// With a `flow` (the dialed number's entry point) the caller is answered
    /// and walks the IVR, which ends by queuing the call with the routing
    /// engine; without, the call rings every free available agent.
    pub fn handle_incoming(
        &mut self,
        call_id: String,
        started: String,
        session_id: u64,
        incoming: Incoming,
        flow: Option<Arc<Flow>>,
        customer: Option<crate::ivr::CustomerRef>,
    ) {
        let refuse = |out: &mut VecDeque<Output>| {
            let status = StatusCode::new(488).expect("488 is a status code");
            out.push_back(Output::Sip(SipCommand::Reject { dialog: incoming.dialog, status }));
        };
        let Some(offer) = incoming.sdp.as_deref().and_then(|b| sdp::parse(b).ok()) else {
            refuse(&mut self.out);
            return;
        };
        // Negotiated now to refuse early; answered again once our port is known.
        let probe = SocketAddr::from(([0, 0, 0, 0], 9));
        let Ok(answer) = sdp::answer_offer(&offer, probe, &CODECS, session_id, 1) else {
            refuse(&mut self.out);
            return;
        };
        let plan = MediaPlan {
            remote: answer.remote,
            codec: answer.codec,
            pt: answer.codec_pt,
            telephone_event_pt: answer.telephone_event_pt,
        };
        let web = incoming.web.unwrap_or_default();
        let mut info = CallInfo {
            from_name: incoming.caller.name,
            page: web.page,
            ..CallInfo::new(
                call_id.clone(),
                CallDirection::Inbound,
                incoming.caller.number,
                incoming.dialed,
                incoming.trunk,
                started,
            )
        };
        if let Some(c) = &customer {
            info.customer_id = Some(c.id);
            info.customer_name = Some(c.name.clone()).filter(|n| !n.is_empty());
        }
        self.next_seq += 1;
        self.by_dialog.insert(incoming.dialog, call_id.clone());
        let state = if flow.is_some() { State::Opening } else { State::Ringing };
        let started = track::Tracked::Started {
            initiation: shared::records::Initiation::Inbound,
            caller: info.from.clone(),
            callee: info.to.clone(),
            trunk: info.trunk.clone(),
            agent: None,
        };
        let mut call = Call::new(info, self.next_seq, session_id, state);
        call.dialog = Some(incoming.dialog);
        call.offer = Some(offer);
        call.plan = Some(plan);
        call.customer = customer.as_ref().map(|c| c.id);
        call.known = customer;
        call.web_language = web.language;
        self.calls.insert(call_id.clone(), call);
        self.track(&call_id, started);
        if let Some(flow) = flow {
            self.start_ivr(call_id, plan, flow);
            return;
        }
        self.out.push_back(Output::Sip(SipCommand::Ring { dialog: incoming.dialog }));
        self.publish(&call_id);
        self.offer_all_free(&call_id);
    }

    /// An agent's availability: connected, in status available. A newly
    /// available agent hears every waiting call ring; one who leaves stops
    /// hearing them (a call they are on goes on).
    pub fn handle_agent(&mut self, agent: i64, available: bool) {
        let a = self.agents.entry(agent).or_default();
        if a.available == available {
            return;
        }
        a.available = available;
        if available {
            self.offer_waiting(agent);
        } else {
            self.withdraw_all(agent, CallEndKind::Withdrawn);
        }
    }

    /// The agent answers a ringing call. On success the call is theirs and
    /// stops ringing elsewhere; the driver opens the media of the plan and
    /// reports with [`handle_media_ready`](Self::handle_media_ready) or
    /// [`handle_media_failed`](Self::handle_media_failed).
    pub fn handle_answer(&mut self, agent: i64, call_id: &str) -> Result<AnswerMedia, CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        if !matches!(call.state, State::Ringing) {
            return Err(CallError::NotRinging);
        }
        if !call.offered.contains(&agent) {
            return Err(CallError::Gone);
        }
        // An agent reserved for this (campaign) call is not busy with it.
        if self.agents.get(&agent).is_some_and(|a| a.call.as_deref().is_some_and(|c| c != call_id)) {
            return Err(CallError::Busy);
        }
        match &call.acd {
            Some(entry) => self.acd.accept(self.now, agent, entry.key).map_err(|_| CallError::Gone)?,
            None => self.acd.set_direct_call(self.now, agent, true),
        }
        self.agents.entry(agent).or_default().call = Some(call_id.to_owned());
        self.last_call.insert(agent, call_id.to_owned());
        let Some(call) = self.calls.get_mut(call_id) else { return Err(CallError::Gone) };
        if call.callback.is_some() {
            call.state = State::Dialing { agent };
            let started = Tracked::Started {
                initiation: shared::records::Initiation::Callback,
                caller: call.info.from.clone(),
                callee: call.info.to.clone(),
                trunk: call.info.trunk.clone(),
                agent: Some(agent),
            };
            let others: Vec<i64> = std::mem::take(&mut call.offered).into_iter().filter(|a| *a != agent).collect();
            self.withdraw_all(agent, CallEndKind::Withdrawn);
            for other in others {
                self.notify_end(other, call_id, reason::end(CallEndKind::AnsweredElsewhere, None, None));
            }
            self.track(call_id, started);
            self.callback_dialing(call_id, agent);
            self.publish(call_id);
            return Ok(AnswerMedia::Dial);
        }
        call.state = State::Answering { agent };
        call.only = None;
        let media = match (call.kept, call.plan) {
            (Some((rtp, local)), _) => AnswerMedia::Reuse { rtp, local },
            (None, Some(plan)) => AnswerMedia::Open(plan),
            (None, None) => return Err(CallError::Gone),
        };
        let others: Vec<i64> = std::mem::take(&mut call.offered).into_iter().filter(|a| *a != agent).collect();
        // The agent's other ringing calls stop ringing for them.
        self.withdraw_all(agent, CallEndKind::Withdrawn);
        self.publish(call_id);
        for other in others {
            self.notify_end(other, call_id, reason::end(CallEndKind::AnsweredElsewhere, None, None));
        }
        Ok(media)
    }

    /// The media of an answered call is up: `browser` is the agent's leg,
    /// `rtp` the caller's, reachable at `local`. Answers the caller. If the
    /// call ended meanwhile, returns [`CallError::Gone`] and the driver
    /// closes both legs.
    pub fn handle_media_ready(
        &mut self,
        call_id: &str,
        browser: LegId,
        rtp: RtpLegId,
        local: SocketAddr,
    ) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let State::Answering { agent } = call.state else { return Err(CallError::Gone) };
        if call.kept.take().is_some() {
            // A transferred call: the caller's leg is up and answered; stop
            // the music and join them.
            self.out.push_back(Output::MediaHold { rtp, held: false });
            self.media_up(call_id, agent, browser, rtp, local, true);
            self.campaign_connected(call_id, agent);
            return Ok(());
        }
        let (Some(offer), Some(dialog)) = (&call.offer, call.dialog) else { return Err(CallError::Gone) };
        let sdp = match sdp::answer_offer(offer, local, &CODECS, call.session_id, call.sdp_version) {
            Ok(a) => a.sdp.to_string().into_bytes(),
            // The same offer was answerable at arrival; this cannot fail.
            Err(_) => return Err(CallError::Gone),
        };
        self.out.push_back(Output::Sip(SipCommand::Accept { dialog, sdp }));
        self.media_up(call_id, agent, browser, rtp, local, true);
        Ok(())
    }

    /// The prompt the answering agent hears before the caller is connected:
    /// the queue's `whisper_prompt`, for a call the engine routed whose
    /// caller waits on a leg already up (asked between
    /// [`handle_answer`](Self::handle_answer) and
    /// [`handle_media_ready`](Self::handle_media_ready)).
    pub fn whisper_prompt(&self, call_id: &str) -> Option<String> {
        let call = self.calls.get(call_id)?;
        if !matches!(call.state, State::Answering { .. }) || call.kept.is_none() {
            return None;
        }
        self.acd.queue_config(&call.acd.as_ref()?.queue)?.whisper_prompt.clone()
    }

    /// The driver plays the whisper to the agent's `leg`, which is not
    /// bridged yet: hold, transfers, keys and supervision wait for it.
    pub fn handle_whispering(&mut self, call_id: &str, leg: LegId) {
        if let Some(call) = self.calls.get_mut(call_id)
            && matches!(call.state, State::Talking { browser, .. } if browser == leg)
        {
            call.whisper = Some(leg);
        }
    }

    /// The whisper to `leg` ended: the agent and the caller are connected.
    pub fn handle_whisper_done(&mut self, leg: LegId) {
        let Some(call_id) = self.by_leg.get(&leg).cloned() else { return };
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        if call.whisper != Some(leg) {
            return;
        }
        call.whisper = None;
        if let State::Talking { browser, rtp, .. } = call.state
            && browser == leg
        {
            self.out.push_back(Output::MoveAgent { browser, rtp });
        }
    }

    /// The agent's media could not be set up (a bad offer from the browser,
    /// no free port): the call rings again, for them too.
    pub fn handle_media_failed(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        let State::Answering { agent } = call.state else { return };
        call.state = State::Ringing;
        let requeue = call.acd.clone();
        if let Some(a) = self.agents.get_mut(&agent) {
            a.call = None;
        }
        self.publish(call_id);
        match requeue {
            // Back to its place in the queue (the engine had let it go);
            // the agent never talked: no wrap-up.
            Some(entry) => {
                let _ = self.acd.ended(self.now, entry.key);
                let _ = self.acd.wrap_up_done(self.now, agent);
                self.last_call.remove(&agent);
                let again = self.acd.enqueue(self.now, entry.key, &entry.queue, entry.attrs.clone());
                if !matches!(again, Ok(crate::acd::Enqueued::Waiting { .. })) {
                    // Its queue will not take it back: anyone free may.
                    self.acd_keys.remove(&entry.key);
                    if let Some(c) = self.calls.get_mut(call_id) {
                        c.acd = None;
                    }
                    self.offer_all_free(call_id);
                }
            }
            None => {
                self.acd.set_direct_call(self.now, agent, false);
                self.offer_all_free(call_id);
            }
        }
        if self.agents.get(&agent).is_some_and(|a| a.available) {
            self.offer_waiting(agent);
        }
    }

    /// The agent declines a ringing call: it stops ringing for them and
    /// goes on ringing for the others.
    pub fn handle_decline(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        if !call.offered.remove(&agent) {
            return Err(CallError::Gone);
        }
        call.declined.insert(agent);
        if let Some(entry) = &call.acd {
            // The engine offers it to the next agent.
            let _ = self.acd.decline(self.now, agent, entry.key);
        }
        let was_only = call.only.take_if(|o| *o == agent).is_some();
        self.notify_end(agent, call_id, reason::end(CallEndKind::Withdrawn, None, None));
        self.track(call_id, Tracked::OfferDeclined { agent });
        self.campaign_declined(call_id, agent);
        if was_only {
            // The transfer's target said no: it rings for everyone free.
            self.offer_all_free(call_id);
        }
        Ok(())
    }

    /// The agent hangs up their call.
    pub fn handle_hang_up(&mut self, agent: i64, call_id: &str) -> Result<(), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        if call.state.agent() != Some(agent) {
            return Err(CallError::Gone);
        }
        let dialog = call.dialog;
        if self.consult_hang_up(agent, call_id) {
            return Ok(());
        }
        if self.start_survey(call_id) {
            return Ok(());
        }
        // An outbound call not yet placed is hung up when it is
        // (handle_invited finds no call).
        if let Some(dialog) = dialog {
            self.out.push_back(Output::Sip(SipCommand::HangUp { dialog }));
        }
        self.end(call_id, reason::end(CallEndKind::LocalHangUp, None, Some(reason::NORMAL_CLEARING)));
        Ok(())
    }

    /// What the SIP dialog layer reports about a call's dialog.
    pub fn handle_dialog_event(&mut self, event: DialogEvent) {
        match event {
            DialogEvent::Terminated { id, reason } => {
                let Some(call_id) = self.by_dialog.get(&id).cloned() else { return };
                if self.is_far(&call_id, id) {
                    let status = match reason {
                        crate::sip::dialog::Reason::Rejected(s) => Some(s.code()),
                        _ => None,
                    };
                    self.far_ended(&call_id, status);
                    return;
                }
                let ringing = matches!(self.calls.get(&call_id).map(|c| &c.state), Some(State::Ringing));
                self.end(&call_id, reason::of_dialog(reason, ringing));
            }
            DialogEvent::ReInvite { id, sdp } => {
                let Some(call_id) = self.by_dialog.get(&id).cloned() else { return };
                if self.is_far(&call_id, id) {
                    // The outside number's own re-INVITEs are not taken; the call goes on.
                    let status = StatusCode::new(488).expect("488");
                    self.out.push_back(Output::Sip(SipCommand::Reject { dialog: id, status }));
                    return;
                }
                let Some(call) = self.calls.get_mut(&call_id) else { return };
                self.out.push_back(Output::Sip(reanswer(call, id, sdp)));
            }
            DialogEvent::Ringing { id, sdp, .. } => {
                let Some(call_id) = self.by_dialog.get(&id).cloned() else { return };
                if self.is_far(&call_id, id) {
                    return;
                }
                if let Some(sdp) = sdp {
                    // Early media: a bad answer here is not fatal yet.
                    let _ = self.apply_answer(&call_id, &sdp);
                }
                let Some(call) = self.calls.get_mut(&call_id) else { return };
                if !call.remote_ringing
                    && let Some(agent) = call.state.agent()
                {
                    call.remote_ringing = true;
                    let msg = ServerMsg::CallRemoteRinging { call_id: call_id.clone() };
                    self.out.push_back(Output::Notify { agent, msg });
                }
            }
            DialogEvent::Answered { id, sdp } => {
                let Some(call_id) = self.by_dialog.get(&id).cloned() else { return };
                if self.is_far(&call_id, id) {
                    self.far_answered(&call_id, sdp.as_deref());
                    return;
                }
                if self.campaign_answered(&call_id, sdp.as_deref()) {
                    return;
                }
                let usable = match sdp {
                    Some(sdp) => self.apply_answer(&call_id, &sdp),
                    // No answer in the 2xx: early media's stands, if any.
                    None => self.calls.get(&call_id).is_some_and(|c| c.plan.is_some()),
                };
                if !usable {
                    self.out.push_back(Output::Sip(SipCommand::HangUp { dialog: id }));
                    let status = 488;
                    self.end(&call_id, reason::end(CallEndKind::Failed, Some(status), reason::q850_of_status(status)));
                    return;
                }
                let Some(call) = self.calls.get_mut(&call_id) else { return };
                let callback = call.callback.is_some();
                if let State::Talking { agent, connected, .. } = &mut call.state {
                    *connected = true;
                    call.answered = true;
                    let agent_id = *agent;
                    self.out.push_back(Output::Track {
                        call_id: call_id.clone(),
                        at: self.now,
                        what: Tracked::Answered { agent: agent_id },
                    });
                    let msg = ServerMsg::CallConnected { call_id: call_id.clone() };
                    self.out.push_back(Output::Notify { agent: *agent, msg });
                }
                if callback {
                    self.callback_answered(&call_id);
                }
                self.publish(&call_id);
            }
            DialogEvent::ReInviteAnswered { id, .. } => self.reinvite_done(id, true),
            DialogEvent::ReInviteRejected { id, .. } => self.reinvite_done(id, false),
            // INFO DTMF comes later; an ACK (Confirmed) needs nothing.
            _ => {}
        }
    }

    /// A browser leg ended by itself (the browser vanished, no media): its
    /// call is over, and the caller is hung up on.
    pub fn handle_leg_ended(&mut self, leg: LegId, why: EndReason) {
        if why == EndReason::Removed {
            return;
        }
        if self.supervisor_leg_ended(leg) {
            return;
        }
        let Some(call_id) = self.by_leg.get(&leg).cloned() else { return };
        if let Some(dialog) = self.calls.get(&call_id).and_then(|c| c.dialog) {
            self.out.push_back(Output::Sip(SipCommand::HangUp { dialog }));
        }
        self.end(&call_id, reason::end(CallEndKind::Failed, None, None));
    }

    /// What a newly opened desk of `user` must know: the calls ringing for
    /// them and their call in progress.
    pub fn snapshot(&self, user: i64) -> Vec<ServerMsg> {
        let mut ringing: Vec<&Call> = self.calls.values().filter(|c| c.offered.contains(&user)).collect();
        ringing.sort_by_key(|c| c.seq);
        let mut out: Vec<ServerMsg> = ringing.iter().map(|c| ServerMsg::CallRinging { call: c.info.clone() }).collect();
        let active = self.agents.get(&user).and_then(|a| a.call.as_ref()).and_then(|id| self.calls.get(id));
        if let Some(c) = active
            && matches!(c.state, State::Talking { .. })
        {
            out.push(ServerMsg::CallActive { call: c.info.clone(), held: c.held, recording: c.recording });
        }
        out
    }

    /// The agent takes their call back with a new browser leg (after a page
    /// refresh). On success the driver opens the leg, bridges it to the
    /// returned SIP leg (replacing the old one) and reports with
    /// [`handle_rejoined`](Self::handle_rejoined).
    pub fn handle_rejoin(&mut self, agent: i64, call_id: &str) -> Result<RtpLegId, CallError> {
        // A refreshed page comes back to the caller: a consultation ends.
        if self.calls.get(call_id).and_then(|c| c.far.as_ref()).is_some_and(|f| f.consult.is_some()) {
            self.end_consult(call_id);
        }
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        match call.state {
            State::Talking { agent: a, rtp, .. } if a == agent => Ok(rtp),
            _ => Err(CallError::Gone),
        }
    }

    /// The new leg carries the call; the old one is closed. [`CallError::Gone`]
    /// if the call ended meanwhile (the driver closes the new leg).
    pub fn handle_rejoined(&mut self, call_id: &str, leg: LegId) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let State::Talking { browser, .. } = &mut call.state else { return Err(CallError::Gone) };
        let old = std::mem::replace(browser, leg);
        // The new leg is bridged at once: a whisper under way is over.
        call.whisper = None;
        self.by_leg.remove(&old);
        self.by_leg.insert(leg, call_id.to_owned());
        if old != leg {
            self.out.push_back(Output::Release { browser: Some(old), rtp: None });
        }
        Ok(())
    }

    /// The agent presses keys on their connected call.
    pub fn handle_send_digits(&mut self, agent: i64, call_id: &str, digits: &str) -> Result<(), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        if call.state.agent() != Some(agent) {
            return Err(CallError::Gone);
        }
        let State::Talking { rtp, connected: true, .. } = call.state else { return Err(CallError::WrongState) };
        if call.whisper.is_some() {
            return Err(CallError::WrongState);
        }
        // Consulting (not joined): the keys are for the number she talks with.
        let rtp = match call.far.as_ref() {
            Some(f) if f.consult.is_some_and(|c| !c.joined) => f.rtp.map_or(rtp, |(r, _)| r),
            _ => rtp,
        };
        let keys = |c: char| c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D');
        if digits.is_empty() || digits.len() > 32 || !digits.chars().all(keys) {
            return Err(CallError::BadNumber);
        }
        self.out.push_back(Output::SendDigits { rtp, digits: digits.to_owned() });
        Ok(())
    }

    /// The far end of a call went quiet (no RTP or RTCP for the configured
    /// time): the call is dead and is hung up.
    pub fn handle_rtp_timeout(&mut self, rtp: RtpLegId) {
        let Some(call_id) = self.by_rtp.get(&rtp).cloned() else { return };
        let far = self.calls.get(&call_id).and_then(|c| c.far.as_ref()).and_then(|f| f.rtp).map(|(r, _)| r);
        if far == Some(rtp) && self.far_went_quiet(&call_id) {
            return;
        }
        if let Some(dialog) = self.calls.get(&call_id).and_then(|c| c.dialog) {
            self.out.push_back(Output::Sip(SipCommand::HangUp { dialog }));
        }
        self.end(&call_id, reason::end(CallEndKind::Failed, None, None));
    }

    /// The far end of a call pressed a key: its agent hears of it.
    pub fn handle_digit(&mut self, rtp: RtpLegId, digit: char) {
        let Some(call_id) = self.by_rtp.get(&rtp).cloned() else { return };
        let call_id = &call_id;
        if self.forward_digit(call_id, rtp, digit) {
            return;
        }
        if self.calls.get(call_id).is_some_and(|c| matches!(c.state, State::Voicemail(_))) {
            self.voicemail_digit(call_id, digit);
            return;
        }
        let waiting = self.calls.get(call_id).is_some_and(|c| c.acd.is_some() && c.state.agent().is_none());
        if digit == callback::KEY && waiting && self.take_callback(call_id) {
            return;
        }
        if let Some(session) = self.ivr.get_mut(call_id) {
            session.handle_digit(self.now as i64, digit);
            self.drive_ivr(call_id);
            return;
        }
        let Some(agent) = self.calls.get(call_id).and_then(|c| c.state.agent()) else { return };
        let msg = ServerMsg::CallDigit { call_id: call_id.clone(), digit: digit.to_string() };
        self.out.push_back(Output::Notify { agent, msg });
    }

    /// The agent holds (`hold`) or resumes their connected call: a
    /// re-INVITE offers `a=sendonly` (or `sendrecv` again) and no audio
    /// crosses while held. The agent hears `call.held` when the far end
    /// has answered.
    pub fn handle_hold(&mut self, agent: i64, call_id: &str, hold: bool) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        if call.state.agent() != Some(agent) {
            return Err(CallError::Gone);
        }
        let State::Talking { rtp, connected: true, .. } = call.state else { return Err(CallError::WrongState) };
        let (Some(dialog), Some(local), Some(plan)) = (call.dialog, call.local, call.plan) else {
            return Err(CallError::WrongState);
        };
        // A consultation plays the caller music already, and owns the legs;
        // a whisper has not connected them yet.
        if call.hold_pending.is_some() || call.far.is_some() || call.whisper.is_some() {
            return Err(CallError::WrongState);
        }
        if call.held == hold {
            let msg = ServerMsg::CallHeld { call_id: call_id.to_owned(), held: hold };
            self.out.push_back(Output::Notify { agent, msg });
            return Ok(());
        }
        call.sdp_version += 1;
        let direction = if hold { sdp::Direction::SendOnly } else { sdp::Direction::SendRecv };
        let offer = sdp::make_offer(local, &[plan.codec], call.session_id, call.sdp_version, direction);
        call.hold_pending = Some(hold);
        // Media stops at once on hold, and flows again once the far end agrees to resume.
        if hold {
            self.out.push_back(Output::MediaHold { rtp, held: true });
        }
        self.out.push_back(Output::Sip(SipCommand::Reinvite { dialog, sdp: offer.to_string().into_bytes() }));
        Ok(())
    }

    /// The far end answered (or refused) our re-INVITE.
    fn reinvite_done(&mut self, dialog: DialogId, accepted: bool) {
        let Some(call_id) = self.by_dialog.get(&dialog).cloned() else { return };
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        let Some(wanted) = call.hold_pending.take() else { return };
        let mut tracked = None;
        if accepted && call.held != wanted {
            call.held = wanted;
            tracked = Some(if wanted {
                call.held_since = Some(self.now);
                Tracked::Held
            } else {
                let held_ms = call.held_since.take().map_or(0, |t| self.now.saturating_sub(t));
                Tracked::Resumed { held_ms }
            });
        }
        if let Some(what) = tracked {
            self.track(&call_id, what);
        }
        let Some(call) = self.calls.get_mut(&call_id) else { return };
        if let State::Talking { agent, rtp, .. } = call.state {
            self.out.push_back(Output::MediaHold { rtp, held: call.held });
            let msg = ServerMsg::CallHeld { call_id: call_id.clone(), held: call.held };
            self.out.push_back(Output::Notify { agent, msg });
        }
        self.publish(&call_id);
    }

    /// The agent calls a number out through a trunk. On success the call
    /// is theirs and the driver opens the media, then reports with
    /// [`handle_dial_media`](Self::handle_dial_media) or
    /// [`handle_dial_failed`](Self::handle_dial_failed).
    pub fn handle_dial(&mut self, agent: i64, dial: Dial) -> Result<CallInfo, CallError> {
        if !is_dialable(&dial.number) {
            return Err(CallError::BadNumber);
        }
        if self.agents.get(&agent).is_some_and(|a| a.call.is_some()) {
            return Err(CallError::Busy);
        }
        self.agents.entry(agent).or_default().call = Some(dial.call_id.clone());
        self.acd.set_direct_call(self.now, agent, true);
        self.withdraw_all(agent, CallEndKind::Withdrawn);
        let info = CallInfo::new(
            dial.call_id.clone(),
            CallDirection::Outbound,
            dial.caller_id,
            dial.number,
            dial.trunk,
            dial.started,
        );
        self.next_seq += 1;
        let call = Call::new(info.clone(), self.next_seq, dial.session_id, State::Dialing { agent });
        self.calls.insert(dial.call_id.clone(), call);
        let started = Tracked::Started {
            initiation: shared::records::Initiation::Outbound,
            caller: info.from.clone(),
            callee: info.to.clone(),
            trunk: info.trunk.clone(),
            agent: Some(agent),
        };
        self.track(&dial.call_id, started);
        self.publish(&dial.call_id);
        Ok(info)
    }

    /// The media of an outbound call is up; the core makes the offer and
    /// asks for the INVITE. [`CallError::Gone`] if the agent hung up
    /// meanwhile (the driver closes both legs).
    pub fn handle_dial_media(
        &mut self,
        call_id: &str,
        browser: LegId,
        rtp: RtpLegId,
        local: SocketAddr,
    ) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let State::Dialing { agent } = call.state else { return Err(CallError::Gone) };
        let offer = sdp::make_offer(local, &CODECS, call.session_id, call.sdp_version, sdp::Direction::SendRecv);
        let sdp = offer.to_string().into_bytes();
        let number = call.info.to.clone();
        let caller_id = call.info.from.clone();
        self.media_up(call_id, agent, browser, rtp, local, false);
        self.out.push_back(Output::Sip(SipCommand::Invite { call_id: call_id.to_owned(), number, caller_id, sdp }));
        Ok(())
    }

    /// The media of an outbound call could not be set up: the call is
    /// dropped (the agent hears why from the driver).
    pub fn handle_dial_failed(&mut self, call_id: &str) {
        if !self.calls.get(call_id).is_some_and(|c| matches!(c.state, State::Dialing { .. })) {
            return;
        }
        if let Some(agent) = self.calls.remove(call_id).and_then(|c| c.state.agent()) {
            self.free(agent);
        }
    }

    /// The SIP driver placed (or could not place) an outbound call's INVITE.
    pub fn handle_invited(&mut self, call_id: &str, dialog: Result<DialogId, ()>) {
        if let Some(call_id) = call_id.strip_suffix(forward::FAR) {
            self.far_invited(call_id, dialog);
            return;
        }
        match (self.calls.get_mut(call_id), dialog) {
            (Some(call), Ok(dialog)) => {
                call.dialog = Some(dialog);
                self.by_dialog.insert(dialog, call_id.to_owned());
            }
            // The agent hung up before the INVITE left: cancel it now.
            (None, Ok(dialog)) => self.out.push_back(Output::Sip(SipCommand::HangUp { dialog })),
            (Some(_), Err(())) => {
                let status = 503;
                self.end(call_id, reason::end(CallEndKind::Failed, Some(status), reason::q850_of_status(status)));
            }
            (None, Err(())) => {}
        }
    }

    pub fn poll_output(&mut self) -> Option<Output> {
        if self.out.is_empty() {
            self.pump_acd();
        }
        self.out.pop_front()
    }

    /// Takes the far end's SDP answer (or early media) of an outbound
    /// call: points the RTP leg at it. False when it is unusable.
    fn apply_answer(&mut self, call_id: &str, sdp: &[u8]) -> bool {
        let Some(call) = self.calls.get_mut(call_id) else { return false };
        let State::Talking { rtp, .. } = call.state else { return false };
        let Some(agreed) = sdp::parse(sdp).ok().and_then(|s| sdp::read_answer(&s, &CODECS).ok()) else {
            return false;
        };
        let plan = MediaPlan {
            remote: agreed.remote,
            codec: agreed.codec,
            pt: agreed.codec_pt,
            telephone_event_pt: agreed.telephone_event_pt,
        };
        if call.plan != Some(plan) {
            call.plan = Some(plan);
            let remote = Output::MediaRemote {
                rtp,
                remote: plan.remote,
                codec: plan.codec,
                pt: plan.pt,
                te_pt: plan.telephone_event_pt,
            };
            self.out.push_back(remote);
        }
        true
    }

    /// A call's legs are open: it is talking (or, outbound, about to ring).
    fn media_up(
        &mut self,
        call_id: &str,
        agent: i64,
        browser: LegId,
        rtp: RtpLegId,
        local: SocketAddr,
        connected: bool,
    ) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        call.state = State::Talking { agent, browser, rtp, connected };
        call.local = Some(local);
        if connected {
            call.answered = true;
            self.out.push_back(Output::Track {
                call_id: call_id.to_owned(),
                at: self.now,
                what: Tracked::Answered { agent },
            });
        }
        self.by_leg.insert(browser, call_id.to_owned());
        self.by_rtp.insert(rtp, call_id.to_owned());
        self.publish(call_id);
    }

    /// The agent's call is over: they hear waiting calls again (once out
    /// of wrap-up).
    fn free(&mut self, agent: i64) {
        // A call the engine did not route is over (no effect otherwise).
        self.acd.set_direct_call(self.now, agent, false);
        self.agents.entry(agent).or_default().call = None;
        if self.can_ring(agent) {
            self.offer_waiting(agent);
        }
    }

    /// Whether a call outside the routing engine (ring-all, a transfer) may
    /// ring for `agent`: available, on no call, and neither wrapping up nor
    /// in a missed offer's wait.
    pub(super) fn can_ring(&self, agent: i64) -> bool {
        use crate::acd::AgentState;
        self.agents.get(&agent).is_some_and(|a| a.available && a.call.is_none())
            && !matches!(self.acd.agent_state(agent).map(|s| s.0), Some(AgentState::WrapUp | AgentState::Missed))
    }

    /// Rings `call_id` for `agent`, unless it already does or they declined.
    fn offer(&mut self, call_id: &str, agent: i64) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        if !matches!(call.state, State::Ringing)
            || call.acd.is_some()
            || call.declined.contains(&agent)
            || call.only.is_some_and(|o| o != agent)
            || !call.offered.insert(agent)
        {
            return;
        }
        let msg = ServerMsg::CallRinging { call: call.info.clone() };
        self.out.push_back(Output::Notify { agent, msg });
    }

    /// Rings a call for every free available agent.
    fn offer_all_free(&mut self, call_id: &str) {
        let mut free: Vec<i64> = self.agents.keys().copied().filter(|a| self.can_ring(*a)).collect();
        // In a stable order, so that desks and tests see the same sequence.
        free.sort_unstable();
        for a in free {
            self.offer(call_id, a);
        }
    }

    /// Rings every waiting call, oldest first, for a free agent.
    fn offer_waiting(&mut self, agent: i64) {
        if !self.can_ring(agent) {
            return;
        }
        let mut waiting: Vec<(u64, String)> = self
            .calls
            .iter()
            .filter(|(_, c)| matches!(c.state, State::Ringing) && c.acd.is_none())
            .map(|(id, c)| (c.seq, id.clone()))
            .collect();
        waiting.sort();
        for (_, id) in waiting {
            self.offer(&id, agent);
        }
    }

    /// Stops every call ringing for `agent`.
    fn withdraw_all(&mut self, agent: i64, kind: CallEndKind) {
        let mut ringing: Vec<(u64, String)> =
            self.calls.iter_mut().filter_map(|(id, c)| c.offered.remove(&agent).then(|| (c.seq, id.clone()))).collect();
        ringing.sort();
        for (_, id) in ringing {
            self.notify_end(agent, &id, reason::end(kind, None, None));
        }
    }

    /// Ends a call: tells everyone it concerned, releases its media, frees
    /// its agent (who then hears the waiting calls).
    fn end(&mut self, call_id: &str, why: CallEndReason) {
        let Some(mut call) = self.calls.remove(call_id) else { return };
        if let Some(dialog) = call.dialog {
            self.by_dialog.remove(&dialog);
        }
        self.track_end(call_id, &call, why);
        self.ivr.remove(call_id);
        self.voicemail_cut(call_id, &call);
        self.callback_call_over(&call, why);
        self.campaign_over(call_id, &call, why);
        if let Some(entry) = call.acd.take() {
            self.acd_keys.remove(&entry.key);
            // Waiting: abandoned; taken: over, its agent wraps up.
            let _ = self.acd.ended(self.now, entry.key);
        }
        for s in std::mem::take(&mut call.supervisors) {
            self.supervisor_left(call_id, s);
        }
        self.far_over(call.far.take());
        self.out.push_back(Output::Supervisors { msg: ServerMsg::LiveCallRemoved { call_id: call_id.to_owned() } });
        for agent in &call.offered {
            self.notify_end(*agent, call_id, why);
        }
        if let State::Talking { browser, rtp, .. } = call.state {
            self.by_leg.remove(&browser);
            self.by_rtp.remove(&rtp);
            self.out.push_back(Output::Release { browser: Some(browser), rtp: Some(rtp) });
        } else if let Some((rtp, _)) = call.kept {
            self.by_rtp.remove(&rtp);
            self.out.push_back(Output::Release { browser: None, rtp: Some(rtp) });
        }
        if let Some(agent) = call.state.agent() {
            self.notify_end(agent, call_id, why);
            self.free(agent);
        }
    }

    fn notify_end(&mut self, agent: i64, call_id: &str, reason: CallEndReason) {
        let msg = ServerMsg::CallEnded { call_id: call_id.to_owned(), reason };
        self.out.push_back(Output::Notify { agent, msg });
    }
}

/// The answer to the caller's re-INVITE (hold, resume, a new address):
/// our media stays where it is. An offer we cannot take gets 488 and the
/// call goes on as it was (RFC 3261 §14.2).
fn reanswer(call: &mut Call, dialog: DialogId, sdp: Option<Vec<u8>>) -> SipCommand {
    let not_acceptable = SipCommand::Reject { dialog, status: StatusCode::new(488).expect("488") };
    // Before media exists there is nothing to renegotiate yet.
    let Some(local) = call.local else { return not_acceptable };
    let Some(offer) = sdp.as_deref().and_then(|b| sdp::parse(b).ok()) else { return not_acceptable };
    call.sdp_version += 1;
    match sdp::answer_offer(&offer, local, &CODECS, call.session_id, call.sdp_version) {
        Ok(a) if call.plan.is_some_and(|p| p.codec == a.codec) => {
            call.offer = Some(offer);
            SipCommand::Accept { dialog, sdp: a.sdp.to_string().into_bytes() }
        }
        _ => not_acceptable,
    }
}

#[cfg(test)]
mod tests;
