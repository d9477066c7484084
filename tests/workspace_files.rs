//! The workspace's files as real processes meet them: a symlink where a file of the
//! workspace belongs, a workspace weft may not write (read-only, a read-only mount, a
//! full disk), and a database damaged past the open.

mod common;

use common::cli::{init, run, weft};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A small workspace made by the command line: a name, two notes, a question, a search
/// file.
fn sample(dir: &Path) -> PathBuf {
    let ws = dir.join("t");
    weft(&ws)
        .args(["init", "--name", "Operation KESTREL"])
        .assert()
        .success();
    run(&ws, &["add", "note", "Daz seen at Ostler House"]);
    run(&ws, &["add", "note", "A second sighting"]);
    run(&ws, &["add", "question", "Who controls the KING line?"]);
    run(&ws, &["search", "Ostler"]);
    assert!(ws.join("search.idx").is_file());
    ws
}

/// The one line weft printed on standard error.
fn one_line(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    err.trim_end().to_string()
}

// ---- symlinks --------------------------------------------------------------------

/// A file outside the workspace, mode 0644, that a link in the workspace points at.
fn outside_file(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(format!("outside-{name}"));
    fs::write(&p, "outside\n").unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    p
}

fn assert_untouched(outside: &Path) {
    let meta = fs::metadata(outside).unwrap();
    assert_eq!(
        meta.mode() & 0o777,
        0o644,
        "{} was chmod'ed",
        outside.display()
    );
    assert_eq!(fs::read_to_string(outside).unwrap(), "outside\n");
}

/// Replaces `name` in `ws` with a link to a file outside it.
fn link_out(dir: &Path, ws: &Path, name: &str) -> PathBuf {
    let outside = outside_file(dir, name);
    let p = ws.join(name);
    if p.is_dir() {
        fs::remove_dir_all(&p).unwrap();
    } else if fs::symlink_metadata(&p).is_ok() {
        fs::remove_file(&p).unwrap();
    }
    std::os::unix::fs::symlink(&outside, &p).unwrap();
    outside
}

#[test]
fn a_symlink_where_a_file_of_the_workspace_belongs_is_refused_and_never_followed() {
    for name in ["name", "search.idx", "lock", "drafts", "journal.log", "db"] {
        let dir = tempfile::tempdir().unwrap();
        let ws = sample(dir.path());
        let outside = link_out(dir.path(), &ws, name);
        let said = format!(
            "weft: workspace {}: {name} is a symlink; weft never follows a link out of a workspace",
            ws.display()
        );
        for args in [
            &["list", "notes"][..],
            &["add", "note", "written through a link?"],
            &["search", "Ostler"],
            &["export", "workspace", "-o", "-"],
        ] {
            let out = weft(&ws).args(args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{name}: {args:?}");
            assert_eq!(one_line(&out), said, "{name}: {args:?}");
            assert_untouched(&outside);
        }
        // the workspace is whole once the link is gone
        if name != "db" && name != "journal.log" {
            fs::remove_file(ws.join(name)).unwrap();
            assert_eq!(run(&ws, &["list", "notes"]).lines().count(), 2, "{name}");
        }
    }
}

#[test]
fn a_symlink_among_the_workspace_s_other_files_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    // not one of weft's files: weft neither refuses nor follows it
    let outside = outside_file(dir.path(), "notes");
    std::os::unix::fs::symlink(&outside, ws.join("my-notes.txt")).unwrap();
    assert_eq!(run(&ws, &["list", "notes"]).lines().count(), 2);
    assert_untouched(&outside);
}

// ---- read-only -------------------------------------------------------------------

