//! `check --format xlsx`: a summary sheet, a findings sheet and a variants sheet, through the
//! shared helpers of `report::xlsx` (frozen header, autofilter, widths fitting Chinese, counts as
//! numbers, every text cell a string so that a value such as =HYPERLINK(...) never becomes a
//! formula, landscape print setup).

use crate::baseline::{Comparison, Status};
use crate::check::variants::View;
use crate::check::CheckReport;
use crate::error::Result;
use crate::model::{Field, Severity};

use super::xlsx::{cap_rows, cut_notes, workbook_bytes, Cell, SheetWriter};
use super::Lang;

use crate::report::field_name;

/// Renders the check report as an .xlsx workbook.
pub fn render(
    report: &CheckReport,
    view: &View,
    baseline: Option<&Comparison>,
    lang: Lang,
) -> Result<Vec<u8>> {
    let mut summary = SheetWriter::new(lang.pick("汇总", "Summary"))?;
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![lang.pick("区划", "Jurisdictions").into(), Cell::from(report.jurisdictions)],
        vec![lang.pick("事项", "Items").into(), Cell::from(report.items)],
        vec![lang.pick("事项组", "Item groups").into(), Cell::from(report.groups)],
    ];
    for s in [Severity::Error, Severity::Warning, Severity::Info] {
        rows.push(vec![lang.pick(s.zh(), s.as_str()).into(), Cell::from(report.count(s))]);
    }
    if report.approved() > 0 {
        rows.push(vec![
            super::findings::approved_heading(lang).into(),
            Cell::from(report.approved()),
        ]);
    }
    if let Some(c) = baseline {
        rows.push(vec![lang.pick("新增", "New").into(), Cell::from(c.new_count())]);
        rows.push(vec![lang.pick("已解决", "Resolved").into(), Cell::from(c.resolved.len())]);
        rows.push(vec![lang.pick("持续", "Persisting").into(), Cell::from(c.persisting())]);
        for d in crate::baseline::AGES {
            let label = match lang {
                Lang::Zh => format!("超过{d}天"),
                Lang::En => format!("Older than {d} days"),
            };
            rows.push(vec![Cell::from(label), Cell::from(c.older_than(d))]);
        }
    }
    summary.table(&[lang.pick("项目", "Measure"), lang.pick("数量", "Count")], &rows, false)?;
    // Findings per field and severity.
    let mut per_field = Vec::new();
    for f in Field::ALL {
        let n = |s| {
            let of = |x: &&crate::model::Finding| x.field == f && x.severity == s;
            report.findings.iter().filter(|x| x.approved.is_none()).filter(of).count()
        };
        let (e, w, i) = (n(Severity::Error), n(Severity::Warning), n(Severity::Info));
        if e + w + i > 0 {
            per_field.push(vec![
                Cell::from(field_name(f, lang)),
                Cell::from(e),
                Cell::from(w),
                Cell::from(i),
            ]);
        }
    }
    summary.table(
        &[
            lang.pick("字段", "Field"),
            lang.pick("错误", "error"),
            lang.pick("警告", "warning"),
            lang.pick("提示", "info"),
        ],
        &per_field,
        false,
    )?;

    let mut findings = SheetWriter::new(lang.pick("问题清单", "Findings"))?;
    let mut headers = vec![
        lang.pick("区划代码", "Jurisdiction"),
        lang.pick("区划名称", "Jurisdiction name"),
        lang.pick("部门", "Department"),
        lang.pick("事项编码", "Item"),
        lang.pick("事项名称", "Item name"),
        lang.pick("字段", "Field"),
        lang.pick("级别", "Severity"),
        lang.pick("规则", "Rule"),
        lang.pick("规则名", "Rule name"),
        lang.pick("参照值", "Expected"),
        lang.pick("实际值", "Actual"),
        lang.pick("说明", "Message"),
    ];
    if baseline.is_some() {
        headers.push(lang.pick("状态", "Status"));
        headers.push(lang.pick("首次发现", "First seen"));
        headers.push(lang.pick("已持续天数", "Age (days)"));
    }
    let mut rows: Vec<Vec<String>> = report
        .findings
        .iter()
        .enumerate()
        // Approved deviations have a sheet of their own.
        .filter(|(_, f)| f.approved.is_none())
        .map(|(i, f)| {
            let j = f.jurisdiction.as_deref().unwrap_or("");
            let item = f.item.as_deref().unwrap_or("");
            let mut row = vec![
                j.to_string(),
                report.names.get(j).map(|s| s.to_string()).unwrap_or_default(),
                view.department(j, item).to_string(),
                item.to_string(),
                f.item_name.as_deref().unwrap_or("").to_string(),
                field_name(f.field, lang).to_string(),
                lang.pick(f.severity.zh(), f.severity.as_str()).to_string(),
                f.rule.to_string(),
                f.name.to_string(),
                f.expected.clone().unwrap_or_default(),
                f.actual.clone().unwrap_or_default(),
                format!(
                    "{}{}",
                    super::message::message(f, lang),
                    super::findings::exception_note(f, lang)
                ),
            ];
            if let Some(c) = baseline {
                row.push(
                    match c.status.get(i) {
                        Some(Status::New) => lang.pick("新增", "new"),
                        Some(Status::Persisting) => lang.pick("持续", "persisting"),
                        None => "",
                    }
                    .to_string(),
                );
                let since = f.since.as_deref();
                row.push(since.map(|s| s.first_seen.clone()).unwrap_or_default());
                row.push(since.map(|s| s.age_days.to_string()).unwrap_or_default());
            }
            row
        })
        .collect();
    let findings_cut = cap_rows(&mut rows);
    findings.table(&headers, &rows, true)?;

    let mut variants = SheetWriter::new(lang.pick("差异对照", "Variants"))?;
    let mut rows = Vec::new();
    for t in &view.items {
        for ft in &t.fields {
            for v in &ft.variants {
                rows.push(vec![
                    Cell::from(t.item.to_string()),
                    Cell::from(t.name.to_string()),
                    Cell::from(crate::report::table_label(ft, lang)),
                    Cell::from(v.value.clone()),
                    Cell::from(v.count),
                    Cell::from(if v.reference { "★" } else { "" }),
                    Cell::from(v.jurisdictions.iter().map(|j| &**j).collect::<Vec<_>>().join("、")),
                ]);
            }
        }
    }
    let variants_cut = cap_rows(&mut rows);
    let notes = cut_notes(
        &[
            (lang.pick("问题清单", "Findings"), findings_cut),
            (lang.pick("差异对照", "Variants"), variants_cut),
        ],
        lang,
    );
    if !notes.is_empty() {
        summary.table(&[lang.pick("工作表", "Sheet"), lang.pick("说明", "Note")], &notes, false)?;
    }
    variants.table(
        &[
            lang.pick("事项编码", "Item"),
            lang.pick("事项名称", "Item name"),
            lang.pick("字段", "Field"),
            lang.pick("取值", "Value"),
            lang.pick("区划数", "Count"),
            lang.pick("参照", "Reference"),
            lang.pick("使用的区划", "Jurisdictions"),
        ],
        &rows,
        true,
    )?;

    let mut sheets = vec![summary.finish()?, findings.finish()?, variants.finish()?];
    if report.approved() > 0 {
        let mut sheet = SheetWriter::new(super::findings::approved_heading(lang))?;
        let rows: Vec<Vec<String>> = report
            .findings
            .iter()
            .filter_map(|f| Some((f, f.approved.as_deref()?)))
            .map(|(f, a)| {
                let j = f.jurisdiction.as_deref().unwrap_or("");
                vec![
                    j.to_string(),
                    report.names.get(j).map(|s| s.to_string()).unwrap_or_default(),
                    f.item.as_deref().unwrap_or("").to_string(),
                    f.item_name.as_deref().unwrap_or("").to_string(),
                    field_name(f.field, lang).to_string(),
                    f.rule.to_string(),
                    f.actual.clone().unwrap_or_default(),
                    super::message::message(f, lang),
                    a.document.clone(),
                    a.approver.clone(),
                    a.expires.clone(),
                    a.reason.clone(),
                ]
            })
            .collect();
        sheet.table(
            &[
                lang.pick("区划代码", "Jurisdiction"),
                lang.pick("区划名称", "Jurisdiction name"),
                lang.pick("事项编码", "Item"),
                lang.pick("事项名称", "Item name"),
                lang.pick("字段", "Field"),
                lang.pick("规则", "Rule"),
                lang.pick("实际值", "Actual"),
                lang.pick("说明", "Message"),
                lang.pick("批准文号", "Document"),
                lang.pick("批准单位", "Approver"),
                lang.pick("有效期至", "Expires"),
                lang.pick("理由", "Reason"),
            ],
            &rows,
            true,
        )?;
        sheets.push(sheet.finish()?);
    }
    if let Some(c) = baseline {
        let mut resolved = SheetWriter::new(lang.pick("已解决", "Resolved"))?;
        let rows: Vec<Vec<String>> = c
            .resolved
            .iter()
            .map(|r| {
                vec![
                    r.jurisdiction.clone().unwrap_or_default(),
                    r.item.clone().unwrap_or_default(),
                    r.item_name.clone().unwrap_or_default(),
                    r.field.clone(),
                    r.rule.clone(),
                    r.message.clone(),
                ]
            })
            .collect();
        resolved.table(
            &[
                lang.pick("区划代码", "Jurisdiction"),
                lang.pick("事项编码", "Item"),
                lang.pick("事项名称", "Item name"),
                lang.pick("字段", "Field"),
                lang.pick("规则", "Rule"),
                lang.pick("说明", "Message"),
            ],
            &rows,
            true,
        )?;
        sheets.push(resolved.finish()?);
    }
    workbook_bytes(sheets)
}
