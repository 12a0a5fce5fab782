//! Formats and code tables of real platforms (issue 13, point 5), through the real binary:
//! Zhejiang's 权力基本码, Guangdong's TT table, implementation codes of bodies outside the row's
//! division, 33-character implementation codes, and time limits written the platform's way.
//! Fixture datasets live in tests/fixtures/formats/<case>/ (see PROVENANCE.md there).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use qingdan::model::Category;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(case)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan")).args(args).output().expect("run qingdan")
}

/// The findings of `check` on a fixture, as jsonl values.
fn check(case: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    check_dir(&fixture(case), extra)
}

/// A rules folder whose codes.toml is the built-in one with `from` replaced by `to`.
fn codes_toml_with(from: &str, to: &str) -> tempfile::TempDir {
    let rules = tempfile::tempdir().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/codes.toml");
    let codes = std::fs::read_to_string(path).unwrap();
    assert!(codes.contains(from), "{from}");
    std::fs::write(rules.path().join("codes.toml"), codes.replace(from, to)).unwrap();
    rules
}

/// The findings of `check` on the dataset `dir`, as jsonl values.
fn check_dir(dir: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["check", dir.to_str().unwrap(), "--format", "jsonl", "-q"];
    args.extend_from_slice(extra);
    let out = run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code().is_some_and(|c| c < 2), "{stderr}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad jsonl line {l}: {e}")))
        .collect()
}

fn rules_of<'a>(f: &'a [serde_json::Value], rule: &str) -> Vec<&'a serde_json::Value> {
    f.iter().filter(|x| x["rule"] == rule).collect()
}

/// The 172 Wenzhou codes: none is malformed any more (171 were QD102 before the Zhejiang layout,
/// "含非法字符「其」"); the full-width dash and the leading space are formatting; the exact
/// duplicate 其他-02635-001 is still QD104, and nothing else is reported.
#[test]
fn zhejiang_codes_are_well_formed_and_the_duplicate_is_found() {
    let f = check("zhejiang", &[]);
    assert!(rules_of(&f, "QD102").is_empty(), "{f:#?}");
    let dups = rules_of(&f, "QD104");
    assert_eq!(dups.len(), 1, "{f:#?}");
    assert_eq!(dups[0]["actual"], "其他-02635-001");
    assert_eq!(f.len(), 1, "{f:#?}");
}

/// A Zhejiang code with a word outside its table, or the wrong number of digits, is malformed;
/// a Zhejiang code outside Zhejiang is too, unless the region is set in rules/codes.toml.
#[test]
fn zhejiang_codes_that_are_malformed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("items.csv"),
        "区划代码,事项编码,事项名称,事项类型\n\
         330302,其它-02635-001,甲事项,其他行政权力\n\
         330302,许可-0077-008,乙事项,行政许可\n\
         330302,许可－00077－008－01,丙事项,行政许可\n\
         330302,处罚-00077-009,丁事项,行政许可\n\
         330302,审核转报-00663-000,戊事项,行政许可\n\
         450102,许可-00077-010,己事项,行政许可\n",
    )
    .unwrap();
    let f = check_dir(dir.path(), &[]);
    let malformed: Vec<&str> =
        rules_of(&f, "QD102").iter().map(|x| x["actual"].as_str().unwrap()).collect();
    assert_eq!(malformed, ["其它-02635-001", "许可-0077-008", "许可-00077-010"], "{f:#?}");
    // 处罚 under 行政许可 is a category mismatch; 审核转报 names no category.
    let mismatch: Vec<&str> =
        rules_of(&f, "QD103").iter().map(|x| x["item"].as_str().unwrap()).collect();
    assert_eq!(mismatch, ["处罚-00077-009"], "{f:#?}");
    // region = "zhejiang" applies Zhejiang's table to the 450102 row too.
    let rules = codes_toml_with("region = \"auto\"", "region = \"zhejiang\"");
    let f = check_dir(dir.path(), &["--rules", rules.path().to_str().unwrap()]);
    assert_eq!(rules_of(&f, "QD102").len(), 2, "{f:#?}");
}

/// Guangdong's 20 is 其他行政权力 and 21 公共服务; elsewhere 20 is 公共服务.
#[test]
fn guangdong_table_beside_the_national_one() {
    let f = check("guangdong", &[]);
    let mut mismatch: Vec<(&str, &str)> = rules_of(&f, "QD103")
        .iter()
        .map(|x| (x["jurisdiction"].as_str().unwrap(), x["item"].as_str().unwrap()))
        .collect();
    mismatch.sort();
    assert_eq!(mismatch, [("440106", "442011004000"), ("450102", "452006006000")], "{f:#?}");
    assert!(rules_of(&f, "QD102").is_empty(), "{f:#?}");
}

/// QD108: silent on a customs office (credit division 100000) and a 高新区 beside the county, and
/// on a 33-character code written with lower case and spaces; fires on a county bureau with
/// another county's credit code and on a 34-character code.
#[test]
fn bodies_outside_the_division_and_handling_items() {
    let f = check("bodies", &[]);
    let mut fired: Vec<&str> =
        rules_of(&f, "QD108").iter().map(|x| x["item"].as_str().unwrap()).collect();
    fired.sort();
    assert_eq!(fired, ["450101003000", "450101005000"], "{f:#?}");
    let own = rules_of(&f, "QD108").into_iter().find(|x| x["item"] == "450101003000").unwrap();
    assert!(own["message"].as_str().unwrap().contains("主体区划450103不在本区划450102内"));
    // Without the bodies list the customs office and the zone are reported too.
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(rules.path().join("bodies.toml"), "departments = []\n").unwrap();
    let f = check("bodies", &["--rules", rules.path().to_str().unwrap()]);
    assert_eq!(rules_of(&f, "QD108").len(), 4, "{f:#?}");
}

/// 30(工作日), 5（个工作日）, 二十（20）个工作日 agree with 20个工作日; 20(自然日) does not.
#[test]
fn limits_written_the_platform_way_agree() {
    let f = check("limits", &[]);
    let limits: Vec<(&str, &str)> = f
        .iter()
        .filter(|x| x["field"] == "statutory_limit" || x["field"] == "committed_limit")
        .map(|x| (x["jurisdiction"].as_str().unwrap(), x["field"].as_str().unwrap()))
        .collect();
    assert_eq!(limits, [("450109", "statutory_limit")], "{f:#?}");
}

#[test]
fn public_service_parses_everywhere() {
    for s in ["公共服务", "公共服务事项", "20", " 公共服务 "] {
        assert_eq!(Category::parse(s), Some(Category::PublicService), "{s}");
    }
    assert_eq!(Category::parse("行政许可事项"), Some(Category::Licensing));
    assert_eq!(Category::parse("其他行政权力事项"), Some(Category::Other));
    assert_eq!(Category::parse("联办事项"), None);
    assert_eq!(Category::parse("审核转报"), None);
}

/// A bad base-code table stops the run with exit 2, naming the file and the line.
#[test]
fn a_bad_codes_file_exits_2_naming_file_and_line() {
    let rules = codes_toml_with("\"21\" = \"公共服务\"", "\"21\" = \"公众服务\"");
    let dir = fixture("guangdong");
    let out = run(&["check", dir.to_str().unwrap(), "--rules", rules.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("codes.toml:") && err.contains("公众服务"), "{err}");
}
