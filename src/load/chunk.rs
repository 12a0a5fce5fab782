//! Cutting the body of a CSV file into pieces that can be parsed in parallel: each cut falls at
//! a line end that is a record boundary (not inside a quoted field), found without parsing the
//! file, by following its quote marks only.

/// The pieces of `text[start..]` as byte ranges, about `len / parts` long each, in order and
/// covering it exactly. `start` must be the beginning of a record. The text is cut only where
/// the quoting is regular (every `"` opens a field at its start, closes it before a delimiter or
/// a line end, or is doubled inside it): then a line end outside the quoted stretches is a record
/// boundary for the csv crate too. With irregular quoting it is one piece: the reader alone
/// decides what such a file means.
pub(crate) fn split(text: &[u8], start: usize, delimiter: u8, parts: usize) -> Vec<(usize, usize)> {
    let end = text.len();
    let body = text.get(start..).unwrap_or_default();
    if parts <= 1 || body.is_empty() {
        return vec![(start.min(end), end)];
    }
    let Some(quoted) = quoted_stretches(text, start, delimiter) else {
        return vec![(start, end)];
    };
    split_quoted(text, start, parts, &quoted)
}

/// [`split`] with the quoted stretches of `text[start..]` already known (as
/// [`last_boundary_quoted`] gives them): the text is not scanned again.
pub(crate) fn split_quoted(
    text: &[u8],
    start: usize,
    parts: usize,
    quoted: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let end = text.len();
    let body = text.get(start..).unwrap_or_default();
    if parts <= 1 || body.is_empty() {
        return vec![(start.min(end), end)];
    }
    let mut cuts = vec![start];
    for k in 1..parts {
        let target = start + body.len() / parts * k;
        let from = target.max(*cuts.last().unwrap_or(&start));
        // No record starts after the last boundary: stop there rather than look again from each
        // later target (a long last record would be rescanned once per part asked for).
        match boundary_after(text, from, quoted) {
            Some(cut) if cut < end => {
                if cut > *cuts.last().unwrap_or(&start) {
                    cuts.push(cut);
                }
            }
            _ => break,
        }
    }
    cuts.push(end);
    cuts.windows(2).filter_map(|w| Some((*w.first()?, *w.get(1)?))).collect()
}

/// The end of the last complete record in `text[start..]` (just past its line end), when the text
/// may continue beyond its end: `Ok(None)` when no record is complete yet, `Err(())` when the
/// quoting is irregular (see [`split`]). A quoted field still open at the end keeps its record
/// out.
pub(crate) fn last_boundary(text: &[u8], start: usize, delimiter: u8) -> Result<Option<usize>, ()> {
    Ok(last_boundary_quoted(text, start, delimiter)?.map(|(end, _)| end))
}

/// [`last_boundary`], and the quoted stretches of the complete records before it (for
/// [`split_quoted`]).
#[allow(clippy::type_complexity)]
pub(crate) fn last_boundary_quoted(
    text: &[u8],
    start: usize,
    delimiter: u8,
) -> Result<Option<(usize, Vec<(usize, usize)>)>, ()> {
    let (mut quoted, open) = scan_quotes(text, start, delimiter).ok_or(())?;
    // Line ends after an unclosed quote are inside its field.
    let limit = open.unwrap_or(text.len());
    let mut end = limit;
    loop {
        let Some(nl) = memchr::memrchr(b'\n', text.get(start..end).unwrap_or_default()) else {
            return Ok(None);
        };
        let nl = start + nl;
        let i = quoted.partition_point(|&(o, _)| o < nl);
        match i.checked_sub(1).and_then(|j| quoted.get(j)) {
            Some(&(o, close)) if close > nl => end = o,
            _ => {
                let cut = nl + 1;
                quoted.retain(|&(_, close)| close < cut);
                return Ok(Some((cut, quoted)));
            }
        }
    }
}

