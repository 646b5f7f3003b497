//! The agent desktop: mounts the app.

mod app;
mod audio_check;
mod call;
mod desk;
mod status;

fn main() {
    ui_kit::i18n::init();
    leptos::mount::mount_to_body(app::App);
}
