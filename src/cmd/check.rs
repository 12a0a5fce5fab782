//! `qingdan check DATASET [--standard STD]`: the nightly consistency report over every
//! jurisdiction of a dataset, against a standard or the consensus of peers.

use std::path::{Path, PathBuf};

use crate::check::{self, CheckConfig, CheckReport};
use crate::error::{Error, Result};
use crate::load::{self, LoadOptions};
use crate::model::Severity;
use crate::report::{self, Format};

/// What makes the run exit 1: the lowest severity of a finding, and rows that could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A finding at error level.
    Error,
    /// A finding at warning level or above.
    Warning,
    /// No finding makes the run fail (the run still fails on `rejected` when that is given too).
    Never,
    /// A row of the dataset or the standard that could not be read (added to the severity:
    /// `--fail-on rejected` is `--fail-on error,rejected`).
    Rejected,
}

/// The exit code of a finished check: 1 when a finding at or above the severity of `fail_on`
/// remains (error unless a severity or `never` is given), or when `rejected` is given and rows
/// were rejected; else 0.
pub(crate) fn exit_code(fail_on: &[FailOn], worst: Option<Severity>, rejected: u64) -> i32 {
    let threshold = fail_on.iter().rev().find_map(|f| match f {
        FailOn::Error => Some(Some(Severity::Error)),
        FailOn::Warning => Some(Some(Severity::Warning)),
        FailOn::Never => Some(None),
        FailOn::Rejected => None,
    });
    let threshold = threshold.unwrap_or(Some(Severity::Error));
    let by_findings = matches!((threshold, worst), (Some(t), Some(w)) if w >= t);
    let by_rows = fail_on.contains(&FailOn::Rejected) && rejected > 0;
    i32::from(by_findings || by_rows)
}

/// Arguments of `qingdan check`.
///
/// Groups the same item across every jurisdiction and reports where it differs from the standard
/// (--standard) or from most of its peers at the same level. 按标准目录或同级多数检查一致性。
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset: a folder of CSV files, an .xlsx workbook, or one exported CSV file (a file
    /// of a dataset folder reads the folder) / 数据集（文件夹、.xlsx 或单个导出的 CSV 文件）。
    pub dataset: PathBuf,
    /// The region's standard (标准目录), same layout; without it peers' consensus is the reference.
    #[arg(long, value_name = "STD")]
    pub standard: Option<PathBuf>,
    /// Rules folder overriding the built-in rules/ (check.toml, columns.toml, laws.csv).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// 区划代码 of the list when its export lacks one (one jurisdiction's list) / 清单缺少区划代码时指定。
    #[arg(long, value_name = "CODE")]
    pub jurisdiction: Option<String>,
    /// Level of that jurisdiction (省|市|县|镇) when its code does not tell / 该区划的层级。
    #[arg(long, value_parser = super::parse_level)]
    pub level: Option<crate::model::Level>,
    /// Force the encoding of CSV files (utf-8, gbk, gb18030); detected by default.
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
    /// Do only shard K of N (0 <= K < N) of the work, the item groups whose code hashes to K,
    /// and write it to -o as a partial result for `qingdan merge` (docs/CLI.md "Shards") / 只做
    /// N 个分片中的第 K 个，写出分片结果供 merge 合并。
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,
}

/// The options of a check report, shared by `check` and by `merge` of check's partial results.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Output format (default: from the extension of -o, else text) / 输出格式（默认按 -o 的扩展名）。
    #[arg(long, short_alias = 'f', value_name = "F",
          value_parser = super::formats(&["text", "json", "jsonl", "csv", "md", "html", "xlsx"]))]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of stdout / 输出到文件。
    #[arg(short = 'o', long = "output", alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Yesterday's findings (jsonl, from --write-baseline or --format jsonl): each finding is
    /// marked new or persisting and the resolved ones are listed. Missing on the first night
    /// (with --write-baseline): everything is new, and both files are written / 基线：标注新增、
    /// 持续、已解决；首次运行基线不存在时（同时给出 --write-baseline）照常写出报告和基线。
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// csv: leave cells beginning with = + - @ as they are (by default they are prefixed with ')
    /// / csv 不加防公式前缀。
    #[arg(long)]
    pub raw: bool,
    /// Write today's findings to FILE (jsonl, atomically) as tomorrow's baseline / 写出基线。
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity remains (error, the default; warning;
    /// never), and with `rejected` also when rows could not be read; comma-separated
    /// (`--fail-on warning,rejected`) / 退出码 1 的条件：错误（默认）、警告、never；rejected 表示有行未能读取时也返回 1。
    #[arg(long, value_enum, value_delimiter = ',', default_value = "error", value_name = "LEVEL")]
    pub fail_on: Vec<FailOn>,
    /// Approved local deviations (CSV or TOML; docs/CLI.md): the findings they name with their
    /// value are listed apart and counted for nothing / 已批准的差异（例外文件）：单独列出，不计入。
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
}

