//! `qingdan gen`: deterministic synthetic datasets of a region — a standard catalogue, version 1
//! and version 2 of the region's lists — with recorded faults, formatting-only noise and
//! simplifications (the output contract is /work/briefs/gen-contract.md).
//!
//! The pipeline: `standard::pool` (names and codes) → `plan::Standard` (canonical forms and
//! 行使层级) → `plan::plan` (faults, noise and version-2 changes, decided sequentially from the
//! seed) → `render::render_jur` (one jurisdiction's rows, in parallel) → the writers here, which
//! stream the rows to disk in jurisdiction order so that the output never depends on threads.
//!
//! Random numbers come from `rand_chacha::ChaCha8Rng`, whose output is fixed across platforms
//! and releases, seeded from `--seed` (mixed with a constant per purpose).

mod elements;
mod form;
mod plan;
mod realistic;
mod render;
mod standard;
pub(crate) mod vocab;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use render::{push_record, push_record_eol, Tables, Truth};

/// Output format of the generated datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// UTF-8 CSV folders.
    Csv,
    /// GBK-encoded CSV folders.
    Gbk,
    /// One .xlsx workbook per dataset (sheets 区划, 事项, 流程, 材料).
    Xlsx,
}

/// The size and shape of a generated region.
#[derive(Debug, Clone)]
pub struct Config {
    /// Seed of every random choice: the same seed gives the same bytes.
    pub seed: u64,
    /// Number of cities (at most 14).
    pub cities: usize,
    /// Number of county-level units, spread over the cities.
    pub counties: usize,
    /// Towns (乡、镇、街道) under each county.
    pub towns_per_county: usize,
    /// Standard items exercised at 县级.
    pub county_items: usize,
    /// Standard items exercised at 镇级.
    pub town_items: usize,
    /// Faults per (jurisdiction, item) row, beyond one of every kind.
    pub fault_rate: f64,
    /// Noise per row, beyond one of every kind.
    pub noise_rate: f64,
    /// csv, gbk or xlsx.
    pub format: OutFormat,
    /// `--realistic`: the shapes of real lists (a standard with defects of its own, 办理项 rows,
    /// rows without codes, near-twin names, vertically managed bodies and development zones,
    /// platform time limits, quoted multi-line bases, CRLF files), each recorded in truth.csv
    /// with its kind in the added `class` column.
    pub realistic: bool,
}

impl Config {
    /// `--small`: a region with 1 city, 3 counties and 2 towns each; ~60 standard items (small
    /// enough that examples/ in three formats stays under 1 MB).
    pub fn small(seed: u64) -> Config {
        Config {
            seed,
            cities: 1,
            counties: 3,
            towns_per_county: 2,
            county_items: 58,
            town_items: 8,
            fault_rate: 0.05,
            noise_rate: 0.08,
            format: OutFormat::Csv,
            realistic: false,
        }
    }

    /// `--province`: 14 cities, 110 counties, ~1,200 towns, 4,000 items per county and 200 per
    /// town (about 0.7 million items).
    pub fn province(seed: u64) -> Config {
        Config {
            seed,
            cities: 14,
            counties: 110,
            towns_per_county: 11,
            county_items: 4000,
            town_items: 200,
            fault_rate: 0.003,
            noise_rate: 0.01,
            format: OutFormat::Csv,
            realistic: false,
        }
    }
}

/// What was written (the figures of the summary line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cities, counties and towns of the region.
    pub jurisdictions: usize,
    /// Items of the standard catalogue.
    pub standard_items: usize,
    /// Item rows of version 1 (region/).
    pub items: usize,
    /// Step rows of version 1.
    pub steps: usize,
    /// Material rows of version 1.
    pub materials: usize,
    /// Item rows of version 2 (region-v2/).
    pub items_v2: usize,
    /// Faults recorded for version 1 in truth.csv.
    pub faults: usize,
    /// Noise recorded for version 1 in truth.csv.
    pub noise: usize,
    /// Defects of the standard itself recorded in truth.csv (`--realistic`).
    pub standard_defects: usize,
}

/// Writes a small file atomically (crate::output::write_atomic) and makes it readable by all, as
/// a dataset to be shared should be (temporary files are created owner-only).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::output::write_atomic(path, bytes)?;
    make_readable(path)
}

