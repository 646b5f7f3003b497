//! The SIP listeners: one UDP socket and one TCP listener, feeding every
//! message to the front door ([`crate::sip::front`]) and doing what it says.
//!
//! Replies go back to the packet's source address, never to an address
//! named inside the message, so the gateway cannot be used to reflect
//! traffic at a third party. Until the call layer exists, requests from
//! trunks get honest placeholders: OPTIONS 200 (carriers ping with it),
//! INVITE 480 Temporarily Unavailable, other methods 501.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::watch;

use crate::config::SipConfig;
use crate::sip::front::{FrontConfig, FrontDoor, Verdict};
use crate::sip::{Framed, Header, Limits, Method, OtherHeader, Request, Response, StatusCode, parse_stream};

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
        trunks: config.trunks.iter().map(|t| (t.name.clone(), t.addresses.clone())).collect(),
        rate_per_source: config.rate_per_source,
        scanner_block: Duration::from_secs(config.scanner_block_secs),
    }
}

/// Serves SIP until `shutdown` turns true.
pub async fn run(config: &SipConfig, sockets: SipSockets, mut shutdown: watch::Receiver<bool>) {
    let door = Arc::new(Mutex::new(FrontDoor::new(front_config(config))));
    let udp = udp_loop(sockets.udp, door.clone());
    let tcp = tcp_accept(sockets.tcp, door, shutdown.clone());
    tokio::select! {
        _ = udp => {}
        _ = tcp => {}
        _ = shutdown.wait_for(|s| *s) => {}
    }
}

fn tag() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Judges one message and returns the bytes to send back, if any.
fn judge(door: &Mutex<FrontDoor>, source: SocketAddr, transport: &'static str, bytes: &[u8]) -> Option<Vec<u8>> {
    let to_tag = tag();
    let verdict = door.lock().expect("front door lock").handle_message(Instant::now(), source, bytes, &to_tag);
    match verdict {
        Verdict::Reply { status, bytes } => {
            count(transport, "refused", status_label(status));
            Some(bytes)
        }
        Verdict::Drop(reason) => {
            count(transport, "dropped", reason.as_str());
            None
        }
        Verdict::Response(_) => {
            // No client transactions exist yet, so every response is a stray.
            count(transport, "dropped", "stray_response");
            None
        }
        Verdict::FromTrunk { request, .. } => {
            count(transport, "trunk", method_label(&request.method));
            placeholder(&request, &to_tag).map(|r| r.to_bytes())
        }
    }
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
    if req.method == Method::Options {
        if let Ok(accept) = OtherHeader::new("Accept", "application/sdp") {
            resp = resp.with_header(Header::Other(accept));
        }
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

async fn udp_loop(socket: UdpSocket, door: Arc<Mutex<FrontDoor>>) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let (n, source) = match socket.recv_from(&mut buf).await {
            Ok(x) => x,
            Err(e) => {
                // ICMP errors from earlier sends surface here on Linux; they
                // are about one peer, not the socket.
                tracing::debug!(error = %e, "sip udp receive");
                continue;
            }
        };
        if let Some(reply) = judge(&door, source, "udp", &buf[..n]) {
            if let Err(e) = socket.send_to(&reply, source).await {
                tracing::debug!(error = %e, "sip udp send");
            }
        }
    }
}

async fn tcp_accept(listener: TcpListener, door: Arc<Mutex<FrontDoor>>, shutdown: watch::Receiver<bool>) {
    let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    loop {
        let (stream, source) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "sip tcp accept");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if open.load(std::sync::atomic::Ordering::Relaxed) >= MAX_TCP {
            count("tcp", "dropped", "too_many_connections");
            continue;
        }
        open.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (door, open, mut shutdown) = (door.clone(), open.clone(), shutdown.clone());
        tokio::spawn(async move {
            tokio::select! {
                _ = tcp_connection(stream, source, door) => {}
                _ = shutdown.wait_for(|s| *s) => {}
            }
            open.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        });
    }
}

/// Reads framed messages from one connection. A message that cannot be
/// framed gets its error reply (when there is one) and the connection is
/// closed: after a framing error the stream position is unknown.
async fn tcp_connection(mut stream: TcpStream, source: SocketAddr, door: Arc<Mutex<FrontDoor>>) {
    let limits = Limits::default();
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        // Frame and answer everything already buffered.
        loop {
            match parse_stream(&buf, &limits) {
                // The framed message is judged again as a datagram: simple,
                // and TCP from carriers is light next to the media path.
                Ok(Framed::Message { consumed, .. }) => {
                    let message: Vec<u8> = buf.drain(..consumed).collect();
                    if let Some(reply) = judge(&door, source, "tcp", &message) {
                        if stream.write_all(&reply).await.is_err() {
                            return;
                        }
                    }
                }
                Ok(Framed::KeepAlive { consumed }) => {
                    buf.drain(..consumed);
                    // RFC 5626 §3.5.1: a CRLFCRLF ping gets a CRLF pong.
                    if consumed == 4 && stream.write_all(b"\r\n").await.is_err() {
                        return;
                    }
                }
                Ok(Framed::NeedMore) => break,
                Err(e) => {
                    count("tcp", "dropped", "malformed");
                    if let Some(reply) = crate::sip::reply_to_malformed(&buf, &e, &tag()) {
                        let _ = stream.write_all(&reply).await;
                    }
                    return;
                }
            }
        }
        let n = match tokio::time::timeout(TCP_IDLE, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
            Ok(Ok(n)) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
    }
}
