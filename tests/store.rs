//! The store through its public API: operations, indexes, mentions, undo, check.

use weft::model::{Consistency, EntityKind, Id, Kind, Record, Status};
use weft::store::{NewEntity, NewLink, NewNote, NewQuestion, OpenOptions, Store, TimeAxis};

fn open(dir: &std::path::Path) -> Store {
    Store::open(
        dir,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .expect("open")
}

fn entity(store: &mut Store, name: &str, aliases: &[&str]) -> Id {
    store
        .add_entity(NewEntity {
            name: name.into(),
            kind: EntityKind::Person,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id
}

fn note(store: &mut Store, text: &str, when: Option<&str>) -> Id {
    store
        .add_note(NewNote {
            text: text.into(),
            when: when.map(|w| w.parse().unwrap()),
            ..NewNote::default()
        })
        .unwrap()
        .id
}

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

#[test]
fn mentions_follow_the_note_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let marsh = entity(&mut s, "Darren Marsh", &["Daz"]);
    let kyle = entity(&mut s, "Kyle Renshaw", &[]);
    let n = note(&mut s, "Seen with [[daz]] and E2", None);
    let targets = |s: &Store| {
        let mut t: Vec<Id> = s
            .neighbours(n)
            .unwrap()
            .into_iter()
            .filter(|x| x.link.label == "mentions")
            .map(|x| x.other)
            .collect();
        t.sort();
        t
    };
    assert_eq!(targets(&s), vec![marsh, kyle]);
    s.set_fields(n, &[("text".into(), "Only [[Kyle Renshaw]] now".into())])
        .unwrap();
    assert_eq!(targets(&s), vec![kyle]);
    assert!(s.check().unwrap().is_empty());
    // undo brings the old mentions back in one step
    s.undo().unwrap().unwrap();
    assert_eq!(targets(&s), vec![marsh, kyle]);
    assert!(s.check().unwrap().is_empty());
}

#[test]
fn ids_are_never_reused_and_delete_cascades() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let q = s.add_question(NewQuestion::new("Who runs it?")).unwrap().id;
    let h = s.add_hypothesis(q, "Marsh", None).unwrap().id;
    let n = note(&mut s, "evidence", None);
    s.assess(h, n, Consistency::Consistent).unwrap();
    let e = entity(&mut s, "Marsh", &[]);
    s.link(NewLink {
        from: q,
        to: e,
        label: "concerns".into(),
        confidence: None,
        source: Some(n),
        when: None,
    })
    .unwrap();
    let done = s.delete(q).unwrap();
    assert_eq!(done.ids.len(), 4, "question, hypothesis, assessment, link");
    assert!(s.get(h).unwrap().is_none());
    let q2 = s.add_question(NewQuestion::new("Next")).unwrap().id;
    assert_eq!(q2, id("Q2"));
    assert!(s.check().unwrap().is_empty());
    s.undo().unwrap();
    s.undo().unwrap();
    assert!(s.get(h).unwrap().is_some(), "delete undone");
    assert!(s.check().unwrap().is_empty());
}

#[test]
fn bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let q = s.add_question(NewQuestion::new("Q")).unwrap().id;
    let before = s.state().clone();
    let cases: Vec<(&str, &str)> = vec![
        ("status", "closed"),
        ("priority", "9"),
        ("parent", "Q99"),
        ("parent", "Q1"),
        ("review_by", "2024-13-01"),
        ("status", "answered"),
        ("colour", "red"),
    ];
    for (f, v) in cases {
        let err = s.set_fields(q, &[(f.into(), v.into())]).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(s.state(), &before);
    let err = s
        .link(NewLink {
            from: q,
            to: id("E5"),
            label: "concerns".into(),
            confidence: None,
            source: None,
            when: None,
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "no record E5");
    assert_eq!(s.state(), &before);
}

#[test]
fn indexes_answer_the_panes_questions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let root = s.add_question(NewQuestion::new("Root")).unwrap().id;
    let child = s
        .add_question(NewQuestion {
            parent: Some(root),
            ..NewQuestion::new("Child")
        })
        .unwrap()
        .id;
    assert_eq!(s.children(Some(root)).unwrap(), vec![child]);
    assert_eq!(s.children(None).unwrap(), vec![root]);
    s.set_fields(child, &[("status".into(), "active".into())])
        .unwrap();
    assert_eq!(
        s.questions_with_status(Status::Active).unwrap(),
        vec![child]
    );
    assert_eq!(s.state().status_count(Status::Open), 1);
    let a = note(&mut s, "march", Some("2024-03"));
    let b = note(&mut s, "early", Some("~2023"));
    let c = note(&mut s, "range", Some("2024-02-20..2024-04-01"));
    let order: Vec<Id> = s
        .timeline(TimeAxis::Occurred, None, None)
        .map(|r| r.unwrap().1)
        .collect();
    assert_eq!(order, vec![b, c, a]);
    let from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0);
    let in_2024: Vec<Id> = s
        .timeline(TimeAxis::Occurred, from, None)
        .map(|r| r.unwrap().1)
        .collect();
    assert_eq!(in_2024, vec![c, a]);
    let hits = s.search("rnge", 5).unwrap();
    assert_eq!(hits[0].id, c);
}