/// Gives a finished output file the usual 0644 permissions.
fn make_readable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// The region (the standard's jurisdiction).
const REGION: (&str, &str) = ("450000", "广西壮族自治区");

/// Generates the three datasets, truth.csv and changes.csv into `out`.
pub fn generate(cfg: &Config, out: &Path) -> Result<Summary> {
    generate_observed(cfg, out, &|_, _| {})
}

/// [`generate`], telling `progress` (jurisdictions written, jurisdictions in all) after each
/// chunk of jurisdictions (the command line draws a bar with it).
pub fn generate_observed(
    cfg: &Config,
    out: &Path,
    progress: &dyn Fn(usize, usize),
) -> Result<Summary> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let pool = standard::pool(cfg.seed);
    // Keep a tenth of the pool for unknown items and version 2's additions.
    let max_items = pool.len() * 9 / 10;
    let county_items = cfg.county_items.clamp(1, max_items);
    let mut std =
        plan::Standard::build(&pool, cfg.seed, county_items, cfg.town_items.min(county_items));
    // --realistic changes the standard first (its defects, 办理项, vertical bodies' items), so
    // that every list copies it; the rows' shapes are planned after the faults and noise.
    let mut real = cfg.realistic.then(|| realistic::RealPlan::prepare(&mut std, &pool, cfg.seed));
    let excluded = real.as_ref().map(|r| r.excluded.clone()).unwrap_or_default();
    // A city holds at most 97 county codes (xx02–xx98): more counties need more cities.
    let cities = cfg.cities.max(cfg.counties.div_ceil(97)).min(vocab::CITIES.len());
    let jurs = plan::jurisdictions(cfg.seed, cities, cfg.counties, cfg.towns_per_county);
    let rates = plan::Rates { fault: cfg.fault_rate, noise: cfg.noise_rate };
    let plan = plan::plan(cfg.seed, &jurs, &std, &pool, &rates, &excluded);
    if let Some(r) = real.as_mut() {
        r.plan_rows(cfg.seed, &jurs, &std, &plan);
    }
    let real = real;
    // The lists of a realistic region end their lines with CRLF (the standard keeps LF).
    let crlf = cfg.realistic;

    let mut sinks = Sinks::open(out, cfg.format, cfg.realistic)?;

    // The standard: one region row, the canonical forms.
    let mut std_tables = Tables::default();
    for (i, f) in std.forms.iter().enumerate() {
        match &real {
            Some(r) => r.push_standard(REGION.0, i, f, &mut std_tables),
            None => {
                let dept = vocab::DEPTS.get(f.dept).map(|d| d.name).unwrap_or("");
                std_tables.push(REGION.0, dept, "", f, true);
            }
        }
    }
    let mut std_jur = Vec::new();
    push_record(&mut std_jur, &[REGION.0, REGION.1, "省", ""]);
    if cfg.format == OutFormat::Gbk {
        let t = &mut std_tables;
        for buf in [&mut t.items, &mut t.steps, &mut t.materials, &mut t.elements] {
            *buf = encode_gbk(buf, out)?.into_owned();
        }
    }
    sinks.standard.write_all_parts(&std_jur, &std_tables)?;

    let mut jur_bytes = Vec::new();
    for j in &jurs {
        push_record_eol(&mut jur_bytes, &[j.code.as_str(), &j.name, j.level.zh(), &j.parent], crlf);
    }
    sinks.region.jurisdictions(&jur_bytes)?;
    sinks.region_v2.jurisdictions(&jur_bytes)?;

    let mut summary = Summary {
        jurisdictions: jurs.len(),
        standard_items: std.forms.len(),
        faults: 0,
        noise: 0,
        ..Summary::default()
    };
    let mut truth: Vec<Truth> = Vec::new();
    // Chunks bound the memory of the province preset; within a chunk jurisdictions render in
    // parallel and are written in order.
    let indexes: Vec<usize> = (0..jurs.len()).collect();
    for chunk in indexes.chunks(48) {
        // GBK is encoded here too, in parallel, rather than in the writers.
        let outs: Vec<render::JurOut> = chunk
            .par_iter()
            .map(|&i| {
                let mut o = render::render_jur(i, &jurs, &std, &plan, cfg.seed, real.as_ref());
                if cfg.format == OutFormat::Gbk {
                    for t in [&mut o.v1, &mut o.v2] {
                        for buf in [&mut t.items, &mut t.steps, &mut t.materials, &mut t.elements] {
                            *buf = encode_gbk(buf, out)?.into_owned();
                        }
                    }
                }
                Ok(o)
            })
            .collect::<Result<_>>()?;
        for o in outs {
            summary.items += o.v1.n_items;
            summary.steps += o.v1.n_steps;
            summary.materials += o.v1.n_materials;
            summary.items_v2 += o.v2.n_items;
            sinks.region.rows(&o.v1)?;
            sinks.region_v2.rows(&o.v2)?;
            sinks.changes.write_all(&o.changes).map_err(|e| Error::io(&sinks.changes_path, e))?;
            truth.extend(o.truth);
        }
        progress(chunk.last().map_or(0, |&i| i + 1), jurs.len());
    }
    summary.faults = truth.iter().filter(|t| t.fault && !t.v2).count();
    summary.noise = truth.iter().filter(|t| !t.fault && !t.v2).count();

    // truth.csv: version 1's faults and noise, then version 2's faults (the same faults, put on
    // the simplified forms).
    // With --realistic: the standard's own defects first (once each, for the standard), the
    // kind of every row in `class`, and the lists' CRLF line ends as one file-level row.
    let mut tb = Vec::new();
    match &real {
        None => push_record(&mut tb, render::TRUTH_HEADER),
        Some(r) => {
            push_record(&mut tb, render::TRUTH_HEADER_REALISTIC);
            for d in &r.defects {
                let f = &std.forms[d.item];
                push_record(
                    &mut tb,
                    &[
                        "standard",
                        "standard-defect",
                        REGION.0,
                        &f.code,
                        d.field,
                        &d.detail,
                        d.class,
                        &f.code,
                        &f.name,
                    ],
                );
            }
            summary.standard_defects = r.defects.len();
        }
    }
    for (dataset, v2) in [("region", false), ("region-v2", true)] {
        for t in truth.iter().filter(|t| t.v2 == v2) {
            let kind = if t.fault { "fault" } else { "noise" };
            let cells = [dataset, kind, &t.jurisdiction, &t.item, t.field, &t.detail];
            if real.is_none() {
                push_record(&mut tb, &cells);
                continue;
            }
            let (code, name) = t.row.clone().unwrap_or_default();
            let mut cells: Vec<&str> = cells.to_vec();
            cells.extend([t.class, &code, &name]);
            push_record(&mut tb, &cells);
        }
        if real.is_some() && !v2 {
            let detail = "region/ 与 region-v2/ 的 CSV 文件以 CRLF 换行（单元格内的换行为 LF），应与 LF 文件读得相同";
            push_record(&mut tb, &[dataset, "noise", "", "", "", detail, "crlf", "", ""]);
            summary.noise += 1;
        }
    }
    write_atomic(&out.join("truth.csv"), &tb)?;
    sinks.finish()?;
    Ok(summary)
}

