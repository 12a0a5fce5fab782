//! What goes where: the jurisdictions of the region, which standard items each level implements,
//! and the plan of faults, noise and version-2 changes (decided once, sequentially, from the
//! seed, so that rendering can run in parallel and still be deterministic).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;

use super::elements::ElementFault;
use super::form::{Form, Limit, Unit};
use super::standard::{build_form, PoolEntry};
use super::vocab::*;
use crate::model::{Field, Level};

/// One jurisdiction of the region.
#[derive(Debug, Clone)]
pub(crate) struct Jur {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: String,
    /// For a county: the indexes of its towns.
    pub towns: Vec<usize>,
}

/// Builds the cities, counties and towns, ordered by division code.
pub(crate) fn jurisdictions(
    seed: u64,
    cities: usize,
    counties: usize,
    towns_per_county: usize,
) -> Vec<Jur> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6a75_7200);
    let cities = cities.clamp(1, CITIES.len());
    let mut out: Vec<Jur> = Vec::new();
    let mut used_names = std::collections::HashSet::new();
    let make_name =
        |rng: &mut ChaCha8Rng, suffix: &str, used: &mut std::collections::HashSet<String>| loop {
            let a = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
            let b = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
            let name = format!("{a}{b}{suffix}");
            if a != b && used.insert(name.clone()) {
                return name;
            }
        };
    for (c, (city_code, city_name)) in CITIES.iter().take(cities).enumerate() {
        used_names.insert(city_name.to_string());
        out.push(Jur {
            code: city_code.to_string(),
            name: city_name.to_string(),
            level: Level::City,
            parent: "450000".to_string(),
            towns: Vec::new(),
        });
        // Counties spread over the cities, the first ones taking the remainder.
        let n = counties / cities + usize::from(c < counties % cities);
        for k in 0..n.min(97) {
            let prefix = city_code.get(..4).unwrap_or("4501");
            let code = format!("{prefix}{:02}", k + 2);
            let name = match (c, NANNING_COUNTIES.get(k)) {
                (0, Some(real)) if used_names.insert(real.to_string()) => real.to_string(),
                _ => {
                    let suffix = if rng.random_range(0..3u32) == 0 { "区" } else { "县" };
                    make_name(&mut rng, suffix, &mut used_names)
                }
            };
            let county_idx = out.len();
            let district = name.ends_with('区');
            out.push(Jur {
                code: code.clone(),
                name,
                level: Level::County,
                parent: city_code.to_string(),
                towns: Vec::new(),
            });
            let mut town_names = std::collections::HashSet::new();
            for t in 0..towns_per_county.min(999) {
                let suffix = match (district, rng.random_range(0..4u32)) {
                    (true, 0..=2) => "街道",
                    (_, 0) => "乡",
                    _ => "镇",
                };
                let tname = make_name(&mut rng, suffix, &mut town_names);
                let idx = out.len();
                out[county_idx].towns.push(idx);
                out.push(Jur {
                    code: format!("{code}{:03}", t + 1),
                    name: tname,
                    level: Level::Town,
                    parent: code.clone(),
                    towns: Vec::new(),
                });
            }
        }
    }
    out
}

/// The standard: canonical forms and, per level, the items that level implements.
pub(crate) struct Standard {
    pub forms: Vec<Form>,
    /// Items of each level, indexed by `level_index`.
    pub by_level: [Vec<usize>; 3],
}

/// City 0, county 1, town 2.
pub(crate) fn level_index(level: Level) -> usize {
    match level {
        Level::City | Level::Province => 0,
        Level::County => 1,
        Level::Town => 2,
    }
}

