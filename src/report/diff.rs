//! Renderers of a diff (`qingdan diff`): text (Chinese by default), json, jsonl, csv, md and
//! html. Changed text is shown as a character-level inline diff (Chinese has no spaces between
//! words, so a word diff would be useless). They render; they decide nothing.

use std::fmt::Write as _;
use std::io::Write;

use rayon::prelude::*;
use similar::{ChangeTag, TextDiff};

use super::{csv_safe, Format, Lang};
use crate::diff::{Change, DiffReport, Group, ItemDiff, Measures, RankRow, Rates, Status, Totals};
use crate::error::{Error, Result};

/// How inserted and deleted runs are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// `[-old-]{+new+}`
    Text,
    /// `~~old~~**new**`
    Md,
    /// `<del>old</del><ins>new</ins>` (text escaped)
    Html,
}

/// A character-level inline diff of `old` → `new`: equal runs as they are, deleted and inserted
/// runs marked.
pub fn inline_diff(old: &str, new: &str, markup: Markup) -> String {
    inline_of(&TextDiff::from_chars(old, new), markup)
}

/// `inline_diff` of a character diff already made.
fn inline_of(diff: &TextDiff<'_, '_, str>, markup: Markup) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let mut tag = ChangeTag::Equal;
    let flush = |out: &mut String, run: &mut String, tag: ChangeTag| {
        if run.is_empty() {
            return;
        }
        let text = match markup {
            Markup::Html => escape_html(run),
            Markup::Md => escape_md(run),
            Markup::Text => run.clone(),
        };
        let (open, close) = match (tag, markup) {
            (ChangeTag::Equal, _) => ("", ""),
            (ChangeTag::Delete, Markup::Text) => ("[-", "-]"),
            (ChangeTag::Insert, Markup::Text) => ("{+", "+}"),
            (ChangeTag::Delete, Markup::Md) => ("~~", "~~"),
            (ChangeTag::Insert, Markup::Md) => ("**", "**"),
            (ChangeTag::Delete, Markup::Html) => ("<del>", "</del>"),
            (ChangeTag::Insert, Markup::Html) => ("<ins>", "</ins>"),
        };
        out.push_str(open);
        out.push_str(&text);
        out.push_str(close);
        run.clear();
    };
    for change in diff.iter_all_changes() {
        if change.tag() != tag {
            flush(&mut out, &mut run, tag);
            tag = change.tag();
        }
        run.push_str(change.value());
    }
    flush(&mut out, &mut run, tag);
    out
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn escape_md(s: &str) -> String {
    let s = super::escape::markdown(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '|' | '*' | '~' | '_' | '`' | '\\' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
            continue;
        }
        out.push(c);
    }
    out
}

/// Renders the diff in `format`.
pub fn render(r: &DiffReport, format: Format, lang: Lang, old: &str, new: &str) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    write(r, format, lang, old, new, false, &mut v)?;
    Ok(v)
}

/// Writes the diff in `format` into `w` (`raw`: csv cells as they are). json, jsonl and csv are
/// streamed item by item, never held whole in memory (a province diff is over 600 MB of
/// JSON); the other formats are rendered, then written.
pub fn write<W: Write>(
    r: &DiffReport,
    format: Format,
    lang: Lang,
    old: &str,
    new: &str,
    raw: bool,
    w: &mut W,
) -> Result<()> {
    match format {
        Format::Json => write_json(r, w),
        Format::Jsonl => write_jsonl(r, w),
        Format::Csv => write_csv(r, raw, w),
        Format::Text => text(r, lang, old, new, Markup::Text, w).map_err(io_err),
        Format::Md => text(r, lang, old, new, Markup::Md, w).map_err(io_err),
        Format::Html => write_all(w, html(r, lang, old, new).as_bytes()),
        Format::Xlsx => Err(Error::Usage(
            lang.pick("diff 暂不支持 xlsx 输出，请用 csv", "diff has no xlsx output yet; use csv")
                .into(),
        )),
    }
}

fn write_all<W: Write>(w: &mut W, bytes: &[u8]) -> Result<()> {
    w.write_all(bytes).map_err(io_err)
}

