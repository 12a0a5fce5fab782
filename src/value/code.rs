//! Item codes: the 12-character base code PP TT DD MMM SSS and the implementation code (实施编码),
//! whose layouts (Guangxi's 31 characters = credit code + level digit + base code, Sichuan's
//! dash-separated form, ...) are configured in `rules/codes.toml`.

use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Str;

/// The parts of a 12-character base code (基本编码, GB/T 39554.1-2020).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BaseCode {
    /// PP: 00 national catalogue, or the province (45).
    pub prefix: String,
    /// TT: the category digits.
    pub category: String,
    /// DD: the department.
    pub dept: String,
    /// MMM: the main item.
    pub main: String,
    /// SSS: the sub-item.
    pub sub: String,
}

/// Length of a base code in characters.
pub const BASE_LEN: usize = 12;

impl BaseCode {
    /// Splits a 12-character code of 0-9 A-Z; `None` for anything else.
    pub fn split(code: &str) -> Option<BaseCode> {
        if code.len() != BASE_LEN || !code.bytes().all(is_code_byte) {
            return None;
        }
        // All ASCII, so every index below is a char boundary.
        Some(BaseCode {
            prefix: code.get(0..2)?.to_string(),
            category: code.get(2..4)?.to_string(),
            dept: code.get(4..6)?.to_string(),
            main: code.get(6..9)?.to_string(),
            sub: code.get(9..12)?.to_string(),
        })
    }
}

fn is_code_byte(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_uppercase()
}

/// A code with its raw text, its normalised form and, when well-formed, its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Code {
    pub raw: Str,
    pub norm: Str,
    pub base: Option<Box<BaseCode>>,
}

/// Why a base code is malformed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CodeProblem {
    /// Nothing written.
    Empty,
    /// Not 12 characters (the number of characters found).
    Length(usize),
    /// A character other than 0-9 A-Z.
    BadChar(char),
}

impl CodeProblem {
    /// The problem in words, Chinese or English.
    pub fn message(&self, lang: crate::report::Lang) -> String {
        match (self, lang) {
            (CodeProblem::Empty, crate::report::Lang::Zh) => "事项编码为空".to_string(),
            (CodeProblem::Empty, crate::report::Lang::En) => "the item code is empty".to_string(),
            (CodeProblem::Length(n), crate::report::Lang::Zh) => {
                format!("事项编码应为{BASE_LEN}位，实为{n}位")
            }
            (CodeProblem::Length(n), crate::report::Lang::En) => {
                format!("the item code has {n} characters instead of {BASE_LEN}")
            }
            (CodeProblem::BadChar(c), crate::report::Lang::Zh) => {
                format!("事项编码含非法字符「{c}」（只允许数字和大写字母）")
            }
            (CodeProblem::BadChar(c), crate::report::Lang::En) => {
                format!(
                    "the item code contains '{c}' (only digits and capital letters are allowed)"
                )
            }
        }
    }
}

impl fmt::Display for CodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::report::Lang::Zh))
    }
}

impl Code {
    /// Normalises `raw` (NFKC, whitespace removed, letters upper-cased) and splits it when it is
    /// a well-formed base code.
    pub fn parse(raw: Str) -> Code {
        // Most codes are already in normal form (digits and capital letters): share the text.
        if raw.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
            let base = BaseCode::split(&raw).map(Box::new);
            return Code { norm: raw.clone(), raw, base };
        }
        let norm = normalize_code(&raw);
        let base = BaseCode::split(&norm).map(Box::new);
        Code { raw, norm: norm.into(), base }
    }

    /// True when no code was written.
    pub fn is_empty(&self) -> bool {
        self.norm.is_empty()
    }

    /// TT, the category digits, when the code is well-formed.
    pub fn category_digits(&self) -> Option<&str> {
        self.base.as_ref().map(|b| b.category.as_str())
    }

    /// Why the code is not a well-formed base code (`Ok` when it is one).
    pub fn validate(&self) -> std::result::Result<(), CodeProblem> {
        if self.base.is_some() {
            return Ok(());
        }
        if self.norm.is_empty() {
            return Err(CodeProblem::Empty);
        }
        if let Some(c) = self.norm.chars().find(|&c| !c.is_ascii() || !is_code_byte(c as u8)) {
            return Err(CodeProblem::BadChar(c));
        }
        Err(CodeProblem::Length(self.norm.chars().count()))
    }
}

