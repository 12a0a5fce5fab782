//! `qingdan review`: the regional review simulated before upload — one verdict per item of one or
//! more jurisdictions' lists against the standard, with the reasons the region would give.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::load::LoadOptions;
use crate::model::Level;
use crate::report::{Format, Lang};

/// Arguments of `qingdan review`.
///
/// Exit codes: 0 every item passes, 1 some item is returned (退回修改), 2 the review could not be
/// done. `--format xlsx` writes the 审核意见 workbook and needs `-o FILE`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "退出码：0 全部通过；1 有事项退回修改；2 无法审核（参数、输入或规则有误）。\n\
--format xlsx 输出《审核意见》工作簿（汇总、事项审核意见、缺失及未知事项），须同时给出 -o FILE。\n\
Exit codes: 0 all pass, 1 some item returned, 2 error. --format xlsx needs -o FILE."
)]
pub struct Args {
    /// The list(s) to review: a dataset folder or an .xlsx workbook / 待审核的实施清单。
    pub list: PathBuf,
    /// The region's standard (标准目录): a dataset folder or an .xlsx workbook.
    #[arg(long)]
    pub standard: PathBuf,
    /// 区划代码 of the list when its export lacks one / 清单缺少区划代码时指定。
    #[arg(long, value_name = "CODE")]
    pub jurisdiction: Option<String>,
    /// Level of that jurisdiction (省|市|县|镇) when its code does not tell / 层级。
    #[arg(long, value_parser = super::parse_level)]
    pub level: Option<Level>,
    /// 审核单位 named at the head of the 审核意见 workbook / 审核单位（xlsx 审核意见抬头）。
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// Output format (default: from the extension of -o, else text) / 输出格式（默认按 -o 的扩展名）。
    #[arg(long, short_alias = 'f', value_name = "F",
          value_parser = super::formats(&["text", "json", "csv", "md", "xlsx"]))]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of stdout / 输出到文件。
    #[arg(short = 'o', long = "output", alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Rules folder overriding the built-in rules (review.toml, check.toml, ...) / 规则目录。
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Force the CSV encoding (utf-8, gbk, gb18030) / 指定 CSV 编码。
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
    /// Approved local deviations (CSV or TOML; docs/CLI.md): the findings they name with their
    /// value return no item and are listed apart / 已批准的差异（例外文件）：不作为退回理由。
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
}

