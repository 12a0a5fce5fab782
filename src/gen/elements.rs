//! The category elements (rules/categories.toml) of generated items: each standard item's
//! values, drawn from its code so that the other draws of the generator are untouched; their
//! formatting-only respellings (noise: another order or separator of a set, a synonym, 2000-10000元
//! for 二千元以上一万元以下, 百分之三 for 3%, 1次/年 for 每年1次); and the faults the element rules
//! QD801–QD809 report, each recorded in truth.csv under the field `elements`.
//!
//! The values follow the sources of rules/categories.toml: 处罚种类 from 《行政处罚法》第九条,
//! 强制种类 from 《行政强制法》第九条、第十二条, 检查方式, 抽查比例 and 检查频次 as the 双随机抽查
//! lists cited there write them.

use super::form::{chinese_numeral, Form};
use super::vocab::*;

/// An item's elements as the generator holds them: the values and how they are spelled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Spec {
    /// Free-text elements (违法行为, 检查对象, 征收标准 …), in the order written.
    pub texts: Vec<(&'static str, String)>,
    /// Set elements (处罚种类, 检查方式, 强制类型, 强制种类, 审批结果类型 …): their members.
    pub sets: Vec<(&'static str, Vec<&'static str>)>,
    /// 处罚幅度: (lowest, highest) yuan of each band, 情节较轻 first.
    pub bands: Vec<(u32, u32)>,
    /// 抽查比例 in percent.
    pub ratio: Option<u32>,
    /// 检查频次, times per year.
    pub per_year: Option<u32>,
    /// Elements a fault left empty (not written).
    pub emptied: Vec<&'static str>,
    /// How the values are spelled.
    pub style: Style,
}

/// How an item's elements are spelled; every choice but the default is formatting-only noise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Style {
    /// A set's separator: 、 (0), ，(1), ；(2), a space (3).
    pub separator: u8,
    /// A set's members in reverse order.
    pub reversed: bool,
    /// A set's members by a synonym of rules/categories.toml where one exists.
    pub synonyms: bool,
    /// Bands: 二千元以上一万元以下 (0), 2000元以上10000元以下 (1), 2000-10000元 (2), 2千元至1万元 (3).
    pub bands: u8,
    /// Ratio: 3% (0), 百分之三 (1), ３％ (2), 3/100 (3).
    pub ratio: u8,
    /// Frequency: 每年1次 (0), 1次/年 (1), 每年一次 (2).
    pub frequency: u8,
}

