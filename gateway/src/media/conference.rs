//! A call whose audio must be mixed: more than two parties (a supervisor
//! listening, whispering or barging in, a conference) rather than the
//! plain two-party bridge, which forwards packets without decoding.
//!
//! [`Conference`] keeps the call's members, a short queue of decoded frames
//! from each, and the [`Mixer`] with its listen/speak matrix. The driver
//! feeds decoded 20 ms frames as they arrive ([`Conference::handle_audio`])
//! and calls [`Conference::tick`] every 20 ms, which takes at most one frame
//! per member (absorbing jitter of a few frames) and hands back what each
//! member hears, for the driver to encode and send. Sans-IO: no sockets, no
//! clock.

use std::collections::VecDeque;

use super::mixer::{self, FRAME, Frame, MixError, MixLeg, Mixer, Recorder};
use super::rtp_leg::RtpLegId;
use super::webrtc::LegId;

/// A party of a mixed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Member {
    /// A browser leg (the agent, a supervisor).
    Browser(LegId),
    /// A SIP leg's RTP (the caller).
    Rtp(RtpLegId),
    /// The player (hold music, prompts): it only speaks.
    Player,
}

/// How a supervisor takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supervision {
    /// Hears the caller and the agent; nobody hears them.
    Listen,
    /// Also heard by the agent, not by the caller.
    Whisper,
    /// Heard by both: a three-way call.
    Barge,
}

/// Frames queued per member at most; older ones are dropped (a member
/// sending faster than the tick, or a burst after a stall).
const MAX_QUEUED: usize = 4;

#[derive(Debug)]
struct Party {
    member: Member,
    leg: MixLeg,
    queue: VecDeque<Frame>,
}

#[derive(Debug)]
pub struct Conference {
    mixer: Mixer,
    parties: Vec<Party>,
    caller: MixLeg,
    agent: MixLeg,
    next_leg: u32,
    /// The call's recording, while one runs: the caller's and the agent's
    /// frames of each tick, before mixing.
    recorder: Option<Recorder>,
    /// What the player plays (looped) and where it is.
    player: Option<(std::sync::Arc<[i16]>, usize)>,
}

impl Conference {
    /// The call's two parties, hearing each other.
    pub fn new(caller: RtpLegId, agent: LegId) -> Conference {
        let mut c = Conference {
            mixer: Mixer::default(),
            parties: Vec::new(),
            caller: MixLeg(0),
            agent: MixLeg(1),
            next_leg: 2,
            recorder: None,
            player: None,
        };
        for (member, leg) in [(Member::Rtp(caller), c.caller), (Member::Browser(agent), c.agent)] {
            c.mixer.add_leg(leg).expect("an empty mixer has room");
            c.parties.push(Party { member, leg, queue: VecDeque::new() });
        }
        mixer::bridge(&mut c.mixer, c.caller, c.agent).expect("both legs exist");
        c
    }

    pub fn contains(&self, member: Member) -> bool {
        self.parties.iter().any(|p| p.member == member)
    }

