//! Approved local deviations (`--exceptions FILE`, issue 18.2): the file (CSV or TOML) read and
//! checked, each finding matched against it, and each exception's use counted for
//! `qingdan exceptions --check`. A matching live exception makes its finding "approved" (listed
//! apart, counted for nothing); an expired one, or one whose value is no longer the finding's,
//! leaves the finding loud and names the exception.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::finding::{Approval, Finding, LapseKind, Lapsed};
use crate::vocab::Field;

/// What an exception is about: one rule, or every rule on one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A rule id (QD403).
    Rule(&'static str),
    /// A field word of DATA.md (committed_limit): any rule's finding on that field.
    Field(Field),
}

impl Target {
    /// Its word as the file wrote it (the rule id or the field word).
    pub fn as_str(&self) -> &'static str {
        match self {
            Target::Rule(id) => id,
            Target::Field(f) => f.as_str(),
        }
    }

    fn matches(&self, f: &Finding) -> bool {
        match self {
            Target::Rule(id) => f.rule == *id,
            Target::Field(field) => f.field == *field,
        }
    }
}

/// One approved deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// Line of the file it was read from (1-based; a TOML table's `[[exception]]` line).
    pub line: u64,
    pub target: Target,
    /// 区划代码.
    pub jurisdiction: String,
    /// 事项编码 (empty: a finding without an item).
    pub item: String,
    /// The approved value: the finding's `actual` (empty: a finding without one, such as a
    /// missing item).
    pub value: String,
    pub reason: String,
    pub approver: String,
    /// 批准文号.
    pub document: String,
    /// Last day it holds, YYYY-MM-DD.
    pub expires: String,
}

impl Exception {
    /// True when its expiry date lies before `today`.
    pub fn expired(&self, today: &str) -> bool {
        self.expires.as_str() < today
    }

    /// True when `actual` is the approved value: equal, or equal after the normalisation names
    /// get (NFKC full-width to half-width, whitespace removed, brackets and quotes unified).
    pub fn value_matches(&self, actual: Option<&str>) -> bool {
        let actual = actual.unwrap_or("");
        actual == self.value
            || crate::value::name::normalize(actual) == crate::value::name::normalize(&self.value)
    }
}

/// An exceptions file read.
#[derive(Debug, Clone, Default)]
pub struct Exceptions {
    /// The path, for messages.
    pub file: String,
    /// In file order.
    pub list: Vec<Exception>,
}

/// The columns of the CSV form (and the keys of the TOML form), with the Chinese headers a clerk
/// may use instead.
const COLUMNS: [(&str, &[&str]); 8] = [
    ("rule", &["field", "规则", "字段", "规则或字段"]),
    ("jurisdiction", &["区划代码"]),
    ("item", &["事项编码"]),
    ("value", &["批准值", "approved_value"]),
    ("reason", &["理由", "批准理由"]),
    ("approver", &["批准单位", "批准人"]),
    ("document", &["批准文号"]),
    ("expires", &["有效期至", "到期日期"]),
];

/// Reads an exceptions file: `.toml` as TOML, anything else as CSV (UTF-8, with or without BOM).
/// A bad file stops the run naming file, line and column.
pub fn read(path: &Path) -> Result<Exceptions> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::input2(file, "--exceptions 须是文件", "--exceptions must be a file"));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.as_bytes().get(..e.utf8_error().valid_up_to()).unwrap_or_default();
        let before = String::from_utf8_lossy(good);
        let (line, column) = crate::rulesdir::line_col(&before, before.len());
        Error::Input {
            file: file.clone(),
            line,
            column: column.map(|c| c as usize),
            message: "not UTF-8 text: save the exceptions file as UTF-8".into(),
        }
    })?;
    let is_toml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let list = if is_toml { parse_toml(&text, &file)? } else { parse_csv(&text, &file)? };
    Ok(Exceptions { file, list })
}

/// One exception as written, before it is checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Entry {
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    field: Option<String>,
    jurisdiction: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    value: String,
    reason: String,
    approver: String,
    document: String,
    expires: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    exception: Vec<toml::Spanned<Entry>>,
}

