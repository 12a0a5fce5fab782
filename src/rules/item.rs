//! Rules on an item's descriptive fields compared with its reference: name, category,
//! department, levels (行使层级) and kind (办件类型); and the split of peers with no majority.

use crate::model::{Detail, Field, Severity};

use super::{Cmp, Rule, Sink, Subject};

/// QD101.
pub static NAME_DIFFERS_FROM_STANDARD: Rule = Rule {
    id: "QD101",
    name: "name-differs-from-standard",
    severity: Severity::Warning,
    field: Some(Field::Name),
    enabled: true,
    doc: "事项名称与标准目录（或同级多数）不一致 / The item's name differs from the standard's (or the peers').

## What it does
Compares the item's 事项名称 with the standard's (with --standard) or with the name most peers at
the same level use, after normalisation (NFKC, whitespace removed, brackets unified).

## Why it matters
同一事项、同一标准: the same item must carry the same name in every jurisdiction, or citizens and
the regional system cannot tell that two lists offer the same service.

## Example
标准：食品经营许可（新办）　本县：食品经营许可证核发 → 报告。
标准：食品经营许可（新办）　本县：食品经营许可 (新办) → 不报告（只是括号和空格不同）。

## Configuration
`[rules.QD101] enabled, severity`.
",
};

/// QD201.
pub static CATEGORY_DIFFERS: Rule = Rule {
    id: "QD201",
    name: "category-differs",
    severity: Severity::Error,
    field: Some(Field::Category),
    enabled: true,
    doc: "事项类型与标准目录（或同级多数）不一致 / The item's category differs from the reference.

## What it does
Compares the parsed 事项类型 (行政许可 … 其他行政权力; short forms and codes accepted) with the
reference item's.

## Why it matters
同一事项、同一标准: an item that is a 行政许可 in one county and a 行政确认 in the next is governed by
different procedures and cannot be supervised uniformly.

## Example
标准：行政许可　本县：行政确认 → 报告。　标准：行政许可　本县：许可 → 不报告（简称相同）。

## Configuration
`[rules.QD201] enabled, severity`.
",
};

/// QD202.
pub static DEPARTMENT_DIFFERS: Rule = Rule {
    id: "QD202",
    name: "department-differs",
    severity: Severity::Info,
    field: Some(Field::Department),
    enabled: false,
    doc: "实施主体与标准目录（或同级多数）不对应 / The implementing department does not correspond to the reference.

## What it does
Compares 实施主体 with the reference after normalisation, ignoring the jurisdiction's own name at
the start (兴宁区市场监督管理局 and 青秀区市场监督管理局 are the same department).

## Why it matters
同一事项、有效衔接: the same item should be handled by the corresponding department at every level.
Department names vary with local reorganisations, so the rule is off by default.

## Example
标准：市场监督管理局　本县：兴宁区农业农村局 → 报告（启用时）。

## Configuration
`[rules.QD202] enabled = true` to turn it on; `severity`.
",
};

/// QD203.
pub static LEVELS_DIFFER: Rule = Rule {
    id: "QD203",
    name: "levels-differ",
    severity: Severity::Warning,
    field: Some(Field::Levels),
    enabled: true,
    doc: "行使层级与标准目录不一致 / The item's 行使层级 differs from the reference.

## What it does
When both the item and its reference fill 行使层级, compares the sets of levels (县级、镇级).

## Why it matters
上下对应: which levels exercise an item decides where a citizen goes; a list that claims other
levels than the standard breaks the correspondence between levels.

## Example
标准：县级、镇级　本县：县级 → 报告。　标准：县级、镇级　本县：县级,镇级 → 不报告。

## Configuration
`[rules.QD203] enabled, severity`.
",
};

/// QD701.
pub static KIND_DIFFERS: Rule = Rule {
    id: "QD701",
    name: "kind-differs",
    severity: Severity::Warning,
    field: Some(Field::Kind),
    enabled: true,
    doc: "办件类型与标准目录（或同级多数）不一致 / The kind (即办件/承诺件) differs from the reference.

## What it does
Compares the parsed 办件类型 with the reference item's.

## Why it matters
同一事项、同一标准: an item done on the spot in one county and within 20 working days in the next
is not the same service.

## Example
标准：即办件　本县：承诺件 → 报告。　标准：即办件　本县：即办 → 不报告。

## Configuration
`[rules.QD701] enabled, severity`.
",
};

/// QD901.
pub static PEERS_SPLIT: Rule = Rule {
    id: "QD901",
    name: "peers-split",
    severity: Severity::Info,
    field: None,
    enabled: true,
    doc: "同级之间意见分歧，无多数值 / Peers are split: no value holds a majority.

## What it does
Without --standard, the reference is the value most peers at the same level use. When no value
is held by more than the majority share, one info finding reports the split instead of findings
against each side.

## Why it matters
同一标准: a split means the region has no agreed form of the item; the standard should decide.

## Example
6个县写“20个工作日”，6个县写“15个工作日” → 一条提示，不对任何一方报告。

## Configuration
`[consensus] majority-share` (a value needs more than this share), `minority-share` (values at or
below it are flagged), `min-peers`; `[rules.QD901] enabled, severity`.
",
};

