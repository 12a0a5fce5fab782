//! Loading datasets through the real binary (`qingdan inspect`) and the library: the same data in
//! UTF-8, GBK, UTF-8 with BOM and CRLF, and xlsx gives the same counts; real system exports load
//! through rules/columns.toml; bad input is reported with file, line and column and counted.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/load").join(name)
}

/// Runs the binary; returns (exit code, stdout, stderr).
fn qingdan(args: &[&str]) -> (i32, String, String) {
    // The messages asserted here are the English ones (Chinese is the default).
    let out = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(["--lang", "en"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `qingdan inspect PATH --format json [extra]`, parsed; asserts exit 0 and the row accounting.
fn inspect_json(path: &Path, extra: &[&str]) -> Value {
    let p = path.to_str().unwrap();
    let mut args = vec!["inspect", p, "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = qingdan(&args);
    // A dataset whose every item row is rejected is reported, and the run exits 2 (issue 14).
    let none_loaded = code == 2 && err.contains("no item could be loaded");
    assert!(code == 0 || none_loaded, "stderr: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    for f in v["files"].as_array().unwrap() {
        let read = f["rows_read"].as_u64().unwrap();
        let loaded = f["rows_loaded"].as_u64().unwrap();
        let rejected = f["rows_rejected"].as_u64().unwrap();
        // Earlier versions of a record (a version chain) are counted apart; the key is absent
        // when there are none.
        let superseded = f["rows_superseded"].as_u64().unwrap_or(0);
        assert_eq!(
            read,
            loaded + rejected + superseded,
            "every row loaded, rejected or superseded: {f}"
        );
    }
    v
}

/// (table, rows_read, rows_loaded, rows_rejected) of one file.
type FileCounts = (String, u64, u64, u64);

/// (table, rows_read, rows_loaded, rows_rejected) per file.
fn counts(v: &Value) -> Vec<FileCounts> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["table"].as_str().unwrap().to_string(),
                f["rows_read"].as_u64().unwrap(),
                f["rows_loaded"].as_u64().unwrap(),
                f["rows_rejected"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Everything that must not depend on the encoding or container.
fn shape(v: &Value) -> (Value, Value, Vec<FileCounts>, usize) {
    (
        v["jurisdictions"].clone(),
        v["items"].clone(),
        counts(v),
        v["diagnostics"].as_array().unwrap().len(),
    )
}

fn encodings(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["encoding"].as_str().unwrap().to_string())
        .collect()
}

const TABLES: [&str; 4] = ["jurisdictions", "items", "steps", "materials"];

/// Copies the small fixture with each file's text transformed to bytes.
fn copy_small(dir: &Path, encode: impl Fn(&str) -> Vec<u8>) {
    for t in TABLES {
        let text = std::fs::read_to_string(fixture("small").join(format!("{t}.csv"))).unwrap();
        std::fs::write(dir.join(format!("{t}.csv")), encode(&text)).unwrap();
    }
}

#[test]
fn small_utf8_dataset_counts() {
    let v = inspect_json(&fixture("small"), &[]);
    assert_eq!(
        counts(&v),
        vec![
            ("jurisdictions".to_string(), 4, 4, 0),
            ("items".to_string(), 5, 5, 0),
            ("steps".to_string(), 6, 6, 0),
            ("materials".to_string(), 5, 5, 0),
        ]
    );
    assert_eq!(encodings(&v), vec!["UTF-8"; 4]);
    assert_eq!(v["jurisdictions"]["total"], 4);
    assert_eq!(v["jurisdictions"]["by_level"]["city"], 1);
    assert_eq!(v["jurisdictions"]["by_level"]["county"], 2);
    assert_eq!(v["jurisdictions"]["by_level"]["town"], 1);
    assert_eq!(v["items"]["by_category"]["licensing"], 3);
    assert_eq!(v["items"]["by_category"]["penalty"], 1);
    assert_eq!(v["items"]["by_category"]["confirmation"], 1);
    assert_eq!(v["items"]["steps"], 6);
    assert_eq!(v["items"]["materials"], 5);
    assert_eq!(v["files"][1]["ignored_columns"], serde_json::json!(["备注"]));
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn gbk_copy_gives_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    copy_small(dir.path(), |s| encoding_rs::GBK.encode(s).0.into_owned());
    // Really GBK: not valid UTF-8.
    assert!(String::from_utf8(std::fs::read(dir.path().join("items.csv")).unwrap()).is_err());
    let v = inspect_json(dir.path(), &[]);
    assert_eq!(encodings(&v), vec!["GBK"; 4]);
    assert_eq!(shape(&v), shape(&inspect_json(&fixture("small"), &[])));
    // Forcing the encoding gives the same.
    let forced = inspect_json(dir.path(), &["--encoding", "gbk"]);
    assert_eq!(shape(&forced), shape(&v));
}

#[test]
fn bom_and_crlf_copy_gives_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    copy_small(dir.path(), |s| {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(s.replace('\n', "\r\n").as_bytes());
        b
    });
    let v = inspect_json(dir.path(), &[]);
    assert_eq!(encodings(&v), vec!["UTF-8 (BOM)"; 4]);
    assert_eq!(shape(&v), shape(&inspect_json(&fixture("small"), &[])));
}

/// A carriage return inside a line ends a record for the csv crate, and so for the loader's own
/// line splitter, which hands such a line to the csv crate: the rows count as if it were a line
/// end (CRLF line ends around it stay line ends).
#[test]
fn a_lone_carriage_return_ends_a_record_as_a_line_end_does() {
    let with_cr = tempfile::tempdir().unwrap();
    let with_lf = tempfile::tempdir().unwrap();
    for (dir, cut) in [(&with_cr, "\r"), (&with_lf, "\n")] {
        copy_small(dir.path(), |s| {
            let mut text = s.replace('\n', "\r\n");
            // A step whose name is cut in two, in the middle of the file.
            if s.starts_with("区划代码,事项编码,序号") {
                let at = text.find("\r\n450103").unwrap_or(text.len());
                text.insert_str(at, &format!("\r\n450102,000101001000,9,孤{cut}立,1个工作日,0"));
            }
            text.into_bytes()
        });
    }
    let (cr, lf) = (inspect_json(with_cr.path(), &[]), inspect_json(with_lf.path(), &[]));
    assert_eq!(counts(&cr), counts(&lf));
    let steps = counts(&cr).into_iter().find(|c| c.0 == "steps").unwrap();
    let small = counts(&inspect_json(&fixture("small"), &[]));
    let before = small.into_iter().find(|c| c.0 == "steps").unwrap();
    assert_eq!(steps.1, before.1 + 2, "the cut line is read as two rows");
    assert_eq!(steps.3, before.3 + 2, "both halves lack fields: {steps:?}");
}

/// Writes the small fixture as one workbook with Chinese sheet names; division codes as numbers,
/// as spreadsheets store them.
fn write_small_xlsx(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (t, sheet) in TABLES.iter().zip(["区划", "事项", "流程", "材料"]) {
        let ws = book.add_worksheet();
        ws.set_name(sheet).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(fixture("small").join(format!("{t}.csv")))
            .unwrap();
        for (i, rec) in r.records().enumerate() {
            for (j, cell) in rec.unwrap().iter().enumerate() {
                let (row, col) = (i as u32, j as u16);
                match cell.parse::<f64>() {
                    Ok(n) if j == 0 && i > 0 => ws.write_number(row, col, n).map(|_| ()),
                    _ => ws.write_string(row, col, cell).map(|_| ()),
                }
                .unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn xlsx_copy_gives_the_same_counts() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("small.xlsx");
    write_small_xlsx(&book);
    let v = inspect_json(&book, &[]);
    assert_eq!(encodings(&v), vec!["xlsx"; 4]);
    assert_eq!(v["files"][1]["file"], "small.xlsx#事项");
    assert_eq!(shape(&v), shape(&inspect_json(&fixture("small"), &[])));
}

#[test]
fn library_joins_steps_in_seq_order_and_materials() {
    let ds = qingdan::load::load(&fixture("small"), &Default::default()).unwrap();
    let item = ds
        .items
        .iter()
        .find(|i| &*i.jurisdiction == "450102" && &*i.code.norm == "000105001000")
        .unwrap();
    let steps: Vec<&str> = item.steps.iter().map(|s| &*s.name.raw).collect();
    assert_eq!(steps, ["受理", "审查", "决定"]);
    assert_eq!(item.materials.len(), 3);
    assert_eq!(item.required_materials(), 2);
    assert_eq!(item.stamps(), 2);
    assert_eq!(item.line, 2);
    // The quoted multi-line 中介服务 cell stays one field of one row.
    let town = ds.items.iter().find(|i| &*i.jurisdiction == "450102001").unwrap();
    assert_eq!(town.intermediaries.list.len(), 2);
    assert_eq!(town.line, 6);
    // Jurisdictions sorted by code, with levels and parents.
    let codes: Vec<&str> = ds.jurisdictions.iter().map(|j| &*j.code).collect();
    assert_eq!(codes, ["450100", "450102", "450102001", "450103"]);
    assert_eq!(ds.level_of("450102001"), Some(qingdan::model::Level::Town));
    assert_eq!(ds.jurisdiction("450102").unwrap().parent.as_deref(), Some("450100"));
    // Interning: the same raw text is one allocation.
    let a = &ds.items[0].department.raw;
    let b = &ds.items[2].department.raw;
    assert!(std::sync::Arc::ptr_eq(a, b));
}

#[test]
fn jurisdictions_inferred_when_the_table_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    for t in ["items", "steps", "materials"] {
        std::fs::copy(
            fixture("small").join(format!("{t}.csv")),
            dir.path().join(format!("{t}.csv")),
        )
        .unwrap();
    }
    let ds = qingdan::load::load(dir.path(), &Default::default()).unwrap();
    let got: Vec<(&str, &str, Option<&str>)> =
        ds.jurisdictions.iter().map(|j| (&*j.code, j.level.en(), j.parent.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("450100", "city", None),
            ("450102", "county", Some("450100")),
            ("450102001", "town", Some("450102")),
            ("450103", "county", Some("450100")),
        ]
    );
    assert!(ds.report.diagnostics.is_empty(), "{:?}", ds.report.diagnostics);
}

/// Finds the diagnostic of `file` at `line`.
fn diag<'a>(v: &'a Value, file: &str, line: Option<u64>) -> &'a Value {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == file && d["line"].as_u64() == line)
        .unwrap_or_else(|| panic!("no diagnostic {file}:{line:?} in {:#}", v["diagnostics"]))
}

#[test]
fn bad_input_is_counted_and_reported_with_file_line_and_column() {
    let v = inspect_json(&fixture("bad"), &[]);
    assert_eq!(
        counts(&v),
        vec![
            ("jurisdictions".to_string(), 5, 3, 2),
            ("items".to_string(), 7, 3, 4),
            ("steps".to_string(), 3, 1, 2),
            ("materials".to_string(), 2, 0, 2),
        ]
    );
    // Wrong field count: the first missing column is named.
    let d = diag(&v, "items.csv", Some(4));
    assert_eq!(d["column"], "法定时限");
    assert!(d["text"].as_str().unwrap().contains("缺列的行"));
    assert!(d["message_en"].as_str().unwrap().contains("number of fields"));
    // A row with an extra non-empty field.
    assert_eq!(diag(&v, "items.csv", Some(8))["column"], "8");
    assert_eq!(diag(&v, "items.csv", Some(5))["column"], "事项名称");
    assert_eq!(diag(&v, "items.csv", Some(6))["column"], "区划代码");
    // A step whose item does not exist.
    assert_eq!(diag(&v, "steps.csv", Some(3))["text"], "450102/999999999999");
    // A table missing its required columns: every row rejected, header line named.
    assert_eq!(diag(&v, "materials.csv", Some(1))["column"], "事项编码 / 事项名称");
    // Duplicate jurisdiction, unknown level, parent cycle, jurisdiction missing from the table.
    assert_eq!(diag(&v, "jurisdictions.csv", Some(4))["text"], "450102");
    assert_eq!(diag(&v, "jurisdictions.csv", Some(5))["text"], "大区");
    let all = v["diagnostics"].as_array().unwrap();
    assert!(all.iter().any(|d| d["text"] == "450100 → 450102 → 450100"));
    // Reported at the first item row naming it.
    assert_eq!(diag(&v, "items.csv", Some(7))["text"], "450104");
    assert_eq!(v["jurisdictions"]["total"], 4);
    assert_eq!(all.len(), 12);
}

#[test]
fn a_bad_value_is_kept_not_rejected() {
    let ds = qingdan::load::load(&fixture("bad"), &Default::default()).unwrap();
    let item = ds.items.iter().find(|i| &*i.code.norm == "000105002000").unwrap();
    assert_eq!(&*item.committed_limit.raw, "视情况而定");
    assert_eq!(item.committed_limit.value, qingdan::model::LimitValue::Unparsed);
}

#[test]
fn bad_input_text_report_names_file_line_and_column() {
    // The default language (Chinese), without the helper's --lang en.
    let zh = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(["inspect", fixture("bad").to_str().unwrap()])
        .output()
        .unwrap();
    let (code, out) = (zh.status.code().unwrap_or(-1), String::from_utf8_lossy(&zh.stdout));
    assert_eq!(code, 0);
    assert!(out.contains("items.csv:4：列 法定时限：本行的列数与表头不符"), "{out}");
    assert!(out.contains("读取 7 行，载入 3 行，拒绝 4 行"), "{out}");
    let (code, out, _) = qingdan(&["inspect", fixture("bad").to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("7 rows read, 3 loaded, 4 rejected"), "{out}");
    assert!(out.contains("items.csv:4: column 法定时限: the row has a different number"), "{out}");
}

#[test]
fn an_overlong_cell_is_truncated_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let long = "很长的设定依据".repeat(100_000); // 2.1 MB
    let text = format!(
        "区划代码,事项编码,事项名称,设定依据\n450102,000105001000,食品经营许可,\"{long}\"\n450102,000105002000,食品生产许可,x\n"
    );
    std::fs::write(dir.path().join("items.csv"), text).unwrap();
    let v = inspect_json(dir.path(), &[]);
    assert_eq!(counts(&v), vec![("items".to_string(), 2, 2, 0)]);
    let d = diag(&v, "items.csv", Some(2));
    assert_eq!(d["column"], "设定依据");
    assert!(d["text"].as_str().unwrap().chars().count() <= 81);
    let ds = qingdan::load::load(dir.path(), &Default::default()).unwrap();
    assert!(ds.items[0].basis.raw.len() <= 1 << 20);
}

#[test]
fn an_unterminated_quote_does_not_swallow_memory_or_panic() {
    let dir = tempfile::tempdir().unwrap();
    let text = "区划代码,事项编码,事项名称\n450102,000105001000,\"食品经营许可\n450102,000105002000,食品生产许可\n";
    std::fs::write(dir.path().join("items.csv"), text).unwrap();
    let v = inspect_json(dir.path(), &[]);
    // The open quote runs to the end of the file: one row, which is kept with a long name.
    assert_eq!(counts(&v), vec![("items".to_string(), 1, 1, 0)]);
}

#[test]
fn undecodable_bytes_are_reported_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes =
        "区划代码,事项编码,事项名称\n450102,000105001000,食品经营许可\n450102,000105002000,"
            .as_bytes()
            .to_vec();
    bytes.extend_from_slice(b"\xff\xfe\n");
    std::fs::write(dir.path().join("items.csv"), bytes).unwrap();
    let v = inspect_json(dir.path(), &[]);
    assert_eq!(counts(&v), vec![("items".to_string(), 2, 2, 0)]);
    let d = diag(&v, "items.csv", Some(3));
    assert!(d["message_en"].as_str().unwrap().contains("undecodable"));
}

#[test]
fn jurisdiction_option_fills_a_list_without_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("事项.csv"),
        "事项名称,事项类型,法定时限\n食品经营许可,许可,20个工作日\n食品生产许可,许可,20个工作日\n",
    )
    .unwrap();
    // Without 区划代码 no row loads: the run stops (exit 2) naming the file and the column.
    let (code, _, err) = qingdan(&["inspect", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("事项.csv") && err.contains("no item could be loaded"), "{err}");
    let v = inspect_json(dir.path(), &["--jurisdiction", "450102001", "--level", "镇"]);
    assert_eq!(counts(&v), vec![("items".to_string(), 2, 2, 0)]);
    assert_eq!(v["jurisdictions"]["by_level"]["town"], 1);
    // --level sets the level even where the code says otherwise.
    let v = inspect_json(dir.path(), &["--jurisdiction", "450102", "--level", "市"]);
    assert_eq!(v["jurisdictions"]["by_level"]["city"], 1);
}

#[test]
fn whole_dataset_errors_exit_2_naming_the_path() {
    let (code, _, err) = qingdan(&["inspect", "/nonexistent/dataset"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/dataset"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("steps.csv"), "区划代码,事项编码\n").unwrap();
    let (code, _, err) = qingdan(&["inspect", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no items table"), "{err}");
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, "not a zip").unwrap();
    let (code, _, err) = qingdan(&["inspect", fake.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("fake.xlsx"), "{err}");
    let (code, _, err) =
        qingdan(&["inspect", fixture("small").to_str().unwrap(), "--encoding", "klingon"]);
    assert_eq!(code, 2);
    assert!(err.contains("klingon"), "{err}");
}

#[test]
fn a_bad_rules_file_exits_2_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("columns.toml"), "[items]\nname = [\"事项名称\"]\nnmae = 1\n")
        .unwrap();
    let (code, _, err) = qingdan(&[
        "inspect",
        fixture("small").to_str().unwrap(),
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("columns.toml:3:1"), "{err}");
}

#[test]
fn a_clerk_adds_a_column_mapping_in_rules() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("items.csv"),
        "区划代码,事项编码,事项名称,sxmc_shixian\n450102,000105001000,食品经营许可,20个工作日\n",
    )
    .unwrap();
    let rules = tempfile::tempdir().unwrap();
    let builtin =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/columns.toml"))
            .unwrap();
    let patched = builtin.replace(
        "statutory-limit = [\"法定时限\"",
        "statutory-limit = [\"sxmc_shixian\", \"法定时限\"",
    );
    assert_ne!(patched, builtin);
    std::fs::write(rules.path().join("columns.toml"), patched).unwrap();
    let before = qingdan::load::load(data.path(), &Default::default()).unwrap();
    assert_eq!(before.report.files[0].ignored_columns, ["sxmc_shixian"]);
    let opts = qingdan::load::LoadOptions {
        rules_dir: Some(rules.path().to_path_buf()),
        ..Default::default()
    };
    let after = qingdan::load::load(data.path(), &opts).unwrap();
    assert!(after.report.files[0].ignored_columns.is_empty());
    assert_eq!(&*after.items[0].statutory_limit.raw, "20个工作日");
}

#[test]
fn guangxi_system_export_loads_through_the_mapping() {
    // tests/fixtures/load/guangxi/items.csv is shared/data/real/guangxi-lingshan-task-sample/tasks.csv
    // (see PROVENANCE.md there): the Guangxi item-management system's own column names.
    let v = inspect_json(&fixture("guangxi"), &[]);
    // Three of the nine rows are earlier versions (item_id at task_version 11→12, 7→8, 14→15).
    assert_eq!(counts(&v), vec![("items".to_string(), 9, 6, 0)]);
    assert_eq!(v["files"][0]["rows_superseded"], 3);
    assert_eq!(v["jurisdictions"]["by_level"]["county"], 1);
    let ds = qingdan::load::load(&fixture("guangxi"), &Default::default()).unwrap();
    assert_eq!(ds.items.len(), 6);
    let lines: Vec<u64> = ds.items.iter().map(|i| i.line).collect();
    assert_eq!(lines, [2, 4, 6, 7, 9, 10], "the latest version of each record is kept");
    let superseded: Vec<(Option<u64>, &str)> = ds
        .report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("旧版本"))
        .map(|d| (d.line, d.text.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        superseded,
        [
            (Some(3), "c0104ddb-22c8-43a0-a4e4-8d212d948d20: 11 → 12 (line 4)"),
            (Some(5), "17be9f40-f16d-4a18-a28a-b031678dbc8e: 7 → 8 (line 6)"),
            (Some(8), "ce55c007-63ab-4082-a7e9-03109d8b9f46: 14 → 15 (line 9)"),
        ]
    );
    // The 办理项 rows carry ywcode (the 33-character implementation code) as their 实施编码.
    assert_eq!(
        ds.items[2].implementation_code.as_ref().map(|c| &*c.raw),
        Some("11450721MB15580811400014100500001")
    );
    let first = &ds.items[0];
    assert_eq!(&*first.name.raw, "固定资产投资项目节能审查");
    assert_eq!(&*first.code.raw, "000104002000");
    assert_eq!(
        first.implementation_code.as_ref().map(|c| &*c.raw),
        Some("11450721MB155808114000104002000")
    );
    assert_eq!(&*first.jurisdiction, "450721");
    assert_eq!(&*first.department.raw, "灵山县行政审批局");
    assert_eq!(first.category, Some(qingdan::model::Category::Licensing));
    assert_eq!(&*first.category_raw, "行政许可");
    assert_eq!(&*first.statutory_limit.raw, "20个工作日");
    assert_eq!(&*first.committed_limit.raw, "5个工作日");
    assert_eq!(first.kind, Some(qingdan::model::Kind::Committed));
    assert_eq!(first.charged.value, Some(false));
    assert_eq!(&*first.charged.raw, "否");
    assert_eq!(first.levels.levels, [qingdan::model::Level::County]);
    assert_eq!(first.line, 2);
    // Row 2: 全民健身设施… category 10 = 其他行政权力, 66/24 working days as the system stores them.
    assert_eq!(ds.items[1].category, Some(qingdan::model::Category::Other));
    assert_eq!(&*ds.items[1].statutory_limit.raw, "66个工作日");
    // The last row has a local code with a letter and no task_type.
    let last = &ds.items[5];
    assert_eq!(&*last.code.raw, "450708001W01");
    assert_eq!(last.category, None);
    let cats = &v["items"]["by_category"];
    assert_eq!(cats["licensing"], 4);
    assert_eq!(cats["other"], 1);
    assert_eq!(cats["unknown"], 1);
}

#[test]
fn sichuan_export_loads_1135_items() {
    // tests/fixtures/load/sichuan/items.csv is shared/data/real/sichuan-guangan-bszl/items.csv.
    let v = inspect_json(&fixture("sichuan"), &[]);
    assert_eq!(counts(&v), vec![("items".to_string(), 1135, 1135, 0)]);
    assert_eq!(v["jurisdictions"]["total"], 1);
    assert_eq!(v["items"]["by_category"]["licensing"], 536);
    assert_eq!(v["items"]["by_category"]["public-service"], 348);
    let ds = qingdan::load::load(&fixture("sichuan"), &Default::default()).unwrap();
    assert_eq!(&*ds.items[1].name.raw, "适龄儿童、少年因身体状况需要延缓入学或者休学审批");
    assert_eq!(&*ds.items[1].jurisdiction, "511602000000");
    assert_eq!(
        ds.items[1].implementation_code.as_ref().map(|c| &*c.raw),
        Some("511A0138000000-511602000000-000-115113010833722043-1-00")
    );
    assert_eq!(&*ds.items[1].department.raw, "区教科体局");
}

#[test]
fn steps_of_an_item_without_code_join_by_name_or_as_the_one_codeless_item() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("items.csv"),
        "区划代码,事项编码,事项名称\n\
         450102,000105001000,食品经营许可\n\
         450102,,城市建筑垃圾处置核准\n\
         450103,,甲事项\n\
         450103,,乙事项\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("steps.csv"),
        "区划代码,事项编码,序号,环节名称\n\
         450102,,1,受理\n\
         450102,,2,决定\n\
         450103,,1,受理\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("materials.csv"),
        "区划代码,事项编码,事项名称,材料名称\n\
         450103,,乙事项,申请书\n\
         450103,,丙事项,申请书\n",
    )
    .unwrap();
    let v = inspect_json(dir.path(), &[]);
    assert_eq!(
        counts(&v),
        vec![
            ("items".to_string(), 4, 4, 0),
            ("steps".to_string(), 3, 2, 1),
            ("materials".to_string(), 2, 1, 1),
        ]
    );
    // 450103 has two items without a code: a step with neither code nor name is ambiguous.
    assert_eq!(diag(&v, "steps.csv", Some(4))["text"], "450103/（无事项编码）");
    assert_eq!(diag(&v, "materials.csv", Some(3))["text"], "450103/丙事项");
    let ds = qingdan::load::load(dir.path(), &Default::default()).unwrap();
    assert_eq!(ds.items[1].steps.len(), 2);
    assert_eq!(ds.items[3].materials.len(), 1);
}

