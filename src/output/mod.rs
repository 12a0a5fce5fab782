//! Writing reports: to stdout, or to a file atomically (a temporary file in the same folder,
//! synced, then renamed), whole or streamed as it renders; large reports around the page cache
//! (`direct`); temporary files removed on a signal and swept when stale (`temp`). Used by every
//! command and the generator; imports nothing but `crate::error`.

pub mod direct;
mod temp;

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes a report to `path` atomically (a temporary file in the same folder, then renamed), or
/// to stdout when `path` is `None` or `-`. A closed stdout (broken pipe) is not an error.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(path) => write_atomic(path, bytes),
        None => write_stdout(bytes),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("<stdout>", e)),
    }
}

/// Where a report named `path` goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// `-`: standard output.
    Stdout,
    /// Something that is not a regular file (a named pipe, a device such as /dev/null or a
    /// terminal): written in place. Renaming a file over it would replace it.
    InPlace(std::path::PathBuf),
    /// A regular file, or nothing yet: written atomically. A symbolic link is followed, so the
    /// file it points to is replaced, not the link.
    Atomic(std::path::PathBuf),
}

/// Where the report named `path` goes (see [`Target`]).
pub(crate) fn target(path: &Path) -> Target {
    if path.as_os_str() == "-" || is_own_stdout(path) {
        return Target::Stdout;
    }
    // What the kernel reaches through every link: a pipe or a device is written in place. The
    // links of /proc/self/fd (where /dev/stdout points) name no path to follow ("pipe:[…]"),
    // so they are judged by what they open, not by their text.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Target::InPlace(path.to_path_buf());
    }
    let mut path = path.to_path_buf();
    // A chain of links, followed a bounded number of times (a loop is left to the write to
    // report).
    for _ in 0..40 {
        // /dev/stdout when stdout is a file (`> out.json`): written through the open handle. A
        // rename would put a new file at the path and leave the shell's file (`>> log`) behind.
        if is_own_stdout(&path) {
            return Target::Stdout;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&path) {
                Ok(to) => {
                    path = match path.parent() {
                        Some(dir) if to.is_relative() => dir.join(to),
                        _ => to,
                    };
                }
                Err(_) => break,
            },
            Ok(m) if !m.is_file() => return Target::InPlace(path),
            _ => break,
        }
    }
    Target::Atomic(path)
}

/// True for the names of this process's standard output: /dev/stdout, /dev/fd/1,
/// /proc/self/fd/1, /proc/<our pid>/fd/1.
fn is_own_stdout(path: &Path) -> bool {
    if path == Path::new("/dev/stdout") {
        return true;
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else { return false };
    let own = format!("/proc/{}/fd", std::process::id());
    name == "1"
        && [Path::new("/dev/fd"), Path::new("/proc/self/fd"), Path::new(&own)].contains(&dir)
}

/// Opens what is not a regular file for writing in place (no creating, no truncating).
fn open_in_place(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, e))
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it over `path`, so a
/// reader never sees a half-written report and a killed run leaves the previous one intact.
/// (`-` is stdout; a pipe or device is written in place; a link's target is replaced.)
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let path = match target(path) {
        Target::Stdout => return write_stdout(bytes),
        Target::InPlace(p) => {
            let mut f = open_in_place(&p)?;
            return f.write_all(bytes).and_then(|()| f.flush()).map_err(|e| Error::io(&p, e));
        }
        Target::Atomic(p) => p,
    };
    let mut tmp = temp_beside(&path)?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    persist(tmp, &path)
}

/// A temporary file in the folder of `path` (same file system, so the rename is atomic), named
/// `.qingdan-<pid>-XXXXXX.tmp` and removed if the run is stopped by SIGINT or SIGTERM. Stale
/// ones of ours beside it (their run is gone, or they are over an hour old) are removed first.
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    temp::sweep(dir);
    temp::on_signal_remove();
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{}{}-", temp::PREFIX, std::process::id()))
        .suffix(temp::SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    temp::register(tmp.path());
    Ok(tmp)
}

