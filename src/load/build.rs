//! Typing rows into model values. Every distinct raw string is stored once (interned as an
//! `Arc<str>`) and parsed once: a province repeats the same basis, limits and names across a
//! thousand jurisdictions, so the caches here turn millions of parses into thousands.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::columns::{Col, Columns, HeaderMap, Table};
use super::diag::{Diags, Msg};
use super::read::{Row, Visitor};
use super::{ItemIndex, LoadOptions};
use crate::model::{
    Basis, Category, Code, Count, Element, Fee, Flag, Intermediaries, Item, ItemBody, Kind, Level,
    Levels, Material, MaterialBody, Name, Step, StepBody, Str, TimeLimit,
};

/// Parses a value once per distinct raw string.
fn cached<T: Clone>(map: &mut FxHashMap<Str, T>, raw: &str, parse: impl FnOnce(Str) -> T) -> T {
    if let Some(v) = map.get(raw) {
        return v.clone();
    }
    let s: Str = raw.into();
    let v = parse(s.clone());
    map.insert(s, v.clone());
    v
}

/// The per-file interner and parse caches.
#[derive(Default)]
pub(crate) struct Cache {
    strs: FxHashSet<Str>,
    names: FxHashMap<Str, Arc<Name>>,
    codes: FxHashMap<Str, Arc<Code>>,
    limits: FxHashMap<Str, Arc<TimeLimit>>,
    fees: FxHashMap<Str, Arc<Fee>>,
    bases: FxHashMap<Str, Arc<Basis>>,
    counts: FxHashMap<Str, Arc<Count>>,
    flags: FxHashMap<Str, Arc<Flag>>,
    levels: FxHashMap<Str, Arc<Levels>>,
    inters: FxHashMap<Str, Arc<Intermediaries>>,
    categories: FxHashMap<Str, (Str, Option<Category>)>,
    kinds: FxHashMap<Str, (Str, Option<Kind>)>,
    /// Normalised codes and names of the item a step or material belongs to.
    code_keys: FxHashMap<Str, Str>,
    name_keys: FxHashMap<Str, Str>,
    seqs: FxHashMap<Str, Option<u32>>,
}

impl Cache {
    pub(crate) fn str(&mut self, raw: &str) -> Str {
        if let Some(s) = self.strs.get(raw) {
            return s.clone();
        }
        let s: Str = raw.into();
        self.strs.insert(s.clone());
        s
    }
    fn name(&mut self, raw: &str) -> Arc<Name> {
        cached(&mut self.names, raw, |s| Arc::new(Name::new(s)))
    }
    fn code(&mut self, raw: &str) -> Arc<Code> {
        cached(&mut self.codes, raw, |s| Arc::new(Code::parse(s)))
    }
    fn limit(&mut self, raw: &str) -> Arc<TimeLimit> {
        cached(&mut self.limits, raw, |s| Arc::new(TimeLimit::parse(s)))
    }
    fn fee(&mut self, raw: &str) -> Arc<Fee> {
        cached(&mut self.fees, raw, |s| Arc::new(Fee::parse(s)))
    }
    fn basis(&mut self, raw: &str) -> Arc<Basis> {
        cached(&mut self.bases, raw, |s| Arc::new(Basis::parse(s)))
    }
    fn count(&mut self, raw: &str) -> Arc<Count> {
        cached(&mut self.counts, raw, |s| Arc::new(Count::parse(s)))
    }
    fn flag(&mut self, raw: &str) -> Arc<Flag> {
        cached(&mut self.flags, raw, |s| Arc::new(Flag::parse(s)))
    }
    fn levels(&mut self, raw: &str) -> Arc<Levels> {
        cached(&mut self.levels, raw, |s| Arc::new(Levels::parse(s)))
    }
    fn inters(&mut self, raw: &str) -> Arc<Intermediaries> {
        cached(&mut self.inters, raw, |s| Arc::new(Intermediaries::parse(s)))
    }
    fn category(&mut self, raw: &str) -> (Str, Option<Category>) {
        cached(&mut self.categories, raw, |s| {
            let c = Category::parse(&s);
            (s, c)
        })
    }
    fn kind(&mut self, raw: &str) -> (Str, Option<Kind>) {
        cached(&mut self.kinds, raw, |s| {
            let k = Kind::parse(&s);
            (s, k)
        })
    }
    fn code_key(&mut self, raw: &str) -> Str {
        cached(&mut self.code_keys, raw, |s| Code::parse(s).norm)
    }
    fn name_key(&mut self, raw: &str) -> Str {
        cached(&mut self.name_keys, raw, |s| Name::new(s).norm)
    }
    fn seq(&mut self, raw: &str) -> Option<u32> {
        cached(&mut self.seqs, raw, |s| parse_seq(&s))
    }
}

/// What the visitors share: the mapping, the options and the caches.
struct Typer<'a> {
    columns: &'a Columns,
    table: Table,
    fill_jurisdiction: Option<Str>,
    map: Option<HeaderMap>,
    cache: Cache,
    /// The columns that join a step or material row to its item (区划代码, 事项编码, 事项名称).
    key_cols: Vec<usize>,
    /// The columns a step or material row's own fields are read from.
    own_cols: Vec<usize>,
    /// The first and last of `key_cols` and of `own_cols`, when they are side by side in order:
    /// then a line's bytes from one to the other stand for those cells (see [`Row::span`]).
    key_span: Option<(usize, usize)>,
    own_span: Option<(usize, usize)>,
}

/// The first and last of `cols` when they are consecutive and in order.
fn side_by_side(cols: &[usize]) -> Option<(usize, usize)> {
    let first = *cols.first()?;
    let consecutive = cols.iter().enumerate().all(|(k, &c)| c == first + k);
    consecutive.then(|| (first, first + cols.len() - 1))
}

