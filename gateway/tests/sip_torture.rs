//! The SIP torture corpus (RFC 4475 and RFC 5118, in `tests/data/sip/`) against
//! the message layer: every message gets the outcome the corpus README asks of a
//! UAS, parsed messages print back to themselves, and no truncation or byte flip
//! of any message makes the parser panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use gateway::sip::{
    Framed, Header, Limits, Message, Method, ParseError, Screened, Transport, Uri, parse_datagram, parse_stream,
    screen_datagram,
};

/// What the corpus README expects a UAS to do with a message.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Parses, passes the UAS checks, and goes on to the transaction layer.
    Accepted,
    /// Answered with this status.
    Status(u16),
    /// The README allows either; the comment at the entry says which we do.
    AcceptedOr(u16),
    /// Answered with one of these statuses.
    OneOf(&'static [u16]),
    /// Dropped without an answer.
    Dropped,
}

use Expect::*;

/// One row per file of the README's table.
const EXPECTED: &[(&str, Expect)] = &[
    // RFC 4475 §3.1.1: valid, tortuous.
    ("rfc4475/wsinv.dat", Accepted),
    ("rfc4475/intmeth.dat", Accepted),
    ("rfc4475/esc01.dat", Accepted),
    ("rfc4475/escnull.dat", Accepted),
    ("rfc4475/esc02.dat", Accepted),
    ("rfc4475/lwsdisp.dat", Accepted),
    ("rfc4475/longreq.dat", Accepted),
    ("rfc4475/dblreq.dat", Accepted),
    ("rfc4475/semiuri.dat", Accepted),
    ("rfc4475/transports.dat", Accepted),
    ("rfc4475/mpart01.dat", Accepted),
    ("rfc4475/unreason.dat", Accepted),
    ("rfc4475/noreason.dat", Accepted),
    // §3.1.2: invalid.
    ("rfc4475/badinv01.dat", Status(400)),
    ("rfc4475/clerr.dat", Status(400)),
    ("rfc4475/ncl.dat", Status(400)),
    ("rfc4475/scalar02.dat", Status(400)),
    ("rfc4475/scalarlg.dat", Dropped),
    ("rfc4475/quotbal.dat", Status(400)),
    ("rfc4475/ltgtruri.dat", Status(400)),
    ("rfc4475/lwsruri.dat", Status(400)),
    ("rfc4475/lwsstart.dat", Status(400)),
    // Trailing whitespace after the version is unambiguous; we accept it.
    ("rfc4475/trws.dat", AcceptedOr(400)),
    ("rfc4475/escruri.dat", Status(400)),
    ("rfc4475/baddate.dat", Status(400)),
    ("rfc4475/regbadct.dat", Status(400)),
    ("rfc4475/badaspec.dat", Status(400)),
    ("rfc4475/baddn.dat", Status(400)),
    ("rfc4475/badvers.dat", Status(505)),
    ("rfc4475/mismatch01.dat", Status(400)),
    ("rfc4475/mismatch02.dat", Status(400)),
    ("rfc4475/bigcode.dat", Dropped),
    // §3.2: the transaction layer matches it the RFC 2543 way; we accept it.
    ("rfc4475/badbranch.dat", AcceptedOr(400)),
    // §3.3: application layer.
    ("rfc4475/insuf.dat", Status(400)),
    ("rfc4475/multi01.dat", Status(400)),
    ("rfc4475/mcl01.dat", Status(400)),
    ("rfc4475/unkscm.dat", Status(416)),
    ("rfc4475/novelsc.dat", Status(416)),
    // Fine for a UA: the Request-URI is sip; only To, From and Contact are odd.
    ("rfc4475/unksm2.dat", Accepted),
    ("rfc4475/bext01.dat", Status(420)),
    ("rfc4475/invut.dat", Status(415)),
    ("rfc4475/sdp01.dat", Status(406)),
    ("rfc4475/regaut01.dat", OneOf(&[401, 403, 407])),
    // 483 is for proxies; a UAS may answer an OPTIONS with Max-Forwards 0.
    ("rfc4475/zeromf.dat", Accepted),
    ("rfc4475/cparam01.dat", Accepted),
    ("rfc4475/cparam02.dat", Accepted),
    ("rfc4475/regescrt.dat", Accepted),
    ("rfc4475/bcast.dat", Dropped),
    // §3.4: backward compatibility.
    ("rfc4475/inv2543.dat", Accepted),
    // RFC 5118.
    ("rfc5118/ipv6-good", Accepted),
    ("rfc5118/ipv6-correct-abnf-2-colons", Accepted),
    ("rfc5118/port-ambiguous", Accepted),
    ("rfc5118/port-unambiguous", Accepted),
    ("rfc5118/ipv4-mapped-ipv6", Accepted),
    ("rfc5118/mult-ip-in-header", Accepted),
    ("rfc5118/mult-ip-in-sdp", Accepted),
    ("rfc5118/ipv6-in-sdp", Accepted),
    ("rfc5118/via-received-param-no-delim", Accepted),
    ("rfc5118/via-received-param-with-delim", Accepted),
    ("rfc5118/ipv6-bad", Status(400)),
    ("rfc5118/ipv6-bug-abnf-3-colons", Status(400)),
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sip")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(data_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    EXPECTED.iter().map(|(name, _)| (*name, read(name))).collect()
}

