//! Writing edits into an .xlsx workbook: the items sheet's XML part gets the new cells (as
//! inline strings, keeping each cell's style), every other part of the zip is copied as it is
//! stored, compressed bytes and all.

use std::io::{Read, Write};
use std::path::Path;

use rustc_hash::FxHashMap;

use super::{Edit, Skip};
use crate::load::columns::{Col, Columns, Table};

/// The workbook's bytes with the edits written into sheet `sheet`, and the edits that could not
/// be (each with why); `Err` when the workbook cannot be read or written.
pub(crate) fn apply(
    path: &Path,
    sheet: &str,
    edits: &[Edit],
    columns: &Columns,
) -> Result<super::Written, String> {
    // The header, as the loader reads the sheet.
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| e.to_string())?;
    let mut notes = Vec::new();
    let rows = crate::load::source::sparse_rows(&mut book, sheet, sheet, &mut notes)?;
    let map = rows.iter().take(10).find_map(|(_, cells)| {
        let header: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        let map = columns.map_header(Table::Items, &header);
        (map.get(Col::Code).is_some() && map.get(Col::Name).is_some()).then_some(map)
    });
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    let part = sheet_part(&mut zip, sheet)?;
    let xml = read_part(&mut zip, &part)?;
    let cells = index_cells(&xml);
    let mut skipped = Vec::new();
    let mut splices: Vec<(usize, usize, String)> = Vec::new();
    for e in edits {
        let (i, text) = match super::cell_text(map.as_ref(), e) {
            Ok(found) => found,
            Err(why) => {
                skipped.push((e.clone(), why));
                continue;
            }
        };
        let reference = format!("{}{}", column_name(i), e.line);
        match cells.cell.get(reference.as_str()) {
            Some(&(a, b)) => {
                let style = style_of(xml.get(a..b).unwrap_or_default());
                splices.push((a, b, inline_cell(&reference, style, &text)));
            }
            None => match cells.row.get(&e.line) {
                // An empty cell: written before the row's first cell to its right.
                Some(row) => {
                    let at = row
                        .cells
                        .iter()
                        .find(|(col, _)| *col > i)
                        .map(|&(_, at)| at)
                        .unwrap_or(row.end);
                    splices.push((at, at, inline_cell(&reference, None, &text)));
                }
                None => skipped.push((e.clone(), Skip::NoRow)),
            },
        }
    }
    let out = splice_xml(&xml, splices);
    let bytes = rewrite(&mut zip, &part, out.as_bytes()).map_err(|e| e.to_string())?;
    Ok((bytes, skipped))
}

/// The workbook `book` (bytes) with the 事项编码 of the rows of its sheets `sheets` (steps,
/// materials, elements) changed where `recodes` changes their item's (see `fix::recodes`).
pub(crate) fn recode_children(
    mut book: Vec<u8>,
    sheets: &[(String, Table)],
    recodes: &FxHashMap<(String, String), String>,
    columns: &Columns,
) -> Result<Vec<u8>, String> {
    if recodes.is_empty() {
        return Ok(book);
    }
    for (sheet, table) in sheets {
        let mut xlsx: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(&book[..]))
            .map_err(|e: calamine::XlsxError| e.to_string())?;
        let mut notes = Vec::new();
        let rows = crate::load::source::sparse_rows(&mut xlsx, sheet, sheet, &mut notes)?;
        let Some((k, jur_col, code_col)) =
            rows.iter().take(10).enumerate().find_map(|(k, (_, cells))| {
                let header: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
                let map = columns.map_header(*table, &header);
                Some((k, map.get(Col::Jurisdiction)?, map.get(Col::Code)?))
            })
        else {
            continue;
        };
        let mut zip =
            zip::ZipArchive::new(std::io::Cursor::new(&book[..])).map_err(|e| e.to_string())?;
        let part = sheet_part(&mut zip, sheet)?;
        let xml = read_part(&mut zip, &part)?;
        let cells = index_cells(&xml);
        let mut splices: Vec<(usize, usize, String)> = Vec::new();
        for (line, row) in rows.iter().skip(k + 1) {
            let cell = |i: usize| row.get(i).map(|c| c.trim().to_string()).unwrap_or_default();
            let Some(new) = recodes.get(&(cell(jur_col), cell(code_col))) else { continue };
            let reference = format!("{}{}", column_name(code_col), line);
            if let Some(&(a, b)) = cells.cell.get(reference.as_str()) {
                let style = style_of(xml.get(a..b).unwrap_or_default());
                splices.push((a, b, inline_cell(&reference, style, new)));
            }
        }
        if splices.is_empty() {
            continue;
        }
        let out = splice_xml(&xml, splices);
        let bytes = rewrite(&mut zip, &part, out.as_bytes()).map_err(|e| e.to_string())?;
        drop(zip);
        book = bytes;
    }
    Ok(book)
}

