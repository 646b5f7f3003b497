//! Answering machine detection on the first seconds of an answered call:
//! 8 kHz 16-bit PCM in, human / machine / not sure out, with the reason.
//!
//! It listens to energy and cadence, the way people tell: a person answers
//! with a short word or two ("Hello?", "Yes, Ali speaking") and then waits
//! for the caller; a machine talks on ("Hi, you've reached Sara, I can't
//! take your call right now, please leave a message after the tone").
//! Each 10 ms frame is voiced when its RMS level passes a threshold; runs
//! of voiced frames are words, short gaps inside a word do not split it.
//! The first rule to hold decides:
//! 1. silence from the start for `initial_silence_ms`: not sure (a person
//!    waiting for us to speak, or a machine about to beep);
//! 2. voiced time over `greeting_ms`, or `max_words` words: a machine;
//! 3. after at least one word, silence for `after_greeting_silence_ms`: a
//!    person;
//! 4. `total_ms` without a decision: not sure.
//!
//! Not sure is treated as a person by the dialer: a person hung up on is
//! worse than an agent who hears a machine.

/// Samples per second.
pub const RATE: usize = 8000;
const FRAME: usize = RATE / 100;

#[derive(Debug, Clone, PartialEq)]
pub struct AmdConfig {
    pub initial_silence_ms: u32,
    pub greeting_ms: u32,
    pub after_greeting_silence_ms: u32,
    pub total_ms: u32,
    /// Shorter voiced runs are clicks or noise, not words.
    pub min_word_ms: u32,
    /// Gaps shorter than this do not end a word.
    pub between_words_ms: u32,
    pub max_words: u32,
    /// RMS level (of 32767) above which a frame is voiced.
    pub threshold: f64,
}

