//! Screen snapshots (insta) of every pane at 80x24 on the demo case: its list, its
//! detail view and the boxes it opens. The snapshots are text files under
//! `tests/snapshots/`, reviewed like code: a layout change shows up in the diff.
//!
//! What varies between runs is fixed: the date the app sees (the harness), the time and
//! the user written on changes, and the workspace name (`weft demo` sets it). Temporary
//! paths never reach these screens. Accept new or changed snapshots with
//! `INSTA_UPDATE=always cargo test --test snapshots` (or `cargo insta review`), then read
//! them.

mod common;
use common::harness::Harness;

use chrono::{TimeZone, Utc};
use weft::app::overlay::Overlay;
use weft::app::Pane;

/// The workspace `weft demo` opens, with the user and the clock fixed, shown at 80x24
/// on pane `pane` (a `pane.NAME` command) with every background result taken in.
fn demo(pane: &str) -> Harness {
    let mut h = Harness::new(|s| {
        s.set_user("analyst");
        weft::demo::load(s, weft::demo::KESTREL).expect("demo case");
        s.set_clock(Some(Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap()));
        s.set_name("Operation KESTREL").expect("name");
    });
    h.press_command(pane);
    h.settle();
    h
}

/// Snapshots the screen, each line's trailing blanks dropped so the files read cleanly.
#[track_caller]
fn snap(h: &mut Harness, name: &str) {
    h.settle();
    let screen: String = h
        .screen()
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    insta::assert_snapshot!(name, screen);
}

/// The kind of box open, for the checks that a snapshot shows what its name says.
fn open_box(h: &Harness) -> &'static str {
    match &h.app.overlay {
        None => "none",
        Some(Overlay::Help { .. }) => "help",
        Some(Overlay::Prompt { .. }) => "prompt",
        Some(Overlay::Pick { .. }) => "pick",
        Some(Overlay::Confirm { .. }) => "confirm",
        Some(Overlay::Finder { .. }) => "finder",
        Some(Overlay::Palette { .. }) => "palette",
        Some(Overlay::Editor { .. }) => "editor",
    }
}

/// Opens a box with `command` and checks it is the kind expected and that it says
/// `shows` before the snapshot is taken.
#[track_caller]
fn boxed(h: &mut Harness, command: &str, kind: &str, shows: &str, name: &str) {
    h.press_command(command);
    h.settle();
    assert_eq!(
        open_box(h),
        kind,
        "{command} opens a {kind}:\n{}",
        h.screen()
    );
    let screen = h.screen();
    assert!(screen.contains(shows), "{name}: no {shows:?} in\n{screen}");
    snap(h, name);
}

// ---- Backlog ----

#[test]
fn backlog_list() {
    let mut h = demo("pane.backlog");
    assert_eq!(h.app.pane, Pane::Backlog);
    snap(&mut h, "backlog_list");
}

#[test]
fn backlog_detail() {
    let mut h = demo("pane.backlog");
    h.press_command("list.open");
    assert!(h.app.backlog.detail.is_some());
    snap(&mut h, "backlog_detail");
}

#[test]
fn backlog_help() {
    let mut h = demo("pane.backlog");
    boxed(&mut h, "help", "help", "Backlog", "backlog_help");
}

#[test]
fn backlog_palette() {
    let mut h = demo("pane.backlog");
    boxed(&mut h, "palette", "palette", "pane.next", "backlog_palette");
}

#[test]
fn backlog_finder() {
    let mut h = demo("pane.backlog");
    h.press_command("finder").typed("renshaw");
    h.settle();
    assert_eq!(open_box(&h), "finder");
    assert!(h.screen().contains("Kyle Renshaw"));
    snap(&mut h, "backlog_finder");
}

#[test]
fn backlog_add_prompt() {
    let mut h = demo("pane.backlog");
    boxed(&mut h, "backlog.add", "prompt", "", "backlog_add_prompt");
}