/// `xml` with each range (start, end) replaced by its new text.
fn splice_xml(xml: &str, mut splices: Vec<(usize, usize, String)>) -> String {
    splices.sort_by_key(|s| (s.0, s.1));
    let mut out = String::with_capacity(xml.len() + 256);
    let mut at = 0;
    for (a, b, new) in splices {
        out.push_str(xml.get(at..a).unwrap_or_default());
        out.push_str(&new);
        at = b;
    }
    out.push_str(xml.get(at..).unwrap_or_default());
    out
}

/// The zip with part `part` replaced by `content`, every other entry copied raw.
fn rewrite<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    part: &str,
    content: &[u8],
) -> zip::result::ZipResult<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for k in 0..zip.len() {
        let entry = zip.by_index_raw(k)?;
        let name = entry.name()?.to_string();
        if name == part {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            drop(entry);
            w.start_file(name, options)?;
            w.write_all(content)?;
        } else {
            w.raw_copy_file(entry)?;
        }
    }
    Ok(w.finish()?.into_inner())
}

/// The zip path of the worksheet named `sheet` (workbook.xml, then its relationships).
fn sheet_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    sheet: &str,
) -> Result<String, String> {
    let workbook = read_part(zip, "xl/workbook.xml")?;
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let id = elements(&workbook, "sheet")
        .into_iter()
        .find(|e| attr(e, "name").map(|n| unescape(&n)).as_deref() == Some(sheet))
        .and_then(|e| attr(e, "r:id"))
        .ok_or_else(|| format!("no sheet {sheet:?} in xl/workbook.xml"))?;
    let target = elements(&rels, "Relationship")
        .into_iter()
        .find(|e| attr(e, "Id").as_deref() == Some(id.as_str()))
        .and_then(|e| attr(e, "Target"))
        .ok_or_else(|| format!("no relationship {id} in xl/_rels/workbook.xml.rels"))?;
    Ok(match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    })
}

fn read_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<String, String> {
    let mut f = zip.by_name(name).map_err(|e| format!("{name}: {e}"))?;
    // A part's declared size is not trusted for the allocation (see the hostile suite).
    let mut text = String::new();
    f.read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
    Ok(text)
}

/// The start tags `<name ...>` of `xml` (the text between `<` and `>`).
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    xml.match_indices(open.as_str())
        .filter_map(|(i, _)| {
            let rest = xml.get(i..)?;
            rest.find('>').and_then(|end| rest.get(..end))
        })
        .collect()
}

/// The value of attribute `name` in a start tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let rest = tag.get(at..)?;
    Some(rest.get(..rest.find('"')?)?.to_string())
}

/// The cells and rows of a sheet's XML: each cell's element by its reference (`D64`), and each
/// row's cells (column, start) and where its cells end.
#[derive(Default)]
struct Cells<'a> {
    cell: FxHashMap<&'a str, (usize, usize)>,
    row: FxHashMap<u64, Row>,
}

#[derive(Default)]
struct Row {
    cells: Vec<(usize, usize)>,
    /// Where a cell after the last goes (the `</row>`).
    end: usize,
}

