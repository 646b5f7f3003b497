//! The four UI languages and their writing direction.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Fa,
    Ar,
    Tr,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Fa, Lang::Ar, Lang::Tr];

    /// BCP 47 tag, as used in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fa => "fa",
            Lang::Ar => "ar",
            Lang::Tr => "tr",
        }
    }

    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, Lang::Fa | Lang::Ar)
    }

    /// The value for `<html dir>`.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The language's own name, as shown in the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fa => "فارسی",
            Lang::Ar => "العربية",
            Lang::Tr => "Türkçe",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_direction() {
        assert_eq!(Lang::parse("fa-IR"), Some(Lang::Fa));
        assert_eq!(Lang::parse("AR"), Some(Lang::Ar));
        assert_eq!(Lang::parse("tr_TR"), Some(Lang::Tr));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::Fa.dir(), "rtl");
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::En.dir(), "ltr");
        assert_eq!(Lang::Tr.dir(), "ltr");
    }
}
