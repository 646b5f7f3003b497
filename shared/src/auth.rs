//! Accounts, roles and sessions as the browser sees them.

use serde::{Deserialize, Serialize};

/// What a user may do. Roles are ordered: a supervisor can do what an agent
/// can, an admin what a supervisor can. Ownership rules (an agent sees only
/// their own objects) come on top of this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Supervisor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role reaches `needed` or more.
    pub fn at_least(self, needed: Role) -> bool {
        self >= needed
    }
}

/// Which browser app a login comes from. The gateway refuses to open a
/// session for an app the account's role cannot use, so an agent never gets a
/// session from the supervisor app's login page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum App {
    Agent,
    Supervisor,
}

impl App {
    /// The least role that may use this app.
    pub fn min_role(self) -> Role {
        match self {
            App::Agent => Role::Agent,
            App::Supervisor => Role::Supervisor,
        }
    }
}

/// `POST /api/v1/sessions`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub app: App,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The user's preferred UI language (`en`, `fa`, `ar`, `tr`).
    pub language: String,
}

/// Answer to a login and to `GET /api/v1/sessions/current`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub user: UserInfo,
    /// When the session ends at the latest, whatever the activity (RFC 3339).
    pub expires_at: String,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_secs: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        assert!(Role::Admin.at_least(Role::Supervisor));
        assert!(Role::Supervisor.at_least(Role::Agent));
        assert!(!Role::Agent.at_least(Role::Supervisor));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn login_request_rejects_unknown_fields() {
        let ok = r#"{"username":"rania","password":"x","app":"agent"}"#;
        assert!(serde_json::from_str::<LoginRequest>(ok).is_ok());
        let extra = r#"{"username":"rania","password":"x","app":"agent","role":"admin"}"#;
        assert!(serde_json::from_str::<LoginRequest>(extra).is_err());
    }
}
