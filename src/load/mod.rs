//! Loading a dataset: a folder of CSV files (UTF-8 with or without BOM, GBK, GB18030) or an .xlsx
//! workbook, or a system export mapped through rules/columns.toml, into a typed `Dataset`. Every
//! row is loaded or counted as rejected, with a diagnostic naming file, line and column.
//!
//! The stages: `source` finds the tables and decodes them, `read` walks their rows and counts
//! them, `build` types each row (parsing every distinct raw value once), and this module joins
//! steps and materials to their items and settles the jurisdictions.

mod build;
mod chunk;
pub(crate) mod columns;
mod diag;
mod read;
mod scan;
pub(crate) mod source;
mod versions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use self::build::{
    ElementRow, ElementsVisitor, ItemKey, ItemKeys, ItemsVisitor, JurisdictionRow,
    JurisdictionsVisitor, MaterialsVisitor, StepsVisitor,
};
use self::columns::{Columns, Table};
use self::diag::{Diags, Msg};
use self::source::Source;
use crate::error::{Error, Result};
use crate::model::{
    Dataset, Diagnostic, FileReport, Item, Jurisdiction, Level, LoadReport, Material, Step, Str,
};

pub use self::diag::message_en;
pub use self::read::ReadOptions;

/// The table (`items`, `steps`, ...) a CSV file of this stem holds in a dataset folder, if any
/// (the command line uses it to tell a file of a dataset folder from a lone export).
pub fn table_of_stem(stem: &str) -> Option<&'static str> {
    Table::from_stem(stem).map(Table::stem)
}
pub(crate) use self::source::kind_of;

/// How to read a dataset.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Force an encoding for CSV files (`utf-8`, `gbk`, `gb18030`); detected when `None`.
    pub encoding: Option<String>,
    /// `--rules DIR`: overrides rules/columns.toml.
    pub rules_dir: Option<PathBuf>,
    /// `--jurisdiction CODE`: the 区划代码 for lists that lack one.
    pub jurisdiction: Option<String>,
    /// `--level`: the level of that jurisdiction when its code does not tell.
    pub level: Option<Level>,
    /// How CSV files reach memory and are cut for parallel typing (never what is read).
    pub read: ReadOptions,
    /// Print the load's stages (wall, CPU, peak memory) on stderr, as `QINGDAN_PROFILE` asks.
    pub profile: bool,
}

/// What reading one table produced.
enum Rows {
    Jurisdictions(Vec<JurisdictionRow>),
    Items(DrainedItems),
    Steps(ChildRows<Step>),
    Materials(ChildRows<Material>),
    Elements(ChildRows<ElementRow>),
}

/// Items or jurisdictions, in file order.
struct Drained<T>(Vec<T>);

/// Items and their keys, in file order.
#[derive(Default)]
struct DrainedItems {
    items: Vec<Item>,
    keys: ItemKeys,
    /// Emptied lists of pieces put: a piece typed ahead of its turn is swapped into one (its
    /// visitor typing on into the other), not copied into fresh memory.
    spare: Vec<(Vec<Item>, ItemKeys)>,
}

impl read::Drain<ItemsVisitor<'_>> for DrainedItems {
    type Part = (Vec<Item>, ItemKeys);
    fn take(&mut self, v: &mut ItemsVisitor<'_>) {
        // Moved, not taken: the visitor keeps its list's memory for the next piece, and a
        // large list grows in place (the allocator remaps it), so each item is copied once.
        self.items.append(&mut v.items);
        self.keys.append(&mut v.keys);
    }
    fn part(&mut self, v: &mut ItemsVisitor<'_>) -> (Vec<Item>, ItemKeys) {
        let (mut items, mut keys) = self.spare.pop().unwrap_or_default();
        std::mem::swap(&mut items, &mut v.items);
        std::mem::swap(&mut keys, &mut v.keys);
        (items, keys)
    }
    fn put(&mut self, (mut items, mut keys): (Vec<Item>, ItemKeys)) {
        self.items.append(&mut items);
        self.keys.append(&mut keys);
        self.spare.push((items, keys));
    }
    fn reset(&mut self) {
        self.items.clear();
        self.keys.clear();
    }
}