/// FNV-1a of some bytes: the elements' draws, independent of the generator's random streams.
fn hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in *p {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h = (h ^ 0xff).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn pick<T: Copy>(list: &[T], h: u64) -> T {
    list[(h % list.len() as u64) as usize]
}

/// 处罚种类 of the standard's penalty items (《行政处罚法》第九条).
const PENALTY_KINDS: &[&[&str]] = &[
    &["警告", "罚款"],
    &["罚款", "没收违法所得"],
    &["警告", "罚款", "没收违法所得", "没收非法财物"],
    &["罚款", "责令停产停业"],
    &["警告", "通报批评", "罚款"],
    &["罚款", "没收违法所得", "吊销许可证件"],
];

/// 处罚幅度 of the standard's penalty items: (情节较轻, 情节严重) bands in yuan.
const PENALTY_BANDS: &[&[(u32, u32)]] = &[
    &[(2000, 10000), (10000, 50000)],
    &[(1000, 5000), (5000, 30000)],
    &[(5000, 20000), (20000, 100000)],
    &[(10000, 30000)],
];

const INSPECTION_METHODS: &[&[&str]] = &[
    &["现场检查", "书面检查"],
    &["双随机抽查", "现场检查"],
    &["现场检查"],
    &["书面检查", "网络监测"],
    &["日常巡查", "现场检查"],
];

/// 抽查比例 (%) and 检查频次 (per year) of the standard's inspection items.
const RATIOS: &[u32] = &[3, 5, 10, 2];
const PER_YEAR: &[u32] = &[1, 2, 4];

const REWARD_FORMS: &[&[&str]] = &[&["通报表扬"], &["通报表扬", "颁发荣誉证书"], &["发放奖金"]];

/// Synonyms written for a member (rules/categories.toml `synonyms`, "written" = "member").
const SYNONYMS: &[(&str, &str)] = &[
    ("暂扣许可证件", "暂扣许可证"),
    ("吊销许可证件", "吊销许可证"),
    ("没收非法财物", "非法财物"),
    ("责令停产停业", "责令停业"),
    ("查封", "查封场所、设施或者财物"),
    ("扣押", "扣押财物"),
    ("冻结", "冻结存款、汇款"),
    ("加处罚款或滞纳金", "加处罚款"),
    ("划拨", "划拨存款、汇款"),
    ("网络监测", "网络检查"),
    ("双随机抽查", "随机抽查"),
    ("日常巡查", "巡查"),
    ("行政强制措施", "强制措施"),
    ("行政强制执行", "强制执行"),
];

/// The standard's elements of an item of `category` named `name` with base code `code` and the
/// first legal reference `basis` (《…》第N条), or an empty spec for a category without any.
pub(crate) fn canonical(category: usize, name: &str, code: &str, basis: &str) -> Spec {
    let h = hash(&[code.as_bytes(), name.as_bytes()]);
    let mut s = Spec::default();
    let core = name.trim_start_matches('对');
    match category {
        PENALTY => {
            let act = core.trim_end_matches("的行政处罚").trim_end_matches("的处罚");
            s.texts.push(("违法行为", act.to_string()));
            s.sets.push(("处罚种类", pick(PENALTY_KINDS, h).to_vec()));
            s.bands = pick(PENALTY_BANDS, h >> 8).to_vec();
            if !basis.is_empty() {
                s.texts.push(("法律责任条款", basis.to_string()));
            }
        }
        COERCION => {
            let execution = ["加处罚款", "代履行", "划拨", "拍卖"].iter().any(|w| name.contains(w));
            let (kind, members): (&str, Vec<&str>) = if execution {
                let m = if name.contains("加处罚款") {
                    "加处罚款或滞纳金"
                } else {
                    "代履行"
                };
                ("行政强制执行", vec![m])
            } else {
                let mut m = Vec::new();
                for w in ["查封", "扣押", "冻结"] {
                    if name.contains(w) {
                        m.push(w);
                    }
                }
                if m.is_empty() {
                    m.push(pick(&["查封", "扣押"], h));
                }
                ("行政强制措施", m)
            };
            s.sets.push(("强制类型", vec![kind]));
            s.sets.push(("强制种类", members));
        }
        INSPECTION => {
            let target = core.trim_end_matches("的行政检查").trim_end_matches("的监督检查");
            s.texts.push(("检查对象", target.to_string()));
            s.sets.push(("检查方式", pick(INSPECTION_METHODS, h).to_vec()));
            s.ratio = Some(pick(RATIOS, h >> 8));
            s.per_year = Some(pick(PER_YEAR, h >> 16));
        }
        LEVY => {
            let title = basis.split('》').next().unwrap_or("").trim_start_matches('《');
            let standard = if title.is_empty() {
                "按国家和自治区规定的标准征收".to_string()
            } else {
                format!("按《{title}》规定的标准征收")
            };
            s.texts.push(("征收标准", standard));
            let relief = h.is_multiple_of(2);
            s.sets.push(("是否涉及减免", vec![if relief { "是" } else { "否" }]));
            if relief {
                s.texts
                    .push(("减免条件", "符合国家规定减免条件的，依申请减征或者免征".to_string()));
            }
        }
        BENEFIT => {
            s.texts.push(("给付对象", format!("符合{}条件的申请人", core)));
            s.texts.push(("给付标准", "按自治区当年公布的标准发放".to_string()));
        }
        REWARD => {
            s.sets.push(("奖励形式", pick(REWARD_FORMS, h).to_vec()));
            s.texts.push(("奖励标准", "按评选办法确定的名额和标准".to_string()));
        }
        LICENSING | CONFIRMATION => {
            let base = name.split('（').next().unwrap_or(name);
            let (result, kind) = if category == LICENSING && !h.is_multiple_of(3) {
                (format!("{base}证"), "出证办结")
            } else if category == LICENSING {
                (format!("关于{base}的批复"), "出文办结")
            } else {
                (format!("{base}证明"), "审批办结")
            };
            s.texts.push(("审批结果名称", result));
            s.sets.push(("审批结果类型", vec![kind]));
        }
        ADJUDICATION => {
            s.texts.push(("裁决范围", format!("本行政区域内{}所涉争议", core)));
        }
        _ => {}
    }
    s
}

/// The amount in yuan as 二千元 / 一万元 / 十万元.
fn amount_zh(n: u32) -> String {
    if n.is_multiple_of(10000) {
        format!("{}万元", chinese_numeral(n / 10000))
    } else {
        format!("{}元", chinese_numeral(n))
    }
}

/// The amount in yuan as 2千元 / 1万元.
fn amount_mixed(n: u32) -> String {
    if n.is_multiple_of(10000) {
        format!("{}万元", n / 10000)
    } else if n.is_multiple_of(1000) {
        format!("{}千元", n / 1000)
    } else {
        format!("{n}元")
    }
}

impl Spec {
    /// Whether the item has any element.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty() && self.sets.is_empty() && self.bands.is_empty()
    }

    fn set_text(&self, members: &[&str]) -> String {
        let mut m: Vec<&str> = members
            .iter()
            .map(|&x| {
                let synonym = SYNONYMS.iter().find(|(member, _)| *member == x);
                match synonym {
                    Some((_, written)) if self.style.synonyms => *written,
                    _ => x,
                }
            })
            .collect();
        if self.style.reversed {
            m.reverse();
        }
        m.join(["、", "，", "；", " "][usize::from(self.style.separator % 4)])
    }

    fn bands_text(&self) -> String {
        let words = ["情节较轻的，", "情节严重的，"];
        let mut parts = Vec::new();
        for (k, &(lo, hi)) in self.bands.iter().enumerate() {
            let range = match self.style.bands {
                1 => format!("{lo}元以上{hi}元以下"),
                2 => format!("{lo}-{hi}元"),
                3 => format!("{}至{}", amount_mixed(lo), amount_mixed(hi)),
                _ => format!("{}以上{}以下", amount_zh(lo), amount_zh(hi)),
            };
            let lead = if self.bands.len() > 1 { words[k.min(1)] } else { "" };
            parts.push(format!("{lead}处{range}罚款"));
        }
        parts.join("；")
    }

    fn ratio_text(&self, p: u32) -> String {
        match self.style.ratio {
            1 => format!("百分之{}", chinese_numeral(p)),
            2 => p.to_string().chars().map(full_width).collect::<String>() + "％",
            3 => format!("{p}/100"),
            _ => format!("{p}%"),
        }
    }

    fn frequency_text(&self, n: u32) -> String {
        let (period, times) = match n {
            2 => ("半年", 1),
            4 => ("季度", 1),
            12 => ("月", 1),
            _ => ("年", n),
        };
        match self.style.frequency {
            1 => format!("{n}次/年"),
            2 => format!("每{period}{}次", chinese_numeral(times)),
            _ => format!("每{period}{times}次"),
        }
    }

    /// The elements as written: (element, value), in the category's order, without the emptied.
    pub fn cells(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        for (e, v) in &self.texts {
            out.push((e, v.clone()));
        }
        for (e, m) in &self.sets {
            out.push((e, self.set_text(m)));
        }
        if !self.bands.is_empty() {
            out.push(("处罚幅度", self.bands_text()));
        }
        if let Some(p) = self.ratio {
            out.push(("抽查比例", self.ratio_text(p)));
        }
        if let Some(n) = self.per_year {
            out.push(("检查频次", self.frequency_text(n)));
        }
        out.retain(|(e, _)| !self.emptied.contains(e));
        out
    }

    fn set_mut(&mut self, element: &str) -> Option<&mut Vec<&'static str>> {
        self.sets.iter_mut().find(|(e, _)| *e == element).map(|(_, m)| m)
    }

    fn set(&self, element: &str) -> Option<&[&'static str]> {
        self.sets.iter().find(|(e, _)| *e == element).map(|(_, m)| m.as_slice())
    }
}

