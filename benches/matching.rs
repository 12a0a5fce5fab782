//! Name similarity: the labelled pairs it is measured on, and the cost of matching by name.
//!
//! `cargo bench --bench matching -- --write-pairs` regenerates tests/fixtures/names/pairs.csv
//! (columns a, b, same, source; names normalised) from:
//!
//! - `qingdan gen --realistic --seed 1..=10`: a row's reworded name (truth.csv classes
//!   `codeless-reworded`, `name-differs`) against its standard name (same, `generated`); the
//!   standard's 办理项 rows `X（新办）` against `X` (same, `generated-handling`); a near twin's
//!   row name against the standard name of its code (`name-collides`: different, `generated`);
//!   materials reworded between region/ and region-v2/ (changes.csv `reworded_materials`, in
//!   file order: same, `generated-material`);
//! - the real samples (tests/fixtures/load/{guangxi,liaoning,sichuan}, copies of
//!   shared/data/real/): Guangxi rows sharing a 基本编码 under different names (same, `real`);
//!   Sichuan sub-items against their 主项 (`main_item`: same, `real-handling`). Sichuan's base
//!   codes (item_code before the first '-') are one per row except for legacy codes (G-, E-, Z-,
//!   H-, 1J-) that several different items share, so its 主项 column is what groups an item's
//!   办理项;
//! - hard negatives: for every name, its most similar other item of the same category (another
//!   code, another 主项) by each metric of `qingdan::value::similar::CANDIDATES`, within the
//!   standard of each seed (`generated`), within each real sample (`real`), and among the
//!   materials of each seed (`generated-material`).
//!
//! `cargo bench --bench matching` (no argument) times `NameIndex::best` on a generated standard.
//! The measurement of the metrics on the pairs is the unit test `chosen_metric_is_best_on_real_pairs`
//! in src/value/similar.rs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use qingdan::value::name::normalize;
use qingdan::value::similar::CANDIDATES;

