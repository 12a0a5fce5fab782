//! Code rules (同一事项、同一编码): malformed codes, TT digits against 事项类型, duplicates within a
//! list, one code for different items, a missing or different code for the same item, and
//! implementation codes that contradict their row.

use crate::model::{
    Category, CodeReason, Detail, Field, ImplProblem, Item, Level, Score, Severity, Str,
};
use crate::value::code::{
    BaseCodeError, CategoryRule, Code, CodeLayouts, ImplCode, Layout, Region,
};

use super::{Rule, Sink, Source, Subject};

/// QD102.
pub static CODE_MALFORMED: Rule = Rule {
    id: "QD102",
    name: "code-malformed",
    severity: Severity::Error,
    field: Some(Field::Code),
    enabled: true,
    doc: "事项编码格式错误 / The item code is malformed.

## What it does
A base code (基本编码) must fit one of the layouts of its region after normalisation (NFKC,
whitespace removed, letters upper-cased, every dash a `-`). Nationally (GB/T 39554.1-2020) it has
12 characters PP TT DD MMM SSS, digits or (local codes) capital letters; Zhejiang writes
`类别-5位主项-3位子项[-2位办理项]` with a category word of its table (许可-00077-008-01); Sichuan 12
or 14 characters (511A0138000000). Anything else is reported with the reason each layout gave;
the item is then matched to its group by name.

## Why it matters
同一编码: the code is the key that joins the same item across jurisdictions; a malformed code
cuts the item off from the catalogue.

## Example
本县：45010100100（11位） → 报告。　本县：４５０１０１００１０００（全角） → 不报告。
温州：许可-00077-025－01（全角连接号）、 奖励-00008-000（前导空格） → 不报告。

## Configuration
The layouts and the region of each row: `rules/codes.toml` (`[[base_layout]]`, `[regions.*]`,
`region`); `[rules.QD102] enabled, severity`.
",
};

/// QD103.
pub static CODE_CATEGORY_MISMATCH: Rule = Rule {
    id: "QD103",
    name: "code-category-mismatch",
    severity: Severity::Error,
    field: None,
    enabled: true,
    doc: "事项编码的类型位与事项类型不符 / The code's TT digits disagree with 事项类型.

## What it does
The category key of a base code names the category, read in the table of the row's region
(`rules/codes.toml`). Nationally it is characters 3–4 (TT): 01 许可, 02 处罚, 03 强制, 04 征收,
05 给付, 06 检查, 07 确认, 08 奖励, 09 裁决, 10 其他行政权力, 20 公共服务; Guangdong writes 20
for 其他行政权力 and 21 for 公共服务; Zhejiang a word (许可, 处罚, …, 其他); Sichuan a digit and a
letter (1A 许可, 1Z 其他, 2x 公共服务). It must agree with the row's 事项类型. Keys the table marks
`any` (Zhejiang's 审核转报 and 联办事项, Liaoning's 99) name no category and are not checked. When
the code is the item's own (the standard's, or the peers') and its key agrees with the item's
reference category, the finding is about the category (field `category`); otherwise about the
code (field `code`).

## Why it matters
同一编码、同一标准: a code whose type digits contradict the category is either the wrong code or
the wrong category.

## Example
编码 450201001000（02 处罚），事项类型 行政许可 → 报告。
广东：编码 442011001000（20 其他行政权力），事项类型 其他行政权力 → 不报告。

## Configuration
The tables: `[regions.*.categories]` in `rules/codes.toml`; `[rules.QD103] enabled, severity`.
",
};

/// QD104.
pub static DUPLICATE_CODE_IN_LIST: Rule = Rule {
    id: "QD104",
    name: "duplicate-code-in-list",
    severity: Severity::Error,
    field: Some(Field::Code),
    enabled: true,
    doc: "同一清单中事项编码重复 / The same code appears twice in one list.

## What it does
Within one jurisdiction's list, two rows carrying the same normalised code. When one of them is,
by its name, another item, the finding is about that item (the one that carries the wrong code).

## Why it matters
同一事项、同一编码: one code, one item; a duplicate makes one of the two unreachable in the
regional system.

## Example
兴宁区：450101001000 食品经营许可；450101001000 药品零售许可 → 报告（后者应使用自己的编码）。

## Configuration
`[rules.QD104] enabled, severity`.
",
};

