//! The audio check an agent runs before taking calls: choose the microphone,
//! the speaker and the ringer (where the ringtone of offered calls plays,
//! with a test of it), watch the microphone's level, and hear yourself through
//! the gateway (microphone → WebRTC → gateway → WebRTC → speaker), over the
//! app's WebSocket (`echo_test_offer`, `echo_test_stop`).
//!
//! The check passes on what comes back, not on signalling: the returned
//! audio must stay clearly above silence for about a second within ten
//! seconds. Opening the panel opens the microphone (for the meter); closing
//! it, signing out or leaving the page ends the check and releases the
//! microphone, the peer connection and the audio context.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use shared::ws::{ClientMsg, ServerMsg};
use ui_kit::media::{self, Device, DeviceKind, LevelMeter};
use ui_kit::rtc::{self, Peer, discard};
use ui_kit::{ConnState, RequestError, WsClient, format, t, t_args, tr};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{
    AudioContext, HtmlAudioElement, MediaStream, MediaStreamTrack, RtcPeerConnection, RtcPeerConnectionState,
    RtcTrackEvent,
};

/// How long the voice may take to come back.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the meters update.
const TICK: Duration = Duration::from_millis(100);
/// Returned sound at or above this level (−45 dBFS) is clearly not silence;
/// a quiet room through a headset with noise suppression stays near 0.
const HEARD_LEVEL: u8 = 25;
/// Ticks of returned sound that pass the check: about a second in all.
const HEARD_TICKS: u32 = 10;
/// A check nobody stops ends by itself, so it does not hold a media leg on
/// the gateway all day.
const ECHO_MAX: Duration = Duration::from_secs(60);

const HEADSET_ICON: &str = "M4 14v-2a8 8 0 0 1 16 0v2M3 14.5A1.5 1.5 0 0 1 4.5 13h1A1.5 1.5 0 0 1 7 14.5v4A1.5 1.5 0 0 1 5.5 20h-1A1.5 1.5 0 0 1 3 18.5zM17 14.5a1.5 1.5 0 0 1 1.5-1.5h1a1.5 1.5 0 0 1 1.5 1.5v4a1.5 1.5 0 0 1-1.5 1.5h-1a1.5 1.5 0 0 1-1.5-1.5z";
const CLOSE_ICON: &str = "M6 6l12 12M18 6L6 18";
const BELL_ICON: &str = "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0";
/// How long "Test ringer" rings.
const RINGER_TEST: Duration = Duration::from_secs(2);

