//! Demo data for `gateway serve --demo` and the tests: a supervisor, an
//! admin, four agents (one of them Rania, from the acceptance story), the two
//! queues of the story and a handful of customers with codes and history.

use shared::Role;
use shared::records::{MailboxKind, VoicemailPatch};

use crate::auth::password;
use crate::store::{NewCustomer, NewUser, Store, StoreError};

/// (username, password, role) of every demo account, as `cargo xtask run`
/// prints them.
pub const DEMO_LOGINS: &[(&str, &str, Role)] = &[
    ("admin", "demo-admin", Role::Admin),
    ("sara", "demo-supervisor", Role::Supervisor),
    ("rania", "demo-agent", Role::Agent),
    ("omid", "demo-agent", Role::Agent),
    ("elif", "demo-agent", Role::Agent),
    ("karim", "demo-agent", Role::Agent),
];

const USERS: &[(&str, &str, &str)] = &[
    // username, display name, language
    ("admin", "Administrator", "en"),
    ("sara", "Sara Ahmadi", "fa"),
    ("rania", "Rania Haddad", "ar"),
    ("omid", "Omid Rezaei", "fa"),
    ("elif", "Elif Yılmaz", "tr"),
    ("karim", "Karim Mansour", "ar"),
];

/// Which agents serve which queue.
const QUEUES: &[(&str, &str, &[&str])] =
    &[("support", "Technical support", &["rania", "omid", "elif", "karim"]), ("sales", "Sales", &["elif", "karim"])];

const CUSTOMERS: &[(&str, &str, &str, &str, bool)] = &[
    // code, name, E.164, language, VIP
    ("1001", "Youssef Al-Amin", "+966501234567", "ar", false),
    ("1002", "Mehdi Moradi", "+989121234567", "fa", true),
    ("1003", "Ayşe Demir", "+905321234567", "tr", false),
    ("1004", "John Carter", "+14155550123", "en", false),
    ("1005", "Leila Nasser", "+97143123456", "ar", true),
    ("1006", "Hamid Tehrani", "+982188123456", "fa", false),
];

/// Earlier calls: (customer code, queue code, agent, days ago, disposition, notes).
const HISTORY: &[(&str, &str, &str, i64, &str, &str)] = &[
    ("1001", "support", "rania", 12, "resolved", "Router reset; line back up."),
    ("1001", "sales", "karim", 40, "sale", "Upgraded to the 100 Mbit plan."),
    ("1002", "support", "omid", 3, "escalated", "Intermittent drops in the evening; field visit booked."),
    ("1003", "sales", "elif", 7, "information", "Asked about family plans."),
    ("1004", "support", "rania", 20, "resolved", "Password reset for the customer portal."),
    ("1005", "support", "karim", 1, "callback_requested", "Wants a call back about the invoice."),
];

/// Writes the demo data unless the database already has users. Returns
/// whether it wrote anything.
pub async fn seed_demo(store: &Store, now_ms: i64) -> Result<bool, StoreError> {
    if !store.users(None).await?.is_empty() {
        return Ok(false);
    }
    for (username, display_name, language) in USERS {
        let (_, pass, role) = DEMO_LOGINS.iter().find(|(u, _, _)| u == username).expect("every demo user has a login");
        let hash = password::hash(pass);
        store
            .create_user(&NewUser { username, display_name, role: *role, password_hash: &hash, language }, now_ms)
            .await?;
    }
    for (code, name, agents) in QUEUES {
        let queue_id = store.create_queue(code, name, now_ms).await?;
        for a in *agents {
            let user = store.user_by_username(a).await?.expect("demo agent was just created");
            store.add_queue_agent(queue_id, user.id).await?;
        }
    }
    for (code, name, phone, language, vip) in CUSTOMERS {
        store.create_customer(&NewCustomer { code, name, phone: Some(phone), language, vip: *vip }, now_ms).await?;
    }
    let queues = store.queues().await?;
    for (customer, queue, agent, days_ago, disposition, notes) in HISTORY {
        let customer = store.customer_by_code(customer).await?.expect("demo customer exists");
        let queue = queues.iter().find(|q| q.code == *queue).expect("demo queue exists");
        let agent = store.user_by_username(agent).await?.expect("demo agent exists");
        let started = now_ms - days_ago * 86_400_000;
        store
            .record_interaction(
                Some(customer.id),
                Some(queue.id),
                Some(agent.id),
                "inbound",
                started,
                Some(started + 6 * 60_000),
                Some(disposition),
                Some(notes),
            )
            .await?;
    }
    Ok(true)
}

