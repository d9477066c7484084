//! The competing-hypotheses command line as a real process: assess (symbols, Heuer's
//! letters, a bare `--`, clearing), matrix text and JSON, expectations and their rules.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn weft(ws: &Path) -> Command {
    let mut c = Command::cargo_bin("weft").unwrap();
    c.arg("--workspace").arg(ws).env_remove("WEFT_WORKSPACE");
    c
}

fn init() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&ws)
        .assert()
        .success();
    (dir, ws)
}

fn run(ws: &Path, args: &[&str]) -> String {
    let out = weft(ws).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn fails(ws: &Path, args: &[&str], code: i32, text: &str) {
    let out = weft(ws).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(text), "{err}");
}

/// Q1 with H1, H2; N1 (A1), N2 (C5).
fn case() -> (tempfile::TempDir, PathBuf) {
    let (d, ws) = init();
    run(&ws, &["add", "question", "Who runs the line?"]);
    run(&ws, &["add", "hypothesis", "Q1", "Marsh runs it"]);
    run(&ws, &["add", "hypothesis", "Q1", "Kane runs it"]);
    run(&ws, &["add", "note", "Marsh at the yard", "--grade", "A1P"]);
    run(&ws, &["add", "note", "Kane rumour", "--grade", "C5P"]);
    (d, ws)
}

fn matrix(ws: &Path) -> serde_json::Value {
    serde_json::from_str(&run(ws, &["matrix", "Q1", "--json"])).unwrap()
}

#[test]
fn assess_takes_a_bare_double_dash_and_heuer_letters() {
    let (_d, ws) = case();
    run(&ws, &["assess", "H1", "N1", "--"]);
    run(&ws, &["assess", "H2", "N1", "II"]);
    run(&ws, &["assess", "h2", "n2", "i"]);
    run(&ws, &["assess", "H1", "N2", "+"]);
    let m = matrix(&ws);
    let n1 = m["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["note"] == "N1")
        .unwrap();
    assert_eq!(n1["cells"]["H1"], "--");
    assert_eq!(n1["cells"]["H2"], "--");
    assert_eq!(n1["diagnostic"], false);
    assert_eq!(n1["weight"], 1.0);
    // H1: 2.00, H2: 2.00 + 0.04
    assert_eq!(m["hypotheses"][0]["id"], "H1");
    assert_eq!(m["hypotheses"][0]["rank"], 1);
    assert_eq!(m["hypotheses"][1]["score"], 2.04);
    assert_eq!(m["hypotheses"][1]["inconsistencies"], 3);
    run(&ws, &["assess", "H1", "N2", "none"]);
    let m = matrix(&ws);
    let n2 = m["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["note"] == "N2")
        .unwrap();
    assert!(n2["cells"].get("H1").is_none());
    run(&ws, &["check"]);
}

#[test]
fn assess_refuses_wrong_ids_and_values_with_one_line() {
    let (_d, ws) = case();
    fails(
        &ws,
        &["assess", "N1", "H1", "+"],
        1,
        "N1 is not a hypothesis",
    );
    fails(&ws, &["assess", "H1", "Q1", "+"], 1, "Q1 is not a note");
    fails(&ws, &["assess", "H1", "N9", "+"], 1, "N9");
    fails(
        &ws,
        &["assess", "H1", "N1", "+++"],
        2,
        "invalid consistency \"+++\"",
    );
    fails(&ws, &["assess", "H1", "N1"], 2, "assess needs a value");
    assert!(run(&ws, &["log", "--limit", "1"]).contains("add note"));
}

#[test]
fn expectations_are_added_set_listed_shown_and_scored() {
    let (_d, ws) = case();
    assert_eq!(run(&ws, &["expect", "H2", "Cash at Kane's bank"]), "X1");
    fails(
        &ws,
        &["set", "X1", "status=absent"],
        1,
        "status absent needs where",
    );
    run(
        &ws,
        &[
            "set",
            "X1",
            "status=absent",
            "where=PNC and ANPR",
            "checked=2024-06-01",
        ],
    );
    let m = matrix(&ws);
    assert_eq!(m["expectations"][0]["where"], "PNC and ANPR");
    assert_eq!(m["expectations"][0]["checked"], "2024-06-01");
    assert_eq!(m["hypotheses"][1]["id"], "H2");
    assert_eq!(m["hypotheses"][1]["score"], 0.5);
    fails(&ws, &["set", "X1", "status=found"], 1, "needs the note");
    run(&ws, &["set", "X1", "status=found", "note=N2"]);
    assert!(run(&ws, &["list", "expectations", "--status", "found"]).contains("X1"));
    assert!(run(&ws, &["show", "X1"]).contains("N2"));
    fails(
        &ws,
        &["delete", "N2"],
        1,
        "N2 is the note that shows X1 found",
    );
    fails(&ws, &["expect", "Q1", "x"], 1, "Q1 is not a hypothesis");
    // deleting the hypothesis takes its expectation
    run(&ws, &["delete", "H2"]);
    assert_eq!(run(&ws, &["list", "expectations"]), "");
    run(&ws, &["check"]);
}

#[test]
fn matrix_text_names_the_weighting_and_the_leader() {
    let (_d, ws) = case();
    run(&ws, &["assess", "H1", "N2", "-"]);
    let text = run(&ws, &["matrix", "Q1"]);
    assert!(text.contains("Score = weighted inconsistency"), "{text}");
    assert!(text.contains("H2"), "{text}");
    fails(&ws, &["matrix", "H1"], 1, "H1 is not a question");
}

#[test]
fn workspace_export_round_trips_expectations() {
    let (d, ws) = case();
    run(&ws, &["expect", "H1", "Marsh's car at the yard"]);
    run(&ws, &["assess", "H1", "N1", "CC"]);
    let file = d.path().join("ws.json");
    run(&ws, &["export", "workspace", "-o", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"schema\": \"weft.workspace/2\""));
    let other = d.path().join("other");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&other)
        .assert()
        .success();
    run(&other, &["import", file.to_str().unwrap()]);
    assert!(run(&other, &["show", "X1"]).contains("Marsh's car"));
    assert_eq!(matrix(&other)["evidence"][0]["cells"]["H1"], "++");
}

/// A workspace holding the demo case, closed, and what was loaded.
fn demo_workspace() -> (tempfile::TempDir, PathBuf, weft::demo::Loaded) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let mut store = weft::store::Store::open(
        &ws,
        &weft::store::OpenOptions {
            create: true,
            ..Default::default()
        },
    )
    .unwrap();
    let loaded = weft::demo::load(&mut store, weft::demo::KESTREL).unwrap();
    (dir, ws, loaded)
}

