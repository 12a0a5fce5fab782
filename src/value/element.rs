//! The values of a category's own elements (rules/categories.toml): a set of words from a
//! closed vocabulary (处罚种类), penalty bands with their amounts (处罚幅度), a ratio (抽查比例)
//! and a frequency (检查频次), each read so that formatting never makes two values differ:
//! 罚款二千元以上一万元以下 = 罚款2000-10000元, 3% = 百分之三, 每季度一次 = 4次/年.

use serde::{Deserialize, Serialize};

use crate::value::name::{nfkc, normalize};
use crate::value::numeral::parse_number;
use crate::vocab::Str;

/// How an element's value is read (categories.toml `grammar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grammar {
    /// Words from a closed vocabulary, in any order, separated by 、，,；; 和 及 or spaces.
    Set,
    /// Penalty bands (违法程度, 处罚措施, amounts in 元 or multiples), compared by their amounts.
    AmountBands,
    /// A share: 3%, 百分之三, 3/100, 0.03, a range 10-20%.
    Ratio,
    /// How often: 2次/年, 每年两次, 每季度一次 (= 4 per year), 两年一次.
    Frequency,
    /// Free text, compared in the normalised form of names.
    Text,
}

impl Grammar {
    /// The word used in categories.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            Grammar::Set => "set",
            Grammar::AmountBands => "amount-bands",
            Grammar::Ratio => "ratio",
            Grammar::Frequency => "frequency",
            Grammar::Text => "text",
        }
    }
}

/// A non-negative fraction in lowest terms (a ratio, or times per year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Fraction {
    pub num: u64,
    pub den: u64,
}

impl Fraction {
    /// `num / den` in lowest terms; `None` when `den` is 0.
    pub fn new(num: u64, den: u64) -> Option<Fraction> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        Some(Fraction { num: num / g, den: den / g })
    }

    fn mul(self, num: u64, den: u64) -> Option<Fraction> {
        Fraction::new(self.num.checked_mul(num)?, self.den.checked_mul(den)?)
    }

    /// Shown as a percentage (3%, 12.5%) or, for frequencies, a decimal.
    pub fn percent(self) -> String {
        decimal(u128::from(self.num) * 100, u128::from(self.den)) + "%"
    }

    /// Shown as a decimal (4, 0.5, 0.333).
    pub fn decimal(self) -> String {
        decimal(u128::from(self.num), u128::from(self.den))
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Fraction {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (u128::from(self.num) * u128::from(other.den))
            .cmp(&(u128::from(other.num) * u128::from(self.den)))
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `num / den` with up to three decimals, trailing zeros dropped.
fn decimal(num: u128, den: u128) -> String {
    let milli = (num * 1000 + den / 2) / den.max(1);
    let (int, frac) = (milli / 1000, milli % 1000);
    if frac == 0 {
        return int.to_string();
    }
    format!("{int}.{frac:03}").trim_end_matches('0').to_string()
}

/// What an amount of a band counts: money or a multiple (违法所得一倍以上三倍以下).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AmountUnit {
    /// In 分 (1/100 元).
    Fen,
    /// In thousandths of a multiple.
    MilliTimes,
}

/// The amounts of one band: a range, open at either end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Band {
    pub unit: AmountUnit,
    pub min: Option<u64>,
    pub max: Option<u64>,
}

impl Band {
    /// The highest amount the band allows (its minimum when open above).
    pub fn top(&self) -> Option<u64> {
        self.max.or(self.min)
    }

    /// 2000-10000元, 1万元以上 in the standard spelling.
    pub fn canonical(&self) -> String {
        let show = |v: u64| match self.unit {
            AmountUnit::Fen => decimal(u128::from(v), 100),
            AmountUnit::MilliTimes => decimal(u128::from(v), 1000),
        };
        let unit = match self.unit {
            AmountUnit::Fen => "元",
            AmountUnit::MilliTimes => "倍",
        };
        match (self.min, self.max) {
            (Some(a), Some(b)) if a == b => format!("{}{unit}", show(a)),
            (Some(a), Some(b)) => format!("{}-{}{unit}", show(a), show(b)),
            (Some(a), None) => format!("{}{unit}以上", show(a)),
            (None, Some(b)) => format!("{}{unit}以下", show(b)),
            (None, None) => String::new(),
        }
    }
}

