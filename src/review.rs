//! `review`: the regional review simulated before upload. Takes the findings of `check` (a list
//! against the standard) and turns them into one verdict per item — 通过 (pass) or 退回修改
//! (return) — with one sentence per reason, plus the list-level findings (items missing, unknown
//! to the standard, or at a level the standard does not give them). Which findings return an item
//! is configured in rules/review.toml. Rendering lives in `crate::report::review`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Dataset, Field, Finding, Lang, Level, Severity, Str};
use crate::rulesdir;

/// The embedded default of rules/review.toml.
const DEFAULT_RULES: &str = include_str!("../rules/review.toml");

/// What a finding does to the item it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// 退回修改: the item goes back to the jurisdiction.
    Return,
    /// 建议: listed as advice, the item still passes.
    Advise,
    /// Not shown in the review.
    Ignore,
}

/// Per-field actions; one key per DATA.md field word, so a misspelt field stops the run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldActions {
    presence: Option<Action>,
    name: Option<Action>,
    code: Option<Action>,
    category: Option<Action>,
    department: Option<Action>,
    levels: Option<Action>,
    basis: Option<Action>,
    statutory_limit: Option<Action>,
    committed_limit: Option<Action>,
    fee: Option<Action>,
    visits: Option<Action>,
    intermediaries: Option<Action>,
    kind: Option<Action>,
    steps: Option<Action>,
    stamps: Option<Action>,
    materials: Option<Action>,
    elements: Option<Action>,
}

impl FieldActions {
    fn get(&self, field: Field) -> Option<Action> {
        match field {
            Field::Presence => self.presence,
            Field::Name => self.name,
            Field::Code => self.code,
            Field::Category => self.category,
            Field::Department => self.department,
            Field::Levels => self.levels,
            Field::Basis => self.basis,
            Field::StatutoryLimit => self.statutory_limit,
            Field::CommittedLimit => self.committed_limit,
            Field::Fee => self.fee,
            Field::Visits => self.visits,
            Field::Intermediaries => self.intermediaries,
            Field::Kind => self.kind,
            Field::Steps => self.steps,
            Field::Stamps => self.stamps,
            Field::Materials => self.materials,
            Field::Elements => self.elements,
        }
    }
}

fn default_return_on() -> Vec<Severity> {
    vec![Severity::Error]
}

fn default_advise_on() -> Vec<Severity> {
    vec![Severity::Warning]
}

/// rules/review.toml: which findings return an item and which are advice.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReviewConfig {
    /// Severities that return an item.
    #[serde(default = "default_return_on")]
    return_on: Vec<Severity>,
    /// Severities listed as advice.
    #[serde(default = "default_advise_on")]
    advise_on: Vec<Severity>,
    /// Overrides by field.
    #[serde(default)]
    fields: FieldActions,
    /// Overrides by rule id or rule name.
    #[serde(default)]
    rules: BTreeMap<String, Action>,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            return_on: default_return_on(),
            advise_on: default_advise_on(),
            fields: FieldActions::default(),
            rules: BTreeMap::new(),
        }
    }
}

impl ReviewConfig {
    /// Loads rules/review.toml from `rules_dir` when it has one, else the embedded default. A bad
    /// file stops the run with file, line and column.
    pub fn load(rules_dir: Option<&Path>) -> Result<ReviewConfig> {
        let text = rulesdir::rules_file(rules_dir, "review.toml", DEFAULT_RULES)?;
        let cfg: ReviewConfig = rulesdir::parse_toml(&text)?;
        if let Some(sev) = cfg.return_on.iter().find(|s| cfg.advise_on.contains(s)) {
            return Err(Error::Rules {
                file: text.label,
                line: None,
                column: None,
                key: Some("advise-on".into()),
                message: format!("severity `{}` is in both return-on and advise-on", sev.as_str()),
            });
        }
        if let Some(key) = cfg.rules.keys().find(|k| crate::rules::find(k).is_none()) {
            let (line, column) = match text.text.find(key.as_str()) {
                Some(at) => rulesdir::line_col(&text.text, at),
                None => (None, None),
            };
            return Err(Error::Rules {
                file: text.label,
                line,
                column,
                key: Some(key.clone()),
                message: "no rule has this id or name (see `qingdan rules`)".into(),
            });
        }
        Ok(cfg)
    }

