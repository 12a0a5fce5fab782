//! Field changes of one matched item: scalar fields compared on their parsed forms (so that
//! formatting-only differences are not changes), the basis as a set of references, the steps as
//! a sequence and the materials by a similarity assignment that allows rewording.

use similar::{capture_diff_slices, Algorithm, DiffOp};

use super::matching::assign_names;
use super::measures::charged;
use super::Change;
use crate::model::{FeeValue, Field, Item, LawRef, LimitValue, Material, TimeLimit};
use crate::value::name::normalize;

/// Every change between `old` and `new`, in field order (DATA.md), sub-changes of steps and
/// materials in list order. Also returns how many materials were reworded.
pub fn changes(old: &Item, new: &Item, threshold: f64) -> (Vec<Change>, u64) {
    changes_with_stamps(old, new, threshold, (old.stamps(), new.stamps()))
}

/// `changes`, given the stamps measure of both versions (already counted for the measures).
pub fn changes_with_stamps(
    old: &Item,
    new: &Item,
    threshold: f64,
    stamps: (u64, u64),
) -> (Vec<Change>, u64) {
    let mut out = Vec::new();
    let mut push = |field: Field, o: &str, n: &str| out.push(Change::new(field, o, n));

    if old.name.norm != new.name.norm {
        push(Field::Name, &old.name.raw, &new.name.raw);
    }
    if old.code.norm != new.code.norm {
        push(Field::Code, &old.code.raw, &new.code.raw);
    }
    let cat_differs = match (old.category, new.category) {
        (Some(a), Some(b)) => a != b,
        _ => normalize(&old.category_raw) != normalize(&new.category_raw),
    };
    if cat_differs {
        push(Field::Category, &old.category_raw, &new.category_raw);
    }
    if old.department.norm != new.department.norm {
        push(Field::Department, &old.department.raw, &new.department.raw);
    }
    let levels_differ = old.levels.levels != new.levels.levels
        || old.levels.unparsed.iter().map(|s| normalize(s)).ne(new
            .levels
            .unparsed
            .iter()
            .map(|s| normalize(s)));
    if levels_differ {
        push(Field::Levels, &old.levels.raw, &new.levels.raw);
    }
    basis_changes(old, new, &mut out);
    let mut push = |field: Field, o: &str, n: &str| out.push(Change::new(field, o, n));
    if limit_differs(&old.statutory_limit, &new.statutory_limit) {
        push(Field::StatutoryLimit, &old.statutory_limit.raw, &new.statutory_limit.raw);
    }
    if limit_differs(&old.committed_limit, &new.committed_limit) {
        push(Field::CommittedLimit, &old.committed_limit.raw, &new.committed_limit.raw);
    }
    let fee_differs = charged(old) != charged(new)
        || match (&old.fee.value, &new.fee.value) {
            (FeeValue::Unparsed, FeeValue::Unparsed) => {
                normalize(&old.fee.raw) != normalize(&new.fee.raw)
            }
            (a, b) => a != b,
        };
    if fee_differs {
        push(Field::Fee, &fee_text(old), &fee_text(new));
    }
    let visits_differ = match (old.visits.value, new.visits.value) {
        (None, None) => normalize(&old.visits.raw) != normalize(&new.visits.raw),
        (a, b) => a != b,
    };
    if visits_differ {
        push(Field::Visits, &old.visits.raw, &new.visits.raw);
    }
    // Compared as multisets; sorted copies only when the lists differ as given.
    let (ol, nl) = (&old.intermediaries.list, &new.intermediaries.list);
    let inter_differ = ol != nl && {
        let mut oi: Vec<&str> = ol.iter().map(|s| s.as_ref()).collect();
        let mut ni: Vec<&str> = nl.iter().map(|s| s.as_ref()).collect();
        oi.sort_unstable();
        ni.sort_unstable();
        oi != ni
    };
    if inter_differ {
        push(Field::Intermediaries, &old.intermediaries.raw, &new.intermediaries.raw);
    }
    let kind_differs = match (old.kind, new.kind) {
        (Some(a), Some(b)) => a != b,
        _ => normalize(&old.kind_raw) != normalize(&new.kind_raw),
    };
    if kind_differs {
        push(Field::Kind, &old.kind_raw, &new.kind_raw);
    }
    step_changes(old, new, threshold, &mut out);
    let (os, ns) = stamps;
    if os != ns {
        out.push(Change::new(Field::Stamps, &os.to_string(), &ns.to_string()));
    }
    let reworded = material_changes(old, new, threshold, &mut out);
    (out, reworded)
}

