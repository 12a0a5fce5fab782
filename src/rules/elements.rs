//! The categories' own elements (rules/categories.toml): each compared with the reference by its
//! grammar's notion of equal (a set as a set, bands by their amounts, a ratio or a frequency as
//! a number), the higher-is-worse ones (a kind added, a band above, more often, a larger share)
//! by rules of their own; and, within one row, required elements left empty, set members outside
//! the law's list, 强制种类 that do not fit the 强制类型, a 审批结果名称 contradicting its 审批结果类型.

use super::categories::{Categories, ElementDef};
use super::{Cmp, Rule, Sink, Subject};
use crate::model::{Detail, Element, ElementValue, Field, Item, Severity, Str};
use crate::value::element::AmountUnit;

pub static ELEMENT_DIFFERS: Rule = Rule {
    id: "QD801",
    name: "element-differs-from-reference",
    severity: Severity::Warning,
    field: Some(Field::Elements),
    enabled: true,
    doc: "事项类型的要素与标准目录（或同级多数）不一致 / A category element (处罚种类, 检查方式, 征收标准, …) differs from the reference's.
## What it does
Compares each element of rules/categories.toml that both the row and its reference (the standard's
item, or without `--standard` the peers' consensus or the parent's list) fill, by the element's
grammar: a `set` as a set of the vocabulary's members (order, separators, duplicates and synonyms do
not count), `amount-bands` by the bands' amounts (罚款二千元以上一万元以下 = 罚款2000-10000元), a
`ratio` and a `frequency` as numbers (3% = 百分之三, 每季度一次 = 4次/年), `text` in the normalised
form of names. A difference the higher-is-worse rules report (QD802–QD805) is not reported again here.
An element the row leaves empty is not compared (QD806 reports it where it is required).
## Why it matters
同一事项、同一标准: the implementation standard of each category (the founding work plan's
附件1–10) fixes these elements for every county; they are what differs from county to county.
## Example
标准 检查方式：现场检查、书面检查　本县：现场检查 → 报告。　本县：书面检查，现场检查 → 不报告。
## Configuration
rules/categories.toml (elements, grammar, vocabulary, synonyms); `[rules.QD801] enabled, severity`.
Sources: rules/categories.toml `sources` per category.",
};

pub static ELEMENT_ADDS_MEMBER: Rule = Rule {
    id: "QD802",
    name: "element-adds-member",
    severity: Severity::Error,
    field: Some(Field::Elements),
    enabled: true,
    doc: "要素多出标准目录没有的种类（如处罚种类） / A set element lists a member the reference does not (a 处罚种类 the standard does not give).
## What it does
For a `set` element (处罚种类, 强制种类, 检查方式, …) reports the members the row lists and its
reference does not, compared as vocabulary members (暂扣许可证 = 暂扣许可证件).
## Why it matters
过罚相当、法定: a county may not add a kind of penalty or coercion the standard (set by law: 行政处罚法
第九条, 行政强制法第九条、第十二条) does not give the item.
## Example
标准 处罚种类：警告、罚款　本县：警告、罚款、责令停产停业 → 报告“责令停产停业”。
## Configuration
`[rules.QD802] enabled, severity`. Source: 《中华人民共和国行政处罚法》第九条; 《行政强制法》第九条、第十二条.",
};

pub static AMOUNT_EXCEEDS_REFERENCE: Rule = Rule {
    id: "QD803",
    name: "penalty-range-exceeds-reference",
    severity: Severity::Error,
    field: Some(Field::Elements),
    enabled: true,
    doc: "处罚幅度（裁量基准）的最高额高于标准目录 / The highest amount of a 处罚幅度 (裁量基准) is above the reference's.
## What it does
For an `amount-bands` element reads every band's amounts (元, 万元, 千元 in Arabic or Chinese
numerals, ranges with - 至 到, 以上/以下/不超过; multiples 倍 apart) and reports a row whose highest
amount of a unit is above the reference's highest of that unit.
## Why it matters
过罚相当 and 规范行政处罚自由裁量权: a county's 裁量基准 may refine the standard's range, never widen it.
## Example
标准：罚款二千元以上一万元以下　本县：处2000-20000元罚款 → 报告。　本县：罚款2千元至1万元 → 不报告。
## Configuration
`[rules.QD803] enabled, severity`. Source: 行政处罚自由裁量基准 (rules/categories.toml, 行政处罚).",
};

