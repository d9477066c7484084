//! Pane 7, Gaps, driven by key sequences against ratatui's TestBackend at 80x24. The
//! rules run on the pane's worker thread; the tests wait for its result on the
//! channel (`GapsState::wait_result`), never on a timer.

mod common;
use common::harness::Harness;

use std::time::Duration;
use weft::app::gaps::RunState;
use weft::app::overlay::{Flow, Overlay};
use weft::app::{App, Pane};
use weft::keymap::{parse_sequence, Keymap};
use weft::model::{EntityKind, Id, Kind, Record};
use weft::store::{NewEntity, NewLink, NewNote, OpenOptions, Store};

const WAIT: Duration = Duration::from_secs(60);

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

fn note(s: &mut Store, text: &str) -> Id {
    let source = format!("source {}", s.state().count(Kind::Note));
    s.add_note(NewNote {
        text: text.into(),
        grade: Some("B2P".parse().unwrap()),
        source,
        ..NewNote::default()
    })
    .unwrap()
    .id
}

fn link(s: &mut Store, from: Id, to: Id, label: &str) -> weft::store::Added {
    s.link(NewLink {
        from,
        to,
        label: label.into(),
        confidence: None,
        source: None,
        when: None,
    })
    .unwrap()
}

/// E1 Liam Corrigan and E2 Shane Pidcock both use the phone E3 and are not linked
/// (shared-identifier); E4 Owen Barlow is mentioned in three notes and nothing else
/// (lonely-mention); one note names "Uncle V", who is no entity (dangling-mention); a
/// last note names Liam, Shane and the phone (so none is known only through links).
fn case(s: &mut Store) {
    let liam = entity(s, "Liam Corrigan", EntityKind::Person);
    let shane = entity(s, "Shane Pidcock", EntityKind::Person);
    let phone = entity(s, "07700 900733", EntityKind::Phone);
    entity(s, "Owen Barlow", EntityKind::Person);
    link(s, liam, phone, "uses");
    link(s, shane, phone, "uses");
    for i in 0..3 {
        note(s, &format!("[[Owen Barlow]] at the yard, visit {i}"));
    }
    note(s, "A delivery for [[Uncle V]]");
    note(
        s,
        "[[Liam Corrigan]] and [[Shane Pidcock]] both rang from [[07700 900733]]",
    );
}

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

/// Opens pane 7 and waits for the worker's first result.
fn opened(setup: impl FnOnce(&mut Store)) -> Harness {
    let mut h = Harness::new(setup);
    h.press_command("pane.gaps");
    assert_eq!(h.app.pane, Pane::Gaps);
    ready(&mut h.app);
    h
}

/// Waits until the newest run asked for has been taken in (it may have been already,
/// by the key that asked for it).
fn ready(app: &mut App) {
    assert!(app.gaps.state != RunState::NotRun, "a run was asked for");
    if app.background_pending() {
        assert!(app.wait_background(WAIT), "the worker answered");
    }
    assert!(!app.background_pending());
    assert_eq!(app.gaps.state, RunState::Ready);
}

fn keys(h: &mut Harness) -> Vec<String> {
    h.app.gaps.list().iter().map(|s| s.key.clone()).collect()
}

/// Moves the selection down to the suggestion with `key`.
fn select(h: &mut Harness, key: &str) {
    h.press_command("list.first");
    for _ in 0..50 {
        if h.app.gaps.current().is_some_and(|s| s.key == key) {
            return;
        }
        h.press_command("list.down");
    }
    panic!("no suggestion {key} in {:?}", keys(h));
}

#[test]
fn the_first_showing_runs_the_rules_off_the_input_thread_and_shows_the_result() {
    let mut h = Harness::new(case);
    assert_eq!(h.app.gaps.runs, 0);
    assert!(
        !h.app.background_pending(),
        "nothing runs before pane 7 is shown"
    );
    h.press_command("pane.gaps");
    if h.app.gaps.runs == 0 {
        // the key returned before the worker finished: the pane says so
        assert!(h.screen().contains("running the 17 gap rules…"));
    }
    if h.app.background_pending() {
        assert!(h.app.wait_background(WAIT));
    }
    assert_eq!(h.app.gaps.runs, 1);
    // the run loop's way in: nothing more pending, nothing more to take
    assert!(!h.app.poll_background());
    let screen = h.screen();
    assert!(
        screen.contains("3 suggestions from 17 rules in"),
        "{screen}"
    );
    assert!(screen.contains("What connects Liam Corrigan and Shane Pidcock"));
}

