//! The vocabulary of qingdan: jurisdictions, items, their steps and materials, and the typed values
//! every check, diff and review works on. Parsers of the values live in `crate::value`.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub use crate::finding::{
    Cause, CodeReason, Detail, Evidence, Finding, ImplProblem, Lang, Replacement, Scope, Score,
    Source,
};
pub use crate::value::basis::{Basis, LawRef};
pub use crate::value::code::{BaseCode, Code, ImplCode};
pub use crate::value::count::Count;
pub use crate::value::fee::{Fee, FeeValue};
pub use crate::value::limit::{LimitValue, TimeLimit, TimeUnit};
pub use crate::value::name::Name;

/// Shared, immutable text. Repeated values (a law's basis text appears in a thousand counties) are
/// interned at load time so that each distinct string is stored and parsed once.
pub type Str = Arc<str>;

/// The administrative level of a jurisdiction or of the exercise of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// 省 (region / province)
    Province,
    /// 市
    City,
    /// 县 (县、区、县级市)
    County,
    /// 镇 (乡、镇、街道)
    Town,
}

impl Level {
    /// All levels, top down.
    pub const ALL: [Level; 4] = [Level::Province, Level::City, Level::County, Level::Town];

    /// The one-character Chinese name used in jurisdictions.csv: 省 / 市 / 县 / 镇.
    pub fn zh(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县",
            Level::Town => "镇",
        }
    }

    /// The word used in 行使层级: 省级 / 市级 / 县级 / 镇级.
    pub fn zh_level(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::City => "市级",
            Level::County => "县级",
            Level::Town => "镇级",
        }
    }

    /// English name.
    pub fn en(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Town => "town",
        }
    }

    /// The level digit of an implementation code (2 省, 3 市, 4 县, 5 乡镇).
    pub fn digit(self) -> u8 {
        match self {
            Level::Province => 2,
            Level::City => 3,
            Level::County => 4,
            Level::Town => 5,
        }
    }

    /// The level for an implementation-code / `use_level` digit. 1 (国) has no jurisdiction here.
    pub fn from_digit(d: u8) -> Option<Level> {
        match d {
            2 => Some(Level::Province),
            3 => Some(Level::City),
            4 => Some(Level::County),
            5 => Some(Level::Town),
            _ => None,
        }
    }

    /// Parses 省/市/县/镇 and their long forms (县区, 县级市, 区, 乡, 街道, 乡镇, 省级, city, ...).
    pub fn parse(raw: &str) -> Option<Level> {
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let t = t.trim_end_matches('级');
        Some(match t {
            "省" | "自治区" | "区域" | "province" | "Province" | "region" => Level::Province,
            "市" | "地市" | "设区市" | "city" | "City" => Level::City,
            "县" | "区" | "县区" | "县级市" | "县(市、区)" | "county" | "County" => {
                Level::County
            }
            "镇" | "乡" | "街道" | "乡镇" | "镇街道" | "乡镇街道" | "乡镇(街道)" | "镇(街道)"
            | "town" | "Town" => Level::Town,
            _ => return None,
        })
    }

    /// The level a division code implies (DATA.md): 9 digits town; 6 digits ending 0000 region,
    /// ending 00 city, otherwise county. 12-digit codes (Sichuan style) are read the same way on
    /// their meaningful prefix.
    pub fn from_division_code(code: &str) -> Option<Level> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let code = if code.len() == 12 {
            let trimmed = code.trim_end_matches("000");
            if trimmed.len() > 6 {
                return Some(Level::Town);
            }
            &code[..6]
        } else {
            code
        };
        match code.len() {
            9 => Some(Level::Town),
            6 if code.ends_with("0000") => Some(Level::Province),
            6 if code.ends_with("00") => Some(Level::City),
            6 => Some(Level::County),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

/// One city, county-level or town-level unit (区划).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jurisdiction {
    /// 区划代码 (6 digits, 9 for a town).
    pub code: Str,
    /// 区划名称; empty when only the code is known.
    pub name: Str,
    pub level: Level,
    /// 上级区划代码; `None` for the top.
    pub parent: Option<Str>,
}

/// The ten categories of administrative power (事项类型), plus 公共服务 which some exports carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    Licensing,
    Penalty,
    Coercion,
    Levy,
    Benefit,
    Inspection,
    Confirmation,
    Reward,
    Adjudication,
    Other,
    PublicService,
}

impl Category {
    /// The ten categories of power, in code order (公共服务 excluded).
    pub const POWERS: [Category; 10] = [
        Category::Licensing,
        Category::Penalty,
        Category::Coercion,
        Category::Levy,
        Category::Benefit,
        Category::Inspection,
        Category::Confirmation,
        Category::Reward,
        Category::Adjudication,
        Category::Other,
    ];