/// NFKC, whitespace removed, ASCII letters upper-cased.
pub fn normalize_code(raw: &str) -> String {
    let mut s = crate::value::name::normalize(raw);
    s.make_ascii_uppercase();
    s
}

/// The parts of an implementation code (实施编码).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ImplCode {
    /// The implementing body's 18-character unified social credit code.
    pub credit: String,
    /// Division code of the implementing body: from the layout's division field, else the
    /// credit code's characters 3–8; `None` for TE placeholders.
    pub division: Option<String>,
    /// Level digit: 1 国, 2 省, 3 市, 4 县, 5 乡镇; 0 when the layout has no level field.
    pub level: u8,
    /// The embedded base code.
    pub base: String,
}

impl ImplCode {
    /// Parses `s` with the built-in layouts of `rules/codes.toml`; the error says why no
    /// layout fits (in Chinese; see [`ImplCodeError::message`] for English).
    pub fn parse(s: &str) -> std::result::Result<ImplCode, String> {
        Self::parse_with(s, CodeLayouts::builtin()).map_err(|e| e.to_string())
    }

    /// Parses `s` with the given layouts.
    pub fn parse_with(
        s: &str,
        layouts: &CodeLayouts,
    ) -> std::result::Result<ImplCode, ImplCodeError> {
        layouts.parse(s).map(|(code, _)| code)
    }
}

/// Which characters a field may hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharClass {
    /// 0-9.
    Digits,
    /// 0-9 and A-Z.
    #[default]
    Alnum,
}

impl CharClass {
    fn allows(self, b: u8) -> bool {
        match self {
            CharClass::Digits => b.is_ascii_digit(),
            CharClass::Alnum => is_code_byte(b),
        }
    }
}

/// One field of a layout.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// credit, level, base, division, or any other name (checked for shape only).
    pub name: String,
    /// The lengths the field may have, in characters.
    pub len: Vec<usize>,
    /// Which characters it may hold.
    #[serde(default)]
    pub chars: CharClass,
}

/// One layout of implementation codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Its name, for messages (guangxi, sichuan).
    pub name: String,
    /// Between fields; empty for fixed-width layouts.
    #[serde(default)]
    pub separator: String,
    pub fields: Vec<FieldSpec>,
}

/// The configured layouts (`rules/codes.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeLayouts {
    /// Credit-code prefixes of placeholder bodies, whose division is unknown (TE).
    #[serde(default)]
    pub placeholder_prefixes: Vec<String>,
    /// Tried in order.
    #[serde(rename = "layout", default)]
    pub layouts: Vec<Layout>,
}

/// The built-in `rules/codes.toml`.
pub const CODES_TOML: &str = include_str!("../../rules/codes.toml");

/// Why a code fits no layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutMiss {
    /// Nothing written.
    Empty,
    /// Fixed-width layout: the total length fits no combination of field lengths.
    Length { got: usize },
    /// Separated layout: the number of parts differs.
    Parts { want: usize, got: usize },
    /// A field has the wrong length.
    FieldLength { field: String, want: Vec<usize>, got: usize },
    /// A field holds a character it may not.
    FieldChar { field: String, ch: char },
}

/// Why a code is not an implementation code: the reason each layout refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplCodeError {
    /// The normalised code.
    pub code: String,
    /// Per layout name, why it did not fit.
    pub misses: Vec<(String, LayoutMiss)>,
}

