//! The law registry: laws, regulations and rules with their status (有效 / 已修改 / 已废止 / 失效),
//! dates, what replaced them and article renumbering, built from ../shared/data/laws/ into
//! rules/laws.csv and rules/renumbering.csv (by tools/build_laws.py) and embedded in the binary.

use std::path::Path;
use std::sync::{OnceLock, RwLock};

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::rulesdir::{rules_file, RulesText};

/// The embedded registry tables; `--rules DIR` may override each file.
const LAWS_CSV: &str = include_str!("../rules/laws.csv");
const RENUMBERING_CSV: &str = include_str!("../rules/renumbering.csv");

/// Columns of rules/laws.csv, in order (tools/build_laws.py writes them).
const LAWS_HEADER: [&str; 9] = [
    "title",
    "short_title",
    "type",
    "status",
    "effective_date",
    "repeal_date",
    "replaced_by",
    "source",
    "version",
];
/// Columns of rules/renumbering.csv, in order.
const RENUMBERING_HEADER: [&str; 5] =
    ["old_law", "old_article", "new_law", "new_article", "source"];

/// The prefix most national laws carry in their full title and county lists often omit.
const PRC: &str = "中华人民共和国";

/// Status of a law in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LawStatus {
    /// 有效
    InForce,
    /// 已修改: an older version of a title that has a newer one.
    Amended,
    /// 已废止
    Repealed,
    /// 失效
    Expired,
}

impl LawStatus {
    /// Reads the status word used in rules/laws.csv.
    pub fn parse(word: &str) -> Option<LawStatus> {
        match word {
            "有效" => Some(LawStatus::InForce),
            "已修改" => Some(LawStatus::Amended),
            "已废止" => Some(LawStatus::Repealed),
            "失效" => Some(LawStatus::Expired),
            _ => None,
        }
    }

    /// The status word (有效, 已修改, 已废止, 失效).
    pub fn as_str(self) -> &'static str {
        match self {
            LawStatus::InForce => "有效",
            LawStatus::Amended => "已修改",
            LawStatus::Repealed => "已废止",
            LawStatus::Expired => "失效",
        }
    }
}

/// One law as the registry knows it (one version of a title).
#[derive(Debug, Clone)]
pub struct Law {
    /// Full title (中华人民共和国食品安全法).
    pub title: String,
    /// Short title (食品安全法).
    pub short_title: String,
    /// 法律 / 行政法规 / 部门规章 / ...
    pub kind: String,
    pub status: LawStatus,
    pub effective: Option<String>,
    /// Date of repeal or supersession.
    pub repealed_on: Option<String>,
    /// What replaced it (中华人民共和国民法典).
    pub replaced_by: Option<String>,
    /// Where the facts came from.
    pub source: String,
    /// Which version of the title: its publication date (2021-04-29), when known.
    pub version: Option<String>,
}

/// One article of an old law and where it went.
#[derive(Debug, Clone)]
pub struct Renumbering {
    /// The law as named in the source (中华人民共和国合同法).
    pub old_law: String,
    /// The old article as written, possibly with a paragraph (第二十七条第一款).
    pub old_article: String,
    /// The article number of `old_article` (27).
    pub old_number: u32,
    /// The law it went to (中华人民共和国民法典).
    pub new_law: String,
    /// The new article text (第五百七十七条).
    pub new_article: String,
    /// Where the mapping came from.
    pub source: String,
}

/// The registry.
#[derive(Debug, Default)]
pub struct LawRegistry {
    /// Sorted by title, then version, as in rules/laws.csv.
    laws: Vec<Law>,
    /// `law_key` of each full and short title → indices into `laws`.
    by_key: FxHashMap<String, Vec<usize>>,
    renumberings: Vec<Renumbering>,
    /// (`law_key` of the old law, old article number) → indices into `renumberings`.
    renumbered_by: FxHashMap<(String, u32), Vec<usize>>,
    /// `lookup` results by title as written (index into `laws`): a province cites a few hundred
    /// distinct titles a million times, and `law_key` (NFKC) per citation was ~8% of a check.
    lookups: RwLock<FxHashMap<Box<str>, Option<usize>>>,
}

