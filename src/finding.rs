//! Findings as data: what is wrong (rule, subject, the values compared), why we think so
//! (evidence, cause, scope) and the typed parts of its sentence ([`Detail`]). Nothing here writes
//! a sentence: `crate::report::message` does, per rule, in the reader's language.

use serde::Serialize;

use crate::vocab::{Category, Field, Level, Severity, Str};

/// Where the reference value of a comparison came from: the standard, or the peers' consensus
/// ("108 of 112 counties").
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Source {
    /// The standard's item (--standard).
    Standard,
    /// `agree` of `of` peers at `level` share the reference value.
    Peers { agree: usize, of: usize, level: Level },
    /// `agree` of the `of` jurisdictions of every level carrying the item share it (used when one
    /// level has too few peers of its own).
    Region { agree: usize, of: usize },
    /// The parent's list (town against county, county against city, city against province):
    /// the jurisdiction `code` at `level`.
    Parent { code: Str, level: Level },
    /// `agree` of the `of` lists at `level` directly under the jurisdiction hold the value.
    Children { agree: usize, of: usize, level: Level },
}

/// A similarity score in [0, 1] (ordered and hashed by its bits, so that findings stay `Eq`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score(pub f64);

// By its bits, so that a partial result (`qingdan merge`) gives back the very same score.
impl Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0.to_bits())
    }
}

impl<'de> serde::Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Score(f64::from_bits(<u64 as serde::Deserialize>::deserialize(d)?)))
    }
}

impl Eq for Score {}

impl std::hash::Hash for Score {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Why a code was refused, as the code parsers say it (each writes its own reason).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum CodeReason {
    /// The national 12-character layout's problem.
    National(crate::value::code::CodeProblem),
    /// Why none of the region's base-code layouts fits.
    Base(crate::value::code::BaseCodeError),
}

/// One contradiction between an implementation code (实施编码) and its row.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ImplProblem {
    /// No implementation-code layout fits.
    Unreadable(crate::value::code::ImplCodeError),
    /// It embeds another base code than the row's.
    Base { embedded: String, row: String },
    /// Its level digit is not the row's level's.
    Level { digit: u8, level: Level },
    /// The body's division lies outside the row's jurisdiction.
    Division { division: String, jurisdiction: Str },
}

/// A law that replaces a repealed one, and the article it moved to when known.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Replacement {
    pub title: String,
    /// The article in the new law (第十条), when the registry knows the renumbering.
    pub article: Option<String>,
}