impl read::Drain<JurisdictionsVisitor<'_>> for Drained<JurisdictionRow> {
    type Part = Vec<JurisdictionRow>;
    fn take(&mut self, v: &mut JurisdictionsVisitor<'_>) {
        self.0.append(&mut v.rows);
    }
    fn part(&mut self, v: &mut JurisdictionsVisitor<'_>) -> Vec<JurisdictionRow> {
        std::mem::take(&mut v.rows)
    }
    fn put(&mut self, mut part: Vec<JurisdictionRow>) {
        self.0.append(&mut part);
    }
    fn reset(&mut self) {
        self.0.clear();
    }
}

/// The rows of steps.csv or materials.csv, as the visitors typed them, in file order.
struct ChildRows<T>(Vec<build::Children<T>>);

impl<T: build::Child + Send> read::Drain<build::ChildVisitor<'_, T>> for ChildRows<T> {
    type Part = build::Children<T>;
    fn take(&mut self, v: &mut build::ChildVisitor<'_, T>) {
        let part = self.part(v);
        self.put(part);
    }
    fn part(&mut self, v: &mut build::ChildVisitor<'_, T>) -> build::Children<T> {
        v.rows.take()
    }
    fn put(&mut self, part: build::Children<T>) {
        if !part.rows.is_empty() {
            self.0.push(part);
        }
    }
    fn reset(&mut self) {
        self.0.clear();
    }
}

struct TableOut {
    rows: Rows,
    report: FileReport,
    diags: Diags,
}

/// Bytes of table files read so far by this process, every load together: what a progress bar
/// of the loading stage shows against [`input_bytes`]. A file read twice (a quote that the
/// windows cannot follow sends it to a whole read) counts twice; the bar clamps.
static BYTES_READ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// See [`BYTES_READ`].
pub fn bytes_read() -> u64 {
    BYTES_READ.load(std::sync::atomic::Ordering::Relaxed)
}

pub(crate) fn count_read(n: u64) {
    BYTES_READ.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
}

/// About how many bytes loading `path` reads: a workbook's size, or the sizes of the regular
/// files of the dataset folder (the folder of a table file given alone, as [`load`] reads it).
pub fn input_bytes(path: &Path) -> u64 {
    let size = |p: &Path| std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len());
    let folder = if path.is_dir() {
        Some(path)
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        path.parent()
    } else {
        None
    };
    match folder {
        Some(dir) => std::fs::read_dir(dir)
            .map(|rd| rd.flatten().filter_map(|e| size(&e.path())).sum())
            .unwrap_or(0),
        None => size(path).unwrap_or(0),
    }
}