#[test]
fn suggestions_are_grouped_by_rule_with_counts_most_useful_rule_first() {
    let mut h = opened(case);
    let screen = h.screen();
    let at = |t: &str| {
        screen
            .find(t)
            .unwrap_or_else(|| panic!("no {t:?} in\n{screen}"))
    };
    assert!(at("shared-identifier (1)") < at("lonely-mention (1)"));
    assert!(at("lonely-mention (1)") < at("dangling-mention (1)"));
    assert!(screen.contains("What is Owen Barlow's role?"));
    assert!(screen.contains("mentioned in 3 notes"));
    // the first suggestion is selected, shown in full below the list with its triggers
    assert_eq!(
        h.app.gaps.current().unwrap().key,
        "shared-identifier:E1+E2+E3"
    );
    let detail = h.line_with("both linked to phone 07700 900733, no link between them");
    assert!(
        !detail.contains("What connects"),
        "the reason has its own line"
    );
    assert!(h.line_with("E3").contains("07700 900733 (phone)"));
    assert!(h.line_with("E2     ").contains("Shane Pidcock (person)"));
}

#[test]
fn accept_makes_one_question_linked_to_every_trigger_and_one_undo_removes_it() {
    let mut h = opened(case);
    select(&mut h, "shared-identifier:E1+E2+E3");
    h.press_command("gaps.accept");
    match &h.app.overlay {
        Some(Overlay::Prompt {
            title, input, flow, ..
        }) => {
            assert_eq!(title, "New question about E1, E2, E3");
            assert!(input.text().starts_with("What connects Liam Corrigan"));
            assert!(input.is_selected(), "typing replaces it, as in every ask");
            assert!(matches!(flow, Flow::Ask(d) if d.gap.is_some()), "{flow:?}");
        }
        other => panic!("{other:?}"),
    }
    h.press("enter");
    let q = h
        .app
        .backlog
        .questions
        .keys()
        .copied()
        .max()
        .expect("added");
    assert_eq!(q.kind, Kind::Question);
    let mut linked: Vec<Id> = h
        .app
        .store
        .neighbours(q)
        .unwrap()
        .iter()
        .map(|n| n.other)
        .collect();
    linked.sort();
    assert_eq!(linked, vec![id("E1"), id("E2"), id("E3")]);
    // it says where it came from, as the command line's accept does
    let Some(weft::model::Record::Question(added)) = h.app.store.get(q).unwrap() else {
        panic!("{q}");
    };
    assert!(
        added
            .detail
            .starts_with("Raised by the gap hunter (shared-identifier): "),
        "{}",
        added.detail
    );
    assert_eq!(added.meta.tags, vec!["collection".to_string()]);
    assert!(
        !keys(&mut h).contains(&"shared-identifier:E1+E2+E3".to_string()),
        "it leaves the list at once"
    );
    ready(&mut h.app);
    assert!(!keys(&mut h).contains(&"shared-identifier:E1+E2+E3".to_string()));
    // (the new question raises its own gap: it has no hypotheses yet)
    assert!(!h.screen().contains("  What connects"), "{}", h.screen());
    h.press_command("undo");
    assert!(h.app.store.get(q).unwrap().is_none(), "one u removes it");
    // the two "uses" links and the last note's mention: the question's link is gone
    assert_eq!(h.app.store.neighbours(id("E3")).unwrap().len(), 3);
    ready(&mut h.app);
    assert!(keys(&mut h).contains(&"shared-identifier:E1+E2+E3".to_string()));
}

#[test]
fn ask_about_this_on_a_suggestion_is_the_accept_flow() {
    let mut h = opened(case);
    select(&mut h, "lonely-mention:E4");
    h.press_command("record.ask");
    match &h.app.overlay {
        Some(Overlay::Prompt { input, flow, .. }) => {
            assert_eq!(input.text(), "What is Owen Barlow's role?");
            assert!(matches!(flow, Flow::Ask(d) if d.gap.is_some()), "{flow:?}");
        }
        other => panic!("{other:?}"),
    }
    h.typed("Who employs Owen Barlow?").press("enter");
    let q = h.app.backlog.questions.keys().copied().max().unwrap();
    match h.app.store.get(q).unwrap() {
        Some(Record::Question(x)) => assert_eq!(x.title, "Who employs Owen Barlow?"),
        other => panic!("{other:?}"),
    }
    ready(&mut h.app);
    assert!(!keys(&mut h).contains(&"lonely-mention:E4".to_string()));
}

