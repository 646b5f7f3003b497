//! The agent's calls as the desk shows them: the calls ringing for them
//! (several may ring at once), the one call they are on (answered, or
//! dialed out), and how the last one ended. Plain state fed with the
//! gateway's messages and the agent's actions, time as an input (the
//! gateway's clock, in milliseconds); the desk owns the media and the views.
//! No browser calls, so it is tested natively.
//!
//! The protocol has no request ids, so a dial waits for its answer alone:
//! until the gateway has answered a dial (`call_dialing` or an error), no
//! other call starts, not even when the agent hung up meanwhile
//! ([`Calls::abandon_dial`]); the call such an answer places is hung up at
//! once.
//!
//! A connected call also keeps the keys the agent pressed on the keypad,
//! the keys the caller pressed (`call_digit`) and its recording
//! ([`Recorder`]), and may be handed to another agent (`call_transfer`,
//! one request at a time).
//!
//! After a page refresh the gateway tells of the agent's call in progress
//! (`call_active`): it waits as [`Calls::elsewhere`] until the agent takes
//! it back ([`Calls::rejoin`], then `call_answered`).

use shared::ws::{
    CallDirection, CallEndKind, CallEndReason, CallInfo, ConsultState, RecordAction, RecordingState, SuperviseMode,
};

use crate::recording::Recorder;

/// How many declined calls are remembered until the gateway confirms they
/// stopped ringing; older ones are forgotten.
const DECLINED_MAX: usize = 8;

/// The longest number the desk dials, a leading `+` included; the
/// gateway's limit too.
pub const NUMBER_MAX: usize = 32;

/// The keypad's keys, row by row as a phone lays them out.
pub const KEYPAD: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/// How many keys (sent, or heard from the caller) a call remembers; older
/// ones are dropped from the start.
pub const KEYS_SHOWN_MAX: usize = 64;

/// Where the active call stands, as `data-state` and the label say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallPhase {
    /// Outbound: the dial went out; waiting for the gateway to place it
    /// and for the far end to ring.
    Dialing,
    /// Outbound: the far end rings.
    Ringing,
    /// Inbound: the answer went out; waiting for the gateway's answer and
    /// the audio. Outbound: the far end answered; waiting for the audio.
    Connecting,
    /// The call is connected and the audio connection is up.
    Talking,
}

impl CallPhase {
    /// The value of `data-state`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallPhase::Dialing => "dialing",
            CallPhase::Ringing => "ringing",
            CallPhase::Connecting => "connecting",
            CallPhase::Talking => "talking",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            CallPhase::Dialing => "call-state-dialing",
            CallPhase::Ringing => "call-state-ringing",
            CallPhase::Connecting => "call-state-connecting",
            CallPhase::Talking => "call-state-talking",
        }
    }
}

/// The call the agent answered or dialed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveCall {
    /// Until an outbound call is placed, only `to` (the number dialed) and
    /// `direction` are known; `call_id` is empty.
    pub info: CallInfo,
    /// The gateway knows the call by `info.call_id`: always for inbound
    /// calls; for outbound ones from `call_dialing` on.
    placed: bool,
    /// Inbound: the gateway took the answer (`call_answered`). Outbound:
    /// the far end answered (`call_connected`).
    answered: bool,
    /// Outbound: the far end rings (`call_remote_ringing`).
    remote_ringing: bool,
    /// The audio connection is up.
    media_up: bool,
    /// When talking began (gateway clock, ms).
    talking_since_ms: Option<f64>,
    /// The gateway says the call is on hold (`call_held`).
    held: bool,
    /// A hold (`true`) or resume (`false`) asked for and not answered yet.
    hold_pending: Option<bool>,
    /// The agent's microphone sends silence.
    muted: bool,
    /// A transfer asked for and not answered yet.
    transfer_pending: bool,
    /// The keys the agent sent on this call, oldest first.
    keys_sent: String,
    /// The keys the caller pressed on this call, oldest first.
    digits_heard: String,
    recorder: Recorder,
    /// The outside number the agent consults, and how that goes.
    consult: Option<(String, ConsultState)>,
    /// A supervisor speaks to the agent (`call_coaching`).
    coached: Option<SuperviseMode>,
}

impl ActiveCall {
    fn new(info: CallInfo, placed: bool) -> ActiveCall {
        ActiveCall {
            info,
            placed,
            answered: false,
            remote_ringing: false,
            media_up: false,
            talking_since_ms: None,
            consult: None,
            coached: None,
            held: false,
            hold_pending: None,
            muted: false,
            transfer_pending: false,
            keys_sent: String::new(),
            digits_heard: String::new(),
            recorder: Recorder::default(),
        }
    }

    /// The gateway's id of the call; `None` while an outbound call is not
    /// placed yet.
    pub fn id(&self) -> Option<&str> {
        self.placed.then_some(self.info.call_id.as_str())
    }

    pub fn outbound(&self) -> bool {
        self.info.direction == CallDirection::Outbound
    }

    pub fn phase(&self) -> CallPhase {
        match self.info.direction {
            _ if self.talking_since_ms.is_some() => CallPhase::Talking,
            CallDirection::Inbound => CallPhase::Connecting,
            CallDirection::Outbound if self.answered => CallPhase::Connecting,
            CallDirection::Outbound if self.remote_ringing => CallPhase::Ringing,
            CallDirection::Outbound => CallPhase::Dialing,
        }
    }

    /// Whole seconds of talk at `now_ms`; 0 until talking. For outbound
    /// calls talk begins when the far end answers.
    pub fn talk_secs(&self, now_ms: f64) -> u64 {
        self.talking_since_ms.map_or(0, |since| ((now_ms - since) / 1000.0).max(0.0) as u64)
    }

    /// Whether the far end holds the call for us.
    pub fn held(&self) -> bool {
        self.held
    }

    /// The hold (`true`) or resume (`false`) under way, if any.
    pub fn hold_pending(&self) -> Option<bool> {
        self.hold_pending
    }

    /// Whether the agent may ask for hold or resume now: while talking,
    /// one request at a time.
    pub fn can_hold(&self) -> bool {
        self.placed && self.phase() == CallPhase::Talking && self.hold_pending.is_none() && self.consult.is_none()
    }

    pub fn muted(&self) -> bool {
        self.muted
    }

    /// Whether the agent may hand the call to another agent now: talking,
    /// not held, no hold or transfer under way.
    pub fn can_transfer(&self) -> bool {
        self.can_hold() && !self.held && !self.transfer_pending && self.consult.is_none()
    }

    /// Whether a transfer awaits the gateway's answer.
    pub fn transfer_pending(&self) -> bool {
        self.transfer_pending
    }

    /// Whether the call is connected, held or not: the keypad and the
    /// recording work.
    pub fn connected(&self) -> bool {
        self.placed && self.phase() == CallPhase::Talking
    }

    /// The keys the agent sent on this call (the last [`KEYS_SHOWN_MAX`]).
    pub fn keys_sent(&self) -> &str {
        &self.keys_sent
    }

    /// The keys the caller pressed on this call (the last [`KEYS_SHOWN_MAX`]).
    pub fn digits_heard(&self) -> &str {
        &self.digits_heard
    }

    /// The number being consulted and how it goes, during an attended
    /// transfer.
    /// Whether a supervisor whispers to the agent or has joined the call.
    pub fn coached(&self) -> Option<SuperviseMode> {
        self.coached
    }

    pub fn consult(&self) -> Option<(&str, ConsultState)> {
        self.consult.as_ref().map(|(n, s)| (n.as_str(), *s))
    }

    /// The call's recording.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    fn start_talking_if_ready(&mut self, now_ms: f64) {
        if self.answered && self.media_up && self.talking_since_ms.is_none() {
            self.talking_since_ms = Some(now_ms);
        }
    }
}