/// Titles `lookup` remembers at most; past that it computes (a hostile dataset of all distinct
/// titles must not grow the memo without bound).
const LOOKUP_MEMO_MAX: usize = 1 << 16;

impl LawRegistry {
    /// The registry embedded in the binary, parsed once.
    pub fn bundled() -> &'static LawRegistry {
        static BUNDLED: OnceLock<LawRegistry> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            // The embedded tables are fixed at build time and a unit test parses them, so this
            // cannot fail on any user input.
            LawRegistry::load(None)
                .expect("the embedded rules/laws.csv and rules/renumbering.csv are valid")
        })
    }

    /// The embedded registry, or the one in `--rules DIR` (laws.csv and renumbering.csv there
    /// override the embedded files one by one). A malformed row is an `Error::Rules` naming the
    /// file and line.
    pub fn load(rules_dir: Option<&Path>) -> Result<LawRegistry> {
        let laws = rules_file(rules_dir, "laws.csv", LAWS_CSV)?;
        let renumbering = rules_file(rules_dir, "renumbering.csv", RENUMBERING_CSV)?;
        LawRegistry::from_texts(&laws, &renumbering)
    }

    /// Parses the two tables.
    fn from_texts(laws_text: &RulesText, renumbering_text: &RulesText) -> Result<LawRegistry> {
        let mut registry = LawRegistry::default();
        let mut seen: FxHashMap<(String, Option<String>), u64> = FxHashMap::default();
        for_each_row(laws_text, &LAWS_HEADER, |line, f| {
            let status = LawStatus::parse(f[3]).ok_or_else(|| {
                rules_error(
                    laws_text,
                    line,
                    format!("unknown status `{}` (expected 有效, 已修改, 已废止 or 失效)", f[3]),
                )
            })?;
            if f[0].trim().is_empty() {
                return Err(rules_error(laws_text, line, "empty title".into()));
            }
            for (column, value) in
                [("effective_date", f[4]), ("repeal_date", f[5]), ("version", f[8])]
            {
                if !value.is_empty() && !is_date(value) {
                    return Err(rules_error(
                        laws_text,
                        line,
                        format!("{column} `{value}` is not a date (YYYY-MM-DD)"),
                    ));
                }
            }
            let law = Law {
                title: f[0].to_string(),
                short_title: f[1].to_string(),
                kind: f[2].to_string(),
                status,
                effective: non_empty(f[4]),
                repealed_on: non_empty(f[5]),
                replaced_by: non_empty(f[6]),
                source: f[7].to_string(),
                version: non_empty(f[8]),
            };
            let identity = (law.title.clone(), law.version.clone());
            if let Some(first) = seen.insert(identity, line) {
                return Err(rules_error(
                    laws_text,
                    line,
                    format!(
                        "`{}` version `{}` listed twice (first on line {first})",
                        law.title, f[8]
                    ),
                ));
            }
            registry.laws.push(law);
            Ok(())
        })?;
        // Sorted like the file, so lookups that tie pick the same row every run.
        registry.laws.sort_by(|a, b| (&a.title, &a.version).cmp(&(&b.title, &b.version)));
        for (i, law) in registry.laws.iter().enumerate() {
            let mut keys = vec![law_key(&law.title)];
            if !law.short_title.is_empty() {
                keys.push(law_key(&law.short_title));
            }
            keys.dedup();
            for key in keys {
                registry.by_key.entry(key).or_default().push(i);
            }
        }

        for_each_row(renumbering_text, &RENUMBERING_HEADER, |line, f| {
            let old_number = parse_article(f[1]).ok_or_else(|| {
                rules_error(renumbering_text, line, format!("old_article `{}` is not 第…条", f[1]))
            })?;
            if f[0].trim().is_empty() || f[2].trim().is_empty() || f[3].trim().is_empty() {
                return Err(rules_error(
                    renumbering_text,
                    line,
                    "old_law, new_law and new_article must not be empty".into(),
                ));
            }
            registry.renumberings.push(Renumbering {
                old_law: f[0].to_string(),
                old_article: f[1].to_string(),
                old_number,
                new_law: f[2].to_string(),
                new_article: f[3].to_string(),
                source: f[4].to_string(),
            });
            Ok(())
        })?;
        for (i, r) in registry.renumberings.iter().enumerate() {
            registry.renumbered_by.entry((law_key(&r.old_law), r.old_number)).or_default().push(i);
        }
        Ok(registry)
    }

    /// Number of rows (title versions) in the registry.
    pub fn len(&self) -> usize {
        self.laws.len()
    }

    /// True when the registry has no laws.
    pub fn is_empty(&self) -> bool {
        self.laws.is_empty()
    }

    /// Every row, sorted by title and version.
    pub fn iter(&self) -> impl Iterator<Item = &Law> {
        self.laws.iter()
    }

    /// Looks a law up by full or short title (食品安全法 = 中华人民共和国食品安全法), tolerant of
    /// 《》〈〉<>, full-width forms, whitespace, the 中华人民共和国 prefix and version suffixes such
    /// as （2018修正）. When a title has several versions, the one in force wins, then the newest.
    pub fn lookup(&self, title: &str) -> Option<&Law> {
        // A poisoned lock (a panic elsewhere while holding it) only costs the memo.
        let memo = self.lookups.read().ok().and_then(|m| m.get(title).copied());
        if let Some(found) = memo {
            return found.and_then(|i| self.laws.get(i));
        }
        let found = self.lookup_index(title);
        if let Ok(mut memo) = self.lookups.write() {
            if memo.len() < LOOKUP_MEMO_MAX {
                memo.insert(title.into(), found);
            }
        }
        found.and_then(|i| self.laws.get(i))
    }

    /// [`lookup`](Self::lookup) without the memo: the index of the best version.
    fn lookup_index(&self, title: &str) -> Option<usize> {
        fn rank(law: &Law) -> (bool, Option<&str>) {
            (law.status == LawStatus::InForce, law.version.as_deref())
        }
        let mut best: Option<usize> = None;
        for &i in self.indices(title) {
            let Some(law) = self.laws.get(i) else { continue };
            // Strictly better only: on a tie the first in file order stays.
            if best.and_then(|b| self.laws.get(b)).is_none_or(|b| rank(law) > rank(b)) {
                best = Some(i);
            }
        }
        best
    }

    /// Every version the registry has of a title (same tolerant matching as `lookup`), in
    /// file order.
    pub fn versions(&self, title: &str) -> Vec<&Law> {
        self.indices(title).iter().filter_map(|&i| self.laws.get(i)).collect()
    }

    /// The rows matching a title: by its key, else by the key without a trailing parenthesis
    /// (中华人民共和国民法典（合同编） → 民法典).
    fn indices(&self, title: &str) -> &[usize] {
        let key = law_key(title);
        if let Some(found) = self.by_key.get(&key) {
            return found;
        }
        match strip_trailing_paren(&key).and_then(|shorter| self.by_key.get(shorter)) {
            Some(found) => found,
            None => &[],
        }
    }

    /// Whether a title is repealed: known, with no version in force, and some version
    /// 已废止 or 失效. An unknown title is not repealed (we cannot say).
    pub fn is_repealed(&self, title: &str) -> bool {
        let versions = self.versions(title);
        !versions.iter().any(|l| l.status == LawStatus::InForce)
            && versions.iter().any(|l| matches!(l.status, LawStatus::Repealed | LawStatus::Expired))
    }

    /// Where an article of a replaced or renumbered law went: (new title, new article text such as
    /// 第四百六十四条), when known. When the article was split by paragraph (第二十七条第一款 →
    /// 第三十二条, 第二款 → 第三十三条第一款), the new articles are joined with 、.
    pub fn renumbered(&self, title: &str, article: u32) -> Option<(String, String)> {
        let found = self.renumberings(title, article);
        let first = found.first()?;
        let mut articles: Vec<&str> = Vec::new();
        for r in &found {
            if !articles.contains(&r.new_article.as_str()) {
                articles.push(&r.new_article);
            }
        }
        Some((first.new_law.clone(), articles.join("、")))
    }

    /// Every known mapping of one article of a law (several when it was split by paragraph).
    pub fn renumberings(&self, title: &str, article: u32) -> Vec<&Renumbering> {
        let key = law_key(title);
        let mut found = self.renumbered_by.get(&(key.clone(), article));
        if found.is_none() {
            if let Some(shorter) = strip_trailing_paren(&key) {
                found = self.renumbered_by.get(&(shorter.to_string(), article));
            }
        }
        found
            .map(|ids| ids.iter().filter_map(|&i| self.renumberings.get(i)).collect())
            .unwrap_or_default()
    }
}

