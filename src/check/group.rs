//! Grouping: joins every item of every jurisdiction to its reference item — by normalised code,
//! or, when the code is missing, malformed, unknown or belongs to another item, by name within
//! its category through the bigram index of `matching`.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::model::{Category, Dataset, Field, Str};
use crate::value::code::BaseCode;

use super::config::CheckConfig;
use super::matching::{similarity, NameIndex};

/// How an item joined its group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum How {
    /// By its code.
    Code,
    /// By its name, with this similarity (its code is missing or wrong).
    Name { sim: f64 },
}

/// One item of the dataset in a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// Index in `Dataset::items`.
    pub item: usize,
    /// By code or by name.
    pub how: How,
    /// Similarity of the item's name to the group's reference name.
    pub sim: f64,
}

/// The same item across jurisdictions.
#[derive(Debug, Clone)]
pub struct Group {
    /// The standard's code (or the peers' code); for an item unknown to the standard, the row's
    /// code, or its normalised name when it has none.
    pub key: Str,
    /// The reference name (the standard's, or the peers' most common).
    pub name: Str,
    /// The reference category (the standard's, or the peers' most common).
    pub category: Option<Category>,
    /// The standard's item, when there is a standard and the group is in it.
    pub standard: Option<usize>,
    /// False for items unknown to the standard.
    pub known: bool,
    /// For unknown groups: the closest standard item by name (index, similarity).
    pub closest: Option<(usize, f64)>,
    /// Sorted by jurisdiction, then item index.
    pub members: Vec<Member>,
    /// The 业务办理项 of a code the standard splits into several (the key is `code(办理项)`).
    pub variant: Option<String>,
}

/// All groups, sorted by key, and each item's group.
#[derive(Debug, Default)]
pub struct Grouping {
    /// Sorted by key.
    pub groups: Vec<Group>,
    /// Group index of each item of the dataset.
    pub of_item: Vec<usize>,
    /// How each item of the dataset joined its group, and its similarity (its `Member`'s `how`
    /// and `sim`), by item index.
    pub joined: Vec<(How, f64)>,
    /// How many times the candidates sharing one bigram with a name were counted only up to
    /// [`super::matching::LIST_CAP`] (so many candidates share it that counting them all for
    /// every name would be quadratic): the run says so.
    pub capped: usize,
}

/// A catalogue entry items can join: a standard item, or (without a standard) a code group.
struct Entry {
    key: Str,
    name: Str,
    category: Option<Category>,
    standard: Option<usize>,
    /// Distinct jurisdictions carrying the code (consensus mode).
    size: usize,
    /// The 业务办理项 of an entry whose code the standard splits into several (its key is then
    /// `code(办理项)`).
    variant: Option<String>,
}

enum Target {
    Entry(usize, How, f64),
    Own { closest: Option<(usize, f64)> },
}

/// The fields beside name and code that tell which reference item a row is (record linkage:
/// each a comparison of its own, counted where the reference has a value).
pub const IDENTITY_FIELDS: [Field; 7] = [
    Field::Category,
    Field::Basis,
    Field::StatutoryLimit,
    Field::Kind,
    Field::Visits,
    Field::Fee,
    Field::Intermediaries,
];

/// The identity fields on which `row` agrees with `reference` and those on which it does not,
/// leaving out fields the reference leaves empty.
pub fn identity_evidence(
    row: &crate::model::Item,
    reference: &crate::model::Item,
) -> (Vec<Field>, Vec<Field>) {
    let (mut agreed, mut disagreed) = (Vec::new(), Vec::new());
    for field in IDENTITY_FIELDS {
        let Some(check) = super::consensus::FIELDS.iter().find(|c| c.field == field) else {
            continue;
        };
        if reference_empty(reference, field) {
            continue;
        }
        if (check.same)(row, reference) || (check.key)(row, "") == (check.key)(reference, "") {
            agreed.push(field);
        } else {
            disagreed.push(field);
        }
    }
    (agreed, disagreed)
}