fn full_width(c: char) -> char {
    match c {
        '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
        _ => c,
    }
}

/// A respelling of `spec` that changes no value (formatting-only noise), drawn from `h`; the
/// detail for truth.csv, or None where the item's elements have nothing to respell.
pub(crate) fn respell(spec: &mut Spec, h: u64) -> Option<String> {
    let before = spec.cells();
    let mut style = Style {
        separator: (h % 4) as u8,
        reversed: h >> 2 & 1 == 1,
        synonyms: h >> 3 & 1 == 1,
        bands: 1 + (h >> 4) as u8 % 3,
        ratio: 1 + (h >> 6) as u8 % 3,
        frequency: 1 + (h >> 8) as u8 % 2,
    };
    // A set written the same way whatever the style, or no set at all: at least the others.
    if style == spec.style {
        style.separator = 1;
    }
    spec.style = style;
    let after = spec.cells();
    let changed: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, b)| format!("{}“{}”写作“{}”", a.0, a.1, b.1))
        .collect();
    if changed.is_empty() {
        spec.style = Style::default();
        return None;
    }
    Some(format!("要素书写不同、含义相同：{}", changed.join("；")))
}

/// Every kind of fault of an element, with the rule that reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ElementFault {
    /// QD801: a set element lacks one of the standard's members, or a text element says
    /// something else.
    Differs,
    /// QD802: a set element adds a member of the law's list the standard does not have.
    AddsMember,
    /// QD803: 处罚幅度's highest amount above the standard's.
    RangeAbove,
    /// QD804: 检查频次 more often than the standard's.
    MoreFrequent,
    /// QD805: 抽查比例 above the standard's.
    RatioAbove,
    /// QD806: a required element left empty.
    RequiredEmpty,
    /// QD807: 处罚种类 with a member outside 《行政处罚法》第九条 (责令改正 is not a penalty).
    OutsideVocabulary,
    /// QD808: a 强制种类 of the other 强制类型 (代履行 among 行政强制措施).
    KindUnfit,
    /// QD809: a 审批结果名称 ending in 证 with the 审批结果类型 出文办结.
    ResultContradicts,
}

