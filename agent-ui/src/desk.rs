//! The agent's desk: status, queues and the audio check on the side, the
//! calls (the softphone) and the customer in the middle. The customer card
//! comes with later work; until then its panel says plainly that there is
//! nothing to show.

use leptos::prelude::*;
use ui_kit::{Session, t};

use crate::audio_check::AudioCheckPanel;
use crate::call::CallPanel;
use crate::status::StatusControl;

#[component]
pub fn Desk() -> impl IntoView {
    let session = Session::expect();
    let queues = LocalResource::new(move || async move {
        match session.user() {
            Some(u) => ui_kit::api::my_queues(u.id).await.unwrap_or_default(),
            None => Vec::new(),
        }
    });
    let queue_list = move || {
        let list = queues.get().unwrap_or_default();
        if list.is_empty() {
            view! { <p class="empty-text">{move || t("desk-queues-empty")}</p> }.into_any()
        } else {
            view! {
                <ul class="queue-list" data-testid="my-queues">
                    {list.into_iter().map(|q| view! { <li data-queue-code=q.code>{q.name}</li> }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };
    view! {
        <div class="desk">
            <aside class="desk-side">
                <section class="panel" aria-labelledby="status-title">
                    <h2 class="panel-title" id="status-title">{move || t("status-label")}</h2>
                    <StatusControl />
                </section>
                <section class="panel" aria-labelledby="queues-title">
                    <h2 class="panel-title" id="queues-title">{move || t("desk-queues-title")}</h2>
                    {queue_list}
                </section>
                <AudioCheckPanel />
            </aside>
            <div class="desk-main">
                <CallPanel />
                <section class="panel" aria-labelledby="customer-title">
                    <h2 class="panel-title" id="customer-title">{move || t("desk-customer-title")}</h2>
                    <div class="empty-state">
                        <svg class="icon empty-icon" viewBox="0 0 24 24" aria-hidden="true">
                            <circle cx="12" cy="8" r="4" />
                            <path d="M4 21a8 8 0 0 1 16 0" />
                        </svg>
                        <p>{move || t("desk-customer-empty")}</p>
                    </div>
                </section>
            </div>
        </div>
    }
}
