//! Unit tests of `read.rs`: the helpers that find the delimiter, the header and the record
//! boundaries, the checks of each row, and the three ways a CSV file is read (mapped, a window
//! at a time, whole) giving the same rows for the same bytes.

use super::*;
use crate::model::Diagnostic;

/// Column names the test visitor knows (its header score counts them).
const KNOWN: [&str; 4] = ["h0", "h1", "h2", "h3"];

/// A row as the test visitor saw it: its line and its cells.
type Seen = (u64, Vec<String>);

/// Records every row it is given; rejects rows whose first cell is `reject`, and (when
/// `required` is set) the whole file when the header lacks that column.
#[derive(Default)]
struct Rec {
    rows: Vec<Seen>,
    required: Option<&'static str>,
    /// How each row came: `T` a line of text, `Q` quoted cells read off their marks, `C` the csv
    /// crate's record, `O` owned cells.
    forms: String,
}

impl Visitor for Rec {
    fn header_score(&self, header: &[String]) -> usize {
        header.iter().filter(|h| KNOWN.contains(&h.as_str())).count()
    }

    fn header(&mut self, header: &[String], diags: &mut Diags) -> bool {
        match self.required {
            Some(r) if !header.iter().any(|h| h == r) => {
                diags.push_at(Some(1), Some(r.to_string()), None, Msg::MissingColumn);
                false
            }
            _ => true,
        }
    }

    fn row(&mut self, line: u64, row: &Row<'_>, _diags: &mut Diags) -> bool {
        let cells: Vec<String> = (0..row.len()).map(|i| row.get(i).to_string()).collect();
        let keep = cells.first().map(String::as_str) != Some("reject");
        self.rows.push((line, cells));
        self.forms.push(match row {
            Row::Text(..) => 'T',
            Row::Quoted(..) => 'Q',
            Row::Csv(..) => 'C',
            Row::Cells(..) => 'O',
        });
        keep
    }
}

/// The rows of every visitor, in file order.
#[derive(Default)]
struct Out(Vec<Seen>);

impl Drain<Rec> for Out {
    type Part = Vec<Seen>;
    fn take(&mut self, v: &mut Rec) {
        self.0.append(&mut v.rows);
    }
    fn part(&mut self, v: &mut Rec) -> Vec<Seen> {
        std::mem::take(&mut v.rows)
    }
    fn put(&mut self, mut part: Vec<Seen>) {
        self.0.append(&mut part);
    }
    fn reset(&mut self) {
        self.0.clear();
    }
}

/// What one reading of a file gave.
#[derive(Debug, PartialEq)]
struct Read {
    rows: Vec<Seen>,
    /// (encoding, read, loaded, rejected).
    counts: (String, u64, u64, u64),
    diags: Vec<Diagnostic>,
}

fn counts(r: &FileReport) -> (String, u64, u64, u64) {
    (r.encoding.clone(), r.rows_read, r.rows_loaded, r.rows_rejected)
}

fn new_diags() -> Diags {
    Diags::new("items.csv".into())
}

/// Reads `bytes` as the file items.csv through [`visit`].
fn read_with(
    bytes: &[u8],
    opts: ReadOptions,
    forced: Option<&'static Encoding>,
    required: Option<&'static str>,
) -> Read {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("items.csv");
    std::fs::write(&path, bytes).expect("the file written");
    let source = Source::Csv { path, label: "items.csv".into() };
    let new = || Rec { required, ..Rec::default() };
    let (mut diags, mut report, mut out) = (new_diags(), FileReport::default(), Out::default());
    visit(&source, &opts, forced, &new, true, &mut diags, &mut report, &mut out);
    Read { rows: out.0, counts: counts(&report), diags: diags.finish() }
}

fn read(bytes: &[u8], opts: ReadOptions) -> Read {
    read_with(bytes, opts, None, None)
}

/// Reads `text` whole (as a decoded file is read), in pieces of about `piece` bytes.
fn read_whole(text: &str, piece: Option<usize>) -> Read {
    let opts = ReadOptions { piece_bytes: piece, ..ReadOptions::default() };
    let new = Rec::default;
    let (mut diags, mut report, mut out) = (new_diags(), FileReport::default(), Out::default());
    visit_csv(text, &opts, new(), &new, true, &mut diags, &mut report, &mut out);
    Read { rows: out.0, counts: counts(&report), diags: diags.finish() }
}

/// Reads `bytes` as a mapped file is read, without the fallback: `Err` when it halted.
fn read_mapped_only(bytes: &[u8], piece: Option<usize>) -> Result<Read, Halt> {
    let opts = ReadOptions { mmap: true, piece_bytes: piece, ..ReadOptions::default() };
    let new = Rec::default;
    let (mut diags, mut report, mut out) = (new_diags(), FileReport::default(), Out::default());
    let release = |_: usize, _: usize| {};
    read_mapped(bytes, &opts, true, &new, true, &mut diags, &mut report, &mut out, &release)?;
    Ok(Read { rows: out.0, counts: counts(&report), diags: diags.finish() })
}

