//! The SIP listeners: one UDP socket and one TCP listener, feeding every
//! message to the front door ([`crate::sip::front`]) and doing what it says.
//!
//! Replies go back to the packet's source address, never to an address
//! named inside the message, so the gateway cannot be used to reflect
//! traffic at a third party. Requests from trunks go through RFC 3261
//! transactions (retransmissions absorbed, responses resent) and the dialog
//! layer; a new INVITE becomes a dialog and goes up to call control
//! ([`SipEvent::Incoming`]), which answers with [`SipCommand`]s. OPTIONS
//! gets 200 (carriers ping with it), other methods outside a dialog 501.
//! Without call control (`run`, `run_reporting`) INVITEs get 480 Temporarily
//! Unavailable. Refusals of strangers stay stateless: they must cost us
//! nothing.
//!
//! The channels to call control are unbounded in both directions so that
//! neither task ever waits on the other; what flows is bounded by the
//! dialog table's cap.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, watch};

use crate::calls::{Incoming, SipCommand, identity};
use crate::config::{SipConfig, TrunkConfig, TrunkRegister};
use crate::sip::dialog::{
    Command as DialogCommand, Config as DialogConfig, Credentials, DialogId, Dialogs, Event as DialogEvent, Failure,
    Local, OutboundCall,
};
use crate::sip::digest::Password;
use crate::sip::front::{FrontConfig, FrontDoor, Verdict};
use crate::sip::register::{Registration, RegistrationConfig, State as RegState};
use crate::sip::transaction::{Config as TsxConfig, Event, Key, Transactions};
use crate::sip::{CallId, NameAddr, SipUri, Uri};
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

/// What the SIP side tells call control.
#[derive(Debug)]
pub enum SipEvent {
    /// A new call from a trunk, now an early dialog.
    Incoming(Incoming),
    /// Something happened to a dialog call control holds.
    Dialog(DialogEvent),
    /// The INVITE of [`SipCommand::Invite`] left (with its dialog), or
    /// could not (no outbound trunk, a full table).
    Invited { call_id: String, dialog: Result<DialogId, ()> },
}

/// The SIP driver's end of the link to call control.
pub struct CallLink {
    pub up: mpsc::UnboundedSender<SipEvent>,
    pub down: mpsc::UnboundedReceiver<SipCommand>,
}

/// Serves SIP until `shutdown` turns true.
pub async fn run(config: &SipConfig, sockets: SipSockets, shutdown: watch::Receiver<bool>) {
    run_reporting(config, sockets, shutdown, watch::channel(Vec::new()).0).await
}

/// [`run_linked`] without call control: INVITEs are refused 480.
pub async fn run_reporting(
    config: &SipConfig,
    sockets: SipSockets,
    shutdown: watch::Receiver<bool>,
    status: watch::Sender<Vec<TrunkStatus>>,
) {
    run_linked(config, sockets, shutdown, status, None).await
}

