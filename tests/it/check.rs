//! `qingdan check` and `qingdan rules` through the real binary: fixture datasets in
//! tests/fixtures/check/<case>/, exit codes, output formats, bad rules files, and recall / false
//! positives on `qingdan gen --small` data against its truth.csv.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
}

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check").join(case)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run qingdan")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn jsonl(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad jsonl line {l}: {e}")))
        .collect()
}

fn has(findings: &[serde_json::Value], rule: &str, j: &str, item: &str) -> bool {
    findings.iter().any(|f| f["rule"] == rule && f["jurisdiction"] == j && f["item"] == item)
}

#[test]
fn rules_lists_every_rule_and_explains_one() {
    let out = run(&["rules"]);
    assert!(out.status.success());
    let list = text(&out.stdout);
    assert!(list.lines().count() >= 40, "{list}");
    assert!(list.contains("QD101  name-differs-from-standard"));
    for key in ["QD305", "repealed-law-cited"] {
        let out = run(&["--lang", "en", "rules", key]);
        assert!(out.status.success());
        let doc = text(&out.stdout);
        assert!(doc.starts_with("QD305 repealed-law-cited"), "{doc}");
        for section in ["## What it does", "## Why it matters", "## Example", "## Configuration"] {
            assert!(doc.contains(section), "{doc}");
        }
    }
    let out = run(&["rules", "QD999"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_bad_rules_file_stops_the_run_with_file_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("check.toml"), "[consensus]\nmin-peers = 3\nmajority = 0.5\n")
        .unwrap();
    let out = run(&[
        "check",
        fixture("basic").join("region").to_str().unwrap(),
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("check.toml:3"), "{err}");
    assert!(err.contains("majority"), "{err}");
}

#[test]
fn basic_fixture_with_and_without_standard() {
    let region = fixture("basic").join("region");
    let standard = fixture("basic").join("standard");
    let with = run(&[
        "check",
        region.to_str().unwrap(),
        "--standard",
        standard.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    assert_eq!(with.status.code(), Some(1), "{}", text(&with.stderr));
    let f = jsonl(&with);
    assert!(has(&f, "QD402", "450103", "450101001000"), "{f:#?}");
    assert!(has(&f, "QD501", "450107", "450101001000"), "{f:#?}");
    assert!(has(&f, "QD106", "450108", "451001003000"), "{f:#?}");
    assert!(has(&f, "QD305", "450108", "451001003000"), "{f:#?}");
    // 450105 only differs in formatting.
    let noisy: Vec<_> =
        f.iter().filter(|x| x["jurisdiction"] == "450105" && x["severity"] != "info").collect();
    assert!(noisy.is_empty(), "{noisy:#?}");

    let without =
        run(&["check", region.to_str().unwrap(), "--format", "jsonl", "--fail-on", "warning"]);
    assert_eq!(without.status.code(), Some(1));
    let f = jsonl(&without);
    assert!(has(&f, "QD403", "450103", "450101001000"), "{f:#?}");
    assert!(has(&f, "QD501", "450107", "450101001000"), "{f:#?}");
    assert!(f.iter().all(|x| x["jurisdiction"] != "450105" || x["severity"] == "info"), "{f:#?}");

    let never = run(&["check", region.to_str().unwrap(), "--fail-on", "never", "-q"]);
    assert_eq!(never.status.code(), Some(0));
    assert!(text(&never.stdout).contains("汇总"));
}

#[test]
fn json_csv_md_and_output_file() {
    let region = fixture("basic").join("region");
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("report.json");
    let out = run(&[
        "check",
        region.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    let first = v.as_array().unwrap().first().unwrap().as_object().unwrap();
    let keys: BTreeSet<&str> = first.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = [
        "rule",
        "name",
        "severity",
        "field",
        "jurisdiction",
        "item",
        "expected",
        "actual",
        "message",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, want);
    // csv for a script (--no-bom) keeps CLI.md's keys; for people it is Excel's (tests/it/reports.rs).
    let csv = run(&["check", region.to_str().unwrap(), "--format", "csv", "--no-bom"]);
    assert!(text(&csv.stdout)
        .starts_with("rule,name,severity,field,jurisdiction,item,expected,actual,message"));
    let md = run(&["check", region.to_str().unwrap(), "--format", "md", "--lang", "en"]);
    assert!(text(&md.stdout).contains("| field |"));
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let region = fixture("basic").join("region");
    let a = run(&["check", region.to_str().unwrap(), "--format", "jsonl", "--threads", "1"]);
    let b = run(&["check", region.to_str().unwrap(), "--format", "jsonl", "--threads", "2"]);
    assert_eq!(a.stdout, b.stdout);
}

/// One row of truth.csv.
struct Truth {
    dataset: String,
    kind: String,
    jurisdiction: String,
    item: String,
    field: String,
    detail: String,
}

fn read_truth(path: &Path) -> Vec<Truth> {
    let mut r = csv::Reader::from_path(path).expect("truth.csv");
    r.records()
        .map(|rec| {
            let rec = rec.expect("truth row");
            let g = |i: usize| rec.get(i).unwrap_or("").to_string();
            Truth {
                dataset: g(0),
                kind: g(1),
                jurisdiction: g(2),
                item: g(3),
                field: g(4),
                detail: g(5),
            }
        })
        .collect()
}

/// Recall of truth faults and false positives on truth noise, for `qingdan check` on generated
/// data with and without --standard, over a few seeds. Prints the figures.
#[test]
fn recall_and_false_positives_on_generated_data() {
    let mut total = (0usize, 0usize, 0usize, 0usize); // faults, found, noise, flagged
    for seed in ["1", "2", "3", "4", "5"] {
        let dir = tempfile::tempdir().unwrap();
        let out =
            run(&["gen", "--small", "--seed", seed, "-o", dir.path().to_str().unwrap(), "-q"]);
        assert!(out.status.success(), "gen failed: {}", text(&out.stderr));
        let truth = read_truth(&dir.path().join("truth.csv"));
        let region = dir.path().join("region");
        let standard = dir.path().join("standard");
        for with_standard in [true, false] {
            let mut args = vec!["check", region.to_str().unwrap(), "--format", "jsonl", "-q"];
            if with_standard {
                args.extend(["--standard", standard.to_str().unwrap()]);
            }
            let out = run(&args);
            assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out.stderr));
            let findings = jsonl(&out);
            let serious: BTreeSet<(String, String, String)> = findings
                .iter()
                .filter(|f| f["severity"] != "info")
                .map(|f| {
                    let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
                    (s("jurisdiction"), s("item"), s("field"))
                })
                .collect();
            let mode = if with_standard { "with --standard" } else { "without --standard" };
            let (mut faults, mut found, mut noise, mut flagged) = (0, 0, 0, 0);
            let mut missed = Vec::new();
            let mut false_pos = Vec::new();
            for t in truth.iter().filter(|t| t.dataset == "region") {
                let key = (t.jurisdiction.clone(), t.item.clone(), t.field.clone());
                match t.kind.as_str() {
                    "fault" => {
                        faults += 1;
                        if serious.contains(&key) {
                            found += 1;
                        } else {
                            missed.push(format!(
                                "{} {} {} ({})",
                                t.jurisdiction, t.item, t.field, t.detail
                            ));
                        }
                    }
                    "noise" => {
                        noise += 1;
                        if serious.contains(&key) {
                            flagged += 1;
                            false_pos.push(format!(
                                "{} {} {} ({})",
                                t.jurisdiction, t.item, t.field, t.detail
                            ));
                        }
                    }
                    _ => {}
                }
            }
            let fault_keys: BTreeSet<(String, String, String)> = truth
                .iter()
                .filter(|t| t.dataset == "region" && t.kind == "fault")
                .map(|t| (t.jurisdiction.clone(), t.item.clone(), t.field.clone()))
                .collect();
            let unexplained = serious.iter().filter(|k| !fault_keys.contains(*k)).count();
            eprintln!(
                "seed {seed} {mode}: recall {found}/{faults}, noise flagged {flagged}/{noise}, \
                 warning+ (jurisdiction, item, field) not in truth: {unexplained} of {}",
                serious.len()
            );
            for m in missed.iter().take(15) {
                eprintln!("  missed: {m}");
            }
            for m in false_pos.iter().take(15) {
                eprintln!("  noise flagged: {m}");
            }
            total.0 += faults;
            total.1 += found;
            total.2 += noise;
            total.3 += flagged;
        }
    }
    eprintln!(
        "total: recall {}/{} ({:.1}%), noise flagged {}/{}",
        total.1,
        total.0,
        100.0 * total.1 as f64 / total.0.max(1) as f64,
        total.3,
        total.2
    );
    assert!(total.0 > 0, "truth.csv has no faults");
    assert_eq!(total.1, total.0, "every injected fault must be found");
    assert_eq!(total.3, 0, "no formatting noise may be flagged at warning or above");
}

/// The GBK and XLSX copies of a generated dataset give byte-identical findings, with and without
/// --standard.
#[test]
fn gbk_and_xlsx_copies_give_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs: Vec<(String, Vec<u8>, Vec<u8>)> = Vec::new();
    for format in ["csv", "gbk", "xlsx"] {
        let out_dir = dir.path().join(format);
        let out = run(&[
            "gen",
            "--small",
            "--seed",
            "7",
            "--format",
            format,
            "-o",
            out_dir.to_str().unwrap(),
            "-q",
        ]);
        let err = text(&out.stderr);
        assert!(out.status.success(), "{err}");
        let (region, standard) = if format == "xlsx" {
            (out_dir.join("region.xlsx"), out_dir.join("standard.xlsx"))
        } else {
            (out_dir.join("region"), out_dir.join("standard"))
        };
        let with = run(&[
            "check",
            region.to_str().unwrap(),
            "--standard",
            standard.to_str().unwrap(),
            "--format",
            "jsonl",
            "-q",
        ]);
        let without = run(&["check", region.to_str().unwrap(), "--format", "jsonl", "-q"]);
        assert!(!with.stdout.is_empty() && !without.stdout.is_empty(), "{}", text(&with.stderr));
        outputs.push((format.to_string(), with.stdout, without.stdout));
    }
    for (format, with, without) in &outputs[1..] {
        assert!(*with == outputs[0].1, "{format} copy differs with --standard");
        assert!(*without == outputs[0].2, "{format} copy differs without --standard");
    }
    eprintln!(
        "csv, gbk and xlsx copies: identical findings ({} lines with --standard, {} without)",
        text(&outputs[0].1).lines().count(),
        text(&outputs[0].2).lines().count()
    );
}

/// The name metric (Jaro–Winkler, src/value/similar.rs, where the full measurement is) against
/// normalised Levenshtein on `gen --small` data: true
/// pairs are a region row's name and its standard item's name where they differ (reworded names,
/// formatting noise); false pairs are each standard item and the most similar other standard item
/// of its category (the hardest wrong candidate). For each measure, the share of pairs the best
/// single threshold classifies correctly.
#[test]
fn similarity_separates_generated_names_at_least_as_well_as_levenshtein() {
    use qingdan::check::matching::similarity;
    use qingdan::value::name::normalize;
    let dir = tempfile::tempdir().unwrap();
    let mut truths: Vec<(String, String)> = Vec::new();
    let mut falses: Vec<(String, String)> = Vec::new();
    for seed in 1..=10 {
        let seed = seed.to_string();
        let out_dir = dir.path().join(&seed);
        let out = run(&["gen", "--small", "--seed", &seed, "-o", out_dir.to_str().unwrap(), "-q"]);
        assert!(out.status.success(), "gen failed: {}", text(&out.stderr));
        let read = |p: PathBuf| -> Vec<(String, String, String)> {
            let mut r = csv::Reader::from_path(p).unwrap();
            let h = r.headers().unwrap().clone();
            let col = |name: &str| h.iter().position(|x| x == name).unwrap();
            let (code, name, cat) = (col("事项编码"), col("事项名称"), col("事项类型"));
            r.records()
                .map(|rec| {
                    let rec = rec.unwrap();
                    let g = |i: usize| rec.get(i).unwrap_or("").to_string();
                    (normalize(&g(code)), normalize(&g(name)), g(cat))
                })
                .collect()
        };
        let std = read(out_dir.join("standard/items.csv"));
        let region = read(out_dir.join("region/items.csv"));
        for (code, name, _) in &region {
            if let Some((_, std_name, _)) = std.iter().find(|s| s.0 == *code) {
                if std_name != name {
                    truths.push((name.clone(), std_name.clone()));
                }
            }
        }
        for (i, (_, a, cat)) in std.iter().enumerate() {
            let hardest = std
                .iter()
                .enumerate()
                .filter(|(j, s)| *j != i && s.2 == *cat && s.1 != *a)
                .map(|(_, s)| s.1.clone())
                .max_by(|x, y| similarity(a, x).total_cmp(&similarity(a, y)));
            if let Some(b) = hardest {
                falses.push((a.clone(), b));
            }
        }
    }
    let range = |f: &dyn Fn(&str, &str) -> f64| -> (f64, f64) {
        let lo = truths.iter().map(|(a, b)| f(a, b)).fold(f64::MAX, f64::min);
        let hi = falses.iter().map(|(a, b)| f(a, b)).fold(f64::MIN, f64::max);
        (lo, hi)
    };
    let accuracy = |f: &dyn Fn(&str, &str) -> f64| -> (f64, f64) {
        let t: Vec<f64> = truths.iter().map(|(a, b)| f(a, b)).collect();
        let n: Vec<f64> = falses.iter().map(|(a, b)| f(a, b)).collect();
        let mut best = (0.0, 0.0);
        for step in 0..=100 {
            let th = step as f64 / 100.0;
            let right =
                t.iter().filter(|&&s| s >= th).count() + n.iter().filter(|&&s| s < th).count();
            let acc = right as f64 / (t.len() + n.len()).max(1) as f64;
            if acc > best.0 {
                best = (acc, th);
            }
        }
        best
    };
    let dice = accuracy(&|a, b| similarity(a, b));
    let lev = accuracy(&|a, b| strsim::normalized_levenshtein(a, b));
    eprintln!(
        "name matching on generated data ({} true pairs, {} hardest false pairs): \
         Jaro–Winkler {:.1}% at threshold {:.2}, normalised Levenshtein {:.1}% at {:.2}",
        truths.len(),
        falses.len(),
        dice.0 * 100.0,
        dice.1,
        lev.0 * 100.0,
        lev.1
    );
    let (dice_lo, dice_hi) = range(&|a, b| similarity(a, b));
    let (lev_lo, lev_hi) = range(&|a, b| strsim::normalized_levenshtein(a, b));
    eprintln!(
        "lowest true pair / highest false pair: Jaro–Winkler {dice_lo:.2} / {dice_hi:.2}, \
         Levenshtein {lev_lo:.2} / {lev_hi:.2}"
    );
    assert!(!truths.is_empty() && !falses.is_empty());
    assert!(dice.0 >= lev.0, "Jaro–Winkler {dice:?} vs Levenshtein {lev:?}");
}

/// Presence across levels (上下对应) and implementation codes: 450103 lacks 农村宅基地审批 that its
/// town 450103001 carries; 450105's implementation code has level digit 3; the town 450105001
/// exercises the county-only 建设工程规划许可.
#[test]
fn towns_fixture_presence_and_implementation_codes() {
    let region = fixture("towns").join("region");
    let standard = fixture("towns").join("standard");
    let out = run(&[
        "check",
        region.to_str().unwrap(),
        "--standard",
        standard.to_str().unwrap(),
        "--format",
        "jsonl",
    ]);
    let f = jsonl(&out);
    assert!(has(&f, "QD001", "450103", "450107001000"), "{f:#?}");
    assert!(has(&f, "QD004", "450103001", "450107001000"), "{f:#?}");
    assert!(has(&f, "QD108", "450105", "450107001000"), "{f:#?}");
    assert!(has(&f, "QD003", "450105001", "450102001000"), "{f:#?}");
    // Nothing else: every other row is clean.
    assert_eq!(f.len(), 4, "{f:#?}");
}

/// A baseline written by an earlier run hides the findings it holds.
#[test]
fn baseline_hides_known_findings() {
    let region = fixture("basic").join("region");
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.jsonl");
    let first = run(&[
        "check",
        region.to_str().unwrap(),
        "--format",
        "jsonl",
        "-o",
        base.to_str().unwrap(),
    ]);
    assert_eq!(first.status.code(), Some(1));
    let again = run(&[
        "check",
        region.to_str().unwrap(),
        "--format",
        "jsonl",
        "--baseline",
        base.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(again.stdout.is_empty(), "{}", text(&again.stdout));
}