    /// What `finding` does to its item: the rule override, else the field override, else the
    /// severity.
    pub fn action(&self, finding: &Finding) -> Action {
        if let Some(a) = self.rules.get(finding.rule).or_else(|| self.rules.get(finding.name)) {
            return *a;
        }
        if let Some(a) = self.fields.get(finding.field) {
            return a;
        }
        if self.return_on.contains(&finding.severity) {
            Action::Return
        } else if self.advise_on.contains(&finding.severity) {
            Action::Advise
        } else {
            Action::Ignore
        }
    }
}

/// The verdict on one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// 退回修改. Ordered first so that returned items lead every listing.
    Return,
    /// 通过.
    Pass,
}

impl Verdict {
    /// The stable JSON word: `pass` or `return`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Return => "return",
        }
    }

    /// 通过 / 退回修改.
    pub fn zh(self) -> &'static str {
        match self {
            Verdict::Pass => "通过",
            Verdict::Return => "退回修改",
        }
    }
}

/// One reason, as the regional department would write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub finding: Finding,
    /// One Chinese sentence naming the field, the value found and what the standard requires.
    pub text: String,
    /// The same in English.
    pub text_en: String,
}

impl Reason {
    /// Builds the reason for `finding`: its own message when that already names the values,
    /// otherwise a sentence composed from the field, the value found and the value expected.
    pub fn new(finding: Finding) -> Reason {
        // A lapsed exception (expired, or its value changed) is named beside the reason.
        let note = |lang| crate::report::findings::exception_note(&finding, lang);
        let text = sentence_zh(&finding) + &note(crate::model::Lang::Zh);
        let text_en = sentence_en(&finding) + &note(crate::model::Lang::En);
        Reason { finding, text, text_en }
    }
}

/// The review of one item of one jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReview {
    /// 区划代码.
    pub jurisdiction: Str,
    /// 事项编码: the standard's code where the item was matched to it, else the row's own.
    pub item: Str,
    /// 事项名称 as the list writes it.
    pub item_name: Str,
    pub verdict: Verdict,
    /// Findings that return the item (empty when it passes).
    pub reasons: Vec<Reason>,
    /// Findings listed as advice (建议).
    pub advice: Vec<Reason>,
}

/// The kinds of list-level findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ListKind {
    /// An item the standard requires at this level is missing from the list.
    Missing,
    /// An item of the list is unknown to the standard.
    Unknown,
    /// An item of the list is in the standard, but not for this level.
    WrongLevel,
    /// Any other finding that belongs to no item of the list.
    Other,
}

impl ListKind {
    /// All kinds, in report order.
    pub const ALL: [ListKind; 4] =
        [ListKind::Missing, ListKind::Unknown, ListKind::WrongLevel, ListKind::Other];

    /// The stable JSON key.
    pub fn key(self) -> &'static str {
        match self {
            ListKind::Missing => "missing",
            ListKind::Unknown => "unknown",
            ListKind::WrongLevel => "wrong_level",
            ListKind::Other => "other",
        }
    }

    /// Chinese heading.
    pub fn zh(self) -> &'static str {
        match self {
            ListKind::Missing => "缺失事项",
            ListKind::Unknown => "标准目录外事项",
            ListKind::WrongLevel => "行使层级不符事项",
            ListKind::Other => "其他意见",
        }
    }

    /// English heading.
    pub fn en(self) -> &'static str {
        match self {
            ListKind::Missing => "Missing items",
            ListKind::Unknown => "Items unknown to the standard",
            ListKind::WrongLevel => "Items at a level the standard does not give them",
            ListKind::Other => "Other remarks",
        }
    }
}

/// A finding about the list rather than one of its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFinding {
    pub kind: ListKind,
    /// Return or advise (ignored findings are dropped).
    pub action: Action,
    /// 事项名称 where known (from the list or the standard).
    pub item_name: Option<Str>,
    pub reason: Reason,
}

