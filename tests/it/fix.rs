//! `qingdan fix` end to end: the corrected list, its change log, `--diff`, byte-for-byte
//! preservation of what no fix touches (UTF-8 with CRLF and quoted multi-line cells, GBK), and
//! the round trip: a check of the fixed list reports none of the findings that were fixed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qingdan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan")).args(args).output().unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// (rule, jurisdiction, item) of every finding of a check against the examples' standard.
fn findings(list: &Path) -> BTreeSet<(String, String, String)> {
    findings_against(list, &root().join("examples/standard"))
}

/// (rule, jurisdiction, item) of every finding of a check of `list` against `std`.
fn findings_against(list: &Path, std: &Path) -> BTreeSet<(String, String, String)> {
    let out = qingdan(&["-q", "check", s(list), "--standard", s(std), "--format", "jsonl"]);
    assert!(out.status.code().unwrap() <= 1, "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let t = |k: &str| v[k].as_str().unwrap_or("").to_string();
            (t("rule"), t("jurisdiction"), t("item"))
        })
        .collect()
}

/// The change log's rows (header left out), each as its cells.
fn change_log(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect()
}

/// The lines (split at `\n`, line ends kept) of two files that differ, as 1-based numbers.
fn changed_lines(a: &[u8], b: &[u8]) -> Vec<usize> {
    let (a, b): (Vec<&[u8]>, Vec<&[u8]>) = (
        a.split_inclusive(|&c| c == b'\n').collect(),
        b.split_inclusive(|&c| c == b'\n').collect(),
    );
    assert_eq!(a.len(), b.len(), "a fix changes cells, never the number of lines");
    a.iter().zip(&b).enumerate().filter(|(_, (x, y))| x != y).map(|(i, _)| i + 1).collect()
}

#[test]
fn fixed_findings_are_gone_and_nothing_else_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fixed");
    let list = root().join("examples/region");
    let std = root().join("examples/standard");
    let run = qingdan(&[
        "fix",
        s(&list),
        "--standard",
        s(&std),
        "--unsafe-fixes",
        "--normalise",
        "-o",
        s(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("已修正23处（安全20处，不安全3处）"), "{stderr}");
    // Every other file is the same bytes, but for the 事项编码 of the steps, materials and
    // elements of an item whose code was fixed (they follow it).
    assert_eq!(
        std::fs::read(list.join("jurisdictions.csv")).unwrap(),
        std::fs::read(out.join("jurisdictions.csv")).unwrap()
    );
    let mut followed = 0;
    for name in ["steps.csv", "materials.csv", "elements.csv"] {
        let (a, b) = (read_text(&list.join(name)), read_text(&out.join(name)));
        assert_eq!(a.lines().count(), b.lines().count(), "{name}");
        for (x, y) in a.lines().zip(b.lines()).filter(|(x, y)| x != y) {
            let (x, y): (Vec<&str>, Vec<&str>) = (x.split(',').collect(), y.split(',').collect());
            assert_eq!(x.len(), y.len());
            let differ: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
            assert_eq!(differ, vec![1], "{name}: {x:?} -> {y:?}");
            followed += 1;
        }
    }
    assert!(followed > 0, "no child row followed its item's fixed code");
    let log = change_log(&tmp.path().join("fixed.changes.csv"));
    assert_eq!(log.len(), 23);
    // The same log as a workbook beside it.
    assert!(tmp.path().join("fixed.changes.xlsx").is_file());
    // One log row per changed line of items.csv (no two edits of this list share a row).
    let before = std::fs::read(list.join("items.csv")).unwrap();
    let after = std::fs::read(out.join("items.csv")).unwrap();
    let mut logged: Vec<usize> = log.iter().map(|r| r[4].parse().unwrap()).collect();
    logged.sort();
    assert_eq!(changed_lines(&before, &after), logged);
    // The edits named: a code found by name, the standard's name, and an unsafe one marked.
    assert!(log.iter().any(|r| r[0] == "450102" && r[8] == "QD106" && r[7] == "000507002000"));
    assert!(log.iter().any(|r| r[8] == "QD101" && r[7] == "劳务派遣经营许可" && r[9] == "安全"));
    // A repealed law replaced and a missing one added in one cell: one edit, both rules.
    assert!(log.iter().any(|r| r[8] == "QD301+QD305"
        && r[9] == "不安全"
        && r[11].contains("条款请核对")
        && r[7].contains("《中华人民共和国民法典（合同编）》")
        && r[7].contains("《中华人民共和国退役军人保障法》")));
    // The round trip: no finding that was fixed comes back.
    let (was, now) = (findings(&list), findings(&out));
    for r in &log {
        let (j, item) = (&r[0], &r[1]);
        for rule in r[8].split('+').filter(|rule| *rule != "normalise") {
            let key = (rule.to_string(), j.clone(), item.clone());
            assert!(was.contains(&key), "{r:?}");
            assert!(!now.contains(&key), "{r:?} still found");
        }
    }
    assert!(now.is_subset(&was), "the fix brought new findings: {:?}", now.difference(&was));
}

#[test]
fn safe_fixes_only_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fixed");
    let list = root().join("examples/region");
    let std = root().join("examples/standard");
    let run = qingdan(&["fix", s(&list), "--standard", s(&std), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0));
    let log = change_log(&tmp.path().join("fixed.changes.csv"));
    assert!(!log.is_empty());
    assert!(log.iter().all(|r| r[9] == "安全" && r[8] != "normalise"), "{log:?}");
}

