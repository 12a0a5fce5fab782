//! Names (事项名称, 实施主体, material and step names) and the normalisation DATA.md defines:
//! NFKC (full-width to half-width), whitespace removed, brackets unified (（）【】〔〕[] to ()).

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::vocab::Str;

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
    let (out, removed) = normalize_pass(&nfkc(s));
    // Removing a space can bring a base letter next to a combining mark that NFKC then composes
    // ("K\u{200b}\u{301}"): one more pass makes the result a fixed point.
    if removed && !out.is_ascii() {
        let again = nfkc(&out);
        if again != out {
            return normalize_pass(&again).0;
        }
    }
    out
}

/// One pass of whitespace removal and bracket/quote unification; says whether it removed any.
fn normalize_pass(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len());
    let mut removed = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            removed = true;
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
    (out, removed)
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
