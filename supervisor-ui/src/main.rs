//! The supervisor desktop: mounts the app.

mod agents;
mod app;
mod calls_report;
mod live_calls;
mod wallboard;

fn main() {
    ui_kit::i18n::init();
    leptos::mount::mount_to_body(app::App);
}