/// Every file and directory under `ws`: its length, modification time and a hash of
/// its content.
fn snapshot(ws: &Path) -> BTreeMap<PathBuf, (u64, i64, i64, u64)> {
    use std::hash::{Hash, Hasher};
    let mut out = BTreeMap::new();
    let mut todo = vec![ws.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = fs::symlink_metadata(&p).unwrap();
            let mut h = std::collections::hash_map::DefaultHasher::new();
            if m.is_dir() {
                todo.push(p.clone());
            } else {
                fs::read(&p).unwrap().hash(&mut h);
            }
            out.insert(p, (m.len(), m.mtime(), m.mtime_nsec(), h.finish()));
        }
    }
    out
}

#[test]
fn reading_a_workspace_read_only_writes_nothing_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let written = run(&ws, &["export", "workspace", "-o", "-"]);
    let before = snapshot(&ws);
    let read_only = |args: &[&str]| {
        let out = weft(&ws).arg("--read-only").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(read_only(&["list", "notes"]).lines().count(), 2);
    assert!(read_only(&["show", "N1"]).contains("Daz seen at Ostler House"));
    assert_eq!(read_only(&["export", "workspace", "-o", "-"]), written);
    assert!(read_only(&["check"]).starts_with("ok: 3 records"));
    assert!(read_only(&["search", "Ostler"]).contains("N1"));
    assert!(read_only(&["log"]).contains("N2"));
    assert!(read_only(&["export", "backlog", "-o", "-"]).contains("KING line"));
    // a search file out of date is not written afresh: the database answers
    fs::remove_file(ws.join("search.idx")).unwrap();
    let before = {
        let mut b = before;
        b.remove(&ws.join("search.idx"));
        b
    };
    assert!(read_only(&["search", "sighting"]).contains("N2"));
    assert_eq!(
        snapshot(&ws),
        before,
        "a read-only read wrote to the workspace"
    );
}

#[test]
fn a_change_to_a_workspace_open_read_only_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let before = snapshot(&ws);
    let said = format!(
        "weft: workspace {} is open read-only (--read-only was given): nothing was changed",
        ws.display()
    );
    for args in [
        &["add", "note", "one more"][..],
        &["set", "N1", "source=CHIS 4471"],
        &["delete", "N2"],
        &["undo"],
        &["compact"],
    ] {
        let out = weft(&ws).arg("--read-only").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(one_line(&out), said, "{args:?}");
    }
    let out = weft(&ws)
        .env("WEFT_READ_ONLY", "1")
        .args(["add", "note", "one more"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("(WEFT_READ_ONLY is set)"));
    assert_eq!(snapshot(&ws), before);
    // and without it, the workspace takes changes as ever
    run(&ws, &["add", "note", "one more"]);
}

