//! The Entities pane driven by key sequences against ratatui's TestBackend.

mod common;
use common::harness::Harness;

use std::collections::BTreeMap;
use weft::app::overlay::Overlay;
use weft::app::Pane;
use weft::model::{Entity, EntityKind, Id, Record};
use weft::store::{NewEntity, NewLink, NewNote, Store};

impl Harness {
    /// The interface opened on this pane.
    fn open(setup: impl FnOnce(&mut Store)) -> Harness {
        let mut h = Harness::new(setup);
        h.press_command("pane.entities");
        h
    }
    fn entity(&self, id: &str) -> Option<Entity> {
        match self.app.store.get(id.parse().unwrap()).unwrap() {
            Some(Record::Entity(e)) => Some(e),
            None => None,
            other => panic!("{id}: {other:?}"),
        }
    }
    fn selected(&self) -> Option<String> {
        self.app.entities.selected_record().map(|i| i.to_string())
    }
}

fn add(
    s: &mut Store,
    name: &str,
    kind: EntityKind,
    aliases: &[&str],
    attrs: &[(&str, &str)],
) -> Id {
    s.add_entity(NewEntity {
        name: name.into(),
        kind,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        attributes: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        tags: vec![],
    })
    .unwrap()
    .id
}

/// E1 Darren Marsh (Daz), E2 Kyle Renshaw, E3 The Yard, E4 "Dazza" (a duplicate of
/// Marsh); N1 and N2 mention Marsh, N3 mentions Dazza; Kyle is an associate of Marsh.
fn case(s: &mut Store) {
    let marsh = add(
        s,
        "Darren Marsh",
        EntityKind::Person,
        &["Daz"],
        &[("dob", "1988-02-14")],
    );
    let kyle = add(s, "Kyle Renshaw", EntityKind::Person, &[], &[]);
    add(s, "The Yard", EntityKind::Location, &[], &[]);
    add(
        s,
        "Dazza",
        EntityKind::Person,
        &[],
        &[("phone", "07700 900999")],
    );
    for text in [
        "[[Daz]] seen at the yard",
        "Call between [[Darren Marsh]] and a runner",
        "[[Dazza]] collected cash",
    ] {
        s.add_note(NewNote {
            text: text.into(),
            grade: Some("B2P".parse().unwrap()),
            ..NewNote::default()
        })
        .unwrap();
    }
    s.link(NewLink {
        from: kyle,
        to: marsh,
        label: "associate of".into(),
        confidence: None,
        source: None,
        when: None,
    })
    .unwrap();
}

#[test]
fn list_is_grouped_by_kind_with_counts() {
    let mut h = Harness::open(case);
    let screen = h.screen();
    assert!(
        screen.contains("4 entities · person 3 · location 1"),
        "{screen}"
    );
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[2].starts_with("person (3)"), "{screen}");
    assert!(
        lines[3].contains("E1") && lines[3].contains("Darren Marsh  aka Daz"),
        "{screen}"
    );
    assert!(lines[4].contains("Dazza"), "by name: {screen}");
    assert!(lines[6].starts_with("location (1)"), "{screen}");
    // moving skips the headings
    h.press_commands(&["list.down", "list.down", "list.down"]);
    assert_eq!(h.selected().as_deref(), Some("E3"));
    h.press_command("list.first");
    assert_eq!(h.selected().as_deref(), Some("E1"));
    h.press_command("list.last");
    assert_eq!(h.selected().as_deref(), Some("E3"));
}

#[test]
fn kind_and_fuzzy_filters_and_esc_clears() {
    let mut h = Harness::open(case);
    h.press_command("entities.kind");
    assert!(h.screen().contains("Show entities of kind"));
    h.press("5"); // all kinds, person, organisation, group, location
    let screen = h.screen();
    assert!(screen.contains("filter: location"), "{screen}");
    assert!(
        screen.contains("The Yard") && !screen.contains("Kyle"),
        "{screen}"
    );
    h.press_command("back");
    assert!(h.screen().contains("Kyle"));

    h.press_command("entities.filter")
        .typed("daz")
        .press("enter");
    let screen = h.screen();
    assert!(screen.contains("filter: ~daz"), "{screen}");
    assert!(
        screen.contains("Darren Marsh") && screen.contains("Dazza"),
        "{screen}"
    );
    assert!(!screen.contains("Kyle"), "{screen}");
    assert!(screen.contains("showing 2"), "{screen}");
    h.press_command("entities.filter")
        .press("ctrl-u")
        .typed("zzzz")
        .press("enter");
    assert!(h.screen().contains("No entity matches the filter"));
    h.press_command("back");
    assert!(h.screen().contains("Kyle"));
}

