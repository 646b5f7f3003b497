//! Voice prompts: what the gateway says to callers, in English, Persian,
//! Arabic and Turkish.
//!
//! A prompt is a WAV file named after its id (8000 Hz, mono, 16-bit PCM,
//! what [`wav::read`] takes). The defaults ship in `assets/prompts/<lang>/`
//! (made from `assets/prompts/prompts.toml` by `cargo xtask prompts`, with
//! espeak-ng and sox; the files are committed, so nothing here needs them);
//! language-independent sounds (the [`id::BEEP`]) are in
//! `assets/prompts/common/`. Admins' own recordings go in an override
//! folder of the same shape (default `data/prompts/<lang>/<id>.wav`) and win
//! over the defaults; new ids there (a holiday notice) are loaded too, for
//! IVR flows to play. A language without some prompt plays the English one:
//! English must therefore be complete, which [`Catalog::load`] checks.
//!
//! Sayings with numbers are lists of prompt ids composed here without IO
//! ([`say_number`], [`say_position`], [`say_wait`], …), in each language's
//! word order and grammar: Persian joins with "و" (spoken "-o", recorded
//! with the tens and hundreds: `n20_and` is "بیست و"), Arabic puts units
//! before tens ("ثلاثة وعشرون") and counts minutes with the feminine forms
//! and the dual ("ثلاث دقائق", "دقيقتان", "خمس عشرة دقيقة"), Turkish and
//! English put a plain noun or plural after the number. Number words are
//! prompts too, and each language has the ones its sayings use
//! ([`words`]); every sentence and piece of a saying exists in all four
//! ([`SENTENCES`], [`PIECES`]).
//!
//! Loading reads files (at start-up; it blocks); everything else is plain
//! data.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use shared::Lang;

use crate::media::wav;

/// The shipped prompts, relative to the working directory.
pub const DEFAULT_DIR: &str = "assets/prompts";
/// Where admins' recordings go, relative to the working directory.
pub const DEFAULT_OVERRIDE_DIR: &str = "data/prompts";
/// The folder of language-independent sounds, beside the language folders.
pub const COMMON_DIR: &str = "common";
/// Every language's fallback.
pub const FALLBACK: Lang = Lang::En;
/// The largest number [`say_number`] says; larger ones are said as this.
pub const MAX_NUMBER: u32 = 999;
/// The longest prompt file taken, in seconds (a long upload is refused
/// rather than held in memory).
pub const MAX_SECONDS: usize = 600;
/// Longest prompt id (the IVR flows' limit on names).
pub const MAX_ID_LEN: usize = 64;
/// Silence between the pieces of one saying ("twenty | three").
pub const PIECE_GAP_MS: usize = 30;
/// Silence after a whole sentence followed by more.
pub const SENTENCE_GAP_MS: usize = 350;

/// The prompt ids the gateway itself uses.
pub mod id {
    // Sentences.
    pub const WELCOME: &str = "welcome";
    /// "For sales press 1, for technical support press 2, to leave a message press 3."
    pub const MENU_MAIN: &str = "menu_main";
    pub const INVALID_CHOICE: &str = "invalid_choice";
    pub const NO_INPUT: &str = "no_input";
    pub const ENTER_CUSTOMER_CODE: &str = "enter_customer_code";
    pub const CUSTOMER_NOT_FOUND: &str = "customer_not_found";
    pub const CUSTOMER_IDENTIFIED: &str = "customer_identified";
    /// Outside business hours.
    pub const CLOSED: &str = "closed";
    pub const ALL_AGENTS_BUSY: &str = "all_agents_busy";
    /// "To be called back without losing your place, press 9."
    pub const CALLBACK_OFFER: &str = "callback_offer";
    /// "You keep your place, and we will call you back when it is your turn."
    pub const CALLBACK_CONFIRMED: &str = "callback_confirmed";
    pub const HANG_UP_NOW: &str = "hang_up_now";
    /// Played to the customer when we call back.
    pub const CALLBACK_GREETING: &str = "callback_greeting";
    /// "Please leave your message after the tone, then press hash."
    pub const VOICEMAIL_GREETING: &str = "voicemail_greeting";
    /// Whispers to the agent before a call connects (a queue's
    /// `whisper_prompt`): "Technical support call." and "Sales call."
    pub const WHISPER_SUPPORT: &str = "whisper_support";
    pub const WHISPER_SALES: &str = "whisper_sales";
    /// A campaign's call answered with no agent free: "Sorry, all of our
    /// agents are busy. We will call you again later."
    pub const CAMPAIGN_DROP: &str = "campaign_drop";
    /// Left on an answering machine by a campaign (`leave_message`).
    pub const CAMPAIGN_MESSAGE: &str = "campaign_message";
    pub const VOICEMAIL_SAVED: &str = "voicemail_saved";
    pub const HOLD_ON: &str = "hold_on";
    /// "Please hold while we connect you."
    pub const TRANSFER: &str = "transfer";
    /// "Please rate this call from 1 to 5, where 5 means very good."
    pub const SURVEY_QUESTION: &str = "survey_question";
    pub const SURVEY_THANKS: &str = "survey_thanks";
    pub const GOODBYE: &str = "goodbye";
    pub const QUEUE_FULL: &str = "queue_full";

    // Pieces of sayings, in every language.
    /// "You are caller number" (then the number).
    pub const YOUR_POSITION: &str = "your_position";
    /// "Your estimated waiting time is" (then the duration).
    pub const ESTIMATED_WAIT: &str = "estimated_wait";
    /// "about" (Arabic "تقريبًا", said after the duration).
    pub const ABOUT: &str = "about";
    pub const LESS_THAN_A_MINUTE: &str = "less_than_a_minute";
    /// "one minute"
    pub const MINUTE: &str = "minute";
    /// "a minute and a half"
    pub const MINUTE_AND_HALF: &str = "minute_and_half";
    /// After a number: "minutes"; Persian and Turkish "دقیقه", "dakika";
    /// Arabic "دقائق" (3 to 10).
    pub const MINUTES: &str = "minutes";
    /// "one second"
    pub const SECOND: &str = "second";
    pub const SECONDS: &str = "seconds";

