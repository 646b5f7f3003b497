//! The live calls as the supervisor desk shows them: the list the gateway
//! sends on `watch_calls` (`calls`), kept current with `live_call_updated`
//! (insert or replace by call id) and `live_call_removed`, and the one
//! recording request under way. Plain state, tested natively.

use shared::ws::{LiveCall, LiveCallState, RecordAction, RecordingState};

use crate::recording;

/// Every live call, in the order they reached the gateway.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveCalls {
    calls: Vec<LiveCall>,
    /// The first `calls` arrived.
    loaded: bool,
    /// The recording request under way: the call and what was asked. The
    /// protocol has no request ids, so one at a time.
    record_pending: Option<(String, RecordAction)>,
}

impl LiveCalls {
    /// Whether the list arrived at least once.
    pub fn loaded(&self) -> bool {
        self.loaded
    }

    pub fn calls(&self) -> &[LiveCall] {
        &self.calls
    }

    pub fn get(&self, call_id: &str) -> Option<&LiveCall> {
        self.calls.iter().find(|c| c.call.call_id == call_id)
    }

    /// `calls`: the whole list, once per `watch_calls` (after each
    /// connect). What was shown before is replaced.
    pub fn handle_calls(&mut self, calls: Vec<LiveCall>) {
        self.calls = calls;
        self.loaded = true;
        if let Some((id, _)) = &self.record_pending
            && self.get(id).is_none()
        {
            self.record_pending = None;
        }
    }

    /// `live_call_updated`: a call appeared or changed.
    pub fn handle_updated(&mut self, call: LiveCall) {
        match self.calls.iter_mut().find(|c| c.call.call_id == call.call.call_id) {
            Some(shown) => *shown = call,
            None => self.calls.push(call),
        }
    }

    /// `live_call_removed`: the call ended. True if it was shown.
    pub fn handle_removed(&mut self, call_id: &str) -> bool {
        if self.record_pending.as_ref().is_some_and(|(id, _)| id == call_id) {
            self.record_pending = None;
        }
        let before = self.calls.len();
        self.calls.retain(|c| c.call.call_id != call_id);
        self.calls.len() != before
    }

    /// The recording request under way, if it is for `call_id`.
    pub fn record_pending(&self, call_id: &str) -> Option<RecordAction> {
        self.record_pending.as_ref().filter(|(id, _)| id == call_id).map(|(_, a)| *a)
    }

    /// The supervisor asks to start or stop the recording of `call_id`;
    /// the action to send, if it should go out: the call can be recorded
    /// now, and no other request is under way.
    pub fn request_record(&mut self, call_id: &str) -> Option<RecordAction> {
        if self.record_pending.is_some() {
            return None;
        }
        let call = self.get(call_id).filter(|c| connected(c.state))?;
        let action = recording::start_or_stop(call.recording);
        self.record_pending = Some((call_id.to_owned(), action));
        Some(action)
    }

    /// `call_recording` (the answer to the request, or news): the call's
    /// recording state.
    pub fn handle_recording(&mut self, call_id: &str, state: RecordingState) {
        if self.record_pending.as_ref().is_some_and(|(id, _)| id == call_id) {
            self.record_pending = None;
        }
        if let Some(call) = self.calls.iter_mut().find(|c| c.call.call_id == call_id) {
            call.recording = state;
        }
    }

    /// The recording request was refused or not answered. True if one for
    /// `call_id` was under way.
    pub fn record_failed(&mut self, call_id: &str) -> bool {
        self.record_pending.take_if(|(id, _)| id == call_id).is_some()
    }
}

/// Whether a call in `state` has its agent and caller talking (held or
/// not): it can be supervised and recorded.
pub fn connected(state: LiveCallState) -> bool {
    matches!(state, LiveCallState::Talking | LiveCallState::Held)
}

/// Whether the supervisor `me` can join `call`: it is connected and it is
/// not their own call.
pub fn can_supervise(call: &LiveCall, me: Option<i64>) -> bool {
    connected(call.state) && (me.is_none() || call.agent_id != me)
}

/// The value of `data-state`.
pub fn state_str(state: LiveCallState) -> &'static str {
    match state {
        LiveCallState::Ringing => "ringing",
        LiveCallState::Connecting => "connecting",
        LiveCallState::Talking => "talking",
        LiveCallState::Held => "held",
    }
}

/// The state's label.
pub fn state_key(state: LiveCallState) -> &'static str {
    match state {
        LiveCallState::Ringing => "live-state-ringing",
        LiveCallState::Connecting => "live-state-connecting",
        LiveCallState::Talking => "live-state-talking",
        LiveCallState::Held => "live-state-held",
    }
}

/// Whole seconds since `started_ms` at `now_ms` (both the gateway's clock);
/// 0 if the clock steps back.
pub fn elapsed_secs(started_ms: f64, now_ms: f64) -> u64 {
    ((now_ms - started_ms) / 1000.0).max(0.0) as u64
}

