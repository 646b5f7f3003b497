//! Digest authentication arithmetic (RFC 2617, RFC 7616, and RFC 8760 for
//! SIP): the request-digest a client sends in answer to a challenge, and the
//! check a server makes of the credentials it receives. The headers
//! themselves are parsed and printed in `auth.rs`; this file only computes.
//!
//! Supported: MD5, SHA-256 and SHA-512-256, each with its `-sess` variant;
//! `qop=auth`, and no qop at all for RFC 2069 peers. Out of scope:
//! `qop=auth-int` (it hashes the body, and no registrar we know of offers it
//! alone), `userhash` (we always send the plain username), and the nonce
//! bookkeeping of a server (issuing nonces, expiring them, rejecting replayed
//! nonce-counts), which belongs to whoever issues the challenges.
//!
//! Nothing here draws random numbers: the client nonce (`cnonce`) comes from
//! the caller.

use std::fmt::{self, Write as _};

use md5::Md5;
use sha2::{Digest, Sha256, Sha512_256};

use super::auth::{Algorithm, DigestChallenge, DigestCredentials, Qop};
use super::method::Method;

/// A shared secret. Its `Debug` output never shows the text, so a config or
/// a registration that holds one can be logged whole.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// The secret itself, for hashing; named so that every use stands out.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Compared in constant time, like the digests: equality is for configs and
/// tests, and must not tell how much of a guess was right.
impl PartialEq for Password {
    fn eq(&self, other: &Password) -> bool {
        constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Password {}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Why a challenge cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// The challenge names an algorithm we do not compute.
    #[error("unsupported digest algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The challenge offers qop values, none of them `auth`.
    #[error("the challenge offers no qop we support (only auth)")]
    UnsupportedQop,
}

/// Whether [`answer`] can answer `challenge`: a known algorithm, and either
/// no qop or one that includes `auth`.
pub fn supports(challenge: &DigestChallenge) -> bool {
    scheme(challenge.algorithm.as_ref()).is_ok() && choose_qop(challenge).is_ok()
}

/// The credentials that answer `challenge` for a request with this method and
/// digest-uri (the Request-URI as printed; RFC 3261 §22.4).
///
/// `cnonce` is the client nonce, fresh randomness from the caller, and `nc`
/// the count of requests sent with this nonce, this one included (1 for the
/// first). Both are used only when the challenge offers a qop, except that
/// the `-sess` algorithms always need `cnonce` for their session key. The
/// algorithm and opaque of the challenge are echoed, as RFC 7616 §3.4 asks.
pub fn answer(
    challenge: &DigestChallenge,
    method: &Method,
    uri: &str,
    username: &str,
    password: &Password,
    cnonce: &str,
    nc: u32,
) -> Result<DigestCredentials, DigestError> {
    let (hash, sess) = scheme(challenge.algorithm.as_ref())?;
    let qop = choose_qop(challenge)?;
    let cnonce = (qop.is_some() || sess).then(|| cnonce.to_owned());
    let nc = qop.as_ref().map(|_| nc);
    let response = request_digest(&Inputs {
        hash,
        sess,
        username,
        realm: &challenge.realm,
        password,
        nonce: &challenge.nonce,
        cnonce: cnonce.as_deref(),
        nc,
        qop: qop.as_ref(),
        method: &method.to_string(),
        uri,
    })
    .expect("cnonce is present whenever qop or -sess needs it");
    Ok(DigestCredentials {
        username: username.to_owned(),
        realm: challenge.realm.clone(),
        nonce: challenge.nonce.clone(),
        uri: uri.to_owned(),
        response,
        algorithm: challenge.algorithm.clone(),
        cnonce,
        opaque: challenge.opaque.clone(),
        qop,
        nc,
        other: Vec::new(),
    })
}

/// Whether `credentials` answer `challenge` (the one the server issued) for a
/// request with `method`, given the user's `password`.
///
/// Realm, nonce, opaque, algorithm and qop must be the challenge's (an
/// answer with a weaker algorithm or without the offered qop is refused),
/// and the request-digest is compared in constant time. The caller still
/// checks that the digest-uri is the request's Request-URI, that the nonce
/// is one it issued and still fresh, and that nonce-counts do not repeat.
pub fn verify(
    credentials: &DigestCredentials,
    method: &Method,
    password: &Password,
    challenge: &DigestChallenge,
) -> bool {
    let Ok((hash, sess)) = scheme(challenge.algorithm.as_ref()) else { return false };
    if scheme(credentials.algorithm.as_ref()) != Ok((hash, sess))
        || credentials.realm != challenge.realm
        || credentials.nonce != challenge.nonce
        || credentials.opaque != challenge.opaque
    {
        return false;
    }
    match &credentials.qop {
        None if !challenge.qop.is_empty() => return false,
        Some(q) if *q != Qop::Auth || !challenge.qop.contains(q) => return false,
        _ => {}
    }
    let Some(expected) = request_digest(&Inputs {
        hash,
        sess,
        username: &credentials.username,
        realm: &credentials.realm,
        password,
        nonce: &credentials.nonce,
        cnonce: credentials.cnonce.as_deref(),
        nc: credentials.nc,
        qop: credentials.qop.as_ref(),
        method: &method.to_string(),
        uri: &credentials.uri,
    }) else {
        return false;
    };
    constant_time_eq(expected.as_bytes(), credentials.response.to_ascii_lowercase().as_bytes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Md5,
    Sha256,
    Sha512_256,
}

/// The hash and whether it is a `-sess` variant; no algorithm means MD5
/// (RFC 2617 §3.2.1).
fn scheme(algorithm: Option<&Algorithm>) -> Result<(Hash, bool), DigestError> {
    match algorithm {
        None | Some(Algorithm::Md5) => Ok((Hash::Md5, false)),
        Some(Algorithm::Md5Sess) => Ok((Hash::Md5, true)),
        Some(Algorithm::Sha256) => Ok((Hash::Sha256, false)),
        Some(Algorithm::Sha256Sess) => Ok((Hash::Sha256, true)),
        Some(Algorithm::Sha512_256) => Ok((Hash::Sha512_256, false)),
        Some(Algorithm::Sha512_256Sess) => Ok((Hash::Sha512_256, true)),
        Some(Algorithm::Other(name)) => Err(DigestError::UnsupportedAlgorithm(name.clone())),
    }
}

/// `auth` when offered, nothing when no qop is offered (RFC 2069 style).
fn choose_qop(challenge: &DigestChallenge) -> Result<Option<Qop>, DigestError> {
    if challenge.qop.is_empty() {
        Ok(None)
    } else if challenge.qop.contains(&Qop::Auth) {
        Ok(Some(Qop::Auth))
    } else {
        Err(DigestError::UnsupportedQop)
    }
}

struct Inputs<'a> {
    hash: Hash,
    sess: bool,
    username: &'a str,
    realm: &'a str,
    password: &'a Password,
    nonce: &'a str,
    cnonce: Option<&'a str>,
    nc: Option<u32>,
    qop: Option<&'a Qop>,
    method: &'a str,
    uri: &'a str,
}

/// The request-digest of RFC 7616 §3.4.1 in lower-case hex, or `None` when a
/// value it needs is missing (qop without cnonce or nc, `-sess` without
/// cnonce).
fn request_digest(i: &Inputs<'_>) -> Option<String> {
    let h = |parts: &[&str]| hex_digest(i.hash, parts);
    let mut ha1 = h(&[i.username, i.realm, i.password.expose()]);
    if i.sess {
        ha1 = h(&[&ha1, i.nonce, i.cnonce?]);
    }
    let ha2 = h(&[i.method, i.uri]);
    Some(match i.qop {
        None => h(&[&ha1, i.nonce, &ha2]),
        Some(qop) => h(&[&ha1, i.nonce, &format!("{:08x}", i.nc?), i.cnonce?, qop.as_str(), &ha2]),
    })
}

/// The hash of the parts joined by colons, in lower-case hex.
fn hex_digest(hash: Hash, parts: &[&str]) -> String {
    fn run<D: Digest>(parts: &[&str]) -> String {
        let mut d = D::new();
        for (n, part) in parts.iter().enumerate() {
            if n > 0 {
                d.update(b":");
            }
            d.update(part.as_bytes());
        }
        let mut out = String::with_capacity(64);
        for byte in d.finalize() {
            // Writing into a String cannot fail.
            let _ = write!(out, "{byte:02x}");
        }
        out
    }
    match hash {
        Hash::Md5 => run::<Md5>(parts),
        Hash::Sha256 => run::<Sha256>(parts),
        Hash::Sha512_256 => run::<Sha512_256>(parts),
    }
}

/// Compares without an early exit, so that the time taken does not tell an
/// attacker how many leading characters of a guessed digest were right. The
/// lengths are not secret (they follow from the algorithm).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Challenge, Credentials};