/// Options that make each way of reading a UTF-8 file be taken: mapped in tiny pieces, windows
/// of a few bytes in tiny pieces, and the defaults (one window, one piece for a small file).
fn every_way() -> [ReadOptions; 3] {
    [
        ReadOptions { mmap: true, block_bytes: None, piece_bytes: Some(7) },
        ReadOptions { mmap: false, block_bytes: Some(13), piece_bytes: Some(5) },
        ReadOptions::default(),
    ]
}

fn row(line: u64, cells: &[&str]) -> Seen {
    (line, cells.iter().map(|c| c.to_string()).collect())
}

/// A diagnostic as (line, column, message, text).
type Said<'a> = (Option<u64>, Option<&'a str>, &'a str, Option<&'a str>);

/// The (line, column, message, text) of each diagnostic.
fn said(diags: &[Diagnostic]) -> Vec<Said<'_>> {
    diags
        .iter()
        .map(|d| (d.line, d.column.as_deref(), d.message.as_str(), d.text.as_deref()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Options

#[test]
fn read_options_parse_their_words_and_refuse_others() {
    let opts = ReadOptions::parse(" mmap , block=10,piece=3,").expect("valid words");
    assert_eq!(opts, ReadOptions { mmap: true, block_bytes: Some(10), piece_bytes: Some(3) });
    assert_eq!(ReadOptions::parse(""), Ok(ReadOptions::default()));
    for bad in ["block=0", "piece=x", "map", "block", "piece=-1"] {
        let err = ReadOptions::parse(bad).expect_err(bad);
        assert!(err.starts_with(bad), "{bad}: {err}");
    }
    // A window size asked for turns mapping off.
    assert!(opts.block() == 10 && !opts.maps());
    assert!(ReadOptions { mmap: true, ..ReadOptions::default() }.maps());
    assert_eq!(ReadOptions::default().block(), BLOCK);
    assert_eq!(opts.piece_count(10), 4);
    assert_eq!(ReadOptions::default().piece_count(PIECE * 2), 3);
}

// ---------------------------------------------------------------------------------------------
// Delimiter, header, start of the text

#[test]
fn delimiter_is_a_tab_only_when_the_first_lines_have_more_tabs_than_commas() {
    assert_eq!(delimiter("a\tb\tc\nd\te\tf\n"), b'\t');
    assert_eq!(delimiter("a,b,c\nd,e,f\n"), b',');
    // A tie is a comma; so is a text with neither.
    assert_eq!(delimiter("a,b\tc\n"), b',');
    assert_eq!(delimiter("abc\n"), b',');
    // Only the lines the header may be on count.
    let mut text = "a,b\n".repeat(HEADER_SEARCH);
    text.push_str(&"a\tb\tc\td\n".repeat(50));
    assert_eq!(delimiter(&text), b',');
}

fn cells(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

#[test]
fn the_header_is_the_first_row_unless_a_later_one_names_more_columns() {
    let v = Rec::default();
    let mut d = new_diags();
    let line_of = |i: usize| Some(i as u64 + 1);
    // Below a title row: the later row names two known columns, the title none.
    let titled = cells(&[&["某县行政许可事项清单"], &["h0", "h1", "其他"], &["a", "b", "c"]]);
    assert_eq!(pick_header(&titled, &v, &mut d, line_of), 1);
    let diags = d.finish();
    let title = Some("某县行政许可事项清单");
    assert_eq!(said(&diags), vec![(Some(2), None, Msg::HeaderNotFirst.zh(), title)]);
    // One known column is not enough to pass over the first row, nor is a tie.
    let mut d = new_diags();
    assert_eq!(pick_header(&cells(&[&["x"], &["h0", "y"]]), &v, &mut d, line_of), 0);
    assert_eq!(pick_header(&cells(&[&["h0", "h1"], &["h0", "h1"]]), &v, &mut d, line_of), 0);
    assert_eq!(pick_header(&[], &v, &mut d, line_of), 0);
    assert!(d.is_empty());
    // The best row wins, the first of equals.
    let three = cells(&[&["t"], &["h0", "h1"], &["h0", "h1", "h2"], &["h0", "h1", "h2"]]);
    assert_eq!(pick_header(&three, &v, &mut new_diags(), line_of), 2);
}

#[test]
fn utf8_start_skips_a_byte_order_mark_and_tells_the_delimiter() {
    let mut r = FileReport::default();
    assert_eq!(utf8_start(b"\xEF\xBB\xBFa\tb\tc\n", true, &mut r), Some((3, b'\t')));
    assert_eq!(r.encoding, "UTF-8 (BOM)");
    // A BOM where the encoding was forced to UTF-8 is skipped but not named.
    assert_eq!(utf8_start(b"\xEF\xBB\xBFa,b\n", false, &mut r), Some((3, b',')));
    assert_eq!(r.encoding, "UTF-8");
    assert_eq!(utf8_start(b"a,b\n", true, &mut r), Some((0, b',')));
    assert_eq!(r.encoding, "UTF-8");
    // UTF-16 is not read as UTF-8.
    assert_eq!(utf8_start(b"\xFF\xFEa\0,\0", true, &mut r), None);
    assert_eq!(utf8_start(b"\xFE\xFF\0a", true, &mut r), None);
    assert_eq!(utf8_start(b"", true, &mut r), Some((0, b',')));
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_column_name() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"h0,h1\nreject,b\n");
    for opts in every_way() {
        let r = read_with(&bytes, opts, None, Some("h0"));
        assert_eq!(r.rows, vec![row(2, &["reject", "b"])], "{opts:?}");
        assert_eq!(r.counts, ("UTF-8 (BOM)".to_string(), 1, 0, 1), "{opts:?}");
        assert!(r.diags.is_empty(), "{opts:?}: {:?}", r.diags);
    }
}

// ---------------------------------------------------------------------------------------------
// Record boundaries

#[test]
fn cut_at_line_ends_covers_the_text_with_pieces_that_start_after_a_line_end() {
    let bytes = b"header\naa\nbb\ncc\ndd\nee";
    let start = 7;
    for n in [1, 2, 3, 5, 100] {
        let pieces = cut_at_line_ends(bytes, start, n);
        assert!(!pieces.is_empty() && pieces.len() <= n.max(1), "{n}: {pieces:?}");
        assert_eq!(pieces.first().map(|p| p.0), Some(start), "{n}");
        assert_eq!(pieces.last().map(|p| p.1), Some(bytes.len()), "{n}");
        for w in pieces.windows(2) {
            let (a, b) = (w[0], w[1]);
            assert_eq!(a.1, b.0, "{n}: contiguous");
            assert!(a.0 < a.1, "{n}: not empty");
            assert_eq!(bytes.get(b.0 - 1), Some(&b'\n'), "{n}: {b:?} starts a line");
        }
    }
    // As many pieces as lines, when asked for more.
    assert_eq!(cut_at_line_ends(bytes, start, 100).len(), 5);
    assert_eq!(cut_at_line_ends(b"no line end", 0, 4), vec![(0, 11)]);
    assert_eq!(cut_at_line_ends(b"ab\n", 0, 4), vec![(0, 3)]);
}

/// A long last line asked to be cut into many pieces is looked through once, not once per piece
/// (that took 552 s in a debug build for a 1 MB cell). The first target already falls in it: one piece.
#[test]
fn a_long_last_line_in_many_pieces_is_scanned_once() {
    let mut bytes = b"a\nb\n".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 4 << 20));
    bytes.push(b'\n');
    assert_eq!(cut_at_line_ends(&bytes, 0, 1 << 20), vec![(0, bytes.len())]);
    bytes.pop();
    assert_eq!(cut_at_line_ends(&bytes, 0, 1 << 20), vec![(0, bytes.len())]);
}