impl Standard {
    /// Builds a standard from the first entries of the pool: `county_items` items exercised at
    /// 县级 (of which `town_items` also at 镇级), plus a few 镇级-only and 市级-only ones.
    pub fn build(
        pool: &[PoolEntry],
        seed: u64,
        county_items: usize,
        town_items: usize,
    ) -> Standard {
        let town_only = if town_items >= 10 { (town_items / 20).max(1) } else { 0 };
        let town_both = town_items.saturating_sub(town_only).min(county_items);
        let city_only = (county_items / 20).max(1);
        let county_only = county_items * 3 / 10;
        let n = county_items + town_only + city_only;
        let mut roles: Vec<&'static str> = Vec::with_capacity(n);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7374_6400);
        for i in 0..town_both {
            roles.push(if i % 10 < 7 { "县级、镇级" } else { "市级、县级、镇级" });
        }
        roles.extend(std::iter::repeat_n("镇级", town_only));
        roles.extend(std::iter::repeat_n("市级", city_only));
        roles.extend(std::iter::repeat_n("县级", county_only.min(county_items - town_both)));
        while roles.len() < n {
            roles.push("市级、县级");
        }
        // Fisher–Yates with the seeded generator, so that roles do not follow the pool's order.
        for i in (1..roles.len()).rev() {
            let j = rng.random_range(0..=i);
            roles.swap(i, j);
        }
        let forms: Vec<Form> = pool
            .iter()
            .take(n)
            .zip(&roles)
            .enumerate()
            .map(|(i, (e, r))| build_form(e, r, seed, i))
            .collect();
        let mut by_level: [Vec<usize>; 3] = Default::default();
        for (i, f) in forms.iter().enumerate() {
            for (l, word) in ["市级", "县级", "镇级"].iter().enumerate() {
                if f.levels.contains(word) {
                    by_level[l].push(i);
                }
            }
        }
        Standard { forms, by_level }
    }
}

/// Every kind of deliberate fault (gen-contract.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum FaultKind {
    Missing,
    /// A town keeps an item its county lacks (planned together with the county's `Missing`).
    CountyLacks,
    WrongLevel,
    Unknown,
    NameDiffers,
    CodeMalformed,
    CodeCategoryDigits,
    DuplicateCode,
    CodeMissing,
    Category,
    BasisArticle,
    BasisMissingRef,
    BasisRepealed,
    StatutoryAmount,
    StatutoryUnit,
    CommittedOverStatutory,
    KindImmediate,
    FeeCharged,
    FeeContradiction,
    Visits,
    Intermediaries,
    ExtraStep,
    Stamps,
    ExtraMaterial,
}

impl FaultKind {
    /// The kinds placed on their own. Placing `CountyLacks` means a county's `Missing` on an
    /// item its towns also implement; the towns then carry `CountyLacks`.
    pub const PLACEABLE: [FaultKind; 24] = [
        FaultKind::Missing,
        FaultKind::CountyLacks,
        FaultKind::WrongLevel,
        FaultKind::Unknown,
        FaultKind::NameDiffers,
        FaultKind::CodeMalformed,
        FaultKind::CodeCategoryDigits,
        FaultKind::DuplicateCode,
        FaultKind::CodeMissing,
        FaultKind::Category,
        FaultKind::BasisArticle,
        FaultKind::BasisMissingRef,
        FaultKind::BasisRepealed,
        FaultKind::StatutoryAmount,
        FaultKind::StatutoryUnit,
        FaultKind::CommittedOverStatutory,
        FaultKind::KindImmediate,
        FaultKind::FeeCharged,
        FaultKind::FeeContradiction,
        FaultKind::Visits,
        FaultKind::Intermediaries,
        FaultKind::ExtraStep,
        FaultKind::Stamps,
        FaultKind::ExtraMaterial,
    ];

    /// Its name in truth.csv's `class` column (`gen --realistic`).
    pub fn class(self) -> &'static str {
        use FaultKind::*;
        match self {
            Missing => "missing",
            CountyLacks => "county-lacks",
            WrongLevel => "wrong-level",
            Unknown => "unknown",
            NameDiffers => "name-differs",
            CodeMalformed => "code-malformed",
            CodeCategoryDigits => "code-category-digits",
            DuplicateCode => "duplicate-code",
            CodeMissing => "code-missing",
            Category => "category",
            BasisArticle => "basis-article",
            BasisMissingRef => "basis-missing-ref",
            BasisRepealed => "basis-repealed",
            StatutoryAmount => "statutory-amount",
            StatutoryUnit => "statutory-unit",
            CommittedOverStatutory => "committed-over-statutory",
            KindImmediate => "kind-immediate",
            FeeCharged => "fee-charged",
            FeeContradiction => "fee-contradiction",
            Visits => "visits",
            Intermediaries => "intermediaries",
            ExtraStep => "extra-step",
            Stamps => "stamps",
            ExtraMaterial => "extra-material",
        }
    }

    /// The field a check reports it under.
    pub fn field(self) -> Field {
        use FaultKind::*;
        match self {
            Missing | CountyLacks | WrongLevel | Unknown => Field::Presence,
            NameDiffers => Field::Name,
            CodeMalformed | CodeCategoryDigits | DuplicateCode | CodeMissing => Field::Code,
            Category => Field::Category,
            BasisArticle | BasisMissingRef | BasisRepealed => Field::Basis,
            StatutoryAmount | StatutoryUnit => Field::StatutoryLimit,
            CommittedOverStatutory => Field::CommittedLimit,
            KindImmediate => Field::Kind,
            FeeCharged | FeeContradiction => Field::Fee,
            Visits => Field::Visits,
            Intermediaries => Field::Intermediaries,
            ExtraStep => Field::Steps,
            Stamps => Field::Stamps,
            ExtraMaterial => Field::Materials,
        }
    }

    /// Whether the fault can be put on an item of this canonical form.
    fn fits(self, f: &Form) -> bool {
        use FaultKind::*;
        match self {
            BasisMissingRef => f.refs.len() >= 2,
            StatutoryAmount => matches!(f.statutory, Limit::N(..)),
            StatutoryUnit => matches!(f.statutory, Limit::N(_, Unit::WorkDays)) && !f.immediate,
            CommittedOverStatutory => matches!(f.statutory, Limit::N(..)) && !f.immediate,
            KindImmediate => !f.immediate && matches!(f.committed, Limit::N(n, _) if n > 0),
            FeeCharged => !f.charged,
            BasisRepealed => !f.refs.is_empty(),
            _ => true,
        }
    }
}

