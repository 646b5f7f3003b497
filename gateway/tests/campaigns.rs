//! Outbound campaigns: the store on both databases, and the REST routes as
//! a supervisor uses them (create, import a list with bad rows, do-not-call
//! lists, start / pause / stop, results and their CSV, the dial log), with
//! bad input and the roles.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use common::Answer;
use gateway::campaign::import::ContactRow;
use gateway::config::Config;
use gateway::store::{CampaignFields, ContactChange, DialLogRow};
use serde_json::{Value, json};
use shared::campaign::{AttemptResult, CampaignMode, CampaignSettings, CampaignStatus, ContactStatus, Outcome};

/// 2023-11-14T22:13:20Z
const T0: i64 = 1_700_000_000_000;

fn row(line: usize, number: &str, name: &str) -> ContactRow {
    ContactRow {
        line,
        number: number.into(),
        name: Some(name.into()),
        time_zone: None,
        fields: vec![("plan".into(), "gold".into())],
    }
}

#[tokio::test]
async fn campaigns_contacts_do_not_call_lists_and_the_dial_log_are_stored() {
    for (db, store) in common::stores().await {
        gateway::demo::seed_demo(&store, T0).await.unwrap();
        let user = store.user_by_username("sara").await.unwrap().unwrap().id;
        let c = store.campaigns();
        let settings = CampaignSettings { caller_id: "+442079460000".into(), ..CampaignSettings::default() };
        let f = CampaignFields { name: "Renewals", mode: CampaignMode::Progressive, settings: &settings };
        let one = c.create(&f, user, T0).await.unwrap();
        assert_eq!((one.status, one.mode, one.contacts.total), (CampaignStatus::Draft, CampaignMode::Progressive, 0));
        assert_eq!(one.settings, settings, "{db}");
        assert!(c.create(&f, user, T0).await.is_err(), "{db}: names are unique");
        let f2 = CampaignFields { name: "Survey", mode: CampaignMode::Agentless, settings: &settings };
        let two = c.create(&f2, user, T0 + 1).await.unwrap();
        assert_eq!(c.list().await.unwrap().iter().map(|c| c.id).collect::<Vec<_>>(), [two.id, one.id], "{db}");
        let renamed = CampaignFields { name: "Renewals 2", ..f.clone() };
        assert_eq!(c.update(one.id, &renamed, T0 + 2).await.unwrap().unwrap().name, "Renewals 2", "{db}");
        assert!(c.update(9_999, &renamed, T0).await.unwrap().is_none(), "{db}");

        // Status moves only from the states named; start and stop are timed.
        let (draft, running) = ([CampaignStatus::Draft, CampaignStatus::Paused], CampaignStatus::Running);
        assert!(c.set_status(one.id, &draft, running, T0 + 10_000).await.unwrap(), "{db}");
        assert!(!c.set_status(one.id, &draft, running, T0 + 11_000).await.unwrap(), "{db}: running already");
        assert!(c.set_status(one.id, &[running], CampaignStatus::Stopped, T0 + 20_000).await.unwrap(), "{db}");
        let stopped = c.by_id(one.id).await.unwrap().unwrap();
        assert_eq!(stopped.started_at.as_deref(), Some("2023-11-14T22:13:30Z"), "{db}");
        assert_eq!(stopped.stopped_at.as_deref(), Some("2023-11-14T22:13:40Z"), "{db}");

        // Contacts: added once per number, paged, due, changed.
        let rows: Vec<ContactRow> = (0..1_000).map(|i| row(i + 2, &format!("+4420794{i:05}"), "C")).collect();
        assert_eq!(c.add_contacts(one.id, &rows, T0).await.unwrap(), 1_000, "{db}");
        assert_eq!(c.add_contacts(one.id, &rows[..3], T0).await.unwrap(), 0, "{db}: already listed");
        assert_eq!(c.add_contacts(two.id, &rows[..3], T0).await.unwrap(), 3, "{db}: another campaign's list");
        assert!(c.numbers(one.id).await.unwrap().contains("+442079400999"), "{db}");
        let (page, next) = c.contacts(one.id, None, 400).await.unwrap();
        assert_eq!(
            (page.len(), page[0].number.as_str(), page[0].status),
            (400, "+442079400000", ContactStatus::Pending)
        );
        assert_eq!(page[0].fields, [("plan".to_owned(), "gold".to_owned())], "{db}");
        let (rest, last) = c.contacts(one.id, next, 1_000).await.unwrap();
        assert_eq!((rest.len(), last), (600, None), "{db}");
        let first = page[0].id;
        let due = c.dialable(one.id, 2).await.unwrap();
        assert_eq!((due.len(), due[0].id, due[0].next_attempt_at, due[0].attempts), (2, first, T0, 0), "{db}");

        let retry = ContactChange {
            status: Some(ContactStatus::Pending),
            attempts: Some(1),
            next_attempt_at: Some(Some(T0 + 600_000)),
            last_attempt_at: Some(T0 + 5_000),
            last_result: Some(AttemptResult::Busy),
            ..Default::default()
        };
        assert!(c.update_contact(first, &retry, T0 + 5_000).await.unwrap(), "{db}");
        let done = ContactChange {
            status: Some(ContactStatus::Done),
            attempts: Some(2),
            next_attempt_at: Some(None),
            last_result: Some(AttemptResult::Connected),
            outcome: Some(Outcome::Completed),
            disposition: Some("sale".into()),
            agent_id: Some(user),
            ..Default::default()
        };
        assert!(c.update_contact(page[1].id, &done, T0 + 9_000).await.unwrap(), "{db}");
        assert!(!c.update_contact(9_999_999, &done, T0).await.unwrap(), "{db}");
        let a = c.contact(one.id, first).await.unwrap().unwrap();
        assert_eq!((a.attempts, a.last_result, a.status), (1, Some(AttemptResult::Busy), ContactStatus::Pending));
        assert_eq!(a.next_attempt_at.as_deref(), Some("2023-11-14T22:23:20Z"), "{db}");
        let b = c.contact(one.id, page[1].id).await.unwrap().unwrap();
        assert_eq!(
            (b.outcome, b.disposition.as_deref(), b.next_attempt_at),
            (Some(Outcome::Completed), Some("sale"), None)
        );
        assert_eq!(c.dialable(one.id, 1).await.unwrap()[0].id, page[2].id, "{db}: the busy one waits");
        let counts = c.counts(one.id).await.unwrap();
        assert_eq!((counts.total, counts.pending, counts.done), (1_000, 999, 1), "{db}");
        let (outcomes, dispositions) = c.tallies(one.id).await.unwrap();
        assert_eq!((outcomes, dispositions), (vec![("completed".into(), 1)], vec![("sale".into(), 1)]), "{db}");
        // A gateway stopped mid-call leaves a contact dialing: due again at
        // the restart, the done one untouched.
        let dialing = ContactChange { status: Some(ContactStatus::Dialing), ..Default::default() };
        assert!(c.update_contact(page[2].id, &dialing, T0 + 10_000).await.unwrap(), "{db}");
        assert_eq!(c.reset_interrupted(one.id, T0 + 20_000).await.unwrap(), 1, "{db}");
        let again = c.contact(one.id, page[2].id).await.unwrap().unwrap();
        assert_eq!(
            (again.status, again.next_attempt_at.as_deref()),
            (ContactStatus::Pending, Some("2023-11-14T22:13:40Z")),
            "{db}"
        );
        assert_eq!(c.counts(one.id).await.unwrap().done, 1, "{db}");

        // Do-not-call: the global list and each campaign's, a number once per list.
        assert!(c.dnc_add(None, "+442079400001", user, T0).await.unwrap(), "{db}");
        assert!(!c.dnc_add(None, "+442079400001", user, T0).await.unwrap(), "{db}: once");
        assert!(c.dnc_add(Some(one.id), "+442079400001", user, T0 + 1).await.unwrap(), "{db}");
        assert!(c.dnc_add(Some(two.id), "+442079400002", user, T0 + 2).await.unwrap(), "{db}");
        assert_eq!(c.dnc_list(None).await.unwrap().len(), 1, "{db}");
        let own = c.dnc_list(Some(one.id)).await.unwrap();
        assert_eq!((own.len(), own[0].campaign_id, own[0].added_by), (1, Some(one.id), Some(user)), "{db}");
        assert!(c.dnc_remove(None, "+442079400001").await.unwrap(), "{db}");
        assert!(!c.dnc_remove(None, "+442079400001").await.unwrap(), "{db}");
        assert_eq!(c.dnc_list(Some(one.id)).await.unwrap().len(), 1, "{db}: the campaign's stays");

        // The dial log, newest first, in pages.
        for i in 0..5 {
            let e = DialLogRow {
                campaign_id: one.id,
                at: T0 + i,
                contact_id: Some(first),
                attempt: Some(i + 1),
                agent_id: None,
                action: "dial".into(),
                reason: format!("pacer: {i} agents free"),
                free_agents: i as u32,
                ringing: 2,
                ratio: 1.37,
                abandon_rate: (i > 0).then_some(0.0125),
            };
            c.log(&e).await.unwrap();
        }
        let (log, next) = c.log_page(one.id, None, 3).await.unwrap();
        assert_eq!(log.iter().map(|e| e.attempt).collect::<Vec<_>>(), [Some(5), Some(4), Some(3)], "{db}");
        assert_eq!((log[0].ratio, log[0].abandon_percent, log[0].free_agents), (1.37, Some(1.25), 4), "{db}");
        let (older, end) = c.log_page(one.id, next, 3).await.unwrap();
        assert_eq!((older.len(), older[1].abandon_percent, end), (2, None, None), "{db}");
    }
}

