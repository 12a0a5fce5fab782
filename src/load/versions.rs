//! Version chains: an item-management system that exports every saved version of an item as its
//! own row (a stable record id and a version number; Guangxi's Epoint `AUDIT_TASK` writes item_id
//! and task_version, shared/data/real/guangxi-lingshan-task-sample). Only the latest version of a
//! record is the list as published; the earlier rows are left out of the analysis, counted as
//! superseded in the file's report and named one by one in its diagnostics, never dropped
//! silently.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;

use super::build::ItemKeys;
use super::diag::{Diags, Msg};
use crate::model::{FileReport, Item};

/// Orders two versions: numbers by value (7 < 10), other text by its characters (ISO dates
/// compare right), a number after any text, an empty version before all.
fn cmp_versions(a: &str, b: &str) -> Ordering {
    let num = |s: &str| -> Option<u128> {
        let digits = s.strip_prefix(['v', 'V']).unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) || digits.len() > 30 {
            return None;
        }
        digits.parse().ok()
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

/// Removes from `items` (and their `keys`) every row that a row of the same jurisdiction and
/// record id with a higher version supersedes. Rows of equal version are all kept (a repeated
/// row is a duplicate for the rules, not a version). Returns how many rows were removed.
pub(crate) fn supersede(
    items: &mut Vec<Item>,
    keys: &mut ItemKeys,
    report: &mut FileReport,
    diags: &mut Diags,
) -> usize {
    let versions = std::mem::take(&mut keys.versions);
    if versions.len() < 2 {
        return 0;
    }
    // Per (jurisdiction, record id): the position in `versions` of its latest row so far.
    let mut latest: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    for (k, (i, record, version)) in versions.iter().enumerate() {
        let Some(item) = items.get(*i) else { continue };
        latest
            .entry((&item.jurisdiction, record))
            .and_modify(|best| {
                if cmp_versions(version, &versions[*best].2) == Ordering::Greater {
                    *best = k;
                }
            })
            .or_insert(k);
    }
    let mut keep = vec![true; items.len()];
    let mut gone = 0usize;
    for (i, record, version) in &versions {
        let Some(item) = items.get(*i) else { continue };
        let Some(&best) = latest.get(&(&*item.jurisdiction, &**record)) else { continue };
        let (winner, _, newest) = &versions[best];
        if cmp_versions(version, newest) == Ordering::Less {
            keep[*i] = false;
            gone += 1;
            let kept_line = items.get(*winner).map(|w| w.line).unwrap_or(0);
            diags.push_at(
                Some(item.line),
                Some("版本号".into()),
                Some(format!("{record}: {version} → {newest} (line {kept_line})")),
                Msg::SupersededVersion,
            );
        }
    }
    if gone > 0 {
        let mut flags = keep.iter();
        items.retain(|_| *flags.next().unwrap_or(&true));
        keys.retain(&keep);
        report.rows_loaded = report.rows_loaded.saturating_sub(gone as u64);
        report.rows_superseded += gone as u64;
    }
    gone
}

#[cfg(test)]
mod tests {
    use super::cmp_versions;
    use std::cmp::Ordering::*;

    #[test]
    fn versions_compare_as_numbers_then_text() {
        assert_eq!(cmp_versions("7", "8"), Less);
        assert_eq!(cmp_versions("10", "9"), Greater);
        assert_eq!(cmp_versions("v2", "V10"), Less);
        assert_eq!(cmp_versions("2019-12-11", "2020-01-02"), Less);
        assert_eq!(cmp_versions("", "1"), Less);
        assert_eq!(cmp_versions("3", "3"), Equal);
        assert_eq!(cmp_versions("99999999999999999999999999999999999", "1"), Less);
    }
}
