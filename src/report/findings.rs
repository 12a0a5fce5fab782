//! Renderers of `check` findings: text (grouped by jurisdiction then item, with a summary of
//! counts per field and severity), json, jsonl, csv and md. They decide nothing: the findings
//! arrive sorted and are written in that order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Field, Finding, Severity, Str};

use super::{CsvStyle, Format, Lang};

/// The stable keys of CLI.md, in order; `message` in the chosen language.
#[derive(Serialize)]
struct Row<'a> {
    rule: &'a str,
    name: &'a str,
    severity: &'a str,
    field: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    element: Option<&'a str>,
    jurisdiction: Option<&'a str>,
    item: Option<&'a str>,
    expected: Option<&'a str>,
    actual: Option<&'a str>,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    caused_by: Option<&'a crate::model::Cause>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a crate::model::Evidence>,
    #[serde(skip_serializing_if = "crate::model::Scope::is_row")]
    scope: crate::model::Scope,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved: Option<&'a crate::model::Approval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exception: Option<&'a crate::model::Lapsed>,
    /// `first_seen`, `first_run`, `age_days` (a run with a baseline).
    #[serde(flatten)]
    since: Option<&'a crate::model::Since>,
}

/// The column names of csv output (the json keys).
pub const KEYS: [&str; 9] =
    ["rule", "name", "severity", "field", "jurisdiction", "item", "expected", "actual", "message"];

fn row(f: &Finding, lang: Lang) -> Row<'_> {
    Row {
        rule: f.rule,
        name: f.name,
        severity: f.severity.as_str(),
        field: f.field.as_str(),
        element: f.element.as_deref(),
        jurisdiction: f.jurisdiction.as_deref(),
        item: f.item.as_deref(),
        expected: f.expected.as_deref(),
        actual: f.actual.as_deref(),
        message: message(f, lang),
        caused_by: f.caused_by.as_deref(),
        evidence: f.evidence.as_deref(),
        scope: f.scope,
        approved: f.approved.as_deref(),
        exception: f.exception.as_deref(),
        since: f.since.as_deref(),
    }
}

/// A finding's age in a sentence, for one reported on earlier nights: empty for a new one.
pub(crate) fn age_note(f: &Finding, lang: Lang) -> String {
    match f.since.as_deref() {
        Some(s) if s.age_days > 0 => match lang {
            Lang::Zh => format!("（已持续{}天，首次发现于{}）", s.age_days, s.first_seen),
            Lang::En => format!(" ({} days old, first seen {})", s.age_days, s.first_seen),
        },
        _ => String::new(),
    }
}

/// The heading of the approved deviations, listed apart from the findings.
pub(crate) fn approved_heading(lang: Lang) -> &'static str {
    lang.pick("已批准的差异", "Approved deviations")
}

/// What a lapsed exception adds to its finding's sentence: which exception, and why it no
/// longer covers the finding. Empty when no exception lapsed.
pub(crate) fn exception_note(f: &Finding, lang: Lang) -> String {
    let Some(x) = f.exception.as_deref() else { return String::new() };
    let value = if x.approved_value.is_empty() { "-" } else { &x.approved_value };
    match (x.status, lang) {
        (crate::model::LapseKind::Expired, Lang::Zh) => format!(
            "（例外文件第{}行的批准（{}）已于{}到期，不再豁免）",
            x.line, x.document, x.expires
        ),
        (crate::model::LapseKind::Expired, Lang::En) => format!(
            " (the approval on line {} of the exceptions file, {}, expired on {})",
            x.line, x.document, x.expires
        ),
        (crate::model::LapseKind::ValueChanged, Lang::Zh) => format!(
            "（例外文件第{}行的批准（{}）批准的是“{value}”，现值已不同，不再豁免）",
            x.line, x.document
        ),
        (crate::model::LapseKind::ValueChanged, Lang::En) => format!(
            " (the approval on line {} of the exceptions file, {}, approved {value:?}: the value has changed)",
            x.line, x.document
        ),
    }
}

