//! Matching between two versions: items per jurisdiction (by code, then by name for items whose
//! code changed), and materials or steps within an item (same name, then an optimal similarity
//! assignment above a threshold: Hungarian, best-first for very long lists).

use rustc_hash::FxHashMap;

use crate::model::Item;
use crate::value::similar::{bound_for_lengths, without_brackets};

/// How a pair of items was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedBy {
    /// Same normalised code.
    Code,
    /// Same normalised name, code changed.
    Name,
    /// Similar name within the same category, code changed.
    Similar,
}

/// The outcome of matching the items of one jurisdiction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairing {
    /// (old index, new index, how), sorted by old index.
    pub pairs: Vec<(usize, usize, MatchedBy)>,
    /// Old items without a partner (removed), ascending.
    pub old_only: Vec<usize>,
    /// New items without a partner (added), ascending.
    pub new_only: Vec<usize>,
    /// Codes that occur more than once in a version: (code, rows in old, rows in new).
    pub duplicates: Vec<(String, usize, usize)>,
}

pub use crate::value::similar::similarity;

/// Matches the items of one jurisdiction. Duplicate codes are paired in file order, the extra
/// rows fall through to the name passes, and the duplicate is reported.
pub fn match_items(old: &[&Item], new: &[&Item], name_threshold: f64) -> Pairing {
    let mut pairing = Pairing::default();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];

    // Pass 1: same code. Rows without a code wait for the name passes. One hash entry per code
    // and the rows of a code chained in file order (no list allocated per code: a province
    // has ~0.7 M of them).
    let mut slot_of: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(old.len().max(new.len()), Default::default());
    let mut slots: Vec<CodeSlot> = Vec::with_capacity(old.len().max(new.len()));
    let mut old_next = vec![NONE; old.len()];
    let mut new_next = vec![NONE; new.len()];
    for (side, items, next) in [(0, old, &mut old_next), (1, new, &mut new_next)] {
        for (i, it) in items.iter().enumerate() {
            if it.code.is_empty() {
                continue;
            }
            let k = *slot_of.entry(&it.code.norm).or_insert_with(|| {
                slots.push(CodeSlot { code: &it.code.norm, chains: [Chain::EMPTY; 2] });
                slots.len() - 1
            });
            let chain = &mut slots[k].chains[side];
            if chain.len == 0 {
                chain.head = i;
            } else {
                next[chain.tail] = i;
            }
            chain.tail = i;
            chain.len += 1;
        }
    }
    drop(slot_of);
    for slot in &slots {
        let [o, n] = &slot.chains;
        if o.len > 1 || n.len > 1 {
            pairing.duplicates.push((slot.code.to_string(), o.len, n.len));
        }
        let (mut i, mut j) = (o.head, n.head);
        for _ in 0..o.len.min(n.len) {
            old_used[i] = true;
            new_used[j] = true;
            pairing.pairs.push((i, j, MatchedBy::Code));
            i = old_next[i];
            j = new_next[j];
        }
    }
    // Reported in code order, whatever the order the codes were met in.
    pairing.duplicates.sort_unstable();

    // Pass 2: same normalised name (the code changed or was missing), in file order.
    let mut new_by_name: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (j, it) in new.iter().enumerate() {
        if !new_used[j] && !it.name.is_empty() {
            new_by_name.entry(&it.name.norm).or_default().push(j);
        }
    }
    for (i, it) in old.iter().enumerate() {
        if old_used[i] || it.name.is_empty() {
            continue;
        }
        if let Some(js) = new_by_name.get_mut(it.name.norm.as_ref()) {
            if let Some(pos) = js.iter().position(|&j| !new_used[j]) {
                let j = js.remove(pos);
                old_used[i] = true;
                new_used[j] = true;
                pairing.pairs.push((i, j, MatchedBy::Name));
            }
        }
    }

    // Pass 3: similar names within the same category, best first.
    let rest_old: Vec<usize> = (0..old.len()).filter(|&i| !old_used[i]).collect();
    let rest_new: Vec<usize> = (0..new.len()).filter(|&j| !new_used[j]).collect();
    if !rest_old.is_empty() && !rest_new.is_empty() {
        // What each name is compared by, worked out once per item rather than once per pair.
        fn prep(it: &Item) -> (&str, String, usize) {
            let norm: &str = &it.name.norm;
            (norm, without_brackets(norm), norm.chars().count())
        }
        let new_prep: Vec<_> = rest_new.iter().map(|&j| prep(new[j])).collect();
        // Long lists are compared only where names share a distinctive pair of characters (all
        // pairs of 12,000 renamed items never finished).
        let blocked = (rest_old.len() * rest_new.len() > ALL_PAIRS_MAX).then(|| {
            let a: Vec<&str> = rest_old.iter().map(|&i| &*old[i].name.norm).collect();
            let b: Vec<&str> = new_prep.iter().map(|p| p.0).collect();
            candidates(&a, &b)
        });
        let all: Vec<usize> = (0..rest_new.len()).collect();
        let mut cands = Vec::new();
        for (k, &i) in rest_old.iter().enumerate() {
            if old[i].name.is_empty() {
                continue;
            }
            let (a, a_bare, a_len) = prep(old[i]);
            let near = match &blocked {
                Some(c) => c.get(k).map(Vec::as_slice).unwrap_or_default(),
                None => &all,
            };
            for &m in near {
                let (Some(&j), Some((b, b_bare, b_len))) = (rest_new.get(m), new_prep.get(m))
                else {
                    continue;
                };
                if old[i].category != new[j].category {
                    continue;
                }
                // Names that differ only in the bracketed qualifier are sibling sub-items
                // (食品经营许可(新办) / (延续)), never one item renamed.
                if a_bare == *b_bare {
                    continue;
                }
                // Names too different in length cannot reach the threshold: the bound rules a
                // pair out without comparing it (never one that would reach it; 1e-9: the bound
                // and the score round apart by an ulp where they are equal).
                if bound_for_lengths(a_len, *b_len) + 1e-9 < name_threshold {
                    continue;
                }
                let s = similarity(a, b);
                if s >= name_threshold {
                    cands.push((s, i, j));
                }
            }
        }
        for (i, j) in greedy(cands, old.len(), new.len()) {
            old_used[i] = true;
            new_used[j] = true;
            pairing.pairs.push((i, j, MatchedBy::Similar));
        }
    }

    pairing.pairs.sort_unstable();
    pairing.old_only = (0..old.len()).filter(|&i| !old_used[i]).collect();
    pairing.new_only = (0..new.len()).filter(|&j| !new_used[j]).collect();
    pairing
}

