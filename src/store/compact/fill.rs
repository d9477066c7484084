//! Filling a tree of a database being built so that sled leaves every leaf full.
//!
//! sled 0.34 splits a leaf once it holds more than 16 keys, keeping 9 on the left. Keys
//! inserted in order therefore leave each leaf with 9 of its 16 places used, and every
//! later open loads a page-table entry per 9 keys, every scan visits a leaf per 9 keys.
//! Here each block of 16 keys (in key order) is written in two turns: 9 of them at
//! once, which splits off the block before as a leaf of its own, and the other 7 of the
//! block before, into the gaps of that leaf, which then holds 16.
//!
//! sled rewrites a page whole at its tenth change and before that keeps a base and its
//! deltas, each a page-table entry of its own. Three of the seven are written first with
//! a stand-in value, so the last real value is the tenth change and the leaf is left as
//! one piece. The stand-ins are replaced within the same block, and a database being
//! built is thrown away whole unless it is finished, so no one ever reads one.
//!
//! None of this changes what the tree holds: every key gets the last value given for
//! it, in any order the entries come. In a probe of 2,000,000 index keys, the tree
//! took 149 MB instead of 261 MB on disk, the next open 46.6 MiB instead of 80 MiB and
//! a whole scan 1.0–1.1 s instead of 1.35–1.4 s (BENCHMARKS.md).

use super::super::index::Entry;

/// The keys a leaf holds once filled: the most sled keeps before splitting.
const LEAF: usize = 16;

/// The places in a block of [`LEAF`] sorted keys written in the first turn: the leaf
/// that splits off holds exactly these nine, with a gap before each of the other seven.
const FIRST: [bool; LEAF] = {
    let mut first = [false; LEAF];
    let mut i = 0;
    while i < LEAF {
        first[i] = i % 2 == 0 || i == LEAF - 1;
        i += 1;
    }
    first
};

/// How many keys of a second turn are first written with a stand-in value: with the
/// seven real values, the ten changes after which sled rewrites the leaf whole.
const STAND_INS: usize = 3;

/// Where a filler writes: a sled tree, or a record of the writes in tests.
pub(super) trait Target {
    fn put(&mut self, key: &[u8], value: &[u8]) -> sled::Result<()>;
}

impl Target for sled::Tree {
    fn put(&mut self, key: &[u8], value: &[u8]) -> sled::Result<()> {
        self.insert(key, value).map(drop)
    }
}

/// A value other than `value`, so that writing the real one after it is a change.
fn stand_in(value: &[u8]) -> &'static [u8] {
    if value.is_empty() {
        &[0]
    } else {
        &[]
    }
}

/// One tree being filled, a block of keys at a time.
pub(super) struct Fill<T: Target> {
    target: T,
    /// The next block's entries in key order, each key once (at most [`LEAF`]).
    block: Vec<Entry>,
    /// The second turn of the block before, written once this block's first turn has
    /// split its leaf off.
    held: Vec<Entry>,
}

impl<T: Target> Fill<T> {
    pub fn new(target: T) -> Fill<T> {
        Fill {
            target,
            block: Vec::with_capacity(LEAF),
            held: Vec::new(),
        }
    }

    /// Adds a batch of entries, sorted here. Batches are laid out best when each comes
    /// after the one before in key order; in any order, of equal keys the last given
    /// wins, as in a map.
    pub fn batch(&mut self, mut entries: Vec<Entry>) -> sled::Result<()> {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, v) in entries {
            self.push(k, v)?;
        }
        Ok(())
    }

    fn push(&mut self, key: Vec<u8>, value: Vec<u8>) -> sled::Result<()> {
        let full = self.block.len() == LEAF;
        match self.block.last_mut() {
            Some(last) if last.0 == key => {
                last.1 = value;
                return Ok(());
            }
            // out of order: what waits is written now, so that nothing given earlier
            // can be written after (and over) something given later
            Some(last) if last.0 > key => self.finish()?,
            _ if full => self.turn()?,
            _ => {}
        }
        self.block.push((key, value));
        Ok(())
    }

    /// Writes the first turn of the full block, then the second of the block before.
    fn turn(&mut self) -> sled::Result<()> {
        let block = std::mem::replace(&mut self.block, Vec::with_capacity(LEAF));
        let mut second = Vec::with_capacity(LEAF);
        for (i, (k, v)) in block.into_iter().enumerate() {
            if FIRST[i] {
                self.target.put(&k, &v)?;
            } else {
                second.push((k, v));
            }
        }
        self.second()?;
        self.held = second;
        Ok(())
    }

    fn second(&mut self) -> sled::Result<()> {
        let held = std::mem::take(&mut self.held);
        for (k, v) in held.iter().take(STAND_INS) {
            self.target.put(k, stand_in(v))?;
        }
        for (k, v) in &held {
            self.target.put(k, v)?;
        }
        Ok(())
    }

    /// Writes everything still waiting: the last block in order, then the second turn
    /// of the one before.
    pub fn finish(&mut self) -> sled::Result<()> {
        for (k, v) in std::mem::take(&mut self.block) {
            self.target.put(&k, &v)?;
        }
        self.second()
    }
}

