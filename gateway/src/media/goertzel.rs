//! Tone detection with the Goertzel algorithm: the power of one frequency in
//! a block of samples, and an in-band DTMF detector built on it.
//!
//! Carriers should send digits as RFC 4733 events, but some pass them as
//! audio; the detector is the fallback. Tests also use [`tone_ratio`] to
//! prove that a tone sent on one side of a call arrived on the other.

use std::collections::VecDeque;

/// The power of `freq` in `samples` (taken at `rate` Hz), as the squared
/// magnitude of the Goertzel filter's output.
pub fn power(samples: &[i16], freq: f64, rate: f64) -> f64 {
    let coeff = 2.0 * (2.0 * std::f64::consts::PI * freq / rate).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = x as f64 + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    s1 * s1 + s2 * s2 - coeff * s1 * s2
}

/// The share (0 to about 1) of the block's energy that lies at `freq`: about
/// 1 for a pure tone at that frequency, about 0.5 for each tone of an equal
/// pair, near 0 for silence or other sounds.
pub fn tone_ratio(samples: &[i16], freq: f64, rate: f64) -> f64 {
    let energy: f64 = samples.iter().map(|&x| (x as f64) * (x as f64)).sum();
    if energy == 0.0 || samples.is_empty() {
        return 0.0;
    }
    power(samples, freq, rate) / (energy * samples.len() as f64 / 2.0)
}

const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];
const COLS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
const KEYS: [[char; 4]; 4] = [['1', '2', '3', 'A'], ['4', '5', '6', 'B'], ['7', '8', '9', 'C'], ['*', '0', '#', 'D']];

/// Samples per analysis block at 8 kHz: 25.6 ms, the classic choice that
/// separates the DTMF frequencies.
pub const BLOCK: usize = 205;
const RATE: f64 = 8000.0;
/// Quieter blocks are silence (RMS of about -45 dBm0).
const MIN_MEAN_SQUARE: f64 = 40.0 * 40.0;
/// The two tones must carry this share of the block's energy.
const MIN_PAIR_SHARE: f64 = 0.6;
/// Twist limits (ITU-T Q.24): the column tone may be up to 8 dB weaker than
/// the row tone, or up to 4 dB stronger.
const MAX_TWIST: f64 = 6.31; // 8 dB
const MAX_REVERSE_TWIST: f64 = 2.51; // 4 dB
/// The winner in each group beats the runner-up by this much (6 dB).
const MIN_PEAK_RATIO: f64 = 4.0;

/// A digit found in the audio, with the index of the first sample of the
/// block where it was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digit {
    pub digit: char,
    pub at_sample: u64,
}

/// Finds DTMF digits in 8 kHz linear audio. A digit is reported once, when
/// two blocks in a row (about 50 ms) agree, and again only after a block
/// without it.
#[derive(Debug)]
pub struct DtmfDetector {
    block: [i16; BLOCK],
    filled: usize,
    samples: u64,
    candidate: Option<char>,
    reported: bool,
    out: VecDeque<Digit>,
}

impl Default for DtmfDetector {
    fn default() -> Self {
        DtmfDetector {
            block: [0; BLOCK],
            filled: 0,
            samples: 0,
            candidate: None,
            reported: false,
            out: VecDeque::new(),
        }
    }
}

impl DtmfDetector {
    pub fn handle_samples(&mut self, mut samples: &[i16]) {
        while !samples.is_empty() {
            let n = (BLOCK - self.filled).min(samples.len());
            self.block[self.filled..self.filled + n].copy_from_slice(&samples[..n]);
            self.filled += n;
            samples = &samples[n..];
            if self.filled == BLOCK {
                let start = self.samples;
                self.samples += BLOCK as u64;
                self.filled = 0;
                let found = classify(&self.block);
                match found {
                    Some(d) if self.candidate == Some(d) => {
                        if !self.reported {
                            self.reported = true;
                            self.out.push_back(Digit { digit: d, at_sample: start });
                        }
                    }
                    other => {
                        self.candidate = other;
                        self.reported = false;
                    }
                }
            }
        }
    }

    pub fn poll_digit(&mut self) -> Option<Digit> {
        self.out.pop_front()
    }
}

/// The digit one block holds, if it holds exactly one.
fn classify(block: &[i16]) -> Option<char> {
    let energy: f64 = block.iter().map(|&x| (x as f64) * (x as f64)).sum();
    if energy / (block.len() as f64) < MIN_MEAN_SQUARE {
        return None;
    }
    let norm = energy * block.len() as f64 / 2.0;
    let p = powers(block);
    let rows = [p[0], p[1], p[2], p[3]].map(|x| x / norm);
    let cols = [p[4], p[5], p[6], p[7]].map(|x| x / norm);
    let (r, row) = strongest(&rows)?;
    let (c, col) = strongest(&cols)?;
    if row + col < MIN_PAIR_SHARE {
        return None;
    }
    if col * MAX_TWIST < row || row * MAX_REVERSE_TWIST < col {
        return None;
    }
    Some(KEYS[r][c])
}

/// The eight DTMF frequencies' Goertzel coefficients, rows then columns.
fn coefficients() -> &'static [f64; 8] {
    static C: std::sync::OnceLock<[f64; 8]> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        let mut c = [0.0; 8];
        for (c, f) in c.iter_mut().zip(ROWS.iter().chain(COLS.iter())) {
            *c = 2.0 * (2.0 * std::f64::consts::PI * f / RATE).cos();
        }
        c
    })
}

