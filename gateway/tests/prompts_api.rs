//! The voice prompt API: supervisors list and listen, administrators upload
//! their own recordings (checked, written beside the shipped ones, which
//! they replace) and take them back; call control hears that the catalog
//! changed.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use gateway::config::Config;
use gateway::media::wav::WavWriter;

fn wav(channels: u16, samples: &[i16]) -> Vec<u8> {
    let mut w = WavWriter::new(std::io::Cursor::new(Vec::new()), channels).unwrap();
    w.write(samples).unwrap();
    w.finish().unwrap().into_inner()
}

fn put(path: &str, token: &str, content_type: &str, body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method("PUT")
        .uri(path)
        .header(header::COOKIE, format!("cc_session={token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn admins_upload_and_take_back_prompts() {
    let overrides = std::env::temp_dir().join(format!("cc-prompts-{}-{}", std::process::id(), rand::random::<u64>()));
    let mut config = Config::default();
    config.media.prompts_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/prompts");
    config.media.prompts_override_dir = overrides.clone();
    let app = common::demo_app(common::sqlite().await, config).await;
    let mut changes = app.state.routing_changes.subscribe();
    let admin = app.token("admin", "demo-admin", "supervisor").await;
    let sara = app.token("sara", "demo-supervisor", "supervisor").await;
    let rania = app.token("rania", "demo-agent", "agent").await;

    assert_eq!(app.get("/api/v1/prompts", Some(&rania)).await.status, 403, "not for agents");
    let list = app.get("/api/v1/prompts", Some(&sara)).await;
    assert_eq!(list.status, 200);
    let welcome = |list: &serde_json::Value, lang: &str| {
        list.as_array().unwrap().iter().find(|p| p["language"] == lang && p["id"] == "welcome").cloned().unwrap()
    };
    assert_eq!(welcome(&list.json(), "fa")["shipped"], true);
    assert_eq!(welcome(&list.json(), "fa")["custom"], false);
    let shipped = app.get("/api/v1/prompts/fa/welcome", Some(&sara)).await;
    assert_eq!((shipped.status, shipped.headers[header::CONTENT_TYPE].to_str().unwrap()), (200, "audio/wav"));

    let ours = wav(1, &[100, -100, 200, -200, 300]);
    let a = app.call(put("/api/v1/prompts/fa/welcome", &sara, "audio/wav", ours.clone())).await;
    assert_eq!(a.status, 403, "administrators only");
    let a = app.call(put("/api/v1/prompts/fa/welcome", &admin, "audio/wav", ours.clone())).await;
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!((a.json()["custom"].as_bool(), a.json()["shipped"].as_bool()), (Some(true), Some(true)));
    assert_eq!(std::fs::read(overrides.join("fa/welcome.wav")).unwrap(), ours, "written beside the shipped ones");
    assert_eq!(app.get("/api/v1/prompts/fa/welcome", Some(&sara)).await.body, ours, "callers hear ours now");
    assert_eq!(
        changes.try_recv().unwrap(),
        gateway::http::routing_events::RoutingChanged::Prompts,
        "call control is told"
    );
    assert_eq!(welcome(&app.get("/api/v1/prompts", Some(&sara)).await.json(), "fa")["custom"], true);

    // A new prompt for flows to play.
    let a = app.call(put("/api/v1/prompts/en/holiday_notice", &admin, "audio/x-wav", ours.clone())).await;
    assert_eq!((a.status, a.json()["shipped"].as_bool()), (200, Some(false)));

    // What the IVR could not play is refused, and nothing is written.
    let a = app.call(put("/api/v1/prompts/en/stereo", &admin, "audio/wav", wav(2, &[1, 2, 3, 4]))).await;
    assert_eq!(a.status, 422);
    assert!(a.json()["detail"].as_str().unwrap().contains("mono"));
    let a = app.call(put("/api/v1/prompts/en/mp3", &admin, "audio/wav", b"ID3\x03 an mp3".to_vec())).await;
    assert_eq!(a.status, 422);
    let a = app.call(put("/api/v1/prompts/en/json", &admin, "application/json", ours.clone())).await;
    assert_eq!(a.status, 400);
    assert_eq!(app.call(put("/api/v1/prompts/xx/welcome", &admin, "audio/wav", ours.clone())).await.status, 404);
    let a = app.call(put("/api/v1/prompts/en/..%2Fwelcome", &admin, "audio/wav", ours.clone())).await;
    assert!(matches!(a.status, 400 | 404 | 422), "no path in an id: {}", a.status);
    assert!(!overrides.join("en/stereo.wav").exists() && !overrides.join("en/mp3.wav").exists());
    assert!(!overrides.join("welcome.wav").exists());

    // Taken back: the shipped prompt again.
    let del = |path: &str, token: &str| {
        Request::builder()
            .method("DELETE")
            .uri(path)
            .header(header::COOKIE, format!("cc_session={token}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(app.call(del("/api/v1/prompts/fa/welcome", &sara)).await.status, 403);
    assert_eq!(app.call(del("/api/v1/prompts/fa/welcome", &admin)).await.status, 204);
    assert_eq!(app.get("/api/v1/prompts/fa/welcome", Some(&sara)).await.body, shipped.body);
    assert_eq!(app.call(del("/api/v1/prompts/fa/welcome", &admin)).await.status, 404, "nothing left to take back");
    let audit = app.state.store.audit_entries(20).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"prompt.uploaded") && actions.contains(&"prompt.removed"), "{actions:?}");
    let _ = std::fs::remove_dir_all(&overrides);
}

/// The caller IDs agents may choose come from the outbound trunk: its
/// `caller_id` first, then its `caller_ids`; none without such a trunk.
#[tokio::test]
async fn agents_read_the_caller_ids_they_may_show() {
    use gateway::config::{TrunkConfig, TrunkOutbound};
    let app = common::demo_app(common::sqlite().await, Config::default()).await;
    let rania = app.token("rania", "demo-agent", "agent").await;
    assert_eq!(app.get("/api/v1/caller-ids", None).await.status, 401);
    let a = app.get("/api/v1/caller-ids", Some(&rania)).await;
    assert_eq!((a.status, a.json()), (200, serde_json::json!([])), "no outbound trunk");

    let mut config = Config::default();
    let outbound: TrunkOutbound = toml::from_str(
        "proxy = \"127.0.0.1:5090\"\ncaller_id = \"+441234567890\"\ncaller_ids = [\"+982112345678\", \"+97143000000\"]\n",
    )
    .unwrap();
    config.sip.trunks =
        vec![TrunkConfig { name: "carrier".into(), addresses: vec![], register: None, outbound: Some(outbound) }];
    let app = common::demo_app(common::sqlite().await, config).await;
    let rania = app.token("rania", "demo-agent", "agent").await;
    let a = app.get("/api/v1/caller-ids", Some(&rania)).await;
    assert_eq!(a.json(), serde_json::json!(["+441234567890", "+982112345678", "+97143000000"]));
}
