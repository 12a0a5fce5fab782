//! Per-stage timing for `QINGDAN_PROFILE=1`: each command marks its stages (load, group, rules,
//! render…) and the wall time, CPU time and peak memory after each go to stderr, so the
//! benchmark (benches/run.sh) can show where the time goes without a profiler.

use std::time::Instant;

/// Stage timer: inert unless `QINGDAN_PROFILE` is set to something other than `0` or empty.
pub struct Profile {
    on: bool,
    command: &'static str,
    start: Instant,
    last: Instant,
    last_cpu: f64,
}

/// True when `QINGDAN_PROFILE` is set to something other than `0` or empty: the one place it is
/// read (the commands pass the answer on, to the loader among others).
pub fn requested() -> bool {
    std::env::var("QINGDAN_PROFILE").is_ok_and(|v| !v.is_empty() && v != "0")
}

impl Profile {
    /// A timer for `command`, active when `QINGDAN_PROFILE` asks for it.
    pub fn from_env(command: &'static str) -> Profile {
        Profile::new(command, requested())
    }

    /// A timer that prints only when `on`.
    pub fn new(command: &'static str, on: bool) -> Profile {
        let now = Instant::now();
        Profile {
            on,
            command,
            start: now,
            last: now,
            last_cpu: if on { cpu_seconds() } else { 0.0 },
        }
    }

    /// Ends the stage `name` (begun at the previous mark) and prints its figures.
    pub fn stage(&mut self, name: &str) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        let cpu = cpu_seconds();
        eprintln!(
            "profile {} {:<16} wall {:>7.3} s  cpu {:>7.3} s  peak RSS {:>6} MB  RSS {:>6} MB",
            self.command,
            name,
            (now - self.last).as_secs_f64(),
            cpu - self.last_cpu,
            status_kb("VmHWM:") / 1024,
            status_kb("VmRSS:") / 1024
        );
        self.last = now;
        self.last_cpu = cpu;
    }

    /// Prints the total.
    pub fn finish(&self) {
        if self.on {
            eprintln!(
                "profile {} {:<16} wall {:>7.3} s  cpu {:>7.3} s  peak RSS {:>6} MB",
                self.command,
                "total",
                self.start.elapsed().as_secs_f64(),
                cpu_seconds(),
                status_kb("VmHWM:") / 1024
            );
        }
    }
}

/// User + system CPU seconds of this process so far (all threads), from /proc/self/stat; 0
/// where there is no /proc.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (in parentheses, may contain spaces).
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name; USER_HZ = 100.
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// A line of /proc/self/status in kB (`VmHWM:` peak resident set, `VmRSS:` resident now); 0
/// where unknown.
fn status_kb(key: &str) -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return 0 };
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