fn limit_differs(a: &TimeLimit, b: &TimeLimit) -> bool {
    match (a.value, b.value) {
        (LimitValue::Unparsed, LimitValue::Unparsed) => normalize(&a.raw) != normalize(&b.raw),
        (x, y) => x != y,
    }
}

/// 收费标准 as written, or 是否收费 when the standard is empty.
fn fee_text(item: &Item) -> String {
    if item.fee.raw.trim().is_empty() {
        item.charged.raw.to_string()
    } else {
        item.fee.raw.to_string()
    }
}

/// 《title》第N条第N款第N项.
pub fn law_ref_text(r: &LawRef) -> String {
    let mut s = format!("《{}》", r.title);
    if let Some(a) = r.article {
        s.push_str(&format!("第{a}条"));
    }
    if let Some(p) = r.paragraph {
        s.push_str(&format!("第{p}款"));
    }
    if let Some(i) = r.item {
        s.push_str(&format!("第{i}项"));
    }
    s
}

/// The basis as reference sets: added, removed, and renumbered (same law, other article).
/// When a side has no parsed reference, the normalised text is compared instead.
fn basis_changes(old: &Item, new: &Item, out: &mut Vec<Change>) {
    let (o, n) = (&old.basis, &new.basis);
    if o.refs.is_empty() || n.refs.is_empty() {
        if o.refs != n.refs || normalize(&o.raw) != normalize(&n.raw) {
            // Both unparsed (or one empty): compare the text.
            if !(o.refs.is_empty() && n.refs.is_empty() && normalize(&o.raw) == normalize(&n.raw)) {
                out.push(Change::new(Field::Basis, &o.raw, &n.raw));
            }
        }
        return;
    }
    let same = |a: &LawRef, b: &LawRef| {
        a.key == b.key && a.article == b.article && a.paragraph == b.paragraph && a.item == b.item
    };
    // The usual case, the same references in the same order: nothing removed or added, found
    // without comparing every reference with every other.
    if o.refs.len() == n.refs.len() && o.refs.iter().zip(&n.refs).all(|(a, b)| same(a, b)) {
        return;
    }
    let mut removed: Vec<&LawRef> =
        o.refs.iter().filter(|r| !n.refs.iter().any(|x| same(x, r))).collect();
    let mut added: Vec<&LawRef> =
        n.refs.iter().filter(|r| !o.refs.iter().any(|x| same(x, r))).collect();
    // Renumbered: a removed and an added reference to the same law, paired in order.
    let mut renumbered = Vec::new();
    let mut i = 0;
    while i < removed.len() {
        if let Some(j) = added.iter().position(|a| a.key == removed[i].key) {
            renumbered.push((removed.remove(i), added.remove(j)));
        } else {
            i += 1;
        }
    }
    for (a, b) in renumbered {
        out.push(Change::sub(
            Field::Basis,
            "renumbered",
            Some(law_ref_text(a)),
            Some(law_ref_text(b)),
        ));
    }
    for r in removed {
        out.push(Change::sub(Field::Basis, "removed", Some(law_ref_text(r)), None));
    }
    for r in added {
        out.push(Change::sub(Field::Basis, "added", None, Some(law_ref_text(r))));
    }
}

