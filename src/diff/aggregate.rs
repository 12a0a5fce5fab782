//! Aggregates of a diff per jurisdiction, per department and overall: items simplified /
//! unchanged / more complicated, what was removed, the before/after rates the reform is judged
//! by (承诺时限压缩率, 即办件, 最多跑一次, 零跑动), and the ranking for 绩效考评.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{Facts, ItemDiff, Measures, Status};
use crate::model::{Dataset, Str};

/// Net reductions over matched items (before − after; negative when things were added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Reductions {
    pub steps: i64,
    pub stamps: i64,
    pub materials: i64,
    pub visits: i64,
    pub intermediaries: i64,
    /// Working days cut from committed limits (items with a limit in both versions).
    pub committed_days: i64,
    /// Items made free minus items made charged.
    pub charged: i64,
}

/// Rates over the items of one version.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Rates {
    /// Items in this version.
    pub items: u64,
    /// 承诺时限压缩率: 1 − Σ committed / Σ statutory (working days) over the items that have
    /// both; `None` when no item has both.
    pub compression: Option<f64>,
    /// Share of 即办件.
    pub immediate_share: Option<f64>,
    /// Share of items needing at most one visit (最多跑一次).
    pub at_most_one_visit_share: Option<f64>,
    /// Share of items needing no visit (零跑动).
    pub zero_visit_share: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default)]
struct RateAcc {
    items: u64,
    committed: u64,
    statutory: u64,
    immediate: u64,
    le_one: u64,
    zero: u64,
}

impl RateAcc {
    fn add(&mut self, m: &Measures, f: &Facts) {
        self.items += 1;
        if let (Some(c), Some(s)) = (m.committed_days, f.statutory_days) {
            self.committed += c;
            self.statutory += s;
        }
        self.immediate += f.immediate as u64;
        self.le_one += (m.visits <= 1) as u64;
        self.zero += (m.visits == 0) as u64;
    }

    fn rates(&self) -> Rates {
        let share = |n: u64| (self.items > 0).then(|| round4(n as f64 / self.items as f64));
        Rates {
            items: self.items,
            compression: (self.statutory > 0)
                .then(|| round4(1.0 - self.committed as f64 / self.statutory as f64)),
            immediate_share: share(self.immediate),
            at_most_one_visit_share: share(self.le_one),
            zero_visit_share: share(self.zero),
        }
    }
}

fn round4(x: f64) -> f64 {
    let r = (x * 10000.0).round() / 10000.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Counts over a set of item diffs.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Totals {
    /// Item diffs (matched + added + removed).
    pub items: u64,
    pub added: u64,
    pub removed: u64,
    pub changed: u64,
    pub unchanged: u64,
    /// Matched items whose code changed.
    pub recoded: u64,
    /// Matched items with score > 0.
    pub simplified: u64,
    /// Matched items with score = 0.
    pub same: u64,
    /// Matched items with score < 0.
    pub complicated: u64,
    /// Sum of the items' scores.
    pub score: f64,
    /// Reductions over matched items.
    pub reduced: Reductions,
    pub before: Rates,
    pub after: Rates,
}

#[derive(Debug, Clone, Default)]
struct Acc {
    t: Totals,
    before: RateAcc,
    after: RateAcc,
}

impl Acc {
    fn add(&mut self, d: &ItemDiff) {
        let t = &mut self.t;
        t.items += 1;
        match d.status {
            Status::Added => t.added += 1,
            Status::Removed => t.removed += 1,
            Status::Changed => t.changed += 1,
            Status::Unchanged => t.unchanged += 1,
        }
        t.recoded += d.recoded as u64;
        if let (Some(b), Some(a)) = (&d.before, &d.after) {
            if d.score > 0.0 {
                t.simplified += 1;
            } else if d.score < 0.0 {
                t.complicated += 1;
            } else {
                t.same += 1;
            }
            t.score += d.score;
            let r = &mut t.reduced;
            let dd = |x: u64, y: u64| x as i64 - y as i64;
            r.steps += dd(b.steps, a.steps);
            r.stamps += dd(b.stamps, a.stamps);
            r.materials += dd(b.materials, a.materials);
            r.visits += dd(b.visits, a.visits);
            r.intermediaries += dd(b.intermediaries, a.intermediaries);
            if let (Some(x), Some(y)) = (b.committed_days, a.committed_days) {
                r.committed_days += dd(x, y);
            }
            r.charged += dd(b.charged as u64, a.charged as u64);
        }
        if let (Some(m), Some(f)) = (&d.before, &d.before_facts) {
            self.before.add(m, f);
        }
        if let (Some(m), Some(f)) = (&d.after, &d.after_facts) {
            self.after.add(m, f);
        }
    }

    fn finish(mut self) -> Totals {
        self.t.score = (self.t.score * 1000.0).round() / 1000.0;
        if self.t.score == 0.0 {
            self.t.score = 0.0;
        }
        self.t.before = self.before.rates();
        self.t.after = self.after.rates();
        self.t
    }
}

/// The totals of one jurisdiction or department.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// 区划代码: the jurisdiction's, or for a department the code of the jurisdiction it serves.
    pub key: String,
    /// What a reader is shown: 区划名称 (when known), or the department's 实施主体 (normalised).
    /// (Until 2026-12 a department's key and label were the other way round.)
    pub label: String,
    #[serde(flatten)]
    pub totals: Totals,
}

