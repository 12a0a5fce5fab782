//! Presence rules: an item missing where it is required, unknown to the standard, at a level the
//! standard does not give it, rare among peers, or in a town whose county lacks it (上下对应).

use rustc_hash::FxHashSet;

use crate::model::{Detail, Field, Level, Score, Severity, Str};

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
names the closest standard item by name in `expected`, when there is one at least as similar as
`[matching] different-item-similarity` (a farther one would be a guess).

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

/// The region's jurisdictions as the presence rules read them, numbered in code order.
pub trait Places {
    /// The jurisdictions at `level`, in code order.
    fn at_level(&self, level: Level) -> &[usize];
    /// 区划代码 of jurisdiction `p`.
    fn code(&self, p: usize) -> &Str;
    /// Its level, where known.
    fn level(&self, p: usize) -> Option<Level>;
    /// Its parent's 区划代码, where known.
    fn parent(&self, p: usize) -> Option<&Str>;
    /// The jurisdiction with this code.
    fn find(&self, code: &str) -> Option<usize>;
    /// The level of the jurisdiction with this code (from the code itself when not listed).
    fn level_of(&self, code: &str) -> Option<Level>;
}

/// The shares the peers' consensus decides by (rules/check.toml `[consensus]`).
#[derive(Debug, Clone, Copy)]
pub struct Shares {
    /// Fewer peers than this at a level: no consensus there.
    pub min_peers: usize,
    /// Above this share of the peers, a value (or carrying the item) is the majority.
    pub majority_share: f64,
    /// At or below this share, the others are a minority worth a finding.
    pub minority_share: f64,
}

/// True when a value held by `count` of `of` peers is a flaggable minority.
pub fn is_minority(count: usize, of: usize, minority_share: f64) -> bool {
    of > 0 && (count as f64) <= minority_share * of as f64
}

/// Where an item's presence is decided from.
pub enum Reference<'a> {
    /// The standard's item, required at these levels.
    Standard(&'a [Level]),
    /// No standard: the peers at each level, by these shares.
    Peers(Shares),
}

/// The presence rules for one item (`key`, shown as `name`) held by the jurisdictions `held`
/// (`has(p)` true for them; `held` in code order): QD001 for the jurisdictions that should carry
/// it and do not (the standard's levels, or a majority of peers), QD005 for the rare holders
/// without a standard, and QD004 for a town carrying an item its county lacks (caused by the
/// county's QD001 when there is one).
pub fn item(
    sink: &mut Sink,
    places: &dyn Places,
    key: &Str,
    name: &Str,
    held: &[usize],
    has: &dyn Fn(usize) -> bool,
    reference: Reference,
) {
    let mut county_expected = false;
    let first_missing = sink.findings.len();
    let subject = |p: usize| Subject {
        jurisdiction: Some(places.code(p)),
        item: Some(key),
        item_name: Some(name),
    };
    let emit_missing = |sink: &mut Sink, p: usize, source: Source, level: Level| {
        missing(sink, &subject(p), source, level);
    };
    match reference {
        Reference::Standard(levels) => {
            county_expected = levels.contains(&Level::County);
            for level in levels {
                for &p in places.at_level(*level) {
                    if !has(p) {
                        emit_missing(sink, p, Source::Standard, *level);
                    }
                }
            }
        }
        Reference::Peers(c) => {
            for level in Level::ALL {
                let at = places.at_level(level);
                let of = at.len();
                if of < c.min_peers {
                    continue;
                }
                let agree = at.iter().filter(|&&p| has(p)).count();
                if agree == 0 {
                    continue;
                }
                if agree as f64 > c.majority_share * of as f64 {
                    if level == Level::County {
                        county_expected = true;
                    }
                    if is_minority(of - agree, of, c.minority_share) {
                        let source = Source::Peers { agree, of, level };
                        for &p in at {
                            if !has(p) {
                                emit_missing(sink, p, source.clone(), level);
                            }
                        }
                    }
                } else if is_minority(agree, of, c.minority_share) {
                    for &p in at.iter().filter(|&&p| has(p)) {
                        rare(sink, &subject(p), agree, of, level);
                    }
                }
            }
        }
    }
    if !county_expected {
        return;
    }
    // The counties reported missing the item above: a town under one of them lacks its
    // counterpart because of that one fault, so its finding follows from the county's.
    let missing_here: FxHashSet<Str> = sink.findings[first_missing..]
        .iter()
        .filter(|f| f.rule == REQUIRED_ITEM_MISSING.id)
        .filter_map(|f| f.jurisdiction.clone())
        .collect();
    let mut reported: FxHashSet<usize> = FxHashSet::default();
    for &p in held {
        if places.level(p) != Some(Level::Town) {
            continue;
        }
        let Some(parent) = places.parent(p) else { continue };
        if places.level_of(parent) != Some(Level::County) || places.find(parent).is_some_and(has) {
            continue;
        }
        if reported.insert(p) {
            let from = sink.findings.len();
            town_without_county(sink, &subject(p), parent);
            if missing_here.contains(parent) {
                let cause = crate::model::Cause {
                    rule: REQUIRED_ITEM_MISSING.id,
                    jurisdiction: Some(parent.clone()),
                    item: Some(key.clone()),
                    field: Field::Presence,
                };
                sink.caused_since(from, &cause);
            }
        }
    }
}

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
