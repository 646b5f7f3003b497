//! The customer card (screen pop): who is calling, what happened on their
//! earlier calls and what is still open for them.
//!
//! It listens to the desk's WebSocket. A call that rings for the agent
//! pops its customer, unless the card is busy with a call still going on;
//! answering, dialing out or taking a call back after a refresh pops that
//! call's customer. The customer is the one the IVR identified
//! (`customer_id`), or else the one the caller's number belongs to. An
//! unknown caller gets the new-customer form with the number filled in,
//! and a search for a customer calling from another phone.
//!
//! The card shows the customer's data (edited in place, `PUT`), their open
//! tickets (status changed in place; new ones linked to the call) and their
//! earlier calls with the last disposition first. It stays after the call
//! ends, until the next call pops another customer.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::customers::{Customer, CustomerInput, normalize_phone};
use shared::directory::InteractionSummary;
use shared::records::Disposition;
use shared::tickets::{NewTicket, Ticket, TicketKind, TicketPatch, TicketStatus};
use shared::ws::{CallInfo, ServerMsg};
use ui_kit::api::{self, ApiError, WriteError};
use ui_kit::calls::other_party;
use ui_kit::{WsClient, lang, t, t_args, tr};
use wasm_bindgen::{JsCast, JsValue};

/// Earlier calls shown; the API gives up to 50.
const HISTORY_SHOWN: usize = 10;
/// Ringing calls remembered until answered or ended.
const RINGING_MAX: usize = 8;

/// How far the card's call has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Rings for the agent; another call may still take the card.
    Ringing,
    /// Answered, dialed or taken back: the card stays with it.
    Connected,
    /// Over; the next call takes the card.
    Ended,
}

/// The call the card was opened for.
#[derive(Debug, Clone, PartialEq)]
struct CardCall {
    call_id: String,
    /// The other party as the call names it (a number, a SIP user, `anonymous`).
    number: String,
    /// The same as E.164, when it is a phone number.
    e164: Option<String>,
    /// The caller's language as the IVR set it.
    language: Option<String>,
    phase: Phase,
}

/// Where finding the customer stands.
#[derive(Debug, Clone, PartialEq)]
enum Lookup {
    /// No call yet.
    Idle,
    Loading,
    Found(Customer),
    /// Nobody has the number (or there is none to look up).
    Unknown,
    /// The message key of what went wrong.
    Failed(&'static str),
}

impl Lookup {
    fn as_str(&self) -> &'static str {
        match self {
            Lookup::Idle => "empty",
            Lookup::Loading => "loading",
            Lookup::Found(_) => "found",
            Lookup::Unknown => "unknown",
            Lookup::Failed(_) => "error",
        }
    }
}

/// The card's state: arena signals, so the handle is `Copy`.
#[derive(Clone, Copy)]
struct Card {
    call: RwSignal<Option<CardCall>>,
    lookup: RwSignal<Lookup>,
    /// `None` while loading.
    history: RwSignal<Option<Result<Vec<InteractionSummary>, &'static str>>>,
    tickets: RwSignal<Option<Result<Vec<Ticket>, &'static str>>>,
    editing: RwSignal<bool>,
    ticket_form: RwSignal<bool>,
    /// Said to screen readers (`aria-live="polite"`).
    announce: RwSignal<String>,
    /// Bumped by every lookup, so that late answers of an older one are
    /// dropped.
    generation: StoredValue<u64>,
    ringing: StoredValue<Vec<CallInfo>>,
}

impl Card {
    fn new() -> Card {
        Card {
            call: RwSignal::new(None),
            lookup: RwSignal::new(Lookup::Idle),
            history: RwSignal::new(None),
            tickets: RwSignal::new(None),
            editing: RwSignal::new(false),
            ticket_form: RwSignal::new(false),
            announce: RwSignal::new(String::new()),
            generation: StoredValue::new(0),
            ringing: StoredValue::new(Vec::new()),
        }
    }

    fn handle(self, msg: &ServerMsg) {
        match msg {
            ServerMsg::CallRinging { call } => {
                self.ringing.update_value(|r| {
                    r.retain(|c| c.call_id != call.call_id);
                    r.push(call.clone());
                    if r.len() > RINGING_MAX {
                        r.remove(0);
                    }
                });
                let free = self.call.with_untracked(|c| c.as_ref().is_none_or(|c| c.phase == Phase::Ended));
                if free {
                    self.pop(call, Phase::Ringing);
                }
            }
            ServerMsg::CallAnswered { call_id, .. } => {
                let info = self.ringing.with_value(|r| r.iter().find(|c| c.call_id == *call_id).cloned());
                self.ringing.update_value(|r| r.retain(|c| c.call_id != *call_id));
                if !self.connect(call_id)
                    && let Some(info) = info
                {
                    self.pop(&info, Phase::Connected);
                }
            }
            ServerMsg::CallDialing { call, .. } | ServerMsg::CallActive { call, .. }
                if !self.connect(&call.call_id) =>
            {
                self.pop(call, Phase::Connected);
            }
            ServerMsg::CallEnded { call_id, .. } => {
                self.ringing.update_value(|r| r.retain(|c| c.call_id != *call_id));
                self.call.update(|c| {
                    if let Some(c) = c.as_mut().filter(|c| c.call_id == *call_id) {
                        c.phase = Phase::Ended;
                    }
                });
            }
            _ => {}
        }
    }

