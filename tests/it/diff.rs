//! Integration tests of `qingdan diff`: the real binary on the fixture versions in
//! tests/fixtures/diff/, and on versions made by `qingdan gen` checked against its changes.csv.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn run_diff(old: &Path, new: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = bin().arg("diff").arg(old).arg(new).args(extra).output().expect("run qingdan");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fixture_json() -> Value {
    let f = fixtures();
    let (code, out, err) = run_diff(&f.join("old"), &f.join("new"), &["--format", "json", "-q"]);
    assert_eq!(code, 0, "stderr: {err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn find<'a>(v: &'a Value, j: &str, item: &str) -> &'a Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["jurisdiction"] == j && x["item"] == item)
        .unwrap_or_else(|| panic!("no item {j}/{item}"))
}

fn changes_of<'a>(it: &'a Value, field: &str) -> Vec<&'a Value> {
    it["changes"].as_array().unwrap().iter().filter(|c| c["field"] == field).collect()
}

#[test]
fn simplified_item_measures_and_score() {
    let v = fixture_json();
    let it = find(&v, "450102", "000101001000");
    assert_eq!(it["status"], "changed");
    assert_eq!(it["before"]["steps"], 3);
    assert_eq!(it["after"]["steps"], 2);
    assert_eq!(it["before"]["stamps"], 4);
    assert_eq!(it["after"]["stamps"], 2);
    // Required materials only: the optional 食品安全管理制度 is not counted.
    assert_eq!(it["before"]["materials"], 3);
    assert_eq!(it["after"]["materials"], 2);
    assert_eq!(it["before"]["committed_days"], 10);
    assert_eq!(it["after"]["committed_days"], 5);
    assert_eq!(it["before"]["visits"], 2);
    assert_eq!(it["after"]["visits"], 0);
    assert_eq!(it["after"]["charged"], false);
    // Two reworded materials are the same materials; only 场所使用证明 was removed.
    assert_eq!(it["reworded_materials"], 2);
    let m = changes_of(it, "materials");
    let kinds: Vec<&str> = m.iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["reworded", "reworded", "stamped", "removed"], "{m:?}");
    // steps 1 + stamps 2 + materials 1 + visits 2×2 + days 5×0.2
    assert_eq!(it["score"].as_f64(), Some(9.0));
    let cl = changes_of(it, "committed_limit");
    assert_eq!(cl.len(), 1);
    assert_eq!(cl[0]["old"], "10个工作日");
    assert_eq!(cl[0]["new"], "5个工作日");
}

#[test]
fn recoded_item_is_changed_with_both_codes() {
    let v = fixture_json();
    let it = find(&v, "450102", "450101002000");
    assert_eq!(it["status"], "changed");
    assert_eq!(it["recoded"], true);
    assert_eq!(it["old_code"], "000101002000");
    let c = changes_of(it, "code");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0]["old"], "000101002000");
    assert_eq!(c[0]["new"], "450101002000");
    // Full-width brackets in the name are formatting, not a change.
    assert!(changes_of(it, "name").is_empty());
    assert_eq!(it["score"].as_f64(), Some(0.0));
}

#[test]
fn regression_scores_below_zero_and_is_listed_first() {
    let v = fixture_json();
    let first = &v["items"][0];
    assert_eq!(first["item"], "000102001000");
    assert_eq!(first["after"]["intermediaries"], 1);
    assert_eq!(first["after"]["materials"], 2);
    // −2 intermediaries −1 material −1 stamp
    assert_eq!(first["score"].as_f64(), Some(-4.0));
    assert_eq!(v["summary"]["complicated"], 1);
}

#[test]
fn formatting_noise_is_not_a_change() {
    let v = fixture_json();
    let it = find(&v, "450102", "000101003000");
    assert_eq!(it["status"], "unchanged", "{}", it["changes"]);
    assert_eq!(it["score"].as_f64(), Some(0.0));
}

#[test]
fn added_and_removed_items_and_summary() {
    let v = fixture_json();
    assert_eq!(find(&v, "450103", "000101001000")["status"], "removed");
    let added = find(&v, "450103", "000101009000");
    assert_eq!(added["status"], "added");
    assert!(added["before"].is_null());
    assert_eq!(added["after"]["committed_days"], 0);
    let s = &v["summary"];
    assert_eq!(s["items"], 7);
    assert_eq!(s["added"], 1);
    assert_eq!(s["removed"], 1);
    assert_eq!(s["recoded"], 1);
    assert_eq!(s["simplified"], 1);
    assert_eq!(s["reduced"]["visits"], 2);
    // 即办件: 1 of 6 before, 2 of 6 after.
    assert_eq!(s["before"]["immediate_share"].as_f64(), Some(0.1667));
    assert_eq!(s["after"]["immediate_share"].as_f64(), Some(0.3333));
    let rank = s["ranking"]["jurisdictions"].as_array().unwrap();
    assert_eq!(rank[0]["key"], "450102");
    assert_eq!(rank[0]["score"].as_f64(), Some(5.0));
}