/// Name differs after normalisation.
pub fn compare_name(sink: &mut Sink, c: &Cmp) {
    let (a, r) = (&c.item.name, &c.reference.name);
    if a.norm != r.norm {
        sink.emit(
            &NAME_DIFFERS_FROM_STANDARD,
            None,
            &c.subject,
            Some(r.raw.trim().to_string()),
            Some(a.raw.trim().to_string()),
            Detail::Differs { source: c.source.clone() },
        );
    }
}

/// Category differs (both parsed).
pub fn compare_category(sink: &mut Sink, c: &Cmp) {
    if let (Some(a), Some(r)) = (c.item.category, c.reference.category) {
        if a != r {
            sink.emit(
                &CATEGORY_DIFFERS,
                None,
                &c.subject,
                Some(r.zh().to_string()),
                Some(a.zh().to_string()),
                Detail::Category { source: c.source.clone(), actual: a, expected: r },
            );
        }
    }
}

/// The department's comparison form: normalised, without the jurisdiction's name in front.
pub fn department_key(department: &str, jurisdiction_name: &str) -> String {
    let d = crate::value::name::normalize(department);
    let j = crate::value::name::normalize(jurisdiction_name);
    department_key_norm(&d, &j).to_string()
}

/// [`department_key`] of an already normalised department (`Name::norm`) and jurisdiction name:
/// borrowed, so comparing departments neither normalises nor allocates.
pub fn department_key_norm<'d>(department: &'d str, jurisdiction: &str) -> &'d str {
    match department.strip_prefix(jurisdiction) {
        Some(rest) if !jurisdiction.is_empty() => rest,
        _ => department,
    }
}

/// Department differs (off by default).
pub fn compare_department(sink: &mut Sink, c: &Cmp) {
    // Off by default: skip the comparison itself, not just the finding.
    if !sink.on(&DEPARTMENT_DIFFERS) {
        return;
    }
    let (item_jur, ref_jur) = c.jurisdiction_norms;
    if c.reference.department.is_empty() || c.item.department.is_empty() {
        return;
    }
    let a = department_key_norm(&c.item.department.norm, item_jur);
    let r = department_key_norm(&c.reference.department.norm, ref_jur);
    if a != r && !a.ends_with(r) && !r.ends_with(a) {
        sink.emit(
            &DEPARTMENT_DIFFERS,
            None,
            &c.subject,
            Some(c.reference.department.raw.trim().to_string()),
            Some(c.item.department.raw.trim().to_string()),
            Detail::Differs { source: c.source.clone() },
        );
    }
}

/// Levels differ (both given).
pub fn compare_levels(sink: &mut Sink, c: &Cmp) {
    let (a, r) = (&c.item.levels, &c.reference.levels);
    if a.levels.is_empty() || r.levels.is_empty() || a.levels == r.levels {
        return;
    }
    sink.emit(
        &LEVELS_DIFFER,
        None,
        &c.subject,
        Some(r.display()),
        Some(a.display()),
        Detail::Differs { source: c.source.clone() },
    );
}

/// Kind differs (both parsed).
pub fn compare_kind(sink: &mut Sink, c: &Cmp) {
    if let (Some(a), Some(r)) = (c.item.kind, c.reference.kind) {
        if a != r {
            sink.emit(
                &KIND_DIFFERS,
                None,
                &c.subject,
                Some(r.zh().to_string()),
                Some(a.zh().to_string()),
                Detail::Differs { source: c.source.clone() },
            );
        }
    }
}

/// One info finding: peers at `level` are split on `field` (no value above the majority share).
/// `values` are (shown value, count), most common first.
pub fn split(
    sink: &mut Sink,
    field: Field,
    subject: &Subject,
    level: crate::model::Level,
    of: usize,
    values: &[(String, usize)],
) {
    sink.emit(
        &PEERS_SPLIT,
        Some(field),
        subject,
        None,
        None,
        Detail::Split { level, of, values: values.iter().take(3).cloned().collect() },
    );
}

/// QD901 across levels: the jurisdictions carrying the item (whatever their level) hold
/// different values of a field that must be the same at every level (name, category, basis,
/// 法定时限), and none has a majority (two jurisdictions, a tie). Reported as a warning, with
/// the values and who holds each: never silence.
pub fn split_across_levels(
    sink: &mut Sink,
    field: Field,
    subject: &Subject,
    of: usize,
    values: &[(String, Vec<crate::model::Str>)],
) {
    let from = sink.findings.len();
    sink.emit(
        &PEERS_SPLIT,
        Some(field),
        subject,
        None,
        None,
        Detail::SplitAcross { of, values: values.iter().take(4).cloned().collect() },
    );
    for f in &mut sink.findings[from..] {
        if f.severity < Severity::Warning {
            f.severity = Severity::Warning;
        }
    }
}