fn io_err(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

/// The json report (pretty, one trailing newline), streamed into `w`: the bytes
/// `serde_json::to_writer_pretty` gives, the items written by `json::item` (a province has
/// ~0.7 M of them; serde_json spent most of its time escaping the same keys again and again),
/// the summary and warnings by serde_json.
pub fn write_json<W: Write>(r: &DiffReport, w: &mut W) -> Result<()> {
    write_streamed(r, Format::Json, false, w)
}

/// The jsonl report (one item per line), streamed into `w`: the bytes `serde_json::to_writer`
/// gives for each item.
pub fn write_jsonl<W: Write>(r: &DiffReport, w: &mut W) -> Result<()> {
    write_streamed(r, Format::Jsonl, false, w)
}

/// A report of a format that streams (json, jsonl, csv) from a whole diff: the head, the items
/// rendered a part at a time in parallel, the tail.
fn write_streamed<W: Write>(r: &DiffReport, format: Format, raw: bool, w: &mut W) -> Result<()> {
    stream_head(format, r.items.len(), w)?;
    write_batched(&r.items, w, |first, part, buf| stream_items(format, raw, first, part, buf))?;
    stream_tail(format, r.items.len(), &r.summary, &r.warnings, w)
}

/// Whether `format` is written item by item (`stream_head`, `stream_items`, `stream_tail`).
pub fn streams(format: Format) -> bool {
    matches!(format, Format::Json | Format::Jsonl | Format::Csv)
}

/// What a streamed report (json, jsonl, csv) begins with, before its `total` item diffs: the
/// opening of the json object, the csv header, nothing for jsonl.
pub fn stream_head<W: Write>(format: Format, total: usize, w: &mut W) -> Result<()> {
    match format {
        Format::Json => {
            w.write_all(b"{\n  \"items\": ").map_err(io_err)?;
            w.write_all(if total == 0 { b"[]" } else { b"[" }).map_err(io_err)
        }
        Format::Csv => {
            let mut head = csv::Writer::from_writer(&mut *w);
            head.write_record(CSV_HEADER).map_err(csv_err)?;
            head.flush().map_err(io_err)
        }
        _ => Ok(()),
    }
}

/// Item diffs of a streamed report appended to `buf`, the first being the report's item
/// `first` (`raw`: csv cells as they are). The bytes depend on the items and `first` alone, so
/// parts render side by side and are written in order.
pub fn stream_items(
    format: Format,
    raw: bool,
    first: usize,
    items: &[ItemDiff],
    buf: &mut Vec<u8>,
) -> Result<()> {
    match format {
        Format::Json => {
            for (k, it) in items.iter().enumerate() {
                buf.extend_from_slice(if first + k > 0 { json::SEP } else { json::SEP_FIRST });
                json::item::<true>(buf, it);
            }
            Ok(())
        }
        Format::Jsonl => {
            for it in items {
                json::item::<false>(buf, it);
                buf.push(b'\n');
            }
            Ok(())
        }
        Format::Csv => csv_rows(items, raw, buf),
        _ => Err(Error::Usage(format!("{format:?} is not written item by item"))),
    }
}

/// What a streamed report ends with after its `total` item diffs: for json the closing of the
/// items, the summary and the warnings.
pub fn stream_tail<W: Write>(
    format: Format,
    total: usize,
    summary: &crate::diff::Summary,
    warnings: &[crate::diff::Warning],
    w: &mut W,
) -> Result<()> {
    let io = io_err;
    match format {
        Format::Json => {
            if total > 0 {
                json::newline(w, true, 1).map_err(io)?;
                w.write_all(b"]").map_err(io)?;
            }
            // The rest of the report object as serde_json writes it: a struct of the remaining
            // fields, its opening brace left out, is exactly what follows the items.
            #[derive(serde::Serialize)]
            struct Rest<'a> {
                summary: &'a crate::diff::Summary,
                warnings: &'a [crate::diff::Warning],
            }
            w.write_all(b",").map_err(io)?;
            let rest = Rest { summary, warnings };
            serde_json::to_writer_pretty(json::SkipFirst { w: &mut *w, skipped: false }, &rest)
                .map_err(json_err)?;
            write_all(w, b"\n")
        }
        Format::Csv => w.flush().map_err(io),
        _ => Ok(()),
    }
}

/// Item diffs rendered into one buffer (a part) at a time.
const PART: usize = 1024;

/// Parts rendered side by side in one round.
const PARTS: usize = 8;

/// Writes `items` into `w` in order, rendered by `render` (given the index of a part's first
/// item, the part and a buffer to append to) a part per task: the parts of a round render in
/// parallel while the current thread writes the previous round, so memory stays bounded (two
/// rounds of buffers, reused) and the output is exactly what rendering the items one after the
/// other into `w` gives.
fn write_batched<T, W, F>(items: &[T], w: &mut W, render: F) -> Result<()>
where
    T: Sync,
    W: Write,
    F: Fn(usize, &[T], &mut Vec<u8>) -> Result<()> + Sync,
{
    let render_round = |round: usize, bufs: &mut Vec<Vec<u8>>| -> Result<()> {
        let first = round * PART * PARTS;
        let window = items.get(first..).unwrap_or_default();
        let window = &window[..window.len().min(PART * PARTS)];
        bufs.resize_with(window.len().div_ceil(PART), Vec::new);
        bufs.par_iter_mut().zip(window.par_chunks(PART)).enumerate().try_for_each(
            |(p, (buf, part))| {
                buf.clear();
                render(first + p * PART, part, buf)
            },
        )
    };
    let rounds = items.len().div_ceil(PART * PARTS);
    let mut ready: Vec<Vec<u8>> = Vec::new();
    let mut next: Vec<Vec<u8>> = Vec::new();
    if rounds > 0 {
        render_round(0, &mut ready)?;
    }
    for round in 1..=rounds {
        let mut rendered = Ok(());
        let written = rayon::in_place_scope(|s| {
            // The next round renders in the pool while this thread writes.
            if round < rounds {
                s.spawn(|_| rendered = render_round(round, &mut next));
            }
            ready.iter().try_for_each(|b| w.write_all(b)).map_err(io_err)
        });
        written.and(rendered)?;
        std::mem::swap(&mut ready, &mut next);
    }
    Ok(())
}

/// Item diffs as JSON, written directly: the same bytes as serde_json (compact, or pretty with
/// two-space indents), checked against it by the tests below.
mod json {
    use std::io::{Result, Write};

    use crate::diff::{Change, ItemDiff, Measures};

    const SPACES: &[u8; 64] = b"                                                                ";

    /// Skips the first byte written (the opening brace of a struct continued elsewhere).
    pub struct SkipFirst<W> {
        pub w: W,
        pub skipped: bool,
    }

    impl<W: Write> Write for SkipFirst<W> {
        fn write(&mut self, buf: &[u8]) -> Result<usize> {
            if !self.skipped && !buf.is_empty() {
                self.skipped = true;
                self.w.write_all(&buf[1..])?;
                return Ok(buf.len());
            }
            self.w.write(buf)
        }

        fn flush(&mut self) -> Result<()> {
            self.w.flush()
        }
    }

    /// Pretty: a new line indented to `level`; compact: nothing.
    pub fn newline<W: Write>(w: &mut W, pretty: bool, level: usize) -> Result<()> {
        if pretty {
            w.write_all(b"\n")?;
            let mut n = level * 2;
            while n > 0 {
                let k = n.min(SPACES.len());
                w.write_all(&SPACES[..k])?;
                n -= k;
            }
        }
        Ok(())
    }

