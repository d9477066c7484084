//! The index pass cut into key ranges that both of `check`'s threads take from a shared
//! counter, so the thread done first with its own pass helps with the index instead of
//! waiting. Each thread digests the ranges it takes; the digests add up to the digest of
//! the whole index in any order.

use super::digest::{Digest, Keys};
use crate::store::index::packed;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// A half-open key range `[lo, hi)`; no `hi` runs to the end of the tree.
pub(super) type Range = (Vec<u8>, Option<Vec<u8>>);

/// How many ranges each leading byte's keys are cut into: enough that the last range
/// taken is a small share of the pass, so the two threads finish together.
pub(super) const PER_FAMILY: u64 = 64;

/// The first eight bytes of `k` from `at` as a big-endian number, zeros past its end.
fn number_at(k: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    let tail = k.get(at..).unwrap_or(&[]);
    let n = tail.len().min(8);
    b[..n].copy_from_slice(&tail[..n]);
    u64::from_be_bytes(b)
}

/// Keys cutting `[first, last]` into about `pieces` ranges of equal width, read as numbers
/// after the bytes the two share: strictly increasing, each above `first`'s leading byte
/// and sharing it, so the ranges between them cover every key that starts with it.
fn cuts(first: &[u8], last: &[u8], pieces: u64) -> Vec<Vec<u8>> {
    let shared = first.iter().zip(last).take_while(|(a, b)| a == b).count();
    let (a, z) = (number_at(first, shared), number_at(last, shared));
    let width = z.saturating_sub(a);
    let mut out: Vec<Vec<u8>> = Vec::new();
    for i in 1..pieces {
        let at = a + (u128::from(width) * u128::from(i) / u128::from(pieces)) as u64;
        let mut cut = first[..shared].to_vec();
        cut.extend_from_slice(&at.to_be_bytes());
        // equal cuts (a narrow span) would make empty ranges
        if out.last().is_none_or(|prev| *prev < cut) && cut.as_slice() > first {
            out.push(cut);
        }
    }
    out
}

/// The tree's keys as ranges: for each leading byte in use, its span from first to last
/// key cut into [`PER_FAMILY`] pieces. Two lookups per leading byte; no entry is read twice.
pub(super) fn ranges(tree: &sled::Tree) -> sled::Result<Vec<Range>> {
    let mut out = Vec::new();
    let mut from: Vec<u8> = Vec::new();
    loop {
        let Some(first) = tree.range(from.as_slice()..).next() else {
            break;
        };
        let first = first?.0;
        let Some(&lead) = first.first() else {
            // the empty key, alone below every other
            out.push((Vec::new(), Some(vec![0])));
            from = vec![0];
            continue;
        };
        let end = lead.checked_add(1).map(|b| vec![b]);
        let last = match &end {
            Some(e) => tree.range(first.as_ref()..e.as_slice()).next_back(),
            None => tree.range(first.as_ref()..).next_back(),
        };
        let last = match last {
            Some(r) => r?.0,
            None => first.clone(),
        };
        let mut lo = vec![lead];
        for cut in cuts(&first, &last, PER_FAMILY) {
            out.push((std::mem::replace(&mut lo, cut.clone()), Some(cut)));
        }
        out.push((lo, end.clone()));
        match end {
            Some(e) => from = e,
            None => break,
        }
    }
    Ok(out)
}

/// The next range not yet taken (`taken` counts the ranges handed out, over threads),
/// read in key order.
pub(super) fn take_next(
    tree: &sled::Tree,
    ranges: &[Range],
    taken: &AtomicUsize,
) -> Option<sled::Iter> {
    let (lo, hi) = ranges.get(taken.fetch_add(1, Ordering::Relaxed))?;
    let hi = match hi {
        Some(h) => Bound::Excluded(h.as_slice()),
        None => Bound::Unbounded,
    };
    Some(tree.range::<&[u8], _>((Bound::Included(lo.as_slice()), hi)))
}

