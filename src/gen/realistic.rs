//! `gen --realistic`: the shapes real lists have and the plain generator lacks, each recorded in
//! truth.csv with its kind (`class`). Taken from the real samples in /work/shared/data/real/:
//!
//! - a standard with defects of its own, copied by every jurisdiction (`standard-defect`: a
//!   承诺件 whose 承诺时限 is 无, a code whose TT digits disagree with 事项类型, a basis citing a
//!   repealed law), recorded once, for the standard;
//! - 办理项: one base code in several rows whose names carry the 办理项 in brackets
//!   (`…（新办）`, `…（变更）`), with 33-character implementation codes (the Guangxi sample's
//!   `ywcode`: 31 characters and a two-digit 办理项 number) in most lists;
//! - rows without a code, under the standard's name or a reworded one (matched by name);
//! - near-twin names: a row keeps its code but carries the exact name of another item the same
//!   list also has (a name fault on the item its code names);
//! - vertically managed bodies (税务, 海关: credit codes whose division part is 100000) and
//!   development zones (开发区管理委员会) as 实施主体;
//! - platform time limits (`30(工作日)`, `7（工作日）`, `91(自然日)`) in whole lists exported from
//!   the platform;
//! - legal bases written as Liaoning's catalogue writes them: one reference a line, tagged
//!   【法律】/【行政法规】 or numbered 1、, with the article's text quoted (commas, line ends and
//!   double quotes inside the quoted CSV cell);
//! - CRLF line ends in the lists' CSV files;
//! - what a platform export adds (the Guangxi sample's `AUDIT_TASK`): a record id and a version
//!   per row, earlier saved versions of some records beside the latest (`version-superseded`:
//!   a longer 承诺时限 before a reform, versions 9 and 10 among them, so that text order would
//!   pick the wrong one), and explanations beside the limits, mostly agreeing with them (受理之日起
//!   20个工作日, the law's own sentence in Chinese numerals with its extension, 《…》规定, 无) and
//!   sometimes stating another duration (`limit-note-contradicts`, 66 beside 受理之日起20个工作日).
//!
//! Everything is planned once, sequentially from the seed, like `plan::plan`; rendering only reads
//! the plan, so the output does not depend on threads.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::{FxHashMap, FxHashSet};

use super::form::{chinese_numeral, Form, LawRef, Limit, LimitStyle, Unit};
use super::plan::{level_index, FaultKind, Jur, Plan, Standard};
use super::render::{
    credit_code_of, department, differ_name, impl_code, PlatformCells, Tables, Truth,
};
use super::standard::{build_form, PoolEntry};
use super::vocab::*;
use crate::model::{Field, Level};

/// A vertically managed body (垂直管理部门).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// 国家税务总局…税务局
    Tax,
    /// …海关
    Customs,
}

impl Body {
    /// The body's name where it serves `jur`.
    fn name(self, jur: &Jur) -> String {
        match self {
            Body::Tax => format!("国家税务总局{}税务局", jur.name),
            Body::Customs => format!("{}海关", jur.name.trim_end_matches(['市', '县', '区'])),
        }
    }

    /// The body's name in the standard (the region's own office).
    fn standard_name(self) -> &'static str {
        match self {
            Body::Tax => "国家税务总局广西壮族自治区税务局",
            Body::Customs => "南宁海关",
        }
    }
}

/// An item of a vertically managed body, appended to the standard (codes and names after the
/// Liaoning catalogue sample's 税务 items, DD 30; 海关 takes DD 41, unused by the departments).
struct VerticalItem {
    body: Body,
    category: usize,
    name: &'static str,
    code: &'static str,
    levels: &'static str,
    refs: &'static [(&'static str, u32)],
}

const VERTICAL_ITEMS: &[VerticalItem] = &[
    VerticalItem {
        body: Body::Tax,
        category: LEVY,
        name: "经营所得个人所得税月（季）度申报",
        code: "000430049000",
        levels: "市级、县级",
        refs: &[("中华人民共和国税收征收管理法", 25), ("中华人民共和国个人所得税法", 2)],
    },
    VerticalItem {
        body: Body::Tax,
        category: LEVY,
        name: "车辆购置税退税",
        code: "000430088000",
        levels: "市级、县级",
        refs: &[("中华人民共和国税收征收管理法", 51), ("中华人民共和国车辆购置税法", 15)],
    },
    VerticalItem {
        body: Body::Tax,
        category: OTHER,
        name: "注销扣缴税款登记",
        code: "001030051000",
        levels: "县级",
        refs: &[("中华人民共和国税收征收管理法实施细则", 15)],
    },
    VerticalItem {
        body: Body::Customs,
        category: OTHER,
        name: "进出口货物收发货人备案",
        code: "001041001000",
        levels: "市级",
        refs: &[("中华人民共和国海关法", 11)],
    },
    VerticalItem {
        body: Body::Customs,
        category: LICENSING,
        name: "海关监管货物仓储审批",
        code: "000141002000",
        levels: "市级",
        refs: &[("中华人民共和国海关法", 32)],
    },
];

