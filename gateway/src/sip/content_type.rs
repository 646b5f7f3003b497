//! The Content-Type header (RFC 3261 §20.15) and the media type it shares with
//! Accept.

use std::fmt;

use super::error::SyntaxError;
use super::params::Params;
use super::scan::{Cursor, is_token};

/// `type/subtype;params`. Type and subtype keep their spelling and compare
/// case-insensitively ([`MediaType::is`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    pub kind: String,
    pub subtype: String,
    pub params: Params,
}

/// The body type our media layer speaks.
pub const APPLICATION_SDP: (&str, &str) = ("application", "sdp");

impl MediaType {
    pub fn new(kind: &str, subtype: &str) -> Self {
        Self { kind: kind.to_owned(), subtype: subtype.to_owned(), params: Params::new() }
    }

    pub fn sdp() -> Self {
        Self::new(APPLICATION_SDP.0, APPLICATION_SDP.1)
    }

    /// Parses a Content-Type value: every parameter must have a value
    /// (m-parameter = m-attribute EQUAL m-value).
    pub fn parse(s: &str) -> Result<MediaType, SyntaxError> {
        let mt = Self::parse_range(s)?;
        if mt.params.iter().any(|p| p.value.is_none()) {
            return Err(SyntaxError::new("media type parameter"));
        }
        Ok(mt)
    }

    /// Parses a media-range of Accept, where `*` may stand for type or subtype and
    /// accept-params (`q`) may come without value.
    pub(crate) fn parse_range(s: &str) -> Result<MediaType, SyntaxError> {
        let mut c = Cursor::new(s);
        c.skip_wsp();
        let kind = c.token().ok_or(SyntaxError::new("media type"))?;
        if !c.eat_sep(b'/') {
            return Err(SyntaxError::new("media type"));
        }
        let subtype = c.token().ok_or(SyntaxError::new("media subtype"))?;
        let params = Params::scan_generic(&mut c)?;
        c.skip_wsp();
        c.expect_end("media type")?;
        debug_assert!(is_token(kind) && is_token(subtype));
        Ok(MediaType { kind: kind.to_owned(), subtype: subtype.to_owned(), params })
    }

    pub fn is(&self, kind: &str, subtype: &str) -> bool {
        self.kind.eq_ignore_ascii_case(kind) && self.subtype.eq_ignore_ascii_case(subtype)
    }

    pub fn is_sdp(&self) -> bool {
        self.is(APPLICATION_SDP.0, APPLICATION_SDP.1)
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}{}", self.kind, self.subtype, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) -> MediaType {
        let m = MediaType::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(m.to_string(), printed);
        assert_eq!(MediaType::parse(printed).unwrap(), m);
        m
    }

    #[test]
    fn round_trip() {
        assert!(check("application/sdp", "application/sdp").is_sdp());
        assert!(check("Application/SDP", "Application/SDP").is_sdp());
        let m = check("multipart/mixed;boundary=7a9cbec02ceef655", "multipart/mixed;boundary=7a9cbec02ceef655");
        assert_eq!(m.params.value("boundary"), Some("7a9cbec02ceef655"));
        check("text/plain ; charset = \"utf-8\"", "text/plain;charset=\"utf-8\"");
        check("application / sdp", "application/sdp");
    }

    #[test]
    fn rejects() {
        for bad in ["", "application", "application/", "/sdp", "text/plain;charset", "a/b c", "a/b;"] {
            assert!(MediaType::parse(bad).is_err(), "{bad:?}");
        }
    }
}