    fn challenge(text: &str) -> DigestChallenge {
        match Challenge::parse(text) {
            Ok(Challenge::Digest(d)) => d,
            other => panic!("not a digest challenge: {other:?}"),
        }
    }

    fn method(name: &str) -> Method {
        Method::parse(name).expect("a method token")
    }

    /// Answers and checks the response, then that the printed credentials
    /// parse back and verify.
    fn check(chal: &DigestChallenge, m: &str, uri: &str, user: &str, pass: &str, cnonce: &str, expected: &str) {
        let password = Password::new(pass);
        let creds = answer(chal, &method(m), uri, user, &password, cnonce, 1).unwrap();
        assert_eq!(creds.response, expected);
        let Ok(Credentials::Digest(again)) = Credentials::parse(&Credentials::Digest(creds.clone()).to_string()) else {
            panic!("printed credentials do not parse")
        };
        assert_eq!(again, creds);
        assert!(verify(&again, &method(m), &password, chal));
    }

    #[test]
    fn rfc2617_example() {
        // RFC 2617 §3.5.
        let chal = challenge(
            r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
        );
        check(
            &chal,
            "GET",
            "/dir/index.html",
            "Mufasa",
            "Circle Of Life",
            "0a4f113b",
            "6629fae49393a05397450978507c4ef1",
        );
        let creds = answer(&chal, &method("GET"), "/dir/index.html", "Mufasa", &Password::new("x"), "0a4f113b", 1);
        let creds = creds.unwrap();
        assert_eq!(creds.qop, Some(Qop::Auth));
        assert_eq!(creds.nc, Some(1));
        assert_eq!(creds.opaque.as_deref(), Some("5ccc069c403ebaf9f0171e9517f40e41"));
        assert_eq!(creds.algorithm, None, "no algorithm in the challenge, none in the answer");
    }

