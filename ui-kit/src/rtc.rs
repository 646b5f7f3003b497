//! WebRTC legs to the gateway, as the audio check and the softphone use
//! them: a peer connection sending one microphone track, its offer with
//! every ICE candidate in it, the gateway's answer, and the returned audio
//! played on the chosen speaker.
//!
//! The gateway is ICE-lite and reads the candidates from the offer only, so
//! the offer waits for gathering to finish (at most [`ICE_GATHERING_MAX`]);
//! the signalling itself (which message carries the offer) is the caller's.
//! Every peer connection gets the STUN/TURN servers of the last `welcome`
//! ([`crate::WsClient::ice_servers`]) as its `iceServers`; none: the
//! browser's defaults.

use std::time::Duration;

use js_sys::Array;
use leptos::task::spawn_local;
use shared::ws::IceServer;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    HtmlMediaElement, MediaStream, MediaStreamTrack, RtcConfiguration, RtcIceGatheringState, RtcIceServer,
    RtcPeerConnection, RtcPeerConnectionState, RtcSdpType, RtcSessionDescriptionInit, RtcTrackEvent,
};

use crate::{format, media};

/// How long the offer waits for its ICE candidates.
pub const ICE_GATHERING_MAX: Duration = Duration::from_secs(3);

/// A peer connection sending a copy of a microphone track, with the
/// callbacks it holds. [`Peer::close`] releases all of it.
pub struct Peer {
    pc: RtcPeerConnection,
    /// Our copy of the microphone track: stopping it leaves the caller's.
    track: MediaStreamTrack,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    _on_state: Closure<dyn FnMut()>,
}

impl Peer {
    /// A peer connection sending a copy of `mic` (the browser's
    /// `MediaStreamTrack.clone()`), with `ice_servers` as its `iceServers`
    /// (empty: the browser's defaults). `on_track` gets the gateway's audio;
    /// `on_state` runs on every change of the connection state.
    pub fn new(
        mic: &MediaStreamTrack,
        ice_servers: &[IceServer],
        on_track: impl FnMut(RtcTrackEvent) + 'static,
        on_state: impl FnMut() + 'static,
    ) -> Result<Peer, JsValue> {
        let track = MediaStreamTrack::clone(mic);
        let (pc, stream) = match (peer_connection(ice_servers), MediaStream::new_with_tracks(&Array::of1(&track))) {
            (Ok(pc), Ok(stream)) => (pc, stream),
            (Err(e), _) | (_, Err(e)) => {
                track.stop();
                return Err(e);
            }
        };
        pc.add_track_0(&track, &stream);
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(on_track);
        let on_state = Closure::<dyn FnMut()>::new(on_state);
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        Ok(Peer { pc, track, _on_track: on_track, _on_state: on_state })
    }

    /// The peer connection, e.g. to negotiate with [`offer`] and [`accept_answer`].
    pub fn pc(&self) -> &RtcPeerConnection {
        &self.pc
    }

    pub fn connection_state(&self) -> RtcPeerConnectionState {
        self.pc.connection_state()
    }

    /// Mutes (sends silence) or unmutes the microphone on this connection
    /// only, through its track's `enabled`.
    pub fn set_muted(&self, muted: bool) {
        self.track.set_enabled(!muted);
    }

    /// Closes the connection and stops our track; the callbacks are dropped
    /// later, since one of them may be running now.
    pub fn close(self) {
        self.pc.set_ontrack(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.close();
        self.track.stop();
        discard(self);
    }
}

thread_local! {
    /// The gateway's `webrtc.ice_transport_policy` is `relay` (told on
    /// connecting; the same for every leg of the session).
    static RELAY_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Every peer connection made from now on uses only relayed candidates
/// (`iceTransportPolicy: "relay"`), or any.
pub fn set_relay_only(on: bool) {
    RELAY_ONLY.with(|r| r.set(on));
}

/// A peer connection using `ice_servers`; the browser's defaults when
/// there are none.
fn peer_connection(ice_servers: &[IceServer]) -> Result<RtcPeerConnection, JsValue> {
    let relay_only = RELAY_ONLY.with(|r| r.get());
    if ice_servers.is_empty() && !relay_only {
        return RtcPeerConnection::new();
    }
    let servers = Array::new();
    for server in ice_servers {
        let urls: Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
        let entry = RtcIceServer::new();
        entry.set_urls(&urls);
        if let Some(username) = &server.username {
            entry.set_username(username);
        }
        if let Some(credential) = &server.credential {
            entry.set_credential(credential);
        }
        servers.push(&entry);
    }
    let config = RtcConfiguration::new();
    config.set_ice_servers(&servers);
    if relay_only {
        config.set_ice_transport_policy(web_sys::RtcIceTransportPolicy::Relay);
    }
    RtcPeerConnection::new_with_configuration(&config)
}

/// Creates the offer, sets it as the local description and waits for ICE
/// gathering; the SDP to send. `Ok(None)` when `wanted` turned false on
/// the way (the caller gave up: nothing to send).
pub async fn offer(pc: &RtcPeerConnection, wanted: impl Fn() -> bool) -> Result<Option<String>, JsValue> {
    let offer = JsFuture::from(pc.create_offer()).await?;
    if !wanted() {
        return Ok(None);
    }
    JsFuture::from(pc.set_local_description(offer.unchecked_ref())).await?;
    let gathering_until = format::now_ms() + ICE_GATHERING_MAX.as_millis() as f64;
    while pc.ice_gathering_state() != RtcIceGatheringState::Complete && format::now_ms() < gathering_until {
        media::sleep(Duration::from_millis(50)).await;
        if !wanted() {
            return Ok(None);
        }
    }
    pc.local_description().map(|d| Some(d.sdp())).ok_or_else(|| JsValue::from_str("no local description"))
}

/// Sets the gateway's answer as the remote description.
pub async fn accept_answer(pc: &RtcPeerConnection, sdp: &str) -> Result<(), JsValue> {
    let answer = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
    answer.set_sdp(sdp);
    JsFuture::from(pc.set_remote_description(&answer)).await.map(|_| ())
}

/// The stream of a remote track: the one it came in, else one made of it.
pub fn track_stream(ev: &RtcTrackEvent) -> Option<MediaStream> {
    ev.streams()
        .get(0)
        .dyn_into::<MediaStream>()
        .ok()
        .or_else(|| MediaStream::new_with_tracks(&Array::of1(&ev.track())).ok())
}

/// Plays `stream` on `player`, on the speaker `speaker` (`""`: the system
/// default). The media element is also what makes Chromium feed a remote
/// track to WebAudio.
pub fn play(player: &HtmlMediaElement, stream: &MediaStream, speaker: &str) {
    player.set_src_object(Some(stream));
    if let Ok(playing) = player.play() {
        spawn_local(async move {
            let _ = JsFuture::from(playing).await;
        });
    }
    if !speaker.is_empty() {
        let player = player.clone();
        let speaker = speaker.to_owned();
        spawn_local(async move {
            let _ = media::set_speaker(&player, &speaker).await;
        });
    }
}

/// Stops `player` and lets go of its stream.
pub fn stop_playing(player: &HtmlMediaElement) {
    let _ = player.pause();
    player.set_src_object(None);
}

/// Drops `value` later: it may hold a wasm-bindgen closure that is running
/// right now, and freeing a running closure is an error.
pub fn discard<T: 'static>(value: T) {
    spawn_local(async move { drop(value) });
}
