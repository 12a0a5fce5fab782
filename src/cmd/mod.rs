//! The command line: one file per subcommand, each with its arguments and `run`.

pub mod check;
pub mod diff;
pub mod exceptions;
pub mod fix;
pub mod gen;
pub mod inspect;
pub mod merge;
pub mod partial;
pub mod review;
pub mod rules;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::model::Dataset;
use crate::report::{Format, Lang};

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
    /// Colour on a terminal: auto (default; NO_COLOR turns it off), always or never. Files and
    /// pipes never get colour under auto / 终端颜色：auto（默认，遵守 NO_COLOR）、always、never。
    #[arg(long, global = true, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorWhen,
}

/// When to colour what goes to a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// Sets the choice for the whole run (anstream reads NO_COLOR, CLICOLOR_FORCE and TERM).
    pub fn apply(self) {
        anstream::ColorChoice::write_global(match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        });
    }
}

/// How CSV files are read, from `QINGDAN_READ` (docs/CLI.md: `mmap`, `block=N`, `piece=N`): the
/// one place the environment reaches the reader, for tests and measurements.
pub(crate) fn read_options() -> Result<crate::load::ReadOptions> {
    let Some(value) = std::env::var_os("QINGDAN_READ") else { return Ok(Default::default()) };
    let text = value.to_string_lossy();
    crate::load::ReadOptions::parse(&text).map_err(|why| {
        Error::usage2(
            &format!("QINGDAN_READ={text} 无法识别：{why}"),
            &format!("QINGDAN_READ={text}: {why}"),
        )
    })
}

/// Today's date (YYYY-MM-DD, UTC): `QINGDAN_TODAY` when set (tests and replays of a past night
/// set it; docs/CLI.md), else the system clock. Read here once, never by the library.
pub(crate) fn today() -> Result<String> {
    match std::env::var("QINGDAN_TODAY") {
        Ok(d) if crate::date::is_valid(d.trim()) => Ok(d.trim().to_string()),
        Ok(d) => Err(Error::usage2(
            &format!("QINGDAN_TODAY={d} 不是 YYYY-MM-DD 格式的日期"),
            &format!("QINGDAN_TODAY={d} is not a date written YYYY-MM-DD"),
        )),
        Err(_) => Ok(crate::date::today_by_clock()),
    }
}

/// The name of this run in the baseline (`first_run`): `QINGDAN_RUN` when set (a nightly job's
/// own id), else today's date.
pub(crate) fn run_name(today: &str) -> String {
    match std::env::var("QINGDAN_RUN") {
        Ok(r) if !r.trim().is_empty() => r.trim().to_string(),
        _ => today.to_string(),
    }
}

/// `--exceptions FILE`, read and checked before any data is read (a bad file is exit 2 naming
/// file, line and column).
pub(crate) fn read_exceptions(
    path: Option<&Path>,
) -> Result<Option<crate::exceptions::Exceptions>> {
    path.map(|p| {
        regular_input(p, "--exceptions")?;
        crate::exceptions::read(p)
    })
    .transpose()
}

/// The stderr line after a run with `--exceptions`: how many findings were approved and how many
/// exceptions lapsed. None when nothing lapsed and nothing was approved.
pub(crate) fn exceptions_line(findings: &[crate::model::Finding], lang: Lang) -> Option<String> {
    let approved = findings.iter().filter(|f| f.approved.is_some()).count();
    let expired = findings
        .iter()
        .filter(|f| {
            f.exception.as_ref().is_some_and(|x| x.status == crate::model::LapseKind::Expired)
        })
        .count();
    let changed = findings.iter().filter(|f| f.exception.is_some()).count() - expired;
    if approved + expired + changed == 0 {
        return None;
    }
    Some(match lang {
        Lang::Zh => format!(
            "已批准的差异{approved}条（不计入）；例外已到期{expired}条、批准值已变化{changed}条，这些问题照常报告（qingdan exceptions --check 列出未用和到期的例外）"
        ),
        Lang::En => format!(
            "{approved} approved deviations (not counted); {expired} findings whose exception expired and {changed} whose approved value changed are reported as usual (qingdan exceptions --check lists unused and expired exceptions)"
        ),
    })
}

