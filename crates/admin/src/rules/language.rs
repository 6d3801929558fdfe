//! The languages the IVR speaks, and the languages a dial-in number offers.
//!
//! Each language here needs a full set of recorded prompts, so the list is closed (an enum):
//! adding one is a prompt-recording job first and a one-line change here second.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// A prompt language, named by its BCP 47 tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PromptLanguage {
    EnUs,
    EnGb,
    FrFr,
    DeDe,
    EsEs,
    ItIt,
    PtBr,
    NlNl,
    JaJp,
    ZhCn,
}

impl PromptLanguage {
    pub const ALL: [Self; 10] = [
        Self::EnUs,
        Self::EnGb,
        Self::FrFr,
        Self::DeDe,
        Self::EsEs,
        Self::ItIt,
        Self::PtBr,
        Self::NlNl,
        Self::JaJp,
        Self::ZhCn,
    ];

    /// The BCP 47 tag: `en-US`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::EnUs => "en-US",
            Self::EnGb => "en-GB",
            Self::FrFr => "fr-FR",
            Self::DeDe => "de-DE",
            Self::EsEs => "es-ES",
            Self::ItIt => "it-IT",
            Self::PtBr => "pt-BR",
            Self::NlNl => "nl-NL",
            Self::JaJp => "ja-JP",
            Self::ZhCn => "zh-CN",
        }
    }

    /// The name in the language itself, as a caller choosing from a list recognizes it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::EnUs => "English (United States)",
            Self::EnGb => "English (United Kingdom)",
            Self::FrFr => "Français (France)",
            Self::DeDe => "Deutsch (Deutschland)",
            Self::EsEs => "Español (España)",
            Self::ItIt => "Italiano (Italia)",
            Self::PtBr => "Português (Brasil)",
            Self::NlNl => "Nederlands (Nederland)",
            Self::JaJp => "日本語 (日本)",
            Self::ZhCn => "中文 (中国)",
        }
    }

    /// The English name, for admins.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::EnUs => "English (United States)",
            Self::EnGb => "English (United Kingdom)",
            Self::FrFr => "French (France)",
            Self::DeDe => "German (Germany)",
            Self::EsEs => "Spanish (Spain)",
            Self::ItIt => "Italian (Italy)",
            Self::PtBr => "Portuguese (Brazil)",
            Self::NlNl => "Dutch (Netherlands)",
            Self::JaJp => "Japanese (Japan)",
            Self::ZhCn => "Chinese (Simplified, China)",
        }
    }
}

impl fmt::Display for PromptLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LanguageError {
    #[error("{0:?} is not a supported prompt language (supported: {list})", list = supported_list())]
    Unsupported(String),
    #[error("a dial-in number has at most {max} secondary languages, not {0}", max = LanguageSet::MAX_SECONDARY)]
    TooManySecondary(usize),
    #[error("{0} is listed twice; each language appears once")]
    Duplicate(PromptLanguage),
}

fn supported_list() -> String {
    PromptLanguage::ALL
        .iter()
        .map(|l| l.tag())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Case-insensitive, and `_` accepted for `-` (`en_us` is how some systems write it).
impl FromStr for PromptLanguage {
    type Err = LanguageError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| LanguageError::Unsupported(s.to_owned()))
    }
}

impl TryFrom<String> for PromptLanguage {
    type Error = LanguageError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PromptLanguage> for String {
    fn from(l: PromptLanguage) -> String {
        l.tag().to_owned()
    }
}

/// The languages a dial-in number offers: the greeting's language, then up to four more
/// the caller may pick from the language menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LanguageSetRepr", into = "LanguageSetRepr")]
pub struct LanguageSet {
    primary: PromptLanguage,
    secondary: Vec<PromptLanguage>,
}

#[derive(Serialize, Deserialize)]
struct LanguageSetRepr {
    primary: PromptLanguage,
    #[serde(default)]
    secondary: Vec<PromptLanguage>,
}

impl TryFrom<LanguageSetRepr> for LanguageSet {
    type Error = LanguageError;
    fn try_from(r: LanguageSetRepr) -> Result<Self, Self::Error> {
        Self::new(r.primary, r.secondary)
    }
}

impl From<LanguageSet> for LanguageSetRepr {
    fn from(s: LanguageSet) -> Self {
        Self {
            primary: s.primary,
            secondary: s.secondary,
        }
    }
}

impl LanguageSet {
    /// Four secondary languages make a five-entry menu (keys 1–5), about what a caller holds
    /// in mind while listening.
    pub const MAX_SECONDARY: usize = 4;

