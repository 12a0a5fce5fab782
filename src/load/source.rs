//! Finding a dataset's tables (CSV files in a folder, sheets of a workbook) and reading their
//! bytes into text: encoding detection (UTF-8 with or without BOM, GBK, GB18030, UTF-16 with BOM)
//! and xlsx cells to strings.

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use super::columns::Table;
use super::diag::{Diags, Msg};
use crate::error::{Error, Result};

/// Where one table's rows come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A CSV file.
    Csv { path: PathBuf, label: String },
    /// Rows already read from a workbook sheet: (1-based row number, cells).
    Sheet { label: String, rows: Vec<(u64, Vec<String>)> },
}

impl Source {
    /// The name used in reports and diagnostics.
    pub(crate) fn label(&self) -> &str {
        match self {
            Source::Csv { label, .. } | Source::Sheet { label, .. } => label,
        }
    }
}

/// What was found at a dataset path: a source per table (at most one each), plus diagnostics
/// about what was skipped.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub(crate) tables: Vec<(Table, Source)>,
    pub(crate) notes: Vec<(String, Msg, Option<String>)>,
}

/// Finds the tables of the dataset at `path`: a folder of CSV files, a workbook, or one CSV file
/// (read as the items table: a single system export).
pub(crate) fn find(path: &Path) -> Result<Found> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return find_in_folder(path);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => Ok(Found {
            tables: vec![(
                Table::Items,
                Source::Csv { path: path.to_path_buf(), label: file_label(path) },
            )],
            notes: Vec::new(),
        }),
        _ => read_workbook(path),
    }
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn find_in_folder(dir: &Path) -> Result<Found> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    entries.sort();
    let mut found = Found::default();
    for path in entries {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if ext != "csv" {
            continue;
        }
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(table) = Table::from_stem(&stem) else {
            continue;
        };
        let label = file_label(&path);
        if found.tables.iter().any(|(t, _)| *t == table) {
            found.notes.push((label, Msg::DuplicateTable, Some(table.stem().to_string())));
            continue;
        }
        found.tables.push((table, Source::Csv { path, label }));
    }
    if !found.tables.iter().any(|(t, _)| *t == Table::Items) {
        // A folder holding a single workbook is read as that workbook.
        let books: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).map(|e| e.eq_ignore_ascii_case("xlsx"))
                    == Some(true)
            })
            .collect();
        if let [book] = books.as_slice() {
            return read_workbook(book);
        }
        return Err(Error::input(
            dir.display().to_string(),
            "no items table: expected items.csv or 事项.csv (or one .xlsx workbook) in this folder",
        ));
    }
    found.tables.sort_by_key(|(t, _)| *t);
    Ok(found)
}

fn read_workbook(path: &Path) -> Result<Found> {
    // The xlsx reader is a dependency we cannot audit: a malformed workbook made it panic
    // (fuzz/artifacts/load_xlsx: a multiplication overflow on a cell reference). A panic there
    // is an unreadable workbook, not a crash of the run.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_workbook_inner(path))) {
        Ok(found) => found,
        Err(_) => Err(Error::input(
            path.display().to_string(),
            "not a readable workbook (.xlsx): the workbook reader failed on its contents",
        )),
    }
}

fn read_workbook_inner(path: &Path) -> Result<Found> {
    use calamine::Reader;
    let name = file_label(path);
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        Error::input(path.display().to_string(), format!("not a readable workbook (.xlsx): {e}"))
    })?;
    let mut found = Found::default();
    for sheet in book.sheet_names().to_vec() {
        let label = format!("{name}#{sheet}");
        let Some(table) = Table::from_stem(&sheet) else {
            continue;
        };
        if found.tables.iter().any(|(t, _)| *t == table) {
            found.notes.push((label, Msg::DuplicateTable, Some(table.stem().to_string())));
            continue;
        }
        let rows = match &mut book {
            // Read .xlsx cell by cell: a dense range of a sheet with one cell at XFD1048576
            // would be 17 billion cells (hostile suite: abort for memory).
            calamine::Sheets::Xlsx(xlsx) => sparse_rows(xlsx, &sheet, &label, &mut found.notes),
            other => other
                .worksheet_range(&sheet)
                .map(|range| dense_rows(&range))
                .map_err(|e| e.to_string()),
        };
        match rows {
            Ok(rows) => found.tables.push((table, Source::Sheet { label, rows })),
            Err(e) => found.notes.push((label, Msg::UnreadableSheet, Some(e))),
        }
    }
    if !found.tables.iter().any(|(t, _)| *t == Table::Items) {
        return Err(Error::input(
            path.display().to_string(),
            "no items sheet: expected a sheet named items or 事项",
        ));
    }
    found.tables.sort_by_key(|(t, _)| *t);
    Ok(found)
}

