//! The bundled law registry (rules/laws.csv, rules/renumbering.csv): real lookups, renumbering,
//! the `--rules DIR` override, and the verify tests that keep the tables sorted and de-duplicated.

use std::path::Path;

use qingdan::error::Error;
use qingdan::laws::{law_key, parse_article, LawRegistry, LawStatus};

fn rules_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
}

#[test]
fn short_and_full_titles_find_the_same_law() {
    let registry = LawRegistry::bundled();
    let short = registry.lookup("食品安全法").expect("食品安全法 is in the registry");
    assert_eq!(short.title, "中华人民共和国食品安全法");
    assert_eq!(short.status, LawStatus::InForce);
    for variant in
        ["中华人民共和国食品安全法", "《中华人民共和国食品安全法》", "《食品安全法（2018修正）》"]
    {
        let found = registry.lookup(variant).expect(variant);
        assert_eq!(found.title, short.title, "{variant}");
        assert_eq!(found.version, short.version, "{variant}");
    }
}

#[test]
fn contract_law_is_repealed_by_the_civil_code() {
    let registry = LawRegistry::bundled();
    let contract = registry.lookup("合同法").expect("合同法 is in the registry");
    assert_eq!(contract.title, "中华人民共和国合同法");
    assert_eq!(contract.status, LawStatus::Repealed);
    assert_eq!(contract.repealed_on.as_deref(), Some("2021-01-01"));
    assert!(contract.replaced_by.as_deref().is_some_and(|r| r.contains("民法典")), "{contract:?}");
    assert!(contract.source.contains("watchlist_repealed.csv"), "{}", contract.source);
    assert!(registry.is_repealed("《中华人民共和国合同法》"));
    for title in ["物权法", "担保法", "侵权责任法", "食品卫生法", "增值税暂行条例", "外资企业法"]
    {
        assert!(registry.is_repealed(title), "{title} should be repealed");
    }
    // What replaced it is in force, also when cited with its 编.
    let code = registry.lookup("中华人民共和国民法典（合同编）").expect("民法典");
    assert_eq!(code.title, "中华人民共和国民法典");
    assert_eq!(code.status, LawStatus::InForce);
    assert!(!registry.is_repealed("民法典"));
}

#[test]
fn amended_law_with_a_current_version_is_in_force() {
    let registry = LawRegistry::bundled();
    // 行政复议法 has a 2017 version (已修改) and the 2023 one (有效).
    let versions = registry.versions("行政复议法");
    assert!(versions.len() >= 2, "{versions:?}");
    assert!(versions.iter().any(|l| l.status == LawStatus::Amended));
    let current = registry.lookup("行政复议法").expect("行政复议法");
    assert_eq!(current.status, LawStatus::InForce);
    assert_eq!(current.effective.as_deref(), Some("2024-01-01"));
    assert!(!registry.is_repealed("行政复议法"));
    assert!(!registry.is_repealed("行政处罚法"));
}

#[test]
fn curated_renumbering_pairs() {
    let registry = LawRegistry::bundled();
    assert_eq!(
        registry.renumbered("行政处罚法", 8),
        Some(("中华人民共和国行政处罚法".to_string(), "第九条".to_string()))
    );
    assert_eq!(
        registry.renumbered("《中华人民共和国合同法》", 107),
        Some(("中华人民共和国民法典".to_string(), "第五百七十七条".to_string()))
    );
    assert_eq!(
        registry.renumbered("物权法", 9),
        Some(("中华人民共和国民法典".to_string(), "第二百零九条".to_string()))
    );
    // 第二十七条 was split by paragraph into two articles.
    assert_eq!(
        registry.renumbered("行政处罚法", 27).map(|r| r.1),
        Some("第三十二条、第三十三条第一款".to_string())
    );
    assert_eq!(registry.renumbered("行政处罚法", 1000), None);
    assert_eq!(registry.renumbered("没有这部法", 8), None);
}