/// Reads the dataset at `path` (a folder or an .xlsx file). Fails only when nothing can be read
/// (missing path, no items table, not a workbook); row-level problems go to `dataset.report`.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Dataset> {
    let columns = Columns::load(opts.rules_dir.as_deref())?;
    let forced = opts.encoding.as_deref().map(source::encoding_for).transpose()?;
    if let Some(code) = &opts.jurisdiction {
        if code.trim().is_empty() {
            return Err(Error::Usage("--jurisdiction needs a 区划代码".into()));
        }
    }
    let found = source::find(path)?;

    // Each CSV file is read in pieces in parallel; the jurisdictions and the items first, one
    // after the other, then steps and materials side by side (each finds its items as it reads,
    // and one file's waits at the end of a window are filled by the other's work). Sheets,
    // already in memory, are typed in parallel.
    let mut profile = crate::profile::Profile::new("load", opts.profile);
    let sheets = !found.tables.iter().all(|(_, s)| matches!(s, Source::Csv { .. }));
    let read = |(table, src): &&(Table, Source), index: Option<&ItemIndex<'_>>| {
        read_table(*table, src, &columns, opts, forced, index)
    };
    let is_child = |t: &Table| matches!(t, Table::Steps | Table::Materials | Table::Elements);
    let heads: Vec<&(Table, Source)> = found.tables.iter().filter(|(t, _)| !is_child(t)).collect();
    let mut outs: Vec<TableOut> = if sheets {
        heads.par_iter().map(|t| read(t, None)).collect()
    } else {
        let mut outs = Vec::new();
        for t in &heads {
            outs.push(read(t, None));
            profile.stage(t.0.stem());
        }
        outs
    };
    for (out, (table, src)) in outs.iter().zip(&heads) {
        unusable(*table, src, out, path)?;
    }
    let items = outs.iter_mut().find_map(|o| match &mut o.rows {
        Rows::Items(items) => {
            let mut items = std::mem::take(items);
            versions::supersede(&mut items.items, &mut items.keys, &mut o.report, &mut o.diags);
            Some(items)
        }
        _ => None,
    });
    let DrainedItems { mut items, keys, .. } = items.unwrap_or_default();
    let index = ItemIndex::new(&items, keys);
    profile.stage("item index");
    let children: Vec<&(Table, Source)> =
        found.tables.iter().filter(|(t, _)| is_child(t)).collect();
    let first_child = outs.len();
    outs.par_extend(children.par_iter().map(|t| read(t, Some(&index))));
    for (out, (table, src)) in outs.iter().skip(first_child).zip(&children) {
        unusable(*table, src, out, path)?;
    }
    profile.stage("steps + materials");
    drop(index);
    profile.stage("drop index");

    let mut pre: Vec<Diagnostic> = Vec::new();
    for (file, msg, text) in found.notes {
        let mut d = Diags::new(file.into());
        d.push_at(None, None, text, msg);
        pre.extend(d.finish());
    }

    let mut jur_rows = None;
    let mut items_slot = 0;
    let mut steps = None;
    let mut materials = None;
    let mut elements = None;
    let mut parts: Vec<(FileReport, Diags)> = Vec::new();
    for out in outs {
        let slot = parts.len();
        match out.rows {
            Rows::Jurisdictions(r) => jur_rows = Some((r, slot)),
            Rows::Items(_) => items_slot = slot,
            Rows::Steps(r) => steps = Some(r),
            Rows::Materials(r) => materials = Some(r),
            Rows::Elements(r) => elements = Some(r),
        }
        parts.push((out.report, out.diags));
    }

    // Steps and materials are gathered per item in parallel, then moved into the items.
    let n = items.len();
    let (steps, materials) =
        rayon::join(|| steps.map(|rows| gather(n, rows)), || materials.map(|rows| gather(n, rows)));
    if let Some(lists) = steps {
        for (item, list) in items.iter_mut().zip(lists) {
            item.steps = list;
        }
    }
    if let Some(lists) = materials {
        for (item, list) in items.iter_mut().zip(lists) {
            item.materials = list;
        }
    }
    if let Some(rows) = elements {
        let categories = &columns.categories;
        let lists = gather(n, rows);
        // Each distinct element cell is parsed once, in parallel: a province writes 处罚种类 罚款
        // in every county (2.7 million rows, some 50,000 distinct values). The loader shares one
        // body per distinct cell text, so a cell is known by its address (two bodies of one
        // text are parsed twice, to the same value).
        type Cell = crate::load::build::ElementCell;
        let addr = |c: &Arc<Cell>| Arc::as_ptr(c) as usize;
        let distinct: FxHashMap<usize, &Arc<Cell>> = lists
            .par_iter()
            .fold(FxHashMap::default, |mut m: FxHashMap<usize, &Arc<Cell>>, list| {
                for row in list.iter().filter(|r| r.cell.element.is_some()) {
                    m.entry(addr(&row.cell)).or_insert(&row.cell);
                }
                m
            })
            .reduce(FxHashMap::default, |a, b| {
                let (mut a, b) = if a.len() < b.len() { (b, a) } else { (a, b) };
                for (k, v) in b {
                    a.entry(k).or_insert(v);
                }
                a
            });
        let parsed: FxHashMap<usize, Arc<crate::model::ElementValue>> = distinct
            .into_par_iter()
            .filter_map(|(k, cell)| {
                let def = &categories.elements[cell.element?];
                Some((k, Arc::new(def.parse(&cell.raw))))
            })
            .collect();
        items.par_iter_mut().zip(lists.into_par_iter()).for_each(|(item, list)| {
            for row in list {
                let Some(e) = row.cell.element else { continue };
                let def = &categories.elements[e];
                let element = crate::model::Element {
                    name: def.name.clone(),
                    raw: row.cell.raw.clone(),
                    value: match parsed.get(&addr(&row.cell)) {
                        Some(v) => v.clone(),
                        None => Arc::new(def.parse(&row.cell.raw)),
                    },
                    line: row.line,
                };
                // A column of items.csv left empty is filled by elements.csv; a second row of
                // one element adds nothing (the first wins, as for duplicate keys).
                match item.elements.iter_mut().find(|x| x.name == element.name) {
                    Some(x) if x.raw.is_empty() => *x = element,
                    Some(_) => {}
                    None => item.elements.push(element),
                }
            }
        });
        // elements.csv names an item by (区划代码, 事项编码): every row of that code in the list
        // holds them (the 办理项 rows of one base code, a code written twice), not only the row
        // the other tables join.
        let mut holder: FxHashMap<(&str, &str), usize> = FxHashMap::default();
        for (i, item) in items.iter().enumerate() {
            if !item.code.norm.is_empty() && !item.elements.is_empty() {
                holder.entry((&item.jurisdiction, &item.code.norm)).or_insert(i);
            }
        }
        let copies: Vec<(usize, usize)> = items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.elements.is_empty() && !item.code.norm.is_empty())
            .filter_map(|(i, item)| {
                holder.get(&(&*item.jurisdiction, &*item.code.norm)).map(|&from| (i, from))
            })
            .collect();
        for (i, from) in copies {
            items[i].elements = items[from].elements.clone();
        }
    }
    profile.stage("gather");
    // Steps in 序号 order; rows without a readable 序号 keep file order, after the numbered ones.
    items.par_iter_mut().for_each(|item| item.steps.sort_by_key(|s| s.seq.unwrap_or(u32::MAX)));

    // Problems of the jurisdictions table go to its file; jurisdictions that only items name are
    // reported at the first item row naming them.
    let jurisdictions = {
        let (before, from_items) = parts.split_at_mut(items_slot);
        let item_diags = from_items.first_mut().map(|(_, d)| d);
        let mut spare = Diags::new("items".into());
        let item_diags = item_diags.unwrap_or(&mut spare);
        match jur_rows {
            Some((rows, slot)) => match before.get_mut(slot) {
                Some((_, jur_diags)) => {
                    settle_jurisdictions(Some(rows), &items, opts, jur_diags, item_diags)
                }
                None => {
                    settle_jurisdictions(Some(rows), &items, opts, &mut spare_diags(), item_diags)
                }
            },
            None => settle_jurisdictions(None, &items, opts, &mut spare_diags(), item_diags),
        }
    };

    let mut files = Vec::new();
    let mut diagnostics = pre;
    for (report, diags) in parts {
        files.push(report);
        diagnostics.extend(diags.finish());
    }
    Ok(Dataset {
        source: path.display().to_string(),
        jurisdictions,
        items,
        report: LoadReport { files, diagnostics },
    })
}

