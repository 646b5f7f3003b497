//! Digest authentication headers: challenges (WWW-Authenticate,
//! Proxy-Authenticate) and credentials (Authorization, Proxy-Authorization), as
//! in RFC 3261 §25.1 with the algorithms of RFC 8760. Other schemes are kept
//! opaque so that a UAS can see them and refuse them.

use std::fmt;

use super::error::SyntaxError;
use super::scan::{Cursor, is_token, trim_wsp, write_quoted};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
    Sha512_256,
    Sha512_256Sess,
    Other(String),
}

const ALGORITHMS: [(Algorithm, &str); 6] = [
    (Algorithm::Md5, "MD5"),
    (Algorithm::Md5Sess, "MD5-sess"),
    (Algorithm::Sha256, "SHA-256"),
    (Algorithm::Sha256Sess, "SHA-256-sess"),
    (Algorithm::Sha512_256, "SHA-512-256"),
    (Algorithm::Sha512_256Sess, "SHA-512-256-sess"),
];

impl Algorithm {
    pub fn parse(s: &str) -> Algorithm {
        ALGORITHMS
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(s))
            .map_or_else(|| Algorithm::Other(s.to_owned()), |(a, _)| a.clone())
    }

    pub fn as_str(&self) -> &str {
        match self {
            Algorithm::Other(s) => s,
            known => ALGORITHMS.iter().find(|(a, _)| a == known).map_or("", |(_, n)| n),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qop {
    Auth,
    AuthInt,
    Other(String),
}

impl Qop {
    pub fn parse(s: &str) -> Qop {
        if s.eq_ignore_ascii_case("auth") {
            Qop::Auth
        } else if s.eq_ignore_ascii_case("auth-int") {
            Qop::AuthInt
        } else {
            Qop::Other(s.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
            Qop::Other(s) => s,
        }
    }
}

/// An auth-param we do not interpret, kept with its quoting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthParam {
    pub name: String,
    pub value: String,
    pub quoted: bool,
}

/// A scheme other than Digest: the scheme and the rest of the line, unparsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherScheme {
    pub scheme: String,
    pub rest: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    pub realm: String,
    pub domain: Option<String>,
    pub nonce: String,
    pub opaque: Option<String>,
    pub stale: bool,
    pub algorithm: Option<Algorithm>,
    /// The qop-options; empty when the challenge offers none (RFC 2069 style).
    pub qop: Vec<Qop>,
    pub other: Vec<AuthParam>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestCredentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    /// The digest-uri exactly as sent: the hash covers these octets, so it is not
    /// parsed into a URI.
    pub uri: String,
    /// The request-digest in hex.
    pub response: String,
    pub algorithm: Option<Algorithm>,
    pub cnonce: Option<String>,
    pub opaque: Option<String>,
    pub qop: Option<Qop>,
    /// nonce-count; printed as 8 hex digits.
    pub nc: Option<u32>,
    pub other: Vec<AuthParam>,
}

/// WWW-Authenticate / Proxy-Authenticate value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Digest(DigestChallenge),
    Other(OtherScheme),
}

/// Authorization / Proxy-Authorization value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Digest(DigestCredentials),
    Other(OtherScheme),
}

/// Splits `scheme LWS rest`; Digest's rest comes back as parsed parameters.
fn split_scheme(s: &str) -> Result<(&str, Option<Vec<AuthParam>>, &str), SyntaxError> {
    let s = trim_wsp(s);
    let mut c = Cursor::new(s);
    let scheme = c.token().ok_or(SyntaxError::new("auth scheme"))?;
    let had_space = c.skip_wsp();
    let rest = c.rest();
    if !scheme.eq_ignore_ascii_case("Digest") {
        if (!rest.is_empty() && !had_space) || rest.contains(['\r', '\n']) {
            return Err(SyntaxError::new("auth scheme"));
        }
        return Ok((scheme, None, rest));
    }
    if !had_space {
        return Err(SyntaxError::new("Digest parameters"));
    }
    let mut params = Vec::new();
    loop {
        let name = c.token().ok_or(SyntaxError::new("auth-param"))?;
        if !c.eat_sep(b'=') {
            return Err(SyntaxError::new("auth-param"));
        }
        // Values are token or quoted-string; implementations disagree on which
        // parameters are quoted, so both are read for every parameter.
        let (value, quoted) = if c.peek() == Some(b'"') {
            (c.quoted()?, true)
        } else {
            (c.token().ok_or(SyntaxError::new("auth-param"))?.to_owned(), false)
        };
        if params.iter().any(|p: &AuthParam| p.name.eq_ignore_ascii_case(name)) {
            return Err(SyntaxError::new("repeated auth-param"));
        }
        params.push(AuthParam { name: name.to_owned(), value, quoted });
        if !c.eat_sep(b',') {
            break;
        }
    }
    c.skip_wsp();
    c.expect_end("auth-param")?;
    Ok((scheme, Some(params), ""))
}

