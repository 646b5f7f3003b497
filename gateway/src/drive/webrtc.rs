//! The media driver: owns the one UDP socket of every browser leg with the
//! [`Endpoint`] core, and the RTP sockets of SIP legs, and forwards audio
//! between bridged legs. The rest of the gateway commands it over a channel.
//!
//! One task carries all media. RTP sockets are watched with a
//! `FuturesUnordered` of readiness futures, so only the sockets that have
//! data are read, into one reused buffer: no task, channel or copy per
//! packet on the SIP side. A frame from a browser leaves as the payload of an
//! RTP packet with the SIP leg's own sequence, timestamp and SSRC; a packet
//! from the SIP side enters the browser leg as a frame (str0m keeps the
//! payload as shared bytes). Both legs speak the same G.711 variant, so no
//! audio is decoded on a plain bridge.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::net::UdpSocket;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::config::{MediaConfig, WebRtcConfig};
use crate::media::g711;
use crate::media::rtp::write_header;
use crate::media::rtp_leg::{PortRange, RtpLeg};
use crate::media::webrtc::{AudioFrame, EndReason, Endpoint, G711, LegEvent, LegId, LegMode};

/// What the media driver tells call control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaEvent {
    /// A browser leg ended (the browser went away, no media, or removed).
    LegEnded(LegId, EndReason),
}

pub use crate::media::rtp_leg::RtpLegId;

enum Command {
    AddLeg {
        offer: String,
        mode: LegMode,
        reply: oneshot::Sender<Result<(LegId, String), String>>,
    },
    RemoveLeg(LegId),
    AddRtpLeg {
        remote: SocketAddr,
        codec: G711,
        pt: u8,
        reply: oneshot::Sender<Result<(RtpLegId, SocketAddr), String>>,
    },
    RemoveRtpLeg(RtpLegId),
    Bridge {
        browser: LegId,
        rtp: RtpLegId,
    },
}

/// How the rest of the gateway reaches the driver. Cheap to clone.
#[derive(Clone)]
pub struct WebRtcHandle {
    commands: mpsc::Sender<Command>,
    local: SocketAddr,
    events: broadcast::Sender<MediaEvent>,
}

const GONE: &str = "media is shutting down";

impl WebRtcHandle {
    /// Answers a browser's offer with a new leg; the error says why not.
    pub async fn add_leg(&self, offer: String, mode: LegMode) -> Result<(LegId, String), String> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::AddLeg { offer, mode, reply }).await.map_err(|_| GONE)?;
        answer.await.map_err(|_| GONE.to_owned())?
    }

    pub fn remove_leg(&self, id: LegId) {
        let _ = self.commands.try_send(Command::RemoveLeg(id));
    }

    /// Opens an RTP socket for a SIP leg whose SDP names `remote`, sending
    /// `codec` with payload type `pt`. Returns the address to put in our SDP.
    pub async fn add_rtp_leg(&self, remote: SocketAddr, codec: G711, pt: u8) -> Result<(RtpLegId, SocketAddr), String> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::AddRtpLeg { remote, codec, pt, reply }).await.map_err(|_| GONE)?;
        answer.await.map_err(|_| GONE.to_owned())?
    }

    pub fn remove_rtp_leg(&self, id: RtpLegId) {
        let _ = self.commands.try_send(Command::RemoveRtpLeg(id));
    }

    /// Carries audio both ways between a browser leg (in forward mode) and a
    /// SIP leg.
    pub async fn bridge(&self, browser: LegId, rtp: RtpLegId) -> Result<(), String> {
        self.commands.send(Command::Bridge { browser, rtp }).await.map_err(|_| GONE.to_owned())
    }

    /// The address browsers send media to.
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// Legs that end from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<MediaEvent> {
        self.events.subscribe()
    }
}

