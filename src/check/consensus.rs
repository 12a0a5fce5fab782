//! The per-field comparisons and, without --standard, the consensus of peers: the comparison key
//! of each field (parsed values, so formatting never splits peers), the majority value with
//! deterministic ties, and which peers are a flaggable minority.

use std::collections::BTreeMap;

use crate::model::{Field, Item, LimitValue, TimeLimit};
use crate::rules::{basis, burden, fee, item as item_rules, limits, Cmp, Sink};

/// One comparable field: the key peers are counted by and the rules comparing an item with its
/// reference.
pub struct FieldCheck {
    /// The field compared.
    pub field: Field,
    /// Comparison key of an item's value (`jurisdiction_name` for departments).
    pub key: fn(&Item, &str) -> String,
    /// Runs the field's rules on one item against its reference.
    pub compare: fn(&mut Sink, &Cmp),
}

fn limit_key(l: &TimeLimit) -> String {
    match l.value {
        LimitValue::Unparsed => format!("?{}", crate::value::name::normalize(&l.raw)),
        v => format!("{v:?}"),
    }
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
        compare: item_rules::compare_name,
    },
    FieldCheck {
        field: Field::Category,
        key: |i, _| match i.category {
            Some(c) => c.zh().to_string(),
            None => format!("?{}", crate::value::name::normalize(&i.category_raw)),
        },
        compare: item_rules::compare_category,
    },
    FieldCheck {
        field: Field::Department,
        key: |i, j| item_rules::department_key(&i.department.raw, j),
        compare: item_rules::compare_department,
    },
    FieldCheck {
        field: Field::Levels,
        key: |i, _| i.levels.display(),
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
        compare: basis::compare,
    },
    FieldCheck {
        field: Field::StatutoryLimit,
        key: |i, _| limit_key(&i.statutory_limit),
        compare: limits::compare_statutory,
    },
    FieldCheck {
        field: Field::CommittedLimit,
        key: |i, _| limit_key(&i.committed_limit),
        compare: limits::compare_committed,
    },
    FieldCheck {
        field: Field::Fee,
        key: |i, _| format!("{:?}/{:?}", fee::charges(i), i.fee.value),
        compare: fee::compare,
    },
    FieldCheck {
        field: Field::Visits,
        key: |i, _| format!("{:?}", i.visits.value),
        compare: burden::compare_visits,
    },
    FieldCheck {
        field: Field::Intermediaries,
        key: |i, _| joined(i.intermediaries.list.iter().map(String::as_str), true),
        compare: burden::compare_intermediaries,
    },
    FieldCheck {
        field: Field::Kind,
        key: |i, _| format!("{:?}", i.kind),
        compare: item_rules::compare_kind,
    },
    FieldCheck {
        field: Field::Steps,
        key: |i, _| joined(i.steps.iter().map(|s| &*s.name.norm), false),
        compare: burden::compare_steps,
    },
    FieldCheck {
        field: Field::Stamps,
        key: |i, _| i.stamps().to_string(),
        compare: burden::compare_stamps,
    },
    FieldCheck {
        field: Field::Materials,
        key: |i, _| {
            joined(i.materials.iter().filter(|m| m.is_required()).map(|m| &*m.name.norm), true)
        },
        compare: burden::compare_materials,
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
    let of = keys.len();
    if of < min_peers.max(1) {
        return Vote::Nothing;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for k in keys {
        *counts.entry(k.as_str()).or_insert(0) += 1;
    }
    if counts.len() == 1 {
        return Vote::Nothing;
    }
    let mut values: Vec<(String, usize)> =
        counts.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let (top, n) = values[0].clone();
    if n as f64 > majority_share * of as f64 {
        Vote::Majority { key: top, agree: n, of }
    } else {
        Vote::Split { of, values }
    }
}

/// True when a value held by `count` of `of` peers is a flaggable minority.
pub fn is_minority(count: usize, of: usize, minority_share: f64) -> bool {
    of > 0 && (count as f64) <= minority_share * of as f64
}

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
