//! Reading the rows of one table (a CSV file or a workbook sheet) and handing each to a visitor
//! that types it, while counting every row as loaded or rejected. Wrong field counts, overlong
//! cells and malformed CSV are caught here, so the visitors only see well-formed rows.

use csv::ByteRecord;
use encoding_rs::Encoding;
use rayon::prelude::*;

use super::diag::{Diags, Msg};
use super::source::{decode_text, Source};
use crate::model::FileReport;

/// The largest cell kept, in bytes. Longer cells are truncated (at a character boundary) and
/// reported: no legal basis is a megabyte long, but a broken quote can swallow a whole file.
pub(crate) const MAX_FIELD: usize = 1 << 20;

/// One data row, as the visitor sees it.
pub(crate) enum Row<'a> {
    /// A CSV record of a file whose text is valid UTF-8 (so is the record: the csv crate splits
    /// and unescapes at ASCII bytes only), and its text, checked when first needed: rows whose
    /// cells are all remembered by the visitor are never read as text.
    Csv(&'a ByteRecord, std::cell::OnceCell<Option<&'a str>>),
    Cells(&'a [String]),
}

impl Row<'_> {
    /// The cell in column `i` (empty when the row is shorter), truncated to [`MAX_FIELD`].
    pub(crate) fn get(&self, i: usize) -> &str {
        let s = match self {
            Row::Csv(rec, text) => {
                match text.get_or_init(|| simdutf8::basic::from_utf8(rec.as_slice()).ok()) {
                    Some(text) => rec.range(i).and_then(|r| text.get(r)).unwrap_or(""),
                    None => rec.get(i).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or(""),
                }
            }
            Row::Cells(cells) => cells.get(i).map(String::as_str).unwrap_or(""),
        };
        truncate(s)
    }

    /// The bytes of the cell in column `i`, whole (empty when the row is shorter): for comparing
    /// cells without reading them as text.
    pub(crate) fn bytes(&self, i: usize) -> &[u8] {
        match self {
            Row::Csv(rec, _) => rec.get(i).unwrap_or_default(),
            Row::Cells(cells) => cells.get(i).map(String::as_bytes).unwrap_or_default(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Row::Csv(rec, _) => rec.len(),
            Row::Cells(cells) => cells.len(),
        }
    }

    /// The row as one line of text, for diagnostics.
    fn joined(&self) -> String {
        let mut out = String::new();
        for i in 0..self.len() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(self.get(i));
            if out.len() > 400 {
                break;
            }
        }
        out
    }
}

fn truncate(s: &str) -> &str {
    if s.len() <= MAX_FIELD {
        return s;
    }
    let mut end = MAX_FIELD;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Types the rows of one table.
pub(crate) trait Visitor {
    /// How many columns of a candidate header name a field (to find a header below a title).
    fn header_score(&self, header: &[String]) -> usize;
    /// Sees the header. Returns false when a required column is missing (the visitor reports it);
    /// every row is then counted as rejected.
    fn header(&mut self, header: &[String], diags: &mut Diags) -> bool;
    /// Types one row; returns true when it was loaded.
    fn row(&mut self, line: u64, row: &Row<'_>, diags: &mut Diags) -> bool;
}

/// Reads every row of `source` into visitors made by `new`, filling the counts and encoding of
/// `report`. A large CSV file is cut into pieces read in parallel, each by its own visitor; the
/// visitors are returned in file order (the first one saw the header and the rows next to it).
pub(crate) fn visit<V: Visitor + Send>(
    source: &Source,
    forced: Option<&'static Encoding>,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
) -> Vec<V> {
    let mut visitor = new();
    match source {
        Source::Sheet { rows, .. } => {
            report.encoding = "xlsx".to_string();
            if rows.is_empty() {
                diags.push_at(None, None, None, Msg::EmptyFile);
                return vec![visitor];
            }
            let candidates: Vec<Vec<String>> = rows
                .iter()
                .take(HEADER_SEARCH)
                .map(|(_, cells)| cells.iter().map(|h| h.trim().to_string()).collect())
                .collect();
            let hi = pick_header(&candidates, &visitor, diags, |i| rows.get(i).map(|r| r.0));
            let header = candidates.get(hi).cloned().unwrap_or_default();
            let ok = visitor.header(&header, diags);
            for (line, cells) in rows.iter().skip(hi + 1) {
                report.rows_read += 1;
                let row = Row::Cells(cells);
                check_long_cells(&row, &header, *line, diags);
                if ok && visitor.row(*line, &row, diags) {
                    report.rows_loaded += 1;
                } else {
                    report.rows_rejected += 1;
                }
            }
            vec![visitor]
        }
        Source::Csv { path, .. } => {
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    diags.push_at(None, None, Some(e.to_string()), Msg::UnreadableFile);
                    return vec![visitor];
                }
            };
            let (text, encoding) = decode_text(bytes, forced, diags);
            report.encoding = encoding;
            visit_csv(text.as_str(), visitor, new, parallel, diags, report)
        }
    }
}