/// The last call that ended or stopped ringing for the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedCall {
    pub info: CallInfo,
    pub reason: CallEndReason,
    /// The agent declined it: the gateway withdrew it for that.
    pub declined: bool,
}

impl EndedCall {
    /// The sentence that says why.
    pub fn message_key(&self) -> &'static str {
        if self.info.direction == CallDirection::Outbound
            && let Some(key) = outbound_end_key(self.reason)
        {
            return key;
        }
        end_message_key(self.reason.kind, self.declined)
    }
}

/// The agent's call in progress that this desk is not on (`call_active`
/// after a page refresh), until they take it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallElsewhere {
    pub info: CallInfo,
    pub held: bool,
    pub recording: RecordingState,
}

/// What a `call_ended` took off the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// A call the desk was not showing (declined, already hung up, unknown).
    Nothing,
    Ringing,
    /// The active call: its media must be released.
    Active,
}

/// What becomes of the call a `call_dialing` placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialed {
    /// It is the agent's active call now.
    Placed,
    /// Nobody wants it (the agent hung up before it was placed): hang it up.
    HangUp,
}

/// What a `call_held` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldOutcome {
    /// The call is held or resumed as asked.
    Done,
    /// The far end refused: the call stays as it was. `wanted` is what the
    /// agent asked for (`true`: hold).
    Refused { wanted: bool },
    /// Not the active call.
    Nothing,
}

/// Everything the call panel shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calls {
    /// In the order they began to ring.
    ringing: Vec<CallInfo>,
    active: Option<ActiveCall>,
    last_ended: Option<EndedCall>,
    /// Declined by the agent, until the gateway says they stopped ringing.
    declined: Vec<CallInfo>,
    /// The agent hung up on a dial that had gone out: its answer is still
    /// awaited, and the call it places is to be hung up.
    abandoned_dial: bool,
    /// The agent's call in progress, not on this desk yet.
    elsewhere: Option<CallElsewhere>,
    /// The active call is being taken back: `call_answered` counts for it
    /// whatever its direction.
    rejoining: bool,
}

impl Calls {
    pub fn ringing(&self) -> &[CallInfo] {
        &self.ringing
    }

    pub fn active(&self) -> Option<&ActiveCall> {
        self.active.as_ref()
    }

    pub fn last_ended(&self) -> Option<&EndedCall> {
        self.last_ended.as_ref()
    }

    /// The agent's call in progress that this desk may take back.
    pub fn elsewhere(&self) -> Option<&CallElsewhere> {
        self.elsewhere.as_ref()
    }

    /// `call_active`: the agent has this call in progress (after a page
    /// refresh). Ignored while this desk has a call of its own.
    pub fn handle_call_active(&mut self, call: CallInfo, held: bool, recording: RecordingState) {
        if self.busy() {
            return;
        }
        self.ringing.retain(|c| c.call_id != call.call_id);
        self.elsewhere = Some(CallElsewhere { info: call, held, recording });
    }

    /// The agent takes their call in progress back: it becomes the active
    /// call, connecting, with its hold and recording state. `None` if there
    /// is no such call or another call is active.
    pub fn rejoin(&mut self, call_id: &str) -> Option<CallInfo> {
        if self.busy() {
            return None;
        }
        let elsewhere = self.elsewhere.take_if(|e| e.info.call_id == call_id)?;
        let mut active = ActiveCall::new(elsewhere.info.clone(), true);
        active.held = elsewhere.held;
        active.recorder.handle_state(elsewhere.recording);
        self.active = Some(active);
        self.rejoining = true;
        Some(elsewhere.info)
    }

    /// Taking the call back failed. With `still_there` it waits again to
    /// be taken back; otherwise it leaves the desk.
    pub fn rejoin_failed(&mut self, call_id: &str, still_there: bool) {
        let Some(active) = self.take_active(call_id) else { return };
        self.rejoining = false;
        if still_there {
            let recording = active.recorder.state();
            self.elsewhere = Some(CallElsewhere { info: active.info, held: active.held, recording });
        }
    }

    /// The agent hands the active call to another agent; true if the
    /// request should go out (see [`ActiveCall::can_transfer`]).
    pub fn request_transfer(&mut self, call_id: &str) -> bool {
        let Some(active) = self.active_mut(call_id).filter(|a| a.can_transfer()) else { return false };
        active.transfer_pending = true;
        true
    }

    /// The gateway refused the transfer (or did not answer): the call stays
    /// the agent's. True if one was under way.
    pub fn transfer_failed(&mut self, call_id: &str) -> bool {
        self.active_mut(call_id).is_some_and(|a| std::mem::take(&mut a.transfer_pending))
    }

    /// Whether a call is active (or being answered or dialed), or a dial
    /// the agent gave up on is still unanswered: no other call can start.
    pub fn busy(&self) -> bool {
        self.active.is_some() || self.abandoned_dial
    }

    /// Whether a dial awaits the gateway's answer: a `call_dialing` now is
    /// that answer; at any other time it is stray, and is hung up.
    pub fn awaits_dial_answer(&self) -> bool {
        self.abandoned_dial || self.active.as_ref().is_some_and(|a| !a.placed)
    }

    /// The active call if the gateway knows it as `call_id`.
    fn active_mut(&mut self, call_id: &str) -> Option<&mut ActiveCall> {
        self.active.as_mut().filter(|a| a.id() == Some(call_id))
    }

    fn take_active(&mut self, call_id: &str) -> Option<ActiveCall> {
        self.active.take_if(|a| a.id() == Some(call_id))
    }

    /// `call_ringing`: a call is offered. A call already shown is updated
    /// in place; a declined one offered again rings again.
    pub fn handle_ringing(&mut self, call: CallInfo) {
        if self.active.as_ref().is_some_and(|a| a.id() == Some(&call.call_id)) {
            return;
        }
        self.declined.retain(|c| c.call_id != call.call_id);
        match self.ringing.iter_mut().find(|c| c.call_id == call.call_id) {
            Some(shown) => *shown = call,
            None => self.ringing.push(call),
        }
    }

    /// The agent answers a ringing call: it becomes the active call, in
    /// [`CallPhase::Connecting`]. `None` if it does not ring or another call
    /// is active.
    pub fn answer(&mut self, call_id: &str) -> Option<CallInfo> {
        if self.busy() {
            return None;
        }
        let i = self.ringing.iter().position(|c| c.call_id == call_id)?;
        let info = self.ringing.remove(i);
        self.active = Some(ActiveCall::new(info.clone(), true));
        Some(info)
    }

    /// Answering failed before the call was connected (no microphone, the
    /// gateway refused). With `rings_on` the call goes back to the top of
    /// the ringing list, answerable again; otherwise it leaves the desk.
    pub fn answer_failed(&mut self, call_id: &str, rings_on: bool) {
        let Some(active) = self.take_active(call_id) else { return };
        if rings_on {
            self.ringing.insert(0, active.info);
        }
    }

    /// `call_answered`: the gateway took the answer.
    pub fn handle_answered(&mut self, call_id: &str, now_ms: f64) {
        let rejoining = std::mem::take(&mut self.rejoining);
        if let Some(active) = self.active_mut(call_id).filter(|a| rejoining || !a.outbound()) {
            active.answered = true;
            active.start_talking_if_ready(now_ms);
        }
    }

    /// The call's audio connection is up.
    pub fn media_up(&mut self, call_id: &str, now_ms: f64) {
        if let Some(active) = self.active_mut(call_id) {
            active.media_up = true;
            active.start_talking_if_ready(now_ms);
        }
    }

    /// The agent dials `number` (already checked with [`dialable_number`]):
    /// it becomes the active call, in [`CallPhase::Dialing`], without an id
    /// until the gateway places it. False if another call is active.
    pub fn dial(&mut self, number: &str) -> bool {
        if self.busy() {
            return false;
        }
        let info = CallInfo::new(
            String::new(),
            CallDirection::Outbound,
            String::new(),
            number.to_owned(),
            String::new(),
            String::new(),
        );
        self.active = Some(ActiveCall::new(info, false));
        true
    }

