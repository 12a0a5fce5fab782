//! Time limits (法定时限, 承诺时限, 环节时限): an amount and a unit, immediate, none, or unparsed.

use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::vocab::Str;

/// The unit of a time limit. The unit is part of the value: 20日 ≠ 20个工作日.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TimeUnit {
    /// 个工作日 / 工作日
    WorkingDays,
    /// 日 / 天 / 个自然日
    CalendarDays,
    /// 个月 / 月
    Months,
    /// 小时
    Hours,
}

/// The parsed form of a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LimitValue {
    Amount {
        amount: u32,
        unit: TimeUnit,
    },
    /// 即办, 当场办结, 立即办结, 即时办结 (0).
    Immediate,
    /// 无, —, /, 不适用, empty.
    None,
    /// Text that names no limit we can read; kept in `raw`.
    Unparsed,
}

/// A time limit with its raw text. Two limits are equal when their values are equal (the raw
/// text's formatting never matters); two `Unparsed` limits are equal when their trimmed raw texts
/// are, so that different unreadable texts are not taken for the same limit.
#[derive(Debug, Clone, Serialize)]
pub struct TimeLimit {
    pub raw: Str,
    pub value: LimitValue,
}

/// The largest amount read as a time limit: past it (九十九亿个工作日) the text is `Unparsed`.
pub const MAX_AMOUNT: u64 = 100_000;

impl TimeLimit {
    /// Parses a time limit, also inside prose ("受理之日起20个工作日。").
    pub fn parse(raw: Str) -> TimeLimit {
        let value = parse_value(&raw);
        TimeLimit { raw, value }
    }

    /// The limit in working days: immediate is 0, calendar days count 5 working days a week
    /// (rounded up), a month 22 working days, an 8-hour working day. `None` when there is no
    /// readable limit.
    pub fn working_days(&self) -> Option<u32> {
        self.value.working_days()
    }

    /// The standard spelling used in reports: 20个工作日, 20日, 3个月, 24小时, 即办, 无; the raw
    /// text for unparsed values.
    pub fn canonical(&self) -> String {
        match self.value {
            LimitValue::Unparsed => self.raw.trim().to_string(),
            v => v.canonical(),
        }
    }
}

impl LimitValue {
    /// See [`TimeLimit::working_days`].
    pub fn working_days(&self) -> Option<u32> {
        let days = match *self {
            LimitValue::Immediate => 0,
            LimitValue::Amount { amount, unit } => {
                let n = u64::from(amount);
                match unit {
                    TimeUnit::WorkingDays => n,
                    TimeUnit::CalendarDays => (n * 5).div_ceil(7),
                    TimeUnit::Months => n * 22,
                    TimeUnit::Hours => n.div_ceil(8),
                }
            }
            LimitValue::None | LimitValue::Unparsed => return None,
        };
        Some(u32::try_from(days).unwrap_or(u32::MAX))
    }

    /// The standard spelling (empty for `Unparsed`, whose text only the raw string has).
    pub fn canonical(&self) -> String {
        match *self {
            LimitValue::Amount { amount, unit } => format!("{amount}{}", unit.suffix()),
            LimitValue::Immediate => "即办".to_string(),
            LimitValue::None => "无".to_string(),
            LimitValue::Unparsed => String::new(),
        }
    }
}

impl TimeUnit {
    /// The suffix after the number in the standard spelling.
    pub fn suffix(self) -> &'static str {
        match self {
            TimeUnit::WorkingDays => "个工作日",
            TimeUnit::CalendarDays => "日",
            TimeUnit::Months => "个月",
            TimeUnit::Hours => "小时",
        }
    }
}

impl PartialEq for TimeLimit {
    fn eq(&self, other: &TimeLimit) -> bool {
        self.value == other.value
            && (self.value != LimitValue::Unparsed || self.raw.trim() == other.raw.trim())
    }
}

impl Eq for TimeLimit {}

impl Hash for TimeLimit {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
        if self.value == LimitValue::Unparsed {
            self.raw.trim().hash(state);
        }
    }
}

/// Texts that say there is no limit.
const NONE_WORDS: &[&str] = &[
    "无",
    "—",
    "——",
    "-",
    "--",
    "－",
    "/",
    "／",
    "\\",
    "不适用",
    "无时限",
    "暂无",
    "没有",
    "null",
    "NULL",
];

