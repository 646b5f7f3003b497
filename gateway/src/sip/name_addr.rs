//! name-addr / addr-spec with header parameters: the value of From, To, Route,
//! Record-Route and (through `contact.rs`) Contact (RFC 3261 §20.10, §25.1).

use std::fmt;

use super::error::SyntaxError;
use super::params::Params;
use super::scan::{Cursor, is_wsp, write_quoted};
use super::uri::Uri;

/// A display name. The text is private so that a name built by our own code (a
/// CRM's customer name, say) always goes through [`DisplayName::new`], which
/// quotes it; quoting escapes what must be escaped and a printed header can
/// never be split by a line break inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName {
    text: String,
    quoted: bool,
}

impl DisplayName {
    /// A display name that prints as a quoted string.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), quoted: true }
    }

    /// The name with quoting resolved; unquoted names have their tokens joined by
    /// single spaces.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted { write_quoted(f, &self.text) } else { f.write_str(&self.text) }
    }
}

/// `[display-name] <URI> *(;param)` or `URI *(;param)`.
///
/// Whether the URI came in angle brackets is not kept: we always print them,
/// which RFC 3261 permits everywhere and which keeps URI parameters apart from
/// header parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    pub display_name: Option<DisplayName>,
    pub uri: Uri,
    pub params: Params,
}

/// Which forms a header allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// name-addr or addr-spec (From, To, Contact).
    Any,
    /// name-addr only (Route, Record-Route).
    NameAddrOnly,
}

const ERR: SyntaxError = SyntaxError::new("name-addr");

impl NameAddr {
    pub fn new(uri: Uri) -> Self {
        Self { display_name: None, uri, params: Params::new() }
    }

    /// Parses a From or To value.
    pub fn parse(s: &str) -> Result<NameAddr, SyntaxError> {
        Self::parse_form(s, Form::Any)
    }

    pub(crate) fn parse_form(s: &str, form: Form) -> Result<NameAddr, SyntaxError> {
        let mut c = Cursor::new(s);
        c.skip_wsp();
        let display_name = if c.peek() == Some(b'"') {
            let text = c.quoted()?;
            c.skip_wsp();
            if c.peek() != Some(b'<') {
                return Err(ERR);
            }
            Some(DisplayName { text, quoted: true })
        } else {
            // *(token LWS) followed by "<" is a display name; anything else is
            // read again from the start as an addr-spec.
            let mut probe = c.clone();
            let mut words: Vec<&str> = Vec::new();
            while let Some(t) = probe.token() {
                words.push(t);
                probe.skip_wsp();
            }
            if probe.peek() == Some(b'<') {
                c = probe;
                (!words.is_empty()).then(|| DisplayName { text: words.join(" "), quoted: false })
            } else {
                None
            }
        };

        let uri = if c.eat(b'<') {
            // LAQUOT / RAQUOT allow no whitespace inside the brackets (RFC 4475 badaspec).
            let inner = c.take_while(|b| b != b'>');
            if !c.eat(b'>') {
                return Err(ERR);
            }
            Uri::parse(inner)?
        } else {
            if form == Form::NameAddrOnly {
                return Err(ERR);
            }
            // Without brackets, everything after the first `;` is a header
            // parameter, and a URI with `?` or `,` must have used brackets
            // (RFC 3261 §20; RFC 4475 regbadct).
            let text = c.take_while(|b| b != b';' && !is_wsp(b));
            if text.contains(['?', ',']) {
                return Err(ERR);
            }
            Uri::parse(text)?
        };
        let params = Params::scan_generic(&mut c)?;
        c.skip_wsp();
        c.expect_end("name-addr")?;
        Ok(NameAddr { display_name, uri, params })
    }

    /// The `tag` parameter of a From or To.
    pub fn tag(&self) -> Option<&str> {
        self.params.value("tag")
    }
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.display_name {
            write!(f, "{d} ")?;
        }
        write!(f, "<{}>{}", self.uri, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) -> NameAddr {
        let na = NameAddr::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(na.to_string(), printed);
        assert_eq!(NameAddr::parse(printed).unwrap(), na, "{printed}");
        na
    }

    #[test]
    fn round_trip() {
        check("sip:user@example.com", "<sip:user@example.com>");
        let t = check("sip:caller@example.net;tag=134161461246", "<sip:caller@example.net>;tag=134161461246");
        assert_eq!(t.tag(), Some("134161461246"));
        check("<sip:a@b;lr>;x", "<sip:a@b;lr>;x");
        let l = check("caller<sip:caller@example.com>;tag=323", "caller <sip:caller@example.com>;tag=323");
        assert_eq!(l.display_name.unwrap().as_str(), "caller");
        let w = check(
            r#""J Rosenberg \\\""       <sip:jdrosen@example.com>  ;  tag = 98asjd8"#,
            r#""J Rosenberg \\\"" <sip:jdrosen@example.com>;tag=98asjd8"#,
        );
        assert_eq!(w.display_name.unwrap().as_str(), r#"J Rosenberg \""#);
        check(
            "token1~` token2'+_ token3*%!.- <sip:mundane@example.com>",
            "token1~` token2'+_ token3*%!.- <sip:mundane@example.com>",
        );
        check(
            "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
            "<sip:vivekg@chair-dnrc.example.com>;tag=1918181833n",
        );
        check("isbn:2983792873", "<isbn:2983792873>");
        check("\"\" <tel:+1555>", "\"\" <tel:+1555>");
        check(
            "<sip:user@example.com?Route=%3Csip:sip.example.com%3E>",
            "<sip:user@example.com?Route=%3Csip:sip.example.com%3E>",
        );
    }

    #[test]
    fn built_names_are_quoted_and_safe() {
        let mut na = NameAddr::new(Uri::parse("sip:a@b").unwrap());
        na.display_name = Some(DisplayName::new("Doe, \"Jane\"\r\nX: y"));
        let printed = na.to_string();
        assert!(!printed.contains(['\r', '\n']));
        assert_eq!(NameAddr::parse(&printed).unwrap().display_name.unwrap().as_str(), "Doe, \"Jane\"  X: y");
    }

    #[test]
    fn rejects() {
        for bad in [
            "\"Mr. J. User <sip:j.user@example.com>",
            "\"Watson, Thomas\" < sip:t.watson@example.org >",
            "Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            "\"Joe\" <sip:joe@example.org>;;;;",
            "<sip:a@b",
            "<sip:a@b> junk",
            "\"x\" sip:a@b",
            "",
        ] {
            assert!(NameAddr::parse(bad).is_err(), "{bad:?}");
        }
        assert!(NameAddr::parse_form("sip:a@b", Form::NameAddrOnly).is_err());
        assert!(NameAddr::parse_form("<sip:a@b>;lr", Form::NameAddrOnly).is_ok());
    }
}