#[test]
fn generated_examples_give_identical_counts_in_utf8_gbk_and_xlsx() {
    // examples/ is written by `qingdan gen` (committed): the same datasets as UTF-8 CSV, GBK CSV
    // and one workbook each.
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for name in ["standard", "region", "region-v2"] {
        let utf8 = inspect_json(&examples.join(name), &[]);
        let gbk = inspect_json(&examples.join("gbk").join(name), &[]);
        let xlsx = inspect_json(&examples.join("xlsx").join(format!("{name}.xlsx")), &[]);
        assert_eq!(encodings(&utf8), vec!["UTF-8"; 5], "{name}");
        assert_eq!(encodings(&gbk), vec!["GBK"; 5], "{name}");
        assert_eq!(encodings(&xlsx), vec!["xlsx"; 5], "{name}");
        assert_eq!(shape(&gbk), shape(&utf8), "{name}: GBK differs from UTF-8");
        assert_eq!(shape(&xlsx), shape(&utf8), "{name}: xlsx differs from UTF-8");
        // The generator writes well-formed files: every row loads, nothing to report.
        assert!(utf8["items"]["total"].as_u64().unwrap() > 0, "{name}");
        assert!(counts(&utf8).iter().all(|(_, _, _, rejected)| *rejected == 0), "{name}");
        assert_eq!(utf8["diagnostics"].as_array().unwrap().len(), 0, "{name}");
    }
}