#[test]
fn output_is_deterministic_and_written_atomically() {
    let f = fixtures();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("d.json");
    let (code, _, err) = run_diff(
        &f.join("old"),
        &f.join("new"),
        &["--format", "json", "-o", p.to_str().unwrap(), "--threads", "1"],
    );
    assert_eq!(code, 0, "{err}");
    let a = std::fs::read(&p).unwrap();
    let (_, b, _) =
        run_diff(&f.join("old"), &f.join("new"), &["--format", "json", "--threads", "2"]);
    assert_eq!(a, b.into_bytes());
}

#[test]
fn text_md_csv_render() {
    let f = fixtures();
    let (code, text, _) = run_diff(&f.join("old"), &f.join("new"), &[]);
    assert_eq!(code, 0);
    // Chinese by default, regressions first, inline character diffs.
    let reg = text.find("更复杂的事项").expect("regression section");
    let chg = text.find("变更事项").expect("changed section");
    assert!(reg < chg);
    assert!(text.contains("营业执照{+副本+}复印件"), "{text}");
    assert!(text.contains("承诺时限压缩率"));
    let (_, en, _) = run_diff(&f.join("old"), &f.join("new"), &["--lang", "en"]);
    assert!(en.contains("More complicated"));
    let (_, md, _) = run_diff(&f.join("old"), &f.join("new"), &["--format", "md"]);
    assert!(md.contains("~~10~~**5**个工作日"), "{md}");
    let (_, csv, _) = run_diff(&f.join("old"), &f.join("new"), &["--format", "csv", "--no-bom"]);
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 7);
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    assert_eq!(&rows[0][col("status")], "changed");
    assert_eq!(&rows[0][col("score")], "-4");
}

#[test]
fn bad_rules_exit_2_with_position() {
    let f = fixtures();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scoring.toml"), "steps = 1.0\nvisitz = 2\n").unwrap();
    let (code, _, err) =
        run_diff(&f.join("old"), &f.join("new"), &["--rules", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("scoring.toml:2"), "{err}");
    let (code, _, _) = run_diff(&f.join("old"), &f.join("missing"), &[]);
    assert_eq!(code, 2);
}

/// One row of the generator's changes.csv (gen-contract.md).
#[derive(Debug, serde::Deserialize)]
struct Truth {
    jurisdiction: String,
    item: String,
    status: String,
    old_code: String,
    new_code: String,
    steps_before: String,
    steps_after: String,
    stamps_before: String,
    stamps_after: String,
    materials_before: String,
    materials_after: String,
    committed_days_before: String,
    committed_days_after: String,
    visits_before: String,
    visits_after: String,
    intermediaries_before: String,
    intermediaries_after: String,
    charged_before: String,
    charged_after: String,
    reworded_materials: String,
}

const MEASURES: [&str; 7] =
    ["steps", "stamps", "materials", "committed_days", "visits", "intermediaries", "charged"];

impl Truth {
    fn cells(&self) -> [(&str, &str); 7] {
        [
            (&self.steps_before, &self.steps_after),
            (&self.stamps_before, &self.stamps_after),
            (&self.materials_before, &self.materials_after),
            (&self.committed_days_before, &self.committed_days_after),
            (&self.visits_before, &self.visits_after),
            (&self.intermediaries_before, &self.intermediaries_after),
            (&self.charged_before, &self.charged_after),
        ]
        .map(|(a, b)| (a.as_str(), b.as_str()))
    }
}

/// A changes.csv cell as JSON: empty is null, true/false booleans, otherwise an integer.
fn cell(s: &str) -> Value {
    match s.trim() {
        "" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        n => n.parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::String(n.into())),
    }
}

fn measure(v: &Value, side: &str, key: &str) -> Value {
    if v[side].is_null() {
        Value::Null
    } else {
        v[side][key].clone()
    }
}

/// −1 worse, +1 better, 0 same, for one measure (charged: true → false is better).
fn direction(before: &Value, after: &Value) -> i32 {
    match (before, after) {
        (Value::Bool(b), Value::Bool(a)) => (*b as i32) - (*a as i32),
        (Value::Number(b), Value::Number(a)) => {
            let (b, a) = (b.as_u64().unwrap_or(0), a.as_u64().unwrap_or(0));
            (b > a) as i32 - (a > b) as i32
        }
        _ => 0,
    }
}

