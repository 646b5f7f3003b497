//! The message files of the four UI languages. English, the fallback, is
//! built into the apps; the others are fetched from the gateway when they
//! are chosen (`/i18n/<lang>.ftl?v=<content hash>`, see [`url`]), so an app
//! carries one language instead of four. Plain Rust, so the checks below run
//! natively, on the files as they are on disk.

use shared::Lang;

use crate::fluent::{Catalog, ParseError};

/// English, built in: what every other language falls back to, key by key.
pub const ENGLISH: &str = include_str!("../../assets/i18n/en.ftl");

/// 64-bit FNV-1a, evaluated at compile time over each file: only the hash
/// ends up in the app, never the text.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The content hash of each file, in the order of [`Lang::ALL`].
const HASHES: [u64; 4] = [
    fnv1a(include_bytes!("../../assets/i18n/en.ftl")),
    fnv1a(include_bytes!("../../assets/i18n/fa.ftl")),
    fnv1a(include_bytes!("../../assets/i18n/ar.ftl")),
    fnv1a(include_bytes!("../../assets/i18n/tr.ftl")),
];

/// Where the gateway serves a language's message file. The content hash in
/// the query makes each version of the file its own address, so the
/// gateway may let browsers keep it for a year and an upgrade still never
/// serves a stale catalogue.
pub fn url(lang: Lang) -> String {
    let i = Lang::ALL.iter().position(|l| *l == lang).expect("Lang::ALL lists every language");
    format!("/i18n/{}.ftl?v={:016x}", lang.tag(), HASHES[i])
}

/// The text of a language's message file, read from `assets/i18n` (native
/// builds only: tests and tools).
#[cfg(not(target_arch = "wasm32"))]
pub fn source(lang: Lang) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../assets/i18n/{}.ftl", lang.tag()));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The parsed messages: English always, other languages once loaded.
#[derive(Debug, Clone)]
pub struct Catalogs {
    /// In the order of [`Lang::ALL`]; English is always there.
    by_lang: Vec<Option<Catalog>>,
}

impl Catalogs {
    /// English alone, from the built-in file.
    pub fn english() -> Result<Catalogs, ParseError> {
        let mut by_lang = vec![None; Lang::ALL.len()];
        by_lang[index(Lang::En)] = Some(Catalog::parse(ENGLISH)?);
        Ok(Catalogs { by_lang })
    }

    /// Every language, read from `assets/i18n` (native builds only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn parse_all() -> Result<Catalogs, (Lang, ParseError)> {
        let by_lang = Lang::ALL
            .into_iter()
            .map(|lang| Catalog::parse(&source(lang)).map(Some).map_err(|e| (lang, e)))
            .collect::<Result<_, _>>()?;
        Ok(Catalogs { by_lang })
    }

    /// Adds (or replaces) a language's messages.
    pub fn insert(&mut self, lang: Lang, catalog: Catalog) {
        self.by_lang[index(lang)] = Some(catalog);
    }

    /// Whether `lang`'s messages are in.
    pub fn has(&self, lang: Lang) -> bool {
        self.by_lang[index(lang)].is_some()
    }

    /// The messages of `lang`, or English's while `lang` is not loaded.
    pub fn catalog(&self, lang: Lang) -> &Catalog {
        self.by_lang[index(lang)].as_ref().or(self.by_lang[index(Lang::En)].as_ref()).expect("English is always loaded")
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

fn index(lang: Lang) -> usize {
    Lang::ALL.iter().position(|l| *l == lang).expect("Lang::ALL lists every language")
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
            let catalog = Catalog::parse(&source(lang)).unwrap_or_else(|e| panic!("{}.ftl: {e}", lang.tag()));
            assert!(!catalog.is_empty(), "{}.ftl has no messages", lang.tag());
        }
    }

    #[test]
    fn the_built_in_english_is_the_file_and_urls_carry_each_files_hash() {
        assert_eq!(ENGLISH, source(Lang::En));
        let mut seen = BTreeSet::new();
        for lang in Lang::ALL {
            let text = source(lang);
            // The hash computed here over the file read at test time, the
            // same arithmetic written out again: a stale or shared hash fails.
            let mut h: u64 = 0xcbf29ce484222325;
            for b in text.bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
            }
            assert_eq!(url(lang), format!("/i18n/{}.ftl?v={h:016x}", lang.tag()));
            assert!(seen.insert(url(lang)));
        }
    }

    #[test]
    fn english_alone_until_a_language_is_inserted() {
        let mut catalogs = Catalogs::english().unwrap();
        assert!(catalogs.has(Lang::En) && !catalogs.has(Lang::Fa));
        assert_eq!(catalogs.format(Lang::Fa, "logout", &[]), catalogs.format(Lang::En, "logout", &[]));
        catalogs.insert(Lang::Fa, Catalog::parse(&source(Lang::Fa)).unwrap());
        assert!(catalogs.has(Lang::Fa));
        let fa = Catalog::parse(&source(Lang::Fa)).unwrap().get("logout").unwrap().format(&[]);
        assert_eq!(catalogs.format(Lang::Fa, "logout", &[]), fa);
        assert_ne!(fa, catalogs.format(Lang::En, "logout", &[]));
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