    /// A JSON string escaped as serde_json does: `"` `\\` and the C0 controls only (\b \f \n
    /// \r \t by name, the others as \u00xx), everything else as it is.
    pub fn string<W: Write>(w: &mut W, s: &str) -> Result<()> {
        w.write_all(b"\"")?;
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if !escaped(b) {
                continue;
            }
            w.write_all(&bytes[start..i])?;
            start = i + 1;
            let named: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                0x0c => b"\\f",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let e =
                        [b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]];
                    w.write_all(&e)?;
                    continue;
                }
            };
            w.write_all(named)?;
        }
        w.write_all(&bytes[start..])?;
        w.write_all(b"\"")
    }

    /// Whether serde_json escapes the byte.
    fn escaped(b: u8) -> bool {
        b < 0x20 || b == b'"' || b == b'\\'
    }

    /// `string` into a buffer: a string with nothing to escape (nearly all) is copied whole.
    pub fn string_into(buf: &mut Vec<u8>, s: &str) {
        let bytes = s.as_bytes();
        if any_escaped(bytes) {
            // Writing into a Vec cannot fail.
            let _ = string(buf, s);
            return;
        }
        buf.reserve(bytes.len() + 2);
        buf.push(b'"');
        buf.extend_from_slice(bytes);
        buf.push(b'"');
    }

    /// Whether any byte of `bytes` is `escaped`, eight bytes at a time: a word has a byte
    /// below 0x20, or equal to `"` or `\\`, exactly when the classic "has a byte less than n" and
    /// "has a zero byte" tests say so (exact for n <= 128, no false answer either way).
    fn any_escaped(bytes: &[u8]) -> bool {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let less = |x: u64, n: u8| x.wrapping_sub(ONES * n as u64) & !x & HIGH != 0;
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            let x = u64::from_le_bytes(a);
            if less(x, 0x20) || zero(x ^ (ONES * b'"' as u64)) || zero(x ^ (ONES * b'\\' as u64)) {
                return true;
            }
        }
        words.remainder().iter().any(|&b| escaped(b))
    }

    fn opt_string_into(buf: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => string_into(buf, s),
            None => buf.extend_from_slice(b"null"),
        }
    }

    fn uint<W: Write>(w: &mut W, mut n: u64) -> Result<()> {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        w.write_all(&buf[i..])
    }

    fn uint_into(buf: &mut Vec<u8>, n: u64) {
        if n < 10 {
            buf.push(b'0' + n as u8);
        } else {
            let _ = uint(buf, n);
        }
    }

    fn boolean_into(buf: &mut Vec<u8>, b: bool) {
        buf.extend_from_slice(if b { b"true" } else { b"false" });
    }

    /// A float as serde_json writes it (its own formatter; null when not finite).
    fn float<W: Write>(w: &mut W, x: f64) -> Result<()> {
        if x.is_finite() {
            serde_json::ser::Formatter::write_f64(&mut serde_json::ser::CompactFormatter, w, x)
        } else {
            w.write_all(b"null")
        }
    }

    /// The bytes before a value of an item diff: `,` (unless first), for pretty JSON a newline
    /// and the indent of `$ind` levels (the report's items are at level 2, their fields at 3),
    /// the quoted key and `: ` (`:` compact). Literals, so that each is a copy of known length.
    macro_rules! key {
        ($p:expr, first, $ind:literal, $name:literal) => {
            if $p {
                concat!("\n", $ind, "\"", $name, "\": ").as_bytes()
            } else {
                concat!("\"", $name, "\":").as_bytes()
            }
        };
        ($p:expr, $ind:literal, $name:literal) => {
            if $p {
                concat!(",\n", $ind, "\"", $name, "\": ").as_bytes()
            } else {
                concat!(",\"", $name, "\":").as_bytes()
            }
        };
    }

    /// A closing bracket: for pretty JSON on its own line at the indent `$ind`.
    macro_rules! close {
        ($p:expr, $ind:literal, $c:literal) => {
            if $p {
                concat!("\n", $ind, $c).as_bytes()
            } else {
                $c.as_bytes()
            }
        };
    }

    /// Before an item diff of the json report (pretty, at level 2) but the first, and before
    /// the first.
    pub const SEP: &[u8] = b",\n    ";
    pub const SEP_FIRST: &[u8] = b"\n    ";

    /// One item diff as serde_json writes it: pretty with its braces at level 2 (the items of
    /// the json report), or compact (`P` false: a line of the jsonl report).
    pub fn item<const P: bool>(buf: &mut Vec<u8>, d: &ItemDiff) {
        buf.push(b'{');
        buf.extend_from_slice(key!(P, first, "      ", "jurisdiction"));
        string_into(buf, &d.jurisdiction);
        buf.extend_from_slice(key!(P, "      ", "item"));
        string_into(buf, &d.item);
        buf.extend_from_slice(key!(P, "      ", "status"));
        string_into(buf, d.status.as_str());
        buf.extend_from_slice(key!(P, "      ", "recoded"));
        boolean_into(buf, d.recoded);
        buf.extend_from_slice(key!(P, "      ", "old_code"));
        opt_string_into(buf, d.old_code.as_deref());
        buf.extend_from_slice(key!(P, "      ", "new_code"));
        opt_string_into(buf, d.new_code.as_deref());
        buf.extend_from_slice(key!(P, "      ", "name"));
        string_into(buf, &d.name);
        buf.extend_from_slice(key!(P, "      ", "department"));
        string_into(buf, &d.department);
        buf.extend_from_slice(key!(P, "      ", "changes"));
        if d.changes.is_empty() {
            buf.extend_from_slice(b"[]");
        } else {
            buf.push(b'[');
            for (n, c) in d.changes.iter().enumerate() {
                if n > 0 {
                    buf.push(b',');
                }
                if P {
                    buf.extend_from_slice(b"\n        ");
                }
                change::<P>(buf, c);
            }
            buf.extend_from_slice(close!(P, "      ", "]"));
        }
        buf.extend_from_slice(key!(P, "      ", "before"));
        measures::<P>(buf, d.before.as_ref());
        buf.extend_from_slice(key!(P, "      ", "after"));
        measures::<P>(buf, d.after.as_ref());
        buf.extend_from_slice(key!(P, "      ", "score"));
        let _ = float(buf, d.score);
        buf.extend_from_slice(key!(P, "      ", "reworded_materials"));
        uint_into(buf, d.reworded_materials);
        buf.extend_from_slice(close!(P, "    ", "}"));
    }

    /// A change (braces at level 4).
    fn change<const P: bool>(buf: &mut Vec<u8>, c: &Change) {
        buf.push(b'{');
        buf.extend_from_slice(key!(P, first, "          ", "field"));
        string_into(buf, c.field.as_str());
        buf.extend_from_slice(key!(P, "          ", "old"));
        opt_string_into(buf, c.old.as_deref());
        buf.extend_from_slice(key!(P, "          ", "new"));
        opt_string_into(buf, c.new.as_deref());
        if let Some(kind) = c.kind {
            buf.extend_from_slice(key!(P, "          ", "kind"));
            string_into(buf, kind);
        }
        buf.extend_from_slice(close!(P, "        ", "}"));
    }

    /// Measures (braces at level 3), or null.
    fn measures<const P: bool>(buf: &mut Vec<u8>, m: Option<&Measures>) {
        let Some(m) = m else {
            buf.extend_from_slice(b"null");
            return;
        };
        buf.push(b'{');
        buf.extend_from_slice(key!(P, first, "        ", "steps"));
        uint_into(buf, m.steps);
        buf.extend_from_slice(key!(P, "        ", "stamps"));
        uint_into(buf, m.stamps);
        buf.extend_from_slice(key!(P, "        ", "materials"));
        uint_into(buf, m.materials);
        buf.extend_from_slice(key!(P, "        ", "committed_days"));
        match m.committed_days {
            Some(d) => uint_into(buf, d),
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(key!(P, "        ", "visits"));
        uint_into(buf, m.visits);
        buf.extend_from_slice(key!(P, "        ", "intermediaries"));
        uint_into(buf, m.intermediaries);
        buf.extend_from_slice(key!(P, "        ", "charged"));
        boolean_into(buf, m.charged);
        buf.extend_from_slice(close!(P, "      ", "}"));
    }
}

