//! Fees (收费标准): free, an amount, charged with the amount set elsewhere, or unparsed.

use serde::Serialize;

use crate::vocab::Str;

/// The parsed form of a fee.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum FeeValue {
    /// 不收费, 免费, 免收, 无, 否, 0元.
    Free,
    /// N元 with an optional unit (每证, 每件, /件). `fen` is the amount in 分 (1/100 元).
    Amount { fen: u64, per: Option<String> },
    /// 按《…》规定标准收取: charged, the amount set elsewhere.
    Charged,
    /// Empty cell.
    Empty,
    /// Text we cannot read; kept in `raw`.
    Unparsed,
}

/// A fee with its raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Fee {
    pub raw: Str,
    pub value: FeeValue,
}

impl Fee {
    /// Parses a fee: free words, an amount in 元 with an optional unit, "charged per some
    /// standard", empty, or unparsed.
    pub fn parse(raw: Str) -> Fee {
        let value = parse_value(&raw);
        Fee { raw, value }
    }

    /// `Some(false)` when free, `Some(true)` when an amount is given or the fee is charged per a
    /// standard set elsewhere, `None` when empty or unreadable.
    pub fn is_charged(&self) -> Option<bool> {
        self.value.is_charged()
    }

    /// The standard spelling used in reports: 不收费, 10元/件, 10.5元, 按规定标准收取, empty for an
    /// empty cell, the raw text for unparsed values.
    pub fn canonical(&self) -> String {
        match &self.value {
            FeeValue::Unparsed => self.raw.trim().to_string(),
            v => v.canonical(),
        }
    }
}

impl FeeValue {
    /// See [`Fee::is_charged`].
    pub fn is_charged(&self) -> Option<bool> {
        match self {
            FeeValue::Free => Some(false),
            FeeValue::Amount { .. } | FeeValue::Charged => Some(true),
            FeeValue::Empty | FeeValue::Unparsed => None,
        }
    }

    /// The standard spelling (empty for `Empty` and `Unparsed`).
    pub fn canonical(&self) -> String {
        match self {
            FeeValue::Free => "不收费".to_string(),
            FeeValue::Amount { fen, per } => {
                let mut s = yuan(*fen);
                if let Some(p) = per {
                    s.push('/');
                    s.push_str(p);
                }
                s
            }
            FeeValue::Charged => "按规定标准收取".to_string(),
            FeeValue::Empty | FeeValue::Unparsed => String::new(),
        }
    }
}

/// 1050 fen → "10.5元", 1000 → "10元", 1005 → "10.05元".
fn yuan(fen: u64) -> String {
    let (y, f) = (fen / 100, fen % 100);
    if f == 0 {
        format!("{y}元")
    } else if f % 10 == 0 {
        format!("{y}.{}元", f / 10)
    } else {
        format!("{y}.{f:02}元")
    }
}

/// Whole texts that mean free.
const FREE_WORDS: &[&str] =
    &["无", "否", "0", "免", "零", "零元", "不收", "没有", "无收费", "无收费标准"];

/// Phrases that mean free anywhere in the text.
const FREE_PHRASES: &[&str] =
    &["不收费", "免费", "免收", "不收取", "无需缴费", "无须缴费", "不需缴费"];

/// The longest unit after 每 or / (人次, 平方米, 证).
const MAX_PER_CHARS: usize = 4;

fn parse_value(raw: &str) -> FeeValue {
    let t = raw.trim().trim_end_matches(['。', '.', '；', ';', '，', ',']).trim();
    if t.is_empty() {
        return FeeValue::Empty;
    }
    if FREE_WORDS.contains(&t) || FREE_PHRASES.iter().any(|w| t.contains(w)) {
        return FeeValue::Free;
    }
    match find_amount(&crate::value::numeral::strip_thousands(t)) {
        Some(Ok(v)) => return v,
        Some(Err(())) => return FeeValue::Unparsed,
        None => {}
    }
    if matches!(t, "收费" | "是" | "收取" | "收" | "有") {
        return FeeValue::Charged;
    }
    let by_standard = ["按", "依", "根据", "参照", "执行"].iter().any(|w| t.starts_with(w));
    if by_standard && (t.contains("收取") || t.contains("收费") || t.contains("标准")) {
        return FeeValue::Charged;
    }
    if t.ends_with("标准收取") || t.ends_with("规定收取") || t.ends_with("规定收费") {
        return FeeValue::Charged;
    }
    FeeValue::Unparsed
}