/// Steps as a sequence: a step deleted and inserted elsewhere is reordered; an unmatched pair of
/// similar names is reworded; the rest are removed or added.
fn step_changes(old: &Item, new: &Item, threshold: f64, out: &mut Vec<Change>) {
    // The usual case: the same steps in the same order, nothing to diff.
    if old.steps.len() == new.steps.len()
        && old.steps.iter().zip(&new.steps).all(|(a, b)| a.name.norm == b.name.norm)
    {
        return;
    }
    let on: Vec<&str> = old.steps.iter().map(|s| s.name.norm.as_ref()).collect();
    let nn: Vec<&str> = new.steps.iter().map(|s| s.name.norm.as_ref()).collect();
    let mut deleted = Vec::new();
    let mut inserted = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &on, &nn) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { old_index, old_len, .. } => {
                deleted.extend(old_index..old_index + old_len)
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                inserted.extend(new_index..new_index + new_len)
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                deleted.extend(old_index..old_index + old_len);
                inserted.extend(new_index..new_index + new_len);
            }
        }
    }
    if deleted.is_empty() && inserted.is_empty() {
        return;
    }
    let dn: Vec<&str> = deleted.iter().map(|&i| on[i]).collect();
    let inn: Vec<&str> = inserted.iter().map(|&j| nn[j]).collect();
    let pairs = assign_names(&dn, &inn, threshold);
    let mut d_used = vec![false; dn.len()];
    let mut i_used = vec![false; inn.len()];
    for &(a, b, reworded) in &pairs {
        d_used[a] = true;
        i_used[b] = true;
        let (os, ns) = (&old.steps[deleted[a]], &new.steps[inserted[b]]);
        let kind = if reworded { "reworded" } else { "reordered" };
        let (o, n) = if reworded {
            (os.name.raw.to_string(), ns.name.raw.to_string())
        } else {
            (
                format!("{}. {}", deleted[a] + 1, os.name.raw),
                format!("{}. {}", inserted[b] + 1, ns.name.raw),
            )
        };
        out.push(Change::sub(Field::Steps, kind, Some(o), Some(n)));
    }
    for (a, &i) in deleted.iter().enumerate() {
        if !d_used[a] {
            out.push(Change::sub(
                Field::Steps,
                "removed",
                Some(old.steps[i].name.raw.to_string()),
                None,
            ));
        }
    }
    for (b, &j) in inserted.iter().enumerate() {
        if !i_used[b] {
            out.push(Change::sub(
                Field::Steps,
                "added",
                None,
                Some(new.steps[j].name.raw.to_string()),
            ));
        }
    }
}

/// Materials matched allowing rewording; returns how many were reworded.
fn material_changes(old: &Item, new: &Item, threshold: f64, out: &mut Vec<Change>) -> u64 {
    // The usual case: the same names in the same order. `assign_names` pairs equal names first,
    // in order, so each material is paired with the one at its own place; only the flags can
    // differ.
    if old.materials.len() == new.materials.len()
        && old.materials.iter().zip(&new.materials).all(|(a, b)| a.name.norm == b.name.norm)
    {
        for (om, nm) in old.materials.iter().zip(&new.materials) {
            flag_changes(om, nm, out);
        }
        return 0;
    }
    let on: Vec<&str> = old.materials.iter().map(|m| m.name.norm.as_ref()).collect();
    let nn: Vec<&str> = new.materials.iter().map(|m| m.name.norm.as_ref()).collect();
    let pairs = assign_names(&on, &nn, threshold);
    let mut o_used = vec![false; on.len()];
    let mut n_used = vec![false; nn.len()];
    let mut reworded = 0;
    for &(i, j, similar) in &pairs {
        o_used[i] = true;
        n_used[j] = true;
        let (om, nm) = (&old.materials[i], &new.materials[j]);
        if similar {
            reworded += 1;
            out.push(Change::sub(
                Field::Materials,
                "reworded",
                Some(om.name.raw.to_string()),
                Some(nm.name.raw.to_string()),
            ));
        }
        flag_changes(om, nm, out);
    }
    for (i, m) in old.materials.iter().enumerate() {
        if !o_used[i] {
            out.push(Change::sub(Field::Materials, "removed", Some(m.name.raw.to_string()), None));
        }
    }
    for (j, m) in new.materials.iter().enumerate() {
        if !n_used[j] {
            out.push(Change::sub(Field::Materials, "added", None, Some(m.name.raw.to_string())));
        }
    }
    reworded
}

/// The flags of a matched pair of materials: required (是否必要) and stamped (需盖章).
fn flag_changes(om: &Material, nm: &Material, out: &mut Vec<Change>) {
    let yn = |b: bool| if b { "是" } else { "否" };
    if om.is_required() != nm.is_required() {
        out.push(Change::sub(
            Field::Materials,
            "required",
            Some(format!("{}：必要={}", om.name.raw, yn(om.is_required()))),
            Some(format!("{}：必要={}", nm.name.raw, yn(nm.is_required()))),
        ));
    }
    let (os, ns) = (om.stamped.value == Some(true), nm.stamped.value == Some(true));
    if os != ns {
        out.push(Change::sub(
            Field::Materials,
            "stamped",
            Some(format!("{}：盖章={}", om.name.raw, yn(os))),
            Some(format!("{}：盖章={}", nm.name.raw, yn(ns))),
        ));
    }
}