/// The panel: closed until the agent opens it.
#[component]
pub fn AudioCheckPanel() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let check = Rc::new(AudioCheck::new(ws.clone()));
    let ui = check.ui.clone();
    let check = SendWrapper::new(check);
    on_cleanup({
        let check = check.clone();
        move || AudioCheck::close(&check)
    });

    let open = RwSignal::from(ui.open);
    let mics = RwSignal::from(ui.mics);
    let speakers = RwSignal::from(ui.speakers);
    let mic = RwSignal::from(ui.mic);
    let speaker = RwSignal::from(ui.speaker);
    let ringer = RwSignal::from(ui.ringer);
    let mic_level = RwSignal::from(ui.mic_level);
    let echo_level = RwSignal::from(ui.echo_level);
    let phase = RwSignal::from(ui.phase);
    let mic_error = RwSignal::from(ui.mic_error);
    let mic_ready = RwSignal::from(ui.mic_ready);
    let awaiting_answer = RwSignal::from(ui.awaiting_answer);

    let start_button = NodeRef::<html::Button>::new();
    let stop_button = NodeRef::<html::Button>::new();
    let echo_on = move || phase.get().echo_on();
    let can_start = Memo::new(move |_| {
        ws.state() == ConnState::Connected && mic_ready.get() && !echo_on() && !awaiting_answer.get()
    });
    let speaker_choice = media::speaker_choice_supported();

    let toggle = {
        let check = check.clone();
        move |_| if open.get_untracked() { AudioCheck::close(&check) } else { AudioCheck::open(&check) }
    };
    let on_start = {
        let check = check.clone();
        move |_| {
            AudioCheck::start(&check);
            // Stop takes Start's place; keep the keyboard there.
            request_animation_frame(move || focus(stop_button));
        }
    };
    let on_stop = {
        let check = check.clone();
        move |_| {
            AudioCheck::stop(&check);
            request_animation_frame(move || focus(start_button));
        }
    };
    let on_mic = {
        let check = check.clone();
        move |ev| AudioCheck::choose_mic(&check, event_target_value(&ev))
    };
    let on_speaker = {
        let check = check.clone();
        move |ev| AudioCheck::choose_speaker(&check, event_target_value(&ev))
    };
    let on_ringer = {
        let check = check.clone();
        move |ev| AudioCheck::choose_ringer(&check, event_target_value(&ev))
    };
    let on_ringer_test = {
        let check = check.clone();
        move |_| AudioCheck::test_ringer(&check)
    };

    view! {
        <section class="panel audio-check" data-testid="audio-check" aria-labelledby="audio-check-title">
            <div class="panel-head">
                <h2 class="panel-title" id="audio-check-title">{tr("audio-check-title")}</h2>
                <button
                    type="button"
                    class="btn btn-secondary btn-sm"
                    data-testid="audio-check-open"
                    aria-expanded=move || open.get().to_string()
                    aria-controls="audio-check-body"
                    on:click=toggle
                >
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d=move || if open.get() { CLOSE_ICON } else { HEADSET_ICON } />
                    </svg>
                    <span>{move || if open.get() { t("audio-check-close") } else { t("audio-check-open") }}</span>
                </button>
            </div>
            <p class="hint" prop:hidden=move || open.get()>{tr("audio-check-intro")}</p>
            <div id="audio-check-body" class="audio-check-body" prop:hidden=move || !open.get()>
                <div class="field">
                    <label for="audio-mic">{tr("audio-mic")}</label>
                    <select id="audio-mic" data-testid="mic-select" prop:disabled=echo_on on:change=on_mic>
                        <DeviceOptions
                            devices=mics
                            chosen=mic
                            default_key="audio-device-default"
                            unnamed_key="audio-mic-unnamed"
                        />
                    </select>
                </div>
                <LevelBar id="mic-meter" label_key="audio-mic-level" level=mic_level />
                <p class="alert" role="alert" prop:hidden=move || mic_error.with(Option::is_none)>
                    {move || mic_error.get().map(t)}
                </p>
                // Hiding rather than branching keeps the view's code small.
                <div class="field" hidden=!speaker_choice>
                    <label for="audio-speaker">{tr("audio-speaker")}</label>
                    <select id="audio-speaker" data-testid="speaker-select" on:change=on_speaker>
                        <DeviceOptions
                            devices=speakers
                            chosen=speaker
                            default_key="audio-device-default"
                            unnamed_key="audio-speaker-unnamed"
                        />
                    </select>
                </div>
                // Incoming calls ring here: often the laptop's speakers while
                // the call itself is in the headset.
                <div class="field" hidden=!speaker_choice>
                    <label for="audio-ringer">{tr("audio-ringer")}</label>
                    <select
                        id="audio-ringer"
                        data-testid="audio-ringer"
                        aria-describedby="audio-ringer-hint"
                        on:change=on_ringer
                    >
                        <DeviceOptions
                            devices=speakers
                            chosen=ringer
                            default_key="audio-ringer-same"
                            unnamed_key="audio-speaker-unnamed"
                        />
                    </select>
                    <p class="hint" id="audio-ringer-hint">{tr("audio-ringer-hint")}</p>
                    <button
                        type="button"
                        class="btn btn-secondary btn-sm ringer-test"
                        data-testid="audio-ringer-test"
                        on:click=on_ringer_test
                    >
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d=BELL_ICON />
                        </svg>
                        <span>{tr("audio-ringer-test")}</span>
                    </button>
                </div>
                <div class="field" hidden=speaker_choice>
                    <span class="field-label">{tr("audio-speaker")}</span>
                    <p class="hint">{tr("audio-speaker-fixed")}</p>
                </div>
                <p class="hint">{tr("audio-check-how")}</p>
                // Start and Stop share a place: the button the agent needs next.
                <div class="audio-check-actions">
                    <button
                        type="button"
                        class="btn btn-primary"
                        data-testid="audio-check-start"
                        node_ref=start_button
                        prop:hidden=echo_on
                        prop:disabled=move || !can_start.get()
                        on:click=on_start
                    >
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3" />
                        </svg>
                        <span>{tr("audio-check-start")}</span>
                    </button>
                    <button
                        type="button"
                        class="btn btn-secondary"
                        data-testid="audio-check-stop"
                        node_ref=stop_button
                        prop:hidden=move || !echo_on()
                        on:click=on_stop
                    >
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                            <rect x="6" y="6" width="12" height="12" rx="2" />
                        </svg>
                        <span>{tr("audio-check-stop")}</span>
                    </button>
                </div>
                <div prop:hidden=move || !echo_on()>
                    <LevelBar id="echo-meter" label_key="audio-echo-level" level=echo_level />
                </div>
                <p
                    class="audio-check-result"
                    data-testid="audio-check-result"
                    data-state=move || phase.get().data_state()
                    role="status"
                    aria-live="polite"
                >
                    <span class="result-mark" aria-hidden="true"></span>
                    <span>{move || phase.get().message_key().map(t).unwrap_or_default()}</span>
                </p>
            </div>
        </section>
    }
}

