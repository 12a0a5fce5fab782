//! Renderers of a review (`crate::review::Review`): text (Chinese or English), json (CLI.md
//! keys), md, csv, and the 审核意见 xlsx workbook a clerk can forward. They decide nothing.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::report::xlsx::{workbook_bytes, Cell, SheetWriter};
use crate::report::{CsvStyle, Format, Lang};
use crate::review::{Action, ItemReview, ListFinding, ListKind, Reason, Review, Verdict};

/// What the head of a written 审核意见 says beside the review's own counts: who reviews, by
/// which standard of which date, on which day.
#[derive(Debug, Clone, Default)]
pub struct Opinion {
    /// 审核单位 (`review --reviewer`); a blank to fill in by hand when not given.
    pub reviewer: Option<String>,
    /// 依据的标准目录: the standard as it was named on the command line.
    pub standard: String,
    /// The standard's date: its files' latest modification, seconds since 1970 (UTC).
    pub standard_date: Option<i64>,
    /// 审核日期, seconds since 1970 (UTC).
    pub date: i64,
}

/// Renders `review` in `format`.
pub fn render(review: &Review, format: Format, lang: Lang) -> Result<Vec<u8>> {
    render_opinion(review, format, lang, &Opinion::default(), CsvStyle::default())
}

/// Renders `review` in `format`: the 审核意见 workbook with `opinion`'s header, csv in `style`.
pub fn render_opinion(
    review: &Review,
    format: Format,
    lang: Lang,
    opinion: &Opinion,
    style: CsvStyle,
) -> Result<Vec<u8>> {
    match format {
        Format::Text => Ok((text(review, lang) + &approved_text(review, lang, false)).into_bytes()),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(review, lang))
                .map_err(|e| Error::Usage(e.to_string()))?;
            s.push('\n');
            Ok(s.into_bytes())
        }
        Format::Md => {
            Ok((markdown(review, lang) + &approved_text(review, lang, true)).into_bytes())
        }
        Format::Csv => csv(review, lang, style),
        Format::Xlsx => xlsx(review, opinion),
        Format::Jsonl | Format::Html => Err(Error::Usage(format!(
            "review does not write {}; use text, json, md, csv or xlsx",
            match format {
                Format::Jsonl => "jsonl",
                _ => "html",
            }
        ))),
    }
}

/// The approved deviations closing a text or md review: each with its approval; empty when
/// there are none.
fn approved_text(review: &Review, lang: Lang, md: bool) -> String {
    if review.approved.is_empty() {
        return String::new();
    }
    let head = super::findings::approved_heading(lang);
    let n = review.approved.len();
    let mut out = match (md, lang) {
        (true, _) => format!("\n## {head} ({n})\n\n"),
        (false, Lang::Zh) => format!("\n{head}（{n}条，经批准，不作为退回或建议理由）\n"),
        (false, Lang::En) => format!("\n{head} ({n}, approved: neither returned nor advised)\n"),
    };
    for r in &review.approved {
        let f = &r.finding;
        let approval = f
            .approved
            .as_deref()
            .map(|a| super::findings::approval_text(a, lang))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{} {} [{}] {}；{approval}",
            if md { "- " } else { "  " },
            f.jurisdiction.as_deref().unwrap_or("-"),
            f.item.as_deref().unwrap_or("-"),
            f.rule,
            reason_text(r, lang),
        );
    }
    out
}

fn reason_text(r: &Reason, lang: Lang) -> &str {
    lang.pick(&r.text, &r.text_en)
}

fn verdict_text(v: Verdict, lang: Lang) -> &'static str {
    lang.pick(v.zh(), v.as_str())
}

fn kind_text(k: ListKind, lang: Lang) -> &'static str {
    lang.pick(k.zh(), k.en())
}

