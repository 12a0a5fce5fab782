//! The per-field comparisons and, without --standard, the consensus of peers: the comparison key
//! of each field (parsed values, so formatting never splits peers), the majority value with
//! deterministic ties, and which peers are a flaggable minority.

use std::collections::BTreeMap;

use crate::model::{Field, Item, LimitValue, TimeLimit};
use crate::rules::{basis, burden, elements, fee, item as item_rules, limits, Cmp, Sink};

/// One comparable field: the key peers are counted by and the rules comparing an item with its
/// reference.
pub struct FieldCheck {
    /// The field compared.
    pub field: Field,
    /// Comparison key of an item's value (`jurisdiction_name` for departments).
    pub key: fn(&Item, &str) -> String,
    /// A cheap test that two items' values are the same, so that one key serves both: `true`
    /// only when their keys are certainly equal (it may say `false` for equal keys; counting
    /// still goes by the keys). Saves building a key string per peer per field.
    pub same: fn(&Item, &Item) -> bool,
    /// Runs the field's rules on one item against its reference.
    pub compare: fn(&mut Sink, &Cmp),
    /// A number naming an item's value without reading it, where there is one: equal numbers
    /// are the same value (the same shared value the loader made, so the same key). An
    /// [`Ident::Exact`] number is moreover different for different keys.
    pub ident: fn(&Item) -> Ident,
}

/// What [`FieldCheck::ident`] knows of an item's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ident {
    /// Nothing: only `same` and `key` tell.
    Unknown,
    /// Equal numbers, equal keys (different numbers may still be equal keys).
    Shared(u128),
    /// Equal numbers exactly when the keys are equal.
    Exact(u128),
}

/// The address of a shared value: the loader parses each distinct text once per piece of a
/// file and shares it, so most peers' values are one of a few addresses.
fn addr<T: ?Sized>(a: &std::sync::Arc<T>) -> u128 {
    std::sync::Arc::as_ptr(a) as *const u8 as usize as u128
}

fn unknown(_: &Item) -> Ident {
    Ident::Unknown
}

fn limit_key(l: &TimeLimit) -> String {
    match l.value {
        LimitValue::Unparsed => format!("?{}", crate::value::name::normalize(&l.raw)),
        v => format!("{v:?}"),
    }
}

/// Same parsed value (and, when unreadable, the same text): the same `limit_key`.
fn same_limit(a: &TimeLimit, b: &TimeLimit) -> bool {
    a.value == b.value && (a.value != LimitValue::Unparsed || a.raw == b.raw)
}

/// The normalised names of an item's required materials, in file order.
fn required_names(i: &Item) -> impl Iterator<Item = &str> {
    i.materials.iter().filter(|m| m.is_required()).map(|m| &*m.name.norm)
}

fn joined<'a>(parts: impl Iterator<Item = &'a str>, sort: bool) -> String {
    let mut v: Vec<&str> = parts.collect();
    if sort {
        v.sort_unstable();
    }
    v.join("|")
}

