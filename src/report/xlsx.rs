//! Shared helpers for .xlsx reports: tables with a styled, frozen header and an autofilter,
//! column widths that fit Chinese text (a CJK character counts as two), and string-only cells so
//! that data never becomes a formula.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

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

/// Writes one worksheet made of tables, tracking column widths as it goes.
pub struct SheetWriter {
    ws: Worksheet,
    widths: Vec<usize>,
    row: u32,
    header: Format,
    cell: Format,
    frozen: bool,
}

impl SheetWriter {
    /// A new sheet named `name`.
    pub fn new(name: &str) -> Result<SheetWriter> {
        let mut ws = Worksheet::new();
        ws.set_name(name).map_err(xlsx_err)?;
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let cell = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        Ok(SheetWriter { ws, widths: Vec::new(), row: 0, header, cell, frozen: false })
    }

    /// Writes a table at the current row: a styled header row, then `rows`, every cell a string.
    /// The first table of a sheet gets the frozen header; `filter` adds an autofilter over it.
    pub fn table(&mut self, headers: &[&str], rows: &[Vec<String>], filter: bool) -> Result<()> {
        let first = self.row;
        for (c, h) in headers.iter().enumerate() {
            let col = c as u16;
            self.ws.write_string_with_format(first, col, *h, &self.header).map_err(xlsx_err)?;
            self.fit(c, h);
        }
        if !self.frozen {
            self.ws.set_freeze_panes(first + 1, 0).map_err(xlsx_err)?;
            self.frozen = true;
        }
        for (r, row) in rows.iter().enumerate() {
            let rr = first + 1 + r as u32;
            for (c, v) in row.iter().enumerate() {
                let text = cell_text(v);
                // write_string, never write(): a value such as "=1+1" stays text.
                self.ws
                    .write_string_with_format(rr, c as u16, text, &self.cell)
                    .map_err(xlsx_err)?;
                self.fit(c, text);
            }
        }
        let last = first + rows.len() as u32;
        if filter && !headers.is_empty() {
            self.ws.autofilter(first, 0, last, headers.len() as u16 - 1).map_err(xlsx_err)?;
        }
        self.row = last + 2;
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

    /// Sets the column widths and hands the sheet over.
    pub fn finish(mut self) -> Result<Worksheet> {
        for (c, w) in self.widths.iter().enumerate() {
            let w = (*w).clamp(MIN_WIDTH, MAX_WIDTH);
            self.ws.set_column_width(c as u16, w as f64).map_err(xlsx_err)?;
        }
        Ok(self.ws)
    }
}

/// Assembles sheets into a workbook and returns its bytes.
pub fn workbook_bytes(sheets: Vec<Worksheet>) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    // A fixed creation date: the same input gives a byte-identical workbook.
    let epoch = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_err)?;
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
        w.table(&["甲", "乙"], &[vec!["=1+1".into(), "食品经营许可".into()]], true).unwrap();
        let bytes = workbook_bytes(vec![w.finish().unwrap()]).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("表").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("=1+1".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::String("食品经营许可".into())));
        assert!(book.worksheet_formula("表").unwrap().rows().flatten().all(|f| f.is_empty()));
    }
}
