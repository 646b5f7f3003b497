//! Outbound campaigns: the campaigns with their settings (JSON of
//! `shared::campaign::CampaignSettings`) and status, their contacts with
//! where each stands, the do-not-call lists (global and per campaign) and
//! the dial log. Reached through [`Store::campaigns`].
//!
//! The dialer's driver reads the contacts due ([`Campaigns::dialable`]),
//! writes each decision's effect ([`Campaigns::update_contact`]) and its
//! line in the dial log ([`Campaigns::log`]).

use std::collections::HashSet;

use shared::campaign::{
    AttemptResult, Campaign, CampaignMode, CampaignSettings, CampaignStatus, ContactCounts, ContactResult,
    ContactStatus, DialLogEntry, DncEntry, Outcome,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Cursor, Store, StoreError, is_unique_violation, rfc3339};
use crate::campaign::dialer::{Action, Contact, Decision, Finish, Why};
use crate::campaign::import::ContactRow;
use crate::campaign::settings::result_to_wire;

/// The campaigns, through [`Store::campaigns`].
#[derive(Clone, Copy)]
pub struct Campaigns<'a> {
    store: &'a Store,
}

impl Store {
    pub fn campaigns(&self) -> Campaigns<'_> {
        Campaigns { store: self }
    }
}

/// A campaign's fields as written (already checked).
#[derive(Debug, Clone)]
pub struct CampaignFields<'a> {
    pub name: &'a str,
    pub mode: CampaignMode,
    pub settings: &'a CampaignSettings,
}

/// What one of the dialer's decisions changes about a contact; `None`
/// fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactChange {
    pub status: Option<ContactStatus>,
    pub attempts: Option<u32>,
    /// `Some(None)` clears it.
    pub next_attempt_at: Option<Option<i64>>,
    pub last_attempt_at: Option<i64>,
    pub last_result: Option<AttemptResult>,
    pub outcome: Option<Outcome>,
    pub disposition: Option<String>,
    pub agent_id: Option<i64>,
    pub callback: Option<bool>,
}

/// A contact the dialer may load: pending, with its next attempt's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialableContact {
    pub id: i64,
    pub number: String,
    pub time_zone: Option<String>,
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub callback: bool,
}

/// One line of the dial log, as the driver writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct DialLogRow {
    pub campaign_id: i64,
    pub at: i64,
    pub contact_id: Option<i64>,
    pub attempt: Option<i64>,
    pub agent_id: Option<i64>,
    pub action: String,
    pub reason: String,
    pub free_agents: u32,
    pub ringing: u32,
    pub ratio: f64,
    pub abandon_rate: Option<f64>,
}

impl DialableContact {
    /// The contact as the dialer takes it. A time zone the bundled
    /// database no longer knows falls back to the campaign's.
    pub fn to_contact(&self) -> Contact {
        Contact {
            id: self.id,
            number: self.number.clone(),
            time_zone: self.time_zone.as_deref().and_then(|tz| jiff::tz::TimeZone::get(tz).ok()),
            attempts: self.attempts,
            next_at: self.next_attempt_at,
            callback: self.callback,
        }
    }
}

