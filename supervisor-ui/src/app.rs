//! Which screen to show: login, no access, or the supervisor's pages inside
//! the shell: the live view (agents and calls) and the calls report, chosen
//! in the navigation and kept in the address's fragment (`#/live`,
//! `#/reports/calls`) so that back, forward and bookmarks work.

use leptos::prelude::*;
use ui_kit::{Loading, LoginPage, NotAllowed, Screen, Session, Shell, tr};
use wasm_bindgen::JsCast;

use crate::agents::Agents;
use crate::calls_report::CallsReport;

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
    CallsReport,
}

impl Page {
    fn hash(self) -> &'static str {
        match self {
            Page::Live => "#/live",
            Page::CallsReport => "#/reports/calls",
        }
    }

    /// The page a fragment names; `None` for other fragments (the skip
    /// link's `#main`), which leave the page as it is.
    fn of_hash(hash: &str) -> Option<Page> {
        match hash {
            "" | "#" | "#/" | "#/live" => Some(Page::Live),
            "#/reports/calls" => Some(Page::CallsReport),
            _ => None,
        }
    }
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The navigation and the pages. The live view stays mounted while hidden
/// (a supervisor listening to a call keeps listening); the report is made
/// the first time it is opened and then kept.
#[component]
fn Pages() -> impl IntoView {
    let page = RwSignal::new(Page::of_hash(&current_hash()).unwrap_or(Page::Live));
    let report_opened = RwSignal::new(page.get_untracked() == Page::CallsReport);
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        let Some(p) = Page::of_hash(&current_hash()) else { return };
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
            Page::CallsReport => "report-title",
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
            {link(Page::CallsReport, "nav-calls-report", "nav-calls-report")}
        </nav>
        <div hidden=move || page.get() != Page::Live>
            <Agents />
        </div>
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
