//! Matching between two versions: items per jurisdiction (by code, then by name for items whose
//! code changed), and materials or steps within an item (same name, then the most similar name
//! above a threshold, greedy best-first with deterministic tie-breaks).

use rustc_hash::FxHashMap;

use crate::model::Item;

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

/// Similarity of two normalised names in 0..=1 (Jaro–Winkler over characters: Chinese has no
/// spaces, and a shared beginning — 营业执照… — is the strongest sign of the same thing).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    strsim::jaro_winkler(a, b)
}

/// Matches the items of one jurisdiction. Duplicate codes are paired in file order, the extra
/// rows fall through to the name passes, and the duplicate is reported.
pub fn match_items(old: &[&Item], new: &[&Item], name_threshold: f64) -> Pairing {
    let mut pairing = Pairing::default();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];

    // Pass 1: same code. Rows without a code wait for the name passes.
    let mut old_by_code: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let mut new_by_code: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, it) in old.iter().enumerate() {
        if !it.code.is_empty() {
            old_by_code.entry(&it.code.norm).or_default().push(i);
        }
    }
    for (j, it) in new.iter().enumerate() {
        if !it.code.is_empty() {
            new_by_code.entry(&it.code.norm).or_default().push(j);
        }
    }
    let mut codes: Vec<&str> = old_by_code.keys().chain(new_by_code.keys()).copied().collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        let os = old_by_code.get(code).map(Vec::as_slice).unwrap_or(&[]);
        let ns = new_by_code.get(code).map(Vec::as_slice).unwrap_or(&[]);
        if os.len() > 1 || ns.len() > 1 {
            pairing.duplicates.push((code.to_string(), os.len(), ns.len()));
        }
        for (&i, &j) in os.iter().zip(ns) {
            old_used[i] = true;
            new_used[j] = true;
            pairing.pairs.push((i, j, MatchedBy::Code));
        }
    }

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
        let mut cands = Vec::new();
        for &i in &rest_old {
            for &j in &rest_new {
                if old[i].category != new[j].category || old[i].name.is_empty() {
                    continue;
                }
                let (a, b) = (&old[i].name.norm, &new[j].name.norm);
                // Names that differ only in the bracketed qualifier are sibling sub-items
                // (食品经营许可(新办) / (延续)), never one item renamed.
                if without_brackets(a) == without_brackets(b) {
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

/// A normalised name without its bracketed parts (normalisation unified brackets to ASCII).
fn without_brackets(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
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
/// the most similar pairs at or above `threshold`. Returns (old, new, reworded) sorted by old
/// index, where `reworded` is true for pairs matched by similarity.
pub fn assign_names(old: &[&str], new: &[&str], threshold: f64) -> Vec<(usize, usize, bool)> {
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut out = Vec::new();
    for (i, a) in old.iter().enumerate() {
        if let Some(j) = (0..new.len()).find(|&j| !new_used[j] && new[j] == *a) {
            old_used[i] = true;
            new_used[j] = true;
            out.push((i, j, false));
        }
    }
    let mut cands = Vec::new();
    for (i, a) in old.iter().enumerate().filter(|(i, _)| !old_used[*i]) {
        for (j, b) in new.iter().enumerate().filter(|(j, _)| !new_used[*j]) {
            let s = similarity(a, b);
            if s >= threshold {
                cands.push((s, i, j));
            }
        }
    }
    out.extend(greedy(cands, old.len(), new.len()).into_iter().map(|(i, j)| (i, j, true)));
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::testutil::item;

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
