//! Handing a call to another agent (a blind transfer).
//!
//! The caller's SIP leg stays up and hears hold music; the call rings for
//! the target agent only, as a ringing call does; when they answer, their
//! browser leg is bridged to the caller's leg (no SIP renegotiation: the
//! carrier sees nothing). If the target declines, the call rings for every
//! available agent.

use shared::ws::CallEndKind;

use super::{CallError, Calls, Output, State, reason};

impl Calls {
    pub fn handle_transfer(&mut self, agent: i64, call_id: &str, target: i64) -> Result<(), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        let State::Talking { agent: a, browser, rtp, connected: true } = call.state else {
            return Err(CallError::WrongState);
        };
        if a != agent {
            return Err(CallError::Gone);
        }
        // Held towards the carrier, or not an inbound call we answered: not now.
        let (Some(local), false, None) = (call.local, call.held, call.hold_pending) else {
            return Err(CallError::WrongState);
        };
        let free = self.can_ring(target);
        if target == agent || !free {
            return Err(CallError::TargetUnavailable);
        }
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        // The queue's part is over: the engine frees the agent. No wrap-up:
        // the call and its record are the other agent's now.
        if let Some(entry) = call.acd.take() {
            self.acd_keys.remove(&entry.key);
            let _ = self.acd.ended(self.now, entry.key);
            let _ = self.acd.wrap_up_done(self.now, agent);
        }
        self.last_call.remove(&agent);
        let call = self.calls.get_mut(call_id).ok_or(CallError::Gone)?;
        let supervisors = std::mem::take(&mut call.supervisors);
        call.state = State::Ringing;
        call.kept = Some((rtp, local));
        call.only = Some(target);
        call.offered.clear();
        call.declined.clear();
        for s in supervisors {
            self.supervisor_left(call_id, s);
        }
        self.by_leg.remove(&browser);
        // Music first: the call is mixed while the agent's leg still exists.
        self.out.push_back(Output::MediaHold { rtp, held: true });
        self.out.push_back(Output::Release { browser: Some(browser), rtp: None });
        self.notify_end(agent, call_id, reason::end(CallEndKind::Transferred, None, None));
        self.track(call_id, super::Tracked::Transferred { from: agent, to: target });
        self.free(agent);
        self.offer(call_id, target);
        self.publish(call_id);
        Ok(())
    }
}