#[cfg(test)]
mod tests {
    use shared::Lang;
    use shared::ws::{CallDirection, CallInfo};

    use super::*;
    use crate::messages::Catalogs;

    fn live(id: &str, state: LiveCallState) -> LiveCall {
        LiveCall {
            call: CallInfo::new(
                id.into(),
                CallDirection::Inbound,
                "+905551112233".into(),
                "+902120000000".into(),
                "carrier".into(),
                "2025-01-01T10:00:00Z".into(),
            ),
            state,
            agent_id: (state != LiveCallState::Ringing).then_some(7),
            recording: RecordingState::Off,
            supervisors: Vec::new(),
        }
    }

    fn ids(calls: &LiveCalls) -> Vec<&str> {
        calls.calls().iter().map(|c| c.call.call_id.as_str()).collect()
    }

    #[test]
    fn the_list_then_its_changes() {
        let mut calls = LiveCalls::default();
        assert!(!calls.loaded());
        calls.handle_updated(live("early", LiveCallState::Ringing));
        calls.handle_calls(vec![live("a", LiveCallState::Talking), live("b", LiveCallState::Ringing)]);
        assert!(calls.loaded());
        assert_eq!(ids(&calls), ["a", "b"], "the list replaces what came before");
        calls.handle_updated(live("c", LiveCallState::Ringing));
        let mut b = live("b", LiveCallState::Talking);
        b.supervisors = vec![3];
        calls.handle_updated(b.clone());
        assert_eq!(ids(&calls), ["a", "b", "c"], "updated in place, new ones at the end");
        assert_eq!(calls.get("b"), Some(&b));
        assert!(calls.handle_removed("a"));
        assert!(!calls.handle_removed("a"));
        assert_eq!(ids(&calls), ["b", "c"]);
        calls.handle_calls(Vec::new());
        assert!(calls.calls().is_empty() && calls.loaded());
    }

    #[test]
    fn recording_requests_one_at_a_time() {
        let mut calls = LiveCalls::default();
        calls.handle_calls(vec![live("a", LiveCallState::Held), live("b", LiveCallState::Talking)]);
        calls.handle_updated(live("r", LiveCallState::Ringing));
        assert_eq!(calls.request_record("r"), None, "a ringing call cannot be recorded");
        assert_eq!(calls.request_record("zz"), None);
        assert_eq!(calls.request_record("a"), Some(RecordAction::Start));
        assert_eq!(calls.record_pending("a"), Some(RecordAction::Start));
        assert_eq!(calls.record_pending("b"), None);
        assert_eq!(calls.request_record("b"), None, "one request at a time");
        calls.handle_recording("a", RecordingState::Recording);
        assert_eq!(calls.record_pending("a"), None);
        assert_eq!(calls.get("a").unwrap().recording, RecordingState::Recording);
        assert_eq!(calls.request_record("a"), Some(RecordAction::Stop));
        assert!(!calls.record_failed("b"));
        assert!(calls.record_failed("a"));
        assert_eq!(calls.get("a").unwrap().recording, RecordingState::Recording, "refused: unchanged");
        // The call ends while a request is under way.
        assert_eq!(calls.request_record("b"), Some(RecordAction::Start));
        calls.handle_removed("b");
        assert_eq!(calls.request_record("a"), Some(RecordAction::Stop));
        calls.handle_calls(vec![live("b", LiveCallState::Talking)]);
        assert_eq!(calls.request_record("b"), Some(RecordAction::Start), "a new list forgets calls gone");
    }

    #[test]
    fn who_can_be_supervised() {
        let mut call = live("a", LiveCallState::Talking);
        assert!(can_supervise(&call, Some(1)));
        assert!(!can_supervise(&call, Some(7)), "not one's own call");
        call.state = LiveCallState::Held;
        assert!(can_supervise(&call, None));
        for state in [LiveCallState::Ringing, LiveCallState::Connecting] {
            call.state = state;
            assert!(!can_supervise(&call, Some(1)), "{state:?}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(elapsed_secs(1_000.0, 1_999.0), 0);
        assert_eq!(elapsed_secs(1_000.0, 66_000.0), 65);
        assert_eq!(elapsed_secs(5_000.0, 1_000.0), 0);
    }

    #[test]
    fn wire_names_and_messages() {
        let catalogs = Catalogs::parse_all().unwrap();
        let en = catalogs.catalog(Lang::En);
        for state in [LiveCallState::Ringing, LiveCallState::Connecting, LiveCallState::Talking, LiveCallState::Held] {
            assert_eq!(serde_json::to_string(&state).unwrap(), format!("\"{}\"", state_str(state)));
            assert!(en.get(state_key(state)).is_some(), "{state:?}");
        }
    }
}
