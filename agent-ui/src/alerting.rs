//! How an offered call gets the agent's attention beyond the banner, its
//! announcement and the focus on Answer (`call.rs`): a ringtone on the
//! ringer device, the tab title flashing, and an OS notification whose
//! click brings the desk's tab to the front.
//!
//! The calls ringing for this agent follow the WebSocket: `call_ringing`
//! adds one, its `call_answered` or `call_ended` removes it; dialing out, a
//! new connection (the gateway offers again what still rings), this tab
//! losing the desk, the end of the session and a lost connection clear
//! them. Alerting runs while any call rings and stops, leaving the title as
//! it was, when none does.
//!
//! Browsers play sound only once the user has acted on the page: [`unlock`],
//! called by the status menu (going available is a click), plays the muted
//! ringtone once and asks for permission to show notifications.
//!
//! Test id: `ringtone` (`data-ringing`: `true` while a call rings).

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use shared::ws::{CallInfo, ServerMsg};
use ui_kit::{ConnState, WsClient, calls, media, t, t_args};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, HtmlAudioElement, Notification, NotificationOptions, NotificationPermission, Url,
};

/// The title alternates at this pace.
const FLASH: Duration = Duration::from_secs(1);

/// The ringtone's sample rate.
const RATE: u32 = 8000;
/// The classic double ring (UK / Commonwealth cadence): tone, gap, tone,
/// pause, in seconds; the element loops it.
const CADENCE: [(f32, bool); 4] = [(0.4, true), (0.2, false), (0.4, true), (2.0, false)];
/// Its two frequencies, in Hz, as telephone networks ring.
const RING_HZ: [f32; 2] = [440.0, 480.0];

thread_local! {
    /// The mounted alerting, for [`unlock`].
    static CURRENT: RefCell<Weak<Alerting>> = const { RefCell::new(Weak::new()) };
    /// The ringtone as a `blob:` URL, made once.
    static RINGTONE_URL: OnceCell<Option<String>> = const { OnceCell::new() };
}

/// The ringtone: a WAV file (8 kHz, 16-bit, mono) of one cadence.
pub fn ringtone_wav() -> Vec<u8> {
    let fade = (RATE / 100) as usize; // 10 ms, so the bursts do not click
    let mut samples = Vec::new();
    for (secs, tone) in CADENCE {
        let n = (secs * RATE as f32) as usize;
        for i in 0..n {
            let v = if tone {
                let t = i as f32 / RATE as f32;
                let envelope = (i.min(n - 1 - i) as f32 / fade as f32).min(1.0);
                let sum: f32 = RING_HZ.iter().map(|hz| (std::f32::consts::TAU * hz * t).sin()).sum();
                envelope * 0.2 * sum
            } else {
                0.0
            };
            samples.push((v * f32::from(i16::MAX)) as i16);
        }
    }
    let data_len = (samples.len() * 2) as u32;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    // PCM, mono, the rate, bytes per second, block size, bits per sample.
    for (value, bytes) in [(16, 4), (1, 2), (1, 2), (RATE, 4), (RATE * 2, 4), (2, 2), (16, 2)] {
        wav.extend_from_slice(&u32::to_le_bytes(value)[..bytes]);
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}

/// The ringtone as a `blob:` URL for media elements (also the audio
/// check's "Test ringer"); `None` if the browser refused to make it.
pub fn ringtone_url() -> Option<String> {
    RINGTONE_URL.with(|url| {
        url.get_or_init(|| {
            let bytes = js_sys::Uint8Array::from(ringtone_wav().as_slice());
            let options = BlobPropertyBag::new();
            options.set_type("audio/wav");
            let blob = Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&bytes), &options).ok()?;
            Url::create_object_url_with_blob(&blob).ok()
        })
        .clone()
    })
}

