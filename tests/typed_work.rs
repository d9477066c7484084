//! Typed work is never lost and a slip is never final, driven by key sequences against
//! ratatui's TestBackend: what Esc keeps of a prompt or the inline editor, offered back
//! when the same box opens again; redo after undo.

mod common;
use common::harness::Harness;

use weft::app::overlay::Overlay;
use weft::model::{EntityKind, Record};
use weft::store::{NewEntity, NewNote, NewQuestion, Store};

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
    assert!(
        message(&h).starts_with("nothing to redo"),
        "{}",
        message(&h)
    );
    // any new change ends what can be redone
    h.press("u");
    h.press_command("backlog.add")
        .typed("Where is the cash counted?")
        .press("enter");
    h.press("U");
    assert!(
        message(&h).starts_with("nothing to redo"),
        "{}",
        message(&h)
    );
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

/// The prompt on screen: its text, and whether it holds a draft offered back.
fn prompt(h: &Harness) -> (String, bool) {
    match &h.app.overlay {
        Some(Overlay::Prompt { input, .. }) => (input.text().to_string(), input.is_draft()),
        other => panic!("a prompt should be open: {other:?}"),
    }
}

#[test]
fn esc_in_a_prompt_keeps_what_was_typed_and_the_same_prompt_offers_it_back() {
    let mut h = Harness::new(one_question);
    h.press_command("backlog.add")
        .typed("Who drives the blue van at night")
        .press("esc");
    assert!(h.app.overlay.is_none());
    assert!(message(&h).contains("kept as a draft"), "{}", message(&h));
    // another box does not offer it
    h.press_command("record.tags");
    assert_eq!(prompt(&h), (String::new(), false));
    h.press("esc");
    h.press_command("backlog.add");
    assert_eq!(
        prompt(&h),
        ("Who drives the blue van at night".to_string(), true)
    );
    let screen = h.screen();
    assert!(
        screen.contains("your draft from before · ctrl-u clears it"),
        "{screen}"
    );
    // typing goes on from it; saved, the draft ends
    h.typed("?").press("enter");
    assert_eq!(
        title(&h, "Q2").as_deref(),
        Some("Who drives the blue van at night?")
    );
    h.press_command("backlog.add");
    assert_eq!(prompt(&h), (String::new(), false));
    assert!(h.screen().contains("Enter saves · Esc cancels"));
}

#[test]
fn a_proposal_left_as_it_was_is_no_draft_and_ctrl_u_clears_one() {
    let mut h = Harness::new(one_question);
    h.press_command("record.edit").press("left esc");
    assert!(!message(&h).contains("draft"), "{}", message(&h));
    h.press_command("record.edit");
    assert_eq!(prompt(&h), ("Who controls the line?".to_string(), false));
    // an edited proposal is typed text
    h.press("end").typed(" now");
    assert!(h.screen().contains("Esc keeps what you typed as a draft"));
    h.press("esc");
    h.press_command("record.edit");
    assert_eq!(prompt(&h), ("Who controls the line? now".to_string(), true));
    // cleared and left: the draft ends, and the value as it stands is proposed again
    h.press("ctrl-u esc");
    h.press_command("record.edit");
    assert_eq!(prompt(&h), ("Who controls the line?".to_string(), false));
    h.press("esc");
    assert!(h.app.drafts.is_empty());
    assert_eq!(title(&h, "Q1").as_deref(), Some("Who controls the line?"));
}

#[test]
fn esc_back_a_step_keeps_that_step_s_text_for_when_the_flow_comes_back_to_it() {
    let mut h = Harness::new(one_question);
    // answered asks for the answer; Esc goes back to the status picker, then out
    h.press_command("backlog.status").press("3");
    h.typed("Marsh runs it from the car wash").press("esc");
    assert!(matches!(h.app.overlay, Some(Overlay::Pick { .. })));
    assert!(message(&h).contains("kept as a draft"), "{}", message(&h));
    h.press("esc");
    assert!(h.app.overlay.is_none());
    h.press_command("backlog.status").press("3");
    assert_eq!(
        prompt(&h),
        ("Marsh runs it from the car wash".to_string(), true)
    );
}

