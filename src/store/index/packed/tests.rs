use super::*;
use proptest::prelude::*;

fn tree() -> (sled::Db, sled::Tree) {
    let db = sled::Config::new().temporary(true).open().unwrap();
    let t = db.open_tree("ix").unwrap();
    (db, t)
}

fn all(p: Packed) -> Vec<Entry> {
    p.iter().collect::<sled::Result<Vec<_>>>().unwrap()
}

/// Every block of `t`: its anchor no greater than its entries, its entries below the next
/// anchor, within the limits, none empty.
fn assert_well_formed(t: &sled::Tree) {
    let blocks: Vec<(Vec<u8>, Vec<Entry>)> = t
        .iter()
        .map(|r| {
            let (a, b) = r.unwrap();
            (a.to_vec(), decode(&b).expect("a block decodes"))
        })
        .collect();
    for (i, (anchor, entries)) in blocks.iter().enumerate() {
        assert!(!entries.is_empty(), "an empty block is removed");
        assert!(fits(entries), "block {i} is within the limits");
        assert!(
            entries[0].0 >= *anchor,
            "the anchor is no greater than its entries"
        );
        if let Some((next, _)) = blocks.get(i + 1) {
            assert!(
                entries.last().unwrap().0 < *next,
                "entries are below the next anchor"
            );
        }
    }
}

#[test]
fn blocks_round_trip_and_share_prefixes() {
    let entries: Vec<Entry> = (0..40u64)
        .map(|n| {
            (
                [b"sQ".as_slice(), &n.to_be_bytes()].concat(),
                vec![n as u8; (n % 3) as usize],
            )
        })
        .collect();
    let bytes = encode(&entries);
    assert_eq!(decode(&bytes).unwrap(), entries);
    let raw: usize = entries.iter().map(|(k, v)| k.len() + v.len()).sum();
    assert!(bytes.len() < raw, "shared key bytes are stored once");
}

#[test]
fn damaged_blocks_do_not_decode() {
    let entries: Vec<Entry> = vec![(b"a1".to_vec(), vec![]), (b"a2".to_vec(), b"x".to_vec())];
    let bytes = encode(&entries);
    for cut in 0..bytes.len() {
        assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert_eq!(decode(&extra), None);
    // the second key shares more bytes than the first has
    let mut shared = bytes;
    shared[5] = 9;
    assert_eq!(decode(&shared), None);
    // keys out of order
    let out_of_order = encode(&[(b"b".to_vec(), vec![]), (b"a".to_vec(), vec![])]);
    assert_eq!(decode(&out_of_order), None);
    // a count no block of its bytes could hold
    assert_eq!(decode(&[0x7f]), None);
}

#[test]
fn a_damaged_block_reads_as_damage_not_as_missing_entries() {
    let (_db, t) = tree();
    t.insert(b"s", b"\x05garbage".as_slice()).unwrap();
    let p = Packed(&t);
    assert!(matches!(p.get(b"s1"), Err(sled::Error::Corruption { .. })));
    assert!(p.scan_prefix(b"s").any(|r| r.is_err()));
}

#[test]
fn appending_in_order_leaves_full_blocks() {
    let (_db, t) = tree();
    for n in 0..1000u64 {
        let mut e = Edit::new(&t);
        e.insert([b"s".as_slice(), &n.to_be_bytes()].concat(), vec![])
            .unwrap();
        t.apply_batch(e.into_batch()).unwrap();
    }
    assert_well_formed(&t);
    assert_eq!(t.len(), 1000usize.div_ceil(MAX_ENTRIES));
    assert_eq!(all(Packed(&t)).len(), 1000);
}

#[test]
fn packing_sorted_entries_matches_inserting_them() {
    let entries: Vec<Entry> = (0..300u64)
        .map(|n| {
            (
                [b"p".as_slice(), &(n * 7).to_be_bytes()].concat(),
                vec![1; (n % 90) as usize],
            )
        })
        .collect();
    let (_db, t) = tree();
    for (a, b) in pack(entries.clone()) {
        t.insert(a, b).unwrap();
    }
    assert_well_formed(&t);
    assert_eq!(all(Packed(&t)), entries);
}

#[test]
fn a_scan_never_yields_an_entry_twice_or_out_of_order() {
    // what a scan could read while a block splits under it: the moved half again
    let read: Vec<sled::Result<Entry>> = [b"a", b"b", b"c", b"b", b"c", b"d"]
        .iter()
        .map(|k| Ok((k.to_vec(), Vec::new())))
        .collect();
    let keys = |it: &mut dyn Iterator<Item = sled::Result<Entry>>| -> Vec<Vec<u8>> {
        it.map(|r| r.unwrap().0).collect()
    };
    let forward = keys(&mut Ascending::new(read.clone().into_iter()));
    assert_eq!(forward, [b"a", b"b", b"c", b"d"].map(|k| k.to_vec()));
    let backward = keys(&mut Ascending::new(read.clone().into_iter()).rev());
    assert_eq!(backward, [b"d", b"c", b"b", b"a"].map(|k| k.to_vec()));
    // from both ends at once, the two never cross
    let mut both = Ascending::new(read.into_iter());
    let front = both.next().unwrap().unwrap().0;
    let back = both.next_back().unwrap().unwrap().0;
    let middle = keys(&mut both);
    assert_eq!((front, back), (b"a".to_vec(), b"d".to_vec()));
    assert_eq!(middle, [b"b", b"c"].map(|k| k.to_vec()));
}

/// A key from a small alphabet, so that prefixes, neighbours and repeats are common.
fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop::sample::select(vec![b'a', b'b', b'c', 0u8, 0xff]),
        0..5,
    )
}

