//! The Links pane driven by key sequences against ratatui's TestBackend: starting from a
//! record, walking and walking back, paging, adding, editing and deleting links, and the
//! shortest path.

mod common;
use common::harness::Harness;

use weft::app::Pane;
use weft::model::{EntityKind, Id, Record, Yardstick};
use weft::store::{NewEntity, NewLink, NewNote, NewQuestion, Store};

impl Harness {
    /// Moves the selection down until the selected row's record is `other`.
    fn select(&mut self, other: &str) -> &mut Self {
        let want = id(other);
        self.press_command("list.first");
        for _ in 0..200 {
            if self.app.links.selected_record() == Some(want) {
                return self;
            }
            self.press_command("list.down");
        }
        panic!("{other} is not a row:\n{}", self.screen());
    }
    fn centre(&self) -> Option<Id> {
        self.app.links.centre
    }
    fn message(&self) -> String {
        self.app
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }
    fn link(&self, l: &str) -> Option<weft::model::Link> {
        match self.app.store.get(id(l)).unwrap() {
            Some(Record::Link(l)) => Some(l),
            None => None,
            other => panic!("{l}: {other:?}"),
        }
    }
}

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

fn entity(s: &mut Store, name: &str, kind: EntityKind) -> Id {
    s.add_entity(NewEntity {
        name: name.into(),
        kind,
        aliases: vec![],
        attributes: Default::default(),
        tags: vec![],
    })
    .unwrap()
    .id
}

fn link(s: &mut Store, from: Id, to: Id, label: &str) -> Id {
    s.link(NewLink {
        from,
        to,
        label: label.into(),
        confidence: None,
        source: None,
        when: None,
    })
    .unwrap()
    .id
}

/// E1 Darren Marsh, E2 a phone, E3 Liam Corrigan, E4 a crew, E5 Shane Pidcock, E6 alone;
/// N1 mentions E1 and E3 (L1, L2, kept in step by the store); L3 E1 -uses-> E2 (highly
/// likely, from N1, 2024-01..2025-02); L4 E3 -associate of-> E1; L5 E1 -member of-> E4;
/// L6 E5 -uses-> E2; L7 Q1 -concerns-> E1.
fn kestrel(s: &mut Store) {
    let marsh = entity(s, "Darren Marsh", EntityKind::Person);
    let phone = entity(s, "07700 900123", EntityKind::Phone);
    let corrigan = entity(s, "Liam Corrigan", EntityKind::Person);
    let crew = entity(s, "Brannock Road crew", EntityKind::Group);
    let pidcock = entity(s, "Shane Pidcock", EntityKind::Person);
    entity(s, "Nobody Knows", EntityKind::Person);
    s.add_note(NewNote {
        text: "Marsh met Corrigan at the car wash\nE1 and [[Liam Corrigan]] seen together.".into(),
        source: "CHIS 6218".into(),
        ..NewNote::default()
    })
    .unwrap();
    s.link(NewLink {
        from: marsh,
        to: phone,
        label: "uses".into(),
        confidence: Some(Yardstick::HighlyLikely),
        source: Some(id("N1")),
        when: Some("2024-01..2025-02".parse().unwrap()),
    })
    .unwrap();
    link(s, corrigan, marsh, "associate of");
    link(s, marsh, crew, "member of");
    link(s, pidcock, phone, "uses");
    let q = s
        .add_question(NewQuestion::new("Who controls the KING line?"))
        .unwrap()
        .id;
    link(s, q, marsh, "concerns");
}

#[test]
fn empty_pane_says_how_to_start() {
    let mut h = Harness::new(kestrel);
    h.press_command("pane.links");
    let s = h.screen();
    assert!(s.contains("Nothing at the centre yet"), "{s}");
    h.press_command("links.path");
    assert!(h.message().contains("press L"), "{}", h.message());
}

