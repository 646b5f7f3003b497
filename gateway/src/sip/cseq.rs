//! The CSeq header (RFC 3261 §20.16): sequence number and method.

use std::fmt;

use super::error::SyntaxError;
use super::method::Method;
use super::scan::Cursor;

/// The largest CSeq number plus one: RFC 3261 §8.1.1.5 requires numbers below 2³¹
/// so that a peer can always increment them without wrapping.
pub const CSEQ_LIMIT: u32 = 1 << 31;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    pub seq: u32,
    pub method: Method,
}

impl CSeq {
    pub fn new(seq: u32, method: Method) -> Self {
        Self { seq, method }
    }

    pub fn parse(s: &str) -> Result<CSeq, SyntaxError> {
        let mut c = Cursor::new(s);
        c.skip_wsp();
        let seq = parse_bounded(c.take_while(|b| b.is_ascii_digit()), CSEQ_LIMIT - 1)
            .ok_or(SyntaxError::new("CSeq number"))?;
        if !c.skip_wsp() {
            return Err(SyntaxError::new("CSeq"));
        }
        let method = Method::parse(c.take_while(|b| b != b' ' && b != b'\t'))?;
        c.skip_wsp();
        c.expect_end("CSeq")?;
        Ok(CSeq { seq, method })
    }
}

/// Parses `1*DIGIT` no larger than `max`, however many digits arrive (leading
/// zeros are allowed, as in RFC 4475 `wsinv`'s `0009`).
pub(crate) fn parse_bounded(digits: &str, max: u32) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: u32 = 0;
    for b in digits.bytes() {
        n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
        if n > max {
            return None;
        }
    }
    Some(n)
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) {
        let c = CSeq::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(c.to_string(), printed);
        assert_eq!(CSeq::parse(printed).unwrap(), c);
    }

    #[test]
    fn round_trip() {
        check("4711 INVITE", "4711 INVITE");
        check("0009   INVITE", "9 INVITE");
        check("0 ACK", "0 ACK");
        check("2147483647 BYE", "2147483647 BYE");
        check("29344 RE%47IST%45R", "29344 RE%47IST%45R");
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "INVITE",
            "1",
            "1INVITE",
            "-1 INVITE",
            "2147483648 INVITE",
            "36893488147419103232 REGISTER",
            "1 INVITE x",
            "1 <INVITE>",
        ] {
            assert!(CSeq::parse(bad).is_err(), "{bad:?}");
        }
    }
}
