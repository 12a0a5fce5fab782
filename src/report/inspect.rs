//! The report of `qingdan inspect`: what was read from a dataset (jurisdictions per level, items
//! per category, rows read / loaded / rejected per file, the encoding detected, ignored columns
//! and the diagnostics), as text (Chinese or English) or json. It decides nothing.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::load::message_en;
use crate::model::{Category, Dataset, Diagnostic, FileReport, Level};
use crate::report::{Format, Lang};

/// How many diagnostics the text output lists; the rest are counted (json lists all).
const TEXT_DIAGNOSTICS: usize = 50;

/// Renders what was read from `dataset` in `format` (text or json).
pub fn render(dataset: &Dataset, format: Format, lang: Lang) -> Result<Vec<u8>> {
    let summary = Summary::of(dataset);
    match format {
        Format::Text => Ok(text(&summary, lang).into_bytes()),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&summary)
                .map_err(|e| Error::Usage(format!("json: {e}")))?;
            s.push('\n');
            Ok(s.into_bytes())
        }
        other => Err(Error::Usage(format!(
            "inspect writes text or json, not {}",
            format!("{other:?}").to_lowercase()
        ))),
    }
}

/// The inspect report (also its json form).
#[derive(Debug, Serialize)]
struct Summary<'a> {
    source: &'a str,
    jurisdictions: Counts,
    items: ItemCounts,
    files: &'a [FileReport],
    rows_read: u64,
    rows_rejected: u64,
    diagnostics: Vec<DiagnosticOut<'a>>,
}

#[derive(Debug, Serialize)]
struct Counts {
    total: usize,
    /// Level (province, city, county, town) → count.
    by_level: BTreeMap<&'static str, usize>,
}

#[derive(Debug, Serialize)]
struct ItemCounts {
    total: usize,
    /// Category (English word, `unknown` when unreadable) → count.
    by_category: BTreeMap<&'static str, usize>,
    steps: usize,
    materials: usize,
}

#[derive(Debug, Serialize)]
struct DiagnosticOut<'a> {
    file: &'a str,
    line: Option<u64>,
    column: Option<&'a str>,
    text: Option<&'a str>,
    message: &'a str,
    message_en: &'a str,
}

