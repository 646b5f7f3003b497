//! Tickets: a customer's requests, complaints, service jobs and orders,
//! each with a status and the due time the agent told the customer, and
//! the call it came from. Reached through [`Store::tickets`].
//!
//! What the APIs receive is checked here ([`TicketFields::from_new`],
//! [`TicketChanges::from_patch`]); errors name the field, never its value.

use shared::routing::ConfigError;
use shared::tickets::{NOTES_MAX, NewTicket, SUBJECT_MAX, Ticket, TicketKind, TicketPatch, TicketStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, rfc3339};

/// Longest call id a ticket names; the gateway's are far shorter.
const CALL_ID_MAX: usize = 256;

fn bad(key: &str, reason: &str) -> ConfigError {
    ConfigError { key: key.to_owned(), reason: reason.to_owned() }
}

/// A new ticket's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFields {
    pub customer_id: i64,
    pub call_id: Option<String>,
    pub kind: TicketKind,
    pub subject: String,
    pub notes: String,
    pub status: TicketStatus,
    /// Unix ms.
    pub due_at: Option<i64>,
}

/// What a patch changes, checked. `None`: unchanged; `due_at: Some(None)`
/// clears the due time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketChanges {
    pub kind: Option<TicketKind>,
    pub subject: Option<String>,
    pub notes: Option<String>,
    pub status: Option<TicketStatus>,
    pub due_at: Option<Option<i64>>,
}

impl TicketChanges {
    pub fn is_empty(&self) -> bool {
        *self == TicketChanges::default()
    }
}

fn kind(s: &str) -> Result<TicketKind, ConfigError> {
    TicketKind::parse(s).ok_or_else(|| bad("kind", "must be one of request, complaint, service, order"))
}

fn status(s: &str) -> Result<TicketStatus, ConfigError> {
    TicketStatus::parse(s).ok_or_else(|| bad("status", "must be one of open, in_progress, resolved, closed"))
}

/// One line of 1 to [`SUBJECT_MAX`] characters, trimmed.
fn subject(s: &str) -> Result<String, ConfigError> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > SUBJECT_MAX || s.chars().any(char::is_control) {
        return Err(bad("subject", "must be 1 to 200 characters on one line"));
    }
    Ok(s.to_owned())
}

/// At most [`NOTES_MAX`] characters; line breaks and tabs are the only
/// control characters allowed.
fn notes(s: &str) -> Result<String, ConfigError> {
    if s.chars().count() > NOTES_MAX || s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(bad("notes", "must be at most 4000 characters, without control characters"));
    }
    Ok(s.to_owned())
}

/// Unix ms of an RFC 3339 time between the years 2000 and 9999.
fn due_at(s: &str) -> Result<i64, ConfigError> {
    let reason = "must be an RFC 3339 time with its offset, e.g. 2025-03-01T14:30:00+03:30";
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| bad("due_at", reason))?;
    if !(2000..=9999).contains(&t.year()) {
        return Err(bad("due_at", "must be between the years 2000 and 9999"));
    }
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

impl TicketFields {
    /// Checks a `POST` body (all but whether the customer and the call
    /// exist, which the store knows).
    pub fn from_new(n: &NewTicket) -> Result<TicketFields, ConfigError> {
        let call_id = n.call_id.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = call_id
            && (c.len() > CALL_ID_MAX || c.chars().any(char::is_control))
        {
            return Err(bad("call_id", "is not a call id"));
        }
        Ok(TicketFields {
            customer_id: n.customer_id,
            call_id: call_id.map(str::to_owned),
            kind: kind(&n.kind)?,
            subject: subject(&n.subject)?,
            notes: notes(&n.notes)?,
            status: n.status.as_deref().map(status).transpose()?.unwrap_or(TicketStatus::Open),
            due_at: n.due_at.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(due_at).transpose()?,
        })
    }
}

