//! The streaming check against hand-made damage; against the check it replaced (kept
//! as `reference`) on randomly damaged workspaces in `agreement`.

use super::reference::reference;
use super::*;
use crate::model::{Consistency, EntityKind, Id, Kind, Status};
use crate::store::{NewEntity, NewLink, NewNote, NewQuestion, OpenOptions, JOURNAL};
use proptest::prelude::*;

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

use crate::store::open_for_test as fresh;

/// A small workspace holding every kind of record with index entries: questions (one a
/// sub-question, one tagged), an entity with an alias, dated notes, a link citing a
/// source, a hypothesis with an assessment and an expectation.
fn workspace(dir: &std::path::Path) -> Store {
    let mut s = fresh(dir);
    let q1 = s
        .add_question(NewQuestion::new("Where is the ship"))
        .unwrap()
        .id;
    let mut sub = NewQuestion::new("Which port");
    sub.parent = Some(q1);
    sub.tags = vec!["port".into()];
    s.add_question(sub).unwrap();
    let mut active = NewQuestion::new("Who owns it");
    active.status = Status::Active;
    s.add_question(active).unwrap();
    let e = s
        .add_entity(NewEntity {
            name: "Kestrel".into(),
            kind: EntityKind::Person,
            aliases: vec!["K".into()],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id;
    let note = |s: &mut Store, text: &str, when: &str| {
        s.add_note(NewNote {
            text: text.into(),
            when: Some(when.parse().unwrap()),
            ..NewNote::default()
        })
        .unwrap()
        .id
    };
    let n1 = note(&mut s, "seen at the quay with [[Kestrel]]", "2024-03-01");
    let n2 = note(&mut s, "harbour log", "2024-03-02");
    s.link(NewLink {
        from: e,
        to: q1,
        label: "concerns".into(),
        confidence: None,
        source: Some(n2),
        when: Some("2024-03-01".parse().unwrap()),
    })
    .unwrap();
    let h = s.add_hypothesis(q1, "it sailed north", None).unwrap().id;
    s.assess(h, n1, Consistency::Consistent).unwrap();
    s.add_expectation(h, "a port call in the north").unwrap();
    s
}

fn lines(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(|p| p.to_string()).collect()
}

/// The check without replaying the journal log: these tests damage the database behind
/// the log's back, which the replay also reports (tested on its own, below).
fn check(s: &Store) -> Vec<String> {
    lines(&s.check_with(&mut |_, _| {}, false).unwrap())
}

#[test]
fn a_record_changed_behind_the_log_s_back_is_found_by_replaying_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    assert!(s.check().unwrap().is_empty());
    let Some(Record::Note(mut n)) = s.get(id("N1")).unwrap() else {
        panic!("N1 is a note")
    };
    // a change that leaves every index as it was: only the log can tell
    n.source = "altered".into();
    s.put_raw_for_test(&Record::Note(n)).unwrap();
    let found = lines(&s.check().unwrap());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("replaying journal log"), "{found:?}");
    assert!(check(&s).is_empty(), "--quick does not replay");
}

fn index_entries(s: &Store) -> Vec<(Vec<u8>, Vec<u8>)> {
    s.index()
        .iter()
        .map(|r| {
            let (k, v) = r.unwrap();
            (k.to_vec(), v.to_vec())
        })
        .collect()
}

fn status_key(q: Id, status: Status) -> Vec<u8> {
    index::key(&[&[index::STATUS, status.index()], &q.to_bytes()])
}

#[test]
fn a_sound_workspace_has_no_problems() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    assert_eq!(check(&s), Vec::<String>::new());
    assert_eq!(lines(&reference(&s).unwrap()), Vec::<String>::new());
}

#[test]
fn a_missing_entry_is_named_with_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    s.corrupt_index_for_test(&status_key(id("Q3"), Status::Active), None)
        .unwrap();
    assert_eq!(
        check(&s),
        vec!["index entry s\\x01Q\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x03 (for Q3) is missing"]
    );
}