    /// Marks the card's call connected if it is `call_id`; false if the card
    /// shows another call.
    fn connect(self, call_id: &str) -> bool {
        let same = self.call.with_untracked(|c| c.as_ref().is_some_and(|c| c.call_id == call_id));
        if same {
            self.call.update(|c| {
                if let Some(c) = c.as_mut() {
                    c.phase = Phase::Connected;
                }
            });
        }
        same
    }

    /// Opens the card for `info`'s customer.
    fn pop(self, info: &CallInfo, phase: Phase) {
        let number = other_party(info).to_owned();
        let e164 = normalize_phone(&number).ok();
        self.call.set(Some(CardCall {
            call_id: info.call_id.clone(),
            number,
            e164: e164.clone(),
            language: info.language.clone(),
            phase,
        }));
        self.look_up(info.customer_id, e164);
    }

    /// A new lookup: returns its generation.
    fn begin(self) -> u64 {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.editing.set(false);
        self.ticket_form.set(false);
        self.history.set(None);
        self.tickets.set(None);
        generation
    }

    fn current(self, generation: u64) -> bool {
        self.generation.try_get_value() == Some(generation)
    }

    fn look_up(self, by_id: Option<i64>, e164: Option<String>) {
        let generation = self.begin();
        self.lookup.set(Lookup::Loading);
        spawn_local(async move {
            let mut found = match by_id {
                Some(id) => api::customer(id).await.map(Some),
                None => Ok(None),
            };
            // The IVR's customer may be gone since; the number may still say.
            if !matches!(found, Ok(Some(_)))
                && let Some(n) = &e164
            {
                found = api::customer_by_number(n).await;
            }
            if !self.current(generation) {
                return;
            }
            match found {
                Ok(Some(c)) => self.show(c, generation),
                Ok(None) => {
                    self.lookup.try_set(Lookup::Unknown);
                    self.announce.try_set(t("customer-unknown"));
                }
                Err(e) => {
                    self.lookup.try_set(Lookup::Failed(e.message_key()));
                }
            }
        });
    }

    /// Shows `c` and loads their history and open tickets.
    fn show(self, c: Customer, generation: u64) {
        let id = c.id;
        let name = c.name.clone().unwrap_or_else(|| t("customer-no-name"));
        self.lookup.try_set(Lookup::Found(c));
        self.announce.try_set(t_args("customer-announce", &[("name", &name)]));
        spawn_local(async move {
            let history = api::customer_history(id).await.map_err(|e| e.message_key());
            if self.current(generation) {
                self.history.try_set(Some(history));
            }
        });
        self.load_tickets(id, generation);
    }

    fn load_tickets(self, customer_id: i64, generation: u64) {
        spawn_local(async move {
            let tickets = api::open_tickets(customer_id).await.map_err(|e| e.message_key());
            if self.current(generation) {
                self.tickets.try_set(Some(tickets));
            }
        });
    }

    /// Opens `c` (found by a search, created or saved).
    fn open(self, c: Customer) {
        let generation = self.begin();
        self.show(c, generation);
    }

    fn retry(self) {
        let Some(call) = self.call.get_untracked() else { return };
        self.look_up(None, call.e164);
    }

    fn call_id(self) -> Option<String> {
        self.call.with_untracked(|c| c.as_ref().map(|c| c.call_id.clone()))
    }
}

#[component]
pub fn CustomerCard() -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let card = Card::new();
    ws.subscribe(move |msg| card.handle(msg));

    let state = move || card.lookup.with(Lookup::as_str);
    let can_edit = move || card.lookup.with(|l| matches!(l, Lookup::Found(_))) && !card.editing.get();
    let on_edit = move |_| {
        card.editing.set(true);
        request_animation_frame(|| focus_testid("customer-form-name"));
    };

    let body = move || match card.lookup.get() {
        Lookup::Idle => view! {
            <div class="empty-state">
                <svg class="icon empty-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <circle cx="12" cy="8" r="4" />
                    <path d="M4 21a8 8 0 0 1 16 0" />
                </svg>
                <p>{tr("desk-customer-empty")}</p>
            </div>
        }
        .into_any(),
        Lookup::Loading => view! {
            <div class="customer-loading" role="status">
                <span class="spinner" aria-hidden="true"></span>
                <span>{tr("customer-loading")}</span>
            </div>
        }
        .into_any(),
        Lookup::Failed(key) => view! {
            <div class="customer-failed">
                <p class="alert" role="alert">{move || t(key)}</p>
                <button type="button" class="btn btn-secondary btn-sm" on:click=move |_| card.retry()>
                    {tr("customer-retry")}
                </button>
            </div>
        }
        .into_any(),
        Lookup::Unknown => view! { <UnknownCaller card=card /> }.into_any(),
        Lookup::Found(c) => {
            if card.editing.get() {
                view! { <CustomerForm card=card existing=Some(c) /> }.into_any()
            } else {
                view! { <CustomerView card=card customer=c /> }.into_any()
            }
        }
    };

    view! {
        <section
            class="panel customer-card"
            aria-labelledby="customer-title"
            data-testid="customer-card"
            data-state=state
        >
            <div class="panel-head">
                <h2 class="panel-title" id="customer-title">{tr("desk-customer-title")}</h2>
                <Show when=can_edit>
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="customer-edit" on:click=on_edit>
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M4 20h4L19 9l-4-4L4 16zM14 6l4 4" />
                        </svg>
                        <span>{tr("customer-edit")}</span>
                    </button>
                </Show>
            </div>
            <p class="visually-hidden" aria-live="polite">{move || card.announce.get()}</p>
            <CallLine card=card />
            {body}
        </section>
    }
}

