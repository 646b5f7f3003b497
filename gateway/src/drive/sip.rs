//! The SIP listeners: one UDP socket and one TCP listener, feeding every
//! message to the front door ([`crate::sip::front`]) and doing what it says.
//!
//! Replies go back to the packet's source address, never to an address
//! named inside the message, so the gateway cannot be used to reflect
//! traffic at a third party. Requests from trunks go through RFC 3261
//! transactions (retransmissions absorbed, responses resent); until the call
//! layer exists they get honest placeholders: OPTIONS 200 (carriers ping with
//! it), INVITE 480 Temporarily Unavailable, other methods 501. Refusals of
//! strangers stay stateless: they must cost us nothing.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, watch};

use crate::config::{SipConfig, TrunkConfig, TrunkRegister};
use crate::sip::Uri;
use crate::sip::digest::Password;
use crate::sip::front::{FrontConfig, FrontDoor, Verdict};
use crate::sip::register::{Registration, RegistrationConfig, State as RegState};
use crate::sip::transaction::{Config as TsxConfig, Event, Key, Transactions};
use crate::sip::{Framed, Header, Limits, Method, OtherHeader, Request, Response, StatusCode, parse_stream};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// What the gateway tells peers it understands.
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS";
/// TCP connections at once; more are closed on accept.
const MAX_TCP: usize = 1024;
/// A TCP connection that sends nothing for this long is closed.
const TCP_IDLE: Duration = Duration::from_secs(300);

pub struct SipSockets {
    pub udp: UdpSocket,
    pub tcp: TcpListener,
}

/// Binds the configured addresses, naming the key that failed.
pub async fn bind(config: &SipConfig) -> anyhow::Result<SipSockets> {
    let udp = UdpSocket::bind(config.listen_udp)
        .await
        .with_context(|| format!("binding sip.listen_udp {}", config.listen_udp))?;
    let tcp = TcpListener::bind(config.listen_tcp)
        .await
        .with_context(|| format!("binding sip.listen_tcp {}", config.listen_tcp))?;
    tracing::info!(udp = %udp.local_addr()?, tcp = %tcp.local_addr()?, "listening for SIP");
    Ok(SipSockets { udp, tcp })
}

fn front_config(config: &SipConfig) -> FrontConfig {
    FrontConfig {
        // A registrar is the carrier too: its requests (OPTIONS pings, calls
        // to our registered contact) come from it.
        trunks: config
            .trunks
            .iter()
            .map(|t| {
                let mut addrs = t.addresses.clone();
                if let Some(r) = &t.register {
                    addrs.push(r.registrar.ip());
                }
                (t.name.clone(), addrs)
            })
            .collect(),
        rate_per_source: config.rate_per_source,
        scanner_block: Duration::from_secs(config.scanner_block_secs),
    }
}

/// A framed message from a TCP connection, and where to write back.
struct TcpInbound {
    source: SocketAddr,
    bytes: Vec<u8>,
    reply: mpsc::Sender<Vec<u8>>,
}

/// A trunk's registration as the rest of the gateway sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkStatus {
    pub name: String,
    pub registered: bool,
    /// Why the last attempt failed, while it is failing.
    pub failure: Option<String>,
}

/// Serves SIP until `shutdown` turns true.
pub async fn run(config: &SipConfig, sockets: SipSockets, shutdown: watch::Receiver<bool>) {
    run_reporting(config, sockets, shutdown, watch::channel(Vec::new()).0).await
}