    // Grammar pieces only some languages have.
    /// Persian "است", ending the position and wait sayings.
    pub const IS: &str = "is";
    /// Arabic "و" between the parts of a number.
    pub const AND: &str = "and";
    /// Arabic dual "دقيقتان".
    pub const MINUTES_2: &str = "minutes_2";
    /// Arabic singular after 11 and more: "دقيقة".
    pub const MINUTES_SG: &str = "minutes_sg";
    /// Arabic dual "ثانيتان".
    pub const SECONDS_2: &str = "seconds_2";
    /// Arabic singular after 11 and more: "ثانية".
    pub const SECONDS_SG: &str = "seconds_sg";
    /// English "hundred" (after the digit: "two hundred").
    pub const HUNDRED: &str = "hundred";

    /// The 1 kHz, 300 ms tone before a voicemail; in `common/`.
    pub const BEEP: &str = "beep";
}

/// Whole sentences, in every language.
pub const SENTENCES: &[&str] = &[
    id::WELCOME,
    id::MENU_MAIN,
    id::INVALID_CHOICE,
    id::NO_INPUT,
    id::ENTER_CUSTOMER_CODE,
    id::CUSTOMER_NOT_FOUND,
    id::CUSTOMER_IDENTIFIED,
    id::CLOSED,
    id::ALL_AGENTS_BUSY,
    id::CALLBACK_OFFER,
    id::CALLBACK_CONFIRMED,
    id::HANG_UP_NOW,
    id::CALLBACK_GREETING,
    id::VOICEMAIL_GREETING,
    id::WHISPER_SUPPORT,
    id::WHISPER_SALES,
    id::CAMPAIGN_DROP,
    id::CAMPAIGN_MESSAGE,
    id::VOICEMAIL_SAVED,
    id::HOLD_ON,
    id::TRANSFER,
    id::SURVEY_QUESTION,
    id::SURVEY_THANKS,
    id::GOODBYE,
    id::QUEUE_FULL,
];

/// Pieces of sayings, in every language.
pub const PIECES: &[&str] = &[
    id::YOUR_POSITION,
    id::ESTIMATED_WAIT,
    id::ABOUT,
    id::LESS_THAN_A_MINUTE,
    id::MINUTE,
    id::MINUTE_AND_HALF,
    id::MINUTES,
    id::SECOND,
    id::SECONDS,
];

/// Language-independent sounds, in `common/`.
pub const COMMON: &[&str] = &[id::BEEP];

/// Cardinals 0 to 19 (Arabic: the masculine counting form).
const N: [&str; 20] = [
    "n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10", "n11", "n12", "n13", "n14", "n15", "n16", "n17",
    "n18", "n19",
];
/// Tens by tens digit (`n10` is Turkish "on"; English and Persian say 10 to 19 as one word).
const TENS: [&str; 10] = ["", "n10", "n20", "n30", "n40", "n50", "n60", "n70", "n80", "n90"];
/// Persian tens followed by "و": "بیست و".
const TENS_AND: [&str; 10] =
    ["", "", "n20_and", "n30_and", "n40_and", "n50_and", "n60_and", "n70_and", "n80_and", "n90_and"];
/// Hundreds as one word (Persian, Arabic; Turkish has only `n100`, "yüz").
const HUNDREDS: [&str; 10] = ["", "n100", "n200", "n300", "n400", "n500", "n600", "n700", "n800", "n900"];
/// Persian hundreds followed by "و": "صد و".
const HUNDREDS_AND: [&str; 10] =
    ["", "n100_and", "n200_and", "n300_and", "n400_and", "n500_and", "n600_and", "n700_and", "n800_and", "n900_and"];
/// Arabic 1 to 19 counting a feminine noun: إحدى، اثنتان، ثلاث … تسع عشرة.
const F: [&str; 20] = [
    "", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17",
    "f18", "f19",
];

/// The number words and grammar pieces `lang`'s sayings use.
pub fn words(lang: Lang) -> Vec<&'static str> {
    let mut w: Vec<&'static str> = Vec::new();
    match lang {
        Lang::En => {
            w.extend(N);
            w.extend(&TENS[2..]);
            w.push(id::HUNDRED);
        }
        Lang::Tr => {
            w.extend(&N[..=10]);
            w.extend(&TENS[2..]);
            w.push(HUNDREDS[1]);
        }
        Lang::Fa => {
            w.extend(N);
            w.extend(&TENS[2..]);
            w.extend(&TENS_AND[2..]);
            w.extend(&HUNDREDS[1..]);
            w.extend(&HUNDREDS_AND[1..]);
            w.push(id::IS);
        }
        Lang::Ar => {
            w.extend(N);
            w.extend(&TENS[2..]);
            w.extend(&HUNDREDS[1..]);
            w.extend(&F[1..]);
            w.extend([id::AND, id::MINUTES_2, id::MINUTES_SG, id::SECONDS_2, id::SECONDS_SG]);
        }
    }
    w
}

/// Every prompt `lang` needs in its own folder: sentences, pieces, words.
pub fn required(lang: Lang) -> Vec<&'static str> {
    let mut r: Vec<&'static str> = SENTENCES.iter().chain(PIECES).copied().collect();
    r.extend(words(lang));
    r
}