/// The delimiter of a CSV file: a comma, unless its first lines have more tabs than commas.
fn delimiter(text: &str) -> u8 {
    let (mut commas, mut tabs) = (0, 0);
    for line in text.lines().take(HEADER_SEARCH) {
        commas += line.matches(',').count();
        tabs += line.matches('\t').count();
    }
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

/// How many leading rows may hold the header (a title row or two above it is common in
/// spreadsheets exported by hand).
const HEADER_SEARCH: usize = 10;

/// The index of the header among the first rows: the first row, unless a later one names more
/// known columns (at least two); the rows above it are reported and not read as data.
fn pick_header(
    candidates: &[Vec<String>],
    visitor: &impl Visitor,
    diags: &mut Diags,
    line_of: impl Fn(usize) -> Option<u64>,
) -> usize {
    let scores: Vec<usize> = candidates.iter().map(|c| visitor.header_score(c)).collect();
    let first = scores.first().copied().unwrap_or(0);
    let best = scores.iter().copied().max().unwrap_or(0);
    if best < 2 || first >= best {
        return 0;
    }
    let hi = scores.iter().position(|s| *s == best).unwrap_or(0);
    let above = candidates.get(..hi).unwrap_or_default();
    let text = above.iter().map(|r| r.join(",")).collect::<Vec<_>>().join(" / ");
    diags.push_at(line_of(hi), None, Some(text), Msg::HeaderNotFirst);
    hi
}

/// The smallest piece of CSV worth reading on its own thread.
const PIECE: usize = 4 << 20;

/// How many pieces a file of `len` bytes is read in: a few per thread, so that the threads stay
/// busy to the end, but no more, since each piece parses its distinct values again.
/// `QINGDAN_PIECE_BYTES=N` sets the piece size and lifts the cap on their number: the tests
/// read small files in many tiny pieces to show that the pieces add up to the whole.
fn piece_count(len: usize) -> usize {
    let forced = std::env::var("QINGDAN_PIECE_BYTES").ok().and_then(|v| v.parse::<usize>().ok());
    match forced {
        Some(size) => len / size.max(1) + 1,
        None => (len / PIECE).clamp(1, 2 * rayon::current_num_threads()),
    }
}

fn visit_csv<V: Visitor + Send>(
    text: &str,
    mut visitor: V,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
) -> Vec<V> {
    let delimiter = delimiter(text);
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut lines = LineCounter { bytes, at: 0, line: 1 };
    let mut rec = ByteRecord::new();
    // The first rows, to find the header among them.
    let mut head: Vec<(u64, ByteRecord)> = Vec::new();
    let mut failed = false;
    while head.len() < HEADER_SEARCH {
        match reader.read_byte_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                head.push((line, rec.clone()));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                diags.push_at(line, None, Some(e.to_string()), Msg::CsvError);
                failed = true;
                break;
            }
        }
    }
    if head.is_empty() {
        if !failed {
            diags.push_at(None, None, None, Msg::EmptyFile);
        }
        return vec![visitor];
    }
    let candidates: Vec<Vec<String>> = head
        .iter()
        .map(|(_, r)| {
            r.iter().map(|f| truncate(&String::from_utf8_lossy(f)).trim().to_string()).collect()
        })
        .collect();
    let hi = pick_header(&candidates, &visitor, diags, |i| head.get(i).map(|h| h.0));
    let header = candidates.get(hi).cloned().unwrap_or_default();
    let ok = visitor.header(&header, diags);
    for (line, r) in head.iter().skip(hi + 1) {
        data_row(*line, r, &header, ok, &mut visitor, diags, report);
    }
    if failed {
        return vec![visitor];
    }
    // The rest of the file, from the record after the first rows, in pieces.
    let rest = usize::try_from(reader.position().byte()).unwrap_or(bytes.len()).min(bytes.len());
    let pieces = if ok && parallel {
        super::chunk::split(bytes, rest, delimiter, piece_count(bytes.len() - rest))
    } else {
        vec![(rest, bytes.len())]
    };
    if pieces.len() == 1 {
        let piece = Piece { bytes, start: rest, end: bytes.len(), line: lines.line_at_start(rest) };
        piece.read(delimiter, &header, ok, &mut visitor, diags, report);
        return vec![visitor];
    }
    // Line numbers where the pieces start: one count of line ends per piece, then a running sum.
    let newlines: Vec<u64> = pieces
        .par_iter()
        .map(|&(a, b)| {
            memchr::memchr_iter(b'\n', bytes.get(a..b).unwrap_or_default()).count() as u64
        })
        .collect();
    let first_line = lines.line_at_start(rest);
    let mut starts = Vec::with_capacity(pieces.len());
    let mut line = first_line;
    for ((a, _), n) in pieces.iter().zip(&newlines) {
        starts.push((*a, line));
        line += n;
    }
    let parts: Vec<(V, Diags, FileReport)> = pieces
        .par_iter()
        .zip(starts.par_iter())
        .map(|(&(start, end), &(_, line))| {
            let mut v = new();
            // The header's own diagnostics were reported above, once.
            let mut quiet = Diags::new(diags.file());
            v.header(&header, &mut quiet);
            let mut d = Diags::new(diags.file());
            let mut r = FileReport::default();
            Piece { bytes, start, end, line }.read(delimiter, &header, ok, &mut v, &mut d, &mut r);
            (v, d, r)
        })
        .collect();
    let mut out = Vec::with_capacity(parts.len() + 1);
    out.push(visitor);
    for (v, d, r) in parts {
        diags.absorb(d);
        report.rows_read += r.rows_read;
        report.rows_loaded += r.rows_loaded;
        report.rows_rejected += r.rows_rejected;
        out.push(v);
    }
    out
}