/// One element of an item as its list gives it: the element's name (categories.toml), the
/// cell as written and its parsed value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Element {
    /// The element's Chinese name (处罚种类).
    pub name: Str,
    /// The cell, trimmed.
    pub raw: Str,
    /// Shared by every row that writes the same cell (a province repeats 处罚种类 罚款).
    #[serde(skip)]
    pub value: std::sync::Arc<ElementValue>,
    /// 1-based line of elements.csv it was read from; 0 when it is a column of items.csv.
    #[serde(skip)]
    pub line: u64,
}

/// The parsed form of an element's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ElementValue {
    /// An empty cell.
    Empty,
    /// Members, canonical (the vocabulary's spelling where known, else normalised), sorted and
    /// unique; `unknown` are those outside a closed vocabulary (also among `members`).
    Set { members: Vec<Str>, unknown: Vec<Str> },
    /// The amounts of the bands, sorted; the wording of the bands is not compared.
    Bands(Vec<Band>),
    /// A share, or a range of shares (lowest, highest).
    Ratio(Fraction, Fraction),
    /// Times per year.
    Frequency(Fraction),
    /// Text in its normalised form (also ratios and frequencies said in words: 不定期).
    Text(String),
    /// A ratio or frequency that cannot be read.
    Unparsed,
}

impl ElementValue {
    /// The comparison key: equal keys, equal values.
    pub fn key(&self) -> String {
        match self {
            ElementValue::Empty => String::new(),
            ElementValue::Set { members, .. } => members.join("、"),
            ElementValue::Bands(bands) => {
                bands.iter().map(Band::canonical).collect::<Vec<_>>().join("；")
            }
            ElementValue::Ratio(lo, hi) if lo == hi => lo.percent(),
            ElementValue::Ratio(lo, hi) => format!("{}-{}", lo.percent(), hi.percent()),
            ElementValue::Frequency(f) => format!("{}次/年", f.decimal()),
            ElementValue::Text(t) => t.clone(),
            ElementValue::Unparsed => "?".to_string(),
        }
    }
}

/// Parses `raw` by `grammar`. `canonical` gives a set member's vocabulary spelling (`None`:
/// outside the vocabulary), with the vocabulary's synonyms applied.
pub fn parse(raw: &str, grammar: Grammar, canonical: &dyn Fn(&str) -> Option<Str>) -> ElementValue {
    let norm = normalize(raw);
    let norm = norm.trim_matches(|c: char| matches!(c, '。' | '.' | ';' | '；' | ','));
    if norm.is_empty() || matches!(norm, "无" | "/" | "-" | "—") && grammar != Grammar::Text {
        return ElementValue::Empty;
    }
    match grammar {
        Grammar::Set => parse_set(&nfkc(raw), canonical),
        Grammar::AmountBands => ElementValue::Bands(parse_bands(raw)),
        Grammar::Ratio => parse_ratio(norm),
        Grammar::Frequency => parse_frequency(norm),
        Grammar::Text => ElementValue::Text(norm.to_string()),
    }
}

/// The strong separators of a set; 和 及 或 split a piece only when every part is a member.
fn is_separator(c: char) -> bool {
    matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | '|' | '\n' | '\r' | '\t' | ' ' | '　')
}

fn parse_set(text: &str, canonical: &dyn Fn(&str) -> Option<Str>) -> ElementValue {
    let mut members: Vec<Str> = Vec::new();
    let mut unknown: Vec<Str> = Vec::new();
    // Spaces separate members, so the pieces are cut before they are normalised.
    for piece in text.split(|c: char| is_separator(c) || c.is_whitespace()) {
        let piece = normalize(piece);
        let piece = piece.trim_end_matches(['等', '。', '.']).trim_start_matches(['并', '处']);
        if piece.is_empty() {
            continue;
        }
        if let Some(c) = canonical(piece) {
            members.push(c);
            continue;
        }
        let parts: Vec<&str> =
            piece.split(['和', '及', '或']).map(|p| p.trim_start_matches('以')).collect();
        let known: Option<Vec<Str>> = if parts.len() > 1 && parts.iter().all(|p| !p.is_empty()) {
            parts.iter().map(|p| canonical(p)).collect()
        } else {
            None
        };
        match known {
            Some(known) => members.extend(known),
            None => {
                members.push(piece.into());
                unknown.push(piece.into());
            }
        }
    }
    members.sort();
    members.dedup();
    unknown.sort();
    unknown.dedup();
    if members.is_empty() {
        return ElementValue::Empty;
    }
    ElementValue::Set { members, unknown }
}