/// True when what is written to stdout gets colour (after [`ColorWhen::apply`]).
pub fn color_stdout() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// True when what is written to stderr gets colour (after [`ColorWhen::apply`]).
pub fn color_stderr() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// Paints the severity word that opens a line of a text report (错误/警告/提示, error/warning/
/// info): red, yellow, blue. Only for a report going to a terminal, never to a file.
pub(crate) fn paint_severities(text: Vec<u8>) -> Vec<u8> {
    use anstyle::{AnsiColor, Style};
    let words: [(&str, Style); 6] = [
        ("错误", Style::new().fg_color(Some(AnsiColor::Red.into())).bold()),
        ("警告", Style::new().fg_color(Some(AnsiColor::Yellow.into()))),
        ("提示", Style::new().fg_color(Some(AnsiColor::Blue.into()))),
        ("error", Style::new().fg_color(Some(AnsiColor::Red.into())).bold()),
        ("warning", Style::new().fg_color(Some(AnsiColor::Yellow.into()))),
        ("info", Style::new().fg_color(Some(AnsiColor::Blue.into()))),
    ];
    let Ok(text) = String::from_utf8(text) else { return Vec::new() };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let indent = &line[..line.len() - body.len()];
        let hit = words
            .iter()
            .find(|(w, _)| body.strip_prefix(w).is_some_and(|rest| rest.starts_with(' ')));
        match hit {
            Some((w, style)) if !indent.is_empty() => {
                out.push_str(indent);
                out.push_str(&format!("{style}{w}{style:#}"));
                out.push_str(&body[w.len()..]);
            }
            _ => out.push_str(line),
        }
    }
    out.into_bytes()
}

/// Every report format, in `--help` order: what check and diff write.
pub(crate) const EVERY_FORMAT: &[Format] = &[
    Format::Text,
    Format::Json,
    Format::Jsonl,
    Format::Csv,
    Format::Md,
    Format::Html,
    Format::Xlsx,
];

/// The format of a report: `--format` when given, else the extension of `-o` (xlsx, html,
/// json, jsonl, csv, md, txt), else text. A `--format` the extension contradicts, a format
/// this command does not write, and a workbook sent to a terminal are refused.
pub(crate) fn output_format(
    format: Option<Format>,
    output: Option<&Path>,
    supported: &[Format],
    command: &str,
) -> Result<Format> {
    let to_file = output.filter(|o| o.as_os_str() != "-");
    let by_name = to_file.and_then(format_of_extension);
    let chosen = match (format, by_name) {
        (Some(f), Some(e)) if f != e => {
            let path = to_file.map(|p| p.display().to_string()).unwrap_or_default();
            return Err(Error::usage2(
                &format!(
                    "-o {path} 的扩展名表示 {} 格式，与 --format {} 矛盾：请去掉 --format 或改用相符的文件名",
                    format_name(e),
                    format_name(f)
                ),
                &format!(
                    "-o {path} names a .{} file but --format is {}: drop --format or give a matching file name",
                    format_name(e),
                    format_name(f)
                ),
            ));
        }
        (Some(f), _) => f,
        (None, Some(e)) => e,
        (None, None) => Format::Text,
    };
    if !supported.contains(&chosen) {
        let list: Vec<&str> = supported.iter().map(|f| format_name(*f)).collect();
        return Err(Error::usage2(
            &format!(
                "{command} 不能输出 {} 格式（可用：{}）",
                format_name(chosen),
                list.join("、")
            ),
            &format!(
                "{command} does not write {} (it writes {})",
                format_name(chosen),
                list.join(", ")
            ),
        ));
    }
    if chosen == Format::Xlsx && to_file.is_none() && std::io::stdout().is_terminal() {
        return Err(Error::usage2(
            "xlsx 是二进制工作簿，不能输出到终端：请用 -o 文件名.xlsx",
            "xlsx is a binary workbook and is not written to a terminal: give -o FILE.xlsx",
        ));
    }
    Ok(chosen)
}

