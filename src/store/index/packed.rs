//! The index tree as sled holds it: entries packed into blocks, up to [`MAX_ENTRIES`] (and
//! about [`MAX_BYTES`]) to a key. sled 0.34 splits a leaf at 16 keys whatever their size,
//! so an index of a key per entry (about six a question, of about 14 bytes each) was most
//! of the database's pages: most of what every open holds in memory (sled keeps each
//! page's place), and most of what a build writes (sled writes a leaf's parent whole at
//! every split). Packed, the index takes about a sixteenth of the pages.
//!
//! A block's sled key is its *anchor*: no greater than any entry in it, and every entry
//! is less than the next block's anchor. So the block holding (or to hold) entry `k` is
//! the one with the greatest anchor not above `k`, found with one lookup, and the entries
//! of consecutive blocks are in key order. A block's value is its entries, each key
//! stored as the bytes it shares with the key before and the rest ([`encode`]).
//!
//! Blocks split when they grow past the limits; they are never merged: deletions leave
//! blocks part full, and a compaction (which packs afresh) fills them again.

use crate::store::index::Entry;
use std::collections::BTreeMap;
use std::ops::Bound;

/// The most entries a block holds.
pub const MAX_ENTRIES: usize = 64;

/// The bytes of keys and values past which a block splits (a block of one larger entry
/// is allowed).
pub const MAX_BYTES: usize = 4096;

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn take_len(bytes: &[u8], at: &mut usize) -> Option<usize> {
    let mut n: usize = 0;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        n |= usize::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

fn take<'b>(bytes: &'b [u8], at: &mut usize, n: usize) -> Option<&'b [u8]> {
    let end = at.checked_add(n)?;
    let out = bytes.get(*at..end)?;
    *at = end;
    Some(out)
}

/// A block's stored bytes: the count, then each entry as (bytes shared with the key
/// before, the rest of its key, its value), lengths as LEB128. `entries` are in key order.
pub fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes_of(entries) / 2 + 8);
    put_len(&mut out, entries.len());
    let mut prev: &[u8] = &[];
    for (k, v) in entries {
        let shared = prev.iter().zip(k).take_while(|(a, b)| a == b).count();
        put_len(&mut out, shared);
        put_len(&mut out, k.len() - shared);
        out.extend_from_slice(&k[shared..]);
        put_len(&mut out, v.len());
        out.extend_from_slice(v);
        prev = k;
    }
    out
}

/// The entries of a block, or `None` when its bytes are not a well-formed block: lengths
/// past the end, a key sharing more than the key before has, keys out of order, bytes
/// left over.
pub fn decode(bytes: &[u8]) -> Option<Vec<Entry>> {
    let mut at = 0;
    let count = take_len(bytes, &mut at)?;
    // each entry takes at least three bytes: a count beyond that is damage
    if count > bytes.len() / 3 {
        return None;
    }
    let mut out: Vec<Entry> = Vec::with_capacity(count);
    for _ in 0..count {
        let shared = take_len(bytes, &mut at)?;
        let rest = take_len(bytes, &mut at)?;
        let prev = out.last().map(|(k, _)| k.as_slice()).unwrap_or_default();
        let mut k = prev.get(..shared)?.to_vec();
        k.extend_from_slice(take(bytes, &mut at, rest)?);
        let vlen = take_len(bytes, &mut at)?;
        let v = take(bytes, &mut at, vlen)?.to_vec();
        if out.last().is_some_and(|(p, _)| *p >= k) {
            return None;
        }
        out.push((k, v));
    }
    (at == bytes.len()).then_some(out)
}

fn bytes_of(entries: &[Entry]) -> usize {
    entries.iter().map(|(k, v)| k.len() + v.len()).sum()
}

fn fits(entries: &[Entry]) -> bool {
    entries.len() <= MAX_ENTRIES && (entries.len() <= 1 || bytes_of(entries) <= MAX_BYTES)
}

