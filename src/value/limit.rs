//! Time limits (法定时限, 承诺时限, 环节时限): an amount and a unit, immediate, none, or unparsed.

use serde::Serialize;

use crate::model::Str;

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

/// A time limit with its raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TimeLimit {
    pub raw: Str,
    pub value: LimitValue,
}

impl TimeLimit {
    /// Parses a time limit, also inside prose ("受理之日起20个工作日。").
    pub fn parse(raw: Str) -> TimeLimit {
        let value = if raw.trim().is_empty() { LimitValue::None } else { LimitValue::Unparsed };
        TimeLimit { raw, value }
    }
}
