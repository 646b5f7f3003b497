//! RFC 9457 problem details, the body of every error answer.

use serde::{Deserialize, Serialize};

/// `application/problem+json`. `code` is a stable machine-readable name the
/// browser apps map to a translated message (`invalid_credentials`,
/// `rate_limited`, `forbidden`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: String,
}