/// The demo's support line for `serve --demo`, after [`seed_demo`]: its
/// flow (welcome, customer code, menu, queue), the survey flow, and the
/// entry points of the web call button and the phone number.
pub async fn seed_demo_flows(store: &Store, now_ms: i64) -> Result<(), StoreError> {
    for json in [DEMO_FLOW, DEMO_SURVEY] {
        let flow = crate::ivr::Flow::parse(json).expect("the demo flows are valid");
        store.save_flow(&flow, None, now_ms).await?;
    }
    for entry in [DEMO_WEB_ENTRY, DEMO_PHONE_ENTRY] {
        let entry = crate::ivr::EntryPoint::parse(entry).expect("the demo entries are valid");
        store.set_entry_point(&entry, "demo_support", None, now_ms).await?;
    }
    // Sales agents hear "Sales call." before a caller of the menu's 2 is
    // connected (support's callers are connected at once).
    if let Some(sales) = store.queue_config("sales").await? {
        let config = shared::routing::QueueConfig {
            whisper: "Sales".into(),
            whisper_prompt: Some(crate::prompts::id::WHISPER_SALES.into()),
            ..sales.config
        };
        store.update_queue_config(&config, None, now_ms).await.map_err(|e| match e {
            crate::store::WriteError::Store(e) => e,
            other => StoreError::Corrupt(other.to_string()),
        })?;
    }
    Ok(())
}

/// The demo page's web call button: calls go to [`DEMO_WEB_ENTRY`], the
/// wait and callbacks are the support queue's. Its token secret is public
/// (it is in this file): a demo, not a site.
pub fn demo_widget() -> crate::config::WidgetConfig {
    crate::config::WidgetConfig {
        id: "demo".into(),
        entry: DEMO_WEB_ENTRY.into(),
        queue: Some("support".into()),
        allowed_origins: Vec::new(),
        secret: Some(crate::config::Secret::from(DEMO_WIDGET_SECRET)),
        callback_after_secs: 300,
        calls_per_minute: 30,
        max_calls: 20,
        callbacks_per_hour: 60,
        callback_prefixes: Vec::new(),
    }
}

/// The demo widget's token key, for the tests' signed customer tokens.
pub const DEMO_WIDGET_SECRET: &str = "demo-widget-secret-not-for-production";

/// The web call button of the demo page (`/demo/widget`).
pub const DEMO_WEB_ENTRY: &str = "web:demo";
/// The demo's support line: a softphone or sipp dials it.
pub const DEMO_PHONE_ENTRY: &str = "+441234567800";

/// The story's way in: a welcome, the customer code (unless the web page
/// vouched for the caller), the menu (1 technical support, 2 sales), the
/// queue, which tells the caller the wait.
const DEMO_FLOW: &str = r#"{
  "name": "demo_support",
  "description": "Welcome, customer code, menu, queue",
  "start": "welcome",
  "language": "en",
  "nodes": {
    "welcome": { "type": "play", "prompts": "welcome", "next": "known" },
    "known": { "type": "switch", "var": "customer", "cases": { "found": "menu" }, "default": "code" },
    "code": { "type": "collect", "prompt": "enter_customer_code", "var": "customer_code",
              "min_digits": 4, "max_digits": 4, "timeout_secs": 8, "next": "who", "on_fail": "menu" },
    "who": { "type": "identify", "by": { "var": "customer_code" }, "found": "hello", "not_found": "menu" },
    "hello": { "type": "play", "prompts": "customer_identified", "next": "menu" },
    "menu": { "type": "menu", "prompt": "menu_main", "options": { "1": "support", "2": "sales" }, "on_fail": "support" },
    "support": { "type": "queue", "queue": "support" },
    "sales": { "type": "queue", "queue": "sales" }
  }
}"#;

/// A rating of the call from 1 to 5, for a queue's `survey_flow`.
const DEMO_SURVEY: &str = r#"{
  "name": "demo_survey",
  "description": "Rate the call from 1 to 5",
  "start": "rate",
  "language": "en",
  "nodes": {
    "rate": { "type": "survey", "prompt": "survey_question", "var": "score", "timeout_secs": 10, "next": "bye" },
    "bye": { "type": "hang_up", "prompt": "survey_thanks" }
  }
}"#;