/// True when the reference gives no value for `field` (nothing to agree with).
fn reference_empty(r: &crate::model::Item, field: Field) -> bool {
    match field {
        Field::Category => r.category.is_none(),
        Field::Basis => r.basis.raw.trim().is_empty(),
        Field::StatutoryLimit => r.statutory_limit.raw.trim().is_empty(),
        Field::Kind => r.kind.is_none(),
        Field::Visits => r.visits.raw.trim().is_empty(),
        Field::Fee => r.fee.raw.trim().is_empty() && r.charged.raw.trim().is_empty(),
        Field::Intermediaries => r.intermediaries.raw.trim().is_empty(),
        _ => true,
    }
}

/// How many identity fields `row` shares with `reference`, less those it does not.
fn identity_score(row: &crate::model::Item, reference: &crate::model::Item) -> i32 {
    let (a, d) = identity_evidence(row, reference);
    a.len() as i32 - d.len() as i32
}

/// Groups `dataset` against `standard` (or against the dataset's own codes when `None`).
pub fn build(dataset: &Dataset, standard: Option<&Dataset>, config: &CheckConfig) -> Grouping {
    build_ranked(dataset, standard, config, &jurisdiction_ranks(dataset), &ItemCodes::of(dataset))
}

/// What grouping reads of each item's code, read once in dataset order (each read of a code
/// elsewhere is a memory wait per row).
pub struct ItemCodes {
    /// The normalised code as a number ([`code_number`]) where that names it alone (at most 16
    /// bytes without NUL: 0 for no code), else [`ItemCodes::LONG`].
    pub num: Vec<u128>,
    /// Whether the code is a well-formed base code.
    pub base: Vec<bool>,
}

impl ItemCodes {
    /// No UTF-8 text holds the byte 0xFF, so no code's number is this one.
    pub const LONG: u128 = u128::MAX;

    /// The codes of `ds`'s items.
    pub fn of(ds: &Dataset) -> ItemCodes {
        let (num, base) = ds
            .items
            .par_iter()
            .map(|item| (short(&item.code.norm).unwrap_or(Self::LONG), item.code.base.is_some()))
            .unzip();
        ItemCodes { num, base }
    }
}

/// Per item of `ds`, a number that orders as its jurisdiction's code does (equal for equal
/// codes).
pub fn jurisdiction_ranks(ds: &Dataset) -> Vec<usize> {
    let mut codes: Vec<&str> = Vec::new();
    let mut last: Option<&str> = None;
    for item in &ds.items {
        // A list's rows come together: most rows repeat the previous row's jurisdiction.
        let j: &str = &item.jurisdiction;
        if last != Some(j) {
            codes.push(j);
            last = Some(j);
        }
    }
    codes.sort_unstable();
    codes.dedup();
    let rank: FxHashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    ds.items.par_iter().map(|item| rank.get(&*item.jurisdiction).copied().unwrap_or(0)).collect()
}