    /// The TT digits of a base code (01 许可 … 10 其他行政权力, 20 公共服务).
    pub fn code(self) -> &'static str {
        match self {
            Category::Licensing => "01",
            Category::Penalty => "02",
            Category::Coercion => "03",
            Category::Levy => "04",
            Category::Benefit => "05",
            Category::Inspection => "06",
            Category::Confirmation => "07",
            Category::Reward => "08",
            Category::Adjudication => "09",
            Category::Other => "10",
            Category::PublicService => "20",
        }
    }

    /// Full Chinese name: 行政许可 … 其他行政权力.
    pub fn zh(self) -> &'static str {
        match self {
            Category::Licensing => "行政许可",
            Category::Penalty => "行政处罚",
            Category::Coercion => "行政强制",
            Category::Levy => "行政征收",
            Category::Benefit => "行政给付",
            Category::Inspection => "行政检查",
            Category::Confirmation => "行政确认",
            Category::Reward => "行政奖励",
            Category::Adjudication => "行政裁决",
            Category::Other => "其他行政权力",
            Category::PublicService => "公共服务",
        }
    }

    /// English name.
    pub fn en(self) -> &'static str {
        match self {
            Category::Licensing => "licensing",
            Category::Penalty => "penalty",
            Category::Coercion => "coercion",
            Category::Levy => "levy",
            Category::Benefit => "benefit",
            Category::Inspection => "inspection",
            Category::Confirmation => "confirmation",
            Category::Reward => "reward",
            Category::Adjudication => "adjudication",
            Category::Other => "other",
            Category::PublicService => "public-service",
        }
    }

    /// Parses a full name, a short form (许可, 处罚, 其他, ...), or a code (01, 1, 10, 20).
    pub fn parse(raw: &str) -> Option<Category> {
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let t = crate::value::name::nfkc(&t);
        let t = t.as_str();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = t.parse().ok()?;
            return Category::POWERS
                .iter()
                .chain(std::iter::once(&Category::PublicService))
                .copied()
                .find(|c| c.code().parse::<u32>().ok() == Some(n));
        }
        let t = t.strip_prefix("行政").unwrap_or(t);
        // 公共服务事项, 行政许可类: a trailing 事项 or 类 adds nothing to the category's name.
        let t = t.strip_suffix("事项").or_else(|| t.strip_suffix('类')).unwrap_or(t);
        Some(match t {
            "许可" => Category::Licensing,
            "处罚" => Category::Penalty,
            "强制" => Category::Coercion,
            "征收" => Category::Levy,
            "给付" => Category::Benefit,
            "检查" => Category::Inspection,
            "确认" => Category::Confirmation,
            "奖励" => Category::Reward,
            "裁决" => Category::Adjudication,
            "其他" | "其他行政权力" | "其他权力" | "其它" | "其它行政权力" => {
                Category::Other
            }
            "公共服务" => Category::PublicService,
            _ => return None,
        })
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

/// 办件类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    /// 即办件: done on the spot.
    Immediate,
    /// 承诺件: done within a committed limit.
    Committed,
}

impl Kind {
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Immediate => "即办件",
            Kind::Committed => "承诺件",
        }
    }

    /// Parses 即办件/即办 and 承诺件/承诺, and the system export codes 1 / 2.
    pub fn parse(raw: &str) -> Option<Kind> {
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        match t.as_str() {
            "即办件" | "即办" | "1" | "immediate" => Some(Kind::Immediate),
            "承诺件" | "承诺" | "2" | "committed" => Some(Kind::Committed),
            _ => None,
        }
    }
}

/// A 是/否 value kept with its raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Flag {
    pub raw: Str,
    /// `None` when empty or unreadable (see `raw`).
    pub value: Option<bool>,
}

impl Flag {
    /// Parses 是/否, 有/无, Y/N, 1/0, true/false, 必要/非必要, 需要/不需要.
    pub fn parse(raw: Str) -> Flag {
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let value = match t.to_ascii_lowercase().as_str() {
            "是" | "有" | "y" | "yes" | "1" | "true" | "必要" | "必须" | "需要" | "收费"
            | "必需" => Some(true),
            "否" | "无" | "n" | "no" | "0" | "false" | "非必要" | "不需要" | "不收费"
            | "非必需" | "容缺" => Some(false),
            _ => None,
        };
        Flag { raw, value }
    }

    /// True when the raw text is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.trim().is_empty()
    }
}

/// 行使层级: the levels that must implement an item (in a standard).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Levels {
    pub raw: Str,
    /// Sorted, de-duplicated.
    pub levels: Vec<Level>,
    /// Parts of `raw` that named no level.
    pub unparsed: Vec<String>,
}