/// The approval of an approved deviation in one phrase: document, approver, expiry, reason.
pub(crate) fn approval_text(a: &crate::model::Approval, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "批准：{}（{}，有效期至{}，例外文件第{}行）：{}",
            a.document, a.approver, a.expires, a.line, a.reason
        ),
        Lang::En => format!(
            "approved: {} ({}, until {}, line {} of the exceptions file): {}",
            a.document, a.approver, a.expires, a.line, a.reason
        ),
    }
}

/// The findings without the approved deviations, and the approved ones apart.
fn split_approved(findings: &[Finding]) -> (Vec<Finding>, Vec<&Finding>) {
    let approved: Vec<&Finding> = findings.iter().filter(|f| f.approved.is_some()).collect();
    let loud = findings.iter().filter(|f| f.approved.is_none()).cloned().collect();
    (loud, approved)
}

use super::message::message;

/// Renders `findings` (already sorted) in `format`.
pub fn render(findings: &[Finding], format: Format, lang: Lang) -> Result<Vec<u8>> {
    render_named(findings, format, lang, &BTreeMap::new())
}

/// Renders `findings` (already sorted) in `format`; the human-readable formats (text, md) show
/// each jurisdiction's name from `names` (区划代码 → 区划名称) beside its code.
pub fn render_named(
    findings: &[Finding],
    format: Format,
    lang: Lang,
    names: &BTreeMap<Str, Str>,
) -> Result<Vec<u8>> {
    match format {
        Format::Text if findings.iter().any(|f| f.approved.is_some()) => {
            let (loud, approved) = split_approved(findings);
            let mut out = text(&loud, lang, names);
            out.push_str(&approved_text(&approved, lang, names));
            Ok(out.into_bytes())
        }
        Format::Md if findings.iter().any(|f| f.approved.is_some()) => {
            let (loud, approved) = split_approved(findings);
            let mut out = md(&loud, lang, names);
            out.push_str(&approved_md(&approved, lang, names));
            Ok(out.into_bytes())
        }
        Format::Text => Ok(text(findings, lang, names).into_bytes()),
        Format::Json => {
            let rows: Vec<Row> = findings.iter().map(|f| row(f, lang)).collect();
            let mut out = serde_json::to_vec_pretty(&rows).map_err(json_error)?;
            out.push(b'\n');
            Ok(out)
        }
        Format::Jsonl => {
            let mut out = Vec::new();
            for f in findings {
                serde_json::to_writer(&mut out, &row(f, lang)).map_err(json_error)?;
                out.push(b'\n');
            }
            Ok(out)
        }
        Format::Csv => csv(findings, lang, CsvStyle::new(false, false, lang)),
        Format::Md => Ok(md(findings, lang, names).into_bytes()),
        Format::Html | Format::Xlsx => Err(Error::Usage(format!(
            "check does not write {} yet; use text, json, jsonl, csv or md",
            if format == Format::Html { "html" } else { "xlsx" }
        ))),
    }
}

fn json_error(e: serde_json::Error) -> Error {
    Error::Usage(format!("cannot render json: {e}"))
}

/// The column names of csv output for people under `--lang zh` (`KEYS` and `caused_by`).
const KEYS_ZH: [&str; 10] =
    ["规则", "规则名", "级别", "字段", "区划代码", "事项编码", "参照值", "实际值", "说明", "根源"];

/// The csv report in `style` (`CsvStyle`: a BOM, Chinese headers and Excel-safe codes for
/// people; cells beginning with = + - @ prefixed with ' unless raw).
pub fn csv(findings: &[Finding], lang: Lang, style: CsvStyle) -> Result<Vec<u8>> {
    csv_with(findings, lang, style, false)
}

