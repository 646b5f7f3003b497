//! The dialog state of RFC 3261 §12 (Call-ID, tags, URIs, sequence numbers,
//! route set, remote target, secure flag), how it is set up on each side
//! (§12.1.1, §12.1.2), and the requests built from it (§12.2.1.1).

use std::net::SocketAddr;

use super::Local;
use crate::sip::{
    CSEQ_LIMIT, CSeq, CallId, Contact, Header, Headers, MaxForwards, NameAddr, Request, Response, Rport, SipUri,
    Transport, Uri, Via,
};

/// One dialog as §12 defines it, plus the flow its requests travel over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DialogState {
    pub(crate) call_id: CallId,
    pub(crate) local_tag: String,
    /// `None` on the UAC side until a response with a To tag arrives.
    pub(crate) remote_tag: Option<String>,
    /// Our From (UAC) or To (UAS), with our tag.
    pub(crate) local_uri: NameAddr,
    /// The peer's, with its tag once known.
    pub(crate) remote_uri: NameAddr,
    /// The CSeq of our last request; `None` until we send one (UAS).
    pub(crate) local_seq: Option<u32>,
    /// The CSeq of the peer's last request; `None` until it sends one (UAC).
    pub(crate) remote_seq: Option<u32>,
    /// Where our requests are routed through, in the order they visit.
    pub(crate) route_set: Vec<NameAddr>,
    /// The peer's Contact: the Request-URI of our requests (§12.2.1.1).
    pub(crate) remote_target: Uri,
    /// The dialog was set up with a `sips:` Request-URI (§12.1.1). Kept for
    /// the call layer; TLS itself is the transport's business.
    pub(crate) secure: bool,
    /// Our Contact, and the sent-by of our Vias.
    pub(crate) contact: SipUri,
    /// Where every request of this dialog goes, and how.
    pub(crate) peer: SocketAddr,
    pub(crate) reliable: bool,
}

impl DialogState {
    /// The UAS side (§12.1.1), from an INVITE without To tag: the route set
    /// is its Record-Route in order, the remote target its Contact. `None`
    /// when the INVITE has no Contact URI to send requests to.
    pub(crate) fn uas(invite: &Request, local: &Local, peer: SocketAddr, reliable: bool) -> Option<DialogState> {
        let h = &invite.headers;
        let remote_target = h.contacts().find_map(Contact::name_addr)?.uri.clone();
        let mut local_uri = h.to.clone();
        local_uri.params.set("tag", Some(&local.tag));
        Some(DialogState {
            call_id: h.call_id.clone(),
            local_tag: local.tag.clone(),
            remote_tag: Some(h.from.tag().unwrap_or_default().to_owned()),
            local_uri,
            remote_uri: h.from.clone(),
            local_seq: None,
            remote_seq: Some(h.cseq.seq),
            route_set: h.record_routes().cloned().collect(),
            remote_target,
            secure: is_sips(&invite.uri),
            contact: local.contact.clone(),
            peer,
            reliable,
        })
    }

    /// The UAC side before any answer, from the INVITE we send: no remote tag
    /// yet, the Request-URI as remote target.
    pub(crate) fn uac(invite: &Request, contact: SipUri, peer: SocketAddr, reliable: bool) -> DialogState {
        let h = &invite.headers;
        DialogState {
            call_id: h.call_id.clone(),
            local_tag: h.from.tag().unwrap_or_default().to_owned(),
            remote_tag: None,
            local_uri: h.from.clone(),
            remote_uri: h.to.clone(),
            local_seq: Some(h.cseq.seq),
            remote_seq: None,
            route_set: Vec::new(),
            remote_target: invite.uri.clone(),
            secure: is_sips(&invite.uri),
            contact,
            peer,
            reliable,
        }
    }

    /// The dialog a 2xx (or a provisional with a To tag) to our INVITE
    /// creates (§12.1.2): the remote tag and URI from its To, the route set
    /// from its Record-Route in reverse, the remote target from its Contact.
    pub(crate) fn answered_by(&self, response: &Response) -> DialogState {
        let h = &response.headers;
        let mut state = self.clone();
        state.remote_tag = Some(h.to.tag().unwrap_or_default().to_owned());
        state.remote_uri = h.to.clone();
        state.route_set = h.record_routes().cloned().collect();
        state.route_set.reverse();
        state.refresh_target(h);
        state
    }

    /// A target refresh (§12.2.1.2, §12.2.2): the Contact of a re-INVITE or
    /// UPDATE, or of the 2xx to ours, replaces the remote target.
    pub(crate) fn refresh_target(&mut self, headers: &Headers) {
        if let Some(na) = headers.contacts().find_map(Contact::name_addr) {
            self.remote_target = na.uri.clone();
        }
    }