/// Every field compared with the reference, in report order.
pub static FIELDS: &[FieldCheck] = &[
    FieldCheck {
        field: Field::Name,
        key: |i, _| i.name.norm.to_string(),
        same: |a, b| a.name.norm == b.name.norm,
        ident: |i| Ident::Shared(addr(&i.name)),
        compare: item_rules::compare_name,
    },
    FieldCheck {
        field: Field::Category,
        key: |i, _| match i.category {
            Some(c) => c.zh().to_string(),
            None => format!("?{}", crate::value::name::normalize(&i.category_raw)),
        },
        same: |a, b| {
            a.category == b.category && (a.category.is_some() || a.category_raw == b.category_raw)
        },
        ident: |i| match i.category {
            Some(c) => Ident::Exact(c as u128),
            None => Ident::Unknown,
        },
        compare: item_rules::compare_category,
    },
    FieldCheck {
        field: Field::Department,
        key: |i, j| item_rules::department_key(&i.department.raw, j),
        // The key depends on the jurisdiction's name, which `same` does not see.
        same: |_, _| false,
        ident: unknown,
        compare: item_rules::compare_department,
    },
    FieldCheck {
        field: Field::Levels,
        key: |i, _| i.levels.display(),
        same: |a, b| a.levels.levels == b.levels.levels,
        ident: |i| Ident::Shared(addr(&i.levels)),
        compare: item_rules::compare_levels,
    },
    FieldCheck {
        field: Field::Basis,
        key: |i, _| {
            if i.basis.refs.is_empty() {
                format!("?{}", crate::value::name::normalize(&i.basis.raw))
            } else {
                i.basis
                    .refs
                    .iter()
                    .map(|r| format!("{}#{:?}", r.key, r.article))
                    .collect::<Vec<_>>()
                    .join("|")
            }
        },
        same: |a, b| {
            let (a, b) = (&a.basis, &b.basis);
            if a.refs.is_empty() || b.refs.is_empty() {
                a.refs.is_empty() && b.refs.is_empty() && a.raw == b.raw
            } else {
                a.refs.len() == b.refs.len()
                    && a.refs
                        .iter()
                        .zip(b.refs.iter())
                        .all(|(x, y)| x.key == y.key && x.article == y.article)
            }
        },
        ident: |i| Ident::Shared(addr(&i.basis)),
        compare: basis::compare,
    },
    FieldCheck {
        field: Field::StatutoryLimit,
        key: |i, _| limit_key(&i.statutory_limit),
        same: |a, b| same_limit(&a.statutory_limit, &b.statutory_limit),
        ident: |i| Ident::Shared(addr(&i.statutory_limit)),
        compare: limits::compare_statutory,
    },
    FieldCheck {
        field: Field::CommittedLimit,
        key: |i, _| limit_key(&i.committed_limit),
        same: |a, b| same_limit(&a.committed_limit, &b.committed_limit),
        ident: |i| Ident::Shared(addr(&i.committed_limit)),
        compare: limits::compare_committed,
    },
    FieldCheck {
        field: Field::Fee,
        key: |i, _| format!("{:?}/{:?}", fee::charges(i), i.fee.value),
        same: |a, b| a.fee.value == b.fee.value && fee::charges(a) == fee::charges(b),
        ident: |i| Ident::Shared(addr(&i.charged) << 64 | addr(&i.fee)),
        compare: fee::compare,
    },
    FieldCheck {
        field: Field::Visits,
        key: |i, _| format!("{:?}", i.visits.value),
        same: |a, b| a.visits.value == b.visits.value,
        ident: |i| Ident::Shared(addr(&i.visits)),
        compare: burden::compare_visits,
    },
    FieldCheck {
        field: Field::Intermediaries,
        key: |i, _| joined(i.intermediaries.list.iter().map(String::as_str), true),
        same: |a, b| a.intermediaries.list == b.intermediaries.list,
        ident: |i| Ident::Shared(addr(&i.intermediaries)),
        compare: burden::compare_intermediaries,
    },
    FieldCheck {
        field: Field::Kind,
        key: |i, _| format!("{:?}", i.kind),
        same: |a, b| a.kind == b.kind,
        ident: |i| match i.kind {
            None => Ident::Exact(0),
            Some(k) => Ident::Exact(k as u128 + 1),
        },
        compare: item_rules::compare_kind,
    },
    FieldCheck {
        field: Field::Steps,
        key: |i, _| joined(i.steps.iter().map(|s| &*s.name.norm), false),
        same: |a, b| {
            a.steps.len() == b.steps.len()
                && a.steps.iter().zip(b.steps.iter()).all(|(x, y)| {
                    std::sync::Arc::ptr_eq(x.body(), y.body()) || x.name.norm == y.name.norm
                })
        },
        ident: unknown,
        compare: burden::compare_steps,
    },
    FieldCheck {
        field: Field::Stamps,
        key: |i, _| i.stamps().to_string(),
        same: |a, b| a.stamps() == b.stamps(),
        ident: unknown,
        compare: burden::compare_stamps,
    },
    FieldCheck {
        field: Field::Materials,
        key: |i, _| joined(required_names(i), true),
        same: |a, b| {
            // The very same materials (shared bodies) first: nothing to read.
            (a.materials.len() == b.materials.len()
                && a.materials
                    .iter()
                    .zip(b.materials.iter())
                    .all(|(x, y)| std::sync::Arc::ptr_eq(x.body(), y.body())))
                || required_names(a).eq(required_names(b))
        },
        ident: unknown,
        compare: burden::compare_materials,
    },
    FieldCheck {
        field: Field::Elements,
        key: |i, _| elements::key(i),
        same: |a, b| a.elements.is_empty() && b.elements.is_empty(),
        ident: unknown,
        compare: elements::compare,
    },
];

