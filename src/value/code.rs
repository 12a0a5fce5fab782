//! Item codes: the base code (基本编码; nationally 12 characters PP TT DD MMM SSS, regionally
//! Zhejiang's `许可-00077-008-01` or Sichuan's 14 characters) and the implementation code
//! (实施编码; Guangxi's 31 or 33 characters = credit code + level digit + base code [+ 办理项],
//! Sichuan's dash-separated form, ...). The layouts, the regions' category tables and the bodies
//! that may sit outside their row's division are configured in `rules/codes.toml` and
//! `rules/bodies.toml`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::vocab::{Category, Str};

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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
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
    pub fn message(&self, lang: crate::vocab::Lang) -> String {
        match (self, lang) {
            (CodeProblem::Empty, crate::vocab::Lang::Zh) => "事项编码为空".to_string(),
            (CodeProblem::Empty, crate::vocab::Lang::En) => "the item code is empty".to_string(),
            (CodeProblem::Length(n), crate::vocab::Lang::Zh) => {
                format!("事项编码应为{BASE_LEN}位，实为{n}位")
            }
            (CodeProblem::Length(n), crate::vocab::Lang::En) => {
                format!("the item code has {n} characters instead of {BASE_LEN}")
            }
            (CodeProblem::BadChar(c), crate::vocab::Lang::Zh) => {
                format!("事项编码含非法字符「{c}」（只允许数字和大写字母）")
            }
            (CodeProblem::BadChar(c), crate::vocab::Lang::En) => {
                format!(
                    "the item code contains '{c}' (only digits and capital letters are allowed)"
                )
            }
        }
    }
}

impl fmt::Display for CodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::vocab::Lang::Zh))
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

/// NFKC, whitespace removed, ASCII letters upper-cased, and every dash a hyphen-minus: a
/// full-width dash (`许可-00077-025－01`, which NFKC maps) or an em, en or figure dash between
/// the parts of a code is formatting, not another code.
pub fn normalize_code(raw: &str) -> String {
    let mut s = crate::value::name::normalize(raw);
    s.make_ascii_uppercase();
    if !s.is_ascii() && s.contains(is_dash) {
        s = s.chars().map(|c| if is_dash(c) { '-' } else { c }).collect();
    }
    s
}

/// Dashes other than `-` that exports write between the parts of a code.
fn is_dash(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}')
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
    /// The 业务办理项 number (the layout's `item` field: the two digits after the 31 characters of
    /// a 33-character Guangxi code); `None` when the code names no 办理项.
    pub item: Option<String>,
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

    /// The 业务办理项 number ("01", "02"), when the code carries one: rows of one base code that
    /// differ by 办理项 are different handling items of the same item (DATA.md "Codes").
    pub fn handling_item(&self) -> Option<&str> {
        self.item.as_deref()
    }
}

/// A check character a field must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// A 9-character body code is a 组织机构代码 (the code a credit code embeds as its characters
    /// 9–17) and must end with its GB 11714 check character; other lengths are not checked here
    /// (the 18-character credit code's own check character is not enforced: hand-made lists and
    /// fixtures carry made-up ones, and in the real samples every 18-character code but the TE
    /// placeholders checks). Placeholder bodies (TE…) are exempt.
    OrgCode,
}

/// True when `v` (upper-case) carries its check character (see [`Check::CreditCode`]); other
/// lengths are the length check's business.
pub fn body_code_checks(v: &str) -> bool {
    const USCC: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const USCC_W: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const ORG_W: [usize; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let b = v.as_bytes();
    match b.len() {
        18 => {
            let mut sum = 0;
            for (c, w) in b[..17].iter().zip(USCC_W) {
                let Some(x) = USCC.iter().position(|u| u == c) else { return false };
                sum += x * w;
            }
            USCC.get((31 - sum % 31) % 31) == Some(&b[17])
        }
        9 => {
            let mut sum = 0;
            for (c, w) in b[..8].iter().zip(ORG_W) {
                let x = match c {
                    b'0'..=b'9' => usize::from(c - b'0'),
                    b'A'..=b'Z' => usize::from(c - b'A') + 10,
                    _ => return false,
                };
                sum += x * w;
            }
            let want = match 11 - sum % 11 {
                11 => b'0',
                10 => b'X',
                d => b'0' + d as u8,
            };
            b[8] == want
        }
        _ => true,
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
    /// Letters outside ASCII: the Chinese category words of Zhejiang's codes (许可, 审核转报).
    Han,
}

impl CharClass {
    fn allows(self, c: char) -> bool {
        match self {
            CharClass::Digits => c.is_ascii_digit(),
            CharClass::Alnum => c.is_ascii() && is_code_byte(c as u8),
            CharClass::Han => !c.is_ascii() && c.is_alphabetic(),
        }
    }
}

/// One field of a layout.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// credit, level, base, division, category, item, or any other name (checked for shape
    /// only).
    pub name: String,
    /// What messages call it (统一社会信用代码); the name when empty.
    #[serde(default)]
    pub label: String,
    /// The lengths the field may have, in characters.
    pub len: Vec<usize>,
    /// Which characters it may hold.
    #[serde(default)]
    pub chars: CharClass,
    /// The field may be left out (only trailing fields: Zhejiang's 2-digit 办理项, the 33rd and
    /// 32nd characters of a Guangxi code).
    #[serde(default)]
    pub optional: bool,
    /// The field must be a key of the region's category table (a category word that is not in
    /// the table makes the code malformed, not of an unknown category).
    #[serde(default)]
    pub known: bool,
    /// A check character the field must carry.
    #[serde(default)]
    pub check: Option<Check>,
}

/// One layout of implementation codes or of base codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Its name, for messages (guangxi, sichuan, national, zhejiang).
    pub name: String,
    /// What a clerk should write, for messages (12位基本编码).
    #[serde(default)]
    pub description: String,
    /// Between fields; empty for fixed-width layouts.
    #[serde(default)]
    pub separator: String,
    pub fields: Vec<FieldSpec>,
}

