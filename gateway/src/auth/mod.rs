//! Accounts and sessions: password hashes, session tokens and the login
//! throttle. The HTTP layer (`http::session`) puts these together.

pub mod password;
pub mod throttle;
pub mod token;