fn json_err(e: serde_json::Error) -> Error {
    Error::Usage(format!("cannot render JSON: {e}"))
}

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

/// The seven measure cells of CSV_HEADER written into `cells` (empty without measures).
fn measure_cells_into(m: Option<&Measures>, cells: &mut [String; 7]) {
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

/// The csv report; `raw` leaves text cells as they are (`--raw`), else a cell beginning with
/// = + - @ is prefixed with '.
pub fn csv(r: &DiffReport, raw: bool) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    write_csv(r, raw, &mut v)?;
    Ok(v)
}

/// The csv report (`csv`), streamed into `w`: rows rendered in parallel a part at a time
/// (`write_batched`), each part by its own csv writer (a record's bytes depend on the record
/// alone), written in order.
pub fn write_csv<W: Write>(r: &DiffReport, raw: bool, w: &mut W) -> Result<()> {
    write_streamed(r, Format::Csv, raw, w)
}

fn csv_err(e: csv::Error) -> Error {
    Error::Usage(format!("cannot render CSV: {e}"))
}

/// The csv rows of `items` appended to `buf`.
fn csv_rows(items: &[ItemDiff], raw: bool, buf: &mut Vec<u8>) -> Result<()> {
    let err = csv_err;
    let mut w = csv::Writer::from_writer(buf);
    // Text cells are defused; the score stays a number (a negative score is not a formula,
    // and '-4 would not sort as one).
    let text = |w: &mut csv::Writer<&mut Vec<u8>>, c: &str| {
        if raw {
            w.write_field(c)
        } else {
            w.write_field(csv_safe(c).as_bytes())
        }
    };
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
        text(&mut w, &it.jurisdiction).map_err(err)?;
        text(&mut w, &it.item).map_err(err)?;
        text(&mut w, it.status.as_str()).map_err(err)?;
        text(&mut w, if it.recoded { "true" } else { "false" }).map_err(err)?;
        text(&mut w, it.old_code.as_deref().unwrap_or("")).map_err(err)?;
        text(&mut w, it.new_code.as_deref().unwrap_or("")).map_err(err)?;
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
fn changes_cell(it: &ItemDiff) -> String {
    let mut changes = String::new();
    for (k, c) in it.changes.iter().enumerate() {
        if k > 0 {
            changes.push('\n');
        }
        changes.push_str(&change_line(c, Lang::Zh, Markup::Text));
    }
    changes
}

/// A number without float noise: integers without a fraction, otherwise up to 3 decimals.
pub fn fmt_num(x: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, x);
    s
}

/// `fmt_num` appended to `out`.
pub fn push_num(out: &mut String, x: f64) {
    let start = out.len();
    let _ = write!(out, "{x:.3}");
    let kept = out[start..].trim_end_matches('0').trim_end_matches('.').len();
    out.truncate(start + kept);
    if &out[start..] == "-0" {
        out.truncate(start);
        out.push('0');
    }
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "—".into())
}

fn kind_word(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "added" => lang.pick("新增", "added"),
        "removed" => lang.pick("删除", "removed"),
        "renumbered" => lang.pick("条款变更", "renumbered"),
        "reordered" => lang.pick("调整顺序", "reordered"),
        "reworded" => lang.pick("改名", "reworded"),
        "required" => lang.pick("必要性变更", "required changed"),
        "stamped" => lang.pick("盖章要求变更", "stamp changed"),
        _ => lang.pick("变更", "changed"),
    }
}