/// A number in Arabic decimals (2.5) or numerals (二千, 2千, 1.5万) and its end, from `s[at..]`
/// on (chars). Amounts are in thousandths.
fn number_at(chars: &[char], at: usize) -> Option<(u64, usize)> {
    let mut end = at;
    let is_num = |c: char| c.is_ascii_digit() || crate::value::numeral::is_numeral_char(c);
    while end < chars.len()
        && (is_num(chars[end])
            || (chars[end] == '.'
                && end > at
                && chars[end - 1].is_ascii_digit()
                && chars.get(end + 1).is_some_and(|c| c.is_ascii_digit())))
    {
        end += 1;
    }
    if end == at {
        return None;
    }
    let run: String = chars[at..end].iter().collect();
    Some((milli(&run)?, end))
}

/// A run of numeral characters in thousandths: 2.5万 = 25000000, 二千 = 2000000.
fn milli(run: &str) -> Option<u64> {
    let digits_end = run.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(run.len());
    let (head, tail) = run.split_at(digits_end);
    if head.contains('.') {
        let (int, frac) = head.split_once('.')?;
        let int: u64 = int.parse().ok()?;
        let mut f: String = frac.chars().take(3).collect();
        while f.len() < 3 {
            f.push('0');
        }
        let frac: u64 = f.parse().ok()?;
        let base = int.checked_mul(1000)?.checked_add(frac)?;
        let unit = match tail {
            "" => 1,
            "十" => 10,
            "百" => 100,
            "千" => 1000,
            "万" => 10_000,
            "亿" => 100_000_000,
            _ => return None,
        };
        return base.checked_mul(unit);
    }
    parse_number(run)?.checked_mul(1000)
}

/// Penalty bands: split on ；; 。 and line breaks, each band's amounts read as a range.
pub fn parse_bands(raw: &str) -> Vec<Band> {
    let text = nfkc(raw);
    let mut bands: Vec<Band> = Vec::new();
    for part in text.split(['；', ';', '。', '\n', '|']) {
        bands.extend(band_amounts(part));
    }
    bands.sort();
    bands.dedup();
    bands
}

