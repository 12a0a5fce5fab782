//! `qingdan fix`: the list written back corrected (see `crate::fix`), with a change log beside it,
//! or with `--diff` only shown.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fix::{Edit, FixOptions, Skip};
use crate::load::LoadOptions;
use crate::model::Level;
use crate::report::Lang;

/// Arguments of `qingdan fix`.
///
/// Exit codes: 0 the fixed list was written (or, with --diff, nothing would change); 1 with --diff,
/// something would change; 2 the fix could not be done.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "只修改修正所涉及的单元格，其余每个字节（编码、分隔符、引号、换行、列顺序）原样保留；\
修改记录写在输出旁（FIXED.changes.csv）。可写回 CSV 文件夹（UTF-8 或 GBK）或 .xlsx 工作簿（只改事项工作表中修正的单元格）。\n\
退出码：0 已写出（--diff：无可修改）；1 --diff 有可修改处；2 无法修正。\n\
Only the cells a fix applies to change; every other byte stays. The change log is written beside \
the output (FIXED.changes.csv). A CSV folder (UTF-8 or GBK) or an .xlsx workbook (only the fixed \
cells of its items sheet change).\n\
Exit codes: 0 written (--diff: nothing to change), 1 --diff with changes, 2 error."
)]
pub struct Args {
    /// The list to fix: a dataset folder of CSV files, or an .xlsx workbook / 待修正的实施清单。
    pub list: PathBuf,
    /// The region's standard (标准目录): a dataset folder or an .xlsx workbook.
    #[arg(long)]
    pub standard: PathBuf,
    /// Where the corrected list is written: a folder (a copy of every file of LIST, items.csv
    /// corrected), or for a workbook the new workbook / 修正后清单的输出位置。
    #[arg(short = 'o', long = "output", value_name = "FIXED", required_unless_present = "diff")]
    pub output: Option<PathBuf>,
    /// Print what would change (a unified diff of items.csv) without writing / 只显示将修改的内容。
    #[arg(long)]
    pub diff: bool,
    /// Also the fixes that change what an item says (a committed limit cut to the standard's, a
    /// repealed law replaced) / 同时应用不安全的修正。
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Also write the standard's spelling where a value differs from it only in form (全角/半角,
    /// 二十/20, 免费/不收费) / 按标准目录的写法统一格式。
    #[arg(long, alias = "normalize")]
    pub normalise: bool,
    /// 区划代码 of the list when its export lacks one / 清单缺少区划代码时指定。
    #[arg(long, value_name = "CODE")]
    pub jurisdiction: Option<String>,
    /// Level of that jurisdiction (省|市|县|镇) when its code does not tell / 层级。
    #[arg(long, value_parser = super::parse_level)]
    pub level: Option<Level>,
    /// Rules folder overriding the built-in rules / 规则目录。
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Force the CSV encoding (utf-8, gbk, gb18030) / 指定 CSV 编码。
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
}

