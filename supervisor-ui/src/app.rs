//! Which screen to show: login, no access, or the agents view inside the shell.

use leptos::prelude::*;
use ui_kit::{Loading, LoginPage, NotAllowed, Screen, Session, Shell};

use crate::agents::Agents;

#[component]
pub fn App() -> impl IntoView {
    let screen = Session::provide(shared::App::Supervisor).screen();
    move || match screen.get() {
        Screen::Checking => view! { <Loading /> }.into_any(),
        Screen::Login => view! { <LoginPage /> }.into_any(),
        Screen::NotAllowed => view! { <NotAllowed /> }.into_any(),
        Screen::Shell => view! {
            <Shell>
                <Agents />
            </Shell>
        }
        .into_any(),
    }
}