#[test]
fn l_from_the_backlog_centres_the_record_with_grouped_neighbours() {
    let mut h = Harness::new(kestrel);
    // the Backlog selects Q1: L shows it in the Links pane
    h.press_command("record.links");
    assert_eq!(h.app.pane, Pane::Links);
    assert_eq!(h.centre(), Some(id("Q1")));
    let s = h.screen();
    assert!(s.contains("Q1  Who controls the KING line?"), "{s}");
    assert!(s.contains("concerns → (1)"), "{s}");
    assert!(h.line_with("E1  Darren Marsh").contains("-concerns->"));
    assert!(s.contains("Darren Marsh (person)"), "{s}");
    // walk to E1: every group, by direction, with counts
    h.press_command("list.open");
    assert_eq!(h.centre(), Some(id("E1")));
    let s = h.screen();
    for g in [
        "member of → (1)",
        "uses → (1)",
        "← associate of (1)",
        "← concerns (1)",
        "← mentions (1)",
    ] {
        assert!(s.contains(g), "{g}:\n{s}");
    }
    assert!(s.contains("5 links in 5 groups"), "{s}");
    assert!(s.contains("trail  Q1 › E1"), "{s}");
    // a row: arrow and label, other id, title, confidence and when
    let row = h.line_with("E2  07700 900123");
    assert!(row.contains("-uses->"), "{row}");
    assert!(row.contains("(phone)"), "{row}");
    assert!(row.contains("highly likely"), "{row}");
    assert!(row.contains("Jan 2024..Feb 2025"), "{row}");
    // the selected link's source shows under the list
    h.select("E2");
    assert!(
        h.screen()
            .contains("L3 · highly likely (80-90%) · source N1"),
        "{}",
        h.screen()
    );
}

#[test]
fn l_from_the_entities_and_notes_panes_and_links_found_with_the_finder() {
    let mut h = Harness::new(kestrel);
    h.app.show(id("E3"));
    assert_eq!(h.app.pane, Pane::Entities);
    h.press_command("record.links");
    assert_eq!(h.app.pane, Pane::Links);
    assert_eq!(h.centre(), Some(id("E3")));
    assert!(
        h.screen().contains("E3  Liam Corrigan (person)"),
        "{}",
        h.screen()
    );
    h.app.show(id("N1"));
    h.press_command("record.links");
    assert_eq!(h.centre(), Some(id("N1")));
    assert_eq!(h.app.links.trail_ids(), vec![id("N1")], "a fresh start");
    // the finder opens a link in the Links pane, from its `from` end
    h.press_commands(&["pane.backlog", "finder"])
        .typed("L5")
        .press("enter");
    assert_eq!(h.app.pane, Pane::Links);
    assert_eq!(h.centre(), Some(id("E1")));
    assert_eq!(h.app.links.selected_edge().map(|e| e.link), Some(id("L5")));
}

#[test]
fn walk_from_an_entity_to_a_note_to_another_entity_and_back() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.select("N1").press_command("list.open");
    assert_eq!(h.centre(), Some(id("N1")));
    let s = h.screen();
    assert!(s.contains("mentions → (2)"), "{s}");
    assert!(s.contains("N1  Marsh met Corrigan at the car wash"), "{s}");
    h.select("E3").press_command("list.open");
    assert_eq!(h.centre(), Some(id("E3")));
    assert!(h.screen().contains("trail  E1 › N1 › E3"), "{}", h.screen());
    // Backspace walks back, landing on the row walked along
    h.press_command("links.back");
    assert_eq!(h.centre(), Some(id("N1")));
    assert_eq!(h.app.links.selected_record(), Some(id("E3")));
    assert!(h.screen().contains("trail  E1 › N1"), "{}", h.screen());
    h.press_command("links.back");
    assert_eq!(h.centre(), Some(id("E1")));
    assert_eq!(h.app.links.selected_record(), Some(id("N1")));
    h.press_command("links.back");
    assert_eq!(h.centre(), Some(id("E1")));
    assert!(
        h.message().contains("start of the trail"),
        "{}",
        h.message()
    );
    // L on a neighbour walks there too, keeping the trail
    h.select("E4").press_command("record.links");
    assert_eq!(h.centre(), Some(id("E4")));
    assert_eq!(h.app.links.trail_ids(), vec![id("E1"), id("E4")]);
}