impl ImplCodeError {
    /// The reasons in words, Chinese or English.
    pub fn message(&self, lang: crate::report::Lang) -> String {
        use crate::report::Lang;
        let zh = lang == Lang::Zh;
        let reasons: Vec<String> = self
            .misses
            .iter()
            .map(|(name, m)| {
                let why = match (m, zh) {
                    (LayoutMiss::Empty, true) => "为空".to_string(),
                    (LayoutMiss::Empty, false) => "empty".to_string(),
                    (LayoutMiss::Length { got }, true) => format!("长度{got}位不符"),
                    (LayoutMiss::Length { got }, false) => format!("length {got} does not fit"),
                    (LayoutMiss::Parts { want, got }, true) => format!("应有{want}段，实有{got}段"),
                    (LayoutMiss::Parts { want, got }, false) => {
                        format!("{got} parts instead of {want}")
                    }
                    (LayoutMiss::FieldLength { field, want, got }, true) => {
                        format!("{field}段应为{}位，实为{got}位", join_lens(want))
                    }
                    (LayoutMiss::FieldLength { field, want, got }, false) => {
                        format!("{field} has {got} characters instead of {}", join_lens(want))
                    }
                    (LayoutMiss::FieldChar { field, ch }, true) => {
                        format!("{field}段含非法字符「{ch}」")
                    }
                    (LayoutMiss::FieldChar { field, ch }, false) => {
                        format!("{field} contains '{ch}'")
                    }
                };
                format!("{name}: {why}")
            })
            .collect();
        if zh {
            format!("实施编码「{}」不符合任何已配置的格式（{}）", self.code, reasons.join("；"))
        } else {
            format!(
                "implementation code '{}' fits no configured layout ({})",
                self.code,
                reasons.join("; ")
            )
        }
    }
}

fn join_lens(lens: &[usize]) -> String {
    let v: Vec<String> = lens.iter().map(usize::to_string).collect();
    v.join("/")
}

impl fmt::Display for ImplCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::report::Lang::Zh))
    }
}

impl std::error::Error for ImplCodeError {}

impl CodeLayouts {
    /// The built-in layouts (parsed once).
    pub fn builtin() -> &'static CodeLayouts {
        static BUILTIN: OnceLock<CodeLayouts> = OnceLock::new();
        // The embedded file is checked by a unit test; an empty set would only refuse codes.
        BUILTIN.get_or_init(|| toml::from_str(CODES_TOML).unwrap_or_default())
    }

    /// `codes.toml` from `--rules DIR` when present there, else the built-in one.
    pub fn load(dir: Option<&Path>) -> Result<CodeLayouts> {
        let rules = crate::rulesdir::rules_file(dir, "codes.toml", CODES_TOML)?;
        let layouts: CodeLayouts = crate::rulesdir::parse_toml(&rules)?;
        layouts.check().map_err(|(key, message)| Error::Rules {
            file: rules.label.clone(),
            line: None,
            column: None,
            key: Some(key),
            message,
        })?;
        Ok(layouts)
    }

    /// Rejects layouts that could never fit or give no parts.
    fn check(&self) -> std::result::Result<(), (String, String)> {
        for (i, l) in self.layouts.iter().enumerate() {
            let key = format!("layout[{i}] ({})", l.name);
            if l.fields.is_empty() {
                return Err((key, "a layout needs at least one field".to_string()));
            }
            if let Some(f) = l.fields.iter().find(|f| f.len.is_empty() || f.len.contains(&0)) {
                return Err((key, format!("field {} needs lengths above 0", f.name)));
            }
            for needed in ["credit", "base"] {
                if !l.fields.iter().any(|f| f.name == needed) {
                    return Err((key, format!("a layout needs a field named {needed}")));
                }
            }
            if l.separator.chars().any(|c| c.is_ascii_alphanumeric()) {
                return Err((key, "the separator cannot hold letters or digits".to_string()));
            }
        }
        Ok(())
    }

    /// The first layout that fits `s` (normalised first) and the parts it gives.
    pub fn parse(&self, s: &str) -> std::result::Result<(ImplCode, &Layout), ImplCodeError> {
        let code = normalize_code(s);
        let mut misses = Vec::new();
        for layout in &self.layouts {
            let parts = if code.is_empty() {
                Err(LayoutMiss::Empty)
            } else if layout.separator.is_empty() {
                split_fixed(&code, &layout.fields)
            } else {
                split_separated(&code, &layout.separator, &layout.fields)
            };
            match parts {
                Ok(parts) => return Ok((self.assemble(layout, &parts), layout)),
                Err(m) => misses.push((layout.name.clone(), m)),
            }
        }
        Err(ImplCodeError { code, misses })
    }

    fn assemble(&self, layout: &Layout, parts: &[&str]) -> ImplCode {
        let field = |name: &str| {
            layout.fields.iter().zip(parts).find(|(f, _)| f.name == name).map(|(_, p)| *p)
        };
        let credit = field("credit").unwrap_or("").to_string();
        let base = field("base").unwrap_or("").to_string();
        let level = field("level").and_then(|l| l.parse().ok()).unwrap_or(0);
        let placeholder = self.placeholder_prefixes.iter().any(|p| credit.starts_with(p.as_str()));
        let division = match field("division") {
            Some(d) => Some(short_division(d).to_string()),
            None if placeholder => None,
            None => credit
                .get(2..8)
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_string),
        };
        ImplCode { credit, division, level, base }
    }
}