/// What a check report says of its inputs beyond the findings: where the dataset was read from,
/// what loading left out or guessed (both languages), rows read and rejected.
pub struct Inputs {
    pub source: String,
    pub notes_zh: Vec<String>,
    pub notes_en: Vec<String>,
    pub read: u64,
    pub rejected: u64,
}

impl Inputs {
    /// Of a dataset and its standard, as loaded.
    pub fn of(dataset: &crate::model::Dataset, standard: Option<&crate::model::Dataset>) -> Inputs {
        // What loading left out or guessed is said in the report too, not only in inspect.
        let notes = |lang: crate::vocab::Lang| {
            let mut notes = super::load_notes(dataset, lang);
            if let Some(s) = standard {
                let mut of_std = super::load_notes(s, lang);
                if !of_std.is_empty() {
                    let head = lang.pick("标准目录：", "the standard: ");
                    of_std.iter_mut().for_each(|n| n.insert_str(0, head));
                    notes.extend(of_std);
                }
            }
            notes
        };
        Inputs {
            source: dataset.source.clone(),
            notes_zh: notes(crate::vocab::Lang::Zh),
            notes_en: notes(crate::vocab::Lang::En),
            read: dataset.report.rows_read() + standard.map(|s| s.report.rows_read()).unwrap_or(0),
            rejected: dataset.report.rows_rejected()
                + standard.map(|s| s.report.rows_rejected()).unwrap_or(0),
        }
    }
}

/// A check report's options, checked, and what they read, before any data is read.
pub(crate) struct Prepared {
    format: Format,
    first_night: bool,
    baseline_path: Option<PathBuf>,
    baseline: Option<Vec<crate::baseline::Record>>,
    exceptions: Option<crate::exceptions::Exceptions>,
    today: String,
}

impl ReportArgs {
    /// Checks the options against the run's `inputs` (no report onto an input; a baseline that
    /// exists unless this is the first night) and reads the baseline and the exceptions.
    pub(crate) fn prepare(&self, inputs: &[&Path], command: &str) -> Result<Prepared> {
        // The first night: no baseline yet, and tonight's is being written. Everything is new.
        let first_night = match (&self.baseline, &self.write_baseline) {
            (Some(b), Some(_)) => !b.exists(),
            _ => false,
        };
        let baseline_path = self.baseline.as_deref().filter(|_| !first_night);
        if let Some(b) = baseline_path {
            if !b.exists() {
                return Err(Error::input2(
                    b.display().to_string(),
                    "基线文件不存在（首次运行请同时给出 --write-baseline，今晚的结果即成为明天的基线）",
                    "the baseline does not exist (on the first night give --write-baseline too: tonight's findings become tomorrow's baseline)",
                ));
            }
            super::regular_input(b, "--baseline")?;
        }
        let mut inputs = inputs.to_vec();
        inputs.extend(self.exceptions.as_deref());
        // Tonight's baseline may replace yesterday's in place (one file kept from night to
        // night): the baseline is read whole before anything is written, and the write is
        // atomic.
        super::output_not_input(self.write_baseline.as_deref(), "--write-baseline", &inputs)?;
        inputs.extend(baseline_path);
        super::output_not_input(self.output.as_deref(), "-o", &inputs)?;
        // A report onto an input is refused before its format is looked at.
        let format = super::output_format(
            self.format,
            self.output.as_deref(),
            super::EVERY_FORMAT,
            command,
        )?;
        let exceptions = super::read_exceptions(self.exceptions.as_deref())?;
        let today = super::today()?;
        let baseline = baseline_path.map(crate::baseline::read).transpose()?;
        Ok(Prepared {
            format,
            first_night,
            baseline_path: baseline_path.map(Path::to_path_buf),
            baseline,
            exceptions,
            today,
        })
    }
}

