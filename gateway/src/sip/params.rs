//! Parameter lists: `;name[=value]` after URIs, name-addrs, Vias and media types.

use std::fmt;

use super::error::SyntaxError;
use super::scan::Cursor;

/// One parameter. Names and values are kept exactly as they arrived (escaped in
/// URIs, with their quotes if quoted), so that printing reproduces them and the
/// later layers decide how to compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: Option<String>,
}

/// An ordered parameter list. Lookups ignore the case of names, as RFC 3261 does
/// for every parameter name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<Param>);

impl Params {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    pub fn get(&self, name: &str) -> Option<&Param> {
        self.0.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The value of `name`, if the parameter is present and has one.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|p| p.value.as_deref())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Replaces the parameter `name` or appends it.
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        let value = value.map(str::to_owned);
        match self.0.iter_mut().find(|p| p.name.eq_ignore_ascii_case(name)) {
            Some(p) => p.value = value,
            None => self.0.push(Param { name: name.to_owned(), value }),
        }
    }

    pub fn remove(&mut self, name: &str) {
        self.0.retain(|p| !p.name.eq_ignore_ascii_case(name));
    }

    pub fn iter(&self) -> impl Iterator<Item = &Param> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads `*( SEMI generic-param )` from a header value (RFC 3261 §25.1):
    /// whitespace is allowed around `;` and `=`, and a value is a token, an IPv6
    /// reference or a quoted string. Stops before anything that does not start
    /// with `;`, leaving it to the caller.
    pub(crate) fn scan_generic(c: &mut Cursor<'_>) -> Result<Params, SyntaxError> {
        let mut params = Params::new();
        while c.eat_sep(b';') {
            let name = c.token().ok_or(SyntaxError::new("parameter name"))?;
            let value = if c.eat_sep(b'=') { Some(scan_gen_value(c)?.to_owned()) } else { None };
            params.0.push(Param { name: name.to_owned(), value });
        }
        Ok(params)
    }
}

/// gen-value = token / host / quoted-string. Hosts other than IPv6 references are
/// made of token characters.
pub(crate) fn scan_gen_value<'a>(c: &mut Cursor<'a>) -> Result<&'a str, SyntaxError> {
    match c.peek() {
        Some(b'"') => c.quoted_raw(),
        Some(b'[') => {
            let rest = c.rest();
            let end = rest.find(']').ok_or(SyntaxError::new("parameter value"))?;
            let v6 = c.take_while(|b| b == b'[' || b == b':' || b == b'.' || b.is_ascii_hexdigit());
            if v6.len() != end || !c.eat(b']') {
                return Err(SyntaxError::new("parameter value"));
            }
            rest.get(..=end).ok_or(SyntaxError::new("parameter value"))
        }
        _ => c.token().ok_or(SyntaxError::new("parameter value")),
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            f.write_str(";")?;
            f.write_str(&p.name)?;
            if let Some(v) = &p.value {
                f.write_str("=")?;
                f.write_str(v)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, printed: &str) {
        let mut c = Cursor::new(input);
        let params = Params::scan_generic(&mut c).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert!(c.at_end(), "{input}: left {:?}", c.rest());
        assert_eq!(params.to_string(), printed);
        let mut again = Cursor::new(printed);
        assert_eq!(Params::scan_generic(&mut again).unwrap(), params);
    }

    #[test]
    fn round_trip() {
        check(";tag=1", ";tag=1");
        check(" ;   tag    = 1918181833n", ";tag=1918181833n");
        check("; newparam =  newvalue ;  secondparam ; q = 0.33", ";newparam=newvalue;secondparam;q=0.33");
        check(";x=\"a b; c\";lr", ";x=\"a b; c\";lr");
        check(";received=[2001:db8::1]", ";received=[2001:db8::1]");
    }

    #[test]
    fn rejects() {
        for bad in [";", ";=x", ";a=", ";a=\"open", ";a=[1:2", ";a=[1:2;]"] {
            let mut c = Cursor::new(bad);
            assert!(Params::scan_generic(&mut c).is_err(), "{bad:?}");
        }
        // Stops before what is not a parameter.
        let mut c = Cursor::new(";a;;");
        assert!(Params::scan_generic(&mut c).is_err());
    }

    #[test]
    fn lookup_ignores_case() {
        let mut p = Params::new();
        p.set("Tag", Some("x"));
        assert_eq!(p.value("tag"), Some("x"));
        p.set("TAG", Some("y"));
        assert_eq!(p.0.len(), 1);
        p.remove("tag");
        assert!(p.is_empty());
    }
}
