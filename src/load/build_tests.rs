//! Unit tests of `build.rs`: rows typed into items, steps, materials and jurisdictions, with the
//! diagnostics of rows that cannot be; the caches and remembered prototypes giving what typing
//! each row afresh gives; the key bytes that tell rows apart.

use super::*;
use crate::load::ItemIndex;
use crate::model::{Category, Diagnostic};

fn columns() -> Columns {
    Columns::load(None).expect("the embedded columns.toml")
}

fn new_diags() -> Diags {
    Diags::new("items.csv".into())
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn strs(cells: &[&str]) -> Vec<Str> {
    cells.iter().map(|c| (*c).into()).collect()
}

/// The cell spans of a line split at commas (what the reader gives a line without quote marks).
fn spans(line: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b',' {
            out.push((start as u32, i as u32));
            start = i + 1;
        }
    }
    out.push((start as u32, line.len() as u32));
    out
}

/// A diagnostic as (line, column, message, text).
type Said = (Option<u64>, Option<String>, String, Option<String>);

/// The (line, column, message, text) of each diagnostic.
fn said(diags: Diags) -> Vec<Said> {
    diags.finish().into_iter().map(|d: Diagnostic| (d.line, d.column, d.message, d.text)).collect()
}

fn diag(line: u64, column: &str, msg: Msg, text: &str) -> Said {
    (Some(line), Some(column.to_string()), msg.zh().to_string(), Some(text.to_string()))
}

const ITEM_HEADER: [&str; 11] = [
    "区划代码",
    "事项编码",
    "事项名称",
    "事项类型",
    "设定依据",
    "法定时限",
    "承诺时限",
    "是否收费",
    "收费标准",
    "实施主体",
    "实施编码",
];

const LICENCE: [&str; 11] = [
    "450102",
    "000105001000",
    "食品经营许可",
    "行政许可",
    "《中华人民共和国食品安全法》第三十五条",
    "20个工作日",
    "10个工作日",
    "否",
    "",
    "市场监督管理局",
    "",
];

/// Types `rows` (each given as plain cells, as a sheet gives them, and as a line of text) with
/// one items visitor; returns the visitor and the diagnostics.
fn items_of<'a>(
    columns: &'a Columns,
    opts: &LoadOptions,
    head: &[&str],
    rows: &[&[&str]],
    text: bool,
) -> (ItemsVisitor<'a>, Diags) {
    let mut v = ItemsVisitor::new(columns, opts);
    let mut d = new_diags();
    assert!(v.header(&header(head), &mut d));
    for (k, cells) in rows.iter().enumerate() {
        let line = k as u64 + 2;
        if text {
            let joined = cells.join(",");
            let s = spans(&joined);
            v.row(line, &Row::Text(&joined, &s), &mut d);
        } else {
            let owned = strs(cells);
            v.row(line, &Row::Cells(&owned), &mut d);
        }
    }
    (v, d)
}

#[test]
fn an_item_row_is_typed_field_by_field() {
    let columns = columns();
    let opts = LoadOptions::default();
    for text in [false, true] {
        let (v, d) = items_of(&columns, &opts, &ITEM_HEADER, &[&LICENCE], text);
        assert!(d.is_empty(), "{text}");
        assert_eq!(v.items.len(), 1, "{text}");
        let item = &v.items[0];
        assert_eq!(&*item.jurisdiction, "450102");
        assert_eq!((&*item.code.raw, &*item.code.norm), ("000105001000", "000105001000"));
        assert_eq!(&*item.name.raw, "食品经营许可");
        assert_eq!(&*item.department.raw, "市场监督管理局");
        assert_eq!(item.implementation_code, None);
        assert_eq!(item.line, 2);
        assert_eq!((&*item.category_raw, item.category), ("行政许可", Some(Category::Licensing)));
        assert_eq!(&*item.basis.raw, "《中华人民共和国食品安全法》第三十五条");
        assert_eq!(&*item.statutory_limit.raw, "20个工作日");
        assert_eq!(&*item.committed_limit.raw, "10个工作日");
        assert_eq!(item.charged.value, Some(false));
        assert!(item.steps.is_empty() && item.materials.is_empty());
        // Its key, for joining steps and materials.
        assert_eq!(v.keys.len(), 1);
        assert!(v.keys.is(0, "450102", "000105001000"));
        assert!(!v.keys.code_is_empty(0));
    }
}