/// Runs `qingdan check`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let dataset_path = super::dataset_path(&args.dataset, global.lang);
    let standard_path = args.standard.as_deref().map(|s| super::dataset_path(s, global.lang));
    let mut inputs = vec![dataset_path.as_path()];
    inputs.extend(standard_path.as_deref());
    inputs.extend(args.rules.as_deref());
    if let Some(shard) = args.shard {
        shard_options(&args.report, shard)?;
    }
    let prep = args.report.prepare(&inputs, "check")?;
    // A bad rules file stops the run before any data is read.
    let config = CheckConfig::load(args.rules.as_deref())?;
    let start = std::time::Instant::now();
    let progress = crate::progress::Progress::new(global.quiet);
    let level = args
        .level
        .or_else(|| args.jurisdiction.as_deref().and_then(crate::model::Level::from_division_code));
    let opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        jurisdiction: args.jurisdiction.clone(),
        level,
        read: super::read_options()?,
        profile: crate::profile::requested(),
    };
    // The standard has its own codes: --jurisdiction is the list's.
    let std_opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        read: super::read_options()?,
        profile: crate::profile::requested(),
        ..LoadOptions::default()
    };
    let mut prof = crate::profile::Profile::from_env("check");
    let total = load::input_bytes(&dataset_path)
        + standard_path.as_deref().map(load::input_bytes).unwrap_or(0);
    let loading = global.lang.pick("读取数据", "loading");
    let stage =
        progress.bytes(loading, total, load::bytes_read, global.lang == crate::vocab::Lang::Zh);
    // The standard (small, read mostly on one thread) is read beside the dataset.
    let (dataset, standard) = rayon::join(
        || load::load(&dataset_path, &opts),
        || standard_path.as_deref().map(|p| load::load(p, &std_opts)).transpose(),
    );
    let (dataset, standard) = (dataset?, standard?);
    load::require_items(&dataset)?;
    if let Some(s) = &standard {
        load::require_items(s)?;
    }
    prof.stage("load (and the standard)");
    stage.done();
    let stage = progress.stage(global.lang.pick("检查", "checking"));
    // The html and xlsx reports show the variant tables, which read the run's grouping (and a
    // shard writes its groups' tables for whatever format the merge writes).
    let keep_grouping = args.shard.is_some() || matches!(prep.format, Format::Html | Format::Xlsx);
    let shard = args.shard.unwrap_or(crate::shard::Shard::WHOLE);
    let result =
        check::run_profiled(&dataset, standard.as_ref(), &config, &mut prof, keep_grouping, shard);
    stage.done();
    let inputs = Inputs::of(&dataset, standard.as_ref());
    let code = match args.shard {
        Some(shard) => {
            let tables =
                check::variants::tables(&dataset, standard.as_ref(), &config, &result, shard);
            let run = super::partial::fingerprint(&[
                "check",
                &dataset.source,
                standard.as_ref().map(|s| s.source.as_str()).unwrap_or(""),
                &args.rules.as_deref().map(|r| r.display().to_string()).unwrap_or_default(),
                &dataset.items.len().to_string(),
                &standard.as_ref().map(|s| s.items.len()).unwrap_or(0).to_string(),
                &inputs.read.to_string(),
                &result.jurisdictions.to_string(),
            ]);
            let partial = super::partial::CheckPartial::new(
                shard,
                run,
                &result,
                &dataset.jurisdictions,
                inputs,
                tables,
            );
            let out = args.report.output.as_deref().unwrap_or(Path::new("-"));
            crate::output::write_output(Some(out), &partial.to_json()?)?;
            prof.stage("write");
            prof.finish();
            if !global.quiet {
                let secs = start.elapsed().as_secs_f64();
                let (n, g, f) = (result.items, result.groups, result.findings.len());
                match global.lang {
                    report::Lang::Zh => eprintln!(
                        "qingdan check：分片{shard}：{g}组、{n}条事项，问题{f}条（未合并），已写出 {}，用时{secs:.2}秒。",
                        out.display()
                    ),
                    report::Lang::En => eprintln!(
                        "qingdan check: shard {shard}: {g} groups, {n} items, {f} findings (before the merge), written to {}, in {secs:.2}s.",
                        out.display()
                    ),
                }
            }
            0
        }
        None => {
            let view =
                |r: &CheckReport| check::variants::compute(&dataset, standard.as_ref(), &config, r);
            write_report(
                &args.report,
                global,
                prep,
                result,
                &view,
                &inputs,
                "check",
                start,
                &mut prof,
            )?
        }
    };
    // Freeing millions of small allocations one by one costs ~5% of the run (perf); the
    // process ends right after, and the OS takes the memory back at once.
    std::mem::forget(dataset);
    std::mem::forget(standard);
    Ok(code)
}

