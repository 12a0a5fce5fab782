//! Reading the rows of one table (a CSV file or a workbook sheet) and handing each to a visitor
//! that types it, while counting every row as loaded or rejected. Wrong field counts, overlong
//! cells and malformed CSV are caught here, so the visitors only see well-formed rows.

use csv::ByteRecord;
use encoding_rs::Encoding;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};

use super::diag::{Diags, Msg};
use super::source::{decode_text, Source};
use crate::model::FileReport;

/// The largest cell kept, in bytes. Longer cells are truncated (at a character boundary) and
/// reported: no legal basis is a megabyte long, but a broken quote can swallow a whole file.
pub(crate) const MAX_FIELD: usize = 1 << 20;

/// How the CSV files of a dataset are read: how they reach memory and how large the pieces typed
/// in parallel are. None of it changes what is read (tests/it/load.rs reads every fixture every way
/// and compares); the command line fills it from `QINGDAN_READ` (docs/CLI.md), tests set it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Map UTF-8 files instead of reading them through windows. A mapped file that another
    /// program cuts while it is read kills the process (SIGBUS): only for files known not to
    /// change. Off when `block_bytes` is set (the windows are then what is asked for).
    pub mmap: bool,
    /// Bytes read at a time from a UTF-8 file (the window); `None` for [`BLOCK`].
    pub block_bytes: Option<usize>,
    /// About how long a piece typed on one thread is; `None` for [`PIECE`].
    pub piece_bytes: Option<usize>,
}

impl ReadOptions {
    /// Parses the words of `QINGDAN_READ`, comma-separated: `mmap`, `block=N`, `piece=N` (bytes,
    /// N ≥ 1). An unknown word or a bad number is an error naming it.
    pub fn parse(text: &str) -> Result<ReadOptions, String> {
        let mut opts = ReadOptions::default();
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let bytes = |v: &str| match v.parse::<usize>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(format!("{word}: a number of bytes, at least 1, is expected")),
            };
            match word.split_once('=') {
                None if word == "mmap" => opts.mmap = true,
                Some(("block", v)) => opts.block_bytes = bytes(v)?,
                Some(("piece", v)) => opts.piece_bytes = bytes(v)?,
                _ => return Err(format!("{word}: expected mmap, block=N or piece=N")),
            }
        }
        Ok(opts)
    }

    /// The window size in bytes (at least 1).
    fn block(&self) -> usize {
        self.block_bytes.unwrap_or(BLOCK).max(1)
    }

    /// True when UTF-8 files are mapped.
    fn maps(&self) -> bool {
        self.mmap && self.block_bytes.is_none()
    }

    /// How many pieces a stretch of `len` bytes is typed in: of about `piece_bytes` each (the
    /// tests read small files in many tiny pieces to show that they add up to the whole).
    fn piece_count(&self, len: usize) -> usize {
        len / self.piece_bytes.unwrap_or(PIECE).max(1) + 1
    }
}

/// One data row, as the visitor sees it.
pub(crate) enum Row<'a> {
    /// A CSV record of a file whose text is valid UTF-8 (so is the record: the csv crate splits
    /// and unescapes at ASCII bytes only), and its text, checked when first needed: rows whose
    /// cells are all remembered by the visitor are never read as text.
    Csv(&'a ByteRecord, std::cell::OnceCell<Option<&'a str>>),
    /// A line of text without quote marks, and the byte ranges of its cells (split at the
    /// delimiter: what the csv crate reads from such a line, without copying it).
    Text(&'a str, &'a [(u32, u32)]),
    /// A record with quoted cells, and the byte ranges of its cells' values in its text (between
    /// the quote marks of a quoted cell: a value without a doubled quote mark is the text between
    /// them). Unlike a line of text, its bytes across cells do not stand for the cells.
    Quoted(&'a str, &'a [(u32, u32)]),
    Cells(&'a [crate::model::Str]),
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
            Row::Text(line, cells) | Row::Quoted(line, cells) => {
                cells.get(i).and_then(|&(a, b)| line.get(a as usize..b as usize)).unwrap_or("")
            }
            Row::Cells(cells) => cells.get(i).map(|c| &**c).unwrap_or(""),
        };
        truncate(s)
    }

    /// The bytes of the cell in column `i`, whole (empty when the row is shorter): for comparing
    /// cells without reading them as text.
    pub(crate) fn bytes(&self, i: usize) -> &[u8] {
        match self {
            Row::Csv(rec, _) => rec.get(i).unwrap_or_default(),
            Row::Text(line, cells) | Row::Quoted(line, cells) => cells
                .get(i)
                .and_then(|&(a, b)| line.as_bytes().get(a as usize..b as usize))
                .unwrap_or_default(),
            Row::Cells(cells) => cells.get(i).map(|c| c.as_bytes()).unwrap_or_default(),
        }
    }

    /// The bytes of cell `i` as far as they are typed (the first [`MAX_FIELD`]): two cells with
    /// the same key bytes are typed alike.
    pub(crate) fn key_bytes(&self, i: usize) -> &[u8] {
        let b = self.bytes(i);
        b.get(..b.len().min(MAX_FIELD)).unwrap_or(b)
    }

    /// True when the row is longer than the longest cell kept (some cell of it may be cut).
    pub(crate) fn is_long(&self) -> bool {
        self.byte_len() > MAX_FIELD
    }

    /// The raw bytes from the start of cell `first` to the end of cell `last` with the delimiters
    /// between, when the row is a line of text: they tell those cells apart as well as the cells
    /// themselves do (no quote marks), without copying them.
    pub(crate) fn span(&self, first: usize, last: usize) -> Option<&[u8]> {
        match self {
            Row::Text(line, cells) => {
                let a = cells.get(first)?.0 as usize;
                let b = cells.get(last)?.1 as usize;
                line.as_bytes().get(a..b)
            }
            _ => None,
        }
    }

    fn len(&self) -> usize {
        match self {
            Row::Csv(rec, _) => rec.len(),
            Row::Text(_, cells) | Row::Quoted(_, cells) => cells.len(),
            Row::Cells(cells) => cells.len(),
        }
    }

    /// The bytes of all the cells together.
    fn byte_len(&self) -> usize {
        match self {
            Row::Csv(rec, _) => rec.as_slice().len(),
            Row::Text(line, _) => line.len(),
            Row::Quoted(_, cells) => cells.iter().map(|&(a, b)| (b - a) as usize).sum(),
            Row::Cells(cells) => cells.iter().map(|c| c.len()).sum(),
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

/// Where the rows typed by the visitors of one file go, in file order.
pub(crate) trait Drain<V> {
    /// The rows one visitor typed from one piece, held until the pieces before it are drained.
    type Part: Send;
    /// Takes the rows `visitor` has typed since it was last drained (called in file order).
    fn take(&mut self, visitor: &mut V);
    /// Takes the rows `visitor` has typed since it was last drained, to be put later.
    fn part(&mut self, visitor: &mut V) -> Self::Part;
    /// Puts rows taken with [`Drain::part`] (called in file order, as `take`).
    fn put(&mut self, part: Self::Part);
    /// Forgets everything taken: the file is read again from the start another way.
    fn reset(&mut self);
}

/// Reads every row of `source` into visitors made by `new`, filling the counts and encoding of
/// `report`. A large CSV file is cut into pieces read in parallel, each by its own visitor; the
/// visitors are returned in file order (the first one saw the header and the rows next to it).
#[allow(clippy::too_many_arguments)]
pub(crate) fn visit<V: Visitor + Send, D: Drain<V> + Send>(
    source: &Source,
    opts: &ReadOptions,
    forced: Option<&'static Encoding>,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
    drain: &mut D,
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
                .map(|(_, cells)| {
                    cells
                        .iter()
                        .map(|h| {
                            String::from_utf8_lossy(cut_bytes(h.as_bytes())).trim().to_string()
                        })
                        .collect()
                })
                .collect();
            let hi = pick_header(&candidates, &visitor, diags, |i| rows.get(i).map(|r| r.0));
            let header = candidates.get(hi).cloned().unwrap_or_default();
            let ok = visitor.header(&header, diags);
            for (line, cells) in rows.iter().skip(hi + 1) {
                report.rows_read += 1;
                let row = Row::Cells(cells);
                check_long_cells(&row, &header, *line, diags);
                if ok && repeats_header(&row, &header) {
                    diags.push_at(Some(*line), None, Some(row.joined()), Msg::RepeatedHeader);
                    report.rows_rejected += 1;
                } else if ok && visitor.row(*line, &row, diags) {
                    report.rows_loaded += 1;
                } else {
                    report.rows_rejected += 1;
                }
            }
            drain.take(&mut visitor);
            vec![visitor]
        }
        Source::Csv { path, .. } => {
            // A file rewritten or cut while it is read (the nightly export being written again)
            // gives rows of neither version: the run stops rather than report on them.
            let before = Stamp::of(path);
            let visitors =
                visit_file(path, opts, visitor, forced, new, parallel, diags, report, drain);
            let after = Stamp::of(path);
            if before.is_some() && before != after {
                diags.fail(
                    "the file changed while reading it (rewritten or truncated by another \
                     program): run again once it is complete"
                        .to_string(),
                );
            }
            visitors
        }
    }
}