/// The first record start at or after `from`: just past a `\n` that is not inside a quoted
/// stretch.
fn boundary_after(text: &[u8], mut from: usize, quoted: &[(usize, usize)]) -> Option<usize> {
    loop {
        let nl = from + memchr::memchr(b'\n', text.get(from..)?)?;
        // The quoted stretch that could contain `nl`: the last one opening before it.
        let i = quoted.partition_point(|&(open, _)| open < nl);
        match i.checked_sub(1).and_then(|j| quoted.get(j)) {
            Some(&(_, close)) if close > nl => from = close,
            _ => return Some(nl + 1),
        }
    }
}

/// True when `text` holds a quote mark: looked for in parallel, 1 MB at a time, since a file
/// without any (the usual case) is then cut at its line ends with no scan on one thread.
fn has_quote(text: &[u8]) -> bool {
    use rayon::prelude::*;
    text.par_chunks(1 << 20).any(|block| memchr::memchr(b'"', block).is_some())
}

/// The positions of the quote marks in `text[start..]`, in order: found 1 MB at a time in
/// parallel.
fn quote_positions(text: &[u8], start: usize) -> Vec<usize> {
    use rayon::prelude::*;
    const BLOCK: usize = 1 << 20;
    let body = text.get(start..).unwrap_or_default();
    let found: Vec<Vec<usize>> = body
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(k, block)| {
            let mut out = Vec::new();
            super::scan::quotes_into(block, start + k * BLOCK, &mut out);
            out
        })
        .collect();
    found.concat()
}

/// The (open, close) byte positions of the quote marks of every quoted field after `start`, or
/// `None` when some quote mark is not where a well-formed field puts it.
fn quoted_stretches(text: &[u8], start: usize, delimiter: u8) -> Option<Vec<(usize, usize)>> {
    match scan_quotes(text, start, delimiter)? {
        (quoted, None) => Some(quoted),
        (_, Some(_)) => None,
    }
}