#[test]
fn a_date_typed_while_grading_a_new_note_comes_back_when_its_date_is_set() {
    let mut h = Harness::new(|_| {});
    h.press_command("pane.notes").press_command("notes.add");
    h.typed("Van seen at the yard").press("ctrl-s");
    // grade B2P, then the date: typed, then left
    h.press("2 2 1");
    assert!(h.screen().contains("When did N1 happen?"), "{}", h.screen());
    h.typed("2024-03-0").press("esc");
    assert!(message(&h).contains("kept as a draft"), "{}", message(&h));
    // the same question about the same note, asked with w
    h.press_command("notes.when");
    assert_eq!(prompt(&h), ("2024-03-0".to_string(), true));
    // a refused date comes back as typed, not as the older draft
    h.typed("0").press("enter");
    assert!(message(&h).contains("2024-03-00"), "{}", message(&h));
    assert_eq!(prompt(&h).0, "2024-03-00");
    h.press("backspace").typed("4").press("enter");
    match h.app.store.get("N1".parse().unwrap()).unwrap() {
        Some(Record::Note(n)) => assert_eq!(n.when.unwrap().to_string(), "2024-03-04"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_edited_gap_title_is_kept_when_the_prompt_is_left() {
    let mut h = Harness::new(|s| {
        let owen = s
            .add_entity(NewEntity {
                name: "Owen Barlow".into(),
                kind: EntityKind::Person,
                aliases: vec![],
                attributes: Default::default(),
                tags: vec![],
            })
            .unwrap()
            .id;
        for i in 0..3 {
            s.add_note(NewNote {
                text: format!("[[Owen Barlow]] at the yard, visit {i}"),
                ..NewNote::default()
            })
            .unwrap();
        }
        assert_eq!(owen.to_string(), "E1");
    });
    h.press_command("pane.gaps").settle();
    h.press_command("gaps.accept");
    let (proposed, _) = prompt(&h);
    h.press("end backspace")
        .typed(", and who pays him?")
        .press("esc");
    h.press_command("gaps.accept");
    let (text, draft) = prompt(&h);
    assert!(draft, "the edited title is offered back");
    assert_eq!(
        text,
        format!("{}, and who pays him?", &proposed[..proposed.len() - 1])
    );
}

#[test]
fn the_inline_editor_asks_and_k_keeps_its_text_as_a_draft() {
    let mut h = Harness::new(one_question);
    h.press_command("backlog.detail")
        .typed("Line one")
        .press("enter")
        .typed("Line two")
        .press("esc");
    assert!(
        h.screen().contains("k keeps it as a draft"),
        "{}",
        h.screen()
    );
    h.press("k");
    assert!(h.app.overlay.is_none());
    assert!(message(&h).contains("kept as a draft"), "{}", message(&h));
    // the same editor opens with it, and says so
    h.press_command("backlog.detail");
    let screen = h.screen();
    assert!(screen.contains("Line one"), "{screen}");
    assert!(screen.contains("your draft from before"), "{screen}");
    // y throws it away for good
    h.press("esc y");
    assert!(message(&h).contains("thrown away"), "{}", message(&h));
    h.press_command("backlog.detail");
    assert!(!h.screen().contains("Line one"), "{}", h.screen());
    assert!(h.app.drafts.is_empty());
}

#[test]
fn what_is_being_typed_is_a_draft_to_keep_before_any_esc() {
    let mut h = Harness::new(one_question);
    h.press_command("backlog.add").typed("Who counts the cash");
    let now = h.app.drafts_now();
    let kept: Vec<&str> = now.values().map(|k| k.text.as_str()).collect();
    assert_eq!(kept, vec!["Who counts the cash"]);
    assert!(
        h.app.drafts.is_empty(),
        "nothing kept until the box is left"
    );
    h.press("enter");
    assert!(h.app.drafts_now().is_empty(), "saved: no draft");
}