impl ElementFault {
    pub const ALL: [ElementFault; 9] = [
        ElementFault::Differs,
        ElementFault::AddsMember,
        ElementFault::RangeAbove,
        ElementFault::MoreFrequent,
        ElementFault::RatioAbove,
        ElementFault::RequiredEmpty,
        ElementFault::OutsideVocabulary,
        ElementFault::KindUnfit,
        ElementFault::ResultContradicts,
    ];

    /// Its name in truth.csv's `class` column.
    pub fn class(self) -> &'static str {
        match self {
            ElementFault::Differs => "element-differs",
            ElementFault::AddsMember => "element-adds-member",
            ElementFault::RangeAbove => "element-range-above",
            ElementFault::MoreFrequent => "element-more-frequent",
            ElementFault::RatioAbove => "element-ratio-above",
            ElementFault::RequiredEmpty => "element-required-empty",
            ElementFault::OutsideVocabulary => "element-outside-vocabulary",
            ElementFault::KindUnfit => "element-kind-unfit",
            ElementFault::ResultContradicts => "element-result-contradicts",
        }
    }

    /// Whether the fault can be put on an item with these elements.
    pub fn fits(self, s: &Spec) -> bool {
        let kind = s.set("强制类型").and_then(|m| m.first().copied());
        match self {
            ElementFault::Differs => !s.texts.is_empty() || s.sets.iter().any(|(_, m)| m.len() > 1),
            ElementFault::AddsMember => {
                s.set("处罚种类").is_some() || s.set("检查方式").is_some() || kind.is_some()
            }
            ElementFault::RangeAbove => !s.bands.is_empty(),
            ElementFault::MoreFrequent => s.per_year.is_some_and(|n| n < 12),
            ElementFault::RatioAbove => s.ratio.is_some(),
            ElementFault::RequiredEmpty => s.cells().iter().any(|(e, _)| required(e)),
            ElementFault::OutsideVocabulary => s.set("处罚种类").is_some(),
            ElementFault::KindUnfit => kind.is_some(),
            ElementFault::ResultContradicts => {
                s.set("审批结果类型") == Some(&["出证办结"][..])
                    && s.texts.iter().any(|(e, v)| *e == "审批结果名称" && v.ends_with('证'))
            }
        }
    }

    /// Puts the fault on `s` (choices drawn from `h`); the detail for truth.csv.
    pub fn apply(self, s: &mut Spec, h: u64) -> String {
        let before: Vec<(&str, String)> = s.cells();
        let was = |e: &str| before.iter().find(|(x, _)| *x == e).map(|(_, v)| v.clone());
        match self {
            ElementFault::Differs => {
                let set = s.sets.iter_mut().find(|(_, m)| m.len() > 1);
                if let Some((e, m)) = set {
                    let gone = m.remove((h % m.len() as u64) as usize);
                    let e = *e;
                    return format!(
                        "{e}少了标准的“{gone}”：{}",
                        s.set_text(s.set(e).unwrap_or(&[]))
                    );
                }
                let k = (h % s.texts.len() as u64) as usize;
                let (e, v) = &mut s.texts[k];
                let old = std::mem::take(v);
                *v = match *e {
                    "审批结果名称" => format!("{old}副本"),
                    "法律责任条款" => old.replacen('条', "条第二款", 1),
                    _ => format!("{old}及其他情形"),
                };
                format!("{e}“{}”与标准“{old}”不同", v)
            }
            ElementFault::AddsMember => {
                let (e, extra): (&str, &[&str]) = if s.set("处罚种类").is_some() {
                    ("处罚种类", &["责令停产停业", "吊销许可证件", "降低资质等级", "没收违法所得"])
                } else if s.set("检查方式").is_some() {
                    ("检查方式", &["专项检查", "联合检查", "书面检查", "现场检查"])
                } else if s.set("强制类型") == Some(&["行政强制执行"][..]) {
                    ("强制种类", &["拍卖", "划拨", "代履行"])
                } else {
                    ("强制种类", &["冻结", "扣押", "查封"])
                };
                let m = s.set_mut(e).expect("fits checked the set");
                let added = extra.iter().copied().find(|x| !m.contains(x)).unwrap_or(extra[0]);
                m.push(added);
                format!("{e}多出标准没有的“{added}”（标准为“{}”）", was(e).unwrap_or_default())
            }
            ElementFault::RangeAbove => {
                let last = s.bands.last_mut().expect("fits checked the bands");
                last.1 *= 2;
                format!("处罚幅度最高额高于标准（标准为“{}”）", was("处罚幅度").unwrap_or_default())
            }
            ElementFault::MoreFrequent => {
                let n = s.per_year.get_or_insert(1);
                *n = match *n {
                    1 => 2,
                    2 => 4,
                    _ => 12,
                };
                format!("检查频次高于标准（标准为“{}”）", was("检查频次").unwrap_or_default())
            }
            ElementFault::RatioAbove => {
                let p = s.ratio.get_or_insert(3);
                *p = (*p * 2).max(*p + 2);
                format!("抽查比例高于标准（标准为“{}”）", was("抽查比例").unwrap_or_default())
            }
            ElementFault::RequiredEmpty => {
                let filled: Vec<&'static str> =
                    s.cells().iter().map(|(e, _)| *e).filter(|e| required(e)).collect();
                let e = filled[(h % filled.len() as u64) as usize];
                s.emptied.push(e);
                format!("必填要素“{e}”为空")
            }
            ElementFault::OutsideVocabulary => {
                s.set_mut("处罚种类").expect("fits checked the set").push("责令改正");
                "处罚种类列入“责令改正”，不是《行政处罚法》第九条的处罚种类".to_string()
            }
            ElementFault::KindUnfit => {
                let execution = s.set("强制类型") == Some(&["行政强制执行"][..]);
                let alien = if execution { "查封" } else { "代履行" };
                s.set_mut("强制种类").expect("fits checked the set").push(alien);
                let kind = if execution { "行政强制执行" } else { "行政强制措施" };
                format!("强制种类“{alien}”不属于强制类型“{kind}”")
            }
            ElementFault::ResultContradicts => {
                if let Some(m) = s.set_mut("审批结果类型") {
                    *m = vec!["出文办结"];
                }
                "审批结果名称以“证”结尾，审批结果类型却为“出文办结”".to_string()
            }
        }
    }
}