/// A 12-digit division without its trailing zero groups: 511602000000 → 511602,
/// 450721101000 → 450721101.
pub(crate) fn short_division(d: &str) -> &str {
    let zero = |s: Option<&str>| s.is_some_and(|s| s.bytes().all(|b| b == b'0'));
    if d.len() == 12 && zero(d.get(6..)) {
        d.get(..6).unwrap_or(d)
    } else if d.len() == 12 && zero(d.get(9..)) {
        d.get(..9).unwrap_or(d)
    } else {
        d
    }
}

/// Checks a field's characters.
fn check_chars(part: &str, f: &FieldSpec) -> std::result::Result<(), LayoutMiss> {
    match part.chars().find(|&c| !c.is_ascii() || !f.chars.allows(c as u8)) {
        Some(ch) => Err(LayoutMiss::FieldChar { field: f.name.clone(), ch }),
        None => Ok(()),
    }
}

fn split_separated<'a>(
    code: &'a str,
    sep: &str,
    fields: &[FieldSpec],
) -> std::result::Result<Vec<&'a str>, LayoutMiss> {
    let parts: Vec<&str> = code.split(sep).collect();
    if parts.len() != fields.len() {
        return Err(LayoutMiss::Parts { want: fields.len(), got: parts.len() });
    }
    for (p, f) in parts.iter().zip(fields) {
        let n = p.chars().count();
        if !f.len.contains(&n) {
            return Err(LayoutMiss::FieldLength {
                field: f.name.clone(),
                want: f.len.clone(),
                got: n,
            });
        }
        check_chars(p, f)?;
    }
    Ok(parts)
}

fn split_fixed<'a>(
    code: &'a str,
    fields: &[FieldSpec],
) -> std::result::Result<Vec<&'a str>, LayoutMiss> {
    let got = code.chars().count();
    if !code.is_ascii() {
        // Fixed-width fields count bytes below; a non-ASCII code fits no fixed layout.
        let ch = code.chars().find(|c| !c.is_ascii()).unwrap_or('?');
        let name = fields.first().map(|f| f.name.clone()).unwrap_or_default();
        return Err(LayoutMiss::FieldChar { field: name, ch });
    }
    let mut parts = Vec::with_capacity(fields.len());
    let mut first_miss = None;
    if fit_fixed(code, fields, &mut parts, &mut first_miss) {
        return Ok(parts);
    }
    Err(first_miss.unwrap_or(LayoutMiss::Length { got }))
}

