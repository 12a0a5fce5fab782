//! `qingdan diff OLD NEW`: compares two versions of a dataset — what changed per item, and how
//! much simpler it became (CLI.md).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::diff::{self, DiffReport, Scoring, Summarizer, Summary, Warning};
use crate::error::Result;
use crate::load::{self, LoadOptions};
use crate::report::{self, Format};

/// Arguments of `qingdan diff`.
///
/// 比较同一数据集的两个版本：逐项列出变化（名称、编码、依据、时限、收费、跑动、中介、流程、材料），
/// 统计简化前后的环节、盖章、材料、承诺时限、跑动次数和中介服务，并按 rules/scoring.toml 的权重评分。
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The earlier version (folder or .xlsx) / 旧版本。
    pub old: PathBuf,
    /// The later version (folder or .xlsx) / 新版本。
    pub new: PathBuf,
    /// Output format (default: from the extension of -o, else text) / 输出格式（默认按 -o 的扩展名）。
    #[arg(long, short_alias = 'f', value_name = "F",
          value_parser = super::formats(&["text", "json", "jsonl", "csv", "md", "html", "xlsx"]))]
    pub format: Option<Format>,
    /// Write the report to FILE (atomically) instead of stdout / 输出到文件。
    #[arg(long, short = 'o', alias = "out", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// csv: leave cells beginning with = + - @ as they are (by default they are prefixed with ')
    /// / csv 不加防公式前缀。
    #[arg(long)]
    pub raw: bool,
    /// Rules folder overriding the built-in rules (scoring.toml, columns.toml) / 规则目录。
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Force the CSV encoding (utf-8, gbk, gb18030) / 指定 CSV 编码。
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
    /// Approved local deviations, as check and review take them: read and checked (a bad file
    /// is exit 2), and otherwise without effect — a diff reports changes, not findings, so no
    /// exception applies to it / 例外文件：仅检查格式，diff 没有可豁免的问题。
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
}

