//! Turns the plan into rows: one jurisdiction's items (with their faults and noise applied), its
//! version-2 items, the truth rows and the change rows, as UTF-8 CSV bytes without headers.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::elements;
use super::form::{
    basis_text, BasisStyle, Form, Limit, LimitStyle, Material, Measures, Step, Unit,
};
use super::plan::{level_index, Added, FaultKind, Jur, NoiseKind, Plan, Standard};
use super::realistic::{RealPlan, RowAt};
use super::vocab::*;
use crate::model::{Field, Level};

/// The four CSV headers (DATA.md "Layout").
pub(crate) const JUR_HEADER: &[&str] = &["区划代码", "区划名称", "层级", "上级区划代码"];
/// items.csv's columns.
const ITEM_COLUMNS: [&str; 16] = [
    "区划代码",
    "事项编码",
    "实施编码",
    "事项名称",
    "事项类型",
    "实施主体",
    "行使层级",
    "设定依据",
    "法定时限",
    "承诺时限",
    "是否收费",
    "收费标准",
    "收费依据",
    "到现场次数",
    "中介服务",
    "办件类型",
];
pub(crate) const ITEM_HEADER: &[&str] = &ITEM_COLUMNS;
/// What a platform export adds after the common columns (the Guangxi sample's item_id,
/// task_version, anticipate_day_explain and promise_day_explain).
const PLATFORM_COLUMNS: [&str; 4] = ["事项ID", "版本号", "法定时限说明", "承诺时限说明"];
/// items.csv of `gen --realistic`'s lists: the common columns, then the platform's (empty in
/// lists that are not platform exports).
pub(crate) const ITEM_HEADER_REALISTIC: &[&str] =
    &concat::<16, 4, 20>(ITEM_COLUMNS, PLATFORM_COLUMNS);

/// Two arrays of column names, one after the other.
const fn concat<const A: usize, const B: usize, const C: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; C] {
    assert!(A + B == C);
    let mut out = [""; C];
    let mut i = 0;
    while i < C {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}
pub(crate) const STEP_HEADER: &[&str] =
    &["区划代码", "事项编码", "序号", "环节名称", "环节时限", "盖章数"];
pub(crate) const MATERIAL_HEADER: &[&str] =
    &["区划代码", "事项编码", "材料名称", "是否必要", "份数", "需盖章"];
/// elements.csv: the category elements in long form (docs/DATA.md "Category elements").
pub(crate) const ELEMENT_HEADER: &[&str] = &["区划代码", "事项编码", "要素", "值"];
pub(crate) const TRUTH_HEADER: &[&str] =
    &["dataset", "kind", "jurisdiction", "item", "field", "detail"];
/// truth.csv of `gen --realistic`: the same columns, then the fault or noise kind (`class`) and
/// the 事项编码 and 事项名称 of the row it sits on as written (empty where there is no row).
pub(crate) const TRUTH_HEADER_REALISTIC: &[&str] = &[
    "dataset",
    "kind",
    "jurisdiction",
    "item",
    "field",
    "detail",
    "class",
    "row_code",
    "row_name",
];
pub(crate) const CHANGES_HEADER: &[&str] = &[
    "jurisdiction",
    "item",
    "status",
    "old_code",
    "new_code",
    "steps_before",
    "steps_after",
    "stamps_before",
    "stamps_after",
    "materials_before",
    "materials_after",
    "committed_days_before",
    "committed_days_after",
    "visits_before",
    "visits_after",
    "intermediaries_before",
    "intermediaries_after",
    "charged_before",
    "charged_after",
    "reworded_materials",
];

/// Appends one CSV record (quoted only where needed) to `buf`.
pub(crate) fn push_record<S: AsRef<str>>(buf: &mut Vec<u8>, fields: &[S]) {
    push_record_eol(buf, fields, false);
}

/// [`push_record`], ending the record with CRLF when `crlf` (line ends inside quoted cells are
/// kept as they are, as spreadsheet exports write them).
pub(crate) fn push_record_eol<S: AsRef<str>>(buf: &mut Vec<u8>, fields: &[S], crlf: bool) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let f = f.as_ref();
        if f.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            buf.push(b'"');
            buf.extend_from_slice(f.replace('"', "\"\"").as_bytes());
            buf.push(b'"');
        } else {
            buf.extend_from_slice(f.as_bytes());
        }
    }
    if crlf {
        buf.push(b'\r');
    }
    buf.push(b'\n');
}

