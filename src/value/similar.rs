//! The one answer to "is this the same name, reworded?": [`similarity`] of two normalised names
//! (items, materials, steps, intermediaries), used by check, diff and the burden rules alike, and
//! the candidate metrics it was chosen against ([`CANDIDATES`]).
//!
//! The metric is Jaro–Winkler over characters, chosen by measurement (test
//! `chosen_metric_is_best_on_real_pairs` below, on tests/fixtures/names/pairs.csv; figures of
//! 2026-12-02). Best-threshold F1 on the real pairs (Sichuan sub-items against their 主项 and
//! Guangxi rows sharing a 基本编码: 501 same; 2,051 hard negatives, each real name's closest other
//! item): Jaro–Winkler 0.539 (at 0.864: precision 0.59, recall 0.50), Dice on the names without
//! brackets 0.528, Dice ignoring generic words 0.513, bigram Dice 0.500, normalised Levenshtein
//! 0.441. Of those, only 3 same pairs share a code under different names (Guangxi), and there
//! Dice without brackets is best (0.400 against 0.087): too few to decide. On generated pairs
//! Dice ignoring generic words is perfect (1.000) only because the generator rewords by swapping
//! exactly those words (许可→审批, 登记→备案, +办理); there Levenshtein scores 0.955,
//! Jaro–Winkler 0.933, Dice 0.909; on the generated 办理项 (X（新办） against X) Jaro–Winkler 1.000.
//! Real names differ by a qualifier added at the end (（县级）, 变更, 新办) far more often than by
//! a rewritten middle, and a shared beginning is what Jaro–Winkler rewards. No metric separates
//! real names well (探矿权/采矿权, 客运/货物 differ by one or two characters): a name match is
//! evidence, not proof, which is why check asks for agreeing fields below `certain-similarity`.
//! Materials: only the generator's 3 rewordings are labelled (no real material names yet). The
//! thresholds in rules/check.toml and rules/scoring.toml say which figures they come from.

/// Similarity of two normalised names in 0..=1 (1 for equal names): Jaro–Winkler over
/// characters.
pub fn similarity(a: &str, b: &str) -> f64 {
    jaro_winkler(a, b)
}

/// An upper bound of [`similarity`] for names of `a` and `b` characters, whatever they hold:
/// Jaro counts at most the shorter length as matches, so Jaro ≤ (2 + shorter / longer) / 3,
/// and Winkler's bonus (at most 4 × 0.1 of the rest) keeps JW ≤ 0.4 + 0.6 × Jaro. A pair whose
/// bound is below a threshold is ruled out without being compared.
pub fn bound_for_lengths(a: usize, b: usize) -> f64 {
    let (short, long) = (a.min(b), a.max(b));
    if long == 0 {
        return 1.0;
    }
    if short == 0 {
        return 0.0;
    }
    let jaro = (2.0 + short as f64 / long as f64) / 3.0;
    (0.4 + 0.6 * jaro).min(1.0)
}

