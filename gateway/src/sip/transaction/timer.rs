//! The transaction timers of RFC 3261 (§17 and the table of Appendix A) and
//! RFC 6026 (L and M), their base values T1, T2 and T4, and the table of
//! deadlines each transaction keeps.

use std::time::{Duration, Instant};

/// A transaction timer, named as RFC 3261 and RFC 6026 name them. There is no
/// C (a proxy's) and no timer runs in our code: a timer is a deadline in a
/// transaction's table, and it fires when the owner calls `handle_timeout`
/// with a `now` at or past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// INVITE client: retransmit the request (UDP only), T1 and doubling.
    A,
    /// INVITE client: give up waiting for any response, 64*T1.
    B,
    /// INVITE client: absorb retransmitted non-2xx finals, at least 32 s on
    /// UDP, 0 on reliable transports.
    D,
    /// Non-INVITE client: retransmit the request (UDP only), T1 doubling up
    /// to T2.
    E,
    /// Non-INVITE client: give up, 64*T1.
    F,
    /// INVITE server: retransmit the non-2xx final (UDP only), T1 doubling up
    /// to T2.
    G,
    /// INVITE server: give up waiting for the ACK, 64*T1.
    H,
    /// INVITE server: absorb retransmitted ACKs, T4 on UDP, 0 on reliable.
    I,
    /// Non-INVITE server: absorb retransmitted requests, 64*T1 on UDP, 0 on
    /// reliable.
    J,
    /// Non-INVITE client: absorb retransmitted finals, T4 on UDP, 0 on
    /// reliable.
    K,
    /// INVITE server in Accepted (RFC 6026): absorb retransmitted INVITEs and
    /// pass ACKs and the TU's 2xx retransmissions, 64*T1.
    L,
    /// INVITE client in Accepted (RFC 6026): pass every 2xx (retransmissions
    /// and forks) to the TU, 64*T1.
    M,
    /// INVITE server: the 200 ms of §17.2.1 after which the transaction sends
    /// 100 Trying itself if the TU has not answered. The RFC gives it no
    /// letter; it is a timer all the same and lives in the same table.
    Trying,
}

impl Timer {
    const COUNT: usize = 13;
    const ALL: [Timer; Timer::COUNT] = [
        Timer::A,
        Timer::B,
        Timer::D,
        Timer::E,
        Timer::F,
        Timer::G,
        Timer::H,
        Timer::I,
        Timer::J,
        Timer::K,
        Timer::L,
        Timer::M,
        Timer::Trying,
    ];
}

/// The base values every timer derives from (RFC 3261 §17.1.1.1 and the
/// table of Appendix A). The defaults are the RFC's; a trunk on a long
/// satellite hop may want a larger T1, and tests may want smaller ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerConfig {
    /// The round-trip time estimate: the first retransmission interval, and
    /// 64*T1 is every transaction's timeout.
    pub t1: Duration,
    /// The longest interval between retransmissions of non-INVITE requests
    /// and INVITE responses.
    pub t2: Duration,
    /// How long a message may stay in the network: how long a completed
    /// transaction lingers on UDP to absorb retransmissions.
    pub t4: Duration,
}

impl TimerConfig {
    /// The values RFC 3261 recommends: T1 500 ms, T2 4 s, T4 5 s.
    pub const RFC3261: TimerConfig =
        TimerConfig { t1: Duration::from_millis(500), t2: Duration::from_secs(4), t4: Duration::from_secs(5) };

    /// Retransmission intervals never go below this, so that a zero T1 in a
    /// config file cannot make a transaction retransmit in a busy loop.
    const MIN_INTERVAL: Duration = Duration::from_millis(1);

    /// T1, at least [`Self::MIN_INTERVAL`]: the first interval of A, E and G.
    pub(crate) fn first_interval(&self) -> Duration {
        self.t1.max(Self::MIN_INTERVAL)
    }

    /// T2, at least T1: the cap of E and G.
    pub(crate) fn max_interval(&self) -> Duration {
        self.t2.max(self.first_interval())
    }

    /// 64*T1: Timers B, F, H, L and M, and J on UDP.
    pub(crate) fn timeout(&self) -> Duration {
        self.first_interval().saturating_mul(64)
    }

    /// Timer D: at least 32 s on UDP (the RFC's floor, which is 64*T1 with the
    /// default T1, and is kept at 64*T1 when T1 is larger so that D still
    /// covers the server's whole Timer H), zero on reliable transports.
    pub(crate) fn d(&self, reliable: bool) -> Duration {
        if reliable { Duration::ZERO } else { self.timeout().max(Duration::from_secs(32)) }
    }

