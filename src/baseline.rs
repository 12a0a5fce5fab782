//! Nightly baselines: yesterday's findings as jsonl, and today's findings marked new or
//! persisting against them, with the resolved ones listed. A finding's identity is
//! (rule, jurisdiction, item, field) — never a line number, which moves when rows are edited.
//! Each record also carries since when it has been reported (`first_seen`, `first_run`), so the
//! age of a finding survives from night to night; a baseline written before those keys existed
//! dates all of its findings to the day the file was written.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Finding, Lang, Since};

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
    /// The category element a finding of field `elements` is about (check's json key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
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
    /// The date the finding was first seen (absent in baselines written before 2026-12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// The run it was first seen in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_run: Option<String>,
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
            element: f.element.as_deref().map(str::to_string),
            jurisdiction: f.jurisdiction.as_deref().map(str::to_string),
            item: f.item.as_deref().map(str::to_string),
            item_name: f.item_name.as_deref().map(str::to_string),
            expected: f.expected.clone(),
            actual: f.actual.clone(),
            message: sentence(f, Lang::Zh),
            message_en: sentence(f, Lang::En),
            first_seen: f.since.as_ref().map(|s| s.first_seen.clone()),
            first_run: f.since.as_ref().map(|s| s.first_run.clone()),
        }
    }

    /// Its identity.
    pub fn identity(&self) -> Identity {
        (
            self.rule.clone(),
            self.jurisdiction.clone().unwrap_or_default(),
            self.item.clone().unwrap_or_default(),
            field_key(&self.field, self.element.as_deref()),
        )
    }
}

/// The identity of a finding.
pub fn identity(f: &Finding) -> Identity {
    (
        f.rule.to_string(),
        f.jurisdiction.as_deref().unwrap_or("").to_string(),
        f.item.as_deref().unwrap_or("").to_string(),
        field_key(f.field.as_str(), f.element.as_deref()),
    )
}

/// The field part of an identity: the field word, and for a category element its name
/// (`elements/处罚种类`), so that two elements of one item are two findings.
fn field_key(field: &str, element: Option<&str>) -> String {
    match element {
        Some(e) => format!("{field}/{e}"),
        None => field.to_string(),
    }
}

/// Whether a finding was already in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Persisting,
}

/// One night of the routine: its date, its run, and the date of the baseline it reads (the
/// first-seen date of the findings of a baseline that does not record theirs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Night {
    /// Today, YYYY-MM-DD.
    pub today: String,
    /// This run's name (`QINGDAN_RUN`, else today's date).
    pub run: String,
    /// The baseline's own date: the day its file was last written.
    pub baseline_date: String,
}

impl Night {
    /// What a finding first seen tonight carries.
    pub fn tonight(&self) -> Since {
        Since { first_seen: self.today.clone(), first_run: self.run.clone(), age_days: 0 }
    }
}

/// The age thresholds the summary counts findings past (days).
pub const AGES: [u32; 2] = [7, 30];

