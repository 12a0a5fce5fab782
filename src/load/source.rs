//! Finding a dataset's tables (CSV files in a folder, sheets of a workbook) and reading their
//! bytes into text: encoding detection (UTF-8 with or without BOM, GBK, GB18030, UTF-16 with BOM)
//! and xlsx cells to strings.

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use super::columns::Table;
use super::diag::{Diags, Msg};
use crate::error::{Error, Result};
use crate::model::Str;

/// Where one table's rows come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// A CSV file.
    Csv { path: PathBuf, label: String },
    /// Rows already read from a workbook sheet: (1-based row number, cells).
    Sheet { label: String, rows: Vec<(u64, Vec<Str>)> },
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
    // Opening a named pipe nobody writes to blocks for ever; a device never ends.
    if !meta.is_file() {
        return Err(Error::input(
            path.display().to_string(),
            format!(
                "not a dataset: a {} is neither a folder nor a file (nothing is read from it)",
                kind_of(&meta)
            ),
        ));
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
        // DATA.md names .xlsx workbooks only: the readers of the other kinds read sheets whole
        // (a 1 KB .ods of repeated columns and rows expands to billions of cells).
        "ods" | "xls" | "xlsb" | "numbers" | "et" => Err(Error::input(
            path.display().to_string(),
            format!("workbooks of type .{ext} are not read: save it as .xlsx (or CSV files)"),
        )),
        _ => read_workbook(path),
    }
}

/// What a file that is not a regular file is, in words.
pub(crate) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_file() {
        "file"
    } else {
        "special file"
    }
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The regular files of `dir` whose extension is `ext` (any case).
fn files_with_extension(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    Ok(std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case(ext))
                && p.is_file()
        })
        .collect())
}

fn find_in_folder(dir: &Path) -> Result<Found> {
    // Every entry, whatever it is: a table file that is a named pipe, a folder or a dangling
    // link is named in a diagnostic (or, for the items table, stops the run), never left out
    // without a word.
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
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
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => found.tables.push((table, Source::Csv { path, label })),
            Ok(m) if table == Table::Items => {
                return Err(Error::input(
                    path.display().to_string(),
                    format!("cannot read the items table: it is a {}, not a file", kind_of(&m)),
                ))
            }
            Ok(m) => found.notes.push((label, Msg::NotRegularFile, Some(kind_of(&m).into()))),
            Err(e) if table == Table::Items => return Err(Error::io(&path, e)),
            Err(e) => found.notes.push((label, Msg::NotRegularFile, Some(e.to_string()))),
        }
    }
    if !found.tables.iter().any(|(t, _)| *t == Table::Items) {
        // A folder holding a single workbook is read as that workbook.
        let books = files_with_extension(dir, "xlsx")?;
        if let [book] = books.as_slice() {
            return read_workbook(book);
        }
        // A folder holding a single CSV file of another name (a system's export, tasks.csv) and
        // no table file is read as that list, and told so.
        if found.tables.is_empty() {
            let csvs = files_with_extension(dir, "csv")?;
            if let [csv] = csvs.as_slice() {
                let label = file_label(csv);
                found.notes.push((label.clone(), Msg::LoneCsvAsItems, None));
                found.tables.push((Table::Items, Source::Csv { path: csv.clone(), label }));
                return Ok(found);
            }
        }
        return Err(Error::input(
            dir.display().to_string(),
            "no items table: expected items.csv or 事项.csv (or one .xlsx workbook, or one CSV file of any name) in this folder",
        ));
    }
    found.tables.sort_by_key(|(t, _)| *t);
    Ok(found)
}

fn read_workbook(path: &Path) -> Result<Found> {
    // Sizes declared inside the workbook must not size an allocation (calamine reserves room for
    // the shared strings' uniqueCount: 10^12 of them abort the process for memory).
    check_declared_sizes(path)?;
    // The xlsx reader is a dependency we cannot audit: a malformed workbook made it panic
    // (fuzz/artifacts/load_xlsx: a multiplication overflow on a cell reference). A panic there
    // is an unreadable workbook, not a crash of the run, and its message is not printed.
    let read = quiet_panics(|| read_workbook_inner(path));
    match read {
        Some(found) => found,
        None => Err(Error::input(
            path.display().to_string(),
            "not a readable workbook (.xlsx): the workbook reader failed on its contents",
        )),
    }
}

