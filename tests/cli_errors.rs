//! The command line's usage errors as a real process: one whole line, exit 2, and free
//! text that may begin with '-'.

use assert_cmd::Command;
use proptest::prelude::*;
use std::path::Path;

fn weft() -> Command {
    let mut c = Command::cargo_bin("weft").unwrap();
    c.env_remove("WEFT_WORKSPACE");
    c
}

fn init(ws: &Path) {
    weft().arg("init").arg(ws).assert().success();
}

/// Runs `args` and expects exit 2, nothing on stdout and exactly `line` on stderr.
fn usage_error(args: &[&str], line: &str) {
    let out = weft().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(String::from_utf8_lossy(&out.stderr), format!("{line}\n"));
}

#[test]
fn a_mistyped_subcommand_gets_its_suggestion() {
    usage_error(
        &["lsit"],
        "weft: unrecognized subcommand 'lsit' (did you mean 'list'?)",
    );
}

#[test]
fn a_missing_argument_is_named_with_its_command() {
    usage_error(
        &["add", "question"],
        "weft: add question: missing required argument <TITLE>",
    );
}

#[test]
fn an_invalid_value_lists_the_possible_ones() {
    usage_error(
        &["list", "widgets"],
        "weft: invalid value 'widgets' for <KIND> (possible values: questions, hypotheses, entities, notes, links, expectations)",
    );
}

#[test]
fn a_keymap_that_does_not_exist_is_refused_by_every_command() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws");
    init(&ws);
    let missing = d.path().join("nope.toml");
    for args in [
        &["list", "notes"][..],
        &["check"],
        &["add", "question", "t"],
    ] {
        let out = weft()
            .arg("--workspace")
            .arg(&ws)
            .arg("--keymap")
            .arg(&missing)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!(
            "weft: --keymap {}: cannot read it",
            missing.display()
        )));
    }
    // Nothing was added.
    weft()
        .arg("--workspace")
        .arg(&ws)
        .args(["list", "questions"])
        .assert()
        .success()
        .stdout("");
}

#[test]
fn free_text_may_begin_with_a_hyphen() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws");
    init(&ws);
    let run = |args: &[&str]| {
        let out = weft()
            .arg("--workspace")
            .arg(&ws)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    assert_eq!(
        run(&["add", "question", "-1 who pays?", "--priority", "1"]),
        "Q1"
    );
    assert_eq!(run(&["add", "hypothesis", "Q1", "-x marks it"]), "H1");
    assert_eq!(run(&["add", "entity", "-Dash-", "--kind", "person"]), "E1");
    assert_eq!(run(&["add", "note", "- a bulleted line"]), "N1");
    assert!(run(&["search", "-1 who"]).starts_with("Q1"));
    let shown = run(&["show", "Q1", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["title"], "-1 who pays?");
    assert_eq!(v["priority"], 1);
}

#[test]
fn a_mistyped_flag_is_not_taken_for_a_title() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws");
    init(&ws);
    let out = weft()
        .arg("--workspace")
        .arg(&ws)
        .args(["add", "question", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    weft()
        .arg("--workspace")
        .arg(&ws)
        .args(["list", "questions"])
        .assert()
        .success()
        .stdout("");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any title (printable, one line, possibly starting with '-') comes back unchanged.
    #[test]
    fn any_title_round_trips(title in "-?[-a-zA-Z0-9 ?!.,'()éأ中]{0,20}[a-zA-Z0-9?éأ中]") {
        // A lone `--word` is refused as a mistyped flag (tested above).
        prop_assume!(!title.starts_with("--") || title.contains(' '));
        // `-h` and other short-flag clusters stay flags (`-h` is help), as in every tool.
        prop_assume!(!title.starts_with('-') || !title[1..].starts_with(|c: char| c.is_ascii_alphabetic()));
        let d = tempfile::tempdir().unwrap();
        let ws = d.path().join("ws");
        init(&ws);
        let out = weft().arg("--workspace").arg(&ws).args(["add", "question", &title]).output().unwrap();
        prop_assert!(out.status.success(), "{:?}: {}", title, String::from_utf8_lossy(&out.stderr));
        let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let shown = weft().arg("--workspace").arg(&ws).args(["show", &id, "--json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
        prop_assert_eq!(v["title"].as_str(), Some(title.trim()));
    }
}
