//! The Notes pane driven by key sequences against ratatui's TestBackend, including the
//! paged window over many notes.

mod common;
use common::harness::Harness;

use weft::app::notes::{More, Order};
use weft::app::{Effect, Pane};
use weft::model::{EntityKind, Id, Note, Record};
use weft::store::{NewEntity, NewNote, Store};

impl Harness {
    /// The interface opened on this pane.
    fn open(setup: impl FnOnce(&mut Store)) -> Harness {
        let mut h = Harness::new(setup);
        // reads pause on a count, never on the clock of a busy test machine
        h.app.notes.scan_time = std::time::Duration::from_secs(600);
        h.press_command("pane.notes");
        h
    }
    fn note(&self, id: &str) -> Option<Note> {
        match self.app.store.get(id.parse().unwrap()).unwrap() {
            Some(Record::Note(n)) => Some(n),
            None => None,
            other => panic!("{id}: {other:?}"),
        }
    }
    fn selected(&self) -> String {
        self.app
            .notes
            .selected_record()
            .map(|i| i.to_string())
            .unwrap_or_default()
    }
    /// The ids of the list rows on screen, top to bottom.
    fn listed(&mut self) -> Vec<String> {
        self.screen()
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| w.starts_with('N') && w[1..].chars().all(|c| c.is_ascii_digit()))
            .map(String::from)
            .collect()
    }
}

