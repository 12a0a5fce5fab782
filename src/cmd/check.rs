//! `qingdan check DATASET [--standard STD]`: the nightly consistency report over every
//! jurisdiction of a dataset, against a standard or the consensus of peers.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::check::{self, CheckConfig};
use crate::error::{Error, Result};
use crate::load::{self, LoadOptions};
use crate::model::{Finding, Severity};
use crate::report::{self, Format};

/// The lowest severity that makes the run exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    /// Always exit 0 when the run finished.
    Never,
}

/// Arguments of `qingdan check`.
///
/// Groups the same item across every jurisdiction and reports where it differs from the standard
/// (--standard) or from most of its peers at the same level. 按标准目录或同级多数检查一致性。
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset: a folder of CSV files or an .xlsx workbook / 数据集（文件夹或 .xlsx）。
    pub dataset: PathBuf,
    /// The region's standard (标准目录), same layout; without it peers' consensus is the reference.
    #[arg(long, value_name = "STD")]
    pub standard: Option<PathBuf>,
    /// Rules folder overriding the built-in rules/ (check.toml, columns.toml, laws.csv).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A previous report (json or jsonl): findings already in it are not reported again.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity remains (default: error).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Force the encoding of CSV files (utf-8, gbk, gb18030); detected by default.
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
}

/// Runs `qingdan check`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    // A bad rules file stops the run before any data is read.
    let config = CheckConfig::load(args.rules.as_deref())?;
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    let opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        ..LoadOptions::default()
    };
    let mut prof = crate::load::profile::Profile::from_env("check");
    let dataset = load::load(&args.dataset, &opts)?;
    prof.stage("load");
    let standard = args.standard.as_deref().map(|p| load::load(p, &opts)).transpose()?;
    prof.stage("load standard");
    let mut result = check::run_profiled(&dataset, standard.as_ref(), &config, &mut prof);
    if let Some(base) = &baseline {
        result.findings.retain(|f| !base.contains(&identity_of(f)));
    }
    let bytes =
        report::findings::render_named(&result.findings, args.format, global.lang, &result.names)?;
    prof.stage("render");
    report::write_output(args.output.as_deref(), &bytes)?;
    prof.stage("write");
    prof.finish();
    // Freeing millions of small allocations one by one costs ~5% of the run (perf); the
    // process ends right after, and the OS takes the memory back at once.
    let rejected = dataset.report.rows_rejected()
        + standard.as_ref().map(|s| s.report.rows_rejected()).unwrap_or(0);
    std::mem::forget(dataset);
    std::mem::forget(standard);
    if !global.quiet {
        let (j, n, g) = (result.jurisdictions, result.items, result.groups);
        let (e, w, i) = (
            result.count(Severity::Error),
            result.count(Severity::Warning),
            result.count(Severity::Info),
        );
        match global.lang {
            report::Lang::Zh => {
                let tail = if rejected > 0 {
                    format!("；{rejected}行未能读取")
                } else {
                    String::new()
                };
                eprintln!(
                    "qingdan check：{j}个区划、{n}条事项（{g}组），错误{e}条，警告{w}条，提示{i}条{tail}。"
                );
            }
            report::Lang::En => {
                let tail = if rejected > 0 {
                    format!("; {rejected} rows rejected")
                } else {
                    String::new()
                };
                eprintln!(
                    "qingdan check: {j} jurisdictions, {n} items ({g} groups): {e} errors, {w} warnings, {i} info{tail}."
                );
            }
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    Ok(match (threshold, result.worst()) {
        (Some(t), Some(w)) if w >= t => 1,
        _ => 0,
    })
}

/// What makes two findings the same across runs: rule, jurisdiction, item and the value found.
type Identity = (String, String, String, String);

fn identity_of(f: &Finding) -> Identity {
    (
        f.rule.to_string(),
        f.jurisdiction.as_deref().unwrap_or("").to_string(),
        f.item.as_deref().unwrap_or("").to_string(),
        f.actual.clone().unwrap_or_default(),
    )
}

/// Reads a baseline report written by `check --format json` or `--format jsonl`.
fn read_baseline(path: &Path) -> Result<BTreeSet<Identity>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let bad = |line: Option<u64>, e: serde_json::Error| Error::Input {
        file: path.display().to_string(),
        line: line.or(Some(e.line() as u64)),
        column: Some(e.column()),
        message: format!("not a check report in json or jsonl: {e}"),
    };
    let values: Vec<serde_json::Value> = if text.trim_start().starts_with('[') {
        serde_json::from_str(&text).map_err(|e| bad(None, e))?
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| serde_json::from_str(l).map_err(|e| bad(Some(n as u64 + 1), e)))
            .collect::<Result<_>>()?
    };
    let s = |v: &serde_json::Value, k: &str| {
        v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
    };
    Ok(values
        .iter()
        .map(|v| (s(v, "rule"), s(v, "jurisdiction"), s(v, "item"), s(v, "actual")))
        .collect())
}