/// `n` index-like entries in key order: a family byte, a sort key, an id, no value.
#[cfg(test)]
pub(super) fn index_like(n: u64) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            let mut key = b"r".to_vec();
            key.extend_from_slice(&(i * 7919).to_be_bytes());
            key.extend_from_slice(&i.to_be_bytes());
            (key, Vec::new())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The writes a filler makes, in order.
    #[derive(Default)]
    struct Writes(Vec<(Vec<u8>, Vec<u8>)>);

    impl Target for Writes {
        fn put(&mut self, key: &[u8], value: &[u8]) -> sled::Result<()> {
            self.0.push((key.to_vec(), value.to_vec()));
            Ok(())
        }
    }

    fn k(n: u32) -> Vec<u8> {
        n.to_be_bytes().to_vec()
    }

    fn filled(batches: &[Vec<Entry>]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut f = Fill::new(Writes::default());
        for b in batches {
            f.batch(b.clone()).unwrap();
        }
        f.finish().unwrap();
        f.target.0
    }

    #[test]
    fn each_block_is_written_nine_first_then_seven_into_the_leaf_before() {
        let entries: Vec<Entry> = (0..48).map(|n| (k(n), b"v".to_vec())).collect();
        let writes = filled(&[entries]);
        let keys: Vec<u32> = writes
            .iter()
            .map(|(key, _)| u32::from_be_bytes(key[..].try_into().unwrap()))
            .collect();
        let first = |b: u32| [0, 2, 4, 6, 8, 10, 12, 14, 15].map(|i| 16 * b + i);
        let second = |b: u32| {
            let real = [1, 3, 5, 7, 9, 11, 13].map(|i| 16 * b + i);
            real[..3].iter().chain(&real).copied().collect::<Vec<_>>()
        };
        let mut want: Vec<u32> = first(0).to_vec();
        want.extend(first(1));
        want.extend(second(0));
        // the last block goes in order, before the second turn of the one before
        want.extend(32..48);
        want.extend(second(1));
        assert_eq!(keys, want);
        // the stand-ins differ from the values that replace them
        assert_eq!(writes[18], (k(1), Vec::new()));
        assert_eq!(writes[21], (k(1), b"v".to_vec()));
    }

    #[test]
    fn empty_values_stand_in_as_a_byte() {
        let entries: Vec<Entry> = (0..40).map(|n| (k(n), Vec::new())).collect();
        let writes = filled(&[entries]);
        assert_eq!(writes[18], (k(1), vec![0]));
        assert_eq!(writes[21], (k(1), Vec::new()));
    }

    #[test]
    fn a_filled_tree_takes_less_disk_than_the_same_keys_in_order() {
        let entries = index_like(150_000);
        let size = |fill: bool| {
            let dir = tempfile::tempdir().unwrap();
            let db = sled::Config::new().path(dir.path()).open().unwrap();
            let tree = db.open_tree("t").unwrap();
            if fill {
                let mut f = Fill::new(tree);
                f.batch(entries.clone()).unwrap();
                f.finish().unwrap();
            } else {
                for (k, v) in &entries {
                    tree.insert(k, v.as_slice()).unwrap();
                }
            }
            db.flush().unwrap();
            db.size_on_disk().unwrap()
        };
        // 12.6-13.1 MB against 20.4-21.0 MB here: leaves of 16 keys against 9. sled's
        // background flusher can, on a loaded machine, leave one database a segment
        // larger for a moment: the pair is measured again, up to three times, before
        // the test fails
        let mut seen = Vec::new();
        let smaller = (0..3).any(|_| {
            let (filled, in_order) = (size(true), size(false));
            seen.push((filled, in_order));
            filled * 4 < in_order * 3
        });
        assert!(smaller, "filled against in order: {seen:?}");
    }

    proptest! {
        #[test]
        fn a_filled_tree_holds_the_last_value_given_for_each_key(
            batches in proptest::collection::vec(
                proptest::collection::vec((0u32..400, 0u8..3), 0..120), 0..6),
        ) {
            let batches: Vec<Vec<Entry>> = batches
                .iter()
                .map(|b| b.iter().map(|(n, v)| (k(*n), vec![*v; *v as usize])).collect())
                .collect();
            // a map filled in the same order: batches in turn, each sorted stably
            let mut want = BTreeMap::new();
            for b in &batches {
                let mut sorted = b.clone();
                sorted.sort_by(|x, y| x.0.cmp(&y.0));
                want.extend(sorted);
            }
            let dir = tempfile::tempdir().unwrap();
            let db = sled::Config::new().path(dir.path()).temporary(true).open().unwrap();
            let mut f = Fill::new(db.open_tree("t").unwrap());
            for b in &batches {
                f.batch(b.clone()).unwrap();
            }
            f.finish().unwrap();
            let got: BTreeMap<Vec<u8>, Vec<u8>> = f
                .target
                .iter()
                .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
                .collect();
            prop_assert_eq!(got, want);
        }
    }
}
