//! Malformed imports: refused with the position or record of the first error, and nothing
//! written.

use super::*;

const MALFORMED: &[(&str, &str)] = &[
    ("bad-json.json", "line 9 column 169: expected `,` or `}`"),
    (
        "unknown-schema.json",
        "unknown schema \"weft.workspace/9\": this weft reads weft.workspace/2 and weft.workspace/1",
    ),
    (
        "missing-link-end.json",
        "L1 links to N99, which is not in the file",
    ),
    ("duplicate-id.json", "duplicate id Q1"),
    (
        "bad-grade.json",
        "line 15 column 177: N1: field \"grade\": invalid grade \"Z9Q\"",
    ),
    (
        "bad-date.json",
        "line 6 column 244: Q1: field \"review_by\" (\"2024-02-30\"): input is out of range",
    ),
    (
        "bad-when.json",
        "line 15 column 177: N1: field \"when\": invalid time \"2024-13\"",
    ),
    (
        "wrong-kind.json",
        "line 7 column 169: E1 is listed under \"questions\" but is an entity",
    ),
    (
        "unknown-field.json",
        "line 6 column 251: Q1: unknown field \"colour\" in a question",
    ),
    (
        "counter-reuse.json",
        "Q1: the id counter for questions is 1, so Q1 would be handed out again",
    ),
    ("journal-gap.json", "journal entry 4 has sequence number 5"),
];

/// `weft check` output and a full export of a workspace, through the binary.
fn snapshot(ws: &Path, out: &Path) -> (String, Vec<u8>) {
    let check = weft()
        .arg("--workspace")
        .arg(ws)
        .arg("check")
        .assert()
        .success();
    let check = String::from_utf8(check.get_output().stdout.clone()).unwrap();
    weft()
        .arg("--workspace")
        .arg(ws)
        .args(["export", "workspace", "-o"])
        .arg(out)
        .assert()
        .success();
    (check, std::fs::read(out).unwrap())
}

#[test]
fn malformed_imports_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("b");
    weft().arg("init").arg(&ws).assert().success();
    let before = snapshot(&ws, &tmp.path().join("before.json"));
    for (name, want) in MALFORMED {
        let file = fixture(name);
        let out = weft()
            .arg("--workspace")
            .arg(&ws)
            .arg("import")
            .arg(&file)
            .assert()
            .code(1);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        let line = format!("weft: import {}: {want}", file.display());
        assert!(err.starts_with(&line), "{name}:\n got {err}\nwant {line}");
        assert_eq!(err.lines().count(), 1, "{name}: one line: {err}");
        let after = snapshot(&ws, &tmp.path().join("after.json"));
        assert_eq!(before, after, "{name} changed the workspace");
        // nor is a workspace created for a refused file
        let fresh = tmp.path().join("never");
        weft()
            .arg("--workspace")
            .arg(&fresh)
            .arg("import")
            .arg(&file)
            .assert()
            .code(1);
        assert!(!fresh.exists(), "{name} created a workspace");
        // and an empty directory given for it stays empty
        let empty = tmp.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        weft()
            .arg("--workspace")
            .arg(&empty)
            .arg("import")
            .arg(&file)
            .assert()
            .code(1);
        let left: Vec<_> = std::fs::read_dir(&empty).unwrap().flatten().collect();
        assert!(left.is_empty(), "{name} left {left:?}");
    }
}

#[test]
fn the_valid_fixture_imports_and_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("b");
    weft()
        .arg("--workspace")
        .arg(&ws)
        .arg("import")
        .arg(fixture("valid.json"))
        .assert()
        .success();
    let (check, bytes) = snapshot(&ws, &tmp.path().join("again.json"));
    assert!(
        check.starts_with("ok: 5 records, 5 journal entries"),
        "{check}"
    );
    // the fixture is a weft.workspace/1 file: it exports again as /2, the same records
    // with an (empty) expectations array
    let v1 = std::fs::read_to_string(fixture("valid.json")).unwrap();
    let v2 = v1.replace("weft.workspace/1", "weft.workspace/2").replace(
        "  \"dismissals\": [],",
        "  \"expectations\": [],\n  \"dismissals\": [],",
    );
    assert_eq!(String::from_utf8(bytes).unwrap(), v2);
}

#[test]
fn a_backlog_export_is_not_a_workspace_export() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = open(&tmp.path().join("a"));
    a.add_question(NewQuestion::new("q")).unwrap();
    let qs = export::select(&a, &BacklogFilter::default()).unwrap();
    let json = export::render_backlog(&a, &qs, Format::Json, &meta()).unwrap();
    let e = export::parse_workspace(&json).unwrap_err().to_string();
    assert!(
        e.contains("this is a backlog export (weft.backlog/1)"),
        "{e}"
    );
}