/// Runs `qingdan fix`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let lang = global.lang;
    let list_path = args.list.clone();
    let is_book = list_path.is_file()
        && list_path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !list_path.is_dir() && !is_book {
        return Err(Error::input2(
            list_path.display().to_string(),
            "fix 只能写回 CSV 文件夹或 .xlsx 工作簿",
            "fix writes back a folder of CSV files or an .xlsx workbook",
        ));
    }
    let standard_path = super::dataset_path(&args.standard, lang);
    if let Some(out) = &args.output {
        refuse_output(out, &[&list_path, &standard_path])?;
    }
    let rules_dir = args.rules.as_deref();
    let config = crate::check::CheckConfig::load(rules_dir)?;
    let columns = crate::load::columns::Columns::load(rules_dir)?;
    let level =
        args.level.or_else(|| args.jurisdiction.as_deref().and_then(Level::from_division_code));
    let list_opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        jurisdiction: args.jurisdiction.clone(),
        level,
        read: super::read_options()?,
        profile: false,
    };
    let std_opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        read: super::read_options()?,
        ..LoadOptions::default()
    };
    let list = crate::load::load(&list_path, &list_opts)?;
    crate::load::require_items(&list)?;
    let standard = crate::load::load(&standard_path, &std_opts)?;
    crate::load::require_items(&standard)?;
    let result = crate::check::run(&list, Some(&standard), &config);
    let opts = FixOptions { unsafe_fixes: args.unsafe_fixes, normalise: args.normalise };
    let edits = crate::fix::plan(&list, &standard, &result.findings, opts);

    let items = list.report.files.iter().find(|f| f.table == "items").ok_or_else(|| {
        Error::input2(list_path.display().to_string(), "没有事项表", "no items table")
    })?;
    let items_path = if is_book { list_path.clone() } else { list_path.join(&items.file) };
    let bytes = std::fs::read(&items_path).map_err(|e| Error::io(&items_path, e))?;
    let (fixed, skipped) = if is_book {
        // The items sheet: the loader's label is `book.xlsx#sheet`.
        let sheet = items.file.rsplit_once('#').map(|(_, s)| s).unwrap_or("事项");
        crate::fix::apply_xlsx(&list_path, sheet, &edits, &columns)
            .map_err(|why| Error::input(list_path.display().to_string(), why))?
    } else {
        crate::fix::apply_csv(&bytes, &items.encoding, &edits, &columns)
    };
    let applied: Vec<Edit> =
        edits.iter().filter(|e| !skipped.iter().any(|(s, _)| s == *e)).cloned().collect();

    if args.diff && is_book {
        // A workbook's diff: the cells, one after another.
        let mut text = String::new();
        for e in &applied {
            let kind =
                if e.safe { lang.pick("安全", "safe") } else { lang.pick("不安全", "unsafe") };
            let line = match lang {
                Lang::Zh => format!("{} 第{}行 {}", items.file, e.line, e.field_zh()),
                Lang::En => format!("{} line {} {}", items.file, e.line, e.field),
            };
            text.push_str(&format!("@@ {line} [{} {kind}]\n-{}\n+{}\n", e.rule, e.before, e.after));
        }
        crate::output::write_output(None, text.as_bytes())?;
        summary(lang, global.quiet, &applied, &skipped, None);
        return Ok(if applied.is_empty() { 0 } else { 1 });
    }
    if args.diff {
        let decode = |b: &[u8]| -> String {
            match items.encoding.as_str() {
                "GBK" | "GB18030" => {
                    encoding_rs::GB18030.decode_without_bom_handling(b).0.into_owned()
                }
                _ => String::from_utf8_lossy(b).into_owned(),
            }
        };
        let (old, new) = (decode(&bytes), decode(&fixed));
        let diff = similar::TextDiff::from_lines(&old, &new);
        let name = format!("{}/{}", list_path.display(), items.file);
        let text = diff.unified_diff().context_radius(1).header(&name, &name).to_string();
        crate::output::write_output(None, text.as_bytes())?;
        summary(lang, global.quiet, &applied, &skipped, None);
        return Ok(if applied.is_empty() { 0 } else { 1 });
    }

    let Some(out) = &args.output else {
        return Err(Error::usage2("需要 -o FIXED 或 --diff", "give -o FIXED or --diff"));
    };
    if is_book {
        // The rows of the steps, materials and elements sheets follow their item's fixed code.
        let recodes = crate::fix::recodes(&list, &applied);
        let sheets: Vec<(String, crate::load::columns::Table)> = list
            .report
            .files
            .iter()
            .filter_map(|f| {
                use crate::load::columns::Table;
                let table = Table::ALL.into_iter().find(|t| t.stem() == f.table)?;
                let sheet = f.file.rsplit_once('#')?.1.to_string();
                matches!(table, Table::Steps | Table::Materials | Table::Elements)
                    .then_some((sheet, table))
            })
            .collect();
        let fixed = crate::fix::recode_xlsx_children(fixed, &sheets, &recodes, &columns)
            .map_err(|why| Error::input(list_path.display().to_string(), why))?;
        crate::output::write_atomic(out, &fixed)?;
        let log = write_logs(out, &applied, &skipped, &items.file)?;
        summary(lang, global.quiet, &applied, &skipped, Some(&log));
        return Ok(0);
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut names: Vec<PathBuf> = std::fs::read_dir(&list_path)
        .map_err(|e| Error::io(&list_path, e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    // The rows of steps, materials and elements follow their item's fixed code.
    let recodes = crate::fix::recodes(&list, &applied);
    for path in names {
        let Some(name) = path.file_name() else { continue };
        let target = out.join(name);
        if path == items_path {
            crate::output::write_atomic(&target, &fixed)?;
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let child =
            list.report.files.iter().find(|f| list_path.join(&f.file) == path).and_then(|f| {
                let table =
                    crate::load::columns::Table::ALL.into_iter().find(|t| t.stem() == f.table)?;
                matches!(
                    table,
                    crate::load::columns::Table::Steps
                        | crate::load::columns::Table::Materials
                        | crate::load::columns::Table::Elements
                )
                .then_some((table, f.encoding.clone()))
            });
        match child {
            Some((table, encoding)) => {
                let (data, _) =
                    crate::fix::apply_child_csv(&data, &encoding, table, &recodes, &columns);
                crate::output::write_atomic(&target, &data)?;
            }
            None => crate::output::write_atomic(&target, &data)?,
        }
    }
    let log = write_logs(out, &applied, &skipped, &items.file)?;
    summary(lang, global.quiet, &applied, &skipped, Some(&log));
    Ok(0)
}

/// Writes the change log beside the output, as CSV and as a workbook; returns the CSV's path.
fn write_logs(
    out: &Path,
    applied: &[Edit],
    skipped: &[(Edit, Skip)],
    file: &str,
) -> Result<PathBuf> {
    let log = change_log_path(out);
    crate::output::write_atomic(&log, &crate::fix::change_log_csv(applied, skipped, file))?;
    let book = log.with_extension("xlsx");
    crate::output::write_atomic(&book, &crate::fix::change_log_xlsx(applied, skipped, file)?)?;
    Ok(log)
}

/// Where the change log of a fixed list goes: beside its folder (or workbook),
/// `FIXED.changes.csv` (`fixed.xlsx` → `fixed.changes.csv`), and the same as a workbook,
/// `FIXED.changes.xlsx`.
pub fn change_log_path(out: &Path) -> PathBuf {
    let book = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let name = if book { out.file_stem() } else { out.file_name() };
    let name = name.map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = if name.is_empty() { "fixed".to_string() } else { name };
    out.with_file_name(format!("{name}.changes.csv"))
}

/// Refuses an output folder that is (or is inside, or holds) an input of the run.
fn refuse_output(out: &Path, inputs: &[&Path]) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let Some(o) = canon(out).or_else(|| {
        // Not there yet: its parent decides.
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        canon(parent).map(|p| p.join(out.file_name().unwrap_or_default()))
    }) else {
        return Ok(());
    };
    for input in inputs {
        let Some(i) = canon(input) else { continue };
        if o == i || o.starts_with(&i) || i.starts_with(&o) {
            return Err(Error::Usage(format!(
                "-o {}: that folder is (or holds, or lies in) an input of this run ({}); \
                 fix writes a corrected copy, never over its input / 输出文件夹不能是输入或其所在文件夹",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// One line on stderr: how many cells were changed (safe, unsafe), how many could not be.
fn summary(
    lang: Lang,
    quiet: bool,
    applied: &[Edit],
    skipped: &[(Edit, Skip)],
    log: Option<&Path>,
) {
    if quiet {
        return;
    }
    let safe = applied.iter().filter(|e| e.safe).count();
    let unsafe_ = applied.len() - safe;
    let verb = if log.is_some() { ("已修正", "fixed") } else { ("将修正", "would fix") };
    let mut line = match lang {
        Lang::Zh => format!(
            "{}{}处（安全{}处，不安全{}处），{}处无法写入",
            verb.0,
            applied.len(),
            safe,
            unsafe_,
            skipped.len()
        ),
        Lang::En => format!(
            "{} {} cells ({} safe, {} unsafe), {} could not be written",
            verb.1,
            applied.len(),
            safe,
            unsafe_,
            skipped.len()
        ),
    };
    if let Some(log) = log {
        line.push_str(&match lang {
            Lang::Zh => format!("；修改记录：{}", log.display()),
            Lang::En => format!("; change log: {}", log.display()),
        });
    }
    eprintln!("{line}");
}