/// Every kind of formatting-only noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NoiseKind {
    NameBrackets,
    NameSpace,
    StatutoryNumeral,
    StatutoryUnitWord,
    CommittedNumeral,
    CommittedUnitWord,
    FeeFreeWord,
    BasisNumerals,
    BasisPrefix,
}

impl NoiseKind {
    pub const ALL: [NoiseKind; 9] = [
        NoiseKind::NameBrackets,
        NoiseKind::NameSpace,
        NoiseKind::StatutoryNumeral,
        NoiseKind::StatutoryUnitWord,
        NoiseKind::CommittedNumeral,
        NoiseKind::CommittedUnitWord,
        NoiseKind::FeeFreeWord,
        NoiseKind::BasisNumerals,
        NoiseKind::BasisPrefix,
    ];

    /// Its name in truth.csv's `class` column (`gen --realistic`).
    pub fn class(self) -> &'static str {
        match self {
            NoiseKind::NameBrackets => "name-brackets",
            NoiseKind::NameSpace => "name-space",
            NoiseKind::StatutoryNumeral => "statutory-numeral",
            NoiseKind::StatutoryUnitWord => "statutory-unit-word",
            NoiseKind::CommittedNumeral => "committed-numeral",
            NoiseKind::CommittedUnitWord => "committed-unit-word",
            NoiseKind::FeeFreeWord => "fee-free-word",
            NoiseKind::BasisNumerals => "basis-numerals",
            NoiseKind::BasisPrefix => "basis-prefix",
        }
    }

    /// The field the noise touches.
    pub fn field(self) -> Field {
        match self {
            NoiseKind::NameBrackets | NoiseKind::NameSpace => Field::Name,
            NoiseKind::StatutoryNumeral | NoiseKind::StatutoryUnitWord => Field::StatutoryLimit,
            NoiseKind::CommittedNumeral | NoiseKind::CommittedUnitWord => Field::CommittedLimit,
            NoiseKind::FeeFreeWord => Field::Fee,
            NoiseKind::BasisNumerals | NoiseKind::BasisPrefix => Field::Basis,
        }
    }

    fn fits(self, f: &Form) -> bool {
        match self {
            NoiseKind::NameBrackets => f.name.contains('（'),
            NoiseKind::NameSpace => f.name.chars().count() >= 4,
            NoiseKind::StatutoryNumeral => matches!(f.statutory, Limit::N(..)),
            NoiseKind::StatutoryUnitWord => matches!(f.statutory, Limit::N(_, Unit::WorkDays)),
            NoiseKind::CommittedNumeral | NoiseKind::CommittedUnitWord => {
                matches!(f.committed, Limit::N(_, Unit::WorkDays))
            }
            NoiseKind::FeeFreeWord => f.fee == "不收费",
            NoiseKind::BasisNumerals => !f.refs.is_empty(),
            NoiseKind::BasisPrefix => f.refs.iter().any(|r| r.title.starts_with("中华人民共和国")),
        }
    }
}

