//! How the journal tree lays entries out: since schema 4, [`PER_BLOCK`] consecutive
//! entries share one key. sled's page table grows with its keys (a leaf splits past 16),
//! and a key per entry made the journal a sixth of them at a million records, although
//! nothing ever looks an entry up by its number: undo and `weft log` walk back from the
//! newest, `check`, exports and compaction walk forward from the oldest.
//!
//! Keys of schemas up to 3 hold one entry each (the sequence number, eight bytes
//! big-endian) and are still read; they always come first, since they are shorter and
//! start with a zero byte, and hold the older entries. A block's key is [`BLOCK`] then
//! the block's number (`seq / PER_BLOCK`, big-endian); its value is its entries in order,
//! each an unsigned LEB128 length then the entry's bytes (either form of
//! [`Stored`](super::Stored)). A block may start part-way (the first entries written
//! after an upgrade in place) and is rewritten whole when an entry joins it.

use super::stored::{put, read_num};

/// How many consecutive entries share a key.
pub(in crate::store) const PER_BLOCK: u64 = 64;

/// The first byte of a block's key.
const BLOCK: u8 = b'B';

/// The key of block number `block`.
pub(in crate::store) fn key(block: u64) -> [u8; 9] {
    let mut k = [0u8; 9];
    k[0] = BLOCK;
    k[1..].copy_from_slice(&block.to_be_bytes());
    k
}

/// A journal tree key in words, for a message about what it holds.
pub(in crate::store) fn describe(key: &[u8]) -> String {
    match (key.len(), key.first()) {
        (9, Some(&BLOCK)) => {
            let n = u64::from_be_bytes(key[1..].try_into().unwrap_or_default());
            format!(
                "block {n} (entries {} to {})",
                n * PER_BLOCK,
                (n + 1) * PER_BLOCK - 1
            )
        }
        (8, _) => format!(
            "entry {}",
            u64::from_be_bytes(key.try_into().unwrap_or_default())
        ),
        _ => format!("key {key:x?}"),
    }
}

/// The bytes of each entry a journal tree value holds: the value itself for a key of
/// one entry, each entry of a block in order. A block cut short or overrun says so.
pub(in crate::store) fn split<'a>(
    key: &[u8],
    value: &'a [u8],
) -> std::result::Result<Vec<&'a [u8]>, String> {
    if key.len() != 9 || key[0] != BLOCK {
        return Ok(vec![value]);
    }
    let mut out = Vec::with_capacity(PER_BLOCK as usize);
    let mut pos = 0;
    while pos < value.len() {
        let len = read_num(value, &mut pos)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!("its entry at byte {pos} has no length"))?;
        let end = pos
            .checked_add(len)
            .filter(|&end| end <= value.len())
            .ok_or_else(|| format!("its entry at byte {pos} runs past the block's end"))?;
        out.push(&value[pos..end]);
        pos = end;
    }
    Ok(out)
}

/// Groups consecutive entries into blocks for a writer: [`Writer::push`] gives back each
/// block as it fills, [`Writer::pending`] the one being filled.
#[derive(Debug, Default)]
pub(in crate::store) struct Writer {
    block: Option<u64>,
    buf: Vec<u8>,
}

impl Writer {
    /// A writer that continues the block holding entry `next_seq` as `tree` keeps it
    /// (a commit adds to the newest block).
    pub fn resume(tree: &sled::Tree, next_seq: u64) -> sled::Result<Writer> {
        let block = next_seq / PER_BLOCK;
        Ok(Writer {
            block: Some(block),
            buf: tree
                .get(key(block))?
                .map(|v| v.to_vec())
                .unwrap_or_default(),
        })
    }

    /// Adds entry `seq`, whose stored form is `bytes`; entries come in order. Returns the
    /// block it closed, if it starts a new one.
    pub fn push(&mut self, seq: u64, bytes: &[u8]) -> Option<([u8; 9], Vec<u8>)> {
        let block = seq / PER_BLOCK;
        let closed = match self.block {
            Some(b) if b != block => Some((key(b), std::mem::take(&mut self.buf))),
            _ => None,
        };
        self.block = Some(block);
        put(&mut self.buf, bytes.len() as u64);
        self.buf.extend_from_slice(bytes);
        closed.filter(|(_, v)| !v.is_empty())
    }

    /// The block being filled, as it is now.
    pub fn pending(&self) -> Option<([u8; 9], &[u8])> {
        match self.block {
            Some(b) if !self.buf.is_empty() => Some((key(b), &self.buf)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(entries: &[(u64, &[u8])]) -> Vec<([u8; 9], Vec<u8>)> {
        let mut w = Writer::default();
        let mut out: Vec<_> = entries.iter().filter_map(|(s, b)| w.push(*s, b)).collect();
        out.extend(w.pending().map(|(k, v)| (k, v.to_vec())));
        out
    }

    #[test]
    fn entries_fill_blocks_of_their_numbers_and_read_back_in_order() {
        let bodies: Vec<Vec<u8>> = (0..150u64)
            .map(|i| vec![i as u8; (i % 7) as usize])
            .collect();
        let entries: Vec<(u64, &[u8])> = (0..150u64)
            .map(|i| (i + 10, &bodies[i as usize][..]))
            .collect();
        let blocks = written(&entries);
        // 10..63, 64..127, 128..159
        assert_eq!(
            blocks.iter().map(|(k, _)| k.to_vec()).collect::<Vec<_>>(),
            [key(0).to_vec(), key(1).to_vec(), key(2).to_vec()]
        );
        let back: Vec<&[u8]> = blocks
            .iter()
            .flat_map(|(k, v)| split(k, v).unwrap())
            .collect();
        assert_eq!(back, bodies.iter().map(Vec::as_slice).collect::<Vec<_>>());
        // a key of schema 3 holds its one entry
        assert_eq!(split(&7u64.to_be_bytes(), b"{}").unwrap(), [b"{}"]);
        // and sorts before every block, up to the largest number weft hands out
        assert!(crate::store::MAX_ID.to_be_bytes()[..] < key(0)[..]);
    }

    #[test]
    fn a_commit_adds_to_the_newest_block() {
        let d = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(d.path()).open().unwrap();
        let tree = db.open_tree("journal").unwrap();
        for (k, v) in written(&[(64, b"a"), (65, b"bb")]) {
            tree.insert(k, v).unwrap();
        }
        let mut w = Writer::resume(&tree, 66).unwrap();
        assert_eq!(w.push(66, b"ccc"), None);
        let (k, v) = w.pending().unwrap();
        assert_eq!(k, key(1));
        assert_eq!(split(&k, v).unwrap(), [&b"a"[..], b"bb", b"ccc"]);
        // a commit that starts a block leaves the full one as it was
        let mut w = Writer::resume(&tree, 128).unwrap();
        assert_eq!(w.push(128, b"d"), None);
        assert_eq!(w.pending().unwrap().0, key(2));
    }

    #[test]
    fn a_damaged_block_says_where() {
        let k = key(0);
        let mut v = Vec::new();
        put(&mut v, 3);
        v.extend_from_slice(b"abc");
        put(&mut v, 9);
        v.extend_from_slice(b"de");
        let err = split(&k, &v).unwrap_err();
        assert!(err.contains("runs past the block's end"), "{err}");
        let err = split(&k, &[0x80]).unwrap_err();
        assert!(err.contains("has no length"), "{err}");
        assert!(split(&k, &[]).unwrap().is_empty());
    }
}
