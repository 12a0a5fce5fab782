//! Integration tests of `qingdan review`, running the real binary on tests/fixtures/review/ (a
//! county list with known faults against a small standard; see its README.md).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/review").join(p)
}

fn qingdan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan")).args(args).output().expect("run qingdan")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The items with the given verdict, as (jurisdiction, item).
fn verdicts(doc: &Value, verdict: &str) -> BTreeSet<(String, String)> {
    doc["items"]
        .as_array()
        .expect("items array")
        .iter()
        .filter(|i| i["verdict"] == verdict)
        .map(|i| {
            (
                i["jurisdiction"].as_str().unwrap_or("").to_string(),
                i["item"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn set(j: &str, items: &[&str]) -> BTreeSet<(String, String)> {
    items.iter().map(|i| (j.to_string(), i.to_string())).collect()
}

const RETURNED: [&str; 3] = ["450101002000", "450101003000", "450701001000"];
const PASSED: [&str; 3] = ["450101001000", "451001009000", "450601001000"];

fn review_json(list: &str, extra: &[&str]) -> (Output, Value) {
    let std = fixture("standard");
    let list = fixture(list);
    let mut args = vec!["review", path(&list), "--standard", path(&std), "--format", "json"];
    args.extend_from_slice(extra);
    let out = qingdan(&args);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\nstderr: {}", String::from_utf8_lossy(&out.stderr)));
    (out, doc)
}

fn reason_texts(doc: &Value, item: &str) -> Vec<String> {
    doc["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["item"] == item)
        .flat_map(|i| i["reasons"].as_array().cloned().unwrap_or_default())
        .map(|r| r["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn faulted_items_are_returned_and_the_others_pass() {
    let (out, doc) = review_json("list", &[]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(verdicts(&doc, "return"), set("450102", &RETURNED));
    assert_eq!(verdicts(&doc, "pass"), set("450102", &PASSED));
    assert_eq!(doc["summary"]["pass"], 3);
    assert_eq!(doc["summary"]["return"], 3);

    // Reasons name the field, the value found and what the standard requires.
    let limit = reason_texts(&doc, "450101003000").join("\n");
    assert!(limit.contains("25个工作日") && limit.contains("20个工作日"), "{limit}");
    let basis = reason_texts(&doc, "450701001000").join("\n");
    assert!(basis.contains("合同法"), "{basis}");
    let code = reason_texts(&doc, "450101002000").join("\n");
    assert!(code.contains("45010100200"), "{code}");
    // Every reason carries CLI.md's finding keys.
    for item in doc["items"].as_array().into_iter().flatten() {
        for r in item["reasons"].as_array().into_iter().flatten() {
            for key in ["rule", "name", "severity", "field", "jurisdiction", "item", "message"] {
                assert!(r.get(key).is_some(), "reason without {key}: {r}");
            }
        }
    }

    // List level: the required 县级 item that is missing, the item unknown to the standard; the
    // 市级-only item is not asked of a county.
    let missing: BTreeSet<&str> = doc["missing"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["item"].as_str())
        .collect();
    assert!(missing.contains("450101004000"), "{missing:?}");
    assert!(!missing.contains("450102001000"), "{missing:?}");
    let unknown: Vec<&str> = doc["unknown"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["item"].as_str())
        .collect();
    assert_eq!(unknown, vec!["451001009000"]);
}

#[test]
fn jurisdiction_flag_supplies_a_missing_division_code() {
    let (out, doc) = review_json("list-nocode", &["--jurisdiction", "450102"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(verdicts(&doc, "return"), set("450102", &RETURNED));
    assert_eq!(verdicts(&doc, "pass"), set("450102", &PASSED));
}

#[test]
fn a_clean_list_passes_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    std::fs::create_dir(&clean).unwrap();
    std::fs::copy(fixture("list/jurisdictions.csv"), clean.join("jurisdictions.csv")).unwrap();
    let items = std::fs::read_to_string(fixture("list/items.csv")).unwrap();
    let kept: Vec<&str> = items
        .lines()
        .enumerate()
        .filter(|(n, l)| *n == 0 || l.contains("450101001000") || l.contains("450601001000"))
        .map(|(_, l)| l)
        .collect();
    assert_eq!(kept.len(), 3);
    std::fs::write(clean.join("items.csv"), kept.join("\n") + "\n").unwrap();
    let std = fixture("standard");
    let out = qingdan(&["review", path(&clean), "--standard", path(&std)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("合计：2 项通过，0 项退回修改。"), "{text}");
    // The missing items are still reported beside the items.
    assert!(text.contains("缺失事项"), "{text}");
}

#[test]
fn text_is_chinese_by_default_and_english_on_request() {
    let std = fixture("standard");
    let list = fixture("list");
    let out = qingdan(&["review", path(&list), "--standard", path(&std)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("审核意见：450102 兴宁区（县级）"), "{text}");
    assert!(text.contains("退回修改："), "{text}");
    assert!(text.contains("[450101003000] 建设工程规划许可"), "{text}");
    assert!(text.contains("合计：3 项通过，3 项退回修改。"), "{text}");
    let out = qingdan(&["--lang", "en", "review", path(&list), "--standard", path(&std)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Total: 3 pass, 3 returned."), "{text}");
}

#[test]
fn workbook_reads_back_with_returned_items_first() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("审核意见.xlsx");
    let std = fixture("standard");
    let list = fixture("list");
    let out = qingdan(&[
        "review",
        path(&list),
        "--standard",
        path(&std),
        "--format",
        "xlsx",
        "-o",
        path(&file),
    ]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let mut book: Xlsx<_> = calamine::open_workbook(&file).expect("open workbook");
    assert_eq!(book.sheet_names(), vec!["汇总", "事项审核意见", "缺失及未知事项"]);

    let items = book.worksheet_range("事项审核意见").unwrap();
    let cell = |r: u32, c: u32| match items.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({r},{c}) = {other:?}"),
    };
    let header: Vec<String> = (0..6).map(|c| cell(0, c)).collect();
    assert_eq!(header, ["区划代码", "事项编码", "事项名称", "审核结论", "退回理由", "建议"]);
    assert_eq!(items.height(), 7);
    let returned: BTreeSet<String> = (1..=3).map(|r| cell(r, 1)).collect();
    let expected: BTreeSet<String> = RETURNED.iter().map(|s| s.to_string()).collect();
    assert_eq!(returned, expected);
    for r in 1..=3 {
        assert_eq!(cell(r, 3), "退回修改");
        assert!(cell(r, 4).starts_with("1. "), "{}", cell(r, 4));
    }
    for r in 4..=6 {
        assert_eq!(cell(r, 3), "通过");
        assert_eq!(cell(r, 0), "450102");
    }
    let limit_row = (1..=3).find(|r| cell(*r, 1) == "450101003000").unwrap();
    assert!(cell(limit_row, 4).contains("25个工作日"), "{}", cell(limit_row, 4));

    let summary = book.worksheet_range("汇总").unwrap();
    let s = |r: u32, c: u32| summary.get_value((r, c)).cloned();
    // Below the opinion's head (issue 16.7): the table per jurisdiction, its counts numbers.
    let head = (0..summary.height() as u32)
        .find(|&r| s(r, 0) == Some(Data::String("区划代码".into())))
        .expect("table header");
    assert_eq!(s(head + 1, 0), Some(Data::String("450102".into())));
    assert_eq!(s(head + 1, 4), Some(Data::Float(3.0)));
    assert_eq!(s(head + 1, 5), Some(Data::Float(3.0)));

    let list_sheet = book.worksheet_range("缺失及未知事项").unwrap();
    let rows: Vec<String> = list_sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|"))
        .collect();
    assert!(rows.iter().any(|r| r.starts_with("缺失事项|450102|450101004000|")), "{rows:?}");
    assert!(rows.iter().any(|r| r.starts_with("标准目录外事项|450102|451001009000|")), "{rows:?}");
}

/// A workbook without -o goes to stdout when that is a pipe or a file (`> 审核意见.xlsx`); only a
/// terminal is refused (tests/it/cli.rs).
#[test]
fn xlsx_without_output_file_goes_to_a_pipe() {
    let std = fixture("standard");
    let list = fixture("list");
    let out = qingdan(&["review", path(&list), "--standard", path(&std), "--format", "xlsx"]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    assert!(out.stdout.starts_with(b"PK\x03\x04"), "a zip (xlsx) on stdout");
}

#[test]
fn a_bad_rules_file_stops_the_run_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("review.toml"),
        "return-on = [\"error\"]\n[fields]\nfee = \"refuse\"\n",
    )
    .unwrap();
    let std = fixture("standard");
    let list = fixture("list");
    let out =
        qingdan(&["review", path(&list), "--standard", path(&std), "--rules", path(dir.path())]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("review.toml:3"), "{err}");
}

#[test]
fn review_toml_overrides_change_verdicts() {
    // Making the committed-limit and basis findings advice leaves only the malformed code returned.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("review.toml"),
        "[fields]\ncommitted_limit = \"advise\"\nbasis = \"advise\"\n",
    )
    .unwrap();
    let (out, doc) = review_json("list", &["--rules", path(dir.path())]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(verdicts(&doc, "return"), set("450102", &["450101002000"]));
}

/// Reads truth.csv (gen-contract.md) into rows of
/// (dataset, kind, jurisdiction, item, field, detail).
fn truth_rows(file: &Path) -> Vec<[String; 6]> {
    let mut rdr = csv::Reader::from_path(file).expect("truth.csv");
    let headers = rdr.headers().expect("truth header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let cols = ["dataset", "kind", "jurisdiction", "item", "field", "detail"].map(col);
    rdr.records()
        .map(|r| {
            let r = r.expect("truth row");
            cols.map(|c| r.get(c).unwrap_or("").to_string())
        })
        .collect()
}

/// The generator's faults are the review's answer key: on a small generated region, the items
/// returned are exactly those with a fault at item level (presence faults are list-level),
/// among them an item whose required category element is empty (elements.csv lacks it).
#[test]
fn generated_region_returns_exactly_the_faulted_items() {
    let dir = tempfile::tempdir().unwrap();
    let out = qingdan(&["gen", "--small", "--seed", "7", "-o", path(dir.path())]);
    assert_eq!(out.status.code(), Some(0), "gen: {}", String::from_utf8_lossy(&out.stderr));

    let truth = truth_rows(&dir.path().join("truth.csv"));
    let faulted: BTreeSet<(String, String)> = truth
        .iter()
        .filter(|t| t[0] == "region" && t[1] == "fault" && t[4] != "presence")
        .map(|t| (t[2].clone(), t[3].clone()))
        .collect();
    let presence: BTreeSet<(String, String)> = truth
        .iter()
        .filter(|t| t[0] == "region" && t[1] == "fault" && t[4] == "presence")
        .map(|t| (t[2].clone(), t[3].clone()))
        .collect();
    assert!(!faulted.is_empty(), "gen injected no item-level fault");

    let region = dir.path().join("region");
    let standard = dir.path().join("standard");
    let out =
        qingdan(&["review", path(&region), "--standard", path(&standard), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("review json");
    let returned = verdicts(&doc, "return");
    let passed = verdicts(&doc, "pass");

    let empty_element: Vec<(String, String)> = truth
        .iter()
        .filter(|t| t[0] == "region" && t[4] == "elements" && t[5].starts_with("必填要素"))
        .map(|t| (t[2].clone(), t[3].clone()))
        .collect();
    assert!(!empty_element.is_empty(), "gen left no required element empty");
    assert!(empty_element.iter().all(|p| returned.contains(p)), "{empty_element:?}");
    let missed: Vec<_> = faulted.difference(&returned).collect();
    let extra: Vec<_> = returned.difference(&faulted).collect();
    let list_level: usize = ["missing", "unknown", "wrong_level", "other"]
        .iter()
        .map(|k| doc[*k].as_array().map_or(0, Vec::len))
        .sum();
    eprintln!(
        "review of gen --small --seed 7: {} items, {} returned, {} passed; truth: {} item-level \
         faults, {} presence faults; list-level findings {}; faulted but passed {}, returned \
         without a fault {}",
        returned.len() + passed.len(),
        returned.len(),
        passed.len(),
        faulted.len(),
        presence.len(),
        list_level,
        missed.len(),
        extra.len()
    );
    for (j, item) in &missed {
        let why: Vec<_> = truth.iter().filter(|t| &t[2] == j && &t[3] == item).collect();
        eprintln!("  faulted but passed: {j} {item} {why:?}");
    }
    for (j, item) in &extra {
        let why: Vec<_> = doc["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| i["jurisdiction"] == j.as_str() && i["item"] == item.as_str())
            .map(|i| i["reasons"].to_string())
            .collect();
        eprintln!("  returned without a fault: {j} {item} {why:?}");
    }
    assert!(missed.is_empty() && extra.is_empty(), "returned items differ from the faulted items");
}