/// Runs `script` with `sh` as root of a user and mount namespace of its own (so it may
/// mount), with `$WEFT` the weft binary and `$DIR` the test's directory, and asserts
/// that it succeeded; `false` (skipped) when this system has no such namespaces for us.
fn in_namespace(dir: &Path, script: &str) -> bool {
    let probe = std::process::Command::new("unshare")
        .args(["-rm", "true"])
        .output();
    if !probe.is_ok_and(|p| p.status.success()) {
        eprintln!("skipped: no user and mount namespace here");
        return false;
    }
    let out = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .env("WEFT", assert_cmd::cargo::cargo_bin("weft"))
        .env("DIR", dir)
        .env_remove("WEFT_WORKSPACE")
        .env_remove("WEFT_READ_ONLY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

#[test]
fn a_workspace_on_a_read_only_mount_is_read_and_exported_and_refuses_changes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let written = run(&ws, &["export", "workspace", "-o", "-"]);
    // a read-only bind mount refuses writes even to root, as evidence media do
    let script = r#"
        set -e
        mount --bind "$DIR/t" "$DIR/t"
        mount -o remount,bind,ro "$DIR/t"
        "$WEFT" --workspace "$DIR/t" list notes > "$DIR/list.out"
        "$WEFT" --workspace "$DIR/t" export workspace -o - > "$DIR/export.out"
        "$WEFT" --workspace "$DIR/t" search Ostler > "$DIR/search.out"
        if "$WEFT" --workspace "$DIR/t" add note more 2> "$DIR/add.err"; then exit 3; fi
    "#;
    if !in_namespace(dir.path(), script) {
        return;
    }
    let read = |name: &str| fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(read("list.out").lines().count(), 2);
    assert_eq!(read("export.out"), written);
    assert!(read("search.out").contains("N1"));
    assert_eq!(
        read("add.err"),
        format!(
            "weft: workspace {}/t is open read-only (its directory is not writable): nothing was changed\n",
            dir.path().display()
        )
    );
}

#[test]
fn a_directory_weft_may_not_write_is_read_and_refuses_changes() {
    // root writes to any directory whatever its mode: the mount test covers root
    if rustix::process::geteuid().is_root() {
        eprintln!("skipped: root may write to a directory of mode 0500");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    for e in fs::read_dir(&ws).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o400)).unwrap();
        }
    }
    fs::set_permissions(&ws, fs::Permissions::from_mode(0o500)).unwrap();
    let before = snapshot(&ws);
    assert_eq!(run(&ws, &["list", "notes"]).lines().count(), 2);
    let out = weft(&ws).args(["add", "note", "more"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("is open read-only (its directory is not writable)"));
    assert_eq!(snapshot(&ws), before);
    fs::set_permissions(&ws, fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn a_workspace_on_a_full_disk_is_read_and_exported_and_changes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let written = run(&ws, &["export", "workspace", "-o", "-"]);
    // a small filesystem of its own, filled up: opening sled writes, and fails there
    let script = r#"
        set -e
        mkdir "$DIR/disk"
        mount -t tmpfs -o size=4m tmpfs "$DIR/disk"
        cp -a "$DIR/t" "$DIR/disk/t"
        rm -f "$DIR"/disk/t/snap.*
        dd if=/dev/zero of="$DIR/disk/filler" bs=4k 2>/dev/null || true
        "$WEFT" --workspace "$DIR/disk/t" list notes > "$DIR/list.out"
        "$WEFT" --workspace "$DIR/disk/t" export workspace -o - > "$DIR/export.out"
        if "$WEFT" --workspace "$DIR/disk/t" add note more 2> "$DIR/add.err"; then exit 3; fi
        if "$WEFT" --workspace "$DIR/disk/t" compact 2> "$DIR/compact.err"; then exit 4; fi
        rm "$DIR/disk/filler"
        "$WEFT" --workspace "$DIR/disk/t" add note more 2> "$DIR/after.err"
        "$WEFT" --workspace "$DIR/disk/t" list notes > "$DIR/after.out"
    "#;
    if !in_namespace(dir.path(), script) {
        return;
    }
    let read = |name: &str| fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(read("list.out").lines().count(), 2);
    assert_eq!(read("export.out"), written);
    let full = format!(
        "weft: no space left on the disk holding {}/disk/t: free some space and try again; nothing was changed\n",
        dir.path().display()
    );
    assert_eq!(read("add.err"), full);
    assert_eq!(read("compact.err"), full);
    // once there is room again, nothing is said about what the full disk left
    assert_eq!(read("after.err"), "");
    assert_eq!(read("after.out").lines().count(), 3);
}

// ---- a damaged database ------------------------------------------------------------

#[test]
fn a_database_cut_short_is_reported_in_one_line_and_takes_no_more_changes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("t9");
    init(&ws);
    // a note per open, as one `weft add note` each would write them; sled's threads
    // let go of its file a moment after the store is dropped, longer on a busy machine
    let reopen = || {
        let started = std::time::Instant::now();
        loop {
            match weft::store::Store::open(&ws, &Default::default()) {
                Err(weft::store::StoreError::Locked(_))
                    if started.elapsed() < std::time::Duration::from_secs(60) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50))
                }
                Ok(s) => break s,
                Err(e) => panic!("{e}"),
            }
        }
    };
    for n in 0..243 {
        let mut store = reopen();
        store
            .add_note(weft::store::NewNote {
                text: format!("note {n} {}", "b".repeat(1000)),
                ..Default::default()
            })
            .unwrap();
    }
    assert_eq!(run(&ws, &["list", "notes"]).lines().count(), 243);
    // `truncate -s 90%`; where sled lays its pages out varies from run to run, so when
    // nothing `list` reads was cut off, a tenth more is
    let db = ws.join("db");
    let len = fs::metadata(&db).unwrap().len();
    let mut list = None;
    for tenths in (1..=9).rev() {
        fs::OpenOptions::new()
            .write(true)
            .open(&db)
            .unwrap()
            .set_len(len * tenths / 10)
            .unwrap();
        let out = weft(&ws).args(["list", "notes"]).output().unwrap();
        if !out.status.success() {
            list = Some(out);
            break;
        }
        assert_eq!(out.stdout.iter().filter(|b| **b == b'\n').count(), 243);
    }
    let list = list.expect("a database cut to a tenth still reads whole");
    assert_eq!(list.status.code(), Some(1));
    let said = one_line(&list);
    let mid_read = format!(
        "weft: workspace {}: the database is damaged: run `weft check`, then `weft --workspace {} recover --to NEWDIR`",
        ws.display(),
        ws.display()
    );
    let at_open = format!(
        "weft: workspace {} cannot be opened: its database is damaged; rebuild it from its journal log with `weft --workspace {} recover --to NEWDIR`",
        ws.display(),
        ws.display()
    );
    assert!(said == mid_read || said == at_open, "{said}");
    for debug in [
        "Inline",
        "backtrace",
        "Os {",
        "Corrupt",
        "fill whole buffer",
    ] {
        assert!(!said.contains(debug), "{said}");
    }
    let log = fs::read(ws.join("journal.log")).unwrap();
    let add = weft(&ws).args(["add", "note", "x"]).output().unwrap();
    assert_eq!(
        add.status.code(),
        Some(1),
        "a change went into a damaged database"
    );
    let said = one_line(&add);
    assert!(said == mid_read || said == at_open, "{said}");
    assert_eq!(fs::read(ws.join("journal.log")).unwrap(), log);
    // `weft check` does not send the user back to itself
    let check = weft(&ws).arg("check").output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    let said = one_line(&check);
    assert!(
        said.contains("recover --to NEWDIR") && !said.contains("run `weft check`"),
        "{said}"
    );
    // what the message advises works
    let to = dir.path().join("rebuilt");
    weft(&ws)
        .args(["recover", "--to"])
        .arg(&to)
        .assert()
        .success();
    assert_eq!(run(&to, &["list", "notes"]).lines().count(), 243);
    run(&to, &["add", "note", "x"]);
}

#[test]
fn the_interface_on_a_read_only_workspace_shows_it_and_refuses_changes() {
    use common::pty::Pty;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path());
    let before = snapshot(&ws);
    let bin = assert_cmd::cargo::cargo_bin("weft").display().to_string();
    let mut pty = Pty::spawn(
        &bin,
        &["--read-only", "--workspace", ws.to_str().unwrap()],
        &[],
    );
    pty.wait_for("Who controls the KING line?");
    pty.wait_for("read-only");
    // a question typed in full is refused when it would be written
    pty.send(b"a");
    pty.wait_for("New question");
    pty.send(b"Through a read-only copy?\r");
    pty.wait_for("is open read-only");
    // leave on a signal: keys sent together after Esc could read as alt-q
    let ended = std::process::Command::new("kill")
        .args(["-TERM", &pty.child.id().to_string()])
        .status()
        .unwrap();
    assert!(ended.success());
    pty.wait_exit(Duration::from_secs(10)).expect("exit");
    assert_eq!(snapshot(&ws), before);
    assert!(!run(&ws, &["list", "questions"]).contains("read-only copy"));
}
