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

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::net::UdpSocket;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use crate::config::{MediaConfig, WebRtcConfig};
use crate::media::announcer::Announcer;
use crate::media::conference::{Conference, Member, Supervision, frames_of};
use crate::media::g711;
use crate::media::goertzel::DtmfDetector;
use crate::media::mixer::{FRAME, Frame};
use crate::media::wav::WavWriter;

type Recording = WavWriter<std::io::BufWriter<std::fs::File>>;
use crate::media::rtp::write_header;
use crate::media::rtp_leg::{PortRange, RtpLeg};
use crate::media::telephone_event::{EventReceiver, EventSender, Tick};
use crate::media::webrtc::{AudioFrame, EndReason, Endpoint, G711, LegEvent, LegId, LegMode};

/// What the media driver tells call control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaEvent {
    /// A browser leg ended (the browser went away, no media, or removed).
    LegEnded(LegId, EndReason),
    /// A key pressed on a SIP leg's far end (RFC 4733), once per press.
    Digit(RtpLegId, char),
    /// A SIP leg in a call heard nothing (RTP or RTCP) for
    /// `media.rtp_timeout_secs`: its far end is gone. Sent once.
    RtpTimeout(RtpLegId),
    /// A clip asked with [`WebRtcHandle::play`] finished playing.
    PlayDone(RtpLegId, u64),
    /// A clip asked with [`WebRtcHandle::play_to_agent`] finished playing.
    AgentPlayDone(LegId, u64),
    /// A browser leg's media is up (ICE and DTLS done): from now on what is
    /// sent to it is heard.
    LegConnected(LegId),
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
        te_pt: Option<u8>,
        reply: oneshot::Sender<Result<(RtpLegId, SocketAddr), String>>,
    },
    RemoveRtpLeg(RtpLegId),
    Hold {
        rtp: RtpLegId,
        held: bool,
    },
    SetRtpRemote {
        rtp: RtpLegId,
        remote: SocketAddr,
        codec: G711,
        pt: u8,
        te_pt: Option<u8>,
    },
    SendDigits {
        rtp: RtpLegId,
        digits: String,
    },
    Supervise {
        rtp: RtpLegId,
        supervisor: LegId,
        how: Supervision,
    },
    RecordStart {
        rtp: RtpLegId,
        path: std::path::PathBuf,
        reply: oneshot::Sender<Result<(), String>>,
    },
    RecordPause {
        rtp: RtpLegId,
        paused: bool,
    },
    RecordStop {
        rtp: RtpLegId,
    },
    Bridge {
        browser: LegId,
        rtp: RtpLegId,
    },
    BridgeRtp {
        a: RtpLegId,
        b: RtpLegId,
    },
    JoinFar {
        caller: RtpLegId,
        browser: LegId,
        far: RtpLegId,
    },
    Play {
        rtp: RtpLegId,
        id: u64,
        samples: Arc<[i16]>,
    },
    PlayAgent {
        browser: LegId,
        id: u64,
        samples: Arc<[i16]>,
    },
    StopPlay {
        rtp: RtpLegId,
    },
    Music {
        rtp: RtpLegId,
        on: bool,
    },
    RecordCaller {
        rtp: RtpLegId,
        path: std::path::PathBuf,
        reply: oneshot::Sender<Result<(), String>>,
    },
    FinishCaller {
        rtp: RtpLegId,
        reply: oneshot::Sender<Option<u64>>,
    },
    /// Copies what the far end of a SIP leg says, decoded, to `to`
    /// (answering machine detection), until `to` closes or the leg goes.
    Listen {
        rtp: RtpLegId,
        to: mpsc::Sender<Vec<i16>>,
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
    /// `codec` with payload type `pt`, and telephone-events with `te_pt`.
    /// Returns the address to put in our SDP.
    pub async fn add_rtp_leg(
        &self,
        remote: SocketAddr,
        codec: G711,
        pt: u8,
        te_pt: Option<u8>,
    ) -> Result<(RtpLegId, SocketAddr), String> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::AddRtpLeg { remote, codec, pt, te_pt, reply }).await.map_err(|_| GONE)?;
        answer.await.map_err(|_| GONE.to_owned())?
    }

    pub fn remove_rtp_leg(&self, id: RtpLegId) {
        let _ = self.commands.try_send(Command::RemoveRtpLeg(id));
    }

    /// Closes a browser leg and a SIP leg even when the command channel is
    /// full at the moment (waits for room in a task of its own): for legs
    /// nothing else would ever close.
    pub fn remove_surely(&self, leg: LegId, rtp: RtpLegId) {
        let commands = self.commands.clone();
        tokio::spawn(async move {
            let _ = commands.send(Command::RemoveLeg(leg)).await;
            let _ = commands.send(Command::RemoveRtpLeg(rtp)).await;
        });
    }

    /// Points a SIP leg at the address its peer's SDP answer names (an
    /// outbound call's leg is opened before the far end answers).
    /// Stops (or restarts) audio both ways between a SIP leg and its
    /// browser leg: a held call.
    pub fn hold(&self, rtp: RtpLegId, held: bool) {
        let _ = self.commands.try_send(Command::Hold { rtp, held });
    }

    pub fn set_rtp_remote(&self, rtp: RtpLegId, remote: SocketAddr, codec: G711, pt: u8, te_pt: Option<u8>) {
        let _ = self.commands.try_send(Command::SetRtpRemote { rtp, remote, codec, pt, te_pt });
    }

    /// Adds a supervisor's browser leg (in forward mode) to the call of the
    /// SIP leg `rtp` and its bridged browser leg, or changes how it takes
    /// part. The call's audio is mixed from then on.
    pub async fn supervise(&self, rtp: RtpLegId, supervisor: LegId, how: Supervision) -> Result<(), String> {
        self.commands.send(Command::Supervise { rtp, supervisor, how }).await.map_err(|_| GONE.to_owned())
    }

    /// [`supervise`](Self::supervise) without waiting: a mode change.
    pub fn set_supervision(&self, rtp: RtpLegId, supervisor: LegId, how: Supervision) {
        let _ = self.commands.try_send(Command::Supervise { rtp, supervisor, how });
    }

    /// Records the call of the SIP leg `rtp` and its bridged browser leg to
    /// a stereo WAV file at `path` (caller left, agent right). The call's
    /// audio is mixed from then on.
    pub async fn record(&self, rtp: RtpLegId, path: std::path::PathBuf) -> Result<(), String> {
        let (reply, done) = oneshot::channel();
        self.commands.send(Command::RecordStart { rtp, path, reply }).await.map_err(|_| GONE)?;
        done.await.map_err(|_| GONE.to_owned())?
    }

    /// Pauses (silence is written) or resumes a call's recording.
    pub fn pause_recording(&self, rtp: RtpLegId, paused: bool) {
        let _ = self.commands.try_send(Command::RecordPause { rtp, paused });
    }

    /// Ends a call's recording and completes its file. Closing the SIP leg
    /// does the same.
    pub fn stop_recording(&self, rtp: RtpLegId) {
        let _ = self.commands.try_send(Command::RecordStop { rtp });
    }

    /// Sends keys to a SIP leg's far end as RFC 4733 events (the browser's
    /// audio pauses while each plays). Keys the leg cannot send (no
    /// telephone-event negotiated) are dropped and counted.
    pub fn send_digits(&self, rtp: RtpLegId, digits: String) {
        let _ = self.commands.try_send(Command::SendDigits { rtp, digits });
    }

    /// Carries audio both ways between a browser leg (in forward mode) and a
    /// SIP leg.
    pub async fn bridge(&self, browser: LegId, rtp: RtpLegId) -> Result<(), String> {
        self.commands.send(Command::Bridge { browser, rtp }).await.map_err(|_| GONE.to_owned())
    }

    /// The address browsers send media to.
    /// Plays a clip (8 kHz samples) to a SIP leg with no agent on it, after
    /// the clips already queued; [`MediaEvent::PlayDone`] tells when it ends.
    pub fn play(&self, rtp: RtpLegId, id: u64, samples: Arc<[i16]>) {
        let _ = self.commands.try_send(Command::Play { rtp, id, samples });
    }

    /// Plays a clip to a browser leg bridged to nothing (a whisper before
    /// the call connects), from when its media is connected;
    /// [`MediaEvent::AgentPlayDone`] tells when it ends. Bridging the leg
    /// cuts it short.
    pub fn play_to_agent(&self, browser: LegId, id: u64, samples: Arc<[i16]>) {
        let _ = self.commands.try_send(Command::PlayAgent { browser, id, samples });
    }

    /// Cuts the clips playing to a SIP leg short.
    pub fn stop_play(&self, rtp: RtpLegId) {
        let _ = self.commands.try_send(Command::StopPlay { rtp });
    }

    /// Moves a browser leg to another SIP leg, alone with it (an agent
    /// consulting an outside number, and back).
    pub fn move_browser(&self, browser: LegId, rtp: RtpLegId) {
        let _ = self.commands.try_send(Command::Bridge { browser, rtp });
    }

    /// Mixes `far` into the call of `caller` and its agent `browser`: all
    /// three hear each other.
    pub fn join_far(&self, caller: RtpLegId, browser: LegId, far: RtpLegId) {
        let _ = self.commands.try_send(Command::JoinFar { caller, browser, far });
    }

    /// Bridges two SIP legs packet by packet (a caller sent on to an
    /// outside number); whatever either played or mixed stops.
    pub fn bridge_rtp(&self, a: RtpLegId, b: RtpLegId) {
        let _ = self.commands.try_send(Command::BridgeRtp { a, b });
    }

    /// Hold music for a waiting caller, after any clips (or silence).
    pub fn music(&self, rtp: RtpLegId, on: bool) {
        let _ = self.commands.try_send(Command::Music { rtp, on });
    }

    /// Records what the caller on a SIP leg says (a voicemail): mono WAV.
    /// Asked at once, in order with the commands that follow.
    pub fn record_caller(&self, rtp: RtpLegId, path: std::path::PathBuf) -> oneshot::Receiver<Result<(), String>> {
        let (reply, rx) = oneshot::channel();
        let _ = self.commands.try_send(Command::RecordCaller { rtp, path, reply });
        rx
    }

    /// Ends a caller's recording, in order with the commands sent after it
    /// (a leg removed next is removed after); the answer is the samples
    /// written, if a recording was going.
    pub fn finish_caller(&self, rtp: RtpLegId) -> oneshot::Receiver<Option<u64>> {
        let (reply, rx) = oneshot::channel();
        let _ = self.commands.try_send(Command::FinishCaller { rtp, reply });
        rx
    }

    /// What the far end of a SIP leg says from now on, decoded (8 kHz
    /// PCM, one packet's worth per message), until the receiver is dropped
    /// or the leg goes. Packets the receiver is too slow for are dropped.
    pub fn listen(&self, rtp: RtpLegId) -> mpsc::Receiver<Vec<i16>> {
        let (to, rx) = mpsc::channel(64);
        let _ = self.commands.try_send(Command::Listen { rtp, to });
        rx
    }

    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// Legs that end from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<MediaEvent> {
        self.events.subscribe()
    }
}

