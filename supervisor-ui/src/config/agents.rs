//! Accounts and routing profiles. Administrators list every account, make
//! new ones, change a name, role or language, disable or delete one, set a
//! new password, and edit an agent's skills and queues. Supervisors see
//! the agents read-only: accounts are the administrators'.

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::json;
use shared::Role;
use shared::directory::{Agent, Queue};
use shared::routing::{AgentProfile, Membership, Skill};
use ui_kit::{t, tr};

use super::{
    Button, CheckField, Failure, Label, Opt, Outcome, SelectField, TextField, get, language_opts, load, parsed,
    write_json,
};
use super::{dyn_text, dynamic};

/// An account as `GET /api/v1/users` gives it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Account {
    id: i64,
    username: String,
    display_name: String,
    role: Role,
    language: String,
    disabled: bool,
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Agent => "role-agent",
        Role::Supervisor => "role-supervisor",
        Role::Admin => "role-admin",
    }
}

fn role_opts() -> Vec<Opt> {
    [Role::Agent, Role::Supervisor, Role::Admin].into_iter().map(|r| Opt::key(r.as_str(), role_key(r))).collect()
}

/// Runs a write and reports it in `failure` / `saved`; `then` on success.
fn run(
    method: &'static str,
    path: String,
    body: serde_json::Value,
    failure: RwSignal<Option<Failure>>,
    saved: RwSignal<bool>,
    then: impl FnOnce() + 'static,
) {
    saved.set(false);
    leptos::task::spawn_local(async move {
        match write_json(method, &path, &body).await {
            Ok(_) => {
                failure.set(None);
                saved.set(true);
                then();
            }
            Err(f) => failure.set(Some(f)),
        }
    });
}