/// Texts that say the matter is done on the spot.
const IMMEDIATE_WORDS: &[&str] = &[
    "即办",
    "当场办结",
    "立即办结",
    "即时办结",
    "当场办理",
    "即来即办",
    "立等可取",
    "当即办结",
    "当场",
    "即时",
    "立即",
];

fn parse_value(raw: &str) -> LimitValue {
    let t = raw.trim().trim_end_matches(['。', '.', '；', ';', '，', ',']).trim();
    if t.is_empty() {
        return LimitValue::None;
    }
    if NONE_WORDS.contains(&t) {
        return LimitValue::None;
    }
    if IMMEDIATE_WORDS.iter().any(|w| t.starts_with(w)) {
        return LimitValue::Immediate;
    }
    if let Some(v) = find_amount(&crate::value::numeral::strip_thousands(t)) {
        return v;
    }
    if IMMEDIATE_WORDS[..8].iter().any(|w| t.contains(w)) {
        return LimitValue::Immediate;
    }
    // 无时限要求, 无法定时限: no number and a leading 无.
    if t.starts_with('无') && !t.starts_with("无需") {
        return LimitValue::None;
    }
    LimitValue::Unparsed
}

/// Words that, just before a duration, make it an extension or an exclusion rather than the
/// limit itself (可以延长10个工作日, 不计入…, 另加…).
const NOT_THE_LIMIT: &[&str] = &["延长", "延期", "延续", "另加", "另行", "不计", "不含", "扣除"];

/// The limit an explanation states (法定时限说明, 承诺时限说明: 受理之日起20个工作日。): its first
/// number followed by a time unit that is not an extension (可以延长十日) or an exclusion;
/// `None` when it states none (《宗教事务条例》规定, 无).
pub fn stated_limit(note: &str) -> Option<(u32, TimeUnit)> {
    let t = crate::value::numeral::strip_thousands(note);
    for found in crate::value::numeral::numbers(&t) {
        let Some(after) = t.get(found.span.end..) else { continue };
        let Some(unit) = unit_at(after) else { continue };
        let before = t.get(..found.span.start).unwrap_or("");
        let lead: String =
            before.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
        if NOT_THE_LIMIT.iter().any(|w| lead.contains(w)) {
            continue;
        }
        let n = found.value.filter(|&n| n > 0 && n <= MAX_AMOUNT)?;
        return Some((u32::try_from(n).ok()?, unit));
    }
    None
}

/// The first number followed by a time unit (after an optional 个 and spaces).
fn find_amount(t: &str) -> Option<LimitValue> {
    for found in crate::value::numeral::numbers(t) {
        let Some(after) = t.get(found.span.end..) else { continue };
        // "0.5个工作日": a fraction is not a whole number of units; do not read the 5 alone.
        if after.starts_with(['.', '．'])
            && after.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
        {
            return Some(LimitValue::Unparsed);
        }
        let Some(unit) = unit_at(after) else { continue };
        if crate::value::numeral::is_continued(t, found.span.start) {
            // "-5个工作日", "1,000个工作日", "1e308个工作日": not a whole number of units.
            return Some(LimitValue::Unparsed);
        }
        let Some(n) = found.value.filter(|&n| n <= MAX_AMOUNT) else {
            // A number with a unit that we cannot hold: absurd, not a limit.
            return Some(LimitValue::Unparsed);
        };
        if n == 0 {
            return Some(LimitValue::Immediate);
        }
        let amount = u32::try_from(n).ok()?;
        return Some(LimitValue::Amount { amount, unit });
    }
    None
}

/// Brackets that platform exports put around a unit written apart from its number: `30(工作日)`,
/// `7（工作日）`, `5【工作日】`. Opening and closing forms are paired by position.
const OPEN_BRACKETS: [char; 5] = ['(', '（', '[', '【', '〔'];
const CLOSE_BRACKETS: [char; 5] = [')', '）', ']', '】', '〕'];

