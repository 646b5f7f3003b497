//! Transaction identity: the [`Key`] a message is matched by (RFC 3261
//! §17.1.3 for responses, §17.2.3 for requests), the RFC 2543 fallback
//! identity for requests whose branch lacks the magic cookie, and the
//! `received`/`rport` stamp on a request's top Via (§18.2.1, RFC 3581).

use std::fmt;
use std::net::SocketAddr;

use crate::sip::{Method, Request, Response, Rport, Via};

/// Which side of a transaction we are: the client sent the request, the
/// server received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Client,
    Server,
}

/// The identity of one transaction, the handle the TU and the driver use to
/// address it.
///
/// For RFC 3261 peers it is the branch of the top Via, its sent-by (server
/// side; our own sent-by is the same for all our client transactions) and the
/// method, where an ACK counts as the INVITE it acknowledges and a CANCEL is
/// a transaction of its own. Branches are compared without regard to case,
/// as RFC 3261 §7.3.1 compares parameter values unless a header says
/// otherwise. For RFC 2543 peers, which choose no unique branch, the key is a
/// serial number and the matching goes through the fallback identity of
/// §17.2.3 (see `Rfc2543Id`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Key {
    role: Role,
    id: Id,
    /// `host[:port]` of the top Via, host in lower case; empty for client
    /// keys.
    sent_by: String,
    method: Method,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Id {
    Branch(String),
    Rfc2543(u64),
}

impl Key {
    pub fn role(&self) -> Role {
        self.role
    }

    /// The method of the request that created the transaction.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The branch (in lower case), or `None` for a transaction of an RFC 2543
    /// peer.
    pub fn branch(&self) -> Option<&str> {
        match &self.id {
            Id::Branch(b) => Some(b),
            Id::Rfc2543(_) => None,
        }
    }

    /// The key of the client transaction that sends `request`, if its top
    /// Via carries an RFC 3261 branch. We only ever start transactions with
    /// such a branch, so that responses can be matched by it alone.
    pub(crate) fn client(request: &Request) -> Option<Key> {
        let via = request.headers.via.first().filter(|v| v.has_rfc3261_branch())?;
        Some(Key::new(Role::Client, via, String::new(), request.method.clone()))
    }

    /// The key of the client transaction `response` answers (§17.1.3): the
    /// branch of its top Via and the method of its CSeq.
    pub(crate) fn for_response(response: &Response) -> Option<Key> {
        let via = response.headers.via.first().filter(|v| v.has_rfc3261_branch())?;
        Some(Key::new(Role::Client, via, String::new(), response.headers.cseq.method.clone()))
    }

    /// The key of the server transaction `request` belongs to, when its top
    /// Via carries the magic cookie (§17.2.3); `None` sends the caller to the
    /// RFC 2543 fallback.
    pub(crate) fn server(request: &Request) -> Option<Key> {
        let via = request.headers.via.first().filter(|v| v.has_rfc3261_branch())?;
        Some(Key::new(Role::Server, via, sent_by(via), transaction_method(&request.method)))
    }

    /// The key of a server transaction for an RFC 2543 request, numbered by
    /// the caller.
    pub(crate) fn rfc2543(serial: u64, request: &Request) -> Key {
        let sent_by = request.headers.via.first().map(sent_by).unwrap_or_default();
        Key { role: Role::Server, id: Id::Rfc2543(serial), sent_by, method: request.method.clone() }
    }

    /// The same key for another method: a CANCEL's key with INVITE is the key
    /// of the INVITE it cancels (§9.2).
    pub(crate) fn with_method(&self, method: Method) -> Key {
        Key { method, ..self.clone() }
    }

    fn new(role: Role, via: &Via, sent_by: String, method: Method) -> Key {
        let branch = via.branch.as_deref().unwrap_or_default().to_ascii_lowercase();
        Key { role, id: Id::Branch(branch), sent_by, method }
    }
}