#[derive(Debug, Clone)]
enum Step {
    Insert(Vec<u8>, Vec<u8>),
    Remove(Vec<u8>),
    /// Writes what the edit so far gathered and starts another.
    Commit,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (key(), prop::collection::vec(any::<u8>(), 0..300)).prop_map(|(k, v)| Step::Insert(k, v)),
        3 => key().prop_map(Step::Remove),
        1 => Just(Step::Commit),
    ]
}

fn bound(b: u8, k: &[u8]) -> Bound<&[u8]> {
    match b % 3 {
        0 => Bound::Included(k),
        1 => Bound::Excluded(k),
        _ => Bound::Unbounded,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any sequence of inserts and removes, committed in any grouping, reads back as the
    /// same changes made to a map: every entry, every lookup, every range either way.
    #[test]
    fn edits_read_back_as_a_map(
        steps in prop::collection::vec(step(), 0..400),
        probes in prop::collection::vec((key(), key(), any::<u8>(), any::<u8>()), 0..20),
    ) {
        let (_db, t) = tree();
        let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut edit = Edit::new(&t);
        for s in steps {
            match s {
                Step::Insert(k, v) => {
                    model.insert(k.clone(), v.clone());
                    edit.insert(k, v).unwrap();
                }
                Step::Remove(k) => {
                    model.remove(&k);
                    edit.remove(&k).unwrap();
                }
                Step::Commit => {
                    let done = std::mem::replace(&mut edit, Edit::new(&t));
                    t.apply_batch(done.into_batch()).unwrap();
                }
            }
        }
        t.apply_batch(edit.into_batch()).unwrap();
        assert_well_formed(&t);
        let p = Packed(&t);
        let want: Vec<Entry> = model.clone().into_iter().collect();
        prop_assert_eq!(all(p), want);
        for (a, b, ba, bb) in probes {
            prop_assert_eq!(p.get(&a).unwrap(), model.get(&a).cloned());
            let (lo, hi) = (bound(ba, &a), bound(bb, &b));
            if let (Bound::Included(l) | Bound::Excluded(l), Bound::Included(h) | Bound::Excluded(h)) = (lo, hi) {
                let both = matches!((lo, hi), (Bound::Included(_), Bound::Included(_)));
                if l > h || (l == h && !both) {
                    continue;
                }
            }
            let want: Vec<Entry> = model
                .range::<[u8], _>((lo, hi))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let got: Vec<Entry> = p.between(lo, hi).collect::<sled::Result<_>>().unwrap();
            prop_assert_eq!(&got, &want);
            let mut back: Vec<Entry> = p.between(lo, hi).rev().collect::<sled::Result<_>>().unwrap();
            back.reverse();
            prop_assert_eq!(&back, &want);
            let prefixed: Vec<Entry> = model
                .iter()
                .filter(|(k, _)| k.starts_with(&a))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let got: Vec<Entry> = p.scan_prefix(&a).collect::<sled::Result<_>>().unwrap();
            prop_assert_eq!(got, prefixed);
        }
    }
}
