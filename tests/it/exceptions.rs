//! `--exceptions FILE` and `qingdan exceptions --check` (issue 18.2), through the binary on
//! examples/: approved deviations listed apart and counted for nothing, expired and changed
//! approvals loud again naming the exception, unused ones listed, bad files exit 2. And since
//! when a finding has been reported (issue 18.3): three nights simulated with QINGDAN_TODAY,
//! and a baseline written before first-seen dates existed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs qingdan on `today` (QINGDAN_TODAY).
fn run_on(today: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .env("QINGDAN_TODAY", today)
        .args(args)
        .output()
        .expect("run qingdan")
}

fn region() -> String {
    s(&root().join("examples/region")).to_string()
}

fn standard() -> String {
    s(&root().join("examples/standard")).to_string()
}

fn example(ext: &str) -> String {
    s(&root().join(format!("examples/exceptions.{ext}"))).to_string()
}

fn jsonl(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a json finding"))
        .collect()
}

const HEAD: &str = "rule,jurisdiction,item,value,reason,approver,document,expires\n";

#[test]
fn approved_deviations_are_listed_apart_and_not_counted() {
    let (r, st) = (region(), standard());
    let plain = run_on("2026-12-01", &["check", &r, "--standard", &st, "--format", "jsonl", "-q"]);
    let before = jsonl(&plain);
    for ext in ["csv", "toml"] {
        let ex = example(ext);
        let args = ["check", &r, "--standard", &st, "--exceptions", &ex, "--format", "jsonl"];
        let o = run_on("2026-12-01", &args);
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        let after = jsonl(&o);
        // The same findings, three of them now carrying their approval; no key renamed.
        assert_eq!(after.len(), before.len());
        let approved: Vec<_> = after.iter().filter(|f| f.get("approved").is_some()).collect();
        assert_eq!(approved.len(), 3, "{ext}");
        let fee = approved.iter().find(|f| f["rule"] == "QD501").expect("QD501 approved");
        assert_eq!(fee["approved"]["document"], "南发改价格〔2026〕88号");
        assert_eq!(fee["approved"]["expires"], "2027-06-30");
        assert_eq!(fee["approved"]["approver"], "南宁市发展和改革委员会");
        assert!(fee["approved"]["reason"].as_str().unwrap().contains("核定"));
        assert!(after.iter().all(|f| f.get("exception").is_none()));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("已批准的差异3条"), "{err}");
    }
    // Text: the summary counts two errors and one warning fewer; the approved are apart.
    let text = |extra: &[&str]| {
        let mut args = vec!["check", &r, "--standard", &st];
        args.extend_from_slice(extra);
        String::from_utf8(run_on("2026-12-01", &args).stdout).unwrap()
    };
    let ex = example("csv");
    let (t0, t1) = (text(&[]), text(&["--exceptions", &ex]));
    let total =
        |t: &str| t.lines().find(|l| l.trim_start().starts_with("合计")).unwrap().to_string();
    let nums = |l: String| -> Vec<usize> {
        l.split_whitespace().skip(1).map(|n| n.parse().unwrap()).collect()
    };
    let (n0, n1) = (nums(total(&t0)), nums(total(&t1)));
    assert_eq!((n0[0] - n1[0], n0[1] - n1[1]), (2, 1), "{t1}");
    let apart = t1.split("已批准的差异（3条").nth(1).expect("the approved section");
    assert!(apart.contains("南司发〔2026〕15号") && apart.contains("QD001"), "{t1}");
    assert!(!t0.contains("已批准的差异"));
    // Only approved errors left: --fail-on no longer fails. The dataset's other errors are
    // turned off by approving every error finding.
    let errors: Vec<_> =
        jsonl(&run_on("2026-12-01", &["check", &r, "--standard", &st, "--format", "jsonl", "-q"]))
            .into_iter()
            .filter(|f| f["severity"] == "error" && f.get("caused_by").is_none())
            .collect();
    let mut all = HEAD.to_string();
    for f in &errors {
        all.push_str(&format!(
            "{},{},{},\"{}\",r,a,D,2027-12-31\n",
            f["rule"].as_str().unwrap(),
            f["jurisdiction"].as_str().unwrap_or(""),
            f["item"].as_str().unwrap_or(""),
            f["actual"].as_str().unwrap_or("").replace('"', "\"\"")
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("all.csv");
    std::fs::write(&file, all).unwrap();
    let o = run_on("2026-12-01", &["check", &r, "--standard", &st, "--exceptions", s(&file), "-q"]);
    assert_eq!(o.status.code(), Some(0), "every error approved: {o:?}");
    // Each format lists them apart: md and html sections, xlsx a sheet of their own, csv columns.
    let md = text(&["--exceptions", &ex, "--format", "md"]);
    assert!(md.contains("## 已批准的差异 (3)"), "{md}");
    let html = dir.path().join("r.html");
    run_on("2026-12-01", &["check", &r, "--standard", &st, "--exceptions", &ex, "-o", s(&html)]);
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("id=\"approved\"") && html.contains("南府复〔2026〕7号"));
    let csv = text(&["--exceptions", &ex, "--format", "csv", "--no-bom"]);
    assert!(csv.lines().next().unwrap().ends_with(",caused_by,approved,exception"), "{csv}");
    assert_eq!(csv.matches("南司发〔2026〕15号").count(), 1);
    let xlsx = dir.path().join("r.xlsx");
    let o = run_on(
        "2026-12-01",
        &["check", &r, "--standard", &st, "--exceptions", &ex, "-o", s(&xlsx)],
    );
    assert!(o.status.code() == Some(1), "{o:?}");
    use calamine::Reader;
    let book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert!(book.sheet_names().iter().any(|n| n == "已批准的差异"), "{:?}", book.sheet_names());
}

#[test]
fn an_expired_exception_is_loud_again_and_named() {
    let (r, st, ex) = (region(), standard(), example("csv"));
    // The fee approval holds until 2027-06-30 inclusive.
    let args = ["check", &r, "--standard", &st, "--exceptions", &ex, "--format", "jsonl", "-q"];
    let on_the_day = jsonl(&run_on("2027-06-30", &args));
    assert_eq!(on_the_day.iter().filter(|f| f.get("approved").is_some()).count(), 3);
    let after = jsonl(&run_on("2027-07-01", &args));
    assert_eq!(after.iter().filter(|f| f.get("approved").is_some()).count(), 2);
    let fee = after
        .iter()
        .find(|f| {
            f["rule"] == "QD501" && f["jurisdiction"] == "450104" && f["item"] == "000513001000"
        })
        .unwrap();
    assert_eq!(fee["exception"]["status"], "expired");
    assert_eq!(fee["exception"]["line"], 3);
    assert_eq!(fee["exception"]["document"], "南发改价格〔2026〕88号");
    let t = run_on("2027-07-01", &["check", &r, "--standard", &st, "--exceptions", &ex]);
    let t = String::from_utf8(t.stdout).unwrap();
    assert!(t.contains("例外文件第3行的批准（南发改价格〔2026〕88号）已于2027-06-30到期"), "{t}");
    // exceptions --check lists it and exits 1; the day before it is clean.
    let o = run_on("2027-07-01", &["exceptions", "--check", &ex]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("已到期（1条）") && out.contains("第3行 QD501"), "{out}");
    let o = run_on(
        "2027-06-30",
        &["--lang", "en", "exceptions", "--check", &ex, &r, "--standard", &st],
    );
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8(o.stdout).unwrap().contains("Every exception is live"));
}