#[test]
fn backlog_status_picker() {
    let mut h = demo("pane.backlog");
    boxed(
        &mut h,
        "backlog.status",
        "pick",
        "(now)",
        "backlog_status_picker",
    );
}

#[test]
fn backlog_kind_picker() {
    let mut h = demo("pane.backlog");
    boxed(&mut h, "backlog.kind", "pick", "", "backlog_kind_picker");
}

#[test]
fn backlog_review_prompt() {
    let mut h = demo("pane.backlog");
    boxed(
        &mut h,
        "backlog.review",
        "prompt",
        "",
        "backlog_review_prompt",
    );
}

#[test]
fn backlog_filter_prompt() {
    let mut h = demo("pane.backlog");
    boxed(
        &mut h,
        "backlog.filter",
        "prompt",
        "",
        "backlog_filter_prompt",
    );
}

#[test]
fn backlog_export_picker() {
    let mut h = demo("pane.backlog");
    boxed(
        &mut h,
        "backlog.export",
        "pick",
        "",
        "backlog_export_picker",
    );
}

#[test]
fn backlog_hypothesis_prompt() {
    let mut h = demo("pane.backlog");
    boxed(
        &mut h,
        "backlog.hypothesis",
        "prompt",
        "",
        "backlog_hypothesis_prompt",
    );
}

#[test]
fn backlog_detail_editor() {
    let mut h = demo("pane.backlog");
    boxed(
        &mut h,
        "backlog.detail",
        "editor",
        "",
        "backlog_detail_editor",
    );
}

#[test]
fn backlog_edit_title_prompt() {
    let mut h = demo("pane.backlog");
    boxed(
        &mut h,
        "record.edit",
        "prompt",
        "",
        "backlog_edit_title_prompt",
    );
}

#[test]
fn backlog_tags_prompt() {
    let mut h = demo("pane.backlog");
    boxed(&mut h, "record.tags", "prompt", "", "backlog_tags_prompt");
}

#[test]
fn backlog_ask_prompt() {
    let mut h = demo("pane.backlog");
    boxed(&mut h, "record.ask", "prompt", "", "backlog_ask_prompt");
}

#[test]
fn backlog_link_finder() {
    let mut h = demo("pane.backlog");
    boxed(&mut h, "record.link", "finder", "", "backlog_link_finder");
}

#[test]
fn backlog_delete_confirmation() {
    let mut h = demo("pane.backlog");
    // Q1 has sub-questions and is refused before anything is asked; Q2 is a leaf
    h.press_command("list.down");
    boxed(
        &mut h,
        "record.delete",
        "confirm",
        "Delete Q2",
        "backlog_delete_confirmation",
    );
}

#[test]
fn backlog_answer_confidence_picker() {
    let mut h = demo("pane.backlog");
    // answered asks for the answer, then for the confidence in it (the yardstick)
    h.press_command("backlog.status").press("3");
    assert_eq!(open_box(&h), "prompt");
    snap(&mut h, "backlog_answer_prompt");
    h.typed("Darren Marsh, through Kyle Renshaw").press("enter");
    assert_eq!(open_box(&h), "pick");
    assert!(h.screen().contains("realistic possibility"));
    snap(&mut h, "backlog_confidence_picker");
}

#[test]
fn backlog_likelihood_and_hypothesis_status_pickers() {
    let mut h = demo("pane.backlog");
    // in the detail view the cursor is on the first hypothesis
    h.press_command("list.open");
    assert_eq!(
        h.app.selected_record().map(|id| id.to_string()).as_deref(),
        Some("H1")
    );
    boxed(
        &mut h,
        "backlog.likelihood",
        "pick",
        "likely",
        "backlog_likelihood_picker",
    );
    h.press("esc");
    boxed(
        &mut h,
        "backlog.hypothesis_status",
        "pick",
        "rejected",
        "backlog_hypothesis_status_picker",
    );
}

#[test]
fn backlog_export_path_prompt() {
    let mut h = demo("pane.backlog");
    h.press_command("backlog.export").press("2");
    assert_eq!(open_box(&h), "prompt");
    assert!(h.screen().contains("weft-backlog-2026-11-25.csv"));
    snap(&mut h, "backlog_export_path_prompt");
}

