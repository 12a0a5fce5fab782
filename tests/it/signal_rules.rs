//! Signal, not noise (issue 13): the standard's own defects reported once, consequences
//! folded under their cause (`caused_by`), item identity that keeps a valid code against a
//! near-twin name, candidate name matches as info, and consensus across levels down to two
//! jurisdictions. Each case is a fixture under tests/fixtures/signal/<case>/ run through the
//! real binary; each shows the rule firing and, on formatting-only noise, silent.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signal").join(case)
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan")).args(args).output().expect("run qingdan")
}

fn check(dataset: &Path, standard: Option<&Path>, format: &str) -> (Output, Vec<Value>) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), dataset.as_os_str()];
    if let Some(s) = standard {
        args.push("--standard".as_ref());
        args.push(s.as_os_str());
    }
    args.push("--format".as_ref());
    args.push(format.as_ref());
    let out = run(&args);
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "exit {code:?}: {}", String::from_utf8_lossy(&out.stderr));
    let findings = match format {
        "jsonl" => String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l}: {e}")))
            .collect(),
        _ => Vec::new(),
    };
    (out, findings)
}

fn of<'a>(findings: &'a [Value], rule: &str, j: Option<&str>, item: &str) -> Vec<&'a Value> {
    findings
        .iter()
        .filter(|f| f["rule"] == rule && f["item"] == item && f["jurisdiction"].as_str() == j)
        .collect()
}

/// A standard item that says 承诺件 with 承诺时限 无, copied by two counties (one with only
/// formatting noise: /, 免费, 20工作日, 《食品安全法》第35条): one QD405 about the standard,
/// none about the counties; a county whose own row has the defect where the standard has a
/// limit is still reported.
#[test]
fn the_standards_own_defect_is_reported_once_and_never_blamed_on_its_copies() {
    let case = fixture("standard-defect");
    let (out, findings) = check(&case.join("region"), Some(&case.join("standard")), "jsonl");
    let on_standard = of(&findings, "QD405", Some("450000"), "000101001000");
    assert_eq!(on_standard.len(), 1, "{findings:#?}");
    assert_eq!(on_standard[0]["scope"], "standard");
    for j in ["450102", "450103", "450105"] {
        assert!(of(&findings, "QD405", Some(j), "000101001000").is_empty(), "{j}: {findings:#?}");
    }
    // The county's own defect (the standard promises 10个工作日) is the county's.
    let own = of(&findings, "QD405", Some("450105"), "000105002000");
    assert_eq!(own.len(), 1, "{findings:#?}");
    assert!(own[0].get("scope").is_none());
    // Formatting-only noise in 450105's copy is silent.
    assert!(
        findings.iter().all(|f| !(f["jurisdiction"] == "450105" && f["item"] == "000101001000")),
        "{findings:#?}"
    );
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert_eq!(out.status.code(), Some(0));
    let (text, _) = check(&case.join("region"), Some(&case.join("standard")), "text");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("标准目录自身的问题"), "{text}");
}

/// A county row keeps its valid code 450911001001 although it was renamed to the exact name
/// of another standard item the same county lists by code: one name finding on the item its
/// code names, no QD107, no QD001, no field findings against the other item. (Regression:
/// qingdan reported the row under 450912001000 with QD107 and four field findings.)
#[test]
fn a_valid_code_is_not_overridden_by_a_near_twin_name() {
    let case = fixture("near-twin");
    let (_, findings) = check(&case.join("region"), Some(&case.join("standard")), "jsonl");
    let here: Vec<&Value> = findings.iter().filter(|f| f["jurisdiction"] == "450102").collect();
    assert_eq!(here.len(), 1, "{here:#?}");
    assert_eq!(here[0]["rule"], "QD101");
    assert_eq!(here[0]["item"], "450911001001");
    assert_eq!(here[0]["actual"], "水事纠纷处理");
    // A codeless row named exactly as the standard is matched (error: the code is missing).
    let missing = of(&findings, "QD106", Some("450103"), "000101001000");
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["severity"], "error");
    // A reworded name whose basis and limit disagree: at 0.73 (bigram Dice) it was a
    // candidate; Jaro–Winkler scores the one inserted 的 0.971, at or above certain-similarity,
    // so the match is certain (error) and the field findings are the row's own.
    let matched = of(&findings, "QD106", Some("450107"), "450912001000");
    assert_eq!(matched.len(), 1, "{findings:#?}");
    assert_eq!(matched[0]["severity"], "error");
    let ev = &matched[0]["evidence"];
    assert_eq!(ev["name_score"], 971);
    assert!(ev["disagreed"].as_array().unwrap().iter().any(|f| f == "basis"), "{ev}");
    assert!(ev["agreed"].as_array().unwrap().iter().any(|f| f == "category"), "{ev}");
    let fields: Vec<&Value> = findings
        .iter()
        .filter(|f| f["jurisdiction"] == "450107" && f["item"] == "450912001000")
        .filter(|f| f["rule"] != "QD106")
        .collect();
    assert!(!fields.is_empty());
    for f in fields {
        assert!(f.get("caused_by").is_none(), "{f}");
    }
}

