//! The call-control driver: one task owning the [`Calls`] core, between
//! the SIP driver (dialogs), the media driver (legs) and the agents'
//! WebSockets.
//!
//! Inputs: [`SipEvent`]s from the SIP task, agents' requests over
//! [`CallsHandle`], presence changes (who is available), and browser legs
//! that end by themselves. Outputs go to the SIP task ([`SipCommand`]s),
//! to the media driver (legs to close) and to the agents' sockets as
//! [`Notice`]s on a broadcast channel each socket filters by agent.
//!
//! Answering opens two media legs: the agent's browser leg from their
//! WebRTC offer and the caller's RTP leg, bridged; the task awaits the media
//! driver for both (a channel round trip each), then the core answers the
//! caller.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use shared::ws::{AgentPresence, AgentStatus, ServerMsg};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

use super::sip::{CallLink, SipEvent};
use super::webrtc::{MediaEvent, WebRtcHandle};
use crate::calls::{CallError, Calls, MediaPlan, Output, SipCommand};
use crate::media::webrtc::{G711, LegMode};
use crate::sdp::Codec;

/// A message for one agent's open desks.
#[derive(Debug, Clone)]
pub struct Notice {
    pub agent: i64,
    pub msg: ServerMsg,
}

/// A refusal an agent's desk shows: a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl From<CallError> for Refusal {
    fn from(e: CallError) -> Refusal {
        Refusal { code: e.code(), message: e.to_string() }
    }
}

enum Request {
    Answer { agent: i64, call_id: String, sdp: String, reply: oneshot::Sender<Result<String, Refusal>> },
    Decline { agent: i64, call_id: String, reply: oneshot::Sender<Result<(), Refusal>> },
    HangUp { agent: i64, call_id: String, reply: oneshot::Sender<Result<(), Refusal>> },
}

/// How agents' sockets reach call control. Cheap to clone.
#[derive(Clone)]
pub struct CallsHandle {
    requests: mpsc::Sender<Request>,
}

fn gone() -> Refusal {
    Refusal { code: "unavailable", message: "call control is stopping".into() }
}

