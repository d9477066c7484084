//! The Plan pane (8), driven by key sequences against ratatui's TestBackend at 80x24: the
//! outstanding collection under the question each item serves, by priority; `x` sets
//! what was found for an expectation (in the Hypotheses pane) and the item leaves the
//! plan; a collection question made by collect next joins it.

mod common;
use common::harness::Harness;

use weft::app::Pane;
use weft::model::{ExpectationStatus, Id, Record};

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

fn demo() -> Harness {
    let mut h = Harness::new(|s| {
        weft::demo::load(s, weft::demo::KESTREL).expect("demo case");
    });
    h.press_command("pane.plan");
    h.settle();
    h
}

#[test]
fn the_plan_lists_what_is_outstanding_by_the_priority_of_the_question_served() {
    let mut h = demo();
    assert_eq!(h.app.pane, Pane::Plan);
    let screen = h.screen();
    assert!(
        screen.contains("Outstanding collection: 3 to look for, 0 to answer, for 3 questions"),
        "{screen}"
    );
    let at = |s: &str, needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle} in\n{s}"));
    // P1 questions first, each item under the question it serves
    assert!(at(&screen, "P1 Q1 Who controls") < at(&screen, "X2 look for, if H2"));
    assert!(at(&screen, "X2 look for, if H2") < at(&screen, "P1 Q19"));
    assert!(at(&screen, "P1 Q19") < at(&screen, "P2 Q11"));
    // the selected item in full, with the hypothesis it tests
    assert!(
        screen.contains("X2 · expected if H2 were true · serves Q1 (P1)"),
        "{screen}"
    );
    assert!(
        screen.contains("H2: Kyle Renshaw controls the line"),
        "{screen}"
    );
}

#[test]
fn x_sets_what_was_found_and_the_item_leaves_the_plan() {
    let mut h = demo();
    h.press_command("list.down");
    assert_eq!(h.app.plan.current().map(|p| p.id), Some(id("X7")));
    h.press_command("plan.check");
    // the Hypotheses pane, on Q19's matrix with H27 selected, asks for X7's status
    assert_eq!(h.app.pane, Pane::Hypotheses);
    assert_eq!(h.app.hypotheses.question, Some(id("Q19")));
    assert_eq!(h.app.hypotheses.hypothesis(), Some(id("H27")));
    assert!(h.screen().contains("Status of X7"), "{}", h.screen());
    // absent (choice 2): where, then when (Enter keeps today)
    h.press("2");
    h.typed("ANPR and PNC");
    h.press("enter");
    h.press("enter");
    let Some(Record::Expectation(x)) = h.app.store.get(id("X7")).unwrap() else {
        panic!("X7");
    };
    assert_eq!(x.status, ExpectationStatus::Absent);
    assert_eq!(x.place.as_deref(), Some("ANPR and PNC"));
    h.press_command("pane.plan");
    h.settle();
    let screen = h.screen();
    assert!(!screen.contains("X7"), "{screen}");
    assert!(screen.contains("2 to look for"), "{screen}");
}

#[test]
fn enter_shows_an_expectation_on_its_matrix_and_a_sub_question_joins_the_plan() {
    let mut h = demo();
    h.press("enter");
    assert_eq!(h.app.pane, Pane::Hypotheses);
    assert_eq!(h.app.hypotheses.question, Some(id("Q1")));
    assert_eq!(h.app.hypotheses.hypothesis(), Some(id("H2")));
    // collect next's sub-question is collection: it joins the plan under Q1
    h.press_command("hypotheses.collect");
    let n = h.app.hypotheses.advice.len();
    h.press(&n.to_string());
    h.press("enter");
    h.press_command("pane.plan");
    h.settle();
    let screen = h.screen();
    assert!(screen.contains("1 to answer"), "{screen}");
    assert!(
        screen.contains("answer: What evidence would tell"),
        "{screen}"
    );
}