/// The damage sled itself reports for a page it cannot read: a block that does not
/// decode is damage to the database, told the same way.
fn damaged() -> sled::Error {
    sled::Error::Corruption { at: None, bt: () }
}

fn decoded(block: &[u8]) -> sled::Result<Vec<Entry>> {
    decode(block).ok_or_else(damaged)
}

/// Groups entries that come in key order into blocks as a build writes them: each as full
/// as the limits allow, anchored at its first key.
#[derive(Default)]
pub struct Packer {
    block: Vec<Entry>,
    bytes: usize,
}

impl Packer {
    /// Adds the next entry (in key order); returns a full block (anchor, bytes) to write.
    pub fn push(&mut self, k: Vec<u8>, v: Vec<u8>) -> Option<(Vec<u8>, Vec<u8>)> {
        let size = k.len() + v.len();
        let full = self.block.len() == MAX_ENTRIES
            || (!self.block.is_empty() && self.bytes + size > MAX_BYTES);
        let out = if full { self.take() } else { None };
        self.bytes += size;
        self.block.push((k, v));
        out
    }

    /// The last, part-full block, if any.
    pub fn take(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        if self.block.is_empty() {
            return None;
        }
        let block = std::mem::take(&mut self.block);
        self.bytes = 0;
        Some((block[0].0.clone(), encode(&block)))
    }
}

/// Every block that entries in key order pack into.
pub fn pack(sorted: impl IntoIterator<Item = Entry>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut packer = Packer::default();
    let mut out: Vec<_> = sorted
        .into_iter()
        .filter_map(|(k, v)| packer.push(k, v))
        .collect();
    out.extend(packer.take());
    out
}

/// Entries read from the index, in key order either way.
pub type Entries<'t> = Box<dyn DoubleEndedIterator<Item = sled::Result<Entry>> + Send + 't>;

/// Every entry of the blocks `blocks` yields, in order, unfiltered: for a pass over the
/// whole index cut by anchors (`weft check`).
pub fn entries_of<'t>(blocks: sled::Iter) -> Entries<'t> {
    Box::new(blocks.flat_map(|r| -> Vec<sled::Result<Entry>> {
        match r.and_then(|(_, block)| decoded(&block)) {
            Ok(entries) => entries.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        }
    }))
}

/// [`entries_of`] for a forward pass that also proves where each block lies: a block
/// anchored above its first entry, or holding an entry at or past the next block's
/// anchor (so that a lookup would miss it), reads as damage.
pub fn entries_checked<'t>(blocks: sled::Iter) -> Entries<'t> {
    let mut last: Option<Vec<u8>> = None;
    Box::new(blocks.flat_map(move |r| -> Vec<sled::Result<Entry>> {
        let entries = r.and_then(|(anchor, block)| {
            let entries = decoded(&block)?;
            let placed = entries
                .first()
                .is_some_and(|(k, _)| k.as_slice() >= &anchor[..])
                && last.as_ref().is_none_or(|l| l.as_slice() < &anchor[..]);
            if !placed {
                return Err(damaged());
            }
            last = entries.last().map(|(k, _)| k.clone());
            Ok(entries)
        });
        match entries {
            Ok(entries) => entries.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        }
    }))
}

/// The index read as entries: what callers used to read from a tree of an entry per key.
#[derive(Clone, Copy)]
pub struct Packed<'t>(pub &'t sled::Tree);

impl<'t> Packed<'t> {
    /// The anchor of the block that holds `k` if any block does: the greatest not above it.
    fn anchor_for(&self, k: &[u8]) -> sled::Result<Option<sled::IVec>> {
        Ok(self.0.range(..=k).next_back().transpose()?.map(|(a, _)| a))
    }

