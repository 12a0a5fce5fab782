//! `qingdan check DATASET [--standard STD]`: the nightly consistency report over every
//! jurisdiction of a dataset, against a standard or the consensus of peers.

use std::path::PathBuf;

use crate::check::{self, CheckConfig};
use crate::error::Result;
use crate::load::{self, LoadOptions};
use crate::model::Severity;
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
    /// Yesterday's findings (jsonl, from --write-baseline or --format jsonl): each finding is
    /// marked new or persisting and the resolved ones are listed / 基线：标注新增、持续、已解决。
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// csv: leave cells beginning with = + - @ as they are (by default they are prefixed with ')
    /// / csv 不加防公式前缀。
    #[arg(long)]
    pub raw: bool,
    /// Write today's findings to FILE (jsonl, atomically) as tomorrow's baseline / 写出基线。
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity remains (default: error).
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: FailOn,
    /// Force the encoding of CSV files (utf-8, gbk, gb18030); detected by default.
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
}

/// Runs `qingdan check`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    if let Some(b) = &args.baseline {
        super::regular_input(b, "--baseline")?;
    }
    let mut inputs = vec![args.dataset.as_path()];
    inputs.extend(args.standard.as_deref());
    inputs.extend(args.baseline.as_deref());
    inputs.extend(args.rules.as_deref());
    super::output_not_input(args.output.as_deref(), "-o", &inputs)?;
    super::output_not_input(args.write_baseline.as_deref(), "--write-baseline", &inputs)?;
    // A bad rules file stops the run before any data is read.
    let config = CheckConfig::load(args.rules.as_deref())?;
    let start = std::time::Instant::now();
    let progress = crate::progress::Progress::new(global.quiet);
    let baseline = args.baseline.as_deref().map(crate::baseline::read).transpose()?;
    let opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        ..LoadOptions::default()
    };
    let mut prof = crate::profile::Profile::from_env("check");
    let stage = progress.stage(global.lang.pick("读取数据", "loading"));
    // The standard (small, read mostly on one thread) is read beside the dataset.
    let (dataset, standard) = rayon::join(
        || load::load(&args.dataset, &opts),
        || args.standard.as_deref().map(|p| load::load(p, &opts)).transpose(),
    );
    let (dataset, standard) = (dataset?, standard?);
    load::require_items(&dataset)?;
    if let Some(s) = &standard {
        load::require_items(s)?;
    }
    prof.stage("load (and the standard)");
    stage.done();
    let stage = progress.stage(global.lang.pick("检查", "checking"));
    // The html and xlsx reports show the variant tables, which read the run's grouping.
    let keep_grouping = matches!(args.format, Format::Html | Format::Xlsx);
    let result =
        check::run_profiled(&dataset, standard.as_ref(), &config, &mut prof, keep_grouping);
    stage.done();
    let comparison = baseline.as_ref().map(|b| crate::baseline::compare(&result.findings, b));
    let fresh: Vec<_> = match &comparison {
        Some(c) => result
            .findings
            .iter()
            .zip(&c.status)
            .filter(|(_, st)| **st == crate::baseline::Status::New)
            .map(|(f, _)| f.clone())
            .collect(),
        None => result.findings.clone(),
    };
    let stage = progress.stage(global.lang.pick("生成报告", "writing the report"));
    let bytes = match args.format {
        Format::Html | Format::Xlsx => {
            let view = check::variants::compute(&dataset, standard.as_ref(), &config, &result);
            if args.format == Format::Html {
                report::html::check_page(&report::html::CheckPage {
                    report: &result,
                    view: &view,
                    baseline: comparison.as_ref(),
                    source: &dataset.source,
                    lang: global.lang,
                })
                .into_bytes()
            } else {
                report::check_xlsx::render(&result, &view, comparison.as_ref(), global.lang)?
            }
        }
        // The machine and plain formats list only what is new since the baseline (the nightly
        // "what appeared today"); html and xlsx show everything, marked new or persisting.
        Format::Csv => report::findings::csv(
            &fresh,
            global.lang,
            report::CsvStyle::new(args.raw, global.no_bom, global.lang),
        )?,
        _ => report::findings::render_named(&fresh, args.format, global.lang, &result.names)?,
    };
    prof.stage("render");
    let mut bytes = bytes;
    if let (Format::Text, Some(c)) = (args.format, &comparison) {
        bytes.extend_from_slice(crate::baseline::resolved_text(c, global.lang).as_bytes());
    }
    if args.format == Format::Text {
        // Control characters of the data (ESC, BEL, CR in a name) are shown, not sent.
        bytes = report::escape::control_bytes(bytes);
    }
    crate::output::write_output(args.output.as_deref(), &bytes)?;
    if let Some(path) = &args.write_baseline {
        crate::output::write_atomic(
            path,
            &crate::baseline::to_jsonl(&result.findings, &crate::report::message::message)?,
        )?;
    }
    prof.stage("write");
    prof.finish();
    stage.done();
    let rejected = dataset.report.rows_rejected()
        + standard.as_ref().map(|s| s.report.rows_rejected()).unwrap_or(0);
    let read =
        dataset.report.rows_read() + standard.as_ref().map(|s| s.report.rows_read()).unwrap_or(0);
    // Freeing millions of small allocations one by one costs ~5% of the run (perf); the
    // process ends right after, and the OS takes the memory back at once.
    std::mem::forget(dataset);
    std::mem::forget(standard);
    if !global.quiet {
        let secs = start.elapsed().as_secs_f64();
        let (j, n, g) = (result.jurisdictions, result.items, result.groups);
        let (e, w, i) = (
            result.count(Severity::Error),
            result.count(Severity::Warning),
            result.count(Severity::Info),
        );
        match global.lang {
            report::Lang::Zh => {
                let mut tail = if rejected > 0 {
                    format!("；{rejected}行未能读取")
                } else {
                    String::new()
                };
                if let Some(c) = &comparison {
                    tail.push('；');
                    tail.push_str(&c.summary(global.lang));
                }
                eprintln!(
                    "qingdan check：{j}个区划、{n}条事项（{g}组），错误{e}条，警告{w}条，提示{i}条，读取{read}行{tail}，用时{secs:.2}秒。"
                );
            }
            report::Lang::En => {
                let mut tail = if rejected > 0 {
                    format!("; {rejected} rows rejected")
                } else {
                    String::new()
                };
                if let Some(c) = &comparison {
                    tail.push_str("; ");
                    tail.push_str(&c.summary(global.lang));
                }
                eprintln!(
                    "qingdan check: {j} jurisdictions, {n} items ({g} groups): {e} errors, {w} warnings, {i} info, {read} rows read{tail}, in {secs:.2}s."
                );
            }
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    // With a baseline only new findings fail the run.
    Ok(match (threshold, fresh.iter().filter(|f| f.is_root()).map(|f| f.severity).max()) {
        (Some(t), Some(w)) if w >= t => 1,
        _ => 0,
    })
}
