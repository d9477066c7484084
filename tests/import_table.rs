//! `weft import-table` as a real process: the shipped mappings import their samples and
//! the workspace checks clean; a second import adds nothing; entities meet the ones the
//! workspace holds by normalised identity; the import is one undo step; a bad row, a bad
//! file or a bad mapping is refused in one line naming where, and nothing is written.

mod common;
use common::cli::{fails, init, run, weft};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample(name: &str) -> (String, String) {
    let dir = root().join("examples/mappings");
    (
        dir.join(format!("{name}.csv")).display().to_string(),
        dir.join(format!("{name}.toml")).display().to_string(),
    )
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    init(&ws);
    (dir, ws)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn count(ws: &Path, kind: &str) -> usize {
    run(ws, &["list", kind]).lines().count()
}

/// What the workspace holds, for "nothing changed": every record and the journal.
fn state(ws: &Path) -> (String, String, String) {
    (
        run(ws, &["list", "entities"]),
        run(ws, &["list", "links"]),
        run(ws, &["log"]),
    )
}

const MAP: &str = r#"
[[entity]]
role = "a"
kind = "phone"
column = "from"
[[entity]]
role = "b"
kind = "phone"
column = "to"
[[link]]
from = "a"
to = "b"
label = "called"
when = { column = "at" }
[note]
text = "[[{from}]] called [[{to}]]"
"#;

#[test]
fn each_sample_imports_checks_clean_and_adds_nothing_the_second_time() {
    for name in ["cdr", "anpr", "bank"] {
        let (_d, ws) = workspace();
        let (csv, map) = sample(name);
        let first = run(&ws, &["import-table", &csv, "--map", &map]);
        assert!(first.contains("one change"), "{name}: {first}");
        assert!(count(&ws, "entities") > 0, "{name}");
        assert!(count(&ws, "links") > 0, "{name}");
        run(&ws, &["check"]);
        let before = state(&ws);
        let again = run(&ws, &["import-table", &csv, "--map", &map]);
        assert!(again.contains("imported 0"), "{name}: {again}");
        assert!(again.contains("nothing to change"), "{name}: {again}");
        assert_eq!(
            state(&ws),
            before,
            "{name}: a second import changed something"
        );
        run(&ws, &["check"]);
    }
}

#[test]
fn a_dry_run_says_what_would_happen_and_writes_nothing() {
    let (_d, ws) = workspace();
    let (csv, map) = sample("cdr");
    let said = run(&ws, &["import-table", &csv, "--map", &map, "--dry-run"]);
    assert!(said.contains("would import 6"), "{said}");
    assert!(said.contains("would create 7"), "{said}");
    assert!(said.contains("12 links, 6 notes"), "{said}");
    assert_eq!(count(&ws, "entities"), 0);
    assert_eq!(run(&ws, &["log"]).trim(), "");
    run(&ws, &["import-table", &csv, "--map", &map]);
    let again = run(&ws, &["import-table", &csv, "--map", &map, "--dry-run"]);
    assert!(again.contains("would skip 6 (6 imported before"), "{again}");
}

#[test]
fn entities_meet_existing_ones_by_normalised_identity() {
    let (_d, ws) = workspace();
    run(&ws, &["add", "entity", "07700900123", "--kind", "phone"]);
    run(&ws, &["add", "entity", "yx19kfd", "--kind", "vehicle"]);
    let (csv, map) = sample("cdr");
    let said = run(&ws, &["import-table", &csv, "--map", &map]);
    assert!(said.contains("matched 1"), "{said}");
    // "07700 900456" and "07700900456" are one phone
    let phones = run(&ws, &["list", "entities"]);
    assert_eq!(phones.matches("900456").count(), 1, "{phones}");
    // the spelling in the file is kept as an alias of the entity it matched
    let e1 = run(&ws, &["show", "E1", "--json"]);
    assert!(e1.contains("07700 900123"), "{e1}");
    let (csv, map) = sample("anpr");
    run(&ws, &["import-table", &csv, "--map", &map]);
    let vehicles = run(&ws, &["list", "entities"]);
    assert_eq!(
        vehicles.to_lowercase().matches("yx19").count(),
        1,
        "{vehicles}"
    );
    run(&ws, &["check"]);
}

#[test]
fn the_import_is_one_undo_step() {
    let (_d, ws) = workspace();
    run(&ws, &["add", "entity", "07700 900123", "--kind", "phone"]);
    let before = (
        run(&ws, &["list", "entities"]),
        run(&ws, &["list", "links"]),
    );
    let (csv, map) = sample("cdr");
    run(&ws, &["import-table", &csv, "--map", &map]);
    run(&ws, &["undo"]);
    let after = (
        run(&ws, &["list", "entities"]),
        run(&ws, &["list", "links"]),
    );
    assert_eq!(after, before);
    run(&ws, &["check"]);
    // undone, the rows may be imported again
    let said = run(&ws, &["import-table", &csv, "--map", &map]);
    assert!(said.contains("imported 6"), "{said}");
}

#[test]
fn rows_repeated_in_the_file_are_made_once_and_mentions_are_linked() {
    let (d, ws) = workspace();
    let map = write(d.path(), "m.toml", MAP);
    let csv = write(
        d.path(),
        "calls.csv",
        "from,to,at\n07700 900001,07700 900002,2024-03-04 10:00\n07700 900001,07700 900002,2024-03-04 10:00\n",
    );
    let said = run(&ws, &["import-table", &csv, "--map", &map]);
    assert!(said.contains("1 repeated in the file"), "{said}");
    assert!(said.contains("1 link, 1 note, 2 mentions"), "{said}");
    let note = run(&ws, &["show", "N1"]);
    assert!(note.contains("E1") && note.contains("E2"), "{note}");
    run(&ws, &["check"]);
}

#[test]
fn a_bom_and_tab_separated_files_are_read() {
    let (d, ws) = workspace();
    let map = write(d.path(), "m.toml", MAP);
    let csv = write(
        d.path(),
        "bom.csv",
        "\u{feff}from,to,at\n07700 900001,07700 900002,2024-03-04 10:00\n",
    );
    run(&ws, &["import-table", &csv, "--map", &map]);
    let tsv = write(
        d.path(),
        "calls.tsv",
        "from\tto\tat\n07700 900003\t07700 900002\t2024-03-05T10:00:00Z\n",
    );
    let said = run(&ws, &["import-table", &tsv, "--map", &map]);
    assert!(said.contains("imported 1"), "{said}");
    assert_eq!(count(&ws, "entities"), 3);
    run(&ws, &["check"]);
}

#[test]
fn a_bad_row_refuses_the_file_naming_its_line_and_column() {
    let (d, ws) = workspace();
    let map = write(d.path(), "m.toml", MAP);
    let cases = [
        (
            "from,to,at\n07700 900001,07700 900002,2024-03-04\n07700 900001,07700 900003,yesterday\n",
            "line 3, column \"at\"",
        ),
        (
            "from,to,at\n07700 900001,n/a,2024-03-04\n",
            "line 2, column \"to\": \"n/a\" identifies no phone",
        ),
        (
            "from,to,at\n07700 900001,07700 900002,2024-03-04\n07700 900001,2024-03-04\n",
            "line 3: the row has 2 fields where the header has 3",
        ),
    ];
    for (text, said) in cases {
        let csv = write(d.path(), "bad.csv", text);
        fails(&ws, &["import-table", &csv, "--map", &map], 1, said);
        assert_eq!(count(&ws, "entities"), 0, "{said}");
        assert_eq!(run(&ws, &["log"]).trim(), "", "{said}");
    }
    let mut bytes = b"from,to,at\n07700 900001,07700 900002,2024-03-04\n07700 9".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b",07700 900002,2024-03-04\n");
    let p = d.path().join("latin.csv");
    std::fs::write(&p, &bytes).unwrap();
    let csv = p.display().to_string();
    fails(
        &ws,
        &["import-table", &csv, "--map", &map],
        1,
        "line 3, column \"from\": byte 8 of the cell is not UTF-8",
    );
    let mut utf16 = vec![0xff, 0xfe];
    for c in "from,to,at\n".encode_utf16() {
        utf16.extend_from_slice(&c.to_le_bytes());
    }
    let p = d.path().join("wide.csv");
    std::fs::write(&p, &utf16).unwrap();
    let csv = p.display().to_string();
    fails(&ws, &["import-table", &csv, "--map", &map], 1, "is UTF-16");
    run(&ws, &["check"]);
}

