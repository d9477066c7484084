use super::*;
use crate::store::{OpenOptions, SCHEMA_KEY, SCHEMA_VERSION};

fn create(dir: &Path) -> Store {
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    Store::open(dir, &opts).unwrap()
}

/// A workspace holding the demo case, then churned: every question's priority changed
/// a few times, so sled holds rewritten pages.
fn churned(dir: &Path) -> Store {
    churned_by(dir, 3)
}

fn churned_by(dir: &Path, rounds: u64) -> Store {
    let mut store = create(dir);
    crate::demo::load(&mut store, crate::demo::KESTREL).unwrap();
    store.set_name("Kestrel").unwrap();
    store.set_sync(false);
    let ids: Vec<_> = store
        .records(Kind::Question)
        .map(|r| r.unwrap().id())
        .collect();
    for round in 0..rounds {
        for id in &ids {
            let p = (1 + (round + id.num) % 3).to_string();
            store.set_fields(*id, &[("priority".into(), p)]).unwrap();
        }
    }
    store.flush().unwrap();
    store.set_sync(true);
    store
}

fn export(store: &Store) -> String {
    let mut out = Vec::new();
    crate::export::workspace::write_workspace(store, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_compacted_workspace_holds_the_same_records_journal_and_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let before = export(&store);
    let state = store.state().clone();
    let mut ticks = Vec::new();
    let (store, done) = store.compact(&mut |d, t| ticks.push((d, t))).unwrap();
    assert_eq!(export(&store), before);
    assert_eq!(store.state(), &state);
    assert_eq!(store.name(), "Kestrel");
    assert!(store.check().unwrap().is_empty());
    assert_eq!(done.records, state.total());
    assert_eq!(done.journal, state.seq);
    assert_eq!(
        ticks.last(),
        Some(&(state.total() + state.seq, state.total() + state.seq))
    );
    // nothing is left beside the workspace, and no marker inside it
    assert!(!staging_path(&dir).unwrap().exists());
    assert!(!dir.join(MARKER).exists());
}

#[test]
fn a_compacted_workspace_keeps_working_and_undoing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let (mut store, _) = store.compact(&mut |_, _| {}).unwrap();
    let q: crate::model::Id = "Q1".parse().unwrap();
    let was = store.get(q).unwrap();
    store
        .set_fields(q, &[("priority".into(), "1".into())])
        .unwrap();
    assert!(store.undo().unwrap().is_some());
    assert_eq!(store.get(q).unwrap(), was);
    drop(store);
    // and it opens again, with nothing to repair
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn the_swapped_in_workspace_is_locked_while_the_store_is_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let (store, _) = store.compact(&mut |_, _| {}).unwrap();
    let second = Store::open(&dir, &OpenOptions::default());
    assert!(matches!(second, Err(StoreError::Locked(_))));
    drop(store);
    assert!(Store::open(&dir, &OpenOptions::default()).is_ok());
}

#[test]
fn an_interrupted_copy_is_removed_at_the_next_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    drop(churned(&dir));
    // killed before the swap: a half-made staging copy with its marker
    let staging = staging_path(&dir).unwrap();
    fs::create_dir(&staging).unwrap();
    fs::write(staging.join(MARKER), b"").unwrap();
    fs::write(staging.join("db"), b"half a database").unwrap();
    // killed after the marker went into the workspace too
    fs::write(dir.join(MARKER), b"").unwrap();
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(!staging.exists());
    assert!(!dir.join(MARKER).exists());
    assert_eq!(store.notices().len(), 1, "{:?}", store.notices());
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn the_old_workspace_left_after_a_swap_is_removed_at_the_next_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let records = store.state().total();
    // killed after the swap, before the old copy was removed: the old workspace (marked)
    // sits at the staging path
    let staging = staging_path(&dir).unwrap();
    drop(store);
    let copy = tmp.path().join("copy");
    fs::create_dir(&copy).unwrap();
    for e in fs::read_dir(&dir).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), copy.join(e.file_name())).unwrap();
        }
    }
    fs::write(copy.join(MARKER), b"").unwrap();
    fs::rename(&copy, &staging).unwrap();
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(!staging.exists());
    assert_eq!(store.state().total(), records);
}

