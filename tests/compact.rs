//! `weft compact` and the streaming `weft import` as real processes, and both killed at
//! every stage: the workspace always opens, checks clean and holds all or nothing.

mod common;

use assert_cmd::cargo::CommandCargoExt;
use common::kill::kill_through;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use weft::store::{OpenOptions, Store};
use weft::synth::{generate, Spec};

fn weft(ws: &Path) -> Command {
    let mut c = Command::cargo_bin("weft").unwrap();
    c.env_remove("WEFT_WORKSPACE").arg("--workspace").arg(ws);
    c
}

/// A synthetic workspace of about `total` records, built quickly.
fn synthetic(ws: &Path, total: u64) {
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store = Store::open(ws, &opts).unwrap();
    store.set_sync(false);
    generate(&mut store, &Spec::sized(total), |_| {}).unwrap();
    store.flush().unwrap();
}

fn export(ws: &Path, to: &Path) -> Vec<u8> {
    let out = weft(ws)
        .args(["export", "workspace", "-o"])
        .arg(to)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(to).unwrap()
}

fn check_ok(ws: &Path) -> String {
    let out = weft(ws).arg("check").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn staging(ws: &Path) -> PathBuf {
    let name = ws.file_name().unwrap().to_string_lossy();
    ws.parent().unwrap().join(format!(".{name}.compact"))
}

#[test]
fn compact_keeps_everything_and_says_what_it_did() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("case");
    synthetic(&ws, 800);
    let before = export(&ws, &tmp.path().join("before.json"));
    let out = weft(&ws).arg("compact").output().unwrap();
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.starts_with("compacted "), "{line}");
    assert!(
        line.contains("1010 records, 1010 journal entries"),
        "{line}"
    );
    assert_eq!(export(&ws, &tmp.path().join("after.json")), before);
    check_ok(&ws);
    assert!(!staging(&ws).exists());
}

#[test]
fn a_compaction_killed_at_any_point_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("case");
    synthetic(&ws, 1500);
    let before = export(&ws, &tmp.path().join("before.json"));
    kill_through(
        || {
            let mut c = weft(&ws);
            c.arg("compact");
            c
        },
        12,
        |k| {
            check_ok(&ws);
            let now = export(&ws, &tmp.path().join(format!("after{k}.json")));
            assert!(now == before, "kill {k}: the workspace changed");
            assert!(!staging(&ws).exists(), "kill {k}: a staging copy is left");
        },
    );
}

#[test]
fn an_import_killed_at_any_point_lands_whole_or_not_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    synthetic(&source, 1500);
    let file = tmp.path().join("source.json");
    let exported = export(&source, &file);
    let mut landed = 0;
    let mut round = 0;
    kill_through(
        || {
            // each run imports into a fresh, empty workspace
            round += 1;
            let target = tmp.path().join(format!("t{round}"));
            let mut c = weft(&target);
            c.arg("import").arg(&file);
            c
        },
        10,
        |k| {
            let target = tmp.path().join(format!("t{}", k + 2));
            if !target.join("db").exists() {
                return; // killed before the workspace was made
            }
            let text = check_ok(&target);
            if text.contains("ok: 0 records") {
                return;
            }
            landed += 1;
            let again = export(&target, &tmp.path().join(format!("t{k}.json")));
            assert!(again == exported, "kill {k}: a partial import");
        },
    );
    // the full run landed whole too
    let again = export(&tmp.path().join("t1"), &tmp.path().join("t1.json"));
    assert!(again == exported);
    let _ = landed;
}

#[test]
fn a_refused_import_leaves_no_staging_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    synthetic(&source, 300);
    let file = tmp.path().join("source.json");
    export(&source, &file);
    let target = tmp.path().join("target");
    weft(&target).arg("init").assert_success();
    // a non-empty workspace is refused, untouched
    let out = weft(&source).arg("import").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not empty"), "{err}");
    assert!(!staging(&source).exists());
    // a truncated file is refused before the target is touched
    let bytes = std::fs::read(&file).unwrap();
    let cut = tmp.path().join("cut.json");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = weft(&target).arg("import").arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!staging(&target).exists());
    assert!(check_ok(&target).contains("ok: 0 records"));
}

#[test]
fn an_import_keeps_the_logs_set_aside_in_its_target() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    synthetic(&source, 200);
    let file = tmp.path().join("source.json");
    export(&source, &file);
    // an empty workspace can still hold a damaged log it set aside: the only copy of
    // that history
    let target = tmp.path().join("target");
    weft(&target).arg("init").assert_success();
    let aside = target.join("journal.log.damaged-20261201T101500");
    std::fs::write(&aside, "what was kept\n").unwrap();
    weft(&target).arg("import").arg(&file).assert_success();
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), "what was kept\n");
    check_ok(&target);
}

trait AssertSuccess {
    fn assert_success(&mut self);
}

