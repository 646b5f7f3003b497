//! The Content-Length header (RFC 3261 §20.14). It frames the body and is never
//! stored: a printed message always states the length of the body it carries.

use super::error::SyntaxError;
use super::scan::trim_wsp;

/// Parses `1*DIGIT` into an octet count no larger than `max` (the message size
/// limit), so that a forged length cannot make anyone reserve memory for it.
pub fn parse_content_length(s: &str, max: usize) -> Result<usize, SyntaxError> {
    const ERR: SyntaxError = SyntaxError::new("Content-Length");
    let s = trim_wsp(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ERR);
    }
    let mut n: usize = 0;
    for b in s.bytes() {
        n = n.checked_mul(10).and_then(|n| n.checked_add(usize::from(b - b'0'))).ok_or(ERR)?;
        if n > max {
            return Err(ERR);
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for (input, n) in [("0", 0), ("150", 150), ("  0150 ", 150), ("65535", 65535)] {
            assert_eq!(parse_content_length(input, 65535), Ok(n));
            assert_eq!(parse_content_length(&n.to_string(), 65535), Ok(n));
        }
        for bad in ["", "-999", "1 2", "0x10", "65536", "99999999999999999999999999"] {
            assert!(parse_content_length(bad, 65535).is_err(), "{bad:?}");
        }
    }
}