#[test]
fn add_an_entity_with_name_and_kind() {
    let mut h = Harness::open(case);
    h.press_command("entities.add")
        .typed("Silver Golf VX11 ABC")
        .press("enter");
    assert!(h.screen().contains("Kind of Silver Golf"), "kind picker");
    h.press("j j j j enter"); // vehicle
    let e = h.entity("E5").expect("added");
    assert_eq!(e.name, "Silver Golf VX11 ABC");
    assert_eq!(e.kind, EntityKind::Vehicle);
    assert_eq!(h.selected().as_deref(), Some("E5"));
    let screen = h.screen();
    assert!(
        screen.contains("added E5 Silver Golf VX11 ABC (vehicle)"),
        "{screen}"
    );
    assert!(screen.contains("vehicle (1)"), "{screen}");
    // an empty name adds nothing and says so
    h.press_command("entities.add").press("enter");
    assert!(h.screen().contains("an entity needs a name"));
    assert!(h.entity("E6").is_none());
}

#[test]
fn detail_shows_aliases_attributes_mentions_and_links() {
    let mut h = Harness::open(case);
    h.press_command("list.open");
    let screen = h.screen();
    assert!(screen.contains("E1  Darren Marsh"), "{screen}");
    assert!(screen.contains("person · aka Daz"), "{screen}");
    assert!(screen.contains("dob 1988-02-14"), "{screen}");
    assert!(screen.contains("Mentioned in (2)"), "{screen}");
    assert!(screen.contains("N2     B2P"), "newest note first: {screen}");
    assert!(screen.contains("← associate of (1)"), "{screen}");
    assert!(screen.contains("E2     Kyle Renshaw (person)"), "{screen}");
    // Enter on a mention goes to the note in the Notes pane
    h.press_command("list.open");
    assert_eq!(h.app.pane, Pane::Notes);
    assert_eq!(
        h.app
            .notes
            .selected_record()
            .map(|i| i.to_string())
            .as_deref(),
        Some("N2")
    );
    assert!(h.screen().contains("Call between [[Darren Marsh]]"));
    // and from the note back to the entity it mentions
    h.press_command("list.open");
    assert_eq!(h.app.pane, Pane::Entities);
    assert!(h.screen().contains("E1  Darren Marsh"));
    // Enter on the linked record shows it
    h.press_commands(&["list.down", "list.down", "list.open"]);
    assert!(h.screen().contains("E2  Kyle Renshaw"), "{}", h.screen());
    h.press_command("back");
    assert!(h.screen().contains("person (3)"), "back to the list");
}

#[test]
fn edit_name_kind_aliases_attributes_in_one_undoable_change() {
    let mut h = Harness::open(case);
    h.press_command("record.edit");
    assert!(h.screen().contains("Edit E1: name (1/4)"));
    h.press("ctrl-u").typed("Darren J Marsh").press("enter");
    h.press("enter"); // kind stays person
    h.press("ctrl-u").typed("Daz, DJ").press("enter");
    assert!(
        h.screen().contains("dob=1988-02-14"),
        "attributes prefilled"
    );
    // typing would replace the proposed value; End keeps it and types after it
    h.press("end").typed("; phone=07700 900123").press("enter");
    let e = h.entity("E1").unwrap();
    assert_eq!(e.name, "Darren J Marsh");
    assert_eq!(e.aliases, vec!["Daz", "DJ"]);
    assert_eq!(e.attributes["phone"], "07700 900123");
    assert_eq!(e.attributes["dob"], "1988-02-14");
    assert!(h.screen().contains("E1: saved"));
    // a bad attribute changes nothing
    h.press_command("record.edit")
        .press("enter enter enter")
        .press("ctrl-u")
        .typed("tall")
        .press("enter");
    assert!(h.screen().contains("is not KEY=VALUE"), "{}", h.screen());
    assert_eq!(h.entity("E1").unwrap().name, "Darren J Marsh");
    // the refused value stays in its prompt to be put right; Esc steps back, then out
    assert!(h.screen().contains("tall"), "{}", h.screen());
    h.press("esc esc esc esc");
    assert!(h.app.overlay.is_none());
    // one u undoes the whole edit
    h.press_command("undo");
    let e = h.entity("E1").unwrap();
    assert_eq!(e.name, "Darren Marsh");
    assert_eq!(e.aliases, vec!["Daz"]);
    assert!(!e.attributes.contains_key("phone"));
    // Esc part-way leaves it as it was
    h.press_command("record.edit")
        .press("ctrl-u")
        .typed("Nobody")
        .press("enter esc");
    assert_eq!(h.entity("E1").unwrap().name, "Darren Marsh");
}