/// A shard writes its partial result to a file; baselines and exceptions are the merge's.
fn shard_options(report: &ReportArgs, shard: crate::shard::Shard) -> Result<()> {
    let refused = [
        (report.format.is_some(), "--format"),
        (report.baseline.is_some(), "--baseline"),
        (report.write_baseline.is_some(), "--write-baseline"),
        (report.exceptions.is_some(), "--exceptions"),
        (report.raw, "--raw"),
    ];
    if let Some((_, flag)) = refused.iter().find(|(given, _)| *given) {
        return Err(Error::usage2(
            &format!("--shard {shard} 只写出分片结果：{flag} 请交给 qingdan merge"),
            &format!("--shard {shard} writes a partial result only: give {flag} to qingdan merge"),
        ));
    }
    if report.output.as_deref().is_none_or(|o| o.as_os_str() == "-") {
        return Err(Error::usage2(
            &format!("--shard {shard} 需要 -o 文件（分片结果）"),
            &format!("--shard {shard} needs -o FILE (the partial result)"),
        ));
    }
    Ok(())
}

/// Writes the report of a finished check (`result`, before exceptions and baselines; `view`
/// gives the html and xlsx reports' tables) as `report` asks, says the summary on stderr as
/// `command`, and gives the exit code.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_report(
    args: &ReportArgs,
    global: &super::Global,
    prep: Prepared,
    mut result: CheckReport,
    view: &dyn Fn(&CheckReport) -> check::variants::View,
    inputs: &Inputs,
    command: &str,
    start: std::time::Instant,
    prof: &mut crate::profile::Profile,
) -> Result<i32> {
    let Prepared { format, first_night, baseline_path, baseline, exceptions, today } = prep;
    let progress = crate::progress::Progress::new(global.quiet);
    if let Some(ex) = &exceptions {
        crate::exceptions::apply(&mut result.findings, ex, &today);
    }
    let baseline_path = baseline_path.as_deref();
    let night = crate::baseline::Night {
        run: super::run_name(&today),
        baseline_date: baseline_path
            .and_then(crate::baseline::written_on)
            .unwrap_or_else(|| today.clone()),
        today: today.clone(),
    };
    let comparison =
        baseline.as_ref().map(|b| crate::baseline::compare_on(&result.findings, b, Some(&night)));
    // Since when each finding has been reported, from the baseline (a run without one writes
    // tonight's date into the baseline it writes, and its report is as it always was).
    if let Some(c) = &comparison {
        for (f, since) in result.findings.iter_mut().zip(&c.since) {
            f.since = Some(Box::new(since.clone()));
        }
    }
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
    let bytes = match format {
        Format::Html | Format::Xlsx => {
            let view = view(&result);
            if format == Format::Html {
                report::check_html::check_page(&report::check_html::CheckPage {
                    report: &result,
                    view: &view,
                    baseline: comparison.as_ref(),
                    source: &inputs.source,
                    lang: global.lang,
                })
                .into_bytes()
            } else {
                report::check_xlsx::render(&result, &view, comparison.as_ref(), global.lang)?
            }
        }
        // The machine and plain formats list only what is new since the baseline (the nightly
        // "what appeared today"); html and xlsx show everything, marked new or persisting.
        Format::Csv => report::findings::csv_with(
            &fresh,
            global.lang,
            report::CsvStyle::new(args.raw, global.no_bom, global.lang),
            exceptions.is_some(),
        )?,
        _ => report::findings::render_named(&fresh, format, global.lang, &result.names)?,
    };
    prof.stage("render");
    let mut bytes = bytes;
    if let (Format::Text, Some(c)) = (format, &comparison) {
        bytes.extend_from_slice(crate::baseline::resolved_text(c, global.lang).as_bytes());
    }
    let mut notes = match global.lang {
        report::Lang::Zh => inputs.notes_zh.clone(),
        report::Lang::En => inputs.notes_en.clone(),
    };
    if matches!(format, Format::Text | Format::Md) && !notes.is_empty() {
        let head = global.lang.pick("读取问题", "Reading problems");
        let md = format == Format::Md;
        let mut s = if md { format!("\n## {head}\n\n") } else { format!("\n{head}\n") };
        for n in &notes {
            s.push_str(if md { "- " } else { "  " });
            s.push_str(n);
            s.push('\n');
        }
        bytes.extend_from_slice(s.as_bytes());
    }
    // Said on the terminal at the end (not a reading problem): name matching was bounded.
    if result.capped_name_lists > 0 {
        let (n, cap) = (result.capped_name_lists, check::matching::LIST_CAP);
        notes.push(match global.lang {
            report::Lang::Zh => format!(
                "名称匹配：有{n}次某个二字词被过多事项共用，只比较了其中优先的{cap}个候选（事项极多且编码互不相同时为限制用时而设），个别改名事项可能未被认出。"
            ),
            report::Lang::En => format!(
                "name matching: {n} times a bigram was shared by so many items that only the first {cap} candidates were compared (a bound on time where very many items share no code); a few renamed items may go unrecognised."
            ),
        });
    }
    if format == Format::Text {
        // Control characters of the data (ESC, BEL, CR in a name) are shown, not sent.
        bytes = report::escape::control_bytes(bytes);
        if args.output.is_none() && super::color_stdout() {
            bytes = super::paint_severities(bytes);
        }
    }
    crate::output::write_output(args.output.as_deref(), &bytes)?;
    if let Some(path) = &args.write_baseline {
        crate::output::write_atomic(
            path,
            &crate::baseline::to_jsonl_on(
                &result.findings,
                &crate::report::message::message,
                &night.tonight(),
            )?,
        )?;
    }
    if first_night && !global.quiet {
        let (b, w) = (
            args.baseline.as_deref().unwrap_or(Path::new("")).display(),
            args.write_baseline.as_deref().unwrap_or(Path::new("")).display(),
        );
        match global.lang {
            report::Lang::Zh => eprintln!(
                "qingdan {command}：首次运行：基线 {b} 不存在，全部问题按新增计；报告已写出，今晚的结果已写入 {w}，作为明天的基线。"
            ),
            report::Lang::En => eprintln!(
                "qingdan {command}: first night: the baseline {b} does not exist, every finding counts as new; the report is written, and tonight's findings are in {w} as tomorrow's baseline."
            ),
        }
    }
    prof.stage("write");
    prof.finish();
    stage.done();
    let (read, rejected) = (inputs.read, inputs.rejected);
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
                    "qingdan {command}：{j}个区划、{n}条事项（{g}组），错误{e}条，警告{w}条，提示{i}条，读取{read}行{tail}，用时{secs:.2}秒。"
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
                    "qingdan {command}: {j} jurisdictions, {n} items ({g} groups): {e} errors, {w} warnings, {i} info, {read} rows read{tail}, in {secs:.2}s."
                );
            }
        }
    }
    if !global.quiet {
        if let Some(line) = super::exceptions_line(&result.findings, global.lang) {
            eprintln!("qingdan {command}{}{line}", global.lang.pick("：", ": "));
        }
        for n in &notes {
            eprintln!("qingdan {command}{}{n}", global.lang.pick("：", ": "));
        }
    }
    // With a baseline only new findings fail the run.
    let worst = fresh.iter().filter(|f| f.counts()).map(|f| f.severity).max();
    Ok(exit_code(&args.fail_on, worst, rejected))
}
