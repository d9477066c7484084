//! The interface in a real terminal under tmux: start, keys, screen, exit, signals.

mod common;

use common::tmux::{available, demo_workspace, Tmux};
use std::process::Command;

fn skip() -> bool {
    if !available() {
        // CI installs tmux (.ci/run): there a missing tmux is a failure, not a skip
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required under CI"
        );
        eprintln!("tmux is not installed: skipping real-terminal tests");
        return true;
    }
    false
}

#[test]
fn demo_add_a_question_quit_and_find_it_from_the_command_line() {
    if skip() {
        return;
    }
    // the demo makes its workspace under TMPDIR: give it a private one to find it in
    let tmp = tempfile::tempdir().unwrap();
    let t = Tmux::start(&["demo"], &[("TMPDIR", tmp.path().to_str().unwrap())]);
    t.wait_for("Backlog");
    t.wait_for("Who controls the KING line");
    // the status line says where the fresh copy lives
    t.wait_for("demo workspace:");
    t.keys(&["a"]);
    t.wait_for("New question");
    t.text("Where is the stash kept overnight?");
    t.keys(&["Enter"]);
    t.wait_for("added Q33");
    t.keys(&["q"]);
    t.wait_exit();
    let ws = demo_workspace_in(tmp.path());
    let out = Command::new(assert_cmd::cargo::cargo_bin("weft"))
        .arg("--workspace")
        .arg(&ws)
        .args(["list", "questions"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Q33") && text.contains("Where is the stash kept overnight?"),
        "{text}"
    );
}

/// The one `weft-demo-*` workspace made under `tmp`.
fn demo_workspace_in(tmp: &std::path::Path) -> std::path::PathBuf {
    let found: Vec<_> = std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("weft-demo-"))
        .collect();
    assert_eq!(found.len(), 1, "one demo workspace");
    found[0].path().join("workspace")
}

#[test]
fn terminal_is_restored_on_sigterm_sighup_and_sigint() {
    if skip() {
        return;
    }
    for sig in ["TERM", "HUP", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let ws = demo_workspace(dir.path());
        // the shell outlives weft, so the pane stays alive and its cursor can be read
        // (tmux reports a dead pane's cursor as hidden)
        let t = Tmux::start_shell(&format!(
            "'{}' --workspace '{}'; sleep 30",
            assert_cmd::cargo::cargo_bin("weft").display(),
            ws.display()
        ));
        t.wait_for("Backlog");
        let pid = child_of(t.pid().expect("pid"));
        Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(pid.to_string())
            .status()
            .unwrap();
        let start = std::time::Instant::now();
        while std::path::Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid) {
            assert!(start.elapsed().as_secs() < 10, "{sig}: weft did not exit");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        // alternate screen left: the normal screen no longer shows the interface
        let screen = t.screen();
        assert!(
            !screen.contains("? help"),
            "{sig}: still on the interface:\n{screen}"
        );
        let alt = t.tmux(&["display-message", "-p", "-t", "weft", "#{alternate_on}"]);
        assert_eq!(alt.trim(), "0", "{sig}: alternate screen still on");
        let cursor = t.tmux(&["display-message", "-p", "-t", "weft", "#{cursor_flag}"]);
        assert_eq!(cursor.trim(), "1", "{sig}: cursor still hidden");
        // and the workspace is not held
        Command::new(assert_cmd::cargo::cargo_bin("weft"))
            .arg("--workspace")
            .arg(&ws)
            .arg("check")
            .assert_ok();
    }
}

/// The first child of process `pid`.
fn child_of(pid: i32) -> i32 {
    let start = std::time::Instant::now();
    loop {
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        if let Some(c) = children.split_whitespace().next() {
            return c.parse().unwrap();
        }
        assert!(start.elapsed().as_secs() < 10, "no child of {pid}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn is_zombie(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(')')
        .next()
        .and_then(|r| r.split_whitespace().next())
        == Some("Z")
}

trait AssertOk {
    fn assert_ok(&mut self);
}

impl AssertOk for Command {
    fn assert_ok(&mut self) {
        let out = self.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn quit_restores_the_screen_and_small_terminals_are_told() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let t = Tmux::start(&["--workspace", ws.to_str().unwrap()], &[]);
    t.wait_for("Backlog");
    t.tmux(&["resize-window", "-t", "weft", "-x", "40", "-y", "10"]);
    t.wait_for("terminal too small");
    t.tmux(&["resize-window", "-t", "weft", "-x", "80", "-y", "24"]);
    t.wait_for("Backlog");
    t.keys(&["q"]);
    t.wait_exit();
    let alt = t.tmux(&["display-message", "-p", "-t", "weft", "#{alternate_on}"]);
    assert_eq!(alt.trim(), "0");
}

#[test]
fn long_text_goes_to_the_external_editor_and_back() {
    if skip() {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    // an "editor" that replaces the file's text, as a person would, then exits
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Edited outside weft\\nsecond line\\n' > \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).unwrap();
    let t = Tmux::start(
        &["--workspace", ws.to_str().unwrap()],
        &[("VISUAL", editor.to_str().unwrap())],
    );
    t.wait_for("Who controls the KING line");
    t.keys(&["D"]);
    t.wait_for("Q1: saved");
    // the interface is drawn again after the editor, in the alternate screen
    t.wait_for("Backlog");
    t.keys(&["q"]);
    t.wait_exit();
    let out = Command::new(assert_cmd::cargo::cargo_bin("weft"))
        .arg("--workspace")
        .arg(&ws)
        .args(["show", "Q1", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["detail"], "Edited outside weft\nsecond line");
}

#[test]
fn terminal_is_restored_after_a_panic() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    // the test binary is a debug build, where this switch exists
    let t = Tmux::start(
        &["--workspace", ws.to_str().unwrap()],
        &[("WEFT_DEBUG_PANIC_KEY", "Z"), ("RUST_BACKTRACE", "0")],
    );
    t.wait_for("Backlog");
    t.keys(&["Z"]);
    t.wait_exit();
    let alt = t.tmux(&["display-message", "-p", "-t", "weft", "#{alternate_on}"]);
    assert_eq!(alt.trim(), "0", "alternate screen still on after the panic");
    let screen = t.wait_for("deliberate panic");
    assert!(!screen.contains("? help"), "{screen}");
    // and the workspace was let go
    let out = Command::new(assert_cmd::cargo::cargo_bin("weft"))
        .arg("--workspace")
        .arg(&ws)
        .arg("check")
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn closing_a_terminal_whose_shell_ignores_sighup_ends_weft() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let pidfile = dir.path().join("pid");
    // the shell ignores SIGHUP and stays weft's parent, so no SIGHUP reaches weft
    let script = format!(
        "trap '' HUP; echo $$ > '{}'; '{}' --workspace '{}'; true",
        pidfile.display(),
        assert_cmd::cargo::cargo_bin("weft").display(),
        ws.display()
    );
    let t = Tmux::start_shell(&script);
    t.wait_for("Backlog");
    let shell: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let weft = child_of(shell);
    // closing the pane closes the pty
    t.tmux(&["kill-server"]);
    let start = std::time::Instant::now();
    while std::path::Path::new(&format!("/proc/{weft}")).exists() && !is_zombie(weft) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "weft still runs after its terminal closed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Command::new(assert_cmd::cargo::cargo_bin("weft"))
        .arg("--workspace")
        .arg(&ws)
        .args(["list", "notes"])
        .assert_ok();
}
