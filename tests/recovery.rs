//! A workspace that cannot be lost: stale sled snapshots, a database behind its journal
//! log (a power cut), a torn log tail, damaged databases rebuilt with `weft recover`,
//! and the smaller guards (schema key, permissions, id counters, parent loops).

use assert_cmd::Command;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use weft::store::{OpenOptions, Store};

fn weft(ws: &Path) -> Command {
    let mut c = Command::cargo_bin("weft").unwrap();
    c.env_remove("WEFT_WORKSPACE").arg("--workspace").arg(ws);
    c
}

fn run(ws: &Path, args: &[&str]) -> String {
    let out = weft(ws).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "weft {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A small workspace touching every kind of operation: adds, a link, a field change, a
/// delete and an undo.
fn sample(dir: &Path) -> PathBuf {
    let ws = dir.join("ws");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&ws)
        .assert()
        .success();
    let q = run(&ws, &["add", "question", "Who runs the KING line?"]);
    let e = run(&ws, &["add", "entity", "Darren Marsh", "--kind", "person"]);
    let n = run(
        &ws,
        &[
            "add",
            "note",
            "[[Darren Marsh]] seen at the yard",
            "--grade",
            "B2P",
        ],
    );
    run(&ws, &["add", "hypothesis", &q, "Marsh runs it"]);
    run(&ws, &["link", &e, &q, "--label", "concerns"]);
    run(&ws, &["set", &q, "status=active", "priority=1"]);
    let gone = run(&ws, &["add", "note", "to be deleted"]);
    run(&ws, &["delete", &gone]);
    run(&ws, &["set", &n, "source=CHIS 4471"]);
    run(&ws, &["undo"]);
    ws
}

fn export(ws: &Path) -> serde_json::Value {
    let f = ws.with_extension("export.json");
    run(ws, &["export", "workspace", "-o", f.to_str().unwrap()]);
    let mut v: serde_json::Value = serde_json::from_str(&fs::read_to_string(f).unwrap()).unwrap();
    // The export's own time stamp differs between two exports.
    v.as_object_mut().unwrap().remove("exported");
    v
}

fn recover(ws: &Path, to: &Path) -> std::process::Output {
    weft(ws).args(["recover", "--to"]).arg(to).output().unwrap()
}

#[test]
fn a_partial_generating_snapshot_never_bricks_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let before = run(&ws, &["list", "notes"]);
    fs::write(ws.join("snap.FFFFFFFFFFFFFFF0.generating"), b"").unwrap();
    fs::write(
        ws.join("snap.FFFFFFFFFFFFFFF1.generating"),
        b"partial snapshot",
    )
    .unwrap();
    assert_eq!(run(&ws, &["list", "notes"]), before);
    assert!(!ws.join("snap.FFFFFFFFFFFFFFF0.generating").exists());
    weft(&ws).arg("check").assert().success();
}

#[test]
fn recover_rebuilds_every_acknowledged_change_from_a_damaged_database() {
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 3] = [
        ("truncated db", |ws| {
            let f = fs::OpenOptions::new()
                .write(true)
                .open(ws.join("db"))
                .unwrap();
            f.set_len(1000).unwrap();
        }),
        ("flipped bytes", |ws| {
            let mut bytes = fs::read(ws.join("db")).unwrap();
            for b in bytes.iter_mut().take(4096) {
                *b ^= 0xA5;
            }
            fs::write(ws.join("db"), bytes).unwrap();
            for e in fs::read_dir(ws).unwrap().flatten() {
                if e.file_name().to_string_lossy().starts_with("snap.") {
                    fs::remove_file(e.path()).unwrap();
                }
            }
        }),
        ("missing conf", |ws| {
            fs::remove_file(ws.join("conf")).unwrap()
        }),
    ];
    for (what, damage) in damages {
        let dir = tempfile::tempdir().unwrap();
        let ws = sample(dir.path());
        let want = export(&ws);
        damage(&ws);
        let out = weft(&ws).args(["list", "notes"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            // sled may open a damaged file as an older or empty database: then the open
            // replays the journal log, and nothing may be missing.
            assert_eq!(export(&ws), want, "{what}: opened, but not whole");
        } else {
            assert_eq!(out.status.code(), Some(1), "{what}: {err}");
            assert_eq!(err.lines().count(), 1, "{what}: {err}");
            assert!(err.contains("recover --to"), "{what}: {err}");
        }
        let to = dir.path().join("rebuilt");
        let out = recover(&ws, &to);
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        weft(&to).arg("check").assert().success();
        assert_eq!(export(&to), want, "{what}: the rebuilt workspace differs");
        // The rebuilt workspace goes on handing out fresh ids.
        assert_eq!(run(&to, &["add", "note", "after recovery"]), "N3", "{what}");
    }
}