    /// The value of entry `k`.
    pub fn get(&self, k: &[u8]) -> sled::Result<Option<Vec<u8>>> {
        let Some((_, block)) = self.0.range(..=k).next_back().transpose()? else {
            return Ok(None);
        };
        let entries = decoded(&block)?;
        Ok(entries
            .binary_search_by(|(ek, _)| ek.as_slice().cmp(k))
            .ok()
            .map(|i| entries[i].1.clone()))
    }

    /// The entries within `range`, in order (reversible): as `sled::Tree::range` reads.
    pub fn range<K: AsRef<[u8]>, R: std::ops::RangeBounds<K>>(&self, range: R) -> Entries<'t> {
        let lo = range.start_bound().map(|k| k.as_ref());
        let hi = range.end_bound().map(|k| k.as_ref());
        self.between(lo, hi)
    }

    /// The entries between two bounds, in order (reversible).
    pub fn between(&self, lo: Bound<&[u8]>, hi: Bound<&[u8]>) -> Entries<'t> {
        // the blocks to read: from the one that would hold `lo` to the last anchored
        // within `hi`
        let first = match lo {
            Bound::Included(k) | Bound::Excluded(k) => match self.anchor_for(k) {
                Ok(Some(a)) => Bound::Included(a.to_vec()),
                Ok(None) => Bound::Unbounded,
                Err(e) => return Box::new(std::iter::once(Err(e))),
            },
            Bound::Unbounded => Bound::Unbounded,
        };
        let last: Bound<Vec<u8>> = match hi {
            Bound::Included(k) => Bound::Included(k.to_vec()),
            Bound::Excluded(k) => Bound::Excluded(k.to_vec()),
            Bound::Unbounded => Bound::Unbounded,
        };
        let blocks = self.0.range::<Vec<u8>, _>((first, last));
        let lo: Bound<Vec<u8>> = lo.map(<[u8]>::to_vec);
        let hi: Bound<Vec<u8>> = hi.map(<[u8]>::to_vec);
        let within = move |k: &[u8]| {
            let above = match &lo {
                Bound::Included(l) => k >= l.as_slice(),
                Bound::Excluded(l) => k > l.as_slice(),
                Bound::Unbounded => true,
            };
            let below = match &hi {
                Bound::Included(h) => k <= h.as_slice(),
                Bound::Excluded(h) => k < h.as_slice(),
                Bound::Unbounded => true,
            };
            above && below
        };
        Box::new(Ascending::new(entries_of(blocks).filter(
            move |r| match r {
                Ok((k, _)) => within(k),
                Err(_) => true,
            },
        )))
    }

    /// The entries whose keys start with `prefix`, in order (reversible).
    pub fn scan_prefix(&self, prefix: impl AsRef<[u8]>) -> Entries<'t> {
        let prefix = prefix.as_ref();
        match after_prefix(prefix) {
            Some(end) => self.between(Bound::Included(prefix), Bound::Excluded(&end)),
            None => self.between(Bound::Included(prefix), Bound::Unbounded),
        }
    }

    /// Every entry, in order.
    pub fn iter(&self) -> Entries<'t> {
        Box::new(Ascending::new(entries_of(self.0.iter())))
    }
}

/// Entries strictly in key order from either end: an entry at or behind the last one
/// yielded from its end is skipped. A read runs beside the writer's commits, and sled's
/// iterators do not see a commit whole: a block split while a scan passes (half of it
/// moved under a new anchor) could be read both before and after, and so yield the
/// moved entries twice.
struct Ascending<I> {
    inner: I,
    front: Option<Vec<u8>>,
    back: Option<Vec<u8>>,
}

impl<I> Ascending<I> {
    fn new(inner: I) -> Self {
        Ascending {
            inner,
            front: None,
            back: None,
        }
    }
}

impl<I: Iterator<Item = sled::Result<Entry>>> Iterator for Ascending<I> {
    type Item = sled::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let item = self.inner.next()?;
            if let Ok((k, _)) = &item {
                if self.front.as_ref().is_some_and(|f| k <= f)
                    || self.back.as_ref().is_some_and(|b| k >= b)
                {
                    continue;
                }
                self.front = Some(k.clone());
            }
            return Some(item);
        }
    }
}

