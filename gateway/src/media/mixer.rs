//! The per-call mixer: legs with a listen/speak matrix, 20 ms at a time.
//!
//! One mechanism serves every shape of call: a bridge is two legs hearing
//! each other; silent monitoring is a supervisor's leg that hears both and is
//! heard by neither; a whisper is a supervisor heard by the agent only;
//! barge-in and conferences are everyone hearing everyone; the recorder is a
//! leg that hears the caller on one channel and the agent on the other; the
//! prompt and hold-music player is a leg that only speaks. Each leg hears the
//! sum of the legs it listens to, never itself.
//!
//! Frames are 20 ms of 8 kHz linear audio (160 samples). A leg that sent no
//! frame this tick counts as silence. Only calls that need mixing pay for it:
//! a plain two-party bridge forwards RTP without decoding (see `calls`).

/// Samples in one 20 ms frame at 8 kHz.
pub const FRAME: usize = 160;
/// Legs in one call at most (caller, agent, supervisor, recorder, player,
/// conference guests).
pub const MAX_LEGS: usize = 16;

pub type Frame = [i16; FRAME];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MixLeg(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MixError {
    #[error("the call has {MAX_LEGS} legs already")]
    Full,
    #[error("no such leg")]
    Unknown,
}

#[derive(Debug)]
struct Slot {
    leg: MixLeg,
    input: Frame,
    has_input: bool,
}

/// The legs of one call and who hears whom.
#[derive(Debug, Default)]
pub struct Mixer {
    slots: Vec<Slot>,
    /// `hears[i]` has bit `j` set when leg `i` hears leg `j`.
    hears: Vec<u16>,
}

impl Mixer {
    pub fn add_leg(&mut self, leg: MixLeg) -> Result<(), MixError> {
        if self.index(leg).is_some() {
            return Ok(());
        }
        if self.slots.len() >= MAX_LEGS {
            return Err(MixError::Full);
        }
        self.slots.push(Slot { leg, input: [0; FRAME], has_input: false });
        self.hears.push(0);
        Ok(())
    }

    /// Removes a leg and every matrix entry that names it.
    pub fn remove_leg(&mut self, leg: MixLeg) {
        let Some(i) = self.index(leg) else { return };
        self.slots.remove(i);
        self.hears.remove(i);
        // Close the gap in every remaining row's bits.
        for row in &mut self.hears {
            let r = *row as u32;
            let low = r & ((1u32 << i) - 1);
            let high = (r >> (i + 1)) << i;
            *row = (low | high) as u16;
        }
    }

    /// Whether `listener` hears `speaker`.
    pub fn set_hears(&mut self, listener: MixLeg, speaker: MixLeg, on: bool) -> Result<(), MixError> {
        let l = self.index(listener).ok_or(MixError::Unknown)?;
        let s = self.index(speaker).ok_or(MixError::Unknown)?;
        if l == s {
            return Ok(());
        }
        if on {
            self.hears[l] |= 1 << s;
        } else {
            self.hears[l] &= !(1 << s);
        }
        Ok(())
    }

    pub fn hears(&self, listener: MixLeg, speaker: MixLeg) -> bool {
        match (self.index(listener), self.index(speaker)) {
            (Some(l), Some(s)) => self.hears[l] & (1 << s) != 0,
            _ => false,
        }
    }

    /// This tick's audio from `leg`.
    pub fn handle_frame(&mut self, leg: MixLeg, frame: &Frame) -> Result<(), MixError> {
        let i = self.index(leg).ok_or(MixError::Unknown)?;
        self.slots[i].input = *frame;
        self.slots[i].has_input = true;
        Ok(())
    }

    /// Mixes the tick: calls `out` once for every leg that hears anyone,
    /// with what it hears, then clears the inputs for the next tick.
    pub fn mix(&mut self, mut out: impl FnMut(MixLeg, &Frame)) {
        let mut acc = [0i32; FRAME];
        let mut frame = [0i16; FRAME];
        for (l, row) in self.hears.iter().enumerate() {
            if *row == 0 {
                continue;
            }
            acc.fill(0);
            for (s, slot) in self.slots.iter().enumerate() {
                if row & (1 << s) != 0 && slot.has_input {
                    for (a, x) in acc.iter_mut().zip(slot.input.iter()) {
                        *a += *x as i32;
                    }
                }
            }
            for (f, a) in frame.iter_mut().zip(acc.iter()) {
                *f = (*a).clamp(i16::MIN as i32, i16::MAX as i32) as i16;
            }
            out(self.slots[l].leg, &frame);
        }
        for slot in &mut self.slots {
            slot.has_input = false;
        }
    }

    fn index(&self, leg: MixLeg) -> Option<usize> {
        self.slots.iter().position(|s| s.leg == leg)
    }
}

/// Two legs hear each other.
pub fn bridge(m: &mut Mixer, a: MixLeg, b: MixLeg) -> Result<(), MixError> {
    m.set_hears(a, b, true)?;
    m.set_hears(b, a, true)
}

/// A supervisor hears the caller and the agent; nobody hears the supervisor.
pub fn monitor(m: &mut Mixer, supervisor: MixLeg, caller: MixLeg, agent: MixLeg) -> Result<(), MixError> {
    m.set_hears(supervisor, caller, true)?;
    m.set_hears(supervisor, agent, true)?;
    m.set_hears(caller, supervisor, false)?;
    m.set_hears(agent, supervisor, false)
}

/// Monitoring, plus the agent hears the supervisor; the caller does not.
pub fn whisper(m: &mut Mixer, supervisor: MixLeg, caller: MixLeg, agent: MixLeg) -> Result<(), MixError> {
    monitor(m, supervisor, caller, agent)?;
    m.set_hears(agent, supervisor, true)
}

/// Everyone hears the supervisor too.
pub fn barge(m: &mut Mixer, supervisor: MixLeg, caller: MixLeg, agent: MixLeg) -> Result<(), MixError> {
    whisper(m, supervisor, caller, agent)?;
    m.set_hears(caller, supervisor, true)
}

/// A stereo recording: the caller on the left, the agent on the right, and
/// silence on both while paused (so nothing said during a card number is
/// kept, and the file's timeline still matches the call's).
#[derive(Debug, Default)]
pub struct Recorder {
    paused: bool,
    /// Interleaved L/R samples written so far.
    samples: Vec<i16>,
}

impl Recorder {
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// One tick: what the caller said and what the agent said.
    pub fn handle_tick(&mut self, caller: Option<&Frame>, agent: Option<&Frame>) {
        self.samples.reserve(FRAME * 2);
        for i in 0..FRAME {
            let (l, r) = if self.paused { (0, 0) } else { (caller.map_or(0, |f| f[i]), agent.map_or(0, |f| f[i])) };
            self.samples.push(l);
            self.samples.push(r);
        }
    }

    /// Takes the samples written so far (the driver appends them to the WAV
    /// file).
    pub fn take(&mut self) -> Vec<i16> {
        std::mem::take(&mut self.samples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::goertzel::tone_ratio;

    const CALLER: MixLeg = MixLeg(1);
    const AGENT: MixLeg = MixLeg(2);
    const SUPERVISOR: MixLeg = MixLeg(3);

    /// A 20 ms frame of a tone; a different frequency per speaker.
    fn tone(hz: f64, tick: usize) -> Frame {
        let mut f = [0i16; FRAME];
        for (i, s) in f.iter_mut().enumerate() {
            let t = (tick * FRAME + i) as f64 / 8000.0;
            *s = (6000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16;
        }
        f
    }

    /// Runs 10 ticks with caller 500 Hz, agent 1000 Hz, supervisor 1500 Hz,
    /// and returns what each leg heard.
    fn run(m: &mut Mixer) -> std::collections::HashMap<u32, Vec<i16>> {
        let mut heard: std::collections::HashMap<u32, Vec<i16>> = Default::default();
        for tick in 0..10 {
            m.handle_frame(CALLER, &tone(500.0, tick)).unwrap();
            m.handle_frame(AGENT, &tone(1000.0, tick)).unwrap();
            m.handle_frame(SUPERVISOR, &tone(1500.0, tick)).unwrap();
            m.mix(|leg, f| heard.entry(leg.0).or_default().extend_from_slice(f));
        }
        heard
    }

    fn hears(heard: &std::collections::HashMap<u32, Vec<i16>>, leg: MixLeg, hz: f64) -> bool {
        heard.get(&leg.0).is_some_and(|s| tone_ratio(s, hz, 8000.0) > 0.1)
    }

    fn call() -> Mixer {
        let mut m = Mixer::default();
        for l in [CALLER, AGENT, SUPERVISOR] {
            m.add_leg(l).unwrap();
        }
        bridge(&mut m, CALLER, AGENT).unwrap();
        m
    }

    #[test]
    fn a_bridge_carries_each_side_to_the_other_only() {
        let mut m = call();
        let h = run(&mut m);
        assert!(hears(&h, CALLER, 1000.0) && !hears(&h, CALLER, 500.0), "the caller hears the agent, not himself");
        assert!(hears(&h, AGENT, 500.0) && !hears(&h, AGENT, 1000.0));
        assert!(!h.contains_key(&SUPERVISOR.0), "a leg that hears nobody gets nothing");
    }

    #[test]
    fn monitoring_hears_both_and_is_heard_by_neither() {
        let mut m = call();
        monitor(&mut m, SUPERVISOR, CALLER, AGENT).unwrap();
        let h = run(&mut m);
        assert!(hears(&h, SUPERVISOR, 500.0) && hears(&h, SUPERVISOR, 1000.0));
        assert!(!hears(&h, CALLER, 1500.0) && !hears(&h, AGENT, 1500.0));
    }

    #[test]
    fn a_whisper_reaches_the_agent_and_never_the_caller() {
        let mut m = call();
        whisper(&mut m, SUPERVISOR, CALLER, AGENT).unwrap();
        let h = run(&mut m);
        assert!(hears(&h, AGENT, 1500.0) && hears(&h, AGENT, 500.0), "the agent hears the coach and the caller");
        assert!(!hears(&h, CALLER, 1500.0), "the caller never hears the coach");
        assert!(hears(&h, CALLER, 1000.0));
    }

    #[test]
    fn barge_in_is_heard_by_all() {
        let mut m = call();
        barge(&mut m, SUPERVISOR, CALLER, AGENT).unwrap();
        let h = run(&mut m);
        assert!(hears(&h, CALLER, 1500.0) && hears(&h, AGENT, 1500.0));
        assert!(hears(&h, SUPERVISOR, 500.0) && hears(&h, SUPERVISOR, 1000.0));
    }

    #[test]
    fn removing_a_leg_keeps_the_others_matrix() {
        let mut m = call();
        whisper(&mut m, SUPERVISOR, CALLER, AGENT).unwrap();
        m.remove_leg(CALLER);
        assert!(m.hears(AGENT, SUPERVISOR) && m.hears(SUPERVISOR, AGENT));
        assert!(!m.hears(AGENT, CALLER));
        assert_eq!(m.handle_frame(CALLER, &[0; FRAME]), Err(MixError::Unknown));
        for i in 10..10 + MAX_LEGS as u32 {
            let _ = m.add_leg(MixLeg(i));
        }
        assert_eq!(m.add_leg(MixLeg(99)), Err(MixError::Full));
        // Removing the last of sixteen legs shifts nothing out of range.
        let last = MixLeg(10 + MAX_LEGS as u32 - 3);
        m.set_hears(AGENT, last, true).unwrap();
        m.remove_leg(last);
        assert!(m.hears(AGENT, SUPERVISOR));
    }

    #[test]
    fn loud_sums_clip_instead_of_wrapping() {
        let mut m = Mixer::default();
        for l in [CALLER, AGENT, SUPERVISOR] {
            m.add_leg(l).unwrap();
        }
        m.set_hears(CALLER, AGENT, true).unwrap();
        m.set_hears(CALLER, SUPERVISOR, true).unwrap();
        m.handle_frame(AGENT, &[30000; FRAME]).unwrap();
        m.handle_frame(SUPERVISOR, &[30000; FRAME]).unwrap();
        let mut got = [0i16; FRAME];
        m.mix(|_, f| got = *f);
        assert!(got.iter().all(|&s| s == i16::MAX));
    }

    #[test]
    fn the_recording_keeps_sides_apart_and_pauses_to_silence() {
        let mut r = Recorder::default();
        r.handle_tick(Some(&tone(500.0, 0)), Some(&tone(1000.0, 0)));
        r.set_paused(true);
        r.handle_tick(Some(&tone(500.0, 1)), Some(&tone(1000.0, 1)));
        r.set_paused(false);
        r.handle_tick(None, Some(&tone(1000.0, 2)));
        let s = r.take();
        assert_eq!(s.len(), 3 * FRAME * 2);
        let left: Vec<i16> = s.iter().step_by(2).copied().collect();
        let right: Vec<i16> = s.iter().skip(1).step_by(2).copied().collect();
        assert!(tone_ratio(&left[..FRAME], 500.0, 8000.0) > 0.8 && tone_ratio(&left[..FRAME], 1000.0, 8000.0) < 0.01);
        assert!(tone_ratio(&right[..FRAME], 1000.0, 8000.0) > 0.8 && tone_ratio(&right[..FRAME], 500.0, 8000.0) < 0.01);
        assert!(left[FRAME..2 * FRAME].iter().chain(&right[FRAME..2 * FRAME]).all(|&x| x == 0), "paused = silence");
        assert!(left[2 * FRAME..].iter().all(|&x| x == 0), "no caller frame = silence on the left");
        assert!(r.take().is_empty());
    }
}
