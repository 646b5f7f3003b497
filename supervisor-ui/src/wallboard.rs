//! The wallboard: one row per queue with what is happening now (calls
//! waiting, the longest wait, callbacks pending, the queue's agents by
//! state) and how today and the last 30 minutes went (service level,
//! abandon rate, average speed of answer, average handle time), each
//! judged by the queue's thresholds with a word and an icon beside the
//! colour. The gateway pushes it (`watch_wallboard`) while the page is
//! open; the longest wait ticks here between pushes.
//!
//! TV mode (`#/wallboard?tv`, or the button, which also asks for full
//! screen): dark, larger type, no header or navigation.

use leptos::prelude::*;
use shared::wallboard::{AgentCounts, Level, Period, QueueBoard};
use shared::ws::{ClientMsg, ServerMsg};
use ui_kit::{ConnState, WsClient, format, t, t_args};

/// The last board received.
#[derive(Debug, Clone, PartialEq)]
struct Board {
    /// When the gateway took the figures (its clock, ms).
    at_ms: f64,
    time_zone: String,
    window_mins: u32,
    queues: Vec<QueueBoard>,
}

#[component]
pub fn Wallboard(tv: ReadSignal<bool>) -> impl IntoView {
    let ws = expect_context::<WsClient>();
    let board = RwSignal::new(None::<Board>);
    let watcher = ws.clone();
    ws.subscribe(move |msg| match msg {
        // After a reconnect the new socket must be asked again.
        ServerMsg::Welcome { .. } => {
            watcher.send(&ClientMsg::WatchWallboard);
        }
        ServerMsg::Wallboard { at, time_zone, window_mins, queues } => board.set(Some(Board {
            at_ms: format::parse_time(at).unwrap_or_else(format::now_ms),
            time_zone: time_zone.clone(),
            window_mins: *window_mins,
            queues: queues.clone(),
        })),
        _ => {}
    });
    if ws.state_untracked() == ConnState::Connected {
        ws.send(&ClientMsg::WatchWallboard);
    }
    on_cleanup({
        let ws = ws.clone();
        move || {
            ws.send(&ClientMsg::UnwatchWallboard);
        }
    });
    let clock = ws.clock();
    // How far the board's time is behind now, for the waits.
    let age_secs = Signal::derive(move || {
        board.with(|b| b.as_ref().map_or(0, |b| ((clock.get() - b.at_ms) / 1000.0).max(0.0) as u32))
    });

    view! {
        <div class="page wallboard" data-testid="wallboard" data-tv=move || tv.get().to_string()>
            <div class="page-head">
                <h1 class="page-title" id="wb-title" tabindex="-1">{move || t("wb-title")}</h1>
                <div class="wb-head-end">
                    <span class="wb-updated" data-testid="wb-updated">
                        {move || {
                            board
                                .with(|b| b.as_ref().map(|b| b.at_ms))
                                .map(|at| t_args("wb-updated", &[("time", &format::time_short(at))]))
                        }}
                    </span>
                    <TvButton tv=tv />
                </div>
            </div>
            {move || match board.with(|b| b.as_ref().map(|b| b.queues.is_empty())) {
                None => Some(view! { <p class="empty-text" role="status">{move || t("wb-loading")}</p> }.into_any()),
                Some(true) => Some(view! { <p class="empty-text">{move || t("wb-empty")}</p> }.into_any()),
                Some(false) => None,
            }}
            <For
                each=move || board.with(|b| b.as_ref().map(|b| b.queues.clone()).unwrap_or_default())
                key=|q| q.queue.clone()
                children=move |q| {
                    let name = q.queue.clone();
                    let queue = Memo::new(move |_| {
                        board.with(|b| b.as_ref().and_then(|b| b.queues.iter().find(|x| x.queue == name).cloned()))
                    });
                    view! { <QueueRow queue=queue age_secs=age_secs board=board /> }
                }
            />
            <p class="wb-note">
                {move || {
                    board
                        .with(|b| b.as_ref().map(|b| (b.time_zone.clone(), b.window_mins)))
                        .map(|(tz, mins)| {
                            t_args("wb-note", &[("tz", &tz), ("mins", &format::int(u64::from(mins), 1))])
                        })
                }}
            </p>
        </div>
    }
}

