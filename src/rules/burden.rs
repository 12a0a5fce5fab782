//! Burden rules: more visits, intermediaries, steps, stamps or required materials than the
//! reference, naming each extra one; reworded steps and materials are the same ones.

use crate::model::{Count, Detail, Field, Item, Severity};

use super::{Cmp, Rule, Sink, Subject};

/// QD601.
pub static MORE_VISITS: Rule = Rule {
    id: "QD601",
    name: "more-visits-than-standard",
    severity: Severity::Warning,
    field: Some(Field::Visits),
    enabled: true,
    doc: "到现场次数多于标准目录（或同级多数） / More on-site visits than the reference.

## What it does
Compares 到现场次数 with the reference's; more visits are reported (fewer is better service).

## Why it matters
同一标准、最多跑一次: a citizen of one county must not travel more often than his neighbour.

## Example
标准：1　本县：2 → 报告。　标准：1　本县：一 → 不报告。

## Configuration
`[rules.QD601] enabled, severity`.
",
};

/// QD602.
pub static EXTRA_INTERMEDIARY: Rule = Rule {
    id: "QD602",
    name: "extra-intermediary",
    severity: Severity::Warning,
    field: Some(Field::Intermediaries),
    enabled: true,
    doc: "中介服务多于标准目录（或同级多数） / An intermediary service the reference does not require.

## What it does
Each intermediary service of the item is matched to the reference's by normalised name
(similarity at or above `[matching] part-similarity`); each one left over is named.

## Why it matters
同一标准、减证便民: an intermediary the region does not require is a cost imposed on applicants.

## Example
标准：无　本县：环境影响评价 → 报告“环境影响评价”。

## Configuration
`[matching] part-similarity`; `[rules.QD602] enabled, severity`.
",
};

/// QD603.
pub static EXTRA_STEP: Rule = Rule {
    id: "QD603",
    name: "extra-step",
    severity: Severity::Warning,
    field: Some(Field::Steps),
    enabled: true,
    doc: "办理环节多于标准目录（或同级多数） / A process step the reference does not have.

## What it does
Each step of the item is matched to the reference's steps by normalised name (similarity at or
above `[matching] part-similarity`, so a reworded step is the same step); each one left over is
named.

## Why it matters
同一标准: extra steps lengthen the process beyond what the region agreed.

## Example
标准：受理、审查、决定　本县：受理、审查、复核、决定 → 报告“复核”。　本县：受理、审核、决定 → 视相似度。

## Configuration
`[matching] part-similarity`; `[rules.QD603] enabled, severity`.
",
};

/// QD604.
pub static MORE_STAMPS: Rule = Rule {
    id: "QD604",
    name: "more-stamps-than-standard",
    severity: Severity::Warning,
    field: Some(Field::Stamps),
    enabled: true,
    doc: "盖章数多于标准目录（或同级多数） / More seals than the reference.

## What it does
Counts the stamps as DATA.md does (盖章数 over the steps plus materials with 需盖章 = 是) and
reports more than the reference's.

## Why it matters
同一标准、减少盖章: every extra seal is another office to visit.

## Example
标准：2个章　本县：3个章 → 报告。

## Configuration
`[rules.QD604] enabled, severity`.
",
};

/// QD605.
pub static EXTRA_MATERIAL: Rule = Rule {
    id: "QD605",
    name: "extra-material",
    severity: Severity::Warning,
    field: Some(Field::Materials),
    enabled: true,
    doc: "申请材料多于标准目录（或同级多数） / A required material the reference does not require.

## What it does
Each required material (是否必要 = 是) is matched to the reference's by normalised name
(similarity at or above `[matching] part-similarity`, so 营业执照复印件 and 营业执照副本复印件 are
the same material); each one left over is named.

## Why it matters
同一标准、减证便民: an extra material is a document the applicant must obtain elsewhere.

## Example
标准：营业执照复印件　本县：营业执照复印件、房屋租赁合同 → 报告“房屋租赁合同”。

## Configuration
`[matching] part-similarity`; `[rules.QD605] enabled, severity`.
",
};

/// QD606.
pub static COUNT_UNREADABLE: Rule = Rule {
    id: "QD606",
    name: "count-unreadable",
    severity: Severity::Warning,
    field: None,
    enabled: true,
    doc: "到现场次数或盖章数无法识别 / A count (visits, stamps) cannot be read.

## What it does
A 到现场次数 or 盖章数 that is not a number (Arabic or Chinese numerals) is reported and left out
of the comparisons.

## Why it matters
同一标准: a count nobody can read cannot be compared.

## Example
到现场次数：视情况 → 报告。　到现场次数：一 → 不报告。

## Configuration
`[rules.QD606] enabled, severity`.
",
};