pub static FREQUENCY_EXCEEDS_REFERENCE: Rule = Rule {
    id: "QD804",
    name: "inspection-more-frequent",
    severity: Severity::Warning,
    field: Some(Field::Elements),
    enabled: true,
    doc: "检查频次高于标准目录 / A 检查频次 is higher than the reference's.
## What it does
For a `frequency` element reads the times per year (2次/年, 每年两次, 每季度一次 = 4, 两年一次 = 0.5)
and reports a row that inspects more often than its reference.
## Why it matters
Inspections burden the inspected (《优化营商环境条例》第五十四条: 减少对市场主体正常生产经营活动的
干扰); a county inspecting more often than the standard adds that burden.
## Example
标准：每年1次　本县：每季度一次 → 报告。　本县：1次/年 → 不报告。
## Configuration
`[rules.QD804] enabled, severity`. Source: 双随机抽查事项清单 (rules/categories.toml, 行政检查).",
};

pub static RATIO_EXCEEDS_REFERENCE: Rule = Rule {
    id: "QD805",
    name: "sampling-ratio-above-reference",
    severity: Severity::Warning,
    field: Some(Field::Elements),
    enabled: true,
    doc: "抽查比例高于标准目录 / An 抽查比例 is higher than the reference's.
## What it does
For a `ratio` element reads the share (3%, 百分之三, 3/100, 0.03; a range 10-20% by its top) and reports
a row whose share is above its reference's.
## Why it matters
双随机、一公开: the sampling ratio is set so that inspections stay proportionate; a larger share is
more inspections than the standard allows.
## Example
标准：3%　本县：5% → 报告。　本县：百分之三 → 不报告。
## Configuration
`[rules.QD805] enabled, severity`. Source: 双随机抽查事项清单 (rules/categories.toml, 行政检查).",
};

pub static REQUIRED_ELEMENT_EMPTY: Rule = Rule {
    id: "QD806",
    name: "required-element-empty",
    severity: Severity::Warning,
    field: Some(Field::Elements),
    enabled: true,
    doc: "事项类型要求的要素为空 / An element the category requires is empty or missing.
## What it does
For each element rules/categories.toml marks `required` for the row's category, reports a row that
leaves it empty (or lists no row for it in elements.csv). Only lists that carry elements of that
category at all are checked (some item of the category in the same list fills an element column or
has an elements.csv row): a list exported without element columns is not flooded with findings.
## Why it matters
要素齐全: the implementation standard of each category lists the elements an item must state.
## Example
行政处罚 item with 处罚种类 filled and 处罚幅度 empty → 报告“处罚幅度”。
## Configuration
`required` in rules/categories.toml; `[rules.QD806] enabled, severity`.",
};

pub static MEMBER_OUTSIDE_VOCABULARY: Rule = Rule {
    id: "QD807",
    name: "element-member-outside-vocabulary",
    severity: Severity::Error,
    field: Some(Field::Elements),
    enabled: true,
    doc: "要素的种类不在法定种类之内（如行政处罚法第九条） / A set element lists a member outside its closed vocabulary (a 处罚种类 the law does not know).
## What it does
For a `set` element with a vocabulary (处罚种类: 行政处罚法第九条; 强制种类: 行政强制法第九条、第十二条;
审批结果类型), reports the members that are neither a member nor a listed synonym.
## Why it matters
处罚法定: 行政处罚法第九条 lists the kinds of penalty (and what laws add); 拘役 or 罚金 are criminal
penalties, not administrative ones.
## Example
处罚种类：警告、罚金 → 报告“罚金”。　处罚种类：吊销许可证 → 不报告（= 吊销许可证件）。
## Configuration
`vocabulary`, `synonyms` in rules/categories.toml; `[rules.QD807] enabled, severity`.",
};

pub static MEMBER_UNFIT_FOR_TYPE: Rule = Rule {
    id: "QD808",
    name: "coercion-kind-unfit-for-type",
    severity: Severity::Error,
    field: Some(Field::Elements),
    enabled: true,
    doc: "强制种类与强制类型不符 / A 强制种类 does not fit the row's 强制类型 (查封 under 行政强制执行).
## What it does
For a `set` element with `fits` in rules/categories.toml, reports the members that none of the values
of the other element (`fits-element`) allows: 查封, 扣押, 冻结 and 限制公民人身自由 are 行政强制措施;
加处罚款或滞纳金, 划拨, 拍卖, 排除妨碍, 恢复原状, 代履行 are 行政强制执行.
## Why it matters
行政强制法第九条 (措施) and 第十二条 (执行) set different procedures; an item filed under the wrong
type is run under the wrong procedure.
## Example
强制类型：行政强制措施　强制种类：查封、代履行 → 报告“代履行”。
## Configuration
`fits-element`, `fits` in rules/categories.toml; `[rules.QD808] enabled, severity`.",
};