/// The default (`default_key`: "System default", "Same as the speaker"),
/// then each device; unnamed ones are numbered.
#[component]
fn DeviceOptions(
    devices: RwSignal<Vec<Device>>,
    chosen: RwSignal<String>,
    default_key: &'static str,
    unnamed_key: &'static str,
) -> impl IntoView {
    view! {
        <option value="" prop:selected=move || chosen.with(String::is_empty)>{tr(default_key)}</option>
        {move || {
            devices
                .get()
                .into_iter()
                .enumerate()
                .map(|(i, d)| {
                    let id = d.id.clone();
                    let number = (i + 1) as u64;
                    view! {
                        <option value=d.id prop:selected=move || chosen.with(|c| *c == id)>
                            {move || {
                                if d.label.is_empty() {
                                    t_args(unnamed_key, &[("number", &format::int(number, 1))])
                                } else {
                                    d.label.clone()
                                }
                            }}
                        </option>
                    }
                })
                .collect_view()
        }}
    }
}

/// A level 0–100 as a labelled bar (`role="meter"`).
#[component]
fn LevelBar(id: &'static str, label_key: &'static str, level: RwSignal<u8>) -> impl IntoView {
    let label_id = format!("{id}-label");
    view! {
        <div class="level">
            <span class="level-label" id=label_id.clone()>{tr(label_key)}</span>
            <div
                class="level-bar"
                role="meter"
                data-testid=id
                aria-labelledby=label_id
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || level.get()
            >
                <div class="level-fill" style:inline-size=move || format!("{}%", level.get())></div>
            </div>
        </div>
    }
}

fn focus(button: NodeRef<html::Button>) {
    if let Some(el) = button.get_untracked() {
        let _ = el.focus();
    }
}

/// Where the check stands, as the result line shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    /// Waiting for the voice to come back.
    Running,
    /// The voice comes back, and still plays.
    Hearing,
    /// It came back; the check has ended.
    Passed,
    /// With the message key of the reason.
    Failed(&'static str),
}

impl Phase {
    /// `data-state` of the result line: `running`, `ok` or `failed`.
    fn data_state(self) -> Option<&'static str> {
        match self {
            Phase::Idle => None,
            Phase::Running => Some("running"),
            Phase::Hearing | Phase::Passed => Some("ok"),
            Phase::Failed(_) => Some("failed"),
        }
    }

    fn message_key(self) -> Option<&'static str> {
        match self {
            Phase::Idle => None,
            Phase::Running => Some("audio-check-running"),
            Phase::Hearing => Some("audio-check-ok"),
            Phase::Passed => Some("audio-check-passed"),
            Phase::Failed(key) => Some(key),
        }
    }

    /// Whether the echo leg is up (or coming up).
    fn echo_on(self) -> bool {
        matches!(self, Phase::Running | Phase::Hearing)
    }
}

/// The message for a gateway error code answering the offer.
fn refusal_key(code: &str) -> &'static str {
    match code {
        "media_unavailable" => "audio-check-failed-unavailable",
        "forbidden" => "error-forbidden",
        _ => "audio-check-failed-refused",
    }
}

