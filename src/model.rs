//! The data model of qingdan: jurisdictions, items, their steps and materials, and the typed values
//! every check, diff and review works on. Parsers of the values live in `crate::value`.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub use crate::finding::{
    Approval, Cause, CodeReason, Detail, Evidence, Finding, ImplProblem, LapseKind, Lapsed,
    Replacement, Scope, Score, Since, Source,
};
pub use crate::value::basis::{Basis, LawRef};
pub use crate::value::code::{BaseCode, Code, ImplCode};
pub use crate::value::count::Count;
pub use crate::value::element::{Element, ElementValue};
pub use crate::value::fee::{Fee, FeeValue};
pub use crate::value::limit::{LimitValue, TimeLimit, TimeUnit};
pub use crate::value::name::Name;
pub use crate::value::words::{Flag, Intermediaries, Levels};
pub use crate::vocab::{Category, Field, Kind, Lang, Level, Severity, Str};

/// One city, county-level or town-level unit (区划).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Jurisdiction {
    /// 区划代码 (6 digits, 9 for a town).
    pub code: Str,
    /// 区划名称; empty when only the code is known.
    pub name: Str,
    pub level: Level,
    /// 上级区划代码; `None` for the top.
    pub parent: Option<Str>,
}

/// One step of an item's process (流程): what it says, shared by every row that says the same (a
/// province repeats 受理, 1个工作日, 1 in every county), and the line it was read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    #[serde(flatten)]
    body: Arc<StepBody>,
    /// 1-based line of the row in steps.csv (or its sheet); 0 when not read from a file.
    pub line: u64,
}

/// What a step says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepBody {
    /// 序号; `None` when missing or unreadable (rows then keep file order).
    pub seq: Option<u32>,
    /// 环节名称, raw.
    pub name: Arc<Name>,
    /// 环节时限.
    pub limit: Arc<TimeLimit>,
    /// 盖章数.
    pub stamps: Arc<Count>,
}

impl Step {
    /// A step saying `body`, read from `line`.
    pub fn new(body: Arc<StepBody>, line: u64) -> Step {
        Step { body, line }
    }

    /// The shared body (to make more steps that say the same).
    pub fn body(&self) -> &Arc<StepBody> {
        &self.body
    }
}

impl std::ops::Deref for Step {
    type Target = StepBody;
    fn deref(&self) -> &StepBody {
        &self.body
    }
}

/// Changing a step changes its own copy of the body (the others that shared it keep theirs).
impl std::ops::DerefMut for Step {
    fn deref_mut(&mut self) -> &mut StepBody {
        Arc::make_mut(&mut self.body)
    }
}

/// One required (or optional) material (材料): what it says, shared like a step's, and its line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Material {
    #[serde(flatten)]
    body: Arc<MaterialBody>,
    /// 1-based line of the row in materials.csv (or its sheet); 0 when not read from a file.
    pub line: u64,
}

/// What a material says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaterialBody {
    pub name: Arc<Name>,
    /// 是否必要.
    pub required: Arc<Flag>,
    /// 份数.
    pub copies: Arc<Count>,
    /// 需盖章.
    pub stamped: Arc<Flag>,
}

impl Material {
    /// A material saying `body`, read from `line`.
    pub fn new(body: Arc<MaterialBody>, line: u64) -> Material {
        Material { body, line }
    }

    /// The shared body (to make more materials that say the same).
    pub fn body(&self) -> &Arc<MaterialBody> {
        &self.body
    }
}

impl std::ops::Deref for Material {
    type Target = MaterialBody;
    fn deref(&self) -> &MaterialBody {
        &self.body
    }
}

/// Changing a material changes its own copy of the body (the others that shared it keep theirs).
impl std::ops::DerefMut for Material {
    fn deref_mut(&mut self) -> &mut MaterialBody {
        Arc::make_mut(&mut self.body)
    }
}

impl MaterialBody {
    /// Required unless 是否必要 says 否 (an empty cell counts as required, as the systems do).
    pub fn is_required(&self) -> bool {
        self.required.value != Some(false)
    }
}