/// One dataset's output: streamed CSV files, or an in-memory workbook for xlsx.
// Three of them per run: the size of the CSV variant's buffers does not matter.
#[allow(clippy::large_enum_variant)]
enum DatasetSink {
    Csv {
        dir: PathBuf,
        gbk: bool,
        /// Records end with CRLF.
        crlf: bool,
        items: Stream,
        steps: Stream,
        materials: Stream,
        elements: Stream,
    },
    Xlsx {
        path: PathBuf,
        item_header: &'static [&'static str],
        jurisdictions: Vec<u8>,
        items: Vec<u8>,
        steps: Vec<u8>,
        materials: Vec<u8>,
        elements: Vec<u8>,
        /// Rows of the largest sheet so far, to stop before memory fills for nothing.
        rows: usize,
    },
}

/// A CSV file written to a temporary file in its folder and renamed when complete.
struct Stream {
    path: PathBuf,
    writer: BufWriter<tempfile::NamedTempFile>,
}

impl Stream {
    fn open(path: PathBuf, header: &[&str], gbk: bool, crlf: bool) -> Result<Stream> {
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let tmp = tempfile::Builder::new()
            .prefix(".qingdan-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(&dir, e))?;
        let mut s = Stream { path, writer: BufWriter::with_capacity(1 << 20, tmp) };
        let mut h = Vec::new();
        push_record_eol(&mut h, header, crlf);
        s.write(&h, gbk)?;
        Ok(s)
    }

    fn write(&mut self, utf8: &[u8], gbk: bool) -> Result<()> {
        let bytes =
            if gbk { encode_gbk(utf8, &self.path)? } else { std::borrow::Cow::Borrowed(utf8) };
        self.writer.write_all(&bytes).map_err(|e| Error::io(&self.path, e))
    }

    fn finish(self) -> Result<()> {
        let tmp = self.writer.into_inner().map_err(|e| Error::io(&self.path, e.into_error()))?;
        tmp.persist(&self.path).map_err(|e| Error::io(&self.path, e.error))?;
        make_readable(&self.path)
    }
}

/// Encodes generated UTF-8 text as GBK; every generated character is GBK-encodable, and one
/// that is not is a bug reported as an error rather than written as a replacement.
///
/// encoding_rs encodes legacy CJK slowly (it favours decoding), so characters are looked up in a
/// table built once from encoding_rs itself: the bytes are the ones encoding_rs would write.
fn encode_gbk<'a>(utf8: &'a [u8], path: &Path) -> Result<std::borrow::Cow<'a, [u8]>> {
    let text = std::str::from_utf8(utf8)
        .map_err(|_| Error::input(path.display().to_string(), "generated text is not UTF-8"))?;
    if text.is_ascii() {
        return Ok(std::borrow::Cow::Borrowed(utf8));
    }
    let table = gbk_table();
    let mut out = Vec::with_capacity(utf8.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if let Some(b) = table.get(&c) {
            out.extend_from_slice(b);
        } else {
            let mut buf = [0u8; 4];
            let (b, _, had_errors) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
            if had_errors {
                return Err(Error::input(
                    path.display().to_string(),
                    format!("generated text has a character GBK cannot encode: {c}"),
                ));
            }
            out.extend_from_slice(&b);
        }
    }
    Ok(std::borrow::Cow::Owned(out))
}

