//! The agent desktop: mounts the app.

mod alerting;
mod app;
mod audio_check;
mod call;
mod customer;
mod dashboard;
mod desk;
mod inbox;
mod presence;
mod shortcuts;
mod status;
mod tab_guard;
mod wrapup;

fn main() {
    ui_kit::i18n::init();
    leptos::mount::mount_to_body(app::App);
}
