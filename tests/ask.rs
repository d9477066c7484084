//! "Ask about this" as a real process (`weft ask`): the proposed title is whole and names
//! records, never bare ids; a strong note is asked what it tells, a weak one to be
//! corroborated; the question goes under the one open question the record serves, takes
//! its priority, and `--parent` / `--top` / `--dry-run` do what they say.

mod common;
use common::cli::{fails, init};
use std::path::{Path, PathBuf};

fn run(ws: &Path, args: &[&str]) -> String {
    common::cli::run(ws, args).trim().to_string()
}

const LONG: &str = "Who controls the KING line now that Darren Marsh is remanded, and does the Harlow Cross group run it through Renshaw?";

/// Q1 (P1, long title) with H1; N1 (B2) concerns Q1; N2 (C4) concerns Q1; Q2 (P3); E1
/// concerns Q1 and Q2.
fn case() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    init(&ws);
    run(&ws, &["add", "question", LONG, "--priority", "1"]);
    run(
        &ws,
        &[
            "add",
            "hypothesis",
            "Q1",
            "Renshaw runs it for Harlow Cross.",
        ],
    );
    run(
        &ws,
        &[
            "add",
            "note",
            "Renshaw gives the runners orders",
            "--grade",
            "B2P",
        ],
    );
    run(
        &ws,
        &[
            "add",
            "note",
            "A rumour Renshaw is in charge",
            "--grade",
            "C4P",
        ],
    );
    run(&ws, &["link", "N1", "Q1", "--label", "concerns"]);
    run(&ws, &["link", "N2", "Q1", "--label", "concerns"]);
    run(
        &ws,
        &[
            "add",
            "question",
            "Where does the cash go?",
            "--priority",
            "3",
        ],
    );
    run(&ws, &["add", "entity", "Kyle Renshaw", "--kind", "person"]);
    run(&ws, &["link", "Q1", "E1", "--label", "concerns"]);
    run(&ws, &["link", "Q2", "E1", "--label", "concerns"]);
    (dir, ws)
}

fn show(ws: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&run(ws, &["show", id, "--json"])).unwrap()
}

#[test]
fn a_strong_note_is_asked_what_it_tells_its_question_under_that_question() {
    let (_d, ws) = case();
    let dry = run(&ws, &["ask", "N1", "--dry-run"]);
    let want = format!(
        "What does \"Renshaw gives the runners orders\" tell us about \"{}\"?",
        LONG.trim_end_matches('?')
    );
    assert!(dry.contains(&format!("title   {want}")), "{dry}");
    assert!(
        dry.contains("parent  Q1 Who controls the KING line"),
        "{dry}"
    );
    assert!(dry.contains("serves  Q1"), "{dry}");
    // a dry run adds nothing
    assert_eq!(run(&ws, &["list", "questions", "--count"]), "2");
    let id = run(&ws, &["ask", "N1"]);
    assert_eq!(id, "Q3");
    let q = show(&ws, "Q3");
    // whole, never cut, and under Q1 with its priority
    assert_eq!(q["title"], want.as_str());
    assert_eq!(q["parent"], "Q1");
    assert_eq!(q["priority"], 1);
    assert!(run(&ws, &["list", "links"]).contains("Q3 -concerns-> N1"));
}

#[test]
fn a_weak_note_is_asked_to_be_corroborated_and_no_title_names_a_bare_id() {
    let (_d, ws) = case();
    let dry = run(&ws, &["ask", "N2", "--dry-run"]);
    assert!(
        dry.contains("title   Can \"A rumour Renshaw is in charge\" be corroborated?"),
        "{dry}"
    );
    for id in ["Q1", "H1", "N1", "N2", "E1", "L1"] {
        let dry = run(&ws, &["ask", id, "--dry-run"]);
        let title = dry.lines().next().unwrap();
        let bare = title.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
            w.len() >= 2
                && w[1..].chars().all(|c| c.is_ascii_digit())
                && "QHENLAXD".contains(&w[..1])
        });
        assert!(!bare, "{id}: {title}");
    }
}

#[test]
fn an_entity_serving_two_questions_is_proposed_at_the_top_and_flags_choose() {
    let (_d, ws) = case();
    let dry = run(&ws, &["ask", "E1", "--dry-run"]);
    assert!(dry.contains("parent  none (top level)"), "{dry}");
    assert!(dry.contains("serves  Q1, Q2"), "{dry}");
    let id = run(
        &ws,
        &[
            "ask",
            "E1",
            "--parent",
            "Q2",
            "--title",
            "Does Renshaw bank for the line?",
        ],
    );
    let q = show(&ws, &id);
    assert_eq!(q["parent"], "Q2");
    assert_eq!(q["priority"], 3);
    assert_eq!(q["title"], "Does Renshaw bank for the line?");
    let id = run(&ws, &["ask", "H1", "--top"]);
    assert_eq!(show(&ws, &id)["parent"], serde_json::Value::Null);
    fails(
        &ws,
        &["ask", "E1", "--parent", "N1"],
        2,
        "--parent N1: a parent must be a question",
    );
    fails(
        &ws,
        &["ask", "E1", "--parent", "Q99"],
        1,
        "--parent Q99: no such question",
    );
    fails(&ws, &["ask", "E9"], 1, "E9");
    fails(&ws, &["ask", "E1", "--parent", "Q1", "--top"], 2, "--top");
}

#[test]
fn an_accepted_gap_goes_under_the_question_its_records_serve_and_joins_the_plan() {
    let (_d, ws) = case();
    run(
        &ws,
        &[
            "add",
            "note",
            "[[Uncle V]] supplies the crew",
            "--grade",
            "B2P",
        ],
    );
    run(&ws, &["link", "N3", "Q1", "--label", "concerns"]);
    let gaps: serde_json::Value = serde_json::from_str(&run(&ws, &["gaps", "--json"])).unwrap();
    let key = gaps
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap().to_string())
        .find(|k| k.starts_with("dangling-mention:"))
        .unwrap_or_else(|| panic!("{gaps:#}"));
    let id = run(&ws, &["gaps", "accept", &key]);
    let q = show(&ws, &id);
    assert_eq!(q["parent"], "Q1");
    assert_eq!(q["priority"], 1);
    assert_eq!(q["tags"], serde_json::json!(["collection"]));
    let plan = run(&ws, &["plan"]);
    assert!(plan.contains(&format!("  {id:<6} answer: ")), "{plan}");
}