impl<'a> Typer<'a> {
    fn new(columns: &'a Columns, table: Table, opts: &LoadOptions) -> Typer<'a> {
        let fill_jurisdiction =
            opts.jurisdiction.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(Str::from);
        Typer {
            columns,
            table,
            fill_jurisdiction,
            map: None,
            cache: Cache::default(),
            key_cols: Vec::new(),
            own_cols: Vec::new(),
            key_span: None,
            own_span: None,
        }
    }

    /// How many columns of `header` name a field of this table.
    fn score(&self, header: &[String]) -> usize {
        let map = self.columns.map_header(self.table, header);
        map.index.iter().filter(|i| i.is_some()).count() + map.composites.len()
    }

    /// Maps the header and reports missing required columns. `needs` lists alternatives: at
    /// least one column of each inner slice must be present.
    fn header(&mut self, header: &[String], needs: &[&[(Col, &str)]], diags: &mut Diags) -> bool {
        let map = self.columns.map_header(self.table, header);
        let mut ok = true;
        for alternatives in needs {
            if !alternatives.iter().any(|(c, _)| map.has(*c)) {
                let names: Vec<&str> = alternatives.iter().map(|(_, n)| *n).collect();
                diags.push_at(
                    Some(1),
                    Some(names.join(" / ")),
                    Some(header.join(",")),
                    Msg::MissingColumn,
                );
                ok = false;
            }
        }
        self.key_cols = [Col::Jurisdiction, Col::Code, Col::ItemName]
            .iter()
            .filter_map(|c| map.get(*c))
            .collect();
        let own = own_fields(self.table);
        self.own_cols = own.iter().filter_map(|c| map.get(*c)).collect();
        for c in map.composites.iter().filter(|c| own.contains(&c.col)) {
            self.own_cols.extend([c.amount, c.unit]);
        }
        self.key_span = side_by_side(&self.key_cols);
        self.own_span = side_by_side(&self.own_cols);
        self.map = Some(map);
        ok
    }

    /// The 区划代码 of a row: its cell, else `--jurisdiction`.
    fn jurisdiction(&mut self, row: &Row<'_>) -> Option<Str> {
        let raw = raw_in(&self.map, row, Col::Jurisdiction).trim();
        if raw.is_empty() {
            return self.fill_jurisdiction.clone();
        }
        Some(self.cache.str(&division_code(raw)))
    }

    /// A time limit from its column, or from a composite (amount + unit code) when the column is
    /// absent or empty.
    fn limit(&mut self, row: &Row<'_>, col: Col) -> Arc<TimeLimit> {
        let direct = raw_in(&self.map, row, col);
        if !direct.trim().is_empty() {
            return self.cache.limit(direct);
        }
        let composite = self.map.as_ref().and_then(|m| m.composites.iter().find(|c| c.col == col));
        match composite {
            Some(c) => {
                let text = c.compose(row.get(c.amount), row.get(c.unit));
                self.cache.limit(&text)
            }
            None => self.cache.limit(direct),
        }
    }
}

/// Reads the text of `col` of `row` through the typer and applies a cache method.
macro_rules! field {
    ($t:expr, $row:expr, $col:expr, $method:ident) => {{
        // Field-level borrows: the mapping is read while the cache is written.
        let raw = raw_in(&$t.map, $row, $col);
        $t.cache.$method(raw)
    }};
}

/// The raw text of a field (coded values translated), or "" when the column is absent.
fn raw_in<'r>(map: &'r Option<HeaderMap>, row: &'r Row<'_>, col: Col) -> &'r str {
    let Some(map) = map else { return "" };
    let Some(i) = map.get(col) else { return "" };
    let raw = row.get(i);
    if let Some(Some(values)) = map.values.get(i) {
        if let Some(v) = values.get(raw.trim()) {
            return v;
        }
    }
    raw
}

// ---------------------------------------------------------------------------------------------
// Items

/// The (区划代码, 事项编码) of items, one after the other in one buffer: read in item order when
/// steps and materials are joined, they stay in the cache where the items' own values (shared
/// objects all over memory) would not.
#[derive(Default)]
pub(crate) struct ItemKeys {
    bytes: Vec<u8>,
    /// Where each item's key ends in `bytes`.
    ends: Vec<usize>,
    /// (item, record id, version) of the items whose row gives a record id (a version chain's
    /// rows; see `rules/columns.toml` record-id), in item order.
    pub(crate) versions: Vec<(usize, Str, Str)>,
}

/// Between the 区划代码 and the 事项编码 of a key: a byte no UTF-8 text holds.
const KEY_SEPARATOR: u8 = 0xFF;

impl ItemKeys {
    fn push(&mut self, jurisdiction: &str, code: &str) {
        self.bytes.extend_from_slice(jurisdiction.as_bytes());
        self.bytes.push(KEY_SEPARATOR);
        self.bytes.extend_from_slice(code.as_bytes());
        self.ends.push(self.bytes.len());
    }

