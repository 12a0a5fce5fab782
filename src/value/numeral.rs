//! Numbers written in Arabic, full-width or Chinese numerals (二十, 两千六, 一千零十, 壹拾贰, 廿), a
//! scanner that finds numbers inside prose, and the formatter back to Chinese numerals.
//!
//! Everything here works on `char`s without allocating (except `to_chinese`), uses checked
//! arithmetic (overflow gives `None`) and accepts any input.

use std::ops::Range;

/// What one character means in a numeral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    /// 0–9: Arabic, full-width, Chinese, financial and traditional digits.
    Digit(u8),
    /// An Arabic/full-width digit: kept apart because a run of them is positional.
    Arabic(u8),
    /// 十 百 千 (and 拾 佰 仟): multiply the digit before.
    Small(u64),
    /// 万 亿: close a section.
    Big(u64),
    /// 廿 (20), 卅 (30), 卌 (40): a digit and 十 in one character.
    Tens(u64),
}

fn sym(c: char) -> Option<Sym> {
    Some(match c {
        '0'..='9' => Sym::Arabic(c as u8 - b'0'),
        '０'..='９' => Sym::Arabic((c as u32 - '０' as u32) as u8),
        '零' | '〇' | '○' => Sym::Digit(0),
        '一' | '壹' | '弌' => Sym::Digit(1),
        '二' | '两' | '兩' | '贰' | '貳' | '弍' => Sym::Digit(2),
        '三' | '叁' | '參' | '叄' | '弎' => Sym::Digit(3),
        '四' | '肆' => Sym::Digit(4),
        '五' | '伍' => Sym::Digit(5),
        '六' | '陆' | '陸' => Sym::Digit(6),
        '七' | '柒' => Sym::Digit(7),
        '八' | '捌' => Sym::Digit(8),
        '九' | '玖' => Sym::Digit(9),
        '十' | '拾' => Sym::Small(10),
        '百' | '佰' => Sym::Small(100),
        '千' | '仟' => Sym::Small(1000),
        '万' | '萬' => Sym::Big(10_000),
        '亿' | '億' => Sym::Big(100_000_000),
        '廿' | '念' => Sym::Tens(20),
        '卅' => Sym::Tens(30),
        '卌' => Sym::Tens(40),
        _ => return None,
    })
}

/// True when `c` can be part of a numeral (used by the scanner).
pub fn is_numeral_char(c: char) -> bool {
    // 念 means 20 only in dates; as a scanner character it would swallow the verb 念.
    c != '念' && sym(c).is_some()
}

/// Parses a whole string as one number. `None` when it is not exactly a number or overflows.
///
/// Accepts Arabic and full-width digits ("20", "２０"), Chinese numerals in full or abbreviated
/// form ("二十", "一十一", "一千零十", "一百二" = 120, "两千六" = 2600, "三万五" = 35000),
/// financial and traditional forms ("壹拾贰", "貳拾"), 廿/卅, digit-by-digit forms ("二〇二三"), and
/// Arabic digits before a Chinese unit ("3万").
pub fn parse_number(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    parse_syms(s.chars().map(sym))
}