/// A planned fault on one (jurisdiction, item).
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub kind: FaultKind,
    /// The replacement code for `CodeCategoryDigits` (checked to be no standard code) and
    /// `CodeMalformed`, unique among the faults.
    pub alt_code: Option<String>,
}

/// Rows added to a jurisdiction beyond its level's standard items.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Added {
    /// A standard item of another level (`WrongLevel`).
    WrongLevel(usize),
    /// An item unknown to the standard: an index into `Plan::unknown_forms`.
    Unknown(usize),
}

/// The plan of one jurisdiction.
#[derive(Debug, Clone, Default)]
pub(crate) struct JurPlan {
    pub faults: FxHashMap<usize, Fault>,
    pub noise: FxHashMap<usize, NoiseKind>,
    pub added: Vec<Added>,
    /// Faults of a standard item's category elements (on rows without another fault).
    pub element_faults: FxHashMap<usize, ElementFault>,
}

/// What version 2 does to one standard item.
#[derive(Debug, Clone)]
pub(crate) enum V2 {
    Unchanged,
    Removed,
    Recoded,
    Simplified,
    Regressed,
}

/// The whole plan.
pub(crate) struct Plan {
    pub jurs: Vec<JurPlan>,
    pub unknown_forms: Vec<Form>,
    /// Per standard item: its version-2 form (None when removed), what happened, and how many
    /// materials were reworded.
    pub v2: Vec<(Option<Form>, V2, u32)>,
    /// Items added in version 2.
    pub v2_added: Vec<Form>,
    /// Share of the rows whose elements are respelled (formatting-only noise).
    pub element_noise: f64,
}

/// Rates of faults and noise per (jurisdiction, item) row, beyond one of every kind.
pub(crate) struct Rates {
    pub fault: f64,
    pub noise: f64,
}

