//! The current UI language as a reactive value, the `t` lookups that read
//! it, and the language switch. The language is remembered in localStorage
//! (`cc.lang`), else taken from the browser, else English; `<html lang dir>`
//! follows it so the whole layout mirrors for Persian and Arabic.

use leptos::prelude::*;
use shared::Lang;

use crate::messages::Catalogs;

/// The localStorage key that remembers the user's choice.
pub const STORAGE_KEY: &str = "cc.lang";

thread_local! {
    static CATALOGS: Catalogs =
        Catalogs::parse_all().expect("the message files parse: ui-kit's tests check them");
    // Reference-counted rather than arena-owned: the language outlives every
    // component and is read from event handlers with no reactive owner.
    static LANG: ArcRwSignal<Lang> = ArcRwSignal::new(Lang::En);
}

/// Parses the message files and applies the remembered or browser language.
/// Call once, before mounting.
pub fn init() {
    CATALOGS.with(|_| ());
    let lang = stored_lang().or_else(browser_lang).unwrap_or_default();
    LANG.with(|l| l.set(lang));
    apply_to_document(lang);
}

/// The current language; reactive.
pub fn lang() -> Lang {
    LANG.with(|l| l.get())
}

/// Switches the language, remembers it and updates `<html lang dir>`.
pub fn set_lang(lang: Lang) {
    LANG.with(|l| l.set(lang));
    if let Some(storage) = local_storage() {
        // Private browsing may refuse; the choice then lasts for this page.
        let _ = storage.set_item(STORAGE_KEY, lang.tag());
    }
    apply_to_document(lang);
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
    CATALOGS.with(|c| c.format(lang, key, args))
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