#[test]
fn diff_prints_the_changes_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fixed");
    let list = root().join("examples/region");
    let std = root().join("examples/standard");
    let run = qingdan(&["fix", s(&list), "--standard", s(&std), "--diff", "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(1), "changes would be made: exit 1");
    let text = String::from_utf8(run.stdout).unwrap();
    assert!(
        text.contains("-450102,000108002000,") && text.contains(",劳务派遣经营审批,"),
        "{text}"
    );
    assert!(
        text.contains("+450102,000108002000,") && text.contains(",劳务派遣经营许可,"),
        "{text}"
    );
    assert!(!out.exists() && !tmp.path().join("fixed.changes.csv").exists());
    // A list the standard has nothing to fix in: exit 0 and an empty diff.
    let clean = qingdan(&["fix", s(&std), "--standard", s(&std), "--diff"]);
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stderr));
    assert!(clean.stdout.is_empty());
}

#[test]
fn gbk_stays_gbk_and_only_fixed_cells_change() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fixed");
    let list = root().join("examples/gbk/region");
    let std = root().join("examples/standard");
    let run = qingdan(&["fix", s(&list), "--standard", s(&std), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let before = std::fs::read(list.join("items.csv")).unwrap();
    let after = std::fs::read(out.join("items.csv")).unwrap();
    assert!(std::str::from_utf8(&after).is_err(), "still GBK, not rewritten as UTF-8");
    let (text, _, bad) = encoding_rs::GBK.decode(&after);
    assert!(!bad);
    assert!(text.contains(",劳务派遣经营许可,"));
    assert_eq!(changed_lines(&before, &after).len(), 5);
}

#[test]
fn crlf_and_quoted_cells_are_kept_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("list");
    std::fs::create_dir(&list).unwrap();
    let src = root().join("examples/region");
    for name in ["jurisdictions.csv", "steps.csv", "materials.csv"] {
        std::fs::copy(src.join(name), list.join(name)).unwrap();
    }
    // items.csv with CRLF line ends and the basis of the row to fix quoted over two lines, with
    // a comma and a doubled quote mark inside.
    let text = std::fs::read_to_string(src.join("items.csv")).unwrap();
    let mut items = String::new();
    for line in text.lines() {
        let line = if line.contains(",劳务派遣经营审批,") {
            line.replace(
                "《中华人民共和国社会保险法》第二十八条；",
                "\"《中华人民共和国社会保险法》第二十八条：\"\"第一款\"\"，\r\n续行；\"",
            )
        } else {
            line.to_string()
        };
        items.push_str(&line);
        items.push_str("\r\n");
    }
    // (The replacement above leaves the rest of the basis outside the quotes: fold it in.)
    let items = items.replace(
        "续行；\"《中华人民共和国行政许可法》第十二条",
        "续行；《中华人民共和国行政许可法》第十二条\"",
    );
    std::fs::write(list.join("items.csv"), &items).unwrap();
    let out = tmp.path().join("fixed");
    let std = root().join("examples/standard");
    let run = qingdan(&["fix", s(&list), "--standard", s(&std), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let after = std::fs::read_to_string(out.join("items.csv")).unwrap();
    let expected = items.replace(",劳务派遣经营审批,", ",劳务派遣经营许可,");
    // Every other edit is on a row of its own; take them out by the change log and compare.
    let log = change_log(&tmp.path().join("fixed.changes.csv"));
    let mut want = expected.clone();
    for r in log.iter().filter(|r| r[8] != "QD101") {
        let row: Vec<&str> = want.split("\r\n").collect();
        let n: usize = r[4].parse().unwrap();
        // The physical line is the record's first; these rows are single-line.
        let fixed_row: Vec<&str> = after.split("\r\n").collect();
        let mut row: Vec<String> = row.iter().map(|l| l.to_string()).collect();
        row[n - 1] = fixed_row[n - 1].to_string();
        want = row.join("\r\n");
    }
    assert_eq!(after, want);
    assert!(after.contains("\"《中华人民共和国社会保险法》第二十八条：\"\"第一款\"\"，\r\n续行；"));
}

#[test]
fn output_onto_the_input_is_refused() {
    let list = root().join("examples/region");
    let std = root().join("examples/standard");
    let onto = qingdan(&["fix", s(&list), "--standard", s(&std), "-o", s(&list)]);
    assert_eq!(onto.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&onto.stderr).contains("input of this run"));
    let inside = list.join("fixed");
    let inner = qingdan(&["fix", s(&list), "--standard", s(&std), "-o", s(&inside)]);
    assert_eq!(inner.status.code(), Some(2));
    assert!(!inside.exists());
}

/// A workbook stays a workbook: only the items sheet's part changes, the fixed cells become
/// inline strings, and a check of the fixed workbook no longer finds what was fixed.
#[test]
fn a_workbook_is_fixed_in_place_of_its_cells() {
    let tmp = tempfile::tempdir().unwrap();
    let gen = qingdan(&["-q", "gen", "--small", "--format", "xlsx", "-o", s(tmp.path())]);
    assert_eq!(gen.status.code(), Some(0), "{}", String::from_utf8_lossy(&gen.stderr));
    let (book, std) = (tmp.path().join("region.xlsx"), tmp.path().join("standard.xlsx"));
    let out = tmp.path().join("fixed.xlsx");
    let onto = qingdan(&["fix", s(&book), "--standard", s(&std), "-o", s(&book)]);
    assert_eq!(onto.status.code(), Some(2), "the workbook itself is refused as output");
    let diff = qingdan(&["fix", s(&book), "--standard", s(&std), "--diff"]);
    assert_eq!(diff.status.code(), Some(1));
    let shown = String::from_utf8(diff.stdout).unwrap();
    assert!(shown.contains("[QD101 安全]\n-劳务派遣经营审批\n+劳务派遣经营许可"), "{shown}");
    let run = qingdan(&["fix", s(&book), "--standard", s(&std), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let log = change_log(&tmp.path().join("fixed.changes.csv"));
    assert!(!log.is_empty() && log.iter().all(|r| r[3] == "region.xlsx#事项"));
    // Every part but the items sheet is the same bytes, in the same order.
    let parts = |p: &Path| {
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        (0..z.len())
            .map(|k| {
                let mut f = z.by_index(k).unwrap();
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
                (f.name().unwrap().to_string(), bytes)
            })
            .collect::<Vec<_>>()
    };
    let (was, now) = (parts(&book), parts(&out));
    assert_eq!(was.len(), now.len());
    let changed: Vec<&str> = was
        .iter()
        .zip(&now)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| {
            assert_eq!(a.0, b.0);
            a.0.as_str()
        })
        .collect();
    // The items sheet, and the sheets whose rows follow an item's fixed code.
    assert!(changed.contains(&"xl/worksheets/sheet2.xml"), "{changed:?}");
    assert!(changed.iter().all(|p| !p.ends_with("sheet1.xml") && p.starts_with("xl/worksheets/")));
    let check = |p: &Path| findings_against(p, &std);
    let (before, after) = (check(&book), check(&out));
    for r in &log {
        assert!(!after.contains(&(r[8].clone(), r[0].clone(), r[1].clone())), "{r:?} still found");
    }
    assert!(after.is_subset(&before) && after.len() < before.len());
}

/// A real system export (shared/data/real/guangxi-lingshan-task-sample: database column names,
/// coded values, quoted cells): a list that differs from it by one reworded name, fixed against
/// the export itself as the standard, gives back the export byte for byte.
#[test]
fn a_real_export_fixed_against_itself_is_the_export_again() {
    // tests/fixtures/load/guangxi/items.csv is that sample's tasks.csv, copied.
    let real = root().join("tests/fixtures/load/guangxi/items.csv");
    let original = std::fs::read(&real).expect("the real Guangxi sample");
    let tmp = tempfile::tempdir().unwrap();
    let (std, list) = (tmp.path().join("std"), tmp.path().join("list"));
    std::fs::create_dir(&std).unwrap();
    std::fs::create_dir(&list).unwrap();
    std::fs::write(std.join("tasks.csv"), &original).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let reworded = text.replacen("固定资产投资项目节能审查,", "固定资产投资项目节能审批,", 1);
    assert_ne!(reworded, text);
    std::fs::write(list.join("tasks.csv"), reworded).unwrap();
    let out = tmp.path().join("fixed");
    let run = qingdan(&["fix", s(&list), "--standard", s(&std), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read(out.join("tasks.csv")).unwrap(), original);
    let log = change_log(&tmp.path().join("fixed.changes.csv"));
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0][3].as_str(), log[0][4].as_str(), log[0][8].as_str()),
        ("tasks.csv", "2", "QD101")
    );
}