#[test]
fn a_link_id_centres_on_its_from_end_with_the_link_selected() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("L6"));
    assert_eq!(h.centre(), Some(id("E5")));
    assert_eq!(h.app.links.selected_edge().map(|e| e.link), Some(id("L6")));
    h.app.show_in_links(id("E99"));
    assert!(
        h.message().contains("E99 does not exist"),
        "{}",
        h.message()
    );
    assert_eq!(h.centre(), Some(id("E5")));
}

fn hub(s: &mut Store) {
    let hub = entity(s, "07700 900733", EntityKind::Phone);
    for i in 0..143 {
        let p = entity(s, &format!("Runner {i:03}"), EntityKind::Person);
        link(s, p, hub, "uses");
    }
}

#[test]
fn a_neighbourhood_larger_than_the_screen_is_paged_with_its_total() {
    let mut h = Harness::new(hub);
    h.app.show_in_links(id("E1"));
    let s = h.screen();
    assert!(s.contains("143 links"), "{s}");
    assert!(s.contains("← uses (143)"), "{s}");
    // 24 lines: tabs, trail, centre, 18 rows, paging line, status
    assert!(s.contains("rows 1-18 of 143 · PageDown for more"), "{s}");
    assert!(s.contains("Runner 017"), "{s}");
    assert!(!s.contains("Runner 018"), "{s}");
    h.press_command("list.page_down");
    let s = h.screen();
    assert!(s.contains("Runner 018"), "{s}");
    assert!(s.contains("of 143 · PageDown for more"), "{s}");
    h.press_command("list.last");
    let s = h.screen();
    assert!(s.contains("rows 125-143 of 143"), "{s}");
    assert!(s.contains("Runner 142"), "{s}");
    h.press_commands(&["list.page_up", "list.first"]);
    let s = h.screen();
    assert!(
        s.contains("← uses (143)"),
        "the header comes back into view:\n{s}"
    );
    assert!(s.contains("rows 1-18 of 143"), "{s}");
    // a smaller terminal pages with fewer rows, still saying how many
    h.app.resize(80, 14);
    let mut small = Harness::sized(80, 14, hub);
    small.app.show_in_links(id("E1"));
    assert!(
        small.screen().contains("rows 1-8 of 143"),
        "{}",
        small.screen()
    );
}

#[test]
fn add_a_typed_link_with_confidence_source_and_when() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    // l opens the finder; the chosen record is the other end
    h.press_command("record.link")
        .typed("Pidcock")
        .press("enter");
    assert!(
        h.screen()
            .contains("Link E1 Darren Marsh → E5 Shane Pidcock"),
        "{}",
        h.screen()
    );
    // Enter alone takes the suggested label for two people
    assert!(h.screen().contains("\"associate of\""), "{}", h.screen());
    h.press("enter");
    assert!(
        h.screen().contains("Confidence: E1 -associate of-> E5"),
        "{}",
        h.screen()
    );
    h.press("4"); // realistic possibility
                  // the source must be an existing note
    h.typed("E2").press("enter");
    assert!(h.message().contains("E2 is not a note"), "{}", h.message());
    h.press("ctrl-u").typed("N9").press("enter");
    assert!(h.message().contains("N9 does not exist"), "{}", h.message());
    h.press("ctrl-u").typed("n1").press("enter");
    // when: a bad time is refused with the formats, then a month
    h.typed("2024-13").press("enter");
    assert!(h.message().contains("time"), "{}", h.message());
    h.press("ctrl-u").typed("~2024-03").press("enter");
    assert!(
        h.message().contains("linked L8: E1 -associate of-> E5"),
        "{}",
        h.message()
    );
    let l = h.link("L8").expect("L8 made");
    assert_eq!((l.from, l.to), (id("E1"), id("E5")));
    assert_eq!(l.label, "associate of");
    assert_eq!(l.confidence, Some(Yardstick::RealisticPossibility));
    assert_eq!(l.source, Some(id("N1")));
    assert_eq!(l.when.unwrap().to_string(), "~2024-03");
    // the pane shows it at once, selected
    assert_eq!(h.app.links.selected_edge().map(|e| e.link), Some(id("L8")));
    let row = h.line_with("E5  Shane Pidcock");
    assert!(row.contains("-associate of->"), "{row}");
    // words in the list, never the input codes (`rp`)
    assert!(
        row.contains("realistic") && row.contains("~Mar 2024"),
        "{row}"
    );
    assert!(!row.contains(" rp "), "{row}");
    // the selected link's confidence in words, with its range
    assert!(
        h.screen()
            .contains("L8 · realistic possibility (40-50%) · source N1"),
        "{}",
        h.screen()
    );
    // u undoes it and the pane follows
    h.press_command("undo");
    assert!(h.link("L8").is_none());
    assert!(!h.screen().contains("-associate of->"), "{}", h.screen());
}