/// [`similarity`] of two names given as their characters: strsim's Jaro–Winkler computed the
/// same way (the same operations in the same order, so the same `f64`), without allocating:
/// `flags` is the caller's, reused from pair to pair.
pub fn similarity_chars(a: &[char], b: &[char], flags: &mut Vec<bool>) -> f64 {
    if a == b {
        return 1.0;
    }
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let search_range = (a_len.max(b_len) / 2).saturating_sub(1);
    flags.clear();
    flags.resize(a_len + b_len, false);
    let (a_flags, b_flags) = flags.split_at_mut(a_len);
    let mut matches = 0_usize;
    for (i, a_elem) in a.iter().enumerate() {
        let min_bound = i.saturating_sub(search_range);
        let max_bound = b_len.min(i + search_range + 1);
        for j in min_bound..max_bound {
            if b.get(j) == Some(a_elem) && b_flags.get(j) == Some(&false) {
                if let Some(f) = a_flags.get_mut(i) {
                    *f = true;
                }
                if let Some(f) = b_flags.get_mut(j) {
                    *f = true;
                }
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0_usize;
    let mut b_matched = b_flags.iter().zip(b).filter(|(f, _)| **f).map(|(_, c)| c);
    for (_, ch1) in a_flags.iter().zip(a).filter(|(f, _)| **f) {
        if b_matched.next() != Some(ch1) {
            transpositions += 1;
        }
    }
    transpositions /= 2;
    let sim = ((matches as f64 / a_len as f64)
        + (matches as f64 / b_len as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0;
    winkler(sim, a, b)
}

/// Winkler's bonus on a Jaro similarity `sim` (strsim's: above 0.7, 0.1 per character of the
/// common prefix, at most 4).
fn winkler(sim: f64, a: &[char], b: &[char]) -> f64 {
    if sim > 0.7 {
        let prefix_length = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix_length as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// An upper bound of [`similarity_chars`] when at most `matches` characters of `a` can match
/// one of `b` (for instance the characters of `a` found in `b` at all): Jaro is at most
/// (m / |a| + m / |b| + 1) / 3, and Winkler's bonus, with the pair's own prefix, only grows with
/// it.
pub fn bound_for_matches(a: &[char], b: &[char], matches: usize) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() || matches == 0 {
        return 0.0;
    }
    let m = matches.min(a.len()).min(b.len()) as f64;
    let jaro = ((m / a.len() as f64) + (m / b.len() as f64) + 1.0) / 3.0;
    winkler(jaro.min(1.0), a, b)
}

/// A similarity of two normalised names in 0..=1.
pub type Metric = fn(&str, &str) -> f64;

/// The metrics measured against one another on tests/fixtures/names/pairs.csv (name, metric),
/// the chosen one first. benches/matching.rs picks each one's hard negatives with them.
pub const CANDIDATES: &[(&str, Metric)] = &[
    ("jaro-winkler", jaro_winkler),
    ("dice", dice),
    ("levenshtein", levenshtein),
    ("dice-bare", dice_bare),
    ("dice-generic", dice_generic),
];

/// Sørensen–Dice on character bigrams (multisets) of the characters other than whitespace; 0
/// when either name has fewer than two. Our own because `strsim::sorensen_dice` divides by byte
/// lengths, which understates every CJK pair by a factor of three.
pub fn dice(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    dice_of(&grams(a), &grams(b))
}

/// Jaro–Winkler over characters (strsim).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    strsim::jaro_winkler(a, b)
}

/// 1 − Levenshtein distance / the longer length, over characters (strsim).
pub fn levenshtein(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    strsim::normalized_levenshtein(a, b)
}

/// [`dice`] of the names without their bracketed parts (（新办）, （县级）), when both keep
/// something.
pub fn dice_bare(a: &str, b: &str) -> f64 {
    let (x, y) = (without_brackets(a), without_brackets(b));
    if x.chars().count() < 2 || y.chars().count() < 2 {
        return dice(a, b);
    }
    dice(&x, &y)
}

/// Words that say what kind of act an item is, not which item: [`dice_generic`] leaves them out.
const GENERIC: &[&str] = &[
    "的行政处罚",
    "的监督检查",
    "行政许可",
    "许可证",
    "许可",
    "审批",
    "核发",
    "登记",
    "备案",
    "办理",
    "申请",
    "审核",
    "认定",
    "确认",
];

/// [`dice`] of the names with the generic words of [`GENERIC`] left out, when both keep
/// something.
pub fn dice_generic(a: &str, b: &str) -> f64 {
    let strip = |s: &str| GENERIC.iter().fold(s.to_string(), |s, w| s.replace(w, ""));
    let (x, y) = (strip(a), strip(b));
    if x.chars().count() < 2 || y.chars().count() < 2 {
        return dice(a, b);
    }
    dice(&x, &y)
}

/// A normalised name without its bracketed parts (normalisation unified brackets to ASCII).
pub fn without_brackets(s: &str) -> String {
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

/// The bigrams [`dice`] compares: of the characters other than whitespace, sorted (a multiset).
pub fn grams(s: &str) -> Vec<(char, char)> {
    let c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut g: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
    g.sort_unstable();
    g
}

/// Sørensen–Dice of two sorted bigram multisets; 0 when either is empty.
pub fn dice_of(x: &[(char, char)], y: &[(char, char)]) -> f64 {
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    (2 * shared(x, y)) as f64 / (x.len() + y.len()) as f64
}

/// Bigrams two sorted multisets share (with multiplicity).
fn shared(x: &[(char, char)], y: &[(char, char)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The same f64 as strsim's Jaro–Winkler (through `similarity`), and the bound holds.
        #[test]
        fn chars_form_is_strsims(a in "[食品药经营许可证核发(新办)ab]{0,14}", b in "[食品药经营许可证核发(新办)ab]{0,14}") {
            let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut flags = Vec::new();
            let s = similarity_chars(&x, &y, &mut flags);
            proptest::prop_assert_eq!(s.to_bits(), similarity(&a, &b).to_bits());
            let common = x.iter().filter(|c| y.contains(c)).count();
            proptest::prop_assert!(bound_for_matches(&x, &y, common) + 1e-9 >= s);
        }
    }

    /// The labelled pairs (benches/matching.rs writes them): (a, b, same, source).
    fn pairs() -> Vec<(String, String, bool, String)> {
        let text = include_str!("../../tests/fixtures/names/pairs.csv");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        rdr.records()
            .map(|r| {
                let r = r.expect("pairs.csv record");
                let f = |i: usize| r.get(i).unwrap_or("").to_string();
                (f(0), f(1), f(2) == "1", f(3))
            })
            .collect()
    }

    /// Best F1 over every threshold, with the threshold, precision and recall there.
    fn best_f1(same: &[f64], different: &[f64]) -> (f64, f64, f64, f64) {
        let mut at: Vec<f64> = same.iter().chain(different).copied().collect();
        at.sort_by(f64::total_cmp);
        at.dedup();
        let mut best = (0.0, 0.0, 0.0, 0.0);
        for t in at {
            let tp = same.iter().filter(|&&s| s >= t).count();
            let fp = different.iter().filter(|&&s| s >= t).count();
            if tp == 0 {
                continue;
            }
            let p = tp as f64 / (tp + fp) as f64;
            let r = tp as f64 / same.len() as f64;
            let f1 = 2.0 * p * r / (p + r);
            if f1 > best.0 {
                best = (f1, t, p, r);
            }
        }
        best
    }

    /// The measurement behind the choice of [`similarity`]: for each set of pairs and each
    /// candidate metric, the best-threshold F1 (and the precision and recall there). The chosen
    /// metric must be at least as good as every other on the real pairs, the same (Guangxi's
    /// shared 基本编码, Sichuan's sub-items) against the hard negatives of the real samples.
    /// `cargo test --lib chosen_metric -- --nocapture` prints the table.
    #[test]
    fn chosen_metric_is_best_on_real_pairs() {
        let all = pairs();
        // (set, sources of the same pairs, source of the different pairs)
        let sets: &[(&str, &[&str], &str)] = &[
            ("items, generated", &["generated"], "generated"),
            ("items, generated 办理项", &["generated-handling"], "generated"),
            ("items, real (shared code)", &["real"], "real"),
            ("items, real 办理项", &["real-handling"], "real"),
            ("items, real (all)", &["real", "real-handling"], "real"),
            ("materials, generated", &["generated-material"], "generated-material"),
        ];
        let mut real_all = Vec::new();
        for (set, same_from, different_from) in sets {
            let same: Vec<&(String, String, bool, String)> =
                all.iter().filter(|p| p.2 && same_from.contains(&p.3.as_str())).collect();
            let different: Vec<&(String, String, bool, String)> =
                all.iter().filter(|p| !p.2 && p.3 == *different_from).collect();
            assert!(!same.is_empty() && !different.is_empty(), "{set}: no pairs");
            eprintln!("{set}: {} same, {} different", same.len(), different.len());
            eprintln!("  metric        F1     at     precision recall");
            for (name, metric) in CANDIDATES {
                let s: Vec<f64> = same.iter().map(|p| metric(&p.0, &p.1)).collect();
                let d: Vec<f64> = different.iter().map(|p| metric(&p.0, &p.1)).collect();
                let (f1, t, p, r) = best_f1(&s, &d);
                eprintln!("  {name:<13} {f1:.3}  {t:.3}  {p:.3}     {r:.3}");
                if *set == "items, real (all)" {
                    real_all.push((*name, f1));
                }
            }
        }
        let chosen = real_all.first().copied().expect("the chosen metric");
        assert_eq!(
            CANDIDATES[0].1("食品经营许可", "药品经营许可"),
            similarity("食品经营许可", "药品经营许可")
        );
        for (name, f1) in &real_all {
            assert!(
                chosen.1 >= *f1,
                "{} (F1 {:.3}) beats {} (F1 {:.3}) on real pairs",
                name,
                f1,
                chosen.0,
                chosen.1
            );
        }
    }

    #[test]
    fn equal_names_are_one_and_rewordings_score_high() {
        assert_eq!(similarity("食品经营许可", "食品经营许可"), 1.0);
        assert!(similarity("营业执照复印件", "营业执照副本复印件") > 0.95);
        assert!(similarity("申请书", "申请表") > 0.8);
        assert!(similarity("殡葬", "食品经营许可") < 0.3);
    }

    proptest::proptest! {
        /// The length bound is never below the similarity, so ruling a pair out by it is exact.
        #[test]
        fn length_bound_is_an_upper_bound(a in "[对食品药经营许可的行政处罚()]{0,14}", b in "[对食品药经营许可的行政处罚()]{0,14}") {
            let s = similarity(&a, &b);
            let bound = bound_for_lengths(a.chars().count(), b.chars().count());
            proptest::prop_assert!(s <= bound + 1e-12, "{} / {}: {} > {}", a, b, s, bound);
        }
    }
}
