use super::*;
use crate::store::{NewEntity, NewNote, NewQuestion, OpenOptions};

fn store(dir: &std::path::Path) -> Store {
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    Store::open(dir, &opts).unwrap()
}

fn note(s: &mut Store, text: &str) -> Id {
    s.add_note(NewNote {
        text: text.into(),
        ..Default::default()
    })
    .unwrap()
    .id
}

fn ids(hits: &[SearchHit]) -> Vec<String> {
    hits.iter().map(|h| h.id.to_string()).collect()
}

#[test]
fn the_records_give_a_short_note_whole_and_a_long_ones_body() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let n = note(
        &mut s,
        "Harbour watch\n\n  the courier left by the north gate  ",
    );
    let long = format!("Harbour log\n{} zebra", "x".repeat(SEARCH_MAX_TEST));
    let m = note(&mut s, &long);
    // no search file: the database's own pass reads the records
    assert!(!s.path().join(file::FILE).exists());
    assert_eq!(
        ids(&s.search("courier north", 10).unwrap()),
        [n.to_string()]
    );
    assert_eq!(ids(&s.search("zebra", 10).unwrap()), [m.to_string()]);
    // what a hit shows is the short text: a short note on one line, a long one's head
    let hits = s.search("harbour", 10).unwrap();
    let text = |id: Id| hits.iter().find(|h| h.id == id).unwrap().text.clone();
    assert_eq!(text(n), "Harbour watch the courier left by the north gate");
    assert_eq!(text(m), "Harbour log");
    // a step's pass keeps the same texts
    let mut pass = SearchPass::new("harbour");
    pass.finish(&s).unwrap();
    let mut got: Vec<_> = pass.hits.iter().map(|h| h.text.clone()).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "Harbour log",
            "Harbour watch the courier left by the north gate"
        ]
    );
}

const SEARCH_MAX_TEST: usize = 250;

#[test]
fn the_two_threaded_search_ranks_as_one_pass_does() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    for i in 0..40 {
        note(
            &mut s,
            &format!("Report {i} cargo\nbody mentions cargo {}", i % 3),
        );
        note(&mut s, &format!("Report {i}\nthe cargo left"));
    }
    s.add_question(NewQuestion::new("Where does the cargo go?"))
        .unwrap();
    let mut one = SearchPass::new("cargo");
    one.finish(&s).unwrap();
    let mut want = one.hits;
    rank(&mut want);
    let got = s.search("cargo", 1000).unwrap();
    assert_eq!(got.len(), 81);
    let pairs = |h: &[SearchHit]| h.iter().map(|h| (h.id, h.score)).collect::<Vec<_>>();
    assert_eq!(pairs(&got), pairs(&want));
    assert_eq!(s.search("cargo", 5).unwrap().len(), 5);
}

#[test]
fn titles_rank_before_note_bodies() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    let n = note(&mut s, "Daily log\nmet the courier at noon");
    let q = s
        .add_question(NewQuestion::new("Who is the courier?"))
        .unwrap()
        .id;
    let e = s
        .add_entity(NewEntity {
            name: "Courier".into(),
            kind: crate::model::EntityKind::Person,
            aliases: vec![],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id;
    let got = ids(&s.search("courier", 10).unwrap());
    assert_eq!(got, [e.to_string(), q.to_string(), n.to_string()]);
}

#[test]
fn a_pass_in_small_steps_finds_what_one_read_finds() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    for i in 0..40 {
        note(
            &mut s,
            &format!("Report {i}\nbody mentions cargo {}", i % 3),
        );
    }
    s.add_question(NewQuestion::new("Where does the cargo go?"))
        .unwrap();
    let mut whole = SearchPass::new("cargo");
    whole.finish(&s).unwrap();
    let mut stepped = SearchPass::new("cargo");
    let mut steps = 0;
    while !stepped.step(&s, 3).unwrap() {
        steps += 1;
    }
    assert!(steps > 10);
    let (mut a, mut b) = (whole.hits, stepped.hits);
    rank(&mut a);
    rank(&mut b);
    assert_eq!(a, b);
    assert_eq!(a.len(), 41);
}

#[test]
fn a_key_that_names_no_record_never_overruns_a_step() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    for i in 0..12 {
        note(&mut s, &format!("Report {i}\nbody mentions cargo"));
    }
    // damage: keys that name no record, among the notes and after them
    for bad in [&[0, 0, 0, 0, 0, 0, 0, 5, 0][..], &b"zz"[..]] {
        s.tree(Kind::Note)
            .insert(bad, &b"{\"text\": \"cargo\"}"[..])
            .unwrap();
    }
    let mut whole = SearchPass::new("cargo");
    whole.finish(&s).unwrap();
    for budget in [1, 2, 3, 4] {
        let mut stepped = SearchPass::new("cargo");
        let mut steps = 0;
        while !stepped.step(&s, budget).unwrap() {
            steps += 1;
            assert!(steps < 1000, "budget {budget}: the pass does not move on");
        }
        let (mut a, mut b) = (whole.hits.clone(), stepped.hits);
        rank(&mut a);
        rank(&mut b);
        assert_eq!(a, b, "budget {budget}");
    }
    assert_eq!(whole.hits.len(), 12);
}

#[test]
fn narrowing_mid_pass_finds_what_a_fresh_pass_finds() {
    let d = tempfile::tempdir().unwrap();
    let mut s = store(d.path());
    for i in 0..30 {
        note(&mut s, &format!("Report {i} renshaw\nseen with barlow {i}"));
        note(&mut s, &format!("Report {i} rena\nquiet"));
        // the short text matches both queries, and so does the body
        note(&mut s, &format!("Ren barlow {i}\nren barlow again"));
    }
    for stop_after in [0, 5, 30, 61, 90, 95, 150, 1000] {
        let mut pass = SearchPass::new("re");
        pass.step(&s, stop_after).unwrap();
        let mut narrowed = pass.narrow("ren barlow");
        // the kept matches are scored in steps too, then reading goes on
        let mut steps = 0;
        while !narrowed.step(&s, 7).unwrap() {
            steps += 1;
        }
        assert!(steps > 0);
        let mut fresh = SearchPass::new("ren barlow");
        fresh.finish(&s).unwrap();
        let (mut a, mut b) = (narrowed.hits, fresh.hits);
        rank(&mut a);
        rank(&mut b);
        assert_eq!(a, b, "narrowed after {stop_after} records");
        assert_eq!(a.len(), 60);
    }
}

#[test]
fn ids_and_texts_refuse_narrowing() {
    let pass = SearchPass::new("N");
    assert!(!pass.narrows_to("N7"), "an id matches without its text");
    assert!(!SearchPass::new("N7").narrows_to("N7 x"));
    assert!(!SearchPass::new("ab").narrows_to("ba"));
    assert!(!SearchPass::new("ab").narrows_to("ab"));
    assert!(SearchPass::new("ab").narrows_to("abc"));
    assert!(!SearchPass::without_texts("ab").narrows_to("abc"));
}