/// The socket buffers the shared WebRTC socket asks for.
const SOCKET_BUFFER: usize = 8 << 20;

/// Binds `webrtc.listen` and starts the driver.
pub async fn start(
    config: &WebRtcConfig,
    media: &MediaConfig,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<WebRtcHandle> {
    let socket =
        UdpSocket::bind(config.listen).await.with_context(|| format!("binding webrtc.listen {}", config.listen))?;
    // Every browser leg shares this socket: the kernel's default buffer
    // (about 200 KB) overflows in bursts past a hundred calls. Asked for
    // 8 MB; Linux caps it at net.core.rmem_max / wmem_max.
    let sock = socket2::SockRef::from(&socket);
    for (what, r) in
        [("receive", sock.set_recv_buffer_size(SOCKET_BUFFER)), ("send", sock.set_send_buffer_size(SOCKET_BUFFER))]
    {
        if let Err(e) = r {
            tracing::warn!(error = %e, "the WebRTC socket's {what} buffer keeps its default size");
        }
    }
    let bound = socket.local_addr()?;
    let advertised = SocketAddr::new(config.public_address.unwrap_or(bound.ip()), bound.port());
    tracing::info!(%bound, %advertised, "listening for WebRTC media");
    let ports = PortRange::new(media.rtp_ports[0], media.rtp_ports[1]).context("media.rtp_ports holds no even port")?;
    let (tx, rx) = mpsc::channel(256);
    let events = broadcast::channel(1024).0;
    let hold_music: Arc<[i16]> = match &media.hold_music {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("reading media.hold_music {}", path.display()))?;
            let wav =
                crate::media::wav::read(&bytes).with_context(|| format!("media.hold_music {}", path.display()))?;
            if wav.channels != 1 {
                anyhow::bail!("media.hold_music {}: must be mono", path.display());
            }
            wav.samples.into()
        }
        None => crate::media::music::default_hold_music().into(),
    };
    let driver = Driver {
        hold_music,
        events: events.clone(),
        conferences: HashMap::new(),
        players: HashMap::new(),
        agent_players: HashMap::new(),
        connected: HashSet::new(),
        callers: HashMap::new(),
        listeners: HashMap::new(),
        browser_conf: HashMap::new(),
        rtp_conf: HashMap::new(),
        recordings: HashMap::new(),
        mix_next: None,
        mix_ts: 0,
        dtmf_active: Vec::new(),
        ep: Endpoint::new(advertised),
        rtp: HashMap::new(),
        browser_to_rtp: HashMap::new(),
        ports,
        rtp_address: media.rtp_address,
        learn_rtp_source: media.learn_rtp_source,
        rtp_timeout: (media.rtp_timeout_secs > 0).then(|| std::time::Duration::from_secs(media.rtp_timeout_secs)),
        next_rtp: 1,
        legs_published: 0,
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
    /// The SIP leg this one is bridged to (a caller sent on to a number).
    peer: Option<RtpLegId>,
    /// On hold: nothing crosses either way.
    held: bool,
    /// The telephone-event payload type, when negotiated.
    te_pt: Option<u8>,
    dtmf_in: EventReceiver,
    /// Digits in the audio itself, for carriers without telephone-events
    /// (decoding costs: only legs with no telephone-event payload type).
    inband: Option<Box<DtmfDetector>>,
    dtmf_out: EventSender,
    /// The RTP timestamp of the event being sent.
    dtmf_ts: u32,
    /// When the next event packet is due, while sending.
    dtmf_next: Option<Instant>,
    /// When the leg was opened or last pointed somewhere new: silence is
    /// counted from here until the first packet.
    since: Instant,
    /// Its RtpTimeout has been reported.
    timed_out: bool,
    ssrc: u32,
    seq: u16,
    /// Our timestamp for the next frame, advancing 160 per frame.
    ts: u32,
}

