//! `diff`: two versions of a dataset — items matched per jurisdiction, what changed per item,
//! the measures before and after, a simplification score, and aggregates per jurisdiction,
//! department and overall. The renderers live in `crate::report::diff`.

pub mod aggregate;
pub mod fields;
pub mod matching;
pub mod measures;
pub mod score;
pub mod stream;
#[cfg(test)]
pub mod testutil;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

pub use aggregate::{Group, RankRow, Rates, Summarizer, Summary, Totals};
pub use measures::Measures;
pub use score::Scoring;
pub use stream::Plan;

use crate::model::{Dataset, Field, Item, Kind, Str};

/// What happened to an item between the versions (CLI.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    Changed,
    Unchanged,
}

impl Status {
    /// The stable English word.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
        }
    }

    /// The Chinese word.
    pub fn zh(self) -> &'static str {
        match self {
            Status::Added => "新增",
            Status::Removed => "取消",
            Status::Changed => "变更",
            Status::Unchanged => "未变",
        }
    }
}

/// One change of one field, with the old and the new value as written. Sub-changes of the basis,
/// steps and materials carry a `kind`: added, removed, renumbered, reordered, reworded, required,
/// stamped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: Field,
    pub old: Option<String>,
    pub new: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
}

impl Change {
    /// A whole-field change.
    pub fn new(field: Field, old: &str, new: &str) -> Change {
        Change { field, old: Some(old.to_string()), new: Some(new.to_string()), kind: None }
    }

    /// A sub-change of a list field (basis, steps, materials).
    pub fn sub(
        field: Field,
        kind: &'static str,
        old: Option<String>,
        new: Option<String>,
    ) -> Change {
        Change { field, old, new, kind: Some(kind) }
    }
}

/// Facts about one version of an item that the aggregates need beyond its measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// 法定时限 in working days.
    pub statutory_days: Option<u64>,
    /// 即办件.
    pub immediate: bool,
}

impl Facts {
    fn of(item: &Item) -> Facts {
        Facts {
            statutory_days: measures::working_days(&item.statutory_limit),
            immediate: item.kind == Some(Kind::Immediate),
        }
    }
}

/// The diff of one item (CLI.md keys, plus `recoded`, `old_code`, `new_code`, `name`,
/// `department` and `reworded_materials`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDiff {
    pub jurisdiction: Str,
    /// 事项编码: the new version's code (the old one for a removed item); the name when the row
    /// has no code. Shared with the dataset (`Str`), not copied: a province has ~0.7 M of them.
    pub item: Str,
    pub status: Status,
    /// The code changed (the item was matched by name).
    pub recoded: bool,
    pub old_code: Option<Str>,
    pub new_code: Option<Str>,
    /// 事项名称 (the new one when both exist).
    pub name: Str,
    /// 实施主体 (the new one when both exist).
    pub department: Str,
    /// 实施主体 normalised (the key of the department aggregates).
    #[serde(skip)]
    pub department_norm: Str,
    pub changes: Vec<Change>,
    pub before: Option<Measures>,
    pub after: Option<Measures>,
    pub score: f64,
    /// Materials matched to a reworded name (the same material, not one removed and one added).
    pub reworded_materials: u64,
    #[serde(skip)]
    pub before_facts: Option<Facts>,
    #[serde(skip)]
    pub after_facts: Option<Facts>,
}

impl ItemDiff {
    /// An item that became more complicated.
    pub fn is_regression(&self) -> bool {
        self.score < 0.0
    }
}

/// A problem met while matching (a duplicate code) that the reader must know about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub jurisdiction: Str,
    pub item: String,
    pub message: String,
    #[serde(skip)]
    pub message_en: String,
}

/// The whole diff: items (regressions first) and the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    pub items: Vec<ItemDiff>,
    pub summary: Summary,
    pub warnings: Vec<Warning>,
}

fn code_or_name(item: &Item) -> Str {
    if item.code.is_empty() {
        item.name.raw.clone()
    } else {
        trimmed(&item.code.raw)
    }
}

/// `s` without surrounding whitespace: the same shared string when there is none (the usual
/// case), a new one otherwise.
fn trimmed(s: &Str) -> Str {
    let t = s.trim();
    if t.len() == s.len() {
        s.clone()
    } else {
        t.into()
    }
}