/// What tells that a file changed: its identity, length and modification time.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
}

impl Stamp {
    fn of(path: &std::path::Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino())
        };
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            #[cfg(unix)]
            inode,
        })
    }
}

/// Reads the rows of a CSV file (see [`visit`]): UTF-8 files a window at a time (or mapped,
/// where asked for), other encodings decoded whole.
#[allow(clippy::too_many_arguments)]
fn visit_file<V: Visitor + Send, D: Drain<V> + Send>(
    path: &std::path::Path,
    opts: &ReadOptions,
    visitor: V,
    forced: Option<&'static Encoding>,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
    drain: &mut D,
) -> Vec<V> {
    let mut whole = false;
    if forced.is_none() || forced == Some(encoding_rs::UTF_8) {
        let bom = forced.is_none();
        match map_utf8(path, opts, bom, new, parallel, diags, report, drain) {
            Mapped::Read(vs) => {
                super::count_read(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
                return vs;
            }
            Mapped::Whole => whole = true,
            Mapped::Unmapped => {}
        }
    }
    if !whole && (forced.is_none() || forced == Some(encoding_rs::UTF_8)) {
        let mut d = Diags::new(diags.file());
        let mut r = FileReport::default();
        let bom = forced.is_none();
        if let Some(vs) = stream_utf8(path, opts, bom, new, parallel, &mut d, &mut r, drain) {
            diags.absorb(d);
            add_counts(report, &r);
            report.encoding = r.encoding;
            return vs;
        }
        drain.reset();
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => {
            super::count_read(b.len() as u64);
            b
        }
        Err(e) => {
            diags.push_at(None, None, Some(e.to_string()), Msg::UnreadableFile);
            return vec![visitor];
        }
    };
    let (text, encoding) = decode_text(bytes, forced, diags);
    report.encoding = encoding;
    visit_csv(text.as_str(), opts, visitor, new, parallel, diags, report, drain)
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

/// About how long a piece of a file is. Each thread keeps one visitor (and its caches) for all
/// the pieces it types, so pieces can be small: the threads finish together.
const PIECE: usize = 2 << 20;

/// Adds the rows read, loaded and rejected of `part` (of the same file) to `report`.
fn add_counts(report: &mut FileReport, part: &FileReport) {
    report.rows_read += part.rows_read;
    report.rows_loaded += part.rows_loaded;
    report.rows_rejected += part.rows_rejected;
}

/// Where the text of a file taken for UTF-8 starts (after a byte order mark, which `report`'s
/// encoding then names when `bom_allowed`) and its delimiter, told from the first lines (64 KB
/// hold them; a cut character is lost). `None` for a UTF-16 or UTF-32 byte order mark.
fn utf8_start(bytes: &[u8], bom_allowed: bool, report: &mut FileReport) -> Option<(usize, u8)> {
    let mut pos = 0;
    report.encoding = "UTF-8".to_string();
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        pos = 3;
        if bom_allowed {
            report.encoding = "UTF-8 (BOM)".to_string();
        }
    } else if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return None;
    }
    let first = bytes.get(pos..bytes.len().min(pos + (64 << 10))).unwrap_or_default();
    Some((pos, delimiter(&String::from_utf8_lossy(first))))
}

/// Bytes read at a time from a UTF-8 file: the text is held a window at a time, not whole.
/// 8 MB, measured (session 10, gen --province, five alternating runs of check --standard): load
/// 0.62–0.65 s against 0.69–0.71 s with 16 MB windows and 0.60–0.64 s with 4 MB.
const BLOCK: usize = 8 << 20;