/// Every two-byte GBK character and its bytes, as encoding_rs encodes it.
fn gbk_table() -> &'static rustc_hash::FxHashMap<char, [u8; 2]> {
    static TABLE: std::sync::OnceLock<rustc_hash::FxHashMap<char, [u8; 2]>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = rustc_hash::FxHashMap::default();
        for lead in 0x81u8..=0xFE {
            for trail in (0x40u8..=0xFE).filter(|t| *t != 0x7F) {
                let pair = [lead, trail];
                let (s, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&pair);
                let Some(c) = s.chars().next().filter(|_| !had_errors) else { continue };
                let mut buf = [0u8; 4];
                let (b, _, err) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
                if let (false, [x, y]) = (err, &b[..]) {
                    map.insert(c, [*x, *y]);
                }
            }
        }
        map
    })
}

impl DatasetSink {
    /// `realistic` lists (not the standard) carry the platform's columns and end lines with CRLF.
    fn open(out: &Path, name: &str, format: OutFormat, realistic: bool) -> Result<DatasetSink> {
        let crlf = realistic;
        let item_header =
            if realistic { render::ITEM_HEADER_REALISTIC } else { render::ITEM_HEADER };
        match format {
            OutFormat::Xlsx => Ok(DatasetSink::Xlsx {
                path: out.join(format!("{name}.xlsx")),
                item_header,
                jurisdictions: Vec::new(),
                items: Vec::new(),
                steps: Vec::new(),
                materials: Vec::new(),
                elements: Vec::new(),
                rows: 0,
            }),
            OutFormat::Csv | OutFormat::Gbk => {
                let dir = out.join(name);
                std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                let gbk = format == OutFormat::Gbk;
                Ok(DatasetSink::Csv {
                    items: Stream::open(dir.join("items.csv"), item_header, gbk, crlf)?,
                    steps: Stream::open(dir.join("steps.csv"), render::STEP_HEADER, gbk, crlf)?,
                    materials: Stream::open(
                        dir.join("materials.csv"),
                        render::MATERIAL_HEADER,
                        gbk,
                        crlf,
                    )?,
                    elements: Stream::open(
                        dir.join("elements.csv"),
                        render::ELEMENT_HEADER,
                        gbk,
                        crlf,
                    )?,
                    dir,
                    gbk,
                    crlf,
                })
            }
        }
    }

