//! Header names (full and compact forms, RFC 3261 §7.3.3) and the [`Header`] enum
//! for every header that is not one of the fixed fields of
//! [`Headers`](super::Headers).

use std::fmt;

use super::accept::Accept;
use super::auth::{Challenge, Credentials};
use super::contact::Contact;
use super::date::Date;
use super::error::SyntaxError;
use super::expires::Expires;
use super::name_addr::NameAddr;
use super::option_tags::OptionTags;
use super::scan::{is_token, trim_wsp};

/// What the parser does with a header, found by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Via,
    From,
    To,
    CallId,
    CSeq,
    MaxForwards,
    ContentLength,
    ContentType,
    Contact,
    Route,
    RecordRoute,
    Expires,
    Date,
    Accept,
    Require,
    ProxyRequire,
    Supported,
    Unsupported,
    WwwAuthenticate,
    ProxyAuthenticate,
    Authorization,
    ProxyAuthorization,
    /// A header we keep as text, under its canonical name.
    Text,
}

/// (canonical name, compact form, kind). Compact forms come from RFC 3261 and the
/// IANA SIP parameters registry; unknown headers keep the name they came with.
const NAMES: [(&str, Option<&str>, Kind); 38] = [
    ("Via", Some("v"), Kind::Via),
    ("From", Some("f"), Kind::From),
    ("To", Some("t"), Kind::To),
    ("Call-ID", Some("i"), Kind::CallId),
    ("CSeq", None, Kind::CSeq),
    ("Max-Forwards", None, Kind::MaxForwards),
    ("Content-Length", Some("l"), Kind::ContentLength),
    ("Content-Type", Some("c"), Kind::ContentType),
    ("Contact", Some("m"), Kind::Contact),
    ("Route", None, Kind::Route),
    ("Record-Route", None, Kind::RecordRoute),
    ("Expires", None, Kind::Expires),
    ("Date", None, Kind::Date),
    ("Accept", None, Kind::Accept),
    ("Require", None, Kind::Require),
    ("Proxy-Require", None, Kind::ProxyRequire),
    ("Supported", Some("k"), Kind::Supported),
    ("Unsupported", None, Kind::Unsupported),
    ("WWW-Authenticate", None, Kind::WwwAuthenticate),
    ("Proxy-Authenticate", None, Kind::ProxyAuthenticate),
    ("Authorization", None, Kind::Authorization),
    ("Proxy-Authorization", None, Kind::ProxyAuthorization),
    ("Content-Encoding", Some("e"), Kind::Text),
    ("Subject", Some("s"), Kind::Text),
    ("Event", Some("o"), Kind::Text),
    ("Refer-To", Some("r"), Kind::Text),
    ("Referred-By", Some("b"), Kind::Text),
    ("Allow-Events", Some("u"), Kind::Text),
    ("Session-Expires", Some("x"), Kind::Text),
    ("Identity", Some("y"), Kind::Text),
    ("Accept-Contact", Some("a"), Kind::Text),
    ("Reject-Contact", Some("j"), Kind::Text),
    ("Request-Disposition", Some("d"), Kind::Text),
    ("Identity-Info", Some("n"), Kind::Text),
    ("Accept-Encoding", None, Kind::Text),
    ("Allow", None, Kind::Text),
    ("Content-Disposition", None, Kind::Text),
    ("User-Agent", None, Kind::Text),
];

/// Finds a header by name, ignoring case, in full or compact form.
pub(crate) fn lookup(name: &str) -> Option<(Kind, &'static str)> {
    NAMES
        .iter()
        .find(|(full, compact, _)| {
            full.eq_ignore_ascii_case(name) || compact.is_some_and(|c| c.eq_ignore_ascii_case(name))
        })
        .map(|(full, _, kind)| (*kind, *full))
}

/// A header we do not interpret: its name and its value with folding undone.
/// Both are checked on construction, so a printed message can never gain a
/// header line that was smuggled into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherHeader {
    name: String,
    value: String,
}

