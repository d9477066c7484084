//! Typed work is never lost and a slip is never final, driven by key sequences against
//! ratatui's TestBackend: what Esc keeps of a prompt or the inline editor, offered back
//! when the same box opens again; redo after undo.

mod common;
use common::harness::Harness;

use weft::model::Record;
use weft::store::{NewQuestion, Store};

fn message(h: &Harness) -> String {
    h.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

fn title(h: &Harness, id: &str) -> Option<String> {
    h.app
        .store
        .get(id.parse().unwrap())
        .unwrap()
        .map(|r| r.title())
}

fn one_question(s: &mut Store) {
    s.add_question(NewQuestion::new("Who controls the line?"))
        .unwrap();
}

#[test]
fn redo_takes_back_an_undo_says_what_it_redid_and_ends_at_the_next_change() {
    let mut h = Harness::new(one_question);
    h.press_command("record.edit")
        .press("ctrl-u")
        .typed("Who runs the KING line?")
        .press("enter");
    assert_eq!(title(&h, "Q1").as_deref(), Some("Who runs the KING line?"));
    h.press("u");
    assert_eq!(title(&h, "Q1").as_deref(), Some("Who controls the line?"));
    // U redoes, naming what it redid as undo names what it undid
    h.press("U");
    assert_eq!(title(&h, "Q1").as_deref(), Some("Who runs the KING line?"));
    let said = message(&h);
    assert!(
        said.starts_with("redid set: Q1 title \"Who controls the line?\" → \"Who runs"),
        "{said}"
    );
    assert!(h.screen().contains("Who runs the KING line?"));
    // a later undo undoes it again, and ctrl-r redoes that
    h.press("u");
    assert_eq!(title(&h, "Q1").as_deref(), Some("Who controls the line?"));
    h.press("ctrl-r");
    assert_eq!(title(&h, "Q1").as_deref(), Some("Who runs the KING line?"));
    h.press("U");
    assert!(message(&h).starts_with("nothing to redo"), "{}", message(&h));
    // any new change ends what can be redone
    h.press("u");
    h.press_command("backlog.add")
        .typed("Where is the cash counted?")
        .press("enter");
    h.press("U");
    assert!(message(&h).starts_with("nothing to redo"), "{}", message(&h));
    assert_eq!(title(&h, "Q1").as_deref(), Some("Who controls the line?"));
    assert!(matches!(
        h.app.store.get("Q2".parse().unwrap()).unwrap(),
        Some(Record::Question(_))
    ));
}

#[test]
fn redo_brings_back_a_deleted_record_with_its_links_whole() {
    let mut h = Harness::new(|s| {
        one_question(s);
        s.add_hypothesis("Q1".parse().unwrap(), "Marsh runs it", None)
            .unwrap();
    });
    h.press_command("record.delete").press("y");
    assert_eq!(title(&h, "Q1"), None);
    assert_eq!(title(&h, "H1"), None);
    h.press("u");
    assert!(title(&h, "H1").is_some());
    h.press("U");
    assert!(message(&h).starts_with("redid delete: "), "{}", message(&h));
    assert_eq!(title(&h, "Q1"), None);
    assert_eq!(title(&h, "H1"), None, "the whole delete is redone");
    assert!(!h.screen().contains("Who controls the line?"));
}
