//! The estimated wait told to a caller.
//!
//! Who can take the call: the members of its queue who qualify for it now
//! and are working (ready or busy; not ready and logged-out agents do not
//! count). For each of them, when they are next free: now if free; the rest
//! of a moving-average handle time `H` if on a call (never less than a tenth
//! of `H`: a long call is assumed to end soon, not to have ended); the rest of
//! their wrap-up; after a whole `H` if ringing for another call. The calls
//! ahead are then served in turn: the k-th call (k = position, from 1) is
//! taken by the k-th freeing, where each agent frees at `f_i`, `f_i + H`,
//! `f_i + 2H`, … . Since every `f_i ≤ H`, the k-th freeing is
//! `f_sorted[(k-1) mod n] + ((k-1) div n)·H`.
//!
//! `H` is the queue's exponential moving average (weight 0.1 for the newest
//! call) of talk time plus wrap-up, starting at 180 s. This ignores calls of
//! other queues competing for shared agents and callers abandoning ahead;
//! the simulation tests measure the resulting error.

use super::{Acd, Activity, CallKey, Millis, Presence};

impl Acd {
    /// Seconds until the call at `position` is likely answered; `None` when
    /// nobody who could take it is working.
    pub(super) fn estimate_wait(&self, now: Millis, call: CallKey, position: u32) -> Option<u32> {
        let c = self.calls.get(&call)?;
        let needs: Vec<(u32, u8)> = self.needs(c).copied().collect();
        self.estimate(now, c.queue, &needs, Some(call), position)
    }

    /// A caller about to join `queue` with none of their own skills: how
    /// many wait ahead of them and, when someone works the queue, how long
    /// they would wait. `None` when there is no such queue.
    pub fn estimate_new(&self, now: Millis, queue: &str) -> Option<(u32, Option<u32>)> {
        let &q = self.queue_index.get(queue)?;
        let queue = self.queue(q);
        let ahead = queue.waiting.len() as u32;
        Some((ahead, self.estimate(now, q, &queue.reqs, None, ahead + 1)))
    }

    fn estimate(
        &self,
        now: Millis,
        q: usize,
        needs: &[(u32, u8)],
        call: Option<CallKey>,
        position: u32,
    ) -> Option<u32> {
        let queue = self.queue(q);
        let h = queue.handle_ms.max(1.0);
        let mut free_at: Vec<f64> = queue
            .members
            .iter()
            .map(|m| &self.agents[m.2])
            .filter(|ag| ag.presence == Presence::Ready || (ag.logged_in() && ag.activity != Activity::Idle))
            .filter(|ag| needs.iter().all(|&(s, min)| ag.level(s) >= min))
            .map(|ag| match ag.activity {
                Activity::Idle => 0.0,
                Activity::Ringing(r) if Some(r) == call => 0.0,
                Activity::Ringing(_) | Activity::Direct => h,
                Activity::OnCall { since, .. } => (h - now.saturating_sub(since) as f64).max(h / 10.0),
                Activity::WrapUp { until } => until.saturating_sub(now) as f64,
            })
            .collect();
        if free_at.is_empty() {
            return None;
        }
        free_at.sort_unstable_by(f64::total_cmp);
        let k = position.max(1) as usize - 1;
        let n = free_at.len();
        let ms = free_at[k % n] + (k / n) as f64 * h;
        Some((ms / 1000.0).round() as u32)
    }
}