    /// Moves the keys of `other` (the items after these) to the end.
    pub(crate) fn append(&mut self, other: &mut ItemKeys) {
        let base = self.bytes.len();
        let items = self.ends.len();
        self.bytes.append(&mut other.bytes);
        self.ends.extend(other.ends.drain(..).map(|e| e + base));
        self.versions.extend(other.versions.drain(..).map(|(i, r, v)| (i + items, r, v)));
    }

    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.versions.clear();
    }

    /// Keeps the keys of the items `keep` says to keep (one flag per item), in order.
    pub(crate) fn retain(&mut self, keep: &[bool]) {
        let mut kept = ItemKeys::default();
        for (i, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            if let Some(key) = self.get(i) {
                kept.bytes.extend_from_slice(key);
                kept.ends.push(kept.bytes.len());
            }
        }
        *self = kept;
    }

    /// The key of item `i`, as written by `push`.
    fn get(&self, i: usize) -> Option<&[u8]> {
        let start = match i.checked_sub(1) {
            Some(p) => *self.ends.get(p)?,
            None => 0,
        };
        self.bytes.get(start..*self.ends.get(i)?)
    }

    /// How many items have a key here.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The hash of item `i`'s key (what [`ItemKeys::hash_of`] gives for its parts).
    pub(crate) fn hash(&self, i: usize) -> u64 {
        let key = self.get(i).unwrap_or_default();
        let cut = memchr::memchr(KEY_SEPARATOR, key).unwrap_or(key.len());
        let code = key.get(cut + 1..).unwrap_or_default();
        hash_parts(key.get(..cut).unwrap_or_default(), code)
    }

    /// The hash of the key (`jurisdiction`, `code`).
    pub(crate) fn hash_of(jurisdiction: &str, code: &str) -> u64 {
        hash_parts(jurisdiction.as_bytes(), code.as_bytes())
    }

    /// True when items `i` and `j` have the same key.
    pub(crate) fn same(&self, i: usize, j: usize) -> bool {
        self.get(i).is_some() && self.get(i) == self.get(j)
    }

    /// True when item `i` has no 事项编码.
    pub(crate) fn code_is_empty(&self, i: usize) -> bool {
        self.get(i).is_some_and(|key| key.last() == Some(&KEY_SEPARATOR))
    }

    /// True when item `i` has this key.
    pub(crate) fn is(&self, i: usize, jurisdiction: &str, code: &str) -> bool {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(usize::MAX),
            None => 0,
        };
        let Some(key) = self.ends.get(i).and_then(|&end| self.bytes.get(start..end)) else {
            return false;
        };
        let j = jurisdiction.len();
        key.len() == j + 1 + code.len()
            && key.get(..j) == Some(jurisdiction.as_bytes())
            && key.get(j) == Some(&KEY_SEPARATOR)
            && key.get(j + 1..) == Some(code.as_bytes())
    }
}

/// An item's code, name and body, as typed from their cells.
type Known = (Arc<Code>, Arc<Name>, Arc<ItemBody>);

/// Values typed from one set of cells, the cells (as [`body_key_into`] writes them), and the
/// prototype that followed it last.
struct Proto<K> {
    key: Box<[u8]>,
    known: K,
    next: Option<u32>,
}

/// Values typed from a row's cells, remembered by those cells: the same standard item recurs in
/// every county, and one lookup of the row replaces one per field. The row after one typed like
/// prototype P is first compared in place with the prototype that followed P last time (counties
/// list the standard items in the same order: 87% of the province's item rows); only when that
/// fails are its cells copied and looked up. (Steps and materials are not foretold as well: there
/// it cost more than it saved.)
pub(crate) struct Protos<K> {
    by_key: FxHashMap<Box<[u8]>, u32>,
    list: Vec<Proto<K>>,
    last: Option<u32>,
    scratch: Vec<u8>,
}

impl<K> Default for Protos<K> {
    fn default() -> Self {
        Protos { by_key: FxHashMap::default(), list: Vec::new(), last: None, scratch: Vec::new() }
    }
}

impl<K: Clone> Protos<K> {
    /// The values of `row`'s cells `cols` (with `runs`, their runs of neighbouring columns),
    /// typed by `make` when these cells were not seen before.
    fn get(
        &mut self,
        row: &Row<'_>,
        cols: &[usize],
        runs: &[(usize, usize)],
        make: impl FnOnce() -> K,
    ) -> K {
        let predicted = self.last.and_then(|p| self.list.get(p as usize)?.next);
        if let Some(n) = predicted {
            if let Some(p) = self.list.get(n as usize) {
                if body_key_equal(&p.key, row, cols, runs) {
                    self.last = Some(n);
                    return p.known.clone();
                }
            }
        }
        body_key_into(&mut self.scratch, row, cols, runs);
        let (found, known) = match self.by_key.get(self.scratch.as_slice()) {
            Some(&i) => match self.list.get(i as usize) {
                Some(p) => (i, p.known.clone()),
                None => (i, make()),
            },
            None => {
                let known = make();
                match u32::try_from(self.list.len()) {
                    Ok(i) if self.list.len() < MAX_PROTOS => {
                        let key: Box<[u8]> = self.scratch.as_slice().into();
                        self.by_key.insert(key.clone(), i);
                        self.list.push(Proto { key, known: known.clone(), next: None });
                        (i, known)
                    }
                    _ => {
                        self.last = None;
                        return known;
                    }
                }
            }
        };
        if let Some(prev) = self.last.and_then(|p| self.list.get_mut(p as usize)) {
            prev.next = Some(found);
        }
        self.last = Some(found);
        known
    }
}

/// The runs of consecutive columns among `cols`, as (first, last), in column order.
fn runs_of(cols: &[usize]) -> Vec<(usize, usize)> {
    let mut sorted = cols.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for c in sorted {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == c => *last = c,
            _ => runs.push((c, c)),
        }
    }
    runs
}

/// Writes bytes into `buf` that two rows write alike exactly when their cells `cols` are equal:
/// when the row is a line of text, the line's bytes across each run of consecutive columns of
/// `runs` (each preceded by its length), else each cell (see [`cells_into`]); a first byte tells
/// the two forms apart.
fn body_key_into(buf: &mut Vec<u8>, row: &Row<'_>, cols: &[usize], runs: &[(usize, usize)]) {
    // A row longer than the longest cell kept is keyed by its cells as they are typed (cut):
    // a 200 MB cell is not copied into the key.
    if matches!(row, Row::Text(..)) && !row.is_long() {
        buf.clear();
        buf.push(0);
        chunks_into(buf, runs.iter().map(|&(a, b)| row.span(a, b).unwrap_or_default()));
    } else {
        cells_into(buf, row, cols);
        buf.insert(0, 1);
    }
}