/// QD109.
pub static HANDLING_ITEM_NUMBERED_DIFFERENTLY: Rule = Rule {
    id: "QD109",
    name: "handling-item-numbered-differently",
    severity: Severity::Warning,
    field: Some(Field::Code),
    enabled: true,
    doc: "同一办理项在不同实施主体中编号不一致 / Two bodies number the same 办理项 differently.

## What it does
Within one jurisdiction's list, several bodies implementing one item (a city bureau and its
开发区 branch) each list its 业务办理项: the number a 33-character implementation code ends with,
and the name's bracketed end (食品经营许可（新办）). When two bodies give the same 办理项 (by name)
different numbers, the rows of the body whose numbering differs from the first body's (by the
department's name) are reported, naming the number the other body gives.

## Why it matters
同一事项、同一编码 holds for 办理项 too: the platform joins one application across bodies by its
办理项 number; the same 办理项 under two numbers is two items in the regional statistics (a real
city list numbered the same 18 办理项 differently in two bodies).

## Example
南宁市市场监督管理局 食品经营许可（新办） …01；南宁高新区市场监督管理局 食品经营许可（新办） …02 → 报告
（应与…01一致）。

## Configuration
`[rules.QD109] enabled, severity`.
",
};

/// QD105.
pub static CODE_SHARED_BY_DIFFERENT_ITEMS: Rule = Rule {
    id: "QD105",
    name: "code-shared-by-different-items",
    severity: Severity::Error,
    field: Some(Field::Code),
    enabled: true,
    doc: "同一编码用于不同事项 / One code is used for different items.

## What it does
An item joined to its reference by code whose name is far from the reference's name (similarity
below `[matching] different-item-similarity`) and matches no other item: the code is being used
for a different item.

## Why it matters
同一编码: one code must mean one item everywhere, or the region's statistics and the citizens'
searches join unrelated powers.

## Example
标准：450101001000 食品经营许可　本县：450101001000 殡葬设施建设审批 → 报告。

## Configuration
`[matching] different-item-similarity`; `[rules.QD105] enabled, severity`.
",
};

/// QD106.
pub static CODE_MISSING: Rule = Rule {
    id: "QD106",
    name: "code-missing",
    severity: Severity::Error,
    field: Some(Field::Code),
    enabled: true,
    doc: "事项缺少编码（按名称匹配到标准事项） / The row has no code; matched by name.

## What it does
A row without 事项编码 is matched by name (Jaro–Winkler, candidates sharing bigrams within the
same category). The finding names the code the item should carry and the
similarity.

## Why it matters
同一编码: without a code the item cannot be joined to the catalogue or to its peers.

## Example
本县：事项编码为空，名称“食品经营许可” → 报告：应为 450101001000（相似度1.00）。

## Configuration
`[matching] name-similarity, max-candidates`; `[rules.QD106] enabled, severity`.
",
};

/// QD107.
pub static ITEM_UNDER_DIFFERENT_CODE: Rule = Rule {
    id: "QD107",
    name: "item-under-different-code",
    severity: Severity::Error,
    field: Some(Field::Code),
    enabled: true,
    doc: "同一事项使用了不同的编码 / The item carries another code than the standard's (or the peers').

## What it does
A row whose code is unknown, malformed, or belongs to another item, but whose name matches an
item of the standard (or of the peers, who mostly carry another code), is reported with the code
it should carry and the similarity of the names.

## Why it matters
同一事项、同一编码: the same item must carry the same code in every jurisdiction.

## Example
标准：450101001000 食品经营许可　本县：450101001009 食品经营许可 → 报告：应为 450101001000。

## Configuration
`[matching] name-similarity`; `[rules.QD107] enabled, severity`.
",
};