#[test]
fn a_directory_without_the_marker_is_never_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    drop(churned(&dir));
    let staging = staging_path(&dir).unwrap();
    fs::create_dir(&staging).unwrap();
    fs::write(staging.join("mine.txt"), b"the user's").unwrap();
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(staging.join("mine.txt").is_file());
    let Err(err) = store.compact(&mut |_, _| {}) else {
        panic!("compaction went ahead over a directory that is not weft's");
    };
    let err = err.to_string();
    assert!(err.contains("is in the way of compaction"), "{err}");
    assert!(staging.join("mine.txt").is_file());
    // the workspace is untouched and opens
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn the_journal_tree_keeps_where_each_entry_is_in_the_log_not_its_values() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    // a commit writes its entries under keys of their own; a compaction packs them,
    // a key per block
    let seq = store.state().seq;
    assert!(seq > 3 * super::super::journal::PER_BLOCK);
    assert_eq!(store.journal_keys_for_test() as u64, seq);
    let last = store.state().seq - 1;
    let raw = store.raw_journal_for_test(last).unwrap().unwrap();
    assert!(super::super::journal::is_compact(&raw), "{raw:?}");
    let kept = Stored::decode(&raw).unwrap();
    assert!(kept.at.is_some(), "{kept:?}");
    assert!(kept.before.is_none() && kept.after.is_none(), "{kept:?}");
    assert!(raw.len() < 64, "{} bytes", raw.len());
    // the whole entry is read back from the log
    let newest = store.log().next().unwrap().unwrap();
    assert_eq!(newest.seq, last);
    assert!(newest.before.is_some() && newest.after.is_some());
    let (mut store, _) = store.compact(&mut |_, _| {}).unwrap();
    assert_eq!(
        store.journal_keys_for_test() as u64,
        seq.div_ceil(super::super::journal::PER_BLOCK)
    );
    // and commits after it sort after the blocks: undo still finds the newest
    store
        .add_question(crate::store::NewQuestion::new("A later question"))
        .unwrap();
    assert_eq!(store.log().next().unwrap().unwrap().seq, seq);
    assert_eq!(
        store.journal_keys_for_test() as u64,
        seq.div_ceil(super::super::journal::PER_BLOCK) + 1
    );
    assert!(store.check().unwrap().is_empty());
    store.undo().unwrap();
    assert!(store.check().unwrap().is_empty());
    drop(store);
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    let seqs: Vec<u64> = store.log().map(|e| e.unwrap().seq).collect();
    assert_eq!(seqs, (0..seq + 2).rev().collect::<Vec<_>>());
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn a_schema_one_workspace_is_upgraded_once_at_open_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let before = export(&store);
    store.downgrade_journal_for_test().unwrap();
    let raw = String::from_utf8(store.raw_journal_for_test(0).unwrap().unwrap()).unwrap();
    assert!(
        raw.contains("\"after\":"),
        "the old form holds values inline: {raw}"
    );
    // an old entry is still read as it is
    assert_eq!(export(&store), before);
    drop(store);
    let mut store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert_eq!(store.notices().len(), 1, "{:?}", store.notices());
    assert!(
        store.notices()[0].contains(&format!("from schema 1 to {SCHEMA_VERSION}")),
        "{:?}",
        store.notices()
    );
    assert_eq!(export(&store), before);
    assert!(store.check().unwrap().is_empty());
    let raw = store.raw_journal_for_test(0).unwrap().unwrap();
    assert!(super::super::journal::is_compact(&raw), "{raw:?}");
    let kept = Stored::decode(&raw).unwrap();
    assert!(kept.at.is_some() && kept.after.is_none(), "{kept:?}");
    // undo still reads the values it needs
    let newest = store.log().next().unwrap().unwrap();
    let id = newest.id;
    let was = store.get(id).unwrap();
    store
        .set_fields(id, &[("priority".into(), "3".into())])
        .unwrap();
    store.undo().unwrap();
    assert_eq!(store.get(id).unwrap(), was);
    drop(store);
    // once: the next open has nothing to say
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
}

#[test]
fn a_schema_one_workspace_is_upgraded_in_place_where_it_cannot_be_rewritten_beside_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let before = export(&store);
    store.downgrade_journal_for_test().unwrap();
    // a schema-1 index lacks the entries this build added: wipe two kinds of them
    for prefix in [b"q", b"k"] {
        for k in store.index().scan_prefix(prefix).keys() {
            store.index().remove(k.unwrap()).unwrap();
        }
    }
    assert!(!store.check().unwrap().is_empty());
    drop(store);
    // something that is not weft's stands where the rewrite would be built
    let blocker = tmp.path().join(".case.compact");
    std::fs::write(&blocker, "not weft's").unwrap();
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    let said = store.notices().join(" | ");
    assert!(
        said.contains(&format!("in place from schema 1 to {SCHEMA_VERSION}")),
        "{said}"
    );
    assert!(
        said.contains("could not be rewritten beside itself"),
        "{said}"
    );
    assert_eq!(export(&store), before);
    assert!(
        store.check().unwrap().is_empty(),
        "the index is whole again"
    );
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not weft's");
    drop(store);
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(store.notices().is_empty(), "once: {:?}", store.notices());
}

