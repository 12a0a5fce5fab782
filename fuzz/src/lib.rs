//! The properties the fuzz targets check, one function per target, shared with the ordinary
//! regression tests (tests/it/fuzz_regressions.rs includes this file) so that every committed crasher
//! runs under `cargo test` through exactly the code the fuzzer ran.
//!
//! Every function takes arbitrary bytes and panics only when qingdan breaks a promise: a parser
//! panicked, a documented round trip or fixed point does not hold, or a load lost a row.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use qingdan::load::{load, LoadOptions};
use qingdan::model::{Basis, Code, Fee, FeeValue, LimitValue, Name, Str, TimeLimit};
use qingdan::value::{code, name, numeral};

/// Arbitrary bytes as text: invalid UTF-8 becomes U+FFFD, as a lossy reader would hand it over.
fn text(data: &[u8]) -> Str {
    String::from_utf8_lossy(data).as_ref().into()
}

/// Time limits: never panic; a readable limit reads back from its canonical spelling unchanged.
pub fn limit(data: &[u8]) {
    let t = TimeLimit::parse(text(data));
    let _ = t.working_days();
    let canonical = t.canonical();
    if !matches!(t.value, LimitValue::Unparsed) {
        let again = TimeLimit::parse(canonical.as_str().into());
        assert_eq!(again.value, t.value, "{:?} → {canonical:?} reads back differently", t.raw);
    }
}

/// Fees: never panic; a free, charged or plain amount reads back from its canonical spelling.
pub fn fee(data: &[u8]) {
    let f = Fee::parse(text(data));
    let charged = f.is_charged();
    let canonical = f.canonical();
    let plain = match &f.value {
        FeeValue::Free | FeeValue::Charged => true,
        FeeValue::Amount { per, .. } => per.is_none(),
        FeeValue::Empty | FeeValue::Unparsed => false,
    };
    if plain {
        let again = Fee::parse(canonical.as_str().into());
        assert_eq!(again.value, f.value, "{:?} → {canonical:?} reads back differently", f.raw);
        assert_eq!(again.is_charged(), charged);
    }
}

/// Legal bases: never panic; references are sorted and de-duplicated (as documented), every
/// reference renders, and a basis cites the same references as itself.
pub fn basis(data: &[u8]) {
    let b = Basis::parse(text(data));
    assert!(b.refs.windows(2).all(|w| w[0] < w[1]), "refs not sorted/deduplicated: {b:?}");
    for r in &b.refs {
        let _ = (r.display(), r.display_arabic());
        let _ = qingdan::laws::LawRegistry::bundled().lookup(&r.title);
    }
    let _ = b.canonical();
    let _ = b.is_empty();
    assert!(b.same_refs(&b.clone()));
}

/// Names: never panic; normalisation is a fixed point (normalising twice changes nothing).
pub fn name(data: &[u8]) {
    let n = Name::new(text(data));
    let twice = name::normalize(&n.norm);
    assert_eq!(&*n.norm, twice.as_str(), "normalize is not idempotent on {:?}", n.raw);
    let _ = name::nfkc(&n.raw);
}

/// Codes: never panic; code normalisation is a fixed point; a well-formed base code validates;
/// implementation codes parse or explain why not.
pub fn code(data: &[u8]) {
    let c = Code::parse(text(data));
    let twice = code::normalize_code(&c.norm);
    assert_eq!(&*c.norm, twice.as_str(), "normalize_code is not idempotent on {:?}", c.raw);
    if c.base.is_some() {
        assert!(c.validate().is_ok());
        assert!(c.category_digits().is_some());
    } else if let Err(problem) = c.validate() {
        let _ = problem.to_string();
    }
    match code::ImplCode::parse(&c.raw) {
        Ok(ic) => {
            let _ = code::BaseCode::split(&ic.base);
        }
        Err(e) => {
            let _ = e;
        }
    }
}

/// Numerals: never panic; every number written in Chinese reads back.
pub fn numeral(data: &[u8]) {
    let s = text(data);
    let _ = numeral::parse_number(&s);
    for found in numeral::numbers(&s) {
        assert!(s.get(found.span.clone()).is_some(), "span off a char boundary in {s:?}");
    }
    let _ = numeral::find_number(&s);
    if data.len() >= 8 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[..8]);
        let n = u64::from_le_bytes(b);
        let zh = numeral::to_chinese(n);
        assert_eq!(numeral::parse_number(&zh), Some(n), "{n} → {zh}");
    }
}

/// The separator of the four tables in one CSV fuzz input (items, steps, materials,
/// jurisdictions): a line holding only `====`.
pub const TABLE_SEPARATOR: &[u8] = b"\n====\n";

/// The file names, in the order the parts of a CSV fuzz input fill them.
pub const CSV_FILES: [&str; 4] = ["items.csv", "steps.csv", "materials.csv", "jurisdictions.csv"];

/// A scratch folder for this process, made once.
fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir")).path()
}

/// Splits a CSV fuzz input into its tables.
pub fn split_tables(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < CSV_FILES.len() - 1 {
        match rest.windows(TABLE_SEPARATOR.len()).position(|w| w == TABLE_SEPARATOR) {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + TABLE_SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

/// The CSV loader: the input's tables written as a dataset folder, loaded; it loads or fails
/// with an error, and every file's rows are loaded or rejected (rows_read = loaded + rejected).
pub fn load_csv(data: &[u8]) {
    let dir: PathBuf = scratch().join("csv");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (part, file) in split_tables(data).iter().zip(CSV_FILES) {
        std::fs::write(dir.join(file), part).expect("write");
    }
    check_load(&dir);
}

/// The XLSX loader: the input written as a workbook, loaded, rows accounted for.
pub fn load_xlsx(data: &[u8]) {
    let path = scratch().join("dataset.xlsx");
    std::fs::write(&path, data).expect("write");
    check_load(&path);
}

fn check_load(path: &Path) {
    let Ok(dataset) = load(path, &LoadOptions::default()) else { return };
    for f in &dataset.report.files {
        assert_eq!(
            f.rows_read,
            f.rows_loaded + f.rows_rejected + f.rows_superseded,
            "rows lost in {}: read {}, loaded {}, rejected {}, superseded {}",
            f.file,
            f.rows_read,
            f.rows_loaded,
            f.rows_rejected,
            f.rows_superseded
        );
    }
    let steps: usize = dataset.items.iter().map(|i| i.steps.len()).sum();
    let materials: usize = dataset.items.iter().map(|i| i.materials.len()).sum();
    for (table, attached) in [("steps", steps), ("materials", materials)] {
        let loaded: u64 =
            dataset.report.files.iter().filter(|f| f.table == table).map(|f| f.rows_loaded).sum();
        assert_eq!(loaded, attached as u64, "{table} loaded but not attached to an item");
    }
    let items: u64 =
        dataset.report.files.iter().filter(|f| f.table == "items").map(|f| f.rows_loaded).sum();
    assert_eq!(items, dataset.items.len() as u64, "items loaded ≠ items in the dataset");
}
