//! `check`: groups the same item across every jurisdiction, takes the reference (the standard or
//! the consensus of peers) and runs the rules of `crate::rules` over each group, in parallel over
//! groups; findings are sorted at the end so output never depends on thread timing.

/// rules/check.toml.
pub mod config;
/// Per-field keys and the peers' vote.
pub mod consensus;
/// Joining items to their reference item.
pub mod group;
/// Name similarity and the bigram index.
pub mod matching;
pub mod variants;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::laws::LawRegistry;
use crate::model::{Dataset, Field, Finding, Level, Scope, Severity, Str};
use crate::profile::Profile;
use crate::rules::{code, presence, Cmp, RuleSetting, Sink, Source, Subject};
use crate::shard::Shard;

pub use config::CheckConfig;
use consensus::{decide, Decision, Ident, FIELDS};
use group::{Group, Grouping, How, Member};
use presence::is_minority;

/// What a check run produced.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sorted by `Finding::sort_key`, without exact duplicates.
    pub findings: Vec<Finding>,
    /// Items checked.
    pub items: usize,
    /// Jurisdictions checked.
    pub jurisdictions: usize,
    /// Item groups (the same item across jurisdictions).
    pub groups: usize,
    /// True when checked against a standard.
    pub with_standard: bool,
    /// Names of the jurisdictions (区划代码 → 区划名称) where known, for readers.
    pub names: std::collections::BTreeMap<Str, Str>,
    /// The grouping the run compared items by, when asked to keep it ([`run_grouped`]): the
    /// variant tables and review key rows by it instead of grouping again.
    pub grouping: Option<std::sync::Arc<Grouping>>,
    /// See [`Grouping::capped`].
    pub capped_name_lists: usize,
}

impl CheckReport {
    /// The highest severity found, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().filter(|f| f.counts()).map(|f| f.severity).max()
    }

    /// Number of findings at `severity` that count on their own (not those caused by another,
    /// nor approved deviations).
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.counts() && f.severity == severity).count()
    }

    /// Number of findings that follow from another (`caused_by`).
    pub fn caused(&self) -> usize {
        self.findings.iter().filter(|f| !f.is_root()).count()
    }

    /// Number of findings the region approved (`--exceptions`).
    pub fn approved(&self) -> usize {
        self.findings.iter().filter(|f| f.approved.is_some()).count()
    }
}

/// One jurisdiction of the dataset: code, level, parent and name.
#[derive(Debug, Clone)]
struct Place {
    code: Str,
    level: Option<Level>,
    parent: Option<Str>,
    name: Str,
    /// `name` normalised, once per jurisdiction (department comparisons strip it).
    norm: Str,
}

/// What every group check reads.
struct Ctx<'a> {
    ds: &'a Dataset,
    std: Option<&'a Dataset>,
    config: &'a CheckConfig,
    laws: &'a LawRegistry,
    places: Vec<Place>,
    place_of: FxHashMap<Str, usize>,
    /// The place of each item of `ds` (index into `places`), looked up once.
    item_place: Vec<usize>,
    /// Each item's code as grouping reads it, read once.
    codes: group::ItemCodes,
    /// Jurisdictions per level, sorted by code.
    by_level: FxHashMap<Level, Vec<usize>>,
    /// The standard's region name, normalised.
    std_region_norm: String,
    /// With a standard: per standard item, the (rule, field) of its own defects.
    std_defects: Vec<Vec<DefectKey>>,
    /// Without a standard: each item's stamps (`Item::stamps`), counted once in dataset order
    /// for the peers' votes rather than once per comparison (empty until the rules stage).
    stamps: Vec<u64>,
    /// The (jurisdiction, category) pairs whose list carries category elements (of the list and
    /// of the standard): only there is a required element left empty a finding.
    carries: FxHashSet<(Str, crate::model::Category)>,
}

impl<'a> Ctx<'a> {
    fn new(ds: &'a Dataset, std: Option<&'a Dataset>, config: &'a CheckConfig) -> Ctx<'a> {
        let mut places: Vec<Place> = ds
            .jurisdictions
            .iter()
            .map(|j| Place {
                code: j.code.clone(),
                level: Some(j.level),
                parent: j.parent.clone(),
                name: j.name.clone(),
                norm: crate::value::name::normalize(&j.name).into(),
            })
            .collect();
        let mut known: FxHashSet<&str> = ds.jurisdictions.iter().map(|j| &*j.code).collect();
        let mut last: Option<&str> = None;
        for item in &ds.items {
            // A list's rows come together: most rows repeat the previous row's jurisdiction (the
            // same shared text, so the pointers are compared first).
            if last
                .is_some_and(|l| std::ptr::eq(l, &*item.jurisdiction) || l == &*item.jurisdiction)
            {
                continue;
            }
            last = Some(&item.jurisdiction);
            if known.insert(&item.jurisdiction) {
                places.push(Place {
                    code: item.jurisdiction.clone(),
                    level: ds.level_of(&item.jurisdiction),
                    parent: None,
                    name: "".into(),
                    norm: "".into(),
                });
            }
        }
        places.sort_by(|a, b| a.code.cmp(&b.code));
        places.dedup_by(|a, b| a.code == b.code);
        let mut by_level: FxHashMap<Level, Vec<usize>> = FxHashMap::default();
        for (i, p) in places.iter().enumerate() {
            if let Some(l) = p.level {
                by_level.entry(l).or_default().push(i);
            }
        }
        let std_region_norm = crate::value::name::normalize(
            std.and_then(|s| s.jurisdictions.first()).map(|j| &*j.name).unwrap_or(""),
        );
        let place_of: FxHashMap<Str, usize> =
            places.iter().enumerate().map(|(i, p)| (p.code.clone(), i)).collect();
        // Every item's jurisdiction is a place (added above), so the fallback never serves.
        let lookup = &place_of;
        let item_place = ds
            .items
            .par_chunks(4096)
            .flat_map_iter(|chunk| {
                let mut last: Option<(&str, usize)> = None;
                chunk.iter().map(move |item| {
                    let j: &str = &item.jurisdiction;
                    match last {
                        Some((code, p)) if code == j => p,
                        _ => {
                            let p = lookup.get(j).copied().unwrap_or(0);
                            last = Some((j, p));
                            p
                        }
                    }
                })
            })
            .collect();
        let carries = ds
            .items
            .iter()
            .chain(std.map(|s| s.items.as_slice()).unwrap_or(&[]))
            .filter(|i| !i.elements.is_empty())
            .filter_map(|i| Some((i.jurisdiction.clone(), i.category?)))
            .collect();
        Ctx {
            carries,
            codes: group::ItemCodes::of(ds),
            stamps: Vec::new(),
            std_defects: Vec::new(),
            ds,
            std,
            config,
            laws: config.laws(),
            places,
            place_of,
            item_place,
            by_level,
            std_region_norm,
        }
    }

    /// The place of item `i` of the dataset.
    fn item_place(&self, i: usize) -> &Place {
        &self.places[self.item_place[i]]
    }

    /// The level of item `i`'s jurisdiction (as `level` gives it).
    fn item_level(&self, i: usize) -> Option<Level> {
        self.item_place(i).level.or_else(|| self.ds.level_of(&self.ds.items[i].jurisdiction))
    }

    fn place(&self, code: &str) -> Option<&Place> {
        self.place_of.get(code).map(|&i| &self.places[i])
    }

    fn level(&self, code: &str) -> Option<Level> {
        self.place(code).and_then(|p| p.level).or_else(|| self.ds.level_of(code))
    }

    fn settings(&self) -> impl Fn(&crate::rules::Rule) -> RuleSetting + '_ {
        move |r| self.config.setting(r)
    }
}

