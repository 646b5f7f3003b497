//! Customers as the desks and the administrators edit them, and the two
//! input rules every layer shares: phone numbers become E.164 and digits may
//! be typed in Persian (۰–۹) or Arabic-Indic (٠–٩) as well as ASCII.

use serde::{Deserialize, Serialize};

/// One customer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    /// The code a caller enters in the IVR to identify themselves: ASCII digits.
    pub code: String,
    /// None for a caller nobody has named yet.
    pub name: Option<String>,
    /// E.164 (`+` and digits); the first is the main number.
    pub phones: Vec<String>,
    pub email: Option<String>,
    /// BCP 47 primary tag: `en`, `fa`, `ar` or `tr`.
    pub language: String,
    pub vip: bool,
    pub notes: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// The body of `POST /customers` and `PUT /customers/{id}`. A `PUT` replaces
/// every field but `code`, which stays as it is when left out; a `POST`
/// without `code` gets a fresh random one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerInput {
    /// Digits (Persian and Arabic-Indic ones too), at most [`CODE_MAX`].
    pub code: Option<String>,
    pub name: Option<String>,
    /// As people type them: `+` or `00` and the country code, digits,
    /// spaces, dashes, dots, brackets. Stored as E.164.
    pub phones: Vec<String>,
    pub email: Option<String>,
    /// `en` when left out.
    pub language: Option<String>,
    pub vip: bool,
    pub notes: String,
}

/// One page of a customer search.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub items: Vec<Customer>,
    /// Pass it as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Longest customer code.
pub const CODE_MAX: usize = 16;
/// Most phone numbers one customer may have.
pub const PHONES_MAX: usize = 10;

/// `c` as an ASCII digit when it is a digit in ASCII, Persian (۰–۹) or
/// Arabic-Indic (٠–٩).
pub fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        _ => None,
    }
}

/// `s` with Persian and Arabic-Indic digits made ASCII, the rest untouched.
pub fn fold_digits(s: &str) -> String {
    s.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

/// Why a typed phone number cannot be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    /// A character other than digits, a leading `+` and the separators
    /// people type.
    Invalid,
    /// A national number (`0…`) or one without `+`/`00`: we cannot know its
    /// country.
    NoCountryCode,
    /// E.164 numbers have 7 to 15 digits and a country code not starting with 0.
    Length,
}

impl PhoneError {
    pub fn reason(self) -> &'static str {
        match self {
            PhoneError::Empty => "is empty",
            PhoneError::Invalid => "may hold only digits, a leading + and spaces, dashes, dots or brackets",
            PhoneError::NoCountryCode => "needs its country code, after + or 00",
            PhoneError::Length => "must have 7 to 15 digits after the + and not start with 0",
        }
    }
}

/// E.164 (`+` and digits) for a number as people type it: separators
/// (spaces, dashes, dots, brackets, the invisible marks of bidirectional
/// text) dropped, Persian and Arabic-Indic digits made ASCII, a leading `00`
/// read as `+`. Numbers without their country code are refused rather than
/// guessed.
pub fn normalize_phone(input: &str) -> Result<String, PhoneError> {
    let mut plus = false;
    let mut digits = String::with_capacity(16);
    for c in input.chars() {
        if let Some(d) = ascii_digit(c) {
            digits.push(d);
            if digits.len() > 40 {
                return Err(PhoneError::Length);
            }
            continue;
        }
        match c {
            '+' | '\u{FF0B}' if !plus && digits.is_empty() => plus = true,
            // Hyphens and dashes (U+2010–2015), the minus sign, brackets, dots.
            '-' | '.' | '(' | ')' | '\u{2010}'..='\u{2015}' | '\u{2212}' => {}
            c if c.is_whitespace() => {}
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            _ => return Err(PhoneError::Invalid),
        }
    }
    if digits.is_empty() {
        return Err(if plus { PhoneError::Length } else { PhoneError::Empty });
    }
    let national = if plus {
        digits.as_str()
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest
    } else {
        return Err(PhoneError::NoCountryCode);
    };
    if !(7..=15).contains(&national.len()) || national.starts_with('0') {
        return Err(PhoneError::Length);
    }
    Ok(format!("+{national}"))
}

/// A customer code as typed: digits (any of the three scripts), spaces
/// around ignored; `None` unless 1 to [`CODE_MAX`] digits.
pub fn normalize_code(input: &str) -> Option<String> {
    let code: Option<String> = input.trim().chars().map(ascii_digit).collect();
    code.filter(|c| !c.is_empty() && c.len() <= CODE_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_become_e164() {
        fn check(input: &str, expected: Result<&str, PhoneError>) {
            assert_eq!(normalize_phone(input), expected.map(str::to_owned), "{input:?}");
        }
        check("+98 912 123 4567", Ok("+989121234567"));
        check("+۹۸ (۹۱۲) ۱۲۳-۴۵۶۷", Ok("+989121234567"));
        check("٠٠٩٦٦ ٥٠ ١٢٣ ٤٥٦٧", Ok("+966501234567"));
        check("\u{200F}+1 415.555.0123", Ok("+14155550123"));
        check("0090 532 123 45 67", Ok("+905321234567"));
        check("", Err(PhoneError::Empty));
        check(" - ", Err(PhoneError::Empty));
        check("+", Err(PhoneError::Length));
        check("09121234567", Err(PhoneError::NoCountryCode));
        check("989121234567", Err(PhoneError::NoCountryCode));
        check("+0989121234567", Err(PhoneError::Length));
        check("+123456", Err(PhoneError::Length));
        check("+1234567890123456", Err(PhoneError::Length));
        check("+98 912+1234567", Err(PhoneError::Invalid));
        check("1-800-FLOWERS", Err(PhoneError::Invalid));
        check("sip:+989121234567@host", Err(PhoneError::Invalid));
        check(&"1".repeat(10_000), Err(PhoneError::Length));
    }

    #[test]
    fn codes_are_digits() {
        assert_eq!(normalize_code(" ۱۰۰۲ ").as_deref(), Some("1002"));
        assert_eq!(normalize_code("٤٢").as_deref(), Some("42"));
        assert_eq!(normalize_code("12a"), None);
        assert_eq!(normalize_code(""), None);
        assert_eq!(normalize_code(&"1".repeat(CODE_MAX + 1)), None);
        assert_eq!(fold_digits("Ali ۱۲ ٣"), "Ali 12 3");
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<CustomerInput>(r#"{"name":"A","fone":"+1"}"#).is_err());
        let c: CustomerInput = serde_json::from_str(r#"{"name":"A"}"#).unwrap();
        assert_eq!(c.language, None);
        assert!(c.phones.is_empty());
    }
}