/// Parses the TOML form: `[[exception]]` tables with the keys of [`COLUMNS`] (`rule` or
/// `field`).
pub fn parse_toml(text: &str, file: &str) -> Result<Vec<Exception>> {
    let at = |offset: usize, message: String| {
        let (line, column) = crate::rulesdir::line_col(text, offset);
        Error::Input { file: file.to_string(), line, column: column.map(|c| c as usize), message }
    };
    let parsed: TomlFile = toml::from_str(text)
        .map_err(|e| at(e.span().map(|s| s.start).unwrap_or(0), e.message().trim().to_string()))?;
    let mut out = Vec::new();
    for spanned in parsed.exception {
        let start = spanned.span().start;
        let e = spanned.into_inner();
        let target = match (e.rule, e.field) {
            (Some(r), None) | (None, Some(r)) => r,
            _ => {
                return Err(at(
                    start,
                    both(
                        "每条例外须有 rule 或 field 之一（规则编号或字段名）",
                        "each exception needs one of rule or field (a rule id or a field word)",
                    ),
                ))
            }
        };
        let cells =
            [target, e.jurisdiction, e.item, e.value, e.reason, e.approver, e.document, e.expires];
        let line = crate::rulesdir::line_col(text, start).0.unwrap_or(1);
        out.push(exception(line, cells).map_err(|(_, m)| at(start, m))?);
    }
    Ok(out)
}

/// Parses the CSV form: a header naming the columns of [`COLUMNS`] (English or Chinese, any
/// order), one exception per row.
pub fn parse_csv(text: &str, file: &str) -> Result<Vec<Exception>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |line: u64, column: u64, message: String| Error::Input {
        file: file.to_string(),
        line: Some(line),
        column: Some(column as usize),
        message,
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(r) => r.map_err(|e| csv_error(e, file))?,
        None => {
            return Err(err(
                1,
                1,
                both("例外文件为空：没有表头", "the exceptions file is empty: no header row"),
            ))
        }
    };
    let mut index = [usize::MAX; 8];
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        let Some(k) = COLUMNS.iter().position(|(en, zh)| *en == name || zh.contains(&name)) else {
            return Err(err(
                1,
                column_of(text, 0, i),
                both(
                    &format!("未知的列“{name}”（可用：{}）", column_list()),
                    &format!("unknown column {name:?} (the columns are {})", column_list()),
                ),
            ));
        };
        if index[k] != usize::MAX {
            return Err(err(
                1,
                column_of(text, 0, i),
                both(&format!("列“{name}”重复"), &format!("column {name:?} given twice")),
            ));
        }
        index[k] = i;
    }
    // Every column but item and value must be there (those two may be empty for a finding
    // without them, but a clerk who leaves out the column means nothing by it either).
    if let Some(k) = index.iter().position(|i| *i == usize::MAX) {
        let (en, zh) = COLUMNS[k];
        return Err(err(
            1,
            1,
            both(
                &format!("缺少列“{en}”（{}）", zh.join("、")),
                &format!("the column {en:?} is missing"),
            ),
        ));
    }
    let mut out = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(e, file))?;
        // The line from the byte offset: the reader's own count leaves out blank lines.
        let mut start = record.position().map(|p| p.byte() as usize).unwrap_or(0);
        // The position may be that of the blank lines before the record.
        let rest = text.get(start..).unwrap_or("");
        start += rest.len() - rest.trim_start_matches(['\r', '\n']).len();
        let line = text.get(..start).map(|t| t.matches('\n').count() as u64 + 1).unwrap_or(1);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells = index.map(|i| record.get(i).unwrap_or("").trim().to_string());
        let e = exception(line, cells)
            .map_err(|(k, m)| err(line, column_of(text, start, index[k]), m))?;
        out.push(e);
    }
    Ok(out)
}

fn csv_error(e: csv::Error, file: &str) -> Error {
    let line = e.position().map(|p| p.line());
    Error::Input { file: file.to_string(), line, column: None, message: e.to_string() }
}

fn column_list() -> String {
    COLUMNS.iter().map(|(en, _)| *en).collect::<Vec<_>>().join(", ")
}

fn both(zh: &str, en: &str) -> String {
    // The same separator `Error::input2` uses: the error picks the reader's language.
    format!("{en}\u{1f}{zh}")
}

/// The 1-based column (in characters) where cell `field` of the record starting at byte
/// `start` begins: commas inside quotes do not count.
fn column_of(text: &str, start: usize, field: usize) -> u64 {
    let rest = text.get(start..).unwrap_or("");
    let mut seen = 0;
    let mut quoted = false;
    let mut col = 1u64;
    for c in rest.chars() {
        if seen == field || (!quoted && (c == '\n' || c == '\r')) {
            break;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => seen += 1,
            _ => {}
        }
        col += 1;
    }
    col
}

