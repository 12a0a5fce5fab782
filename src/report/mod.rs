//! Renderers: they turn findings, diffs and verdicts into bytes, and decide nothing. This module
//! owns what they share: the output formats, the language and how a csv is written; writing the
//! bytes (atomically) is `crate::output`'s.

pub mod check_html;
pub mod check_xlsx;
pub mod diff;
pub mod escape;
pub mod findings;
pub mod html;
pub mod inspect;
pub mod message;
pub mod review;
pub mod xlsx;

/// Output format (CLI.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
    Md,
    Html,
    Xlsx,
}

pub use crate::model::Lang;

/// A field's name in the report's language (its field word in English).
pub(crate) fn field_name(f: crate::model::Field, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.zh(),
        Lang::En => f.as_str(),
    }
}

/// The heading of a variant table: its field, and the category element it is about.
pub(crate) fn table_label(t: &crate::check::variants::FieldTable, lang: Lang) -> String {
    match (&t.element, lang) {
        (Some(e), Lang::Zh) => format!("{}·{e}", field_name(t.field, lang)),
        (Some(e), Lang::En) => format!("{}: {e}", field_name(t.field, lang)),
        (None, _) => field_name(t.field, lang).to_string(),
    }
}

/// The UTF-8 byte order mark: Excel in a Chinese locale reads a csv without it as GBK.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a csv report is written: for people (the default: a BOM, Chinese headers under
/// `--lang zh`, all-digit codes as `="000105001000"` so that Excel keeps their leading zeros and
/// does not show 1.05E+11) or for a script (`--no-bom`: no BOM, CLI.md's English keys, codes as
/// they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    /// Cells beginning with = + - @ left as they are (`--raw`).
    pub raw: bool,
    /// For a script (`--no-bom`).
    pub script: bool,
    /// The language of the headers for people.
    pub lang: Lang,
}

impl Default for CsvStyle {
    fn default() -> CsvStyle {
        CsvStyle { raw: false, script: false, lang: Lang::Zh }
    }
}

impl CsvStyle {
    /// The style of `--raw`, `--no-bom` and `--lang`.
    pub fn new(raw: bool, no_bom: bool, lang: Lang) -> CsvStyle {
        CsvStyle { raw, script: no_bom, lang }
    }

    /// What the file begins with: the BOM for people, nothing for a script.
    pub fn bom(&self) -> &'static [u8] {
        if self.script {
            b""
        } else {
            BOM
        }
    }

    /// A column's header: `zh` for people under `--lang zh`, else the stable key `en`.
    pub fn header<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        if !self.script && self.lang == Lang::Zh {
            zh
        } else {
            en
        }
    }

    /// A text cell: defused (`csv_safe`) unless raw.
    pub fn text<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        if self.raw {
            s.into()
        } else {
            csv_safe(s)
        }
    }

    /// A code cell (区划代码, 事项编码): for people an all-digit code is written `="…"`, which
    /// Excel shows as the code itself, leading zeros and all; anything else as `text`.
    pub fn code<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        if !self.script && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            format!("=\"{s}\"").into()
        } else {
            self.text(s)
        }
    }
}

/// Makes a cell safe for spreadsheets: text beginning with = + - @, tab or carriage return is
/// prefixed with ' so that Excel never reads it as a formula.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_safe("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(csv_safe("食品经营许可"), "食品经营许可");
    }
}
