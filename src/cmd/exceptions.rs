//! `qingdan exceptions --check`: the approved deviations of an exceptions file that no longer do
//! anything — expired ones, and, against a dataset, ones that matched no finding (unused) or
//! whose approved value is no longer the finding's. Exit 1 when there are any.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::error::Result;
use crate::exceptions::{Exception, Use};
use crate::load::LoadOptions;
use crate::report::Lang;

/// Arguments of `qingdan exceptions`.
///
/// Lists the exceptions of FILE that expired and, given DATASET (and its --standard), those that
/// matched no finding or whose value changed. 列出已到期、未使用或批准值已变化的例外。
#[derive(Debug, clap::Args)]
#[command(
    after_help = "退出码：0 每条例外都有效且被使用；1 有到期、未使用或批准值已变化的例外；2 无法检查。\n\
Exit codes: 0 every exception is live and used, 1 some expired, unused or changed, 2 error."
)]
pub struct Args {
    /// Check the file (the only action for now) / 检查例外文件。
    #[arg(long, required = true)]
    pub check: bool,
    /// The exceptions file (CSV or TOML) / 例外文件。
    pub file: PathBuf,
    /// The dataset the exceptions are for: without it only expiry is checked / 数据集。
    pub dataset: Option<PathBuf>,
    /// The region's standard (标准目录), as the nightly check takes it.
    #[arg(long, value_name = "STD")]
    pub standard: Option<PathBuf>,
    /// Rules folder overriding the built-in rules / 规则目录。
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Force the CSV encoding (utf-8, gbk, gb18030) / 指定 CSV 编码。
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
}

/// Runs `qingdan exceptions --check`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let lang = global.lang;
    let ex = super::read_exceptions(Some(&args.file))?.unwrap_or_default();
    let today = super::today()?;
    let uses: Option<Vec<Use>> = match &args.dataset {
        Some(d) => {
            let config = crate::check::CheckConfig::load(args.rules.as_deref())?;
            let opts = LoadOptions {
                encoding: args.encoding.clone(),
                rules_dir: args.rules.clone(),
                read: super::read_options()?,
                ..LoadOptions::default()
            };
            let dataset = crate::load::load(&super::dataset_path(d, lang), &opts)?;
            crate::load::require_items(&dataset)?;
            let standard = args
                .standard
                .as_deref()
                .map(|s| crate::load::load(&super::dataset_path(s, lang), &opts))
                .transpose()?;
            let mut report = crate::check::run(&dataset, standard.as_ref(), &config);
            Some(crate::exceptions::apply(&mut report.findings, &ex, &today))
        }
        None => None,
    };
    let mut expired = Vec::new();
    let mut unused = Vec::new();
    let mut changed = Vec::new();
    for (i, e) in ex.list.iter().enumerate() {
        let u = uses.as_ref().map(|u| u[i]);
        if e.expired(&today) {
            expired.push(e);
        } else if u.is_some_and(|u| u.unused()) {
            unused.push(e);
        } else if u.is_some_and(|u| u.approved == 0 && u.value_changed > 0) {
            changed.push(e);
        }
    }
    let mut out = String::new();
    let n = ex.list.len();
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("例外文件 {}：{n}条例外（今天 {today}）", ex.file),
            Lang::En => format!("exceptions file {}: {n} exceptions (today {today})", ex.file),
        }
    );
    let line = |e: &Exception| {
        let value = if e.value.is_empty() { "-" } else { &e.value };
        let item = if e.item.is_empty() { "-" } else { &e.item };
        let what = format!("{} {} {item}", e.target.as_str(), e.jurisdiction);
        let (l, doc, by, until) = (e.line, &e.document, &e.approver, &e.expires);
        match lang {
            Lang::Zh => format!("第{l}行 {what} “{value}” {doc}（{by}，有效期至{until}）"),
            Lang::En => format!("line {l} {what} {value:?} {doc} ({by}, until {until})"),
        }
    };
    let groups: [(&str, &str, &Vec<&Exception>); 3] = [
        ("已到期", "expired", &expired),
        ("未使用（没有与之对应的问题）", "unused (no finding matches it)", &unused),
        (
            "批准值已变化（问题的现值不是批准的值）",
            "value changed (the finding's value is no longer the approved one)",
            &changed,
        ),
    ];
    for (zh, en, list) in groups {
        if list.is_empty() {
            continue;
        }
        let _ = match lang {
            Lang::Zh => writeln!(out, "{zh}（{}条）：", list.len()),
            Lang::En => writeln!(out, "{en} ({}):", list.len()),
        };
        for e in list.iter() {
            let _ = writeln!(out, "  {}", line(e));
        }
    }
    let problems = expired.len() + unused.len() + changed.len();
    if problems == 0 {
        let _ = writeln!(
            out,
            "{}",
            match (lang, uses.is_some()) {
                (Lang::Zh, true) => "每条例外都在有效期内，且都对应本次检查的问题。",
                (Lang::Zh, false) => "每条例外都在有效期内（未给出数据集，未检查是否被使用）。",
                (Lang::En, true) => "Every exception is live and matches a finding of this check.",
                (Lang::En, false) =>
                    "Every exception is live (no dataset given: use was not checked).",
            }
        );
    }
    let out = crate::report::escape::control(&out).into_owned();
    crate::output::write_output(None, out.as_bytes())?;
    Ok(i32::from(problems > 0))
}
