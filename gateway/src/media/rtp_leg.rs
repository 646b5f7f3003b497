//! The receiving side of one SIP leg's RTP: where to send (symmetric RTP),
//! whom to believe, and what arrived (RFC 3550 sequence, loss and jitter).
//!
//! Symmetric RTP (RFC 4961): carriers and phones behind NAT send from an
//! address other than the one in their SDP, so the leg learns ("latches")
//! the source of the first valid packet and sends back there. To keep a
//! stranger from hijacking the stream, only packets from the SDP's IP
//! address are latched, and once latched the leg stays put unless the peer
//! renegotiates (a new offer calls [`RtpLeg::handle_remote`]).
//!
//! Some peers send from another IP altogether: a phone behind NAT that
//! names its private address, or a softphone (baresip) whose RTP socket
//! listens on every address and so leaves from whichever the kernel picks.
//! With learning on (`media.learn_rtp_source`), a leg that has heard
//! nothing from the SDP's IP latches a foreign source once it has sent
//! [`LEARN_PACKETS`] packets in sequence with one SSRC (what Asterisk's
//! `strictrtp` learning does); until then its packets are dropped and
//! counted. Off by default: only the SDP's IP is believed.
//!
//! A sans-IO core: the driver owns the socket and passes datagrams and time.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::rtp::{RtpError, RtpPacket, is_rtcp};

/// A SIP leg's RTP, as the call layer names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RtpLegId(pub u64);

/// Why a datagram was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("not from the negotiated peer")]
    WrongSource,
    #[error("malformed RTP: {0}")]
    Malformed(RtpError),
    #[error("RTCP (counted, not forwarded)")]
    Rtcp,
}

/// What the leg has seen, for call quality and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RtpStats {
    pub packets: u64,
    /// Expected minus received, by RFC 3550 A.3 (duplicates can make it
    /// smaller than the true loss; never below zero).
    pub lost: u64,
    /// Interarrival jitter in timestamp units (RFC 3550 A.8).
    pub jitter: f64,
    pub dropped_wrong_source: u64,
    pub dropped_malformed: u64,
}

/// Packets in sequence, one SSRC, that a foreign source must send before a
/// learning leg believes it.
pub const LEARN_PACKETS: u8 = 5;

#[derive(Debug)]
pub struct RtpLeg {
    /// Where the SDP says the peer is.
    remote: SocketAddr,
    latched: Option<SocketAddr>,
    /// Learning on: the foreign source on probation, its SSRC, its last
    /// sequence number and how many packets in sequence it has sent.
    learning: Option<Option<(SocketAddr, u32, u16, u8)>>,
    clock_rate: u32,
    last_heard: Option<Instant>,
    // RFC 3550 A.1 state.
    base_seq: u32,
    max_seq: u16,
    cycles: u32,
    started: bool,
    // RFC 3550 A.8 state: arrival times count from the first packet.
    first_arrival: Option<Instant>,
    last_transit: Option<i64>,
    stats: RtpStats,
}

impl RtpLeg {
    /// A leg whose SDP names `remote`, with a codec clock of `clock_rate`
    /// (8000 for G.711).
    pub fn new(remote: SocketAddr, clock_rate: u32) -> RtpLeg {
        RtpLeg {
            remote,
            latched: None,
            learning: None,
            clock_rate,
            last_heard: None,
            base_seq: 0,
            max_seq: 0,
            cycles: 0,
            started: false,
            first_arrival: None,
            last_transit: None,
            stats: RtpStats::default(),
        }
    }

    /// Lets a foreign source be latched after [`LEARN_PACKETS`] packets in
    /// sequence (see the module's docs).
    pub fn learning(mut self, on: bool) -> RtpLeg {
        self.learning = on.then_some(None);
        self
    }

    /// The peer renegotiated (re-INVITE): forget the latch.
    pub fn handle_remote(&mut self, remote: SocketAddr) {
        self.remote = remote;
        self.latched = None;
        if let Some(probation) = &mut self.learning {
            *probation = None;
        }
    }

    /// Whether a packet from a foreign `source` completes its probation.
    fn learn(&mut self, source: SocketAddr, bytes: &[u8]) -> bool {
        let Some(probation) = &mut self.learning else { return false };
        if is_rtcp(bytes) {
            return false;
        }
        let Ok(p) = RtpPacket::parse(bytes) else { return false };
        let count = match *probation {
            Some((s, ssrc, seq, n)) if s == source && ssrc == p.ssrc && p.sequence == seq.wrapping_add(1) => n + 1,
            _ => 1,
        };
        *probation = Some((source, p.ssrc, p.sequence, count));
        count >= LEARN_PACKETS
    }

    /// Where our packets go: the latched source, else the SDP's address.
    pub fn destination(&self) -> SocketAddr {
        self.latched.unwrap_or(self.remote)
    }