/// True for the pieces and words sayings are made of (short gaps between
/// them); false for sentences and admins' own prompts.
pub fn is_piece(prompt: &str) -> bool {
    static ALL: OnceLock<HashSet<&'static str>> = OnceLock::new();
    ALL.get_or_init(|| PIECES.iter().copied().chain(Lang::ALL.into_iter().flat_map(words)).collect()).contains(prompt)
}

/// A saying: prompt ids played one after another.
pub type Saying = Vec<&'static str>;

/// `n` (at most [`MAX_NUMBER`]) as number words: "twenty three",
/// "yirmi üç", "بیست و سه", "ثلاثة وعشرون".
pub fn say_number(lang: Lang, n: u32) -> Saying {
    let n = n.min(MAX_NUMBER) as usize;
    match lang {
        Lang::En => en_number(n),
        Lang::Tr => tr_number(n),
        Lang::Fa => fa_number(n),
        Lang::Ar => ar_number(n, &N),
    }
}

fn en_number(n: usize) -> Saying {
    if n == 0 {
        return vec![N[0]];
    }
    let (h, r) = (n / 100, n % 100);
    let mut out = Vec::new();
    if h > 0 {
        out.extend([N[h], id::HUNDRED]);
    }
    if r >= 20 {
        out.push(TENS[r / 10]);
        if r % 10 > 0 {
            out.push(N[r % 10]);
        }
    } else if r > 0 {
        out.push(N[r]);
    }
    out
}

/// Turkish: "yüz", "iki yüz", "on üç", "yirmi üç".
fn tr_number(n: usize) -> Saying {
    if n == 0 {
        return vec![N[0]];
    }
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut out = Vec::new();
    if h > 1 {
        out.push(N[h]);
    }
    if h > 0 {
        out.push(HUNDREDS[1]);
    }
    if t > 0 {
        out.push(TENS[t]);
    }
    if u > 0 {
        out.push(N[u]);
    }
    out
}

/// Persian: the parts joined by "و", which is spoken with the part before
/// it ("صد و بیست و سه": `n100_and n20_and n3`).
fn fa_number(n: usize) -> Saying {
    if n == 0 {
        return vec![N[0]];
    }
    let (h, r) = (n / 100, n % 100);
    // (the part, the part followed by "و")
    let mut parts: Vec<(&'static str, &'static str)> = Vec::new();
    if h > 0 {
        parts.push((HUNDREDS[h], HUNDREDS_AND[h]));
    }
    if r >= 20 {
        parts.push((TENS[r / 10], TENS_AND[r / 10]));
        if r % 10 > 0 {
            parts.push((N[r % 10], ""));
        }
    } else if r > 0 {
        parts.push((N[r], ""));
    }
    let last = parts.len() - 1;
    parts.iter().enumerate().map(|(i, &(plain, and))| if i < last { and } else { plain }).collect()
}

