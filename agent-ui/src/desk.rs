//! The agent's desk: status, queues and the audio check on the side, the
//! call and the customer in the middle. Calls and the customer card come
//! with later work; until then their panels say plainly that there is
//! nothing to show.

use leptos::prelude::*;
use ui_kit::{Session, t};

use crate::audio_check::AudioCheckPanel;
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
                <section class="panel panel-tall" aria-labelledby="call-title">
                    <h2 class="panel-title" id="call-title">{move || t("desk-call-title")}</h2>
                    <div class="empty-state">
                        <svg class="icon empty-icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M5 4h3l2 5-2.5 1.5a11 11 0 0 0 6 6L15 14l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />
                        </svg>
                        <p>{move || t("desk-call-empty")}</p>
                    </div>
                </section>
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
