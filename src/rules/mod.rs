//! The check rules: one sorted registry of every rule (id, name, default severity, field, doc)
//! and, one file per family, the functions that find what each rule names. Rules decide; they
//! never write sentences (`report::message` does, per rule).

/// 设定依据.
pub mod basis;
/// Visits, intermediaries, steps, stamps, materials.
pub mod burden;
/// The categories' own elements (rules/categories.toml).
pub mod categories;
/// 事项编码 and 实施编码.
pub mod code;
/// The categories' own elements: 处罚种类, 处罚幅度, 检查频次, ….
pub mod elements;
/// 收费.
pub mod fee;
/// Name, category, department, levels, kind; splits.
pub mod item;
/// 法定时限, 承诺时限, 办件类型.
pub mod limits;
/// Missing, unknown, misplaced items.
pub mod presence;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::laws::{LawRegistry, LawStatus};
use crate::model::{Detail, Field, Finding, Severity, Str};

/// One rule: permanent id, a kebab-case name that names the problem, its default severity, the
/// field its findings are about (`None` when it depends on the finding), and its doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Permanent id (`QD101`); never reused.
    pub id: &'static str,
    /// Kebab-case name of the problem (reads well as "allow name-differs-from-standard").
    pub name: &'static str,
    /// Default severity (rules/check.toml may change it).
    pub severity: Severity,
    /// Field of its findings; `None` when it varies (unreadable values, splits).
    pub field: Option<Field>,
    /// On unless rules/check.toml turns it off (some rules are off by default).
    pub enabled: bool,
    /// The doc `qingdan rules ID` prints: a one-line summary, then ## What it does, ## Why it
    /// matters, ## Example, ## Configuration.
    pub doc: &'static str,
}

impl Rule {
    /// The first line of the doc.
    pub fn summary(&self) -> &'static str {
        self.doc.lines().next().unwrap_or("").trim()
    }
}

/// Every rule, sorted by id, one line each. Ids are never reused; a test checks the order.
pub static RULES: &[&Rule] = &[
    &presence::REQUIRED_ITEM_MISSING,
    &presence::ITEM_UNKNOWN_TO_STANDARD,
    &presence::ITEM_AT_LEVEL_NOT_GIVEN,
    &presence::TOWN_ITEM_WITHOUT_COUNTY_COUNTERPART,
    &presence::ITEM_RARE_AMONG_PEERS,
    &item::NAME_DIFFERS_FROM_STANDARD,
    &code::CODE_MALFORMED,
    &code::CODE_CATEGORY_MISMATCH,
    &code::DUPLICATE_CODE_IN_LIST,
    &code::CODE_SHARED_BY_DIFFERENT_ITEMS,
    &code::CODE_MISSING,
    &code::ITEM_UNDER_DIFFERENT_CODE,
    &code::IMPLEMENTATION_CODE_MISMATCH,
    &code::HANDLING_ITEM_NUMBERED_DIFFERENTLY,
    &item::CATEGORY_DIFFERS,
    &item::DEPARTMENT_DIFFERS,
    &item::LEVELS_DIFFER,
    &basis::BASIS_REFERENCE_MISSING,
    &basis::BASIS_REFERENCE_ADDED,
    &basis::BASIS_ARTICLE_DIFFERS,
    &basis::BASIS_EMPTY,
    &basis::REPEALED_LAW_CITED,
    &basis::BASIS_UNREADABLE,
    &limits::STATUTORY_LIMIT_DIFFERS,
    &limits::COMMITTED_LIMIT_EXCEEDS_STATUTORY,
    &limits::COMMITTED_LIMIT_EXCEEDS_STANDARD,
    &limits::IMMEDIATE_ITEM_WITH_COMMITTED_LIMIT,
    &limits::COMMITTED_ITEM_WITHOUT_LIMIT,
    &limits::TIME_LIMIT_UNREADABLE,
    &limits::LIMIT_CONTRADICTS_ITS_NOTE,
    &fee::FEE_CHARGED_WHERE_FREE,
    &fee::FEE_AMOUNT_DIFFERS,
    &fee::FEE_FLAG_CONTRADICTS_FEE,
    &fee::FEE_WITHOUT_BASIS,
    &fee::FEE_UNREADABLE,
    &burden::MORE_VISITS,
    &burden::EXTRA_INTERMEDIARY,
    &burden::EXTRA_STEP,
    &burden::MORE_STAMPS,
    &burden::EXTRA_MATERIAL,
    &burden::COUNT_UNREADABLE,
    &item::KIND_DIFFERS,
    &elements::ELEMENT_DIFFERS,
    &elements::ELEMENT_ADDS_MEMBER,
    &elements::AMOUNT_EXCEEDS_REFERENCE,
    &elements::FREQUENCY_EXCEEDS_REFERENCE,
    &elements::RATIO_EXCEEDS_REFERENCE,
    &elements::REQUIRED_ELEMENT_EMPTY,
    &elements::MEMBER_OUTSIDE_VOCABULARY,
    &elements::MEMBER_UNFIT_FOR_TYPE,
    &elements::RESULT_NAME_CONTRADICTS_TYPE,
    &elements::ELEMENT_UNREADABLE,
    &item::PEERS_SPLIT,
];