#[test]
fn codes_and_jurisdictions_are_compared_in_normal_form() {
    let columns = columns();
    let opts = LoadOptions::default();
    let mut row = LICENCE;
    row[0] = "４５０１０２";
    row[1] = " 000105001000 ";
    row[10] = "11450102MB1234567X4000105001000";
    let (v, d) = items_of(&columns, &opts, &ITEM_HEADER, &[&row], false);
    assert!(d.is_empty());
    let item = &v.items[0];
    assert_eq!(&*item.jurisdiction, "450102");
    assert_eq!(&*item.code.norm, "000105001000");
    assert_eq!(item.implementation_code.as_ref().map(|c| &*c.raw), Some(row[10]));
    assert!(v.keys.is(0, "450102", "000105001000"));
    assert_eq!(&*division_code("４５０１０２"), "450102");
    assert!(matches!(division_code("450102"), std::borrow::Cow::Borrowed("450102")));
}

#[test]
fn rows_with_the_same_cells_share_one_typed_body_and_a_wrong_forecast_is_not_taken() {
    let columns = columns();
    let opts = LoadOptions::default();
    let mut other = LICENCE;
    other[2] = "药品经营许可";
    other[1] = "000105002000";
    let mut third = LICENCE;
    third[2] = "烟草专卖零售许可";
    third[1] = "000105003000";
    let mut next_county = LICENCE;
    next_county[0] = "450103";
    let mut renamed = LICENCE;
    renamed[9] = "行政审批局";
    // A, B, A, C: after A the prototype that followed it last time (B) is forecast, and C is
    // not B. A again in the next county, implemented by another department.
    let rows: [&[&str]; 6] = [&LICENCE, &other, &LICENCE, &third, &next_county, &renamed];
    for text in [false, true] {
        let (v, d) = items_of(&columns, &opts, &ITEM_HEADER, &rows, text);
        assert!(d.is_empty());
        let names: Vec<&str> = v.items.iter().map(|i| &*i.name.raw).collect();
        assert_eq!(
            names,
            [
                "食品经营许可",
                "药品经营许可",
                "食品经营许可",
                "烟草专卖零售许可",
                "食品经营许可",
                "食品经营许可"
            ],
            "{text}"
        );
        let codes: Vec<&str> = v.items.iter().map(|i| &*i.code.norm).collect();
        assert_eq!(
            codes,
            [
                "000105001000",
                "000105002000",
                "000105001000",
                "000105003000",
                "000105001000",
                "000105001000"
            ]
        );
        let jurisdictions: Vec<&str> = v.items.iter().map(|i| &*i.jurisdiction).collect();
        assert_eq!(jurisdictions, ["450102", "450102", "450102", "450102", "450103", "450102"]);
        assert_eq!(&*v.items[5].department.raw, "行政审批局");
        let (a, b) = (&v.items[0], &v.items[4]);
        assert!(Arc::ptr_eq(&a.body, &b.body) && Arc::ptr_eq(&a.name, &b.name));
        assert!(Arc::ptr_eq(&a.body, &v.items[2].body) && Arc::ptr_eq(&a.code, &v.items[5].code));
        // Every item as typed by a visitor that saw only its row.
        for (k, cells) in rows.iter().enumerate() {
            let (alone, _) = items_of(&columns, &opts, &ITEM_HEADER, &[*cells], text);
            let mut expected = alone.items[0].clone();
            expected.line = k as u64 + 2;
            assert_eq!(v.items[k], expected, "{text} {k}");
        }
    }
}

