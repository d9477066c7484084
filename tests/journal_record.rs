//! The journal log is the record: damage to it never erases history, is seen by `check`,
//! refuses writes in one line and is rebuilt by `recover --salvage`; `recover` never
//! writes into an existing workspace, and a killed one leaves nothing openable.

mod common;

use common::cli::{init, run, weft};
use std::fs;
use std::path::{Path, PathBuf};

/// A workspace of `notes` notes, a question, an entity mentioned, links, a change and an
/// undo: every kind of line a log holds outside an import.
fn sample(dir: &Path, notes: usize) -> PathBuf {
    let ws = dir.join("ws");
    init(&ws);
    run(&ws, &["add", "entity", "Darren Marsh", "--kind", "person"]);
    let q = run(&ws, &["add", "question", "Who runs the KING line?"]);
    for i in 0..notes {
        run(
            &ws,
            &["add", "note", &format!("note {i} about [[Darren Marsh]]")],
        );
    }
    run(&ws, &["set", q.trim(), "status=active"]);
    run(&ws, &["add", "note", "undone"]);
    run(&ws, &["undo"]);
    ws
}

fn log_of(ws: &Path) -> Vec<u8> {
    fs::read(ws.join("journal.log")).unwrap()
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Entries in a healthy workspace's journal (`weft log --json`).
fn entries(ws: &Path) -> usize {
    let out = run(ws, &["log", "--json", "--limit", "100000"]);
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn recover_into_an_existing_workspace_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t");
    init(&t);
    run(&t, &["add", "note", "precious"]);
    let before_log = log_of(&t);
    let names: Vec<_> = fs::read_dir(&t)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let kestrel = sample(dir.path(), 2);
    let out = weft(&kestrel)
        .args(["recover", "--to"])
        .arg(&t)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(
        err.contains("is a weft workspace") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(log_of(&t), before_log);
    let after: Vec<_> = fs::read_dir(&t)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), after.len());
    assert!(run(&t, &["list", "notes"]).contains("precious"));
    // a directory holding anything else, a file and a symlink are refused as well
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("keep.txt"), "mine").unwrap();
    let file = dir.path().join("file");
    fs::write(&file, "x").unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
    for (to, why) in [
        (&other, "is not empty"),
        (&file, "is a file"),
        (&link, "is a symbolic link"),
    ] {
        let out = weft(&kestrel)
            .args(["recover", "--to"])
            .arg(to)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr_of(&out).contains(why), "{}", stderr_of(&out));
    }
    assert_eq!(fs::read_to_string(other.join("keep.txt")).unwrap(), "mine");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    // an empty directory is taken
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    weft(&kestrel)
        .args(["recover", "--to"])
        .arg(&empty)
        .assert()
        .success();
    assert!(run(&empty, &["list", "notes"]).contains("note 1 about"));
}

#[test]
fn damage_to_the_log_keeps_its_history_refuses_writes_and_lets_reads_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path(), 6);
    let whole = log_of(&ws);
    let rows = lines(&whole);
    let mut cases: Vec<(&str, Option<Vec<u8>>)> = vec![
        (
            "the last 40 bytes cut",
            Some(whole[..whole.len() - 40].to_vec()),
        ),
        (
            "a middle line deleted",
            Some({
                let mut r = rows.clone();
                r.remove(rows.len() / 2);
                r.concat()
            }),
        ),
        ("the file deleted", None),
    ];
    for (what, damaged) in cases.drain(..) {
        let case = dir.path().join(what.replace(' ', "-"));
        copy_dir(&ws, &case);
        match &damaged {
            Some(bytes) => fs::write(case.join("journal.log"), bytes).unwrap(),
            None => fs::remove_file(case.join("journal.log")).unwrap(),
        }
        // reads work, and change nothing
        let out = weft(&case).args(["list", "notes"]).output().unwrap();
        assert!(out.status.success(), "{what}: {}", stderr_of(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("note 5 about"),
            "{what}"
        );
        // a write is refused in one line naming the byte and `weft recover`
        let out = weft(&case).args(["add", "note", "more"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}");
        let err = stderr_of(&out);
        let last = err.trim().lines().last().unwrap();
        assert!(
            last.contains("byte") && last.contains("recover --to"),
            "{what}: {err}"
        );
        // `check` says so, naming a few of the entries the damage put astray
        let out = weft(&case).arg("check").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}");
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(said.lines().count() <= 8, "{what}: {said}");
        // the log is as the damage left it: never rewritten, never set aside
        match &damaged {
            Some(bytes) => assert_eq!(&log_of(&case), bytes, "{what}"),
            None => assert!(!case.join("journal.log").exists(), "{what}"),
        }
        let aside = fs::read_dir(&case)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("damaged")
            })
            .count();
        assert_eq!(aside, 0, "{what}");
    }
}