/// Similarity comparisons one item's parts may cost. Real items have tens of steps and materials
/// (a few hundred comparisons); a cell listing thousands of parts would otherwise cost millions
/// (hostile suite: 20,000 intermediaries never finished). Past the budget, parts without an exact
/// match are reported as extra without fuzzy matching.
const SIMILARITY_BUDGET: usize = 100_000;

/// The names of `mine` left over after matching each one to a distinct name of `theirs` whose
/// similarity is at least `threshold` (exact matches first, so rewording never steals a match).
pub fn extras(mine: &[&str], theirs: &[&str], threshold: f64) -> Vec<String> {
    // The same parts in the same order (most rows): each takes its own exact match.
    if mine == theirs {
        return Vec::new();
    }
    if theirs.len() <= SMALL {
        // A few parts: a scan for the first unused equal name does what the index does, without
        // building one for every comparison.
        let mut used = [false; SMALL];
        let used = &mut used[..theirs.len()];
        let mut left: Vec<usize> = Vec::new();
        for (i, m) in mine.iter().enumerate() {
            match theirs.iter().zip(used.iter()).position(|(t, u)| !*u && t == m) {
                Some(j) => used[j] = true,
                None => left.push(i),
            }
        }
        return similar_extras(mine, theirs, left, used, threshold);
    }
    extras_indexed(mine, theirs, threshold)
}

/// [`extras`] with the exact matches found through an index (long lists).
fn extras_indexed(mine: &[&str], theirs: &[&str], threshold: f64) -> Vec<String> {
    let mut used = vec![false; theirs.len()];
    // Exact matches through an index: each name takes the first unused equal name of `theirs`.
    let mut exact: rustc_hash::FxHashMap<&str, std::collections::VecDeque<usize>> =
        Default::default();
    for (j, t) in theirs.iter().enumerate() {
        exact.entry(t).or_default().push_back(j);
    }
    let mut left: Vec<usize> = Vec::new();
    for (i, m) in mine.iter().enumerate() {
        match exact.get_mut(m).and_then(|q| q.pop_front()) {
            Some(j) => used[j] = true,
            None => left.push(i),
        }
    }
    similar_extras(mine, theirs, left, &mut used, threshold)
}

/// Lists of at most this many reference parts are matched exactly by a scan, not an index.
const SMALL: usize = 64;

/// The second half of [`extras`]: the parts of `mine` at `left` (no exact match) each take the
/// most similar unused part of `theirs` at or above `threshold`; those that find none are extra.
fn similar_extras(
    mine: &[&str],
    theirs: &[&str],
    left: Vec<usize>,
    used: &mut [bool],
    threshold: f64,
) -> Vec<String> {
    if left.is_empty() {
        return Vec::new();
    }
    let unused = used.iter().filter(|u| !**u).count();
    if left.len().saturating_mul(unused) > SIMILARITY_BUDGET {
        return left.into_iter().map(|i| mine[i].to_string()).collect();
    }
    let mut out = Vec::new();
    for i in left {
        let m = mine[i];
        let best = theirs
            .iter()
            .enumerate()
            .filter(|(j, _)| !used[*j])
            .map(|(j, t)| (j, crate::value::similar::similarity(m, t)))
            .filter(|(_, s)| *s >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((j, _)) => used[j] = true,
            None => out.push(m.to_string()),
        }
    }
    out
}

fn count(c: &Count) -> Option<u64> {
    c.value
}

/// Visits against the reference.
pub fn compare_visits(sink: &mut Sink, c: &Cmp) {
    if let (Some(a), Some(r)) = (count(&c.item.visits), count(&c.reference.visits)) {
        if a > r {
            sink.emit(
                &MORE_VISITS,
                None,
                &c.subject,
                Some(r.to_string()),
                Some(a.to_string()),
                Detail::Differs { source: c.source.clone() },
            );
        }
    }
}

/// Intermediaries against the reference, naming each extra one.
pub fn compare_intermediaries(sink: &mut Sink, c: &Cmp) {
    // Nothing listed, or the reference's very list: nothing extra (and nothing to allocate).
    if c.item.intermediaries.list.is_empty()
        || c.item.intermediaries.list == c.reference.intermediaries.list
    {
        return;
    }
    let mine: Vec<&str> = c.item.intermediaries.list.iter().map(String::as_str).collect();
    let theirs: Vec<&str> = c.reference.intermediaries.list.iter().map(String::as_str).collect();
    let extra = extras(&mine, &theirs, c.part_similarity);
    if !extra.is_empty() {
        let list = extra.join("、");
        sink.emit(
            &EXTRA_INTERMEDIARY,
            None,
            &c.subject,
            Some(if theirs.is_empty() { "无".to_string() } else { theirs.join("、") }),
            Some(list.clone()),
            Detail::Extra { source: c.source.clone(), extra },
        );
    }
}

