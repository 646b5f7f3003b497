//! Interaction records: one per call, keyed by the gateway's call id, with
//! its legs and its timeline of events.
//!
//! Made for an event-driven writer (call control, the routing engine, the
//! IVR): [`Store::interaction_start`] when the call appears, then
//! [`Store::interaction_update`] with only the fields that changed,
//! [`Store::interaction_leg_start`] / [`Store::interaction_leg_update`] as
//! legs come and go, and [`Store::interaction_event`] for every state change.
//! Every call gets a record, also those that end in the IVR or abandon in a
//! queue: the writer starts it before anything else happens to the call.
//!
//! Rows of `interactions` written before calls had records (no `call_id`,
//! see `record_interaction`) are customer history only; the functions here
//! never return them.

use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use shared::records::{
    Disposition, EndedBy, EventData, Initiation, Interaction, InteractionDetail, InteractionEvent, InteractionLeg,
    InteractionPage, LegKind,
};
use shared::tickets::{TicketBrief, TicketKind, TicketStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, is_unique_violation, rfc3339};

/// A new call's record: what is known when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInteraction {
    pub call_id: String,
    pub initiation: Initiation,
    pub started_at: i64,
    /// E.164, SIP user, `anonymous` or a web caller's id.
    pub caller: Option<String>,
    /// The dialed number (inbound) or the number called (outbound).
    pub callee: Option<String>,
    pub trunk: Option<String>,
    pub customer_id: Option<i64>,
    /// The queue's code.
    pub queue: Option<String>,
    pub agent_id: Option<i64>,
    pub campaign_id: Option<i64>,
}

impl NewInteraction {
    /// A record with only its id, how it began and when; set the rest with
    /// struct update syntax.
    pub fn new(call_id: impl Into<String>, initiation: Initiation, started_at: i64) -> NewInteraction {
        NewInteraction {
            call_id: call_id.into(),
            initiation,
            started_at,
            caller: None,
            callee: None,
            trunk: None,
            customer_id: None,
            queue: None,
            agent_id: None,
            campaign_id: None,
        }
    }
}

/// A change to a record: only the fields that are `Some` change.
///
/// `duration_ms` and `billsec_ms` are not set here: they follow from
/// `started_at`, `answered_at` and `ended_at` whenever the call has ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteractionPatch {
    pub caller: Option<String>,
    pub callee: Option<String>,
    pub trunk: Option<String>,
    pub customer_id: Option<i64>,
    pub queue: Option<String>,
    pub campaign_id: Option<i64>,
    /// The agent who has the call (after a transfer, the new one).
    pub agent_id: Option<i64>,
    pub ivr_ended_at: Option<i64>,
    pub enqueued_at: Option<i64>,
    pub dequeued_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// Totals, replacing the stored ones.
    pub hold_count: Option<i64>,
    pub hold_ms: Option<i64>,
    /// Added to the totals (after `hold_count`/`hold_ms` if both are given):
    /// a writer that sees `call.held` adds 1 hold, on `call.resumed` its ms.
    pub holds_added: Option<i64>,
    pub hold_ms_added: Option<i64>,
    pub wrap_up_ms: Option<i64>,
    pub disposition: Option<Disposition>,
    pub disposition_code: Option<String>,
    pub notes: Option<String>,
    pub ended_by: Option<EndedBy>,
    pub sip_status: Option<u16>,
    pub q850: Option<u16>,
    pub codecs: Option<String>,
    pub recording: Option<String>,
    pub survey_score: Option<i64>,
    pub ivr_path: Option<Vec<String>>,
    pub ivr_vars: Option<BTreeMap<String, String>>,
}

/// A leg joining a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLeg {
    /// The call layer's name of the leg, unique within the call.
    pub leg: String,
    pub kind: LegKind,
    pub agent_id: Option<i64>,
    /// The number on a SIP leg (E.164).
    pub number: Option<String>,
    pub started_at: i64,
}