/// QD108.
pub static IMPLEMENTATION_CODE_MISMATCH: Rule = Rule {
    id: "QD108",
    name: "implementation-code-mismatch",
    severity: Severity::Error,
    field: Some(Field::Code),
    enabled: true,
    doc: "实施编码与本行不符 / The implementation code contradicts its row.

## What it does
An implementation code must fit one of the layouts of `rules/codes.toml`: Guangxi's 31 characters
are the body's 18-character credit code, a level digit (2 省, 3 市, 4 县, 5 乡镇) and the
12-character base code, or 33 with a 2-digit 业务办理项 number; Sichuan's is dash-separated with the
body's division. It must embed the row's base code (when that is well formed) and the level of the
row's jurisdiction and, unless the body is a placeholder (credit code starting with TE), a
division code (credit characters 3–8, or the layout's division) inside the row's jurisdiction.
Codes fitting no layout are reported with each layout's reason.

Silent on bodies that legitimately sit outside the row's division (`rules/bodies.toml`):
vertically managed national bodies (海关, 国家安全局, 税务局, 气象局, …, or a credit division
100000) and functional zones (开发区, 高新区, 空港经济区, 新区, 保税区): for them the division is
not checked; a wrong base code or level digit is still reported.

## Why it matters
同一编码、上下对应: the implementation code is what the regional system files a case under; a code
of another level or another county files it in the wrong place.

## Example
兴宁区（450102，县级）：实施编码 11450102MB1234567X 3 450101001000 → 报告（层级位3为市级）。
兴宁区：南宁海关 12100000000012345X 4 450101001000 → 不报告（海关垂直管理）。

## Configuration
Layouts: `[[layout]]` in `rules/codes.toml`; bodies: `rules/bodies.toml`;
`[rules.QD108] enabled, severity`.
",
};

/// The checks of a row's own code(s), needing no reference: malformed, category key against
/// category, and the implementation code against the row. The base code is read by the layouts
/// and category table of the row's region (`rules/codes.toml`). `reference_category` is the
/// category of the item the row joined by its code: when the code's category key agrees with
/// it, the row's category is what is wrong and the finding is about the category, not the code.
pub fn within(
    sink: &mut Sink,
    item: &Item,
    subject: &Subject,
    level: Option<Level>,
    reference_category: Option<Category>,
    layouts: &CodeLayouts,
) {
    let code = &item.code;
    let region = layouts.region_for(&item.jurisdiction);
    let mut key: Option<&str> = None;
    let mut well_formed = false;
    if let (false, Some(region)) = (code.is_empty(), region) {
        match layouts.read_base(region, &code.norm) {
            Ok(parts) => (key, well_formed) = (parts.category, true),
            Err(e) => malformed(sink, code, subject, region, layouts, &e),
        }
    }
    if let (Some(key), Some(cat), Some(region)) = (key, item.category, region) {
        let rule = region.category(key);
        if rule != Some(CategoryRule::Any) && rule != Some(CategoryRule::Is(cat)) {
            category_mismatch(sink, code, subject, region, key, cat, rule, reference_category);
        }
    }
    if let (Some(implementation), Some(level)) = (&item.implementation_code, level) {
        let base = well_formed.then_some(&*code.norm);
        implementation_code(sink, item, implementation, subject, level, base, layouts);
    }
}

/// QD102: the code fits none of its region's base-code layouts.
fn malformed(
    sink: &mut Sink,
    code: &Code,
    subject: &Subject,
    region: &Region,
    layouts: &CodeLayouts,
    error: &BaseCodeError,
) {
    let names: Vec<&Layout> = region
        .base_layouts
        .iter()
        .filter_map(|n| layouts.base_layouts.iter().find(|l| &l.name == n))
        .collect();
    let expected: Vec<&str> = names
        .iter()
        .map(|l| if l.description.is_empty() { l.name.as_str() } else { l.description.as_str() })
        .collect();
    // Under the national layout alone the 12-character problem says it best (事项编码应为12位).
    let national_only = names.len() == 1 && names[0].name == "national";
    let reason = match code.validate() {
        Err(problem) if national_only => CodeReason::National(problem),
        _ => CodeReason::Base(error.clone()),
    };
    sink.emit(
        &CODE_MALFORMED,
        None,
        subject,
        Some(expected.join("或")),
        Some(code.raw.trim().to_string()),
        Detail::CodeMalformed { reason },
    );
}

/// QD103: the code's category key names another category than the row's (or none).
#[allow(clippy::too_many_arguments)]
fn category_mismatch(
    sink: &mut Sink,
    code: &Code,
    subject: &Subject,
    region: &Region,
    key: &str,
    cat: Category,
    rule: Option<CategoryRule>,
    reference_category: Option<Category>,
) {
    let named = match rule {
        Some(CategoryRule::Is(c)) => c.zh(),
        _ => "未知类型",
    };
    let own_key = region.key_of(cat).unwrap_or(cat.code());
    if reference_category.is_some_and(|r| rule == Some(CategoryRule::Is(r))) {
        // The code is the item's own and agrees with its reference: the category is wrong.
        sink.emit(
            &CODE_CATEGORY_MISMATCH,
            Some(Field::Category),
            subject,
            Some(named.to_string()),
            Some(cat.zh().to_string()),
            Detail::CodeCategory {
                code: code.norm.to_string(),
                key: key.to_string(),
                named: match rule {
                    Some(CategoryRule::Is(c)) => Some(c),
                    _ => None,
                },
                category: cat,
                own_key: own_key.to_string(),
                category_wrong: true,
            },
        );
    } else {
        sink.emit(
            &CODE_CATEGORY_MISMATCH,
            Some(Field::Code),
            subject,
            Some(format!("{own_key}（{}）", cat.zh())),
            Some(format!("{key}（{named}）")),
            Detail::CodeCategory {
                code: code.norm.to_string(),
                key: key.to_string(),
                named: match rule {
                    Some(CategoryRule::Is(c)) => Some(c),
                    _ => None,
                },
                category: cat,
                own_key: own_key.to_string(),
                category_wrong: false,
            },
        );
    }
}

/// The parts of an implementation code that the rules read, borrowed from its normalised text:
/// what `CodeLayouts::parse` gives when a layout fits, without its owned strings.
struct ImplParts<'a> {
    base: &'a str,
    level: u8,
    division: Option<&'a str>,
}