#[test]
fn auto_renumbering_rows_meet_the_threshold() {
    let registry = LawRegistry::bundled();
    // 公司法 2018 第十六条 → 2023 第十五条 is curated; the auto file has many more pairs.
    assert_eq!(registry.renumbered("公司法", 16).map(|r| r.1), Some("第十五条".to_string()));
    let text = std::fs::read_to_string(rules_dir().join("renumbering.csv")).unwrap();
    let mut auto = 0;
    for line in text.lines().skip(1) {
        if let Some((_, similarity)) = line.rsplit_once("similarity ") {
            let value: f64 = similarity.trim_end_matches('"').parse().expect(line);
            assert!(value >= 0.8, "{line}");
            auto += 1;
        }
    }
    assert!(auto > 1000, "{auto} auto rows");
}

/// Like typos' verify test: the committed table is sorted by title and version, with one row per
/// title and version.
#[test]
fn laws_csv_is_sorted_and_deduplicated() {
    let mut reader = csv::Reader::from_path(rules_dir().join("laws.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "title",
            "short_title",
            "type",
            "status",
            "effective_date",
            "repeal_date",
            "replaced_by",
            "source",
            "version"
        ]
    );
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[8].to_string())
        })
        .collect();
    for pair in rows.windows(2) {
        assert!(pair[0] < pair[1], "not sorted or duplicated: {:?} then {:?}", pair[0], pair[1]);
    }
    assert_eq!(rows.len(), LawRegistry::bundled().len());
}

#[test]
fn renumbering_csv_is_sorted_and_deduplicated() {
    let mut reader = csv::Reader::from_path(rules_dir().join("renumbering.csv")).unwrap();
    let rows: Vec<(String, u32, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let number = parse_article(&r[1]).unwrap_or_else(|| panic!("bad article {:?}", &r[1]));
            (r[0].to_string(), number, r[1].to_string())
        })
        .collect();
    for pair in rows.windows(2) {
        assert!(pair[0] < pair[1], "not sorted or duplicated: {:?} then {:?}", pair[0], pair[1]);
    }
}

#[test]
fn every_title_is_found_by_its_own_title() {
    let registry = LawRegistry::bundled();
    for law in registry.iter() {
        let found = registry.lookup(&law.title).unwrap_or_else(|| panic!("{}", law.title));
        assert_eq!(law_key(&found.title), law_key(&law.title));
    }
}

#[test]
fn override_dir_replaces_the_embedded_table() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("laws.csv"),
        "title,short_title,type,status,effective_date,repeal_date,replaced_by,source,version\n\
         中华人民共和国甲法,甲法,法律,已废止,,2024-01-01,中华人民共和国乙法,test,\n",
    )
    .unwrap();
    let registry = LawRegistry::load(Some(dir.path())).unwrap();
    assert_eq!(registry.len(), 1);
    assert!(registry.is_repealed("甲法"));
    assert!(registry.lookup("食品安全法").is_none());
    // renumbering.csv was not overridden: the embedded one is used.
    assert_eq!(registry.renumbered("行政处罚法", 8).map(|r| r.1), Some("第九条".to_string()));
}

#[test]
fn broken_override_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laws.csv");
    std::fs::write(
        &path,
        "title,short_title,type,status,effective_date,repeal_date,replaced_by,source,version\n\
         中华人民共和国甲法,甲法,法律,有效,,,,test,\n\
         中华人民共和国乙法,乙法,法律,有效,,,,test,\n\
         中华人民共和国丙法,丙法,法律,作废,,,,test,\n",
    )
    .unwrap();
    let err = LawRegistry::load(Some(dir.path())).unwrap_err();
    assert!(matches!(err, Error::Rules { line: Some(4), .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with(&format!("{}:4:", path.display())), "{message}");
    assert!(message.contains("作废"), "{message}");

    std::fs::write(
        &path,
        "title,short_title,type,status,effective_date,repeal_date,replaced_by,source,version\n\
         中华人民共和国甲法,甲法,法律,有效,,,\n",
    )
    .unwrap();
    let message = LawRegistry::load(Some(dir.path())).unwrap_err().to_string();
    assert!(message.starts_with(&format!("{}:2:", path.display())), "{message}");
    assert!(message.contains("7 fields, expected 9"), "{message}");
}