/// One administrative power as one jurisdiction implements it: one row of items.csv with its
/// steps and materials. What does not name the item or its implementer (type, basis, limits,
/// fees, ...) is its body, shared by the rows that say the same (every county implementing a
/// standard item as the standard has it); its fields read as the item's own through `Deref`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// 区划代码 of the implementing jurisdiction.
    pub jurisdiction: Str,
    /// 事项编码 (base code).
    pub code: Arc<Code>,
    /// 实施编码, when given.
    pub implementation_code: Option<Code>,
    /// 事项名称.
    pub name: Arc<Name>,
    /// 实施主体.
    pub department: Arc<Name>,
    #[serde(flatten)]
    pub body: Arc<ItemBody>,
    /// 流程, in 序号 order.
    pub steps: Vec<Step>,
    /// 材料, in file order.
    pub materials: Vec<Material>,
    /// The category's own elements (rules/categories.toml) the list gives, from columns of
    /// items.csv and rows of elements.csv, in the order of categories.toml's headers met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub elements: Vec<Element>,
    /// 1-based line of the row in items.csv (or its sheet; the header is line 1); 0 when not
    /// read from a file.
    pub line: u64,
}

/// What an item says besides its name, code and implementer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemBody {
    /// 事项类型, raw and parsed.
    pub category_raw: Str,
    pub category: Option<Category>,
    /// 行使层级.
    pub levels: Arc<Levels>,
    /// 设定依据.
    pub basis: Arc<Basis>,
    /// 法定时限.
    pub statutory_limit: Arc<TimeLimit>,
    /// 承诺时限.
    pub committed_limit: Arc<TimeLimit>,
    /// 是否收费.
    pub charged: Arc<Flag>,
    /// 收费标准.
    pub fee: Arc<Fee>,
    /// 收费依据, raw.
    pub fee_basis: Str,
    /// 到现场次数.
    pub visits: Arc<Count>,
    /// 中介服务.
    pub intermediaries: Arc<Intermediaries>,
    /// 办件类型, raw and parsed.
    pub kind_raw: Str,
    pub kind: Option<Kind>,
    /// The explanations a system keeps beside its numeric limits (法定时限说明, 承诺时限说明),
    /// raw; empty when not given.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub statutory_note: Str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub committed_note: Str,
}

impl std::ops::Deref for Item {
    type Target = ItemBody;
    fn deref(&self) -> &ItemBody {
        &self.body
    }
}

/// Changing a field of an item's body changes its own copy (the others that shared it keep theirs).
impl std::ops::DerefMut for Item {
    fn deref_mut(&mut self) -> &mut ItemBody {
        Arc::make_mut(&mut self.body)
    }
}

impl Item {
    /// The value of `field` as the clerk wrote it (trimmed): the fee, else 是否收费; steps joined
    /// by " → "; required materials by "、"; the stamps counted. Empty for presence.
    pub fn field_text(&self, field: Field) -> String {
        match field {
            Field::Name => self.name.raw.trim().to_string(),
            Field::Code => self.code.raw.trim().to_string(),
            Field::Category => self.category_raw.trim().to_string(),
            Field::Department => self.department.raw.trim().to_string(),
            Field::Levels => self.levels.raw.trim().to_string(),
            Field::Basis => self.basis.raw.trim().to_string(),
            Field::StatutoryLimit => self.statutory_limit.raw.trim().to_string(),
            Field::CommittedLimit => self.committed_limit.raw.trim().to_string(),
            Field::Fee => {
                let fee = self.fee.raw.trim();
                if fee.is_empty() {
                    self.charged.raw.trim().to_string()
                } else {
                    fee.to_string()
                }
            }
            Field::Visits => self.visits.raw.trim().to_string(),
            Field::Intermediaries => self.intermediaries.raw.trim().to_string(),
            Field::Kind => self.kind_raw.trim().to_string(),
            Field::Steps => {
                self.steps.iter().map(|s| s.name.raw.trim()).collect::<Vec<_>>().join(" → ")
            }
            Field::Stamps => self.stamps().to_string(),
            Field::Materials => self
                .materials
                .iter()
                .filter(|m| m.is_required())
                .map(|m| m.name.raw.trim())
                .collect::<Vec<_>>()
                .join("、"),
            Field::Elements => self
                .elements
                .iter()
                .filter(|e| !e.raw.is_empty())
                .map(|e| format!("{}：{}", e.name, e.raw))
                .collect::<Vec<_>>()
                .join("；"),
            Field::Presence => String::new(),
        }
    }