#[test]
fn item_rows_without_a_jurisdiction_or_without_name_and_code_are_reported() {
    let columns = columns();
    let opts = LoadOptions::default();
    let mut no_jurisdiction = LICENCE;
    no_jurisdiction[0] = " ";
    let mut nameless = LICENCE;
    nameless[1] = "";
    nameless[2] = "";
    let rows: [&[&str]; 4] = [&LICENCE, &no_jurisdiction, &no_jurisdiction, &nameless];
    let (v, d) = items_of(&columns, &opts, &ITEM_HEADER, &rows, true);
    assert_eq!(v.items.len(), 1);
    let text = |r: &[&str]| r.join(",");
    // The 区划代码 of the row before is not carried over to a row without one.
    assert_eq!(
        said(d),
        vec![
            diag(3, "区划代码", Msg::NoJurisdiction, &text(&no_jurisdiction)),
            diag(4, "区划代码", Msg::NoJurisdiction, &text(&no_jurisdiction)),
            diag(5, "事项名称", Msg::NoNameNoCode, &text(&nameless)),
        ]
    );
    // With --jurisdiction the row without one is that jurisdiction's.
    let opts = LoadOptions { jurisdiction: Some(" 450109 ".into()), ..LoadOptions::default() };
    let (v, d) = items_of(&columns, &opts, &ITEM_HEADER, &rows[..3], false);
    assert!(d.is_empty());
    let jurisdictions: Vec<&str> = v.items.iter().map(|i| &*i.jurisdiction).collect();
    assert_eq!(jurisdictions, ["450102", "450109", "450109"]);
}

#[test]
fn an_items_header_without_its_required_columns_is_refused() {
    let columns = columns();
    let mut v = ItemsVisitor::new(&columns, &LoadOptions::default());
    let mut d = new_diags();
    assert!(!v.header(&header(&["设定依据", "备注"]), &mut d));
    assert_eq!(
        said(d),
        vec![
            (
                Some(1),
                Some("事项名称 / 事项编码".into()),
                Msg::MissingColumn.zh().into(),
                Some("设定依据,备注".into())
            ),
            (
                Some(1),
                Some("区划代码".into()),
                Msg::MissingColumn.zh().into(),
                Some("设定依据,备注".into())
            ),
        ]
    );
    assert_eq!(v.ignored(), vec!["备注".to_string()]);
    // A code alone will do, and --jurisdiction stands for the 区划代码 column.
    let opts = LoadOptions { jurisdiction: Some("450102".into()), ..LoadOptions::default() };
    let mut v = ItemsVisitor::new(&columns, &opts);
    let mut d = new_diags();
    assert!(v.header(&header(&["事项编码"]), &mut d));
    assert!(d.is_empty());
    // The header score counts the columns that name a field.
    assert_eq!(v.header_score(&header(&ITEM_HEADER)), ITEM_HEADER.len());
    assert_eq!(v.header_score(&header(&["某县清单", ""])), 0);
}

#[test]
fn coded_values_and_composite_limits_are_read_through_the_mapping() {
    let columns = columns();
    let opts = LoadOptions::default();
    let head = [
        "areacode",
        "catalog_code",
        "task_name",
        "task_type",
        "anticipate_day",
        "anticipate_type",
        "promise_day",
        "promise_type",
    ];
    let row = ["450102", "000105001000", "食品经营许可", "1", "20", "1", "", "1"];
    let (v, d) = items_of(&columns, &opts, &head, &[&row], true);
    assert!(d.is_empty());
    let item = &v.items[0];
    assert_eq!((&*item.category_raw, item.category), ("行政许可", Some(Category::Licensing)));
    assert_eq!(&*item.statutory_limit.raw, "20个工作日");
    // No amount: no limit.
    assert_eq!(&*item.committed_limit.raw, "");
    // An unknown unit code stays visible.
    let row = ["450102", "000105001000", "食品经营许可", "01", "5", "9", "3", "3"];
    let (v, _) = items_of(&columns, &opts, &head, &[&row], false);
    assert_eq!(&*v.items[0].statutory_limit.raw, "5（时限单位9）");
    assert_eq!(&*v.items[0].committed_limit.raw, "3个月");
}

// ---------------------------------------------------------------------------------------------
// Steps and materials

