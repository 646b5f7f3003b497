//! Browser legs: WebRTC through str0m, many legs on one UDP socket.
//!
//! The gateway is ICE-lite on one known address, so browsers need no TURN on
//! a LAN and the socket count does not grow with calls; each datagram goes to
//! the leg whose `Rtc` accepts it (str0m's `accepts()`), and DTLS-SRTP
//! protects the media. Legs speak PCMU or PCMA only, so a browser to carrier
//! call is forwarded without transcoding.
//!
//! Like every core here this owns no socket and reads no clock: the driver
//! (`drive::webrtc`) passes datagrams and time in and sends what comes out.
//!
//! A leg that stops hearing from its browser for [`NO_MEDIA`] is ended, so a
//! closed laptop lid does not leave a call half alive.
//!
//! Nothing done per datagram or per timer visits every leg: a datagram goes
//! first to the leg its source address last reached (str0m's `accepts()`
//! confirming), legs are found by id through an index, and timers sit in a
//! heap; only the silence check sweeps all legs, once a second.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::SdpOffer;
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};

/// How long a leg may go without any datagram from its browser.
pub const NO_MEDIA: Duration = Duration::from_secs(20);
/// Offers larger than this are not from a browser.
const MAX_OFFER: usize = 64 * 1024;
/// Legs at most on one endpoint (a bound against a flood of offers).
const MAX_LEGS: usize = 4096;
/// How often every leg is checked for [`NO_MEDIA`].
const SWEEP: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LegId(pub u64);

/// What a leg does with the audio it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegMode {
    /// Sends every frame straight back: the audio check a user runs before
    /// taking calls (microphone → gateway → speaker).
    Echo,
    /// Hands every frame to the call layer as [`LegEvent::Audio`] (to be
    /// forwarded to the other leg of a bridge) and sends what the call
    /// layer writes with [`Endpoint::write_audio`].
    Forward,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// ICE or DTLS gave up, or the browser closed the connection.
    Disconnected,
    /// Nothing arrived for [`NO_MEDIA`].
    NoMedia,
    /// Removed by the call layer.
    Removed,
}

/// The G.711 variant of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum G711 {
    Pcmu,
    Pcma,
}

/// 20 ms of G.711 from or for a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioFrame {
    pub codec: G711,
    /// RTP timestamp at 8 kHz.
    pub timestamp: u32,
    /// Shared, not copied: the frame passes from one leg to another as is.
    pub payload: std::sync::Arc<[u8]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegEvent {
    Connected(LegId),
    Ended(LegId, EndReason),
    /// A frame from a [`LegMode::Forward`] leg's browser.
    Audio(LegId, AudioFrame),
}

#[derive(Debug, thiserror::Error)]
pub enum WebRtcError {
    #[error("offer too large")]
    TooLarge,
    #[error("malformed offer: {0}")]
    Sdp(String),
    #[error("offer refused: {0}")]
    Refused(String),
    #[error("too many legs")]
    Full,
}

/// One datagram to send.
#[derive(Debug)]
pub struct Transmit {
    pub destination: SocketAddr,
    pub contents: Vec<u8>,
}

struct Leg {
    id: LegId,
    rtc: Rtc,
    mode: LegMode,
    next_timeout: Option<Instant>,
    /// The time of this leg's live entry in `Endpoint::timers`.
    scheduled: Option<Instant>,
    last_heard: Instant,
    connected: bool,
    /// The audio m-line, once str0m has added it.
    audio_mid: Option<str0m::media::Mid>,
}

pub struct Endpoint {
    local: SocketAddr,
    legs: Vec<Leg>,
    /// Where each leg is in `legs`.
    slot: HashMap<LegId, usize>,
    /// The leg each source address's datagrams last went to.
    by_source: HashMap<SocketAddr, LegId>,
    /// Legs' str0m timeouts, earliest first; an entry is live while its
    /// time is its leg's `scheduled` (others are skipped when they come up).
    timers: BinaryHeap<Reverse<(Instant, LegId)>>,
    next_sweep: Option<Instant>,
    next_id: u64,
    transmits: VecDeque<Transmit>,
    events: VecDeque<LegEvent>,
}

/// str0m picks its crypto at run time; this installs the one built in,
/// with DTLS set up once per process (`media::dtls`).
fn install_crypto() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| super::dtls::provider().install_process_default());
}

