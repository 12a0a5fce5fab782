//! The measures of simplification counted from one item (DATA.md "What is counted for
//! simplification"): steps, stamps, required materials, committed days, visits,
//! intermediaries, charged.

use serde::Serialize;

use crate::model::{Item, TimeLimit};

/// The measures of one item in one version (CLI.md `<measures>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Measures {
    /// Rows in steps.csv.
    pub steps: u64,
    /// 盖章数 over the steps plus materials with 需盖章 = 是.
    pub stamps: u64,
    /// Required materials (是否必要 = 是).
    pub materials: u64,
    /// 承诺时限 in working days (即办 = 0); `None` without a readable committed limit.
    pub committed_days: Option<u64>,
    /// 到现场次数 (0 when empty or unreadable).
    pub visits: u64,
    /// Listed intermediary services.
    pub intermediaries: u64,
    /// Charged or not.
    pub charged: bool,
}

impl Measures {
    /// Counts the measures of `item`.
    pub fn of(item: &Item) -> Measures {
        Measures {
            steps: item.steps.len() as u64,
            stamps: item.stamps(),
            materials: item.required_materials() as u64,
            committed_days: working_days(&item.committed_limit),
            visits: item.visits.value.unwrap_or(0),
            intermediaries: item.intermediaries.list.len() as u64,
            charged: charged(item),
        }
    }
}

/// Charged or not: 是否收费 when it says, else what 收费标准 implies (an amount or
/// 按…标准收取 is charged).
pub fn charged(item: &Item) -> bool {
    item.charged.value.or_else(|| item.fee.is_charged()).unwrap_or(false)
}

/// A time limit in working days (`TimeLimit::working_days`: 即办 = 0, calendar days × 5/7 and
/// months × 22 rounded up, 8-hour days). `None` for no or unreadable limit.
pub fn working_days(limit: &TimeLimit) -> Option<u64> {
    limit.working_days().map(u64::from)
}
