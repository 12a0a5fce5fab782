//! qingdan (清单) keeps a region's administrative power lists consistent.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! load  ->  (value parsing = normalize)  ->  check::group  ->  check / diff / review  ->  report
//! ```
//!
//! - [`load`] reads a dataset (CSV folder in UTF-8/GBK, or an .xlsx workbook, or a system export
//!   through `rules/columns.toml`) into a typed [`model::Dataset`], counting every row.
//! - [`value`] parses the values (time limits, fees, legal bases, names, codes, numerals).
//! - [`laws`] is the registry of laws and their status, built from reference data.
//! - [`check`] groups the same item across jurisdictions and runs the rules in [`rules`].
//! - [`diff`] compares two versions and scores simplification.
//! - [`review`] simulates the regional review of one or more lists.
//! - [`exceptions`] reads approved local deviations and marks the findings they cover.
//! - [`report`] renders results, [`output`] writes them (atomically); [`cmd`] holds one file per
//!   subcommand.
//! - [`gen`] generates realistic datasets with recorded faults, noise and simplifications.

pub mod baseline;
pub mod check;
pub mod cmd;
pub mod date;
pub mod diff;
pub mod error;
pub mod exceptions;
pub mod finding;
pub mod fix;
pub mod gen;
pub mod laws;
pub mod load;
pub mod model;
pub mod output;
pub mod profile;
pub mod progress;
pub mod report;
pub mod review;
pub mod rules;
pub mod rulesdir;
pub mod shard;
pub mod value;
pub mod vocab;

/// The import layering (issue 17): the vocabulary at the bottom, imports going one way. Parses
/// every `crate::` path in the sources (comments left out) and checks each module imports only
/// what lies below it.
#[cfg(test)]
mod layering {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Module (top-level name under src/) → the top-level modules it may use. A module not
    /// listed may use anything.
    const ALLOWED: &[(&str, &[&str])] = &[
        ("vocab", &[]),
        ("error", &[]),
        ("date", &[]),
        ("output", &["error"]),
        ("rulesdir", &["error"]),
        ("laws", &["error", "rulesdir"]),
        ("value", &["vocab", "value", "error", "laws", "rulesdir"]),
        ("finding", &["vocab", "value"]),
        ("shard", &["vocab", "finding"]),
        ("model", &["vocab", "value", "finding"]),
        ("baseline", &["vocab", "value", "finding", "model", "error", "rulesdir", "date"]),
        ("exceptions", &["vocab", "value", "finding", "error", "rulesdir", "rules", "date"]),
        ("rules", &["vocab", "value", "finding", "model", "laws", "rulesdir", "error", "rules"]),
        (
            "check",
            &[
                "vocab", "value", "finding", "model", "laws", "rulesdir", "error", "rules",
                "check", "load", "profile", "shard",
            ],
        ),
    ];

    /// Known exceptions, each with the change that removes it.
    const PENDING: &[(&str, &str)] = &[];

    fn top(rel: &Path) -> String {
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        first.trim_end_matches(".rs").to_string()
    }

    fn uses(text: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for line in text.lines() {
            let code = match line.find("//") {
                Some(i) => &line[..i],
                None => line,
            };
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                let after = &rest[i + 7..];
                let name: String =
                    after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
                rest = after;
            }
        }
        out
    }

    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn imports_go_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut all = Vec::new();
        files(&src, &mut all);
        all.sort();
        let mut bad = Vec::new();
        for path in &all {
            let rel = path.strip_prefix(&src).unwrap();
            // Test modules may reach across (they build what they check).
            if rel.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let module = top(rel);
            let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == module) else { continue };
            let text = std::fs::read_to_string(path).unwrap();
            let text = text.split("#[cfg(test)]").next().unwrap_or("");
            for used in uses(text) {
                let shown = format!("src/{}", rel.display());
                if !allowed.contains(&used.as_str())
                    && !PENDING.iter().any(|(f, m)| *f == shown && *m == used)
                {
                    bad.push(format!("{shown} uses crate::{used}"));
                }
            }
        }
        assert!(bad.is_empty(), "imports against the layering:\n{}", bad.join("\n"));
    }
}
