//! How the journal tree lays entries out. sled's page table grows with its keys (a leaf
//! splits past 16), and a key per entry made the journal a sixth of them at a million
//! records, although nothing ever looks an entry up by its number: undo and `weft log`
//! walk back from the newest, `check`, exports and compaction walk forward from the
//! oldest. So since schema 4 whoever writes many entries at once (compaction, import,
//! recovery's rewrite) puts [`PER_BLOCK`] consecutive entries under one key, and a
//! commit writes its entries under keys of their own that sort among the blocks:
//!
//! - a block: [`BLOCK`], then the block's number (`seq / PER_BLOCK`), big-endian; its
//!   value is its entries in order, each an unsigned LEB128 length and the entry's bytes
//!   (either form of [`Stored`](super::Stored));
//! - an entry a commit wrote: the key of its block, then its place in the block (one
//!   byte), so it sorts after its block's key and before the next block's; a commit
//!   never rewrites a block (sled would keep every older copy until it cleans), and the
//!   next compaction packs these into blocks;
//! - an entry of schemas up to 3: its sequence number (eight bytes, big-endian, JSON
//!   value). These are shorter and start with a zero byte, so they come before every
//!   block, as the older entries.

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
        (10, Some(&BLOCK)) => {
            let n = u64::from_be_bytes(key[1..9].try_into().unwrap_or_default());
            format!("entry {}", n * PER_BLOCK + u64::from(key[9]))
        }
        _ => format!("key {key:x?}"),
    }
}

/// The key of entry `seq` written on its own (by a commit).
pub(in crate::store) fn entry_key(seq: u64) -> [u8; 10] {
    let mut k = [0u8; 10];
    k[..9].copy_from_slice(&key(seq / PER_BLOCK));
    k[9] = (seq % PER_BLOCK) as u8;
    k
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

/// The blocks that consecutive entries `entries` (number, stored bytes), in order, fill:
/// what a writer of a whole journal at once puts in the tree.
pub(in crate::store) fn pack<B: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (u64, B)>,
) -> Vec<([u8; 9], Vec<u8>)> {
    let mut w = Writer::default();
    let mut out: Vec<_> = entries
        .into_iter()
        .filter_map(|(seq, bytes)| w.push(seq, bytes.as_ref()))
        .collect();
    out.extend(w.pending().map(|(k, v)| (k, v.to_vec())));
    out
}

/// Groups consecutive entries into blocks for a writer: [`Writer::push`] gives back each
/// block as it fills, [`Writer::pending`] the one being filled.
#[derive(Debug, Default)]
pub(in crate::store) struct Writer {
    /// The number of the block being filled; `buf` holds at least one entry when set.
    block: Option<u64>,
    buf: Vec<u8>,
}

impl Writer {
    /// Adds entry `seq`, whose stored form is `bytes`; entries come in order, from the
    /// first of a block or after what this writer was given. Returns the block it closed,
    /// if it starts a new one.
    pub fn push(&mut self, seq: u64, bytes: &[u8]) -> Option<([u8; 9], Vec<u8>)> {
        let block = seq / PER_BLOCK;
        let closed = match self.block {
            Some(b) if b != block => Some((key(b), std::mem::take(&mut self.buf))),
            _ => None,
        };
        self.block = Some(block);
        put(&mut self.buf, bytes.len() as u64);
        self.buf.extend_from_slice(bytes);
        closed
    }

    /// The block being filled, as it is now (none before the first entry).
    pub fn pending(&self) -> Option<([u8; 9], &[u8])> {
        self.block.map(|b| (key(b), self.buf.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_fill_blocks_of_their_numbers_and_read_back_in_order() {
        let bodies: Vec<Vec<u8>> = (0..150u64)
            .map(|i| vec![i as u8; (i % 7) as usize])
            .collect();
        let entries: Vec<(u64, &[u8])> = (0..150u64)
            .map(|i| (i + 10, &bodies[i as usize][..]))
            .collect();
        let blocks = pack(entries);
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
    fn an_entry_on_its_own_sorts_between_its_block_and_the_next() {
        // a compaction packed 0..=69; commits then wrote 70 and 130 on their own
        let mut keys = vec![
            entry_key(130).to_vec(),
            key(1).to_vec(),
            entry_key(70).to_vec(),
            key(0).to_vec(),
            5u64.to_be_bytes().to_vec(),
        ];
        keys.sort();
        assert_eq!(
            keys,
            [
                5u64.to_be_bytes().to_vec(),
                key(0).to_vec(),
                key(1).to_vec(),
                entry_key(70).to_vec(),
                entry_key(130).to_vec()
            ]
        );
        assert!(entry_key(127)[..] < key(2)[..]);
        assert_eq!(split(&entry_key(70), b"e").unwrap(), [b"e"]);
        assert_eq!(describe(&entry_key(130)), "entry 130");
        assert_eq!(describe(&key(1)), "block 1 (entries 64 to 127)");
        assert_eq!(describe(&5u64.to_be_bytes()), "entry 5");
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
