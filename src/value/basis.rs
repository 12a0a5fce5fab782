//! Legal bases (设定依据): a set of references 《title》第N条第N款第N项.

use serde::Serialize;

use crate::model::Str;

/// One reference to a law, regulation or rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LawRef {
    /// Comparison key of the title: normalised, without the 中华人民共和国 prefix.
    pub key: String,
    /// 第N条.
    pub article: Option<u32>,
    /// 第N款.
    pub paragraph: Option<u32>,
    /// 第N项.
    pub item: Option<u32>,
    /// The title as written (without 《》), for reports.
    pub title: String,
}

/// A legal basis: the set of references plus the raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Basis {
    pub raw: Str,
    /// Sorted and de-duplicated.
    pub refs: Vec<LawRef>,
}

impl Basis {
    pub fn parse(raw: Str) -> Basis {
        Basis { raw, refs: Vec::new() }
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.raw.trim().is_empty()
    }
}
