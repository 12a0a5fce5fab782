//! `qingdan gen`: writes a synthetic region (standard, version 1, version 2, truth.csv,
//! changes.csv) to a folder, deterministically from `--seed`.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::gen::{generate_observed, Config, OutFormat};

/// Arguments of `qingdan gen`.
///
/// 生成带已知问题（truth.csv）和简化记录（changes.csv）的示例数据：标准目录、第一版、第二版。
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A small region (1 city, 3 counties, 2 towns each, ~60 standard items): the default.
    /// 小规模（默认）。
    #[arg(long, conflicts_with = "province")]
    pub small: bool,
    /// A province-sized region (14 cities, 110 counties, ~1,200 towns, ~0.7 million items).
    /// 全省规模。
    #[arg(long)]
    pub province: bool,
    /// The shapes of real lists, each recorded in truth.csv with its kind (column `class`): a
    /// standard with defects of its own, 办理项 rows, rows without codes, near-twin names,
    /// vertically managed bodies and development zones, platform time limits, quoted
    /// multi-line bases, CRLF files. 按真实清单的样子生成（标准目录自身缺陷、办理项、无编码、
    /// 同名异码、垂直管理部门、平台时限格式、多行依据、CRLF）。
    #[arg(long)]
    pub realistic: bool,
    /// Seed of the random generator: the same seed gives byte-identical output / 随机种子。
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// csv (UTF-8), gbk (GBK CSV) or xlsx (one workbook per dataset).
    #[arg(long, value_enum, default_value = "csv")]
    pub format: OutFormat,
    /// Output folder / 输出目录。
    #[arg(short = 'o', long = "output", alias = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Number of cities (at most 14) / 市的数量。
    #[arg(long)]
    pub cities: Option<usize>,
    /// Number of county-level units / 县级单位数量。
    #[arg(long)]
    pub counties: Option<usize>,
    /// Towns per county / 每县乡镇数。
    #[arg(long)]
    pub towns_per_county: Option<usize>,
    /// Standard items exercised at county level / 县级事项数。
    #[arg(long)]
    pub items: Option<usize>,
    /// Standard items exercised at town level / 镇级事项数。
    #[arg(long)]
    pub town_items: Option<usize>,
}

/// Runs `qingdan gen`.
pub fn run(args: &Args, global: &super::Global) -> Result<i32> {
    let mut cfg =
        if args.province { Config::province(args.seed) } else { Config::small(args.seed) };
    cfg.format = args.format;
    cfg.realistic = args.realistic;
    if let Some(n) = args.cities {
        cfg.cities = n;
    }
    if let Some(n) = args.counties {
        cfg.counties = n;
    }
    if let Some(n) = args.towns_per_county {
        cfg.towns_per_county = n;
    }
    if let Some(n) = args.items {
        cfg.county_items = n;
    }
    if let Some(n) = args.town_items {
        cfg.town_items = n;
    }
    if cfg.cities == 0 || cfg.cities > 14 {
        return Err(Error::usage2(
            "市的数量（--cities）应为 1 到 14",
            "--cities must be between 1 and 14",
        ));
    }
    if cfg.counties == 0 || cfg.county_items == 0 {
        return Err(Error::usage2(
            "县的数量（--counties）与事项数（--items）至少为 1",
            "--counties and --items must be at least 1",
        ));
    }
    let progress = crate::progress::Progress::new(global.quiet);
    let zh = global.lang == crate::report::Lang::Zh;
    let bar = std::sync::OnceLock::new();
    let s = generate_observed(&cfg, &args.out, &|done, total| {
        let bar = bar.get_or_init(|| {
            progress.bar(
                global.lang.pick("生成", "generating"),
                total as u64,
                global.lang.pick("区划", "jurisdictions"),
                zh,
            )
        });
        bar.set(done as u64);
    })?;
    if let Some(bar) = bar.into_inner() {
        bar.done();
    }
    if !global.quiet {
        let line = global.lang.pick(
            "已生成：区划 {j} 个，标准事项 {std} 项，事项 {i} 条（第二版 {i2} 条），流程 {st} 条，材料 {m} 条，故障 {f} 处，噪声 {n} 处 → {dir}",
            "generated: {j} jurisdictions, {std} standard items, {i} items ({i2} in v2), {st} steps, {m} materials, {f} faults, {n} noise → {dir}",
        );
        let line = line
            .replace("{j}", &s.jurisdictions.to_string())
            .replace("{std}", &s.standard_items.to_string())
            .replace("{i2}", &s.items_v2.to_string())
            .replace("{i}", &s.items.to_string())
            .replace("{st}", &s.steps.to_string())
            .replace("{m}", &s.materials.to_string())
            .replace("{f}", &s.faults.to_string())
            .replace("{n}", &s.noise.to_string())
            .replace("{dir}", &args.out.display().to_string());
        let line = if s.standard_defects > 0 {
            let more = global.lang.pick("，标准目录自身缺陷 {d} 处", ", {d} standard defects");
            let more = more.replace("{d}", &s.standard_defects.to_string());
            match line.split_once(" → ") {
                Some((head, dir)) => format!("{head}{more} → {dir}"),
                None => line,
            }
        } else {
            line
        };
        eprintln!("{line}");
    }
    Ok(0)
}
