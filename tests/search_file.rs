//! `weft search` as a real process with the search file beside the database: written by
//! the first search, kept current by later commands, never trusted when it is damaged,
//! copied from elsewhere or out of date, and behind the same lock as every command.

mod common;

use common::cli::{init, run, weft};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

fn workspace(notes: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    init(&ws);
    run(&ws, &["add", "entity", "Kyle Renshaw", "--kind", "person"]);
    run(&ws, &["add", "question", "Who pays the courier?"]);
    for n in notes {
        run(&ws, &["add", "note", n]);
    }
    dir
}

const FILE: &str = "search.idx";

#[test]
fn the_first_search_writes_the_file_and_later_commands_append_to_it() {
    let dir = workspace(&["Harbour watch\nthe courier left by the north gate"]);
    let ws = dir.path().join("ws");
    assert!(!ws.join(FILE).exists());
    let first = run(&ws, &["search", "courier"]);
    assert_eq!(
        first,
        "Q1     Who pays the courier?\nN1     Harbour watch\n"
    );
    let meta = fs::metadata(ws.join(FILE)).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    run(&ws, &["add", "note", "A second courier seen at the yard"]);
    run(&ws, &["set", "Q1", "title=Who pays the driver?"]);
    let after = fs::metadata(ws.join(FILE)).unwrap();
    // appended to in place, not written afresh
    assert_eq!(after.ino(), meta.ino());
    assert!(after.len() > meta.len());
    assert_eq!(
        run(&ws, &["search", "courier"]),
        "N1     Harbour watch\nN2     A second courier seen at the yard\n"
    );
    assert_eq!(
        run(&ws, &["search", "driver"]),
        "Q1     Who pays the driver?\n"
    );
    run(&ws, &["undo"]);
    assert_eq!(run(&ws, &["search", "driver"]), "");
}

#[test]
fn a_damaged_or_foreign_file_is_written_afresh_and_the_answer_is_the_databases() {
    let dir = workspace(&["Harbour watch"]);
    let ws = dir.path().join("ws");
    let want = run(&ws, &["search", "harbour"]);
    let good = fs::read(ws.join(FILE)).unwrap();
    let mut flipped = good.clone();
    flipped[20] ^= 0x40;
    let damages: Vec<Vec<u8>> = vec![
        flipped,
        good[..good.len() - 5].to_vec(),
        b"not a search file at all".to_vec(),
        Vec::new(),
    ];
    for bytes in damages {
        fs::write(ws.join(FILE), &bytes).unwrap();
        assert_eq!(run(&ws, &["search", "harbour"]), want);
        assert_eq!(fs::read(ws.join(FILE)).unwrap(), good, "written afresh");
    }
    // another workspace's file, current for its own log, answers nothing here
    let other = workspace(&["Harbour lights"]);
    let other_ws = other.path().join("ws");
    run(&other_ws, &["search", "lights"]);
    fs::copy(other_ws.join(FILE), ws.join(FILE)).unwrap();
    assert_eq!(run(&ws, &["search", "harbour"]), want);
    assert_eq!(run(&ws, &["search", "lights"]), "");
}

#[test]
fn a_change_made_without_the_file_leaves_it_to_be_written_afresh() {
    let dir = workspace(&["Harbour watch"]);
    let ws = dir.path().join("ws");
    run(&ws, &["search", "harbour"]);
    let held = fs::read(ws.join(FILE)).unwrap();
    // as a weft that knows no search file would: a change, and the old file put back
    run(&ws, &["add", "note", "Harbour master paid"]);
    fs::write(ws.join(FILE), &held).unwrap();
    assert_eq!(
        run(&ws, &["search", "harbour"]),
        "N1     Harbour watch\nN2     Harbour master paid\n"
    );
}

#[test]
fn a_search_waits_for_the_lock_like_every_command() {
    let dir = workspace(&["Harbour watch"]);
    let ws = dir.path().join("ws");
    run(&ws, &["search", "harbour"]);
    let lock = fs::OpenOptions::new()
        .write(true)
        .open(ws.join("lock"))
        .unwrap();
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let out = weft(&ws).args(["search", "harbour"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is open elsewhere"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    drop(lock);
    assert_eq!(run(&ws, &["search", "harbour"]), "N1     Harbour watch\n");
}

#[test]
fn compaction_and_import_leave_a_current_file_behind() {
    let dir = workspace(&["Harbour watch\nthe courier left by the north gate"]);
    let ws = dir.path().join("ws");
    let want = run(&ws, &["search", "courier"]);
    fs::remove_file(ws.join(FILE)).unwrap();
    run(&ws, &["compact"]);
    let compacted = fs::metadata(ws.join(FILE)).expect("compaction writes the file");
    assert_eq!(run(&ws, &["search", "courier"]), want);
    // read as it was left, not written afresh
    assert_eq!(fs::metadata(ws.join(FILE)).unwrap().ino(), compacted.ino());
    let file = dir.path().join("case.json");
    run(&ws, &["export", "workspace", "-o", file.to_str().unwrap()]);
    let target = dir.path().join("target");
    init(&target);
    run(&target, &["import", file.to_str().unwrap()]);
    let imported = fs::metadata(target.join(FILE)).expect("an import writes the file");
    assert_eq!(run(&target, &["search", "courier"]), want);
    assert_eq!(
        fs::metadata(target.join(FILE)).unwrap().ino(),
        imported.ino()
    );
    // and later changes are appended to it
    run(&target, &["add", "note", "Courier van seen"]);
    assert!(run(&target, &["search", "courier"]).contains("N2     Courier van seen"));
    assert_eq!(
        fs::metadata(target.join(FILE)).unwrap().ino(),
        imported.ino()
    );
}

#[test]
fn a_change_killed_at_any_point_leaves_a_file_that_check_accepts_or_none() {
    let dir = workspace(&["Harbour watch"]);
    let ws = dir.path().join("ws");
    run(&ws, &["search", "harbour"]);
    let mut round = 0;
    common::kill::kill_through(
        || {
            round += 1;
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("weft"));
            c.arg("--workspace")
                .arg(&ws)
                .env_remove("WEFT_WORKSPACE")
                .args(["add", "note", &format!("Harbour sighting {round}")]);
            c
        },
        10,
        |k| {
            // check compares a current file with the records: it must agree
            let out = weft(&ws).arg("check").output().unwrap();
            assert!(
                out.status.success(),
                "kill {k}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            // and whatever was kept is found, by the file or by its rewrite
            let listed = run(&ws, &["list", "notes"]);
            let found = run(&ws, &["search", "harbour", "--limit", "100"]);
            for line in listed.lines() {
                let id = line.split_whitespace().next().unwrap();
                assert!(
                    found.lines().any(|l| l.starts_with(&format!("{id} "))),
                    "kill {k}: {id} not found in {found}"
                );
            }
        },
    );
}
