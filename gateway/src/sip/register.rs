//! One trunk's registration with its registrar (RFC 3261 §10), as a sans-IO
//! core: [`Registration`] builds the REGISTER requests, answers digest
//! challenges (RFC 3261 §22, through `digest.rs`), reads the expiry the
//! registrar granted, refreshes before it runs out, backs off after failures
//! and unregisters on shutdown.
//!
//! # How a driver runs it
//!
//! The driver owns one [`Registration`] per trunk next to its
//! [`Transactions`](super::transaction::Transactions). It calls
//! [`Registration::handle_start`] once, and after every input drains
//! [`Registration::poll_request`], sending each request with
//! `Transactions::send_request(now, registration.registrar(),
//! registration.reliable(), request)`. It passes on the `Event::Response` and
//! `Event::Timeout` / `Event::TransportError` of those transactions
//! ([`Registration::handle_response`],
//! [`Registration::handle_transaction_timeout`]), and calls
//! [`Registration::handle_timeout`] when [`Registration::poll_timeout`] is
//! reached. Responses and timeouts of requests the registration has since
//! replaced are ignored, so the driver need not filter them. On shutdown it
//! calls [`Registration::handle_stop`], sends the unregister, and waits until
//! [`Registration::state`] is [`State::Unregistered`] (or gives up after
//! Timer F's 32 seconds; the registration reports that too).
//!
//! # Decisions
//!
//! - One Call-ID and From tag for the life of the [`Registration`], and a CSeq
//!   that grows by one per request, as §10.2 asks of a UA in one boot cycle.
//! - After a challenge has been answered once, every later REGISTER carries
//!   credentials for the same nonce (with the next nonce-count), saving a
//!   round trip per refresh. A registrar that no longer likes the nonce
//!   challenges again, and that challenge is answered like a first one.
//! - A challenge to credentials freshly computed for the previous challenge,
//!   without `stale=true`, means the password is wrong (or the user unknown):
//!   asking again would only lock the account, so the registration fails and
//!   backs off. A `stale=true` challenge is answered with the new nonce. At
//!   most [`MAX_CHALLENGES`] challenges and 423s in a row are answered.
//! - The granted expiry is the `expires` of our Contact in the 200, else its
//!   Expires header, and never more than we asked. The refresh goes out
//!   [`REFRESH_MARGIN`] before expiry, or at half the expiry for short ones.
//! - Failures (any other final response, a timeout, a refused challenge)
//!   retry after a back-off that starts at [`BACKOFF_FIRST`], doubles up to
//!   [`BACKOFF_MAX`] and is shortened by up to a quarter at random, so that
//!   many trunks failing together do not retry in step. A Retry-After header
//!   lengthens the wait (up to the cap), never shortens it.
//!
//! **Architecture invariant:** no clock, socket or random source is read
//! here; time comes in as `now` and randomness (Call-ID, tags, branches,
//! client nonces, jitter) from the caller's `rng`.
//!
//! Out of scope: TLS and `sips:`, outbound (RFC 5626) and GRUU, Path and
//! Service-Route, several realms in one challenge response (the first
//! supported challenge of each header kind is answered), and a 3xx from the
//! registrar (treated as a failure).

use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rand::Rng;

use super::digest::{self, Password};
use super::transaction::Key;
use super::{
    BRANCH_COOKIE, CSeq, CallId, Challenge, Contact, Credentials, DigestChallenge, Expires, Header, Headers,
    MaxForwards, Method, NameAddr, Request, Response, Rport, SipUri, StatusCode, Transport, Uri, Via,
};

/// How early a refresh goes out before the registration expires. A REGISTER
/// over UDP can take 64·T1 = 32 s to time out, so a minute leaves room for
/// one lost transaction to be noticed before the binding is gone.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// The wait after the first failure.
pub const BACKOFF_FIRST: Duration = Duration::from_secs(30);
/// The longest wait between attempts.
pub const BACKOFF_MAX: Duration = Duration::from_secs(30 * 60);
/// Challenges (401, 407) and 423s answered in a row before giving up: enough
/// for a proxy and a registrar to challenge, a nonce to go stale and a
/// Min-Expires to be learnt, not enough to loop with a broken registrar.
pub const MAX_CHALLENGES: u32 = 5;

/// What a trunk registers and with whom.
#[derive(Debug, Clone)]
pub struct RegistrationConfig {
    /// Where REGISTER requests are sent: the registrar or its outbound proxy.
    pub registrar: SocketAddr,
    /// Send over TCP to `registrar` rather than UDP.
    pub reliable: bool,
    /// The registrar's domain, `host` or `host:port`: the Request-URI is
    /// `sip:domain` and the address-of-record `sip:username@domain`.
    pub domain: String,
    /// The user part of the address-of-record, as it appears in a URI.
    pub username: String,
    /// The name to authenticate as; carriers often give one that differs
    /// from the user part of the AOR.
    pub auth_username: String,
    pub password: Password,
    /// Our own address, where the carrier sends calls: the Contact, and the
    /// sent-by of our Via.
    pub contact: SipUri,
    /// The expiry to ask for, in seconds; at least 1.
    pub expires: u32,
}

/// A configuration that cannot make a valid REGISTER.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("the registrar domain must be a host or host:port")]
    Domain,
    #[error("the username is not a valid user part of a SIP URI")]
    Username,
    #[error("the requested expiry must be at least one second")]
    Expires,
}

/// Where a registration stands, for `/metrics` and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Not started, or stopped and unregistered.
    Unregistered,
    /// The first REGISTER, or one after a failure, is under way.
    Registering,
    /// The registrar holds our binding until `until`. A refresh may be under
    /// way; the state stays until it succeeds or fails.
    Registered { until: Instant },
    /// The last attempt failed; the next starts at `retry_at`.
    Failed { reason: Failure, retry_at: Instant },
    /// The unregister (expires=0) of a shutdown is under way.
    Unregistering,
}