/// 办理项 words, as the platform writes them in brackets after the item's name.
const HANDLING: &[&str] = &["新办", "变更", "注销"];

/// Development zones whose 管理委员会 implement some of a city's items.
const ZONES: &[&str] = &["高新技术产业开发区", "经济技术开发区"];

/// Article texts quoted after a reference (generic wording: no 《》 and no 第N条 inside, so that
/// the quote adds no reference; commas, 、, ； and a line end inside, as real quotes have).
const QUOTES: &[&str] = &[
    "申请人应当向所在地县级以上人民政府有关部门提出申请, 并提交相关材料。",
    "有关部门应当自受理申请之日起二十日内作出决定；\n二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日。",
    "县级以上地方人民政府有关主管部门负责本行政区域内的监督管理工作, 依法履行职责。",
    "违反本规定的，由有关主管部门责令改正，给予警告、通报批评；情节严重的，依法处理。",
];

/// A defect of the standard itself (recorded once, for the standard).
#[derive(Debug, Clone)]
pub(crate) struct Defect {
    pub item: usize,
    pub class: &'static str,
    pub field: &'static str,
    pub detail: String,
}

/// The shape of one row of one list.
#[derive(Debug, Clone)]
enum Shape {
    /// No 事项编码; the name reworded or not.
    Codeless { reworded: bool },
    /// The exact name of another standard item (`twin`) the list also has.
    NameCollides { twin: usize },
    /// The basis with quoted article text, one reference a line (numbered 1、 or tagged 【法律】).
    QuotedBasis { numbered: bool },
    /// Implemented by a development zone (index into `ZONES`).
    Zone(usize),
    /// A platform export's earlier saved version of the row under the same record id, whose
    /// 承诺时限 was `old_committed`; written after the latest row when `after`.
    OldVersion { old: u32, new: u32, old_committed: Limit, after: bool },
    /// The explanation beside the 法定时限 (or, when `committed`, the 承诺时限) states `stated`
    /// in the limit's unit instead of the limit's amount.
    NoteContradicts { committed: bool, stated: u32 },
}

/// The habits and row shapes of one list.
#[derive(Debug, Clone, Default)]
struct RealJur {
    /// Exported from the platform: time limits as `20(工作日)`.
    platform: bool,
    /// …with full-width brackets (most rows).
    full_width: bool,
    /// 办理项 rows carry 33-character implementation codes.
    handling_codes: bool,
    rows: FxHashMap<usize, Shape>,
}

/// Where a row is written: its jurisdiction, standard item and planned fault.
pub(crate) struct RowAt<'a> {
    pub jur_index: usize,
    pub jur: &'a Jur,
    pub item: Option<usize>,
    pub fault: Option<FaultKind>,
}

/// The realistic plan: the standard's changes, then every list's habits and row shapes.
pub(crate) struct RealPlan {
    /// Items no base fault or noise may touch (defects and 办理项 items).
    pub excluded: Vec<bool>,
    pub defects: Vec<Defect>,
    /// Per standard item: its 办理项 words.
    handling: Vec<Option<Vec<&'static str>>>,
    /// Per standard item: the vertically managed body implementing it.
    vertical: Vec<Option<Body>>,
    /// The standard's codes and names (for the twins' names).
    codes: Vec<String>,
    names: Vec<String>,
    jurs: Vec<RealJur>,
}

const CODELESS: u8 = 0;
const COLLIDES: u8 = 1;
const QUOTED: u8 = 2;
const ZONE: u8 = 3;
const OLD_VERSION: u8 = 4;
const NOTE_WRONG: u8 = 5;

impl RealPlan {
    /// Changes the standard: appends the vertical bodies' items, splits some items into 办理项
    /// and puts the standard's own defects on three items.
    pub fn prepare(std: &mut Standard, pool: &[PoolEntry], seed: u64) -> RealPlan {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7265_616c_0001);
        let base_n = std.forms.len();
        let mut vertical: Vec<Option<Body>> = vec![None; base_n];
        for (k, v) in VERTICAL_ITEMS.iter().enumerate() {
            let entry = PoolEntry {
                dept: 0,
                category: v.category,
                name: v.name.to_string(),
                code: v.code.to_string(),
            };
            let mut f = build_form(&entry, v.levels, seed, 2_000_000 + k);
            f.refs =
                v.refs.iter().map(|(t, a)| LawRef { title: t, article: *a, quote: None }).collect();
            f.intermediaries.clear();
            f.charged = false;
            f.fee = "不收费".to_string();
            f.fee_basis.clear();
            f.refresh_texts();
            let i = std.forms.len();
            std.forms.push(f);
            vertical.push(Some(v.body));
            for (l, word) in ["市级", "县级", "镇级"].iter().enumerate() {
                if v.levels.contains(word) {
                    std.by_level[l].push(i);
                }
            }
        }
        let n = std.forms.len();
        let mut excluded = vec![false; n];
        let mut handling: Vec<Option<Vec<&'static str>>> = vec![None; n];
        // Names whose sub-items are items of their own (食品经营许可 of 食品经营许可（新办）).
        let split: FxHashSet<&str> =
            std.forms.iter().filter_map(|f| f.name.split_once('（').map(|(a, _)| a)).collect();

