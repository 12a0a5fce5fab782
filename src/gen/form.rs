//! One item's content as the generator holds it (`Form`), its structured values (limits, legal
//! references) and how they are written as text, plus the simplification measures of DATA.md.

use super::vocab::CATEGORIES;

/// Unit of a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// 个工作日
    WorkDays,
    /// 日 (calendar days)
    Days,
    /// 个月
    Months,
}

/// A time limit value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    /// 即办
    Immediate,
    /// 无: no limit given (a defect where the item is a 承诺件; `gen --realistic` only).
    None,
    /// A number and a unit.
    N(u32, Unit),
}

/// How a limit is spelled; the variants are formatting-only noise (DATA.md "Values").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct LimitStyle {
    /// 二十个工作日 instead of 20个工作日.
    pub chinese: bool,
    /// 20工作日 instead of 20个工作日.
    pub short_unit: bool,
}

impl Limit {
    /// The limit as text.
    pub fn text(self, style: LimitStyle) -> String {
        match self {
            Limit::Immediate => "即办".to_string(),
            Limit::None => "无".to_string(),
            Limit::N(n, unit) => {
                let num = if style.chinese { chinese_numeral(n) } else { n.to_string() };
                let unit = match (unit, style.short_unit) {
                    (Unit::WorkDays, false) => "个工作日",
                    (Unit::WorkDays, true) => "工作日",
                    (Unit::Days, _) => "日",
                    (Unit::Months, _) => "个月",
                };
                format!("{num}{unit}")
            }
        }
    }

    /// The limit as the provincial platform exports it, the unit apart in brackets
    /// (`30(工作日)`, `7（工作日）`, `91(自然日)`); None where the platform writes it as usual.
    pub fn platform_text(self, full_width: bool) -> Option<String> {
        let unit = match self {
            Limit::N(_, Unit::WorkDays) => "工作日",
            Limit::N(_, Unit::Days) => "自然日",
            _ => return None,
        };
        let Limit::N(n, _) = self else { return None };
        Some(if full_width { format!("{n}（{unit}）") } else { format!("{n}({unit})") })
    }

    /// The limit in working days where it can be said (calendar days × 5/7, months × 21).
    pub fn working_days(self) -> Option<u32> {
        match self {
            Limit::Immediate => Some(0),
            Limit::None => None,
            Limit::N(n, Unit::WorkDays) => Some(n),
            Limit::N(n, Unit::Days) => Some(n * 5 / 7),
            Limit::N(n, Unit::Months) => Some(n * 21),
        }
    }
}

/// One reference of a legal basis: 《title》第N条[：quoted text].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LawRef {
    pub title: &'static str,
    pub article: u32,
    pub quote: Option<&'static str>,
}

/// How a basis is spelled; the variants are formatting-only noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct BasisStyle {
    /// 第35条 instead of 第三十五条.
    pub arabic: bool,
    /// 《食品安全法》 instead of 《中华人民共和国食品安全法》.
    pub no_prefix: bool,
}

/// Writes a basis: references separated by ；.
pub(crate) fn basis_text(refs: &[LawRef], style: BasisStyle) -> String {
    let mut out = String::new();
    for (i, r) in refs.iter().enumerate() {
        if i > 0 {
            out.push('；');
        }
        let title = if style.no_prefix {
            r.title.strip_prefix("中华人民共和国").unwrap_or(r.title)
        } else {
            r.title
        };
        let article = if style.arabic { r.article.to_string() } else { chinese_numeral(r.article) };
        out.push_str(&format!("《{title}》第{article}条"));
        if let Some(q) = r.quote {
            out.push('：');
            out.push_str(q);
        }
    }
    out
}

/// One step of an item's process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub name: String,
    pub limit: Limit,
    pub stamps: u32,
}

/// One material of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Material {
    pub name: String,
    pub required: bool,
    pub copies: u32,
    pub stamped: bool,
}

/// An item's content, independent of the jurisdiction that implements it. Text fields that noise
/// or faults may respell are kept as text beside the structured value they were written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pub code: String,
    pub name: String,
    /// Index into `CATEGORIES`.
    pub category: usize,
    /// Index into `DEPTS`.
    pub dept: usize,
    /// 行使层级 (县级、镇级).
    pub levels: String,
    pub refs: Vec<LawRef>,
    pub basis: String,
    pub statutory: Limit,
    pub statutory_text: String,
    pub committed: Limit,
    pub committed_text: String,
    pub charged: bool,
    pub fee: String,
    pub fee_basis: String,
    pub visits: u32,
    pub intermediaries: Vec<String>,
    /// 即办件 (true) or 承诺件.
    pub immediate: bool,
    pub steps: Vec<Step>,
    pub materials: Vec<Material>,
    /// The category's own elements (rules/categories.toml), written to elements.csv.
    pub elements: super::elements::Spec,
}

