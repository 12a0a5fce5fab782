//! Finding the delimiters, line ends and quote marks of a CSV text 64 bytes at a time: each block
//! becomes a bit mask of where they are (with SSE2 on x86_64), and the positions are read off its
//! set bits. The rows of steps and materials are short, so these bytes are dense (one in about
//! seven): finding each on its own, as a byte search does, looks at every block several times.

/// The positions of `delimiter`, `\n` and `"` in a text, in increasing order.
pub(crate) struct Specials<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    /// Where the block of `mask` starts.
    base: usize,
    /// Where the next block starts.
    next: usize,
    /// The positions (bits, relative to `base`) of the block not yet given.
    mask: u64,
}

impl<'a> Specials<'a> {
    pub(crate) fn new(bytes: &'a [u8], delimiter: u8) -> Specials<'a> {
        Specials { bytes, delimiter, base: 0, next: 0, mask: 0 }
    }
}

impl Iterator for Specials<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            if self.next >= self.bytes.len() {
                return None;
            }
            self.base = self.next;
            let end = self.bytes.len().min(self.base + 64);
            let block = self.bytes.get(self.base..end).unwrap_or_default();
            self.mask = match <&[u8; 64]>::try_from(block) {
                Ok(block) => mask64(block, self.delimiter),
                Err(_) => mask_scalar(block, self.delimiter),
            };
            self.next = end;
        }
        let bit = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + bit)
    }
}

/// Appends the positions of `"` in `bytes` (plus `offset`) to `out`, in increasing order: a
/// block's quote marks read off one mask, which is faster than a byte search per quote mark when
/// they are dense (a file with every cell quoted has one in every eight bytes).
pub(crate) fn quotes_into(bytes: &[u8], offset: usize, out: &mut Vec<usize>) {
    for (k, block) in bytes.chunks(64).enumerate() {
        let mut mask = match <&[u8; 64]>::try_from(block) {
            Ok(block) => quote_mask64(block),
            Err(_) => {
                block.iter().enumerate().fold(0u64, |m, (i, &b)| m | (u64::from(b == b'"') << i))
            }
        };
        while mask != 0 {
            out.push(offset + k * 64 + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
    }
}

/// Bit `i` set when `block[i]` is `"`.
#[cfg(target_arch = "x86_64")]
#[inline]
fn quote_mask64(block: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    let mut mask = 0u64;
    for (k, lane) in block.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of the x86_64 baseline; the load reads the 16 bytes of `lane`,
        // unaligned loads allowed.
        let hits = unsafe {
            let v = _mm_loadu_si128(lane.as_ptr().cast());
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)))
        };
        mask |= u64::from(hits as u16) << (16 * k);
    }
    mask
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn quote_mask64(block: &[u8; 64]) -> u64 {
    block.iter().enumerate().fold(0u64, |m, (i, &b)| m | (u64::from(b == b'"') << i))
}

/// Bit `i` set when `block[i]` is the delimiter, `\n` or `"` (any length up to 64).
fn mask_scalar(block: &[u8], delimiter: u8) -> u64 {
    let mut mask = 0u64;
    for (i, &b) in block.iter().enumerate().take(64) {
        mask |= u64::from(b == delimiter || b == b'\n' || b == b'"') << i;
    }
    mask
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn mask64(block: &[u8; 64], delimiter: u8) -> u64 {
    // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 processor has it.
    unsafe { mask64_sse2(block, delimiter) }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn mask64(block: &[u8; 64], delimiter: u8) -> u64 {
    mask_scalar(block, delimiter)
}

/// [`mask_scalar`] of a whole block, 16 bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn mask64_sse2(block: &[u8; 64], delimiter: u8) -> u64 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let d = _mm_set1_epi8(delimiter as i8);
    let nl = _mm_set1_epi8(b'\n' as i8);
    let quote = _mm_set1_epi8(b'"' as i8);
    let mut mask = 0u64;
    for (k, lane) in block.chunks_exact(16).enumerate() {
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(lane.get(at..at + 8).unwrap_or(&[0; 8]));
            u64::from_le_bytes(w) as i64
        };
        let v = _mm_set_epi64x(word(8), word(0));
        let hits = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, nl)),
            _mm_cmpeq_epi8(v, quote),
        );
        mask |= u64::from(_mm_movemask_epi8(hits) as u16) << (16 * k);
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(bytes: &[u8], delimiter: u8) -> Vec<usize> {
        Specials::new(bytes, delimiter).collect()
    }

    #[test]
    fn positions_in_order_across_blocks_and_the_tail() {
        let mut text = Vec::new();
        for _ in 0..5 {
            text.extend_from_slice("450102,000101001000,1,受理,\"1个工作日\",0\n".as_bytes());
        }
        let expected: Vec<usize> = memchr::memchr3_iter(b',', b'\n', b'"', &text).collect();
        assert!(text.len() > 128 && text.len() % 64 != 0);
        assert_eq!(found(&text, b','), expected);
        assert_eq!(found(b"", b','), Vec::<usize>::new());
        assert_eq!(found(b"a\tb,c", b'\t'), vec![1]);
        // A block holding nothing, then one holding the last byte.
        let mut sparse = vec![b'x'; 127];
        sparse.push(b'\n');
        assert_eq!(found(&sparse, b','), vec![127]);
    }

    proptest::proptest! {
        /// The quote marks' positions, as a byte search finds them.
        #[test]
        fn quotes_as_memchr(
            bytes in proptest::collection::vec(proptest::sample::select(
                vec![b',', b'"', b'a', 0x80, 0xA2, 0xFF, 0, b'\n']), 0..300),
            offset in 0usize..1000,
        ) {
            let expected: Vec<usize> = memchr::memchr_iter(b'"', &bytes).map(|i| i + offset).collect();
            let mut found = vec![];
            quotes_into(&bytes, offset, &mut found);
            proptest::prop_assert_eq!(found, expected);
        }

        /// The same positions as a byte search for the three bytes, for any text and delimiter
        /// (bytes above 0x7F included: the comparison is of bytes, signed in the SIMD lanes).
        #[test]
        fn same_as_memchr3(
            bytes in proptest::collection::vec(proptest::sample::select(
                vec![b',', b'\t', b'\n', b'"', b'a', 0x80, 0xAC, 0xFF, 0, b'\r']), 0..300),
            tab in proptest::bool::ANY,
        ) {
            let delimiter = if tab { b'\t' } else { b',' };
            let expected: Vec<usize> = memchr::memchr3_iter(delimiter, b'\n', b'"', &bytes).collect();
            proptest::prop_assert_eq!(found(&bytes, delimiter), expected);
        }
    }
}
