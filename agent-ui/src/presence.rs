//! The agent's own presence as the gateway last confirmed it
//! (`agent_status_updated`): chosen status, reason, and what the routing
//! engine has them doing (ringing, on a call, wrap-up, missed). One
//! subscription for the desk; the status control and the wrap-up panel
//! read it from context.

use leptos::prelude::*;
use shared::ws::{AgentPresence, ServerMsg};
use ui_kit::{Session, WsClient};

#[derive(Clone, Copy)]
pub struct MyPresence(pub RwSignal<Option<AgentPresence>>);

impl MyPresence {
    /// Provides it for the desk and keeps it current.
    pub fn provide() -> MyPresence {
        let ws = expect_context::<WsClient>();
        let me = Session::expect().user().map(|u| u.id);
        let p = MyPresence(RwSignal::new(None));
        ws.subscribe(move |msg| {
            if let ServerMsg::AgentStatusUpdated { agent } = msg
                && Some(agent.agent_id) == me
            {
                p.0.set(Some(agent.clone()));
            }
        });
        provide_context(p);
        p
    }

    pub fn expect() -> MyPresence {
        expect_context::<MyPresence>()
    }
}