fn field_word(c: &Change, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => c.field.zh(),
        Lang::En => c.field.as_str(),
    }
}

/// One change as a line: `承诺时限：10个工作日 → 5个工作日` with an inline diff of text.
fn change_line(c: &Change, lang: Lang, markup: Markup) -> String {
    let field = field_word(c, lang);
    let esc = |s: &str| match markup {
        Markup::Text => s.to_string(),
        Markup::Md => escape_md(s),
        Markup::Html => escape_html(s),
    };
    let (ins, del) = match markup {
        Markup::Text => (("{+", "+}"), ("[-", "-]")),
        Markup::Md => (("**", "**"), ("~~", "~~")),
        Markup::Html => (("<ins>", "</ins>"), ("<del>", "</del>")),
    };
    let sep = lang.pick("：", ": ");
    let body = match (c.old.as_deref(), c.new.as_deref()) {
        (Some(o), Some(n)) => {
            let o1 = o.trim();
            let n1 = n.trim();
            // Related texts read best as one inline diff; unrelated ones as old → new.
            // One character diff serves both the choice and the inline rendering.
            let diff = TextDiff::from_chars(o1, n1);
            if diff.ratio() >= 0.3 {
                inline_of(&diff, markup)
            } else {
                format!("{}{}{} → {}{}{}", del.0, esc(o1), del.1, ins.0, esc(n1), ins.1)
            }
        }
        (Some(o), None) => format!("{}{}{}", del.0, esc(o), del.1),
        (None, Some(n)) => format!("{}{}{}", ins.0, esc(n), ins.1),
        (None, None) => String::new(),
    };
    match c.kind {
        Some(k) => format!("{field}{sep}{} {body}", kind_word(k, lang)),
        None => format!("{field}{sep}{body}"),
    }
}

fn measures_line(b: Option<&Measures>, a: Option<&Measures>, lang: Lang) -> String {
    let mut out = String::new();
    push_measures_line(&mut out, b, a, lang);
    out
}

/// `measures_line` appended to `out`, without a string per cell (it runs once per item).
fn push_measures_line(out: &mut String, b: Option<&Measures>, a: Option<&Measures>, lang: Lang) {
    let names = [
        lang.pick("环节", "steps"),
        lang.pick("盖章", "stamps"),
        lang.pick("材料", "materials"),
        lang.pick("承诺时限", "committed days"),
        lang.pick("跑动", "visits"),
        lang.pick("中介", "intermediaries"),
        lang.pick("收费", "charged"),
    ];
    // The cell text of measure `k` (empty without measures or without a committed limit).
    let cell = |m: Option<&Measures>, k: usize, buf: &mut String| {
        buf.clear();
        let Some(m) = m else { return };
        let _ = match k {
            0 => write!(buf, "{}", m.steps),
            1 => write!(buf, "{}", m.stamps),
            2 => write!(buf, "{}", m.materials),
            3 => match m.committed_days {
                Some(d) => write!(buf, "{d}"),
                None => Ok(()),
            },
            4 => write!(buf, "{}", m.visits),
            5 => write!(buf, "{}", m.intermediaries),
            _ => {
                buf.push_str(if m.charged {
                    lang.pick("是", "yes")
                } else {
                    lang.pick("否", "no")
                });
                Ok(())
            }
        };
    };
    fn show(s: &str) -> &str {
        if s.is_empty() {
            "—"
        } else {
            s
        }
    }
    let (mut x, mut y) = (String::new(), String::new());
    for (k, name) in names.iter().enumerate() {
        if k > 0 {
            out.push_str(lang.pick("，", ", "));
        }
        cell(b, k, &mut x);
        cell(a, k, &mut y);
        out.push_str(name);
        out.push(' ');
        out.push_str(show(&x));
        if x != y {
            out.push('→');
            out.push_str(show(&y));
        }
    }
}

fn totals_lines(t: &Totals, lang: Lang, md: bool) -> String {
    let mut s = String::new();
    let sep = if md { "\n\n" } else { "\n" };
    let _ = write!(
        s,
        "{}{sep}",
        match lang {
            Lang::Zh => format!(
                "事项 {} 个：变更 {}，未变 {}，新增 {}，取消 {}（其中改码 {}）",
                t.items, t.changed, t.unchanged, t.added, t.removed, t.recoded
            ),
            Lang::En => format!(
                "{} items: {} changed, {} unchanged, {} added, {} removed ({} recoded)",
                t.items, t.changed, t.unchanged, t.added, t.removed, t.recoded
            ),
        }
    );
    let _ = write!(
        s,
        "{}{sep}",
        match lang {
            Lang::Zh => format!(
                "简化 {} 个，持平 {} 个，更复杂 {} 个；简化总分 {}",
                t.simplified,
                t.same,
                t.complicated,
                fmt_num(t.score)
            ),
            Lang::En => format!(
                "{} simpler, {} same, {} more complicated; total score {}",
                t.simplified,
                t.same,
                t.complicated,
                fmt_num(t.score)
            ),
        }
    );
    let r = &t.reduced;
    let _ = write!(
        s,
        "{}{sep}",
        match lang {
            Lang::Zh => format!(
                "净减少：环节 {}，盖章 {}，材料 {}，跑动 {} 次，中介服务 {}，承诺时限 {} 个工作日，收费事项 {}",
                r.steps, r.stamps, r.materials, r.visits, r.intermediaries, r.committed_days, r.charged
            ),
            Lang::En => format!(
                "Net reductions: {} steps, {} stamps, {} materials, {} visits, {} intermediaries, {} working days, {} charged items",
                r.steps, r.stamps, r.materials, r.visits, r.intermediaries, r.committed_days, r.charged
            ),
        }
    );
    s
}