/// The outcome of counting peers' keys for one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Vote {
    /// `key` is held by `agree` of `of` peers, above the majority share.
    Majority { key: String, agree: usize, of: usize },
    /// No value above the majority share: (key, count), most common first.
    Split { of: usize, values: Vec<(String, usize)> },
    /// Every peer agrees, or too few peers.
    Nothing,
}

/// Counts `keys` (one per peer). Ties between equally common values go to the smaller key, so
/// the result never depends on input order.
pub fn vote(keys: &[String], majority_share: f64, min_peers: usize) -> Vote {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for k in keys {
        *counts.entry(k.as_str()).or_insert(0) += 1;
    }
    let mut values: Vec<(&str, usize)> = counts.into_iter().collect();
    match decide(&mut values, keys.len(), majority_share, min_peers) {
        Decision::Nothing => Vote::Nothing,
        Decision::Majority { agree, of } => {
            Vote::Majority { key: values[0].0.to_string(), agree, of }
        }
        Decision::Split { of } => {
            Vote::Split { of, values: values.iter().map(|(k, n)| (k.to_string(), *n)).collect() }
        }
    }
}

/// What [`decide`] found; the values it sorted say which (the majority is the first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// The first value is held by `agree` of `of` peers, above the majority share.
    Majority { agree: usize, of: usize },
    /// No value above the majority share.
    Split { of: usize },
    /// Every peer agrees, or too few peers.
    Nothing,
}

/// The vote over distinct values counted already: `values` holds (key, peers holding it), one
/// entry per distinct key, `of` peers in all. Sorts `values` most common first, ties to the
/// smaller key (so the result never depends on input order), and decides as [`vote`] does.
pub fn decide<K: Ord>(
    values: &mut [(K, usize)],
    of: usize,
    majority_share: f64,
    min_peers: usize,
) -> Decision {
    if of < min_peers.max(1) || values.len() <= 1 {
        return Decision::Nothing;
    }
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let n = values[0].1;
    if n as f64 > majority_share * of as f64 {
        Decision::Majority { agree: n, of }
    } else {
        Decision::Split { of }
    }
}

pub use crate::rules::presence::is_minority;

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn majority_split_and_too_few() {
        assert_eq!(
            vote(&keys(&["a", "a", "a", "b"]), 0.5, 3),
            Vote::Majority { key: "a".into(), agree: 3, of: 4 }
        );
        assert!(matches!(vote(&keys(&["a", "a", "b", "b"]), 0.5, 3), Vote::Split { of: 4, .. }));
        assert_eq!(vote(&keys(&["a", "b"]), 0.5, 3), Vote::Nothing);
        assert_eq!(vote(&keys(&["a", "a", "a"]), 0.5, 3), Vote::Nothing);
        assert!(is_minority(1, 4, 0.34));
        assert!(!is_minority(2, 4, 0.34));
    }

    #[test]
    fn ties_do_not_depend_on_order() {
        let a = vote(&keys(&["x", "y", "y", "x", "z"]), 0.3, 3);
        let b = vote(&keys(&["y", "x", "z", "x", "y"]), 0.3, 3);
        assert_eq!(a, b);
        assert_eq!(a, Vote::Majority { key: "x".into(), agree: 2, of: 5 });
    }
}
