//! `cargo xtask prompts [ID...]`: makes the gateway's voice prompts from
//! `assets/prompts/prompts.toml` with espeak-ng and sox.
//!
//! Each table's text in each language becomes `assets/prompts/<lang>/<id>.wav`;
//! a table with `sox = "..."` (synth arguments) becomes
//! `assets/prompts/common/<id>.wav`, a language-independent sound (the beep).
//! Speech (espeak-ng's default voice of each language at 180 words a
//! minute) is trimmed of leading and trailing silence, its pauses shortened
//! to 0.15 s, resampled to the gateway's format (8000 Hz, mono, 16-bit
//! signed PCM, which `gateway/src/media/wav.rs` reads), peak-normalised to
//! -3 dBFS and faded in and out over a few milliseconds against clicks. Output is
//! deterministic (no dither, sox's repeatable mode), so regenerating an
//! unchanged prompt leaves its file byte for byte as it was.
//!
//! The WAV files are committed: building and testing never need espeak-ng.
//! With no ids every prompt is made and WAV files no table asks for are
//! removed; with ids, only those.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::status;

/// The languages, and the espeak-ng voice each is spoken with.
pub const VOICES: &[(&str, &str)] = &[("en", "en-us"), ("fa", "fa"), ("ar", "ar"), ("tr", "tr")];
/// Folder of the language-independent sounds.
pub const COMMON: &str = "common";
/// Words per minute (espeak-ng says 175 by default): brisk, as IVRs are.
const SPEED: &str = "180";
/// What sox does to speech after espeak-ng: take out rumble, resample,
/// trim silence at both ends and shorten pauses inside, fade in and out,
/// normalise the peak. sox fades out only sounds of known length, which a
/// trimmed one is not: the fade-out is a fade-in of the reversed sound.
#[rustfmt::skip]
const SPEECH_EFFECTS: &[&str] = &[
    "highpass", "80", "rate", "-v", "8000",
    // Trim the start and shorten pauses inside to 0.15 s; reversed, trim the end.
    "silence", "-l", "1", "0.01", "-45d", "-1", "0.15", "-45d", "reverse", "silence", "1", "0.01", "-45d",
    // Fade out (still reversed), turn round, fade in.
    "fade", "t", "0.02", "reverse", "fade", "t", "0.005",
    "norm", "-3",
];
/// The output format, as sox options.
const FORMAT: &[&str] = &["-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer"];

/// One table of prompts.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub id: String,
    /// (language, text, what espeak-ng is given), in VOICES order.
    pub texts: Vec<(String, String, String)>,
    /// sox synth arguments of a language-independent sound.
    pub sox: Option<String>,
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let dir = root.join("assets/prompts");
    let source = dir.join("prompts.toml");
    let text = std::fs::read_to_string(&source).with_context(|| format!("reading {}", source.display()))?;
    let prompts = parse(&text).with_context(|| format!("in {}", source.display()))?;
    let only: BTreeSet<&str> = args.iter().map(String::as_str).collect();
    if let Some(unknown) = only.iter().find(|id| !prompts.iter().any(|p| p.id == **id)) {
        bail!("no prompt {unknown:?} in {}", source.display());
    }
    tools()?;
    let tmp = crate::tempdir(root, "prompts")?;
    let mut made: BTreeSet<PathBuf> = BTreeSet::new();
    for p in &prompts {
        let wanted = only.is_empty() || only.contains(p.id.as_str());
        if let Some(synth) = &p.sox {
            let out = dir.join(COMMON).join(format!("{}.wav", p.id));
            if wanted {
                tone(synth, &out, &tmp).with_context(|| format!("making {}", out.display()))?;
            }
            made.insert(out);
        }
        for (lang, _, say) in &p.texts {
            let out = dir.join(lang).join(format!("{}.wav", p.id));
            if wanted {
                speech(lang, say, &out, &tmp).with_context(|| format!("making {}", out.display()))?;
            }
            made.insert(out);
        }
    }
    std::fs::remove_dir_all(&tmp).ok();
    if only.is_empty() {
        remove_stale(&dir, &made)?;
    }
    let bytes: u64 = made.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    println!("xtask: {} prompt files in {} ({:.2} MB)", made.len(), dir.display(), bytes as f64 / 1e6);
    Ok(())
}

/// espeak-ng and sox, from Debian's packages when missing (as root), the
/// way `setup` installs the test peers.
fn tools() -> Result<()> {
    crate::setup::debian(&["espeak-ng", "sox"])
}