/// Checks `dataset` against `standard` (or the consensus of peers when `None`).
pub fn run(dataset: &Dataset, standard: Option<&Dataset>, config: &CheckConfig) -> CheckReport {
    run_with(dataset, standard, config, &mut Profile::new("check", false), false, Shard::WHOLE)
}

/// [`run`], keeping the grouping in the report (`CheckReport::grouping`).
pub fn run_grouped(
    dataset: &Dataset,
    standard: Option<&Dataset>,
    config: &CheckConfig,
) -> CheckReport {
    run_with(dataset, standard, config, &mut Profile::new("check", false), true, Shard::WHOLE)
}

/// [`run`], marking its stages (group, rules, sort) on `prof`; `keep_grouping` keeps the
/// grouping in the report. With a `shard` other than [`Shard::WHOLE`] only the groups it owns
/// are checked, and the report holds their findings, items and groups, before the findings of
/// elements are folded under their rows' (which `merge` does over all shards at once).
pub fn run_profiled(
    dataset: &Dataset,
    standard: Option<&Dataset>,
    config: &CheckConfig,
    prof: &mut Profile,
    keep_grouping: bool,
    shard: Shard,
) -> CheckReport {
    run_with(dataset, standard, config, prof, keep_grouping, shard)
}

fn run_with(
    dataset: &Dataset,
    standard: Option<&Dataset>,
    config: &CheckConfig,
    prof: &mut Profile,
    keep_grouping: bool,
    shard: Shard,
) -> CheckReport {
    let mut ctx = Ctx::new(dataset, standard, config);
    let grouping = group::build_ranked(dataset, standard, config, &ctx.item_place, &ctx.codes);
    prof.stage("group");
    if standard.is_none() {
        ctx.stamps = dataset.items.par_iter().map(|item| item.stamps()).collect();
    }
    let (std_findings, std_defects) = match standard {
        Some(std) => {
            let settings = ctx.settings();
            standard_defects(&ctx, std, &settings)
        }
        None => (Vec::new(), Vec::new()),
    };
    ctx.std_defects = std_defects;
    let ctx = ctx;
    let settings = ctx.settings();
    // The rules about one row run in the dataset's order, not group by group: a row's steps and
    // materials are then read where the loader put them, one after the other, instead of at a
    // random place per member (memory waits were most of the rules stage). Findings are sorted
    // at the end, so the order they are found in does not show.
    let names: Vec<Str> = grouping.groups.par_iter().map(|g| display_name(&ctx, g)).collect();
    let owned: Vec<bool> = grouping.groups.par_iter().map(|g| shard.owns(&g.key)).collect();
    let joined = &grouping.joined;
    const ROWS_PER_TASK: usize = 2048;
    let mut findings: Vec<Finding> = dataset
        .items
        .par_chunks(ROWS_PER_TASK)
        .enumerate()
        // One sink per run of chunks a thread takes (not per chunk): what it remembers (laws,
        // bases) serves many lists. Findings keep the rows' order.
        .fold(
            || Sink::new(&settings),
            |mut sink, (chunk, rows)| {
                for k in 0..rows.len() {
                    let i = chunk * ROWS_PER_TASK + k;
                    let gi = grouping.of_item[i];
                    if !owned[gi] {
                        continue;
                    }
                    let (how, sim) = joined[i];
                    let member = Member { item: i, how, sim };
                    check_member(&ctx, &grouping.groups[gi], &names[gi], &member, &mut sink);
                }
                sink
            },
        )
        .flat_map_iter(|sink| sink.findings)
        .collect();
    findings.extend(
        grouping
            .groups
            .par_iter()
            .zip(&names)
            .zip(&owned)
            .filter(|(_, &owned)| owned)
            .flat_map_iter(|((g, name), _)| {
                let mut sink = Sink::new(&settings);
                check_group(&ctx, g, name, &mut sink);
                sink.findings
            })
            .collect::<Vec<_>>(),
    );
    let mut sink = Sink::new(&settings);
    duplicates(&ctx, &grouping, &mut sink);
    findings.extend(sink.findings);
    findings.extend(std_findings);
    if shard != Shard::WHOLE {
        // The duplicates and the standard's own defects are found whole (they are cheap); each
        // is kept by the shard of its item, as every finding about an item of its groups is.
        findings.retain(|f| shard.owns_finding(f));
    }
    settle_within(&ctx, &grouping, &mut findings);
    prof.stage("rules");
    findings.par_sort_by(Finding::report_order);
    findings.dedup();
    if shard == Shard::WHOLE {
        // After the sort, so that the cause named is the first in the report's order.
        fold_element_findings(&mut findings);
    }
    prof.stage("sort findings");
    let (items, groups) = match shard == Shard::WHOLE {
        true => (dataset.items.len(), grouping.groups.len()),
        false => grouping
            .groups
            .iter()
            .zip(&owned)
            .filter(|(_, &o)| o)
            .fold((0, 0), |(i, g), (group, _)| (i + group.members.len(), g + 1)),
    };
    CheckReport {
        findings,
        items,
        jurisdictions: ctx.places.len(),
        groups,
        capped_name_lists: grouping.capped,
        with_standard: standard.is_some(),
        names: ctx
            .places
            .iter()
            .filter(|p| !p.name.is_empty())
            .map(|p| (p.code.clone(), p.name.clone()))
            .collect(),
        grouping: keep_grouping.then(|| std::sync::Arc::new(grouping)),
    }
}