/// The Chinese-numeral parser over a sequence of symbols (`None` = not a numeral character).
fn parse_syms(it: impl Iterator<Item = Option<Sym>> + Clone) -> Option<u64> {
    // A run made only of digits (二〇二三, 12) reads digit by digit.
    let mut count = 0usize;
    let mut all_digits = true;
    for s in it.clone() {
        match s? {
            Sym::Digit(_) | Sym::Arabic(_) => {}
            _ => all_digits = false,
        }
        count += 1;
    }
    if count == 0 {
        return None;
    }
    if all_digits {
        let mut n: u64 = 0;
        for s in it {
            let d = match s? {
                Sym::Digit(d) | Sym::Arabic(d) => d,
                _ => return None,
            };
            n = n.checked_mul(10)?.checked_add(u64::from(d))?;
        }
        return Some(n);
    }

    // Positional reading with units: `yi` holds whole 亿s, `wan` whole 万s below 亿, `section`
    // the part below 万, `digit` the number waiting for its unit.
    let mut yi: u64 = 0;
    let mut wan: u64 = 0;
    let mut section: u64 = 0;
    let mut digit: Option<u64> = None;
    // The unit of the last multiplication, for "一百二" (= 一百二十) and to keep units descending.
    let mut last_small: u64 = u64::MAX;
    let mut last_unit: u64 = 0;
    // A 零 seen since the last unit: "一千零五" is 1005, not 1500.
    let mut zero_gap = false;
    // Whether an Arabic digit run is in progress (digits accumulate positionally).
    let mut in_arabic = false;
    let mut seen_wan = false;

    for s in it {
        let s = s?;
        match s {
            Sym::Arabic(d) => {
                if in_arabic {
                    let v = digit.unwrap_or(0);
                    digit = Some(v.checked_mul(10)?.checked_add(u64::from(d))?);
                } else {
                    if digit.is_some() {
                        return None;
                    }
                    digit = Some(u64::from(d));
                    in_arabic = true;
                }
            }
            Sym::Digit(d) => {
                in_arabic = false;
                if d == 0 {
                    if digit.is_some() {
                        return None;
                    }
                    zero_gap = true;
                    continue;
                }
                if digit.is_some() {
                    return None;
                }
                digit = Some(u64::from(d));
            }
            Sym::Tens(t) => {
                in_arabic = false;
                if digit.is_some() || last_small <= 10 {
                    return None;
                }
                section = section.checked_add(t)?;
                last_small = 10;
                last_unit = 10;
                zero_gap = false;
            }
            Sym::Small(u) => {
                in_arabic = false;
                // Units descend inside a section: 十百 is not a number.
                if u >= last_small {
                    return None;
                }
                let n = digit.take().unwrap_or(1);
                section = section.checked_add(n.checked_mul(u)?)?;
                last_small = u;
                last_unit = u;
                zero_gap = false;
            }
            Sym::Big(u) => {
                in_arabic = false;
                let part = wan
                    .checked_mul(10_000)?
                    .checked_add(section)?
                    .checked_add(digit.take().unwrap_or(0))?;
                if u == 100_000_000 {
                    // 一万亿 multiplies the whole part since the last 亿; a second 亿 (only for
                    // numbers of 10^16 and more) multiplies everything before it again.
                    yi = if yi > 0 {
                        yi.checked_add(part)?.checked_mul(u)?
                    } else {
                        part.max(1).checked_mul(u)?
                    };
                    wan = 0;
                    seen_wan = false;
                } else {
                    if seen_wan || (part == 0 && yi > 0 && !zero_gap) {
                        return None;
                    }
                    wan = part.max(1);
                    seen_wan = true;
                }
                section = 0;
                last_small = u64::MAX;
                last_unit = u;
                zero_gap = false;
            }
        }
    }
    let mut tail = digit.unwrap_or(0);
    // "一百二", "两千六", "三万五": a bare digit right after a unit counts in the next unit down.
    if digit.is_some() && !zero_gap && !in_arabic && last_unit >= 100 {
        tail = tail.checked_mul(last_unit / 10)?;
    } else if digit.is_some() && in_arabic && last_unit >= 10 && !zero_gap {
        // "十5" or "3万5" is not a way anyone writes a number.
        return None;
    }
    let total =
        yi.checked_add(wan.checked_mul(10_000)?)?.checked_add(section)?.checked_add(tail)?;
    Some(total)
}

/// A number found in prose: its value (`None` when the run overflows or is not a well-formed
/// numeral) and its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub value: Option<u64>,
    pub span: Range<usize>,
}

