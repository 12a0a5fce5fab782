//! The command line as a newcomer and a nightly job meet it (issue 16): exit codes, the report's
//! format from `-o`, a file of a dataset folder, a list the standard does not know, the first
//! night of a baseline, help that lists what works, errors in Chinese, one flag convention,
//! workbook sheets, colour, progress and CJK-aligned tables. Each test runs the real binary on
//! examples/ or on a copy of it changed in one place.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(p: &str) -> String {
    root().join("examples").join(p).display().to_string()
}

fn qingdan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run qingdan")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs `qingdan ARGS` on a pseudo-terminal (util-linux `script`), returning its exit code and
/// what the terminal showed.
fn on_terminal(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_qingdan"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &quoted.join(" "), "/dev/null"]).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("util-linux script runs a command on a pseudo-terminal");
    (out.status.code().unwrap_or(-1), stdout(&out))
}

/// A copy of examples/`name` in a fresh temporary folder.
fn copy_example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join(name);
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(root().join("examples").join(name)).unwrap().flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    (tmp, to)
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

// --- 16.1: rejected rows and runs that loaded nothing.

#[test]
fn a_run_that_loaded_no_item_exits_2() {
    let o = qingdan(&[
        "check",
        &example("gbk/region"),
        "--standard",
        &example("gbk/standard"),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("没有载入任何事项"), "{}", stderr(&o));
    let o = qingdan(&[
        "review",
        &example("gbk/region"),
        "--standard",
        &example("gbk/standard"),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn rejected_rows_are_said_and_fail_the_run_with_fail_on_rejected() {
    let (_tmp, ds) = copy_example("region");
    // A step of an item the list does not have: that row is rejected.
    let steps = ds.join("steps.csv");
    let mut text = std::fs::read_to_string(&steps).unwrap();
    text.push_str("450102,999999999999,1,受理,1个工作日,1\n");
    std::fs::write(&steps, text).unwrap();
    let std = example("standard");
    let never = qingdan(&["check", p(&ds), "--standard", &std, "--fail-on", "never"]);
    assert_eq!(never.status.code(), Some(0), "{}", stderr(&never));
    assert!(stderr(&never).contains("1行未能读取"), "{}", stderr(&never));
    assert!(stdout(&never).contains("读取问题"), "the report says it too");
    assert!(stdout(&never).contains("steps.csv"), "{}", stdout(&never));
    let rejected = qingdan(&["check", p(&ds), "--standard", &std, "--fail-on", "never,rejected"]);
    assert_eq!(rejected.status.code(), Some(1), "{}", stderr(&rejected));
    // `rejected` alone keeps the default severity (error): examples/ has errors.
    let alone = qingdan(&["check", p(&ds), "--standard", &std, "--fail-on", "rejected"]);
    assert_eq!(alone.status.code(), Some(1));
    // A clean read with --fail-on never,rejected exits 0.
    let clean =
        qingdan(&["check", &example("region"), "--standard", &std, "--fail-on", "never,rejected"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
}

// --- 16.2: the format from -o's extension.

#[test]
fn the_format_follows_the_extension_of_output() {
    let tmp = tempfile::tempdir().unwrap();
    let (region, std) = (example("region"), example("standard"));
    for (name, check) in [
        (
            "r.json",
            (|b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).is_ok_and(|v| v.is_array()))
                as fn(&[u8]) -> bool,
        ),
        ("r.jsonl", |b: &[u8]| b.starts_with(b"{\"rule\"")),
        ("r.csv", |b: &[u8]| {
            String::from_utf8_lossy(b).lines().next().is_some_and(|l| l.contains(','))
        }),
        ("r.md", |b: &[u8]| String::from_utf8_lossy(b).contains("| ")),
        ("r.html", |b: &[u8]| String::from_utf8_lossy(b).to_lowercase().contains("<html")),
        ("r.xlsx", |b: &[u8]| b.starts_with(b"PK")),
        ("r.txt", |b: &[u8]| String::from_utf8_lossy(b).contains("汇总")),
    ] {
        let out = tmp.path().join(name);
        let o = qingdan(&["check", &region, "--standard", &std, "-o", p(&out)]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(
            check(&std::fs::read(&out).unwrap()),
            "{name} is not written as its extension says"
        );
    }
    // review alike: the 审核意见 workbook.
    let out = tmp.path().join("审核意见.xlsx");
    let o = qingdan(&[
        "review",
        &example("region"),
        "--standard",
        &std,
        "--jurisdiction",
        "450102",
        "-o",
        p(&out),
    ]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", stderr(&o));
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"), "审核意见.xlsx is a workbook");
}

#[test]
fn a_format_the_extension_contradicts_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("审核意见.xlsx");
    for cmd in ["check", "review"] {
        let o = qingdan(&[
            cmd,
            &example("region"),
            "--standard",
            &example("standard"),
            "--format",
            "text",
            "-o",
            p(&out),
        ]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("矛盾"), "{cmd}: {}", stderr(&o));
        assert!(!out.exists(), "{cmd}: nothing written");
    }
}

#[test]
fn a_workbook_is_not_written_to_a_terminal() {
    for cmd in ["check", "review"] {
        let (code, shown) = on_terminal(
            &[cmd, &example("region"), "--standard", &example("standard"), "--format", "xlsx"],
            &[],
        );
        assert_eq!(code, 2, "{cmd}: {shown}");
        assert!(shown.contains("不能输出到终端"), "{cmd}: {shown}");
        assert!(!shown.contains("PK"), "{cmd}: no workbook bytes on the terminal");
    }
    // To a pipe it goes through (`> report.xlsx`).
    let o = qingdan(&[
        "check",
        &example("region"),
        "--standard",
        &example("standard"),
        "--format",
        "xlsx",
    ]);
    assert!(o.stdout.starts_with(b"PK"), "{}", stderr(&o));
}

// --- 16.3: a file inside a dataset folder.

#[test]
fn a_file_of_a_dataset_folder_reads_the_folder_and_says_so() {
    let std = example("standard");
    let folder = qingdan(&["check", &example("region"), "--standard", &std, "--format", "jsonl"]);
    let file =
        qingdan(&["check", &example("region/items.csv"), "--standard", &std, "--format", "jsonl"]);
    assert_eq!(file.stdout, folder.stdout, "the same findings as the folder's");
    let err = stderr(&file);
    assert!(err.contains("已读取整个文件夹") && err.contains("steps.csv"), "{err}");
    assert!(err.contains("读取3891行"), "all 3,891 rows read: {err}");
    // A lone export (no sibling tables) is read alone, without a word about folders.
    let tmp = tempfile::tempdir().unwrap();
    let lone = tmp.path().join("items.csv");
    std::fs::copy(root().join("examples/region/items.csv"), &lone).unwrap();
    let o = qingdan(&["check", p(&lone), "--standard", &std]);
    assert!(!stderr(&o).contains("文件夹"), "{}", stderr(&o));
}

// --- 16.4: lists the standard does not know; a mistyped 区划代码.

#[test]
fn a_list_none_of_whose_items_the_standard_has_is_not_passed() {
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("list");
    std::fs::create_dir(&list).unwrap();
    let header = std::fs::read_to_string(root().join("examples/region/items.csv")).unwrap();
    let header = header.lines().next().unwrap().to_string();
    let mut rows = header + "\n";
    for (i, name) in ["福彩销售网点解约", "渔船船名核定", "古树名木迁移审批"].iter().enumerate()
    {
        rows.push_str(&format!(
            "450102,21201108400{i},,{name},其他行政权力,某局,县级,《某条例》第三条,20个工作日,10个工作日,否,不收费,,0,无,承诺件\n"
        ));
    }
    std::fs::write(list.join("items.csv"), rows).unwrap();
    let o = qingdan(&["review", p(&list), "--standard", &example("standard")]);
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("无一在标准目录"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("3 项通过"), "{}", stdout(&o));
}

#[test]
fn a_mistyped_division_code_is_said_in_checks_output() {
    let (_tmp, ds) = copy_example("region");
    let items = ds.join("items.csv");
    let text = std::fs::read_to_string(&items).unwrap();
    let text: String = text.lines().map(|l| l.replacen("450104,", "45A104,", 1) + "\n").collect();
    std::fs::write(&items, text).unwrap();
    let o = qingdan(&["check", p(&ds), "--standard", &example("standard")]);
    assert!(stdout(&o).contains("45A104") && stdout(&o).contains("是否输入有误"), "{}", stdout(&o));
    assert!(stderr(&o).contains("区划代码“45A104”"), "{}", stderr(&o));
    let en = qingdan(&["--lang", "en", "check", p(&ds), "--standard", &example("standard")]);
    assert!(stdout(&en).contains("not a 6- or 9-digit division code"), "{}", stdout(&en));
}

// --- 16.9: the first night.

#[test]
fn the_first_night_writes_the_report_and_the_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let (yesterday, today, report) = (
        tmp.path().join("yesterday.jsonl"),
        tmp.path().join("today.jsonl"),
        tmp.path().join("report.html"),
    );
    let run = |args: &[&str]| {
        let mut all = vec!["check", "examples/region", "--standard", "examples/standard"];
        all.extend_from_slice(args);
        Command::new(env!("CARGO_BIN_EXE_qingdan")).current_dir(root()).args(&all).output().unwrap()
    };
    let o = run(&["--baseline", p(&yesterday), "--write-baseline", p(&today), "-o", p(&report)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("首次运行"), "{}", stderr(&o));
    assert!(today.exists() && report.exists(), "both written");
    // The second night compares with the first.
    std::fs::rename(&today, &yesterday).unwrap();
    let o = run(&["--baseline", p(&yesterday), "--write-baseline", p(&today), "-o", p(&report)]);
    assert_eq!(o.status.code(), Some(0), "nothing new: {}", stderr(&o));
    assert!(!stderr(&o).contains("首次运行"));
    // A missing baseline without --write-baseline is an error, said in Chinese.
    let o = run(&["--baseline", p(&tmp.path().join("none.jsonl"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("基线文件不存在"), "{}", stderr(&o));
}

#[test]
fn the_readme_says_how_to_install_and_where_the_contracts_are() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for needle in ["cargo install --path .", "docs/DATA.md", "docs/CLI.md", "首次", "first build"]
    {
        assert!(readme.contains(needle), "README lacks {needle:?}");
    }
    for doc in ["docs/DATA.md", "docs/CLI.md"] {
        assert!(root().join(doc).is_file(), "{doc} is in the clone");
    }
    let cli = std::fs::read_to_string(root().join("docs/CLI.md")).unwrap();
    assert!(
        cli.contains("--fail-on") && cli.contains("rejected"),
        "CLI.md documents --fail-on rejected"
    );
}

// --- 16.10: help, errors, flags.

/// The values `--help` offers for `--format`.
fn help_formats(cmd: &str) -> Vec<String> {
    let o = qingdan(&[cmd, "--help"]);
    let help = stdout(&o);
    let at = help.find("--format").expect("--format in help");
    let rest = &help[at..];
    let start =
        rest.find("[possible values: ").expect("possible values") + "[possible values: ".len();
    let end = rest[start..].find(']').unwrap() + start;
    rest[start..end].split(", ").map(str::to_string).collect()
}

#[test]
fn help_lists_exactly_the_formats_that_work() {
    let tmp = tempfile::tempdir().unwrap();
    let std = example("standard");
    assert_eq!(help_formats("review"), ["text", "json", "csv", "md", "xlsx"]);
    assert_eq!(help_formats("inspect"), ["text", "json"]);
    assert_eq!(help_formats("check").len(), 7);
    assert_eq!(help_formats("diff").len(), 7);
    for cmd in ["check", "review", "diff", "inspect"] {
        for f in help_formats(cmd) {
            let out = tmp.path().join(format!("{cmd}.{f}"));
            let mut args = vec![cmd, "--format", &f, "-o", p(&out)];
            let (region, v2) = (example("region"), example("region-v2"));
            match cmd {
                "diff" => args.extend([region.as_str(), v2.as_str()]),
                "review" => {
                    args.extend([region.as_str(), "--standard", &std, "--jurisdiction", "450102"])
                }
                "check" => args.extend([region.as_str(), "--standard", &std]),
                _ => args.push(region.as_str()),
            }
            let o = qingdan(&args);
            assert!(o.status.code().is_some_and(|c| c < 2), "{cmd} --format {f}: {}", stderr(&o));
            assert!(
                std::fs::metadata(&out).is_ok_and(|m| m.len() > 0),
                "{cmd} --format {f} wrote nothing"
            );
        }
    }
    // What help does not list is refused by the parser.
    let o = qingdan(&["review", &example("region"), "--standard", &std, "--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn errors_are_chinese_by_default_and_english_with_lang_en() {
    let o = qingdan(&["check", "/nonexistent/list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("qingdan：错误："), "{}", stderr(&o));
    assert!(stderr(&o).contains("找不到该文件或文件夹"), "{}", stderr(&o));
    let o = qingdan(&["--lang", "en", "check", "/nonexistent/list"]);
    assert!(stderr(&o).starts_with("qingdan: error: "), "{}", stderr(&o));
    assert!(stderr(&o).contains("No such file"), "{}", stderr(&o));
    // A folder without an items table: the library's message, put into Chinese.
    let tmp = tempfile::tempdir().unwrap();
    let o = qingdan(&["check", p(tmp.path())]);
    assert!(stderr(&o).contains("没有事项表"), "{}", stderr(&o));
    let o = qingdan(&["--lang", "en", "check", p(tmp.path())]);
    assert!(stderr(&o).contains("no items table"), "{}", stderr(&o));
}

#[test]
fn rules_explains_a_rule_in_chinese_by_default() {
    let zh = stdout(&qingdan(&["rules", "QD305"]));
    assert!(zh.contains("## 作用") && zh.contains("## 为何重要"), "{zh}");
    assert!(!zh.contains("## What it does"), "{zh}");
    let en = stdout(&qingdan(&["--lang", "en", "rules", "QD305"]));
    assert!(en.contains("## What it does"), "{en}");
}

#[test]
fn one_flag_convention_and_the_old_spellings_still_work() {
    let tmp = tempfile::tempdir().unwrap();
    let new = tmp.path().join("new");
    let old = tmp.path().join("old");
    let a = qingdan(&["-q", "gen", "--small", "--seed", "3", "--output", p(&new)]);
    assert!(a.status.success(), "{}", stderr(&a));
    let b = qingdan(&["-q", "gen", "--small", "--seed", "3", "--out", p(&old)]);
    assert!(b.status.success(), "--out is kept: {}", stderr(&b));
    assert_eq!(
        std::fs::read(new.join("region/items.csv")).unwrap(),
        std::fs::read(old.join("region/items.csv")).unwrap()
    );
    let help = stdout(&qingdan(&["gen", "--help"]));
    assert!(help.contains("--output") && !help.contains("--out "), "{help}");
    let f = qingdan(&["diff", &example("region"), &example("region-v2"), "-f", "json"]);
    assert!(serde_json::from_slice::<serde_json::Value>(&f.stdout).is_ok(), "-f is kept for diff");
    for cmd in ["check", "review", "diff", "inspect"] {
        let help = stdout(&qingdan(&[cmd, "--help"]));
        assert!(help.contains("-o, --output <FILE>"), "{cmd}: {help}");
        assert!(help.contains("--format <F>") && !help.contains("-f, --format"), "{cmd}: {help}");
    }
}

#[test]
fn check_takes_the_jurisdiction_of_a_list_without_one() {
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("list");
    std::fs::create_dir(&list).unwrap();
    let text = std::fs::read_to_string(root().join("examples/region/items.csv")).unwrap();
    // The county's rows without their 区划代码 column.
    let rows: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("区划代码") || l.starts_with("450102,"))
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect();
    std::fs::write(list.join("items.csv"), rows.join("\n") + "\n").unwrap();
    let without = qingdan(&["check", p(&list), "--standard", &example("standard")]);
    assert_eq!(without.status.code(), Some(2), "{}", stderr(&without));
    let with = qingdan(&[
        "check",
        p(&list),
        "--standard",
        &example("standard"),
        "--jurisdiction",
        "450102",
        "--format",
        "jsonl",
    ]);
    assert!(with.status.code().is_some_and(|c| c < 2), "{}", stderr(&with));
    assert!(stdout(&with).contains("\"jurisdiction\":\"450102\""), "{}", stdout(&with));
}

// --- 16.11: workbook sheets.

fn workbook(path: &Path, sheets: &[&str], items_sheet: &str) {
    let text = std::fs::read_to_string(root().join("examples/region/items.csv")).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    for name in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        if *name != items_sheet {
            sheet.write_string(0, 0, "说明").unwrap();
            continue;
        }
        for (r, line) in text.lines().take(40).enumerate() {
            for (c, v) in line.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_single_sheet_or_a_commonly_named_one_is_the_items() {
    let tmp = tempfile::tempdir().unwrap();
    for (file, sheets, items) in [
        ("one.xlsx", &["Sheet1"][..], "Sheet1"),
        ("named.xlsx", &["说明", "事项清单"][..], "事项清单"),
        ("power.xlsx", &["封面", "某县权力清单"][..], "某县权力清单"),
        ("impl.xlsx", &["实施清单", "填表说明"][..], "实施清单"),
    ] {
        let book = tmp.path().join(file);
        workbook(&book, sheets, items);
        let o =
            qingdan(&["check", p(&book), "--standard", &example("standard"), "--format", "jsonl"]);
        assert!(o.status.code().is_some_and(|c| c < 2), "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains("39条事项"), "{file}: {}", stderr(&o));
    }
    let book = tmp.path().join("two.xlsx");
    workbook(&book, &["封面", "Sheet2"], "Sheet2");
    let o = qingdan(&["check", p(&book)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("找不到事项工作表") && err.contains("“封面”、“Sheet2”"), "{err}");
    let o = qingdan(&["--lang", "en", "check", p(&book)]);
    assert!(
        stderr(&o).contains("no items sheet: the workbook has \"封面\", \"Sheet2\""),
        "{}",
        stderr(&o)
    );
}

// --- 16.12: colour, progress, tables.

#[test]
fn colour_only_on_a_terminal_or_when_asked() {
    let args = ["check", &example("region"), "--standard", &example("standard")];
    let piped = qingdan(&args);
    assert!(
        !piped.stdout.contains(&0x1b) && !piped.stderr.contains(&0x1b),
        "no colour into a pipe"
    );
    let mut always = vec!["--color", "always"];
    always.extend_from_slice(&args);
    assert!(qingdan(&always).stdout.contains(&0x1b), "--color always colours");
    let (_, shown) = on_terminal(&args, &[]);
    assert!(
        shown.contains("\u{1b}[1m\u{1b}[31m错误") || shown.contains("\u{1b}[31m"),
        "a terminal gets colour"
    );
    let (_, plain) = on_terminal(&args, &[("NO_COLOR", "1")]);
    assert!(!plain.contains("\u{1b}[3"), "NO_COLOR: {plain:?}");
    let mut never = vec!["--color", "never"];
    never.extend_from_slice(&args);
    let (_, plain) = on_terminal(&never, &[]);
    assert!(!plain.contains("\u{1b}[3"), "--color never");
    // A report written to a file never has colour, whatever --color says.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r.txt");
    let mut file = vec!["--color", "always"];
    file.extend_from_slice(&args);
    file.extend(["-o", p(&out)]);
    qingdan(&file);
    assert!(!std::fs::read(&out).unwrap().contains(&0x1b));
}

#[test]
fn gen_draws_nothing_in_a_pipe() {
    // (The bar itself appears on a terminal only after a stage has lasted a second, so whether a
    // run shows it depends on the machine's speed; its counting is tested in src/progress.rs.)
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("g");
    let args =
        ["gen", "--counties", "60", "--towns-per-county", "12", "--seed", "2", "-o", p(&out)];
    let (code, shown) = on_terminal(&args, &[]);
    assert_eq!(code, 0, "{shown}");
    let piped = qingdan(&args);
    assert!(piped.status.success());
    assert!(!stderr(&piped).contains('%') && !piped.stderr.contains(&b'\r'), "{}", stderr(&piped));
    assert!(!piped.stderr.contains(&0x1b), "no escape sequences in a pipe");
}

#[test]
fn text_tables_are_aligned_by_display_width() {
    let o = qingdan(&["diff", &example("region"), &example("region-v2")]);
    let text = stdout(&o);
    assert!(!text.contains('\t'), "no tabs in text tables");
    use unicode_width::UnicodeWidthStr;
    let rows: Vec<&str> = text.lines().skip_while(|l| !l.contains("改革前")).take(5).collect();
    assert_eq!(rows.len(), 5, "{text}");
    let col = |l: &str| {
        let at = l.rfind("  ").unwrap() + 2;
        UnicodeWidthStr::width(&l[..at])
    };
    let first = col(rows[0]);
    assert!(
        rows.iter().all(|r| col(r) == first),
        "the last column starts at one display column: {rows:#?}"
    );
}