fn subject<'a>(jurisdiction: &'a Str, g: &'a Group) -> Subject<'a> {
    Subject { jurisdiction: Some(jurisdiction), item: Some(&g.key), item_name: Some(&g.name) }
}

/// The name findings about group `g` show: the standard's item name as written, else the
/// group's reference name.
fn display_name(ctx: &Ctx, g: &Group) -> Str {
    let std_item = g.standard.and_then(|i| ctx.std.map(|s| &s.items[i]));
    std_item.map(|s| s.name.raw.trim().into()).unwrap_or(g.name.clone())
}

/// The rules about one row of group `g` (shown as `name`): its code and how it joined, the
/// within-row checks, and the comparisons with the standard's item.
fn check_member(ctx: &Ctx, g: &Group, name: &Str, member: &Member, sink: &mut Sink) {
    let ds = ctx.ds;
    let m = &ctx.config.matching;
    let std_item = g.standard.and_then(|i| ctx.std.map(|s| &s.items[i]));
    let item = &ds.items[member.item];
    // Borrowed: the shared texts are copied (a count on memory both threads touch) only
    // into the findings made.
    let subj = Subject {
        jurisdiction: Some(&item.jurisdiction),
        item: Some(&g.key),
        item_name: Some(name),
    };
    let level = ctx.item_level(member.item);
    let from_identity = sink.findings.len();
    match member.how {
        How::Name { sim } => {
            let source = match ctx.std {
                Some(_) => Source::Standard,
                None => {
                    let level = level.unwrap_or(Level::County);
                    let at_level = ctx.by_level.get(&level).map(Vec::as_slice).unwrap_or(&[]);
                    let held = holders(ctx, g);
                    Source::Peers {
                        agree: at_level.iter().filter(|&&p| held.has(p)).count(),
                        of: at_level.len(),
                        level,
                    }
                }
            };
            code::should_carry(sink, &subj, &item.code.norm, &item.name.raw, sim, source);
        }
        How::Code => {
            if g.known && member.sim < m.different_item_similarity {
                code::shared(sink, &subj, &g.key, &item.name.raw, name, member.sim);
            }
        }
    }
    // What the identity decision rested on, in its findings; a name match that is not certain
    // is a candidate (info), and the comparisons with its item follow from it.
    let mut fields_cause: Option<crate::model::Cause> = None;
    if let Some(s) = std_item {
        if matches!(member.how, How::Name { .. }) || member.sim < m.name_similarity {
            let (agreed, disagreed) = group::identity_evidence(item, s);
            let certain =
                member.sim >= m.certain_similarity || (agreed.len() >= 2 && disagreed.is_empty());
            let evidence = crate::model::Evidence {
                agreed,
                disagreed,
                name_score: Some((member.sim * 1000.0).round() as u32),
                agree_of: None,
                candidate: false,
            };
            sink.evidence_since(from_identity, &evidence);
            for f in &mut sink.findings[from_identity..] {
                let candidate = matches!(member.how, How::Name { .. }) && !certain;
                if candidate && f.caused_by.is_none() {
                    f.severity = Severity::Info;
                    if let Some(e) = f.evidence.as_deref_mut() {
                        e.candidate = true;
                    }
                }
                if candidate || f.rule == code::CODE_SHARED_BY_DIFFERENT_ITEMS.id {
                    fields_cause.get_or_insert_with(|| crate::model::Cause::of(f));
                }
            }
        }
    }
    if ctx.std.is_some() && !g.known {
        // A suggestion as far off as two unrelated items (below `different-item-similarity`,
        // e.g. 0.12) is noise, not help: none is named then.
        let closest =
            g.closest.filter(|&(_, s)| s >= m.different_item_similarity).and_then(|(i, s)| {
                ctx.std.map(|std| (&*std.items[i].code.norm, std.items[i].name.raw.trim(), s))
            });
        presence::unknown(sink, &subj, &item.name.raw, closest);
    }
    let joined_category = match member.how {
        How::Code if g.known => g.category,
        _ => None,
    };
    let from = sink.findings.len();
    within_rules(ctx, item, &subj, level, joined_category, sink);
    if let Some(s) = std_item {
        // The standard's own defect, copied: the row holds the standard's value, so the
        // finding is the standard's (reported once), not the jurisdiction's.
        let defects = g.standard.map(|si| ctx.std_defects[si].as_slice()).unwrap_or(&[]);
        if !defects.is_empty() {
            let tail = sink.findings.split_off(from);
            sink.findings.extend(tail.into_iter().filter(|f| {
                !(defects.contains(&(f.rule, f.field)) && copies_standard(f, item, s))
            }));
        }
    }
    if let (Some(s), Some(level)) = (std_item, level) {
        if !s.levels.levels.is_empty() && !s.levels.levels.contains(&level) {
            presence::at_level_not_given(sink, &subj, level, &s.levels.display());
        }
    }
    if let Some(s) = std_item {
        let cmp = Cmp {
            item,
            reference: s,
            source: Source::Standard,
            subject: subj,
            jurisdiction_norms: (&ctx.item_place(member.item).norm, &ctx.std_region_norm),
            part_similarity: m.part_similarity,
        };
        let from = sink.findings.len();
        for f in FIELDS {
            (f.compare)(sink, &cmp);
        }
        if let Some(cause) = &fields_cause {
            sink.caused_since(from, cause);
        }
    }
}

