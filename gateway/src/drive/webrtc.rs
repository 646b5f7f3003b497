//! The WebRTC driver: owns the one UDP socket of every browser leg and the
//! [`Endpoint`] core, and takes commands (new leg, end leg) from the rest of
//! the gateway over a channel.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};

use crate::config::WebRtcConfig;
use crate::media::webrtc::{Endpoint, LegEvent, LegId, LegMode};

enum Command {
    AddLeg { offer: String, mode: LegMode, reply: oneshot::Sender<Result<(LegId, String), String>> },
    RemoveLeg(LegId),
}

/// How the rest of the gateway reaches the driver. Cheap to clone.
#[derive(Clone)]
pub struct WebRtcHandle {
    commands: mpsc::Sender<Command>,
    local: SocketAddr,
}

impl WebRtcHandle {
    /// Answers a browser's offer with a new leg; the error says why not.
    pub async fn add_leg(&self, offer: String, mode: LegMode) -> Result<(LegId, String), String> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::AddLeg { offer, mode, reply }).await.map_err(|_| "media is shutting down")?;
        answer.await.map_err(|_| "media is shutting down".to_owned())?
    }

    pub fn remove_leg(&self, id: LegId) {
        let _ = self.commands.try_send(Command::RemoveLeg(id));
    }

    /// The address browsers send media to.
    pub fn local(&self) -> SocketAddr {
        self.local
    }
}

/// Binds `webrtc.listen` and starts the driver.
pub async fn start(config: &WebRtcConfig, shutdown: watch::Receiver<bool>) -> anyhow::Result<WebRtcHandle> {
    let socket =
        UdpSocket::bind(config.listen).await.with_context(|| format!("binding webrtc.listen {}", config.listen))?;
    let bound = socket.local_addr()?;
    let advertised = SocketAddr::new(config.public_address.unwrap_or(bound.ip()), bound.port());
    tracing::info!(%bound, %advertised, "listening for WebRTC media");
    let (tx, rx) = mpsc::channel(256);
    tokio::spawn(run(socket, Endpoint::new(advertised), rx, shutdown));
    Ok(WebRtcHandle { commands: tx, local: advertised })
}

async fn run(
    socket: UdpSocket,
    mut ep: Endpoint,
    mut commands: mpsc::Receiver<Command>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 2048];
    loop {
        let deadline = ep.poll_timeout().map(tokio::time::Instant::from_std);
        tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, source)) => {
                    if !ep.handle_receive(Instant::now(), source, &buf[..n]) {
                        metrics::counter!("cc_webrtc_datagrams_dropped_total", "reason" => "no_leg").increment(1);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "webrtc receive"),
            },
            cmd = commands.recv() => match cmd {
                Some(Command::AddLeg { offer, mode, reply }) => {
                    let r = ep.add_leg(Instant::now(), &offer, mode).map_err(|e| e.to_string());
                    let _ = reply.send(r);
                }
                Some(Command::RemoveLeg(id)) => ep.remove_leg(id),
                None => return,
            },
            _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                ep.handle_timeout(Instant::now());
            }
            _ = shutdown.wait_for(|s| *s) => return,
        }
        while let Some(t) = ep.poll_transmit() {
            if let Err(e) = socket.send_to(&t.contents, t.destination).await {
                tracing::debug!(error = %e, "webrtc send");
            }
        }
        while let Some(ev) = ep.poll_event() {
            match ev {
                LegEvent::Connected(id) => {
                    metrics::counter!("cc_webrtc_legs_connected_total").increment(1);
                    tracing::debug!(leg = id.0, "webrtc leg connected");
                }
                // Nothing forwards yet: bridges come with the call layer.
                LegEvent::Audio(..) => {}
                LegEvent::Ended(id, reason) => {
                    metrics::counter!("cc_webrtc_legs_ended_total").increment(1);
                    tracing::debug!(leg = id.0, ?reason, "webrtc leg ended");
                }
            }
        }
        metrics::gauge!("cc_webrtc_legs").set(ep.legs() as f64);
    }
}