#[test]
fn generated_examples_load_the_same_items_from_every_container() {
    // Beyond counts: the typed items agree field by field (raw texts, parsed values, steps).
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let load = |p: PathBuf| qingdan::load::load(&p, &Default::default()).unwrap();
    let utf8 = load(examples.join("region"));
    let gbk = load(examples.join("gbk/region"));
    let xlsx = load(examples.join("xlsx/region.xlsx"));
    assert_eq!(utf8.jurisdictions, gbk.jurisdictions);
    assert_eq!(utf8.jurisdictions, xlsx.jurisdictions);
    for (a, (b, c)) in utf8.items.iter().zip(gbk.items.iter().zip(&xlsx.items)) {
        for other in [b, c] {
            assert_eq!(a.code, other.code);
            assert_eq!(a.name, other.name);
            assert_eq!(a.basis, other.basis);
            assert_eq!(a.statutory_limit, other.statutory_limit);
            assert_eq!(a.committed_limit, other.committed_limit);
            assert_eq!(a.fee, other.fee);
            assert_eq!(a.levels, other.levels);
            assert_eq!(a.visits, other.visits);
            assert_eq!(a.steps.len(), other.steps.len());
            assert_eq!(a.materials.len(), other.materials.len());
            for (s, t) in a.steps.iter().zip(&other.steps) {
                assert_eq!(
                    (&s.name, &s.limit, &s.stamps, s.seq),
                    (&t.name, &t.limit, &t.stamps, t.seq)
                );
            }
        }
    }
    assert_eq!(utf8.items.len(), xlsx.items.len());
}