#[test]
fn a_flipped_byte_is_seen_by_check_and_salvage_keeps_every_intact_entry() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path(), 5);
    let all = entries(&ws);
    let mut rows = lines(&log_of(&ws));
    // "user" -> "tser" on the fourth line, as a bit of rot would
    let text = String::from_utf8(rows[3].clone()).unwrap();
    rows[3] = text.replacen("\"user\"", "\"tser\"", 1).into_bytes();
    fs::write(ws.join("journal.log"), rows.concat()).unwrap();
    let out = weft(&ws).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        said.contains("damaged at line 4") && said.contains("checksum"),
        "{said}"
    );
    // the history around the damaged line still reads; its entry is shown by its header
    let out = weft(&ws).args(["log", "--limit", "1000"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(shown.lines().count(), all, "{shown}");
    assert_eq!(shown.matches("values unreadable").count(), 1, "{shown}");
    assert!(stderr_of(&out).contains("entry 3:"), "{}", stderr_of(&out));
    // recovery without --salvage refuses, naming the line and the way on
    let to = dir.path().join("rebuilt");
    let out = weft(&ws)
        .args(["recover", "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("--salvage"), "{}", stderr_of(&out));
    assert!(!to.exists());
    // even with the database gone
    fs::remove_file(ws.join("db")).unwrap();
    let out = weft(&ws)
        .args(["recover", "--salvage", "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("line 4") && err.contains("entry 3"), "{err}");
    // the lost line held the mention link of the first note, set by nothing later
    assert!(err.contains("L1: not rebuilt"), "{err}");
    assert_eq!(entries(&to), all - 1);
    run(&to, &["check"]);
}

#[test]
fn a_changed_letter_in_a_note_in_the_log_is_caught_not_spread() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path(), 3);
    let log = String::from_utf8(log_of(&ws)).unwrap();
    let changed = log.replacen("note 1 about", "note 7 about", 1);
    assert_ne!(changed, log);
    fs::write(ws.join("journal.log"), &changed).unwrap();
    let out = weft(&ws).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let to = dir.path().join("rebuilt");
    let out = weft(&ws)
        .args(["recover", "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "recover spread a changed text");
    let out = weft(&ws)
        .args(["recover", "--salvage", "--to"])
        .arg(&to)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    let notes = run(&to, &["list", "notes"]);
    assert!(!notes.contains("note 7 about"), "{notes}");
}

/// A killed `recover` leaves no workspace at its target: it builds beside it and renames
/// the whole into place; the next run clears what the killed one left.
#[test]
fn a_killed_recover_leaves_nothing_openable_at_its_target() {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("strace is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path(), 2);
    let to = dir.path().join("rebuilt");
    let bin = assert_cmd::cargo::cargo_bin("weft");
    // killed as it opens the journal log it is copying into the new workspace
    let out = std::process::Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=openat", "-e"])
        .arg("inject=openat:signal=KILL:when=1")
        .arg("-P")
        .arg(dir.path().join(".rebuilt.recovering").join("journal.log"))
        .arg(&bin)
        .arg("--workspace")
        .arg(&ws)
        .args(["recover", "--to"])
        .arg(&to)
        .env_remove("WEFT_WORKSPACE")
        .output()
        .unwrap();
    if String::from_utf8_lossy(&out.stderr).contains("ptrace") {
        eprintln!("strace cannot trace here: skipped");
        return;
    }
    assert!(!out.status.success(), "the recovery was not killed");
    assert!(
        !to.exists(),
        "a half-built workspace was left at the target"
    );
    let out = weft(&to).args(["list", "notes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    weft(&ws)
        .args(["recover", "--to"])
        .arg(&to)
        .assert()
        .success();
    assert!(run(&to, &["list", "notes"]).contains("note 1 about"));
    assert!(!dir.path().join(".rebuilt.recovering").exists());
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// One fault in a log of `lines` lines (each holding one entry) and `len` bytes.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Cut the log at this byte.
    Truncate(usize),
    DeleteLine(usize),
    /// XOR the byte at this place with a non-zero mask.
    Flip(usize, u8),
    SwapLines(usize, usize),
}

impl Fault {
    /// The log with the fault, and how many of its entry lines stay intact.
    fn apply(self, log: &[u8]) -> (Vec<u8>, usize) {
        let rows = lines(log);
        match self {
            Fault::Truncate(at) => {
                let kept = log[..at].iter().filter(|&&b| b == b'\n').count();
                (log[..at].to_vec(), kept)
            }
            Fault::DeleteLine(i) => {
                let mut r = rows;
                r.remove(i);
                let n = r.len();
                (r.concat(), n)
            }
            Fault::Flip(at, mask) => {
                let mut bytes = log.to_vec();
                bytes[at] ^= mask;
                // the line holding the byte is lost (two lines, if its newline went)
                let lost = if log[at] == b'\n' || bytes[at] == b'\n' {
                    2
                } else {
                    1
                };
                (bytes, rows.len() - lost.min(rows.len()))
            }
            Fault::SwapLines(i, j) => {
                let mut r = rows;
                r.swap(i, j);
                let n = r.len();
                (r.concat(), n)
            }
        }
    }
}

/// A small deterministic generator, so a failing fault is reproduced by its number.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Random single faults in the journal log: `check` reports each, no command rewrites
/// the log (a write may only append after it, or is refused), reads still work, and
/// `recover --salvage` keeps every intact entry.
#[test]
fn every_single_fault_in_the_log_is_reported_kept_and_salvaged() {
    let dir = tempfile::tempdir().unwrap();
    let ws = sample(dir.path(), 8);
    let log = log_of(&ws);
    let rows = lines(&log).len();
    let notes = run(&ws, &["list", "notes"]);
    let mut rng = Lcg(0x5eed);
    for case in 0..20 {
        let fault = match case % 4 {
            0 => Fault::Truncate(1 + rng.below(log.len() - 1)),
            1 => Fault::DeleteLine(rng.below(rows)),
            2 => Fault::Flip(rng.below(log.len()), 1 + rng.below(255) as u8),
            _ => {
                let i = rng.below(rows - 1);
                Fault::SwapLines(i, i + 1 + rng.below(rows - 1 - i))
            }
        };
        let (damaged, intact) = fault.apply(&log);
        let what = format!("case {case}: {fault:?}");
        let case_ws = dir.path().join(format!("case{case}"));
        copy_dir(&ws, &case_ws);
        fs::write(case_ws.join("journal.log"), &damaged).unwrap();
        let out = weft(&case_ws).arg("check").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}: check passed");
        let out = weft(&case_ws).args(["list", "notes"]).output().unwrap();
        assert!(out.status.success(), "{what}: {}", stderr_of(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), notes, "{what}");
        let _ = weft(&case_ws)
            .args(["add", "note", "after the fault"])
            .output()
            .unwrap();
        let now = log_of(&case_ws);
        assert!(now.starts_with(&damaged), "{what}: the log was rewritten");
        let to = dir.path().join(format!("salvaged{case}"));
        // salvage what the damage left (before the write above)
        fs::write(case_ws.join("journal.log"), &damaged).unwrap();
        let out = weft(&case_ws)
            .args(["recover", "--salvage", "--to"])
            .arg(&to)
            .output()
            .unwrap();
        assert!(out.status.success(), "{what}: {}", stderr_of(&out));
        assert_eq!(entries(&to), intact, "{what}: {}", stderr_of(&out));
    }
}