/// Prints role, method and branch. The sent-by is left out because it is
/// usually an IP address, which is personal data and must not reach a log.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let role = match self.role {
            Role::Client => "client",
            Role::Server => "server",
        };
        match &self.id {
            Id::Branch(b) => write!(f, "{role} {} {b}", self.method),
            Id::Rfc2543(n) => write!(f, "{role} {} rfc2543#{n}", self.method),
        }
    }
}

/// Like `Display`, for the same reason: keys end up in `{:?}` of events.
impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({self})")
    }
}

/// The method a request is matched under: an ACK belongs to the INVITE it
/// acknowledges (§17.2.3).
fn transaction_method(method: &Method) -> Method {
    match method {
        Method::Ack => Method::Invite,
        m => m.clone(),
    }
}

/// `host[:port]` with the host in lower case, as sent-by values compare.
fn sent_by(via: &Via) -> String {
    let host = via.host.to_string().to_ascii_lowercase();
    match via.port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

/// The identity RFC 3261 §17.2.3 falls back to for requests whose branch
/// lacks the magic cookie: Request-URI, From tag, Call-ID, CSeq, top Via and
/// To tag of the request that created the transaction. Two of the rules need
/// care, and the callers apply them:
///
/// - an ACK matches the INVITE's identity (method INVITE, same CSeq number)
///   and its To tag must equal the tag of the response the transaction sent,
///   which the identity cannot know in advance;
/// - a CANCEL finds its INVITE under the same identity with method INVITE.
///
/// The To tag is part of the identity, so an ACK is looked up with the To tag
/// the INVITE had: none for an initial INVITE, the ACK's own for a
/// re-INVITE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Rfc2543Id {
    request_uri: String,
    from_tag: Option<String>,
    to_tag: Option<String>,
    call_id: String,
    cseq: u32,
    method: Method,
    /// Transport, sent-by and branch (if any) of the top Via.
    top_via: String,
}

impl Rfc2543Id {
    /// The identity of `request` as the request that creates a transaction:
    /// its own method, ACK taken as INVITE, and its own To tag.
    pub(crate) fn of(request: &Request) -> Rfc2543Id {
        Rfc2543Id::with(request, transaction_method(&request.method), request.headers.to.tag())
    }

    /// The identity of `request` with another method and To tag, for the
    /// lookups of ACK and CANCEL described above.
    pub(crate) fn with(request: &Request, method: Method, to_tag: Option<&str>) -> Rfc2543Id {
        let h = &request.headers;
        let top_via = h
            .via
            .first()
            .map(|v| format!("{} {} {}", v.transport.as_str(), sent_by(v), v.branch.as_deref().unwrap_or_default()))
            .unwrap_or_default();
        Rfc2543Id {
            request_uri: request.uri.to_string(),
            from_tag: h.from.tag().map(str::to_owned),
            to_tag: to_tag.map(str::to_owned),
            call_id: h.call_id.as_str().to_owned(),
            cseq: h.cseq.seq,
            method,
            top_via,
        }
    }
}