/// One jurisdiction reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurisdictionSummary {
    pub code: Str,
    pub name: Str,
    pub level: Option<Level>,
    pub items: usize,
    pub pass: usize,
    pub returned: usize,
    /// List-level findings per kind, in `ListKind::ALL` order.
    pub list: [usize; 4],
}

/// The whole review: items sorted by jurisdiction and item code, list-level findings likewise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    pub items: Vec<ItemReview>,
    pub list: Vec<ListFinding>,
    pub jurisdictions: Vec<JurisdictionSummary>,
    /// Findings the region approved (`--exceptions`): they return and advise nothing, and are
    /// listed apart.
    pub approved: Vec<Reason>,
}

impl Review {
    /// Items that pass.
    pub fn passed(&self) -> usize {
        self.items.iter().filter(|i| i.verdict == Verdict::Pass).count()
    }

    /// Items returned.
    pub fn returned(&self) -> usize {
        self.items.iter().filter(|i| i.verdict == Verdict::Return).count()
    }

    /// List-level findings of one kind.
    pub fn list_of(&self, kind: ListKind) -> impl Iterator<Item = &ListFinding> {
        self.list.iter().filter(move |l| l.kind == kind)
    }

    /// Reasons (returning) and advice counted per field, in `Field::ALL` order, fields with
    /// neither left out. List-level findings count too.
    pub fn by_field(&self) -> Vec<(Field, usize, usize)> {
        let mut counts: BTreeMap<Field, (usize, usize)> = BTreeMap::new();
        for item in &self.items {
            for r in &item.reasons {
                counts.entry(r.finding.field).or_default().0 += 1;
            }
            for r in &item.advice {
                counts.entry(r.finding.field).or_default().1 += 1;
            }
        }
        for l in &self.list {
            let c = counts.entry(l.reason.finding.field).or_default();
            match l.action {
                Action::Return => c.0 += 1,
                _ => c.1 += 1,
            }
        }
        counts.into_iter().map(|(f, (r, a))| (f, r, a)).collect()
    }
}

/// Index of the standard: normalised code and normalised name to (code, name).
struct StandardIndex<'a> {
    by_code: BTreeMap<&'a str, (&'a Str, &'a Str)>,
    by_name: BTreeMap<&'a str, (&'a Str, &'a Str)>,
}

impl<'a> StandardIndex<'a> {
    fn new(standard: &'a Dataset) -> Self {
        let mut by_code = BTreeMap::new();
        let mut by_name = BTreeMap::new();
        for it in &standard.items {
            if !it.code.is_empty() {
                by_code.entry(it.code.norm.as_ref()).or_insert((&it.code.raw, &it.name.raw));
            }
            if !it.name.is_empty() {
                by_name.entry(it.name.norm.as_ref()).or_insert((&it.code.raw, &it.name.raw));
            }
        }
        StandardIndex { by_code, by_name }
    }

    fn has_code(&self, code: &str) -> bool {
        self.by_code.contains_key(crate::value::name::normalize(code).as_str())
    }

    fn name_of(&self, code: &str) -> Option<&'a Str> {
        self.by_code.get(crate::value::name::normalize(code).as_str()).map(|(_, n)| *n)
    }
}

/// The key of each row of `list` for its findings: the key of the group `report`'s check put it
/// in (`CheckReport::grouping`), else its standard key ([`standard_keys`]).
pub fn keys(list: &Dataset, standard: &Dataset, report: &crate::check::CheckReport) -> Vec<Str> {
    let own = standard_keys(list, standard);
    let Some(grouping) = report.grouping.as_deref() else { return own };
    own.into_iter()
        .enumerate()
        .map(|(i, own)| {
            grouping
                .of_item
                .get(i)
                .and_then(|&g| grouping.groups.get(g))
                .map_or(own, |g| g.key.clone())
        })
        .collect()
}