/// Items of two jurisdictions: 450102 has two coded items and one without a code; 450103 one.
fn some_items(columns: &Columns) -> (Vec<Item>, ItemKeys) {
    let mut second = LICENCE;
    second[1] = "000105002000";
    second[2] = "药品经营许可";
    let mut codeless = LICENCE;
    codeless[1] = "";
    codeless[2] = "无编码事项";
    let mut other = LICENCE;
    other[0] = "450103";
    let rows: [&[&str]; 4] = [&LICENCE, &second, &codeless, &other];
    let (mut v, d) = items_of(columns, &LoadOptions::default(), &ITEM_HEADER, &rows, false);
    assert!(d.is_empty());
    (std::mem::take(&mut v.items), std::mem::take(&mut v.keys))
}

const STEP_HEADER: [&str; 6] = ["区划代码", "事项编码", "序号", "环节名称", "环节时限", "盖章数"];

#[test]
fn step_rows_join_their_items_and_share_bodies_that_say_the_same() {
    let columns = columns();
    let (items, keys) = some_items(&columns);
    let index = ItemIndex::new(&items, keys);
    let opts = LoadOptions::default();
    let rows: [[&str; 6]; 6] = [
        ["450102", "000105001000", "1", "受理", "1个工作日", "1"],
        ["450102", "000105001000", "2.", "决定", "", "0"],
        ["450102", "000105002000", "1", "受理", "1个工作日", "1"],
        ["450103", "000105001000", "一", "受理", "1个工作日", "1"],
        ["450102", "000105001000", "3", "送达", "", ""],
        // Without a code: the jurisdiction's one item without a code.
        ["450102", "", "1", "受理", "1个工作日", "1"],
    ];
    for text in [false, true] {
        let mut v = StepsVisitor::new(&columns, &opts, &index);
        let mut d = new_diags();
        assert!(v.header(&header(&STEP_HEADER), &mut d));
        for (k, cells) in rows.iter().enumerate() {
            let line = k as u64 + 2;
            let joined = cells.join(",");
            let s = spans(&joined);
            let owned = strs(cells);
            let row = if text { Row::Text(&joined, &s) } else { Row::Cells(&owned) };
            assert!(v.row(line, &row, &mut d), "{text} {k}");
        }
        assert!(d.is_empty());
        let taken = v.rows.take();
        assert!(v.rows.rows.is_empty() && v.rows.runs.is_empty());
        // Runs of rows of one item, in file order.
        assert_eq!(taken.runs, vec![(0, 2), (1, 1), (3, 1), (0, 1), (2, 1)], "{text}");
        let seqs: Vec<Option<u32>> = taken.rows.iter().map(|s| s.seq).collect();
        assert_eq!(seqs, [Some(1), Some(2), Some(1), Some(1), Some(3), Some(1)]);
        let lines: Vec<u64> = taken.rows.iter().map(|s| s.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7]);
        let s = &taken.rows;
        assert_eq!((&*s[1].name.raw, &*s[1].limit.raw, s[1].stamps.value), ("决定", "", Some(0)));
        // 受理 says the same in every item (一 is a number like 1, but a different cell).
        assert!(Arc::ptr_eq(s[0].body(), s[2].body()) && Arc::ptr_eq(s[0].body(), s[5].body()));
        assert!(!Arc::ptr_eq(s[0].body(), s[3].body()));
        assert_eq!(**s[0].body(), **s[3].body());
    }
}