impl Layout {
    /// What messages call the layout: its description, else its name.
    pub fn shown_name(&self) -> &str {
        if self.description.is_empty() {
            &self.name
        } else {
            &self.description
        }
    }
}

/// What a key of a region's category table means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryRule {
    /// The code names this category; the row's 事项类型 must agree.
    Is(Category),
    /// The code names no category of the ten (审核转报, 联办事项, Liaoning's 99): not checked.
    Any,
}

/// One region's base codes: the layouts they may have and the table of category keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Division-code prefixes of the rows this region's tables apply to (`region = "auto"`).
    #[serde(default)]
    pub divisions: Vec<String>,
    /// Names of `[[base_layout]]`s, tried in order.
    pub base_layouts: Vec<String>,
    /// Category key (the TT digits, or the category word) → category (行政许可, 许可, 公共服务)
    /// or `any`. A key ending in `*` matches every key it starts (Sichuan's `2*`).
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
    /// Resolved at load: normalised keys, exact ones first, then prefixes longest first.
    #[serde(skip)]
    table: Vec<(String, bool, CategoryRule)>,
    /// Resolved at load: indices of `base_layouts` in `CodeLayouts::base_layouts`.
    #[serde(skip)]
    layout_index: Vec<usize>,
}

impl Region {
    /// What the category key `key` (normalised) means; `None` when the table does not hold it.
    pub fn category(&self, key: &str) -> Option<CategoryRule> {
        self.table
            .iter()
            .find(|(k, prefix, _)| if *prefix { key.starts_with(k.as_str()) } else { k == key })
            .map(|&(_, _, rule)| rule)
    }

    /// The first exact key of the table naming `category` (for messages: 01, 许可).
    pub fn key_of(&self, category: Category) -> Option<&str> {
        self.table
            .iter()
            .find(|(_, prefix, rule)| !prefix && *rule == CategoryRule::Is(category))
            .map(|(k, _, _)| k.as_str())
    }
}

/// Bodies that legitimately sit outside the division of the row listing them
/// (`rules/bodies.toml`): vertically managed national bodies and functional zones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bodies {
    /// Substrings of the normalised 实施主体 (海关, 税务局, 开发区).
    #[serde(default)]
    pub departments: Vec<String>,
    /// The body's division (credit characters 3–8, or the layout's division field): exact
    /// digits, or digits followed by `*` for every division they start.
    #[serde(default)]
    pub divisions: Vec<String>,
}

impl Bodies {
    /// Whether a body named `department` (normalised) or of division `division` may sit outside
    /// its row's division.
    pub fn may_be_outside(&self, department: &str, division: Option<&str>) -> bool {
        let by_name = !department.is_empty()
            && self.departments.iter().any(|p| department.contains(p.as_str()));
        let by_division = division.is_some_and(|d| {
            self.divisions.iter().any(|p| match p.strip_suffix('*') {
                Some(prefix) => d.starts_with(prefix),
                None => d == p,
            })
        });
        by_name || by_division
    }

    fn check(&self) -> std::result::Result<(), (String, String)> {
        if let Some(p) = self.departments.iter().find(|p| p.trim().is_empty()) {
            return Err((
                "departments".into(),
                format!("an empty pattern ({p:?}) matches every body"),
            ));
        }
        for p in &self.divisions {
            let digits = p.strip_suffix('*').unwrap_or(p);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err((
                    p.clone(),
                    "a division pattern is digits, optionally ending in *".into(),
                ));
            }
        }
        Ok(())
    }
}

/// The configured layouts and tables (`rules/codes.toml`, `rules/bodies.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeLayouts {
    /// Credit-code prefixes of placeholder bodies, whose division is unknown (TE).
    #[serde(default)]
    pub placeholder_prefixes: Vec<String>,
    /// Implementation-code layouts, tried in order.
    #[serde(rename = "layout", default)]
    pub layouts: Vec<Layout>,
    /// The region whose base-code tables apply to every row; `auto` (or absent): each row's
    /// region is the one whose `divisions` hold the longest prefix of its 区划代码, else
    /// `national`.
    #[serde(default)]
    pub region: Option<String>,
    /// The regions by name.
    #[serde(default)]
    pub regions: BTreeMap<String, Region>,
    /// Base-code layouts, named by the regions.
    #[serde(rename = "base_layout", default)]
    pub base_layouts: Vec<Layout>,
    /// `rules/bodies.toml`.
    #[serde(skip)]
    pub bodies: Bodies,
    /// Resolved at load: (division prefix, region name), longest prefix first.
    #[serde(skip)]
    by_division: Vec<(String, String)>,
}

/// The built-in `rules/codes.toml`.
pub const CODES_TOML: &str = include_str!("../../rules/codes.toml");

/// The built-in `rules/bodies.toml`.
pub const BODIES_TOML: &str = include_str!("../../rules/bodies.toml");

/// The most fields a layout may have (the parts are kept on the stack).
pub const MAX_FIELDS: usize = 8;

/// Why a code fits no layout.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum LayoutMiss {
    /// Nothing written.
    Empty,
    /// Fixed-width layout: the total length fits no combination of field lengths.
    Length { got: usize },
    /// Separated layout: the number of parts differs.
    Parts { want: usize, got: usize },
    /// A field has the wrong length (`label`: what messages call the field).
    FieldLength { field: String, label: String, want: Vec<usize>, got: usize },
    /// A field holds a character it may not.
    FieldChar { field: String, label: String, ch: char },
    /// A `known` field holds a word the region's category table does not have.
    UnknownKey { field: String, label: String, key: String },
    /// A field's check character is wrong.
    FieldCheck { field: String, label: String, value: String },
}