/// The error that stops the run when a table read cannot be used: a file that changed while it
/// was read.
fn unusable(_table: Table, src: &Source, out: &TableOut, dataset: &Path) -> Result<()> {
    if let Some(why) = out.diags.fatal() {
        return Err(Error::input(source_name(src, dataset), why));
    }
    Ok(())
}

/// The path of a table's file (or workbook and sheet) for an error message.
fn source_name(src: &Source, dataset: &Path) -> String {
    match src {
        Source::Csv { path, .. } => path.display().to_string(),
        Source::Sheet { label, .. } => {
            let sheet = label.find('#').and_then(|i| label.get(i..)).unwrap_or("");
            format!("{}{sheet}", dataset.display())
        }
    }
}

/// True when a diagnostic's message says a table file or sheet was there but not read (a folder,
/// a named pipe, a dangling link, no permission, a sheet the reader failed on).
pub(crate) fn is_skipped_file(message: &str) -> bool {
    [Msg::UnreadableFile, Msg::NotRegularFile, Msg::UnreadableSheet]
        .iter()
        .any(|m| m.zh() == message)
}

/// The error a command stops with (exit 2) when the dataset's items table gave no item at all:
/// it could not be read, it is empty (not even a header), or every row was rejected. A report
/// on it would say "nothing wrong" about a list nobody read. (A header without rows is an
/// empty list, not an error.) The first diagnostic of the file says why.
pub fn require_items(ds: &Dataset) -> Result<()> {
    let Some(f) = ds.report.files.iter().find(|f| f.table == Table::Items.stem()) else {
        return Ok(());
    };
    let of_file: Vec<&Diagnostic> =
        ds.report.diagnostics.iter().filter(|d| *d.file == *f.file).collect();
    let has = |m: Msg| of_file.iter().any(|d| d.message == m.zh());
    // The first diagnostic that says why a row was not loaded (a note such as "read as the
    // items table" is not a reason), else the first one.
    let first = of_file
        .iter()
        .find(|d| d.message.contains("未载入") || d.message.contains("未读取"))
        .or(of_file.first());
    let reason = |zh: bool| {
        first
            .map(|d| {
                let text = d.text.as_deref().map(|t| format!("（{t}）")).unwrap_or_default();
                if zh {
                    let at = d.line.map(|l| format!("第{l}行：")).unwrap_or_default();
                    format!("{at}{}{text}", d.message)
                } else {
                    let at = d.line.map(|l| format!("line {l}: ")).unwrap_or_default();
                    let en = diag::message_en(&d.message).unwrap_or(&d.message);
                    let text = d.text.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
                    format!("{at}{en}{text}")
                }
            })
            .unwrap_or_default()
    };
    let (zh, en) = if has(Msg::UnreadableFile) {
        (
            format!("事项表无法读取：{}", reason(true)),
            format!("the items table cannot be read: {}", reason(false)),
        )
    } else if has(Msg::EmptyFile) {
        (
            "事项表为空：没有表头，未读取任何事项".to_string(),
            "the items table is empty: no header row, so no item was read".to_string(),
        )
    } else if f.rows_read > 0 && f.rows_loaded == 0 {
        (
            format!(
                "没有载入任何事项：全部 {} 行均未能读取；第一条原因：{}",
                f.rows_read,
                reason(true)
            ),
            format!(
                "no item could be loaded: all {} rows were rejected; first: {}",
                f.rows_read,
                reason(false)
            ),
        )
    } else {
        return Ok(());
    };
    let source = Path::new(&ds.source);
    let file = if source.is_dir() {
        source.join(&f.file).display().to_string()
    } else {
        match f.file.find('#').and_then(|i| f.file.get(i..)) {
            Some(sheet) => format!("{}{sheet}", source.display()),
            None => source.display().to_string(),
        }
    };
    let line = first.and_then(|d| d.line).filter(|_| f.rows_read > 0);
    let mut error = Error::input2(file, &zh, &en);
    if let Error::Input { line: at, .. } = &mut error {
        *at = line;
    }
    Err(error)
}

