//! Voicemails: the audio (a WAV file under `media.voicemail_dir`) and its
//! record — whose mailbox (a queue's, a dialed number's, an agent's), who
//! called, when — with a follow-up status and the user assigned to it.

use shared::records::{MailboxKind, Voicemail, VoicemailPage, VoicemailPatch, VoicemailStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::interactions::{Cursor, Sets, Val, page};
use super::{Store, StoreError, rfc3339};

/// A voicemail just recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVoicemail {
    pub mailbox_kind: MailboxKind,
    /// The queue's code, the dialed number (E.164) or the agent's user id.
    pub mailbox: String,
    pub call_id: Option<String>,
    pub caller: Option<String>,
    pub customer_id: Option<i64>,
    pub received_at: i64,
    pub duration_ms: i64,
    /// The WAV file, relative to `media.voicemail_dir`.
    pub file: String,
}

/// A stored voicemail: what clients see, and where its audio is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoicemailRow {
    pub voicemail: Voicemail,
    /// Relative to `media.voicemail_dir`; never sent to clients.
    pub file: String,
}

impl VoicemailRow {
    /// Whether it is in a user's inbox, which is what an agent may see:
    /// assigned to them; in their own mailbox; or, while nobody is
    /// assigned, in the mailbox of a queue they serve (`queues`: the codes).
    pub fn in_inbox_of(&self, user_id: i64, queues: &[String]) -> bool {
        let v = &self.voicemail;
        v.assigned_to == Some(user_id)
            || (v.mailbox_kind == MailboxKind::Agent && v.mailbox == user_id.to_string())
            || (v.assigned_to.is_none() && v.mailbox_kind == MailboxKind::Queue && queues.contains(&v.mailbox))
    }
}

/// Which voicemails [`Store::voicemails`] lists. Empty fields match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoicemailFilter {
    pub status: Option<VoicemailStatus>,
    pub mailbox_kind: Option<MailboxKind>,
    pub mailbox: Option<String>,
    pub assigned_to: Option<i64>,
    /// Only those in this user's inbox (see [`VoicemailRow::in_inbox_of`]).
    pub inbox_of: Option<i64>,
}

const COLUMNS: &str = "id, mailbox_kind, mailbox, call_id, caller, customer_id, received_at, duration_ms, file, \
     status, assigned_to, notes, updated_at";

fn from_row(row: &AnyRow) -> Result<VoicemailRow, StoreError> {
    Ok(VoicemailRow { voicemail: voicemail(row)?, file: row.try_get("file")? })
}

fn voicemail(row: &AnyRow) -> Result<Voicemail, StoreError> {
    let kind: String = row.try_get("mailbox_kind")?;
    let status: String = row.try_get("status")?;
    Ok(Voicemail {
        id: row.try_get("id")?,
        mailbox_kind: MailboxKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("mailbox {kind:?}")))?,
        mailbox: row.try_get("mailbox")?,
        call_id: row.try_get("call_id")?,
        caller: row.try_get("caller")?,
        customer_id: row.try_get("customer_id")?,
        received_at: rfc3339(row.try_get("received_at")?),
        duration_ms: row.try_get("duration_ms")?,
        status: VoicemailStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("voicemail status {status:?}")))?,
        assigned_to: row.try_get("assigned_to")?,
        notes: row.try_get("notes")?,
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}

impl Store {
    /// Keeps a new voicemail, status `new`. Returns its id.
    pub async fn voicemail_create(&self, v: &NewVoicemail, now_ms: i64) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO voicemails (mailbox_kind, mailbox, call_id, caller, customer_id, received_at, duration_ms, \
             file, status, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9) RETURNING id",
        )
        .bind(v.mailbox_kind.as_str())
        .bind(&v.mailbox)
        .bind(v.call_id.as_deref())
        .bind(v.caller.as_deref())
        .bind(v.customer_id)
        .bind(v.received_at)
        .bind(v.duration_ms)
        .bind(&v.file)
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("id")?)
    }

    pub async fn voicemail(&self, id: i64) -> Result<Option<VoicemailRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM voicemails WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Voicemails matching `f`, newest first, `limit` at most, after
    /// `cursor`; the page's `next_cursor` is set when more may follow.
    pub async fn voicemails(
        &self,
        f: &VoicemailFilter,
        cursor: Option<Cursor>,
        limit: i64,
    ) -> Result<VoicemailPage, StoreError> {
        let mut w = Sets::default();
        w.clauses.push("1 = 1".to_owned());
        w.cond("status = ?", f.status.map(|s| Val::Text(Some(s.as_str().to_owned()))));
        w.cond("mailbox_kind = ?", f.mailbox_kind.map(|s| Val::Text(Some(s.as_str().to_owned()))));
        w.cond("mailbox = ?", f.mailbox.clone().map(|s| Val::Text(Some(s))));
        w.cond("assigned_to = ?", f.assigned_to.map(|v| Val::Int(Some(v))));
        if let Some(user) = f.inbox_of {
            let (a, b) = (w.next(), w.next() + 1);
            w.clauses.push(format!(
                "(assigned_to = ${a} OR (mailbox_kind = 'agent' AND mailbox = ${b}) OR (assigned_to IS NULL AND \
                 mailbox_kind = 'queue' AND mailbox IN (SELECT q.code FROM queues q JOIN queue_agents qa \
                 ON qa.queue_id = q.id WHERE qa.user_id = ${a})))"
            ));
            w.vals.push(Val::Int(Some(user)));
            w.vals.push(Val::Text(Some(user.to_string())));
        }
        w.page("received_at", cursor);
        let sql = format!(
            "SELECT {COLUMNS} FROM voicemails WHERE {} ORDER BY received_at DESC, id DESC LIMIT ${}",
            w.clauses.join(" AND "),
            w.next()
        );
        w.vals.push(Val::Int(Some(limit + 1)));
        let rows = w.query(&sql).fetch_all(&self.pool).await?;
        let (items, next_cursor) = page(&rows, limit, "received_at", voicemail)?;
        Ok(VoicemailPage { items, next_cursor })
    }

    /// Changes what `p` sets. Without an explicit status, assigning a `new`
    /// voicemail makes it `assigned`, and unassigning an `assigned` one
    /// makes it `new`. Returns the voicemail as it is now, `None` if there
    /// is none.
    pub async fn voicemail_update(
        &self,
        id: i64,
        p: &VoicemailPatch,
        now_ms: i64,
    ) -> Result<Option<VoicemailRow>, StoreError> {
        let Some(current) = self.voicemail(id).await? else { return Ok(None) };
        let status = p.status.or(match (p.assigned_to, current.voicemail.status) {
            (Some(Some(_)), VoicemailStatus::New) => Some(VoicemailStatus::Assigned),
            (Some(None), VoicemailStatus::Assigned) => Some(VoicemailStatus::New),
            _ => None,
        });
        let mut s = Sets::default();
        s.text("status", status.map(|s| s.as_str()));
        if let Some(a) = p.assigned_to {
            s.clauses.push(format!("assigned_to = ${}", s.next()));
            s.vals.push(Val::Int(a));
        }
        if let Some(n) = &p.notes {
            s.clauses.push(format!("notes = ${}", s.next()));
            s.vals.push(Val::Text(n.clone()));
        }
        s.int("updated_at", Some(now_ms));
        let sql = format!("UPDATE voicemails SET {} WHERE id = ${}", s.clauses.join(", "), s.next());
        s.vals.push(Val::Int(Some(id)));
        s.query(&sql).execute(&self.pool).await?;
        self.voicemail(id).await
    }
}
