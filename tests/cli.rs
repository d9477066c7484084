//! The command line as a real process: every command's success and failure, exit codes,
//! one-line errors, the lock, and durability under SIGKILL.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn weft(ws: &Path) -> Command {
    let mut c = Command::cargo_bin("weft").unwrap();
    c.arg("--workspace").arg(ws).env_remove("WEFT_WORKSPACE");
    c
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&ws)
        .assert()
        .success();
    dir
}

fn add(ws: &Path, args: &[&str]) -> String {
    let out = weft(ws).arg("add").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs and expects exit `code` with exactly one line on stderr containing `text`.
fn fails(cmd: &mut Command, code: i32, text: &str) {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(text), "{err:?} should contain {text:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn add_prints_the_new_id_alone() {
    let d = init();
    let ws = d.path().join("ws");
    assert_eq!(
        add(
            &ws,
            &[
                "question",
                "Who runs the line?",
                "--priority",
                "1",
                "--kind",
                "explanation",
                "--tag",
                "line"
            ]
        ),
        "Q1"
    );
    assert_eq!(add(&ws, &["question", "Sub", "--parent", "q1"]), "Q2");
    assert_eq!(
        add(
            &ws,
            &[
                "entity",
                "Darren Marsh",
                "--kind",
                "person",
                "--alias",
                "Daz",
                "--attr",
                "dob=1993"
            ]
        ),
        "E1"
    );
    assert_eq!(
        add(
            &ws,
            &[
                "note",
                "Saw [[Daz]]\nat the yard",
                "--grade",
                "b2p",
                "--when",
                "~2024-03",
                "--source",
                "CHIS"
            ]
        ),
        "N1"
    );
    assert_eq!(
        add(
            &ws,
            &["hypothesis", "Q1", "Marsh runs it", "--likelihood", "rp"]
        ),
        "H1"
    );
    let link = weft(&ws)
        .args([
            "link",
            "Q1",
            "E1",
            "--label",
            "concerns",
            "--confidence",
            "hl",
            "--source",
            "N1",
        ])
        .output()
        .unwrap();
    // N1's mention of Daz took L1, so this is L2
    assert_eq!(String::from_utf8_lossy(&link.stdout).trim(), "L2");
    weft(&ws)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ok: 7 records"));
}

#[test]
fn add_refuses_bad_values_with_one_line() {
    let d = init();
    let ws = d.path().join("ws");
    fails(
        weft(&ws).args(["add", "note", "x", "--grade", "Z9Q"]),
        2,
        "invalid grade \"Z9Q\"",
    );
    fails(
        weft(&ws).args(["add", "note", "x", "--when", "2024-02-30"]),
        2,
        "2024-02-30",
    );
    fails(
        weft(&ws).args(["add", "question", "x", "--priority", "9"]),
        2,
        "priority",
    );
    fails(
        weft(&ws).args(["add", "entity", "x", "--kind", "martian"]),
        2,
        "entity kind",
    );
    fails(
        weft(&ws).args(["add", "question", "x", "--parent", "Q9"]),
        1,
        "no record Q9",
    );
    fails(
        weft(&ws).args(["add", "hypothesis", "Q1", "x"]),
        1,
        "no record Q1",
    );
    fails(
        weft(&ws).args(["link", "E1", "E2", "--label", "uses"]),
        1,
        "no record E1",
    );
    fails(weft(&ws).args(["frobnicate"]), 2, "frobnicate");
    weft(&ws)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ok: 0 records"));
}

#[test]
fn set_validates_every_field_and_writes_nothing_on_error() {
    let d = init();
    let ws = d.path().join("ws");
    add(&ws, &["question", "Q"]);
    add(&ws, &["note", "n"]);
    fails(
        weft(&ws).args(["set", "Q1", "status=closed"]),
        1,
        "invalid status \"closed\"",
    );
    fails(
        weft(&ws).args(["set", "Q1", "priority=1", "priority=9"]),
        1,
        "invalid priority \"9\"",
    );
    fails(
        weft(&ws).args(["set", "N1", "grade=Z9Q"]),
        1,
        "invalid grade",
    );
    fails(
        weft(&ws).args(["set", "Q7", "priority=1"]),
        1,
        "no record Q7",
    );
    fails(
        weft(&ws).args(["set", "Q1", "review_by=2024-02-31"]),
        1,
        "YYYY-MM-DD",
    );
    fails(
        weft(&ws).args(["set", "Q1", "status=answered"]),
        1,
        "needs an answer",
    );
    fails(weft(&ws).args(["set", "Q1", "nonsense"]), 2, "KEY=VALUE");
    let log = weft(&ws).args(["log"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&log.stdout).lines().count(),
        2,
        "only the two adds"
    );
    weft(&ws)
        .args([
            "set",
            "Q1",
            "status=answered",
            "answer=Marsh",
            "confidence=l",
            "priority=1",
        ])
        .assert()
        .success();
    let show = weft(&ws).args(["show", "q1", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(v["status"], "answered");
    assert_eq!(v["answer"]["confidence"], "likely");
    assert_eq!(v["priority"], 1);
    assert_eq!(v["id"], "Q1");
}

#[test]
fn list_show_search_path_log_and_global_flag_position() {
    let d = init();
    let ws = d.path().join("ws");
    add(&ws, &["entity", "Alpha", "--kind", "person"]);
    add(&ws, &["entity", "07700 900123", "--kind", "phone"]);
    add(&ws, &["entity", "Bravo", "--kind", "person"]);
    weft(&ws)
        .args(["link", "E1", "E2", "--label", "uses"])
        .assert()
        .success();
    weft(&ws)
        .args(["link", "E3", "E2", "--label", "uses"])
        .assert()
        .success();
    // --workspace after the subcommand means the same
    let out = Command::cargo_bin("weft")
        .unwrap()
        .args(["list", "entities", "--json", "--workspace"])
        .arg(&ws)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[0]["name"], "Alpha");
    weft(&ws)
        .args(["list", "entities", "--kind", "phone"])
        .assert()
        .success()
        .stdout(predicate::str::contains("E2").and(predicate::str::contains("E1").not()));
    weft(&ws)
        .args(["path", "E1", "E3"])
        .assert()
        .success()
        .stdout("E1 Alpha (person) -uses-> E2 07700 900123 (phone) <-uses- E3 Bravo (person)\n");
    fails(
        weft(&ws).args(["path", "E1", "E3", "--max-hops", "1"]),
        1,
        "no path from E1 to E3 within 1 hops",
    );
    let show = weft(&ws).args(["show", "E2", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(v["links"].as_array().unwrap().len(), 2);
    weft(&ws)
        .args(["search", "brvo"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("E3"));
    fails(weft(&ws).args(["search", " "]), 2, "empty");
    weft(&ws)
        .args(["log", "--limit", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("link").and(predicate::str::contains("L2")));
    fails(
        weft(&ws).args(["list", "notes", "--status", "open"]),
        2,
        "--status does not apply to notes",
    );
    fails(weft(&ws).args(["show", "Z1"]), 2, "invalid id \"Z1\"");
    fails(weft(&ws).args(["show", "X1"]), 1, "no record X1");
}

#[test]
fn delete_and_undo() {
    let d = init();
    let ws = d.path().join("ws");
    add(&ws, &["entity", "A", "--kind", "person"]);
    add(&ws, &["note", "about [[A]]"]);
    weft(&ws).args(["delete", "E1"]).assert().success();
    fails(weft(&ws).args(["show", "E1"]), 1, "no record E1");
    // undo says what it did, in one line
    weft(&ws)
        .arg("undo")
        .assert()
        .success()
        .stderr("weft: undid delete: brings back E1 and 1 link\n");
    weft(&ws)
        .args(["show", "E1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("mentions"));
    weft(&ws).arg("check").assert().success();
}

#[test]
fn redo_takes_back_an_undo_is_journaled_and_undone_again() {
    let d = init();
    let ws = d.path().join("ws");
    add(&ws, &["entity", "A", "--kind", "person"]);
    add(&ws, &["note", "about [[A]]"]);
    fails(
        weft(&ws).arg("redo"),
        1,
        "nothing to redo: redo takes back an undo, until the next change",
    );
    weft(&ws).args(["delete", "E1"]).assert().success();
    weft(&ws).arg("undo").assert().success();
    // redo says what it did, in one line, as undo does
    weft(&ws)
        .arg("redo")
        .assert()
        .success()
        .stderr("weft: redid delete: removes E1 and 1 link\n");
    fails(weft(&ws).args(["show", "E1"]), 1, "no record E1");
    // `weft log` shows it; the next undo undoes the delete again
    weft(&ws)
        .args(["log", "--limit", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(" redo "));
    weft(&ws)
        .arg("undo")
        .assert()
        .success()
        .stderr("weft: undid delete: brings back E1 and 1 link\n");
    weft(&ws).args(["show", "E1"]).assert().success();
    // a new change ends what can be redone
    add(&ws, &["note", "later"]);
    fails(weft(&ws).arg("redo"), 1, "nothing to redo");
    weft(&ws).arg("check").assert().success();
    // the log with its redo rebuilds the workspace
    let again = d.path().join("again");
    weft(&ws)
        .args(["recover", "--to"])
        .arg(&again)
        .assert()
        .success();
    weft(&again).args(["show", "E1"]).assert().success();
    weft(&again).arg("check").assert().success();
}

#[test]
fn missing_workspace_and_terminal_needs() {
    let d = tempfile::tempdir().unwrap();
    let ws = d.path().join("nowhere");
    fails(weft(&ws).args(["list", "questions"]), 1, "no workspace at");
    assert!(!ws.exists(), "nothing was created");
    // init refuses a directory holding other files, and a second init of a workspace
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "x").unwrap();
    fails(
        Command::cargo_bin("weft").unwrap().arg("init").arg(&other),
        1,
        "holds other files",
    );
    let fresh = d.path().join("fresh");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&fresh)
        .assert()
        .success();
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&fresh)
        .assert()
        .success();
    weft(&fresh)
        .args(["add", "question", "q"])
        .assert()
        .success();
    fails(
        Command::cargo_bin("weft").unwrap().arg("init").arg(&fresh),
        1,
        "already holds a workspace with 1 records",
    );
    // the interface needs a terminal
    fails(&mut weft(&fresh), 2, "needs a terminal");
}

#[test]
fn workspace_and_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let d = init();
    let ws = d.path().join("ws");
    add(&ws, &["question", "Q"]);
    let mode = std::fs::metadata(&ws).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    for entry in std::fs::read_dir(&ws).unwrap() {
        let e = entry.unwrap();
        let m = e.metadata().unwrap().permissions().mode() & 0o077;
        assert_eq!(m, 0, "{} is readable by others", e.path().display());
    }
}

#[test]
fn newer_schema_is_refused_by_the_binary() {
    let d = init();
    let ws = d.path().join("ws");
    {
        let s = weft::store::Store::open(&ws, &weft::store::OpenOptions::default()).unwrap();
        s.force_schema(99).unwrap();
    }
    fails(
        weft(&ws).args(["list", "questions"]),
        1,
        "schema version 99, newer than this weft understands",
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let d = init();
    let ws = d.path().join("ws");
    add(&ws, &["note", "evil \u{1b}]0;title\u{7} and \u{1b}[2J"]);
    for args in [
        &["list", "notes"][..],
        &["show", "N1"][..],
        &["search", "evil"][..],
    ] {
        let out = weft(&ws).args(args).output().unwrap();
        assert!(!out.stdout.contains(&0x1b), "{args:?} leaked ESC");
        assert!(!out.stdout.contains(&0x07), "{args:?} leaked BEL");
    }
    // JSON keeps the exact text, escaped
    let out = weft(&ws).args(["show", "N1", "--json"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\\u001b]0;title"));
}

#[test]
fn demo_loads_without_a_terminal() {
    let out = Command::cargo_bin("weft")
        .unwrap()
        .arg("demo")
        .output()
        .unwrap();
    assert!(out.status.success());
    let path = String::from_utf8(out.stdout).unwrap();
    let ws = Path::new(path.trim());
    weft(ws).arg("check").assert().success();
    let list = weft(ws)
        .args(["list", "questions", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 25);
    // the briefing names the case, not the temporary directory
    weft(ws)
        .args(["export", "backlog", "-o", "-"])
        .assert()
        .success()
        .stdout(predicate::str::contains("- Workspace: Operation KESTREL\n"));
    let _ = std::fs::remove_dir_all(ws.parent().unwrap());
}

#[test]
fn init_names_the_case_for_briefings_and_recover_keeps_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("heron-ws");
    // a bad name makes nothing
    fails(
        Command::cargo_bin("weft")
            .unwrap()
            .args(["init", "--name", " "])
            .arg(&ws),
        1,
        "workspace name \"\": give one line of 1 to 120 characters",
    );
    assert!(!ws.exists());
    Command::cargo_bin("weft")
        .unwrap()
        .args(["init", "--name", "Operation HERON"])
        .arg(&ws)
        .assert()
        .success();
    add(&ws, &["question", "Who?"]);
    let briefing = |ws: &Path| {
        let out = weft(ws)
            .args(["export", "backlog", "-o", "-"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(briefing(&ws).contains("- Workspace: Operation HERON\n"));
    let to = dir.path().join("rebuilt");
    weft(&ws)
        .arg("recover")
        .arg("--to")
        .arg(&to)
        .assert()
        .success();
    assert!(briefing(&to).contains("- Workspace: Operation HERON\n"));
    // and a workspace export carries it to the workspace it is imported into
    let file = dir.path().join("heron.json");
    weft(&ws)
        .args(["export", "workspace", "-o"])
        .arg(&file)
        .assert()
        .success();
    let moved = dir.path().join("moved");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&moved)
        .assert()
        .success();
    weft(&moved).arg("import").arg(&file).assert().success();
    assert!(briefing(&moved).contains("- Workspace: Operation HERON\n"));
    // without a name, the directory's name stands in
    let plain = init();
    let plain = plain.path().join("ws");
    add(&plain, &["question", "Who?"]);
    assert!(briefing(&plain).contains("- Workspace: ws\n"));
}
