//! The data behind the human-readable check reports (html, xlsx), computed here so that the
//! renderers decide nothing: per item group with findings, its variant table per field (each
//! distinct normalised value, how many jurisdictions use it and which, the reference value
//! marked); the heatmap rows (jurisdictions × fields, grouped by city); each finding's department.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::{Dataset, Field, Item, Level, Severity, Str};

use super::consensus::FIELDS;
use super::group;
use super::{CheckConfig, CheckReport};

/// One distinct value of a field within an item group.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Variant {
    /// The value as written by the first jurisdiction (by code) using it.
    pub value: String,
    /// Jurisdictions using it.
    pub count: usize,
    /// Their codes, sorted.
    pub jurisdictions: Vec<Str>,
    /// True for the standard's value (with --standard) or the most common value (without).
    pub reference: bool,
}

/// The variants of one field.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FieldTable {
    pub field: Field,
    /// The category element the table is about (`field` is then `Elements`).
    pub element: Option<Str>,
    /// Most used first; a reference value nobody uses is listed with count 0.
    pub variants: Vec<Variant>,
}

/// The variant tables of one item group that has findings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ItemTable {
    /// The group key (the `item` of its findings).
    pub item: Str,
    /// The reference name.
    pub name: Str,
    /// Findings about this item (consequences folded under their cause not counted).
    pub findings: usize,
    /// Jurisdictions carrying the item.
    pub members: usize,
    /// Jurisdictions with a finding about it.
    pub affected: usize,
    /// Its findings by severity: errors, warnings, infos.
    pub severity: [usize; 3],
    /// Only fields with findings.
    pub fields: Vec<FieldTable>,
}

/// The variant tables of one group a shard owns, and the departments of its members that have
/// findings (`check::variants::tables`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct GroupTables {
    /// The group's index in the run's grouping: tables are merged in that order.
    pub group: usize,
    pub table: ItemTable,
    pub departments: Vec<((Str, Str), Str)>,
}

/// One jurisdiction's row of the heatmap.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub code: Str,
    pub name: Str,
    /// The city it belongs to (itself for a city), or empty.
    pub city: Str,
    /// The nearest ancestor that is itself a row (a town's county, a county's city), or empty
    /// for a row at the top of the region tree.
    pub parent: Str,
    /// Its level, when jurisdictions.csv or the code says.
    pub level: Option<Level>,
    /// Findings per field, in `Field::ALL` order (here and below, consequences folded under
    /// their cause are not counted, as the summary does not count them).
    pub counts: Vec<usize>,
    /// The worst severity per field, in `Field::ALL` order (`None` where no finding).
    pub worst: Vec<Option<Severity>>,
    /// Findings by severity: errors, warnings, infos.
    pub severity: [usize; 3],
    pub total: usize,
}

/// One department line across the region (实施主体 without the jurisdiction's name in front).
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentRow {
    /// Empty when unknown.
    pub name: Str,
    /// Jurisdictions where it has findings.
    pub jurisdictions: usize,
    /// Distinct items with findings.
    pub items: usize,
    /// Errors, warnings, infos.
    pub severity: [usize; 3],
    pub total: usize,
}

/// Index into `[errors, warnings, infos]`.
pub fn severity_slot(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Worst first: more errors, then more warnings, then more infos.
fn worse(a: &[usize; 3], b: &[usize; 3]) -> std::cmp::Ordering {
    b[0].cmp(&a[0]).then(b[1].cmp(&a[1])).then(b[2].cmp(&a[2]))
}

/// Everything the html and xlsx renderers show beyond the findings.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub with_standard: bool,
    /// Sorted by item key.
    pub items: Vec<ItemTable>,
    /// Sorted by city, then code.
    pub heat: Vec<HeatRow>,
    /// Indices into `items`, the items that drift most first (by severity, then by the
    /// jurisdictions affected).
    pub top_items: Vec<usize>,
    /// Every department with findings, the worst first.
    pub by_department: Vec<DepartmentRow>,
    /// City code → name.
    pub cities: BTreeMap<Str, Str>,
    /// Department (实施主体, normalised, without the jurisdiction's name in front) of each
    /// (jurisdiction, item key) that has findings.
    pub departments: BTreeMap<(Str, Str), Str>,
}