impl<I: DoubleEndedIterator<Item = sled::Result<Entry>>> DoubleEndedIterator for Ascending<I> {
    fn next_back(&mut self) -> Option<Self::Item> {
        loop {
            let item = self.inner.next_back()?;
            if let Ok((k, _)) = &item {
                if self.back.as_ref().is_some_and(|b| k >= b)
                    || self.front.as_ref().is_some_and(|f| k <= f)
                {
                    continue;
                }
                self.back = Some(k.clone());
            }
            return Some(item);
        }
    }
}

/// The least key above every key starting with `prefix`; `None` when there is none (the
/// prefix is all 0xff bytes, or empty).
fn after_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// A block being changed by an [`Edit`].
struct Held {
    entries: Vec<Entry>,
    /// The least anchor in the tree above this block's region (`None`: none above): every
    /// anchor in the tree between this block's and it is held by the edit too, so a key
    /// below it whose greatest live held anchor is this block's belongs to this block
    /// without a look at the tree.
    below: Option<Vec<u8>>,
}

/// Changes to entries gathered into the blocks they change, read from the tree as they
/// are first touched; [`Edit::into_batch`] gives the blocks to write. Entries are changed
/// in the order given, each seeing the ones before, as a batch of single entries would.
pub struct Edit<'t> {
    tree: &'t sled::Tree,
    /// The blocks touched, by anchor: held to be written, or `None` for one removed.
    blocks: BTreeMap<Vec<u8>, Option<Held>>,
}

