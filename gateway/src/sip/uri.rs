//! URIs: SIP and SIPS (RFC 3261 §19.1 with the IPv6 rules of RFC 5118/5954), tel
//! (RFC 3966) and, opaquely, any other absolute URI so that a UAS can answer 416.

use std::fmt;

use super::error::SyntaxError;
use super::host::{Host, parse_port};
use super::params::{Param, Params};
use super::scan::{is_escaped_text, is_unreserved, unescape};

/// A URI as it appears in a Request-URI or a name-addr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uri {
    Sip(SipUri),
    Tel(TelUri),
    /// A syntactically valid absolute URI of a scheme we do not interpret
    /// (`http:`, `urn:`, `soap.beep:` …). RFC 3261 §8.2.2.1 asks a UAS to answer
    /// 416 when such a URI is the Request-URI.
    Other(OtherUri),
}

/// `sip:` or `sips:` URI. Every text part is stored escaped, exactly as received,
/// because RFC 3261 compares the decoded octets while printing must not escape
/// twice (the mistake SIP-PARSERS.md found in rsipstack); [`unescape`] decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri {
    /// `sips:` rather than `sip:`.
    pub secure: bool,
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: Host,
    pub port: Option<u16>,
    pub params: Params,
    /// The `?name=value&…` component, which RFC 3261 §19.1.1 forbids in a
    /// Request-URI but allows in Contact and Refer-To.
    pub headers: Vec<UriHeader>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriHeader {
    pub name: String,
    pub value: String,
}

/// `tel:` URI (RFC 3966): the number as written, visual separators included, and
/// its parameters (`phone-context`, `ext`, `isub`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelUri {
    pub number: String,
    pub params: Params,
}

/// An absolute URI of another scheme: the scheme as written and the rest, opaque.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherUri {
    pub scheme: String,
    pub rest: String,
}

const ERR_URI: SyntaxError = SyntaxError::new("URI");

impl Uri {
    /// Parses a whole string as a URI; whitespace and angle brackets are errors.
    pub fn parse(s: &str) -> Result<Uri, SyntaxError> {
        let (scheme, rest) = s.split_once(':').ok_or(SyntaxError::new("URI scheme"))?;
        let b = scheme.as_bytes();
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        if b.is_empty()
            || !b[0].is_ascii_alphabetic()
            || !b.iter().all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c))
        {
            return Err(SyntaxError::new("URI scheme"));
        }
        if scheme.eq_ignore_ascii_case("sip") {
            SipUri::parse_rest(rest, false).map(Uri::Sip)
        } else if scheme.eq_ignore_ascii_case("sips") {
            SipUri::parse_rest(rest, true).map(Uri::Sip)
        } else if scheme.eq_ignore_ascii_case("tel") {
            TelUri::parse_rest(rest).map(Uri::Tel)
        } else {
            // uric = reserved / unreserved / escaped, plus the brackets of IPv6 literals.
            if rest.is_empty() || !is_escaped_text(rest, |c| is_unreserved(c) || b";/?:@&=+$,[]".contains(&c)) {
                return Err(ERR_URI);
            }
            Ok(Uri::Other(OtherUri { scheme: scheme.to_owned(), rest: rest.to_owned() }))
        }
    }

    /// The scheme in lower case for the ones we know, as written otherwise.
    pub fn scheme(&self) -> &str {
        match self {
            Uri::Sip(u) if u.secure => "sips",
            Uri::Sip(_) => "sip",
            Uri::Tel(_) => "tel",
            Uri::Other(o) => &o.scheme,
        }
    }

    pub fn as_sip(&self) -> Option<&SipUri> {
        match self {
            Uri::Sip(u) => Some(u),
            _ => None,
        }
    }
}

/// user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
fn is_user_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,;?/".contains(&b)
}

fn is_password_char(b: u8) -> bool {
    is_unreserved(b) || b"&=+$,".contains(&b)
}

/// paramchar = param-unreserved / unreserved / escaped
fn is_param_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/:&+$".contains(&b)
}

/// hname/hvalue characters: hnv-unreserved / unreserved / escaped
fn is_header_char(b: u8) -> bool {
    is_unreserved(b) || b"[]/?:+$".contains(&b)
}

impl SipUri {
    pub fn new(host: Host) -> Self {
        Self { secure: false, user: None, password: None, host, port: None, params: Params::new(), headers: Vec::new() }
    }