#[test]
fn a_typed_label_no_confidence_and_empty_optionals_from_the_backlog_finder() {
    let mut h = Harness::new(kestrel);
    // record scope l in the Backlog: the finder picks the other end
    h.press_command("record.link").typed("E6").press("enter");
    h.typed("watches").press("enter");
    h.press("8"); // unassessed
    h.press("enter enter");
    assert!(
        h.message().contains("linked L8: Q1 -watches-> E6"),
        "{}",
        h.message()
    );
    let l = h.link("L8").unwrap();
    assert_eq!((l.confidence, l.source, l.when), (None, None, None));
    assert_eq!(h.app.pane, Pane::Backlog);
    // linking a record to itself is refused before any prompt
    h.press_command("record.link").typed("Q1").press("enter");
    assert!(
        h.message().contains("cannot join Q1 to itself"),
        "{}",
        h.message()
    );
    assert!(h.app.overlay.is_none());
}

#[test]
fn esc_steps_back_through_the_link_flow_keeping_each_choice_and_makes_no_link() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.press_command("record.link").typed("E6").press("enter");
    h.typed("watches").press("enter 2");
    // Esc in the step after the confidence picker goes back to it
    h.press("esc");
    assert!(
        matches!(
            &h.app.overlay,
            Some(weft::app::overlay::Overlay::Pick { selected: 1, .. })
        ),
        "{:?}",
        h.app.overlay
    );
    // and again to the label, as typed
    h.press("esc");
    assert!(
        matches!(&h.app.overlay, Some(weft::app::overlay::Overlay::Prompt { input, .. }) if input.text() == "watches"),
        "{:?}",
        h.app.overlay
    );
    // going forward again keeps the label
    h.press("enter");
    assert!(matches!(
        &h.app.overlay,
        Some(weft::app::overlay::Overlay::Pick { .. })
    ));
    let mut presses = 0;
    while h.app.overlay.is_some() && presses < 10 {
        h.press("esc");
        presses += 1;
    }
    assert!(h.app.overlay.is_none() && presses >= 3, "{presses}");
    assert!(h.link("L8").is_none());
}