/// True when `buf` is what [`body_key_into`] writes for `row` (compared in place).
fn body_key_equal(buf: &[u8], row: &Row<'_>, cols: &[usize], runs: &[(usize, usize)]) -> bool {
    let rest = buf.get(1..).unwrap_or_default();
    match (row, buf.first()) {
        (Row::Text(..), Some(0)) if !row.is_long() => {
            chunks_equal(rest, runs.iter().map(|&(a, b)| row.span(a, b).unwrap_or_default()))
        }
        (Row::Text(..), Some(1)) if row.is_long() => cells_equal(rest, row, cols),
        (Row::Text(..), _) => false,
        (_, Some(1)) => cells_equal(rest, row, cols),
        _ => false,
    }
}

/// The hash of a key from its two parts (hashed apart: the same whether they come from a row or
/// from [`ItemKeys`]).
fn hash_parts(jurisdiction: &[u8], code: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    jurisdiction.hash(&mut h);
    code.hash(&mut h);
    h.finish()
}

/// Types items.csv rows into `Item`s (steps and materials are joined later).
pub(crate) struct ItemsVisitor<'a> {
    t: Typer<'a>,
    pub(crate) items: Vec<Item>,
    /// The key of each item of `items`.
    pub(crate) keys: ItemKeys,
    /// Item codes, names and bodies by their cells.
    bodies: Protos<Known>,
    /// The columns of those cells: 事项编码, 事项名称 and the body's; and the runs of consecutive
    /// columns among them.
    body_cols: Vec<usize>,
    body_runs: Vec<(usize, usize)>,

    /// The 区划代码 cell of the previous row and what it gave (rows of one jurisdiction come
    /// together).
    last_jurisdiction: (Vec<u8>, Option<Str>),
    /// Category elements read, by (element, cell): a 处罚种类 recurs in every county.
    elements: FxHashMap<(usize, Str), Element>,
}

impl<'a> ItemsVisitor<'a> {
    /// Header names that map to no field.
    pub(crate) fn ignored(&self) -> Vec<String> {
        self.t.map.as_ref().map(|m| m.ignored.clone()).unwrap_or_default()
    }

    pub(crate) fn new(columns: &'a Columns, opts: &LoadOptions) -> Self {
        ItemsVisitor {
            t: Typer::new(columns, Table::Items, opts),
            items: Vec::new(),
            keys: ItemKeys::default(),
            bodies: Protos::default(),
            body_cols: Vec::new(),
            body_runs: Vec::new(),
            last_jurisdiction: (Vec::new(), None),
            elements: FxHashMap::default(),
        }
    }
}

impl Visitor for ItemsVisitor<'_> {
    fn header_score(&self, header: &[String]) -> usize {
        self.t.score(header)
    }

    fn header(&mut self, header: &[String], diags: &mut Diags) -> bool {
        let mut needs: Vec<&[(Col, &str)]> =
            vec![&[(Col::Name, "事项名称"), (Col::Code, "事项编码")]];
        if self.t.fill_jurisdiction.is_none() {
            needs.push(&[(Col::Jurisdiction, "区划代码")]);
        }
        let ok = self.t.header(header, &needs, diags);
        let map = self.t.map.as_ref();
        self.body_cols = [Col::Code, Col::Name].iter().filter_map(|c| map?.get(*c)).collect();
        self.body_cols.extend_from_slice(&self.t.own_cols);
        self.body_runs = runs_of(&self.body_cols);
        ok
    }

    fn row(&mut self, line: u64, row: &Row<'_>, diags: &mut Diags) -> bool {
        let t = &mut self.t;
        let jurisdiction_cell = t.map.as_ref().and_then(|m| m.get(Col::Jurisdiction));
        let cell = jurisdiction_cell.map(|i| row.bytes(i)).unwrap_or_default();
        let last = &mut self.last_jurisdiction;
        if last.1.is_none() || last.0 != cell {
            last.0.clear();
            last.0.extend_from_slice(cell);
            last.1 = t.jurisdiction(row);
        }
        let Some(jurisdiction) = last.1.clone() else {
            diags.push_at(
                Some(line),
                Some("区划代码".into()),
                Some(row_text(t, row)),
                Msg::NoJurisdiction,
            );
            return false;
        };
        let (code, name, body) = self.bodies.get(row, &self.body_cols, &self.body_runs, || {
            let code = field!(t, row, Col::Code, code);
            let name = field!(t, row, Col::Name, name);
            (code, name, Arc::new(read_body(t, row)))
        });
        if code.is_empty() && name.is_empty() {
            diags.push_at(
                Some(line),
                Some("事项名称".into()),
                Some(row_text(t, row)),
                Msg::NoNameNoCode,
            );
            return false;
        }
        let handling = raw_in(&t.map, row, Col::HandlingCode);
        let impl_raw = if handling.trim().is_empty() {
            raw_in(&t.map, row, Col::ImplementationCode)
        } else {
            handling
        };
        // Implementation codes are unique per row (they embed the body's credit code): caching
        // them would only copy each one into the cache.
        let implementation_code =
            if impl_raw.trim().is_empty() { None } else { Some(Code::parse(impl_raw.into())) };
        let department = field!(t, row, Col::Department, name);
        let elements = match t.map.as_ref() {
            Some(map) if !map.elements.is_empty() => {
                let categories = &t.columns.categories;
                let mut out = Vec::with_capacity(map.elements.len());
                for &(col, e) in &map.elements {
                    let raw = row.get(col).trim();
                    let key = (e, t.cache.str(raw));
                    let el = self.elements.entry(key).or_insert_with_key(|(e, raw)| {
                        let def = &categories.elements[*e];
                        Element {
                            name: def.name.clone(),
                            raw: raw.clone(),
                            value: def.parse(raw).into(),
                            line: 0,
                        }
                    });
                    out.push(el.clone());
                }
                out
            }
            _ => Vec::new(),
        };
        let item = Item {
            jurisdiction,
            code,
            implementation_code,
            name,
            department,
            body,
            steps: Vec::new(),
            materials: Vec::new(),
            elements,
            line,
        };
        if let Some(record) = t.map.as_ref().and_then(|m| m.get(Col::RecordId)) {
            let record = row.get(record).trim();
            if !record.is_empty() {
                let version = raw_in(&t.map, row, Col::Version).trim();
                self.keys.versions.push((self.keys.len(), record.into(), version.into()));
            }
        }
        self.keys.push(&item.jurisdiction, &item.code.norm);
        self.items.push(item);
        true
    }
}