/// The first amount followed by 元 (`Err` when it overflows or has more than two decimals).
fn find_amount(t: &str) -> Option<Result<FeeValue, ()>> {
    for found in crate::value::numeral::numbers(t) {
        let after = t.get(found.span.end..)?;
        // Decimal part: "10.5元".
        let (frac, after) = decimal_part(after);
        let after_ws = after.trim_start();
        // A bare number filling the cell ("10", "0.5") is an amount in 元.
        let bare = found.span.start == 0 && after_ws.is_empty();
        let Some(rest) = after_ws.strip_prefix('元').or(bare.then_some("")) else { continue };
        if crate::value::numeral::is_continued(t, found.span.start) {
            // "1,000元", "-100元", "1e400元": never read the digits after the mark alone.
            return Some(Err(()));
        }
        let Some(whole) = found.value else { return Some(Err(())) };
        let Some(frac) = frac else { return Some(Err(())) };
        let Some(fen) = whole.checked_mul(100).and_then(|f| f.checked_add(frac)) else {
            return Some(Err(()));
        };
        if fen == 0 {
            return Some(Ok(FeeValue::Free));
        }
        let before = t.get(..found.span.start).unwrap_or("");
        let per = per_after(rest).or_else(|| per_before(before));
        return Some(Ok(FeeValue::Amount { fen, per }));
    }
    None
}

/// Reads ".5" / ".05" at the start of `s`: the fen it adds (`None` for more than two decimals)
/// and the rest of the text.
fn decimal_part(s: &str) -> (Option<u64>, &str) {
    let Some(rest) = s.strip_prefix(['.', '．']) else { return (Some(0), s) };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return (Some(0), s);
    }
    let (d, rest) = rest.split_at(digits);
    let fen = match d.as_bytes() {
        [a] => Some(u64::from(a - b'0') * 10),
        [a, b] => Some(u64::from(a - b'0') * 10 + u64::from(b - b'0')),
        _ => d.bytes().skip(2).all(|b| b == b'0').then(|| {
            let b = d.as_bytes();
            u64::from(b[0] - b'0') * 10 + u64::from(b[1] - b'0')
        }),
    };
    (fen, rest)
}

/// "/件", "每证", "/人次" right after 元.
fn per_after(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix(['/', '／'])
        .or_else(|| rest.strip_prefix('每'))
        .or_else(|| rest.strip_prefix("一"))?;
    unit_word(rest)
}

/// "每证10元", "每次 5 元": the 每 unit just before the number.
fn per_before(before: &str) -> Option<String> {
    let before = before.trim_end();
    let i = before.rfind('每')?;
    let word = before.get(i + '每'.len_utf8()..)?;
    let w = unit_word(word)?;
    // The unit must reach the number: "每证10元", not "每年检查一次，10元".
    (w.len() == word.trim_end_matches(['收', '取', '费', '缴', '纳', '为', ':', '：']).len())
        .then_some(w)
}

