//! Signal of `check`: how much of what it reports is a fault, per fault kind, on a region made
//! by `qingdan gen --realistic` (the shapes of real lists, every one recorded in truth.csv).
//!
//! `cargo bench --bench signal` generates the region in a temporary folder, runs the release
//! binary's `check --format jsonl` with and without `--standard`, and scores the warning and
//! error findings against truth.csv at the (jurisdiction, item) pair level:
//!
//! - recall of a fault kind: faults whose pair carries at least one finding (and, apart, the share
//!   whose finding is in the fault's own field);
//! - a standard defect is found when any pair of its item is flagged; its copies are counted (the
//!   finding belongs once to the standard);
//! - precision: flagged pairs that hold a fault or are a copy of a standard defect;
//! - formatting traps flagged: noise whose pair carries a finding in a field no fault of that pair
//!   is in;
//! - findings per 1,000 item rows; the false pairs by cause (the noise on them, or none).
//!
//! A finding with a `caused_by` key (one that follows from another) does not count as a finding
//! of its own; a fault whose pair carries only such findings is found (the report shows it folded
//! under its cause: a town item whose county lacks it, under the county's missing item). The CRLF
//! lists are also converted to LF and checked again: the findings must be the same.
//!
//! `QINGDAN_SIGNAL_ARGS` replaces the generator's arguments (default below); `QINGDAN_SIGNAL_DIR`
//! keeps the data and the reports in that folder instead of a temporary one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The default region: 1 city, 12 counties with 3 towns each (49 jurisdictions), 200 county and
/// 40 town items: about 4,000 item rows.
const DEFAULT_ARGS: &str =
    "--seed 1 --counties 12 --towns-per-county 3 --items 200 --town-items 40";

fn qingdan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
}

/// A CSV file as header-keyed rows.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = rdr.headers().expect("header").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            headers.iter().zip(r.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

/// One counted finding.
#[derive(Debug, Clone)]
struct Hit {
    rule: String,
    field: String,
    text: String,
}

type Pair = (String, String);

/// Findings by pair: the counted ones, and those folded under their cause (`caused_by`).
struct Hits {
    roots: BTreeMap<Pair, Vec<Hit>>,
    folded: BTreeMap<Pair, Vec<Hit>>,
}

/// Runs check and returns its findings by pair, and the number of counted ones.
fn check(data: &Path, standard: Option<&Path>, report: &Path) -> (Hits, usize) {
    let mut cmd = qingdan();
    cmd.arg("check").arg(data);
    if let Some(s) = standard {
        cmd.arg("--standard").arg(s);
    }
    cmd.args(["--format", "jsonl", "--fail-on", "never", "-q", "-o"]).arg(report);
    let out = cmd.output().expect("run qingdan check");
    assert!(out.status.success(), "check failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(report).expect("report");
    let mut by_pair: BTreeMap<Pair, Vec<Hit>> = BTreeMap::new();
    let mut folded: BTreeMap<Pair, Vec<Hit>> = BTreeMap::new();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: serde_json::Value = serde_json::from_str(line).expect("jsonl");
        let s = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        if !matches!(s("severity").as_str(), "warning" | "error") {
            continue;
        }
        let text = format!("{} | {}", s("actual"), s("message"));
        let hit = Hit { rule: s("rule"), field: s("field"), text };
        let pair = (s("jurisdiction"), s("item"));
        if f.get("caused_by").is_some_and(|v| !v.is_null()) {
            folded.entry(pair).or_default().push(hit);
            continue;
        }
        n += 1;
        by_pair.entry(pair).or_default().push(hit);
    }
    (Hits { roots: by_pair, folded }, n)
}

/// The scores of one run.
/// One kind's counts: (kind, n, flagged, flagged in its own field, copies for standard defects).
type ClassScore = (String, usize, usize, usize, usize);

struct Score {
    classes: BTreeMap<String, ClassScore>,
    flagged_pairs: usize,
    true_pairs: usize,
    findings: usize,
    traps: usize,
    traps_flagged: usize,
    /// cause -> (pairs, rule -> findings, an example)
    false_by_cause: BTreeMap<String, (usize, BTreeMap<String, usize>, String)>,
}

