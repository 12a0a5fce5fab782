//! Shared helpers for .xlsx reports: tables with a styled, frozen header and an autofilter,
//! column widths that fit Chinese text (a CJK character counts as two), counts, scores and
//! percentages as numbers with a number format (sorting and SUM work), text written as strings
//! so that data never becomes a formula, and a print setup (landscape, one page wide, the
//! header row repeated on every page).

use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

use super::Lang;
use crate::error::{Error, Result};

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Widest a column is made; longer text wraps.
const MAX_WIDTH: usize = 60;
/// Narrowest a column is made.
const MIN_WIDTH: usize = 6;

/// Display width of `s` in spreadsheet character units: East Asian wide and full-width
/// characters count 2, everything else 1. For multi-line text, the widest line.
pub fn text_width(s: &str) -> usize {
    s.lines().map(|line| line.chars().map(char_width).sum()).max().unwrap_or(0)
}

fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = matches!(u,
        0x1100..=0x115F      // Hangul Jamo
        | 0x2E80..=0x303E    // CJK radicals, punctuation
        | 0x3041..=0x33FF    // kana, CJK symbols
        | 0x3400..=0x4DBF    // CJK ext A
        | 0x4E00..=0x9FFF    // CJK unified
        | 0xA000..=0xA4CF    // Yi
        | 0xAC00..=0xD7A3    // Hangul
        | 0xF900..=0xFAFF    // CJK compatibility
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFF60    // full-width forms
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD); // CJK ext B and beyond
    if wide {
        2
    } else {
        1
    }
}

/// Converts a writer error into the crate's error.
fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::input("<xlsx report>", e.to_string())
}