#[test]
fn a_bad_mapping_is_refused_in_one_line_naming_the_file() {
    let (d, ws) = workspace();
    let csv = write(
        d.path(),
        "calls.csv",
        "from,to,at\n07700 900001,07700 900002,2024\n",
    );
    let cases = [
        ("[[entity]]\nkind = \"phone\"\ncolum = \"from\"\n", "line 3"),
        ("[[entity]]\nkind = \"boat\"\ncolumn = \"from\"\n", "invalid entity kind \"boat\""),
        ("tags = [\"x\"]\n", "names no [[entity]]"),
        (
            "[[entity]]\nkind = \"phone\"\ncolumn = \"from\"\n[[link]]\nfrom = \"from\"\nto = \"nobody\"\nlabel = \"called\"\n",
            "to \"nobody\" is no entity's role",
        ),
        (
            "[[entity]]\nkind = \"phone\"\ncolumn = \"caller\"\n",
            "reads the column \"caller\", which the header does not name",
        ),
        (
            "[[entity]]\nkind = \"phone\"\ncolumn = \"from\"\n[note]\ntext = \"call {from\"\n",
            "note: text: the placeholder that opens at character 6 is not closed",
        ),
        (
            "[[entity]]\nkind = \"phone\"\ncolumn = \"from\"\n[[entity]]\nkind = \"phone\"\ncolumn = \"to\"\n[[link]]\nfrom = \"from\"\nto = \"to\"\nlabel = \"called\"\nconfidence = \"perhaps\"\n",
            "link 1 (called): confidence",
        ),
        ("this is not toml", "line 1"),
    ];
    for (text, said) in cases {
        let map = write(d.path(), "bad.toml", text);
        fails(&ws, &["import-table", &csv, "--map", &map], 1, said);
        fails(&ws, &["import-table", &csv, "--map", &map], 1, "bad.toml");
    }
    fails(
        &ws,
        &["import-table", &csv, "--map", "/nonexistent/m.toml"],
        1,
        "/nonexistent/m.toml: cannot read it",
    );
    assert_eq!(run(&ws, &["log"]).trim(), "");
}