/// A CSV file as header-keyed rows.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = rdr.headers().expect("header").clone();
    rdr.records()
        .map(|r| {
            let r = r.expect("record");
            headers.iter().zip(r.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

fn get<'a>(r: &'a HashMap<String, String>, k: &str) -> &'a str {
    r.get(k).map(String::as_str).unwrap_or("")
}

/// The labelled pairs, unordered and de-duplicated per source: ((a, b) sorted, source) → same.
#[derive(Default)]
struct Pairs(BTreeMap<(String, String, &'static str), bool>);

impl Pairs {
    fn add(&mut self, a: &str, b: &str, same: bool, source: &'static str) {
        let (a, b) = (normalize(a), normalize(b));
        if a.is_empty() || b.is_empty() || a == b {
            return;
        }
        let key = if a <= b { (a, b, source) } else { (b, a, source) };
        // A pair labelled the same somewhere stays the same (a rewording is never a negative).
        let e = self.0.entry(key).or_insert(same);
        *e |= same;
    }

    /// For each (name, group, category), its most similar name of another group and the same
    /// category by each candidate metric, as a different pair.
    fn hard_negatives(&mut self, names: &[(String, String, String)], source: &'static str) {
        for (a, group, cat) in names {
            for (_, metric) in CANDIDATES {
                let best = names
                    .iter()
                    .filter(|(b, g, c)| g != group && c == cat && normalize(b) != normalize(a))
                    .map(|(b, _, _)| (metric(&normalize(a), &normalize(b)), b))
                    .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(x.1)));
                if let Some((_, b)) = best {
                    self.add(a, b, false, source);
                }
            }
        }
    }
}

/// `X（新办）` → `X`: the name without a trailing bracketed part.
fn base_name(name: &str) -> Option<&str> {
    let n = name.trim_end();
    let open = n.rfind(['（', '('])?;
    (n.ends_with(['）', ')']) && open > 0).then(|| &n[..open])
}

fn generated(pairs: &mut Pairs, root: &Path) {
    let bin = env!("CARGO_BIN_EXE_qingdan");
    for seed in 1..=10u32 {
        let dir = root.join(seed.to_string());
        let s = seed.to_string();
        let out = Command::new(bin)
            .args(["gen", "--realistic", "--seed", &s, "-o"])
            .arg(&dir)
            .arg("-q")
            .output()
            .expect("run qingdan gen");
        assert!(out.status.success(), "gen: {}", String::from_utf8_lossy(&out.stderr));
        for t in rows(&dir.join("truth.csv")) {
            let (class, row, detail) = (get(&t, "class"), get(&t, "row_name"), get(&t, "detail"));
            let between = |from: &str, to: &str| {
                let start = detail.find(from)? + from.len();
                let rest = &detail[start..];
                Some(rest[..rest.rfind(to).unwrap_or(rest.len())].to_string())
            };
            match class {
                "codeless-reworded" | "name-differs" => {
                    if let Some(std) = between("与标准 ", " 不同") {
                        pairs.add(row, &std, true, "generated");
                    }
                }
                "name-collides" => {
                    if let Some(std) = between("标准名称为 ", "\u{0}") {
                        pairs.add(row, &std, false, "generated");
                    }
                }
                _ => {}
            }
        }
        // The standard: 办理项 rows share a code; one name per code for the negatives.
        let mut by_code: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for r in rows(&dir.join("standard/items.csv")) {
            by_code
                .entry(get(&r, "事项编码").to_string())
                .or_default()
                .push((get(&r, "事项名称").to_string(), get(&r, "事项类型").to_string()));
        }
        let mut names = Vec::new();
        for (code, rs) in &by_code {
            let Some((first, cat)) = rs.first() else { continue };
            let base = if rs.len() > 1 { base_name(first).unwrap_or(first) } else { first };
            if rs.len() > 1 {
                for (n, _) in rs {
                    pairs.add(n, base, true, "generated-handling");
                }
            }
            names.push((base.to_string(), code.clone(), cat.clone()));
        }
        pairs.hard_negatives(&names, "generated");
        materials(pairs, &dir);
    }
}

fn materials(pairs: &mut Pairs, dir: &Path) {
    type Key = (String, String);
    let read = |p: PathBuf| {
        let mut m: BTreeMap<Key, Vec<String>> = BTreeMap::new();
        for r in rows(&p) {
            let k = (get(&r, "区划代码").to_string(), get(&r, "事项编码").to_string());
            m.entry(k).or_default().push(get(&r, "材料名称").to_string());
        }
        m
    };
    let (old, new) =
        (read(dir.join("region/materials.csv")), read(dir.join("region-v2/materials.csv")));
    for c in rows(&dir.join("changes.csv")) {
        let n: usize = get(&c, "reworded_materials").parse().unwrap_or(0);
        let k = (get(&c, "jurisdiction").to_string(), get(&c, "item").to_string());
        let (Some(o), Some(w)) = (old.get(&k), new.get(&k)) else { continue };
        let o_only: Vec<&String> = o.iter().filter(|m| !w.contains(m)).collect();
        let w_only: Vec<&String> = w.iter().filter(|m| !o.contains(m)).collect();
        if n > 0 && o_only.len() == n && w_only.len() == n {
            for (a, b) in o_only.iter().zip(&w_only) {
                pairs.add(a, b, true, "generated-material");
            }
        }
    }
    let all: BTreeSet<&String> = old.values().chain(new.values()).flatten().collect();
    let names: Vec<(String, String, String)> =
        all.iter().map(|m| (m.to_string(), m.to_string(), String::new())).collect();
    let mut neg = Pairs::default();
    neg.hard_negatives(&names, "generated-material");
    for ((a, b, s), _) in neg.0 {
        // A reworded pair is no negative.
        if !pairs.0.contains_key(&(a.clone(), b.clone(), s)) {
            pairs.add(&a, &b, false, s);
        }
    }
}

fn real(pairs: &mut Pairs, root: &Path) {
    // Guangxi: one 基本编码 under several names.
    let gx = rows(&root.join("guangxi/items.csv"));
    let mut names = Vec::new();
    let mut by_code: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &gx {
        by_code.entry(get(r, "catalog_code")).or_default().insert(get(r, "task_name"));
        names.push((
            get(r, "task_name").to_string(),
            get(r, "catalog_code").to_string(),
            get(r, "task_type").to_string(),
        ));
    }
    for ns in by_code.values() {
        let ns: Vec<&&str> = ns.iter().collect();
        for (i, a) in ns.iter().enumerate() {
            for b in &ns[i + 1..] {
                pairs.add(a, b, true, "real");
            }
        }
    }
    pairs.hard_negatives(&names, "real");
    // Liaoning: 30 catalogue items, each its own code.
    let ln: Vec<(String, String, String)> = rows(&root.join("liaoning/items.csv"))
        .iter()
        .map(|r| {
            (
                get(r, "事项名称").to_string(),
                get(r, "职权编码").to_string(),
                get(r, "事项类型").to_string(),
            )
        })
        .collect();
    pairs.hard_negatives(&ln, "real");
    // Sichuan: sub-items (办理项) of a 主项, and every item against the other 主项.
    let mut names = Vec::new();
    for r in rows(&root.join("sichuan/items.csv")) {
        let main = get(&r, "main_item");
        let name = get(&r, "item_name");
        let cat = get(&r, "task_type").to_string();
        let group = if main == "未分类" {
            get(&r, "item_code").to_string()
        } else {
            pairs.add(name, main, true, "real-handling");
            names.push((main.to_string(), main.to_string(), cat.clone()));
            main.to_string()
        };
        names.push((name.to_string(), group, cat));
    }
    names.sort();
    names.dedup();
    pairs.hard_negatives(&names, "real");
}

fn write_pairs() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut pairs = Pairs::default();
    generated(&mut pairs, tmp.path());
    real(&mut pairs, &manifest.join("tests/fixtures/load"));
    let mut out = String::from("a,b,same,source\n");
    // A pair labelled the same in one source is no negative in another (a Sichuan sub-item is
    // also the closest name of another 主项's row).
    let same: BTreeSet<(&str, &str)> = pairs
        .0
        .iter()
        .filter(|(_, s)| **s)
        .map(|((a, b, _), _)| (a.as_str(), b.as_str()))
        .collect();
    let mut rows: Vec<(&str, bool, &str, &str)> = pairs
        .0
        .iter()
        .filter(|((a, b, _), s)| **s || !same.contains(&(a.as_str(), b.as_str())))
        .map(|((a, b, s), same)| (*s, !*same, a.as_str(), b.as_str()))
        .collect();
    rows.sort();
    let mut w = csv::Writer::from_writer(Vec::new());
    for (s, not_same, a, b) in &rows {
        w.write_record([*a, *b, if *not_same { "0" } else { "1" }, *s]).expect("csv");
    }
    let body = String::from_utf8(w.into_inner().expect("csv")).expect("utf-8");
    out.push_str(&body);
    let path = manifest.join("tests/fixtures/names/pairs.csv");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, out).expect("write pairs.csv");
    let mut counts: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for (s, not_same, _, _) in &rows {
        *counts.entry((s, !not_same)).or_default() += 1;
    }
    println!("wrote {}: {counts:?}", path.display());
}

