//! Name matching: an inverted index from character bigrams to candidate items, per category, so
//! a name is only scored against the few candidates sharing the most bigrams with it (a province
//! never compares all pairs).
//!
//! Names are scored by [`similarity`] (src/value/similar.rs: the one metric of "same name,
//! reworded?" and the measurement behind it); the index only proposes the candidates.

use rustc_hash::FxHashMap;

use crate::model::Category;
pub use crate::value::similar::similarity;
use crate::value::similar::{bound_for_lengths, bound_for_matches, similarity_chars};

/// Index key: the category (255 when unknown) and a bigram (a single character pads with NUL).
type Key = (u8, char, char);

fn cat_key(c: Option<Category>) -> u8 {
    c.map(|c| c as u8).unwrap_or(u8::MAX)
}

/// Character bigrams of a normalised name; a one-character name yields itself.
pub fn bigrams(name: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<(char, char)> = if chars.len() == 1 {
        vec![(chars[0], '\0')]
    } else {
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// How many candidates sharing one bigram are counted at most. No list of a province's standard
/// or of its consensus code groups comes near it (`gen --province --seed 1`: 3,120 of 4,210
/// standard items, 3,191 of 4,324 code groups share the commonest bigram); 80,000
/// names sharing 经营 do, and counting all of them for each name was quadratic (issue 14.8).
pub const LIST_CAP: usize = 4096;

thread_local! {
    /// Each thread's table of bigrams shared per candidate (see [`NameIndex::best`]).
    static SHARED: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The candidates (normalised name and category) and their bigram index.
#[derive(Debug, Default)]
pub struct NameIndex {
    names: Vec<(String, Option<Category>)>,
    /// Each candidate's characters, and the set of them as bits (see [`char_bit`]).
    chars: Vec<(Box<[char]>, u64)>,
    postings: FxHashMap<Key, Vec<u32>>,
    /// Bigram lists cut at [`LIST_CAP`] so far, over every call of [`NameIndex::best`].
    capped: std::sync::atomic::AtomicUsize,
}

impl NameIndex {
    /// Indexes `candidates` in order; `best` returns positions in this order.
    pub fn new<'a>(candidates: impl IntoIterator<Item = (&'a str, Option<Category>)>) -> NameIndex {
        let mut index = NameIndex::default();
        for (i, (name, cat)) in candidates.into_iter().enumerate() {
            for (a, b) in bigrams(name) {
                index.postings.entry((cat_key(cat), a, b)).or_default().push(i as u32);
            }
            index.names.push((name.to_string(), cat));
            let chars: Box<[char]> = name.chars().collect();
            let mask = chars.iter().fold(0u64, |m, &c| m | char_bit(c));
            index.chars.push((chars, mask));
        }
        index
    }

    /// How many times a bigram's candidates were counted only up to [`LIST_CAP`].
    pub fn capped(&self) -> usize {
        self.capped.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The longest list of candidates sharing one bigram.
    pub fn longest_list(&self) -> usize {
        self.postings.values().map(Vec::len).max().unwrap_or(0)
    }

    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there are no candidates.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The candidate most similar to `name` among those of `category` (any category when `None`)
    /// sharing bigrams with it, scoring at most `max_candidates` of them (those sharing the most
    /// bigrams). Returns (position, similarity); ties go to the earlier candidate. `skip` leaves
    /// out candidates (e.g. the row's own group).
    pub fn best(
        &self,
        name: &str,
        category: Option<Category>,
        max_candidates: usize,
        skip: impl Fn(usize) -> bool,
    ) -> Option<(usize, f64)> {
        const ANY: usize = Category::PublicService as usize + 2;
        let mut every = [u8::MAX; ANY];
        for (k, c) in every.iter_mut().zip(0..=Category::PublicService as u8) {
            *k = c;
        }
        let one = [cat_key(category), u8::MAX];
        let cats: &[u8] = match category {
            Some(_) => &one,
            None => &every,
        };
        // Bigrams shared with each candidate, counted in a dense table (a province standard has
        // a few thousand candidates, half of which share 许可 or 行政 with any name). The table is
        // the thread's own, kept between calls and cleared where it was touched: allocating and
        // zeroing one per name made 80,000 names against 80,000 candidates quadratic.
        let mut ranked: Vec<(u32, u32)> = SHARED.with(|cell| {
            let mut shared = cell.borrow_mut();
            if shared.len() < self.names.len() {
                shared.resize(self.names.len(), 0);
            }
            let mut touched: Vec<u32> = Vec::new();
            for (a, b) in bigrams(name) {
                for &c in cats {
                    let Some(list) = self.postings.get(&(c, a, b)) else { continue };
                    // A bigram most candidates share tells little: only its first LIST_CAP
                    // candidates (the preferred ones, in index order) are counted.
                    let walked = list.get(..list.len().min(LIST_CAP)).unwrap_or(list);
                    if walked.len() < list.len() {
                        self.capped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    for &id in walked {
                        if let Some(n) = shared.get_mut(id as usize) {
                            if *n == 0 {
                                touched.push(id);
                            }
                            *n += 1;
                        }
                    }
                }
            }
            let ranked = touched
                .iter()
                .filter(|id| !skip(**id as usize))
                .map(|&id| (id, shared.get(id as usize).copied().unwrap_or(0)))
                .collect();
            for &id in &touched {
                if let Some(n) = shared.get_mut(id as usize) {
                    *n = 0;
                }
            }
            ranked
        });
        // The `max_candidates` sharing the most bigrams (ties to the earlier); their order does
        // not matter below.
        let order = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if ranked.len() > max_candidates && max_candidates > 0 {
            ranked.select_nth_unstable_by(max_candidates - 1, order);
        }
        ranked.truncate(max_candidates);
        // Those sharing most first: the best is usually among them, and its score rules out
        // the rest by their bounds.
        ranked.sort_unstable_by(order);
        // A candidate whose length, or whose characters in common with the name, keep it below
        // the best so far is not scored; of equal scores the earlier candidate wins.
        let query: Vec<char> = name.chars().collect();
        let bits: Vec<u64> = query.iter().map(|&c| char_bit(c)).collect();
        let mut flags = Vec::new();
        let mut best: Option<(usize, f64)> = None;
        for (id, _) in ranked {
            let id = id as usize;
            let Some((theirs, mask)) = self.chars.get(id) else { continue };
            if let Some((_, top)) = best {
                // (1e-9: the bound and the score round apart by an ulp where they are equal.)
                if bound_for_lengths(query.len(), theirs.len()) + 1e-9 <= top {
                    continue;
                }
                // A character of the name that is none of the candidate's matches nothing.
                let common = bits.iter().filter(|&&b| mask & b != 0).count();
                if bound_for_matches(&query, theirs, common) + 1e-9 <= top {
                    continue;
                }
            }
            let s = similarity_chars(&query, theirs, &mut flags);
            if best.is_none_or(|(at, top)| s > top || (s == top && id < at)) {
                best = Some((id, s));
            }
        }
        best
    }
}

/// A character's bit in a 64-bit set of characters (two characters may share one: the set
/// only says which are certainly absent).
fn char_bit(c: char) -> u64 {
    1u64 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_reworded_name_within_its_category() {
        let idx = NameIndex::new([
            ("食品经营许可", Some(Category::Licensing)),
            ("药品零售企业许可", Some(Category::Licensing)),
            ("食品经营许可", Some(Category::Inspection)),
        ]);
        let (pos, sim) =
            idx.best("食品经营许可(新办)", Some(Category::Licensing), 10, |_| false).unwrap();
        assert_eq!(pos, 0);
        assert!(sim > 0.7, "{sim}");
        let (pos, _) = idx.best("食品经营许可", Some(Category::Inspection), 10, |_| false).unwrap();
        assert_eq!(pos, 2);
        assert!(idx.best("殡葬", Some(Category::Licensing), 10, |_| false).is_none());
    }

    /// `best` scores each candidate with `similarity`, including the one-character and blank
    /// cases.
    /// A bigram shared by more candidates than [`LIST_CAP`] is counted for its first ones only,
    /// and said so; a renamed item beyond the cap is still found by the bigrams it does not share
    /// with the crowd. Below the cap nothing is cut.
    #[test]
    fn a_crowded_bigram_is_cut_and_the_rare_ones_still_find_the_item() {
        let mut names: Vec<String> =
            (0..LIST_CAP + 2000).map(|i| format!("经营许可第{i}号")).collect();
        names.push("经营水事纠纷的裁决".to_string());
        let target = names.len() - 1;
        let idx = NameIndex::new(names.iter().map(|n| (n.as_str(), None)));
        assert!(idx.longest_list() > LIST_CAP);
        let (pos, sim) = idx.best("经营水事纠纷裁决", None, 64, |_| false).unwrap();
        assert_eq!(pos, target, "{sim}");
        assert!(idx.capped() >= 1);

        let small = NameIndex::new(names.iter().take(100).map(|n| (n.as_str(), None)));
        assert_eq!(small.best("经营许可第7号", None, 64, |_| false).map(|b| b.0), Some(7));
        assert_eq!(small.capped(), 0);
    }

    #[test]
    fn best_scores_as_similarity_does() {
        let names = ["食品经营许可", "食品经营许可证核发", "药品 零售许可", "食", "", "经营许可"];
        let idx = NameIndex::new(names.iter().map(|n| (*n, None)));
        for query in ["食品经营许可(新办)", "食", "药品零售许可", "经营 许可", "许可"]
        {
            if let Some((pos, sim)) = idx.best(query, None, 10, |_| false) {
                assert_eq!(sim, similarity(query, names[pos]), "{query} / {}", names[pos]);
            }
        }
        let (pos, sim) = idx.best("食", None, 10, |_| false).unwrap();
        assert_eq!((names[pos], sim), ("食", 1.0));
    }

    /// The plain form of `best`: every candidate sharing a bigram counted, all of them sorted,
    /// the first `max` scored.
    fn best_by_sorting(
        idx: &NameIndex,
        name: &str,
        max: usize,
        skip: impl Fn(usize) -> bool,
    ) -> Option<(usize, f64)> {
        let mine = bigrams(name);
        let mut ranked: Vec<(usize, usize)> = idx
            .names
            .iter()
            .enumerate()
            .filter(|(id, _)| !skip(*id))
            .map(|(id, (n, _))| (id, bigrams(n).iter().filter(|g| mine.contains(g)).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(max);
        ranked
            .into_iter()
            .map(|(id, _)| (id, similarity(name, &idx.names[id].0)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
    }

    proptest::proptest! {
        /// Partial selection and the length bound change nothing: `best` is the plain form's.
        #[test]
        fn best_is_the_plain_forms(names in proptest::collection::vec("[食品药经营许可证核发(新办)]{1,9}", 1..40), query in "[食品药经营许可证核发(新办)]{1,9}", max in 0usize..8, odd in proptest::bool::ANY) {
            let idx = NameIndex::new(names.iter().map(|n| (n.as_str(), None)));
            let skip = |id: usize| odd && id % 2 == 1;
            proptest::prop_assert_eq!(idx.best(&query, None, max, skip), best_by_sorting(&idx, &query, max, skip));
        }
    }
}