impl State {
    /// Whether the registrar holds our binding at `now`: what the
    /// `cc_trunk_registered` gauge shows.
    pub fn is_registered(&self, now: Instant) -> bool {
        matches!(self, State::Registered { until } if *until > now)
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Credentials computed for a challenge were challenged again without
    /// `stale=true`: wrong password or unknown user.
    #[error("the registrar refused our credentials ({0})")]
    CredentialsRejected(StatusCode),
    /// The challenge is not a Digest one we can answer (algorithm, qop).
    #[error("the registrar's challenge uses a scheme, algorithm or qop we do not support")]
    UnsupportedChallenge,
    /// More than [`MAX_CHALLENGES`] challenges or 423s in a row.
    #[error("the registrar kept challenging")]
    TooManyChallenges,
    /// 423 without a Min-Expires above what we asked for.
    #[error("the registrar found the expiry too brief but named no longer one")]
    IntervalTooBrief,
    /// A 200 that grants our binding no time at all.
    #[error("the registrar accepted the request but kept no binding")]
    NoBinding,
    /// Any other final response.
    #[error("the registrar answered {0}")]
    Rejected(StatusCode),
    /// The transaction timed out or its transport failed.
    #[error("the registrar did not answer")]
    Timeout,
}

/// The registration's timers; at most one is armed at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// Send the refresh before the binding expires.
    Refresh,
    /// Try again after a failure.
    Retry,
}

/// One trunk's registration. See the module documentation for how a driver
/// runs it.
#[derive(Debug)]
pub struct Registration {
    config: RegistrationConfig,
    request_uri: SipUri,
    aor: Uri,
    call_id: CallId,
    from_tag: String,
    next_cseq: u32,
    /// The expiry we ask for: the configured one, raised by a 423.
    expires: u32,
    phase: Phase,
    state: State,
    in_flight: Option<InFlight>,
    /// The answered challenges, by header kind: WWW-Authenticate (the
    /// registrar) and Proxy-Authenticate (a proxy on the way).
    www: Option<AuthSession>,
    proxy: Option<AuthSession>,
    timer: Option<(Timer, Instant)>,
    /// Failed attempts since the last success, for the back-off.
    failures: u32,
    /// Challenges and 423s answered since the last other final response.
    challenges: u32,
    /// Until when the registrar holds a binding we made, for deciding
    /// whether a shutdown must unregister.
    bound_until: Option<Instant>,
    outbox: Option<Request>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Running,
    Stopping,
}

/// The REGISTER whose response we wait for.
#[derive(Debug)]
struct InFlight {
    cseq: u32,
    branch: String,
    expires: u32,
}

#[derive(Debug)]
struct AuthSession {
    challenge: DigestChallenge,
    cnonce: String,
    /// Requests sent with this nonce so far.
    nc: u32,
    /// Whether the last request carried these credentials for the first
    /// time, answering the challenge to the request before: a challenge
    /// back then means they were refused.
    fresh: bool,
}

impl Registration {
    /// A registration that has not started. The Call-ID and From tag are
    /// drawn here, from `rng`.
    pub fn new(config: RegistrationConfig, rng: &mut (impl Rng + ?Sized)) -> Result<Registration, RegistrationError> {
        if config.expires == 0 {
            return Err(RegistrationError::Expires);
        }
        let request_uri = match Uri::parse(&format!("sip:{}", config.domain)) {
            Ok(Uri::Sip(u)) if u.user.is_none() && u.params.is_empty() && u.headers.is_empty() => u,
            _ => return Err(RegistrationError::Domain),
        };
        let aor = match Uri::parse(&format!("sip:{}@{}", config.username, config.domain)) {
            Ok(Uri::Sip(u)) if u.user.as_deref() == Some(&config.username) && u.password.is_none() => Uri::Sip(u),
            _ => return Err(RegistrationError::Username),
        };
        let call_id = CallId::parse(&format!("{:016x}{:016x}", rng.random::<u64>(), rng.random::<u64>()))
            .expect("hex digits make a valid Call-ID");
        let from_tag = format!("{:016x}", rng.random::<u64>());
        let expires = config.expires;
        Ok(Registration {
            config,
            request_uri,
            aor,
            call_id,
            from_tag,
            next_cseq: 1,
            expires,
            phase: Phase::Idle,
            state: State::Unregistered,
            in_flight: None,
            www: None,
            proxy: None,
            timer: None,
            failures: 0,
            challenges: 0,
            bound_until: None,
            outbox: None,
        })
    }

    /// Sends the first REGISTER. Does nothing unless the registration is
    /// idle: not started yet, or stopped and unregistered.
    pub fn handle_start(&mut self, _now: Instant, rng: &mut (impl Rng + ?Sized)) {
        if self.phase != Phase::Idle {
            return;
        }
        self.phase = Phase::Running;
        self.failures = 0;
        self.set_state(State::Registering);
        self.send(self.expires, rng);
    }

    /// A response from the transaction of one of our requests. Provisional
    /// responses and responses to requests since replaced are ignored.
    pub fn handle_response(&mut self, now: Instant, response: &Response, rng: &mut (impl Rng + ?Sized)) {
        let Some(flight) = &self.in_flight else { return };
        let h = &response.headers;
        let top_branch = h.via.first().and_then(|v| v.branch.as_deref());
        if h.cseq.seq != flight.cseq
            || h.cseq.method != Method::Register
            || h.call_id != self.call_id
            || !top_branch.is_some_and(|b| b.eq_ignore_ascii_case(&flight.branch))
        {
            tracing::trace!(status = %response.status, "response to an earlier REGISTER ignored");
            return;
        }
        if response.status.is_provisional() {
            return;
        }
        let flight = self.in_flight.take().expect("checked just above");
        tracing::debug!(status = %response.status, expires = flight.expires, "REGISTER answered");
        match response.status.code() {
            200..=299 => self.on_success(now, response, &flight, rng),
            401 => self.on_challenge(now, response, false, &flight, rng),
            407 => self.on_challenge(now, response, true, &flight, rng),
            423 => self.on_too_brief(now, response, &flight, rng),
            _ => self.fail(now, Failure::Rejected(response.status), retry_after(response), rng),
        }
    }

    /// The transaction `key` timed out (Timer F) or its transport failed;
    /// both count as no answer (§8.1.3.1). Keys of replaced requests are
    /// ignored.
    pub fn handle_transaction_timeout(&mut self, now: Instant, key: &Key, rng: &mut (impl Rng + ?Sized)) {
        let ours =
            self.in_flight.as_ref().is_some_and(|f| key.branch().is_some_and(|b| b.eq_ignore_ascii_case(&f.branch)));
        if !ours || *key.method() != Method::Register {
            return;
        }
        self.in_flight = None;
        self.fail(now, Failure::Timeout, None, rng);
    }

