//! The quality page (`#/quality`, `#/quality?call=ID`): evaluate a
//! recorded call (by its id, with a player) with an active scorecard,
//! the latest evaluations, and the scorecards, which administrators add,
//! edit and delete (name, queue, criteria with weights and most points).
//! The score rule is `shared::quality`'s.
//!
//! Test ids: `q-call`, `q-load`, `q-player`, `q-card`, `q-points` (one
//! per criterion), `q-comment`, `q-submit`, `q-result`, `q-evaluations`,
//! `q-cards`, `q-card-row`, `q-new`, `q-editor`, `q-name`, `q-crit-label`,
//! `q-crit-weight`, `q-crit-max`, `q-add-crit`, `q-save`, `q-error`.

use leptos::prelude::*;
use shared::Role;
use shared::quality::{Criterion, Evaluation, EvaluationInput, EvaluationList, Scorecard, ScorecardInput};
use shared::records::InteractionDetail;
use ui_kit::{Session, format, t, t_args, tr};
use web_sys::js_sys;

use crate::calls_report::agent_label;
use crate::filters::directory;

#[component]
pub fn Quality() -> impl IntoView {
    // `#/quality?call=ID` names a call to evaluate.
    let from_hash = || {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let id = hash.strip_prefix("#/quality?call=").unwrap_or("");
        js_sys::decode_uri_component(id).map(String::from).unwrap_or_default()
    };
    let named = RwSignal::new(from_hash());
    let listener = window_event_listener(leptos::ev::hashchange, move |_| named.set(from_hash()));
    on_cleanup(move || listener.remove());
    let call = Signal::derive(move || named.get());
    let admin = Session::expect().user().is_some_and(|u| u.role.at_least(Role::Admin));
    let cards = RwSignal::new(Vec::<Scorecard>::new());
    let evals = RwSignal::new(Vec::<Evaluation>::new());
    let load_cards = move || {
        leptos::task::spawn_local(async move {
            if let Ok(c) = ui_kit::api::get::<Vec<Scorecard>>("/api/v1/scorecards").await {
                cards.set(c);
            }
        })
    };
    let load_evals = move || {
        leptos::task::spawn_local(async move {
            if let Ok(l) = ui_kit::api::get::<EvaluationList>("/api/v1/evaluations").await {
                evals.set(l.items);
            }
        })
    };
    load_cards();
    load_evals();
    let (_, agents) = directory();

    view! {
        <div class="page quality">
            <div class="page-head">
                <h1 class="page-title" id="q-title" tabindex="-1">{tr("q-title")}</h1>
            </div>
            <Evaluate cards=cards call=call on_done=move || load_evals() />
            <section class="panel panel-flush">
                <div class="table-wrap" role="region" aria-labelledby="q-evals-caption" tabindex="0">
                    <table class="table" data-testid="q-evaluations">
                        <caption id="q-evals-caption" class="report-caption">{tr("q-latest")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{tr("q-call-id")}</th>
                                <th scope="col">{tr("report-agent")}</th>
                                <th scope="col">{tr("q-scorecard")}</th>
                                <th scope="col">{tr("q-score")}</th>
                                <th scope="col">{tr("q-comment")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                evals
                                    .get()
                                    .into_iter()
                                    .take(20)
                                    .map(|e| {
                                        let agent = e.agent_id;
                                        view! {
                                            <tr data-testid="q-eval-row">
                                                <th scope="row"><bdi dir="ltr">{e.call_id}</bdi></th>
                                                <td><bdi>{move || agent.map(|a| agent_label(agents.get().as_deref(), a)).unwrap_or_default()}</bdi></td>
                                                <td><bdi>{e.scorecard_name}</bdi></td>
                                                <td data-value=e.score_pct.to_string()><bdi dir="ltr">{format!("{} %", format::decimal(e.score_pct, 1))}</bdi></td>
                                                <td><bdi>{e.comment.unwrap_or_default()}</bdi></td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </section>
            <Cards cards=cards admin=admin on_change=move || load_cards() />
        </div>
    }
}

/// Evaluate one call: its id, the player, the scorecard and the points.
#[component]
fn Evaluate(
    cards: RwSignal<Vec<Scorecard>>,
    call: Signal<String>,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let call_id = RwSignal::new(call.get_untracked());
    let detail = RwSignal::new(None::<InteractionDetail>);
    let card = RwSignal::new(None::<i64>);
    let points = RwSignal::new(Vec::<u32>::new());
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let result = RwSignal::new(None::<f64>);
    let load = move || {
        let id = call_id.get_untracked().trim().to_owned();
        if id.is_empty() {
            return;
        }
        error.set(None);
        result.set(None);
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/interactions/{}", String::from(js_sys::encode_uri_component(&id)));
            match ui_kit::api::get::<InteractionDetail>(&path).await {
                Ok(d) => detail.set(Some(d)),
                Err(e) => {
                    detail.set(None);
                    error.set(Some(t(e.message_key())));
                }
            }
        });
    };
    // A call named in the address is loaded at once.
    Effect::new(move |_| {
        let c = call.get();
        if !c.is_empty() {
            call_id.set(c);
            load();
        }
    });
    let chosen = move || cards.with(|cs| card.get().and_then(|id| cs.iter().find(|c| c.id == id).cloned()));
    let on_card = move |ev| {
        let id = event_target_value(&ev).parse::<i64>().ok();
        card.set(id);
        let n = cards.with_untracked(|cs| cs.iter().find(|c| Some(c.id) == id).map_or(0, |c| c.criteria.len()));
        points.set(vec![0; n]);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(d), Some(card_id)) = (detail.get_untracked(), card.get_untracked()) else {
            error.set(Some(t("q-choose")));
            return;
        };
        let input = EvaluationInput {
            call_id: d.interaction.call_id.clone(),
            scorecard_id: card_id,
            scores: points.get_untracked(),
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        leptos::task::spawn_local(async move {
            match ui_kit::api::send_json::<_, Evaluation>("POST", "/api/v1/evaluations", &input).await {
                Ok(e) => {
                    result.set(Some(e.score_pct));
                    error.set(None);
                    on_done();
                }
                Err(e) => error.set(Some(t(e.error.message_key()))),
            }
        });
    };

    view! {
        <section class="panel q-evaluate" aria-labelledby="q-evaluate-title">
            <h2 class="panel-title" id="q-evaluate-title">{tr("q-evaluate")}</h2>
            <form
                class="report-filters"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    load();
                }
            >
                <div class="field">
                    <label for="q-call">{tr("q-call-id")}</label>
                    <input
                        id="q-call"
                        data-testid="q-call"
                        dir="ltr"
                        autocomplete="off"
                        prop:value=move || call_id.get()
                        on:input=move |ev| call_id.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" class="btn btn-secondary" data-testid="q-load">{tr("q-load")}</button>
            </form>
            {move || {
                detail.get().map(|d| {
                    let i = d.interaction;
                    let audio = i.recording.as_deref().map(|r| ui_kit::recordings::audio_path(r, false));
                    view! {
                        <p class="muted" data-testid="q-call-info">
                            {t_args("q-call-info", &[("queue", i.queue.as_deref().unwrap_or("—")), ("started", &format::parse_time(&i.started_at).map(format::date_time_short).unwrap_or_default())])}
                        </p>
                        {match audio {
                            Some(src) => view! { <audio class="q-player" data-testid="q-player" controls preload="metadata" src=src></audio> }.into_any(),
                            None => view! { <p class="alert alert-sm" role="alert" data-testid="q-no-recording">{tr("q-no-recording")}</p> }.into_any(),
                        }}
                    }
                })
            }}
            <form class="q-score-form" on:submit=submit>
                <div class="field">
                    <label for="q-card">{tr("q-scorecard")}</label>
                    <select id="q-card" data-testid="q-card" on:change=on_card>
                        <option value="" selected=move || card.get().is_none()>{tr("q-choose")}</option>
                        {move || {
                            cards
                                .get()
                                .into_iter()
                                .filter(|c| c.active)
                                .map(|c| view! { <option value=c.id.to_string() selected=move || card.get() == Some(c.id)>{c.name}</option> })
                                .collect_view()
                        }}
                    </select>
                </div>
                {move || {
                    chosen().map(|c| {
                        c.criteria
                            .into_iter()
                            .enumerate()
                            .map(|(i, cr)| {
                                let id = format!("q-points-{i}");
                                view! {
                                    <div class="field">
                                        <label for=id.clone()>
                                            <bdi>{cr.label}</bdi>
                                            " "
                                            <span class="muted">{t_args("q-out-of", &[("max", &cr.max_points.to_string()), ("weight", &cr.weight.to_string())])}</span>
                                        </label>
                                        <input
                                            id=id
                                            type="number"
                                            min="0"
                                            max=cr.max_points
                                            data-testid="q-points"
                                            dir="ltr"
                                            prop:value=move || points.with(|p| p.get(i).copied().unwrap_or(0).to_string())
                                            on:input=move |ev| {
                                                let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
                                                points.update(|p| if let Some(x) = p.get_mut(i) { *x = v });
                                            }
                                        />
                                    </div>
                                }
                            })
                            .collect_view()
                    })
                }}
                <div class="field">
                    <label for="q-comment">{tr("q-comment")}</label>
                    <textarea id="q-comment" data-testid="q-comment" maxlength="4000" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="btn btn-primary" data-testid="q-submit">{tr("q-submit")}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="alert" role="alert" data-testid="q-error">{e}</p> })}
            {move || result.get().map(|s| view! { <p class="notice" role="status" data-testid="q-result" data-value=s.to_string()>{t_args("q-saved", &[("score", &format::decimal(s, 1))])}</p> })}
        </section>
    }
}