    pub fn members(&self) -> impl Iterator<Item = Member> + '_ {
        self.parties.iter().map(|p| p.member)
    }

    /// Adds a supervisor's leg, or changes how an added one takes part.
    pub fn supervise(&mut self, leg: LegId, how: Supervision) -> Result<(), MixError> {
        let member = Member::Browser(leg);
        let mix = match self.parties.iter().find(|p| p.member == member) {
            Some(p) => p.leg,
            None => {
                let mix = MixLeg(self.next_leg);
                self.mixer.add_leg(mix)?;
                self.next_leg += 1;
                self.parties.push(Party { member, leg: mix, queue: VecDeque::new() });
                mix
            }
        };
        // From the quietest shape up, so that stepping down works too.
        mixer::monitor(&mut self.mixer, mix, self.caller, self.agent)?;
        match how {
            Supervision::Listen => Ok(()),
            Supervision::Whisper => mixer::whisper(&mut self.mixer, mix, self.caller, self.agent),
            Supervision::Barge => mixer::barge(&mut self.mixer, mix, self.caller, self.agent),
        }
    }

    /// Adds a party heard by the caller and the agent and hearing both (an
    /// outside number in a three-way call).
    pub fn add_party(&mut self, member: Member) -> Result<(), MixError> {
        if self.contains(member) {
            return Ok(());
        }
        let mix = MixLeg(self.next_leg);
        self.mixer.add_leg(mix)?;
        self.next_leg += 1;
        self.parties.push(Party { member, leg: mix, queue: VecDeque::new() });
        mixer::monitor(&mut self.mixer, mix, self.caller, self.agent)?;
        mixer::barge(&mut self.mixer, mix, self.caller, self.agent)
    }

    /// The agent's leg is now `leg`: a refreshed page rejoining, or another
    /// agent taking a transferred call. Same place in the matrix, nothing
    /// queued from the old leg; if the agent had left, they are back,
    /// hearing the caller and heard by them.
    pub fn set_agent(&mut self, leg: LegId) {
        let member = Member::Browser(leg);
        if let Some(p) = self.parties.iter_mut().find(|p| p.leg == self.agent) {
            p.member = member;
            p.queue.clear();
            return;
        }
        if self.mixer.add_leg(self.agent).is_ok() {
            self.parties.push(Party { member, leg: self.agent, queue: VecDeque::new() });
            let _ = mixer::bridge(&mut self.mixer, self.caller, self.agent);
        }
    }

    /// A member leaves (the caller or agent leaving ends the call instead).
    pub fn remove(&mut self, member: Member) {
        if let Some(i) = self.parties.iter().position(|p| p.member == member) {
            let p = self.parties.remove(i);
            self.mixer.remove_leg(p.leg);
        }
    }

    /// Holds the call: the caller and the agent stop hearing each other, and
    /// the caller hears `music` (looped) if there is any. Resuming joins
    /// them again. Supervisors keep what they hear.
    pub fn hold(&mut self, held: bool, music: Option<std::sync::Arc<[i16]>>) {
        let (caller, agent) = (self.caller, self.agent);
        // Cannot fail: both legs are always in the mixer.
        let _ = self.mixer.set_hears(caller, agent, !held);
        let _ = self.mixer.set_hears(agent, caller, !held);
        self.remove(Member::Player);
        self.player = None;
        if let (true, Some(music)) = (held, music.filter(|m| !m.is_empty())) {
            let leg = MixLeg(self.next_leg);
            if self.mixer.add_leg(leg).is_ok() {
                self.next_leg += 1;
                self.parties.push(Party { member: Member::Player, leg, queue: VecDeque::new() });
                let _ = self.mixer.set_hears(caller, leg, true);
                self.player = Some((music, 0));
            }
        }
    }

    /// Starts recording (or keeps the running recording going).
    pub fn start_recording(&mut self) {
        self.recorder.get_or_insert_with(Recorder::default);
    }

    /// Paused parts are written as silence, so the file keeps the call's
    /// timeline without what was said meanwhile.
    pub fn pause_recording(&mut self, paused: bool) {
        if let Some(r) = &mut self.recorder {
            r.set_paused(paused);
        }
    }

    pub fn is_recording(&self) -> bool {
        self.recorder.is_some()
    }

    /// The stereo samples recorded since the last call (caller left, agent
    /// right), for the driver to append to the file.
    pub fn take_recorded(&mut self) -> Vec<i16> {
        self.recorder.as_mut().map(Recorder::take).unwrap_or_default()
    }

    /// Ends the recording; returns its last samples.
    pub fn stop_recording(&mut self) -> Vec<i16> {
        self.recorder.take().map(|mut r| r.take()).unwrap_or_default()
    }

    /// A decoded 20 ms frame from a member.
    pub fn handle_audio(&mut self, member: Member, frame: &Frame) {
        if let Some(p) = self.parties.iter_mut().find(|p| p.member == member) {
            if p.queue.len() >= MAX_QUEUED {
                p.queue.pop_front();
            }
            p.queue.push_back(*frame);
        }
    }

    /// One 20 ms tick: mixes a frame from each member that has one and
    /// calls `out` with what each listening member hears.
    pub fn tick(&mut self, mut out: impl FnMut(Member, &Frame)) {
        let (mut caller, mut agent) = (None, None);
        if let Some((music, pos)) = &mut self.player {
            let mut f = [0i16; FRAME];
            for s in f.iter_mut() {
                *s = music[*pos];
                *pos = (*pos + 1) % music.len();
            }
            if let Some(p) = self.parties.iter_mut().find(|p| p.member == Member::Player) {
                p.queue.clear();
                p.queue.push_back(f);
            }
        }
        for p in &mut self.parties {
            if let Some(f) = p.queue.pop_front() {
                // Cannot fail: every party's leg is in the mixer.
                let _ = self.mixer.handle_frame(p.leg, &f);
                if p.leg == self.caller {
                    caller = Some(f);
                } else if p.leg == self.agent {
                    agent = Some(f);
                }
            }
        }
        if let Some(r) = &mut self.recorder {
            r.handle_tick(caller.as_ref(), agent.as_ref());
        }
        let parties = &self.parties;
        self.mixer.mix(|leg, frame| {
            if let Some(p) = parties.iter().find(|p| p.leg == leg) {
                out(p.member, frame);
            }
        });
    }
}

