//! The standard catalogue (标准目录): the pool of realistic item names per department and
//! category, their codes, and the canonical content of every item.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::form::{Form, LawRef, Limit, Material, Step, Unit};
use super::vocab::*;

/// One name of the pool, before it gets content.
#[derive(Debug, Clone)]
pub(crate) struct PoolEntry {
    pub dept: usize,
    pub category: usize,
    pub name: String,
    pub code: String,
}

/// A generated name: (category, name, the licence and sub-item number it splits).
type Generated = (usize, String, Option<(String, usize)>);

/// Every item name the generator can use, most prominent first (hand-written items of every
/// department round-robin, then generated ones round-robin), each with a unique code.
pub(crate) fn pool(seed: u64) -> Vec<PoolEntry> {
    let mut per_dept: Vec<Vec<Generated>> = Vec::new();
    for dept in DEPTS {
        let mut gen: Vec<Generated> = Vec::new();
        let mut kinds: Vec<Vec<Generated>> = vec![Vec::new(); 4];
        for lic in dept.licences {
            for (k, sub) in LICENCE_SUBS.iter().enumerate() {
                kinds[0].push((LICENSING, format!("{lic}{sub}"), Some((lic.to_string(), k + 1))));
            }
        }
        for v in VIOLATIONS {
            for s in dept.subjects {
                kinds[1].push((PENALTY, format!("对{s}{v}的行政处罚"), None));
            }
        }
        for a in ASPECTS {
            for s in dept.subjects {
                kinds[2].push((INSPECTION, format!("对{s}{a}的行政检查"), None));
            }
        }
        for t in COERCIONS {
            for s in dept.subjects {
                kinds[3].push((COERCION, t.replace("{}", s), None));
            }
        }
        // Interleave the kinds so that any prefix of the pool mixes categories.
        let longest = kinds.iter().map(Vec::len).max().unwrap_or(0);
        for i in 0..longest {
            for k in &kinds {
                if let Some(e) = k.get(i) {
                    gen.push(e.clone());
                }
            }
        }
        per_dept.push(gen);
    }
    let mut names = std::collections::HashSet::new();
    let mut ordered: Vec<(usize, Generated)> = Vec::new();
    let hand_longest = DEPTS.iter().map(|d| d.items.len()).max().unwrap_or(0);
    for i in 0..hand_longest {
        for (d, dept) in DEPTS.iter().enumerate() {
            if let Some((cat, name)) = dept.items.get(i) {
                if names.insert(name.to_string()) {
                    ordered.push((d, (*cat, name.to_string(), None)));
                }
            }
        }
    }
    // The first hand-written item of every category goes first, so that even the smallest
    // catalogue has all ten categories.
    let mut firsts = Vec::new();
    for cat in 0..CATEGORIES.len() {
        if let Some(k) = ordered.iter().position(|e| e.1 .0 == cat) {
            firsts.push(ordered.remove(k));
        }
    }
    firsts.append(&mut ordered);
    let mut ordered = firsts;
    let gen_longest = per_dept.iter().map(Vec::len).max().unwrap_or(0);
    for i in 0..gen_longest {
        for (d, list) in per_dept.iter().enumerate() {
            if let Some((cat, name, sub)) = list.get(i) {
                if names.insert(name.clone()) {
                    ordered.push((d, (*cat, name.clone(), sub.clone())));
                }
            }
        }
    }
    // Codes: MMM counts per (TT, DD); a sub-item shares its licence's MMM. PP is 00 (national
    // catalogue) for most items and 45 (the region's own) for some generated ones.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5151_0001);
    let mut next_main: std::collections::HashMap<(usize, usize), usize> = Default::default();
    let mut main_of: std::collections::HashMap<(usize, usize, String), usize> = Default::default();
    let mut out = Vec::with_capacity(ordered.len());
    for (i, (dept, (category, name, sub))) in ordered.into_iter().enumerate() {
        let (base, sss) = match &sub {
            Some((lic, k)) => (lic.clone(), *k),
            None => (name.clone(), 0),
        };
        let mmm = *main_of.entry((category, dept, base)).or_insert_with(|| {
            let n = next_main.entry((category, dept)).or_insert(0);
            *n += 1;
            *n
        });
        let pp = if i < 200 || rng.random_range(0..10u32) < 7 { "00" } else { "45" };
        let code = format!("{pp}{}{}{mmm:03}{sss:03}", CATEGORIES[category].1, DEPTS[dept].dd);
        out.push(PoolEntry { dept, category, name, code });
    }
    out
}

