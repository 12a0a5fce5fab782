//! Progress on stderr, one spinner per stage, or a bar with counts, percent and time left for
//! a stage of known size (indicatif). Hidden when stderr is not a terminal
//! (indicatif's stderr target draws nothing then) or with --quiet, so logs and pipes stay clean;
//! each stage's spinner is cleared when it ends, leaving only the run's summary line.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a stage runs before its spinner is shown.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// The progress display of one run.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    hidden: bool,
    start: Instant,
}

/// One stage in progress; `done` (or dropping it) clears its spinner.
pub struct Stage {
    bar: ProgressBar,
}

impl Progress {
    /// A progress display; `quiet` hides it.
    pub fn new(quiet: bool) -> Progress {
        Progress { hidden: quiet, start: Instant::now() }
    }

    /// Starts a stage named `name`. Its spinner appears only once the stage has lasted about a
    /// second, so quick runs draw nothing at all.
    pub fn stage(&self, name: &str) -> Stage {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_prefix("qingdan");
        bar.set_message(name.to_string());
        // A steady tick keeps the spinner alive while the stage blocks in one long call.
        bar.enable_steady_tick(Duration::from_millis(250));
        if !self.hidden {
            let late = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !late.is_finished() {
                    // stderr draws nothing when it is not a terminal.
                    late.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
                }
            });
        }
        Stage { bar }
    }

    /// Starts a stage of known size: a bar with the count done (`unit`: 行, 区划, ...), the
    /// percent and the time left, drawn (like the spinners, after about a second) only on a
    /// terminal, never into a file or a pipe.
    pub fn bar(&self, name: &str, len: u64, unit: &str, zh: bool) -> Stage {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        let template = if zh {
            format!(
                "{{prefix}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{percent}}% 剩余 {{eta}}"
            )
        } else {
            format!(
                "{{prefix}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{percent}}% {{eta}} left"
            )
        };
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix("qingdan");
        bar.set_message(name.to_string());
        if !self.hidden {
            let late = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !late.is_finished() {
                    late.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
                }
            });
        }
        Stage { bar }
    }

    /// Starts a stage that reads `total` bytes, following `counter` (bytes read so far; its
    /// value now is the start): a bar in MB with the percent and the time left, like [`bar`].
    ///
    /// [`bar`]: Progress::bar
    pub fn bytes(&self, name: &str, total: u64, counter: fn() -> u64, zh: bool) -> Stage {
        const MB: u64 = 1 << 20;
        let stage = self.bar(name, total.div_ceil(MB).max(1), "MB", zh);
        // The follower stops when the stage ends (`done` or drop finish the bar).
        let (bar, start) = (stage.bar.clone(), counter());
        std::thread::spawn(move || {
            while !bar.is_finished() {
                let done = counter().saturating_sub(start).min(total);
                bar.set_position(done / MB);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        stage
    }

    /// Time since the run started.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

impl Stage {
    /// Sets how much of a sized stage is done.
    pub fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    /// Ends the stage and clears its line.
    pub fn done(self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sized_stage_counts_and_is_hidden_when_quiet() {
        let p = Progress::new(true);
        let s = p.bar("生成", 10, "区划", true);
        s.set(4);
        assert_eq!(s.bar.position(), 4);
        assert_eq!(s.bar.length(), Some(10));
        assert!(s.bar.is_hidden());
        s.done();
    }

    #[test]
    fn a_byte_stage_follows_its_counter_from_where_it_stood() {
        use std::sync::atomic::{AtomicU64, Ordering};
        static READ: AtomicU64 = AtomicU64::new(5 << 20);
        let p = Progress::new(true);
        let s = p.bytes("读取数据", 10 << 20, || READ.load(Ordering::Relaxed), true);
        assert_eq!(s.bar.length(), Some(10));
        READ.fetch_add(4 << 20, Ordering::Relaxed);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while s.bar.position() != 4 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(s.bar.position(), 4, "4 MB read since the stage began");
        // More than the total (a file read twice) stays at the total.
        READ.fetch_add(40 << 20, Ordering::Relaxed);
        while s.bar.position() != 10 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(s.bar.position(), 10);
        s.done();
    }

    #[test]
    fn quiet_stages_are_hidden() {
        let p = Progress::new(true);
        let s = p.stage("读取数据");
        assert!(s.bar.is_hidden());
        s.done();
    }
}
