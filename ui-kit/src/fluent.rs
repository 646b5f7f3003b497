//! A parser and formatter for the small subset of Fluent (projectfluent.org)
//! that our message files use. Plain Rust: no browser APIs, so it is tested
//! natively.
//!
//! Supported: `# comments`, blank lines, `key = text`, values continued on
//! indented lines (joined with a newline, common indent removed, as Fluent
//! does), `{ $variable }` placeables and `{ "literal" }` placeables for text
//! Fluent would otherwise read as syntax (braces, leading spaces).
//!
//! Out of scope for now: terms (`-brand`), attributes (`.title`), selectors
//! (plurals) and functions. A file that uses them is rejected, so nobody
//! writes a plural that silently renders wrong; the day a message needs a
//! plural (Arabic has six forms), this parser grows selectors or we switch to
//! the `fluent-bundle` crate.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// All messages of one language, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    messages: BTreeMap<String, Message>,
}

/// One message: text with placeables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(String),
}

/// Why a message file does not parse, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub kind: ParseErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// A line that is neither a comment, a message nor a continuation.
    ExpectedMessage,
    /// `-term = ...`: terms are not supported.
    UnsupportedTerm,
    /// `.attribute = ...`, `[variant]` or `*[default]`: not supported.
    UnsupportedSyntax,
    DuplicateKey(String),
    /// `key =` with nothing after it, on its line or the next.
    EmptyValue(String),
    UnclosedPlaceable,
    /// A `}` outside a placeable.
    StrayBrace,
    /// A placeable other than `{ $var }` or `{ "literal" }`.
    UnsupportedPlaceable(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {:?}", self.line, self.kind)
    }
}

impl std::error::Error for ParseError {}

impl Catalog {
    pub fn parse(src: &str) -> Result<Catalog, ParseError> {
        let mut messages = BTreeMap::new();
        // The message being read: key, line of its `=`, value lines.
        let mut open: Option<OpenMessage> = None;

        for (i, raw) in src.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let indented = line.starts_with([' ', '\t']);

            if indented && !line.trim().is_empty() {
                let Some(OpenMessage { lines, .. }) = open.as_mut() else {
                    return Err(ParseError { line: line_no, kind: ParseErrorKind::ExpectedMessage });
                };
                let trimmed = line.trim_start();
                if trimmed.starts_with(['.', '[', '*']) {
                    return Err(ParseError { line: line_no, kind: ParseErrorKind::UnsupportedSyntax });
                }
                lines.push(line);
                continue;
            }
            if line.trim().is_empty() {
                // Fluent keeps blank lines inside a multiline value; we end the
                // message instead, which only matters for values nobody writes.
                finish(&mut open, &mut messages)?;
                continue;
            }
            finish(&mut open, &mut messages)?;
            if line.starts_with('#') {
                continue;
            }
            if line.starts_with('-') {
                return Err(ParseError { line: line_no, kind: ParseErrorKind::UnsupportedTerm });
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(ParseError { line: line_no, kind: ParseErrorKind::ExpectedMessage });
            };
            let key = key.trim_end();
            if !is_identifier(key) {
                return Err(ParseError { line: line_no, kind: ParseErrorKind::ExpectedMessage });
            }
            if messages.contains_key(key) {
                return Err(ParseError { line: line_no, kind: ParseErrorKind::DuplicateKey(key.to_owned()) });
            }
            let value = value.trim_start();
            let inline = !value.is_empty();
            let lines = if inline { vec![value] } else { Vec::new() };
            open = Some(OpenMessage { key: key.to_owned(), line: line_no, inline, lines });
        }
        finish(&mut open, &mut messages)?;
        Ok(Catalog { messages })
    }

    pub fn get(&self, key: &str) -> Option<&Message> {
        self.messages.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
}

impl Message {
    /// The text with each `{ $name }` replaced by its argument. A missing
    /// argument shows as `{$name}`, as fluent.js does, so the gap is visible
    /// rather than silently dropped.
    pub fn format(&self, args: &[(&str, &str)]) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(name) => match args.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push_str("{$");
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }

    /// The names of the variables the message uses.
    pub fn variables(&self) -> BTreeSet<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Var(v) => Some(v.as_str()),
                Part::Text(_) => None,
            })
            .collect()
    }
}

/// A message whose value lines are still being read.
struct OpenMessage<'a> {
    key: String,
    /// The line of its `=`.
    line: usize,
    /// Whether the value starts on the `=` line, which then has no indent.
    inline: bool,
    lines: Vec<&'a str>,
}

fn finish(open: &mut Option<OpenMessage>, messages: &mut BTreeMap<String, Message>) -> Result<(), ParseError> {
    let Some(OpenMessage { key, line, inline, lines }) = open.take() else {
        return Ok(());
    };
    if lines.is_empty() {
        return Err(ParseError { line, kind: ParseErrorKind::EmptyValue(key) });
    }
    let text = join_lines(inline, &lines);
    let parts = parse_pattern(&text).map_err(|kind| ParseError { line, kind })?;
    messages.insert(key, Message { parts });
    Ok(())
}