#[test]
fn count_records_reads_quoted_line_ends_and_commas_as_the_csv_crate_does() {
    // A quoted cell holding a CRLF and a comma is one record, not two.
    assert_eq!(count_records(b"a,\"b\r\nc,d\",e\r\nf,g\r\n", b','), 2);
    // Blank lines are no records; a last record without a line end is one.
    assert_eq!(count_records(b"\n\n a\n\n\r\nb", b','), 2);
    assert_eq!(count_records(b"", b','), 0);
    // Tab-separated: a quoted tab does not matter, a quoted line end does.
    assert_eq!(count_records(b"a\t\"b\n\tc\"\nd\n", b'\t'), 2);
    // Counting stops past the rows the header may be on.
    assert_eq!(count_records("a,b\n".repeat(50).as_bytes(), b','), HEADER_SEARCH + 1);
    // A cell longer than the parser's buffers is still one record.
    let long = format!("\"{}\",x\ny\n", "长".repeat(10_000));
    assert_eq!(count_records(long.as_bytes(), b','), 2);
}

#[test]
fn line_counter_gives_the_line_of_a_records_first_byte() {
    let bytes = b"a\r\n\r\nb\nc\n";
    let mut lines = LineCounter { bytes, at: 0, line: 1 };
    // The csv crate's position may be at the previous record's terminator: the record starts
    // after the line ends.
    assert_eq!(lines.line_at(1), 3);
    assert_eq!(lines.line_at(5), 3);
    assert_eq!(lines.line_at(6), 4);
    assert_eq!(lines.line_at(7), 4);
    // Past the end: the line after the last line end.
    assert_eq!(lines.line_at(100), 5);
    let mut lines = LineCounter { bytes, at: 0, line: 1 };
    // A piece's start is the line of that byte itself.
    assert_eq!(lines.line_at_start(0), 1);
    assert_eq!(lines.line_at_start(3), 2);
    assert_eq!(lines.line_at_start(5), 3);
    assert_eq!(lines.line_at_start(100), 5);
}