        // 办理项 items: county items applied for (许可, 确认, 其他), named without brackets, and no
        // licence whose sub-items (…（新办）) are standard items of their own.
        let mut candidates: Vec<usize> = std.by_level[1]
            .iter()
            .copied()
            .filter(|&i| i < base_n)
            .filter(|&i| {
                let f = &std.forms[i];
                matches!(f.category, LICENSING | CONFIRMATION | OTHER)
                    && !f.name.contains('（')
                    && !f.name.contains('(')
                    && !split.contains(f.name.as_str())
            })
            .collect();
        shuffle(&mut candidates, &mut rng);
        let want = (std.by_level[1].len() / 40).max(2);
        for &i in candidates.iter().take(want) {
            // 新办 and 变更, and 注销 for some: the platform's usual order.
            let k = rng.random_range(2..=3usize);
            let words: Vec<&'static str> = HANDLING.iter().copied().take(k).collect();
            if words.len() >= 2 {
                handling[i] = Some(words);
                excluded[i] = true;
            }
        }

        // The standard's own defects, on three county items of their own.
        let mut defects = Vec::new();
        let mut free: Vec<usize> =
            std.by_level[1].iter().copied().filter(|&i| i < base_n && !excluded[i]).collect();
        shuffle(&mut free, &mut rng);
        if let Some(&i) = free.iter().find(|&&i| {
            let f = &std.forms[i];
            !f.immediate && matches!(f.committed, Limit::N(..))
        }) {
            let f = &mut std.forms[i];
            let old = f.committed_text.clone();
            f.committed = Limit::None;
            f.refresh_texts();
            excluded[i] = true;
            defects.push(Defect {
                item: i,
                class: "std-committed-none",
                field: Field::Kind.as_str(),
                detail: format!("标准目录事项为承诺件，承诺时限却为“无”（原为 {old}）"),
            });
        }
        let used: FxHashSet<String> = pool
            .iter()
            .map(|e| e.code.clone())
            .chain(std.forms.iter().map(|f| f.code.clone()))
            .collect();
        if let Some((i, code)) = free.iter().filter(|&&i| !excluded[i]).find_map(|&i| {
            let c = &std.forms[i].code;
            CATEGORIES
                .iter()
                .filter_map(|(_, tt)| Some(format!("{}{tt}{}", c.get(..2)?, c.get(4..)?)))
                .filter(|x| x.get(2..4) != c.get(2..4))
                .find(|x| !used.contains(x))
                .map(|x| (i, x))
        }) {
            let f = &mut std.forms[i];
            let old = std::mem::replace(&mut f.code, code);
            excluded[i] = true;
            defects.push(Defect {
                item: i,
                class: "std-code-category",
                field: Field::Code.as_str(),
                detail: format!(
                    "标准目录事项编码 {} 的类型位与事项类型 {} 不符（应为 {old} 的类型位）",
                    f.code,
                    f.category_name()
                ),
            });
        }
        if let Some(&i) = free.iter().find(|&&i| !excluded[i] && !std.forms[i].refs.is_empty()) {
            let f = &mut std.forms[i];
            let mut cited = REPEALED_FALLBACK;
            if let Some(r) = f.refs.first_mut() {
                cited = REPEALED
                    .iter()
                    .find(|(now, _)| *now == r.title)
                    .map(|(_, old)| *old)
                    .unwrap_or(REPEALED_FALLBACK);
                r.title = cited;
                r.quote = None;
            }
            f.refresh_texts();
            excluded[i] = true;
            defects.push(Defect {
                item: i,
                class: "std-repealed-law",
                field: Field::Basis.as_str(),
                detail: format!("标准目录设定依据引用已废止的《{cited}》"),
            });
        }
        RealPlan {
            excluded,
            defects,
            handling,
            vertical,
            codes: Vec::new(),
            names: Vec::new(),
            jurs: Vec::new(),
        }
    }

    /// Plans every list's habits and row shapes, on rows the base plan left alone; each shape
    /// once at least, then at its rate, a fault on at most a third of a level's peers.
    pub fn plan_rows(&mut self, seed: u64, jurs: &[Jur], std: &Standard, plan: &Plan) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7265_616c_0002);
        self.codes = std.forms.iter().map(|f| f.code.clone()).collect();
        self.names = std.forms.iter().map(|f| f.name.clone()).collect();
        let mut level_jurs: [Vec<usize>; 3] = Default::default();
        for (i, j) in jurs.iter().enumerate() {
            level_jurs[level_index(j.level)].push(i);
        }
        let caps: [usize; 3] = std::array::from_fn(|l| {
            if level_jurs[l].len() >= 3 {
                level_jurs[l].len() * 34 / 100
            } else {
                0
            }
        });
        let mut counts: FxHashMap<(usize, usize, Field), usize> = FxHashMap::default();
        for (j, jp) in plan.jurs.iter().enumerate() {
            let l = level_index(jurs[j].level);
            for (item, f) in &jp.faults {
                *counts.entry((l, *item, f.kind.field())).or_default() += 1;
            }
        }
        let mut rj: Vec<RealJur> = vec![RealJur::default(); jurs.len()];
        // Lists exported from the platform: up to a third of a level's peers.
        let mut platform_n = [0usize; 3];
        for (j, jur) in jurs.iter().enumerate() {
            let l = level_index(jur.level);
            rj[j].handling_codes = rng.random_range(0..3u32) != 0;
            rj[j].full_width = rng.random_range(0..2u32) == 0;
            if jur.level != Level::City && platform_n[l] < caps[l] && rng.random_range(0..5u32) == 0
            {
                rj[j].platform = true;
                platform_n[l] += 1;
            }
        }
        if !rj.iter().any(|r| r.platform) {
            if let Some(&j) = level_jurs[1].first() {
                rj[j].platform = true;
            }
        }
        let mut twins_used: Vec<FxHashSet<usize>> = vec![FxHashSet::default(); jurs.len()];
        let excluded = &self.excluded;
        let vertical = &self.vertical;
        let free = |rj: &[RealJur], twins: &[FxHashSet<usize>], j: usize, item: usize| {
            !plan.jurs[j].faults.contains_key(&item)
                && !plan.jurs[j].noise.contains_key(&item)
                && !excluded[item]
                && vertical[item].is_none()
                && !rj[j].rows.contains_key(&item)
                && !twins[j].contains(&item)
        };
        let twin_of = |l: usize, item: usize| -> Option<usize> {
            let a = &std.forms[item];
            std.by_level[l]
                .iter()
                .copied()
                .filter(|&b| b != item && !excluded[b] && vertical[b].is_none())
                .filter(|&b| std.forms[b].dept == a.dept && std.forms[b].category == a.category)
                .map(|b| (strsim::normalized_levenshtein(&a.name, &std.forms[b].name), b))
                .filter(|(s, _)| *s >= 0.5)
                .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)))
                .map(|(_, b)| b)
        };
        let all_jurs: Vec<usize> = (0..jurs.len()).collect();
        let platform_jurs: Vec<usize> = (0..jurs.len()).filter(|&j| rj[j].platform).collect();
        let try_shape = |kind: u8,
                         rng: &mut ChaCha8Rng,
                         rj: &mut Vec<RealJur>,
                         twins: &mut Vec<FxHashSet<usize>>,
                         counts: &mut FxHashMap<(usize, usize, Field), usize>|
         -> bool {
            let pick_from = match kind {
                ZONE => &level_jurs[0],
                OLD_VERSION | NOTE_WRONG => &platform_jurs,
                _ => &all_jurs,
            };
            if pick_from.is_empty() {
                return false;
            }
            let j = pick_from[rng.random_range(0..pick_from.len())];
            let l = level_index(jurs[j].level);
            let items = &std.by_level[l];
            if items.is_empty() {
                return false;
            }
            let item = items[rng.random_range(0..items.len())];
            if !free(rj, twins, j, item) {
                return false;
            }
            let under_cap = |field: Field, counts: &mut FxHashMap<_, usize>| {
                let n = counts.entry((l, item, field)).or_default();
                if *n >= caps[l] {
                    return false;
                }
                *n += 1;
                true
            };
            let shape = match kind {
                CODELESS => {
                    let has = rj[j].rows.values().any(|s| matches!(s, Shape::Codeless { .. }))
                        || plan.jurs[j].faults.values().any(|f| f.kind == FaultKind::CodeMissing);
                    let reworded = rng.random_range(0..3u32) == 0;
                    if has
                        || !under_cap(Field::Code, counts)
                        || reworded && !under_cap(Field::Name, counts)
                    {
                        return false;
                    }
                    Shape::Codeless { reworded }
                }
                COLLIDES => {
                    let Some(twin) = twin_of(l, item) else { return false };
                    if !free(rj, twins, j, twin) || !under_cap(Field::Name, counts) {
                        return false;
                    }
                    twins[j].insert(twin);
                    Shape::NameCollides { twin }
                }
                QUOTED => {
                    if std.forms[item].refs.is_empty() {
                        return false;
                    }
                    Shape::QuotedBasis { numbered: rng.random_range(0..2u32) == 0 }
                }
                OLD_VERSION => {
                    let Limit::N(n, unit @ (Unit::WorkDays | Unit::Days)) =
                        std.forms[item].committed
                    else {
                        return false;
                    };
                    let old_committed = Limit::N(n + rng.random_range(2..=5u32), unit);
                    let (old, new) = if rng.random_range(0..3u32) == 0 {
                        (9, 10)
                    } else {
                        let v = rng.random_range(2..16u32);
                        (v - 1, v)
                    };
                    Shape::OldVersion {
                        old,
                        new,
                        old_committed,
                        after: rng.random_range(0..3u32) == 0,
                    }
                }
                NOTE_WRONG => {
                    let committed = rng.random_range(0..3u32) == 0;
                    let f = &std.forms[item];
                    let (limit, field) = if committed {
                        (f.committed, Field::CommittedLimit)
                    } else {
                        (f.statutory, Field::StatutoryLimit)
                    };
                    let Limit::N(n, Unit::WorkDays | Unit::Days) = limit else { return false };
                    if !under_cap(field, counts) {
                        return false;
                    }
                    let stated = if n >= 2 && rng.random_range(0..2u32) == 0 {
                        n / 2
                    } else {
                        n + 10 * rng.random_range(1..=4u32)
                    };
                    Shape::NoteContradicts { committed, stated }
                }
                _ => Shape::Zone(rng.random_range(0..ZONES.len())),
            };
            rj[j].rows.insert(item, shape);
            true
        };
        let rows: usize = jurs.iter().map(|j| std.by_level[level_index(j.level)].len()).sum();
        let city_rows: usize = level_jurs[0].len() * std.by_level[0].len();
        let platform_rows: usize =
            platform_jurs.iter().map(|&j| std.by_level[level_index(jurs[j].level)].len()).sum();
        let targets = [
            (CODELESS, jurs.len() / 2),
            (COLLIDES, rows / 250),
            (QUOTED, rows / 50),
            (ZONE, city_rows / 10),
            (OLD_VERSION, platform_rows / 40),
            (NOTE_WRONG, platform_rows / 200),
        ];
        for (kind, target) in targets {
            let mut placed = 0usize;
            let mut attempts = 0usize;
            while placed < target.max(1) && attempts < target * 20 + 400 {
                attempts += 1;
                if try_shape(kind, &mut rng, &mut rj, &mut twins_used, &mut counts) {
                    placed += 1;
                }
            }
        }
        self.jurs = rj;
    }

    /// Whether the row of standard item `item` in jurisdiction `jur_index` is written without a
    /// code (elements.csv cannot name it: its elements are not written).
    pub fn codeless(&self, jur_index: usize, item: usize) -> bool {
        let rows = self.jurs.get(jur_index).map(|j| &j.rows);
        matches!(rows.and_then(|r| r.get(&item)), Some(Shape::Codeless { .. }))
    }

    /// Writes the standard's rows of item `i`: its 办理项 rows, or the one row.
    pub fn push_standard(&self, region: &str, i: usize, f: &Form, t: &mut Tables) {
        let dept = match self.vertical.get(i).copied().flatten() {
            Some(body) => body.standard_name(),
            None => DEPTS.get(f.dept).map(|d| d.name).unwrap_or(""),
        };
        match self.handling.get(i).and_then(Option::as_ref) {
            Some(words) => {
                for (k, h) in words.iter().enumerate() {
                    t.push_named(region, dept, "", f, &format!("{}（{h}）", f.name), k == 0);
                }
            }
            None => t.push(region, dept, "", f, true),
        }
    }

    /// Writes one row of a list in its planned shapes, and records them in `truth` (version 1).
    pub fn push_row(
        &self,
        at: &RowAt,
        form: &Form,
        with_children: bool,
        t: &mut Tables,
        truth: Option<&mut Vec<Truth>>,
    ) {
        let jur = at.jur;
        let rj = &self.jurs[at.jur_index];
        let mut f = form.clone();
        let item_code = f.code.clone();
        // (fault, class, field, detail)
        let mut notes: Vec<(bool, &'static str, &'static str, String)> = Vec::new();
        let mut dept = department(jur, &f);
        let mut credit: Option<String> = None;
        // A near twin's other row: (its code, its name, detail).
        let mut twin_note: Option<(String, String, String)> = None;
        if let Some(body) = at.item.and_then(|i| self.vertical.get(i).copied().flatten()) {
            dept = body.name(jur);
            credit = Some(credit_code_of("100000", format!("{}{body:?}", jur.code).as_bytes()));
            let detail = format!("垂直管理部门实施：{dept}，统一社会信用代码的区划位为 100000");
            notes.push((false, "vertical-body", Field::Code.as_str(), detail));
        }
        let shape = at.item.and_then(|i| rj.rows.get(&i));
        match shape {
            Some(Shape::Codeless { reworded }) => {
                let std_name = f.name.clone();
                f.code.clear();
                let detail = format!("缺少事项编码（标准 {item_code}）");
                notes.push((true, "code-missing", Field::Code.as_str(), detail));
                if *reworded {
                    f.name = differ_name(&f.name);
                    let detail = format!("无编码，事项名称 {} 与标准 {std_name} 不同", f.name);
                    notes.push((true, "codeless-reworded", Field::Name.as_str(), detail));
                }
                let detail = format!("无编码的行，应按名称匹配到标准事项 {std_name}");
                notes.push((false, "codeless-by-name", Field::Presence.as_str(), detail));
            }
            Some(Shape::NameCollides { twin }) => {
                let twin_name = self.names.get(*twin).cloned().unwrap_or_default();
                let detail = format!(
                    "事项名称 {twin_name} 是本清单另一事项 {} 的名称，标准名称为 {}",
                    self.codes.get(*twin).map(String::as_str).unwrap_or(""),
                    f.name
                );
                notes.push((true, "name-collides", Field::Name.as_str(), detail));
                // The twin is listed correctly: nothing is to be reported on it.
                if let Some(twin_code) = self.codes.get(*twin) {
                    let detail = format!(
                        "本行事项名称正确；同名的另一行（编码 {item_code}）的名称错误，不应报在本事项上"
                    );
                    twin_note = Some((twin_code.clone(), twin_name.clone(), detail));
                }
                f.name = twin_name;
            }
            Some(Shape::QuotedBasis { numbered }) => {
                let before = std::mem::replace(&mut f.basis, quoted_basis(&f.refs, *numbered));
                let detail = format!("仅格式不同：设定依据分行书写并引用条文原文 / 标准 {before}");
                notes.push((false, "basis-quoted-article", Field::Basis.as_str(), detail));
            }
            Some(Shape::Zone(z)) => {
                dept = format!("{}{}管理委员会", jur.name, ZONES[*z]);
                let division = format!("{}7{}", jur.code.get(..4).unwrap_or("4501"), z + 1);
                credit = Some(credit_code_of(&division, dept.as_bytes()));
                let detail = format!("开发区实施：{dept}（统一社会信用代码区划位 {division}）");
                notes.push((false, "zone-body", Field::Code.as_str(), detail));
            }
            Some(Shape::OldVersion { .. } | Shape::NoteContradicts { .. }) | None => {}
        }
        let full_width = rj.full_width != at.item.unwrap_or(0).is_multiple_of(4);
        if rj.platform {
            let mut changed: Vec<(&'static str, String, String)> = Vec::new();
            let limits = [
                (Field::StatutoryLimit, f.statutory, &mut f.statutory_text),
                (Field::CommittedLimit, f.committed, &mut f.committed_text),
            ];
            for (field, limit, text) in limits {
                if *text != limit.text(LimitStyle::default()) {
                    continue; // another spelling (noise) stays as it is
                }
                if let Some(p) = limit.platform_text(full_width) {
                    changed.push((field.as_str(), std::mem::replace(text, p.clone()), p));
                }
            }
            let limit_fault = matches!(
                at.fault,
                Some(
                    FaultKind::StatutoryAmount
                        | FaultKind::StatutoryUnit
                        | FaultKind::CommittedOverStatutory
                        | FaultKind::KindImmediate
                )
            );
            if let (Some(first), false) = (changed.first(), limit_fault) {
                let parts: Vec<String> = changed
                    .iter()
                    .map(|(_, before, after)| format!("{after} / {before}"))
                    .collect();
                let detail = format!("仅格式不同（平台导出的时限）：{}", parts.join("；"));
                notes.push((false, "platform-time-format", first.0, detail));
            }
        }
        // The platform's columns: a record id and version, the limits' explanations.
        let mut platform = PlatformCells::default();
        let key = hash(&[jur.code.as_bytes(), item_code.as_bytes(), form.name.as_bytes()]);
        if rj.platform {
            platform.version = match shape {
                Some(Shape::OldVersion { new, .. }) => new.to_string(),
                _ => (1 + key % 15).to_string(),
            };
            let law_text;
            (platform.statutory_note, law_text) = statutory_note(f.statutory, &f.refs, key >> 4);
            platform.committed_note = committed_note(f.committed, key >> 8);
            if law_text {
                let detail = format!(
                    "法定时限说明引用法条原文（中文数字、日与工作日、可以延长）：{} / 法定时限 {}",
                    platform.statutory_note, f.statutory_text
                );
                notes.push((false, "limit-note-law-text", Field::StatutoryLimit.as_str(), detail));
            }
            if let Some(Shape::NoteContradicts { committed, stated }) = shape {
                let (limit, text, field) = if *committed {
                    (f.committed, &f.committed_text, Field::CommittedLimit)
                } else {
                    (f.statutory, &f.statutory_text, Field::StatutoryLimit)
                };
                if let Limit::N(_, unit) = limit {
                    let note = format!("受理之日起{stated}{}。", unit_word(unit));
                    let detail = format!("{}{text} 与其说明“{note}”不符", field.zh());
                    notes.push((true, "limit-note-contradicts", field.as_str(), detail));
                    *if *committed {
                        &mut platform.committed_note
                    } else {
                        &mut platform.statutory_note
                    } = note;
                }
            }
        }
        let ic = match (&credit, f.code.is_empty()) {
            (_, true) => String::new(),
            (Some(c), false) => {
                level_digit(jur).map(|d| format!("{c}{d}{}", f.code)).unwrap_or_default()
            }
            (None, false) => impl_code(jur, &f),
        };
        let mut row_name = f.name.clone();
        match at.item.and_then(|i| self.handling.get(i)).and_then(Option::as_ref) {
            Some(words) => {
                let mut names = Vec::new();
                for (k, h) in words.iter().enumerate() {
                    let name = format!("{}（{h}）", f.name);
                    let code = if rj.handling_codes && !ic.is_empty() {
                        format!("{ic}{:02}", k + 1)
                    } else {
                        ic.clone()
                    };
                    if rj.platform {
                        platform.record_id = record_id(key, k);
                    }
                    let children = with_children && k == 0;
                    t.push_platform(&jur.code, &dept, &code, &f, &name, children, &platform);
                    names.push(name);
                }
                row_name = names.first().cloned().unwrap_or_default();
                let digits =
                    if rj.handling_codes && !ic.is_empty() { "，实施编码 33 位" } else { "" };
                let detail = format!(
                    "一个基本编码分为 {} 个办理项：{}{digits}",
                    names.len(),
                    names.join("、")
                );
                notes.push((false, "handling-items", Field::Code.as_str(), detail));
            }
            None => {
                if rj.platform {
                    platform.record_id = record_id(key, 0);
                }
                let old = match shape {
                    Some(Shape::OldVersion { old, new, old_committed, after }) => {
                        let mut o = f.clone();
                        o.committed = *old_committed;
                        o.committed_text = old_committed
                            .platform_text(full_width)
                            .unwrap_or_else(|| old_committed.text(LimitStyle::default()));
                        let mut cells = platform.clone();
                        cells.version = old.to_string();
                        cells.committed_note = committed_note(o.committed, key >> 8);
                        let detail = format!(
                            "同一事项ID的旧版本行（版本号 {old}，承诺时限 {}）已被版本号 {new} 取代（承诺时限 {}），不应分析",
                            o.committed_text, f.committed_text
                        );
                        notes.push((
                            false,
                            "version-superseded",
                            Field::CommittedLimit.as_str(),
                            detail,
                        ));
                        Some((o, cells, *after))
                    }
                    _ => None,
                };
                let name = f.name.clone();
                let write_old = |t: &mut Tables, old: &Option<(Form, PlatformCells, bool)>| {
                    if let Some((o, cells, _)) = old {
                        t.push_platform(&jur.code, &dept, &ic, o, &name, false, cells);
                    }
                };
                if !old.as_ref().is_some_and(|o| o.2) {
                    write_old(t, &old);
                }
                t.push_platform(&jur.code, &dept, &ic, &f, &name, with_children, &platform);
                if old.as_ref().is_some_and(|o| o.2) {
                    write_old(t, &old);
                }
            }
        }
        if let Some(truth) = truth {
            for (fault, class, field, detail) in notes {
                truth.push(Truth {
                    v2: false,
                    fault,
                    jurisdiction: jur.code.clone(),
                    item: item_code.clone(),
                    field,
                    detail,
                    class,
                    row: Some((f.code.clone(), row_name.clone())),
                });
            }
            if let Some((code, name, detail)) = twin_note {
                truth.push(Truth {
                    v2: false,
                    fault: false,
                    jurisdiction: jur.code.clone(),
                    item: code.clone(),
                    field: Field::Name.as_str(),
                    detail,
                    class: "name-twin",
                    row: Some((code, name)),
                });
            }
        }
    }
}