impl View {
    /// The department of a finding's item, or "".
    pub fn department(&self, jurisdiction: &str, item: &str) -> &str {
        self.departments
            .get(&(Str::from(jurisdiction), Str::from(item)))
            .map(|s| &**s)
            .unwrap_or("")
    }
}

fn jurisdiction_name<'a>(ds: &'a Dataset, code: &str) -> &'a str {
    ds.jurisdiction(code).map(|j| &*j.name).unwrap_or("")
}

/// The city a jurisdiction belongs to: itself when a city, else the nearest city ancestor.
fn city_of(ds: &Dataset, code: &str) -> Option<Str> {
    let mut cur = ds.jurisdiction(code);
    let mut steps = 0;
    while let Some(j) = cur {
        if j.level == Level::City {
            return Some(j.code.clone());
        }
        steps += 1;
        if steps > 8 {
            break;
        }
        cur = j.parent.as_deref().and_then(|p| ds.jurisdiction(p));
    }
    // Without jurisdictions.csv: a county's city is its first four digits + "00".
    match Level::from_division_code(code) {
        Some(Level::County | Level::Town) => code.get(..4).map(|p| Str::from(format!("{p}00"))),
        Some(Level::City) => Some(code.into()),
        _ => None,
    }
}

/// Computes the view of `report` over `dataset` (and `standard`, as the check ran).
pub fn compute(
    dataset: &Dataset,
    standard: Option<&Dataset>,
    config: &CheckConfig,
    report: &CheckReport,
) -> View {
    let tables = tables(dataset, standard, config, report, crate::shard::Shard::WHOLE);
    assemble(&dataset.jurisdictions, standard.is_some(), report, tables)
}