/// The format a report file's extension names, if it names one.
fn format_of_extension(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" => Format::Text,
        "json" => Format::Json,
        "jsonl" | "ndjson" => Format::Jsonl,
        "csv" => Format::Csv,
        "md" | "markdown" => Format::Md,
        "html" | "htm" => Format::Html,
        "xlsx" => Format::Xlsx,
        _ => return None,
    })
}

/// The command-line word of a format.
pub(crate) fn format_name(f: Format) -> &'static str {
    match f {
        Format::Text => "text",
        Format::Json => "json",
        Format::Jsonl => "jsonl",
        Format::Csv => "csv",
        Format::Md => "md",
        Format::Html => "html",
        Format::Xlsx => "xlsx",
    }
}

/// A `--format` parser offering exactly `names`, so that `--help` lists what the command
/// writes and nothing else.
pub(crate) fn formats(
    names: &'static [&'static str],
) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(names)
        .map(|s| <Format as clap::ValueEnum>::from_str(&s, true).unwrap_or(Format::Text))
}

/// The dataset to read for a path given on the command line. A CSV file named as one of a
/// dataset's tables (items.csv, 流程.csv, ...) whose folder holds other tables of the dataset
/// is a file inside a dataset folder: the folder is read, and stderr says so (reading the file
/// alone would leave out the steps, materials and jurisdictions beside it).
pub(crate) fn dataset_path(path: &Path, lang: Lang) -> PathBuf {
    let is_csv = |p: &Path| {
        p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    };
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
    if !is_csv(path) || !path.is_file() {
        return path.to_path_buf();
    }
    let Some(own) = stem(path).and_then(|s| crate::load::table_of_stem(&s)) else {
        return path.to_path_buf();
    };
    let folder = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&folder) else { return path.to_path_buf() };
    let mut siblings: Vec<String> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_csv(p) && p.is_file())
        .filter(|p| stem(p).and_then(|s| crate::load::table_of_stem(&s)).is_some_and(|t| t != own))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    if siblings.is_empty() {
        return path.to_path_buf();
    }
    siblings.sort();
    let names = siblings.join(lang.pick("、", ", "));
    let shown = path.display();
    let dir = folder.display();
    match lang {
        Lang::Zh => eprintln!(
            "qingdan：{shown} 是数据集文件夹 {dir} 中的一个文件，已读取整个文件夹（另有 {names}）"
        ),
        Lang::En => eprintln!(
            "qingdan: {shown} is a file of the dataset folder {dir}: the whole folder is read (also {names})"
        ),
    }
    folder
}