/// `CodeLayouts::parse` on a code already normalised (`Code::norm` is `normalize_code` of the
/// raw text), borrowing the parts; `None` when no layout fits (the caller then asks
/// `CodeLayouts::parse` for the reasons).
fn parse_normalised<'a>(layouts: &CodeLayouts, code: &'a str) -> Option<ImplParts<'a>> {
    let (layout, parts) = layouts.fit_implementation(code)?;
    Some(ImplParts {
        base: parts.field(layout, "base").unwrap_or(""),
        level: parts.field(layout, "level").and_then(|l| l.parse().ok()).unwrap_or(0),
        division: layouts.division(layout, &parts),
    })
}

/// QD108 on `implementation`; `base` is the row's base code when it is well formed.
#[allow(clippy::too_many_arguments)]
fn implementation_code(
    sink: &mut Sink,
    item: &Item,
    implementation: &Code,
    subject: &Subject,
    level: Level,
    base: Option<&str>,
    layouts: &CodeLayouts,
) {
    let raw: &str = &implementation.raw;
    // A non-empty normal form has a character that is not whitespace, so the raw text is not
    // blank either: the raw text is only read when the normal form is empty.
    if implementation.norm.is_empty() && raw.trim().is_empty() {
        return;
    }
    let mut problems = Vec::new();
    // Most codes fit a layout: their parts are read borrowed from the normal form; only a code
    // fitting none goes through `CodeLayouts::parse`, for the reasons it gives.
    let owned: ImplCode;
    let parsed = match parse_normalised(layouts, &implementation.norm) {
        Some(parts) => Ok(parts),
        None => match layouts.parse(raw) {
            Ok((code, _)) => {
                owned = code;
                Ok(ImplParts {
                    base: &owned.base,
                    level: owned.level,
                    division: owned.division.as_deref(),
                })
            }
            Err(e) => Err(e),
        },
    };
    match parsed {
        Err(e) => problems.push(ImplProblem::Unreadable(e)),
        Ok(parsed) => {
            if let Some(base) = base.filter(|b| parsed.base != *b) {
                problems.push(ImplProblem::Base {
                    embedded: parsed.base.to_string(),
                    row: base.to_string(),
                });
            }
            let want = level.digit();
            if parsed.level != 0 && parsed.level != want {
                problems.push(ImplProblem::Level { digit: parsed.level, level });
            }
            if let Some(division) = &parsed.division {
                // Vertically managed bodies and functional zones (rules/bodies.toml) may sit
                // outside the row's division.
                if !division_inside(division, &item.jurisdiction)
                    && !layouts.bodies.may_be_outside(&item.department.norm, Some(division))
                {
                    problems.push(ImplProblem::Division {
                        division: division.to_string(),
                        jurisdiction: item.jurisdiction.clone(),
                    });
                }
            }
        }
    }
    if problems.is_empty() {
        return;
    }
    let shown = raw.trim();
    sink.emit(
        &IMPLEMENTATION_CODE_MISMATCH,
        None,
        subject,
        None,
        Some(shown.to_string()),
        Detail::Implementation { problems },
    );
}

