//! Contact lists from CSV: each row checked, numbers made E.164, and every
//! row that is not loaded reported with its line and why. Nothing is
//! dropped silently: a row is loaded, refused ([`BadRow`]) or a duplicate
//! ([`DuplicateRow`]), and the three counts add up to the rows read.
//!
//! The first row names the columns. One of them holds the number
//! (`number`, `phone`, `phone_number`, `mobile`, `tel`, or the same in
//! Persian, Arabic or Turkish); `name` and `time_zone` are known too; every
//! other column is a customer field the agent sees on the contact card.
//! Digits may be written in any script Unicode knows (Persian, Arabic-Indic,
//! Devanagari, full-width, …). A number without its country code gets the
//! campaign's.

use std::collections::{HashMap, HashSet};

use shared::customers::{PhoneError, normalize_phone};

use super::csv;

/// Most rows one import reads.
pub const ROWS_MAX: usize = 100_000;
/// Most customer-field columns.
pub const FIELDS_MAX: usize = 30;
/// Longest name, in characters.
pub const NAME_MAX: usize = 200;

/// How to read a list.
#[derive(Debug, Clone, Default)]
pub struct ImportConfig {
    /// Digits of the country code for national numbers (`98`, `44`);
    /// `None`: every number must carry its own.
    pub country_code: Option<String>,
}

/// A row that loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub line: usize,
    /// E.164.
    pub number: String,
    pub name: Option<String>,
    /// An IANA name the bundled database knows; `None`: the campaign's.
    pub time_zone: Option<String>,
    /// The other columns, by header, in the file's order (blank ones left out).
    pub fields: Vec<(String, String)>,
}

/// A row refused, and why (never quoting the number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: usize,
    pub reason: String,
}

/// A row whose number came earlier in the file or is already in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateRow {
    pub line: usize,
    /// The earlier line with the same number; `None`: it was already listed.
    pub first_line: Option<usize>,
}

/// What an import read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Import {
    /// Rows read, not counting the header and blank lines.
    pub rows: usize,
    pub contacts: Vec<ContactRow>,
    pub bad: Vec<BadRow>,
    pub duplicates: Vec<DuplicateRow>,
    /// Blank lines skipped (reported as a count, not as bad rows).
    pub blank_lines: usize,
}

/// Why a whole file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the first row names no number column (number, phone, mobile or tel)")]
    NoNumberColumn,
    #[error("the column {0:?} is named twice in the first row")]
    DuplicateColumn(String),
    #[error("the first row cannot be read: {0}")]
    BadHeader(&'static str),
    #[error("more than {FIELDS_MAX} customer-field columns")]
    TooManyColumns,
    #[error("more than {ROWS_MAX} rows")]
    TooManyRows,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Number,
    Name,
    TimeZone,
    Field(usize),
}

fn column(header: &str) -> Option<Column> {
    let h = header.trim().to_lowercase().replace([' ', '-'], "_");
    Some(match h.as_str() {
        "number" | "phone" | "phone_number" | "mobile" | "tel" | "telephone" | "شماره" | "تلفن" | "موبایل" | "رقم"
        | "هاتف" | "جوال" | "numara" | "telefon" | "telefon_numarası" => Column::Number,
        "name" | "full_name" | "نام" | "اسم" | "الاسم" | "ad" | "isim" | "ad_soyad" => Column::Name,
        "time_zone" | "timezone" | "tz" => Column::TimeZone,
        _ => return None,
    })
}

