//! The predictive pacer: how many calls to have ringing for the agents
//! who are free, so that agents wait little and few answered calls find
//! nobody (an abandoned call).
//!
//! Three parts, each simple enough to check:
//! - **Measured**: over a rolling window (15 minutes by default) the pacer
//!   counts live answers, abandons among them, and dial attempts with
//!   their answers; the abandon rate is abandons / live answers, the answer
//!   rate is live answers / attempts ended (with a prior of 5 attempts at
//!   30 % so that the first calls are not paced on nothing).
//! - **Guard**: with `n` agents free and answer rate `p`, `c` calls ringing
//!   abandon `E[max(0, Bin(c, p) − n)]` calls on average out of `c·p`
//!   answered; the pacer never has more calls ringing than keep that
//!   fraction at or under the aim (the target less a margin).
//! - **Ratio**: calls ringing per free agent, capped between 1 and
//!   `max_ratio`. Every live answer that reaches an agent nudges it up by
//!   `step·aim/(1−aim)`, every abandon down by `step`, so that it settles
//!   where the abandon rate equals the aim; while the measured rate is over
//!   the aim the pacer brakes to one call per free agent, which cannot
//!   abandon.

use std::collections::VecDeque;

/// How the pacer is set.
#[derive(Debug, Clone, PartialEq)]
pub struct PacingConfig {
    /// Most abandoned calls per live answer, e.g. 0.03.
    pub target_abandon: f64,
    /// The pacer aims this far under the target (0.8: at 80 % of it).
    pub margin: f64,
    /// The rolling window, ms.
    pub window_ms: u64,
    /// Most calls ringing per free agent.
    pub max_ratio: f64,
    /// How far one abandon moves the ratio down.
    pub step: f64,
}

impl Default for PacingConfig {
    fn default() -> Self {
        PacingConfig { target_abandon: 0.03, margin: 0.8, window_ms: 15 * 60_000, max_ratio: 3.0, step: 0.25 }
    }
}

/// What happened to one attempt, as the pacer counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Ended without a live answer (busy, no answer, failed, machine).
    NotLive,
    /// A live answer that reached an agent.
    Connected,
    /// A live answer with no agent free.
    Abandoned,
}

/// The figures behind a pacing decision, for the dial log and the
/// supervisors' screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacingFigures {
    pub ratio: f64,
    /// Over the window; `None` before the first live answer in it.
    pub abandon_rate: Option<f64>,
    pub answer_rate: f64,
    /// Whether the measured rate is over the aim (one call per free agent).
    pub braking: bool,
}

#[derive(Debug, Clone)]
pub struct Pacer {
    config: PacingConfig,
    ratio: f64,
    /// Every outcome in the window, oldest first, with running totals
    /// since the pacer began (ended, live, abandoned) up to and including
    /// it, so that any window's counts are two look-ups.
    outcomes: VecDeque<(i64, [u64; 3])>,
    /// The totals of the outcomes already dropped from `outcomes`.
    dropped: [u64; 3],
}

/// Attempts the answer-rate prior counts as, and the rate it assumes.
const PRIOR_ATTEMPTS: f64 = 5.0;
const PRIOR_RATE: f64 = 0.3;

impl Pacer {
    pub fn new(config: PacingConfig) -> Pacer {
        Pacer { config, ratio: 1.0, outcomes: VecDeque::new(), dropped: [0; 3] }
    }

    pub fn config(&self) -> &PacingConfig {
        &self.config
    }

    fn aim(&self) -> f64 {
        self.config.target_abandon * self.config.margin
    }

    /// Counts one attempt's outcome and moves the ratio.
    pub fn handle_outcome(&mut self, now: i64, outcome: Outcome) {
        let mut totals = self.outcomes.back().map_or(self.dropped, |(_, t)| *t);
        totals[0] += 1;
        totals[1] += u64::from(outcome != Outcome::NotLive);
        totals[2] += u64::from(outcome == Outcome::Abandoned);
        self.outcomes.push_back((now, totals));
        self.expire(now);
        let aim = self.aim();
        match outcome {
            Outcome::NotLive => {}
            Outcome::Connected => self.ratio += self.config.step * aim / (1.0 - aim),
            Outcome::Abandoned => self.ratio -= self.config.step,
        }
        self.ratio = self.ratio.clamp(1.0, self.config.max_ratio.max(1.0));
    }

    fn expire(&mut self, now: i64) {
        let from = now - self.config.window_ms as i64;
        while self.outcomes.front().is_some_and(|(t, _)| *t < from) {
            self.dropped = self.outcomes.pop_front().expect("just seen").1;
        }
    }

