//! An agent's status as both apps show it: a label with a coloured dot,
//! never colour alone.

use leptos::prelude::*;
use shared::ws::AgentStatus;

use crate::i18n::t;

/// The message key of a status's name.
pub fn status_key(status: AgentStatus) -> &'static str {
    match status {
        AgentStatus::Available => "status-available",
        AgentStatus::NotReady => "status-not-ready",
        AgentStatus::Offline => "status-offline",
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
