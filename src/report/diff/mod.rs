//! Renderers of a diff (`qingdan diff`), one file per format: text and md (`text`), json and
//! jsonl (`json`, a direct encoder checked against serde_json), csv (`csv`), html (`html`) and
//! xlsx (`xlsx`). This file dispatches, streams the formats written item by item, and holds
//! the words and numbers every format shares. They render; they decide nothing.

pub mod csv;
pub mod html;
pub(crate) mod json;
pub mod text;
pub mod xlsx;

use std::fmt::Write as _;
use std::io::Write;

use rayon::prelude::*;

use crate::diff::{Change, DiffReport, ItemDiff};
use crate::error::{Error, Result};
use crate::model::Field;
use crate::report::{CsvStyle, Format, Lang};

pub use self::csv::{csv, write_csv, CSV_HEADER};
use self::csv::{csv_err, csv_rows, CSV_HEADER_ZH};
pub use self::text::{inline_diff, Markup};

/// Renders the diff in `format`.
pub fn render(r: &DiffReport, format: Format, lang: Lang, old: &str, new: &str) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    write(r, format, lang, old, new, CsvStyle::default(), &mut v)?;
    Ok(v)
}

/// Writes the diff in `format` into `w` (`csv`: how a csv is written). json, jsonl and csv are
/// streamed item by item, never held whole in memory (a province diff is over 600 MB of
/// JSON); the other formats are rendered, then written.
pub fn write<W: Write>(
    r: &DiffReport,
    format: Format,
    lang: Lang,
    old: &str,
    new: &str,
    csv: CsvStyle,
    w: &mut W,
) -> Result<()> {
    match format {
        Format::Json => write_json(r, w),
        Format::Jsonl => write_jsonl(r, w),
        Format::Csv => write_csv(r, csv, w),
        Format::Text => text::text(r, lang, old, new, Markup::Text, w).map_err(io_err),
        Format::Md => text::text(r, lang, old, new, Markup::Md, w).map_err(io_err),
        Format::Html => write_all(w, html::render(r, lang, old, new).as_bytes()),
        Format::Xlsx => write_all(w, &xlsx::render(r, lang)?),
    }
}

fn write_all<W: Write>(w: &mut W, bytes: &[u8]) -> Result<()> {
    w.write_all(bytes).map_err(io_err)
}

