//! Fuzzes the SIP message layer: no input may panic any entry point, and any
//! message that parses must print to bytes that parse to the same message.

#![no_main]

use gateway::sip::{Limits, parse_datagram, parse_stream, screen_datagram};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = screen_datagram(data, "fuzz-tag");
    let _ = parse_stream(data, &Limits::DEFAULT);
    if let Ok(message) = parse_datagram(data) {
        let printed = message.to_bytes();
        let again = match parse_datagram(&printed) {
            Ok(m) => m,
            Err(e) => panic!("printed message does not parse: {e}"),
        };
        assert_eq!(again, message, "parse → print → parse changed the message");
        assert_eq!(again.to_bytes(), printed, "printing is not stable");
    }
});
