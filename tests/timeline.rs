//! The Timeline pane driven by key sequences against ratatui's TestBackend: ordering with
//! mixed precision and ranges, zoom and the density strip, filters, the jump, recorded
//! time, and quiet stretches turned into questions.

mod common;
use common::harness::Harness;

use chrono::{TimeZone, Utc};
use weft::app::timeline::{Focus, Row, Zoom};
use weft::app::Pane;
use weft::model::{Consistency, EntityKind, Id, Kind, Record, Sees};
use weft::store::{NewEntity, NewLink, NewNote, NewQuestion, Store, TimeAxis};

impl Harness {
    fn demo() -> Harness {
        Harness::new(|s| {
            weft::demo::load(s, weft::demo::KESTREL).unwrap();
        })
    }

    /// The list rows of the screen (under the header, strip and ruler).
    fn list(&mut self) -> Vec<String> {
        let screen = self.screen();
        screen
            .lines()
            .skip(4)
            .take(19)
            .map(|l| l.trim_end().to_string())
            .collect()
    }

    /// The selected row's record id, or "quiet" for a quiet stretch.
    fn selected(&self) -> String {
        match self.app.timeline.selected_row() {
            Some(Row::Item(it)) => it.id.to_string(),
            Some(Row::Quiet(_)) => "quiet".into(),
            None => "none".into(),
        }
    }

    /// The ids of every row in order (quiet stretches as "quiet").
    fn ids(&self) -> Vec<String> {
        self.app
            .timeline
            .rows
            .iter()
            .map(|r| {
                r.id()
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "quiet".into())
            })
            .collect()
    }

    /// The last message, whole (the status line cuts long ones at 80 columns).
    fn msg(&self) -> String {
        self.app
            .message
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }

    fn status(&mut self) -> String {
        self.screen().lines().last().unwrap_or("").to_string()
    }
}

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

fn at(s: &mut Store, day: &str) {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    s.set_clock(Some(
        Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap()),
    ));
}

fn note(s: &mut Store, text: &str, when: Option<&str>) -> Id {
    s.add_note(NewNote {
        text: text.into(),
        when: when.map(|w| w.parse().unwrap()),
        grade: Some("B2P".parse().unwrap()),
        ..NewNote::default()
    })
    .unwrap()
    .id
}

fn entity(s: &mut Store, name: &str, aliases: &[&str]) -> Id {
    s.add_entity(NewEntity {
        name: name.into(),
        kind: EntityKind::Person,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        attributes: Default::default(),
        tags: vec![],
    })
    .unwrap()
    .id
}

fn link(s: &mut Store, from: Id, to: Id, label: &str, when: Option<&str>) -> Id {
    s.link(NewLink {
        from,
        to,
        label: label.into(),
        confidence: None,
        source: None,
        when: when.map(|w| w.parse().unwrap()),
    })
    .unwrap()
    .id
}

/// Two people, notes at every precision, a range, an undated note and a dated link.
fn mixed(s: &mut Store) {
    at(s, "2024-04-01");
    let kyle = entity(s, "Kyle Renshaw", &["Renny"]); // E1
    let dean = entity(s, "Dean Hollis", &["Dino"]); // E2
    note(s, "Whole month of March\nbody", Some("2024-03")); // N1
    note(s, "Around 2023, [[Renny]] arrives", Some("~2023")); // N2
    note(
        s,
        "First fortnight of March with [[Dino]]",
        Some("2024-03-01..2024-03-15"),
    ); // N3
    note(
        s,
        "Meeting at the yard, [[Renny]] and [[Dino]]",
        Some("2024-03-01 09:30"),
    ); // N4
    note(s, "End of February", Some("2024-02-28")); // N5
    note(s, "Sometime in 2024", Some("2024")); // N6
    note(s, "No date on this one", None); // N7
    link(s, kyle, dean, "associate of", Some("2024-02")); // L?
}