    fn jurisdictions(&mut self, rows: &[u8]) -> Result<()> {
        match self {
            DatasetSink::Csv { dir, gbk, crlf, .. } => {
                let mut b = Vec::new();
                push_record_eol(&mut b, render::JUR_HEADER, *crlf);
                b.extend_from_slice(rows);
                let path = dir.join("jurisdictions.csv");
                let bytes =
                    if *gbk { encode_gbk(&b, &path)? } else { std::borrow::Cow::Borrowed(&b[..]) };
                write_atomic(&path, &bytes)
            }
            DatasetSink::Xlsx { jurisdictions, .. } => {
                jurisdictions.extend_from_slice(rows);
                Ok(())
            }
        }
    }

    fn rows(&mut self, t: &Tables) -> Result<()> {
        match self {
            // Rows arrive already encoded (GBK is encoded in the parallel stage).
            DatasetSink::Csv { items, steps, materials, elements, .. } => {
                items.write(&t.items, false)?;
                steps.write(&t.steps, false)?;
                materials.write(&t.materials, false)?;
                elements.write(&t.elements, false)
            }
            DatasetSink::Xlsx { path, items, steps, materials, elements, rows, .. } => {
                *rows += t.n_items.max(t.n_steps).max(t.n_materials).max(t.n_elements);
                if *rows >= MAX_SHEET_ROWS {
                    return Err(too_many_rows(path));
                }
                items.extend_from_slice(&t.items);
                steps.extend_from_slice(&t.steps);
                materials.extend_from_slice(&t.materials);
                elements.extend_from_slice(&t.elements);
                Ok(())
            }
        }
    }

    fn write_all_parts(&mut self, jur: &[u8], t: &Tables) -> Result<()> {
        self.jurisdictions(jur)?;
        self.rows(t)
    }

    fn finish(self) -> Result<()> {
        match self {
            DatasetSink::Csv { items, steps, materials, elements, .. } => {
                items.finish()?;
                steps.finish()?;
                materials.finish()?;
                elements.finish()
            }
            DatasetSink::Xlsx {
                path,
                item_header,
                jurisdictions,
                items,
                steps,
                materials,
                elements,
                ..
            } => {
                let sheets: [(&str, &[&str], &[u8]); 5] = [
                    ("区划", render::JUR_HEADER, &jurisdictions),
                    ("事项", item_header, &items),
                    ("流程", render::STEP_HEADER, &steps),
                    ("材料", render::MATERIAL_HEADER, &materials),
                    ("要素", render::ELEMENT_HEADER, &elements),
                ];
                write_workbook(&path, &sheets)
            }
        }
    }
}

/// Rows an Excel sheet holds.
const MAX_SHEET_ROWS: usize = 1_048_576;

fn too_many_rows(path: &Path) -> Error {
    Error::Usage(format!(
        "{}: a sheet would need more than {MAX_SHEET_ROWS} rows; use --format csv for a dataset this large / 数据量超出 Excel 工作表行数上限，请用 --format csv",
        path.display()
    ))
}

/// Writes a workbook whose sheets hold the given CSV rows (all cells as text, so that codes keep
/// their leading zeros), atomically.
fn write_workbook(path: &Path, sheets: &[(&str, &[&str], &[u8])]) -> Result<()> {
    let xerr =
        |e: rust_xlsxwriter::XlsxError| Error::input(path.display().to_string(), e.to_string());
    let mut wb = rust_xlsxwriter::Workbook::new();
    // A fixed creation date: the same seed must give the same bytes.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1).map_err(xerr)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    for (name, header, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).map_err(xerr)?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).map_err(xerr)?;
        }
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(*rows);
        for (r, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(|e| Error::input(path.display().to_string(), e.to_string()))?;
            if r + 2 > MAX_SHEET_ROWS {
                return Err(too_many_rows(path));
            }
            for (c, v) in rec.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string((r + 1) as u32, c as u16, v).map_err(xerr)?;
                }
            }
        }
    }
    let bytes = wb.save_to_buffer().map_err(xerr)?;
    write_atomic(path, &bytes)
}