/// Backtracking over the allowed lengths of each field (layouts have few fields and lengths).
fn fit_fixed<'a>(
    rest: &'a str,
    fields: &[FieldSpec],
    parts: &mut Vec<&'a str>,
    miss: &mut Option<LayoutMiss>,
) -> bool {
    let Some((f, more)) = fields.split_first() else { return rest.is_empty() };
    for &n in &f.len {
        let (Some(part), Some(tail)) = (rest.get(..n), rest.get(n..)) else { continue };
        let min_tail: usize = more.iter().filter_map(|f| f.len.iter().min()).sum();
        let max_tail: usize = more.iter().filter_map(|f| f.len.iter().max()).sum();
        if tail.len() < min_tail || tail.len() > max_tail {
            continue;
        }
        if let Err(m) = check_chars(part, f) {
            miss.get_or_insert(m);
            continue;
        }
        parts.push(part);
        if fit_fixed(tail, more, parts, miss) {
            return true;
        }
        parts.pop();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_codes() {
        let c = Code::parse("000104002000".into());
        let b = c.base.clone().unwrap();
        assert_eq!((b.prefix.as_str(), b.category.as_str(), b.dept.as_str()), ("00", "01", "04"));
        assert_eq!((b.main.as_str(), b.sub.as_str()), ("002", "000"));
        assert_eq!(c.category_digits(), Some("01"));
        assert_eq!(c.validate(), Ok(()));
        let w = Code::parse(" 450708001w01 ".into());
        assert_eq!(w.norm.as_ref(), "450708001W01");
        assert_eq!(w.base.unwrap().sub, "W01");
        let f = Code::parse("０００１０４００２０００".into());
        assert_eq!(f.norm.as_ref(), "000104002000");
        assert!(f.base.is_some());
    }

    #[test]
    fn malformed_base_codes() {
        assert_eq!(Code::parse("".into()).validate(), Err(CodeProblem::Empty));
        assert_eq!(Code::parse("  ".into()).validate(), Err(CodeProblem::Empty));
        assert_eq!(Code::parse("00010400200".into()).validate(), Err(CodeProblem::Length(11)));
        assert_eq!(Code::parse("00010400200-".into()).validate(), Err(CodeProblem::BadChar('-')));
        assert_eq!(Code::parse("事项00010400".into()).validate(), Err(CodeProblem::BadChar('事')));
        assert_eq!(Code::parse("00010400200".into()).category_digits(), None);
        assert_eq!(
            CodeProblem::Length(11).message(crate::report::Lang::Zh),
            "事项编码应为12位，实为11位"
        );
    }

    #[test]
    fn builtin_layouts_parse() {
        let l: CodeLayouts = toml::from_str(CODES_TOML).unwrap();
        assert_eq!(l.layouts.len(), 2);
        assert!(l.check().is_ok());
        assert_eq!(CodeLayouts::builtin().layouts.len(), 2);
        assert_eq!(CodeLayouts::load(None).unwrap().layouts.len(), 2);
    }

    #[test]
    fn rules_dir_overrides_and_bad_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("codes.toml"),
            "[[layout]]\nname = \"x\"\nseparator = \"/\"\nfields = [{ name = \"credit\", len = [2] }, { name = \"base\", len = [3] }]\n",
        )
        .unwrap();
        let l = CodeLayouts::load(Some(dir.path())).unwrap();
        let c = ImplCode::parse_with("ab/c1d", &l).unwrap();
        assert_eq!((c.credit.as_str(), c.base.as_str(), c.level), ("AB", "C1D", 0));
        std::fs::write(dir.path().join("codes.toml"), "[[layout]]\nname = 3\n").unwrap();
        let e = CodeLayouts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("codes.toml"), "{e}");
        std::fs::write(dir.path().join("codes.toml"), "[[layout]]\nname = \"y\"\nfields = []\n")
            .unwrap();
        let e = CodeLayouts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("at least one field"), "{e}");
    }

    #[test]
    fn guangxi_layout() {
        let c = ImplCode::parse("11450721MB155808114000104002000").unwrap();
        assert_eq!(c.credit, "11450721MB15580811");
        assert_eq!(c.division.as_deref(), Some("450721"));
        assert_eq!(c.level, 4);
        assert_eq!(c.base, "000104002000");
        let te = ImplCode::parse("TE45072110000000034450708001W01").unwrap();
        assert_eq!(te.division, None);
        assert_eq!(te.base, "450708001W01");
        let e = ImplCode::parse("11450721MB15580811400010400200").unwrap_err();
        assert!(e.contains("guangxi"), "{e}");
        assert!(ImplCode::parse("").is_err());
    }

    /// task_code = dept_code + use_level + catalog_code on every row of the Guangxi sample.
    #[test]
    fn guangxi_sample_rows() {
        let text = crate::value::real_data("guangxi-lingshan-task-sample/tasks.csv");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let col = |name: &str| h.iter().position(|x| x == name).unwrap();
        let (tc, dc, ul, cc, ac) = (
            col("task_code"),
            col("dept_code"),
            col("use_level"),
            col("catalog_code"),
            col("areacode"),
        );
        let mut rows = 0;
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let c = ImplCode::parse(&rec[tc]).unwrap();
            assert_eq!(c.credit, &rec[dc]);
            assert_eq!(c.level.to_string(), &rec[ul]);
            assert_eq!(c.base, &rec[cc]);
            if !c.credit.starts_with("TE") {
                assert_eq!(c.division.as_deref(), Some(&rec[ac]));
            }
            assert!(Code::parse(rec[cc].into()).base.is_some());
            rows += 1;
        }
        assert_eq!(rows, 9);
    }

    #[test]
    fn sichuan_layout() {
        let c = ImplCode::parse("511A0138000000-511602000000-000-115113010833722043-1-00").unwrap();
        assert_eq!(c.base, "511A0138000000");
        assert_eq!(c.division.as_deref(), Some("511602"));
        assert_eq!(c.credit, "115113010833722043");
        assert_eq!(c.level, 0);
        let e =
            ImplCode::parse("G-000007-001-511602000000-000-115113010833722043-1-00").unwrap_err();
        assert!(e.contains("sichuan: 应有6段，实有8段"), "{e}");
    }

    /// Every item_code of the Sichuan 广安区 list: the regular ones fit, the legacy ones do not.
    #[test]
    fn sichuan_items() {
        let text = crate::value::real_data("sichuan-guangan-bszl/items.csv");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let (mut fit, mut miss, mut parts, mut credit_len) = (0, 0, 0, 0);
        for rec in rdr.records() {
            let rec = rec.unwrap();
            match CodeLayouts::builtin().parse(&rec[3]).map(|(c, _)| c) {
                Ok(c) => {
                    assert_eq!(c.division.as_deref(), Some("511602"), "{}", &rec[3]);
                    assert!(normalize_code(&rec[3]).contains(&c.credit));
                    fit += 1;
                }
                Err(e) => {
                    miss += 1;
                    // The reason the Sichuan layout gave.
                    match e.misses.iter().find(|(n, _)| n == "sichuan").map(|(_, m)| m) {
                        Some(LayoutMiss::Parts { .. }) => parts += 1,
                        Some(LayoutMiss::FieldLength { field, .. }) if field == "credit" => {
                            credit_len += 1
                        }
                        other => panic!("{}: {other:?}", &rec[3]),
                    }
                }
            }
        }
        assert_eq!(fit + miss, 1135);
        assert_eq!((fit, miss), (971, 164));
        // Legacy codes (G-000007-001-…, 1J-5100-…) and dashed organisation codes (00877868-5)
        // have the wrong number of parts; the others carry a 7-, 9-, 10-, 13- or 17-character
        // body code where the 18-character credit code belongs.
        assert_eq!((parts, credit_len), (37, 127));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let c = Code::parse(s.as_str().into());
            let _ = c.validate();
            let _ = ImplCode::parse(&s);
        }

        #[test]
        fn code_soup_never_panics(s in "[0-9A-Za-z\\- ]{0,40}") {
            let c = Code::parse(s.as_str().into());
            proptest::prop_assert_eq!(c.validate().is_ok(), c.base.is_some());
            let _ = ImplCode::parse(&s);
        }

        #[test]
        fn guangxi_codes_round_trip(credit in "[0-9A-Z]{18}", level in 1u8..=5, base in "[0-9A-Z]{12}") {
            let c = ImplCode::parse(&format!("{credit}{level}{base}")).unwrap();
            proptest::prop_assert_eq!(c.credit, credit);
            proptest::prop_assert_eq!(c.level, level);
            proptest::prop_assert_eq!(c.base, base);
        }
    }
}