/// Diffs one matched pair.
pub fn diff_pair(old: &Item, new: &Item, scoring: &Scoring) -> ItemDiff {
    // Each measure counted once per item (the stamps serve the changes too).
    let before = Measures::of(old);
    let after = Measures::of(new);
    let (changes, reworded) = fields::changes_with_stamps(
        old,
        new,
        scoring.material_threshold,
        (before.stamps, after.stamps),
    );
    let recoded = old.code.norm != new.code.norm;
    ItemDiff {
        jurisdiction: new.jurisdiction.clone(),
        item: code_or_name(new),
        status: if changes.is_empty() { Status::Unchanged } else { Status::Changed },
        recoded,
        old_code: Some(trimmed(&old.code.raw)),
        new_code: Some(trimmed(&new.code.raw)),
        name: new.name.raw.clone(),
        department: new.department.raw.clone(),
        department_norm: new.department.norm.clone(),
        changes,
        score: scoring.score(&before, &after),
        before: Some(before),
        after: Some(after),
        reworded_materials: reworded,
        before_facts: Some(Facts::of(old)),
        after_facts: Some(Facts::of(new)),
    }
}

fn one_sided(item: &Item, added: bool) -> ItemDiff {
    let m = Some(Measures::of(item));
    let f = Some(Facts::of(item));
    let code = Some(trimmed(&item.code.raw));
    ItemDiff {
        jurisdiction: item.jurisdiction.clone(),
        item: code_or_name(item),
        status: if added { Status::Added } else { Status::Removed },
        recoded: false,
        old_code: if added { None } else { code.clone() },
        new_code: if added { code } else { None },
        name: item.name.raw.clone(),
        department: item.department.raw.clone(),
        department_norm: item.department.norm.clone(),
        changes: Vec::new(),
        before: if added { None } else { m },
        after: if added { m } else { None },
        score: 0.0,
        reworded_materials: 0,
        before_facts: if added { None } else { f },
        after_facts: if added { f } else { None },
    }
}

/// The items of one jurisdiction (trimmed 区划代码) in the old and the new version.
type Versions<'a> = (&'a str, Vec<&'a Item>, Vec<&'a Item>);

/// Groups the items of both versions by trimmed jurisdiction, in key order. Rows of one
/// jurisdiction mostly come together: the runs of one are found in parallel (reading every
/// item is what costs), then each run is added to its group whole.
fn by_jurisdiction<'a>(old: &'a Dataset, new: &'a Dataset) -> Vec<Versions<'a>> {
    let mut index: FxHashMap<&'a str, usize> = FxHashMap::default();
    let mut groups: Vec<Versions<'a>> = Vec::new();
    for (side, items) in [(0, &old.items), (1, &new.items)] {
        let mut last: Option<(&str, usize)> = None;
        for (run, j) in runs(items) {
            let g = match last {
                Some((k, g)) if k == j => g,
                _ => {
                    let g = *index.entry(j).or_insert_with(|| {
                        groups.push((j, Vec::new(), Vec::new()));
                        groups.len() - 1
                    });
                    last = Some((j, g));
                    g
                }
            };
            let rows = items[run].iter();
            if side == 0 {
                groups[g].1.extend(rows);
            } else {
                groups[g].2.extend(rows);
            }
        }
    }
    groups.sort_unstable_by(|a, b| a.0.cmp(b.0));
    groups
}

/// The runs of items with one trimmed jurisdiction, in order (a run may be cut where the
/// items were split between threads; the next one then has the same jurisdiction).
fn runs(items: &[Item]) -> Vec<(std::ops::Range<usize>, &str)> {
    const PART: usize = 16 * 1024;
    let parts: Vec<Vec<(std::ops::Range<usize>, &str)>> = items
        .par_chunks(PART)
        .enumerate()
        .map(|(p, part)| {
            let base = p * PART;
            let mut out: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
            for (k, it) in part.iter().enumerate() {
                let j = it.jurisdiction.trim();
                match out.last_mut() {
                    Some((run, last)) if *last == j => run.end = base + k + 1,
                    _ => out.push((base + k..base + k + 1, j)),
                }
            }
            out
        })
        .collect();
    parts.into_iter().flatten().collect()
}

