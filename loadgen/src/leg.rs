//! One agent's leg: its desk's WebSocket and a str0m WebRTC peer on its own
//! UDP socket. It asks for a call (an outbound dial, or the audio check's
//! echo leg), sends a 20 ms PCMU frame every 20 ms once connected, and
//! reads what comes back. Each frame carries its own sequence number and
//! send time, so an echo gives loss, round-trip time and jitter without
//! any clock shared with the far end.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use shared::ws::{ClientMsg, ServerMsg};
use str0m::change::SdpAnswer;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// 20 ms of 8 kHz audio.
pub const FRAME: Duration = Duration::from_millis(20);
const SAMPLES: usize = 160;
const MAGIC: &[u8; 4] = b"CCLG";

/// What each leg asks the gateway for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `call_dial` to this number: a WebRTC leg bridged to a SIP leg
    /// through the outbound trunk (whose far end should echo).
    Dial(String),
    /// The audio check: the gateway echoes the leg itself.
    Echo,
}

/// When things happen, the same for every leg of a run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub mode: Mode,
    /// The address legs bind their sockets to.
    pub ip: IpAddr,
    /// Frames sent from here on, until `stop`, are the measured ones.
    pub measure_from: Instant,
    /// No frames after this.
    pub stop: Instant,
    /// After `stop`, how long to wait for the last echoes before hanging up.
    pub drain: Duration,
    /// A leg not talking this long after it asked is a failed call.
    pub setup_timeout: Duration,
    /// Legs only set up and hang up: no frames (the setup-rate workload).
    pub silent: bool,
    /// Time zero of the stamps in the frames.
    pub epoch: Instant,
}

/// What one leg saw.
#[derive(Debug, Default)]
pub struct LegResult {
    /// Why the call failed, if it did.
    pub error: Option<String>,
    /// Asked → the gateway's SDP answer (`call.dialing` / echo answer).
    pub answer: Option<Duration>,
    /// Asked → ICE and DTLS connected (the browser's offer → connected).
    pub connected: Option<Duration>,
    /// Asked → the far end answered (`call.answered` of an outbound call).
    pub remote: Option<Duration>,
    /// Frames sent in the measured window.
    pub sent: u64,
    /// Of those, frames that never came back.
    pub lost: u64,
    /// Frames that came back (any time).
    pub received: u64,
    /// Frames from the measured window that came back more than once.
    pub duplicates: u64,
    /// RFC 3550 interarrival jitter after each echo of a measured frame, µs.
    pub jitter_us: Vec<u32>,
    /// Round-trip time of each echo of a measured frame, µs.
    pub rtt_us: Vec<u32>,
}

/// Opens an agent's desk: the WebSocket with its session cookie.
pub async fn connect(http: SocketAddr, token: &str) -> anyhow::Result<Ws> {
    let mut req = format!("ws://{http}/api/v1/ws").into_client_request()?;
    req.headers_mut().insert("cookie", format!("cc_session={token}").parse()?);
    req.headers_mut().insert("origin", format!("http://{http}").parse()?);
    let (ws, _) = tokio_tungstenite::connect_async(req).await?;
    Ok(ws)
}

async fn send(ws: &mut Ws, msg: &ClientMsg) -> anyhow::Result<()> {
    ws.send(tungstenite::Message::Text(serde_json::to_string(msg)?.into())).await?;
    Ok(())
}

/// Received frames by sequence number, with the RFC 3550 jitter estimate.
#[derive(Default)]
struct Echoes {
    seen: Vec<u8>,
    last_transit: Option<i64>,
    jitter: f64,
}

struct State {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    mid: Mid,
    pt: Option<str0m::media::Pt>,
    call_id: Option<String>,
    ice: bool,
    far_answered: bool,
    talking: bool,
    ended: bool,
    next_frame: Instant,
    seq: u32,
    /// The first and one past the last sequence number sent in the window.
    window: (Option<u32>, u32),
    echoes: Echoes,
}

/// Runs one leg from `start` until its call is over, on an open desk.
pub async fn run(mut ws: Ws, plan: Arc<Plan>, start: Instant) -> LegResult {
    let mut result = LegResult::default();
    tokio::time::sleep_until(start.into()).await;
    if let Err(e) = drive(&mut ws, &plan, &mut result).await {
        result.error.get_or_insert(e.to_string());
    }
    let _ = ws.close(None).await;
    result
}

