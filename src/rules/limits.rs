//! Time-limit rules: the statutory limit against the reference (unit included), the committed
//! limit against the statutory one and the reference's, the kind against the committed limit,
//! and limits that cannot be read.

use crate::model::{Detail, Field, Item, Kind, LimitValue, Severity, TimeLimit, TimeUnit};

use super::{shown, Cmp, Rule, Sink, Subject};

/// QD401.
pub static STATUTORY_LIMIT_DIFFERS: Rule = Rule {
    id: "QD401",
    name: "statutory-limit-differs",
    severity: Severity::Warning,
    field: Some(Field::StatutoryLimit),
    enabled: true,
    doc: "法定时限与标准目录（或同级多数）不一致 / The statutory limit differs from the reference.

## What it does
Compares the parsed 法定时限 (amount and unit) with the reference's. The unit is part of the
value: 20日 and 20个工作日 differ; 二十个工作日, 20个工作日 and 20工作日 are equal.

## Why it matters
同一标准: the statutory limit is set by law and is the same in every jurisdiction.

## Example
标准：20个工作日　本县：20日 → 报告。　本县：二十工作日 → 不报告。

## Configuration
`[rules.QD401] enabled, severity`.
",
};

/// QD402.
pub static COMMITTED_LIMIT_EXCEEDS_STATUTORY: Rule = Rule {
    id: "QD402",
    name: "committed-limit-exceeds-statutory",
    severity: Severity::Error,
    field: Some(Field::CommittedLimit),
    enabled: true,
    doc: "承诺时限长于法定时限 / The committed limit is longer than the statutory limit.

## What it does
Within one row: a 承诺时限 longer than the 法定时限 in the same unit (即办 counts as 0).

## Why it matters
依法行政、优化服务: a promise may only shorten the legal limit, never extend it.

## Example
法定：20个工作日　承诺：25个工作日 → 报告。　承诺：二十个工作日 → 不报告。

## Configuration
`[rules.QD402] enabled, severity`.
",
};

/// QD403.
pub static COMMITTED_LIMIT_EXCEEDS_STANDARD: Rule = Rule {
    id: "QD403",
    name: "committed-limit-exceeds-standard",
    severity: Severity::Warning,
    field: Some(Field::CommittedLimit),
    enabled: true,
    doc: "承诺时限长于标准目录（或同级多数） / The committed limit is longer than the reference's.

## What it does
Compares the 承诺时限 with the reference's in the same unit; only a longer one is reported (a
shorter promise is better service).

## Why it matters
同一标准: the standard's committed limit is the region's promise; no county may promise less.

## Example
标准：5个工作日　本县：10个工作日 → 报告。　本县：3个工作日 → 不报告。

## Configuration
`[rules.QD403] enabled, severity`.
",
};

/// QD404.
pub static IMMEDIATE_ITEM_WITH_COMMITTED_LIMIT: Rule = Rule {
    id: "QD404",
    name: "immediate-item-with-committed-limit",
    severity: Severity::Warning,
    field: Some(Field::Kind),
    enabled: true,
    doc: "即办件却有承诺时限 / An 即办件 has a committed limit above zero.

## What it does
Within one row: 办件类型 即办件 while 承诺时限 is a number of days above zero.

## Why it matters
同一标准: 即办件 are done on the spot; a limit in days means the kind or the limit is wrong.

## Example
办件类型：即办件　承诺时限：5个工作日 → 报告。　承诺时限：即办 → 不报告。

## Configuration
`[rules.QD404] enabled, severity`.
",
};

/// QD405.
pub static COMMITTED_ITEM_WITHOUT_LIMIT: Rule = Rule {
    id: "QD405",
    name: "committed-item-without-limit",
    severity: Severity::Warning,
    field: Some(Field::Kind),
    enabled: true,
    doc: "承诺件没有承诺时限 / A 承诺件 has no committed limit.

## What it does
Within one row: 办件类型 承诺件 while 承诺时限 is empty or 无.

## Why it matters
优化服务: a 承诺件 is defined by its promise; without one the citizen cannot know when to return.

## Example
办件类型：承诺件　承诺时限：（空） → 报告。

## Configuration
`[rules.QD405] enabled, severity`.
",
};

/// QD406.
pub static TIME_LIMIT_UNREADABLE: Rule = Rule {
    id: "QD406",
    name: "time-limit-unreadable",
    severity: Severity::Warning,
    field: None,
    enabled: true,
    doc: "时限无法识别 / A time limit cannot be read.

## What it does
A 法定时限 or 承诺时限 that names no amount and unit (个工作日, 日, 个月, 小时), no immediate
(即办) and no none (无) is reported and left out of the comparisons.

## Why it matters
同一标准: a limit nobody can read cannot be compared or promised.

## Example
承诺时限：尽快办理 → 报告。　承诺时限：5工作日 → 不报告。

## Configuration
`[rules.QD406] enabled, severity`.
",
};

