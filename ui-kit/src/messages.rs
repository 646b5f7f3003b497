//! The message files of the four UI languages, built into the apps and
//! parsed once at start-up. Plain Rust, so the checks below run natively.

use shared::Lang;

use crate::fluent::{Catalog, ParseError};

/// The text of a language's message file.
pub fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../../assets/i18n/en.ftl"),
        Lang::Fa => include_str!("../../assets/i18n/fa.ftl"),
        Lang::Ar => include_str!("../../assets/i18n/ar.ftl"),
        Lang::Tr => include_str!("../../assets/i18n/tr.ftl"),
    }
}

/// The parsed messages of every language.
#[derive(Debug, Clone)]
pub struct Catalogs {
    /// In the order of [`Lang::ALL`].
    by_lang: Vec<Catalog>,
}

impl Catalogs {
    pub fn parse_all() -> Result<Catalogs, (Lang, ParseError)> {
        let by_lang = Lang::ALL
            .into_iter()
            .map(|lang| Catalog::parse(source(lang)).map_err(|e| (lang, e)))
            .collect::<Result<_, _>>()?;
        Ok(Catalogs { by_lang })
    }

    pub fn catalog(&self, lang: Lang) -> &Catalog {
        let i = Lang::ALL.iter().position(|l| *l == lang).expect("Lang::ALL lists every language");
        &self.by_lang[i]
    }

    /// The message in `lang`, else in English, else the key itself, so a
    /// missing text shows where it is missing instead of an empty space.
    pub fn format(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        self.catalog(lang)
            .get(key)
            .or_else(|| self.catalog(Lang::En).get(key))
            .map(|m| m.format(args))
            .unwrap_or_else(|| key.to_owned())
    }
}

/// The message for a problem+json `code` from the gateway.
pub fn problem_message_key(code: &str) -> &'static str {
    match code {
        "invalid_credentials" => "error-invalid-credentials",
        "rate_limited" => "error-rate-limited",
        "wrong_app" => "error-wrong-app",
        "forbidden" => "error-forbidden",
        _ => "error-generic",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::*;

    #[test]
    fn every_file_parses() {
        for lang in Lang::ALL {
            let catalog = Catalog::parse(source(lang)).unwrap_or_else(|e| panic!("{}.ftl: {e}", lang.tag()));
            assert!(!catalog.is_empty(), "{}.ftl has no messages", lang.tag());
        }
    }

    #[test]
    fn every_language_has_every_key_with_the_same_variables() {
        let catalogs = Catalogs::parse_all().unwrap();
        let en = catalogs.catalog(Lang::En);
        let en_keys: BTreeSet<&str> = en.keys().collect();
        for lang in Lang::ALL {
            let other = catalogs.catalog(lang);
            let keys: BTreeSet<&str> = other.keys().collect();
            let missing: Vec<_> = en_keys.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&en_keys).collect();
            assert!(missing.is_empty(), "{}.ftl lacks {missing:?}", lang.tag());
            assert!(extra.is_empty(), "{}.ftl has keys en.ftl lacks: {extra:?}", lang.tag());
            for key in &en_keys {
                assert_eq!(
                    other.get(key).unwrap().variables(),
                    en.get(key).unwrap().variables(),
                    "{}.ftl: {key} uses other variables than en.ftl",
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn translations_are_in_their_script() {
        // A copied English line in fa.ftl or ar.ftl would pass the key check;
        // every RTL message must contain Arabic-script letters.
        let catalogs = Catalogs::parse_all().unwrap();
        for lang in [Lang::Fa, Lang::Ar] {
            let catalog = catalogs.catalog(lang);
            for key in catalog.keys() {
                let text = catalog.get(key).unwrap().format(&[]);
                assert!(
                    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                    "{}.ftl: {key} = {text:?} is not translated",
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn problem_codes_map_to_existing_messages() {
        let catalogs = Catalogs::parse_all().unwrap();
        for code in ["invalid_credentials", "rate_limited", "wrong_app", "forbidden", "teapot"] {
            let key = problem_message_key(code);
            assert!(catalogs.catalog(Lang::En).get(key).is_some(), "{code} -> {key}");
        }
        assert_eq!(problem_message_key("teapot"), "error-generic");
    }

    #[test]
    fn fallback_to_english_then_key() {
        let catalogs = Catalogs::parse_all().unwrap();
        assert_eq!(catalogs.format(Lang::Fa, "no-such-key", &[]), "no-such-key");
        assert_eq!(catalogs.format(Lang::En, "shell-signed-in-as", &[("name", "Rania")]), "Signed in as Rania");
    }

    /// Where the code names message keys: the text after one of these, up
    /// to the next quote; `true` where only hyphenated words count (other
    /// strings appear there too).
    const KEY_PATTERNS: [(&str, bool); 8] = [
        ("t(\"", false),
        ("tr(\"", false),
        ("t_args(\"", false),
        ("key: \"", false),
        ("key=\"", false),
        ("=> \"", true),
        ("{ \"", true),
        ("Some(\"", true),
    ];

    /// Every message key the apps' code names exists.
    #[test]
    fn keys_used_in_code_exist() {
        let catalogs = Catalogs::parse_all().unwrap();
        let en = catalogs.catalog(Lang::En);
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in ["ui-kit/src", "agent-ui/src", "supervisor-ui/src"] {
            collect_rs(&root.join(dir), &mut files);
        }
        assert!(files.len() > 5, "found only {files:?}");
        let mut used = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (pattern, must_hyphen) in KEY_PATTERNS {
                for (pos, _) in text.match_indices(pattern) {
                    let word_start = !text[..pos].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                    // `t("` must not match inside `set("`, nor `tr("` inside `attr("`.
                    if pattern.starts_with('t') && !word_start {
                        continue;
                    }
                    let rest = &text[pos + pattern.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    let looks_like_key = !key.is_empty()
                        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                        && (!must_hyphen || key.contains('-'));
                    if !looks_like_key {
                        continue;
                    }
                    used += 1;
                    assert!(en.get(key).is_some(), "{}: message {key:?} is not in en.ftl", file.display());
                }
            }
        }
        assert!(used > 20, "only {used} keys found in code; is the scan broken?");
    }

    fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_rs(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
}
