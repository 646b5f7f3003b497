//! Demo data for `gateway serve --demo` and the tests: a supervisor, an
//! admin, four agents (one of them Rania, from the acceptance story), the two
//! queues of the story and a handful of customers with codes and history.

use shared::Role;

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