#[test]
fn backlog_editor_discard_confirmation() {
    let mut h = demo("pane.backlog");
    h.press_command("backlog.detail")
        .typed(" More to come.")
        .press("esc");
    assert_eq!(open_box(&h), "confirm");
    snap(&mut h, "backlog_editor_discard_confirmation");
}

#[test]
fn backlog_sort_chord() {
    let mut h = demo("pane.backlog");
    // a chord's first key: the which-key box lists how it can go on
    h.press("o");
    assert!(!h.app.pending.is_empty());
    snap(&mut h, "backlog_sort_chord");
}

// ---- Timeline ----

#[test]
fn timeline_list() {
    let mut h = demo("pane.timeline");
    snap(&mut h, "timeline_list");
}

#[test]
fn timeline_help() {
    let mut h = demo("pane.timeline");
    boxed(&mut h, "help", "help", "Timeline", "timeline_help");
}

#[test]
fn timeline_jump_prompt() {
    let mut h = demo("pane.timeline");
    boxed(
        &mut h,
        "timeline.jump",
        "prompt",
        "",
        "timeline_jump_prompt",
    );
}

#[test]
fn timeline_zoomed_in_and_recorded_time() {
    let mut h = demo("pane.timeline");
    h.press_command("timeline.zoom_in");
    snap(&mut h, "timeline_by_week");
    h.press_commands(&["timeline.zoom_out", "timeline.axis"]);
    assert!(h.screen().contains("Recorded time"));
    snap(&mut h, "timeline_recorded_time");
}

/// Kyle Renshaw's timeline, with the quiet autumn the demo plants, and the question a
/// quiet stretch becomes.
#[test]
fn timeline_entity_quiet_stretch_and_its_question() {
    let mut h = demo("pane.timeline");
    h.press_command("timeline.filter")
        .typed("Kyle Renshaw")
        .press("enter");
    h.press_command("list.first");
    while !matches!(
        h.app.timeline.selected_row(),
        Some(weft::app::timeline::Row::Quiet(_))
    ) {
        let before = h.app.timeline.cursor.selected;
        h.press_command("list.down");
        assert_ne!(before, h.app.timeline.cursor.selected, "no quiet stretch");
    }
    assert!(h.screen().contains("no reporting for"));
    snap(&mut h, "timeline_entity_quiet_stretch");
    boxed(
        &mut h,
        "timeline.ask",
        "prompt",
        "What was Kyle Renshaw doing",
        "timeline_quiet_stretch_ask_prompt",
    );
}

#[test]
fn timeline_filter() {
    let mut h = demo("pane.timeline");
    boxed(&mut h, "timeline.filter", "prompt", "", "timeline_filter");
}

// ---- Links ----

#[test]
fn links_empty() {
    let mut h = demo("pane.links");
    snap(&mut h, "links_empty");
}

#[test]
fn links_help() {
    let mut h = demo("pane.links");
    boxed(&mut h, "help", "help", "Links", "links_help");
}

/// The Links pane centred on Darren Marsh, shown there from the Entities pane.
fn links_on_marsh() -> Harness {
    let mut h = demo("pane.entities");
    h.press_command("finder")
        .typed("Darren Marsh")
        .press("enter");
    assert_eq!(
        h.app.selected_record().map(|id| id.to_string()).as_deref(),
        Some("E1")
    );
    h.press_command("record.links");
    assert_eq!(h.app.pane, Pane::Links);
    h
}

#[test]
fn links_centred() {
    let mut h = links_on_marsh();
    assert!(h.screen().contains("Darren Marsh"));
    snap(&mut h, "links_centred");
}

#[test]
fn links_walked_one_step() {
    let mut h = links_on_marsh();
    h.press_commands(&["list.down", "list.open"]);
    snap(&mut h, "links_walked");
}