    #[test]
    fn rfc7616_examples() {
        // RFC 7616 §3.9.1: the same request answered with SHA-256 and MD5.
        let text = |alg: &str| {
            format!(
                r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={alg}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
            )
        };
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let sha = challenge(&text("SHA-256"));
        check(
            &sha,
            "GET",
            "/dir/index.html",
            "Mufasa",
            "Circle of Life",
            cnonce,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
        );
        let creds = answer(&sha, &method("GET"), "/dir/index.html", "Mufasa", &Password::new("p"), cnonce, 1).unwrap();
        assert_eq!(creds.algorithm, Some(Algorithm::Sha256));
        let md5 = challenge(&text("MD5"));
        check(&md5, "GET", "/dir/index.html", "Mufasa", "Circle of Life", cnonce, "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn rfc2069_without_qop() {
        // RFC 2069 §2.4's printed response is wrong (a known erratum); this
        // value was computed independently with Python's hashlib.
        let chal = challenge(r#"Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093""#);
        check(
            &chal,
            "GET",
            "/dir/index.html",
            "Mufasa",
            "Circle Of Life",
            "unused",
            "670fd8c2df070c60b045671b8b24ff02",
        );
        let creds = answer(&chal, &method("GET"), "/dir/index.html", "Mufasa", &Password::new("p"), "c", 7).unwrap();
        assert_eq!((creds.qop, creds.nc, creds.cnonce), (None, None, None));
    }

    #[test]
    fn session_variants_and_sha512_256() {
        // Computed independently with Python's hashlib.
        for (alg, expected) in [
            ("MD5-sess", "afe73835959be6201562bc3de3d75ab5"),
            ("SHA-256-sess", "89258e8ad4a4bfbda25c07e1e25718459b0a6b054cc4809523f4c813200cad29"),
            ("SHA-512-256-sess", "23545e31b317f1c124f44b57d8ef07b49a7da28239f1c1eb2399273b9132fa0c"),
            ("SHA-512-256", "eb822f984a8d5db5f9c2a852117a5d66c21922d7e32c05bdea303049b6bbc8aa"),
        ] {
            let chal = challenge(&format!(r#"Digest realm="example.com", nonce="abc", qop="auth", algorithm={alg}"#));
            check(&chal, "REGISTER", "sip:example.com", "alice", "s3cret", "0a4f113b", expected);
        }
        // Without qop, a -sess answer still carries its cnonce.
        let chal = challenge(r#"Digest realm="r", nonce="n", algorithm=MD5-sess"#);
        let creds = answer(&chal, &Method::Register, "sip:r", "u", &Password::new("p"), "cn", 1).unwrap();
        assert_eq!(creds.cnonce.as_deref(), Some("cn"));
        assert_eq!(creds.qop, None);
        assert!(verify(&creds, &Method::Register, &Password::new("p"), &chal));
    }

    #[test]
    fn verify_refuses_what_does_not_match() {
        let chal = challenge(r#"Digest realm="example.com", nonce="n1", opaque="o", qop="auth", algorithm=SHA-256"#);
        let password = Password::new("right");
        let good = answer(&chal, &Method::Register, "sip:example.com", "alice", &password, "c", 1).unwrap();
        assert!(verify(&good, &Method::Register, &password, &chal));
        let mut upper = good.clone();
        upper.response = upper.response.to_ascii_uppercase();
        assert!(verify(&upper, &Method::Register, &password, &chal), "hex digits in either case");

        assert!(!verify(&good, &Method::Register, &Password::new("wrong"), &chal));
        assert!(!verify(&good, &Method::Invite, &password, &chal));
        let other_nonce = DigestChallenge { nonce: "n2".into(), ..chal.clone() };
        assert!(!verify(&good, &Method::Register, &password, &other_nonce));
        let other_realm = DigestChallenge { realm: "evil.com".into(), ..chal.clone() };
        assert!(!verify(&good, &Method::Register, &password, &other_realm));

        let tamper = |f: fn(&mut DigestCredentials)| {
            let mut c = good.clone();
            f(&mut c);
            verify(&c, &Method::Register, &password, &chal)
        };
        assert!(!tamper(|c| c.uri = "sip:other.com".into()));
        assert!(!tamper(|c| c.nc = Some(2)));
        assert!(!tamper(|c| c.cnonce = Some("d".into())));
        assert!(!tamper(|c| c.opaque = None));
        assert!(!tamper(|c| c.response.truncate(10)));
        // A downgrade to MD5, or dropping the offered qop, is refused even
        // with a digest that is right for the weaker choice.
        let md5 = DigestChallenge { algorithm: Some(Algorithm::Md5), ..chal.clone() };
        let weak = answer(&md5, &Method::Register, "sip:example.com", "alice", &password, "c", 1).unwrap();
        assert!(!verify(&weak, &Method::Register, &password, &chal));
        let no_qop = DigestChallenge { qop: Vec::new(), ..chal.clone() };
        let bare = answer(&no_qop, &Method::Register, "sip:example.com", "alice", &password, "c", 1).unwrap();
        assert!(!verify(&bare, &Method::Register, &password, &chal));
        // And the reverse: qop where none was offered.
        assert!(!verify(&good, &Method::Register, &password, &DigestChallenge { qop: Vec::new(), ..chal.clone() }));
        let mut auth_int = good.clone();
        auth_int.qop = Some(Qop::AuthInt);
        let offers_int = DigestChallenge { qop: vec![Qop::Auth, Qop::AuthInt], ..chal.clone() };
        assert!(!verify(&auth_int, &Method::Register, &password, &offers_int));
    }

    #[test]
    fn unsupported_challenges() {
        let chal = challenge(r#"Digest realm="r", nonce="n", algorithm=SHA-1"#);
        assert!(!supports(&chal));
        let err = answer(&chal, &Method::Register, "sip:r", "u", &Password::new("p"), "c", 1).unwrap_err();
        assert_eq!(err, DigestError::UnsupportedAlgorithm("SHA-1".into()));
        let chal = challenge(r#"Digest realm="r", nonce="n", qop="auth-int""#);
        assert!(!supports(&chal));
        let err = answer(&chal, &Method::Register, "sip:r", "u", &Password::new("p"), "c", 1).unwrap_err();
        assert_eq!(err, DigestError::UnsupportedQop);
        assert!(supports(&challenge(r#"Digest realm="r", nonce="n", qop="auth-int,auth", algorithm=sha-256"#)));
        // A server that offers something we cannot check never verifies.
        let good = answer(
            &challenge(r#"Digest realm="r", nonce="n""#),
            &Method::Register,
            "sip:r",
            "u",
            &Password::new("p"),
            "c",
            1,
        )
        .unwrap();
        assert!(!verify(
            &good,
            &Method::Register,
            &Password::new("p"),
            &challenge(r#"Digest realm="r", nonce="n", algorithm=SHA-1"#)
        ));
    }

    #[test]
    fn passwords_stay_out_of_debug_output() {
        let password = Password::new("Circle Of Life");
        let printed = format!("{password:?} {:?}", Some(password.clone()));
        assert!(!printed.contains("Circle"), "{printed}");
        assert_eq!(password.expose(), "Circle Of Life");
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