/// What the panel shows. Reference-counted signals: the media callbacks
/// may still fire while the panel is being torn down.
#[derive(Clone)]
struct Ui {
    open: ArcRwSignal<bool>,
    mics: ArcRwSignal<Vec<Device>>,
    speakers: ArcRwSignal<Vec<Device>>,
    /// The microphone in use: the remembered one while present, else `""`.
    mic: ArcRwSignal<String>,
    speaker: ArcRwSignal<String>,
    /// The ringer: the remembered one while present, else `""` (the
    /// speaker's device).
    ringer: ArcRwSignal<String>,
    mic_level: ArcRwSignal<u8>,
    echo_level: ArcRwSignal<u8>,
    phase: ArcRwSignal<Phase>,
    mic_error: ArcRwSignal<Option<&'static str>>,
    /// A microphone is open, so the check can start.
    mic_ready: ArcRwSignal<bool>,
    /// An offer awaits its answer, perhaps from a run already stopped.
    /// Answers carry no id, so the next run waits for it: it would take
    /// that answer for its own.
    awaiting_answer: ArcRwSignal<bool>,
}

/// The panel's media, owned in one place so that closing releases all of it.
struct AudioCheck {
    ws: WsClient,
    ui: Ui,
    /// Present while the panel is open.
    live: RefCell<Option<Live>>,
    /// Bumped by each microphone request and by closing: a request that
    /// finishes under another number is stale and releases what it got.
    mic_request: Cell<u64>,
    /// The device being opened, so device changes do not ask twice.
    mic_pending: RefCell<Option<String>>,
    /// Bumped by each start and end of a check, for the same reason.
    check_run: Cell<u64>,
    /// The ringtone "Test ringer" plays, while it plays.
    ringer_test: RefCell<Option<HtmlAudioElement>>,
    /// Bumped by each ringer test and by closing.
    ringer_run: Cell<u64>,
}

/// What exists while the panel is open.
struct Live {
    ctx: AudioContext,
    ticker: Option<IntervalHandle>,
    on_device_change: Closure<dyn FnMut()>,
    mic: Option<Mic>,
    echo: Option<Echo>,
}

struct Mic {
    stream: MediaStream,
    meter: LevelMeter,
    device_id: String,
}

/// One run of the echo test.
struct Echo {
    run: u64,
    /// Sends a copy of the microphone track: stopping it leaves the meter's.
    peer: Peer,
    /// Plays the returned audio on the chosen speaker.
    player: HtmlAudioElement,
    /// On the returned audio, once it arrives.
    meter: Option<LevelMeter>,
    started_ms: f64,
    heard_ticks: u32,
    /// The offer went out: the gateway holds a leg to stop.
    offered: bool,
    answered: bool,
}

impl Echo {
    /// Why a run that heard nothing in time failed.
    fn timeout_reason(&self) -> &'static str {
        if !self.answered {
            "audio-check-failed-timeout"
        } else if self.peer.connection_state() != RtcPeerConnectionState::Connected {
            "audio-check-failed-connection"
        } else {
            "audio-check-failed-no-echo"
        }
    }

    fn close(self, ws: &WsClient) {
        if self.offered {
            ws.send(&ClientMsg::EchoTestStop);
        }
        self.peer.close();
        rtc::stop_playing(&self.player);
    }
}

impl Live {
    fn close(self) {
        if let Some(t) = self.ticker {
            t.clear();
        }
        if let Some(devices) = media::media_devices() {
            let _ = devices
                .remove_event_listener_with_callback("devicechange", self.on_device_change.as_ref().unchecked_ref());
        }
        if let Some(mic) = &self.mic {
            media::stop_tracks(&mic.stream);
        }
        let _ = self.ctx.close();
        discard(self);
    }
}

fn set_if_changed<T: PartialEq + 'static>(signal: &ArcRwSignal<T>, value: T) {
    if signal.with_untracked(|v| *v != value) {
        signal.set(value);
    }
}

impl AudioCheck {
    fn new(ws: WsClient) -> AudioCheck {
        AudioCheck {
            ws,
            ui: Ui {
                open: ArcRwSignal::new(false),
                mics: ArcRwSignal::new(Vec::new()),
                speakers: ArcRwSignal::new(Vec::new()),
                mic: ArcRwSignal::new(String::new()),
                speaker: ArcRwSignal::new(String::new()),
                ringer: ArcRwSignal::new(String::new()),
                mic_level: ArcRwSignal::new(0),
                echo_level: ArcRwSignal::new(0),
                phase: ArcRwSignal::new(Phase::Idle),
                mic_error: ArcRwSignal::new(None),
                mic_ready: ArcRwSignal::new(false),
                awaiting_answer: ArcRwSignal::new(false),
            },
            live: RefCell::new(None),
            mic_request: Cell::new(0),
            mic_pending: RefCell::new(None),
            check_run: Cell::new(0),
            ringer_test: RefCell::new(None),
            ringer_run: Cell::new(0),
        }
    }