/// The demo's carrier: whatever calls from this machine (a softphone, sipp).
/// Only for `serve --demo` without configured trunks.
pub fn local_trunk() -> crate::config::TrunkConfig {
    crate::config::TrunkConfig {
        name: "local".into(),
        addresses: vec![std::net::IpAddr::from([127, 0, 0, 1])],
        register: None,
        outbound: None,
    }
}

/// One of the demo's calls today: (call id, customer code, agent, minutes
/// ago, seconds to answer, talk s, hold s, wrap-up s, survey score,
/// disposition code).
type DemoCall = (&'static str, &'static str, &'static str, i64, i64, i64, i64, i64, Option<i64>, &'static str);

/// Today's answered calls: Rania's three and one of Omid's.
const TODAY: &[DemoCall] = &[
    ("demo-today-1", "1001", "rania", 150, 20, 230, 30, 45, Some(5), "resolved"),
    ("demo-today-2", "1004", "rania", 95, 12, 360, 0, 60, Some(4), "resolved"),
    ("demo-today-3", "1006", "rania", 40, 8, 180, 0, 30, None, "information"),
    // Offered to Rania first, who let it ring out: her missed offer.
    ("demo-today-4", "1002", "omid", 70, 35, 300, 0, 40, Some(3), "escalated"),
];

/// Voicemails: (mailbox kind, mailbox (a queue or an agent's username),
/// customer code, minutes ago, seconds, assigned to, file).
type DemoVoicemail = (MailboxKind, &'static str, &'static str, i64, u32, Option<&'static str>, &'static str);

const VOICEMAILS: &[DemoVoicemail] = &[
    (MailboxKind::Queue, "support", "1003", 25, 7, None, "demo/support-1.wav"),
    (MailboxKind::Queue, "support", "1005", 130, 9, Some("rania"), "demo/support-2.wav"),
    (MailboxKind::Agent, "rania", "1004", 240, 5, None, "demo/rania-1.wav"),
    (MailboxKind::Queue, "sales", "1002", 50, 6, None, "demo/sales-1.wav"),
];