/// The quoted stretches after `start`, and the position of a quote still open at the end of the
/// text; `None` when some quote mark is not where a well-formed field puts it.
#[allow(clippy::type_complexity)]
fn scan_quotes(
    text: &[u8],
    start: usize,
    delimiter: u8,
) -> Option<(Vec<(usize, usize)>, Option<usize>)> {
    let field_start = |i: usize| {
        i == start
            || matches!(text.get(i.wrapping_sub(1)), Some(&b) if b == delimiter || b == b'\n' || b == b'\r')
    };
    let field_end = |i: usize| match text.get(i) {
        None => true,
        Some(&b) => b == delimiter || b == b'\n' || b == b'\r',
    };
    let mut out = Vec::new();
    if !has_quote(text.get(start..)?) {
        return Some((out, None));
    }
    let mut quotes = quote_positions(text, start).into_iter();
    while let Some(open) = quotes.next() {
        if !field_start(open) {
            return None;
        }
        // Inside the field: pairs "" are escaped quotes; a lone one closes the field.
        let close = loop {
            let Some(q) = quotes.next() else {
                return Some((out, Some(open)));
            };
            if text.get(q + 1) == Some(&b'"') {
                quotes.next();
                continue;
            }
            break q;
        };
        if !field_end(close + 1) {
            return None;
        }
        out.push((open, close));
    }
    Some((out, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records the csv crate reads from `text`, each as its fields.
    fn records(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
        r.byte_records().map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect()).collect()
    }

    fn pieces_agree(text: &str, parts: usize) -> usize {
        let bytes = text.as_bytes();
        let ranges = split(bytes, 0, b',', parts);
        assert_eq!(ranges.first().map(|r| r.0), Some(0));
        assert_eq!(ranges.last().map(|r| r.1), Some(bytes.len()));
        let mut joined = Vec::new();
        for (a, b) in &ranges {
            joined.extend(records(&bytes[*a..*b]));
        }
        assert_eq!(joined, records(bytes), "{text:?} in {parts} parts: {ranges:?}");
        ranges.len()
    }

    /// A long quoted last record split into many parts is looked through once, not once per part
    /// (a 1 MB cell asked for in tiny pieces took 552 s in a debug build).
    #[test]
    fn a_long_last_record_in_many_parts_is_scanned_once() {
        let mut text = "a,1\nb,\"".to_string();
        text.push_str(&"x\ny,".repeat(1 << 20));
        text.push_str("\"\n");
        assert!(pieces_agree(&text, 1 << 20) <= 2);
        text.pop();
        assert!(pieces_agree(&text, 1 << 20) <= 2);
    }

    #[test]
    fn cuts_at_line_ends_outside_quotes() {
        let text = "a,\"x\ny\",1\nb,\"p,q\"\"\n\",2\nc,plain,3\nd,\"\",4\ne,\"z\",5\n";
        for parts in 1..12 {
            pieces_agree(text, parts);
        }
        assert!(pieces_agree(text, 5) > 1);
        let big: String = (0..500).map(|i| format!("{i},\"行\n{i}\",x\r\n")).collect();
        assert!(pieces_agree(&big, 8) >= 7);
    }

    #[test]
    fn irregular_quoting_is_one_piece() {
        // A quote inside an unquoted field: the csv crate reads it as a character.
        let text = "a,b\"c,1\nd,\"e\nf\",2\n".repeat(40);
        assert_eq!(pieces_agree(&text, 4), 1);
        // Text after a closing quote.
        let text = "a,\"b\"c,1\nd,e,2\n".repeat(40);
        assert_eq!(pieces_agree(&text, 4), 1);
        // An unclosed quote.
        let text = format!("{}x,\"open\n", "a,b\n".repeat(40));
        assert_eq!(pieces_agree(&text, 4), 1);
    }

    #[test]
    fn starts_after_the_header() {
        let text = "h1,h2\na,1\nb,2\nc,3\nd,4\n";
        let ranges = split(text.as_bytes(), 6, b',', 2);
        assert_eq!(ranges.first().map(|r| r.0), Some(6));
        assert_eq!(ranges.last().map(|r| r.1), Some(text.len()));
        assert_eq!(ranges.len(), 2);
        assert_eq!(split(text.as_bytes(), text.len(), b',', 4), vec![(text.len(), text.len())]);
    }

    #[test]
    fn last_boundary_keeps_an_open_record_out() {
        let t = b"a,1\nb,\"x\ny\",2\nc,\"open\n";
        let end = last_boundary(t, 0, b',').unwrap().unwrap();
        assert_eq!(&t[..end], b"a,1\nb,\"x\ny\",2\n");
        assert_eq!(last_boundary(b"a,1", 0, b','), Ok(None));
        assert_eq!(last_boundary(b"a,\"1\n2", 0, b','), Ok(None));
        assert_eq!(last_boundary(b"a,b\"c\n", 0, b','), Err(()));
        assert_eq!(last_boundary(b"x\na,1\n", 2, b','), Ok(Some(6)));
    }

    proptest::proptest! {
        /// Cutting at the last boundary and reading on from there reads like the whole.
        #[test]
        fn stream_cuts_read_like_the_whole(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a\",\n é]{0,6}", 1..4), 0..30),
            cut in 0usize..400,
        ) {
            let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
            let bytes = text.as_bytes();
            let window = &bytes[..cut.min(bytes.len())];
            if let Ok(Some(end)) = last_boundary(window, 0, b',') {
                let mut joined = records(&bytes[..end]);
                joined.extend(records(&bytes[end..]));
                proptest::prop_assert_eq!(joined, records(bytes));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn pieces_read_like_the_whole(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a\",\n\r é]{0,6}", 1..4), 0..40),
            parts in 1usize..9,
        ) {
            let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
            pieces_agree(&text, parts);
        }
    }
}