/// A change to a leg: only the fields that are `Some` change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegPatch {
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub ended_by: Option<EndedBy>,
    pub sip_status: Option<u16>,
    pub codec: Option<String>,
}

/// Which records [`Store::interactions`] lists. Empty fields match all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteractionFilter {
    /// Started at or after (Unix ms).
    pub from: Option<i64>,
    /// Started before (Unix ms).
    pub to: Option<i64>,
    pub queue: Option<String>,
    /// Calls the agent took, or had a leg in (a transfer's first agent).
    pub agent_id: Option<i64>,
    pub disposition: Option<Disposition>,
    pub customer_id: Option<i64>,
    pub initiation: Option<Initiation>,
}

/// Where a page of a newest-first list ends: the last row's time and id.
/// Opaque to clients (base64url).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at, self.id))
    }

    /// `None` for anything [`Cursor::encode`] did not make.
    pub fn decode(s: &str) -> Option<Cursor> {
        if s.len() > 64 {
            return None;
        }
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).ok()?;
        let (at, id) = std::str::from_utf8(&raw).ok()?.split_once(':')?;
        Some(Cursor { at: at.parse().ok()?, id: id.parse().ok()? })
    }
}

/// What [`Store::interaction_wrap_up`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapUp {
    Saved,
    NoSuchCall,
    /// The user is not the call's agent (and may not act for them).
    NotTheAgent,
}

/// A value bound to a statement built at run time.
pub(super) enum Val {
    Int(Option<i64>),
    Text(Option<String>),
}

/// `SET` clauses and their values, numbered from `$1` in order.
/// Also the `WHERE` conditions of a list.
#[derive(Default)]
pub(super) struct Sets {
    pub(super) clauses: Vec<String>,
    pub(super) vals: Vec<Val>,
}

impl Sets {
    pub(super) fn next(&self) -> usize {
        self.vals.len() + 1
    }

    pub(super) fn int(&mut self, col: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.clauses.push(format!("{col} = ${}", self.next()));
            self.vals.push(Val::Int(Some(v)));
        }
    }

    /// `col` takes `v` only while it is empty: the first time wins.
    pub(super) fn first(&mut self, col: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.clauses.push(format!("{col} = COALESCE({col}, ${})", self.next()));
            self.vals.push(Val::Int(Some(v)));
        }
    }

    pub(super) fn text(&mut self, col: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.clauses.push(format!("{col} = ${}", self.next()));
            self.vals.push(Val::Text(Some(v.to_owned())));
        }
    }

    /// `col = <base> + $n` where base is the value just set or the column.
    pub(super) fn add(&mut self, col: &str, total: Option<i64>, added: Option<i64>) {
        match (total, added) {
            (None, None) => {}
            (Some(t), None) => self.int(col, Some(t)),
            (t, Some(a)) => {
                let base = match t {
                    Some(t) => {
                        self.vals.push(Val::Int(Some(t)));
                        format!("${}", self.vals.len())
                    }
                    None => col.to_owned(),
                };
                self.clauses.push(format!("{col} = {base} + ${}", self.next()));
                self.vals.push(Val::Int(Some(a)));
            }
        }
    }

    /// A condition with one value, written `?` (every `?` is that value).
    pub(super) fn cond(&mut self, template: &str, v: Option<Val>) {
        if let Some(v) = v {
            self.clauses.push(template.replace('?', &format!("${}", self.next())));
            self.vals.push(v);
        }
    }

    /// The condition for rows after `cursor` in a `time DESC, id DESC` list.
    pub(super) fn page(&mut self, time: &str, cursor: Option<Cursor>) {
        if let Some(c) = cursor {
            let (at, id) = (self.next(), self.next() + 1);
            self.clauses.push(format!("({time} < ${at} OR ({time} = ${at} AND id < ${id}))"));
            self.vals.push(Val::Int(Some(c.at)));
            self.vals.push(Val::Int(Some(c.id)));
        }
    }

    pub(super) fn query<'q>(&self, sql: &'q str) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for v in &self.vals {
            q = match v {
                Val::Int(i) => q.bind(*i),
                Val::Text(t) => q.bind(t.clone()),
            };
        }
        q
    }
}

