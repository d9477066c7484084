//! Pane 7, Gaps, in a real terminal under tmux: the rules run on the worker thread and
//! the run loop wakes to draw their result without another key.

mod common;

use common::tmux::{available, demo_workspace, Tmux};

#[test]
fn demo_gaps_arrive_without_a_key_and_one_is_accepted() {
    if !available() {
        eprintln!("tmux is not installed: skipping real-terminal tests");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let t = Tmux::start(&["--workspace", ws.to_str().unwrap()], &[]);
    t.wait_for("Backlog");
    t.keys(&["7"]);
    // no key after 7: the result is drawn when the worker sends it
    let screen = t.wait_for("suggestions from 17 rules in");
    // P1 first: the warning questions with nothing to watch for
    assert!(screen.contains("no-indicators ("), "{screen}");
    assert!(screen.contains("What would we see first"), "{screen}");
    t.keys(&["a"]);
    t.wait_for("New question about");
    t.keys(&["Enter"]);
    // its records serve open questions: where it goes, Enter taking the one selected
    t.wait_for("Where does the new question go?");
    t.keys(&["Enter"]);
    t.wait_for("linked to");
    t.keys(&["q"]);
    t.wait_exit();
}
