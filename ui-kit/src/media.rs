//! Microphones, speakers and the ringer in the browser: the device lists,
//! the user's remembered choice (localStorage) with fallback to the system
//! default while that device is gone, opening a microphone, sound levels through
//! WebAudio, and playing on a chosen speaker (`HTMLMediaElement.setSinkId`,
//! where the browser has it).
//!
//! Levels are 0–100: the RMS of the signal in dBFS, mapped linearly from
//! [`SILENCE_DBFS`] (0) to 0 dBFS (100), as a meter shows them.

use std::time::Duration;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AnalyserNode, AudioContext, HtmlMediaElement, MediaDeviceInfo, MediaDeviceKind, MediaDevices, MediaStream,
    MediaStreamAudioSourceNode, MediaStreamConstraints, MediaStreamTrack,
};

/// The level the meters show as 0; quieter is silence.
pub const SILENCE_DBFS: f32 = -60.0;

/// Which kind of audio device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Microphone,
    Speaker,
    /// The output the ringtone plays on: a speaker, chosen apart.
    Ringer,
}

impl DeviceKind {
    /// The localStorage key that remembers the user's choice.
    pub fn storage_key(self) -> &'static str {
        match self {
            DeviceKind::Microphone => "cc.audio.mic",
            DeviceKind::Speaker => "cc.audio.speaker",
            DeviceKind::Ringer => "cc.audio.ringer",
        }
    }

    fn web(self) -> MediaDeviceKind {
        match self {
            DeviceKind::Microphone => MediaDeviceKind::Audioinput,
            DeviceKind::Speaker | DeviceKind::Ringer => MediaDeviceKind::Audiooutput,
        }
    }
}

/// One device as the pickers list it. `label` is empty until the user has
/// allowed the microphone once: browsers hide names before that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub label: String,
}

/// Why a microphone could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicError {
    /// The user or a policy refused access.
    Denied,
    /// No microphone (or not the one asked for).
    Missing,
    /// It exists but could not be started, e.g. another app holds it.
    Busy,
    /// No `navigator.mediaDevices`: an old browser or a page not served
    /// over HTTPS.
    Unsupported,
}

impl MicError {
    /// The message key to show the user.
    pub fn message_key(self) -> &'static str {
        match self {
            MicError::Denied => "audio-mic-denied",
            MicError::Missing => "audio-mic-missing",
            MicError::Busy => "audio-mic-busy",
            MicError::Unsupported => "audio-unsupported",
        }
    }

    fn of(err: &JsValue) -> MicError {
        let name = Reflect::get(err, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" => MicError::Denied,
            "NotFoundError" | "OverconstrainedError" => MicError::Missing,
            _ => MicError::Busy,
        }
    }
}

/// `navigator.mediaDevices`, where the browser offers it (secure contexts).
pub fn media_devices() -> Option<MediaDevices> {
    let navigator = web_sys::window()?.navigator();
    // Missing on insecure pages, though the binding says it is always there.
    if Reflect::get(&navigator, &"mediaDevices".into()).ok()?.is_undefined() {
        return None;
    }
    navigator.media_devices().ok()
}

/// The devices of `kind`, without the browser's "default" and
/// "communications" aliases (the pickers offer the system default
/// themselves) and without entries the browser hides completely.
pub async fn list_devices(kind: DeviceKind) -> Vec<Device> {
    let Some(devices) = media_devices() else { return Vec::new() };
    let Ok(promise) = devices.enumerate_devices() else { return Vec::new() };
    let Ok(list) = JsFuture::from(promise).await else { return Vec::new() };
    Array::from(&list)
        .iter()
        .filter_map(|d| d.dyn_into::<MediaDeviceInfo>().ok())
        .filter(|d| d.kind() == kind.web())
        .map(|d| Device { id: d.device_id(), label: d.label() })
        .filter(|d| !d.id.is_empty() && d.id != "default" && d.id != "communications")
        .collect()
}

