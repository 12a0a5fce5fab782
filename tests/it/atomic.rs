//! Atomic reports (issue 8, item 4): a run killed at any moment leaves the previous report whole.
//! Every report is written to a temporary file in the same folder and renamed over the old one,
//! so a reader sees the old report or the new one, never a part of either.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn qingdan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_qingdan"))
}

fn ok(cmd: &mut Command) {
    let out = cmd.output().expect("run qingdan");
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 1), "{cmd:?}: {out:?}");
}

#[test]
fn a_killed_run_leaves_the_previous_report_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // Big enough that a diff takes a good part of a second and writes several MB.
    ok(qingdan()
        .args(["-q", "gen", "--small", "--counties", "40", "--towns-per-county", "3"])
        .args(["--seed", "5", "-o", d.to_str().unwrap()]));
    let (old, new) = (d.join("region"), d.join("region-v2"));
    let report = d.join("report.out");
    let diff = |format: &str, out: &Path| {
        let mut c = qingdan();
        c.args(["-q", "diff"]).arg(&old).arg(&new).args(["--format", format, "-o"]).arg(out);
        c
    };
    // Yesterday's report (json), and what a finished run of today's (text) writes.
    ok(&mut diff("json", &report));
    let previous = std::fs::read(&report).unwrap();
    let complete = d.join("complete.out");
    let t = Instant::now();
    ok(&mut diff("text", &complete));
    let full_run = t.elapsed();
    let finished = std::fs::read(&complete).unwrap();
    assert_ne!(previous, finished);

    // Kill today's run at moments spread over its whole length, the write included.
    let attempts = 24u32;
    let (mut intact, mut replaced) = (0, 0);
    for i in 0..attempts {
        let delay = full_run.mul_f64(1.2 * f64::from(i) / f64::from(attempts));
        let mut child =
            diff("text", &report).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&report).unwrap();
        if now == previous {
            intact += 1;
        } else {
            assert!(
                now == finished,
                "attempt {i}: the report is neither the old one nor the new one"
            );
            replaced += 1;
            // Put yesterday's report back for the next attempt.
            ok(&mut diff("json", &report));
        }
    }
    eprintln!("killed {attempts} runs: {intact} left the old report, {replaced} had finished");
    assert!(intact > 0, "no run was killed before it finished: the test proved nothing");
    // Killed runs may leave their temporary file behind, never a half-written report.
    for entry in std::fs::read_dir(d).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            name.starts_with(".qingdan-") || !name.ends_with(".tmp"),
            "unexpected temporary file {name}"
        );
    }
}
