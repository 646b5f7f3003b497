//! Which screen to show: login, no access, or the desk inside the shell.

use leptos::prelude::*;
use ui_kit::{Loading, LoginPage, NotAllowed, Screen, Session, Shell};

use crate::desk::Desk;

#[component]
pub fn App() -> impl IntoView {
    let screen = Session::provide(shared::App::Agent).screen();
    // Lists on the desk ask the softphone to dial through this.
    ui_kit::dial::DialRequest::provide();
    move || match screen.get() {
        Screen::Checking => view! { <Loading /> }.into_any(),
        Screen::Login => view! { <LoginPage /> }.into_any(),
        Screen::NotAllowed => view! { <NotAllowed /> }.into_any(),
        Screen::Shell => view! {
            <Shell>
                <Desk />
            </Shell>
        }
        .into_any(),
    }
}