/// Removes thousands separators between digits ("1,000" → "1000", "12，345，678" → "12345678")
/// where every group after a separator has exactly three digits; other text is left alone.
pub fn strip_thousands(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains([',', '，']) {
        return s.into();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, ',' | '，') {
            let digit_before = i > 0 && chars[i - 1].is_ascii_digit();
            let group = chars.get(i + 1..i + 4).is_some_and(|g| g.iter().all(char::is_ascii_digit));
            let group_ends = chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
            if digit_before && group && group_ends {
                continue;
            }
        }
        out.push(c);
    }
    out.into()
}

/// True when the number starting at byte `start` of `s` is not a whole number on its own: it is
/// negative ("-5", "负5"), or it continues another number through a thousands separator, a decimal
/// point or an exponent ("1,000", "1.5", "1e308", "1E+400"). Readers of amounts treat such text as
/// unreadable rather than take the digits after the mark ("1,000元" is not 0元).
pub fn is_continued(s: &str, start: usize) -> bool {
    let before = s.get(..start).unwrap_or("");
    let mut rev = before.chars().rev();
    let Some(mark) = rev.next() else { return false };
    let digit_before = rev.next().is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    match mark {
        '负' | '−' => true,
        // "1-3个工作日" is a range (the last number counts); "-3" alone is negative.
        '-' | '－' => !digit_before,
        ',' | '，' | '.' | '．' | 'e' | 'E' => digit_before,
        // "1e+400": the sign of an exponent.
        '+' | '＋' => before.trim_end_matches(['+', '＋']).ends_with(['e', 'E']) || !digit_before,
        _ => false,
    }
}

/// Iterates over the maximal runs of numeral characters in `s`, in order.
pub fn numbers(s: &str) -> Numbers<'_> {
    Numbers { s, pos: 0 }
}

/// Iterator returned by [`numbers`].
#[derive(Debug, Clone)]
pub struct Numbers<'a> {
    s: &'a str,
    pos: usize,
}

impl Iterator for Numbers<'_> {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        let rest = self.s.get(self.pos..)?;
        let mut start = None;
        let mut end = self.s.len();
        for (i, c) in rest.char_indices() {
            let at = self.pos + i;
            if is_numeral_char(c) {
                if start.is_none() {
                    start = Some(at);
                }
            } else if start.is_some() {
                end = at;
                break;
            }
        }
        let start = start?;
        self.pos = end;
        let run = self.s.get(start..end)?;
        Some(Found { value: parse_number(run), span: start..end })
    }
}