impl Default for AmdConfig {
    fn default() -> Self {
        AmdConfig {
            initial_silence_ms: 2500,
            greeting_ms: 1500,
            after_greeting_silence_ms: 800,
            total_ms: 5000,
            min_word_ms: 100,
            between_words_ms: 50,
            max_words: 4,
            threshold: 256.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Human,
    Machine,
    Unknown,
}

/// Why the detector decided so; the figures are in ms of audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    InitialSilence { ms: u32 },
    LongGreeting { voiced_ms: u32 },
    ManyWords { words: u32 },
    ShortGreetingThenSilence { voiced_ms: u32, silence_ms: u32 },
    TimeUp { ms: u32 },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::InitialSilence { ms } => write!(f, "silence for {ms} ms from the answer"),
            Reason::LongGreeting { voiced_ms } => write!(f, "a greeting of {voiced_ms} ms"),
            Reason::ManyWords { words } => write!(f, "{words} words or more"),
            Reason::ShortGreetingThenSilence { voiced_ms, silence_ms } => {
                write!(f, "a greeting of {voiced_ms} ms, then silence for {silence_ms} ms")
            }
            Reason::TimeUp { ms } => write!(f, "no decision in {ms} ms"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detection {
    pub verdict: Verdict,
    pub reason: Reason,
}

/// One detection, fed the answered call's audio as it comes.
#[derive(Debug, Clone)]
pub struct Amd {
    config: AmdConfig,
    pending: Vec<i16>,
    elapsed_ms: u32,
    voiced_ms: u32,
    words: u32,
    /// The voiced run under way (ms), and the silence under way (ms).
    run_ms: u32,
    silence_ms: u32,
    heard_voice: bool,
    result: Option<Detection>,
}

impl Amd {
    pub fn new(config: AmdConfig) -> Amd {
        Amd {
            config,
            pending: Vec::with_capacity(FRAME),
            elapsed_ms: 0,
            voiced_ms: 0,
            words: 0,
            run_ms: 0,
            silence_ms: 0,
            heard_voice: false,
            result: None,
        }
    }

    /// Feeds audio (any length); ignored once decided.
    pub fn handle_samples(&mut self, mut samples: &[i16]) {
        while self.result.is_none() && !samples.is_empty() {
            let take = (FRAME - self.pending.len()).min(samples.len());
            self.pending.extend_from_slice(&samples[..take]);
            samples = &samples[take..];
            if self.pending.len() == FRAME {
                let sum: f64 = self.pending.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
                let voiced = (sum / FRAME as f64).sqrt() > self.config.threshold;
                self.pending.clear();
                self.frame(voiced);
            }
        }
    }

    /// The decision, once made.
    pub fn poll_detection(&self) -> Option<Detection> {
        self.result
    }

    fn frame(&mut self, voiced: bool) {
        const MS: u32 = 10;
        let c = &self.config;
        self.elapsed_ms += MS;
        if voiced {
            self.silence_ms = 0;
            self.run_ms += MS;
            self.voiced_ms += MS;
            if self.run_ms == c.min_word_ms.max(MS) {
                // The run just became a word.
                self.words += 1;
                self.heard_voice = true;
            }
        } else {
            self.silence_ms += MS;
            if self.silence_ms >= c.between_words_ms {
                self.run_ms = 0;
            }
        }
        let decided = if !self.heard_voice && self.silence_ms >= c.initial_silence_ms && self.voiced_ms < c.min_word_ms
        {
            Some((Verdict::Unknown, Reason::InitialSilence { ms: self.silence_ms }))
        } else if self.voiced_ms > c.greeting_ms {
            Some((Verdict::Machine, Reason::LongGreeting { voiced_ms: self.voiced_ms }))
        } else if self.words >= c.max_words {
            Some((Verdict::Machine, Reason::ManyWords { words: self.words }))
        } else if self.heard_voice && self.silence_ms >= c.after_greeting_silence_ms {
            let reason = Reason::ShortGreetingThenSilence { voiced_ms: self.voiced_ms, silence_ms: self.silence_ms };
            Some((Verdict::Human, reason))
        } else if self.elapsed_ms >= c.total_ms {
            Some((Verdict::Unknown, Reason::TimeUp { ms: self.elapsed_ms }))
        } else {
            None
        };
        self.result = decided.map(|(verdict, reason)| Detection { verdict, reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::g711;

    /// Speech-like sound: a 140 Hz voice with harmonics and a 5 Hz
    /// syllable swell that never falls silent inside a word.
    fn speech(ms: usize, out: &mut Vec<i16>) {
        let start = out.len();
        for i in 0..ms * RATE / 1000 {
            let t = (start + i) as f64 / RATE as f64;
            let voice: f64 = [(140.0, 1.0), (280.0, 0.5), (420.0, 0.3), (700.0, 0.2)]
                .iter()
                .map(|(f, a)| a * (2.0 * std::f64::consts::PI * f * t).sin())
                .sum();
            let swell = 0.65 + 0.35 * (2.0 * std::f64::consts::PI * 5.0 * t).sin();
            out.push((voice * swell * 5000.0) as i16);
        }
    }

    /// Line noise well under the threshold (a fixed pseudo-random pattern).
    fn quiet(ms: usize, out: &mut Vec<i16>) {
        let mut x: u32 = 12345;
        for _ in 0..ms * RATE / 1000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            out.push(((x >> 16) % 120) as i16 - 60);
        }
    }

    /// Runs the detector over `audio` as 20 ms packets through G.711 µ-law
    /// and back, as a call's audio arrives.
    fn detect(audio: &[i16]) -> Option<Detection> {
        let mut amd = Amd::new(AmdConfig::default());
        for chunk in audio.chunks(160) {
            let mut law = vec![0u8; chunk.len()];
            g711::encode_ulaw(chunk, &mut law);
            let mut pcm = vec![0i16; chunk.len()];
            g711::decode_ulaw(&law, &mut pcm);
            amd.handle_samples(&pcm);
        }
        amd.poll_detection()
    }

    fn check(parts: &[(bool, usize)], verdict: Verdict, reason: Reason) {
        let mut audio = Vec::new();
        for &(voiced, ms) in parts {
            if voiced { speech(ms, &mut audio) } else { quiet(ms, &mut audio) }
        }
        assert_eq!(detect(&audio), Some(Detection { verdict, reason }), "{parts:?}");
    }

    #[test]
    fn a_short_hello_then_silence_is_a_person() {
        check(
            &[(false, 300), (true, 500), (false, 2000)],
            Verdict::Human,
            Reason::ShortGreetingThenSilence { voiced_ms: 500, silence_ms: 800 },
        );
        // "Hello? … Hello?": two words with a pause shorter than the wait.
        check(
            &[(false, 200), (true, 400), (false, 600), (true, 400), (false, 2000)],
            Verdict::Human,
            Reason::ShortGreetingThenSilence { voiced_ms: 800, silence_ms: 800 },
        );
    }

    #[test]
    fn a_long_greeting_or_many_words_is_a_machine() {
        check(&[(false, 200), (true, 3000)], Verdict::Machine, Reason::LongGreeting { voiced_ms: 1510 });
        let mut words = vec![(false, 200)];
        for _ in 0..6 {
            words.extend([(true, 250), (false, 150)]);
        }
        check(&words, Verdict::Machine, Reason::ManyWords { words: 4 });
    }

    #[test]
    fn silence_and_indecision_are_not_sure() {
        check(&[(false, 4000)], Verdict::Unknown, Reason::InitialSilence { ms: 2500 });
        // Three short words, then clicks too short for words, each pause
        // just under the wait: never enough to decide.
        let mut slow = vec![(false, 100)];
        for _ in 0..3 {
            slow.extend([(true, 120), (false, 700)]);
        }
        for _ in 0..4 {
            slow.extend([(true, 60), (false, 700)]);
        }
        check(&slow, Verdict::Unknown, Reason::TimeUp { ms: 5000 });
        assert_eq!(Reason::TimeUp { ms: 5000 }.to_string(), "no decision in 5000 ms");
    }
}
