//! One desk per agent: when the desk is open in another tab the gateway
//! says so (`tab_state` `active: false`) and this tab gets no calls and
//! cannot change the status. It covers the desk with a notice whose button
//! takes the desk over here (`take_over`); the other tab then shows the
//! notice.
//!
//! Test ids: `tab-inactive`, `tab-take-over`.

use leptos::prelude::*;
use shared::ws::{ClientMsg, ServerMsg};
use ui_kit::{WsClient, t};

#[component]
pub fn TabGuard() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let inactive = RwSignal::new(false);
    ws.subscribe(move |msg| {
        match msg {
            ServerMsg::TabState { active } => inactive.set(!*active),
            // A new connection is the desk unless the gateway says otherwise.
            ServerMsg::Welcome { .. } => inactive.set(false),
            _ => {}
        }
    });
    let take_over = move |_| {
        ws.send(&ClientMsg::TakeOver);
    };
    view! {
        <Show when=move || inactive.get()>
            <div class="shortcuts-backdrop tab-backdrop"></div>
            <div
                class="panel tab-inactive"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="tab-inactive-title"
                aria-describedby="tab-inactive-text"
                data-testid="tab-inactive"
            >
                <h2 class="panel-title" id="tab-inactive-title">{move || t("tab-inactive-title")}</h2>
                <p id="tab-inactive-text">{move || t("tab-inactive-text")}</p>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="tab-take-over"
                    autofocus
                    on:click=take_over.clone()
                >
                    {move || t("tab-take-over")}
                </button>
            </div>
        </Show>
    }
}