/// Steps or materials sorted out per item: one list per item, in item order, each allocated
/// once at its size.
fn gather<T>(n_items: usize, rows: ChildRows<T>) -> Vec<Vec<T>> {
    let mut sizes = vec![0usize; n_items];
    for part in &rows.0 {
        for &(i, n) in &part.runs {
            if let Some(size) = sizes.get_mut(i as usize) {
                *size += n as usize;
            }
        }
    }
    // Each list is allocated (at its final size) when its first run arrives, not all up front:
    // each part is freed once moved, so the lists reuse the memory of the parts before them and
    // the rows are held about once, not twice, at the peak.
    let mut lists: Vec<Vec<T>> = Vec::new();
    lists.resize_with(n_items, Vec::new);
    for part in rows.0 {
        let mut rows = part.rows.into_iter();
        for (i, n) in part.runs {
            let i = i as usize;
            let run = rows.by_ref().take(n as usize);
            if let (Some(list), Some(&size)) = (lists.get_mut(i), sizes.get(i)) {
                if list.capacity() == 0 {
                    list.reserve_exact(size);
                }
                list.extend(run);
            } else {
                run.for_each(drop);
            }
        }
    }
    lists
}

fn read_table(
    table: Table,
    src: &Source,
    columns: &Columns,
    opts: &LoadOptions,
    forced: Option<&'static encoding_rs::Encoding>,
    index: Option<&ItemIndex<'_>>,
) -> TableOut {
    let file: Str = src.label().into();
    let mut diags = Diags::new(file.clone());
    let mut report = FileReport {
        file: src.label().to_string(),
        table: table.stem().to_string(),
        ..FileReport::default()
    };
    // Steps or materials read without their items find none.
    let empty = ItemIndex::new(&[], ItemKeys::default());
    let rows = match table {
        Table::Jurisdictions => {
            let new = || JurisdictionsVisitor::new(columns, opts);
            let mut out = Drained(Vec::new());
            // A small table, read in one piece (duplicates are found within a visitor).
            let vs = read::visit(
                src,
                &opts.read,
                forced,
                &new,
                false,
                &mut diags,
                &mut report,
                &mut out,
            );
            report.ignored_columns = vs.first().map(|v| v.ignored()).unwrap_or_default();
            Rows::Jurisdictions(out.0)
        }
        Table::Items => {
            let new = || ItemsVisitor::new(columns, opts);
            let mut out = DrainedItems::default();
            let vs =
                read::visit(src, &opts.read, forced, &new, true, &mut diags, &mut report, &mut out);
            report.ignored_columns = vs.first().map(|v| v.ignored()).unwrap_or_default();
            Rows::Items(out)
        }
        Table::Steps => {
            let index = index.unwrap_or(&empty);
            let new = || StepsVisitor::new(columns, opts, index);
            let mut out = ChildRows(Vec::new());
            let vs =
                read::visit(src, &opts.read, forced, &new, true, &mut diags, &mut report, &mut out);
            report.ignored_columns = vs.first().map(|v| v.ignored()).unwrap_or_default();
            Rows::Steps(out)
        }
        Table::Materials => {
            let index = index.unwrap_or(&empty);
            let new = || MaterialsVisitor::new(columns, opts, index);
            let mut out = ChildRows(Vec::new());
            let vs =
                read::visit(src, &opts.read, forced, &new, true, &mut diags, &mut report, &mut out);
            report.ignored_columns = vs.first().map(|v| v.ignored()).unwrap_or_default();
            Rows::Materials(out)
        }
        Table::Elements => {
            let index = index.unwrap_or(&empty);
            let new = || ElementsVisitor::new(columns, opts, index);
            let mut out = ChildRows(Vec::new());
            let vs =
                read::visit(src, &opts.read, forced, &new, true, &mut diags, &mut report, &mut out);
            report.ignored_columns = vs.first().map(|v| v.ignored()).unwrap_or_default();
            Rows::Elements(out)
        }
    };
    TableOut { rows, report, diags }
}