/// Compares two versions: the items matched per jurisdiction in parallel, the item diffs made
/// in parallel, in an order that never depends on thread timing: regressions first (lowest
/// score first), then by jurisdiction, item and status (`stream::Plan`, which also streams them
/// to a renderer without holding them all).
pub fn diff(old: &Dataset, new: &Dataset, scoring: &Scoring) -> DiffReport {
    report(stream::Plan::new(old, new, scoring), old, new, scoring)
}

/// The whole report of a plan of `old` and `new`: every item diff made, in report order, and
/// the summary.
pub fn report(plan: Plan<'_>, old: &Dataset, new: &Dataset, scoring: &Scoring) -> DiffReport {
    let (items, warnings) = plan.collect(scoring, rayon::current_num_threads());
    let summary = aggregate::summarize(&items, old, new);
    DiffReport { items, summary, warnings }
}

/// The report order: regressions first (lowest score first), then jurisdiction, item, status,
/// name, old code.
fn report_order(a: &ItemDiff, b: &ItemDiff) -> std::cmp::Ordering {
    let ra = a.is_regression();
    let rb = b.is_regression();
    rb.cmp(&ra)
        .then_with(
            || {
                if ra && rb {
                    a.score.total_cmp(&b.score)
                } else {
                    std::cmp::Ordering::Equal
                }
            },
        )
        .then_with(|| a.jurisdiction.cmp(&b.jurisdiction))
        .then_with(|| a.item.cmp(&b.item))
        .then_with(|| a.status.cmp(&b.status))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.old_code.cmp(&b.old_code))
}

#[cfg(test)]
mod tests {
    use super::testutil::*;
    use super::*;
    use crate::model::*;

    fn kinds(d: &ItemDiff, field: Field) -> Vec<(Option<&str>, Option<&str>, Option<&str>)> {
        d.changes
            .iter()
            .filter(|c| c.field == field)
            .map(|c| (c.kind, c.old.as_deref(), c.new.as_deref()))
            .collect()
    }

    #[test]
    fn identical_items_are_unchanged_and_score_zero() {
        let mut a = item("450102", "000101001000", "食品经营许可");
        a.steps = vec![step(1, "受理", 1), step(2, "审查", 0)];
        a.materials = vec![material("申请书", true, true)];
        let d = diff_pair(&a, &a.clone(), &Scoring::default());
        assert_eq!(d.status, Status::Unchanged);
        assert_eq!(d.score, 0.0);
        assert_eq!(d.before, d.after);
        assert_eq!(d.before.unwrap().stamps, 2);
    }

    #[test]
    fn formatting_only_differences_are_not_changes() {
        let a = item("450102", "000101001000", "食品经营许可（新办）");
        let mut b = item("450102", "000101001000", "食品经营许可 (新办)");
        b.committed_limit = days("十个工作日", 10).into();
        b.fee = Fee { raw: "免费".into(), value: FeeValue::Free }.into();
        let d = diff_pair(&a, &b, &Scoring::default());
        assert_eq!(d.status, Status::Unchanged, "{:?}", d.changes);
    }

    #[test]
    fn simplification_is_measured_and_scored() {
        let mut a = item("450102", "000101001000", "食品经营许可");
        a.steps = vec![step(1, "受理", 1), step(2, "审查", 1), step(3, "决定", 1)];
        a.materials = vec![
            material("营业执照复印件", true, false),
            material("申请书", true, true),
            material("场所证明", true, false),
        ];
        a.visits = Count::parse("2".into()).into();
        let mut b = a.clone();
        b.steps = vec![step(1, "受理", 1), step(2, "决定", 1)];
        b.materials =
            vec![material("申请表", true, true), material("营业执照副本复印件", true, false)];
        b.visits = Count::parse("0".into()).into();
        b.committed_limit = days("5个工作日", 5).into();
        let d = diff_pair(&a, &b, &Scoring::default());
        assert_eq!(d.status, Status::Changed);
        let (bf, af) = (d.before.unwrap(), d.after.unwrap());
        assert_eq!((bf.steps, af.steps), (3, 2));
        assert_eq!((bf.stamps, af.stamps), (4, 3));
        assert_eq!((bf.materials, af.materials), (3, 2));
        assert_eq!((bf.committed_days, af.committed_days), (Some(10), Some(5)));
        assert_eq!(d.reworded_materials, 2);
        // 1 step + 1 stamp + 1 material + 2 visits × 2 + 5 days × 0.2
        assert_eq!(d.score, 8.0);
        assert_eq!(kinds(&d, Field::Steps), vec![(Some("removed"), Some("审查"), None)]);
        assert_eq!(
            kinds(&d, Field::Materials),
            vec![
                (Some("reworded"), Some("营业执照复印件"), Some("营业执照副本复印件")),
                (Some("reworded"), Some("申请书"), Some("申请表")),
                (Some("removed"), Some("场所证明"), None),
            ]
        );
        assert_eq!(kinds(&d, Field::Visits), vec![(None, Some("2"), Some("0"))]);
    }