#[test]
fn recover_refuses_a_target_that_holds_files_and_a_workspace_without_log() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let busy = dir.path().join("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("keep.txt"), "mine").unwrap();
    let out = recover(&ws, &busy);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
    assert_eq!(fs::read_to_string(busy.join("keep.txt")).unwrap(), "mine");

    let empty = dir.path().join("nolog");
    fs::create_dir(&empty).unwrap();
    let out = recover(&empty, &dir.path().join("x"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no journal log"));
}

#[test]
fn a_creation_killed_before_the_database_was_written_can_be_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let made = sample(dir.path());
    // what creation writes before sled's `db` file: the lock, sled's conf, an empty blobs
    let ws = dir.path().join("half");
    fs::create_dir(&ws).unwrap();
    fs::write(ws.join("lock"), "").unwrap();
    fs::copy(made.join("conf"), ws.join("conf")).unwrap();
    fs::create_dir(ws.join("blobs")).unwrap();
    run(&ws, &["init"]);
    assert_eq!(run(&ws, &["add", "note", "first"]), "N1");
    weft(&ws).arg("check").assert().success();
    // anything else in the directory is still somebody's, and refused
    let other = dir.path().join("other");
    fs::create_dir_all(other.join("blobs")).unwrap();
    fs::write(other.join("blobs").join("mine.txt"), "mine").unwrap();
    let out = weft(&other).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds other files"));
    assert_eq!(
        fs::read_to_string(other.join("blobs").join("mine.txt")).unwrap(),
        "mine"
    );
}

/// Copies a workspace directory's files (the database as it stood).
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_database_behind_its_log_catches_up_at_open() {
    // A power cut can lose sled's last writes (it never fsyncs) while the synced journal
    // log keeps them: the next open must replay what the database lacks.
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let old = dir.path().join("old-db");
    copy_dir(&ws, &old);
    run(&ws, &["add", "note", "written after the copy"]);
    run(&ws, &["add", "question", "and a question"]);
    let want = export(&ws);
    // Put the older database back under the newer log.
    for name in ["db", "conf"] {
        fs::copy(old.join(name), ws.join(name)).unwrap();
    }
    for e in fs::read_dir(&ws).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("snap.") {
            fs::remove_file(e.path()).unwrap();
        }
    }
    for e in fs::read_dir(&old).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("snap.") {
            fs::copy(e.path(), ws.join(e.file_name())).unwrap();
        }
    }
    assert_eq!(export(&ws), want);
    weft(&ws).arg("check").assert().success();
}

#[test]
fn a_torn_log_tail_is_dropped_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let want = export(&ws);
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(ws.join("journal.log"))
        .unwrap();
    use std::io::Write;
    f.write_all(br#"{"entry":{"seq":99,"group":99,"time":"2024-"#)
        .unwrap();
    drop(f);
    let out = weft(&ws).args(["list", "notes"]).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dropped an unfinished change"), "{err}");
    assert_eq!(export(&ws), want);
    weft(&ws).arg("check").assert().success();
}

#[test]
fn a_workspace_whose_log_is_gone_keeps_its_records_and_refuses_writes() {
    // The journal log is the record: without it nothing may be written (a new log
    // would start a history that hides the loss), but the records stand and read.
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let want = run(&ws, &["list", "notes", "--json"]);
    fs::remove_file(ws.join("journal.log")).unwrap();
    let out = weft(&ws).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is missing") && err.contains("recover --to"),
        "{err}"
    );
    assert!(
        !ws.join("journal.log").exists(),
        "no log is made in its place"
    );
    let out = weft(&ws).args(["add", "note", "more"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!ws.join("journal.log").exists());
    // the records still read
    assert_eq!(run(&ws, &["list", "notes", "--json"]), want);
}

/// What `weft check` says on stderr (notices of the open) after it succeeds.
fn opened_saying(ws: &Path) -> String {
    let out = weft(ws).arg("check").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    err
}

