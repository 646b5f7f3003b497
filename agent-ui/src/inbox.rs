//! The agent's inbox on the desk, on two tabs: the voicemails of their inbox
//! (assigned to them first; a player, "Mark as done", "Call back") and the
//! callbacks they should make (a "Call" button; "Cancel" for their own).
//! Both lists reload every 30 s, when their tab is chosen, and after a
//! change that failed.
//!
//! "Call" and "Call back" do not dial: they hand the number to the
//! softphone through [`DialRequest`].
//!
//! Test ids: `inbox`, `inbox-tab-voicemail`, `inbox-tab-callbacks` (tabs,
//! `aria-selected`), `inbox-voicemail-count`; `voicemail` (`data-id`,
//! `data-status`, `data-mine`) with `voicemail-audio`, `voicemail-done`
//! (or `voicemail-reopen`), `voicemail-call`, `voicemail-error`;
//! `callback` (`data-id`, `data-state`) with `callback-number`,
//! `callback-attempts`, `callback-call`, `callback-cancel`,
//! `callback-error`; `inbox-empty-voicemail`, `inbox-empty-callbacks`,
//! `inbox-error`, `inbox-call-sent`.

use std::collections::BTreeMap;
use std::time::Duration;

use js_sys::{Date, Object, Reflect};
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::directory::Queue;
use shared::me::MyCallbacks;
use shared::records::{
    Callback as CallbackRecord, CallbackResult, CallbackState, MailboxKind, Voicemail, VoicemailPage, VoicemailPatch,
    VoicemailStatus,
};
use ui_kit::dial::DialRequest;
use ui_kit::{Session, api, format, lang, t, t_args, tr};
use wasm_bindgen::JsValue;

/// How often the lists reload by themselves.
const REFRESH: Duration = Duration::from_secs(30);
const VOICEMAILS: &str = "/api/v1/voicemails?mine=true&limit=50";
const CALLBACKS: &str = "/api/v1/me/callbacks";

const PHONE_ICON: &str = "M5 4h3l2 5-2.5 1.5a11 11 0 0 0 6 6L15 14l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Voicemail,
    Callbacks,
}

/// Names the lists show for ids: queues by code, customers by id (`None`
/// while unknown or for an unnamed customer).
#[derive(Clone, Copy)]
struct Names {
    queues: RwSignal<BTreeMap<String, String>>,
    customers: RwSignal<BTreeMap<i64, Option<String>>>,
}

impl Names {
    fn new() -> Names {
        let names = Names { queues: RwSignal::new(BTreeMap::new()), customers: RwSignal::new(BTreeMap::new()) };
        spawn_local(async move {
            if let Ok(all) = api::get::<Vec<Queue>>("/api/v1/queues").await {
                names.queues.try_set(all.into_iter().map(|q| (q.code, q.name)).collect());
            }
        });
        names
    }

    /// Looks up the customers not asked for yet.
    fn want(&self, ids: impl IntoIterator<Item = i64>) {
        for id in ids {
            let asked = self.customers.with_untracked(|m| m.contains_key(&id));
            if asked {
                continue;
            }
            self.customers.update(|m| {
                m.insert(id, None);
            });
            let customers = self.customers;
            spawn_local(async move {
                if let Ok(c) = api::customer(id).await {
                    let name = c.name.filter(|n| !n.trim().is_empty());
                    customers.try_update(|m| m.insert(id, name));
                }
            });
        }
    }

    fn customer(&self, id: Option<i64>) -> Option<String> {
        self.customers.with(|m| m.get(&id?).cloned().flatten())
    }

    fn queue(&self, code: &str) -> String {
        self.queues.with(|m| m.get(code).cloned()).unwrap_or_else(|| code.to_owned())
    }
}

/// One list from the gateway: the items of the last good answer, and the
/// error of the last answer if it failed.
struct Loaded<T: Send + Sync + 'static> {
    items: RwSignal<Option<Vec<T>>>,
    error: RwSignal<Option<&'static str>>,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: Send + Sync + 'static> Loaded<T> {
    fn new() -> Loaded<T> {
        Loaded { items: RwSignal::new(None), error: RwSignal::new(None) }
    }

    fn set(&self, r: Result<Vec<T>, api::ApiError>) {
        match r {
            Ok(items) => {
                self.items.try_set(Some(items));
                self.error.try_set(None);
            }
            Err(e) => {
                self.error.try_set(Some(e.message_key()));
            }
        }
    }
}

