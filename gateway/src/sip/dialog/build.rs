//! The messages the dialog layer builds around a dialog rather than from its
//! state: the INVITE of an outgoing call (§8.1.1, §13.2.1), its CANCEL
//! (§9.1), the responses of the UAS core (§8.2.6, §12.1.1, §13.3.1), and the
//! SDP bodies they carry, which this layer passes on without reading.

use super::OutboundCall;
use super::state::{contact_header, via};
use crate::sip::{
    CSeq, Header, Headers, MaxForwards, MediaType, Method, OtherHeader, Request, Response, SipUri, StatusCode,
};

/// The methods we answer inside a dialog, for Allow (§20.5).
pub(crate) const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO";

/// The INVITE of an outgoing call: From with our tag, To without, CSeq 1,
/// the preloaded route, our Contact and Allow, and the offer.
pub(crate) fn invite(call: &OutboundCall, branch: &str) -> Request {
    let mut from = call.from.clone();
    from.params.set("tag", Some(&call.local.tag));
    let mut other: Vec<Header> = call.route.iter().cloned().map(Header::Route).collect();
    other.push(contact_header(&call.local.contact));
    other.push(allow());
    let mut request = Request {
        method: Method::Invite,
        uri: call.request_uri.clone(),
        headers: Headers {
            via: vec![via(&call.local.contact, call.reliable, branch)],
            from,
            to: call.to.clone(),
            call_id: call.call_id.clone(),
            cseq: CSeq::new(1, Method::Invite),
            max_forwards: Some(MaxForwards::DEFAULT),
            content_type: None,
            other,
        },
        body: Vec::new(),
    };
    set_sdp(&mut request.headers, &mut request.body, Some(call.sdp.clone()));
    request
}

/// The CANCEL of `invite` (§9.1): the same Request-URI, Call-ID, From, To,
/// CSeq number and Route, and only its top Via, so that it matches the
/// INVITE's server transaction hop by hop.
pub(crate) fn cancel(invite: &Request) -> Request {
    let h = &invite.headers;
    Request {
        method: Method::Cancel,
        uri: invite.uri.clone(),
        headers: Headers {
            via: h.via.first().cloned().into_iter().collect(),
            from: h.from.clone(),
            to: h.to.clone(),
            call_id: h.call_id.clone(),
            cseq: CSeq::new(h.cseq.seq, Method::Cancel),
            max_forwards: Some(MaxForwards::DEFAULT),
            content_type: None,
            other: h.routes().cloned().map(Header::Route).collect(),
        },
        body: Vec::new(),
    }
}

/// A response to an INVITE or re-INVITE. The ones that create or confirm a
/// dialog (101 to 299) carry our Contact and a copy of the request's
/// Record-Route (§12.1.1); a 2xx also says what we Allow. `sdp` becomes the
/// body.
pub(crate) fn invite_response(
    invite: &Request,
    status: StatusCode,
    local_tag: &str,
    contact: &SipUri,
    sdp: Option<Vec<u8>>,
) -> Response {
    let mut response = Response::for_request(invite, status, local_tag);
    let code = status.code();
    if (101..300).contains(&code) {
        let record_route = invite.headers.other.iter().filter(|h| matches!(h, Header::RecordRoute(_))).cloned();
        response.headers.other.extend(record_route);
        response.headers.push(contact_header(contact));
    }
    if (200..300).contains(&code) {
        response.headers.push(allow());
    }
    set_sdp(&mut response.headers, &mut response.body, sdp);
    response
}

/// Puts an SDP body in a message, or leaves it without one.
pub(crate) fn set_sdp(headers: &mut Headers, body: &mut Vec<u8>, sdp: Option<Vec<u8>>) {
    match sdp.filter(|b| !b.is_empty()) {
        Some(sdp) => {
            headers.content_type = Some(MediaType::sdp());
            *body = sdp;
        }
        None => {
            headers.content_type = None;
            body.clear();
        }
    }
}

/// The body of a message as the call layer sees it: `None` when empty.
/// Its type was checked before the dialog layer saw it (`check_request`
/// answers 415 to anything but SDP in an INVITE).
pub(crate) fn sdp_of(body: &[u8]) -> Option<Vec<u8>> {
    (!body.is_empty()).then(|| body.to_vec())
}

pub(crate) fn allow() -> Header {
    text("Allow", ALLOW)
}

