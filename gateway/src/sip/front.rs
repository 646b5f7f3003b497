//! The SIP front door: what the gateway does with a message before any
//! transaction or dialog exists. A sans-IO core: the driver hands it each
//! datagram (or framed TCP message) with the time and the source, and sends
//! or drops as it says.
//!
//! Order of checks, cheapest first: a source blocked as a scanner is
//! ignored; a source over its message rate is ignored; the message is
//! parsed and screened ([`super::check`]: 400/416/420/415/406/505 go back
//! at once); a scanner's User-Agent gets the source blocked and no answer
//! at all (a reply only tells a scanner it found something); a request from
//! an address that is not a configured trunk gets 403 and nothing else (no
//! dialog, no state: toll fraud starts with an unauthenticated INVITE).
//! What remains is a request from a trunk, handed on.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use super::check::{Dropped, Screened, screen_datagram};
use super::message::{Request, Response, StatusCode};
use super::method::Method;

/// User-Agent fragments of SIP scanners seen in the wild (SIPVicious and
/// its forks, sipsak-based sweeps, and the "friendly-scanner" default).
const SCANNER_AGENTS: &[&str] =
    &["friendly-scanner", "sipvicious", "sipcli", "sip-scan", "sipsak", "vaxsipuseragent", "sundayddr", "iwar", "smap"];

/// Source addresses tracked at most; beyond this the oldest-refilled
/// buckets are dropped, so a spoofed flood cannot grow memory without bound.
const MAX_TRACKED: usize = 65_536;

#[derive(Debug, Clone, PartialEq)]
pub struct FrontConfig {
    /// Addresses of trunks (carriers), by trunk name.
    pub trunks: Vec<(String, Vec<IpAddr>)>,
    pub rate_per_source: u32,
    pub scanner_block: Duration,
}

/// Why a message was dropped without an answer (a metric label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    Blocked,
    RateLimited,
    Scanner,
    Malformed,
    /// A response or an ACK nobody is waiting for.
    Unexpected,
}

impl DropReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Blocked => "blocked",
            DropReason::RateLimited => "rate_limited",
            DropReason::Scanner => "scanner",
            DropReason::Malformed => "malformed",
            DropReason::Unexpected => "unexpected",
        }
    }
}

/// What to do with one message.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Send these bytes back to the source; the message goes no further.
    Reply {
        status: StatusCode,
        bytes: Vec<u8>,
    },
    /// A request from a trunk, for the transaction layer.
    FromTrunk {
        trunk: usize,
        request: Request,
    },
    /// A response, for the transaction layer (which drops strays).
    Response(Response),
    Drop(DropReason),
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
    blocked_until: Option<Instant>,
}

#[derive(Debug)]
pub struct FrontDoor {
    config: FrontConfig,
    sources: HashMap<IpAddr, Bucket>,
}

impl FrontDoor {
    pub fn new(config: FrontConfig) -> FrontDoor {
        FrontDoor { config, sources: HashMap::new() }
    }

    /// The trunk an address belongs to.
    pub fn trunk_of(&self, ip: IpAddr) -> Option<usize> {
        self.config.trunks.iter().position(|(_, addrs)| addrs.contains(&ip))
    }

    /// Judges one message. `to_tag` is a fresh random tag for a reply.
    pub fn handle_message(&mut self, now: Instant, source: SocketAddr, bytes: &[u8], to_tag: &str) -> Verdict {
        let ip = source.ip();
        let trunk = self.trunk_of(ip);
        // Trunks are not rate limited here: a busy carrier is not an attack,
        // and the call layer has its own limits.
        if trunk.is_none()
            && let Some(reason) = self.admit(now, ip)
        {
            return Verdict::Drop(reason);
        }
        let request = match screen_datagram(bytes, to_tag) {
            Screened::Reply { status, bytes } => return Verdict::Reply { status, bytes },
            Screened::Dropped(Dropped::Malformed(_)) => return Verdict::Drop(DropReason::Malformed),
            Screened::Dropped(_) => return Verdict::Drop(DropReason::Unexpected),
            Screened::Response(r) => return Verdict::Response(r),
            Screened::Request(r) => r,
        };
        if is_scanner(&request) {
            if trunk.is_none() {
                self.block(now, ip);
            }
            return Verdict::Drop(DropReason::Scanner);
        }
        match trunk {
            Some(trunk) => Verdict::FromTrunk { trunk, request },
            None if request.method == Method::Ack => Verdict::Drop(DropReason::Unexpected),
            None => {
                let resp = Response::for_request(&request, StatusCode::FORBIDDEN, to_tag);
                Verdict::Reply { status: StatusCode::FORBIDDEN, bytes: resp.to_bytes() }
            }
        }
    }

