//! What the calls report and the recordings share: the period's day
//! fields, the queue and agent choosers, and the foot of a paged table
//! (how many rows are shown, and Load more).

use leptos::prelude::*;
use shared::directory::{Agent, Queue};
use ui_kit::{format, t, t_args, tr};

/// A local day `YYYY-MM-DD` (the form's start or end).
#[component]
pub fn DayField(
    id: &'static str,
    testid: &'static str,
    label_key: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{tr(label_key)}</label>
            <input
                id=id
                type="date"
                data-testid=testid
                required
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// A queue by its code; empty: all queues.
#[component]
pub fn QueueSelect(
    id: &'static str,
    testid: &'static str,
    queues: LocalResource<Vec<Queue>>,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{tr("report-queue")}</label>
            <select id=id data-testid=testid on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=move || value.with(String::is_empty)>{tr("report-all-queues")}</option>
                {move || {
                    queues
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|q| {
                            let code = q.code.clone();
                            view! { <option value=q.code selected=move || value.with(|c| *c == code)>{q.name}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// An agent by id, sorted by name; empty: all agents.
#[component]
pub fn AgentSelect(
    id: &'static str,
    testid: &'static str,
    agents: LocalResource<Vec<Agent>>,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{tr("report-agent")}</label>
            <select id=id data-testid=testid on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=move || value.with(String::is_empty)>{tr("report-all-agents")}</option>
                {move || {
                    let mut list = agents.get().unwrap_or_default();
                    list.sort_by_key(|a| a.display_name.to_lowercase());
                    list.into_iter()
                        .map(|a| {
                            let id = a.id.to_string();
                            let v = id.clone();
                            view! { <option value=v selected=move || value.with(|c| *c == id)>{a.display_name}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// The foot of a paged table: "… shown: n" (or the loading text), and
/// Load more while there is a next page.
#[component]
pub fn TableFoot<T: Send + Sync + 'static>(
    /// `{prefix}-count` and `{prefix}-more` are the test ids.
    prefix: &'static str,
    loading_key: &'static str,
    shown_key: &'static str,
    list: Paged<T>,
    on_more: impl Fn() + 'static,
) -> impl IntoView {
    let Paged { rows, next, loading, .. } = list;
    view! {
        <div class="report-foot">
            <p class="muted" role="status" data-testid=format!("{prefix}-count")>
                {move || {
                    if loading.get() {
                        t(loading_key)
                    } else {
                        t_args(shown_key, &[("count", &format::int(rows.with(Vec::len) as u64, 1))])
                    }
                }}
            </p>
            <button
                type="button"
                class="btn btn-secondary"
                data-testid=format!("{prefix}-more")
                hidden=move || next.with(Option::is_none)
                prop:disabled=move || loading.get()
                on:click=move |_| on_more()
            >
                {tr("report-more")}
            </button>
        </div>
    }
}

/// The queues and agents the choosers offer (empty if they cannot be read).
pub fn directory() -> (LocalResource<Vec<Queue>>, LocalResource<Vec<Agent>>) {
    let queues =
        LocalResource::new(|| async { ui_kit::api::get::<Vec<Queue>>("/api/v1/queues").await.unwrap_or_default() });
    let agents =
        LocalResource::new(|| async { ui_kit::api::get::<Vec<Agent>>("/api/v1/agents").await.unwrap_or_default() });
    (queues, agents)
}

/// A list read a page at a time: the rows so far, the next page's cursor,
/// whether a page is on its way and the last error's message key.
/// Answers to an earlier search (other filters) are dropped.
pub struct Paged<T: Send + Sync + 'static> {
    pub rows: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<&'static str>>,
    generation: StoredValue<u32>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    pub fn new() -> Paged<T> {
        Paged {
            rows: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    /// Loads a page: `fresh` starts the list over (a new search), else the
    /// page is added to the rows. `page` gives the rows and the next cursor.
    pub fn load(
        self,
        fresh: bool,
        page: impl std::future::Future<Output = Result<(Vec<T>, Option<String>), ui_kit::api::ApiError>> + 'static,
    ) {
        if fresh {
            self.generation.update_value(|g| *g += 1);
            self.rows.set(Vec::new());
            self.next.set(None);
        }
        let asked = self.generation.get_value();
        self.loading.set(true);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            let r = page.await;
            if self.generation.get_value() != asked {
                return;
            }
            self.loading.set(false);
            match r {
                Ok((items, next)) => {
                    self.rows.update(|r| r.extend(items));
                    self.next.set(next);
                }
                Err(e) => self.error.set(Some(e.message_key())),
            }
        });
    }
}