#[test]
fn shortest_path_walks_links_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let a = entity(&mut s, "A", &[]);
    let phone = entity(&mut s, "Phone", &[]);
    let b = entity(&mut s, "B", &[]);
    for from in [a, b] {
        s.link(NewLink {
            from,
            to: phone,
            label: "uses".into(),
            confidence: None,
            source: None,
            when: None,
        })
        .unwrap();
    }
    let path = s.shortest_path(a, b, 6).unwrap().unwrap();
    assert_eq!(path.len(), 2);
    assert_eq!(path[0].to, phone);
    assert_eq!(path[1].to, b);
    assert!(s.shortest_path(a, b, 1).unwrap().is_none());
}

#[test]
fn check_finds_a_corrupted_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let q = s.add_question(NewQuestion::new("Q")).unwrap().id;
    assert!(s.check().unwrap().is_empty());
    // an entry pointing at nothing, and a missing status entry
    let mut ghost = vec![b's', 0];
    ghost.extend_from_slice(&id("Q77").to_bytes());
    s.corrupt_index_for_test(&ghost, Some(b"")).unwrap();
    let mut real = vec![b's', 0];
    real.extend_from_slice(&q.to_bytes());
    s.corrupt_index_for_test(&real, None).unwrap();
    let problems: Vec<String> = s.check().unwrap().iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems
        .iter()
        .any(|p| p.contains("Q77") && p.contains("matches no record")));
    assert!(problems
        .iter()
        .any(|p| p.contains("Q1") && p.contains("missing")));
}

#[test]
fn newer_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = open(dir.path());
        s.force_schema(99).unwrap();
    }
    let err = Store::open(dir.path(), &OpenOptions::default())
        .err()
        .expect("refused");
    let msg = err.to_string();
    assert!(msg.contains("schema version 99"), "{msg}");
}

#[test]
fn records_round_trip_through_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let n = note(&mut s, "text\nbody", Some("~2024-03-04 14:30"));
    let r = s.require(n).unwrap();
    let back = Record::from_json(Kind::Note, r.to_json()).unwrap();
    assert_eq!(back, r);
}

/// Breadth-first distances over an undirected edge list: the reference answer.
fn reference_distance(n: usize, edges: &[(usize, usize)], a: usize, b: usize) -> Option<usize> {
    let mut dist = vec![usize::MAX; n];
    dist[a] = 0;
    let mut queue = std::collections::VecDeque::from([a]);
    while let Some(x) = queue.pop_front() {
        for &(p, q) in edges {
            for (u, v) in [(p, q), (q, p)] {
                if u == x && dist[v] == usize::MAX {
                    dist[v] = dist[x] + 1;
                    queue.push_back(v);
                }
            }
        }
    }
    (dist[b] != usize::MAX).then_some(dist[b])
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn shortest_path_matches_a_plain_breadth_first_search(
        edges in proptest::collection::vec((0usize..12, 0usize..12), 0..30),
        a in 0usize..12,
        b in 0usize..12,
        max in 1usize..6,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        s.set_sync(false);
        let ids: Vec<Id> = (0..12).map(|i| entity(&mut s, &format!("e{i}"), &[])).collect();
        let edges: Vec<(usize, usize)> = edges.into_iter().filter(|(p, q)| p != q).collect();
        for &(p, q) in &edges {
            s.link(NewLink { from: ids[p], to: ids[q], label: "x".into(), confidence: None, source: None, when: None }).unwrap();
        }
        let want = reference_distance(12, &edges, a, b).filter(|d| *d <= max);
        let got = s.shortest_path(ids[a], ids[b], max).unwrap();
        proptest::prop_assert_eq!(got.as_ref().map(|p| p.len()), want);
        if let Some(path) = got {
            // each step leaves where the last one arrived
            let mut at = ids[a];
            for st in &path {
                let l = &st.link;
                let ok = match st.dir {
                    weft::store::Direction::Out => l.from == at && l.to == st.to,
                    weft::store::Direction::In => l.to == at && l.from == st.to,
                };
                proptest::prop_assert!(ok, "step {:?} does not leave {}", st, at);
                at = st.to;
            }
            proptest::prop_assert_eq!(at, ids[b]);
        }
    }
}