/// The fields of an item row that do not name the item or its implementer: the same in every
/// jurisdiction implementing a standard item, so read once per distinct combination.
fn read_body(t: &mut Typer<'_>, row: &Row<'_>) -> ItemBody {
    let (category_raw, category) = field!(t, row, Col::Category, category);
    let (kind_raw, kind) = field!(t, row, Col::Kind, kind);
    ItemBody {
        category_raw,
        category,
        levels: field!(t, row, Col::Levels, levels),
        basis: field!(t, row, Col::Basis, basis),
        statutory_limit: t.limit(row, Col::StatutoryLimit),
        committed_limit: t.limit(row, Col::CommittedLimit),
        charged: field!(t, row, Col::Charged, flag),
        fee: field!(t, row, Col::Fee, fee),
        fee_basis: field!(t, row, Col::FeeBasis, str),
        visits: field!(t, row, Col::Visits, count),
        intermediaries: field!(t, row, Col::Intermediaries, inters),
        kind_raw,
        kind,
        statutory_note: field!(t, row, Col::StatutoryNote, str),
        committed_note: field!(t, row, Col::CommittedNote, str),
    }
}

fn row_text(t: &Typer<'_>, row: &Row<'_>) -> String {
    let n = t.map.as_ref().map(|m| m.names.len()).unwrap_or(0);
    (0..n).map(|i| row.get(i)).collect::<Vec<_>>().join(",")
}

// ---------------------------------------------------------------------------------------------
// Steps and materials

/// Which item a step or material row belongs to.
#[derive(Debug, Clone)]
pub(crate) struct ItemKey {
    pub(crate) jurisdiction: Str,
    /// Normalised 事项编码 (empty when not given).
    pub(crate) code: Str,
    /// Normalised 事项名称, used when the code is empty. With neither, the row belongs to the
    /// jurisdiction's one item without a code, if it has exactly one.
    pub(crate) name: Option<Str>,
}

impl ItemKey {
    /// For diagnostics: `区划代码/事项编码`.
    pub(crate) fn describe(&self) -> String {
        match (&self.name, self.code.is_empty()) {
            (Some(n), true) => format!("{}/{}", self.jurisdiction, n),
            (None, true) => format!("{}/（无事项编码）", self.jurisdiction),
            _ => format!("{}/{}", self.jurisdiction, self.code),
        }
    }
}

/// The rows of steps.csv or materials.csv typed by one visitor since it was last drained, in
/// file order, and the runs of consecutive rows that belong to one item (the rows of an item are
/// usually together, so there are about as many runs as items, not as rows).
pub(crate) struct Children<T> {
    pub(crate) rows: Vec<T>,
    /// (item index, how many rows), covering `rows` in order.
    pub(crate) runs: Vec<(u32, u32)>,
}

impl<T> Children<T> {
    fn new() -> Self {
        Children { rows: Vec::new(), runs: Vec::new() }
    }

    fn push(&mut self, item: u32, row: T) {
        match self.runs.last_mut() {
            Some((i, n)) if *i == item && *n < u32::MAX => *n += 1,
            _ => self.runs.push((item, 1)),
        }
        self.rows.push(row);
    }

    /// Takes what was typed, leaving room for as much again.
    pub(crate) fn take(&mut self) -> Children<T> {
        let rows = Vec::with_capacity(self.rows.len());
        let runs = Vec::with_capacity(self.runs.len());
        Children {
            rows: std::mem::replace(&mut self.rows, rows),
            runs: std::mem::replace(&mut self.runs, runs),
        }
    }
}

/// What the key cells of a step or material row lead to.
enum Target {
    /// The item at this index.
    Item(u32),
    /// No item: the key, described for the diagnostic of each such row.
    Missing(String),
}

/// The raw key cells of the previous step or material row and where they led: the rows of one
/// item are usually adjacent, so most rows reuse the previous key without any hashing.
#[derive(Default)]
struct KeyMemo {
    /// The key cells of the previous row, as [`key_into`] writes them.
    raw: Vec<u8>,
    target: Option<Target>,
    /// The item the last found key led to.
    last: Option<u32>,
}

/// Writes bytes into `buf` that two rows write alike exactly when their cells `cols` are equal:
/// the line's bytes across them when it is a line of text and they are side by side (`span`),
/// else each cell preceded by its length; a first byte tells the two forms apart.
fn key_into(buf: &mut Vec<u8>, row: &Row<'_>, cols: &[usize], span: Option<(usize, usize)>) {
    if let Some(bytes) = span.filter(|_| !row.is_long()).and_then(|(a, b)| row.span(a, b)) {
        buf.clear();
        buf.push(0);
        buf.extend_from_slice(bytes);
    } else {
        cells_into(buf, row, cols);
        buf.insert(0, 1);
    }
}

