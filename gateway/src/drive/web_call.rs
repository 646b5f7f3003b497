//! Web call button callers, as call control sees them: a caller like any
//! other, on a stand-in dialog ([`DialogId::web`]) that no SIP stack holds.
//!
//! The widget's WebRTC leg is bridged, forwarding without decoding, to an
//! RTP leg of our own ("the web side"), which offers itself to call control
//! as a SIP caller's INVITE would. Call control answers it with the
//! caller's RTP leg as for a phone call, and everything after (IVR, queue,
//! agent, hold, recording, supervisors, survey) runs unchanged on that leg.
//! The price is one loopback hop per packet; the gain is one media path.
//!
//! The SIP commands call control gives a stand-in dialog are carried out
//! here: the answer points the web side at the caller's leg, a hang-up or
//! refusal ends the widget's call, a re-INVITE (hold) is agreed at once.
//! Keys from the widget's dialpad leave the web side as RFC 4733 events, so
//! the IVR reads them as it reads a phone's.

use std::collections::HashMap;
use std::net::SocketAddr;

use tokio::sync::mpsc;

use super::{Back, Driver, Refusal, new_call_id, now_rfc3339};
use crate::calls::{CallerPhase, Incoming, SipCommand, WebCaller, identity::Caller};
use crate::media::rtp_leg::RtpLegId;
use crate::media::webrtc::{G711, LegId, LegMode};
use crate::sdp::{self, Codec};
use crate::sip::dialog::{DialogId, Event as DialogEvent, Reason};

/// The web side's payload type for telephone-events (our offer's).
const TE_PT: u8 = 101;
/// Keys one message may carry.
pub const MAX_DIGITS: usize = 32;

/// What a widget's socket is told about its call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebEvent {
    Phase(CallerPhase),
    /// The call is over (`reason`: `ended`, `refused`, `failed`).
    Ended(&'static str),
}

/// A web caller's call, from the widget's socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebCallRequest {
    /// The entry point (`web:<name>`).
    pub entry: String,
    /// The widget's WebRTC offer.
    pub sdp: String,
    pub caller: WebCaller,
}

pub(super) struct WebLeg {
    leg: LegId,
    rtp: RtpLegId,
    events: mpsc::Sender<WebEvent>,
    /// The call, until the caller's media is up: only then does it go to
    /// call control, so that the first prompt is not played to nobody.
    waiting: Option<Incoming>,
}

#[derive(Default)]
pub(super) struct WebLegs {
    by_dialog: HashMap<DialogId, WebLeg>,
    by_leg: HashMap<LegId, DialogId>,
    next: u64,
}

impl Driver {
    /// Opens a web caller's legs and hands the call to call control as an
    /// incoming one. The result is the stand-in dialog and the answer for
    /// the widget.
    pub(super) async fn web_call(
        &mut self,
        req: WebCallRequest,
        events: mpsc::Sender<WebEvent>,
    ) -> Result<(DialogId, String), Refusal> {
        if !req.entry.starts_with("web:") {
            return Err(Refusal { code: "bad_entry", message: "not a web entry point".into() });
        }
        let (leg, answer) = self
            .media
            .add_leg(req.sdp, LegMode::Forward)
            .await
            .map_err(|message| Refusal { code: "bad_sdp", message })?;
        let nowhere = SocketAddr::from(([0, 0, 0, 0], 0));
        let (rtp, local) = match self.media.add_rtp_leg(nowhere, G711::Pcmu, Codec::Pcmu.static_pt(), Some(TE_PT)).await
        {
            Ok(x) => x,
            Err(message) => {
                self.media.remove_leg(leg);
                return Err(Refusal { code: "media_unavailable", message });
            }
        };
        if let Err(message) = self.media.bridge(leg, rtp).await {
            self.media.remove_leg(leg);
            self.media.remove_rtp_leg(rtp);
            return Err(Refusal { code: "media_unavailable", message });
        }
        self.web.next += 1;
        let dialog = DialogId::web(self.web.next);
        let session = rand::random::<u32>() as u64;
        let offer = sdp::make_offer(local, &[Codec::Pcmu], session, 1, sdp::Direction::SendRecv);
        metrics::counter!("cc_web_calls_total").increment(1);
        let incoming = Incoming {
            dialog,
            trunk: "web".into(),
            caller: Caller { number: "web".into(), name: None },
            dialed: req.entry,
            sdp: Some(offer.to_string().into_bytes()),
            web: Some(req.caller),
        };
        // The browser connects once it has our answer; a leg that never does
        // ends by itself (no media), and the call with it.
        self.web.by_dialog.insert(dialog, WebLeg { leg, rtp, events, waiting: Some(incoming) });
        self.web.by_leg.insert(leg, dialog);
        Ok((dialog, answer))
    }

    /// A browser leg's media is up: a web caller waiting for it goes to
    /// call control now.
    pub(super) fn web_leg_connected(&mut self, leg: LegId) {
        let Some(dialog) = self.web.by_leg.get(&leg) else { return };
        let Some(incoming) = self.web.by_dialog.get_mut(dialog).and_then(|w| w.waiting.take()) else { return };
        self.route_incoming(incoming);
    }