impl TicketChanges {
    /// Checks a `PATCH` body. A blank `due_at` clears it, like `null`.
    pub fn from_patch(p: &TicketPatch) -> Result<TicketChanges, ConfigError> {
        Ok(TicketChanges {
            kind: p.kind.as_deref().map(kind).transpose()?,
            subject: p.subject.as_deref().map(subject).transpose()?,
            notes: p.notes.as_deref().map(notes).transpose()?,
            status: p.status.as_deref().map(status).transpose()?,
            due_at: match &p.due_at {
                None => None,
                Some(None) => Some(None),
                Some(Some(d)) if d.trim().is_empty() => Some(None),
                Some(Some(d)) => Some(Some(due_at(d)?)),
            },
        })
    }
}

/// The tickets, through [`Store::tickets`].
#[derive(Clone, Copy)]
pub struct Tickets<'a> {
    store: &'a Store,
}

impl Store {
    pub fn tickets(&self) -> Tickets<'_> {
        Tickets { store: self }
    }
}

const COLUMNS: &str =
    "id, customer_id, call_id, kind, subject, notes, status, due_at, created_by, created_at, updated_at";

fn ticket(row: &AnyRow) -> Result<Ticket, StoreError> {
    let k: String = row.try_get("kind")?;
    let s: String = row.try_get("status")?;
    Ok(Ticket {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        call_id: row.try_get("call_id")?,
        kind: TicketKind::parse(&k).ok_or_else(|| StoreError::Corrupt(format!("ticket kind {k:?}")))?,
        subject: row.try_get("subject")?,
        notes: row.try_get("notes")?,
        status: TicketStatus::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("ticket status {s:?}")))?,
        due_at: row.try_get::<Option<i64>, _>("due_at")?.map(rfc3339),
        created_by: row.try_get("created_by")?,
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}