    /// Opens the panel: the audio context, the meter's ticker, the device
    /// lists and the microphone.
    fn open(this: &Rc<AudioCheck>) {
        if this.live.borrow().is_some() {
            return;
        }
        this.ui.phase.set(Phase::Idle);
        this.ui.open.set(true);
        let Ok(ctx) = AudioContext::new() else {
            this.ui.mic_error.set(Some("audio-unsupported"));
            return;
        };
        let weak = Rc::downgrade(this);
        let ticker = set_interval_with_handle(
            move || {
                if let Some(check) = weak.upgrade() {
                    AudioCheck::tick(&check);
                }
            },
            TICK,
        )
        .ok();
        let weak = Rc::downgrade(this);
        let on_device_change = Closure::<dyn FnMut()>::new(move || {
            if let Some(check) = weak.upgrade() {
                spawn_local(AudioCheck::sync_devices(check));
            }
        });
        if let Some(devices) = media::media_devices() {
            let _ = devices.add_event_listener_with_callback("devicechange", on_device_change.as_ref().unchecked_ref());
        }
        *this.live.borrow_mut() = Some(Live { ctx, ticker, on_device_change, mic: None, echo: None });
        spawn_local(AudioCheck::sync_devices(this.clone()));
    }

    /// Closes the panel and releases everything; also on unmount.
    fn close(this: &Rc<AudioCheck>) {
        AudioCheck::end_check(this, Phase::Idle);
        AudioCheck::stop_ringer_test(this);
        this.mic_request.set(this.mic_request.get() + 1);
        this.mic_pending.replace(None);
        let live = this.live.borrow_mut().take();
        if let Some(live) = live {
            live.close();
        }
        this.ui.open.set(false);
        this.ui.mic_level.set(0);
        this.ui.mic_ready.set(false);
        this.ui.mic_error.set(None);
    }

    /// Reads the device lists and follows them: the remembered devices
    /// while present, else the defaults; reopens the microphone if the one
    /// in use changed or went away.
    async fn sync_devices(this: Rc<AudioCheck>) {
        let opened = AudioCheck::refresh_lists(&this).await;
        if !opened {
            return;
        }
        let wanted = this.ui.mic.get_untracked();
        let reopen = {
            let live = this.live.borrow();
            let Some(live) = live.as_ref() else { return };
            let pending = this.mic_pending.borrow();
            match (&live.mic, pending.as_ref()) {
                (_, Some(id)) => *id != wanted,
                (Some(mic), None) => mic.device_id != wanted || !mic.stream.active(),
                (None, None) => true,
            }
        };
        if reopen && AudioCheck::open_mic(&this, wanted).await {
            // Names appear once the microphone is allowed.
            AudioCheck::refresh_lists(&this).await;
        }
    }

    /// Reads both device lists into the panel; false once the panel closed.
    async fn refresh_lists(this: &Rc<AudioCheck>) -> bool {
        let mics = media::list_devices(DeviceKind::Microphone).await;
        let speakers =
            if media::speaker_choice_supported() { media::list_devices(DeviceKind::Speaker).await } else { Vec::new() };
        if this.live.borrow().is_none() {
            return false;
        }
        let mic = media::effective_choice(media::remembered(DeviceKind::Microphone).as_deref(), &mics);
        let speaker = media::effective_choice(media::remembered(DeviceKind::Speaker).as_deref(), &speakers);
        let ringer = media::effective_choice(media::remembered(DeviceKind::Ringer).as_deref(), &speakers);
        set_if_changed(&this.ui.mics, mics);
        set_if_changed(&this.ui.speakers, speakers);
        set_if_changed(&this.ui.mic, mic);
        if this.ui.speaker.get_untracked() != speaker {
            this.ui.speaker.set(speaker.clone());
            AudioCheck::apply_speaker(this, speaker);
        }
        if this.ui.ringer.get_untracked() != ringer {
            this.ui.ringer.set(ringer);
            AudioCheck::apply_ringer(this);
        }
        true
    }