/// The device the user chose last time, if any.
pub fn remembered(kind: DeviceKind) -> Option<String> {
    local_storage()?.get_item(kind.storage_key()).ok()?.filter(|id| !id.is_empty())
}

/// Remembers the user's choice; `""` (the system default) forgets it.
pub fn remember(kind: DeviceKind, id: &str) {
    let Some(storage) = local_storage() else { return };
    // Private browsing may refuse; the choice then lasts for this page.
    let _ =
        if id.is_empty() { storage.remove_item(kind.storage_key()) } else { storage.set_item(kind.storage_key(), id) };
}

/// The device to use: the remembered one while it is present, else the
/// system default (`""`). The choice stays remembered, so a headset that
/// comes back is used again.
pub fn effective_choice(remembered: Option<&str>, present: &[Device]) -> String {
    match remembered {
        Some(id) if present.iter().any(|d| d.id == id) => id.to_owned(),
        _ => String::new(),
    }
}

/// Opens the microphone `device_id` (`""`: the system default), with the
/// browser's echo cancellation and noise suppression as for a call.
pub async fn open_microphone(device_id: &str) -> Result<MediaStream, MicError> {
    let devices = media_devices().ok_or(MicError::Unsupported)?;
    let constraints = MediaStreamConstraints::new();
    if device_id.is_empty() {
        constraints.set_audio(&JsValue::TRUE);
    } else {
        let exact = Object::new();
        let _ = Reflect::set(&exact, &"exact".into(), &device_id.into());
        let audio = Object::new();
        let _ = Reflect::set(&audio, &"deviceId".into(), &exact);
        constraints.set_audio(&audio);
    }
    let promise = devices.get_user_media_with_constraints(&constraints).map_err(|e| MicError::of(&e))?;
    let stream = JsFuture::from(promise).await.map_err(|e| MicError::of(&e))?;
    Ok(stream.unchecked_into())
}

/// Opens the microphone the user chose in the audio check while it is
/// present, else the system default.
pub async fn open_chosen_microphone() -> Result<MediaStream, MicError> {
    let chosen = remembered(DeviceKind::Microphone).unwrap_or_default();
    match open_microphone(&chosen).await {
        // An exact device that is gone: the browser says "overconstrained".
        Err(MicError::Missing) if !chosen.is_empty() => open_microphone("").await,
        result => result,
    }
}

/// The speaker the user chose in the audio check while it is present and
/// the browser lets the page choose, else `""` (the system default).
pub async fn chosen_speaker() -> String {
    match remembered(DeviceKind::Speaker) {
        Some(id) if speaker_choice_supported() => effective_choice(Some(&id), &list_devices(DeviceKind::Speaker).await),
        _ => String::new(),
    }
}

/// The output the ringtone plays on: the ringer the user chose while it
/// is present, else the chosen speaker while present, else `""` (the
/// system default); `""` too where the browser lets the page not choose.
pub async fn chosen_ringer() -> String {
    if !speaker_choice_supported() {
        return String::new();
    }
    let outputs = list_devices(DeviceKind::Ringer).await;
    ringer_choice(remembered(DeviceKind::Ringer).as_deref(), remembered(DeviceKind::Speaker).as_deref(), &outputs)
}

/// The ringer's device: the remembered ringer while present, else the
/// remembered speaker while present, else the system default (`""`).
pub fn ringer_choice(ringer: Option<&str>, speaker: Option<&str>, present: &[Device]) -> String {
    match effective_choice(ringer, present) {
        id if id.is_empty() => effective_choice(speaker, present),
        id => id,
    }
}

/// Ends every track of `stream`, which releases the device (the browser's
/// "microphone in use" indicator goes off once no track holds it).
pub fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

/// Measures a stream's level through an `AnalyserNode`; nothing is played.
pub struct LevelMeter {
    analyser: AnalyserNode,
    source: MediaStreamAudioSourceNode,
    samples: Vec<f32>,
}

