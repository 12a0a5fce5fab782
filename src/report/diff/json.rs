//! Item diffs as JSON, written directly: the same bytes as serde_json (compact, or pretty with
//! two-space indents), checked against it by the tests below.

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
                let e = [b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]];
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