/// The tolerant matching key of a title: NFKC (full-width to half-width), no whitespace, no
/// quotation brackets (《》〈〉<>「」“”) or 、·, version parentheses dropped, and 中华人民共和国
/// removed wherever it stands (so 最高人民法院关于适用《中华人民共和国民事诉讼法》的解释 and its
/// short form 最高人民法院关于适用《民事诉讼法》的解释 agree). tools/build_laws.py has the same
/// function.
pub fn law_key(title: &str) -> String {
    let mut s: String = title
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .filter(|c| {
            !matches!(
                c,
                '《' | '》'
                    | '〈'
                    | '〉'
                    | '<'
                    | '>'
                    | '「'
                    | '」'
                    | '“'
                    | '”'
                    | '"'
                    | '\''
                    | '、'
                    | '·'
            )
        })
        .map(|c| match c {
            '【' => '(',
            '】' => ')',
            c => c,
        })
        .collect();
    strip_version_suffix(&mut s);
    s.replace(PRC, "")
}

/// Words that mark a trailing parenthesis as a version or order number, not part of the title.
const VERSION_WORDS: [&str; 8] = ["修正", "修订", "修改", "版", "施行", "公布", "令", "号"];

/// Drops trailing parentheses that name a version: （2018修正）, (2021-04-29版),
/// （原国家食药监总局令第17号）. （五） or （合同编） stay. `s` is already NFKC.
fn strip_version_suffix(s: &mut String) {
    while let Some(start) = trailing_paren_start(s) {
        let inner = s.get(start + 1..s.len() - 1).unwrap_or("");
        let has_year = inner.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit));
        if has_year || VERSION_WORDS.iter().any(|w| inner.contains(w)) {
            s.truncate(start);
        } else {
            break;
        }
    }
}