impl Endpoint {
    /// An endpoint whose browsers reach it at `local` (the UDP socket's
    /// address, or the public address in front of it).
    pub fn new(local: SocketAddr) -> Endpoint {
        install_crypto();
        Endpoint {
            local,
            legs: Vec::new(),
            slot: HashMap::new(),
            by_source: HashMap::new(),
            timers: BinaryHeap::new(),
            next_sweep: None,
            next_id: 1,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    pub fn local(&self) -> SocketAddr {
        self.local
    }

    pub fn legs(&self) -> usize {
        self.legs.len()
    }

    /// Answers a browser's offer with a new leg.
    pub fn add_leg(&mut self, now: Instant, offer: &str, mode: LegMode) -> Result<(LegId, String), WebRtcError> {
        if offer.len() > MAX_OFFER {
            return Err(WebRtcError::TooLarge);
        }
        if self.legs.len() >= MAX_LEGS {
            return Err(WebRtcError::Full);
        }
        let offer = SdpOffer::from_sdp_string(offer).map_err(|e| WebRtcError::Sdp(e.to_string()))?;
        // G.711 audio needs none of the RTP header extensions but the MID
        // (which ties the browser's stream to its m-line): declining the
        // rest in the answer spares every packet their parsing and, above
        // all, spares the transport-wide congestion feedback (a browser
        // reports every packet it got, and str0m answers likewise) that
        // only video's bandwidth estimation uses.
        let mut rtc = Rtc::builder()
            .set_ice_lite(true)
            .clear_codecs()
            .enable_pcmu(true, false)
            .enable_pcma(true, false)
            .clear_extension_map()
            .set_extension(4, str0m::rtp::Extension::RtpMid);
        if let Some(cert) = super::dtls::certificate() {
            rtc = rtc.set_dtls_cert(cert);
        }
        let mut rtc = rtc.build(now);
        let candidate =
            Candidate::host(self.local, "udp").map_err(|e| WebRtcError::Refused(format!("candidate: {e}")))?;
        rtc.add_local_candidate(candidate);
        let answer = rtc.sdp_api().accept_offer(offer).map_err(|e| WebRtcError::Refused(e.to_string()))?;
        let id = LegId(self.next_id);
        self.next_id += 1;
        self.legs.push(Leg {
            id,
            rtc,
            mode,
            next_timeout: Some(now),
            scheduled: None,
            last_heard: now,
            connected: false,
            audio_mid: None,
        });
        let i = self.legs.len() - 1;
        self.slot.insert(id, i);
        self.next_sweep.get_or_insert(now + SWEEP);
        self.drive(i, now);
        Ok((id, answer.to_sdp_string()))
    }

    /// Ends a leg now.
    pub fn remove_leg(&mut self, id: LegId) {
        if let Some(&i) = self.slot.get(&id) {
            let mut leg = self.take(i);
            leg.rtc.disconnect();
            self.events.push_back(LegEvent::Ended(id, EndReason::Removed));
        }
    }

    /// Sends a frame to a leg's browser. Returns false when the leg is gone
    /// or does not speak the frame's codec.
    pub fn write_audio(&mut self, now: Instant, leg: LegId, frame: &AudioFrame) -> bool {
        let Some(&i) = self.slot.get(&leg) else { return false };
        let Some(mid) = self.legs[i].audio_mid else { return false };
        let Some(writer) = self.legs[i].rtc.writer(mid) else { return false };
        let wanted = match frame.codec {
            G711::Pcmu => str0m::format::Codec::PCMU,
            G711::Pcma => str0m::format::Codec::PCMA,
        };
        let Some(pt) = writer.payload_params().find(|p| p.spec().codec == wanted).map(|p| p.pt()) else { return false };
        let time =
            str0m::media::MediaTime::new(frame.timestamp as u64, str0m::media::Frequency::new(8000).expect("8000 > 0"));
        let ok = writer.write(pt, now, time, frame.payload.clone()).is_ok();
        self.drive(i, now);
        ok
    }

    /// One datagram from `source`. Returns false when no leg takes it (the
    /// driver counts and drops it).
    pub fn handle_receive(&mut self, now: Instant, source: SocketAddr, contents: &[u8]) -> bool {
        let Ok(contents) = contents.try_into() else { return false };
        let input = Input::Receive(now, Receive { proto: Protocol::Udp, source, destination: self.local, contents });
        let known = self.by_source.get(&source).and_then(|id| self.slot.get(id)).copied();
        let i = match known.filter(|&i| self.legs[i].rtc.accepts(&input)) {
            Some(i) => i,
            None => {
                let Some(i) = self.legs.iter().position(|l| l.rtc.accepts(&input)) else { return false };
                self.by_source.insert(source, self.legs[i].id);
                i
            }
        };
        self.legs[i].last_heard = now;
        if let Err(e) = self.legs[i].rtc.handle_input(input) {
            tracing::debug!(leg = self.legs[i].id.0, error = %e, "webrtc input refused");
        }
        self.drive(i, now);
        true
    }

    /// Runs every leg whose timer is due, and ends silent ones.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.next_sweep.is_some_and(|t| t <= now) {
            self.next_sweep = Some(now + SWEEP);
            let mut i = 0;
            while i < self.legs.len() {
                if now.saturating_duration_since(self.legs[i].last_heard) >= NO_MEDIA {
                    let mut leg = self.take(i);
                    leg.rtc.disconnect();
                    self.events.push_back(LegEvent::Ended(leg.id, EndReason::NoMedia));
                    continue;
                }
                i += 1;
            }
        }
        let mut due = Vec::new();
        while let Some(&Reverse((t, id))) = self.timers.peek() {
            if t > now {
                break;
            }
            self.timers.pop();
            due.push((t, id));
        }
        for (t, id) in due {
            let Some(&i) = self.slot.get(&id) else { continue };
            let leg = &mut self.legs[i];
            if leg.scheduled != Some(t) {
                continue;
            }
            leg.scheduled = None;
            match leg.next_timeout {
                Some(next) if next <= now => {
                    if let Err(e) = leg.rtc.handle_input(Input::Timeout(now)) {
                        tracing::debug!(leg = leg.id.0, error = %e, "webrtc timeout failed");
                    }
                    self.drive(i, now);
                }
                Some(next) => {
                    leg.scheduled = Some(next);
                    self.timers.push(Reverse((next, id)));
                }
                None => {}
            }
        }
    }