impl ContactChange {
    /// What a dialer decision changes about its contact, to store as the
    /// driver carries it out; `None` for decisions that change no contact
    /// (the list-dry alert) or whose effect a later decision records (a
    /// drop or a machine is followed by its retry or finish).
    pub fn from_decision(d: &Decision) -> Option<(i64, ContactChange)> {
        let change = match &d.action {
            Action::Dial { contact, agent, .. } => (
                *contact,
                ContactChange {
                    status: Some(ContactStatus::Dialing),
                    last_attempt_at: Some(d.at),
                    agent_id: *agent,
                    ..Default::default()
                },
            ),
            Action::Connect { contact, agent, .. } => (
                *contact,
                ContactChange {
                    status: Some(ContactStatus::Connected),
                    last_result: Some(AttemptResult::Connected),
                    agent_id: Some(*agent),
                    ..Default::default()
                },
            ),
            Action::Retry { contact, at, attempts, result } => (
                *contact,
                ContactChange {
                    status: Some(ContactStatus::Pending),
                    attempts: Some(*attempts),
                    next_attempt_at: Some(Some(*at)),
                    last_result: result.map(result_to_wire),
                    callback: (d.why == Why::CallbackScheduled).then_some(true),
                    ..Default::default()
                },
            ),
            Action::Finish { contact, attempts, finish } => {
                let (outcome, last, disposition) = match finish {
                    Finish::Completed { disposition } => (Outcome::Completed, None, disposition.clone()),
                    Finish::DoNotCall(_) => (Outcome::DoNotCall, None, None),
                    Finish::Exhausted(r) => (Outcome::Exhausted, Some(result_to_wire(*r)), None),
                    Finish::NoRetry(r) => (Outcome::NoRetry, Some(result_to_wire(*r)), None),
                    Finish::NoWindow => (Outcome::NoWindow, None, None),
                };
                (
                    *contact,
                    ContactChange {
                        status: Some(ContactStatus::Done),
                        attempts: Some(*attempts),
                        next_attempt_at: Some(None),
                        last_result: last,
                        outcome: Some(outcome),
                        disposition,
                        ..Default::default()
                    },
                )
            }
            Action::Preview { .. }
            | Action::Drop { .. }
            | Action::HangUp { .. }
            | Action::LeaveMessage { .. }
            | Action::RunFlow { .. }
            | Action::ListDry { .. } => return None,
        };
        Some(change)
    }
}

impl DialLogRow {
    /// The dial log's line for a decision of campaign `campaign_id`.
    pub fn from_decision(campaign_id: i64, d: &Decision) -> DialLogRow {
        let (action, contact, attempt, agent) = match &d.action {
            Action::Dial { attempt, contact, agent, .. } => ("dial", Some(*contact), Some(*attempt), *agent),
            Action::Preview { agent, contact } => ("preview", Some(*contact), None, Some(*agent)),
            Action::Connect { attempt, contact, agent } => ("connect", Some(*contact), Some(*attempt), Some(*agent)),
            Action::Drop { attempt, contact } => ("drop", Some(*contact), Some(*attempt), None),
            Action::HangUp { attempt, contact } => ("hang_up", Some(*contact), Some(*attempt), None),
            Action::LeaveMessage { attempt, contact } => ("leave_message", Some(*contact), Some(*attempt), None),
            Action::RunFlow { attempt, contact } => ("run_flow", Some(*contact), Some(*attempt), None),
            Action::Retry { contact, .. } => ("retry", Some(*contact), None, None),
            Action::Finish { contact, .. } => ("finish", Some(*contact), None, None),
            Action::ListDry { .. } => ("list_dry", None, None, None),
        };
        let reason = match &d.action {
            Action::ListDry { next_due: Some(t) } => format!("{}; the next is due at {}", d.why, rfc3339(*t)),
            Action::ListDry { next_due: None } => format!("{}; the list is used up", d.why),
            _ => d.why.to_string(),
        };
        DialLogRow {
            campaign_id,
            at: d.at,
            contact_id: contact,
            attempt: attempt.map(|a| a as i64),
            agent_id: agent,
            action: action.to_owned(),
            reason,
            free_agents: d.free_agents,
            ringing: d.ringing,
            ratio: d.pacing.ratio,
            abandon_rate: d.pacing.abandon_rate,
        }
    }
}

const COLUMNS: &str = "id, name, mode, status, settings, created_at, updated_at, started_at, stopped_at";
const CONTACT_COLUMNS: &str = "id, number, name, time_zone, fields, status, attempts, next_attempt_at, \
                               last_attempt_at, last_result, outcome, disposition, agent_id";