/// Which call the card is for: the number, and whether it is still going on.
#[component]
fn CallLine(card: Card) -> impl IntoView {
    move || {
        card.call.get().map(|c| {
            let key = match c.phase {
                Phase::Ringing => "customer-call-ringing",
                Phase::Connected => "customer-call-connected",
                Phase::Ended => "customer-call-ended",
            };
            let phase = match c.phase {
                Phase::Ringing => "ringing",
                Phase::Connected => "connected",
                Phase::Ended => "ended",
            };
            view! {
                <p class="customer-call" data-testid="customer-call" data-phase=phase>
                    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d=PHONE_ICON />
                    </svg>
                    <span>{move || t(key)}</span>
                    <bdi class="customer-number" dir="ltr">{c.number}</bdi>
                </p>
            }
        })
    }
}

const PHONE_ICON: &str = "M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2";

/// The customer's data, open tickets and earlier calls.
#[component]
fn CustomerView(card: Card, customer: Customer) -> impl IntoView {
    let has_name = customer.name.is_some();
    let name = customer.name.clone();
    let lang_key = language_key(&customer.language);
    let phones = customer.phones.clone();
    let email = customer.email.clone();
    let notes = customer.notes.clone();
    view! {
        <div class="customer-view">
            <div class="customer-head">
                <div class="customer-avatar" aria-hidden="true">{initials(name.as_deref())}</div>
                <div class="customer-id">
                    <h3 class="customer-name" data-testid="customer-name" class:muted=!has_name>
                        {match name {
                            Some(n) => view! { <bdi>{n}</bdi> }.into_any(),
                            None => view! { <span>{tr("customer-no-name")}</span> }.into_any(),
                        }}
                    </h3>
                    <div class="customer-tags">
                        <span class="customer-tag">
                            <span class="muted">{tr("customer-code")}</span>
                            <bdi dir="ltr" class="customer-code" data-testid="customer-code">{customer.code}</bdi>
                        </span>
                        <span class="customer-tag" data-testid="customer-language">
                            <span class="muted">{tr("customer-language")}</span>
                            <span>{move || t(lang_key)}</span>
                        </span>
                        <Show when=move || customer.vip>
                            <span class="badge customer-vip" data-testid="customer-vip">
                                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                                    <path d="M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1L3.2 9.5l6.1-.9z" />
                                </svg>
                                <span>{tr("customer-vip")}</span>
                            </span>
                        </Show>
                    </div>
                </div>
            </div>
            <dl class="customer-facts">
                <div>
                    <dt>{tr("customer-phones")}</dt>
                    <dd data-testid="customer-phones">
                        {if phones.is_empty() {
                            view! { <span class="muted">{tr("customer-none")}</span> }.into_any()
                        } else {
                            view! {
                                <ul class="customer-phone-list">
                                    {phones
                                        .into_iter()
                                        .map(|p| view! { <li><bdi dir="ltr">{p}</bdi></li> })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                    </dd>
                </div>
                <div>
                    <dt>{tr("customer-email")}</dt>
                    <dd>
                        {match email {
                            Some(e) => view! { <bdi dir="ltr" class="customer-email">{e}</bdi> }.into_any(),
                            None => view! { <span class="muted">{tr("customer-none")}</span> }.into_any(),
                        }}
                    </dd>
                </div>
                <Show when={
                    let notes = notes.clone();
                    move || !notes.trim().is_empty()
                }>
                    <div class="customer-notes">
                        <dt>{tr("customer-notes")}</dt>
                        <dd><bdi>{notes.clone()}</bdi></dd>
                    </div>
                </Show>
            </dl>
            <LastDisposition card=card />
            <Tickets card=card customer_id=customer.id />
            <History card=card />
        </div>
    }
}

/// The disposition of the customer's last call before this one.
#[component]
fn LastDisposition(card: Card) -> impl IntoView {
    let last = move || {
        let current = card.call.with(|c| c.as_ref().map(|c| c.call_id.clone()));
        card.history.with(|h| {
            let list = h.as_ref()?.as_ref().ok()?;
            list.iter()
                .filter(|i| i.call_id.is_none() || i.call_id != current)
                .find(|i| i.disposition_code.is_some() || i.disposition.is_some())
                .cloned()
        })
    };
    move || {
        last().map(|i| {
            let when = shown_time(&i.started_at, "medium", Some("short"));
            view! {
                <div class="customer-last" data-testid="customer-last-disposition">
                    <span class="customer-last-label">{tr("customer-last-disposition")}</span>
                    <span class="customer-last-value">{disposition_view(&i)}</span>
                    <span class="customer-last-when muted">{when}</span>
                </div>
            }
        })
    }
}

/// A disposition code by its name in the desk's language.
fn code_view(code: String) -> AnyView {
    let key = format!("disposition-{code}");
    let attr = code.clone();
    view! { <bdi class="disposition-code" data-code=attr>{move || ui_kit::t_or(&key, &code)}</bdi> }.into_any()
}

/// A call's disposition: the agent's code (translated when the desk knows
/// it, see `GET /api/v1/dispositions`), else how the call ended, translated.
fn disposition_view(i: &InteractionSummary) -> AnyView {
    if let Some(code) = &i.disposition_code {
        return code_view(code.clone());
    }
    match i.disposition.as_deref() {
        Some(d) => match Disposition::parse(d) {
            Some(outcome) => {
                let key = outcome_key(outcome);
                view! { <span>{move || t(key)}</span> }.into_any()
            }
            // History from before call records keeps the agent's code there.
            None => code_view(d.to_owned()),
        },
        None => view! { <span class="muted">{tr("customer-none")}</span> }.into_any(),
    }
}

fn outcome_key(d: Disposition) -> &'static str {
    match d {
        Disposition::Answered => "customer-outcome-answered",
        Disposition::Abandoned => "customer-outcome-abandoned",
        Disposition::IvrHangUp => "customer-outcome-ivr-hang-up",
        Disposition::Voicemail => "customer-outcome-voicemail",
        Disposition::Callback => "customer-outcome-callback",
        Disposition::Overflow => "customer-outcome-overflow",
        Disposition::Failed => "customer-outcome-failed",
        Disposition::Busy => "customer-outcome-busy",
        Disposition::NoAnswer => "customer-outcome-no-answer",
        Disposition::Transferred => "customer-outcome-transferred",
    }
}

/// Earlier calls, newest first, without the card's own call.
#[component]
fn History(card: Card) -> impl IntoView {
    let list = move || {
        let current = card.call.with(|c| c.as_ref().map(|c| c.call_id.clone()));
        card.history.get().map(|h| {
            h.map(|list| {
                list.into_iter()
                    .filter(|i| i.call_id.is_none() || i.call_id != current)
                    .take(HISTORY_SHOWN)
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <section class="customer-section" aria-labelledby="customer-history-title">
            <h3 class="customer-section-title" id="customer-history-title">{tr("customer-history")}</h3>
            {move || match list() {
                None => view! { <p class="hint" role="status">{tr("customer-loading-list")}</p> }.into_any(),
                Some(Err(key)) => view! { <p class="alert alert-sm" role="alert">{move || t(key)}</p> }.into_any(),
                Some(Ok(items)) if items.is_empty() => {
                    view! { <p class="empty-text">{tr("customer-history-empty")}</p> }.into_any()
                }
                Some(Ok(items)) => view! {
                    <ol class="history-list" data-testid="customer-history">
                        {items.into_iter().map(|i| view! { <HistoryItem item=i /> }).collect_view()}
                    </ol>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn HistoryItem(item: InteractionSummary) -> impl IntoView {
    let started = item.started_at.clone();
    let when = {
        let started = started.clone();
        move || shown_time(&started, "medium", Some("short"))
    };
    let queue = item.queue_name.clone();
    let agent = item.agent_name.clone();
    let notes = item.notes.clone().filter(|n| !n.trim().is_empty());
    view! {
        <li class="history-item" data-testid="history-item">
            <div class="history-head">
                <time datetime=started class="history-when">{when}</time>
                <span class="history-disposition">{disposition_view(&item)}</span>
            </div>
            <p class="history-meta">
                {queue.map(|q| view! {
                    <span>
                        <span class="muted">{tr("customer-history-queue")}</span>
                        " "
                        <bdi>{q}</bdi>
                    </span>
                })}
                {agent.map(|a| view! {
                    <span>
                        <span class="muted">{tr("customer-history-agent")}</span>
                        " "
                        <bdi>{a}</bdi>
                    </span>
                })}
            </p>
            {notes.map(|n| view! { <p class="history-notes"><bdi>{n}</bdi></p> })}
        </li>
    }
}

/// The customer's open tickets, the form for a new one, status changes.
#[component]
fn Tickets(card: Card, customer_id: i64) -> impl IntoView {
    let open_form = move |_| {
        card.ticket_form.set(true);
        request_animation_frame(|| focus_testid("ticket-form-kind"));
    };
    let count = move || card.tickets.with(|t| t.as_ref().and_then(|t| t.as_ref().ok()).map(Vec::len));
    view! {
        <section class="customer-section" aria-labelledby="customer-tickets-title">
            <div class="customer-section-head">
                <h3 class="customer-section-title" id="customer-tickets-title">
                    {tr("tickets-title")}
                    {move || count().map(|n| view! { " " <span class="count-badge" dir="ltr">{ui_kit::format::int(n as u64, 1)}</span> })}
                </h3>
                <Show when=move || !card.ticket_form.get()>
                    <button type="button" class="btn btn-secondary btn-sm" data-testid="ticket-new" on:click=open_form>
                        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M12 5v14M5 12h14" />
                        </svg>
                        <span>{tr("ticket-new")}</span>
                    </button>
                </Show>
            </div>
            <Show when=move || card.ticket_form.get()>
                <TicketForm card=card customer_id=customer_id />
            </Show>
            {move || match card.tickets.get() {
                None => view! { <p class="hint" role="status">{tr("customer-loading-list")}</p> }.into_any(),
                Some(Err(key)) => view! { <p class="alert alert-sm" role="alert">{move || t(key)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p class="empty-text" data-testid="tickets-empty">{tr("tickets-empty")}</p> }.into_any()
                }
                Some(Ok(list)) => view! {
                    <ul class="ticket-list" data-testid="customer-tickets">
                        {list.into_iter().map(|tk| view! { <TicketItem card=card ticket=tk /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn TicketItem(card: Card, ticket: Ticket) -> impl IntoView {
    let id = ticket.id;
    let status = RwSignal::new(ticket.status);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let kind_key = kind_key(ticket.kind);
    let from_this_call = ticket.call_id.is_some() && ticket.call_id == card.call_id();
    let due = ticket.due_at.clone();
    let due_ms = due.as_deref().and_then(ui_kit::format::parse_time);
    let overdue = move || due_ms.is_some_and(|d| d < ui_kit::format::now_ms()) && status.get().is_open();
    let select_id = format!("ticket-status-{id}");
    let on_change = move |ev| {
        let Some(next) = TicketStatus::parse(&event_target_value(&ev)) else { return };
        let before = status.get_untracked();
        status.set(next);
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let patch = TicketPatch { status: Some(next.as_str().to_owned()), ..TicketPatch::default() };
            let r = api::update_ticket(id, &patch).await;
            busy.try_set(false);
            match r {
                Ok(saved) => {
                    status.try_set(saved.status);
                    card.announce.try_set(t("ticket-status-saved"));
                }
                Err(_) => {
                    status.try_set(before);
                    error.try_set(Some("ticket-error-status"));
                }
            }
        });
    };
    view! {
        <li class="ticket" data-testid="ticket" data-status=move || status.get().as_str() data-kind=ticket.kind.as_str()>
            <div class="ticket-head">
                <span class="badge ticket-kind">{move || t(kind_key)}</span>
                <bdi class="ticket-subject" data-testid="ticket-subject">{ticket.subject}</bdi>
            </div>
            <div class="ticket-facts">
                <p class="ticket-due">
                    <span class="muted">{tr("ticket-due")}</span>
                    " "
                    {match due {
                        Some(d) => {
                            let shown = {
                                let d = d.clone();
                                move || due_time(&d)
                            };
                            view! { <time datetime=d>{shown}</time> }.into_any()
                        }
                        None => view! { <span>{tr("ticket-no-due")}</span> }.into_any(),
                    }}
                    <Show when=overdue>
                        " "
                        <span class="badge ticket-overdue">{tr("ticket-overdue")}</span>
                    </Show>
                </p>
                <Show when=move || from_this_call>
                    <p class="hint">{tr("ticket-this-call")}</p>
                </Show>
            </div>
            <div class="field ticket-status">
                <label for=select_id.clone()>{tr("ticket-status")}</label>
                <select
                    id=select_id
                    data-testid="ticket-status"
                    aria-busy=move || busy.get().to_string()
                    on:change=on_change
                >
                    {TicketStatus::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() prop:selected=move || status.get() == s>
                                    {move || t(status_key(s))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            {move || error.get().map(|key| view! { <p class="alert alert-sm" role="alert">{move || t(key)}</p> })}
        </li>
    }
}

/// A new ticket, linked to the card's call.
#[component]
fn TicketForm(card: Card, customer_id: i64) -> impl IntoView {
    let kind = RwSignal::new(TicketKind::Request);
    let subject = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let bad = RwSignal::new(None::<String>);

    let close = move || {
        card.ticket_form.set(false);
        request_animation_frame(|| focus_testid("ticket-new"));
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        error.set(None);
        bad.set(None);
        let due_at = match due.get_untracked().trim() {
            "" => None,
            local => match local_to_rfc3339(local) {
                Some(d) => Some(d),
                None => {
                    bad.set(Some("due_at".into()));
                    error.set(Some("customer-error-invalid"));
                    return;
                }
            },
        };
        if subject.get_untracked().trim().is_empty() {
            bad.set(Some("subject".into()));
            error.set(Some("ticket-error-subject"));
            request_animation_frame(|| focus_testid("ticket-form-subject"));
            return;
        }
        let new = NewTicket {
            customer_id,
            call_id: card.call_id(),
            kind: kind.get_untracked().as_str().to_owned(),
            subject: subject.get_untracked(),
            notes: notes.get_untracked(),
            status: None,
            due_at,
        };
        saving.set(true);
        spawn_local(async move {
            let r = api::create_ticket(&new).await;
            saving.try_set(false);
            match r {
                Ok(ticket) => {
                    card.tickets.try_update(|t| {
                        if let Some(Ok(list)) = t {
                            list.insert(0, ticket);
                        } else {
                            *t = Some(Ok(vec![ticket]));
                        }
                    });
                    card.announce.try_set(t("ticket-created"));
                    close();
                }
                Err(e) => {
                    error.try_set(Some(write_error_key(&e)));
                    bad.try_set(e.key);
                }
            }
        });
    };
    let invalid = move |field: &'static str| move || bad.with(|b| b.as_deref() == Some(field)).to_string();

    view! {
        <form class="ticket-form" data-testid="ticket-form" on:submit=on_submit novalidate>
            <h4 class="ticket-form-title">{tr("ticket-form-title")}</h4>
            <div class="form-grid">
                <div class="field">
                    <label for="ticket-kind">{tr("ticket-form-kind")}</label>
                    <select
                        id="ticket-kind"
                        data-testid="ticket-form-kind"
                        aria-invalid=invalid("kind")
                        on:change=move |ev| {
                            if let Some(k) = TicketKind::parse(&event_target_value(&ev)) {
                                kind.set(k);
                            }
                        }
                    >
                        {TicketKind::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k.as_str() prop:selected=move || kind.get() == k>
                                        {move || t(kind_key(k))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="ticket-due">{tr("ticket-form-due")}</label>
                    <input
                        id="ticket-due"
                        type="datetime-local"
                        dir="ltr"
                        data-testid="ticket-form-due"
                        aria-describedby="ticket-due-hint"
                        aria-invalid=invalid("due_at")
                        prop:value=move || due.get()
                        on:input=move |ev| due.set(event_target_value(&ev))
                    />
                    <p class="hint" id="ticket-due-hint">{tr("ticket-form-due-hint")}</p>
                </div>
            </div>
            <div class="field">
                <label for="ticket-subject">{tr("ticket-form-subject")}</label>
                <input
                    id="ticket-subject"
                    type="text"
                    maxlength="200"
                    required
                    data-testid="ticket-form-subject"
                    aria-invalid=invalid("subject")
                    prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="ticket-notes">{tr("ticket-form-notes")}</label>
                <textarea
                    id="ticket-notes"
                    rows="3"
                    maxlength="4000"
                    data-testid="ticket-form-notes"
                    aria-invalid=invalid("notes")
                    prop:value=move || notes.get()
                    on:input=move |ev| notes.set(event_target_value(&ev))
                ></textarea>
            </div>
            <Show when=move || card.call.with(Option::is_some)>
                <p class="hint">{tr("ticket-form-linked")}</p>
            </Show>
            {move || error.get().map(|key| view! { <p class="alert alert-sm" role="alert" data-testid="ticket-form-error">{move || t(key)}</p> })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="ticket-form-save" prop:disabled=move || saving.get()>
                    {move || if saving.get() { t("customer-saving") } else { t("ticket-form-save") }}
                </button>
                <button type="button" class="btn btn-ghost" data-testid="ticket-form-cancel" on:click=move |_| close()>
                    {tr("customer-form-cancel")}
                </button>
            </div>
        </form>
    }
}

/// A caller nobody has: the new-customer form with their number, and a
/// search for a customer calling from another phone.
#[component]
fn UnknownCaller(card: Card) -> impl IntoView {
    let number = move || card.call.with(|c| c.as_ref().and_then(|c| c.e164.clone()));
    view! {
        <div class="customer-unknown" data-testid="customer-unknown">
            <p class="notice">
                {move || match number() {
                    Some(n) => view! {
                        <span>{tr("customer-unknown")}</span>
                        " "
                        <bdi dir="ltr" class="customer-number">{n}</bdi>
                    }
                    .into_any(),
                    None => view! { <span>{tr("customer-unknown-withheld")}</span> }.into_any(),
                }}
            </p>
            <CustomerSearch card=card />
            <CustomerForm card=card existing=None />
        </div>
    }
}

#[component]
fn CustomerSearch(card: Card) -> impl IntoView {
    let q = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<Customer>, &'static str>>);
    let searching = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = q.get_untracked().trim().to_owned();
        if query.is_empty() || searching.get_untracked() {
            return;
        }
        searching.set(true);
        spawn_local(async move {
            let r = api::search_customers(&query).await.map_err(|e| e.message_key());
            searching.try_set(false);
            results.try_set(Some(r));
        });
    };
    view! {
        <form class="customer-search" role="search" data-testid="customer-search" on:submit=on_submit>
            <div class="field">
                <label for="customer-search-q">{tr("customer-search")}</label>
                <div class="search-row">
                    <input
                        id="customer-search-q"
                        type="search"
                        data-testid="customer-search-input"
                        aria-describedby="customer-search-hint"
                        prop:value=move || q.get()
                        on:input=move |ev| q.set(event_target_value(&ev))
                    />
                    <button type="submit" class="btn btn-secondary" prop:disabled=move || searching.get()>
                        {tr("customer-search-go")}
                    </button>
                </div>
                <p class="hint" id="customer-search-hint">{tr("customer-search-hint")}</p>
            </div>
            {move || match results.get() {
                None => ().into_any(),
                Some(Err(key)) => view! { <p class="alert alert-sm" role="alert">{move || t(key)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p class="empty-text" role="status">{tr("customer-search-none")}</p> }.into_any()
                }
                Some(Ok(list)) => view! {
                    <ul class="search-results" role="list">
                        {list
                            .into_iter()
                            .map(|c| {
                                let label = c.name.clone();
                                let code = c.code.clone();
                                let phone = c.phones.first().cloned();
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="search-result"
                                            data-testid="customer-search-result"
                                            on:click=move |_| card.open(c.clone())
                                        >
                                            <span class="search-result-name">
                                                {match label {
                                                    Some(n) => view! { <bdi>{n}</bdi> }.into_any(),
                                                    None => view! { <span class="muted">{tr("customer-no-name")}</span> }.into_any(),
                                                }}
                                            </span>
                                            <bdi dir="ltr" class="muted">{code}</bdi>
                                            {phone.map(|p| view! { <bdi dir="ltr" class="muted">{p}</bdi> })}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </form>
    }
}

/// Creating a customer (`existing` is none: the caller's number filled in)
/// or editing one.
#[component]
fn CustomerForm(card: Card, existing: Option<Customer>) -> impl IntoView {
    let is_new = existing.is_none();
    let call = card.call.get_untracked();
    let (name0, phones0, email0, language0, vip0, notes0) = match &existing {
        Some(c) => (
            c.name.clone().unwrap_or_default(),
            c.phones.join("\n"),
            c.email.clone().unwrap_or_default(),
            c.language.clone(),
            c.vip,
            c.notes.clone(),
        ),
        None => (
            String::new(),
            call.as_ref().and_then(|c| c.e164.clone()).unwrap_or_default(),
            String::new(),
            call.as_ref()
                .and_then(|c| c.language.clone())
                .filter(|l| shared::Lang::parse(l).is_some())
                .or_else(|| call.as_ref()?.e164.as_deref().and_then(language_of_number).map(str::to_owned))
                .unwrap_or_else(|| "en".into()),
            false,
            String::new(),
        ),
    };
    let id = existing.as_ref().map(|c| c.id);
    let name = RwSignal::new(name0);
    let phones = RwSignal::new(phones0);
    let email = RwSignal::new(email0);
    let language = RwSignal::new(language0);
    let vip = RwSignal::new(vip0);
    let notes = RwSignal::new(notes0);
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);
    let bad = RwSignal::new(None::<String>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        error.set(None);
        bad.set(None);
        let input = CustomerInput {
            code: None,
            name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
            phones: phones
                .get_untracked()
                .split(['\n', ',', ';'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            email: Some(email.get_untracked()).filter(|e| !e.trim().is_empty()),
            language: Some(language.get_untracked()),
            vip: vip.get_untracked(),
            notes: notes.get_untracked(),
        };
        saving.set(true);
        spawn_local(async move {
            let r = match id {
                Some(id) => api::update_customer(id, &input).await,
                None => api::create_customer(&input).await,
            };
            saving.try_set(false);
            match r {
                Ok(c) => {
                    card.announce.try_set(t("customer-saved"));
                    if id.is_some() {
                        card.lookup.try_set(Lookup::Found(c));
                        card.editing.try_set(false);
                        request_animation_frame(|| focus_testid("customer-edit"));
                    } else {
                        card.open(c);
                    }
                }
                Err(e) => {
                    error.try_set(Some(write_error_key(&e)));
                    let field = e.key.map(|k| field_of(&k).to_owned());
                    if let Some(f) = &field {
                        let testid = format!("customer-form-{f}");
                        request_animation_frame(move || focus_testid(&testid));
                    }
                    bad.try_set(field);
                }
            }
        });
    };
    let on_cancel = move |_| {
        card.editing.set(false);
        request_animation_frame(|| focus_testid("customer-edit"));
    };
    let invalid = move |field: &'static str| move || bad.with(|b| b.as_deref() == Some(field)).to_string();

    view! {
        <form class="customer-form" data-testid="customer-form" data-mode=if is_new { "new" } else { "edit" } on:submit=on_submit novalidate>
            <h3 class="customer-section-title">
                {if is_new { tr("customer-new-title") } else { tr("customer-edit-title") }}
            </h3>
            <div class="form-grid">
                <div class="field">
                    <label for="customer-form-name">{tr("customer-form-name")}</label>
                    <input
                        id="customer-form-name"
                        type="text"
                        autocomplete="off"
                        maxlength="200"
                        data-testid="customer-form-name"
                        aria-invalid=invalid("name")
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="customer-form-email">{tr("customer-form-email")}</label>
                    <input
                        id="customer-form-email"
                        type="email"
                        dir="ltr"
                        autocomplete="off"
                        data-testid="customer-form-email"
                        aria-invalid=invalid("email")
                        prop:value=move || email.get()
                        on:input=move |ev| email.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="customer-form-phones">{tr("customer-form-phones")}</label>
                    <textarea
                        id="customer-form-phones"
                        rows="2"
                        dir="ltr"
                        data-testid="customer-form-phones"
                        aria-describedby="customer-form-phones-hint"
                        aria-invalid=invalid("phones")
                        prop:value=move || phones.get()
                        on:input=move |ev| phones.set(event_target_value(&ev))
                    ></textarea>
                    <p class="hint" id="customer-form-phones-hint">{tr("customer-form-phones-hint")}</p>
                </div>
                <div class="field">
                    <label for="customer-form-language">{tr("customer-form-language")}</label>
                    <select
                        id="customer-form-language"
                        data-testid="customer-form-language"
                        aria-invalid=invalid("language")
                        on:change=move |ev| language.set(event_target_value(&ev))
                    >
                        {shared::Lang::ALL
                            .into_iter()
                            .map(|l| {
                                let tag = l.tag();
                                view! {
                                    <option value=tag prop:selected=move || language.get() == tag>
                                        {move || t(language_key(tag))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="customer-form-vip"
                    prop:checked=move || vip.get()
                    on:change=move |ev| vip.set(event_target_checked(&ev))
                />
                <span>{tr("customer-form-vip")}</span>
            </label>
            <div class="field">
                <label for="customer-form-notes">{tr("customer-form-notes")}</label>
                <textarea
                    id="customer-form-notes"
                    rows="3"
                    data-testid="customer-form-notes"
                    aria-invalid=invalid("notes")
                    prop:value=move || notes.get()
                    on:input=move |ev| notes.set(event_target_value(&ev))
                ></textarea>
            </div>
            {move || error.get().map(|key| view! { <p class="alert alert-sm" role="alert" data-testid="customer-form-error">{move || t(key)}</p> })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="customer-form-save" prop:disabled=move || saving.get()>
                    {move || {
                        if saving.get() {
                            t("customer-saving")
                        } else if is_new {
                            t("customer-form-create")
                        } else {
                            t("customer-form-save")
                        }
                    }}
                </button>
                <Show when=move || !is_new>
                    <button type="button" class="btn btn-ghost" data-testid="customer-form-cancel" on:click=on_cancel>
                        {tr("customer-form-cancel")}
                    </button>
                </Show>
            </div>
        </form>
    }
}

/// The form field a 422's `key` names (`phones[1]` is the phones field).
fn field_of(key: &str) -> &str {
    key.split('[').next().unwrap_or(key)
}

/// The message for a refused write.
fn write_error_key(e: &WriteError) -> &'static str {
    match &e.error {
        ApiError::Problem(p) if p.code == "invalid" => match e.key.as_deref().map(field_of) {
            Some("phones") => "customer-error-phone",
            Some("email") => "customer-error-email",
            Some("name") => "customer-error-name",
            Some("subject") => "ticket-error-subject",
            Some("due_at") => "ticket-error-due",
            _ => "customer-error-invalid",
        },
        ApiError::Problem(p) if p.code == "conflict" => "customer-error-conflict",
        other => other.message_key(),
    }
}

/// The language a caller most likely speaks, by their number's country
/// code: a default for the new-customer form when the IVR did not ask.
fn language_of_number(e164: &str) -> Option<&'static str> {
    const ARABIC: [&str; 21] = [
        "20", "212", "213", "216", "218", "222", "249", "961", "962", "963", "964", "965", "966", "967", "968", "970",
        "971", "973", "974", "253", "269",
    ];
    let n = e164.strip_prefix('+')?;
    if n.starts_with("98") || n.starts_with("93") {
        Some("fa")
    } else if n.starts_with("90") {
        Some("tr")
    } else if ARABIC.iter().any(|cc| n.starts_with(cc)) {
        Some("ar")
    } else {
        None
    }
}

fn language_key(tag: &str) -> &'static str {
    match tag {
        "fa" => "customer-lang-fa",
        "ar" => "customer-lang-ar",
        "tr" => "customer-lang-tr",
        _ => "customer-lang-en",
    }
}

fn kind_key(k: TicketKind) -> &'static str {
    match k {
        TicketKind::Request => "ticket-kind-request",
        TicketKind::Complaint => "ticket-kind-complaint",
        TicketKind::Service => "ticket-kind-service",
        TicketKind::Order => "ticket-kind-order",
    }
}

fn status_key(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::Open => "ticket-status-open",
        TicketStatus::InProgress => "ticket-status-in-progress",
        TicketStatus::Resolved => "ticket-status-resolved",
        TicketStatus::Closed => "ticket-status-closed",
    }
}

/// Up to two initials of a name, for the avatar.
fn initials(name: Option<&str>) -> String {
    name.unwrap_or("?").split_whitespace().filter_map(|w| w.chars().next()).take(2).collect()
}

/// An RFC 3339 time in the current language (reactive), with
/// `Intl.DateTimeFormat`'s `dateStyle` and `timeStyle`.
fn shown_time(rfc3339: &str, date_style: &str, time_style: Option<&str>) -> String {
    let Some(ms) = ui_kit::format::parse_time(rfc3339) else { return rfc3339.to_owned() };
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &date_style.into());
    if let Some(ts) = time_style {
        let _ = js_sys::Reflect::set(&opts, &"timeStyle".into(), &ts.into());
    }
    date.to_locale_string(lang().tag(), &opts).into()
}

/// A due time as the agent tells it (reactive): the weekday, day, month
/// and time when it is within half a year, else the date with its year.
fn due_time(rfc3339: &str) -> String {
    let Some(ms) = ui_kit::format::parse_time(rfc3339) else { return rfc3339.to_owned() };
    if (ms - ui_kit::format::now_ms()).abs() > HALF_YEAR_MS {
        return shown_time(rfc3339, "long", Some("short"));
    }
    let opts = js_sys::Object::new();
    for (k, v) in
        [("weekday", "long"), ("day", "numeric"), ("month", "long"), ("hour", "numeric"), ("minute", "2-digit")]
    {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    js_sys::Date::new(&JsValue::from_f64(ms)).to_locale_string(lang().tag(), &opts).into()
}

const HALF_YEAR_MS: f64 = 182.0 * 86_400_000.0;

/// The value of a `datetime-local` field (the browser's local time) as
/// RFC 3339 UTC.
fn local_to_rfc3339(local: &str) -> Option<String> {
    let date = js_sys::Date::new(&JsValue::from_str(local));
    if date.get_time().is_nan() {
        return None;
    }
    Some(date.to_iso_string().into())
}

fn focus_testid(testid: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let el = doc.query_selector(&format!("[data-testid=\"{testid}\"]")).ok().flatten();
    if let Some(el) = el.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
