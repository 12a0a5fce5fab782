//! Nightly baselines: yesterday's findings as jsonl, and today's findings marked new or
//! persisting against them, with the resolved ones listed. A finding's identity is
//! (rule, jurisdiction, item, field) — never a line number, which moves when rows are edited.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Finding, Lang};

/// What makes two findings the same across runs.
pub type Identity = (String, String, String, String);

/// One finding as stored in a baseline file (a superset of check's jsonl keys, so a
/// `check --format jsonl` report is a valid baseline too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub rule: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub jurisdiction: Option<String>,
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub item_name: Option<String>,
    #[serde(default)]
    pub expected: Option<String>,
    #[serde(default)]
    pub actual: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub message_en: String,
}

impl Record {
    /// The record of a finding, with its sentence in each language (`sentence`, which the
    /// renderers provide: baseline files carry the words the report showed).
    pub fn of(f: &Finding, sentence: &dyn Fn(&Finding, Lang) -> String) -> Record {
        Record {
            rule: f.rule.to_string(),
            name: f.name.to_string(),
            severity: f.severity.as_str().to_string(),
            field: f.field.as_str().to_string(),
            jurisdiction: f.jurisdiction.as_deref().map(str::to_string),
            item: f.item.as_deref().map(str::to_string),
            item_name: f.item_name.as_deref().map(str::to_string),
            expected: f.expected.clone(),
            actual: f.actual.clone(),
            message: sentence(f, Lang::Zh),
            message_en: sentence(f, Lang::En),
        }
    }

    /// Its identity.
    pub fn identity(&self) -> Identity {
        (
            self.rule.clone(),
            self.jurisdiction.clone().unwrap_or_default(),
            self.item.clone().unwrap_or_default(),
            self.field.clone(),
        )
    }
}

/// The identity of a finding.
pub fn identity(f: &Finding) -> Identity {
    (
        f.rule.to_string(),
        f.jurisdiction.as_deref().unwrap_or("").to_string(),
        f.item.as_deref().unwrap_or("").to_string(),
        f.field.as_str().to_string(),
    )
}

/// Whether a finding was already in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Persisting,
}

/// Today's findings against a baseline.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// One status per finding, in the findings' order.
    pub status: Vec<Status>,
    /// Baseline findings no longer found, in baseline order.
    pub resolved: Vec<Record>,
}

impl Comparison {
    /// Findings not in the baseline.
    pub fn new_count(&self) -> usize {
        self.status.iter().filter(|s| **s == Status::New).count()
    }
    /// Findings already in the baseline.
    pub fn persisting(&self) -> usize {
        self.status.iter().filter(|s| **s == Status::Persisting).count()
    }
    /// The summary sentence: "N new, M resolved, K persisting".
    pub fn summary(&self, lang: crate::model::Lang) -> String {
        let (n, m, k) = (self.new_count(), self.resolved.len(), self.persisting());
        match lang {
            crate::model::Lang::Zh => format!("新增{n}条，已解决{m}条，持续{k}条"),
            crate::model::Lang::En => format!("{n} new, {m} resolved, {k} persisting"),
        }
    }
}

/// The text block closing a plain-text report run against a baseline: the counts, then each
/// resolved finding on one line.
pub fn resolved_text(c: &Comparison, lang: crate::model::Lang) -> String {
    let mut out = format!("\n{}\n", lang.pick("与基线比较：", "Against the baseline:"));
    out.push_str(&c.summary(lang));
    out.push('\n');
    for r in &c.resolved {
        let msg = match lang {
            Lang::En if !r.message_en.is_empty() => &r.message_en,
            _ => &r.message,
        };
        out.push_str(&format!(
            "  {} {} {} {} {}: {msg}\n",
            lang.pick("已解决", "resolved"),
            r.jurisdiction.as_deref().unwrap_or("-"),
            r.item.as_deref().unwrap_or("-"),
            r.field,
            r.rule
        ));
    }
    out
}

/// Compares `findings` with `baseline`. Identities are counted as a multiset, so two findings
/// with one identity today against one yesterday make one persisting and one new.
pub fn compare(findings: &[Finding], baseline: &[Record]) -> Comparison {
    let mut left: BTreeMap<Identity, usize> = BTreeMap::new();
    for r in baseline {
        *left.entry(r.identity()).or_default() += 1;
    }
    let status = findings
        .iter()
        .map(|f| match left.get_mut(&identity(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                Status::Persisting
            }
            _ => Status::New,
        })
        .collect();
    // The resolved: the baseline records whose identity is left over, last ones first used up.
    let mut resolved = Vec::new();
    for r in baseline.iter().rev() {
        if let Some(n) = left.get_mut(&r.identity()) {
            if *n > 0 {
                *n -= 1;
                resolved.push(r.clone());
            }
        }
    }
    resolved.reverse();
    Comparison { status, resolved }
}