/// Enters or leaves TV mode. Entering asks for full screen (which needs
/// this click); the mode itself is the address, so a TV's browser can be
/// pointed at `#/wallboard?tv`.
#[component]
fn TvButton(tv: ReadSignal<bool>) -> impl IntoView {
    let toggle = move |_| {
        let Some(window) = web_sys::window() else { return };
        let doc = window.document();
        if tv.get_untracked() {
            if let Some(doc) = &doc
                && doc.fullscreen_element().is_some()
            {
                doc.exit_fullscreen();
            }
            let _ = window.location().set_hash("#/wallboard");
        } else {
            if let Some(root) = doc.and_then(|d| d.document_element()) {
                // Refused (an iframe, a policy): TV mode without full screen.
                let _ = root.request_fullscreen();
            }
            let _ = window.location().set_hash("#/wallboard?tv");
        }
    };
    view! {
        <button type="button" class="btn btn-secondary wb-tv-button" data-testid="wb-tv" on:click=toggle>
            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
                <rect x="3" y="4" width="18" height="13" rx="2" />
                <path d="M8 21h8M12 17v4" />
            </svg>
            <span>{move || if tv.get() { t("wb-tv-leave") } else { t("wb-tv-enter") }}</span>
        </button>
    }
}

#[component]
fn QueueRow(queue: Memo<Option<QueueBoard>>, age_secs: Signal<u32>, board: RwSignal<Option<Board>>) -> impl IntoView {
    let q = move || queue.get();
    let waiting = move || q().map_or(0, |q| q.waiting);
    // Grows between boards while someone waits.
    let longest = move || q().map_or(0, |q| if q.waiting > 0 { q.longest_wait_secs + age_secs.get() } else { 0 });
    let wait_level = move || {
        q().map_or(Level::Green, |q| {
            q.thresholds.wait_level(q.longest_wait_secs + age_secs.get(), q.service_level_secs)
        })
    };
    let target = move || q().map_or(0, |q| q.service_level_secs);
    let window = move || board.with(|b| b.as_ref().map_or(30, |b| b.window_mins));
    let name = move || q().map(|q| q.name).unwrap_or_default();
    let id = move || q().map(|q| format!("wb-q-{}", q.queue)).unwrap_or_default();
    view! {
        <section
            class="wb-queue"
            data-testid="wb-queue"
            data-queue=move || q().map(|q| q.queue).unwrap_or_default()
            aria-labelledby=id
        >
            <div class="wb-queue-head">
                <h2 class="wb-queue-name" id=id>
                    <bdi>{name}</bdi>
                </h2>
                <p class="wb-rule" data-testid="wb-rule">
                    {move || {
                        let target = format::int(u64::from(target()), 1);
                        t_args("wb-sl-rule", &[("target", &target)])
                    }}
                </p>
            </div>
            <div class="wb-grid">
                <div class="wb-live">
                    <Stat label_key="wb-waiting" testid="wb-waiting" value=Signal::derive(move || waiting().to_string())>
                        {move || format::int(u64::from(waiting()), 1)}
                    </Stat>
                    <Stat label_key="wb-longest" testid="wb-longest" value=Signal::derive(move || longest().to_string())>
                        <span dir="ltr">{move || format::duration(u64::from(longest()))}</span>
                        <LevelMark level=Signal::derive(wait_level) />
                    </Stat>
                    <Stat
                        label_key="wb-callbacks"
                        testid="wb-callbacks"
                        value=Signal::derive(move || q().map_or(0, |q| q.callbacks).to_string())
                    >
                        {move || format::int(u64::from(q().map_or(0, |q| q.callbacks)), 1)}
                    </Stat>
                    <Agents agents=Signal::derive(move || q().map(|q| q.agents).unwrap_or_default()) />
                </div>
                <PeriodBox
                    title=Signal::derive(move || t("wb-today"))
                    testid="wb-today"
                    period=Signal::derive(move || q().map(|q| q.today).unwrap_or_default())
                    queue=queue
                />
                <PeriodBox
                    title=Signal::derive(move || {
                        t_args("wb-recent", &[("mins", &format::int(u64::from(window()), 1))])
                    })
                    testid="wb-recent"
                    period=Signal::derive(move || q().map(|q| q.recent).unwrap_or_default())
                    queue=queue
                />
            </div>
        </section>
    }
}

/// A big figure with its label; `value` is the raw figure for tests.
#[component]
fn Stat(label_key: &'static str, testid: &'static str, value: Signal<String>, children: Children) -> impl IntoView {
    view! {
        <div class="wb-stat" data-testid=testid data-value=move || value.get()>
            <span class="wb-stat-label">{move || t(label_key)}</span>
            <span class="wb-stat-value">{children()}</span>
        </div>
    }
}

/// A state's name (for the CSS and tests), its label's key and its count.
type StateCount = (&'static str, &'static str, fn(&AgentCounts) -> u32);