/// A town that lacks its county's item because the county misses it follows from the
/// county's QD001: it carries `caused_by`, and counts neither in the summary nor for
/// `--fail-on warning`.
#[test]
fn a_town_without_its_countys_item_follows_from_the_county() {
    let ex = examples();
    let (out, findings) = check(&ex.join("region"), Some(&ex.join("standard")), "jsonl");
    let towns: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "QD004").collect();
    assert!(!towns.is_empty());
    for f in &towns {
        assert_eq!(f["caused_by"]["rule"], "QD001", "{f}");
        let county = f["caused_by"]["jurisdiction"].as_str().unwrap();
        assert!(f["jurisdiction"].as_str().unwrap().starts_with(county), "{f}");
        assert!(!of(&findings, "QD001", Some(county), f["item"].as_str().unwrap()).is_empty());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Warnings that follow from another (the towns', and elements a row without its code
    // cannot be given) are not counted.
    let counted =
        findings.iter().filter(|f| f["severity"] == "warning" && f["caused_by"].is_null()).count();
    assert!(stderr.contains(&format!("警告{counted}条")), "{stderr}");
    let (text, _) = check(&ex.join("region"), Some(&ex.join("standard")), "text");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("由此导致"), "{text}");
    assert!(text.contains("未计入合计"), "{text}");
}

/// One province and two cities, no standard: no level has three peers, yet a 法定时限 the
/// province and a city hold differently (60日 against 60个工作日) is a split reported as a
/// warning naming both, and 20 against two 30s is reported on the city. A committed limit,
/// which legitimately varies by level, is not compared across levels, and formatting-only
/// differences (二十个工作日, 20工作日, 《城乡规划法》第40条) are silent.
#[test]
fn consensus_reaches_across_levels_down_to_two_jurisdictions() {
    let (_, findings) = check(&fixture("across-levels").join("region"), None, "jsonl");
    let split = of(&findings, "QD901", None, "000105002000");
    assert_eq!(split.len(), 1, "{findings:#?}");
    assert_eq!(split[0]["severity"], "warning");
    let msg = split[0]["message"].as_str().unwrap();
    assert!(msg.contains("450000") && msg.contains("450100"), "{msg}");
    assert!(msg.contains("60日") && msg.contains("60个工作日"), "{msg}");
    let city = of(&findings, "QD401", Some("450100"), "000101001000");
    assert_eq!(city.len(), 1, "{findings:#?}");
    assert!(findings.iter().all(|f| f["item"] != "000107003000"), "{findings:#?}");
    assert!(findings.iter().all(|f| f["field"] != "committed_limit"), "{findings:#?}");
    assert_eq!(findings.len(), 2, "{findings:#?}");
}

/// Without a standard, each list is compared with its parent's on the fields every level holds
/// alike (上下对应), where no level's own majority shows the conflict: a county whose towns all
/// say otherwise is reported once, against them; a town alone against its county. Platform
/// formats of the same limit (30(工作日), 60（工作日）) are not a difference. A county its peers
/// already reported (450103 cites 第62条 where the city and the other counties cite 第58条) is
/// no reference for its town: the town holding 第58条 is not blamed for its county's fault.
#[test]
fn each_list_is_compared_with_its_parents() {
    let (_, findings) = check(&fixture("parent-list").join("region"), None, "jsonl");
    let county = of(&findings, "QD401", Some("450102"), "000101001000");
    assert_eq!(county.len(), 1, "{findings:#?}");
    assert!(county[0]["message"].as_str().unwrap().contains("下级2个镇中2个"), "{county:#?}");
    let town = of(&findings, "QD401", Some("450103001"), "000101001000");
    assert_eq!(town.len(), 1, "{findings:#?}");
    assert!(town[0]["message"].as_str().unwrap().contains("上级县级清单（450103）"), "{town:#?}");
    assert!(findings.iter().all(|f| f["item"] != "000701001000"), "{findings:#?}");
    let county = of(&findings, "QD303", Some("450103"), "000101002000");
    assert_eq!(county.len(), 1, "{findings:#?}");
    assert!(of(&findings, "QD303", Some("450103001"), "000101002000").is_empty(), "{findings:#?}");
    // 450103002 alone of the five towns lacks the item.
    assert_eq!(of(&findings, "QD001", Some("450103002"), "000101002000").len(), 1);
    assert_eq!(findings.len(), 4, "{findings:#?}");
}