/// The item key of each row of `list` (index for index): the standard's code of the item it is
/// matched to — by its name first, since a wrong or duplicated code is itself a fault, then by
/// its code — else the row's own code, else its name. `check` matches rows in its own grouping;
/// the command passes those keys instead, so that findings and rows always agree. This is the
/// fallback for callers without a grouping.
pub fn standard_keys(list: &Dataset, standard: &Dataset) -> Vec<Str> {
    let std_index = StandardIndex::new(standard);
    list.items
        .iter()
        .map(|row| {
            let matched = std_index
                .by_name
                .get(row.name.norm.as_ref())
                .or_else(|| std_index.by_code.get(row.code.norm.as_ref()))
                .map(|(code, _)| *code);
            match matched {
                Some(code) => code.clone(),
                None if !row.code.is_empty() => Str::from(row.code.raw.trim()),
                None => row.name.raw.clone(),
            }
        })
        .collect()
}

/// Reviews `list` against `standard`, given the findings `check` reported for it and the item
/// key of each row (`item_keys[i]` for `list.items[i]`; see `standard_keys`), so that findings —
/// which name the item by that key — land on the row they are about. Rows with the same key in
/// one jurisdiction are reviewed as one item.
pub fn review(
    list: &Dataset,
    standard: &Dataset,
    item_keys: &[Str],
    findings: &[Finding],
    cfg: &ReviewConfig,
) -> Review {
    let std_index = StandardIndex::new(standard);

    // (jurisdiction, key) -> index into `items`; aliases resolve other spellings of the key.
    let mut items: Vec<ItemReview> = Vec::new();
    let mut keys: BTreeMap<(Str, String), usize> = BTreeMap::new();
    let mut aliases: Vec<((Str, String), usize)> = Vec::new();
    for (row, key) in list.items.iter().zip(item_keys) {
        let j = row.jurisdiction.clone();
        let idx = *keys.entry((j.clone(), key.to_string())).or_insert_with(|| {
            items.push(ItemReview {
                jurisdiction: j.clone(),
                item: key.clone(),
                item_name: row.name.raw.clone(),
                verdict: Verdict::Pass,
                reasons: Vec::new(),
                advice: Vec::new(),
            });
            items.len() - 1
        });
        for alias in [
            row.code.raw.trim().to_string(),
            row.code.norm.to_string(),
            row.name.raw.trim().to_string(),
            row.name.norm.to_string(),
        ] {
            if !alias.is_empty() {
                aliases.push(((j.clone(), alias), idx));
            }
        }
    }
    // Primary keys win over aliases: a row's own code never captures another item's findings.
    for (k, idx) in aliases {
        keys.entry(k).or_insert(idx);
    }
    let lookup = |j: &Str, item: &str| -> Option<usize> {
        keys.get(&(j.clone(), item.to_string()))
            .or_else(|| keys.get(&(j.clone(), crate::value::name::normalize(item))))
            .copied()
    };

    let mut list_findings = Vec::new();
    let mut approved = Vec::new();
    for f in findings {
        if f.approved.is_some() {
            approved.push(Reason::new(f.clone()));
            continue;
        }
        // A defect of the standard itself is the region's to fix (check reports it once): it
        // is no opinion on the list reviewed.
        if f.scope == crate::model::Scope::Standard {
            continue;
        }
        // A finding that follows from another never returns an item on its own: the clerk
        // fixes the cause (CLI.md `caused_by`).
        // Nor does a defect of the standard itself: the region fixes its standard.
        let action = match cfg.action(f) {
            Action::Return if !f.is_root() || f.scope == crate::model::Scope::Standard => {
                Action::Advise
            }
            a => a,
        };
        if action == Action::Ignore {
            continue;
        }
        let entry = match (&f.jurisdiction, &f.item) {
            (Some(j), Some(item)) => lookup(j, item),
            _ => None,
        };
        let kind = if f.field == Field::Presence {
            Some(presence_kind(f, entry.is_some(), &std_index))
        } else if entry.is_none() {
            Some(ListKind::Other)
        } else {
            None
        };
        match (kind, entry) {
            (Some(kind), entry) => {
                let item_name = f
                    .item_name
                    .clone()
                    .or_else(|| entry.map(|i| items[i].item_name.clone()))
                    .or_else(|| f.item.as_deref().and_then(|c| std_index.name_of(c)).cloned());
                list_findings.push(ListFinding {
                    kind,
                    action,
                    item_name,
                    reason: Reason::new(f.clone()),
                });
            }
            (None, Some(i)) => {
                let it = &mut items[i];
                match action {
                    Action::Return => {
                        it.verdict = Verdict::Return;
                        it.reasons.push(Reason::new(f.clone()));
                    }
                    _ => it.advice.push(Reason::new(f.clone())),
                }
            }
            (None, None) => {}
        }
    }

    for it in &mut items {
        it.reasons.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
        it.advice.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
        it.reasons.dedup_by(|a, b| a.text == b.text && a.finding.field == b.finding.field);
        it.advice.dedup_by(|a, b| a.text == b.text && a.finding.field == b.finding.field);
    }
    items.sort_by(|a, b| (&a.jurisdiction, &a.item).cmp(&(&b.jurisdiction, &b.item)));
    list_findings.sort_by(|a, b| {
        (a.kind, a.reason.finding.sort_key()).cmp(&(b.kind, b.reason.finding.sort_key()))
    });
    list_findings.dedup();

    let jurisdictions = summarise(list, &items, &list_findings);
    Review { items, list: list_findings, jurisdictions, approved }
}