/// Element findings that follow from another finding of the row, folded under it: a row whose
/// 事项类型 is reported is checked for the elements of a category it is not (what it lacks or
/// holds follows from the category); a row without a code, or the second row of a code, cannot
/// be named by elements.csv, so its required elements are empty because of the code.
pub fn fold_element_findings(findings: &mut [Finding]) {
    use crate::rules::{code, elements};
    let is_cause = |f: &Finding| {
        f.caused_by.is_none()
            && (f.field == Field::Category
                || f.rule == code::CODE_MISSING.id
                || f.rule == code::DUPLICATE_CODE_IN_LIST.id)
    };
    let mut causes: FxHashMap<(Option<Str>, Option<Str>), (bool, crate::model::Cause)> =
        FxHashMap::default();
    for f in findings.iter().filter(|f| is_cause(f)) {
        let category = f.field == Field::Category;
        let key = (f.jurisdiction.clone(), f.item.clone());
        // The category explains every element finding; a code only the empty ones.
        match causes.get(&key) {
            Some((true, _)) => {}
            _ => {
                causes.insert(key, (category, crate::model::Cause::of(f)));
            }
        }
    }
    if causes.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.field == Field::Elements && f.caused_by.is_none()) {
        let Some((category, cause)) = causes.get(&(f.jurisdiction.clone(), f.item.clone())) else {
            continue;
        };
        if *category || f.rule == elements::REQUIRED_ELEMENT_EMPTY.id {
            f.caused_by = Some(Box::new(cause.clone()));
        }
    }
}

/// The checks within one row, needing no reference: its code(s), basis, limits, fee and
/// burden. Their findings are marked [`Scope::Within`] until the run settles whose they are.
fn within_rules(
    ctx: &Ctx,
    item: &crate::model::Item,
    subj: &Subject,
    level: Option<Level>,
    joined_category: Option<crate::model::Category>,
    sink: &mut Sink,
) {
    let from = sink.findings.len();
    code::within(sink, item, subj, level, joined_category, &ctx.config.layouts);
    crate::rules::basis::within(sink, item, subj, ctx.laws);
    crate::rules::limits::within(sink, item, subj);
    crate::rules::fee::within(sink, item, subj);
    crate::rules::burden::within(sink, item, subj);
    if !ctx.carries.is_empty() {
        let carries =
            item.category.is_some_and(|c| ctx.carries.contains(&(item.jurisdiction.clone(), c)));
        crate::rules::elements::within(sink, item, subj, &ctx.config.categories, carries);
    }
    for f in &mut sink.findings[from..] {
        f.scope = Scope::Within;
    }
}

/// The fields a within-row finding reads, beyond its own: a limit rule reads both limits and
/// the kind; a fee rule the flag and the amount (one field).
fn fields_read(f: &Finding) -> &'static [Field] {
    match f.field {
        Field::StatutoryLimit | Field::CommittedLimit | Field::Kind => {
            &[Field::StatutoryLimit, Field::CommittedLimit, Field::Kind]
        }
        Field::Code | Field::Category => &[Field::Code, Field::Category],
        Field::Basis => &[Field::Basis],
        Field::Fee => &[Field::Fee],
        Field::Visits => &[Field::Visits],
        Field::Intermediaries => &[Field::Intermediaries],
        Field::Steps | Field::Stamps => &[Field::Steps, Field::Stamps],
        Field::Materials => &[Field::Materials],
        Field::Elements => &[Field::Elements],
        _ => &[],
    }
}

/// True when `item` holds the standard item `s`'s values in every field finding `f` reads
/// (formatting aside): the row copies the standard's defect.
fn copies_standard(f: &Finding, item: &crate::model::Item, s: &crate::model::Item) -> bool {
    fields_read(f).iter().all(|&field| match field {
        Field::Code => item.code.norm == s.code.norm,
        _ => FIELDS
            .iter()
            .find(|c| c.field == field)
            .is_none_or(|c| (c.same)(item, s) || (c.key)(item, "") == (c.key)(s, "")),
    })
}