#[test]
fn an_extra_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    s.corrupt_index_for_test(&status_key(id("Q77"), Status::Open), Some(b""))
        .unwrap();
    s.corrupt_index_for_test(b"zz", Some(b"1")).unwrap();
    assert_eq!(
        check(&s),
        vec![
            "index entry s\\x00Q\\x00\\x00\\x00\\x00\\x00\\x00\\x00M (for Q77) matches no record",
            "index entry zz matches no record",
        ]
    );
}

#[test]
fn a_wrong_value_is_out_of_date() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    // a link end names the wrong record at the link's other end
    let (k, _) = index_entries(&s)
        .into_iter()
        .find(|(k, _)| k[0] == index::LINK_END)
        .unwrap();
    s.corrupt_index_for_test(&k, Some(&id("Q3").to_bytes()))
        .unwrap();
    let found = check(&s);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("(for L1) is out of date"), "{found:?}");
    // a short search text of schema 3, which no record implies now
    let x = index::key(&[&[index::OLD_SEARCH], &id("E1").to_bytes()]);
    s.corrupt_index_for_test(&x, Some(b"someone else")).unwrap();
    assert_eq!(check(&s).len(), 2);
    // the matrix cell: its value is the assessment
    let a = index::key(&[&[index::ASSESS], &id("H1").to_bytes(), &id("N1").to_bytes()]);
    s.corrupt_index_for_test(&a, Some(&id("A9").to_bytes()))
        .unwrap();
    let found = check(&s);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("index entry aH"), "{found:?}");
    assert!(found[0].ends_with("is out of date"), "{found:?}");
}

#[test]
fn a_wrong_counter_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = workspace(dir.path());
    *s.state.status.get_mut("open").unwrap() += 1;
    assert_eq!(check(&s), vec!["record counters do not match the records"]);
    s.state.status.clear();
    assert_eq!(check(&s), vec!["record counters do not match the records"]);
}

#[test]
fn a_record_changed_behind_the_indexes_back_is_found_three_ways() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    let Some(Record::Question(mut q)) = s.get(id("Q1")).unwrap() else {
        panic!("Q1 is a question")
    };
    q.status = Status::Parked;
    s.put_raw_for_test(&Record::Question(q)).unwrap();
    let found = check(&s);
    // the status index and the status ordering of the question tree: each holds an
    // entry no record implies and lacks the one Q1 now implies; then the counters
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(
        found[..2]
            .iter()
            .all(|f| f.ends_with("(for Q1) matches no record")),
        "{found:?}"
    );
    assert!(
        found[2..4]
            .iter()
            .all(|f| f.ends_with("(for Q1) is missing")),
        "{found:?}"
    );
    assert_eq!(found[4], "record counters do not match the records");
}

#[test]
fn every_record_s_own_rules_and_reference_kinds_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    // damage written past the store: a priority out of range, a hypothesis of an entity
    let edit = |kind: Kind, num: u64, field: &str, value: serde_json::Value| {
        let tree = s.tree(kind);
        let key = num.to_be_bytes();
        let mut v: serde_json::Value =
            serde_json::from_slice(&tree.get(key).unwrap().unwrap()).unwrap();
        v[field] = value;
        tree.insert(key, serde_json::to_vec(&v).unwrap()).unwrap();
    };
    edit(Kind::Question, 3, "priority", 9.into());
    edit(Kind::Hypothesis, 1, "question", "E1".into());
    let found = check(&s);
    assert!(
        found.contains(&"Q3: priority 9 is not 1 (highest) to 4".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"H1: question E1 is not a question".to_string()),
        "{found:?}"
    );
    assert_eq!(found, lines(&reference(&s).unwrap()));
}