/// Widest row read from a sheet: far beyond any real list's columns, and it bounds the memory a
/// hostile sheet can make us spend on empty cells.
const MAX_SHEET_COLUMNS: u32 = 4096;

/// The non-empty rows of an .xlsx sheet, read cell by cell: (1-based line, cells from column A).
fn sparse_rows<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut calamine::Xlsx<RS>,
    sheet: &str,
    label: &str,
    notes: &mut Vec<(String, Msg, Option<String>)>,
) -> std::result::Result<Vec<(u64, Vec<String>)>, String> {
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(u32, String)>> = Default::default();
    let mut beyond: Option<(u32, u32)> = None;
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        if c >= MAX_SHEET_COLUMNS {
            beyond.get_or_insert((r, c));
            continue;
        }
        rows.entry(r).or_default().push((c, text));
    }
    if let Some((r, c)) = beyond {
        notes.push((
            label.to_string(),
            Msg::CellsBeyondWidth,
            Some(format!("row {}, column {}", r as u64 + 1, c as u64 + 1)),
        ));
    }
    Ok(rows
        .into_iter()
        .map(|(r, mut cells)| {
            cells.sort_by_key(|(c, _)| *c);
            let width = cells.last().map(|(c, _)| *c as usize + 1).unwrap_or(0);
            let mut row = vec![String::new(); width];
            for (c, text) in cells {
                row[c as usize] = text;
            }
            (r as u64 + 1, row)
        })
        .collect())
}

/// The non-empty rows of a dense range (.xls, .ods): (1-based line, cells from column A).
fn dense_rows(range: &calamine::Range<calamine::Data>) -> Vec<(u64, Vec<String>)> {
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            // Cells left of the used range are empty; keep columns aligned with A.
            let mut cells = vec![String::new(); first_col];
            cells.extend(row.iter().map(cell_text));
            while cells.last().is_some_and(|c| c.is_empty()) {
                cells.pop();
            }
            (first_row + i as u64 + 1, cells)
        })
        .filter(|(_, cells)| !cells.is_empty())
        .collect()
}

/// The text of a cell as a clerk sees it: whole numbers without a decimal point (division codes
/// are often stored as numbers).
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        other => other.to_string(),
    }
}

/// Resolves a `--encoding` label.
pub(crate) fn encoding_for(label: &str) -> Result<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase();
    let l = if l == "utf8" { "utf-8".to_string() } else { l };
    Encoding::for_label(l.as_bytes()).ok_or_else(|| {
        Error::Usage(format!("unknown encoding {label:?} (use utf-8, gbk or gb18030)"))
    })
}

/// Decodes a CSV file's bytes. Returns the text and the encoding's name; undecodable bytes are
/// replaced (U+FFFD) and reported with the line of the first one.
/// Decoded file text: UTF-8 bytes kept as they were read (validated, not copied), or text
/// decoded from another encoding.
pub(crate) enum Text {
    Utf8(Vec<u8>),
    Decoded(String),
}

impl Text {
    /// The text. (`Utf8` holds validated bytes; the check is repeated here, at SIMD speed,
    /// rather than trusting it without a check.)
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Utf8(bytes) => simdutf8::basic::from_utf8(bytes).unwrap_or_default(),
            Text::Decoded(s) => s,
        }
    }
}

/// Like [`decode_text`], into a `String`.
#[cfg(test)]
pub(crate) fn decode(
    bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
    diags: &mut Diags,
) -> (String, String) {
    let (text, name) = decode_text(bytes, forced, diags);
    (text.as_str().to_string(), name)
}