pub static RESULT_NAME_CONTRADICTS_TYPE: Rule = Rule {
    id: "QD809",
    name: "result-name-contradicts-result-type",
    severity: Severity::Warning,
    field: Some(Field::Elements),
    enabled: true,
    doc: "审批结果名称与审批结果类型矛盾 / A 审批结果名称 contradicts the 审批结果类型 (a …许可证 that is 出文办结).
## What it does
For a `text` element with `implies` in rules/categories.toml, reports a row whose value ends in one of
the listed suffixes while the implied element holds another value: a name ending in 证, 证书,
许可证 or 执照 is 出证办结; one ending in 批复, 决定书 or 批文 is 出文办结.
## Why it matters
The result type decides how the result is delivered (电子证照 or a document); a contradiction means
one of the two is wrong.
## Example
审批结果名称：食品经营许可证　审批结果类型：出文办结 → 报告。
## Configuration
`implies` in rules/categories.toml; `[rules.QD809] enabled, severity`.",
};

pub static ELEMENT_UNREADABLE: Rule = Rule {
    id: "QD810",
    name: "element-unreadable",
    severity: Severity::Warning,
    field: Some(Field::Elements),
    enabled: true,
    doc: "抽查比例或检查频次无法识别 / A ratio or frequency element cannot be read.
## What it does
Reports an `ratio` or `frequency` element whose value has digits but no readable form (3次/世纪); it
then takes no part in comparisons. Words without digits (不定期, 根据监管需要确定) are read as text.
## Why it matters
同一标准: a value that cannot be read cannot be compared.
## Example
检查频次：3次每 → 报告。　检查频次：每年三次 → 不报告。
## Configuration
`[rules.QD810] enabled, severity`.",
};

/// Records a finding of `rule` about `element`.
fn emit(
    sink: &mut Sink,
    rule: &'static Rule,
    subject: &Subject,
    element: &Str,
    expected: Option<String>,
    actual: Option<String>,
    detail: Detail,
) {
    let from = sink.findings.len();
    sink.emit(rule, None, subject, expected, actual, detail);
    if let Some(f) = sink.findings.get_mut(from) {
        f.element = Some(element.clone());
    }
}

/// True when the value takes part in comparisons.
fn comparable(v: &ElementValue) -> bool {
    !matches!(v, ElementValue::Empty | ElementValue::Unparsed)
}

/// The highest amount of `unit` in a value's bands.
fn top(v: &ElementValue, unit: AmountUnit) -> Option<u64> {
    match v {
        ElementValue::Bands(b) => b.iter().filter(|b| b.unit == unit).filter_map(|b| b.top()).max(),
        _ => None,
    }
}

/// Compares each element both the item and its reference fill.
pub fn compare(sink: &mut Sink, c: &Cmp) {
    if c.item.elements.is_empty() || c.reference.elements.is_empty() {
        return;
    }
    for ours in &c.item.elements {
        let Some(theirs) = c.reference.element(&ours.name) else { continue };
        compare_one(sink, c, ours, theirs);
    }
}

fn compare_one(sink: &mut Sink, c: &Cmp, ours: &Element, theirs: &Element) {
    if !comparable(&ours.value) || !comparable(&theirs.value) {
        return;
    }
    if ours.value.key() == theirs.value.key() {
        return;
    }
    let source = Some(c.source.clone());
    let expected = Some(theirs.raw.to_string());
    let actual = Some(ours.raw.to_string());
    match (&*ours.value, &*theirs.value) {
        (ElementValue::Set { members: a, .. }, ElementValue::Set { members: b, .. }) => {
            let extra: Vec<String> =
                a.iter().filter(|m| !b.contains(m)).map(|m| m.to_string()).collect();
            // One value for another (出证办结 for 出文办结) is a difference, not an addition.
            let swapped = a.len() == 1 && b.len() == 1;
            if !extra.is_empty() && !swapped {
                let detail = Detail::Element { source, extra };
                emit(sink, &ELEMENT_ADDS_MEMBER, &c.subject, &ours.name, expected, actual, detail);
                return;
            }
        }
        (ElementValue::Bands(_), ElementValue::Bands(_)) => {
            let above = [AmountUnit::Fen, AmountUnit::MilliTimes].into_iter().any(|u| {
                matches!((top(&ours.value, u), top(&theirs.value, u)), (Some(a), Some(b)) if a > b)
            });
            if above {
                let detail = Detail::Element { source, extra: Vec::new() };
                emit(
                    sink,
                    &AMOUNT_EXCEEDS_REFERENCE,
                    &c.subject,
                    &ours.name,
                    expected,
                    actual,
                    detail,
                );
                return;
            }
        }
        (ElementValue::Frequency(a), ElementValue::Frequency(b)) if a > b => {
            let detail = Detail::Element { source, extra: Vec::new() };
            emit(
                sink,
                &FREQUENCY_EXCEEDS_REFERENCE,
                &c.subject,
                &ours.name,
                expected,
                actual,
                detail,
            );
            return;
        }
        (ElementValue::Ratio(_, a), ElementValue::Ratio(_, b)) if a > b => {
            let detail = Detail::Element { source, extra: Vec::new() };
            emit(sink, &RATIO_EXCEEDS_REFERENCE, &c.subject, &ours.name, expected, actual, detail);
            return;
        }
        _ => {}
    }
    let detail = Detail::Element { source, extra: Vec::new() };
    emit(sink, &ELEMENT_DIFFERS, &c.subject, &ours.name, expected, actual, detail);
}

