//! A supervisor on a call, as the supervisor desk runs it: one call at a
//! time, joined with the first press of Listen, Whisper or Barge
//! (`supervise` → `supervision_started`), another press changes the mode
//! (`supervise_mode` → `supervision_changed`), Leave or the end of the call
//! ends it (`supervise_stop`, `supervision_ended`). Plain state, tested
//! natively; the desk owns the media.
//!
//! The microphone goes to the gateway only while someone may hear it: it
//! is silenced at once on the way to Listen, and opened on the way out of
//! it only once the gateway confirms (see [`Supervision::mic_open`]); the
//! gateway mixes it by the mode anyway.

use shared::ws::SuperviseMode;

/// The three modes, in the order the buttons show them.
pub const MODES: [SuperviseMode; 3] = [SuperviseMode::Listen, SuperviseMode::Whisper, SuperviseMode::Barge];

/// The call the supervisor is on (or joining).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supervision {
    call_id: String,
    /// Joining: the mode asked for; on the call: the gateway's.
    mode: SuperviseMode,
    /// The gateway has not answered the join yet.
    joining: bool,
    /// A change of mode asked for and not answered yet.
    pending_mode: Option<SuperviseMode>,
}

impl Supervision {
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// The mode in force (or asked for, while joining).
    pub fn mode(&self) -> SuperviseMode {
        self.mode
    }

    /// Whether the join awaits the gateway's answer.
    pub fn joining(&self) -> bool {
        self.joining
    }

    /// The change of mode under way, if any.
    pub fn pending_mode(&self) -> Option<SuperviseMode> {
        self.pending_mode
    }

    /// Whether the microphone should carry sound: never in Listen, nor on
    /// the way to it.
    pub fn mic_open(&self) -> bool {
        self.mode != SuperviseMode::Listen && self.pending_mode != Some(SuperviseMode::Listen)
    }
}

/// What a press of a mode button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    /// Join the call in this mode: open the microphone and send the offer.
    Join,
    /// Change the mode of the call the supervisor is on.
    Change,
    /// Nothing: the mode is in force, a request is under way, or the
    /// supervisor is on another call.
    Nothing,
}

/// The supervisor's one call, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Supervisor {
    current: Option<Supervision>,
}

impl Supervisor {
    pub fn current(&self) -> Option<&Supervision> {
        self.current.as_ref()
    }

    /// The supervision of `call_id`, if that is the call.
    pub fn on(&self, call_id: &str) -> Option<&Supervision> {
        self.current.as_ref().filter(|s| s.call_id == call_id)
    }

    fn on_mut(&mut self, call_id: &str) -> Option<&mut Supervision> {
        self.current.as_mut().filter(|s| s.call_id == call_id)
    }

    /// The supervisor presses `mode` on the row of `call_id`.
    pub fn press(&mut self, call_id: &str, mode: SuperviseMode) -> Press {
        match self.current.as_mut() {
            None => {
                self.current =
                    Some(Supervision { call_id: call_id.to_owned(), mode, joining: true, pending_mode: None });
                Press::Join
            }
            Some(s) if s.call_id == call_id && !s.joining && s.pending_mode.is_none() && s.mode != mode => {
                s.pending_mode = Some(mode);
                Press::Change
            }
            Some(_) => Press::Nothing,
        }
    }

    /// `supervision_started`: the supervisor is on the call. False if no
    /// join of that call awaited it (the supervisor left meanwhile): the
    /// gateway is to be told to stop.
    pub fn handle_started(&mut self, call_id: &str, mode: SuperviseMode) -> bool {
        match self.on_mut(call_id).filter(|s| s.joining) {
            Some(s) => {
                s.joining = false;
                s.mode = mode;
                true
            }
            None => false,
        }
    }

    /// The join failed (refused, no microphone, no answer): off the call.
    /// True if that join was under way.
    pub fn join_failed(&mut self, call_id: &str) -> bool {
        self.current.take_if(|s| s.call_id == call_id && s.joining).is_some()
    }

    /// `supervision_changed`: the mode in force now.
    pub fn handle_changed(&mut self, call_id: &str, mode: SuperviseMode) {
        if let Some(s) = self.on_mut(call_id).filter(|s| !s.joining) {
            s.mode = mode;
            s.pending_mode = None;
        }
    }

    /// The change of mode was refused or not answered: the mode stays.
    /// True if one was under way.
    pub fn mode_failed(&mut self, call_id: &str) -> bool {
        self.on_mut(call_id).and_then(|s| s.pending_mode.take()).is_some()
    }

    /// The supervisor leaves: off the call at once. The call left, and
    /// whether the gateway had them on it (then `supervise_stop` goes out;
    /// a join still under way is stopped when its answer comes).
    pub fn leave(&mut self) -> Option<(String, bool)> {
        self.current.take().map(|s| (s.call_id, !s.joining))
    }

    /// `supervision_ended` (or the call is gone): off the call. True if it
    /// was the supervisor's call: its media are to be released.
    pub fn handle_ended(&mut self, call_id: &str) -> bool {
        self.current.take_if(|s| s.call_id == call_id).is_some()
    }
}

/// The value of `data-mode`.
pub fn mode_str(mode: SuperviseMode) -> &'static str {
    match mode {
        SuperviseMode::Listen => "listen",
        SuperviseMode::Whisper => "whisper",
        SuperviseMode::Barge => "barge",
    }
}