    /// The CSeq number of our next request (§12.2.1.1): one more than the
    /// last, starting at 1 on the UAS side. It stays below 2³¹ (§8.1.1.5);
    /// a dialog with two billion requests would repeat its last number.
    pub(crate) fn next_seq(&mut self) -> u32 {
        let seq = self.local_seq.map_or(1, |s| s.saturating_add(1).min(CSEQ_LIMIT - 1));
        self.local_seq = Some(seq);
        seq
    }

    /// A request inside the dialog (§12.2.1.1) with CSeq `seq` and a new
    /// branch; Contact and body are the caller's to add.
    pub(crate) fn request(&self, method: crate::sip::Method, seq: u32, branch: &str) -> Request {
        let (uri, route) = self.target();
        Request {
            method: method.clone(),
            uri,
            headers: Headers {
                via: vec![via(&self.contact, self.reliable, branch)],
                from: self.local_uri.clone(),
                to: self.remote_uri.clone(),
                call_id: self.call_id.clone(),
                cseq: CSeq::new(seq, method),
                max_forwards: Some(MaxForwards::DEFAULT),
                content_type: None,
                other: route.into_iter().map(Header::Route).collect(),
            },
            body: Vec::new(),
        }
    }

    /// Our Contact header.
    pub(crate) fn contact_header(&self) -> Header {
        contact_header(&self.contact)
    }

    /// The Request-URI and Route headers of a request (§12.2.1.1): with a
    /// loose router (`lr`) first, or no route set, the remote target and the
    /// route set as it is; with a strict router first, its URI as Request-URI
    /// and the rest of the route set followed by the remote target as Route.
    fn target(&self) -> (Uri, Vec<NameAddr>) {
        match self.route_set.split_first() {
            None => (request_uri(&self.remote_target), Vec::new()),
            Some((first, _)) if is_loose(first) => (request_uri(&self.remote_target), self.route_set.clone()),
            Some((first, rest)) => {
                let mut route = rest.to_vec();
                route.push(NameAddr::new(self.remote_target.clone()));
                (request_uri(&first.uri), route)
            }
        }
    }
}

/// Whether a route-set element is a loose router (RFC 3261 §16.12.1.1).
fn is_loose(route: &NameAddr) -> bool {
    route.uri.as_sip().is_some_and(|u| u.params.contains("lr"))
}

fn is_sips(uri: &Uri) -> bool {
    uri.as_sip().is_some_and(|u| u.secure)
}

/// A URI fit for a Request-URI: no headers component and no `method`
/// parameter (§19.1.1's table), which a Contact or Record-Route may carry
/// and our parser (rightly) refuses in a request line.
fn request_uri(uri: &Uri) -> Uri {
    match uri {
        Uri::Sip(sip) => {
            let mut sip = sip.clone();
            sip.headers.clear();
            sip.params.remove("method");
            Uri::Sip(sip)
        }
        other => other.clone(),
    }
}

/// The Via of a request we send: our contact's host and port as sent-by, the
/// transport of the flow, and `rport` (RFC 3581) so that answers find us
/// behind a NAT.
pub(crate) fn via(contact: &SipUri, reliable: bool, branch: &str) -> Via {
    let transport = match (reliable, contact.secure) {
        (false, _) => Transport::Udp,
        (true, false) => Transport::Tcp,
        (true, true) => Transport::Tls,
    };
    let mut via = Via::new(transport, contact.host.clone(), contact.port, branch);
    via.rport = Rport::Requested;
    via
}