fn take(params: &mut Vec<AuthParam>, name: &str) -> Option<String> {
    let i = params.iter().position(|p| p.name.eq_ignore_ascii_case(name))?;
    Some(params.remove(i).value)
}

fn other(scheme: &str, rest: &str) -> OtherScheme {
    OtherScheme { scheme: scheme.to_owned(), rest: rest.to_owned() }
}

impl Challenge {
    pub fn parse(s: &str) -> Result<Challenge, SyntaxError> {
        let (scheme, params, rest) = split_scheme(s)?;
        let Some(mut p) = params else { return Ok(Challenge::Other(other(scheme, rest))) };
        let realm = take(&mut p, "realm").ok_or(SyntaxError::new("Digest realm"))?;
        let nonce = take(&mut p, "nonce").ok_or(SyntaxError::new("Digest nonce"))?;
        let stale = match take(&mut p, "stale") {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(_) => return Err(SyntaxError::new("Digest stale")),
        };
        let qop = match take(&mut p, "qop") {
            None => Vec::new(),
            Some(list) => {
                let qops: Vec<Qop> = list.split(',').map(trim_wsp).filter(|q| !q.is_empty()).map(Qop::parse).collect();
                if qops.is_empty() {
                    return Err(SyntaxError::new("Digest qop"));
                }
                qops
            }
        };
        Ok(Challenge::Digest(DigestChallenge {
            realm,
            domain: take(&mut p, "domain"),
            nonce,
            opaque: take(&mut p, "opaque"),
            stale,
            algorithm: take(&mut p, "algorithm").map(|a| Algorithm::parse(&a)),
            qop,
            other: p,
        }))
    }
}

impl Credentials {
    pub fn parse(s: &str) -> Result<Credentials, SyntaxError> {
        let (scheme, params, rest) = split_scheme(s)?;
        let Some(mut p) = params else { return Ok(Credentials::Other(other(scheme, rest))) };
        let need = |p: &mut Vec<AuthParam>, name: &'static str| take(p, name).ok_or(SyntaxError::new(name));
        let username = need(&mut p, "username")?;
        let realm = need(&mut p, "realm")?;
        let nonce = need(&mut p, "nonce")?;
        let uri = need(&mut p, "uri")?;
        let response = need(&mut p, "response")?;
        if response.is_empty() || !response.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SyntaxError::new("response"));
        }
        let nc = match take(&mut p, "nc") {
            None => None,
            Some(v) if v.len() == 8 && v.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Some(u32::from_str_radix(&v, 16).map_err(|_| SyntaxError::new("nc"))?)
            }
            Some(_) => return Err(SyntaxError::new("nc")),
        };
        let qop = take(&mut p, "qop").map(|q| Qop::parse(&q));
        let cnonce = take(&mut p, "cnonce");
        // With qop, the client must send cnonce and nc (RFC 2617 §3.2.2).
        if qop.is_some() && (cnonce.is_none() || nc.is_none()) {
            return Err(SyntaxError::new("Digest qop without cnonce and nc"));
        }
        Ok(Credentials::Digest(DigestCredentials {
            username,
            realm,
            nonce,
            uri,
            response,
            algorithm: take(&mut p, "algorithm").map(|a| Algorithm::parse(&a)),
            cnonce,
            opaque: take(&mut p, "opaque"),
            qop,
            nc,
            other: p,
        }))
    }

    /// The scheme, for refusing what we do not speak.
    pub fn is_digest(&self) -> bool {
        matches!(self, Credentials::Digest(_))
    }
}

/// Writes `, name=value` pairs after the scheme, the first without the comma.
struct ParamWriter<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    first: bool,
}

impl ParamWriter<'_, '_> {
    fn sep(&mut self, name: &str) -> fmt::Result {
        self.f.write_str(if self.first { " " } else { ", " })?;
        self.first = false;
        write!(self.f, "{name}=")
    }

    fn quoted(&mut self, name: &str, value: &str) -> fmt::Result {
        self.sep(name)?;
        write_quoted(self.f, value)
    }

    /// Writes a value that is normally a token; one that is not (an odd qop or
    /// algorithm that arrived quoted) is quoted so that it parses again.
    fn token(&mut self, name: &str, value: &str) -> fmt::Result {
        if !is_token(value) {
            return self.quoted(name, value);
        }
        self.sep(name)?;
        self.f.write_str(value)
    }

    fn others(&mut self, params: &[AuthParam]) -> fmt::Result {
        for p in params {
            if p.quoted { self.quoted(&p.name, &p.value)? } else { self.token(&p.name, &p.value)? }
        }
        Ok(())
    }
}