/// Without a standard, a defect most jurisdictions carrying an item share is the item's
/// common form: reported once with no jurisdiction (scope shared), not once per list.
#[test]
fn a_defect_most_peers_share_is_reported_once() {
    let (_, findings) = check(&fixture("standard-defect").join("region"), None, "jsonl");
    let shared: Vec<&Value> = findings.iter().filter(|f| f["scope"] == "shared").collect();
    // 450102 and 450105 write 承诺件 without a limit for 000101001000; 450103 promises 5 days.
    assert_eq!(shared.len(), 1, "{findings:#?}");
    assert_eq!(shared[0]["rule"], "QD405");
    assert!(shared[0]["jurisdiction"].is_null());
    assert_eq!(shared[0]["evidence"]["agree_of"], serde_json::json!([2, 3]));
    assert!(of(&findings, "QD405", Some("450102"), "000101001000").is_empty());
}

/// A standard that splits one code into 业务办理项 (食品经营许可（新办）/（变更）/（注销）): each row
/// of a list is compared with the 办理项 it names, never with an arbitrary one (before: three
/// QD101, a QD701 and a QD104 per county); a county's own slower 变更 is still reported. Rows of
/// one code under two bodies of one division (a 高新区 branch) are not a duplicate; the same
/// body twice still is. (Also silent on 食品经营许可(变更) written with half-width brackets.)
#[test]
fn handling_items_are_compared_with_their_own_and_bodies_are_not_duplicates() {
    let case = fixture("handling-items");
    let (_, findings) = check(&case.join("region"), Some(&case.join("standard")), "jsonl");
    assert!(findings.iter().all(|f| f["jurisdiction"] != "450102"), "{findings:#?}");
    let here: Vec<&Value> = findings.iter().filter(|f| f["jurisdiction"] == "450103").collect();
    assert_eq!(here.len(), 1, "{here:#?}");
    assert_eq!(here[0]["rule"], "QD403");
    assert_eq!(here[0]["item"], "000101001000(变更)");
    assert_eq!(here[0]["expected"], "5个工作日");
    let dup = of(&findings, "QD104", Some("450105"), "000105002000");
    assert_eq!(dup.len(), 1, "{findings:#?}");
    assert!(findings.iter().all(|f| f["rule"] != "QD101" && f["rule"] != "QD701"));
}

/// Several bodies of one division each listing an item's 办理项 (33-character implementation
/// codes ending in the 办理项 number, the name's bracketed end) are not duplicates, but the
/// same 办理项 must carry the same number in each (QD109): 南宁高新区 swaps 变更 and 注销, 南宁经开区
/// agrees with the city bureau.
#[test]
fn handling_items_of_several_bodies_are_numbered_alike() {
    let (_, findings) = check(&fixture("handling-numbers").join("region"), None, "jsonl");
    assert!(findings.iter().all(|f| f["rule"] == "QD109"), "{findings:#?}");
    assert_eq!(findings.len(), 2, "{findings:#?}");
    for f in &findings {
        let msg = f["message"].as_str().unwrap();
        assert!(msg.contains("南宁高新区市场监督管理局"), "{msg}");
        assert!(!msg.contains("经开区"), "{msg}");
    }
    assert_eq!(
        (findings[0]["actual"].as_str(), findings[0]["expected"].as_str()),
        (Some("02"), Some("03"))
    );
}

#[test]
fn version_chains_keep_the_latest_and_an_item_beside_its_handling_items_is_no_duplicate() {
    // Shaped like shared/data/real/guangxi-lingshan-task-sample (item_id, task_version, task_code,
    // ywcode): rec-a at versions 7 and 8 and rec-h at v2 and v10 are one item each; rec-b is the
    // 子项 record of 000141005000 beside its 办理项 rec-c (01) and rec-d (02). Two records of one
    // item (rec-e, rec-f) and one record exported twice at the same version (rec-g) stay
    // duplicates.
    let (out, findings) = check(&fixture("version-chain"), None, "jsonl");
    let dup: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "QD104")
        .map(|f| f["item"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(dup, ["000104002000", "450708001W01"], "{findings:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2行是同一事项的旧版本"), "{err}");
}