fn note(
    s: &mut Store,
    text: &str,
    grade: Option<&str>,
    when: Option<&str>,
    source: &str,
    tags: &[&str],
) -> Id {
    s.add_note(NewNote {
        text: text.into(),
        source: source.into(),
        grade: grade.map(|g| g.parse().unwrap()),
        when: when.map(|w| w.parse().unwrap()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    })
    .unwrap()
    .id
}

/// E1 Darren Marsh (Daz); N1..N4 with grades, times, sources and tags.
fn case(s: &mut Store) {
    s.add_entity(NewEntity {
        name: "Darren Marsh".into(),
        kind: EntityKind::Person,
        aliases: vec!["Daz".into()],
        attributes: Default::default(),
        tags: vec![],
    })
    .unwrap();
    note(
        s,
        "Van seen at the yard",
        Some("A1P"),
        Some("2024-03-04"),
        "ANPR",
        &["yard"],
    );
    note(
        s,
        "[[Daz]] runs the line\nSecond line of detail.",
        Some("B2P"),
        Some("~2024-03"),
        "CHIS 0412",
        &["kestrel"],
    );
    note(
        s,
        "Rumour of a new supplier",
        Some("C4C"),
        None,
        "open source",
        &["kestrel"],
    );
    note(s, "Cash collected on Friday", None, Some("2023"), "", &[]);
}

#[test]
fn list_newest_first_and_occurred_order() {
    let mut h = Harness::open(case);
    let screen = h.screen();
    assert!(screen.contains("4 notes · newest first"), "{screen}");
    assert_eq!(h.listed(), vec!["N4", "N3", "N2", "N1"]);
    assert!(screen.contains("N2     B2P ~Mar 2024"), "{screen}");
    assert!(screen.contains("CHIS 0412"), "{screen}");
    assert!(screen.contains("#kestrel"), "{screen}");
    h.press_commands(&["list.down", "list.down"]); // N2
    h.press_command("notes.order");
    assert_eq!(h.app.notes.order, Order::Occurred);
    // latest event first (4 Mar 2024, then March 2024 starting the 1st), 2023, then undated
    assert_eq!(h.listed(), vec!["N1", "N2", "N4", "N3"]);
    assert_eq!(h.selected(), "N2", "the selection stays on the same note");
    assert!(h.screen().contains("by occurred time"));
    h.press_command("notes.order");
    assert_eq!(h.listed(), vec!["N4", "N3", "N2", "N1"]);
}

#[test]
fn add_a_note_then_grade_when_and_source() {
    let mut h = Harness::open(case);
    h.press_command("notes.add");
    assert!(h.screen().contains("New note"), "the inline editor opens");
    h.typed("Meet at the car wash")
        .press("enter")
        .typed("[[Darren Marsh]] to bring the phone")
        .press("ctrl-s");
    assert!(h.note("N5").is_some(), "the note is saved at once");
    let screen = h.screen();
    assert!(
        screen.contains("Grade N5 (1/3): source evaluation"),
        "{screen}"
    );
    assert!(screen.contains("B: untested source"), "{screen}");
    h.press("2");
    let screen = h.screen();
    assert!(
        screen.contains("(2/3): intelligence assessment  B…"),
        "{screen}"
    );
    assert!(
        screen.contains("2: known indirectly but corroborated"),
        "{screen}"
    );
    h.press("3");
    assert!(h.screen().contains("(3/3): handling code  B3…"));
    h.press("2"); // C
    assert!(h.screen().contains("When did N5 happen?"));
    h.typed("~2024-05-10 21:00").press("enter");
    assert!(h.screen().contains("Source of N5"));
    h.typed("CHIS 0412").press("enter");
    let n = h.note("N5").unwrap();
    assert_eq!(
        n.text,
        "Meet at the car wash\n[[Darren Marsh]] to bring the phone"
    );
    assert_eq!(n.grade.unwrap().to_string(), "B3C");
    assert_eq!(n.when.unwrap().to_string(), "~2024-05-10 21:00");
    assert_eq!(n.source, "CHIS 0412");
    // the detail is open on the new note, its mention already a link
    let screen = h.screen();
    assert!(screen.contains("N5  Meet at the car wash"), "{screen}");
    assert!(screen.contains("Mentions (1)"), "{screen}");
    assert!(screen.contains("E1     Darren Marsh (person)"), "{screen}");
    h.press_command("back");
    assert_eq!(h.listed()[0], "N5");
    assert_eq!(h.selected(), "N5");
    // the note, its grade, when and source were one action: one u takes it all back
    h.press_command("undo");
    assert!(h.note("N5").is_none());
    let said = h
        .app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert_eq!(said, "undid add note: removes N5 and 1 link");
    assert!(h.note("N1").is_some(), "the undo stopped at the action");
    assert!(h.app.store.check().unwrap().is_empty());
}

#[test]
fn adding_stops_where_the_analyst_stops() {
    let mut h = Harness::open(case);
    h.press_command("notes.add").press("ctrl-s");
    assert!(h.screen().contains("a note needs text: nothing added"));
    assert!(h.note("N5").is_none());
    // the editor stays open for the text
    assert!(matches!(
        h.app.overlay,
        Some(weft::app::overlay::Overlay::Editor { .. })
    ));
    h.typed("Quick note").press("ctrl-s");
    // Enter on the preselected "none" skips the grade; Esc ends the questions
    h.press("enter");
    assert!(h.screen().contains("When did N5 happen?"));
    h.press("esc");
    let n = h.note("N5").unwrap();
    assert_eq!(n.text, "Quick note");
    assert!(n.grade.is_none() && n.when.is_none() && n.source.is_empty());
}

#[test]
fn detail_spells_out_the_grade_when_source_and_mentions() {
    let mut h = Harness::open(case);
    h.press_commands(&["list.down", "list.down", "list.open"]); // N2
    let screen = h.screen();
    // the title shows the mention as its name; the text below keeps the markup
    assert!(screen.contains("N2  Daz runs the line"), "{screen}");
    assert!(
        screen.contains("Grade   B2P  B: untested source"),
        "{screen}"
    );
    assert!(
        screen.contains("2: known indirectly but corroborated"),
        "{screen}"
    );
    assert!(screen.contains("P: lawful sharing permitted"), "{screen}");
    assert!(
        screen.contains("When    ~Mar 2024   (typed ~2024-03)"),
        "{screen}"
    );
    assert!(screen.contains("Source  CHIS 0412"), "{screen}");
    assert!(screen.contains("#kestrel"), "{screen}");
    assert!(screen.contains("Mentions (1)"), "{screen}");
    assert!(screen.contains("E1     Darren Marsh (person)"), "{screen}");
    assert!(
        screen.contains("Second line of detail."),
        "full text: {screen}"
    );
    // Enter goes to the mentioned entity
    h.press_command("list.open");
    assert_eq!(h.app.pane, Pane::Entities);
    assert!(h.screen().contains("E1  Darren Marsh"));
    // an ungraded, undated note without a source says how to fill the gaps
    h.press_commands(&["pane.notes", "back", "list.first", "list.open"]);
    let screen = h.screen();
    assert!(screen.contains("ungraded (c grades it)"), "{screen}");
    assert!(screen.contains("not given (s sets it)"), "{screen}");
    h.press_commands(&["back", "list.down", "list.open"]);
    assert!(
        h.screen().contains("not known (w sets it)"),
        "{}",
        h.screen()
    );
}

#[test]
fn grade_picker_when_and_source_on_the_selected_note() {
    let mut h = Harness::open(case);
    // N4 is selected and ungraded
    h.press_command("notes.grade").press("1 1 1");
    assert_eq!(h.note("N4").unwrap().grade.unwrap().to_string(), "A1P");
    assert!(
        h.screen().contains("N4: grade A1P (A: reliable source"),
        "{}",
        h.screen()
    );
    // the picker starts on the current grade; "none" clears it
    h.press_command("notes.grade").press("4");
    assert!(h.note("N4").unwrap().grade.is_none());
    h.press_command("notes.when")
        .typed("2024-02-30")
        .press("enter");
    let screen = h.screen();
    assert!(screen.contains("invalid time"), "{screen}");
    assert!(
        screen.contains("When did N4 happen?"),
        "asked again: {screen}"
    );
    h.press("ctrl-u")
        .typed("2024-02-01..2024-02-14")
        .press("enter");
    assert_eq!(
        h.note("N4").unwrap().when.unwrap().to_string(),
        "2024-02-01..2024-02-14"
    );
    assert!(
        h.screen().contains("N4: when 2024-02-01..14"),
        "{}",
        h.screen()
    );
    h.press_command("notes.when").press("ctrl-u").press("enter");
    assert!(h.note("N4").unwrap().when.is_none());
    assert!(h.screen().contains("N4: when cleared"));
    h.press_command("notes.source")
        .typed("Test purchase")
        .press("enter");
    assert_eq!(h.note("N4").unwrap().source, "Test purchase");
    // each is one change that u undoes
    h.press_command("undo");
    assert_eq!(h.note("N4").unwrap().source, "");
}

#[test]
fn filter_by_tag_grade_and_source() {
    let mut h = Harness::open(case);
    h.press_command("notes.filter");
    assert!(
        h.screen().contains("#tag  grade:B2"),
        "the hint documents the words"
    );
    h.typed("#kestrel").press("enter");
    assert_eq!(h.listed(), vec!["N3", "N2"]);
    let screen = h.screen();
    assert!(screen.contains("filter: #kestrel"), "{screen}");
    assert!(screen.contains("│ 2 match"), "{screen}");
    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("grade:B2")
        .press("enter");
    assert_eq!(h.listed(), vec!["N2"]);
    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("grade:C grade:A")
        .press("enter");
    assert_eq!(h.listed(), vec!["N3", "N1"]);
    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("grade:none")
        .press("enter");
    assert_eq!(h.listed(), vec!["N4"]);
    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("source:\"open SOURCE\"")
        .press("enter");
    assert_eq!(h.listed(), vec!["N3"]);
    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("#kestrel source:chis")
        .press("enter");
    assert_eq!(h.listed(), vec!["N2"]);
    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("grade:Q9")
        .press("enter");
    assert!(
        h.screen().contains("grade \"q9\" is not a grade"),
        "{}",
        h.screen()
    );
    assert_eq!(h.listed(), vec!["N2"], "a bad filter changes nothing");
    // the refused filter stays in its prompt; Esc leaves it, Esc again clears the filter
    assert!(h.app.overlay.is_some());
    h.press("esc").press_command("back");
    assert_eq!(h.listed(), vec!["N4", "N3", "N2", "N1"]);
    assert!(h.screen().contains("filter cleared"));
    // showing a note the filter hides clears the filter (the refused filter left with
    // Esc is offered back as a draft: ctrl-u clears it)
    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("#yard")
        .press("enter");
    h.app.show("N3".parse().unwrap());
    assert!(h.screen().contains("filter cleared to show N3"));
    assert!(h.app.notes.filter.is_empty());
}

#[test]
fn edit_text_delete_tags_and_undo() {
    let mut h = Harness::open(case);
    h.press_command("record.edit");
    assert!(h.screen().contains("Edit N4"));
    h.press("enter").typed("with [[Daz]]").press("ctrl-s");
    assert_eq!(
        h.note("N4").unwrap().text,
        "Cash collected on Friday\nwith [[Daz]]"
    );
    h.press_command("list.open");
    assert!(h.screen().contains("Mentions (1)"), "{}", h.screen());
    h.press_command("record.tags").typed("cash").press("enter");
    assert_eq!(h.note("N4").unwrap().meta.tags, vec!["cash"]);
    h.press_commands(&["back", "record.delete"]);
    assert!(h.screen().contains("Delete N4: Cash collected on Friday"));
    h.press("y");
    assert!(h.note("N4").is_none());
    assert_eq!(h.listed(), vec!["N3", "N2", "N1"]);
    h.press_command("undo");
    assert_eq!(h.listed(), vec!["N4", "N3", "N2", "N1"]);
    assert!(h.app.store.check().unwrap().is_empty());
}

#[test]
fn external_editor_is_used_when_set() {
    let mut h = Harness::open(case);
    h.app.editor = Some("vi".into());
    h.press_command("notes.add");
    let Some(Effect::ExternalEdit { text, flow, .. }) = h.app.take_effect() else {
        panic!("the run loop is asked to open the editor");
    };
    assert_eq!(text, "");
    h.app.finish(flow, "From the editor".into());
    assert_eq!(h.note("N5").unwrap().text, "From the editor");
}

#[test]
fn detail_scrolls_long_text() {
    let long: String = (1..=60).map(|i| format!("line {i}\n")).collect();
    let mut h = Harness::open(|s| {
        note(s, &long, None, None, "", &[]);
    });
    h.press_command("list.open");
    let screen = h.screen();
    assert!(
        screen.contains("line 1\n") || screen.contains("line 1 "),
        "{screen}"
    );
    assert!(screen.contains("more lines: j / PageDown"), "{screen}");
    assert!(!screen.contains("line 60"), "{screen}");
    h.press_commands(&[
        "list.page_down",
        "list.page_down",
        "list.page_down",
        "list.page_down",
        "list.page_down",
    ]);
    let screen = h.screen();
    assert!(screen.contains("line 60"), "{screen}");
    h.press_command("list.first");
    assert!(h.screen().contains("  line 1 "));
}

fn many(s: &mut Store) {
    s.set_sync(false);
    for i in 1..=300u32 {
        let when = match i % 3 {
            0 => None,
            1 => Some(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
            _ => Some(format!("{}", 2000 + i % 20)),
        };
        let grade = if i % 10 == 0 { "C5P" } else { "B2P" };
        let tags: &[&str] = if i % 50 == 0 { &["rare"] } else { &[] };
        note(
            s,
            &format!("note {i}"),
            Some(grade),
            when.as_deref(),
            "",
            tags,
        );
    }
    s.set_sync(true);
    s.flush().unwrap();
}

/// Every note in the pane's order, read whole from the store, for comparison.
fn expected(h: &Harness, keep: impl Fn(&Note) -> bool) -> Vec<Id> {
    let mut all: Vec<Note> = h
        .app
        .store
        .records(weft::model::Kind::Note)
        .map(|r| match r.unwrap() {
            Record::Note(n) => n,
            _ => unreachable!(),
        })
        .filter(|n| keep(n))
        .collect();
    match h.app.notes.order {
        Order::Newest => all.sort_by_key(|n| std::cmp::Reverse(n.meta.id.num)),
        Order::Occurred => all.sort_by_key(|n| match &n.when {
            Some(w) => (0, -w.sort_key(), std::cmp::Reverse(n.meta.id.num)),
            None => (1, 0, std::cmp::Reverse(n.meta.id.num)),
        }),
    }
    all.into_iter().map(|n| n.meta.id).collect()
}

/// Walks the whole list with j from the top, then with k from the bottom.
fn walk(h: &mut Harness) -> (Vec<Id>, Vec<Id>) {
    h.press_command("list.first");
    let mut down = vec![];
    loop {
        let cur = h.app.notes.selected_record().unwrap();
        if down.last() == Some(&cur) {
            break;
        }
        down.push(cur);
        assert!(h.app.notes.rows.len() <= 512, "the window stays bounded");
        h.press_command("list.down");
    }
    h.press_command("list.last");
    let mut up = vec![];
    loop {
        let cur = h.app.notes.selected_record().unwrap();
        if up.last() == Some(&cur) {
            break;
        }
        up.push(cur);
        h.press_command("list.up");
    }
    up.reverse();
    (down, up)
}

#[test]
fn paging_reads_every_note_in_order_without_holding_them_all() {
    let mut h = Harness::open(many);
    assert!(h.app.notes.rows.len() < 300, "only a page is read at first");
    let want = expected(&h, |_| true);
    let (down, up) = walk(&mut h);
    assert_eq!(down, want);
    assert_eq!(up, want);

    h.press_command("notes.order");
    let want = expected(&h, |_| true);
    assert_eq!(want.len(), 300);
    let (down, up) = walk(&mut h);
    assert_eq!(down, want, "occurred order, undated last, across pages");
    assert_eq!(up, want);

    // page keys and the ends
    h.press_commands(&["list.first", "list.page_down"]);
    assert_eq!(h.app.notes.selected_record(), Some(want[21]));
    h.press_command("list.last");
    assert_eq!(h.app.notes.selected_record(), want.last().copied());
    h.press_command("list.page_up");
    assert_eq!(h.app.notes.selected_record(), Some(want[299 - 21]));
}

#[test]
fn paging_with_filters_scans_and_uses_the_tag_index() {
    let mut h = Harness::open(many);
    h.press_command("notes.filter")
        .typed("grade:C5")
        .press("enter");
    let want = expected(&h, |n| n.grade.is_some_and(|g| g.to_string() == "C5P"));
    assert_eq!(want.len(), 30);
    let (down, up) = walk(&mut h);
    assert_eq!(down, want);
    assert_eq!(up, want);
    h.press_command("notes.order");
    let want = expected(&h, |n| n.grade.is_some_and(|g| g.to_string() == "C5P"));
    let (down, up) = walk(&mut h);
    assert_eq!(down, want);
    assert_eq!(up, want);

    h.press_command("notes.filter")
        .press("ctrl-u")
        .typed("#rare")
        .press("enter");
    let want = expected(&h, |n| n.meta.tags.iter().any(|t| t == "rare"));
    assert_eq!(want.len(), 6);
    let (down, _) = walk(&mut h);
    assert_eq!(down, want);
    assert!(h.screen().contains("│ 6 match"));
}

#[test]
fn a_sparse_filter_reads_in_bounded_steps_and_carries_on() {
    let mut h = Harness::open(many);
    h.app.notes.scan_budget = 5;
    h.press_command("notes.filter")
        .typed("grade:C5")
        .press("enter");
    let want = expected(&h, |n| n.grade.is_some_and(|g| g.to_string() == "C5P"));
    assert_eq!(h.listed(), vec!["N300"]);
    assert!(h.app.notes.paused);
    assert!(
        h.screen()
            .contains("no more matches in the notes read so far: j reads further"),
        "{}",
        h.screen()
    );
    // each j reads at most five more notes; pressing on walks the whole list
    let mut seen = vec![h.app.notes.selected_record().unwrap()];
    for _ in 0..200 {
        h.press_command("list.down");
        let cur = h.app.notes.selected_record().unwrap();
        if seen.last() != Some(&cur) {
            seen.push(cur);
        }
        if h.app.notes.below == More::No
            && h.app.notes.cursor.selected + 1 == h.app.notes.rows.len()
        {
            break;
        }
    }
    assert_eq!(seen, want);
}

#[test]
fn a_new_note_appears_and_is_selected_wherever_the_window_is() {
    let mut h = Harness::open(many);
    h.press_command("list.last");
    h.press_command("notes.add")
        .typed("Latest")
        .press("ctrl-s esc");
    assert_eq!(h.selected(), "N301");
    assert_eq!(h.listed()[0], "N301");
    h.press_commands(&["back", "list.down"]);
    assert_eq!(h.selected(), "N300");
    h.press_command("undo"); // the add
    assert_eq!(h.selected(), "N300");
    assert_eq!(h.listed()[0], "N300");
}

#[test]
fn hostile_text_renders_harmlessly() {
    let mut h = Harness::open(|s| {
        note(
            s,
            "evil \u{1b}]0;x\u{7} title\nbody \u{1b}[2J \u{9b} 中文名字",
            Some("B2P"),
            None,
            "src\u{1b}[31m",
            &[],
        );
    });
    let screen = h.screen();
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen}"
    );
    h.press_command("list.open");
    let screen = h.screen();
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{9b}'),
        "{screen}"
    );
    assert!(screen.contains("中文名字"), "{screen}");
}

