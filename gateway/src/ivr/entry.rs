//! Where a call enters the IVR: a dialed number or a web button, written as
//! one key (`+982112345678`, `web:support`) so that the store can map it to
//! a flow.

use std::fmt;

/// How the caller came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Phone,
    Web,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Phone => "phone",
            EntryKind::Web => "web",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        match s {
            "phone" => Some(EntryKind::Phone),
            "web" => Some(EntryKind::Web),
            _ => None,
        }
    }
}

/// A dialed number (digits with an optional leading `+`) or a web entry's
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntryPoint {
    Number(String),
    Web(String),
}

/// Most digits of a dialed number.
const MAX_DIGITS: usize = 32;
/// Longest web entry name.
const MAX_WEB_NAME: usize = 64;

impl EntryPoint {
    /// Reads `web:<name>` (1 to 64 of `a-z 0-9 _ - .`) or a number. A number
    /// loses the separators people type (spaces, dashes, dots, brackets,
    /// bidi marks) and its Persian or Arabic-Indic digits become ASCII, so
    /// `+98 (21) ۱۲۳۴-۵۶۷۸` and `+982112345678` are one entry.
    pub fn parse(s: &str) -> Result<EntryPoint, String> {
        let s = s.trim();
        if let Some(name) = s.strip_prefix("web:") {
            let ok = !name.is_empty()
                && name.len() <= MAX_WEB_NAME
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'));
            return if ok {
                Ok(EntryPoint::Web(name.to_owned()))
            } else {
                Err(format!("web entry: 1 to {MAX_WEB_NAME} of a-z 0-9 _ - . after \"web:\""))
            };
        }
        let mut number = String::with_capacity(s.len());
        for c in s.chars() {
            let c = match c {
                '0'..='9' | '+' => c,
                '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
                '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
                '-' | '.' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}' => continue,
                c if c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}') => continue,
                _ => return Err("a number: digits with an optional leading +, or web:<name>".into()),
            };
            if c == '+' && !number.is_empty() {
                return Err("a number: + only in front".into());
            }
            number.push(c);
        }
        let digits = number.trim_start_matches('+');
        if digits.is_empty() || digits.len() > MAX_DIGITS {
            return Err(format!("a number: 1 to {MAX_DIGITS} digits"));
        }
        Ok(EntryPoint::Number(number))
    }

    pub fn kind(&self) -> EntryKind {
        match self {
            EntryPoint::Number(_) => EntryKind::Phone,
            EntryPoint::Web(_) => EntryKind::Web,
        }
    }
}

/// The key as stored: the number, or `web:<name>`.
impl fmt::Display for EntryPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryPoint::Number(n) => f.write_str(n),
            EntryPoint::Web(w) => write!(f, "web:{w}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, ()>) {
        let got = EntryPoint::parse(input).map(|e| e.to_string()).map_err(|_| ());
        assert_eq!(got, expected.map(str::to_owned), "{input:?}");
    }

    #[test]
    fn numbers_and_web_entries() {
        check("+982112345678", Ok("+982112345678"));
        check("  +98 (21) ۱۲۳۴-۵۶۷۸ ", Ok("+982112345678"));
        check("٠٢١٢٣", Ok("02123"));
        check("\u{200E}+90 212 555 01 23", Ok("+902125550123"));
        check("web:support", Ok("web:support"));
        check("web:Support", Err(()));
        check("web:", Err(()));
        check("9+1", Err(()));
        check("+", Err(()));
        check("gw", Err(()));
        check("", Err(()));
        check(&"1".repeat(33), Err(()));
        assert_eq!(EntryPoint::parse("web:x").unwrap().kind(), EntryKind::Web);
        assert_eq!(EntryPoint::parse("100").unwrap().kind(), EntryKind::Phone);
    }
}