/// The csv report, with two more last columns when the run had `--exceptions`: `approved` (the
/// approval's document number) and `exception` (a lapsed exception: `status/line/document`).
pub fn csv_with(
    findings: &[Finding],
    lang: Lang,
    style: CsvStyle,
    exceptions: bool,
) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(style.bom().to_vec());
    let err = |e: csv::Error| Error::Usage(format!("cannot render csv: {e}"));
    // `caused_by` (CLI.md's optional key) is the last column: rule/jurisdiction/item/field of
    // the root finding, empty for a finding that counts on its own.
    let mut heads: Vec<String> = KEYS
        .iter()
        .chain(&["caused_by"])
        .zip(KEYS_ZH)
        .map(|(en, zh)| style.header(en, zh).to_string())
        .collect();
    if exceptions {
        heads.push(style.header("approved", "批准文号").to_string());
        heads.push(style.header("exception", "失效的例外").to_string());
    }
    w.write_record(&heads).map_err(err)?;
    for f in findings {
        let r = row(f, lang);
        let cause = f.caused_by.as_deref().map(cause_text).unwrap_or_default();
        let cells = [
            style.text(r.rule),
            style.text(r.name),
            style.text(r.severity),
            style.text(r.field),
            style.code(r.jurisdiction.unwrap_or("")),
            style.code(r.item.unwrap_or("")),
            style.text(r.expected.unwrap_or("")),
            style.text(r.actual.unwrap_or("")),
            style.text(&r.message),
            style.text(&cause),
        ];
        let mut cells: Vec<_> = cells.into_iter().collect();
        if exceptions {
            let approved = f.approved.as_deref().map(|a| a.document.as_str()).unwrap_or("");
            let lapsed = f
                .exception
                .as_deref()
                .map(|x| {
                    let status = match x.status {
                        crate::model::LapseKind::Expired => "expired",
                        crate::model::LapseKind::ValueChanged => "value-changed",
                    };
                    format!("{status}/{}/{}", x.line, x.document)
                })
                .unwrap_or_default();
            cells.push(style.text(approved));
            cells.push(style.text(&lapsed).into_owned().into());
        }
        w.write_record(cells.iter().map(|c| c.as_bytes())).map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::Usage(format!("cannot render csv: {e}")))
}

/// A cause as one cell: `QD001/450103/000209001000/presence`.
fn cause_text(c: &crate::model::Cause) -> String {
    format!(
        "{}/{}/{}/{}",
        c.rule,
        c.jurisdiction.as_deref().unwrap_or(""),
        c.item.as_deref().unwrap_or(""),
        c.field.as_str()
    )
}

fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.zh(),
        Lang::En => s.as_str(),
    }
}

fn field_word(f: Field, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.zh(),
        Lang::En => f.as_str(),
    }
}

/// Counts per field and severity: (error, warning, info).
fn counts(findings: &[Finding]) -> BTreeMap<Field, [usize; 3]> {
    let mut map: BTreeMap<Field, [usize; 3]> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.counts()) {
        let e = map.entry(f.field).or_default();
        let i = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        e[i] += 1;
    }
    map
}

/// 450102 兴宁区, or the code alone when its name is unknown.
/// An item's heading: its key and its name, or the name alone when the key is the name (an
/// item without a code is grouped by its name; "个人基本信息变更 个人基本信息变更" says it twice).
pub fn item_label(item: Option<&str>, name: Option<&str>) -> String {
    match (item, name) {
        (Some(i), Some(n)) if !n.is_empty() => {
            if crate::value::name::normalize(i) == crate::value::name::normalize(n) {
                n.to_string()
            } else {
                format!("{i} {n}")
            }
        }
        (Some(i), _) => i.to_string(),
        (None, Some(n)) => n.to_string(),
        (None, None) => String::new(),
    }
}

fn place(code: &str, names: &BTreeMap<Str, Str>) -> String {
    match names.get(code) {
        Some(n) => format!("{code} {n}"),
        None => code.to_string(),
    }
}

/// Display width of a string: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` right-aligned in `w` display columns.
fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// `s` padded with spaces to `w` display columns.
fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Most consequences listed under their cause in text; the rest are counted.
const CONSEQUENCES_SHOWN: usize = 10;