fn write_other(f: &mut fmt::Formatter<'_>, o: &OtherScheme) -> fmt::Result {
    f.write_str(&o.scheme)?;
    if !o.rest.is_empty() {
        // Parsed values never hold a line break; one built by code must not
        // split the header.
        write!(f, " {}", o.rest.replace(['\r', '\n'], " "))?;
    }
    Ok(())
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = match self {
            Challenge::Other(o) => return write_other(f, o),
            Challenge::Digest(d) => d,
        };
        f.write_str("Digest")?;
        let mut w = ParamWriter { f, first: true };
        w.quoted("realm", &d.realm)?;
        if let Some(v) = &d.domain {
            w.quoted("domain", v)?;
        }
        w.quoted("nonce", &d.nonce)?;
        if let Some(v) = &d.opaque {
            w.quoted("opaque", v)?;
        }
        if d.stale {
            w.token("stale", "true")?;
        }
        if let Some(a) = &d.algorithm {
            w.token("algorithm", a.as_str())?;
        }
        if !d.qop.is_empty() {
            let list: Vec<&str> = d.qop.iter().map(Qop::as_str).collect();
            w.quoted("qop", &list.join(","))?;
        }
        w.others(&d.other)
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = match self {
            Credentials::Other(o) => return write_other(f, o),
            Credentials::Digest(d) => d,
        };
        f.write_str("Digest")?;
        let mut w = ParamWriter { f, first: true };
        w.quoted("username", &d.username)?;
        w.quoted("realm", &d.realm)?;
        w.quoted("nonce", &d.nonce)?;
        w.quoted("uri", &d.uri)?;
        w.quoted("response", &d.response)?;
        if let Some(a) = &d.algorithm {
            w.token("algorithm", a.as_str())?;
        }
        if let Some(v) = &d.cnonce {
            w.quoted("cnonce", v)?;
        }
        if let Some(v) = &d.opaque {
            w.quoted("opaque", v)?;
        }
        if let Some(q) = &d.qop {
            w.token("qop", q.as_str())?;
        }
        if let Some(nc) = d.nc {
            w.sep("nc")?;
            write!(w.f, "{nc:08x}")?;
        }
        w.others(&d.other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_round_trip() {
        let input = r#"Digest realm="atlanta.com",  domain="sip:ss1.carrier.com", qop="auth,auth-int",
            nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5"#
            .replace('\n', "");
        let c = Challenge::parse(&input).unwrap();
        let Challenge::Digest(d) = &c else { panic!("not digest") };
        assert_eq!(d.realm, "atlanta.com");
        assert_eq!(d.qop, [Qop::Auth, Qop::AuthInt]);
        assert_eq!(d.algorithm, Some(Algorithm::Md5));
        assert!(!d.stale);
        let printed = c.to_string();
        assert_eq!(
            printed,
            r#"Digest realm="atlanta.com", domain="sip:ss1.carrier.com", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", algorithm=MD5, qop="auth,auth-int""#
        );
        assert_eq!(Challenge::parse(&printed).unwrap(), c);

        let sha =
            Challenge::parse(r#"Digest realm="r", nonce="n", algorithm="SHA-256", stale=true, userhash=true"#).unwrap();
        let Challenge::Digest(d) = &sha else { panic!() };
        assert_eq!(d.algorithm, Some(Algorithm::Sha256));
        assert_eq!(d.other.len(), 1);
        assert_eq!(Challenge::parse(&sha.to_string()).unwrap(), sha);

        let odd = Challenge::parse(r#"Digest realm="r", nonce="n", algorithm="a b", x="""#).unwrap();
        assert_eq!(Challenge::parse(&odd.to_string()).unwrap(), odd);
    }

    #[test]
    fn credentials_round_trip() {
        let input = r#"Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
        let c = Credentials::parse(input).unwrap();
        let Credentials::Digest(d) = &c else { panic!("not digest") };
        assert_eq!(d.nc, Some(1));
        assert_eq!(d.qop, Some(Qop::Auth));
        assert_eq!(d.uri, "sip:bob@biloxi.com");
        let printed = c.to_string();
        assert!(printed.contains("nc=00000001"));
        assert_eq!(Credentials::parse(&printed).unwrap(), c);
    }

    #[test]
    fn other_schemes_are_kept() {
        let c = Credentials::parse("NoOneKnowsThisScheme opaque-data=here").unwrap();
        assert!(!c.is_digest());
        assert_eq!(c.to_string(), "NoOneKnowsThisScheme opaque-data=here");
        assert_eq!(Credentials::parse(&c.to_string()).unwrap(), c);
        let b = Challenge::parse("Bearer").unwrap();
        assert_eq!(b.to_string(), "Bearer");
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "Digest",
            r#"Digest realm="r""#,
            r#"Digest realm="r", nonce="n", stale=maybe"#,
            r#"Digest realm="r", realm="s", nonce="n""#,
            r#"Digest realm="r" nonce="n""#,
            r#"Digest realm="r", nonce="n","#,
            r#"Digest realm="r, nonce="n""#,
            r#"Digestrealm="r""#,
        ] {
            assert!(Challenge::parse(bad).is_err(), "{bad:?}");
        }
        for bad in [
            r#"Digest username="u", realm="r", nonce="n", uri="sip:a@b""#,
            r#"Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="xyz""#,
            r#"Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="ab", qop=auth"#,
            r#"Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="ab", qop=auth, cnonce="c", nc=1"#,
        ] {
            assert!(Credentials::parse(bad).is_err(), "{bad:?}");
        }
    }
}