/// The variant tables of the groups `shard` owns that have findings in `report`, in group order,
/// each with its members' departments (the counts of findings are filled in by [`assemble`],
/// after exceptions).
pub fn tables(
    dataset: &Dataset,
    standard: Option<&Dataset>,
    config: &CheckConfig,
    report: &CheckReport,
    shard: crate::shard::Shard,
) -> Vec<GroupTables> {
    // Fields with findings, per item key (approved findings too: their values are shown).
    let mut fields_of: BTreeMap<&str, Vec<Field>> = BTreeMap::new();
    // The category elements findings name, per item key: one variant table each.
    let mut elements_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in &report.findings {
        if let Some(item) = f.item.as_deref() {
            let v = fields_of.entry(item).or_default();
            if !v.contains(&f.field) {
                v.push(f.field);
            }
            if let Some(e) = f.element.as_deref() {
                let v = elements_of.entry(item).or_default();
                if !v.contains(&e) {
                    v.push(e);
                }
            }
        }
    }
    let built;
    let grouping = match report.grouping.as_deref() {
        Some(g) => g,
        None => {
            built = group::build(dataset, standard, config);
            &built
        }
    };
    let std_region = standard.and_then(|s| s.jurisdictions.first()).map(|j| &*j.name).unwrap_or("");
    // Departments are needed only where there are findings (a province item has 1,300
    // members, a few with findings).
    let wanted: FxHashSet<(&str, &str)> = report
        .findings
        .iter()
        .filter_map(|f| Some((f.jurisdiction.as_deref()?, f.item.as_deref()?)))
        .collect();
    // Each group's tables on its own thread; collected in group order, so the result is the
    // same whatever the thread count.
    let per_group = |(gi, g): (usize, &group::Group)| -> Option<GroupTables> {
        if !shard.owns(&g.key) {
            return None;
        }
        let fields = fields_of.get(&*g.key)?;
        let mut depts = Vec::new();
        for m in &g.members {
            let it = &dataset.items[m.item];
            if wanted.contains(&(&*it.jurisdiction, &*g.key)) {
                // Without the jurisdiction's name in front, so that 兴宁区市场监督管理局 and
                // 青秀区市场监督管理局 are one department line across the region.
                let j = jurisdiction_name(dataset, &it.jurisdiction);
                let d = Str::from(crate::rules::item::department_key(&it.department.raw, j));
                depts.push(((it.jurisdiction.clone(), g.key.clone()), d));
            }
        }
        let std_item = g.standard.and_then(|i| standard.map(|s| &s.items[i]));
        let mut tables = Vec::new();
        // The code first (the comparison keys of check's fields after it), as normalised codes.
        let code_key: fn(&Item, &str) -> String = |i, _| i.code.norm.to_string();
        let keyed = std::iter::once((Field::Code, code_key))
            .chain(FIELDS.iter().map(|fc| (fc.field, fc.key)));
        // The elements named by findings get a table each; the field's combined table otherwise.
        let mut named: Vec<&str> = elements_of.get(&*g.key).cloned().unwrap_or_default();
        named.sort_unstable();
        let per_element = named.iter().map(|&e| (Field::Elements, Some(e)));
        let keyed = keyed
            .flat_map(|(field, key_of)| {
                let split = field == Field::Elements && !named.is_empty();
                (!split).then_some((field, None, Some(key_of)))
            })
            .chain(per_element.map(|(f, e)| (f, e, None)));
        let element_of = |it: &Item, name: &str| -> (String, String) {
            match it.elements.iter().find(|x| &*x.name == name) {
                Some(x) => (x.value.key(), x.raw.to_string()),
                None => (String::new(), String::new()),
            }
        };
        for (field, element, key_of) in keyed {
            if !fields.contains(&field) {
                continue;
            }
            // Its comparison key and its text, of one row.
            let key_text = |it: &Item, region: &str| -> (String, String) {
                match (element, key_of) {
                    (Some(e), _) => element_of(it, e),
                    (None, Some(k)) => (k(it, region), it.field_text(field)),
                    (None, None) => (String::new(), String::new()),
                }
            };
            // key → (display, jurisdictions)
            let mut by_key: BTreeMap<String, (String, Vec<Str>)> = BTreeMap::new();
            for m in &g.members {
                let it = &dataset.items[m.item];
                let (key, text) = key_text(it, jurisdiction_name(dataset, &it.jurisdiction));
                let e = by_key.entry(key).or_insert_with(|| (text, Vec::new()));
                e.1.push(it.jurisdiction.clone());
            }
            let ref_key = std_item.map(|s| key_text(s, std_region).0);
            let mut variants: Vec<(String, Variant)> = by_key
                .into_iter()
                .map(|(k, (value, mut js))| {
                    js.sort();
                    js.dedup();
                    let count = js.len();
                    (k, Variant { value, count, jurisdictions: js, reference: false })
                })
                .collect();
            variants.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
            match (&ref_key, std_item) {
                (Some(rk), Some(s)) => match variants.iter_mut().find(|(k, _)| k == rk) {
                    Some((_, v)) => v.reference = true,
                    None => variants.push((
                        rk.clone(),
                        Variant {
                            value: key_text(s, std_region).1,
                            count: 0,
                            jurisdictions: Vec::new(),
                            reference: true,
                        },
                    )),
                },
                _ => {
                    if let Some((_, v)) = variants.first_mut() {
                        v.reference = true;
                    }
                }
            }
            tables.push(FieldTable {
                field,
                element: element.map(Str::from),
                variants: variants.into_iter().map(|(_, v)| v).collect(),
            });
        }
        let mut members: Vec<&str> =
            g.members.iter().map(|m| &*dataset.items[m.item].jurisdiction).collect();
        members.sort_unstable();
        members.dedup();
        let table = ItemTable {
            item: g.key.clone(),
            name: g.name.clone(),
            findings: 0,
            members: members.len(),
            affected: 0,
            severity: [0; 3],
            fields: tables,
        };
        Some(GroupTables { group: gi, table, departments: depts })
    };
    grouping.groups.par_iter().enumerate().filter_map(per_group).collect()
}