/// Whether rules/categories.toml marks the element required.
fn required(element: &str) -> bool {
    let elements = &crate::rules::categories::Categories::builtin().elements;
    elements.iter().any(|d| d.required && &*d.name == element)
}

/// The draw of the elements' fault and noise for a (jurisdiction, item): the same on both
/// versions of a list.
pub(crate) fn row_hash(seed: u64, jur: &str, code: &str) -> u64 {
    hash(&[&seed.to_le_bytes(), jur.as_bytes(), code.as_bytes()])
}

/// Sets a form's elements from its standard spec (used by `standard::build_form`).
pub(crate) fn fill(f: &mut Form) {
    let basis =
        f.refs.first().map(|r| format!("《{}》第{}条", r.title, chinese_numeral(r.article)));
    f.elements = canonical(f.category, &f.name, &f.code, basis.as_deref().unwrap_or(""));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_changes_what_it_says_and_respelling_changes_no_value() {
        let p = canonical(
            PENALTY,
            "对食品经营者未按规定公示有关信息的行政处罚",
            "000201001000",
            "《中华人民共和国食品安全法》第一百二十六条",
        );
        assert_eq!(p.cells()[0], ("违法行为", "食品经营者未按规定公示有关信息".to_string()));
        let mut r = p.clone();
        let detail = respell(&mut r, 0b1_0101_1110).expect("a penalty has sets and bands");
        assert!(detail.contains("写作"), "{detail}");
        assert_ne!(r.cells(), p.cells());
        let i = canonical(INSPECTION, "对食品经营者安全生产情况的行政检查", "000601001000", "");
        for fault in ElementFault::ALL {
            for s in [&p, &i] {
                if !fault.fits(s) {
                    continue;
                }
                let mut f = s.clone();
                fault.apply(&mut f, 7);
                assert_ne!(f.cells(), s.cells(), "{fault:?}");
            }
        }
        assert!(ElementFault::RatioAbove.fits(&i) && !ElementFault::RatioAbove.fits(&p));
    }

    #[test]
    fn bands_and_ratios_are_spelled_as_lists_write_them() {
        let mut s =
            Spec { bands: vec![(2000, 10000), (10000, 50000)], ratio: Some(3), ..Spec::default() };
        assert_eq!(
            s.cells()[0].1,
            "情节较轻的，处二千元以上一万元以下罚款；情节严重的，处一万元以上五万元以下罚款"
        );
        s.style.bands = 3;
        s.style.ratio = 1;
        assert_eq!(
            s.cells()[0].1,
            "情节较轻的，处2千元至1万元罚款；情节严重的，处1万元至5万元罚款"
        );
        assert_eq!(s.cells()[1].1, "百分之三");
    }
}
