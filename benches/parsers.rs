//! Criterion micro-benches of the value parsers on realistic strings: ns per value for numerals,
//! time limits, fees, legal bases, codes, counts and names; and of name matching on the
//! standard of a generated region (bench-data/province/standard when benches/run.sh made it, else
//! `qingdan::gen`'s small preset in a temp folder):
//! candidates per unknown item after bigram blocking (printed), `NameIndex::best` per unknown
//! item and Dice `similarity` pairs per second.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use qingdan::check::matching::{bigrams, similarity, NameIndex};
use qingdan::value::{basis::Basis, code::Code, code::ImplCode, count::Count, fee::Fee};
use qingdan::value::{limit::TimeLimit, name::Name, numeral};

const NUMBERS: &[&str] =
    &["20", "二十", "一百二十", "两千六", "一千零十", "三万五", "壹拾贰", "廿一"];

const LIMITS: &[&str] = &[
    "20个工作日",
    "二十个工作日",
    "即办",
    "无",
    "受理之日起20个工作日。",
    "15个工作日（不含现场核查时间）",
    "除可以当场作出行政许可决定的外，行政机关应当自受理行政许可申请之日起二十日内做出行政许可决定。",
    "《宗教事务条例》规定",
];

const FEES: &[&str] = &[
    "不收费",
    "每证10元",
    "10元/件",
    "10.5元",
    "按《行政事业性收费标准管理办法》规定标准收取",
    "",
];

const BASES: &[&str] = &[
    "《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。",
    "【法律】《中华人民共和国专利法》第六十五条；【地方性法规】《辽宁省专利条例》第二十二条",
    "《中华人民共和国特种设备安全法》第五十条；《特种设备安全监察条例》（国务院令第549号）第四十一条、第一百零一条",
    "【规章】港口危险货物安全管理规定（交通运输部令2017年第27号）第五十八条",
    "依据食品安全法第三十五条",
];

const CODES: &[&str] = &["000104002000", "450708001W01", "00010400200", "０００１０４００２０００"];

const IMPL_CODES: &[&str] = &[
    "11450721MB155808114000104002000",
    "TE45072110000000034450708001W01",
    "511A0138000000-511602000000-000-115113010833722043-1-00",
    "G-000007-001-511602000000-000-115113010833722043-1-00",
];

const NAMES: &[&str] =
    &["食品经营许可（新办）", " 食品　经营 许可【新办】", "固定资产投资项目节能审查"];

fn arcs(v: &[&str]) -> Vec<Arc<str>> {
    v.iter().map(|s| Arc::from(*s)).collect()
}

/// Runs `f` over every sample per iteration; throughput is reported per value.
fn bench_set<T>(c: &mut Criterion, name: &str, samples: &[&str], f: impl Fn(Arc<str>) -> T) {
    let raws = arcs(samples);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(raws.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            for r in &raws {
                black_box(f(black_box(r.clone())));
            }
        })
    });
    g.finish();
}

fn parsers(c: &mut Criterion) {
    bench_set(c, "numeral", NUMBERS, |s| numeral::parse_number(&s));
    bench_set(c, "limit", LIMITS, TimeLimit::parse);
    bench_set(c, "fee", FEES, Fee::parse);
    bench_set(c, "basis", BASES, Basis::parse);
    bench_set(c, "code", CODES, Code::parse);
    bench_set(c, "impl_code", IMPL_CODES, |s| ImplCode::parse(&s).is_ok());
    bench_set(c, "count", &["1", "二", "2次", "-3"], Count::parse);
    bench_set(c, "name", NAMES, Name::new);
    bench_set(c, "to_chinese", &["35", "1010", "100010000"], |s| {
        numeral::to_chinese(s.parse().unwrap_or(0))
    });
}

/// Reworded names, as a county writes them: a qualifier added, a character dropped.
fn reworded(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let dropped: String =
        chars.iter().enumerate().filter(|(i, _)| *i != chars.len() / 2).map(|(_, c)| c).collect();
    vec![format!("{name}（新办）"), dropped]
}

fn matching(c: &mut Criterion) {
    // The province standard of benches/run.sh when it has been generated, else a small one.
    let bench = std::env::var("QINGDAN_BENCH_DIR").unwrap_or_else(|_| "bench-data".into());
    let province = std::path::Path::new(&bench).join("province/standard");
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = if province.join("items.csv").is_file() {
        province
    } else {
        qingdan::gen::generate(&qingdan::gen::Config::small(1), dir.path()).expect("gen");
        dir.path().join("standard")
    };
    println!("name matching: candidates from {}", folder.display());
    let std = qingdan::load::load(&folder, &Default::default()).expect("load");
    let cands: Vec<(String, Option<qingdan::model::Category>)> =
        std.items.iter().map(|i| (i.name.norm.to_string(), i.category)).collect();
    let index = NameIndex::new(cands.iter().map(|(n, c)| (n.as_str(), *c)));
    let unknown: Vec<(String, Option<qingdan::model::Category>)> =
        cands.iter().flat_map(|(n, c)| reworded(n).into_iter().map(move |r| (r, *c))).collect();
    // Blocking: how many candidates of the same category (or unknown) share a bigram.
    let blocked: usize = unknown
        .iter()
        .map(|(n, c)| {
            let grams = bigrams(n);
            cands
                .iter()
                .filter(|(_, d)| d == c || d.is_none())
                .filter(|(m, _)| bigrams(m).iter().any(|g| grams.binary_search(g).is_ok()))
                .count()
        })
        .sum();
    println!(
        "name matching: {} candidates, {} unknown names; after blocking {:.1} candidates per \
         unknown name (scored: at most 64)",
        cands.len(),
        unknown.len(),
        blocked as f64 / unknown.len().max(1) as f64
    );
    let mut g = c.benchmark_group("matching");
    // One iteration over a province standard's reworded names takes about a second.
    g.sample_size(10);
    g.throughput(Throughput::Elements(unknown.len() as u64));
    g.bench_function("best_per_unknown", |b| {
        b.iter(|| {
            for (n, cat) in &unknown {
                black_box(index.best(black_box(n), *cat, 64, |_| false));
            }
        })
    });
    let pairs: Vec<(&str, &str)> =
        unknown.iter().zip(cands.iter().cycle().skip(1)).map(|(u, c)| (&*u.0, &*c.0)).collect();
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("similarity_pairs", |b| {
        b.iter(|| {
            for (a, b2) in &pairs {
                black_box(similarity(black_box(a), black_box(b2)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, parsers, matching);
criterion_main!(benches);
