//! The supervisor desktop: mounts the app.

mod agents;
mod app;
mod calls_report;
mod filters;
mod live_calls;
mod recordings;
mod wallboard;

fn main() {
    ui_kit::i18n::init();
    leptos::mount::mount_to_body(app::App);
}