impl LayoutMiss {
    /// The reason in words, Chinese or English.
    pub fn message(&self, lang: crate::vocab::Lang) -> String {
        let zh = lang == crate::vocab::Lang::Zh;
        match (self, zh) {
            (LayoutMiss::Empty, true) => "为空".to_string(),
            (LayoutMiss::Empty, false) => "empty".to_string(),
            (LayoutMiss::Length { got }, true) => format!("长度{got}位不符"),
            (LayoutMiss::Length { got }, false) => format!("length {got} does not fit"),
            (LayoutMiss::Parts { want, got }, true) => format!("应有{want}段，实有{got}段"),
            (LayoutMiss::Parts { want, got }, false) => format!("{got} parts instead of {want}"),
            (LayoutMiss::FieldLength { label, want, got, .. }, true) => {
                format!("{label}应为{}位，实为{got}位", join_lens(want))
            }
            (LayoutMiss::FieldLength { label, want, got, .. }, false) => {
                format!("{label} has {got} characters instead of {}", join_lens(want))
            }
            (LayoutMiss::FieldChar { label, ch, .. }, true) => format!("{label}含非法字符“{ch}”"),
            (LayoutMiss::FieldChar { label, ch, .. }, false) => format!("{label} contains '{ch}'"),
            (LayoutMiss::FieldCheck { label, value, .. }, true) => {
                format!("{label}“{value}”的校验位不符")
            }
            (LayoutMiss::FieldCheck { label, value, .. }, false) => {
                format!("{label} {value} has a wrong check character")
            }
            (LayoutMiss::UnknownKey { label, key, .. }, true) => {
                format!("{label}“{key}”不在本地区的类型表中")
            }
            (LayoutMiss::UnknownKey { label, key, .. }, false) => {
                format!("{label} '{key}' is not in the region's category table")
            }
        }
    }
}

/// A miss without owned text, made on the hot path and turned into a [`LayoutMiss`] only when
/// the reasons are wanted.
#[derive(Debug, Clone, Copy)]
enum Miss<'c> {
    Empty,
    Length(usize),
    Parts { want: usize, got: usize },
    FieldLength { field: usize, got: usize },
    FieldChar { field: usize, ch: char },
    UnknownKey { field: usize, key: &'c str },
    FieldCheck { field: usize, value: &'c str },
}

impl Miss<'_> {
    fn owned(self, layout: &Layout) -> LayoutMiss {
        let name = |i: usize| layout.fields.get(i).map(|f| f.name.clone()).unwrap_or_default();
        let label = |i: usize| {
            layout
                .fields
                .get(i)
                .map(|f| if f.label.is_empty() { f.name.clone() } else { f.label.clone() })
                .unwrap_or_default()
        };
        match self {
            Miss::Empty => LayoutMiss::Empty,
            Miss::Length(got) => LayoutMiss::Length { got },
            Miss::Parts { want, got } => LayoutMiss::Parts { want, got },
            Miss::FieldLength { field, got } => LayoutMiss::FieldLength {
                field: name(field),
                label: label(field),
                want: layout.fields.get(field).map(|f| f.len.clone()).unwrap_or_default(),
                got,
            },
            Miss::FieldChar { field, ch } => {
                LayoutMiss::FieldChar { field: name(field), label: label(field), ch }
            }
            Miss::UnknownKey { field, key } => LayoutMiss::UnknownKey {
                field: name(field),
                label: label(field),
                key: key.to_string(),
            },
            Miss::FieldCheck { field, value } => LayoutMiss::FieldCheck {
                field: name(field),
                label: label(field),
                value: value.to_string(),
            },
        }
    }
}

/// The parts of a code that fit a layout, one per field (empty for a field left out), borrowed
/// from the code.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'c> {
    vals: [&'c str; MAX_FIELDS],
    len: usize,
}

impl<'c> Parts<'c> {
    fn new() -> Parts<'c> {
        Parts { vals: [""; MAX_FIELDS], len: 0 }
    }

    fn push(&mut self, part: &'c str) -> bool {
        match self.vals.get_mut(self.len) {
            Some(slot) => {
                *slot = part;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The part of the field named `name`, when the layout has it and it was written.
    pub fn field(&self, layout: &Layout, name: &str) -> Option<&'c str> {
        layout
            .fields
            .iter()
            .zip(self.vals.iter().take(self.len))
            .find(|(f, _)| f.name == name)
            .map(|(_, p)| *p)
            .filter(|p| !p.is_empty())
    }
}

/// Why a code is not an implementation code: the reason each layout refused it.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ImplCodeError {
    /// The normalised code.
    pub code: String,
    /// Per layout name, why it did not fit.
    pub misses: Vec<(String, LayoutMiss)>,
    /// What messages call each of those layouts (its description, else its name).
    pub shown: Vec<String>,
}

fn reasons(misses: &[(String, LayoutMiss)], shown: &[String], lang: crate::vocab::Lang) -> String {
    let (sep, colon) = if lang == crate::vocab::Lang::Zh { ("；", "：") } else { ("; ", ": ") };
    let v: Vec<String> = misses
        .iter()
        .enumerate()
        .map(|(i, (name, m))| {
            let layout = shown.get(i).map_or(name.as_str(), String::as_str);
            format!("{layout}{colon}{}", m.message(lang))
        })
        .collect();
    v.join(sep)
}

/// The reasons each layout of `layouts` gives for refusing `code`, and what messages call them.
fn refusals<'a>(
    layouts: impl Iterator<Item = &'a Layout>,
    code: &str,
    region: Option<&Region>,
    placeholders: &[String],
) -> (Vec<(String, LayoutMiss)>, Vec<String>) {
    layouts
        .filter_map(|l| {
            fit(l, code, region, placeholders)
                .err()
                .map(|m| ((l.name.clone(), m.owned(l)), l.shown_name().to_string()))
        })
        .unzip()
}