    /// `call_dialing`: the gateway placed the dial that awaited its answer.
    pub fn handle_dialing(&mut self, call: CallInfo) -> Dialed {
        if let Some(active) = self.active.as_mut().filter(|a| !a.placed) {
            active.info = call;
            active.placed = true;
            return Dialed::Placed;
        }
        if std::mem::take(&mut self.abandoned_dial)
            && let Some(ended) = self.last_ended.as_mut().filter(|e| e.info.call_id.is_empty())
        {
            // Now the gateway's `call_ended` for it can refine the reason.
            ended.info = call;
        }
        Dialed::HangUp
    }

    /// The agent hangs up a dial the gateway has not placed yet; true if
    /// there was one. With `sent`, the dial went out and its answer is
    /// still to come ([`Calls::busy`] until [`Calls::handle_dialing`] or
    /// [`Calls::dial_settled`]).
    pub fn abandon_dial(&mut self, sent: bool) -> bool {
        let Some(active) = self.active.take_if(|a| !a.placed) else { return false };
        let reason = CallEndReason { kind: CallEndKind::LocalHangUp, sip_status: None, q850: None };
        self.last_ended = Some(EndedCall { info: active.info, reason, declined: false });
        self.abandoned_dial = sent;
        true
    }

    /// The gateway refused an abandoned dial, or never answered it.
    pub fn dial_settled(&mut self) {
        self.abandoned_dial = false;
    }

    /// Dialing failed before the far end answered (no microphone, the
    /// gateway refused, no audio): the call leaves the desk, as an error
    /// rather than an ended call. True if there was such a call.
    pub fn dial_failed(&mut self) -> bool {
        self.active.take_if(|a| a.outbound() && a.phase() != CallPhase::Talking).is_some()
    }

    /// `call_remote_ringing`: the far end of the outbound call rings.
    /// The agent asked to consult `number` (an attended transfer).
    pub fn consult_started(&mut self, call_id: &str, number: &str) {
        if let Some(active) = self.active_mut(call_id) {
            active.consult = Some((number.to_owned(), ConsultState::Dialing));
        }
    }

    /// `call_consult`: how the consultation goes; `ended` closes it.
    pub fn handle_consult(&mut self, call_id: &str, state: ConsultState) {
        if let Some(active) = self.active_mut(call_id) {
            active.consult = match (state, active.consult.take()) {
                (ConsultState::Ended, _) => None,
                (s, Some((number, _))) => Some((number, s)),
                (s, None) => Some((String::new(), s)),
            };
        }
    }

    pub fn handle_remote_ringing(&mut self, call_id: &str) {
        if let Some(active) = self.active_mut(call_id).filter(|a| a.outbound()) {
            active.remote_ringing = true;
        }
    }

    /// `call_connected`: the far end of the outbound call answered; talk
    /// begins now (or when the audio comes up, if later).
    pub fn handle_connected(&mut self, call_id: &str, now_ms: f64) {
        if let Some(active) = self.active_mut(call_id).filter(|a| a.outbound()) {
            active.answered = true;
            active.start_talking_if_ready(now_ms);
        }
    }

    /// The agent asks to hold (`hold`) or resume the active call; true if
    /// the request should go out (see [`ActiveCall::can_hold`]).
    pub fn request_hold(&mut self, call_id: &str, hold: bool) -> bool {
        let Some(active) = self.active_mut(call_id).filter(|a| a.can_hold() && a.held != hold) else {
            return false;
        };
        active.hold_pending = Some(hold);
        true
    }

    /// `call_held`: the call's hold state after the agent's request.
    pub fn handle_held(&mut self, call_id: &str, held: bool) -> HoldOutcome {
        let Some(active) = self.active_mut(call_id) else { return HoldOutcome::Nothing };
        active.held = held;
        match active.hold_pending.take() {
            Some(wanted) if wanted != held => HoldOutcome::Refused { wanted },
            _ => HoldOutcome::Done,
        }
    }

    /// The gateway refused the hold request (or did not answer): nothing
    /// changed. True if one was pending.
    pub fn hold_failed(&mut self, call_id: &str) -> bool {
        self.active_mut(call_id).and_then(|a| a.hold_pending.take()).is_some()
    }

    /// The agent mutes or unmutes their microphone for the active call;
    /// false if there is none. Muting ends with the call.
    pub fn set_muted(&mut self, muted: bool) -> bool {
        let Some(active) = self.active.as_mut() else { return false };
        active.muted = muted;
        true
    }

    /// The agent pressed `key` on the keypad of the active call; true if it
    /// should go out (a keypad key, on a connected call).
    pub fn send_key(&mut self, call_id: &str, key: char) -> bool {
        let Some(active) = self.active_mut(call_id).filter(|a| a.connected()) else { return false };
        if !KEYPAD.contains(&key) {
            return false;
        }
        push_key(&mut active.keys_sent, key);
        true
    }

    /// `call_digit`: the caller pressed a key. Keys other than the 16 of
    /// RFC 4733 (`0`–`9`, `*`, `#`, `A`–`D`) are ignored.
    pub fn handle_digit(&mut self, call_id: &str, digit: &str) {
        let Some(active) = self.active_mut(call_id) else { return };
        let mut chars = digit.chars();
        if let (Some(key), None) = (chars.next(), chars.next())
            && (key.is_ascii_digit() || matches!(key, '*' | '#' | 'A'..='D'))
        {
            push_key(&mut active.digits_heard, key);
        }
    }

    /// The agent asks to start, pause, resume or stop the recording of the
    /// active call; true if the request should go out (see
    /// [`Recorder::request`]).
    pub fn request_record(&mut self, call_id: &str, action: RecordAction) -> bool {
        self.active_mut(call_id).filter(|a| a.connected()).is_some_and(|a| a.recorder.request(action))
    }

    /// `call_coaching`: a supervisor speaks to the agent, or no longer.
    pub fn handle_coaching(&mut self, call_id: &str, mode: Option<SuperviseMode>) {
        if let Some(active) = self.active_mut(call_id) {
            active.coached = mode;
        }
    }

    /// `call_recording`: where the active call's recording stands.
    pub fn handle_recording(&mut self, call_id: &str, state: RecordingState) {
        if let Some(active) = self.active_mut(call_id) {
            active.recorder.handle_state(state);
        }
    }

    /// The gateway refused the recording request (or did not answer):
    /// nothing changed. True if one was under way.
    pub fn record_failed(&mut self, call_id: &str) -> bool {
        self.active_mut(call_id).is_some_and(|a| a.recorder.failed())
    }

    /// The agent declines a ringing call; true if it was ringing. The
    /// gateway's `call_ended` for it then says "declined".
    pub fn decline(&mut self, call_id: &str) -> bool {
        let Some(i) = self.ringing.iter().position(|c| c.call_id == call_id) else { return false };
        let info = self.ringing.remove(i);
        if self.declined.len() == DECLINED_MAX {
            self.declined.remove(0);
        }
        self.declined.push(info);
        true
    }

    /// The desk ends the active call itself, the agent hanging up
    /// ([`CallEndKind::LocalHangUp`]) or the audio failing
    /// ([`CallEndKind::Failed`]); true if it was the active call. The
    /// gateway's `call_ended` that follows refines the reason.
    pub fn end_active(&mut self, call_id: &str, kind: CallEndKind) -> bool {
        let Some(active) = self.take_active(call_id) else { return false };
        let reason = CallEndReason { kind, sip_status: None, q850: None };
        self.last_ended = Some(EndedCall { info: active.info, reason, declined: false });
        true
    }