/// Steps against the reference, naming each extra one.
pub fn compare_steps(sink: &mut Sink, c: &Cmp) {
    let (a, r) = (&c.item.steps, &c.reference.steps);
    // The reference's steps by name (most rows): nothing extra, decided without allocating.
    if r.is_empty()
        || (a.len() == r.len() && a.iter().zip(r).all(|(x, y)| x.name.norm == y.name.norm))
    {
        return;
    }
    let mine: Vec<&str> = a.iter().map(|s| &*s.name.norm).collect();
    let theirs: Vec<&str> = r.iter().map(|s| &*s.name.norm).collect();
    let extra = extras(&mine, &theirs, c.part_similarity);
    if !extra.is_empty() {
        sink.emit(
            &EXTRA_STEP,
            None,
            &c.subject,
            Some(theirs.join("、")),
            Some(mine.join("、")),
            Detail::Steps {
                source: c.source.clone(),
                extra,
                ours: mine.len(),
                theirs: theirs.len(),
            },
        );
    }
}

/// Stamps against the reference.
pub fn compare_stamps(sink: &mut Sink, c: &Cmp) {
    if c.reference.steps.is_empty() && c.reference.materials.is_empty() {
        return;
    }
    let (a, r) = (c.item.stamps(), c.reference.stamps());
    if a > r {
        sink.emit(
            &MORE_STAMPS,
            None,
            &c.subject,
            Some(r.to_string()),
            Some(a.to_string()),
            Detail::Differs { source: c.source.clone() },
        );
    }
}

/// Required materials against the reference, naming each extra one.
pub fn compare_materials(sink: &mut Sink, c: &Cmp) {
    // The reference lists no materials at all: nothing to compare with.
    if c.reference.materials.is_empty() {
        return;
    }
    fn required(i: &Item) -> impl Iterator<Item = &str> {
        i.materials.iter().filter(|m| m.is_required()).map(|m| &*m.name.norm)
    }
    // The reference's required materials (most rows): nothing extra, decided without allocating.
    if required(c.item).eq(required(c.reference)) {
        return;
    }
    let mine: Vec<&str> = required(c.item).collect();
    let theirs: Vec<&str> = required(c.reference).collect();
    let extra = extras(&mine, &theirs, c.part_similarity);
    if !extra.is_empty() {
        let list = extra.join("、");
        sink.emit(
            &EXTRA_MATERIAL,
            None,
            &c.subject,
            Some(format!("{}份必要材料", theirs.len())),
            Some(list.clone()),
            Detail::Extra { source: c.source.clone(), extra },
        );
    }
}

/// Unreadable counts within one row.
pub fn within(sink: &mut Sink, item: &Item, subject: &Subject) {
    if item.visits.is_unparsed() {
        sink.emit(
            &COUNT_UNREADABLE,
            Some(Field::Visits),
            subject,
            None,
            Some(item.visits.raw.trim().to_string()),
            Detail::Plain,
        );
    }
    if let Some(step) = item.steps.iter().find(|s| s.stamps.is_unparsed()) {
        sink.emit(
            &COUNT_UNREADABLE,
            Some(Field::Stamps),
            subject,
            None,
            Some(step.stamps.raw.trim().to_string()),
            Detail::StepStamps { step: step.name.raw.trim().to_string() },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reworded_parts_are_not_extra() {
        let ours = ["营业执照副本复印件", "身份证复印件", "房屋租赁合同"];
        let theirs = ["营业执照复印件", "身份证复印件"];
        assert_eq!(extras(&ours, &theirs, 0.6), vec!["房屋租赁合同".to_string()]);
        assert!(extras(&theirs, &theirs, 0.6).is_empty());
    }

    #[test]
    fn long_lists_take_the_index_and_agree() {
        let theirs: Vec<String> = (0..100).map(|i| format!("材料{i}号")).collect();
        let theirs: Vec<&str> = theirs.iter().map(String::as_str).collect();
        let mut mine = theirs.clone();
        mine.reverse();
        mine.push("房屋租赁合同");
        mine.push("材料7号");
        // The second 材料7号 finds its one equal already taken.
        assert_eq!(extras(&mine, &theirs, 0.6), vec!["房屋租赁合同", "材料7号"]);
    }

    proptest::proptest! {
        /// The scan for short lists finds what the index finds: same extras, same order.
        #[test]
        fn scan_and_index_agree(
            mine in proptest::collection::vec("[甲乙丙]{1,3}(证明)?", 0..12),
            theirs in proptest::collection::vec("[甲乙丙]{1,3}(证明)?", 0..12),
        ) {
            let mine: Vec<&str> = mine.iter().map(String::as_str).collect();
            let theirs: Vec<&str> = theirs.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                extras(&mine, &theirs, 0.6),
                extras_indexed(&mine, &theirs, 0.6)
            );
        }
    }
}
