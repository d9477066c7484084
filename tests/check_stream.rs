//! `weft check` over a generated workspace as a real process, and `weft list --status`
//! reading the status index as it prints.

mod common;

use common::cli::{run, weft};
use std::path::Path;
use weft::store::{OpenOptions, Store};

fn generated(dir: &Path, total: u64) -> std::path::PathBuf {
    let ws = dir.join("ws");
    let mut s = Store::open(
        &ws,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    weft::synth::generate(&mut s, &weft::synth::Spec::sized(total), |_| {}).unwrap();
    s.flush().unwrap();
    ws
}

#[test]
fn check_passes_a_generated_workspace_and_names_each_damaged_entry() {
    let dir = tempfile::tempdir().unwrap();
    let ws = generated(dir.path(), 3000);
    let ok = run(&ws, &["check"]);
    assert!(ok.starts_with("ok: ") && ok.contains(" records, "), "{ok}");
    assert!(ok.trim_end().ends_with("indexes consistent"), "{ok}");
    {
        let s = Store::open(&ws, &OpenOptions::default()).unwrap();
        // N7's recorded-time entry taken away, and a status entry for a question that
        // does not exist
        let n7 = s.get("N7".parse().unwrap()).unwrap().unwrap();
        let (recorded, _) = weft::store::index::entries(&n7)
            .into_iter()
            .find(|(k, _)| k[0] == weft::store::index::RECORDED)
            .unwrap();
        s.corrupt_index_for_test(&recorded, None).unwrap();
        let mut ghost = vec![b's', 0];
        ghost.extend_from_slice(&"Q999999".parse::<weft::model::Id>().unwrap().to_bytes());
        s.corrupt_index_for_test(&ghost, Some(b"")).unwrap();
    }
    let out = weft(&ws).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("index entry s\\x00Q")
            && lines[0].ends_with("(for Q999999) matches no record"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("index entry r") && lines[1].ends_with("(for N7) is missing"),
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("weft: 2 problems in "), "{err}");
}

#[test]
fn list_by_status_prints_the_questions_of_that_status_in_id_order() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    run(dir.path(), &["init", ws.to_str().unwrap()]);
    for title in ["one", "two", "three", "four"] {
        run(&ws, &["add", "question", title]);
    }
    run(&ws, &["set", "Q2", "status=active"]);
    run(&ws, &["set", "Q4", "status=active"]);
    let ids = |out: String| -> Vec<String> {
        out.lines()
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    let active = run(&ws, &["list", "questions", "--status", "active"]);
    assert_eq!(ids(active), vec!["Q2", "Q4"]);
    let open = run(&ws, &["list", "questions", "--status", "open"]);
    assert_eq!(ids(open), vec!["Q1", "Q3"]);
    let first = run(
        &ws,
        &["list", "questions", "--status", "active", "--limit", "1"],
    );
    assert_eq!(ids(first), vec!["Q2"]);
    let json = run(&ws, &["list", "questions", "--status", "active", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let got: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, vec!["Q2", "Q4"]);
    assert_eq!(run(&ws, &["list", "questions", "--status", "parked"]), "");
}