fn text(findings: &[Finding], lang: Lang, names: &BTreeMap<Str, Str>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let mut current_jur: Option<(Option<&str>, bool)> = None;
    let mut current_item: Option<Option<&str>> = None;
    // Findings that follow from another are shown under their cause, when the cause is in the
    // report; otherwise where they fall, marked.
    let roots: std::collections::HashSet<crate::model::Cause> =
        findings.iter().filter(|f| f.is_root()).map(crate::model::Cause::of).collect();
    let mut under: std::collections::HashMap<&crate::model::Cause, Vec<&Finding>> =
        std::collections::HashMap::new();
    for f in findings {
        if let Some(c) = f.caused_by.as_deref().filter(|c| roots.contains(*c)) {
            under.entry(c).or_default().push(f);
        }
    }
    let caused_total = findings.len() - findings.iter().filter(|f| f.is_root()).count();
    // The standard's own defects come first, in a section of their own.
    let of_standard = |f: &&Finding| f.scope == crate::model::Scope::Standard;
    let ordered: Vec<&Finding> = findings
        .iter()
        .filter(of_standard)
        .chain(findings.iter().filter(|f| !of_standard(f)))
        .collect();
    for f in ordered {
        if f.caused_by.as_deref().is_some_and(|c| roots.contains(c)) {
            continue;
        }
        let jur = f.jurisdiction.as_deref();
        let standard = f.scope == crate::model::Scope::Standard;
        if current_jur != Some((jur, standard)) {
            if current_jur.is_some() {
                out.push('\n');
            }
            match jur {
                Some(j) if standard => {
                    let _ = writeln!(
                        out,
                        "{} {}",
                        lang.pick(
                            "标准目录自身的问题（各区划照录不再重复报告）",
                            "Defects of the standard itself (not repeated for the jurisdictions copying it)"
                        ),
                        place(j, names)
                    );
                }
                Some(j) => {
                    let _ =
                        writeln!(out, "{} {}", lang.pick("区划", "Jurisdiction"), place(j, names));
                }
                None => {
                    let _ =
                        writeln!(out, "{}", lang.pick("全区（同级比较）", "Region-wide (peers)"));
                }
            }
            current_jur = Some((jur, standard));
            current_item = None;
        }
        let item = f.item.as_deref();
        if current_item != Some(item) {
            let label = item_label(item, f.item_name.as_deref());
            let _ = writeln!(out, "  {}", if label.is_empty() { "-" } else { &label });
            current_item = Some(item);
        }
        let mark = match (&f.caused_by, lang) {
            (None, _) => String::new(),
            (Some(c), Lang::Zh) => format!("（由{}导致，不计入）", cause_text(c)),
            (Some(c), Lang::En) => format!(" (follows from {}, not counted)", cause_text(c)),
        };
        let _ = writeln!(
            out,
            "    {} {}: [{} {}] {}{}{}{}",
            severity_word(f.severity, lang),
            field_word(f.field, lang),
            f.rule,
            f.name,
            message(f, lang),
            exception_note(f, lang),
            age_note(f, lang),
            mark
        );
        if let Some(list) = f.is_root().then(|| under.get(&crate::model::Cause::of(f))).flatten() {
            let _ = writeln!(
                out,
                "      {}",
                match lang {
                    Lang::Zh => format!("由此导致{}条（不单独计数）：", list.len()),
                    Lang::En => format!("{} consequences (not counted on their own):", list.len()),
                }
            );
            for c in list.iter().take(CONSEQUENCES_SHOWN) {
                let _ = writeln!(
                    out,
                    "        {} {} [{}] {}",
                    c.jurisdiction.as_deref().map(|j| place(j, names)).unwrap_or_default(),
                    c.item.as_deref().unwrap_or("-"),
                    c.rule,
                    message(c, lang)
                );
            }
            if list.len() > CONSEQUENCES_SHOWN {
                let more = list.len() - CONSEQUENCES_SHOWN;
                let _ = writeln!(
                    out,
                    "        {}",
                    lang.pick(&format!("……另有{more}条"), &format!("… and {more} more"))
                );
            }
        }
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", lang.pick("汇总", "Summary"));
    let row = |out: &mut String, label: &str, c: [usize; 3]| {
        let _ = writeln!(out, "  {} {:>7} {:>7} {:>7}", pad(label, 16), c[0], c[1], c[2]);
    };
    let _ = writeln!(
        out,
        "  {} {} {} {}",
        pad(lang.pick("字段", "field"), 16),
        pad_left(severity_word(Severity::Error, lang), 7),
        pad_left(severity_word(Severity::Warning, lang), 7),
        pad_left(severity_word(Severity::Info, lang), 7)
    );
    let mut total = [0usize; 3];
    for (field, c) in counts(findings) {
        row(&mut out, field_word(field, lang), c);
        for i in 0..3 {
            total[i] += c[i];
        }
    }
    row(&mut out, lang.pick("合计", "total"), total);
    if caused_total > 0 {
        let _ = writeln!(
            out,
            "  {}",
            match lang {
                Lang::Zh => format!("另有{caused_total}条由其他问题导致，列在其原因之下，未计入合计。"),
                Lang::En => format!(
                    "{caused_total} more follow from another finding: listed under their cause, not counted."
                ),
            }
        );
    }
    out
}

/// Escapes a table cell: pipes and line breaks would break the row.
fn md_cell(s: &str) -> String {
    super::escape::markdown(s).replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn md(findings: &[Finding], lang: Lang, names: &BTreeMap<Str, Str>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", lang.pick("一致性检查结果", "Consistency check"));
    let _ = writeln!(out, "## {}\n", lang.pick("汇总", "Summary"));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n| --- | ---: | ---: | ---: |",
        lang.pick("字段", "field"),
        severity_word(Severity::Error, lang),
        severity_word(Severity::Warning, lang),
        severity_word(Severity::Info, lang)
    );
    for (field, c) in counts(findings) {
        let _ = writeln!(out, "| {} | {} | {} | {} |", field_word(field, lang), c[0], c[1], c[2]);
    }
    let _ = writeln!(out, "\n## {}\n", lang.pick("问题", "Findings"));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n| --- | --- | --- | --- | --- | --- | --- | --- |",
        lang.pick("区划", "jurisdiction"),
        lang.pick("事项", "item"),
        lang.pick("字段", "field"),
        lang.pick("级别", "severity"),
        lang.pick("规则", "rule"),
        lang.pick("应为", "expected"),
        lang.pick("实为", "actual"),
        lang.pick("说明", "message"),
    );
    for f in findings {
        let item = match f.item.as_deref() {
            Some(_) => item_label(f.item.as_deref(), f.item_name.as_deref()),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} {} | {} | {} | {} |",
            md_cell(&f.jurisdiction.as_deref().map(|j| place(j, names)).unwrap_or_default()),
            md_cell(&item),
            field_word(f.field, lang),
            severity_word(f.severity, lang),
            f.rule,
            f.name,
            md_cell(f.expected.as_deref().unwrap_or("")),
            md_cell(f.actual.as_deref().unwrap_or("")),
            md_cell(&format!(
                "{}{}{}",
                message(f, lang),
                exception_note(f, lang),
                age_note(f, lang)
            )),
        );
    }
    out
}