/// End of a chain of rows.
const NONE: usize = usize::MAX;

/// The rows of one version that carry one code: first, last, how many (linked by `*_next`).
#[derive(Clone, Copy)]
struct Chain {
    head: usize,
    tail: usize,
    len: usize,
}

impl Chain {
    const EMPTY: Chain = Chain { head: NONE, tail: NONE, len: 0 };
}

/// One code and its rows in the old (0) and the new (1) version.
struct CodeSlot<'a> {
    code: &'a str,
    chains: [Chain; 2],
}

/// Greedy best-first assignment: highest similarity first; ties go to the lower old index, then
/// the lower new index, so the result never depends on input hashing.
fn greedy(mut cands: Vec<(f64, usize, usize)>, n_old: usize, n_new: usize) -> Vec<(usize, usize)> {
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut old_used = vec![false; n_old];
    let mut new_used = vec![false; n_new];
    let mut out = Vec::new();
    for (_, i, j) in cands {
        if !old_used[i] && !new_used[j] {
            old_used[i] = true;
            new_used[j] = true;
            out.push((i, j));
        }
    }
    out.sort_unstable();
    out
}

/// Matches two lists of normalised names (materials, steps): equal names first in order, then
/// the assignment of the rest that maximises total similarity over pairs at or above
/// `threshold` (so 申请书/申请表 and 营业执照复印件/营业执照副本复印件 pair up). Returns (old, new, reworded) sorted by old
/// index, where `reworded` is true for pairs matched by similarity.
pub fn assign_names(old: &[&str], new: &[&str], threshold: f64) -> Vec<(usize, usize, bool)> {
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut out = Vec::new();
    // Equal names: each old one takes the first new one of its name not yet taken (the new
    // ones of a name queued in order: no scan of the whole list per name).
    let mut by_name: FxHashMap<&str, std::collections::VecDeque<usize>> = FxHashMap::default();
    for (j, b) in new.iter().enumerate() {
        by_name.entry(b).or_default().push_back(j);
    }
    for (i, a) in old.iter().enumerate() {
        if let Some(j) = by_name.get_mut(a).and_then(|q| q.pop_front()) {
            old_used[i] = true;
            new_used[j] = true;
            out.push((i, j, false));
        }
    }
    let rest_old: Vec<usize> = (0..old.len()).filter(|&i| !old_used[i]).collect();
    let rest_new: Vec<usize> = (0..new.len()).filter(|&j| !new_used[j]).collect();
    let weight = |i: usize, j: usize| {
        let s = similarity(old[i], new[j]);
        if s >= threshold {
            s
        } else {
            0.0
        }
    };
    let pairs = if rest_old.len() * rest_new.len() > ALL_PAIRS_MAX {
        // Thousands of reworded materials: all pairs (and their matrix) never finished; only
        // names sharing a distinctive pair of characters are compared, best-first.
        let a: Vec<&str> = rest_old.iter().map(|&i| old[i]).collect();
        let b: Vec<&str> = rest_new.iter().map(|&j| new[j]).collect();
        let mut cands = Vec::new();
        for (x, near) in candidates(&a, &b).into_iter().enumerate() {
            for y in near {
                let w = weight(rest_old[x], rest_new[y]);
                if w > 0.0 {
                    cands.push((w, x, y));
                }
            }
        }
        greedy(cands, rest_old.len(), rest_new.len())
    } else {
        // weights[a][b]: similarity of rest_old[a] and rest_new[b], 0 below the threshold.
        let weights: Vec<Vec<f64>> =
            rest_old.iter().map(|&i| rest_new.iter().map(|&j| weight(i, j)).collect()).collect();
        if rest_old.len().max(rest_new.len()) <= HUNGARIAN_MAX {
            hungarian(&weights)
        } else {
            // Very long lists: the cubic assignment would cost too much; best-first is close.
            let mut cands = Vec::new();
            for (a, row) in weights.iter().enumerate() {
                for (b, &w) in row.iter().enumerate() {
                    if w > 0.0 {
                        cands.push((w, a, b));
                    }
                }
            }
            greedy(cands, rest_old.len(), rest_new.len())
        }
    };
    out.extend(pairs.into_iter().map(|(a, b)| (rest_old[a], rest_new[b], true)));
    out.sort_unstable();
    out
}