/// [`run`], publishing the trunks' registration states on `status`. One
/// task owns the front door, the transactions and the registrations and
/// reads the UDP socket; each TCP connection has a reader task that frames
/// messages and hands them over, and a channel for what goes back on it.
pub async fn run_reporting(
    config: &SipConfig,
    sockets: SipSockets,
    mut shutdown: watch::Receiver<bool>,
    status: watch::Sender<Vec<TrunkStatus>>,
) {
    let (tcp_tx, mut tcp_rx) = mpsc::channel::<TcpInbound>(1024);
    let udp_addr = sockets.udp.local_addr().ok();
    let tcp_addr = sockets.tcp.local_addr().ok();
    let accept = tokio::spawn(tcp_accept(sockets.tcp, tcp_tx, shutdown.clone()));
    let mut core = Core {
        door: FrontDoor::new(front_config(config)),
        tsx: Transactions::new(TsxConfig::default()),
        udp: sockets.udp,
        tcp: HashMap::new(),
        registrations: Vec::new(),
        owners: HashMap::new(),
        rng: StdRng::from_os_rng(),
    };
    for (trunk, r) in config.trunks.iter().filter_map(|t| t.register.as_ref().map(|r| (t, r))) {
        let local = if r.transport == "tcp" { tcp_addr } else { udp_addr };
        match registration(trunk, r, local, &mut core.rng) {
            Ok(mut reg) => {
                reg.handle_start(Instant::now(), &mut core.rng);
                core.registrations.push((trunk.name.clone(), reg));
            }
            Err(e) => tracing::error!(trunk = %trunk.name, error = %e, "trunk registration not started"),
        }
    }
    core.send_registrations();
    let mut buf = vec![0u8; 65_535];
    let mut stopping: Option<tokio::time::Instant> = None;
    loop {
        let mut deadline = core.poll_timeout().map(tokio::time::Instant::from_std);
        if let Some(s) = stopping {
            deadline = Some(deadline.map_or(s, |d| d.min(s)));
        }
        tokio::select! {
            r = core.udp.recv_from(&mut buf) => match r {
                Ok((n, source)) => {
                    let bytes = buf[..n].to_vec();
                    core.handle_message(source, false, &bytes);
                }
                // ICMP errors from earlier sends surface here on Linux; they
                // are about one peer, not the socket.
                Err(e) => tracing::debug!(error = %e, "sip udp receive"),
            },
            m = tcp_rx.recv() => match m {
                Some(m) => {
                    core.tcp.insert(m.source, m.reply);
                    core.handle_message(m.source, true, &m.bytes);
                }
                None => break,
            },
            _ = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            } => {
                if stopping.is_some_and(|s| tokio::time::Instant::now() >= s) {
                    break;
                }
                core.handle_timeout(Instant::now());
            }
            _ = shutdown.wait_for(|s| *s), if stopping.is_none() => {
                // Unregister from the carriers, giving them a moment to answer.
                let now = Instant::now();
                for (_, reg) in &mut core.registrations {
                    reg.handle_stop(now, &mut core.rng);
                }
                core.send_registrations();
                stopping = Some(tokio::time::Instant::now() + UNREGISTER_GRACE);
            }
        }
        core.flush().await;
        core.publish(&status);
        if stopping.is_some() && core.registrations.iter().all(|(_, r)| matches!(r.state(), RegState::Unregistered)) {
            break;
        }
    }
    accept.abort();
}

/// How long shutdown waits for registrars to confirm an unregister.
const UNREGISTER_GRACE: Duration = Duration::from_secs(2);

fn registration(
    trunk: &TrunkConfig,
    r: &TrunkRegister,
    local: Option<SocketAddr>,
    rng: &mut StdRng,
) -> anyhow::Result<Registration> {
    let local = local.context("no local address for the contact")?;
    let transport = if r.transport == "tcp" { ";transport=tcp" } else { "" };
    let contact = match Uri::parse(&format!("sip:{}@{local}{transport}", r.username)) {
        Ok(Uri::Sip(u)) => u,
        _ => anyhow::bail!("trunk {}: username makes no valid contact URI", trunk.name),
    };
    Registration::new(
        RegistrationConfig {
            registrar: r.registrar,
            reliable: r.transport == "tcp",
            domain: r.domain.clone(),
            username: r.username.clone(),
            auth_username: r.auth_username.clone().unwrap_or_else(|| r.username.clone()),
            password: Password::new(r.password.expose()),
            contact,
            expires: r.expires,
        },
        rng,
    )
    .map_err(|e| anyhow::anyhow!("trunk {}: {e}", trunk.name))
}

struct Core {
    door: FrontDoor,
    tsx: Transactions,
    udp: UdpSocket,
    /// Open TCP connections by peer address, for what must go back on them.
    tcp: HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>,
    /// Trunk registrations, by trunk name.
    registrations: Vec<(String, Registration)>,
    /// Which registration sent the request of a client transaction.
    owners: HashMap<Key, usize>,
    rng: StdRng,
}

impl Core {
    fn poll_timeout(&self) -> Option<Instant> {
        let regs = self.registrations.iter().filter_map(|(_, r)| r.poll_timeout());
        self.tsx.poll_timeout().into_iter().chain(regs).min()
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.tsx.handle_timeout(now);
        for (_, reg) in &mut self.registrations {
            reg.handle_timeout(now, &mut self.rng);
        }
        self.send_registrations();
        self.handle_events(now);
    }

    /// Hands the registrations' requests to the client transactions.
    fn send_registrations(&mut self) {
        let now = Instant::now();
        for (i, (name, reg)) in self.registrations.iter_mut().enumerate() {
            while let Some(req) = reg.poll_request() {
                match self.tsx.send_request(now, reg.registrar(), reg.reliable(), req) {
                    Ok(key) => {
                        self.owners.insert(key, i);
                    }
                    Err(e) => tracing::warn!(trunk = %name, error = %e, "REGISTER not sent"),
                }
            }
        }
    }