/// The demo's work of today for the agents' desks, after [`seed_demo`]:
/// answered calls with their timelines (a missed offer among them),
/// voicemails in queues' and Rania's mailboxes (their audio written under
/// `voicemail_dir`, made here) and a callback Rania scheduled for tomorrow.
/// Calls a few hours ago may fall on yesterday just after midnight (UTC).
/// Voicemails whose audio cannot be written are left out, with a warning.
pub async fn seed_demo_desk(store: &Store, voicemail_dir: &std::path::Path, now_ms: i64) -> Result<(), StoreError> {
    use serde_json::json;
    use shared::records::{self, Disposition, EndedBy, Initiation, LegKind};

    use crate::store::{CallbackRequest, InteractionPatch, LegPatch, NewInteraction, NewLeg, NewVoicemail};

    let user = |name: &'static str| async move {
        store.user_by_username(name).await?.map(|u| u.id).ok_or(StoreError::Corrupt(format!("demo user {name}")))
    };
    let customer = |code: &'static str| async move {
        store.customer_by_code(code).await?.ok_or(StoreError::Corrupt(format!("demo customer {code}")))
    };
    let rania = user("rania").await?;
    for (call_id, code, agent, ago, ring, talk, hold, wrap, survey, disposition) in TODAY {
        let c = customer(code).await?;
        let agent = user(agent).await?;
        let caller = c.phone.clone();
        let start = now_ms - ago * 60_000;
        let answered = start + ring * 1000;
        let ended = answered + (talk + hold) * 1000;
        let new = NewInteraction {
            caller: caller.clone(),
            callee: Some("+441234567890".into()),
            trunk: Some("local".into()),
            customer_id: Some(c.id),
            queue: Some("support".into()),
            ..NewInteraction::new(*call_id, Initiation::Inbound, start)
        };
        store.interaction_start(&new).await?;
        let leg =
            NewLeg { leg: "caller".into(), kind: LegKind::Caller, agent_id: None, number: caller, started_at: start };
        store.interaction_leg_start(call_id, &leg).await?;
        let mut events = vec![
            (start, records::CALL_STARTED, None),
            (start + 2_000, records::QUEUE_ENTERED, Some(json!({ "queue": "support" }))),
        ];
        if *call_id == "demo-today-4" {
            events.push((start + 3_000, records::OFFER_CREATED, Some(json!({ "agent": rania }))));
            events.push((start + 23_000, records::OFFER_EXPIRED, Some(json!({ "agent": rania }))));
        }
        events.push((answered - 4_000, records::OFFER_CREATED, Some(json!({ "agent": agent }))));
        events.push((answered, records::CALL_ANSWERED, Some(json!({ "agent_id": agent }))));
        if *hold > 0 {
            events.push((answered + 60_000, records::CALL_HELD, None));
            events.push((answered + 60_000 + hold * 1000, records::CALL_RESUMED, None));
        }
        events.push((ended, records::CALL_ENDED, Some(json!({ "by": "caller" }))));
        events.push((
            ended + wrap * 1000,
            records::CALL_WRAPPED_UP,
            Some(json!({ "by": agent, "disposition_code": disposition })),
        ));
        if let Some(score) = survey {
            events.push((ended + 20_000, records::SURVEY_COMPLETED, Some(json!({ "score": score }))));
        }
        for (at, kind, data) in &events {
            store.interaction_event(call_id, *at, kind, data.as_ref()).await?;
        }
        let leg = NewLeg {
            leg: format!("agent-{agent}"),
            kind: LegKind::Agent,
            agent_id: Some(agent),
            number: None,
            started_at: answered - 4_000,
        };
        store.interaction_leg_start(call_id, &leg).await?;
        let done = LegPatch {
            answered_at: Some(answered),
            ended_at: Some(ended),
            ended_by: Some(EndedBy::Caller),
            ..Default::default()
        };
        store.interaction_leg_update(call_id, "caller", &done).await?;
        store.interaction_leg_update(call_id, &leg.leg, &done).await?;
        let p = InteractionPatch {
            agent_id: Some(agent),
            ivr_ended_at: Some(start + 2_000),
            enqueued_at: Some(start + 2_000),
            dequeued_at: Some(answered),
            answered_at: Some(answered),
            ended_at: Some(ended),
            hold_count: Some(i64::from(*hold > 0)),
            hold_ms: Some(hold * 1000),
            wrap_up_ms: Some(wrap * 1000),
            disposition: Some(Disposition::Answered),
            disposition_code: Some((*disposition).to_owned()),
            ended_by: Some(EndedBy::Caller),
            sip_status: Some(200),
            q850: Some(16),
            codecs: Some("PCMU".into()),
            survey_score: *survey,
            ..Default::default()
        };
        store.interaction_update(call_id, &p, ended + wrap * 1000).await?;
    }
    seed_demo_abandoned_and_ticket(store, rania, now_ms).await?;

    for (kind, mailbox, code, ago, secs, assigned, file) in VOICEMAILS {
        if let Err(e) = write_demo_voicemail(&voicemail_dir.join(file), *secs).await {
            tracing::warn!(error = %e, "demo voicemail audio not written; the voicemail is left out");
            continue;
        }
        let c = customer(code).await?;
        let mailbox = match kind {
            MailboxKind::Agent => user(mailbox).await?.to_string(),
            _ => (*mailbox).to_owned(),
        };
        let at = now_ms - ago * 60_000;
        let v = NewVoicemail {
            mailbox_kind: *kind,
            mailbox,
            call_id: None,
            caller: c.phone.clone(),
            customer_id: Some(c.id),
            received_at: at,
            duration_ms: i64::from(*secs) * 1000,
            file: (*file).to_owned(),
        };
        let id = store.voicemail_create(&v, at).await?;
        if let Some(name) = assigned {
            let p = VoicemailPatch { assigned_to: Some(Some(user(name).await?)), ..Default::default() };
            store.voicemail_update(id, &p, at + 5 * 60_000).await?;
        }
    }

    let c = customer("1002").await?;
    let due = now_ms + 20 * 3_600_000;
    let callback = CallbackRequest {
        queue: "support".into(),
        number: c.phone.clone().unwrap_or_default(),
        customer_id: Some(c.id),
        call_id: None,
        requested_at: now_ms - 30 * 60_000,
        due_at: Some(due),
        position_at: due,
        max_attempts: 3,
        created_by: Some(rania),
    };
    store.callback_create(&callback, now_ms - 30 * 60_000).await?;
    Ok(())
}

