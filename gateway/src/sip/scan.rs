//! The lexical layer shared by every SIP value parser: character classes from the
//! RFC 3261 ABNF, a byte cursor over one header value, quoted strings and the
//! comma split that respects quotes and angle brackets.
//!
//! Every function here works on a `&str` that the message parser has already
//! unfolded (line folding replaced by plain whitespace), so "LWS" and "SWS" reduce
//! to runs of SP and HTAB. No function recurses, and slicing goes through
//! `str::get` so that no input, however broken, can make it panic.

use std::borrow::Cow;

use super::error::SyntaxError;

/// `token` characters (RFC 3261 §25.1): alphanumerics and ``-.!%*_+`'~``.
pub(crate) fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// True when `s` is a non-empty `token`.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// `unreserved` = alphanum / mark (RFC 3261 §25.1).
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

pub(crate) fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims SP and HTAB (but not other whitespace, which SIP does not treat as LWS).
pub(crate) fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// True when `s` consists of `%HH` escapes and bytes `allowed` accepts. An empty
/// string passes; callers that need one character check that themselves.
pub(crate) fn is_escaped_text(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            match (b.get(i + 1), b.get(i + 2)) {
                (Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => i += 3,
                _ => return false,
            }
        } else if allowed(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// Decodes `%HH` escapes. SIP compares escaped URI parts by their decoded octets
/// (RFC 3261 §19.1.4), and the result may hold any octet, `%00` included, so it is
/// bytes rather than text. Malformed escapes are kept as they are.
pub fn unescape(s: &str) -> Cow<'_, [u8]> {
    if !s.contains('%') {
        return Cow::Borrowed(s.as_bytes());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (b.get(i + 1).and_then(hex), b.get(i + 2).and_then(hex))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(out)
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).map(|d| d as u8)
}

/// A position in one header value. Methods either consume what they recognise
/// or leave the position where it was.
#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Self { s, pos: 0 }
    }

    pub(crate) fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or("")
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    /// Skips SP and HTAB; returns whether there was any.
    pub(crate) fn skip_wsp(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(is_wsp) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Consumes `b` if it is next.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `SWS b SWS`, the shape of RFC 3261's SEMI, EQUAL, SLASH, COLON and
    /// COMMA; leaves the cursor alone if `b` is not there.
    pub(crate) fn eat_sep(&mut self, b: u8) -> bool {
        let save = self.pos;
        self.skip_wsp();
        if self.eat(b) {
            self.skip_wsp();
            true
        } else {
            self.pos = save;
            false
        }
    }

    /// Consumes the longest run of bytes `f` accepts. `f` must treat all non-ASCII
    /// bytes alike, or the run could end inside a character; `get` turns that
    /// mistake into an empty run rather than a panic.
    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        let b = self.s.as_bytes();
        let mut end = start;
        while end < b.len() && f(b[end]) {
            end += 1;
        }
        match self.s.get(start..end) {
            Some(run) => {
                self.pos = end;
                run
            }
            None => "",
        }
    }

    /// Consumes a `token`, if one is next.
    pub(crate) fn token(&mut self) -> Option<&'a str> {
        let t = self.take_while(is_token_char);
        (!t.is_empty()).then_some(t)
    }

    /// Consumes a `quoted-string` and returns it with its quotes, exactly as written.
    pub(crate) fn quoted_raw(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.pos;
        let end = quoted_end(self.s.as_bytes(), start)?;
        let raw = self.s.get(start..end).ok_or(SyntaxError::new("quoted-string"))?;
        self.pos = end;
        Ok(raw)
    }

    /// Consumes a `quoted-string` and returns its content with quoted-pairs resolved.
    pub(crate) fn quoted(&mut self) -> Result<String, SyntaxError> {
        let raw = self.quoted_raw()?;
        unquote(raw)
    }

    pub(crate) fn expect_end(&self, what: &'static str) -> Result<(), SyntaxError> {
        if self.at_end() { Ok(()) } else { Err(SyntaxError::new(what)) }
    }
}

/// Finds the end (one past the closing quote) of the quoted-string starting at `start`.
fn quoted_end(b: &[u8], start: usize) -> Result<usize, SyntaxError> {
    const ERR: SyntaxError = SyntaxError::new("quoted-string");
    if b.get(start) != Some(&b'"') {
        return Err(ERR);
    }
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return Ok(i + 1),
            b'\\' => match b.get(i + 1) {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                Some(&n) if n < 0x80 && n != b'\r' && n != b'\n' => i += 2,
                _ => return Err(ERR),
            },
            // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
            b' ' | b'\t' | 0x21..=0x7e | 0x80.. => i += 1,
            _ => return Err(ERR),
        }
    }
    Err(ERR)
}

