//! Renderers: they turn findings, diffs and verdicts into bytes, and decide nothing. This module
//! owns what they share: the output formats, the language, and atomic writing of reports.

pub mod check_xlsx;
pub mod diff;
pub mod diff_html;
pub mod diff_xlsx;
pub mod findings;
pub mod html;
pub mod review;
pub mod xlsx;

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Output format (CLI.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Csv,
    Md,
    Html,
    Xlsx,
}

/// Language of human-readable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文 (default)
    #[default]
    Zh,
    /// English
    En,
}

impl Lang {
    /// Picks the Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Writes a report to `path` atomically (a temporary file in the same folder, then renamed), or
/// to stdout when `path` is `None`. A closed stdout (broken pipe) is not an error.
pub fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(path) => write_atomic(path, bytes),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Error::io("<stdout>", e)),
            }
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it over `path`, so a
/// reader never sees a half-written report and a killed run leaves the previous one intact.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".qingdan-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
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
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Size of the buffer a streamed report is written through: large enough that the system calls
/// cost nothing next to rendering, small enough to be no memory at all next to the report.
const STREAM_BUFFER: usize = 1 << 20;

/// What a streamed report is rendered into (`write_output_with`): a buffer in front of the
/// file or stdout. The buffer is a concrete type, so the many small writes of a serialiser are
/// inlined copies; only a full buffer goes through the dynamic writer behind it.
pub type Stream<'a> = std::io::BufWriter<Box<dyn Write + 'a>>;

/// A writer that remembers the first I/O error it met, so that an error coming back through a
/// serialiser (serde_json, csv) can still be reported as an I/O error on the right file.
struct Sink<'e, W: Write> {
    inner: W,
    error: &'e std::cell::Cell<Option<std::io::Error>>,
}

impl<W: Write> Sink<'_, W> {
    fn keep<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        r.map_err(|e| {
            let copy = std::io::Error::new(e.kind(), e.to_string());
            let first = self.error.take().unwrap_or(e);
            self.error.set(Some(first));
            copy
        })
    }
}

impl<W: Write> Write for Sink<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.keep(r)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let r = self.inner.write_all(buf);
        self.keep(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.keep(r)
    }
}

/// Renders into a buffered `inner` and flushes it. Returns the outcome of rendering and the
/// first I/O error met on `inner`, if any (that error, not what the serialiser made of it, is
/// what the user must see).
fn stream<W, F>(inner: W, render: F) -> (Result<()>, Option<std::io::Error>)
where
    W: Write,
    F: FnOnce(&mut Stream<'_>) -> Result<()>,
{
    let error = std::cell::Cell::new(None);
    let sink: Box<dyn Write + '_> = Box::new(Sink { inner, error: &error });
    let mut out: Stream<'_> = std::io::BufWriter::with_capacity(STREAM_BUFFER, sink);
    let r = render(&mut out).and_then(|()| {
        out.flush().map_err(|e| Error::io("<output>", e))?;
        Ok(())
    });
    // On an error, what is still buffered is dropped unwritten (no second attempt at a
    // writer that already failed).
    let (_, _) = out.into_parts();
    (r, error.take())
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
        None => match stream(std::io::stdout().lock(), render) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            (Err(_), Some(e)) => Err(Error::io("<stdout>", e)),
            (Err(e), None) => Err(e),
        },
    }
}

/// `write_atomic` for a report rendered straight into the temporary file (`write_output_with`).
pub fn write_atomic_with<F>(path: &Path, render: F) -> Result<()>
where
    F: FnOnce(&mut Stream<'_>) -> Result<()>,
{
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".qingdan-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let tmp_path = tmp.path().to_path_buf();
    match stream(tmp.as_file_mut(), render) {
        (Ok(()), _) => {}
        // Dropping `tmp` removes the temporary file.
        (Err(_), Some(e)) => return Err(Error::io(&tmp_path, e)),
        (Err(e), None) => return Err(e),
    }
    // A temporary file is created 0600; keep the mode of the report being replaced, else 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(&tmp_path, e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(&tmp_path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Makes a cell safe for spreadsheets: text beginning with = + - @, tab or carriage return is
/// prefixed with ' so that Excel never reads it as a formula.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
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

    #[test]
    fn formulas_are_defused() {
        assert_eq!(csv_safe("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(csv_safe("食品经营许可"), "食品经营许可");
    }
}