/// The rule with this id (QD101) or name (name-differs-from-standard), case-insensitive.
pub fn find(key: &str) -> Option<&'static Rule> {
    let key = key.trim();
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// How a rule is set for a run: on or off, and at what severity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleSetting {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
}

pub use crate::model::Source;

/// What a finding is about: the jurisdiction, the item key (the standard's code where matched)
/// and the item's reference name.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    /// 区划代码; `None` for findings about the whole region (splits).
    pub jurisdiction: Option<&'a Str>,
    /// The item key: the standard's code where matched, else the row's code or name.
    pub item: Option<&'a Str>,
    /// The reference name of the item, for readers.
    pub item_name: Option<&'a Str>,
}

/// Collects the findings of rules, applying the run's settings (enabled, severity).
pub struct Sink<'a> {
    settings: &'a (dyn Fn(&Rule) -> RuleSetting + Sync),
    /// Findings so far, unsorted.
    pub findings: Vec<Finding>,
    /// Per law title cited, whether the registry has it repealed or expired: a sink serves one
    /// batch of rows, which cite a few hundred titles many times over, and the registry's own
    /// memo sits behind a lock every thread takes.
    repealed: FxHashMap<Box<str>, bool>,
    /// Addresses of the bases (shared by every row of a piece of the file citing the same
    /// text) already found readable and citing no repealed law. A sink serves the rows of one dataset,
    /// which outlives it, so an address stays that basis's.
    clean_bases: FxHashSet<usize>,
}

