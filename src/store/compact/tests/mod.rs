use super::*;
use crate::store::OpenOptions;

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

mod builder;
mod upgrade;
