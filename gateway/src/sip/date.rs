//! The Date header (RFC 3261 §20.17): an RFC 1123 date that must be in GMT.

use std::fmt;

use super::error::SyntaxError;
use super::scan::trim_wsp;

/// `Sat, 13 Nov 2010 23:29:00 GMT`, kept as its fields. RFC 3261 allows no other
/// time zone, and RFC 4475 `baddate` is the case: a UAS may reject it, and we do,
/// since a Date that says something else than it seems is worse than none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub weekday: u8,
    pub day: u8,
    pub month: u8,
    pub year: u16,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl Date {
    pub fn parse(s: &str) -> Result<Date, SyntaxError> {
        const ERR: SyntaxError = SyntaxError::new("Date");
        let s = trim_wsp(s);
        // rfc1123-date = wkday "," SP date1 SP time SP "GMT"
        let (wkday, rest) = s.split_once(", ").ok_or(ERR)?;
        let mut parts = rest.split(' ');
        let (Some(day), Some(month), Some(year), Some(time), Some("GMT"), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ERR);
        };
        let num = |t: &str, len: usize, max: u16| -> Result<u16, SyntaxError> {
            if t.len() != len || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ERR);
            }
            t.parse::<u16>().ok().filter(|n| *n <= max).ok_or(ERR)
        };
        let pos = |list: &[&str], t: &str| list.iter().position(|x| *x == t).ok_or(ERR);
        let mut hms = time.split(':');
        let (Some(h), Some(m), Some(sec), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else {
            return Err(ERR);
        };
        let day = num(day, 2, 31)?;
        if day == 0 {
            return Err(ERR);
        }
        Ok(Date {
            weekday: pos(&WEEKDAYS, wkday)? as u8,
            day: day as u8,
            month: pos(&MONTHS, month)? as u8 + 1,
            year: num(year, 4, 9999)?,
            hour: num(h, 2, 23)? as u8,
            minute: num(m, 2, 59)? as u8,
            // 60 for a leap second.
            second: num(sec, 2, 60)? as u8,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wk = WEEKDAYS.get(usize::from(self.weekday)).unwrap_or(&"Mon");
        let mon = MONTHS.get(usize::from(self.month).saturating_sub(1)).unwrap_or(&"Jan");
        write!(
            f,
            "{wk}, {:02} {mon} {:04} {:02}:{:02}:{:02} GMT",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for s in ["Sat, 15 Oct 2005 04:44:56 GMT", "Sat, 13 Nov 2010 23:29:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT"] {
            let d = Date::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(d.to_string(), s);
            assert_eq!(Date::parse(&d.to_string()).unwrap(), d);
        }
        for bad in [
            "Fri, 01 Jan 2010 16:00:00 EST",
            "Fri, 1 Jan 2010 16:00:00 GMT",
            "Fri 01 Jan 2010 16:00:00 GMT",
            "Fri, 01 Jan 2010 24:00:00 GMT",
            "Fri, 00 Jan 2010 16:00:00 GMT",
            "Fri, 01 Foo 2010 16:00:00 GMT",
            "Fri, 01 Jan 2010 16:00 GMT",
            "Fri, 01 Jan 2010 16:00:00 GMT x",
            "",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad:?}");
        }
    }
}