/// An App on the workspace at `path`, its keys pressed.
fn app_at(path: &std::path::Path) -> App {
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    App::new(
        Store::open(path, &opts).unwrap(),
        Keymap::default_keymap(),
        vec![],
    )
    .unwrap()
}

fn press(app: &mut App, seq: &str) {
    for k in parse_sequence(seq).unwrap() {
        app.on_key(k);
    }
}

#[test]
fn a_dismissal_holds_after_a_restart_and_can_be_restored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws");
    {
        let mut app = app_at(&path);
        case(&mut app.store);
        press(&mut app, "7");
        ready(&mut app);
        press(&mut app, "j");
        assert_eq!(app.gaps.current().unwrap().key, "lonely-mention:E4");
        // d asks why; Enter on nothing dismisses without a reason
        press(&mut app, "d");
        assert!(app.overlay.is_some(), "a prompt for the reason");
        press(&mut app, "enter");
        assert!(app.gaps.list().iter().all(|s| s.key != "lonely-mention:E4"));
        ready(&mut app);
        assert!(app.gaps.list().iter().all(|s| s.key != "lonely-mention:E4"));
    }
    let mut app = app_at(&path);
    press(&mut app, "7");
    ready(&mut app);
    assert!(
        app.gaps.list().iter().all(|s| s.key != "lonely-mention:E4"),
        "still dismissed after a restart"
    );
    assert_eq!(app.gaps.run.dealt.len(), 1);
    // z shows it; r restores it
    press(&mut app, "z");
    assert_eq!(app.gaps.current().unwrap().key, "lonely-mention:E4");
    press(&mut app, "r");
    ready(&mut app);
    press(&mut app, "z");
    assert!(app.gaps.list().iter().any(|s| s.key == "lonely-mention:E4"));
}

#[test]
fn enter_lists_the_triggers_and_enter_again_goes_to_the_record() {
    let mut h = opened(case);
    select(&mut h, "shared-identifier:E1+E2+E3");
    h.press_command("list.open");
    let screen = h.screen();
    assert!(screen.contains("Triggers: Enter opens one"), "{screen}");
    h.press_command("list.down");
    assert_eq!(h.app.gaps.trigger(), Some(id("E2")));
    assert!(h.line_with("E2     ").contains("Shane Pidcock"));
    h.press_command("list.open");
    assert_eq!(h.app.pane, Pane::Entities);
    assert_eq!(h.app.entities.selected_record(), Some(id("E2")));
    // a note trigger goes to the Notes pane
    h.press_command("pane.gaps");
    h.press_command("back");
    select(&mut h, "dangling-mention:uncle-v");
    h.press_commands(&["list.open", "list.open"]);
    assert_eq!(h.app.pane, Pane::Notes);
    assert_eq!(h.app.selected_record(), Some(id("N4")));
}

#[test]
fn l_shows_the_selected_trigger_in_links() {
    let mut h = opened(case);
    select(&mut h, "shared-identifier:E1+E2+E3");
    h.press_command("record.links");
    assert_eq!(h.app.pane, Pane::Links);
    assert_eq!(h.app.links.centre, Some(id("E1")), "the first trigger");
    h.press_commands(&[
        "pane.gaps",
        "list.open",
        "list.down",
        "list.down",
        "record.links",
    ]);
    assert_eq!(h.app.links.centre, Some(id("E3")), "the trigger selected");
}

#[test]
fn a_commit_elsewhere_runs_the_rules_again() {
    let mut h = opened(case);
    assert!(keys(&mut h).contains(&"shared-identifier:E1+E2+E3".to_string()));
    // what the app does after any commit: views brought in step; the pane on screen is
    // shown again after the key, and that asks the rules again
    let added = link(&mut h.app.store, id("E1"), id("E2"), "associate of");
    h.app.after_change(&added.done);
    h.press_command("list.first");
    ready(&mut h.app);
    assert!(!keys(&mut h).contains(&"shared-identifier:E1+E2+E3".to_string()));
    // a commit made in another pane (undo) runs nothing there: the rules run again only
    // when the Gaps pane is back on screen
    h.press_commands(&["pane.backlog", "undo"]);
    assert!(
        !h.app.background_pending(),
        "no run while working elsewhere"
    );
    h.press_command("pane.gaps");
    ready(&mut h.app);
    assert!(keys(&mut h).contains(&"shared-identifier:E1+E2+E3".to_string()));
}