/// True when a body's division code (6 or 9 digits) lies inside jurisdiction `jurisdiction`: a
/// town's bodies may carry their county's code, a city's any code of the city.
fn division_inside(division: &str, jurisdiction: &str) -> bool {
    if division.len() < 6 || !division.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let six = jurisdiction.get(..6).unwrap_or(jurisdiction);
    let mut prefix = six;
    while prefix.len() > 2 && prefix.ends_with("00") {
        prefix = prefix.get(..prefix.len() - 2).unwrap_or(prefix);
    }
    division.starts_with(prefix)
        && (jurisdiction.starts_with(division)
            || division.len() == 6
            || division.starts_with(jurisdiction))
}

/// One of the rows of a list that carry the same code, as QD104 reads it.
pub struct CodeRow<'a> {
    /// The group (reference item) the row was matched to, its key and name.
    pub group: usize,
    pub key: &'a Str,
    pub name: &'a Str,
    /// The group is one 业务办理项 of a code the standard splits.
    pub variant: bool,
    /// The 办理项 the row names of its own (a 33-character implementation code's number, or the
    /// bracketed end of its name).
    pub tag: Option<String>,
    /// The 办理项 number of a 33-character implementation code, and the bracketed end of the
    /// name, each where written.
    pub number: Option<String>,
    pub variant_name: Option<String>,
    /// The implementing body, normalised.
    pub department: &'a str,
    /// The row's 实施编码, normalised, where given.
    pub implementation: Option<&'a str>,
    /// The row's name as written.
    pub row_name: &'a str,
}