/// One row of the ranking for 绩效考评.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankRow {
    /// 1 for the highest total score; equal scores share a rank.
    pub rank: u64,
    pub key: String,
    pub label: String,
    pub score: f64,
    /// Mean score over matched items.
    pub mean_score: Option<f64>,
    pub simplified: u64,
    pub complicated: u64,
}

/// The ranking tables.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Ranking {
    pub jurisdictions: Vec<RankRow>,
    pub departments: Vec<RankRow>,
}

/// `summary` of the JSON output: the overall totals (flattened), per jurisdiction, per
/// department and the ranking.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub totals: Totals,
    pub by_jurisdiction: Vec<Group>,
    pub by_department: Vec<Group>,
    pub ranking: Ranking,
}

/// Aggregates the item diffs. Groups are sorted by key; rankings by score (desc), then key.
pub fn summarize(items: &[ItemDiff], old: &Dataset, new: &Dataset) -> Summary {
    let mut s = Summarizer::default();
    for d in items {
        s.add(d);
    }
    s.finish(old, new)
}

/// The aggregates accumulated item diff by item diff, in report order (float sums depend on
/// it), so that a streamed report need not hold its item diffs: `summarize` of the same items.
#[derive(Default)]
pub struct Summarizer {
    all: Acc,
    /// Per jurisdiction: the position in `jurisdictions`.
    by_j: FxHashMap<Str, usize>,
    jurisdictions: Vec<(Str, Acc)>,
    by_d: FxHashMap<(Str, Str), Acc>,
}

impl Summarizer {
    /// Adds the next item diff of the report.
    pub fn add(&mut self, d: &ItemDiff) {
        self.all.add(d);
        // Item diffs of one jurisdiction mostly come together: the last one is tried first.
        let g = match self.jurisdictions.last() {
            Some((j, _)) if *j == d.jurisdiction => self.jurisdictions.len() - 1,
            _ => match self.by_j.get(&d.jurisdiction) {
                Some(&g) => g,
                None => {
                    self.jurisdictions.push((d.jurisdiction.clone(), Acc::default()));
                    self.by_j.insert(d.jurisdiction.clone(), self.jurisdictions.len() - 1);
                    self.jurisdictions.len() - 1
                }
            },
        };
        self.jurisdictions[g].1.add(d);
        let key = (d.department_norm.clone(), d.jurisdiction.clone());
        self.by_d.entry(key).or_default().add(d);
    }

