//! A terminal that goes away, signals, panics and drafts, in real processes on a
//! pseudo-terminal the test owns.

mod common;

use common::pty::Pty;
use common::tmux::demo_workspace;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn weft() -> String {
    assert_cmd::cargo::cargo_bin("weft").display().to_string()
}

fn opens_again(ws: &Path) {
    let out = Command::new(weft())
        .arg("--workspace")
        .arg(ws)
        .args(["list", "notes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the workspace is still held: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_hang_up_without_sighup_ends_weft_and_frees_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    // weft is not the session leader here: closing the terminal sends it no SIGHUP
    let mut pty = Pty::spawn(&weft(), &["--workspace", ws.to_str().unwrap()], &[]);
    pty.wait_for("Backlog");
    pty.hang_up();
    let status = pty
        .wait_exit(Duration::from_secs(5))
        .expect("weft still runs 5 s after its terminal went away");
    assert_eq!(status.signal(), None, "{status:?}");
    assert!(matches!(status.code(), Some(0) | Some(129)), "{status:?}");
    opens_again(&ws);
}

#[test]
fn a_hang_up_of_the_session_leader_exits_without_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    // setsid -c: weft leads a session whose controlling terminal is the pty, so the
    // hang-up sends it SIGHUP while every write to the terminal fails
    let mut pty = Pty::spawn(
        "setsid",
        &["-c", &weft(), "--workspace", ws.to_str().unwrap()],
        &[],
    );
    pty.wait_for("Backlog");
    pty.hang_up();
    let status = pty
        .wait_exit(Duration::from_secs(5))
        .expect("weft still runs after the hang-up");
    assert_eq!(
        status.signal(),
        None,
        "killed by a signal (abort?): {status:?}"
    );
    assert_eq!(status.code(), Some(129), "{status:?}");
    opens_again(&ws);
}

#[test]
fn a_panic_does_not_abort_and_the_process_cannot_dump_core() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let mut pty = Pty::spawn(
        &weft(),
        &["--workspace", ws.to_str().unwrap()],
        &[("WEFT_DEBUG_PANIC_KEY", "Z"), ("RUST_BACKTRACE", "0")],
    );
    pty.wait_for("Backlog");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", pty.child.id())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
    pty.send(b"Z");
    let status = pty.wait_exit(Duration::from_secs(10)).expect("exit");
    assert_eq!(status.signal(), None, "{status:?}");
    assert_eq!(status.code(), Some(101), "{status:?}");
    pty.wait_for("deliberate panic");
    // the cursor is shown and the alternate screen left after the report's start
    let out = pty.output();
    let restored = out.rfind("\x1b[?1049l").expect("alternate screen left");
    assert!(out[restored..].contains("\x1b[?25h"), "cursor not shown");
    opens_again(&ws);
}

#[test]
fn a_panic_with_the_terminal_gone_does_not_abort() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    // the debug switch panics on a key; the terminal is closed right after it is sent,
    // so the report and the restore write to a dead terminal
    let mut pty = Pty::spawn(
        "setsid",
        &["-c", &weft(), "--workspace", ws.to_str().unwrap()],
        &[("WEFT_DEBUG_PANIC_KEY", "Z"), ("RUST_BACKTRACE", "0")],
    );
    pty.wait_for("Backlog");
    pty.send(b"Z");
    pty.hang_up();
    let status = pty.wait_exit(Duration::from_secs(10)).expect("exit");
    assert_eq!(status.signal(), None, "{status:?}");
    opens_again(&ws);
}