#[component]
pub fn Inbox() -> impl IntoView {
    let me = Session::expect().user().map(|u| u.id).unwrap_or_default();
    let dial = DialRequest::expect();
    let names = Names::new();
    let voicemails = Loaded::<Voicemail>::new();
    let callbacks = Loaded::<CallbackRecord>::new();
    let load_voicemails = move || {
        spawn_local(async move {
            let r = api::get::<VoicemailPage>(VOICEMAILS).await.map(|p| p.items);
            if let Ok(items) = &r {
                names.want(items.iter().filter_map(|v| v.customer_id));
            }
            voicemails.set(r);
        })
    };
    let load_callbacks = move || {
        spawn_local(async move {
            let r = api::get::<MyCallbacks>(CALLBACKS).await.map(|p| p.items);
            if let Ok(items) = &r {
                names.want(items.iter().filter_map(|c| c.customer_id));
            }
            callbacks.set(r);
        })
    };
    load_voicemails();
    load_callbacks();
    if let Ok(timer) = set_interval_with_handle(
        move || {
            load_voicemails();
            load_callbacks();
        },
        REFRESH,
    ) {
        on_cleanup(move || timer.clear());
    }

    // The number last handed to the softphone, said once.
    let sent = RwSignal::new(None::<String>);
    let call = move |number: String| {
        dial.request(number.clone());
        sent.set(Some(number));
    };

    let tab = RwSignal::new(Tab::Voicemail);
    // A tab shown is a list brought up to date.
    let select = move |which: Tab| {
        tab.set(which);
        match which {
            Tab::Voicemail => load_voicemails(),
            Tab::Callbacks => load_callbacks(),
        }
    };
    let vm_tab = NodeRef::<html::Button>::new();
    let cb_tab = NodeRef::<html::Button>::new();
    // Tabs as WAI-ARIA has them: arrows move between them (either way: there
    // are two), Home and End go to the ends.
    let on_tab_key = move |ev: KeyboardEvent| {
        let next = match ev.key().as_str() {
            "ArrowLeft" | "ArrowRight" => match tab.get_untracked() {
                Tab::Voicemail => Tab::Callbacks,
                Tab::Callbacks => Tab::Voicemail,
            },
            "Home" => Tab::Voicemail,
            "End" => Tab::Callbacks,
            _ => return,
        };
        ev.prevent_default();
        select(next);
        let el = match next {
            Tab::Voicemail => vm_tab.get_untracked(),
            Tab::Callbacks => cb_tab.get_untracked(),
        };
        if let Some(el) = el {
            let _ = el.focus();
        }
    };
    let open_voicemails = move || {
        voicemails
            .items
            .with(|l| l.as_ref().map_or(0, |l| l.iter().filter(|v| v.status != VoicemailStatus::Done).count()))
    };
    let open_callbacks = move || {
        callbacks.items.with(|l| {
            l.as_ref().map_or(0, |l| {
                l.iter().filter(|c| matches!(c.state, CallbackState::Pending | CallbackState::Dialing)).count()
            })
        })
    };
    let selected = move |which: Tab| move || (tab.get() == which).to_string();
    let tabindex = move |which: Tab| move || if tab.get() == which { 0 } else { -1 };

    view! {
        <section class="panel inbox" aria-labelledby="inbox-title" data-testid="inbox">
            <h2 class="panel-title" id="inbox-title">{tr("inbox-title")}</h2>
            <div class="tabs" role="tablist" aria-labelledby="inbox-title">
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    id="inbox-tab-voicemail"
                    aria-controls="inbox-panel-voicemail"
                    aria-selected=selected(Tab::Voicemail)
                    tabindex=tabindex(Tab::Voicemail)
                    data-testid="inbox-tab-voicemail"
                    node_ref=vm_tab
                    on:click=move |_| select(Tab::Voicemail)
                    on:keydown=on_tab_key
                >
                    <span>{tr("inbox-tab-voicemail")}</span>
                    <TabCount count=Signal::derive(open_voicemails) label="inbox-open-voicemails" testid="inbox-voicemail-count" />
                </button>
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    id="inbox-tab-callbacks"
                    aria-controls="inbox-panel-callbacks"
                    aria-selected=selected(Tab::Callbacks)
                    tabindex=tabindex(Tab::Callbacks)
                    data-testid="inbox-tab-callbacks"
                    node_ref=cb_tab
                    on:click=move |_| select(Tab::Callbacks)
                    on:keydown=on_tab_key
                >
                    <span>{tr("inbox-tab-callbacks")}</span>
                    <TabCount count=Signal::derive(open_callbacks) label="inbox-open-callbacks" testid="inbox-callback-count" />
                </button>
            </div>
            <p class="hint inbox-sent" role="status" data-testid="inbox-call-sent">
                {move || {
                    sent.get()
                        .map(|n| {
                            view! {
                                {tr("inbox-call-sent")}
                                " "
                                <bdi dir="ltr">{n}</bdi>
                            }
                        })
                }}
            </p>
            <div
                role="tabpanel"
                id="inbox-panel-voicemail"
                class="tab-panel"
                aria-labelledby="inbox-tab-voicemail"
                hidden=move || tab.get() != Tab::Voicemail
            >
                <VoicemailList me=me list=voicemails names=names call=call reload=load_voicemails />
            </div>
            <div
                role="tabpanel"
                id="inbox-panel-callbacks"
                class="tab-panel"
                aria-labelledby="inbox-tab-callbacks"
                hidden=move || tab.get() != Tab::Callbacks
            >
                <CallbackList me=me list=callbacks names=names call=call reload=load_callbacks />
            </div>
        </section>
    }
}