    /// The summary (jurisdiction names from `new`, else `old`).
    pub fn finish(self, old: &Dataset, new: &Dataset) -> Summary {
        let jname = |code: &str| {
            new.jurisdiction(code)
                .or_else(|| old.jurisdiction(code))
                .map(|j| j.name.to_string())
                .unwrap_or_default()
        };
        let mut by_j = self.jurisdictions;
        by_j.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Keyed (jurisdiction, department), like the jurisdictions: code first, name second.
        let mut by_d: Vec<((Str, Str), Acc)> =
            self.by_d.into_iter().map(|((d, j), a)| ((j, d), a)).collect();
        by_d.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let by_jurisdiction: Vec<Group> = by_j
            .into_iter()
            .map(|(k, a)| Group { label: jname(&k), key: k.to_string(), totals: a.finish() })
            .collect();
        let by_department: Vec<Group> = by_d
            .into_iter()
            .map(|((j, d), a)| Group {
                key: j.to_string(),
                label: d.to_string(),
                totals: a.finish(),
            })
            .collect();
        let ranking =
            Ranking { jurisdictions: rank(&by_jurisdiction), departments: rank(&by_department) };
        Summary { totals: self.all.finish(), by_jurisdiction, by_department, ranking }
    }
}

fn rank(groups: &[Group]) -> Vec<RankRow> {
    let mut rows: Vec<RankRow> = groups
        .iter()
        .map(|g| {
            let matched = g.totals.simplified + g.totals.same + g.totals.complicated;
            RankRow {
                rank: 0,
                key: g.key.clone(),
                label: g.label.clone(),
                score: g.totals.score,
                mean_score: (matched > 0).then(|| round4(g.totals.score / matched as f64)),
                simplified: g.totals.simplified,
                complicated: g.totals.complicated,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| (&a.key, &a.label).cmp(&(&b.key, &b.label)))
    });
    let mut prev: Option<f64> = None;
    let mut rank = 0;
    for (i, r) in rows.iter_mut().enumerate() {
        if prev != Some(r.score) {
            rank = i as u64 + 1;
            prev = Some(r.score);
        }
        r.rank = rank;
    }
    rows
}

#[cfg(test)]
mod tests {
    use crate::diff::testutil::*;
    use crate::diff::{diff, Scoring};
    use crate::model::*;

    #[test]
    fn rates_before_and_after() {
        // Two items, 20 statutory days each; committed 10 → 5 and 10 → 即办 (0).
        let a = item("450102", "000101001000", "甲");
        let b = item("450102", "000101002000", "乙");
        let mut a2 = a.clone();
        a2.committed_limit = days("5个工作日", 5).into();
        let mut b2 = b.clone();
        b2.committed_limit = TimeLimit { raw: "即办".into(), value: LimitValue::Immediate }.into();
        b2.kind = Some(Kind::Immediate);
        b2.visits = Count::parse("0".into()).into();
        let r = diff(&dataset(vec![a, b]), &dataset(vec![a2, b2]), &Scoring::default());
        let t = &r.summary.totals;
        assert_eq!(t.before.compression, Some(0.5));
        assert_eq!(t.after.compression, Some(0.875));
        assert_eq!(t.before.immediate_share, Some(0.0));
        assert_eq!(t.after.immediate_share, Some(0.5));
        assert_eq!(t.after.at_most_one_visit_share, Some(1.0));
        assert_eq!(t.after.zero_visit_share, Some(0.5));
        assert_eq!(t.reduced.committed_days, 15);
        assert_eq!(t.reduced.visits, 1);
        assert_eq!(r.summary.by_jurisdiction.len(), 1);
        assert_eq!(r.summary.ranking.departments[0].rank, 1);
    }

    #[test]
    fn ranking_orders_by_score_and_shares_ties() {
        let a = item("450102", "000101001000", "甲");
        let mut a2 = a.clone();
        a2.visits = Count::parse("0".into()).into();
        let b = item("450103", "000101001000", "甲");
        let c = item("450104", "000101001000", "甲");
        let r = diff(
            &dataset(vec![a, b.clone(), c.clone()]),
            &dataset(vec![a2, b, c]),
            &Scoring::default(),
        );
        let ranks: Vec<(u64, &str)> =
            r.summary.ranking.jurisdictions.iter().map(|x| (x.rank, x.key.as_str())).collect();
        assert_eq!(ranks, vec![(1, "450102"), (2, "450103"), (2, "450104")]);
    }
}