/// The ranges of one band: numbers followed by 元 or 倍 (万元 counted in), a number joined to
/// the next by - 至 到 ~ taking its unit, and 以上/以下/不超过/不低于 opening a range.
fn band_amounts(part: &str) -> Vec<Band> {
    let chars: Vec<char> = part.chars().filter(|c| !c.is_whitespace()).collect();
    struct Num {
        value: u64,
        unit: Option<AmountUnit>,
        start: usize,
        end: usize,
        joined: bool,
    }
    let mut found: Vec<Num> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match number_at(&chars, i) {
            Some((value, end)) => {
                let unit = match chars.get(end) {
                    Some('元') => Some(AmountUnit::Fen),
                    Some('倍') => Some(AmountUnit::MilliTimes),
                    _ => None,
                };
                found.push(Num { value, unit, start: i, end, joined: false });
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
    // A number joined by a range mark to the next takes the next one's unit (2000-10000元).
    for k in (0..found.len().saturating_sub(1)).rev() {
        let between: String = chars[found[k].end..found[k + 1].start].iter().collect();
        let mark = matches!(
            between.as_str(),
            "-" | "—" | "~" | "～" | "至" | "到" | "元至" | "元到" | "元-"
        );
        if mark && found[k + 1].unit.is_some() {
            found[k].unit = found[k].unit.or(found[k + 1].unit);
            found[k].joined = found[k].unit == found[k + 1].unit;
        }
    }
    let found: Vec<Num> = found
        .into_iter()
        .filter_map(|mut n| {
            n.value = match n.unit? {
                AmountUnit::Fen => n.value / 10,
                AmountUnit::MilliTimes => n.value,
            };
            Some(n)
        })
        .collect();
    let text = |from: usize, to: usize| -> String {
        chars[from.min(chars.len())..to.min(chars.len())].iter().collect()
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < found.len() {
        let n = &found[k];
        let unit = n.unit.unwrap_or(AmountUnit::Fen);
        let pre = text(n.start.saturating_sub(3), n.start);
        let post = text(n.end + 1, n.end + 3);
        let next = found.get(k + 1).filter(|m| m.unit == n.unit);
        let range = |m: &Num| Band {
            unit,
            min: Some(n.value.min(m.value)),
            max: Some(n.value.max(m.value)),
        };
        let lower = post.starts_with("以上") || pre.ends_with("不低于") || pre.ends_with("不少于");
        let upper = post.starts_with("以下")
            || post.starts_with("以内")
            || pre.ends_with("不超过")
            || pre.ends_with("不高于")
            || pre.ends_with("最高");
        if let Some(m) = next.filter(|_| n.joined) {
            out.push(range(m));
            k += 2;
            continue;
        }
        if lower {
            if let Some(m) = next {
                let post2 = text(m.end + 1, m.end + 3);
                let between = text(n.end, m.start);
                if post2.starts_with("以下")
                    || post2.starts_with("以内")
                    || between.contains("不超过")
                {
                    out.push(range(m));
                    k += 2;
                    continue;
                }
            }
            out.push(Band { unit, min: Some(n.value), max: None });
        } else if upper {
            out.push(Band { unit, min: None, max: Some(n.value) });
        } else {
            out.push(Band { unit, min: Some(n.value), max: Some(n.value) });
        }
        k += 1;
    }
    out
}

/// The words that say a ratio or frequency is a bound, not the value (不低于3%).
const QUALIFIERS: [&str; 10] =
    ["原则上", "不低于", "不少于", "不超过", "不高于", "至少", "最多", "约", "每次", "按"];

fn strip_qualifiers(s: &str) -> String {
    let mut s = s.to_string();
    for q in QUALIFIERS {
        s = s.replace(q, "");
    }
    s
}

/// A decimal (3, 3.5, 0.03) as a fraction.
fn decimal_fraction(s: &str) -> Option<Fraction> {
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && s.matches('.').count() <= 1 {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let frac = &frac[..frac.len().min(9)];
        let den = 10u64.checked_pow(frac.len() as u32)?;
        let int: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let frac_v: u64 = if frac.is_empty() { 0 } else { frac.parse().ok()? };
        return Fraction::new(int.checked_mul(den)?.checked_add(frac_v)?, den);
    }
    Fraction::new(parse_number(s)?, 1)
}

/// One share: 3%, 3‰, 百分之三, 千分之五, 3/100, 0.03.
fn one_ratio(s: &str) -> Option<Fraction> {
    if let Some(n) = s.strip_suffix('%') {
        return decimal_fraction(n)?.mul(1, 100);
    }
    if let Some(n) = s.strip_suffix('‰') {
        return decimal_fraction(n)?.mul(1, 1000);
    }
    if let Some(n) = s.strip_prefix("百分之") {
        return decimal_fraction(&n.replace('点', "."))?.mul(1, 100);
    }
    if let Some(n) = s.strip_prefix("千分之") {
        return decimal_fraction(&n.replace('点', "."))?.mul(1, 1000);
    }
    if let Some((a, b)) = s.split_once('/') {
        let (a, b) = (decimal_fraction(a)?, decimal_fraction(b)?);
        return Fraction::new(a.num.checked_mul(b.den)?, a.den.checked_mul(b.num)?);
    }
    let f = decimal_fraction(s)?;
    // A bare number above 1 is a percentage written without its sign (抽查比例 5).
    if f.num > f.den {
        return f.mul(1, 100);
    }
    Some(f)
}

fn parse_ratio(norm: &str) -> ElementValue {
    let s = strip_qualifiers(norm);
    let s = s.trim_start_matches("抽查比例").trim_start_matches([':', '：']);
    if let Some(r) = one_ratio(s) {
        return ElementValue::Ratio(r, r);
    }
    // A range: 10-20%, 10%-20%, 百分之十至百分之二十.
    for mark in ["-", "—", "~", "～", "至", "到"] {
        if let Some((a, b)) = s.split_once(mark) {
            let b_r = one_ratio(b);
            let a_r = one_ratio(a).or_else(|| {
                // 10-20%: the first takes the second's sign.
                let sign = ['%', '‰'].into_iter().find(|c| b.ends_with(*c))?;
                one_ratio(&format!("{a}{sign}"))
            });
            if let (Some(a), Some(b)) = (a_r, b_r) {
                return ElementValue::Ratio(a.min(b), a.max(b));
            }
        }
    }
    say_in_words(norm)
}

/// Ratios and frequencies said in words (不定期, 根据监管需要确定, 全覆盖) are text; anything
/// else with a digit is unreadable.
fn say_in_words(norm: &str) -> ElementValue {
    if norm.chars().any(|c| c.is_ascii_digit()) {
        return ElementValue::Unparsed;
    }
    ElementValue::Text(norm.to_string())
}

/// Years in a period: 年 1, 半年 1/2, 季度 1/4, 月 1/12, 周 1/52, 日 1/365, 两年 2, 三个月 1/4.
fn period_years(p: &str) -> Option<Fraction> {
    let p = p.trim_start_matches('每').trim_start_matches('一');
    let (n, unit) = match p
        .find(|c: char| !(c.is_ascii_digit() || crate::value::numeral::is_numeral_char(c)))
    {
        Some(0) => (1, p),
        Some(i) => (parse_number(&p[..i])?, &p[i..]),
        None => return None,
    };
    let unit = unit.trim_start_matches('个');
    let base = match unit {
        "年" | "年度" => Fraction::new(1, 1),
        "半年" => Fraction::new(1, 2),
        "季度" | "季" => Fraction::new(1, 4),
        "月" => Fraction::new(1, 12),
        "周" | "星期" => Fraction::new(1, 52),
        "日" | "天" => Fraction::new(1, 365),
        _ => None,
    }?;
    base.mul(n, 1)
}

fn parse_frequency(norm: &str) -> ElementValue {
    let s = strip_qualifiers(norm);
    let s = s.trim_start_matches("检查频次").trim_start_matches([':', '：']);
    let per_year = (|| -> Option<Fraction> {
        if let Some((count, period)) = s.split_once('/') {
            let count = count.trim_end_matches('次');
            let n = decimal_fraction(count)?;
            let years = period_years(period)?;
            return Fraction::new(n.num.checked_mul(years.den)?, n.den.checked_mul(years.num)?);
        }
        let body = s.strip_suffix('次')?;
        // The count: the numeral run just before 次.
        let cut = body
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || crate::value::numeral::is_numeral_char(*c))
            .last()
            .map(|(i, _)| i)?;
        let (period, count) = body.split_at(cut);
        // 每年一次 reads 年一 as the period's tail: the count is what follows the period word.
        let n = parse_number(count)?;
        let years = period_years(period)?;
        Fraction::new(n.checked_mul(years.den)?, years.num)
    })();
    match per_year {
        Some(f) => ElementValue::Frequency(f),
        None => say_in_words(norm),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(raw: &str) -> ElementValue {
        let vocab =
            ["警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "加处罚款或滞纳金"];
        parse(raw, Grammar::Set, &|w: &str| {
            let w = match w {
                "非法财物" => "没收非法财物",
                w => w,
            };
            vocab.contains(&w).then(|| Str::from(w))
        })
    }

    fn members(v: &ElementValue) -> Vec<&str> {
        match v {
            ElementValue::Set { members, .. } => members.iter().map(|m| &**m).collect(),
            _ => vec![],
        }
    }

    #[test]
    fn sets_ignore_separators_order_duplicates_and_width() {
        let a = set("警告、罚款");
        assert_eq!(members(&a), vec!["罚款", "警告"]);
        for noisy in [
            "罚款，警告",
            "警告；罚款；警告",
            " 警告 罚款 ",
            "警告和罚款",
            "警告,罚款。",
            "罚款/警告等",
        ] {
            assert_eq!(set(noisy), a, "{noisy}");
        }
        assert_eq!(members(&set("没收违法所得和非法财物")), vec!["没收违法所得", "没收非法财物"]);
        // 或 inside a member is not a separator.
        assert_eq!(members(&set("加处罚款或滞纳金")), vec!["加处罚款或滞纳金"]);
        match set("警告、拘役") {
            ElementValue::Set { unknown, .. } => assert_eq!(unknown, vec![Str::from("拘役")]),
            v => panic!("{v:?}"),
        }
        assert_eq!(set(" "), ElementValue::Empty);
    }

    fn bands(raw: &str) -> Vec<Band> {
        parse_bands(raw)
    }

    #[test]
    fn bands_by_their_amounts() {
        let want = vec![Band { unit: AmountUnit::Fen, min: Some(200_000), max: Some(1_000_000) }];
        for raw in [
            "罚款二千元以上一万元以下",
            "罚款2000-10000元",
            "2千元至1万元",
            "处2000元以上10000元以下罚款",
            "罚款 ２０００－１００００元",
            "0.2万元至1万元",
        ] {
            assert_eq!(bands(raw), want, "{raw}");
        }
        assert_eq!(
            bands("不超过五万元"),
            vec![Band { unit: AmountUnit::Fen, min: None, max: Some(5_000_000) }]
        );
        assert_eq!(bands("5万元以下罚款")[0].top(), Some(5_000_000));
        let three = bands(
            "情节轻微的，警告；情节较重的，处二千元以上一万元以下罚款；情节严重的，处一万元以上五万元以下罚款",
        );
        assert_eq!(three.len(), 2);
        assert_eq!(three.iter().filter_map(Band::top).max(), Some(5_000_000));
        assert_eq!(
            bands("没收违法所得，并处违法所得一倍以上三倍以下罚款"),
            vec![Band { unit: AmountUnit::MilliTimes, min: Some(1000), max: Some(3000) }]
        );
        assert!(bands("警告").is_empty());
        assert_eq!(bands("处五千元罚款")[0].canonical(), "5000元");
    }

    fn ratio(raw: &str) -> ElementValue {
        parse(raw, Grammar::Ratio, &|_| None)
    }

    #[test]
    fn ratios_in_every_spelling() {
        let three = ratio("3%");
        assert_eq!(three.key(), "3%");
        for raw in ["百分之三", "3/100", "0.03", "３％", "不低于3%", "3"] {
            assert_eq!(ratio(raw), three, "{raw}");
        }
        assert_eq!(ratio("0.5%").key(), "0.5%");
        assert_eq!(ratio("千分之五"), ratio("0.5%"));
        assert_eq!(ratio("10-20%").key(), "10%-20%");
        assert_eq!(ratio("10%至20%"), ratio("10-20%"));
        assert_eq!(ratio("根据监管需要确定"), ElementValue::Text("根据监管需要确定".into()));
        assert_eq!(ratio("3x%"), ElementValue::Unparsed);
    }

    fn freq(raw: &str) -> ElementValue {
        parse(raw, Grammar::Frequency, &|_| None)
    }

    #[test]
    fn frequencies_per_year() {
        assert_eq!(freq("2次/年").key(), "2次/年");
        for raw in ["每年两次", "每年2次", "一年两次", "每半年一次", "2次/每年", "每年不少于2次"]
        {
            assert_eq!(freq(raw), freq("2次/年"), "{raw}");
        }
        assert_eq!(freq("每季度一次").key(), "4次/年");
        assert_eq!(freq("1次/季度"), freq("每季度一次"));
        assert_eq!(freq("每月一次").key(), "12次/年");
        assert_eq!(freq("两年一次").key(), "0.5次/年");
        assert_eq!(freq("每三个月一次"), freq("每季度一次"));
        assert!(
            matches!(freq("每年3次"), ElementValue::Frequency(a) if a > Fraction::new(2, 1).unwrap())
        );
        assert_eq!(freq("不定期"), ElementValue::Text("不定期".into()));
        assert_eq!(freq("3次/世纪"), ElementValue::Unparsed);
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_without_panic(s in "\\PC{0,40}") {
            for g in [Grammar::Set, Grammar::AmountBands, Grammar::Ratio, Grammar::Frequency, Grammar::Text] {
                let _ = parse(&s, g, &|w: &str| (w.len() < 6).then(|| Str::from(w))).key();
            }
        }

        #[test]
        fn arabic_and_chinese_bands_agree(lo in 1u64..5000, span in 1u64..5000) {
            let hi = lo + span;
            let zh = format!("罚款{}元以上{}元以下", crate::value::numeral::to_chinese(lo), crate::value::numeral::to_chinese(hi));
            let ar = format!("罚款{lo}-{hi}元");
            proptest::prop_assert_eq!(parse_bands(&zh), parse_bands(&ar));
        }
    }
}