/// Decodes a G.711 payload into whole frames (a 20 ms packet is one).
pub fn frames_of(pcm: &[i16]) -> impl Iterator<Item = Frame> + '_ {
    pcm.chunks_exact(FRAME).map(|c| {
        let mut f = [0i16; FRAME];
        f.copy_from_slice(c);
        f
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::goertzel::tone_ratio;

    const CALLER: Member = Member::Rtp(RtpLegId(1));
    const AGENT: Member = Member::Browser(LegId(2));
    const SUP: Member = Member::Browser(LegId(3));

    fn tone(hz: f64, tick: usize) -> Frame {
        let mut f = [0i16; FRAME];
        for (i, s) in f.iter_mut().enumerate() {
            let t = (tick * FRAME + i) as f64 / 8000.0;
            *s = (6000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16;
        }
        f
    }

    /// Ten ticks of caller 500 Hz, agent 1000 Hz, supervisor 1500 Hz: which
    /// tones each member hears.
    fn hears(c: &mut Conference) -> std::collections::HashMap<Member, Vec<u32>> {
        let mut heard: std::collections::HashMap<Member, Vec<i16>> = Default::default();
        for tick in 0..10 {
            c.handle_audio(CALLER, &tone(500.0, tick));
            c.handle_audio(AGENT, &tone(1000.0, tick));
            c.handle_audio(SUP, &tone(1500.0, tick));
            c.tick(|m, f| heard.entry(m).or_default().extend_from_slice(f));
        }
        heard
            .into_iter()
            .map(|(m, s)| {
                (m, [500, 1000, 1500].into_iter().filter(|hz| tone_ratio(&s, *hz as f64, 8000.0) > 0.1).collect())
            })
            .collect()
    }

    #[test]
    fn listen_whisper_barge_are_matrices_over_one_mixer() {
        let mut c = Conference::new(RtpLegId(1), LegId(2));
        c.supervise(LegId(3), Supervision::Listen).unwrap();
        let h = hears(&mut c);
        assert_eq!((&h[&CALLER], &h[&AGENT], &h[&SUP]), (&vec![1000], &vec![500], &vec![500, 1000]));
        c.supervise(LegId(3), Supervision::Whisper).unwrap();
        let h = hears(&mut c);
        assert_eq!((&h[&CALLER], &h[&AGENT]), (&vec![1000], &vec![500, 1500]), "the caller never hears a whisper");
        c.supervise(LegId(3), Supervision::Barge).unwrap();
        assert_eq!(hears(&mut c)[&CALLER], vec![1000, 1500]);
        c.supervise(LegId(3), Supervision::Listen).unwrap();
        let h = hears(&mut c);
        assert_eq!((&h[&CALLER], &h[&AGENT]), (&vec![1000], &vec![500]), "back to silent");
        c.remove(SUP);
        assert!(!c.contains(SUP));
        let h = hears(&mut c);
        assert_eq!((h.len(), &h[&CALLER]), (2, &vec![1000]));
    }

    #[test]
    fn the_recording_keeps_each_side_on_its_channel_and_silence_while_paused() {
        let mut c = Conference::new(RtpLegId(1), LegId(2));
        c.supervise(LegId(3), Supervision::Barge).unwrap();
        c.start_recording();
        let run = |c: &mut Conference, from: usize| {
            for tick in from..from + 10 {
                c.handle_audio(CALLER, &tone(500.0, tick));
                c.handle_audio(AGENT, &tone(1000.0, tick));
                c.handle_audio(SUP, &tone(1500.0, tick));
                c.tick(|_, _| {});
            }
            c.take_recorded()
        };
        let live = run(&mut c, 0);
        let left: Vec<i16> = live.iter().step_by(2).copied().collect();
        let right: Vec<i16> = live.iter().skip(1).step_by(2).copied().collect();
        assert_eq!(left.len(), 10 * FRAME);
        assert!(tone_ratio(&left, 500.0, 8000.0) > 0.8, "the caller alone on the left");
        assert!(tone_ratio(&right, 1000.0, 8000.0) > 0.8, "the agent alone on the right");
        c.pause_recording(true);
        assert!(run(&mut c, 10).iter().all(|s| *s == 0), "silence while paused");
        c.pause_recording(false);
        assert!(tone_ratio(&run(&mut c, 20), 500.0, 8000.0) > 0.1);
        c.stop_recording();
        assert!(!c.is_recording() && run(&mut c, 30).is_empty());
    }

    #[test]
    fn on_hold_the_caller_hears_music_and_nobody_hears_the_caller_but_supervisors() {
        let mut c = Conference::new(RtpLegId(1), LegId(2));
        c.supervise(LegId(3), Supervision::Listen).unwrap();
        let music: std::sync::Arc<[i16]> = (0..800).map(|i| tone(2000.0, 0)[i % FRAME]).collect();
        c.hold(true, Some(music));
        let h = hears(&mut c);
        assert!(!h.contains_key(&AGENT), "the agent hears nothing while holding");
        assert_eq!(h[&SUP], vec![500, 1000], "supervisors still hear both");
        let mut caller = Vec::new();
        c.tick(|m, f| {
            if m == CALLER {
                caller.extend_from_slice(f);
            }
        });
        assert!(tone_ratio(&caller, 2000.0, 8000.0) > 0.5, "the caller hears the music");
        c.hold(false, None);
        let h = hears(&mut c);
        assert_eq!((&h[&CALLER], &h[&AGENT]), (&vec![1000], &vec![500]), "joined again");
        assert!(!c.contains(Member::Player));
    }

    #[test]
    fn a_member_ahead_of_the_tick_is_bounded() {
        let mut c = Conference::new(RtpLegId(1), LegId(2));
        for t in 0..50 {
            c.handle_audio(CALLER, &tone(500.0, t));
        }
        let mut ticks_with_audio = 0;
        for _ in 0..10 {
            c.tick(|m, f| {
                if m == AGENT && f.iter().any(|s| *s != 0) {
                    ticks_with_audio += 1;
                }
            });
        }
        assert_eq!(ticks_with_audio, MAX_QUEUED, "old frames were dropped, not kept forever");
    }
}
