//! SIP request methods (RFC 3261 §7.1 and the extensions a contact center meets).

use std::fmt;

use super::error::SyntaxError;
use super::scan::is_token;

/// A request method. Methods are case-sensitive tokens (RFC 3261 §7.1), so
/// `invite` is an extension method, not INVITE; extension methods are kept as
/// [`Method::Other`] so that a UAS can answer them with 405 rather than 400.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    Invite,
    Ack,
    Options,
    Bye,
    Cancel,
    Register,
    Prack,
    Subscribe,
    Notify,
    Publish,
    Info,
    Refer,
    Message,
    Update,
    /// Any other token. Build it through [`Method::parse`] so that a known method
    /// never ends up here and compares unequal to itself.
    Other(String),
}

const KNOWN: [(Method, &str); 14] = [
    (Method::Invite, "INVITE"),
    (Method::Ack, "ACK"),
    (Method::Options, "OPTIONS"),
    (Method::Bye, "BYE"),
    (Method::Cancel, "CANCEL"),
    (Method::Register, "REGISTER"),
    (Method::Prack, "PRACK"),
    (Method::Subscribe, "SUBSCRIBE"),
    (Method::Notify, "NOTIFY"),
    (Method::Publish, "PUBLISH"),
    (Method::Info, "INFO"),
    (Method::Refer, "REFER"),
    (Method::Message, "MESSAGE"),
    (Method::Update, "UPDATE"),
];

impl Method {
    pub fn parse(s: &str) -> Result<Method, SyntaxError> {
        if let Some((m, _)) = KNOWN.iter().find(|(_, name)| *name == s) {
            return Ok(m.clone());
        }
        if is_token(s) { Ok(Method::Other(s.to_owned())) } else { Err(SyntaxError::new("method")) }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Method::Other(s) => s,
            known => KNOWN.iter().find(|(m, _)| m == known).map_or("", |(_, name)| name),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for s in ["INVITE", "ACK", "UPDATE", "RE%47IST%45R", "!interesting-Method0123456789_*+`.%indeed'~"] {
            let m = Method::parse(s).unwrap();
            assert_eq!(m.to_string(), s);
            assert_eq!(Method::parse(&m.to_string()).unwrap(), m);
        }
        assert_eq!(Method::parse("INVITE").unwrap(), Method::Invite);
        assert_eq!(Method::parse("invite").unwrap(), Method::Other("invite".into()));
        for bad in ["", "IN VITE", "<X>", "É"] {
            assert!(Method::parse(bad).is_err(), "{bad:?}");
        }
    }
}