    /// The agent picked a microphone.
    fn choose_mic(this: &Rc<AudioCheck>, id: String) {
        media::remember(DeviceKind::Microphone, &id);
        this.ui.mic.set(id.clone());
        let this = this.clone();
        spawn_local(async move {
            AudioCheck::open_mic(&this, id).await;
        });
    }

    /// The agent picked a speaker; a running check moves to it at once.
    fn choose_speaker(this: &Rc<AudioCheck>, id: String) {
        media::remember(DeviceKind::Speaker, &id);
        this.ui.speaker.set(id.clone());
        AudioCheck::apply_speaker(this, id);
    }

    /// The agent picked a ringer (`""`: the speaker's device); a ringer
    /// test under way moves to it at once.
    fn choose_ringer(this: &Rc<AudioCheck>, id: String) {
        media::remember(DeviceKind::Ringer, &id);
        this.ui.ringer.set(id);
        AudioCheck::apply_ringer(this);
    }

    /// Where the ringtone plays now: the ringer, else the speaker.
    fn ringer_device(this: &AudioCheck) -> String {
        match this.ui.ringer.get_untracked() {
            id if id.is_empty() => this.ui.speaker.get_untracked(),
            id => id,
        }
    }

    fn apply_ringer(this: &Rc<AudioCheck>) {
        let player = this.ringer_test.borrow().clone();
        if let Some(player) = player {
            let id = AudioCheck::ringer_device(this);
            spawn_local(async move {
                let _ = media::set_speaker(&player, &id).await;
            });
        }
    }

    /// "Test ringer": the ringtone for a couple of seconds on the ringer.
    /// Pressing again starts it over.
    fn test_ringer(this: &Rc<AudioCheck>) {
        AudioCheck::stop_ringer_test(this);
        let Some(url) = crate::alerting::ringtone_url() else { return };
        let Ok(player) = HtmlAudioElement::new_with_src(&url) else { return };
        player.set_loop(true);
        let run = this.ringer_run.get();
        this.ringer_test.replace(Some(player.clone()));
        let device = AudioCheck::ringer_device(this);
        let this = this.clone();
        spawn_local(async move {
            let _ = media::set_speaker(&player, &device).await;
            if this.ringer_run.get() != run {
                return;
            }
            if let Ok(playing) = player.play() {
                let _ = wasm_bindgen_futures::JsFuture::from(playing).await;
            }
            media::sleep(RINGER_TEST).await;
            if this.ringer_run.get() == run {
                AudioCheck::stop_ringer_test(&this);
            }
        });
    }

    fn stop_ringer_test(this: &AudioCheck) {
        this.ringer_run.set(this.ringer_run.get() + 1);
        if let Some(player) = this.ringer_test.take() {
            let _ = player.pause();
            player.remove_attribute("src").ok();
            player.load();
        }
    }

    fn apply_speaker(this: &Rc<AudioCheck>, id: String) {
        let player = this.live.borrow().as_ref().and_then(|l| l.echo.as_ref()).map(|e| e.player.clone());
        if let Some(player) = player {
            spawn_local(async move {
                let _ = media::set_speaker(&player, &id).await;
            });
        }
    }

    /// Opens microphone `id` for the meter (and the next check), replacing
    /// the one in use; true if it opened.
    async fn open_mic(this: &Rc<AudioCheck>, id: String) -> bool {
        let request = this.mic_request.get() + 1;
        this.mic_request.set(request);
        this.mic_pending.replace(Some(id.clone()));
        let result = media::open_microphone(&id).await;
        if this.mic_request.get() != request || this.live.borrow().is_none() {
            if let Ok(stream) = result {
                media::stop_tracks(&stream);
            }
            return false;
        }
        this.mic_pending.replace(None);
        let opened = {
            let mut live = this.live.borrow_mut();
            let live = live.as_mut().expect("checked above");
            let next = match result {
                Ok(stream) => match LevelMeter::new(&live.ctx, &stream) {
                    Ok(meter) => Ok(Mic { stream, meter, device_id: id }),
                    Err(_) => {
                        media::stop_tracks(&stream);
                        Err("audio-unsupported")
                    }
                },
                Err(e) => Err(e.message_key()),
            };
            if let Some(old) = live.mic.take() {
                media::stop_tracks(&old.stream);
            }
            match next {
                Ok(mic) => {
                    live.mic = Some(mic);
                    Ok(())
                }
                Err(key) => Err(key),
            }
        };
        this.ui.mic_level.set(0);
        this.ui.mic_ready.set(opened.is_ok());
        this.ui.mic_error.set(opened.err());
        // The check was sending the microphone that just went away.
        if this.ui.phase.get_untracked().echo_on() {
            AudioCheck::end_check(this, Phase::Failed("audio-check-failed-device"));
        }
        opened.is_ok()
    }

