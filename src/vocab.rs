//! The words at the bottom of qingdan: shared text, levels, categories, kinds, fields,
//! severities and the reader's language. Everything else (the value parsers in `crate::value`,
//! the data model in `crate::model`, findings, rules, reports) is built on these and nothing
//! here imports any of it.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// Shared, immutable text. Repeated values (a law's basis text appears in a thousand counties) are
/// interned at load time so that each distinct string is stored and parsed once.
pub type Str = Arc<str>;

/// The administrative level of a jurisdiction or of the exercise of an item.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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

/// The ten categories of administrative power (事项类型), plus 公共服务 which some exports carry.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

/// 办件类型.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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
}

/// The words that name the field a finding or a change is about (DATA.md "Field names in output").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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
    /// The category's own elements (rules/categories.toml): 处罚种类, 检查频次, …
    Elements,
}

impl Field {
    /// Every field, in report order.
    pub const ALL: [Field; 17] = [
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
        Field::Elements,
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
            Field::Elements => "elements",
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
            Field::Elements => "要素",
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

/// Language of human-readable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文 (default)
    #[default]
    Zh,
    /// English
    En,
}

impl Lang {
    /// Picks the Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
