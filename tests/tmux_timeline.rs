//! The Timeline pane in a real terminal under tmux: the demo's timeline, filtered to one
//! entity, shows its quiet stretch, which becomes a question in the backlog.

mod common;

use common::tmux::{available, demo_workspace, Tmux};
use std::process::Command;

#[test]
fn demo_timeline_filtered_to_kyle_renshaw_finds_his_quiet_stretch() {
    if !available() {
        eprintln!("tmux is not installed: skipping real-terminal tests");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let t = Tmux::start(&["--workspace", ws.to_str().unwrap()], &[]);
    t.wait_for("Backlog");
    t.keys(&["2"]);
    // the case's data (2021 to 2025) too long for weeks: by the month, centred on it
    let screen = t.wait_for("Occurred time · by month");
    // the density strip and the latest rows of the case
    assert!(screen.contains('█'), "{screen}");
    assert!(screen.contains("Jun 2025"), "{screen}");

    t.keys(&["f"]);
    t.wait_for("Filter the timeline");
    t.text("Kyle Renshaw");
    t.keys(&["Enter"]);
    let screen = t.wait_for("filter: E2 Kyle Renshaw");
    assert!(screen.contains("1 quiet stretch"), "{screen}");

    // jump to August 2024: the first row from then on is the quiet stretch
    t.keys(&["t"]);
    t.wait_for("Jump to a date");
    t.text("2024-08");
    t.keys(&["Enter"]);
    let screen = t.wait_for("· quiet");
    assert!(
        screen.contains("── no reporting for") && screen.contains("(1 Aug 2024 to "),
        "{screen}"
    );

    t.keys(&["a"]);
    t.wait_for("New question about E2");
    t.wait_for("What was Kyle Renshaw doing between 1 Aug 2024 and");
    t.keys(&["Enter"]);
    // Kyle serves several open questions: where it goes (Enter takes the selected)
    t.wait_for("Where does the new question go?");
    t.keys(&["Enter"]);
    t.wait_for("added Q33");
    t.keys(&["Escape"]);
    t.wait_for("filter cleared");
    t.keys(&["q"]);
    t.wait_exit();

    let out = Command::new(assert_cmd::cargo::cargo_bin("weft"))
        .arg("--workspace")
        .arg(&ws)
        .args(["show", "Q33"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("What was Kyle Renshaw doing between 1 Aug 2024"),
        "{text}"
    );
    assert!(text.contains("concerns") && text.contains("E2"), "{text}");
}