    /// The stamps measure (DATA.md): 盖章数 over the steps plus materials with 需盖章 = 是.
    pub fn stamps(&self) -> u64 {
        let steps: u64 = self.steps.iter().filter_map(|s| s.stamps.value).sum();
        let materials = self.materials.iter().filter(|m| m.stamped.value == Some(true)).count();
        steps + materials as u64
    }

    /// The element named `name`, when the list gives it.
    pub fn element(&self, name: &str) -> Option<&Element> {
        self.elements.iter().find(|e| &*e.name == name)
    }

    /// Required materials (是否必要 = 是).
    pub fn required_materials(&self) -> usize {
        self.materials.iter().filter(|m| m.is_required()).count()
    }
}

/// A file-level or row-level problem that stopped us reading something (not a finding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: Str,
    /// 1-based line, where there is one.
    pub line: Option<u64>,
    /// The column (header name or 1-based index), where there is one.
    pub column: Option<String>,
    /// The offending text, shortened.
    pub text: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ": column {col}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(text) = &self.text {
            write!(f, " ({text:?})")?;
        }
        Ok(())
    }
}

/// Per-file accounting: every row is loaded or rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub file: String,
    /// Table: jurisdictions, items, steps or materials.
    pub table: String,
    /// Encoding detected or forced (UTF-8, GBK, GB18030, xlsx).
    pub encoding: String,
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_rejected: u64,
    /// Rows left out as earlier versions of a record a later row of the file holds (the
    /// columns `record-id` and `version` of rules/columns.toml); rows_read = rows_loaded +
    /// rows_rejected + rows_superseded.
    #[serde(skip_serializing_if = "is_zero")]
    pub rows_superseded: u64,
    /// Columns present but not used by qingdan.
    pub ignored_columns: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What happened while reading a dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    pub files: Vec<FileReport>,
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadReport {
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }
    pub fn rows_rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rows_rejected).sum()
    }
}

/// One or many lists: the jurisdictions and their items, as loaded.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Where it was read from.
    pub source: String,
    /// Sorted by code.
    pub jurisdictions: Vec<Jurisdiction>,
    /// In file order.
    pub items: Vec<Item>,
    pub report: LoadReport,
}

impl Dataset {
    /// The jurisdiction with this code.
    pub fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.jurisdictions
            .binary_search_by(|j| j.code.as_ref().cmp(code))
            .ok()
            .map(|i| &self.jurisdictions[i])
    }

    /// The level of a jurisdiction: from jurisdictions.csv, else from its code.
    pub fn level_of(&self, code: &str) -> Option<Level> {
        self.jurisdiction(code).map(|j| j.level).or_else(|| Level::from_division_code(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_codes() {
        assert_eq!(Level::from_division_code("450000"), Some(Level::Province));
        assert_eq!(Level::from_division_code("450100"), Some(Level::City));
        assert_eq!(Level::from_division_code("450102"), Some(Level::County));
        assert_eq!(Level::from_division_code("450102001"), Some(Level::Town));
        assert_eq!(Level::from_division_code("511602000000"), Some(Level::County));
        assert_eq!(Level::from_division_code("45010"), None);
    }

    #[test]
    fn categories_parse_names_short_forms_and_codes() {
        assert_eq!(Category::parse("行政许可"), Some(Category::Licensing));
        assert_eq!(Category::parse("许可"), Some(Category::Licensing));
        assert_eq!(Category::parse("01"), Some(Category::Licensing));
        assert_eq!(Category::parse("1"), Some(Category::Licensing));
        assert_eq!(Category::parse("10"), Some(Category::Other));
        assert_eq!(Category::parse("其他"), Some(Category::Other));
        assert_eq!(Category::parse(" 行政处罚 "), Some(Category::Penalty));
        assert_eq!(Category::parse("99"), None);
    }

    #[test]
    fn levels_parse_words_and_digits() {
        let l = Levels::parse("县级、镇级".into());
        assert_eq!(l.levels, vec![Level::County, Level::Town]);
        let l = Levels::parse("2,3".into());
        assert_eq!(l.levels, vec![Level::Province, Level::City]);
    }

    #[test]
    fn intermediaries_none_and_list() {
        assert!(Intermediaries::parse("无".into()).list.is_empty());
        assert_eq!(Intermediaries::parse("环境影响评价；安全评价".into()).list.len(), 2);
    }
}