/// Reads a baseline (jsonl, one finding per line; blank lines skipped; or a json array). A line that is not a
/// finding stops the run naming the file and line.
pub fn read(path: &Path) -> Result<Vec<Record>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // Where the bad bytes are: the line and column (in characters) of the first one.
        let good = e.as_bytes().get(..e.utf8_error().valid_up_to()).unwrap_or_default();
        let before = String::from_utf8_lossy(good);
        let (line, column) = crate::rulesdir::line_col(&before, before.len());
        Error::Input {
            file: path.display().to_string(),
            line,
            column: column.map(|c| c as usize),
            message: "not UTF-8 text: a baseline is the jsonl that --write-baseline writes".into(),
        }
    })?;
    parse(&text, &path.display().to_string())
}

/// Parses baseline text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Vec<Record>> {
    // A `check --format json` report (one array) is accepted too.
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(text).map_err(|e| Error::Input {
            file: file.to_string(),
            line: Some(e.line() as u64),
            column: Some(e.column()),
            message: format!("not a list of findings in json: {e}"),
        });
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec: Record = serde_json::from_str(line).map_err(|e| Error::Input {
            file: file.to_string(),
            line: Some(n as u64 + 1),
            column: Some(e.column()),
            message: format!("not a finding in jsonl (expected one json object per line): {e}"),
        })?;
        out.push(rec);
    }
    Ok(out)
}

/// The baseline text of `findings`: one json object per line, each with its sentences
/// (`sentence`: `crate::report::message::message`).
pub fn to_jsonl(
    findings: &[Finding],
    sentence: &dyn Fn(&Finding, Lang) -> String,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for f in findings {
        let line = serde_json::to_string(&Record::of(f, sentence))
            .map_err(|e| Error::input("<baseline>", e.to_string()))?;
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Field, Severity};

    fn sentence(_: &Finding, lang: Lang) -> String {
        lang.pick("消息", "message").to_string()
    }

    fn finding(rule: &'static str, j: &str, item: &str, field: Field, actual: &str) -> Finding {
        Finding {
            rule,
            name: "x",
            severity: Severity::Warning,
            field,
            jurisdiction: Some(j.into()),
            item: Some(item.into()),
            item_name: Some("食品经营许可".into()),
            expected: None,
            actual: Some(actual.into()),
            detail: Default::default(),
            caused_by: None,
            evidence: None,
            scope: Default::default(),
            approved: None,
            exception: None,
        }
    }

    #[test]
    fn round_trip_is_all_persisting() {
        let fs = vec![
            finding("QD101", "330102", "A", Field::Name, "甲"),
            finding("QD101", "330102", "A", Field::Name, "甲"),
            finding("QD201", "330103", "B", Field::Fee, "1元"),
        ];
        let base =
            parse(std::str::from_utf8(&to_jsonl(&fs, &sentence).unwrap()).unwrap(), "b").unwrap();
        let c = compare(&fs, &base);
        assert_eq!((c.new_count(), c.resolved.len(), c.persisting()), (0, 0, 3));
        assert_eq!(c.summary(crate::model::Lang::Zh), "新增0条，已解决0条，持续3条");
    }

    #[test]
    fn identity_ignores_values_and_counts_new_and_resolved() {
        let yesterday = [
            finding("QD101", "330102", "A", Field::Name, "甲"),
            finding("QD201", "330103", "B", Field::Fee, "1元"),
        ];
        let base: Vec<Record> = yesterday.iter().map(|f| Record::of(f, &sentence)).collect();
        // The value changed but the identity did not: persisting. B's fee was fixed: resolved.
        let today = vec![
            finding("QD101", "330102", "A", Field::Name, "乙"),
            finding("QD301", "330104", "C", Field::Steps, "3"),
        ];
        let c = compare(&today, &base);
        assert_eq!(c.status, vec![Status::Persisting, Status::New]);
        assert_eq!(c.resolved.len(), 1);
        assert_eq!(c.resolved[0].item.as_deref(), Some("B"));
        assert_eq!(c.summary(crate::model::Lang::En), "1 new, 1 resolved, 1 persisting");
        let text = resolved_text(&c, crate::model::Lang::Zh);
        assert!(text.contains("新增1条，已解决1条，持续1条"), "{text}");
        assert!(text.contains("已解决 330103 B fee QD201: 消息"), "{text}");
    }

    #[test]
    fn json_array_is_a_baseline_too() {
        let fs = [finding("QD101", "330102", "A", Field::Name, "甲")];
        let json = serde_json::to_string_pretty(&[Record::of(&fs[0], &sentence)]).unwrap();
        let base = parse(&json, "b.json").unwrap();
        assert_eq!(compare(&fs, &base).persisting(), 1);
    }

    #[test]
    fn bad_line_names_file_and_line() {
        let e = parse("{\"rule\":\"QD101\"}\n\nnot json\n", "base.jsonl").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("base.jsonl") && s.contains('3'), "{s}");
    }
}