fn index_cells(xml: &str) -> Cells<'_> {
    let mut out = Cells::default();
    let mut current: Option<u64> = None;
    let mut i = 0;
    while let Some(lt) = xml.get(i..).and_then(|r| r.find('<')) {
        let at = i + lt;
        let rest = xml.get(at..).unwrap_or_default();
        let tag_end = rest.find('>').map(|e| at + e + 1).unwrap_or(xml.len());
        let tag = xml.get(at..tag_end).unwrap_or_default();
        if tag.starts_with("<row ") || tag == "<row>" {
            let r = attr(tag, "r").and_then(|r| r.parse().ok());
            current = r;
            if let Some(r) = r {
                let end = if tag.ends_with("/>") { at } else { tag_end };
                out.row.insert(r, Row { cells: Vec::new(), end });
            }
        } else if tag.starts_with("</row") {
            if let Some(row) = current.and_then(|r| out.row.get_mut(&r)) {
                row.end = at;
            }
            current = None;
        } else if tag.starts_with("<c ") || tag == "<c>" {
            let end = if tag.ends_with("/>") {
                tag_end
            } else {
                xml.get(tag_end..)
                    .and_then(|r| r.find("</c>"))
                    .map(|e| tag_end + e + 4)
                    .unwrap_or(tag_end)
            };
            if let Some(reference) = reference_slice(xml, at) {
                let letters = reference.trim_end_matches(|c: char| c.is_ascii_digit());
                if let Some(row) = current.and_then(|r| out.row.get_mut(&r)) {
                    row.cells.push((column_index(letters), at));
                }
                out.cell.insert(reference, (at, end));
            }
            i = end;
            continue;
        }
        i = tag_end;
    }
    out
}

/// The `r` attribute's text of the cell starting at `at`, borrowed from the XML.
fn reference_slice(xml: &str, at: usize) -> Option<&str> {
    let rest = xml.get(at..)?;
    let tag = rest.get(..rest.find('>')?)?;
    let start = tag.find(" r=\"")? + 4;
    let len = tag.get(start..)?.find('"')?;
    rest.get(start..start + len)
}

/// The `s="…"` (style) attribute of a cell element.
fn style_of(cell: &str) -> Option<String> {
    let tag = cell.get(..cell.find('>')?)?;
    attr(tag, "s")
}

fn inline_cell(reference: &str, style: Option<String>, text: &str) -> String {
    let style = style.map(|s| format!(" s=\"{s}\"")).unwrap_or_default();
    format!(
        "<c r=\"{reference}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        escape(text)
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 has no other control characters than tab and line ends.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The letters of column `i` (0 → A, 25 → Z, 26 → AA).
fn column_name(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The index of a column's letters (A → 0).
fn column_index(letters: &str) -> usize {
    letters.bytes().fold(0usize, |n, b| n * 26 + (b - b'A') as usize + 1).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_letters_and_back() {
        for (i, s) in
            [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")]
        {
            assert_eq!(column_name(i), s);
            assert_eq!(column_index(s), i);
        }
    }

    #[test]
    fn cells_and_rows_are_found_in_the_sheet_xml() {
        let xml = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="2"/></row><row r="2" spans="1:3"></row></sheetData>"#;
        let cells = index_cells(xml);
        let (a, b) = cells.cell["A1"];
        assert_eq!(&xml[a..b], r#"<c r="A1" t="s"><v>0</v></c>"#);
        let (a, b) = cells.cell["C1"];
        assert_eq!(&xml[a..b], r#"<c r="C1" s="2"/>"#);
        assert_eq!(style_of(&xml[a..b]).as_deref(), Some("2"));
        assert_eq!(cells.row[&1].cells.len(), 2);
        assert_eq!(&xml[cells.row[&2].end..cells.row[&2].end + 6], "</row>");
        assert_eq!(
            inline_cell("B2", None, "a<b&\"c\""),
            r#"<c r="B2" t="inlineStr"><is><t xml:space="preserve">a&lt;b&amp;&quot;c&quot;</t></is></c>"#
        );
    }
}