/// Plans faults, noise and version 2.
pub(crate) fn plan(
    seed: u64,
    jurs: &[Jur],
    std: &Standard,
    pool: &[PoolEntry],
    rates: &Rates,
    excluded: &[bool],
) -> Plan {
    // Items no fault or noise may touch (`gen --realistic`: the standard's own defects and its
    // 办理项 items); all false otherwise, so that the draws are the same as without it.
    let excluded_item = |item: usize| excluded.get(item).copied().unwrap_or(false);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x706c_616e);
    let mut jp: Vec<JurPlan> = vec![JurPlan::default(); jurs.len()];
    let mut level_jurs: [Vec<usize>; 3] = Default::default();
    for (i, j) in jurs.iter().enumerate() {
        level_jurs[level_index(j.level)].push(i);
    }
    // A fault may go on at most a third of the peers of one level for one (item, field), so that
    // the majority stays with the standard; levels with fewer than three peers get none.
    let caps: [usize; 3] = std::array::from_fn(|l| {
        if level_jurs[l].len() >= 3 {
            level_jurs[l].len() * 34 / 100
        } else {
            0
        }
    });
    let mut counts: FxHashMap<(usize, usize, Field), usize> = FxHashMap::default();
    let std_codes: std::collections::HashSet<&str> =
        std.forms.iter().map(|f| f.code.as_str()).collect();
    let mut unknown_forms: Vec<Form> = Vec::new();
    let mut faults = 0usize;
    // Reserve pool entries for version 2's added items.
    let v2_added_n = (std.forms.len() / 200).max(2);
    // Version 2's additions come from the end of the pool, never used by the standard.
    let pool_limit = pool.len().saturating_sub(v2_added_n);
    let mut code_missing_jurs = std::collections::HashSet::new();
    let mut used_codes: std::collections::HashSet<String> = std::collections::HashSet::new();

    let not_at_level: [Vec<usize>; 3] = std::array::from_fn(|l| {
        let mut at = vec![false; std.forms.len()];
        for &i in &std.by_level[l] {
            at[i] = true;
        }
        (0..std.forms.len()).filter(|&i| !at[i]).collect()
    });
    let both: Vec<usize> =
        std.by_level[2].iter().copied().filter(|i| std.by_level[1].contains(i)).collect();
    let eligible: Vec<usize> =
        (0..3).filter(|&l| caps[l] >= 1 && !std.by_level[l].is_empty()).collect();
    let mut try_place = |kind: FaultKind,
                         rng: &mut ChaCha8Rng,
                         jp: &mut Vec<JurPlan>,
                         counts: &mut FxHashMap<(usize, usize, Field), usize>,
                         unknown_forms: &mut Vec<Form>|
     -> usize {
        if eligible.is_empty() {
            return 0;
        }
        let town_item = kind == FaultKind::CountyLacks;
        let (kind, l) = match kind {
            FaultKind::CountyLacks if eligible.contains(&1) && eligible.contains(&2) => {
                (FaultKind::Missing, 1)
            }
            FaultKind::CountyLacks => return 0,
            _ => (kind, eligible[rng.random_range(0..eligible.len())]),
        };
        let peers = &level_jurs[l];
        let j = peers[rng.random_range(0..peers.len())];
        let field = kind.field();
        match kind {
            FaultKind::Unknown => {
                // Local items in turn; one may recur in a few jurisdictions (never more than a
                // third of a level), always with the same local code and content.
                let k = unknown_forms.len() % LOCAL_ITEMS.len();
                let key = (l, usize::MAX - k, field);
                let has = |a: &Added| matches!(a, Added::Unknown(u) if u % LOCAL_ITEMS.len() == k);
                if counts.get(&key).copied().unwrap_or(0) >= caps[l] || jp[j].added.iter().any(has)
                {
                    return 0;
                }
                *counts.entry(key).or_default() += 1;
                let (dept, category, name) = LOCAL_ITEMS[k];
                let code = format!("45{}{}{}W01", CATEGORIES[category].1, DEPTS[dept].dd, 900 + k);
                let entry = PoolEntry { dept, category, name: name.to_string(), code };
                let level_word = ["市级", "县级", "镇级"][l];
                let form = build_form(&entry, level_word, seed, 1_000_000 + k);
                jp[j].added.push(Added::Unknown(unknown_forms.len()));
                unknown_forms.push(form);
                return 1;
            }
            FaultKind::WrongLevel => {
                let others = &not_at_level[l];
                if others.is_empty() {
                    return 0;
                }
                let item = others[rng.random_range(0..others.len())];
                let key = (l, item, field);
                if counts.get(&key).copied().unwrap_or(0) >= caps[l]
                    || jp[j].faults.contains_key(&item)
                    || excluded_item(item)
                {
                    return 0;
                }
                *counts.entry(key).or_default() += 1;
                jp[j].faults.insert(item, Fault { kind, alt_code: None });
                jp[j].added.push(Added::WrongLevel(item));
                return 1;
            }
            _ => {}
        }
        // A county lacking a town item: draw among the items of both levels.
        let items = if town_item { &both } else { &std.by_level[l] };
        if items.is_empty() {
            return 0;
        }
        let item = items[rng.random_range(0..items.len())];
        let form = &std.forms[item];
        if jp[j].faults.contains_key(&item) || !kind.fits(form) || excluded_item(item) {
            return 0;
        }
        if counts.get(&(l, item, field)).copied().unwrap_or(0) >= caps[l] {
            return 0;
        }
        let mut alt_code = None;
        match kind {
            FaultKind::CodeMissing if code_missing_jurs.contains(&j) => return 0,
            // Wrong codes are distinct per row, so that no two rows share a wrong code and
            // group together apart from their item.
            FaultKind::CodeCategoryDigits => {
                let start = rng.random_range(0..CATEGORIES.len());
                alt_code = (0..CATEGORIES.len())
                    .map(|k| CATEGORIES[(start + k) % CATEGORIES.len()].1)
                    .filter(|tt| Some(*tt) != form.code.get(2..4))
                    .map(|tt| {
                        format!(
                            "{}{tt}{}",
                            form.code.get(..2).unwrap_or("00"),
                            form.code.get(4..).unwrap_or("")
                        )
                    })
                    .find(|c| !std_codes.contains(c.as_str()) && !used_codes.contains(c));
                if alt_code.is_none() {
                    return 0;
                }
            }
            FaultKind::CodeMalformed => {
                let c = &form.code;
                let short = |n: usize| c.get(..n).unwrap_or("").to_string();
                let candidates = [
                    short(11),
                    format!("{c}0"),
                    short(10),
                    format!("{c}1"),
                    c.get(1..).unwrap_or("").to_string(),
                    format!("0{c}"),
                    format!("{c}00"),
                    short(9),
                ];
                let start = rng.random_range(0..2usize);
                alt_code = candidates[start..]
                    .iter()
                    .chain(&candidates[..start])
                    .find(|x| !used_codes.contains(*x))
                    .cloned();
                if alt_code.is_none() {
                    return 0;
                }
            }
            _ => {}
        }
        // A county lacking an item its towns implement: the towns carry it without their county.
        let towns: Vec<usize> = if kind == FaultKind::Missing
            && jurs[j].level == Level::County
            && form.levels.contains("镇级")
        {
            let towns = jurs[j].towns.clone();
            let key = (2usize, item, Field::Presence);
            if towns.iter().any(|t| jp[*t].faults.contains_key(&item))
                || counts.get(&key).copied().unwrap_or(0) + towns.len() > caps[2]
            {
                return 0;
            }
            towns
        } else {
            Vec::new()
        };
        if kind == FaultKind::CodeMissing {
            code_missing_jurs.insert(j);
        }
        if let Some(c) = &alt_code {
            used_codes.insert(c.clone());
        }
        *counts.entry((l, item, field)).or_default() += 1;
        jp[j].faults.insert(item, Fault { kind, alt_code });
        let n = 1 + towns.len();
        for t in towns {
            *counts.entry((2, item, Field::Presence)).or_default() += 1;
            jp[t].faults.insert(item, Fault { kind: FaultKind::CountyLacks, alt_code: None });
        }
        n
    };

    // One of every kind first (a few attempts each), then faults at the rate.
    for kind in FaultKind::PLACEABLE {
        for _ in 0..400 {
            let n = try_place(kind, &mut rng, &mut jp, &mut counts, &mut unknown_forms);
            if n > 0 {
                faults += n;
                break;
            }
        }
    }
    let rows: usize = jurs.iter().map(|j| std.by_level[level_index(j.level)].len()).sum();
    let target = (rows as f64 * rates.fault) as usize;
    let mut attempts = 0usize;
    while faults < target && attempts < target * 20 + 100 {
        attempts += 1;
        let kind = FaultKind::PLACEABLE[rng.random_range(0..FaultKind::PLACEABLE.len())];
        // Unknown items and whole missing items are rarer than field faults in real lists.
        // A county lacking a town item puts a fault on every town of the county too.
        if matches!(kind, FaultKind::Unknown | FaultKind::DuplicateCode | FaultKind::Missing)
            && rng.random_range(0..3u32) != 0
            || kind == FaultKind::CountyLacks && rng.random_range(0..8u32) != 0
        {
            continue;
        }
        faults += try_place(kind, &mut rng, &mut jp, &mut counts, &mut unknown_forms);
    }

    // Noise on rows without a fault, every kind first, then at the rate (any level: formatting
    // never changes a consensus).
    let mut noise = 0usize;
    let place_noise = |kind: NoiseKind, rng: &mut ChaCha8Rng, jp: &mut Vec<JurPlan>| -> bool {
        let j = rng.random_range(0..jurs.len());
        let items = &std.by_level[level_index(jurs[j].level)];
        if items.is_empty() {
            return false;
        }
        let item = items[rng.random_range(0..items.len())];
        if jp[j].faults.contains_key(&item)
            || jp[j].noise.contains_key(&item)
            || !kind.fits(&std.forms[item])
            || excluded_item(item)
        {
            return false;
        }
        jp[j].noise.insert(item, kind);
        true
    };
    for kind in NoiseKind::ALL {
        for _ in 0..400 {
            if place_noise(kind, &mut rng, &mut jp) {
                noise += 1;
                break;
            }
        }
    }
    let target = (rows as f64 * rates.noise) as usize;
    let mut attempts = 0usize;
    while noise < target && attempts < target * 20 + 100 {
        attempts += 1;
        let kind = NoiseKind::ALL[rng.random_range(0..NoiseKind::ALL.len())];
        if place_noise(kind, &mut rng, &mut jp) {
            noise += 1;
        }
    }

    place_element_faults(seed, &mut jp, &level_jurs, std, &caps, rates.fault, &excluded_item);

    // Version 2: items touched by a fault anywhere are left as they are, so that every fault
    // stays where the truth says it is and differs from the standard as much as from its peers.
    let mut faulty = vec![false; std.forms.len()];
    for p in &jp {
        for item in p.faults.keys() {
            if let Some(f) = faulty.get_mut(*item) {
                *f = true;
            }
        }
    }
    // A few removals and recodings (among fault-free items) and regressions, then about half
    // of the rest simplified.
    let n = std.forms.len();
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..order.len()).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    let mut role = vec![0u8; n]; // 0 roll, 1 removed, 2 recoded, 3.. regressed (kind = role - 3)
    let quota = (n * 3 / 100).max(2);
    let mut removed = 0;
    let mut recoded = 0;
    let mut regressed = 0;
    for &i in &order {
        if !faulty[i] && removed < quota {
            role[i] = 1;
            removed += 1;
        } else if !faulty[i] && recoded < quota {
            role[i] = 2;
            recoded += 1;
        } else if !faulty[i] && regressed < (n * 4 / 100).max(3) {
            role[i] = 3 + (regressed % 3) as u8;
            regressed += 1;
        }
    }
    let mut v2 = Vec::with_capacity(n);
    for (i, form) in std.forms.iter().enumerate() {
        let mut r = ChaCha8Rng::seed_from_u64(
            seed ^ 0x7632_0000 ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D),
        );
        let entry = match role[i] {
            1 => (None, V2::Removed, 0),
            2 => {
                let mut f = form.clone();
                f.code = recode(&f.code);
                (Some(f), V2::Recoded, 0)
            }
            3..=5 => {
                let mut f = form.clone();
                regress(&mut f, u32::from(role[i] - 3));
                (Some(f), V2::Regressed, 0)
            }
            _ if !faulty[i] && r.random_range(0..100u32) < 50 => {
                let mut f = form.clone();
                let reworded = simplify(&mut f, &mut r);
                (Some(f), V2::Simplified, reworded)
            }
            _ => (Some(form.clone()), V2::Unchanged, 0),
        };
        v2.push(entry);
    }
    let levels_cycle = ["市级、县级", "县级", "县级、镇级"];
    let v2_added: Vec<Form> = (0..v2_added_n)
        .filter_map(|k| {
            let idx = pool_limit + k;
            pool.get(idx).map(|e| build_form(e, levels_cycle[k % levels_cycle.len()], seed, idx))
        })
        .collect();
    let _ = (faults, noise);
    let element_noise = (rates.noise * 3.0).min(0.3);
    Plan { jurs: jp, unknown_forms, v2, v2_added, element_noise }
}