#[test]
fn step_rows_without_an_item_or_a_jurisdiction_are_reported_each() {
    let columns = columns();
    let (items, keys) = some_items(&columns);
    let index = ItemIndex::new(&items, keys);
    let opts = LoadOptions::default();
    let mut v = StepsVisitor::new(&columns, &opts, &index);
    let mut d = new_diags();
    assert!(v.header(&header(&STEP_HEADER), &mut d));
    let rows: [[&str; 6]; 5] = [
        ["450102", "999999999999", "1", "受理", "", ""],
        ["450102", "999999999999", "2", "决定", "", ""],
        ["", "000105001000", "1", "受理", "", ""],
        ["450102", "000105001000", "1", "受理", "", ""],
        ["450104", "000105001000", "1", "受理", "", ""],
    ];
    let loaded: Vec<bool> = rows
        .iter()
        .enumerate()
        .map(|(k, cells)| v.row(k as u64 + 2, &Row::Cells(&strs(cells)), &mut d))
        .collect();
    assert_eq!(loaded, [false, false, false, true, false]);
    assert_eq!(
        said(d),
        vec![
            diag(2, "事项编码", Msg::NoItem, "450102/999999999999"),
            diag(3, "事项编码", Msg::NoItem, "450102/999999999999"),
            diag(4, "区划代码", Msg::NoJurisdiction, ",000105001000,1,受理,,"),
            diag(6, "事项编码", Msg::NoItem, "450104/000105001000"),
        ]
    );
    assert_eq!(v.rows.runs, vec![(0, 1)]);
    // A steps header needs a code or a name, and a 区划代码.
    let mut v = StepsVisitor::new(&columns, &opts, &index);
    let mut d = new_diags();
    assert!(!v.header(&header(&["序号", "环节名称"]), &mut d));
    let columns_named: Vec<Option<String>> = said(d).into_iter().map(|x| x.1).collect();
    assert_eq!(columns_named, [Some("事项编码 / 事项名称".into()), Some("区划代码".into())]);
}

#[test]
fn a_step_without_a_code_joins_its_item_by_name() {
    let columns = columns();
    let (items, keys) = some_items(&columns);
    let index = ItemIndex::new(&items, keys);
    let opts = LoadOptions::default();
    let mut v = StepsVisitor::new(&columns, &opts, &index);
    let mut d = new_diags();
    let head = ["区划代码", "事项编码", "事项名称", "环节名称"];
    assert!(v.header(&header(&head), &mut d));
    for (k, cells) in [
        ["450102", "", "药品经营许可", "受理"],
        ["450103", "", "食品 经营许可", "受理"],
        ["450103", "", "无此事项", "受理"],
    ]
    .iter()
    .enumerate()
    {
        v.row(k as u64 + 2, &Row::Cells(&strs(cells)), &mut d);
    }
    assert_eq!(v.rows.runs, vec![(1, 1), (3, 1)]);
    assert_eq!(said(d), vec![diag(4, "事项编码", Msg::NoItem, "450103/无此事项")]);
}

#[test]
fn material_rows_are_typed_and_joined() {
    let columns = columns();
    let (items, keys) = some_items(&columns);
    let index = ItemIndex::new(&items, keys);
    let mut v = MaterialsVisitor::new(&columns, &LoadOptions::default(), &index);
    let mut d = new_diags();
    let head = ["区划代码", "事项编码", "材料名称", "是否必要", "份数", "需盖章", "备注"];
    assert!(v.header(&header(&head), &mut d));
    assert_eq!(v.ignored(), vec!["备注".to_string()]);
    let cells = ["450103", "000105001000", "营业执照", "否", "2份", "是", "x"];
    assert!(v.row(9, &Row::Cells(&strs(&cells)), &mut d));
    assert!(d.is_empty());
    let m = &v.rows.rows[0];
    assert_eq!(v.rows.runs, vec![(3, 1)]);
    assert_eq!(
        (&*m.name.raw, m.required.value, m.copies.value, m.stamped.value),
        ("营业执照", Some(false), Some(2), Some(true))
    );
    assert_eq!(m.line, 9);
}

// ---------------------------------------------------------------------------------------------
// Jurisdictions

