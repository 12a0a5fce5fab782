//! `qingdan fix`: the list written back corrected, cell by cell. The findings of a check against
//! the standard become edits of single cells of items.csv (a code, a name, a category, a time
//! limit, a basis); every other byte of every file stays as it was, in the file's own encoding,
//! delimiter, quoting and line ends.
//!
//! Safe edits (applied by default) only write what the standard writes where identity is certain:
//! a missing or wrong code of a row matched to one standard item (QD106, QD107), the standard's
//! name where the code agrees (QD101), the category where name and code agree with the standard
//! (QD201, QD103), and with `--normalise` the standard's spelling of a value that differs from
//! it only in form (全角/半角, 二十/20, 免费/不收费). Unsafe edits (`--unsafe-fixes`) change what the
//! item says: a committed limit cut to the standard's (QD403), a repealed law replaced by the law
//! that replaced it (QD305; the article is left for the clerk to confirm).

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::finding::{Detail, Finding, Source};
use crate::load::columns::{Col, Columns, HeaderMap, Table};
use crate::model::{Dataset, Item};

mod xlsx;
pub(crate) use xlsx::{apply as apply_xlsx, recode_children as recode_xlsx_children};

/// What `fix` may change.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Also the edits that change what an item says (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Also formatting-only differences from the standard's spelling (`--normalise`).
    pub normalise: bool,
}

/// One cell to change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    /// The row's line in items.csv (where its record starts).
    pub line: u64,
    /// The field's column, as a field word of DATA.md.
    pub field: &'static str,
    pub jurisdiction: String,
    /// The standard's code of the item.
    pub item: String,
    pub item_name: String,
    pub before: String,
    pub after: String,
    /// The rule whose finding the edit answers (`normalise` for a formatting-only one).
    pub rule: &'static str,
    pub safe: bool,
    /// What the clerk should still look at.
    pub note: Option<&'static str>,
    col: ColKey,
}

/// The column an edit writes (kept apart from `Col`, which is the loader's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum ColKey {
    Code,
    ImplementationCode,
    Name,
    Category,
    Basis,
    StatutoryLimit,
    CommittedLimit,
    Fee,
}

impl ColKey {
    fn col(self) -> Col {
        match self {
            ColKey::Code => Col::Code,
            ColKey::ImplementationCode => Col::ImplementationCode,
            ColKey::Name => Col::Name,
            ColKey::Category => Col::Category,
            ColKey::Basis => Col::Basis,
            ColKey::StatutoryLimit => Col::StatutoryLimit,
            ColKey::CommittedLimit => Col::CommittedLimit,
            ColKey::Fee => Col::Fee,
        }
    }

    fn word(self) -> &'static str {
        match self {
            ColKey::Code => "code",
            ColKey::ImplementationCode => "implementation_code",
            ColKey::Name => "name",
            ColKey::Category => "category",
            ColKey::Basis => "basis",
            ColKey::StatutoryLimit => "statutory_limit",
            ColKey::CommittedLimit => "committed_limit",
            ColKey::Fee => "fee",
        }
    }

    /// The field's Chinese header (DATA.md).
    pub fn zh(self) -> &'static str {
        match self {
            ColKey::Code => "事项编码",
            ColKey::ImplementationCode => "实施编码",
            ColKey::Name => "事项名称",
            ColKey::Category => "事项类型",
            ColKey::Basis => "设定依据",
            ColKey::StatutoryLimit => "法定时限",
            ColKey::CommittedLimit => "承诺时限",
            ColKey::Fee => "收费标准",
        }
    }
}

impl Edit {
    /// The field's Chinese header (DATA.md).
    pub fn field_zh(&self) -> &'static str {
        self.col.zh()
    }
}

/// The rows of a list by jurisdiction and code, and by jurisdiction and name.
struct Rows<'a> {
    by_code: FxHashMap<(&'a str, &'a str), Vec<&'a Item>>,
    by_name: FxHashMap<(&'a str, &'a str), Vec<&'a Item>>,
}