    /// Token bucket per source; `Some` when the message must be dropped.
    fn admit(&mut self, now: Instant, ip: IpAddr) -> Option<DropReason> {
        let rate = self.config.rate_per_source as f64;
        if self.sources.len() >= MAX_TRACKED && !self.sources.contains_key(&ip) {
            self.prune(now);
        }
        let b = self.sources.entry(ip).or_insert(Bucket { tokens: 2.0 * rate, refilled: now, blocked_until: None });
        if let Some(until) = b.blocked_until {
            if now < until {
                return Some(DropReason::Blocked);
            }
            b.blocked_until = None;
        }
        let elapsed = now.saturating_duration_since(b.refilled).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(2.0 * rate);
        b.refilled = now;
        if b.tokens < 1.0 {
            return Some(DropReason::RateLimited);
        }
        b.tokens -= 1.0;
        None
    }

    fn block(&mut self, now: Instant, ip: IpAddr) {
        if let Some(b) = self.sources.get_mut(&ip) {
            b.blocked_until = Some(now + self.config.scanner_block);
        }
    }

    /// Forgets sources that are full again and not blocked; if that frees
    /// nothing, forgets the half refilled longest ago.
    fn prune(&mut self, now: Instant) {
        let full = 2.0 * self.config.rate_per_source as f64;
        let rate = self.config.rate_per_source as f64;
        self.sources.retain(|_, b| {
            let tokens = b.tokens + now.saturating_duration_since(b.refilled).as_secs_f64() * rate;
            tokens < full || b.blocked_until.is_some_and(|u| u > now)
        });
        if self.sources.len() >= MAX_TRACKED {
            let mut ages: Vec<Instant> = self.sources.values().map(|b| b.refilled).collect();
            ages.sort();
            let cut = ages[ages.len() / 2];
            self.sources.retain(|_, b| b.refilled > cut);
        }
    }

    /// Sources tracked now (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.sources.len()
    }
}