/// Reads a UTF-8 CSV file a window at a time, each window's complete records in pieces in
/// parallel. `None` when the file turns out not to be UTF-8 (or its quoting cannot be followed
/// from the start): then nothing was kept, and the caller reads the whole file as text.
#[allow(clippy::too_many_arguments)]
fn stream_utf8<V: Visitor + Send, D: Drain<V> + Send>(
    path: &std::path::Path,
    opts: &ReadOptions,
    bom_allowed: bool,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
    drain: &mut D,
) -> Option<Vec<V>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf: Vec<u8> = Vec::new();
    let block = opts.block();
    // Fills `buf` by up to `block` more bytes; true at the end of the file.
    let fill = |file: &mut std::fs::File, buf: &mut Vec<u8>| -> Option<bool> {
        let want = buf.len() + block;
        buf.reserve(block);
        while buf.len() < want {
            let n = (&mut *file).take((want - buf.len()) as u64).read_to_end(buf).ok()?;
            super::count_read(n as u64);
            if n == 0 {
                return Some(true);
            }
        }
        Some(false)
    };
    let mut eof = fill(&mut file, &mut buf)?;
    while !eof && buf.len() < 4 {
        eof = fill(&mut file, &mut buf)?;
    }
    let (pos, delimiter) = utf8_start(&buf, bom_allowed, report)?;
    // The first window must hold the header search rows whole (or the whole file).
    // The window's end, and the quoted stretches before it (found once: the pieces are cut by
    // them too).
    let (end, mut quoted) = loop {
        let (end, quoted) = if eof {
            (buf.len(), None)
        } else {
            match super::chunk::last_boundary_quoted(&buf, pos, delimiter) {
                Ok(Some((end, quoted))) => (end, Some(quoted)),
                Ok(None) => (0, None),
                Err(()) => return None,
            }
        };
        if eof || count_records(buf.get(pos..end).unwrap_or_default(), delimiter) > HEADER_SEARCH {
            break (end, quoted);
        }
        eof = fill(&mut file, &mut buf)?;
    };
    let text = simdutf8::basic::from_utf8(buf.get(pos..end)?).ok()?;
    let mut visitor = new();
    let head = read_head(text, opts, delimiter, &mut visitor, diags, report);
    drain.take(&mut visitor);
    let mut visitors = vec![visitor];
    let Some(body) = head else {
        return Some(visitors);
    };
    let mut start = pos + body.rest;
    let mut line = body.line;
    let mut end = end;
    // The next window is read (after the incomplete record that ends this one) while this one
    // is typed: copying the file's bytes is then no longer a wait of its own.
    let mut next: Vec<u8> = Vec::new();
    loop {
        let stretch = buf.get(start..end)?;
        // The stretches in the stretch's own offsets.
        let within: Option<Vec<(usize, usize)>> = quoted.take().map(|q| {
            q.into_iter()
                .filter(|&(o, _)| o >= start)
                .map(|(o, c)| (o - start, c - start))
                .collect()
        });
        next.clear();
        next.extend_from_slice(buf.get(end..).unwrap_or_default());
        let (read, filled) = rayon::join(
            || {
                let q = within.as_deref();
                body.read(stretch, line, parallel, q, new, &mut visitors, diags, report, drain)
            },
            || if eof { Some(true) } else { fill(&mut file, &mut next) },
        );
        line = read?;
        if eof {
            return Some(visitors);
        }
        std::mem::swap(&mut buf, &mut next);
        start = 0;
        eof = filled?;
        (end, quoted) = if eof {
            (buf.len(), None)
        } else {
            match super::chunk::last_boundary_quoted(&buf, 0, delimiter) {
                Ok(Some((end, q))) => (end, Some(q)),
                Ok(None) => (0, None),
                // Quoting the pieces cannot follow: the rest of the file, read whole, in one piece.
                Err(()) => {
                    let n = file.read_to_end(&mut buf).ok()?;
                    super::count_read(n as u64);
                    body.read(&buf, line, false, None, new, &mut visitors, diags, report, drain)?;
                    return Some(visitors);
                }
            }
        };
    }
}

/// How a mapped file was read.
enum Mapped<V> {
    /// Every row was typed, by these visitors (the first saw the header).
    Read(Vec<V>),
    /// Not UTF-8, or quoted in a way that cannot be followed from the start: nothing was kept,
    /// and the caller reads the whole file as text.
    Whole,
    /// Not mapped (not a regular file, empty, or mapping refused or turned off), or holding quote
    /// marks: nothing was kept, and the caller reads it a window at a time.
    Unmapped,
}

/// Why the pieces of a mapped file stopped being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Halt {
    /// A quote mark: the line ends the pieces were cut at may be inside quoted fields.
    Quote,
    /// See [`Mapped::Whole`].
    Whole,
}

/// Reads a UTF-8 CSV file mapped into memory, not copied: the rows after the first ones in pieces
/// typed by every thread, taken in file order and drained in file order, each piece's pages let
/// go once typed (so the file is never resident whole on its account). The pieces are cut at
/// line ends; if one holds a quote mark (a line end may then be inside a quoted field), nothing
/// is kept and the file is read window by window instead.
///
/// A mapped file that another program cuts while it is read kills the process (SIGBUS on the
/// pages past the new end), and nothing here can promise that the nightly export is not being
/// written again: so files are mapped only when [`ReadOptions::mmap`] asks for it (the caller
/// then promises that they do not change), and not when a window size is set.
#[allow(clippy::too_many_arguments)]
fn map_utf8<V: Visitor + Send, D: Drain<V> + Send>(
    path: &std::path::Path,
    opts: &ReadOptions,
    bom_allowed: bool,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
    drain: &mut D,
) -> Mapped<V> {
    if !opts.maps() {
        return Mapped::Unmapped;
    }
    let Ok(file) = std::fs::File::open(path) else { return Mapped::Unmapped };
    match file.metadata() {
        Ok(m) if m.is_file() && m.len() > 0 => {}
        _ => return Mapped::Unmapped,
    }
    // SAFETY: the mapping is read only. Were the file truncated or rewritten by another process
    // while it is read, the bytes under the typed text could change (or vanish); the list files
    // of a run are not rewritten during it, and each piece is checked for UTF-8 as it is typed.
    let Ok(map) = (unsafe { memmap2::Mmap::map(&file) }) else { return Mapped::Unmapped };
    let release = |a: usize, b: usize| release_pages(&map, a, b);
    let mut d = Diags::new(diags.file());
    let mut r = FileReport::default();
    match read_mapped(&map, opts, bom_allowed, new, parallel, &mut d, &mut r, drain, &release) {
        Ok(visitors) => {
            diags.absorb(d);
            add_counts(report, &r);
            report.encoding = r.encoding;
            Mapped::Read(visitors)
        }
        // Quoted fields are followed window by window: the quote marks of a whole file, kept to
        // cut it, would take more memory than the file.
        Err(Halt::Quote) => {
            drain.reset();
            Mapped::Unmapped
        }
        Err(Halt::Whole) => {
            drain.reset();
            Mapped::Whole
        }
    }
}

/// Lets go of the pages wholly inside `bytes[a..b]` of a mapped file: they are dropped from the
/// process (its resident size), not from the page cache, and read again from it if touched.
fn release_pages(map: &memmap2::Mmap, a: usize, b: usize) {
    const PAGE: usize = 4096;
    let (first, last) = (a.div_ceil(PAGE) * PAGE, b / PAGE * PAGE);
    #[cfg(unix)]
    if last > first {
        // SAFETY: the mapping is a read-only view of a file: after MADV_DONTNEED a page touched
        // again is read again from the page cache, with the same bytes. Nothing is lost.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, first, last - first)
        };
    }
    #[cfg(not(unix))]
    let _ = (map, first, last);
}