/// The typed parts of a finding's sentence, beyond its rule, field, subject and values. One
/// variant per shape of sentence; `crate::report::message` writes each per rule and language.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Detail {
    /// The rule's sentence needs nothing beyond the field and the values.
    #[default]
    Plain,
    /// The row's value (`actual`) differs from the reference's (`expected`), held by `source`.
    Differs { source: Source },
    /// QD201 category: both categories, which the sentence names in the reader's language.
    Category { source: Source, actual: Category, expected: Category },
    /// QD001: the item (`item`, `item_name`) is missing; `level` is the jurisdiction's.
    Missing { source: Source, level: Level },
    /// QD002: the closest standard item, when one is close.
    Unknown { closest: Option<(String, String, Score)> },
    /// QD003: exercised at `level`; the standard's levels are `expected`.
    AtLevel { level: Level },
    /// QD004: the parent county lacking the item.
    NoCountyCounterpart { county: Str },
    /// QD005: `holders` of `of` peers at `level` carry the item.
    Rare { holders: usize, of: usize, level: Level },
    /// QD102: why the code is malformed.
    CodeMalformed { reason: CodeReason },
    /// QD103: the code's category key `key` names `named` (None: no category), the row says
    /// `category` (whose key in the region's table is `own_key`). `category_wrong`: the code
    /// agrees with the reference, so the row's category is what is wrong.
    CodeCategory {
        code: String,
        key: String,
        named: Option<Category>,
        category: Category,
        own_key: String,
        category_wrong: bool,
    },
    /// QD104: the code (`actual`) appears `count` times; `row_name` is one of the rows.
    Duplicate { row_name: String, count: usize },
    /// QD105: the code (`code`) is the reference's `expected` name; the row is `actual`.
    SharedCode { code: String, score: Score },
    /// QD106 / QD107: matched by name (`score`) to the item the subject names; the row is
    /// `row_name` carrying `actual` (no code: None).
    ShouldCarry { row_name: String, score: Score, source: Source },
    /// QD108: what the implementation code (`actual`) contradicts.
    Implementation { problems: Vec<ImplProblem> },
    /// QD109: `own` body's 办理项 `name` numbered `actual`, while `body` numbers it `expected`.
    HandlingNumber { name: String, own: String, body: String },
    /// QD301 / QD302: the laws (titles) one basis cites and the other does not.
    Laws { source: Source, titles: Vec<String> },
    /// QD303: the articles of `title` cited by the row and by the reference.
    Articles { source: Source, title: String, ours: Vec<u32>, theirs: Vec<u32> },
    /// QD305: a repealed law cited (`title`, `article`), repealed `on`, replaced by.
    Repealed {
        title: String,
        article: Option<u32>,
        on: Option<String>,
        replaced_by: Option<Replacement>,
    },
    /// QD402: the committed limit (`actual`) is longer than `statutory`.
    ExceedsStatutory { committed: String, statutory: String },
    /// QD404: an immediate item promising `committed`.
    Immediate { committed: String },
    /// QD503: 是否收费 says `flag`, the fee says `fee`.
    FeeFlag { flag: String, fee: String },
    /// QD602 / QD605: the extra intermediaries or materials.
    Extra { source: Source, extra: Vec<String> },
    /// QD603: the extra steps, and how many steps each side has.
    Steps { source: Source, extra: Vec<String>, ours: usize, theirs: usize },
    /// QD606 on a step's stamps: the step.
    StepStamps { step: String },
    /// QD801–QD810: about the element the finding names; the reference's `source` where it
    /// compares, and the members a set adds or that do not fit (`extra`).
    Element { source: Option<Source>, extra: Vec<String> },
    /// QD901 at one level: `of` peers at `level`, the values and how many hold each.
    Split { level: Level, of: usize, values: Vec<(String, usize)> },
    /// QD901 across levels: `of` jurisdictions, the values and who holds each.
    SplitAcross { of: usize, values: Vec<(String, Vec<Str>)> },
}

/// One thing wrong in the data, as CLI.md's findings table describes it. Findings are data; the
/// renderers in `crate::report` turn them into bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `QD101`.
    pub rule: &'static str,
    /// Stable kebab-case rule name.
    pub name: &'static str,
    pub severity: Severity,
    pub field: Field,
    /// For a finding about a category element (field `elements`): its name (处罚种类).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Str>,
    /// 区划代码 the finding is about.
    pub jurisdiction: Option<Str>,
    /// 事项编码 the finding is about (the standard's code where matched to it).
    pub item: Option<Str>,
    /// The item's name, for readers (not part of the stable keys).
    #[serde(skip)]
    pub item_name: Option<Str>,
    /// The reference value.
    pub expected: Option<String>,
    /// The value found.
    pub actual: Option<String>,
    /// The typed parts of the finding's sentence beyond its subject and values; the sentence
    /// itself is written by `crate::report::message` in the reader's language.
    #[serde(skip)]
    pub detail: Detail,
    /// For a finding that follows from another (a town without its county's item because the
    /// county misses it, a field compared with the wrong item): the root finding. Such a
    /// finding is shown under its cause and counts for no summary, `--fail-on` or verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caused_by: Option<Box<Cause>>,
    /// What the decision behind the finding rested on (the fields that agreed and disagreed
    /// with the reference item, a score, how many peers hold a value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Box<Evidence>>,
    /// Whose defect it is: a row's (the default), the standard's own, or one most
    /// jurisdictions carrying the item share.
    #[serde(skip_serializing_if = "Scope::is_row")]
    pub scope: Scope,
    /// A deviation the region approved (`--exceptions`): listed apart, counted for nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<Box<Approval>>,
    /// An exception that named this finding but no longer covers it (expired, or the value
    /// changed): the finding stays loud and says which exception lapsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<Box<Lapsed>>,
    /// Since when the nightly baselines have carried this finding (set by a run with
    /// `--baseline` or `--write-baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<Box<Since>>,
}

/// Since when a finding has been reported (issue 18.3): the night it was first seen, and its age.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Since {
    /// The date it was first seen (YYYY-MM-DD).
    pub first_seen: String,
    /// The run it was first seen in (`QINGDAN_RUN`, else that run's date).
    pub first_run: String,
    /// Whole days from `first_seen` to today (0 for a finding new tonight).
    pub age_days: u32,
}

