//! The login page: username and password for this app, errors from the
//! gateway in the user's language, the language switch.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::LoginRequest;

use crate::api;
use crate::i18n::{LangSelect, t};
use crate::session::Session;
use crate::shell::{Brand, app_title_key};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = Session::expect();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // A message key, so the text follows a language switch.
    let error = RwSignal::new(None::<&'static str>);
    let password_input = NodeRef::<html::Input>::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let req = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            app: session.app(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::login(&req).await;
            // The page may be gone by now (another tab signed in).
            busy.try_set(false);
            match result {
                Ok(info) => session.signed_in(info),
                Err(e) => {
                    error.try_set(Some(e.message_key()));
                    password.try_set(String::new());
                    if let Some(input) = password_input.get_untracked() {
                        let _ = input.focus();
                    }
                }
            }
        });
    };

    view! {
        <div class="auth-page">
            <div class="auth-top">
                <LangSelect />
            </div>
            <main class="auth-main" id="main">
                <section class="auth-card" aria-labelledby="login-title">
                    <Brand title_key=app_title_key(session.app()) />
                    <h1 id="login-title">{move || t("login-title")}</h1>
                    <p class="muted">{move || t("login-intro")}</p>
                    {move || {
                        session
                            .notice()
                            .map(|key| {
                                view! {
                                    <p class="notice" role="status" data-testid="login-notice">
                                        {move || t(key)}
                                    </p>
                                }
                            })
                    }}
                    {move || {
                        error
                            .get()
                            .map(|key| {
                                view! {
                                    <p class="alert" role="alert" data-testid="login-error">
                                        {move || t(key)}
                                    </p>
                                }
                            })
                    }}
                    <form class="form" on:submit=submit>
                        <div class="field">
                            <label for="login-username">{move || t("login-username")}</label>
                            <input
                                id="login-username"
                                data-testid="login-username"
                                name="username"
                                autocomplete="username"
                                autocapitalize="none"
                                spellcheck="false"
                                dir="auto"
                                required
                                autofocus
                                prop:value=username
                                on:input=move |ev| username.set(event_target_value(&ev))
                            />
                        </div>
                        <div class="field">
                            <label for="login-password">{move || t("login-password")}</label>
                            <input
                                id="login-password"
                                data-testid="login-password"
                                type="password"
                                name="password"
                                autocomplete="current-password"
                                dir="auto"
                                required
                                node_ref=password_input
                                prop:value=password
                                on:input=move |ev| password.set(event_target_value(&ev))
                            />
                        </div>
                        <button
                            type="submit"
                            class="btn btn-primary btn-block"
                            data-testid="login-submit"
                            prop:disabled=busy
                            aria-busy=move || busy.get().to_string()
                        >
                            {move || if busy.get() { t("login-busy") } else { t("login-submit") }}
                        </button>
                    </form>
                </section>
            </main>
        </div>
    }
}
