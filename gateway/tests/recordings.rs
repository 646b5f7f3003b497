//! Call recordings on both databases: the indexer finds finished files,
//! the search filters, the audio route serves byte ranges to supervisors
//! and admins only, downloads follow the queue's setting, every access is
//! audited, and the retention sweep deletes expired files and says so.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{Request, header};
use common::{Answer, TestApp};
use gateway::config::Config;
use gateway::store::{InteractionPatch, NewInteraction, Store};
use shared::records::{Disposition, Initiation};

const DAY: i64 = 86_400_000;

/// A finished stereo recording of `secs` seconds: caller left, agent right.
fn wav(secs: u32) -> Vec<u8> {
    let data = secs * 8000 * 4;
    let mut v = Vec::with_capacity(44 + data as usize);
    v.extend_from_slice(b"RIFF");
    v.extend_from_slice(&(36 + data).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&16u32.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&8000u32.to_le_bytes());
    v.extend_from_slice(&32000u32.to_le_bytes());
    v.extend_from_slice(&4u16.to_le_bytes());
    v.extend_from_slice(&16u16.to_le_bytes());
    v.extend_from_slice(b"data");
    v.extend_from_slice(&data.to_le_bytes());
    v.extend((0..data).map(|i| (i % 251) as u8));
    v
}

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("cc-recordings-{}-{}", std::process::id(), rand::random::<u64>()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn user_id(store: &Store, name: &str) -> i64 {
    store.user_by_username(name).await.unwrap().unwrap().id
}

/// A recorded, ended call of `queue` taken by `agent`.
#[allow(clippy::too_many_arguments)]
async fn recorded_call(
    store: &Store,
    dir: &Path,
    id: &str,
    started: i64,
    queue: &str,
    agent: i64,
    customer: Option<i64>,
    code: &str,
) {
    let mut n = NewInteraction::new(id, Initiation::Inbound, started);
    n.queue = Some(queue.into());
    n.agent_id = Some(agent);
    n.customer_id = customer;
    n.caller = Some("+15550000000".into());
    store.interaction_start(&n).await.unwrap();
    let p = InteractionPatch {
        answered_at: Some(started + 5_000),
        ended_at: Some(started + 65_000),
        disposition: Some(Disposition::Answered),
        disposition_code: Some(code.into()),
        ..Default::default()
    };
    assert!(store.interaction_update(id, &p, started + 65_000).await.unwrap());
    std::fs::write(dir.join(format!("{id}.wav")), wav(2)).unwrap();
}

async fn app(store: Store, dir: &Path) -> TestApp {
    let mut config = Config::default();
    config.media.recordings_dir = dir.to_path_buf();
    common::demo_app(store, config).await
}

fn ranged(path: &str, token: &str, range: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().method("GET").uri(path).header(header::COOKIE, format!("cc_session={token}"));
    if let Some(r) = range {
        b = b.header(header::RANGE, r);
    }
    b.body(Body::empty()).unwrap()
}

fn ids(a: &Answer) -> Vec<String> {
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    a.json()["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

async fn audit_actions(store: &Store) -> Vec<(Option<i64>, String, Option<String>)> {
    let mut v: Vec<_> =
        store.audit_entries(1000).await.unwrap().into_iter().map(|e| (e.actor_id, e.action, e.target)).collect();
    v.reverse();
    v.into_iter().filter(|(_, a, _)| a.starts_with("recording")).collect()
}

#[tokio::test]
async fn recordings_are_searched_played_downloaded_audited_and_expire() {
    for (engine, store) in common::stores().await {
        let dir = temp_dir();
        let t = app(store.clone(), &dir).await;
        let (rania, omid) = (user_id(&store, "rania").await, user_id(&store, "omid").await);
        let c1001 = store.customer_by_code("1001").await.unwrap().unwrap().id;
        let now = t.state.clock.now_ms();
        recorded_call(&store, &dir, "call-a", now - 2 * DAY, "support", rania, Some(c1001), "resolved").await;
        recorded_call(&store, &dir, "call-b", now - DAY, "sales", omid, None, "sale").await;
        recorded_call(&store, &dir, "call-c", now - 40 * DAY, "support", omid, None, "resolved").await;
        // A second recording of call-a, and one still being written.
        std::fs::write(dir.join("call-a-2.wav"), wav(1)).unwrap();
        let mut writing = wav(1);
        writing[40..44].copy_from_slice(&0u32.to_le_bytes());
        let mut n = NewInteraction::new("call-d", Initiation::Inbound, now);
        n.queue = Some("support".into());
        store.interaction_start(&n).await.unwrap();
        std::fs::write(dir.join("call-d.wav"), &writing).unwrap();
        // Neither a recording nor a call's.
        std::fs::write(dir.join("notes.txt"), b"x").unwrap();
        std::fs::write(dir.join("nobody.wav"), wav(1)).unwrap();

        let mut known = HashSet::new();
        let added = gateway::recordings::index(&store, &dir, &mut known, SystemTime::now()).await.unwrap();
        assert_eq!(added, 4, "{engine}: a, a-2, b, c; not the one being written nor the one without a call");
        assert_eq!(gateway::recordings::index(&store, &dir, &mut known, SystemTime::now()).await.unwrap(), 0);
        let record = store.interaction_record("call-a").await.unwrap().unwrap();
        assert_eq!(record.recording.as_deref(), Some("call-a"), "{engine}: the record names its recording");

        let sara = t.token("sara", "demo-supervisor", "supervisor").await;
        let admin = t.token("admin", "demo-admin", "supervisor").await;
        let agent = t.token("rania", "demo-agent", "agent").await;

        // Roles: nobody signed in 401, agents 403 (problem+json) on both routes.
        for path in ["/api/v1/recordings", "/api/v1/recordings/call-a/audio"] {
            assert_eq!(t.get(path, None).await.status, 401, "{engine} {path}");
            let a = t.get(path, Some(&agent)).await;
            assert_eq!(a.status, 403, "{engine} {path}");
            assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
        }

        // The search and its filters.
        let all = t.get("/api/v1/recordings", Some(&sara)).await;
        assert_eq!(all.status, 200, "{engine}: {}", String::from_utf8_lossy(&all.body));
        assert_eq!(ids(&all), ["call-b", "call-a-2", "call-a", "call-c"], "{engine}: newest call first");
        let first = &all.json()["items"][2];
        assert_eq!(first["call_id"], "call-a");
        assert_eq!(first["queue"], "support");
        assert_eq!(first["agent_id"], rania);
        assert_eq!(first["duration_ms"], 65_000);
        assert_eq!(first["audio_ms"], 2_000);
        assert_eq!(first["disposition_code"], "resolved");
        assert_eq!(first["customer_id"], c1001);
        assert_eq!(first["can_download"], false, "{engine}: supervisors may not by default");
        assert_eq!(search(&t, &sara, "queue=sales").await, ["call-b"]);
        assert_eq!(search(&t, &sara, &format!("agent={omid}")).await, ["call-b", "call-c"]);
        assert_eq!(search(&t, &sara, "disposition=sale").await, ["call-b"]);
        assert_eq!(search(&t, &sara, "customer=1001").await, ["call-a-2", "call-a"], "{engine}: by code");
        let name = store.customer_by_code("1001").await.unwrap().unwrap().name;
        let part: String = name.chars().skip(1).take(3).collect::<String>().to_uppercase();
        let q = format!("customer={}", urlencode(&part));
        assert_eq!(search(&t, &sara, &q).await, ["call-a-2", "call-a"], "{engine}: by part of the name");
        let from = gateway::store::rfc3339(now - 3 * DAY);
        let to = gateway::store::rfc3339(now - DAY);
        let q = format!("from={}&to={}", urlencode(&from), urlencode(&to));
        assert_eq!(search(&t, &sara, &q).await, ["call-a-2", "call-a"], "{engine}: by period");
        let page = t.get("/api/v1/recordings?limit=3", Some(&sara)).await.json();
        let next = page["next_cursor"].as_str().unwrap();
        let rest = t.get(&format!("/api/v1/recordings?limit=3&cursor={next}"), Some(&sara)).await;
        assert_eq!(ids(&rest), ["call-c"]);
        assert_eq!(t.get("/api/v1/recordings?from=yesterday", Some(&sara)).await.status, 400);

        // Playback: the whole file, then ranges as a player seeks.
        let path = "/api/v1/recordings/call-a/audio";
        let full = t.call(ranged(path, &sara, None)).await;
        assert_eq!(full.status, 200, "{engine}");
        assert_eq!(full.body, wav(2));
        assert_eq!(full.headers[header::CONTENT_TYPE], "audio/wav");
        assert_eq!(full.headers[header::ACCEPT_RANGES], "bytes");
        assert!(full.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("inline"));
        let part = t.call(ranged(path, &sara, Some("bytes=0-99"))).await;
        assert_eq!(part.status, 206);
        assert_eq!(part.headers[header::CONTENT_RANGE], format!("bytes 0-99/{}", wav(2).len()));
        assert_eq!(part.body, wav(2)[..100]);
        let seek = t.call(ranged(path, &sara, Some("bytes=32044-"))).await;
        assert_eq!(seek.status, 206);
        assert_eq!(seek.body, wav(2)[32044..]);
        // Skipping the first byte does not dodge the audit: the admin's
        // first request is audited, the next range of it is not.
        assert_eq!(t.call(ranged(path, &admin, Some("bytes=1-"))).await.status, 206);
        assert_eq!(t.call(ranged(path, &admin, Some("bytes=500-"))).await.status, 206);
        let bad = t.call(ranged(path, &sara, Some("bytes=999999-"))).await;
        assert_eq!(bad.status, 416, "{engine}: past the end");
        assert_eq!(bad.headers[header::CONTENT_RANGE], format!("bytes */{}", wav(2).len()));
        for missing in
            ["/api/v1/recordings/nope/audio", "/api/v1/recordings/..%2Fcc.db/audio", "/api/v1/recordings/nobody/audio"]
        {
            assert_eq!(t.get(missing, Some(&sara)).await.status, 404, "{engine} {missing}");
        }
        assert_eq!(t.get("/api/v1/recordings/call-a/audio?download=7", Some(&sara)).await.status, 400);

        // Downloads: admins yes; supervisors only where the queue says so.
        let dl = "/api/v1/recordings/call-a/audio?download=1";
        assert_eq!(t.get(dl, Some(&sara)).await.status, 403, "{engine}");
        let got = t.get(dl, Some(&admin)).await;
        assert_eq!(got.status, 200);
        assert!(got.headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment"));
        let mut q = store.queue_config("support").await.unwrap().unwrap().config;
        q.supervisors_download_recordings = true;
        q.recording_retention_days = Some(30);
        assert!(store.update_queue_config(&q, None, now).await.unwrap());
        assert_eq!(t.get(dl, Some(&sara)).await.status, 200, "{engine}: the queue allows it now");
        assert_eq!(t.get("/api/v1/recordings/call-b/audio?download=1", Some(&sara)).await.status, 403);
        let listed = t.get("/api/v1/recordings?queue=support", Some(&sara)).await.json();
        assert!(listed["items"].as_array().unwrap().iter().all(|i| i["can_download"] == true));

        // Every access left its row: one per playback, not per range.
        let sara_id = user_id(&store, "sara").await;
        let admin_id = user_id(&store, "admin").await;
        let rows = audit_actions(&store).await;
        let of = |who: i64, action: &str| {
            rows.iter()
                .filter(|(a, x, tg)| *a == Some(who) && x == action && tg.as_deref() == Some("recording:call-a"))
                .count()
        };
        assert_eq!(of(sara_id, "recording.played"), 2, "{engine}: the whole file and bytes=0-99: {rows:?}");
        assert_eq!(of(sara_id, "recording.download_refused"), 1);
        assert_eq!(of(admin_id, "recording.downloaded"), 1);
        assert_eq!(of(admin_id, "recording.played"), 1, "{engine}: bytes=1- started a playback");
        assert_eq!(of(sara_id, "recording.downloaded"), 1);
        assert!(rows.iter().any(|(a, x, _)| *a == Some(sara_id) && x == "recordings.searched"));

        // Retention: support keeps 30 days, sales forever. call-c (40 days) goes.
        assert_eq!(gateway::recordings::sweep_retention(&store, &dir, now).await.unwrap(), 1, "{engine}");
        assert!(!dir.join("call-c.wav").exists(), "{engine}: the file is gone");
        assert!(dir.join("call-a.wav").exists() && dir.join("call-b.wav").exists());
        let (at, by) = store.recording_deletion("call-c").await.unwrap().expect("marked deleted");
        assert_eq!((at, by.as_str()), (now, "retention"));
        assert_eq!(t.get("/api/v1/recordings/call-c/audio", Some(&sara)).await.status, 404);
        assert_eq!(ids(&t.get("/api/v1/recordings", Some(&sara)).await), ["call-b", "call-a-2", "call-a"]);
        let rows = audit_actions(&store).await;
        let retention: Vec<_> = rows.iter().filter(|(_, x, _)| x == gateway::recordings::RETENTION_AUDIT).collect();
        assert_eq!(retention.len(), 1, "{engine}");
        assert_eq!(retention[0].0, None, "by the gateway, not a user");
        assert_eq!(retention[0].2.as_deref(), Some("recording:call-c"));
        // Later, after 30 days, call-a and its second recording go too.
        let later = now + 29 * DAY;
        assert_eq!(gateway::recordings::sweep_retention(&store, &dir, later).await.unwrap(), 2);
        assert_eq!(gateway::recordings::sweep_retention(&store, &dir, later).await.unwrap(), 0, "once");
        assert_eq!(ids(&t.get("/api/v1/recordings", Some(&sara)).await), ["call-b"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

async fn search(t: &TestApp, token: &str, query: &str) -> Vec<String> {
    let a = t.get(&format!("/api/v1/recordings?{query}"), Some(token)).await;
    assert_eq!(a.status, 200, "{query}: {}", String::from_utf8_lossy(&a.body));
    ids(&a)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