// ---------------------------------------------------------------------------------------------
// Rows

/// Quoted cells (delimiters, doubled quote marks and line ends inside) are read in the same scan
/// as plain lines; only a record that scan cannot follow goes to the csv crate, and the lines
/// after it are plain again.
#[test]
fn quoted_cells_stay_on_the_fast_path() {
    let text = "a,\"b,c\",d\r\n\
                e,\"f\"\"g\",\"\"\r\n\
                i,\"j\r\nk\",l\r\n\
                m,n\"o,p\r\n\
                \"q\"x,r,s\r\n\
                t,u,v\r\n\
                w,x,\"y\"";
    let header: Vec<String> = ["h0", "h1", "h2"].iter().map(|h| h.to_string()).collect();
    let mut rec = Rec::default();
    let (mut diags, mut report) = (new_diags(), FileReport::default());
    let mut out = Typing {
        header: &header,
        ok: true,
        visitor: &mut rec,
        diags: &mut diags,
        report: &mut report,
    };
    let plain = Piece { text, line: 2 }.read(b',', &mut out);
    assert!(!plain);
    assert_eq!(
        rec.rows,
        vec![
            row(2, &["a", "b,c", "d"]),
            row(3, &["e", "f\"g", ""]),
            row(4, &["i", "j\r\nk", "l"]),
            // A quote mark inside a cell, and text after a closing one: as the csv crate reads.
            row(6, &["m", "n\"o", "p"]),
            row(7, &["qx", "r", "s"]),
            row(8, &["t", "u", "v"]),
            row(9, &["w", "x", "y"]),
        ]
    );
    assert_eq!(rec.forms, "QQQCCTQ");
    assert!(diags.finish().is_empty());
}

#[test]
fn rows_give_their_cells_whatever_their_form() {
    let line = "a,事项,,x";
    let spans = [(0, 1), (2, 8), (9, 9), (10, 11)];
    let text = Row::Text(line, &spans);
    let rec = ByteRecord::from(vec!["a", "事项", "", "x"]);
    let csv = Row::Csv(&rec, std::cell::OnceCell::new());
    let owned: Vec<crate::model::Str> =
        ["a", "事项", "", "x"].iter().map(|s| (*s).into()).collect();
    let cells = Row::Cells(&owned);
    for r in [&text, &csv, &cells] {
        assert_eq!(r.len(), 4);
        assert_eq!((r.get(0), r.get(1), r.get(2), r.get(3)), ("a", "事项", "", "x"));
        assert_eq!(r.get(9), "");
        assert_eq!(r.bytes(1), "事项".as_bytes());
        assert_eq!(r.bytes(9), b"");
        assert_eq!(r.joined(), line);
        assert!(!r.is_long());
    }
    // A line's bytes across cells, delimiters included; only a line of text has them.
    assert_eq!(text.span(1, 3), Some("事项,,x".as_bytes()));
    assert_eq!(text.span(1, 9), None);
    assert_eq!(csv.span(0, 1), None);
    // A record with one cell that is not UTF-8: its other cells are still read.
    let bad = ByteRecord::from(vec![&b"ok"[..], &b"\xFF"[..]]);
    let bad = Row::Csv(&bad, std::cell::OnceCell::new());
    assert_eq!((bad.get(0), bad.get(1)), ("ok", ""));
}

#[test]
fn a_long_cell_is_reported_with_its_column_and_cut_at_a_character_boundary() {
    // One byte short of the longest cell kept, then a three-byte character.
    let long = format!("{}事", "a".repeat(MAX_FIELD - 1));
    assert_eq!(truncate(&long).len(), MAX_FIELD - 1);
    assert_eq!(truncate("事项"), "事项");
    let owned: Vec<crate::model::Str> = vec!["x".into(), long.as_str().into()];
    let r = Row::Cells(&owned);
    assert_eq!(r.get(1).len(), MAX_FIELD - 1);
    assert_eq!(r.bytes(1).len(), MAX_FIELD + 2);
    assert_eq!(r.key_bytes(1).len(), MAX_FIELD);
    assert!(r.is_long());
    let header = vec!["h0".to_string()];
    let mut d = new_diags();
    check_long_cells(&r, &header, 7, &mut d);
    let diags = d.finish();
    // The column beyond the header is named by its number.
    assert_eq!(said(&diags).len(), 1);
    assert_eq!((diags[0].line, diags[0].column.as_deref()), (Some(7), Some("2")));
    assert_eq!(diags[0].message, Msg::FieldTooLong.zh());
    let mut d = new_diags();
    check_long_cells(&Row::Cells(&owned[..1]), &header, 7, &mut d);
    assert!(d.is_empty());
    // Read from a file, the row is loaded with its cell cut, and reported once.
    let file = format!("h0,h1\nx,{long}\n");
    // (Windows of 64 KB and pieces of the default size: windows or pieces of a few bytes would
    // each look for the line end past a megabyte, and take minutes in a debug build.)
    let ways = [
        ReadOptions { mmap: true, block_bytes: None, piece_bytes: None },
        ReadOptions { mmap: false, block_bytes: Some(64 << 10), piece_bytes: None },
        ReadOptions::default(),
    ];
    for opts in ways {
        let r = read(file.as_bytes(), opts);
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].1[1].len(), MAX_FIELD - 1, "{opts:?}");
        assert_eq!((r.counts.1, r.counts.2), (1, 1), "{opts:?}");
        let at = said(&r.diags).into_iter().map(|(l, c, m, _)| (l, c, m)).collect::<Vec<_>>();
        assert_eq!(at, vec![(Some(2), Some("h1"), Msg::FieldTooLong.zh())], "{opts:?}");
    }
}