impl<'a> Rows<'a> {
    fn new(ds: &'a Dataset) -> Rows<'a> {
        let mut by_code: FxHashMap<(&str, &str), Vec<&Item>> = FxHashMap::default();
        let mut by_name: FxHashMap<(&str, &str), Vec<&Item>> = FxHashMap::default();
        for item in &ds.items {
            by_code.entry((&item.jurisdiction, &item.code.norm)).or_default().push(item);
            by_name.entry((&item.jurisdiction, &item.name.raw)).or_default().push(item);
        }
        Rows { by_code, by_name }
    }

    /// The one row of `jurisdiction` carrying `code` (none when there are several).
    fn one_by_code(&self, jurisdiction: &str, code: &str) -> Option<&'a Item> {
        match self.by_code.get(&(jurisdiction, code))?.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The one row of `jurisdiction` named `name` whose code normalises to `code`.
    fn one_by_name(&self, jurisdiction: &str, name: &str, code: &str) -> Option<&'a Item> {
        let rows = self.by_name.get(&(jurisdiction, name))?;
        let mut found = rows.iter().filter(|r| r.code.norm.as_ref() == code);
        match (found.next(), found.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        }
    }
}

/// The edits that answer `findings` (a check of `list` against `standard`), one per cell, in
/// line and column order. A row no finding can be tied to with certainty (two rows of one
/// jurisdiction with the same code, a candidate match) gets none.
pub fn plan(
    list: &Dataset,
    standard: &Dataset,
    findings: &[Finding],
    opts: FixOptions,
) -> Vec<Edit> {
    let rows = Rows::new(list);
    let mut reference: FxHashMap<&str, &Item> = FxHashMap::default();
    for item in &standard.items {
        reference.entry(&item.code.norm).or_insert(item);
    }
    // Rows whose identity is in doubt or being corrected: no field of theirs is judged safe to
    // take from the standard on top.
    let mut named_by_match: rustc_hash::FxHashSet<(String, String)> = Default::default();
    let mut edits: FxHashMap<(u64, ColKey), Edit> = FxHashMap::default();
    let add = |edits: &mut FxHashMap<(u64, ColKey), Edit>,
               row: &Item,
               f: &Finding,
               col: ColKey,
               after: String,
               safe: bool,
               note: Option<&'static str>| {
        let before = raw_of(row, col);
        if before == after || row.line == 0 {
            return;
        }
        edits.entry((row.line, col)).or_insert_with(|| Edit {
            line: row.line,
            field: col.word(),
            jurisdiction: row.jurisdiction.to_string(),
            item: f.item.as_deref().unwrap_or_default().to_string(),
            item_name: row.name.raw.to_string(),
            before,
            after,
            rule: f.rule,
            safe,
            note,
            col,
        });
    };
    let certain = |f: &Finding| {
        f.is_root() && f.scope.is_row() && !f.evidence.as_ref().is_some_and(|e| e.candidate)
    };
    // Codes first: a row matched by name to a standard item gets its code.
    for f in findings.iter().filter(|f| certain(f)) {
        let (Some(j), Some(item)) = (f.jurisdiction.as_deref(), f.item.as_deref()) else {
            continue;
        };
        if let Detail::ShouldCarry { row_name, source: Source::Standard, .. } = &f.detail {
            if !matches!(f.rule, "QD106" | "QD107") || !reference.contains_key(item) {
                continue;
            }
            let code =
                f.actual.as_deref().map(crate::value::code::normalize_code).unwrap_or_default();
            if let Some(row) = rows.one_by_name(j, row_name, &code) {
                named_by_match.insert((j.to_string(), item.to_string()));
                add(&mut edits, row, f, ColKey::Code, item.to_string(), true, None);
                // The 实施编码 embedding the wrong code (its last 12 or so characters) takes the
                // right one too.
                let (old, imp) = (row.code.raw.trim(), raw_of(row, ColKey::ImplementationCode));
                if !old.is_empty() && old != item {
                    if let Some(at) = imp.rfind(old) {
                        let fixed = format!("{}{item}{}", &imp[..at], &imp[at + old.len()..]);
                        let note = Some("实施编码中的基本编码随之修正");
                        add(&mut edits, row, f, ColKey::ImplementationCode, fixed, true, note);
                    }
                }
            }
        }
    }
    for f in findings.iter().filter(|f| certain(f)) {
        let (Some(j), Some(item)) = (f.jurisdiction.as_deref(), f.item.as_deref()) else {
            continue;
        };
        // The other edits are of rows carrying the standard's code themselves.
        let Some(row) = rows.one_by_code(j, item) else { continue };
        let by_standard = matches!(
            &f.detail,
            Detail::Differs { source: Source::Standard }
                | Detail::Category { source: Source::Standard, .. }
                | Detail::CodeCategory { category_wrong: true, .. }
                | Detail::Repealed { .. }
                | Detail::Laws { source: Source::Standard, .. }
        );
        if !by_standard || named_by_match.contains(&(j.to_string(), item.to_string())) {
            continue;
        }
        let expected = f.expected.clone().unwrap_or_default();
        match (f.rule, &f.detail) {
            ("QD101", _) if !expected.is_empty() => {
                add(&mut edits, row, f, ColKey::Name, expected, true, None);
            }
            ("QD201", _) | ("QD103", Detail::CodeCategory { category_wrong: true, .. })
                if f.field == crate::vocab::Field::Category && !expected.is_empty() =>
            {
                add(&mut edits, row, f, ColKey::Category, expected, true, None);
            }
            ("QD403", _) if opts.unsafe_fixes && !expected.is_empty() => {
                add(&mut edits, row, f, ColKey::CommittedLimit, expected, false, None);
            }
            ("QD305", Detail::Repealed { title, replaced_by: Some(by), .. })
                if opts.unsafe_fixes =>
            {
                let basis = current_basis(&edits, row);
                let (old, new) = (format!("《{title}》"), format!("《{}》", by.title));
                if basis.contains(&old) {
                    let after = basis.replace(&old, &new);
                    basis_edit(&mut edits, &add, row, f, after, "条款请核对");
                }
            }
            ("QD301", Detail::Laws { titles, .. }) if opts.unsafe_fixes => {
                // The standard's references to the missing laws, as the standard writes them.
                let mut cited: Vec<&str> = Vec::new();
                let parts = expected.split(['；', ';', '\n']).map(str::trim);
                for part in parts.filter(|p| !p.is_empty()) {
                    if titles.iter().any(|t| part.contains(t.as_str())) && !cited.contains(&part) {
                        cited.push(part);
                    }
                }
                if !cited.is_empty() {
                    let basis = current_basis(&edits, row);
                    let basis = basis.trim_end();
                    let sep = if basis.trim().is_empty() { "" } else { "；" };
                    let after = format!("{basis}{sep}{}", cited.join("；"));
                    basis_edit(&mut edits, &add, row, f, after, "依据按标准目录补全，请核对");
                }
            }
            _ => {}
        }
    }
    if opts.normalise {
        normalise(list, &reference, &mut edits);
    }
    let mut out: Vec<Edit> = edits.into_values().collect();
    out.sort();
    out
}