/// Speaks `say` in `lang` into `out`.
fn speech(lang: &str, say: &str, out: &Path, tmp: &Path) -> Result<()> {
    let voice = VOICES.iter().find(|(l, _)| *l == lang).map(|(_, v)| *v).context("unknown language")?;
    let text_file = tmp.join("say.txt");
    let raw = tmp.join("espeak.wav");
    let staged = tmp.join("out.wav");
    // Through a file: a text starting with "-" is not taken for an option.
    std::fs::write(&text_file, say)?;
    status(
        Command::new("espeak-ng").args(["-b", "1", "-v", voice, "-s", SPEED, "-w"]).arg(&raw).arg("-f").arg(&text_file),
    )?;
    status(Command::new("sox").args(["-D", "-R", "-G"]).arg(&raw).args(FORMAT).arg(&staged).args(SPEECH_EFFECTS))?;
    place(&staged, out)
}

/// Makes a language-independent sound from sox synth arguments.
fn tone(synth: &str, out: &Path, tmp: &Path) -> Result<()> {
    let staged = tmp.join("out.wav");
    status(Command::new("sox").args(["-D", "-R", "-n"]).args(FORMAT).arg(&staged).args(synth.split_whitespace()))?;
    place(&staged, out)
}

/// Moves a finished file into place, so a failed run leaves no half file.
fn place(staged: &Path, out: &Path) -> Result<()> {
    let bytes = std::fs::read(staged)?;
    if bytes.len() <= 44 {
        bail!("sox wrote no audio (was the text all silence?)");
    }
    std::fs::create_dir_all(out.parent().expect("prompt files are in a folder"))?;
    let next = out.with_extension("wav.new");
    std::fs::write(&next, &bytes)?;
    std::fs::rename(&next, out)?;
    Ok(())
}