/// The approval that makes a finding an approved deviation (json `approved`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Approval {
    /// Why the region approved it.
    pub reason: String,
    /// Who approved it.
    pub approver: String,
    /// The approval document number (批准文号).
    pub document: String,
    /// Last day the approval holds (YYYY-MM-DD).
    pub expires: String,
    /// Line of the exception in its file.
    pub line: u64,
}

/// Why an exception naming a finding no longer covers it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum LapseKind {
    /// Its expiry date has passed.
    Expired,
    /// The finding's value is no longer the approved one.
    ValueChanged,
}

/// An exception that lapsed for a finding (json `exception`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Lapsed {
    /// Expired or value changed.
    pub status: LapseKind,
    /// Line of the exception in its file.
    pub line: u64,
    /// Its approval document number.
    pub document: String,
    /// The value it approved.
    pub approved_value: String,
    /// Its expiry date.
    pub expires: String,
}

/// Whose defect a finding names (json `scope`, absent for a row's own).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// A row of a jurisdiction's list (a within-row check is `Within` until the run settles it).
    #[default]
    Row,
    /// Found by a check within one row; settled to `Row` or `Shared` at the end of the run.
    Within,
    /// The standard's own item: reported once, never blamed on the jurisdictions copying it.
    Standard,
    /// Most jurisdictions carrying the item share it (without a standard): reported once.
    Shared,
}

impl Scope {
    /// True for a row's own finding (the json key is then left out).
    pub fn is_row(&self) -> bool {
        matches!(self, Scope::Row | Scope::Within)
    }
}

/// The identity of a root finding (CLI.md `caused_by`): rule, jurisdiction, item, field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Cause {
    /// The root finding's rule id.
    pub rule: &'static str,
    /// Its 区划代码.
    pub jurisdiction: Option<Str>,
    /// Its item.
    pub item: Option<Str>,
    /// Its field.
    pub field: Field,
}

impl Cause {
    /// The identity of `f`, as a cause of others.
    pub fn of(f: &Finding) -> Cause {
        Cause {
            rule: f.rule,
            jurisdiction: f.jurisdiction.clone(),
            item: f.item.clone(),
            field: f.field,
        }
    }
}

/// The evidence of a finding: which fields of the row agreed with the reference item and
/// which did not, the name similarity (in thousandths), and for consensus how many agree.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(default)]
pub struct Evidence {
    /// Fields whose values agree with the reference item's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agreed: Vec<Field>,
    /// Fields whose values differ from the reference item's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disagreed: Vec<Field>,
    /// Name similarity to the reference, in thousandths (Sørensen–Dice on bigrams).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_score: Option<u32>,
    /// Jurisdictions holding the reference value, and jurisdictions compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agree_of: Option<(u32, u32)>,
    /// The row was matched to its item by a name that is not certain (a candidate match, info):
    /// its sentences say so.
    #[serde(skip)]
    pub candidate: bool,
}

impl Finding {
    /// True for a finding that counts on its own (not one that follows from another).
    pub fn is_root(&self) -> bool {
        self.caused_by.is_none()
    }

    /// True for a finding that counts for `--fail-on`, summaries and verdicts: a root finding
    /// the region has not approved.
    pub fn counts(&self) -> bool {
        self.caused_by.is_none() && self.approved.is_none()
    }

    /// The report's order: [`Finding::sort_key`], then severity, then the rest of the finding,
    /// so that findings made in any order (threads, or the shards of a run merged)
    /// sort to one sequence, and equal findings lie side by side.
    pub fn report_order(&self, other: &Finding) -> std::cmp::Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then(self.severity.cmp(&other.severity))
            .then_with(|| {
                (&self.item_name, &self.scope, &self.caused_by, &self.evidence).cmp(&(
                    &other.item_name,
                    &other.scope,
                    &other.caused_by,
                    &other.evidence,
                ))
            })
            .then_with(|| self.name.cmp(other.name))
    }

    /// Sort key: jurisdiction, item, field, rule, then values, so that output never depends on
    /// thread timing.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.jurisdiction.as_deref(),
            self.item.as_deref(),
            self.field,
            self.element.as_deref(),
            self.rule,
            self.actual.as_deref(),
            self.expected.as_deref(),
            &self.detail,
        )
    }
}