#[test]
fn links_path() {
    let mut h = links_on_marsh();
    boxed(&mut h, "links.path", "finder", "", "links_path_finder");
    h.typed("Vincent Rusk").press("enter");
    assert_eq!(open_box(&h), "none");
    snap(&mut h, "links_path");
}

#[test]
fn links_new_link_steps() {
    let mut h = links_on_marsh();
    boxed(&mut h, "record.link", "finder", "", "links_link_finder");
    h.typed("Vincent Rusk").press("enter");
    snap(&mut h, "links_link_label");
}

// ---- Entities ----

#[test]
fn entities_list() {
    let mut h = demo("pane.entities");
    snap(&mut h, "entities_list");
}

#[test]
fn entities_detail() {
    let mut h = demo("pane.entities");
    h.press_command("list.open");
    snap(&mut h, "entities_detail");
}

#[test]
fn entities_help() {
    let mut h = demo("pane.entities");
    boxed(&mut h, "help", "help", "Entities", "entities_help");
}

#[test]
fn entities_add() {
    let mut h = demo("pane.entities");
    boxed(&mut h, "entities.add", "prompt", "", "entities_add");
}

#[test]
fn entities_merge() {
    let mut h = demo("pane.entities");
    boxed(
        &mut h,
        "entities.merge",
        "prompt",
        "Merge into",
        "entities_merge",
    );
}

#[test]
fn entities_add_kind_picker() {
    let mut h = demo("pane.entities");
    h.press_command("entities.add")
        .typed("Terry Gault")
        .press("enter");
    assert_eq!(open_box(&h), "pick");
    snap(&mut h, "entities_add_kind_picker");
}

#[test]
fn entities_edit() {
    let mut h = demo("pane.entities");
    boxed(
        &mut h,
        "record.edit",
        "prompt",
        "Edit E7: name (1/4)",
        "entities_edit",
    );
}

#[test]
fn entities_filter() {
    let mut h = demo("pane.entities");
    boxed(&mut h, "entities.filter", "prompt", "", "entities_filter");
}

#[test]
fn entities_kind_picker() {
    let mut h = demo("pane.entities");
    boxed(&mut h, "entities.kind", "pick", "", "entities_kind_picker");
}

// ---- Notes ----

#[test]
fn notes_list() {
    let mut h = demo("pane.notes");
    snap(&mut h, "notes_list");
}

#[test]
fn notes_detail() {
    let mut h = demo("pane.notes");
    h.press_command("list.open");
    snap(&mut h, "notes_detail");
}

#[test]
fn notes_help() {
    let mut h = demo("pane.notes");
    boxed(&mut h, "help", "help", "Notes", "notes_help");
}

#[test]
fn notes_add_editor() {
    let mut h = demo("pane.notes");
    boxed(&mut h, "notes.add", "editor", "", "notes_add_editor");
}

#[test]
fn notes_grade() {
    let mut h = demo("pane.notes");
    boxed(&mut h, "notes.grade", "pick", "", "notes_grade");
}

#[test]
fn notes_edit() {
    let mut h = demo("pane.notes");
    boxed(
        &mut h,
        "record.edit",
        "editor",
        "ACE taking on",
        "notes_edit",
    );
}

#[test]
fn notes_in_occurred_order() {
    let mut h = demo("pane.notes");
    h.press_command("notes.order");
    snap(&mut h, "notes_occurred_order");
}

#[test]
fn notes_when() {
    let mut h = demo("pane.notes");
    boxed(&mut h, "notes.when", "prompt", "", "notes_when");
}

#[test]
fn notes_source() {
    let mut h = demo("pane.notes");
    boxed(&mut h, "notes.source", "prompt", "", "notes_source");
}

#[test]
fn notes_filter() {
    let mut h = demo("pane.notes");
    boxed(&mut h, "notes.filter", "prompt", "", "notes_filter");
}

// ---- Hypotheses ----

#[test]
fn hypotheses_matrix() {
    let mut h = demo("pane.hypotheses");
    snap(&mut h, "hypotheses_matrix");
}

