//! Parsers of the values in a list: numerals, time limits, fees, legal bases, names, codes and
//! counts. Each type keeps its raw text beside the parsed form, for reports. Every parser accepts
//! any string: what it cannot read becomes an `Unparsed` value (a finding-to-be), never a panic.

pub mod basis;
pub mod code;
pub mod count;
pub mod fee;
pub mod limit;
pub mod name;
pub mod numeral;

/// Reads a file of the reference data in `shared/data/real/` (beside the repository in CI, two
/// levels up in a helper's worktree). Panics when it is missing: the tests built on it must run.
#[cfg(test)]
pub(crate) fn real_data(rel: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    for up in ["..", "../.."] {
        let path = format!("{root}/{up}/shared/data/real/{rel}");
        if let Ok(text) = std::fs::read_to_string(&path) {
            return text;
        }
    }
    panic!("reference data shared/data/real/{rel} not found beside {root}");
}