    #[test]
    fn regressions_score_below_zero_and_come_first() {
        let a = item("450102", "000101001000", "甲");
        let mut b = a.clone();
        b.materials = vec![material("环评报告", true, false)];
        b.intermediaries = Intermediaries::parse("环境影响评价".into()).into();
        let c = item("450102", "000101002000", "乙");
        let mut c2 = c.clone();
        c2.visits = Count::parse("0".into()).into();
        let r = diff(&dataset(vec![a, c]), &dataset(vec![b, c2]), &Scoring::default());
        assert_eq!(&*r.items[0].item, "000101001000");
        assert_eq!(r.items[0].score, -3.0);
        assert_eq!(r.items[1].score, 2.0);
        assert_eq!(r.summary.totals.complicated, 1);
        assert_eq!(r.summary.totals.simplified, 1);
    }

    #[test]
    fn recoded_items_carry_both_codes() {
        let a = item("450102", "000101001000", "食品经营许可");
        let b = item("450102", "450101001000", "食品经营许可");
        let r = diff(&dataset(vec![a]), &dataset(vec![b]), &Scoring::default());
        assert_eq!(r.items.len(), 1);
        let d = &r.items[0];
        assert!(d.recoded);
        assert_eq!(d.status, Status::Changed);
        assert_eq!(kinds(d, Field::Code), vec![(None, Some("000101001000"), Some("450101001000"))]);
    }

    #[test]
    fn steps_reordered_and_basis_renumbered() {
        let mut a = item("450102", "000101001000", "甲");
        a.steps = vec![step(1, "受理", 0), step(2, "审查", 0), step(3, "决定", 0)];
        a.basis = Basis {
            raw: "x".into(),
            refs: vec![law("中华人民共和国食品安全法", 35), law("行政许可法", 12)],
        }
        .into();
        let mut b = a.clone();
        b.steps = vec![step(1, "受理", 0), step(2, "决定", 0), step(3, "审查", 0)];
        b.basis = Basis {
            raw: "y".into(),
            refs: vec![law("中华人民共和国食品安全法", 36), law("行政许可法", 12)],
        }
        .into();
        let d = diff_pair(&a, &b, &Scoring::default());
        assert_eq!(kinds(&d, Field::Steps).len(), 1);
        assert_eq!(kinds(&d, Field::Steps)[0].0, Some("reordered"));
        assert_eq!(
            kinds(&d, Field::Basis),
            vec![(
                Some("renumbered"),
                Some("《中华人民共和国食品安全法》第35条"),
                Some("《中华人民共和国食品安全法》第36条")
            )]
        );
        assert_eq!(d.score, 0.0);
    }

    #[test]
    fn added_and_removed_items() {
        let a = item("450102", "000101001000", "甲");
        let b = item("450102", "000102001000", "完全不同的事项");
        let r = diff(&dataset(vec![a]), &dataset(vec![b]), &Scoring::default());
        let st: Vec<Status> = r.items.iter().map(|d| d.status).collect();
        assert_eq!(st, vec![Status::Removed, Status::Added]);
        assert!(r.items[1].before.is_none() && r.items[1].after.is_some());
        assert_eq!(r.summary.totals.added, 1);
        assert_eq!(r.summary.totals.removed, 1);
    }
}
