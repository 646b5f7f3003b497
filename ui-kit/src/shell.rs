//! The frame of a signed-in app: the header (product, app, connection,
//! language, user, sign-out) around the app's own page, which gets the
//! WebSocket as context. Also the small pieces the other screens share.

use leptos::prelude::*;
use shared::{App, Role};

use crate::i18n::{LangSelect, t, t_args};
use crate::session::Session;
use crate::ws::WsClient;

/// The message key of an app's name.
pub fn app_title_key(app: App) -> &'static str {
    match app {
        App::Agent => "app-agent",
        App::Supervisor => "app-supervisor",
    }
}

/// The message key of a role's name.
pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Agent => "role-agent",
        Role::Supervisor => "role-supervisor",
        Role::Admin => "role-admin",
    }
}

/// The signed-in app: opens the WebSocket for its lifetime and shows the
/// header above `children`.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let session = Session::expect();
    let ws = WsClient::connect(session);
    provide_context(ws.clone());
    on_cleanup({
        let ws = ws.clone();
        move || ws.close()
    });

    let title_key = app_title_key(session.app());

    let user = move || session.user();
    let name = move || user().map(|u| u.display_name).unwrap_or_default();
    view! {
        <div class="app">
            <a class="skip-link" href="#main">{move || t("skip-to-content")}</a>
            <header class="topbar">
                <Brand title_key=title_key />
                <div class="topbar-end">
                    <ConnBadge ws=ws />
                    <LangSelect />
                    <div class="user" title=move || t_args("shell-signed-in-as", &[("name", &name())])>
                        <span class="avatar" aria-hidden="true">{move || initials(&name())}</span>
                        <span class="user-text">
                            <span class="user-name" data-testid="user-name">{name}</span>
                            <span class="user-role" data-testid="user-role">
                                {move || user().map(|u| t(role_key(u.role))).unwrap_or_default()}
                            </span>
                        </span>
                    </div>
                    <button class="btn btn-ghost" data-testid="logout" on:click=move |_| session.logout()>
                        <svg class="icon icon-directional" viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M10 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h4M15 8l4 4-4 4M19 12H9" />
                        </svg>
                        <span>{move || t("logout")}</span>
                    </button>
                </div>
            </header>
            <main id="main" class="content" tabindex="-1">
                {children()}
            </main>
        </div>
    }
}

/// The connection state as a label with a dot; never colour alone.
#[component]
fn ConnBadge(ws: WsClient) -> impl IntoView {
    let state = Memo::new(move |_| ws.state());
    view! {
        <div class="conn" role="status">
            <span class="visually-hidden">{move || t("conn-label")}</span>
            <span class="badge conn-badge" data-testid="ws-state" data-state=move || state.get().as_str()>
                <span class="dot" aria-hidden="true"></span>
                {move || t(state.get().message_key())}
            </span>
        </div>
    }
}

/// Product mark, product name and app name.
#[component]
pub fn Brand(title_key: &'static str) -> impl IntoView {
    view! {
        <div class="brand">
            <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
                <rect width="32" height="32" rx="8" />
                <path d="M9 17v-2a7 7 0 0 1 14 0v2" />
                <rect x="7.5" y="16" width="4" height="6.5" rx="1.5" />
                <rect x="20.5" y="16" width="4" height="6.5" rx="1.5" />
                <path d="M22.5 22.5c0 2-2 3-5 3" />
            </svg>
            <span class="brand-text">
                <span class="brand-name">{move || t("app-name")}</span>
                <span class="brand-app">{move || t(title_key)}</span>
            </span>
        </div>
    }
}

/// Shown while the app asks the gateway for the session.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || t("loading")}</span>
        </div>
    }
}

/// Up to two letters for the avatar: the first of the first and last words.
fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = |w: &str| w.chars().next();
    match words.as_slice() {
        [] => String::new(),
        [one] => first(one).into_iter().collect(),
        [a, .., b] => [first(a), first(b)].into_iter().flatten().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names() {
        for (name, expected) in [("Rania Haddad", "RH"), ("Sara", "S"), ("", ""), ("امید رضایی", "ار"), ("A B C", "AC")]
        {
            assert_eq!(initials(name), expected, "{name:?}");
        }
    }
}
