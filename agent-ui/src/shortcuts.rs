//! Keyboard shortcuts of the desk (UX.md): Ctrl+Shift+A accept, D decline,
//! H hold, M mute, X transfer, E end the call, F finish the wrap-up, S the
//! status menu; `?` shows them all. UX.md's T and W cannot be used: browsers
//! keep Ctrl+Shift+T (reopen a tab) and Ctrl+Shift+W (close the window) for
//! themselves, and pages cannot stop them. They go by the key's place (`KeyA`), so
//! they work the same on Persian, Arabic and Turkish layouts. None fires
//! while the agent types in a field, a held-down key repeats nothing, and a
//! second press within [`THROTTLE_MS`] is ignored (no double answer).
//!
//! Each shortcut presses the button on screen that does the same (by its
//! test id), so it does exactly what the click does and nothing when the
//! button is not there or disabled.
//!
//! Test ids: `shortcuts-help` (the list, a dialog), `shortcuts-close`.

use leptos::ev;
use leptos::prelude::*;
use ui_kit::t;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Presses closer together than this count once.
const THROTTLE_MS: f64 = 600.0;

/// A shortcut: the key's code (with Ctrl+Shift), what it presses, and its
/// name in the help.
struct Shortcut {
    code: &'static str,
    key: &'static str,
    target: Target,
    label: &'static str,
}

enum Target {
    Click(&'static str),
    Focus(&'static str),
}

const SHORTCUTS: &[Shortcut] = &[
    Shortcut { code: "KeyA", key: "A", target: Target::Click("call-answer"), label: "shortcut-accept" },
    Shortcut { code: "KeyD", key: "D", target: Target::Click("call-decline"), label: "shortcut-decline" },
    Shortcut { code: "KeyH", key: "H", target: Target::Click("call-hold"), label: "shortcut-hold" },
    Shortcut { code: "KeyM", key: "M", target: Target::Click("call-mute"), label: "shortcut-mute" },
    Shortcut { code: "KeyX", key: "X", target: Target::Click("call-transfer"), label: "shortcut-transfer" },
    Shortcut { code: "KeyE", key: "E", target: Target::Click("call-hangup"), label: "shortcut-end" },
    Shortcut { code: "KeyF", key: "F", target: Target::Click("wrapup-done"), label: "shortcut-wrap-up" },
    Shortcut { code: "KeyS", key: "S", target: Target::Focus("status-select"), label: "shortcut-status" },
];

/// The shortcut a key press with Ctrl+Shift (and neither Alt nor Meta)
/// stands for.
fn shortcut(code: &str) -> Option<&'static Shortcut> {
    SHORTCUTS.iter().find(|s| s.code == code)
}

/// Whether the element with focus takes typing.
fn typing(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return false };
    matches!(el.tag_name().to_ascii_lowercase().as_str(), "input" | "textarea" | "select") || el.is_content_editable()
}

/// The first element on the page with `testid` that can be used.
fn find(testid: &str) -> Option<HtmlElement> {
    let doc = web_sys::window()?.document()?;
    let list = doc.query_selector_all(&format!("[data-testid=\"{testid}\"]")).ok()?;
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .find(|el| !el.has_attribute("disabled") && !el.hidden() && el.offset_parent().is_some())
}

#[component]
pub fn Shortcuts() -> impl IntoView {
    let help = RwSignal::new(false);
    let last = StoredValue::new(f64::NEG_INFINITY);
    let handle = window_event_listener(ev::keydown, move |e| {
        if e.repeat() || e.alt_key() || e.meta_key() {
            return;
        }
        if e.key() == "Escape" && help.get_untracked() {
            help.set(false);
            return;
        }
        if typing(e.target()) {
            return;
        }
        if !e.ctrl_key() && e.key() == "?" {
            e.prevent_default();
            help.update(|h| *h = !*h);
            return;
        }
        if !(e.ctrl_key() && e.shift_key()) {
            return;
        }
        let Some(s) = shortcut(&e.code()) else { return };
        e.prevent_default();
        let now = js_sys::Date::now();
        if now - last.get_value() < THROTTLE_MS {
            return;
        }
        last.set_value(now);
        match s.target {
            Target::Click(id) => {
                if let Some(el) = find(id) {
                    el.click();
                }
            }
            Target::Focus(id) => {
                if let Some(el) = find(id) {
                    let _ = el.focus();
                }
            }
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <Show when=move || help.get()>
            <div class="shortcuts-backdrop" on:click=move |_| help.set(false)></div>
            <div
                class="panel shortcuts-help"
                role="dialog"
                aria-modal="true"
                aria-labelledby="shortcuts-title"
                data-testid="shortcuts-help"
            >
                <h2 class="panel-title" id="shortcuts-title">{move || t("shortcuts-title")}</h2>
                <dl class="shortcuts-list">
                    {SHORTCUTS
                        .iter()
                        .map(|s| {
                            view! {
                                <div>
                                    <dt dir="ltr">
                                        <kbd>"Ctrl"</kbd>
                                        "+"
                                        <kbd>"Shift"</kbd>
                                        "+"
                                        <kbd>{s.key}</kbd>
                                    </dt>
                                    <dd>{move || t(s.label)}</dd>
                                </div>
                            }
                        })
                        .collect_view()}
                    <div>
                        <dt dir="ltr">
                            <kbd>"?"</kbd>
                        </dt>
                        <dd>{move || t("shortcut-help")}</dd>
                    </div>
                </dl>
                <p class="hint">{move || t("shortcuts-typing")}</p>
                <button
                    type="button"
                    class="btn"
                    data-testid="shortcuts-close"
                    autofocus
                    on:click=move |_| help.set(false)
                >
                    {move || t("shortcuts-close")}
                </button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortcut_has_its_own_key() {
        for (i, s) in SHORTCUTS.iter().enumerate() {
            assert!(SHORTCUTS[..i].iter().all(|o| o.code != s.code), "{} twice", s.code);
            assert_eq!(s.code, format!("Key{}", s.key));
        }
        assert!(shortcut("KeyA").is_some());
        assert!(shortcut("KeyZ").is_none());
        // Browsers keep these for themselves.
        for reserved in ["KeyT", "KeyW", "KeyN", "KeyQ", "KeyI", "KeyJ"] {
            assert!(shortcut(reserved).is_none(), "{reserved}");
        }
    }
}