fn rates_rows(b: &Rates, a: &Rates, lang: Lang) -> Vec<[String; 3]> {
    vec![
        [
            lang.pick("承诺时限压缩率", "committed-limit compression").into(),
            pct(b.compression),
            pct(a.compression),
        ],
        [
            lang.pick("即办件占比", "immediate items").into(),
            pct(b.immediate_share),
            pct(a.immediate_share),
        ],
        [
            lang.pick("最多跑一次占比", "at most one visit").into(),
            pct(b.at_most_one_visit_share),
            pct(a.at_most_one_visit_share),
        ],
        [
            lang.pick("零跑动占比", "no visit").into(),
            pct(b.zero_visit_share),
            pct(a.zero_visit_share),
        ],
    ]
}

fn item_head(it: &ItemDiff, lang: Lang) -> String {
    let status = match lang {
        Lang::Zh => it.status.zh(),
        Lang::En => it.status.as_str(),
    };
    let recoded = if it.recoded { lang.pick("，改码", ", recoded") } else { "" };
    let (open, comma, close) = match lang {
        Lang::Zh => ("（", "，", "）"),
        Lang::En => (" (", ", ", ")"),
    };
    format!(
        "[{}] {} {}{open}{}{}{comma}{} {}{close}",
        it.jurisdiction,
        it.item,
        it.name.trim(),
        status,
        recoded,
        lang.pick("得分", "score"),
        fmt_num(it.score)
    )
}

fn table(out: &mut String, md: bool, header: &[&str], rows: &[Vec<String>]) {
    if md {
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| escape_md(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        out.push('\n');
    } else {
        // Columns padded to the widest cell in display columns (a CJK character takes two), so
        // the table reads aligned in a terminal; the last column is not padded.
        use unicode_width::UnicodeWidthStr;
        let cols = header.len();
        let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
        for r in rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.width());
            }
        }
        let line = |cells: Vec<&str>| {
            let mut l = String::new();
            for (i, c) in cells.iter().enumerate() {
                l.push_str(c);
                if i + 1 < cells.len().min(cols) {
                    let w = widths.get(i).copied().unwrap_or(0);
                    l.push_str(&" ".repeat(w.saturating_sub(c.width()) + 2));
                }
            }
            l
        };
        let _ = writeln!(out, "{}", line(header.to_vec()));
        for r in rows {
            let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
        }
        out.push('\n');
    }
}

fn rank_rows(rows: &[RankRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.rank.to_string(),
                r.key.clone(),
                r.label.clone(),
                fmt_num(r.score),
                r.mean_score.map(fmt_num).unwrap_or_else(|| "—".into()),
                r.simplified.to_string(),
                r.complicated.to_string(),
            ]
        })
        .collect()
}

fn group_rows(groups: &[Group], lang: Lang) -> Vec<Vec<String>> {
    let _ = lang;
    groups
        .iter()
        .map(|g| {
            let t = &g.totals;
            vec![
                g.key.clone(),
                g.label.clone(),
                t.items.to_string(),
                t.simplified.to_string(),
                t.same.to_string(),
                t.complicated.to_string(),
                t.reduced.steps.to_string(),
                t.reduced.stamps.to_string(),
                t.reduced.materials.to_string(),
                t.reduced.visits.to_string(),
                t.reduced.intermediaries.to_string(),
                t.reduced.committed_days.to_string(),
                format!("{} → {}", pct(t.before.compression), pct(t.after.compression)),
                format!(
                    "{} → {}",
                    pct(t.before.at_most_one_visit_share),
                    pct(t.after.at_most_one_visit_share)
                ),
                fmt_num(t.score),
            ]
        })
        .collect()
}

