//! weft as a real process on one workspace.

use assert_cmd::Command;
use std::path::Path;

/// `weft --workspace WS`, never reading the workspace from the environment.
pub fn weft(ws: &Path) -> Command {
    let mut c = Command::cargo_bin("weft").unwrap();
    c.arg("--workspace").arg(ws).env_remove("WEFT_WORKSPACE");
    c
}

/// Runs `weft --workspace WS ARGS…`, expects success, and returns what it printed.
pub fn run(ws: &Path, args: &[&str]) -> String {
    let out = weft(ws).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Creates a workspace at `ws` with `weft init`.
pub fn init(ws: &Path) {
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(ws)
        .assert()
        .success();
}

/// Runs `weft --workspace WS ARGS…`, expects exit `code` and one line on standard error
/// holding `text`.
pub fn fails(ws: &Path, args: &[&str], code: i32, text: &str) {
    let out = weft(ws).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(text), "{err}");
}