struct Truth {
    faults: Vec<HashMap<String, String>>,
    noise: Vec<HashMap<String, String>>,
    defects: Vec<HashMap<String, String>>,
    fault_fields: HashMap<Pair, HashSet<String>>,
    noise_classes: HashMap<Pair, BTreeSet<String>>,
    /// A row without a code that check could not match is reported under its name: (区划,
    /// 事项名称) -> the pair truth records it under.
    by_name: HashMap<Pair, Pair>,
}

fn truth(path: &Path) -> Truth {
    let all = rows(path);
    assert!(all.first().is_some_and(|r| r.contains_key("class")), "truth.csv has no class column");
    let mut t = Truth {
        faults: Vec::new(),
        noise: Vec::new(),
        defects: Vec::new(),
        fault_fields: HashMap::new(),
        noise_classes: HashMap::new(),
        by_name: HashMap::new(),
    };
    for r in all {
        let pair = (r["jurisdiction"].clone(), r["item"].clone());
        if r["row_code"].is_empty() && !r["row_name"].is_empty() {
            t.by_name.insert((r["jurisdiction"].clone(), r["row_name"].clone()), pair.clone());
        }
        match (r["dataset"].as_str(), r["kind"].as_str()) {
            ("standard", "standard-defect") => t.defects.push(r),
            ("region", "fault") => {
                t.fault_fields.entry(pair).or_default().insert(r["field"].clone());
                t.faults.push(r);
            }
            // File-level noise (CRLF) has no pair; it is checked by reading the files again.
            ("region", "noise") if !r["jurisdiction"].is_empty() => {
                t.noise_classes.entry(pair).or_default().insert(r["class"].clone());
                t.noise.push(r);
            }
            _ => {}
        }
    }
    t
}

/// Findings keyed by the pair truth records them under (a codeless row unmatched is reported
/// under its name).
fn keyed(t: &Truth, hits: &BTreeMap<Pair, Vec<Hit>>) -> BTreeMap<Pair, Vec<Hit>> {
    let mut keyed: BTreeMap<Pair, Vec<Hit>> = BTreeMap::new();
    for (pair, h) in hits {
        let known = t.fault_fields.contains_key(pair) || t.noise_classes.contains_key(pair);
        let pair = match t.by_name.get(pair) {
            Some(p) if !known => p.clone(),
            _ => pair.clone(),
        };
        keyed.entry(pair).or_default().extend(h.iter().cloned());
    }
    keyed
}

