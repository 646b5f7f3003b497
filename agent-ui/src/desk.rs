//! The agent's desk: status, queues and the audio check on the side; the
//! calls (the softphone), the wrap-up of the last call and the customer in
//! the middle.

use leptos::prelude::*;
use ui_kit::{Session, t};

use crate::audio_check::AudioCheckPanel;
use crate::call::CallPanel;
use crate::customer::CustomerCard;
use crate::presence::MyPresence;
use crate::status::StatusControl;
use crate::wrapup::WrapUpPanel;

#[component]
pub fn Desk() -> impl IntoView {
    let session = Session::expect();
    MyPresence::provide();
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
                <crate::dashboard::Dashboard /> <crate::inbox::Inbox />
                <AudioCheckPanel />
            </aside>
            <div class="desk-main">
                <CallPanel />
                <WrapUpPanel />
                <crate::campaign::CampaignCard />
                <crate::shortcuts::Shortcuts />
                <crate::tab_guard::TabGuard />
                <CustomerCard />
                <crate::alerting::OfferAlerting />
            </div>
        </div>
    }
}
