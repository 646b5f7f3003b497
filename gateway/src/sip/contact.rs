//! The Contact header (RFC 3261 §20.10): a list of name-addrs, or `*` in a
//! REGISTER that removes every binding.

use std::fmt;

use super::error::SyntaxError;
use super::expires::parse_delta_seconds;
use super::name_addr::{Form, NameAddr};
use super::scan::{split_list, trim_wsp};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// `Contact: *`.
    Star,
    Addr(NameAddr),
}

impl Contact {
    /// Parses one whole Contact header value into its elements.
    pub fn parse_list(value: &str) -> Result<Vec<Contact>, SyntaxError> {
        if trim_wsp(value) == "*" {
            return Ok(vec![Contact::Star]);
        }
        split_list(value).map(|item| NameAddr::parse_form(item?, Form::Any).map(Contact::Addr)).collect()
    }

    pub fn name_addr(&self) -> Option<&NameAddr> {
        match self {
            Contact::Star => None,
            Contact::Addr(na) => Some(na),
        }
    }

    /// The `expires` parameter in seconds, saturated like the Expires header.
    pub fn expires(&self) -> Option<u32> {
        self.name_addr()?.params.value("expires").and_then(|v| parse_delta_seconds(v).ok())
    }
}

impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contact::Star => f.write_str("*"),
            Contact::Addr(na) => na.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &[&str]) -> Vec<Contact> {
        let list = Contact::parse_list(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        let out: Vec<String> = list.iter().map(ToString::to_string).collect();
        assert_eq!(out, printed);
        for (c, p) in list.iter().zip(printed) {
            assert_eq!(&Contact::parse_list(p).unwrap()[0], c);
        }
        list
    }

    #[test]
    fn round_trip() {
        check("*", &["*"]);
        check("sip:+19725552222@gw1.example.net;unknownparam", &["<sip:+19725552222@gw1.example.net>;unknownparam"]);
        check(
            "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =      newvalue ;  secondparam ; q = 0.33",
            &["\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com>;newparam=newvalue;secondparam;q=0.33"],
        );
        check("<sip:a@b>, \"x, y\" <sip:c@d>;expires=60", &["<sip:a@b>", "\"x, y\" <sip:c@d>;expires=60"]);
        let c = check(
            "<sip:user@host129.example.com>  ;expires=280297596632815",
            &["<sip:user@host129.example.com>;expires=280297596632815"],
        );
        assert_eq!(c[0].expires(), Some(u32::MAX));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "*, <sip:a@b>",
            "<sip:a@b>,",
            "sip:user@example.com?Route=%3Csip:x%3E",
            "\"Joe\" <sip:joe@example.org>;;;;",
        ] {
            assert!(Contact::parse_list(bad).is_err(), "{bad:?}");
        }
    }
}