    /// Runs the timer of [`poll_timeout`](Self::poll_timeout) if it is due.
    pub fn handle_timeout(&mut self, now: Instant, rng: &mut (impl Rng + ?Sized)) {
        let Some((timer, at)) = self.timer else { return };
        if now < at {
            return;
        }
        self.timer = None;
        match timer {
            Timer::Refresh => tracing::debug!("refreshing the registration"),
            Timer::Retry => self.set_state(State::Registering),
        }
        self.send(self.expires, rng);
    }

    /// Shutdown: unregisters (expires=0) if the registrar may hold a
    /// binding of ours, and stops retrying. The state becomes
    /// [`State::Unregistered`] at once when there is nothing to remove, else
    /// when the unregister is answered or times out.
    pub fn handle_stop(&mut self, now: Instant, rng: &mut (impl Rng + ?Sized)) {
        if self.phase != Phase::Running {
            return;
        }
        self.timer = None;
        let maybe_bound = self.in_flight.is_some() || self.bound_until.is_some_and(|until| until > now);
        if !maybe_bound {
            self.finish_stop();
            return;
        }
        self.phase = Phase::Stopping;
        self.challenges = 0;
        self.set_state(State::Unregistering);
        self.send(0, rng);
    }

    /// The next REGISTER to send through a new client transaction, to
    /// [`registrar`](Self::registrar).
    pub fn poll_request(&mut self) -> Option<Request> {
        self.outbox.take()
    }

    /// When to call [`handle_timeout`](Self::handle_timeout).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timer.map(|(_, at)| at)
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Where the requests go.
    pub fn registrar(&self) -> SocketAddr {
        self.config.registrar
    }

    /// Whether the requests go over TCP.
    pub fn reliable(&self) -> bool {
        self.config.reliable
    }

    fn on_success(&mut self, now: Instant, response: &Response, flight: &InFlight, rng: &mut (impl Rng + ?Sized)) {
        self.failures = 0;
        self.challenges = 0;
        self.settle_credentials();
        if self.phase == Phase::Stopping {
            self.finish_stop();
            return;
        }
        let granted = granted_expiry(response, &self.config.contact, flight.expires);
        if granted == 0 {
            self.fail(now, Failure::NoBinding, None, rng);
            return;
        }
        let until = now + secs(granted);
        self.bound_until = Some(until);
        self.timer = Some((Timer::Refresh, now + refresh_delay(granted)));
        self.set_state(State::Registered { until });
    }

    fn on_challenge(
        &mut self,
        now: Instant,
        response: &Response,
        proxy: bool,
        flight: &InFlight,
        rng: &mut (impl Rng + ?Sized),
    ) {
        self.challenges += 1;
        if self.challenges > MAX_CHALLENGES {
            self.fail(now, Failure::TooManyChallenges, None, rng);
            return;
        }
        // RFC 8760 §2.4: the first challenge we support, in header order,
        // which is the registrar's order of preference.
        let chosen = response.headers.other.iter().find_map(|h| match (h, proxy) {
            (Header::WwwAuthenticate(Challenge::Digest(d)), false)
            | (Header::ProxyAuthenticate(Challenge::Digest(d)), true)
                if digest::supports(d) =>
            {
                Some(d)
            }
            _ => None,
        });
        let Some(chosen) = chosen else {
            self.fail(now, Failure::UnsupportedChallenge, None, rng);
            return;
        };
        let answered = if proxy { &self.proxy } else { &self.www };
        if !chosen.stale && answered.as_ref().is_some_and(|s| s.fresh) {
            self.fail(now, Failure::CredentialsRejected(response.status), None, rng);
            return;
        }
        let (slot, other) = if proxy { (&mut self.proxy, &mut self.www) } else { (&mut self.www, &mut self.proxy) };
        // A challenge of one kind means the other kind's credentials got
        // through: a proxy that challenges no more forwarded the request.
        if let Some(o) = other {
            o.fresh = false;
        }
        *slot = Some(AuthSession { challenge: chosen.clone(), cnonce: random_hex(rng), nc: 0, fresh: true });
        tracing::debug!(status = %response.status, stale = chosen.stale, "answering the challenge");
        self.send(flight.expires, rng);
    }

    fn on_too_brief(&mut self, now: Instant, response: &Response, flight: &InFlight, rng: &mut (impl Rng + ?Sized)) {
        self.settle_credentials();
        self.challenges += 1;
        if self.challenges > MAX_CHALLENGES {
            self.fail(now, Failure::TooManyChallenges, None, rng);
            return;
        }
        let min = response.headers.text("Min-Expires").find_map(|v| Expires::parse(v).ok()).map(|e| e.0);
        match min {
            Some(min) if min > flight.expires && self.phase == Phase::Running => {
                tracing::debug!(min_expires = min, "the registrar asks for a longer expiry");
                self.expires = min;
                self.send(min, rng);
            }
            _ => self.fail(now, Failure::IntervalTooBrief, None, rng),
        }
    }

    /// Ends an attempt in failure and arms the retry; during a shutdown,
    /// ends the shutdown instead.
    fn fail(&mut self, now: Instant, reason: Failure, retry_after: Option<Duration>, rng: &mut (impl Rng + ?Sized)) {
        // The next attempt starts without credentials, from a fresh challenge.
        self.www = None;
        self.proxy = None;
        self.challenges = 0;
        if self.phase == Phase::Stopping {
            self.finish_stop();
            return;
        }
        self.failures = self.failures.saturating_add(1);
        let wait = backoff(self.failures, rng).max(retry_after.unwrap_or_default().min(BACKOFF_MAX));
        let retry_at = now + wait;
        self.timer = Some((Timer::Retry, retry_at));
        self.set_state(State::Failed { reason, retry_at });
    }

    fn finish_stop(&mut self) {
        self.phase = Phase::Idle;
        self.timer = None;
        self.in_flight = None;
        self.bound_until = None;
        self.www = None;
        self.proxy = None;
        self.failures = 0;
        self.challenges = 0;
        self.set_state(State::Unregistered);
    }