impl ImplCodeError {
    /// The reasons in words, Chinese or English.
    pub fn message(&self, lang: crate::vocab::Lang) -> String {
        let reasons = reasons(&self.misses, &self.shown, lang);
        if lang == crate::vocab::Lang::Zh {
            format!("不符合任何已配置的实施编码格式（{reasons}）")
        } else {
            format!("it fits no configured implementation-code layout ({reasons})")
        }
    }
}

/// Why a code is not a base code of its region: the reason each of the region's layouts refused
/// it.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct BaseCodeError {
    /// Per layout name, why it did not fit.
    pub misses: Vec<(String, LayoutMiss)>,
    /// What messages call each of those layouts.
    pub shown: Vec<String>,
}

impl BaseCodeError {
    /// The reasons in words, Chinese or English.
    pub fn message(&self, lang: crate::vocab::Lang) -> String {
        let reasons = reasons(&self.misses, &self.shown, lang);
        if lang == crate::vocab::Lang::Zh {
            format!("不符合本地区的基本编码格式（{reasons}）")
        } else {
            format!("it fits none of the region's base-code layouts ({reasons})")
        }
    }
}

/// What the rules read of a base code that fits one of its region's layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseParts<'c> {
    /// Index of the layout in `CodeLayouts::base_layouts`.
    pub layout: usize,
    /// The category key (TT digits, or the category word), when the layout has one.
    pub category: Option<&'c str>,
    /// The 业务办理项 number, when written.
    pub item: Option<&'c str>,
}

fn join_lens(lens: &[usize]) -> String {
    let v: Vec<String> = lens.iter().map(usize::to_string).collect();
    v.join("/")
}

impl fmt::Display for ImplCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(crate::vocab::Lang::Zh))
    }
}

impl std::error::Error for ImplCodeError {}

