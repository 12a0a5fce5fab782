//! Name matching: an inverted index from character bigrams to candidate items, per category, so
//! a name is only scored against the few candidates sharing the most bigrams with it (a province
//! never compares all pairs).
//!
//! Names are scored by [`similarity`] (src/value/similar.rs: the one metric of "same name,
//! reworded?" and the measurement behind it); the index only proposes the candidates.

use rustc_hash::FxHashMap;

use crate::model::Category;
use crate::value::similar::bound_for_lengths;
pub use crate::value::similar::similarity;

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

/// The candidates (normalised name and category) and their bigram index.
#[derive(Debug, Default)]
pub struct NameIndex {
    names: Vec<(String, Option<Category>)>,
    postings: FxHashMap<Key, Vec<u32>>,
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
        }
        index
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
        // a few thousand candidates, half of which share 许可 or 行政 with any name).
        let mut shared = vec![0u32; self.names.len()];
        let mut touched: Vec<u32> = Vec::new();
        for (a, b) in bigrams(name) {
            for &c in cats {
                if let Some(list) = self.postings.get(&(c, a, b)) {
                    for &id in list {
                        if let Some(n) = shared.get_mut(id as usize) {
                            if *n == 0 {
                                touched.push(id);
                            }
                            *n += 1;
                        }
                    }
                }
            }
        }
        let count = |id: u32| shared.get(id as usize).copied().unwrap_or(0);
        let mut ranked: Vec<(u32, u32)> = touched
            .into_iter()
            .filter(|id| !skip(*id as usize))
            .map(|id| (id, count(id)))
            .collect();
        // The `max_candidates` sharing the most bigrams (ties to the earlier); their order does
        // not matter below.
        let order = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if ranked.len() > max_candidates && max_candidates > 0 {
            ranked.select_nth_unstable_by(max_candidates - 1, order);
        }
        ranked.truncate(max_candidates);
        ranked.sort_unstable_by_key(|r| r.0);
        // Scored in position order; a candidate whose length alone keeps it below the best so
        // far (or level with it: the earlier one wins ties) is not scored.
        let len = name.chars().count();
        let mut best: Option<(usize, f64)> = None;
        for (id, _) in ranked {
            let id = id as usize;
            let theirs = self.names.get(id).map_or("", |n| n.0.as_str());
            if let Some((_, top)) = best {
                // (1e-9: the bound and the score round apart by an ulp where they are equal.)
                if bound_for_lengths(len, theirs.chars().count()) + 1e-9 <= top {
                    continue;
                }
            }
            let s = similarity(name, theirs);
            if best.is_none_or(|(_, top)| s > top) {
                best = Some((id, s));
            }
        }
        best
    }
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
