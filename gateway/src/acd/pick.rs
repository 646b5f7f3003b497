//! The strategies' choice among free eligible agents, each exactly as its
//! [`Strategy`] variant documents. Candidates come in the queue's members'
//! order (order, then agent id); ties go to the agent idle longest, then the
//! lowest id, so every choice is deterministic for a given seed.

use super::{Acd, CallKey, Millis, Strategy};

impl Acd {
    /// Up to `n` agents from `cands` (non-empty, free, eligible) for `call`.
    pub(super) fn pick(
        &mut self,
        now: Millis,
        call: CallKey,
        strategy: Strategy,
        cands: &mut [usize],
        n: usize,
    ) -> Vec<usize> {
        let idle = |acd: &Acd, a: usize| (acd.agents[a].idle_since, acd.agents[a].id);
        let one = match strategy {
            Strategy::RingAll => return cands.to_vec(),
            Strategy::TopThree => return cands.iter().copied().take(n).collect(),
            Strategy::RandomThree => {
                let take = n.min(cands.len());
                for i in 0..take {
                    let j = i + self.random(cands.len() - i);
                    cands.swap(i, j);
                }
                return cands[..take].to_vec();
            }
            Strategy::TopDown | Strategy::Progressive => cands[0],
            Strategy::LongestIdle => *cands.iter().min_by_key(|&&a| idle(self, a)).expect("candidates"),
            Strategy::LeastTalkTime => {
                *cands.iter().min_by_key(|&&a| (self.agents[a].talk_ms, idle(self, a))).expect("candidates")
            }
            Strategy::FewestCalls => {
                *cands.iter().min_by_key(|&&a| (self.agents[a].calls, idle(self, a))).expect("candidates")
            }
            Strategy::Random => cands[self.random(cands.len())],
            Strategy::RoundRobin => {
                let q = self.calls[&call].queue;
                let queue = self.queue(q);
                let key = |a: usize| {
                    let ag = &self.agents[a];
                    (ag.queues.iter().find(|m| m.0 == q).map_or(u32::MAX, |m| m.1), ag.id)
                };
                match queue.last_rung {
                    Some(last) => cands.iter().copied().find(|&a| key(a) > last).unwrap_or(cands[0]),
                    None => cands[0],
                }
            }
            Strategy::Scored => self.best_scored(now, call, cands),
        };
        vec![one]
    }

    /// The multi-criteria choice: each term is scaled to 0–1 among the
    /// candidates (min–max), weighted, and summed; the highest wins.
    fn best_scored(&self, now: Millis, call: CallKey, cands: &[usize]) -> usize {
        let c = &self.calls[&call];
        let w = self.queue(c.queue).cfg.weights;
        let terms: Vec<[f64; 4]> = cands
            .iter()
            .map(|&a| {
                let ag = &self.agents[a];
                let skill: u32 = self.needs(c).map(|&(s, _)| u32::from(ag.level(s))).sum();
                [now.saturating_sub(ag.idle_since) as f64, f64::from(skill), ag.talk_ms as f64, f64::from(ag.calls)]
            })
            .collect();
        let mut lo = [f64::INFINITY; 4];
        let mut hi = [f64::NEG_INFINITY; 4];
        for t in &terms {
            for i in 0..4 {
                lo[i] = lo[i].min(t[i]);
                hi[i] = hi[i].max(t[i]);
            }
        }
        let scale = |i: usize, x: f64| if hi[i] > lo[i] { (x - lo[i]) / (hi[i] - lo[i]) } else { 0.0 };
        let score = |t: &[f64; 4]| {
            f64::from(w.idle) * scale(0, t[0])
                + f64::from(w.skill) * scale(1, t[1])
                + f64::from(w.talk_time) * (1.0 - scale(2, t[2]))
                + f64::from(w.calls) * (1.0 - scale(3, t[3]))
        };
        let mut best = 0;
        for i in 1..cands.len() {
            let (s, b) = (score(&terms[i]), score(&terms[best]));
            let (ai, ab) = (&self.agents[cands[i]], &self.agents[cands[best]]);
            if s > b || (s == b && (ai.idle_since, ai.id) < (ab.idle_since, ab.id)) {
                best = i;
            }
        }
        cands[best]
    }

    /// A uniform number below `n` (splitmix64).
    pub(super) fn random(&mut self, n: usize) -> usize {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        ((u128::from(z) * n as u128) >> 64) as usize
    }
}