    /// Starts the echo test: a peer connection sending a copy of the
    /// microphone track; the offer goes out over the WebSocket.
    fn start(this: &Rc<AudioCheck>) {
        if this.ui.phase.get_untracked().echo_on() || this.ui.awaiting_answer.get_untracked() {
            return;
        }
        let run = this.check_run.get() + 1;
        this.check_run.set(run);
        let fail = |key| this.ui.phase.set(Phase::Failed(key));
        let mic_track = this
            .live
            .borrow()
            .as_ref()
            .and_then(|l| l.mic.as_ref())
            .and_then(|m| m.stream.get_audio_tracks().get(0).dyn_into::<MediaStreamTrack>().ok());
        let Some(mic_track) = mic_track else {
            return fail(this.ui.mic_error.get_untracked().unwrap_or("audio-mic-missing"));
        };
        if this.ws.state_untracked() != ConnState::Connected {
            return fail("error-network");
        }
        let on_track = {
            let weak = Rc::downgrade(this);
            move |ev: RtcTrackEvent| {
                if let Some(check) = weak.upgrade() {
                    AudioCheck::handle_track(&check, run, &ev);
                }
            }
        };
        let on_state = {
            let weak = Rc::downgrade(this);
            move || {
                if let Some(check) = weak.upgrade() {
                    AudioCheck::handle_connection_state(&check, run);
                }
            }
        };
        let Ok(player) = HtmlAudioElement::new() else { return fail("audio-unsupported") };
        let Ok(peer) = Peer::new(&mic_track, &this.ws.ice_servers(), on_track, on_state) else {
            return fail("audio-unsupported");
        };
        let pc = peer.pc().clone();
        let echo = Echo {
            run,
            peer,
            player,
            meter: None,
            started_ms: format::now_ms(),
            heard_ticks: 0,
            offered: false,
            answered: false,
        };
        if let Some(live) = this.live.borrow_mut().as_mut() {
            live.echo = Some(echo);
        } else {
            return echo.close(&this.ws);
        }
        this.ui.echo_level.set(0);
        this.ui.phase.set(Phase::Running);
        let this = this.clone();
        spawn_local(async move {
            let result = AudioCheck::negotiate(&this, run, &pc).await;
            if let Err(key) = result
                && this.check_run.get() == run
            {
                AudioCheck::end_check(&this, Phase::Failed(key));
            }
        });
    }

    /// The agent pressed Stop.
    fn stop(this: &Rc<AudioCheck>) {
        match this.ui.phase.get_untracked() {
            Phase::Running => AudioCheck::end_check(this, Phase::Idle),
            Phase::Hearing => AudioCheck::end_check(this, Phase::Passed),
            _ => {}
        }
    }

    /// Ends the run under way, if any, with `outcome`.
    fn end_check(this: &Rc<AudioCheck>, outcome: Phase) {
        this.check_run.set(this.check_run.get() + 1);
        let echo = this.live.borrow_mut().as_mut().and_then(|l| l.echo.take());
        if let Some(echo) = echo {
            echo.close(&this.ws);
        }
        this.ui.echo_level.set(0);
        if this.ui.phase.get_untracked().echo_on() || outcome != Phase::Idle {
            this.ui.phase.set(outcome);
        }
    }

    fn with_echo(this: &AudioCheck, run: u64, f: impl FnOnce(&mut Echo)) {
        if let Some(echo) = this.live.borrow_mut().as_mut().and_then(|l| l.echo.as_mut()).filter(|e| e.run == run) {
            f(echo);
        }
    }

