//! The Max-Forwards header (RFC 3261 §20.22).

use std::fmt;

use super::cseq::parse_bounded;
use super::error::SyntaxError;
use super::scan::trim_wsp;

/// Hops left, 0 to 255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxForwards(pub u8);

impl MaxForwards {
    /// RFC 3261 §8.1.1.6 recommends 70 for new requests.
    pub const DEFAULT: MaxForwards = MaxForwards(70);

    pub fn parse(s: &str) -> Result<MaxForwards, SyntaxError> {
        parse_bounded(trim_wsp(s), 255)
            .and_then(|n| u8::try_from(n).ok())
            .map(MaxForwards)
            .ok_or(SyntaxError::new("Max-Forwards"))
    }
}

impl fmt::Display for MaxForwards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for (input, printed) in [("70", "70"), ("0068", "68"), ("0", "0"), ("255", "255")] {
            let m = MaxForwards::parse(input).unwrap();
            assert_eq!(m.to_string(), printed);
            assert_eq!(MaxForwards::parse(printed).unwrap(), m);
        }
        for bad in ["", "256", "300", "-1", "7 0", "99999999999999999999"] {
            assert!(MaxForwards::parse(bad).is_err(), "{bad:?}");
        }
    }
}
