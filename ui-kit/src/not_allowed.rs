//! The screen for a signed-in user whose role is below the app's, e.g. an
//! agent who opens the supervisor app: says so, offers the agent desktop and
//! a way to sign out.

use leptos::prelude::*;
use shared::App;

use crate::i18n::{LangSelect, t, t_args};
use crate::session::Session;
use crate::shell::{Brand, app_title_key, role_key};

/// Where the gateway serves the agent app.
const AGENT_APP_PATH: &str = "/agent/";

#[component]
pub fn NotAllowed() -> impl IntoView {
    let session = Session::expect();
    let user = move || session.user();
    let can_use_agent_app =
        move || session.app() != App::Agent && user().is_some_and(|u| u.role.at_least(App::Agent.min_role()));
    view! {
        <div class="auth-page">
            <div class="auth-top">
                <LangSelect />
            </div>
            <main class="auth-main" id="main">
                <section class="auth-card" data-testid="not-allowed" aria-labelledby="not-allowed-title">
                    <Brand title_key=app_title_key(session.app()) />
                    <div class="state-icon" aria-hidden="true">
                        <svg class="icon" viewBox="0 0 24 24">
                            <rect x="5" y="10.5" width="14" height="10" rx="2" />
                            <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" />
                        </svg>
                    </div>
                    <h1 id="not-allowed-title">{move || t("not-allowed-title")}</h1>
                    <p>
                        {move || {
                            let (name, role) = user()
                                .map(|u| (u.display_name, t(role_key(u.role))))
                                .unwrap_or_default();
                            t_args("not-allowed-body", &[("name", &name), ("role", &role)])
                        }}
                    </p>
                    <div class="actions">
                        <Show when=can_use_agent_app>
                            <a class="btn btn-secondary" href=AGENT_APP_PATH>
                                {move || t("not-allowed-open-agent")}
                            </a>
                        </Show>
                        <button class="btn btn-primary" data-testid="logout" on:click=move |_| session.logout()>
                            {move || t("logout")}
                        </button>
                    </div>
                </section>
            </main>
        </div>
    }
}