const COLUMNS: &str = "id, call_id, initiation, caller, callee, trunk, customer_id, queue, campaign_id, started_at, \
     ivr_ended_at, enqueued_at, dequeued_at, answered_at, ended_at, duration_ms, billsec_ms, agent_id, hold_count, \
     hold_ms, wrap_up_ms, disposition, disposition_code, notes, wrapped_up_at, ended_by, sip_status, q850, codecs, \
     recording, survey_score, ivr_path, ivr_vars, \
     (SELECT c.name FROM customers c WHERE c.id = interactions.customer_id) AS customer_name";

fn time(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?.map(rfc3339))
}

fn status(row: &AnyRow, col: &str) -> Result<Option<u16>, StoreError> {
    row.try_get::<Option<i64>, _>(col)?
        .map(|v| u16::try_from(v).map_err(|_| StoreError::Corrupt(format!("{col} {v}"))))
        .transpose()
}

fn text_enum<T>(row: &AnyRow, col: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, StoreError> {
    row.try_get::<Option<String>, _>(col)?
        .map(|s| parse(&s).ok_or_else(|| StoreError::Corrupt(format!("{col} {s:?}"))))
        .transpose()
}

fn json<T: serde::de::DeserializeOwned + Default>(row: &AnyRow, col: &str) -> Result<T, StoreError> {
    match row.try_get::<Option<String>, _>(col)? {
        None => Ok(T::default()),
        Some(s) => serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{col}: {e}"))),
    }
}

fn interaction(row: &AnyRow) -> Result<Interaction, StoreError> {
    Ok(Interaction {
        call_id: row.try_get("call_id")?,
        initiation: text_enum(row, "initiation", Initiation::parse)?
            .ok_or_else(|| StoreError::Corrupt("initiation".into()))?,
        caller: row.try_get("caller")?,
        callee: row.try_get("callee")?,
        trunk: row.try_get("trunk")?,
        customer_id: row.try_get("customer_id")?,
        queue: row.try_get("queue")?,
        campaign_id: row.try_get("campaign_id")?,
        started_at: rfc3339(row.try_get("started_at")?),
        ivr_ended_at: time(row, "ivr_ended_at")?,
        enqueued_at: time(row, "enqueued_at")?,
        dequeued_at: time(row, "dequeued_at")?,
        answered_at: time(row, "answered_at")?,
        ended_at: time(row, "ended_at")?,
        duration_ms: row.try_get("duration_ms")?,
        billsec_ms: row.try_get("billsec_ms")?,
        agent_id: row.try_get("agent_id")?,
        hold_count: row.try_get("hold_count")?,
        hold_ms: row.try_get("hold_ms")?,
        wrap_up_ms: row.try_get("wrap_up_ms")?,
        disposition: text_enum(row, "disposition", Disposition::parse)?,
        disposition_code: row.try_get("disposition_code")?,
        notes: row.try_get("notes")?,
        wrapped_up_at: time(row, "wrapped_up_at")?,
        ended_by: text_enum(row, "ended_by", EndedBy::parse)?,
        sip_status: status(row, "sip_status")?,
        q850: status(row, "q850")?,
        codecs: row.try_get("codecs")?,
        recording: row.try_get("recording")?,
        survey_score: row.try_get("survey_score")?,
        ivr_path: json(row, "ivr_path")?,
        ivr_vars: json(row, "ivr_vars")?,
        customer_name: row.try_get("customer_name")?,
        // Filled by `Store::attach_tickets`.
        tickets: Vec::new(),
    })
}

fn ticket_brief(row: &AnyRow) -> Result<TicketBrief, StoreError> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    Ok(TicketBrief {
        id: row.try_get("id")?,
        kind: TicketKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("ticket kind {kind:?}")))?,
        subject: row.try_get("subject")?,
        status: TicketStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("ticket status {status:?}")))?,
        due_at: time(row, "due_at")?,
    })
}

