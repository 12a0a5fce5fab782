//! Large reports written around the page cache (O_DIRECT where the system has it): a province
//! diff is 600 MB of JSON, and copying it into the page cache cost more CPU than rendering it
//! (the kernel's copy was half of the render-and-write stage in perf), then the final sync had
//! to write it all out anyway. Written directly, the disk takes the bytes from our buffer while
//! the next ones render, and the one sync the atomic rename needs has almost nothing left to do.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use std::sync::mpsc;

use super::{settle, temp_beside};
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

/// Full blocks on their way to the disk at most (with the one being filled, the memory used is
/// this many blocks plus one).
const QUEUED: usize = 2;

/// `super::write_output_with` for a large report: the same atomic file (temporary file beside
/// `path`, synced, renamed) and the same stdout behaviour. `render` writes into aligned blocks
/// (one copy), which a second thread writes to the file with O_DIRECT when it can be opened so
/// (else through the plain handle) while rendering goes on.
pub fn write_output_with<F>(path: Option<&Path>, render: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let Some(path) = path else {
        return super::write_output_with(None, |w| render(w));
    };
    // Stdout (`-`) and what is not a regular file (a pipe, /dev/null) are written as they are.
    let path = match super::target(path) {
        super::Target::Atomic(p) => p,
        _ => return super::write_output_with(Some(path), |w| render(w)),
    };
    let tmp = temp_beside(&path)?;
    let tmp_path = tmp.path().to_path_buf();
    let plain = tmp.as_file().try_clone().map_err(|e| Error::io(&tmp_path, e))?;
    let direct = open_direct(&tmp_path);
    let written = write_blocks(direct, plain, render);
    settle(tmp, written, &path)
}

/// Renders into `Blocks` whose full blocks a second thread writes at their offsets (through
/// `direct` when there is one and the system takes it, else `plain`), then writes the last
/// partial block and cuts the file to its length. Returns the outcome of rendering and the first
/// I/O error met writing, if any (that error, not what the renderer made of it, is what the user
/// must see).
fn write_blocks<F>(direct: Option<File>, plain: File, render: F) -> (Result<()>, Option<io::Error>)
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let (full_tx, full_rx) = mpsc::sync_channel::<(Block, u64)>(QUEUED);
    let (empty_tx, empty_rx) = mpsc::channel::<Block>();
    std::thread::scope(|scope| {
        let plain = &plain;
        let writer = scope.spawn(move || -> io::Result<()> {
            let mut direct = direct;
            for (block, offset) in full_rx {
                // A partial block (the last) goes padded with zeros to the alignment; the file
                // is cut to its length afterwards.
                let n = if block.aligned { block.len.div_ceil(ALIGN) * ALIGN } else { block.len };
                let data = &block.buf[block.start..block.start + n];
                let via_direct = if block.aligned { direct.as_ref() } else { None };
                if let Some(f) = via_direct {
                    match write_all_at(f, data, offset) {
                        Ok(()) => {
                            let _ = empty_tx.send(block);
                            continue;
                        }
                        // The file system took the open but not the write: go on without it.
                        Err(e) if e.kind() == io::ErrorKind::InvalidInput => direct = None,
                        Err(e) => return Err(e),
                    }
                }
                write_all_at(plain, data, offset)?;
                let _ = empty_tx.send(block);
            }
            Ok(())
        });
        let mut out = Blocks {
            block: Block::new(),
            offset: 0,
            full: Some(full_tx),
            empty: empty_rx,
            made: 1,
        };
        let r = render(&mut out).and_then(|()| out.finish().map_err(|e| Error::io("<output>", e)));
        let length = out.offset;
        drop(out);
        let written = match writer.join() {
            Ok(w) => w.err(),
            Err(_) => Some(io::Error::other("the report writer panicked")),
        };
        match (r, written) {
            (Ok(()), None) => (plain.set_len(length).map_err(|e| Error::io("<output>", e)), None),
            (r, w) => (r, w),
        }
    })
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

/// A buffer of BLOCK bytes whose start sits on an ALIGN boundary in memory (when `aligned`).
struct Block {
    /// BLOCK + ALIGN bytes: the block is the part starting at `start`.
    buf: Vec<u8>,
    start: usize,
    /// Bytes of the block filled.
    len: usize,
    aligned: bool,
}