/// Every signal whose default action ends the process leaves the terminal as weft
/// found it: out of the alternate screen, cursor shown, echo and line editing back on.
#[test]
fn every_signal_that_ends_weft_gives_the_terminal_back() {
    use rustix::termios::LocalModes;
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    for (name, number) in [
        ("QUIT", 3),
        ("USR1", 10),
        ("ALRM", 14),
        ("USR2", 12),
        ("TERM", 15),
    ] {
        let mut pty = Pty::spawn(&weft(), &["--workspace", ws.to_str().unwrap()], &[]);
        pty.wait_for("Backlog");
        let raw = pty.modes();
        assert!(
            !raw.local_modes.contains(LocalModes::ECHO),
            "SIG{name}: the interface runs with echo off"
        );
        let killed = Command::new("kill")
            .args([&format!("-{name}"), &pty.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = pty
            .wait_exit(Duration::from_secs(10))
            .unwrap_or_else(|| panic!("weft still runs after SIG{name}"));
        assert_eq!(status.signal(), None, "SIG{name}: {status:?}");
        assert_eq!(status.code(), Some(128 + number), "SIG{name}: {status:?}");
        let modes = pty.modes();
        assert!(
            modes
                .local_modes
                .contains(LocalModes::ECHO | LocalModes::ICANON),
            "SIG{name} left echo or line editing off"
        );
        let out = pty.output();
        let entered = out
            .rfind("\x1b[?1049h")
            .expect("the alternate screen was entered");
        let left = out[entered..]
            .find("\x1b[?1049l")
            .unwrap_or_else(|| panic!("SIG{name} left the terminal in the alternate screen"));
        assert!(
            out[entered + left..].contains("\x1b[?25h"),
            "SIG{name} left the cursor hidden"
        );
        opens_again(&ws);
    }
}

/// Plants a draft as an earlier session that dropped with the editor open left it.
fn plant_draft(ws: &Path, target: &str, base: &str, text: &str) -> std::path::PathBuf {
    let d = ws.join("drafts");
    std::fs::create_dir_all(&d).unwrap();
    let meta = serde_json::json!({
        "for": serde_json::from_str::<serde_json::Value>(target).unwrap(),
        "started": "2026-11-30T23:50:00+00:00",
        "base": base,
    });
    std::fs::write(d.join("draft-20261130-235000-1.json"), meta.to_string()).unwrap();
    let md = d.join("draft-20261130-235000-1.md");
    std::fs::write(&md, text).unwrap();
    md
}

fn editor_script(dir: &Path, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let ed = dir.join("ed.sh");
    std::fs::write(&ed, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&ed, std::fs::Permissions::from_mode(0o700)).unwrap();
    ed.display().to_string()
}

fn detail_of_q1(ws: &Path) -> String {
    let out = Command::new(weft())
        .arg("--workspace")
        .arg(ws)
        .args(["show", "Q1", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["detail"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_draft_left_by_a_dropped_session_is_offered_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let md = plant_draft(
        &ws,
        r#"{"kind": "detail", "id": "Q1"}"#,
        "old",
        "Typed before the line dropped",
    );
    // the editor adds a line, as a person finishing the text would
    let ed = editor_script(dir.path(), "printf '\\nand finished later\\n' >> \"$1\"");
    let mut pty = Pty::spawn(
        &weft(),
        &["--workspace", ws.to_str().unwrap()],
        &[("VISUAL", &ed)],
    );
    pty.wait_for("unsaved draft");
    pty.wait_for("r reopen");
    pty.send(b"r");
    pty.wait_for("Q1: saved");
    pty.send(b"q");
    pty.wait_exit(Duration::from_secs(10)).expect("exit");
    assert_eq!(
        detail_of_q1(&ws),
        "Typed before the line dropped\nand finished later"
    );
    assert!(!md.exists(), "the draft is deleted once saved");
    assert!(!md.with_extension("json").exists());
}

#[test]
fn a_draft_can_be_discarded_or_kept_for_later() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    let before = detail_of_q1(&ws);
    let md = plant_draft(&ws, r#"{"kind": "new-note"}"#, "", "half a note");
    // Esc keeps it: offered again on the next open
    let mut pty = Pty::spawn(&weft(), &["--workspace", ws.to_str().unwrap()], &[]);
    pty.wait_for("unsaved draft");
    pty.send(b"\x1b");
    pty.wait_for("draft kept for next time");
    pty.send(b"q");
    pty.wait_exit(Duration::from_secs(10)).expect("exit");
    assert_eq!(std::fs::read_to_string(&md).unwrap(), "half a note");
    // d discards it
    let mut pty = Pty::spawn(&weft(), &["--workspace", ws.to_str().unwrap()], &[]);
    pty.wait_for("for a new note");
    pty.send(b"d");
    pty.wait_for("draft discarded");
    pty.send(b"q");
    pty.wait_exit(Duration::from_secs(10)).expect("exit");
    assert!(!md.exists() && !md.with_extension("json").exists());
    assert_eq!(detail_of_q1(&ws), before);
}

#[test]
fn an_edit_in_the_editor_is_a_draft_in_the_workspace_until_saved() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    // the editor records where its file is and its mode, then edits it
    let seen = dir.path().join("seen");
    let ed = editor_script(
        dir.path(),
        &format!(
            "for f; do :; done\nstat -c '%a %n' \"$f\" > '{}'\nprintf 'New detail\\n' > \"$f\"",
            seen.display()
        ),
    );
    // quoting in VISUAL is the shell's: a path with a space and an argument
    let spaced = dir.path().join("my editors");
    std::fs::create_dir(&spaced).unwrap();
    let ed2 = spaced.join("ed.sh");
    std::fs::rename(&ed, &ed2).unwrap();
    let visual = format!("'{}' --", ed2.display());
    let mut pty = Pty::spawn(
        &weft(),
        &["--workspace", ws.to_str().unwrap()],
        &[("VISUAL", &visual)],
    );
    pty.wait_for("Who controls the KING line");
    pty.send(b"D");
    pty.wait_for("Q1: saved");
    pty.send(b"q");
    pty.wait_exit(Duration::from_secs(10)).expect("exit");
    let seen = std::fs::read_to_string(&seen).unwrap();
    let drafts = ws.join("drafts");
    assert!(
        seen.starts_with("600 ") && seen.contains(drafts.to_str().unwrap()),
        "{seen}"
    );
    assert_eq!(detail_of_q1(&ws), "New detail");
    assert_eq!(std::fs::read_dir(&drafts).unwrap().count(), 0);
}

/// The text of every draft of weft's own boxes kept in a workspace.
fn typed_drafts(ws: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(ws.join("drafts")) else {
        return Vec::new();
    };
    dir.flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("typed-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

#[test]
fn a_hang_up_while_typing_in_the_inline_editor_keeps_the_text_as_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_workspace(dir.path());
    // weft leads the session: the hang-up sends it SIGHUP while writes to the terminal
    // fail; a debug build waits ten minutes for a pause in typing before writing, so
    // only the way out can write the draft
    let mut pty = Pty::spawn(
        "setsid",
        &["-c", &weft(), "--workspace", ws.to_str().unwrap()],
        &[("WEFT_DEBUG_DRAFT_WAIT_MS", "600000")],
    );
    pty.wait_for("Backlog");
    pty.send(b"5a");
    pty.wait_for("New note");
    pty.send(b"Typed on the train\rwhen the line dropped");
    pty.wait_for("line dropped");
    assert!(typed_drafts(&ws).is_empty(), "nothing written yet");
    pty.hang_up();
    let status = pty.wait_exit(Duration::from_secs(10)).expect("exit");
    assert_eq!(status.code(), Some(129), "{status:?}");
    let kept = typed_drafts(&ws);
    assert_eq!(kept.len(), 1, "{kept:?}");
    let v: serde_json::Value = serde_json::from_str(&kept[0]).unwrap();
    assert_eq!(v["text"], "Typed on the train\nwhen the line dropped");
    opens_again(&ws);
}
