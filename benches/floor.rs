//! The whole-run floor: how long merely parsing a dataset's CSV files takes, beside how long
//! `qingdan::load::load` takes on the same folder, and the ratio of the two.
//!
//! `cargo bench --bench floor -- DIR` (DIR: a dataset folder, e.g. one written by `qingdan gen`).
//! (a) the floor: every `*.csv` file of DIR parsed with the csv crate into `ByteRecord`s, files
//!     in parallel, counting rows and nothing else;
//! (b) `qingdan::load::load(DIR)`: decoding, typing, interning, joining;
//! each the median of 3 runs, then their ratio and the peak resident memory (VmHWM).
//!
//! `cargo bench --bench floor -- --floor-only DIR...` (or the built binary with the same
//! arguments): only the floor of all the given folders read together (files of every folder in
//! parallel), printed as one line `floor WALL_S CPU_S PEAK_RSS_KB ROWS` for benches/run.sh. The
//! floor of a diff is the floor of reading both versions.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--floor-only") {
        floor_only(&args);
        return;
    }
    // cargo passes `--bench` to harness-less benches; the first other argument is the folder.
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")).map(PathBuf::from)
    else {
        eprintln!("usage: cargo bench --bench floor -- DIR   (a dataset folder of CSV files)");
        return;
    };
    let files = csv_files(&dir);
    if files.is_empty() {
        eprintln!("{}: no .csv files", dir.display());
        std::process::exit(2);
    }
    let bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    println!("dataset: {} ({} CSV files, {:.1} MB)", dir.display(), files.len(), mb(bytes));
    println!("threads: {}", rayon::current_num_threads());

    let mut rows = 0;
    let cpu0 = cpu_seconds();
    let floor = median(|| rows = floor(&files));
    let cpu_floor = cpu_seconds().zip(cpu0).map(|(b, a)| (b - a) / RUNS as f64);
    println!("floor (csv crate, ByteRecords, files in parallel): {rows} rows in {}", secs(floor));
    let after_floor = peak_rss_kb();
    reset_peak_rss();

    let mut summary = String::new();
    let cpu1 = cpu_seconds();
    let load = median(|| {
        let ds = qingdan::load::load(&dir, &Default::default()).expect("load");
        summary = format!(
            "{} items, {} jurisdictions, {} rows read, {} rejected, {} diagnostics",
            ds.items.len(),
            ds.jurisdictions.len(),
            ds.report.rows_read(),
            ds.report.rows_rejected(),
            ds.report.diagnostics.len()
        );
    });
    let cpu_load = cpu_seconds().zip(cpu1).map(|(b, a)| (b - a) / RUNS as f64);
    println!("qingdan::load::load: {summary} in {}", secs(load));
    println!("ratio load / floor: {:.2}", load.as_secs_f64() / floor.as_secs_f64().max(1e-9));
    // CPU time (user + system, all threads) is steadier than wall time on a shared machine.
    // /proc counts CPU time in 10 ms ticks: a ratio needs a floor of some ticks.
    match (cpu_floor, cpu_load) {
        (Some(f), Some(l)) if f >= 0.1 => {
            println!("CPU time per run: floor {f:.2} s, load {l:.2} s, ratio {:.2}", l / f)
        }
        (Some(f), Some(l)) => {
            println!("CPU time per run: floor {f:.2} s, load {l:.2} s (too short for a ratio)")
        }
        _ => {}
    }
    match (after_floor, peak_rss_kb()) {
        (Some(f), Some(l)) => {
            println!(
                "peak RSS: floor {:.0} MB, load {:.0} MB",
                f as f64 / 1024.0,
                l as f64 / 1024.0
            )
        }
        _ => println!("peak RSS: unavailable (no /proc/self/status)"),
    }
}

/// `--floor-only DIR...`: one run of the floor over every CSV file of the folders, one line.
fn floor_only(args: &[String]) {
    let dirs: Vec<PathBuf> =
        args.iter().filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| csv_files(d)).collect();
    if files.is_empty() {
        eprintln!("usage: floor --floor-only DIR...   (dataset folders of CSV files)");
        std::process::exit(2);
    }
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let rows = floor(&files);
    let wall = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a).unwrap_or(0.0);
    println!("floor {wall:.3} {cpu:.2} {} {rows}", peak_rss_kb().unwrap_or(0));
}

fn csv_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.is_file()
            && p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    });
    files.sort();
    files
}

/// The floor: parse and count, nothing else.
fn floor(files: &[PathBuf]) -> u64 {
    files
        .par_iter()
        .map(|f| {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(f)
                .expect("open");
            let mut rec = csv::ByteRecord::new();
            let mut n = 0u64;
            while r.read_byte_record(&mut rec).expect("csv") {
                n += 1;
            }
            n.saturating_sub(1) // the header
        })
        .sum()
}

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.3} s (median of {RUNS})", d.as_secs_f64())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// User + system CPU seconds of this process so far (all threads), from /proc/self/stat.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Clock ticks per second: 100 on Linux (USER_HZ).
    Some((utime + stime) / 100.0)
}

/// VmHWM (peak resident set) in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets VmHWM (Linux: writing 5 to clear_refs), so the load's peak is its own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