#[component]
pub fn AgentsSettings(admin: bool) -> impl IntoView {
    if !admin {
        return view! { <AgentsReadOnly /> }.into_any();
    }
    let reload = RwSignal::new(0u32);
    let accounts = load("/api/v1/users".into(), Some(reload));
    let editing = RwSignal::new(None::<Account>);
    let profile_of = RwSignal::new(None::<Account>);
    let row = move |a: Account| {
        let edit = a.clone();
        let prof = a.clone();
        let lang = shared::Lang::parse(&a.language).map(|l| l.native_name()).unwrap_or_default();
        view! {
            <tr data-testid=format!("cfg-account-{}", a.username)>
                <td>{a.display_name.clone()}</td>
                <td><bdi>{a.username.clone()}</bdi></td>
                <td>{tr(role_key(a.role))}</td>
                <td>{lang}</td>
                <td>{tr(if a.disabled { "cfg-disabled" } else { "cfg-active" })}</td>
                <td class="cfg-row-actions">
                    <Button label="cfg-edit" testid="cfg-account-edit" class="btn-secondary btn-sm"
                        on_click=Callback::new(move |_| editing.set(Some(edit.clone()))) />
                    {(a.role == Role::Agent).then(|| view! {
                        <Button label="cfg-routing" testid="cfg-account-routing" class="btn-secondary btn-sm"
                            on_click=Callback::new(move |_| profile_of.set(Some(prof.clone()))) />
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <NewAccount reload=reload />
        <section class="panel panel-flush cfg-panel">
            <h2 class="panel-title">{tr("cfg-accounts")}</h2>
            <div class="table-wrap">
                <table class="table cfg-table" data-testid="cfg-accounts">
                    <thead>
                        <tr>
                            <th scope="col">{tr("cfg-name")}</th>
                            <th scope="col">{tr("cfg-username")}</th>
                            <th scope="col">{tr("cfg-role")}</th>
                            <th scope="col">{tr("lang-label")}</th>
                            <th scope="col">{tr("cfg-state")}</th>
                            <th scope="col"><span class="visually-hidden">{tr("cfg-actions")}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {dynamic(move || IntoAny::into_any(parsed::<Vec<Account>>(accounts).and_then(Result::ok).unwrap_or_default().into_iter().map(row).collect_view().into_any()))}
                    </tbody>
                </table>
            </div>
        </section>
        {dynamic(move || IntoAny::into_any(editing.get().map(|a| view! { <EditAccount account=a reload=reload editing=editing /> }.into_any())))}
        {dynamic(move || IntoAny::into_any(profile_of.get().map(|a| view! { <RoutingProfile account=a /> }.into_any())))}
    }
    .into_any()
}

/// What supervisors see: the agents, and who may change them.
#[component]
fn AgentsReadOnly() -> impl IntoView {
    let agents = load("/api/v1/agents".into(), None);
    view! {
        <section class="panel cfg-panel" data-testid="cfg-accounts-not-allowed">
            <h2 class="panel-title">{tr("cfg-accounts")}</h2>
            <p class="notice" role="status">{tr("cfg-accounts-admin-only")}</p>
            <ul class="cfg-list">
                {dynamic(move || IntoAny::into_any({
                    parsed::<Vec<Agent>>(agents)
                        .and_then(Result::ok)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| view! { <li>{a.display_name}" "<bdi class="muted">{a.username}</bdi></li> })
                        .collect_view()
                        .into_any()
                }))}
            </ul>
        </section>
    }
}

#[component]
fn NewAccount(reload: RwSignal<u32>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("agent".to_owned());
    let language = RwSignal::new("en".to_owned());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let create = Callback::new(move |_| {
        let body = json!({
            "username": username.get_untracked(),
            "display_name": name.get_untracked(),
            "role": role.get_untracked(),
            "language": language.get_untracked(),
            "password": password.get_untracked(),
        });
        run("POST", "/api/v1/users".into(), body, failure, saved, move || {
            username.set(String::new());
            name.set(String::new());
            password.set(String::new());
            reload.update(|n| *n += 1);
        });
    });
    view! {
        <div class="panel cfg-panel cfg-form" data-testid="cfg-new-account">
            <h2 class="panel-title">{tr("cfg-new-account")}</h2>
            <div class="cfg-fields">
                <TextField id="cfg-na-username".into() label=Label::Key("cfg-username") value=username ltr=true />
                <TextField id="cfg-na-name".into() label=Label::Key("cfg-name") value=name />
                <SelectField id="cfg-na-role".into() label=Label::Key("cfg-role") value=role options=role_opts() />
                <SelectField id="cfg-na-lang".into() label=Label::Key("lang-label") value=language options=language_opts() />
                <TextField id="cfg-na-password".into() label=Label::Key("cfg-password") value=password kind="password" />
            </div>
            <Button label="cfg-create" testid="cfg-na-create" class="btn-primary" on_click=create />
            <Outcome failure=failure saved=saved testid="cfg-na-result" />
        </div>
    }
}

#[component]
fn EditAccount(account: Account, reload: RwSignal<u32>, editing: RwSignal<Option<Account>>) -> impl IntoView {
    let id = account.id;
    let name = RwSignal::new(account.display_name.clone());
    let role = RwSignal::new(account.role.as_str().to_owned());
    let language = RwSignal::new(account.language.clone());
    let disabled = RwSignal::new(account.disabled);
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    let refresh = move || reload.update(|n| *n += 1);
    let save = Callback::new(move |_| {
        let body = json!({
            "display_name": name.get_untracked(),
            "role": role.get_untracked(),
            "language": language.get_untracked(),
            "disabled": disabled.get_untracked(),
        });
        run("PATCH", format!("/api/v1/users/{id}"), body, failure, saved, refresh);
    });
    let set_password = Callback::new(move |_| {
        let body = json!({ "password": password.get_untracked() });
        run("PUT", format!("/api/v1/users/{id}/password"), body, failure, saved, move || password.set(String::new()));
    });
    let delete = Callback::new(move |_| {
        run("DELETE", format!("/api/v1/users/{id}"), json!(null), failure, saved, move || {
            refresh();
            editing.set(None);
        });
    });
    let marked = move |key: &'static str| {
        Signal::derive(move || failure.with(|f| f.as_ref().and_then(|f| f.field.as_deref()) == Some(key)))
    };
    let title = account.username.clone();
    view! {
        <div class="panel cfg-panel cfg-form" data-testid="cfg-edit-account">
            <h2 class="panel-title">{dyn_text(move || ui_kit::t_args("cfg-edit-account", &[("name", &title)]))}</h2>
            <div class="cfg-fields">
                <TextField id="cfg-ea-name".into() label=Label::Key("cfg-name") value=name invalid=marked("display_name") />
                <SelectField id="cfg-ea-role".into() label=Label::Key("cfg-role") value=role options=role_opts() invalid=marked("role") />
                <SelectField id="cfg-ea-lang".into() label=Label::Key("lang-label") value=language options=language_opts() />
                <CheckField id="cfg-ea-disabled".into() label=Label::Key("cfg-account-disabled") value=disabled />
            </div>
            <div class="actions cfg-actions">
                <Button label="cfg-save" testid="cfg-ea-save" class="btn-primary" on_click=save />
                <Button label="cfg-close" on_click=Callback::new(move |_| editing.set(None)) />
            </div>
            <div class="cfg-fields">
                <TextField id="cfg-ea-password".into() label=Label::Key("cfg-new-password") value=password kind="password" invalid=marked("password") />
            </div>
            <div class="actions cfg-actions">
                <Button label="cfg-set-password" testid="cfg-ea-set-password" on_click=set_password />
                <Button label="cfg-delete-account" testid="cfg-ea-delete" class="btn-danger" on_click=delete />
            </div>
            <p class="hint">{tr("cfg-delete-hint")}</p>
            <Outcome failure=failure saved=saved testid="cfg-ea-result" />
        </div>
    }
}

/// Skills as the form shows them: `billing:5, sales:3`.
fn skills_text(skills: &[Skill]) -> String {
    skills.iter().map(|s| format!("{}:{}", s.skill, s.level)).collect::<Vec<_>>().join(", ")
}

/// The form's skills text read back; `None` when a level is not a number.
fn parse_skills(text: &str) -> Option<Vec<Skill>> {
    text.split([',', '،'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.split_once(':') {
            Some((name, level)) => Some(Skill { skill: name.trim().to_owned(), level: level.trim().parse().ok()? }),
            None => Some(Skill { skill: s.to_owned(), level: 1 }),
        })
        .collect()
}

#[component]
fn RoutingProfile(account: Account) -> impl IntoView {
    let id = account.id;
    let skills = RwSignal::new(String::new());
    // Each queue with whether the agent serves it, in the agent's order
    // first, then the others.
    let member = RwSignal::new(Vec::<(Queue, RwSignal<bool>)>::new());
    let failure = RwSignal::new(None::<Failure>);
    let saved = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let queues = get::<Vec<Queue>>("/api/v1/queues").await.unwrap_or_default();
        match get::<AgentProfile>(&format!("/api/v1/agents/{id}/routing")).await {
            Ok(p) => {
                skills.set(skills_text(&p.skills));
                let mut mine = p.queues;
                mine.sort_by_key(|m| m.order);
                let rank = |q: &Queue| mine.iter().position(|m| m.queue == q.code).unwrap_or(usize::MAX);
                let mut list: Vec<_> = queues.into_iter().map(|q| (rank(&q), q)).collect();
                list.sort_by_key(|(r, _)| *r);
                member.set(list.into_iter().map(|(r, q)| (q, RwSignal::new(r != usize::MAX))).collect());
            }
            Err(f) => failure.set(Some(f)),
        }
    });
    let save = Callback::new(move |_| {
        let Some(list) = parse_skills(&skills.get_untracked()) else {
            failure.set(Some(Failure::local("cfg-invalid", t("cfg-skills-format"))));
            return;
        };
        let queues = member.get_untracked().into_iter().filter(|(_, on)| on.get_untracked()).map(|(q, _)| q.code);
        let profile = AgentProfile {
            queues: queues.enumerate().map(|(i, queue)| Membership { queue, order: i as u32 + 1 }).collect(),
            skills: list,
        };
        let body = serde_json::to_value(&profile).unwrap_or_default();
        run("PUT", format!("/api/v1/agents/{id}/routing"), body, failure, saved, || ());
    });
    let title = account.display_name.clone();
    view! {
        <div class="panel cfg-panel cfg-form" data-testid="cfg-routing">
            <h2 class="panel-title">{dyn_text(move || ui_kit::t_args("cfg-routing-of", &[("name", &title)]))}</h2>
            <TextField id="cfg-skills".into() label=Label::Key("cfg-skills") value=skills ltr=true />
            <p class="hint">{tr("cfg-skills-format")}</p>
            <fieldset class="cfg-checks">
                <legend>{tr("cfg-queues-served")}</legend>
                {dynamic(move || IntoAny::into_any({
                    member
                        .get()
                        .into_iter()
                        .map(|(q, on)| view! { <CheckField id=format!("cfg-serves-{}", q.code) label=Label::Code(q.name) value=on /> })
                        .collect_view()
                        .into_any()
                }))}
            </fieldset>
            <Button label="cfg-save" testid="cfg-routing-save" class="btn-primary" on_click=save />
            <Outcome failure=failure saved=saved testid="cfg-routing-result" />
        </div>
    }
}