/// Checks one exception's cells (in [`COLUMNS`] order); on error, the column at fault and the
/// message.
fn exception(line: u64, cells: [String; 8]) -> std::result::Result<Exception, (usize, String)> {
    let [rule, jurisdiction, item, value, reason, approver, document, expires] = cells;
    let target = if let Some(f) = Field::parse(rule.trim()) {
        Target::Field(f)
    } else if let Some(r) =
        crate::rules::find(&rule).filter(|r| r.id.eq_ignore_ascii_case(rule.trim()))
    {
        Target::Rule(r.id)
    } else {
        return Err((
            0,
            both(
                &format!("“{rule}”既不是规则编号（如 QD403，见 qingdan rules）也不是字段名（如 committed_limit，见 DATA.md）"),
                &format!("{rule:?} is neither a rule id (QD403: qingdan rules) nor a field word (committed_limit: DATA.md)"),
            ),
        ));
    };
    let required = [(1, &jurisdiction), (4, &reason), (5, &approver), (6, &document)];
    if let Some((k, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
        let en = COLUMNS[*k].0;
        return Err((*k, both(&format!("“{en}”不能为空"), &format!("{en} must not be empty"))));
    }
    if !crate::date::is_valid(expires.trim()) {
        return Err((
            7,
            both(
                &format!("有效期“{expires}”不是 YYYY-MM-DD 格式的日期"),
                &format!("expires {expires:?} is not a date written YYYY-MM-DD"),
            ),
        ));
    }
    Ok(Exception {
        line,
        target,
        jurisdiction: jurisdiction.trim().to_string(),
        item: item.trim().to_string(),
        value,
        reason,
        approver,
        document,
        expires: expires.trim().to_string(),
    })
}

/// How one exception fared against a run's findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Use {
    /// Findings it approved.
    pub approved: usize,
    /// Findings it named whose value is no longer the approved one.
    pub value_changed: usize,
    /// Findings it named after it expired.
    pub expired: usize,
}

impl Use {
    /// True when it named no finding at all.
    pub fn unused(&self) -> bool {
        self.approved + self.value_changed + self.expired == 0
    }
}