/// Syncs a fully written temporary file and renames it over `path`.
fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    // A temporary file is created 0600; a report is for others to read too. Keep the mode of the
    // report being replaced, else use the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(tmp.path(), e))?;
    let tmp_path = tmp.path().to_path_buf();
    let done = tmp.persist(path).map_err(|e| Error::io(path, e.error));
    temp::unregister(&tmp_path);
    done.map(|_| ())
}

/// Size of the chunks a streamed report is handed over in: large enough that the system calls
/// and the hand-over cost nothing next to rendering, small enough to be no memory at all next to
/// the report.
const STREAM_CHUNK: usize = 1 << 20;

/// Chunks rendered ahead of the writer at most (memory stays bounded whatever the report size).
const STREAM_AHEAD: usize = 4;

/// What a streamed report is rendered into (`write_output_with`): a buffer whose full chunks go
/// to a writer thread, so that rendering goes on while the system copies the previous chunk
/// into the file (for a province diff that copy is a good part of a second). Writing into it is
/// an inlined copy; only a full chunk goes further.
pub struct Stream<'a> {
    buf: Vec<u8>,
    /// Hands a full chunk over and returns an empty one.
    hand_over: &'a mut dyn FnMut(Vec<u8>) -> std::io::Result<Vec<u8>>,
}

impl Stream<'_> {
    #[cold]
    fn write_slow(&mut self, mut data: &[u8]) -> std::io::Result<()> {
        while !data.is_empty() {
            let room = self.buf.capacity() - self.buf.len();
            if room == 0 {
                self.send()?;
                continue;
            }
            let (now, rest) = data.split_at(room.min(data.len()));
            self.buf.extend_from_slice(now);
            data = rest;
        }
        Ok(())
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let full = std::mem::take(&mut self.buf);
        self.buf = (self.hand_over)(full)?;
        if self.buf.capacity() < STREAM_CHUNK {
            self.buf.reserve_exact(STREAM_CHUNK - self.buf.len());
        }
        Ok(())
    }
}

impl Write for Stream<'_> {
    #[inline]
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    #[inline]
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        if data.len() <= self.buf.capacity() - self.buf.len() {
            self.buf.extend_from_slice(data);
            Ok(())
        } else {
            self.write_slow(data)
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Renders into a `Stream` whose chunks a second thread writes into `inner`, then flushes it.
/// Returns the outcome of rendering and the first I/O error met on `inner`, if any (that error,
/// not what the serialiser made of it, is what the user must see).
fn stream<W, F>(inner: W, render: F) -> (Result<()>, Option<std::io::Error>)
where
    W: Write + Send,
    F: FnOnce(&mut Stream<'_>) -> Result<()>,
{
    use std::sync::mpsc;
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(STREAM_AHEAD);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> std::io::Result<()> {
            let mut inner = inner;
            for mut chunk in full_rx {
                // On an error the receiver is dropped here, and the next hand-over fails.
                inner.write_all(&chunk)?;
                chunk.clear();
                let _ = empty_tx.send(chunk);
            }
            inner.flush()
        });
        // A fixed set of chunks goes round: a new one costs page faults, a recycled one none.
        let mut chunks = 1;
        let mut hand_over = |full: Vec<u8>| -> std::io::Result<Vec<u8>> {
            let stopped =
                || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the report writer stopped");
            full_tx.send(full).map_err(|_| stopped())?;
            if let Ok(empty) = empty_rx.try_recv() {
                return Ok(empty);
            }
            if chunks < STREAM_AHEAD + 2 {
                chunks += 1;
                return Ok(Vec::with_capacity(STREAM_CHUNK));
            }
            empty_rx.recv().map_err(|_| stopped())
        };
        let mut out = Stream { buf: Vec::with_capacity(STREAM_CHUNK), hand_over: &mut hand_over };
        let r = render(&mut out).and_then(|()| {
            out.flush().map_err(|e| Error::io("<output>", e))?;
            Ok(())
        });
        drop(out);
        // No more chunks: the writer thread finishes what it has and stops.
        drop(full_tx);
        let written = match writer.join() {
            Ok(w) => w.err(),
            Err(_) => Some(std::io::Error::other("the report writer panicked")),
        };
        (r, written)
    })
}