/// Versions made by `qingdan gen` with known changes: every row of changes.csv must come out of
/// `qingdan diff` with the same status and the same measures, reworded materials must be
/// recognised (and so not change the materials count), and regressions must score below zero.
#[test]
fn generated_versions_match_changes_csv() {
    let mut all_failures: Vec<String> = Vec::new();
    for seed in [1u64, 7, 42] {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .args(["gen", "--small", "--seed", &seed.to_string(), "-o"])
            .arg(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "gen failed: {err}");
        let (code, json, err) = run_diff(
            &dir.path().join("region"),
            &dir.path().join("region-v2"),
            &["--format", "json", "-q"],
        );
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&json).unwrap();
        let items = v["items"].as_array().unwrap();
        let mut rdr = csv::Reader::from_path(dir.path().join("changes.csv")).unwrap();
        let truth: Vec<Truth> = rdr.deserialize().map(|r| r.unwrap()).collect();
        assert!(!truth.is_empty());

        let (mut status_ok, mut measures_ok, mut reworded_ok, mut regressions, mut failures) =
            (0, 0, 0, 0, Vec::new());
        for t in &truth {
            let codes = [t.item.as_str(), t.old_code.as_str(), t.new_code.as_str()];
            let hit = items.iter().find(|x| {
                x["jurisdiction"] == t.jurisdiction.as_str()
                    && [&x["item"], &x["old_code"], &x["new_code"]]
                        .iter()
                        .any(|c| c.as_str().is_some_and(|c| !c.is_empty() && codes.contains(&c)))
                    && match t.status.as_str() {
                        "added" => x["status"] == "added",
                        "removed" => x["status"] == "removed",
                        _ => x["status"] != "added" && x["status"] != "removed",
                    }
            });
            let Some(x) = hit else {
                failures.push(format!("{}/{}: not in the diff", t.jurisdiction, t.item));
                continue;
            };
            let got_status = match (x["status"].as_str(), x["recoded"].as_bool()) {
                (Some("changed"), Some(true)) => "recoded",
                (Some(s), _) => s,
                _ => "?",
            };
            if got_status == t.status {
                status_ok += 1;
            } else {
                failures.push(format!(
                    "{}/{}: status {} ≠ {got_status}",
                    t.jurisdiction, t.item, t.status
                ));
            }
            let mut all = true;
            let (mut better, mut worse) = (false, false);
            for (k, (b, a)) in MEASURES.iter().zip(t.cells()) {
                let (tb, ta) = (cell(b), cell(a));
                let (gb, ga) = (measure(x, "before", k), measure(x, "after", k));
                if tb != gb || ta != ga {
                    all = false;
                    failures
                        .push(format!("{}/{}: {k} {b}→{a} ≠ {gb}→{ga}", t.jurisdiction, t.item));
                }
                match direction(&tb, &ta) {
                    1 => better = true,
                    -1 => worse = true,
                    _ => {}
                }
            }
            measures_ok += all as u64;
            let tr = t.reworded_materials.trim().parse::<u64>().unwrap_or(0);
            if x["reworded_materials"].as_u64() == Some(tr) {
                reworded_ok += 1;
            } else {
                failures.push(format!(
                    "{}/{}: reworded materials {tr} ≠ {}",
                    t.jurisdiction, t.item, x["reworded_materials"]
                ));
            }
            let score = x["score"].as_f64().unwrap();
            if worse && !better {
                regressions += 1;
                if score >= 0.0 {
                    failures
                        .push(format!("{}/{}: regression scored {score}", t.jurisdiction, t.item));
                }
            } else if better && !worse && score <= 0.0 {
                failures
                    .push(format!("{}/{}: simplification scored {score}", t.jurisdiction, t.item));
            } else if !better && !worse && score != 0.0 {
                failures.push(format!(
                    "{}/{}: no measure changed but scored {score}",
                    t.jurisdiction, t.item
                ));
            }
        }
        eprintln!(
            "seed {seed}: {} items in changes.csv, {} in the diff; status exact {status_ok}, \
             measures exact {measures_ok}, reworded materials exact {reworded_ok}, regressions {regressions}",
            truth.len(),
            items.len()
        );
        assert_eq!(items.len(), truth.len(), "the diff has items changes.csv does not list");
        assert!(regressions > 0, "the generated versions should contain regressions");
        all_failures.extend(failures.into_iter().map(|f| format!("seed {seed}: {f}")));
    }
    assert!(
        all_failures.is_empty(),
        "{} mismatches:\n{}",
        all_failures.len(),
        all_failures.join("\n")
    );
}

/// The same versions as UTF-8 CSV, GBK CSV and xlsx workbooks (the generator's examples/) give
/// the same diff.
#[test]
fn encodings_and_workbooks_give_the_same_diff() {
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    if !ex.join("region").exists() {
        eprintln!("SKIPPED: no examples/ from qingdan gen");
        return;
    }
    let json = |old: PathBuf, new: PathBuf| {
        let (code, out, err) = run_diff(&old, &new, &["--format", "json", "-q"]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let utf8 = json(ex.join("region"), ex.join("region-v2"));
    let gbk = json(ex.join("gbk/region"), ex.join("gbk/region-v2"));
    let xlsx = json(ex.join("xlsx/region.xlsx"), ex.join("xlsx/region-v2.xlsx"));
    assert!(utf8 == gbk, "GBK differs from UTF-8");
    assert!(utf8 == xlsx, "xlsx differs from UTF-8");
    let v: Value = serde_json::from_str(&utf8).unwrap();
    assert!(v["summary"]["items"].as_u64().unwrap() > 100);
}