#[test]
fn repeats_header_is_the_header_again_ignoring_surrounding_whitespace() {
    let header: Vec<String> = KNOWN.iter().map(|h| h.to_string()).collect();
    let owned = |c: &[&str]| c.iter().map(|s| (*s).into()).collect::<Vec<crate::model::Str>>();
    let again = owned(&[" h0 ", "h1", "h2\t", "h3"]);
    assert!(repeats_header(&Row::Cells(&again), &header));
    // Trailing cells beyond the header do not matter.
    assert!(repeats_header(&Row::Cells(&owned(&["h0", "h1", "h2", "h3", ""])), &header));
    assert!(!repeats_header(&Row::Cells(&owned(&["h0", "h1", "h2", "x"])), &header));
    assert!(!repeats_header(&Row::Cells(&owned(&["h0", "h1", "h2"])), &header));
    assert!(!repeats_header(&Row::Cells(&owned(&["x", "h1", "h2", "h3"])), &header));
    // A header without a first name repeats nowhere.
    let blank = vec![String::new(), "h1".to_string()];
    assert!(!repeats_header(&Row::Cells(&owned(&["", "h1"])), &blank));
}

#[test]
fn a_repeated_header_and_wrong_field_counts_are_rejected_and_reported() {
    let file = "h0,h1,h2,h3\na,b,c,d\nh0,h1, h2 ,h3\nx,y\ne,f,g,h,,\ni,j,k,l,m\nreject,b,c,d\n";
    let joined = Some("h0,h1, h2 ,h3");
    let expected = vec![
        (Some(3), None, Msg::RepeatedHeader.zh(), joined),
        (Some(4), Some("h2"), Msg::FieldCount.zh(), Some("[2/4] x,y")),
        (Some(6), Some("5"), Msg::FieldCount.zh(), Some("[5/4] i,j,k,l,m")),
    ];
    let rows = vec![row(2, &["a", "b", "c", "d"]), row(5, &["e", "f", "g", "h", "", ""])];
    let mut rows_with_reject = rows.clone();
    rows_with_reject.push(row(7, &["reject", "b", "c", "d"]));
    for opts in every_way() {
        let r = read(file.as_bytes(), opts);
        // Trailing empty fields are harmless: the row is typed.
        assert_eq!(r.rows, rows_with_reject, "{opts:?}");
        assert_eq!(r.counts, ("UTF-8".to_string(), 6, 2, 4), "{opts:?}");
        assert_eq!(said(&r.diags), expected, "{opts:?}");
    }
    // A file whose header lacks a required column: every row counted, rejected, none typed.
    let r = read_with(file.as_bytes(), ReadOptions::default(), None, Some("zz"));
    assert!(r.rows.is_empty());
    assert_eq!(r.counts, ("UTF-8".to_string(), 6, 0, 6));
    assert_eq!(said(&r.diags), vec![(Some(1), Some("zz"), Msg::MissingColumn.zh(), None)]);
}

#[test]
fn runaway_is_a_multi_line_record_with_the_wrong_width_or_a_rows_worth_of_delimiters() {
    let rec = |f: &[&str]| ByteRecord::from(f.to_vec());
    assert!(runaway(&rec(&["a", "b\nc"]), 4, b','));
    // A basis over several lines with a comma or two is a cell, not a swallowed row.
    assert!(!runaway(&rec(&["a", "第一条，\n第二条,第三条", "c", "d"]), 4, b','));
    assert!(!runaway(&rec(&["a", "b,c,d\ne", "f", "g"]), 4, b','));
    // A line of a cell holding a whole row's delimiters is a quote that closed a row too late.
    assert!(runaway(&rec(&["a", "x\nb,c,d,e", "f", "g"]), 4, b','));
    assert!(!runaway(&rec(&["a", "x\nb\tc\td\te", "f", "g"]), 4, b','));
    assert!(runaway(&rec(&["a", "x\nb\tc\td\te", "f", "g"]), 4, b'\t'));
    // Without a line end in a cell, any width is the field-count check's business.
    assert!(!runaway(&rec(&["a", "b,c,d,e,f"]), 4, b','));
    // Narrow tables are not judged by the delimiters of a line.
    assert!(!runaway(&rec(&["a\nb,c,d", "e", "f"]), 3, b','));
}

