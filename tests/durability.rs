//! Two processes and a killed writer: the lock error, and no acknowledged change lost.

use assert_cmd::cargo::CommandCargoExt;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use weft::store::{OpenOptions, Store};

#[test]
fn a_second_process_gets_one_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let held = Store::open(
        &ws,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let out = Command::cargo_bin("weft")
        .unwrap()
        .arg("--workspace")
        .arg(&ws)
        .args(["add", "question", "while held"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&ws.display().to_string()) && err.contains("is open elsewhere"),
        "{err}"
    );
    assert_eq!(held.state().total(), 0);
    drop(held);
    let s = Store::open(&ws, &OpenOptions::default()).unwrap();
    assert_eq!(s.state().total(), 0, "nothing changed");
}

#[test]
fn sigkill_mid_burst_loses_no_acknowledged_add() {
    let weft = assert_cmd::cargo::cargo_bin("weft");
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    Command::new(&weft).arg("init").arg(&ws).status().unwrap();
    let mut acked: Vec<String> = Vec::new();
    for round in 0..4 {
        let script = format!(
            "for i in $(seq 1 500); do \"{}\" --workspace \"{}\" add note \"round {round} note $i\" || exit 1; done",
            weft.display(),
            ws.display()
        );
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = child.id();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..(15 + round * 7) {
            match lines.next() {
                Some(Ok(id)) => acked.push(id),
                _ => break,
            }
        }
        // kill the whole group: the shell and the weft caught mid-write
        let group = rustix::process::Pid::from_raw(pgid as i32).expect("a real process group");
        rustix::process::kill_process_group(group, rustix::process::Signal::KILL).unwrap();
        let _ = child.wait();
        // ids printed after our last read were acknowledged too
        for id in lines.map_while(Result::ok) {
            acked.push(id);
        }
    }
    let store = Store::open(
        &ws,
        &OpenOptions {
            wait: std::time::Duration::from_secs(5),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let problems = store.check().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    for id in &acked {
        let id: weft::model::Id = id.parse().unwrap();
        assert!(
            store.get(id).unwrap().is_some(),
            "acknowledged {id} was lost"
        );
    }
    assert!(acked.len() >= 15 * 4);
}