/// Digests the ranges taken in turn from `next` until none is left, adding the entries
/// read to `scanned` and calling `tick` every 1,024 of them.
pub(super) fn digest_ranges(
    tree: &sled::Tree,
    ranges: &[Range],
    next: &AtomicUsize,
    keys: &Keys,
    scanned: &AtomicU64,
    tick: &mut dyn FnMut(),
) -> sled::Result<Digest> {
    let mut d = Digest::new(keys);
    let mut unreported = 0u64;
    // the packed index's ranges cut its blocks by anchor: each block, and so each
    // entry, falls in exactly one
    while let Some(blocks) = take_next(tree, ranges, next) {
        for r in packed::entries_checked(blocks) {
            let (k, v) = r?;
            d.add(&k, &v);
            unreported += 1;
            if unreported == 1024 {
                scanned.fetch_add(unreported, Ordering::Relaxed);
                unreported = 0;
                tick();
            }
        }
    }
    scanned.fetch_add(unreported, Ordering::Relaxed);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_with(keys: &[Vec<u8>]) -> (tempfile::TempDir, sled::Tree) {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new()
            .path(dir.path())
            .temporary(true)
            .open()
            .unwrap();
        let t = db.open_tree("t").unwrap();
        for k in keys {
            t.insert(k, k.as_slice()).unwrap();
        }
        (dir, t)
    }

    fn in_range(k: &[u8], (lo, hi): &Range) -> bool {
        k >= lo.as_slice() && hi.as_ref().is_none_or(|h| k < h.as_slice())
    }

    #[test]
    fn the_ranges_hold_every_key_exactly_once_and_spread_a_family() {
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for i in 0..5_000u64 {
            let mut k = vec![b'e', b'E'];
            k.extend_from_slice(&(i * 7919 % 100_003).to_be_bytes());
            keys.push(k);
        }
        for i in 0..300u32 {
            keys.push(format!("n{i:05}").into_bytes());
        }
        keys.push(vec![b'q']);
        keys.push(vec![0xff, 0xff, 1]);
        keys.push(vec![0xff]);
        keys.push(vec![]);
        let (_dir, t) = tree_with(&keys);
        let ranges = ranges(&t).unwrap();
        for k in &keys {
            let holding = ranges.iter().filter(|r| in_range(k, r)).count();
            assert_eq!(holding, 1, "{k:?}");
        }
        // the big family is cut into many ranges, none holding most of it
        let e: Vec<usize> = ranges
            .iter()
            .filter(|(lo, _)| lo.first() == Some(&b'e'))
            .map(|r| keys.iter().filter(|k| in_range(k, r)).count())
            .collect();
        assert!(e.len() >= 32, "{}", e.len());
        assert!(e.iter().all(|n| *n < 500), "{e:?}");
    }

    #[test]
    fn two_threads_taking_ranges_digest_what_one_pass_does() {
        let mut keys: Vec<Vec<u8>> = (0..20_000u32)
            .map(|i| {
                format!("{}{:08}", (b'a' + (i % 5) as u8) as char, i * 31 % 9_973).into_bytes()
            })
            .collect();
        keys.sort();
        keys.dedup();
        let entries: Vec<(Vec<u8>, Vec<u8>)> =
            keys.iter().map(|k| (k.clone(), k.clone())).collect();
        let (_dir, t) = tree_with(&[]);
        for (anchor, block) in packed::pack(entries.clone()) {
            t.insert(anchor, block).unwrap();
        }
        assert!(t.len() * 32 < entries.len(), "the entries are packed");
        let hash_keys = Keys::new();
        let mut whole = Digest::new(&hash_keys);
        for (k, v) in &entries {
            whole.add(k, v);
        }
        let ranges = ranges(&t).unwrap();
        let (next, scanned) = (AtomicUsize::new(0), AtomicU64::new(0));
        let (mut a, b) = std::thread::scope(|s| {
            let other = s.spawn(|| {
                digest_ranges(&t, &ranges, &next, &hash_keys, &scanned, &mut || {}).unwrap()
            });
            let a = digest_ranges(&t, &ranges, &next, &hash_keys, &scanned, &mut || {}).unwrap();
            (a, other.join().unwrap())
        });
        a.merge(&b);
        assert_eq!(a.entries, entries.len() as u64);
        assert_eq!(scanned.load(Ordering::Relaxed), entries.len() as u64);
        assert!(a.differing(&whole).is_empty());
    }
}