/// Rows per multi-row INSERT (5 parameters each, well under both engines' limits).
const INSERT_CHUNK: usize = 400;

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {v:?}"))
}

fn campaign(row: &AnyRow, contacts: ContactCounts) -> Result<Campaign, StoreError> {
    let mode: String = row.try_get("mode")?;
    let status: String = row.try_get("status")?;
    let settings: String = row.try_get("settings")?;
    Ok(Campaign {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        mode: CampaignMode::parse(&mode).ok_or_else(|| corrupt("campaign mode", &mode))?,
        status: CampaignStatus::parse(&status).ok_or_else(|| corrupt("campaign status", &status))?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StoreError::Corrupt(format!("campaign settings: {e}")))?,
        contacts,
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
        started_at: row.try_get::<Option<i64>, _>("started_at")?.map(rfc3339),
        stopped_at: row.try_get::<Option<i64>, _>("stopped_at")?.map(rfc3339),
    })
}

fn contact(row: &AnyRow) -> Result<ContactResult, StoreError> {
    let status: String = row.try_get("status")?;
    let fields: String = row.try_get("fields")?;
    let last_result: Option<String> = row.try_get("last_result")?;
    let outcome: Option<String> = row.try_get("outcome")?;
    Ok(ContactResult {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        name: row.try_get("name")?,
        time_zone: row.try_get("time_zone")?,
        fields: serde_json::from_str(&fields).map_err(|e| StoreError::Corrupt(format!("contact fields: {e}")))?,
        status: ContactStatus::parse(&status).ok_or_else(|| corrupt("contact status", &status))?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(0),
        next_attempt_at: row.try_get::<Option<i64>, _>("next_attempt_at")?.map(rfc3339),
        last_attempt_at: row.try_get::<Option<i64>, _>("last_attempt_at")?.map(rfc3339),
        last_result: last_result
            .map(|r| AttemptResult::parse(&r).ok_or_else(|| corrupt("attempt result", &r)))
            .transpose()?,
        outcome: outcome.map(|o| Outcome::parse(&o).ok_or_else(|| corrupt("outcome", &o))).transpose()?,
        disposition: row.try_get("disposition")?,
        agent_id: row.try_get("agent_id")?,
    })
}

