//! The command line's output as a real process: closed pipes end commands quietly,
//! `-o -` is standard output, `check --json`, `list --limit`, completions, the manual
//! page and the help's examples and environment.

use assert_cmd::Command;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn weft(ws: &Path) -> Command {
    let mut c = Command::cargo_bin("weft").unwrap();
    c.arg("--workspace").arg(ws).env_remove("WEFT_WORKSPACE");
    c
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("weft")
}

/// A workspace of `n` synthetic records, built through the library.
fn big(n: u64) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws");
    let opts = weft::store::OpenOptions {
        create: true,
        ..Default::default()
    };
    let mut store = weft::store::Store::open(&ws, &opts).unwrap();
    weft::synth::generate(&mut store, &weft::synth::Spec::sized(n), |_| {}).unwrap();
    drop(store);
    (d, ws)
}

fn small() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("ws");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&ws)
        .assert()
        .success();
    for t in ["First", "Second", "Third"] {
        weft(&ws).args(["add", "question", t]).assert().success();
    }
    (d, ws)
}

/// Waits for `child`, failing (rather than hanging) if it does not end in a minute.
fn wait(child: &mut std::process::Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the command did not stop after its reader went away");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_listing_quietly() {
    let (_d, ws) = big(20_000);
    let mut child = std::process::Command::new(bin())
        .arg("--workspace")
        .arg(&ws)
        .args(["list", "notes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('N'), "{first:?}");
    // The reader is dropped here: the pipe is closed.
    let status = wait(&mut child);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(err, "");
}

#[test]
fn every_data_command_is_quiet_on_a_closed_pipe() {
    let (_d, ws) = small();
    let commands: &[&[&str]] = &[
        &["list", "questions"],
        &["list", "questions", "--json"],
        &["show", "Q1"],
        &["search", "First"],
        &["log"],
        &["check"],
        &["check", "--json"],
        &["keymap", "table"],
        &["export", "backlog"],
        &["export", "workspace", "-o", "-"],
        &["completions", "bash"],
        &["man"],
    ];
    for args in commands {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(bin())
            .arg("--workspace")
            .arg(&ws)
            .args(*args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn dash_output_is_standard_output() {
    let (d, ws) = small();
    let out = weft(&ws)
        .current_dir(d.path())
        .args(["export", "backlog", "--format", "csv", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("First"));
    let out = weft(&ws)
        .current_dir(d.path())
        .args(["export", "workspace", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["questions"].as_array().unwrap().len(), 3);
    assert!(!d.path().join("-").exists(), "no file named '-'");
    // What went to stdout imports back.
    let dump = d.path().join("dump.json");
    std::fs::write(&dump, &out.stdout).unwrap();
    weft(&d.path().join("copy"))
        .arg("import")
        .arg(&dump)
        .assert()
        .success();
    weft(&d.path().join("copy"))
        .args(["list", "questions"])
        .assert()
        .success()
        .stdout(predicates::str::contains("Third"));
}

#[test]
fn list_limit_and_check_json() {
    let (_d, ws) = small();
    let out = weft(&ws)
        .args(["list", "questions", "--limit", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with("Q1") && text.contains("Q2") && !text.contains("Q3"));
    let out = weft(&ws)
        .args(["list", "questions", "--limit", "1", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    weft(&ws)
        .args(["check", "--json"])
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn check_json_lists_each_problem_as_an_object() {
    let (_d, ws) = small();
    {
        let store = weft::store::Store::open(&ws, &Default::default()).unwrap();
        store
            .corrupt_index_for_test(b"zz-not-an-index-key", Some(b"1"))
            .unwrap();
    }
    let out = weft(&ws).args(["check", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = v.as_array().unwrap();
    assert_eq!(problems.len(), 1, "{v}");
    assert!(problems[0]["problem"]
        .as_str()
        .unwrap()
        .contains("matches no record"));
    assert!(problems[0]["id"].is_null());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("weft: 1 problem in "), "{err}");
}

#[test]
fn progress_stays_off_stderr_when_it_is_not_a_terminal() {
    let (d, ws) = small();
    let file = d.path().join("w.json");
    let out = weft(&ws)
        .args(["export", "workspace", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("weft: wrote "));
    let out = weft(&d.path().join("b"))
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("weft: imported "));
    let out = weft(&ws).arg("check").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn completions_man_and_help() {
    let (_d, ws) = small();
    for (shell, marker) in [
        ("bash", "_weft()"),
        ("zsh", "#compdef weft"),
        ("fish", "complete -c weft"),
    ] {
        let out = weft(&ws).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(marker),
            "{shell}: {}",
            &text[..text.len().min(200)]
        );
        assert!(text.contains("list"), "{shell} completes subcommands");
    }
    let man = weft(&ws).arg("man").output().unwrap();
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(
        page.contains(".TH weft"),
        "{}",
        &page[..page.len().min(200)]
    );
    let help = weft(&ws).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for word in [
        "Examples:",
        "WEFT_WORKSPACE",
        "VISUAL",
        "EDITOR",
        "NO_COLOR",
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "completions",
        "man",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
    let sub = weft(&ws)
        .args(["add", "question", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8(sub.stdout)
        .unwrap()
        .contains("-1 who pays?"));
}