/// Serves SIP, publishing the trunks' registration states on `status` and
/// handing calls to call control over `link`. One task owns the front door,
/// the transactions, the dialogs and the registrations and reads the UDP
/// socket; each TCP connection has a reader task that frames messages and
/// hands them over, and a channel for what goes back on it.
pub async fn run_linked(
    config: &SipConfig,
    sockets: SipSockets,
    mut shutdown: watch::Receiver<bool>,
    status: watch::Sender<Vec<TrunkStatus>>,
    link: Option<CallLink>,
) {
    let (tcp_tx, mut tcp_rx) = mpsc::channel::<TcpInbound>(1024);
    let udp_addr = sockets.udp.local_addr().ok();
    let tcp_addr = sockets.tcp.local_addr().ok();
    let (up, mut down) = match link {
        Some(l) => (Some(l.up), Some(l.down)),
        None => (None, None),
    };
    let accept = tokio::spawn(tcp_accept(sockets.tcp, tcp_tx, shutdown.clone()));
    let mut core = Core {
        door: FrontDoor::new(front_config(config)),
        tsx: Transactions::new(TsxConfig::default()),
        udp: sockets.udp,
        tcp: HashMap::new(),
        registrations: Vec::new(),
        owners: HashMap::new(),
        rng: StdRng::from_os_rng(),
        dialogs: Dialogs::new(DialogConfig::default()),
        up,
        contacts: Contacts::new(config, udp_addr, tcp_addr),
        outbound: OutboundRoute::from_config(config),
        trunk_names: config.trunks.iter().map(|t| t.name.clone()).collect(),
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
            cmd = async {
                match down.as_mut() {
                    Some(d) => d.recv().await,
                    None => std::future::pending().await,
                }
            } => match cmd {
                Some(cmd) => core.handle_call_command(Instant::now(), cmd),
                // Call control is gone: the gateway is stopping.
                None => down = None,
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
    dialogs: Dialogs,
    /// Call control, when linked.
    up: Option<mpsc::UnboundedSender<SipEvent>>,
    contacts: Contacts,
    /// Trunk names by the front door's trunk index.
    trunk_names: Vec<String>,
    outbound: Option<OutboundRoute>,
}

/// Where and how agents' outbound calls leave: the first trunk with an
/// `outbound` section.
struct OutboundRoute {
    proxy: SocketAddr,
    reliable: bool,
    /// The host of the Request-URI, From and To.
    domain: String,
    credentials: Option<Credentials>,
}

impl OutboundRoute {
    fn from_config(config: &SipConfig) -> Option<OutboundRoute> {
        let trunk = config.trunks.iter().find(|t| t.outbound.is_some())?;
        let o = trunk.outbound.as_ref()?;
        let credentials = match (&o.username, &o.password, &trunk.register) {
            (Some(u), Some(p), _) => Some(Credentials { username: u.clone(), password: Password::new(p.expose()) }),
            (_, _, Some(r)) => Some(Credentials {
                username: r.auth_username.clone().unwrap_or_else(|| r.username.clone()),
                password: Password::new(r.password.expose()),
            }),
            _ => None,
        };
        Some(OutboundRoute {
            proxy: o.proxy,
            reliable: o.transport == "tcp",
            domain: o.domain.clone().unwrap_or_else(|| o.proxy.to_string()),
            credentials,
        })
    }
}

/// Our Contact URIs, one per transport: where peers send in-dialog requests.
struct Contacts {
    udp: Option<SipUri>,
    tcp: Option<SipUri>,
}

impl Contacts {
    fn new(config: &SipConfig, udp: Option<SocketAddr>, tcp: Option<SocketAddr>) -> Contacts {
        let uri = |addr: Option<SocketAddr>, transport: &str| {
            let mut addr = addr?;
            if let Some(ip) = config.public_address {
                addr.set_ip(ip);
            }
            match Uri::parse(&format!("sip:gw@{addr}{transport}")) {
                Ok(Uri::Sip(u)) => Some(u),
                _ => None,
            }
        };
        Contacts { udp: uri(udp, ""), tcp: uri(tcp, ";transport=tcp") }
    }
}

impl Core {
    fn poll_timeout(&self) -> Option<Instant> {
        let regs = self.registrations.iter().filter_map(|(_, r)| r.poll_timeout());
        self.tsx.poll_timeout().into_iter().chain(self.dialogs.poll_timeout()).chain(regs).min()
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.tsx.handle_timeout(now);
        self.dialogs.handle_timeout(now);
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
        loop {
            let mut quiet = true;
            while let Some(command) = self.dialogs.poll_command() {
                quiet = false;
                self.run_dialog_command(now, command);
            }
            while let Some(ev) = self.tsx.poll_event() {
                quiet = false;
                if let Some(left) = self.dialogs.handle_transaction_event(now, ev) {
                    self.handle_leftover(now, left);
                }
            }
            while let Some(ev) = self.dialogs.poll_event() {
                quiet = false;
                if let DialogEvent::Terminated { reason, .. } = &ev {
                    tracing::debug!(?reason, "dialog ended");
                }
                if let Some(up) = &self.up {
                    let _ = up.send(SipEvent::Dialog(ev));
                }
            }
            if quiet {
                break;
            }
        }
        metrics::gauge!("cc_sip_dialogs").set(self.dialogs.len() as f64);
    }

    fn run_dialog_command(&mut self, now: Instant, command: DialogCommand) {
        match command {
            DialogCommand::Request { key, dest, reliable, request } => {
                if self.tsx.send_request(now, dest, reliable, request).is_err() {
                    self.dialogs.handle_failure(now, &key, Failure::Transport);
                }
            }
            // A 2xx retransmission may outlive its transaction: harmless.
            DialogCommand::Response { key, response } => drop(self.tsx.send_response(now, &key, response)),
            DialogCommand::Ack { dest, reliable, request } => {
                if let Err(e) = self.tsx.send_ack(dest, reliable, &request) {
                    tracing::debug!(error = %e, "ACK not sent");
                }
            }
            DialogCommand::Abandon { key } => self.tsx.abandon(&key),
        }
    }

    /// A transaction event the dialog layer left: new INVITEs, requests
    /// outside dialogs, and the registrations' transactions.
    fn handle_leftover(&mut self, now: Instant, ev: Event) {
        match ev {
            Event::Request { key, request, source } => {
                if request.method == Method::Invite && self.up.is_some() {
                    self.handle_new_invite(now, key, request, source);
                } else if let Some(resp) = placeholder(&request, &tag())
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

    /// A trunk's INVITE outside any dialog: an early dialog, and a call for
    /// call control.
    fn handle_new_invite(&mut self, now: Instant, key: Key, request: Request, source: SocketAddr) {
        let reliable = request.headers.via.first().is_some_and(|v| v.transport.is_stream());
        let contact = if reliable { &self.contacts.tcp } else { &self.contacts.udp };
        let Some(contact) = contact.clone() else {
            // No listener address for our Contact on this transport: refuse
            // rather than leave the carrier retransmitting.
            let status = StatusCode::new(503).expect("503 is a valid status");
            let _ = self.tsx.send_response(now, &key, Response::for_request(&request, status, &tag()));
            return;
        };
        let trunk = self.door.trunk_of(source.ip()).and_then(|i| self.trunk_names.get(i)).cloned().unwrap_or_default();
        let caller = identity::caller(&request);
        let dialed = identity::dialed(&request);
        let sdp = (!request.body.is_empty()).then(|| request.body.clone());
        match self.dialogs.handle_invite(now, key, request, source, Local { contact, tag: tag() }) {
            Ok(dialog) => {
                count(if reliable { "tcp" } else { "udp" }, "call", "incoming");
                if let Some(up) = &self.up {
                    let _ = up.send(SipEvent::Incoming(Incoming { dialog, trunk, caller, dialed, sdp, web: None }));
                }
            }
            // The dialog layer queued the answer (503, 400) where one is due.
            Err(e) => tracing::info!(error = %e, "incoming INVITE refused"),
        }
    }

    /// Places an agent's outbound call through the outbound trunk.
    /// `caller_id` is the From user: the trunk's or one of its
    /// `caller_ids` (call control checked it against the configuration).
    fn invite(&mut self, now: Instant, number: &str, caller_id: &str, sdp: Vec<u8>) -> Result<DialogId, String> {
        let route = self.outbound.as_ref().ok_or("no outbound trunk")?;
        let contact = if route.reliable { &self.contacts.tcp } else { &self.contacts.udp };
        let contact = contact.clone().ok_or("no local address for the contact")?;
        // `#` is not allowed as is in a SIP URI user part (RFC 3261 §25.1).
        let user = number.replace('#', "%23");
        let transport = if route.reliable { ";transport=tcp" } else { "" };
        let parse = |s: String| NameAddr::parse(&s).map_err(|e| e.to_string());
        let request_uri = Uri::parse(&format!("sip:{user}@{}{transport}", route.domain)).map_err(|e| e.to_string())?;
        let call = OutboundCall {
            request_uri,
            from: parse(format!("<sip:{}@{}>", caller_id, route.domain))?,
            to: parse(format!("<sip:{user}@{}>", route.domain))?,
            local: Local { contact: contact.clone(), tag: tag() },
            call_id: CallId::parse(&format!("{:032x}@{}", rand::random::<u128>(), contact.host))
                .map_err(|e| e.to_string())?,
            route: Vec::new(),
            dest: route.proxy,
            reliable: route.reliable,
            sdp,
            credentials: route.credentials.clone(),
        };
        self.dialogs.invite(now, call).map_err(|e| e.to_string())
    }

    /// A command from call control.
    fn handle_call_command(&mut self, now: Instant, cmd: SipCommand) {
        let (dialog, result): (DialogId, _) = match cmd {
            SipCommand::Invite { call_id, number, caller_id, sdp } => {
                let dialog = self.invite(now, &number, &caller_id, sdp).map_err(|e| {
                    tracing::warn!(error = %e, "outbound INVITE not sent");
                });
                if let Some(up) = &self.up {
                    let _ = up.send(SipEvent::Invited { call_id, dialog });
                }
                self.handle_events(now);
                return;
            }
            SipCommand::Ring { dialog } => (dialog, self.dialogs.ring(now, dialog, RINGING, None)),
            SipCommand::Accept { dialog, sdp } => (dialog, self.dialogs.accept(now, dialog, Some(sdp))),
            SipCommand::Reject { dialog, status } => (dialog, self.dialogs.reject(now, dialog, status)),
            SipCommand::HangUp { dialog } => (dialog, self.dialogs.hang_up(now, dialog)),
            SipCommand::Reinvite { dialog, sdp } => (dialog, self.dialogs.reinvite(now, dialog, sdp)),
        };
        // Races with the peer (a BYE crossing ours) end here: the dialog's
        // own Terminated event has told call control already.
        if let Err(e) = result {
            tracing::debug!(%dialog, error = %e, "call command not applied");
        }
        self.handle_events(now);
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

const RINGING: StatusCode = match StatusCode::new(180) {
    Some(s) => s,
    None => panic!("180 is a status code"),
};

/// The answer to a trunk's request outside a dialog that call control does
/// not take.
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
