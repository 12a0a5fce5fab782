//! Partial results (issue 20): what `check --shard K/N -o FILE` writes and `qingdan merge`
//! reads. The file is JSON (docs/DATA.md "Partial results"): a header (`format`, `version`,
//! `command`, `shard`, `of`, `run`: a fingerprint of the inputs that every shard of one run
//! shares), the shard's findings in full (the typed sentence parts the json report leaves out
//! included), the variant tables of its groups, and what the report says of the inputs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::check::variants::GroupTables;
use crate::error::{Error, Result};
use crate::finding::{Cause, Detail, Evidence, Finding, Scope};
use crate::model::{Field, Jurisdiction, Severity, Str};
use crate::shard::{fnv1a, Shard};

/// The partial files' format name and version: a merge refuses others.
pub const FORMAT: &str = "qingdan-partial";
/// Raised whenever what a partial holds changes meaning.
pub const VERSION: u32 = 1;

/// A root finding's identity as a partial keeps it (the rule by its id).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct WireCause {
    rule: String,
    #[serde(default)]
    jurisdiction: Option<Str>,
    #[serde(default)]
    item: Option<Str>,
    field: Field,
}

/// A finding as a partial result keeps it: all of it, the parts the json report leaves out
/// (the item's name, the typed sentence, whether a name match is a candidate) included.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireFinding {
    rule: String,
    severity: Severity,
    field: Field,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    element: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jurisdiction: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    item: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    item_name: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actual: Option<String>,
    detail: Detail,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    caused_by: Option<WireCause>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    evidence: Option<Box<Evidence>>,
    #[serde(default)]
    candidate: bool,
    scope: Scope,
}

impl WireFinding {
    /// `f` as a partial keeps it (before exceptions and baselines, which the merge applies).
    pub fn of(f: &Finding) -> WireFinding {
        WireFinding {
            rule: f.rule.to_string(),
            severity: f.severity,
            field: f.field,
            element: f.element.clone(),
            jurisdiction: f.jurisdiction.clone(),
            item: f.item.clone(),
            item_name: f.item_name.clone(),
            expected: f.expected.clone(),
            actual: f.actual.clone(),
            detail: f.detail.clone(),
            caused_by: f.caused_by.as_ref().map(|c| WireCause {
                rule: c.rule.to_string(),
                jurisdiction: c.jurisdiction.clone(),
                item: c.item.clone(),
                field: c.field,
            }),
            candidate: f.evidence.as_ref().is_some_and(|e| e.candidate),
            evidence: f.evidence.clone(),
            scope: f.scope,
        }
    }

    /// The finding back, with its rule's own id and name.
    pub fn finding(self) -> std::result::Result<Finding, String> {
        let find = |id: &str| {
            crate::rules::find(id)
                .ok_or_else(|| format!("unknown rule {id} (a partial of another qingdan version?)"))
        };
        let rule = find(&self.rule)?;
        let caused_by = match self.caused_by {
            Some(c) => Some(Box::new(Cause {
                rule: find(&c.rule)?.id,
                jurisdiction: c.jurisdiction,
                item: c.item,
                field: c.field,
            })),
            None => None,
        };
        let mut evidence = self.evidence;
        if let Some(e) = evidence.as_mut() {
            e.candidate = self.candidate;
        }
        Ok(Finding {
            rule: rule.id,
            name: rule.name,
            severity: self.severity,
            field: self.field,
            element: self.element,
            jurisdiction: self.jurisdiction,
            item: self.item,
            item_name: self.item_name,
            expected: self.expected,
            actual: self.actual,
            detail: self.detail,
            caused_by,
            evidence,
            scope: self.scope,
            approved: None,
            exception: None,
            since: None,
        })
    }
}

/// What a shard of `check` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckPartial {
    pub format: String,
    pub version: u32,
    pub command: String,
    pub shard: u32,
    pub of: u32,
    /// A fingerprint of the run's inputs and options, the same in every shard of one run.
    pub run: String,
    pub with_standard: bool,
    /// Items in the groups this shard owns.
    pub items: usize,
    /// Groups this shard owns.
    pub groups: usize,
    /// Jurisdictions checked (of the whole run).
    pub jurisdictions: usize,
    /// See `check::CheckReport::capped_name_lists` (of the whole run).
    pub capped_name_lists: usize,
    pub names: BTreeMap<Str, Str>,
    /// The dataset's jurisdictions (for the heatmap's cities and parents).
    pub places: Vec<Jurisdiction>,
    /// Where the dataset was read from.
    pub source: String,
    /// What loading left out or guessed, in Chinese and in English.
    pub notes_zh: Vec<String>,
    pub notes_en: Vec<String>,
    /// Rows read and rejected (of the dataset and the standard).
    pub rows_read: u64,
    pub rows_rejected: u64,
    /// Sorted in report order (`Finding::report_order`).
    pub findings: Vec<WireFinding>,
    /// Only when the run keeps its variant tables (always, for a shard).
    pub tables: Vec<GroupTables>,
}