#[test]
fn a_schema_two_workspace_loses_its_short_search_texts_and_is_still_searched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let mut store = create(&dir);
    let id = store
        .add_note(crate::store::NewNote {
            text: "Harbour log\nthe courier left by the north gate".into(),
            ..crate::store::NewNote::default()
        })
        .unwrap();
    // schema 2 held a note's first line alone, unmarked
    let x = super::super::index::key(&[&[super::super::index::OLD_SEARCH], &id.to_bytes()]);
    store.index().insert(&x, &b"Harbour log"[..]).unwrap();
    store.force_schema(2).unwrap();
    drop(store);
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(
        store
            .notices()
            .iter()
            .any(|n| n.contains(&format!("from schema 2 to {SCHEMA_VERSION}"))),
        "{:?}",
        store.notices()
    );
    assert!(store.check().unwrap().is_empty());
    assert!(store.index().get(&x).unwrap().is_none());
    let found: Vec<_> = store
        .search("north gate", 5)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(found, vec![id]);
}

#[test]
fn a_compaction_that_closes_opens_the_new_database_once_after_the_swap() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let before = export(&store);
    let done = store.compact_and_close(&mut |_, _| {}).unwrap();
    // the new database was opened once (sled wrote its snapshot) and then measured
    let snapshots = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("snap."))
        .count();
    assert_eq!(snapshots, 1);
    assert_eq!(done.after, db_bytes(&dir));
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert_eq!(export(&store), before);
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn compaction_is_suggested_once_the_database_has_grown() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    // a small workspace is never worth a word
    assert_eq!(store.compaction_advice(), None);
    let advice = store.compaction_advice_past(0).unwrap();
    assert!(advice.contains("never been compacted"), "{advice}");
    let (store, _) = store.compact(&mut |_, _| {}).unwrap();
    assert_eq!(store.compaction_advice_past(0), None);
    // the database is now more than twice what it was after that compaction
    let quarter = db_bytes(store.path()) / 4;
    store.trees[META]
        .insert(COMPACTED_KEY, &quarter.to_be_bytes())
        .unwrap();
    let advice = store.compaction_advice_past(0).unwrap();
    assert!(advice.contains("has grown from"), "{advice}");
}

#[test]
fn a_schema_three_workspace_loses_its_search_texts_in_place_and_keeps_its_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let before = export(&store);
    // schema 3 kept every entry's header as JSON, under a key of its own
    store.journal_as_schema_three_for_test().unwrap();
    let journal = &store.trees[super::super::JOURNAL];
    let keys_before = journal.len();
    assert_eq!(keys_before as u64, store.state().seq);
    // and each searched record's short text in the index
    let searched: Vec<_> = Kind::ALL
        .iter()
        .flat_map(|k| store.records(*k).map(|r| r.unwrap()).collect::<Vec<_>>())
        .filter(|r| super::super::index::is_searched(r.id().kind))
        .map(|r| {
            let k = &[super::super::index::OLD_SEARCH][..];
            (
                super::super::index::key(&[k, &r.id().to_bytes()]),
                r.search_text(),
            )
        })
        .collect();
    assert!(searched.len() > 50);
    for (k, text) in &searched {
        store.index().insert(k, text.as_bytes()).unwrap();
    }
    assert!(!store.check().unwrap().is_empty());
    store.force_schema(3).unwrap();
    let json_bytes: usize = journal.iter().map(|r| r.unwrap().1.len()).sum();
    drop(store);
    let mut store = Store::open(&dir, &OpenOptions::default()).unwrap();
    // no rewrite: the search texts are removed in place, the journal read as it is
    let said = store.notices().join(" | ");
    assert!(
        said.contains(&format!("in place from schema 3 to {SCHEMA_VERSION}"))
            && said.contains("`weft compact` gives back the space"),
        "{said}"
    );
    assert!(store.index().scan_prefix(b"x").next().is_none());
    assert!(!super::super::journal::is_compact(
        &store.raw_journal_for_test(0).unwrap().unwrap()
    ));
    assert_eq!(export(&store), before);
    assert!(store.check().unwrap().is_empty());
    // undo reads an old entry; what it writes is compact
    let undone = store.log().next().unwrap().unwrap();
    let was = undone.before.clone();
    store.undo().unwrap();
    assert_eq!(
        store.get(undone.id).unwrap().map(|r| r.to_json()),
        was,
        "undo restored the value the old entry held"
    );
    let newest = store.state().seq - 1;
    assert!(super::super::journal::is_compact(
        &store.raw_journal_for_test(newest).unwrap().unwrap()
    ));
    assert!(store.check().unwrap().is_empty());
    drop(store);
    // once; and an older weft now refuses it rather than misreading the compact entries
    let store = Store::open(&dir, &OpenOptions::default()).unwrap();
    assert!(store.notices().is_empty(), "{:?}", store.notices());
    let raw = store.db.get(SCHEMA_KEY).unwrap().unwrap();
    assert_eq!(raw.as_ref(), SCHEMA_VERSION.to_be_bytes());
    let before = export(&store);
    let (store, _) = store.compact(&mut |_, _| {}).unwrap();
    let journal = &store.trees[super::super::JOURNAL];
    for r in journal.iter() {
        let (k, v) = r.unwrap();
        for e in super::super::journal::split(&k, &v).unwrap() {
            assert!(super::super::journal::is_compact(e));
        }
    }
    let compact_bytes: usize = journal.iter().map(|r| r.unwrap().1.len()).sum();
    assert!(
        compact_bytes * 2 < json_bytes,
        "{compact_bytes} vs {json_bytes} bytes"
    );
    // a key per block of entries, not per entry
    let blocks = store.state().seq.div_ceil(super::super::journal::PER_BLOCK) as usize;
    assert_eq!(journal.len(), blocks);
    assert!(blocks * 10 < keys_before, "{blocks} vs {keys_before} keys");
    assert_eq!(export(&store), before);
    assert!(store.check().unwrap().is_empty());
}