    /// Publishes the trunks' states (and the gauge) when they change.
    fn publish(&self, status: &watch::Sender<Vec<TrunkStatus>>) {
        let now = Instant::now();
        let states: Vec<TrunkStatus> = self
            .registrations
            .iter()
            .map(|(name, reg)| TrunkStatus {
                name: name.clone(),
                registered: reg.state().is_registered(now),
                failure: match reg.state() {
                    RegState::Failed { reason, .. } => Some(format!("{reason:?}")),
                    _ => None,
                },
            })
            .collect();
        status.send_if_modified(|old| {
            if *old == states {
                return false;
            }
            for s in &states {
                metrics::gauge!("cc_trunk_registered", "trunk" => s.name.clone()).set(if s.registered {
                    1.0
                } else {
                    0.0
                });
            }
            *old = states;
            true
        });
    }

    fn handle_message(&mut self, source: SocketAddr, reliable: bool, bytes: &[u8]) {
        let transport = if reliable { "tcp" } else { "udp" };
        let to_tag = tag();
        let now = Instant::now();
        match self.door.handle_message(now, source, bytes, &to_tag) {
            Verdict::Reply { status, bytes } => {
                count(transport, "refused", status_label(status));
                self.send_now(source, reliable, bytes);
            }
            Verdict::Drop(reason) => count(transport, "dropped", reason.as_str()),
            Verdict::Response(r) => self.tsx.handle_response(now, source, r),
            Verdict::FromTrunk { request, .. } => {
                count(transport, "trunk", method_label(&request.method));
                let copy = (request.method != Method::Ack).then(|| request.clone());
                if let Err(e) = self.tsx.handle_request(now, source, reliable, request) {
                    // A full table: answer 503 statelessly rather than grow.
                    tracing::warn!(error = %e, "sip transaction refused");
                    if let Some(request) = copy {
                        let status = StatusCode::new(503).expect("503 is a valid status");
                        self.send_now(source, reliable, Response::for_request(&request, status, &to_tag).to_bytes());
                    }
                }
            }
        }
        self.handle_events(now);
    }

    /// The transaction user, until the call layer takes its place.
    fn handle_events(&mut self, now: Instant) {
        self.drain_events(now);
        self.send_registrations();
    }

    fn drain_events(&mut self, now: Instant) {
        while let Some(ev) = self.tsx.poll_event() {
            match ev {
                Event::Request { key, request, .. } => {
                    if let Some(resp) = placeholder(&request, &tag())
                        && let Err(e) = self.tsx.send_response(now, &key, resp)
                    {
                        tracing::debug!(error = %e, "sip response refused");
                    }
                }
                Event::Cancel { key, invite_key, request, .. } => {
                    let status = if invite_key.is_some() { StatusCode::OK } else { StatusCode::CALL_DOES_NOT_EXIST };
                    let _ = self.tsx.send_response(now, &key, Response::for_request(&request, status, &tag()));
                }
                Event::Response { key, response } => {
                    if let Some(&i) = self.owners.get(&key) {
                        self.registrations[i].1.handle_response(now, &response, &mut self.rng);
                    }
                }
                Event::Timeout { key, .. } | Event::TransportError { key } => {
                    count("any", "failed", "timeout");
                    if let Some(&i) = self.owners.get(&key) {
                        self.registrations[i].1.handle_transaction_timeout(now, &key, &mut self.rng);
                    }
                }
                Event::Terminated { key } => {
                    self.owners.remove(&key);
                }
                Event::StrayResponse { .. } => count("any", "dropped", "stray_response"),
                Event::Ack { .. } => {}
            }
        }
    }

    /// Sends what the transactions want sent.
    async fn flush(&mut self) {
        while let Some(t) = self.tsx.poll_transmit() {
            if t.reliable {
                let sent = self.tcp.get(&t.dest).is_some_and(|c| c.try_send(t.bytes).is_ok());
                if !sent {
                    self.tcp.remove(&t.dest);
                    if let Some(key) = t.key {
                        self.tsx.handle_transport_error(Instant::now(), &key);
                    }
                }
            } else if let Err(e) = self.udp.send_to(&t.bytes, t.dest).await {
                tracing::debug!(error = %e, "sip udp send");
            }
        }
        self.handle_events(Instant::now());
    }

