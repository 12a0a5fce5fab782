//! The law registry: laws, regulations and rules with their status (有效 / 已修改 / 已废止 / 失效),
//! dates, what replaced them and article renumbering, built from ../shared/data/laws/ into
//! rules/laws.csv and embedded in the binary.

use std::path::Path;

use crate::error::Result;

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

/// One law as the registry knows it.
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
}

/// The registry.
#[derive(Debug, Default)]
pub struct LawRegistry {}

impl LawRegistry {
    /// The registry embedded in the binary.
    pub fn bundled() -> &'static LawRegistry {
        static EMPTY: LawRegistry = LawRegistry {};
        &EMPTY
    }

    /// The embedded registry, or the one in `--rules DIR`.
    pub fn load(_rules_dir: Option<&Path>) -> Result<LawRegistry> {
        Ok(LawRegistry {})
    }

    /// Looks a law up by full or short title (食品安全法 = 中华人民共和国食品安全法), tolerant of
    /// 《》, full-width forms and whitespace.
    pub fn lookup(&self, _title: &str) -> Option<&Law> {
        None
    }

    /// Where an article of a replaced or renumbered law went: (new title, new article text such as
    /// 第四百六十四条), when known.
    pub fn renumbered(&self, _title: &str, _article: u32) -> Option<(String, String)> {
        None
    }
}