#[test]
fn an_unterminated_quote_is_reported_and_reading_goes_on_at_the_next_line() {
    let file = "h0,h1,h2,h3\na,b,c,d\ne,\"f,g,h\ni,j,k,l\nm,n,o,p\n";
    let expected = vec![(Some(3), None, Msg::UnterminatedQuote.zh(), Some("[2] e,\"f,g,h"))];
    let rows = vec![
        row(2, &["a", "b", "c", "d"]),
        row(4, &["i", "j", "k", "l"]),
        row(5, &["m", "n", "o", "p"]),
    ];
    for opts in every_way() {
        let r = read(file.as_bytes(), opts);
        assert_eq!(r.rows, rows, "{opts:?}");
        assert_eq!(r.counts, ("UTF-8".to_string(), 4, 3, 1), "{opts:?}");
        assert_eq!(said(&r.diags), expected, "{opts:?}");
    }
    assert_eq!(read_whole(file, Some(3)).rows, rows);
}

// ---------------------------------------------------------------------------------------------
// The ways of reading a file

#[test]
fn an_empty_file_is_reported_every_way() {
    for opts in every_way() {
        let r = read(b"", opts);
        assert!(r.rows.is_empty());
        assert_eq!(said(&r.diags), vec![(None, None, Msg::EmptyFile.zh(), None)], "{opts:?}");
    }
}

/// A file without quote marks, long enough for many pieces and windows.
fn plain_file() -> String {
    let mut text = "h0,h1,h2,h3\r\n".to_string();
    for i in 0..200 {
        let end = if i % 3 == 0 { "\r\n" } else { "\n" };
        text.push_str(&format!("{i},事项{i},,{}{end}", "长".repeat(i % 7)));
        if i % 50 == 0 {
            text.push('\n');
        }
    }
    text
}

#[test]
fn a_plain_file_reads_the_same_mapped_in_pieces_by_windows_and_whole() {
    let text = plain_file();
    let whole = read_whole(&text, None);
    assert_eq!(whole.rows.len(), 200);
    // Lines count the blank lines after rows 0, 50, 100 and 150.
    assert_eq!(whole.rows[0], row(2, &["0", "事项0", "", ""]));
    assert_eq!(whole.rows[1].0, 4);
    assert_eq!(whole.rows[199].0, 205);
    assert_eq!((whole.counts.1, whole.counts.3), (200, 0));
    // The mapped path is taken (no quote mark halts it), in many pieces.
    for piece in [None, Some(1), Some(64)] {
        let mapped = read_mapped_only(text.as_bytes(), piece).expect("mapped without halting");
        assert_eq!(mapped.rows, whole.rows, "{piece:?}");
        assert_eq!((mapped.counts.1, mapped.counts.3), (200, 0));
    }
    for opts in every_way() {
        let r = read(text.as_bytes(), opts);
        assert_eq!(r.rows, whole.rows, "{opts:?}");
        assert_eq!(r.counts, ("UTF-8".to_string(), 200, 200, 0), "{opts:?}");
    }
    for piece in [Some(1), Some(10)] {
        assert_eq!(read_whole(&text, piece).rows, whole.rows, "{piece:?}");
    }
}

#[test]
fn a_quote_late_in_a_mapped_file_reads_it_again_by_windows_without_doubling_rows() {
    let mut text = plain_file();
    text.push_str("300,\"引号，\n内的行\",x,y\n301,b,c,d\n");
    assert_eq!(read_mapped_only(text.as_bytes(), Some(16)).err(), Some(Halt::Quote));
    let whole = read_whole(&text, None);
    assert_eq!(whole.rows.len(), 202);
    assert_eq!(whole.rows[200], row(206, &["300", "引号，\n内的行", "x", "y"]));
    assert_eq!(whole.rows[201], row(208, &["301", "b", "c", "d"]));
    let mapped = ReadOptions { mmap: true, block_bytes: None, piece_bytes: Some(16) };
    assert_eq!(read(text.as_bytes(), mapped), read(text.as_bytes(), ReadOptions::default()));
    assert_eq!(read(text.as_bytes(), mapped).rows, whole.rows);
}