fn score(t: &Truth, all: &Hits, findings: usize) -> Score {
    let hits = &keyed(t, &all.roots);
    let folded = &keyed(t, &all.folded);
    let mut classes: BTreeMap<String, ClassScore> = BTreeMap::new();
    let pair_of = |r: &HashMap<String, String>| (r["jurisdiction"].clone(), r["item"].clone());
    for r in &t.faults {
        let e = classes.entry(r["class"].clone()).or_insert(("fault".into(), 0, 0, 0, 0));
        e.1 += 1;
        if let Some(h) = hits.get(&pair_of(r)).or_else(|| folded.get(&pair_of(r))) {
            e.2 += 1;
            if h.iter().any(|h| h.field == r["field"]) {
                e.3 += 1;
            }
        }
    }
    let defect_items: HashSet<&str> = t.defects.iter().map(|r| r["item"].as_str()).collect();
    for r in &t.defects {
        let e = classes.entry(r["class"].clone()).or_insert(("standard-defect".into(), 0, 0, 0, 0));
        e.1 += 1;
        let copies: Vec<&Vec<Hit>> =
            hits.iter().filter(|((_, item), _)| *item == r["item"]).map(|(_, h)| h).collect();
        if !copies.is_empty() {
            e.2 += 1;
        }
        if copies.iter().any(|h| h.iter().any(|h| h.field == r["field"])) {
            e.3 += 1;
        }
        e.4 += copies.len();
    }
    let mut traps_flagged = 0;
    for r in &t.noise {
        let e = classes.entry(r["class"].clone()).or_insert(("noise".into(), 0, 0, 0, 0));
        e.1 += 1;
        let pair = pair_of(r);
        let faulty = t.fault_fields.get(&pair);
        if let Some(h) = hits.get(&pair) {
            let other = h.iter().filter(|h| !faulty.is_some_and(|f| f.contains(&h.field)));
            let other: Vec<&Hit> = other.collect();
            if !other.is_empty() {
                e.2 += 1;
                traps_flagged += 1;
            }
            if other.iter().any(|h| h.field == r["field"]) {
                e.3 += 1;
            }
        }
    }
    let mut true_pairs = 0;
    let mut false_by_cause: BTreeMap<String, (usize, BTreeMap<String, usize>, String)> =
        BTreeMap::new();
    for (pair, h) in hits {
        if t.fault_fields.contains_key(pair) || defect_items.contains(pair.1.as_str()) {
            true_pairs += 1;
            continue;
        }
        let cause = match t.noise_classes.get(pair) {
            Some(c) => c.iter().cloned().collect::<Vec<_>>().join("+"),
            None if pair.0.is_empty() => "(no jurisdiction)".to_string(),
            None => "(no truth row)".to_string(),
        };
        let e = false_by_cause.entry(cause).or_default();
        e.0 += 1;
        for x in h {
            *e.1.entry(x.rule.clone()).or_default() += 1;
        }
        if e.2.is_empty() {
            let first = &h[0];
            e.2 = format!("{} {} {}: {}", pair.0, pair.1, first.rule, first.text);
        }
    }
    Score {
        classes,
        flagged_pairs: hits.len(),
        true_pairs,
        findings,
        traps: t.noise.len(),
        traps_flagged,
        false_by_cause,
    }
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "—".to_string()
    } else {
        format!("{:.0}%", 100.0 * a as f64 / b as f64)
    }
}