impl CodeLayouts {
    /// The built-in layouts (parsed once).
    pub fn builtin() -> &'static CodeLayouts {
        static BUILTIN: OnceLock<CodeLayouts> = OnceLock::new();
        // The embedded files are checked by a unit test; an empty set would only refuse codes.
        BUILTIN.get_or_init(|| {
            let mut l: CodeLayouts = toml::from_str(CODES_TOML).unwrap_or_default();
            l.bodies = toml::from_str(BODIES_TOML).unwrap_or_default();
            let _ = l.resolve();
            l
        })
    }

    /// `codes.toml` and `bodies.toml` from `--rules DIR` when present there, else the built-in
    /// ones. A `codes.toml` without regions and base layouts keeps the built-in ones.
    pub fn load(dir: Option<&Path>) -> Result<CodeLayouts> {
        let rules = crate::rulesdir::rules_file(dir, "codes.toml", CODES_TOML)?;
        let mut layouts: CodeLayouts = crate::rulesdir::parse_toml(&rules)?;
        if layouts.regions.is_empty() && layouts.base_layouts.is_empty() {
            let builtin = CodeLayouts::builtin();
            layouts.regions = builtin.regions.clone();
            layouts.base_layouts = builtin.base_layouts.clone();
        }
        let bad = |rules: &crate::rulesdir::RulesText, (key, message): (String, String)| {
            // The line of the key: the first line outside comments that holds it.
            let mut offset = 0;
            let mut found = None;
            for l in rules.text.split_inclusive('\n') {
                if !l.trim_start().starts_with('#') {
                    if let Some(o) = l.find(key.as_str()) {
                        found = Some(offset + o);
                        break;
                    }
                }
                offset += l.len();
            }
            rules.error_at(&key, found, message)
        };
        layouts.check().map_err(|e| bad(&rules, e))?;
        layouts.resolve().map_err(|e| bad(&rules, e))?;
        let bodies_rules = crate::rulesdir::rules_file(dir, "bodies.toml", BODIES_TOML)?;
        let bodies: Bodies = crate::rulesdir::parse_toml(&bodies_rules)?;
        bodies.check().map_err(|e| bad(&bodies_rules, e))?;
        layouts.bodies = bodies;
        Ok(layouts)
    }

    /// Rejects layouts that could never fit or give no parts.
    fn check(&self) -> std::result::Result<(), (String, String)> {
        let all = self
            .layouts
            .iter()
            .map(|l| (l, true))
            .chain(self.base_layouts.iter().map(|l| (l, false)));
        for (l, implementation) in all {
            let key = l.name.clone();
            if l.fields.is_empty() {
                return Err((key, "a layout needs at least one field".to_string()));
            }
            if l.fields.len() > MAX_FIELDS {
                return Err((key, format!("a layout has at most {MAX_FIELDS} fields")));
            }
            if let Some(f) = l.fields.iter().find(|f| f.len.is_empty() || f.len.contains(&0)) {
                return Err((key, format!("field {} needs lengths above 0", f.name)));
            }
            let first_optional = l.fields.iter().position(|f| f.optional).unwrap_or(l.fields.len());
            if l.fields.iter().skip(first_optional).any(|f| !f.optional) || first_optional == 0 {
                return Err((key, "only trailing fields may be optional, not all".to_string()));
            }
            if implementation {
                for needed in ["credit", "base"] {
                    if !l.fields.iter().any(|f| f.name == needed) {
                        return Err((key, format!("a layout needs a field named {needed}")));
                    }
                }
            }
            if l.separator.chars().any(|c| c.is_alphanumeric()) {
                return Err((key, "the separator cannot hold letters or digits".to_string()));
            }
            if l.separator.is_empty() && l.fields.iter().any(|f| f.chars == CharClass::Han) {
                return Err((key, "a fixed-width layout holds ASCII fields only".to_string()));
            }
        }
        Ok(())
    }

    /// Resolves region tables and layout names; an unknown name or category is an error.
    fn resolve(&mut self) -> std::result::Result<(), (String, String)> {
        if let Some(r) = self.region.as_deref() {
            if r != "auto" && !self.regions.contains_key(r) {
                return Err((
                    format!("\"{r}\""),
                    format!("unknown region `{r}` (no [regions.{r}])"),
                ));
            }
        }
        if !self.regions.contains_key("national") {
            return Err((
                "regions".into(),
                "a [regions.national] is needed: rows of no other region use it".into(),
            ));
        }
        let mut by_division = Vec::new();
        for (name, region) in &mut self.regions {
            region.layout_index.clear();
            for l in &region.base_layouts {
                let i = self.base_layouts.iter().position(|b| &b.name == l).ok_or_else(|| {
                    (l.clone(), format!("region {name} names an unknown base layout `{l}`"))
                })?;
                region.layout_index.push(i);
            }
            if region.layout_index.is_empty() {
                return Err((
                    name.clone(),
                    format!("region {name} needs at least one base layout"),
                ));
            }
            let mut table = Vec::new();
            for (key, value) in &region.categories {
                let rule = match value.trim() {
                    "any" => CategoryRule::Any,
                    v => CategoryRule::Is(Category::parse(v).ok_or_else(|| {
                        (format!("\"{key}\" = \"{value}\""), format!("`{v}` is not a category (行政许可 … 其他行政权力, 公共服务, or any)"))
                    })?),
                };
                let norm = normalize_code(key);
                let (k, prefix) = match norm.strip_suffix('*') {
                    Some(p) => (p.to_string(), true),
                    None => (norm, false),
                };
                if k.is_empty() {
                    return Err((key.clone(), "an empty category key".into()));
                }
                table.push((k, prefix, rule));
            }
            // Exact keys first, then prefixes, longest first.
            table.sort_by(|a, b| a.1.cmp(&b.1).then(b.0.len().cmp(&a.0.len())).then(a.0.cmp(&b.0)));
            region.table = table;
            for d in &region.divisions {
                if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
                    return Err((
                        name.clone(),
                        format!("division prefix `{d}` of region {name} is not digits"),
                    ));
                }
                by_division.push((d.clone(), name.clone()));
            }
        }
        by_division.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        if let Some(w) = by_division.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err((w[0].0.clone(), format!("division prefix {} is in two regions", w[0].0)));
        }
        self.by_division = by_division;
        Ok(())
    }

    /// The region whose tables apply to a row of `jurisdiction`: the one `region` names, else
    /// the one whose divisions hold the longest prefix of it, else `national`.
    pub fn region_for(&self, jurisdiction: &str) -> Option<&Region> {
        if let Some(r) = self.region.as_deref().filter(|r| *r != "auto") {
            return self.regions.get(r);
        }
        let name = self
            .by_division
            .iter()
            .find(|(d, _)| jurisdiction.starts_with(d.as_str()))
            .map_or("national", |(_, n)| n.as_str());
        self.regions.get(name)
    }

    /// Reads `code` (normalised) as a base code of `region`: the first of its layouts that fits.
    pub fn read_base<'c>(
        &self,
        region: &Region,
        code: &'c str,
    ) -> std::result::Result<BaseParts<'c>, BaseCodeError> {
        for &i in &region.layout_index {
            let Some(layout) = self.base_layouts.get(i) else { continue };
            if let Ok(parts) = fit(layout, code, Some(region), &self.placeholder_prefixes) {
                return Ok(BaseParts {
                    layout: i,
                    category: parts.field(layout, "category"),
                    item: parts.field(layout, "item"),
                });
            }
        }
        let layouts = region.layout_index.iter().filter_map(|&i| self.base_layouts.get(i));
        let (misses, shown) = refusals(layouts, code, Some(region), &self.placeholder_prefixes);
        Err(BaseCodeError { misses, shown })
    }

    /// The first implementation-code layout that fits `code` (normalised) and its parts,
    /// borrowed; `None` when none fits.
    pub fn fit_implementation<'c>(&self, code: &'c str) -> Option<(&Layout, Parts<'c>)> {
        let pre = &self.placeholder_prefixes;
        self.layouts.iter().find_map(|l| fit(l, code, None, pre).ok().map(|p| (l, p)))
    }

    /// The first layout that fits `s` (normalised first) and the parts it gives.
    pub fn parse(&self, s: &str) -> std::result::Result<(ImplCode, &Layout), ImplCodeError> {
        let code = normalize_code(s);
        if let Some((layout, parts)) = self.fit_implementation(&code) {
            return Ok((self.assemble(layout, &parts), layout));
        }
        let (misses, shown) =
            refusals(self.layouts.iter(), &code, None, &self.placeholder_prefixes);
        Err(ImplCodeError { code, misses, shown })
    }

    /// The body's division as the rules read it: the layout's division field (without its
    /// trailing zero groups), else the credit code's characters 3–8 unless it is a placeholder.
    pub fn division<'c>(&self, layout: &Layout, parts: &Parts<'c>) -> Option<&'c str> {
        let credit = parts.field(layout, "credit").unwrap_or("");
        let placeholder = self.placeholder_prefixes.iter().any(|p| credit.starts_with(p.as_str()));
        match parts.field(layout, "division") {
            Some(d) => Some(short_division(d)),
            None if placeholder => None,
            None => credit.get(2..8).filter(|d| d.bytes().all(|b| b.is_ascii_digit())),
        }
    }

    fn assemble(&self, layout: &Layout, parts: &Parts<'_>) -> ImplCode {
        let field = |name: &str| parts.field(layout, name);
        ImplCode {
            credit: field("credit").unwrap_or("").to_string(),
            division: self.division(layout, parts).map(str::to_string),
            level: field("level").and_then(|l| l.parse().ok()).unwrap_or(0),
            base: field("base").unwrap_or("").to_string(),
            item: field("item").map(str::to_string),
        }
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

/// `code` split by `layout`; `region` checks the `known` fields against its category table.
fn fit<'c>(
    layout: &Layout,
    code: &'c str,
    region: Option<&Region>,
    placeholders: &[String],
) -> std::result::Result<Parts<'c>, Miss<'c>> {
    if code.is_empty() {
        return Err(Miss::Empty);
    }
    let parts = if layout.separator.is_empty() {
        split_fixed(code, &layout.fields)?
    } else {
        split_separated(code, &layout.separator, &layout.fields)?
    };
    if let Some(region) = region {
        for (i, (f, p)) in layout.fields.iter().zip(parts.vals.iter()).enumerate() {
            if f.known && !p.is_empty() && region.category(p).is_none() {
                return Err(Miss::UnknownKey { field: i, key: p });
            }
        }
    }
    for (i, (f, p)) in layout.fields.iter().zip(parts.vals.iter()).enumerate() {
        let placeholder = || placeholders.iter().any(|pre| p.starts_with(pre.as_str()));
        let checked = f.check == Some(Check::OrgCode) && p.len() == 9;
        if checked && !body_code_checks(p) && !placeholder() {
            return Err(Miss::FieldCheck { field: i, value: p });
        }
    }
    Ok(parts)
}