/// Faults of the category elements, from a random stream of their own (the other draws stay as
/// they were before elements existed): one of every kind first, then about half the fault rate,
/// on rows without another fault, at most a third of a level's peers per item (the majority
/// stays with the standard, as for the other faults).
fn place_element_faults(
    seed: u64,
    jp: &mut [JurPlan],
    level_jurs: &[Vec<usize>; 3],
    std: &Standard,
    caps: &[usize; 3],
    rate: f64,
    excluded: &dyn Fn(usize) -> bool,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x656c_656d);
    let levels: Vec<usize> = (0..3)
        .filter(|&l| caps[l] >= 1 && !std.by_level[l].is_empty() && !level_jurs[l].is_empty())
        .collect();
    if levels.is_empty() {
        return;
    }
    let mut counts: FxHashMap<(usize, usize), usize> = FxHashMap::default();
    let mut place = |kind: Option<ElementFault>, rng: &mut ChaCha8Rng, jp: &mut [JurPlan]| {
        let l = levels[rng.random_range(0..levels.len())];
        let j = level_jurs[l][rng.random_range(0..level_jurs[l].len())];
        let items = &std.by_level[l];
        let item = items[rng.random_range(0..items.len())];
        let spec = &std.forms[item].elements;
        // Peers without the row, or whose row elements.csv cannot name, do not vote: they count
        // against the third too.
        let absent = level_jurs[l]
            .iter()
            .filter(|&&p| {
                let kind = jp[p].faults.get(&item).map(|f| f.kind);
                matches!(kind, Some(FaultKind::Missing | FaultKind::CodeMissing))
            })
            .count();
        let count = counts.get(&(l, item)).copied().unwrap_or(0);
        if spec.is_empty()
            || excluded(item)
            || count + absent >= caps[l]
            || jp[j].faults.contains_key(&item)
            || jp[j].noise.contains_key(&item)
            || jp[j].element_faults.contains_key(&item)
        {
            return false;
        }
        let kind = match kind {
            Some(k) if k.fits(spec) => k,
            Some(_) => return false,
            None => {
                let fitting: Vec<ElementFault> =
                    ElementFault::ALL.into_iter().filter(|k| k.fits(spec)).collect();
                if fitting.is_empty() {
                    return false;
                }
                fitting[rng.random_range(0..fitting.len())]
            }
        };
        *counts.entry((l, item)).or_default() += 1;
        jp[j].element_faults.insert(item, kind);
        true
    };
    let mut placed = 0usize;
    for kind in ElementFault::ALL {
        for _ in 0..400 {
            if place(Some(kind), &mut rng, jp) {
                placed += 1;
                break;
            }
        }
    }
    let rows: usize = (0..3).map(|l| level_jurs[l].len() * std.by_level[l].len()).sum();
    let target = (rows as f64 * rate / 2.0) as usize;
    let mut attempts = 0usize;
    while placed < target && attempts < target * 20 + 100 {
        attempts += 1;
        if place(None, &mut rng, jp) {
            placed += 1;
        }
    }
}

