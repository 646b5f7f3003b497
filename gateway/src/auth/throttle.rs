//! The login throttle: a sans-IO limit on failed logins per account and on
//! attempts per source address, over sliding windows. Time is an input, so
//! the tests run on a virtual clock.
//!
//! An account under attack is locked only for logins (not for sessions that
//! exist), and only until its window passes; the address limit stops one
//! source from trying many accounts.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    pub account_failures: u32,
    pub account_window: Duration,
    pub address_attempts: u32,
    pub address_window: Duration,
}

/// A refused attempt: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

#[derive(Debug)]
pub struct LoginThrottle {
    config: ThrottleConfig,
    failures: HashMap<String, VecDeque<Instant>>,
    attempts: HashMap<IpAddr, VecDeque<Instant>>,
    /// Entries are pruned every this many calls, so that memory stays bounded
    /// by the traffic of one window.
    calls_since_prune: u32,
}

impl LoginThrottle {
    pub fn new(config: ThrottleConfig) -> Self {
        LoginThrottle { config, failures: HashMap::new(), attempts: HashMap::new(), calls_since_prune: 0 }
    }

    /// Called before checking a password: counts the attempt against the
    /// address and refuses it if the address or the account is over its
    /// limit. Account names are compared case-insensitively.
    pub fn handle_attempt(&mut self, now: Instant, account: &str, addr: IpAddr) -> Result<(), RetryAfter> {
        self.maybe_prune(now);
        let c = self.config;
        let account = account.to_lowercase();
        if let Some(f) = self.failures.get_mut(&account) {
            drop_older(f, now, c.account_window);
            if f.len() as u32 >= c.account_failures {
                return Err(RetryAfter(until_free(f, now, c.account_window)));
            }
        }
        let a = self.attempts.entry(addr).or_default();
        drop_older(a, now, c.address_window);
        if a.len() as u32 >= c.address_attempts {
            return Err(RetryAfter(until_free(a, now, c.address_window)));
        }
        a.push_back(now);
        Ok(())
    }

    /// A wrong password (or unknown account) for `account`.
    pub fn handle_failure(&mut self, now: Instant, account: &str) {
        let f = self.failures.entry(account.to_lowercase()).or_default();
        drop_older(f, now, self.config.account_window);
        f.push_back(now);
    }

    /// A good login clears the account's failures.
    pub fn handle_success(&mut self, account: &str) {
        self.failures.remove(&account.to_lowercase());
    }

    /// How many accounts and addresses are tracked (for tests and metrics).
    pub fn tracked(&self) -> (usize, usize) {
        (self.failures.len(), self.attempts.len())
    }

    fn maybe_prune(&mut self, now: Instant) {
        self.calls_since_prune += 1;
        if self.calls_since_prune < 1024 {
            return;
        }
        self.calls_since_prune = 0;
        let c = self.config;
        self.failures.retain(|_, f| {
            drop_older(f, now, c.account_window);
            !f.is_empty()
        });
        self.attempts.retain(|_, a| {
            drop_older(a, now, c.address_window);
            !a.is_empty()
        });
    }
}

fn drop_older(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while q.front().is_some_and(|t| now.saturating_duration_since(*t) >= window) {
        q.pop_front();
    }
}

/// When the oldest event in the window leaves it.
fn until_free(q: &VecDeque<Instant>, now: Instant, window: Duration) -> Duration {
    q.front()
        .map(|t| window.saturating_sub(now.saturating_duration_since(*t)))
        .unwrap_or_default()
        .max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(ThrottleConfig {
            account_failures: 3,
            account_window: Duration::from_secs(60),
            address_attempts: 5,
            address_window: Duration::from_secs(10),
        })
    }

    #[test]
    fn account_locks_after_failures_until_window_passes() {
        let mut t = throttle();
        let t0 = Instant::now();
        for i in 0..3 {
            // Spread over addresses so that only the account limit applies.
            let addr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 1, i));
            assert!(t.handle_attempt(t0, "Rania", addr).is_ok());
            t.handle_failure(t0 + Duration::from_secs(i as u64), "Rania");
        }
        let e = t.handle_attempt(t0 + Duration::from_secs(5), "rania", B).unwrap_err();
        assert_eq!(e, RetryAfter(Duration::from_secs(55)));
        // Other accounts are not affected.
        assert!(t.handle_attempt(t0 + Duration::from_secs(5), "omid", B).is_ok());
        // After the first failure leaves the window, one more try is allowed.
        assert!(t.handle_attempt(t0 + Duration::from_secs(60), "rania", B).is_ok());
    }

    #[test]
    fn success_clears_failures() {
        let mut t = throttle();
        let t0 = Instant::now();
        t.handle_failure(t0, "rania");
        t.handle_failure(t0, "rania");
        t.handle_success("rania");
        t.handle_failure(t0, "rania");
        t.handle_failure(t0, "rania");
        assert!(t.handle_attempt(t0, "rania", A).is_ok());
    }

    #[test]
    fn address_limit_counts_every_attempt() {
        let mut t = throttle();
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(t.handle_attempt(t0, &format!("user{i}"), A).is_ok());
        }
        assert!(t.handle_attempt(t0 + Duration::from_secs(1), "other", A).is_err());
        assert!(t.handle_attempt(t0 + Duration::from_secs(1), "other", B).is_ok());
        assert!(t.handle_attempt(t0 + Duration::from_secs(10), "other", A).is_ok());
    }

    #[test]
    fn memory_is_pruned() {
        let mut t = throttle();
        let t0 = Instant::now();
        for i in 0..2000u32 {
            let addr = IpAddr::V4(std::net::Ipv4Addr::from(0x7f00_0000 + i));
            let _ = t.handle_attempt(t0, &format!("u{i}"), addr);
            t.handle_failure(t0, &format!("u{i}"));
        }
        let later = t0 + Duration::from_secs(120);
        for i in 0..1100u32 {
            let _ = t.handle_attempt(later, "x", IpAddr::V4(std::net::Ipv4Addr::from(0x7f10_0000 + i % 3)));
        }
        let (accounts, addrs) = t.tracked();
        assert!(accounts <= 1 && addrs <= 3, "{accounts} {addrs}");
    }
}
