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
//! - [`report`] renders results; [`cmd`] holds one file per subcommand.
//! - [`gen`] generates realistic datasets with recorded faults, noise and simplifications.

pub mod baseline;
pub mod check;
pub mod cmd;
pub mod diff;
pub mod error;
pub mod finding;
pub mod gen;
pub mod laws;
pub mod load;
pub mod model;
pub mod progress;
pub mod report;
pub mod review;
pub mod rules;
pub mod rulesdir;
pub mod value;
