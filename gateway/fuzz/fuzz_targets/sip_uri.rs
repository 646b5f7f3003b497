//! Fuzzes the SIP value parsers that take one header value or URI: each must
//! survive any text, and whatever parses must print to text that parses to the
//! same value.

#![no_main]

use std::fmt::Display;

use gateway::sip::{NameAddr, Uri, Via};
use libfuzzer_sys::fuzz_target;

fn round_trip<T: Display + PartialEq + std::fmt::Debug, E: Display>(text: &str, parse: impl Fn(&str) -> Result<T, E>) {
    if let Ok(value) = parse(text) {
        let printed = value.to_string();
        match parse(&printed) {
            Ok(again) => assert_eq!(again, value, "{printed:?} parses to something else"),
            Err(e) => panic!("{printed:?} does not parse: {e}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    round_trip(text, Uri::parse);
    round_trip(text, NameAddr::parse);
    round_trip(text, Via::parse);
});