/// Resolves the quoted-pairs of a raw quoted-string (quotes included).
pub(crate) fn unquote(raw: &str) -> Result<String, SyntaxError> {
    let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).ok_or(SyntaxError::new("quoted-string"))?;
    if !inner.contains('\\') {
        return Ok(inner.to_owned());
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) => out.push(n),
                None => return Err(SyntaxError::new("quoted-string")),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Writes `text` as a quoted-string, escaping what qdtext cannot carry. CR and LF
/// cannot be carried at all (not even as quoted-pairs), so they become spaces:
/// a printer must never emit a line break inside a header.
pub(crate) fn write_quoted(f: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        match c {
            '\r' | '\n' => f.write_char(' ')?,
            '"' | '\\' => {
                f.write_char('\\')?;
                f.write_char(c)?;
            }
            '\t' => f.write_char(c)?,
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                f.write_char('\\')?;
                f.write_char(c)?;
            }
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Splits a header value at the commas that separate list elements, ignoring
/// commas inside quoted strings and angle brackets (RFC 3261 §7.3.1). Each element
/// comes back trimmed; an empty element or an unclosed quote is an error.
pub(crate) fn split_list(s: &str) -> ListItems<'_> {
    ListItems { s, pos: 0, done: false }
}

pub(crate) struct ListItems<'a> {
    s: &'a str,
    pos: usize,
    done: bool,
}

impl<'a> Iterator for ListItems<'a> {
    type Item = Result<&'a str, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let b = self.s.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut in_quote = false;
        let mut in_angle = false;
        while i < b.len() {
            match b[i] {
                b'\\' if in_quote => i += 1,
                b'"' => in_quote = !in_quote,
                b'<' if !in_quote => in_angle = true,
                b'>' if !in_quote => in_angle = false,
                b',' if !in_quote && !in_angle => break,
                _ => {}
            }
            i += 1;
        }
        if in_quote {
            self.done = true;
            return Some(Err(SyntaxError::new("quoted-string")));
        }
        let end = i.min(b.len());
        if end >= b.len() {
            self.done = true;
        } else {
            self.pos = end + 1;
        }
        let item = self.s.get(start..end).map(trim_wsp).unwrap_or("");
        if item.is_empty() {
            self.done = true;
            return Some(Err(SyntaxError::new("list element")));
        }
        Some(Ok(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Result<Vec<&str>, SyntaxError> {
        split_list(s).collect()
    }

    #[test]
    fn lists_split_outside_quotes_and_brackets() {
        assert_eq!(list("a, b ,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            list(r#""Doe, J" <sip:a@b>;x=1, <sip:c,d@e>"#).unwrap(),
            [r#""Doe, J" <sip:a@b>;x=1"#, "<sip:c,d@e>"]
        );
        assert_eq!(list(r#""a\", b" <sip:x@y>"#).unwrap(), [r#""a\", b" <sip:x@y>"#]);
        assert!(list("a,,b").is_err());
        assert!(list("a,").is_err());
        assert!(list(r#""open, x"#).is_err());
    }

    #[test]
    fn quoted_strings_round_trip() {
        for (raw, text) in [
            (r#""""#, ""),
            (r#""J Rosenberg \\\"""#, r#"J Rosenberg \""#),
            ("\"BEL:\\\x07 NUL:\\\x00\"", "BEL:\x07 NUL:\x00"),
            ("\"Привет\"", "Привет"),
        ] {
            let mut c = Cursor::new(raw);
            assert_eq!(c.quoted().unwrap(), text, "{raw:?}");
            assert!(c.at_end());
            let mut printed = String::new();
            write_quoted(&mut printed, text).unwrap();
            assert_eq!(Cursor::new(&printed).quoted().unwrap(), text);
        }
        for bad in ["\"open", "\"a\\", "\"a\x01\"", "\"\\\u{e9}\"", "x"] {
            assert!(Cursor::new(bad).quoted().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn escapes() {
        assert!(is_escaped_text("a%20b", is_unreserved));
        assert!(!is_escaped_text("a%2", is_unreserved));
        assert!(!is_escaped_text("a%zz", is_unreserved));
        assert_eq!(&*unescape("v%61lue%25%34%31"), b"value%41");
        assert_eq!(&*unescape("null-%00-null"), b"null-\0-null");
        assert_eq!(&*unescape("%Z%45"), b"%ZE");
    }

    #[test]
    fn separators_allow_whitespace_around() {
        let mut c = Cursor::new("SIP  /   2.0");
        assert_eq!(c.token(), Some("SIP"));
        assert!(c.eat_sep(b'/'));
        assert_eq!(c.token(), Some("2.0"));
        assert!(c.at_end());
        let mut c = Cursor::new("a  x");
        c.token();
        assert!(!c.eat_sep(b';'));
        assert_eq!(c.rest(), "  x");
    }
}
