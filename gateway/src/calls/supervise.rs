//! What supervisors do with calls: watch them live, join one (listen,
//! whisper, barge), and control its recording (as the call's agent may
//! too).

use shared::ws::{LiveCall, LiveCallState, RecordAction, RecordingState, ServerMsg, SuperviseMode};

use super::{CallError, CallerPhase, Calls, Output, State};
use crate::media::rtp_leg::RtpLegId;
use crate::media::webrtc::LegId;

/// A supervisor on a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Supervisor {
    pub user: i64,
    /// Their browser leg, once the media driver opened it.
    pub leg: Option<LegId>,
    pub mode: SuperviseMode,
}

/// What the media driver is asked to do with a call's recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordCommand {
    /// Open the call's file (named after the call) and record.
    Start {
        call_id: String,
    },
    Pause(bool),
    Stop,
}

impl Calls {
    /// The live calls, for a supervisor who starts watching; changes follow
    /// as [`Output::Supervisors`].
    pub fn live_calls(&self) -> Vec<LiveCall> {
        let mut calls: Vec<(u64, LiveCall)> = self.calls.iter().map(|(id, c)| (c.seq, self.live(id, c))).collect();
        calls.sort_by_key(|(seq, _)| *seq);
        calls.into_iter().map(|(_, c)| c).collect()
    }

    fn live(&self, call_id: &str, c: &super::Call) -> LiveCall {
        let _ = call_id;
        let state = match c.state {
            State::Opening | State::Ivr | State::Voicemail(_) | State::Leaving | State::Ringing => {
                LiveCallState::Ringing
            }
            State::Answering { .. } | State::Dialing { .. } | State::Outdialing { .. } => LiveCallState::Connecting,
            State::Forwarded if c.far.as_ref().is_some_and(|f| f.connected) => LiveCallState::Talking,
            State::Forwarded => LiveCallState::Connecting,
            State::Talking { connected: false, .. } => LiveCallState::Connecting,
            State::Talking { .. } if c.held => LiveCallState::Held,
            State::Talking { .. } => LiveCallState::Talking,
        };
        LiveCall {
            call: c.info.clone(),
            state,
            agent_id: c.state.agent(),
            recording: c.recording,
            supervisors: c.supervisors.iter().map(|s| s.user).collect(),
        }
    }

    /// Tells watching supervisors how the call stands now.
    /// A web caller's widget hears of it too, when what it shows changes.
    pub(super) fn publish(&mut self, call_id: &str) {
        let Some(c) = self.calls.get_mut(call_id) else { return };
        if let Some(dialog) = c.dialog.filter(|d| d.is_web())
            && let Some(phase) = caller_phase(c).filter(|p| c.phase != Some(*p))
        {
            c.phase = Some(phase);
            self.out.push_back(Output::CallerState { dialog, phase });
        }
        let call = self.live(call_id, &self.calls[call_id]);
        self.out.push_back(Output::Supervisors { msg: ServerMsg::LiveCallUpdated { call } });
        self.coach_news(call_id);
    }

    /// Tells the agent when supervisors start or stop speaking to them:
    /// barging outranks whispering; listening is silent and not told.
    fn coach_news(&mut self, call_id: &str) {
        let Some(c) = self.calls.get_mut(call_id) else { return };
        let Some(agent) = c.state.agent() else { return };
        let heard = |m: SuperviseMode| match m {
            SuperviseMode::Listen => 0,
            SuperviseMode::Whisper => 1,
            SuperviseMode::Barge => 2,
        };
        let mode = c
            .supervisors
            .iter()
            .filter(|s| s.leg.is_some() && s.mode != SuperviseMode::Listen)
            .map(|s| s.mode)
            .max_by_key(|m| heard(*m));
        if mode == c.coached {
            return;
        }
        c.coached = mode;
        let msg = ServerMsg::CallCoaching { call_id: call_id.to_owned(), mode };
        self.out.push_back(Output::Notify { agent, msg });
    }