#[test]
fn long_rows_are_cut_at_80_columns_and_the_detail_stays_on_screen() {
    let long = format!("Mr {} Smith", "Very-Long-Name ".repeat(8));
    let mut h = opened(|s| {
        case(s);
        let e = entity(s, long.trim(), EntityKind::Person);
        for i in 0..4 {
            note(s, &format!("[[{}]] seen {i}", long.trim()));
        }
        let _ = e;
    });
    select(&mut h, "lonely-mention:E5");
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(lines.len(), 24);
    let row = lines
        .iter()
        .find(|l| l.starts_with("  What is Mr Very-Long-Name"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains('…'), "the question is cut: {row}");
    assert!(
        row.contains("mentioned in 4"),
        "the reason keeps its place: {row}"
    );
    // the selected suggestion in full, then the status line, all inside 24 rows
    assert!(
        lines[16..23]
            .iter()
            .any(|l| l.starts_with("── lonely-mention")),
        "{screen}"
    );
    assert!(lines[23].contains("Gaps"), "status line: {}", lines[23]);
    for l in &lines {
        assert!(unicode_width::UnicodeWidthStr::width(*l) <= 80);
    }
}

#[test]
fn empty_states_and_help_say_what_is_going_on() {
    let mut h = opened(|_| {});
    assert!(h
        .screen()
        .contains("No gaps found by 17 rules in 0 records."));
    h.press_command("help");
    // each rule's reasoning is there, whole, further down
    let mut seen = String::new();
    for _ in 0..120 {
        seen.push_str(&h.screen());
        h.press("down");
    }
    assert!(seen.contains("— the gap rules —"), "{seen}");
    assert!(seen.contains("dangling-mention"));
    assert!(seen.contains("matches no entity is something reported"));
    assert!(seen.contains("unchecked-expectation"));
    // d dismisses here: help does not also offer it as the record key's delete
    let rows = h.app.help_lines(74);
    assert!(
        rows.iter()
            .any(|(k, d)| k == "d" && d.starts_with("Dismiss")),
        "{rows:?}"
    );
    assert!(
        !rows
            .iter()
            .any(|(k, d)| k.split(" / ").any(|k| k == "d") && d.starts_with("Delete")),
        "{rows:?}"
    );
}

#[test]
fn a_long_list_scrolls_with_the_selection_above_the_detail() {
    let mut h = opened(|s| {
        for i in 0..30 {
            s.add_question(weft::store::NewQuestion {
                kind: weft::model::Sees::Explanation,
                ..weft::store::NewQuestion::new(&format!("Why did visit {i:02} happen?"))
            })
            .unwrap();
        }
    });
    assert_eq!(
        h.screen().matches("What could explain").count(),
        14,
        "14 rows of list"
    );
    h.press_command("list.last");
    let last = h.app.gaps.current().unwrap().question.clone();
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.starts_with(&format!("  {last}")))
        .unwrap_or_else(|| panic!("{last} not in the list:\n{screen}"));
    assert!(row < 16, "the selected row is above the detail:\n{screen}");
    assert!(lines[16].starts_with("── no-hypotheses"), "{screen}");
    h.press_command("list.first");
    assert!(h.screen().contains("no-hypotheses (30)"));
}