/// Reads a mapped file: its first rows (the header among them) as text, then the rest in pieces
/// cut at line ends (halting at a quote mark in any of them).
#[allow(clippy::too_many_arguments)]
fn read_mapped<V: Visitor + Send, D: Drain<V> + Send>(
    bytes: &[u8],
    opts: &ReadOptions,
    bom_allowed: bool,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
    drain: &mut D,
    release: &(dyn Fn(usize, usize) + Sync),
) -> Result<Vec<V>, Halt> {
    let (pos, delimiter) = utf8_start(bytes, bom_allowed, report).ok_or(Halt::Whole)?;
    // The first rows: the shortest stretch from the start that holds the header search rows.
    let mut span = 64usize << 10;
    let end = loop {
        let stop = pos.saturating_add(span);
        if stop >= bytes.len() {
            break bytes.len();
        }
        let end = match super::chunk::last_boundary(
            bytes.get(..stop).unwrap_or_default(),
            pos,
            delimiter,
        ) {
            Ok(Some(end)) => end,
            Ok(None) => pos,
            Err(()) => return Err(Halt::Whole),
        };
        if count_records(bytes.get(pos..end).unwrap_or_default(), delimiter) > HEADER_SEARCH {
            break end;
        }
        span = span.saturating_mul(2);
    };
    let head_bytes = bytes.get(pos..end).unwrap_or_default();
    let text = simdutf8::basic::from_utf8(head_bytes).map_err(|_| Halt::Whole)?;
    let mut visitor = new();
    let head = read_head(text, opts, delimiter, &mut visitor, diags, report);
    drain.take(&mut visitor);
    let mut visitors = vec![visitor];
    let Some(body) = head else {
        return Ok(visitors);
    };
    let start = pos + body.rest;
    let rest = bytes.get(start..).unwrap_or_default();
    if !parallel {
        body.read(rest, body.line, false, None, new, &mut visitors, diags, report, drain)
            .ok_or(Halt::Whole)?;
        return Ok(visitors);
    }
    let pieces = cut_at_line_ends(bytes, start, opts.piece_count(rest.len()));
    let job = Pieces { bytes, pieces: &pieces, line: body.line, halt_at_quote: true };
    body.read_pieces(&job, new, &mut visitors, diags, report, drain, release)?;
    Ok(visitors)
}

/// `bytes[start..]` cut into about `n` pieces of about the same length, each cut just past a
/// line end (a record boundary unless the line end is inside a quoted field).
fn cut_at_line_ends(bytes: &[u8], start: usize, n: usize) -> Vec<(usize, usize)> {
    let len = bytes.len().saturating_sub(start);
    let mut cuts = vec![start];
    for k in 1..n.max(1) {
        let target = start + len / n * k;
        let from = target.max(*cuts.last().unwrap_or(&start));
        let Some(nl) = memchr::memchr(b'\n', bytes.get(from..).unwrap_or_default()) else {
            break;
        };
        let cut = from + nl + 1;
        // The last line end: no piece starts after it (looking again from each later target
        // would rescan a long last line once per piece asked for).
        if cut >= bytes.len() {
            break;
        }
        if cut > *cuts.last().unwrap_or(&start) {
            cuts.push(cut);
        }
    }
    cuts.push(bytes.len());
    cuts.windows(2).filter_map(|w| Some((*w.first()?, *w.get(1)?))).collect()
}

/// The pieces of a mapped file to type.
struct Pieces<'a> {
    bytes: &'a [u8],
    /// Byte ranges of `bytes`, in order, each starting at a record boundary.
    pieces: &'a [(usize, usize)],
    /// The line the first piece starts on.
    line: u64,
    /// True when the pieces were cut at line ends without regard to quote marks: a piece that
    /// holds one halts the reading.
    halt_at_quote: bool,
}

/// Typed pieces waiting for the ones before them, and where they go once those are drained.
struct InOrder<'a, P, D> {
    next: usize,
    waiting: std::collections::BTreeMap<usize, (P, Diags, FileReport)>,
    drain: &'a mut D,
    diags: &'a mut Diags,
    report: &'a mut FileReport,
}

impl<P, D> InOrder<'_, P, D> {
    fn absorb(&mut self, d: Diags, r: FileReport) {
        self.diags.absorb(d);
        add_counts(self.report, &r);
    }
}

/// The line piece `k` starts on, once the thread typing the piece before it has counted that
/// piece's lines (it does so first thing); `None` when the reading halted meanwhile.
fn start_line(starts: &[AtomicU64], k: usize, halt: &AtomicU8) -> Option<u64> {
    let slot = starts.get(k)?;
    loop {
        let line = slot.load(Ordering::Acquire);
        if line != u64::MAX {
            return Some(line);
        }
        if halt.load(Ordering::Relaxed) != 0 {
            return None;
        }
        std::thread::yield_now();
    }
}

/// The first carriage return at or after `from` that is not before a line end (`bytes.len()` when
/// there is none): the csv crate ends a record there too, so from its record on, it reads.
fn lone_cr_at(bytes: &[u8], from: usize) -> usize {
    memchr::memchr_iter(b'\r', bytes.get(from..).unwrap_or_default())
        .map(|r| r + from)
        .find(|&r| bytes.get(r + 1) != Some(&b'\n'))
        .unwrap_or(bytes.len())
}

/// A csv reader as every table is read: no header row (it is found among the first rows), rows
/// of any length (counted and reported, not refused). The csv crate keeps a copy of the first
/// record it reads as the headers unless they are given (a 200 MB first record was held twice):
/// empty headers are given, and with them "has headers" only means that no record is skipped.
fn csv_reader<R: std::io::Read>(bytes: R, delimiter: u8) -> csv::Reader<R> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    reader.set_byte_headers(ByteRecord::new());
    reader
}

/// How many records `text` holds, counting up to `HEADER_SEARCH + 1`, as the csv crate reads
/// them (blank lines are no records), without keeping any: the parser writes the fields into a
/// small buffer that is thrown away as it fills.
fn count_records(text: &[u8], delimiter: u8) -> usize {
    use csv_core::ReadRecordResult as R;
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = [0u8; 4096];
    let mut ends = [0usize; 64];
    let mut input = text;
    let mut n = 0;
    loop {
        let (result, read, _, _) = reader.read_record(input, &mut out, &mut ends);
        input = input.get(read..).unwrap_or_default();
        match result {
            R::Record => {
                n += 1;
                if n > HEADER_SEARCH {
                    return n;
                }
            }
            R::End => return n,
            // An empty input tells the parser that the text ends (a last record without a line
            // end is then complete).
            R::InputEmpty | R::OutputFull | R::OutputEndsFull => {}
        }
    }
}