pub(crate) fn decode_text(
    bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
    diags: &mut Diags,
) -> (Text, String) {
    if let Some(enc) = forced {
        let name = if enc == encoding_rs::GBK {
            "GBK"
        } else if enc == encoding_rs::GB18030 {
            "GB18030"
        } else {
            enc.name()
        };
        let bytes = strip_bom(&bytes, enc);
        return (Text::Decoded(decode_with(enc, bytes, diags)), name.to_string());
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        let name = format!("{} (BOM)", enc.name());
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return (Text::Decoded(decode_with(enc, rest, diags)), name);
    }
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        return (Text::Utf8(bytes), "UTF-8".to_string());
    }
    let bytes = bytes.as_slice();
    if let Some(text) =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    {
        let name = if is_gbk(bytes) { "GBK" } else { "GB18030" };
        return (Text::Decoded(text.into_owned()), name.to_string());
    }
    // Neither decodes cleanly: a UTF-8 file with a few stray bytes is far more common
    // than a broken GBK one, but go by whichever loses fewer characters.
    let utf8 = String::from_utf8_lossy(bytes);
    let (gb, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    let bad_utf8 = utf8.matches('\u{FFFD}').count();
    let bad_gb = gb.matches('\u{FFFD}').count();
    if bad_utf8 <= bad_gb {
        (Text::Decoded(decode_with(encoding_rs::UTF_8, bytes, diags)), "UTF-8".to_string())
    } else {
        (Text::Decoded(decode_with(encoding_rs::GB18030, bytes, diags)), "GB18030".to_string())
    }
}

fn strip_bom<'a>(bytes: &'a [u8], enc: &'static Encoding) -> &'a [u8] {
    match Encoding::for_bom(bytes) {
        Some((bom_enc, len)) if bom_enc == enc => bytes.get(len..).unwrap_or_default(),
        _ => bytes,
    }
}

fn decode_with(enc: &'static Encoding, bytes: &[u8], diags: &mut Diags) -> String {
    if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
        return text.into_owned();
    }
    // Find the first bad byte to report it with its line.
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let text = text.into_owned();
    let bad = text.matches('\u{FFFD}').count();
    if let Some(pos) = text.find('\u{FFFD}') {
        let before = text.get(..pos).unwrap_or("");
        let line = before.matches('\n').count() as u64 + 1;
        let line_text = text.get(pos..).unwrap_or("").lines().next().unwrap_or("");
        let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let line_text = format!("{}{}", text.get(start..pos).unwrap_or(""), line_text);
        diags.push_at(Some(line), None, Some(format!("{line_text} [{bad}]")), Msg::Undecodable);
    }
    text
}

/// True when `bytes` are GBK (no GB18030 four-byte sequences). Assumes they decode as GB18030.
fn is_gbk(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(0x30..=0x39) => return false,
            Some(_) => i += 2,
            None => return true,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Diags {
        Diags::new("t.csv".into())
    }

    #[test]
    fn detects_utf8_bom_gbk_gb18030() {
        let mut g = d();
        assert_eq!(decode("事项".as_bytes().to_vec(), None, &mut g).1, "UTF-8");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("事项".as_bytes());
        assert_eq!(decode(bom, None, &mut g), ("事项".to_string(), "UTF-8 (BOM)".to_string()));
        let (gbk, _, _) = encoding_rs::GBK.encode("食品经营许可");
        assert_eq!(
            decode(gbk.to_vec(), None, &mut g),
            ("食品经营许可".to_string(), "GBK".to_string())
        );
        // 𠀀 is outside GBK: GB18030 encodes it in four bytes.
        let (gb, _, _) = encoding_rs::GB18030.encode("事项𠀀");
        assert_eq!(
            decode(gb.to_vec(), None, &mut g),
            ("事项𠀀".to_string(), "GB18030".to_string())
        );
        assert!(g.is_empty());
    }

    #[test]
    fn undecodable_bytes_are_reported_with_their_line() {
        let mut g = d();
        let bytes = b"a,b\n1,2\n\xff\xff,3\n";
        let (text, _) = decode(bytes.to_vec(), None, &mut g);
        assert!(text.contains('\u{FFFD}'));
        let list = g.finish();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].line, Some(3));
    }

    #[test]
    fn a_gbk_file_with_one_stray_byte_stays_gbk() {
        let mut g = d();
        let mut bytes =
            encoding_rs::GBK.encode("区划代码,事项名称\n450102,食品经营许可\n").0.into_owned();
        bytes.extend_from_slice(b"450103,\xff\n");
        let (text, enc) = decode(bytes, None, &mut g);
        assert_eq!(enc, "GB18030");
        assert!(text.starts_with("区划代码,事项名称"));
        assert_eq!(g.finish()[0].line, Some(3));
    }

    #[test]
    fn forced_encoding() {
        let mut g = d();
        let (gbk, _, _) = encoding_rs::GBK.encode("许可");
        let enc = encoding_for("gbk").unwrap();
        assert_eq!(decode(gbk.to_vec(), Some(enc), &mut g).0, "许可");
        assert!(encoding_for("klingon").is_err());
    }
}