/// Runs `qingdan review`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let list_path = super::dataset_path(&args.list, global.lang);
    let standard_path = super::dataset_path(&args.standard, global.lang);
    let mut inputs = vec![list_path.as_path(), standard_path.as_path()];
    inputs.extend(args.rules.as_deref());
    inputs.extend(args.exceptions.as_deref());
    super::output_not_input(args.output.as_deref(), "-o", &inputs)?;
    // A report onto an input is refused before its format is looked at.
    let format = super::output_format(
        args.format,
        args.output.as_deref(),
        &[Format::Text, Format::Json, Format::Csv, Format::Md, Format::Xlsx],
        "review",
    )?;
    // Rules first: a bad rules file stops the run before any data is read.
    let rules_dir = args.rules.as_deref();
    let review_cfg = crate::review::ReviewConfig::load(rules_dir)?;
    let check_cfg = crate::check::CheckConfig::load(rules_dir)?;
    let exceptions = super::read_exceptions(args.exceptions.as_deref())?;
    let today = super::today()?;

    let level =
        args.level.or_else(|| args.jurisdiction.as_deref().and_then(Level::from_division_code));
    let list_opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        jurisdiction: args.jurisdiction.clone(),
        level,
        read: super::read_options()?,
        profile: crate::profile::requested(),
    };
    let std_opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        read: super::read_options()?,
        profile: crate::profile::requested(),
        ..Default::default()
    };
    let start = std::time::Instant::now();
    let list = crate::load::load(&list_path, &list_opts)?;
    let standard = crate::load::load(&standard_path, &std_opts)?;
    crate::load::require_items(&list)?;
    crate::load::require_items(&standard)?;

    let mut report = crate::check::run_grouped(&list, Some(&standard), &check_cfg);
    if let Some(ex) = &exceptions {
        crate::exceptions::apply(&mut report.findings, ex, &today);
    }
    // Rows are keyed as check grouped them, so that its findings land on the rows they are about.
    let keys = crate::review::keys(&list, &standard, &report);
    let review = crate::review::review(&list, &standard, &keys, &report.findings, &review_cfg);

    // A list none of whose items the standard knows was reviewed against the wrong standard (or
    // the list is not what it seems): "通过 30 项" would read as a clean list.
    let unknown = review.list_of(crate::review::ListKind::Unknown).count();
    if !list.items.is_empty() && unknown >= list.items.len() {
        return Err(Error::input2(
            list_path.display().to_string(),
            &format!(
                "清单的{unknown}项无一在标准目录（{}）中，无法审核：标准目录是否选错？",
                standard_path.display()
            ),
            &format!(
                "none of the list's {unknown} items is in the standard ({}): nothing can be reviewed (the wrong --standard?)",
                standard_path.display()
            ),
        ));
    }
    let csv = crate::report::CsvStyle::new(false, global.no_bom, global.lang);
    let opinion = crate::report::review::Opinion {
        reviewer: args.reviewer.clone(),
        standard: args.standard.display().to_string(),
        standard_date: latest_modified(&args.standard),
        date: seconds_since_epoch(std::time::SystemTime::now()).unwrap_or(0),
    };
    let mut bytes =
        crate::report::review::render_opinion(&review, format, global.lang, &opinion, csv)?;
    if format == Format::Text {
        // Control characters of the data (ESC, BEL, CR in a name) are shown, not sent.
        bytes = crate::report::escape::control_bytes(bytes);
    }
    let notes = super::load_notes(&list, global.lang);
    crate::output::write_output(args.output.as_deref(), &bytes)?;

    if !global.quiet {
        let missing = review.list_of(crate::review::ListKind::Missing).count();
        // One summary line, as every command ends: rows read and rejected, verdicts, time.
        let read = list.report.rows_read() + standard.report.rows_read();
        let rejected = list.report.rows_rejected() + standard.report.rows_rejected();
        let secs = start.elapsed().as_secs_f64();
        match global.lang {
            Lang::Zh => eprintln!(
                "qingdan review：审核 {} 项：通过 {}，退回修改 {}；缺失事项 {}，标准目录外事项 {}；读取 {read} 行（{rejected} 行未能读取），用时 {secs:.2} 秒",
                review.items.len(),
                review.passed(),
                review.returned(),
                missing,
                unknown
            ),
            Lang::En => eprintln!(
                "qingdan review: reviewed {} items: {} pass, {} returned; {} missing, {} unknown; {read} rows read ({rejected} rejected), in {secs:.2}s",
                review.items.len(),
                review.passed(),
                review.returned(),
                missing,
                unknown
            ),
        }
    }
    if !global.quiet {
        if let Some(line) = super::exceptions_line(&report.findings, global.lang) {
            eprintln!("{}{line}", global.lang.pick("qingdan review：", "qingdan review: "));
        }
        for n in &notes {
            eprintln!("{}{n}", global.lang.pick("qingdan review：", "qingdan review: "));
        }
    }
    Ok(if review.returned() > 0 { 1 } else { 0 })
}

fn seconds_since_epoch(t: std::time::SystemTime) -> Option<i64> {
    t.duration_since(std::time::UNIX_EPOCH).ok().and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// The standard's date: the latest modification of its files (a folder's entries, or the
/// workbook itself).
fn latest_modified(path: &std::path::Path) -> Option<i64> {
    let of = |p: &std::path::Path| std::fs::metadata(p).ok()?.modified().ok();
    let latest = match std::fs::read_dir(path) {
        Ok(entries) => entries.filter_map(|e| of(&e.ok()?.path())).max(),
        Err(_) => of(path),
    };
    seconds_since_epoch(latest?)
}