#[test]
fn a_title_row_above_the_header_is_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("items.csv"),
        "兴宁区行政权力事项实施清单（2024年版）,,,\n\
         ,,,\n\
         区划代码,事项编码,事项名称,事项类型\n\
         450102,000105001000,食品经营许可,行政许可\n\
         450102,000201001000,对违反食品安全法行为的处罚,行政处罚\n",
    )
    .unwrap();
    let v = inspect_json(dir.path(), &[]);
    assert_eq!(counts(&v), vec![("items".to_string(), 2, 2, 0)]);
    let d = diag(&v, "items.csv", Some(3));
    assert!(d["message_en"].as_str().unwrap().contains("not the first row"));
    assert!(d["text"].as_str().unwrap().starts_with("兴宁区行政权力事项实施清单"));
    let ds = qingdan::load::load(dir.path(), &Default::default()).unwrap();
    assert_eq!(ds.items[1].line, 5);

    // The same in a workbook, tab-separated text is read too.
    let book = dir.path().join("list.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("事项").unwrap();
    ws.write_string(0, 0, "兴宁区行政权力事项实施清单").unwrap();
    for (j, h) in ["区划代码", "事项编码", "事项名称"].iter().enumerate() {
        ws.write_string(1, j as u16, *h).unwrap();
    }
    ws.write_number(2, 0, 450102.0).unwrap();
    ws.write_string(2, 1, "000105001000").unwrap();
    ws.write_string(2, 2, "食品经营许可").unwrap();
    wb.save(&book).unwrap();
    let v = inspect_json(&book, &[]);
    assert_eq!(counts(&v), vec![("items".to_string(), 1, 1, 0)]);
    assert_eq!(diag(&v, "list.xlsx#事项", Some(2))["file"], "list.xlsx#事项");
    let ds = qingdan::load::load(&book, &Default::default()).unwrap();
    assert_eq!(&*ds.items[0].jurisdiction, "450102");
    assert_eq!(ds.items[0].line, 3);

    let tsv = tempfile::tempdir().unwrap();
    std::fs::write(
        tsv.path().join("items.csv"),
        "区划代码\t事项编码\t事项名称\n450102\t000105001000\t食品经营许可（新办，变更）\n",
    )
    .unwrap();
    let v = inspect_json(tsv.path(), &[]);
    assert_eq!(counts(&v), vec![("items".to_string(), 1, 1, 0)]);
}

