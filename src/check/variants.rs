//! The data behind the human-readable check reports (html, xlsx), computed here so that the
//! renderers decide nothing: per item group with findings, its variant table per field (each
//! distinct normalised value, how many jurisdictions use it and which, the reference value
//! marked); the heatmap rows (jurisdictions × fields, grouped by city); each finding's department.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::model::{Dataset, Field, Item, Level, Str};

use super::consensus::FIELDS;
use super::group;
use super::{CheckConfig, CheckReport};

/// One distinct value of a field within an item group.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct FieldTable {
    pub field: Field,
    /// Most used first; a reference value nobody uses is listed with count 0.
    pub variants: Vec<Variant>,
}

/// The variant tables of one item group that has findings.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTable {
    /// The group key (the `item` of its findings).
    pub item: Str,
    /// The reference name.
    pub name: Str,
    /// Findings about this item.
    pub findings: usize,
    /// Jurisdictions carrying the item.
    pub members: usize,
    /// Only fields with findings.
    pub fields: Vec<FieldTable>,
}

/// One jurisdiction's row of the heatmap.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    pub code: Str,
    pub name: Str,
    /// The city it belongs to (itself for a city), or empty.
    pub city: Str,
    /// Findings per field, in `Field::ALL` order.
    pub counts: Vec<usize>,
    pub total: usize,
}

/// Everything the html and xlsx renderers show beyond the findings.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub with_standard: bool,
    /// Sorted by item key.
    pub items: Vec<ItemTable>,
    /// Sorted by city, then code.
    pub heat: Vec<HeatRow>,
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
    // Fields with findings, per item key; findings per item; heat counts.
    let mut fields_of: BTreeMap<&str, Vec<Field>> = BTreeMap::new();
    let mut per_item: FxHashMap<&str, usize> = FxHashMap::default();
    let mut heat: BTreeMap<Str, Vec<usize>> = BTreeMap::new();
    for j in &dataset.jurisdictions {
        heat.insert(j.code.clone(), vec![0; Field::ALL.len()]);
    }
    for f in &report.findings {
        if let Some(item) = f.item.as_deref() {
            *per_item.entry(item).or_default() += 1;
            let v = fields_of.entry(item).or_default();
            if !v.contains(&f.field) {
                v.push(f.field);
            }
        }
        if let Some(j) = &f.jurisdiction {
            let row = heat.entry(j.clone()).or_insert_with(|| vec![0; Field::ALL.len()]);
            if let Some(i) = Field::ALL.iter().position(|x| *x == f.field) {
                row[i] += 1;
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
    let mut items = Vec::new();
    let mut departments = BTreeMap::new();
    for g in &grouping.groups {
        let Some(fields) = fields_of.get(&*g.key) else { continue };
        for m in &g.members {
            let it = &dataset.items[m.item];
            departments.entry((it.jurisdiction.clone(), g.key.clone())).or_insert_with(|| {
                // Without the jurisdiction's name in front, so that 兴宁区市场监督管理局 and
                // 青秀区市场监督管理局 are one department line across the region.
                let j = jurisdiction_name(dataset, &it.jurisdiction);
                Str::from(crate::rules::item::department_key(&it.department.raw, j))
            });
        }
        let std_item = g.standard.and_then(|i| standard.map(|s| &s.items[i]));
        let mut tables = Vec::new();
        // The code first (the comparison keys of check's fields after it), as normalised codes.
        let code_key: fn(&Item, &str) -> String = |i, _| i.code.norm.to_string();
        let keyed = std::iter::once((Field::Code, code_key))
            .chain(FIELDS.iter().map(|fc| (fc.field, fc.key)));
        for (field, key_of) in keyed {
            if !fields.contains(&field) {
                continue;
            }
            // key → (display, jurisdictions)
            let mut by_key: BTreeMap<String, (String, Vec<Str>)> = BTreeMap::new();
            for m in &g.members {
                let it = &dataset.items[m.item];
                let key = key_of(it, jurisdiction_name(dataset, &it.jurisdiction));
                let e = by_key.entry(key).or_insert_with(|| (it.field_text(field), Vec::new()));
                e.1.push(it.jurisdiction.clone());
            }
            let ref_key = std_item.map(|s| key_of(s, std_region));
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
                            value: s.field_text(field),
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
                variants: variants.into_iter().map(|(_, v)| v).collect(),
            });
        }
        let mut members: Vec<&str> =
            g.members.iter().map(|m| &*dataset.items[m.item].jurisdiction).collect();
        members.sort_unstable();
        members.dedup();
        items.push(ItemTable {
            item: g.key.clone(),
            name: g.name.clone(),
            findings: per_item.get(&*g.key).copied().unwrap_or(0),
            members: members.len(),
            fields: tables,
        });
    }
    items.sort_by(|a, b| a.item.cmp(&b.item));
    let mut cities = BTreeMap::new();
    let mut rows: Vec<HeatRow> = heat
        .into_iter()
        .map(|(code, counts)| {
            let city = city_of(dataset, &code).unwrap_or_else(|| Str::from(""));
            if !city.is_empty() {
                cities
                    .entry(city.clone())
                    .or_insert_with(|| Str::from(jurisdiction_name(dataset, &city)));
            }
            let name = report.names.get(&code).cloned().unwrap_or_else(|| Str::from(""));
            let total = counts.iter().sum();
            HeatRow { code, name, city, counts, total }
        })
        .collect();
    rows.sort_by(|a, b| a.city.cmp(&b.city).then(a.code.cmp(&b.code)));
    View { with_standard: standard.is_some(), items, heat: rows, cities, departments }
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
                report.findings.iter().filter(|f| f.jurisdiction.is_some()).count()
            );
            // Every county and town sits under the city 450100.
            assert!(view.heat.iter().all(|r| &*r.city == "450100"), "{:?}", view.heat);
        }
    }
}