/// A defect of a standard item: the rule and the field of its finding.
type DefectKey = (&'static str, Field);

/// The standard's own defects: the within-row checks run on every standard item, once. Each
/// finding names the standard's jurisdiction and the item's code, with [`Scope::Standard`];
/// the second list gives, per standard item, the (rule, field) of its defects.
fn standard_defects(
    ctx: &Ctx,
    std: &Dataset,
    settings: &(dyn Fn(&crate::rules::Rule) -> RuleSetting + Sync),
) -> (Vec<Finding>, Vec<Vec<DefectKey>>) {
    let per_item: Vec<(Vec<Finding>, Vec<DefectKey>)> = std
        .items
        .par_iter()
        .map(|s| {
            let mut sink = Sink::new(settings);
            let key: &Str = if s.code.is_empty() { &s.name.norm } else { &s.code.norm };
            let name: Str = s.name.raw.trim().into();
            let subj = Subject {
                jurisdiction: Some(&s.jurisdiction),
                item: Some(key),
                item_name: Some(&name),
            };
            within_rules(ctx, s, &subj, None, s.category, &mut sink);
            let keys = sink.findings.iter().map(|f| (f.rule, f.field)).collect();
            for f in &mut sink.findings {
                f.scope = Scope::Standard;
            }
            (sink.findings, keys)
        })
        .collect();
    let mut findings = Vec::new();
    let mut keys = Vec::with_capacity(per_item.len());
    for (f, k) in per_item {
        findings.extend(f);
        keys.push(k);
    }
    (findings, keys)
}

/// Settles whose the within-row findings are. With a standard they are the rows' own (the
/// standard's copies were left out already). Without one, a defect (rule and field) that more
/// than the majority share of the jurisdictions carrying an item have, and at least two, is the
/// item's common form, not each list's fault: it is reported once, with no jurisdiction, as
/// [`Scope::Shared`], saying how many share it.
fn settle_within(ctx: &Ctx, grouping: &Grouping, findings: &mut Vec<Finding>) {
    let share = ctx.config.consensus.majority_share;
    if ctx.std.is_some() {
        for f in findings.iter_mut().filter(|f| f.scope == Scope::Within) {
            f.scope = Scope::Row;
        }
        return;
    }
    let mut within: Vec<usize> =
        (0..findings.len()).filter(|&i| findings[i].scope == Scope::Within).collect();
    if within.is_empty() {
        return;
    }
    let key = |f: &Finding| (f.item.clone(), f.rule, f.field);
    within.sort_by(|&a, &b| {
        key(&findings[a])
            .cmp(&key(&findings[b]))
            .then(findings[a].sort_key().cmp(&findings[b].sort_key()))
    });
    let mut drop = vec![false; findings.len()];
    let mut shared: Vec<Finding> = Vec::new();
    for run in within.chunk_by(|&a, &b| key(&findings[a]) == key(&findings[b])) {
        let first = &findings[run[0]];
        let Some(item) = first.item.as_deref() else { continue };
        let Ok(gi) = grouping.groups.binary_search_by(|g| (*g.key).cmp(item)) else { continue };
        let of = holders(ctx, &grouping.groups[gi]).list.len();
        let mut with: Vec<&str> =
            run.iter().filter_map(|&i| findings[i].jurisdiction.as_deref()).collect();
        with.sort_unstable();
        with.dedup();
        let n = with.len();
        if n < 2 || (n as f64) <= share * of as f64 {
            continue;
        }
        for &i in run {
            drop[i] = true;
        }
        let mut f = first.clone();
        f.jurisdiction = None;
        f.scope = Scope::Shared;
        f.evidence = Some(Box::new(crate::model::Evidence {
            agree_of: Some((n as u32, of as u32)),
            ..Default::default()
        }));
        shared.push(f);
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
    for f in findings.iter_mut().filter(|f| f.scope == Scope::Within) {
        f.scope = Scope::Row;
    }
    findings.extend(shared);
}

/// The rules about group `g` as a whole (shown as `name`): the peers' consensus without a
/// standard, and presence.
fn check_group(ctx: &Ctx, g: &Group, name: &Str, sink: &mut Sink) {
    let std_item = g.standard.and_then(|i| ctx.std.map(|s| &s.items[i]));
    if ctx.std.is_none() {
        // Without a standard the shown name is the group's own.
        peer_consensus(ctx, g, sink);
    }
    group_presence(ctx, g, name, std_item, sink);
}

/// Distinct jurisdictions holding the group, as places.
fn holders(ctx: &Ctx, g: &Group) -> Held {
    let mut mark = vec![false; ctx.places.len()];
    let mut list = Vec::new();
    for m in &g.members {
        let p = ctx.item_place[m.item];
        if !mark[p] {
            mark[p] = true;
            list.push(p);
        }
    }
    // In code order (places are sorted by code).
    list.sort_unstable();
    Held { mark, list }
}

/// The places holding a group: marked by place index, and listed in code order.
struct Held {
    mark: Vec<bool>,
    list: Vec<usize>,
}

impl Held {
    /// True when place `p` holds the group.
    fn has(&self, p: usize) -> bool {
        self.mark.get(p).copied().unwrap_or(false)
    }
}

/// Without a standard: per level, per field, the majority of peers is the reference; a small
/// minority is compared with it, an even split is one info finding.
fn peer_consensus(ctx: &Ctx, g: &Group, sink: &mut Sink) {
    let c = &ctx.config.consensus;
    // One vote per jurisdiction: a row listed twice (duplicate-code-in-list reports it) must not
    // outvote its peers; the first row in file order speaks for its list.
    // Members are sorted by jurisdiction: a new place starts a new voter.
    let mut voters: Vec<(usize, Option<Level>)> = Vec::with_capacity(g.members.len());
    let mut last: Option<usize> = None;
    for member in &g.members {
        let p = ctx.item_place[member.item];
        if last != Some(p) {
            voters.push((member.item, ctx.item_level(member.item)));
            last = Some(p);
        }
    }
    // The voters of a field and their positions per level are the same for every field but the
    // process ones, where a row with neither steps nor materials has none attached (e.g. its
    // code is missing, so steps.csv and materials.csv cannot name it): it abstains rather than
    // voting for an empty process. So does a row without any category element where the list
    // keeps them apart (elements.csv cannot name a row without a code). The sets are made once
    // per group.
    let electorate = |abstains: fn(&crate::model::Item) -> bool| {
        let mut field_voters: Vec<usize> = Vec::with_capacity(voters.len());
        let mut by_level: Vec<(Level, Vec<usize>)> = Vec::new();
        for &(i, level) in &voters {
            if abstains(&ctx.ds.items[i]) {
                continue;
            }
            let pos = field_voters.len();
            field_voters.push(i);
            let Some(level) = level else { continue };
            match by_level.iter_mut().find(|(l, _)| *l == level) {
                Some((_, v)) => v.push(pos),
                None => by_level.push((level, vec![pos])),
            }
        }
        by_level.sort_by_key(|(l, _)| *l);
        // Levels with too few peers of their own are compared with every jurisdiction carrying
        // the item (the standard's form is the same at every level).
        let mut few: Vec<usize> = Vec::new();
        for (_, positions) in &by_level {
            if positions.len() < c.min_peers {
                few.extend(positions.iter().map(|&p| field_voters[p]));
            }
        }
        few.sort_unstable();
        (field_voters, by_level, few)
    };
    let plain = electorate(|_| false);
    let process = electorate(|it| it.steps.is_empty() && it.materials.is_empty());
    let with_elements = match ctx.carries.is_empty() {
        true => None,
        false => Some(electorate(|it| it.elements.is_empty())),
    };
    let mut values = Values::default();
    let from = sink.findings.len();
    for f in FIELDS {
        if f.field == Field::Department && !sink.on(&crate::rules::item::DEPARTMENT_DIFFERS) {
            continue;
        }
        let (field_voters, by_level, few) = match f.field {
            Field::Steps | Field::Stamps | Field::Materials => &process,
            Field::Elements => with_elements.as_ref().unwrap_or(&plain),
            _ => &plain,
        };
        values.of(ctx, f, field_voters);
        for (level, positions) in by_level {
            if positions.len() >= c.min_peers {
                vote_and_compare(ctx, g, f, &values, positions, None, Some(*level), sink);
            }
        }
        // The fields every level must hold alike (同一事项、同一标准、上下对应) are compared
        // across levels down to two jurisdictions: a province and one city that differ on a
        // 法定时限 is a split to report, not too few peers to say anything.
        // Fields that legitimately vary by level (committed limit, visits, materials, ...)
        // are never compared between a province or city and the levels below: a county or
        // town level with too few peers of its own is compared with the counties and towns
        // carrying the item (one standard form at the grassroots), as before.
        if ACROSS_LEVELS.contains(&f.field) {
            if !few.is_empty() && field_voters.len() >= 2 {
                let all: Vec<usize> = (0..field_voters.len()).collect();
                vote_and_compare(ctx, g, f, &values, &all, Some(few), None, sink);
            }
        } else {
            let grassroots = |l: &Level| matches!(l, Level::County | Level::Town);
            let local: Vec<usize> = by_level
                .iter()
                .filter(|(l, _)| grassroots(l))
                .flat_map(|(_, positions)| positions.iter().copied())
                .collect();
            let few_local: Vec<usize> = by_level
                .iter()
                .filter(|(l, positions)| grassroots(l) && positions.len() < c.min_peers)
                .flat_map(|(_, positions)| positions.iter().map(|&p| field_voters[p]))
                .collect();
            if !few_local.is_empty() && local.len() >= c.min_peers {
                let mut few_local = few_local;
                few_local.sort_unstable();
                let mut local = local;
                local.sort_unstable();
                vote_and_compare(ctx, g, f, &values, &local, Some(&few_local), None, sink);
            }
        }
    }
    // 上下对应: the fields every level must hold alike, each list against its parent's.
    for f in FIELDS.iter().filter(|f| ACROSS_LEVELS.contains(&f.field)) {
        values.of(ctx, f, &plain.0);
        compare_with_parents(ctx, g, f, &values, from, sink);
    }
}

/// Without a standard, each list against its parent's (town against county, county against
/// city, city against province) on a field every level must hold alike, where the parent lists
/// the item: when most of a parent's children that list it agree on another value, the parent
/// is reported once against them; otherwise each child differing from its parent is reported
/// against the parent's list. A (jurisdiction, field) the peers' consensus already reported
/// (findings of this group from `from` on), or a field it found split, is not reported again.
fn compare_with_parents(
    ctx: &Ctx,
    g: &Group,
    f: &consensus::FieldCheck,
    values: &Values,
    from: usize,
    sink: &mut Sink,
) {
    // Voter position of each place holding the item.
    let pos_of: FxHashMap<usize, usize> =
        values.items.iter().enumerate().map(|(pos, &i)| (ctx.item_place[i], pos)).collect();
    // Children positions per parent position, in vote order.
    let mut children: Vec<(usize, Vec<usize>)> = Vec::new();
    for (pos, &i) in values.items.iter().enumerate() {
        let Some(parent) = ctx.item_place(i).parent.as_deref() else { continue };
        let Some(&pp) = ctx.place_of.get(parent).and_then(|q| pos_of.get(q)) else { continue };
        match children.iter_mut().find(|(q, _)| *q == pp) {
            Some((_, v)) => v.push(pos),
            None => children.push((pp, vec![pos])),
        }
    }
    if children.is_empty() {
        return;
    }
    let mine = || sink.findings[from..].iter().filter(|x| x.field == f.field);
    // A split on the field (QD901, about no one jurisdiction) already names who holds what.
    if mine().any(|x| x.jurisdiction.is_none()) {
        return;
    }
    let reported: FxHashSet<&str> = mine().filter_map(|x| x.jurisdiction.as_deref()).collect();
    let reported: FxHashSet<Str> = reported.into_iter().map(Str::from).collect();
    let jur_norm = |i: usize| -> &str { &ctx.item_place(i).norm };
    let compare = |sink: &mut Sink, target: usize, reference: usize, source: Source| {
        let item = &ctx.ds.items[target];
        if reported.contains(&*item.jurisdiction) {
            return;
        }
        let cmp = Cmp {
            item,
            reference: &ctx.ds.items[reference],
            source,
            subject: subject(&item.jurisdiction, g),
            jurisdiction_norms: (jur_norm(target), jur_norm(reference)),
            part_similarity: ctx.config.matching.part_similarity,
        };
        (f.compare)(sink, &cmp);
    };
    for (pp, kids) in &children {
        let parent_key = values.kid[*pp];
        let differing: Vec<usize> =
            kids.iter().copied().filter(|&k| values.kid[k] != parent_key).collect();
        if differing.is_empty() {
            continue;
        }
        let parent_item = values.items[*pp];
        // A parent its peers already reported on the field is no reference for its children:
        // a child holding the peers' value would be blamed for its parent's fault.
        if reported.contains(&*ctx.ds.items[parent_item].jurisdiction) {
            continue;
        }
        let parent_place = ctx.item_place(parent_item);
        // The children's most common value, and how many hold it.
        let mut tally: Vec<(usize, usize)> = Vec::new();
        for &k in kids {
            match tally.iter_mut().find(|(key, _)| *key == values.kid[k]) {
                Some((_, n)) => *n += 1,
                None => tally.push((values.kid[k], 1)),
            }
        }
        tally.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let (top, agree) = tally[0];
        let child_level = ctx.item_level(values.items[kids[0]]);
        if top != parent_key && kids.len() >= 2 && agree * 2 > kids.len() {
            if let Some(level) = child_level {
                let rep = kids.iter().copied().find(|&k| values.kid[k] == top).unwrap_or(kids[0]);
                let source = Source::Children { agree, of: kids.len(), level };
                compare(sink, parent_item, values.items[rep], source);
                continue;
            }
        }
        let Some(level) = parent_place.level else { continue };
        for k in differing {
            let source = Source::Parent { code: parent_place.code.clone(), level };
            compare(sink, values.items[k], parent_item, source);
        }
    }
}

/// The fields that must be the same at every level: without a standard, levels with too few
/// peers of their own are compared with every jurisdiction carrying the item down to two of
/// them, and a tie is a split reported as a warning.
const ACROSS_LEVELS: [Field; 4] =
    [Field::Name, Field::Category, Field::Basis, Field::StatutoryLimit];

/// Most classes of equal values (`FieldCheck::same`) a peer's value is tested against before it
/// starts a class of its own: peers agree on a few values, and a hostile list of all-different
/// values must not cost a comparison per pair.
const MAX_CLASSES_SEARCHED: usize = 16;

/// One field's values among the voters of a group: each voter's value as an index into the
/// distinct keys, computed once per distinct value rather than once per voter.
#[derive(Default)]
struct Values {
    /// The voters (item indices), in vote order.
    items: Vec<usize>,
    /// Per voter, the index of its key in `keys`.
    kid: Vec<usize>,
    /// The distinct keys, sorted (so comparing indices compares keys).
    keys: Vec<String>,
    /// The class of each value number (`FieldCheck::ident`) met so far.
    seen: FxHashMap<u128, usize>,
}

impl Values {
    /// Classes `voters` by `f.same`, builds one key per class and numbers the distinct keys in
    /// sorted order.
    fn of(&mut self, ctx: &Ctx, f: &consensus::FieldCheck, voters: &[usize]) {
        let items = &ctx.ds.items;
        self.items.clear();
        self.items.extend_from_slice(voters);
        self.kid.clear();
        // Any split of the voters into classes of equal keys gives the same numbering below:
        // a value number met before names its class without reading the value; otherwise the
        // value is compared with the classes' first voters (`same`).
        let mut reps: Vec<usize> = Vec::new();
        self.seen.clear();
        for &i in voters {
            let ident = match f.field {
                Field::Stamps => Ident::Exact(u128::from(
                    ctx.stamps.get(i).copied().unwrap_or_else(|| items[i].stamps()),
                )),
                _ => (f.ident)(&items[i]),
            };
            let known = match ident {
                Ident::Shared(n) | Ident::Exact(n) => self.seen.get(&n).copied(),
                Ident::Unknown => None,
            };
            let class = match known {
                Some(class) => class,
                None => {
                    let found = match ident {
                        Ident::Exact(_) => None,
                        _ => reps
                            .iter()
                            .take(MAX_CLASSES_SEARCHED)
                            .position(|&r| (f.same)(&items[r], &items[i])),
                    };
                    let class = found.unwrap_or_else(|| {
                        reps.push(i);
                        reps.len() - 1
                    });
                    if let Ident::Shared(n) | Ident::Exact(n) = ident {
                        self.seen.insert(n, class);
                    }
                    class
                }
            };
            self.kid.push(class);
        }
        let jur_name = |i: usize| -> &str { &ctx.item_place(i).name };
        let class_keys: Vec<String> =
            reps.iter().map(|&r| (f.key)(&items[r], jur_name(r))).collect();
        // Classes with equal keys (which `same` may not have seen) become one value.
        let mut order: Vec<usize> = (0..class_keys.len()).collect();
        order.sort_by(|&a, &b| class_keys[a].cmp(&class_keys[b]));
        let mut kid_of_class = vec![0; class_keys.len()];
        self.keys.clear();
        for &class in &order {
            if self.keys.last() != Some(&class_keys[class]) {
                self.keys.push(class_keys[class].clone());
            }
            kid_of_class[class] = self.keys.len() - 1;
        }
        for k in &mut self.kid {
            *k = kid_of_class[*k];
        }
    }
}

/// Counts the values of the voters at `positions` (into `values`) of one field; a minority
/// among `targets` (sorted item indices; all voters when `None`) is compared with the majority,
/// an even split (at one level) is one info finding.
#[allow(clippy::too_many_arguments)]
fn vote_and_compare(
    ctx: &Ctx,
    g: &Group,
    f: &consensus::FieldCheck,
    values: &Values,
    positions: &[usize],
    targets: Option<&[usize]>,
    level: Option<Level>,
    sink: &mut Sink,
) {
    let c = &ctx.config.consensus;
    // Per key index: (voters holding it, first voter holding it).
    let mut counts: Vec<(usize, usize)> = vec![(0, 0); values.keys.len()];
    for &p in positions {
        let e = &mut counts[values.kid[p]];
        if e.0 == 0 {
            e.1 = p;
        }
        e.0 += 1;
    }
    let mut tally: Vec<(usize, usize)> =
        counts.iter().enumerate().filter(|(_, e)| e.0 > 0).map(|(k, e)| (k, e.0)).collect();
    let first_with = |k: usize| counts[k].1;
    let count_of = |k: usize| counts[k].0;
    let across = level.is_none() && ACROSS_LEVELS.contains(&f.field);
    let min_peers = if across { 2 } else { c.min_peers };
    match decide(&mut tally, positions.len(), c.majority_share, min_peers) {
        Decision::Nothing => {}
        Decision::Split { of } if across => {
            let values_held: Vec<(String, Vec<Str>)> = tally
                .iter()
                .map(|&(k, _)| {
                    let mut held: Vec<Str> = positions
                        .iter()
                        .filter(|&&p| values.kid[p] == k)
                        .map(|&p| ctx.ds.items[values.items[p]].jurisdiction.clone())
                        .collect();
                    held.sort();
                    held.dedup();
                    (ctx.ds.items[values.items[first_with(k)]].field_text(f.field), held)
                })
                .collect();
            let subj = Subject { jurisdiction: None, item: Some(&g.key), item_name: Some(&g.name) };
            crate::rules::item::split_across_levels(sink, f.field, &subj, of, &values_held);
        }
        Decision::Split { of } => {
            let Some(level) = level else { return };
            let shown: Vec<(String, usize)> = tally
                .iter()
                .map(|&(k, n)| (ctx.ds.items[values.items[first_with(k)]].field_text(f.field), n))
                .collect();
            let subj = Subject { jurisdiction: None, item: Some(&g.key), item_name: Some(&g.name) };
            crate::rules::item::split(sink, f.field, &subj, level, of, &shown);
        }
        Decision::Majority { agree, of } => {
            let top = tally[0].0;
            let rep = values.items[first_with(top)];
            let jur_norm = |i: usize| -> &str { &ctx.item_place(i).norm };
            for &p in positions {
                let (k, i) = (values.kid[p], values.items[p]);
                if k == top
                    || (!across && !is_minority(count_of(k), of, c.minority_share))
                    || targets.is_some_and(|t| t.binary_search(&i).is_err())
                {
                    continue;
                }
                let item = &ctx.ds.items[i];
                let source = match level {
                    Some(level) => Source::Peers { agree, of, level },
                    None => Source::Region { agree, of },
                };
                let cmp = Cmp {
                    item,
                    reference: &ctx.ds.items[rep],
                    source,
                    subject: subject(&item.jurisdiction, g),
                    jurisdiction_norms: (jur_norm(i), jur_norm(rep)),
                    part_similarity: ctx.config.matching.part_similarity,
                };
                (f.compare)(sink, &cmp);
            }
        }
    }
}

/// The presence rules for group `g` (shown as `name`): the places holding it, and the standard's
/// levels or the peers' shares, handed to `rules::presence::item`.
fn group_presence(
    ctx: &Ctx,
    g: &Group,
    name: &Str,
    std_item: Option<&crate::model::Item>,
    sink: &mut Sink,
) {
    if !g.known {
        return;
    }
    let reference = match std_item {
        Some(s) => presence::Reference::Standard(&s.levels.levels),
        None if ctx.std.is_none() => {
            let c = &ctx.config.consensus;
            presence::Reference::Peers(presence::Shares {
                min_peers: c.min_peers,
                majority_share: c.majority_share,
                minority_share: c.minority_share,
            })
        }
        // Unknown to the standard (QD002 says so): no presence to decide.
        None => presence::Reference::Standard(&[]),
    };
    let held = holders(ctx, g);
    presence::item(sink, ctx, &g.key, name, &held.list, &|p| held.has(p), reference);
}

impl presence::Places for Ctx<'_> {
    fn at_level(&self, level: Level) -> &[usize] {
        self.by_level.get(&level).map(Vec::as_slice).unwrap_or(&[])
    }

    fn code(&self, p: usize) -> &Str {
        &self.places[p].code
    }

    fn level(&self, p: usize) -> Option<Level> {
        self.places[p].level
    }

    fn parent(&self, p: usize) -> Option<&Str> {
        self.places[p].parent.as_ref()
    }

    fn find(&self, code: &str) -> Option<usize> {
        self.place_of.get(code).copied()
    }

    fn level_of(&self, code: &str) -> Option<Level> {
        Ctx::level(self, code)
    }
}

/// The first 16 bytes of `s` as a big-endian number (zero-padded): comparing these numbers
/// orders as comparing the strings does, up to ties that the strings then break.
fn prefix16(s: &str) -> u128 {
    let mut b = [0u8; 16];
    for (d, &x) in b.iter_mut().zip(s.as_bytes()) {
        *d = x;
    }
    u128::from_be_bytes(b)
}

/// The same code twice in one list: reported on the rows that, by name, are another item (they
/// carry the wrong code), or once on the code when all rows are the same item.
fn duplicates(ctx: &Ctx, grouping: &Grouping, sink: &mut Sink) {
    // Sorting (place, code, row) and scanning runs finds the same duplicates, in the same order,
    // as a map of lists, without a list allocated for each of a province's items (perf: the map
    // was ~6% of a province check). Places are numbered in code order, and the code's first 16
    // bytes as a big-endian number order as the code does, so most comparisons are of integers.
    // Codes read as numbers once already (`ItemCodes`) are not read again; only the rare long
    // code is, and sorts by its text after the numbers equal to its first 16 bytes.
    let codes = &ctx.codes;
    let mut rows: Vec<(usize, u128, Option<&str>, usize)> = (0..ctx.ds.items.len())
        .into_par_iter()
        .filter_map(|i| {
            let num = codes.num.get(i).copied().unwrap_or(group::ItemCodes::LONG);
            match num {
                0 => None,
                group::ItemCodes::LONG => {
                    let norm: &str = &ctx.ds.items[i].code.norm;
                    Some((ctx.item_place[i], prefix16(norm), Some(norm), i))
                }
                n => Some((ctx.item_place[i], n, None, i)),
            }
        })
        .collect();
    rows.par_sort_unstable();
    let mut dups: Vec<((&Str, &str), Vec<usize>)> = Vec::new();
    for run in rows.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2) {
        if let [first, _, ..] = run {
            let code: &str = &ctx.ds.items[first.3].code.norm;
            dups.push(((&ctx.places[first.0].code, code), run.iter().map(|r| r.3).collect()));
        }
    }
    for ((jurisdiction, code_norm), items) in dups {
        let rows: Vec<code::CodeRow> = items
            .iter()
            .map(|&i| {
                let gi = grouping.of_item[i];
                let g = &grouping.groups[gi];
                let item = &ctx.ds.items[i];
                code::CodeRow {
                    group: gi,
                    key: &g.key,
                    name: &g.name,
                    variant: g.variant.is_some(),
                    tag: group::handling_tag(item, &ctx.config.layouts),
                    number: group::handling_number(item, &ctx.config.layouts),
                    variant_name: group::handling_name(item),
                    department: &item.department.norm,
                    implementation: item.implementation_code.as_ref().map(|c| &*c.norm),
                    row_name: &item.name.raw,
                }
            })
            .collect();
        code::duplicates(sink, jurisdiction, code_norm, &rows);
    }
}

#[cfg(test)]
mod tests;
