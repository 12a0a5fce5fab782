//! `diff --format xlsx`: a summary sheet (totals, rates, ranking), a changes sheet (one row per
//! field change) and an items sheet (measures before and after, score), through the shared
//! helpers of `report::xlsx`: counts, scores and rates as numbers, text as strings (never a
//! formula), the kind of each change in words (新增, 删除, 改名, 压缩2个工作日 …).

use crate::diff::{DiffReport, Measures, Rates};
use crate::error::Result;

use rust_xlsxwriter::Workbook;

use crate::report::xlsx::{cut_notes, save, Cell, SheetWriter, MAX_DATA_ROWS};
use crate::report::Lang;

fn rate(x: Option<f64>) -> Cell {
    Cell::Pct(x)
}

fn rate_rows(b: &Rates, a: &Rates, lang: Lang) -> Vec<Vec<Cell>> {
    vec![
        vec![lang.pick("事项数", "items").into(), b.items.into(), a.items.into()],
        vec![
            lang.pick("承诺时限压缩率", "compression").into(),
            rate(b.compression),
            rate(a.compression),
        ],
        vec![
            lang.pick("即办件占比", "immediate").into(),
            rate(b.immediate_share),
            rate(a.immediate_share),
        ],
        vec![
            lang.pick("最多跑一次", "at most one visit").into(),
            rate(b.at_most_one_visit_share),
            rate(a.at_most_one_visit_share),
        ],
        vec![
            lang.pick("零跑动", "no visit").into(),
            rate(b.zero_visit_share),
            rate(a.zero_visit_share),
        ],
    ]
}

fn measures(m: Option<&Measures>) -> Vec<Cell> {
    match m {
        Some(m) => vec![
            m.steps.into(),
            m.stamps.into(),
            m.materials.into(),
            m.committed_days.map(Cell::from).unwrap_or_else(|| "".into()),
            m.visits.into(),
            m.intermediaries.into(),
            (m.charged as u64).into(),
        ],
        None => vec![Cell::from(""); 7],
    }
}