/// Which list-level group a presence finding belongs to: by its rule when it is one of check's
/// presence rules, else by whether the list has the item and the standard knows its code.
fn presence_kind(f: &Finding, in_list: bool, std_index: &StandardIndex<'_>) -> ListKind {
    match f.name {
        "required-item-missing" => return ListKind::Missing,
        "item-unknown-to-standard" => return ListKind::Unknown,
        "item-at-level-not-given" => return ListKind::WrongLevel,
        "town-item-without-county-counterpart" | "item-rare-among-peers" => return ListKind::Other,
        _ => {}
    }
    match (in_list, &f.item) {
        (false, _) => ListKind::Missing,
        (true, Some(code)) if std_index.has_code(code) => ListKind::WrongLevel,
        (true, _) => ListKind::Unknown,
    }
}

/// Per-jurisdiction counts: every jurisdiction of the list, of its items and of its findings.
fn summarise(
    list: &Dataset,
    items: &[ItemReview],
    list_findings: &[ListFinding],
) -> Vec<JurisdictionSummary> {
    fn entry<'m>(
        by_code: &'m mut BTreeMap<Str, JurisdictionSummary>,
        list: &Dataset,
        code: &Str,
    ) -> &'m mut JurisdictionSummary {
        by_code.entry(code.clone()).or_insert_with(|| JurisdictionSummary {
            code: code.clone(),
            name: list.jurisdiction(code).map(|j| j.name.clone()).unwrap_or_else(|| Str::from("")),
            level: list.level_of(code),
            items: 0,
            pass: 0,
            returned: 0,
            list: [0; 4],
        })
    }
    let mut by_code: BTreeMap<Str, JurisdictionSummary> = BTreeMap::new();
    for j in &list.jurisdictions {
        entry(&mut by_code, list, &j.code);
    }
    for it in items {
        let s = entry(&mut by_code, list, &it.jurisdiction);
        s.items += 1;
        match it.verdict {
            Verdict::Pass => s.pass += 1,
            Verdict::Return => s.returned += 1,
        }
    }
    for l in list_findings {
        if let Some(j) = &l.reason.finding.jurisdiction {
            let s = entry(&mut by_code, list, j);
            if let Some(k) = ListKind::ALL.iter().position(|k| *k == l.kind) {
                s.list[k] += 1;
            }
        }
    }
    by_code.into_values().collect()
}

/// The sentence templates of one language: a whole sentence from the values when the finding
/// has no message, the values alone to follow a message that does not name them.
struct Templates {
    both: fn(&str, &str, &str) -> String,
    actual: fn(&str, &str) -> String,
    expected: fn(&str, &str) -> String,
    neither: fn(&str) -> String,
    note_both: fn(&str, &str, &str) -> String,
    note_actual: fn(&str, &str) -> String,
    note_expected: fn(&str, &str) -> String,
    open: &'static str,
    close: &'static str,
}