/// A new code for the same item: the main-item digits moved up by 500 (never used otherwise).
fn recode(code: &str) -> String {
    let mmm: u32 = code.get(6..9).and_then(|s| s.parse().ok()).unwrap_or(0);
    format!(
        "{}{:03}{}",
        code.get(..6).unwrap_or(""),
        (mmm + 500) % 1000,
        code.get(9..).unwrap_or("")
    )
}

/// A simplification round on one item: some of the measures DATA.md counts get smaller, and
/// materials may be reworded. Returns how many materials were reworded.
fn simplify(f: &mut Form, r: &mut ChaCha8Rng) -> u32 {
    let mut reworded = 0;
    let mut did = false;
    for attempt in 0..2 {
        if r.random_range(0..3u32) == 0 && f.steps.len() >= 4 {
            // Merge the review into the decision: the middle step disappears.
            let k = f.steps.len() / 2;
            f.steps.remove(k);
            did = true;
        }
        if r.random_range(0..3u32) == 0 {
            let removable: Vec<usize> = (0..f.materials.len())
                .filter(|&k| {
                    f.materials[k].required
                        && !REWORDINGS.iter().any(|(a, _)| *a == f.materials[k].name)
                })
                .collect();
            if removable.len() >= 2 {
                f.materials.remove(removable[removable.len() - 1]);
                did = true;
            }
        }
        if r.random_range(0..3u32) == 0 {
            for m in &mut f.materials {
                if let Some((_, new)) = REWORDINGS.iter().find(|(old, _)| *old == m.name) {
                    m.name = new.to_string();
                    reworded += 1;
                    did = true;
                }
            }
        }
        if r.random_range(0..3u32) == 0 {
            if let Limit::N(n, Unit::WorkDays) = f.committed {
                if n >= 2 {
                    f.committed = Limit::N(n / 2, Unit::WorkDays);
                    did = true;
                }
            }
        }
        if r.random_range(0..4u32) == 0 && f.visits > 0 {
            f.visits -= 1;
            did = true;
        }
        if !f.intermediaries.is_empty() && r.random_range(0..2u32) == 0 {
            f.intermediaries.clear();
            did = true;
        }
        if f.charged && r.random_range(0..2u32) == 0 {
            f.charged = false;
            f.fee = "不收费".to_string();
            f.fee_basis.clear();
            did = true;
        }
        if did || attempt == 1 {
            break;
        }
    }
    if !did {
        // Always leave the round with something simpler: one fewer stamp on the decision.
        if let Some(s) = f.steps.iter_mut().rev().find(|s| s.stamps > 0) {
            s.stamps -= 1;
        }
    }
    f.refresh_texts();
    reworded
}

/// A regression: an added step or material, or a longer committed time.
fn regress(f: &mut Form, kind: u32) {
    match kind {
        0 => {
            let at = f.steps.len().min(1);
            f.steps.insert(
                at,
                super::form::Step {
                    name: "复核".to_string(),
                    limit: Limit::N(1, Unit::WorkDays),
                    stamps: 1,
                },
            );
        }
        1 => {
            let name = EXTRA_MATERIALS
                .iter()
                .find(|m| !f.materials.iter().any(|x| x.name == **m))
                .unwrap_or(&"情况说明");
            f.materials.push(super::form::Material {
                name: name.to_string(),
                required: true,
                copies: 1,
                stamped: false,
            });
        }
        _ => match f.committed {
            Limit::N(n, Unit::WorkDays) => f.committed = Limit::N(n + 2, Unit::WorkDays),
            _ => {
                f.steps.insert(
                    f.steps.len().min(1),
                    super::form::Step {
                        name: "复核".to_string(),
                        limit: Limit::N(1, Unit::WorkDays),
                        stamps: 1,
                    },
                );
            }
        },
    }
    f.refresh_texts();
}