    /// `call_ended`: the call is over for this agent, or stopped ringing.
    pub fn handle_ended(&mut self, call_id: &str, reason: CallEndReason) -> Removed {
        let (info, removed, declined) = if let Some(active) = self.take_active(call_id) {
            self.rejoining = false;
            (active.info, Removed::Active, false)
        } else if let Some(elsewhere) = self.elsewhere.take_if(|e| e.info.call_id == call_id) {
            (elsewhere.info, Removed::Nothing, false)
        } else if let Some(i) = self.ringing.iter().position(|c| c.call_id == call_id) {
            (self.ringing.remove(i), Removed::Ringing, false)
        } else if let Some(i) = self.declined.iter().position(|c| c.call_id == call_id) {
            (self.declined.remove(i), Removed::Nothing, true)
        } else if let Some(ended) = self.last_ended.as_mut().filter(|e| e.info.call_id == call_id) {
            // Ended here first (hung up); the gateway's reason is the full one.
            ended.reason = reason;
            return Removed::Nothing;
        } else {
            return Removed::Nothing;
        };
        self.last_ended = Some(EndedCall { info, reason, declined });
        removed
    }

    /// A new connection to the gateway: what rang may have stopped ringing
    /// meanwhile, and the gateway offers again what still rings.
    /// So does the call in progress elsewhere (`call_active` comes again).
    pub fn handle_reconnected(&mut self) {
        self.ringing.clear();
        self.declined.clear();
        self.elsewhere = None;
    }

    /// The desk moved to another tab: nothing rings here and the call in
    /// progress (if any) is the other tab's to take back; the gateway tells
    /// this tab again (`call_active`) if it takes the desk back.
    pub fn handle_moved_away(&mut self) {
        self.handle_reconnected();
        self.active = None;
        self.abandoned_dial = false;
        self.rejoining = false;
    }
}

/// Appends `key`, dropping the oldest beyond [`KEYS_SHOWN_MAX`].
fn push_key(keys: &mut String, key: char) {
    if keys.len() >= KEYS_SHOWN_MAX {
        keys.remove(0);
    }
    keys.push(key);
}

/// The keypad key a typed character stands for: digits (Persian ۰–۹ and
/// Arabic-Indic ٠–٩ too), `*` and `#`.
pub fn keypad_key(c: char) -> Option<char> {
    match c {
        '0'..='9' | '*' | '#' => Some(c),
        '\u{06F0}'..='\u{06F9}' => Some(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        '\u{0660}'..='\u{0669}' => Some(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        _ => None,
    }
}

/// The message for the gateway's refusal of `call_dtmf` (its `code`).
pub fn dtmf_error_key(code: &str) -> &'static str {
    match code {
        "wrong_state" => "call-dtmf-wrong-state",
        "bad_number" => "call-dtmf-bad-key",
        "call_gone" => "call-error-gone",
        "calls_unavailable" => "call-error-calls-unavailable",
        "forbidden" => "error-forbidden",
        _ => "call-dtmf-refused",
    }
}

/// The other party of a call: the caller of an inbound call, the number
/// called for an outbound one.
pub fn other_party(info: &CallInfo) -> &str {
    match info.direction {
        CallDirection::Inbound => &info.from,
        CallDirection::Outbound => &info.to,
    }
}

/// Why a number typed into the dial field cannot be dialed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    /// A character other than digits, `*`, `#`, a leading `+` and the
    /// separators people type (spaces, dashes, dots, brackets).
    Invalid,
    /// More than [`NUMBER_MAX`] characters once the separators are gone.
    TooLong,
}

impl NumberError {
    /// The value of the error line's `data-code`.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberError::Empty => "empty",
            NumberError::Invalid => "invalid",
            NumberError::TooLong => "too_long",
        }
    }

    pub fn message_key(self) -> &'static str {
        match self {
            NumberError::Empty => "dial-error-empty",
            NumberError::Invalid => "dial-error-invalid",
            NumberError::TooLong => "dial-error-too-long",
        }
    }
}

/// The number to send for what the agent typed: separators (spaces,
/// dashes, dots, brackets) dropped, Persian and Arabic-Indic digits made
/// ASCII; then only digits, `*` and `#` remain, after an optional `+`.
pub fn dialable_number(input: &str) -> Result<String, NumberError> {
    let mut number = String::with_capacity(input.len());
    for c in input.trim().chars() {
        let c = match c {
            '0'..='9' | '*' | '#' | '+' => c,
            // Persian ۰–۹ and Arabic-Indic ٠–٩.
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            // Hyphens and dashes (U+2010–2015), the minus sign.
            '-' | '.' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}' => continue,
            // Also the invisible marks bidirectional text brings along.
            c if c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}') => continue,
            _ => return Err(NumberError::Invalid),
        };
        if c == '+' && !number.is_empty() {
            return Err(NumberError::Invalid);
        }
        number.push(c);
    }
    if number.trim_start_matches('+').is_empty() {
        return Err(NumberError::Empty);
    }
    if number.len() > NUMBER_MAX {
        return Err(NumberError::TooLong);
    }
    Ok(number)
}

/// A [`CallEndKind`] as the wire writes it (`data-reason`).
pub fn end_kind_str(kind: CallEndKind) -> &'static str {
    match kind {
        CallEndKind::RemoteHangUp => "remote_hang_up",
        CallEndKind::LocalHangUp => "local_hang_up",
        CallEndKind::Abandoned => "abandoned",
        CallEndKind::AnsweredElsewhere => "answered_elsewhere",
        CallEndKind::Withdrawn => "withdrawn",
        CallEndKind::Rejected => "rejected",
        CallEndKind::Failed => "failed",
        CallEndKind::Transferred => "transferred",
    }
}

/// The sentence for why a call ended; `declined` when the agent declined it.
pub fn end_message_key(kind: CallEndKind, declined: bool) -> &'static str {
    match kind {
        _ if declined => "call-end-declined",
        CallEndKind::RemoteHangUp => "call-end-remote-hang-up",
        CallEndKind::LocalHangUp => "call-end-local-hang-up",
        CallEndKind::Abandoned => "call-end-abandoned",
        CallEndKind::AnsweredElsewhere => "call-end-answered-elsewhere",
        CallEndKind::Withdrawn => "call-end-withdrawn",
        CallEndKind::Rejected => "call-end-rejected",
        CallEndKind::Failed => "call-end-failed",
        CallEndKind::Transferred => "call-end-transferred",
    }
}

/// The sentence for how an outbound call ended where it differs from an
/// inbound one's: the far end hung up, was busy, did not answer, or the
/// number does not exist (by the SIP status of the refusal).
fn outbound_end_key(reason: CallEndReason) -> Option<&'static str> {
    match (reason.kind, reason.sip_status) {
        (CallEndKind::RemoteHangUp, _) => Some("call-end-remote-hang-up-outbound"),
        (CallEndKind::Rejected, Some(486 | 600)) => Some("call-end-busy"),
        (CallEndKind::Rejected, Some(408 | 480)) => Some("call-end-no-answer"),
        (CallEndKind::Rejected, Some(404 | 484 | 604)) => Some("call-end-not-found"),
        _ => None,
    }
}

/// The message for the gateway's refusal of `call_transfer` (its `code`).
pub fn transfer_error_key(code: &str) -> &'static str {
    match code {
        "target_unavailable" => "call-transfer-error-unavailable",
        "bad_number" => "call-transfer-number-invalid",
        "wrong_state" => "call-transfer-error-wrong-state",
        "call_gone" => "call-error-gone",
        "calls_unavailable" => "call-error-calls-unavailable",
        "forbidden" => "error-forbidden",
        _ => "call-transfer-error",
    }
}

/// The transfer form's choice that sends the call to an outside number
/// (the others are "" for an agent and the queues' codes).
pub const TRANSFER_TO_NUMBER: &str = "#number";