    /// Takes one datagram from `source`, returning the RTP packet if it is
    /// one from our peer.
    pub fn handle_datagram<'a>(
        &mut self,
        now: Instant,
        source: SocketAddr,
        bytes: &'a [u8],
    ) -> Result<RtpPacket<'a>, Refused> {
        let from_peer = match self.latched {
            Some(l) => l == source,
            None => source.ip() == self.remote.ip() || self.learn(source, bytes),
        };
        if !from_peer {
            self.stats.dropped_wrong_source += 1;
            return Err(Refused::WrongSource);
        }
        if is_rtcp(bytes) {
            self.last_heard = Some(now);
            return Err(Refused::Rtcp);
        }
        let p = match RtpPacket::parse(bytes) {
            Ok(p) => p,
            Err(e) => {
                self.stats.dropped_malformed += 1;
                return Err(Refused::Malformed(e));
            }
        };
        self.latched.get_or_insert(source);
        self.last_heard = Some(now);
        self.count(now, p.sequence, p.timestamp);
        Ok(p)
    }

    /// Whether nothing has come from the peer for `limit` (since `since`,
    /// the call's answer, when nothing has come at all).
    pub fn is_silent(&self, now: Instant, since: Instant, limit: Duration) -> bool {
        now.saturating_duration_since(self.last_heard.unwrap_or(since)) >= limit
    }

    pub fn stats(&self) -> RtpStats {
        self.stats
    }

    fn count(&mut self, now: Instant, seq: u16, timestamp: u32) {
        self.stats.packets += 1;
        if !self.started {
            self.started = true;
            self.base_seq = seq as u32;
            self.max_seq = seq;
        } else {
            let delta = seq.wrapping_sub(self.max_seq);
            if delta != 0 && delta < 0x8000 {
                if seq < self.max_seq {
                    self.cycles += 1 << 16;
                }
                self.max_seq = seq;
            }
        }
        let extended = self.cycles + self.max_seq as u32;
        let expected = (extended - self.base_seq) as u64 + 1;
        self.stats.lost = expected.saturating_sub(self.stats.packets);

        // Arrival in timestamp units since the first packet.
        let first = *self.first_arrival.get_or_insert(now);
        let arrival = (now.saturating_duration_since(first).as_secs_f64() * self.clock_rate as f64) as i64;
        let transit = arrival - timestamp as i64;
        if let Some(last) = self.last_transit {
            let d = (transit - last).abs() as f64;
            self.stats.jitter += (d - self.stats.jitter) / 16.0;
        }
        self.last_transit = Some(transit);
    }
}

/// Hands out even RTP ports from a range (RTCP, when not muxed, takes the
/// odd one above), round robin so that a just-freed port is not reused at
/// once (late packets of the old call would land in the new one).
#[derive(Debug)]
pub struct PortRange {
    first: u16,
    last: u16,
    next: u16,
}

impl PortRange {
    /// `first..=last`; both are rounded in to even ports.
    pub fn new(first: u16, last: u16) -> Option<PortRange> {
        let first = first + (first % 2);
        let last = last - (last % 2);
        (first <= last).then_some(PortRange { first, last, next: first })
    }