/// Reads a whole CSV text (one that is not UTF-8, decoded): the header and first rows, then the
/// rest in pieces in parallel.
#[allow(clippy::too_many_arguments)]
fn visit_csv<V: Visitor + Send, D: Drain<V> + Send>(
    text: &str,
    opts: &ReadOptions,
    mut visitor: V,
    new: &(dyn Fn() -> V + Sync),
    parallel: bool,
    diags: &mut Diags,
    report: &mut FileReport,
    drain: &mut D,
) -> Vec<V> {
    let delimiter = delimiter(text);
    let head = read_head(text, opts, delimiter, &mut visitor, diags, report);
    drain.take(&mut visitor);
    let mut visitors = vec![visitor];
    let Some(body) = head else {
        return visitors;
    };
    let rest = text.as_bytes().get(body.rest..).unwrap_or_default();
    body.read(rest, body.line, parallel, None, new, &mut visitors, diags, report, drain);
    visitors
}

/// What the rows after the first ones are read with.
struct Body {
    delimiter: u8,
    header: Vec<String>,
    ok: bool,
    /// Where the rows after the first ones start (a record boundary), and on which line.
    rest: usize,
    line: u64,
    /// How the pieces are cut.
    opts: ReadOptions,
}

/// Reads the first rows of a CSV text, finds the header among them, and types the data rows
/// among them. `None` when nothing more is to be read (an empty file, malformed CSV).
fn read_head<V: Visitor>(
    text: &str,
    opts: &ReadOptions,
    delimiter: u8,
    visitor: &mut V,
    diags: &mut Diags,
    report: &mut FileReport,
) -> Option<Body> {
    let bytes = text.as_bytes();
    let mut reader = csv_reader(bytes, delimiter);
    let mut lines = LineCounter { bytes, at: 0, line: 1 };
    let mut rec = ByteRecord::new();
    // The first records' cells, cut to the longest kept (a 200 MB cell is not held twice), with
    // their lines and where they start: the data rows among them are read again from there.
    let mut head: Vec<(u64, u64)> = Vec::new();
    let mut candidates: Vec<Vec<String>> = Vec::new();
    let mut failed = false;
    while head.len() < HEADER_SEARCH {
        match reader.read_byte_record(&mut rec) {
            Ok(true) => {
                let at = rec.position().map(|p| p.byte()).unwrap_or(0);
                let line = rec.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                head.push((line, at));
                candidates.push(
                    rec.iter()
                        .map(|f| {
                            truncate(&String::from_utf8_lossy(cut_bytes(f))).trim().to_string()
                        })
                        .collect(),
                );
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
    let after_head = reader.position().byte();
    drop(reader);
    drop(rec);
    if head.is_empty() {
        if !failed {
            diags.push_at(None, None, None, Msg::EmptyFile);
        }
        return None;
    }
    let hi = pick_header(&candidates, visitor, diags, |i| head.get(i).map(|h| h.0));
    let header = candidates.get(hi).cloned().unwrap_or_default();
    drop(candidates);
    let ok = visitor.header(&header, diags);
    if failed {
        // Malformed CSV in the first records: the data rows among them are read again one at
        // a time, up to the error (reported above).
        if let Some(&(_, from)) = head.get(hi + 1) {
            let from = usize::try_from(from).unwrap_or(bytes.len()).min(bytes.len());
            let mut again = csv_reader(bytes.get(from..).unwrap_or_default(), delimiter);
            let mut rec = ByteRecord::new();
            for &(line, _) in head.iter().skip(hi + 1) {
                if !matches!(again.read_byte_record(&mut rec), Ok(true)) {
                    break;
                }
                let row = Row::Csv(&rec, std::cell::OnceCell::new());
                data_row(line, &row, &header, ok, visitor, diags, report);
            }
        }
        return None;
    }
    // The data rows among the first records are read by the body, as the rest (an unterminated
    // quote there is recovered from as anywhere).
    let rest = match head.get(hi + 1) {
        Some(&(_, from)) => from,
        None => after_head,
    };
    let rest = usize::try_from(rest).unwrap_or(bytes.len()).min(bytes.len());
    let line = LineCounter { bytes, at: 0, line: 1 }.line_at_start(rest);
    Some(Body { delimiter, header, ok, rest, line, opts: *opts })
}

/// The longest header cell kept, in bytes: far beyond any column name, and the cells of the
/// rows searched for the header are not copied whole (ten rows of 1 MB cells were 150 MB).
const HEADER_CELL: usize = 1024;

/// The first bytes of a cell searched for the header (cut anywhere: read lossily).
fn cut_bytes(b: &[u8]) -> &[u8] {
    b.get(..b.len().min(HEADER_CELL)).unwrap_or(b)
}

impl Body {
    /// Reads `stretch` (whole records, starting on `line`; a window of a file) in pieces cut where
    /// its quote marks allow (its quoted stretches `quoted` when they are known), in parallel (see [`Body::read_pieces`]); returns the line after the
    /// stretch, or `None` when the stretch is not UTF-8 (then what the visitors typed of it is to
    /// be thrown away).
    #[allow(clippy::too_many_arguments)]
    fn read<V: Visitor + Send, D: Drain<V> + Send>(
        &self,
        stretch: &[u8],
        line: u64,
        parallel: bool,
        quoted: Option<&[(usize, usize)]>,
        new: &(dyn Fn() -> V + Sync),
        visitors: &mut Vec<V>,
        diags: &mut Diags,
        report: &mut FileReport,
        drain: &mut D,
    ) -> Option<u64> {
        if !parallel {
            // One visitor for the whole file (the jurisdictions table finds duplicates within it).
            let text = simdutf8::basic::from_utf8(stretch).ok()?;
            let Some(v) = visitors.first_mut() else { return Some(line) };
            let piece = Piece { text, line };
            let mut out = Typing { header: &self.header, ok: self.ok, visitor: v, diags, report };
            piece.read(self.delimiter, &mut out);
            drain.take(v);
            return Some(line + memchr::memchr_iter(b'\n', stretch).count() as u64);
        }
        let parts = self.opts.piece_count(stretch.len());
        let pieces = if self.ok {
            match quoted {
                Some(q) => super::chunk::split_quoted(stretch, 0, parts, q),
                None => super::chunk::split(stretch, 0, self.delimiter, parts),
            }
        } else {
            vec![(0, stretch.len())]
        };
        let job = Pieces { bytes: stretch, pieces: &pieces, line, halt_at_quote: false };
        self.read_pieces(&job, new, visitors, diags, report, drain, &|_, _| {}).ok()
    }
}

impl Body {
    /// Types pieces of a file on every thread. Each thread takes the next piece in file order,
    /// types it with its own visitor (one of `visitors` after the first, or made when first
    /// needed; kept with its caches for its next pieces and the next call), lets the piece's
    /// pages go (`release`, for a mapped file), and drains what it typed, in file order: at once
    /// when the pieces before it are drained, else when they are. Returns the line after the
    /// last piece.
    #[allow(clippy::too_many_arguments)]
    fn read_pieces<V: Visitor + Send, D: Drain<V> + Send>(
        &self,
        job: &Pieces<'_>,
        new: &(dyn Fn() -> V + Sync),
        visitors: &mut Vec<V>,
        diags: &mut Diags,
        report: &mut FileReport,
        drain: &mut D,
        release: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<u64, Halt> {
        const GOING: u8 = 0;
        const QUOTE: u8 = 1;
        const WHOLE: u8 = 2;
        let n = job.pieces.len();
        let claimed = AtomicUsize::new(0);
        let halt = AtomicU8::new(GOING);
        // The line each piece starts on, known once the piece before it is counted.
        let starts: Vec<AtomicU64> = (0..=n).map(|_| AtomicU64::new(u64::MAX)).collect();
        if let Some(first) = starts.first() {
            first.store(job.line, Ordering::Release);
        }
        let file = diags.file();
        let order = std::sync::Mutex::new(InOrder::<D::Part, D> {
            next: 0,
            waiting: std::collections::BTreeMap::new(),
            drain,
            diags,
            report,
        });
        // The visitors after the first (which saw the header and the rows next to it), free for
        // the threads to take.
        let idle = std::sync::Mutex::new(visitors.split_off(visitors.len().min(1)));
        let take_idle = || idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let workers = rayon::current_num_threads().clamp(1, n.max(1));
        let made: Vec<Option<V>> = (0..workers)
            .into_par_iter()
            .map(|_| {
                let mut visitor: Option<V> = None;
                while halt.load(Ordering::Relaxed) == GOING {
                    let k = claimed.fetch_add(1, Ordering::Relaxed);
                    let Some(&(a, b)) = job.pieces.get(k) else { break };
                    let piece = job.bytes.get(a..b).unwrap_or_default();
                    let lines = memchr::memchr_iter(b'\n', piece).count() as u64;
                    let Some(line) = start_line(&starts, k, &halt) else { break };
                    if let Some(next) = starts.get(k + 1) {
                        next.store(line + lines, Ordering::Release);
                    }
                    let Ok(text) = simdutf8::basic::from_utf8(piece) else {
                        halt.store(WHOLE, Ordering::Relaxed);
                        break;
                    };
                    let v = visitor.get_or_insert_with(|| {
                        if let Some(v) = take_idle() {
                            return v;
                        }
                        let mut v = new();
                        // The header's own diagnostics were reported when it was read, once.
                        v.header(&self.header, &mut Diags::new(file.clone()));
                        v
                    });
                    let mut d = Diags::new(file.clone());
                    let mut r = FileReport::default();
                    let (header, ok) = (&self.header, self.ok);
                    let mut out = Typing { header, ok, visitor: v, diags: &mut d, report: &mut r };
                    let plain = Piece { text, line }.read(self.delimiter, &mut out);
                    // Not split at the delimiter alone: a quote mark (or a lone carriage return).
                    if !plain && job.halt_at_quote && memchr::memchr(b'"', piece).is_some() {
                        halt.store(QUOTE, Ordering::Relaxed);
                        break;
                    }
                    release(a, b);
                    let mut o = order.lock().unwrap_or_else(|e| e.into_inner());
                    if o.next == k {
                        o.drain.take(v);
                        o.absorb(d, r);
                        o.next += 1;
                        loop {
                            let next = o.next;
                            let Some((part, d, r)) = o.waiting.remove(&next) else { break };
                            o.drain.put(part);
                            o.absorb(d, r);
                            o.next += 1;
                        }
                    } else {
                        let part = o.drain.part(v);
                        o.waiting.insert(k, (part, d, r));
                    }
                }
                visitor
            })
            .collect();
        visitors.extend(made.into_iter().flatten());
        visitors.extend(idle.into_inner().unwrap_or_else(|e| e.into_inner()));
        match halt.load(Ordering::Relaxed) {
            GOING => Ok(starts.last().map_or(job.line, |s| s.load(Ordering::Acquire))),
            QUOTE => Err(Halt::Quote),
            _ => Err(Halt::Whole),
        }
    }
}

/// How the cells of a record are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Quoting {
    /// No quote mark: the record is a line of text.
    None,
    /// Some cells quoted, without a doubled quote mark: each value is the text between its marks.
    Quoted,
    /// Some quoted cell holds a doubled quote mark: the values are written out unescaped.
    Doubled,
}

/// A stretch of a CSV file that starts at a record boundary, and the line it starts on.
struct Piece<'a> {
    text: &'a str,
    line: u64,
}

impl Piece<'_> {
    /// Types the records of the piece: lines split at the delimiter and quoted cells read off
    /// their quote marks in the same scan (see [`Piece::read_plain`]), and each record that scan
    /// cannot follow (a doubled quote, text after a closing quote, a lone carriage return, a
    /// quote that never closes) as the csv crate reads it, one record at a time: one quote in a
    /// file costs that record, not the rest of the piece.
    /// Returns true when every line was split at the delimiter (no quote mark, no lone carriage
    /// return).
    fn read<V: Visitor>(&self, delimiter: u8, out: &mut Typing<'_, V>) -> bool {
        let (mut text, mut line) = (self.text, self.line);
        let mut plain = true;
        // The first lone carriage return (not before a line end), found once and carried on: a
        // piece of a CRLF file is not searched again for each record read by the csv crate.
        let mut lone_cr = lone_cr_at(text.as_bytes(), 0);
        let mut fallback = Fallback::new(text);
        loop {
            let (at, next, quoted) = Piece { text, line }.read_plain(delimiter, lone_cr, out);
            plain &= !quoted;
            if at >= text.len() {
                return plain;
            }
            plain = false;
            let rest = Piece { text: text.get(at..).unwrap_or_default(), line: next };
            // After an unterminated quote, reading goes on from the line after it opened.
            match rest.read_csv(&mut fallback, delimiter, out) {
                Some((resume, resume_line)) => {
                    text = rest.text.get(resume..).unwrap_or_default();
                    line = resume_line;
                    let consumed = at + resume;
                    lone_cr = match lone_cr.checked_sub(consumed) {
                        Some(cr) => cr,
                        None => lone_cr_at(text.as_bytes(), 0),
                    };
                }
                None => return false,
            }
        }
    }

    /// Types the records of the piece (LF or CRLF line ends), found with the delimiters and
    /// quote marks in one scan: a cell that opens with a quote mark runs, delimiters and line ends
    /// included, to the quote mark that closes it, and its value is the text between them (not
    /// copied). Stops at the first record it cannot follow so (see [`Piece::read`]) or that starts
    /// at or runs over `lone_cr`; returns where that record starts (the end when there is none),
    /// its line, and whether a quote mark was read.
    fn read_plain<V: Visitor>(
        &self,
        delimiter: u8,
        lone_cr: usize,
        out: &mut Typing<'_, V>,
    ) -> (usize, u64, bool) {
        let bytes = self.text.as_bytes();
        let mut line = self.line;
        // Cell offsets are kept as u32: a longer piece goes to the csv reader.
        if bytes.len() >= u32::MAX as usize {
            return (0, line, false);
        }
        let (mut start, mut cell, mut start_line) = (0usize, 0usize, line);
        let mut cells: Vec<(u32, u32)> = Vec::new();
        // The quote mark that opened the cell being read, while it is open; the value of the
        // cell once its closing quote mark is read; whether the record has a quoted cell.
        let (mut open, mut value): (Option<usize>, Option<(usize, usize)>) = (None, None);
        let (mut quoting, mut quoted) = (Quoting::None, false);
        // The second quote mark of a doubled pair, passed over.
        let mut doubled: Option<usize> = None;
        // The header's width, when rows are checked against it.
        let columns = out.ok.then_some(out.header.len());
        // A record with a doubled quote mark has its values written out here, unescaped.
        let (mut unescaped, mut unescaped_cells) = (String::new(), Vec::<(u32, u32)>::new());
        let mut row = |start: usize, end: usize, line: u64, cells: &[(u32, u32)], q: Quoting| {
            // A blank line is no record (as for the csv crate).
            if end <= start {
                return;
            }
            let Some(text) = self.text.get(start..end) else { return };
            match q {
                Quoting::None => out.row(line, &Row::Text(text, cells)),
                Quoting::Quoted => out.row(line, &Row::Quoted(text, cells)),
                Quoting::Doubled => {
                    unescaped.clear();
                    unescaped_cells.clear();
                    for &(a, b) in cells {
                        let from = unescaped.len() as u32;
                        // Only a quoted cell holds quote marks, each doubled.
                        let value = text.get(a as usize..b as usize).unwrap_or_default();
                        let mut parts = value.split("\"\"");
                        unescaped.push_str(parts.next().unwrap_or_default());
                        for part in parts {
                            unescaped.push('"');
                            unescaped.push_str(part);
                        }
                        unescaped_cells.push((from, unescaped.len() as u32));
                    }
                    out.row(line, &Row::Quoted(&unescaped, &unescaped_cells));
                }
            }
        };
        let rel = |s: usize, (a, b): (usize, usize)| ((a - s) as u32, (b - s) as u32);
        let ends_cell = |b: Option<&u8>| match b {
            None => true,
            Some(&b) => b == delimiter || b == b'\n' || b == b'\r',
        };
        for i in super::scan::Specials::new(bytes, delimiter) {
            let b = bytes.get(i).copied().unwrap_or_default();
            if let Some(o) = open {
                match b {
                    b'"' => {
                        if doubled == Some(i) {
                            doubled = None;
                            continue;
                        }
                        // A doubled quote mark is one quote in the value.
                        if bytes.get(i + 1) == Some(&b'"') {
                            (doubled, quoting) = (Some(i + 1), Quoting::Doubled);
                            continue;
                        }
                        // Text after the closing mark belongs to the cell: the csv reader takes
                        // such a record.
                        if !ends_cell(bytes.get(i + 1)) {
                            return (start, start_line, true);
                        }
                        value = Some((o + 1, i));
                        open = None;
                    }
                    b'\n' => line += 1,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => {
                    // A quote mark inside a cell, or after a closed one, is not a quoted cell.
                    if i != cell || value.is_some() {
                        return (start, start_line, true);
                    }
                    open = Some(i);
                    quoted = true;
                    quoting = quoting.max(Quoting::Quoted);
                }
                b'\n' => {
                    if lone_cr < i {
                        return (start, start_line, quoted);
                    }
                    let end = if bytes.get(i.wrapping_sub(1)) == Some(&b'\r') { i - 1 } else { i };
                    let end = end.max(cell);
                    cells.push(rel(start, value.take().unwrap_or((cell, end))));
                    // A record over several lines may be a quote that closed on a later row.
                    if line > start_line && self.runs_away(&cells, start, delimiter, columns) {
                        return (start, start_line, true);
                    }
                    row(start, end, start_line, &cells, quoting);
                    cells.clear();
                    line += 1;
                    (start, cell, start_line, quoting) = (i + 1, i + 1, line, Quoting::None);
                }
                _ => {
                    cells.push(rel(start, value.take().unwrap_or((cell, i))));
                    cell = i + 1;
                }
            }
        }
        if start < bytes.len() {
            // A quote that never closed, or a lone carriage return: the csv reader decides.
            if open.is_some() || lone_cr < bytes.len() {
                return (start, start_line, true);
            }
            cells.push(rel(start, value.take().unwrap_or((cell, bytes.len()))));
            if line > start_line && self.runs_away(&cells, start, delimiter, columns) {
                return (start, start_line, true);
            }
            row(start, bytes.len(), start_line, &cells, quoting);
        }
        (bytes.len(), line, quoted)
    }

    /// True when the cells `cells` (offsets from `start`) of a record over several lines are a
    /// quote that never closed (see [`runaway`]).
    fn runs_away(
        &self,
        cells: &[(u32, u32)],
        start: usize,
        delimiter: u8,
        columns: Option<usize>,
    ) -> bool {
        let bytes = self.text.as_bytes().get(start..).unwrap_or_default();
        let fields =
            cells.iter().map(|&(a, b)| bytes.get(a as usize..b as usize).unwrap_or_default());
        columns.is_some_and(|n| runaway_fields(fields, n, delimiter))
    }

    /// Types the first record of the piece as the csv crate reads it, and returns the byte and
    /// line where the next one starts (`None` at the end). A record that runs over several lines
    /// with the wrong number of fields is a quote that never closed (it swallowed the lines after
    /// it): its first line is reported and rejected, and reading goes on at the next line.
    fn read_csv<'t, V: Visitor>(
        &self,
        fallback: &mut Fallback<'t>,
        delimiter: u8,
        out: &mut Typing<'_, V>,
    ) -> Option<(usize, u64)> {
        let base = fallback.base(self.text.len())?;
        let reader = fallback.reader(delimiter, base)?;
        // Positions of the reader from the start of this text: bytes, and lines counted from 1.
        // (A seek to where the reader already is keeps its line count: it is taken off.)
        let first_line = reader.position().line();
        let rel = |p: &csv::Position| usize::try_from(p.byte()).ok()?.checked_sub(base);
        let mut rec = ByteRecord::new();
        match reader.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                let line = e.position().map(|p| (p.line() + self.line).saturating_sub(first_line));
                out.diags.push_at(line, None, Some(e.to_string()), Msg::CsvError);
                return None;
            }
        }
        let at =
            rec.position().and_then(|p| Some((rel(p)?, (p.line() + 1).checked_sub(first_line)?)));
        let line = at.map(|(byte, line)| self.line_of(byte, line)).unwrap_or(0);
        let end = rel(reader.position());
        if out.ok && runaway(&rec, out.header.len(), delimiter) {
            let bytes = self.text.as_bytes();
            let mut start = at?.0;
            while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            let first_end = start + memchr::memchr(b'\n', bytes.get(start..)?)? + 1;
            let end = end.unwrap_or(bytes.len());
            let swallowed =
                memchr::memchr_iter(b'\n', bytes.get(first_end..end).unwrap_or_default()).count();
            let first_line = String::from_utf8_lossy(bytes.get(start..first_end)?);
            out.diags.push_at(
                Some(line),
                None,
                Some(format!("[{swallowed}] {}", first_line.trim_end())),
                Msg::UnterminatedQuote,
            );
            out.report.rows_read += 1;
            out.report.rows_rejected += 1;
            return Some((first_end, line + 1));
        }
        let row = Row::Csv(&rec, std::cell::OnceCell::new());
        out.row(line, &row);
        // One record: the lines after it are read off their marks again.
        let next = end?;
        let lines = memchr::memchr_iter(b'\n', self.text.as_bytes().get(..next)?).count();
        Some((next, self.line + lines as u64))
    }

    /// The line a record starts on, from the csv crate's position of it (`byte` from the start
    /// of the text, `line` counted from 1 there). The crate counts the line ends before its
    /// position, but the position can be at the previous record's terminator (the `\n` of a
    /// `\r\n`, blank lines): the record starts after those.
    fn line_of(&self, byte: usize, line: u64) -> u64 {
        let bytes = self.text.as_bytes();
        let (mut at, mut line) = (byte, line + self.line - 1);
        while let Some(&b) = bytes.get(at) {
            match b {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            at += 1;
        }
        line
    }
}