/// [`build`], given `item_rank` from [`jurisdiction_ranks`] (or any numbering of the items'
/// jurisdictions in code order).
pub fn build_ranked(
    dataset: &Dataset,
    standard: Option<&Dataset>,
    config: &CheckConfig,
    item_rank: &[usize],
    codes: &ItemCodes,
) -> Grouping {
    let entries = match standard {
        Some(std) => standard_entries(std, &config.layouts),
        None => peer_entries(dataset, item_rank, codes),
    };
    let by_code = CodeMap::new(entries.iter().enumerate().map(|(i, e)| (&*e.key, i)));
    // The 办理项 entries of each code the standard splits, by the code itself.
    let mut variants: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, e) in entries.iter().enumerate() {
        if e.variant.is_some() {
            if let Some(s) = e.standard.and_then(|k| standard.map(|d| &d.items[k])) {
                variants.entry(&s.code.norm).or_default().push(i);
            }
        }
    }
    // A row of a split code joins the 办理项 it names, else the one its name is closest to.
    let variant_of = |item: &crate::model::Item| -> Option<usize> {
        let list = variants.get(&*item.code.norm)?;
        let tag = handling_tag(item, &config.layouts);
        if let Some(t) = tag.as_deref() {
            if let Some(&e) = list.iter().find(|&&e| entries[e].variant.as_deref() == Some(t)) {
                return Some(e);
            }
        }
        list.iter()
            .copied()
            .map(|e| (e, similarity(&item.name.norm, &entries[e].name)))
            .fold(None, |best: Option<(usize, f64)>, (e, s)| match best {
                Some((_, b)) if b >= s => best,
                _ => Some((e, s)),
            })
            .map(|(e, _)| e)
    };
    // Candidates in order of preference for equal similarity: the code more jurisdictions carry
    // first (a miscoded copy of an item never wins over the item), then by code.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| entries[b].size.cmp(&entries[a].size).then(a.cmp(&b)));
    let index = NameIndex::new(order.iter().map(|&e| (&*entries[e].name, entries[e].category)));
    let m = &config.matching;
    let minority = config.consensus.minority_share;
    let consensus = standard.is_none();

    // The entry most jurisdictions carry under each exact name and category (ties to the smaller
    // code).
    let mut largest_by_name: FxHashMap<(&str, Option<Category>), usize> = FxHashMap::default();
    for (i, e) in entries.iter().enumerate() {
        let slot = largest_by_name.entry((&*e.name, e.category)).or_insert(i);
        if e.size > entries[*slot].size {
            *slot = i;
        }
    }
    let targets: Vec<Target> = dataset
        .items
        .par_iter()
        .enumerate()
        .map(|(i, item)| {
            let num = codes.num.get(i).copied().unwrap_or(ItemCodes::LONG);
            let well_formed = codes.base.get(i).copied().unwrap_or(false);
            // Number 0 is the empty code; a long code is looked up by its text.
            let own = if num == 0 || (consensus && !well_formed) {
                None
            } else if num == ItemCodes::LONG {
                by_code.long.get(&*item.code.norm).copied()
            } else {
                by_code.short.get(&num).copied()
            };
            let own = own.or_else(|| if variants.is_empty() { None } else { variant_of(item) });
            let name: &str = &item.name.norm;
            let best = |skip: Option<usize>| {
                index
                    .best(name, item.category, m.max_candidates, |pos| Some(order[pos]) == skip)
                    .map(|(pos, sim)| (order[pos], sim))
            };
            match own {
                Some(a) => {
                    let sim_a = similarity(name, &entries[a].name);
                    if sim_a >= m.name_similarity && !(consensus && entries[a].size <= 1) {
                        // Without a standard, the same name carried under another code by many
                        // more jurisdictions makes this code the minority's wrong one (found by
                        // exact name: cheap enough for every row of a province).
                        let largest = match consensus {
                            true => largest_by_name.get(&(name, item.category)),
                            false => None,
                        };
                        if let Some(&b) = largest {
                            let (sa, sb) = (entries[a].size, entries[b].size);
                            if consensus
                                && b != a
                                && sa < sb
                                && sa as f64 <= minority * (sa + sb) as f64
                            {
                                return Target::Entry(b, How::Name { sim: 1.0 }, 1.0);
                            }
                        }
                        return Target::Entry(a, How::Code, sim_a);
                    }
                    match best(Some(a)) {
                        Some((b, sim_b))
                            if sim_b >= m.name_similarity
                                && if consensus {
                                    // The item is carried under two codes: the code a
                                    // minority of the holders of both uses is the wrong one.
                                    (sim_b >= sim_a
                                        && entries[a].size < entries[b].size
                                        && entries[a].size as f64
                                            <= minority
                                                * (entries[a].size + entries[b].size) as f64)
                                        || (sim_a < m.name_similarity && sim_b > sim_a)
                                } else {
                                    // A code the standard has is never given up for a name
                                    // alone: the other item must also be closer on the rest
                                    // of the evidence (category, basis, limits, visits, fee).
                                    sim_b > sim_a && {
                                        let std = standard.map(|s| &s.items);
                                        let of = |e: usize| {
                                            entries[e].standard.and_then(|k| std.map(|v| &v[k]))
                                        };
                                        match (of(a), of(b)) {
                                            // On even evidence only a near-certain name
                                            // moves the row (a mis-coded row named exactly
                                            // as another item); the pass below still keeps
                                            // it off an item its list carries by code.
                                            (Some(ra), Some(rb)) => {
                                                let (sa, sb) = (
                                                    identity_score(item, ra),
                                                    identity_score(item, rb),
                                                );
                                                sb > sa
                                                    || (sb == sa && sim_b >= m.certain_similarity)
                                            }
                                            _ => false,
                                        }
                                    }
                                } =>
                        {
                            Target::Entry(b, How::Name { sim: sim_b }, sim_b)
                        }
                        _ => Target::Entry(a, How::Code, sim_a),
                    }
                }
                None => match best(None) {
                    Some((b, sim)) if sim >= m.name_similarity && plausible(item, &entries[b]) => {
                        Target::Entry(b, How::Name { sim }, sim)
                    }
                    closest => Target::Own { closest },
                },
            }
        })
        .collect();

    // Two rows of one list never join the same item when one carries its code: the row that
    // came by name goes back to its own code (or to a group of its own).
    let mut targets = targets;
    {
        let mut coded: rustc_hash::FxHashSet<(usize, usize)> = rustc_hash::FxHashSet::default();
        for (i, t) in targets.iter().enumerate() {
            if let Target::Entry(e, How::Code, _) = t {
                coded.insert((item_rank.get(i).copied().unwrap_or(0), *e));
            }
        }
        for (i, t) in targets.iter_mut().enumerate() {
            let Target::Entry(e, How::Name { .. }, _) = *t else { continue };
            if !coded.contains(&(item_rank.get(i).copied().unwrap_or(0), e)) {
                continue;
            }
            let item = &dataset.items[i];
            let own = match codes.num.get(i).copied().unwrap_or(ItemCodes::LONG) {
                0 => None,
                ItemCodes::LONG => by_code.long.get(&*item.code.norm).copied(),
                n => by_code.short.get(&n).copied(),
            };
            *t = match own.filter(|&a| a != e) {
                Some(a) => {
                    Target::Entry(a, How::Code, similarity(&item.name.norm, &entries[a].name))
                }
                None => Target::Own {
                    closest: Some((e, similarity(&item.name.norm, &entries[e].name))),
                },
            };
        }
    }
    let mut groups: Vec<Group> = entries
        .iter()
        .map(|e| Group {
            key: e.key.clone(),
            name: e.name.clone(),
            category: e.category,
            standard: e.standard,
            known: true,
            closest: None,
            members: Vec::new(),
            variant: e.variant.clone(),
        })
        .collect();
    // Each item's group, in item order (a group of its own takes its name from its first row).
    let mut own: FxHashMap<Str, usize> = FxHashMap::default();
    let mut of_item = Vec::with_capacity(targets.len());
    let mut joined = Vec::with_capacity(targets.len());
    for (i, t) in targets.into_iter().enumerate() {
        let (g, how, sim) = match t {
            Target::Entry(e, how, sim) => (e, how, sim),
            Target::Own { closest } => {
                let item = &dataset.items[i];
                let key: Str = if item.code.is_empty() {
                    item.name.norm.clone()
                } else {
                    item.code.norm.clone()
                };
                let g = *own.entry(key.clone()).or_insert_with(|| {
                    groups.push(Group {
                        key,
                        name: item.name.raw.trim().into(),
                        category: item.category,
                        standard: None,
                        known: standard.is_none(),
                        closest: closest.map(|(e, s)| (entries[e].standard.unwrap_or(e), s)),
                        members: Vec::new(),
                        variant: None,
                    });
                    groups.len() - 1
                });
                (g, How::Code, 1.0)
            }
        };
        of_item.push(g);
        joined.push((how, sim));
    }
    // Sort groups by key, remapping the items' group indices.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| groups[a].key.cmp(&groups[b].key).then(a.cmp(&b)));
    let mut new_index = vec![0; groups.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    let mut groups: Vec<Group> = order.iter().filter_map(|&old| slots[old].take()).collect();
    let of_item: Vec<usize> = of_item.into_par_iter().map(|g| new_index[g]).collect();
    // Members sorted by jurisdiction, then item: the items in that order (a stable counting
    // sort by jurisdiction rank, no string compared), sorted stably by group, are every
    // group's members in order, one run per group.
    // Lists usually come in code order already: then the items are in that order as they are.
    let in_order = item_rank.par_windows(2).all(|w| w[0] <= w[1]);
    let by_jurisdiction: Vec<usize> = if in_order {
        (0..item_rank.len()).collect()
    } else {
        let ranks = item_rank.iter().copied().max().map_or(0, |m| m + 1);
        let mut start = vec![0usize; ranks + 1];
        for &r in item_rank {
            start[r + 1] += 1;
        }
        for r in 0..ranks {
            start[r + 1] += start[r];
        }
        let mut by_jurisdiction = vec![0usize; item_rank.len()];
        for (i, &r) in item_rank.iter().enumerate() {
            by_jurisdiction[start[r]] = i;
            start[r] += 1;
        }
        by_jurisdiction
    };
    let mut sizes = vec![0usize; groups.len() + 1];
    for &g in &of_item {
        sizes[g + 1] += 1;
    }
    for g in 0..groups.len() {
        sizes[g + 1] += sizes[g];
    }
    let mut sorted = vec![0usize; of_item.len()];
    let mut next = sizes.clone();
    for &i in &by_jurisdiction {
        let g = of_item[i];
        sorted[next[g]] = i;
        next[g] += 1;
    }
    groups.par_iter_mut().enumerate().for_each(|(g, group)| {
        group.members = sorted[sizes[g]..sizes[g + 1]]
            .iter()
            .map(|&i| {
                let (how, sim) = joined[i];
                Member { item: i, how, sim }
            })
            .collect();
    });
    Grouping { groups, of_item, joined, capped: index.capped() }
}

