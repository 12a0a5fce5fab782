//! Parsers of the values in a list: numerals, time limits, fees, legal bases, names, codes and
//! counts. Each type keeps its raw text beside the parsed form, for reports. Every parser accepts
//! any string: what it cannot read becomes an `Unparsed` value (a finding-to-be), never a panic.

pub mod basis;
pub mod code;
pub mod count;
pub mod element;
pub mod fee;
pub mod limit;
pub mod name;
pub mod numeral;
pub mod similar;
pub mod words;

/// Reads a file of the reference data `shared/data/real/<rel>`, from the byte-for-byte copy
/// committed under tests/fixtures/load/ (so a fresh clone tests on its own), else from shared/
/// beside the repository. Panics when it is missing: the tests built on it must run.
#[cfg(test)]
pub(crate) fn real_data(rel: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let copy = match rel {
        "liaoning-catalog-sample/catalog.csv" => Some("liaoning"),
        "guangxi-lingshan-task-sample/tasks.csv" => Some("guangxi"),
        "sichuan-guangan-bszl/items.csv" => Some("sichuan"),
        _ => None,
    };
    let mut paths: Vec<String> =
        copy.map(|c| format!("{root}/tests/fixtures/load/{c}/items.csv")).into_iter().collect();
    paths.extend(["..", "../.."].iter().map(|up| format!("{root}/{up}/shared/data/real/{rel}")));
    for path in paths {
        if let Ok(text) = std::fs::read_to_string(&path) {
            return text;
        }
    }
    panic!("reference data shared/data/real/{rel} not found beside {root}");
}
