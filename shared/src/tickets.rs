//! Tickets: what an agent takes on for a customer during a call — a
//! request, a complaint, a service job or an order — with a status and the
//! due time the agent told the customer. A ticket belongs to one customer
//! and names the call (interaction) it came from.
//!
//! Times are RFC 3339 UTC strings. Inputs take `kind` and `status` as text
//! so that a wrong one is answered 422 naming the field, like every other
//! wrong value.

use serde::{Deserialize, Serialize};

/// What a ticket is about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    /// The customer asks for something (information, a change).
    Request,
    Complaint,
    /// A technician's job: a repair, an installation, a visit.
    Service,
    /// Something the customer buys.
    Order,
}

impl TicketKind {
    pub const ALL: [TicketKind; 4] =
        [TicketKind::Request, TicketKind::Complaint, TicketKind::Service, TicketKind::Order];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketKind::Request => "request",
            TicketKind::Complaint => "complaint",
            TicketKind::Service => "service",
            TicketKind::Order => "order",
        }
    }

    pub fn parse(s: &str) -> Option<TicketKind> {
        TicketKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a ticket stands. Open and in progress count as open.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    InProgress,
    Resolved,
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 4] =
        [TicketStatus::Open, TicketStatus::InProgress, TicketStatus::Resolved, TicketStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::Resolved => "resolved",
            TicketStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Still to be done: open or in progress.
    pub fn is_open(self) -> bool {
        matches!(self, TicketStatus::Open | TicketStatus::InProgress)
    }
}

/// One ticket.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: i64,
    pub customer_id: i64,
    /// The gateway's id of the call the ticket came from.
    pub call_id: Option<String>,
    pub kind: TicketKind,
    pub subject: String,
    pub notes: String,
    pub status: TicketStatus,
    /// RFC 3339: when the agent told the customer it would be done.
    pub due_at: Option<String>,
    /// The user who opened it; none once that user is deleted.
    pub created_by: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// A ticket in short, as a list of calls shows the tickets opened on each.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketBrief {
    pub id: i64,
    pub kind: TicketKind,
    pub subject: String,
    pub status: TicketStatus,
    /// RFC 3339: when the agent told the customer it would be done.
    pub due_at: Option<String>,
}

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest notes, in characters.
pub const NOTES_MAX: usize = 4000;

/// The body of `POST /tickets`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub customer_id: i64,
    /// The call it came from (the gateway's call id); it must have a record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// `request`, `complaint`, `service` or `order`.
    #[cfg_attr(feature = "openapi", schema(value_type = TicketKind))]
    pub kind: String,
    /// 1 to [`SUBJECT_MAX`] characters, one line.
    pub subject: String,
    /// At most [`NOTES_MAX`] characters.
    #[serde(default)]
    pub notes: String,
    /// `open` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TicketStatus>))]
    pub status: Option<String>,
    /// RFC 3339, with its offset (`Z` or `+03:30`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
}

/// The body of `PATCH /tickets/{id}`: only the fields present change;
/// `"due_at": null` clears the due time.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TicketKind>))]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<TicketStatus>))]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub due_at: Option<Option<String>>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_round_trip() {
        for k in TicketKind::ALL {
            assert_eq!(TicketKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(TicketKind::parse("Complaint"), None);
        assert!(TicketStatus::InProgress.is_open() && !TicketStatus::Resolved.is_open());
    }

    #[test]
    fn inputs_refuse_unknown_fields_and_tell_null_from_absent() {
        let n: NewTicket = serde_json::from_str(r#"{"customer_id":1,"kind":"order","subject":"S"}"#).unwrap();
        assert_eq!((n.notes.as_str(), n.status, n.call_id), ("", None, None));
        assert!(serde_json::from_str::<NewTicket>(r#"{"customer_id":1,"kind":"order","subject":"S","x":1}"#).is_err());
        let p: TicketPatch = serde_json::from_str(r#"{"due_at":null}"#).unwrap();
        assert_eq!(p.due_at, Some(None));
        let p: TicketPatch = serde_json::from_str(r#"{"status":"closed"}"#).unwrap();
        assert_eq!((p.due_at, p.status.as_deref()), (None, Some("closed")));
        assert!(serde_json::from_str::<TicketPatch>(r#"{"owner":2}"#).is_err());
    }
}
