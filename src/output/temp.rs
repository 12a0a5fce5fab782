//! The temporary files of atomic report writes: remembered while they exist, so that a run
//! stopped by SIGINT or SIGTERM removes them before it ends, and swept when a run that could not
//! remove its own (killed with SIGKILL, a power cut) left them beside a report.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::time::{Duration, SystemTime};

/// Start of our temporary files' names: `.qingdan-<pid>-XXXXXX.tmp`.
pub(super) const PREFIX: &str = ".qingdan-";
/// End of our temporary files' names.
pub(super) const SUFFIX: &str = ".tmp";

/// A temporary file this old is stale whoever made it: no report takes an hour to write.
const STALE: Duration = Duration::from_secs(3600);

/// The temporary files this process has made and not yet renamed or removed.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub(super) fn register(path: &Path) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
}

pub(super) fn unregister(path: &Path) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| p != path);
}

/// Starts, once, a thread that waits for SIGINT and SIGTERM: it removes the temporary files
/// still registered and ends the process as the signal would (exit 130 or 143).
pub(super) fn on_signal_remove() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new().name("qingdan-signals".into()).spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
                for p in live.iter() {
                    let _ = std::fs::remove_file(p);
                }
                std::process::exit(128 + sig);
            }
        });
    });
}

/// Removes the stale temporary files of ours in `dir`: those whose run is gone (its process id
/// is not running) or older than [`STALE`]. Other files, and those of runs going on, stay.
pub(super) fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name.strip_prefix(PREFIX).and_then(|n| n.strip_suffix(SUFFIX)) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE);
        let pid = middle.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok());
        let gone = pid.is_some_and(|pid| pid != std::process::id() && !running(pid));
        if old || gone {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// True when a process `pid` runs (or when that cannot be told: then nothing is removed).
fn running(pid: u32) -> bool {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_only_stale_files_of_ours() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        // A run that is gone (no such process id), one of ours that runs (this process), an
        // old one without a process id, a fresh one without, and a file not ours.
        std::fs::write(p(".qingdan-4000000000-abc.tmp"), "x").unwrap();
        std::fs::write(p(&format!(".qingdan-{}-abc.tmp", std::process::id())), "x").unwrap();
        std::fs::write(p(".qingdan-old.tmp"), "x").unwrap();
        let f = std::fs::File::options().write(true).open(p(".qingdan-old.tmp")).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(7200)).unwrap();
        std::fs::write(p(".qingdan-fresh.tmp"), "x").unwrap();
        std::fs::write(p("report.tmp"), "x").unwrap();
        sweep(dir.path());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mine = format!(".qingdan-{}-abc.tmp", std::process::id());
        let mut want = vec![".qingdan-fresh.tmp".to_string(), mine, "report.tmp".to_string()];
        want.sort();
        assert_eq!(left, want);
    }
}