    /// Takes leg `i` out of `legs` and the indexes.
    fn take(&mut self, i: usize) -> Leg {
        let leg = self.legs.swap_remove(i);
        self.slot.remove(&leg.id);
        if let Some(moved) = self.legs.get(i) {
            self.slot.insert(moved.id, i);
        }
        self.by_source.retain(|_, id| *id != leg.id);
        leg
    }

    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<LegEvent> {
        self.events.pop_front()
    }

    /// The earliest moment something is due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.legs.is_empty() {
            return None;
        }
        let timer = self.timers.peek().map(|Reverse((t, _))| *t);
        timer.into_iter().chain(self.next_sweep).min()
    }

    /// Drains one leg's outputs. Returns false if the leg ended (and was
    /// removed from `legs`, so index `i` now holds another leg).
    fn drive(&mut self, i: usize, now: Instant) -> bool {
        let mut echo = Vec::new();
        let ended = loop {
            let leg = &mut self.legs[i];
            if !leg.rtc.is_alive() {
                break Some(EndReason::Disconnected);
            }
            match leg.rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    leg.next_timeout = Some(t);
                    if leg.scheduled.is_none_or(|s| t < s) {
                        leg.scheduled = Some(t);
                        self.timers.push(Reverse((t, leg.id)));
                    }
                    break None;
                }
                Ok(Output::Transmit(t)) => {
                    self.transmits.push_back(Transmit { destination: t.destination, contents: t.contents.into() });
                }
                Ok(Output::Event(Event::Connected)) => {
                    leg.connected = true;
                    self.events.push_back(LegEvent::Connected(leg.id));
                }
                Ok(Output::Event(Event::MediaAdded(m))) => {
                    if m.kind == str0m::media::MediaKind::Audio {
                        leg.audio_mid.get_or_insert(m.mid);
                    }
                }
                Ok(Output::Event(Event::IceConnectionStateChange(IceConnectionState::Disconnected))) => {
                    break Some(EndReason::Disconnected);
                }
                Ok(Output::Event(Event::MediaData(d))) => match leg.mode {
                    LegMode::Echo => echo.push(d),
                    LegMode::Forward => {
                        let codec = match d.params.spec().codec {
                            str0m::format::Codec::PCMU => Some(G711::Pcmu),
                            str0m::format::Codec::PCMA => Some(G711::Pcma),
                            _ => None,
                        };
                        if let Some(codec) = codec {
                            let timestamp =
                                d.time.rebase(str0m::media::Frequency::new(8000).expect("8000 > 0")).numer() as u32;
                            self.events
                                .push_back(LegEvent::Audio(leg.id, AudioFrame { codec, timestamp, payload: d.data }));
                        }
                    }
                },
                Ok(Output::Event(_)) => {}
                Err(e) => {
                    tracing::debug!(leg = leg.id.0, error = %e, "webrtc leg failed");
                    break Some(EndReason::Disconnected);
                }
            }
        };
        if let Some(reason) = ended {
            let leg = self.take(i);
            self.events.push_back(LegEvent::Ended(leg.id, reason));
            return false;
        }
        if !echo.is_empty() {
            let leg = &mut self.legs[i];
            for d in echo {
                if let Some(writer) = leg.rtc.writer(d.mid) {
                    let pt = writer.match_params(d.params);
                    if let Some(pt) = pt {
                        let _ = writer.write(pt, now, d.time, d.data);
                    }
                }
            }
            return self.drive(i, now);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use str0m::change::SdpAnswer;
    use str0m::media::{Direction, Frequency, MediaKind, MediaTime};

    /// A browser stand-in: a full (not lite) str0m peer offering PCMU audio,
    /// wired to the endpoint through a loss-free virtual network and clock.
    struct Sim {
        now: Instant,
        ep: Endpoint,
        client: Rtc,
        client_addr: SocketAddr,
        client_timeout: Instant,
        connected: bool,
        received: Vec<Vec<u8>>,
        events: Vec<LegEvent>,
    }

    impl Sim {
        fn new() -> (Sim, str0m::media::Mid, LegId) {
            Sim::with_mode(LegMode::Echo)
        }

        fn with_mode(mode: LegMode) -> (Sim, str0m::media::Mid, LegId) {
            let now = Instant::now();
            let mut ep = Endpoint::new("127.0.0.1:10000".parse().unwrap());
            let client_addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
            let mut client = Rtc::builder().clear_codecs().enable_pcmu(true, false).build(now);
            client.add_local_candidate(Candidate::host(client_addr, "udp").unwrap());
            let mut change = client.sdp_api();
            let mid = change.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
            let (offer, pending) = change.apply().unwrap();
            let (leg, answer) = ep.add_leg(now, &offer.to_sdp_string(), mode).unwrap();
            client.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap()).unwrap();
            let sim = Sim {
                now,
                ep,
                client,
                client_addr,
                client_timeout: now,
                connected: false,
                received: Vec::new(),
                events: Vec::new(),
            };
            (sim, mid, leg)
        }

        /// Moves every queued datagram across, both ways, until quiet.
        fn pump(&mut self, client_alive: bool) {
            for _ in 0..1000 {
                let mut moved = false;
                if client_alive {
                    loop {
                        match self.client.poll_output().unwrap() {
                            Output::Timeout(t) => {
                                self.client_timeout = t;
                                break;
                            }
                            Output::Transmit(t) => {
                                let bytes: Vec<u8> = t.contents.into();
                                assert!(self.ep.handle_receive(self.now, self.client_addr, &bytes));
                                moved = true;
                            }
                            Output::Event(Event::Connected) => self.connected = true,
                            Output::Event(Event::MediaData(d)) => self.received.push(d.data.to_vec()),
                            Output::Event(_) => {}
                        }
                    }
                }
                while let Some(t) = self.ep.poll_transmit() {
                    moved = true;
                    if client_alive {
                        let input = Input::Receive(
                            self.now,
                            Receive {
                                proto: Protocol::Udp,
                                source: self.ep.local(),
                                destination: t.destination,
                                contents: t.contents.as_slice().try_into().unwrap(),
                            },
                        );
                        self.client.handle_input(input).unwrap();
                    }
                }
                self.events.extend(std::iter::from_fn(|| self.ep.poll_event()));
                if !moved {
                    return;
                }
            }
            panic!("the network never went quiet");
        }

        /// Jumps to `until`, running every timer on the way.
        fn advance(&mut self, until: Instant, client_alive: bool) {
            loop {
                let mut next = until;
                if client_alive {
                    next = next.min(self.client_timeout);
                }
                if let Some(t) = self.ep.poll_timeout() {
                    next = next.min(t);
                }
                self.now = self.now.max(next);
                if client_alive && self.client_timeout <= self.now {
                    self.client.handle_input(Input::Timeout(self.now)).unwrap();
                }
                self.ep.handle_timeout(self.now);
                self.pump(client_alive);
                if self.now >= until {
                    return;
                }
            }
        }
    }

    #[test]
    fn a_browser_peer_connects_and_hears_its_own_audio() {
        let (mut sim, mid, leg) = Sim::new();
        sim.pump(true);
        sim.advance(sim.now + Duration::from_secs(2), true);
        assert!(sim.connected, "ICE and DTLS complete");
        assert!(sim.events.contains(&LegEvent::Connected(leg)));

        let rate = Frequency::new(8000).unwrap();
        for i in 0..50u64 {
            let frame: Vec<u8> = (0..160).map(|j| ((i * 7 + j) % 251) as u8).collect();
            let w = sim.client.writer(mid).unwrap();
            let pt = w.payload_params().find(|p| p.spec().codec == str0m::format::Codec::PCMU).unwrap().pt();
            w.write(pt, sim.now, MediaTime::new(i * 160, rate), frame).unwrap();
            sim.advance(sim.now + Duration::from_millis(20), true);
        }
        sim.advance(sim.now + Duration::from_millis(200), true);
        assert!(sim.received.len() >= 45, "echoed {} of 50 frames", sim.received.len());
        let first: Vec<u8> = (0..160).map(|j| (j % 251) as u8).collect();
        assert!(sim.received.contains(&first), "the frames come back unchanged");
    }

    #[test]
    fn a_forward_leg_hands_frames_over_and_sends_what_it_is_given() {
        let (mut sim, mid, leg) = Sim::with_mode(LegMode::Forward);
        sim.pump(true);
        sim.advance(sim.now + Duration::from_secs(2), true);
        assert!(sim.connected);
        let rate = Frequency::new(8000).unwrap();
        for i in 0..50u64 {
            // From the browser: a ramp.
            let w = sim.client.writer(mid).unwrap();
            let pt = w.payload_params().find(|p| p.spec().codec == str0m::format::Codec::PCMU).unwrap().pt();
            w.write(pt, sim.now, MediaTime::new(i * 160, rate), vec![i as u8; 160]).unwrap();
            // To the browser: a constant the call layer wrote.
            let frame =
                AudioFrame { codec: G711::Pcmu, timestamp: 1000 + i as u32 * 160, payload: vec![0xAB; 160].into() };
            assert!(sim.ep.write_audio(sim.now, leg, &frame));
            sim.advance(sim.now + Duration::from_millis(20), true);
        }
        sim.advance(sim.now + Duration::from_millis(200), true);
        let frames: Vec<&AudioFrame> = sim
            .events
            .iter()
            .filter_map(|e| match e {
                LegEvent::Audio(id, f) if *id == leg => Some(f),
                _ => None,
            })
            .collect();
        assert!(frames.len() >= 45, "{} frames handed over", frames.len());
        assert!(frames.iter().all(|f| f.codec == G711::Pcmu && f.payload.len() == 160));
        assert!(frames.windows(2).all(|w| w[1].timestamp.wrapping_sub(w[0].timestamp) % 160 == 0), "8 kHz timestamps");
        assert!(
            sim.received.iter().filter(|p| p.iter().all(|&b| b == 0xAB)).count() >= 45,
            "the browser got our frames"
        );
        assert!(!sim.received.iter().any(|p| p.len() == 160 && p.iter().all(|&b| b == 5)), "no echo in forward mode");
        assert!(!sim.ep.write_audio(sim.now, LegId(999), &frames[0].clone()), "unknown legs are refused");
    }

    #[test]
    fn a_silent_browser_is_dropped_within_the_limit() {
        let (mut sim, _, leg) = Sim::new();
        sim.pump(true);
        sim.advance(sim.now + Duration::from_secs(2), true);
        assert!(sim.connected);
        let gone = sim.now;
        sim.advance(gone + NO_MEDIA + Duration::from_secs(1), false);
        let ended = sim.events.iter().find_map(|e| match e {
            LegEvent::Ended(id, reason) if *id == leg => Some(*reason),
            _ => None,
        });
        assert!(matches!(ended, Some(EndReason::NoMedia | EndReason::Disconnected)), "{:?}", sim.events);
        assert_eq!(sim.ep.legs(), 0);
    }

    #[test]
    fn bad_offers_are_refused_without_a_leg() {
        let mut ep = Endpoint::new("127.0.0.1:10000".parse().unwrap());
        let now = Instant::now();
        assert!(matches!(ep.add_leg(now, "not sdp", LegMode::Echo), Err(WebRtcError::Sdp(_))));
        assert!(matches!(ep.add_leg(now, &"v=0\r\n".repeat(20_000), LegMode::Echo), Err(WebRtcError::TooLarge)));
        assert_eq!(ep.legs(), 0);
        assert!(!ep.handle_receive(now, "127.0.0.1:1".parse().unwrap(), b"\x80\x00junk"));
        assert!(!ep.handle_receive(now, "127.0.0.1:1".parse().unwrap(), &[]));
    }
}