#[test]
fn merge_asks_for_the_other_confirms_and_undoes() {
    let mut h = Harness::open(case);
    // selected: E1 Darren Marsh
    h.press_command("entities.merge");
    assert!(h.screen().contains("Merge into E1 Darren Marsh (person)"));
    h.typed("e4").press("enter");
    let screen = h.screen();
    assert!(
        screen.contains("Merge E4 Dazza (person) into E1 Darren Marsh (person)?"),
        "{screen}"
    );
    h.press("n");
    assert!(h.entity("E4").is_some(), "n keeps both");
    h.press_command("entities.merge")
        .typed("E4")
        .press("enter y");
    assert!(h.entity("E4").is_none());
    let e = h.entity("E1").unwrap();
    assert_eq!(e.aliases, vec!["Daz", "Dazza"]);
    assert_eq!(e.attributes["phone"], "07700 900999");
    let screen = h.screen();
    assert!(
        screen.contains("merged E4 Dazza (person) into E1"),
        "{screen}"
    );
    assert!(screen.contains("person (2)"), "{screen}");
    h.press_command("list.open");
    assert!(h.screen().contains("Mentioned in (3)"), "{}", h.screen());
    assert!(h.app.store.check().unwrap().is_empty());
    h.press_command("undo");
    assert!(h.entity("E4").is_some());
    assert_eq!(h.entity("E1").unwrap().aliases, vec!["Daz"]);
    assert!(h.screen().contains("Mentioned in (2)"), "{}", h.screen());
    assert!(h.app.store.check().unwrap().is_empty());
}

#[test]
fn merge_refuses_what_is_not_another_entity_and_accepts_a_name() {
    let mut h = Harness::open(case);
    // a refused answer keeps the prompt open with what was typed: put it right in place
    h.press_command("entities.merge").typed("N1").press("enter");
    assert!(h.screen().contains("N1 is not an entity"), "{}", h.screen());
    h.press("ctrl-u").typed("E1").press("enter");
    assert!(h.screen().contains("cannot merge E1 into itself"));
    h.press("ctrl-u").typed("E99").press("enter");
    assert!(h
        .screen()
        .contains("E99 is not an entity in this workspace"));
    h.press("ctrl-u").typed("Nobody").press("enter");
    assert!(h.screen().contains("no other entity is named \"Nobody\""));
    assert!(h.screen().contains("Nobody"), "the text is kept");
    h.press("esc");
    assert!(h.app.overlay.is_none());
    // what was typed is kept: the prompt offers it again, ctrl-u clears it
    h.press_command("entities.merge");
    assert!(
        h.screen().contains("your draft from before"),
        "{}",
        h.screen()
    );
    // an alias or name that names one entity is enough
    h.press("ctrl-u").typed("dazza").press("enter");
    assert!(h.screen().contains("Merge E4 Dazza (person) into E1"));
}

#[test]
fn delete_tags_and_link_act_on_the_selected_entity() {
    let mut h = Harness::open(case);
    h.press_command("list.down"); // E4 Dazza
    h.press_command("record.tags")
        .typed("nominal, kestrel")
        .press("enter");
    assert_eq!(
        h.entity("E4").unwrap().meta.tags,
        vec!["nominal", "kestrel"]
    );
    h.press_command("record.link");
    assert!(matches!(h.app.overlay, Some(Overlay::Finder { .. })));
    h.press("esc");
    h.press_command("record.delete");
    assert!(h.screen().contains("Delete E4: Dazza (person)"));
    h.press("y");
    assert!(h.entity("E4").is_none());
    assert!(!h.screen().contains("Dazza"));
    h.press_command("undo");
    assert!(h.screen().contains("Dazza"));
    // in the detail view the keys act on the open entity
    h.press_commands(&["list.first", "list.open", "record.tags"])
        .typed("lead")
        .press("enter");
    assert_eq!(h.entity("E1").unwrap().meta.tags, vec!["lead"]);
    assert!(h.screen().contains("#lead"));
}