/// Marks `findings` by the exceptions of `ex` on `today` (YYYY-MM-DD): a finding named by a live
/// exception with its value is approved; one named only by an expired exception or by one with
/// another value keeps its severity and carries the lapsed exception. Returns each exception's
/// use, in file order. Findings keep their order; the marks depend on nothing but the data.
pub fn apply(findings: &mut [Finding], ex: &Exceptions, today: &str) -> Vec<Use> {
    let mut uses = vec![Use::default(); ex.list.len()];
    let mut by_key: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, e) in ex.list.iter().enumerate() {
        by_key.entry((e.jurisdiction.as_str(), e.item.as_str())).or_default().push(i);
    }
    for f in findings.iter_mut() {
        let key = (f.jurisdiction.as_deref().unwrap_or(""), f.item.as_deref().unwrap_or(""));
        let Some(candidates) = by_key.get(&key) else { continue };
        // The best candidate: live with the value, then expired with the value, then the first.
        let named: Vec<usize> =
            candidates.iter().copied().filter(|i| ex.list[*i].target.matches(f)).collect();
        let rank = |i: &usize| {
            let e = &ex.list[*i];
            match (e.value_matches(f.actual.as_deref()), e.expired(today)) {
                (true, false) => 0,
                (true, true) => 1,
                (false, true) => 2,
                (false, false) => 3,
            }
        };
        let Some(best) = named.iter().copied().min_by_key(|i| (rank(i), *i)) else { continue };
        let e = &ex.list[best];
        let lapse = match rank(&best) {
            0 => {
                uses[best].approved += 1;
                f.approved = Some(Box::new(Approval {
                    reason: e.reason.clone(),
                    approver: e.approver.clone(),
                    document: e.document.clone(),
                    expires: e.expires.clone(),
                    line: e.line,
                }));
                continue;
            }
            1 | 2 => {
                uses[best].expired += 1;
                LapseKind::Expired
            }
            _ => {
                uses[best].value_changed += 1;
                LapseKind::ValueChanged
            }
        };
        f.exception = Some(Box::new(Lapsed {
            status: lapse,
            line: e.line,
            document: e.document.clone(),
            approved_value: e.value.clone(),
            expires: e.expires.clone(),
        }));
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Severity;

    const HEAD: &str = "rule,jurisdiction,item,value,reason,approver,document,expires\n";

    fn finding(rule: &'static str, field: Field, actual: Option<&str>) -> Finding {
        Finding {
            rule,
            name: "x",
            severity: Severity::Error,
            field,
            element: None,
            jurisdiction: Some("450104".into()),
            item: Some("000513001000".into()),
            item_name: None,
            expected: None,
            actual: actual.map(str::to_string),
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
    fn csv_with_chinese_headers_reads() {
        let text = "\u{feff}规则或字段,区划代码,事项编码,批准值,理由,批准单位,批准文号,有效期至\n\
                    QD501,450104,000513001000,50元/件,经核准收费,南宁市发展改革委,南发改〔2026〕12号,2027-12-31\n\
                    \n\
                    committed_limit,450104,000508001000,\"3个工作日\",县级改革压缩,兴宁区政府,\"兴政发〔2026〕3号\",2027-06-30\n";
        let list = parse_csv(text, "e.csv").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].target, Target::Rule("QD501"));
        assert_eq!(list[0].line, 2);
        assert_eq!(list[1].target, Target::Field(Field::CommittedLimit));
        assert_eq!(list[1].line, 4);
        assert_eq!(list[1].document, "兴政发〔2026〕3号");
    }

    #[test]
    fn bad_cells_name_line_and_column() {
        let text = format!(
            "{HEAD}QD501,450104,A,1元,r,a,d,2027-12-31\nQD999,450104,A,1元,r,a,d,2027-12-31\n"
        );
        let e = parse_csv(&text, "e.csv").unwrap_err().to_string();
        assert!(e.starts_with("e.csv:3:1"), "{e}");
        let text = format!("{HEAD}QD501,450104,A,\"1,5元\",r,a,d,2027-13-01\n");
        let e = parse_csv(&text, "e.csv").unwrap_err().to_string();
        assert!(e.starts_with("e.csv:2:") && e.contains("2027-13-01"), "{e}");
        assert_eq!(column_of(&text, HEAD.len(), 7), 29);
        let text = format!("{HEAD}QD501,450104,A,1元,r,a,,2027-12-31\n");
        let e = parse_csv(&text, "e.csv").unwrap_err().to_string();
        assert!(e.starts_with("e.csv:2:23") && e.contains("document"), "{e}");
        let e = parse_csv("rule,jurisdiction,item,colour\n", "e.csv").unwrap_err().to_string();
        assert!(e.starts_with("e.csv:1:24") && e.contains("colour"), "{e}");
        let e = parse_csv("rule,jurisdiction\n", "e.csv").unwrap_err().to_string();
        assert!(e.contains("item"), "{e}");
    }

    #[test]
    fn toml_reads_and_errors_name_the_line() {
        let text = "[[exception]]\nrule = \"QD501\"\njurisdiction = \"450104\"\nitem = \"A\"\nvalue = \"1元\"\nreason = \"r\"\napprover = \"a\"\ndocument = \"d\"\nexpires = \"2027-12-31\"\n\n[[exception]]\nfield = \"fee\"\njurisdiction = \"450104\"\nreason = \"r\"\napprover = \"a\"\ndocument = \"d\"\nexpires = \"2027-12-31\"\n";
        let list = parse_toml(text, "e.toml").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].target, Target::Field(Field::Fee));
        assert_eq!((list[0].line, list[1].line), (1, 11));
        let bad = text
            .replace("expires = \"2027-12-31\"\n\n", "expires = \"2027-12-31\"\ncolour = 1\n\n");
        let e = parse_toml(&bad, "e.toml").unwrap_err().to_string();
        assert!(e.starts_with("e.toml:10:1") && e.contains("colour"), "{e}");
        let bad = text.replace("field = \"fee\"", "field = \"feee\"");
        let e = parse_toml(&bad, "e.toml").unwrap_err().to_string();
        assert!(e.starts_with("e.toml:11:") && e.contains("feee"), "{e}");
    }

    #[test]
    fn apply_approves_lapses_and_counts_use() {
        let text = format!(
            "{HEAD}QD501,450104,000513001000,５０元/件,r,a,D1,2027-12-31\n\
             fee,450104,000513001000,30元/件,r,a,D2,2027-12-31\n\
             QD403,450104,000513001000,,r,a,D3,2026-11-30\n\
             QD101,450105,000513001000,,r,a,D4,2027-12-31\n"
        );
        let ex = Exceptions { file: "e.csv".into(), list: parse_csv(&text, "e.csv").unwrap() };
        let mut fs = vec![
            finding("QD501", Field::Fee, Some("50元/件")),
            finding("QD503", Field::Fee, Some("40元/件")),
            finding("QD403", Field::CommittedLimit, None),
            finding("QD301", Field::Basis, None),
        ];
        let uses = apply(&mut fs, &ex, "2026-12-01");
        // Full-width digits are formatting: the value matches.
        assert_eq!(fs[0].approved.as_ref().unwrap().document, "D1");
        assert!(fs[0].exception.is_none() && !fs[0].counts());
        let lapsed = fs[1].exception.as_ref().unwrap();
        assert_eq!(
            (lapsed.status, lapsed.line, fs[1].counts()),
            (LapseKind::ValueChanged, 3, true)
        );
        assert_eq!(fs[2].exception.as_ref().unwrap().status, LapseKind::Expired);
        assert!(fs[3].approved.is_none() && fs[3].exception.is_none());
        assert_eq!(uses[0], Use { approved: 1, ..Default::default() });
        assert_eq!(uses[1], Use { value_changed: 1, ..Default::default() });
        assert_eq!(uses[2], Use { expired: 1, ..Default::default() });
        assert!(uses[3].unused());
        // The expiry day itself still holds.
        assert!(!ex.list[2].expired("2026-11-30"));
    }
}