thread_local! {
    /// True while this thread runs code whose panics are caught and reported as errors.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `None` without printing the panic message (the caller
/// reports the failure in its own words). Other threads' panics are printed as before.
pub(crate) fn quiet_panics<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    r.ok()
}

/// Refuses a workbook whose shared strings part declares more strings than its bytes can hold
/// (each takes at least `<si/>`, five bytes). Only the part's first bytes are read.
fn check_declared_sizes(path: &Path) -> Result<()> {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else { return Ok(()) };
    // Not a zip: the workbook reader says so in its own words.
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else { return Ok(()) };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    let file_len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
    for name in names {
        let Ok(entry) = zip.by_name(&name) else { continue };
        // The sizes in the zip's headers are the file's word too: no part holds more than its
        // compressed bytes (at most the whole file) can inflate to (deflate: 1,032 to 1).
        let size = entry.size().min(entry.compressed_size().min(file_len).saturating_mul(1032));
        let mut head = Vec::new();
        // A read error (a bad CRC is found only at the part's end) keeps what was read: the
        // workbook reader reads the declared count before it could notice (fuzz/artifacts/
        // load_xlsx/crash-f8197d8f…: a 3 KB workbook with a wrong CRC asked for 24 TB).
        let _ = entry.take(4096).read_to_end(&mut head);
        let head = String::from_utf8_lossy(&head);
        let Some(sst) = head.find("<sst").and_then(|i| head.get(i..)) else { continue };
        let tag = sst.split('>').next().unwrap_or("");
        // (`count` is the number of cells showing them, which may well be larger.)
        for attr in ["uniqueCount"] {
            let Some(value) = attribute(tag, attr) else { continue };
            let declared: u128 = value.trim().parse().unwrap_or(u128::MAX);
            if declared > u128::from(size / 5 + 1) {
                return Err(Error::input(
                    path.display().to_string(),
                    format!(
                        "not a readable workbook (.xlsx): {name} declares {attr}=\"{}\" shared \
                         strings, more than its {size} bytes can hold",
                        super::diag::shorten(value)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The value of attribute `name` in the text of an XML start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before = rest.get(..i).and_then(|b| b.chars().last());
        let after = rest.get(i + name.len()..)?.trim_start();
        rest = rest.get(i + name.len()..)?;
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(after) = after.strip_prefix('=') else { continue };
        let after = after.trim_start();
        let quote = after.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let body = after.get(1..)?;
        return body.find(quote).and_then(|end| body.get(..end));
    }
    None
}

fn read_workbook_inner(path: &Path) -> Result<Found> {
    use calamine::Reader;
    let name = file_label(path);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(|e| {
        Error::input(path.display().to_string(), format!("not a readable workbook (.xlsx): {e}"))
    })?;
    super::count_read(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
    let mut found = Found::default();
    // Why each sheet that names a table could not be read.
    let mut unreadable: Vec<(Table, String, String)> = Vec::new();
    for sheet in book.sheet_names().to_vec() {
        let label = format!("{name}#{sheet}");
        let Some(table) = Table::from_stem(&sheet) else {
            continue;
        };
        if found.tables.iter().any(|(t, _)| *t == table) {
            found.notes.push((label, Msg::DuplicateTable, Some(table.stem().to_string())));
            continue;
        }
        // Read cell by cell: a dense range of a sheet with one cell at XFD1048576 would be 17
        // billion cells (hostile suite: abort for memory).
        match sparse_rows(&mut book, &sheet, &label, &mut found.notes) {
            Ok(rows) => found.tables.push((table, Source::Sheet { label, rows })),
            Err(e) => {
                unreadable.push((table, sheet.clone(), e.clone()));
                found.notes.push((label, Msg::UnreadableSheet, Some(e)));
            }
        }
    }
    if !found.tables.iter().any(|(t, _)| *t == Table::Items) {
        if let Some((_, sheet, why)) = unreadable.iter().find(|(t, _, _)| *t == Table::Items) {
            return Err(Error::input(
                format!("{}#{sheet}", path.display()),
                format!("the items sheet cannot be read: {why}"),
            ));
        }
        // A one-sheet export (Sheet1, 事项清单) is the items; so is the one sheet named as lists
        // are commonly named.
        let sheets = book.sheet_names().to_vec();
        let unclaimed: Vec<&String> =
            sheets.iter().filter(|s| Table::from_stem(s).is_none()).collect();
        let listed: Vec<&String> =
            unclaimed.iter().copied().filter(|s| is_list_sheet_name(s)).collect();
        let chosen = match (sheets.as_slice(), listed.as_slice()) {
            ([only], _) => Some(only.clone()),
            (_, [one]) => Some((*one).clone()),
            _ => None,
        };
        if let Some(sheet) = chosen {
            let label = format!("{name}#{sheet}");
            match sparse_rows(&mut book, &sheet, &label, &mut found.notes) {
                Ok(rows) => found.tables.push((Table::Items, Source::Sheet { label, rows })),
                Err(why) => {
                    return Err(Error::input2(
                        format!("{}#{sheet}", path.display()),
                        &format!("事项工作表无法读取：{why}"),
                        &format!("the items sheet cannot be read: {why}"),
                    ))
                }
            }
        } else {
            let shown: Vec<String> = sheets.iter().map(|s| format!("“{s}”")).collect();
            let shown = if shown.is_empty() { "（无）".to_string() } else { shown.join("、") };
            let shown_en: Vec<String> = sheets.iter().map(|s| format!("{s:?}")).collect();
            return Err(Error::input2(
                path.display().to_string(),
                &format!(
                    "找不到事项工作表：工作簿中有 {shown}；应有名为“事项”或“items”的工作表（也认“事项清单”“实施清单”“权力清单”），或只有一个工作表"
                ),
                &format!(
                    "no items sheet: the workbook has {}; expected a sheet named 事项 or items (or 事项清单, 实施清单, 权力清单), or a single sheet",
                    if shown_en.is_empty() { "no sheet".to_string() } else { shown_en.join(", ") }
                ),
            ));
        }
    }
    found.tables.sort_by_key(|(t, _)| *t);
    Ok(found)
}

/// A sheet name lists are commonly exported under: 事项清单, 实施清单, 权力清单 (and longer
/// names ending so: 行政权力事项清单, 某某县权力清单).
fn is_list_sheet_name(sheet: &str) -> bool {
    let s = crate::value::name::normalize(sheet);
    ["事项清单", "实施清单", "权力清单", "事项目录", "权责清单"].iter().any(|n| s.ends_with(n))
}

/// Widest row read from a sheet: far beyond any real list's columns, and it bounds the memory a
/// hostile sheet can make us spend on empty cells.
const MAX_SHEET_COLUMNS: u32 = 4096;

/// The non-empty rows of an .xlsx sheet, read cell by cell: (1-based line, cells from column A).
/// A cell's text is cut a little past the longest cell kept (the reader reports it as too long
/// and cuts it to that), and the cells showing one shared string share its text: 150 cells of
/// one 10 MB string are one cut copy, not 150 whole ones.
pub(crate) fn sparse_rows<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut calamine::Xlsx<RS>,
    sheet: &str,
    label: &str,
    notes: &mut Vec<(String, Msg, Option<String>)>,
) -> std::result::Result<Vec<(u64, Vec<Str>)>, String> {
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
    let mut rows: std::collections::BTreeMap<u32, Vec<(u32, Str)>> = Default::default();
    let mut beyond: Option<(u32, u32)> = None;
    // Shared strings by their address in the reader's table.
    let mut shared: rustc_hash::FxHashMap<(usize, usize), Str> = Default::default();
    let empty: Str = Str::from("");
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        if c >= MAX_SHEET_COLUMNS {
            beyond.get_or_insert((r, c));
            continue;
        }
        let text: Str = match cell.get_value() {
            calamine::DataRef::SharedString(s) => {
                let key = (s.as_ptr() as usize, s.len());
                shared.entry(key).or_insert_with(|| Str::from(cut(s))).clone()
            }
            calamine::DataRef::String(s) => Str::from(cut(s)),
            other => {
                let text = cell_text(&calamine::Data::from(other.clone()));
                Str::from(cut(&text))
            }
        };
        if text.is_empty() {
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
            let mut row = vec![empty.clone(); width];
            for (c, text) in cells {
                if let Some(slot) = row.get_mut(c as usize) {
                    *slot = text;
                }
            }
            (r as u64 + 1, row)
        })
        .collect())
}

/// A cell's text cut to a few bytes past [`super::read::MAX_FIELD`] (at a character boundary):
/// enough for the reader to see it is too long.
fn cut(s: &str) -> &str {
    let limit = super::read::MAX_FIELD + 4;
    if s.len() <= limit {
        return s;
    }
    let mut end = limit;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
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