/// Joins a value's lines: an inline first line as written after `=`, the
/// indented lines without their common indent, then trailing whitespace
/// dropped.
fn join_lines(inline: bool, lines: &[&str]) -> String {
    let indented = if inline { &lines[1..] } else { lines };
    let indent = indented.iter().map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(if inline && i == 0 { l } else { &l[indent..] });
    }
    text.trim_end().to_owned()
}

fn parse_pattern(text: &str) -> Result<Vec<Part>, ParseErrorKind> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(pos) = rest.find(['{', '}']) {
        literal.push_str(&rest[..pos]);
        if rest[pos..].starts_with('}') {
            return Err(ParseErrorKind::StrayBrace);
        }
        let after = rest[pos + 1..].trim_start();
        // A string literal may hold braces, so find its closing quote first.
        let end = if let Some(lit) = after.strip_prefix('"') {
            let close = lit.find('"').ok_or(ParseErrorKind::UnclosedPlaceable)?;
            let close = 1 + close + 1 + (lit[close + 1..].len() - lit[close + 1..].trim_start().len());
            if !after[close..].starts_with('}') {
                let inner = after.split('}').next().unwrap_or(after);
                return Err(ParseErrorKind::UnsupportedPlaceable(inner.trim().to_owned()));
            }
            close
        } else {
            after.find('}').ok_or(ParseErrorKind::UnclosedPlaceable)?
        };
        let inner = after[..end].trim();
        if let Some(name) = inner.strip_prefix('$').filter(|n| is_identifier(n)) {
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(Part::Var(name.to_owned()));
        } else if let Some(s) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            if s.contains('\\') {
                return Err(ParseErrorKind::UnsupportedPlaceable(inner.to_owned()));
            }
            literal.push_str(s);
        } else {
            return Err(ParseErrorKind::UnsupportedPlaceable(inner.to_owned()));
        }
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(Part::Text(literal));
    }
    Ok(parts)
}

/// Fluent's identifier: `[a-zA-Z][a-zA-Z0-9_-]*`.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `src`, formats `key` with `args` and compares.
    fn check(src: &str, key: &str, args: &[(&str, &str)], expected: &str) {
        let catalog = Catalog::parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        let msg = catalog.get(key).unwrap_or_else(|| panic!("{key} missing in {src:?}"));
        assert_eq!(msg.format(args), expected, "{src:?}");
    }

    fn check_err(src: &str, line: usize, kind: ParseErrorKind) {
        assert_eq!(Catalog::parse(src), Err(ParseError { line, kind }), "{src:?}");
    }

    #[test]
    fn messages() {
        check("a = Hello", "a", &[], "Hello");
        check("a=Hello  ", "a", &[], "Hello");
        check("# comment\n\nb-c_d = x = y\n", "b-c_d", &[], "x = y");
        check("a = Hi { $name }!", "a", &[("name", "Rania")], "Hi Rania!");
        check("a = {$x}{ $y }", "a", &[("x", "1"), ("y", "2")], "12");
        check("a = Hi { $name }", "a", &[], "Hi {$name}");
        check("a = { \"{\" }literal{ \"}\" }", "a", &[], "{literal}");
        check("a = { \"  \" }padded", "a", &[], "  padded");
        check("a = خوش آمدید { $name }", "a", &[("name", "رانیا")], "خوش آمدید رانیا");
        check("a = one\r\nb = two\r\n", "b", &[], "two");
    }

    #[test]
    fn multiline_values() {
        check("a = first\n    second\n      third", "a", &[], "first\nsecond\n  third");
        check("a =\n    only\n    lines\nb = x", "a", &[], "only\nlines");
        check("a = x\n\n# c\nb = y", "b", &[], "y");
    }

    #[test]
    fn variables() {
        let c = Catalog::parse("a = { $x } and { $y } and { $x }").unwrap();
        assert_eq!(c.get("a").unwrap().variables(), BTreeSet::from(["x", "y"]));
    }

    #[test]
    fn errors() {
        check_err("a = x\nnonsense", 2, ParseErrorKind::ExpectedMessage);
        check_err("9a = x", 1, ParseErrorKind::ExpectedMessage);
        check_err("a b = x", 1, ParseErrorKind::ExpectedMessage);
        check_err("  indented = x", 1, ParseErrorKind::ExpectedMessage);
        check_err("-brand = Acme", 1, ParseErrorKind::UnsupportedTerm);
        check_err("a = x\n    .title = y", 2, ParseErrorKind::UnsupportedSyntax);
        check_err("a = x\nb = y\na = z", 3, ParseErrorKind::DuplicateKey("a".into()));
        check_err("a =\nb = y", 1, ParseErrorKind::EmptyValue("a".into()));
        check_err("a = { $x", 1, ParseErrorKind::UnclosedPlaceable);
        check_err("a = x }", 1, ParseErrorKind::StrayBrace);
        check_err("a = { $n ->\n   *[other] many\n}", 2, ParseErrorKind::UnsupportedSyntax);
        check_err("a = { NUMBER($n) }", 1, ParseErrorKind::UnsupportedPlaceable("NUMBER($n)".into()));
        check_err("a = { -brand }", 1, ParseErrorKind::UnsupportedPlaceable("-brand".into()));
    }

    #[test]
    fn empty_file() {
        assert!(Catalog::parse("# nothing\n\n").unwrap().is_empty());
    }
}
