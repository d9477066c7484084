//! The finder in a large workspace: keys typed while the worker searches are taken at
//! once, results come in as the worker finds them, a longer query narrows the previous
//! one's matches, and results for an older query never show under a newer one.

mod common;

use common::harness::Harness;
use std::time::Duration;
use weft::app::overlay::Overlay;
use weft::model::{EntityKind, Id};
use weft::store::{NewEntity, NewNote, NewQuestion, Store};

const WAIT: Duration = Duration::from_secs(60);

fn fill(s: &mut Store) {
    for name in ["Kyle Renshaw", "Owen Barlow", "Rena Shaw"] {
        s.add_entity(NewEntity {
            name: name.into(),
            kind: EntityKind::Person,
            aliases: vec![],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap();
    }
    s.add_question(NewQuestion::new("What is Kyle Renshaw's role?"))
        .unwrap();
    for i in 0..300 {
        s.add_note(NewNote {
            text: format!("Report {i} from the harbour\nthe courier met Barlow at dawn"),
            ..Default::default()
        })
        .unwrap();
    }
}

/// A finder whose searches all go to the worker, as in a workspace of 20,000 records.
fn harness() -> Harness {
    let mut h = Harness::new(fill);
    h.app.finder.background_from = 0;
    h
}

fn finder(h: &Harness) -> (String, Vec<Id>, bool) {
    match &h.app.overlay {
        Some(Overlay::Finder {
            input,
            hits,
            searching,
            ..
        }) => (
            input.text().to_string(),
            hits.iter().map(|(id, _)| *id).collect(),
            *searching,
        ),
        other => panic!("no finder: {other:?}"),
    }
}

/// Lets the search file the finder started writing be written and put in place, as the
/// run loop's looks would.
fn file_written(h: &mut Harness) {
    let started = std::time::Instant::now();
    while h.app.finder.file.running() && started.elapsed() < WAIT {
        h.app.poll_background();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!h.app.finder.file.running(), "the search file was written");
}

/// What the database's own search finds for `q`, best first.
fn database_search(h: &Harness, q: &str) -> Vec<Id> {
    let hits = h.app.store.search(q, 200).unwrap();
    hits.into_iter().map(|hit| hit.id).collect()
}

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

#[test]
fn typing_never_waits_for_the_search_and_results_come_in() {
    let mut h = harness();
    h.press_command("finder");
    {
        // the worker is stuck in a read: every key is still taken at once
        let gate = h.app.finder.gate();
        let _slow = gate.lock().unwrap();
        h.typed("renshaw");
        let (text, hits, searching) = finder(&h);
        assert_eq!(text, "renshaw");
        assert!(hits.is_empty() && searching);
        assert!(h.app.background_pending(), "the run loop polls for results");
        let screen = h.screen();
        assert!(screen.contains("Find · searching…"), "{screen}");
        assert!(screen.contains("renshaw"), "{screen}");
        // moving and leaving work too: Esc closes while the search runs
        h.press("down");
        assert_eq!(finder(&h).0, "renshaw");
    }
    assert!(h.app.wait_background(WAIT), "the results came");
    let (_, hits, searching) = finder(&h);
    assert!(!searching && !h.app.finder.running());
    assert_eq!(hits[0], id("E1"), "{hits:?}");
    assert!(hits.contains(&id("Q1")));
    let screen = h.screen();
    assert!(!screen.contains("searching…"), "{screen}");
    assert!(h.line_with("E1").contains("Kyle Renshaw"));
    // one more letter: what matched "renshaw" is not shown under "renshawz" meanwhile
    h.typed("z");
    let (text, hits, searching) = finder(&h);
    assert_eq!(text, "renshawz");
    assert!(hits.is_empty() && searching);
    assert!(h.app.wait_background(WAIT));
    assert!(h.screen().contains("no match"));
    h.press("backspace");
    assert!(h.app.wait_background(WAIT));
    assert_eq!(finder(&h).1[0], id("E1"));
    // Enter takes the first result to its record
    h.press("enter");
    assert!(h.app.overlay.is_none());
}

#[test]
fn a_longer_query_narrows_and_finds_what_a_fresh_search_finds() {
    let mut h = harness();
    h.press_command("finder").typed("co");
    assert!(h.app.wait_background(WAIT));
    // every note's body holds "courier": 300 notes, more than the box shows
    assert_eq!(finder(&h).1.len(), 200);
    h.typed("urier barlow");
    assert!(h.app.wait_background(WAIT));
    let narrowed = finder(&h).1;
    let fresh = database_search(&h, "courier barlow");
    assert_eq!(narrowed, fresh);
    assert_eq!(narrowed.len(), 200);
}

#[test]
fn an_older_querys_results_never_show_under_a_newer_one() {
    let mut h = harness();
    h.press_command("finder");
    {
        let gate = h.app.finder.gate();
        let _slow = gate.lock().unwrap();
        // "harbour" would list notes; it is replaced before the worker answers
        h.typed("harbour");
        for _ in 0.."harbour".len() {
            h.press("backspace");
        }
        h.typed("owen");
    }
    assert!(h.app.wait_background(WAIT));
    let (text, hits, _) = finder(&h);
    assert_eq!(text, "owen");
    assert_eq!(hits, [id("E2")], "only Owen Barlow, no note");
    // clearing the text clears the results and stops waiting
    for _ in 0..4 {
        h.press("backspace");
    }
    let (text, hits, searching) = finder(&h);
    assert!(text.is_empty() && hits.is_empty() && !searching);
    file_written(&mut h);
    assert!(!h.app.background_pending());
    assert!(h.screen().contains("type to search every record"));
}

#[test]
fn closing_the_finder_drops_its_search() {
    let mut h = harness();
    h.press_command("finder");
    {
        let gate = h.app.finder.gate();
        let _slow = gate.lock().unwrap();
        h.typed("harbour");
        h.press("esc");
    }
    assert!(h.app.overlay.is_none());
    // the run loop's next look drops the search whose box is gone
    h.app.poll_background();
    assert!(!h.app.finder.running());
    file_written(&mut h);
    assert!(!h.app.background_pending());
    // a finder opened again starts afresh
    h.press_command("finder").typed("rena");
    assert!(h.app.wait_background(WAIT));
    assert_eq!(finder(&h).1[0], id("E3"));
}

/// The same workspace with a current search file beside it.
fn fill_with_file(s: &mut Store) {
    fill(s);
    s.write_search_file().unwrap();
}

#[test]
fn with_a_current_search_file_the_finder_reads_it_and_sees_later_changes() {
    let mut h = Harness::new(fill_with_file);
    h.app.finder.background_from = 0;
    // a change made after the file was written is appended to it
    let zebra = h
        .app
        .store
        .add_note(NewNote {
            text: "Zebra crossing by the harbour".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    assert!(weft::store::search::file::is_current(h.app.store.path()));
    h.press_command("finder").typed("zebra");
    assert!(h.app.wait_background(WAIT));
    assert_eq!(finder(&h).1, vec![zebra]);
    for _ in 0.."zebra".len() {
        h.press("backspace");
    }
    h.typed("courier barlow");
    assert!(h.app.wait_background(WAIT));
    let fresh = database_search(&h, "courier barlow");
    assert_eq!(finder(&h).1, fresh);
    // what the finder read was the file: with E2 renamed in the database behind the
    // journal's back (the file still counts as current), E2 is still found by the name
    // the file holds
    let mut e2 = h.app.store.get(id("E2")).unwrap().unwrap();
    if let weft::model::Record::Entity(e) = &mut e2 {
        e.name = "Someone Else".into();
        e.aliases.clear();
    }
    h.app.store.put_raw_for_test(&e2).unwrap();
    assert!(!database_search(&h, "owen barlow").contains(&id("E2")));
    h.press("esc").press_command("finder").typed("owen barlow");
    assert!(h.app.wait_background(WAIT));
    assert_eq!(finder(&h).1.first(), Some(&id("E2")));
}

#[test]
fn opening_the_finder_without_a_current_search_file_writes_one_for_it() {
    let mut h = harness();
    let path = h.app.store.path().to_path_buf();
    assert!(!weft::store::search::file::is_current(&path));
    h.press_command("finder").typed("renshaw");
    file_written(&mut h);
    assert!(weft::store::search::file::is_current(&path));
    // kept current by what the interface commits from then on
    h.app
        .store
        .add_note(NewNote {
            text: "Renshaw seen at the yard".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(weft::store::search::file::is_current(&path));
    h.press("esc").press_command("finder").typed("renshaw");
    assert!(h.app.wait_background(WAIT));
    assert_eq!(finder(&h).1, database_search(&h, "renshaw"));
}
