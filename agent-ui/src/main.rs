//! The agent desktop: mounts the app.

mod alerting;
mod app;
mod audio_check;
mod call;
mod campaign;
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
    // Mounted once the chosen language's messages are in.
    ui_kit::i18n::start(app::App);
}