#[test]
fn pieces_cut_in_a_file_with_quoted_cells_never_cut_inside_one() {
    // Quoted cells with line ends and commas, and lines inside them that would read as a
    // record of their own if a piece began there.
    let mut text = "h0,h1,h2,h3\n".to_string();
    let mut rows: Vec<Seen> = Vec::new();
    let mut starts = Vec::new();
    let mut line = 2;
    for i in 0..60 {
        let cell = format!("第{i}条，\r\n\"\"设立\"\",\n{i},x");
        starts.push(text.len());
        text.push_str(&format!("{i},\"{cell}\",c,\"\"\n"));
        rows.push((
            line,
            vec![i.to_string(), cell.replace("\"\"", "\""), "c".into(), String::new()],
        ));
        line += 3;
    }
    for opts in every_way() {
        for piece in [Some(1), Some(9), Some(100)] {
            let opts = ReadOptions { piece_bytes: piece, ..opts };
            let r = read(text.as_bytes(), opts);
            assert_eq!(r.rows, rows, "{opts:?}");
            assert!(r.diags.is_empty(), "{opts:?}: {:?}", r.diags);
        }
    }
    for piece in [Some(1), Some(9)] {
        assert_eq!(read_whole(&text, piece).rows, rows, "{piece:?}");
    }
    // Asked for a piece per byte, the splitter cuts at every record start and nowhere else.
    let pieces = super::super::chunk::split(text.as_bytes(), starts[0], b',', text.len());
    let cut: Vec<usize> = pieces.iter().map(|p| p.0).collect();
    assert_eq!(cut, starts);
}

#[test]
fn a_gbk_file_is_decoded_and_read_as_its_utf8_copy() {
    let text = "事项编码,事项名称,h2,h3\n1,食品经营许可,\"甲，乙\n丙\",d\n2,药品,c,d\n";
    let utf8 = read(text.as_bytes(), ReadOptions::default());
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    assert_ne!(gbk.as_ref(), text.as_bytes());
    for opts in every_way() {
        let r = read(&gbk, opts);
        assert_eq!(r.rows, utf8.rows, "{opts:?}");
        assert_eq!(r.rows[0], row(2, &["1", "食品经营许可", "甲，乙\n丙", "d"]));
        assert_eq!(r.counts, ("GBK".to_string(), 2, 2, 0), "{opts:?}");
        assert!(r.diags.is_empty());
    }
    // Forced, the same; a UTF-8 file forced to UTF-8 is read the UTF-8 way.
    let forced = read_with(&gbk, ReadOptions::default(), Some(encoding_rs::GBK), None);
    assert_eq!((forced.rows, forced.counts.0), (utf8.rows.clone(), "GBK".to_string()));
    let utf8_forced =
        read_with(text.as_bytes(), ReadOptions::default(), Some(encoding_rs::UTF_8), None);
    assert_eq!(utf8_forced, utf8);
}

#[test]
fn a_sheet_finds_its_header_below_a_title_and_rejects_a_repeated_one() {
    let s = |c: &[&str]| c.iter().map(|s| (*s).into()).collect::<Vec<crate::model::Str>>();
    let rows = vec![
        (1, s(&["清单"])),
        (2, s(&["h0", "h1"])),
        (3, s(&["a", "b"])),
        (5, s(&["h0", "h1"])),
        (6, s(&["reject", "c"])),
    ];
    let source = Source::Sheet { label: "items".into(), rows };
    let new = Rec::default;
    let (mut diags, mut report, mut out) = (new_diags(), FileReport::default(), Out::default());
    let opts = ReadOptions::default();
    visit(&source, &opts, None, &new, true, &mut diags, &mut report, &mut out);
    assert_eq!(out.0, vec![row(3, &["a", "b"]), row(6, &["reject", "c"])]);
    assert_eq!(counts(&report), ("xlsx".to_string(), 3, 1, 2));
    let diags = diags.finish();
    let expected = vec![
        (Some(2), None, Msg::HeaderNotFirst.zh(), Some("清单")),
        (Some(5), None, Msg::RepeatedHeader.zh(), Some("h0,h1")),
    ];
    assert_eq!(said(&diags), expected);
}

// ---------------------------------------------------------------------------------------------
// Property: every way of reading gives what the csv crate reads from the whole file.

/// One cell of a generated file: its text and whether it is written quoted.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    quoted: bool,
}

fn cell() -> impl proptest::strategy::Strategy<Value = Cell> {
    use proptest::prelude::*;
    let plain =
        proptest::collection::vec(prop_oneof![Just("a"), Just("b"), Just("事"), Just(" ")], 0..6);
    // Quoted: commas (two at most: a line of a cell holding a row's worth of delimiters is read
    // as a runaway quote, by design), quote marks, LF and CRLF line ends. (No tabs: more tabs
    // than commas in the first lines makes the file tab-separated, by design.)
    let quoted = proptest::collection::vec(
        prop_oneof![
            Just("a"),
            Just("事"),
            Just(","),
            Just("\""),
            Just("\n"),
            Just("\r\n"),
            Just(" ")
        ],
        0..8,
    );
    prop_oneof![
        plain.prop_map(|p| Cell { text: p.concat(), quoted: false }),
        quoted.prop_map(|q| {
            let mut text = q.concat();
            while text.matches(',').count() > 2 {
                text = text.replacen(',', ";", 1);
            }
            Cell { text, quoted: true }
        }),
    ]
}