#[test]
fn liaoning_catalogue_loads_with_a_given_jurisdiction() {
    // tests/fixtures/load/liaoning/items.csv is shared/data/real/liaoning-catalog-sample/catalog.csv.
    let dir = fixture("liaoning");
    // Without 区划代码 all 30 rows are rejected: the run stops (exit 2) saying so.
    let (code, _, err) = qingdan(&["inspect", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("30"), "{err}");
    let v = inspect_json(&dir, &["--jurisdiction", "210000"]);
    assert_eq!(counts(&v), vec![("items".to_string(), 30, 30, 0)]);
    assert_eq!(v["jurisdictions"]["by_level"]["province"], 1);
    // 事项类型 99 is not a category.
    assert_eq!(v["items"]["by_category"]["unknown"], 1);
    let opts =
        qingdan::load::LoadOptions { jurisdiction: Some("210000".into()), ..Default::default() };
    let ds = qingdan::load::load(&dir, &opts).unwrap();
    let first = &ds.items[0];
    assert_eq!(&*first.code.raw, "210973001000");
    assert_eq!(&*first.name.raw, "专利权侵权纠纷处理");
    assert_eq!(first.category, Some(qingdan::model::Category::Adjudication));
    // 实施层级 "2,3": 省 and 市.
    assert_eq!(first.levels.levels, [qingdan::model::Level::Province, qingdan::model::Level::City]);
    let ignored = &v["files"][0]["ignored_columns"];
    assert!(ignored.as_array().unwrap().iter().any(|c| c == "授权部门"));
    assert!(!ignored.as_array().unwrap().iter().any(|c| c == "职权编码"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Any bytes as items.csv: no panic, and every row is loaded or rejected.
    #[test]
    fn any_bytes_load_without_panic_and_rows_add_up(
        body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
        quote in proptest::prelude::any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = "区划代码,事项编码,事项名称,法定时限\n450102,000105001000,".as_bytes().to_vec();
        if quote {
            bytes.push(b'"');
        }
        bytes.extend_from_slice(&body);
        std::fs::write(dir.path().join("items.csv"), &bytes).unwrap();
        // A file whose every row is rejected stops the run (exit 2), naming a line: no panic.
        let ds = match qingdan::load::load(dir.path(), &Default::default()) {
            Ok(ds) => ds,
            Err(e) => {
                let msg = e.to_string();
                proptest::prop_assert!(msg.contains("no item could be loaded"), "{}", msg);
                return Ok(());
            }
        };
        for f in &ds.report.files {
            proptest::prop_assert_eq!(f.rows_read, f.rows_loaded + f.rows_rejected);
        }
        proptest::prop_assert_eq!(ds.items.len() as u64, ds.report.files[0].rows_loaded);
        for d in &ds.report.diagnostics {
            if let Some(t) = &d.text {
                proptest::prop_assert!(t.chars().count() <= 81);
            }
        }
    }
}

#[test]
fn inspect_writes_its_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inspect.json");
    let (code, stdout, err) = qingdan(&[
        "inspect",
        fixture("small").to_str().unwrap(),
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["items"]["total"], 5);
    // Other formats are refused with exit 2.
    let (code, _, err) =
        qingdan(&["inspect", fixture("small").to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("[possible values: text, json]"), "{err}");
}

/// Every fixture read in tiny pieces in parallel (`QINGDAN_READ=piece=N`), mapped (`mmap`) or in
/// small windows (`block=N`), loads exactly as when read with the defaults: the same counts, the
/// same diagnostics at the same lines, the same findings.
#[test]
fn files_read_in_pieces_load_as_when_read_whole() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<PathBuf> = vec![
        root.join("examples/region"),
        root.join("examples/gbk/region"),
        root.join("examples/standard"),
        fixture("guangxi"),
        fixture("sichuan"),
    ];
    let mut hostile: Vec<PathBuf> = std::fs::read_dir(root.join("tests/hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.join("items.csv").is_file())
        .collect();
    hostile.sort();
    dirs.extend(hostile);
    let run = |args: &[&str], env: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_qingdan"));
        cmd.args(args);
        cmd.env_remove("QINGDAN_READ");
        if let Some(read) = env {
            cmd.env("QINGDAN_READ", read);
        }
        let out = cmd.output().unwrap();
        (out.status.code(), out.stdout, out.stderr)
    };
    // The example with trouble spread through every table: rows with the wrong number of
    // fields, quoted cells holding line ends and commas, rows without a 区划代码, orphans.
    let spread = tempfile::tempdir().unwrap();
    for name in ["jurisdictions.csv", "items.csv", "steps.csv", "materials.csv"] {
        let text = std::fs::read_to_string(root.join("examples/region").join(name)).unwrap();
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            out.push_str(line);
            out.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
            if i > 0 && i % 37 == 0 && name != "jurisdictions.csv" {
                out.push_str("450102,只有两列\n");
                out.push_str(
                    ",000101001000,,\"多行\n名称，含逗号\"\"引号\"\"\",行政许可,,,,,,,,,,,\n",
                );
                out.push_str("450102,999999999999,1,\"孤立\n环节\",1个工作日,0\n");
                // A lone carriage return: the csv crate ends a record there.
                out.push_str("450102,000101001000,9,孤\r立,1个工作日,0\n");
                let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
                if let Some(f) = fields.get_mut(3) {
                    *f = format!("\"{f}\n（续）\"");
                }
                out.push_str(&fields.join(","));
                out.push('\n');
            }
        }
        if name == "jurisdictions.csv" {
            // A repeated jurisdiction after the rows the header is searched among.
            let last = text.lines().last().unwrap();
            out.push_str(&format!("{last}\n"));
        }
        std::fs::write(spread.path().join(name), out).unwrap();
    }
    let v = inspect_json(spread.path(), &[]);
    let dups = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "jurisdictions.csv" && d["line"] == 12)
        .count();
    assert_eq!(dups, 1, "the repeated jurisdiction on line 12 is reported: {}", v["diagnostics"]);
    dirs.push(spread.path().to_path_buf());
    let mut compared = 0;
    for dir in &dirs {
        let d = dir.to_str().unwrap();
        for args in [
            vec!["inspect", d, "--format", "json"],
            vec!["check", d, "--format", "jsonl", "--fail-on", "never"],
        ] {
            let whole = run(&args, None);
            // Mapped files in pieces of 1 and 100 bytes and of the default size (files with quote
            // marks are then read through windows), files read through small windows in pieces.
            let ways = [
                "piece=1,mmap",
                "piece=100,mmap",
                "mmap",
                "piece=64,block=128",
                "piece=1000,block=4096",
            ];
            for read in ways {
                let pieces = run(&args, Some(read));
                assert_eq!(
                    (pieces.0, String::from_utf8_lossy(&pieces.1)),
                    (whole.0, String::from_utf8_lossy(&whole.1)),
                    "{args:?} read with QINGDAN_READ={read}"
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 20, "{compared}");
}

/// `QINGDAN_READ` with a word it does not know stops the run (exit 2) naming the word, rather
/// than reading some other way than asked.
#[test]
fn a_bad_qingdan_read_is_refused() {
    for bad in ["mmap,blok=10", "piece=0", "block=x"] {
        let out = Command::new(env!("CARGO_BIN_EXE_qingdan"))
            .args(["--lang", "en", "inspect"])
            .arg(fixture("small"))
            .env("QINGDAN_READ", bad)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("QINGDAN_READ"), "{bad}: {err}");
    }
}

#[test]
fn a_folder_with_one_csv_of_another_name_reads_it_as_the_list() {
    // shared/data/real/guangxi-lingshan-task-sample holds only tasks.csv (the system's name).
    let dir = tempfile::tempdir().unwrap();
    let src = fixture("guangxi").join("items.csv");
    std::fs::copy(&src, dir.path().join("tasks.csv")).unwrap();
    let v = inspect_json(dir.path(), &[]);
    assert_eq!(counts(&v), vec![("items".to_string(), 9, 6, 0)]);
    let ds = qingdan::load::load(dir.path(), &Default::default()).unwrap();
    let note = ds.report.diagnostics.iter().find(|d| d.message.contains("已作为事项表读取"));
    assert_eq!(note.map(|d| &*d.file), Some("tasks.csv"), "{:?}", ds.report.diagnostics);
    // The file itself, given as the path, reads the same folder.
    let v = inspect_json(&dir.path().join("tasks.csv"), &[]);
    assert_eq!(v["items"]["total"], 6);
    // Two CSV files of other names: which one is the list is not guessed.
    std::fs::write(dir.path().join("other.csv"), "a,b\n1,2\n").unwrap();
    let (code, _, err) = qingdan(&["inspect", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no items table"), "{err}");
}