#[test]
fn rows_keep_their_precision_in_start_order() {
    let mut h = Harness::new(mixed);
    h.press_commands(&["pane.timeline", "list.first"]);
    let list = h.list();
    let order: Vec<&str> = list.iter().take(8).map(|l| l.as_str()).collect();
    // start instants: 2023-01-01, 2024-01-01, 2024-02-01 (the link), 2024-02-28,
    // 2024-03-01 00:00 twice (N1 month, N3 range: by id), 2024-03-01 09:30
    let expect = [
        ("~2023", "N2"),
        ("2024", "N6"),
        ("Feb 2024", "Kyle Renshaw -associate of-> Dean Hollis"),
        ("28 Feb 2024", "N5"),
        ("Mar 2024", "N1"),
        ("2024-03-01..15", "N3"),
        ("1 Mar 2024 09:30", "N4"),
    ];
    for (i, (date, what)) in expect.iter().enumerate() {
        assert!(
            order[i].starts_with(date) && order[i].contains(what),
            "row {i} should be {date} {what}:\n{}",
            list.join("\n")
        );
    }
    // the undated note is not on occurred time; the automatic mention links are not rows
    assert_eq!(h.app.timeline.rows.len(), 7, "{}", list.join("\n"));
    assert!(!h.screen().contains("N7"));
    assert!(!h.screen().contains("-mentions->"));
    // grade and the entities each note mentions share the row
    assert!(
        order[6].contains("B2P") && order[6].contains("· Kyle Renshaw"),
        "{}",
        order[6]
    );
    let Some(Row::Item(n4)) = h.app.timeline.rows.get(6) else {
        panic!("N4");
    };
    let names: Vec<&str> = n4.names.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["Kyle Renshaw", "Dean Hollis"]);
    assert!(
        order[5].contains("First fortnight of March with Dino · Dean Hollis"),
        "{}",
        order[5]
    );
    // one line per row at 80 columns
    assert!(list
        .iter()
        .all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 80));
    // the view opens at the latest row
    let mut h = Harness::new(mixed);
    h.press_command("pane.timeline");
    assert_eq!(h.selected(), "N4");
}