/// On a generated list with the shapes of real ones (gen --realistic: codeless rows, near-twin
/// names, 办理项, platform limits, quoted multi-line bases, CRLF), a check of the fixed list finds
/// nothing it did not find before and none of what was fixed; a wrong code's 实施编码 is fixed
/// with it.
#[test]
fn a_realistic_list_fixed_brings_no_new_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let gen = qingdan(&["-q", "gen", "--small", "--realistic", "--seed", "5", "-o", s(&data)]);
    assert_eq!(gen.status.code(), Some(0), "{}", String::from_utf8_lossy(&gen.stderr));
    let (list, std) = (data.join("region"), data.join("standard"));
    let out = tmp.path().join("fixed");
    let run = qingdan(&["fix", s(&list), "--standard", s(&std), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let log = change_log(&tmp.path().join("fixed.changes.csv"));
    assert!(log.iter().any(|r| r[5] == "实施编码" && r[8] == "QD107"), "{log:?}");
    let check = |p: &Path| findings_against(p, &std);
    let (before, after) = (check(&list), check(&out));
    assert!(after.is_subset(&before), "new: {:?}", after.difference(&before));
    for r in &log {
        assert!(!after.contains(&(r[8].clone(), r[0].clone(), r[1].clone())), "{r:?} still found");
    }
}

fn read_text(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}