/// The agent id typed into the transfer field: digits only (Persian and
/// Arabic-Indic ones too), spaces around ignored; a positive number.
pub fn agent_id_input(input: &str) -> Option<i64> {
    let digits: Option<String> = input.trim().chars().map(|c| keypad_key(c).filter(char::is_ascii_digit)).collect();
    digits.filter(|d| !d.is_empty() && d.len() <= 18)?.parse().ok().filter(|id| *id > 0)
}

/// The message for the gateway's refusal of `call_answer` (its `code`).
pub fn answer_error_key(code: &str) -> &'static str {
    match code {
        "call_gone" => "call-error-gone",
        "bad_sdp" => "call-error-bad-sdp",
        "media_unavailable" => "call-error-media-unavailable",
        "calls_unavailable" => "call-error-calls-unavailable",
        "forbidden" => "error-forbidden",
        _ => "call-error-refused",
    }
}

/// The message for the gateway's refusal of `call_dial` (its `code`).
pub fn dial_error_key(code: &str) -> &'static str {
    match code {
        "bad_number" => "dial-error-bad-number",
        "busy" => "dial-error-busy",
        "no_trunk" => "dial-error-no-trunk",
        "bad_caller_id" => "dial-error-bad-caller-id",
        "bad_sdp" => "call-error-bad-sdp",
        "media_unavailable" => "dial-error-media-unavailable",
        "calls_unavailable" => "call-error-calls-unavailable",
        "forbidden" => "error-forbidden",
        _ => "dial-error-refused",
    }
}

/// The message for a hold (`hold`) or resume the gateway refused
/// (`wrong_state`) or did not answer.
pub fn hold_failed_key(hold: bool) -> &'static str {
    if hold { "call-hold-failed" } else { "call-resume-failed" }
}

/// The message for a hold (`wanted`) or resume the far end refused.
pub fn hold_refused_key(wanted: bool) -> &'static str {
    if wanted { "call-hold-refused" } else { "call-resume-refused" }
}