/// True when `buf` is what [`key_into`] writes for `row` (compared in place, nothing copied).
fn key_equal(buf: &[u8], row: &Row<'_>, cols: &[usize], span: Option<(usize, usize)>) -> bool {
    if let Some(bytes) = span.filter(|_| !row.is_long()).and_then(|(a, b)| row.span(a, b)) {
        return buf.first() == Some(&0) && buf.get(1..) == Some(bytes);
    }
    buf.first() == Some(&1) && cells_equal(buf.get(1..).unwrap_or_default(), row, cols)
}

/// True when `buf` is what [`cells_into`] writes for `row` (compared in place, nothing copied).
fn cells_equal(buf: &[u8], row: &Row<'_>, cols: &[usize]) -> bool {
    chunks_equal(buf, cols.iter().map(|&i| row.key_bytes(i)))
}

/// True when `buf` is what [`chunks_into`] writes for `chunks`.
fn chunks_equal<'a>(buf: &[u8], chunks: impl Iterator<Item = &'a [u8]>) -> bool {
    let mut at = 0;
    for chunk in chunks {
        let len = (chunk.len() as u64).to_le_bytes();
        let Some(end) = (at + len.len()).checked_add(chunk.len()) else { return false };
        if buf.get(at..at + len.len()) != Some(&len[..])
            || buf.get(at + len.len()..end) != Some(chunk)
        {
            return false;
        }
        at = end;
    }
    at == buf.len()
}

/// Appends each chunk to `buf` preceded by its length, so that two sequences of chunks write the
/// same bytes exactly when they are equal.
fn chunks_into<'a>(buf: &mut Vec<u8>, chunks: impl Iterator<Item = &'a [u8]>) {
    for chunk in chunks {
        buf.extend_from_slice(&(chunk.len() as u64).to_le_bytes());
        buf.extend_from_slice(chunk);
    }
}

/// Writes the bytes of the cells `cols` of `row` into `buf`, each preceded by its length, so that
/// two rows write the same bytes exactly when those cells are equal.
fn cells_into(buf: &mut Vec<u8>, row: &Row<'_>, cols: &[usize]) {
    buf.clear();
    chunks_into(buf, cols.iter().map(|&i| row.key_bytes(i)));
}

/// The index of the item a step or material row belongs to; `None` (reported) when the row has
/// no jurisdiction or no such item exists.
fn row_item(
    t: &mut Typer<'_>,
    memo: &mut KeyMemo,
    index: &ItemIndex<'_>,
    row: &Row<'_>,
    line: u64,
    diags: &mut Diags,
) -> Option<u32> {
    if memo.target.is_none() || !key_equal(&memo.raw, row, &t.key_cols, t.key_span) {
        key_into(&mut memo.raw, row, &t.key_cols, t.key_span);
        memo.target = None;
        if let Some(i) = memo.last.and_then(|prev| next_item(t, index, prev, row)) {
            memo.target = Some(Target::Item(i));
            memo.last = Some(i);
            return Some(i);
        }
        // A row without a jurisdiction is reported (and not remembered: each such row is).
        let key = item_key(t, row, line, diags)?;
        let found = index.find(&key).and_then(|i| u32::try_from(i).ok());
        memo.target = Some(match found {
            Some(i) => {
                memo.last = Some(i);
                Target::Item(i)
            }
            None => Target::Missing(key.describe()),
        });
    }
    match &memo.target {
        Some(Target::Item(i)) => Some(*i),
        Some(Target::Missing(key)) => {
            diags.push_at(Some(line), Some("事项编码".into()), Some(key.clone()), Msg::NoItem);
            None
        }
        None => None,
    }
}

/// The item after `prev`, when the row's 区划代码 (plain digits) and 事项编码 (digits and capital
/// letters) are written in normal form, as they usually are, and name it.
fn next_item(t: &Typer<'_>, index: &ItemIndex<'_>, prev: u32, row: &Row<'_>) -> Option<u32> {
    let jurisdiction = raw_in(&t.map, row, Col::Jurisdiction);
    let code = raw_in(&t.map, row, Col::Code);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let code_like =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    if !digits(jurisdiction) || !code_like(code) {
        return None;
    }
    index.next_after(prev, jurisdiction, code)
}

fn item_key(t: &mut Typer<'_>, row: &Row<'_>, line: u64, diags: &mut Diags) -> Option<ItemKey> {
    let Some(jurisdiction) = t.jurisdiction(row) else {
        diags.push_at(
            Some(line),
            Some("区划代码".into()),
            Some(row_text(t, row)),
            Msg::NoJurisdiction,
        );
        return None;
    };
    let code = field!(t, row, Col::Code, code_key);
    let name = field!(t, row, Col::ItemName, name_key);
    // A row with neither code nor name still joins when its jurisdiction has exactly one item
    // without a code (a list where one item lost its code); see `ItemIndex::find`.
    let name = (!name.is_empty()).then_some(name);
    Some(ItemKey { jurisdiction, code, name })
}

fn key_needs(t: &Typer<'_>) -> Vec<&'static [(Col, &'static str)]> {
    let mut needs: Vec<&'static [(Col, &'static str)]> =
        vec![&[(Col::Code, "事项编码"), (Col::ItemName, "事项名称")]];
    if t.fill_jurisdiction.is_none() {
        needs.push(&[(Col::Jurisdiction, "区划代码")]);
    }
    needs
}