/// Real article texts for a few prominent items (quoted after the reference, as catalogues do).
fn special_refs(name: &str) -> Option<Vec<LawRef>> {
    let r = |title, article, quote| LawRef { title, article, quote };
    Some(match name {
        "食品经营许可" => vec![
            r("中华人民共和国食品安全法", 35, Some("国家对食品生产经营实行许可制度。")),
            r("中华人民共和国行政许可法", 12, None),
        ],
        "不动产登记" => vec![
            r("中华人民共和国民法典", 210, Some("不动产登记，由不动产所在地的登记机构办理。")),
            r("中华人民共和国民法典", 214, None),
        ],
        "道路旅客运输经营许可" | "道路货物运输经营许可" => {
            vec![r("中华人民共和国道路运输条例", 10, None), r("中华人民共和国行政许可法", 12, None)]
        }
        "对未取得食品经营许可从事食品经营活动的行政处罚" => {
            vec![r("中华人民共和国食品安全法", 122, None), r("中华人民共和国行政处罚法", 22, None)]
        }
        _ => return None,
    })
}

/// The canonical content of one pool entry. `levels` is its 行使层级.
pub(crate) fn build_form(entry: &PoolEntry, levels: &str, seed: u64, index: usize) -> Form {
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let dept = &DEPTS[entry.dept];
    let cat = entry.category;
    let pick = |rng: &mut ChaCha8Rng, list: &[&'static str]| -> &'static str {
        list[rng.random_range(0..list.len().max(1)).min(list.len().saturating_sub(1))]
    };

    // Legal basis: the department's law and, often, the general law of the category.
    let refs = special_refs(&entry.name).unwrap_or_else(|| {
        let main = pick(&mut rng, dept.laws);
        let mut refs = vec![LawRef { title: main, article: rng.random_range(8..=90), quote: None }];
        if rng.random_range(0..10u32) < 6 {
            let (title, article) = match cat {
                LICENSING => ("中华人民共和国行政许可法", 12),
                PENALTY => ("中华人民共和国行政处罚法", 22),
                COERCION => ("中华人民共和国行政强制法", 9),
                _ => {
                    let other = pick(&mut rng, dept.laws);
                    (other, rng.random_range(8..=90))
                }
            };
            if title != main || article != refs[0].article {
                refs.push(LawRef { title, article, quote: None });
            }
        }
        refs
    });

    // Time limits: statutory by category (行政许可法 第四十二条 20 working days, 行政处罚法 第六十条
    // 90 days, 行政强制法 第二十五条 30 days), committed a fraction of it in working days.
    let immediate = matches!(cat, CONFIRMATION | BENEFIT | OTHER | LICENSING)
        && rng.random_range(0..100u32) < 15;
    let statutory = if immediate && cat != LICENSING && rng.random_range(0..2u32) == 0 {
        Limit::Immediate
    } else {
        match cat {
            LICENSING => *[
                Limit::N(20, Unit::WorkDays),
                Limit::N(20, Unit::WorkDays),
                Limit::N(20, Unit::WorkDays),
                Limit::N(10, Unit::WorkDays),
                Limit::N(15, Unit::WorkDays),
                Limit::N(30, Unit::WorkDays),
                Limit::N(30, Unit::Days),
            ]
            .get(rng.random_range(0..7usize))
            .unwrap_or(&Limit::N(20, Unit::WorkDays)),
            PENALTY => {
                if rng.random_range(0..4u32) == 0 {
                    Limit::N(60, Unit::Days)
                } else {
                    Limit::N(90, Unit::Days)
                }
            }
            COERCION => Limit::N(30, Unit::Days),
            INSPECTION => {
                Limit::N(if rng.random_range(0..2u32) == 0 { 15 } else { 30 }, Unit::WorkDays)
            }
            ADJUDICATION => {
                if rng.random_range(0..2u32) == 0 {
                    Limit::N(60, Unit::Days)
                } else {
                    Limit::N(3, Unit::Months)
                }
            }
            LEVY => Limit::N(10, Unit::WorkDays),
            REWARD => Limit::N(30, Unit::WorkDays),
            _ => Limit::N(if rng.random_range(0..2u32) == 0 { 20 } else { 10 }, Unit::WorkDays),
        }
    };
    let committed = if immediate {
        Limit::Immediate
    } else {
        let wd = statutory.working_days().unwrap_or(20).max(2);
        // A quarter to a half of the statutory limit: the usual promise after 放管服 reforms,
        // and always below 5/7 of it so that a 日/工作日 unit slip stays the only finding.
        let pct = rng.random_range(25..=50u32);
        Limit::N((wd * pct / 100).max(1), Unit::WorkDays)
    };

    // Fees: most items are free; some applications charge an amount or per a standard.
    let applies = matches!(cat, LICENSING | CONFIRMATION | OTHER);
    let fee_roll = rng.random_range(0..100u32);
    let (charged, fee, fee_basis) = if entry.name == "不动产登记" {
        (true, "80元/件".to_string(), "《中华人民共和国民法典》第二百二十三条".to_string())
    } else if applies && fee_roll < 8 {
        let amount = *[20u32, 50, 80, 100, 200].get(rng.random_range(0..5usize)).unwrap_or(&50);
        (true, format!("{amount}元/件"), "《中华人民共和国行政许可法》第五十九条".to_string())
    } else if applies && fee_roll < 14 {
        (
            true,
            "按自治区价格主管部门核定的标准收取".to_string(),
            "《中华人民共和国行政许可法》第五十九条".to_string(),
        )
    } else {
        (false, "不收费".to_string(), String::new())
    };

    let visits = match cat {
        LICENSING | CONFIRMATION => [0u32, 0, 1, 1, 1, 2][rng.random_range(0..6usize)],
        PENALTY | COERCION | INSPECTION => 0,
        _ => [0u32, 1][rng.random_range(0..2usize)],
    };
    let mut intermediaries = Vec::new();
    if matches!(cat, LICENSING | CONFIRMATION)
        && !dept.intermediaries.is_empty()
        && rng.random_range(0..100u32) < 15
    {
        intermediaries.push(pick(&mut rng, dept.intermediaries).to_string());
    }

    let steps = build_steps(&mut rng, cat, immediate, committed);
    let materials = build_materials(&mut rng, entry, cat);

    let mut form = Form {
        code: entry.code.clone(),
        name: entry.name.clone(),
        category: cat,
        dept: entry.dept,
        levels: levels.to_string(),
        refs,
        basis: String::new(),
        statutory,
        statutory_text: String::new(),
        committed,
        committed_text: String::new(),
        charged,
        fee,
        fee_basis,
        visits,
        intermediaries,
        immediate,
        steps,
        materials,
        elements: Default::default(),
    };
    form.refresh_texts();
    super::elements::fill(&mut form);
    form
}

fn step(name: &str, limit: Limit, stamps: u32) -> Step {
    Step { name: name.to_string(), limit, stamps }
}

fn build_steps(rng: &mut ChaCha8Rng, cat: usize, immediate: bool, committed: Limit) -> Vec<Step> {
    let wd = |n: u32| Limit::N(n.max(1), Unit::WorkDays);
    let total = committed.working_days().unwrap_or(10).max(3);
    if immediate {
        return vec![step("受理", Limit::Immediate, 0), step("办结", Limit::Immediate, 1)];
    }
    match cat {
        PENALTY => vec![
            step("立案", wd(1), 1),
            step("调查取证", wd(total / 2), 0),
            step("告知", wd(1), 1),
            step("决定", wd(total / 4), 1),
            step("送达", wd(1), 0),
            step("执行", wd(total / 4), 0),
        ],
        COERCION => vec![
            step("审批", wd(1), 1),
            step("告知", wd(1), 0),
            step("实施", wd(1), 1),
            step("处理决定", wd(total / 2), 1),
        ],
        INSPECTION => vec![
            step("检查准备", wd(1), 0),
            step("实施检查", wd(total / 2), 1),
            step("告知结果", wd(1), 0),
            step("处理", wd(total / 3), 1),
        ],
        _ => {
            let mut s = vec![step("受理", wd(1), 1), step("审查", wd(total / 2), 0)];
            if rng.random_range(0..10u32) < 3 {
                s.push(step("现场核查", wd(total / 4), 0));
            }
            s.push(step("决定", wd(total / 4), 1));
            s.push(step("送达", wd(1), 0));
            s
        }
    }
}

fn material(name: &str, required: bool, copies: u32, stamped: bool) -> Material {
    Material { name: name.to_string(), required, copies, stamped }
}

fn build_materials(rng: &mut ChaCha8Rng, entry: &PoolEntry, cat: usize) -> Vec<Material> {
    let dept = &DEPTS[entry.dept];
    match cat {
        PENALTY | COERCION | INSPECTION => {
            let n = rng.random_range(2..=5usize);
            CASE_MATERIALS.iter().take(n).map(|m| material(m, true, 1, false)).collect()
        }
        _ => {
            let mut out = vec![material("申请书", true, 1, true)];
            // Businesses show a licence, individuals an identity card.
            if matches!(cat, LICENSING | OTHER | LEVY) || rng.random_range(0..2u32) == 0 {
                out.push(material("营业执照复印件", true, 1, true));
            }
            out.push(material("身份证复印件", true, 1, false));
            let n = rng.random_range(1..=2usize).min(dept.materials.len());
            let start = rng.random_range(0..dept.materials.len().max(1));
            for k in 0..n {
                if let Some(m) = dept.materials.get((start + k) % dept.materials.len().max(1)) {
                    out.push(material(
                        m,
                        rng.random_range(0..10u32) < 8,
                        rng.random_range(1..=2),
                        rng.random_range(0..4u32) == 0,
                    ));
                }
            }
            if rng.random_range(0..3u32) == 0 {
                out.push(material("授权委托书", false, 1, false));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_names_and_codes_are_unique_and_well_formed() {
        let p = pool(1);
        assert!(p.len() > 4000, "pool has {} names", p.len());
        let names: std::collections::HashSet<_> = p.iter().map(|e| e.name.as_str()).collect();
        let codes: std::collections::HashSet<_> = p.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(names.len(), p.len());
        assert_eq!(codes.len(), p.len());
        for e in &p {
            assert_eq!(e.code.len(), 12, "{}", e.code);
            assert_eq!(&e.code[2..4], CATEGORIES[e.category].1);
        }
        // Every category is among the first hundred names.
        let cats: std::collections::HashSet<_> = p.iter().take(100).map(|e| e.category).collect();
        assert_eq!(cats.len(), 10);
    }

    #[test]
    fn local_items_are_unlike_every_catalogue_name() {
        let p = pool(1);
        for (_, _, local) in LOCAL_ITEMS {
            for e in &p {
                let sim = strsim::normalized_levenshtein(local, &e.name);
                assert!(sim < 0.6, "{local} ~ {} ({sim:.2})", e.name);
            }
        }
    }

    #[test]
    fn committed_never_exceeds_statutory() {
        let p = pool(7);
        for (i, e) in p.iter().enumerate().take(2000) {
            let f = build_form(e, "县级", 7, i);
            if let (Some(c), Some(s)) = (f.committed.working_days(), f.statutory.working_days()) {
                if f.statutory != Limit::Immediate {
                    assert!(
                        c * 7 <= s * 5 || c <= 1,
                        "{}: {} vs {}",
                        f.name,
                        f.committed_text,
                        f.statutory_text
                    );
                }
            }
            assert!(!f.steps.is_empty() && !f.materials.is_empty());
        }
    }
}