/// The row's basis as the edits so far leave it.
fn current_basis(edits: &FxHashMap<(u64, ColKey), Edit>, row: &Item) -> String {
    match edits.get(&(row.line, ColKey::Basis)) {
        Some(e) => e.after.clone(),
        None => row.body.basis.raw.to_string(),
    }
}

/// An unsafe edit of the row's basis to `after`: a new edit, or the one already there (a repealed
/// law replaced and a missing one added are one cell) taking both rules and notes.
fn basis_edit(
    edits: &mut FxHashMap<(u64, ColKey), Edit>,
    add: &impl Fn(
        &mut FxHashMap<(u64, ColKey), Edit>,
        &Item,
        &Finding,
        ColKey,
        String,
        bool,
        Option<&'static str>,
    ),
    row: &Item,
    f: &Finding,
    after: String,
    note: &'static str,
) {
    match edits.get_mut(&(row.line, ColKey::Basis)) {
        Some(e) => {
            e.after = after;
            e.safe = false;
            e.rule = match (e.rule, f.rule) {
                ("QD305", "QD301") => "QD305+QD301",
                ("QD301", "QD305") => "QD301+QD305",
                (r, _) => r,
            };
            e.note = Some("条款请核对；依据按标准目录补全，请核对");
        }
        None => add(edits, row, f, ColKey::Basis, after, false, Some(note)),
    }
}

