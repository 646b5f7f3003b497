//! The codes agents pick from: disposition codes (a call's wrap-up) and
//! reason codes (why not ready). Administrators replace a whole list at
//! once; the desks translate the codes they know and show `label` for the
//! others.

use serde::{Deserialize, Serialize};

use crate::routing::ConfigError;

/// Codes the system sets itself (not ready after missed offers, at login).
pub const RESERVED: &[&str] = &["missed", "login", "not_ready"];

/// Most codes in one list.
pub const MAX_CODES: usize = 100;

/// One code of a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskCode {
    /// 1 to 32 of `a-z`, `0-9`, `_` and `-`: what records keep.
    pub code: String,
    /// 1 to 64 characters: the name shown where the desk has no
    /// translation of the code.
    pub label: String,
}

/// Whether `code` is a well-formed code.
pub fn valid_code(code: &str) -> bool {
    (1..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Checks a whole list: well-formed, named, no code twice, not too many.
/// The error names the entry (`codes[2].code`).
pub fn validate(list: &[DeskCode]) -> Result<(), ConfigError> {
    let bad = |key: String, reason: &str| ConfigError { key, reason: reason.to_owned() };
    if list.len() > MAX_CODES {
        return Err(bad("codes".into(), "at most 100 codes"));
    }
    for (i, c) in list.iter().enumerate() {
        if !valid_code(&c.code) {
            return Err(bad(format!("codes[{i}].code"), "1 to 32 of a-z, 0-9, _ and -"));
        }
        let label = c.label.trim();
        if label.is_empty() || label.chars().count() > 64 || label.chars().any(char::is_control) {
            return Err(bad(format!("codes[{i}].label"), "1 to 64 characters"));
        }
        if RESERVED.contains(&c.code.as_str()) {
            return Err(bad(format!("codes[{i}].code"), "reserved for the system"));
        }
        if list[..i].iter().any(|o| o.code == c.code) {
            return Err(bad(format!("codes[{i}].code"), "already in the list"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str, label: &str) -> DeskCode {
        DeskCode { code: code.into(), label: label.into() }
    }

    #[test]
    fn lists_are_checked_entry_by_entry() {
        assert!(validate(&[c("break", "Break"), c("back_office", "Back office")]).is_ok());
        assert_eq!(validate(&[c("Break", "x")]).unwrap_err().key, "codes[0].code");
        assert_eq!(validate(&[c("a", "A"), c("b", " ")]).unwrap_err().key, "codes[1].label");
        assert_eq!(validate(&[c("a", "A"), c("a", "B")]).unwrap_err().reason, "already in the list");
        assert_eq!(validate(&[c("missed", "Missed")]).unwrap_err().reason, "reserved for the system");
        assert!(!valid_code(&"x".repeat(33)));
        assert!(!valid_code("lunch time"));
    }
}