/// The approved deviations closing a text report: per jurisdiction and item, each with its
/// approval. Counted for nothing.
fn approved_text(approved: &[&Finding], lang: Lang, names: &BTreeMap<Str, Str>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let n = approved.len();
    let _ = writeln!(
        out,
        "\n{}",
        match lang {
            Lang::Zh => format!("{}（{n}条，经批准，不计入汇总）", approved_heading(lang)),
            Lang::En => format!("{} ({n}, approved: not counted)", approved_heading(lang)),
        }
    );
    for f in approved {
        let place = f.jurisdiction.as_deref().map(|j| place(j, names)).unwrap_or_default();
        let label = item_label(f.item.as_deref(), f.item_name.as_deref());
        let _ = writeln!(out, "  {place} {label}");
        let _ = writeln!(
            out,
            "    {} {}: [{} {}] {}",
            severity_word(f.severity, lang),
            field_word(f.field, lang),
            f.rule,
            f.name,
            message(f, lang)
        );
        if let Some(a) = f.approved.as_deref() {
            let _ = writeln!(out, "      {}", approval_text(a, lang));
        }
    }
    out
}

/// The approved deviations closing an md report.
fn approved_md(approved: &[&Finding], lang: Lang, names: &BTreeMap<Str, Str>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "\n## {} ({})\n", approved_heading(lang), approved.len());
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        lang.pick("区划", "jurisdiction"),
        lang.pick("事项", "item"),
        lang.pick("字段", "field"),
        lang.pick("规则", "rule"),
        lang.pick("实为", "actual"),
        lang.pick("批准文号", "document"),
        lang.pick("批准单位", "approver"),
        lang.pick("有效期至", "expires"),
        lang.pick("理由", "reason"),
    );
    for f in approved {
        let Some(a) = f.approved.as_deref() else { continue };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} {} | {} | {} | {} | {} | {} |",
            md_cell(&f.jurisdiction.as_deref().map(|j| place(j, names)).unwrap_or_default()),
            md_cell(&item_label(f.item.as_deref(), f.item_name.as_deref())),
            field_word(f.field, lang),
            f.rule,
            f.name,
            md_cell(f.actual.as_deref().unwrap_or("")),
            md_cell(&a.document),
            md_cell(&a.approver),
            md_cell(&a.expires),
            md_cell(&a.reason),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(j: &str, msg: &str) -> Finding {
        Finding {
            rule: "QD101",
            name: "name-differs-from-standard",
            severity: Severity::Warning,
            field: Field::Name,
            element: None,
            jurisdiction: Some(j.into()),
            item: Some("450101001000".into()),
            item_name: Some("食品经营许可".into()),
            expected: Some("食品经营许可".into()),
            actual: Some(msg.into()),
            detail: crate::model::Detail::Differs { source: crate::model::Source::Standard },
            caused_by: None,
            evidence: None,
            scope: Default::default(),
            approved: None,
            exception: None,
            since: None,
        }
    }

    #[test]
    fn an_item_keyed_by_its_name_is_named_once() {
        assert_eq!(
            item_label(Some("个人基本信息变更"), Some("个人基本信息变更")),
            "个人基本信息变更"
        );
        // The key half-width, the name full-width: still the same name.
        assert_eq!(
            item_label(Some("补助(含预支50%)"), Some("补助（含预支50%）")),
            "补助（含预支50%）"
        );
        assert_eq!(item_label(Some("000101001000"), Some("取水许可")), "000101001000 取水许可");
        assert_eq!(item_label(Some("000101001000"), None), "000101001000");
    }

    #[test]
    fn json_has_exactly_the_cli_keys() {
        let out = render(&[finding("450102", "x")], Format::Json, Lang::Zh).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let obj = v[0].as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut want = KEYS.to_vec();
        want.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, want);
        assert_eq!(obj["severity"], "warning");
        assert_eq!(obj["field"], "name");
    }

    #[test]
    fn jsonl_is_one_object_per_line_and_english_on_request() {
        let out =
            render(&[finding("450102", "a"), finding("450103", "b")], Format::Jsonl, Lang::En)
                .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.contains("Name “a” differs from the standard: “食品经营许可”."), "{text}");
    }

    #[test]
    fn csv_defuses_formulas_and_text_groups_by_jurisdiction() {
        // For people (the default): a BOM and Chinese headers; for a script: CLI.md's keys.
        let out = render(&[finding("450102", "=1+1")], Format::Csv, Lang::Zh).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("\u{feff}规则,规则名,级别,字段,区划代码,事项编码"), "{text}");
        assert!(text.contains("'=1+1"));
        let script =
            csv(&[finding("450102", "=1+1")], Lang::Zh, CsvStyle::new(false, true, Lang::Zh))
                .unwrap();
        let text = String::from_utf8(script).unwrap();
        assert!(
            text.starts_with("rule,name,severity,field,jurisdiction,item,expected,actual,message"),
            "{text}"
        );
        assert!(text.contains("'=1+1"));
        let t = String::from_utf8(
            render(&[finding("450102", "a"), finding("450102", "b")], Format::Text, Lang::Zh)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(t.matches("区划 450102").count(), 1);
        assert!(t.contains("汇总"));
        assert!(t.contains("事项名称"));
        let m =
            String::from_utf8(render(&[finding("450102", "a|b")], Format::Md, Lang::Zh).unwrap())
                .unwrap();
        assert!(m.contains("a\\|b"));
    }
}