/// The first well-formed number in prose, with its byte span ("受理之日起20个工作日" → 20 at 15..17).
pub fn find_number(s: &str) -> Option<(u64, Range<usize>)> {
    numbers(s).find_map(|f| f.value.map(|v| (v, f.span)))
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Writes `n` in Chinese numerals: 0 → 零, 10 → 十, 15 → 十五, 35 → 三十五, 1010 → 一千零一十,
/// 20000 → 二万, 100000000 → 一亿. [`parse_number`] reads every output back to `n`.
pub fn to_chinese(n: u64) -> String {
    let mut out = String::new();
    if n == 0 {
        out.push('零');
        return out;
    }
    write_chinese(n, &mut out);
    // 一十X at the very start is written 十X.
    if out.starts_with("一十") {
        out.replace_range(.."一".len(), "");
    }
    out
}

/// Appends `n` (> 0).
fn write_chinese(n: u64, out: &mut String) {
    const YI: u64 = 100_000_000;
    if n >= YI {
        write_chinese(n / YI, out);
        out.push('亿');
        let rest = n % YI;
        if rest > 0 {
            if rest < YI / 10 {
                out.push('零');
            }
            write_below_yi(rest, out);
        }
    } else {
        write_below_yi(n, out);
    }
}

/// Appends 0 < n < 10^8.
fn write_below_yi(n: u64, out: &mut String) {
    let wan = n / 10_000;
    let low = n % 10_000;
    if wan > 0 {
        write_section(wan, out);
        out.push('万');
        if low > 0 {
            if low < 1000 {
                out.push('零');
            }
            write_section(low, out);
        }
    } else {
        write_section(low, out);
    }
}

/// Appends 0 < n < 10^4 with 零 for inner gaps (一千零一十, 一百零五).
fn write_section(n: u64, out: &mut String) {
    const UNITS: [(u64, Option<char>); 4] =
        [(1000, Some('千')), (100, Some('百')), (10, Some('十')), (1, None)];
    let mut started = false;
    let mut gap = false;
    for (u, name) in UNITS {
        let d = (n / u) % 10;
        if d == 0 {
            if started {
                gap = true;
            }
            continue;
        }
        if gap {
            out.push('零');
            gap = false;
        }
        out.push(DIGITS[d as usize]);
        if let Some(c) = name {
            out.push(c);
        }
        started = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_and_full_width() {
        assert_eq!(parse_number("20"), Some(20));
        assert_eq!(parse_number(" 20 "), Some(20));
        assert_eq!(parse_number("２０"), Some(20));
        assert_eq!(parse_number("0"), Some(0));
        assert_eq!(parse_number("99999999999999999999999999"), None);
        assert_eq!(parse_number("-3"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("3万"), Some(30_000));
    }

    #[test]
    fn chinese_basic() {
        let cases = [
            ("零", 0),
            ("〇", 0),
            ("一", 1),
            ("两", 2),
            ("十", 10),
            ("十一", 11),
            ("一十一", 11),
            ("二十", 20),
            ("十五", 15),
            ("三十五", 35),
            ("一百二十", 120),
            ("一百零五", 105),
            ("一千零十", 1010),
            ("一千零一十", 1010),
            ("一百二", 120),
            ("两千六", 2600),
            ("三万五", 35_000),
            ("三万五千", 35_000),
            ("十万", 100_000),
            ("一亿", 100_000_000),
            ("一万亿", 1_000_000_000_000),
            ("三亿零五", 300_000_005),
            ("廿", 20),
            ("廿一", 21),
            ("卅", 30),
            ("壹拾贰", 12),
            ("贰佰", 200),
            ("貳拾", 20),
            ("參", 3),
            ("陸仟", 6000),
            ("兩萬", 20_000),
            ("玖拾玖億", 9_900_000_000),
            ("二〇二三", 2023),
            ("一百零一", 101),
            ("一百一十", 110),
        ];
        for (s, n) in cases {
            assert_eq!(parse_number(s), Some(n), "{s}");
        }
    }

    #[test]
    fn chinese_malformed() {
        for s in ["十百", "二三十", "百百", "万万", "五a", "第三", "一点五", "亿万"]
        {
            assert_eq!(parse_number(s), None, "{s}");
        }
        // Overflow: far beyond u64.
        assert_eq!(parse_number("99999999999亿亿"), None);
        assert_eq!(parse_number("一万亿亿"), None);
        assert_eq!(parse_number(&"九".repeat(40)), None);
    }

    #[test]
    fn scanner_finds_spans() {
        let s = "受理之日起20个工作日。";
        let (n, span) = find_number(s).unwrap();
        assert_eq!(n, 20);
        assert_eq!(&s[span], "20");
        let s = "行政机关应当自受理行政许可申请之日起二十日内做出行政许可决定。";
        let (n, span) = find_number(s).unwrap();
        assert_eq!(n, 20);
        assert_eq!(&s[span], "二十");
        assert_eq!(find_number("不收费"), None);
        let all: Vec<_> = numbers("第3条和第十五条").map(|f| f.value).collect();
        assert_eq!(all, vec![Some(3), Some(15)]);
    }

    #[test]
    fn to_chinese_examples() {
        assert_eq!(to_chinese(0), "零");
        assert_eq!(to_chinese(10), "十");
        assert_eq!(to_chinese(15), "十五");
        assert_eq!(to_chinese(35), "三十五");
        assert_eq!(to_chinese(110), "一百一十");
        assert_eq!(to_chinese(101), "一百零一");
        assert_eq!(to_chinese(1010), "一千零一十");
        assert_eq!(to_chinese(10_001), "一万零一");
        assert_eq!(to_chinese(100_000_000), "一亿");
        assert_eq!(to_chinese(100_010_000), "一亿零一万");
    }

    #[test]
    fn to_chinese_round_trips_densely_below_20000() {
        for n in 0..20_000 {
            assert_eq!(parse_number(&to_chinese(n)), Some(n), "{n} {}", to_chinese(n));
        }
    }

    #[test]
    fn to_chinese_round_trips_on_a_stride_below_10_8() {
        // Prime stride so every digit position takes every value somewhere.
        for n in (0..100_000_000u64).step_by(9_973) {
            assert_eq!(parse_number(&to_chinese(n)), Some(n), "{n} {}", to_chinese(n));
        }
        for n in [99_999_999, 10_000_000, 10_000_001, 100_000_000, 100_000_001, u64::MAX] {
            assert_eq!(parse_number(&to_chinese(n)), Some(n), "{n} {}", to_chinese(n));
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = parse_number(&s);
            let _ = find_number(&s);
        }

        #[test]
        fn numeral_soup_never_panics(s in "[零〇一二两三四五六七八九十百千万亿廿卅0-9]{0,12}") {
            let _ = parse_number(&s);
        }

        #[test]
        fn to_chinese_round_trips(n in 0u64..100_000_000) {
            proptest::prop_assert_eq!(parse_number(&to_chinese(n)), Some(n));
        }

        #[test]
        fn to_chinese_round_trips_large(n in 0u64..u64::MAX) {
            proptest::prop_assert_eq!(parse_number(&to_chinese(n)), Some(n));
        }
    }
}

#[cfg(test)]
mod continued_tests {
    use super::is_continued;

    // Regression (hostile suite): "1,000元" was read as 0元 = free, "-5个工作日" as 5.
    #[test]
    fn separators_signs_and_exponents_continue_a_number() {
        assert!(is_continued("1,000", 2));
        assert!(is_continued("-5", 1));
        assert!(is_continued("负5", "负".len()));
        assert!(is_continued("1e308", 2));
        assert!(is_continued("1e+400", 3));
        assert!(is_continued("1.5", 2));
        assert!(!is_continued("1-3", 2));
        assert!(!is_continued("每证10", "每证".len()));
        assert!(!is_continued("10", 0));
    }

    // Regression (hostile suite): the fee and limit readers took the digits after the mark.
    #[test]
    fn fees_and_limits_with_separators_signs_and_exponents() {
        use crate::value::fee::{Fee, FeeValue};
        use crate::value::limit::{LimitValue, TimeLimit, TimeUnit};
        assert_eq!(
            Fee::parse("1,000元".into()).value,
            FeeValue::Amount { fen: 100_000, per: None }
        );
        assert_eq!(Fee::parse("-100元".into()).value, FeeValue::Unparsed);
        assert_eq!(Fee::parse("1e400元".into()).value, FeeValue::Unparsed);
        assert_eq!(
            TimeLimit::parse("1,000个工作日".into()).value,
            LimitValue::Amount { amount: 1000, unit: TimeUnit::WorkingDays }
        );
        assert_eq!(TimeLimit::parse("-5个工作日".into()).value, LimitValue::Unparsed);
        assert_eq!(TimeLimit::parse("1e308个工作日".into()).value, LimitValue::Unparsed);
    }

    #[test]
    fn thousands_separators_are_removed_only_between_digit_groups() {
        use super::strip_thousands;
        assert_eq!(strip_thousands("1,000元"), "1000元");
        assert_eq!(strip_thousands("12，345，678元"), "12345678元");
        assert_eq!(strip_thousands("1,00元"), "1,00元");
        assert_eq!(strip_thousands("甲,乙"), "甲,乙");
    }
}