#[test]
fn two_cells_on_one_pair_are_found_though_the_index_holds_one() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    // damage: a second assessment of the same hypothesis and note, stored past the store
    let cells = s.tree(Kind::Assessment);
    let mut second: serde_json::Value =
        serde_json::from_slice(&cells.get(1u64.to_be_bytes()).unwrap().unwrap()).unwrap();
    second["id"] = "A2".into();
    cells
        .insert(2u64.to_be_bytes(), serde_json::to_vec(&second).unwrap())
        .unwrap();
    let found = check(&s);
    assert!(
        found
            .iter()
            .any(|p| p.ends_with("is implied by more than one record")),
        "{found:?}"
    );
}

#[test]
fn a_wiped_index_lists_ten_thousand_entries_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(
        dir.path(),
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    s.set_sync(false);
    crate::synth::generate(&mut s, &crate::synth::Spec::sized(3_000), |_| {}).unwrap();
    let entries = s.index().iter().count();
    assert!(entries > entries::NAMED + 100, "{entries}");
    s.index().0.clear().unwrap();
    let found = check(&s);
    let missing = found.iter().filter(|p| p.ends_with("is missing")).count();
    assert_eq!(missing, entries::NAMED);
    let more = entries - entries::NAMED;
    assert!(
        found.contains(&format!(
            "and {more} more index entries differ (the first {} are listed)",
            entries::NAMED
        )),
        "{:?}",
        &found[found.len().saturating_sub(3)..]
    );
}

#[test]
fn a_discontinuous_journal_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    // schema 3's layout, a key per entry
    s.journal_as_schema_three_for_test().unwrap();
    let journal = &s.trees[JOURNAL];
    journal.remove(3u64.to_be_bytes()).unwrap();
    assert_eq!(check(&s), vec!["journal jumps from 2 to 4"]);
    journal
        .insert(3u64.to_be_bytes(), b"{not json".as_slice())
        .unwrap();
    let found = check(&s);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("journal entry 3: damaged record entry in journal: "));
    assert_eq!(found[1], "journal jumps from 2 to 4");
    assert_eq!(found, lines(&reference(&s).unwrap()));
}

/// The journal packed in blocks, as a compaction leaves it, and block 0 rewritten with
/// the entries `keep` allows.
fn rewrite_first_block(s: &Store, keep: impl Fn(usize, &[u8]) -> Option<Vec<u8>>) {
    s.pack_journal_for_test().unwrap();
    let journal = &s.trees[JOURNAL];
    let (k, v) = journal.first().unwrap().unwrap();
    let mut w = crate::store::journal::BlockWriter::default();
    for (i, e) in crate::store::journal::split(&k, &v)
        .unwrap()
        .into_iter()
        .enumerate()
    {
        if let Some(e) = keep(i, e) {
            assert!(w.push(i as u64, &e).is_none());
        }
    }
    journal.insert(k, w.pending().unwrap().1).unwrap();
}

#[test]
fn a_gap_or_a_cut_in_a_block_of_the_journal_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    s.pack_journal_for_test().unwrap();
    assert!(check(&s).is_empty());
    let journal = &s.trees[JOURNAL];
    let (k, whole) = journal.first().unwrap().unwrap();
    assert!(crate::store::journal::split(&k, &whole).unwrap().len() > 4);
    rewrite_first_block(&s, |i, e| (i != 3).then(|| e.to_vec()));
    assert_eq!(check(&s), vec!["journal jumps from 2 to 4"]);
    assert_eq!(check(&s), lines(&reference(&s).unwrap()));
    journal.insert(&k, &whole[..whole.len() - 3]).unwrap();
    let found = check(&s);
    assert!(
        found[0].starts_with("journal block 0 (entries 0 to 63): its entry at byte")
            && found[0].ends_with("runs past the block's end"),
        "{found:?}"
    );
    journal.insert(&k, whole).unwrap();
    assert!(check(&s).is_empty());
}

