//! "Call this number" from anywhere on the desk (a callback, a voicemail's
//! caller) to the softphone, as context: lists [`DialRequest::request`] a
//! number; the softphone watches [`DialRequest::pending`] and
//! [`DialRequest::take`]s it to dial. The number is as the list shows it;
//! the softphone checks it like one typed.

use leptos::prelude::*;

/// The number asked to be dialed, until the softphone takes it.
#[derive(Debug, Clone, Copy)]
pub struct DialRequest(pub RwSignal<Option<String>>);

impl DialRequest {
    /// The context for the app's components, made once: a second call
    /// (under the first) returns the same one.
    pub fn provide() -> DialRequest {
        if let Some(d) = use_context::<DialRequest>() {
            return d;
        }
        let d = DialRequest(RwSignal::new(None));
        provide_context(d);
        d
    }

    pub fn expect() -> DialRequest {
        expect_context::<DialRequest>()
    }

    /// Asks the softphone to dial `number`; a newer request replaces one
    /// not taken yet.
    pub fn request(&self, number: impl Into<String>) {
        self.0.set(Some(number.into()));
    }

    /// The number waiting to be dialed; reactive.
    pub fn pending(&self) -> Option<String> {
        self.0.get()
    }

    /// Takes the waiting number (once), leaving none.
    pub fn take(&self) -> Option<String> {
        // Nothing to take: no write, so watchers are not woken for nothing.
        self.0.with_untracked(Option::is_some).then(|| self.0.try_update(Option::take).flatten()).flatten()
    }
}
