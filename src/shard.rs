//! Shards (issue 20): `check --shard K/N` does the part of the work whose item groups hash to
//! shard K of N; `qingdan merge` (`crate::cmd::partial`) puts the N partial results together
//! into exactly the report of the single run.
//!
//! A group is owned by the shard its key hashes to ([`Shard::owns`]): the normalised item code
//! (for a 业务办理项 group `code(办理项)`, the code before the bracket, so that every 办理项 of
//! a code is in one shard; for a group of its own without a code, its normalised name). The
//! hash is FNV-1a (64 bits) of the key's bytes: the same on every machine, every run and every
//! thread count, so that an engine may run the shards anywhere.

use crate::finding::Finding;

/// Shard `k` of `n` (`--shard K/N`, K from 0 to N−1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("--shard wants K/N with 0 <= K < N (e.g. 0/8), not {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u32, u32) =
            (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// FNV-1a, 64 bits: the same on every machine.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The part of a group key that decides its shard: the code before a 办理项's bracket.
pub fn shard_key(key: &str) -> &str {
    match key.find('(') {
        Some(0) | None => key,
        Some(i) => &key[..i],
    }
}

impl Shard {
    /// The single run: one shard owning everything.
    pub const WHOLE: Shard = Shard { k: 0, n: 1 };

    /// Whether this shard owns the group (or the finding's item) keyed `key`.
    pub fn owns(&self, key: &str) -> bool {
        self.n <= 1 || fnv1a(shard_key(key).as_bytes()) % u64::from(self.n) == u64::from(self.k)
    }

    /// Whether this shard owns finding `f` (by its item; a finding about no item is shard 0's).
    pub fn owns_finding(&self, f: &Finding) -> bool {
        match f.item.as_deref() {
            Some(item) => self.owns(item),
            None => self.k == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("2/7".parse::<Shard>(), Ok(Shard { k: 2, n: 7 }));
        for bad in ["7/7", "1/0", "x/2", "3", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        // Every key is owned by exactly one shard; a 办理项 by its code's shard.
        for key in ["450102001000", "许可-00077-008-01", "水事纠纷处理", "", "450102001000(变更)"]
        {
            let owners = (0..7).filter(|&k| Shard { k, n: 7 }.owns(key)).count();
            assert_eq!(owners, 1, "{key}");
        }
        let s = |k| Shard { k, n: 5 };
        let of = |key: &str| (0..5).find(|&k| s(k).owns(key));
        assert_eq!(of("450102001000(变更)"), of("450102001000"));
        assert!(Shard::WHOLE.owns("anything"));
        // The hash is fixed: an engine may run the shards on any machine.
        assert_eq!(fnv1a(b"450102001000") % 8, fnv1a(b"450102001000") % 8);
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