#[test]
fn control_characters_in_cells_are_made_visible() {
    let (d, ws) = workspace();
    let map = write(
        d.path(),
        "m.toml",
        "[[entity]]\nkind = \"person\"\ncolumn = \"name\"\n[[entity]]\nkind = \"phone\"\ncolumn = \"phone\"\n[[link]]\nfrom = \"name\"\nto = \"phone\"\nlabel = \"uses\"\n",
    );
    let csv = write(
        d.path(),
        "p.csv",
        "name,phone\n\"Dean\u{1b}[31m Marsh\",07700 900001\n",
    );
    run(&ws, &["import-table", &csv, "--map", &map]);
    let out = weft(&ws).args(["show", "E1", "--json"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains('\u{241b}'), "{text}");
    run(&ws, &["check"]);
}

#[test]
fn a_uk_handset_written_internationally_meets_its_national_form() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::cli::init(&ws);
    let csv = dir.path().join("calls.csv");
    std::fs::write(
        &csv,
        "msisdn,imei,other_party,direction,start,duration_s,cell_id,cell_name,provider\n\
         07700 900123,1,+44 7700 900456,MO,2024-03-04T14:30:05Z,62,C1,Cell one,Op A\n\
         0044 7700 900123,1,07700900456,MT,2024-03-04T16:02:40Z,15,C1,Cell one,Op A\n",
    )
    .unwrap();
    let map = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mappings/cdr.toml");
    let out = common::cli::run(
        &ws,
        &[
            "import-table",
            csv.to_str().unwrap(),
            "--map",
            map.to_str().unwrap(),
        ],
    );
    assert!(out.contains("entities: created 3, matched 0"), "{out}");
    let phones = common::cli::run(&ws, &["list", "entities", "--kind", "phone"]);
    assert_eq!(phones.lines().count(), 2, "{phones}");
}

#[test]
fn a_table_import_killed_at_any_point_lands_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let csv = common::table::calls(dir.path(), 2000).display().to_string();
    let (_, map) = sample("cdr");
    let mut round = 0;
    let fresh = |round: u32| {
        let ws = dir.path().join(format!("ws{round}"));
        if !ws.exists() {
            init(&ws);
            run(&ws, &["add", "note", "held before the import"]);
        }
        ws
    };
    common::kill::kill_through(
        || {
            round += 1;
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("weft"));
            c.env_remove("WEFT_WORKSPACE")
                .arg("--workspace")
                .arg(fresh(round))
                .args(["import-table", &csv, "--map", &map]);
            c
        },
        6,
        |k| {
            let ws = fresh(k + 2);
            // the next open finishes or drops what the kill interrupted
            let check = weft(&ws).arg("check").output().unwrap();
            assert!(
                check.status.success(),
                "kill {k}: {}",
                String::from_utf8_lossy(&check.stdout)
            );
            let notes = count(&ws, "notes");
            assert!(notes == 1 || notes == 2001, "kill {k}: {notes} notes");
            // run again: whatever was not in is imported, nothing twice
            run(&ws, &["import-table", &csv, "--map", &map]);
            assert_eq!(count(&ws, "notes"), 2001, "kill {k}");
        },
    );
}