fn parse_ok(name: &str) -> Message {
    parse_datagram(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn request(name: &str) -> gateway::sip::Request {
    match parse_ok(name) {
        Message::Request(r) => r,
        Message::Response(_) => panic!("{name} is a response"),
    }
}

#[test]
fn every_corpus_file_has_an_expectation() {
    let mut on_disk: Vec<String> = Vec::new();
    for dir in ["rfc4475", "rfc5118"] {
        for entry in std::fs::read_dir(data_dir().join(dir)).unwrap() {
            on_disk.push(format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy()));
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert_eq!(listed.len(), 61);
}

#[test]
fn every_message_gets_the_expected_outcome() {
    let mut failures = Vec::new();
    for (name, bytes) in corpus() {
        let expect = EXPECTED.iter().find(|(n, _)| *n == name).map(|(_, e)| *e).unwrap();
        let outcome = catch_unwind(|| screen_datagram(&bytes, "uas-tag"))
            .unwrap_or_else(|_| panic!("{name}: screen_datagram panicked"));
        let got = match &outcome {
            Screened::Request(_) | Screened::Response(_) => "accepted".to_owned(),
            Screened::Reply { status, bytes } => {
                // A reply to a request that did not parse echoes its broken
                // headers (so that the sender can match it), so only its status
                // line is ours to check.
                if !bytes.starts_with(format!("SIP/2.0 {status} {}\r\n", status.reason()).as_bytes()) {
                    failures.push(format!("{name}: reply has the wrong status line"));
                }
                status.code().to_string()
            }
            Screened::Dropped(_) => "dropped".to_owned(),
        };
        let ok = match expect {
            Accepted => got == "accepted",
            Status(s) => got == s.to_string(),
            AcceptedOr(s) => got == "accepted" || got == s.to_string(),
            OneOf(list) => list.iter().any(|s| got == s.to_string()),
            Dropped => got == "dropped",
        };
        if !ok {
            failures.push(format!("{name}: expected {expect:?}, got {got} ({outcome:?})"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The right status for the wrong reason would hide a bug, so the invalid
/// messages are pinned to the rule they break.
#[test]
fn invalid_messages_fail_for_the_right_reason() {
    /// A corpus file and the test its parse error must pass.
    type Case<'a> = (&'a str, &'a dyn Fn(&ParseError) -> bool);
    let header = |e: &ParseError, n: &str| matches!(e, ParseError::Header { name, .. } if *name == n);
    let cases: &[Case] = &[
        ("rfc4475/badinv01.dat", &|e| header(e, "Via")),
        ("rfc4475/clerr.dat", &|e| *e == ParseError::BodyTruncated),
        ("rfc4475/ncl.dat", &|e| header(e, "Content-Length")),
        ("rfc4475/scalar02.dat", &|e| header(e, "CSeq")),
        ("rfc4475/scalarlg.dat", &|e| header(e, "CSeq")),
        ("rfc4475/quotbal.dat", &|e| header(e, "To")),
        ("rfc4475/ltgtruri.dat", &|e| matches!(e, ParseError::RequestUri(_))),
        ("rfc4475/lwsruri.dat", &|e| matches!(e, ParseError::StartLine(_))),
        ("rfc4475/lwsstart.dat", &|e| matches!(e, ParseError::StartLine(_))),
        ("rfc4475/escruri.dat", &|e| matches!(e, ParseError::RequestUri(_))),
        ("rfc4475/baddate.dat", &|e| header(e, "Date")),
        ("rfc4475/regbadct.dat", &|e| header(e, "Contact")),
        ("rfc4475/badaspec.dat", &|e| header(e, "To")),
        ("rfc4475/baddn.dat", &|e| header(e, "From")),
        ("rfc4475/badvers.dat", &|e| *e == ParseError::Version),
        ("rfc4475/mismatch01.dat", &|e| *e == ParseError::CSeqMethod),
        ("rfc4475/mismatch02.dat", &|e| *e == ParseError::CSeqMethod),
        ("rfc4475/bigcode.dat", &|e| matches!(e, ParseError::StartLine(_))),
        ("rfc4475/insuf.dat", &|e| matches!(e, ParseError::Missing(_))),
        ("rfc4475/multi01.dat", &|e| matches!(e, ParseError::Repeated(_))),
        ("rfc4475/mcl01.dat", &|e| *e == ParseError::Repeated("Content-Length")),
        ("rfc5118/ipv6-bad", &|e| matches!(e, ParseError::RequestUri(_))),
        ("rfc5118/ipv6-bug-abnf-3-colons", &|e| matches!(e, ParseError::RequestUri(_))),
    ];
    for (name, ok) in cases {
        match parse_datagram(&read(name)) {
            Err(e) => assert!(ok(&e), "{name}: failed for another reason: {e:?}"),
            Ok(_) => panic!("{name}: parsed"),
        }
    }
}

#[test]
fn parsed_messages_print_back_to_themselves() {
    let mut parsed = 0;
    for (name, bytes) in corpus() {
        let Ok(message) = parse_datagram(&bytes) else { continue };
        let printed = message.to_bytes();
        let again = parse_datagram(&printed).unwrap_or_else(|e| panic!("{name}: printed form does not parse: {e}"));
        assert_eq!(again, message, "{name}");
        assert_eq!(again.to_bytes(), printed, "{name}: printing is not stable");
        parsed += 1;
    }
    // RFC 4475: the 13 valid ones, inv2543, badbranch, trws, bcast and the 13
    // application-layer ones that are well-formed; RFC 5118: the 10 good ones.
    assert_eq!(parsed, 38);
}

#[test]
fn valid_messages_carry_the_right_values() {
    let wsinv = request("rfc4475/wsinv.dat");
    assert_eq!(wsinv.method, Method::Invite);
    assert_eq!(wsinv.headers.max_forwards.map(|m| m.0), Some(68));
    assert_eq!(wsinv.headers.cseq.seq, 9);
    assert_eq!(wsinv.headers.to.tag(), Some("1918181833n"));
    assert_eq!(wsinv.headers.from.display_name.as_ref().unwrap().as_str(), "J Rosenberg \\\"");
    assert_eq!(wsinv.headers.via.len(), 3);
    assert_eq!(wsinv.headers.via[1].transport, Transport::Tcp);
    assert_eq!(wsinv.headers.via[2].branch.as_deref(), Some("z9hG4bK30239"));
    assert_eq!(wsinv.headers.text("Subject").collect::<Vec<_>>(), [""]);
    assert_eq!(wsinv.headers.routes().count(), 1);
    let contact = wsinv.headers.contacts().next().unwrap().name_addr().unwrap();
    assert_eq!(contact.display_name.as_ref().unwrap().as_str(), "Quoted string \"\"");
    assert_eq!(contact.params.value("q"), Some("0.33"));
    assert_eq!(wsinv.body.len(), 150);

    let dblreq = request("rfc4475/dblreq.dat");
    assert_eq!(dblreq.method, Method::Register);
    assert!(dblreq.body.is_empty(), "the second request in the datagram is ignored");

    let esc01 = request("rfc4475/esc01.dat");
    assert_eq!(esc01.uri.to_string(), "sip:sips%3Auser%40example.com@example.net", "escaped exactly once");
    assert_eq!(esc01.headers.content_type.as_ref().map(|c| c.is_sdp()), Some(true));

    let esc02 = request("rfc4475/esc02.dat");
    assert_eq!(esc02.method, Method::Other("RE%47IST%45R".into()));
    assert_eq!(esc02.headers.contacts().count(), 2, "C%6Fntact is not Contact");
    assert_eq!(esc02.headers.text("C%6Fntact").count(), 1);

    let intmeth = request("rfc4475/intmeth.dat");
    assert_eq!(intmeth.method.as_str(), "!interesting-Method0123456789_*+`.%indeed'~");
    assert_eq!(intmeth.headers.to.display_name.as_ref().unwrap().as_str(), "BEL:\x07 NUL:\0 DEL:\x7f");
    assert_eq!(intmeth.headers.call_id.as_str(), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");

    let longreq = request("rfc4475/longreq.dat");
    assert_eq!(longreq.headers.via.len(), 34);
    assert_eq!(longreq.body.len(), 150);

    let semiuri = request("rfc4475/semiuri.dat");
    let Uri::Sip(sip) = &semiuri.uri else { panic!() };
    assert_eq!(sip.user.as_deref(), Some("user;par=u%40example.net"));
    assert_eq!(semiuri.headers.accept().next().unwrap().0.len(), 6);

    let mpart = request("rfc4475/mpart01.dat");
    assert_eq!(mpart.body.len(), 553);

    let inv2543 = request("rfc4475/inv2543.dat");
    assert!(inv2543.headers.max_forwards.is_none());
    assert!(inv2543.headers.via[0].branch.is_none());
    assert_eq!(inv2543.body.len(), 105, "no Content-Length: the rest of the datagram");

    let Message::Response(unreason) = parse_ok("rfc4475/unreason.dat") else { panic!() };
    assert!(unreason.reason.starts_with("= 2**3 * 5**2 но"));

    let Message::Response(noreason) = parse_ok("rfc4475/noreason.dat") else { panic!() };
    assert_eq!((noreason.status.code(), noreason.reason.as_str()), (100, ""));

    let received = request("rfc5118/via-received-param-no-delim");
    let delim = request("rfc5118/via-received-param-with-delim");
    assert_eq!(received.headers.via[0].received, delim.headers.via[0].received);
    assert!(received.headers.via[0].received.is_some());

    let ambiguous = request("rfc5118/port-ambiguous");
    let Uri::Sip(sip) = &ambiguous.uri else { panic!() };
    assert_eq!((sip.host.to_string().as_str(), sip.port), ("[2001:db8::10:5070]", None));
    let unambiguous = request("rfc5118/port-unambiguous");
    let Uri::Sip(sip) = &unambiguous.uri else { panic!() };
    assert_eq!((sip.host.to_string().as_str(), sip.port), ("[2001:db8::10]", Some(5070)));
}

#[test]
fn rejections_carry_what_the_rfc_asks() {
    let reply = |name: &str| match screen_datagram(&read(name), "uas-tag") {
        Screened::Reply { bytes, .. } => match parse_datagram(&bytes) {
            Ok(Message::Response(r)) => r,
            other => panic!("{name}: {other:?}"),
        },
        other => panic!("{name}: {other:?}"),
    };
    let bext = reply("rfc4475/bext01.dat");
    let unsupported: Vec<&str> = bext
        .headers
        .other
        .iter()
        .filter_map(|h| match h {
            Header::Unsupported(t) => Some(t.0.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(unsupported, ["nothingSupportsThis", "nothingSupportsThisEither"]);
    assert_eq!(bext.headers.to.tag(), Some("uas-tag"));

    let invut = reply("rfc4475/invut.dat");
    assert!(invut.headers.accept().any(|a| a.allows("application", "sdp")));

    // A 400 for a request without Call-ID, From and To still goes back with
    // what it had.
    let insuf = read("rfc4475/insuf.dat");
    let Screened::Reply { bytes, .. } = screen_datagram(&insuf, "t") else { panic!() };
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("SIP/2.0 400 Bad Request\r\n"));
    assert!(text.contains("Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\r\n"));
    assert!(text.contains("CSeq: 193942 INVITE\r\n"));

    // The 505 echoes the sender's Via, SIP/7.0 and all, so it does not parse
    // as ours; its status line does.
    let Screened::Reply { status, bytes } = screen_datagram(&read("rfc4475/badvers.dat"), "t") else { panic!() };
    assert_eq!(status.code(), 505);
    assert!(
        bytes.starts_with(
            b"SIP/2.0 505 Version Not Supported\r\nVia: SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw\r\n"
        )
    );
}

#[test]
fn printed_messages_frame_on_a_stream() {
    let messages: Vec<Message> = corpus().iter().filter_map(|(_, b)| parse_datagram(b).ok()).collect();
    let mut stream = Vec::new();
    for m in &messages {
        stream.extend_from_slice(b"\r\n\r\n");
        stream.extend_from_slice(&m.to_bytes());
    }
    // Feed it in uneven chunks, as a TCP socket would.
    let mut rng = Rng(0x5eed);
    let (mut buf, mut fed, mut got) = (Vec::new(), 0, Vec::new());
    let limits = Limits::DEFAULT;
    while fed < stream.len() || !buf.is_empty() {
        let n = (rng.next() % 700) as usize + 1;
        let end = (fed + n).min(stream.len());
        buf.extend_from_slice(&stream[fed..end]);
        fed = end;
        loop {
            match parse_stream(&buf, &limits).unwrap() {
                Framed::Message { message, consumed } => {
                    got.push(message);
                    buf.drain(..consumed);
                }
                Framed::KeepAlive { consumed } => {
                    buf.drain(..consumed);
                }
                Framed::NeedMore => break,
            }
        }
        if fed == stream.len() && !buf.is_empty() {
            panic!("{} octets left unframed", buf.len());
        }
    }
    assert_eq!(got, messages);
}

/// xorshift64*: a fixed-seed generator, so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Runs every entry point on `input` and checks the round trip; returns a
/// description of what went wrong, if anything did.
fn exercise(input: &[u8]) -> Option<String> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let _ = screen_datagram(input, "t");
        let _ = parse_stream(input, &Limits::DEFAULT);
        if let Ok(message) = parse_datagram(input) {
            let printed = message.to_bytes();
            match parse_datagram(&printed) {
                Ok(again) if again == message => None,
                Ok(_) => Some("printed form parses differently".to_owned()),
                Err(e) => Some(format!("printed form does not parse: {e}")),
            }
        } else {
            None
        }
    }));
    match result {
        Ok(problem) => problem,
        Err(_) => Some("panicked".to_owned()),
    }
}

#[test]
fn truncations_never_panic() {
    let mut failures = Vec::new();
    for (name, bytes) in corpus() {
        for cut in 0..bytes.len() {
            if let Some(p) = exercise(&bytes[..cut]) {
                failures.push(format!("{name} cut at {cut}: {p}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn byte_flips_never_panic() {
    const PER_FILE: usize = 400;
    // Bytes that matter to the grammar, so that mutations hit the parser's
    // decisions rather than only making text invalid.
    const INTERESTING: &[u8] = b"\r\n \t:;,<>\"\\@[]%=/?&0123456789SIPsip\x00\xff\xc3";
    let mut rng = Rng(0x00c0_ffee);
    let mut failures = Vec::new();
    for (name, bytes) in corpus() {
        for round in 0..PER_FILE {
            let mut m = bytes.clone();
            for _ in 0..=(rng.next() % 3) {
                let at = (rng.next() as usize) % m.len();
                let choice = rng.next();
                match choice % 4 {
                    0 => m[at] = rng.next() as u8,
                    1 => m[at] = INTERESTING[(choice >> 8) as usize % INTERESTING.len()],
                    2 => m.insert(at, INTERESTING[(choice >> 8) as usize % INTERESTING.len()]),
                    _ => {
                        m.remove(at);
                    }
                }
            }
            if let Some(p) = exercise(&m) {
                failures.push(format!("{name} mutation {round}: {p}: {:?}", String::from_utf8_lossy(&m)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}
