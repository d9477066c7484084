//! 80 columns and the 60x12 minimum: the status line, tabs and headers, the editor's
//! title and soft-wrapped text, the Links footer, the Timeline's week axis, pickers with
//! ten or more options and the confirm box degrade by leaving parts out, never by
//! running into each other or off the screen.

mod common;
use common::harness::Harness;

use unicode_width::UnicodeWidthStr;
use weft::app::overlay::Overlay;
use weft::app::Message;
use weft::model::{Id, Yardstick};
use weft::store::{NewEntity, NewLink, NewNote, NewQuestion, Store};

const SIZES: [(u16, u16); 2] = [(80, 24), (60, 12)];

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

/// E1..E10 one of each kind, linked from E1 with a confidence, a source (N1) and a date;
/// notes from December 2024 to March 2025; a question with a long title.
fn case(s: &mut Store) {
    let kinds = [
        "person",
        "organisation",
        "group",
        "location",
        "vehicle",
        "phone",
        "account",
        "commodity",
        "online",
        "other",
    ];
    let mut ids = vec![];
    for (i, k) in kinds.iter().enumerate() {
        ids.push(
            s.add_entity(NewEntity {
                name: format!("Entity number {i} with a fairly long name"),
                kind: k.parse().unwrap(),
                aliases: vec![],
                attributes: Default::default(),
                tags: vec![],
            })
            .unwrap()
            .id,
        );
    }
    let mut notes = vec![];
    for d in [
        "2024-12-03",
        "2024-12-20",
        "2025-01-02",
        "2025-01-20",
        "2025-02-04",
        "2025-03-01",
    ] {
        notes.push(
            s.add_note(NewNote {
                text: format!("Seen on the supply line through Mereby on {d}\nbody"),
                source: "CHIS 4471".into(),
                when: Some(d.parse().unwrap()),
                ..Default::default()
            })
            .unwrap()
            .id,
        );
    }
    for to in &ids[1..] {
        s.link(NewLink {
            from: ids[0],
            to: *to,
            label: "associate of".into(),
            confidence: Some(Yardstick::RealisticPossibility),
            source: Some(notes[0]),
            when: Some("2026-05-03".parse().unwrap()),
        })
        .unwrap();
    }
    s.add_question(NewQuestion::new(
        "Who controls the supply line through Mereby and who pays the couriers each week?",
    ))
    .unwrap();
}

/// Every row of the screen takes exactly the screen's width.
fn rows_fit(screen: &str, w: u16) {
    for (y, row) in screen.lines().enumerate() {
        assert_eq!(row.width(), w as usize, "row {y}:\n{screen}");
    }
}

fn last_row(screen: &str) -> &str {
    screen.lines().last().unwrap()
}

#[test]
fn status_line_cuts_the_message_and_leaves_out_whole_hints() {
    for (w, h) in SIZES {
        let mut t = Harness::sized(w, h, case);
        t.press_commands(&["pane.backlog", "backlog.filter"])
            .typed("open active answered parked dropped p1 p2 p3 p4")
            .press("enter");
        t.app.message = None;
        let screen = t.screen();
        rows_fit(&screen, w);
        let status = last_row(&screen).trim_end();
        assert!(status.starts_with(" Backlog  filter: open"), "{screen}");
        // the hint shows whole parts only
        assert!(
            ["help", "find", "commands", "quit"]
                .iter()
                .any(|h| status.ends_with(h)),
            "{screen}"
        );
        t.app.message = Some(Message {
            text: "E2: attribute \"travels to Mereby\" is not KEY=VALUE; write it as key=value"
                .into(),
            error: true,
        });
        let screen = t.screen();
        rows_fit(&screen, w);
        let status = last_row(&screen);
        assert!(status.contains("filter: open"), "{screen}");
        assert!(status.contains(" E2: attribute"), "{screen}");
        assert!(status.ends_with('…'), "{screen}");
    }
}