impl AssertSuccess for Command {
    fn assert_success(&mut self) {
        let out = self.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_workspace_of_an_older_schema_is_upgraded_once_and_the_user_is_told() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("case");
    synthetic(&ws, 200);
    let before = export(&ws, &tmp.path().join("before.json"));
    {
        let store = Store::open(&ws, &OpenOptions::default()).unwrap();
        store.downgrade_journal_for_test().unwrap();
    }
    let (err, lines) = upgrade_lines(&ws);
    assert!(lines[0].contains("(once"), "{err}");
    let to = format!("from schema 1 to {}", weft::store::SCHEMA_VERSION);
    assert!(lines[1].contains(&to), "{err}");
    assert_eq!(export(&ws, &tmp.path().join("after.json")), before);
    said_once(&ws);
}

/// What the first command after an upgrade says on stderr, whole and as its two lines:
/// the upgrade starting, then what it did.
fn upgrade_lines(ws: &Path) -> (String, Vec<String>) {
    let out = weft(ws).args(["list", "questions"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    let lines: Vec<String> = err.lines().map(String::from).collect();
    // told before, what was done after (and, in place, why)
    assert!((2..=3).contains(&lines.len()), "{err}");
    assert!(lines[0].contains("upgrading"), "{err}");
    (err, lines)
}

/// The upgrade is done once: the next command says nothing, and the workspace checks.
fn said_once(ws: &Path) {
    let out = weft(ws).args(["list", "questions"]).output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "once: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_ok(ws);
}

/// A workspace of schema `old` whose index holds a schema-3 short search text (`x`) for
/// Q1; its export beforehand.
fn older_workspace(tmp: &Path, name: &str, old: u32) -> (std::path::PathBuf, Vec<u8>) {
    let ws = tmp.join(name);
    synthetic(&ws, 200);
    let before = export(&ws, &tmp.join(format!("{name}-before.json")));
    let store = Store::open(&ws, &OpenOptions::default()).unwrap();
    let mut x = vec![weft::store::index::OLD_SEARCH];
    x.extend_from_slice(&"Q1".parse::<weft::model::Id>().unwrap().to_bytes());
    store.corrupt_index_for_test(&x, Some(b"a title")).unwrap();
    store.force_schema(old).unwrap();
    (ws, before)
}

#[test]
fn a_workspace_of_schema_three_to_six_is_rewritten_once_or_packed_in_place_where_it_cannot_be() {
    let tmp = tempfile::tempdir().unwrap();
    let to = weft::store::SCHEMA_VERSION;
    for old in [3, 6] {
        // rewritten beside itself, as a compaction: nothing to give back afterwards
        let (ws, before) = older_workspace(tmp.path(), &format!("case{old}"), old);
        let (err, lines) = upgrade_lines(&ws);
        assert!(
            lines[1].contains(&format!("from schema {old} to {to}"))
                && !lines[1].contains("in place"),
            "{err}"
        );
        assert_eq!(export(&ws, &tmp.path().join("after.json")), before);
        said_once(&ws);
        // where the rewrite cannot stand beside it, the index is packed in place
        let (ws, before) = older_workspace(tmp.path(), &format!("inplace{old}"), old);
        let blocker = tmp.path().join(format!(".inplace{old}.compact"));
        std::fs::write(&blocker, "not weft's").unwrap();
        let (err, lines) = upgrade_lines(&ws);
        assert!(
            lines[1].contains(&format!("in place from schema {old} to {to}"))
                && lines[1].contains("weft compact"),
            "{err}"
        );
        assert_eq!(export(&ws, &tmp.path().join("after.json")), before);
        said_once(&ws);
        assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not weft's");
    }
}

#[test]
fn a_file_replaced_while_the_import_waits_is_read_as_it_was_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    synthetic(&a, 100);
    let file = tmp.path().join("in.json");
    let first = String::from_utf8(export(&a, &file)).unwrap();
    // as many records and entries, one title different: only the bytes tell
    let other = first.replacen("\"title\":\"", "\"title\":\"Changed: ", 1);
    assert_ne!(other, first);
    let target = tmp.path().join("target");
    weft(&target).arg("init").assert_success();
    // the import opens the file, then waits for the workspace, held here...
    let held = Store::open(&target, &OpenOptions::default()).unwrap();
    let child = weft(&target)
        .arg("import")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // (once it holds the file open)
    let path = std::fs::canonicalize(&file).unwrap();
    let holds_file = || {
        std::fs::read_dir(format!("/proc/{}/fd", child.id()))
            .map(|fds| {
                fds.flatten()
                    .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|p| p == path))
            })
            .unwrap_or(false)
    };
    let started = std::time::Instant::now();
    while !holds_file() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the import never opened the file"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // ...while the file is replaced by another valid export of the same size
    let swap = tmp.path().join("swap.json");
    std::fs::write(&swap, &other).unwrap();
    std::fs::rename(&swap, &file).unwrap();
    drop(held);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // one reading of the file it opened: the workspace is the first export, whole
    assert_eq!(
        String::from_utf8(export(&target, &tmp.path().join("after.json"))).unwrap(),
        first
    );
    check_ok(&target);
    assert!(!staging(&target).exists());
}