/// [`power`] of the eight DTMF frequencies in one pass: the eight filters
/// are independent, so running them side by side lets the processor (and
/// the compiler's vector units) overlap them instead of waiting on one
/// filter's chain at a time. In-band detection runs on every packet of a
/// carrier that sends no RFC 4733 events, so this is on the media path.
fn powers(block: &[i16]) -> [f64; 8] {
    let c = coefficients();
    let (mut s1, mut s2) = ([0.0f64; 8], [0.0f64; 8]);
    for &x in block {
        let x = x as f64;
        for k in 0..8 {
            let s0 = x + c[k] * s1[k] - s2[k];
            s2[k] = s1[k];
            s1[k] = s0;
        }
    }
    std::array::from_fn(|k| s1[k] * s1[k] + s2[k] * s2[k] - c[k] * s1[k] * s2[k])
}

/// The index and value of the largest, if it stands clear of the others.
fn strongest(v: &[f64; 4]) -> Option<(usize, f64)> {
    let (i, &max) = v.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    let clear = v.iter().enumerate().all(|(j, &x)| j == i || x * MIN_PEAK_RATIO <= max);
    clear.then_some((i, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freqs: &[(f64, f64)], ms: usize) -> Vec<i16> {
        let n = ms * 8;
        (0..n)
            .map(|i| {
                let t = i as f64 / RATE;
                let v: f64 = freqs.iter().map(|(f, a)| a * (2.0 * std::f64::consts::PI * f * t).sin()).sum();
                v.round().clamp(-32768.0, 32767.0) as i16
            })
            .collect()
    }

    fn dtmf(d: char, ms: usize, row_amp: f64, col_amp: f64) -> Vec<i16> {
        for (r, row) in KEYS.iter().enumerate() {
            if let Some(c) = row.iter().position(|&k| k == d) {
                return tone(&[(ROWS[r], row_amp), (COLS[c], col_amp)], ms);
            }
        }
        panic!("no key {d}")
    }

    fn digits(samples: &[i16]) -> String {
        let mut det = DtmfDetector::default();
        // Feed in RTP-sized pieces, as the media path will.
        for chunk in samples.chunks(160) {
            det.handle_samples(chunk);
        }
        std::iter::from_fn(|| det.poll_digit()).map(|d| d.digit).collect()
    }

    /// Deterministic noise (xorshift) of a given amplitude.
    fn noise(n: usize, amp: f64, seed: u64) -> Vec<i16> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (((x % 2001) as f64 / 1000.0 - 1.0) * amp) as i16
            })
            .collect()
    }

    #[test]
    fn tone_ratio_tells_which_tone_is_there() {
        let a = tone(&[(440.0, 8000.0)], 200);
        assert!(tone_ratio(&a, 440.0, RATE) > 0.9);
        assert!(tone_ratio(&a, 1000.0, RATE) < 0.01);
        assert_eq!(tone_ratio(&[0; 160], 440.0, RATE), 0.0);
        let both = tone(&[(440.0, 8000.0), (1000.0, 8000.0)], 200);
        let (r1, r2) = (tone_ratio(&both, 440.0, RATE), tone_ratio(&both, 1000.0, RATE));
        assert!((0.4..0.6).contains(&r1) && (0.4..0.6).contains(&r2), "{r1} {r2}");
    }

    #[test]
    fn the_eight_filters_at_once_agree_with_one_at_a_time() {
        let block = &noise(BLOCK, 9000.0, 3)[..];
        let together = powers(block);
        for (k, f) in ROWS.iter().chain(COLS.iter()).enumerate() {
            let alone = power(block, *f, RATE);
            assert!((together[k] - alone).abs() <= alone.abs() * 1e-9 + 1e-6, "{f} Hz: {} vs {alone}", together[k]);
        }
    }

    #[test]
    fn every_key_is_found_once() {
        for d in "123A456B789C*0#D".chars() {
            assert_eq!(digits(&dtmf(d, 60, 6000.0, 6000.0)), d.to_string(), "{d}");
        }
    }

    #[test]
    fn a_held_key_counts_once_and_a_gap_separates_repeats() {
        let mut s = dtmf('5', 300, 6000.0, 6000.0);
        assert_eq!(digits(&s), "5");
        s.extend(vec![0; 400]);
        s.extend(dtmf('5', 60, 6000.0, 6000.0));
        s.extend(vec![0; 400]);
        s.extend(dtmf('9', 60, 6000.0, 6000.0));
        assert_eq!(digits(&s), "559");
    }

    #[test]
    fn noise_speech_like_tones_and_bad_twist_are_not_digits() {
        assert_eq!(digits(&noise(16000, 8000.0, 7)), "");
        assert_eq!(digits(&tone(&[(1000.0, 8000.0)], 500)), "", "a single tone");
        assert_eq!(digits(&tone(&[(697.0, 5000.0), (770.0, 5000.0)], 500)), "", "two row tones");
        assert_eq!(digits(&dtmf('1', 200, 8000.0, 2000.0)), "", "12 dB twist");
        assert_eq!(digits(&dtmf('1', 200, 20.0, 20.0)), "", "too quiet");
        assert_eq!(digits(&dtmf('1', 30, 6000.0, 6000.0)), "", "too short (30 ms)");
    }

    #[test]
    fn digits_survive_moderate_noise() {
        let clean = dtmf('7', 80, 6000.0, 6000.0);
        let n = noise(clean.len(), 1500.0, 99);
        let noisy: Vec<i16> = clean.iter().zip(n).map(|(a, b)| a.saturating_add(b)).collect();
        assert_eq!(digits(&noisy), "7");
    }
}
