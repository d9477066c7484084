use super::*;
use crate::model::Kind;
use crate::store::{NewEntity, NewNote, NewQuestion, OpenOptions};
use proptest::prelude::*;
use read::search_keeping;

fn store(dir: &Path) -> Store {
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    Store::open(dir, &opts).unwrap()
}

/// What the database's own search answers, with the titles the command line prints.
fn from_db(s: &Store, q: &str, limit: usize) -> Vec<TitledHit> {
    s.search(q, limit)
        .unwrap()
        .into_iter()
        .map(|h| TitledHit {
            id: h.id,
            score: h.score,
            title: s.get(h.id).unwrap().unwrap().title(),
            text: h.text,
        })
        .collect()
}

fn from_file(s: &Store, q: &str, limit: usize) -> Option<Vec<TitledHit>> {
    search(s.path(), q, limit).unwrap()
}

fn note(s: &mut Store, text: &str) -> Id {
    s.add_note(NewNote {
        text: text.into(),
        ..Default::default()
    })
    .unwrap()
    .id
}

/// A small case: entities with aliases, questions, short notes of two lines, a long
/// note whose match is deep in its body.
fn case(s: &mut Store) -> Vec<Id> {
    let mut ids = vec![
        s.add_entity(NewEntity {
            name: "Kyle Renshaw".into(),
            kind: "person".parse().unwrap(),
            aliases: vec!["Renny".into()],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id,
        s.add_question(NewQuestion::new("Who pays the courier?"))
            .unwrap()
            .id,
        note(s, "Harbour watch\nthe courier left by the north gate"),
    ];
    let long = format!("Ledger\n{}\nthe courier paid cash", "entry ".repeat(50));
    ids.push(note(s, &long));
    ids
}

#[test]
fn a_written_file_answers_as_the_database_does() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    case(&mut s);
    // nothing written yet: not current
    assert_eq!(from_file(&s, "courier", 20), None);
    s.write_search_file().unwrap();
    for q in [
        "courier",
        "renny",
        "cash",
        "harbour",
        "c",
        "Q1",
        "zzz",
        "kyle renshaw",
    ] {
        assert_eq!(from_file(&s, q, 20), Some(from_db(&s, q, 20)), "{q}");
    }
    // the long note is found by its body and printed by its first line
    let hits = from_file(&s, "paid cash", 20).unwrap();
    assert_eq!(hits[0].title, "Ledger");
}

#[test]
fn commits_keep_the_file_current_and_undo_takes_back_what_they_added() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let ids = case(&mut s);
    s.write_search_file().unwrap();
    let n = note(&mut s, "zebra crossing at dawn");
    s.delete(ids[2]).unwrap();
    s.set_fields(ids[1], &[("title".into(), "Who pays the zebra?".into())])
        .unwrap();
    for q in ["zebra", "courier", "harbour", "who pays"] {
        assert_eq!(from_file(&s, q, 20), Some(from_db(&s, q, 20)), "{q}");
    }
    assert!(from_file(&s, "zebra", 20)
        .unwrap()
        .iter()
        .any(|h| h.id == n));
    assert!(!from_file(&s, "harbour", 20)
        .unwrap()
        .iter()
        .any(|h| h.id == ids[2]));
    while s.undo().unwrap().is_some() {}
    assert_eq!(from_file(&s, "zebra", 20), Some(vec![]));
    assert_eq!(
        from_file(&s, "courier", 20),
        Some(from_db(&s, "courier", 20))
    );
}

#[test]
fn a_file_the_log_has_moved_past_is_not_read_and_is_not_appended_to() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    case(&mut s);
    s.write_search_file().unwrap();
    drop(s);
    // an older weft, which knows no search file, writes a change
    let mut s = store(d.path());
    s.search_file = Tracking::Off;
    note(&mut s, "zebra crossing");
    assert_eq!(from_file(&s, "zebra", 20), None);
    drop(s);
    // the next weft finds the file out of date at its first commit, and removes it
    let mut s = store(d.path());
    note(&mut s, "another zebra");
    assert!(!d.path().join(FILE).exists());
    s.write_search_file().unwrap();
    assert_eq!(from_file(&s, "zebra", 20), Some(from_db(&s, "zebra", 20)));
}

#[test]
fn a_damaged_or_foreign_file_is_never_read() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    case(&mut s);
    s.write_search_file().unwrap();
    let path = d.path().join(FILE);
    let good = fs::read(&path).unwrap();
    let mut damaged = Vec::new();
    // a flipped byte in the texts, in the trailer, a cut tail, another schema
    let mut b = good.clone();
    b[MAGIC.len() + 12] ^= 1;
    damaged.push(b);
    let mut b = good.clone();
    let n = b.len();
    b[n - 20] ^= 1;
    damaged.push(b);
    damaged.push(good[..good.len() - 1].to_vec());
    damaged.push(good[..MAGIC.len() + 3].to_vec());
    for (i, b) in damaged.into_iter().enumerate() {
        fs::write(&path, b).unwrap();
        assert_eq!(from_file(&s, "courier", 20), None, "damage {i}");
    }
    // schema 3 derived other texts; a newer weft's are unknown; schema 5 changed only
    // the journal log, so texts written under 4 are still read
    for (schema, read) in [
        (3, false),
        (crate::store::SCHEMA_VERSION + 1, false),
        (4, true),
    ] {
        fs::write(&path, &good).unwrap();
        super::mark_schema_for_test(d.path(), schema).unwrap();
        assert_eq!(
            from_file(&s, "courier", 20).is_some(),
            read,
            "schema {schema}"
        );
    }
    fs::write(&path, &good).unwrap();
    assert!(from_file(&s, "courier", 20).is_some());
}