/// QD104 for the rows of `jurisdiction`'s list carrying `code` (two or more): not a duplicate
/// when the rows are the standard's different 办理项 (each once), name 办理项 of their own, or
/// are different bodies of the division implementing the item; otherwise reported on the rows
/// that, by name, are another item (they carry the wrong code), or once on the code when all
/// rows are the same item.
pub fn duplicates(sink: &mut Sink, jurisdiction: &Str, code: &str, rows: &[CodeRow]) {
    let count = rows.len();
    let mut groups: Vec<usize> = rows.iter().map(|r| r.group).collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.len() == count && rows.iter().all(|r| r.variant) {
        return;
    }
    // Several bodies each numbering their 办理项: their numbers must agree (QD109).
    let several_bodies = {
        let mut b: Vec<&str> = rows.iter().map(|r| r.department).collect();
        b.sort_unstable();
        b.dedup();
        b.len() > 1 && !b.iter().any(|b| b.is_empty())
    };
    if several_bodies && numbered_alike(sink, jurisdiction, rows) {
        return;
    }
    if rows.iter().all(|r| r.tag.is_some()) {
        let mut tags: Vec<&str> = rows.iter().filter_map(|r| r.tag.as_deref()).collect();
        tags.sort_unstable();
        tags.dedup();
        if tags.len() == count {
            return;
        }
    }
    if item_with_its_handling_items(rows) {
        return;
    }
    let mut bodies: Vec<&str> = rows.iter().map(|r| r.department).collect();
    bodies.sort_unstable();
    bodies.dedup();
    if bodies.len() == count && !bodies.iter().any(|b| b.is_empty()) {
        return;
    }
    if bodies.len() > 1
        && !bodies.iter().any(|b| b.is_empty())
        && numbered_alike(sink, jurisdiction, rows)
    {
        return;
    }
    let moved: Vec<&CodeRow> = rows.iter().filter(|r| &**r.key != code).collect();
    let report_on = if moved.is_empty() { vec![&rows[0]] } else { moved };
    for r in report_on {
        let subj = Subject {
            jurisdiction: Some(jurisdiction),
            item: Some(r.key),
            item_name: Some(r.name),
        };
        duplicate(sink, &subj, code, r.row_name, count);
    }
}

/// The item itself (a 子项 record without a 办理项 of its own) listed beside its 业务办理项, each
/// once: a platform's 子项 record and its 办理项 records, not a duplicate. Each 办理项 row's
/// 33-character implementation code must extend the item row's (the 实施编码 plus the 办理项's
/// two digits) and come from the same body (shared/data/real/guangxi-lingshan-task-sample:
/// 000141005000 as 在宗教活动场所内改建或者新建建筑物审批 with task_code …000141005000 and its
/// 办理项 01 and 02 with ywcode …00014100500001, …02).
fn item_with_its_handling_items(rows: &[CodeRow]) -> bool {
    let mut own = rows.iter().filter(|r| r.number.is_none());
    let (Some(item), None) = (own.next(), own.next()) else { return false };
    let Some(base) = item.implementation.filter(|c| !c.is_empty()) else { return false };
    let mut numbers: Vec<&str> = Vec::with_capacity(rows.len());
    for r in rows.iter().filter(|r| r.number.is_some()) {
        let extends =
            r.implementation.is_some_and(|c| c.len() == base.len() + 2 && c.starts_with(base));
        if !extends || r.department != item.department {
            return false;
        }
        numbers.extend(r.number.as_deref());
    }
    let n = numbers.len();
    numbers.sort_unstable();
    numbers.dedup();
    n > 0 && numbers.len() == n
}

/// Rows of several bodies sharing a code, each naming its 办理项 (number and name): not a
/// duplicate. Reports QD109 where two bodies give one 办理项 name different numbers; true when
/// every row names its 办理项 and each body lists each name once.
fn numbered_alike(sink: &mut Sink, jurisdiction: &Str, rows: &[CodeRow]) -> bool {
    let mut named: Vec<(&str, &str, &str, &CodeRow)> = Vec::with_capacity(rows.len());
    for r in rows {
        let (Some(number), Some(name)) = (r.number.as_deref(), r.variant_name.as_deref()) else {
            return false;
        };
        named.push((r.department, name, number, r));
    }
    named.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    if named.windows(2).any(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1) {
        return false;
    }
    // The first body (by department) gives each name its number; the others are held to it.
    let first = named[0].0;
    let numbers: rustc_hash::FxHashMap<&str, &str> =
        named.iter().filter(|n| n.0 == first).map(|n| (n.1, n.2)).collect();
    for (department, name, number, r) in &named {
        if *department == first {
            continue;
        }
        if let Some(&want) = numbers.get(name).filter(|&&want| want != *number) {
            let subj = Subject {
                jurisdiction: Some(jurisdiction),
                item: Some(r.key),
                item_name: Some(r.name),
            };
            sink.emit(
                &HANDLING_ITEM_NUMBERED_DIFFERENTLY,
                None,
                &subj,
                Some(want.to_string()),
                Some(number.to_string()),
                Detail::HandlingNumber {
                    name: name.to_string(),
                    own: department.to_string(),
                    body: first.to_string(),
                },
            );
        }
    }
    true
}