impl Campaigns<'_> {
    /// Creates a campaign in `draft`. `Conflict` when the name is taken.
    pub async fn create(&self, f: &CampaignFields<'_>, by: i64, now_ms: i64) -> Result<Campaign, StoreError> {
        let r = sqlx::query(
            "INSERT INTO campaigns (name, mode, status, settings, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'draft', $3, $4, $5, $5) RETURNING id",
        )
        .bind(f.name)
        .bind(f.mode.as_str())
        .bind(settings_json(f.settings))
        .bind(by)
        .bind(now_ms)
        .fetch_one(&self.store.pool)
        .await;
        let id: i64 = match r {
            Ok(row) => row.try_get("id")?,
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Conflict("a campaign with this name")),
            Err(e) => return Err(e.into()),
        };
        self.by_id(id).await?.ok_or_else(|| StoreError::Corrupt(format!("campaign {id} vanished")))
    }

    /// Replaces name, mode and settings. `None` when there is no such campaign.
    pub async fn update(&self, id: i64, f: &CampaignFields<'_>, now_ms: i64) -> Result<Option<Campaign>, StoreError> {
        let r = sqlx::query("UPDATE campaigns SET name = $1, mode = $2, settings = $3, updated_at = $4 WHERE id = $5")
            .bind(f.name)
            .bind(f.mode.as_str())
            .bind(settings_json(f.settings))
            .bind(now_ms)
            .bind(id)
            .execute(&self.store.pool)
            .await;
        match r {
            Ok(r) if r.rows_affected() == 0 => Ok(None),
            Ok(_) => self.by_id(id).await,
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("a campaign with this name")),
            Err(e) => Err(e.into()),
        }
    }

    /// Moves a campaign to `status` if it is in one of `from`; the first
    /// start and the stop are timed. `Ok(false)` when it was in none of them.
    pub async fn set_status(
        &self,
        id: i64,
        from: &[CampaignStatus],
        status: CampaignStatus,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let marks: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 5)).collect();
        let sql = format!(
            "UPDATE campaigns SET status = $1, updated_at = $2, \
             started_at = CASE WHEN $1 = 'running' AND started_at IS NULL THEN $2 ELSE started_at END, \
             stopped_at = CASE WHEN $1 = 'stopped' THEN $3 ELSE stopped_at END \
             WHERE id = $4 AND status IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(status.as_str()).bind(now_ms).bind(now_ms).bind(id);
        for s in from {
            q = q.bind(s.as_str());
        }
        Ok(q.execute(&self.store.pool).await?.rows_affected() == 1)
    }

    pub async fn by_id(&self, id: i64) -> Result<Option<Campaign>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM campaigns WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.store.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(campaign(&row, self.counts(id).await?)?)),
            None => Ok(None),
        }
    }

    /// Every campaign, newest first.
    pub async fn list(&self) -> Result<Vec<Campaign>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM campaigns ORDER BY created_at DESC, id DESC"))
            .fetch_all(&self.store.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(campaign(row, self.counts(row.try_get("id")?).await?)?);
        }
        Ok(out)
    }

    /// Contacts by status.
    pub async fn counts(&self, id: i64) -> Result<ContactCounts, StoreError> {
        let mut c = ContactCounts::default();
        for (status, n) in self.grouped(id, "status", "1 = 1").await? {
            c.total += n;
            match ContactStatus::parse(&status) {
                Some(ContactStatus::Pending) => c.pending = n,
                Some(ContactStatus::Dialing) => c.dialing = n,
                Some(ContactStatus::Connected) => c.connected = n,
                Some(ContactStatus::Done) => c.done = n,
                None => return Err(corrupt("contact status", &status)),
            }
        }
        Ok(c)
    }

    /// Done contacts by outcome, and completed ones by disposition.
    pub async fn tallies(&self, id: i64) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>), StoreError> {
        let outcomes = self.grouped(id, "outcome", "outcome IS NOT NULL").await?;
        let dispositions = self.grouped(id, "disposition", "disposition IS NOT NULL").await?;
        Ok((outcomes, dispositions))
    }

    /// (value, count) of a contact column; `column` and `filter` are ours,
    /// never input.
    async fn grouped(&self, id: i64, column: &str, filter: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {column} AS v, COUNT(*) AS n FROM campaign_contacts WHERE campaign_id = $1 AND {filter} \
             GROUP BY {column} ORDER BY {column}"
        ))
        .bind(id)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("v")?, r.try_get("n")?))).collect()
    }

    /// The numbers a campaign already lists (an import's duplicates).
    pub async fn numbers(&self, id: i64) -> Result<HashSet<String>, StoreError> {
        let rows = sqlx::query("SELECT number FROM campaign_contacts WHERE campaign_id = $1")
            .bind(id)
            .fetch_all(&self.store.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("number")?)).collect()
    }

    /// Adds imported rows as pending contacts due at `now_ms`, in one
    /// transaction; numbers already listed are skipped. Returns how many
    /// were added.
    pub async fn add_contacts(&self, id: i64, rows: &[ContactRow], now_ms: i64) -> Result<u64, StoreError> {
        let mut tx = self.store.pool.begin().await?;
        let mut added = 0;
        for chunk in rows.chunks(INSERT_CHUNK) {
            // The campaign and the time are our integers, written in;
            // each row binds its own five values in order.
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p: Vec<String> = (1..=5).map(|k| format!("${}", i * 5 + k)).collect();
                    format!("({id}, {}, 'pending', {now_ms}, {now_ms}, {now_ms})", p.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO campaign_contacts (campaign_id, number, name, time_zone, fields, source_line, status, \
                 next_attempt_at, created_at, updated_at) VALUES {} ON CONFLICT (campaign_id, number) DO NOTHING",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                let fields = serde_json::to_string(&r.fields).expect("pairs of strings serialize");
                q = q
                    .bind(r.number.as_str())
                    .bind(r.name.as_deref())
                    .bind(r.time_zone.as_deref())
                    .bind(fields)
                    .bind(r.line as i64);
            }
            added += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    /// A page of a campaign's contacts in id order, after `cursor`.
    pub async fn contacts(
        &self,
        id: i64,
        cursor: Option<Cursor>,
        limit: i64,
    ) -> Result<(Vec<ContactResult>, Option<Cursor>), StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM campaign_contacts WHERE campaign_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ))
        .bind(id)
        .bind(cursor.map_or(0, |c| c.id))
        .bind(limit + 1)
        .fetch_all(&self.store.pool)
        .await?;
        let items = rows.iter().map(contact).collect::<Result<Vec<_>, _>>()?;
        Ok(split_page(items, limit, |c| c.id))
    }

    pub async fn contact(&self, campaign_id: i64, id: i64) -> Result<Option<ContactResult>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {CONTACT_COLUMNS} FROM campaign_contacts WHERE campaign_id = $1 AND id = $2"))
                .bind(campaign_id)
                .bind(id)
                .fetch_optional(&self.store.pool)
                .await?;
        row.as_ref().map(contact).transpose()
    }

    /// Pending contacts, the earliest due first, at most `limit`: what the
    /// dialer loads.
    pub async fn dialable(&self, id: i64, limit: i64) -> Result<Vec<DialableContact>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, number, time_zone, attempts, next_attempt_at, callback FROM campaign_contacts \
             WHERE campaign_id = $1 AND status = 'pending' ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DialableContact {
                    id: r.try_get("id")?,
                    number: r.try_get("number")?,
                    time_zone: r.try_get("time_zone")?,
                    attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(0),
                    next_attempt_at: r.try_get::<Option<i64>, _>("next_attempt_at")?.unwrap_or(0),
                    callback: r.try_get::<i64, _>("callback")? != 0,
                })
            })
            .collect()
    }

    /// Contacts left dialing or connected (a gateway stopped mid-call) are
    /// pending again, due at `now_ms`. Returns how many.
    pub async fn reset_interrupted(&self, id: i64, now_ms: i64) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "UPDATE campaign_contacts SET status = 'pending', next_attempt_at = $1, updated_at = $1 \
             WHERE campaign_id = $2 AND status IN ('dialing', 'connected')",
        )
        .bind(now_ms)
        .bind(id)
        .execute(&self.store.pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// Applies one decision's effect on a contact. `false` when there is
    /// no such contact.
    pub async fn update_contact(&self, id: i64, c: &ContactChange, now_ms: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE campaign_contacts SET status = COALESCE($1, status), attempts = COALESCE($2, attempts), \
             next_attempt_at = CASE WHEN $3 = 1 THEN $4 ELSE next_attempt_at END, \
             last_attempt_at = COALESCE($5, last_attempt_at), last_result = COALESCE($6, last_result), \
             outcome = COALESCE($7, outcome), disposition = COALESCE($8, disposition), \
             agent_id = COALESCE($9, agent_id), callback = COALESCE($10, callback), updated_at = $11 WHERE id = $12",
        )
        .bind(c.status.map(ContactStatus::as_str))
        .bind(c.attempts.map(i64::from))
        .bind(i64::from(c.next_attempt_at.is_some()))
        .bind(c.next_attempt_at.flatten())
        .bind(c.last_attempt_at)
        .bind(c.last_result.map(AttemptResult::as_str))
        .bind(c.outcome.map(Outcome::as_str))
        .bind(c.disposition.as_deref())
        .bind(c.agent_id)
        .bind(c.callback.map(i64::from))
        .bind(now_ms)
        .bind(id)
        .execute(&self.store.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Puts a number on the global list (`campaign: None`) or a campaign's.
    /// `false` when it was already there.
    pub async fn dnc_add(&self, campaign: Option<i64>, number: &str, by: i64, now_ms: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "INSERT INTO campaign_dnc (campaign_id, number, added_by, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(campaign)
        .bind(number)
        .bind(by)
        .bind(now_ms)
        .execute(&self.store.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// `false` when the number was not on that list.
    pub async fn dnc_remove(&self, campaign: Option<i64>, number: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM campaign_dnc WHERE COALESCE(campaign_id, 0) = $1 AND number = $2")
            .bind(campaign.unwrap_or(0))
            .bind(number)
            .execute(&self.store.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// One list, newest first.
    pub async fn dnc_list(&self, campaign: Option<i64>) -> Result<Vec<DncEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT campaign_id, number, added_by, added_at FROM campaign_dnc WHERE COALESCE(campaign_id, 0) = $1 \
             ORDER BY added_at DESC, id DESC",
        )
        .bind(campaign.unwrap_or(0))
        .fetch_all(&self.store.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DncEntry {
                    number: r.try_get("number")?,
                    campaign_id: r.try_get("campaign_id")?,
                    added_at: rfc3339(r.try_get("added_at")?),
                    added_by: r.try_get("added_by")?,
                })
            })
            .collect()
    }

    /// Writes one decision to the dial log.
    pub async fn log(&self, e: &DialLogRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO campaign_dial_log (campaign_id, at, contact_id, attempt, agent_id, action, reason, \
             free_agents, ringing, ratio_x100, abandon_bp) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(e.campaign_id)
        .bind(e.at)
        .bind(e.contact_id)
        .bind(e.attempt)
        .bind(e.agent_id)
        .bind(&e.action)
        .bind(&e.reason)
        .bind(i64::from(e.free_agents))
        .bind(i64::from(e.ringing))
        .bind((e.ratio * 100.0).round() as i64)
        .bind(e.abandon_rate.map(|r| (r * 10_000.0).round() as i64))
        .execute(&self.store.pool)
        .await?;
        Ok(())
    }

    /// A page of the dial log, newest first, before `cursor`.
    pub async fn log_page(
        &self,
        id: i64,
        cursor: Option<Cursor>,
        limit: i64,
    ) -> Result<(Vec<DialLogEntry>, Option<Cursor>), StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, contact_id, attempt, agent_id, action, reason, free_agents, ringing, ratio_x100, \
             abandon_bp FROM campaign_dial_log WHERE campaign_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(id)
        .bind(cursor.map_or(i64::MAX, |c| c.id))
        .bind(limit + 1)
        .fetch_all(&self.store.pool)
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(DialLogEntry {
                    id: r.try_get("id")?,
                    at: rfc3339(r.try_get("at")?),
                    contact_id: r.try_get("contact_id")?,
                    attempt: r.try_get("attempt")?,
                    agent_id: r.try_get("agent_id")?,
                    action: r.try_get("action")?,
                    reason: r.try_get("reason")?,
                    free_agents: r.try_get("free_agents")?,
                    ringing: r.try_get("ringing")?,
                    ratio: r.try_get::<i64, _>("ratio_x100")? as f64 / 100.0,
                    abandon_percent: r.try_get::<Option<i64>, _>("abandon_bp")?.map(|b| b as f64 / 100.0),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(split_page(items, limit, |e| e.id))
    }
}

/// A page of at most `limit` from `limit + 1` rows read, and the cursor
/// after its last row when there was one more.
fn split_page<T>(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<Cursor>) {
    if items.len() as i64 <= limit {
        return (items, None);
    }
    items.truncate(limit as usize);
    let next = items.last().map(|last| Cursor { at: 0, id: id(last) });
    (items, next)
}

fn settings_json(s: &CampaignSettings) -> String {
    serde_json::to_string(s).expect("campaign settings always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::pacer::PacingFigures;
    use crate::campaign::rules::AttemptResult as Core;

    fn decision(action: Action, why: Why) -> Decision {
        let pacing = PacingFigures { ratio: 1.5, abandon_rate: Some(0.02), answer_rate: 0.3, braking: false };
        Decision { at: 1_000, action, why, free_agents: 2, ringing: 3, pacing }
    }

    #[test]
    fn decisions_become_contact_changes_and_log_lines() {
        let d = decision(
            Action::Dial { attempt: 9, contact: 4, number: "+441".into(), agent: Some(7) },
            Why::AgentFree { agent: 7 },
        );
        let (id, c) = ContactChange::from_decision(&d).unwrap();
        assert_eq!(
            (id, c.status, c.last_attempt_at, c.agent_id),
            (4, Some(ContactStatus::Dialing), Some(1_000), Some(7))
        );
        let log = DialLogRow::from_decision(3, &d);
        assert_eq!(
            (log.action.as_str(), log.contact_id, log.attempt, log.agent_id),
            ("dial", Some(4), Some(9), Some(7))
        );
        assert_eq!((log.reason.as_str(), log.free_agents, log.ringing), ("agent 7 free and the contact due", 2, 3));
        assert!(!format!("{log:?}").contains("+441"), "the log line never holds the number");

        let d = decision(
            Action::Retry { contact: 4, at: 9_000, attempts: 1, result: Some(Core::Busy) },
            Why::AttemptEnded(Core::Busy),
        );
        let (_, c) = ContactChange::from_decision(&d).unwrap();
        assert_eq!(
            (c.next_attempt_at, c.last_result, c.callback),
            (Some(Some(9_000)), Some(AttemptResult::Busy), None)
        );
        let d = decision(
            Action::Retry { contact: 4, at: 9_000, attempts: 1, result: Some(Core::Connected) },
            Why::CallbackScheduled,
        );
        assert_eq!(ContactChange::from_decision(&d).unwrap().1.callback, Some(true));

        let finish = Finish::Completed { disposition: Some("sale".into()) };
        let d = decision(Action::Finish { contact: 4, attempts: 2, finish }, Why::Disposition);
        let (_, c) = ContactChange::from_decision(&d).unwrap();
        assert_eq!(
            (c.outcome, c.disposition.as_deref(), c.status),
            (Some(Outcome::Completed), Some("sale"), Some(ContactStatus::Done))
        );
        let d = decision(
            Action::Finish { contact: 4, attempts: 3, finish: Finish::Exhausted(Core::NoAnswer) },
            Why::AttemptEnded(Core::NoAnswer),
        );
        let (_, c) = ContactChange::from_decision(&d).unwrap();
        assert_eq!(
            (c.outcome, c.last_result, c.attempts),
            (Some(Outcome::Exhausted), Some(AttemptResult::NoAnswer), Some(3))
        );

        let d = decision(Action::ListDry { next_due: Some(0) }, Why::NothingDue);
        assert_eq!(ContactChange::from_decision(&d), None);
        let log = DialLogRow::from_decision(3, &d);
        assert_eq!(log.reason, "room to dial and no contact due; the next is due at 1970-01-01T00:00:00Z");
        assert_eq!((log.ratio, log.abandon_rate), (1.5, Some(0.02)));

        let c = DialableContact {
            id: 1,
            number: "+441".into(),
            time_zone: Some("Nowhere/Land".into()),
            attempts: 1,
            next_attempt_at: 5,
            callback: true,
        };
        let contact = c.to_contact();
        assert_eq!((contact.time_zone.is_none(), contact.next_at, contact.callback), (true, 5, true));
    }
}
