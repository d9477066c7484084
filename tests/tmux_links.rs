//! The Links pane in a real terminal under tmux: walk the demo case from a question to
//! an entity, to a note, to another entity, and back along the trail.

mod common;

use common::tmux::{available, demo_workspace, Tmux};

/// The line of the screen with the selection marker.
fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.starts_with('›'))
        .unwrap_or_default()
        .to_string()
}

/// Presses `j` until the selected row contains `text`.
fn select(t: &Tmux, text: &str) {
    for _ in 0..80 {
        if selected_line(&t.screen()).contains(text) {
            return;
        }
        t.keys(&["j"]);
    }
    panic!("no row with {text:?}; screen:\n{}", t.screen());
}

#[test]
fn walk_the_demo_from_an_entity_to_a_note_to_another_entity_and_back() {
    if !available() {
        eprintln!("tmux is not installed: skipping real-terminal tests");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let t = Tmux::start(&["--workspace", ws.to_str().unwrap()], &[]);
    t.wait_for("Who controls the KING line");
    // the Backlog selects Q1; L shows it in the Links pane
    t.keys(&["L"]);
    t.wait_for("trail  Q1");
    let s = t.wait_for("concerns → (1)");
    assert!(
        s.contains("E35") && s.contains("07700 900412 (phone)"),
        "{s}"
    );
    // to the KING line handset: 34 links, more than the screen holds, paged
    t.keys(&["Enter"]);
    t.wait_for("trail  Q1 › E35");
    let s = t.wait_for("34 links in");
    assert!(s.contains("rows 1-"), "{s}");
    assert!(s.contains("of 34 · PageDown for more"), "{s}");
    // the entity to a note that mentions it
    select(&t, "N30");
    t.keys(&["Enter"]);
    let s = t.wait_for("trail  Q1 › E35 › N30");
    assert!(
        s.contains("Marsh's personal phone travels with the KING handset"),
        "{s}"
    );
    assert!(s.contains("mentions → (3)"), "{s}");
    // the note to another entity it mentions
    select(&t, "Darren Marsh");
    t.keys(&["Enter"]);
    let s = t.wait_for("trail  Q1 › E35 › N30 › E1");
    assert!(s.contains("E1  Darren Marsh (person) · 38 links"), "{s}");
    // and back, landing on the rows walked along
    t.keys(&["BSpace"]);
    let s = t.wait_for("trail  Q1 › E35 › N30\n");
    assert!(!s.contains("› E1 "), "{s}");
    assert!(selected_line(&s).contains("E1"), "{s}");
    t.keys(&["BSpace"]);
    let s = t.wait_for("34 links in");
    assert!(selected_line(&s).contains("N30"), "{s}");
    assert!(!s.contains("N30 ›"), "{s}");
    // the shortest path from the handset to the note's other phone, as a chain
    t.keys(&["p"]);
    t.wait_for("Shortest path from E35 to");
    t.text("E37");
    t.keys(&["Enter"]);
    let s = t.wait_for("path E35 phone");
    assert!(s.contains("E37 phone"), "{s}");
    t.keys(&["q"]);
    t.wait_exit();
}