/// QD104: `code` appears `count` times in the subject's list.
pub fn duplicate(sink: &mut Sink, subject: &Subject, code: &str, row_name: &str, count: usize) {
    sink.emit(
        &DUPLICATE_CODE_IN_LIST,
        None,
        subject,
        subject.item.as_ref().map(|s| s.to_string()),
        Some(code.to_string()),
        Detail::Duplicate { row_name: row_name.trim().to_string(), count },
    );
}

/// QD105: the row carries the reference's code but is, by its name, a different item.
pub fn shared(
    sink: &mut Sink,
    subject: &Subject,
    code: &str,
    row_name: &str,
    ref_name: &str,
    sim: f64,
) {
    sink.emit(
        &CODE_SHARED_BY_DIFFERENT_ITEMS,
        None,
        subject,
        Some(ref_name.to_string()),
        Some(row_name.trim().to_string()),
        Detail::SharedCode { code: code.to_string(), score: Score(sim) },
    );
}

/// QD106 (no code) or QD107 (another code): the row matched its item by name with `sim`; it
/// should carry `expected`.
pub fn should_carry(
    sink: &mut Sink,
    subject: &Subject,
    row_code: &str,
    row_name: &str,
    sim: f64,
    source: Source,
) {
    let expected = subject.item.map(|s| &**s).unwrap_or("").to_string();
    if row_code.is_empty() {
        sink.emit(
            &CODE_MISSING,
            None,
            subject,
            Some(expected.clone()),
            None,
            Detail::ShouldCarry {
                row_name: row_name.trim().to_string(),
                score: Score(sim),
                source,
            },
        );
    } else {
        sink.emit(
            &ITEM_UNDER_DIFFERENT_CODE,
            None,
            subject,
            Some(expected.clone()),
            Some(row_code.to_string()),
            Detail::ShouldCarry {
                row_name: row_name.trim().to_string(),
                score: Score(sim),
                source,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The borrowed parse reads the same parts as `CodeLayouts::parse`, and fits exactly the
    /// codes it fits, on both built-in layouts and on codes that fit neither.
    #[test]
    fn borrowed_parse_agrees_with_layouts() {
        let layouts = CodeLayouts::builtin();
        let codes = [
            "11450102MB1234567X4450101001000",
            "11450102mb1234567x 4 450101001000",
            "TE450102MB1234567X5450101001000",
            "11450102MB1234567X44501010010",
            "11450102MB1234567X4450101001000X",
            "450101001000-450102000000-000-11450102MB1234567X-1-01",
            "45010100100012-450102101000-000-11450102MB1234567X-1-01",
            "450101001000-450102000000-000-11450102MB1234567X-1",
            "450101001000－450102000000－000－11450102MB1234567X－1－01",
            "450101001000-45010200000A-000-11450102MB1234567X-1-01",
            "１１450102MB1234567X4450101001000",
            "11450102MB1234567X4450101001事项",
            "-",
            "",
        ];
        for raw in codes {
            let code = Code::parse(raw.into());
            let borrowed = parse_normalised(layouts, &code.norm)
                .map(|p| (p.base.to_string(), p.level, p.division.map(str::to_string)));
            let owned = layouts.parse(raw).ok().map(|(c, _)| (c.base, c.level, c.division));
            assert_eq!(borrowed, owned, "{raw}");
        }
        assert!(parse_normalised(layouts, "11450102MB1234567X4450101001000").is_some());
    }

    #[test]
    fn divisions() {
        assert!(division_inside("450102", "450102"));
        assert!(division_inside("450102", "450102001"));
        assert!(division_inside("450103", "450100"));
        assert!(!division_inside("450103", "450102"));
        assert!(!division_inside("", "450102"));
        assert!(division_inside("450102001", "450102001"));
        assert!(!division_inside("450102002", "450102001"));
    }
}