    pub fn new(
        primary: PromptLanguage,
        secondary: Vec<PromptLanguage>,
    ) -> Result<Self, LanguageError> {
        if secondary.len() > Self::MAX_SECONDARY {
            return Err(LanguageError::TooManySecondary(secondary.len()));
        }
        for (i, lang) in secondary.iter().enumerate() {
            if *lang == primary || secondary[..i].contains(lang) {
                return Err(LanguageError::Duplicate(*lang));
            }
        }
        Ok(Self { primary, secondary })
    }

    /// From tags as an admin or an API client sends them.
    pub fn from_tags(primary: &str, secondary: &[&str]) -> Result<Self, LanguageError> {
        let secondary = secondary
            .iter()
            .map(|t| t.parse())
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(primary.parse()?, secondary)
    }

    pub fn primary(&self) -> PromptLanguage {
        self.primary
    }

    pub fn secondary(&self) -> &[PromptLanguage] {
        &self.secondary
    }

    /// The IVR's language menu: key 1 for the primary language, 2–5 for the others in the
    /// order the admin listed them. Empty when there is nothing to choose.
    pub fn menu(&self) -> Vec<(char, PromptLanguage)> {
        if self.secondary.is_empty() {
            return Vec::new();
        }
        std::iter::once(self.primary)
            .chain(self.secondary.iter().copied())
            .zip(['1', '2', '3', '4', '5'])
            .map(|(lang, key)| (key, lang))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use PromptLanguage::*;

    #[test]
    fn required_languages_are_supported_with_native_names() {
        for tag in [
            "en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "it-IT", "pt-BR", "nl-NL", "ja-JP",
            "zh-CN",
        ] {
            let lang: PromptLanguage = tag.parse().unwrap();
            assert_eq!(lang.tag(), tag);
            assert!(!lang.native_name().is_empty());
        }
        assert_eq!(FrFr.native_name(), "Français (France)");
        assert_eq!(JaJp.native_name(), "日本語 (日本)");
        assert_eq!("EN_us".parse::<PromptLanguage>().unwrap(), EnUs);
        assert!(matches!(
            "en".parse::<PromptLanguage>(),
            Err(LanguageError::Unsupported(_))
        ));
        assert!("xx-YY"
            .parse::<PromptLanguage>()
            .unwrap_err()
            .to_string()
            .contains("en-US"));
    }

    #[test]
    fn primary_plus_up_to_four_distinct_secondaries() {
        assert!(LanguageSet::new(EnUs, vec![]).is_ok());
        assert!(LanguageSet::new(EnUs, vec![FrFr, DeDe, EsEs, ItIt]).is_ok());
        assert_eq!(
            LanguageSet::new(EnUs, vec![FrFr, DeDe, EsEs, ItIt, PtBr]),
            Err(LanguageError::TooManySecondary(5))
        );
        assert_eq!(
            LanguageSet::new(EnUs, vec![FrFr, EnUs]),
            Err(LanguageError::Duplicate(EnUs))
        );
        assert_eq!(
            LanguageSet::new(EnUs, vec![FrFr, DeDe, FrFr]),
            Err(LanguageError::Duplicate(FrFr))
        );
        // en-US and en-GB are different prompt sets, so both may be offered.
        assert!(LanguageSet::new(EnUs, vec![EnGb]).is_ok());
        assert!(matches!(
            LanguageSet::from_tags("en-US", &["fr-FR", "klingon"]),
            Err(LanguageError::Unsupported(t)) if t == "klingon"
        ));
    }

    #[test]
    fn menu_keys_follow_the_admins_order() {
        let set = LanguageSet::from_tags("de-DE", &["en-GB", "fr-FR"]).unwrap();
        assert_eq!(set.menu(), vec![('1', DeDe), ('2', EnGb), ('3', FrFr)]);
        assert!(LanguageSet::new(EnUs, vec![]).unwrap().menu().is_empty());
    }

    #[test]
    fn serde_checks_the_constraints() {
        let set: LanguageSet =
            serde_json::from_str(r#"{"primary":"en-US","secondary":["fr-FR"]}"#).unwrap();
        assert_eq!(set.secondary(), &[FrFr]);
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"primary":"en-US","secondary":["fr-FR"]}"#
        );
        assert!(serde_json::from_str::<LanguageSet>(
            r#"{"primary":"en-US","secondary":["en-US"]}"#
        )
        .is_err());
        assert!(serde_json::from_str::<LanguageSet>(r#"{"primary":"tlh"}"#).is_err());
    }
}