/// The finding's own message when it already names the values it carries; else that message
/// with the values after it; else a sentence composed from the field and the values.
fn sentence(f: &Finding, lang: Lang, field: &str, full_stop: char, t: &Templates) -> String {
    let message = crate::report::message::message(f, lang);
    let msg = message.trim().trim_end_matches(full_stop).trim();
    let actual = f.actual.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let expected = f.expected.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let names = crate::report::message::names_values(f) || (actual.is_none() && expected.is_none());
    if !msg.is_empty() && names {
        return msg.to_string();
    }
    if msg.is_empty() {
        return match (actual, expected) {
            (Some(a), Some(e)) => (t.both)(field, a, e),
            (Some(a), None) => (t.actual)(field, a),
            (None, Some(e)) => (t.expected)(field, e),
            (None, None) => (t.neither)(field),
        };
    }
    let note = match (actual, expected) {
        (Some(a), Some(e)) => (t.note_both)(field, a, e),
        (Some(a), None) => (t.note_actual)(field, a),
        (None, Some(e)) => (t.note_expected)(field, e),
        (None, None) => return msg.to_string(),
    };
    format!("{msg}{}{note}{}", t.open, t.close)
}

const ZH: Templates = Templates {
    both: |f, a, e| format!("{f}为“{a}”，与标准目录不一致，应为“{e}”"),
    actual: |f, a| format!("{f}“{a}”不符合要求"),
    expected: |f, e| format!("{f}未填写，应为“{e}”"),
    neither: |f| format!("{f}不符合要求"),
    note_both: |f, a, e| format!("{f}现为“{a}”，应为“{e}”"),
    note_actual: |f, a| format!("{f}现为“{a}”"),
    note_expected: |f, e| format!("{f}应为“{e}”"),
    open: "（",
    close: "）",
};

const EN: Templates = Templates {
    both: |f, a, e| format!("{f} is \"{a}\", the standard requires \"{e}\""),
    actual: |f, a| format!("{f} \"{a}\" is not acceptable"),
    expected: |f, e| format!("{f} is empty, the standard requires \"{e}\""),
    neither: |f| format!("{f} is not acceptable"),
    note_both: |f, a, e| format!("{f} is \"{a}\", should be \"{e}\""),
    note_actual: |f, a| format!("{f} is \"{a}\""),
    note_expected: |f, e| format!("{f} should be \"{e}\""),
    open: " (",
    close: ")",
};

/// The Chinese reason sentence for a finding.
pub fn sentence_zh(f: &Finding) -> String {
    sentence(f, Lang::Zh, f.field.zh(), '。', &ZH)
}