pub(super) fn io_err(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

/// The json report (pretty, one trailing newline), streamed into `w`: the bytes
/// `serde_json::to_writer_pretty` gives, the items written by `json::item` (a province has
/// ~0.7 M of them; serde_json spent most of its time escaping the same keys again and again),
/// the summary and warnings by serde_json.
pub fn write_json<W: Write>(r: &DiffReport, w: &mut W) -> Result<()> {
    write_streamed(r, Format::Json, CsvStyle::default(), w)
}

/// The jsonl report (one item per line), streamed into `w`: the bytes `serde_json::to_writer`
/// gives for each item.
pub fn write_jsonl<W: Write>(r: &DiffReport, w: &mut W) -> Result<()> {
    write_streamed(r, Format::Jsonl, CsvStyle::default(), w)
}

/// A report of a format that streams (json, jsonl, csv) from a whole diff: the head, the items
/// rendered a part at a time in parallel, the tail.
pub(super) fn write_streamed<W: Write>(
    r: &DiffReport,
    format: Format,
    csv: CsvStyle,
    w: &mut W,
) -> Result<()> {
    stream_head(format, csv, r.items.len(), w)?;
    write_batched(&r.items, w, |first, part, buf| stream_items(format, csv, first, part, buf))?;
    stream_tail(format, r.items.len(), &r.summary, &r.warnings, w)
}

/// Whether `format` is written item by item (`stream_head`, `stream_items`, `stream_tail`).
pub fn streams(format: Format) -> bool {
    matches!(format, Format::Json | Format::Jsonl | Format::Csv)
}

/// What a streamed report (json, jsonl, csv) begins with, before its `total` item diffs: the
/// opening of the json object, the csv header, nothing for jsonl.
pub fn stream_head<W: Write>(format: Format, csv: CsvStyle, total: usize, w: &mut W) -> Result<()> {
    match format {
        Format::Json => {
            w.write_all(b"{\n  \"items\": ").map_err(io_err)?;
            w.write_all(if total == 0 { b"[]" } else { b"[" }).map_err(io_err)
        }
        Format::Csv => {
            w.write_all(csv.bom()).map_err(io_err)?;
            let mut head = ::csv::Writer::from_writer(&mut *w);
            let heads = CSV_HEADER.iter().zip(CSV_HEADER_ZH).map(|(en, zh)| csv.header(en, zh));
            head.write_record(heads).map_err(csv_err)?;
            head.flush().map_err(io_err)
        }
        _ => Ok(()),
    }
}

/// Item diffs of a streamed report appended to `buf`, the first being the report's item
/// `first` (`csv`: how csv cells are written). The bytes depend on the items and `first` alone, so
/// parts render side by side and are written in order.
pub fn stream_items(
    format: Format,
    csv: CsvStyle,
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
        Format::Csv => csv_rows(items, csv, buf),
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

fn json_err(e: serde_json::Error) -> Error {
    Error::Usage(format!("cannot render JSON: {e}"))
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

/// A rate as a percentage rounded to one decimal, half away from zero: the one rounding every
/// format shows (html, text, md and xlsx once read 64.6% and 64.5% for one rate).
pub fn percent(x: f64) -> f64 {
    (x * 1000.0).round() / 10.0
}

pub(super) fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", percent(v))).unwrap_or_else(|| "—".into())
}

/// What a change did, in a word or two: the kind of a list entry's change (新增, 删除, 改名 …),
/// or for a whole-field change the direction where it has one (压缩2个工作日, 增加1, 删除).
pub fn change_word(c: &Change, it: &ItemDiff, lang: Lang) -> String {
    if let Some(k) = c.kind {
        return kind_word(k, lang).to_string();
    }
    let old = c.old.as_deref().map(str::trim).unwrap_or("");
    let new = c.new.as_deref().map(str::trim).unwrap_or("");
    if old.is_empty() && !new.is_empty() {
        return lang.pick("新增", "added").into();
    }
    if new.is_empty() && !old.is_empty() {
        return lang.pick("删除", "removed").into();
    }
    let days = || Some((it.before.as_ref()?.committed_days?, it.after.as_ref()?.committed_days?));
    let numbers = || Some((old.parse::<i64>().ok()?, new.parse::<i64>().ok()?));
    if c.field == Field::CommittedLimit {
        if let Some((b, a)) = days() {
            return match (a.cmp(&b), lang) {
                (std::cmp::Ordering::Less, Lang::Zh) => format!("压缩{}个工作日", b - a),
                (std::cmp::Ordering::Less, Lang::En) => format!("{} days shorter", b - a),
                (std::cmp::Ordering::Greater, Lang::Zh) => format!("延长{}个工作日", a - b),
                (std::cmp::Ordering::Greater, Lang::En) => format!("{} days longer", a - b),
                (std::cmp::Ordering::Equal, _) => lang.pick("改写", "reworded").into(),
            };
        }
    }
    match numbers() {
        Some((o, n)) if n > o => match lang {
            Lang::Zh => format!("增加{}", n - o),
            Lang::En => format!("up {}", n - o),
        },
        Some((o, n)) if n < o => match lang {
            Lang::Zh => format!("减少{}", o - n),
            Lang::En => format!("down {}", o - n),
        },
        _ => lang.pick("修改", "changed").into(),
    }
}

pub(super) fn kind_word(kind: &str, lang: Lang) -> &'static str {
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

pub(super) fn field_word(c: &Change, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => c.field.zh(),
        Lang::En => c.field.as_str(),
    }
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

    /// The direct json encoder against serde_json over every shape an item diff takes: any
    /// status, codes present or not, any text (escapes, control characters, astral planes), any
    /// change of any field with or without a kind, measures or none, any score (NaN, infinities,
    /// float noise), in both json and jsonl.
    mod encoder_matches_serde_json {
        use super::*;
        use crate::diff::{Measures, Status};
        use proptest::prelude::*;

        const KINDS: [&str; 7] =
            ["added", "removed", "renumbered", "reordered", "reworded", "required", "stamped"];

        fn measures() -> impl Strategy<Value = Option<Measures>> {
            proptest::option::of(
                (
                    any::<u64>(),
                    any::<u64>(),
                    any::<u64>(),
                    proptest::option::of(any::<u64>()),
                    any::<u64>(),
                    any::<u64>(),
                    any::<bool>(),
                )
                    .prop_map(|(st, sp, m, d, v, i, c)| Measures {
                        steps: st,
                        stamps: sp,
                        materials: m,
                        committed_days: d,
                        visits: v,
                        intermediaries: i,
                        charged: c,
                    }),
            )
        }

        fn change() -> impl Strategy<Value = Change> {
            (
                0..Field::ALL.len(),
                proptest::option::of(any::<String>()),
                proptest::option::of(any::<String>()),
                proptest::option::of(0..KINDS.len()),
            )
                .prop_map(|(f, old, new, kind)| Change {
                    field: Field::ALL[f],
                    old,
                    new,
                    kind: kind.map(|k| KINDS[k]),
                })
        }

        fn item_diff() -> impl Strategy<Value = ItemDiff> {
            (
                (any::<String>(), any::<String>(), any::<String>(), any::<String>()),
                (0..4usize, any::<bool>(), proptest::option::of(any::<String>())),
                proptest::option::of(any::<String>()),
                proptest::collection::vec(change(), 0..6),
                (measures(), measures()),
                prop_oneof![any::<f64>(), Just(f64::NAN), Just(-0.0), Just(1e21), Just(0.1 + 0.2)],
                any::<u64>(),
            )
                .prop_map(
                    |(
                        (j, item, name, dept),
                        (status, recoded, old),
                        new,
                        changes,
                        (b, a),
                        score,
                        rw,
                    )| {
                        let mut d = varied_report().items[0].clone();
                        d.jurisdiction = j.into();
                        d.item = item.into();
                        d.name = name.into();
                        d.department = dept.into();
                        d.status =
                            [Status::Added, Status::Removed, Status::Changed, Status::Unchanged]
                                [status];
                        d.recoded = recoded;
                        d.old_code = old.map(Into::into);
                        d.new_code = new.map(Into::into);
                        d.changes = changes;
                        d.before = b;
                        d.after = a;
                        d.score = score;
                        d.reworded_materials = rw;
                        d
                    },
                )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn any_items(items in proptest::collection::vec(item_diff(), 0..5)) {
                let mut r = varied_report();
                r.items = items;
                let mut want = serde_json::to_vec_pretty(&r).unwrap();
                want.push(b'\n');
                let mut got = Vec::new();
                write_json(&r, &mut got).unwrap();
                prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
                let mut want = Vec::new();
                for it in &r.items {
                    serde_json::to_writer(&mut want, it).unwrap();
                    want.push(b'\n');
                }
                let mut got = Vec::new();
                write_jsonl(&r, &mut got).unwrap();
                prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
            }
        }
    }
}