/// Checks a field's characters.
fn check_chars<'c>(part: &str, i: usize, f: &FieldSpec) -> std::result::Result<(), Miss<'c>> {
    // Most parts are ASCII digits and capitals: checked byte by byte, without decoding.
    let ascii_ok = match f.chars {
        CharClass::Digits => part.bytes().all(|b| b.is_ascii_digit()),
        CharClass::Alnum => part.bytes().all(is_code_byte),
        CharClass::Han => false,
    };
    if ascii_ok {
        return Ok(());
    }
    match part.chars().find(|&c| !f.chars.allows(c)) {
        Some(ch) => Err(Miss::FieldChar { field: i, ch }),
        None => Ok(()),
    }
}

fn split_separated<'c>(
    code: &'c str,
    sep: &str,
    fields: &[FieldSpec],
) -> std::result::Result<Parts<'c>, Miss<'c>> {
    let required = fields.iter().filter(|f| !f.optional).count();
    let got = code.split(sep).count();
    if got < required || got > fields.len() {
        return Err(Miss::Parts { want: fields.len(), got });
    }
    let mut parts = Parts::new();
    for (i, (p, f)) in code.split(sep).zip(fields).enumerate() {
        let n = p.chars().count();
        if !f.len.contains(&n) {
            return Err(Miss::FieldLength { field: i, got: n });
        }
        check_chars(p, i, f)?;
        parts.push(p);
    }
    while parts.len < fields.len() && parts.push("") {}
    Ok(parts)
}

fn split_fixed<'c>(
    code: &'c str,
    fields: &[FieldSpec],
) -> std::result::Result<Parts<'c>, Miss<'c>> {
    if !code.is_ascii() {
        // Fixed-width fields count bytes below; a non-ASCII code fits no fixed layout.
        let ch = code.chars().find(|c| !c.is_ascii()).unwrap_or('?');
        return Err(Miss::FieldChar { field: 0, ch });
    }
    let mut parts = Parts::new();
    let mut first_miss = None;
    if fit_fixed(code, fields, 0, &mut parts, &mut first_miss) {
        return Ok(parts);
    }
    // ASCII: as many characters as bytes.
    Err(first_miss.unwrap_or(Miss::Length(code.len())))
}