/// The unit word at the start of `s`: CJK or ASCII letters, at most `MAX_PER_CHARS`.
fn unit_word(s: &str) -> Option<String> {
    let mut end = 0;
    for (n, (i, c)) in s.char_indices().enumerate() {
        let stop = n >= MAX_PER_CHARS
            || c.is_ascii_digit()
            || crate::value::numeral::is_numeral_char(c) && n > 0
            || matches!(c, '元' | '收' | '取' | '费' | '缴' | '纳' | '为')
            || !(c.is_alphabetic());
        if stop {
            break;
        }
        end = i + c.len_utf8();
    }
    let w = s.get(..end)?;
    (!w.is_empty()).then(|| w.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> FeeValue {
        Fee::parse(s.into()).value
    }

    fn amount(fen: u64, per: Option<&str>) -> FeeValue {
        FeeValue::Amount { fen, per: per.map(str::to_string) }
    }

    #[test]
    fn free() {
        for s in [
            "不收费",
            "免费",
            "免收",
            "无",
            "否",
            "0元",
            "0",
            "0.00元",
            "本事项不收费。",
            "免收工本费",
        ] {
            assert_eq!(v(s), FeeValue::Free, "{s}");
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(v("每证10元"), amount(1000, Some("证")));
        assert_eq!(v("10元/件"), amount(1000, Some("件")));
        assert_eq!(v("10元"), amount(1000, None));
        assert_eq!(v("10.5元"), amount(1050, None));
        assert_eq!(v("每次5元"), amount(500, Some("次")));
        assert_eq!(v("每次 5 元"), amount(500, Some("次")));
        assert_eq!(v("工本费十元"), amount(1000, None));
        assert_eq!(v("２０元／件"), amount(2000, Some("件")));
        assert_eq!(v("5元/人次"), amount(500, Some("人次")));
        assert_eq!(v("0.05元"), amount(5, None));
        assert_eq!(v("10"), amount(1000, None));
        assert_eq!(v("0.00"), FeeValue::Free);
        assert_eq!(v("3年"), FeeValue::Unparsed);
    }

    #[test]
    fn charged_and_other() {
        assert_eq!(v("按《行政事业性收费标准管理办法》规定标准收取"), FeeValue::Charged);
        assert_eq!(v("按照物价部门核定的标准收取"), FeeValue::Charged);
        assert_eq!(v("收费"), FeeValue::Charged);
        assert_eq!(v(""), FeeValue::Empty);
        assert_eq!(v("  "), FeeValue::Empty);
        assert_eq!(v("详见附件"), FeeValue::Unparsed);
        assert_eq!(v(&format!("{}元", "9".repeat(40))), FeeValue::Unparsed);
        assert_eq!(v("1.2345元"), FeeValue::Unparsed);
    }

    #[test]
    fn charged_or_not() {
        let c = |s: &str| Fee::parse(s.into()).is_charged();
        assert_eq!(c("不收费"), Some(false));
        assert_eq!(c("10元"), Some(true));
        assert_eq!(c("按规定标准收取"), Some(true));
        assert_eq!(c(""), None);
        assert_eq!(c("详见附件"), None);
    }

    #[test]
    fn canonical_forms() {
        let c = |s: &str| Fee::parse(s.into()).canonical();
        assert_eq!(c("免费"), "不收费");
        assert_eq!(c("每件10元"), "10元/件");
        assert_eq!(c("10.50元"), "10.5元");
        assert_eq!(c("按照…标准收取"), "按规定标准收取");
        assert_eq!(c(" 详见附件 "), "详见附件");
    }

    fn any_value() -> impl proptest::strategy::Strategy<Value = FeeValue> {
        use proptest::prelude::*;
        let per = proptest::option::of(prop_oneof![
            Just("件".to_string()),
            Just("证".to_string()),
            Just("次".to_string()),
            Just("人次".to_string()),
        ]);
        prop_oneof![
            Just(FeeValue::Free),
            Just(FeeValue::Charged),
            Just(FeeValue::Empty),
            (1u64..u64::MAX / 100, per).prop_map(|(fen, per)| FeeValue::Amount { fen, per }),
        ]
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let f = Fee::parse(s.as_str().into());
            let _ = f.canonical();
            let _ = f.is_charged();
        }

        #[test]
        fn fee_soup_never_panics(s in "[每/元.0-9一十百件证次按收取费 ]{0,16}") {
            let _ = Fee::parse(s.as_str().into());
        }

        #[test]
        fn canonical_round_trips(value in any_value()) {
            let text = value.canonical();
            proptest::prop_assert_eq!(Fee::parse(text.as_str().into()).value, value);
        }
    }
}