#[test]
fn zoom_steps_through_days_weeks_months_and_years() {
    let mut h = Harness::new(mixed);
    h.press_commands(&[
        "pane.timeline",
        "list.first",
        "list.down",
        "list.down",
        "list.down",
    ]); // N5, 28 Feb 2024
    assert_eq!(h.selected(), "N5");
    // fitted to the data: 15 months of it fit 80 cells by the week
    assert_eq!(h.app.timeline.zoom, Zoom::Week);
    h.press_command("timeline.zoom_out");
    assert_eq!(h.app.timeline.zoom, Zoom::Month);
    let screen = h.screen();
    assert!(
        screen.contains("Occurred time · by month · Feb 2024: 1 note"),
        "{screen}"
    );
    h.press_command("timeline.zoom_out");
    assert_eq!(h.app.timeline.zoom, Zoom::Year);
    // 2024 holds N6, N5, N1, N3, N4 (the link is not a note)
    assert!(
        h.screen().contains("by year · 2024: 5 notes"),
        "{}",
        h.screen()
    );
    h.press_command("timeline.zoom_out");
    assert!(h.status().contains("already by year"), "{}", h.status());
    h.press_commands(&["timeline.zoom_in", "timeline.zoom_in"]);
    assert_eq!(h.app.timeline.zoom, Zoom::Week);
    // the week of Monday 26 February runs into March
    assert!(
        h.screen()
            .contains("by week · week of 26 Feb 2024: 4 notes"),
        "{}",
        h.screen()
    );
    h.press_command("timeline.zoom_in");
    assert_eq!(h.app.timeline.zoom, Zoom::Day);
    h.press_command("timeline.zoom_in");
    assert!(h.status().contains("already by day"));
    // the strip holds one bucket per column, and the selected one is highlighted
    let strip = &h.app.timeline.strip;
    assert_eq!(strip.counts.len(), 80);
    let sel = strip
        .bucket_of(chrono::NaiveDate::from_ymd_opt(2024, 2, 28).unwrap())
        .unwrap();
    assert_eq!(strip.counts[sel].count, 1);
    let mar1 = strip
        .bucket_of(chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
        .unwrap();
    assert_eq!(strip.counts[mar1].count, 3);
    assert_eq!(strip.counts[sel + 1].count, 0); // 29 Feb: quiet
    h.screen();
    let buf = h.term.backend().buffer().clone();
    let cell = &buf[(sel as u16, 2)];
    assert_eq!(cell.symbol(), "▃");
    assert!(cell.modifier.contains(ratatui::style::Modifier::REVERSED));
    assert_eq!(buf[(sel as u16 + 1, 2)].symbol(), "·");
    assert!(!buf[(sel as u16 + 1, 2)]
        .modifier
        .contains(ratatui::style::Modifier::REVERSED));
    assert_eq!(buf[(mar1 as u16, 2)].symbol(), "█");
}

#[test]
fn the_strip_is_counted_again_only_when_the_view_leaves_it() {
    let mut h = Harness::new(mixed);
    // nothing is counted while the Timeline is off screen: the first frame does not wait
    assert!(h.app.timeline.strip.counts.is_empty());
    h.press_command("pane.timeline");
    assert!(
        !h.app.timeline.strip.counts.is_empty(),
        "counted when shown"
    );
    // by the month from here on (the fitted zoom is the week)
    h.press_command("timeline.zoom_out");
    h.press_command("list.first");
    let before = h.app.timeline.strip.clone();
    h.press_commands(&["list.down", "list.down", "list.down"]);
    assert_eq!(
        h.app.timeline.strip, before,
        "moving inside the strip keeps its counts"
    );
    h.press_command("timeline.zoom_in"); // weeks
    let weeks = h.app.timeline.strip.clone();
    assert_ne!(weeks, before);
    assert_eq!(weeks.zoom, Zoom::Week);
}

#[test]
fn jump_to_a_date_in_the_forms_of_when() {
    let mut h = Harness::new(mixed);
    h.press_commands(&["pane.timeline", "timeline.jump"])
        .typed("2024-02")
        .press("enter");
    // the first row at or after 1 Feb 2024 is the link dated Feb 2024
    assert!(h.app.timeline.selected_record().unwrap().kind == Kind::Link);
    assert!(h.status().contains("from Feb 2024"), "{}", h.status());
    h.press_command("timeline.jump")
        .typed("~2024-03-01 05:00")
        .press("enter");
    assert_eq!(h.selected(), "N4");
    h.press_command("timeline.jump")
        .typed("2024-03-01..2024-03-05")
        .press("enter");
    assert_eq!(h.selected(), "N1");
    h.press_command("timeline.jump")
        .typed("2031")
        .press("enter");
    assert_eq!(h.selected(), "N4");
    assert!(
        h.status().contains("nothing at or after 2031"),
        "{}",
        h.status()
    );
    h.press_command("timeline.jump")
        .typed("March")
        .press("enter");
    assert!(
        h.status().contains("invalid time \"March\""),
        "{}",
        h.status()
    );
    assert_eq!(h.selected(), "N4");
}

#[test]
fn recorded_time_orders_by_entry_and_shows_the_lag() {
    let mut h = Harness::new(|s| {
        at(s, "2024-05-20");
        note(s, "Late report of a March meeting", Some("2024-03-04")); // N1, 77 days late
        at(s, "2024-03-05");
        note(s, "Prompt report", Some("2024-03-04 22:00")); // N2, next day
        at(s, "2024-04-02");
        note(s, "Undated tip-off", None); // N3
    });
    h.press_commands(&["pane.timeline", "list.first"]);
    assert_eq!(h.ids(), ["N1", "N2"]);
    h.press_command("timeline.axis");
    assert_eq!(h.app.timeline.axis, TimeAxis::Recorded);
    // the selection stays on N1, now last in order of entry
    assert_eq!(h.selected(), "N1");
    assert_eq!(h.ids(), ["N2", "N3", "N1"]);
    let list = h.list();
    assert!(
        list[0].starts_with("5 Mar 2024     +1d 4 Mar 2024 22:00"),
        "{}",
        list.join("\n")
    );
    assert!(
        list[1].starts_with("2 Apr 2024         undated"),
        "{}",
        list.join("\n")
    );
    assert!(
        list[2].starts_with("20 May 2024   +77d 4 Mar 2024"),
        "{}",
        list.join("\n")
    );
    let screen = h.screen();
    assert!(screen.contains("Recorded time (entered)"), "{screen}");
    h.press_command("timeline.axis");
    assert_eq!(h.app.timeline.axis, TimeAxis::Occurred);
    assert_eq!(h.selected(), "N1");
    // an undated note selected on recorded time falls back to the same moment
    h.press_commands(&["timeline.axis", "list.first", "list.down"]); // N3 on recorded time
    assert_eq!(h.selected(), "N3");
    h.press_command("timeline.axis");
    assert_eq!(h.ids(), ["N1", "N2"]);
}

/// Kyle is reported in January and February, then not until July: a quiet stretch.
fn kyle_goes_quiet(s: &mut Store) {
    let kyle = entity(s, "Kyle Renshaw", &["Renny"]); // E1
    let dean = entity(s, "Dean Hollis", &[]); // E2
    note(s, "[[Renny]] at the flat", Some("2024-01-10")); // N1
    note(s, "[[Renny]] collects cash", Some("2024-02")); // N2
    note(s, "Dean Hollis alone at the yard", Some("2024-04-02")); // N3, not about Kyle
    note(s, "[[Kyle Renshaw]] back in Mereby", Some("2024-07-15")); // N4
    note(s, "E1 seen again", Some("2024-07-20 18:00")); // N5
    link(
        s,
        dean,
        kyle,
        "associate of",
        Some("2024-08-01..2024-08-31"),
    );
    s.add_note(NewNote {
        text: "Kyle's tag".into(),
        when: Some("2024-09-09".parse().unwrap()),
        tags: vec!["watch".into()],
        ..NewNote::default()
    })
    .unwrap(); // N6, tagged, not linked
}

#[test]
fn an_entity_filter_marks_its_quiet_stretches() {
    let mut h = Harness::new(kyle_goes_quiet);
    h.press_commands(&["pane.timeline", "timeline.filter"])
        .typed("E1")
        .press("enter");
    assert_eq!(h.app.timeline.focus, Some(Focus::Entity(id("E1"))));
    let status = h.status();
    assert!(status.contains("filter: E1 Kyle Renshaw"), "{status}");
    assert_eq!(h.msg(), "5 dated items, 1 quiet stretch over 60 days");
    // February is covered to its last day: quiet from 1 Mar to 14 Jul, 136 days
    assert_eq!(h.ids(), ["N1", "N2", "quiet", "N4", "N5", &h.ids()[5]]);
    let list = h.list();
    assert!(
        list[2].starts_with("── no reporting for 136 days (1 Mar 2024 to 14 Jul 2024)"),
        "{}",
        list.join("\n")
    );
    // Dean's own note is not Kyle's; the dated link is
    assert!(!list.join("\n").contains("N3"));
    assert!(
        list[5].contains("Dean Hollis -associate of-> Kyle Renshaw"),
        "{}",
        list[5]
    );
    // the focused entity's name is not repeated on its rows
    assert!(!list[0].contains("Kyle Renshaw"), "{}", list[0]);
    // a lower threshold finds nothing more; a higher one hides it
    h.app.timeline.quiet_days = 200;
    h.press_command("timeline.filter").press("enter"); // the prompt offers the current filter: submit it again
    assert_eq!(h.app.timeline.quiet_count(), 0);
    assert!(
        h.msg().contains("no quiet stretch over 200 days"),
        "{}",
        h.msg()
    );
    // Esc clears the filter and keeps the selected record in view
    h.press_commands(&["list.down", "back"]);
    assert_eq!(h.app.timeline.focus, None);
    assert!(h.status().contains("filter cleared"));
    assert_eq!(h.selected(), "N2");
    assert_eq!(h.ids().len(), 7);
}

#[test]
fn a_quiet_stretch_becomes_a_question_linked_to_the_entity() {
    let mut h = Harness::new(kyle_goes_quiet);
    h.press_commands(&["pane.timeline", "timeline.ask"]);
    assert!(h.msg().contains("filter by an entity (f)"), "{}", h.msg());
    h.press_command("timeline.filter")
        .typed("renny")
        .press("enter"); // an alias, any case
    assert_eq!(h.app.timeline.focus, Some(Focus::Entity(id("E1"))));
    h.press_command("timeline.ask");
    assert!(
        h.msg().contains("select a \"no reporting\" row"),
        "{}",
        h.msg()
    );
    h.press_commands(&["list.down", "list.down"]);
    assert_eq!(h.selected(), "quiet");
    assert_eq!(h.app.timeline.selected_record(), None);
    h.press_command("timeline.ask");
    let screen = h.screen();
    assert!(screen.contains("New question about E1"), "{screen}");
    assert!(
        screen.contains("What was Kyle Renshaw doing between 1 Mar 2024 and 14 Jul 2024?"),
        "{screen}"
    );
    // the analyst edits the proposal before it is added
    h.press("backspace")
        .typed(", and with whom?")
        .press("enter");
    // the gap hunter proposes the same stretch: it is accepted with the question
    assert_eq!(
        h.msg(),
        "added Q1 to the backlog, linked to E1 (concerns); quiet-stretch:E1 accepted"
    );
    let Some(Record::Question(q)) = h.app.store.get(id("Q1")).unwrap() else {
        panic!("no Q1");
    };
    assert_eq!(
        q.title,
        "What was Kyle Renshaw doing between 1 Mar 2024 and 14 Jul 2024, and with whom?"
    );
    assert_eq!(q.kind, Sees::Situation);
    assert!(
        q.detail.contains("no reporting for 136 days"),
        "{}",
        q.detail
    );
    let concerns: Vec<_> = h
        .app
        .store
        .neighbours(id("Q1"))
        .unwrap()
        .into_iter()
        .filter(|n| n.link.label == "concerns" && n.other == id("E1"))
        .collect();
    assert_eq!(concerns.len(), 1);
    // the question is in the backlog; the timeline still shows the stretch (an undated
    // link does not cover it)
    assert_eq!(h.app.timeline.quiet_count(), 1);
    h.press_command("pane.backlog");
    assert!(h.screen().contains("What was Kyle Renshaw doing"));
    // Esc on the prompt adds nothing
    h.press_commands(&["pane.timeline", "timeline.ask"])
        .press("esc");
    assert!(h.app.store.get(id("Q2")).unwrap().is_none());
    // Q on the stretch is the same flow; one u takes back the question and its link
    h.press_command("record.ask");
    assert!(
        h.screen()
            .contains("What was Kyle Renshaw doing between 1 Mar 2024 and 14 Jul 2024?"),
        "{}",
        h.screen()
    );
    // Kyle now serves Q1 (the question just asked concerns him): the new one is
    // proposed under it, and Enter takes that
    assert!(h.screen().contains("(under Q1)"), "{}", h.screen());
    h.press("enter");
    assert!(
        h.screen().contains("Where does the new question go?"),
        "{}",
        h.screen()
    );
    h.press("enter");
    let Some(Record::Question(q2)) = h.app.store.get(id("Q2")).unwrap() else {
        panic!("no Q2");
    };
    assert_eq!(q2.parent, Some(id("Q1")));
    let link = h
        .app
        .store
        .neighbours(id("Q2"))
        .unwrap()
        .into_iter()
        .find(|n| n.link.label == "concerns" && n.other == id("E1"))
        .expect("Q2 concerns E1")
        .link
        .meta
        .id;
    h.press_command("undo");
    assert!(h.app.store.get(id("Q2")).unwrap().is_none());
    assert!(h.app.store.get(link).unwrap().is_none());
    assert!(h.app.store.get(id("Q1")).unwrap().is_some());
}

#[test]
fn filters_by_question_tag_and_name() {
    let mut h = Harness::new(|s| {
        kyle_goes_quiet(s);
        let q = s
            .add_question(NewQuestion::new("Who runs Mereby?"))
            .unwrap()
            .id; // Q1
        let h1 = s.add_hypothesis(q, "Kyle runs it", None).unwrap().id; // H1
        link(s, q, id("N3"), "concerns", None);
        s.assess(h1, id("N4"), Consistency::Consistent).unwrap();
        entity(s, "Kyle Brennan", &[]); // E3: a second Kyle
    });
    h.press_commands(&["pane.timeline", "timeline.filter"])
        .typed("Q1")
        .press("enter");
    assert_eq!(h.ids(), ["N3", "N4"]);
    assert!(
        h.status().contains("filter: Q1 Who runs Mereby?"),
        "{}",
        h.status()
    );
    // a hypothesis shows its question's timeline
    h.press_command("timeline.filter")
        .press("ctrl-u")
        .typed("H1")
        .press("enter");
    assert_eq!(h.app.timeline.focus, Some(Focus::Question(id("Q1"))));
    h.press_command("timeline.filter")
        .press("ctrl-u")
        .typed("#watch")
        .press("enter");
    assert_eq!(h.ids(), ["N6"]);
    assert!(h.status().contains("filter: #watch"), "{}", h.status());
    // a name matching several entities asks which
    h.press_command("timeline.filter")
        .press("ctrl-u")
        .typed("kyle")
        .press("enter");
    let screen = h.screen();
    assert!(
        screen.contains("E1 Kyle Renshaw") && screen.contains("E3 Kyle Brennan"),
        "{screen}"
    );
    h.press("enter");
    assert!(matches!(h.app.timeline.focus, Some(Focus::Entity(_))));
    // mistakes are explained, and the filter stays
    let kept = h.app.timeline.focus.clone();
    h.press_command("timeline.filter")
        .press("ctrl-u")
        .typed("N1")
        .press("enter");
    assert_eq!(
        h.msg(),
        "N1 is a note: filter by an entity, a question or a #tag"
    );
    // the refused filter stays in its prompt, to be put right
    let prompt_open = |h: &Harness| {
        matches!(
            h.app.overlay,
            Some(weft::app::overlay::Overlay::Prompt { .. })
        )
    };
    assert!(prompt_open(&h));
    h.press("ctrl-u").typed("E99").press("enter");
    assert_eq!(h.msg(), "E99 does not exist");
    h.press("ctrl-u").typed("zzqqxx").press("enter");
    assert!(
        h.msg().starts_with("no entity matches \"zzqqxx\""),
        "{}",
        h.msg()
    );
    assert_eq!(h.app.timeline.focus, kept);
    assert!(prompt_open(&h));
    // empty clears it
    h.press("ctrl-u").press("enter");
    assert_eq!(h.app.timeline.focus, None);
}

#[test]
fn show_in_timeline_focuses_entities_and_questions_and_finds_notes() {
    let mut h = Harness::new(kyle_goes_quiet);
    h.app.show_in_timeline(id("E1"));
    assert_eq!(h.app.pane, Pane::Timeline);
    assert_eq!(h.app.timeline.focus, Some(Focus::Entity(id("E1"))));
    // a note outside the focus clears it and is selected on the whole timeline
    h.app.show_in_timeline(id("N3"));
    assert_eq!(h.app.timeline.focus, None);
    assert_eq!(h.selected(), "N3");
    // T on the selected row focuses nothing new for a note: it stays selected
    h.press_command("record.timeline");
    assert_eq!(h.selected(), "N3");
    // another entity's timeline; the status line follows a rename of the focus
    h.app.show_in_timeline(id("E2"));
    assert!(
        h.status().contains("filter: E2 Dean Hollis"),
        "{}",
        h.status()
    );
    let done = h
        .app
        .store
        .set_fields(id("E2"), &[("name".into(), "Dean Hollister".into())])
        .unwrap();
    h.app.after_change(&done);
    assert!(
        h.status().contains("filter: E2 Dean Hollister"),
        "{}",
        h.status()
    );
    assert!(h
        .screen()
        .contains("Dean Hollister -associate of-> Kyle Renshaw"));
}

#[test]
fn record_keys_act_on_the_selected_row() {
    let mut h = Harness::new(kyle_goes_quiet);
    h.press("2 g j j"); // N3
    assert_eq!(h.selected(), "N3");
    h.press("#").typed("yard").press("enter");
    assert_eq!(
        h.app.store.get(id("N3")).unwrap().unwrap().meta().tags,
        vec!["yard"]
    );
    h.press("d y");
    assert!(h.app.store.get(id("N3")).unwrap().is_none());
    // the selection moves to the next row
    assert_eq!(h.selected(), "N4");
    h.press("u");
    assert_eq!(h.selected(), "N4");
    assert!(h.ids().contains(&"N3".to_string()));
}

#[test]
fn stored_text_cannot_drive_the_terminal() {
    let mut h = Harness::new(|s| {
        entity(s, "Bad\u{1b}[2JName", &["bad"]);
        note(s, "Title \u{1b}[31mred\u{7} [[bad]]", Some("2024-01-01"));
    });
    h.press_command("pane.timeline");
    let screen = h.screen();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("Title ␛[31mred␇"), "{screen}");
    assert!(screen.contains("Bad␛[2JName"), "{screen}");
}