#[test]
fn delete_a_link_after_confirmation_and_refuse_a_mention() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.select("E4").press_command("record.delete");
    let s = h.screen();
    assert!(
        s.contains("Delete L5: E1 Darren Marsh -member of-> E4 Brannock Road"),
        "{s}"
    );
    assert!(s.contains("records stay; u undoes it"), "{s}");
    h.press("n");
    assert!(h.link("L5").is_some(), "n keeps it");
    h.press_command("record.delete").press("y");
    assert!(h.link("L5").is_none());
    let s = h.screen();
    assert!(!s.contains("member of"), "{s}");
    assert!(s.contains("4 links in 4 groups"), "{s}");
    assert_eq!(h.centre(), Some(id("E1")));
    // a mention follows the note's text: deleting it here is refused, with the way
    h.select("N1").press_command("record.delete");
    assert!(h.app.overlay.is_none());
    assert!(h.message().contains("edit the note"), "{}", h.message());
    assert!(h.link("L1").is_some());
    // undo brings the deleted link back
    h.press_command("undo");
    assert!(h.link("L5").is_some());
    assert!(h.screen().contains("member of → (1)"), "{}", h.screen());
}

#[test]
fn edit_and_tag_a_link() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.select("E4").press_command("record.edit");
    assert!(
        h.screen()
            .contains("Link L5 E1 Darren Marsh → E4 Brannock Road"),
        "{}",
        h.screen()
    );
    h.press("ctrl-u").typed("led by").press("enter");
    h.press("6 enter"); // highly likely, no source
    h.typed("2024").press("enter");
    let l = h.link("L5").unwrap();
    assert_eq!(l.label, "led by");
    assert_eq!(l.confidence, Some(Yardstick::HighlyLikely));
    assert_eq!(l.when.unwrap().to_string(), "2024");
    assert!(h.screen().contains("led by → (1)"), "{}", h.screen());
    // a mention's label follows its note: editing starts at the confidence
    h.select("N1").press_command("record.edit");
    assert!(
        h.screen().contains("Confidence: N1 -mentions-> E1"),
        "{}",
        h.screen()
    );
    h.press("esc");
    h.select("E2")
        .press_command("record.tags")
        .typed("phones")
        .press("enter");
    assert_eq!(h.link("L3").unwrap().meta.tags, vec!["phones".to_string()]);
}

#[test]
fn p_finds_the_shortest_path_and_shows_it_as_a_chain() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.press_command("links.path");
    assert!(
        h.screen().contains("Shortest path from E1 to"),
        "{}",
        h.screen()
    );
    // the finder: an entity's name works as well as an id
    h.typed("Shane Pidcock").press("enter");
    let s = h.screen();
    assert!(
        s.contains("path E1 person -uses-> E2 phone <-uses- E5 person"),
        "{s}"
    );
    assert!(
        h.message().contains("path E1 → E5: 2 links"),
        "{}",
        h.message()
    );
    // the path as rows: each record, and each link as walked
    assert!(s.contains("E2  07700 900123 (phone)"), "{s}");
    assert!(s.contains("<-uses-  L6"), "{s}");
    assert!(
        s.contains("-uses->  L3 · highly likely · Jan 2024..Feb 2025"),
        "{s}"
    );
    // how strong it is: no stronger than its weakest rated link, and how many have none
    let strength = h.app.links.path.as_ref().unwrap().strength();
    assert!(s.contains(&strength[..40.min(strength.len())]), "{s}");
    assert!(strength.starts_with("2 links, "), "{strength}");
    assert!(!strength.contains("mentions"), "{strength}");
    // the last record is selected; k moves to the phone, Enter walks there
    h.press_commands(&["list.up", "list.open"]);
    assert_eq!(h.centre(), Some(id("E2")));
    assert!(h.app.links.path.is_none());
    assert_eq!(h.app.links.trail_ids(), vec![id("E1"), id("E2")]);
    // Backspace closes a path before it walks back
    h.press_command("links.path").typed("e5").press("enter");
    assert!(h.app.links.path.is_some());
    h.press_command("links.back");
    assert!(h.app.links.path.is_none());
    assert_eq!(h.centre(), Some(id("E2")));
    // Esc too
    h.press_command("links.path")
        .typed("E1")
        .press("enter")
        .press_command("back");
    assert!(h.app.links.path.is_none());
    // from another pane (what a finder purpose would call): the pane opens on the path
    h.press_command("pane.backlog");
    h.app.show_path(id("Q1"), id("E5"));
    assert_eq!(h.app.pane, Pane::Links);
    assert!(
        h.screen()
            .contains("path Q1 question -concerns-> E1 person -uses-> E2 phone <-uses- E5 person"),
        "{}",
        h.screen()
    );
}

