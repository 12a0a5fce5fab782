//! The small value parsers of a row: 是/否 flags, 行使层级, 中介服务, and the category and kind
//! words.

use serde::Serialize;

use crate::vocab::{Category, Kind, Level, Str};

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

impl Category {
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

impl Kind {
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