#[test]
fn tabs_and_backlog_header_leave_parts_out_rather_than_cut_them() {
    for (w, h) in SIZES {
        let mut t = Harness::sized(w, h, case);
        let screen = t.screen();
        rows_fit(&screen, w);
        let lines: Vec<&str> = screen.lines().collect();
        // every title where they fit (80 columns, seven panes: tight), else the current
        // pane's title and the others' numbers; never a cut title
        if w >= 80 {
            assert!(lines[0].contains(" 5 Notes "), "{screen}");
        } else {
            assert!(
                lines[0].contains("1 Backlog") && lines[0].contains(" 5 "),
                "{screen}"
            );
        }
        assert!(!lines[0].contains('…'), "{screen}");
        // statuses no question has go first, the SEES mix stays whole
        assert!(lines[1].contains("open 1 "), "{screen}");
        assert!(lines[1].contains("SEES S1 X0 E0 W0"), "{screen}");
    }
}

#[test]
fn editor_keeps_its_keys_in_view_and_soft_wraps_long_lines() {
    for (w, h) in SIZES {
        let mut t = Harness::sized(w, h, case);
        t.press_commands(&["pane.notes", "list.first", "record.edit"]);
        assert!(matches!(t.app.overlay, Some(Overlay::Editor { .. })));
        let screen = t.screen();
        rows_fit(&screen, w);
        assert!(screen.contains("ctrl-s saves · esc cancels"), "{screen}");
        let long = "first words then a long run of text that goes on well beyond the edge of \
                    the box at any width, and ends here with lastword";
        t.press("ctrl-e").typed(" ").typed(long);
        let screen = t.screen();
        rows_fit(&screen, w);
        // nothing scrolled sideways: the start of the note and the end of the line show
        assert!(screen.contains("Seen on the supply line"), "{screen}");
        assert!(screen.contains("lastword"), "{screen}");
        // the cursor is at the end of the text, on a wrapped row inside the box
        // (the editor draws its cursor as a reversed cell)
        let buf = t.term.backend().buffer().clone();
        let reversed = ratatui::style::Modifier::REVERSED;
        let cursor = (2..h - 2)
            .flat_map(|y| (2..w - 2).map(move |x| (x, y)))
            .find(|p| buf[*p].modifier.contains(reversed))
            .unwrap_or_else(|| panic!("no cursor\n{screen}"));
        let row: &str = screen.lines().nth(cursor.1 as usize).unwrap();
        assert!(row.contains("lastword"), "cursor {cursor:?}\n{screen}");
        assert!(
            cursor.0 < w - 2 && cursor.1 > 2,
            "cursor {cursor:?}\n{screen}"
        );
        let before: String = (cursor.0 - 8..cursor.0)
            .map(|x| buf[(x, cursor.1)].symbol().to_string())
            .collect();
        assert_eq!(before, "lastword", "cursor {cursor:?}\n{screen}");
        // the edit is kept whole
        t.press("ctrl-s");
        let note = t.app.store.get(id("N6")).unwrap().unwrap();
        assert!(format!("{note:?}").contains("ends here with lastword"));
    }
}

#[test]
fn links_footer_keeps_a_gap_and_shortens_its_hint() {
    for (w, h) in SIZES {
        let mut t = Harness::sized(w, h, case);
        t.app.show_in_links(id("E1"));
        t.press_command("list.down");
        let screen = t.screen();
        rows_fit(&screen, w);
        let footer = screen.lines().nth(h as usize - 2).unwrap();
        assert!(
            footer.starts_with(" L2 · realistic possibility"),
            "{screen}"
        );
        let right = footer
            .find("rows ")
            .or_else(|| footer.find("9 links"))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(footer[..right].ends_with(' '), "{screen}");
        // the path's hint, shortened where the full one does not fit
        t.app.show_path(id("E1"), id("E5"));
        // the message saying the path was found is read whole over the pane's last
        // lines until the next key: the footer is checked without it
        t.app.message = None;
        let screen = t.screen();
        rows_fit(&screen, w);
        let footer = screen.lines().nth(h as usize - 2).unwrap();
        assert!(footer.contains("Enter walks"), "{screen}");
        let full = footer
            .trim_end()
            .ends_with("Backspace back to the neighbours");
        let short = footer.trim_end().ends_with("Enter walks · Backspace back");
        assert!(if w >= 80 { full } else { short }, "{screen}");
    }
}