#[test]
fn a_note_longer_than_a_chunk_is_read_whole() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    case(&mut s);
    let huge = format!(
        "Transcript\n{} the courier's last words",
        "word ".repeat(CHUNK / 4)
    );
    let n = note(&mut s, &huge);
    s.write_search_file().unwrap();
    let hits = from_file(&s, "last words", 20).expect("the file is read");
    assert_eq!(hits.first().map(|h| h.id), Some(n));
    assert_eq!(Some(hits), Some(from_db(&s, "last words", 20)));
}

#[test]
fn the_file_is_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    case(&mut s);
    s.write_search_file().unwrap();
    let mode = fs::metadata(d.path().join(FILE))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn many_commits_past_the_limit_leave_the_file_to_be_written_afresh() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    s.set_log_sync(false);
    s.set_sync(false);
    case(&mut s);
    s.write_search_file().unwrap();
    let text = "x".repeat(150);
    let base = fs::metadata(d.path().join(FILE)).unwrap().len();
    let mut grown = 0;
    while grown <= base + APPENDED_MAX {
        note(&mut s, &format!("{text} {grown}"));
        grown = fs::metadata(d.path().join(FILE)).unwrap().len();
    }
    assert_eq!(from_file(&s, "courier", 20), None);
    s.write_search_file().unwrap();
    assert_eq!(
        from_file(&s, "courier", 20),
        Some(from_db(&s, "courier", 20))
    );
}

fn kind_of(i: u8) -> Kind {
    [Kind::Note, Kind::Question, Kind::Entity][i as usize % 3]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    /// Whatever was written and changed, the file and the database give the same hits
    /// in the same order.
    #[test]
    fn the_file_and_the_database_agree(
        texts in prop::collection::vec((0u8..3, "[a-e ]{1,12}(\n[a-e ]{1,250})?"), 1..25),
        changes in prop::collection::vec((0usize..25, "[a-e ]{1,30}"), 0..8),
        queries in prop::collection::vec("[a-e]{1,3}( [a-e]{1,2})?", 1..4),
    ) {
        let d = tempfile::tempdir().unwrap();
        let mut s = store(d.path());
        s.set_log_sync(false);
        let mut ids = Vec::new();
        for (i, (k, t)) in texts.iter().enumerate() {
            let id = match kind_of(*k) {
                Kind::Note => s.add_note(NewNote { text: t.clone(), ..Default::default() })
                    .map_or(Id::new(Kind::Note, 0), |a| a.id),
                Kind::Question => s.add_question(NewQuestion::new(t.trim())).map_or(Id::new(Kind::Note, 0), |a| a.id),
                _ => s.add_entity(NewEntity {
                    name: format!("{} {i}", t.lines().next().unwrap_or("e").trim()),
                    kind: "person".parse().unwrap(),
                    aliases: vec![],
                    attributes: Default::default(),
                    tags: vec![],
                }).map_or(Id::new(Kind::Note, 0), |a| a.id),
            };
            if id.num > 0 {
                ids.push(id);
            }
            if i == texts.len() / 2 {
                s.write_search_file().unwrap();
            }
        }
        for (at, text) in changes.iter().filter(|_| !ids.is_empty()) {
            let id = ids[at % ids.len()];
            let field = match id.kind {
                Kind::Note => "text",
                Kind::Question => "title",
                _ => "name",
            };
            let _ = s.set_fields(id, &[(field.into(), text.clone())]);
        }
        for q in &queries {
            prop_assert_eq!(from_file(&s, q, 10), Some(from_db(&s, q, 10)), "{}", q);
        }
    }
}

#[test]
fn check_compares_a_current_file_with_the_records_and_removes_one_that_disagrees() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let ids = case(&mut s);
    s.write_search_file().unwrap();
    note(&mut s, "appended by a commit");
    assert_eq!(s.check().unwrap(), vec![]);
    assert!(d.path().join(FILE).exists());
    // a record changed behind the journal's back: the file still names the log as it
    // is, and no longer holds what the records hold
    let mut rec = s.get(ids[1]).unwrap().unwrap();
    if let crate::model::Record::Question(q) = &mut rec {
        q.title = "Who pays the driver?".into();
    }
    s.put_raw_for_test(&rec).unwrap();
    assert!(is_current(d.path()));
    let problems = s.check().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.0.contains("the search file (search.idx)") && p.0.contains("removed")),
        "{problems:?}"
    );
    assert!(!d.path().join(FILE).exists());
}