/// Today's findings against a baseline.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// One status per finding, in the findings' order.
    pub status: Vec<Status>,
    /// Baseline findings no longer found, in baseline order.
    pub resolved: Vec<Record>,
    /// Since when each finding has been reported, in the findings' order (empty when compared
    /// without a [`Night`]).
    pub since: Vec<Since>,
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
    /// Findings reported for more than `days` days.
    pub fn older_than(&self, days: u32) -> usize {
        self.since.iter().filter(|s| s.age_days > days).count()
    }

    /// The summary sentence: "N new, M resolved, K persisting", and with ages how many are
    /// older than 7 and than 30 days.
    pub fn summary(&self, lang: crate::model::Lang) -> String {
        let (n, m, k) = (self.new_count(), self.resolved.len(), self.persisting());
        let [week, month] = AGES.map(|d| self.older_than(d));
        let [w, mo] = AGES;
        match (lang, self.since.is_empty()) {
            (crate::model::Lang::Zh, true) => format!("新增{n}条，已解决{m}条，持续{k}条"),
            (crate::model::Lang::En, true) => format!("{n} new, {m} resolved, {k} persisting"),
            (crate::model::Lang::Zh, false) => format!(
                "新增{n}条，已解决{m}条，持续{k}条（超过{w}天{week}条，超过{mo}天{month}条）"
            ),
            (crate::model::Lang::En, false) => format!(
                "{n} new, {m} resolved, {k} persisting ({week} older than {w} days, {month} older than {mo})"
            ),
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
        let since = match (r.first_seen.as_deref(), lang) {
            (Some(d), Lang::Zh) => format!("（首次发现于{d}）"),
            (Some(d), Lang::En) => format!(" (first seen {d})"),
            (None, _) => String::new(),
        };
        out.push_str(&format!(
            "  {} {} {} {} {}: {msg}{since}\n",
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
    compare_on(findings, baseline, None)
}

/// [`compare`] on `night`, which also dates every finding: a persisting one keeps the first-seen
/// date and run of its baseline record (the oldest, when one identity has several), or the
/// baseline's date when the record has none; a new one is first seen tonight.
pub fn compare_on(findings: &[Finding], baseline: &[Record], night: Option<&Night>) -> Comparison {
    let first_seen = |r: &Record| -> String {
        let known = r.first_seen.as_deref().filter(|d| crate::date::is_valid(d));
        known.or(night.map(|n| n.baseline_date.as_str())).unwrap_or("").to_string()
    };
    // Identity → the baseline records carrying it, the oldest first (then in file order).
    let mut left: BTreeMap<Identity, std::collections::VecDeque<usize>> = BTreeMap::new();
    let mut order: Vec<usize> = (0..baseline.len()).collect();
    order.sort_by_cached_key(|&i| (first_seen(&baseline[i]), i));
    for i in order {
        left.entry(baseline[i].identity()).or_default().push_back(i);
    }
    let mut since = Vec::new();
    let status = findings
        .iter()
        .map(|f| {
            let matched = left.get_mut(&identity(f)).and_then(|q| q.pop_front());
            if let Some(n) = night {
                since.push(match matched {
                    Some(i) => {
                        let r = &baseline[i];
                        let seen = first_seen(r);
                        let age = crate::date::days_between(&seen, &n.today).unwrap_or(0);
                        Since {
                            first_run: r.first_run.clone().unwrap_or_else(|| seen.clone()),
                            first_seen: seen,
                            // A baseline from a later day (a clock set back) makes no finding younger than new.
                            age_days: u32::try_from(age.max(0)).unwrap_or(u32::MAX),
                        }
                    }
                    None => n.tonight(),
                });
            }
            if matched.is_some() {
                Status::Persisting
            } else {
                Status::New
            }
        })
        .collect();
    // The resolved: the baseline records whose identity is left over, in baseline order.
    let mut rest: Vec<usize> = left.into_values().flatten().collect();
    rest.sort_unstable();
    let resolved = rest.into_iter().map(|i| baseline[i].clone()).collect();
    Comparison { status, resolved, since }
}

/// The date a baseline file was last written (UTC): the first-seen date of its findings when it
/// records none of its own.
pub fn written_on(path: &Path) -> Option<String> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let secs = modified.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(crate::date::of_unix_seconds(i64::try_from(secs).ok()?))
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
        if let Some(d) = rec.first_seen.as_deref().filter(|d| !crate::date::is_valid(d)) {
            return Err(Error::Input {
                file: file.to_string(),
                line: Some(n as u64 + 1),
                column: line.find("\"first_seen\"").map(|c| line[..c].chars().count() + 1),
                message: format!("first_seen {d:?} is not a date written YYYY-MM-DD"),
            });
        }
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

/// [`to_jsonl`] on a night: a finding not dated by a baseline (`Finding::since` unset) is
/// recorded as first seen `tonight`.
pub fn to_jsonl_on(
    findings: &[Finding],
    sentence: &dyn Fn(&Finding, Lang) -> String,
    tonight: &Since,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for f in findings {
        let mut record = Record::of(f, sentence);
        if record.first_seen.is_none() {
            record.first_seen = Some(tonight.first_seen.clone());
            record.first_run = Some(tonight.first_run.clone());
        }
        let line = serde_json::to_string(&record)
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
            element: None,
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
            since: None,
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
    fn ages_come_from_the_records_or_the_baseline_date() {
        let night = Night {
            today: "2026-12-20".into(),
            run: "r3".into(),
            baseline_date: "2026-12-10".into(),
        };
        let mut base: Vec<Record> = [
            finding("QD101", "330102", "A", Field::Name, "甲"),
            finding("QD101", "330102", "A", Field::Name, "甲"),
            finding("QD201", "330103", "B", Field::Fee, "1元"),
        ]
        .iter()
        .map(|f| Record::of(f, &sentence))
        .collect();
        // The second A is the older; B comes from a baseline without dates.
        base[0].first_seen = Some("2026-12-15".into());
        base[1].first_seen = Some("2026-12-01".into());
        base[1].first_run = Some("r1".into());
        let today = [
            finding("QD101", "330102", "A", Field::Name, "甲"),
            finding("QD201", "330103", "B", Field::Fee, "1元"),
            finding("QD301", "330104", "C", Field::Basis, "x"),
        ];
        let c = compare_on(&today, &base, Some(&night));
        let got: Vec<_> = c
            .since
            .iter()
            .map(|s| (s.first_seen.as_str(), s.first_run.as_str(), s.age_days))
            .collect();
        assert_eq!(
            got,
            [("2026-12-01", "r1", 19), ("2026-12-10", "2026-12-10", 10), ("2026-12-20", "r3", 0)]
        );
        assert_eq!(c.resolved.len(), 1);
        assert_eq!(c.resolved[0].first_seen.as_deref(), Some("2026-12-15"));
        assert_eq!((c.older_than(7), c.older_than(30)), (2, 0));
        assert_eq!(c.summary(Lang::Zh), "新增1条，已解决1条，持续2条（超过7天2条，超过30天0条）");
        // Written back, the dates travel; read again, the keys are there.
        let mut marked = today.to_vec();
        for (f, s) in marked.iter_mut().zip(&c.since) {
            f.since = Some(Box::new(s.clone()));
        }
        let text = String::from_utf8(to_jsonl(&marked, &sentence).unwrap()).unwrap();
        let again = parse(&text, "b").unwrap();
        assert_eq!(again[0].first_seen.as_deref(), Some("2026-12-01"));
        assert_eq!(again[2].first_run.as_deref(), Some("r3"));
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
