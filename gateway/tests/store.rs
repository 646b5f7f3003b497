//! The store on both databases: every test here runs on SQLite and on
//! PostgreSQL (when `cargo xtask test` provides one).

mod common;

use gateway::store::{AuditEntry, NewCustomer, NewUser, StoreError};
use shared::Role;

#[tokio::test]
async fn migrations_are_idempotent() {
    for (db, store) in common::stores().await {
        store.migrate().await.unwrap_or_else(|e| panic!("{db}: second migrate: {e}"));
        store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn users_round_trip_and_usernames_are_unique() {
    for (db, store) in common::stores().await {
        let u = NewUser {
            username: "rania",
            display_name: "Rania Haddad",
            role: Role::Agent,
            password_hash: "h",
            language: "ar",
        };
        let id = store.create_user(&u, 1_000).await.unwrap();
        let got = store.user_by_username("rania").await.unwrap().unwrap();
        assert_eq!((got.id, got.role, got.disabled, got.language.as_str()), (id, Role::Agent, false, "ar"), "{db}");
        assert_eq!(store.user(id).await.unwrap().unwrap().display_name, "Rania Haddad");
        assert!(matches!(store.create_user(&u, 2_000).await, Err(StoreError::Conflict("username"))), "{db}");
        let s = NewUser {
            username: "sara",
            display_name: "Sara",
            role: Role::Supervisor,
            password_hash: "h",
            language: "fa",
        };
        store.create_user(&s, 1_000).await.unwrap();
        assert_eq!(store.users(Some(Role::Agent)).await.unwrap().len(), 1, "{db}");
        assert_eq!(store.users(None).await.unwrap().len(), 2, "{db}");
        assert!(store.set_password_hash(id, "h2").await.unwrap());
        assert_eq!(store.user(id).await.unwrap().unwrap().password_hash, "h2");
        assert!(store.user_by_username("nobody").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn sessions_live_and_die() {
    for (db, store) in common::stores().await {
        let u =
            NewUser { username: "omid", display_name: "Omid", role: Role::Agent, password_hash: "h", language: "fa" };
        let uid = store.create_user(&u, 0).await.unwrap();
        store.create_session("a", uid, 1_000, 100_000).await.unwrap();
        store.create_session("b", uid, 1_000, 100_000).await.unwrap();
        store.touch_session("a", 50_000).await.unwrap();
        let a = store.session("a").await.unwrap().unwrap();
        assert_eq!((a.user_id, a.last_seen_at, a.expires_at), (uid, 50_000, 100_000), "{db}");
        // Idle limit 30 s at t=60 s: "b" (last seen at 1 s) goes, "a" stays.
        assert_eq!(store.purge_sessions(60_000, 30_000).await.unwrap(), 1, "{db}");
        assert!(store.session("b").await.unwrap().is_none());
        assert!(store.delete_session("a").await.unwrap());
        assert!(!store.delete_session("a").await.unwrap());
        store.create_session("c", uid, 1_000, 100_000).await.unwrap();
        store.create_session("d", uid, 1_000, 100_000).await.unwrap();
        assert_eq!(store.delete_user_sessions(uid).await.unwrap(), 2, "{db}");
    }
}

#[tokio::test]
async fn customers_queues_and_history() {
    for (db, store) in common::stores().await {
        let q = store.create_queue("support", "Technical support", 0).await.unwrap();
        assert!(matches!(store.create_queue("support", "again", 0).await, Err(StoreError::Conflict(_))), "{db}");
        let u =
            NewUser { username: "elif", display_name: "Elif", role: Role::Agent, password_hash: "h", language: "tr" };
        let agent = store.create_user(&u, 0).await.unwrap();
        store.add_queue_agent(q, agent).await.unwrap();
        store.add_queue_agent(q, agent).await.unwrap();
        assert_eq!(store.agent_queue_ids(agent).await.unwrap(), vec![q], "{db}");

        let c =
            NewCustomer { code: "1002", name: "Mehdi Moradi", phone: Some("+989121234567"), language: "fa", vip: true };
        let cid = store.create_customer(&c, 0).await.unwrap();
        let plain = NewCustomer { code: "1003", name: "Ayşe 100% Demir", phone: None, language: "tr", vip: false };
        store.create_customer(&plain, 0).await.unwrap();
        let got = store.customer_by_code("1002").await.unwrap().unwrap();
        assert!(got.vip, "{db}: booleans survive");
        assert_eq!(got.phone.as_deref(), Some("+989121234567"));
        assert_eq!(store.customer_by_phone("+989121234567").await.unwrap().unwrap().id, cid);
        assert!(!store.customer(cid + 1).await.unwrap().unwrap().vip);

        assert_eq!(store.search_customers("mehdi", 0, 10).await.unwrap().len(), 1, "{db}: case-insensitive name");
        assert_eq!(store.search_customers("100", 0, 10).await.unwrap().len(), 2, "{db}: code and name");
        assert_eq!(store.search_customers("100%", 0, 10).await.unwrap().len(), 1, "{db}: % is literal");
        assert_eq!(store.search_customers("_", 0, 10).await.unwrap().len(), 0, "{db}: _ is literal");
        let page1 = store.search_customers("", 0, 1).await.unwrap();
        let page2 = store.search_customers("", page1[0].id, 1).await.unwrap();
        assert_ne!(page1[0].id, page2[0].id, "{db}: cursor moves on");

        store
            .record_interaction(
                Some(cid),
                Some(q),
                Some(agent),
                "inbound",
                1_000,
                Some(2_000),
                Some("resolved"),
                Some("ok"),
            )
            .await
            .unwrap();
        store.record_interaction(Some(cid), None, None, "callback", 5_000, None, None, None).await.unwrap();
        let h = store.customer_interactions(cid, 10).await.unwrap();
        assert_eq!(h.len(), 2, "{db}");
        assert_eq!(h[0].initiation, "callback", "{db}: newest first");
        assert_eq!(h[1].disposition.as_deref(), Some("resolved"));
        assert_eq!(h[1].started_at, "1970-01-01T00:00:01Z");
    }
}

#[tokio::test]
async fn audit_log_appends() {
    for (db, store) in common::stores().await {
        for action in ["login.failed", "session.created"] {
            store
                .audit(&AuditEntry {
                    at: 7,
                    actor_id: None,
                    action: action.into(),
                    target: Some("user:x".into()),
                    source_addr: Some("127.0.0.1".into()),
                })
                .await
                .unwrap();
        }
        let e = store.audit_entries(10).await.unwrap();
        assert_eq!(
            e.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            ["session.created", "login.failed"],
            "{db}"
        );
    }
}

#[tokio::test]
async fn demo_seed_is_idempotent() {
    for (db, store) in common::stores().await {
        assert!(gateway::demo::seed_demo(&store, 1_000_000).await.unwrap(), "{db}");
        assert!(!gateway::demo::seed_demo(&store, 1_000_000).await.unwrap(), "{db}: second run writes nothing");
        let agents = store.users(Some(Role::Agent)).await.unwrap();
        assert!(agents.len() >= 4 && agents.iter().any(|a| a.username == "rania"), "{db}");
        assert!(!store.users(Some(Role::Supervisor)).await.unwrap().is_empty());
        let codes: Vec<String> = store.queues().await.unwrap().into_iter().map(|q| q.code).collect();
        assert_eq!(codes, ["support", "sales"], "{db}");
        let c = store.customer_by_code("1001").await.unwrap().unwrap();
        assert!(!store.customer_interactions(c.id, 10).await.unwrap().is_empty(), "{db}: customers have history");
    }
}