/// Formatting-only differences from the standard's spelling, as edits (rule `normalise`): a row
/// carrying a standard code whose value reads as the standard's but is written otherwise.
fn normalise(
    list: &Dataset,
    reference: &FxHashMap<&str, &Item>,
    edits: &mut FxHashMap<(u64, ColKey), Edit>,
) {
    for row in list.items.iter().filter(|r| r.line > 0) {
        let Some(std) = reference.get(row.code.norm.as_ref()) else { continue };
        let (a, b) = (&row.body, &std.body);
        let same = [
            (ColKey::Name, row.name.norm == std.name.norm),
            (ColKey::StatutoryLimit, a.statutory_limit.value == b.statutory_limit.value),
            (ColKey::CommittedLimit, a.committed_limit.value == b.committed_limit.value),
            (ColKey::Fee, a.fee.value == b.fee.value),
        ];
        for (col, same) in same {
            let (before, after) = (raw_of(row, col), raw_of(std, col));
            if !same || before == after || after.trim().is_empty() || before.trim().is_empty() {
                continue;
            }
            edits.entry((row.line, col)).or_insert_with(|| Edit {
                line: row.line,
                field: col.word(),
                jurisdiction: row.jurisdiction.to_string(),
                item: std.code.norm.to_string(),
                item_name: row.name.raw.to_string(),
                before,
                after,
                rule: "normalise",
                safe: true,
                note: None,
                col,
            });
        }
    }
}

/// The row's text in a column, as read.
fn raw_of(row: &Item, col: ColKey) -> String {
    match col {
        ColKey::Code => row.code.raw.to_string(),
        ColKey::ImplementationCode => {
            row.implementation_code.as_ref().map(|c| c.raw.to_string()).unwrap_or_default()
        }
        ColKey::Name => row.name.raw.to_string(),
        ColKey::Category => row.body.category_raw.to_string(),
        ColKey::Basis => row.body.basis.raw.to_string(),
        ColKey::StatutoryLimit => row.body.statutory_limit.raw.to_string(),
        ColKey::CommittedLimit => row.body.committed_limit.raw.to_string(),
        ColKey::Fee => row.body.fee.raw.to_string(),
    }
}

/// A file's bytes with the edits written in, and the edits that could not be (each with why).
pub(crate) type Written = (Vec<u8>, Vec<(Edit, Skip)>);

/// Why an edit was not written into the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The file has no column for the field (or keeps it in two columns, amount and unit).
    NoColumn,
    /// The column holds coded values, and no code means the new value.
    NoCode,
    /// The new value cannot be written in the file's encoding.
    Unencodable,
    /// No record starts on the edit's line.
    NoRow,
}

impl Skip {
    pub fn zh(self) -> &'static str {
        match self {
            Skip::NoColumn => "文件中没有该列（或时限分为数量和单位两列）",
            Skip::NoCode => "该列为代码值，没有与新值对应的代码",
            Skip::Unencodable => "新值无法用文件的编码写出",
            Skip::NoRow => "文件中找不到该行",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Skip::NoColumn => {
                "the file has no column for the field (or keeps it as amount and unit)"
            }
            Skip::NoCode => "the column holds coded values and none means the new value",
            Skip::Unencodable => "the new value cannot be written in the file's encoding",
            Skip::NoRow => "no record of the file starts on that line",
        }
    }
}