/// Lets the desk alert: call it inside a click (going available). Plays
/// the muted ringtone once, so that the browser lets it ring later, and
/// asks for permission to show notifications if it was never asked.
pub fn unlock() {
    if let Some(this) = CURRENT.with(|c| c.borrow().upgrade()) {
        Alerting::unlock_audio(&this);
    }
    if notifications_supported()
        && Notification::permission() == NotificationPermission::Default
        && let Ok(promise) = Notification::request_permission()
    {
        spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

/// The desk's alerting: an invisible `<audio>` for the ringtone, the rest
/// is the title and notifications.
#[component]
pub fn OfferAlerting() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let audio = NodeRef::<html::Audio>::new();
    let this = Rc::new(Alerting {
        audio: RefCell::new(None),
        ringing: RefCell::new(Vec::new()),
        on: ArcRwSignal::new(false),
        run: Cell::new(0),
        notes: RefCell::new(Vec::new()),
        flash: RefCell::new(None),
        on_device_change: RefCell::new(None),
    });
    CURRENT.with(|c| *c.borrow_mut() = Rc::downgrade(&this));
    let ringing = RwSignal::from(this.on.clone());

    let weak = Rc::downgrade(&this);
    let on_device_change = Closure::<dyn FnMut()>::new(move || {
        if let Some(this) = weak.upgrade()
            && this.on.get_untracked()
        {
            // The ringer may have gone (or come back): ring where it now should.
            Alerting::route(&this);
        }
    });
    if let Some(devices) = media::media_devices() {
        let _ = devices.add_event_listener_with_callback("devicechange", on_device_change.as_ref().unchecked_ref());
    }
    this.on_device_change.replace(Some(on_device_change));

    let this = SendWrapper::new(this);
    ws.subscribe({
        let this = this.clone();
        move |msg| Alerting::handle(&this, msg)
    });
    Effect::new({
        let this = this.clone();
        move |_| {
            if let Some(el) = audio.get() {
                el.set_loop(true);
                this.audio.replace(Some(el));
            }
        }
    });
    // Nothing rings on a lost connection; the next one offers again.
    Effect::new({
        let this = this.clone();
        let ws = ws.clone();
        move |_| {
            if ws.state() != ConnState::Connected {
                Alerting::clear(&this);
            }
        }
    });
    on_cleanup(move || {
        Alerting::clear(&this);
        if let Some(closure) = this.on_device_change.take()
            && let Some(devices) = media::media_devices()
        {
            let _ = devices.remove_event_listener_with_callback("devicechange", closure.as_ref().unchecked_ref());
        }
        CURRENT.with(|c| *c.borrow_mut() = Weak::new());
    });

    view! {
        <audio
            class="ringtone"
            data-testid="ringtone"
            data-ringing=move || ringing.get().to_string()
            src=ringtone_url()
            preload="auto"
            hidden
            aria-hidden="true"
            node_ref=audio
        ></audio>
    }
}

struct Alerting {
    audio: RefCell<Option<HtmlAudioElement>>,
    /// The calls ringing for this agent, the newest last.
    ringing: RefCell<Vec<CallInfo>>,
    /// Whether any rings: alerting runs.
    on: ArcRwSignal<bool>,
    /// Bumped by each start and stop of the ringtone: a start still
    /// choosing the device must not play after a stop.
    run: Cell<u64>,
    notes: RefCell<Vec<Note>>,
    flash: RefCell<Option<Flash>>,
    on_device_change: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// One call's OS notification.
struct Note {
    call_id: String,
    notification: Notification,
    _on_click: Closure<dyn FnMut()>,
}

impl Note {
    fn close(self) {
        self.notification.set_onclick(None);
        self.notification.close();
    }
}

/// The flashing title.
struct Flash {
    timer: IntervalHandle,
    /// The title without the alert.
    normal: String,
    /// What we last put in the title.
    shown: String,
}

impl Alerting {
    fn audio(&self) -> Option<HtmlAudioElement> {
        self.audio.borrow().clone()
    }

    fn unlock_audio(this: &Rc<Alerting>) {
        let Some(el) = this.audio() else { return };
        if this.on.get_untracked() {
            // Ringing but refused until now: this click lets it sound.
            if el.paused() {
                play(&el);
            }
            return;
        }
        el.set_muted(true);
        let Ok(promise) = el.play() else { return el.set_muted(false) };
        let this = this.clone();
        spawn_local(async move {
            let _ = JsFuture::from(promise).await;
            if !this.on.get_untracked() {
                let _ = el.pause();
                el.set_current_time(0.0);
                el.set_muted(false);
            }
        });
    }

    fn handle(this: &Rc<Alerting>, msg: &ServerMsg) {
        match msg {
            ServerMsg::CallRinging { call } => Alerting::add(this, call),
            ServerMsg::CallAnswered { call_id, .. } | ServerMsg::CallEnded { call_id, .. } => {
                Alerting::remove(this, call_id)
            }
            // A new connection (the gateway offers again what rings), this
            // tab no longer the desk, the agent dialing out, signed out.
            ServerMsg::Welcome { .. }
            | ServerMsg::TabState { active: false }
            | ServerMsg::CallDialing { .. }
            | ServerMsg::SessionEnded => Alerting::clear(this),
            _ => {}
        }
    }

    fn add(this: &Rc<Alerting>, call: &CallInfo) {
        let known = {
            let mut ringing = this.ringing.borrow_mut();
            let known = ringing.iter().position(|c| c.call_id == call.call_id).map(|i| ringing.remove(i)).is_some();
            ringing.push(call.clone());
            known
        };
        if !known {
            Alerting::notify(this, call);
        }
        Alerting::update(this);
    }

    fn remove(this: &Rc<Alerting>, call_id: &str) {
        this.ringing.borrow_mut().retain(|c| c.call_id != call_id);
        let gone: Vec<Note> = {
            let mut notes = this.notes.borrow_mut();
            let (gone, kept) = std::mem::take(&mut *notes).into_iter().partition(|n| n.call_id == call_id);
            *notes = kept;
            gone
        };
        gone.into_iter().for_each(Note::close);
        Alerting::update(this);
    }

    fn clear(this: &Rc<Alerting>) {
        this.ringing.borrow_mut().clear();
        let notes = std::mem::take(&mut *this.notes.borrow_mut());
        notes.into_iter().for_each(Note::close);
        Alerting::update(this);
    }

    /// Starts or stops alerting as calls ring or not.
    fn update(this: &Rc<Alerting>) {
        let on = !this.ringing.borrow().is_empty();
        if on == this.on.get_untracked() {
            return;
        }
        this.on.set(on);
        this.run.set(this.run.get() + 1);
        if on {
            Alerting::route(this);
            Alerting::start_flash(this);
        } else {
            if let Some(el) = this.audio() {
                let _ = el.pause();
                el.set_current_time(0.0);
            }
            Alerting::stop_flash(this);
        }
    }

    /// Puts the ringtone on the ringer device (the chosen ringer, else the
    /// chosen speaker, else the default) and plays it from the start if it
    /// is not playing.
    fn route(this: &Rc<Alerting>) {
        let Some(el) = this.audio() else { return };
        let run = this.run.get();
        let this = this.clone();
        spawn_local(async move {
            if media::speaker_choice_supported() {
                let device = media::chosen_ringer().await;
                if media::set_speaker(&el, &device).await.is_err() && !device.is_empty() {
                    let _ = media::set_speaker(&el, "").await;
                }
            }
            if this.run.get() != run {
                return;
            }
            // Muted while `unlock` tries it.
            el.set_muted(false);
            if el.paused() {
                el.set_current_time(0.0);
                play(&el);
            }
        });
    }

    /// Shows an OS notification for `call`, if the user allowed them; one
    /// per call (tagged with its id).
    fn notify(this: &Rc<Alerting>, call: &CallInfo) {
        if !notifications_supported() || Notification::permission() != NotificationPermission::Granted {
            return;
        }
        let mut body = caller_text(call, true);
        if let Some(queue) = call.queue.as_deref().filter(|q| !q.is_empty()) {
            body.push('\n');
            body.push_str(&t_args("alert-notification-queue", &[("queue", &isolate(queue, false))]));
        }
        let options = NotificationOptions::new();
        options.set_body(&body);
        options.set_tag(&call.call_id);
        options.set_require_interaction(true);
        // The ringtone is the sound; the system's would come on top.
        options.set_silent(Some(true));
        options.set_lang(ui_kit::i18n::lang().tag());
        let Ok(notification) = Notification::new_with_options(&t("alert-notification-title"), &options) else {
            return;
        };
        let on_click = Closure::<dyn FnMut()>::new({
            let notification = notification.clone();
            move || {
                if let Some(window) = web_sys::window() {
                    let _ = window.focus();
                }
                notification.close();
            }
        });
        notification.set_onclick(Some(on_click.as_ref().unchecked_ref()));
        this.notes.borrow_mut().push(Note { call_id: call.call_id.clone(), notification, _on_click: on_click });
    }

    fn start_flash(this: &Rc<Alerting>) {
        Alerting::stop_flash(this);
        let Some(doc) = document() else { return };
        let normal = doc.title();
        let shown = this.alert_title();
        doc.set_title(&shown);
        let weak = Rc::downgrade(this);
        let Ok(timer) = set_interval_with_handle(
            move || {
                if let Some(this) = weak.upgrade() {
                    Alerting::flash_tick(&this);
                }
            },
            FLASH,
        ) else {
            return;
        };
        this.flash.replace(Some(Flash { timer, normal, shown }));
    }

    /// Every second: the alert, then the normal title, and so on.
    fn flash_tick(this: &Rc<Alerting>) {
        let Some(doc) = document() else { return };
        let alert = this.alert_title();
        let mut flash = this.flash.borrow_mut();
        let Some(flash) = flash.as_mut() else { return };
        let current = doc.title();
        if current != flash.shown {
            // The app retitled the tab meanwhile (another language).
            flash.normal = current;
        }
        flash.shown = if flash.shown == alert { flash.normal.clone() } else { alert };
        doc.set_title(&flash.shown);
    }

    fn stop_flash(this: &Alerting) {
        let Some(flash) = this.flash.take() else { return };
        flash.timer.clear();
        if let Some(doc) = document()
            && doc.title() == flash.shown
        {
            doc.set_title(&flash.normal);
        }
    }

    /// "Incoming call: <caller>" for the newest ringing call.
    fn alert_title(&self) -> String {
        let caller = self.ringing.borrow().last().map(|c| caller_text(c, false)).unwrap_or_default();
        t_args("alert-title", &[("caller", &caller)])
    }
}

/// Who calls, in plain text (a title, a notification): the customer's or
/// the caller's name, with the number in parentheses when `with_number`,
/// or the number alone. Each part is isolated so that a Latin name or a
/// `+` number reads right in Persian and Arabic.
fn caller_text(call: &CallInfo, with_number: bool) -> String {
    let number = isolate(calls::other_party(call), true);
    let name = call.customer_name.as_deref().or(call.from_name.as_deref()).map(str::trim).filter(|n| !n.is_empty());
    match name {
        Some(name) if with_number => format!("{} ({number})", isolate(name, false)),
        Some(name) => isolate(name, false),
        None => number,
    }
}

/// `text` between Unicode isolates: left-to-right for numbers, by its own
/// first letter otherwise.
fn isolate(text: &str, ltr: bool) -> String {
    format!("{}{text}\u{2069}", if ltr { '\u{2066}' } else { '\u{2068}' })
}

fn play(el: &HtmlAudioElement) {
    // Refused until the user has clicked on the page (see `unlock`).
    if let Ok(promise) = el.play() {
        spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

fn notifications_supported() -> bool {
    web_sys::window().is_some_and(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ringtone_is_a_small_wav_of_the_cadence() {
        let wav = ringtone_wav();
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(u32::from_le_bytes(wav[24..28].try_into().unwrap()), RATE);
        assert_eq!(u16::from_le_bytes(wav[34..36].try_into().unwrap()), 16);
        assert_eq!(&wav[36..40], b"data");
        let samples: Vec<i16> = wav[44..].chunks(2).map(|b| i16::from_le_bytes([b[0], b[1]])).collect();
        // Three seconds: 0.4 s tone, 0.2 s gap, 0.4 s tone, 2 s pause.
        assert_eq!(samples.len(), 3 * RATE as usize);
        assert_eq!(u32::from_le_bytes(wav[4..8].try_into().unwrap()) as usize, wav.len() - 8);
        let loud = |from: f32, to: f32| {
            let part = &samples[(from * RATE as f32) as usize..(to * RATE as f32) as usize];
            part.iter().map(|s| s.unsigned_abs()).max().unwrap()
        };
        assert!(loud(0.05, 0.35) > 8000, "first ring");
        assert_eq!(loud(0.41, 0.59), 0, "gap");
        assert!(loud(0.65, 0.95) > 8000, "second ring");
        assert_eq!(loud(1.0, 3.0), 0, "pause");
        // No clicks: the bursts start and end at zero.
        assert!(samples[0].unsigned_abs() < 100 && samples[3199].unsigned_abs() < 200);
    }

    #[test]
    fn caller_text_names_then_numbers() {
        let mut call = CallInfo {
            from_name: Some("Rania".into()),
            ..CallInfo::new(
                "c1".into(),
                shared::ws::CallDirection::Inbound,
                "+966501234567".into(),
                "+441234567890".into(),
                "t".into(),
                String::new(),
            )
        };
        assert_eq!(caller_text(&call, false), "\u{2068}Rania\u{2069}");
        assert_eq!(caller_text(&call, true), "\u{2068}Rania\u{2069} (\u{2066}+966501234567\u{2069})");
        call.customer_name = Some("Rania Haddad".into());
        assert_eq!(caller_text(&call, false), "\u{2068}Rania Haddad\u{2069}");
        call.customer_name = None;
        call.from_name = Some(" ".into());
        assert_eq!(caller_text(&call, true), "\u{2066}+966501234567\u{2069}");
    }
}
