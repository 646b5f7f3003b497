//! Option-tag lists: Require, Proxy-Require, Supported and Unsupported (RFC 3261
//! §20.32, §20.29, §20.37, §20.40).

use std::fmt;

use super::error::SyntaxError;
use super::scan::{is_token, split_list, trim_wsp};

/// The option tags of one header line. Supported may be empty (RFC 3261 §20.37),
/// so an empty list parses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionTags(pub Vec<String>);

impl OptionTags {
    pub fn parse(s: &str) -> Result<OptionTags, SyntaxError> {
        if trim_wsp(s).is_empty() {
            return Ok(OptionTags(Vec::new()));
        }
        split_list(s)
            .map(|item| {
                let t = item?;
                if is_token(t) { Ok(t.to_owned()) } else { Err(SyntaxError::new("option-tag")) }
            })
            .collect::<Result<_, _>>()
            .map(OptionTags)
    }

    /// Option tags compare case-sensitively (RFC 3261 §19.2).
    pub fn contains(&self, tag: &str) -> bool {
        self.0.iter().any(|t| t == tag)
    }
}

impl fmt::Display for OptionTags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for (input, printed) in [
            ("nothingSupportsThis, nothingSupportsThisEither", "nothingSupportsThis, nothingSupportsThisEither"),
            ("timer,100rel", "timer, 100rel"),
            ("", ""),
        ] {
            let t = OptionTags::parse(input).unwrap();
            assert_eq!(t.to_string(), printed);
            assert_eq!(OptionTags::parse(printed).unwrap(), t);
        }
        assert!(OptionTags::parse("timer").unwrap().contains("timer"));
        assert!(!OptionTags::parse("timer").unwrap().contains("Timer"));
        for bad in ["a b", "a,,b", "<x>"] {
            assert!(OptionTags::parse(bad).is_err(), "{bad:?}");
        }
    }
}