/// Runs `qingdan diff`: 0 when the comparison was made, 2 (an `Err`) when it could not be.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let start = Instant::now();
    let old_path = super::dataset_path(&args.old, global.lang);
    let new_path = super::dataset_path(&args.new, global.lang);
    let mut inputs = vec![old_path.as_path(), new_path.as_path()];
    inputs.extend(args.rules.as_deref());
    inputs.extend(args.exceptions.as_deref());
    super::output_not_input(args.output.as_deref(), "-o", &inputs)?;
    // A report onto an input is refused before its format is looked at.
    let format =
        super::output_format(args.format, args.output.as_deref(), super::EVERY_FORMAT, "diff")?;
    // Rules first: a bad rules file stops the run before any data is read.
    let scoring = Scoring::load(args.rules.as_deref())?;
    // The same exceptions file as the night's check is accepted, so that one job line serves
    // every command; a diff has no findings for it to approve.
    super::read_exceptions(args.exceptions.as_deref())?;
    let opts = LoadOptions {
        encoding: args.encoding.clone(),
        rules_dir: args.rules.clone(),
        read: super::read_options()?,
        profile: crate::profile::requested(),
        ..LoadOptions::default()
    };
    let mut prof = crate::profile::Profile::from_env("diff");
    let progress = crate::progress::Progress::new(global.quiet);
    let total = load::input_bytes(&old_path) + load::input_bytes(&new_path);
    let loading = global.lang.pick("读取数据", "loading");
    let stage =
        progress.bytes(loading, total, load::bytes_read, global.lang == crate::vocab::Lang::Zh);
    let (old, new) = rayon::join(|| load::load(&old_path, &opts), || load::load(&new_path, &opts));
    let (old, new) = (old?, new?);
    load::require_items(&old)?;
    load::require_items(&new)?;
    prof.stage("load both");
    stage.done();
    let stage = progress.stage(global.lang.pick("比较", "comparing"));
    let plan = diff::Plan::new(&old, &new, &scoring);
    prof.stage("match");
    stage.done();
    let stage = progress.stage(global.lang.pick("生成报告", "writing the report"));
    let threads = rayon::current_num_threads();
    // json, jsonl and csv go straight into the output file as the item diffs are made, a chunk
    // of jurisdictions at a time (a province diff is over 600 MB of JSON: made whole, then
    // rendered, the disk stood idle through the comparison, and holding the item diffs cost
    // ~250 MB); the other formats need the whole report first.
    let (plan, whole) = if report::diff::streams(format) {
        (Some(plan), None)
    } else {
        let r = diff::report(plan, &old, &new, &scoring);
        prof.stage("compare");
        (None, Some(r))
    };
    let mut streamed: Option<(Summary, Vec<Warning>)> = None;
    let csv = report::CsvStyle::new(args.raw, global.no_bom, global.lang);
    crate::output::direct::write_output_with(args.output.as_deref(), |w| {
        let mut w = w;
        let w = &mut w;
        let io = |e| crate::error::Error::io("<output>", e);
        if let Some(plan) = &plan {
            report::diff::stream_head(format, csv, plan.len(), w)?;
            let mut sum = Summarizer::default();
            plan.run(
                &scoring,
                threads,
                |first, items, buf| report::diff::stream_items(format, csv, first, items, buf),
                |piece| {
                    for d in piece.items.as_slice() {
                        sum.add(d);
                    }
                    w.write_all(piece.bytes).map_err(io)
                },
            )?;
            prof.stage("items");
            let summary = sum.finish(&old, &new);
            report::diff::stream_tail(format, plan.len(), &summary, &plan.warnings, w)?;
            prof.stage("summary");
            streamed = Some((summary, plan.warnings.clone()));
            return Ok(());
        }
        let Some(report) = &whole else { return Ok(()) };
        match format {
            Format::Html => {
                let html =
                    report::diff::html::render(report, global.lang, &old.source, &new.source);
                w.write_all(html.as_bytes()).map_err(io)
            }
            Format::Xlsx => {
                let bytes = report::diff::xlsx::render(report, global.lang)?;
                w.write_all(&bytes).map_err(io)
            }
            // Control characters of the data (ESC, BEL, CR in a name) are shown, not sent to
            // the terminal.
            Format::Text => report::diff::write(
                report,
                Format::Text,
                global.lang,
                &old.source,
                &new.source,
                csv,
                &mut report::escape::Controls(&mut **w),
            ),
            format => {
                report::diff::write(report, format, global.lang, &old.source, &new.source, csv, w)
            }
        }
    })?;
    // The last block written, the file synced and renamed (streamed formats); the whole
    // report rendered and written (the others).
    prof.stage("write");
    prof.finish();
    stage.done();
    // As the datasets below: ~0.7 M item diffs are not worth freeing one by one at exit.
    let (summary, warnings) = match whole {
        Some(r) => {
            let DiffReport { items, summary, warnings } = r;
            std::mem::forget(items);
            (summary, warnings)
        }
        None => streamed.unwrap_or_else(|| (Summary::default(), Vec::new())),
    };
    std::mem::forget(plan);
    let read = old.report.rows_read() + new.report.rows_read();
    let rejected = old.report.rows_rejected() + new.report.rows_rejected();
    // What loading left out or guessed in either version (a table file not read, rejected
    // rows), as check and review say it.
    let mut notes = Vec::new();
    for (ds, head) in [
        (&old, global.lang.pick("旧版本：", "old: ")),
        (&new, global.lang.pick("新版本：", "new: ")),
    ] {
        notes.extend(super::load_notes(ds, global.lang).into_iter().map(|n| format!("{head}{n}")));
    }
    // Freeing millions of small allocations one by one costs seconds (perf); the process ends
    // right after, and the OS takes the memory back at once.
    std::mem::forget((old, new));
    if !global.quiet {
        // Warnings first: the run ends with its one summary line.
        // The first few on stderr; all of them are in the report.
        const SHOWN: usize = 10;
        for w in warnings.iter().take(SHOWN) {
            let msg = global.lang.pick(&w.message, &w.message_en);
            // The item and message quote the data: control characters shown, not sent.
            let line = format!("{} {}: {msg}", w.jurisdiction, w.item);
            eprintln!("qingdan diff: {}", report::escape::control(&line));
        }
        if warnings.len() > SHOWN {
            let more = warnings.len() - SHOWN;
            eprintln!(
                "qingdan diff: {}",
                match global.lang {
                    report::Lang::Zh => format!("另有 {more} 条警告，见报告"),
                    report::Lang::En => format!("{more} more warnings in the report"),
                }
            );
        }
        let t = &summary.totals;
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{}",
            match global.lang {
                report::Lang::Zh => format!(
                    "qingdan diff: 比较 {} 项（简化 {}，持平 {}，更复杂 {}，新增 {}，取消 {}），读取 {read} 行{}，用时 {secs:.2} 秒",
                    t.items, t.simplified, t.same, t.complicated, t.added, t.removed,
                    if rejected > 0 { format!("（{rejected} 行未能读取）") } else { String::new() }
                ),
                report::Lang::En => format!(
                    "qingdan diff: {} items ({} simpler, {} same, {} more complicated, {} added, {} removed), {read} rows read{} in {secs:.2}s",
                    t.items, t.simplified, t.same, t.complicated, t.added, t.removed,
                    if rejected > 0 { format!(" ({rejected} rejected)") } else { String::new() }
                ),
            }
        );
        for n in &notes {
            eprintln!("qingdan diff: {n}");
        }
    }
    Ok(0)
}
