//! An agent's status as both apps show it: a label with a coloured dot,
//! never colour alone.

use leptos::prelude::*;
use shared::ws::{AgentActivity, AgentPresence, AgentStatus};

use crate::i18n::{t, t_or};

/// The message key of a status's name.
pub fn status_key(status: AgentStatus) -> &'static str {
    match status {
        AgentStatus::Available => "status-available",
        AgentStatus::NotReady => "status-not-ready",
        AgentStatus::Offline => "status-offline",
    }
}

/// The message key of what the routing engine has the agent doing, if
/// anything.
pub fn activity_key(activity: AgentActivity) -> Option<&'static str> {
    match activity {
        AgentActivity::Idle => None,
        AgentActivity::Ringing => Some("activity-ringing"),
        AgentActivity::OnCall => Some("activity-on-call"),
        AgentActivity::WrapUp => Some("activity-wrap-up"),
        AgentActivity::Missed => Some("activity-missed"),
    }
}

/// A reason code's name: the desk's translation (`reason-<code>`) if it has
/// one, else the administrator's `label`, else the code.
pub fn reason_label(code: &str, label: Option<&str>) -> String {
    t_or(&format!("reason-{code}"), label.unwrap_or(code))
}

/// What the desks show of an agent: the engine's activity when there is
/// one, else the chosen status with its reason. Returns the CSS class
/// suffix and the text.
pub fn shown(p: &AgentPresence) -> (&'static str, String) {
    match activity_key(p.activity) {
        Some(key) => (p.activity.as_str(), t(key)),
        None => match (&p.reason, p.status) {
            (Some(r), AgentStatus::NotReady) => {
                (p.status.as_str(), format!("{} · {}", t(status_key(p.status)), reason_label(r, None)))
            }
            _ => (p.status.as_str(), t(status_key(p.status))),
        },
    }
}

/// An agent's state as the desks show it (see [`shown`]); reactive.
#[component]
pub fn PresencePill(#[prop(into)] presence: Signal<AgentPresence>) -> impl IntoView {
    let shown = Memo::new(move |_| shown(&presence.get()));
    view! {
        <span class=move || format!("pill status-{}", shown.get().0) data-shown=move || shown.get().0>
            <span class="dot" aria-hidden="true"></span>
            {move || shown.get().1}
        </span>
    }
}

/// The statuses an agent can choose, in menu order.
pub const CHOOSABLE: [AgentStatus; 3] = [AgentStatus::Available, AgentStatus::NotReady, AgentStatus::Offline];

/// Parses the `as_str` form back, e.g. from a `<select>`.
pub fn parse_status(s: &str) -> Option<AgentStatus> {
    CHOOSABLE.into_iter().find(|st| st.as_str() == s)
}

/// A status label with its colour.
#[component]
pub fn StatusPill(status: AgentStatus) -> impl IntoView {
    view! {
        <span class=format!("pill status-{}", status.as_str())>
            <span class="dot" aria-hidden="true"></span>
            {move || t(status_key(status))}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in CHOOSABLE {
            assert_eq!(parse_status(s.as_str()), Some(s));
        }
        assert_eq!(parse_status("on_call"), None);
    }
}