/// Entries by code. Codes of at most 16 bytes without NUL (every well-formed one) are kept as
/// numbers ([`code_number`]), so finding one compares numbers, not the entry's text (which
/// would be one more memory read per row).
struct CodeMap<'a> {
    short: FxHashMap<u128, usize>,
    long: FxHashMap<&'a str, usize>,
}

impl<'a> CodeMap<'a> {
    /// The map of `pairs`; a code given twice keeps its last entry.
    fn new(pairs: impl Iterator<Item = (&'a str, usize)>) -> CodeMap<'a> {
        let mut map = CodeMap { short: FxHashMap::default(), long: FxHashMap::default() };
        for (code, e) in pairs {
            match short(code) {
                Some(n) => map.short.insert(n, e),
                None => map.long.insert(code, e),
            };
        }
        map
    }
}

/// [`code_number`] of `code` when the number names the code alone (at most 16 bytes, no NUL).
fn short(code: &str) -> Option<u128> {
    (code.len() <= 16 && !code.as_bytes().contains(&0)).then(|| code_number(code))
}

/// The first 16 bytes of `s` as a big-endian number, zero-padded: for texts of at most 16
/// bytes without NUL, equal numbers are equal texts and the numbers order as the texts do.
fn code_number(s: &str) -> u128 {
    let mut b = [0u8; 16];
    for (d, &x) in b.iter_mut().zip(s.as_bytes()) {
        *d = x;
    }
    u128::from_be_bytes(b)
}

/// Whether a row whose code is unknown may be the entry its name resembles. A row without a
/// usable code (empty or malformed) may; a row with a well-formed code of its own only when its
/// name is the entry's exactly or its code is the entry's with only the TT (category) digits
/// changed. Otherwise it is an item of its own: templated names such as
/// 对公路施工单位未按规定接受年度检验的行政处罚 and 对公墓经营单位未按规定接受年度检验的行政处罚
/// share most bigrams, and their codes differ in a digit or two of MMM, yet they are different
/// items.
fn plausible(item: &crate::model::Item, entry: &Entry) -> bool {
    item.code.base.is_none()
        || item.name.norm == entry.name
        || only_tt_differs(&item.code.norm, &entry.key)
}

/// True when two codes of the same length differ only in their TT digits (characters 3–4).
fn only_tt_differs(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len() && a.iter().zip(&b).enumerate().all(|(i, (x, y))| x == y || i == 2 || i == 3)
}

/// The 业务办理项 a row names: the number a 33-character implementation code ends with, else
/// the bracketed end of its name (食品经营许可(新办) → 新办).
pub fn handling_tag(
    item: &crate::model::Item,
    layouts: &crate::value::code::CodeLayouts,
) -> Option<String> {
    handling_number(item, layouts).or_else(|| handling_name(item))
}

/// The 办理项 number a 33-character implementation code ends with.
pub fn handling_number(
    item: &crate::model::Item,
    layouts: &crate::value::code::CodeLayouts,
) -> Option<String> {
    let ic = item.implementation_code.as_ref()?;
    let parsed = crate::value::code::ImplCode::parse_with(&ic.norm, layouts).ok()?;
    parsed.handling_item().map(|n| n.to_string())
}

/// The bracketed end of a row's name (食品经营许可(新办) → 新办), its 办理项 by name.
pub fn handling_name(item: &crate::model::Item) -> Option<String> {
    let name: &str = &item.name.norm;
    let inner = name.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let tag = &inner[open + 1..];
    (!tag.is_empty() && open > 0).then(|| tag.to_string())
}

/// One entry per distinct code of the standard (the first row wins), except that a code the
/// standard splits into several 业务办理项 (rows of one code that differ by their 办理项: the
/// 33-character implementation code's number or the bracketed end of the name) has one entry
/// per 办理项, keyed `code(办理项)`, so that a list's 办理项 is compared with the same one.
fn standard_entries(std: &Dataset, layouts: &crate::value::code::CodeLayouts) -> Vec<Entry> {
    let mut rows_of: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    let mut first_seen: Vec<&str> = Vec::new();
    for (i, item) in std.items.iter().enumerate() {
        let code: &str = &item.code.norm;
        if code.is_empty() {
            continue;
        }
        let rows = rows_of.entry(code).or_default();
        if rows.is_empty() {
            first_seen.push(code);
        }
        rows.push(i);
    }
    let mut out = Vec::new();
    for code in first_seen {
        let rows = &rows_of[code];
        let entry = |i: usize, key: Str, variant: Option<String>| Entry {
            key,
            name: std.items[i].name.norm.clone(),
            category: std.items[i].category,
            standard: Some(i),
            size: 0,
            variant,
        };
        let tags: Vec<Option<String>> =
            rows.iter().map(|&i| handling_tag(&std.items[i], layouts)).collect();
        let mut distinct: Vec<&str> = tags.iter().flatten().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if rows.len() < 2 || distinct.len() < 2 {
            out.push(entry(rows[0], std.items[rows[0]].code.norm.clone(), None));
            continue;
        }
        let mut done: Vec<&str> = Vec::new();
        for (&i, tag) in rows.iter().zip(&tags) {
            let Some(tag) = tag.as_deref() else { continue };
            if done.contains(&tag) {
                continue;
            }
            done.push(tag);
            let key: Str = format!("{code}({tag})").into();
            out.push(entry(i, key, Some(tag.to_string())));
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// One entry per well-formed code of the dataset, named and categorised by the majority of the
/// rows carrying it (ties to the smaller value).
fn peer_entries(ds: &Dataset, item_rank: &[usize], codes: &ItemCodes) -> Vec<Entry> {
    // A well-formed code is 12 ASCII characters: as a big-endian number (zero-padded to 16
    // bytes) it is the code itself, ordered as the text is, so the rows of each code are found
    // by sorting numbers in parallel rather than by a map filled one row at a time.
    let mut rows: Vec<(u128, usize)> = (0..ds.items.len())
        .into_par_iter()
        .filter(|&i| codes.base.get(i).copied().unwrap_or(false))
        .filter_map(|i| codes.num.get(i).map(|&n| (n, i)))
        .collect();
    rows.par_sort_unstable();
    let runs: Vec<&[(u128, usize)]> = rows.chunk_by(|a, b| a.0 == b.0).collect();
    let mut out: Vec<Entry> = runs
        .into_par_iter()
        .map(|run| {
            let key: Str =
                run.first().map_or_else(|| "".into(), |&(_, i)| ds.items[i].code.norm.clone());
            let code: &str = &key;
            let rows = run.iter().map(|&(_, i)| i);
            let mut names: FxHashMap<&str, usize> = FxHashMap::default();
            let mut cats: FxHashMap<Option<Category>, usize> = FxHashMap::default();
            let mut jurs: Vec<usize> = Vec::with_capacity(run.len());
            for r in rows {
                let it = &ds.items[r];
                *names.entry(&it.name.norm).or_insert(0) += 1;
                *cats.entry(it.category).or_insert(0) += 1;
                jurs.push(item_rank.get(r).copied().unwrap_or(0));
            }
            jurs.sort_unstable();
            jurs.dedup();
            let name = names
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                .map(|(n, _)| n)
                .unwrap_or("");
            // Ties go to the category the code's TT digits name (the code is a vote too).
            let tt = BaseCode::split(code).map(|b| b.category);
            let agrees = |c: &Option<Category>| c.is_some_and(|c| Some(c.code()) == tt.as_deref());
            let category = cats
                .into_iter()
                .max_by(|a, b| {
                    a.1.cmp(&b.1).then(agrees(&a.0).cmp(&agrees(&b.0))).then(b.0.cmp(&a.0))
                })
                .and_then(|(c, _)| c);
            Entry {
                key: key.clone(),
                name: name.into(),
                category,
                standard: None,
                size: jurs.len(),
                variant: None,
            }
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes as numbers (or, when long, their first 16 bytes then their text) sort and compare
    /// as the texts do, which the peer codes and the duplicate scan rely on.
    #[test]
    fn code_numbers_order_as_texts() {
        let codes = [
            "",
            "450101001000",
            "450101001001",
            "45010100100",
            "4501010010001234",
            "45010100100012345",
            "4501010010001234\u{0}",
            "ABC",
            "ABC\u{0}",
            "ABC\u{0}D",
            "事项",
            "事项编码事项编码事项编码",
        ];
        let key = |c: &'static str| match short(c) {
            Some(n) => (n, None),
            None => (code_number(c), Some(c)),
        };
        for a in codes {
            for b in codes {
                assert_eq!(key(a).cmp(&key(b)), a.cmp(b), "{a:?} / {b:?}");
            }
            assert_eq!(short(a) == Some(0), a.is_empty(), "{a:?}");
            assert_ne!(short(a), Some(ItemCodes::LONG), "{a:?}");
        }
        let map = CodeMap::new(codes.iter().enumerate().map(|(i, c)| (*c, i)));
        for (i, c) in codes.iter().enumerate() {
            let found = match short(c) {
                Some(n) => map.short.get(&n),
                None => map.long.get(c),
            };
            assert_eq!(found, Some(&i), "{c:?}");
        }
    }
}