async fn drive(ws: &mut Ws, plan: &Plan, result: &mut LegResult) -> anyhow::Result<()> {
    let socket = UdpSocket::bind((plan.ip, 0)).await?;
    let local = socket.local_addr()?;
    let t0 = Instant::now();
    let mut rtc = Rtc::builder().clear_codecs().enable_pcmu(true, false).build(t0);
    rtc.add_local_candidate(Candidate::host(local, "udp")?);
    let mut change = rtc.sdp_api();
    let mid = change.add_media(MediaKind::Audio, Direction::SendRecv, None, None, None);
    let (offer, pending) = change.apply().ok_or_else(|| anyhow::anyhow!("no offer"))?;
    let offer = offer.to_sdp_string();
    let mut pending = Some(pending);
    match &plan.mode {
        Mode::Dial(number) => {
            send(ws, &ClientMsg::CallDial { number: number.clone(), sdp: offer, caller_id: None }).await?
        }
        Mode::Echo => send(ws, &ClientMsg::EchoTestOffer { sdp: offer }).await?,
    }
    let mut st = State {
        rtc,
        socket,
        local,
        mid,
        pt: None,
        call_id: None,
        ice: false,
        far_answered: plan.mode == Mode::Echo,
        talking: false,
        ended: false,
        next_frame: t0,
        seq: 0,
        window: (None, 0),
        echoes: Echoes::default(),
    };
    let hang_up_at = plan.stop + plan.drain;
    let mut hung_up: Option<Instant> = None;
    let mut buf = vec![0u8; 2048];
    loop {
        let timeout = st.poll(plan, result, t0).await?;
        let now = Instant::now();
        if !st.talking && st.ice && st.far_answered && st.pt.is_some() {
            st.talking = true;
            st.next_frame = now;
        }
        if st.talking && !plan.silent && now >= st.next_frame && st.next_frame < plan.stop {
            st.send_frame(plan, now)?;
            continue;
        }
        if !st.talking && now.duration_since(t0) > plan.setup_timeout && result.error.is_none() {
            result.error = Some(format!(
                "not talking {} s after asking (answer {}, ice {}, far end {})",
                plan.setup_timeout.as_secs(),
                st.call_id.is_some() || plan.mode == Mode::Echo,
                st.ice,
                st.far_answered
            ));
        }
        if hung_up.is_none() && (now >= hang_up_at || result.error.is_some() || st.ended) {
            if !st.ended {
                match (&plan.mode, &st.call_id) {
                    (Mode::Dial(_), Some(id)) => send(ws, &ClientMsg::CallHangUp { call_id: id.clone() }).await?,
                    (Mode::Dial(_), None) => st.ended = true,
                    (Mode::Echo, _) => {
                        send(ws, &ClientMsg::EchoTestStop).await?;
                        st.ended = true;
                    }
                }
            }
            hung_up = Some(now);
        }
        if let Some(h) = hung_up
            && (st.ended || now.duration_since(h) > Duration::from_secs(5))
        {
            break;
        }
        let mut wake = timeout.min(now + Duration::from_millis(100));
        if st.talking && !plan.silent && st.next_frame < plan.stop {
            wake = wake.min(st.next_frame);
        }
        if hung_up.is_none() {
            wake = wake.min(hang_up_at);
        }
        tokio::select! {
            r = st.socket.recv_from(&mut buf) => {
                let (n, source) = r?;
                let input = Input::Receive(Instant::now(), Receive {
                    proto: Protocol::Udp,
                    source,
                    destination: st.local,
                    contents: buf[..n].try_into()?,
                });
                st.rtc.handle_input(input)?;
            }
            m = ws.next() => {
                let Some(frame) = m else { anyhow::bail!("the desk's WebSocket closed") };
                let tungstenite::Message::Text(t) = frame? else { continue };
                let msg: ServerMsg = serde_json::from_str(t.as_str())?;
                st.handle_msg(msg, &mut pending, result, t0, hung_up.is_some())?;
            }
            _ = tokio::time::sleep_until(wake.into()) => {
                st.rtc.handle_input(Input::Timeout(Instant::now()))?;
            }
        }
    }
    let (first, end) = st.window;
    if let Some(first) = first {
        result.sent = u64::from(end - first);
        result.lost = (first..end).filter(|s| st.echoes.seen.get(*s as usize).is_none_or(|n| *n == 0)).count() as u64;
        result.duplicates =
            (first..end).filter(|s| st.echoes.seen.get(*s as usize).is_some_and(|n| *n > 1)).count() as u64;
    }
    if result.error.is_none() && !st.talking {
        result.error = Some("never talked".into());
    }
    Ok(())
}