#[test]
fn a_changed_value_is_loud_again_and_named() {
    let (r, st) = (region(), standard());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ex.csv");
    // The county's fee is 50元/件; 30元/件 was approved. Full-width digits are formatting only.
    std::fs::write(&file, format!("{HEAD}QD501,450104,000513001000,30元/件,r,a,D-30,2027-12-31\nQD501,450103,000212001000,按自治区价格主管部门核定的标准收取 ,r,a,D-ok,2027-12-31\n")).unwrap();
    let args =
        ["check", &r, "--standard", &st, "--exceptions", s(&file), "--format", "jsonl", "-q"];
    let fs = jsonl(&run_on("2026-12-01", &args));
    let fee = fs.iter().find(|f| f["rule"] == "QD501" && f["jurisdiction"] == "450104").unwrap();
    assert!(fee.get("approved").is_none());
    assert_eq!(fee["exception"]["status"], "value-changed");
    assert_eq!(fee["exception"]["approved_value"], "30元/件");
    assert_eq!(fee["exception"]["line"], 2);
    let other = fs.iter().find(|f| f["rule"] == "QD501" && f["jurisdiction"] == "450103").unwrap();
    assert_eq!(other["approved"]["document"], "D-ok", "trailing space is formatting only");
    let o = run_on(
        "2026-12-01",
        &["--lang", "en", "check", &r, "--standard", &st, "--exceptions", s(&file)],
    );
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(
        t.contains("the approval on line 2 of the exceptions file, D-30, approved \"30元/件\""),
        "{t}"
    );
    let o = run_on("2026-12-01", &["exceptions", "--check", s(&file), &r, "--standard", &st]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("批准值已变化") && out.contains("第2行 QD501"), "{out}");
    assert!(!out.contains("第3行"), "{out}");
    // review: an approved finding is no reason to return; a changed one still is.
    let o = run_on(
        "2026-12-01",
        &["review", &r, "--standard", &st, "--exceptions", s(&file), "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["approved"], 1);
    assert_eq!(v["approved"][0]["approved"]["document"], "D-ok");
    let reasons = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["reasons"].as_array().unwrap().clone());
    let lapsed: Vec<_> = reasons.filter(|r| r.get("exception").is_some()).collect();
    assert_eq!(lapsed.len(), 1);
    assert_eq!(lapsed[0]["exception"]["document"], "D-30");
}

#[test]
fn unused_exceptions_are_listed() {
    let (r, st) = (region(), standard());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ex.csv");
    std::fs::write(&file, format!("{HEAD}QD403,450199,000508001000,,r,a,D-gone,2027-12-31\ncommitted_limit,450104,000508001000,14个工作日,r,a,D-used,2027-12-31\n")).unwrap();
    let o = run_on("2026-12-01", &["exceptions", "--check", s(&file), &r, "--standard", &st]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("未使用（没有与之对应的问题）（1条）") && out.contains("D-gone"), "{out}");
    assert!(!out.contains("D-used"), "{out}");
    // Without a dataset use is not known: only expiry is checked, and both are live.
    let o = run_on("2026-12-01", &["exceptions", "--check", s(&file)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    // The bundled example file matches real findings of the example region.
    let o =
        run_on("2026-12-01", &["exceptions", "--check", &example("csv"), &r, "--standard", &st]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
}

#[test]
fn a_bad_exceptions_file_is_exit_2_with_line_and_column() {
    let (r, st) = (region(), standard());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ex.csv");
    std::fs::write(&file, format!("{HEAD}QD501,450104,000513001000,x,r,a,D,2027-12-31\nQD999,450104,000513001000,x,r,a,D,2027-12-31\n")).unwrap();
    for cmd in ["check", "review"] {
        let o = run_on("2026-12-01", &[cmd, &r, "--standard", &st, "--exceptions", s(&file)]);
        assert_eq!(o.status.code(), Some(2), "{o:?}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.contains(&format!("{}:3:1", s(&file))) && err.contains("QD999"), "{err}");
    }
    let toml = dir.path().join("ex.toml");
    std::fs::write(&toml, "[[exception]]\nrule = \"QD501\"\njurisdiction = \"450104\"\nreason = \"r\"\napprover = \"a\"\ndocument = \"D\"\nexpires = \"31.12.2027\"\n").unwrap();
    let o = run_on("2026-12-01", &["--lang", "en", "exceptions", "--check", s(&toml)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains(&format!("{}:1:1", s(&toml))) && err.contains("YYYY-MM-DD"), "{err}");
    // The exceptions file is an input: -o onto it is refused and it is kept.
    let good = dir.path().join("good.csv");
    std::fs::write(&good, format!("{HEAD}QD501,450104,000513001000,x,r,a,D,2027-12-31\n")).unwrap();
    for args in [
        vec!["check", &r, "--exceptions", s(&good), "-o", s(&good)],
        vec!["check", &r, "--exceptions", s(&good), "--write-baseline", s(&good)],
        vec!["review", &r, "--standard", &st, "--exceptions", s(&good), "-o", s(&good)],
    ] {
        let o = run_on("2026-12-01", &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(std::fs::read_to_string(&good).unwrap().starts_with("rule,"));
    }
    // QINGDAN_TODAY must be a date.
    let o = run_on("tomorrow", &["exceptions", "--check", s(&good)]);
    assert_eq!(o.status.code(), Some(2));
}

/// diff takes the same file (one job line for every command), checks it, and is unchanged by it.
#[test]
fn diff_accepts_and_checks_the_file() {
    let r = region();
    let v2 = s(&root().join("examples/region-v2")).to_string();
    let plain = run_on("2026-12-01", &["diff", &r, &v2, "--format", "json", "-q"]);
    let with = run_on(
        "2026-12-01",
        &["diff", &r, &v2, "--format", "json", "-q", "--exceptions", &example("csv")],
    );
    assert_eq!(plain.status.code(), with.status.code());
    assert!(plain.stdout == with.stdout);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "rule,colour\n").unwrap();
    let o = run_on("2026-12-01", &["diff", &r, &v2, "--exceptions", s(&bad)]);
    assert_eq!(o.status.code(), Some(2));
}

/// The json objects of a jsonl file (a baseline or a report).
fn records(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a baseline record"))
        .collect()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Three nights with one rolling baseline: the first dates every finding; the second (without
/// the standard) resolves some and finds others; the third (with it again) keeps the first
/// night's date for what persisted, dates what came back tonight, and counts the old ones.
#[test]
fn a_finding_keeps_its_first_night_across_three_runs() {
    let (r, st) = (region(), standard());
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("baseline.jsonl");
    let night = |today: &str, standard: bool, out: &str| {
        let out = dir.path().join(out);
        let mut args =
            vec!["check", &r, "--baseline", s(&b), "--write-baseline", s(&b), "-o", s(&out)];
        if standard {
            args.extend(["--standard", &st]);
        }
        let o = run_on(today, &args);
        assert!(o.status.code().is_some_and(|c| c < 2), "{o:?}");
        (o, out)
    };
    let (o, _) = night("2026-12-01", true, "n1.jsonl");
    assert!(stderr(&o).contains("首次运行"), "{}", stderr(&o));
    let first = records(&b);
    assert!(first
        .iter()
        .all(|f| f["first_seen"] == "2026-12-01" && f["first_run"] == "2026-12-01"));
    let (o, n2) = night("2026-12-09", false, "n2.jsonl");
    assert!(stderr(&o).contains("超过7天"), "{}", stderr(&o));
    // What is new on the second night is first seen that night, and 0 days old.
    for f in records(&n2) {
        assert_eq!(
            (f["first_seen"].as_str(), f["age_days"].as_u64()),
            (Some("2026-12-09"), Some(0))
        );
    }
    let second = records(&b);
    let kept = second.iter().filter(|f| f["first_seen"] == "2026-12-01").count();
    assert!(
        kept > 0 && kept < second.len(),
        "some persisted, some are new: {kept} of {}",
        second.len()
    );
    let (o, html) = night("2027-01-05", true, "n3.html");
    let third = records(&b);
    let old = third.iter().filter(|f| f["first_seen"] == "2026-12-01").count();
    let back = third.iter().filter(|f| f["first_seen"] == "2027-01-05").count();
    assert_eq!(old + back, third.len(), "only the first and the third night's dates");
    assert_eq!(old, kept, "what persisted both nights keeps the first night's date");
    assert!(back > 0, "findings resolved on the second night are new again");
    // The summary: 35 days since the first night, so as many older than 7 as than 30.
    let err = stderr(&o);
    assert!(err.contains(&format!("持续{old}条（超过7天{old}条，超过30天{old}条）")), "{err}");
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains(&format!("超过30天{old}条")), "the page's summary");
    assert!(html.contains("2026-12-01 (35天)"), "a finding's age");
    // Per jurisdiction, the oldest unresolved first.
    let mut mixed = false;
    for sec in html.split("<details class=\"jd f\"").skip(1) {
        let sec = sec.split("</details>").next().unwrap();
        let dates: Vec<&str> = sec
            .split("<td>")
            .filter_map(|c| {
                c.get(..10).filter(|d| d.starts_with("20") && c[10..].starts_with(" ("))
            })
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "oldest first: {dates:?}");
        mixed |= dates.first() != dates.last();
    }
    assert!(mixed, "some jurisdiction has old and new findings");
    // English, and a text report's resolved lines say since when they were reported.
    let o = run_on("2027-01-06", &["--lang", "en", "check", &r, "--baseline", s(&b)]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("older than 7 days"), "{text}");
    // QINGDAN_RUN names the run instead of its date.
    let b2 = dir.path().join("b2.jsonl");
    let o = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .env("QINGDAN_TODAY", "2027-01-06")
        .env("QINGDAN_RUN", "nightly-482")
        .args(["check", &r, "--baseline", s(&b), "--write-baseline", s(&b2), "-q"])
        .output()
        .unwrap();
    assert!(o.status.code().is_some_and(|c| c < 2));
    let fourth = records(&b2);
    assert!(fourth.iter().any(|f| f["first_run"] == "2026-12-01"));
    assert!(fourth.iter().any(|f| f["first_run"] == "nightly-482"), "what is new tonight");
}

/// A baseline from before first-seen dates (a plain `--format jsonl` report, as every baseline
/// was until 2026-12) is read: its findings are first seen on the day the file was written.
#[test]
fn an_older_baseline_dates_its_findings_to_its_file() {
    let (r, st) = (region(), standard());
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.jsonl");
    let o =
        run_on("2026-11-01", &["check", &r, "--standard", &st, "--format", "jsonl", "-o", s(&old)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!std::fs::read_to_string(&old).unwrap().contains("first_seen"));
    let written = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_761_998_400); // 2025-11-01T12:00Z
    std::fs::File::options().write(true).open(&old).unwrap().set_modified(written).unwrap();
    let new = dir.path().join("new.jsonl");
    let o = run_on(
        "2025-12-01",
        &["check", &r, "--standard", &st, "--baseline", s(&old), "--write-baseline", s(&new)],
    );
    assert_eq!(o.status.code(), Some(0), "nothing new: {o:?}");
    let recs = records(&new);
    assert!(recs.iter().all(|f| f["first_seen"] == "2025-11-01"), "{:?}", recs[0]);
    let n = recs.len();
    assert!(
        stderr(&o).contains(&format!("持续{n}条（超过7天{n}条，超过30天0条）")),
        "{}",
        stderr(&o)
    );
    // A baseline with a first_seen that is not a date is refused, naming file and line.
    let bad = dir.path().join("bad.jsonl");
    let text = std::fs::read_to_string(&new).unwrap().replacen("2025-11-01", "yesterday", 1);
    std::fs::write(&bad, text).unwrap();
    let o = run_on("2025-12-01", &["check", &r, "--baseline", s(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{}:1:", s(&bad))), "{}", stderr(&o));
}

/// The 审核意见 workbook lists the approved deviations on a sheet of their own, with their
/// approvals; they are on no other sheet's verdicts.
#[test]
fn the_review_workbook_lists_approved_deviations_apart() {
    use calamine::Reader;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("review.xlsx");
    let o = run_on(
        "2026-12-01",
        &[
            "-q",
            "review",
            &region(),
            "--standard",
            &standard(),
            "--exceptions",
            &example("csv"),
            "--format",
            "xlsx",
            "-o",
            s(&out),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(book.sheet_names(), vec!["汇总", "事项审核意见", "缺失及未知事项", "已批准的差异"]);
    let sheet = book.worksheet_range("已批准的差异").unwrap();
    let rows: Vec<Vec<String>> =
        sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 4, "a header and the three approved: {rows:?}");
    assert!(rows
        .iter()
        .any(|r| r[0] == "450103" && r[4] == "QD001" && r[6] == "南司发〔2026〕15号"));
}