/// How many items are open on a tab: the number, named for screen readers.
#[component]
fn TabCount(count: Signal<usize>, label: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <Show when=move || { count.get() > 0 }>
            <span class="tab-count" data-testid=testid data-count=move || count.get()>
                <span class="visually-hidden">{tr(label)}</span>
                {move || format::int(count.get() as u64, 1)}
            </span>
        </Show>
    }
}

/// The list's state: loading, an error, nothing, or the items.
fn list_state<T: Send + Sync + 'static>(
    list: Loaded<T>,
    empty_key: &'static str,
    empty_id: &'static str,
) -> impl IntoView {
    move || {
        let error = list.error.get();
        let loaded = list.items.with(|l| l.as_ref().map(Vec::len));
        let error = error.map(|key| {
            view! {
                <p class="alert alert-sm" role="alert" data-testid="inbox-error">
                    {move || t(key)}
                </p>
            }
        });
        let state = match loaded {
            None if error.is_none() => Some(view! { <p class="empty-text">{tr("inbox-loading")}</p> }.into_any()),
            Some(0) => Some(view! { <p class="empty-text" data-testid=empty_id>{tr(empty_key)}</p> }.into_any()),
            _ => None,
        };
        (error, state)
    }
}

#[component]
fn VoicemailList(
    me: i64,
    list: Loaded<Voicemail>,
    names: Names,
    call: impl Fn(String) + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // Assigned to me first; newest first within (the gateway's order).
    let order = move || {
        let mut ids: Vec<(bool, i64)> =
            list.items.with(|l| l.iter().flatten().map(|v| (v.assigned_to != Some(me), v.id)).collect());
        ids.sort_by_key(|(not_mine, _)| *not_mine);
        ids.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    view! {
        {list_state(list, "inbox-empty-voicemail", "inbox-empty-voicemail")}
        <ul class="inbox-list" aria-labelledby="inbox-tab-voicemail">
            <For each=order key=|id| *id let:id>
                <VoicemailItem id=id me=me list=list names=names call=call reload=reload />
            </For>
        </ul>
    }
}

#[component]
fn VoicemailItem(
    id: i64,
    me: i64,
    list: Loaded<Voicemail>,
    names: Names,
    call: impl Fn(String) + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let v = Memo::new(move |_| list.items.with(|l| l.iter().flatten().find(|v| v.id == id).cloned()));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let field = move |f: fn(&Voicemail) -> String| move || v.with(|v| v.as_ref().map(f).unwrap_or_default());
    let status = move || v.with(|v| v.as_ref().map(|v| v.status)).unwrap_or(VoicemailStatus::New);
    let done = move || status() == VoicemailStatus::Done;
    let caller = move || v.with(|v| v.as_ref().and_then(|v| v.caller.clone()));
    let name = move || names.customer(v.with(|v| v.as_ref().and_then(|v| v.customer_id)));
    let dialable = move || caller().and_then(|c| ui_kit::calls::dialable_number(&c).ok());
    let mailbox = move || {
        v.with(|v| {
            v.as_ref().map(|v| match v.mailbox_kind {
                MailboxKind::Queue => names.queue(&v.mailbox),
                MailboxKind::Agent if v.mailbox == me.to_string() => t("inbox-mailbox-mine"),
                MailboxKind::Agent => t("inbox-mailbox-agent"),
                MailboxKind::Number => v.mailbox.clone(),
            })
        })
    };
    let received = field(|v| format::parse_time(&v.received_at).map(short_time).unwrap_or_default());
    let length = field(|v| format::duration((v.duration_ms.max(0) as u64).div_ceil(1000)));
    let who = move || name().or_else(caller).unwrap_or_else(|| t("inbox-unknown-caller"));
    let audio_label = move || t_args("inbox-audio-label", &[("caller", &who())]);

    let toggle_done = move |_| {
        if busy.get_untracked() {
            return;
        }
        let next = if done() { VoicemailStatus::InProgress } else { VoicemailStatus::Done };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let patch = VoicemailPatch { status: Some(next), ..Default::default() };
            match api::send_json::<_, Voicemail>("PATCH", &format!("/api/v1/voicemails/{id}"), &patch).await {
                Ok(updated) => {
                    list.items.try_update(|l| {
                        if let Some(v) = l.iter_mut().flatten().find(|v| v.id == id) {
                            *v = updated;
                        }
                    });
                }
                Err(e) => {
                    error.try_set(Some(e.error.message_key()));
                    reload();
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <li
            class="inbox-item"
            data-testid="voicemail"
            data-id=id
            data-status=move || status().as_str()
            data-mine=move || v.with(|v| v.as_ref().is_some_and(|v| v.assigned_to == Some(me))).to_string()
        >
            <div class="inbox-head">
                <p class="inbox-who">
                    <span class="inbox-name">{who}</span>
                    {move || {
                        name().and(caller()).map(|c| view! { <bdi dir="ltr" class="inbox-number">{c}</bdi> })
                    }}
                </p>
                <span class="pill inbox-pill" data-state=move || status().as_str()>
                    <span class="dot" aria-hidden="true"></span>
                    {move || t(voicemail_status_key(status()))}
                </span>
            </div>
            <dl class="inbox-facts">
                <div>
                    <dt>{tr("inbox-received")}</dt>
                    <dd>{received}</dd>
                </div>
                <div>
                    <dt>{tr("inbox-length")}</dt>
                    <dd>
                        <span dir="ltr">{length}</span>
                    </dd>
                </div>
                <div>
                    <dt>{tr("inbox-mailbox")}</dt>
                    <dd>
                        <bdi>{mailbox}</bdi>
                    </dd>
                </div>
            </dl>
            <Show when=move || v.with(|v| v.as_ref().is_some_and(|v| v.assigned_to == Some(me)))>
                <p class="chip inbox-chip" data-me="true">{tr("inbox-assigned-to-me")}</p>
            </Show>
            <audio
                class="inbox-audio"
                controls
                preload="none"
                src=format!("/api/v1/voicemails/{id}/audio")
                aria-label=audio_label
                data-testid="voicemail-audio"
            ></audio>
            <div class="inbox-actions">
                <button
                    type="button"
                    class="btn btn-secondary btn-sm"
                    data-testid=move || done_testid(done())
                    aria-disabled=move || busy.get().to_string()
                    on:click=toggle_done
                >
                    <span>{move || if done() { t("inbox-reopen") } else { t("inbox-mark-done") }}</span>
                </button>
                {move || {
                    dialable()
                        .map(|number| {
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-ghost btn-sm"
                                    data-testid="voicemail-call"
                                    aria-label=t_args("inbox-call-back-label", &[("number", &number)])
                                    on:click=move |_| call(number.clone())
                                >
                                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                        <path d=PHONE_ICON />
                                    </svg>
                                    <span>{tr("inbox-call-back")}</span>
                                </button>
                            }
                        })
                }}
            </div>
            {move || {
                error
                    .get()
                    .map(|key| {
                        view! {
                            <p class="alert alert-sm" role="alert" data-testid="voicemail-error">
                                {move || t(key)}
                            </p>
                        }
                    })
            }}
        </li>
    }
}

#[component]
fn CallbackList(
    me: i64,
    list: Loaded<CallbackRecord>,
    names: Names,
    call: impl Fn(String) + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let order = move || list.items.with(|l| l.iter().flatten().map(|c| c.id).collect::<Vec<_>>());
    view! {
        {list_state(list, "inbox-empty-callbacks", "inbox-empty-callbacks")}
        <ul class="inbox-list" aria-labelledby="inbox-tab-callbacks">
            <For each=order key=|id| *id let:id>
                <CallbackItem id=id me=me list=list names=names call=call reload=reload />
            </For>
        </ul>
    }
}

#[component]
fn CallbackItem(
    id: i64,
    me: i64,
    list: Loaded<CallbackRecord>,
    names: Names,
    call: impl Fn(String) + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let c = Memo::new(move |_| list.items.with(|l| l.iter().flatten().find(|c| c.id == id).cloned()));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let state = move || c.with(|c| c.as_ref().map(|c| c.state)).unwrap_or(CallbackState::Pending);
    let number = move || c.with(|c| c.as_ref().map(|c| c.number.clone())).unwrap_or_default();
    let name = move || names.customer(c.with(|c| c.as_ref().and_then(|c| c.customer_id)));
    let queue = move || c.with(|c| c.as_ref().map(|c| names.queue(&c.queue))).unwrap_or_default();
    let when = move || {
        c.with(|c| {
            let c = c.as_ref()?;
            let retry = (c.attempts > 0 && c.state == CallbackState::Pending).then_some(c.next_attempt_at.as_ref());
            let at = retry.flatten().or(c.due_at.as_ref());
            Some(match at.and_then(|a| format::parse_time(a)) {
                Some(ms) => short_time(ms),
                None => t("inbox-cb-asap"),
            })
        })
        .unwrap_or_default()
    };
    let attempts = move || {
        c.with(|c| c.as_ref().map(|c| (c.attempts, c.max_attempts)))
            .map(|(a, m)| {
                let (a, m) = (format::int(u64::from(a), 1), format::int(u64::from(m), 1));
                t_args("inbox-cb-attempts-of", &[("done", &a), ("max", &m)])
            })
            .unwrap_or_default()
    };
    let last = move || c.with(|c| c.as_ref().and_then(|c| c.last_result)).map(|r| t(result_key(r)));
    let mine_pending =
        move || c.with(|c| c.as_ref().is_some_and(|c| c.created_by == Some(me))) && state() == CallbackState::Pending;
    let dialable = move || ui_kit::calls::dialable_number(&number()).ok();
    let cancel = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::send_json::<_, CallbackRecord>("POST", &format!("/api/v1/callbacks/{id}/cancel"), &()).await {
                Ok(updated) => {
                    list.items.try_update(|l| {
                        if let Some(c) = l.iter_mut().flatten().find(|c| c.id == id) {
                            *c = updated;
                        }
                    });
                }
                Err(e) => {
                    error.try_set(Some(e.error.message_key()));
                    reload();
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <li class="inbox-item" data-testid="callback" data-id=id data-state=move || state().as_str()>
            <div class="inbox-head">
                <p class="inbox-who">
                    {move || name().map(|n| view! { <span class="inbox-name">{n}</span> })}
                    <bdi dir="ltr" class="inbox-number" data-testid="callback-number">
                        {number}
                    </bdi>
                </p>
                <span class="pill inbox-pill" data-state=move || state().as_str()>
                    <span class="dot" aria-hidden="true"></span>
                    {move || t(callback_state_key(state()))}
                </span>
            </div>
            <dl class="inbox-facts">
                <div>
                    <dt>{tr("inbox-cb-when")}</dt>
                    <dd>{when}</dd>
                </div>
                <div>
                    <dt>{tr("inbox-cb-queue")}</dt>
                    <dd>
                        <bdi>{queue}</bdi>
                    </dd>
                </div>
                <div>
                    <dt>{tr("inbox-cb-attempts")}</dt>
                    <dd>
                        <span
                            data-testid="callback-attempts"
                            data-attempts=move || c.with(|c| c.as_ref().map(|c| c.attempts)).unwrap_or(0)
                            data-max=move || c.with(|c| c.as_ref().map(|c| c.max_attempts)).unwrap_or(0)
                        >
                            {attempts}
                        </span>
                    </dd>
                </div>
                {move || {
                    last()
                        .map(|text| {
                            view! {
                                <div>
                                    <dt>{tr("inbox-cb-last")}</dt>
                                    <dd>{text}</dd>
                                </div>
                            }
                        })
                }}
            </dl>
            <div class="inbox-actions">
                {move || {
                    dialable()
                        .map(|n| {
                            let label = t_args("inbox-call-label", &[("number", &n)]);
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-primary btn-sm"
                                    data-testid="callback-call"
                                    aria-label=label
                                    aria-disabled=move || (state() == CallbackState::Dialing).to_string()
                                    title=move || (state() == CallbackState::Dialing).then(|| t("inbox-cb-dialing-now"))
                                    on:click=move |_| {
                                        if state() != CallbackState::Dialing {
                                            call(n.clone());
                                        }
                                    }
                                >
                                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                        <path d=PHONE_ICON />
                                    </svg>
                                    <span>{tr("inbox-call")}</span>
                                </button>
                            }
                        })
                }}
                <Show when=mine_pending>
                    <button
                        type="button"
                        class="btn btn-ghost btn-sm"
                        data-testid="callback-cancel"
                        aria-disabled=move || busy.get().to_string()
                        on:click=cancel
                    >
                        {tr("inbox-cb-cancel")}
                    </button>
                </Show>
            </div>
            {move || {
                error
                    .get()
                    .map(|key| {
                        view! {
                            <p class="alert alert-sm" role="alert" data-testid="callback-error">
                                {move || t(key)}
                            </p>
                        }
                    })
            }}
        </li>
    }
}

/// The toggle's test id: it marks done, or reopens.
fn done_testid(done: bool) -> &'static str {
    const DONE: &str = "voicemail-done";
    const REOPEN: &str = "voicemail-reopen";
    if done { REOPEN } else { DONE }
}

fn voicemail_status_key(s: VoicemailStatus) -> &'static str {
    match s {
        VoicemailStatus::New => "inbox-vm-new",
        VoicemailStatus::Assigned => "inbox-vm-assigned",
        VoicemailStatus::InProgress => "inbox-vm-in-progress",
        VoicemailStatus::Done => "inbox-vm-done",
    }
}

fn callback_state_key(s: CallbackState) -> &'static str {
    match s {
        CallbackState::Pending => "inbox-cb-pending",
        CallbackState::Dialing => "inbox-cb-dialing",
        CallbackState::Completed => "inbox-cb-completed",
        CallbackState::Failed => "inbox-cb-failed",
        CallbackState::Cancelled => "inbox-cb-cancelled",
    }
}

fn result_key(r: CallbackResult) -> &'static str {
    match r {
        CallbackResult::Busy => "inbox-cb-result-busy",
        CallbackResult::NoAnswer => "inbox-cb-result-no-answer",
        CallbackResult::Failed => "inbox-cb-result-failed",
        CallbackResult::Answered => "inbox-cb-result-answered",
    }
}

/// A time with its date, short, as the language writes it; reactive.
pub fn short_time(epoch_ms: f64) -> String {
    let date = Date::new(&JsValue::from_f64(epoch_ms));
    let opts = Object::new();
    let _ = Reflect::set(&opts, &"dateStyle".into(), &"short".into());
    let _ = Reflect::set(&opts, &"timeStyle".into(), &"short".into());
    date.to_locale_string(lang().tag(), &opts).into()
}