impl OtherHeader {
    /// The name must be a token; the value must not contain CR or LF.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Result<Self, SyntaxError> {
        let (name, value) = (name.into(), value.into());
        if !is_token(&name) {
            return Err(SyntaxError::new("header name"));
        }
        if value.contains(['\r', '\n']) {
            return Err(SyntaxError::new("header value"));
        }
        let value = trim_wsp(&value).to_owned();
        Ok(Self { name, value })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A header other than the fixed fields of [`Headers`](super::Headers).
/// List-valued headers (Contact, Route, Record-Route) hold one element per entry,
/// so the order of elements is the order of entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Header {
    Contact(Contact),
    Route(NameAddr),
    RecordRoute(NameAddr),
    Expires(Expires),
    Date(Date),
    Accept(Accept),
    Require(OptionTags),
    ProxyRequire(OptionTags),
    Supported(OptionTags),
    Unsupported(OptionTags),
    WwwAuthenticate(Challenge),
    ProxyAuthenticate(Challenge),
    Authorization(Credentials),
    ProxyAuthorization(Credentials),
    Other(OtherHeader),
}

impl Header {
    pub fn name(&self) -> &str {
        match self {
            Header::Contact(_) => "Contact",
            Header::Route(_) => "Route",
            Header::RecordRoute(_) => "Record-Route",
            Header::Expires(_) => "Expires",
            Header::Date(_) => "Date",
            Header::Accept(_) => "Accept",
            Header::Require(_) => "Require",
            Header::ProxyRequire(_) => "Proxy-Require",
            Header::Supported(_) => "Supported",
            Header::Unsupported(_) => "Unsupported",
            Header::WwwAuthenticate(_) => "WWW-Authenticate",
            Header::ProxyAuthenticate(_) => "Proxy-Authenticate",
            Header::Authorization(_) => "Authorization",
            Header::ProxyAuthorization(_) => "Proxy-Authorization",
            Header::Other(o) => o.name(),
        }
    }
}

/// Prints `Name: value`, without the line end.
impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.name())?;
        match self {
            Header::Contact(v) => v.fmt(f),
            Header::Route(v) | Header::RecordRoute(v) => v.fmt(f),
            Header::Expires(v) => v.fmt(f),
            Header::Date(v) => v.fmt(f),
            Header::Accept(v) => v.fmt(f),
            Header::Require(v) | Header::ProxyRequire(v) | Header::Supported(v) | Header::Unsupported(v) => v.fmt(f),
            Header::WwwAuthenticate(v) | Header::ProxyAuthenticate(v) => v.fmt(f),
            Header::Authorization(v) | Header::ProxyAuthorization(v) => v.fmt(f),
            Header::Other(o) => f.write_str(o.value()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ignore_case_and_know_compact_forms() {
        assert_eq!(lookup("vIA"), Some((Kind::Via, "Via")));
        assert_eq!(lookup("V"), Some((Kind::Via, "Via")));
        assert_eq!(lookup("i"), Some((Kind::CallId, "Call-ID")));
        assert_eq!(lookup("l"), Some((Kind::ContentLength, "Content-Length")));
        assert_eq!(lookup("c"), Some((Kind::ContentType, "Content-Type")));
        assert_eq!(lookup("k"), Some((Kind::Supported, "Supported")));
        assert_eq!(lookup("s"), Some((Kind::Text, "Subject")));
        assert_eq!(lookup("www-authenticate"), Some((Kind::WwwAuthenticate, "WWW-Authenticate")));
        assert_eq!(lookup("C%6Fntact"), None);
        assert_eq!(lookup("q"), None);
    }

    #[test]
    fn round_trip() {
        let h = Header::Other(OtherHeader::new("NewFangledHeader", "  newfangled value  continued ").unwrap());
        assert_eq!(h.to_string(), "NewFangledHeader: newfangled value  continued");
        let h = Header::Require(OptionTags::parse("timer, 100rel").unwrap());
        assert_eq!(h.to_string(), "Require: timer, 100rel");
        assert!(OtherHeader::new("X", "a\r\nVia: evil").is_err());
        assert!(OtherHeader::new("X Y", "a").is_err());
        assert!(OtherHeader::new("", "a").is_err());
    }
}