impl<'t> Edit<'t> {
    pub fn new(tree: &'t sled::Tree) -> Edit<'t> {
        Edit {
            tree,
            blocks: BTreeMap::new(),
        }
    }

    /// The least anchor in the tree above `k`.
    fn tree_anchor_above(&self, k: &[u8]) -> sled::Result<Option<Vec<u8>>> {
        let above = (Bound::Excluded(k), Bound::Unbounded);
        Ok(self
            .tree
            .range::<&[u8], _>(above)
            .next()
            .transpose()?
            .map(|(a, _)| a.to_vec()))
    }

    /// The anchor of the live block that holds `k` if any does: the greatest not above
    /// it, among the blocks held here and those in the tree that are not.
    fn anchor_at_or_below(&self, k: &[u8]) -> sled::Result<Option<Vec<u8>>> {
        let mine = self
            .blocks
            .range::<[u8], _>((Bound::Unbounded, Bound::Included(k)))
            .rev()
            .find_map(|(a, b)| b.as_ref().map(|held| (a, held)));
        if let Some((a, held)) = mine {
            // within the region of a block read from the tree: no other tree anchor
            if held.below.as_deref().is_none_or(|n| k < n) {
                return Ok(Some(a.clone()));
            }
        }
        let mine = mine.map(|(a, _)| a.clone());
        let mut theirs = None;
        for r in self.tree.range(..=k).rev() {
            let (a, _) = r?;
            match self.blocks.get(a.as_ref()) {
                // held and live: the greatest held live anchor is at least this one
                Some(Some(_)) => break,
                // removed here: look further down
                Some(None) => continue,
                None => {
                    theirs = Some(a.to_vec());
                    break;
                }
            }
        }
        Ok(mine.max(theirs))
    }

    /// The least live anchor (of a block above `k`, when none is at or below it).
    fn first_anchor(&self) -> sled::Result<Option<Vec<u8>>> {
        let mine = self
            .blocks
            .iter()
            .find(|(_, b)| b.is_some())
            .map(|(a, _)| a.clone());
        let mut theirs = None;
        for r in self.tree.iter() {
            let (a, _) = r?;
            if !self.blocks.contains_key(a.as_ref()) {
                theirs = Some(a.to_vec());
                break;
            }
        }
        Ok(match (mine, theirs) {
            (Some(m), Some(t)) => Some(m.min(t)),
            (m, t) => m.or(t),
        })
    }

    /// Takes the block at `anchor` out to change it (it is put back by the caller).
    fn take_block(&mut self, anchor: &[u8]) -> sled::Result<Held> {
        match self.blocks.insert(anchor.to_vec(), None) {
            Some(Some(held)) => Ok(held),
            Some(None) => Ok(Held {
                entries: Vec::new(),
                below: self.tree_anchor_above(anchor)?,
            }),
            None => Ok(Held {
                entries: match self.tree.get(anchor)? {
                    Some(block) => decoded(&block)?,
                    None => Vec::new(),
                },
                below: self.tree_anchor_above(anchor)?,
            }),
        }
    }

    /// Puts `entries` (in order) back at `anchor`, split into blocks within the limits:
    /// the first keeps the anchor, the others are anchored at their first key; all keep
    /// the region's bound `below`.
    fn put_blocks(&mut self, anchor: Vec<u8>, held: Held, appended: bool) {
        let Held { mut entries, below } = held;
        if entries.is_empty() {
            return;
        }
        if fits(&entries) {
            self.blocks.insert(anchor, Some(Held { entries, below }));
            return;
        }
        // an entry added at the end (new records come in id order) starts a block of its
        // own and leaves this one full; otherwise the block splits in half
        let at = if appended && fits(&entries[..entries.len() - 1]) {
            entries.len() - 1
        } else {
            entries.len() / 2
        };
        let rest = entries.split_off(at);
        let rest_anchor = rest[0].0.clone();
        let first = Held {
            entries,
            below: below.clone(),
        };
        self.put_blocks(anchor, first, false);
        self.put_blocks(
            rest_anchor,
            Held {
                entries: rest,
                below,
            },
            false,
        );
    }

    /// Sets entry `k` to `v`.
    pub fn insert(&mut self, k: Vec<u8>, v: Vec<u8>) -> sled::Result<()> {
        let anchor = match self.anchor_at_or_below(&k)? {
            Some(a) => a,
            None => match self.first_anchor()? {
                Some(a) => a,
                None => {
                    let below = self.tree_anchor_above(&k)?;
                    let held = Held {
                        entries: vec![(k.clone(), v)],
                        below,
                    };
                    self.blocks.insert(k, Some(held));
                    return Ok(());
                }
            },
        };
        let mut held = self.take_block(&anchor)?;
        // below every block: the first block takes it and is anchored at it
        let anchor = if k < anchor { k.clone() } else { anchor };
        let entries = &mut held.entries;
        let appended = match entries.binary_search_by(|(ek, _)| ek.cmp(&k)) {
            Ok(i) => {
                entries[i].1 = v;
                false
            }
            Err(i) => {
                entries.insert(i, (k, v));
                i + 1 == entries.len()
            }
        };
        self.put_blocks(anchor, held, appended);
        Ok(())
    }

    /// Removes entry `k` if it is there.
    pub fn remove(&mut self, k: &[u8]) -> sled::Result<()> {
        let Some(anchor) = self.anchor_at_or_below(k)? else {
            return Ok(());
        };
        let mut held = self.take_block(&anchor)?;
        if let Ok(i) = held
            .entries
            .binary_search_by(|(ek, _)| ek.as_slice().cmp(k))
        {
            held.entries.remove(i);
        }
        // an emptied block stays removed; a block keeps its anchor when its first
        // entry goes (the anchor need only be no greater than its entries)
        self.put_blocks(anchor, held, false);
        Ok(())
    }

    /// The blocks to write and to remove.
    pub fn into_batch(self) -> sled::Batch {
        let mut batch = sled::Batch::default();
        for (anchor, block) in self.blocks {
            match block {
                Some(held) => batch.insert(anchor, encode(&held.entries)),
                None => batch.remove(anchor),
            }
        }
        batch
    }
}

#[cfg(test)]
mod tests;