impl<'a> Sink<'a> {
    /// A sink that asks `settings` how each rule is set.
    pub fn new(settings: &'a (dyn Fn(&Rule) -> RuleSetting + Sync)) -> Sink<'a> {
        Sink {
            settings,
            findings: Vec::new(),
            repealed: FxHashMap::default(),
            clean_bases: FxHashSet::default(),
        }
    }

    /// True when `basis` was marked clean by [`mark_clean`](Self::mark_clean).
    pub fn is_clean(&self, basis: &std::sync::Arc<crate::model::Basis>) -> bool {
        self.clean_bases.contains(&(std::sync::Arc::as_ptr(basis) as usize))
    }

    /// Remembers that `basis` is readable and cites no repealed law.
    pub fn mark_clean(&mut self, basis: &std::sync::Arc<crate::model::Basis>) {
        self.clean_bases.insert(std::sync::Arc::as_ptr(basis) as usize);
    }

    /// True when `laws` has the law titled `title` repealed or expired.
    pub fn repealed(&mut self, laws: &LawRegistry, title: &str) -> bool {
        if let Some(&known) = self.repealed.get(title) {
            return known;
        }
        let repealed = laws
            .lookup(title)
            .is_some_and(|law| matches!(law.status, LawStatus::Repealed | LawStatus::Expired));
        self.repealed.insert(title.into(), repealed);
        repealed
    }

    /// True when `rule` is enabled in this run (callers may skip expensive work otherwise).
    pub fn on(&self, rule: &Rule) -> bool {
        (self.settings)(rule).enabled
    }

    /// Records a finding of `rule` about `field` (the rule's own field when `None`).
    #[allow(clippy::too_many_arguments)]
    pub fn emit(
        &mut self,
        rule: &'static Rule,
        field: Option<Field>,
        subject: &Subject,
        expected: Option<String>,
        actual: Option<String>,
        detail: Detail,
    ) {
        let setting = (self.settings)(rule);
        if !setting.enabled {
            return;
        }
        // Rules whose field varies always name it; a missing one is a bug caught by the tests.
        debug_assert!(
            field.is_some() || rule.field.is_some(),
            "{} emitted without a field",
            rule.id
        );
        let field = field.or(rule.field).unwrap_or(Field::Presence);
        self.findings.push(Finding {
            rule: rule.id,
            name: rule.name,
            severity: setting.severity,
            field,
            element: None,
            jurisdiction: subject.jurisdiction.cloned(),
            item: subject.item.cloned(),
            item_name: subject.item_name.cloned(),
            expected,
            actual,
            detail,
            caused_by: None,
            evidence: None,
            scope: Default::default(),
            approved: None,
            exception: None,
            since: None,
        });
    }

    /// Marks the findings made since the sink held `from` findings as following from `cause`.
    pub fn caused_since(&mut self, from: usize, cause: &crate::model::Cause) {
        for f in self.findings.iter_mut().skip(from) {
            if f.caused_by.is_none() {
                f.caused_by = Some(Box::new(cause.clone()));
            }
        }
    }

    /// Attaches `evidence` to the findings made since the sink held `from` findings.
    pub fn evidence_since(&mut self, from: usize, evidence: &crate::model::Evidence) {
        for f in self.findings.iter_mut().skip(from) {
            f.evidence = Some(Box::new(evidence.clone()));
        }
    }
}

/// One comparison of an item with its reference (the standard's item, or a peer holding the
/// consensus value).
pub struct Cmp<'a> {
    /// The row checked.
    pub item: &'a crate::model::Item,
    /// The standard's item, or a peer holding the consensus value.
    pub reference: &'a crate::model::Item,
    /// Where the reference came from (for messages).
    pub source: Source,
    /// What the findings are about.
    pub subject: Subject<'a>,
    /// Normalised names (`value::name::normalize`) of the item's and the reference's
    /// jurisdictions (for department comparisons).
    pub jurisdiction_norms: (&'a str, &'a str),
    /// Similarity (Sørensen–Dice on normalised names) at or above which two steps, materials or
    /// intermediaries are the same one reworded.
    pub part_similarity: f64,
}

/// Shows an empty value as （空） in the values a finding carries.
pub fn shown(s: &str) -> &str {
    if s.trim().is_empty() {
        "（空）"
    } else {
        s.trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_and_documented() {
        for pair in RULES.windows(2) {
            assert!(pair[0].id < pair[1].id, "{} must come before {}", pair[0].id, pair[1].id);
        }
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "rule names must be unique");
        for r in RULES {
            assert!(r.id.len() == 5 && r.id.starts_with("QD"), "{}", r.id);
            assert!(
                r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                r.name
            );
            assert!(!r.summary().is_empty(), "{} has no summary", r.id);
            for section in
                ["## What it does", "## Why it matters", "## Example", "## Configuration"]
            {
                assert!(r.doc.contains(section), "{} lacks {section}", r.id);
            }
        }
    }

    #[test]
    fn find_by_id_or_name() {
        assert_eq!(find("qd101").map(|r| r.name), Some("name-differs-from-standard"));
        assert_eq!(find("name-differs-from-standard").map(|r| r.id), Some("QD101"));
        assert!(find("QD999").is_none());
    }
}