/// The view of `report` from the variant tables of its groups ([`tables`], of one run or of
/// every shard of it, in any order) and the jurisdictions of its dataset.
pub fn assemble(
    jurisdictions: &[crate::model::Jurisdiction],
    with_standard: bool,
    report: &CheckReport,
    mut tables: Vec<GroupTables>,
) -> View {
    // The jurisdictions alone: what the heatmap's cities and parents are looked up in.
    let places = Dataset { jurisdictions: jurisdictions.to_vec(), ..Dataset::default() };
    let dataset = &places;
    // Findings per item; heat counts.
    let mut per_item: FxHashMap<&str, (usize, [usize; 3], Vec<&str>)> = FxHashMap::default();
    let mut heat: BTreeMap<Str, Tally> = BTreeMap::new();
    for j in &dataset.jurisdictions {
        heat.insert(j.code.clone(), Tally::default());
    }
    // A consequence is folded under its cause (counted once), and an approved deviation counts
    // for nothing: as the summary counts.
    for f in report.findings.iter().filter(|f| f.counts()) {
        let slot = severity_slot(f.severity);
        if let Some(item) = f.item.as_deref() {
            let e = per_item.entry(item).or_default();
            e.0 += 1;
            e.1[slot] += 1;
            if let Some(j) = f.jurisdiction.as_deref() {
                e.2.push(j);
            }
        }
        if let Some(j) = &f.jurisdiction {
            let row = heat.entry(j.clone()).or_default();
            row.severity[slot] += 1;
            if let Some(i) = Field::ALL.iter().position(|x| *x == f.field) {
                row.counts[i] += 1;
                row.worst[i] = row.worst[i].max(Some(f.severity));
            }
        }
    }
    // Per item: findings, by severity, jurisdictions affected.
    let per_item: FxHashMap<&str, (usize, [usize; 3], usize)> = per_item
        .into_iter()
        .map(|(k, (n, sev, mut js))| {
            js.sort_unstable();
            js.dedup();
            (k, (n, sev, js.len()))
        })
        .collect();
    tables.sort_by_key(|t| t.group);
    let mut items = Vec::with_capacity(tables.len());
    let mut departments = BTreeMap::new();
    for t in tables {
        for (k, d) in t.departments {
            // The first member of a jurisdiction in a group names its department.
            departments.entry(k).or_insert(d);
        }
        let mut table = t.table;
        let (findings, severity, affected) =
            per_item.get(&*table.item).copied().unwrap_or((0, [0; 3], 0));
        table.findings = findings;
        table.severity = severity;
        table.affected = affected;
        items.push(table);
    }
    items.sort_by(|a, b| a.item.cmp(&b.item));
    let mut top_items: Vec<usize> = (0..items.len()).collect();
    top_items.sort_by(|&a, &b| {
        let (x, y) = (&items[a], &items[b]);
        worse(&x.severity, &y.severity).then(y.affected.cmp(&x.affected)).then(a.cmp(&b))
    });
    // Department lines: department → (its jurisdictions, its items, findings by severity).
    type Line<'a> = (Vec<&'a str>, Vec<&'a str>, [usize; 3]);
    let mut depts: BTreeMap<&str, Line> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.counts()) {
        let j = f.jurisdiction.as_deref().unwrap_or("");
        let item = f.item.as_deref().unwrap_or("");
        let d = departments.get(&(Str::from(j), Str::from(item))).map(|s: &Str| &**s).unwrap_or("");
        let e = depts.entry(d).or_default();
        e.0.push(j);
        e.1.push(item);
        e.2[severity_slot(f.severity)] += 1;
    }
    let mut by_department: Vec<DepartmentRow> = depts
        .into_iter()
        .map(|(name, (mut js, mut its, severity))| {
            js.sort_unstable();
            js.dedup();
            its.sort_unstable();
            its.dedup();
            DepartmentRow {
                name: Str::from(name),
                jurisdictions: js.len(),
                items: its.len(),
                total: severity.iter().sum(),
                severity,
            }
        })
        .collect();
    by_department.sort_by(|a, b| worse(&a.severity, &b.severity).then(a.name.cmp(&b.name)));
    let mut cities = BTreeMap::new();
    let codes: Vec<Str> = heat.keys().cloned().collect();
    let mut rows: Vec<HeatRow> = heat
        .into_iter()
        .map(|(code, t)| {
            let city = city_of(dataset, &code).unwrap_or_else(|| Str::from(""));
            if !city.is_empty() {
                cities
                    .entry(city.clone())
                    .or_insert_with(|| Str::from(jurisdiction_name(dataset, &city)));
            }
            let name = report.names.get(&code).cloned().unwrap_or_else(|| Str::from(""));
            let total = t.counts.iter().sum();
            let parent = parent_row(dataset, &code, &city, &codes);
            let level = dataset
                .jurisdiction(&code)
                .map(|j| j.level)
                .or_else(|| Level::from_division_code(&code));
            HeatRow {
                code,
                name,
                city,
                parent,
                level,
                counts: t.counts,
                worst: t.worst,
                severity: t.severity,
                total,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.city.cmp(&b.city).then(a.code.cmp(&b.code)));
    View { with_standard, items, heat: rows, top_items, by_department, cities, departments }
}

/// One jurisdiction's counts while the findings are read.
struct Tally {
    counts: Vec<usize>,
    worst: Vec<Option<Severity>>,
    severity: [usize; 3],
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            counts: vec![0; Field::ALL.len()],
            worst: vec![None; Field::ALL.len()],
            severity: [0; 3],
        }
    }
}

