//! Who calls and which number they dialed, read from an incoming INVITE.
//!
//! The caller is the first P-Asserted-Identity (RFC 3325) when the trunk
//! sends one (carriers assert the network-verified number there and may put
//! anything in From), else From. The dialed number (DID) is the user part of
//! the Request-URI, which carriers set to the called number, else To.

use crate::sip::{NameAddr, Request, Uri};

/// The caller as the desks show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// A phone number or SIP user; `anonymous` when withheld or unreadable.
    pub number: String,
    pub name: Option<String>,
}

/// Longest number or name kept; the rest is cut (a display, not a key).
const MAX_LEN: usize = 64;

pub fn caller(invite: &Request) -> Caller {
    let asserted = invite.headers.text("P-Asserted-Identity").find_map(|v| {
        // The header may list a SIP and a tel identity; the first readable wins.
        v.split(',').find_map(|one| NameAddr::parse(one.trim()).ok())
    });
    let who = asserted.as_ref().unwrap_or(&invite.headers.from);
    let number = user_of(&who.uri).unwrap_or_else(|| "anonymous".to_owned());
    let name = who
        .display_name
        .as_ref()
        .map(|d| clip(d.as_str().trim()))
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("anonymous"));
    Caller { number, name }
}

/// The dialed number.
pub fn dialed(invite: &Request) -> String {
    user_of(&invite.uri).or_else(|| user_of(&invite.headers.to.uri)).unwrap_or_default()
}

fn user_of(uri: &Uri) -> Option<String> {
    let user = match uri {
        Uri::Sip(u) => {
            let raw = u.user_decoded()?;
            String::from_utf8_lossy(&raw).into_owned()
        }
        Uri::Tel(t) => t.number.clone(),
        _ => return None,
    };
    // A number's visual separators (RFC 3966) are not part of it.
    let user: String = user.chars().filter(|c| !matches!(c, '-' | '.' | '(' | ')' | ' ')).collect();
    (!user.is_empty()).then(|| clip(&user))
}

fn clip(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(MAX_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::parse_datagram;

    fn invite(extra: &str, from: &str, ruri: &str) -> Request {
        let text = format!(
            "INVITE {ruri} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nMax-Forwards: 70\r\n\
             From: {from};tag=a\r\nTo: <sip:gw@192.0.2.2>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\
             Contact: <sip:x@192.0.2.1>\r\n{extra}Content-Length: 0\r\n\r\n"
        );
        match parse_datagram(text.as_bytes()).unwrap() {
            crate::sip::Message::Request(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn asserted_identity_wins_over_from() {
        let r = invite(
            "P-Asserted-Identity: \"Rania Haddad\" <sip:+966501234567@carrier.example>, <tel:+966501234567>\r\n",
            "<sip:spoofed@carrier.example>",
            "sip:+441234567890@192.0.2.2",
        );
        assert_eq!(caller(&r), Caller { number: "+966501234567".into(), name: Some("Rania Haddad".into()) });
        assert_eq!(dialed(&r), "+441234567890");
    }

    #[test]
    fn from_when_nothing_is_asserted() {
        let r = invite("", "\"Anonymous\" <sip:anonymous@anonymous.invalid>", "sip:192.0.2.2");
        assert_eq!(caller(&r), Caller { number: "anonymous".into(), name: None });
        assert_eq!(dialed(&r), "gw", "the To user when the Request-URI has none");
        let tel = invite("", "<tel:+1-201-555-0123>", "sip:%2B15550100@192.0.2.2");
        assert_eq!(caller(&tel).number, "+12015550123");
        assert_eq!(dialed(&tel), "+15550100");
    }

    #[test]
    fn an_unreadable_assertion_falls_back_to_from() {
        let r = invite("P-Asserted-Identity: <<<\r\n", "<sip:100@carrier.example>", "sip:200@192.0.2.2");
        assert_eq!(caller(&r).number, "100");
    }
}
