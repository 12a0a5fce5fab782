//! `qingdan merge PARTIAL...`: the report of a run done in shards (`check --shard K/N`), from
//! the partial results of all N shards, exactly as the single run writes it.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::partial::{self, Partial};
use crate::check::{self, CheckReport};
use crate::error::{Error, Result};

use super::check::{Inputs, ReportArgs};

/// Arguments of `qingdan merge`.
///
/// Merges the partial results of every shard of one run (`check --shard K/N -o PART`, given in
/// any order) into the report the run without shards writes, byte for byte; baselines,
/// exceptions and --fail-on apply to the merged result / 合并各分片结果，输出与不分片运行完全相同的报告。
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The partial results, one per shard, in any order / 各分片结果文件（顺序不限）。
    #[arg(required = true, value_name = "PARTIAL")]
    pub partials: Vec<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Runs `qingdan merge`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let inputs: Vec<&Path> = args.partials.iter().map(PathBuf::as_path).collect();
    for p in &inputs {
        super::regular_input(p, "merge")?;
    }
    let prep = args.report.prepare(&inputs, "merge")?;
    let start = std::time::Instant::now();
    let mut prof = crate::profile::Profile::from_env("merge");
    let mut parts = Vec::with_capacity(inputs.len());
    for p in &inputs {
        match partial::read(p)? {
            Partial::Check(c) => parts.push((*p, c)),
        }
    }
    let header: Vec<(u32, u32, &str, &Path)> =
        parts.iter().map(|(p, c)| (c.shard, c.of, c.run.as_str(), *p)).collect();
    partial::complete(&header)?;
    parts.sort_by_key(|(_, c)| c.shard);
    prof.stage("read partials");
    let first = &parts[0].1;
    let mut findings = Vec::with_capacity(parts.iter().map(|(_, c)| c.findings.len()).sum());
    let mut tables = Vec::new();
    let (mut items, mut groups) = (0, 0);
    for (path, part) in &parts {
        for w in &part.findings {
            let f = w
                .clone()
                .finding()
                .map_err(|why| Error::input2(path.display().to_string(), &why, &why))?;
            findings.push(f);
        }
        tables.extend(part.tables.iter().cloned());
        items += part.items;
        groups += part.groups;
    }
    // The single run's order: sorted, exact repeats dropped, then the elements' findings folded
    // under their rows' (which needs the order).
    findings.sort_by(crate::model::Finding::report_order);
    findings.dedup();
    check::fold_element_findings(&mut findings);
    prof.stage("merge findings");
    let result = CheckReport {
        findings,
        items,
        jurisdictions: first.jurisdictions,
        groups,
        with_standard: first.with_standard,
        names: first.names.clone(),
        grouping: None,
        capped_name_lists: first.capped_name_lists,
    };
    let inputs = Inputs {
        source: first.source.clone(),
        notes_zh: first.notes_zh.clone(),
        notes_en: first.notes_en.clone(),
        read: first.rows_read,
        rejected: first.rows_rejected,
    };
    let tables = RefCell::new(Some(tables));
    let (places, with_standard) = (&first.places, first.with_standard);
    let view = |r: &CheckReport| {
        let tables = tables.borrow_mut().take().unwrap_or_default();
        check::variants::assemble(places, with_standard, r, tables)
    };
    super::check::write_report(
        &args.report,
        global,
        prep,
        result,
        &view,
        &inputs,
        "merge",
        start,
        &mut prof,
    )
}
