//! The Entities pane over far more entities than a screen, driven by keys against
//! ratatui's TestBackend: the list is laid out from index keys and summaries are read only
//! near the screen, so every screen is checked against an independent layout (by kind,
//! then lower-cased name, then id, a heading before each kind).

mod common;
use common::harness::Harness;

use weft::model::{EntityKind, Id, Kind, Record};
use weft::store::Store;
use weft::synth::{generate, Spec};

fn many(s: &mut Store) {
    let spec = Spec {
        questions: 0,
        entities: 900,
        notes: 0,
        links: 0,
        seed: 9,
    };
    generate(s, &spec, |_| {}).unwrap();
}

/// The list as lines: `Err(kind heading)` or `Ok(entity id)`.
fn whole(store: &Store) -> Vec<Result<Id, String>> {
    let mut es: Vec<(EntityKind, String, Id)> = Vec::new();
    for r in store.records(Kind::Entity) {
        if let Record::Entity(e) = r.unwrap() {
            es.push((e.kind, e.name.to_lowercase(), e.meta.id));
        }
    }
    es.sort();
    let mut out = Vec::new();
    for (i, (k, _, id)) in es.iter().enumerate() {
        if i == 0 || es[i - 1].0 != *k {
            let n = es.iter().filter(|e| e.0 == *k).count();
            out.push(Err(format!("{k} ({n})")));
        }
        out.push(Ok(*id));
    }
    out
}

fn screen_lines(h: &mut Harness) -> Vec<Result<Id, String>> {
    let screen = h.screen();
    let mut out = Vec::new();
    for line in screen.lines().skip(1) {
        let word = line.split_whitespace().next().unwrap_or("");
        if word.starts_with('E') {
            if let Ok(id) = word.parse::<Id>() {
                out.push(Ok(id));
                continue;
            }
        }
        let t = line.trim_end();
        if t.ends_with(')') && !t.starts_with(' ') && !t.is_empty() {
            out.push(Err(t.to_string()));
        }
    }
    out
}

fn check(h: &mut Harness) {
    let all = whole(&h.app.store);
    let shown = screen_lines(h);
    assert!(shown.len() > 10, "a screen of rows: {shown:?}");
    let at = all
        .iter()
        .position(|r| *r == shown[0])
        .expect("first line in the list");
    assert_eq!(
        shown,
        all[at..at + shown.len()],
        "the screen is a stretch of the list"
    );
    let sel = h.app.entities.selected_id().expect("selection");
    assert!(shown.contains(&Ok(sel)), "{sel} is on screen");
    // every entity line carries its name, read for the screen
    let screen = h.screen();
    for id in shown.iter().filter_map(|r| r.as_ref().ok()) {
        let name = match h.app.store.get(*id).unwrap() {
            Some(Record::Entity(e)) => e.name,
            other => panic!("{id}: {other:?}"),
        };
        assert!(screen.contains(&name), "{name} on screen");
    }
}

#[test]
fn the_end_of_a_long_list_pages_and_renames_match_the_whole_list() {
    let mut h = Harness::sized(100, 30, many);
    h.press_command("pane.entities");
    check(&mut h);
    assert!(h.screen().contains("900 entities"), "{}", h.screen());
    h.press_command("list.last");
    check(&mut h);
    let all = whole(&h.app.store);
    assert_eq!(
        h.app.entities.selected_id(),
        all.last().unwrap().clone().ok()
    );
    for _ in 0..30 {
        h.press_command("list.page_up");
        check(&mut h);
    }
    for _ in 0..200 {
        h.press_command("list.down");
    }
    check(&mut h);
    // a rename moves the entity to its new place and the selection follows it
    let id = h.app.entities.selected_id().unwrap();
    let done = h
        .app
        .store
        .set_fields(id, &[("name".into(), "aaaa first of all".into())])
        .unwrap();
    h.app.after_change(&done);
    h.press_commands(&["list.down", "list.up"]);
    assert_eq!(
        h.app.entities.selected_id(),
        Some(id),
        "the selection follows"
    );
    check(&mut h);
    let all = whole(&h.app.store);
    let at = all.iter().position(|r| *r == Ok(id)).unwrap();
    assert!(all[at - 1].is_err(), "renamed, it leads its kind");
    assert!(h.screen().contains("aaaa first of all"));
    h.press_command("list.first");
    check(&mut h);
    assert!(
        h.app.entities.entities.len() < 300,
        "summaries are read near the screen, not for every entity"
    );
}

#[test]
fn entities_are_read_when_the_pane_is_first_needed_not_at_open() {
    let mut h = Harness::sized(100, 30, many);
    assert_eq!(h.app.entities.total(), 0, "nothing read at open");
    // shown from elsewhere before the pane was ever on screen: selected, detail open
    let id: Id = "E640".parse().unwrap();
    h.app.show(id);
    assert_eq!(h.app.entities.total(), 900);
    assert_eq!(h.app.entities.selected_id(), Some(id));
    assert!(h.app.entities.detail.is_some());
    h.press_command("back");
    check(&mut h);
    // a change made while the pane was never shown is in the first read
    let mut h = Harness::sized(100, 30, many);
    let done = h
        .app
        .store
        .set_fields(id, &[("name".into(), "aaaa renamed".into())])
        .unwrap();
    h.app.after_change(&done);
    h.press_command("pane.entities");
    check(&mut h);
    assert_eq!(h.app.entities.total(), 900);
}
