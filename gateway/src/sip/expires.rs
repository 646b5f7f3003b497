//! The Expires header (RFC 3261 §20.19) and the delta-seconds it shares with the
//! Contact `expires` parameter.

use std::fmt;

use super::error::SyntaxError;
use super::scan::trim_wsp;

/// Seconds until a registration or subscription ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expires(pub u32);

impl Expires {
    pub fn parse(s: &str) -> Result<Expires, SyntaxError> {
        parse_delta_seconds(trim_wsp(s)).map(Expires)
    }
}

/// `delta-seconds = 1*DIGIT`. Values beyond 2³²−1 saturate instead of failing:
/// RFC 3261 bounds the meaning, not the syntax, and a long registration is
/// harmless once capped (the registrar caps it further by policy).
pub(crate) fn parse_delta_seconds(s: &str) -> Result<u32, SyntaxError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SyntaxError::new("delta-seconds"));
    }
    let mut n: u32 = 0;
    for b in s.bytes() {
        n = match n.checked_mul(10).and_then(|n| n.checked_add(u32::from(b - b'0'))) {
            Some(n) => n,
            None => return Ok(u32::MAX),
        };
    }
    Ok(n)
}

impl fmt::Display for Expires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for (input, printed) in [("3600", "3600"), ("0", "0"), ("007", "7"), ("4294967295", "4294967295")] {
            let e = Expires::parse(input).unwrap();
            assert_eq!(e.to_string(), printed);
            assert_eq!(Expires::parse(printed).unwrap(), e);
        }
        let huge = "1".to_owned() + &"0".repeat(100);
        assert_eq!(Expires::parse(&huge).unwrap(), Expires(u32::MAX));
        assert_eq!(Expires::parse("4294967296").unwrap(), Expires(u32::MAX));
        for bad in ["", "-1", "1.5", "3600 s", "+3"] {
            assert!(Expires::parse(bad).is_err(), "{bad:?}");
        }
    }
}