#[test]
fn show_entity_clears_a_filter_that_hides_it() {
    let mut h = Harness::open(case);
    h.press_command("entities.kind").press("5"); // locations only
    h.app.show("E2".parse().unwrap());
    let screen = h.screen();
    assert!(screen.contains("E2  Kyle Renshaw"), "{screen}");
    assert!(screen.contains("filter cleared to show E2"), "{screen}");
    h.press_command("back");
    assert_eq!(h.selected().as_deref(), Some("E2"));
}

#[test]
fn hostile_names_render_harmlessly() {
    let mut h = Harness::open(|s| {
        add(
            s,
            "evil \u{1b}]0;x\u{7} name",
            EntityKind::Person,
            &["\u{1b}[2J"],
            &[("k\u{1b}", "v\u{9b}")],
        );
        add(s, "محمد 中文名字", EntityKind::Person, &[], &[]);
    });
    let screen = h.screen();
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen}"
    );
    assert!(screen.contains("中文名字"), "{screen}");
    h.press_command("list.open");
    let screen = h.screen();
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{9b}'),
        "{screen}"
    );
}

/// An attribute value holding `;` (accepted by `weft add entity --attr`) no longer makes
/// every later edit of the entity fail: it is shown quoted and read back whole.
#[test]
fn renaming_keeps_an_attribute_value_that_holds_a_semicolon() {
    let mut h = Harness::open(|s| {
        add(
            s,
            "Kyle Renshaw",
            EntityKind::Person,
            &[],
            &[("based", "Leeds; Bradford")],
        );
    });
    h.press_command("record.edit")
        .press("ctrl-u")
        .typed("Kyle J Renshaw")
        .press("enter");
    h.press("enter enter");
    assert!(
        h.screen().contains("based=\"Leeds; Bradford\""),
        "{}",
        h.screen()
    );
    h.press("enter");
    let e = h.entity("E1").unwrap();
    assert_eq!(e.name, "Kyle J Renshaw");
    assert_eq!(e.attributes["based"], "Leeds; Bradford");
}

/// Merging records of different kinds warns, and the confirmation shows every line at
/// 80x24, its question included.
#[test]
fn merging_different_kinds_warns_and_the_box_shows_every_line() {
    let mut h = Harness::open(case);
    h.press_command("entities.merge").typed("E3").press("enter");
    let screen = h.screen();
    assert!(
        screen.contains("E3 is a location and E1 a person"),
        "{screen}"
    );
    assert!(screen.contains("Merge? y/n"), "{screen}");
    h.press("n");
    assert!(h.entity("E3").is_some());
    // the same kind: no warning
    h.press_command("entities.merge").typed("E4").press("enter");
    let screen = h.screen();
    assert!(!screen.contains("rarely right"), "{screen}");
    assert!(screen.contains("Merge? y/n"), "{screen}");
}

#[test]
fn an_open_detail_takes_in_a_note_added_elsewhere_that_mentions_it() {
    let mut h = Harness::open(case);
    assert!(h.app.entities.select(Id::new(weft::model::Kind::Entity, 2)));
    h.press("enter");
    assert!(h.screen().contains("E2  Kyle Renshaw"), "{}", h.screen());
    assert!(!h.screen().contains("Mentioned in"), "{}", h.screen());
    // a note written in the Notes pane names Kyle: its mention link is written with it
    h.press("5 a")
        .typed("Met [[Kyle Renshaw]] today")
        .press("ctrl-s");
    while h.app.overlay.is_some() {
        h.press("esc");
    }
    assert!(h.app.store.get("N4".parse().unwrap()).unwrap().is_some());
    h.press("4");
    let screen = h.screen();
    assert!(screen.contains("E2  Kyle Renshaw"), "{screen}");
    assert!(screen.contains("Mentioned in (1)"), "{screen}");
    // the mention shows as the name it marks
    assert!(screen.contains("Met Kyle Renshaw today"), "{screen}");
}
