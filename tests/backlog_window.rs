//! The Backlog over a tree far longer than its window, driven by keys against ratatui's
//! TestBackend: every screen must show an unbroken stretch of the whole tree, laid out
//! here independently (children sorted by priority then id, depth first), with the
//! selected question on it.

mod common;
use common::harness::Harness;

use std::collections::HashMap;
use weft::model::{Id, Kind, Record};
use weft::store::Store;
use weft::synth::{generate, Spec};

const QUESTIONS: u64 = 2_500;

fn big(s: &mut Store) {
    let spec = Spec {
        questions: QUESTIONS,
        entities: 0,
        notes: 0,
        links: 0,
        seed: 5,
    };
    generate(s, &spec, |_| {}).unwrap();
}

/// Children of each parent (`None`: the top level), with their sort keys.
type Kids = HashMap<Option<Id>, Vec<((u64, u64), Id)>>;

/// The whole tree in order, `(id, depth)`, by `key` among siblings.
fn whole(store: &Store, key: impl Fn(&weft::model::Question) -> (u64, u64)) -> Vec<(Id, usize)> {
    let mut kids: Kids = HashMap::new();
    for r in store.records(Kind::Question) {
        if let Record::Question(q) = r.unwrap() {
            kids.entry(q.parent).or_default().push((key(&q), q.meta.id));
        }
    }
    for v in kids.values_mut() {
        v.sort();
    }
    let mut out = Vec::new();
    let mut stack: Vec<(Id, usize)> = kids[&None].iter().rev().map(|(_, id)| (*id, 0)).collect();
    while let Some((id, depth)) = stack.pop() {
        out.push((id, depth));
        if let Some(c) = kids.get(&Some(id)) {
            stack.extend(c.iter().rev().map(|(_, k)| (*k, depth + 1)));
        }
    }
    out
}

fn by_priority(store: &Store) -> Vec<(Id, usize)> {
    whole(store, |q| (q.priority as u64, q.meta.id.num))
}

/// The rows on screen: `(id, depth)` read from each list line's indent and id.
fn screen_rows(h: &mut Harness) -> Vec<(Id, usize)> {
    let screen = h.screen();
    let mut out = Vec::new();
    for line in screen.lines().skip(1) {
        let (depth, rest) = match line.find("└ ") {
            Some(i) if line[..i].trim().is_empty() => (i / 2 + 1, &line[i + "└ ".len()..]),
            _ => (0, line),
        };
        let word = rest.split_whitespace().next().unwrap_or("");
        if let (true, Ok(id)) = (word.starts_with('Q'), word.parse::<Id>()) {
            out.push((id, depth));
        }
    }
    out
}

/// The screen is a stretch of `all` holding the selection; returns where it starts.
fn check(h: &mut Harness, all: &[(Id, usize)]) -> usize {
    let rows = screen_rows(h);
    assert!(rows.len() > 10, "a full screen of rows: {rows:?}");
    let at = all
        .iter()
        .position(|r| r.0 == rows[0].0)
        .expect("on screen");
    // deep rows draw at most 9 levels of indent
    let capped: Vec<(Id, usize)> = all[at..at + rows.len()]
        .iter()
        .map(|(id, d)| (*id, (*d).min(9)))
        .collect();
    assert_eq!(rows, capped, "the screen shows the tree in order");
    let sel = h.app.backlog.selected_id().unwrap();
    assert!(rows.iter().any(|r| r.0 == sel), "{sel} is on screen");
    at
}

fn selected_at(h: &Harness, all: &[(Id, usize)]) -> usize {
    let sel = h.app.backlog.selected_id().unwrap();
    all.iter().position(|r| r.0 == sel).unwrap()
}

#[test]
fn the_end_of_a_long_tree_and_every_page_on_the_way_back_match_the_whole_tree() {
    let mut h = Harness::sized(100, 30, big);
    let all = by_priority(&h.app.store);
    assert_eq!(all.len() as u64, QUESTIONS);
    check(&mut h, &all);
    h.press_command("list.last");
    let top = check(&mut h, &all);
    assert_eq!(selected_at(&h, &all), all.len() - 1);
    assert_eq!(
        top + screen_rows(&mut h).len(),
        all.len(),
        "the last row is at the bottom"
    );
    let page = h.app.backlog.cursor.page();
    for n in 1..=40 {
        h.press_command("list.page_up");
        check(&mut h, &all);
        assert_eq!(selected_at(&h, &all), all.len() - 1 - n * page);
    }
    h.press_command("list.first");
    assert_eq!(check(&mut h, &all), 0);
    assert_eq!(selected_at(&h, &all), 0);
    for n in 1..=500 {
        h.press_command("list.down");
        assert_eq!(selected_at(&h, &all), n);
    }
    check(&mut h, &all);
    assert!(!h.screen().contains("showing"), "the whole tree is shown");
}

#[test]
fn priority_changes_and_sorts_keep_the_screen_in_step_with_the_tree() {
    let mut h = Harness::sized(100, 30, big);
    for _ in 0..300 {
        h.press_command("list.down");
    }
    let id = h.app.backlog.selected_id().unwrap();
    let (up, down) = ("backlog.priority_up", "backlog.priority_down");
    for command in [up, up, up, down, down, down, down] {
        h.press_command(command);
        assert_eq!(
            h.app.backlog.selected_id(),
            Some(id),
            "the selection follows {id}"
        );
        let all = by_priority(&h.app.store);
        check(&mut h, &all);
        h.press_commands(&["list.down", "list.down", "list.up"]);
        check(&mut h, &all);
        h.press_command("list.up");
    }
    h.press_command("backlog.sort_id");
    let by_id = whole(&h.app.store, |q| (q.meta.id.num, 0));
    assert_eq!(
        h.app.backlog.selected_id(),
        Some(id),
        "a sort keeps the selection"
    );
    check(&mut h, &by_id);
    h.press_command("list.last");
    check(&mut h, &by_id);
    assert_eq!(selected_at(&h, &by_id), by_id.len() - 1);
    // a filter lays its questions out whole and says how many it shows
    h.press_command("backlog.filter");
    h.typed("p1");
    h.press("enter");
    let shown = h.app.backlog.rows.len();
    assert!(
        h.screen().contains(&format!("showing {shown}")),
        "{}",
        h.screen()
    );
    h.press_command("back");
    h.press_command("list.last");
    check(&mut h, &by_id);
}