/// The bytes of a CSV file with the edits written in, and the edits that could not be (each with
/// why). `encoding` is the file's as the loader found it (UTF-8, GBK, GB18030).
pub(crate) fn apply_csv(
    bytes: &[u8],
    encoding: &str,
    edits: &[Edit],
    columns: &Columns,
) -> Written {
    let (codec, bom, decode) = codec_of(bytes, encoding);
    let body = bytes.get(bom..).unwrap_or_default();
    let delimiter = {
        let head: String = decode(body.get(..body.len().min(64 << 10)).unwrap_or_default());
        let (mut commas, mut tabs) = (0, 0);
        for line in head.lines().take(10) {
            commas += line.matches(',').count();
            tabs += line.matches('\t').count();
        }
        if tabs > commas {
            b'\t'
        } else {
            b','
        }
    };
    let records = records(body, delimiter);
    // The header: the first of the first rows that names a code and a name column.
    let map = records.iter().take(10).find_map(|r| {
        let header: Vec<String> =
            r.fields.iter().map(|&(a, b)| unquote(&decode(&body[a..b]))).collect();
        let map = columns.map_header(Table::Items, &header);
        (map.get(Col::Code).is_some() && map.get(Col::Name).is_some()).then_some(map)
    });
    let by_line: FxHashMap<u64, &Record> = records.iter().map(|r| (r.line, r)).collect();
    let mut skipped = Vec::new();
    let mut splices: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    for e in edits {
        let (i, text) = match cell_text(map.as_ref(), e) {
            Ok(found) => found,
            Err(why) => {
                skipped.push((e.clone(), why));
                continue;
            }
        };
        let Some(&(a, b)) = by_line.get(&e.line).and_then(|r| r.fields.get(i)) else {
            skipped.push((e.clone(), Skip::NoRow));
            continue;
        };
        let was_quoted = body.get(a) == Some(&b'"');
        let needs = text.bytes().any(|c| c == delimiter || matches!(c, b'"' | b'\n' | b'\r'));
        let text =
            if was_quoted || needs { format!("\"{}\"", text.replace('"', "\"\"")) } else { text };
        let encoded = match codec {
            Some(c) => {
                let (out, _, unmappable) = c.encode(&text);
                if unmappable {
                    skipped.push((e.clone(), Skip::Unencodable));
                    continue;
                }
                out.into_owned()
            }
            None => text.into_bytes(),
        };
        splices.push((bom + a, bom + b, encoded));
    }
    (splice(bytes, splices), skipped)
}

/// `bytes` with each range (start, end) replaced by its new bytes; every other byte as it was.
fn splice(bytes: &[u8], mut splices: Vec<(usize, usize, Vec<u8>)>) -> Vec<u8> {
    splices.sort_by_key(|s| (s.0, s.1));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut at = 0;
    for (a, b, new) in splices {
        out.extend_from_slice(bytes.get(at..a).unwrap_or_default());
        out.extend_from_slice(&new);
        at = b;
    }
    out.extend_from_slice(bytes.get(at..).unwrap_or_default());
    out
}

/// The encoding_rs codec of a file the loader found in `encoding` (None: UTF-8), the length of
/// its byte order mark, and a decoder of its bytes.
fn codec_of(
    bytes: &[u8],
    encoding: &str,
) -> (Option<&'static encoding_rs::Encoding>, usize, impl Fn(&[u8]) -> String) {
    let codec = match encoding {
        "GBK" => Some(encoding_rs::GBK),
        "GB18030" => Some(encoding_rs::GB18030),
        _ => None,
    };
    let bom = if codec.is_none() && bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let decode = move |b: &[u8]| -> String {
        match codec {
            Some(c) => c.decode_without_bom_handling(b).0.into_owned(),
            None => String::from_utf8_lossy(b).into_owned(),
        }
    };
    (codec, bom, decode)
}

/// The codes the applied edits change, by (区划代码, code before) → code after, for the tables
/// that hang off items (steps, materials, elements), whose rows name their item by its code: a
/// code written for an empty one names no row there, and a code that two rows of a list share
/// (a duplicate, 办理项 rows) is left alone, as it is not known which of them a row belongs to.
pub fn recodes(list: &Dataset, applied: &[Edit]) -> FxHashMap<(String, String), String> {
    let mut rows: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    for item in &list.items {
        *rows.entry((&item.jurisdiction, item.code.raw.trim())).or_default() += 1;
    }
    let mut out: FxHashMap<(String, String), String> = FxHashMap::default();
    for e in applied.iter().filter(|e| e.col == ColKey::Code) {
        let before = e.before.trim();
        if before.is_empty() || rows.get(&(e.jurisdiction.as_str(), before)) != Some(&1) {
            continue;
        }
        out.insert((e.jurisdiction.clone(), before.to_string()), e.after.clone());
    }
    out
}