fn main() {
    // `cargo bench` passes --bench; nothing else is read from the command line.
    let gen_args = std::env::var("QINGDAN_SIGNAL_ARGS").unwrap_or_else(|_| DEFAULT_ARGS.into());
    let tmp = tempfile::tempdir().expect("temporary folder");
    let root: PathBuf = match std::env::var_os("QINGDAN_SIGNAL_DIR") {
        Some(d) => PathBuf::from(d),
        None => tmp.path().to_path_buf(),
    };
    let out = root.join("realistic");
    if out.exists() {
        std::fs::remove_dir_all(&out).expect("clear the old region");
    }
    let st = qingdan()
        .args(["gen", "--realistic", "-q"])
        .args(gen_args.split_whitespace())
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run qingdan gen");
    assert!(st.status.success(), "gen failed: {}", String::from_utf8_lossy(&st.stderr));
    let t = truth(&out.join("truth.csv"));
    let items = rows(&out.join("region/items.csv")).len();
    let jurs = rows(&out.join("region/jurisdictions.csv")).len();

    let region = out.join("region");
    let standard = out.join("standard");
    let (with_hits, with_n) = check(&region, Some(&standard), &root.join("with.jsonl"));
    let (without_hits, without_n) = check(&region, None, &root.join("without.jsonl"));
    let with = score(&t, &with_hits, with_n);
    let without = score(&t, &without_hits, without_n);

    // CRLF: the same lists with LF line ends must give the same findings.
    let lf = root.join("region-lf");
    std::fs::create_dir_all(&lf).expect("LF folder");
    for e in std::fs::read_dir(&region).expect("region") {
        let p = e.expect("entry").path();
        let bytes = std::fs::read(&p).expect("read");
        let text = String::from_utf8(bytes).expect("UTF-8").replace("\r\n", "\n");
        std::fs::write(lf.join(p.file_name().expect("name")), text).expect("write");
    }
    let (lf_hits, lf_n) = check(&lf, Some(&standard), &root.join("with-lf.jsonl"));
    let same_lf = lf_n == with_n
        && lf_hits.roots.len() == with_hits.roots.len()
        && lf_hits.roots.iter().zip(&with_hits.roots).all(|(a, b)| {
            a.0 == b.0 && a.1.iter().map(|h| &h.rule).eq(b.1.iter().map(|h| &h.rule))
        });

    println!(
        "signal of check on `qingdan gen --realistic {gen_args}`: {jurs} jurisdictions, {items} item rows, {} faults, {} noise rows on pairs, {} standard defects",
        t.faults.len(),
        t.noise.len(),
        t.defects.len()
    );
    println!();
    println!(
        "| class | kind | n | with std: flagged | own field | without std: flagged | own field |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut order: Vec<(&String, &ClassScore)> = with.classes.iter().collect();
    let rank = |k: &str| match k {
        "standard-defect" => 0,
        "fault" => 1,
        _ => 2,
    };
    order.sort_by(|a, b| rank(&a.1 .0).cmp(&rank(&b.1 .0)).then(a.0.cmp(b.0)));
    for (class, w) in order {
        let o = without.classes.get(class).cloned().unwrap_or_default();
        let copies = |c: usize| {
            if w.0 == "standard-defect" {
                format!(" ({c} pairs)")
            } else {
                String::new()
            }
        };
        println!(
            "| {class} | {} | {} | {}{} | {} | {}{} | {} |",
            w.0,
            w.1,
            pct(w.2, w.1),
            copies(w.4),
            pct(w.3, w.1),
            pct(o.2, o.1),
            copies(o.4),
            pct(o.3, o.1),
        );
    }
    println!();
    println!("| measure | with std | without std |");
    println!("|---|---:|---:|");
    let fault_recall = |s: &Score| {
        let (n, f) = s
            .classes
            .values()
            .filter(|c| c.0 == "fault")
            .fold((0, 0), |(n, f), c| (n + c.1, f + c.2));
        format!("{} ({f} of {n})", pct(f, n))
    };
    println!(
        "| recall (faults flagged on their pair) | {} | {} |",
        fault_recall(&with),
        fault_recall(&without)
    );
    println!(
        "| precision (flagged pairs that are a fault or a standard-defect copy) | {} ({} of {}) | {} ({} of {}) |",
        pct(with.true_pairs, with.flagged_pairs),
        with.true_pairs,
        with.flagged_pairs,
        pct(without.true_pairs, without.flagged_pairs),
        without.true_pairs,
        without.flagged_pairs
    );
    println!(
        "| formatting traps flagged | {} ({} of {}) | {} ({} of {}) |",
        pct(with.traps_flagged, with.traps),
        with.traps_flagged,
        with.traps,
        pct(without.traps_flagged, without.traps),
        without.traps_flagged,
        without.traps
    );
    let per_k = |n: usize| format!("{:.0}", n as f64 * 1000.0 / items.max(1) as f64);
    println!(
        "| findings (warning, error) per 1,000 item rows | {} ({}) | {} ({}) |",
        per_k(with.findings),
        with.findings,
        per_k(without.findings),
        without.findings
    );
    println!(
        "| CRLF lists read as their LF copy (same findings) | {} | |",
        if same_lf { "yes" } else { "NO" }
    );
    for (name, s) in [("with --standard", &with), ("without standard", &without)] {
        println!();
        println!("false pairs {name}, by the noise on them:");
        println!();
        println!("| cause | pairs | findings by rule | example |");
        println!("|---|---:|---|---|");
        let mut causes: Vec<_> = s.false_by_cause.iter().collect();
        causes.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        for (cause, (pairs, rules, example)) in causes {
            let mut r: Vec<_> = rules.iter().collect();
            r.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let r: Vec<String> = r.iter().map(|(k, v)| format!("{k}×{v}")).collect();
            let example: String =
                example.replace('|', "/").replace('\n', "⏎").chars().take(160).collect();
            println!("| {cause} | {pairs} | {} | {example} |", r.join(" "));
        }
    }
}