/// Renders the diff as an .xlsx workbook.
pub fn render(r: &DiffReport, lang: Lang) -> Result<Vec<u8>> {
    let t = &r.summary.totals;
    let mut summary = SheetWriter::new(lang.pick("汇总", "Summary"))?;
    let red = &t.reduced;
    let rows: Vec<Vec<Cell>> = [
        (lang.pick("事项", "items"), Cell::from(t.items)),
        (lang.pick("简化", "simpler"), Cell::from(t.simplified)),
        (lang.pick("未变", "same"), Cell::from(t.same)),
        (lang.pick("更复杂", "more complicated"), Cell::from(t.complicated)),
        (lang.pick("新增", "added"), Cell::from(t.added)),
        (lang.pick("取消", "removed"), Cell::from(t.removed)),
        (lang.pick("编码变更", "recoded"), Cell::from(t.recoded)),
        (lang.pick("简化总分", "score"), Cell::Num(t.score)),
        (lang.pick("减少环节", "steps removed"), Cell::from(red.steps)),
        (lang.pick("减少盖章", "stamps removed"), Cell::from(red.stamps)),
        (lang.pick("减少材料", "materials removed"), Cell::from(red.materials)),
        (lang.pick("减少跑动", "visits removed"), Cell::from(red.visits)),
        (lang.pick("减少中介", "intermediaries removed"), Cell::from(red.intermediaries)),
        (lang.pick("压缩时限（工作日）", "committed days cut"), Cell::from(red.committed_days)),
    ]
    .into_iter()
    .map(|(k, v)| vec![Cell::from(k), v])
    .collect();
    summary.table(&[lang.pick("项目", "Measure"), lang.pick("数值", "Value")], &rows, false)?;
    summary.table(
        &[lang.pick("指标", "Rate"), lang.pick("调整前", "Before"), lang.pick("调整后", "After")],
        &rate_rows(&t.before, &t.after, lang),
        false,
    )?;
    for (title, list) in [
        (lang.pick("区划名称", "Jurisdiction"), &r.summary.ranking.jurisdictions),
        (lang.pick("部门", "Department"), &r.summary.ranking.departments),
    ] {
        let rows: Vec<Vec<Cell>> = list
            .iter()
            .map(|x| {
                vec![
                    x.rank.into(),
                    x.key.clone().into(),
                    x.label.clone().into(),
                    Cell::Num(x.score),
                    x.mean_score.map(Cell::Num).unwrap_or_else(|| "".into()),
                    x.simplified.into(),
                    x.complicated.into(),
                ]
            })
            .collect();
        summary.table(
            &[
                lang.pick("名次", "Rank"),
                lang.pick("区划代码", "Code"),
                title,
                lang.pick("总分", "Score"),
                lang.pick("平均分", "Mean"),
                lang.pick("简化", "Simplified"),
                lang.pick("更复杂", "More complicated"),
            ],
            &rows,
            false,
        )?;
    }

    let mut wb = Workbook::new();
    let mut changes = SheetWriter::streaming(&mut wb, lang.pick("变化明细", "Changes"))?;
    // The changes row by row as they are written, at most what a sheet holds.
    let total: usize = r.items.iter().map(|it| it.changes.len()).sum();
    let changes_cut = total.saturating_sub(MAX_DATA_ROWS);
    let rows = r
        .items
        .iter()
        .flat_map(|it| it.changes.iter().map(move |c| (it, c)))
        .take(MAX_DATA_ROWS)
        .map(|(it, c)| {
            vec![
                it.jurisdiction.to_string(),
                it.item.to_string(),
                it.name.to_string(),
                it.department.to_string(),
                lang.pick(c.field.zh(), c.field.as_str()).to_string(),
                super::change_word(c, it, lang),
                c.old.clone().unwrap_or_default(),
                c.new.clone().unwrap_or_default(),
            ]
        });
    changes.table_owned(
        &[
            lang.pick("区划代码", "Jurisdiction"),
            lang.pick("事项编码", "Item"),
            lang.pick("事项名称", "Name"),
            lang.pick("实施主体", "Department"),
            lang.pick("字段", "Field"),
            lang.pick("变化", "Kind"),
            lang.pick("调整前", "Old"),
            lang.pick("调整后", "New"),
        ],
        rows,
        true,
    )?;

    let mut items = SheetWriter::streaming(&mut wb, lang.pick("逐项对比", "Items"))?;
    let items_cut = r.items.len().saturating_sub(MAX_DATA_ROWS);
    let rows = r.items.iter().take(MAX_DATA_ROWS).map(|it| {
        let mut row = vec![
            it.jurisdiction.to_string().into(),
            it.item.to_string().into(),
            it.name.to_string().into(),
            it.department.to_string().into(),
            lang.pick(it.status.zh(), it.status.as_str()).into(),
            Cell::Num(it.score),
        ];
        row.extend(measures(it.before.as_ref()));
        row.extend(measures(it.after.as_ref()));
        row
    });
    let mut headers = vec![
        lang.pick("区划代码", "Jurisdiction"),
        lang.pick("事项编码", "Item"),
        lang.pick("事项名称", "Name"),
        lang.pick("实施主体", "Department"),
        lang.pick("状态", "Status"),
        lang.pick("得分", "Score"),
    ];
    let names_zh = ["环节", "盖章", "材料", "承诺时限", "跑动", "中介", "收费"];
    let names_en =
        ["steps", "stamps", "materials", "committed_days", "visits", "intermediaries", "charged"];
    let labels: Vec<String> = ["前", "后"]
        .iter()
        .zip(["before", "after"])
        .flat_map(|(zh, en)| {
            names_zh.iter().zip(names_en).map(move |(nz, ne)| match lang {
                Lang::Zh => format!("{nz}（{zh}）"),
                Lang::En => format!("{ne} {en}"),
            })
        })
        .collect();
    headers.extend(labels.iter().map(String::as_str));
    items.table_owned(&headers, rows, true)?;
    let notes = cut_notes(
        &[
            (lang.pick("变化明细", "Changes"), changes_cut),
            (lang.pick("逐项对比", "Items"), items_cut),
        ],
        lang,
    );
    if !notes.is_empty() {
        summary.table(&[lang.pick("工作表", "Sheet"), lang.pick("说明", "Note")], &notes, false)?;
    }
    let mut sheets = vec![summary.finish()?, changes.finish()?, items.finish()?];
    if !r.warnings.is_empty() {
        let mut warnings = SheetWriter::streaming(&mut wb, lang.pick("警告", "Warnings"))?;
        let rows: Vec<Vec<String>> = r
            .warnings
            .iter()
            .map(|w| {
                let msg = if lang == Lang::En && !w.message_en.is_empty() {
                    &w.message_en
                } else {
                    &w.message
                };
                vec![w.jurisdiction.to_string(), w.item.clone(), msg.clone()]
            })
            .collect();
        warnings.table(
            &[
                lang.pick("区划代码", "Jurisdiction"),
                lang.pick("事项编码", "Item"),
                lang.pick("说明", "Message"),
            ],
            &rows,
            true,
        )?;
        sheets.push(warnings.finish()?);
    }
    save(wb, sheets)
}