/// Arabic: hundreds, then units before tens, joined by "و"; `units` are
/// the masculine ([`N`]) or feminine ([`F`]) forms of 1 to 19.
fn ar_number(n: usize, units: &[&'static str; 20]) -> Saying {
    if n == 0 {
        return vec![N[0]];
    }
    let (h, r) = (n / 100, n % 100);
    let mut out = Vec::new();
    if h > 0 {
        out.push(HUNDREDS[h]);
    }
    if r > 0 && h > 0 {
        out.push(id::AND);
    }
    if r >= 20 {
        if r % 10 > 0 {
            out.extend([units[r % 10], id::AND]);
        }
        out.push(TENS[r / 10]);
    } else if r > 0 {
        out.push(units[r]);
    }
    out
}

/// A unit a number counts, with its forms.
#[derive(Debug, Clone, Copy)]
struct Unit {
    /// "one minute"
    one: &'static str,
    /// after a number ("minutes"); Arabic after 3 to 10
    plural: &'static str,
    /// Arabic dual
    dual: &'static str,
    /// Arabic singular after 11 and more, and after 100, 200, …
    counted: &'static str,
}

const MINUTE_UNIT: Unit = Unit { one: id::MINUTE, plural: id::MINUTES, dual: id::MINUTES_2, counted: id::MINUTES_SG };
const SECOND_UNIT: Unit = Unit { one: id::SECOND, plural: id::SECONDS, dual: id::SECONDS_2, counted: id::SECONDS_SG };

fn say_count(lang: Lang, n: u32, unit: Unit) -> Saying {
    let n = n.min(MAX_NUMBER);
    if n == 1 {
        return vec![unit.one];
    }
    if lang != Lang::Ar {
        let mut out = say_number(lang, n);
        out.push(unit.plural);
        return out;
    }
    // Arabic: 1 and 2 are the noun itself (with واحدة, or the dual); 3 to
    // 10 take a feminine-counting number and the plural; 11 to 99 and round
    // hundreds the singular.
    let (h, r) = (n as usize / 100, n as usize % 100);
    let mut out = Vec::new();
    if h > 0 {
        out.push(HUNDREDS[h]);
        if r > 0 {
            out.push(id::AND);
        }
    }
    match r {
        0 if h == 0 => out.extend([N[0], unit.counted]),
        0 => out.push(unit.counted),
        1 => out.push(unit.one),
        2 => out.push(unit.dual),
        3..=10 => out.extend([F[r], unit.plural]),
        _ => {
            out.extend(ar_number(r, &F));
            out.push(unit.counted);
        }
    }
    out
}

/// "N minutes": "three minutes", "üç dakika", "سه دقیقه", "ثلاث دقائق".
pub fn say_minutes(lang: Lang, n: u32) -> Saying {
    say_count(lang, n, MINUTE_UNIT)
}

/// "N seconds", like [`say_minutes`].
pub fn say_seconds(lang: Lang, n: u32) -> Saying {
    say_count(lang, n, SECOND_UNIT)
}

/// "You are caller number 23" ("شماره‌ی نوبت شما بیست و سه است").
pub fn say_position(lang: Lang, position: u32) -> Saying {
    let mut out = vec![id::YOUR_POSITION];
    out.extend(say_number(lang, position));
    if lang == Lang::Fa {
        out.push(id::IS);
    }
    out
}

/// A wait, rounded for saying: under 45 s "less than a minute"; to 75 s
/// about one minute; to 105 s about a minute and a half; then the nearest
/// minute, and above ten minutes the nearest five.
pub fn say_duration(lang: Lang, seconds: u32) -> Saying {
    if seconds < 45 {
        return vec![id::LESS_THAN_A_MINUTE];
    }
    let amount = if seconds < 75 {
        vec![id::MINUTE]
    } else if seconds < 105 {
        vec![id::MINUTE_AND_HALF]
    } else {
        let minutes = seconds.saturating_add(30) / 60;
        let minutes = if minutes > 10 { minutes.saturating_add(2) / 5 * 5 } else { minutes };
        say_minutes(lang, minutes.min(MAX_NUMBER / 5 * 5))
    };
    let mut out = Vec::with_capacity(amount.len() + 1);
    if lang == Lang::Ar {
        // "ثلاث دقائق تقريبًا"
        out.extend(amount);
        out.push(id::ABOUT);
    } else {
        out.push(id::ABOUT);
        out.extend(amount);
    }
    out
}

/// "Your estimated waiting time is about three minutes" (`seconds`
/// rounded as [`say_duration`] does).
pub fn say_wait(lang: Lang, seconds: u32) -> Saying {
    let mut out = vec![id::ESTIMATED_WAIT];
    out.extend(say_duration(lang, seconds));
    if lang == Lang::Fa {
        out.push(id::IS);
    }
    out
}

/// What a queued caller hears on entry and now and then: the position,
/// then the estimated wait when there is one.
pub fn say_queue_status(lang: Lang, position: u32, wait_seconds: Option<u32>) -> Saying {
    let mut out = say_position(lang, position);
    if let Some(s) = wait_seconds {
        out.extend(say_wait(lang, s));
    }
    out
}

/// After the caller asked for a callback: the confirmation, the expected
/// time frame, "you can hang up now".
pub fn say_callback_confirmed(lang: Lang, wait_seconds: u32) -> Saying {
    let mut out = vec![id::CALLBACK_CONFIRMED];
    out.extend(say_wait(lang, wait_seconds));
    out.push(id::HANG_UP_NOW);
    out
}

/// Why prompts could not be loaded or played; every file error names the file.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("prompts folder {}: {source}", path.display())]
    Dir { path: PathBuf, source: io::Error },
    #[error("prompt {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("prompt {}: {source}", path.display())]
    Wav { path: PathBuf, source: wav::WavError },
    #[error("prompt {}: must be mono (has {channels} channels)", path.display())]
    NotMono { path: PathBuf, channels: u16 },
    #[error("prompt {}: no audio", path.display())]
    Empty { path: PathBuf },
    #[error("prompt {}: longer than {MAX_SECONDS} s", path.display())]
    TooLong { path: PathBuf },
    #[error("prompt {}: the name must be 1 to {MAX_ID_LEN} of A-Z a-z 0-9 _ - and .wav", path.display())]
    BadName { path: PathBuf },
    #[error("prompt {} is missing (English is every language's fallback and needs every prompt)", path.display())]
    Missing { path: PathBuf },
    #[error("no prompt {id:?} in {lang} or English")]
    Unknown { lang: &'static str, id: String },
}

/// A prompt id as a file stem: `A-Z a-z 0-9 _ -`, as IVR flows name them.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Where a prompt's samples came from: a language's folder or `common/`.
type Key = (Option<Lang>, String);

/// Every prompt, in memory as 8 kHz samples.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    sounds: HashMap<Key, Arc<[i16]>>,
}

impl Catalog {
    /// Loads every `<lang>/<id>.wav` and `common/<id>.wav` under `dir`,
    /// then under `overrides` (when given and present), whose files win.
    /// Fails on a file that is not a readable 8 kHz mono 16-bit WAV, and
    /// when English or `common/` lacks a prompt the gateway uses; other
    /// languages' gaps are logged and fall back to English.
    pub fn load(dir: &Path, overrides: Option<&Path>) -> Result<Catalog, PromptError> {
        std::fs::read_dir(dir).map_err(|source| PromptError::Dir { path: dir.to_owned(), source })?;
        let mut catalog = Catalog::default();
        for layer in std::iter::once(dir).chain(overrides) {
            for folder in Lang::ALL.into_iter().map(Some).chain([None]) {
                catalog.load_folder(&layer.join(folder.map_or(COMMON_DIR, Lang::tag)), folder)?;
            }
        }
        for &prompt in &required(FALLBACK) {
            if !catalog.has(FALLBACK, prompt) {
                return Err(PromptError::Missing { path: dir.join(FALLBACK.tag()).join(format!("{prompt}.wav")) });
            }
        }
        for &prompt in COMMON {
            if !catalog.sounds.contains_key(&(None, prompt.to_owned())) {
                return Err(PromptError::Missing { path: dir.join(COMMON_DIR).join(format!("{prompt}.wav")) });
            }
        }
        for lang in Lang::ALL {
            let missing = catalog.missing(lang);
            if !missing.is_empty() {
                tracing::warn!(lang = lang.tag(), ?missing, "prompts missing; English is played instead");
            }
        }
        Ok(catalog)
    }

