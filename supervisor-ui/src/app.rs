//! Which screen to show: login, no access, or the supervisor's pages inside
//! the shell: the live view (agents and calls), the wallboard and the calls
//! report and the recordings, chosen in the navigation and kept in the
//! address's fragment (`#/live`, `#/wallboard`, `#/wallboard?tv` for TV
//! mode, `#/reports/calls`, `#/recordings`) so that back, forward and bookmarks work.

use leptos::prelude::*;
use ui_kit::{Loading, LoginPage, NotAllowed, Screen, Session, Shell, tr};
use wasm_bindgen::JsCast;

use crate::agents::Agents;
use crate::calls_report::CallsReport;
use crate::campaigns::Campaigns;
use crate::config::Settings;
use crate::quality::Quality;
use crate::recordings::Recordings;
use crate::reports::Reports;
use crate::wallboard::Wallboard;

#[component]
pub fn App() -> impl IntoView {
    let screen = Session::provide(shared::App::Supervisor).screen();
    move || match screen.get() {
        Screen::Checking => view! { <Loading /> }.into_any(),
        Screen::Login => view! { <LoginPage /> }.into_any(),
        Screen::NotAllowed => view! { <NotAllowed /> }.into_any(),
        Screen::Shell => view! {
            <Shell>
                <Pages />
            </Shell>
        }
        .into_any(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Live,
    Wallboard,
    CallsReport,
    Recordings,
    Reports,
    Quality,
    Campaigns,
    Settings,
}

impl Page {
    fn hash(self) -> &'static str {
        match self {
            Page::Live => "#/live",
            Page::Wallboard => "#/wallboard",
            Page::CallsReport => "#/reports/calls",
            Page::Recordings => "#/recordings",
            Page::Reports => "#/reports",
            Page::Quality => "#/quality",
            Page::Campaigns => "#/campaigns",
            Page::Settings => "#/settings",
        }
    }

    /// The page a fragment names; `None` for other fragments (the skip
    /// link's `#main`), which leave the page as it is.
    fn of_hash(hash: &str) -> Option<Page> {
        match hash {
            "" | "#" | "#/" | "#/live" => Some(Page::Live),
            "#/wallboard" | "#/wallboard?tv" => Some(Page::Wallboard),
            "#/reports/calls" => Some(Page::CallsReport),
            "#/recordings" => Some(Page::Recordings),
            "#/reports" => Some(Page::Reports),
            "#/campaigns" => Some(Page::Campaigns),
            h if h == "#/quality" || h.starts_with("#/quality?") => Some(Page::Quality),
            h if h == "#/settings" || h.starts_with("#/settings/") => Some(Page::Settings),
            _ => None,
        }
    }
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// TV mode: the wallboard alone, dark and large (`html.tv` in the CSS).
fn is_tv(hash: &str) -> bool {
    hash == "#/wallboard?tv"
}

/// The navigation and the pages. The live view stays mounted while hidden
/// (a supervisor listening to a call keeps listening); the report is made
/// the first time it is opened and then kept.
#[component]
fn Pages() -> impl IntoView {
    let page = RwSignal::new(Page::of_hash(&current_hash()).unwrap_or(Page::Live));
    let report_opened = RwSignal::new(page.get_untracked() == Page::CallsReport);
    let (tv, set_tv) = signal(is_tv(&current_hash()));
    Effect::new(move |_| {
        let on = tv.get();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.class_list().toggle_with_force("tv", on);
        }
    });
    on_cleanup(move || {
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.class_list().remove_1("tv");
        }
    });
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = current_hash();
        let Some(p) = Page::of_hash(&hash) else { return };
        set_tv.set(is_tv(&hash));
        if p == page.get_untracked() {
            return;
        }
        if p == Page::CallsReport {
            report_opened.set(true);
        }
        page.set(p);
        // Where a screen reader goes on: the new page's heading.
        let target = match p {
            Page::Live => "main",
            Page::Wallboard => "wb-title",
            Page::CallsReport => "report-title",
            Page::Recordings => "rec-title",
            Page::Reports => "rp-title",
            Page::Quality => "q-title",
            Page::Campaigns => "cp-title",
            Page::Settings => "cfg-title",
        };
        request_animation_frame(move || {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(target))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        });
    });
    on_cleanup(move || listener.remove());

    let link = move |p: Page, key: &'static str, testid: &'static str| {
        view! {
            <a
                class="tab"
                href=p.hash()
                data-testid=testid
                aria-current=move || (page.get() == p).then_some("page")
            >
                {tr(key)}
            </a>
        }
    };
    view! {
        <nav class="tabs app-nav" aria-label=tr("nav-label")>
            {link(Page::Live, "nav-live", "nav-live")}
            {link(Page::Wallboard, "nav-wallboard", "nav-wallboard")}
            {link(Page::CallsReport, "nav-calls-report", "nav-calls-report")}
            {link(Page::Recordings, "nav-recordings", "nav-recordings")}
            {link(Page::Reports, "nav-reports", "nav-reports")}
            {link(Page::Quality, "nav-quality", "nav-quality")}
            {link(Page::Campaigns, "nav-campaigns", "nav-campaigns")}
            {link(Page::Settings, "nav-settings", "nav-settings")}
        </nav>
        <div hidden=move || page.get() != Page::Live>
            <Agents />
        </div>
        // Made while shown only: leaving it stops the gateway's pushes.
        {move || (page.get() == Page::Wallboard).then(|| view! { <Wallboard tv=tv /> })}
        // Made while shown: leaving it stops the player.
        {move || (page.get() == Page::Recordings).then(|| view! { <Recordings /> })}
        {move || (page.get() == Page::Reports).then(|| view! { <Reports /> })}
        // Made while shown: leaving it stops the player.
        {move || (page.get() == Page::Quality).then(|| view! { <Quality /> })}
        // Made while shown: leaving it stops its refreshes.
        {move || (page.get() == Page::Campaigns).then(|| view! { <Campaigns /> })}
        {move || (page.get() == Page::Settings).then(|| view! { <Settings /> })}
        {move || {
            report_opened
                .get()
                .then(|| {
                    view! {
                        <div hidden=move || page.get() != Page::CallsReport>
                            <CallsReport />
                        </div>
                    }
                })
        }}
    }
}