/// The demo case ships weighed matrices: a non-diagnostic row in Q1, a ranking in Q19
/// that rests on one well-graded row, and expectations of every status.
#[test]
fn demo_case_has_weighed_matrices_to_work_from() {
    let (_dir, ws, loaded) = demo_workspace();
    assert_eq!((loaded.assessments, loaded.expectations), (57, 7));
    let q1: serde_json::Value =
        serde_json::from_str(&run(&ws, &["matrix", "Q1", "--json"])).unwrap();
    let n30 = q1["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["note"] == "N30")
        .unwrap();
    assert_eq!(n30["diagnostic"], false);
    assert_eq!(q1["hypotheses"][0]["id"], "H1");
    let statuses: Vec<&str> = q1["expectations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["found", "unchecked", "absent"]);
    let q19 = run(&ws, &["matrix", "Q19"]);
    assert!(
        q19.contains("The lead rests on N178: without it H27 leads instead of H26."),
        "{q19}"
    );
}

/// An untested hypothesis never leads: added to Q19 with no cell, it ranks after every
/// fully assessed one and says so, in the text and in the JSON; the lead is not claimed
/// to rest on anything a tie-break decided.
#[test]
fn an_untested_hypothesis_ranks_last_and_is_marked() {
    let (_dir, ws, _) = demo_workspace();
    let added = run(
        &ws,
        &["add", "hypothesis", "Q19", "Garvey works for Quayside"],
    );
    let h = added
        .split_whitespace()
        .find(|w| w.starts_with('H'))
        .unwrap()
        .to_string();
    let m: serde_json::Value =
        serde_json::from_str(&run(&ws, &["matrix", "Q19", "--json"])).unwrap();
    let hyps = m["hypotheses"].as_array().unwrap();
    assert_eq!(hyps[0]["id"], "H26", "{m}");
    let last = hyps.last().unwrap();
    assert_eq!(last["id"], h.as_str(), "{m}");
    assert_eq!(last["untested"], true);
    assert_eq!(last["assessed"], 0);
    assert_eq!(hyps[0]["untested"], false);
    assert_eq!(hyps[0]["tied_with"], serde_json::json!([]));
    let text = run(&ws, &["matrix", "Q19"]);
    assert!(text.contains("[untested]"), "{text}");
    // Q1's lead over H3 rests wholly on X1 being absent: said, and listed for scripts
    let q1: serde_json::Value =
        serde_json::from_str(&run(&ws, &["matrix", "Q1", "--json"])).unwrap();
    let first = &q1["sensitivity"][0];
    assert_eq!(first["kind"], "expectation", "{q1}");
    assert_eq!(first["id"], "X1");
    assert_eq!(
        (first["leader_after"].as_str(), first["tie"].as_bool()),
        (Some("H3"), Some(true))
    );
    assert!(
        q1["rests_on"].as_str().unwrap().contains("X1 being absent"),
        "{q1}"
    );
    assert!(
        text.contains("The lead rests on N178: without it H27 leads instead of H26."),
        "{text}"
    );
}

#[test]
fn collect_lists_ranked_actions_as_text_and_json() {
    let (_d, ws) = case();
    // H1 and H2 read on N2 only: H1 `+`, H2 `-` (C5: 0.04). N1 (A1) is linked but not read.
    run(&ws, &["link", "N1", "Q1", "--label", "concerns"]);
    run(&ws, &["assess", "H1", "N2", "+"]);
    run(&ws, &["assess", "H2", "N2", "-"]);
    run(&ws, &["expect", "H1", "Marsh's car at the yard at night"]);
    let items: serde_json::Value =
        serde_json::from_str(&run(&ws, &["collect", "Q1", "--json"])).unwrap();
    let items = items.as_array().unwrap();
    // N1 read `--` against the leader H1 would count 2.00: that comes first, decisive
    assert_eq!(items[0]["action"], "assess");
    assert_eq!(items[0]["records"], serde_json::json!(["N1"]));
    assert_eq!(items[0]["hypotheses"], serde_json::json!(["H1"]));
    assert_eq!(items[0]["swing"], 2.0);
    assert_eq!(items[0]["decisive"], true);
    assert!(items[0]["reason"]
        .as_str()
        .unwrap()
        .contains("H1 leads H2 by 0.04"));
    // the expectation of the leader: 0.50 against H1 would also turn a 0.04 lead
    assert!(items.iter().any(|i| i["action"] == "check"
        && i["records"] == serde_json::json!(["X1"])
        && i["decisive"] == true));
    // the sub-question last, in the hypotheses' words
    let last = items.last().unwrap();
    assert_eq!(last["action"], "ask");
    assert_eq!(
        last["title"],
        "What evidence would tell \"Marsh runs it\" apart from \"Kane runs it\"?"
    );
    let text = run(&ws, &["collect", "Q1"]);
    assert!(
        text.contains(" 1. assess N1 against H1  (up to 2.00)  could change the lead"),
        "{text}"
    );
    // one live hypothesis: nothing to weigh, said in one line
    run(&ws, &["set", "H2", "status=rejected"]);
    fails(
        &ws,
        &["collect", "Q1"],
        1,
        "collect next needs two live hypotheses",
    );
    fails(&ws, &["collect", "N1"], 1, "N1 is not a question");
}

#[test]
fn plan_lists_outstanding_collection_by_priority_as_text_and_json() {
    let (_d, ws) = case();
    run(
        &ws,
        &[
            "add",
            "question",
            "Will the rivalry turn violent?",
            "--priority",
            "1",
        ],
    );
    run(&ws, &["add", "hypothesis", "Q2", "It will"]);
    run(&ws, &["expect", "H1", "Marsh's car at the yard at night"]);
    run(&ws, &["expect", "H3", "Knives bought in bulk"]);
    // a collection question under Q2 serves it; a question tagged by hand counts too
    run(
        &ws,
        &[
            "add",
            "question",
            "Who sells the knives?",
            "--parent",
            "Q2",
            "--tag",
            "collection",
        ],
    );
    let items: serde_json::Value = serde_json::from_str(&run(&ws, &["plan", "--json"])).unwrap();
    let got: Vec<(String, u64, String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["question"].as_str().unwrap().to_string(),
                i["priority"].as_u64().unwrap(),
                i["kind"].as_str().unwrap().to_string(),
                i["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want =
        |q: &str, p: u64, k: &str, id: &str| (q.to_string(), p, k.to_string(), id.to_string());
    assert_eq!(
        got,
        vec![
            want("Q2", 1, "question", "Q3"),
            want("Q2", 1, "expectation", "X2"),
            want("Q1", 2, "expectation", "X1"),
        ]
    );
    let text = run(&ws, &["plan"]);
    assert!(
        text.starts_with(
            "P1 Q2 Will the rivalry turn violent?\n  Q3     answer: Who sells the knives?"
        ),
        "{text}"
    );
    assert!(
        text.contains("  X1     look for (if H1): Marsh's car at the yard at night"),
        "{text}"
    );
    // looked for: no longer outstanding
    run(&ws, &["set", "X1", "status=found", "note=N1"]);
    assert!(!run(&ws, &["plan"]).contains("X1"));
}