    /// Parses what follows `sip:`. The userinfo ends at the first `@`, because
    /// `user` may contain `;`, `?` and `,` (RFC 4475 `semiuri` and `intmeth`)
    /// while no part of a SIP URI may contain an unescaped `@` elsewhere.
    fn parse_rest(rest: &str, secure: bool) -> Result<SipUri, SyntaxError> {
        let (userinfo, hostpart) = match rest.split_once('@') {
            Some((ui, hp)) => (Some(ui), hp),
            None => (None, rest),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(ui) => {
                let (user, password) = match ui.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (ui, None),
                };
                if user.is_empty() || !is_escaped_text(user, is_user_char) {
                    return Err(SyntaxError::new("URI user"));
                }
                if let Some(p) = password
                    && !is_escaped_text(p, is_password_char)
                {
                    return Err(SyntaxError::new("URI password"));
                }
                (Some(user.to_owned()), password.map(str::to_owned))
            }
        };

        let (before_headers, headers_text) = match hostpart.split_once('?') {
            Some((a, h)) => (a, Some(h)),
            None => (hostpart, None),
        };
        let (hostport, params_text) = match before_headers.split_once(';') {
            Some((hp, p)) => (hp, Some(p)),
            None => (before_headers, None),
        };
        // An IPv6 reference contains colons, so the port colon is the one after `]`.
        let port_colon = match hostport.rfind(']') {
            Some(close) => hostport.get(close..).and_then(|t| t.find(':')).map(|i| close + i),
            None => hostport.find(':'),
        };
        let (host_text, port) = match port_colon {
            Some(i) => {
                let port_text = hostport.get(i + 1..).ok_or(ERR_URI)?;
                (hostport.get(..i).ok_or(ERR_URI)?, Some(parse_port(port_text)?))
            }
            None => (hostport, None),
        };
        let host = Host::parse(host_text)?;

        let mut params = Params::new();
        if let Some(text) = params_text {
            for p in text.split(';') {
                let (name, value) = match p.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (p, None),
                };
                let ok = |s: &str| !s.is_empty() && is_escaped_text(s, is_param_char);
                if !ok(name) || !value.is_none_or(ok) {
                    return Err(SyntaxError::new("URI parameter"));
                }
                params.0.push(Param { name: name.to_owned(), value: value.map(str::to_owned) });
            }
        }

        let mut headers = Vec::new();
        if let Some(text) = headers_text {
            for h in text.split('&') {
                let (name, value) = h.split_once('=').ok_or(SyntaxError::new("URI header"))?;
                if name.is_empty() || !is_escaped_text(name, is_header_char) || !is_escaped_text(value, is_header_char)
                {
                    return Err(SyntaxError::new("URI header"));
                }
                headers.push(UriHeader { name: name.to_owned(), value: value.to_owned() });
            }
        }
        Ok(SipUri { secure, user, password, host, port, params, headers })
    }

    /// The user part decoded, for comparisons and for reading a dialed number.
    pub fn user_decoded(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.user.as_deref().map(unescape)
    }
}

impl TelUri {
    fn parse_rest(rest: &str) -> Result<TelUri, SyntaxError> {
        const ERR: SyntaxError = SyntaxError::new("tel URI");
        let (number, params_text) = match rest.split_once(';') {
            Some((n, p)) => (n, Some(p)),
            None => (rest, None),
        };
        let visual = |b: u8| b"-.()".contains(&b);
        let global = number.strip_prefix('+');
        let ok = match global {
            // global-number-digits = "+" *phonedigit DIGIT *phonedigit
            Some(digits) => {
                digits.bytes().all(|b| b.is_ascii_digit() || visual(b)) && digits.bytes().any(|b| b.is_ascii_digit())
            }
            // local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex
            None => {
                number.bytes().all(|b| b.is_ascii_hexdigit() || b == b'*' || b == b'#' || visual(b))
                    && number.bytes().any(|b| b.is_ascii_hexdigit() || b == b'*' || b == b'#')
            }
        };
        if !ok {
            return Err(ERR);
        }
        let mut params = Params::new();
        if let Some(text) = params_text {
            for p in text.split(';') {
                let (name, value) = match p.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (p, None),
                };
                // pname = 1*( alphanum / "-" ); pvalue = 1*paramchar
                let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                let value_ok = value.is_none_or(|v| !v.is_empty() && is_escaped_text(v, is_param_char));
                if !name_ok || !value_ok {
                    return Err(ERR);
                }
                params.0.push(Param { name: name.to_owned(), value: value.map(str::to_owned) });
            }
        }
        // RFC 3966 §5.1.5: a local number is meaningless without its context.
        if global.is_none() && !params.contains("phone-context") {
            return Err(ERR);
        }
        Ok(TelUri { number: number.to_owned(), params })
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uri::Sip(u) => u.fmt(f),
            Uri::Tel(t) => t.fmt(f),
            Uri::Other(o) => write!(f, "{}:{}", o.scheme, o.rest),
        }
    }
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.secure { "sips:" } else { "sip:" })?;
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if let Some(p) = &self.password {
                write!(f, ":{p}")?;
            }
            f.write_str("@")?;
        }
        write!(f, "{}", self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        write!(f, "{}", self.params)?;
        for (i, h) in self.headers.iter().enumerate() {
            write!(f, "{}{}={}", if i == 0 { '?' } else { '&' }, h.name, h.value)?;
        }
        Ok(())
    }
}