/// The comparison key of all of an item's elements (for the peers' consensus): the elements
/// filled, by name, each by its grammar's key.
pub fn key(item: &Item) -> String {
    let mut parts: Vec<String> = item
        .elements
        .iter()
        .filter(|e| comparable(&e.value))
        .map(|e| format!("{}={}", e.name, e.value.key()))
        .collect();
    parts.sort();
    parts.join("|")
}

/// The checks within one row. `carries`: the row's list carries elements of the row's category
/// (so that a required one left out is a finding, not an export without element columns).
pub fn within(
    sink: &mut Sink,
    item: &Item,
    subj: &Subject,
    categories: &Categories,
    carries: bool,
) {
    if let (true, Some(category)) = (carries, item.category) {
        for def in categories.of(category).filter(|d| d.required) {
            let empty =
                item.element(&def.name).is_none_or(|e| matches!(*e.value, ElementValue::Empty));
            if empty {
                let detail = Detail::Element { source: None, extra: Vec::new() };
                emit(sink, &REQUIRED_ELEMENT_EMPTY, subj, &def.name, None, None, detail);
            }
        }
    }
    for e in &item.elements {
        let Some(def) = categories.by_name(&e.name) else { continue };
        within_one(sink, item, subj, def, e);
    }
}

fn within_one(sink: &mut Sink, item: &Item, subj: &Subject, def: &ElementDef, e: &Element) {
    let actual = || Some(e.raw.to_string());
    match &*e.value {
        ElementValue::Unparsed => {
            let detail = Detail::Element { source: None, extra: Vec::new() };
            emit(sink, &ELEMENT_UNREADABLE, subj, &e.name, None, actual(), detail);
        }
        ElementValue::Set { members, unknown } => {
            if !def.vocabulary.is_empty() && !unknown.is_empty() {
                let extra = unknown.iter().map(|u| u.to_string()).collect();
                let detail = Detail::Element { source: None, extra };
                let expected = Some(def.vocabulary.join("、"));
                emit(sink, &MEMBER_OUTSIDE_VOCABULARY, subj, &e.name, expected, actual(), detail);
            }
            if let Some((other, fits)) = &def.fits {
                let types = match item.element(other).map(|o| &*o.value) {
                    Some(ElementValue::Set { members, .. }) => members.clone(),
                    _ => Vec::new(),
                };
                let allowed: Vec<&Str> =
                    types.iter().filter_map(|t| fits.get(t)).flatten().collect();
                if !types.is_empty() && types.iter().all(|t| fits.contains_key(t)) {
                    let extra: Vec<String> = members
                        .iter()
                        .filter(|m| !unknown.contains(m) && !allowed.contains(m))
                        .map(|m| m.to_string())
                        .collect();
                    if !extra.is_empty() {
                        let detail = Detail::Element { source: None, extra };
                        let expected = Some(types.join("、"));
                        emit(
                            sink,
                            &MEMBER_UNFIT_FOR_TYPE,
                            subj,
                            &e.name,
                            expected,
                            actual(),
                            detail,
                        );
                    }
                }
            }
        }
        ElementValue::Text(text) => {
            for imp in &def.implies {
                if !imp.suffixes.iter().any(|s| text.ends_with(s.as_str())) {
                    continue;
                }
                if let Some(ElementValue::Set { members, .. }) =
                    item.element(&imp.element).map(|o| &*o.value)
                {
                    if !members.is_empty() && !members.contains(&imp.value) {
                        let shown: Vec<String> = members.iter().map(|m| m.to_string()).collect();
                        let detail = Detail::Element { source: None, extra: shown };
                        let expected = Some(imp.value.to_string());
                        emit(
                            sink,
                            &RESULT_NAME_CONTRADICTS_TYPE,
                            subj,
                            &e.name,
                            expected,
                            actual(),
                            detail,
                        );
                    }
                }
                break;
            }
        }
        _ => {}
    }
}
