//! A browser softphone stand-in for tests: a str0m peer speaking PCMU on
//! its own loopback socket, sending a tone and keeping what it hears.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use gateway::media::g711;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;

/// The agent's softphone: a str0m peer speaking PCMU on its own socket.
pub struct Softphone {
    pub rtc: Rtc,
    socket: UdpSocket,
    addr: SocketAddr,
    mid: Mid,
    pub connected: bool,
    sent: u64,
}

impl Softphone {
    pub async fn new() -> (Softphone, str0m::change::SdpPendingOffer, String) {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let mut rtc = Rtc::builder().clear_codecs().enable_pcmu(true, false).build(Instant::now());
        rtc.add_local_candidate(Candidate::host(addr, "udp").unwrap());
        let mut change = rtc.sdp_api();
        let mid = change.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
        let (offer, pending) = change.apply().unwrap();
        let phone = Softphone { rtc, socket, addr, mid, connected: false, sent: 0 };
        (phone, pending, offer.to_sdp_string())
    }

    /// Talks (a `speak_hz` tone, 20 ms frames) and listens for `dur`;
    /// returns what it heard, decoded.
    pub async fn talk(&mut self, dur: Duration, speak_hz: f64) -> Vec<i16> {
        let mut heard = Vec::new();
        let mut buf = vec![0u8; 2048];
        let until = Instant::now() + dur;
        let mut next_frame = Instant::now();
        let rate = Frequency::new(8000).unwrap();
        while Instant::now() < until {
            let timeout = loop {
                match self.rtc.poll_output().unwrap() {
                    Output::Timeout(t) => break t,
                    Output::Transmit(t) => {
                        self.socket.send_to(&t.contents, t.destination).await.unwrap();
                    }
                    Output::Event(Event::Connected) => self.connected = true,
                    Output::Event(Event::MediaData(d)) => {
                        let mut pcm = vec![0i16; d.data.len()];
                        g711::decode_ulaw(&d.data, &mut pcm);
                        heard.extend_from_slice(&pcm);
                    }
                    Output::Event(_) => {}
                }
            };
            if self.connected && Instant::now() >= next_frame {
                next_frame += Duration::from_millis(20);
                let pcm: Vec<i16> = (0..160)
                    .map(|i| {
                        let n = (self.sent * 160 + i) as f64;
                        (8000.0 * (2.0 * std::f64::consts::PI * speak_hz * n / 8000.0).sin()) as i16
                    })
                    .collect();
                let mut frame = vec![0u8; 160];
                g711::encode_ulaw(&pcm, &mut frame);
                let w = self.rtc.writer(self.mid).unwrap();
                let pt = w.payload_params().find(|p| p.spec().codec == str0m::format::Codec::PCMU).unwrap().pt();
                w.write(pt, Instant::now(), MediaTime::new(self.sent * 160, rate), frame).unwrap();
                self.sent += 1;
                continue;
            }
            let wait = timeout.saturating_duration_since(Instant::now()).min(Duration::from_millis(5));
            tokio::select! {
                r = self.socket.recv_from(&mut buf) => {
                    let (n, source) = r.unwrap();
                    let input = Input::Receive(Instant::now(), Receive {
                        proto: Protocol::Udp,
                        source,
                        destination: self.addr,
                        contents: buf[..n].try_into().unwrap(),
                    });
                    self.rtc.handle_input(input).unwrap();
                }
                _ = tokio::time::sleep(wait) => {
                    self.rtc.handle_input(Input::Timeout(Instant::now())).unwrap();
                }
            }
        }
        heard
    }
}