/// The csv reader of a piece, for the records its fast scan leaves to it: made once, when first
/// needed (building the parser's tables costs more than reading a record), and moved to each
/// such record.
struct Fallback<'t> {
    /// The piece's whole text.
    whole: &'t [u8],
    reader: Option<csv::Reader<std::io::Cursor<&'t [u8]>>>,
}

impl<'t> Fallback<'t> {
    fn new(whole: &'t str) -> Fallback<'t> {
        Fallback { whole: whole.as_bytes(), reader: None }
    }

    /// Where a text of `len` bytes that ends where the piece ends starts in it.
    fn base(&self, len: usize) -> Option<usize> {
        self.whole.len().checked_sub(len)
    }

    /// The reader, at byte `base` of the piece.
    fn reader(
        &mut self,
        delimiter: u8,
        base: usize,
    ) -> Option<&mut csv::Reader<std::io::Cursor<&'t [u8]>>> {
        let whole = self.whole;
        let reader =
            self.reader.get_or_insert_with(|| csv_reader(std::io::Cursor::new(whole), delimiter));
        let mut at = csv::Position::new();
        at.set_byte(base as u64).set_line(1).set_record(0);
        reader.seek(at).ok()?;
        Some(reader)
    }
}

/// True when `rec` is a quote that never closed (or closed on a later row): a record over
/// several lines with the wrong number of fields, or one holding a whole row's worth of
/// delimiters on one line of a cell (a basis written over several lines has a few commas, not
/// a row's).
fn runaway(rec: &ByteRecord, columns: usize, delimiter: u8) -> bool {
    runaway_fields(rec.iter(), columns, delimiter)
}

