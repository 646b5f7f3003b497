//! Fuzzes the SDP parser and offer/answer: no input may panic, a parsed
//! description prints to text that parses to the same, and an answerable
//! offer gives an answer that parses and agrees with itself.

#![no_main]

use gateway::sdp::{self, Codec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(session) = sdp::parse(data) else { return };
    let printed = session.to_string();
    let again = sdp::parse(printed.as_bytes()).expect("a printed description parses");
    assert_eq!(again, session);
    let local = "127.0.0.1:20000".parse().unwrap();
    if let Ok(answer) = sdp::answer_offer(&session, local, &[Codec::Pcmu, Codec::Pcma], 1, 1) {
        let text = answer.sdp.to_string();
        let parsed = sdp::parse(text.as_bytes()).expect("our answer parses");
        let agreed = sdp::read_answer(&parsed, &[Codec::Pcmu, Codec::Pcma]).expect("our answer agrees");
        assert_eq!((agreed.codec, agreed.remote), (answer.codec, local));
    }
    let _ = sdp::read_answer(&session, &[Codec::Pcmu]);
});