impl Block {
    fn new() -> Block {
        let buf = vec![0u8; BLOCK + ALIGN];
        // align_offset may, in principle, give up (usize::MAX); then the block goes through
        // the plain handle.
        let start = buf.as_ptr().align_offset(ALIGN);
        let (start, aligned) = if start < ALIGN { (start, true) } else { (0, false) };
        Block { buf, start, len: 0, aligned }
    }
}

/// What a large report is rendered into: full blocks go to the writer thread, which hands
/// them back once written; a fixed set of blocks goes round (a new one costs page faults).
struct Blocks {
    block: Block,
    /// File offset of `block` (a multiple of BLOCK).
    offset: u64,
    full: Option<mpsc::SyncSender<(Block, u64)>>,
    empty: mpsc::Receiver<Block>,
    /// Blocks made so far.
    made: usize,
}

impl Blocks {
    /// Sends the block (full, or the last) to the writer and takes an empty one.
    fn send(&mut self) -> io::Result<()> {
        let stopped = || io::Error::new(io::ErrorKind::BrokenPipe, "the report writer stopped");
        let next = match self.empty.try_recv() {
            Ok(b) => b,
            Err(_) if self.made < QUEUED + 2 => {
                self.made += 1;
                Block::new()
            }
            Err(_) => self.empty.recv().map_err(|_| stopped())?,
        };
        let mut block = std::mem::replace(&mut self.block, next);
        let len = block.len;
        if len < BLOCK {
            // The padding of a partial block: zeros, not what an earlier round left there.
            let at = block.start + len;
            let end = (block.start + len.div_ceil(ALIGN) * ALIGN).min(block.buf.len());
            block.buf[at..end].fill(0);
        }
        let full = self.full.as_ref().ok_or_else(stopped)?;
        full.send((block, self.offset)).map_err(|_| stopped())?;
        self.block.len = 0;
        self.offset += len as u64;
        Ok(())
    }

    /// Writes the last partial block and lets the writer stop; `offset` is then the length.
    fn finish(&mut self) -> io::Result<()> {
        if self.block.len > 0 {
            self.send()?;
        }
        self.full = None;
        Ok(())
    }
}

impl Write for Blocks {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let b = &mut self.block;
        let n = (BLOCK - b.len).min(data.len());
        let at = b.start + b.len;
        b.buf[at..at + n].copy_from_slice(&data[..n]);
        b.len += n;
        if b.len == BLOCK {
            self.send()?;
        }
        Ok(n)
    }

    /// Nothing: every byte is written when rendering ends (`finish`).
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
    fn blocks_go_round_and_a_flush_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.bin");
        // More blocks than go round, the last partial: recycled blocks carry the bytes of an
        // earlier round, which must not show in the padding or the file.
        let want = pattern(7 * BLOCK + ALIGN + 11);
        let plain = File::create(&p).unwrap();
        let (r, e) = write_blocks(open_direct(&p), plain, |w| {
            for piece in want.chunks(BLOCK / 3 + 5) {
                w.write_all(piece).map_err(|e| Error::io("<output>", e))?;
                w.flush().map_err(|e| Error::io("<output>", e))?;
            }
            Ok(())
        });
        assert!(r.is_ok() && e.is_none(), "{r:?} {e:?}");
        assert!(std::fs::read(&p).unwrap() == want);
    }

    #[test]
    fn without_a_direct_handle_the_plain_one_writes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.bin");
        let want = pattern(2 * BLOCK + 3);
        let (r, e) = write_blocks(None, File::create(&p).unwrap(), |w| {
            w.write_all(&want).map_err(|e| Error::io("<output>", e))
        });
        assert!(r.is_ok() && e.is_none(), "{r:?} {e:?}");
        assert!(std::fs::read(&p).unwrap() == want);
    }

    #[test]
    fn a_failed_write_is_the_error_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.bin");
        std::fs::write(&p, b"x").unwrap();
        // A handle that cannot write: the writer thread fails, rendering stops.
        let read_only = File::open(&p).unwrap();
        let (r, e) = write_blocks(None, read_only, |w| {
            for _ in 0..8 {
                w.write_all(&pattern(BLOCK)).map_err(|e| Error::io("<output>", e))?;
            }
            Ok(())
        });
        assert!(r.is_err());
        assert!(e.is_some());
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
