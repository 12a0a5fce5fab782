//! Counts: 到现场次数, 盖章数, 份数. Arabic or Chinese numerals; anything else is kept as raw.

use serde::Serialize;

use crate::vocab::Str;

/// A small non-negative count with its raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Count {
    pub raw: Str,
    /// `None` when empty or unreadable (negative, absurd, not a number).
    pub value: Option<u64>,
}

impl Count {
    /// Parses "1", "１", "一", "1次", "2份", "0". Values above `MAX` are unreadable.
    pub fn parse(raw: Str) -> Count {
        let value = parse_count(&raw);
        Count { raw, value }
    }

    /// True when a value was given but could not be read.
    pub fn is_unparsed(&self) -> bool {
        self.value.is_none() && !self.raw.trim().is_empty()
    }
}

/// The largest count accepted: nobody visits a counter a million times.
pub const MAX: u64 = 1_000_000;

fn parse_count(raw: &str) -> Option<u64> {
    let t = crate::value::name::normalize(raw);
    let t = t.trim_end_matches(['次', '份', '个', '枚', '处', '项', '家']);
    if t.is_empty() {
        return None;
    }
    let n = crate::value::numeral::parse_number(t)?;
    (n <= MAX).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(Count::parse("1".into()).value, Some(1));
        assert_eq!(Count::parse("１".into()).value, Some(1));
        assert_eq!(Count::parse("二".into()).value, Some(2));
        assert_eq!(Count::parse("2次".into()).value, Some(2));
        assert_eq!(Count::parse("-3".into()).value, None);
        assert!(Count::parse("-3".into()).is_unparsed());
        assert!(!Count::parse("".into()).is_unparsed());
        assert_eq!(Count::parse("99999999999999999999999999".into()).value, None);
        assert_eq!(Count::parse("两份".into()).value, Some(2));
        assert_eq!(Count::parse("十二次".into()).value, Some(12));
        assert_eq!(Count::parse("一百万零一".into()).value, None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let c = Count::parse(s.as_str().into());
            let _ = c.is_unparsed();
        }

        #[test]
        fn chinese_counts_round_trip(n in 0u64..=MAX) {
            let text = format!("{}次", crate::value::numeral::to_chinese(n));
            proptest::prop_assert_eq!(Count::parse(text.as_str().into()).value, Some(n));
        }
    }
}
