//! Every input that once crashed a fuzz target (fuzz/artifacts/<target>/) and the committed seed
//! corpora (fuzz/corpus/<target>/) replayed as ordinary tests, through the very property functions
//! the fuzzer runs (fuzz/src/lib.rs is included here, not copied).

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod props;

use std::path::Path;

/// Runs `check` on every file of fuzz/<kind>/<target>/ and returns how many there were.
fn replay(kind: &str, target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return 0 };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let mut n = 0;
    for path in files.iter().filter(|p| p.is_file()) {
        if path.file_name().is_some_and(|f| f.to_string_lossy().starts_with('.')) {
            continue;
        }
        let bytes = std::fs::read(path).expect("read fuzz input");
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(
            outcome.is_ok(),
            "{target}: {} fails again ({} bytes)",
            path.display(),
            bytes.len()
        );
        n += 1;
    }
    n
}

/// Replays the crashers and the corpus of one target; the corpus must not be empty.
fn target(name: &str, check: fn(&[u8])) {
    let crashers = replay("artifacts", name, check);
    let corpus = replay("corpus", name, check);
    eprintln!("{name}: {crashers} crashers and {corpus} corpus inputs replayed");
    assert!(corpus > 0, "fuzz/corpus/{name} is empty: the seeds are committed with the targets");
}

#[test]
fn limit() {
    target("limit", props::limit);
}

#[test]
fn fee() {
    target("fee", props::fee);
}

#[test]
fn basis() {
    target("basis", props::basis);
}

#[test]
fn name() {
    target("name", props::name);
}

#[test]
fn code() {
    target("code", props::code);
}

#[test]
fn numeral() {
    target("numeral", props::numeral);
}

#[test]
fn load_csv() {
    target("load_csv", props::load_csv);
}

#[test]
fn load_xlsx() {
    target("load_xlsx", props::load_xlsx);
}