impl<'a> Summary<'a> {
    fn of(d: &'a Dataset) -> Summary<'a> {
        let mut by_level = BTreeMap::new();
        for j in &d.jurisdictions {
            *by_level.entry(j.level.en()).or_insert(0) += 1;
        }
        let mut by_category = BTreeMap::new();
        for item in &d.items {
            let key = item.category.map(Category::en).unwrap_or("unknown");
            *by_category.entry(key).or_insert(0) += 1;
        }
        Summary {
            source: &d.source,
            jurisdictions: Counts { total: d.jurisdictions.len(), by_level },
            items: ItemCounts {
                total: d.items.len(),
                by_category,
                steps: d.items.iter().map(|i| i.steps.len()).sum(),
                materials: d.items.iter().map(|i| i.materials.len()).sum(),
            },
            files: &d.report.files,
            rows_read: d.report.rows_read(),
            rows_rejected: d.report.rows_rejected(),
            diagnostics: d.report.diagnostics.iter().map(DiagnosticOut::of).collect(),
        }
    }
}

impl<'a> DiagnosticOut<'a> {
    fn of(d: &'a Diagnostic) -> DiagnosticOut<'a> {
        DiagnosticOut {
            file: &d.file,
            line: d.line,
            column: d.column.as_deref(),
            text: d.text.as_deref(),
            message: &d.message,
            message_en: message_en(&d.message).unwrap_or(&d.message),
        }
    }
}

fn level_name(en: &str, lang: Lang) -> String {
    match Level::ALL.iter().find(|l| l.en() == en) {
        Some(l) => lang.pick(l.zh(), l.en()).to_string(),
        None => en.to_string(),
    }
}

fn category_name(en: &str, lang: Lang) -> String {
    let all = Category::POWERS.iter().chain(std::iter::once(&Category::PublicService));
    match all.into_iter().find(|c| c.en() == en) {
        Some(c) => lang.pick(c.zh(), c.en()).to_string(),
        None => lang.pick("未识别", "unknown").to_string(),
    }
}

fn table_name(table: &str, lang: Lang) -> &'static str {
    match table {
        "jurisdictions" => lang.pick("区划", "jurisdictions"),
        "items" => lang.pick("事项", "items"),
        "steps" => lang.pick("流程", "steps"),
        "materials" => lang.pick("材料", "materials"),
        _ => "",
    }
}

/// Renders the summary for people.
fn text(s: &Summary<'_>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let sep = if zh { "，" } else { ", " };
    let mut out = String::new();
    let _ = writeln!(out, "{}{}", lang.pick("数据集：", "Dataset: "), s.source);

    let levels: Vec<String> = Level::ALL
        .iter()
        .filter_map(|l| s.jurisdictions.by_level.get(l.en()).map(|n| (l, n)))
        .map(|(l, n)| format!("{} {n}", level_name(l.en(), lang)))
        .collect();
    let _ = writeln!(
        out,
        "{}{}{}",
        lang.pick("区划：", "Jurisdictions: "),
        s.jurisdictions.total,
        if levels.is_empty() { String::new() } else { paren(&levels.join(sep), zh) }
    );

    let mut cats: Vec<(&str, usize)> = s.items.by_category.iter().map(|(k, v)| (*k, *v)).collect();
    // Code order (许可 … 其他, 公共服务), unreadable last.
    cats.sort_by_key(|(k, _)| {
        Category::POWERS
            .iter()
            .chain(std::iter::once(&Category::PublicService))
            .position(|c| c.en() == *k)
            .unwrap_or(usize::MAX)
    });
    let cats: Vec<String> =
        cats.iter().map(|(k, n)| format!("{} {n}", category_name(k, lang))).collect();
    let _ = writeln!(
        out,
        "{}{}{}",
        lang.pick("事项：", "Items: "),
        s.items.total,
        if cats.is_empty() { String::new() } else { paren(&cats.join(sep), zh) }
    );
    let _ = writeln!(
        out,
        "{}",
        if zh {
            format!("流程环节：{}，申请材料：{}", s.items.steps, s.items.materials)
        } else {
            format!("Steps: {}, materials: {}", s.items.steps, s.items.materials)
        }
    );

    let _ = writeln!(out, "\n{}", lang.pick("文件：", "Files:"));
    for f in s.files {
        let line = if zh {
            format!(
                "  {}（{}，{}）：读取 {} 行，载入 {} 行，拒绝 {} 行",
                f.file,
                table_name(&f.table, lang),
                display_encoding(&f.encoding),
                f.rows_read,
                f.rows_loaded,
                f.rows_rejected
            )
        } else {
            format!(
                "  {} ({}, {}): {} rows read, {} loaded, {} rejected",
                f.file,
                table_name(&f.table, lang),
                display_encoding(&f.encoding),
                f.rows_read,
                f.rows_loaded,
                f.rows_rejected
            )
        };
        let _ = writeln!(out, "{line}");
        if !f.ignored_columns.is_empty() {
            let _ = writeln!(
                out,
                "    {}{}",
                lang.pick("未使用的列：", "ignored columns: "),
                f.ignored_columns.join(if zh { "、" } else { ", " })
            );
        }
    }

    let n = s.diagnostics.len();
    if n == 0 {
        let _ = writeln!(out, "\n{}", lang.pick("没有读取问题。", "No problems reading the data."));
    } else {
        let _ = writeln!(
            out,
            "\n{}",
            if zh { format!("读取问题（{n} 条）：") } else { format!("Problems ({n}):") }
        );
        for d in s.diagnostics.iter().take(TEXT_DIAGNOSTICS) {
            let mut line = format!("  {}", d.file);
            if let Some(l) = d.line {
                let _ = write!(line, ":{l}");
            }
            if let Some(c) = d.column {
                let _ = write!(line, "{}{c}", lang.pick("：列 ", ": column "));
            }
            let _ = write!(line, "{}{}", lang.pick("：", ": "), lang.pick(d.message, d.message_en));
            if let Some(t) = d.text {
                let _ = write!(line, "{}", if zh { format!("（{t}）") } else { format!(" ({t})") });
            }
            let _ = writeln!(out, "{line}");
        }
        if n > TEXT_DIAGNOSTICS {
            let rest = n - TEXT_DIAGNOSTICS;
            let _ = writeln!(
                out,
                "  {}",
                if zh {
                    format!("……另有 {rest} 条（用 --format json 查看全部）")
                } else {
                    format!("... and {rest} more (--format json lists all)")
                }
            );
        }
    }
    out
}

fn paren(s: &str, zh: bool) -> String {
    if zh {
        format!("（{s}）")
    } else {
        format!(" ({s})")
    }
}

fn display_encoding(e: &str) -> &str {
    if e.is_empty() {
        "-"
    } else {
        e
    }
}