/// Reads `text` (CSV with a header row). `listed` holds the E.164 numbers
/// the campaign already has: rows with those are duplicates.
pub fn import(text: &str, config: &ImportConfig, listed: &HashSet<String>) -> Result<Import, ImportError> {
    let mut records = csv::read(text).into_iter();
    let header = loop {
        match records.next() {
            None => return Err(ImportError::Empty),
            Some(r) if r.is_blank() => continue,
            Some(r) => break r,
        }
    };
    if let Some(p) = header.problem {
        return Err(ImportError::BadHeader(p));
    }
    let mut columns = Vec::with_capacity(header.fields.len());
    let mut names: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for h in &header.fields {
        let trimmed = h.trim();
        if !trimmed.is_empty() && !seen.insert(trimmed.to_lowercase()) {
            return Err(ImportError::DuplicateColumn(trimmed.to_owned()));
        }
        columns.push(match column(trimmed) {
            Some(c) => c,
            None => {
                names.push(trimmed.to_owned());
                Column::Field(names.len() - 1)
            }
        });
    }
    if !columns.contains(&Column::Number) {
        return Err(ImportError::NoNumberColumn);
    }
    if names.len() > FIELDS_MAX {
        return Err(ImportError::TooManyColumns);
    }
    let mut out = Import::default();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for r in records {
        if r.is_blank() {
            out.blank_lines += 1;
            continue;
        }
        out.rows += 1;
        if out.rows > ROWS_MAX {
            return Err(ImportError::TooManyRows);
        }
        let row = match read_row(&r, &columns, &names, config) {
            Ok(row) => row,
            Err(reason) => {
                out.bad.push(BadRow { line: r.line, reason });
                continue;
            }
        };
        if listed.contains(&row.number) {
            out.duplicates.push(DuplicateRow { line: r.line, first_line: None });
        } else if let Some(&first) = first_seen.get(&row.number) {
            out.duplicates.push(DuplicateRow { line: r.line, first_line: Some(first) });
        } else {
            first_seen.insert(row.number.clone(), r.line);
            out.contacts.push(row);
        }
    }
    Ok(out)
}

fn read_row(
    r: &csv::Record,
    columns: &[Column],
    names: &[String],
    config: &ImportConfig,
) -> Result<ContactRow, String> {
    if let Some(p) = r.problem {
        return Err(p.to_owned());
    }
    if r.fields.len() != columns.len() {
        return Err(format!("has {} fields where the first row names {}", r.fields.len(), columns.len()));
    }
    let mut row = ContactRow { line: r.line, number: String::new(), name: None, time_zone: None, fields: Vec::new() };
    for (value, col) in r.fields.iter().zip(columns) {
        let value = value.trim();
        match col {
            Column::Number => {
                row.number =
                    phone(value, config.country_code.as_deref()).map_err(|e| format!("number {}", e.reason()))?
            }
            Column::Name if value.is_empty() => {}
            Column::Name => {
                if value.chars().count() > NAME_MAX || value.chars().any(char::is_control) {
                    return Err("name must be at most 200 characters on one line".into());
                }
                row.name = Some(value.to_owned());
            }
            Column::TimeZone if value.is_empty() => {}
            Column::TimeZone => {
                if jiff::tz::TimeZone::get(value).is_err() {
                    return Err("time_zone is not an IANA time zone (e.g. Asia/Tehran)".into());
                }
                row.time_zone = Some(value.to_owned());
            }
            Column::Field(_) if value.is_empty() => {}
            Column::Field(i) => row.fields.push((names[*i].clone(), value.to_owned())),
        }
    }
    Ok(row)
}

/// The first code point of each run of ten decimal digits Unicode knows
/// (general category Nd, Unicode 15), zero to nine in order.
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0,
    0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0,
    0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x11F50,
    0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950,
    0x1FBF0,
];

/// `c` as an ASCII digit when it is a decimal digit in any script.
pub fn any_digit(c: char) -> Option<char> {
    let cp = c as u32;
    let i = DIGIT_ZEROS.partition_point(|&z| z <= cp).checked_sub(1)?;
    let d = cp - DIGIT_ZEROS[i];
    (d < 10).then(|| char::from(b'0' + d as u8))
}