    /// A final response other than a challenge: the credentials sent got
    /// through, so a later challenge is no verdict on them.
    fn settle_credentials(&mut self) {
        for session in [&mut self.www, &mut self.proxy].into_iter().flatten() {
            session.fresh = false;
        }
    }

    fn set_state(&mut self, state: State) {
        if self.state != state {
            match &state {
                State::Failed { reason, .. } => {
                    tracing::info!(%reason, failures = self.failures, "registration failed")
                }
                State::Registered { .. } if !matches!(self.state, State::Registered { .. }) => {
                    tracing::info!("registered")
                }
                other => tracing::debug!(state = ?other, "registration state"),
            }
        }
        self.state = state;
    }

    /// Builds the next REGISTER, asking for `expires` seconds (0 removes our
    /// binding), and queues it.
    fn send(&mut self, expires: u32, rng: &mut (impl Rng + ?Sized)) {
        let cseq = self.next_cseq;
        // 2³¹ REGISTERs would take decades even at one a second.
        self.next_cseq = (cseq + 1).min(super::CSEQ_LIMIT - 1);
        let branch = format!("{BRANCH_COOKIE}{}", random_hex(rng));
        let transport = if self.config.reliable { Transport::Tcp } else { Transport::Udp };
        let mut via = Via::new(transport, self.config.contact.host.clone(), self.config.contact.port, branch.clone());
        via.rport = Rport::Requested;
        let mut from = NameAddr::new(self.aor.clone());
        from.params.set("tag", Some(&self.from_tag));
        let mut contact = NameAddr::new(Uri::Sip(self.config.contact.clone()));
        contact.params.set("expires", Some(&expires.to_string()));
        let mut other = vec![Header::Contact(Contact::Addr(contact)), Header::Expires(Expires(expires))];

        let digest_uri = self.request_uri.to_string();
        for (session, proxy) in [(&mut self.www, false), (&mut self.proxy, true)] {
            let Some(s) = session else { continue };
            s.nc = s.nc.saturating_add(1);
            let creds = digest::answer(
                &s.challenge,
                &Method::Register,
                &digest_uri,
                &self.config.auth_username,
                &self.config.password,
                &s.cnonce,
                s.nc,
            )
            .expect("only challenges that digest::supports are kept");
            let creds = Credentials::Digest(creds);
            other.push(if proxy { Header::ProxyAuthorization(creds) } else { Header::Authorization(creds) });
        }

        self.outbox = Some(Request {
            method: Method::Register,
            uri: Uri::Sip(self.request_uri.clone()),
            headers: Headers {
                via: vec![via],
                from,
                to: NameAddr::new(self.aor.clone()),
                call_id: self.call_id.clone(),
                cseq: CSeq::new(cseq, Method::Register),
                max_forwards: Some(MaxForwards::DEFAULT),
                content_type: None,
                other,
            },
            body: Vec::new(),
        });
        self.in_flight = Some(InFlight { cseq, branch, expires });
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Unregistered => f.write_str("unregistered"),
            State::Registering => f.write_str("registering"),
            State::Registered { .. } => f.write_str("registered"),
            State::Failed { reason, .. } => write!(f, "failed: {reason}"),
            State::Unregistering => f.write_str("unregistering"),
        }
    }
}

/// The expiry the registrar granted us (§10.2.4): the `expires` of our own
/// Contact among the bindings it lists, else the Expires header, else the
/// `expires` of the only Contact listed (a registrar behind NAT handling
/// may rewrite ours), else what we asked; never more than we asked.
fn granted_expiry(response: &Response, ours: &SipUri, asked: u32) -> u32 {
    let contacts: Vec<&Contact> = response.headers.contacts().collect();
    let own = contacts
        .iter()
        .find(|c| c.name_addr().and_then(|na| na.uri.as_sip()).is_some_and(|u| same_binding(u, ours)))
        .and_then(|c| c.expires());
    let header = response.headers.other.iter().find_map(|h| match h {
        Header::Expires(e) => Some(e.0),
        _ => None,
    });
    let only = match contacts.as_slice() {
        [c] => c.expires(),
        _ => None,
    };
    own.or(header).or(only).unwrap_or(asked).min(asked)
}

/// Whether a Contact the registrar lists is ours: same user, host and port.
/// Parameters are ignored, as registrars add their own.
fn same_binding(a: &SipUri, b: &SipUri) -> bool {
    let default_port = |u: &SipUri| if u.secure { 5061 } else { 5060 };
    a.user == b.user
        && a.host.eq_ignore_case(&b.host)
        && a.port.unwrap_or(default_port(a)) == b.port.unwrap_or(default_port(b))
}

/// When to refresh a binding granted for `granted` seconds.
fn refresh_delay(granted: u32) -> Duration {
    let granted = secs(granted);
    granted - (granted / 2).min(REFRESH_MARGIN)
}

/// The wait before attempt `failures + 1`: [`BACKOFF_FIRST`] doubled per
/// earlier failure, capped at [`BACKOFF_MAX`], less up to a quarter at random.
fn backoff(failures: u32, rng: &mut (impl Rng + ?Sized)) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    let full = BACKOFF_FIRST.saturating_mul(1 << doublings).min(BACKOFF_MAX);
    full - full / 4 * rng.random_range(0..=1000u32) / 1000
}

/// The delta-seconds of a Retry-After header (RFC 3261 §20.33), ignoring its
/// comment and parameters.
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers.text("Retry-After").next()?;
    let digits = value.split(|c: char| !c.is_ascii_digit()).next()?;
    Expires::parse(digits).ok().map(|e| secs(e.0))
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

/// 64 random bits in hex: branches, tags, client nonces.
fn random_hex(rng: &mut (impl Rng + ?Sized)) -> String {
    format!("{:016x}", rng.random::<u64>())
}

#[cfg(test)]
mod tests {
    use md5::{Digest, Md5};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::sip::{DigestCredentials, Message, OtherHeader, Qop, parse_datagram};

    const REGISTRAR: &str = "198.51.100.7:5060";

    fn config() -> RegistrationConfig {
        RegistrationConfig {
            registrar: REGISTRAR.parse().unwrap(),
            reliable: false,
            domain: "example.com".into(),
            username: "alice".into(),
            auth_username: "alice-auth".into(),
            password: Password::new("s3cret"),
            contact: match Uri::parse("sip:alice@192.0.2.1:5060").unwrap() {
                Uri::Sip(u) => u,
                _ => unreachable!(),
            },
            expires: 600,
        }
    }