/// The English reason sentence for a finding.
pub fn sentence_en(f: &Finding) -> String {
    sentence(f, Lang::En, f.field.as_str(), '.', &EN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn item(j: &str, code: &str, name: &str) -> Item {
        Item {
            jurisdiction: j.into(),
            code: Code::parse(code.into()).into(),
            implementation_code: None,
            name: Name::new(name.into()).into(),
            department: Name::new("".into()).into(),
            body: ItemBody {
                category_raw: "行政许可".into(),
                category: Some(Category::Licensing),
                levels: Levels::parse("".into()).into(),
                basis: Basis::parse("".into()).into(),
                statutory_limit: TimeLimit::parse("".into()).into(),
                committed_limit: TimeLimit::parse("".into()).into(),
                charged: Flag::parse("否".into()).into(),
                fee: Fee::parse("".into()).into(),
                fee_basis: "".into(),
                visits: Count::parse("".into()).into(),
                intermediaries: Intermediaries::parse("无".into()).into(),
                kind_raw: "".into(),
                kind: None,
                statutory_note: "".into(),
                committed_note: "".into(),
            }
            .into(),
            steps: Vec::new(),
            materials: Vec::new(),
            elements: Vec::new(),
            line: 2,
        }
    }

    fn finding(
        sev: Severity,
        field: Field,
        j: &str,
        item: &str,
        actual: Option<&str>,
        expected: Option<&str>,
        _message: &str,
    ) -> Finding {
        Finding {
            rule: "QD999",
            name: "test-rule",
            severity: sev,
            field,
            element: None,
            jurisdiction: Some(j.into()),
            item: Some(item.into()),
            item_name: None,
            expected: expected.map(String::from),
            actual: actual.map(String::from),
            detail: Default::default(),
            caused_by: None,
            evidence: None,
            scope: Default::default(),
            approved: None,
            exception: None,
            since: None,
        }
    }

    fn datasets() -> (Dataset, Dataset) {
        let standard = Dataset {
            items: vec![
                item("450000", "450101001000", "食品经营许可"),
                item("450000", "450102001000", "药品零售许可"),
                item("450000", "450103001000", "建设工程规划许可"),
                item("450000", "450104001000", "户外广告设置许可"),
            ],
            ..Default::default()
        };
        let list = Dataset {
            jurisdictions: vec![Jurisdiction {
                code: "450102".into(),
                name: "兴宁区".into(),
                level: Level::County,
                parent: Some("450100".into()),
            }],
            items: vec![
                // matched by code although the name differs
                item("450102", "450101001000", "食品经营许可证核发"),
                // matched by name although the code is malformed
                item("450102", "4501020010", "药品零售许可"),
                item("450102", "450103001000", "建设工程规划许可"),
                // unknown to the standard
                item("450102", "450199001000", "自创事项"),
            ],
            ..Default::default()
        };
        (list, standard)
    }

    #[test]
    fn errors_return_warnings_advise_and_presence_is_list_level() {
        let (list, standard) = datasets();
        let findings = vec![
            finding(
                Severity::Error,
                Field::CommittedLimit,
                "450102",
                "450101001000",
                Some("25个工作日"),
                Some("20个工作日"),
                "承诺时限“25个工作日”超过法定时限“20个工作日”。",
            ),
            finding(
                Severity::Warning,
                Field::Code,
                "450102",
                "450102001000",
                Some("4501020010"),
                Some("450102001000"),
                "",
            ),
            finding(
                Severity::Error,
                Field::Presence,
                "450102",
                "450104001000",
                None,
                None,
                "缺少标准目录要求县级实施的事项",
            ),
            finding(
                Severity::Warning,
                Field::Presence,
                "450102",
                "450199001000",
                Some("自创事项"),
                Some("建设工程规划许可"),
                "事项不在标准目录中",
            ),
        ];
        let mut findings = findings;
        findings[0].rule = "QD402";
        findings[0].detail = crate::model::Detail::ExceedsStatutory {
            committed: "25个工作日".into(),
            statutory: "20个工作日".into(),
        };
        let keys = standard_keys(&list, &standard);
        let r = review(&list, &standard, &keys, &findings, &ReviewConfig::default());
        let verdicts: Vec<(&str, Verdict)> =
            r.items.iter().map(|i| (i.item.as_ref(), i.verdict)).collect();
        assert_eq!(
            verdicts,
            vec![
                ("450101001000", Verdict::Return),
                ("450102001000", Verdict::Pass),
                ("450103001000", Verdict::Pass),
                ("450199001000", Verdict::Pass),
            ]
        );
        assert_eq!(r.items[0].reasons[0].text, "承诺时限“25个工作日”长于法定时限“20个工作日”");
        assert_eq!(
            r.items[1].advice[0].text,
            "事项编码为“4501020010”，与标准目录不一致，应为“450102001000”"
        );
        assert_eq!(r.list_of(ListKind::Missing).count(), 1);
        assert_eq!(
            r.list_of(ListKind::Missing).next().and_then(|l| l.item_name.as_deref()),
            Some("户外广告设置许可")
        );
        assert_eq!(r.list_of(ListKind::Unknown).count(), 1);
        assert_eq!((r.passed(), r.returned()), (3, 1));
        assert_eq!(r.jurisdictions.len(), 1);
        assert_eq!(r.jurisdictions[0].list, [1, 1, 0, 0]);
        assert_eq!(r.jurisdictions[0].returned, 1);
    }

    #[test]
    fn presence_of_an_item_the_standard_has_is_wrong_level() {
        let (list, standard) = datasets();
        let f = finding(
            Severity::Warning,
            Field::Presence,
            "450102",
            "450103001000",
            None,
            None,
            "标准目录未要求县级实施",
        );
        let keys = standard_keys(&list, &standard);
        let r = review(&list, &standard, &keys, &[f], &ReviewConfig::default());
        assert_eq!(r.list_of(ListKind::WrongLevel).count(), 1);
        assert_eq!(r.returned(), 0);
    }

    #[test]
    fn overrides_by_rule_then_field_then_severity() {
        let toml = r#"
            return-on = ["error", "warning"]
            advise-on = ["info"]
            [fields]
            department = "advise"
            [rules]
            QD999 = "ignore"
            other-rule = "return"
        "#;
        let cfg: ReviewConfig = toml::from_str(toml).unwrap();
        let mut f = finding(Severity::Info, Field::Department, "1", "2", None, None, "");
        assert_eq!(cfg.action(&f), Action::Ignore);
        f.rule = "QD100";
        assert_eq!(cfg.action(&f), Action::Advise);
        f.name = "other-rule";
        assert_eq!(cfg.action(&f), Action::Return);
        f.name = "x";
        f.field = Field::Fee;
        assert_eq!(cfg.action(&f), Action::Advise);
        f.severity = Severity::Warning;
        assert_eq!(cfg.action(&f), Action::Return);
    }

    #[test]
    fn bad_rules_files_are_errors_with_position() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("review.toml"), "[fields]\nnmae = \"return\"\n").unwrap();
        let err = ReviewConfig::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("review.toml:2"), "{err}");
        std::fs::write(
            dir.path().join("review.toml"),
            "return-on = [\"error\"]\nadvise-on = [\"error\"]\n",
        )
        .unwrap();
        assert!(ReviewConfig::load(Some(dir.path())).is_err());
        std::fs::write(dir.path().join("review.toml"), "return-on = [\"fatal\"]\n").unwrap();
        assert!(ReviewConfig::load(Some(dir.path())).is_err());
        std::fs::write(
            dir.path().join("review.toml"),
            "[rules]\nQD101 = \"return\"\nno-such-rule = \"return\"\n",
        )
        .unwrap();
        let err = ReviewConfig::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("review.toml:3:1") && err.contains("no-such-rule"), "{err}");
    }

    #[test]
    fn the_embedded_default_loads() {
        let cfg = ReviewConfig::load(None).unwrap();
        let f = finding(Severity::Warning, Field::Fee, "1", "2", None, None, "");
        assert_eq!(cfg.action(&f), Action::Advise);
    }

    #[test]
    fn sentences_keep_good_messages_and_compose_the_rest() {
        // A sentence that names its values is the reason as it is.
        let mut f = finding(
            Severity::Error,
            Field::Basis,
            "1",
            "2",
            Some("《中华人民共和国合同法》"),
            Some("《中华人民共和国民法典》"),
            "",
        );
        f.rule = "QD305";
        f.detail = crate::model::Detail::Repealed {
            title: "中华人民共和国合同法".into(),
            article: None,
            on: None,
            replaced_by: Some(crate::model::Replacement {
                title: "中华人民共和国民法典".into(),
                article: None,
            }),
        };
        assert_eq!(
            sentence_zh(&f),
            "设定依据引用的《中华人民共和国合同法》已废止，已由《中华人民共和国民法典》取代"
        );
        // A sentence naming only a part (the extra step) gets the values after it.
        let mut f = finding(
            Severity::Warning,
            Field::Steps,
            "1",
            "2",
            Some("受理、审查、现场核查、决定"),
            Some("受理、审查、决定"),
            "",
        );
        f.rule = "QD603";
        f.detail = crate::model::Detail::Steps {
            source: crate::model::Source::Standard,
            extra: vec!["现场核查".into()],
            ours: 4,
            theirs: 3,
        };
        assert_eq!(
            sentence_zh(&f),
            "多出标准目录没有的办理环节：现场核查（4个环节，标准目录为3个）（办理流程现为“受理、审查、现场核查、决定”，应为“受理、审查、决定”）"
        );
        // No sentence of its own: one is composed from the field and the values.
        let f = finding(Severity::Error, Field::Visits, "1", "2", Some("2"), Some("1"), "");
        assert_eq!(sentence_zh(&f), "到现场次数为“2”，与标准目录不一致，应为“1”");
        assert_eq!(sentence_en(&f), "visits is \"2\", the standard requires \"1\"");
    }
}
