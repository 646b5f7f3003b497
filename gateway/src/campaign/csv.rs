//! A small CSV reader and writer (RFC 4180 as spreadsheets write it):
//! fields separated by commas (or semicolons, as spreadsheets in many
//! locales save them), quoted fields with `""` for a quote and line breaks
//! inside, CRLF or LF line ends, a UTF-8 byte-order mark ignored.
//!
//! The reader never fails: a record it cannot read whole (a quote left
//! open, a quote in the middle of an unquoted field) comes back as a
//! [`Record`] with its problem, so that an import can report that line and
//! go on. Each record knows the line it starts on, counting from 1.

/// One record: its fields, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line the record starts on (1 for the first line of the file).
    pub line: usize,
    pub fields: Vec<String>,
    /// Set when the record is malformed; `fields` then holds what was read.
    pub problem: Option<&'static str>,
}

impl Record {
    /// A record of nothing but blanks: a blank line, or commas alone.
    pub fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// Longest field read; longer ones are cut and their record marked.
pub const FIELD_MAX: usize = 4096;

/// Reads every record of `text`. The separator is the first of `,` and
/// `;` found on the first line outside quotes (`,` when neither is).
pub fn read(text: &str) -> Vec<Record> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let sep = separator(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut problem = None;
        let mut quoted = false;
        // Whether the field began with a quote, and whether that quote has
        // been closed (text after the closing quote is a problem).
        let mut was_quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    problem = Some("a quoted field is not closed before the end of the file");
                }
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        push(&mut field, '"', &mut problem);
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        push(&mut field, c, &mut problem);
                    }
                    _ => push(&mut field, c, &mut problem),
                }
                continue;
            }
            match c {
                c if c == sep => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' | '\r' => {
                    line += 1;
                    break;
                }
                '"' if field.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                '"' => {
                    problem.get_or_insert("a quote inside a field that is not quoted as a whole");
                    push(&mut field, c, &mut problem);
                }
                _ if was_quoted => {
                    problem.get_or_insert("text after the closing quote of a field");
                    push(&mut field, c, &mut problem);
                }
                _ => push(&mut field, c, &mut problem),
            }
        }
        fields.push(field);
        out.push(Record { line: start, fields, problem });
    }
    out
}

fn push(field: &mut String, c: char, problem: &mut Option<&'static str>) {
    if field.len() < FIELD_MAX {
        field.push(c);
    } else {
        problem.get_or_insert("a field longer than 4096 bytes");
    }
}

fn separator(text: &str) -> char {
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => return c,
            '\n' | '\r' if !quoted => break,
            _ => {}
        }
    }
    ','
}

/// Appends one CSV line (comma-separated, CRLF-terminated) to `out`,
/// quoting the fields that need it. A field starting with `=`, `+`, `-` or
/// `@` gets a leading `'` so that spreadsheets do not run it as a formula;
/// E.164 numbers (`+` and digits only) are left as they are.
pub fn write_line<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = f.as_ref();
        let number = f.len() > 1 && f.starts_with('+') && f[1..].bytes().all(|b| b.is_ascii_digit());
        let formula = !number && f.starts_with(['=', '+', '-', '@']);
        if formula || f.contains([',', '"', '\n', '\r', ';']) {
            out.push('"');
            if formula {
                out.push('\'');
            }
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[(usize, &[&str], Option<&str>)]) {
        let got = read(text);
        let got: Vec<(usize, Vec<&str>, Option<&str>)> =
            got.iter().map(|r| (r.line, r.fields.iter().map(String::as_str).collect(), r.problem)).collect();
        let expected: Vec<(usize, Vec<&str>, Option<&str>)> =
            expected.iter().map(|(l, f, p)| (*l, f.to_vec(), *p)).collect();
        assert_eq!(got, expected, "{text:?}");
    }

    #[test]
    fn records_are_read_with_their_lines() {
        check("a,b\r\n1,2\n", &[(1, &["a", "b"], None), (2, &["1", "2"], None)]);
        check("\u{FEFF}a;b\n1;\"x;y\"", &[(1, &["a", "b"], None), (2, &["1", "x;y"], None)]);
        check(
            "n,note\n1,\"two\nlines\"\n2,\"say \"\"hi\"\"\"\n",
            &[(1, &["n", "note"], None), (2, &["1", "two\nlines"], None), (4, &["2", "say \"hi\""], None)],
        );
        check("a\n\n b \n", &[(1, &["a"], None), (2, &[""], None), (3, &[" b "], None)]);
        check("a,\"\"\n", &[(1, &["a", ""], None)]);
    }

    #[test]
    fn malformed_records_say_why_and_reading_goes_on() {
        check(
            "a,b\n1,x\"y\n2,\"z\"q\n3,ok\n",
            &[
                (1, &["a", "b"], None),
                (2, &["1", "x\"y"], Some("a quote inside a field that is not quoted as a whole")),
                (3, &["2", "zq"], Some("text after the closing quote of a field")),
                (4, &["3", "ok"], None),
            ],
        );
        check(
            "a\n\"open\nstill",
            &[
                (1, &["a"], None),
                (2, &["open\nstill"], Some("a quoted field is not closed before the end of the file")),
            ],
        );
        let long = format!("{}\n", "x".repeat(FIELD_MAX + 10));
        let r = read(&long);
        assert_eq!((r[0].fields[0].len(), r[0].problem), (FIELD_MAX, Some("a field longer than 4096 bytes")));
    }

    #[test]
    fn lines_are_written_so_that_they_read_back() {
        let mut out = String::new();
        write_line(&mut out, &["+989121234567", "Ali, Reza", "say \"hi\"", "=1+2", "-3", "two\nlines", ""]);
        assert_eq!(out, "+989121234567,\"Ali, Reza\",\"say \"\"hi\"\"\",\"'=1+2\",\"'-3\",\"two\nlines\",\r\n");
        let back = read(&out);
        assert_eq!(back[0].fields, ["+989121234567", "Ali, Reza", "say \"hi\"", "'=1+2", "'-3", "two\nlines", ""]);
    }
}