/// One table's rows of one dataset, as CSV bytes without a header.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    pub items: Vec<u8>,
    pub steps: Vec<u8>,
    pub materials: Vec<u8>,
    pub n_items: usize,
    pub n_steps: usize,
    pub n_materials: usize,
    /// elements.csv rows.
    pub elements: Vec<u8>,
    pub n_elements: usize,
    /// Records end with CRLF (`gen --realistic`'s lists).
    pub crlf: bool,
    /// Items carry the four columns of [`ITEM_HEADER_REALISTIC`] after the common ones.
    pub platform_columns: bool,
}

impl Tables {
    /// Writes one item with its steps and materials (`with_children` false for a duplicated row,
    /// whose steps and materials are already written under the same code).
    pub fn push(&mut self, jur: &str, dept: &str, impl_code: &str, f: &Form, with_children: bool) {
        self.push_named(jur, dept, impl_code, f, &f.name, with_children);
    }

    /// [`Tables::push`] with another 事项名称 than the form's (an 办理项 of it).
    pub fn push_named(
        &mut self,
        jur: &str,
        dept: &str,
        impl_code: &str,
        f: &Form,
        name: &str,
        with_children: bool,
    ) {
        self.push_platform(jur, dept, impl_code, f, name, with_children, &Default::default());
    }

    /// [`Tables::push_named`] with the platform's columns (record id, version and the two
    /// limits' explanations), written where the tables have them.
    #[allow(clippy::too_many_arguments)]
    pub fn push_platform(
        &mut self,
        jur: &str,
        dept: &str,
        impl_code: &str,
        f: &Form,
        name: &str,
        with_children: bool,
        platform: &PlatformCells,
    ) {
        let crlf = self.crlf;
        let visits = f.visits.to_string();
        let intermediaries = f.intermediaries_text();
        let mut cells: Vec<&str> = vec![
            jur,
            &f.code,
            impl_code,
            name,
            f.category_name(),
            dept,
            &f.levels,
            &f.basis,
            &f.statutory_text,
            &f.committed_text,
            if f.charged { "是" } else { "否" },
            &f.fee,
            &f.fee_basis,
            &visits,
            &intermediaries,
            f.kind_name(),
        ];
        if self.platform_columns {
            cells.extend([
                platform.record_id.as_str(),
                &platform.version,
                &platform.statutory_note,
                &platform.committed_note,
            ]);
        }
        push_record_eol(&mut self.items, &cells, crlf);
        self.n_items += 1;
        if !with_children {
            return;
        }
        for (k, s) in f.steps.iter().enumerate() {
            push_record_eol(
                &mut self.steps,
                &[
                    jur,
                    &f.code,
                    &(k + 1).to_string(),
                    &s.name,
                    &s.limit.text(LimitStyle::default()),
                    &s.stamps.to_string(),
                ],
                crlf,
            );
            self.n_steps += 1;
        }
        if !f.code.is_empty() {
            for (element, value) in f.elements.cells() {
                push_record_eol(&mut self.elements, &[jur, &f.code, element, &value], crlf);
                self.n_elements += 1;
            }
        }
        for m in &f.materials {
            push_record_eol(
                &mut self.materials,
                &[
                    jur,
                    &f.code,
                    &m.name,
                    if m.required { "是" } else { "否" },
                    &m.copies.to_string(),
                    if m.stamped { "是" } else { "否" },
                ],
                crlf,
            );
            self.n_materials += 1;
        }
    }
}