    /// Loads the WAV files of one folder (absent: nothing to load).
    fn load_folder(&mut self, folder: &Path, lang: Option<Lang>) -> Result<(), PromptError> {
        let entries = match std::fs::read_dir(folder) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(source) => return Err(PromptError::Dir { path: folder.to_owned(), source }),
        };
        for entry in entries {
            let path = entry.map_err(|source| PromptError::Dir { path: folder.to_owned(), source })?.path();
            if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")) {
                continue;
            }
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()).filter(|s| valid_id(s)) else {
                return Err(PromptError::BadName { path });
            };
            let stem = stem.to_owned();
            let samples = read_prompt(&path)?;
            self.sounds.insert((lang, stem), samples);
        }
        Ok(())
    }

    /// The prompt in `lang`, else in English, else the common sound.
    pub fn get(&self, lang: Lang, prompt: &str) -> Option<&Arc<[i16]>> {
        let key = |l: Option<Lang>| (l, prompt.to_owned());
        self.sounds
            .get(&key(Some(lang)))
            .or_else(|| self.sounds.get(&key(Some(FALLBACK))))
            .or_else(|| self.sounds.get(&key(None)))
    }

    /// Whether `lang` has the prompt itself (or it is a common sound),
    /// without falling back to English.
    pub fn has(&self, lang: Lang, prompt: &str) -> bool {
        self.sounds.contains_key(&(Some(lang), prompt.to_owned()))
            || self.sounds.contains_key(&(None, prompt.to_owned()))
    }

    /// The prompts `lang` needs and lacks (played in English).
    pub fn missing(&self, lang: Lang) -> Vec<&'static str> {
        required(lang).into_iter().filter(|p| !self.has(lang, p)).collect()
    }

    /// How many prompt files are loaded.
    pub fn len(&self) -> usize {
        self.sounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sounds.is_empty()
    }

    /// The prompts one after another, each in `lang` or English: a short
    /// gap after a piece of a saying, a pause after a sentence.
    pub fn render(&self, lang: Lang, prompts: &[&str]) -> Result<Vec<i16>, PromptError> {
        let mut out = Vec::new();
        for (i, &prompt) in prompts.iter().enumerate() {
            let samples = self
                .get(lang, prompt)
                .ok_or_else(|| PromptError::Unknown { lang: lang.tag(), id: prompt.to_owned() })?;
            out.extend_from_slice(samples);
            if i + 1 < prompts.len() {
                let ms = if is_piece(prompt) { PIECE_GAP_MS } else { SENTENCE_GAP_MS };
                out.resize(out.len() + ms * wav::RATE as usize / 1000, 0);
            }
        }
        Ok(out)
    }

    /// A saying in `lang` when it has every piece, else the whole saying in
    /// English (never a mix of languages' grammar):
    /// `catalog.say(lang, |l| say_wait(l, 90))`.
    pub fn say(&self, lang: Lang, compose: impl Fn(Lang) -> Saying) -> Result<Vec<i16>, PromptError> {
        let saying = compose(lang);
        if saying.iter().all(|p| self.has(lang, p)) {
            self.render(lang, &saying)
        } else {
            self.render(FALLBACK, &compose(FALLBACK))
        }
    }
}

