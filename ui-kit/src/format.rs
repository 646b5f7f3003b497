//! Numbers, durations and times in the current language's digits and
//! conventions, through the browser's `Intl` (Persian gets ۰–۹, Arabic ٠–٩).
//! Callers wrap the results in `dir="ltr"` where order matters (timers).

use std::cell::RefCell;

use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::i18n::lang;

thread_local! {
    /// One formatter per language and width; building one per call would
    /// cost more than the formatting.
    static NUMBER_FORMATS: RefCell<Vec<(&'static str, u32, Intl::NumberFormat)>> = const { RefCell::new(Vec::new()) };
}

/// An integer without grouping, padded to `min_digits`; reactive.
pub fn int(n: u64, min_digits: u32) -> String {
    let tag = lang().tag();
    NUMBER_FORMATS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let i = match cache.iter().position(|(t, d, _)| *t == tag && *d == min_digits) {
            Some(i) => i,
            None => {
                let opts = Object::new();
                let _ = Reflect::set(&opts, &"minimumIntegerDigits".into(), &min_digits.into());
                let _ = Reflect::set(&opts, &"useGrouping".into(), &false.into());
                let locales = Array::of1(&tag.into());
                cache.push((tag, min_digits, Intl::NumberFormat::new(&locales, &opts)));
                cache.len() - 1
            }
        };
        cache[i]
            .2
            .format()
            .call1(&JsValue::NULL, &JsValue::from_f64(n as f64))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| n.to_string())
    })
}

/// `m:ss`, or `h:mm:ss` from an hour on; reactive.
pub fn duration(total_secs: u64) -> String {
    let (h, m, s) = (total_secs / 3600, total_secs / 60 % 60, total_secs % 60);
    if h > 0 { format!("{}:{}:{}", int(h, 1), int(m, 2), int(s, 2)) } else { format!("{}:{}", int(m, 1), int(s, 2)) }
}

/// `mm:ss`, or `h:mm:ss` from an hour on, as call timers show it; reactive.
pub fn call_time(total_secs: u64) -> String {
    let (h, m, s) = (total_secs / 3600, total_secs / 60 % 60, total_secs % 60);
    if h > 0 { format!("{}:{}:{}", int(h, 1), int(m, 2), int(s, 2)) } else { format!("{}:{}", int(m, 2), int(s, 2)) }
}

/// A wall-clock time (milliseconds since the epoch) as the language writes
/// it, with date; reactive.
pub fn date_time(epoch_ms: f64) -> String {
    let date = Date::new(&JsValue::from_f64(epoch_ms));
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"dateStyle".into(), &"medium".into());
    let _ = Reflect::set(&opts, &"timeStyle".into(), &"medium".into());
    date.to_locale_string(lang().tag(), &opts).into()
}

/// Milliseconds since the epoch of an RFC 3339 time, if it parses.
pub fn parse_time(rfc3339: &str) -> Option<f64> {
    let ms = Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms)
}

/// The browser's clock in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    Date::now()
}

/// A number with exactly `digits` fraction digits (`4.3`, Persian `۴٫۳`),
/// grouped as the language groups; reactive.
pub fn decimal(x: f64, digits: u32) -> String {
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"minimumFractionDigits".into(), &digits.into());
    let _ = Reflect::set(&opts, &"maximumFractionDigits".into(), &digits.into());
    let locales = Array::of1(&lang().tag().into());
    Intl::NumberFormat::new(&locales, &opts)
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(x))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{x:.*}", digits as usize))
}

/// A wall-clock time (milliseconds since the epoch) with a short date and
/// the time to the minute, as the language writes them; reactive.
pub fn date_time_short(epoch_ms: f64) -> String {
    let date = Date::new(&JsValue::from_f64(epoch_ms));
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"dateStyle".into(), &"short".into());
    let _ = Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    date.to_locale_string(lang().tag(), &opts).into()
}

/// A day (milliseconds since the epoch of any time in it) as the language
/// writes dates, e.g. `Nov 14, 2023`; reactive.
pub fn date(epoch_ms: f64) -> String {
    let date = Date::new(&JsValue::from_f64(epoch_ms));
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"dateStyle".into(), &"medium".into());
    date.to_locale_date_string(lang().tag(), &opts).into()
}

/// A wall-clock time (milliseconds since the epoch) to the minute, without
/// the date, as the language writes it; reactive.
pub fn time_short(epoch_ms: f64) -> String {
    let date = Date::new(&JsValue::from_f64(epoch_ms));
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    date.to_locale_time_string_with_options(lang().tag(), &opts).into()
}

/// A percentage (`80`: 80 %) rounded to a whole number, as the language
/// writes it (`80%`, Persian `۸۰٪`, Turkish `%80`); reactive.
pub fn percent(pct: f64) -> String {
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"style".into(), &"percent".into());
    let _ = Reflect::set(&opts, &"maximumFractionDigits".into(), &0.into());
    let locales = Array::of1(&lang().tag().into());
    Intl::NumberFormat::new(&locales, &opts)
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(pct / 100.0))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{pct:.0}%"))
}