/// The bytes of a steps, materials or elements CSV file with the 事项编码 of its rows changed
/// where `recodes` changes their item's, and how many rows were changed; every other byte as it
/// was.
pub(crate) fn apply_child_csv(
    bytes: &[u8],
    encoding: &str,
    table: Table,
    recodes: &FxHashMap<(String, String), String>,
    columns: &Columns,
) -> (Vec<u8>, usize) {
    if recodes.is_empty() {
        return (bytes.to_vec(), 0);
    }
    let (codec, bom, decode) = codec_of(bytes, encoding);
    let body = bytes.get(bom..).unwrap_or_default();
    let delimiter = if body.iter().take(64 << 10).filter(|&&c| c == b'\t').count()
        > body.iter().take(64 << 10).filter(|&&c| c == b',').count()
    {
        b'\t'
    } else {
        b','
    };
    let records = records(body, delimiter);
    let cell = |r: &Record, i: usize| -> Option<String> {
        r.fields.get(i).map(|&(a, b)| unquote(&decode(&body[a..b])))
    };
    let Some((k, jur_col, code_col)) = records.iter().take(10).enumerate().find_map(|(k, r)| {
        let header: Vec<String> = (0..r.fields.len()).filter_map(|i| cell(r, i)).collect();
        let map = columns.map_header(table, &header);
        Some((k, map.get(Col::Jurisdiction)?, map.get(Col::Code)?))
    }) else {
        return (bytes.to_vec(), 0);
    };
    let mut splices: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    for r in records.iter().skip(k + 1) {
        let (Some(jur), Some(code)) = (cell(r, jur_col), cell(r, code_col)) else { continue };
        let Some(new) = recodes.get(&(jur, code)) else { continue };
        let Some(&(a, b)) = r.fields.get(code_col) else { continue };
        let text = if body.get(a) == Some(&b'"') { format!("\"{new}\"") } else { new.clone() };
        let encoded = match codec {
            Some(c) => c.encode(&text).0.into_owned(),
            None => text.into_bytes(),
        };
        splices.push((bom + a, bom + b, encoded));
    }
    let n = splices.len();
    (splice(bytes, splices), n)
}

/// The column an edit writes under the header `map`, and the text it writes there (a coded
/// column takes the code of the new value).
fn cell_text(map: Option<&HeaderMap>, e: &Edit) -> Result<(usize, String), Skip> {
    let map = map.ok_or(Skip::NoColumn)?;
    let i = map.get(e.col.col()).ok_or(Skip::NoColumn)?;
    let text = match map.values.get(i).and_then(Option::as_ref) {
        Some(codes) => code_of(codes, &e.after).ok_or(Skip::NoCode)?,
        None => e.after.clone(),
    };
    Ok((i, text))
}

/// The code a coded column (a system export's digits) writes for `value` (the smallest, when
/// several mean it).
fn code_of(codes: &FxHashMap<String, String>, value: &str) -> Option<String> {
    codes.iter().filter(|(_, v)| v.as_str() == value).map(|(k, _)| k.clone()).min()
}

/// A record of a CSV text: the line it starts on and the byte ranges of its fields as written
/// (quote marks included).
#[derive(Debug, PartialEq, Eq)]
struct Record {
    line: u64,
    fields: Vec<(usize, usize)>,
}