impl CallsHandle {
    /// The agent answers a ringing call with their softphone's WebRTC
    /// offer; the result is the gateway's answer.
    pub async fn answer(&self, agent: i64, call_id: String, sdp: String) -> Result<String, Refusal> {
        let (reply, rx) = oneshot::channel();
        self.requests.send(Request::Answer { agent, call_id, sdp, reply }).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    pub async fn decline(&self, agent: i64, call_id: String) -> Result<(), Refusal> {
        let (reply, rx) = oneshot::channel();
        self.requests.send(Request::Decline { agent, call_id, reply }).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    pub async fn hang_up(&self, agent: i64, call_id: String) -> Result<(), Refusal> {
        let (reply, rx) = oneshot::channel();
        self.requests.send(Request::HangUp { agent, call_id, reply }).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}

/// Starts call control. Returns the handle for agents' sockets and the
/// link the SIP driver takes.
pub fn start(
    media: WebRtcHandle,
    presence: broadcast::Receiver<AgentPresence>,
    notices: broadcast::Sender<Arc<Notice>>,
    shutdown: watch::Receiver<bool>,
) -> (CallsHandle, CallLink) {
    let (req_tx, req_rx) = mpsc::channel(256);
    let (up_tx, up_rx) = mpsc::unbounded_channel();
    let (down_tx, down_rx) = mpsc::unbounded_channel();
    let driver = Driver { core: Calls::new(), media, sip: down_tx, notices };
    tokio::spawn(driver.run(req_rx, up_rx, presence, shutdown));
    (CallsHandle { requests: req_tx }, CallLink { up: up_tx, down: down_rx })
}

struct Driver {
    core: Calls,
    media: WebRtcHandle,
    sip: mpsc::UnboundedSender<SipCommand>,
    notices: broadcast::Sender<Arc<Notice>>,
}

impl Driver {
    async fn run(
        mut self,
        mut requests: mpsc::Receiver<Request>,
        mut sip: mpsc::UnboundedReceiver<SipEvent>,
        mut presence: broadcast::Receiver<AgentPresence>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut media_events = self.media.subscribe();
        loop {
            tokio::select! {
                ev = sip.recv() => match ev {
                    Some(SipEvent::Incoming(incoming)) => {
                        let session_id = rand::random::<u32>() as u64;
                        self.core.handle_incoming(new_call_id(), now_rfc3339(), session_id, incoming);
                    }
                    Some(SipEvent::Dialog(ev)) => self.core.handle_dialog_event(ev),
                    None => return,
                },
                req = requests.recv() => match req {
                    Some(req) => self.handle_request(req).await,
                    None => return,
                },
                p = presence.recv() => match p {
                    Ok(p) => self.core.handle_agent(p.agent_id, p.connected && p.status == AgentStatus::Available),
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "call control missed presence changes");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                ev = media_events.recv() => match ev {
                    Ok(MediaEvent::LegEnded(leg, why)) => self.core.handle_leg_ended(leg, why),
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "call control missed media events");
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = async { drop(shutdown.wait_for(|s| *s).await) } => return,
            }
            self.flush();
            metrics::gauge!("cc_calls").set(self.core.len() as f64);
        }
    }

    async fn handle_request(&mut self, req: Request) {
        match req {
            Request::Answer { agent, call_id, sdp, reply } => {
                let r = self.answer(agent, &call_id, sdp).await;
                if let Err(e) = &r {
                    tracing::info!(agent, code = e.code, "answer refused");
                }
                let _ = reply.send(r);
            }
            Request::Decline { agent, call_id, reply } => {
                let _ = reply.send(self.core.handle_decline(agent, &call_id).map_err(Refusal::from));
            }
            Request::HangUp { agent, call_id, reply } => {
                let _ = reply.send(self.core.handle_hang_up(agent, &call_id).map_err(Refusal::from));
            }
        }
    }

    /// Takes the call for the agent, opens both legs, bridges them and
    /// answers the caller.
    async fn answer(&mut self, agent: i64, call_id: &str, offer: String) -> Result<String, Refusal> {
        let plan: MediaPlan = self.core.handle_answer(agent, call_id)?;
        // The agent is now on this call; its other offers were withdrawn.
        self.flush();
        let (leg, answer) = match self.media.add_leg(offer, LegMode::Forward).await {
            Ok(x) => x,
            Err(message) => {
                self.core.handle_media_failed(call_id);
                return Err(Refusal { code: "bad_sdp", message });
            }
        };
        let codec = match plan.codec {
            Codec::Pcmu => G711::Pcmu,
            Codec::Pcma => G711::Pcma,
        };
        let (rtp, local) = match self.media.add_rtp_leg(plan.remote, codec, plan.pt).await {
            Ok(x) => x,
            Err(message) => {
                self.media.remove_leg(leg);
                self.core.handle_media_failed(call_id);
                return Err(Refusal { code: "media_unavailable", message });
            }
        };
        let bridged = self.media.bridge(leg, rtp).await;
        let ready = bridged
            .map_err(|message| Refusal { code: "media_unavailable", message })
            .and_then(|()| self.core.handle_media_ready(call_id, leg, rtp, local).map_err(Refusal::from));
        if let Err(e) = ready {
            self.media.remove_leg(leg);
            self.media.remove_rtp_leg(rtp);
            self.core.handle_media_failed(call_id);
            return Err(e);
        }
        Ok(answer)
    }

    fn flush(&mut self) {
        while let Some(out) = self.core.poll_output() {
            match out {
                Output::Sip(cmd) => {
                    // Only fails when the SIP task is gone, at shutdown.
                    let _ = self.sip.send(cmd);
                }
                Output::Notify { agent, msg } => {
                    // No receivers: the agent has no desk open right now.
                    let _ = self.notices.send(Arc::new(Notice { agent, msg }));
                }
                Output::Release { browser, rtp } => {
                    if let Some(b) = browser {
                        self.media.remove_leg(b);
                    }
                    if let Some(r) = rtp {
                        self.media.remove_rtp_leg(r);
                    }
                }
            }
        }
    }
}

/// 128 random bits: a call id nobody can guess.
fn new_call_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn now_rfc3339() -> String {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    crate::store::rfc3339(ms)
}