#[test]
fn scrolling_reads_the_index_in_windows_and_misses_nothing() {
    // 700 notes, several on some days and some sharing a month: more than two windows
    let mut h = Harness::new(|s| {
        s.set_sync(false);
        for i in 0..700u32 {
            let day = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
                + chrono::Duration::days((i / 3) as i64);
            let when = if i % 50 == 0 {
                day.format("%Y-%m").to_string()
            } else {
                day.format("%Y-%m-%d").to_string()
            };
            note(s, &format!("report {i}"), Some(&when));
        }
        s.flush().unwrap();
    });
    let mut all: Vec<(chrono::NaiveDateTime, Id)> = h
        .app
        .store
        .timeline(TimeAxis::Occurred, None, None)
        .map(|r| r.unwrap())
        .collect();
    all.sort();
    let want: Vec<String> = all.iter().map(|(_, i)| i.to_string()).collect();
    h.press_commands(&["pane.timeline", "list.first"]);
    assert!(
        h.app.timeline.rows.len() < 700,
        "a window, not the whole index"
    );
    let mut seen = vec![h.selected()];
    for _ in 1..700 {
        h.press_command("list.down");
        seen.push(h.selected());
    }
    assert_eq!(seen, want);
    h.press_command("list.down");
    assert_eq!(h.selected(), want[699]);
    let mut back = vec![h.selected()];
    for _ in 1..700 {
        h.press_command("list.up");
        back.push(h.selected());
    }
    back.reverse();
    assert_eq!(back, want);
    // pages, ends and jumps land where they should
    h.press_commands(&["list.page_down", "list.page_down"]);
    assert_eq!(h.selected(), want[2 * 19]);
    h.press_command("list.last");
    assert_eq!(h.selected(), want[699]);
    h.press_command("list.page_up");
    assert_eq!(h.selected(), want[699 - 19]);
    h.press_command("timeline.jump")
        .typed("2023-07")
        .press("enter");
    let first_july = all
        .iter()
        .position(|(t, _)| t.date() >= chrono::NaiveDate::from_ymd_opt(2023, 7, 1).unwrap())
        .unwrap();
    assert_eq!(h.selected(), want[first_july]);
    h.press_command("list.up");
    assert_eq!(h.selected(), want[first_july - 1]);
    assert!(h.app.timeline.rows.len() <= 450);
}