impl CheckPartial {
    /// Shard `shard`'s part of a check run.
    pub fn new(
        shard: Shard,
        run: String,
        report: &crate::check::CheckReport,
        places: &[Jurisdiction],
        inputs: crate::cmd::check::Inputs,
        tables: Vec<GroupTables>,
    ) -> CheckPartial {
        CheckPartial {
            format: FORMAT.into(),
            version: VERSION,
            command: "check".into(),
            shard: shard.k,
            of: shard.n,
            run,
            with_standard: report.with_standard,
            items: report.items,
            groups: report.groups,
            jurisdictions: report.jurisdictions,
            capped_name_lists: report.capped_name_lists,
            names: report.names.clone(),
            places: places.to_vec(),
            source: inputs.source,
            notes_zh: inputs.notes_zh,
            notes_en: inputs.notes_en,
            rows_read: inputs.read,
            rows_rejected: inputs.rejected,
            findings: report.findings.iter().map(WireFinding::of).collect(),
            tables,
        }
    }

    /// The partial as its file holds it.
    pub fn to_json(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| Error::Usage(format!("partial result: {e}")))
    }
}

/// A run's fingerprint: FNV-1a of the parts every shard of it shares, in hex.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut bytes = Vec::new();
    for p in parts {
        bytes.extend_from_slice(p.as_bytes());
        bytes.push(0);
    }
    format!("{:016x}", fnv1a(&bytes))
}

/// Reads a partial file (any command) far enough to know its command, and checks its format.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
    command: Option<String>,
}

/// What one partial file holds.
pub enum Partial {
    Check(Box<CheckPartial>),
}

/// Reads the partial at `path`.
pub fn read(path: &Path) -> Result<Partial> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let at = || path.display().to_string();
    let not_partial = |why: String| {
        Error::input2(
            at(),
            &format!("不是 qingdan 的分片结果（{why}）"),
            &format!("not a qingdan partial result ({why})"),
        )
    };
    let header: Header =
        serde_json::from_slice(&bytes).map_err(|e| not_partial(format!("json: {e}")))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(not_partial(format!("format is not {FORMAT}")));
    }
    if header.version != Some(VERSION) {
        return Err(not_partial(format!(
            "version {:?}, this qingdan reads version {VERSION}",
            header.version
        )));
    }
    match header.command.as_deref() {
        Some("check") => {
            let p: CheckPartial =
                serde_json::from_slice(&bytes).map_err(|e| not_partial(format!("json: {e}")))?;
            Ok(Partial::Check(Box::new(p)))
        }
        other => Err(not_partial(format!("unknown command {other:?}"))),
    }
}

/// Checks that `shards` (shard number, of how many, run fingerprint, file) are the N shards of
/// one run, each once: a missing, repeated or foreign shard is an error naming it.
pub fn complete(shards: &[(u32, u32, &str, &Path)]) -> Result<()> {
    let Some(&(_, n, run, first)) = shards.first() else {
        return Err(Error::usage2(
            "merge 至少需要一个分片结果",
            "merge needs at least one partial result",
        ));
    };
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    for &(k, of, r, path) in shards {
        let at = path.display().to_string();
        if of != n {
            return Err(Error::input2(
                at,
                &format!("分片总数为{of}，而 {} 为{n}", first.display()),
                &format!("a shard of {of}, while {} is a shard of {n}", first.display()),
            ));
        }
        if r != run {
            return Err(Error::input2(
                at,
                &format!("与 {} 不是同一次运行的分片（输入或选项不同）", first.display()),
                &format!(
                    "not a shard of the same run as {} (other inputs or options)",
                    first.display()
                ),
            ));
        }
        if k >= n {
            return Err(Error::input2(
                at,
                &format!("分片号{k}不在0到{}之间", n - 1),
                &format!("shard {k} is not between 0 and {}", n - 1),
            ));
        }
        if let Some(other) = seen.insert(k, path) {
            return Err(Error::input2(
                at,
                &format!("分片{k}/{n}重复（{} 也是）", other.display()),
                &format!("shard {k}/{n} given twice (so is {})", other.display()),
            ));
        }
    }
    let missing: Vec<String> =
        (0..n).filter(|k| !seen.contains_key(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        let list = missing.join(", ");
        return Err(Error::usage2(
            &format!("merge：缺少分片 {list}（0到{}的每个分片各一个）", n - 1),
            &format!("merge: missing shard {list} (every shard 0 to {} once)", n - 1),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_set_must_be_whole() {
        let (a, b, c) = (Path::new("a.json"), Path::new("b.json"), Path::new("c.json"));
        assert!(complete(&[(0, 2, "r", a), (1, 2, "r", b)]).is_ok());
        let err = |v: &[(u32, u32, &str, &Path)]| complete(v).unwrap_err().to_string();
        assert!(err(&[(0, 2, "r", a)]).contains("1/2"));
        assert!(err(&[(0, 2, "r", a), (0, 2, "r", b)]).contains("b.json"));
        assert!(err(&[(0, 2, "r", a), (1, 3, "r", c)]).contains("c.json"));
        assert!(err(&[(0, 2, "r", a), (1, 2, "other", b)]).contains("b.json"));
    }
}