    /// Offer, answer: Ok also when the run ended meanwhile (nothing to do).
    async fn negotiate(this: &Rc<AudioCheck>, run: u64, pc: &RtcPeerConnection) -> Result<(), &'static str> {
        const SETUP: &str = "audio-check-failed-connection";
        let current = || this.check_run.get() == run;
        let Some(sdp) = rtc::offer(pc, current).await.map_err(|_| SETUP)? else { return Ok(()) };
        let mut left_ms = 0.0;
        AudioCheck::with_echo(this, run, |echo| {
            echo.offered = true;
            left_ms = echo.started_ms + CHECK_TIMEOUT.as_millis() as f64 - format::now_ms();
        });
        this.ui.awaiting_answer.set(true);
        let answer = this
            .ws
            .request(&ClientMsg::EchoTestOffer { sdp }, Duration::from_millis(left_ms.max(0.0) as u64), |msg| match msg
            {
                ServerMsg::EchoTestAnswer { sdp } => Some(Ok(sdp.clone())),
                ServerMsg::Error { code, .. } => Some(Err(refusal_key(code))),
                _ => None,
            })
            .await;
        this.ui.awaiting_answer.set(false);
        if !current() {
            return Ok(());
        }
        let sdp = match answer {
            Ok(Ok(sdp)) => sdp,
            Ok(Err(key)) => return Err(key),
            Err(RequestError::Timeout) => return Err("audio-check-failed-timeout"),
            Err(RequestError::NotConnected | RequestError::Closed) => return Err("audio-check-failed-lost"),
        };
        AudioCheck::with_echo(this, run, |echo| echo.answered = true);
        rtc::accept_answer(pc, &sdp).await.map_err(|_| "audio-check-failed-refused")?;
        Ok(())
    }

    /// The returned audio arrives: play it and measure it.
    fn handle_track(this: &Rc<AudioCheck>, run: u64, ev: &RtcTrackEvent) {
        let Some(stream) = rtc::track_stream(ev) else { return };
        let speaker = this.ui.speaker.get_untracked();
        let mut live = this.live.borrow_mut();
        let Some(live) = live.as_mut() else { return };
        let ctx = live.ctx.clone();
        let Some(echo) = live.echo.as_mut().filter(|e| e.run == run) else { return };
        // Chromium feeds a remote track to WebAudio only while a media
        // element plays it; the element is also what the agent hears.
        rtc::play(&echo.player, &stream, &speaker);
        echo.meter = LevelMeter::new(&ctx, &stream).ok();
    }

    fn handle_connection_state(this: &Rc<AudioCheck>, run: u64) {
        let mut failed = false;
        AudioCheck::with_echo(this, run, |echo| {
            failed = echo.peer.connection_state() == RtcPeerConnectionState::Failed
        });
        if failed {
            AudioCheck::end_check(this, Phase::Failed("audio-check-failed-connection"));
        }
    }

    /// Ten times a second while open: the meters, and the verdict.
    fn tick(this: &Rc<AudioCheck>) {
        let mut end = None;
        let mut heard = false;
        {
            let mut live = this.live.borrow_mut();
            let Some(live) = live.as_mut() else { return };
            let level = live.mic.as_mut().map_or(0, |m| m.meter.level());
            set_if_changed(&this.ui.mic_level, level);
            if let Some(echo) = live.echo.as_mut() {
                let level = echo.meter.as_mut().map_or(0, |m| m.level());
                set_if_changed(&this.ui.echo_level, level);
                let elapsed = Duration::from_millis((format::now_ms() - echo.started_ms).max(0.0) as u64);
                let phase = this.ui.phase.get_untracked();
                if this.ws.state_untracked() != ConnState::Connected {
                    end = Some(Phase::Failed("audio-check-failed-lost"));
                } else if phase == Phase::Running {
                    if level >= HEARD_LEVEL {
                        echo.heard_ticks += 1;
                    }
                    if echo.heard_ticks >= HEARD_TICKS {
                        heard = true;
                    } else if elapsed >= CHECK_TIMEOUT {
                        end = Some(Phase::Failed(echo.timeout_reason()));
                    }
                } else if phase == Phase::Hearing && elapsed >= ECHO_MAX {
                    end = Some(Phase::Passed);
                }
            }
        }
        if heard {
            this.ui.phase.set(Phase::Hearing);
        }
        if let Some(outcome) = end {
            AudioCheck::end_check(this, outcome);
        }
    }
}