/// The Retry-After of a 500 (§14.2, §20.33).
pub(crate) fn retry_after(secs: u64) -> Header {
    text("Retry-After", &secs.to_string())
}

fn text(name: &str, value: &str) -> Header {
    Header::Other(OtherHeader::new(name, value).expect("a constant header name and a value without line breaks"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::dialog::Local;
    use crate::sip::dialog::fixtures::parse_any;
    use crate::sip::{CallId, Message, NameAddr, Uri};

    fn call() -> OutboundCall {
        let contact = match Uri::parse("sip:gw@203.0.113.5:5070").unwrap() {
            Uri::Sip(u) => u,
            _ => unreachable!(),
        };
        OutboundCall {
            request_uri: Uri::parse("sip:+15551234567@trunk.example.net").unwrap(),
            from: NameAddr::parse("\"Support\" <sip:support@cc.example.com>").unwrap(),
            to: NameAddr::parse("<sip:+15551234567@trunk.example.net>").unwrap(),
            local: Local { contact, tag: "t1".into() },
            call_id: CallId::parse("out-1@cc").unwrap(),
            route: vec![NameAddr::parse("<sip:sbc.example.net;lr>").unwrap()],
            dest: "198.51.100.2:5060".parse().unwrap(),
            reliable: false,
            sdp: b"v=0\r\n".to_vec(),
            credentials: None,
        }
    }

    #[test]
    fn invite_and_cancel() {
        let invite = invite(&call(), "z9hG4bKt1.1");
        let text = String::from_utf8(invite.to_bytes()).unwrap();
        assert_eq!(
            text,
            "INVITE sip:+15551234567@trunk.example.net SIP/2.0\r\n\
             Via: SIP/2.0/UDP 203.0.113.5:5070;branch=z9hG4bKt1.1;rport\r\n\
             From: \"Support\" <sip:support@cc.example.com>;tag=t1\r\n\
             To: <sip:+15551234567@trunk.example.net>\r\n\
             Call-ID: out-1@cc\r\n\
             CSeq: 1 INVITE\r\n\
             Max-Forwards: 70\r\n\
             Route: <sip:sbc.example.net;lr>\r\n\
             Contact: <sip:gw@203.0.113.5:5070>\r\n\
             Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO\r\n\
             Content-Type: application/sdp\r\n\
             Content-Length: 5\r\n\r\nv=0\r\n"
        );
        let Message::Request(parsed) = parse_any(text.as_bytes()) else { panic!() };
        assert_eq!(parsed, invite);

        let cancel = cancel(&invite);
        assert_eq!(cancel.headers.via, invite.headers.via);
        assert_eq!(cancel.headers.cseq, CSeq::new(1, Method::Cancel));
        assert_eq!(cancel.headers.routes().count(), 1);
        assert!(cancel.headers.contacts().next().is_none() && cancel.body.is_empty());
    }

    #[test]
    fn responses_that_make_dialogs_carry_contact_and_record_route() {
        let mut invite = invite(&call(), "z9hG4bKt1.1");
        invite.headers.push(Header::RecordRoute(NameAddr::parse("<sip:p1;lr>").unwrap()));
        invite.headers.push(Header::RecordRoute(NameAddr::parse("<sip:p2;lr>").unwrap()));
        let contact = call().local.contact;
        let check = |code: u16, rr: usize, contact_count: usize, allow: bool| {
            let r =
                invite_response(&invite, StatusCode::new(code).unwrap(), "uas", &contact, Some(b"v=0\r\n".to_vec()));
            assert_eq!(r.headers.record_routes().count(), rr, "{code}");
            assert_eq!(r.headers.contacts().count(), contact_count, "{code}");
            assert_eq!(r.headers.text("Allow").count(), usize::from(allow), "{code}");
            assert_eq!(r.headers.to.tag(), Some("uas"));
            assert_eq!(r.headers.content_type, Some(MediaType::sdp()));
        };
        check(180, 2, 1, false);
        check(200, 2, 1, true);
        check(486, 0, 0, false);
        let plain = invite_response(&invite, StatusCode::OK, "uas", &contact, Some(Vec::new()));
        assert!(plain.body.is_empty() && plain.headers.content_type.is_none());
        assert_eq!(sdp_of(b""), None);
        assert_eq!(retry_after(7).to_string(), "Retry-After: 7");
    }
}