impl LevelMeter {
    pub fn new(ctx: &AudioContext, stream: &MediaStream) -> Result<LevelMeter, JsValue> {
        let source = ctx.create_media_stream_source(stream)?;
        let analyser = ctx.create_analyser()?;
        analyser.set_fft_size(2048);
        source.connect_with_audio_node(&analyser)?;
        let samples = vec![0.0; analyser.fft_size() as usize];
        Ok(LevelMeter { analyser, source, samples })
    }

    /// The level of the last ~40 ms, 0–100.
    pub fn level(&mut self) -> u8 {
        self.analyser.get_float_time_domain_data(&mut self.samples);
        level_of(&self.samples)
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        let _ = self.source.disconnect();
    }
}

/// The 0–100 level of a block of samples (−1.0…1.0).
pub fn level_of(samples: &[f32]) -> u8 {
    if samples.is_empty() {
        return 0;
    }
    let mean_square = samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32;
    level_from_rms(mean_square.sqrt())
}

/// Maps an RMS amplitude to 0–100: [`SILENCE_DBFS`] and below is 0, full
/// scale is 100.
pub fn level_from_rms(rms: f32) -> u8 {
    if rms.is_nan() || rms <= 0.0 {
        return 0;
    }
    let dbfs = 20.0 * rms.log10();
    ((dbfs - SILENCE_DBFS) / -SILENCE_DBFS * 100.0).clamp(0.0, 100.0).round() as u8
}

/// Whether the browser lets the page choose the speaker of a media element.
pub fn speaker_choice_supported() -> bool {
    let Some(window) = web_sys::window() else { return false };
    Reflect::get(&window, &"HTMLMediaElement".into())
        .and_then(|class| Reflect::get(&class, &"prototype".into()))
        .and_then(|proto| Reflect::has(&proto, &"setSinkId".into()))
        .unwrap_or(false)
}

/// Plays `el` on the speaker `device_id` (`""`: the system default).
pub async fn set_speaker(el: &HtmlMediaElement, device_id: &str) -> Result<(), JsValue> {
    let set_sink_id: Function = Reflect::get(el, &"setSinkId".into())?.dyn_into()?;
    let promise: Promise = set_sink_id.call1(el, &device_id.into())?.dyn_into()?;
    JsFuture::from(promise).await.map(|_| ())
}

/// Waits `d` (a browser timer).
pub async fn sleep(d: Duration) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let ms = i32::try_from(d.as_millis()).unwrap_or(i32::MAX);
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str) -> Device {
        Device { id: id.into(), label: String::new() }
    }

    #[test]
    fn remembered_device_while_present_else_default() {
        let present = [device("a"), device("b")];
        for (remembered, expected) in [(Some("b"), "b"), (Some("gone"), ""), (None, "")] {
            assert_eq!(effective_choice(remembered, &present), expected, "{remembered:?}");
        }
        assert_eq!(effective_choice(Some("a"), &[]), "");
    }

    #[test]
    fn ringer_falls_back_to_the_speaker_then_the_default() {
        let present = [device("laptop"), device("headset")];
        for (ringer, speaker, expected) in [
            (Some("laptop"), Some("headset"), "laptop"),
            (Some("gone"), Some("headset"), "headset"),
            (None, Some("headset"), "headset"),
            (Some("gone"), Some("gone too"), ""),
            (None, None, ""),
        ] {
            assert_eq!(ringer_choice(ringer, speaker, &present), expected, "{ringer:?} {speaker:?}");
        }
        assert_eq!(DeviceKind::Ringer.storage_key(), "cc.audio.ringer");
    }

    #[test]
    fn levels() {
        for (rms, expected) in
            [(0.0, 0), (-1.0, 0), (f32::NAN, 0), (0.001, 0), (0.01, 33), (0.1, 67), (1.0, 100), (2.0, 100)]
        {
            assert_eq!(level_from_rms(rms), expected, "rms {rms}");
        }
        assert_eq!(level_of(&[]), 0);
        assert_eq!(level_of(&[0.0; 64]), 0);
        // A full-scale square wave has an RMS of 1.
        assert_eq!(level_of(&[1.0, -1.0, 1.0, -1.0]), 100);
    }
}