    /// A supervisor joins a talking call. On success the driver opens their
    /// leg and adds it to the call's media (the SIP leg returned), then
    /// reports with [`handle_supervision_ready`](Self::handle_supervision_ready)
    /// or [`handle_supervision_failed`](Self::handle_supervision_failed).
    pub fn handle_supervise(&mut self, user: i64, call_id: &str, mode: SuperviseMode) -> Result<RtpLegId, CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let State::Talking { rtp, connected: true, .. } = call.state else { return Err(CallError::WrongState) };
        // During a consultation the agent's leg is elsewhere; during a
        // whisper it is not with the caller yet.
        if call.far.is_some()
            || call.whisper.is_some()
            || call.supervisors.iter().any(|s| s.user == user)
            || call.state.agent() == Some(user)
        {
            return Err(CallError::WrongState);
        }
        call.supervisors.push(Supervisor { user, leg: None, mode });
        Ok(rtp)
    }

    /// The supervisor's leg is in the call. [`CallError::Gone`] if the call
    /// ended meanwhile (the driver closes the leg).
    pub fn handle_supervision_ready(&mut self, user: i64, call_id: &str, leg: LegId) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let s = call.supervisors.iter_mut().find(|s| s.user == user && s.leg.is_none()).ok_or(CallError::Gone)?;
        s.leg = Some(leg);
        self.sup_legs.insert(leg, (call_id.to_owned(), user));
        self.publish(call_id);
        Ok(())
    }

    pub fn handle_supervision_failed(&mut self, user: i64, call_id: &str) {
        if let Some(call) = self.calls.get_mut(call_id) {
            call.supervisors.retain(|s| !(s.user == user && s.leg.is_none()));
        }
    }

    /// The supervisor on the call changes how they take part.
    pub fn handle_supervise_mode(&mut self, user: i64, call_id: &str, mode: SuperviseMode) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let State::Talking { rtp, .. } = call.state else { return Err(CallError::Gone) };
        let s = call.supervisors.iter_mut().find(|s| s.user == user).ok_or(CallError::Gone)?;
        let leg = s.leg.ok_or(CallError::WrongState)?;
        s.mode = mode;
        self.out.push_back(Output::MediaSupervise { rtp, leg, mode });
        let msg = ServerMsg::SupervisionChanged { call_id: call_id.to_owned(), mode };
        self.out.push_back(Output::Notify { agent: user, msg });
        self.publish(call_id);
        Ok(())
    }

    /// The supervisor leaves the call.
    pub fn handle_supervise_stop(&mut self, user: i64, call_id: &str) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let i = call.supervisors.iter().position(|s| s.user == user && s.leg.is_some()).ok_or(CallError::Gone)?;
        let s = call.supervisors.remove(i);
        self.supervisor_left(call_id, s);
        self.publish(call_id);
        Ok(())
    }

    /// A supervisor's browser leg ended by itself: they are off the call.
    /// False when the leg is not a supervisor's.
    pub(super) fn supervisor_leg_ended(&mut self, leg: LegId) -> bool {
        let Some((call_id, user)) = self.sup_legs.get(&leg).cloned() else { return false };
        if let Some(call) = self.calls.get_mut(&call_id)
            && let Some(i) = call.supervisors.iter().position(|s| s.user == user)
        {
            let s = call.supervisors.remove(i);
            self.supervisor_left(&call_id, s);
            self.publish(&call_id);
        }
        true
    }

    /// Closes a supervisor's leg and tells them.
    pub(super) fn supervisor_left(&mut self, call_id: &str, s: Supervisor) {
        if let Some(leg) = s.leg {
            self.sup_legs.remove(&leg);
            self.out.push_back(Output::Release { browser: Some(leg), rtp: None });
        }
        let msg = ServerMsg::SupervisionEnded { call_id: call_id.to_owned() };
        self.out.push_back(Output::Notify { agent: s.user, msg });
    }

    /// Starts, pauses, resumes or stops a talking call's recording, for its
    /// agent or a supervisor (`supervisor`).
    pub fn handle_record(
        &mut self,
        user: i64,
        supervisor: bool,
        call_id: &str,
        action: RecordAction,
    ) -> Result<(), CallError> {
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let agent = call.state.agent();
        if !supervisor && agent != Some(user) {
            return Err(CallError::Gone);
        }
        let State::Talking { rtp, connected: true, .. } = call.state else { return Err(CallError::WrongState) };
        if call.far.is_some() || call.whisper.is_some() {
            return Err(CallError::WrongState);
        }
        let (command, state) = match (action, call.recording) {
            (RecordAction::Start, RecordingState::Off) => {
                (Some(RecordCommand::Start { call_id: call_id.to_owned() }), RecordingState::Recording)
            }
            (RecordAction::Pause, RecordingState::Recording) => {
                (Some(RecordCommand::Pause(true)), RecordingState::Paused)
            }
            (RecordAction::Resume, RecordingState::Paused) => {
                (Some(RecordCommand::Pause(false)), RecordingState::Recording)
            }
            (RecordAction::Stop, RecordingState::Recording | RecordingState::Paused) => {
                (Some(RecordCommand::Stop), RecordingState::Off)
            }
            // Asking for the state it is in: nothing to do.
            (RecordAction::Start, s) | (RecordAction::Resume, s @ RecordingState::Recording) => (None, s),
            (RecordAction::Pause, s @ RecordingState::Paused) | (RecordAction::Stop, s @ RecordingState::Off) => {
                (None, s)
            }
            _ => return Err(CallError::WrongState),
        };
        call.recording = state;
        if let Some(command) = command {
            self.out.push_back(Output::Record { rtp, command });
        }
        self.recording_changed(call_id, agent, (agent != Some(user)).then_some(user));
        Ok(())
    }

    /// The recording could not start (the file could not be made).
    pub fn handle_record_failed(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else { return };
        call.recording = RecordingState::Off;
        let agent = call.state.agent();
        self.recording_changed(call_id, agent, None);
    }

    fn recording_changed(&mut self, call_id: &str, agent: Option<i64>, also: Option<i64>) {
        let Some(state) = self.calls.get(call_id).map(|c| c.recording) else { return };
        for user in agent.into_iter().chain(also) {
            let msg = ServerMsg::CallRecording { call_id: call_id.to_owned(), state };
            self.out.push_back(Output::Notify { agent: user, msg });
        }
        self.publish(call_id);
    }
}

/// What a caller would say their call is doing; `None` while it opens or
/// ends (nothing new to show).
fn caller_phase(c: &super::Call) -> Option<CallerPhase> {
    Some(match c.state {
        State::Opening | State::Leaving | State::Outdialing { .. } => return None,
        State::Ivr if c.surveyed => CallerPhase::Survey,
        State::Ivr => CallerPhase::Menu,
        State::Voicemail(_) => CallerPhase::Voicemail,
        State::Ringing | State::Answering { .. } | State::Dialing { .. } => CallerPhase::Waiting,
        State::Forwarded if c.far.as_ref().is_some_and(|f| f.connected) => CallerPhase::Agent,
        State::Forwarded => CallerPhase::Waiting,
        State::Talking { .. } if c.held => CallerPhase::Held,
        State::Talking { .. } => CallerPhase::Agent,
    })
}