/// The fields of a step or material row besides its key, and those of an item's body.
fn own_fields(table: Table) -> &'static [Col] {
    match table {
        Table::Steps => &[Col::Seq, Col::Step, Col::StepLimit, Col::Stamps],
        Table::Materials => &[Col::Material, Col::Required, Col::Copies, Col::Stamped],
        Table::Elements => &[Col::Element, Col::ElementValue],
        // An item's body (`ItemBody`).
        Table::Items => &[
            Col::Category,
            Col::Levels,
            Col::Basis,
            Col::StatutoryLimit,
            Col::CommittedLimit,
            Col::Charged,
            Col::Fee,
            Col::FeeBasis,
            Col::Visits,
            Col::Intermediaries,
            Col::Kind,
            Col::StatutoryNote,
            Col::CommittedNote,
        ],
        _ => &[],
    }
}

/// A step or material: its body typed once per distinct content, then shared by every row
/// that says the same.
pub(crate) trait Child {
    type Body;
    fn make(body: Arc<Self::Body>, line: u64) -> Self;
    /// Why a row saying `body` is refused (its column and text), if it is.
    fn refused(_body: &Self::Body) -> Option<(&'static str, String, Msg)> {
        None
    }
}

/// One row of elements.csv: the element it names (its index in rules/categories.toml; `None`
/// when it names none), as written, and the value.
#[derive(Debug, Clone)]
pub(crate) struct ElementCell {
    pub(crate) element: Option<usize>,
    pub(crate) name: Str,
    pub(crate) raw: Str,
}

/// An element row joined to its item, with its line.
pub(crate) struct ElementRow {
    pub(crate) cell: Arc<ElementCell>,
    pub(crate) line: u64,
}

impl Child for ElementRow {
    type Body = ElementCell;
    fn make(cell: Arc<ElementCell>, line: u64) -> ElementRow {
        ElementRow { cell, line }
    }
    fn refused(body: &ElementCell) -> Option<(&'static str, String, Msg)> {
        body.element.is_none().then(|| ("要素", body.name.to_string(), Msg::UnknownElement))
    }
}

impl Child for Step {
    type Body = StepBody;
    fn make(body: Arc<StepBody>, line: u64) -> Step {
        Step::new(body, line)
    }
}

impl Child for Material {
    type Body = MaterialBody;
    fn make(body: Arc<MaterialBody>, line: u64) -> Material {
        Material::new(body, line)
    }
}

/// The most distinct step or material contents remembered per piece of a file: a province has
/// tens of thousands; a file whose rows are all different only stops being remembered.
const MAX_PROTOS: usize = 1 << 18;

/// Types the rows of a table that hangs off items (steps.csv, materials.csv): the key that joins a
/// row to its item is read the same way for both; only the typing of the rest differs.
pub(crate) struct ChildVisitor<'a, T: Child> {
    t: Typer<'a>,
    /// The items the rows join (read before them).
    index: &'a ItemIndex<'a>,
    memo: KeyMemo,
    pub(crate) rows: Children<T>,
    /// Types one row's own fields.
    make: fn(&mut Typer<'a>, &Row<'_>) -> T::Body,
    /// Typed bodies by the bytes of their own cells: the same step (受理, 1个工作日, 1) recurs in
    /// every county, and one lookup of the row replaces one per field. (Unlike items, a step is
    /// not well foretold by the one before it.)
    protos: FxHashMap<Box<[u8]>, Arc<T::Body>>,
    /// The same by the line's bytes across the own cells (see [`Row::span`]): no copy to look up.
    spans: FxHashMap<Box<[u8]>, Arc<T::Body>>,
    scratch: Vec<u8>,
}

/// Types steps.csv rows.
pub(crate) type StepsVisitor<'a> = ChildVisitor<'a, Step>;
/// Types materials.csv rows.
pub(crate) type MaterialsVisitor<'a> = ChildVisitor<'a, Material>;
/// Types elements.csv rows.
pub(crate) type ElementsVisitor<'a> = ChildVisitor<'a, ElementRow>;

impl<'a, T: Child> ChildVisitor<'a, T> {
    /// Header names that map to no field.
    pub(crate) fn ignored(&self) -> Vec<String> {
        self.t.map.as_ref().map(|m| m.ignored.clone()).unwrap_or_default()
    }

    fn with(
        t: Typer<'a>,
        index: &'a ItemIndex<'a>,
        make: fn(&mut Typer<'a>, &Row<'_>) -> T::Body,
    ) -> Self {
        ChildVisitor {
            t,
            index,
            memo: KeyMemo::default(),
            rows: Children::new(),
            make,
            protos: FxHashMap::default(),
            spans: FxHashMap::default(),
            scratch: Vec::new(),
        }
    }

    /// The body of a row, typed when its own cells were not seen before.
    fn body(&mut self, row: &Row<'_>) -> Arc<T::Body> {
        let span = self.t.own_span.and_then(|(a, b)| row.span(a, b));
        let (protos, key) = match span {
            Some(span) => (&mut self.spans, span),
            None => {
                cells_into(&mut self.scratch, row, &self.t.own_cols);
                (&mut self.protos, self.scratch.as_slice())
            }
        };
        if let Some(body) = protos.get(key) {
            return body.clone();
        }
        let body = Arc::new((self.make)(&mut self.t, row));
        if protos.len() < MAX_PROTOS {
            protos.insert(key.into(), body.clone());
        }
        body
    }
}

impl<'a> ChildVisitor<'a, Step> {
    pub(crate) fn new(columns: &'a Columns, opts: &LoadOptions, index: &'a ItemIndex<'a>) -> Self {
        Self::with(Typer::new(columns, Table::Steps, opts), index, |t, row| StepBody {
            seq: field!(t, row, Col::Seq, seq),
            name: field!(t, row, Col::Step, name),
            limit: t.limit(row, Col::StepLimit),
            stamps: field!(t, row, Col::Stamps, count),
        })
    }
}

