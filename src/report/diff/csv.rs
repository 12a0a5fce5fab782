//! `diff --format csv`: one row per item with its measures and score, written for people or a
//! script (`CsvStyle`), rendered a part at a time in parallel and written in order.

use std::fmt::Write as _;
use std::io::Write;

use super::text::{change_line, Markup};
use super::{io_err, push_num, write_streamed};
use crate::diff::{DiffReport, ItemDiff, Measures};
use crate::error::{Error, Result};
use crate::report::{CsvStyle, Format, Lang};

/// The CSV header: one row per item with its measures and score.
pub const CSV_HEADER: [&str; 26] = [
    "jurisdiction",
    "item",
    "status",
    "recoded",
    "old_code",
    "new_code",
    "name",
    "department",
    "score",
    "steps_before",
    "steps_after",
    "stamps_before",
    "stamps_after",
    "materials_before",
    "materials_after",
    "committed_days_before",
    "committed_days_after",
    "visits_before",
    "visits_after",
    "intermediaries_before",
    "intermediaries_after",
    "charged_before",
    "charged_after",
    "reworded_materials",
    "changed_fields",
    "changes",
];

/// CSV_HEADER for people under `--lang zh`.
pub(super) const CSV_HEADER_ZH: [&str; 26] = [
    "区划代码",
    "事项编码",
    "状态",
    "编码变更",
    "原编码",
    "新编码",
    "事项名称",
    "实施主体",
    "得分",
    "环节（前）",
    "环节（后）",
    "盖章（前）",
    "盖章（后）",
    "材料（前）",
    "材料（后）",
    "承诺时限（前，工作日）",
    "承诺时限（后，工作日）",
    "跑动（前）",
    "跑动（后）",
    "中介（前）",
    "中介（后）",
    "收费（前）",
    "收费（后）",
    "改名材料",
    "变化字段",
    "变化",
];

/// The seven measure cells of CSV_HEADER written into `cells` (empty without measures).
pub(super) fn measure_cells_into(m: Option<&Measures>, cells: &mut [String; 7]) {
    for c in cells.iter_mut() {
        c.clear();
    }
    if let Some(m) = m {
        let _ = write!(cells[0], "{}", m.steps);
        let _ = write!(cells[1], "{}", m.stamps);
        let _ = write!(cells[2], "{}", m.materials);
        if let Some(d) = m.committed_days {
            let _ = write!(cells[3], "{d}");
        }
        let _ = write!(cells[4], "{}", m.visits);
        let _ = write!(cells[5], "{}", m.intermediaries);
        cells[6].push_str(if m.charged { "true" } else { "false" });
    }
}

/// The csv report in `style` (`CsvStyle`: for people or a script; raw or defused).
pub fn csv(r: &DiffReport, style: CsvStyle) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    write_csv(r, style, &mut v)?;
    Ok(v)
}

/// The csv report (`csv`), streamed into `w`: rows rendered in parallel a part at a time
/// (`write_batched`), each part by its own csv writer (a record's bytes depend on the record
/// alone), written in order.
pub fn write_csv<W: Write>(r: &DiffReport, style: CsvStyle, w: &mut W) -> Result<()> {
    write_streamed(r, Format::Csv, style, w)
}

pub(super) fn csv_err(e: csv::Error) -> Error {
    Error::Usage(format!("cannot render CSV: {e}"))
}

/// The csv rows of `items` appended to `buf`.
pub(super) fn csv_rows(items: &[ItemDiff], style: CsvStyle, buf: &mut Vec<u8>) -> Result<()> {
    let err = csv_err;
    let mut w = csv::Writer::from_writer(buf);
    // Text cells are defused; the score stays a number (a negative score is not a formula,
    // and '-4 would not sort as one); codes keep their leading zeros in Excel.
    let text = |w: &mut csv::Writer<&mut Vec<u8>>, c: &str| w.write_field(style.text(c).as_bytes());
    let code = |w: &mut csv::Writer<&mut Vec<u8>>, c: &str| w.write_field(style.code(c).as_bytes());
    let mut b: [String; 7] = Default::default();
    let mut a: [String; 7] = Default::default();
    let mut num = String::new();
    let mut fields = String::new();
    for it in items {
        let changes = changes_cell(it);
        measure_cells_into(it.before.as_ref(), &mut b);
        measure_cells_into(it.after.as_ref(), &mut a);
        fields.clear();
        let mut last = None;
        for c in &it.changes {
            // Consecutive repeats once (as `dedup`).
            if last != Some(c.field) {
                if last.is_some() {
                    fields.push(';');
                }
                fields.push_str(c.field.as_str());
                last = Some(c.field);
            }
        }
        code(&mut w, &it.jurisdiction).map_err(err)?;
        code(&mut w, &it.item).map_err(err)?;
        text(&mut w, it.status.as_str()).map_err(err)?;
        text(&mut w, if it.recoded { "true" } else { "false" }).map_err(err)?;
        code(&mut w, it.old_code.as_deref().unwrap_or("")).map_err(err)?;
        code(&mut w, it.new_code.as_deref().unwrap_or("")).map_err(err)?;
        text(&mut w, &it.name).map_err(err)?;
        text(&mut w, &it.department).map_err(err)?;
        num.clear();
        push_num(&mut num, it.score);
        w.write_field(&num).map_err(err)?;
        for k in 0..7 {
            text(&mut w, &b[k]).map_err(err)?;
            text(&mut w, &a[k]).map_err(err)?;
        }
        num.clear();
        let _ = write!(num, "{}", it.reworded_materials);
        text(&mut w, &num).map_err(err)?;
        text(&mut w, &fields).map_err(err)?;
        text(&mut w, &changes).map_err(err)?;
        w.write_record(None::<&[u8]>).map_err(err)?;
    }
    w.flush().map_err(io_err)
}

/// The `changes` cell of a csv row: one line per change.
pub(super) fn changes_cell(it: &ItemDiff) -> String {
    let mut changes = String::new();
    for (k, c) in it.changes.iter().enumerate() {
        if k > 0 {
            changes.push('\n');
        }
        changes.push_str(&change_line(c, Lang::Zh, Markup::Text));
    }
    changes
}