    /// Tries ports in turn until `try_bind` succeeds; `None` when every port
    /// was tried.
    pub fn allocate<T>(&mut self, mut try_bind: impl FnMut(u16) -> Option<T>) -> Option<(u16, T)> {
        let count = (self.last - self.first) / 2 + 1;
        for _ in 0..count {
            let port = self.next;
            self.next = if self.next >= self.last { self.first } else { self.next + 2 };
            if let Some(t) = try_bind(port) {
                return Some((port, t));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::rtp::write_header;

    fn packet(seq: u16, ts: u32) -> Vec<u8> {
        let mut b = vec![0u8; 172];
        write_header(&mut b, false, 0, seq, ts, 7);
        b
    }

    const SDP_REMOTE: &str = "127.0.0.5:6000";

    #[test]
    fn learning_latches_a_foreign_source_only_after_packets_in_sequence() {
        let t0 = Instant::now();
        let nat: SocketAddr = "127.0.0.9:7000".parse().unwrap();
        let stranger: SocketAddr = "127.0.0.10:7000".parse().unwrap();
        // Off: a foreign source is never believed.
        let mut strict = RtpLeg::new(SDP_REMOTE.parse().unwrap(), 8000);
        for seq in 0..20 {
            assert_eq!(strict.handle_datagram(t0, nat, &packet(seq, 0)).unwrap_err(), Refused::WrongSource);
        }
        // On: probation restarts whenever the sequence breaks or the source
        // changes; the fifth packet in a row is taken and latched.
        let mut leg = RtpLeg::new(SDP_REMOTE.parse().unwrap(), 8000).learning(true);
        for seq in [1, 2, 3, 10, 11, 12, 13] {
            assert!(leg.handle_datagram(t0, nat, &packet(seq, 0)).is_err(), "seq {seq} is on probation");
        }
        assert!(leg.handle_datagram(t0, stranger, &packet(14, 0)).is_err());
        for seq in 14..18 {
            assert!(leg.handle_datagram(t0, nat, &packet(seq, 0)).is_err(), "seq {seq} is on probation");
        }
        assert_eq!(leg.handle_datagram(t0, nat, &packet(18, 0)).unwrap().sequence, 18);
        assert_eq!(leg.destination(), nat);
        // Latched: the others are strangers now, even from the SDP's IP.
        assert!(leg.handle_datagram(t0, stranger, &packet(19, 0)).is_err());
        assert_eq!(leg.stats().dropped_wrong_source, 13);
        // A renegotiation starts over.
        leg.handle_remote("127.0.0.11:6000".parse().unwrap());
        assert_eq!(leg.destination(), "127.0.0.11:6000".parse().unwrap());
        assert!(leg.handle_datagram(t0, nat, &packet(20, 0)).is_err());
    }

    #[test]
    fn learning_still_believes_the_sdp_address_at_once() {
        let t0 = Instant::now();
        let sdp: SocketAddr = SDP_REMOTE.parse().unwrap();
        let mut leg = RtpLeg::new(sdp, 8000).learning(true);
        assert!(leg.handle_datagram(t0, sdp, &packet(1, 0)).is_ok());
        assert_eq!(leg.destination(), sdp);
    }

    #[test]
    fn latches_the_peers_real_port_and_refuses_strangers() {
        let now = Instant::now();
        let mut leg = RtpLeg::new(SDP_REMOTE.parse().unwrap(), 8000);
        assert_eq!(leg.destination(), SDP_REMOTE.parse().unwrap());
        let stranger: SocketAddr = "127.0.0.66:6000".parse().unwrap();
        assert_eq!(leg.handle_datagram(now, stranger, &packet(1, 160)).unwrap_err(), Refused::WrongSource);
        // Behind NAT the port differs from the SDP's; the IP matches.
        let natted: SocketAddr = "127.0.0.5:32000".parse().unwrap();
        assert!(leg.handle_datagram(now, natted, &packet(1, 160)).is_ok());
        assert_eq!(leg.destination(), natted);
        // Once latched, even the SDP's own port is another source.
        assert!(leg.handle_datagram(now, SDP_REMOTE.parse().unwrap(), &packet(2, 320)).is_err());
        leg.handle_remote("127.0.0.6:7000".parse().unwrap());
        assert_eq!(leg.destination(), "127.0.0.6:7000".parse().unwrap());
        assert_eq!(leg.stats().dropped_wrong_source, 2);
    }

    #[test]
    fn counts_loss_across_sequence_wrap() {
        let now = Instant::now();
        let src: SocketAddr = SDP_REMOTE.parse().unwrap();
        let mut leg = RtpLeg::new(src, 8000);
        let mut seq = 65_530u16;
        for i in 0..20u32 {
            if i != 3 && i != 9 {
                leg.handle_datagram(now + Duration::from_millis(20 * i as u64), src, &packet(seq, i * 160)).unwrap();
            }
            seq = seq.wrapping_add(1);
        }
        let s = leg.stats();
        assert_eq!((s.packets, s.lost), (18, 2));
        // Regular 20 ms spacing with matching timestamps: no jitter.
        assert!(s.jitter < 1.0, "{}", s.jitter);
    }

    #[test]
    fn jitter_grows_with_irregular_arrival() {
        let t0 = Instant::now();
        let src: SocketAddr = SDP_REMOTE.parse().unwrap();
        let mut leg = RtpLeg::new(src, 8000);
        for i in 0..200u32 {
            let wobble = if i % 2 == 0 { 0 } else { 10 };
            let at = t0 + Duration::from_millis(20 * i as u64 + wobble);
            leg.handle_datagram(at, src, &packet(i as u16, i * 160)).unwrap();
        }
        // 10 ms = 80 timestamp units of alternating delay.
        let j = leg.stats().jitter;
        assert!((60.0..100.0).contains(&j), "{j}");
    }

    #[test]
    fn malformed_rtcp_and_silence() {
        let t0 = Instant::now();
        let src: SocketAddr = SDP_REMOTE.parse().unwrap();
        let mut leg = RtpLeg::new(src, 8000);
        assert!(matches!(leg.handle_datagram(t0, src, b"\x80\x00"), Err(Refused::Malformed(_))));
        assert_eq!(leg.handle_datagram(t0, src, &[0x80, 201, 0, 1, 0, 0, 0, 1]), Err(Refused::Rtcp));
        assert_eq!(leg.stats().dropped_malformed, 1);
        let limit = Duration::from_secs(30);
        assert!(!leg.is_silent(t0 + Duration::from_secs(29), t0, limit), "RTCP counts as a sign of life");
        assert!(leg.is_silent(t0 + Duration::from_secs(31), t0, limit));
    }

    #[test]
    fn ports_are_even_round_robin_and_skip_busy_ones() {
        let mut r = PortRange::new(20001, 20010).unwrap();
        let got: Vec<u16> = (0..5).map(|_| r.allocate(Some).unwrap().0).collect();
        assert_eq!(got, [20002, 20004, 20006, 20008, 20010]);
        assert_eq!(r.allocate(|p| (p != 20002).then_some(p)).unwrap().0, 20004, "a busy port is skipped");
        assert!(r.allocate(|_| None::<()>).is_none(), "all busy");
        assert!(PortRange::new(20001, 20001).is_none());
    }
}