/// [`runaway`] of a record given by its fields.
fn runaway_fields<'a>(
    fields: impl Iterator<Item = &'a [u8]> + Clone,
    columns: usize,
    delimiter: u8,
) -> bool {
    let multi_line = |f: &[u8]| f.contains(&b'\n');
    if !fields.clone().any(multi_line) {
        return false;
    }
    if fields.clone().count() != columns {
        return true;
    }
    columns >= 4
        && fields.filter(|f| multi_line(f)).any(|f| {
            f.split(|&b| b == b'\n')
                .any(|line| memchr::memchr_iter(delimiter, line).count() + 1 >= columns)
        })
}

/// Where the data rows of a piece go: counted into `report`, checked against the header, typed
/// by `visitor` (none when the header lacks a required column).
struct Typing<'a, V> {
    header: &'a [String],
    ok: bool,
    visitor: &'a mut V,
    diags: &'a mut Diags,
    report: &'a mut FileReport,
}

impl<V: Visitor> Typing<'_, V> {
    fn row(&mut self, line: u64, row: &Row<'_>) {
        data_row(line, row, self.header, self.ok, self.visitor, self.diags, self.report);
    }
}

/// One data row of a CSV file: counted, checked for its field count, typed.
fn data_row(
    line: u64,
    row: &Row<'_>,
    header: &[String],
    ok: bool,
    visitor: &mut impl Visitor,
    diags: &mut Diags,
    report: &mut FileReport,
) {
    report.rows_read += 1;
    if row.byte_len() > MAX_FIELD {
        check_long_cells(row, header, line, diags);
    }
    if !ok {
        report.rows_rejected += 1;
        return;
    }
    if repeats_header(row, header) {
        diags.push_at(Some(line), None, Some(row.joined()), Msg::RepeatedHeader);
        report.rows_rejected += 1;
        return;
    }
    let len = row.len();
    if len != header.len() {
        // Trailing empty fields (a trailing comma) are harmless; anything else shifts columns.
        let extra_empty =
            len > header.len() && (header.len()..len).all(|i| row.bytes(i).is_empty());
        if !extra_empty {
            let column = if len < header.len() {
                header.get(len).cloned().unwrap_or_default()
            } else {
                format!("{}", header.len() + 1)
            };
            diags.push_at(
                Some(line),
                Some(column),
                Some(format!("[{}/{}] {}", len, header.len(), row.joined())),
                Msg::FieldCount,
            );
            report.rows_rejected += 1;
            return;
        }
    }
    if visitor.row(line, row, diags) {
        report.rows_loaded += 1;
    } else {
        report.rows_rejected += 1;
    }
}

/// True when `row` is the header again (files of several exports joined together): every cell
/// the header's, ignoring surrounding whitespace. The first cell is compared first, so a data
/// row costs one comparison.
fn repeats_header(row: &Row<'_>, header: &[String]) -> bool {
    let Some(first) = header.first().filter(|h| !h.is_empty()) else { return false };
    if row.bytes(0).trim_ascii() != first.as_bytes() {
        return false;
    }
    row.len() >= header.len()
        && header.iter().enumerate().all(|(i, h)| row.get(i).trim() == h.as_str())
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
    for i in 0..row.len() {
        if row.bytes(i).len() > MAX_FIELD {
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
#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
