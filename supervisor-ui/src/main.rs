//! The supervisor desktop: mounts the app.

mod agents;
mod app;
mod calls_report;
mod campaigns;
mod config;
mod filters;
mod live_calls;
mod quality;
mod recordings;
mod reports;
mod wallboard;

fn main() {
    // Mounted once the chosen language's messages are in.
    ui_kit::i18n::start(app::App);
}