/// The queue's agents by state, each a labelled count.
#[component]
fn Agents(agents: Signal<AgentCounts>) -> impl IntoView {
    let states: [StateCount; 7] = [
        ("available", "status-available", |a| a.available),
        ("ringing", "activity-ringing", |a| a.ringing),
        ("on_call", "activity-on-call", |a| a.on_call),
        ("wrap_up", "activity-wrap-up", |a| a.wrap_up),
        ("not_ready", "status-not-ready", |a| a.not_ready),
        ("missed", "activity-missed", |a| a.missed),
        ("offline", "status-offline", |a| a.offline),
    ];
    view! {
        <div class="wb-agents" role="group" aria-label=move || t("wb-agents")>
            <span class="wb-stat-label">{move || t("wb-agents")}</span>
            <ul class="wb-agent-list">
                {states
                    .into_iter()
                    .map(|(state, key, get)| {
                        let n = move || get(&agents.get());
                        view! {
                            <li
                                class=format!("pill status-{state} wb-agent")
                                data-testid=format!("wb-agents-{state}")
                                data-value=move || n().to_string()
                                data-zero=move || (n() == 0).to_string()
                            >
                                <span class="dot" aria-hidden="true"></span>
                                <span class="wb-agent-label">{move || t(key)}</span>
                                <span class="wb-agent-count">{move || format::int(u64::from(n()), 1)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn PeriodBox(
    title: Signal<String>,
    testid: &'static str,
    period: Signal<Period>,
    queue: Memo<Option<QueueBoard>>,
) -> impl IntoView {
    let p = move || period.get();
    let sl = move || p().service_level_pct();
    let ab = move || p().abandon_pct();
    let thresholds = move || queue.get().map(|q| q.thresholds).unwrap_or_default();
    let pct = |x: Option<f64>| x.map(format::percent).unwrap_or_else(|| "—".into());
    let secs = |ms: Option<u64>| ms.map(|ms| format::duration((ms + 500) / 1000)).unwrap_or_else(|| "—".into());
    let raw = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_default();
    let raw_ms = |x: Option<u64>| x.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <div class="wb-period" data-testid=testid>
            <h3 class="wb-period-title">{move || title.get()}</h3>
            <div class="wb-period-main">
                <Stat label_key="wb-sl" testid="wb-sl" value=Signal::derive(move || raw(sl()))>
                    <span dir="ltr">{move || pct(sl())}</span>
                    {move || sl().map(|v| view! { <LevelMark level=Signal::derive(move || thresholds().service_level_level(Some(v))) /> })}
                </Stat>
                <Stat label_key="wb-abandon-rate" testid="wb-abandon-rate" value=Signal::derive(move || raw(ab()))>
                    <span dir="ltr">{move || pct(ab())}</span>
                    {move || ab().map(|v| view! { <LevelMark level=Signal::derive(move || thresholds().abandon_level(Some(v))) /> })}
                </Stat>
            </div>
            <dl class="wb-figures">
                <Figure key="wb-asa" testid="wb-asa" value=Signal::derive(move || raw_ms(p().asa_ms))>
                    <span dir="ltr">{move || secs(p().asa_ms)}</span>
                </Figure>
                <Figure key="wb-aht" testid="wb-aht" value=Signal::derive(move || raw_ms(p().aht_ms))>
                    <span dir="ltr">{move || secs(p().aht_ms)}</span>
                </Figure>
                <Figure key="wb-offered" testid="wb-offered" value=Signal::derive(move || p().offered.to_string())>
                    {move || format::int(u64::from(p().offered), 1)}
                </Figure>
                <Figure key="wb-answered" testid="wb-answered" value=Signal::derive(move || p().answered.to_string())>
                    {move || format::int(u64::from(p().answered), 1)}
                </Figure>
                <Figure
                    key="wb-abandoned"
                    testid="wb-abandoned"
                    value=Signal::derive(move || p().abandoned.to_string())
                >
                    {move || format::int(u64::from(p().abandoned), 1)}
                </Figure>
            </dl>
        </div>
    }
}

#[component]
fn Figure(key: &'static str, testid: &'static str, value: Signal<String>, children: Children) -> impl IntoView {
    view! {
        <div class="wb-figure" data-testid=testid data-value=move || value.get()>
            <dt>{move || t(key)}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// A level as an icon and a word, coloured: never colour alone.
#[component]
fn LevelMark(level: Signal<Level>) -> impl IntoView {
    let key = move || match level.get() {
        Level::Green => "wb-level-green",
        Level::Amber => "wb-level-amber",
        Level::Red => "wb-level-red",
    };
    view! {
        <span class=move || format!("wb-level wb-level-{}", level.get().as_str()) data-level=move || level.get().as_str()>
            <svg class="wb-level-icon" viewBox="0 0 24 24" aria-hidden="true">
                {move || match level.get() {
                    Level::Green => view! { <path d="M5 12.5l4.5 4.5L19 7.5" /> }.into_any(),
                    Level::Amber => view! { <path d="M12 3L2 20h20L12 3zM12 10v4M12 17v.5" /> }.into_any(),
                    Level::Red => view! { <path d="M6 6l12 12M18 6L6 18" /> }.into_any(),
                }}
            </svg>
            <span class="wb-level-text">{move || t(key())}</span>
        </span>
    }
}