#[test]
fn a_quiet_stretch_the_gap_hunter_does_not_propose_accepts_nothing() {
    let mut h = Harness::new(kyle_goes_quiet);
    h.app.timeline.quiet_days = 10;
    h.press_commands(&["pane.timeline", "timeline.filter"])
        .typed("Kyle Renshaw")
        .press("enter");
    // 11 to 31 January, between N1 and N2, is quiet but not between bursts
    let first = h
        .app
        .timeline
        .rows
        .iter()
        .position(|r| matches!(r, Row::Quiet(_)))
        .unwrap();
    let Row::Quiet(q) = &h.app.timeline.rows[first] else {
        unreachable!()
    };
    assert_eq!((q.from.to_string(), q.days), ("2024-01-11".to_string(), 21));
    assert_eq!(q.gap, None);
    h.press_command("list.first");
    for _ in 0..first {
        h.press_command("list.down");
    }
    assert_eq!(h.selected(), "quiet");
    h.press_command("record.ask").press("enter");
    assert_eq!(h.msg(), "added Q1 to the backlog, linked to E1 (concerns)");
    assert!(h.app.store.dismissal("quiet-stretch:E1").unwrap().is_none());
    let input = h.app.store.gap_input().unwrap();
    let open: Vec<String> = weft::analysis::run(&input, None)
        .into_iter()
        .map(|s| s.key)
        .collect();
    assert!(open.contains(&"quiet-stretch:E1".to_string()), "{open:?}");
}