#[test]
fn a_journal_shorter_than_its_counter_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = workspace(dir.path());
    let seq = s.state.seq;
    s.state.seq += 2;
    assert_eq!(
        check(&s),
        vec![format!(
            "journal ends at {seq} but the counter says {}",
            seq + 2
        )]
    );
}

#[test]
fn a_loop_of_sub_questions_is_named_by_its_first_question() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    let Some(Record::Question(mut q)) = s.get(id("Q1")).unwrap() else {
        panic!("Q1 is a question")
    };
    q.parent = Some(id("Q2"));
    s.put_raw_for_test(&Record::Question(q)).unwrap();
    let found = check(&s);
    assert!(found.contains(&"Q1: its parents make a loop of sub-questions".to_string()));
    assert_eq!(found, lines(&reference(&s).unwrap()));
}

/// Every `(done, total)` a check reports.
fn progress_of(s: &Store, batch: u64) -> (Vec<String>, Vec<(u64, u64)>) {
    let mut seen = Vec::new();
    let found = s
        .check_in_batches(&mut |d, t| seen.push((d, t)), batch, false)
        .unwrap();
    (lines(&found), seen)
}

fn assert_progress_grows_to_its_total(seen: &[(u64, u64)]) {
    assert!(!seen.is_empty());
    for w in seen.windows(2) {
        assert!(w[1].0 >= w[0].0 && w[1].1 >= w[0].1, "{seen:?}");
    }
    assert!(seen.iter().all(|(d, t)| d <= t), "{seen:?}");
    let (d, t) = *seen.last().unwrap();
    assert_eq!(d, t, "{seen:?}");
}

#[test]
fn progress_grows_and_ends_at_its_total() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    let (found, seen) = progress_of(&s, entries::BATCH);
    assert!(found.is_empty());
    assert_progress_grows_to_its_total(&seen);
    assert_eq!(
        seen.last().unwrap().1,
        2 * s.state.total() + s.state.seq,
        "{seen:?}"
    );
    // damage adds the comparison passes to the total, still ending at it
    for (k, _) in index_entries(&s).into_iter().step_by(3) {
        s.corrupt_index_for_test(&k, None).unwrap();
    }
    let (found, seen) = progress_of(&s, 2);
    assert!(found.len() > 3);
    assert_progress_grows_to_its_total(&seen);
    assert!(seen.last().unwrap().1 > 2 * s.state.total() + s.state.seq);
}

#[test]
fn entries_are_compared_in_groups_no_larger_than_the_limit() {
    assert_eq!(
        entries::batches(&[(1, 2), (5, 2), (9, 1), (11, 7), (12, 1)], 4),
        vec![vec![1, 5], vec![9], vec![11], vec![12]]
    );
    assert!(entries::batches(&[], 4).is_empty());
}

#[test]
fn a_journal_entry_pointing_at_the_wrong_place_in_the_log_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    let entry = s.journal_heads().nth(1).unwrap().unwrap();
    let wrong = "journal entry 1: its values are not at byte 0 of the journal log";
    // in a block of compact entries (schema 4)
    rewrite_first_block(&s, |i, e| {
        Some(if i == 1 {
            crate::store::journal::Stored::bytes(&entry, 0)
        } else {
            e.to_vec()
        })
    });
    assert_eq!(check(&s), vec![wrong]);
    // and in the JSON of schema 3, a key per entry
    let dir = tempfile::tempdir().unwrap();
    let s = workspace(dir.path());
    s.journal_as_schema_three_for_test().unwrap();
    assert!(check(&s).is_empty());
    let journal = &s.trees[JOURNAL];
    let v = journal.get(1u64.to_be_bytes()).unwrap().unwrap();
    let mut json = crate::store::journal::Stored::decode(&v).unwrap();
    json.at = Some(0);
    journal
        .insert(1u64.to_be_bytes(), serde_json::to_vec(&json).unwrap())
        .unwrap();
    assert_eq!(check(&s), vec![wrong]);
}

mod agreement;
