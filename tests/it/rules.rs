//! One fixture pair per rule, through the real binary: tests/fixtures/rules/QDxxx-fires/ must
//! report the rule on the expected jurisdiction, item and field, and QDxxx-silent/ (the same
//! reference, with only formatting noise) must not report it at all. The jsonl and text output of
//! every -fires fixture is snapshotted (tests/snapshots/, reviewed with `cargo insta review`), so a
//! change of wording or key shows in review. tests/fixtures/rules/README.md says what each shows.
//!
//! A fixture folder holds the dataset (items.csv, and steps.csv, materials.csv, jurisdictions.csv
//! where the rule needs them); `standard/` beside the files is passed as `--standard`, `rules/` as
//! `--rules` (for rules off by default). Without `standard/` the run is in consensus mode.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// Runs `qingdan check` on one fixture folder with its standard and rules dir when present, from
/// inside the folder so that no absolute path can reach the output.
fn check(case: &str, format: &str) -> String {
    let dir = fixtures().join(case);
    assert!(dir.join("items.csv").is_file(), "no fixture {}", dir.display());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qingdan"));
    cmd.current_dir(&dir).args(["check", ".", "--format", format, "--lang", "zh"]);
    cmd.args(["--fail-on", "never"]);
    if dir.join("standard").is_dir() {
        cmd.args(["--standard", "standard"]);
    }
    if dir.join("rules").is_dir() {
        cmd.args(["--rules", "rules"]);
    }
    let out = cmd.output().expect("run qingdan");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{case} --format {format}: {:?}\n{stderr}", out.status);
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    // Belt and braces: the run is relative, but a path leaking into a message must not make the
    // snapshot depend on where the repository is checked out.
    text.replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]")
}

fn findings(case: &str) -> Vec<serde_json::Value> {
    check(case, "jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{case}: bad jsonl {l}: {e}")))
        .collect()
}

/// The -fires fixture reports `rule` about (jurisdiction, item, field), as a root finding or, where
/// `cause` names a rule, as one that follows from that rule's; its output is as reviewed.
fn fires(rule: &str, jurisdiction: Option<&str>, item: &str, field: &str, cause: Option<&str>) {
    let case = format!("{rule}-fires");
    let jsonl = check(&case, "jsonl");
    let found = findings(&case).into_iter().any(|f| {
        f["rule"] == rule
            && f["jurisdiction"].as_str() == jurisdiction
            && f["item"] == item
            && f["field"] == field
            && f["caused_by"]["rule"].as_str() == cause
    });
    assert!(
        found,
        "{case}: no {rule} on {jurisdiction:?}/{item}/{field} caused by {cause:?} in\n{jsonl}"
    );
    insta::assert_snapshot!(format!("{case}-jsonl"), jsonl);
    insta::assert_snapshot!(format!("{case}-text"), check(&case, "text"));
}

/// The -silent fixture (formatting noise only) does not report `rule` at all.
fn silent(rule: &str, case: &str) {
    let hits: Vec<_> = findings(case).into_iter().filter(|f| f["rule"] == rule).collect();
    assert!(hits.is_empty(), "{case}: {rule} reported on formatting noise: {hits:#?}");
}

macro_rules! rules {
    ($($m:ident: $rule:literal at ($j:expr, $item:literal, $field:literal) $(caused by $cause:literal)?;)*) => {
        /// Every rule with a fixture pair, in registry order.
        const COVERED: &[&str] = &[$($rule),*];
        $(
            mod $m {
                // The rule's row names J or TOWN, or neither.
                #[allow(unused_imports)]
                use super::{J, TOWN};
                #[test]
                fn fires() {
                    super::fires($rule, $j, $item, $field, None $(.or(Some($cause)))?);
                }
                #[test]
                fn silent() {
                    super::silent($rule, concat!($rule, "-silent"));
                }
            }
        )*
    };
}

const J: Option<&str> = Some("450102");
const TOWN: Option<&str> = Some("450102001");