/// What a platform export writes beside an item's common columns.
#[derive(Debug, Clone, Default)]
pub(crate) struct PlatformCells {
    /// 事项ID: one record's id through all its saved versions.
    pub record_id: String,
    /// 版本号
    pub version: String,
    /// 法定时限说明
    pub statutory_note: String,
    /// 承诺时限说明
    pub committed_note: String,
}

/// One row of truth.csv.
#[derive(Debug, Clone)]
pub(crate) struct Truth {
    /// Recorded for region-v2 (else region).
    pub v2: bool,
    pub fault: bool,
    pub jurisdiction: String,
    pub item: String,
    pub field: &'static str,
    pub detail: String,
    /// The fault or noise kind (written by `gen --realistic` only).
    pub class: &'static str,
    /// The row's 事项编码 and 事项名称 as written, where there is a row.
    pub row: Option<(String, String)>,
}

/// Everything one jurisdiction contributes.
#[derive(Debug, Default)]
pub(crate) struct JurOut {
    pub v1: Tables,
    pub v2: Tables,
    pub changes: Vec<u8>,
    pub truth: Vec<Truth>,
}

/// One row of version 1 and what version 2 makes of it.
struct Row {
    form: Form,
    /// None when version 2 removed the item.
    v2: Option<Form>,
    reworded: u32,
    /// The second row of a duplicated code.
    dup: bool,
    /// The standard item it implements (None for items unknown to the standard).
    item: Option<usize>,
    /// The fault it carries.
    fault: Option<FaultKind>,
}

/// The 18-character unified social credit code of a department of a jurisdiction
/// (GB 32100-2015: 1 机构编制, 1 机关, division code, 9-character body code, check character).
pub(crate) fn credit_code(division: &str, dept: usize) -> String {
    credit_code_of(division, &[dept as u8])
}