/// One prompt file's samples, with errors naming the file.
fn read_prompt(path: &Path) -> Result<Arc<[i16]>, PromptError> {
    let too_long = 44 + MAX_SECONDS * wav::RATE as usize * 2;
    let size = std::fs::metadata(path).map_err(|source| PromptError::Read { path: path.to_owned(), source })?.len();
    if size > too_long as u64 {
        return Err(PromptError::TooLong { path: path.to_owned() });
    }
    let bytes = std::fs::read(path).map_err(|source| PromptError::Read { path: path.to_owned(), source })?;
    let parsed = wav::read(&bytes).map_err(|source| PromptError::Wav { path: path.to_owned(), source })?;
    if parsed.channels != 1 {
        return Err(PromptError::NotMono { path: path.to_owned(), channels: parsed.channels });
    }
    if parsed.samples.is_empty() {
        return Err(PromptError::Empty { path: path.to_owned() });
    }
    Ok(parsed.samples.into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::media::wav::WavWriter;

    use Lang::{Ar, En, Fa, Tr};

    #[test]
    fn numbers_in_english() {
        assert_eq!(say_number(En, 0), ["n0"]);
        assert_eq!(say_number(En, 7), ["n7"]);
        assert_eq!(say_number(En, 13), ["n13"]);
        assert_eq!(say_number(En, 20), ["n20"]);
        assert_eq!(say_number(En, 23), ["n20", "n3"]);
        assert_eq!(say_number(En, 100), ["n1", "hundred"]);
        assert_eq!(say_number(En, 105), ["n1", "hundred", "n5"]);
        assert_eq!(say_number(En, 123), ["n1", "hundred", "n20", "n3"]);
        assert_eq!(say_number(En, 999), ["n9", "hundred", "n90", "n9"]);
        assert_eq!(say_number(En, 5000), say_number(En, 999), "said as the largest");
    }

    #[test]
    fn numbers_in_turkish() {
        assert_eq!(say_number(Tr, 0), ["n0"]);
        assert_eq!(say_number(Tr, 10), ["n10"]);
        assert_eq!(say_number(Tr, 13), ["n10", "n3"], "on üç");
        assert_eq!(say_number(Tr, 23), ["n20", "n3"], "yirmi üç");
        assert_eq!(say_number(Tr, 100), ["n100"], "yüz, not bir yüz");
        assert_eq!(say_number(Tr, 123), ["n100", "n20", "n3"]);
        assert_eq!(say_number(Tr, 210), ["n2", "n100", "n10"], "iki yüz on");
    }

    #[test]
    fn numbers_in_persian_join_with_va() {
        assert_eq!(say_number(Fa, 0), ["n0"]);
        assert_eq!(say_number(Fa, 13), ["n13"]);
        assert_eq!(say_number(Fa, 20), ["n20"]);
        assert_eq!(say_number(Fa, 23), ["n20_and", "n3"], "بیست و سه");
        assert_eq!(say_number(Fa, 100), ["n100"]);
        assert_eq!(say_number(Fa, 105), ["n100_and", "n5"], "صد و پنج");
        assert_eq!(say_number(Fa, 120), ["n100_and", "n20"], "صد و بیست");
        assert_eq!(say_number(Fa, 123), ["n100_and", "n20_and", "n3"], "صد و بیست و سه");
        assert_eq!(say_number(Fa, 200), ["n200"], "دویست");
        assert_eq!(say_number(Fa, 517), ["n500_and", "n17"]);
    }

    #[test]
    fn numbers_in_arabic_put_units_before_tens() {
        assert_eq!(say_number(Ar, 0), ["n0"]);
        assert_eq!(say_number(Ar, 3), ["n3"]);
        assert_eq!(say_number(Ar, 13), ["n13"]);
        assert_eq!(say_number(Ar, 20), ["n20"]);
        assert_eq!(say_number(Ar, 23), ["n3", "and", "n20"], "ثلاثة وعشرون");
        assert_eq!(say_number(Ar, 100), ["n100"]);
        assert_eq!(say_number(Ar, 113), ["n100", "and", "n13"]);
        assert_eq!(say_number(Ar, 123), ["n100", "and", "n3", "and", "n20"], "مئة وثلاثة وعشرون");
        assert_eq!(say_number(Ar, 300), ["n300"], "ثلاثمئة");
    }

    #[test]
    fn minutes_agree_with_their_number() {
        assert_eq!(say_minutes(En, 1), ["minute"]);
        assert_eq!(say_minutes(En, 5), ["n5", "minutes"]);
        assert_eq!(say_minutes(Tr, 5), ["n5", "minutes"], "beş dakika");
        assert_eq!(say_minutes(Fa, 25), ["n20_and", "n5", "minutes"], "بیست و پنج دقیقه");
        assert_eq!(say_seconds(En, 30), ["n30", "seconds"]);
        // Arabic: dual, feminine counting with plural (3-10) or singular (11+).
        assert_eq!(say_minutes(Ar, 1), ["minute"], "دقيقة واحدة");
        assert_eq!(say_minutes(Ar, 2), ["minutes_2"], "دقيقتان");
        assert_eq!(say_minutes(Ar, 3), ["f3", "minutes"], "ثلاث دقائق");
        assert_eq!(say_minutes(Ar, 10), ["f10", "minutes"], "عشر دقائق");
        assert_eq!(say_minutes(Ar, 11), ["f11", "minutes_sg"], "إحدى عشرة دقيقة");
        assert_eq!(say_minutes(Ar, 15), ["f15", "minutes_sg"], "خمس عشرة دقيقة");
        assert_eq!(say_minutes(Ar, 20), ["n20", "minutes_sg"], "عشرون دقيقة");
        assert_eq!(say_minutes(Ar, 21), ["f1", "and", "n20", "minutes_sg"], "إحدى وعشرون دقيقة");
        assert_eq!(say_minutes(Ar, 25), ["f5", "and", "n20", "minutes_sg"], "خمس وعشرون دقيقة");
        assert_eq!(say_minutes(Ar, 100), ["n100", "minutes_sg"], "مئة دقيقة");
        assert_eq!(say_minutes(Ar, 103), ["n100", "and", "f3", "minutes"], "مئة وثلاث دقائق");
        assert_eq!(say_seconds(Ar, 2), ["seconds_2"], "ثانيتان");
        assert_eq!(say_seconds(Ar, 30), ["n30", "seconds_sg"], "ثلاثون ثانية");
    }

    #[test]
    fn position_word_order() {
        assert_eq!(say_position(En, 23), ["your_position", "n20", "n3"]);
        assert_eq!(say_position(Tr, 23), ["your_position", "n20", "n3"]);
        assert_eq!(say_position(Fa, 23), ["your_position", "n20_and", "n3", "is"], "… بیست و سه است");
        assert_eq!(say_position(Ar, 23), ["your_position", "n3", "and", "n20"]);
        assert_eq!(say_position(En, 1), ["your_position", "n1"]);
    }

    #[test]
    fn waits_are_rounded_for_saying() {
        let d = |s| say_duration(En, s);
        assert_eq!(d(0), ["less_than_a_minute"]);
        assert_eq!(d(44), ["less_than_a_minute"]);
        assert_eq!(d(45), ["about", "minute"]);
        assert_eq!(d(74), ["about", "minute"]);
        assert_eq!(d(90), ["about", "minute_and_half"], "the story's minute and a half");
        assert_eq!(d(105), ["about", "n2", "minutes"]);
        assert_eq!(d(149), ["about", "n2", "minutes"]);
        assert_eq!(d(150), ["about", "n3", "minutes"]);
        assert_eq!(d(600), ["about", "n10", "minutes"]);
        assert_eq!(d(660), ["about", "n10", "minutes"], "11 minutes: the nearest five");
        assert_eq!(d(780), ["about", "n15", "minutes"], "13 minutes: the nearest five");
        assert_eq!(d(u32::MAX), ["about", "n9", "hundred", "n90", "n5", "minutes"], "capped");
    }

    #[test]
    fn waits_in_each_language() {
        assert_eq!(say_wait(En, 180), ["estimated_wait", "about", "n3", "minutes"]);
        assert_eq!(say_wait(Tr, 180), ["estimated_wait", "about", "n3", "minutes"], "yaklaşık üç dakika");
        assert_eq!(say_wait(Fa, 180), ["estimated_wait", "about", "n3", "minutes", "is"], "حدود سه دقیقه است");
        assert_eq!(say_wait(Ar, 180), ["estimated_wait", "f3", "minutes", "about"], "ثلاث دقائق تقريبًا");
        assert_eq!(say_wait(Ar, 120), ["estimated_wait", "minutes_2", "about"], "دقيقتان تقريبًا");
        assert_eq!(say_wait(Ar, 20), ["estimated_wait", "less_than_a_minute"]);
        assert_eq!(say_wait(Fa, 20), ["estimated_wait", "less_than_a_minute", "is"]);
        assert_eq!(say_wait(Ar, 90), ["estimated_wait", "minute_and_half", "about"]);
        assert_eq!(
            say_callback_confirmed(En, 300),
            ["callback_confirmed", "estimated_wait", "about", "n5", "minutes", "hang_up_now"]
        );
        assert_eq!(
            say_queue_status(Tr, 2, Some(90)),
            ["your_position", "n2", "estimated_wait", "about", "minute_and_half"]
        );
        assert_eq!(say_queue_status(En, 2, None), ["your_position", "n2"]);
    }

    /// Every id a saying can produce is one the language has.
    #[test]
    fn sayings_use_only_required_prompts() {
        for lang in Lang::ALL {
            let needed: HashSet<&str> = required(lang).into_iter().collect();
            assert_eq!(needed.len(), required(lang).len(), "{lang:?}: an id listed twice");
            let mut used: HashSet<&str> = HashSet::new();
            for n in 0..=MAX_NUMBER {
                used.extend(say_number(lang, n));
                used.extend(say_minutes(lang, n));
                used.extend(say_seconds(lang, n));
                used.extend(say_position(lang, n));
            }
            for s in (0..4000).step_by(5).chain([u32::MAX]) {
                used.extend(say_callback_confirmed(lang, s));
                used.extend(say_queue_status(lang, 1, Some(s)));
            }
            let stray: Vec<_> = used.difference(&needed).collect();
            assert!(stray.is_empty(), "{lang:?} sayings use {stray:?}");
            let unused: Vec<_> = words(lang).into_iter().filter(|w| !used.contains(w)).collect();
            assert!(unused.is_empty(), "{lang:?} words no saying uses: {unused:?}");
        }
    }

    // ---- loading

    /// A folder under the system's temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static N: AtomicU32 = AtomicU32::new(0);
            let dir = std::env::temp_dir().join(format!(
                "cc-prompts-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write_wav(path: &Path, channels: u16, samples: &[i16]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut w = WavWriter::new(std::io::Cursor::new(Vec::new()), channels).unwrap();
        w.write(samples).unwrap();
        std::fs::write(path, w.finish().unwrap().into_inner()).unwrap();
    }

    /// A prompts folder with English and the beep complete, every prompt a
    /// few samples of one value: 1 in English, 9 in common.
    fn complete_english() -> TempDir {
        let t = TempDir::new();
        for p in required(En) {
            write_wav(&t.0.join(format!("en/{p}.wav")), 1, &[1, 1, 1]);
        }
        write_wav(&t.0.join("common/beep.wav"), 1, &[9, 9]);
        t
    }

    fn load_err(dir: &Path, overrides: Option<&Path>) -> String {
        Catalog::load(dir, overrides).unwrap_err().to_string()
    }

    #[test]
    fn a_missing_english_prompt_is_named() {
        let t = complete_english();
        std::fs::remove_file(t.0.join("en/welcome.wav")).unwrap();
        let e = load_err(&t.0, None);
        assert!(e.contains(&t.0.join("en/welcome.wav").display().to_string()), "{e}");
        let t = complete_english();
        std::fs::remove_file(t.0.join("common/beep.wav")).unwrap();
        assert!(load_err(&t.0, None).contains("common/beep.wav"));
        let gone = t.0.join("nowhere");
        assert!(load_err(&gone, None).contains("nowhere"));
    }

    #[test]
    fn bad_files_are_refused_naming_them() {
        let t = complete_english();
        std::fs::create_dir_all(t.0.join("fa")).unwrap();
        std::fs::write(t.0.join("fa/welcome.wav"), b"not a wav").unwrap();
        let e = load_err(&t.0, None);
        assert!(e.contains("fa/welcome.wav") && e.contains("not a RIFF/WAVE"), "{e}");

        let t = complete_english();
        write_wav(&t.0.join("ar/goodbye.wav"), 2, &[1, 2, 3, 4]);
        let e = load_err(&t.0, None);
        assert!(e.contains("ar/goodbye.wav") && e.contains("mono"), "{e}");

        let t = complete_english();
        write_wav(&t.0.join("tr/hold on.wav"), 1, &[1]);
        assert!(load_err(&t.0, None).contains("tr/hold on.wav"));

        let t = complete_english();
        write_wav(&t.0.join("tr/hold_on.wav"), 1, &[]);
        let e = load_err(&t.0, None);
        assert!(e.contains("tr/hold_on.wav") && e.contains("no audio"), "{e}");

        // Other files are not prompts.
        let t = complete_english();
        std::fs::write(t.0.join("en/README.txt"), "notes").unwrap();
        assert!(Catalog::load(&t.0, None).is_ok());
    }

    #[test]
    fn overrides_win_and_add_prompts() {
        let t = complete_english();
        write_wav(&t.0.join("fa/welcome.wav"), 1, &[2, 2]);
        let admin = TempDir::new();
        write_wav(&admin.0.join("fa/welcome.wav"), 1, &[3, 3, 3, 3]);
        write_wav(&admin.0.join("en/goodbye.wav"), 1, &[4]);
        write_wav(&admin.0.join("en/holiday-notice.wav"), 1, &[5]);
        write_wav(&admin.0.join("common/beep.wav"), 1, &[6]);
        let c = Catalog::load(&t.0, Some(&admin.0)).unwrap();
        assert_eq!(&**c.get(Fa, "welcome").unwrap(), &[3, 3, 3, 3]);
        assert_eq!(&**c.get(En, "goodbye").unwrap(), &[4]);
        assert_eq!(&**c.get(En, "holiday-notice").unwrap(), &[5]);
        assert_eq!(&**c.get(Ar, "beep").unwrap(), &[6]);
        // Overrides folder absent: the defaults alone.
        let c = Catalog::load(&t.0, Some(&t.0.join("no-uploads"))).unwrap();
        assert_eq!(&**c.get(Fa, "welcome").unwrap(), &[2, 2]);
        // A bad upload is refused, naming it.
        write_wav(&admin.0.join("tr/goodbye.wav"), 2, &[1, 1]);
        assert!(load_err(&t.0, Some(&admin.0)).contains(&admin.0.join("tr/goodbye.wav").display().to_string()));
    }

    #[test]
    fn languages_fall_back_to_english() {
        let t = complete_english();
        write_wav(&t.0.join("fa/welcome.wav"), 1, &[2]);
        write_wav(&t.0.join("fa/estimated_wait.wav"), 1, &[2]);
        let c = Catalog::load(&t.0, None).unwrap();
        assert_eq!(&**c.get(Fa, "welcome").unwrap(), &[2]);
        assert_eq!(&**c.get(Fa, "goodbye").unwrap(), &[1, 1, 1], "English instead");
        assert_eq!(&**c.get(Fa, "beep").unwrap(), &[9, 9], "the common sound");
        assert!(c.get(Fa, "nothing-like-this").is_none());
        assert!(c.has(Fa, "welcome") && !c.has(Fa, "goodbye") && c.has(Fa, "beep"));
        assert!(c.missing(Fa).contains(&"goodbye") && !c.missing(Fa).contains(&"welcome"));
        assert!(c.missing(En).is_empty());
        assert_eq!(c.len(), required(En).len() + 1 + 2);

        // A saying Persian cannot say whole is said in English, never mixed.
        let gap = PIECE_GAP_MS * 8;
        let audio = c.say(Fa, |l| say_wait(l, 180)).unwrap();
        let english = say_wait(En, 180);
        assert_eq!(audio.len(), english.len() * 3 + (english.len() - 1) * gap);
        assert!(audio.iter().all(|&s| s == 0 || s == 1), "only English samples");
        // A sentence then a piece: the longer pause after the sentence.
        let two = c.render(Fa, &["welcome", "goodbye"]).unwrap();
        assert_eq!(two.len(), 1 + SENTENCE_GAP_MS * 8 + 3);
        let e = c.render(Tr, &["welcome", "no-such"]).unwrap_err().to_string();
        assert!(e.contains("no-such"), "{e}");
    }

    // ---- the shipped prompts

    fn assets() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/prompts")
    }

    /// Every prompt exists in every language that needs it, as an 8 kHz mono
    /// 16-bit file that is loud enough and not too long; nothing else is there.
    #[test]
    fn shipped_prompts_are_complete_and_sound() {
        let dir = assets();
        let mut folders: Vec<(String, Vec<&str>)> =
            Lang::ALL.iter().map(|l| (l.tag().to_owned(), required(*l))).collect();
        folders.push((COMMON_DIR.to_owned(), COMMON.to_vec()));
        for (folder, ids) in &folders {
            for p in ids {
                let path = dir.join(folder).join(format!("{p}.wav"));
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let w = wav::read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                assert_eq!(w.channels, 1, "{}", path.display());
                let secs = w.samples.len() as f64 / wav::RATE as f64;
                assert!((0.1..=12.0).contains(&secs), "{}: {secs:.2} s", path.display());
                let peak = w.samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
                assert!(peak > i16::MAX as u16 / 2, "{}: peak {peak} (normalised to -3 dBFS)", path.display());
                let rms = (w.samples.iter().map(|&s| (s as f64).powi(2)).sum::<f64>() / w.samples.len() as f64).sqrt();
                assert!(rms > 1000.0, "{}: rms {rms:.0}: almost silent", path.display());
            }
            let expected: BTreeSet<String> = ids.iter().map(|p| format!("{p}.wav")).collect();
            let found: BTreeSet<String> = std::fs::read_dir(dir.join(folder))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            let extra: Vec<_> = found.difference(&expected).collect();
            assert!(extra.is_empty(), "{folder}: files no saying uses: {extra:?}");
        }
        let catalog = Catalog::load(&dir, None).unwrap();
        for lang in Lang::ALL {
            assert!(catalog.missing(lang).is_empty());
            // A long saying renders.
            assert!(catalog.say(lang, |l| say_queue_status(l, 123, Some(1500))).unwrap().len() > 8000);
        }
    }

    /// prompts.toml (the source of the files) has a text in exactly the
    /// languages that need each prompt.
    #[test]
    fn the_prompt_texts_match_the_catalog() {
        let text = std::fs::read_to_string(assets().join("prompts.toml")).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let mut expected: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for lang in Lang::ALL {
            for p in required(lang) {
                expected.entry(p).or_default().insert(lang.tag());
            }
        }
        for p in COMMON {
            expected.entry(p).or_default();
        }
        let ids: BTreeSet<&str> = table.keys().map(String::as_str).collect();
        let wanted: BTreeSet<&str> = expected.keys().copied().collect();
        assert_eq!(ids, wanted);
        for (p, langs) in expected {
            let entry = table[p].as_table().unwrap();
            let has: BTreeSet<&str> =
                Lang::ALL.iter().map(|l| l.tag()).filter(|l| entry.get(*l).is_some_and(|v| v.is_str())).collect();
            assert_eq!(has, langs, "[{p}]");
        }
    }
}