/// The nearest ancestor of `code` among `rows` (sorted): the declared parent chain of
/// jurisdictions.csv first, then the code's own prefixes (a town's county, a county's city),
/// then its city. Empty at the top.
fn parent_row(ds: &Dataset, code: &str, city: &str, rows: &[Str]) -> Str {
    let is_row = |c: &str| c != code && rows.binary_search_by(|r| (**r).cmp(c)).is_ok();
    let mut cur = ds.jurisdiction(code).and_then(|j| j.parent.clone());
    let mut steps = 0;
    while let Some(p) = cur {
        if is_row(&p) {
            return p;
        }
        steps += 1;
        if steps > 8 {
            break;
        }
        cur = ds.jurisdiction(&p).and_then(|j| j.parent.clone());
    }
    if matches!(Level::from_division_code(code), Some(Level::Town)) {
        if let Some(county) = code.get(..6) {
            if is_row(county) {
                return Str::from(county);
            }
        }
    }
    if is_row(city) {
        return Str::from(city);
    }
    Str::from("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_generated_data() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let ds = crate::load::load(&root.join("region"), &Default::default()).unwrap();
        let std = crate::load::load(&root.join("standard"), &Default::default()).unwrap();
        let config = CheckConfig::load(None).unwrap();
        for standard in [None, Some(&std)] {
            let report = super::super::run(&ds, standard, &config);
            let view = compute(&ds, standard, &config, &report);
            assert!(!view.items.is_empty());
            for t in &view.items {
                for ft in &t.fields {
                    // Exactly one reference per field; every listed jurisdiction counted.
                    assert_eq!(ft.variants.iter().filter(|v| v.reference).count(), 1, "{t:?}");
                    for v in &ft.variants {
                        assert_eq!(v.count, v.jurisdictions.len());
                    }
                    let sum: usize = ft.variants.iter().map(|v| v.count).sum();
                    assert!(sum >= t.members, "{t:?}");
                    if standard.is_none() {
                        // Without a standard the reference is the most used value.
                        assert!(ft.variants[0].reference);
                    }
                }
            }
            assert_eq!(
                view.heat.iter().map(|r| r.total).sum::<usize>(),
                report.findings.iter().filter(|f| f.jurisdiction.is_some() && f.is_root()).count()
            );
            let by_sev: usize = view.heat.iter().map(|r| r.severity.iter().sum::<usize>()).sum();
            assert_eq!(by_sev, view.heat.iter().map(|r| r.total).sum::<usize>());
            let depts: usize = view.by_department.iter().map(|d| d.total).sum();
            assert_eq!(depts, report.findings.iter().filter(|f| f.is_root()).count());
            // Every county and town sits under the city 450100.
            assert!(view.heat.iter().all(|r| &*r.city == "450100"), "{:?}", view.heat);
        }
    }
}