/// All outputs of one run.
struct Sinks {
    standard: DatasetSink,
    region: DatasetSink,
    region_v2: DatasetSink,
    changes: BufWriter<File>,
    changes_tmp: tempfile::TempPath,
    changes_path: PathBuf,
}

impl Sinks {
    fn open(out: &Path, format: OutFormat, realistic: bool) -> Result<Sinks> {
        let changes_path = out.join("changes.csv");
        let tmp = tempfile::Builder::new()
            .prefix(".qingdan-")
            .suffix(".tmp")
            .tempfile_in(out)
            .map_err(|e| Error::io(out, e))?;
        let (file, changes_tmp) = tmp.into_parts();
        let mut changes = BufWriter::with_capacity(1 << 20, file);
        let mut h = Vec::new();
        push_record(&mut h, render::CHANGES_HEADER);
        changes.write_all(&h).map_err(|e| Error::io(&changes_path, e))?;
        Ok(Sinks {
            standard: DatasetSink::open(out, "standard", format, false)?,
            region: DatasetSink::open(out, "region", format, realistic)?,
            region_v2: DatasetSink::open(out, "region-v2", format, realistic)?,
            changes,
            changes_tmp,
            changes_path,
        })
    }

    fn finish(self) -> Result<()> {
        self.standard.finish()?;
        self.region.finish()?;
        self.region_v2.finish()?;
        let path = self.changes_path;
        self.changes.into_inner().map_err(|e| Error::io(&path, e.into_error()))?;
        self.changes_tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        make_readable(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_character_is_gbk() {
        let mut text = String::new();
        for d in vocab::DEPTS {
            text.push_str(d.name);
            for (_, n) in d.items {
                text.push_str(n);
            }
            for s in d
                .licences
                .iter()
                .chain(d.subjects)
                .chain(d.materials)
                .chain(d.intermediaries)
                .chain(d.laws)
            {
                text.push_str(s);
            }
        }
        for s in vocab::VIOLATIONS
            .iter()
            .chain(vocab::ASPECTS)
            .chain(vocab::COERCIONS)
            .chain(vocab::LICENCE_SUBS)
            .chain(vocab::EXTRA_MATERIALS)
            .chain(vocab::CASE_MATERIALS)
            .chain(vocab::SYLLABLES)
            .chain(vocab::NANNING_COUNTIES)
            .chain(vocab::LAWS_IN_FORCE)
        {
            text.push_str(s);
        }
        let (_, _, errors) = encoding_rs::GBK.encode(&text);
        assert!(!errors);
    }

    #[test]
    fn table_encoder_writes_what_encoding_rs_writes() {
        let text = "区划代码,事项编码\n450102,食品经营许可（新办）(变更) 　€·—《中华人民共和国民法典》第二百二十三条\n";
        let (want, _, _) = encoding_rs::GBK.encode(text);
        let got = encode_gbk(text.as_bytes(), Path::new("t")).unwrap();
        assert_eq!(&got[..], &want[..]);
        assert!(encode_gbk("😀".as_bytes(), Path::new("t")).is_err());
        assert!(gbk_table().len() > 20_000);
    }

    /// The laws cited are in force and the repealed ones repealed, per the bundled law registry
    /// (rules/laws.csv, built from shared/data/laws/).
    #[test]
    fn cited_laws_have_the_status_the_generator_assumes() {
        use crate::laws::{LawRegistry, LawStatus};
        let registry = LawRegistry::bundled();
        let used = vocab::DEPTS.iter().flat_map(|d| d.laws.iter()).chain(vocab::LAWS_IN_FORCE);
        for title in used {
            assert!(vocab::LAWS_IN_FORCE.contains(title), "{title} is not listed in LAWS_IN_FORCE");
            assert!(
                registry.lookup(title).is_some_and(|l| l.status == LawStatus::InForce),
                "{title} not 有效"
            );
        }
        for (_, old) in vocab::REPEALED {
            assert!(registry.is_repealed(old), "{old} not 已废止");
        }
        assert!(registry.is_repealed(vocab::REPEALED_FALLBACK));
    }
}
