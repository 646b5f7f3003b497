//! The current UI language as a reactive value, the `t` lookups that read
//! it, and the language switch. The language is remembered in localStorage
//! (`cc.lang`), else taken from the browser, else English; `<html lang dir>`
//! follows it so the whole layout mirrors for Persian and Arabic.
//!
//! Only English is built in. Another language's messages are fetched from
//! the gateway ([`messages::url`]) when it is chosen: at start ([`start`]
//! mounts the app only once they are in, so nothing shows in the wrong
//! language) and on a switch (the texts, `lang` and `dir` change together
//! when they arrive). A file that cannot be fetched or read leaves the app
//! in English, with a warning in the console.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use shared::Lang;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::fluent::Catalog;
use crate::messages::{self, Catalogs};

/// The localStorage key that remembers the user's choice.
pub const STORAGE_KEY: &str = "cc.lang";

/// How long a message file may take before the app goes on in English.
const FETCH_TIMEOUT_MS: i32 = 8_000;

thread_local! {
    static CATALOGS: RefCell<Catalogs> =
        RefCell::new(Catalogs::english().expect("the English message file parses: ui-kit's tests check it"));
    // Reference-counted rather than arena-owned: the language outlives every
    // component and is read from event handlers with no reactive owner.
    static LANG: ArcRwSignal<Lang> = ArcRwSignal::new(Lang::En);
    // The latest switch asked for: an earlier fetch that ends later loses.
    static SWITCH: Cell<u32> = const { Cell::new(0) };
}

/// Applies the remembered or browser language, fetching its messages
/// first, then mounts `app`. Call once, from `main`.
pub fn start<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    wasm_bindgen_futures::spawn_local(async move {
        init().await;
        leptos::mount::mount_to_body(app);
    });
}

/// Applies the remembered or browser language, once its messages are in.
pub async fn init() {
    let wanted = stored_lang().or_else(browser_lang).unwrap_or_default();
    let lang = load(wanted).await;
    LANG.with(|l| l.set(lang));
    apply_to_document(lang);
}

/// The current language; reactive.
pub fn lang() -> Lang {
    LANG.with(|l| l.get())
}

/// Switches the language and remembers it; the texts and `<html lang dir>`
/// change together once the language's messages are in.
pub fn set_lang(lang: Lang) {
    if let Some(storage) = local_storage() {
        // Private browsing may refuse; the choice then lasts for this page.
        let _ = storage.set_item(STORAGE_KEY, lang.tag());
    }
    let switch = SWITCH.with(|s| {
        s.set(s.get().wrapping_add(1));
        s.get()
    });
    wasm_bindgen_futures::spawn_local(async move {
        let got = load(lang).await;
        if SWITCH.with(|s| s.get()) != switch {
            return;
        }
        LANG.with(|l| l.set(got));
        apply_to_document(got);
    });
}

/// Makes sure `lang`'s messages are in: the language to show, English when
/// they cannot be had.
async fn load(lang: Lang) -> Lang {
    if CATALOGS.with(|c| c.borrow().has(lang)) {
        return lang;
    }
    let url = messages::url(lang);
    match fetch_text(&url).await {
        Ok(text) => match Catalog::parse(&text) {
            Ok(catalog) => {
                CATALOGS.with(|c| c.borrow_mut().insert(lang, catalog));
                lang
            }
            Err(e) => {
                leptos::logging::warn!("the {} messages at {url} do not parse ({e}); showing English", lang.tag());
                Lang::En
            }
        },
        Err(why) => {
            leptos::logging::warn!("could not load the {} messages from {url} ({why}); showing English", lang.tag());
            Lang::En
        }
    }
}

/// `GET url` as text; an error for anything but a 200 within the time.
async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let timeout = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, FETCH_TIMEOUT_MS);
    });
    let race = js_sys::Promise::race(&js_sys::Array::of2(&window.fetch_with_str(url), &timeout));
    let answer = JsFuture::from(race).await.map_err(describe)?;
    let response: web_sys::Response = answer.dyn_into().map_err(|_| "timed out".to_owned())?;
    if response.status() != 200 {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(describe)?).await.map_err(describe)?;
    text.as_string().ok_or_else(|| "not text".to_owned())
}

fn describe(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| "network error".to_owned())
}

/// The message `key` in the current language; reactive.
pub fn t(key: &str) -> String {
    t_args(key, &[])
}

/// The message `key`, or `fallback` when no language has it (codes an
/// administrator added); reactive.
pub fn t_or(key: &str, fallback: &str) -> String {
    let text = t(key);
    if text == key { fallback.to_owned() } else { text }
}

/// The message `key` as a reactive text for views: `{tr("loading")}`
/// instead of `{move || t("loading")}`. Every call returns the same closure type, so the
/// renderer is compiled once rather than once per text (a few hundred bytes
/// of wasm each).
pub fn tr(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    move || t(key)
}

/// The message `key` with its `{ $variables }` filled in; reactive.
pub fn t_args(key: &str, args: &[(&str, &str)]) -> String {
    let lang = lang();
    CATALOGS.with(|c| c.borrow().format(lang, key, args))
}

/// The language switch: a `<select>` listing each language by its own name.
#[component]
pub fn LangSelect() -> impl IntoView {
    view! {
        <label class="lang-select">
            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                <circle cx="12" cy="12" r="9" />
                <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" />
            </svg>
            <span class="visually-hidden">{move || t("lang-label")}</span>
            <select
                data-testid="lang-select"
                on:change=move |ev| {
                    if let Some(l) = Lang::parse(&event_target_value(&ev)) {
                        set_lang(l);
                    }
                }
            >
                {Lang::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.tag() lang=l.tag() prop:selected=move || lang() == l>
                                {l.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn stored_lang() -> Option<Lang> {
    Lang::parse(&local_storage()?.get_item(STORAGE_KEY).ok()??)
}

fn browser_lang() -> Option<Lang> {
    Lang::parse(&web_sys::window()?.navigator().language()?)
}

fn apply_to_document(lang: Lang) {
    let Some(html) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let _ = html.set_attribute("lang", lang.tag());
    let _ = html.set_attribute("dir", lang.dir());
}