/// A finding object with CLI.md's keys; `message` is the reason as the review writes it.
fn finding_json(r: &Reason, lang: Lang) -> Value {
    let f = &r.finding;
    let mut v = json!({
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.as_str(),
        "field": f.field.as_str(),
        "jurisdiction": f.jurisdiction.as_deref(),
        "item": f.item.as_deref(),
        "expected": f.expected,
        "actual": f.actual,
        "message": reason_text(r, lang),
    });
    // The optional keys of check's findings, when an exceptions file was given.
    if let Value::Object(m) = &mut v {
        if let Some(a) = f.approved.as_deref() {
            m.insert("approved".into(), json!(a));
        }
        if let Some(x) = f.exception.as_deref() {
            m.insert("exception".into(), json!(x));
        }
    }
    v
}

fn list_json(l: &ListFinding, lang: Lang) -> Value {
    let mut v = finding_json(&l.reason, lang);
    if let Value::Object(m) = &mut v {
        m.insert("item_name".into(), json!(l.item_name.as_deref()));
        m.insert(
            "action".into(),
            json!(if l.action == Action::Return { "return" } else { "advise" }),
        );
        if l.kind == ListKind::Unknown {
            // The closest standard item by name, when the finding names one.
            m.insert("closest".into(), json!(l.reason.finding.expected));
        }
    }
    v
}

