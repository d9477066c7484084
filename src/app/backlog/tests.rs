//! The window against the whole tree: every walk, sort and change must show exactly the
//! rows the whole-tree layout (the filtered path with an empty filter) gives, in order.

use super::filter::Filtered;
use super::*;
use crate::store::{NewQuestion, OpenOptions};
use crate::synth::{generate, Spec};

fn store(questions: u64) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut s = Store::open(&dir.path().join("ws"), &opts).unwrap();
    let spec = Spec {
        questions,
        entities: 0,
        notes: 0,
        links: 0,
        seed: 11,
    };
    generate(&mut s, &spec, |_| {}).unwrap();
    (dir, s)
}

/// Every row of the tree in `by`, laid out whole.
fn whole(store: &Store, by: SortBy) -> Vec<Row> {
    let (shown, mut f) = Filtered::read(store, &QuestionFilter::default()).unwrap();
    f.layout(store, by, &shown).unwrap()
}

/// A Backlog as a screen of `height` rows shows it.
fn pane(store: &Store, height: usize) -> BacklogState {
    let mut b = BacklogState::load(store).unwrap();
    b.keep_in_view(height);
    b
}

/// The rows held are one unbroken stretch of the whole tree, and the selection is in it.
fn assert_window(b: &BacklogState, all: &[Row]) {
    let first = b.rows.first().expect("rows held");
    let at = all
        .iter()
        .position(|r| r == first)
        .expect("first row in the tree");
    assert_eq!(
        b.rows[..],
        all[at..at + b.rows.len()],
        "window is a stretch"
    );
    assert_eq!(b.at_start, at == 0);
    assert_eq!(b.at_end, at + b.rows.len() == all.len());
    assert!(b.cursor.selected < b.rows.len());
    for r in &b.rows {
        assert!(b.questions.contains_key(&r.id), "{} is held", r.id);
    }
}

fn step(b: &mut BacklogState, store: &Store, m: Move, height: usize) {
    b.go(store, m).unwrap();
    b.keep_in_view(height);
    b.on_shown(store, 80).unwrap();
}

#[test]
fn an_empty_workspace_has_no_rows_and_every_move_is_harmless() {
    let (_d, s) = store(0);
    let mut b = pane(&s, 10);
    for m in [
        Move::Down,
        Move::Last,
        Move::PageUp,
        Move::First,
        Move::PageDown,
    ] {
        step(&mut b, &s, m, 10);
    }
    assert!(b.rows.is_empty());
    assert_eq!(b.selected_id(), None);
    assert_eq!(b.shown_count(&s), 0);
    assert!(b.all_shown(&s).unwrap().is_empty());
}

#[test]
fn moving_down_row_by_row_meets_every_row_of_the_tree_in_every_sort() {
    let (_d, s) = store(400);
    for by in [
        SortBy::Priority,
        SortBy::Status,
        SortBy::Kind,
        SortBy::Id,
        SortBy::Updated,
    ] {
        let all = whole(&s, by);
        assert_eq!(all.len(), 400);
        let mut b = pane(&s, 6);
        b.sort = Some(by);
        b.rebuild(&s).unwrap();
        let mut seen = vec![b.rows[b.cursor.selected]];
        for _ in 0..all.len() {
            step(&mut b, &s, Move::Down, 6);
            assert_window(&b, &all);
            assert!(
                b.rows.len() <= 4 * 6 + 4 * MARGIN + 6,
                "the window stays short"
            );
            let r = b.rows[b.cursor.selected];
            if *seen.last().unwrap() != r {
                seen.push(r);
            }
        }
        assert_eq!(seen, all, "{by:?}");
        assert!(b.at_end);
    }
}

#[test]
fn the_last_row_then_pages_up_walk_the_tree_backwards() {
    let (_d, s) = store(300);
    let all = whole(&s, SortBy::Priority);
    let mut b = pane(&s, 8);
    step(&mut b, &s, Move::Last, 8);
    assert_eq!(b.selected_id(), all.last().map(|r| r.id));
    assert_eq!(b.rows.last(), all.last());
    assert_window(&b, &all);
    let mut at = all.len() - 1;
    while at > 0 {
        step(&mut b, &s, Move::PageUp, 8);
        at = at.saturating_sub(8);
        assert_eq!(b.rows[b.cursor.selected], all[at]);
        assert_window(&b, &all);
        let screen = b.cursor.selected - b.cursor.offset;
        assert!(screen < 8, "the selection is on screen");
    }
    step(&mut b, &s, Move::Last, 8);
    step(&mut b, &s, Move::First, 8);
    assert_eq!(b.rows[b.cursor.selected], all[0]);
    assert!(b.at_start);
}

