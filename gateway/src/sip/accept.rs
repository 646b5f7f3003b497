//! The Accept header (RFC 3261 §20.1): which body types the sender can take in
//! the response.

use std::fmt;

use super::content_type::MediaType;
use super::error::SyntaxError;
use super::scan::{split_list, trim_wsp};

/// The media ranges of one Accept header line. An empty list is meaningful: RFC
/// 3261 §20.1 reads an empty Accept as "no body formats are acceptable".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accept(pub Vec<MediaType>);

impl Accept {
    pub fn parse(s: &str) -> Result<Accept, SyntaxError> {
        if trim_wsp(s).is_empty() {
            return Ok(Accept(Vec::new()));
        }
        split_list(s).map(|item| MediaType::parse_range(item?)).collect::<Result<_, _>>().map(Accept)
    }

    /// Whether some range covers `kind/subtype` with a q-value above zero.
    pub fn allows(&self, kind: &str, subtype: &str) -> bool {
        self.0.iter().any(|r| {
            let kind_ok = r.kind == "*" || r.kind.eq_ignore_ascii_case(kind);
            let sub_ok = r.subtype == "*" || r.subtype.eq_ignore_ascii_case(subtype);
            // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); q=0 means "not acceptable".
            let q_zero = r.params.value("q").is_some_and(|q| q.parse::<f32>().is_ok_and(|v| v == 0.0));
            kind_ok && sub_ok && !q_zero
        })
    }
}

impl fmt::Display for Accept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) -> Accept {
        let a = Accept::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(a.to_string(), printed);
        assert_eq!(Accept::parse(printed).unwrap(), a);
        a
    }

    #[test]
    fn round_trip() {
        let a = check(
            "application/sdp, application/pkcs7-mime,        multipart/mixed, multipart/signed,        message/sip, message/sipfrag",
            "application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag",
        );
        assert!(a.allows("application", "sdp"));
        assert!(!check("text/nobodyKnowsThis", "text/nobodyKnowsThis").allows("application", "sdp"));
        assert!(check("*/*", "*/*").allows("application", "sdp"));
        assert!(check("application/*;q=0.5", "application/*;q=0.5").allows("application", "sdp"));
        assert!(!check("application/sdp;q=0.0", "application/sdp;q=0.0").allows("application", "sdp"));
        assert!(!check("application/sdp;q=0", "application/sdp;q=0").allows("application", "sdp"));
        assert!(!check("", "").allows("application", "sdp"));
    }

    #[test]
    fn rejects() {
        for bad in ["application", "a/b,,c/d", "a/b,"] {
            assert!(Accept::parse(bad).is_err(), "{bad:?}");
        }
    }
}