/// The JSON document (CLI.md "Review verdicts", with the list-level keys beside `items`).
pub fn to_json(review: &Review, lang: Lang) -> Value {
    let items: Vec<Value> = review
        .items
        .iter()
        .map(|it| {
            json!({
                "jurisdiction": it.jurisdiction.as_ref(),
                "item": it.item.as_ref(),
                "item_name": it.item_name.as_ref(),
                "verdict": it.verdict.as_str(),
                "reasons": it.reasons.iter().map(|r| finding_json(r, lang)).collect::<Vec<_>>(),
                "advice": it.advice.iter().map(|r| finding_json(r, lang)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut doc = Map::new();
    doc.insert("items".into(), Value::Array(items));
    let mut summary = Map::new();
    summary.insert("pass".into(), json!(review.passed()));
    summary.insert("return".into(), json!(review.returned()));
    for kind in ListKind::ALL {
        let list: Vec<Value> = review.list_of(kind).map(|l| list_json(l, lang)).collect();
        summary.insert(kind.key().into(), json!(list.len()));
        doc.insert(kind.key().into(), Value::Array(list));
    }
    let mut by_field = Map::new();
    for (field, ret, adv) in review.by_field() {
        by_field.insert(field.as_str().into(), json!({"return": ret, "advise": adv}));
    }
    summary.insert("by_field".into(), Value::Object(by_field));
    if !review.approved.is_empty() {
        summary.insert("approved".into(), json!(review.approved.len()));
        let list = review.approved.iter().map(|r| finding_json(r, lang)).collect();
        doc.insert("approved".into(), Value::Array(list));
    }
    summary.insert(
        "jurisdictions".into(),
        Value::Array(
            review
                .jurisdictions
                .iter()
                .map(|j| {
                    json!({
                        "jurisdiction": j.code.as_ref(),
                        "name": j.name.as_ref(),
                        "level": j.level.map(|l| l.en()),
                        "items": j.items,
                        "pass": j.pass,
                        "return": j.returned,
                        "missing": j.list[0],
                        "unknown": j.list[1],
                        "wrong_level": j.list[2],
                        "other": j.list[3],
                    })
                })
                .collect(),
        ),
    );
    doc.insert("summary".into(), Value::Object(summary));
    Value::Object(doc)
}

fn item_label(code: &str, name: &str) -> String {
    if name.is_empty() || name == code {
        format!("[{code}]")
    } else {
        format!("[{code}] {name}")
    }
}

fn list_label(l: &ListFinding) -> String {
    item_label(l.reason.finding.item.as_deref().unwrap_or(""), l.item_name.as_deref().unwrap_or(""))
}

/// One item in the text report: its label, numbered reasons, then advice.
fn write_item(out: &mut String, it: &ItemReview, lang: Lang) {
    let _ = writeln!(out, "  {}", item_label(&it.item, &it.item_name));
    for (n, r) in it.reasons.iter().enumerate() {
        let _ = writeln!(out, "    {}. {}", n + 1, reason_text(r, lang));
    }
    for r in &it.advice {
        let _ = writeln!(out, "    {}{}", lang.pick("建议：", "advice: "), reason_text(r, lang));
    }
}

/// Plain text: per jurisdiction, the returned items with numbered reasons, the passed items
/// with advice, a count of the clean ones, then the list-level findings.
fn text(review: &Review, lang: Lang) -> String {
    let mut out = String::new();
    for j in &review.jurisdictions {
        let level = j.level.map(|l| lang.pick(l.zh_level(), l.en()));
        // "450721 （县级）" read as a name left out: say so, and print no empty brackets.
        let head = match (j.name.is_empty(), level, lang) {
            (false, Some(l), Lang::Zh) => format!("{} {}（{l}）", j.code, j.name),
            (false, Some(l), Lang::En) => format!("{} {} ({l})", j.code, j.name),
            (false, None, _) => format!("{} {}", j.code, j.name),
            (true, Some(l), Lang::Zh) => format!("{}（{l}，未给名称）", j.code),
            (true, Some(l), Lang::En) => format!("{} ({l}, no name given)", j.code),
            (true, None, Lang::Zh) => format!("{}（未给名称）", j.code),
            (true, None, Lang::En) => format!("{} (no name given)", j.code),
        };
        let _ = match lang {
            Lang::Zh => writeln!(out, "审核意见：{head}"),
            Lang::En => writeln!(out, "Review: {head}"),
        };
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "  事项 {} 项：通过 {} 项，退回修改 {} 项；缺失事项 {} 项，标准目录外事项 {} 项，行使层级不符 {} 项",
                j.items, j.pass, j.returned, j.list[0], j.list[1], j.list[2]
            ),
            Lang::En => writeln!(
                out,
                "  {} items: {} pass, {} returned; {} missing, {} unknown to the standard, {} at a wrong level",
                j.items, j.pass, j.returned, j.list[0], j.list[1], j.list[2]
            ),
        };
        let items: Vec<&ItemReview> =
            review.items.iter().filter(|i| i.jurisdiction == j.code).collect();
        let returned: Vec<_> = items.iter().filter(|i| i.verdict == Verdict::Return).collect();
        if !returned.is_empty() {
            let _ = writeln!(out, "\n  {}", lang.pick("退回修改：", "Returned:"));
            for it in returned {
                write_item(&mut out, it, lang);
            }
        }
        let advised: Vec<_> =
            items.iter().filter(|i| i.verdict == Verdict::Pass && !i.advice.is_empty()).collect();
        if !advised.is_empty() {
            let _ = writeln!(out, "\n  {}", lang.pick("通过（附建议）：", "Pass, with advice:"));
            for it in &advised {
                write_item(&mut out, it, lang);
            }
        }
        let clean = j.pass - advised.len().min(j.pass);
        if clean > 0 {
            let _ = match lang {
                Lang::Zh => writeln!(out, "\n  其余 {clean} 项通过，无意见。"),
                Lang::En => writeln!(out, "\n  {clean} other items pass without remarks."),
            };
        }
        for kind in ListKind::ALL {
            let list: Vec<_> = review
                .list_of(kind)
                .filter(|l| l.reason.finding.jurisdiction.as_ref() == Some(&j.code))
                .collect();
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n  {}{}", kind_text(kind, lang), lang.pick("：", ":"));
            for l in list {
                let _ = writeln!(out, "  - {}：{}", list_label(l), reason_text(&l.reason, lang));
            }
        }
        out.push('\n');
    }
    // Findings that name no jurisdiction.
    let orphans: Vec<_> =
        review.list.iter().filter(|l| l.reason.finding.jurisdiction.is_none()).collect();
    if !orphans.is_empty() {
        let _ = writeln!(out, "{}", lang.pick("其他意见：", "Other remarks:"));
        for l in orphans {
            let _ = writeln!(out, "  - {}", reason_text(&l.reason, lang));
        }
        out.push('\n');
    }
    let _ = match lang {
        Lang::Zh => {
            writeln!(out, "合计：{} 项通过，{} 项退回修改。", review.passed(), review.returned())
        }
        Lang::En => {
            writeln!(out, "Total: {} pass, {} returned.", review.passed(), review.returned())
        }
    };
    out
}

/// Escapes a markdown table cell.
fn md_cell(s: &str) -> String {
    super::escape::markdown(s).replace('|', "\\|").replace('\n', "<br>")
}

fn numbered(reasons: &[Reason], lang: Lang, sep: &str) -> String {
    reasons
        .iter()
        .enumerate()
        .map(|(n, r)| format!("{}. {}", n + 1, reason_text(r, lang)))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The rows of the items sheet / csv: returned items first, then by jurisdiction and code.
fn item_rows(review: &Review, lang: Lang, sep: &str) -> Vec<Vec<String>> {
    let mut items: Vec<&ItemReview> = review.items.iter().collect();
    items.sort_by(|a, b| {
        (a.verdict, &a.jurisdiction, &a.item).cmp(&(b.verdict, &b.jurisdiction, &b.item))
    });
    items
        .into_iter()
        .map(|it| {
            vec![
                it.jurisdiction.to_string(),
                it.item.to_string(),
                it.item_name.to_string(),
                verdict_text(it.verdict, lang).to_string(),
                numbered(&it.reasons, lang, sep),
                numbered(&it.advice, lang, sep),
            ]
        })
        .collect()
}

const ITEM_HEADERS_ZH: [&str; 6] =
    ["区划代码", "事项编码", "事项名称", "审核结论", "退回理由", "建议"];
const ITEM_HEADERS_EN: [&str; 6] =
    ["jurisdiction", "item", "item_name", "verdict", "reasons", "advice"];

fn list_rows(review: &Review, lang: Lang) -> Vec<Vec<String>> {
    review
        .list
        .iter()
        .map(|l| {
            let f = &l.reason.finding;
            vec![
                kind_text(l.kind, lang).to_string(),
                f.jurisdiction.as_deref().unwrap_or("").to_string(),
                f.item.as_deref().unwrap_or("").to_string(),
                l.item_name.as_deref().unwrap_or("").to_string(),
                if l.kind == ListKind::Unknown {
                    f.expected.clone().unwrap_or_default()
                } else {
                    String::new()
                },
                reason_text(&l.reason, lang).to_string(),
            ]
        })
        .collect()
}

const LIST_HEADERS_ZH: [&str; 6] =
    ["类别", "区划代码", "事项编码", "事项名称", "最接近的标准事项", "意见"];
const LIST_HEADERS_EN: [&str; 6] =
    ["kind", "jurisdiction", "item", "item_name", "closest_standard_item", "remark"];

fn markdown(review: &Review, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", lang.pick("审核意见", "Review"));
    let _ = match lang {
        Lang::Zh => {
            writeln!(out, "通过 {} 项，退回修改 {} 项。\n", review.passed(), review.returned())
        }
        Lang::En => writeln!(out, "{} pass, {} returned.\n", review.passed(), review.returned()),
    };
    let headers: &[&str] = if lang == Lang::Zh { &ITEM_HEADERS_ZH } else { &ITEM_HEADERS_EN };
    let _ = writeln!(out, "## {}\n", lang.pick("事项审核意见", "Items"));
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(headers.len()));
    for row in item_rows(review, lang, "<br>") {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if !review.list.is_empty() {
        let headers: &[&str] = if lang == Lang::Zh { &LIST_HEADERS_ZH } else { &LIST_HEADERS_EN };
        let _ =
            writeln!(out, "\n## {}\n", lang.pick("缺失及未知事项", "Missing and unknown items"));
        let _ = writeln!(out, "| {} |", headers.join(" | "));
        let _ = writeln!(out, "|{}", " --- |".repeat(headers.len()));
        for row in list_rows(review, lang) {
            let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    out
}

fn csv(review: &Review, lang: Lang, style: CsvStyle) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(style.bom().to_vec());
    let csv_err = |e: csv::Error| Error::Usage(e.to_string());
    let headers = ITEM_HEADERS_EN.iter().zip(ITEM_HEADERS_ZH).map(|(en, zh)| style.header(en, zh));
    w.write_record(headers).map_err(csv_err)?;
    for row in item_rows(review, lang, "\n") {
        // 区划代码 and 事项编码 first: codes Excel keeps whole.
        let cells = row
            .iter()
            .enumerate()
            .map(|(k, c)| if k < 2 { style.code(c) } else { style.text(c) }.into_owned());
        w.write_record(cells).map_err(csv_err)?;
    }
    w.into_inner().map_err(|e| Error::Usage(e.to_string()))
}

/// The 被审核单位 line: up to three named; more are "南宁市（450100）等10个区划", each of them in the
/// table below. (Ten names in one cell spill across the printed page and fitting it to the
/// width shrank the whole opinion to a third.)
fn reviewed_line(reviewed: &[String]) -> String {
    if reviewed.len() <= 3 {
        return reviewed.join("、");
    }
    format!("{}等{}个区划（逐一见下表）", reviewed[0], reviewed.len())
}

/// The 审核意见 workbook: 汇总, 事项审核意见, 缺失及未知事项. Always Chinese: it is the document the
/// clerk forwards.
fn xlsx(review: &Review, opinion: &Opinion) -> Result<Vec<u8>> {
    let lang = Lang::Zh;
    let mut summary = SheetWriter::new("汇总")?;
    summary.title("行政权力事项清单审核意见")?;
    let reviewed: Vec<String> = review
        .jurisdictions
        .iter()
        .map(|j| {
            if j.name.is_empty() {
                j.code.to_string()
            } else {
                format!("{}（{}）", j.name, j.code)
            }
        })
        .collect();
    let count = |k: ListKind| Cell::from(review.list_of(k).count());
    summary.key_values(&[
        ("审核单位", Cell::from(opinion.reviewer.as_deref().unwrap_or(""))),
        ("被审核单位", Cell::from(reviewed_line(&reviewed))),
        ("依据的标准目录", Cell::from(opinion.standard.as_str())),
        ("标准目录日期", opinion.standard_date.map(Cell::Date).unwrap_or_else(|| Cell::from(""))),
        ("审核日期", if opinion.date > 0 { Cell::Date(opinion.date) } else { Cell::from("") }),
        ("审核事项", Cell::from(review.items.len())),
        ("通过", Cell::from(review.passed())),
        ("退回修改", Cell::from(review.returned())),
        ("缺失事项", count(ListKind::Missing)),
        ("标准目录外事项", count(ListKind::Unknown)),
    ])?;
    let mut rows: Vec<Vec<Cell>> = review
        .jurisdictions
        .iter()
        .map(|j| {
            vec![
                Cell::from(j.code.to_string()),
                Cell::from(j.name.to_string()),
                Cell::from(j.level.map(|l| l.zh()).unwrap_or("")),
                Cell::from(j.items),
                Cell::from(j.pass),
                Cell::from(j.returned),
                Cell::from(j.list[0]),
                Cell::from(j.list[1]),
                Cell::from(j.list[2]),
            ]
        })
        .collect();
    let total =
        |k: usize| Cell::from(review.jurisdictions.iter().map(|j| j.list[k]).sum::<usize>());
    rows.push(vec![
        "合计".into(),
        "".into(),
        "".into(),
        Cell::from(review.items.len()),
        Cell::from(review.passed()),
        Cell::from(review.returned()),
        total(0),
        total(1),
        total(2),
    ]);
    summary.table(
        &[
            "区划代码",
            "区划名称",
            "层级",
            "事项数",
            "通过",
            "退回修改",
            "缺失事项",
            "标准目录外事项",
            "行使层级不符事项",
        ],
        &rows,
        false,
    )?;
    let field_rows: Vec<Vec<Cell>> = review
        .by_field()
        .into_iter()
        .map(|(f, r, a)| vec![f.zh().into(), f.as_str().into(), r.into(), a.into()])
        .collect();
    summary.table(&["字段", "字段代码", "退回理由数", "建议数"], &field_rows, false)?;

    let mut items = SheetWriter::new("事项审核意见")?;
    items.table(&ITEM_HEADERS_ZH, &item_rows(review, lang, "\n"), true)?;

    let mut list = SheetWriter::new("缺失及未知事项")?;
    list.table(&LIST_HEADERS_ZH, &list_rows(review, lang), true)?;

    let mut sheets = vec![summary.finish()?, items.finish()?, list.finish()?];
    // The approved deviations (`--exceptions`), listed apart: neither returned nor advised.
    if !review.approved.is_empty() {
        let mut approved = SheetWriter::new(super::findings::approved_heading(lang))?;
        let rows: Vec<Vec<Cell>> = review
            .approved
            .iter()
            .map(|r| {
                let f = &r.finding;
                let a = f.approved.as_deref();
                let get = |pick: fn(&crate::finding::Approval) -> &str| {
                    Cell::from(a.map(pick).unwrap_or(""))
                };
                vec![
                    Cell::from(f.jurisdiction.as_deref().unwrap_or("")),
                    Cell::from(f.item.as_deref().unwrap_or("")),
                    Cell::from(f.item_name.as_deref().unwrap_or("")),
                    Cell::from(f.field.zh()),
                    Cell::from(f.rule),
                    Cell::from(reason_text(r, lang)),
                    get(|a| &a.document),
                    get(|a| &a.approver),
                    get(|a| &a.expires),
                    get(|a| &a.reason),
                ]
            })
            .collect();
        approved.table(
            &[
                "区划代码",
                "事项编码",
                "事项名称",
                "字段",
                "规则",
                "问题",
                "批准文号",
                "批准单位",
                "有效期至",
                "批准理由",
            ],
            &rows,
            true,
        )?;
        sheets.push(approved.finish()?);
    }
    workbook_bytes(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_reviewed_are_named_and_more_are_counted() {
        let names: Vec<String> = (1..=4).map(|i| format!("区{i}（45010{i}）")).collect();
        assert_eq!(reviewed_line(&names[..1]), "区1（450101）");
        assert_eq!(reviewed_line(&names[..3]), "区1（450101）、区2（450102）、区3（450103）");
        assert_eq!(reviewed_line(&names), "区1（450101）等4个区划（逐一见下表）");
    }
    use crate::model::{Field, Finding, Level, Severity, Str};
    use crate::review::JurisdictionSummary;
    use calamine::{Data, Reader, Xlsx};

    fn reason(field: Field, sev: Severity, text: &str) -> Reason {
        Reason {
            finding: Finding {
                rule: "QD201",
                name: "committed-limit-exceeds-statutory",
                severity: sev,
                field,
                element: None,
                jurisdiction: Some("450102".into()),
                item: Some("450101001000".into()),
                item_name: None,
                expected: Some("20个工作日".into()),
                actual: Some("25个工作日".into()),
                detail: Default::default(),
                caused_by: None,
                evidence: None,
                scope: Default::default(),
                approved: None,
                exception: None,
                since: None,
            },
            text: text.into(),
            text_en: "committed limit too long".into(),
        }
    }

    fn sample() -> Review {
        let returned = ItemReview {
            jurisdiction: "450102".into(),
            item: "450101001000".into(),
            item_name: "食品经营许可".into(),
            verdict: Verdict::Return,
            reasons: vec![reason(
                Field::CommittedLimit,
                Severity::Error,
                "承诺时限“25个工作日”超过法定时限“20个工作日”",
            )],
            advice: vec![],
        };
        let passed = ItemReview {
            jurisdiction: "450102".into(),
            item: "=450102001000".into(),
            item_name: "药品零售许可".into(),
            verdict: Verdict::Pass,
            reasons: vec![],
            advice: vec![reason(Field::Visits, Severity::Warning, "到现场次数多于标准")],
        };
        let mut missing = reason(Field::Presence, Severity::Error, "缺少事项");
        missing.finding.item = Some("450104001000".into());
        Review {
            // passed first, to show the workbook puts returned items first
            items: vec![passed, returned],
            approved: Vec::new(),
            list: vec![ListFinding {
                kind: ListKind::Missing,
                action: Action::Return,
                item_name: Some(Str::from("户外广告设置许可")),
                reason: missing,
            }],
            jurisdictions: vec![JurisdictionSummary {
                code: "450102".into(),
                name: "兴宁区".into(),
                level: Some(Level::County),
                items: 2,
                pass: 1,
                returned: 1,
                list: [1, 0, 0, 0],
            }],
        }
    }

    #[test]
    fn json_has_cli_keys_and_list_level_keys() {
        let v = to_json(&sample(), Lang::Zh);
        assert_eq!(v["summary"]["pass"], 1);
        assert_eq!(v["summary"]["return"], 1);
        assert_eq!(v["summary"]["missing"], 1);
        assert_eq!(v["items"][1]["verdict"], "return");
        let r = &v["items"][1]["reasons"][0];
        for key in [
            "rule",
            "name",
            "severity",
            "field",
            "jurisdiction",
            "item",
            "expected",
            "actual",
            "message",
        ] {
            assert!(r.get(key).is_some(), "missing key {key}");
        }
        assert_eq!(r["field"], "committed_limit");
        assert_eq!(v["missing"][0]["item_name"], "户外广告设置许可");
        assert_eq!(v["summary"]["by_field"]["visits"]["advise"], 1);
    }

    #[test]
    fn text_names_verdicts_and_reasons() {
        let t = text(&sample(), Lang::Zh);
        assert!(t.contains("审核意见：450102 兴宁区（县级）"), "{t}");
        assert!(t.contains("1. 承诺时限“25个工作日”超过法定时限“20个工作日”"), "{t}");
        assert!(t.contains("建议：到现场次数多于标准"), "{t}");
        assert!(t.contains("缺失事项：\n  - [450104001000] 户外广告设置许可：缺少事项"), "{t}");
        let t = text(&sample(), Lang::En);
        assert!(t.contains("Total: 1 pass, 1 returned."), "{t}");
    }

    #[test]
    fn markdown_tables_put_returned_items_first() {
        let md = markdown(&sample(), Lang::Zh);
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| 450102")).collect();
        assert_eq!(rows.len(), 2, "{md}");
        assert!(rows[0].contains("| 退回修改 | 1. 承诺时限“25个工作日”"), "{md}");
        assert!(rows[1].contains("| 通过 |"), "{md}");
        assert!(md.contains("## 缺失及未知事项"), "{md}");
        assert!(md.contains("| 缺失事项 | 450102 | 450104001000 | 户外广告设置许可 |"), "{md}");
    }

    #[test]
    fn workbook_reads_back_with_returned_items_first_and_text_cells() {
        let bytes = xlsx(&sample(), &Opinion::default()).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["汇总", "事项审核意见", "缺失及未知事项"]);
        let items = book.worksheet_range("事项审核意见").unwrap();
        let s = |r: u32, c: u32| match items.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            other => panic!("cell ({r},{c}) is {other:?}"),
        };
        assert_eq!(s(0, 4), "退回理由");
        assert_eq!(s(1, 3), "退回修改");
        assert_eq!(s(1, 4), "1. 承诺时限“25个工作日”超过法定时限“20个工作日”");
        assert_eq!(s(2, 1), "=450102001000");
        assert_eq!(s(2, 5), "1. 到现场次数多于标准");
        let summary = book.worksheet_range("汇总").unwrap();
        // The opinion's head first, then the table per jurisdiction, its counts numbers.
        assert_eq!(summary.get_value((1, 0)), Some(&Data::String("审核单位".into())));
        let total = (0..summary.height() as u32)
            .find(|&r| summary.get_value((r, 0)) == Some(&Data::String("合计".into())))
            .expect("合计 row");
        assert_eq!(summary.get_value((total - 1, 5)), Some(&Data::Float(1.0)));
        let list = book.worksheet_range("缺失及未知事项").unwrap();
        assert_eq!(list.get_value((1, 0)), Some(&Data::String("缺失事项".into())));
    }
}
