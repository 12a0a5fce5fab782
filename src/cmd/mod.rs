//! The command line: one file per subcommand, each with its arguments and `run`.

pub mod check;
pub mod diff;
pub mod gen;
pub mod inspect;
pub mod review;
pub mod rules;

use clap::{Parser, Subcommand};

use crate::error::Result;
use crate::report::Lang;

/// qingdan (清单): keeps a region's administrative power lists consistent —
/// 同一事项、同一标准、同一编码、上下对应、有效衔接.
///
/// 检查各级行政权力事项实施清单的一致性（check），比较两个版本的简化程度（diff），
/// 在上报前模拟区级审核（review）。
#[derive(Debug, Parser)]
#[command(name = "qingdan", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Language of human-readable output / 输出语言: zh (中文, default) or en.
    #[arg(long, global = true, value_enum, default_value = "zh")]
    pub lang: Lang,
    /// Worker threads (default: all cores). Output is identical whatever the count.
    /// 线程数（默认全部核心），输出与线程数无关。
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// No progress bars or summary line on stderr / 不显示进度。
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// csv for a script: no UTF-8 BOM, the stable English keys, codes as they are (by default
    /// csv is for Excel: a BOM, Chinese headers under --lang zh, codes keeping their leading
    /// zeros) / csv 供脚本读取：不加 BOM，英文列名。
    #[arg(long, global = true)]
    pub no_bom: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Nightly consistency report over every jurisdiction / 一致性检查（按标准目录或同级多数）。
    Check(check::Args),
    /// Simulate the regional review of a list before upload / 上报前模拟审核，逐项给出通过或退回。
    Review(review::Args),
    /// Compare two versions: what changed and how much simpler / 比较两个版本，评估简化程度。
    Diff(diff::Args),
    /// Show what was read from a dataset / 查看数据集读取情况。
    Inspect(inspect::Args),
    /// List the rules, or explain one (qingdan rules QD101) / 列出或解释检查规则。
    Rules(rules::Args),
    /// Generate a realistic dataset with recorded faults / 生成带已知问题的示例数据。
    Gen(gen::Args),
}

/// Refuses an input named on the command line that is not a regular file: opening a named pipe
/// nobody writes to blocks for ever, and a device never ends.
pub(crate) fn regular_input(path: &std::path::Path, what: &str) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| crate::error::Error::io(path, e))?;
    if meta.is_file() {
        return Ok(());
    }
    Err(crate::error::Error::input(
        path.display().to_string(),
        format!("{what} must be a file, not a {}", crate::load::kind_of(&meta)),
    ))
}

/// Refuses `-o` (or `--write-baseline`) naming a file the run reads: `check DS -o DS/items.csv`
/// would replace the list with the report. `inputs` are datasets (folders: every file in them),
/// workbooks, baselines and rules folders.
pub(crate) fn output_not_input(
    output: Option<&std::path::Path>,
    flag: &str,
    inputs: &[&std::path::Path],
) -> Result<()> {
    let Some(output) = output.filter(|o| o.as_os_str() != "-") else { return Ok(()) };
    let Ok(out) = std::fs::metadata(output) else { return Ok(()) };
    if !out.is_file() {
        return Ok(());
    }
    let same = |p: &std::path::Path| {
        std::fs::metadata(p).is_ok_and(|m| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                m.is_file() && m.dev() == out.dev() && m.ino() == out.ino()
            }
            #[cfg(not(unix))]
            {
                m.is_file() && std::fs::canonicalize(p).ok() == std::fs::canonicalize(output).ok()
            }
        })
    };
    for input in inputs {
        let hit = if input.is_dir() {
            std::fs::read_dir(input)
                .map(|es| es.flatten().any(|e| same(&e.path())))
                .unwrap_or(false)
        } else {
            same(input)
        };
        if hit {
            return Err(crate::error::Error::Usage(format!(
                "{flag} {}: that file is an input of this run ({}); the report would replace it",
                output.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> Result<i32> {
    if let Some(n) = cli.global.threads {
        // Thousands of threads only cost time to start (hostile suite: 5,000 took over a minute);
        // nothing here scales past a few hundred.
        let n = n.clamp(1, 256);
        // Ignore the error when a pool already exists (tests calling run twice).
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n).build_global();
    }
    match &cli.command {
        Command::Check(args) => check::run(args, &cli.global),
        Command::Review(args) => review::run(args, &cli.global),
        Command::Diff(args) => diff::run(args, &cli.global),
        Command::Inspect(args) => inspect::run(args, &cli.global),
        Command::Rules(args) => rules::run(args, &cli.global),
        Command::Gen(args) => gen::run(args, &cli.global),
    }
}