struct Driver {
    events: broadcast::Sender<MediaEvent>,
    /// What callers on hold hear.
    hold_music: Arc<[i16]>,
    /// Mixed calls, by their SIP leg; plain bridges are not here.
    conferences: HashMap<RtpLegId, Conference>,
    /// Prompts and music for SIP legs with nobody on the line (IVR, queue).
    players: HashMap<RtpLegId, Announcer>,
    /// Prompts for browser legs bridged to nothing (whispers).
    agent_players: HashMap<LegId, Announcer>,
    /// Browser legs whose media is connected (ICE and DTLS done).
    connected: HashSet<LegId>,
    /// Callers being recorded alone (voicemail), with the samples written.
    callers: HashMap<RtpLegId, (Recording, u64)>,
    /// Whom a SIP leg's decoded audio is copied to (see [`WebRtcHandle::listen`]).
    listeners: HashMap<RtpLegId, mpsc::Sender<Vec<i16>>>,
    /// Browser legs in a mixed call (agents and supervisors).
    browser_conf: HashMap<LegId, RtpLegId>,
    /// Other SIP legs in a mixed call (an outside number in a three-way
    /// call), by the call's SIP leg.
    rtp_conf: HashMap<RtpLegId, RtpLegId>,
    /// Recordings being written, by the call's SIP leg.
    recordings: HashMap<RtpLegId, Recording>,
    /// When the mixed calls' next 20 ms tick is due.
    mix_next: Option<Instant>,
    /// The RTP timestamp of mixed audio sent to browsers.
    mix_ts: u32,
    /// SIP legs sending keys now (usually none).
    dtmf_active: Vec<RtpLegId>,
    ep: Endpoint,
    rtp: HashMap<RtpLegId, RtpSide>,
    browser_to_rtp: HashMap<LegId, RtpLegId>,
    ports: PortRange,
    rtp_address: std::net::IpAddr,
    learn_rtp_source: bool,
    next_rtp: u64,
    rtp_timeout: Option<std::time::Duration>,
    /// The browser legs' count last given to the `cc_webrtc_legs` gauge.
    legs_published: usize,
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
        let mut liveness = tokio::time::interval(std::time::Duration::from_secs(1));
        liveness.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let dtmf = self.dtmf_active.iter().filter_map(|id| self.rtp.get(id)?.dtmf_next).min();
            let deadline = self
                .ep
                .poll_timeout()
                .into_iter()
                .chain(dtmf)
                .chain(self.mix_next)
                .min()
                .map(tokio::time::Instant::from_std);
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
                    Some(Command::RemoveLeg(id)) => {
                        self.agent_players.remove(&id);
                        self.connected.remove(&id);
                        if let Some(r) = self.browser_conf.remove(&id)
                            && let Some(c) = self.conferences.get_mut(&r)
                        {
                            c.remove(Member::Browser(id));
                            // A supervisor left: two parties need no mixing.
                            if self.rtp.get(&r).is_some_and(|s| s.browser.is_some_and(|b| b != id)) {
                                self.unmix_if_plain(r);
                            }
                        }
                        self.ep.remove_leg(id)
                    }
                    Some(Command::AddRtpLeg { remote, codec, pt, te_pt, reply }) => {
                        let r = self.add_rtp_leg(remote, codec, pt, te_pt);
                        if let Ok((id, _)) = &r {
                            rtp_ready.push(readable(*id, self.rtp[id].socket.clone()));
                        }
                        let _ = reply.send(r);
                    }
                    Some(Command::RemoveRtpLeg(id)) => {
                        self.stop_recording(id);
                        self.players.remove(&id);
                        self.finish_caller(id);
                        self.listeners.remove(&id);
                        if let Some(call) = self.rtp_conf.remove(&id)
                            && let Some(c) = self.conferences.get_mut(&call)
                        {
                            c.remove(Member::Rtp(id));
                        }
                        self.rtp_conf.retain(|_, call| *call != id);
                        if let Some(c) = self.conferences.remove(&id) {
                            for m in c.members() {
                                if let Member::Browser(b) = m {
                                    self.browser_conf.remove(&b);
                                }
                            }
                        }
                        if let Some(side) = self.rtp.remove(&id) {
                            if let Some(b) = side.browser {
                                self.browser_to_rtp.remove(&b);
                            }
                            if let Some(peer) = side.peer.and_then(|p| self.rtp.get_mut(&p)) {
                                peer.peer = None;
                            }
                        }
                    }
                    Some(Command::Hold { rtp, held }) => self.hold(rtp, held),
                    Some(Command::BridgeRtp { a, b }) => self.bridge_rtp(a, b),
                    Some(Command::JoinFar { caller, browser, far }) => self.join_far(caller, browser, far),
                    Some(Command::SetRtpRemote { rtp, remote, codec, pt, te_pt }) => {
                        if let Some(side) = self.rtp.get_mut(&rtp) {
                            side.leg.handle_remote(remote);
                            side.since = Instant::now();
                            side.codec = codec;
                            side.pt = pt;
                            side.te_pt = te_pt;
                            side.inband = te_pt.is_none().then(Box::default);
                        }
                    }
                    Some(Command::SendDigits { rtp, digits }) => self.queue_digits(rtp, &digits),
                    Some(Command::Supervise { rtp, supervisor, how }) => self.supervise(rtp, supervisor, how),
                    Some(Command::RecordStart { rtp, path, reply }) => {
                        let _ = reply.send(self.start_recording(rtp, &path));
                    }
                    Some(Command::RecordPause { rtp, paused }) => {
                        if let Some(c) = self.conferences.get_mut(&rtp) {
                            c.pause_recording(paused);
                        }
                    }
                    Some(Command::RecordStop { rtp }) => self.stop_recording(rtp),
                    Some(Command::Bridge { browser, rtp }) => self.bridge(browser, rtp),
                    Some(Command::Play { rtp, id, samples }) => {
                        if self.rtp.contains_key(&rtp) && !self.players.entry(rtp).or_default().play(id, samples) {
                            // Too many queued: dropped, and said to be done
                            // so that nobody waits for it.
                            metrics::counter!("cc_prompts_dropped_total").increment(1);
                            let _ = self.events.send(MediaEvent::PlayDone(rtp, id));
                        }
                        self.mix_next.get_or_insert_with(Instant::now);
                    }
                    Some(Command::PlayAgent { browser, id, samples }) => {
                        if !self.agent_players.entry(browser).or_default().play(id, samples) {
                            let _ = self.events.send(MediaEvent::AgentPlayDone(browser, id));
                        }
                        self.mix_next.get_or_insert_with(Instant::now);
                    }
                    Some(Command::RecordCaller { rtp, path, reply }) => {
                        let _ = reply.send(self.record_caller(rtp, &path));
                    }
                    Some(Command::FinishCaller { rtp, reply }) => {
                        let _ = reply.send(self.finish_caller(rtp));
                    }
                    Some(Command::Listen { rtp, to }) => {
                        if self.rtp.contains_key(&rtp) {
                            self.listeners.insert(rtp, to);
                        }
                    }
                    Some(Command::StopPlay { rtp }) => {
                        if let Some(p) = self.players.get_mut(&rtp) {
                            p.stop();
                        }
                    }
                    Some(Command::Music { rtp, on }) => {
                        if self.rtp.contains_key(&rtp) {
                            let music = on.then(|| self.hold_music.clone());
                            self.players.entry(rtp).or_default().set_music(music);
                            self.mix_next.get_or_insert_with(Instant::now);
                        }
                    }
                    None => return,
                },
                _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                    let now = Instant::now();
                    self.ep.handle_timeout(now);
                    self.send_dtmf(now);
                    self.mix(now);
                }
                _ = liveness.tick(), if self.rtp_timeout.is_some() => self.check_liveness(Instant::now()),
                _ = shutdown.wait_for(|s| *s) => return,
            }
            self.flush(&socket).await;
        }
    }

    fn add_rtp_leg(
        &mut self,
        remote: SocketAddr,
        codec: G711,
        pt: u8,
        te_pt: Option<u8>,
    ) -> Result<(RtpLegId, SocketAddr), String> {
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
                leg: RtpLeg::new(remote, 8000).learning(self.learn_rtp_source),
                codec,
                pt,
                browser: None,
                peer: None,
                held: false,
                te_pt,
                dtmf_in: EventReceiver::default(),
                inband: te_pt.is_none().then(Box::default),
                dtmf_out: EventSender::default(),
                dtmf_ts: 0,
                dtmf_next: None,
                since: Instant::now(),
                timed_out: false,
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
        loop {
            let side = self.rtp.get_mut(&id)?;
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
            if Some(packet.payload_type) == side.te_pt {
                if let Some(digit) = side.dtmf_in.handle_packet(packet.timestamp, packet.payload) {
                    metrics::counter!("cc_dtmf_digits_total", "direction" => "received").increment(1);
                    let _ = self.events.send(MediaEvent::Digit(id, digit));
                }
                continue;
            }
            if packet.payload_type != side.pt {
                // Comfort noise and other payloads are not forwarded.
                continue;
            }
            if let Some(det) = &mut side.inband
                && packet.payload.len() <= 1600
            {
                let mut pcm = [0i16; 1600];
                let pcm = &mut pcm[..packet.payload.len()];
                decode(side.codec, packet.payload, pcm);
                det.handle_samples(pcm);
                while let Some(d) = det.poll_digit() {
                    metrics::counter!("cc_dtmf_digits_total", "direction" => "received_inband").increment(1);
                    let _ = self.events.send(MediaEvent::Digit(id, d.digit));
                }
            }
            if let Some((file, written)) = self.callers.get_mut(&id)
                && packet.payload.len() <= 1600
            {
                let mut pcm = [0i16; 1600];
                let pcm = &mut pcm[..packet.payload.len()];
                decode(side.codec, packet.payload, pcm);
                if file.write(pcm).is_ok() {
                    *written += pcm.len() as u64;
                } else {
                    metrics::counter!("cc_recording_errors_total").increment(1);
                }
            }
            if let Some(to) = self.listeners.get(&id)
                && packet.payload.len() <= 1600
            {
                let mut pcm = vec![0i16; packet.payload.len()];
                decode(side.codec, packet.payload, &mut pcm);
                if let Err(mpsc::error::TrySendError::Closed(_)) = to.try_send(pcm) {
                    self.listeners.remove(&id);
                }
            }
            let mixed_in = self.rtp_conf.get(&id).copied().unwrap_or(id);
            if let Some(conf) = self.conferences.get_mut(&mixed_in) {
                if !side.held && packet.payload.len() <= 1600 {
                    let mut pcm = [0i16; 1600];
                    let pcm = &mut pcm[..packet.payload.len()];
                    decode(side.codec, packet.payload, pcm);
                    for f in frames_of(pcm) {
                        conf.handle_audio(Member::Rtp(id), &f);
                    }
                }
                continue;
            }
            if let Some(browser) = side.browser.filter(|_| !side.held) {
                let frame =
                    AudioFrame { codec: side.codec, timestamp: packet.timestamp, payload: Arc::from(packet.payload) };
                if !self.ep.write_audio(now, browser, &frame) {
                    metrics::counter!("cc_rtp_packets_dropped_total").increment(1);
                }
                continue;
            }
            if let Some(peer) = side.peer.filter(|_| !side.held && packet.payload.len() <= 1500) {
                let codec = side.codec;
                if let [Some(_), Some(to)] = self.rtp.get_disjoint_mut([&id, &peer]) {
                    send_payload(to, codec, packet.payload);
                }
            }
        }
        self.rtp.get(&id).map(|side| side.socket.clone())
    }

    /// A three-way call: the agent's browser leg back on the caller's SIP
    /// leg, the call mixed, and `far` heard by and hearing both.
    fn join_far(&mut self, caller: RtpLegId, browser: LegId, far: RtpLegId) {
        if !self.rtp.contains_key(&far) {
            return;
        }
        self.bridge(browser, caller);
        if let Some(side) = self.rtp.get_mut(&far) {
            side.browser = None;
            side.peer = None;
        }
        self.players.remove(&far);
        let Some(conf) = self.conference(caller) else { return };
        if conf.add_party(Member::Rtp(far)).is_ok() {
            self.rtp_conf.insert(far, caller);
        }
    }

    /// Bridges two SIP legs: each forwards to the other from now on; players,
    /// mixing and browser legs on them stop.
    fn bridge_rtp(&mut self, a: RtpLegId, b: RtpLegId) {
        if a == b || !self.rtp.contains_key(&a) || !self.rtp.contains_key(&b) {
            return;
        }
        for (x, y) in [(a, b), (b, a)] {
            self.rtp_conf.remove(&x);
            self.players.remove(&x);
            if let Some(c) = self.conferences.remove(&x) {
                for m in c.members() {
                    if let Member::Browser(l) = m {
                        self.browser_conf.remove(&l);
                    }
                }
            }
            if let Some(side) = self.rtp.get_mut(&x) {
                side.peer = Some(y);
                side.held = false;
                if let Some(old) = side.browser.take() {
                    self.browser_to_rtp.remove(&old);
                }
            }
        }
    }

    /// Mixes the call of `rtp` from now on (if it was a plain bridge) and
    /// adds or changes the supervisor's leg.
    fn supervise(&mut self, rtp: RtpLegId, supervisor: LegId, how: Supervision) {
        let Some(conf) = self.conference(rtp) else { return };
        if conf.supervise(supervisor, how).is_ok() {
            self.browser_conf.insert(supervisor, rtp);
        }
    }

    /// Bridges a browser leg to a SIP leg; a browser leg already there is
    /// replaced (a refreshed page rejoining its call), in a mixed call too.
    fn bridge(&mut self, browser: LegId, rtp: RtpLegId) {
        self.players.remove(&rtp);
        self.agent_players.remove(&browser);
        // A browser leg is bridged to one SIP leg at a time: moving on
        // leaves the one before alone.
        if let Some(prev) = self.browser_to_rtp.get(&browser).copied().filter(|p| *p != rtp)
            && let Some(side) = self.rtp.get_mut(&prev)
            && side.browser == Some(browser)
        {
            side.browser = None;
        }
        let Some(side) = self.rtp.get_mut(&rtp) else { return };
        if let Some(old) = side.browser.replace(browser)
            && old != browser
        {
            self.browser_to_rtp.remove(&old);
            self.browser_conf.remove(&old);
        }
        if let Some(c) = self.conferences.get_mut(&rtp) {
            c.set_agent(browser);
            self.browser_conf.insert(browser, rtp);
        }
        self.browser_to_rtp.insert(browser, rtp);
    }

    /// Holds a call: nothing crosses between caller and agent, and the
    /// caller hears the hold music (the call is mixed from then on).
    fn hold(&mut self, rtp: RtpLegId, held: bool) {
        let Some(side) = self.rtp.get_mut(&rtp) else { return };
        side.held = held;
        let music = self.hold_music.clone();
        if held {
            if let Some(c) = self.conference(rtp) {
                c.hold(true, Some(music));
            }
        } else if let Some(c) = self.conferences.get_mut(&rtp) {
            c.hold(false, None);
            self.unmix_if_plain(rtp);
        }
    }

    fn conference(&mut self, rtp: RtpLegId) -> Option<&mut Conference> {
        let agent = self.rtp.get(&rtp)?.browser?;
        self.browser_conf.insert(agent, rtp);
        self.mix_next.get_or_insert_with(Instant::now);
        Some(self.conferences.entry(rtp).or_insert_with(|| Conference::new(rtp, agent)))
    }

    fn start_recording(&mut self, rtp: RtpLegId, path: &std::path::Path) -> Result<(), String> {
        if self.recordings.contains_key(&rtp) {
            return Ok(());
        }
        if self.rtp.get(&rtp).is_none_or(|s| s.browser.is_none()) {
            return Err("no bridged call on that leg".into());
        }
        let file = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::File::create(path))
            .and_then(|f| WavWriter::new(std::io::BufWriter::new(f), 2))
            .map_err(|e| format!("recording file: {e}"))?;
        self.recordings.insert(rtp, file);
        if let Some(c) = self.conference(rtp) {
            c.start_recording();
        }
        metrics::counter!("cc_recordings_started_total").increment(1);
        Ok(())
    }

    fn record_caller(&mut self, rtp: RtpLegId, path: &std::path::Path) -> Result<(), String> {
        if !self.rtp.contains_key(&rtp) {
            return Err("no such leg".into());
        }
        let file = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::File::create(path))
            .and_then(|f| WavWriter::new(std::io::BufWriter::new(f), 1))
            .map_err(|e| format!("recording file: {e}"))?;
        self.callers.insert(rtp, (file, 0));
        Ok(())
    }

    /// Closes a caller's recording; the samples written.
    fn finish_caller(&mut self, rtp: RtpLegId) -> Option<u64> {
        let (file, written) = self.callers.remove(&rtp)?;
        match file.finish() {
            Ok(_) => Some(written),
            Err(e) => {
                metrics::counter!("cc_recording_errors_total").increment(1);
                tracing::warn!(error = %e, "voicemail not completed");
                None
            }
        }
    }

    fn stop_recording(&mut self, rtp: RtpLegId) {
        let Some(mut file) = self.recordings.remove(&rtp) else { return };
        let rest = self.conferences.get_mut(&rtp).map(Conference::stop_recording).unwrap_or_default();
        if let Err(e) = file.write(&rest).and_then(|()| file.finish().map(drop)) {
            metrics::counter!("cc_recording_errors_total").increment(1);
            tracing::warn!(error = %e, "recording not completed");
        }
        self.unmix_if_plain(rtp);
    }

    /// A mixed call that needs mixing no more (no supervisor, recording,
    /// hold or third party: the caller and the agent alone) goes back to
    /// the plain bridge, which forwards packets without decoding. A browser
    /// leg that later moves off the caller's leg (a consultation) then
    /// leaves nothing of itself behind in a mix.
    fn unmix_if_plain(&mut self, rtp: RtpLegId) {
        let Some(c) = self.conferences.get(&rtp) else { return };
        let held = self.rtp.get(&rtp).is_some_and(|s| s.held);
        if held || c.is_recording() || self.recordings.contains_key(&rtp) || c.members().count() > 2 {
            return;
        }
        if let Some(c) = self.conferences.remove(&rtp) {
            for m in c.members() {
                if let Member::Browser(b) = m {
                    self.browser_conf.remove(&b);
                }
            }
        }
    }

    /// Appends what each recording gathered to its file. A file that fails
    /// (a full disk) is closed and counted; the call goes on.
    fn write_recordings(&mut self) {
        let mut failed = Vec::new();
        for (rtp, file) in &mut self.recordings {
            let samples = self.conferences.get_mut(rtp).map(Conference::take_recorded).unwrap_or_default();
            if let Err(e) = file.write(&samples) {
                tracing::warn!(error = %e, "recording write failed");
                failed.push(*rtp);
            }
        }
        for rtp in failed {
            metrics::counter!("cc_recording_errors_total").increment(1);
            if let Some(c) = self.conferences.get_mut(&rtp) {
                c.stop_recording();
            }
            self.stop_recording(rtp);
        }
    }

    /// Runs the mixed calls' 20 ms ticks that are due (a few at most, after
    /// a stall), sending each member what it hears.
    fn mix(&mut self, now: Instant) {
        let Some(mut due) = self.mix_next else { return };
        if self.conferences.is_empty() && self.players.is_empty() && self.agent_players.is_empty() {
            self.mix_next = None;
            return;
        }
        let tick = std::time::Duration::from_millis(20);
        let mut rounds = 0;
        while due <= now && rounds < 3 {
            rounds += 1;
            due += tick;
            let ts = self.mix_ts;
            self.mix_ts = self.mix_ts.wrapping_add(FRAME as u32);
            let (ep, rtp) = (&mut self.ep, &mut self.rtp);
            for conf in self.conferences.values_mut() {
                conf.tick(|member, frame| match member {
                    Member::Browser(leg) => {
                        let mut bytes = [0u8; FRAME];
                        g711::encode_ulaw(frame, &mut bytes);
                        let audio = AudioFrame { codec: G711::Pcmu, timestamp: ts, payload: Arc::from(&bytes[..]) };
                        ep.write_audio(now, leg, &audio);
                    }
                    Member::Rtp(id) => {
                        if let Some(side) = rtp.get_mut(&id) {
                            send_pcm(side, frame);
                        }
                    }
                    Member::Player => {}
                });
            }
            for (id, player) in &mut self.players {
                let Some(side) = rtp.get_mut(id) else { continue };
                let mut frame = [0i16; FRAME];
                if let Some(done) = player.next_frame(&mut frame) {
                    let _ = self.events.send(MediaEvent::PlayDone(*id, done));
                }
                send_pcm(side, &frame);
            }
            let mut finished = Vec::new();
            for (leg, player) in &mut self.agent_players {
                // Before its media is up the clip waits (it would be lost).
                if !self.connected.contains(leg) {
                    continue;
                }
                let mut frame = [0i16; FRAME];
                let done = player.next_frame(&mut frame);
                let mut bytes = [0u8; FRAME];
                g711::encode_ulaw(&frame, &mut bytes);
                let audio = AudioFrame { codec: G711::Pcmu, timestamp: ts, payload: Arc::from(&bytes[..]) };
                ep.write_audio(now, *leg, &audio);
                if let Some(id) = done {
                    finished.push((*leg, id));
                }
            }
            for (leg, id) in finished {
                if self.agent_players.get(&leg).is_some_and(Announcer::is_idle) {
                    self.agent_players.remove(&leg);
                }
                let _ = self.events.send(MediaEvent::AgentPlayDone(leg, id));
            }
        }
        if rounds > 0 {
            self.write_recordings();
        }
        // Far behind (a long stall): start again from now rather than burst.
        self.mix_next = Some(if due <= now { now + tick } else { due });
    }

    /// Reports SIP legs in calls whose far end went quiet. Held legs and
    /// legs not yet pointed anywhere are not judged.
    fn check_liveness(&mut self, now: Instant) {
        let Some(limit) = self.rtp_timeout else { return };
        for (id, side) in &mut self.rtp {
            // Legs someone listens to: an agent, a player, a bridged SIP leg,
            // a party of a mixed call.
            let attended = side.browser.is_some()
                || side.peer.is_some()
                || self.players.contains_key(id)
                || self.rtp_conf.contains_key(id);
            let judged = attended && !side.held && side.leg.destination().port() != 0;
            if judged && !side.timed_out && side.leg.is_silent(now, side.since, limit) {
                side.timed_out = true;
                metrics::counter!("cc_rtp_timeouts_total").increment(1);
                let _ = self.events.send(MediaEvent::RtpTimeout(*id));
            }
        }
    }

    fn queue_digits(&mut self, id: RtpLegId, digits: &str) {
        let Some(side) = self.rtp.get_mut(&id) else { return };
        if side.te_pt.is_none() {
            metrics::counter!("cc_dtmf_digits_dropped_total").increment(digits.len() as u64);
            return;
        }
        for d in digits.chars() {
            if !side.dtmf_out.push(d) {
                metrics::counter!("cc_dtmf_digits_dropped_total").increment(1);
            }
        }
        if side.dtmf_next.is_none() && !side.dtmf_out.is_idle() {
            side.dtmf_next = Some(Instant::now());
            self.dtmf_active.push(id);
        }
    }

    /// Sends the telephone-event packets that are due, one per 20 ms per leg.
    fn send_dtmf(&mut self, now: Instant) {
        let mut packet = [0u8; 16];
        let rtp = &mut self.rtp;
        self.dtmf_active.retain(|id| {
            let Some(side) = rtp.get_mut(id) else { return false };
            let (Some(due), Some(te_pt)) = (side.dtmf_next, side.te_pt) else { return false };
            if due > now {
                return true;
            }
            match side.dtmf_out.tick() {
                Tick::Idle => {
                    side.dtmf_next = None;
                    return false;
                }
                Tick::Gap => {}
                Tick::Packet { payload, start } => {
                    if start {
                        side.dtmf_ts = side.ts;
                        metrics::counter!("cc_dtmf_digits_total", "direction" => "sent").increment(1);
                    }
                    let n = write_header(&mut packet, start, te_pt, side.seq, side.dtmf_ts, side.ssrc);
                    packet[n..n + 4].copy_from_slice(&payload);
                    side.seq = side.seq.wrapping_add(1);
                    if side.leg.destination().port() != 0 {
                        let _ = side.socket.try_send_to(&packet[..n + 4], side.leg.destination());
                    }
                }
            }
            side.dtmf_next = Some(due + std::time::Duration::from_millis(20));
            true
        });
    }

    /// Sends the endpoint's datagrams and forwards its frames.
    async fn flush(&mut self, socket: &UdpSocket) {
        while let Some(t) = self.ep.poll_transmit() {
            if let Err(e) = socket.send_to(&t.contents, t.destination).await {
                tracing::debug!(error = %e, "webrtc send");
            }
        }
        while let Some(ev) = self.ep.poll_event() {
            match ev {
                LegEvent::Audio(leg, frame) => {
                    if let Some(conf) = self.browser_conf.get(&leg).and_then(|r| self.conferences.get_mut(r)) {
                        if frame.payload.len() <= 1600 {
                            let mut pcm = [0i16; 1600];
                            let pcm = &mut pcm[..frame.payload.len()];
                            decode(frame.codec, &frame.payload, pcm);
                            for f in frames_of(pcm) {
                                conf.handle_audio(Member::Browser(leg), &f);
                            }
                        }
                        continue;
                    }
                    let Some(side) = self.browser_to_rtp.get(&leg).and_then(|r| self.rtp.get_mut(r)) else { continue };
                    if frame.payload.len() > 1500 {
                        side.ts = side.ts.wrapping_add(frame.payload.len() as u32);
                        continue;
                    }
                    send_payload(side, frame.codec, &frame.payload);
                }
                LegEvent::Connected(id) => {
                    self.connected.insert(id);
                    let _ = self.events.send(MediaEvent::LegConnected(id));
                    metrics::counter!("cc_webrtc_legs_connected_total").increment(1);
                    tracing::debug!(leg = id.0, "webrtc leg connected");
                }
                LegEvent::Ended(id, reason) => {
                    self.connected.remove(&id);
                    self.agent_players.remove(&id);
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
        // Published on change only: a gauge update is a registry lookup,
        // too dear for every datagram.
        if self.ep.legs() != self.legs_published {
            self.legs_published = self.ep.legs();
            metrics::gauge!("cc_webrtc_legs").set(self.legs_published as f64);
        }
    }
}

/// Sends G.711 `payload` (in `codec`) as the SIP leg's next packet,
/// converted to the leg's law by table when they differ (no allocation).
/// Held, or a key playing: the payload's time still passes.
fn send_payload(side: &mut RtpSide, codec: G711, payload: &[u8]) {
    let len = payload.len().min(1500);
    if side.held || side.dtmf_out.is_playing() {
        side.ts = side.ts.wrapping_add(len as u32);
        return;
    }
    let mut packet = [0u8; 12 + 1500];
    let n = write_header(&mut packet, false, side.pt, side.seq, side.ts, side.ssrc);
    let body = &mut packet[n..n + len];
    if codec == side.codec {
        body.copy_from_slice(&payload[..len]);
    } else {
        transcode(codec, &payload[..len], body);
    }
    side.seq = side.seq.wrapping_add(1);
    side.ts = side.ts.wrapping_add(len as u32);
    if side.leg.destination().port() == 0 {
        // An outbound call before the far end's answer: nowhere to send yet.
        return;
    }
    if side.socket.try_send_to(&packet[..n + len], side.leg.destination()).is_err() {
        metrics::counter!("cc_rtp_packets_dropped_total").increment(1);
    }
}

/// Encodes a mixed frame for a SIP leg and sends it as its next packet.
fn send_pcm(side: &mut RtpSide, frame: &Frame) {
    let ts = side.ts;
    side.ts = side.ts.wrapping_add(FRAME as u32);
    if side.dtmf_out.is_playing() || side.leg.destination().port() == 0 {
        return;
    }
    let mut packet = [0u8; 12 + FRAME];
    let n = write_header(&mut packet, false, side.pt, side.seq, ts, side.ssrc);
    match side.codec {
        G711::Pcmu => g711::encode_ulaw(frame, &mut packet[n..n + FRAME]),
        G711::Pcma => g711::encode_alaw(frame, &mut packet[n..n + FRAME]),
    }
    side.seq = side.seq.wrapping_add(1);
    if side.socket.try_send_to(&packet[..n + FRAME], side.leg.destination()).is_err() {
        metrics::counter!("cc_rtp_packets_dropped_total").increment(1);
    }
}

fn decode(codec: G711, payload: &[u8], out: &mut [i16]) {
    match codec {
        G711::Pcmu => g711::decode_ulaw(payload, out),
        G711::Pcma => g711::decode_alaw(payload, out),
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