/// Text and Markdown share one layout: overall figures, regressions first, the other changed,
/// added and removed items, the groups and the ranking. Unchanged items are only counted.
fn text<W: Write>(
    r: &DiffReport,
    lang: Lang,
    old: &str,
    new: &str,
    markup: Markup,
    w: &mut W,
) -> std::io::Result<()> {
    let md = markup == Markup::Md;
    let h = |level: usize, s: &str| {
        if md {
            format!("{} {s}\n\n", "#".repeat(level))
        } else {
            format!("== {s} ==\n")
        }
    };
    let mut out = String::new();
    out.push_str(&h(1, &format!("{} {} → {}", lang.pick("版本比较", "Version diff"), old, new)));
    out.push_str(&totals_lines(&r.summary.totals, lang, md));
    out.push('\n');
    let t = &r.summary.totals;
    table(
        &mut out,
        md,
        &["", lang.pick("改革前", "before"), lang.pick("改革后", "after")],
        &rates_rows(&t.before, &t.after, lang).into_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
    );
    if !r.warnings.is_empty() {
        out.push_str(&h(2, lang.pick("警告", "Warnings")));
        for w in &r.warnings {
            let _ = writeln!(
                out,
                "{}[{}] {}: {}",
                if md { "- " } else { "" },
                w.jurisdiction,
                w.item,
                lang.pick(&w.message, &w.message_en)
            );
        }
        out.push('\n');
    }
    let sections: [(&str, ItemFilter); 4] = [
        (
            lang.pick("更复杂的事项（请优先审阅）", "More complicated (review first)"),
            &|d: &ItemDiff| d.is_regression(),
        ),
        (lang.pick("变更事项", "Changed items"), &|d: &ItemDiff| {
            d.status == Status::Changed && !d.is_regression()
        }),
        (lang.pick("新增事项", "Added items"), &|d: &ItemDiff| d.status == Status::Added),
        (lang.pick("取消事项", "Removed items"), &|d: &ItemDiff| d.status == Status::Removed),
    ];
    for (title, pred) in sections {
        let items: Vec<&ItemDiff> = r.items.iter().filter(|d| pred(d)).collect();
        if items.is_empty() {
            continue;
        }
        let count = match lang {
            Lang::Zh => format!("{title}（{}）", items.len()),
            Lang::En => format!("{title} ({})", items.len()),
        };
        out.push_str(&h(2, &count));
        // Item blocks are rendered in parallel a window at a time (the character diffs of a
        // province take a second on one core), written in order, and the text is handed on
        // as it grows, so memory stays bounded.
        for window in items.chunks(TEXT_WINDOW) {
            let blocks: Vec<String> =
                window.par_iter().map(|it| item_block(it, lang, markup)).collect();
            for b in blocks {
                out.push_str(&b);
            }
            w.write_all(out.as_bytes())?;
            out.clear();
        }
        out.push('\n');
    }
    let gh = [
        lang.pick("代码/名称", "key"),
        lang.pick("区划", "label"),
        lang.pick("事项", "items"),
        lang.pick("简化", "simpler"),
        lang.pick("持平", "same"),
        lang.pick("更复杂", "worse"),
        lang.pick("减环节", "steps-"),
        lang.pick("减盖章", "stamps-"),
        lang.pick("减材料", "materials-"),
        lang.pick("减跑动", "visits-"),
        lang.pick("减中介", "interm.-"),
        lang.pick("减时限(工作日)", "days-"),
        lang.pick("承诺时限压缩率", "compression"),
        lang.pick("最多跑一次", "≤1 visit"),
        lang.pick("得分", "score"),
    ];
    out.push_str(&h(2, lang.pick("按区划", "By jurisdiction")));
    table(&mut out, md, &gh, &group_rows(&r.summary.by_jurisdiction, lang));
    out.push_str(&h(2, lang.pick("按部门", "By department")));
    table(&mut out, md, &gh, &group_rows(&r.summary.by_department, lang));
    let rh = [
        lang.pick("名次", "rank"),
        lang.pick("代码/名称", "key"),
        lang.pick("区划", "label"),
        lang.pick("总分", "score"),
        lang.pick("平均分", "mean"),
        lang.pick("简化", "simpler"),
        lang.pick("更复杂", "worse"),
    ];
    out.push_str(&h(2, lang.pick("绩效考评排名：区划", "Ranking: jurisdictions")));
    table(&mut out, md, &rh, &rank_rows(&r.summary.ranking.jurisdictions));
    out.push_str(&h(2, lang.pick("绩效考评排名：部门", "Ranking: departments")));
    table(&mut out, md, &rh, &rank_rows(&r.summary.ranking.departments));
    w.write_all(out.as_bytes())
}

/// Item diffs rendered in parallel at a time (text and csv).
const TEXT_WINDOW: usize = 8192;

/// One item of the text or Markdown report: its head, its measures and its changes.
fn item_block(it: &ItemDiff, lang: Lang, markup: Markup) -> String {
    let md = markup == Markup::Md;
    let mut out = String::new();
    if md {
        let _ = writeln!(out, "- **{}**", escape_md(&item_head(it, lang)));
    } else {
        let _ = writeln!(out, "{}", item_head(it, lang));
    }
    let ind = if md { "  - " } else { "    " };
    out.push_str(ind);
    push_measures_line(&mut out, it.before.as_ref(), it.after.as_ref(), lang);
    out.push('\n');
    for c in &it.changes {
        let _ = writeln!(out, "{ind}{}", change_line(c, lang, markup));
    }
    out
}

/// Which items a text section lists.
type ItemFilter<'a> = &'a dyn Fn(&ItemDiff) -> bool;