/// Pairs of names compared one with another at most; longer lists compare only the pairs that
/// [`candidates`] proposes.
const ALL_PAIRS_MAX: usize = 250_000;

/// A pair of characters found in more names than this does not tell them apart (对…的 of item
/// names, 复印件 of materials) and proposes no pair.
const BIGRAM_NAMES_MAX: usize = 64;

/// Names proposed per name at most, those sharing the most pairs of characters first.
const CANDIDATES_MAX: usize = 48;

/// For each name of `old`, the indices of the names of `new` worth comparing with it: those
/// sharing a pair of adjacent characters (the character itself for a one-character name) that
/// few names share, the most shared first, at most [`CANDIDATES_MAX`], in index order. A name
/// reworded so that it shares no such pair with its old form is not matched (reported added
/// and removed): that is the price of not comparing every pair.
fn candidates(old: &[&str], new: &[&str]) -> Vec<Vec<usize>> {
    fn grams(s: &str) -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().collect();
        let mut g: Vec<(char, char)> = match chars.as_slice() {
            [c] => vec![(*c, '\0')],
            _ => chars.windows(2).map(|w| (w[0], w[1])).collect(),
        };
        g.sort_unstable();
        g.dedup();
        g
    }
    let mut postings: FxHashMap<(char, char), Vec<usize>> = FxHashMap::default();
    for (j, b) in new.iter().enumerate() {
        for g in grams(b) {
            postings.entry(g).or_default().push(j);
        }
    }
    let mut shared: FxHashMap<usize, u32> = FxHashMap::default();
    old.iter()
        .map(|a| {
            shared.clear();
            for g in grams(a) {
                if let Some(list) = postings.get(&g).filter(|l| l.len() <= BIGRAM_NAMES_MAX) {
                    for &j in list {
                        *shared.entry(j).or_default() += 1;
                    }
                }
            }
            let mut near: Vec<(u32, usize)> = shared.iter().map(|(&j, &n)| (n, j)).collect();
            near.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
            near.truncate(CANDIDATES_MAX);
            let mut near: Vec<usize> = near.into_iter().map(|(_, j)| j).collect();
            near.sort_unstable();
            near
        })
        .collect()
}

