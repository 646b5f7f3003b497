//! A call's recording as both desks show and control it: its state (off,
//! recording, paused) from the gateway's `call_recording` and
//! `live_call_updated`, and the one request (`call_record`) under way.
//! Plain state, tested natively.
//!
//! The protocol has no request ids: while a request is under way the
//! controls wait (`aria-disabled`), and an `error` is taken as its refusal.

use shared::ws::{RecordAction, RecordingState};

/// A call's recording and the request under way, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorder {
    state: RecordingState,
    pending: Option<RecordAction>,
}

impl Default for Recorder {
    fn default() -> Recorder {
        Recorder { state: RecordingState::Off, pending: None }
    }
}

impl Recorder {
    pub fn state(&self) -> RecordingState {
        self.state
    }

    /// The request sent and not answered yet.
    pub fn pending(&self) -> Option<RecordAction> {
        self.pending
    }

    /// Asks for `action`; true if it should go out: it changes the state,
    /// and no other request is under way.
    pub fn request(&mut self, action: RecordAction) -> bool {
        if self.pending.is_some() || !changes(self.state, action) {
            return false;
        }
        self.pending = Some(action);
        true
    }

    /// `call_recording`: the gateway says where the recording stands (after
    /// a request, or on its own, e.g. a supervisor started it).
    pub fn handle_state(&mut self, state: RecordingState) {
        self.state = state;
        self.pending = None;
    }

    /// The request was refused or not answered: nothing changed. True if
    /// one was under way.
    pub fn failed(&mut self) -> bool {
        self.pending.take().is_some()
    }
}

/// Whether `action` changes a recording in `state`.
pub fn changes(state: RecordingState, action: RecordAction) -> bool {
    matches!(
        (state, action),
        (RecordingState::Off, RecordAction::Start)
            | (RecordingState::Recording, RecordAction::Pause | RecordAction::Stop)
            | (RecordingState::Paused, RecordAction::Resume | RecordAction::Stop)
    )
}

/// The Pause or Resume the recording offers now, if any.
pub fn pause_action(state: RecordingState) -> Option<RecordAction> {
    match state {
        RecordingState::Off => None,
        RecordingState::Recording => Some(RecordAction::Pause),
        RecordingState::Paused => Some(RecordAction::Resume),
    }
}

/// Start when off, else Stop: the one button a supervisor's row has.
pub fn start_or_stop(state: RecordingState) -> RecordAction {
    match state {
        RecordingState::Off => RecordAction::Start,
        RecordingState::Recording | RecordingState::Paused => RecordAction::Stop,
    }
}

/// The value of `data-state`.
pub fn state_str(state: RecordingState) -> &'static str {
    match state {
        RecordingState::Off => "off",
        RecordingState::Recording => "recording",
        RecordingState::Paused => "paused",
    }
}

/// The state's label.
pub fn state_key(state: RecordingState) -> &'static str {
    match state {
        RecordingState::Off => "record-state-off",
        RecordingState::Recording => "record-state-recording",
        RecordingState::Paused => "record-state-paused",
    }
}

/// The value of `data-pending`.
pub fn action_str(action: RecordAction) -> &'static str {
    match action {
        RecordAction::Start => "start",
        RecordAction::Pause => "pause",
        RecordAction::Resume => "resume",
        RecordAction::Stop => "stop",
    }
}

/// The label of the button that asks for `action`.
pub fn action_key(action: RecordAction) -> &'static str {
    match action {
        RecordAction::Start => "record-start",
        RecordAction::Pause => "record-pause",
        RecordAction::Resume => "record-resume",
        RecordAction::Stop => "record-stop",
    }
}

/// The message for the gateway's refusal of `call_record` (its `code`).
pub fn error_key(code: &str) -> &'static str {
    match code {
        "wrong_state" => "record-error-wrong-state",
        "call_gone" => "record-error-gone",
        "calls_unavailable" => "call-error-calls-unavailable",
        "forbidden" => "error-forbidden",
        _ => "record-error-refused",
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use super::*;
    use crate::messages::Catalogs;

    const STATES: [RecordingState; 3] = [RecordingState::Off, RecordingState::Recording, RecordingState::Paused];
    const ACTIONS: [RecordAction; 4] =
        [RecordAction::Start, RecordAction::Pause, RecordAction::Resume, RecordAction::Stop];

    #[test]
    fn start_pause_resume_stop() {
        let mut r = Recorder::default();
        assert_eq!(r.state(), RecordingState::Off);
        assert!(!r.request(RecordAction::Pause), "nothing to pause");
        assert!(!r.request(RecordAction::Stop), "nothing to stop");
        assert!(r.request(RecordAction::Start));
        assert_eq!(r.pending(), Some(RecordAction::Start));
        assert!(!r.request(RecordAction::Start), "one request at a time");
        r.handle_state(RecordingState::Recording);
        assert_eq!((r.state(), r.pending()), (RecordingState::Recording, None));
        assert!(r.request(RecordAction::Pause));
        r.handle_state(RecordingState::Paused);
        assert!(!r.request(RecordAction::Pause));
        assert!(r.request(RecordAction::Resume));
        r.handle_state(RecordingState::Recording);
        assert!(r.request(RecordAction::Stop));
        r.handle_state(RecordingState::Off);
        assert_eq!((r.state(), r.pending()), (RecordingState::Off, None));
    }

    #[test]
    fn a_refusal_changes_nothing_and_others_may_change_it() {
        let mut r = Recorder::default();
        assert!(r.request(RecordAction::Start));
        assert!(r.failed());
        assert!(!r.failed(), "only once");
        assert_eq!((r.state(), r.pending()), (RecordingState::Off, None));
        // A supervisor starts it; then the gateway's own news arrives while
        // the agent's pause is under way: the news wins, the request is done.
        r.handle_state(RecordingState::Recording);
        assert!(r.request(RecordAction::Pause));
        r.handle_state(RecordingState::Off);
        assert_eq!((r.state(), r.pending()), (RecordingState::Off, None));
    }

    #[test]
    fn buttons_follow_the_state() {
        assert_eq!(pause_action(RecordingState::Off), None);
        assert_eq!(pause_action(RecordingState::Recording), Some(RecordAction::Pause));
        assert_eq!(pause_action(RecordingState::Paused), Some(RecordAction::Resume));
        assert_eq!(start_or_stop(RecordingState::Off), RecordAction::Start);
        assert_eq!(start_or_stop(RecordingState::Paused), RecordAction::Stop);
        for state in STATES {
            assert!(changes(state, start_or_stop(state)));
            if let Some(a) = pause_action(state) {
                assert!(changes(state, a));
            }
        }
    }

    #[test]
    fn wire_names_and_messages() {
        let catalogs = Catalogs::parse_all().unwrap();
        let en = catalogs.catalog(Lang::En);
        for state in STATES {
            assert_eq!(serde_json::to_string(&state).unwrap(), format!("\"{}\"", state_str(state)));
            assert!(en.get(state_key(state)).is_some(), "{state:?}");
        }
        for action in ACTIONS {
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{}\"", action_str(action)));
            assert!(en.get(action_key(action)).is_some(), "{action:?}");
        }
        for code in ["wrong_state", "call_gone", "calls_unavailable", "forbidden", "teapot"] {
            assert!(en.get(error_key(code)).is_some(), "{code}");
        }
    }
}