    /// A stateless send (front-door refusals).
    fn send_now(&mut self, dest: SocketAddr, reliable: bool, bytes: Vec<u8>) {
        if reliable {
            if let Some(c) = self.tcp.get(&dest) {
                let _ = c.try_send(bytes);
            }
        } else if let Err(e) = self.udp.try_send_to(&bytes, dest) {
            tracing::debug!(error = %e, "sip udp send");
        }
    }
}

fn tag() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// The answer to a trunk's request until the call layer takes over.
fn placeholder(req: &Request, to_tag: &str) -> Option<Response> {
    let status = match req.method {
        Method::Ack => return None,
        Method::Options => StatusCode::OK,
        Method::Invite => StatusCode::new(480).expect("480 is a valid status"),
        Method::Bye | Method::Cancel => StatusCode::CALL_DOES_NOT_EXIST,
        _ => StatusCode::new(501).expect("501 is a valid status"),
    };
    let mut resp = Response::for_request(req, status, to_tag);
    if let Ok(allow) = OtherHeader::new("Allow", ALLOW) {
        resp = resp.with_header(Header::Other(allow));
    }
    if req.method == Method::Options
        && let Ok(accept) = OtherHeader::new("Accept", "application/sdp")
    {
        resp = resp.with_header(Header::Other(accept));
    }
    Some(resp)
}

fn method_label(m: &Method) -> &'static str {
    match m {
        Method::Invite => "INVITE",
        Method::Ack => "ACK",
        Method::Bye => "BYE",
        Method::Cancel => "CANCEL",
        Method::Options => "OPTIONS",
        Method::Register => "REGISTER",
        _ => "other",
    }
}

fn status_label(s: StatusCode) -> &'static str {
    match s.code() {
        400 => "400",
        403 => "403",
        406 => "406",
        415 => "415",
        416 => "416",
        420 => "420",
        505 => "505",
        _ => "other",
    }
}

fn count(transport: &'static str, outcome: &'static str, detail: &'static str) {
    metrics::counter!("cc_sip_messages_total", "transport" => transport, "outcome" => outcome, "detail" => detail)
        .increment(1);
}

async fn tcp_accept(listener: TcpListener, to_core: mpsc::Sender<TcpInbound>, shutdown: watch::Receiver<bool>) {
    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let (stream, source) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "sip tcp accept");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if open.load(Ordering::Relaxed) >= MAX_TCP {
            count("tcp", "dropped", "too_many_connections");
            continue;
        }
        open.fetch_add(1, Ordering::Relaxed);
        let (to_core, open, mut shutdown) = (to_core.clone(), open.clone(), shutdown.clone());
        tokio::spawn(async move {
            tokio::select! {
                _ = tcp_connection(stream, source, to_core) => {}
                _ = shutdown.wait_for(|s| *s) => {}
            }
            open.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

/// Frames messages from one connection for the core and writes back what
/// the core sends. A message that cannot be framed gets its error reply
/// (when there is one) and the connection is closed: after a framing error
/// the stream position is unknown.
async fn tcp_connection(stream: TcpStream, source: SocketAddr, to_core: mpsc::Sender<TcpInbound>) {
    let (mut rd, mut wr) = stream.into_split();
    let (reply_tx, mut reply_rx) = mpsc::channel::<Vec<u8>>(64);
    let writer = tokio::spawn(async move {
        while let Some(bytes) = reply_rx.recv().await {
            if wr.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = wr.shutdown().await;
    });
    let limits = Limits::default();
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    'read: loop {
        loop {
            match parse_stream(&buf, &limits) {
                // The framed message is judged again as a datagram: simple,
                // and TCP from carriers is light next to the media path.
                Ok(Framed::Message { consumed, .. }) => {
                    let bytes: Vec<u8> = buf.drain(..consumed).collect();
                    if to_core.send(TcpInbound { source, bytes, reply: reply_tx.clone() }).await.is_err() {
                        break 'read;
                    }
                }
                Ok(Framed::KeepAlive { consumed }) => {
                    buf.drain(..consumed);
                    // RFC 5626 §3.5.1: a CRLFCRLF ping gets a CRLF pong.
                    if consumed == 4 && reply_tx.send(b"\r\n".to_vec()).await.is_err() {
                        break 'read;
                    }
                }
                Ok(Framed::NeedMore) => break,
                Err(e) => {
                    count("tcp", "dropped", "malformed");
                    if let Some(reply) = crate::sip::reply_to_malformed(&buf, &e, &tag()) {
                        let _ = reply_tx.send(reply).await;
                    }
                    break 'read;
                }
            }
        }
        match tokio::time::timeout(TCP_IDLE, rd.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    drop(reply_tx);
    let _ = writer.await;
}