/// Binds `webrtc.listen` and starts the driver.
pub async fn start(
    config: &WebRtcConfig,
    media: &MediaConfig,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<WebRtcHandle> {
    let socket =
        UdpSocket::bind(config.listen).await.with_context(|| format!("binding webrtc.listen {}", config.listen))?;
    let bound = socket.local_addr()?;
    let advertised = SocketAddr::new(config.public_address.unwrap_or(bound.ip()), bound.port());
    tracing::info!(%bound, %advertised, "listening for WebRTC media");
    let ports = PortRange::new(media.rtp_ports[0], media.rtp_ports[1]).context("media.rtp_ports holds no even port")?;
    let (tx, rx) = mpsc::channel(256);
    let events = broadcast::channel(1024).0;
    let driver = Driver {
        events: events.clone(),
        ep: Endpoint::new(advertised),
        rtp: HashMap::new(),
        browser_to_rtp: HashMap::new(),
        ports,
        rtp_address: media.rtp_address,
        next_rtp: 1,
    };
    tokio::spawn(driver.run(socket, rx, shutdown));
    Ok(WebRtcHandle { commands: tx, local: advertised, events })
}

struct RtpSide {
    socket: Arc<UdpSocket>,
    leg: RtpLeg,
    codec: G711,
    pt: u8,
    browser: Option<LegId>,
    ssrc: u32,
    seq: u16,
    /// Our timestamp for the next frame, advancing 160 per frame.
    ts: u32,
}

struct Driver {
    events: broadcast::Sender<MediaEvent>,
    ep: Endpoint,
    rtp: HashMap<RtpLegId, RtpSide>,
    browser_to_rtp: HashMap<LegId, RtpLegId>,
    ports: PortRange,
    rtp_address: std::net::IpAddr,
    next_rtp: u64,
}

type Readable = std::pin::Pin<Box<dyn std::future::Future<Output = RtpLegId> + Send>>;

fn readable(id: RtpLegId, socket: Arc<UdpSocket>) -> Readable {
    Box::pin(async move {
        let _ = socket.readable().await;
        id
    })
}

impl Driver {
    async fn run(
        mut self,
        socket: UdpSocket,
        mut commands: mpsc::Receiver<Command>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut buf = vec![0u8; 2048];
        let mut rtp_ready: FuturesUnordered<Readable> = FuturesUnordered::new();
        loop {
            let deadline = self.ep.poll_timeout().map(tokio::time::Instant::from_std);
            tokio::select! {
                r = socket.recv_from(&mut buf) => match r {
                    Ok((n, source)) => {
                        if !self.ep.handle_receive(Instant::now(), source, &buf[..n]) {
                            metrics::counter!("cc_webrtc_datagrams_dropped_total", "reason" => "no_leg").increment(1);
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "webrtc receive"),
                },
                Some(id) = rtp_ready.next(), if !rtp_ready.is_empty() => {
                    if let Some(sock) = self.read_rtp(id, &mut buf) {
                        rtp_ready.push(readable(id, sock));
                    }
                }
                cmd = commands.recv() => match cmd {
                    Some(Command::AddLeg { offer, mode, reply }) => {
                        let r = self.ep.add_leg(Instant::now(), &offer, mode).map_err(|e| e.to_string());
                        let _ = reply.send(r);
                    }
                    Some(Command::RemoveLeg(id)) => self.ep.remove_leg(id),
                    Some(Command::AddRtpLeg { remote, codec, pt, reply }) => {
                        let r = self.add_rtp_leg(remote, codec, pt);
                        if let Ok((id, _)) = &r {
                            rtp_ready.push(readable(*id, self.rtp[id].socket.clone()));
                        }
                        let _ = reply.send(r);
                    }
                    Some(Command::RemoveRtpLeg(id)) => {
                        if let Some(side) = self.rtp.remove(&id)
                            && let Some(b) = side.browser {
                                self.browser_to_rtp.remove(&b);
                            }
                    }
                    Some(Command::Bridge { browser, rtp }) => {
                        if let Some(side) = self.rtp.get_mut(&rtp) {
                            side.browser = Some(browser);
                            self.browser_to_rtp.insert(browser, rtp);
                        }
                    }
                    None => return,
                },
                _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                    self.ep.handle_timeout(Instant::now());
                }
                _ = shutdown.wait_for(|s| *s) => return,
            }
            self.flush(&socket).await;
        }
    }

    fn add_rtp_leg(&mut self, remote: SocketAddr, codec: G711, pt: u8) -> Result<(RtpLegId, SocketAddr), String> {
        let ip = self.rtp_address;
        let (port, std_socket) = self
            .ports
            .allocate(|p| std::net::UdpSocket::bind((ip, p)).ok())
            .ok_or_else(|| "no free RTP port in media.rtp_ports".to_owned())?;
        std_socket.set_nonblocking(true).map_err(|e| e.to_string())?;
        let socket = UdpSocket::from_std(std_socket).map_err(|e| e.to_string())?;
        let id = RtpLegId(self.next_rtp);
        self.next_rtp += 1;
        self.rtp.insert(
            id,
            RtpSide {
                socket: Arc::new(socket),
                leg: RtpLeg::new(remote, 8000),
                codec,
                pt,
                browser: None,
                ssrc: rand::random(),
                seq: rand::random(),
                ts: rand::random(),
            },
        );
        metrics::gauge!("cc_rtp_legs").set(self.rtp.len() as f64);
        Ok((id, SocketAddr::new(ip, port)))
    }

    /// Reads everything waiting on one RTP socket. Returns the socket to
    /// watch again, or `None` when the leg is gone.
    fn read_rtp(&mut self, id: RtpLegId, buf: &mut [u8]) -> Option<Arc<UdpSocket>> {
        let now = Instant::now();
        let side = self.rtp.get_mut(&id)?;
        loop {
            let (n, source) = match side.socket.try_recv_from(buf) {
                Ok(x) => x,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => {
                    tracing::debug!(error = %e, "rtp receive");
                    break;
                }
            };
            let packet = match side.leg.handle_datagram(now, source, &buf[..n]) {
                Ok(p) => p,
                Err(_) => {
                    metrics::counter!("cc_rtp_packets_dropped_total").increment(1);
                    continue;
                }
            };
            if packet.payload_type != side.pt {
                // Telephone-events and comfort noise come with the call layer.
                continue;
            }
            if let Some(browser) = side.browser {
                let frame =
                    AudioFrame { codec: side.codec, timestamp: packet.timestamp, payload: Arc::from(packet.payload) };
                if !self.ep.write_audio(now, browser, &frame) {
                    metrics::counter!("cc_rtp_packets_dropped_total").increment(1);
                }
            }
        }
        Some(side.socket.clone())
    }

    /// Sends the endpoint's datagrams and forwards its frames.
    async fn flush(&mut self, socket: &UdpSocket) {
        while let Some(t) = self.ep.poll_transmit() {
            if let Err(e) = socket.send_to(&t.contents, t.destination).await {
                tracing::debug!(error = %e, "webrtc send");
            }
        }
        let mut packet = [0u8; 12 + 1500];
        while let Some(ev) = self.ep.poll_event() {
            match ev {
                LegEvent::Audio(leg, frame) => {
                    let Some(side) = self.browser_to_rtp.get(&leg).and_then(|r| self.rtp.get_mut(r)) else { continue };
                    if frame.payload.len() > 1500 {
                        continue;
                    }
                    let n = write_header(&mut packet, false, side.pt, side.seq, side.ts, side.ssrc);
                    let body = &mut packet[n..n + frame.payload.len()];
                    if frame.codec == side.codec {
                        body.copy_from_slice(&frame.payload);
                    } else {
                        // The browser chose the other G.711 law: a table
                        // lookup per byte, no allocation.
                        transcode(frame.codec, &frame.payload, body);
                    }
                    side.seq = side.seq.wrapping_add(1);
                    side.ts = side.ts.wrapping_add(frame.payload.len() as u32);
                    if side.socket.try_send_to(&packet[..n + frame.payload.len()], side.leg.destination()).is_err() {
                        metrics::counter!("cc_rtp_packets_dropped_total").increment(1);
                    }
                }
                LegEvent::Connected(id) => {
                    metrics::counter!("cc_webrtc_legs_connected_total").increment(1);
                    tracing::debug!(leg = id.0, "webrtc leg connected");
                }
                LegEvent::Ended(id, reason) => {
                    metrics::counter!("cc_webrtc_legs_ended_total").increment(1);
                    tracing::debug!(leg = id.0, ?reason, "webrtc leg ended");
                    // No subscriber: nobody is placing calls (API-only tests).
                    let _ = self.events.send(MediaEvent::LegEnded(id, reason));
                    if let Some(r) = self.browser_to_rtp.remove(&id)
                        && let Some(side) = self.rtp.get_mut(&r)
                    {
                        side.browser = None;
                    }
                }
            }
        }
        metrics::gauge!("cc_webrtc_legs").set(self.ep.legs() as f64);
    }
}

/// Converts G.711 from one law to the other, `from` being the input's.
fn transcode(from: G711, input: &[u8], out: &mut [u8]) {
    let mut pcm = [0i16; 1500];
    let pcm = &mut pcm[..input.len()];
    match from {
        G711::Pcmu => {
            g711::decode_ulaw(input, pcm);
            g711::encode_alaw(pcm, out);
        }
        G711::Pcma => {
            g711::decode_alaw(input, pcm);
            g711::encode_ulaw(pcm, out);
        }
    }
}