fn leg(row: &AnyRow) -> Result<InteractionLeg, StoreError> {
    Ok(InteractionLeg {
        leg: row.try_get("leg")?,
        kind: text_enum(row, "kind", LegKind::parse)?.ok_or_else(|| StoreError::Corrupt("leg kind".into()))?,
        agent_id: row.try_get("agent_id")?,
        number: row.try_get("number")?,
        started_at: rfc3339(row.try_get("started_at")?),
        answered_at: time(row, "answered_at")?,
        ended_at: time(row, "ended_at")?,
        ended_by: text_enum(row, "ended_by", EndedBy::parse)?,
        sip_status: status(row, "sip_status")?,
        codec: row.try_get("codec")?,
    })
}

fn event(row: &AnyRow) -> Result<InteractionEvent, StoreError> {
    let data: Option<String> = row.try_get("data")?;
    let data = data
        .map(|s| serde_json::from_str::<EventData>(&s).map_err(|e| StoreError::Corrupt(format!("event data: {e}"))))
        .transpose()?;
    Ok(InteractionEvent { id: row.try_get("id")?, at: rfc3339(row.try_get("at")?), kind: row.try_get("kind")?, data })
}

/// A page of a `time DESC, id DESC` list read with `limit + 1` rows: the
/// first `limit` as items, and the cursor after the last of them when there
/// were more.
pub(super) fn page<T>(
    rows: &[AnyRow],
    limit: i64,
    time: &str,
    item: fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<(Vec<T>, Option<String>), StoreError> {
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit.max(0) as usize)];
    let next_cursor = match rows.last() {
        Some(last) if more => Some(Cursor { at: last.try_get(time)?, id: last.try_get("id")? }.encode()),
        _ => None,
    };
    Ok((rows.iter().map(item).collect::<Result<_, _>>()?, next_cursor))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("strings and maps of strings serialize")
}