#[test]
fn last_in_occurred_order_shows_the_dated_end_when_undated_notes_need_a_scan() {
    let mut h = Harness::open(|s| {
        s.set_sync(false);
        for i in 1..=99u32 {
            let when = format!("2024-01-{:02}", 1 + i % 28);
            note(s, &format!("dated {i}"), None, Some(&when), "", &[]);
        }
        note(s, "undated, recorded last", None, None, "", &[]);
        s.set_sync(true);
        s.flush().unwrap();
    });
    h.app.notes.scan_budget = 5;
    h.press_commands(&["notes.order", "list.last"]);
    let want = expected(&h, |_| true);
    assert_eq!(want.last().map(|i| i.to_string()).as_deref(), Some("N100"));
    // the earliest dated note, with the undated ones still to read below it
    assert_eq!(h.app.notes.selected_record(), Some(want[98]));
    assert!(h.app.notes.paused);
    h.press_command("list.down");
    assert_eq!(h.selected(), "N100");
    h.press_command("list.up");
    assert_eq!(h.app.notes.selected_record(), Some(want[98]));
}

#[test]
fn detail_fits_the_smallest_terminal_with_some_text_in_view() {
    let mut h = Harness::open(case);
    h.term.backend_mut().resize(60, 12);
    h.app.resize(60, 12);
    h.press_commands(&["list.down", "list.down", "list.open"]); // N2
    let screen = h.screen();
    assert!(
        screen.contains("Grade   B2P  B: untested source · 2: known"),
        "{screen}"
    );
    assert!(screen.contains("Mentions (1)"), "{screen}");
    assert!(screen.contains("Second line of detail."), "{screen}");
    // and the list at that size still shows the selection
    h.press_command("back");
    assert!(h.screen().contains("Daz runs the line"));
}