impl<'a> ChildVisitor<'a, Material> {
    pub(crate) fn new(columns: &'a Columns, opts: &LoadOptions, index: &'a ItemIndex<'a>) -> Self {
        let t = Typer::new(columns, Table::Materials, opts);
        Self::with(t, index, |t, row| MaterialBody {
            name: field!(t, row, Col::Material, name),
            required: field!(t, row, Col::Required, flag),
            copies: field!(t, row, Col::Copies, count),
            stamped: field!(t, row, Col::Stamped, flag),
        })
    }
}

impl<'a> ChildVisitor<'a, ElementRow> {
    pub(crate) fn new(columns: &'a Columns, opts: &LoadOptions, index: &'a ItemIndex<'a>) -> Self {
        let t = Typer::new(columns, Table::Elements, opts);
        Self::with(t, index, |t, row| {
            let name = raw_in(&t.map, row, Col::Element).trim();
            let element = t.columns.categories.find(name);
            let name = t.cache.str(name);
            let raw = t.cache.str(raw_in(&t.map, row, Col::ElementValue).trim());
            ElementCell { element, name, raw }
        })
    }
}

impl<T: Child> Visitor for ChildVisitor<'_, T> {
    fn header_score(&self, header: &[String]) -> usize {
        self.t.score(header)
    }

    fn header(&mut self, header: &[String], diags: &mut Diags) -> bool {
        let mut needs = key_needs(&self.t);
        if self.t.table == Table::Elements {
            needs.push(&[(Col::Element, "要素")]);
            needs.push(&[(Col::ElementValue, "值")]);
        }
        self.t.header(header, &needs, diags)
    }

    fn row(&mut self, line: u64, row: &Row<'_>, diags: &mut Diags) -> bool {
        let Some(item) = row_item(&mut self.t, &mut self.memo, self.index, row, line, diags) else {
            return false;
        };
        let body = self.body(row);
        if let Some((column, text, msg)) = T::refused(&body) {
            diags.push_at(Some(line), Some(column.into()), Some(text), msg);
            return false;
        }
        self.rows.push(item, T::make(body, line));
        true
    }
}

fn parse_seq(raw: &str) -> Option<u32> {
    let t = crate::value::name::normalize(raw);
    let t = t.trim_end_matches('.');
    crate::value::numeral::parse_number(t).and_then(|n| u32::try_from(n).ok())
}

// ---------------------------------------------------------------------------------------------
// Jurisdictions

/// A 区划代码 as compared: NFKC (４５０１０２ is 450102) with whitespace removed (DATA.md: codes
/// compare after normalisation). Plain ASCII digits, the usual case, are returned as they are.
fn division_code(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        raw.into()
    } else {
        crate::value::name::normalize(raw).into()
    }
}

/// One row of jurisdictions.csv, before levels are settled.
#[derive(Debug, Clone)]
pub(crate) struct JurisdictionRow {
    pub(crate) code: Str,
    pub(crate) name: Str,
    /// `None` when 层级 is empty or unreadable (then inferred from the code).
    pub(crate) level: Option<Level>,
    pub(crate) parent: Option<Str>,
}

/// Types jurisdictions.csv rows.
pub(crate) struct JurisdictionsVisitor<'a> {
    t: Typer<'a>,
    seen: FxHashSet<Str>,
    pub(crate) rows: Vec<JurisdictionRow>,
}

impl<'a> JurisdictionsVisitor<'a> {
    /// Header names that map to no field.
    pub(crate) fn ignored(&self) -> Vec<String> {
        self.t.map.as_ref().map(|m| m.ignored.clone()).unwrap_or_default()
    }

    pub(crate) fn new(columns: &'a Columns, opts: &LoadOptions) -> Self {
        JurisdictionsVisitor {
            t: Typer::new(columns, Table::Jurisdictions, opts),
            seen: FxHashSet::default(),
            rows: Vec::new(),
        }
    }
}

impl Visitor for JurisdictionsVisitor<'_> {
    fn header_score(&self, header: &[String]) -> usize {
        self.t.score(header)
    }

    fn header(&mut self, header: &[String], diags: &mut Diags) -> bool {
        self.t.header(header, &[&[(Col::JurCode, "区划代码")]], diags)
    }

    fn row(&mut self, line: u64, row: &Row<'_>, diags: &mut Diags) -> bool {
        let t = &mut self.t;
        let code = raw_in(&t.map, row, Col::JurCode).trim();
        if code.is_empty() {
            diags.push_at(
                Some(line),
                Some("区划代码".into()),
                Some(row_text(t, row)),
                Msg::NoJurisdiction,
            );
            return false;
        }
        let code = t.cache.str(&division_code(code));
        if !self.seen.insert(code.clone()) {
            diags.push_at(
                Some(line),
                Some("区划代码".into()),
                Some(code.to_string()),
                Msg::DuplicateJurisdiction,
            );
            return false;
        }
        let level_raw = raw_in(&t.map, row, Col::JurLevel).trim().to_string();
        let level = Level::parse(&level_raw);
        if level.is_none() && !level_raw.is_empty() {
            diags.push_at(Some(line), Some("层级".into()), Some(level_raw), Msg::UnknownLevel);
        }
        let name = field!(t, row, Col::JurName, str);
        let parent = raw_in(&t.map, row, Col::JurParent).trim();
        let parent = (!parent.is_empty()).then(|| t.cache.str(&division_code(parent)));
        self.rows.push(JurisdictionRow { code, name, level, parent });
        true
    }
}
#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