/// A pass run to its end, its hits ranked.
fn finished(
    s: &Store,
    mut pass: crate::store::search::SearchPass,
) -> (Vec<crate::store::SearchHit>, bool) {
    while !pass.step(s, 3).unwrap() {}
    let mut hits = pass.hits.clone();
    crate::store::search::rank(&mut hits);
    (hits, pass.from_file)
}

/// The small case and forty notes, more than one step of a pass reads.
fn sightings() -> (tempfile::TempDir, Store) {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    case(&mut s);
    for i in 0..40 {
        note(&mut s, &format!("courier sighting {i}"));
    }
    (d, s)
}

#[test]
fn a_pass_preferring_the_file_reads_it_in_steps_and_finds_what_the_database_gives() {
    use crate::store::search::SearchPass;
    let (_d, mut s) = sightings();
    // no file yet: the database is read
    let (hits, from_file) = finished(&s, SearchPass::preferring_file("courier"));
    assert!(!from_file);
    assert_eq!(hits, finished(&s, SearchPass::new("courier")).0);
    s.write_search_file().unwrap();
    let n = note(&mut s, "a late courier");
    s.delete(Id::new(Kind::Note, 3)).unwrap();
    for q in ["courier", "paid cash", "renny", "c"] {
        let (hits, from_file) = finished(&s, SearchPass::preferring_file(q));
        assert!(from_file, "{q}");
        assert_eq!(hits, finished(&s, SearchPass::new(q)).0, "{q}");
    }
    let (hits, _) = finished(&s, SearchPass::preferring_file("late courier"));
    assert_eq!(hits[0].id, n);
    // a pass that read the file is never narrowed, nor one that has not looked yet
    assert!(!SearchPass::preferring_file("cou").narrows_to("cour"));
    let mut pass = SearchPass::preferring_file("cou");
    pass.step(&s, 1).unwrap();
    assert!(!pass.narrows_to("cour"));
}

#[test]
fn a_pass_that_finds_the_file_damaged_reads_the_database_from_the_start() {
    use crate::store::search::SearchPass;
    let (d, mut s) = sightings();
    s.write_search_file().unwrap();
    // a flipped byte deep in the base: the trailers hold, the checksum does not
    let path = d.path().join(FILE);
    let mut b = fs::read(&path).unwrap();
    let at = b.len() / 2;
    b[at] ^= 0x20;
    fs::write(&path, &b).unwrap();
    let (hits, from_file) = finished(&s, SearchPass::preferring_file("courier"));
    assert!(!from_file);
    assert_eq!(hits, finished(&s, SearchPass::new("courier")).0);
}

#[test]
fn a_file_built_on_another_thread_goes_in_place_only_if_nothing_was_committed_since() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    case(&mut s);
    // built by a read view on another thread; a commit comes before it is put in place
    let view = s.read_view().unwrap();
    let built = std::thread::spawn(move || view.build_search_file().unwrap())
        .join()
        .unwrap();
    note(&mut s, "zebra crossing");
    assert!(!s.install_search_file(built).unwrap());
    assert!(!d.path().join(FILE).exists() && !d.path().join(NEW_FILE).exists());
    // built again with nothing committed meanwhile: put in place, and kept current
    let view = s.read_view().unwrap();
    let built = std::thread::spawn(move || view.build_search_file().unwrap())
        .join()
        .unwrap();
    assert!(s.install_search_file(built).unwrap());
    let n = note(&mut s, "another zebra");
    assert!(is_current(d.path()));
    let hits = from_file(&s, "zebra", 20).unwrap();
    assert_eq!(hits, from_db(&s, "zebra", 20));
    assert!(hits.iter().any(|h| h.id == n));
}

/// Matches cut back to the best while the file is read (here after every appended
/// section, each holding one note) rank exactly as when all are kept to the end.
#[test]
fn cutting_the_matches_back_as_the_file_is_read_keeps_the_same_best() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(dir.path());
    s.set_log_sync(false);
    for i in 0..12 {
        note(&mut s, &format!("courier {i} left early"));
    }
    // every commit after the file is written appends a section to it
    s.write_search_file().unwrap();
    for i in 0..30 {
        let pad = "x".repeat(i % 7);
        note(&mut s, &format!("the {pad} courier {i} came back"));
    }
    for limit in [1, 5, 17] {
        let all = search_keeping(s.path(), "courier", limit, usize::MAX)
            .unwrap()
            .unwrap();
        let cut = search_keeping(s.path(), "courier", limit, 2)
            .unwrap()
            .unwrap();
        assert_eq!(cut, all, "limit {limit}");
        assert_eq!(all.len(), limit);
    }
    assert_eq!(
        from_file(&s, "courier", 17),
        Some(from_db(&s, "courier", 17))
    );
}