impl fmt::Display for TelUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tel:{}{}", self.number, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) -> Uri {
        let uri = Uri::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(uri.to_string(), printed);
        assert_eq!(Uri::parse(printed).unwrap(), uri, "{printed}");
        uri
    }

    #[test]
    fn sip_round_trip() {
        check("sip:user@example.com", "sip:user@example.com");
        check("SIP:user@example.com:5060;transport=tcp;lr", "sip:user@example.com:5060;transport=tcp;lr");
        check("sips:[2001:db8::10]:5070", "sips:[2001:db8::10]:5070");
        check("sip:[2001:db8::10:5070]", "sip:[2001:db8::10:5070]");
        check("sip:user@[::ffff:192.0.2.2]", "sip:user@[::ffff:192.0.2.2]");
        check("sip:a:pw@192.0.2.1;maddr=239.255.255.1", "sip:a:pw@192.0.2.1;maddr=239.255.255.1");
        check(
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E&x=",
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E&x=",
        );
    }

    #[test]
    fn rfc4475_userinfo() {
        let u = check("sip:user;par=u%40example.net@example.com", "sip:user;par=u%40example.net@example.com");
        let sip = u.as_sip().unwrap();
        assert_eq!(sip.user.as_deref(), Some("user;par=u%40example.net"));
        assert!(sip.params.is_empty());

        let weird = "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com";
        let sip = check(weird, weird).as_sip().cloned().unwrap();
        assert_eq!(sip.user.as_deref(), Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"));
        assert_eq!(sip.password.as_deref(), Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"));

        // Escapes stay escaped when printed: decoding is for comparison only.
        let esc = check("sip:sips%3Auser%40example.com@example.net", "sip:sips%3Auser%40example.com@example.net");
        assert_eq!(&*esc.as_sip().unwrap().user_decoded().unwrap(), b"sips:user@example.com");
        let c = check(
            "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
            "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
        );
        assert_eq!(c.as_sip().unwrap().params.0.len(), 2);
        check("sip:null-%00-null@example.com", "sip:null-%00-null@example.com");
    }

    #[test]
    fn tel_and_other() {
        check("tel:+1-201-555-0123", "tel:+1-201-555-0123");
        check("tel:7042;phone-context=example.com", "tel:7042;phone-context=example.com");
        check("tel:+358-555-1234567;postd=pp22", "tel:+358-555-1234567;postd=pp22");
        let o = check("soap.beep://192.0.2.103:3002", "soap.beep://192.0.2.103:3002");
        assert_eq!(o.scheme(), "soap.beep");
        check("nobodyKnowsThisScheme:totallyopaquecontent", "nobodyKnowsThisScheme:totallyopaquecontent");
        check("urn:service:sos", "urn:service:sos");
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "sip:",
            "sip:user@",
            "<sip:user@example.com>",
            "sip:user@example.com; lr",
            "sip:user@example.com ",
            "sip:2001:db8::10",
            "sip:user@[2001:db8:::192.0.2.1]",
            "sip:user@example.com:99999",
            "sip:us er@example.com",
            "sip:user@exa%6dple.com",
            "sip:user@example.com;a=",
            "sip:user@example.com;=b",
            "sip:user@example.com?noequals",
            "sip:a@b@c",
            "sip:user%2@example.com",
            "tel:7042",
            "tel:+",
            "tel:+1 2",
            "1abc:x",
            "x:",
            "x:a b",
            "x:<a>",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad:?}");
        }
    }
}