#[test]
fn a_priority_change_moves_the_selected_question_and_the_selection_follows() {
    let (_d, mut s) = store(300);
    let mut b = pane(&s, 10);
    for _ in 0..120 {
        step(&mut b, &s, Move::Down, 10);
    }
    let id = b.selected_id().unwrap();
    let was = b.questions[&id].priority;
    let to = if was == 1 { 4 } else { 1 };
    let done = s
        .set_fields(id, &[("priority".into(), to.to_string())])
        .unwrap();
    b.refresh(&s, &done.ids).unwrap();
    b.keep_in_view(10);
    let all = whole(&s, SortBy::Priority);
    assert_eq!(
        b.selected_id(),
        Some(id),
        "the selection follows its question"
    );
    assert_eq!(b.questions[&id].priority, to);
    assert_window(&b, &all);
    let screen = b.cursor.selected - b.cursor.offset;
    assert!(screen < 10);
    // the window still walks on from its new place
    step(&mut b, &s, Move::PageDown, 10);
    assert_window(&b, &all);
}

#[test]
fn a_change_off_screen_leaves_the_screen_where_it_was() {
    let (_d, mut s) = store(200);
    let mut b = pane(&s, 10);
    for _ in 0..3 {
        step(&mut b, &s, Move::Down, 10);
    }
    let (top, sel) = (b.rows[b.cursor.offset], b.selected_id());
    let far = whole(&s, SortBy::Priority)[150].id;
    let done = s
        .set_fields(far, &[("title".into(), "Renamed?".into())])
        .unwrap();
    b.refresh(&s, &done.ids).unwrap();
    b.keep_in_view(10);
    assert_eq!(b.rows[b.cursor.offset], top);
    assert_eq!(b.selected_id(), sel);
}

#[test]
fn deleting_the_selected_question_selects_the_row_after_it() {
    let (_d, mut s) = store(200);
    let all = whole(&s, SortBy::Priority);
    // a leaf in the middle: the next row in the tree order takes its place
    let at = (60..all.len() - 1)
        .find(|i| all[i + 1].depth <= all[*i].depth)
        .unwrap();
    let mut b = pane(&s, 10);
    for _ in 0..at {
        step(&mut b, &s, Move::Down, 10);
    }
    assert_eq!(b.selected_id(), Some(all[at].id));
    let done = s.delete(all[at].id).unwrap();
    b.refresh(&s, &done.ids).unwrap();
    b.keep_in_view(10);
    assert_eq!(b.selected_id(), Some(all[at + 1].id));
    assert_window(&b, &whole(&s, SortBy::Priority));
}

#[test]
fn a_new_sub_question_is_shown_and_selected_wherever_it_sorts() {
    let (_d, mut s) = store(150);
    let mut b = pane(&s, 5);
    let parent = b.selected_id().unwrap();
    let mut nq = NewQuestion::new("A new one?");
    nq.parent = Some(parent);
    nq.priority = 4;
    let id = s.add_question(nq).unwrap().id;
    b.refresh(&s, &[id]).unwrap();
    assert!(b.show(&s, id).unwrap());
    b.keep_in_view(5);
    assert_eq!(b.selected_id(), Some(id));
    let all = whole(&s, SortBy::Priority);
    assert_window(&b, &all);
    let depth = b.rows[b.cursor.selected].depth;
    assert_eq!(
        depth,
        all.iter().find(|r| r.id == parent).unwrap().depth + 1
    );
}

#[test]
fn a_filter_hides_a_question_and_lifts_its_sub_questions_to_the_nearest_shown_one() {
    let (_d, mut s) = store(0);
    let add = |s: &mut Store, t: &str, p: Option<Id>| {
        let mut nq = NewQuestion::new(t);
        nq.parent = p;
        s.add_question(nq).unwrap().id
    };
    let top = add(&mut s, "Top?", None);
    let mid = add(&mut s, "Mid?", Some(top));
    let low = add(&mut s, "Low?", Some(mid));
    s.set_fields(mid, &[("status".into(), "parked".into())])
        .unwrap();
    let mut b = pane(&s, 10);
    assert_eq!(b.rows.len(), 3);
    b.filter = QuestionFilter::parse("open").unwrap();
    b.rebuild(&s).unwrap();
    assert!(b.is_filtered());
    let rows: Vec<(Id, usize)> = b.rows.iter().map(|r| (r.id, r.depth)).collect();
    assert_eq!(rows, vec![(top, 0), (low, 1)]);
    assert_eq!(b.shown_count(&s), 2);
    // un-parking the middle question brings it back between them
    let done = s
        .set_fields(mid, &[("status".into(), "open".into())])
        .unwrap();
    b.refresh(&s, &done.ids).unwrap();
    let rows: Vec<(Id, usize)> = b.rows.iter().map(|r| (r.id, r.depth)).collect();
    assert_eq!(rows, vec![(top, 0), (mid, 1), (low, 2)]);
    b.filter = QuestionFilter::default();
    b.rebuild(&s).unwrap();
    assert!(!b.is_filtered());
    assert_eq!(b.all_shown(&s).unwrap().len(), 3);
}