impl Tickets<'_> {
    /// Opens a ticket by `created_by`. The customer (and the call, when
    /// named) must exist: the caller checks, the foreign key holds.
    pub async fn create(&self, f: &TicketFields, created_by: i64, now_ms: i64) -> Result<Ticket, StoreError> {
        let row = sqlx::query(
            "INSERT INTO tickets (customer_id, call_id, kind, subject, notes, status, due_at, created_by, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(f.customer_id)
        .bind(f.call_id.as_deref())
        .bind(f.kind.as_str())
        .bind(&f.subject)
        .bind(&f.notes)
        .bind(f.status.as_str())
        .bind(f.due_at)
        .bind(created_by)
        .bind(now_ms)
        .fetch_one(&self.store.pool)
        .await?;
        let id: i64 = row.try_get("id")?;
        self.by_id(id).await?.ok_or_else(|| StoreError::Corrupt(format!("ticket {id} vanished")))
    }

    pub async fn by_id(&self, id: i64) -> Result<Option<Ticket>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tickets WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.store.pool)
            .await?;
        row.as_ref().map(ticket).transpose()
    }

    /// A customer's tickets, newest first, at most `limit`; only those in
    /// `statuses` unless it is empty.
    pub async fn for_customer(
        &self,
        customer_id: i64,
        statuses: &[TicketStatus],
        limit: i64,
    ) -> Result<Vec<Ticket>, StoreError> {
        let marks: Vec<String> = (0..statuses.len()).map(|i| format!("${}", i + 2)).collect();
        let filter = if statuses.is_empty() { String::new() } else { format!(" AND status IN ({})", marks.join(", ")) };
        let sql = format!(
            "SELECT {COLUMNS} FROM tickets WHERE customer_id = $1{filter} ORDER BY created_at DESC, id DESC LIMIT ${}",
            statuses.len() + 2
        );
        let mut q = sqlx::query(&sql).bind(customer_id);
        for s in statuses {
            q = q.bind(s.as_str());
        }
        let rows = q.bind(limit).fetch_all(&self.store.pool).await?;
        rows.iter().map(ticket).collect()
    }

    /// Applies `c` in one statement (fields it leaves alone keep what
    /// another writer set meanwhile). `None` when there is no such ticket.
    pub async fn update(&self, id: i64, c: &TicketChanges, now_ms: i64) -> Result<Option<Ticket>, StoreError> {
        let r = sqlx::query(
            "UPDATE tickets SET kind = COALESCE($1, kind), subject = COALESCE($2, subject), \
             notes = COALESCE($3, notes), status = COALESCE($4, status), \
             due_at = CASE WHEN $5 = 1 THEN $6 ELSE due_at END, updated_at = $7 WHERE id = $8",
        )
        .bind(c.kind.map(TicketKind::as_str))
        .bind(c.subject.as_deref())
        .bind(c.notes.as_deref())
        .bind(c.status.map(TicketStatus::as_str))
        .bind(i64::from(c.due_at.is_some()))
        .bind(c.due_at.flatten())
        .bind(now_ms)
        .bind(id)
        .execute(&self.store.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Ok(None);
        }
        self.by_id(id).await
    }

    /// Whether a call has an interaction record (a ticket may name it).
    pub async fn call_exists(&self, call_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 AS one FROM interactions WHERE call_id = $1")
            .bind(call_id)
            .fetch_optional(&self.store.pool)
            .await?;
        Ok(row.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(kind: &str, subject: &str) -> NewTicket {
        NewTicket {
            customer_id: 1,
            call_id: None,
            kind: kind.into(),
            subject: subject.into(),
            notes: String::new(),
            status: None,
            due_at: None,
        }
    }

    fn key(r: Result<impl std::fmt::Debug, ConfigError>) -> String {
        r.expect_err("refused").key
    }

    #[test]
    fn new_tickets_are_checked_and_normalised() {
        let f = TicketFields::from_new(&NewTicket {
            due_at: Some("2025-03-01T14:30:00+03:30".into()),
            call_id: Some("  ".into()),
            ..new("order", "  Router  ")
        })
        .unwrap();
        assert_eq!((f.kind, f.status, f.subject.as_str()), (TicketKind::Order, TicketStatus::Open, "Router"));
        assert_eq!(f.due_at, Some(1_740_826_800_000));
        assert_eq!(f.call_id, None, "a blank call id is none");
        assert_eq!(key(TicketFields::from_new(&new("wish", "S"))), "kind");
        assert_eq!(key(TicketFields::from_new(&new("order", " "))), "subject");
        assert_eq!(key(TicketFields::from_new(&new("order", "a\nb"))), "subject");
        assert_eq!(key(TicketFields::from_new(&new("order", &"x".repeat(201)))), "subject");
        let n = NewTicket { notes: "x".repeat(4001), ..new("order", "S") };
        assert_eq!(key(TicketFields::from_new(&n)), "notes");
        let n = NewTicket { status: Some("done".into()), ..new("order", "S") };
        assert_eq!(key(TicketFields::from_new(&n)), "status");
        for d in ["tomorrow", "2025-03-01 14:30", "2025-03-01T14:30:00", "1970-01-01T00:00:00Z"] {
            let n = NewTicket { due_at: Some(d.into()), ..new("order", "S") };
            assert_eq!(key(TicketFields::from_new(&n)), "due_at", "{d}");
        }
        let n = NewTicket { call_id: Some("x".repeat(300)), ..new("order", "S") };
        assert_eq!(key(TicketFields::from_new(&n)), "call_id");
    }

    #[test]
    fn patches_change_only_what_they_name() {
        assert!(TicketChanges::from_patch(&TicketPatch::default()).unwrap().is_empty());
        let p = TicketPatch { status: Some("in_progress".into()), due_at: Some(None), ..Default::default() };
        let c = TicketChanges::from_patch(&p).unwrap();
        assert_eq!((c.status, c.due_at, c.kind), (Some(TicketStatus::InProgress), Some(None), None));
        let p = TicketPatch { due_at: Some(Some("".into())), ..Default::default() };
        assert_eq!(TicketChanges::from_patch(&p).unwrap().due_at, Some(None));
        let p = TicketPatch { subject: Some("".into()), ..Default::default() };
        assert_eq!(key(TicketChanges::from_patch(&p)), "subject");
        let p = TicketPatch { status: Some("OPEN".into()), ..Default::default() };
        assert_eq!(key(TicketChanges::from_patch(&p)), "status");
    }
}