/// Streams a report to `path` atomically (as `write_atomic`: a temporary file beside it,
/// synced, then renamed), or to stdout when `path` is `None`, through a buffer: the report is
/// never held whole in memory (a province diff is over 600 MB of JSON). `render` writes the
/// report into the stream it is given; an I/O error there is reported on the file written (a
/// closed stdout — broken pipe — is not an error), any other error of `render` as it is. On an
/// error the temporary file is removed and the previous report left as it was.
pub fn write_output_with<F>(path: Option<&Path>, render: F) -> Result<()>
where
    F: FnOnce(&mut Stream<'_>) -> Result<()>,
{
    match path {
        Some(path) => write_atomic_with(path, render),
        None => stream_stdout(render),
    }
}

fn stream_stdout<F>(render: F) -> Result<()>
where
    F: FnOnce(&mut Stream<'_>) -> Result<()>,
{
    match stream(std::io::stdout(), render) {
        (Ok(()), None) => Ok(()),
        (_, Some(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        (_, Some(e)) => Err(Error::io("<stdout>", e)),
        (Err(e), None) => Err(e),
    }
}

/// `write_atomic` for a report rendered straight into the temporary file (`write_output_with`).
pub fn write_atomic_with<F>(path: &Path, render: F) -> Result<()>
where
    F: FnOnce(&mut Stream<'_>) -> Result<()>,
{
    let path = match target(path) {
        Target::Stdout => return stream_stdout(render),
        Target::InPlace(p) => {
            let f = open_in_place(&p)?;
            return match stream(f, render) {
                (Ok(()), None) => Ok(()),
                (_, Some(e)) => Err(Error::io(&p, e)),
                (Err(e), None) => Err(e),
            };
        }
        Target::Atomic(p) => p,
    };
    let mut tmp = temp_beside(&path)?;
    let written = stream(tmp.as_file_mut(), render);
    settle(tmp, written, &path)
}

/// Puts the temporary file written beside `path` in its place, unless rendering (the result) or
/// writing (the error) failed: then dropping `tmp` removes it and the report in place stays.
fn settle(
    tmp: tempfile::NamedTempFile,
    written: (Result<()>, Option<std::io::Error>),
    path: &Path,
) -> Result<()> {
    let tmp_path = tmp.path().to_path_buf();
    let done = match written {
        (Ok(()), None) => persist(tmp, path),
        (_, Some(e)) => Err(Error::io(tmp.path(), e)),
        (Err(e), None) => Err(e),
    };
    temp::unregister(&tmp_path);
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.txt");
        write_atomic(&p, b"old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn streamed_write_is_atomic_too() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        write_atomic(&p, b"old").unwrap();
        // A render that fails half-way leaves the previous report and no temporary file.
        let r = write_output_with(Some(&p), |w| {
            w.write_all(&[b'x'; 3 << 20]).map_err(|e| Error::io("<output>", e))?;
            Err(Error::Usage("boom".into()))
        });
        assert!(matches!(r, Err(Error::Usage(ref m)) if m == "boom"), "{r:?}");
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A finished one replaces it whole, larger than the buffer.
        let big: Vec<u8> = (0..(5u32 << 20)).map(|i| (i % 251) as u8).collect();
        write_output_with(Some(&p), |w| {
            for chunk in big.chunks(7919) {
                w.write_all(chunk).map_err(|e| Error::io("<output>", e))?;
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), big);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// A disk that fills up after `room` bytes.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.room {
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_reaches_the_caller_as_it_was() {
        // Met while rendering (the writer stopped taking chunks) ...
        let (r, e) = stream(Full { room: 1 << 20 }, |w| {
            for _ in 0..64 {
                w.write_all(&[b'x'; 1 << 18]).map_err(|e| Error::io("<output>", e))?;
            }
            Ok(())
        });
        assert!(r.is_err());
        assert_eq!(e.map(|e| e.kind()), Some(std::io::ErrorKind::StorageFull));
        // ... or on the last chunk, after rendering finished.
        let (r, e) = stream(Full { room: 10 }, |w| {
            w.write_all(b"more than ten bytes").map_err(|e| Error::io("<output>", e))
        });
        assert!(r.is_ok());
        assert_eq!(e.map(|e| e.to_string()), Some("disk full".to_string()));
    }
}