/// The scorecards, and for administrators the editor.
#[component]
fn Cards(
    cards: RwSignal<Vec<Scorecard>>,
    admin: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let editing = RwSignal::new(None::<(Option<i64>, ScorecardInput)>);
    let error = RwSignal::new(None::<String>);
    let blank = || ScorecardInput {
        name: String::new(),
        queue: None,
        criteria: vec![Criterion { label: String::new(), weight: 1, max_points: 5 }],
        active: true,
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((id, input)) = editing.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            let r = match id {
                Some(id) => {
                    ui_kit::api::send_json::<_, Scorecard>("PUT", &format!("/api/v1/scorecards/{id}"), &input).await
                }
                None => ui_kit::api::send_json::<_, Scorecard>("POST", "/api/v1/scorecards", &input).await,
            };
            match r {
                Ok(_) => {
                    editing.set(None);
                    error.set(None);
                    on_change();
                }
                Err(e) => error.set(Some(problem_text(&e))),
            }
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match ui_kit::api::send_no_content::<()>("DELETE", &format!("/api/v1/scorecards/{id}"), None).await {
                Ok(()) => on_change(),
                Err(e) => error.set(Some(problem_text(&e))),
            }
        });
    };
    let set = move |f: &dyn Fn(&mut ScorecardInput)| {
        editing.update(|e| {
            if let Some((_, s)) = e {
                f(s)
            }
        })
    };

    view! {
        <section class="panel panel-flush" aria-labelledby="q-cards-title">
            <div class="panel-head">
                <h2 class="panel-title" id="q-cards-title">{tr("q-cards")}</h2>
                {admin.then(|| view! {
                    <button type="button" class="btn btn-secondary" data-testid="q-new" on:click=move |_| editing.set(Some((None, blank())))>{tr("q-new")}</button>
                })}
            </div>
            <div class="table-wrap">
                <table class="table" data-testid="q-cards">
                    <thead>
                        <tr>
                            <th scope="col">{tr("q-name")}</th>
                            <th scope="col">{tr("report-queue")}</th>
                            <th scope="col">{tr("q-criteria")}</th>
                            <th scope="col">{tr("q-active")}</th>
                            <th scope="col">{tr("q-used")}</th>
                            {admin.then(|| view! { <th scope="col"><span class="visually-hidden">{tr("q-actions")}</span></th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            cards
                                .get()
                                .into_iter()
                                .map(|c| {
                                    let (id, edit) = (c.id, ScorecardInput { name: c.name.clone(), queue: c.queue.clone(), criteria: c.criteria.clone(), active: c.active });
                                    view! {
                                        <tr data-testid="q-card-row" data-id=c.id>
                                            <th scope="row"><bdi>{c.name}</bdi></th>
                                            <td><bdi>{c.queue.unwrap_or_else(|| t("report-all-queues"))}</bdi></td>
                                            <td>{format::int(c.criteria.len() as u64, 1)}</td>
                                            <td>{if c.active { t("q-yes") } else { t("q-no") }}</td>
                                            <td>{format::int(c.evaluations.max(0) as u64, 1)}</td>
                                            {admin.then(|| view! {
                                                <td class="q-actions">
                                                    <button type="button" class="btn btn-secondary btn-sm" on:click=move |_| editing.set(Some((Some(id), edit.clone())))>{tr("q-edit")}</button>
                                                    <button type="button" class="btn btn-secondary btn-sm" on:click=move |_| remove(id)>{tr("q-delete")}</button>
                                                </td>
                                            })}
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
            {move || error.get().map(|e| view! { <p class="alert" role="alert" data-testid="q-error">{e}</p> })}
            {move || editing.get().map(|(_, s)| {
                let criteria = s.criteria.clone();
                view! {
                    <form class="q-editor" data-testid="q-editor" on:submit=save>
                        <div class="field">
                            <label for="q-name">{tr("q-name")}</label>
                            <input id="q-name" data-testid="q-name" required maxlength="100" prop:value=s.name.clone() on:change=move |ev| { let v = event_target_value(&ev); set(&|s| s.name = v.clone()) } />
                        </div>
                        <label class="check">
                            <input type="checkbox" prop:checked=s.active on:change=move |ev| { let on = event_target_checked(&ev); set(&|s| s.active = on) } />
                            {tr("q-active")}
                        </label>
                        <fieldset class="q-criteria">
                            <legend>{tr("q-criteria")}</legend>
                            {criteria
                                .into_iter()
                                .enumerate()
                                .map(|(i, c)| view! {
                                    <div class="q-criterion">
                                        <div class="field">
                                            <label for=format!("q-crit-{i}")>{tr("q-criterion")}</label>
                                            <input id=format!("q-crit-{i}") data-testid="q-crit-label" required maxlength="100" prop:value=c.label on:change=move |ev| { let v = event_target_value(&ev); set(&|s| if let Some(c) = s.criteria.get_mut(i) { c.label = v.clone() }) } />
                                        </div>
                                        <div class="field">
                                            <label for=format!("q-weight-{i}")>{tr("q-weight")}</label>
                                            <input id=format!("q-weight-{i}") data-testid="q-crit-weight" type="number" min="1" max="100" dir="ltr" prop:value=c.weight.to_string() on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(0); set(&|s| if let Some(c) = s.criteria.get_mut(i) { c.weight = v }) } />
                                        </div>
                                        <div class="field">
                                            <label for=format!("q-max-{i}")>{tr("q-max")}</label>
                                            <input id=format!("q-max-{i}") data-testid="q-crit-max" type="number" min="1" max="100" dir="ltr" prop:value=c.max_points.to_string() on:change=move |ev| { let v = event_target_value(&ev).parse().unwrap_or(0); set(&|s| if let Some(c) = s.criteria.get_mut(i) { c.max_points = v }) } />
                                        </div>
                                        <button type="button" class="btn btn-secondary btn-sm" on:click=move |_| set(&|s| { if s.criteria.len() > 1 { s.criteria.remove(i); } })>{tr("q-remove")}</button>
                                    </div>
                                })
                                .collect_view()}
                        </fieldset>
                        <div class="q-editor-actions">
                            <button type="button" class="btn btn-secondary" data-testid="q-add-crit" on:click=move |_| set(&|s| s.criteria.push(Criterion { label: String::new(), weight: 1, max_points: 5 }))>{tr("q-add-criterion")}</button>
                            <button type="submit" class="btn btn-primary" data-testid="q-save">{tr("q-save")}</button>
                            <button type="button" class="btn btn-secondary" on:click=move |_| editing.set(None)>{tr("q-cancel")}</button>
                        </div>
                    </form>
                }
            })}
        </section>
    }
}

/// A refused write in words, with the field it names.
fn problem_text(e: &ui_kit::api::WriteError) -> String {
    let base = t(e.error.message_key());
    match &e.error {
        ui_kit::api::ApiError::Problem(p) => match &p.detail {
            Some(d) => format!("{base} ({d})"),
            None => base,
        },
        _ => base,
    }
}