/// The unit words, longest first where one starts another. 自然日 and 日历日 are calendar days (the
/// same as 日 and 天); 钟头 is an hour. The shapes seen in real exports (DATA.md "Values";
/// `shared/data/real/guangxi-lingshan-task-sample` `*_day_explain`; the Guangxi/Epoint and
/// national-platform `anticipate_type` / `promise_type` unit codes, 1 = 工作日, 2 = 自然日) are:
/// `N个工作日`, `N工作日`, `N(工作日)`, `N（个工作日）`, `N个自然日`, `N自然日`, `N(自然日)`, `N日`,
/// `N(日)`, `N天`, `N(天)`, `N天（工作日）`, `N个月`, `N（个月）`, `N小时`, `N(小时)`, `N个小时`.
const UNITS: &[(&str, TimeUnit)] = &[
    ("工作日", TimeUnit::WorkingDays),
    ("自然日", TimeUnit::CalendarDays),
    ("日历日", TimeUnit::CalendarDays),
    ("日", TimeUnit::CalendarDays),
    ("天", TimeUnit::CalendarDays),
    ("月", TimeUnit::Months),
    ("小时", TimeUnit::Hours),
    ("钟头", TimeUnit::Hours),
];

fn trim_spaces(s: &str) -> &str {
    s.trim_start_matches([' ', '\u{3000}', '\t'])
}

/// The unit word at the start of `s` (after an optional 个) and the text after it.
fn unit_word(s: &str) -> Option<(TimeUnit, &str)> {
    let s = trim_spaces(s);
    let s = trim_spaces(s.strip_prefix('个').unwrap_or(s));
    UNITS.iter().find_map(|&(w, u)| s.strip_prefix(w).map(|rest| (u, rest)))
}

/// A unit in brackets at the start of `s` (`(工作日)`, `（ 个月 ）`) and the text after it. The
/// closing bracket may be missing (a cell cut short) but nothing else may stand before it.
fn bracketed_unit(s: &str) -> Option<(TimeUnit, &str)> {
    let s = trim_spaces(s);
    let inner = s.strip_prefix(OPEN_BRACKETS)?;
    let (unit, rest) = unit_word(inner)?;
    let rest = trim_spaces(rest);
    if rest.is_empty() {
        return Some((unit, rest));
    }
    rest.strip_prefix(CLOSE_BRACKETS).map(|after| (unit, after))
}

/// The time unit at the start of `s` ("个工作日", " 工作日", "天", "个月", "(工作日)", "（个月）"…).
fn unit_at(s: &str) -> Option<TimeUnit> {
    if let Some((unit, _)) = bracketed_unit(s) {
        return Some(unit);
    }
    // 二十（20）个工作日: an Arabic restatement of the number in brackets before the unit.
    let s = skip_restated_number(s);
    let (unit, rest) = unit_word(s)?;
    // 5天（工作日）, 10日(自然日): a day count whose kind of day is said in brackets after it.
    if unit == TimeUnit::CalendarDays {
        if let Some((kind @ (TimeUnit::WorkingDays | TimeUnit::CalendarDays), _)) =
            bracketed_unit(rest)
        {
            return Some(kind);
        }
    }
    Some(unit)
}

