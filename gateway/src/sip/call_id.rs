//! The Call-ID header (RFC 3261 §20.8): `word ["@" word]`.

use std::fmt;

use super::error::SyntaxError;
use super::scan::trim_wsp;

/// A Call-ID. Compared byte for byte (RFC 3261 §20.8: case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallId(String);

/// ```text
/// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" /
///        "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" /
///        "?" / "{" / "}")
/// ```
fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~()<>:\\\"/[]?{}".contains(&b)
}

impl CallId {
    pub fn parse(s: &str) -> Result<CallId, SyntaxError> {
        let s = trim_wsp(s);
        let word = |w: &str| !w.is_empty() && w.bytes().all(is_word_char);
        let ok = match s.split_once('@') {
            Some((a, b)) => word(a) && word(b),
            None => word(s),
        };
        if ok { Ok(CallId(s.to_owned())) } else { Err(SyntaxError::new("Call-ID")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for s in [
            "a84b4c76e66710@pc33.atlanta.com",
            "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..",
            "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
            "SSG9559905523997077@hlau_4100",
            "nohost",
        ] {
            let c = CallId::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(c.to_string(), s);
            assert_eq!(CallId::parse(&c.to_string()).unwrap(), c);
        }
        for bad in ["", "a b", "a@b@c", "@b", "a@", "a,b", "é"] {
            assert!(CallId::parse(bad).is_err(), "{bad:?}");
        }
    }
}
