//! Read models of the contact center's people and places: agents, queues and
//! customers, as the apps list them.

use serde::{Deserialize, Serialize};

use crate::Role;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub language: String,
    /// Ids of the queues the agent serves.
    pub queue_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Queue {
    pub id: i64,
    /// Short stable name, e.g. `support`.
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: i64,
    /// The code a caller enters in the IVR to identify himself.
    pub code: String,
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    pub language: String,
    pub vip: bool,
}

/// One earlier contact with a customer, as the customer card lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InteractionSummary {
    pub id: i64,
    /// RFC 3339.
    pub started_at: String,
    /// `inbound`, `outbound`, `callback`, `web`.
    pub initiation: String,
    pub queue_id: Option<i64>,
    pub agent_id: Option<i64>,
    /// How the call turned out (`answered`, `abandoned`, … as
    /// `records::Disposition` names them); history from before call
    /// records may hold the agent's code here instead.
    pub disposition: Option<String>,
    pub notes: Option<String>,
    /// The gateway's id of the call; none for history from before call
    /// records.
    #[serde(default)]
    pub call_id: Option<String>,
    /// The queue's name, while the queue exists.
    #[serde(default)]
    pub queue_name: Option<String>,
    /// The agent's display name, while the account exists.
    #[serde(default)]
    pub agent_name: Option<String>,
    /// The agent's wrap-up code (e.g. `resolved`, `sale`).
    #[serde(default)]
    pub disposition_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerCard {
    pub customer: Customer,
    pub interactions: Vec<InteractionSummary>,
}

/// The body of `POST /api/v1/agents/{id}/status`: a supervisor sets an
/// agent's status for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForceStatus {
    /// `available`, `not_ready` or `offline`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: crate::ws::AgentStatus,
    /// A reason code (`GET /api/v1/reason-codes`) for `not_ready`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