/// What loading left out or guessed, in a few lines a clerk reads: rows rejected per file (with
/// the first reason) and 区划代码 that are not division codes (a mistyped 45A100 makes a
/// jurisdiction of its own). Empty when the dataset was read whole. `inspect` lists them all.
pub(crate) fn load_notes(ds: &Dataset, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    let en = |m: &str| crate::load::message_en(m).unwrap_or("").to_string();
    // A table file present but not read (a folder, a pipe, a dangling link, no permission):
    // said here too, not only by inspect, or a clean report passes for the whole list.
    for d in ds.report.diagnostics.iter().filter(|d| crate::load::is_skipped_file(&d.message)) {
        let why = d.text.as_deref().unwrap_or("");
        notes.push(match lang {
            Lang::Zh => format!("{}：{}（{why}）", d.file, d.message),
            Lang::En => format!("{}: {} ({why})", d.file, en(&d.message)),
        });
    }
    let division = "区划代码不是6位或9位的区划代码，无法推断层级，暂按县级处理";
    for d in ds.report.diagnostics.iter().filter(|d| d.message == division) {
        let at = match d.line {
            Some(l) => format!("{}:{l}", d.file),
            None => d.file.to_string(),
        };
        let code = d.text.as_deref().unwrap_or("");
        let rows = ds.items.iter().filter(|i| *i.jurisdiction == *code).count();
        notes.push(match lang {
            Lang::Zh => format!(
                "{at}：区划代码“{code}”不是6位或9位的区划代码（是否输入有误？），其{rows}条事项按县级单独成为一个区划"
            ),
            Lang::En => format!(
                "{at}: 区划代码 {code} is not a 6- or 9-digit division code (mistyped?): its {rows} items were taken as a county of their own"
            ),
        });
    }
    for f in ds.report.files.iter().filter(|f| f.rows_rejected > 0) {
        let first = ds.report.diagnostics.iter().find(|d| {
            *d.file == *f.file && (d.message.contains("未载入") || d.message.contains("未读取"))
        });
        let why = first
            .map(|d| {
                let line = d.line.map(|l| l.to_string()).unwrap_or_default();
                match lang {
                    Lang::Zh => format!("；第一条：第{line}行，{}", d.message),
                    Lang::En => format!("; first: line {line}, {}", en(&d.message)),
                }
            })
            .unwrap_or_default();
        let (n, of) = (f.rows_rejected, f.rows_read);
        notes.push(match lang {
            Lang::Zh => format!("{}：{of}行中{n}行未能读取{why}", f.file),
            Lang::En => format!("{}: {n} of {of} rows rejected{why}", f.file),
        });
    }
    for f in ds.report.files.iter().filter(|f| f.rows_superseded > 0) {
        let n = f.rows_superseded;
        notes.push(match lang {
            Lang::Zh => format!(
                "{}：{n}行是同一事项的旧版本（事项ID相同、版本号较低），只分析了最新版本",
                f.file
            ),
            Lang::En => format!(
                "{}: {n} rows are earlier versions of an item (same record id, lower version): only the latest version was analysed",
                f.file
            ),
        });
    }
    if !notes.is_empty() {
        notes.push(
            lang.pick(
                "（qingdan inspect 列出全部读取问题）",
                "(qingdan inspect lists every reading problem)",
            )
            .to_string(),
        );
    }
    // A note quotes the data (a 区划代码 as it was typed): shown, never sent to the terminal.
    notes.into_iter().map(|n| crate::report::escape::control(&n).into_owned()).collect()
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
    /// Merge the partial results of a run done in shards (check --shard K/N) into its report /
    /// 合并分片结果。
    Merge(merge::Args),
    /// Show what was read from a dataset / 查看数据集读取情况。
    Inspect(inspect::Args),
    /// Check an exceptions file: expired, unused and changed approvals / 检查例外文件。
    Exceptions(exceptions::Args),
    /// List the rules, or explain one (qingdan rules QD101) / 列出或解释检查规则。
    Rules(rules::Args),
    /// Generate a realistic dataset with recorded faults / 生成带已知问题的示例数据。
    Gen(gen::Args),
    /// Write the list back corrected against the standard, with a change log / 按标准目录修正清单并写出修改记录。
    Fix(fix::Args),
}

/// `--level`: 省/市/县/镇 or province/city/county/town.
pub(crate) fn parse_level(s: &str) -> std::result::Result<crate::model::Level, String> {
    crate::model::Level::parse(s)
        .ok_or_else(|| format!("unknown level {s:?} (省/市/县/镇 or province/city/county/town)"))
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
    cli.global.color.apply();
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
        Command::Merge(args) => merge::run(args, &cli.global),
        Command::Inspect(args) => inspect::run(args, &cli.global),
        Command::Exceptions(args) => exceptions::run(args, &cli.global),
        Command::Rules(args) => rules::run(args, &cli.global),
        Command::Gen(args) => gen::run(args, &cli.global),
        Command::Fix(args) => fix::run(args, &cli.global),
    }
}

/// The line an error is reported in on stderr: Chinese unless `--lang en`, the word 错误/error
/// in red on a terminal.
pub fn error_line(err: &Error, zh: bool) -> String {
    let word = if zh { "错误" } else { "error" };
    let word = if color_stderr() {
        let style = anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into())).bold();
        format!("{style}{word}{style:#}")
    } else {
        word.to_string()
    };
    // A message may quote the data (a cell, a file name): its control characters are shown, not
    // sent to the terminal.
    let message = err.message(zh);
    let message = crate::report::escape::control(&message);
    if zh {
        format!("qingdan：{word}：{message}")
    } else {
        format!("qingdan: {word}: {message}")
    }
}