/// Lists longer than this are assigned best-first instead of optimally.
const HUNGARIAN_MAX: usize = 80;

/// Maximum-weight assignment (Hungarian algorithm, O(n³)) over a rectangular matrix of weights
/// ≥ 0; pairs of weight 0 are left out of the result. Deterministic: no hashing, fixed scan
/// order. Returns (row, column) pairs sorted by row.
pub fn hungarian(weights: &[Vec<f64>]) -> Vec<(usize, usize)> {
    let rows = weights.len();
    let cols = weights.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 {
        return Vec::new();
    }
    // The algorithm wants rows ≤ columns; transpose otherwise.
    let transposed = rows > cols;
    let (n, m) = if transposed { (cols, rows) } else { (rows, cols) };
    let w = |i: usize, j: usize| -> f64 {
        let v = if transposed { weights[j][i] } else { weights[i][j] };
        if v.is_finite() {
            v
        } else {
            0.0
        }
    };
    // Minimise −weight; potentials u (rows), v (columns), 1-based with a virtual column 0.
    let mut u = vec![0.0f64; n + 1];
    let mut v = vec![0.0f64; m + 1];
    let mut p = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0usize;
        let mut minv = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0usize;
            for j in 1..=m {
                if !used[j] {
                    let cur = -w(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if j0 == 0 || p[j0] == 0 {
                break;
            }
        }
        // Unwind the augmenting path.
        while j0 != 0 {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        }
    }
    let mut out = Vec::new();
    for (j, &i) in p.iter().enumerate().skip(1) {
        if i == 0 {
            continue;
        }
        let (r, c) = if transposed { (j - 1, i - 1) } else { (i - 1, j - 1) };
        if w(i - 1, j - 1) > 0.0 {
            out.push((r, c));
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testutil::item;
    use proptest::prelude::Just;

    #[test]
    fn rewordings_of_materials_are_similar() {
        let t = 0.75;
        let got = assign_names(
            &["营业执照复印件", "申请书", "身份证复印件"],
            &["申请表", "营业执照副本复印件", "户口簿复印件"],
            t,
        );
        assert_eq!(got, vec![(0, 1, true), (1, 0, true)]);
    }

    #[test]
    fn equal_names_pair_before_similar_ones() {
        let got = assign_names(&["申请书", "申请表"], &["申请表", "申请书"], 0.5);
        assert_eq!(got, vec![(0, 1, false), (1, 0, false)]);
    }

    #[test]
    fn items_match_by_code_then_name() {
        let old = [
            item("450102", "000101001000", "食品经营许可"),
            item("450102", "000101002000", "药品经营许可"),
        ];
        let new = [
            item("450102", "000101001000", "食品经营许可"),
            item("450102", "450101002000", "药品经营许可"),
            item("450102", "000101003000", "医疗器械经营许可"),
        ];
        let o: Vec<&Item> = old.iter().collect();
        let n: Vec<&Item> = new.iter().collect();
        let p = match_items(&o, &n, 0.9);
        assert_eq!(p.pairs, vec![(0, 0, MatchedBy::Code), (1, 1, MatchedBy::Name)]);
        assert_eq!(p.new_only, vec![2]);
        assert!(p.old_only.is_empty());
    }

    #[test]
    fn duplicate_codes_pair_in_order_and_are_reported() {
        let old = [item("450102", "000101001000", "甲"), item("450102", "000101001000", "甲")];
        let new = [item("450102", "000101001000", "甲")];
        let o: Vec<&Item> = old.iter().collect();
        let n: Vec<&Item> = new.iter().collect();
        let p = match_items(&o, &n, 0.9);
        assert_eq!(p.pairs, vec![(0, 0, MatchedBy::Code)]);
        assert_eq!(p.old_only, vec![1]);
        assert_eq!(p.duplicates, vec![("000101001000".to_string(), 2, 1)]);
    }

    #[test]
    fn duplicates_are_reported_in_code_order_and_paired_in_file_order() {
        let old = [
            item("450102", "000101002000", "乙"),
            item("450102", "000101001000", "甲"),
            item("450102", "000101002000", "乙"),
            item("450102", "000101001000", "甲"),
        ];
        let new = [
            item("450102", "000101001000", "甲"),
            item("450102", "000101002000", "乙"),
            item("450102", "000101002000", "乙"),
            item("450102", "000101002000", "乙"),
        ];
        let o: Vec<&Item> = old.iter().collect();
        let n: Vec<&Item> = new.iter().collect();
        let p = match_items(&o, &n, 0.9);
        assert_eq!(
            p.duplicates,
            vec![("000101001000".to_string(), 2, 1), ("000101002000".to_string(), 2, 3)]
        );
        // 乙: old rows 0, 2 with new rows 1, 2; 甲: old row 1 with new row 0. Old 甲 (3) and
        // new 乙 (3) are left over: their names differ.
        assert_eq!(
            p.pairs,
            vec![(0, 1, MatchedBy::Code), (1, 0, MatchedBy::Code), (2, 2, MatchedBy::Code)]
        );
        assert_eq!((p.old_only, p.new_only), (vec![3], vec![3]));
    }

    #[test]
    fn similar_names_need_the_same_category() {
        let old = [item("450102", "000101001000", "对食品生产经营者的监督检查")];
        let mut other = item("450102", "000201001000", "对食品生产经营者监督检查");
        other.category = Some(crate::model::Category::Penalty);
        let same = item("450102", "000101009000", "对食品生产经营者监督检查");
        let o: Vec<&Item> = old.iter().collect();
        assert!(match_items(&o, &[&other], 0.9).pairs.is_empty());
        assert_eq!(match_items(&o, &[&same], 0.9).pairs, vec![(0, 0, MatchedBy::Similar)]);
    }

    #[test]
    fn sibling_sub_items_are_not_renamings() {
        let old = [item("450102", "000101001001", "食品经营许可(新办)")];
        let new = [item("450102", "000101001002", "食品经营许可(延续)")];
        let o: Vec<&Item> = old.iter().collect();
        let n: Vec<&Item> = new.iter().collect();
        let p = match_items(&o, &n, 0.9);
        assert!(p.pairs.is_empty());
        assert_eq!((p.old_only.len(), p.new_only.len()), (1, 1));
    }

    /// Regression: on a generated province, a removed penalty item was paired with an added one
    /// that shares the frame 对医疗器械经营企业未按规定…的行政处罚 (Jaro–Winkler 0.914: below
    /// rules/scoring.toml's item-name-threshold, 0.92).
    #[test]
    fn items_sharing_a_frame_are_not_renamings() {
        let mut old =
            item("450102", "000201031000", "对医疗器械经营企业未按规定报送有关材料的行政处罚");
        let mut new =
            item("450102", "450201311000", "对医疗器械经营企业未按规定悬挂标识的行政处罚");
        old.category = Some(crate::model::Category::Penalty);
        new.category = Some(crate::model::Category::Penalty);
        let p = match_items(&[&old], &[&new], 0.92);
        assert!(p.pairs.is_empty());
    }

    #[test]
    fn optimal_assignment_beats_best_first() {
        // Best-first takes (0,0) at 0.9 and leaves row 1 alone; the optimum pairs both.
        let w = vec![vec![0.9, 0.85], vec![0.84, 0.0]];
        assert_eq!(hungarian(&w), vec![(0, 1), (1, 0)]);
        let g = greedy(vec![(0.9, 0, 0), (0.85, 0, 1), (0.84, 1, 0)], 2, 2);
        assert_eq!(g, vec![(0, 0)]);
        // Rectangular both ways; zero weights are never paired.
        assert_eq!(hungarian(&[vec![0.0, 0.8, 0.0]]), vec![(0, 1)]);
        assert_eq!(hungarian(&[vec![0.0], vec![0.0], vec![0.7]]), vec![(2, 0)]);
        assert!(hungarian(&[vec![0.0, 0.0]]).is_empty());
    }

    proptest::proptest! {
        /// The optimal assignment never weighs less than best-first, and is a partial bijection.
        #[test]
        fn hungarian_is_at_least_greedy(w in proptest::collection::vec(proptest::collection::vec(proptest::prop_oneof![Just(0.0), 0.5f64..1.0], 1..7), 1..7)) {
            let cols = w[0].len();
            let w: Vec<Vec<f64>> = w.into_iter().map(|mut r| { r.resize(cols, 0.0); r }).collect();
            let h = hungarian(&w);
            let mut cands = Vec::new();
            for (a, row) in w.iter().enumerate() {
                for (b, &x) in row.iter().enumerate() {
                    if x > 0.0 { cands.push((x, a, b)); }
                }
            }
            let g = greedy(cands, w.len(), cols);
            let total = |p: &[(usize, usize)]| p.iter().map(|&(a, b)| w[a][b]).sum::<f64>();
            proptest::prop_assert!(total(&h) >= total(&g) - 1e-9);
            let mut rs: Vec<usize> = h.iter().map(|p| p.0).collect();
            let mut cs: Vec<usize> = h.iter().map(|p| p.1).collect();
            rs.dedup();
            cs.sort_unstable();
            cs.dedup();
            proptest::prop_assert_eq!(rs.len(), h.len());
            proptest::prop_assert_eq!(cs.len(), h.len());
        }
    }

    proptest::proptest! {
        #[test]
        fn assignment_is_a_partial_bijection(a in proptest::collection::vec("[申请书表营业执照复印件副本身份证]{0,6}", 0..8), b in proptest::collection::vec("[申请书表营业执照复印件副本身份证]{0,6}", 0..8)) {
            let ar: Vec<&str> = a.iter().map(String::as_str).collect();
            let br: Vec<&str> = b.iter().map(String::as_str).collect();
            let got = assign_names(&ar, &br, 0.7);
            let mut os: Vec<usize> = got.iter().map(|p| p.0).collect();
            let mut ns: Vec<usize> = got.iter().map(|p| p.1).collect();
            os.dedup();
            ns.sort_unstable();
            ns.dedup();
            proptest::prop_assert_eq!(os.len(), got.len());
            proptest::prop_assert_eq!(ns.len(), got.len());
        }
    }
}