async fn send(app: &common::TestApp, method: &str, path: &str, token: &str, body: Option<Value>) -> Answer {
    let mut req = common::request(method, path, Some(token), body);
    req.headers_mut().insert("origin", "http://127.0.0.1:8080".parse().unwrap());
    app.call(req).await
}

async fn upload(app: &common::TestApp, id: i64, token: &str, csv: &str) -> Answer {
    let req = Request::builder()
        .method("POST")
        .uri(format!("/api/v1/campaigns/{id}/contacts"))
        .header(header::COOKIE, format!("cc_session={token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.to_owned()))
        .unwrap();
    app.call(req).await
}

fn text(a: &Answer) -> String {
    String::from_utf8_lossy(&a.body).into_owned()
}

fn campaign_body(name: &str) -> Value {
    json!({
        "name": name,
        "mode": "progressive",
        "settings": {
            "caller_id": "+44 20 7946 0000",
            "time_zone": "Asia/Tehran",
            "country_code": "98",
            "windows": [{ "days": ["sat", "sun", "mon", "tue", "wed"], "start": "09:00", "end": "20:00" }],
            "max_attempts": 4,
            "retry_minutes": { "busy": 5, "no_answer": 60, "failed": null, "machine": 240, "abandoned": 30 },
            "machine_action": "leave_message",
            "script": "Hello, this is Sara from the shop…",
            "dispositions": ["sale", "no_interest", "call_back"],
        }
    })
}

#[tokio::test]
async fn a_supervisor_creates_a_campaign_imports_a_list_and_runs_it() {
    for (db, store) in common::stores().await {
        let app = common::demo_app(store, Config::default()).await;
        let sara = app.token("sara", "demo-supervisor", "supervisor").await;
        let rania = app.token("rania", "demo-agent", "agent").await;

        // Agents do not manage campaigns.
        assert_eq!(send(&app, "GET", "/api/v1/campaigns", &rania, None).await.status, 403, "{db}");
        let a = send(&app, "POST", "/api/v1/campaigns", &rania, Some(campaign_body("X"))).await;
        assert_eq!(a.status, 403, "{db}");

        let a = send(&app, "POST", "/api/v1/campaigns", &sara, Some(campaign_body("Spring renewals"))).await;
        assert_eq!(a.status, 201, "{db}: {}", text(&a));
        let c = a.json();
        let id = c["id"].as_i64().unwrap();
        assert_eq!((c["status"].as_str(), c["mode"].as_str()), (Some("draft"), Some("progressive")), "{db}");
        assert_eq!(c["settings"]["caller_id"], "+442079460000", "{db}: stored as E.164");
        assert_eq!(c["settings"]["retry_minutes"]["failed"], Value::Null, "{db}");
        let a = send(&app, "POST", "/api/v1/campaigns", &sara, Some(campaign_body("Spring renewals"))).await;
        assert_eq!(a.status, 409, "{db}");
        let mut bad = campaign_body("Bad");
        bad["settings"]["windows"][0]["end"] = json!("08:00");
        let a = send(&app, "POST", "/api/v1/campaigns", &sara, Some(bad)).await;
        assert_eq!((a.status, a.json()["key"].as_str()), (422, Some("settings.windows[0].end")), "{db}");
        assert_eq!(a.headers["content-type"], "application/problem+json");

        // A list with malformed rows: the good ones load, every bad one is
        // reported with its line and why, duplicates with the first line.
        let csv = "number,name,time_zone,plan\r\n\
                   +98 912 123 4567,Ali,,gold\r\n\
                   ۰۹۱۲ ۷۶۵ ۴۳۲۱,رضا,Asia/Tehran,silver\r\n\
                   09121234567,Ali again,,\r\n\
                   call me maybe,Bad,,\r\n\
                   +44 20 7946 0001,Jo,Mars/Olympus,\r\n\
                   \r\n\
                   +44 20 7946 0002,Too,many,fields,here\r\n\
                   +44 20 7946 0003,\"Quote\"d,,\r\n\
                   +44 20 7946 0004,Last,Europe/London,bronze\r\n";
        let a = upload(&app, id, &sara, csv).await;
        assert_eq!(a.status, 200, "{db}: {}", text(&a));
        let r = a.json();
        assert_eq!((r["rows"].as_u64(), r["loaded"].as_u64(), r["blank_lines"].as_u64()), (Some(8), Some(3), Some(1)));
        let bad: Vec<(u64, String)> = r["bad"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| (b["line"].as_u64().unwrap(), b["reason"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(
            bad.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            [5, 6, 8, 9],
            "{db}: every bad row by its line: {bad:?}"
        );
        assert!(bad[0].1.starts_with("number "), "{bad:?}");
        assert!(bad[1].1.starts_with("time_zone "), "{bad:?}");
        assert_eq!(bad[2].1, "has 5 fields where the first row names 4");
        assert_eq!(r["duplicates"], json!([{ "line": 4, "first_line": 2 }]), "{db}");
        // Imported again: all three are duplicates of listed contacts.
        let again = upload(&app, id, &sara, "phone\n+989121234567\n+989127654321\n").await.json();
        assert_eq!((again["loaded"].as_u64(), again["duplicates"].as_array().unwrap().len()), (Some(0), 2), "{db}");
        let a = upload(&app, id, &sara, "name,plan\nA,b\n").await;
        assert_eq!((a.status, a.json()["key"].as_str()), (422, Some("file")), "{db}");
        let a = upload(&app, 9_999, &sara, "number\n+989121234567\n").await;
        assert_eq!(a.status, 404, "{db}");

        // Results: counts and each contact, numbers in E.164.
        let a = send(&app, "GET", &format!("/api/v1/campaigns/{id}/results?limit=2"), &sara, None).await;
        assert_eq!(a.status, 200, "{db}: {}", text(&a));
        let res = a.json();
        assert_eq!((res["counts"]["total"].as_i64(), res["counts"]["pending"].as_i64()), (Some(3), Some(3)), "{db}");
        let numbers: Vec<&str> =
            res["items"].as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap()).collect();
        assert_eq!(numbers, ["+989121234567", "+989127654321"], "{db}");
        assert_eq!(res["items"][1]["fields"], json!([["plan", "silver"]]), "{db}");
        let next = res["next_cursor"].as_str().expect("a second page").to_owned();
        let a = send(&app, "GET", &format!("/api/v1/campaigns/{id}/results?cursor={next}"), &sara, None).await;
        assert_eq!(a.json()["items"][0]["number"], "+442079460004", "{db}");
        assert!(a.json().get("next_cursor").is_none(), "{db}");

        // Do-not-call: global and per campaign; national numbers get the
        // campaign's country code on its own list.
        let a = send(&app, "POST", "/api/v1/dnc", &sara, Some(json!({ "number": "+98 912 123 4567" }))).await;
        assert_eq!(a.status, 201, "{db}: {}", text(&a));
        let a = send(&app, "POST", "/api/v1/dnc", &sara, Some(json!({ "number": "٠٠٩٨٩١٢١٢٣٤٥٦٧" }))).await;
        assert_eq!(a.status, 200, "{db}: already listed");
        let a = send(&app, "POST", "/api/v1/dnc", &sara, Some(json!({ "number": "0912 123 4567" }))).await;
        assert_eq!((a.status, a.json()["key"].as_str()), (422, Some("number")), "{db}: no country code globally");
        let path = format!("/api/v1/campaigns/{id}/dnc");
        let a = send(&app, "POST", &path, &sara, Some(json!({ "number": "0912 765 4321" }))).await;
        assert_eq!(a.status, 201, "{db}: {}", text(&a));
        let list = send(&app, "GET", &path, &sara, None).await.json();
        assert_eq!((list[0]["number"].as_str(), list[0]["campaign_id"].as_i64()), (Some("+989127654321"), Some(id)));
        let global = send(&app, "GET", "/api/v1/dnc", &sara, None).await.json();
        assert_eq!(global.as_array().unwrap().len(), 1, "{db}");
        assert_eq!(send(&app, "DELETE", "/api/v1/dnc/+989121234567", &sara, None).await.status, 204, "{db}");
        assert_eq!(send(&app, "DELETE", "/api/v1/dnc/+989121234567", &sara, None).await.status, 404, "{db}");
        let a = send(&app, "DELETE", &format!("{path}/+989127654321"), &sara, None).await;
        assert_eq!(a.status, 204, "{db}");
        assert_eq!(send(&app, "GET", "/api/v1/dnc", &rania, None).await.status, 403, "{db}");

        // Start, pause, start again, stop; a wrong move is refused.
        let act = |verb: &'static str| format!("/api/v1/campaigns/{id}/{verb}");
        assert_eq!(send(&app, "POST", &act("pause"), &sara, None).await.status, 409, "{db}: not running");
        let a = send(&app, "POST", &act("start"), &sara, None).await;
        assert_eq!((a.status, a.json()["status"].as_str()), (200, Some("running")), "{db}: {}", text(&a));
        assert!(a.json()["started_at"].is_string(), "{db}");
        assert_eq!(send(&app, "POST", &act("start"), &sara, None).await.status, 409, "{db}");
        assert_eq!(send(&app, "POST", &act("pause"), &sara, None).await.json()["status"], "paused", "{db}");
        assert_eq!(send(&app, "POST", &act("start"), &sara, None).await.json()["status"], "running", "{db}");
        assert_eq!(send(&app, "POST", &act("start"), &rania, None).await.status, 403, "{db}");
        assert_eq!(send(&app, "POST", &act("stop"), &sara, None).await.json()["status"], "stopped", "{db}");
        assert_eq!(send(&app, "POST", &act("start"), &sara, None).await.status, 409, "{db}: stopped for good");
        let a = send(&app, "PUT", &format!("/api/v1/campaigns/{id}"), &sara, Some(campaign_body("Renamed"))).await;
        assert_eq!(a.status, 409, "{db}: a stopped campaign does not change");
        assert_eq!(upload(&app, id, &sara, "number\n+442079460009\n").await.status, 409, "{db}");

        // The dial log has each move, newest first, with who made it.
        let log = send(&app, "GET", &format!("/api/v1/campaigns/{id}/dial_log"), &sara, None).await.json();
        let actions: Vec<&str> =
            log["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["stop", "start", "pause", "start"], "{db}");
        assert!(log["items"][0]["reason"].as_str().unwrap().starts_with("stopped by user "), "{db}");

        // The results as CSV: a header, our columns, then the list's.
        let a = send(&app, "GET", &format!("/api/v1/campaigns/{id}/results.csv"), &sara, None).await;
        assert_eq!(a.status, 200, "{db}: {}", text(&a));
        assert_eq!(a.headers["content-type"], "text/csv; charset=utf-8");
        let body = text(&a);
        let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 4, "{db}: {body}");
        assert!(lines[0].starts_with("id,number,name,time_zone,status,attempts,last_result,"), "{body}");
        assert!(lines[0].ends_with(",agent_id,plan"), "{body}");
        assert!(lines[2].contains(",+989127654321,رضا,Asia/Tehran,pending,0,"), "{body}");
        assert!(lines[2].ends_with(",silver"), "{body}");

        // Changes are audited by id, never with a number.
        let audit = app.state.store.audit_entries(100).await.unwrap();
        for action in [
            "campaign.created",
            "campaign.contacts_imported",
            "campaign.running",
            "campaign.paused",
            "campaign.stopped",
            "dnc.added",
            "dnc.removed",
        ] {
            assert!(audit.iter().any(|e| e.action == action), "{db}: {action} audited");
        }
        assert!(audit.iter().all(|e| !e.target.as_deref().unwrap_or("").contains("+98")), "{db}");
        let list = send(&app, "GET", "/api/v1/campaigns", &sara, None).await.json();
        assert_eq!(list[0]["contacts"]["total"], 3, "{db}");
    }
}
