//! Large reports written around the page cache (O_DIRECT where the system has it): a province
//! diff is 600 MB of JSON, and copying it into the page cache cost more CPU than rendering it
//! (the kernel's copy was half of the render-and-write stage in perf), then the final sync had
//! to write it all out anyway. Written directly, the disk takes the bytes from our buffer while
//! the next ones render, and the one sync the atomic rename needs has almost nothing left to do.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use super::{persist, stream, temp_beside, Stream};
use crate::error::{Error, Result};

/// `open(2)`'s O_DIRECT, which std does not name (its value depends on the architecture).
#[cfg(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "x86")))]
const O_DIRECT: Option<i32> = Some(0o40000);
#[cfg(all(target_os = "linux", any(target_arch = "aarch64", target_arch = "arm")))]
const O_DIRECT: Option<i32> = Some(0o200000);
#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64", target_arch = "arm")
)))]
const O_DIRECT: Option<i32> = None;

/// Direct writes must start, end and sit in memory on multiples of the device's logical block
/// size: 4096 covers the usual 512 and 4096.
const ALIGN: usize = 4096;

/// Bytes gathered before one direct write: large enough that the device streams (4 MB wrote
/// 600 MB ~20% faster than 1 MB here), small enough to be nothing next to the report.
const BLOCK: usize = 4 << 20;

/// `super::write_output_with` for a large report: the same atomic file (temporary file beside
/// `path`, synced, renamed) and the same stdout behaviour, the file written with O_DIRECT when
/// it can be opened so (else as `write_output_with` writes it).
pub fn write_output_with<F>(path: Option<&Path>, render: F) -> Result<()>
where
    F: FnOnce(&mut Stream<'_>) -> Result<()>,
{
    let Some(path) = path else {
        return super::write_output_with(None, render);
    };
    let tmp = temp_beside(path)?;
    let tmp_path = tmp.path().to_path_buf();
    let plain = tmp.as_file().try_clone().map_err(|e| Error::io(&tmp_path, e))?;
    let file = DirectFile::new(open_direct(&tmp_path), plain);
    match stream(file, render) {
        (Ok(()), None) => {}
        // Dropping `tmp` removes the temporary file.
        (_, Some(e)) => return Err(Error::io(&tmp_path, e)),
        (Err(e), None) => return Err(e),
    }
    persist(tmp, path)
}

/// `path` opened for writing with O_DIRECT; `None` where there is no such flag or the file
/// system refuses it (tmpfs on older kernels, some network file systems).
fn open_direct(path: &Path) -> Option<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flag = O_DIRECT?;
        std::fs::OpenOptions::new().write(true).custom_flags(flag).open(path).ok()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A file written in aligned blocks through a direct handle, or through the plain handle when
/// there is none or the system refuses a direct write. Writes are positional, so both handles
/// can serve one file. `flush` writes the partial last block padded with zeros and cuts the
/// file to its true length; the block stays buffered, so writing may go on after it.
struct DirectFile {
    direct: Option<File>,
    plain: File,
    /// BLOCK + ALIGN bytes: the block is the aligned part starting at `start`.
    buf: Vec<u8>,
    start: usize,
    /// Bytes of the block filled.
    len: usize,
    /// File offset of the block (a multiple of BLOCK).
    offset: u64,
}

impl DirectFile {
    fn new(direct: Option<File>, plain: File) -> DirectFile {
        let buf = vec![0u8; BLOCK + ALIGN];
        // align_offset may, in principle, give up (usize::MAX); then there is no aligned block
        // and the plain handle is used.
        let start = buf.as_ptr().align_offset(ALIGN);
        let (direct, start) = if start < ALIGN { (direct, start) } else { (None, 0) };
        DirectFile { direct, plain, buf, start, len: 0, offset: 0 }
    }

    /// Writes the first `n` bytes of the block (n a multiple of ALIGN, or any n on the plain
    /// handle) at the block's offset.
    fn write_block(&mut self, n: usize) -> io::Result<()> {
        let data = &self.buf[self.start..self.start + n];
        if let Some(f) = &self.direct {
            match write_all_at(f, data, self.offset) {
                Ok(()) => return Ok(()),
                // The file system took the open but not the write: go on without O_DIRECT.
                Err(e) if e.kind() == io::ErrorKind::InvalidInput => self.direct = None,
                Err(e) => return Err(e),
            }
        }
        write_all_at(&self.plain, data, self.offset)
    }
}

impl Write for DirectFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = BLOCK - self.len;
        let n = room.min(data.len());
        let at = self.start + self.len;
        self.buf[at..at + n].copy_from_slice(&data[..n]);
        self.len += n;
        if self.len == BLOCK {
            self.write_block(BLOCK)?;
            self.offset += BLOCK as u64;
            self.len = 0;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.len > 0 {
            let padded = self.len.div_ceil(ALIGN) * ALIGN;
            let at = self.start;
            self.buf[at + self.len..at + padded].fill(0);
            self.write_block(padded)?;
        }
        self.plain.set_len(self.offset + self.len as u64)
    }
}

#[cfg(unix)]
fn write_all_at(f: &File, data: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(f, data, offset)
}

#[cfg(not(unix))]
fn write_all_at(f: &File, data: &[u8], offset: u64) -> io::Result<()> {
    use std::io::Seek;
    let mut f = f;
    f.seek(io::SeekFrom::Start(offset))?;
    f.write_all(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes whose every position is recognisable.
    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|k| (k * 7 + k / 251) as u8).collect()
    }

    #[test]
    fn any_length_is_written_exactly() {
        let dir = tempfile::tempdir().unwrap();
        for n in [0, 1, ALIGN - 1, ALIGN, ALIGN + 1, BLOCK - 1, BLOCK, BLOCK + 5, 2 * BLOCK + 4097]
        {
            let p = dir.path().join(format!("r{n}.json"));
            let want = pattern(n);
            write_output_with(Some(&p), |w| {
                // Uneven pieces, as a renderer writes them.
                for piece in want.chunks(1000 + n % 7) {
                    w.write_all(piece).map_err(|e| Error::io("<output>", e))?;
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(std::fs::read(&p).unwrap(), want, "{n} bytes");
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
            std::fs::remove_file(&p).unwrap();
        }
    }

    #[test]
    fn writing_goes_on_after_a_flush() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.bin");
        let plain = File::create(&p).unwrap();
        let mut f = DirectFile::new(open_direct(&p), plain);
        let want = pattern(3 * ALIGN + 100);
        f.write_all(&want[..ALIGN + 10]).unwrap();
        f.flush().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), &want[..ALIGN + 10]);
        f.write_all(&want[ALIGN + 10..]).unwrap();
        f.flush().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), want);
    }

    #[test]
    fn without_a_direct_handle_the_plain_one_writes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.bin");
        let mut f = DirectFile::new(None, File::create(&p).unwrap());
        let want = pattern(BLOCK + 3);
        f.write_all(&want).unwrap();
        f.flush().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), want);
    }

    #[test]
    fn a_failed_render_leaves_the_previous_report() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        std::fs::write(&p, b"old").unwrap();
        let r = write_output_with(Some(&p), |w| {
            w.write_all(&pattern(BLOCK + 10)).map_err(|e| Error::io("<output>", e))?;
            Err(Error::Usage("stop".into()))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
