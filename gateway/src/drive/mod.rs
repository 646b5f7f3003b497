//! Drivers: tokio tasks that own sockets and clocks and feed the sans-IO
//! cores. Each is thin: read, hand to the core, do what it says.

pub mod calls;
pub mod dialer;
pub mod sip;
pub mod wallboard;
pub mod webrtc;
