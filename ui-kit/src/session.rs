//! Who is signed in, as context for the whole app, and which screen that
//! calls for: the login page, the "not allowed" screen or the app's shell.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::{App, SessionInfo, UserInfo};

use crate::api;
use crate::i18n::t;
use crate::shell::app_title_key;

/// What the app knows about the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthState {
    /// Asking the gateway at start-up.
    Checking,
    SignedOut,
    SignedIn(SessionInfo),
}

/// The screen an [`AuthState`] calls for in a given app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Checking,
    Login,
    /// Signed in, but the role is below the app's [`App::min_role`].
    NotAllowed,
    Shell,
}

impl Screen {
    pub fn of(state: &AuthState, app: App) -> Screen {
        match state {
            AuthState::Checking => Screen::Checking,
            AuthState::SignedOut => Screen::Login,
            AuthState::SignedIn(s) if s.user.role.at_least(app.min_role()) => Screen::Shell,
            AuthState::SignedIn(_) => Screen::NotAllowed,
        }
    }
}

/// The session as context. Copy: it only holds signals.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    app: App,
    state: RwSignal<AuthState>,
    /// A message for the login page, e.g. why the user is back there.
    notice: RwSignal<Option<&'static str>>,
}

impl Session {
    /// Creates the session context for `app` and asks the gateway whether a
    /// session is open already.
    pub fn provide(app: App) -> Session {
        let session = Session { app, state: RwSignal::new(AuthState::Checking), notice: RwSignal::new(None) };
        provide_context(session);
        // The tab's title names the app, in the current language.
        Effect::new(move |_| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(&format!("{} · {}", t(app_title_key(app)), t("app-name")));
            }
        });
        spawn_local(async move {
            let next = match api::current_session().await {
                Ok(Some(info)) => AuthState::SignedIn(info),
                // On a network error the login page is the honest answer: it
                // reports the error when the user tries.
                Ok(None) | Err(_) => AuthState::SignedOut,
            };
            session.state.set(next);
        });
        session
    }

    pub fn expect() -> Session {
        expect_context::<Session>()
    }

    pub fn app(&self) -> App {
        self.app
    }

    /// The screen to show; reactive, and only changes when the screen does.
    pub fn screen(&self) -> Memo<Screen> {
        let (state, app) = (self.state, self.app);
        Memo::new(move |_| state.with(|s| Screen::of(s, app)))
    }

    /// The signed-in user; reactive.
    pub fn user(&self) -> Option<UserInfo> {
        self.state.with(|s| match s {
            AuthState::SignedIn(info) => Some(info.user.clone()),
            _ => None,
        })
    }

    pub fn notice(&self) -> Option<&'static str> {
        self.notice.get()
    }

    /// A login succeeded, or the gateway sent fresher session details.
    pub fn signed_in(&self, info: SessionInfo) {
        self.notice.set(None);
        if self.state.with_untracked(|s| !matches!(s, AuthState::SignedIn(old) if *old == info)) {
            self.state.set(AuthState::SignedIn(info));
        }
    }

    /// The session is gone; back to the login page with an optional notice.
    pub fn ended(&self, notice: Option<&'static str>) {
        // The session may end while its screen is being torn down.
        self.notice.try_set(notice);
        self.state.try_set(AuthState::SignedOut);
    }

    /// Signs out at the gateway, then shows the login page.
    pub fn logout(&self) {
        let session = *self;
        spawn_local(async move {
            if let Err(e) = api::logout().await {
                web_sys::console::warn_1(&format!("logout failed: {e:?}").into());
            }
            session.ended(None);
        });
    }
}

#[cfg(test)]
mod tests {
    use shared::Role;

    use super::*;

    fn signed_in(role: Role) -> AuthState {
        AuthState::SignedIn(SessionInfo {
            user: UserInfo { id: 1, username: "u".into(), display_name: "U".into(), role, language: "en".into() },
            expires_at: "2030-01-01T00:00:00Z".into(),
            idle_timeout_secs: 900,
        })
    }

    fn check(state: AuthState, app: App, expected: Screen) {
        assert_eq!(Screen::of(&state, app), expected, "{state:?} in {app:?}");
    }

    #[test]
    fn screens() {
        check(AuthState::Checking, App::Agent, Screen::Checking);
        check(AuthState::SignedOut, App::Supervisor, Screen::Login);
        check(signed_in(Role::Agent), App::Agent, Screen::Shell);
        check(signed_in(Role::Agent), App::Supervisor, Screen::NotAllowed);
        check(signed_in(Role::Supervisor), App::Supervisor, Screen::Shell);
        check(signed_in(Role::Supervisor), App::Agent, Screen::Shell);
        check(signed_in(Role::Admin), App::Supervisor, Screen::Shell);
    }
}
