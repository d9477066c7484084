//! Two small summaries that let `check` compare large sets without holding them: a
//! digest of a multiset of index entries in buckets, and a set of record ids as bits.

use crate::model::{Id, Kind};
use std::collections::{BTreeMap, HashSet};
use std::hash::BuildHasher;

/// How many buckets a digest has: a damaged entry makes its bucket differ, and only the
/// entries of differing buckets are then compared one by one (about a thousand entries
/// a bucket at a million records). Few enough that a digest (64 KiB) stays in the
/// core's cache: at 2^16 buckets, adding an entry waited on memory, a tenth of the
/// records pass at a million records.
pub(super) const BUCKETS: usize = 1 << 12;

/// The hash key both sides of one comparison share, drawn at random for each check, so
/// that no fixed pattern of damage can cancel out in the sums. The hash is foldhash's
/// quality variant, not SipHash: the check is a guard against damage, not a boundary
/// against someone who can write the workspace (they could as well rewrite a record and
/// its index entries together), and at a million records SipHash took 7% of the check.
#[derive(Clone)]
pub(super) struct Keys(foldhash::quality::RandomState);

impl Keys {
    pub fn new() -> Keys {
        Keys(foldhash::quality::RandomState::default())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sum {
    count: u64,
    hashes: u64,
}

/// A multiset of (key, value) entries summarised per bucket (chosen by the key) as the
/// count and the sum of a keyed 64-bit hash of each entry. Two digests of equal
/// multisets are equal; two of different ones differ in the buckets where they differ,
/// but for a chance of about 2^-64 per bucket.
pub(super) struct Digest {
    keys: Keys,
    sums: Vec<Sum>,
    /// Entries added.
    pub entries: u64,
}

impl Digest {
    pub fn new(keys: &Keys) -> Digest {
        Digest {
            keys: keys.clone(),
            sums: vec![Sum::default(); BUCKETS],
            entries: 0,
        }
    }

    pub fn add(&mut self, k: &[u8], v: &[u8]) {
        let s = &mut self.sums[bucket(k)];
        s.count += 1;
        s.hashes = s.hashes.wrapping_add(self.keys.0.hash_one((k, v)));
        self.entries += 1;
    }

    /// Adds the entries of `other` (a digest under the same keys), as if added here.
    pub fn merge(&mut self, other: &Digest) {
        for (s, o) in self.sums.iter_mut().zip(&other.sums) {
            s.count += o.count;
            s.hashes = s.hashes.wrapping_add(o.hashes);
        }
        self.entries += other.entries;
    }

    /// The buckets where the two differ, each with the larger of its two entry counts.
    pub fn differing(&self, other: &Digest) -> Vec<(usize, u64)> {
        self.sums
            .iter()
            .zip(&other.sums)
            .enumerate()
            .filter(|(_, (x, y))| x != y)
            .map(|(i, (x, y))| (i, x.count.max(y.count)))
            .collect()
    }
}

/// The bucket of an index key: its bytes folded eight at a time (multiply and rotate),
/// the same in every process.
pub(super) fn bucket(k: &[u8]) -> usize {
    let mix = |h: u64, w: u64| (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(31);
    let mut h = 0xcbf2_9ce4_8422_2325 ^ k.len() as u64;
    let mut words = k.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = mix(h, u64::from_le_bytes(b));
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    h = mix(h, u64::from_le_bytes(tail));
    ((h ^ (h >> 29)) as usize) & (BUCKETS - 1)
}

/// The largest id number kept as a bit; numbers above it (never handed out by a
/// workspace this size) go to a set.
const BITS_LIMIT: u64 = 1 << 30;

/// Record ids as one bit per number below the kind's id counter (128 KiB per million
/// records); ids at or past the counter, which a sound workspace never holds, in a set.
pub(super) struct IdSet {
    bits: Vec<Vec<u64>>,
    limit: Vec<u64>,
    outliers: HashSet<Id>,
}

/// A kind's place in [`Kind::ALL`], the order the check passes the kinds in.
pub(super) fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

impl IdSet {
    /// A set sized by the id counters `next` (per kind letter).
    pub fn new(next: &BTreeMap<char, u64>) -> IdSet {
        IdSet {
            bits: vec![Vec::new(); Kind::ALL.len()],
            limit: Kind::ALL
                .iter()
                .map(|k| next.get(&k.letter()).copied().unwrap_or(1).min(BITS_LIMIT))
                .collect(),
            outliers: HashSet::new(),
        }
    }

    pub fn insert(&mut self, id: Id) {
        let s = slot(id.kind);
        if id.num >= self.limit[s] {
            self.outliers.insert(id);
            return;
        }
        let (word, bit) = ((id.num / 64) as usize, id.num % 64);
        let bits = &mut self.bits[s];
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        bits[word] |= 1 << bit;
    }

    /// Adds every id of `other` (a set sized by the same counters).
    pub fn merge(&mut self, other: &IdSet) {
        for (mine, theirs) in self.bits.iter_mut().zip(&other.bits) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            mine.iter_mut().zip(theirs).for_each(|(m, t)| *m |= t);
        }
        self.outliers.extend(other.outliers.iter().copied());
    }

    pub fn contains(&self, id: Id) -> bool {
        let s = slot(id.kind);
        if id.num >= self.limit[s] {
            return self.outliers.contains(&id);
        }
        let (word, bit) = ((id.num / 64) as usize, id.num % 64);
        self.bits[s].get(word).is_some_and(|w| w & (1 << bit) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_multisets_give_equal_digests_in_any_order() {
        let keys = Keys::new();
        let (mut x, mut y) = (Digest::new(&keys), Digest::new(&keys));
        let entries: Vec<(Vec<u8>, Vec<u8>)> = (0..500u32)
            .map(|i| (format!("k{i}").into_bytes(), i.to_be_bytes().to_vec()))
            .collect();
        entries.iter().for_each(|(k, v)| x.add(k, v));
        entries.iter().rev().for_each(|(k, v)| y.add(k, v));
        assert!(x.differing(&y).is_empty());
        assert_eq!(x.entries, 500);
    }

    #[test]
    fn a_changed_value_a_lost_entry_and_a_repeat_each_show() {
        let keys = Keys::new();
        let base = |d: &mut Digest| {
            d.add(b"a", b"1");
            d.add(b"b", b"2");
        };
        let mut want = Digest::new(&keys);
        base(&mut want);
        let mut changed = Digest::new(&keys);
        changed.add(b"a", b"1");
        changed.add(b"b", b"3");
        assert_eq!(want.differing(&changed), vec![(bucket(b"b"), 1)]);
        let mut lost = Digest::new(&keys);
        lost.add(b"a", b"1");
        assert_eq!(want.differing(&lost), vec![(bucket(b"b"), 1)]);
        let mut twice = Digest::new(&keys);
        base(&mut twice);
        twice.add(b"a", b"1");
        assert_eq!(want.differing(&twice), vec![(bucket(b"a"), 2)]);
    }

    #[test]
    fn keys_alike_but_for_a_few_bytes_spread_over_the_buckets() {
        // index keys share long prefixes and differ in an id's last bytes
        let mut used = vec![false; BUCKETS];
        for i in 0..BUCKETS as u64 {
            let mut k = b"eE".to_vec();
            k.extend_from_slice(&(i / 3).to_be_bytes());
            k.push(b'L');
            k.extend_from_slice(&i.to_be_bytes());
            used[bucket(&k)] = true;
        }
        let share = used.iter().filter(|u| **u).count() * 100 / BUCKETS;
        // a random spread fills 1 - 1/e (63%) of them
        assert!(share >= 55, "{share}%");
    }

    #[test]
    fn id_sets_hold_ids_below_and_past_the_counter() {
        let next: BTreeMap<char, u64> = [('Q', 100), ('N', 5)].into_iter().collect();
        let mut s = IdSet::new(&next);
        let q = |n| Id::new(Kind::Question, n);
        for n in [1, 63, 64, 99, 100, 1 << 40] {
            s.insert(q(n));
        }
        for n in [1, 63, 64, 99, 100, 1 << 40] {
            assert!(s.contains(q(n)), "{n}");
        }
        for n in [2, 65, 98, 101] {
            assert!(!s.contains(q(n)), "{n}");
        }
        assert!(!s.contains(Id::new(Kind::Note, 1)));
        s.insert(Id::new(Kind::Link, 3));
        assert!(s.contains(Id::new(Kind::Link, 3)));
    }
}