impl Store {
    /// Writes a new call's record. `Conflict("interaction")` if the call
    /// already has one.
    pub async fn interaction_start(&self, n: &NewInteraction) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO interactions (call_id, initiation, started_at, caller, callee, trunk, customer_id, queue, \
             agent_id, campaign_id, queue_id, hold_count, hold_ms, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, (SELECT id FROM queues WHERE code = $8), 0, 0, $3)",
        )
        .bind(&n.call_id)
        .bind(n.initiation.as_str())
        .bind(n.started_at)
        .bind(n.caller.as_deref())
        .bind(n.callee.as_deref())
        .bind(n.trunk.as_deref())
        .bind(n.customer_id)
        .bind(n.queue.as_deref())
        .bind(n.agent_id)
        .bind(n.campaign_id)
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("interaction")),
            Err(e) => Err(e.into()),
        }
    }

    /// Changes the fields `p` sets; returns whether the call has a record.
    /// Once the call has ended, its duration and billable time follow.
    pub async fn interaction_update(
        &self,
        call_id: &str,
        p: &InteractionPatch,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut s = Sets::default();
        s.text("caller", p.caller.as_deref());
        s.text("callee", p.callee.as_deref());
        s.text("trunk", p.trunk.as_deref());
        s.int("customer_id", p.customer_id);
        if let Some(q) = &p.queue {
            s.text("queue", Some(q));
            let n = s.vals.len();
            s.clauses.push(format!("queue_id = (SELECT id FROM queues WHERE code = ${n})"));
        }
        s.int("campaign_id", p.campaign_id);
        s.int("agent_id", p.agent_id);
        s.int("ivr_ended_at", p.ivr_ended_at);
        // A record keeps the caller's first wait and first answer: a transfer
        // (to an agent or a queue) must not move these, or speed of answer
        // and billable time would take in the first agent's talk. The
        // timeline keeps every step.
        s.first("enqueued_at", p.enqueued_at);
        s.first("dequeued_at", p.dequeued_at);
        s.first("answered_at", p.answered_at);
        s.int("ended_at", p.ended_at);
        s.add("hold_count", p.hold_count, p.holds_added);
        s.add("hold_ms", p.hold_ms, p.hold_ms_added);
        s.int("wrap_up_ms", p.wrap_up_ms);
        s.text("disposition", p.disposition.map(|d| d.as_str()));
        s.text("disposition_code", p.disposition_code.as_deref());
        s.text("notes", p.notes.as_deref());
        s.text("ended_by", p.ended_by.map(|e| e.as_str()));
        s.int("sip_status", p.sip_status.map(i64::from));
        s.int("q850", p.q850.map(i64::from));
        s.text("codecs", p.codecs.as_deref());
        s.text("recording", p.recording.as_deref());
        s.int("survey_score", p.survey_score);
        s.text("ivr_path", p.ivr_path.as_ref().map(to_json).as_deref());
        s.text("ivr_vars", p.ivr_vars.as_ref().map(to_json).as_deref());
        s.int("updated_at", Some(now_ms));
        let sql = format!("UPDATE interactions SET {} WHERE call_id = ${}", s.clauses.join(", "), s.next());
        s.vals.push(Val::Text(Some(call_id.to_owned())));

        let mut tx = self.pool.begin().await?;
        let done = s.query(&sql).execute(&mut *tx).await?.rows_affected() > 0;
        if done && (p.ended_at.is_some() || p.answered_at.is_some()) {
            sqlx::query(
                "UPDATE interactions SET duration_ms = ended_at - started_at, \
                 billsec_ms = CASE WHEN answered_at IS NULL THEN 0 ELSE ended_at - answered_at END \
                 WHERE call_id = $1 AND ended_at IS NOT NULL",
            )
            .bind(call_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Adds one event to the call's timeline. `kind` is `resource.verb`
    /// (`shared::records::CALL_ANSWERED`, …); `data` is any JSON (never a
    /// secret: the timeline is shown to the call's agent). Returns the
    /// event's id, or `None` when the call has no record.
    pub async fn interaction_event(
        &self,
        call_id: &str,
        at_ms: i64,
        kind: &str,
        data: Option<&serde_json::Value>,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "INSERT INTO interaction_events (call_id, at, kind, data) SELECT $1, $2, $3, $4 \
             WHERE EXISTS (SELECT 1 FROM interactions WHERE call_id = $1) RETURNING id",
        )
        .bind(call_id)
        .bind(at_ms)
        .bind(kind)
        .bind(data.map(|d| d.to_string()))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get("id")).transpose().map_err(Into::into)
    }

    /// Adds a leg to the call. Returns whether the call has a record;
    /// `Conflict("leg")` if the call already has a leg of that name.
    pub async fn interaction_leg_start(&self, call_id: &str, l: &NewLeg) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "INSERT INTO interaction_legs (call_id, leg, kind, agent_id, number, started_at) \
             SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM interactions WHERE call_id = $1)",
        )
        .bind(call_id)
        .bind(&l.leg)
        .bind(l.kind.as_str())
        .bind(l.agent_id)
        .bind(l.number.as_deref())
        .bind(l.started_at)
        .execute(&self.pool)
        .await;
        match r {
            Ok(r) => Ok(r.rows_affected() > 0),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict("leg")),
            Err(e) => Err(e.into()),
        }
    }

    /// Changes the fields `p` sets on one leg; returns whether it exists.
    pub async fn interaction_leg_update(&self, call_id: &str, leg: &str, p: &LegPatch) -> Result<bool, StoreError> {
        let mut s = Sets::default();
        s.int("answered_at", p.answered_at);
        s.int("ended_at", p.ended_at);
        s.text("ended_by", p.ended_by.map(|e| e.as_str()));
        s.int("sip_status", p.sip_status.map(i64::from));
        s.text("codec", p.codec.as_deref());
        if s.clauses.is_empty() {
            let n = sqlx::query("SELECT 1 AS one FROM interaction_legs WHERE call_id = $1 AND leg = $2")
                .bind(call_id)
                .bind(leg)
                .fetch_optional(&self.pool)
                .await?;
            return Ok(n.is_some());
        }
        let sql = format!(
            "UPDATE interaction_legs SET {} WHERE call_id = ${} AND leg = ${}",
            s.clauses.join(", "),
            s.next(),
            s.next() + 1
        );
        s.vals.push(Val::Text(Some(call_id.to_owned())));
        s.vals.push(Val::Text(Some(leg.to_owned())));
        Ok(s.query(&sql).execute(&self.pool).await?.rows_affected() > 0)
    }

    /// One call's record, without legs and timeline.
    pub async fn interaction_record(&self, call_id: &str) -> Result<Option<Interaction>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM interactions WHERE call_id = $1"))
            .bind(call_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(mut record) = row.as_ref().map(interaction).transpose()? else { return Ok(None) };
        self.attach_tickets(std::slice::from_mut(&mut record)).await?;
        Ok(Some(record))
    }

    /// Fills each record's `tickets` (oldest first), with one query for
    /// them all.
    async fn attach_tickets(&self, records: &mut [Interaction]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let marks: Vec<String> = (1..=records.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, call_id, kind, subject, status, due_at FROM tickets WHERE call_id IN ({}) \
             ORDER BY created_at, id",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for r in records.iter() {
            q = q.bind(r.call_id.clone());
        }
        let mut by_call: HashMap<String, Vec<TicketBrief>> = HashMap::new();
        for row in q.fetch_all(&self.pool).await? {
            by_call.entry(row.try_get("call_id")?).or_default().push(ticket_brief(&row)?);
        }
        for r in records.iter_mut() {
            r.tickets = by_call.remove(&r.call_id).unwrap_or_default();
        }
        Ok(())
    }

    /// One call's record with its legs and timeline (both oldest first).
    pub async fn interaction(&self, call_id: &str) -> Result<Option<InteractionDetail>, StoreError> {
        let Some(record) = self.interaction_record(call_id).await? else { return Ok(None) };
        let legs = sqlx::query(
            "SELECT leg, kind, agent_id, number, started_at, answered_at, ended_at, ended_by, sip_status, codec \
             FROM interaction_legs WHERE call_id = $1 ORDER BY started_at, id",
        )
        .bind(call_id)
        .fetch_all(&self.pool)
        .await?;
        let events =
            sqlx::query("SELECT id, at, kind, data FROM interaction_events WHERE call_id = $1 ORDER BY at, id")
                .bind(call_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(InteractionDetail {
            interaction: record,
            legs: legs.iter().map(leg).collect::<Result<_, _>>()?,
            events: events.iter().map(event).collect::<Result<_, _>>()?,
        }))
    }

    /// Whether the agent took the call or had a leg in it.
    pub async fn interaction_involves(&self, call_id: &str, agent_id: i64) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM interactions i WHERE i.call_id = $1 AND (i.agent_id = $2 OR EXISTS \
             (SELECT 1 FROM interaction_legs l WHERE l.call_id = i.call_id AND l.agent_id = $2))",
        )
        .bind(call_id)
        .bind(agent_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Records matching `f`, newest first (by start), `limit` at most, after
    /// `cursor`; the page's `next_cursor` is set when more may follow.
    pub async fn interactions(
        &self,
        f: &InteractionFilter,
        cursor: Option<Cursor>,
        limit: i64,
    ) -> Result<InteractionPage, StoreError> {
        let mut w = Sets::default();
        w.clauses.push("call_id IS NOT NULL".to_owned());
        w.cond("started_at >= ?", f.from.map(|v| Val::Int(Some(v))));
        w.cond("started_at < ?", f.to.map(|v| Val::Int(Some(v))));
        w.cond(
            "(agent_id = ? OR EXISTS (SELECT 1 FROM interaction_legs l \
             WHERE l.call_id = interactions.call_id AND l.agent_id = ?))",
            f.agent_id.map(|v| Val::Int(Some(v))),
        );
        w.cond("customer_id = ?", f.customer_id.map(|v| Val::Int(Some(v))));
        w.cond("queue = ?", f.queue.clone().map(|v| Val::Text(Some(v))));
        w.cond("disposition = ?", f.disposition.map(|v| Val::Text(Some(v.as_str().to_owned()))));
        w.cond("initiation = ?", f.initiation.map(|v| Val::Text(Some(v.as_str().to_owned()))));
        w.page("started_at", cursor);
        let sql = format!(
            "SELECT {COLUMNS} FROM interactions WHERE {} ORDER BY started_at DESC, id DESC LIMIT ${}",
            w.clauses.join(" AND "),
            w.next()
        );
        w.vals.push(Val::Int(Some(limit + 1)));
        let rows = w.query(&sql).fetch_all(&self.pool).await?;
        let (mut items, next_cursor) = page(&rows, limit, "started_at", interaction)?;
        self.attach_tickets(&mut items).await?;
        Ok(InteractionPage { items, next_cursor })
    }

    /// Saves the agent's wrap-up (disposition code and notes) on a call.
    /// Only the call's agent may, unless `on_behalf` (a supervisor). The
    /// first wrap-up of an ended call also sets its wrap-up time, unless the
    /// routing engine has.
    pub async fn interaction_wrap_up(
        &self,
        call_id: &str,
        user_id: i64,
        on_behalf: bool,
        disposition_code: &str,
        notes: Option<&str>,
        now_ms: i64,
    ) -> Result<WrapUp, StoreError> {
        let row = sqlx::query("SELECT agent_id FROM interactions WHERE call_id = $1")
            .bind(call_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(WrapUp::NoSuchCall) };
        let agent: Option<i64> = row.try_get("agent_id")?;
        if !on_behalf && agent != Some(user_id) {
            return Ok(WrapUp::NotTheAgent);
        }
        // The agent is checked again in the update: a transfer in between
        // wins.
        let r = sqlx::query(
            "UPDATE interactions SET disposition_code = $1, notes = $2, wrapped_up_at = $3, updated_at = $3, \
             wrap_up_ms = COALESCE(wrap_up_ms, CASE WHEN ended_at IS NULL OR ended_at > $3 THEN NULL ELSE $3 - ended_at END) \
             WHERE call_id = $4 AND ($5 = 1 OR agent_id = $6)",
        )
        .bind(disposition_code)
        .bind(notes)
        .bind(now_ms)
        .bind(call_id)
        .bind(i64::from(on_behalf))
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(if r.rows_affected() > 0 { WrapUp::Saved } else { WrapUp::NotTheAgent })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_junk() {
        let c = Cursor { at: 1_700_000_000_123, id: 42 };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for junk in ["", "abc", "!!!", &"A".repeat(100), "MTIz"] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn sets_number_parameters_in_order() {
        let mut s = Sets::default();
        s.int("a", Some(1));
        s.int("skipped", None);
        s.add("hold_count", None, Some(1));
        s.add("hold_ms", Some(10), Some(5));
        s.text("t", Some("x"));
        assert_eq!(s.clauses, ["a = $1", "hold_count = hold_count + $2", "hold_ms = $3 + $4", "t = $5"]);
        assert_eq!(s.vals.len(), 5);
    }
}