rules! {
    qd001: "QD001" at (J, "451001003000", "presence");
    qd002: "QD002" at (J, "450799001000", "presence");
    qd003: "QD003" at (TOWN, "450101001000", "presence");
    // The county lacking the item is the root (QD001); the town's finding follows from it.
    qd004: "QD004" at (TOWN, "451001003000", "presence") caused by "QD001";
    qd005: "QD005" at (J, "450799001000", "presence");
    qd101: "QD101" at (J, "450101001000", "name");
    qd102: "QD102" at (J, "45010100100", "code");
    qd103: "QD103" at (J, "450201001000", "code");
    qd104: "QD104" at (J, "450101001000", "code");
    qd105: "QD105" at (J, "450101001000", "code");
    qd106: "QD106" at (J, "450101001000", "code");
    qd107: "QD107" at (J, "450101001000", "code");
    qd108: "QD108" at (J, "450101001000", "code");
    qd109: "QD109" at (J, "450101001000", "code");
    qd201: "QD201" at (J, "450101001000", "category");
    qd202: "QD202" at (J, "450101001000", "department");
    qd203: "QD203" at (J, "450101001000", "levels");
    qd301: "QD301" at (J, "450101001000", "basis");
    qd302: "QD302" at (J, "450101001000", "basis");
    qd303: "QD303" at (J, "450101001000", "basis");
    qd304: "QD304" at (J, "450101001000", "basis");
    qd305: "QD305" at (J, "451001003000", "basis");
    qd306: "QD306" at (J, "451001003000", "basis");
    qd401: "QD401" at (J, "450101001000", "statutory_limit");
    qd402: "QD402" at (J, "450101001000", "committed_limit");
    qd403: "QD403" at (J, "450101001000", "committed_limit");
    qd404: "QD404" at (J, "450101001000", "kind");
    qd405: "QD405" at (J, "450101001000", "kind");
    qd406: "QD406" at (J, "450101001000", "committed_limit");
    qd407: "QD407" at (J, "450101001000", "statutory_limit");
    qd501: "QD501" at (J, "450101001000", "fee");
    qd502: "QD502" at (J, "450705001000", "fee");
    qd503: "QD503" at (J, "450101001000", "fee");
    qd504: "QD504" at (J, "450101001000", "fee");
    qd505: "QD505" at (J, "450101001000", "fee");
    qd601: "QD601" at (J, "450101001000", "visits");
    qd602: "QD602" at (J, "450101001000", "intermediaries");
    qd603: "QD603" at (J, "450101001000", "steps");
    qd604: "QD604" at (J, "450101001000", "stamps");
    qd605: "QD605" at (J, "450101001000", "materials");
    qd606: "QD606" at (J, "450101001000", "visits");
    qd701: "QD701" at (J, "451001003000", "kind");
    qd801: "QD801" at (J, "450601001000", "elements");
    qd802: "QD802" at (J, "450201001000", "elements");
    qd803: "QD803" at (J, "450201001000", "elements");
    qd804: "QD804" at (J, "450601001000", "elements");
    qd805: "QD805" at (J, "450601001000", "elements");
    qd806: "QD806" at (J, "450201001000", "elements");
    qd807: "QD807" at (J, "450201001000", "elements");
    qd808: "QD808" at (J, "450301001000", "elements");
    qd809: "QD809" at (J, "450101001000", "elements");
    qd810: "QD810" at (J, "450601001000", "elements");
    qd901: "QD901" at (None, "451001003000", "statutory_limit");
}

/// A bare title (no 《》) followed by whitespace before 第N条 is formatting, as DATA.md says
/// whitespace does not matter in a basis; 食品安全法第三十五条 without the space is read.
#[test]
#[ignore = "QD306: 食品安全法 第三十五条 (a space or U+3000 between a bare title and 第N条) is reported unreadable, though 食品安全法第三十五条 is read"]
fn qd306_silent_on_a_spaced_bare_title() {
    silent("QD306", "QD306-silent-spaced");
}

/// Every rule `qingdan rules` lists has a fixture pair and a test above, and every fixture folder
/// is described in tests/fixtures/rules/README.md; no folder is left over.
#[test]
fn every_rule_has_a_fixture_pair_described_in_the_readme() {
    let out = Command::new(env!("CARGO_BIN_EXE_qingdan")).arg("rules").output().unwrap();
    assert!(out.status.success());
    let listed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert_eq!(listed.len(), 53, "{listed:?}");
    assert_eq!(listed, COVERED, "the rules! list must follow `qingdan rules`");
    let readme = std::fs::read_to_string(fixtures().join("README.md")).unwrap();
    let described: BTreeSet<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("- `")?.split('`').next())
        .map(|d| d.trim_end_matches('/'))
        .collect();
    let mut folders = BTreeSet::new();
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            folders.insert(e.file_name().into_string().unwrap());
        }
    }
    for rule in &listed {
        for kind in ["fires", "silent"] {
            assert!(folders.contains(&format!("{rule}-{kind}")), "no {rule}-{kind}");
        }
    }
    let folders: BTreeSet<&str> = folders.iter().map(String::as_str).collect();
    assert_eq!(folders, described, "README.md lines (`- `FOLDER/` …`) vs folders");
}
