//! `qingdan inspect`: what was read from a dataset — jurisdictions per level, items per
//! category, rows read / loaded / rejected per file, the encoding detected, ignored columns and
//! the diagnostics. The first thing to run on a new export. The arguments and the run are here;
//! the report is rendered by `crate::report::inspect`.

use std::path::PathBuf;

use crate::error::Result;
use crate::load::{load, LoadOptions};
use crate::model::Level;
use crate::output::write_output;
use crate::report::Format;

/// Arguments of `qingdan inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset: a folder of CSV files, an .xlsx workbook, or one exported CSV file
    /// / 数据集：CSV 文件夹、xlsx 工作簿或单个导出的 CSV 文件。
    pub dataset: PathBuf,
    /// Output format: text (default) or json / 输出格式。
    #[arg(long, short_alias = 'f', value_name = "F", value_parser = super::formats(&["text", "json"]))]
    pub format: Option<Format>,
    /// Force the encoding of CSV files (utf-8, gbk, gb18030); detected by default / 指定编码。
    #[arg(long)]
    pub encoding: Option<String>,
    /// Rules folder overriding the built-in rules (columns.toml) / 规则目录。
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// 区划代码 for a list that has none (one jurisdiction's export) / 为缺少区划代码的清单指定区划。
    #[arg(long)]
    pub jurisdiction: Option<String>,
    /// Level of that jurisdiction (省/市/县/镇) / 该区划的层级。
    #[arg(long, value_parser = super::parse_level)]
    pub level: Option<Level>,
    /// Write the report to FILE instead of stdout / 输出到文件。
    #[arg(short = 'o', long = "output", alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `qingdan inspect`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        jurisdiction: args.jurisdiction.clone(),
        level: args.level,
        read: super::read_options()?,
        profile: crate::profile::requested(),
    };
    let dataset_path = super::dataset_path(&args.dataset, global.lang);
    let mut inputs = vec![dataset_path.as_path()];
    inputs.extend(args.rules.as_deref());
    super::output_not_input(args.output.as_deref(), "-o", &inputs)?;
    // A report onto an input is refused before its format is looked at.
    let format = super::output_format(
        args.format,
        args.output.as_deref(),
        &[Format::Text, Format::Json],
        "inspect",
    )?;
    let dataset = load(&dataset_path, &opts)?;
    let bytes = crate::report::inspect::render(&dataset, format, global.lang)?;
    // Text quotes cells (a rejected row, a code as typed): their control characters are shown,
    // not sent to the terminal. json escapes them itself.
    let bytes =
        if format == Format::Text { crate::report::escape::control_bytes(bytes) } else { bytes };
    write_output(args.output.as_deref(), &bytes)?;
    // The report says what was read and why each row was rejected; the run still fails when
    // no item could be loaded.
    crate::load::require_items(&dataset)?;
    // A province is millions of small allocations; the process is about to exit, so let the OS
    // reclaim them at once instead of freeing them one by one.
    std::mem::forget(dataset);
    Ok(0)
}