/// The records of `text` as the csv crate reads them (a quote mark opens a quoted field only at
/// a field's start; `\n`, `\r\n` and a lone `\r` end a record; blank lines are no records), with
/// the line each starts on (1 for the first).
fn records(text: &[u8], delimiter: u8) -> Vec<Record> {
    let mut out = Vec::new();
    let (mut i, mut line) = (0usize, 1u64);
    let n = text.len();
    while i < n {
        // Blank lines.
        match text.get(i) {
            Some(b'\n') => {
                line += 1;
                i += 1;
                continue;
            }
            // A carriage return (before a line end, or alone) ends no record of its own.
            Some(b'\r') => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let start_line = line;
        let mut fields = Vec::new();
        loop {
            let start = i;
            if text.get(i) == Some(&b'"') {
                i += 1;
                loop {
                    match text.get(i) {
                        None => break,
                        Some(b'"') if text.get(i + 1) == Some(&b'"') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\n') => {
                            line += 1;
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            while let Some(&c) = text.get(i) {
                if c == delimiter || c == b'\n' || c == b'\r' {
                    break;
                }
                i += 1;
            }
            fields.push((start, i));
            match text.get(i) {
                Some(&c) if c == delimiter => i += 1,
                _ => break,
            }
        }
        // The record's end.
        match text.get(i) {
            Some(b'\r') if text.get(i + 1) == Some(&b'\n') => {
                i += 2;
                line += 1;
            }
            Some(b'\r') => i += 1,
            Some(b'\n') => {
                i += 1;
                line += 1;
            }
            _ => {}
        }
        out.push(Record { line: start_line, fields });
    }
    out
}

/// A field's text without its quote marks.
fn unquote(s: &str) -> String {
    let t = s.trim();
    match t.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => t.to_string(),
    }
}

/// The change log's header (zh).
const LOG_HEADER: [&str; 12] = [
    "区划代码",
    "事项编码",
    "事项名称",
    "文件",
    "行",
    "字段",
    "修改前",
    "修改后",
    "规则",
    "类别",
    "状态",
    "说明",
];

/// The change log's rows: every edit, applied ones first, then those that could not be written.
fn log_rows(applied: &[Edit], skipped: &[(Edit, Skip)], file: &str) -> Vec<[String; 12]> {
    let rows = applied.iter().map(|e| (e, None)).chain(skipped.iter().map(|(e, s)| (e, Some(*s))));
    rows.map(|(e, skip)| {
        let note = match skip {
            Some(s) => s.zh(),
            None => e.note.unwrap_or(""),
        };
        [
            e.jurisdiction.clone(),
            e.item.clone(),
            e.item_name.clone(),
            file.to_string(),
            e.line.to_string(),
            e.field_zh().to_string(),
            e.before.clone(),
            e.after.clone(),
            e.rule.to_string(),
            if e.safe { "安全" } else { "不安全" }.to_string(),
            if skip.is_some() { "未修改" } else { "已修改" }.to_string(),
            note.to_string(),
        ]
    })
    .collect()
}

/// The change log as CSV (UTF-8 with a BOM, for Excel): one row per edit, applied or not.
pub fn change_log_csv(applied: &[Edit], skipped: &[(Edit, Skip)], file: &str) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(LOG_HEADER);
    for row in log_rows(applied, skipped, file) {
        let _ = w.write_record(&row);
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend(w.into_inner().unwrap_or_default());
    out
}

/// The change log as a workbook (one sheet 修改记录, cells written as text).
pub fn change_log_xlsx(
    applied: &[Edit],
    skipped: &[(Edit, Skip)],
    file: &str,
) -> crate::error::Result<Vec<u8>> {
    use crate::report::xlsx::{save, Cell, SheetWriter};
    let mut sheet = SheetWriter::new("修改记录")?;
    let rows: Vec<Vec<Cell>> = log_rows(applied, skipped, file)
        .into_iter()
        .map(|r| r.into_iter().map(Cell::Text).collect())
        .collect();
    sheet.table(&LOG_HEADER, &rows, true)?;
    save(rust_xlsxwriter::Workbook::new(), vec![sheet.finish()?])
}

/// True when `path` is a dataset folder `fix` can write back (CSV files; not a workbook).
pub fn is_csv_folder(path: &Path) -> bool {
    path.is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_give_the_raw_ranges_and_start_lines() {
        let text = b"a,\"b,\"\"c\"\",d\"\r\n\r\ne,\"x\ny\",z\nlast,1";
        let r = records(text, b',');
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].line, 1);
        assert_eq!(&text[r[0].fields[1].0..r[0].fields[1].1], b"\"b,\"\"c\"\",d\"");
        assert_eq!(r[1].line, 3);
        assert_eq!(&text[r[1].fields[1].0..r[1].fields[1].1], b"\"x\ny\"");
        assert_eq!(r[2].line, 5);
        assert_eq!(r[2].fields.len(), 2);
    }

    #[test]
    fn unquote_takes_off_the_marks() {
        assert_eq!(unquote("\"a\"\"b\""), "a\"b");
        assert_eq!(unquote("plain"), "plain");
    }
}