/// A stretch of a CSV file that starts at a record boundary, and the line it starts on.
struct Piece<'a> {
    bytes: &'a [u8],
    start: usize,
    end: usize,
    line: u64,
}

impl Piece<'_> {
    fn read<V: Visitor>(
        &self,
        delimiter: u8,
        header: &[String],
        ok: bool,
        visitor: &mut V,
        diags: &mut Diags,
        report: &mut FileReport,
    ) {
        let bytes = self.bytes.get(self.start..self.end).unwrap_or_default();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let mut lines = LineCounter { bytes, at: 0, line: self.line };
        let mut rec = ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map(|p| p.line() + self.line - 1);
                    diags.push_at(line, None, Some(e.to_string()), Msg::CsvError);
                    break;
                }
            }
            let line = rec.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
            data_row(line, &rec, header, ok, visitor, diags, report);
        }
    }
}

/// One data row of a CSV file: counted, checked for its field count, typed.
fn data_row(
    line: u64,
    rec: &ByteRecord,
    header: &[String],
    ok: bool,
    visitor: &mut impl Visitor,
    diags: &mut Diags,
    report: &mut FileReport,
) {
    report.rows_read += 1;
    let row = Row::Csv(rec, std::cell::OnceCell::new());
    if rec.as_slice().len() > MAX_FIELD {
        check_long_cells(&row, header, line, diags);
    }
    if !ok {
        report.rows_rejected += 1;
        return;
    }
    if rec.len() != header.len() {
        // Trailing empty fields (a trailing comma) are harmless; anything else shifts columns.
        let extra_empty =
            rec.len() > header.len() && rec.iter().skip(header.len()).all(|f| f.is_empty());
        if !extra_empty {
            let column = if rec.len() < header.len() {
                header.get(rec.len()).cloned().unwrap_or_default()
            } else {
                format!("{}", header.len() + 1)
            };
            diags.push_at(
                Some(line),
                Some(column),
                Some(format!("[{}/{}] {}", rec.len(), header.len(), row.joined())),
                Msg::FieldCount,
            );
            report.rows_rejected += 1;
            return;
        }
    }
    if visitor.row(line, &row, diags) {
        report.rows_loaded += 1;
    } else {
        report.rows_rejected += 1;
    }
}

/// Lines of records, counted from their byte offsets. The csv crate's own line numbers can lag
/// by one (its offset may point at the previous record's terminator), so a record's line is
/// that of its first byte after any line ends.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the byte at `byte` itself (a piece's start), counting the line ends before it.
    fn line_at_start(&mut self, byte: usize) -> u64 {
        let byte = byte.min(self.bytes.len());
        if byte >= self.at {
            let seen = self.bytes.get(self.at..byte).unwrap_or_default();
            self.line += memchr::memchr_iter(b'\n', seen).count() as u64;
            self.at = byte;
        }
        self.line
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start >= self.at {
            let seen = self.bytes.get(self.at..start).unwrap_or_default();
            self.line += memchr::memchr_iter(b'\n', seen).count() as u64;
            self.at = start;
        }
        self.line
    }
}

fn check_long_cells(row: &Row<'_>, header: &[String], line: u64, diags: &mut Diags) {
    let long = |i: usize| match row {
        Row::Csv(rec, _) => rec.get(i).map(|f| f.len()).unwrap_or(0) > MAX_FIELD,
        Row::Cells(cells) => cells.get(i).map(|c| c.len()).unwrap_or(0) > MAX_FIELD,
    };
    for i in 0..row.len() {
        if long(i) {
            let column = header.get(i).cloned().unwrap_or_else(|| format!("{}", i + 1));
            diags.push_at(
                Some(line),
                Some(column),
                Some(row.get(i).to_string()),
                Msg::FieldTooLong,
            );
        }
    }
}
