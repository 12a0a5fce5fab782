//! `check`: groups the same item across every jurisdiction, takes the reference (the standard or
//! the consensus of peers) and runs the rules of `crate::rules` over each group.

use std::path::Path;

use crate::error::Result;
use crate::model::{Dataset, Finding};

/// Rule configuration (rules/check.toml, or --rules DIR).
#[derive(Debug, Clone, Default)]
pub struct CheckConfig {}

impl CheckConfig {
    /// Loads and validates the rules configuration; a bad file stops the run.
    pub fn load(_rules_dir: Option<&Path>) -> Result<CheckConfig> {
        Ok(CheckConfig {})
    }
}

/// What a check run produced.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sorted by `Finding::sort_key`.
    pub findings: Vec<Finding>,
}

/// Checks `dataset` against `standard` (or the consensus of peers when `None`).
pub fn run(_dataset: &Dataset, _standard: Option<&Dataset>, _config: &CheckConfig) -> CheckReport {
    CheckReport::default()
}