/// For the supervisors' calls report: a caller who gave up after 48 s in
/// the support queue, and the ticket Rania opened during John Carter's call
/// (`demo-today-2`), due this time tomorrow.
async fn seed_demo_abandoned_and_ticket(store: &Store, rania: i64, now_ms: i64) -> Result<(), StoreError> {
    use serde_json::json;
    use shared::records::{self, Disposition, EndedBy, Initiation, LegKind};
    use shared::tickets::{TicketKind, TicketStatus};

    use crate::store::{InteractionPatch, LegPatch, NewInteraction, NewLeg, TicketFields};

    let customer = |code: &'static str| async move {
        store.customer_by_code(code).await?.ok_or(StoreError::Corrupt(format!("demo customer {code}")))
    };
    let c = customer("1005").await?;
    let call_id = "demo-today-5";
    let start = now_ms - 20 * 60_000;
    let (entered, gone) = (start + 2_000, start + 50_000);
    let new = NewInteraction {
        caller: c.phone.clone(),
        callee: Some("+441234567890".into()),
        trunk: Some("local".into()),
        customer_id: Some(c.id),
        queue: Some("support".into()),
        ..NewInteraction::new(call_id, Initiation::Inbound, start)
    };
    store.interaction_start(&new).await?;
    let leg =
        NewLeg { leg: "caller".into(), kind: LegKind::Caller, agent_id: None, number: c.phone, started_at: start };
    store.interaction_leg_start(call_id, &leg).await?;
    let done = LegPatch { ended_at: Some(gone), ended_by: Some(EndedBy::Caller), ..Default::default() };
    store.interaction_leg_update(call_id, "caller", &done).await?;
    for (at, kind, data) in [
        (start, records::CALL_STARTED, None),
        (entered, records::QUEUE_ENTERED, Some(json!({ "queue": "support" }))),
        (gone, records::QUEUE_ABANDONED, Some(json!({ "queue": "support" }))),
    ] {
        store.interaction_event(call_id, at, kind, data.as_ref()).await?;
    }
    let p = InteractionPatch {
        ivr_ended_at: Some(entered),
        enqueued_at: Some(entered),
        dequeued_at: Some(gone),
        ended_at: Some(gone),
        disposition: Some(Disposition::Abandoned),
        ended_by: Some(EndedBy::Caller),
        codecs: Some("PCMU".into()),
        ..Default::default()
    };
    store.interaction_update(call_id, &p, gone).await?;

    let c = customer("1004").await?;
    let ticket = TicketFields {
        customer_id: c.id,
        call_id: Some("demo-today-2".into()),
        kind: TicketKind::Service,
        subject: "Replace the router".into(),
        notes: "The line drops every evening; a technician brings a new router.".into(),
        status: TicketStatus::Open,
        due_at: Some(now_ms + 24 * 3_600_000),
    };
    store.tickets().create(&ticket, rania, now_ms - 90 * 60_000).await?;
    Ok(())
}

/// A short WAV (8 kHz mono) of rising and falling notes standing in for a
/// caller's message: the demo has no recordings to ship.
async fn write_demo_voicemail(path: &std::path::Path, secs: u32) -> std::io::Result<()> {
    use crate::media::wav::{RATE, WavWriter};

    let notes = [392.0_f64, 440.0, 523.25, 440.0, 349.23, 392.0];
    let n = (RATE * secs) as usize;
    let note_len = RATE as usize / 2;
    let samples: Vec<i16> = (0..n)
        .map(|i| {
            let (k, j) = (i / note_len, i % note_len);
            let hz = notes[k % notes.len()];
            // Each note fades in and out, with a short pause between notes.
            let env = ((j as f64 / 400.0).min(1.0) * ((note_len - j) as f64 / 800.0).min(1.0)).max(0.0);
            let t = i as f64 / f64::from(RATE);
            (env * 6000.0 * (2.0 * std::f64::consts::PI * hz * t).sin()) as i16
        })
        .collect();
    let mut w = WavWriter::new(std::io::Cursor::new(Vec::new()), 1)?;
    w.write(&samples)?;
    let bytes = w.finish()?.into_inner();
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    tokio::fs::write(path, bytes).await
}
