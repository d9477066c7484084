//! Every output is safe (issue 24): `-o` writes a device, a FIFO or a symlink's target
//! in place of replacing it; no raw control character leaves in a CSV or a workspace
//! export, whatever the destination; names and tags refuse characters that draw nothing;
//! date fields read by one rule; `list --count`.

mod common;

use assert_cmd::Command;
use common::cli::{init, run, weft};
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

/// A workspace with two questions (one a sub-question), a hypothesis and a note.
fn workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("ws");
    init(&ws);
    run(
        &ws,
        &["add", "question", "Who runs the line?", "--tag", "line"],
    );
    run(
        &ws,
        &[
            "add",
            "question",
            "Who holds the handset?",
            "--parent",
            "Q1",
        ],
    );
    run(&ws, &["add", "hypothesis", "Q1", "Marsh runs it"]);
    run(&ws, &["add", "note", "Seen at the yard"]);
    ws
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success());
}

#[test]
fn an_export_to_a_fifo_reaches_its_reader_and_leaves_the_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    for (args, starts) in [
        (
            vec!["export", "backlog", "--format", "csv"],
            "id,parent,title",
        ),
        (
            vec!["export", "backlog", "--format", "md"],
            "**Handling code",
        ),
        (vec!["export", "workspace"], "{\n  \"schema\""),
    ] {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = String::new();
                std::fs::File::open(&fifo)
                    .unwrap()
                    .read_to_string(&mut got)
                    .unwrap();
                got
            })
        };
        let out = weft(&ws).args(&args).arg("-o").arg(&fifo).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // a FIFO replaced by a file would leave the reader waiting for ever: look first
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "{args:?}: the FIFO is still a FIFO");
        let got = reader.join().unwrap();
        assert!(got.starts_with(starts), "{args:?}: {got:?}");
        assert!(got.contains("Who runs the line?"), "{args:?}: {got:?}");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no temporary file beside the FIFO: {names:?}"
    );
}

/// A null device of our own when this process may make one (as root), so that a weft
/// that replaced it would not take the system's `/dev/null` with it; else `/dev/null`.
fn null_device(dir: &Path) -> Option<std::path::PathBuf> {
    let own = dir.join("null");
    let made = std::process::Command::new("mknod")
        .arg(&own)
        .args(["c", "1", "3"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let writable = |p: &Path| std::fs::OpenOptions::new().write(true).open(p).is_ok();
    if made && writable(&own) {
        return Some(own);
    }
    let system = Path::new("/dev/null");
    let is_char = std::fs::metadata(system).is_ok_and(|m| m.file_type().is_char_device());
    (is_char && writable(system)).then(|| system.to_path_buf())
}

#[test]
fn an_export_to_a_null_device_leaves_a_character_device() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let Some(null) = null_device(dir.path()) else {
        eprintln!("no writable null device here: skipped");
        return;
    };
    for args in [
        vec!["export", "backlog", "--format", "md"],
        vec!["export", "backlog", "--format", "csv"],
        vec!["export", "workspace"],
    ] {
        let out = weft(&ws).args(&args).arg("-o").arg(&null).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let kind = std::fs::symlink_metadata(&null).unwrap().file_type();
        assert!(
            kind.is_char_device(),
            "{args:?}: {} is no longer a device",
            null.display()
        );
    }
}

#[test]
fn an_export_through_a_symlink_keeps_the_link_and_fills_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    for (n, args) in [
        vec!["export", "backlog", "--format", "csv"],
        vec!["export", "backlog", "--format", "md"],
        vec!["export", "workspace"],
    ]
    .into_iter()
    .enumerate()
    {
        let target = real.join(format!("target{n}"));
        std::fs::write(&target, b"old").unwrap();
        let link = dir.path().join(format!("link{n}"));
        std::os::unix::fs::symlink(&target, &link).unwrap();
        run(
            &ws,
            &[args.clone(), vec!["-o", link.to_str().unwrap()]].concat(),
        );
        let kind = std::fs::symlink_metadata(&link).unwrap().file_type();
        assert!(kind.is_symlink(), "{args:?}: the link stays a link");
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(text.contains("Who runs the line?"), "{args:?}: {text:?}");
        assert_eq!(std::fs::read_dir(&real).unwrap().count(), n + 1);
    }
}

#[test]
fn output_help_says_an_existing_file_is_replaced() {
    for sub in ["backlog", "workspace"] {
        let out = Command::cargo_bin("weft")
            .unwrap()
            .args(["export", sub, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains("replacing one already there"), "{help}");
        assert!(
            help.contains("device or FIFO is written in place"),
            "{help}"
        );
    }
}