/// FNV-1a over the parts (separated), for the values a row draws from its own identity.
fn hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for &b in p.iter().chain(&[0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A platform record id in the shape of the Guangxi sample's item_id
/// (c0104ddb-22c8-43a0-a4e4-8d212d948d20), for the `k`-th 办理项 row of a row keyed `key`.
fn record_id(key: u64, k: usize) -> String {
    let a = hash(&[&key.to_le_bytes(), &k.to_le_bytes()]);
    let b = hash(&[&a.to_le_bytes()]);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

/// The unit of a limit as an explanation writes it after the amount.
fn unit_word(unit: Unit) -> &'static str {
    match unit {
        Unit::WorkDays => "个工作日",
        Unit::Days => "日",
        Unit::Months => "个月",
    }
}

/// The explanation a platform writes beside a 法定时限 (picked by `h`), and whether it is the
/// law's own sentence (in Chinese numerals, in 日, with its extension): the Guangxi sample's
/// 受理之日起20个工作日。, …之日起二十日内做出行政许可决定。二十日内不能做出决定的，…可以延长十日, and
/// 《宗教事务条例》规定; or none.
fn statutory_note(limit: Limit, refs: &[LawRef], h: u64) -> (String, bool) {
    let Limit::N(n, unit) = limit else { return (String::new(), false) };
    match (h % 4, unit) {
        (0, Unit::WorkDays | Unit::Days) => (format!("受理之日起{n}{}。", unit_word(unit)), false),
        (1, Unit::WorkDays) if n <= 99 => {
            let cn = chinese_numeral(n);
            let text = format!(
                "除可以当场作出决定的外，行政机关应当自受理申请之日起{cn}日内作出决定。{cn}日内不能作出决定的，经本行政机关负责人批准，可以延长十日。"
            );
            (text, true)
        }
        (2, _) => match refs.first() {
            Some(r) => (format!("《{}》规定", r.title), false),
            None => (String::new(), false),
        },
        _ => (String::new(), false),
    }
}

/// The explanation beside a 承诺时限 (picked by `h`): the Guangxi sample's 无, 办事提速。…不计入
/// 承诺办结时限。 and 受理之日起1个工作日。, or none.
fn committed_note(limit: Limit, h: u64) -> String {
    match (h % 4, limit) {
        (0, _) => "无".to_string(),
        (1, _) => "办事提速。申请人准备、修改材料不计入承诺办结时限。".to_string(),
        (2, Limit::N(n, unit @ (Unit::WorkDays | Unit::Days))) => {
            format!("受理之日起{n}{}。", unit_word(unit))
        }
        _ => String::new(),
    }
}

/// The level digit of an implementation code (city 3, county 4; towns write none).
fn level_digit(jur: &Jur) -> Option<char> {
    match jur.level {
        Level::City => Some('3'),
        Level::County => Some('4'),
        _ => None,
    }
}

/// A basis as the Liaoning catalogue writes it: one reference a line, tagged by the kind of law
/// (【法律】, 【行政法规】) or numbered (1、), each followed by the article's text in quotes.
fn quoted_basis(refs: &[LawRef], numbered: bool) -> String {
    let mut lines = Vec::with_capacity(refs.len());
    for (k, r) in refs.iter().enumerate() {
        // One reference alone quotes the text with a line end inside, so that every such cell
        // holds one.
        let pick = if refs.len() == 1 { 1 } else { (r.article as usize + k) % QUOTES.len() };
        let text = r.quote.unwrap_or(QUOTES[pick]);
        let head = if numbered {
            format!("{}、", k + 1)
        } else if r.title.ends_with('法') || r.title.ends_with("法典") {
            "【法律】".to_string()
        } else {
            "【行政法规】".to_string()
        };
        let quote = if numbered { format!("\"{text}\"") } else { format!("“{text}”") };
        lines.push(format!("{head}《{}》第{}条：{quote}", r.title, chinese_numeral(r.article)));
    }
    lines.join("\n")
}

/// Fisher–Yates with the seeded generator.
fn shuffle(v: &mut [usize], rng: &mut ChaCha8Rng) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_realistic_string_is_gbk_and_every_law_in_force() {
        let registry = crate::laws::LawRegistry::bundled();
        let mut text = String::new();
        for v in VERTICAL_ITEMS {
            text.push_str(v.name);
            text.push_str(v.body.standard_name());
            for (title, _) in v.refs {
                text.push_str(title);
                assert!(
                    registry
                        .lookup(title)
                        .is_some_and(|l| l.status == crate::laws::LawStatus::InForce),
                    "{title} not 有效"
                );
            }
        }
        for s in HANDLING.iter().chain(ZONES).chain(QUOTES) {
            text.push_str(s);
        }
        text.push_str("国家税务总局税务局海关管理委员会【法律】【行政法规】“”（）、工作日自然日");
        let (_, _, errors) = encoding_rs::GBK.encode(&text);
        assert!(!errors);
    }

    #[test]
    fn quoted_basis_keeps_the_references_and_quotes_the_articles() {
        let refs = vec![
            LawRef { title: "中华人民共和国食品安全法", article: 35, quote: None },
            LawRef { title: "危险化学品安全管理条例", article: 12, quote: None },
        ];
        let tagged = quoted_basis(&refs, false);
        let lines: Vec<&str> = tagged.split('\n').collect();
        assert!(lines[0].starts_with("【法律】《中华人民共和国食品安全法》第三十五条：“"));
        assert!(tagged.contains("【行政法规】《危险化学品安全管理条例》第十二条：“"));
        let numbered = quoted_basis(&refs, true);
        assert!(numbered.starts_with("1、《中华人民共和国食品安全法》第三十五条：\""));
        assert!(numbered.contains("\n2、《危险化学品安全管理条例》第十二条：\""));
    }

    #[test]
    fn platform_limits_put_the_unit_in_brackets() {
        use super::super::form::Unit;
        assert_eq!(Limit::N(30, Unit::WorkDays).platform_text(false).unwrap(), "30(工作日)");
        assert_eq!(Limit::N(7, Unit::WorkDays).platform_text(true).unwrap(), "7（工作日）");
        assert_eq!(Limit::N(91, Unit::Days).platform_text(false).unwrap(), "91(自然日)");
        assert_eq!(Limit::N(3, Unit::Months).platform_text(false), None);
        assert_eq!(Limit::Immediate.platform_text(false), None);
    }
}