impl State {
    /// Sends what str0m has to send and takes its events; returns when it
    /// next wants time.
    async fn poll(&mut self, plan: &Plan, result: &mut LegResult, t0: Instant) -> anyhow::Result<Instant> {
        loop {
            match self.rtc.poll_output()? {
                Output::Timeout(t) => return Ok(t),
                Output::Transmit(t) => {
                    self.socket.send_to(&t.contents, t.destination).await?;
                }
                Output::Event(Event::Connected) => {
                    self.ice = true;
                    result.connected = Some(t0.elapsed());
                    let w = self.rtc.writer(self.mid).ok_or_else(|| anyhow::anyhow!("no writer"))?;
                    self.pt = w.payload_params().find(|p| p.spec().codec == Codec::PCMU).map(|p| p.pt());
                }
                Output::Event(Event::MediaData(d)) => self.echoes.take(&d.data, plan, result),
                Output::Event(_) => {}
            }
        }
    }

    fn send_frame(&mut self, plan: &Plan, now: Instant) -> anyhow::Result<()> {
        let mut frame = vec![0xFFu8; SAMPLES];
        frame[..4].copy_from_slice(MAGIC);
        frame[4..8].copy_from_slice(&self.seq.to_le_bytes());
        let us = now.duration_since(plan.epoch).as_micros() as u64;
        frame[8..16].copy_from_slice(&us.to_le_bytes());
        if now >= plan.measure_from {
            self.window.0.get_or_insert(self.seq);
            self.window.1 = self.seq + 1;
        }
        let pt = self.pt.ok_or_else(|| anyhow::anyhow!("no PCMU"))?;
        let rate = Frequency::new(8000).expect("8 kHz");
        let w = self.rtc.writer(self.mid).ok_or_else(|| anyhow::anyhow!("no writer"))?;
        w.write(pt, now, MediaTime::new(u64::from(self.seq) * SAMPLES as u64, rate), frame)?;
        self.seq += 1;
        self.next_frame += FRAME;
        // A leg that fell behind (a busy machine) skips the frames it
        // missed rather than sending a burst.
        if self.next_frame + FRAME < now {
            self.next_frame = now;
        }
        Ok(())
    }

    fn handle_msg(
        &mut self,
        msg: ServerMsg,
        pending: &mut Option<str0m::change::SdpPendingOffer>,
        result: &mut LegResult,
        t0: Instant,
        hanging_up: bool,
    ) -> anyhow::Result<()> {
        let answer = match msg {
            ServerMsg::CallDialing { call, sdp } => {
                self.call_id = Some(call.call_id);
                Some(sdp)
            }
            ServerMsg::EchoTestAnswer { sdp } => Some(sdp),
            ServerMsg::CallConnected { .. } => {
                self.far_answered = true;
                result.remote = Some(t0.elapsed());
                None
            }
            ServerMsg::CallEnded { call_id, reason } if Some(&call_id) == self.call_id.as_ref() => {
                self.ended = true;
                if !hanging_up {
                    result.error.get_or_insert(format!("the call ended early: {reason:?}"));
                }
                None
            }
            ServerMsg::Error { code, message } => {
                result.error.get_or_insert(format!("{code}: {message}"));
                None
            }
            _ => None,
        };
        if let Some(sdp) = answer {
            result.answer = Some(t0.elapsed());
            let pending = pending.take().ok_or_else(|| anyhow::anyhow!("a second answer"))?;
            self.rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&sdp)?)?;
        }
        Ok(())
    }
}

impl Echoes {
    /// One frame back: counted by its sequence number; measured when it
    /// was sent in the window.
    fn take(&mut self, data: &[u8], plan: &Plan, result: &mut LegResult) {
        if data.len() < 16 || &data[..4] != MAGIC {
            return;
        }
        let now = Instant::now();
        let seq = u32::from_le_bytes(data[4..8].try_into().expect("4 bytes")) as usize;
        let sent_us = u64::from_le_bytes(data[8..16].try_into().expect("8 bytes"));
        let now_us = now.duration_since(plan.epoch).as_micros() as u64;
        if seq >= self.seen.len() {
            self.seen.resize(seq + 1, 0);
        }
        self.seen[seq] = self.seen[seq].saturating_add(1);
        result.received += 1;
        // RFC 3550 §6.4.1, in µs: transit is arrival minus send time.
        let transit = now_us as i64 - sent_us as i64;
        if let Some(prev) = self.last_transit {
            let d = (transit - prev).unsigned_abs() as f64;
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.last_transit = Some(transit);
        let sent_at = plan.epoch + Duration::from_micros(sent_us);
        if sent_at >= plan.measure_from && sent_at < plan.stop {
            result.rtt_us.push(transit.max(0) as u32);
            result.jitter_us.push(self.jitter as u32);
        }
    }
}
