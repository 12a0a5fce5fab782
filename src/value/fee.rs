//! Fees (收费标准): free, an amount, charged with the amount set elsewhere, or unparsed.

use serde::Serialize;

use crate::model::Str;

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
    pub fn parse(raw: Str) -> Fee {
        let value = if raw.trim().is_empty() { FeeValue::Empty } else { FeeValue::Unparsed };
        Fee { raw, value }
    }
}