#[test]
fn hypotheses_help() {
    let mut h = demo("pane.hypotheses");
    boxed(&mut h, "help", "help", "Hypotheses", "hypotheses_help");
}

#[test]
fn hypotheses_question_finder() {
    let mut h = demo("pane.hypotheses");
    h.press_command("hypotheses.question").typed("ACE line");
    h.settle();
    assert_eq!(open_box(&h), "finder");
    snap(&mut h, "hypotheses_question_finder");
    // the matrix of another question, chosen in the finder: Q19's
    h.press("ctrl-u").typed("Q19").press("enter");
    h.settle();
    assert!(h.screen().contains("Q19"));
    snap(&mut h, "hypotheses_matrix_q19");
}

#[test]
fn hypotheses_evidence_finder() {
    let mut h = demo("pane.hypotheses");
    h.press_command("hypotheses.evidence")
        .typed("Marsh handset");
    h.settle();
    assert_eq!(open_box(&h), "finder");
    snap(&mut h, "hypotheses_evidence_finder");
}

#[test]
fn hypotheses_add_prompt() {
    let mut h = demo("pane.hypotheses");
    boxed(
        &mut h,
        "hypotheses.add",
        "prompt",
        "",
        "hypotheses_add_prompt",
    );
}

#[test]
fn hypotheses_status_picker() {
    let mut h = demo("pane.hypotheses");
    boxed(
        &mut h,
        "hypotheses.status",
        "pick",
        "rejected",
        "hypotheses_status_picker",
    );
}

#[test]
fn hypotheses_likelihood_picker() {
    let mut h = demo("pane.hypotheses");
    boxed(
        &mut h,
        "hypotheses.likelihood",
        "pick",
        "likely",
        "hypotheses_likelihood_picker",
    );
}

#[test]
fn hypotheses_collect_next_picker() {
    let mut h = demo("pane.hypotheses");
    boxed(
        &mut h,
        "hypotheses.collect",
        "pick",
        "Collect next for",
        "hypotheses_collect_next_picker",
    );
}

#[test]
fn hypotheses_expectation_prompt() {
    let mut h = demo("pane.hypotheses");
    boxed(
        &mut h,
        "hypotheses.expect",
        "prompt",
        "",
        "hypotheses_expectation_prompt",
    );
}

#[test]
fn hypotheses_expectation_status() {
    let mut h = demo("pane.hypotheses");
    boxed(
        &mut h,
        "hypotheses.checked",
        "pick",
        "X3",
        "hypotheses_expectation_picker",
    );
}

// ---- Gaps ----

#[test]
fn gaps_list() {
    let mut h = demo("pane.gaps");
    snap(&mut h, "gaps_list");
}

#[test]
fn gaps_triggers() {
    let mut h = demo("pane.gaps");
    h.press_command("list.open");
    snap(&mut h, "gaps_triggers");
}

#[test]
fn gaps_help() {
    let mut h = demo("pane.gaps");
    boxed(&mut h, "help", "help", "Gaps", "gaps_help");
}

#[test]
fn gaps_dealt_with() {
    let mut h = demo("pane.gaps");
    h.press_command("gaps.dismiss");
    h.typed("covered by the weapons briefing").press("enter");
    h.settle();
    h.press_command("gaps.dealt");
    h.settle();
    assert!(h.screen().contains("1 dismissed"), "{}", h.screen());
    assert!(
        h.screen()
            .contains("dismissed: covered by the weapons briefing"),
        "{}",
        h.screen()
    );
    snap(&mut h, "gaps_dealt_with");
}

#[test]
fn gaps_dismiss_prompt() {
    let mut h = demo("pane.gaps");
    boxed(
        &mut h,
        "gaps.dismiss",
        "prompt",
        "why, in one line",
        "gaps_dismiss_prompt",
    );
}

#[test]
fn gaps_accept_prompt() {
    let mut h = demo("pane.gaps");
    boxed(&mut h, "gaps.accept", "prompt", "", "gaps_accept_prompt");
}