#[test]
fn jurisdiction_rows_are_typed_and_duplicates_and_unknown_levels_reported() {
    let columns = columns();
    let mut v = JurisdictionsVisitor::new(&columns, &LoadOptions::default());
    let mut d = new_diags();
    assert!(v.header(&header(&["区划代码", "区划名称", "层级", "上级区划代码"]), &mut d));
    let rows: [[&str; 4]; 5] = [
        ["450100", "南宁市", "市", ""],
        ["４５０１０２", "兴宁区", "区", " 450100 "],
        ["450102", "兴宁区", "县", "450100"],
        ["", "无代码", "县", ""],
        ["450103", "青秀区", "星系", "450100"],
    ];
    let loaded: Vec<bool> = rows
        .iter()
        .enumerate()
        .map(|(k, cells)| v.row(k as u64 + 2, &Row::Cells(&strs(cells)), &mut d))
        .collect();
    assert_eq!(loaded, [true, true, false, false, true]);
    assert_eq!(
        said(d),
        vec![
            diag(4, "区划代码", Msg::DuplicateJurisdiction, "450102"),
            diag(5, "区划代码", Msg::NoJurisdiction, ",无代码,县,"),
            diag(6, "层级", Msg::UnknownLevel, "星系"),
        ]
    );
    let got: Vec<(&str, &str, Option<Level>, Option<&str>)> =
        v.rows.iter().map(|r| (&*r.code, &*r.name, r.level, r.parent.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("450100", "南宁市", Some(Level::City), None),
            ("450102", "兴宁区", Some(Level::County), Some("450100")),
            ("450103", "青秀区", None, Some("450100")),
        ]
    );
    let mut v = JurisdictionsVisitor::new(&columns, &LoadOptions::default());
    let mut d = new_diags();
    assert!(!v.header(&header(&["区划名称"]), &mut d));
    assert_eq!(said(d).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Small parts

#[test]
fn sequence_numbers_read_digits_full_width_and_chinese_numerals() {
    assert_eq!(parse_seq("1"), Some(1));
    assert_eq!(parse_seq("１２"), Some(12));
    assert_eq!(parse_seq("3."), Some(3));
    assert_eq!(parse_seq("二"), Some(2));
    assert_eq!(parse_seq(" 4 "), Some(4));
    assert_eq!(parse_seq(""), None);
    assert_eq!(parse_seq("受理"), None);
    assert_eq!(parse_seq("99999999999"), None);
}

#[test]
fn item_keys_hold_each_key_once_and_compare_them_in_place() {
    let mut keys = ItemKeys::default();
    keys.push("450102", "000105001000");
    keys.push("450102", "");
    keys.push("450102", "000105001000");
    let mut more = ItemKeys::default();
    more.push("4501", "02000105001000");
    more.push("450103", "000105001000");
    keys.append(&mut more);
    assert_eq!((keys.len(), more.len()), (5, 0));
    assert!(keys.is(0, "450102", "000105001000") && keys.is(4, "450103", "000105001000"));
    // The separator keeps (4501, 02…) apart from (450102, …).
    assert!(!keys.same(0, 3) && !keys.is(3, "450102", "000105001000"));
    assert!(keys.is(3, "4501", "02000105001000"));
    assert!(keys.same(0, 2) && !keys.same(0, 1) && !keys.same(0, 9) && !keys.same(9, 9));
    assert!(keys.code_is_empty(1) && !keys.code_is_empty(0) && !keys.code_is_empty(9));
    assert!(!keys.is(9, "450102", ""));
    for i in 0..5 {
        let key = keys.get(i).expect("a key");
        let cut = key.iter().position(|&b| b == KEY_SEPARATOR).expect("a separator");
        let j = std::str::from_utf8(&key[..cut]).expect("UTF-8");
        let c = std::str::from_utf8(&key[cut + 1..]).expect("UTF-8");
        assert_eq!(keys.hash(i), ItemKeys::hash_of(j, c), "{i}");
    }
    assert_eq!(keys.hash(0), keys.hash(2));
    assert_ne!(keys.hash(0), keys.hash(3));
    keys.clear();
    assert_eq!(keys.len(), 0);
    assert_eq!(keys.get(0), None);
}

#[test]
fn columns_side_by_side_and_their_runs() {
    assert_eq!(side_by_side(&[3, 4, 5]), Some((3, 5)));
    assert_eq!(side_by_side(&[3]), Some((3, 3)));
    assert_eq!(side_by_side(&[3, 5]), None);
    assert_eq!(side_by_side(&[4, 3]), None);
    assert_eq!(side_by_side(&[]), None);
    assert_eq!(runs_of(&[5, 1, 2, 7, 6, 2]), vec![(1, 2), (5, 7)]);
    assert_eq!(runs_of(&[]), vec![]);
}

#[test]
fn key_bytes_tell_rows_apart_exactly_when_their_cells_differ() {
    // Lengths before chunks: (ab, c) is not (a, bc).
    let mut a = Vec::new();
    chunks_into(&mut a, [&b"ab"[..], b"c"].into_iter());
    let mut b = Vec::new();
    chunks_into(&mut b, [&b"a"[..], b"bc"].into_iter());
    assert_ne!(a, b);
    assert!(chunks_equal(&a, [&b"ab"[..], b"c"].into_iter()));
    assert!(!chunks_equal(&a, [&b"a"[..], b"bc"].into_iter()));
    assert!(!chunks_equal(&a, [&b"ab"[..]].into_iter()));
    assert!(!chunks_equal(&a, [&b"ab"[..], b"c", b""].into_iter()));

    let line = "450102,000105001000,受理,1";
    let s = spans(line);
    let text = Row::Text(line, &s);
    let owned = strs(&["450102", "000105001000", "受理", "1"]);
    let cells = Row::Cells(&owned);
    let other_line = "450102,000105001000,决定,1";
    let so = spans(other_line);
    let other = Row::Text(other_line, &so);
    let mut buf = Vec::new();
    // By the line's bytes across side-by-side columns, else by the cells.
    for span in [Some((0, 1)), None] {
        key_into(&mut buf, &text, &[0, 1], span);
        assert!(key_equal(&buf, &text, &[0, 1], span), "{span:?}");
        assert!(key_equal(&buf, &other, &[0, 1], span), "{span:?}");
        key_into(&mut buf, &cells, &[0, 2], None);
        assert!(key_equal(&buf, &cells, &[0, 2], None));
        assert!(!key_equal(&buf, &other, &[0, 2], None));
    }
    // The two forms never pass for each other: a sheet row is compared by cells.
    key_into(&mut buf, &text, &[0, 1], Some((0, 1)));
    assert!(!key_equal(&buf, &cells, &[0, 1], Some((0, 1))));

    let runs = runs_of(&[1, 2]);
    body_key_into(&mut buf, &text, &[1, 2], &runs);
    assert!(body_key_equal(&buf, &text, &[1, 2], &runs));
    assert!(!body_key_equal(&buf, &other, &[1, 2], &runs));
    assert!(!body_key_equal(&buf, &cells, &[1, 2], &runs));
    body_key_into(&mut buf, &cells, &[1, 2], &runs);
    assert!(body_key_equal(&buf, &cells, &[1, 2], &runs));
    assert!(!body_key_equal(&buf, &text, &[1, 2], &runs));
    let owned_other = strs(&["450102", "000105001000", "决定", "1"]);
    assert!(!body_key_equal(&buf, &Row::Cells(&owned_other), &[1, 2], &runs));
}

#[test]
fn the_cache_interns_each_string_once_and_parses_each_value_once() {
    let mut c = Cache::default();
    let a = c.str("市场监督管理局");
    let b = c.str("市场监督管理局");
    assert!(Arc::ptr_eq(&a, &b));
    assert!(Arc::ptr_eq(&c.limit("20个工作日"), &c.limit("20个工作日")));
    assert!(!Arc::ptr_eq(&c.limit("20个工作日"), &c.limit("20 个工作日")));
    assert_eq!(c.category("行政许可").1, Some(Category::Licensing));
    assert_eq!(&*c.code_key(" 000105001000 "), "000105001000");
    assert_eq!(c.seq("2"), Some(2));
    assert_eq!(
        ItemKey { jurisdiction: "450102".into(), code: "".into(), name: None }.describe(),
        "450102/（无事项编码）"
    );
    let named = ItemKey { jurisdiction: "450102".into(), code: "".into(), name: Some("x".into()) };
    assert_eq!(named.describe(), "450102/x");
}