#[test]
fn week_axis_labels_never_touch() {
    for (w, h) in SIZES {
        let mut t = Harness::sized(w, h, case);
        t.press_command("pane.timeline");
        // select the December note so the strip shows the winter
        t.press_command("list.first");
        for _ in 0..20 {
            if t.app
                .timeline
                .selected_row()
                .map(|r| r.span().0.to_string())
                == Some("2024-12-03".into())
            {
                break;
            }
            t.press_command("list.down");
        }
        // from months (the strip is otherwise fitted to the data) in to weeks
        t.app.timeline.set_zoom(weft::app::timeline::Zoom::Month);
        t.press_command("timeline.zoom_in");
        let screen = t.screen();
        rows_fit(&screen, w);
        assert!(screen.contains("by week"), "{screen}");
        let axis = screen.lines().nth(3).unwrap();
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let labels: Vec<&str> = axis.split_whitespace().collect();
        assert!(labels.len() >= 4, "{screen}");
        for l in &labels {
            let year = l.len() == 4 && l.chars().all(|c| c.is_ascii_digit());
            assert!(year || months.contains(l), "label {l:?}\n{screen}");
        }
        // a year opens its January
        assert!(labels.contains(&"2025"), "{screen}");
    }
}

#[test]
fn pickers_with_ten_or_more_options_keep_their_columns_and_scroll() {
    for (w, h) in SIZES {
        let mut t = Harness::sized(w, h, case);
        t.press_commands(&["pane.entities", "entities.kind"]);
        let screen = t.screen();
        rows_fit(&screen, w);
        // the column where option `n`'s label starts
        let col = |screen: &str, n: usize, label: &str| -> Option<usize> {
            screen.lines().find_map(|l| {
                l.find(&format!("{n} {label} "))
                    .map(|i| l[..i].width() + n.to_string().len() + 1)
            })
        };
        let person = col(&screen, 2, "person").unwrap_or_else(|| panic!("{screen}"));
        // move to the last option: it comes into view, in the same column
        for _ in 0..10 {
            t.press("j");
        }
        let screen = t.screen();
        rows_fit(&screen, w);
        assert!(screen.contains("11 other"), "{screen}");
        assert_eq!(col(&screen, 11, "other"), Some(person), "{screen}");
        assert_eq!(col(&screen, 9, "commodity"), Some(person), "{screen}");
        if h < 24 {
            assert!(screen.contains("of 11"), "{screen}");
        }
    }
}

#[test]
fn confirm_box_shows_every_line_of_its_message() {
    for (w, h) in SIZES {
        let mut t = Harness::sized(w, h, |s| {
            case(s);
            s.add_question(NewQuestion::new(
                "Which of the three crews that share the Mereby supply line takes over the \
                 couriers, the cash and the lock-up garages if the current leadership is \
                 arrested before the spring, and who would they answer to?",
            ))
            .unwrap();
        });
        t.press_commands(&["pane.backlog", "list.last", "record.delete"]);
        let message = match &t.app.overlay {
            Some(Overlay::Confirm { message, .. }) => message.clone(),
            other => panic!("no confirm: {other:?}"),
        };
        let screen = t.screen();
        rows_fit(&screen, w);
        let screen = screen.replace('│', " ");
        let shown: Vec<&str> = screen.split_whitespace().collect();
        assert!(message.contains("answer to?"), "{message}");
        for word in message.split_whitespace() {
            assert!(shown.contains(&word), "{word:?} of {message:?}\n{screen}");
        }
    }
}

#[test]
fn timeline_header_leaves_out_the_busiest_count_before_cutting() {
    let mut t = Harness::sized(60, 12, case);
    t.press_commands(&["pane.timeline", "timeline.zoom_in"]);
    let screen = t.screen();
    rows_fit(&screen, 60);
    let header = screen.lines().nth(1).unwrap();
    assert!(
        !header.contains("(busi") || header.contains(')'),
        "{screen}"
    );
}