    fn asking(expires: u32) -> RegistrationConfig {
        RegistrationConfig { expires, ..config() }
    }

    /// A registration, a seeded random source and a virtual clock.
    struct Test {
        reg: Registration,
        rng: StdRng,
        start: Instant,
        now: Instant,
    }

    impl Test {
        fn new(config: RegistrationConfig) -> Test {
            let mut rng = StdRng::seed_from_u64(7);
            let reg = Registration::new(config, &mut rng).unwrap();
            let start = Instant::now();
            Test { reg, rng, start, now: start }
        }

        /// Starts and returns the first REGISTER.
        fn started(config: RegistrationConfig) -> (Test, Request) {
            let mut t = Test::new(config);
            t.reg.handle_start(t.now, &mut t.rng);
            let req = t.sent();
            (t, req)
        }

        fn secs(&self) -> f64 {
            (self.now - self.start).as_secs_f64()
        }

        fn advance_to(&mut self, at: Instant) {
            assert!(at >= self.now);
            self.now = at;
            self.reg.handle_timeout(self.now, &mut self.rng);
        }

        /// Advances to the armed timer and runs it.
        fn fire(&mut self) {
            let at = self.reg.poll_timeout().expect("a timer is armed");
            self.advance_to(at);
        }

        /// The one queued REGISTER, after a trip through the printer and
        /// the parser, which must give it back unchanged.
        fn sent(&mut self) -> Request {
            let req = self.reg.poll_request().expect("a REGISTER to send");
            assert!(self.reg.poll_request().is_none());
            match parse_datagram(&req.to_bytes()) {
                Ok(Message::Request(again)) => assert_eq!(again, req),
                other => panic!("the REGISTER does not parse back: {other:?}"),
            }
            req
        }

        fn nothing_sent(&mut self) {
            assert!(self.reg.poll_request().is_none(), "nothing should be sent");
        }

        fn respond(&mut self, response: Response) {
            self.reg.handle_response(self.now, &response, &mut self.rng);
        }

        fn time_out(&mut self, req: &Request) {
            let key = Key::client(req).expect("our REGISTERs have RFC 3261 branches");
            self.reg.handle_transaction_timeout(self.now, &key, &mut self.rng);
        }
    }

    fn response(req: &Request, code: u16, headers: &[&str]) -> Response {
        let mut resp = Response::for_request(req, StatusCode::new(code).unwrap(), "registrar");
        for line in headers {
            let (name, value) = line.split_once(": ").unwrap();
            resp.headers.push(match name {
                "WWW-Authenticate" => Header::WwwAuthenticate(Challenge::parse(value).unwrap()),
                "Proxy-Authenticate" => Header::ProxyAuthenticate(Challenge::parse(value).unwrap()),
                "Contact" => Header::Contact(Contact::parse_list(value).unwrap().remove(0)),
                "Expires" => Header::Expires(Expires::parse(value).unwrap()),
                _ => Header::Other(OtherHeader::new(name, value).unwrap()),
            });
        }
        resp
    }

    const CHALLENGE: &str = r#"WWW-Authenticate: Digest realm="example.com", nonce="n1", opaque="op", qop="auth""#;

    fn authorization(req: &Request) -> Option<&DigestCredentials> {
        req.headers.other.iter().find_map(|h| match h {
            Header::Authorization(Credentials::Digest(d)) => Some(d),
            _ => None,
        })
    }

    fn proxy_authorization(req: &Request) -> Option<&DigestCredentials> {
        req.headers.other.iter().find_map(|h| match h {
            Header::ProxyAuthorization(Credentials::Digest(d)) => Some(d),
            _ => None,
        })
    }

    /// The expiry asked for, from the Contact parameter, which must agree
    /// with the Expires header.
    fn asked(req: &Request) -> u32 {
        let contact = req.headers.contacts().next().unwrap().expires().unwrap();
        let header = req.headers.other.iter().find_map(|h| match h {
            Header::Expires(e) => Some(e.0),
            _ => None,
        });
        assert_eq!(header, Some(contact));
        contact
    }