#[test]
fn no_path_and_unknown_targets_are_told() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.press_command("links.path").typed("E6").press("enter");
    assert!(
        h.message().contains("no path from E1 to E6 within 6 hops"),
        "{}",
        h.message()
    );
    assert!(h.app.links.path.is_none());
    // an id that does not exist finds nothing; Enter keeps the finder open
    h.press_command("links.path").typed("E77").press("enter");
    assert!(h.screen().contains("no match"), "{}", h.screen());
    assert!(h.app.overlay.is_some());
    h.press("ctrl-u").typed("Nobody at all").press("enter");
    assert!(h.app.overlay.is_some());
    h.press("esc");
    assert!(h.app.overlay.is_none());
}

#[test]
fn the_pane_follows_changes_made_elsewhere() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.select("E3").press_command("list.open");
    assert_eq!(h.centre(), Some(id("E3")));
    // a new link to the centre shows; a renamed neighbour shows its new name
    let added = h
        .app
        .store
        .link(NewLink {
            from: id("E6"),
            to: id("E3"),
            label: "drives for".into(),
            confidence: None,
            source: None,
            when: None,
        })
        .unwrap();
    h.app.after_change(&added.done);
    assert!(h.screen().contains("← drives for (1)"), "{}", h.screen());
    let done = h
        .app
        .store
        .set_fields(id("E1"), &[("name".into(), "Darren MARSH".into())])
        .unwrap();
    h.app.after_change(&done);
    assert!(h.screen().contains("Darren MARSH"), "{}", h.screen());
    // the centre deleted: back to the last record on the trail
    let done = h.app.store.delete(id("E3")).unwrap();
    h.app.after_change(&done);
    assert_eq!(h.centre(), Some(id("E1")));
    assert!(!h.screen().contains("Liam Corrigan"), "{}", h.screen());
}

#[test]
fn stored_text_is_sanitised_and_wide_names_line_up() {
    let mut h = Harness::new(|s| {
        let a = entity(s, "Evil\u{1b}[2J name", EntityKind::Person);
        let b = entity(s, "王伟 (Wang Wei)", EntityKind::Person);
        let c = entity(s, "Zoë Ångström", EntityKind::Person);
        link(s, a, b, "knows\u{7}");
        link(s, a, c, "knows\u{7}");
    });
    h.app.show_in_links(id("E1"));
    let s = h.screen();
    assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'), "{s:?}");
    assert!(s.contains("Evil␛[2J name"), "{s}");
    assert!(s.contains("-knows␇-> E2"), "{s}");
    // both rows are exactly the screen's width in cells
    for name in ["王伟", "Zoë"] {
        let row = h.line_with(name);
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(row.as_str()),
            80,
            "{row}"
        );
    }
}

#[test]
fn keys_that_do_not_apply_say_so() {
    let mut h = Harness::new(kestrel);
    h.app.show_in_links(id("E1"));
    h.press("a");
    assert!(h.message().contains("not bound"), "{}", h.message());
    h.press(":").typed("backlog.add").press("enter");
    assert!(
        h.message().contains("does not apply in the Links pane"),
        "{}",
        h.message()
    );
}

#[test]
fn the_smallest_terminal_still_pages_and_says_how_many() {
    let mut h = Harness::sized(60, 12, hub);
    h.app.show_in_links(id("E1"));
    let s = h.screen();
    assert!(s.contains("rows 1-6 of 143"), "{s}");
    for l in s.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 60, "{l}");
    }
    h.press_command("links.path").typed("E2").press("enter");
    assert!(
        h.screen().contains("path E1 phone <-uses- E2 person"),
        "{}",
        h.screen()
    );
}