/// A row of four cells, its line end (CRLF or LF) and whether a blank line follows it.
type GenRow = (Vec<Cell>, bool, bool);

/// The file's bytes and the rows it holds, with the line each starts on.
fn write_file(rows: &[GenRow], bom: bool, last_line_end: bool) -> (Vec<u8>, Vec<Seen>) {
    let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
    text.push_str("h0,h1,h2,h3\n");
    let mut line = 2;
    let mut seen = Vec::new();
    for (k, (cells, crlf, blank)) in rows.iter().enumerate() {
        let written: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.quoted {
                    format!("\"{}\"", c.text.replace('"', "\"\""))
                } else {
                    c.text.clone()
                }
            })
            .collect();
        let record = written.join(",");
        // A row of empty cells written plain is `,,,`: still a record.
        seen.push((line, cells.iter().map(|c| c.text.clone()).collect()));
        text.push_str(&record);
        line += record.matches('\n').count() as u64;
        if k + 1 < rows.len() || last_line_end {
            text.push_str(if *crlf { "\r\n" } else { "\n" });
            line += 1;
            if *blank {
                text.push('\n');
                line += 1;
            }
        }
    }
    (text.into_bytes(), seen)
}

/// What the csv crate reads from the whole file: every record after the first, its cells.
fn csv_crate_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(body);
    reader
        .byte_records()
        .map(|r| {
            let r = r.expect("a well-formed record");
            r.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect()
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Random quoted CSV: mapped (falling back to windows at a quote), windows of a few bytes,
    /// the defaults and the whole text give the rows, cells and lines the csv crate reads from
    /// the whole file.
    #[test]
    fn every_way_of_reading_gives_what_the_csv_crate_reads(
        rows in proptest::collection::vec(
            (proptest::collection::vec(cell(), 4), proptest::prelude::any::<bool>(),
             proptest::bool::weighted(0.1)),
            0..40,
        ),
        bom in proptest::prelude::any::<bool>(),
        last_line_end in proptest::prelude::any::<bool>(),
        block in 1usize..200,
        piece in 1usize..100,
    ) {
        let (bytes, expected) = write_file(&rows, bom, last_line_end);
        let cells: Vec<Vec<String>> = expected.iter().map(|(_, c)| c.clone()).collect();
        proptest::prop_assert_eq!(csv_crate_rows(&bytes), cells);
        let n = expected.len() as u64;
        let ways = [
            ReadOptions { mmap: true, block_bytes: None, piece_bytes: Some(piece) },
            ReadOptions { mmap: false, block_bytes: Some(block), piece_bytes: Some(piece) },
            ReadOptions::default(),
        ];
        for opts in ways {
            let r = read(&bytes, opts);
            proptest::prop_assert_eq!(&r.rows, &expected, "{:?}", opts);
            proptest::prop_assert_eq!((r.counts.1, r.counts.2, r.counts.3), (n, n, 0));
            proptest::prop_assert!(r.diags.is_empty(), "{:?}: {:?}", opts, r.diags);
        }
        let text = std::str::from_utf8(&bytes).expect("UTF-8");
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        proptest::prop_assert_eq!(&read_whole(text, Some(piece)).rows, &expected);
        // Without a quote mark after the header, the mapped path itself reads the file.
        if !bytes.contains(&b'"') {
            let mapped = read_mapped_only(&bytes, Some(piece));
            proptest::prop_assert_eq!(mapped.map(|r| r.rows).ok(), Some(expected));
        }
    }
}

/// Records the csv crate reads one after another (a quote mark inside a cell, then a lone
/// carriage return that ends a record) keep their own lines, and the rows after them are read
/// off their marks again.
#[test]
fn records_read_by_the_csv_crate_one_after_another_keep_their_lines() {
    let text = "a,b,\"c\nd\",e\r\nf\",g,h\ni,j\rk,l\nm,n,o,p\n";
    let header: Vec<String> = ["h0", "h1", "h2", "h3"].iter().map(|h| h.to_string()).collect();
    let mut rec = Rec::default();
    let (mut diags, mut report) = (new_diags(), FileReport::default());
    let mut out = Typing {
        header: &header,
        ok: true,
        visitor: &mut rec,
        diags: &mut diags,
        report: &mut report,
    };
    Piece { text, line: 2 }.read(b',', &mut out);
    assert_eq!(rec.rows, vec![row(2, &["a", "b", "c\nd", "e"]), row(6, &["m", "n", "o", "p"])]);
    assert_eq!(rec.forms, "QT");
    let said: Vec<(Option<u64>, Option<String>)> =
        diags.finish().into_iter().map(|d| (d.line, d.text)).collect();
    assert_eq!(
        said,
        vec![
            (Some(4), Some("[3/4] f\",g,h".to_string())),
            (Some(5), Some("[2/4] i,j".to_string())),
            (Some(5), Some("[2/4] k,l".to_string())),
        ]
    );
}