#[test]
fn a_log_rewrite_interrupted_before_its_rename_is_finished_at_the_next_open() {
    // the database took the new log's layout, then the process died before the new
    // log replaced the old (here: an empty one)
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let want = export(&ws);
    fs::rename(ws.join("journal.log"), ws.join("journal.log.new")).unwrap();
    fs::write(ws.join("journal.log"), "").unwrap();
    let err = opened_saying(&ws);
    assert!(
        err.contains("finished writing the journal log afresh"),
        "{err}"
    );
    assert!(!ws.join("journal.log.new").exists());
    assert_eq!(export(&ws), want, "the history is whole");
}

#[test]
fn a_log_rewrite_interrupted_after_setting_the_log_aside_keeps_the_history() {
    // the damaged log was set aside and an empty one opened, then the process died
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let want = export(&ws);
    let aside = ws.join("journal.log.damaged-20261201T101500");
    fs::rename(ws.join("journal.log"), &aside).unwrap();
    fs::write(ws.join("journal.log"), "").unwrap();
    let err = opened_saying(&ws);
    assert!(err.contains("its history read from"), "{err}");
    assert!(!err.contains("could not be read"), "{err}");
    assert_eq!(export(&ws), want, "the history is whole");
    assert!(aside.exists(), "the log set aside stays");
}

#[test]
fn a_new_log_of_the_right_length_but_another_layout_is_not_taken() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let len = fs::metadata(ws.join("journal.log")).unwrap().len() as usize;
    let mut junk = vec![b' '; len - 1];
    junk.push(b'\n');
    fs::write(ws.join("journal.log.new"), &junk).unwrap();
    fs::write(ws.join("journal.log"), "").unwrap();
    let out = weft(&ws).arg("check").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("finished writing"), "{err}");
    assert!(!ws.join("journal.log.new").exists());
    // the emptied log is damage: said, never rewritten
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("damaged at byte 0"), "{err}");
    assert_eq!(fs::read(ws.join("journal.log")).unwrap(), b"");
}

#[test]
fn a_new_log_the_database_never_took_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let want = export(&ws);
    fs::write(ws.join("journal.log.new"), "half a rewrite").unwrap();
    let err = opened_saying(&ws);
    assert!(err.is_empty(), "{err}");
    assert!(!ws.join("journal.log.new").exists());
    assert_eq!(export(&ws), want);
}

#[test]
fn the_lock_is_weft_s_own_and_a_leftover_lock_file_is_harmless() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    assert!(ws.join("lock").exists());
    // The file stays behind after every command; only a live holder blocks.
    run(&ws, &["list", "notes"]);
    let held = Store::open(&ws, &OpenOptions::default()).unwrap();
    let out = recover(&ws, &dir.path().join("x"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("open elsewhere"));
    drop(held);
}

#[test]
fn a_workspace_directory_is_tightened_to_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    fs::set_permissions(&ws, fs::Permissions::from_mode(0o755)).unwrap();
    run(&ws, &["list", "notes"]);
    let mode = fs::metadata(&ws).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let log_mode = fs::metadata(ws.join("journal.log"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(log_mode, 0o600);
}

#[test]
fn a_database_whose_schema_key_is_missing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    {
        let db = sled::open(&ws).unwrap();
        db.remove(b"schema").unwrap();
        db.flush().unwrap();
    }
    let out = weft(&ws).args(["list", "notes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("without a weft schema"), "{err}");
}

#[test]
fn an_import_with_an_exhausted_counter_is_refused_and_ids_are_never_reused() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let file = dir.path().join("export.json");
    run(&ws, &["export", "workspace", "-o", file.to_str().unwrap()]);
    let mut v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    v["next"]["N"] = serde_json::json!(u64::MAX);
    let bad = dir.path().join("bad.json");
    fs::write(&bad, v.to_string()).unwrap();
    let fresh = dir.path().join("fresh");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&fresh)
        .assert()
        .success();
    let out = weft(&fresh).arg("import").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("out of range"), "{err}");
    assert_eq!(run(&fresh, &["list", "notes"]), "");
}

#[test]
fn check_finds_a_loop_of_sub_questions() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let q2 = run(&ws, &["add", "question", "sub", "--parent", "Q1"]);
    {
        let s = Store::open(&ws, &OpenOptions::default()).unwrap();
        let Some(weft::model::Record::Question(mut q1)) = s.get("Q1".parse().unwrap()).unwrap()
        else {
            panic!("Q1 is a question")
        };
        q1.parent = Some(q2.parse().unwrap());
        s.put_raw_for_test(&weft::model::Record::Question(q1))
            .unwrap();
    }
    let out = weft(&ws).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("loop of sub-questions"), "{text}");
}