    /// The figures at `now`, which must not be before the latest outcome
    /// counted (older outcomes are forgotten as the window moves on).
    pub fn figures(&self, now: i64) -> PacingFigures {
        let from = now - self.config.window_ms as i64;
        let first = self.outcomes.partition_point(|(t, _)| *t < from);
        let before = if first == 0 { self.dropped } else { self.outcomes[first - 1].1 };
        let last = self.outcomes.back().map_or(self.dropped, |(_, t)| *t);
        let [ended, live, abandoned] = [0, 1, 2].map(|i| (last[i] - before[i]) as f64);
        let abandon_rate = (live > 0.0).then(|| abandoned / live);
        let answer_rate = (live + PRIOR_RATE * PRIOR_ATTEMPTS) / (ended + PRIOR_ATTEMPTS);
        let braking = abandon_rate.is_some_and(|r| r > self.aim());
        PacingFigures { ratio: self.ratio, abandon_rate, answer_rate, braking }
    }

    /// How many more calls to place now, with `free` agents free and
    /// `ringing` calls already placed and not yet answered or ended.
    pub fn calls_to_place(&self, now: i64, free: u32, ringing: u32) -> u32 {
        if free == 0 {
            return 0;
        }
        let f = self.figures(now);
        if f.braking {
            return free.saturating_sub(ringing);
        }
        let cap = ((f64::from(free) * f.ratio).floor() as u32).max(free);
        let mut c = ringing.max(free);
        while c < cap && expected_abandon_share(c + 1, f.answer_rate, free) <= self.aim() {
            c += 1;
        }
        c.saturating_sub(ringing)
    }
}

/// `E[max(0, X − n)] / E[X]` for `X ~ Bin(c, p)`: the share of answered
/// calls that would find no agent among `n`.
pub fn expected_abandon_share(c: u32, p: f64, n: u32) -> f64 {
    if c <= n || p <= 0.0 {
        return 0.0;
    }
    let p = p.min(1.0);
    let (c_f, q) = (f64::from(c), 1.0 - p);
    // pmf(k) built up from pmf(0) = q^c; in logs when q^c underflows.
    let mut excess = 0.0;
    let mut log_pmf = c_f * q.max(f64::MIN_POSITIVE).ln();
    for k in 0..=c {
        if k > 0 {
            let k_f = f64::from(k);
            log_pmf += ((c_f - k_f + 1.0) / k_f).ln() + (p / q.max(f64::MIN_POSITIVE)).ln();
        }
        if k > n {
            excess += f64::from(k - n) * log_pmf.exp();
        }
    }
    excess / (c_f * p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binomial_share_matches_a_hand_count() {
        // Two calls, one agent, p = 0.5: both answer with probability 1/4,
        // one of the 1.0 expected answers is then abandoned: 0.25.
        assert!((expected_abandon_share(2, 0.5, 1) - 0.25).abs() < 1e-12);
        // Three calls, one agent, p = 0.5: excess 1·3/8 + 2·1/8 = 5/8 of 1.5.
        assert!((expected_abandon_share(3, 0.5, 1) - 5.0 / 12.0).abs() < 1e-12);
        assert_eq!(expected_abandon_share(4, 0.3, 4), 0.0);
        assert!(expected_abandon_share(400, 0.1, 100) < 1e-9);
        // Far past the agents: nearly every answer beyond them is lost.
        assert!((expected_abandon_share(2000, 0.5, 10) - 0.99).abs() < 1e-9);
    }

    #[test]
    fn the_pacer_dials_more_when_answers_are_rare_and_brakes_on_abandons() {
        let mut p = Pacer::new(PacingConfig::default());
        // One call per free agent to start with.
        assert_eq!(p.calls_to_place(0, 10, 0), 10);
        assert_eq!(p.calls_to_place(0, 10, 4), 6);
        assert_eq!(p.calls_to_place(0, 0, 0), 0);
        // Many connected answers out of many attempts: the ratio climbs and
        // with a low answer rate more calls ring than agents are free.
        for i in 0..1000 {
            p.handle_outcome(i * 800, if i % 5 == 0 { Outcome::Connected } else { Outcome::NotLive });
        }
        let f = p.figures(800_000);
        assert!(f.ratio > 1.5, "{f:?}");
        assert!((f.answer_rate - 0.2).abs() < 0.01, "{f:?}");
        assert!(p.calls_to_place(800_000, 10, 0) > 15, "{}", p.calls_to_place(800_000, 10, 0));
        // Abandons over the aim: one call per free agent, whatever the ratio.
        for i in 0..10 {
            p.handle_outcome(800_000 + i, Outcome::Abandoned);
        }
        assert!(p.figures(800_010).braking);
        assert_eq!(p.calls_to_place(800_010, 10, 0), 10);
        // The window forgets them.
        assert!(!p.figures(800_010 + 16 * 60_000).braking);
    }
}