/// QD407.
pub static LIMIT_CONTRADICTS_ITS_NOTE: Rule = Rule {
    id: "QD407",
    name: "limit-contradicts-its-note",
    severity: Severity::Warning,
    field: None,
    enabled: true,
    doc: "时限与其说明不符 / A time limit contradicts the explanation written beside it.

## What it does
Within one row: where the list carries an explanation beside a numeric 法定时限 or 承诺时限
(法定时限说明 / 承诺时限说明; a system's anticipate_day_explain / promise_day_explain), the first
duration the explanation states (受理之日起20个工作日) is compared with the limit's amount. Durations
after 延长, 延期, 不计 and the like (可以延长十日) are extensions, not the limit; an explanation
that states no duration (《宗教事务条例》规定) is not compared. Only the numbers are compared when
the units differ between 日 and 工作日 (the law's 二十日 of a licence is twenty working days).

## Why it matters
同一标准: the platform publishes the number and the citizen reads the sentence; when they
disagree, one of them is wrong (a real Guangxi record: 66 working days beside 受理之日起20个工作日).

## Example
法定时限：66个工作日　说明：受理之日起20个工作日。 → 报告。　说明：可以延长10个工作日 → 不报告。

## Configuration
`[rules.QD407] enabled, severity`.
",
};

/// True when a limit and the duration its explanation states disagree: different amounts in
/// the same unit, or between 日 and 工作日; other unit pairs are not compared.
fn contradicts(limit: &LimitValue, stated: (u32, TimeUnit)) -> bool {
    let LimitValue::Amount { amount, unit } = *limit else { return false };
    let days = |u: TimeUnit| matches!(u, TimeUnit::WorkingDays | TimeUnit::CalendarDays);
    (unit == stated.1 || (days(unit) && days(stated.1))) && amount != stated.0
}

fn against_note(sink: &mut Sink, subject: &Subject, limit: &TimeLimit, note: &str, field: Field) {
    if note.trim().is_empty() {
        return;
    }
    let Some(stated) = crate::value::limit::stated_limit(note) else { return };
    if contradicts(&limit.value, stated) {
        sink.emit(
            &LIMIT_CONTRADICTS_ITS_NOTE,
            Some(field),
            subject,
            Some(note.trim().to_string()),
            Some(limit.raw.trim().to_string()),
            Detail::Plain,
        );
    }
}

/// Days of a limit in its own unit (即办 = 0); `None` for none and unreadable limits.
fn amount(v: &LimitValue) -> Option<(u32, Option<TimeUnit>)> {
    match v {
        LimitValue::Amount { amount, unit } => Some((*amount, Some(*unit))),
        LimitValue::Immediate => Some((0, None)),
        _ => None,
    }
}

/// True when `a` is longer than `b`: same unit, or either immediate (0).
fn longer(a: &LimitValue, b: &LimitValue) -> bool {
    match (amount(a), amount(b)) {
        (Some((x, ux)), Some((y, uy))) => x > y && (ux == uy || ux.is_none() || uy.is_none()),
        _ => false,
    }
}

/// Statutory limit against the reference.
pub fn compare_statutory(sink: &mut Sink, c: &Cmp) {
    let (a, r) = (&c.item.statutory_limit, &c.reference.statutory_limit);
    if matches!(a.value, LimitValue::Unparsed)
        || matches!(r.value, LimitValue::Unparsed | LimitValue::None)
        || a.value == r.value
    {
        return;
    }
    sink.emit(
        &STATUTORY_LIMIT_DIFFERS,
        None,
        &c.subject,
        Some(r.raw.trim().to_string()),
        Some(a.raw.trim().to_string()),
        Detail::Differs { source: c.source.clone() },
    );
}

/// Committed limit longer than the reference's.
pub fn compare_committed(sink: &mut Sink, c: &Cmp) {
    let (a, r) = (&c.item.committed_limit, &c.reference.committed_limit);
    if longer(&a.value, &r.value) {
        sink.emit(
            &COMMITTED_LIMIT_EXCEEDS_STANDARD,
            None,
            &c.subject,
            Some(r.raw.trim().to_string()),
            Some(a.raw.trim().to_string()),
            Detail::Differs { source: c.source.clone() },
        );
    }
}

fn unreadable(sink: &mut Sink, subject: &Subject, limit: &TimeLimit, field: Field) {
    if matches!(limit.value, LimitValue::Unparsed) {
        sink.emit(
            &TIME_LIMIT_UNREADABLE,
            Some(field),
            subject,
            None,
            Some(limit.raw.trim().to_string()),
            Detail::Plain,
        );
    }
}

/// The checks within one row: committed against statutory, kind against the committed limit,
/// unreadable limits.
pub fn within(sink: &mut Sink, item: &Item, subject: &Subject) {
    unreadable(sink, subject, &item.statutory_limit, Field::StatutoryLimit);
    unreadable(sink, subject, &item.committed_limit, Field::CommittedLimit);
    against_note(sink, subject, &item.statutory_limit, &item.statutory_note, Field::StatutoryLimit);
    against_note(sink, subject, &item.committed_limit, &item.committed_note, Field::CommittedLimit);
    let (s, c) = (&item.statutory_limit, &item.committed_limit);
    if longer(&c.value, &s.value) && !matches!(s.value, LimitValue::Immediate) {
        sink.emit(
            &COMMITTED_LIMIT_EXCEEDS_STATUTORY,
            None,
            subject,
            Some(format!("≤ {}", s.raw.trim())),
            Some(c.raw.trim().to_string()),
            Detail::ExceedsStatutory {
                committed: c.raw.trim().to_string(),
                statutory: s.raw.trim().to_string(),
            },
        );
    }
    match (item.kind, &c.value) {
        (Some(Kind::Immediate), LimitValue::Amount { amount, .. }) if *amount > 0 => {
            sink.emit(
                &IMMEDIATE_ITEM_WITH_COMMITTED_LIMIT,
                None,
                subject,
                Some("即办（0）".to_string()),
                Some(format!("即办件，承诺时限{}", c.raw.trim())),
                Detail::Immediate { committed: c.raw.trim().to_string() },
            );
        }
        (Some(Kind::Committed), LimitValue::None) => {
            sink.emit(
                &COMMITTED_ITEM_WITHOUT_LIMIT,
                None,
                subject,
                Some("承诺时限".to_string()),
                Some(format!("承诺件，承诺时限{}", shown(&c.raw))),
                Detail::Plain,
            );
        }
        _ => {}
    }
}