/// Whether the call still rings for the agent after the gateway refused
/// their answer with `code`: only a call that is gone or that they may not
/// take leaves the desk; otherwise they can try again or decline.
pub fn rings_on_after(code: &str) -> bool {
    !matches!(code, "call_gone" | "forbidden")
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use super::*;
    use crate::messages::Catalogs;

    fn call(id: &str) -> CallInfo {
        CallInfo::new(
            id.into(),
            CallDirection::Inbound,
            "+905551112233".into(),
            "+902120000000".into(),
            "carrier".into(),
            "2025-01-01T10:00:00Z".into(),
        )
    }

    fn reason(kind: CallEndKind) -> CallEndReason {
        CallEndReason { kind, sip_status: None, q850: None }
    }

    fn ids(calls: &Calls) -> Vec<&str> {
        calls.ringing().iter().map(|c| c.call_id.as_str()).collect()
    }

    #[test]
    fn several_ring_one_is_answered() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.handle_ringing(call("b"));
        calls.handle_ringing(call("a"));
        assert_eq!(ids(&calls), ["a", "b"], "a repeated offer is shown once");
        assert_eq!(calls.answer("b").map(|c| c.call_id), Some("b".into()));
        assert_eq!(calls.active().unwrap().phase(), CallPhase::Connecting);
        assert_eq!(calls.answer("a"), None, "only one call is active");
        assert_eq!(ids(&calls), ["a"]);
        calls.handle_ringing(call("b"));
        assert_eq!(ids(&calls), ["a"], "the active call does not ring again");
        assert_eq!(calls.answer("zzz"), None);
    }

    #[test]
    fn a_desk_moved_to_another_tab_forgets_its_calls_until_told_again() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.handle_ringing(call("b"));
        calls.answer("a");
        calls.handle_moved_away();
        assert!(calls.ringing().is_empty() && calls.active().is_none() && !calls.busy());
        // Taking the desk back: the gateway tells of the call in progress.
        calls.handle_call_active(call("a"), false, RecordingState::Off);
        assert_eq!(calls.elsewhere().map(|e| e.info.call_id.as_str()), Some("a"));
    }

    #[test]
    fn talking_needs_the_answer_and_the_audio() {
        for answered_first in [true, false] {
            let mut calls = Calls::default();
            calls.handle_ringing(call("a"));
            calls.answer("a");
            if answered_first {
                calls.handle_answered("a", 1_000.0);
            } else {
                calls.media_up("a", 1_000.0);
            }
            let active = calls.active().unwrap();
            assert_eq!((active.phase(), active.talk_secs(9_000.0)), (CallPhase::Connecting, 0));
            calls.handle_answered("other", 1_500.0);
            calls.media_up("other", 1_500.0);
            assert_eq!(calls.active().unwrap().phase(), CallPhase::Connecting);
            if answered_first {
                calls.media_up("a", 2_000.0);
            } else {
                calls.handle_answered("a", 2_000.0);
            }
            let active = calls.active().unwrap();
            assert_eq!(active.phase(), CallPhase::Talking);
            assert_eq!(active.talk_secs(2_999.0), 0);
            assert_eq!(active.talk_secs(67_000.0), 65);
            assert_eq!(active.talk_secs(0.0), 0, "a clock that steps back shows 0");
        }
    }

    #[test]
    fn ended_calls_leave_the_desk_with_their_reason() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.handle_ringing(call("b"));
        calls.answer("a");
        assert_eq!(calls.handle_ended("b", reason(CallEndKind::AnsweredElsewhere)), Removed::Ringing);
        assert!(calls.ringing().is_empty());
        assert_eq!(calls.last_ended().unwrap().message_key(), "call-end-answered-elsewhere");
        assert!(calls.busy(), "the active call goes on");
        let hung_up = CallEndReason { kind: CallEndKind::RemoteHangUp, sip_status: None, q850: Some(16) };
        assert_eq!(calls.handle_ended("a", hung_up), Removed::Active);
        assert!(!calls.busy());
        let last = calls.last_ended().unwrap();
        assert_eq!((last.info.call_id.as_str(), last.reason), ("a", hung_up));
        assert_eq!(calls.handle_ended("unknown", reason(CallEndKind::Failed)), Removed::Nothing);
        assert_eq!(calls.last_ended().unwrap().info.call_id, "a", "an unknown call changes nothing");
    }

    #[test]
    fn hanging_up_shows_at_once_and_takes_the_gateways_reason() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.answer("a");
        assert!(!calls.end_active("b", CallEndKind::LocalHangUp));
        assert!(calls.end_active("a", CallEndKind::LocalHangUp));
        assert!(!calls.busy());
        assert_eq!(calls.last_ended().unwrap().message_key(), "call-end-local-hang-up");
        let confirmed = CallEndReason { kind: CallEndKind::LocalHangUp, sip_status: Some(200), q850: None };
        assert_eq!(calls.handle_ended("a", confirmed), Removed::Nothing, "nothing left to release");
        assert_eq!(calls.last_ended().unwrap().reason, confirmed);
    }

    #[test]
    fn declined_calls_say_so_when_the_gateway_withdraws_them() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        assert!(calls.decline("a"));
        assert!(!calls.decline("a"));
        assert!(calls.ringing().is_empty());
        assert_eq!(calls.last_ended(), None);
        assert_eq!(calls.handle_ended("a", reason(CallEndKind::Withdrawn)), Removed::Nothing);
        let last = calls.last_ended().unwrap();
        assert!(last.declined);
        assert_eq!(last.message_key(), "call-end-declined");
        // Offered again after a decline: it rings, and ends as any other.
        calls.decline("gone");
        calls.handle_ringing(call("b"));
        calls.decline("b");
        calls.handle_ringing(call("b"));
        assert_eq!(ids(&calls), ["b"]);
        calls.handle_ended("b", reason(CallEndKind::Abandoned));
        assert_eq!(calls.last_ended().unwrap().message_key(), "call-end-abandoned");
    }

    #[test]
    fn declined_calls_are_remembered_within_bounds() {
        let mut calls = Calls::default();
        for i in 0..DECLINED_MAX + 3 {
            calls.handle_ringing(call(&i.to_string()));
            calls.decline(&i.to_string());
        }
        assert_eq!(calls.declined.len(), DECLINED_MAX);
        assert_eq!(calls.declined[0].call_id, "3");
    }

    #[test]
    fn a_failed_answer_rings_again_or_leaves() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.handle_ringing(call("b"));
        calls.answer("b");
        calls.answer_failed("b", true);
        assert!(!calls.busy());
        assert_eq!(ids(&calls), ["b", "a"], "back on top, answerable");
        calls.answer("b");
        calls.answer_failed("other", false);
        assert!(calls.busy());
        calls.answer_failed("b", false);
        assert_eq!(ids(&calls), ["a"]);
        assert_eq!(calls.last_ended(), None, "a refused answer is an error, not an ended call");
        assert!(rings_on_after("bad_sdp") && rings_on_after("media_unavailable"));
        assert!(!rings_on_after("call_gone") && !rings_on_after("forbidden"));
    }

    #[test]
    fn a_new_connection_forgets_what_rang() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.handle_ringing(call("b"));
        calls.answer("a");
        calls.handle_reconnected();
        assert!(calls.ringing().is_empty());
        assert!(calls.busy(), "the call's audio does not go through the WebSocket");
    }

    #[test]
    fn reasons_as_the_wire_writes_them_with_messages() {
        let catalogs = Catalogs::parse_all().unwrap();
        let en = catalogs.catalog(Lang::En);
        for kind in [
            CallEndKind::RemoteHangUp,
            CallEndKind::LocalHangUp,
            CallEndKind::Abandoned,
            CallEndKind::AnsweredElsewhere,
            CallEndKind::Withdrawn,
            CallEndKind::Rejected,
            CallEndKind::Failed,
            CallEndKind::Transferred,
        ] {
            let wire = serde_json::to_string(&kind).unwrap();
            assert_eq!(wire, format!("\"{}\"", end_kind_str(kind)));
            for declined in [false, true] {
                assert!(en.get(end_message_key(kind, declined)).is_some(), "{kind:?}");
            }
        }
        for code in ["call_gone", "bad_sdp", "media_unavailable", "calls_unavailable", "forbidden", "teapot"] {
            assert!(en.get(answer_error_key(code)).is_some(), "{code}");
        }
        let dial_codes = [
            "bad_number",
            "busy",
            "no_trunk",
            "bad_sdp",
            "media_unavailable",
            "calls_unavailable",
            "forbidden",
            "teapot",
        ];
        for code in dial_codes {
            assert!(en.get(dial_error_key(code)).is_some(), "{code}");
        }
        for phase in [CallPhase::Dialing, CallPhase::Ringing, CallPhase::Connecting, CallPhase::Talking] {
            assert!(en.get(phase.message_key()).is_some(), "{phase:?}");
        }
        for e in [NumberError::Empty, NumberError::Invalid, NumberError::TooLong] {
            assert!(en.get(e.message_key()).is_some(), "{e:?}");
        }
        for hold in [true, false] {
            assert!(en.get(hold_failed_key(hold)).is_some() && en.get(hold_refused_key(hold)).is_some());
        }
        for status in [None, Some(404), Some(408), Some(480), Some(484), Some(486), Some(600), Some(603), Some(604)] {
            for kind in [CallEndKind::RemoteHangUp, CallEndKind::Rejected, CallEndKind::Failed] {
                let ended = EndedCall {
                    info: outbound("o"),
                    reason: CallEndReason { kind, sip_status: status, q850: None },
                    declined: false,
                };
                assert!(en.get(ended.message_key()).is_some(), "{kind:?} {status:?}");
            }
        }
    }

    fn outbound(id: &str) -> CallInfo {
        CallInfo::new(
            id.into(),
            CallDirection::Outbound,
            "+902120000000".into(),
            "+905551112233".into(),
            "carrier".into(),
            "2025-01-01T10:00:00Z".into(),
        )
    }

    fn phase(calls: &Calls) -> Option<&'static str> {
        calls.active().map(|a| a.phase().as_str())
    }

    #[test]
    fn a_dial_rings_then_talks_from_the_far_ends_answer() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("in"));
        assert!(calls.dial("+905551112233"));
        assert!(!calls.dial("+905551112233"), "one call at a time");
        assert_eq!(calls.answer("in"), None, "no answering while dialing");
        assert_eq!(phase(&calls), Some("dialing"));
        let active = calls.active().unwrap();
        assert_eq!((active.id(), active.info.to.as_str(), active.outbound()), (None, "+905551112233", true));
        assert!(calls.awaits_dial_answer());
        // Messages about calls the desk does not know change nothing.
        calls.handle_remote_ringing("o");
        calls.handle_connected("o", 500.0);
        assert_eq!(phase(&calls), Some("dialing"));

        assert_eq!(calls.handle_dialing(outbound("o")), Dialed::Placed);
        assert!(!calls.awaits_dial_answer());
        assert_eq!(calls.active().unwrap().id(), Some("o"));
        assert_eq!(phase(&calls), Some("dialing"), "placed, the far end not ringing yet");
        calls.media_up("o", 1_000.0);
        calls.handle_remote_ringing("o");
        assert_eq!(phase(&calls), Some("ringing"));
        assert_eq!(calls.active().unwrap().talk_secs(9_000.0), 0, "ringing is not talk");
        calls.handle_answered("o", 2_000.0);
        calls.handle_connected("other", 2_000.0);
        assert_eq!(phase(&calls), Some("ringing"));
        calls.handle_connected("o", 10_000.0);
        let active = calls.active().unwrap();
        assert_eq!(active.phase(), CallPhase::Talking);
        assert_eq!(active.talk_secs(15_500.0), 5, "talk time from the far end's answer");

        let busy = CallEndReason { kind: CallEndKind::RemoteHangUp, sip_status: None, q850: Some(16) };
        assert_eq!(calls.handle_ended("o", busy), Removed::Active);
        let last = calls.last_ended().unwrap();
        assert_eq!(last.message_key(), "call-end-remote-hang-up-outbound");
        assert_eq!(other_party(&last.info), "+905551112233");
    }

    #[test]
    fn an_outbound_call_answered_before_its_audio_talks_once_the_audio_is_up() {
        let mut calls = Calls::default();
        calls.dial("100");
        calls.handle_dialing(outbound("o"));
        calls.handle_connected("o", 1_000.0);
        assert_eq!(phase(&calls), Some("connecting"));
        calls.media_up("o", 3_000.0);
        assert_eq!(calls.active().unwrap().talk_secs(4_000.0), 1);
    }

    #[test]
    fn a_refused_dial_leaves_the_desk_as_an_error() {
        let mut calls = Calls::default();
        calls.dial("+905551112233");
        assert!(calls.dial_failed());
        assert!(!calls.busy());
        assert_eq!(calls.last_ended(), None, "a refused dial is an error, not an ended call");
        // Rejected by the far end while ringing: an ended call, with why.
        calls.dial("+905551112233");
        calls.handle_dialing(outbound("o"));
        calls.handle_remote_ringing("o");
        let busy = CallEndReason { kind: CallEndKind::Rejected, sip_status: Some(486), q850: Some(17) };
        assert_eq!(calls.handle_ended("o", busy), Removed::Active);
        assert_eq!(calls.last_ended().unwrap().message_key(), "call-end-busy");
        let no_answer = CallEndReason { kind: CallEndKind::Rejected, sip_status: Some(480), q850: None };
        calls.dial("1");
        calls.handle_dialing(outbound("p"));
        calls.handle_ended("p", no_answer);
        assert_eq!(calls.last_ended().unwrap().message_key(), "call-end-no-answer");
        // Talking calls do not fail as dials.
        calls.dial("1");
        calls.handle_dialing(outbound("q"));
        calls.media_up("q", 0.0);
        calls.handle_connected("q", 0.0);
        assert!(!calls.dial_failed());
        assert!(calls.end_active("q", CallEndKind::Failed));
        assert_eq!(calls.last_ended().unwrap().message_key(), "call-end-failed");
    }

    #[test]
    fn hanging_up_before_the_dial_is_answered_hangs_up_what_it_places() {
        let mut calls = Calls::default();
        calls.dial("+905551112233");
        assert!(calls.abandon_dial(true));
        assert!(calls.active().is_none());
        let last = calls.last_ended().unwrap();
        assert_eq!((last.message_key(), last.info.to.as_str()), ("call-end-local-hang-up", "+905551112233"));
        assert!(calls.busy(), "the dial's answer is still to come");
        assert!(calls.awaits_dial_answer());
        assert!(!calls.dial("200"), "no new dial until then: its answer would be mistaken");
        assert_eq!(calls.handle_dialing(outbound("o")), Dialed::HangUp);
        assert!(!calls.busy());
        assert!(!calls.awaits_dial_answer());
        // The gateway confirms the hang-up; its reason refines ours.
        let confirmed = CallEndReason { kind: CallEndKind::LocalHangUp, sip_status: None, q850: Some(16) };
        assert_eq!(calls.handle_ended("o", confirmed), Removed::Nothing);
        assert_eq!(calls.last_ended().unwrap().reason, confirmed);
        assert_eq!(calls.handle_dialing(outbound("stray")), Dialed::HangUp, "unasked-for calls are hung up");
        assert_eq!(calls.last_ended().unwrap().info.call_id, "o");

        // Refused after all, or hung up before it went out.
        calls.dial("300");
        calls.abandon_dial(true);
        calls.dial_settled();
        assert!(!calls.busy());
        calls.dial("400");
        calls.abandon_dial(false);
        assert!(!calls.busy() && !calls.awaits_dial_answer());
        assert!(!calls.abandon_dial(true), "nothing left to abandon");
    }

    #[test]
    fn hold_waits_for_the_gateway_then_holds() {
        let mut calls = Calls::default();
        calls.dial("100");
        calls.handle_dialing(outbound("o"));
        calls.handle_remote_ringing("o");
        assert!(!calls.request_hold("o", true), "no hold before talking");
        calls.media_up("o", 0.0);
        calls.handle_connected("o", 0.0);
        assert!(!calls.request_hold("o", false), "not held: nothing to resume");
        assert!(!calls.request_hold("other", true));
        assert!(calls.request_hold("o", true));
        let active = calls.active().unwrap();
        assert_eq!((active.held(), active.hold_pending(), active.can_hold()), (false, Some(true), false));
        assert!(!calls.request_hold("o", true), "one request at a time");
        assert_eq!(calls.handle_held("o", true), HoldOutcome::Done);
        let active = calls.active().unwrap();
        assert_eq!((active.held(), active.hold_pending(), active.can_hold()), (true, None, true));
        assert_eq!(active.phase(), CallPhase::Talking, "a held call is still the call");
        assert!(calls.request_hold("o", false));
        assert_eq!(calls.handle_held("o", false), HoldOutcome::Done);
        assert!(!calls.active().unwrap().held());
        assert_eq!(calls.handle_held("other", true), HoldOutcome::Nothing);
    }

    #[test]
    fn a_refused_hold_leaves_the_call_as_it_was() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.answer("a");
        calls.handle_answered("a", 0.0);
        calls.media_up("a", 0.0);
        // The far end refuses the re-INVITE.
        assert!(calls.request_hold("a", true));
        assert_eq!(calls.handle_held("a", false), HoldOutcome::Refused { wanted: true });
        assert!(!calls.active().unwrap().held());
        // The gateway refuses the request (`wrong_state`).
        assert!(calls.request_hold("a", true));
        assert!(calls.hold_failed("a"));
        assert!(!calls.hold_failed("a"), "only once");
        let active = calls.active().unwrap();
        assert_eq!((active.held(), active.hold_pending(), active.can_hold()), (false, None, true));
        // Resume refused: still held.
        calls.request_hold("a", true);
        calls.handle_held("a", true);
        assert!(calls.request_hold("a", false));
        assert_eq!(calls.handle_held("a", true), HoldOutcome::Refused { wanted: false });
        assert!(calls.active().unwrap().held());
    }

    #[test]
    fn mute_lasts_as_long_as_the_call() {
        let mut calls = Calls::default();
        assert!(!calls.set_muted(true), "no call, nothing to mute");
        calls.dial("100");
        assert!(calls.set_muted(true), "a dial can be muted before it is placed");
        calls.handle_dialing(outbound("o"));
        assert!(calls.active().unwrap().muted());
        calls.end_active("o", CallEndKind::LocalHangUp);
        calls.handle_ringing(call("a"));
        calls.answer("a");
        assert!(!calls.active().unwrap().muted(), "the next call starts unmuted");
    }

    fn talking(calls: &mut Calls, id: &str) {
        calls.handle_ringing(call(id));
        calls.answer(id);
        calls.handle_answered(id, 0.0);
        calls.media_up(id, 0.0);
    }

    #[test]
    fn keys_go_out_on_a_connected_call_and_are_remembered_for_it() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.answer("a");
        assert!(!calls.active().unwrap().connected());
        assert!(!calls.send_key("a", '1'), "not before the call is connected");
        calls.handle_answered("a", 0.0);
        calls.media_up("a", 0.0);
        assert!(calls.active().unwrap().connected());
        for key in KEYPAD {
            assert!(calls.send_key("a", key), "{key}");
        }
        assert!(!calls.send_key("a", 'x'));
        assert!(!calls.send_key("other", '1'));
        assert_eq!(calls.active().unwrap().keys_sent(), "123456789*0#");
        calls.request_hold("a", true);
        calls.handle_held("a", true);
        assert!(calls.send_key("a", '5'), "a held call is still connected");
        for _ in 0..KEYS_SHOWN_MAX {
            calls.send_key("a", '9');
        }
        let sent = calls.active().unwrap().keys_sent();
        assert_eq!(sent.len(), KEYS_SHOWN_MAX, "bounded");
        assert!(sent.bytes().all(|b| b == b'9'), "the oldest went first: {sent}");
        calls.end_active("a", CallEndKind::LocalHangUp);
        talking(&mut calls, "b");
        assert_eq!(calls.active().unwrap().keys_sent(), "", "each call starts afresh");
    }

    #[test]
    fn the_callers_keys_are_shown_for_their_call() {
        let mut calls = Calls::default();
        talking(&mut calls, "a");
        for digit in ["1", "#", "*", "D", "0"] {
            calls.handle_digit("a", digit);
        }
        calls.handle_digit("a", "12");
        calls.handle_digit("a", "x");
        calls.handle_digit("a", "");
        calls.handle_digit("other", "9");
        assert_eq!(calls.active().unwrap().digits_heard(), "1#*D0");
    }

    #[test]
    fn typed_keys() {
        for (typed, key) in [('5', Some('5')), ('*', Some('*')), ('#', Some('#')), ('۷', Some('7')), ('٣', Some('3'))]
        {
            assert_eq!(keypad_key(typed), key, "{typed}");
        }
        for typed in ['a', 'A', '+', ' ', '-'] {
            assert_eq!(keypad_key(typed), None, "{typed}");
        }
    }

    #[test]
    fn the_recording_of_the_active_call() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.answer("a");
        assert!(!calls.request_record("a", RecordAction::Start), "not before the call is connected");
        calls.handle_answered("a", 0.0);
        calls.media_up("a", 0.0);
        let state = |c: &Calls| c.active().unwrap().recorder().state();
        assert_eq!(state(&calls), RecordingState::Off);
        assert!(calls.request_record("a", RecordAction::Start));
        assert!(!calls.request_record("a", RecordAction::Stop), "one request at a time");
        assert_eq!(calls.active().unwrap().recorder().pending(), Some(RecordAction::Start));
        calls.handle_recording("a", RecordingState::Recording);
        assert_eq!(state(&calls), RecordingState::Recording);
        assert!(calls.request_record("a", RecordAction::Pause));
        assert!(calls.record_failed("a"));
        assert_eq!(state(&calls), RecordingState::Recording, "refused: unchanged");
        assert!(!calls.record_failed("a"));
        // A supervisor pauses it.
        calls.handle_recording("a", RecordingState::Paused);
        calls.handle_recording("other", RecordingState::Off);
        assert_eq!(state(&calls), RecordingState::Paused);
        calls.end_active("a", CallEndKind::LocalHangUp);
        talking(&mut calls, "b");
        assert_eq!(state(&calls), RecordingState::Off, "each call starts unrecorded");
    }

    #[test]
    fn keypad_and_recording_errors_have_messages() {
        let catalogs = Catalogs::parse_all().unwrap();
        let en = catalogs.catalog(Lang::En);
        for code in ["wrong_state", "bad_number", "call_gone", "calls_unavailable", "forbidden", "teapot"] {
            assert!(en.get(dtmf_error_key(code)).is_some(), "{code}");
        }
    }

    #[test]
    fn a_talking_call_not_held_can_be_transferred_once_at_a_time() {
        let mut calls = Calls::default();
        calls.handle_ringing(call("a"));
        calls.answer("a");
        assert!(!calls.request_transfer("a"), "not talking yet");
        calls.handle_answered("a", 0.0);
        calls.media_up("a", 0.0);
        assert!(calls.active().unwrap().can_transfer());
        calls.request_hold("a", true);
        calls.handle_held("a", true);
        assert!(!calls.request_transfer("a"), "held");
        calls.request_hold("a", false);
        calls.handle_held("a", false);
        assert!(calls.request_transfer("a"));
        assert!(!calls.request_transfer("a"), "one at a time");
        assert!(calls.active().unwrap().transfer_pending());
        // Refused: the call stays, transferable again.
        assert!(calls.transfer_failed("a"));
        assert!(!calls.transfer_failed("a"), "only once");
        assert!(calls.request_transfer("a"));
        // Done: the gateway ends the call for this agent.
        assert_eq!(calls.handle_ended("a", reason(CallEndKind::Transferred)), Removed::Active);
        assert_eq!(calls.last_ended().unwrap().message_key(), "call-end-transferred");
        assert!(!calls.busy());
    }

    #[test]
    fn transfer_targets_and_refusals() {
        assert_eq!(agent_id_input(" 42 "), Some(42));
        assert_eq!(agent_id_input("۴۲"), Some(42));
        assert_eq!(agent_id_input("٤٢"), Some(42));
        for bad in ["", " ", "0", "-3", "4a", "4 2", "*", "9999999999999999999999"] {
            assert_eq!(agent_id_input(bad), None, "{bad:?}");
        }
        let catalogs = Catalogs::parse_all().unwrap();
        for lang in [Lang::En, Lang::Fa, Lang::Ar, Lang::Tr] {
            let catalog = catalogs.catalog(lang);
            for code in ["target_unavailable", "wrong_state", "call_gone", "calls_unavailable", "forbidden", "teapot"] {
                assert!(catalog.get(transfer_error_key(code)).is_some(), "{lang:?} {code}");
            }
        }
        assert_eq!(transfer_error_key("target_unavailable"), "call-transfer-error-unavailable");
        assert_eq!(transfer_error_key("wrong_state"), "call-transfer-error-wrong-state");
    }

    #[test]
    fn a_call_in_progress_is_taken_back_with_its_state() {
        let mut calls = Calls::default();
        calls.handle_call_active(outbound("o"), true, RecordingState::Paused);
        assert_eq!(calls.elsewhere().map(|e| e.info.call_id.as_str()), Some("o"));
        assert!(!calls.busy(), "not on this desk yet");
        assert_eq!(calls.rejoin("x"), None);
        assert_eq!(calls.rejoin("o").map(|c| c.call_id), Some("o".into()));
        assert!(calls.elsewhere().is_none());
        assert_eq!(phase(&calls), Some("dialing"), "outbound, not answered yet here");
        // The gateway takes the new leg (an outbound call too).
        calls.handle_answered("o", 5_000.0);
        calls.media_up("o", 6_000.0);
        let active = calls.active().unwrap();
        assert_eq!(active.phase(), CallPhase::Talking);
        assert!(active.held());
        assert_eq!(active.recorder().state(), RecordingState::Paused);
        assert_eq!(active.talk_secs(8_000.0), 2);
        assert!(!active.can_transfer(), "held");
    }

    #[test]
    fn a_refused_or_ended_call_in_progress() {
        let mut calls = Calls::default();
        calls.handle_call_active(call("a"), false, RecordingState::Off);
        calls.rejoin("a");
        calls.rejoin_failed("a", true);
        assert!(calls.active().is_none());
        assert!(calls.elsewhere().is_some(), "may be taken back again");
        calls.rejoin("a");
        calls.rejoin_failed("a", false);
        assert!(calls.elsewhere().is_none() && !calls.busy());
        // It ends before it is taken back.
        calls.handle_call_active(call("b"), false, RecordingState::Off);
        assert_eq!(calls.handle_ended("b", reason(CallEndKind::RemoteHangUp)), Removed::Nothing);
        assert!(calls.elsewhere().is_none());
        assert_eq!(calls.last_ended().unwrap().info.call_id, "b");
        // A reconnection forgets it until the gateway says it again.
        calls.handle_call_active(call("c"), false, RecordingState::Off);
        calls.handle_reconnected();
        assert!(calls.elsewhere().is_none());
        // A desk with a call of its own ignores it.
        talking(&mut calls, "d");
        calls.handle_call_active(call("e"), false, RecordingState::Off);
        assert!(calls.elsewhere().is_none());
    }

    #[test]
    fn dialable_numbers() {
        fn check(input: &str, expected: Result<&str, NumberError>) {
            assert_eq!(dialable_number(input), expected.map(str::to_owned), "{input:?}");
        }
        check("+90 (555) 111-22.33", Ok("+905551112233"));
        check("  0212 555 1122 ", Ok("02125551122"));
        check("*21#", Ok("*21#"));
        check("۰۹۱۲ ۳۴۵ ۶۷۸۹", Ok("09123456789"));
        check("٠٥٠١٢٣٤٥٦٧", Ok("0501234567"));
        check("\u{200E}+966 50\u{2011}123", Ok("+96650123"));
        check("", Err(NumberError::Empty));
        check(" - ", Err(NumberError::Empty));
        check("+", Err(NumberError::Empty));
        check("12+34", Err(NumberError::Invalid));
        check("++1", Err(NumberError::Invalid));
        check("1-800-FLOWERS", Err(NumberError::Invalid));
        check("sip:100@host", Err(NumberError::Invalid));
        check("12/34", Err(NumberError::Invalid));
        check(&"1".repeat(NUMBER_MAX), Ok(&"1".repeat(NUMBER_MAX)));
        check(&format!("+{}", "1".repeat(NUMBER_MAX - 1)), Ok(&format!("+{}", "1".repeat(NUMBER_MAX - 1))));
        check(&"1".repeat(NUMBER_MAX + 1), Err(NumberError::TooLong));
        check(&format!("+{}", "1".repeat(NUMBER_MAX)), Err(NumberError::TooLong));
        check(&"1 ".repeat(NUMBER_MAX), Ok(&"1".repeat(NUMBER_MAX)));
    }
}