/// `s` after a leading bracketed run of Arabic digits (`（20）`), or `s` itself.
fn skip_restated_number(s: &str) -> &str {
    let t = trim_spaces(s);
    let Some(inner) = t.strip_prefix(OPEN_BRACKETS) else { return s };
    let digits_end = inner.find(|c: char| !c.is_ascii_digit()).unwrap_or(inner.len());
    if digits_end == 0 {
        return s;
    }
    inner.get(digits_end..).and_then(|r| r.strip_prefix(CLOSE_BRACKETS)).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_explanation_states_its_limit_not_its_extension() {
        use super::{stated_limit, TimeUnit::*};
        // shared/data/real/guangxi-lingshan-task-sample, anticipate_day_explain / promise_day_explain.
        assert_eq!(stated_limit("受理之日起20个工作日。"), Some((20, WorkingDays)));
        assert_eq!(stated_limit("受理之日起1个工作日。"), Some((1, WorkingDays)));
        assert_eq!(
            stated_limit("行政机关应当自受理行政许可申请之日起二十日内做出行政许可决定。二十日内不能做出决定的，经本行政机关负责人批准，可以延长十日……"),
            Some((20, CalendarDays))
        );
        assert_eq!(stated_limit("县级经其机关负责人批准，可以延长10个工作日"), None);
        assert_eq!(stated_limit("《宗教事务条例》规定"), None);
        assert_eq!(stated_limit("办事提速。申请人准备、修改材料不计入承诺办结时限。"), None);
        assert_eq!(stated_limit("无"), None);
        assert_eq!(stated_limit("申请人补正材料的时间不计入5个工作日内"), None);
    }

    use super::*;

    fn v(s: &str) -> LimitValue {
        TimeLimit::parse(s.into()).value
    }

    fn wd(n: u32) -> LimitValue {
        LimitValue::Amount { amount: n, unit: TimeUnit::WorkingDays }
    }

    fn cd(n: u32) -> LimitValue {
        LimitValue::Amount { amount: n, unit: TimeUnit::CalendarDays }
    }

    #[test]
    fn working_days_written_every_way() {
        for s in [
            "20个工作日",
            "二十个工作日",
            "20工作日",
            "20 个工作日",
            "２０个工作日",
            "受理之日起20个工作日。",
            "贰拾个工作日",
        ] {
            assert_eq!(v(s), wd(20), "{s}");
        }
        assert_eq!(TimeLimit::parse("20个工作日".into()), TimeLimit::parse("二十个工作日".into()));
        assert_eq!(v("15个工作日（不含现场核查时间）"), wd(15));
    }

    #[test]
    fn other_units_differ() {
        assert_eq!(v("20日"), cd(20));
        assert_eq!(v("20天"), cd(20));
        assert_eq!(v("20个自然日"), cd(20));
        assert_ne!(v("20日"), v("20个工作日"));
        assert_eq!(v("3个月"), LimitValue::Amount { amount: 3, unit: TimeUnit::Months });
        assert_eq!(v("三个月"), LimitValue::Amount { amount: 3, unit: TimeUnit::Months });
        assert_eq!(v("24小时"), LimitValue::Amount { amount: 24, unit: TimeUnit::Hours });
        assert_eq!(v("二十日内作出决定"), cd(20));
    }

    /// Units written apart, the way platform exports write them (DATA.md "Values").
    #[test]
    fn platform_shapes() {
        for s in [
            "30(工作日)",
            "30（工作日）",
            "30（个工作日）",
            "30 ( 工作日 )",
            "30【工作日】",
            "30(工作日",
            "30个工作日",
            "三十个工作日",
            "30工作日",
            "30天（工作日）",
            "30日(工作日)",
            "三十（30）个工作日",
            "３０（工作日）",
        ] {
            assert_eq!(v(s), wd(30), "{s}");
        }
        let t = |s: &str| TimeLimit::parse(s.into());
        assert_eq!(t("30(工作日)"), t("30个工作日"));
        assert_eq!(t("30(工作日)"), t("三十个工作日"));
        for s in ["91(自然日)", "91个自然日", "91自然日", "91日", "91天", "91(天)", "91(日)"]
        {
            assert_eq!(v(s), cd(91), "{s}");
        }
        assert_eq!(v("91天(自然日)"), cd(91));
        assert_eq!(t("91(自然日)"), t("91日"));
        assert_ne!(t("91(自然日)"), t("91(工作日)"));
        assert_ne!(t("30(工作日)"), t("30(日)"));
        assert_eq!(v("24(小时)"), LimitValue::Amount { amount: 24, unit: TimeUnit::Hours });
        assert_eq!(v("24个小时"), LimitValue::Amount { amount: 24, unit: TimeUnit::Hours });
        assert_eq!(v("3（个月）"), LimitValue::Amount { amount: 3, unit: TimeUnit::Months });
        assert_eq!(v("3(月)"), LimitValue::Amount { amount: 3, unit: TimeUnit::Months });
        assert_eq!(v("0(工作日)"), LimitValue::Immediate);
        assert_eq!(t("5（工作日）").canonical(), "5个工作日");
        assert_eq!(t("91(自然日)").canonical(), "91日");
    }

    /// Brackets that hold something else than a unit are not read as one.
    #[test]
    fn brackets_without_a_unit() {
        assert_eq!(v("30(另行通知)"), LimitValue::Unparsed);
        assert_eq!(v("30(工作日以外)个月"), LimitValue::Unparsed);
        assert_eq!(v("("), LimitValue::Unparsed);
        assert_eq!(v("30（"), LimitValue::Unparsed);
        assert_eq!(v("(工作日)"), LimitValue::Unparsed);
        assert_eq!(v("（20）"), LimitValue::Unparsed);
        // The unit's word in brackets after a calendar unit only refines it to a kind of day.
        assert_eq!(v("30日(小时)"), cd(30));
    }

    #[test]
    fn immediate_and_none() {
        for s in ["即办", "当场办结", "立即办结", "即时办结", "0个工作日", "零个工作日", "即办件"]
        {
            assert_eq!(v(s), LimitValue::Immediate, "{s}");
        }
        for s in ["无", "—", "/", "不适用", "", "  ", "-", "无。"] {
            assert_eq!(v(s), LimitValue::None, "{s:?}");
        }
    }

    #[test]
    fn unreadable() {
        assert_eq!(v("九十九亿个工作日"), LimitValue::Unparsed);
        assert_eq!(v("99999999999999999999999个工作日"), LimitValue::Unparsed);
        assert_eq!(v("《宗教事务条例》规定"), LimitValue::Unparsed);
        assert_eq!(v("0.5个工作日"), LimitValue::Unparsed);
        assert_eq!(v("无法定时限"), LimitValue::None);
        assert_eq!(v("办事提速。申请人准备、修改材料不计入承诺办结时限。"), LimitValue::Unparsed);
        let a = TimeLimit::parse("见说明".into());
        let b = TimeLimit::parse("另行通知".into());
        assert_ne!(a, b);
        assert_eq!(a.canonical(), "见说明");
    }

    /// anticipate_day_explain / promise_day_explain texts of the Guangxi 灵山 sample.
    #[test]
    fn guangxi_explanations() {
        assert_eq!(
            v("除可以当场作出行政许可决定的外，行政机关应当自受理行政许可申请之日起二十日内做出行政许可决定。二十日内不能做出决定的，经本行政机关负责人批准，可以延长十日……"),
            cd(20)
        );
        assert_eq!(v("受理之日起1个工作日。"), wd(1));
        assert_eq!(v("县级经其机关负责人批准，可以延长10个工作日"), wd(10));
        assert_eq!(v("无"), LimitValue::None);
    }

    #[test]
    fn working_days_conversion() {
        let w = |s: &str| TimeLimit::parse(s.into()).working_days();
        assert_eq!(w("即办"), Some(0));
        assert_eq!(w("20个工作日"), Some(20));
        assert_eq!(w("20日"), Some(15));
        assert_eq!(w("7天"), Some(5));
        assert_eq!(w("1日"), Some(1));
        assert_eq!(w("3个月"), Some(66));
        assert_eq!(w("24小时"), Some(3));
        assert_eq!(w("4小时"), Some(1));
        assert_eq!(w("无"), None);
        assert_eq!(w("另行通知"), None);
    }

    #[test]
    fn canonical_forms() {
        let c = |s: &str| TimeLimit::parse(s.into()).canonical();
        assert_eq!(c("二十个工作日"), "20个工作日");
        assert_eq!(c("20天"), "20日");
        assert_eq!(c("三个月"), "3个月");
        assert_eq!(c("24小时"), "24小时");
        assert_eq!(c("当场办结"), "即办");
        assert_eq!(c("不适用"), "无");
        assert_eq!(c(" 另行通知 "), "另行通知");
    }

    fn any_value() -> impl proptest::strategy::Strategy<Value = LimitValue> {
        use proptest::prelude::*;
        let unit = prop_oneof![
            Just(TimeUnit::WorkingDays),
            Just(TimeUnit::CalendarDays),
            Just(TimeUnit::Months),
            Just(TimeUnit::Hours),
        ];
        prop_oneof![
            (1u32..=MAX_AMOUNT as u32, unit)
                .prop_map(|(amount, unit)| LimitValue::Amount { amount, unit }),
            Just(LimitValue::Immediate),
            Just(LimitValue::None),
        ]
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let l = TimeLimit::parse(s.as_str().into());
            let _ = l.working_days();
            let _ = l.canonical();
        }

        #[test]
        fn canonical_round_trips(value in any_value()) {
            let text = value.canonical();
            proptest::prop_assert_eq!(TimeLimit::parse(text.as_str().into()).value, value);
        }

        #[test]
        fn chinese_amounts_round_trip(n in 1u32..=MAX_AMOUNT as u32) {
            let text = format!("{}个工作日", crate::value::numeral::to_chinese(u64::from(n)));
            proptest::prop_assert_eq!(TimeLimit::parse(text.as_str().into()).value, wd(n));
        }
    }
}