fn is_scanner(req: &Request) -> bool {
    req.headers.text("User-Agent").any(|ua| {
        let ua = ua.to_ascii_lowercase();
        SCANNER_AGENTS.iter().any(|s| ua.contains(s))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK: &str = "127.0.0.2:5060";
    const STRANGER: &str = "127.0.0.9:5070";

    fn door() -> FrontDoor {
        FrontDoor::new(FrontConfig {
            trunks: vec![("carrier".into(), vec!["127.0.0.2".parse().unwrap()])],
            rate_per_source: 5,
            scanner_block: Duration::from_secs(60),
        })
    }

    fn request(method: &str, user_agent: Option<&str>, branch: u32) -> Vec<u8> {
        let ua = user_agent.map(|u| format!("User-Agent: {u}\r\n")).unwrap_or_default();
        format!(
            "{method} sip:+15550100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.9:5070;branch=z9hG4bK{branch}\r\n\
             Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.9>;tag=1\r\nTo: <sip:+15550100@127.0.0.1>\r\n\
             Call-ID: c{branch}@x\r\nCSeq: 1 {method}\r\n{ua}Content-Length: 0\r\n\r\n"
        )
        .into_bytes()
    }

    fn status(v: &Verdict) -> Option<u16> {
        match v {
            Verdict::Reply { status, .. } => Some(status.code()),
            _ => None,
        }
    }

    #[test]
    fn strangers_get_403_and_trunks_get_through() {
        let mut d = door();
        let now = Instant::now();
        let v = d.handle_message(now, STRANGER.parse().unwrap(), &request("INVITE", None, 1), "t1");
        assert_eq!(status(&v), Some(403));
        let Verdict::Reply { bytes, .. } = v else { unreachable!() };
        assert!(String::from_utf8(bytes).unwrap().contains("To: <sip:+15550100@127.0.0.1>;tag=t1"));
        let v = d.handle_message(now, TRUNK.parse().unwrap(), &request("INVITE", None, 2), "t2");
        assert!(matches!(v, Verdict::FromTrunk { trunk: 0, .. }), "{v:?}");
        assert_eq!(
            d.handle_message(now, STRANGER.parse().unwrap(), &request("ACK", None, 3), "t"),
            Verdict::Drop(DropReason::Unexpected)
        );
    }

    #[test]
    fn malformed_requests_get_their_status_first() {
        let mut d = door();
        let mut bad = request("OPTIONS", None, 1);
        let text = String::from_utf8(bad.clone()).unwrap().replace("SIP/2.0\r\n", "SIP/7.0\r\n");
        bad = text.into_bytes();
        let v = d.handle_message(Instant::now(), STRANGER.parse().unwrap(), &bad, "t");
        assert_eq!(status(&v), Some(505));
        assert_eq!(
            d.handle_message(Instant::now(), STRANGER.parse().unwrap(), b"\x00\x01garbage", "t"),
            Verdict::Drop(DropReason::Malformed)
        );
    }

    #[test]
    fn scanners_get_nothing_and_stay_blocked() {
        let mut d = door();
        let t0 = Instant::now();
        let src: SocketAddr = STRANGER.parse().unwrap();
        let v = d.handle_message(t0, src, &request("OPTIONS", Some("friendly-scanner"), 1), "t");
        assert_eq!(v, Verdict::Drop(DropReason::Scanner));
        let v = d.handle_message(t0 + Duration::from_secs(30), src, &request("OPTIONS", None, 2), "t");
        assert_eq!(v, Verdict::Drop(DropReason::Blocked), "even without the telltale header");
        let v = d.handle_message(t0 + Duration::from_secs(61), src, &request("OPTIONS", None, 3), "t");
        assert_eq!(status(&v), Some(403), "the block expires");
        let v = d.handle_message(t0, src, &request("REGISTER", Some("SIPVicious 0.3.4"), 4), "t");
        assert_eq!(v, Verdict::Drop(DropReason::Scanner));
    }

    #[test]
    fn sources_are_rate_limited_but_trunks_are_not() {
        let mut d = door();
        let t0 = Instant::now();
        let src: SocketAddr = STRANGER.parse().unwrap();
        let answered = (0..20)
            .filter(|i| status(&d.handle_message(t0, src, &request("OPTIONS", None, *i), "t")).is_some())
            .count();
        assert_eq!(answered, 10, "a burst of twice the rate");
        let later = t0 + Duration::from_secs(1);
        let answered = (0..20)
            .filter(|i| status(&d.handle_message(later, src, &request("OPTIONS", None, *i), "t")).is_some())
            .count();
        assert_eq!(answered, 5, "then the rate");
        let trunk: SocketAddr = TRUNK.parse().unwrap();
        let through = (0..100)
            .filter(|i| {
                matches!(d.handle_message(t0, trunk, &request("OPTIONS", None, *i), "t"), Verdict::FromTrunk { .. })
            })
            .count();
        assert_eq!(through, 100);
    }

    #[test]
    fn memory_stays_bounded_under_a_spoofed_flood() {
        let mut d = door();
        let t0 = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 5000) {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            d.handle_message(t0 + Duration::from_millis(i as u64), SocketAddr::new(ip, 5060), b"x", "t");
        }
        assert!(d.tracked() <= MAX_TRACKED, "{}", d.tracked());
    }
}