/// Records in the top Via where a request really came from (§18.2.1, RFC
/// 3581 §4): `received` when the sent-by host is not the source IP or the
/// client asked for `rport`, and the source port in `rport` when asked.
/// Responses copy the Via, so this is what steers them back through NATs.
pub(crate) fn stamp_received(request: &mut Request, source: SocketAddr) {
    let Some(via) = request.headers.via.first_mut() else { return };
    let asked = via.rport == Rport::Requested;
    if asked {
        via.rport = Rport::Filled(source.port());
    }
    if asked || via.host.ip() != Some(source.ip()) {
        via.received = Some(source.ip());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::transaction::fixtures::{parse_request, request};

    #[test]
    fn server_keys_follow_17_2_3() {
        let invite = request("INVITE", "z9hG4bKabc", "");
        let key = Key::server(&invite).unwrap();
        assert_eq!(key.role(), Role::Server);
        assert_eq!(key.method(), &Method::Invite);
        assert_eq!(key.branch(), Some("z9hg4bkabc"));

        // The ACK for a non-2xx and the CANCEL share the branch; the ACK
        // matches the INVITE, the CANCEL is a transaction of its own whose
        // INVITE is found by swapping the method.
        let ack = request("ACK", "z9hG4bKabc", "totag");
        assert_eq!(Key::server(&ack).unwrap(), key);
        let cancel = Key::server(&request("CANCEL", "z9hG4bKabc", "")).unwrap();
        assert_ne!(cancel, key);
        assert_eq!(cancel.with_method(Method::Invite), key);

        // Branch case does not matter, sent-by does.
        assert_eq!(Key::server(&request("INVITE", "Z9HG4BKABC", "")), None, "not the cookie");
        assert_eq!(Key::server(&request("INVITE", "z9hG4bKABC", "")).unwrap(), key);
        let mut moved = invite.clone();
        moved.headers.via[0].port = Some(5070);
        assert_ne!(Key::server(&moved).unwrap(), key);

        // No cookie, or the bare cookie of RFC 4475 `badbranch`: RFC 2543.
        assert_eq!(Key::server(&request("INVITE", "1234", "")), None);
        assert_eq!(Key::server(&request("INVITE", "z9hG4bK", "")), None);
    }

    #[test]
    fn client_keys_match_responses_by_branch_and_cseq_method() {
        let invite = request("INVITE", "z9hG4bKc1", "");
        let key = Key::client(&invite).unwrap();
        let ok = Response::for_request(&invite, crate::sip::StatusCode::OK, "t");
        assert_eq!(Key::for_response(&ok).unwrap(), key);
        let cancel_ok = Response::for_request(&request("CANCEL", "z9hG4bKc1", ""), crate::sip::StatusCode::OK, "t");
        assert_ne!(Key::for_response(&cancel_ok).unwrap(), key);
        assert_ne!(Key::server(&invite).unwrap(), key, "roles never collide");
        assert_eq!(Key::client(&request("INVITE", "old", "")), None);
    }

    #[test]
    fn keys_print_without_addresses() {
        let key = Key::server(&request("INVITE", "z9hG4bKabc", "")).unwrap();
        assert_eq!(key.to_string(), "server INVITE z9hg4bkabc");
        assert_eq!(format!("{key:?}"), "Key(server INVITE z9hg4bkabc)");
        let old = Key::rfc2543(7, &request("OPTIONS", "", ""));
        assert_eq!(old.to_string(), "server OPTIONS rfc2543#7");
        assert_eq!(old.branch(), None);
    }

    #[test]
    fn rfc2543_identity() {
        let invite = request("INVITE", "", "");
        let id = Rfc2543Id::of(&invite);
        // A retransmission has the same identity; an ACK is looked up as the
        // INVITE with the INVITE's To tag.
        assert_eq!(Rfc2543Id::of(&invite.clone()), id);
        let ack = request("ACK", "", "srvtag");
        assert_ne!(Rfc2543Id::of(&ack), id);
        assert_eq!(Rfc2543Id::with(&ack, Method::Invite, None), id);
        let cancel = request("CANCEL", "", "");
        assert_eq!(Rfc2543Id::with(&cancel, Method::Invite, cancel.headers.to.tag()), id);
        // Another CSeq is another transaction.
        let mut next = invite.clone();
        next.headers.cseq.seq += 1;
        assert_ne!(Rfc2543Id::of(&next), id);
    }

    #[test]
    fn received_and_rport() {
        let source: SocketAddr = "198.51.100.7:40000".parse().unwrap();
        let check = |via: &str, received: Option<&str>, rport: Rport| {
            let text = format!(
                "OPTIONS sip:a@b SIP/2.0\r\nVia: {via}\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\n\
                 Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n"
            );
            let mut req = parse_request(&text);
            stamp_received(&mut req, source);
            let top = &req.headers.via[0];
            assert_eq!(top.received.map(|ip| ip.to_string()).as_deref(), received, "{via}");
            assert_eq!(top.rport, rport, "{via}");
        };
        check("SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK1", None, Rport::Absent);
        check("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK1", Some("198.51.100.7"), Rport::Absent);
        check("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1;rport", Some("198.51.100.7"), Rport::Filled(40000));
        check("SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK1;rport", Some("198.51.100.7"), Rport::Filled(40000));
    }
}