    /// Looks the entry point's flow (and a vouched-for customer) up, then
    /// hands the call to the core ([`Back::Routed`]).
    pub(super) fn route_incoming(&mut self, incoming: Incoming) {
        self.routing_dialogs.insert(incoming.dialog, true);
        let (store, back) = (self.store.clone(), self.back.clone());
        let (call_id, started) = (new_call_id(), now_rfc3339());
        tokio::spawn(async move {
            let flow = match store.flow_for_entry(&incoming.dialed).await {
                Ok(flow) => flow.map(std::sync::Arc::new),
                Err(e) => {
                    tracing::error!(error = %e, "entry point lookup failed");
                    None
                }
            };
            let code = incoming.web.as_ref().and_then(|w| w.customer_code.clone());
            let customer = match code {
                Some(code) => match store.customers().by_code(&code).await {
                    Ok(c) => c.map(|c| crate::ivr::CustomerRef {
                        id: c.id,
                        name: c.name.unwrap_or_default(),
                        code: Some(c.code),
                    }),
                    Err(e) => {
                        tracing::warn!(error = %e, "customer lookup failed");
                        None
                    }
                },
                None => None,
            };
            let _ = back.send(Back::Routed { call_id, started, incoming: Box::new(incoming), flow, customer });
        });
    }

    /// Carries out what call control asks of a web caller's stand-in dialog.
    pub(super) fn web_command(&mut self, cmd: SipCommand) {
        match cmd {
            SipCommand::Accept { dialog, sdp } => {
                let Some(w) = self.web.by_dialog.get(&dialog) else { return };
                let agreed = sdp::parse(&sdp).ok().and_then(|s| sdp::read_answer(&s, &[Codec::Pcmu]).ok());
                match agreed {
                    Some(a) => self.media.set_rtp_remote(w.rtp, a.remote, G711::Pcmu, a.codec_pt, a.telephone_event_pt),
                    None => {
                        // Our own answer unreadable: a bug, not the caller's.
                        tracing::error!("web caller's answer unreadable");
                        self.web_hang_up(dialog, "failed");
                    }
                }
            }
            SipCommand::Reinvite { dialog, .. } => {
                // Hold and resume change nothing on the web side.
                self.core.handle_dialog_event(DialogEvent::ReInviteAnswered { id: dialog, sdp: None });
            }
            SipCommand::Reject { dialog, .. } => self.web_gone(dialog, "refused"),
            SipCommand::HangUp { dialog } => self.web_gone(dialog, "ended"),
            SipCommand::Ring { .. } | SipCommand::Invite { .. } => {}
        }
    }

    /// Tells the widget how its call stands.
    pub(super) fn web_phase(&mut self, dialog: DialogId, phase: CallerPhase) {
        if let Some(w) = self.web.by_dialog.get(&dialog) {
            // A full channel: the widget is not reading; the next phase tells it.
            let _ = w.events.try_send(WebEvent::Phase(phase));
        }
    }

    /// The widget pressed keys.
    pub(super) fn web_digits(&mut self, dialog: DialogId, digits: &str) -> Result<(), Refusal> {
        let w = self.web.by_dialog.get(&dialog).ok_or(Refusal { code: "call_gone", message: "no such call".into() })?;
        if digits.is_empty()
            || digits.len() > MAX_DIGITS
            || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
        {
            return Err(Refusal { code: "bad_digits", message: format!("1 to {MAX_DIGITS} of 0-9 * #") });
        }
        self.media.send_digits(w.rtp, digits.to_owned());
        Ok(())
    }

    /// The caller hung up (the button, the page closed, the leg died): call
    /// control hears a BYE.
    pub(super) fn web_hang_up(&mut self, dialog: DialogId, reason: &'static str) {
        let Some(w) = self.web.by_dialog.get(&dialog) else { return };
        if w.waiting.is_some() {
            // Call control never had it.
            self.web_gone(dialog, reason);
            return;
        }
        if let Some(alive) = self.routing_dialogs.get_mut(&dialog) {
            *alive = false;
        }
        self.core.advance(super::now_ms());
        self.core.handle_dialog_event(DialogEvent::Terminated { id: dialog, reason: Reason::RemoteBye });
        self.web_gone(dialog, reason);
    }

    /// A browser leg ended by itself: a web caller's hangs up their call.
    pub(super) fn web_leg_ended(&mut self, leg: LegId) -> bool {
        let Some(&dialog) = self.web.by_leg.get(&leg) else { return false };
        self.web_hang_up(dialog, "ended");
        true
    }

    /// The call is over for the widget: its legs close.
    fn web_gone(&mut self, dialog: DialogId, reason: &'static str) {
        let Some(w) = self.web.by_dialog.remove(&dialog) else { return };
        self.web.by_leg.remove(&w.leg);
        let _ = w.events.try_send(WebEvent::Ended(reason));
        // Nothing else knows the web side's legs: they must close.
        self.media.remove_surely(w.leg, w.rtp);
    }
}