/// The byte offset of the `(` opening a trailing `(...)`, unless it opens the whole string.
fn trailing_paren_start(s: &str) -> Option<usize> {
    if !s.ends_with(')') {
        return None;
    }
    match s.rfind('(') {
        Some(start) if start > 0 => Some(start),
        _ => None,
    }
}

/// A key without its trailing parenthesis (民法典(合同编) → 民法典), if it has one.
fn strip_trailing_paren(key: &str) -> Option<&str> {
    trailing_paren_start(key).and_then(|start| key.get(..start))
}

/// The article number of 第四百六十四条, 第一百零七条, 第27条 or 第二十七条第一款 (the
/// leading 第…条). `None` when the text does not start with one.
pub fn parse_article(text: &str) -> Option<u32> {
    let text: String = text.trim().nfkc().collect();
    let rest = text.strip_prefix('第')?;
    let end = rest.find('条')?;
    parse_chinese_number(rest.get(..end)?)
}

/// A small numeral parser for article numbers: Arabic digits, or Chinese numerals up to
/// 九千九百九十九 (零/〇, 两 accepted; 十二 = 12). Units must fall (一千二百 yes, 二百一千 no).
fn parse_chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let mut total: u32 = 0;
    let mut digit: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for c in s.chars() {
        let value = match c {
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(v) = value {
            if digit.is_some_and(|d| d != 0) {
                return None; // two digits in a row (二三)
            }
            digit = Some(v);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        if unit >= last_unit {
            return None;
        }
        // Only 十 may stand without its digit (十二 = 12); 百十 is not a number.
        let multiplier = match digit {
            Some(d) => d,
            None if unit == 10 && last_unit == u32::MAX => 1,
            None => return None,
        };
        total = total.checked_add(multiplier.checked_mul(unit)?)?;
        digit = None;
        last_unit = unit;
    }
    let before_last = s.chars().rev().nth(1);
    match digit {
        // A trailing digit counts units only after 十, after 零, or alone (十二, 一百零五, 五).
        Some(d)
            if last_unit == 10
                || last_unit == u32::MAX
                || matches!(before_last, Some('零' | '〇')) =>
        {
            total.checked_add(d)
        }
        // 一百五 is colloquial for 150, not how an article is written: refuse rather than guess.
        Some(_) => None,
        None => Some(total),
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// YYYY-MM-DD.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn rules_error(rules: &RulesText, line: u64, message: String) -> Error {
    Error::Rules { file: rules.label.clone(), line: Some(line), column: None, key: None, message }
}

/// Reads a rules CSV: checks the header, then calls `row` with the 1-based line and the fields
/// of each record, which has exactly `header.len()` fields.
fn for_each_row(
    rules: &RulesText,
    header: &[&str],
    mut row: impl FnMut(u64, &[&str]) -> Result<()>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(rules.text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut first = true;
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            rules_error(rules, line, format!("unreadable CSV: {e}"))
        })?;
        if !more {
            break;
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let fields: Vec<&str> = record.iter().collect();
        if first {
            first = false;
            let found: Vec<&str> =
                fields.iter().map(|f| f.trim_start_matches('\u{feff}')).collect();
            if found != header {
                return Err(rules_error(
                    rules,
                    line,
                    format!("header must be `{}`, found `{}`", header.join(","), found.join(",")),
                ));
            }
            continue;
        }
        if fields.len() == 1 && fields[0].trim().is_empty() {
            continue; // a blank line
        }
        if fields.len() != header.len() {
            return Err(rules_error(
                rules,
                line,
                format!(
                    "{} fields, expected {} ({})",
                    fields.len(),
                    header.len(),
                    header.join(",")
                ),
            ));
        }
        row(line, &fields)?;
    }
    if first {
        return Err(rules_error(
            rules,
            1,
            format!("empty file; header must be `{}`", header.join(",")),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn texts(laws: &str, renumbering: &str) -> (RulesText, RulesText) {
        (
            RulesText { label: "laws.csv".into(), text: Cow::Owned(laws.into()) },
            RulesText { label: "renumbering.csv".into(), text: Cow::Owned(renumbering.into()) },
        )
    }

    const LAWS_HEAD: &str =
        "title,short_title,type,status,effective_date,repeal_date,replaced_by,source,version\n";
    const RENUM_HEAD: &str = "old_law,old_article,new_law,new_article,source\n";

    #[test]
    fn embedded_tables_parse() {
        let registry = LawRegistry::bundled();
        assert!(registry.len() > 3000, "only {} laws", registry.len());
        assert!(registry.renumberings.len() > 1000);
    }

    #[test]
    fn key_tolerates_brackets_width_prefix_and_version() {
        let plain = law_key("食品安全法");
        assert_eq!(plain, "食品安全法");
        for variant in [
            "中华人民共和国食品安全法",
            "《中华人民共和国食品安全法》",
            "〈食品安全法〉",
            "<食品安全法>",
            " 中华人民共和国 食品安全法 ",
            "《中华人民共和国食品安全法（2018修正）》",
            "食品安全法(2021年4月29日修正版)",
            "食品安全法【2015修订】",
        ] {
            assert_eq!(law_key(variant), plain, "{variant}");
        }
        // A numbered part is part of the title, not a version.
        assert_ne!(law_key("公司法若干问题的规定（五）"), law_key("公司法若干问题的规定（四）"));
        assert_eq!(law_key("公司法若干问题的规定（五）"), "公司法若干问题的规定(五)");
        // A string that is all parenthesis keeps it.
        assert_eq!(law_key("（2018修正）"), "(2018修正)");
    }

    #[test]
    fn articles_parse() {
        assert_eq!(parse_article("第四百六十四条"), Some(464));
        assert_eq!(parse_article("第一百零七条"), Some(107));
        assert_eq!(parse_article("第十条"), Some(10));
        assert_eq!(parse_article("第二十条"), Some(20));
        assert_eq!(parse_article("第一千二百六十条"), Some(1260));
        assert_eq!(parse_article("第一千零一十条"), Some(1010));
        assert_eq!(parse_article("第二十七条第一款"), Some(27));
        assert_eq!(parse_article("第一百三十五条（二年）"), Some(135));
        assert_eq!(parse_article("第27条"), Some(27));
        assert_eq!(parse_article("第２７条"), Some(27));
        assert_eq!(parse_article("第五条"), Some(5));
        for bad in
            ["", "第条", "二十七条", "第二三条", "第百十条", "第一百五条", "第十千条", "第X条"]
        {
            assert_eq!(parse_article(bad), None, "{bad}");
        }
    }

    #[test]
    fn lookup_prefers_in_force_version() {
        let laws = format!(
            "{LAWS_HEAD}中华人民共和国甲法,甲法,法律,已修改,2010-01-01,2020-01-01,,t,2009-06-01\n\
             中华人民共和国甲法,甲法,法律,有效,2020-01-01,,,t,2019-06-01\n\
             中华人民共和国甲法,甲法,法律,已修改,2005-01-01,2010-01-01,,t,2004-06-01\n"
        );
        let (l, r) = texts(&laws, RENUM_HEAD);
        let registry = LawRegistry::from_texts(&l, &r).unwrap();
        assert_eq!(registry.len(), 3);
        let found = registry.lookup("甲法（2009修正）").unwrap();
        assert_eq!(found.version.as_deref(), Some("2019-06-01"));
        assert_eq!(found.status, LawStatus::InForce);
        assert!(!registry.is_repealed("甲法"));
        assert_eq!(registry.versions("《中华人民共和国甲法》").len(), 3);
        assert!(registry.lookup("乙法").is_none());
        assert!(!registry.is_repealed("乙法"));
        // Remembered answers are the computed ones, found or not, however often asked.
        for _ in 0..3 {
            let again = registry.lookup("甲法（2009修正）").unwrap();
            assert_eq!(again.version.as_deref(), Some("2019-06-01"));
            assert!(registry.lookup("乙法").is_none());
        }
        assert_eq!(registry.lookups.read().unwrap().len(), 2);
    }

    #[test]
    fn repealed_only_when_no_version_in_force() {
        let laws = format!(
            "{LAWS_HEAD}乙条例,乙条例,行政法规,已废止,,2022-01-01,丙条例,t,2001-01-01\n\
             乙条例,乙条例,行政法规,已修改,,2001-01-01,,t,1990-01-01\n"
        );
        let (l, r) = texts(&laws, RENUM_HEAD);
        let registry = LawRegistry::from_texts(&l, &r).unwrap();
        assert!(registry.is_repealed("乙条例"));
        let found = registry.lookup("乙条例").unwrap();
        assert_eq!(found.replaced_by.as_deref(), Some("丙条例"));
        assert_eq!(found.version.as_deref(), Some("2001-01-01"));
    }

    #[test]
    fn renumbered_joins_split_paragraphs() {
        let renum = format!(
            "{RENUM_HEAD}中华人民共和国甲法,第二十七条第一款,中华人民共和国甲法,第三十二条,s\n\
             中华人民共和国甲法,第二十七条第二款,中华人民共和国甲法,第三十三条第一款,s\n\
             中华人民共和国甲法,第八条,中华人民共和国甲法,第九条,s\n"
        );
        let (l, r) = texts(LAWS_HEAD, &renum);
        let registry = LawRegistry::from_texts(&l, &r).unwrap();
        assert_eq!(
            registry.renumbered("甲法", 27),
            Some(("中华人民共和国甲法".into(), "第三十二条、第三十三条第一款".into()))
        );
        assert_eq!(registry.renumbered("《甲法》", 8).map(|r| r.1), Some("第九条".into()));
        assert_eq!(registry.renumbered("甲法", 9), None);
        assert_eq!(registry.renumberings("甲法", 27).len(), 2);
    }

    #[test]
    fn malformed_rows_name_file_and_line() {
        let cases = [
            (
                format!("{LAWS_HEAD}甲法,甲法,法律,有效,,,,t,\n乙法,乙法,法律,现行,,,,t,\n"),
                3,
                "现行",
            ),
            (format!("{LAWS_HEAD}甲法,甲法,法律,有效,,,,t\n"), 2, "8 fields"),
            (format!("{LAWS_HEAD}甲法,甲法,法律,有效,2020/01/01,,,t,\n"), 2, "not a date"),
            (
                format!("{LAWS_HEAD}甲法,甲法,法律,有效,,,,t,\n甲法,甲法,法律,有效,,,,t,\n"),
                3,
                "twice",
            ),
            ("title,status\n".to_string(), 1, "header"),
            (String::new(), 1, "empty file"),
        ];
        for (laws, line, words) in cases {
            let (l, r) = texts(&laws, RENUM_HEAD);
            let err = LawRegistry::from_texts(&l, &r).unwrap_err();
            match &err {
                Error::Rules { file, line: Some(found), .. } => {
                    assert_eq!(file, "laws.csv");
                    assert_eq!(*found, line, "{err}");
                }
                other => panic!("not a rules error: {other}"),
            }
            assert!(err.to_string().contains(words), "{err}");
        }
        let renum = format!("{RENUM_HEAD}甲法,第八条,甲法,第九条,s\n甲法,第某条,甲法,第九条,s\n");
        let (l, r) = texts(LAWS_HEAD, &renum);
        let err = LawRegistry::from_texts(&l, &r).unwrap_err().to_string();
        assert!(err.starts_with("renumbering.csv:3:"), "{err}");
    }

    proptest::proptest! {
        /// Any text gives a key and an article number or none, without panicking.
        #[test]
        fn any_text_is_safe(text in "\\PC{0,40}") {
            let _ = law_key(&text);
            let _ = parse_article(&text);
            let _ = parse_article(&format!("第{text}条"));
            let registry = LawRegistry::bundled();
            let _ = registry.lookup(&text);
            let _ = registry.renumbered(&text, 8);
        }

        /// Every number an article can have reads back from its Chinese form.
        #[test]
        fn chinese_article_numbers_round_trip(n in 1u32..10000) {
            proptest::prop_assert_eq!(parse_article(&format!("第{}条", chinese(n))), Some(n));
        }
    }

    /// The way statutes write article numbers (一百零七, 一千零一十, 十二, 二十).
    fn chinese(n: u32) -> String {
        const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
        let parts = [(n / 1000, '千'), (n / 100 % 10, '百'), (n / 10 % 10, '十'), (n % 10, ' ')];
        let mut out = String::new();
        let mut zero_pending = false;
        for (d, unit) in parts {
            if d == 0 {
                zero_pending = !out.is_empty();
                continue;
            }
            if zero_pending {
                out.push('零');
                zero_pending = false;
            }
            if !(unit == '十' && d == 1 && out.is_empty()) {
                out.push(DIGITS[d as usize]);
            }
            if unit != ' ' {
                out.push(unit);
            }
        }
        out
    }

    #[test]
    fn status_words_round_trip() {
        for status in
            [LawStatus::InForce, LawStatus::Amended, LawStatus::Repealed, LawStatus::Expired]
        {
            assert_eq!(LawStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(LawStatus::parse("现行有效"), None);
    }
}