/// A credit code with the division part `division`, its body drawn from `body_key` (a vertically
/// managed body carries 100000 whichever jurisdiction it serves).
pub(crate) fn credit_code_of(division: &str, body_key: &[u8]) -> String {
    const CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in division.bytes().chain(body_key.iter().copied()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut body = format!("11{division}MB");
    for _ in 0..7 {
        body.push(char::from(b'0' + (h % 10) as u8));
        h /= 10;
    }
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| CHARSET.iter().position(|x| *x == c).unwrap_or(0) as u32 * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    body.push(char::from(CHARSET[check as usize]));
    body
}

/// 实施编码 of a row: credit code + level digit + base code, for city and county rows with a code.
pub(crate) fn impl_code(jur: &Jur, f: &Form) -> String {
    let digit = match jur.level {
        Level::City => '3',
        Level::County => '4',
        _ => return String::new(),
    };
    if f.code.is_empty() {
        return String::new();
    }
    format!("{}{digit}{}", credit_code(jur.code.get(..6).unwrap_or(&jur.code), f.dept), f.code)
}

/// 实施主体 of a row: the department of a city or county; a town's own government (towns have
/// no departments of their own: 乡镇人民政府, 街道办事处).
pub(crate) fn department(jur: &Jur, f: &Form) -> String {
    match jur.level {
        Level::Town if jur.name.ends_with("街道") => format!("{}办事处", jur.name),
        Level::Town => format!("{}人民政府", jur.name),
        _ => format!("{}{}", jur.name, DEPTS.get(f.dept).map(|d| d.name).unwrap_or("人民政府")),
    }
}

pub(crate) fn differ_name(name: &str) -> String {
    const SWAPS: &[(&str, &str)] = &[
        ("许可", "审批"),
        ("登记", "备案"),
        ("的行政处罚", "的处罚"),
        ("的监督检查", "的日常巡查"),
        ("的行政检查", "的执法检查"),
        ("的现场检查", "的日常巡查"),
        ("给付", "发放"),
        ("奖励", "表彰"),
        ("征收", "收缴"),
        ("裁决", "处理"),
        ("查封", "查处"),
    ];
    for (a, b) in SWAPS {
        if name.contains(a) {
            return name.replacen(a, b, 1);
        }
    }
    format!("{name}办理")
}

fn category_confusion(cat: usize) -> usize {
    match cat {
        LICENSING => CONFIRMATION,
        CONFIRMATION => LICENSING,
        PENALTY => COERCION,
        COERCION => PENALTY,
        INSPECTION => OTHER,
        BENEFIT => REWARD,
        REWARD => BENEFIT,
        LEVY => OTHER,
        ADJUDICATION => CONFIRMATION,
        _ => INSPECTION,
    }
}

/// Applies a field fault to a copy of the standard form and says what was done.
fn apply_fault(
    kind: FaultKind,
    f: &mut Form,
    alt_code: Option<&str>,
    rng: &mut ChaCha8Rng,
) -> String {
    use FaultKind::*;
    match kind {
        NameDiffers => {
            let old = std::mem::take(&mut f.name);
            f.name = differ_name(&old);
            format!("事项名称 {} 与标准 {} 不同", f.name, old)
        }
        CodeMalformed => {
            let old = std::mem::replace(&mut f.code, alt_code.unwrap_or("").to_string());
            format!("事项编码 {} 格式错误（标准 {}）", f.code, old)
        }
        CodeCategoryDigits => {
            let old = std::mem::replace(&mut f.code, alt_code.unwrap_or("").to_string());
            format!(
                "事项编码 {} 的类型位与事项类型 {} 不符（标准 {}）",
                f.code,
                f.category_name(),
                old
            )
        }
        DuplicateCode => format!("事项编码 {} 在本清单中出现两次", f.code),
        CodeMissing => {
            let old = std::mem::take(&mut f.code);
            format!("缺少事项编码（标准 {old}）")
        }
        Category => {
            let old = f.category_name();
            f.category = category_confusion(f.category);
            format!("事项类型 {} 与标准 {} 不同", f.category_name(), old)
        }
        BasisArticle => {
            let old = f.basis.clone();
            if let Some(r) = f.refs.first_mut() {
                r.article += rng.random_range(1..=5u32);
                r.quote = None;
            }
            f.basis = basis_text(&f.refs, BasisStyle::default());
            format!("设定依据条款不同：{} / 标准 {}", f.basis, old)
        }
        BasisMissingRef => {
            let dropped = f.refs.pop().map(|r| r.title).unwrap_or("");
            f.basis = basis_text(&f.refs, BasisStyle::default());
            format!("设定依据缺少《{dropped}》")
        }
        BasisRepealed => {
            let mut cited = REPEALED_FALLBACK;
            if let Some(r) = f.refs.first_mut() {
                cited = REPEALED
                    .iter()
                    .find(|(now, _)| *now == r.title)
                    .map(|(_, old)| *old)
                    .unwrap_or(REPEALED_FALLBACK);
                r.title = cited;
                r.quote = None;
            }
            f.basis = basis_text(&f.refs, BasisStyle::default());
            format!("设定依据引用已废止的《{cited}》")
        }
        StatutoryAmount => {
            let old = f.statutory_text.clone();
            if let Limit::N(n, u) = f.statutory {
                let more = if u == Unit::Months { 1 } else { (n / 2).max(5) };
                f.statutory = Limit::N(n + more, u);
            }
            f.statutory_text = f.statutory.text(LimitStyle::default());
            format!("法定时限 {} 与标准 {} 不同", f.statutory_text, old)
        }
        StatutoryUnit => {
            let old = f.statutory_text.clone();
            if let Limit::N(n, _) = f.statutory {
                f.statutory = Limit::N(n, Unit::Days);
            }
            f.statutory_text = f.statutory.text(LimitStyle::default());
            format!("法定时限单位不同：{} / 标准 {}", f.statutory_text, old)
        }
        CommittedOverStatutory => {
            // In working days, whatever the statutory unit; past any conversion of calendar
            // days (5/7, rounded up) or months (21–22 working days).
            f.committed = match f.statutory {
                Limit::N(n, Unit::WorkDays) => {
                    Limit::N(n + rng.random_range(2..=10u32), Unit::WorkDays)
                }
                other => Limit::N(
                    other.working_days().unwrap_or(20) + rng.random_range(8..=15u32),
                    Unit::WorkDays,
                ),
            };
            f.committed_text = f.committed.text(LimitStyle::default());
            format!("承诺时限 {} > 法定 {}", f.committed_text, f.statutory_text)
        }
        KindImmediate => {
            f.immediate = true;
            format!("即办件的承诺时限为 {}", f.committed_text)
        }
        FeeCharged => {
            f.charged = true;
            f.fee = "按自治区价格主管部门核定的标准收取".to_string();
            f.fee_basis = "《中华人民共和国行政许可法》第五十九条".to_string();
            format!("标准不收费，本地收费：{}", f.fee)
        }
        FeeContradiction => {
            f.charged = false;
            if !f.fee.contains('元') && !f.fee.contains("标准") {
                f.fee = "50元/件".to_string();
            }
            format!("是否收费为否，收费标准却为 {}", f.fee)
        }
        Visits => {
            let old = f.visits;
            f.visits += 1;
            format!("到现场次数 {} > 标准 {}", f.visits, old)
        }
        Intermediaries => {
            let extra = DEPTS
                .get(f.dept)
                .map(|d| d.intermediaries)
                .unwrap_or(&[])
                .iter()
                .chain(GENERIC_INTERMEDIARIES)
                .find(|x| !f.intermediaries.iter().any(|y| y == *x))
                .copied()
                .unwrap_or("资产评估");
            f.intermediaries.push(extra.to_string());
            format!("多出中介服务：{extra}")
        }
        ExtraStep => {
            let at = f.steps.len().min(1);
            f.steps.insert(
                at,
                Step { name: "初审".to_string(), limit: Limit::N(1, Unit::WorkDays), stamps: 0 },
            );
            "多出环节：初审".to_string()
        }
        Stamps => {
            let k = (0..f.steps.len()).max_by_key(|&k| (f.steps[k].stamps, k)).unwrap_or(0);
            match f.steps.get_mut(k) {
                Some(s) => {
                    s.stamps += 1;
                    format!("环节 {} 盖章数 {} > 标准 {}", s.name, s.stamps, s.stamps - 1)
                }
                None => String::new(),
            }
        }
        ExtraMaterial => {
            let name = EXTRA_MATERIALS
                .iter()
                .find(|m| !f.materials.iter().any(|x| x.name == **m))
                .copied()
                .unwrap_or("情况说明");
            f.materials.push(Material {
                name: name.to_string(),
                required: true,
                copies: 1,
                stamped: false,
            });
            format!("多出材料：{name}")
        }
        Missing | CountyLacks | WrongLevel | Unknown => String::new(),
    }
}

/// Applies formatting-only noise and says what was done.
fn apply_noise(kind: NoiseKind, f: &mut Form) -> String {
    let before;
    let after;
    match kind {
        NoiseKind::NameBrackets => {
            before = f.name.clone();
            f.name = f.name.replace('（', "(").replace('）', ")");
            after = f.name.clone();
        }
        NoiseKind::NameSpace => {
            before = f.name.clone();
            let cut = f.name.char_indices().nth(2).map(|(i, _)| i).unwrap_or(0);
            f.name.insert(cut, ' ');
            after = f.name.clone();
        }
        NoiseKind::StatutoryNumeral | NoiseKind::StatutoryUnitWord => {
            before = f.statutory_text.clone();
            let style = LimitStyle {
                chinese: kind == NoiseKind::StatutoryNumeral,
                short_unit: kind == NoiseKind::StatutoryUnitWord,
            };
            f.statutory_text = f.statutory.text(style);
            after = f.statutory_text.clone();
        }
        NoiseKind::CommittedNumeral | NoiseKind::CommittedUnitWord => {
            before = f.committed_text.clone();
            let style = LimitStyle {
                chinese: kind == NoiseKind::CommittedNumeral,
                short_unit: kind == NoiseKind::CommittedUnitWord,
            };
            f.committed_text = f.committed.text(style);
            after = f.committed_text.clone();
        }
        NoiseKind::FeeFreeWord => {
            before = f.fee.clone();
            f.fee = "免费".to_string();
            after = f.fee.clone();
        }
        NoiseKind::BasisNumerals | NoiseKind::BasisPrefix => {
            before = f.basis.clone();
            let style = BasisStyle {
                arabic: kind == NoiseKind::BasisNumerals,
                no_prefix: kind == NoiseKind::BasisPrefix,
            };
            f.basis = basis_text(&f.refs, style);
            after = f.basis.clone();
        }
    }
    format!("仅格式不同：{after} / 标准 {before}")
}

fn measure_cells(m: Option<Measures>) -> [String; 7] {
    match m {
        None => Default::default(),
        Some(m) => [
            m.steps.to_string(),
            m.stamps.to_string(),
            m.materials.to_string(),
            m.committed_days.map(|d| d.to_string()).unwrap_or_default(),
            m.visits.to_string(),
            m.intermediaries.to_string(),
            m.charged.to_string(),
        ],
    }
}

fn push_change(
    buf: &mut Vec<u8>,
    jur: &str,
    old: Option<&Form>,
    new: Option<&Form>,
    reworded: u32,
) {
    let status = match (old, new) {
        (Some(_), None) => "removed",
        (None, _) => "added",
        (Some(a), Some(b)) if a.code != b.code => "recoded",
        (Some(a), Some(b)) if a != b => "changed",
        _ => "unchanged",
    };
    let key = |f: &Form| if f.code.is_empty() { f.name.clone() } else { f.code.clone() };
    let item = old.or(new).map(key).unwrap_or_default();
    let before = measure_cells(old.map(Form::measures));
    let after = measure_cells(new.map(Form::measures));
    let mut cells: Vec<String> = vec![
        jur.to_string(),
        item,
        status.to_string(),
        old.map(|f| f.code.clone()).unwrap_or_default(),
        new.map(|f| f.code.clone()).unwrap_or_default(),
    ];
    for k in 0..7 {
        cells.push(before[k].clone());
        cells.push(after[k].clone());
    }
    cells.push(reworded.to_string());
    push_record(buf, &cells);
}

/// Renders one jurisdiction: version 1 and 2 rows, truth and changes. With `real`
/// (`gen --realistic`) the rows are written in the shapes it planned, and those are recorded too.
pub(crate) fn render_jur(
    idx: usize,
    jurs: &[Jur],
    std: &Standard,
    plan: &Plan,
    seed: u64,
    real: Option<&RealPlan>,
) -> JurOut {
    let jur = &jurs[idx];
    let jp = &plan.jurs[idx];
    let lvl = level_index(jur.level);
    let mut out = JurOut::default();
    for t in [&mut out.v1, &mut out.v2] {
        t.crlf = real.is_some();
        t.platform_columns = real.is_some();
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut truth = |v2: bool,
                     fault: bool,
                     item: &str,
                     field: &'static str,
                     detail: String,
                     class: &'static str,
                     row: Option<&Form>| {
        out.truth.push(Truth {
            v2,
            fault,
            jurisdiction: jur.code.clone(),
            item: item.to_string(),
            field,
            detail,
            class,
            row: row.map(|f| (f.code.clone(), f.name.clone())),
        });
    };
    // Version 2 of a standard item: its simplified form (faulty items are never removed).
    let v2_of = |item: usize| -> (Option<Form>, u32) {
        plan.v2.get(item).map(|(f, _, n)| (f.clone(), *n)).unwrap_or((None, 0))
    };
    for &item in &std.by_level[lvl] {
        let base = &std.forms[item];
        let (v2_base, reworded) = v2_of(item);
        let it = Some(item);
        if let Some(fault) = jp.faults.get(&item) {
            let field = fault.kind.field().as_str();
            let class = fault.kind.class();
            let kind = Some(fault.kind);
            let presence = match fault.kind {
                FaultKind::Missing => Some(format!("缺少标准目录要求的事项：{}", base.name)),
                FaultKind::CountyLacks => {
                    Some(format!("上级县（区）{} 未实施该事项：{}", jur.parent, base.name))
                }
                FaultKind::WrongLevel => continue,
                _ => None,
            };
            if let Some(detail) = presence {
                let row = (fault.kind == FaultKind::CountyLacks).then_some(base);
                truth(false, true, &base.code, field, detail.clone(), class, row);
                truth(true, true, &base.code, field, detail, class, row);
                if fault.kind == FaultKind::CountyLacks {
                    rows.push(Row {
                        form: base.clone(),
                        v2: v2_base,
                        reworded,
                        dup: false,
                        item: it,
                        fault: kind,
                    });
                }
                continue;
            }
            // The same fault, drawn from the same numbers, on both versions of the item.
            let rng_seed = seed ^ ((idx as u64) << 32) ^ item as u64 ^ 0x6661_756c;
            let alt = fault.alt_code.as_deref();
            let mut form = base.clone();
            let detail =
                apply_fault(fault.kind, &mut form, alt, &mut ChaCha8Rng::seed_from_u64(rng_seed));
            truth(false, true, &base.code, field, detail, class, Some(&form));
            let v2 = v2_base.map(|mut f| {
                let detail =
                    apply_fault(fault.kind, &mut f, alt, &mut ChaCha8Rng::seed_from_u64(rng_seed));
                truth(true, true, &base.code, field, detail, class, Some(&f));
                f
            });
            let dup = fault.kind == FaultKind::DuplicateCode;
            if dup {
                rows.push(Row {
                    form: form.clone(),
                    v2: v2.clone(),
                    reworded,
                    dup: false,
                    item: it,
                    fault: kind,
                });
            }
            rows.push(Row { form, v2, reworded, dup, item: it, fault: kind });
        } else if let Some(kind) = jp.noise.get(&item) {
            // Noise is recorded for version 1 only: version 2 keeps the same spelling habit,
            // but its simplified values are not compared with the standard's.
            let mut form = base.clone();
            let detail = apply_noise(*kind, &mut form);
            let field = kind.field().as_str();
            truth(false, false, &base.code, field, detail, kind.class(), Some(&form));
            let v2 = v2_base.map(|mut f| {
                apply_noise(*kind, &mut f);
                f
            });
            rows.push(Row { form, v2, reworded, dup: false, item: it, fault: None });
        } else {
            rows.push(Row {
                form: base.clone(),
                v2: v2_base,
                reworded,
                dup: false,
                item: it,
                fault: None,
            });
        }
    }
    for added in &jp.added {
        let (form, v2, reworded, detail, item, kind) = match *added {
            Added::WrongLevel(item) => {
                let form = std.forms[item].clone();
                let (v2, reworded) = v2_of(item);
                let detail = format!(
                    "标准目录行使层级为 {}，{}级不应实施：{}",
                    form.levels,
                    jur.level.zh(),
                    form.name
                );
                (form, v2, reworded, detail, Some(item), FaultKind::WrongLevel)
            }
            Added::Unknown(u) => {
                let form = plan.unknown_forms[u].clone();
                let detail = format!("标准目录中没有该事项：{}", form.name);
                (form.clone(), Some(form), 0, detail, None, FaultKind::Unknown)
            }
        };
        let class = kind.class();
        truth(false, true, &form.code, "presence", detail.clone(), class, Some(&form));
        truth(true, true, &form.code, "presence", detail, class, Some(&form));
        rows.push(Row { form, v2, reworded, dup: false, item, fault: Some(kind) });
    }

    // The category elements of rows without another fault: a planned fault (on both versions),
    // or at the noise rate a respelling (recorded for version 1 only, as the other noise).
    for row in rows.iter_mut().filter(|r| !r.dup && r.fault.is_none()) {
        let Some(item) = row.item else { continue };
        if real.is_some_and(|r| r.codeless(idx, item)) {
            continue;
        }
        let code = &std.forms[item].code;
        let h = elements::row_hash(seed, &jur.code, code);
        let field = Field::Elements.as_str();
        if let Some(kind) = jp.element_faults.get(&item) {
            let detail = kind.apply(&mut row.form.elements, h);
            truth(false, true, code, field, detail, kind.class(), Some(&row.form));
            if let Some(f) = row.v2.as_mut() {
                let detail = kind.apply(&mut f.elements, h);
                truth(true, true, code, field, detail, kind.class(), Some(f));
            }
        } else if ((h >> 40) as f64 / (1u64 << 24) as f64) < plan.element_noise {
            if let Some(detail) = elements::respell(&mut row.form.elements, h) {
                truth(false, false, code, field, detail, "element-spelling", Some(&row.form));
                if let Some(f) = row.v2.as_mut() {
                    f.elements.style = row.form.elements.style;
                }
            }
        }
    }

    // Both versions of every row, and the rows only version 2 has.
    let level_word = ["市级", "县级", "镇级"][lvl];
    for row in &rows {
        let f = &row.form;
        match real {
            None => out.v1.push(&jur.code, &department(jur, f), &impl_code(jur, f), f, !row.dup),
            Some(r) => {
                let at = RowAt { jur_index: idx, jur, item: row.item, fault: row.fault };
                r.push_row(&at, f, !row.dup, &mut out.v1, Some(&mut out.truth));
            }
        }
        if let Some(f) = &row.v2 {
            match real {
                None => {
                    out.v2.push(&jur.code, &department(jur, f), &impl_code(jur, f), f, !row.dup)
                }
                Some(r) => {
                    let at = RowAt { jur_index: idx, jur, item: row.item, fault: row.fault };
                    r.push_row(&at, f, !row.dup, &mut out.v2, None);
                }
            }
        }
        let reworded = if row.v2.is_some() { row.reworded } else { 0 };
        push_change(&mut out.changes, &jur.code, Some(&row.form), row.v2.as_ref(), reworded);
    }
    for f in plan.v2_added.iter().filter(|f| f.levels.contains(level_word)) {
        match real {
            None => out.v2.push(&jur.code, &department(jur, f), &impl_code(jur, f), f, true),
            Some(r) => {
                let at = RowAt { jur_index: idx, jur, item: None, fault: None };
                r.push_row(&at, f, true, &mut out.v2, None);
            }
        }
        push_change(&mut out.changes, &jur.code, None, Some(f), 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_carry_division_and_valid_check_character() {
        let c = credit_code("450102", 3);
        assert_eq!(c.len(), 18);
        assert_eq!(&c[2..8], "450102");
        // GB 32100 check: the weighted sum of all 18 characters is 0 mod 31.
        const CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        let v = |b: u8| CHARSET.iter().position(|x| *x == b).unwrap() as u32;
        let sum: u32 =
            c.bytes().zip(WEIGHTS).map(|(b, w)| v(b) * w).sum::<u32>() + v(c.as_bytes()[17]);
        assert_eq!(sum % 31, 0, "{c}");
    }

    #[test]
    fn records_are_quoted_only_when_needed() {
        let mut b = Vec::new();
        push_record(&mut b, &["a", "b,c", "d\"e", "食品"]);
        assert_eq!(String::from_utf8(b).unwrap(), "a,\"b,c\",\"d\"\"e\",食品\n");
    }
}