/// The prompt's title, hint, text and whether the text is the selected proposal.
fn prompt(app: &App) -> (String, String, String, bool) {
    match &app.overlay {
        Some(Overlay::Prompt {
            title, hint, input, ..
        }) => (
            title.clone(),
            hint.clone(),
            input.text().to_string(),
            input.is_selected(),
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_timelines_quiet_stretch_and_the_gap_ask_the_same_way() {
    let mut h = Harness::new(|s| {
        let kyle = entity(s, "Kyle Renshaw", EntityKind::Person);
        // an undated link: not on the timeline, and Kyle is not only mentioned
        let crew = entity(s, "Brannock Road crew", EntityKind::Group);
        link(s, kyle, crew, "member of");
        for m in ["2024-05", "2024-06", "2024-07", "2024-12", "2025-01"] {
            s.add_note(NewNote {
                text: "[[Kyle Renshaw]] seen".into(),
                source: format!("source {m}"),
                when: Some(m.parse().unwrap()),
                ..NewNote::default()
            })
            .unwrap();
        }
    });
    h.press_commands(&["pane.timeline", "timeline.filter"])
        .typed("Kyle Renshaw")
        .press("enter")
        .press_command("list.first");
    for _ in 0..10 {
        if matches!(
            h.app.timeline.selected_row(),
            Some(weft::app::timeline::Row::Quiet(_))
        ) {
            break;
        }
        h.press_command("list.down");
    }
    h.press_command("record.ask");
    let timeline = prompt(&h.app);
    h.press("esc").press_command("pane.gaps");
    ready(&mut h.app);
    select(&mut h, "quiet-stretch:E1");
    h.press_command("record.ask");
    let gap = prompt(&h.app);
    // one flow: the same prompt, its proposal selected, about the same record
    assert_eq!(timeline.0, "New question about E1");
    assert_eq!(gap.0, timeline.0);
    assert_eq!(gap.1, timeline.1);
    assert!(timeline.3 && gap.3);
    assert!(timeline
        .2
        .starts_with("What was Kyle Renshaw doing between"));
    assert_eq!(
        gap.2,
        "What was Kyle Renshaw doing between Aug and Nov 2024?"
    );
    h.press("enter");
    let q = h.app.backlog.questions.keys().copied().max().unwrap();
    let linked: Vec<Id> = h
        .app
        .store
        .neighbours(q)
        .unwrap()
        .iter()
        .map(|n| n.other)
        .collect();
    assert_eq!(linked, vec![id("E1")]);
}

#[test]
fn the_timeline_and_the_rule_count_dated_links_alike_and_give_the_same_days() {
    let mut h = Harness::new(|s| {
        let kyle = entity(s, "Kyle Renshaw", EntityKind::Person);
        let crew = entity(s, "Brannock Road crew", EntityKind::Group);
        for m in ["2024-05", "2024-06", "2024-07", "2024-12", "2025-01"] {
            s.add_note(NewNote {
                text: "[[Kyle Renshaw]] seen".into(),
                source: format!("source {m}"),
                when: Some(m.parse().unwrap()),
                ..NewNote::default()
            })
            .unwrap();
        }
        // a dated link in the silence narrows it on both
        s.link(NewLink {
            from: kyle,
            to: crew,
            label: "seen with".into(),
            confidence: None,
            source: None,
            when: Some("2024-08-15".parse().unwrap()),
        })
        .unwrap();
    });
    h.press_commands(&["pane.timeline", "timeline.filter"])
        .typed("Kyle Renshaw")
        .press("enter")
        .press_command("list.first");
    let quiet: Vec<weft::app::timeline::Quiet> = h
        .app
        .timeline
        .rows
        .iter()
        .filter_map(|r| match r {
            weft::app::timeline::Row::Quiet(q) => Some(q.clone()),
            _ => None,
        })
        .collect();
    let marked = quiet
        .iter()
        .find(|q| q.gap.is_some())
        .unwrap_or_else(|| panic!("the rule's stretch is one of the timeline's: {quiet:#?}"));
    assert_eq!(marked.gap, Some((marked.from, marked.to)));
    assert_eq!(
        marked.from.to_string(),
        "2024-08-16",
        "after the dated link"
    );
    h.press_command("pane.gaps");
    ready(&mut h.app);
    select(&mut h, "quiet-stretch:E1");
    let gap = h.app.gaps.current().unwrap().clone();
    let days = format!(
        "no reporting for {} days ({} to {})",
        marked.days,
        marked.from.format("%-d %b %Y"),
        marked.to.format("%-d %b %Y")
    );
    assert!(gap.reason.starts_with(&days), "{} / {days}", gap.reason);
    assert!(
        h.screen().contains("16 Aug 2024 to 30 Nov 2024"),
        "{}",
        h.screen()
    );
}

#[test]
fn dismissing_asks_why_keeps_the_reason_shows_it_and_undoes() {
    let mut h = opened(case);
    select(&mut h, "lonely-mention:E4");
    h.press_command("gaps.dismiss");
    let (title, hint, text, _) = prompt(&h.app);
    assert_eq!(title, "Dismiss: What is Owen Barlow's role?");
    assert!(hint.starts_with("why, in one line (optional)"), "{hint}");
    assert_eq!(text, "");
    // Esc dismisses nothing
    h.press("esc");
    assert!(keys(&mut h).contains(&"lonely-mention:E4".to_string()));
    assert!(h
        .app
        .store
        .dismissal("lonely-mention:E4")
        .unwrap()
        .is_none());
    h.press_command("gaps.dismiss")
        .typed("a known informant")
        .press("enter");
    let d = h
        .app
        .store
        .dismissal("lonely-mention:E4")
        .unwrap()
        .expect("kept");
    assert_eq!(d.reason.as_deref(), Some("a known informant"));
    assert!(!keys(&mut h).contains(&"lonely-mention:E4".to_string()));
    ready(&mut h.app);
    h.press_command("gaps.dealt");
    let row = h.line_with("What is Owen Barlow's role?");
    assert!(row.contains("dismissed: a known"), "{row}");
    assert!(h
        .screen()
        .lines()
        .any(|l| l.starts_with("dismissed: a known informant")));
    // a store write like any other: u takes it back
    h.press_command("undo");
    assert!(h
        .app
        .store
        .dismissal("lonely-mention:E4")
        .unwrap()
        .is_none());
    ready(&mut h.app);
    h.press_command("gaps.dealt");
    assert!(keys(&mut h).contains(&"lonely-mention:E4".to_string()));
}

#[test]
fn the_dealt_view_shows_the_question_a_suggestion_became_by_its_title_now() {
    let mut h = opened(case);
    select(&mut h, "lonely-mention:E4");
    h.press_command("gaps.accept").press("enter");
    let q = h.app.backlog.questions.keys().copied().max().unwrap();
    let done = h
        .app
        .store
        .set_fields(q, &[("title".into(), "Who pays Owen Barlow?".into())])
        .unwrap();
    h.app.after_change(&done);
    select(&mut h, "shared-identifier:E1+E2+E3");
    h.press_command("gaps.dismiss").press("enter");
    ready(&mut h.app);
    assert!(
        h.screen()
            .contains("1 suggestion from 17 rules in 19 records"),
        "{}",
        h.screen()
    );
    h.press_command("gaps.dealt");
    let row = h.line_with("Who pays Owen Barlow?");
    assert!(
        row.contains(&format!("→ {q} Who pays Owen Barlow?")),
        "{row}"
    );
    assert!(row.contains("accepted"), "{row}");
    let row = h.line_with("What connects Liam Corrigan");
    assert!(row.contains("dismissed, no reason given"), "{row}");
    select(&mut h, "lonely-mention:E4");
    assert!(h
        .screen()
        .contains(&format!("accepted as {q}: Who pays Owen Barlow?")));
}

#[test]
fn brackets_jump_between_groups() {
    let mut h = opened(|s| {
        case(s);
        // a P1 question with no hypotheses: its own group, first
        s.add_question(weft::store::NewQuestion {
            kind: weft::model::Sees::Explanation,
            priority: 1,
            ..weft::store::NewQuestion::new("Why did the line move?")
        })
        .unwrap();
    });
    let screen = h.screen();
    assert!(screen.contains("P1 · no-hypotheses (1)"), "{screen}");
    assert!(
        screen.contains("shared-identifier (1) · no open question"),
        "{screen}"
    );
    h.press_command("list.first");
    assert_eq!(h.app.gaps.current().unwrap().key, "no-hypotheses:Q1");
    h.press_command("gaps.next_group");
    assert_eq!(
        h.app.gaps.current().unwrap().key,
        "shared-identifier:E1+E2+E3"
    );
    h.press_command("gaps.next_group");
    assert_eq!(h.app.gaps.current().unwrap().key, "lonely-mention:E4");
    h.press_command("gaps.next_group");
    assert_eq!(
        h.app.gaps.current().unwrap().key,
        "dangling-mention:uncle-v"
    );
    h.press_command("gaps.next_group");
    assert_eq!(
        h.app.gaps.current().unwrap().key,
        "dangling-mention:uncle-v",
        "the last group stays"
    );
    assert!(h.screen().contains("this is the last group"));
    h.press_command("gaps.prev_group");
    assert_eq!(h.app.gaps.current().unwrap().key, "lonely-mention:E4");
    h.press_command("gaps.prev_group")
        .press_command("gaps.prev_group");
    assert_eq!(h.app.gaps.current().unwrap().key, "no-hypotheses:Q1");
    h.press_command("gaps.prev_group");
    assert!(h.screen().contains("this is the first group"));
}
