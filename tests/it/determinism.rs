//! Determinism: check, diff and review give byte-identical output with 1 and with 2 threads, on
//! generated data (issue 8, item 5; STYLE habit 3: sort after every parallel stage).

use std::path::Path;
use std::process::Command;

fn qingdan(args: &[&str]) -> (i32, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_qingdan")).args(args).output().expect("run qingdan");
    (out.status.code().unwrap_or(-1), out.stdout)
}

fn generate(dir: &Path, seed: &str) {
    let (code, _) = qingdan(&["gen", "--small", "--seed", seed, "-q", "-o", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "gen failed");
}

#[test]
fn outputs_do_not_depend_on_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    generate(d, "7");
    let region = d.join("region");
    let v2 = d.join("region-v2");
    let standard = d.join("standard");
    let (r, v, s) = (region.to_str().unwrap(), v2.to_str().unwrap(), standard.to_str().unwrap());
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", r, "--standard", s, "--format", "jsonl"],
        vec!["check", r, "--format", "json"],
        vec!["check", r, "--standard", s, "--format", "text"],
        vec!["diff", r, v, "--format", "json"],
        vec!["diff", r, v, "--format", "text"],
        vec!["review", r, "--standard", s, "--format", "json"],
    ];
    for args in runs {
        let mut one = vec!["--threads", "1", "-q"];
        one.extend(&args);
        let mut two = vec!["--threads", "2", "-q"];
        two.extend(&args);
        let (c1, o1) = qingdan(&one);
        let (c2, o2) = qingdan(&two);
        assert!(c1 == 0 || c1 == 1, "{args:?} exited {c1}");
        assert_eq!(c1, c2, "{args:?}: exit codes differ");
        assert!(!o1.is_empty(), "{args:?}: no output");
        assert!(o1 == o2, "{args:?}: output differs between 1 and 2 threads");
    }
}
