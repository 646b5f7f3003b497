//! The non-INVITE client transaction (RFC 3261 §17.1.2, figure 6): BYE,
//! CANCEL, OPTIONS, REGISTER and the rest.
//!
//! ```text
//!            send request; E = T1 (UDP), F = 64*T1
//!   Trying ──1xx──▶ Proceeding ──200-699──▶ Completed ──K──▶ Terminated
//!     │ E: resend, E = min(2E, T2)  │ E: resend, E = T2     final: absorbed
//!     │ F: timeout                  │ F: timeout
//!     └──200-699──────────────────▶ Completed
//! ```

use std::time::{Duration, Instant};

use super::Action;
use super::timer::{Timer, TimerConfig, TimerTable};
use crate::sip::{Request, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

#[derive(Debug)]
pub(crate) struct ClientNonInvite {
    state: State,
    reliable: bool,
    config: TimerConfig,
    /// The request as sent, so that retransmissions are the same octets.
    bytes: Vec<u8>,
    /// The next interval of Timer E.
    interval: Duration,
    timers: TimerTable,
}

impl ClientNonInvite {
    /// Enters Trying: sends the request and arms E (UDP only) and F.
    pub(crate) fn start(
        now: Instant,
        config: TimerConfig,
        reliable: bool,
        request: &Request,
        out: &mut Vec<Action>,
    ) -> ClientNonInvite {
        let bytes = request.to_bytes();
        out.push(Action::Send(bytes.clone()));
        let mut timers = TimerTable::default();
        if !reliable {
            timers.set(Timer::E, now, config.first_interval());
        }
        timers.set(Timer::F, now, config.timeout());
        ClientNonInvite { state: State::Trying, reliable, config, bytes, interval: config.first_interval(), timers }
    }

    pub(crate) fn state(&self) -> State {
        self.state
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    pub(crate) fn handle_response(&mut self, now: Instant, response: Response, out: &mut Vec<Action>) {
        match (self.state, response.status.is_provisional()) {
            (State::Trying | State::Proceeding, true) => {
                // Unlike INVITE, a provisional does not stop retransmissions
                // (they go on at T2) nor the timeout: a non-INVITE request
                // must complete within 64*T1 whatever the peer says.
                self.state = State::Proceeding;
                out.push(Action::Response(response));
            }
            (State::Trying | State::Proceeding, false) => {
                out.push(Action::Response(response));
                self.timers.stop_all();
                self.state = State::Completed;
                let k = self.config.t4_unless_reliable(self.reliable);
                if k.is_zero() {
                    self.terminate();
                } else {
                    self.timers.set(Timer::K, now, k);
                }
            }
            // Retransmitted finals (and late provisionals) are absorbed.
            _ => {}
        }
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant, out: &mut Vec<Action>) {
        while let Some(timer) = self.timers.take_expired(now) {
            match (self.state, timer) {
                (State::Trying | State::Proceeding, Timer::E) => {
                    out.push(Action::Send(self.bytes.clone()));
                    self.interval = if self.state == State::Trying {
                        self.interval.saturating_mul(2).min(self.config.max_interval())
                    } else {
                        self.config.max_interval()
                    };
                    self.timers.set(Timer::E, now, self.interval);
                }
                (State::Trying | State::Proceeding, Timer::F) => {
                    out.push(Action::Timeout(Timer::F));
                    self.terminate();
                }
                (State::Completed, Timer::K) => self.terminate(),
                _ => {}
            }
        }
    }

    fn terminate(&mut self) {
        self.state = State::Terminated;
        self.timers.stop_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::transaction::fixtures::{Clock, request, response};

    struct Run {
        clock: Clock,
        req: Request,
        tsx: ClientNonInvite,
        out: Vec<Action>,
    }

    impl Run {
        fn new(reliable: bool) -> Run {
            let clock = Clock::new();
            let req = request("BYE", "z9hG4bKbye", "uas-tag");
            let mut out = Vec::new();
            let tsx = ClientNonInvite::start(clock.now, TimerConfig::default(), reliable, &req, &mut out);
            assert!(matches!(std::mem::take(&mut out)[..], [Action::Send(_)]));
            Run { clock, req, tsx, out }
        }

        fn sends_until(&mut self, until_ms: u64) -> Vec<u128> {
            let mut times = Vec::new();
            while let Some(at) = self.tsx.poll_timeout().filter(|&at| at <= self.clock.at(until_ms)) {
                self.clock.now = at;
                self.tsx.handle_timeout(at, &mut self.out);
                for a in self.out.drain(..) {
                    if matches!(a, Action::Send(_)) {
                        times.push(self.clock.ms());
                    }
                }
            }
            times
        }

        fn respond(&mut self, code: u16) -> Vec<Action> {
            let resp = response(&self.req, code);
            self.tsx.handle_response(self.clock.now, resp, &mut self.out);
            self.out.drain(..).collect()
        }
    }

    #[test]
    fn timer_e_doubles_up_to_t2_until_timer_f() {
        let mut run = Run::new(false);
        // Intervals 500, 1000, 2000, then 4000 (T2) each time, until 32 s.
        assert_eq!(run.sends_until(31_999), [500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(32_000)));
        run.clock.now = run.clock.at(32_000);
        run.tsx.handle_timeout(run.clock.now, &mut run.out);
        assert_eq!(run.out, [Action::Timeout(Timer::F)]);
        assert_eq!(run.tsx.state(), State::Terminated);
        assert_eq!(run.tsx.poll_timeout(), None);
    }

    #[test]
    fn proceeding_retransmits_at_t2() {
        let mut run = Run::new(false);
        run.clock.now = run.clock.at(100);
        assert!(matches!(run.respond(100)[..], [Action::Response(_)]));
        assert_eq!(run.tsx.state(), State::Proceeding);
        // E was armed at 500 in Trying; from then on every T2.
        assert_eq!(run.sends_until(13_000), [500, 4_500, 8_500, 12_500]);
    }

    #[test]
    fn no_retransmissions_on_reliable_transports() {
        let mut run = Run::new(true);
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(32_000)), "only F");
        assert_eq!(run.sends_until(40_000), Vec::<u128>::new());
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn timer_k_absorbs_final_retransmissions() {
        let mut run = Run::new(false);
        run.clock.now = run.clock.at(800);
        assert!(matches!(run.respond(200)[..], [Action::Response(_)]));
        assert_eq!(run.tsx.state(), State::Completed);
        assert!(run.respond(200).is_empty(), "the retransmission is absorbed");
        assert_eq!(run.tsx.poll_timeout(), Some(run.clock.at(800 + 5_000)), "K = T4");
        assert_eq!(run.sends_until(10_000), Vec::<u128>::new());
        assert_eq!(run.tsx.state(), State::Terminated);
    }

    #[test]
    fn timer_k_is_zero_on_reliable_transports() {
        let mut run = Run::new(true);
        assert!(matches!(run.respond(481)[..], [Action::Response(_)]));
        assert_eq!(run.tsx.state(), State::Terminated);
    }
}