/// Removes WAV files in the language and common folders that no table makes.
fn remove_stale(dir: &Path, made: &BTreeSet<PathBuf>) -> Result<()> {
    for sub in VOICES.iter().map(|(l, _)| *l).chain([COMMON]) {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "wav") && !made.contains(&path) {
                println!("xtask: removing {} (not in prompts.toml)", path.display());
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

/// Reads prompts.toml: `[id]` tables of `key = "string"` lines, comments
/// and blank lines; the TOML subset the file keeps to, so xtask needs no
/// TOML library. Keys: a language (`en`), its `<lang>_say`, or `sox`.
pub fn parse(text: &str) -> Result<Vec<Prompt>> {
    let mut prompts: Vec<Prompt> = Vec::new();
    // Per table: key -> value, in file order.
    let mut tables: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let at = || format!("line {}", n + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let id = rest.strip_suffix(']').with_context(|| format!("{}: a table header ends with ]", at()))?.trim();
            if !valid_id(id) {
                bail!("{}: prompt id {id:?} is not 1 to 64 of a-z 0-9 _", at());
            }
            if tables.iter().any(|(t, _)| t == id) {
                bail!("{}: [{id}] appears twice", at());
            }
            tables.push((id.to_owned(), Vec::new()));
            continue;
        }
        let (key, value) = line.split_once('=').with_context(|| format!("{}: expected key = \"text\"", at()))?;
        let key = key.trim();
        let value = string(value.trim()).with_context(at)?;
        let (_, keys) = tables.last_mut().with_context(|| format!("{}: {key} before any [table]", at()))?;
        if keys.iter().any(|(k, _)| k == key) {
            bail!("{}: {key} appears twice", at());
        }
        keys.push((key.to_owned(), value));
    }
    for (id, keys) in tables {
        let get = |k: &str| keys.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        for (key, _) in &keys {
            let lang = key.strip_suffix("_say").unwrap_or(key);
            if key != "sox" && !VOICES.iter().any(|(l, _)| *l == lang) {
                bail!("[{id}]: unknown key {key} (languages: en fa ar tr, <lang>_say, sox)");
            }
            if key.ends_with("_say") && get(lang).is_none() {
                bail!("[{id}]: {key} without {lang}");
            }
        }
        let mut texts = Vec::new();
        for (lang, _) in VOICES {
            if let Some(t) = get(lang) {
                if t.trim().is_empty() {
                    bail!("[{id}]: {lang} is empty");
                }
                let say = get(&format!("{lang}_say")).unwrap_or_else(|| t.clone());
                let say = if *lang == "ar" { arabic_for_espeak(&say) } else { say };
                texts.push((lang.to_string(), t, say));
            }
        }
        let sox = get("sox");
        if texts.is_empty() && sox.is_none() {
            bail!("[{id}]: no text in any language and no sox sound");
        }
        if !texts.is_empty() && sox.is_some() {
            bail!("[{id}]: either texts or a sox sound, not both");
        }
        prompts.push(Prompt { id, texts, sox });
    }
    Ok(prompts)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A TOML basic string ("..." with \" \\ \n \t escapes), then at most a comment.
fn string(s: &str) -> Result<String> {
    let mut chars = s.strip_prefix('"').context("a value is a \"string\"")?.chars();
    let mut out = String::new();
    loop {
        match chars.next() {
            None => bail!("unterminated string"),
            Some('"') => break,
            Some('\\') => out.push(match chars.next() {
                Some('"') => '"',
                Some('\\') => '\\',
                Some('n') => '\n',
                Some('t') => '\t',
                other => bail!("unsupported escape \\{}", other.map(String::from).unwrap_or_default()),
            }),
            Some(c) => out.push(c),
        }
    }
    let rest = chars.as_str().trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        bail!("unexpected {rest:?} after the string");
    }
    Ok(out)
}

/// Arabic harakat (tanwin, short vowels, sukun).
fn is_haraka(c: char) -> bool {
    ('\u{064B}'..='\u{0652}').contains(&c) && c != '\u{0651}'
}

const SHADDA: char = '\u{0651}';
const TA_MARBUTA: char = '\u{0629}';
const HA: char = '\u{0647}';

/// Two fixes espeak-ng's Arabic needs: it reads shadda only before the
/// vowel mark (Unicode's canonical order puts the vowel first), and it
/// says a final ة with no vowel as "t"; before a pause it is "a(h)", which
/// it says for ـه. A ة with a vowel mark (construct state) stays.
pub fn arabic_for_espeak(text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i + 1 < chars.len() {
        if is_haraka(chars[i]) && chars[i + 1] == SHADDA {
            chars.swap(i, i + 1);
        }
        i += 1;
    }
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if c == TA_MARBUTA && !next.is_some_and(|n| is_haraka(n) || n == SHADDA) {
            out.push(HA);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tables_texts_and_sounds() {
        let p = parse(
            "# comment\n\n[welcome]\nen = \"Hello \\\"you\\\"\"  # trailing\nfa = \"سلام\"\nfa_say = \"سلامِ\"\n\n[beep]\nsox = \"synth 0.3 sine 1000\"\n",
        )
        .unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].id, "welcome");
        assert_eq!(
            p[0].texts,
            vec![
                ("en".into(), "Hello \"you\"".into(), "Hello \"you\"".into()),
                ("fa".into(), "سلام".into(), "سلامِ".into())
            ]
        );
        assert_eq!(p[1].sox.as_deref(), Some("synth 0.3 sine 1000"));
        assert!(p[1].texts.is_empty());
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for (bad, says) in [
            ("en = \"x\"", "before any [table]"),
            ("[Welcome]\nen = \"x\"", "is not 1 to 64"),
            ("[a]\nde = \"x\"", "unknown key de"),
            ("[a]\nen_say = \"x\"", "without en"),
            ("[a]\nen = \"x\"\nen = \"y\"", "twice"),
            ("[a]\nen = \"x\"\n[a]\nfa = \"y\"", "twice"),
            ("[a]\nen = x", "string"),
            ("[a]\nen = \"x", "unterminated"),
            ("[a]\nen = \"x\" y", "after the string"),
            ("[a]", "no text"),
            ("[a]\nen = \"x\"\nsox = \"synth 1 sine 440\"", "not both"),
        ] {
            let e = format!("{:#}", parse(bad).unwrap_err());
            assert!(e.contains(says), "{bad:?}: {e}");
        }
    }

    #[test]
    fn arabic_shadda_first_and_pausal_ta_marbuta() {
        // fatha + shadda -> shadda + fatha
        assert_eq!(arabic_for_espeak("س\u{0650}ت\u{064E}\u{0651}ة"), "س\u{0650}ت\u{0651}\u{064E}ه");
        // a ة with a vowel (construct) stays; a bare one at the end becomes ه
        assert_eq!(arabic_for_espeak("قائِمَةِ الاِنْتِظار"), "قائِمَةِ الاِنْتِظار");
        assert_eq!(arabic_for_espeak("دَقِيقَة واحِدَة."), "دَقِيقَه واحِدَه.");
    }

    #[test]
    fn the_real_file_reads() {
        let text = std::fs::read_to_string(crate::root().join("assets/prompts/prompts.toml")).unwrap();
        let prompts = parse(&text).unwrap();
        assert!(prompts.iter().any(|p| p.id == "welcome" && p.texts.len() == 4));
        assert!(prompts.iter().any(|p| p.id == "beep" && p.sox.is_some()));
    }
}