impl Levels {
    /// Parses 县级、镇级 / 市级,县级 / codes "2,3" / "4" (use_level digits).
    pub fn parse(raw: Str) -> Levels {
        let mut levels = Vec::new();
        let mut unparsed = Vec::new();
        for part in raw
            .split(|c: char| "、,，;；/ \n\r\t".contains(c))
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let lv = if part.len() == 1 && part.as_bytes()[0].is_ascii_digit() {
                Level::from_digit(part.as_bytes()[0] - b'0')
            } else {
                Level::parse(part)
            };
            match lv {
                Some(l) => levels.push(l),
                None => unparsed.push(part.to_string()),
            }
        }
        levels.sort();
        levels.dedup();
        Levels { raw, levels, unparsed }
    }

    /// True when nothing was given.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty() && self.unparsed.is_empty()
    }

    /// 县级、镇级 rendering of the parsed set.
    pub fn display(&self) -> String {
        self.levels.iter().map(|l| l.zh_level()).collect::<Vec<_>>().join("、")
    }
}

/// 中介服务: the intermediary services an item requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Intermediaries {
    pub raw: Str,
    /// Normalised names (NFKC, whitespace removed), in the order given; empty for 无.
    pub list: Vec<String>,
}

impl Intermediaries {
    /// Splits on ；; 、 and newlines; 无 / 不涉及 / empty mean none.
    pub fn parse(raw: Str) -> Intermediaries {
        let list = raw
            .split(|c: char| "；;、\n\r".contains(c))
            .map(crate::value::name::normalize)
            .filter(|p| {
                !p.is_empty() && !matches!(p.as_str(), "无" | "不涉及" | "-" | "—" | "/" | "否")
            })
            .collect();
        Intermediaries { raw, list }
    }
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
            Field::Presence => String::new(),
        }
    }

    /// The stamps measure (DATA.md): 盖章数 over the steps plus materials with 需盖章 = 是.
    pub fn stamps(&self) -> u64 {
        let steps: u64 = self.steps.iter().filter_map(|s| s.stamps.value).sum();
        let materials = self.materials.iter().filter(|m| m.stamped.value == Some(true)).count();
        steps + materials as u64
    }

    /// Required materials (是否必要 = 是).
    pub fn required_materials(&self) -> usize {
        self.materials.iter().filter(|m| m.is_required()).count()
    }
}

/// The words that name the field a finding or a change is about (DATA.md "Field names in output").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Presence,
    Name,
    Code,
    Category,
    Department,
    Levels,
    Basis,
    StatutoryLimit,
    CommittedLimit,
    Fee,
    Visits,
    Intermediaries,
    Kind,
    Steps,
    Stamps,
    Materials,
}

impl Field {
    /// Every field, in report order.
    pub const ALL: [Field; 16] = [
        Field::Presence,
        Field::Name,
        Field::Code,
        Field::Category,
        Field::Department,
        Field::Levels,
        Field::Basis,
        Field::StatutoryLimit,
        Field::CommittedLimit,
        Field::Fee,
        Field::Visits,
        Field::Intermediaries,
        Field::Kind,
        Field::Steps,
        Field::Stamps,
        Field::Materials,
    ];

    /// The stable English word (DATA.md).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Presence => "presence",
            Field::Name => "name",
            Field::Code => "code",
            Field::Category => "category",
            Field::Department => "department",
            Field::Levels => "levels",
            Field::Basis => "basis",
            Field::StatutoryLimit => "statutory_limit",
            Field::CommittedLimit => "committed_limit",
            Field::Fee => "fee",
            Field::Visits => "visits",
            Field::Intermediaries => "intermediaries",
            Field::Kind => "kind",
            Field::Steps => "steps",
            Field::Stamps => "stamps",
            Field::Materials => "materials",
        }
    }

    /// The Chinese column name a clerk knows.
    pub fn zh(self) -> &'static str {
        match self {
            Field::Presence => "事项设置",
            Field::Name => "事项名称",
            Field::Code => "事项编码",
            Field::Category => "事项类型",
            Field::Department => "实施主体",
            Field::Levels => "行使层级",
            Field::Basis => "设定依据",
            Field::StatutoryLimit => "法定时限",
            Field::CommittedLimit => "承诺时限",
            Field::Fee => "收费",
            Field::Visits => "到现场次数",
            Field::Intermediaries => "中介服务",
            Field::Kind => "办件类型",
            Field::Steps => "办理流程",
            Field::Stamps => "盖章",
            Field::Materials => "申请材料",
        }
    }

    /// Parses the English word.
    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of a finding.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "警告",
            Severity::Error => "错误",
        }
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
    /// Columns present but not used by qingdan.
    pub ignored_columns: Vec<String>,
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