/// The button's label.
pub fn mode_key(mode: SuperviseMode) -> &'static str {
    match mode {
        SuperviseMode::Listen => "supervise-listen",
        SuperviseMode::Whisper => "supervise-whisper",
        SuperviseMode::Barge => "supervise-barge",
    }
}

/// Who hears the supervisor in `mode`, as the panel says it.
pub fn mode_hint_key(mode: SuperviseMode) -> &'static str {
    match mode {
        SuperviseMode::Listen => "supervise-hint-listen",
        SuperviseMode::Whisper => "supervise-hint-whisper",
        SuperviseMode::Barge => "supervise-hint-barge",
    }
}

/// The message for the gateway's refusal of `supervise` or
/// `supervise_mode` (its `code`).
pub fn error_key(code: &str) -> &'static str {
    match code {
        "call_gone" => "supervise-error-gone",
        "wrong_state" => "supervise-error-wrong-state",
        "bad_sdp" => "supervise-error-bad-sdp",
        "media_unavailable" => "supervise-error-media-unavailable",
        "calls_unavailable" => "call-error-calls-unavailable",
        "forbidden" => "error-forbidden",
        _ => "supervise-error-refused",
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use super::*;
    use crate::messages::Catalogs;

    #[test]
    fn join_change_leave() {
        let mut s = Supervisor::default();
        assert_eq!(s.press("a", SuperviseMode::Listen), Press::Join);
        let on = s.current().unwrap();
        assert_eq!((on.call_id(), on.mode(), on.joining(), on.mic_open()), ("a", SuperviseMode::Listen, true, false));
        assert_eq!(s.press("a", SuperviseMode::Whisper), Press::Nothing, "not while joining");
        assert_eq!(s.press("b", SuperviseMode::Listen), Press::Nothing, "one call at a time");
        assert!(!s.handle_started("b", SuperviseMode::Listen));
        assert!(s.handle_started("a", SuperviseMode::Listen));
        assert!(!s.handle_started("a", SuperviseMode::Listen), "only once");
        assert!(!s.on("a").unwrap().joining());
        assert_eq!(s.press("a", SuperviseMode::Listen), Press::Nothing, "already listening");
        assert_eq!(s.press("a", SuperviseMode::Whisper), Press::Change);
        let on = s.on("a").unwrap();
        assert_eq!(
            (on.mode(), on.pending_mode(), on.mic_open()),
            (SuperviseMode::Listen, Some(SuperviseMode::Whisper), false)
        );
        assert_eq!(s.press("a", SuperviseMode::Barge), Press::Nothing, "one change at a time");
        s.handle_changed("a", SuperviseMode::Whisper);
        let on = s.on("a").unwrap();
        assert_eq!((on.mode(), on.pending_mode(), on.mic_open()), (SuperviseMode::Whisper, None, true));
        assert_eq!(s.press("a", SuperviseMode::Barge), Press::Change);
        assert!(s.mode_failed("a"));
        assert!(!s.mode_failed("a"));
        assert_eq!(s.on("a").unwrap().mode(), SuperviseMode::Whisper, "refused: unchanged");
        assert_eq!(s.leave(), Some(("a".into(), true)));
        assert_eq!(s.current(), None);
        assert_eq!(s.leave(), None);
        assert_eq!(s.press("b", SuperviseMode::Barge), Press::Join, "free for another call");
    }

    #[test]
    fn the_mic_closes_at_once_on_the_way_to_listen() {
        let mut s = Supervisor::default();
        s.press("a", SuperviseMode::Barge);
        assert!(s.current().unwrap().mic_open(), "joining in barge: heard once joined");
        s.handle_started("a", SuperviseMode::Barge);
        s.press("a", SuperviseMode::Listen);
        assert!(!s.current().unwrap().mic_open(), "silent before the gateway confirms");
        assert!(s.mode_failed("a"));
        assert!(s.current().unwrap().mic_open(), "still barging: heard again");
    }

    #[test]
    fn joins_that_fail_or_are_left_or_end() {
        let mut s = Supervisor::default();
        s.press("a", SuperviseMode::Listen);
        assert!(!s.join_failed("b"));
        assert!(s.join_failed("a"));
        assert_eq!(s.current(), None);
        // Left while joining: the late answer is to be stopped.
        s.press("a", SuperviseMode::Whisper);
        assert_eq!(s.leave(), Some(("a".into(), false)));
        assert!(!s.handle_started("a", SuperviseMode::Whisper));
        // The call ends under the supervisor.
        s.press("a", SuperviseMode::Listen);
        s.handle_started("a", SuperviseMode::Listen);
        assert!(!s.join_failed("a"), "joined: not a failed join");
        assert!(!s.handle_ended("b"));
        assert!(s.handle_ended("a"));
        assert!(!s.handle_ended("a"));
        assert_eq!(s.current(), None);
    }

    #[test]
    fn wire_names_and_messages() {
        let catalogs = Catalogs::parse_all().unwrap();
        let en = catalogs.catalog(Lang::En);
        for mode in MODES {
            assert_eq!(serde_json::to_string(&mode).unwrap(), format!("\"{}\"", mode_str(mode)));
            assert!(en.get(mode_key(mode)).is_some() && en.get(mode_hint_key(mode)).is_some(), "{mode:?}");
        }
        for code in ["call_gone", "wrong_state", "bad_sdp", "media_unavailable", "calls_unavailable", "forbidden", "x"]
        {
            assert!(en.get(error_key(code)).is_some(), "{code}");
        }
    }
}