/// Finds the item a step or material belongs to: by (区划代码, 事项编码), or by (区划代码,
/// 事项名称) when the row has no code, or, when it has neither, the jurisdiction's one item
/// without a code. With duplicate keys the first item in file order wins.
pub(crate) struct ItemIndex<'a> {
    items: &'a [Item],
    /// The items' keys, side by side.
    keys: ItemKeys,
    /// Per item: true when it is the first with its (区划代码, 事项编码), the one `find` gives.
    first: Vec<bool>,
    /// The items with a code, by the hash of their key, each the first with its key.
    by_code: hashbrown::HashTable<u32>,
    /// Per jurisdiction: its item without a code, `None` when it has several.
    codeless: FxHashMap<Str, Option<usize>>,
    /// Items by (区划代码, 事项名称), made when first needed: rows that name their item but
    /// whose code finds none are rare.
    by_name: std::sync::OnceLock<FxHashMap<Str, FxHashMap<Str, usize>>>,
}

impl<'a> ItemIndex<'a> {
    fn new(items: &'a [Item], keys: ItemKeys) -> ItemIndex<'a> {
        // The hashes in parallel; the table filled in item order (the first item of a key wins).
        let n = keys.len().min(items.len()).min(u32::MAX as usize);
        let hashes: Vec<u64> = (0..n).into_par_iter().map(|i| keys.hash(i)).collect();
        let hash = |j: &u32| hashes.get(*j as usize).copied().unwrap_or(0);
        let mut by_code = hashbrown::HashTable::with_capacity(n);
        let mut first = vec![false; n];
        let mut codeless = FxHashMap::default();
        for (i, &h) in hashes.iter().enumerate() {
            if keys.code_is_empty(i) {
                if let Some(item) = items.get(i) {
                    codeless
                        .entry(item.jurisdiction.clone())
                        .and_modify(|one: &mut Option<usize>| *one = None)
                        .or_insert(Some(i));
                }
                continue;
            }
            let entry = by_code.entry(h, |j: &u32| keys.same(*j as usize, i), hash);
            if let hashbrown::hash_table::Entry::Vacant(v) = entry {
                v.insert(i as u32);
                if let Some(f) = first.get_mut(i) {
                    *f = true;
                }
            }
        }
        let by_name = std::sync::OnceLock::new();
        ItemIndex { items, keys, first, by_code, codeless, by_name }
    }

    fn by_name(&self) -> &FxHashMap<Str, FxHashMap<Str, usize>> {
        self.by_name.get_or_init(|| {
            let mut by_name: FxHashMap<Str, FxHashMap<Str, usize>> = FxHashMap::default();
            for (i, item) in self.items.iter().enumerate() {
                if !item.name.norm.is_empty() {
                    by_name
                        .entry(item.jurisdiction.clone())
                        .or_default()
                        .entry(item.name.norm.clone())
                        .or_insert(i);
                }
            }
            by_name
        })
    }

    /// The item after `prev` when it is the one `find` gives for (`jurisdiction`, `code`) (both
    /// in normal form, the code not empty): steps and materials usually come in the order of
    /// their items, so most keys are found without hashing.
    pub(crate) fn next_after(&self, prev: u32, jurisdiction: &str, code: &str) -> Option<u32> {
        let next = prev.checked_add(1)?;
        let first = self.first.get(next as usize).copied().unwrap_or(false);
        (first && self.keys.is(next as usize, jurisdiction, code)).then_some(next)
    }

    pub(crate) fn find(&self, key: &ItemKey) -> Option<usize> {
        if !key.code.is_empty() {
            let hash = ItemKeys::hash_of(&key.jurisdiction, &key.code);
            let same = |j: &u32| self.keys.is(*j as usize, &key.jurisdiction, &key.code);
            if let Some(&i) = self.by_code.find(hash, same) {
                return Some(i as usize);
            }
        }
        match key.name.as_deref() {
            Some(name) => self.by_name().get(&*key.jurisdiction).and_then(|m| m.get(name)).copied(),
            None if key.code.is_empty() => self.codeless.get(&*key.jurisdiction).copied().flatten(),
            None => None,
        }
    }
}

/// The jurisdictions of the dataset, sorted by code: those listed in jurisdictions.csv, plus
/// those items name that it lacks (level inferred from the code). Parent cycles are reported.
/// A collector for diagnostics that cannot arise (no jurisdictions table: nothing to report on).
fn spare_diags() -> Diags {
    Diags::new("jurisdictions".into())
}

fn settle_jurisdictions(
    rows: Option<Vec<JurisdictionRow>>,
    items: &[Item],
    opts: &LoadOptions,
    diags: &mut Diags,
    item_diags: &mut Diags,
) -> Vec<Jurisdiction> {
    let listed = rows.is_some();
    let forced_code = opts.jurisdiction.as_deref().map(str::trim);
    let mut map: BTreeMap<Str, Jurisdiction> = BTreeMap::new();
    for row in rows.unwrap_or_default() {
        let level = row
            .level
            .or_else(|| Level::from_division_code(&row.code))
            .or(opts.level.filter(|_| forced_code == Some(&*row.code)))
            .unwrap_or_else(|| {
                diags.push_at(
                    None,
                    Some("层级".into()),
                    Some(row.code.to_string()),
                    Msg::UnknownLevel,
                );
                Level::County
            });
        map.insert(
            row.code.clone(),
            Jurisdiction { code: row.code, name: row.name, level, parent: row.parent },
        );
    }
    let mut added: Vec<Str> = Vec::new();
    let mut previous: Option<&Str> = None;
    for item in items {
        // Items come grouped by jurisdiction: skip the lookup while it stays the same.
        if previous.is_some_and(|p| std::sync::Arc::ptr_eq(p, &item.jurisdiction)) {
            continue;
        }
        previous = Some(&item.jurisdiction);
        if map.contains_key(&item.jurisdiction) {
            continue;
        }
        let code = item.jurisdiction.clone();
        let level = if forced_code == Some(&*code) { opts.level } else { None }
            .or_else(|| Level::from_division_code(&code))
            .unwrap_or_else(|| {
                item_diags.push_at(
                    Some(item.line),
                    Some("区划代码".into()),
                    Some(code.to_string()),
                    Msg::NotADivisionCode,
                );
                Level::County
            });
        if listed {
            item_diags.push_at(
                Some(item.line),
                Some("区划代码".into()),
                Some(code.to_string()),
                Msg::JurisdictionNotListed,
            );
        }
        added.push(code.clone());
        map.insert(code.clone(), Jurisdiction { code, name: "".into(), level, parent: None });
    }
    // `--level` names the level of the one list under review.
    if let (Some(level), Some(code)) = (opts.level, forced_code) {
        if let Some(j) = map.get_mut(code) {
            j.level = level;
        }
    } else if let (Some(level), 1) = (opts.level, map.len()) {
        if let Some(j) = map.values_mut().next() {
            j.level = level;
        }
    }
    // Parents of inferred jurisdictions: the nearest enclosing code present in the dataset.
    for code in &added {
        let parent = enclosing_codes(code).into_iter().find(|p| map.contains_key(p.as_str()));
        if let (Some(parent), Some(j)) = (parent, map.get_mut(code)) {
            j.parent = Some(parent.into());
        }
    }
    report_cycles(&map, diags);
    map.into_values().collect()
}

/// The codes that may enclose a division code, nearest first (town → county → city → region).
fn enclosing_codes(code: &str) -> Vec<String> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let six = match code.len() {
        9 => code.get(..6).unwrap_or(""),
        6 => code,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    if code.len() == 9 {
        out.push(six.to_string());
    }
    let city = format!("{}00", six.get(..4).unwrap_or(""));
    let region = format!("{}0000", six.get(..2).unwrap_or(""));
    for c in [city, region] {
        if c != code && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Reports each cycle of 上级区划代码 once (named by its members, smallest code first).
fn report_cycles(map: &BTreeMap<Str, Jurisdiction>, diags: &mut Diags) {
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state: FxHashMap<&str, u8> = FxHashMap::default();
    for start in map.keys() {
        if state.get(&**start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut path: Vec<&str> = Vec::new();
        let mut cur: Option<&str> = Some(start);
        while let Some(code) = cur {
            match state.get(code).copied().unwrap_or(0) {
                2 => break,
                1 => {
                    let pos = path.iter().position(|c| *c == code).unwrap_or(0);
                    let mut cycle: Vec<&str> = path.get(pos..).unwrap_or_default().to_vec();
                    let min = cycle.iter().enumerate().min_by_key(|(_, c)| **c).map(|(i, _)| i);
                    cycle.rotate_left(min.unwrap_or(0));
                    let first = cycle.first().copied().unwrap_or("");
                    let text = format!("{} → {first}", cycle.join(" → "));
                    diags.push_at(None, Some("上级区划代码".into()), Some(text), Msg::ParentCycle);
                    break;
                }
                _ => {}
            }
            state.insert(code, 1);
            path.push(code);
            cur = map.get(code).and_then(|j| j.parent.as_deref()).filter(|p| map.contains_key(*p));
        }
        for c in path {
            state.insert(c, 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jur(code: &str, parent: Option<&str>) -> Jurisdiction {
        Jurisdiction {
            code: code.into(),
            name: "".into(),
            level: Level::County,
            parent: parent.map(Str::from),
        }
    }

    #[test]
    fn a_parent_cycle_is_reported_once_and_does_not_hang() {
        let mut map = BTreeMap::new();
        for j in [
            jur("450102", Some("450103")),
            jur("450103", Some("450104")),
            jur("450104", Some("450102")),
            jur("450105", Some("450102")),
            jur("450106", Some("450106")),
        ] {
            map.insert(j.code.clone(), j);
        }
        let mut d = Diags::new("jurisdictions.csv".into());
        report_cycles(&map, &mut d);
        let list = d.finish();
        assert_eq!(list.len(), 2, "{list:?}");
        assert_eq!(list[0].text.as_deref(), Some("450102 → 450103 → 450104 → 450102"));
        assert_eq!(list[1].text.as_deref(), Some("450106 → 450106"));
    }

    #[test]
    fn enclosing_codes_nearest_first() {
        assert_eq!(enclosing_codes("450102001"), vec!["450102", "450100", "450000"]);
        assert_eq!(enclosing_codes("450102"), vec!["450100", "450000"]);
        assert_eq!(enclosing_codes("450100"), vec!["450000"]);
        assert!(enclosing_codes("X1").is_empty());
    }
}