    /// Timer I and Timer K: T4 on UDP, zero on reliable transports.
    pub(crate) fn t4_unless_reliable(&self, reliable: bool) -> Duration {
        if reliable { Duration::ZERO } else { self.t4 }
    }

    /// Timer J: 64*T1 on UDP, zero on reliable transports.
    pub(crate) fn j(&self, reliable: bool) -> Duration {
        if reliable { Duration::ZERO } else { self.timeout() }
    }
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig::RFC3261
    }
}

/// The deadlines of one transaction, one slot per [`Timer`]. A fixed array
/// rather than a map: a transaction runs at most three timers at once and
/// looking at thirteen slots is cheaper than hashing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TimerTable {
    deadlines: [Option<Instant>; Timer::COUNT],
}

impl TimerTable {
    /// Arms `timer` to fire `after` from `now`, replacing any earlier
    /// deadline. A deadline past what `Instant` can hold is never reached,
    /// so such a timer is left disarmed rather than made to panic.
    pub(crate) fn set(&mut self, timer: Timer, now: Instant, after: Duration) {
        self.deadlines[timer as usize] = now.checked_add(after);
    }

    pub(crate) fn stop(&mut self, timer: Timer) {
        self.deadlines[timer as usize] = None;
    }

    pub(crate) fn stop_all(&mut self) {
        self.deadlines = [None; Timer::COUNT];
    }

    #[cfg(test)]
    pub(crate) fn deadline(&self, timer: Timer) -> Option<Instant> {
        self.deadlines[timer as usize]
    }

    /// The earliest deadline of any armed timer.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// Disarms and returns the timer with the earliest deadline at or before
    /// `now` (ties go to the earlier letter), so that a caller that was late
    /// fires timers in the order they were due.
    pub(crate) fn take_expired(&mut self, now: Instant) -> Option<Timer> {
        let (timer, _) = Timer::ALL
            .iter()
            .filter_map(|&t| self.deadlines[t as usize].filter(|&at| at <= now).map(|at| (t, at)))
            .min_by_key(|&(t, at)| (at, t))?;
        self.deadlines[timer as usize] = None;
        Some(timer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn derived_values() {
        let c = TimerConfig::default();
        assert_eq!(c.timeout(), 32_000 * MS);
        assert_eq!(c.d(false), 32_000 * MS);
        assert_eq!(c.d(true), Duration::ZERO);
        assert_eq!(c.j(false), 32_000 * MS);
        assert_eq!(c.j(true), Duration::ZERO);
        assert_eq!(c.t4_unless_reliable(false), 5_000 * MS);
        assert_eq!(c.t4_unless_reliable(true), Duration::ZERO);

        let slow = TimerConfig { t1: 1_000 * MS, ..c };
        assert_eq!(slow.d(false), 64_000 * MS);
        let fast = TimerConfig { t1: 10 * MS, t2: 40 * MS, t4: 50 * MS };
        assert_eq!(fast.d(false), 32_000 * MS);

        let broken = TimerConfig { t1: Duration::ZERO, t2: Duration::ZERO, t4: Duration::ZERO };
        assert_eq!(broken.first_interval(), MS);
        assert_eq!(broken.max_interval(), MS);
        assert_eq!(TimerConfig { t1: Duration::MAX, ..c }.timeout(), Duration::MAX);
    }

    #[test]
    fn table_fires_in_deadline_order() {
        let t0 = Instant::now();
        let mut table = TimerTable::default();
        assert_eq!(table.next(), None);
        table.set(Timer::B, t0, 32_000 * MS);
        table.set(Timer::A, t0, 500 * MS);
        table.set(Timer::Trying, t0, 500 * MS);
        assert_eq!(table.next(), Some(t0 + 500 * MS));
        assert_eq!(table.take_expired(t0 + 499 * MS), None);
        assert_eq!(table.take_expired(t0 + 40_000 * MS), Some(Timer::A));
        assert_eq!(table.take_expired(t0 + 40_000 * MS), Some(Timer::Trying));
        assert_eq!(table.take_expired(t0 + 40_000 * MS), Some(Timer::B));
        assert_eq!(table.take_expired(t0 + 40_000 * MS), None);

        table.set(Timer::H, t0, Duration::MAX);
        assert_eq!(table.deadline(Timer::H), None, "an unreachable deadline is no deadline");
        table.set(Timer::G, t0, MS);
        table.stop(Timer::G);
        table.set(Timer::I, t0, MS);
        table.stop_all();
        assert_eq!(table.next(), None);
    }
}
