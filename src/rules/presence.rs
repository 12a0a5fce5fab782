//! Presence rules: an item missing where it is required, unknown to the standard, at a level the
//! standard does not give it, rare among peers, or in a town whose county lacks it (上下对应).

use crate::model::{Detail, Field, Level, Score, Severity};

use super::{Rule, Sink, Source, Subject};

/// QD001.
pub static REQUIRED_ITEM_MISSING: Rule = Rule {
    id: "QD001",
    name: "required-item-missing",
    severity: Severity::Error,
    field: Some(Field::Presence),
    enabled: true,
    doc: "缺少本级应实施的事项 / An item required at this level is missing from the list.

## What it does
With --standard: every item whose 行使层级 includes the jurisdiction's level must be in its list.
Without: an item that more than the majority share of peers at the same level carry is expected
of every peer, and a peer lacking it is reported (\"108 of 112 counties carry it\").

## Why it matters
同一事项、上下对应: a power the region assigns to every county must be implemented in every county,
or citizens of one county cannot obtain what their neighbours can.

## Example
标准：食品经营许可（县级、镇级）　兴宁区清单中没有该事项 → 报告。

## Configuration
`[rules.QD001] enabled, severity`; `[consensus]` shares for the run without --standard.
",
};

/// QD002.
pub static ITEM_UNKNOWN_TO_STANDARD: Rule = Rule {
    id: "QD002",
    name: "item-unknown-to-standard",
    severity: Severity::Warning,
    field: Some(Field::Presence),
    enabled: true,
    doc: "事项不在标准目录中 / The item is not in the standard.

## What it does
An item whose code is not the standard's and whose name matches no standard item of the same
category (similarity below `[matching] name-similarity`) is unknown to the standard. The finding
names the closest standard item by name, when there is one, in `expected`.

## Why it matters
同一标准: a list may only contain the powers the standard lists; an item outside it has no agreed
basis and cannot be joined to the regional catalogue.

## Example
标准无此事项　本县：农家乐星级评定（编码 450999001000） → 报告，并给出最相近的标准事项。

## Configuration
`[rules.QD002] enabled, severity`; `[matching] name-similarity`.
",
};

/// QD003.
pub static ITEM_AT_LEVEL_NOT_GIVEN: Rule = Rule {
    id: "QD003",
    name: "item-at-level-not-given",
    severity: Severity::Warning,
    field: Some(Field::Presence),
    enabled: true,
    doc: "事项在标准未赋予的层级实施 / The item is exercised at a level the standard does not give it.

## What it does
With --standard: an item matched to a standard item whose 行使层级 does not include the
jurisdiction's level.

## Why it matters
上下对应: a town exercising a county-only power claims a competence it does not have.

## Example
标准：建设工程规划许可（县级）　某镇清单中有该事项 → 报告。

## Configuration
`[rules.QD003] enabled, severity`.
",
};

/// QD004.
pub static TOWN_ITEM_WITHOUT_COUNTY_COUNTERPART: Rule = Rule {
    id: "QD004",
    name: "town-item-without-county-counterpart",
    severity: Severity::Warning,
    field: Some(Field::Presence),
    enabled: true,
    doc: "镇级事项在上级县中没有对应事项 / A town item has no counterpart in its county.

## What it does
For an item in a town's list that the county level also exercises (the standard's 行使层级
includes 县级, or without --standard most counties carry it), the town's parent county must carry
it too.

## Why it matters
上下对应、有效衔接: a town's power is guided and backed by its county department; without the
county counterpart the town has nobody to hand cases up to.

## Example
某镇有“农村宅基地审批”，其所属县清单中没有该事项 → 报告。

## Configuration
`[rules.QD004] enabled, severity`.
",
};

/// QD005.
pub static ITEM_RARE_AMONG_PEERS: Rule = Rule {
    id: "QD005",
    name: "item-rare-among-peers",
    severity: Severity::Warning,
    field: Some(Field::Presence),
    enabled: true,
    doc: "同级中只有少数区划有此事项 / Only a small minority of peers carry this item.

## What it does
Without --standard: an item carried by no more than the minority share of the jurisdictions at
its level (\"2 of 112 counties\") is reported for each of them: it is either unknown to the
region or exercised at the wrong level.

## Why it matters
同一事项: items that only a few counties list are usually local inventions or misplaced items.

## Example
112个县中只有2个县有“农家乐星级评定” → 对这2个县各报告一次。

## Configuration
`[consensus] minority-share, min-peers`; `[rules.QD005] enabled, severity`.
",
};

/// QD001: `subject` lacks the item; `expected` is the item's name.
pub fn missing(sink: &mut Sink, subject: &Subject, source: Source, level: Level) {
    let name = subject.item_name.map(|s| &**s).unwrap_or("").to_string();
    sink.emit(
        &REQUIRED_ITEM_MISSING,
        None,
        subject,
        Some(name),
        None,
        Detail::Missing { source, level },
    );
}

/// QD002: the row (`row_name`) matches no standard item; `closest` = (code, name, similarity).
pub fn unknown(
    sink: &mut Sink,
    subject: &Subject,
    row_name: &str,
    closest: Option<(&str, &str, f64)>,
) {
    let expected = closest.map(|(code, name, _)| format!("{name}（{code}）"));
    sink.emit(
        &ITEM_UNKNOWN_TO_STANDARD,
        None,
        subject,
        expected,
        Some(row_name.trim().to_string()),
        Detail::Unknown {
            closest: closest
                .map(|(code, name, sim)| (code.to_string(), name.to_string(), Score(sim))),
        },
    );
}

/// QD003: exercised at `level`, the standard gives `given`.
pub fn at_level_not_given(sink: &mut Sink, subject: &Subject, level: Level, given: &str) {
    sink.emit(
        &ITEM_AT_LEVEL_NOT_GIVEN,
        None,
        subject,
        Some(given.to_string()),
        Some(level.zh_level().to_string()),
        Detail::AtLevel { level },
    );
}

/// QD004: a town item whose parent county `county` lacks it.
pub fn town_without_county(sink: &mut Sink, subject: &Subject, county: &str) {
    sink.emit(
        &TOWN_ITEM_WITHOUT_COUNTY_COUNTERPART,
        None,
        subject,
        Some(format!("{county}有此事项")),
        Some(format!("{county}无此事项")),
        Detail::NoCountyCounterpart { county: county.into() },
    );
}

/// QD005: only `holders` of `of` peers at `level` carry the item.
pub fn rare(sink: &mut Sink, subject: &Subject, holders: usize, of: usize, level: Level) {
    let name = subject.item_name.map(|s| &**s).unwrap_or("");
    sink.emit(
        &ITEM_RARE_AMONG_PEERS,
        None,
        subject,
        None,
        Some(name.to_string()),
        Detail::Rare { holders, of, level },
    );
}