/// Every key and value of every tree of the database in `dir`.
fn contents(dir: &Path) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
    let db = sled::Config::new().path(dir).open().unwrap();
    crate::store::TREE_NAMES
        .iter()
        .map(|name| {
            db.open_tree(name)
                .unwrap()
                .iter()
                .map(|kv| {
                    let (k, v) = kv.unwrap();
                    (k.to_vec(), v.to_vec())
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_builder_writes_every_entry_once_the_same_inline_and_on_its_own_thread() {
    const BATCH: usize = 16 << 10;
    let tmp = tempfile::tempdir().unwrap();
    let store = churned(&tmp.path().join("case"));
    let records: Vec<crate::model::Record> = Kind::ALL
        .iter()
        .flat_map(|k| store.records(*k).map(|r| r.unwrap()).collect::<Vec<_>>())
        .collect();
    let entries: Vec<(u64, Vec<u8>)> = store.journal_bytes().map(|e| e.unwrap()).collect();
    let built: Vec<_> = [Apply::Inline, Apply::OnThread]
        .into_iter()
        .map(|apply| {
            let dir = tmp.path().join(format!("{apply:?}"));
            std::fs::create_dir(&dir).unwrap();
            let mut b = Builder::create(&dir, BUILD_CACHE, apply).unwrap();
            b.batch_bytes = BATCH;
            b.index.run_bytes = BATCH;
            for rec in &records {
                b.record(rec).unwrap();
            }
            for (seq, bytes) in &entries {
                b.journal(*seq, bytes).unwrap();
            }
            let state = b.counted.clone();
            drop(b.finish(&state).unwrap());
            let mut trees = contents(&dir);
            // the database's size on disk, which sled's timing may change, aside
            trees[META].retain(|(k, _)| k.as_slice() != COMPACTED_KEY);
            trees
        })
        .collect();
    // several batches' worth, so the thread applies more than the last one
    let bytes: usize = built[0]
        .iter()
        .flatten()
        .map(|(k, v)| k.len() + v.len())
        .sum();
    assert!(bytes > 4 * BATCH, "{bytes}");
    // every record and every index entry it implies, each once, in key order
    let mut want: Vec<Vec<(Vec<u8>, Vec<u8>)>> = vec![Vec::new(); built[0].len()];
    for rec in &records {
        let id = rec.id();
        want[crate::store::kind_slot(id.kind)]
            .push((id.num.to_be_bytes().to_vec(), rec.to_bytes()));
        want[crate::store::INDEX].extend(crate::store::index::entries(rec));
    }
    for (slot, want) in want.iter_mut().enumerate().filter(|(_, w)| !w.is_empty()) {
        want.sort();
        assert!(
            built[0][slot] == *want,
            "tree {}",
            crate::store::TREE_NAMES[slot]
        );
    }
    for (slot, (inline, threaded)) in built[0].iter().zip(&built[1]).enumerate() {
        assert!(
            inline == threaded,
            "tree {} differs",
            crate::store::TREE_NAMES[slot]
        );
    }
}