/// Backtracking over the allowed lengths of each field (layouts have few fields and lengths);
/// an optional field may also be left out.
fn fit_fixed<'c>(
    rest: &'c str,
    fields: &[FieldSpec],
    index: usize,
    parts: &mut Parts<'c>,
    miss: &mut Option<Miss<'c>>,
) -> bool {
    let Some((f, more)) = fields.split_first() else { return rest.is_empty() };
    let min_tail: usize =
        more.iter().filter(|f| !f.optional).filter_map(|f| f.len.iter().min()).sum();
    let max_tail: usize = more.iter().filter_map(|f| f.len.iter().max()).sum();
    let absent = f.optional.then_some(0);
    for n in f.len.iter().copied().chain(absent) {
        let (Some(part), Some(tail)) = (rest.get(..n), rest.get(n..)) else { continue };
        if tail.len() < min_tail || tail.len() > max_tail {
            continue;
        }
        if let Err(m) = check_chars(part, index, f) {
            miss.get_or_insert(m);
            continue;
        }
        let mark = parts.len;
        if !parts.push(part) {
            return false;
        }
        if fit_fixed(tail, more, index + 1, parts, miss) {
            return true;
        }
        parts.len = mark;
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
            CodeProblem::Length(11).message(crate::vocab::Lang::Zh),
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
        let mut l = l;
        assert!(l.resolve().is_ok());
        assert_eq!(l.regions.len(), 5);
        let b: Bodies = toml::from_str(BODIES_TOML).unwrap();
        assert!(b.check().is_ok() && !b.departments.is_empty());
        assert_eq!(CodeLayouts::builtin().bodies.departments, b.departments);
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
        assert!(e.contains("31或33位连写实施编码：长度30位不符"), "{e}");
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
        assert!(e.contains("分段实施编码（基本编码-区划代码-000-统一社会信用代码-序号-后缀）：应有6段，实有8段"), "{e}");
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
        assert_eq!((fit, miss), (986, 149));
        // Legacy codes (G-000007-001-…, 1J-5100-…) and dashed organisation codes (00877868-5)
        // have the wrong number of parts; the others carry a 7-, 8-, 10-, 12-, 13- or
        // 17-character body code where the 18-character credit code (or the 9-character
        // 组织机构代码, 15 of them, each with its right check character) belongs.
        assert_eq!((parts, credit_len), (37, 112));
    }

    fn base(
        jurisdiction: &str,
        code: &str,
    ) -> std::result::Result<(String, Option<CategoryRule>, Option<String>), String> {
        let l = CodeLayouts::builtin();
        let region = l.region_for(jurisdiction).unwrap();
        let norm = normalize_code(code);
        l.read_base(region, &norm)
            .map(|p| {
                let key = p.category.map(str::to_string);
                let rule = p.category.and_then(|k| region.category(k));
                (l.base_layouts[p.layout].name.clone(), rule, key)
            })
            .map_err(|e| e.message(crate::vocab::Lang::Zh))
    }

    #[test]
    fn regions_by_division_prefix_or_named() {
        let l = CodeLayouts::builtin();
        let name = |j: &str| {
            let r = l.region_for(j).unwrap();
            l.regions.iter().find(|(_, x)| std::ptr::eq(*x, r)).map(|(n, _)| n.clone()).unwrap()
        };
        assert_eq!(name("450102"), "national");
        assert_eq!(name("440106"), "guangdong");
        assert_eq!(name("330302"), "zhejiang");
        assert_eq!(name("511602000000"), "sichuan");
        assert_eq!(name("210000"), "liaoning");
        assert_eq!(name(""), "national");
        let mut forced = l.clone();
        forced.region = Some("guangdong".into());
        assert!(std::ptr::eq(forced.region_for("450102").unwrap(), &forced.regions["guangdong"]));
    }

    #[test]
    fn national_and_guangdong_tables() {
        use CategoryRule::*;
        assert_eq!(base("450102", "000104002000").unwrap().1, Some(Is(Category::Licensing)));
        assert_eq!(base("450102", "452001001000").unwrap().1, Some(Is(Category::PublicService)));
        assert_eq!(base("450102", "452199001000").unwrap().1, None);
        assert_eq!(base("440106", "442011001000").unwrap().1, Some(Is(Category::Other)));
        assert_eq!(base("440106", "442111001000").unwrap().1, Some(Is(Category::PublicService)));
        assert_eq!(base("210000", "219964005000").unwrap().1, Some(Any));
        assert_eq!(base("450102", "219964005000").unwrap().1, None);
        let e = base("450102", "45010100100").unwrap_err();
        assert!(e.contains("12位基本编码：长度11位不符"), "{e}");
    }

    /// Every 权力基本码 of the Wenzhou sample fits the Zhejiang layout, the full-width dash and
    /// the leading space being formatting.
    #[test]
    fn zhejiang_sample_codes() {
        let text = include_str!("../../tests/fixtures/formats/zhejiang/codes.csv");
        let mut n = 0;
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let (layout, rule, key) =
                base("330300", line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(layout, "zhejiang", "{line}");
            assert!(rule.is_some(), "{line}: {key:?}");
            n += 1;
        }
        assert_eq!(n, 172);
        assert_eq!(normalize_code("许可-00077-025－01"), "许可-00077-025-01");
        assert_eq!(normalize_code(" 奖励-00008-000"), "奖励-00008-000");
        assert_eq!(normalize_code("许可—00077–025"), "许可-00077-025");
        let (_, rule, key) = base("330300", "审核转报-00663-000").unwrap();
        assert_eq!((rule, key.as_deref()), (Some(CategoryRule::Any), Some("审核转报")));
        assert_eq!(
            base("330300", "许可-00077-008-01").unwrap().1,
            Some(CategoryRule::Is(Category::Licensing))
        );
        // National codes keep their digits in Zhejiang.
        assert_eq!(base("330300", "000104002000").unwrap().0, "national");
        // A word outside the table, a short main item, a part too many: malformed.
        let e = base("330300", "其它-02635-001").unwrap_err();
        assert!(e.contains("类型位“其它”不在本地区的类型表中"), "{e}");
        assert!(base("330300", "许可-0077-008").unwrap_err().contains("主项应为5位"));
        assert!(base("330300", "许可-00077-008-01-02").is_err());
        assert!(base("330300", "许可-00077").is_err());
        // Outside Zhejiang the national layout alone applies.
        assert!(base("450102", "许可-00077-008-01").is_err());
    }

    #[test]
    fn sichuan_base_codes() {
        use CategoryRule::*;
        assert_eq!(base("511602", "511A0138000000").unwrap().1, Some(Is(Category::Licensing)));
        assert_eq!(base("511602", "511Z07001006").unwrap().1, Some(Is(Category::Other)));
        assert_eq!(base("511602", "512B0068500019").unwrap().1, Some(Is(Category::PublicService)));
        assert_eq!(base("511602", "512012002012").unwrap().1, Some(Is(Category::PublicService)));
        assert_eq!(base("511602", "513A0001000000").unwrap().1, Some(Any));
        assert_eq!(base("511602", "000104002000").unwrap().1, Some(Is(Category::Licensing)));
        assert_eq!(base("511602", "511B0001000000").unwrap().1, None);
        assert!(base("511602", "G-000007-001").is_err());
        assert!(base("511602", "511A013800000").is_err());
        // The embedded base codes of the Sichuan sample agree with its taskType wherever the
        // table names a category, but once.
        let text = crate::value::real_data("sichuan-guangan-bszl/items.csv");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let (mut agree, mut any, mut differ) = (0, 0, Vec::new());
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let Ok((c, _)) = CodeLayouts::builtin().parse(&rec[3]) else { continue };
            let task = Category::parse(&rec[4]).unwrap();
            match base("511602", &c.base).unwrap().1 {
                Some(Is(cat)) if cat == task => agree += 1,
                Some(Is(_)) => differ.push(c.base.clone()),
                Some(Any) => any += 1,
                None => panic!("{}", &rec[3]),
            }
        }
        // One real disagreement: a 其他 (1Z) code on a 行政裁决 row.
        assert_eq!(differ, ["511Z0100400001"]);
        assert_eq!((agree, any), (966, 19));
    }

    #[test]
    fn body_codes_carry_their_check_character() {
        // Real codes: Guangxi (shared/data/real/guangxi-lingshan-task-sample) and Sichuan
        // (sichuan-guangan-bszl: 115113010833722043 of 区教科体局 and the 组织机构代码 083372204
        // it embeds).
        for good in ["11450721MB15580811", "11450721348531435D", "115113010833722043", "083372204"]
        {
            assert!(body_code_checks(good), "{good}");
        }
        for bad in ["11450721MB15580812", "115113010833722044", "083372205", "11450721MB1558081I"] {
            assert!(!body_code_checks(bad), "{bad}");
        }
        // A 组织机构代码 with a wrong check character refuses the code.
        let layouts = CodeLayouts::builtin();
        assert!(layouts.parse("511A0138000000-511602000000-000-083372204-1-00").is_ok());
        let e = layouts.parse("511A0138000000-511602000000-000-083372205-1-00").unwrap_err();
        assert!(e.message(crate::vocab::Lang::Zh).contains("校验位不符"), "{e:?}");
    }

    /// ywcode of the Guangxi sample: the 31-character task code and a 2-digit 办理项.
    #[test]
    fn thirty_three_character_codes_carry_their_handling_item() {
        let c = ImplCode::parse("11450721MB15580811400014100500001").unwrap();
        assert_eq!(c.base, "000141005000");
        assert_eq!(c.level, 4);
        assert_eq!(c.handling_item(), Some("01"));
        assert_eq!(c.division.as_deref(), Some("450721"));
        let c = ImplCode::parse("11450721MB15580811400014100500002").unwrap();
        assert_eq!(c.handling_item(), Some("02"));
        assert_eq!(
            ImplCode::parse("11450721MB155808114000141005000").unwrap().handling_item(),
            None
        );
        assert!(ImplCode::parse("11450721MB1558081140001410050000").is_err());
        assert!(ImplCode::parse("11450721MB155808114000141005000AB").is_err());
        let text = crate::value::real_data("guangxi-lingshan-task-sample/tasks.csv");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let h = rdr.headers().unwrap().clone();
        let (tc, yw) = (
            h.iter().position(|x| x == "task_code").unwrap(),
            h.iter().position(|x| x == "ywcode").unwrap(),
        );
        let mut with_item = 0;
        for rec in rdr.records() {
            let rec = rec.unwrap();
            if rec[yw].is_empty() {
                continue;
            }
            let c = ImplCode::parse(&rec[yw]).unwrap();
            let t = ImplCode::parse(&rec[tc]).unwrap();
            assert_eq!((c.credit, c.level, c.base), (t.credit, t.level, t.base));
            assert!(c.item.is_some());
            with_item += 1;
        }
        assert_eq!(with_item, 3);
    }

    #[test]
    fn bodies_outside_their_division() {
        let b = &CodeLayouts::builtin().bodies;
        assert!(b.may_be_outside("南宁海关", Some("450100")));
        assert!(b.may_be_outside("国家税务总局广安市广安区税务局", None));
        assert!(b.may_be_outside("南宁高新区管委会", None));
        assert!(b.may_be_outside("某局", Some("100000")));
        assert!(!b.may_be_outside("兴宁区市场监督管理局", Some("450103")));
        assert!(!b.may_be_outside("", None));
        let p = Bodies { departments: vec![], divisions: vec!["4501*".into()] };
        assert!(p.may_be_outside("", Some("450199")) && !p.may_be_outside("", Some("450200")));
    }

    #[test]
    fn bad_tables_name_file_key_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let load = |codes: &str| {
            std::fs::write(dir.path().join("codes.toml"), codes).unwrap();
            CodeLayouts::load(Some(dir.path())).map(|_| ()).unwrap_err().to_string()
        };
        let with = |extra: &str| CODES_TOML.replace("region = \"auto\"", extra);
        let e = load(&with("region = \"hunan\""));
        assert!(e.contains("codes.toml") && e.contains("hunan") && e.contains(":"), "{e}");
        let e = load(&CODES_TOML.replace("\"09\" = \"行政裁决\"", "\"09\" = \"行政判决\""));
        assert!(e.contains("行政判决"), "{e}");
        let e = load(
            &CODES_TOML.replace("base_layouts = [\"sichuan\"]", "base_layouts = [\"sichuan2\"]"),
        );
        assert!(e.contains("sichuan2"), "{e}");
        let e = load(&CODES_TOML.replace("divisions = [\"33\"]", "divisions = [\"44\"]"));
        assert!(e.contains("two regions"), "{e}");
        let e =
            load(&format!("{CODES_TOML}\n[regions.x]\nbase_layouts = [\"national\"]\nfoo = 1\n"));
        assert!(e.contains("foo"), "{e}");
        std::fs::write(dir.path().join("codes.toml"), CODES_TOML).unwrap();
        std::fs::write(
            dir.path().join("bodies.toml"),
            "departments = [\"海关\"]\ndivisions = [\"10x\"]\n",
        )
        .unwrap();
        let e = CodeLayouts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("bodies.toml:2"), "{e}");
        std::fs::write(dir.path().join("bodies.toml"), "department = []\n").unwrap();
        let e = CodeLayouts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("bodies.toml:1"), "{e}");
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
        fn guangxi_codes_round_trip(body in "[0-9A-HJ-NPQRTUWXY]{17}", level in 1u8..=5, base in "[0-9A-Z]{12}") {
            // The credit code's check character is the one of the 31 that checks.
            let credit = "0123456789ABCDEFGHJKLMNPQRTUWXY"
                .chars()
                .map(|c| format!("{body}{c}"))
                .find(|c| body_code_checks(c))
                .unwrap();
            let c = ImplCode::parse(&format!("{credit}{level}{base}")).unwrap();
            proptest::prop_assert_eq!(c.credit, credit);
            proptest::prop_assert_eq!(c.level, level);
            proptest::prop_assert_eq!(c.base, base);
        }
    }
}
