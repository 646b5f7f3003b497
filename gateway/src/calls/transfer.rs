//! Handing a call to another agent or to a queue (blind transfers).
//!
//! The caller's SIP leg stays up and hears hold music; the call rings for
//! the target agent only, as a ringing call does, or waits in the queue
//! for the agent its routing picks; when they answer, their browser leg is
//! bridged to the caller's leg (no SIP renegotiation: the carrier sees
//! nothing). If the target agent declines, the call rings for every
//! available agent.

use std::net::SocketAddr;

use shared::ws::CallEndKind;

use super::{CallError, Calls, Output, State, reason};
use crate::media::rtp_leg::RtpLegId;
use crate::media::webrtc::LegId;

impl Calls {
    pub fn handle_transfer(&mut self, agent: i64, call_id: &str, target: i64) -> Result<(), CallError> {
        let (browser, rtp, local) = self.transferable(agent, call_id)?;
        if target == agent || !self.can_ring(target) {
            return Err(CallError::TargetUnavailable);
        }
        self.hand_off(agent, call_id, browser, rtp, true);
        if let Some(call) = self.calls.get_mut(call_id) {
            call.kept = Some((rtp, local));
            call.only = Some(target);
        }
        self.track(call_id, super::Tracked::Transferred { from: agent, to: target });
        self.free(agent);
        self.offer(call_id, target);
        self.publish(call_id);
        Ok(())
    }

    /// Hands the agent's talking call to `queue`: it waits there as a
    /// caller from the IVR does (music and announcements, the queue's
    /// overflow) for the agent the queue's routing picks, the transferring
    /// agent included once free; it keeps its priority, VIP and skills.
    /// Not while it is recorded or supervised (its audio is mixed).
    pub fn handle_transfer_to_queue(&mut self, agent: i64, call_id: &str, queue: &str) -> Result<(), CallError> {
        let (browser, rtp, local) = self.transferable(agent, call_id)?;
        if self.acd.queue_config(queue).is_none() {
            return Err(CallError::TargetUnavailable);
        }
        let mixed = self
            .calls
            .get(call_id)
            .is_some_and(|c| c.recording != shared::ws::RecordingState::Off || !c.supervisors.is_empty());
        if mixed {
            return Err(CallError::WrongState);
        }
        let attrs = self.hand_off(agent, call_id, browser, rtp, false);
        self.track(call_id, super::Tracked::TransferredToQueue { from: agent, queue: queue.to_owned() });
        // Kept: the queue plays its music and announcements to the caller's
        // leg, and an overflow to voicemail records it.
        if let Some(call) = self.calls.get_mut(call_id) {
            call.kept = Some((rtp, local));
        }
        let attrs = crate::acd::CallAttrs { kind: crate::acd::EntryKind::Call, ..attrs.unwrap_or_default() };
        let queued = self.enqueue(call_id, queue, attrs);
        if !queued {
            self.offer_all_free(call_id);
        }
        self.free(agent);
        self.publish(call_id);
        Ok(())
    }

    /// The agent's legs of a call they may hand on: talking, connected,
    /// an inbound call we answered, not held and no hold under way.
    pub(super) fn transferable(&self, agent: i64, call_id: &str) -> Result<(LegId, RtpLegId, SocketAddr), CallError> {
        let call = self.calls.get(call_id).ok_or(CallError::Gone)?;
        let State::Talking { agent: a, browser, rtp, connected: true } = call.state else {
            return Err(CallError::WrongState);
        };
        if a != agent {
            return Err(CallError::Gone);
        }
        let (Some(local), false, None, None, None) =
            (call.local, call.held, call.hold_pending, &call.far, call.whisper)
        else {
            return Err(CallError::WrongState);
        };
        Ok((browser, rtp, local))
    }

    /// Takes the call from its agent: the queue's part is over (no
    /// wrap-up: the call and its record are someone else's now), their
    /// browser leg goes, supervisors leave, the caller hears hold music
    /// (`hold_music`; else the caller's leg is left alone for the queue's
    /// player) and the call waits to ring again. Returns how the call had
    /// been queued, if it had.
    pub(super) fn hand_off(
        &mut self,
        agent: i64,
        call_id: &str,
        browser: LegId,
        rtp: RtpLegId,
        hold_music: bool,
    ) -> Option<crate::acd::CallAttrs> {
        let call = self.calls.get_mut(call_id)?;
        let attrs = call.acd.take().map(|entry| {
            self.acd_keys.remove(&entry.key);
            let _ = self.acd.ended(self.now, entry.key);
            let _ = self.acd.wrap_up_done(self.now, agent);
            entry.attrs
        });
        self.last_call.remove(&agent);
        let Some(call) = self.calls.get_mut(call_id) else { return attrs };
        let supervisors = std::mem::take(&mut call.supervisors);
        call.state = State::Ringing;
        call.kept = None;
        call.only = None;
        call.offered.clear();
        call.declined.clear();
        for s in supervisors {
            self.supervisor_left(call_id, s);
        }
        self.by_leg.remove(&browser);
        if hold_music {
            // Music first: the call is mixed while the agent's leg still exists.
            self.out.push_back(Output::MediaHold { rtp, held: true });
        }
        self.out.push_back(Output::Release { browser: Some(browser), rtp: None });
        self.notify_end(agent, call_id, reason::end(CallEndKind::Transferred, None, None));
        attrs
    }
}