pub(crate) fn contact_header(contact: &SipUri) -> Header {
    Header::Contact(Contact::Addr(NameAddr::new(Uri::Sip(contact.clone()))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::dialog::fixtures::{parse_request, parse_response};
    use crate::sip::{Host, Method, parse_datagram};

    const INVITE: &str = "INVITE sips:agent@gw.example.com SIP/2.0\r\n\
        Via: SIP/2.0/TLS proxy2.example.net;branch=z9hG4bK2\r\n\
        Via: SIP/2.0/TLS proxy1.example.net;branch=z9hG4bK1\r\n\
        Via: SIP/2.0/TLS phone.example.net;branch=z9hG4bK0\r\n\
        Record-Route: <sip:proxy2.example.net;lr>\r\n\
        Record-Route: <sip:proxy1.example.net;lr>\r\n\
        From: \"Caller\" <sip:caller@example.net>;tag=far\r\n\
        To: <sips:agent@gw.example.com>\r\n\
        Call-ID: c1@phone.example.net\r\n\
        CSeq: 17 INVITE\r\n\
        Contact: <sip:caller@phone.example.net;transport=tls?Subject=x>\r\n\
        Content-Length: 0\r\n\r\n";

    fn local() -> Local {
        Local { contact: SipUri::new(Host::parse("gw.example.com").unwrap()), tag: "near".into() }
    }

    fn peer() -> SocketAddr {
        "192.0.2.1:5061".parse().unwrap()
    }

    fn routes(req: &Request) -> Vec<String> {
        req.headers.routes().map(ToString::to_string).collect()
    }

    #[test]
    fn uas_state_follows_12_1_1() {
        let invite = parse_request(INVITE);
        let mut d = DialogState::uas(&invite, &local(), peer(), true).unwrap();
        assert_eq!(d.remote_tag.as_deref(), Some("far"));
        assert_eq!(d.local_uri.tag(), Some("near"));
        assert_eq!(d.remote_seq, Some(17));
        assert_eq!(d.local_seq, None);
        assert!(d.secure);
        assert_eq!(d.next_seq(), 1);
        assert_eq!(d.next_seq(), 2);

        // A BYE from the UAS: the route set in Record-Route order, the
        // Contact without its headers as Request-URI, From and To swapped.
        let bye = d.request(Method::Bye, 3, "z9hG4bKnear.1");
        assert_eq!(bye.uri.to_string(), "sip:caller@phone.example.net;transport=tls");
        assert_eq!(routes(&bye), ["<sip:proxy2.example.net;lr>", "<sip:proxy1.example.net;lr>"]);
        assert_eq!(bye.headers.from.tag(), Some("near"));
        assert_eq!(bye.headers.to.tag(), Some("far"));
        assert_eq!(bye.headers.cseq, CSeq::new(3, Method::Bye));
        assert_eq!(bye.headers.via[0].to_string(), "SIP/2.0/TCP gw.example.com;branch=z9hG4bKnear.1;rport");
        // It prints as a request our own parser accepts.
        assert!(parse_datagram(&bye.to_bytes()).is_ok());

        let mut no_contact = invite.clone();
        no_contact.headers.other.retain(|h| !matches!(h, Header::Contact(_)));
        assert!(DialogState::uas(&no_contact, &local(), peer(), false).is_none());
    }

    #[test]
    fn uac_state_follows_12_1_2() {
        let mut invite = parse_request(INVITE);
        invite.headers.from.params.set("tag", Some("near"));
        let before = DialogState::uac(&invite, local().contact, peer(), false);
        assert_eq!(before.remote_tag, None);
        assert_eq!(before.local_seq, Some(17));
        let ok = parse_response(
            b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP gw.example.com;branch=z9hG4bKx\r\n\
            Record-Route: <sip:p2.example.net;lr>\r\nRecord-Route: <sip:p1.example.net;lr>\r\n\
            From: <sip:a@b>;tag=near\r\nTo: <sip:agent@x>;tag=callee\r\nCall-ID: c1@phone.example.net\r\n\
            CSeq: 17 INVITE\r\nContact: <sip:callee@198.51.100.9>\r\n\r\n",
        );
        let mut d = before.answered_by(&ok);
        assert_eq!(d.remote_tag.as_deref(), Some("callee"));
        let seq = d.next_seq();
        assert_eq!(seq, 18);
        let bye = d.request(Method::Bye, seq, "z9hG4bKb");
        assert_eq!(bye.uri.to_string(), "sip:callee@198.51.100.9");
        // The UAC's route set is the Record-Route reversed.
        assert_eq!(routes(&bye), ["<sip:p1.example.net;lr>", "<sip:p2.example.net;lr>"]);
        assert_eq!(bye.headers.via[0].transport, Transport::Udp);
    }

    #[test]
    fn strict_routers_get_the_request_uri() {
        let invite = parse_request(&INVITE.replace(
            "Record-Route: <sip:proxy2.example.net;lr>\r\n",
            "Record-Route: <sip:strict.example.net;maddr=192.0.2.7>\r\n",
        ));
        let d = DialogState::uas(&invite, &local(), peer(), false).unwrap();
        let bye = d.request(Method::Bye, 1, "z9hG4bKs");
        assert_eq!(bye.uri.to_string(), "sip:strict.example.net;maddr=192.0.2.7");
        assert_eq!(
            routes(&bye),
            ["<sip:proxy1.example.net;lr>", "<sip:caller@phone.example.net;transport=tls?Subject=x>"]
        );
    }

    #[test]
    fn target_refresh_and_sequence_limit() {
        let invite = parse_request(INVITE);
        let mut d = DialogState::uas(&invite, &local(), peer(), false).unwrap();
        let reinvite = parse_request(&INVITE.replace(
            "Contact: <sip:caller@phone.example.net;transport=tls?Subject=x>",
            "Contact: <sip:caller@203.0.113.4:5070>",
        ));
        d.refresh_target(&reinvite.headers);
        assert_eq!(d.remote_target.to_string(), "sip:caller@203.0.113.4:5070");
        d.local_seq = Some(CSEQ_LIMIT - 1);
        assert_eq!(d.next_seq(), CSEQ_LIMIT - 1);
    }
}
