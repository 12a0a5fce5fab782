//! `check --shard K/N` and `qingdan merge` (issue 20): the partial results of N shards, merged in
//! any order, give the single run's report byte for byte in every format, with and without the
//! standard, on examples/ and on `gen --small` and `gen --realistic` data; an incomplete or mixed
//! set of partials is an error naming the shard or the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FORMATS: [&str; 7] = ["text", "json", "jsonl", "csv", "md", "html", "xlsx"];

fn qingdan(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(args)
        .env("QINGDAN_TODAY", "2026-12-04")
        .output()
        .expect("run qingdan")
}

fn os(v: &[&str]) -> Vec<std::ffi::OsString> {
    v.iter().map(|s| s.into()).collect()
}

fn run(v: Vec<std::ffi::OsString>) -> Output {
    let refs: Vec<&std::ffi::OsStr> = v.iter().map(|s| s.as_os_str()).collect();
    qingdan(&refs)
}

/// For each N: every shard written, then merged (in reverse order, and rotated) to every
/// format; each must equal the single run's file and exit code.
fn identical(dataset: &Path, standard: Option<&Path>, ns: &[u32], dir: &Path) {
    let mut base = os(&["-q", "check"]);
    base.push(dataset.into());
    if let Some(s) = standard {
        base.push("--standard".into());
        base.push(s.into());
    }
    let mode = if standard.is_some() { "std" } else { "peers" };
    let mut single = Vec::new();
    for f in FORMATS {
        let out = dir.join(format!("{mode}.single.{f}"));
        let mut a = base.clone();
        a.extend(os(&["--format", f, "-o"]));
        a.push(out.clone().into());
        let o = run(a);
        assert!(o.status.code().unwrap() < 2, "{}", String::from_utf8_lossy(&o.stderr));
        single.push((f, o.status.code(), std::fs::read(&out).unwrap()));
    }
    for &n in ns {
        let parts: Vec<PathBuf> =
            (0..n).map(|k| dir.join(format!("{mode}.{n}.{k}.part"))).collect();
        for (k, p) in parts.iter().enumerate() {
            let mut a = base.clone();
            a.extend(os(&["--shard", &format!("{k}/{n}"), "-o"]));
            a.push(p.into());
            let o = run(a);
            assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        }
        for (i, (f, code, want)) in single.iter().enumerate() {
            // Given in another order each time: the merge does not depend on it.
            let mut order = parts.clone();
            order.rotate_left(i % parts.len());
            if i % 2 == 1 {
                order.reverse();
            }
            let out = dir.join(format!("{mode}.merged.{n}.{f}"));
            let mut a = os(&["-q", "merge"]);
            a.extend(order.iter().map(|p| p.into()));
            a.extend(os(&["--format", f, "-o"]));
            a.push(out.clone().into());
            let o = run(a);
            assert_eq!(
                o.status.code(),
                *code,
                "{mode} N={n} {f}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let got = std::fs::read(&out).unwrap();
            assert!(
                got == *want,
                "{mode} N={n} {f}: the merged report differs from the single run's"
            );
        }
    }
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

#[test]
fn merged_shards_are_the_single_run_on_examples() {
    let dir = tempfile::tempdir().unwrap();
    let ex = examples();
    let ns = [1, 2, 3, 7];
    identical(&ex.join("region"), Some(&ex.join("standard")), &ns, dir.path());
    identical(&ex.join("region"), None, &ns, dir.path());
}

#[test]
fn merged_shards_are_the_single_run_on_generated_data() {
    for extra in [&["--small"][..], &["--small", "--realistic"][..]] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let mut a = os(&["-q", "gen", "--seed", "11", "-o"]);
        a.push(data.clone().into());
        a.extend(os(extra));
        let o = run(a);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        let ns = [2, 3, 7];
        identical(&data.join("region"), Some(&data.join("standard")), &ns, dir.path());
        identical(&data.join("region"), None, &ns, dir.path());
    }
}

#[test]
fn a_partial_set_must_be_whole_and_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let ex = examples();
    let part = |args: &[&str], name: &str| -> PathBuf {
        let p = dir.path().join(name);
        let mut a = os(&["-q", "check"]);
        a.push(ex.join("region").into());
        a.extend(os(args));
        a.push("-o".into());
        a.push(p.clone().into());
        let o = run(a);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        p
    };
    let p0 = part(&["--shard", "0/3"], "p0");
    let p1 = part(&["--shard", "1/3"], "p1");
    let p2 = part(&["--shard", "2/3"], "p2");
    let other =
        part(&["--shard", "2/3", "--standard", ex.join("standard").to_str().unwrap()], "o2");
    let merge = |parts: &[&PathBuf]| {
        let mut a = os(&["--lang", "en", "merge"]);
        a.extend(parts.iter().map(|p| p.into()));
        a.extend(os(&["--format", "jsonl"]));
        let o = run(a);
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (code, err) = merge(&[&p0, &p2]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing shard 1/3"), "{err}");
    let (code, err) = merge(&[&p0, &p1, &p1, &p2]);
    assert_eq!(code, Some(2));
    assert!(err.contains("given twice") && err.contains("p1"), "{err}");
    let (code, err) = merge(&[&p0, &p1, &other]);
    assert_eq!(code, Some(2));
    assert!(err.contains("o2") && err.contains("not a shard of the same run"), "{err}");
    // Not a partial at all: the file is named.
    let (code, err) = merge(&[&ex.join("region").join("items.csv")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("items.csv") && err.contains("not a qingdan partial"), "{err}");
    // A shard writes a partial to a file and leaves baselines and exceptions to the merge.
    let mut a = os(&["check"]);
    a.push(ex.join("region").into());
    a.extend(os(&["--lang", "en", "--shard", "0/2"]));
    let o = run(a.clone());
    assert_eq!(o.status.code(), Some(2));
    a.extend(os(&["--format", "html", "-o", "x.html"]));
    let o = run(a);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give --format to qingdan merge"));
    let (code, _) = merge(&[&p0, &p1, &p2]);
    assert_eq!(code, Some(1), "the merged examples have errors: exit 1 as the single run");
}
