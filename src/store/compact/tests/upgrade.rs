use super::*;
use crate::store::{SCHEMA_KEY, SCHEMA_VERSION};

#[test]
fn a_schema_four_workspace_that_cannot_be_rewritten_has_its_index_packed_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    std::fs::write(tmp.path().join(".case.compact"), "not weft's").unwrap();
    let mut store = churned(&dir);
    let before = export(&store);
    store.write_search_file().unwrap();
    crate::store::search::file::mark_schema_for_test(&dir, 4).unwrap();
    let search = std::fs::read(dir.join(crate::store::search::file::FILE)).unwrap();
    store.force_schema(4).unwrap();
    let keys_unpacked = store.legacy_index_for_test().unwrap().len();
    drop(store);
    static TOLD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let opts = OpenOptions {
        before_upgrade: Some(|_| {
            TOLD.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }),
        ..OpenOptions::default()
    };
    let store = Store::open(&dir, &opts).unwrap();
    assert_eq!(TOLD.load(std::sync::atomic::Ordering::Relaxed), 1);
    let said = store.notices().join(" | ");
    assert!(
        said.contains(&format!("in place from schema 4 to {SCHEMA_VERSION}")),
        "{said}"
    );
    // the old tree is gone, and the packed one takes a key for up to 64 entries
    assert!(!store.db.tree_names().iter().any(|n| n == b"index"));
    let blocks = store.trees[crate::store::INDEX].len();
    assert!(
        blocks > 0 && blocks * 8 < keys_unpacked,
        "{blocks} for {keys_unpacked}"
    );
    let raw = store.db.get(SCHEMA_KEY).unwrap().unwrap();
    assert_eq!(raw.as_ref(), SCHEMA_VERSION.to_be_bytes());
    assert_eq!(export(&store), before);
    assert!(store.check().unwrap().is_empty());
    // the search file written under schema 4 is still current, as it is
    let found = crate::store::search::file::search(&dir, "KING", 5).unwrap();
    assert!(found.is_some_and(|hits| !hits.is_empty()));
    assert_eq!(
        std::fs::read(dir.join(crate::store::search::file::FILE)).unwrap(),
        search
    );
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
    assert!(crate::store::journal::is_compact(&raw), "{raw:?}");
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
    let legacy = store.legacy_index_for_test().unwrap();
    for prefix in [b"q", b"k"] {
        for k in legacy.scan_prefix(prefix).keys() {
            legacy.remove(k.unwrap()).unwrap();
        }
    }
    drop(legacy);
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
        .unwrap()
        .id;
    // schema 2 held a note's first line alone, unmarked
    let x = crate::store::index::key(&[&[crate::store::index::OLD_SEARCH], &id.to_bytes()]);
    store
        .corrupt_index_for_test(&x, Some(&b"Harbour log"[..]))
        .unwrap();
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
fn a_schema_three_workspace_loses_its_search_texts_in_place_and_keeps_its_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let store = churned(&dir);
    let before = export(&store);
    // where the rewrite cannot be built, the upgrade is done in place
    std::fs::write(tmp.path().join(".case.compact"), "not weft's").unwrap();
    // schema 3 kept every entry's header as JSON, under a key of its own
    store.journal_as_schema_three_for_test().unwrap();
    let journal = &store.trees[crate::store::JOURNAL];
    let keys_before = journal.len();
    assert_eq!(keys_before as u64, store.state().seq);
    // and each searched record's short text in the index
    let searched: Vec<_> = Kind::ALL
        .iter()
        .flat_map(|k| store.records(*k).map(|r| r.unwrap()).collect::<Vec<_>>())
        .filter(|r| crate::store::index::is_searched(r.id().kind))
        .map(|r| {
            let k = &[crate::store::index::OLD_SEARCH][..];
            (
                crate::store::index::key(&[k, &r.id().to_bytes()]),
                r.search_text(),
            )
        })
        .collect();
    assert!(searched.len() > 50);
    for (k, text) in &searched {
        store
            .corrupt_index_for_test(k, Some(text.as_bytes()))
            .unwrap();
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
    assert!(!crate::store::journal::is_compact(
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
    assert!(crate::store::journal::is_compact(
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
    std::fs::remove_file(tmp.path().join(".case.compact")).unwrap();
    let (store, _) = store.compact(&mut |_, _| {}).unwrap();
    let journal = &store.trees[crate::store::JOURNAL];
    for r in journal.iter() {
        let (k, v) = r.unwrap();
        for e in crate::store::journal::split(&k, &v).unwrap() {
            assert!(crate::store::journal::is_compact(e));
        }
    }
    let compact_bytes: usize = journal.iter().map(|r| r.unwrap().1.len()).sum();
    assert!(
        compact_bytes * 2 < json_bytes,
        "{compact_bytes} vs {json_bytes} bytes"
    );
    // a key per block of entries, not per entry
    let blocks = store.state().seq.div_ceil(crate::store::journal::PER_BLOCK) as usize;
    assert_eq!(journal.len(), blocks);
    assert!(blocks * 10 < keys_before, "{blocks} vs {keys_before} keys");
    assert_eq!(export(&store), before);
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn an_older_workspace_whose_log_is_ahead_of_its_database_keeps_every_index_entry_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let store = churned(&a);
    store.force_schema(4).unwrap();
    drop(store);
    // b: the same workspace, its database one acknowledged change behind its log (a
    // crash after the log's append), and nowhere to rewrite it beside itself
    let b = tmp.path().join("b");
    let copied = std::process::Command::new("cp")
        .args(["-a"])
        .arg(&a)
        .arg(&b)
        .status()
        .unwrap();
    assert!(copied.success());
    let mut store = Store::open(&a, &OpenOptions::default()).unwrap();
    let note = store
        .add_note(crate::store::NewNote {
            text: "the courier changed cars at the depot #late".into(),
            tags: vec!["late".into()],
            ..crate::store::NewNote::default()
        })
        .unwrap()
        .id;
    let want = export(&store);
    drop(store);
    let log = crate::store::log::LOG_FILE;
    std::fs::copy(a.join(log), b.join(log)).unwrap();
    std::fs::write(tmp.path().join(".b.compact"), "not weft's").unwrap();
    let store = Store::open(&b, &OpenOptions::default()).unwrap();
    let said = store.notices().join(" | ");
    assert!(said.contains("in place from schema 4"), "{said}");
    assert_eq!(export(&store), want);
    assert_eq!(store.tagged("late").unwrap(), vec![note]);
    assert!(store.check().unwrap().is_empty(), "{:?}", store.check());
}