/// E.164 for a number as typed, digits in any script; a national number
/// (no `+` or `00`; one leading trunk `0` dropped) gets `country_code`.
pub fn phone(input: &str, country_code: Option<&str>) -> Result<String, PhoneError> {
    let folded: String = input.chars().map(|c| any_digit(c).unwrap_or(c)).collect();
    match normalize_phone(&folded) {
        Err(PhoneError::NoCountryCode) if country_code.is_some() => {
            let cc = country_code.unwrap_or_default();
            let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
            let national = digits.strip_prefix('0').unwrap_or(&digits);
            normalize_phone(&format!("+{cc}{national}"))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(cc: Option<&str>) -> ImportConfig {
        ImportConfig { country_code: cc.map(str::to_owned) }
    }

    #[test]
    fn digits_of_every_script_fold() {
        fn check(input: &str, expected: Result<&str, PhoneError>) {
            assert_eq!(phone(input, Some("98")), expected.map(str::to_owned), "{input:?}");
        }
        check("+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", Ok("+989121234567"));
        check("٠٩١٢١٢٣٤٥٦٧", Ok("+989121234567"));
        check("०९१२ १२३ ४५६७", Ok("+989121234567"));
        check("０９１２１２３４５６７", Ok("+989121234567"));
        check("912 123 4567", Ok("+989121234567"));
        check("0044 20 7946 0000", Ok("+442079460000"));
        check("12", Err(PhoneError::Length));
        check("call me", Err(PhoneError::Invalid));
        check("", Err(PhoneError::Empty));
        assert_eq!(phone("09121234567", None), Err(PhoneError::NoCountryCode));
        assert_eq!(any_digit('٣'), Some('3'));
        assert_eq!(any_digit('𝟗'), Some('9'));
        assert_eq!(any_digit('a'), None);
        assert_eq!(any_digit('\u{65F}'), None);
        // Every run really is ten digits, zero first.
        for z in DIGIT_ZEROS {
            assert_eq!(any_digit(char::from_u32(*z).unwrap()), Some('0'));
            assert_eq!(any_digit(char::from_u32(z + 9).unwrap()), Some('9'));
        }
    }

    #[test]
    fn every_row_is_loaded_refused_or_a_duplicate() {
        let text = "Number,Name,Time zone,Plan\n\
                    +98 912 123 4567,Ali,Asia/Tehran,gold\n\
                    09121234567,Ali again,,\n\
                    ۰۹۱۲۷۶۵۴۳۲۱,رضا,,silver\n\
                    \n\
                    not a number,Bad,,\n\
                    +44 20 7946 0000,Jo,Mars/Olympus,\n\
                    +44 20 7946 0001,Extra,,,field\n\
                    +44 20 7946 0002,\"Open\n";
        let listed: HashSet<String> = ["+442079460009".to_owned()].into();
        let got = import(text, &cfg(Some("98")), &listed).unwrap();
        assert_eq!(got.rows, 7);
        assert_eq!(got.blank_lines, 1);
        assert_eq!(
            got.contacts,
            vec![
                ContactRow {
                    line: 2,
                    number: "+989121234567".into(),
                    name: Some("Ali".into()),
                    time_zone: Some("Asia/Tehran".into()),
                    fields: vec![("Plan".into(), "gold".into())],
                },
                ContactRow {
                    line: 4,
                    number: "+989127654321".into(),
                    name: Some("رضا".into()),
                    time_zone: None,
                    fields: vec![("Plan".into(), "silver".into())],
                },
            ]
        );
        assert_eq!(got.duplicates, vec![DuplicateRow { line: 3, first_line: Some(2) }]);
        let bad: Vec<(usize, &str)> = got.bad.iter().map(|b| (b.line, b.reason.as_str())).collect();
        assert_eq!(
            bad,
            vec![
                (6, "number may hold only digits, a leading + and spaces, dashes, dots or brackets"),
                (7, "time_zone is not an IANA time zone (e.g. Asia/Tehran)"),
                (8, "has 5 fields where the first row names 4"),
                (9, "a quoted field is not closed before the end of the file"),
            ]
        );
        assert_eq!(got.rows, got.contacts.len() + got.bad.len() + got.duplicates.len());
        for b in &got.bad {
            assert!(!b.reason.contains("7946"), "reasons never quote the number");
        }
        let again = import("tel\n+442079460009\n", &cfg(None), &listed).unwrap();
        assert_eq!(again.duplicates, vec![DuplicateRow { line: 2, first_line: None }]);
    }

    #[test]
    fn whole_files_are_refused_with_the_reason() {
        let none = HashSet::new();
        assert_eq!(import("", &cfg(None), &none), Err(ImportError::Empty));
        assert_eq!(import("\n\n", &cfg(None), &none), Err(ImportError::Empty));
        assert_eq!(import("name,plan\nA,b\n", &cfg(None), &none), Err(ImportError::NoNumberColumn));
        assert_eq!(import("phone,x,X\n", &cfg(None), &none), Err(ImportError::DuplicateColumn("X".into())));
        assert_eq!(import("شماره;نام\n۰۹۱۲۱۲۳۴۵۶۷;علی\n", &cfg(Some("98")), &none).unwrap().contacts.len(), 1);
        let many = format!("number\n{}", "+989121234567\n".repeat(ROWS_MAX + 1));
        assert_eq!(import(&many, &cfg(None), &none), Err(ImportError::TooManyRows));
    }
}