/// Cuts `s` to Excel's cell limit on a character boundary.
fn cell_text(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// One cell of a table: text, or a number Excel can sort and sum.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Written as a string, whatever it looks like (a code keeps its leading zeros, "=1+1"
    /// stays text).
    Text(String),
    /// A count.
    Int(i64),
    /// A score or a mean (shown as Excel's General format shows it).
    Num(f64),
    /// A rate from 0 to 1, shown as a percentage with one decimal (`report::diff::percent`'s
    /// rounding); empty when there is none.
    Pct(Option<f64>),
    /// A day, given as seconds since 1970-01-01 UTC, shown yyyy-mm-dd.
    Date(i64),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

/// What a table's rows may be made of: plain strings, or typed cells.
pub trait CellValue {
    /// Writes the value at (`row`, `col`) of `w`'s sheet.
    fn put(&self, w: &mut SheetWriter, row: u32, col: u16) -> Result<()>;

    /// The lines the value takes once wrapped at the widest a column is made.
    fn lines(&self) -> usize {
        1
    }
}

/// The lines `s` takes in a column of `MAX_WIDTH` units.
fn wrapped_lines(s: &str) -> usize {
    s.lines().map(|l| text_width(l).div_ceil(MAX_WIDTH - 2).max(1)).sum::<usize>().max(1)
}

impl CellValue for String {
    fn put(&self, w: &mut SheetWriter, row: u32, col: u16) -> Result<()> {
        w.text(row, col, self)
    }

    fn lines(&self) -> usize {
        wrapped_lines(self)
    }
}

impl CellValue for Cell {
    fn lines(&self) -> usize {
        match self {
            Cell::Text(s) => wrapped_lines(s),
            _ => 1,
        }
    }

    fn put(&self, w: &mut SheetWriter, row: u32, col: u16) -> Result<()> {
        match self {
            Cell::Text(s) => w.text(row, col, s),
            Cell::Int(n) => w.number(row, col, *n as f64, &n.to_string(), false),
            Cell::Num(x) => w.number(row, col, *x, &super::diff::fmt_num(*x), false),
            Cell::Pct(Some(x)) => {
                // The fraction of the percentage every format shows (0.646 for 64.6%).
                let shown = super::diff::percent(*x);
                w.number(row, col, (x * 1000.0).round() / 1000.0, &format!("{shown:.1}%"), true)
            }
            Cell::Pct(None) => w.text(row, col, ""),
            Cell::Date(secs) => w.date(row, col, *secs),
        }
    }
}

/// Writes one worksheet made of tables, tracking column widths as it goes.
pub struct SheetWriter {
    ws: Worksheet,
    widths: Vec<usize>,
    row: u32,
    header: Format,
    cell: Format,
    number: Format,
    percent: Format,
    /// The header row of the sheet's first table: frozen, and repeated on every printed page.
    header_row: Option<u32>,
}

impl SheetWriter {
    /// A new sheet named `name`, held in memory until the workbook is saved.
    pub fn new(name: &str) -> Result<SheetWriter> {
        SheetWriter::with(Worksheet::new(), name)
    }

    /// A sheet for many rows (a province's findings or changes): each row goes to a temporary
    /// file as soon as the next one starts, strings written inline (rust_xlsxwriter's constant
    /// memory mode), so a million-row sheet does not sit in memory. Rows must come in order,
    /// which [`table`](SheetWriter::table) keeps; the sheet goes into `wb` ([`save`]).
    pub fn streaming(wb: &mut Workbook, name: &str) -> Result<SheetWriter> {
        SheetWriter::with(wb.new_worksheet_with_constant_memory().map_err(xlsx_err)?, name)
    }

    fn with(mut ws: Worksheet, name: &str) -> Result<SheetWriter> {
        ws.set_name(name).map_err(xlsx_err)?;
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let cell = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        let number = Format::new().set_align(FormatAlign::Top);
        let percent = Format::new().set_align(FormatAlign::Top).set_num_format("0.0%");
        Ok(SheetWriter {
            ws,
            widths: Vec::new(),
            row: 0,
            header,
            cell,
            number,
            percent,
            header_row: None,
        })
    }

    /// The row the next table starts at.
    pub fn next_row(&self) -> u32 {
        self.row
    }

    /// Writes a title line at the current row (bold, larger) and moves down one row. A title
    /// does not widen its column.
    pub fn title(&mut self, text: &str) -> Result<()> {
        let f = Format::new().set_bold().set_font_size(14);
        self.ws.write_string_with_format(self.row, 0, cell_text(text), &f).map_err(xlsx_err)?;
        self.row += 1;
        Ok(())
    }

    /// Writes `label: value` lines of a header block (label bold), then a blank row.
    pub fn key_values(&mut self, pairs: &[(&str, Cell)]) -> Result<()> {
        let bold = Format::new().set_bold().set_align(FormatAlign::Top);
        // Values spill to the right over the empty cells instead of wrapping in a column
        // sized for the table below.
        let plain = Format::new().set_align(FormatAlign::Left);
        for (label, value) in pairs {
            self.ws.write_string_with_format(self.row, 0, *label, &bold).map_err(xlsx_err)?;
            self.fit(0, label);
            let row = self.row;
            match value {
                Cell::Text(s) => {
                    self.ws
                        .write_string_with_format(row, 1, cell_text(s), &plain)
                        .map_err(xlsx_err)?;
                }
                Cell::Int(n) => {
                    self.ws
                        .write_number_with_format(row, 1, *n as f64, &plain)
                        .map_err(xlsx_err)?;
                }
                other => other.put(self, row, 1)?,
            }
            self.row += 1;
        }
        self.row += 1;
        Ok(())
    }

    fn text(&mut self, row: u32, col: u16, v: &str) -> Result<()> {
        let text = cell_text(v);
        // write_string, never write(): a value such as "=1+1" stays text.
        self.ws.write_string_with_format(row, col, text, &self.cell).map_err(xlsx_err)?;
        self.fit(col as usize, text);
        Ok(())
    }

    fn date(&mut self, row: u32, col: u16, secs: i64) -> Result<()> {
        // The day only: a workbook says 审核日期 2026-12-02, not a time of day.
        let day =
            ExcelDateTime::from_timestamp(secs - secs.rem_euclid(86_400)).map_err(xlsx_err)?;
        let f = Format::new().set_align(FormatAlign::Left).set_num_format("yyyy-mm-dd");
        self.ws.write_datetime_with_format(row, col, &day, &f).map_err(xlsx_err)?;
        self.fit(col as usize, "2026-12-02");
        Ok(())
    }

    fn number(&mut self, row: u32, col: u16, x: f64, shown: &str, pct: bool) -> Result<()> {
        let f = if pct { &self.percent } else { &self.number };
        self.ws.write_number_with_format(row, col, x, f).map_err(xlsx_err)?;
        self.fit(col as usize, shown);
        Ok(())
    }

    /// Writes a table at the current row: a styled header row, then `rows` (strings written as
    /// text, typed cells as they are). The first table of a sheet gets the frozen header, also
    /// repeated on every printed page; `filter` adds an autofilter over it.
    pub fn table<C: CellValue>(
        &mut self,
        headers: &[&str],
        rows: &[Vec<C>],
        filter: bool,
    ) -> Result<()> {
        self.table_rows(headers, rows, filter)
    }

    /// [`table`](SheetWriter::table) of rows made as they are written, each dropped once
    /// written (a province's changes are never all held as cells at once).
    pub fn table_owned<C: CellValue>(
        &mut self,
        headers: &[&str],
        rows: impl IntoIterator<Item = Vec<C>>,
        filter: bool,
    ) -> Result<()> {
        self.table_rows(headers, rows, filter)
    }

    fn table_rows<C: CellValue, R: AsRef<[C]>>(
        &mut self,
        headers: &[&str],
        rows: impl IntoIterator<Item = R>,
        filter: bool,
    ) -> Result<()> {
        let first = self.head(headers)?;
        let mut n = 0u32;
        for row in rows {
            n += 1;
            self.row_at(first + n, row.as_ref())?;
        }
        if filter && !headers.is_empty() {
            let last_col = headers.len() as u16 - 1;
            self.ws.autofilter(first, 0, first + n, last_col).map_err(xlsx_err)?;
        }
        self.row = first + n + 2;
        Ok(())
    }

    /// The header row of a table at the current row; returns its row.
    fn head(&mut self, headers: &[&str]) -> Result<u32> {
        let first = self.row;
        for (c, h) in headers.iter().enumerate() {
            let col = c as u16;
            self.ws.write_string_with_format(first, col, *h, &self.header).map_err(xlsx_err)?;
            self.fit(c, h);
        }
        if self.header_row.is_none() {
            // A table under a header block (the 审核意见's) scrolls: frozen, the block would
            // fill the window.
            if first == 0 {
                self.ws.set_freeze_panes(first + 1, 0).map_err(xlsx_err)?;
            }
            self.header_row = Some(first);
        }
        Ok(first)
    }

    fn row_at<C: CellValue>(&mut self, rr: u32, row: &[C]) -> Result<()> {
        let mut lines = 1;
        for (c, v) in row.iter().enumerate() {
            v.put(self, rr, c as u16)?;
            lines = lines.max(v.lines());
        }
        // Spreadsheets do not size a row to its wrapped text when they open a file: a row of
        // several reasons is made tall enough here, or its lines print over the next.
        if lines > 1 {
            self.ws.set_row_height(rr, 15.0 * lines.min(60) as f64).map_err(xlsx_err)?;
        }
        Ok(())
    }

    fn fit(&mut self, col: usize, text: &str) {
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        // A little room for the filter button and padding.
        let w = text_width(text) + 2;
        if w > self.widths[col] {
            self.widths[col] = w;
        }
    }

    /// Sets the column widths and the print setup (A4 landscape, fitted to one page wide, the
    /// first table's header row on every page) and hands the sheet over.
    pub fn finish(mut self) -> Result<Worksheet> {
        for (c, w) in self.widths.iter().enumerate() {
            let w = (*w).clamp(MIN_WIDTH, MAX_WIDTH);
            self.ws.set_column_width(c as u16, w as f64).map_err(xlsx_err)?;
        }
        self.ws.set_paper_size(9);
        self.ws.set_landscape();
        self.ws.set_print_fit_to_pages(1, 0);
        if let Some(h) = self.header_row {
            self.ws.set_repeat_rows(h, h).map_err(xlsx_err)?;
        }
        Ok(self.ws)
    }
}

/// Rows of data a worksheet holds below its header (Excel's 1,048,576 rows minus one).
pub const MAX_DATA_ROWS: usize = 1_048_575;

/// Cuts `rows` to what one worksheet holds; returns how many were left out.
pub fn cap_rows<T>(rows: &mut Vec<Vec<T>>) -> usize {
    let over = rows.len().saturating_sub(MAX_DATA_ROWS);
    rows.truncate(MAX_DATA_ROWS);
    over
}

/// The summary rows saying which sheets were cut, if any.
pub fn cut_notes(cut: &[(&str, usize)], lang: Lang) -> Vec<Vec<String>> {
    cut.iter()
        .filter(|(_, n)| *n > 0)
        .map(|(sheet, n)| {
            vec![
                (*sheet).to_string(),
                match lang {
                    Lang::Zh => format!("超出 Excel 行数上限，另有{n}行未写入；全部见 csv 输出"),
                    Lang::En => {
                        format!("{n} more rows exceed Excel's row limit; csv output has them all")
                    }
                },
            ]
        })
        .collect()
}

/// Assembles sheets into a workbook and returns its bytes.
pub fn workbook_bytes(sheets: Vec<Worksheet>) -> Result<Vec<u8>> {
    save(Workbook::new(), sheets)
}

/// Assembles `sheets` into `wb` (the workbook their [`SheetWriter::streaming`] sheets came
/// from), in order, and returns its bytes.
pub fn save(mut wb: Workbook, sheets: Vec<Worksheet>) -> Result<Vec<u8>> {
    // A fixed creation date: the same input gives a byte-identical workbook.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_err)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&epoch));
    for ws in sheets {
        wb.push_worksheet(ws);
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn cjk_counts_double() {
        assert_eq!(text_width("abc"), 3);
        assert_eq!(text_width("食品经营许可"), 12);
        assert_eq!(text_width("（1）"), 5);
        assert_eq!(text_width("短\n更长的一行"), 10);
    }

    #[test]
    fn long_cells_are_cut_on_a_char_boundary() {
        let s = "字".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(cell_text(&s).chars().count(), MAX_CELL_CHARS);
    }

    #[test]
    fn formulas_stay_text_when_read_back() {
        let mut w = SheetWriter::new("表").unwrap();
        w.table(&["甲", "乙"], &[vec![String::from("=1+1"), "食品经营许可".into()]], true).unwrap();
        let bytes = workbook_bytes(vec![w.finish().unwrap()]).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("表").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("=1+1".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::String("食品经营许可".into())));
        assert!(book.worksheet_formula("表").unwrap().rows().flatten().all(|f| f.is_empty()));
    }

    #[test]
    fn numbers_stay_numbers_when_read_back() {
        let mut w = SheetWriter::new("表").unwrap();
        let rows = vec![vec![
            Cell::from("000105001000"),
            Cell::from(14_u64),
            Cell::Num(-2.5),
            Cell::Pct(Some(0.6455)),
            Cell::Pct(None),
        ]];
        w.table(&["编码", "数", "分", "率", "空"], &rows, true).unwrap();
        let bytes = workbook_bytes(vec![w.finish().unwrap()]).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("表").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("000105001000".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(14.0)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(-2.5)));
        // The rate stored as the rounded percentage every other format shows (64.6%).
        assert_eq!(range.get((1, 3)), Some(&Data::Float(0.646)));
    }

    #[test]
    fn rows_beyond_the_sheet_are_cut_and_noted() {
        let mut rows = vec![vec![String::new()]; MAX_DATA_ROWS + 3];
        assert_eq!(cap_rows(&mut rows), 3);
        assert_eq!(rows.len(), MAX_DATA_ROWS);
        let notes = cut_notes(&[("变化明细", 3), ("逐项对比", 0)], Lang::Zh);
        assert_eq!(notes.len(), 1);
        assert!(notes[0][1].contains("另有3行"));
    }
}