#[test]
fn deleting_a_note_removes_the_cells_that_cite_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let q = s.add_question(NewQuestion::new("Who?")).unwrap().id;
    let h = s.add_hypothesis(q, "Marsh", None).unwrap().id;
    let n = note(&mut s, "evidence", None);
    let other = note(&mut s, "other", None);
    let cell = s.assess(h, n, Consistency::Inconsistent).unwrap().id;
    let kept = s.assess(h, other, Consistency::Neutral).unwrap().id;
    assert_eq!(s.assessments_of_note(n).unwrap(), vec![cell]);
    s.delete(n).unwrap();
    assert!(s.get(cell).unwrap().is_none());
    assert_eq!(s.assessments_of_hypothesis(h).unwrap(), vec![kept]);
    assert!(s.check().unwrap().is_empty());
}

/// The finder's and `weft search`'s ranking: a record's own name, alias or title before
/// text that merely mentions it; word starts before looser matches; note bodies last.
#[test]
fn search_ranks_names_and_titles_above_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    for i in 0..40 {
        note(
            &mut s,
            &format!("Sighting {i}: Renshaw seen at the retail park"),
            None,
        );
    }
    let e = entity(&mut s, "Kyle Renshaw", &["Renny"]);
    let q = s
        .add_question(NewQuestion::new("What is Kyle Renshaw's role?"))
        .unwrap()
        .id;
    let h = s
        .add_hypothesis(q, "Kyle Renshaw controls the line", None)
        .unwrap()
        .id;
    // the annexe comes first by id and matches every word: only exactness puts the
    // café itself above it
    entity(&mut s, "ELAN Cafe (Leeds) Annexe", &[]);
    let cafe = entity(&mut s, "ELAN Cafe (Leeds)", &[]);
    note(&mut s, "Met at the elan cafe (leeds) branch", None);
    let ids = |query: &str| -> Vec<Id> {
        s.search(query, 100)
            .unwrap()
            .into_iter()
            .map(|hit| hit.id)
            .collect()
    };
    // the entity first, then the titles that name him, then the notes
    let renshaw = ids("renshaw");
    assert_eq!(renshaw[0], e, "{renshaw:?}");
    assert_eq!(renshaw.len(), 43);
    let first_note = renshaw.iter().position(|i| i.kind == Kind::Note).unwrap();
    assert_eq!(first_note, 3, "{renshaw:?}");
    // the full name: the entity (exact), then the hypothesis and question
    let full = ids("Kyle Renshaw");
    assert_eq!(full[0], e, "{full:?}");
    assert!(
        full[1..3].contains(&h) && full[1..3].contains(&q),
        "{full:?}"
    );
    // an alias finds its entity first; a typed id finds its record first
    assert_eq!(ids("renny")[0], e);
    // a name holding " (" is still matched exactly, whatever the case typed
    assert_eq!(ids("elan cafe (leeds)")[0], cafe);
    assert_eq!(ids("N7")[0], id("N7"));
    // narrowing a pool ranks the same way as a fresh search
    let pool = s.search_all("ren").unwrap();
    let narrowed: Vec<Id> = weft::store::rescore(&pool, "renshaw")
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(narrowed, renshaw);
}

/// Steps of one user action committed with `continuing` are one undo step, survive a
/// reopen as one, and round-trip through a workspace export.
#[test]
fn continuing_steps_are_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    let before = note(&mut s, "Earlier note", None);
    let n = note(&mut s, "Meet at the car wash", None);
    s.continuing(|s| s.set_fields(n, &[("grade".into(), "B2P".into())]))
        .unwrap();
    s.continuing(|s| s.set_fields(n, &[("source".into(), "CHIS 12".into())]))
        .unwrap();
    // a refused step joins nothing and leaves the next write on its own
    assert!(s
        .continuing(|s| s.set_fields(n, &[("grade".into(), "Z9".into())]))
        .is_err());
    let mut bytes = Vec::new();
    weft::export::write_workspace(&s, &mut bytes).unwrap();
    drop(s);
    let mut s = open(dir.path());
    assert_eq!(
        s.undo_preview().unwrap().as_deref(),
        Some("add note: removes N2")
    );
    s.undo().unwrap().unwrap();
    assert!(s.get(n).unwrap().is_none());
    assert!(s.get(before).unwrap().is_some());
    assert!(s.check().unwrap().is_empty());
    // the export carries the joined group and imports cleanly
    let other = tempfile::tempdir().unwrap();
    let mut t = open(other.path());
    let dump = weft::export::parse_workspace(&bytes).unwrap();
    t.import_workspace(&dump).unwrap();
    t.undo().unwrap().unwrap();
    assert!(t.get(n).unwrap().is_none());
    assert!(t.get(before).unwrap().is_some());
}