#[test]
fn the_demo_timeline_finds_kyle_renshaws_quiet_autumn() {
    let mut h = Harness::demo();
    h.press_command("pane.timeline");
    let screen = h.screen();
    assert!(screen.contains("Occurred time · by month"), "{screen}");
    h.press_command("timeline.filter")
        .typed("Kyle Renshaw")
        .press("enter");
    let rows = &h.app.timeline.rows;
    let quiet: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Quiet(q) => Some(q.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(quiet.len(), 1, "{:?}", quiet);
    let q = &quiet[0];
    // reported every month to July 2024, then nothing until December
    assert_eq!(q.from.format("%Y-%m").to_string(), "2024-08");
    assert_eq!(q.to.format("%Y-%m").to_string(), "2024-11");
    let i = rows
        .iter()
        .position(|r| matches!(r, Row::Quiet(_)))
        .unwrap();
    let j = h.app.timeline.cursor.selected;
    let (step, times) = if i > j {
        ("list.down", i - j)
    } else {
        ("list.up", j - i)
    };
    for _ in 0..times {
        h.press_command(step);
    }
    let screen = h.screen();
    assert!(
        screen.contains(&format!("no reporting for {} days", q.days)),
        "{screen}"
    );
    assert!(screen.contains("· quiet"), "{screen}");
    // it is the stretch the gap hunter proposes: asking about it here accepts that
    // suggestion too, in the same step
    let key = format!("quiet-stretch:{}", q.entity);
    let open = |h: &mut Harness| -> Vec<String> {
        let input = h.app.store.gap_input().unwrap();
        weft::analysis::run(&input, None)
            .into_iter()
            .map(|s| s.key)
            .collect()
    };
    assert!(open(&mut h).contains(&key), "the demo plants this gap");
    // Kyle serves several open questions: after the title, where it goes (Enter takes
    // the selected place)
    h.press_command("record.ask").press("enter");
    assert!(
        h.screen().contains("Where does the new question go?"),
        "{}",
        h.screen()
    );
    h.press("enter");
    assert!(
        h.msg().ends_with(&format!("; {key} accepted")),
        "{}",
        h.msg()
    );
    assert!(!open(&mut h).contains(&key), "{:?}", open(&mut h));
    let d = h.app.store.dismissal(&key).unwrap().expect("stored");
    assert!(
        d.question.is_some(),
        "recorded as accepted, with its question"
    );
    // one u takes back the question, its link and the acceptance
    h.press_command("undo");
    assert!(open(&mut h).contains(&key));
    assert!(h.app.store.dismissal(&key).unwrap().is_none());
}

#[test]
fn the_density_strip_refits_after_a_resize() {
    let mut h = Harness::demo();
    h.press_command("pane.timeline");
    assert_eq!(h.app.timeline.strip.counts.len(), 80);
    h.term.backend_mut().resize(100, 30);
    h.app.resize(100, 30);
    assert_eq!(
        h.app.timeline.strip.counts.len(),
        100,
        "one bucket per column, without a key"
    );
}
