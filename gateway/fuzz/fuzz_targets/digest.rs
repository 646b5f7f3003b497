//! Fuzzes the digest header parsers (WWW-/Proxy-Authenticate challenges and
//! Authorization credentials) and answering a challenge: no input may
//! panic, and what parses must print to text that parses to the same value.

#![no_main]

use gateway::sip::digest::{self, Password};
use gateway::sip::{Challenge, Credentials, Method};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Challenge::parse(text) {
        let printed = c.to_string();
        assert_eq!(Challenge::parse(&printed).as_ref(), Ok(&c), "{printed:?}");
        if let Challenge::Digest(d) = &c
            && digest::supports(d)
        {
            let answer = digest::answer(d, &Method::Invite, "sip:x@y", "u", &Password::new("p"), "c", 1);
            if let Ok(creds) = answer {
                assert!(digest::verify(&creds, &Method::Invite, &Password::new("p"), d));
            }
        }
    }
    if let Ok(c) = Credentials::parse(text) {
        let printed = c.to_string();
        assert_eq!(Credentials::parse(&printed).as_ref(), Ok(&c), "{printed:?}");
    }
});