/// Two rewordings of a name: the 办理项 `（新办）` added, and its middle character dropped.
fn reworded(name: &str) -> [String; 2] {
    let chars: Vec<char> = name.chars().collect();
    let dropped: String =
        chars.iter().enumerate().filter(|(i, _)| *i != chars.len() / 2).map(|(_, c)| c).collect();
    [format!("{name}(新办)"), dropped]
}

/// The fastest of three runs of `f`, in seconds.
fn fastest(mut f: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

/// 6,000 reworded names matched against a generated standard of ~4,000 items: the time of
/// `NameIndex::best`, the candidates that share a bigram with each name (what the index counts)
/// and the cost of scoring pairs with each metric.
fn timing() {
    use qingdan::check::matching::{bigrams, NameIndex};
    use qingdan::model::Category;
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = qingdan::gen::Config {
        cities: 1,
        counties: 1,
        towns_per_county: 1,
        county_items: 4000,
        town_items: 1,
        ..qingdan::gen::Config::small(1)
    };
    qingdan::gen::generate(&cfg, dir.path()).expect("gen");
    let std = qingdan::load::load(&dir.path().join("standard"), &Default::default()).expect("load");
    let cands: Vec<(String, Option<Category>)> =
        std.items.iter().map(|i| (i.name.norm.to_string(), i.category)).collect();
    let index = NameIndex::new(cands.iter().map(|(n, c)| (n.as_str(), *c)));
    let unknown: Vec<(String, Option<Category>)> = cands
        .iter()
        .flat_map(|(n, c)| reworded(n).into_iter().map(move |r| (r, *c)))
        .take(6000)
        .collect();
    let grams: Vec<Vec<(char, char)>> = cands.iter().map(|(n, _)| bigrams(n)).collect();
    let sharing: usize = unknown
        .iter()
        .map(|(n, c)| {
            let mine = bigrams(n);
            cands
                .iter()
                .zip(&grams)
                .filter(|((_, d), g)| {
                    (d == c || d.is_none()) && g.iter().any(|x| mine.binary_search(x).is_ok())
                })
                .count()
        })
        .sum();
    let mut found = 0usize;
    let best = fastest(|| {
        found = unknown.iter().filter_map(|(n, c)| index.best(n, *c, 64, |_| false)).count();
    });
    println!(
        "name matching: {} unknown names against {} standard items: {:.1} candidates per name share \
         a bigram (the index counts them all, scores the 64 sharing most); best(): {:.3} s, \
         {:.1} µs per name ({} found)",
        unknown.len(),
        cands.len(),
        sharing as f64 / unknown.len().max(1) as f64,
        best,
        best * 1e6 / unknown.len().max(1) as f64,
        found
    );
    let pairs: Vec<(&str, &str)> = unknown
        .iter()
        .flat_map(|(u, _)| {
            cands.iter().step_by(61).take(64).map(move |(c, _)| (u.as_str(), c.as_str()))
        })
        .collect();
    for (name, metric) in CANDIDATES {
        let mut sum = 0.0;
        let t = fastest(|| sum = pairs.iter().map(|(a, b)| metric(a, b)).sum::<f64>());
        println!(
            "  {name:<13} {:>6.0} ns per pair ({} pairs, mean {:.3})",
            t * 1e9 / pairs.len() as f64,
            pairs.len(),
            sum / pairs.len() as f64
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--write-pairs") {
        write_pairs();
    } else {
        timing();
    }
}