fn html(r: &DiffReport, lang: Lang, old: &str, new: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>qingdan diff</title>\
         <style>del{{background:#fdd}}ins{{background:#dfd}}td,th{{border:1px solid #ccc;padding:2px 6px}}table{{border-collapse:collapse}}</style></head><body>\n",
        lang.pick("zh", "en")
    );
    let _ = writeln!(
        out,
        "<h1>{} {} → {}</h1>",
        lang.pick("版本比较", "Version diff"),
        escape_html(old),
        escape_html(new)
    );
    for line in totals_lines(&r.summary.totals, lang, false).lines() {
        let _ = writeln!(out, "<p>{}</p>", escape_html(line));
    }
    out.push_str("<table>\n");
    let t = &r.summary.totals;
    for row in rates_rows(&t.before, &t.after, lang) {
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            escape_html(&row[0]),
            row[1],
            row[2]
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<ul>",
        lang.pick("有变化的事项（更复杂的在前）", "Items that changed (regressions first)")
    );
    for it in r.items.iter().filter(|d| d.status != Status::Unchanged) {
        let cls = if it.is_regression() { " style=\"color:#a00\"" } else { "" };
        let _ = writeln!(
            out,
            "<li{cls}><b>{}</b><br>{}<ul>",
            escape_html(&item_head(it, lang)),
            escape_html(&measures_line(it.before.as_ref(), it.after.as_ref(), lang))
        );
        for c in &it.changes {
            let _ = writeln!(out, "<li>{}</li>", change_line(c, lang, Markup::Html));
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ul>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_diff_marks_characters() {
        assert_eq!(
            inline_diff("营业执照复印件", "营业执照副本复印件", Markup::Text),
            "营业执照{+副本+}复印件"
        );
        assert_eq!(inline_diff("申请书", "申请表", Markup::Text), "申请[-书-]{+表+}");
        assert_eq!(inline_diff("10个工作日", "5个工作日", Markup::Md), "~~10~~**5**个工作日");
        assert_eq!(inline_diff("<a>", "<b>", Markup::Html), "&lt;<del>a</del><ins>b</ins>&gt;");
    }

    /// A report with every shape an item diff takes: changed (sub-changes with and without a
    /// kind), recoded, added, removed, unchanged, no committed limit, text needing escapes.
    fn varied_report() -> DiffReport {
        use crate::diff::testutil::*;
        use crate::diff::{diff, Scoring};
        use crate::model::*;
        let mut a = item("450102", "000101001000", "食品经营许可\"甲\"");
        a.steps = vec![step(1, "受理", 1), step(2, "审查\\复核", 0), step(3, "决定", 1)];
        a.materials = vec![material("申请书", true, true), material("营业执照复印件", true, false)];
        let mut a2 = a.clone();
        a2.steps = vec![step(1, "受理", 1), step(2, "决定", 1)];
        a2.materials =
            vec![material("申请表", true, false), material("场所证明\t(复印件)", false, false)];
        a2.visits = Count::parse("0".into()).into();
        a2.committed_limit = days("5个工作日\n(含公示)", 5).into();
        let b = item("450102", "000101002000", "药品经营许可");
        let b2 = item("450102", "450101002000", "药品经营许可");
        let c = item("450103", "000101003000", "取消的事项\u{1}\u{7f}");
        let mut d = item("450103", "000101004000", "新增的事项 é 𝄞");
        d.committed_limit = TimeLimit { raw: "".into(), value: LimitValue::None }.into();
        let e = item("450104", "000101005000", "未变");
        diff(&dataset(vec![a, b, c, e.clone()]), &dataset(vec![a2, b2, d, e]), &Scoring::default())
    }

    #[test]
    fn json_is_what_serde_json_writes() {
        let mut r = varied_report();
        assert!(r.items.len() >= 5 && r.items.iter().any(|d| d.changes.len() > 3));
        let check = |r: &DiffReport| {
            let mut want = serde_json::to_vec_pretty(r).unwrap();
            want.push(b'\n');
            let mut got = Vec::new();
            write_json(r, &mut got).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
            let mut want = Vec::new();
            for it in &r.items {
                serde_json::to_writer(&mut want, it).unwrap();
                want.push(b'\n');
            }
            let mut got = Vec::new();
            write_jsonl(r, &mut got).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
        };
        check(&r);
        r.items[0].score = f64::NAN;
        r.items[1].score = -0.1 + 0.30000000000000004;
        r.items[2].score = 1e21;
        check(&r);
        r.items.clear();
        check(&r);
        // Enough items for several parts and rounds, the last of each partial, every item
        // distinct so that one out of place shows.
        let base = varied_report();
        let n = PART * PARTS * 2 + PART + 3;
        r.items = (0..n)
            .map(|k| {
                let mut d = base.items[k % base.items.len()].clone();
                d.item = format!("{}-{k}", d.item).into();
                d.score = k as f64 / 8.0 - 100.0;
                d
            })
            .collect();
        check(&r);
    }

    #[test]
    fn strings_with_escapes_anywhere_are_escaped_as_serde_json_does() {
        // Every byte that needs an escape (and a few that do not) at every place of a word,
        // among Chinese, ASCII and boundary bytes, so that the eight-byte test is checked
        // against the byte-wise one.
        let specials = ['\u{0}', '\u{1f}', ' ', '"', '\\', '\n', '\u{7f}', '!', ']', '#'];
        for fill in ["中文字", "abcdefgh", "\u{7f}\u{7f}\u{7f}", "!!!!!!!!!"] {
            for c in specials {
                for at in 0..=fill.chars().count() {
                    for len in [at + 1, fill.chars().count() * 3] {
                        let mut s: String = fill.chars().cycle().take(len).collect();
                        let pos = s.char_indices().nth(at).map_or(s.len(), |(k, _)| k);
                        s.insert(pos, c);
                        let mut got = Vec::new();
                        json::string(&mut got, &s).unwrap();
                        assert_eq!(got, serde_json::to_vec(&s).unwrap(), "{s:?}");
                        got.clear();
                        json::string_into(&mut got, &s);
                        assert_eq!(got, serde_json::to_vec(&s).unwrap(), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn batches_are_written_in_order() {
        let items: Vec<usize> = (0..PART * PARTS * 3 + 17).collect();
        for len in [0, 1, PART, PART * PARTS, PART * PARTS + 1, items.len()] {
            let mut got = Vec::new();
            write_batched(&items[..len], &mut got, |first, part, buf| {
                for (k, x) in part.iter().enumerate() {
                    assert_eq!(first + k, *x);
                    buf.extend_from_slice(format!("{x},").as_bytes());
                }
                Ok(())
            })
            .unwrap();
            let want: String = items[..len].iter().map(|x| format!("{x},")).collect();
            assert_eq!(String::from_utf8(got).unwrap(), want);
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é中𝄞\u{2028}\u{feff}");
        for s in [all.as_str(), "", "\"", "\\", "plain"] {
            let mut got = Vec::new();
            json::string(&mut got, s).unwrap();
            assert_eq!(got, serde_json::to_vec(s).unwrap(), "{s:?}");
            got.clear();
            json::string_into(&mut got, s);
            assert_eq!(got, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
        // Each byte alone and at each place of a word, for the eight-byte test.
        for b in 0u8..0x80 {
            for at in 0..17 {
                let mut s: String = "x".repeat(16);
                s.insert(at, char::from(b));
                let mut got = Vec::new();
                json::string_into(&mut got, &s);
                assert_eq!(got, serde_json::to_vec(&s).unwrap(), "{s:?}");
            }
        }
        for f in [
            crate::model::Field::Presence,
            crate::model::Field::StatutoryLimit,
            crate::model::Field::CommittedLimit,
            crate::model::Field::Intermediaries,
            crate::model::Field::Materials,
        ] {
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.as_str()));
        }
    }

    #[test]
    fn numbers_have_no_float_noise() {
        assert_eq!(fmt_num(8.0), "8");
        assert_eq!(fmt_num(-0.2), "-0.2");
        assert_eq!(fmt_num(0.30000000000000004), "0.3");
        assert_eq!(fmt_num(-0.0), "0");
    }
}
