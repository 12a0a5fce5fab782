//! Names (事项名称, 实施主体, material and step names) and the normalisation DATA.md defines:
//! NFKC (full-width to half-width), whitespace removed, brackets unified (（）【】〔〕[] to ()).

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::model::Str;

/// A name with its raw text and its normalised form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Name {
    pub raw: Str,
    pub norm: Str,
}

impl Name {
    /// Normalises `raw`.
    pub fn new(raw: Str) -> Name {
        let norm: Str = normalize(&raw).into();
        Name { raw, norm }
    }

    /// True when the normalised name is empty.
    pub fn is_empty(&self) -> bool {
        self.norm.is_empty()
    }
}

/// NFKC only (full-width letters, digits and punctuation to half-width).
pub fn nfkc(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    s.nfkc().collect()
}

/// The comparison form of a name or code: NFKC, whitespace (including U+3000) removed, brackets
/// unified to ASCII parentheses, and the quote marks "" '' 「」 unified to ".
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in nfkc(s).chars() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            continue;
        }
        let c = match c {
            '【' | '〔' | '[' | '〖' | '{' => '(',
            '】' | '〕' | ']' | '〗' | '}' => ')',
            '“' | '”' | '「' | '」' | '『' | '』' => '"',
            '‘' | '’' => '\'',
            _ => c,
        };
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_brackets_and_spaces_vanish() {
        assert_eq!(normalize("食品经营许可（新办）"), "食品经营许可(新办)");
        assert_eq!(normalize(" 食品　经营 许可【新办】"), "食品经营许可(新办)");
        assert_eq!(normalize("ＡＢＣ１２３"), "ABC123");
    }

    #[test]
    fn names_compare_by_norm() {
        let a = Name::new("食品经营许可（新办）".into());
        let b = Name::new("食品经营许可 (新办)".into());
        assert_eq!(a.norm, b.norm);
        assert_ne!(a.raw, b.raw);
    }

    proptest::proptest! {
        #[test]
        fn normalize_never_panics_and_is_idempotent(s in "\\PC*") {
            let n = normalize(&s);
            proptest::prop_assert_eq!(normalize(&n), n);
        }
    }
}