    fn md5_hex(text: &str) -> String {
        Md5::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    fn secs_from(t: &Test, at: Instant) -> f64 {
        (at - t.start).as_secs_f64()
    }

    /// Registers through one challenge; returns the 200'd REGISTER.
    fn registered(config: RegistrationConfig, granted: u32) -> (Test, Request) {
        let (mut t, first) = Test::started(config);
        t.respond(response(&first, 401, &[CHALLENGE]));
        let second = t.sent();
        let contact = format!("Contact: <sip:alice@192.0.2.1:5060>;expires={granted}");
        t.respond(response(&second, 200, &[&contact]));
        assert!(matches!(t.reg.state(), State::Registered { .. }));
        (t, second)
    }

    #[test]
    fn full_flow_with_challenge_and_refresh() {
        let (mut t, first) = Test::started(config());
        assert_eq!(t.reg.state(), &State::Registering);
        assert_eq!(t.reg.poll_timeout(), None, "the transaction layer times the request out");
        let text = String::from_utf8(first.to_bytes()).unwrap();
        assert!(text.starts_with("REGISTER sip:example.com SIP/2.0\r\n"), "{text}");
        assert!(text.contains("\r\nTo: <sip:alice@example.com>\r\n"), "{text}");
        assert!(text.contains("\r\nFrom: <sip:alice@example.com>;tag="), "{text}");
        assert!(text.contains("\r\nContact: <sip:alice@192.0.2.1:5060>;expires=600\r\n"), "{text}");
        assert!(text.contains("\r\nExpires: 600\r\n"), "{text}");
        assert!(text.contains("\r\nMax-Forwards: 70\r\n"), "{text}");
        let via = &first.headers.via[0];
        assert!(via.branch.as_deref().unwrap().starts_with(BRANCH_COOKIE));
        assert_eq!((via.transport.clone(), via.port, via.rport), (Transport::Udp, Some(5060), Rport::Requested));
        assert_eq!(first.headers.cseq, CSeq::new(1, Method::Register));
        assert!(authorization(&first).is_none());
        assert_eq!(t.reg.registrar(), REGISTRAR.parse::<SocketAddr>().unwrap());
        assert!(!t.reg.reliable());

        // 401: the same request again with credentials, checked here by
        // hand against RFC 2617's formulas.
        t.respond(response(&first, 401, &[CHALLENGE]));
        assert_eq!(t.reg.state(), &State::Registering);
        let second = t.sent();
        assert_eq!(second.headers.cseq.seq, 2);
        assert_eq!(second.headers.call_id, first.headers.call_id);
        assert_eq!(second.headers.from, first.headers.from, "the From tag stays");
        assert_ne!(second.headers.via[0].branch, first.headers.via[0].branch);
        let creds = authorization(&second).expect("credentials");
        assert_eq!(
            (creds.username.as_str(), creds.realm.as_str(), creds.nonce.as_str(), creds.uri.as_str()),
            ("alice-auth", "example.com", "n1", "sip:example.com")
        );
        assert_eq!((creds.qop.clone(), creds.nc, creds.opaque.as_deref()), (Some(Qop::Auth), Some(1), Some("op")));
        let cnonce = creds.cnonce.clone().expect("a cnonce with qop");
        let ha1 = md5_hex("alice-auth:example.com:s3cret");
        let ha2 = md5_hex("REGISTER:sip:example.com");
        assert_eq!(creds.response, md5_hex(&format!("{ha1}:n1:00000001:{cnonce}:auth:{ha2}")));

        // 200 listing our binding at 120 s among another device's: the
        // refresh is due before then.
        t.now += Duration::from_millis(300);
        t.respond(response(
            &second,
            200,
            &["Contact: <sip:alice@203.0.113.9>;expires=3600", "Contact: <sip:alice@192.0.2.1:5060>;expires=120"],
        ));
        let until = t.now + Duration::from_secs(120);
        assert_eq!(t.reg.state(), &State::Registered { until });
        assert!(t.reg.state().is_registered(t.now));
        assert!(!t.reg.state().is_registered(until));
        t.nothing_sent();
        let refresh_at = t.reg.poll_timeout().unwrap();
        assert_eq!(refresh_at - t.now, Duration::from_secs(60));

        // The refresh: next CSeq, same Call-ID, credentials for the same
        // nonce with the next nonce-count, so no new challenge is needed.
        t.advance_to(refresh_at - Duration::from_millis(1));
        t.nothing_sent();
        t.fire();
        let third = t.sent();
        assert_eq!(t.reg.state(), &State::Registered { until }, "still bound while the refresh runs");
        assert_eq!(third.headers.cseq.seq, 3);
        assert_eq!(third.headers.call_id, first.headers.call_id);
        assert_eq!(asked(&third), 600);
        let creds = authorization(&third).expect("credentials sent ahead");
        assert_eq!((creds.nonce.as_str(), creds.nc), ("n1", Some(2)));
        assert_eq!(creds.cnonce.as_deref(), Some(cnonce.as_str()));
        assert_eq!(creds.response, md5_hex(&format!("{ha1}:n1:00000002:{cnonce}:auth:{ha2}")));

        // A registrar that gives the expiry in the Expires header only.
        t.respond(response(&third, 200, &["Expires: 90"]));
        assert_eq!(t.reg.state(), &State::Registered { until: t.now + Duration::from_secs(90) });
        assert_eq!(t.reg.poll_timeout().unwrap() - t.now, Duration::from_secs(45));
    }

    #[test]
    fn granted_expiry_is_never_longer_than_asked() {
        let (t, _) = registered(asking(60), 3600);
        assert_eq!(t.reg.state(), &State::Registered { until: t.now + Duration::from_secs(60) });
        assert_eq!(t.reg.poll_timeout().unwrap() - t.now, Duration::from_secs(30));
        // Long expiries refresh a minute ahead.
        let (t, _) = registered(config(), 600);
        assert_eq!(t.reg.poll_timeout().unwrap() - t.now, Duration::from_secs(540));
        // No expiry anywhere in the 200: what we asked for.
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 200, &[]));
        assert_eq!(t.reg.state(), &State::Registered { until: t.now + Duration::from_secs(600) });
        // Our Contact rewritten (NAT) and alone: its expires counts.
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 200, &["Contact: <sip:alice@203.0.113.50:40000>;expires=300"]));
        assert_eq!(t.reg.state(), &State::Registered { until: t.now + Duration::from_secs(300) });
        // A binding granted no time at all is a failure.
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 200, &["Contact: <sip:alice@192.0.2.1>;expires=0"]));
        assert!(matches!(t.reg.state(), State::Failed { reason: Failure::NoBinding, .. }));
    }

    #[test]
    fn wrong_password_fails_and_backs_off() {
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 401, &[CHALLENGE]));
        let second = t.sent();
        t.respond(response(&second, 401, &[CHALLENGE]));
        t.nothing_sent();
        let State::Failed { reason, retry_at } = t.reg.state().clone() else { panic!("{:?}", t.reg.state()) };
        assert_eq!(reason, Failure::CredentialsRejected(StatusCode::UNAUTHORIZED));
        let wait = secs_from(&t, retry_at);
        assert!((22.5..=30.0).contains(&wait), "{wait}");
        assert_eq!(t.reg.poll_timeout(), Some(retry_at));

        // The retry starts over without credentials; a registrar that
        // answers a wrong password with a new nonce (as Asterisk does) is
        // refused just the same, and the wait doubles.
        t.fire();
        assert_eq!(t.reg.state(), &State::Registering);
        let third = t.sent();
        assert!(authorization(&third).is_none());
        assert_eq!(third.headers.cseq.seq, 3);
        t.respond(response(&third, 401, &[CHALLENGE]));
        let fourth = t.sent();
        t.respond(response(&fourth, 401, &[&CHALLENGE.replace("n1", "n2")]));
        let State::Failed { reason, retry_at } = t.reg.state().clone() else { panic!("{:?}", t.reg.state()) };
        assert_eq!(reason, Failure::CredentialsRejected(StatusCode::UNAUTHORIZED));
        let wait = (retry_at - t.now).as_secs_f64();
        assert!((45.0..=60.0).contains(&wait), "{wait}");
    }

    #[test]
    fn back_off_doubles_to_the_cap_and_resets_on_success() {
        let (mut t, mut req) = Test::started(config());
        let mut waits = Vec::new();
        for _ in 0..9 {
            t.time_out(&req);
            let State::Failed { reason, retry_at } = t.reg.state().clone() else { panic!() };
            assert_eq!(reason, Failure::Timeout);
            waits.push((retry_at - t.now).as_secs_f64());
            t.fire();
            req = t.sent();
        }
        let full = [30.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1800.0, 1800.0, 1800.0];
        for (wait, full) in waits.iter().zip(full) {
            assert!(*wait <= full && *wait >= full * 0.75, "{waits:?}");
        }
        assert!(waits.windows(2).any(|w| w[0] != w[1]), "jitter varies the waits: {waits:?}");
        t.respond(response(&req, 200, &[]));
        assert!(matches!(t.reg.state(), State::Registered { .. }));
        t.fire();
        let refresh = t.sent();
        t.respond(response(&refresh, 500, &[]));
        let State::Failed { reason, retry_at } = t.reg.state().clone() else { panic!() };
        assert_eq!(reason, Failure::Rejected(StatusCode::SERVER_INTERNAL_ERROR));
        assert!((retry_at - t.now) <= BACKOFF_FIRST, "back to the first step after a success");
    }

    #[test]
    fn retry_after_lengthens_the_wait() {
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 503, &["Retry-After: 600 (maintenance);duration=1800"]));
        let State::Failed { retry_at, .. } = t.reg.state().clone() else { panic!() };
        assert_eq!(retry_at - t.now, Duration::from_secs(600));
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 503, &["Retry-After: 99999"]));
        let State::Failed { retry_at, .. } = t.reg.state().clone() else { panic!() };
        assert_eq!(retry_at - t.now, BACKOFF_MAX);
    }

    #[test]
    fn interval_too_brief() {
        let (mut t, first) = Test::started(asking(60));
        t.respond(response(&first, 423, &["Min-Expires: 300"]));
        let second = t.sent();
        assert_eq!(asked(&second), 300);
        assert_eq!(second.headers.cseq.seq, 2);
        assert_eq!(t.reg.state(), &State::Registering);
        t.respond(response(&second, 200, &["Contact: <sip:alice@192.0.2.1:5060>;expires=300"]));
        assert_eq!(t.reg.state(), &State::Registered { until: t.now + Duration::from_secs(300) });
        assert_eq!(t.reg.poll_timeout().unwrap() - t.now, Duration::from_secs(240));
        t.fire();
        assert_eq!(asked(&t.sent()), 300, "refreshes keep the longer expiry");

        // Without a usable Min-Expires there is nothing to retry with.
        for header in [&[][..], &["Min-Expires: 30"], &["Min-Expires: soon"]] {
            let (mut t, first) = Test::started(asking(60));
            t.respond(response(&first, 423, header));
            t.nothing_sent();
            assert!(matches!(t.reg.state(), State::Failed { reason: Failure::IntervalTooBrief, .. }), "{header:?}");
        }
    }

    #[test]
    fn stale_nonce_and_expired_nonce_are_answered_again() {
        let (mut t, _) = registered(config(), 120);
        t.fire();
        let refresh = t.sent();
        assert_eq!(authorization(&refresh).unwrap().nonce, "n1");
        // stale=true: the password was right, the nonce is old.
        t.respond(response(
            &refresh,
            401,
            &[r#"WWW-Authenticate: Digest realm="example.com", nonce="n2", qop="auth", stale=true"#],
        ));
        let again = t.sent();
        let creds = authorization(&again).unwrap();
        assert_eq!((creds.nonce.as_str(), creds.nc, creds.opaque.as_deref()), ("n2", Some(1), None));
        // Even with fresh credentials, stale=true is answered again.
        t.respond(response(
            &again,
            401,
            &[r#"WWW-Authenticate: Digest realm="example.com", nonce="n3", qop="auth", stale=true"#],
        ));
        let third = t.sent();
        assert_eq!(authorization(&third).unwrap().nonce, "n3");
        t.respond(response(&third, 200, &[]));
        assert!(matches!(t.reg.state(), State::Registered { .. }));

        // Credentials sent ahead and challenged without stale=true (the
        // registrar forgot the nonce) get one fresh answer, not a failure.
        t.fire();
        let refresh = t.sent();
        assert_eq!(authorization(&refresh).unwrap().nonce, "n3");
        t.respond(response(&refresh, 401, &[&CHALLENGE.replace("n1", "n4")]));
        let answer = t.sent();
        assert_eq!(authorization(&answer).unwrap().nonce, "n4");
        t.respond(response(&answer, 200, &[]));
        assert!(matches!(t.reg.state(), State::Registered { .. }));
    }

    #[test]
    fn endless_stale_challenges_are_bounded() {
        let (mut t, mut req) = Test::started(config());
        for n in 0..MAX_CHALLENGES {
            let challenge = format!(r#"WWW-Authenticate: Digest realm="r", nonce="s{n}", stale=true"#);
            t.respond(response(&req, 401, &[&challenge]));
            req = t.sent();
        }
        t.respond(response(&req, 401, &[r#"WWW-Authenticate: Digest realm="r", nonce="last", stale=true"#]));
        t.nothing_sent();
        assert!(matches!(t.reg.state(), State::Failed { reason: Failure::TooManyChallenges, .. }));
    }

    #[test]
    fn proxy_and_registrar_both_challenge() {
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 407, &[r#"Proxy-Authenticate: Digest realm="proxy", nonce="p1""#]));
        let second = t.sent();
        let p = proxy_authorization(&second).expect("proxy credentials");
        assert_eq!((p.realm.as_str(), p.qop.clone(), p.nc), ("proxy", None, None));
        let ha1 = md5_hex("alice-auth:proxy:s3cret");
        assert_eq!(p.response, md5_hex(&format!("{ha1}:p1:{}", md5_hex("REGISTER:sip:example.com"))));
        assert!(authorization(&second).is_none());
        // The registrar challenges next: the proxy let us through.
        t.respond(response(&second, 401, &[CHALLENGE]));
        let third = t.sent();
        assert!(proxy_authorization(&third).is_some() && authorization(&third).is_some());
        t.respond(response(&third, 200, &[]));
        assert!(matches!(t.reg.state(), State::Registered { .. }));
    }

    #[test]
    fn picks_the_first_supported_challenge() {
        let (mut t, first) = Test::started(config());
        t.respond(response(
            &first,
            401,
            &[
                r#"WWW-Authenticate: Digest realm="r", nonce="a", algorithm=SHA-1, qop="auth""#,
                r#"WWW-Authenticate: Digest realm="r", nonce="b", algorithm=SHA-256, qop="auth""#,
                r#"WWW-Authenticate: Digest realm="r", nonce="c", algorithm=MD5, qop="auth""#,
            ],
        ));
        let creds = authorization(&t.sent()).unwrap().clone();
        assert_eq!((creds.nonce.as_str(), creds.algorithm), ("b", Some(crate::sip::Algorithm::Sha256)));
        assert_eq!(creds.response.len(), 64);

        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 401, &[r#"WWW-Authenticate: Digest realm="r", nonce="a", qop="auth-int""#]));
        t.nothing_sent();
        assert!(matches!(t.reg.state(), State::Failed { reason: Failure::UnsupportedChallenge, .. }));
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 401, &[]));
        assert!(matches!(t.reg.state(), State::Failed { reason: Failure::UnsupportedChallenge, .. }));
    }

    #[test]
    fn unregister_on_stop() {
        let (mut t, _) = registered(config(), 120);
        t.now += Duration::from_secs(10);
        t.reg.handle_stop(t.now, &mut t.rng);
        assert_eq!(t.reg.state(), &State::Unregistering);
        assert_eq!(t.reg.poll_timeout(), None, "no refresh after a stop");
        let bye = t.sent();
        assert_eq!(asked(&bye), 0);
        assert_eq!(bye.headers.cseq.seq, 3);
        assert_eq!(authorization(&bye).unwrap().nc, Some(2), "credentials sent ahead");
        // A challenge to the unregister is answered too.
        t.respond(response(&bye, 401, &[r#"WWW-Authenticate: Digest realm="example.com", nonce="n9", stale=true"#]));
        let bye = t.sent();
        assert_eq!((asked(&bye), authorization(&bye).unwrap().nonce.as_str()), (0, "n9"));
        t.respond(response(&bye, 200, &[]));
        assert_eq!(t.reg.state(), &State::Unregistered);
        assert_eq!(t.reg.poll_timeout(), None);
        t.nothing_sent();
        // A stopped registration can start again, same Call-ID, next CSeq.
        t.reg.handle_start(t.now, &mut t.rng);
        let again = t.sent();
        assert_eq!((asked(&again), again.headers.cseq.seq), (600, 5));
    }

    #[test]
    fn stop_without_a_binding_sends_nothing() {
        let mut t = Test::new(config());
        t.reg.handle_stop(t.now, &mut t.rng);
        assert_eq!(t.reg.state(), &State::Unregistered);
        t.nothing_sent();

        // Failed and never bound: nothing to remove.
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 403, &[]));
        t.reg.handle_stop(t.now, &mut t.rng);
        assert_eq!(t.reg.state(), &State::Unregistered);
        assert_eq!(t.reg.poll_timeout(), None);
        t.nothing_sent();

        // A REGISTER in flight may have bound us: unregister, and give up
        // when that times out.
        let (mut t, _first) = Test::started(config());
        t.reg.handle_stop(t.now, &mut t.rng);
        let bye = t.sent();
        assert_eq!(asked(&bye), 0);
        t.time_out(&bye);
        assert_eq!(t.reg.state(), &State::Unregistered);
        assert_eq!(t.reg.poll_timeout(), None);
        t.nothing_sent();
    }

    #[test]
    fn stray_responses_and_timeouts_are_ignored() {
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 100, &[]));
        assert_eq!(t.reg.state(), &State::Registering);
        t.nothing_sent();
        t.respond(response(&first, 401, &[CHALLENGE]));
        let second = t.sent();
        // A late copy of the 401 to the first request, and that request's
        // timeout: neither belongs to the REGISTER now in flight.
        t.respond(response(&first, 401, &[CHALLENGE]));
        t.time_out(&first);
        assert_eq!(t.reg.state(), &State::Registering);
        t.nothing_sent();
        let mut foreign = response(&second, 200, &[]);
        foreign.headers.call_id = CallId::parse("someone-else").unwrap();
        t.respond(foreign);
        assert_eq!(t.reg.state(), &State::Registering);
        t.respond(response(&second, 200, &[]));
        assert!(matches!(t.reg.state(), State::Registered { .. }));
        // Repeated starts and early timer calls change nothing.
        t.reg.handle_start(t.now, &mut t.rng);
        t.reg.handle_timeout(t.now, &mut t.rng);
        t.nothing_sent();
        assert!(t.secs() < 1.0);
    }

    #[test]
    fn tcp_and_config_errors() {
        let (t, first) = Test::started(RegistrationConfig { reliable: true, ..config() });
        assert!(t.reg.reliable());
        assert_eq!(first.headers.via[0].transport, Transport::Tcp);

        let mut rng = StdRng::seed_from_u64(1);
        let bad = |c: RegistrationConfig, rng: &mut StdRng| Registration::new(c, rng).unwrap_err();
        assert_eq!(bad(RegistrationConfig { expires: 0, ..config() }, &mut rng), RegistrationError::Expires);
        for domain in ["", "exa mple.com", "user@example.com", "example.com;transport=tcp", "example.com:99999"] {
            assert_eq!(
                bad(RegistrationConfig { domain: domain.into(), ..config() }, &mut rng),
                RegistrationError::Domain
            );
        }
        for username in ["", "a@b", "a b", "a:b"] {
            let c = RegistrationConfig { username: username.into(), ..config() };
            assert_eq!(bad(c, &mut rng), RegistrationError::Username, "{username:?}");
        }
        let ok =
            Registration::new(RegistrationConfig { domain: "10.0.0.1:5080".into(), ..config() }, &mut rng).unwrap();
        assert_eq!(ok.aor.to_string(), "sip:alice@10.0.0.1:5080");
    }

    #[test]
    fn the_password_stays_out_of_debug_output() {
        let (mut t, first) = Test::started(config());
        t.respond(response(&first, 401, &[CHALLENGE]));
        let second = t.sent();
        let printed = format!("{:?} {:?} {:?}", t.reg, config(), second);
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(!String::from_utf8_lossy(&second.to_bytes()).contains("s3cret"));
    }
}