/// The simplification measures of one item (DATA.md "What is counted for simplification").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Measures {
    pub steps: u32,
    pub stamps: u32,
    pub materials: u32,
    pub committed_days: Option<u32>,
    pub visits: u32,
    pub intermediaries: u32,
    pub charged: bool,
}

impl Form {
    /// 事项类型 text.
    pub fn category_name(&self) -> &'static str {
        CATEGORIES.get(self.category).map(|c| c.0).unwrap_or("其他行政权力")
    }

    /// 办件类型 text.
    pub fn kind_name(&self) -> &'static str {
        if self.immediate {
            "即办件"
        } else {
            "承诺件"
        }
    }

    /// 中介服务 text: 无 or the services separated by ；.
    pub fn intermediaries_text(&self) -> String {
        if self.intermediaries.is_empty() {
            "无".to_string()
        } else {
            self.intermediaries.join("；")
        }
    }

    /// Re-spells every text field from the structured values in the canonical style.
    pub fn refresh_texts(&mut self) {
        self.basis = basis_text(&self.refs, BasisStyle::default());
        self.statutory_text = self.statutory.text(LimitStyle::default());
        self.committed_text = self.committed.text(LimitStyle::default());
    }

    /// The measures, counted as DATA.md counts them from the rows written for this item.
    pub fn measures(&self) -> Measures {
        let step_stamps: u32 = self.steps.iter().map(|s| s.stamps).sum();
        let material_stamps = self.materials.iter().filter(|m| m.stamped).count() as u32;
        Measures {
            steps: self.steps.len() as u32,
            stamps: step_stamps + material_stamps,
            materials: self.materials.iter().filter(|m| m.required).count() as u32,
            committed_days: self.committed.working_days(),
            visits: self.visits,
            intermediaries: self.intermediaries.len() as u32,
            charged: self.charged,
        }
    }
}

/// Writes 1..=9999 in Chinese numerals as statutes do (十五, 二十, 一百零五, 二百二十三).
pub(crate) fn chinese_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "零".to_string();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let parts = [(n / 1000, "千"), (n / 100 % 10, "百"), (n / 10 % 10, "十"), (n % 10, "")];
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, (d, unit)) in parts.iter().enumerate() {
        if *d == 0 {
            if !out.is_empty() {
                pending_zero = true;
            }
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        // 十五, not 一十五, when the number starts at the tens.
        if !(i == 2 && *d == 1 && out.is_empty()) {
            out.push_str(DIGITS[*d as usize]);
        }
        out.push_str(unit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_as_statutes_write_them() {
        assert_eq!(chinese_numeral(5), "五");
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(15), "十五");
        assert_eq!(chinese_numeral(20), "二十");
        assert_eq!(chinese_numeral(35), "三十五");
        assert_eq!(chinese_numeral(100), "一百");
        assert_eq!(chinese_numeral(105), "一百零五");
        assert_eq!(chinese_numeral(110), "一百一十");
        assert_eq!(chinese_numeral(223), "二百二十三");
        assert_eq!(chinese_numeral(1001), "一千零一");
    }

    #[test]
    fn limits_and_bases_are_spelled() {
        let l = Limit::N(20, Unit::WorkDays);
        assert_eq!(l.text(LimitStyle::default()), "20个工作日");
        assert_eq!(l.text(LimitStyle { chinese: true, short_unit: false }), "二十个工作日");
        assert_eq!(l.text(LimitStyle { chinese: false, short_unit: true }), "20工作日");
        assert_eq!(Limit::N(90, Unit::Days).working_days(), Some(64));
        let refs = vec![
            LawRef { title: "中华人民共和国食品安全法", article: 35, quote: None },
            LawRef { title: "中华人民共和国行政许可法", article: 12, quote: None },
        ];
        assert_eq!(
            basis_text(&refs, BasisStyle::default()),
            "《中华人民共和国食品安全法》第三十五条；《中华人民共和国行政许可法》第十二条"
        );
        assert_eq!(
            basis_text(&refs, BasisStyle { arabic: true, no_prefix: true }),
            "《食品安全法》第35条；《行政许可法》第12条"
        );
    }
}
