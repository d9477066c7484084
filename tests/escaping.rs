//! Hostile text (terminal escape sequences, OSC 52 clipboard writes, C1 controls, bidi
//! overrides) never reaches a terminal from the command line's output, and JSON stays
//! lossless.

mod common;

use assert_cmd::Command;
use common::cli::run as stdout;

const HOSTILE: &str = "pay\u{1b}[2J\u{1b}]52;c;cm0gLXJm\u{07} \u{9b}31m \u{202e}evil\u{7f}";

fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(c)
                || ('\u{2066}'..='\u{2069}').contains(c)
        })
        .collect()
}

#[test]
fn hostile_text_is_shown_not_obeyed_and_json_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&ws)
        .assert()
        .success();
    let q = stdout(&ws, &["add", "question", HOSTILE]);
    let q = q.trim();
    stdout(&ws, &["add", "note", HOSTILE]);
    for args in [
        vec!["list", "questions"],
        vec!["list", "notes"],
        vec!["show", q],
        vec!["search", "pay"],
        vec!["log"],
    ] {
        let text = stdout(&ws, &args);
        assert!(raw_controls(&text).is_empty(), "{args:?}: {text:?}");
        let mut json_args = args.clone();
        json_args.push("--json");
        let json = stdout(&ws, &json_args);
        assert!(raw_controls(&json).is_empty(), "{json_args:?}: {json:?}");
        assert!(
            json.contains("\\u009b") && json.contains("\\u202e"),
            "{json}"
        );
        // Lossless: the escaped JSON parses back to the very text.
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(v.to_string().contains("\u{9b}31m"), "{args:?}");
    }
    // CSV has no escape syntax: a file holds the text with its controls made visible
    // (the workspace export keeps it exactly, as JSON escapes); a briefing escapes its
    // Markdown.
    let csv = dir.path().join("b.csv");
    stdout(
        &ws,
        &[
            "export",
            "backlog",
            "--format",
            "csv",
            "-o",
            csv.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(
        raw_controls(&csv.replace("\r\n", "\n")).is_empty(),
        "{csv:?}"
    );
    assert!(csv.contains("pay\u{241b}[2J\u{241b}]52;c;cm0gLXJm\u{2407} \u{fffd}31m"));
    let md = stdout(&ws, &["export", "backlog", "--format", "md", "-o", "-"]);
    assert!(raw_controls(&md).is_empty(), "{md:?}");
}

#[test]
fn a_detail_cannot_add_headings_to_the_briefing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    Command::cargo_bin("weft")
        .unwrap()
        .arg("init")
        .arg(&ws)
        .assert()
        .success();
    let q = stdout(&ws, &["add", "question", "# Not a heading"]);
    stdout(
        &ws,
        &[
            "set",
            q.trim(),
            "detail=# Injected\n---\n=== \n~~~\n```\n> quote",
        ],
    );
    let md = stdout(
        &ws,
        &[
            "export", "backlog", "--format", "md", "-o", "-", "--title", "# Title",
        ],
    );
    let headings = md.lines().filter(|l| l.starts_with('#')).count();
    let baseline = {
        let dir2 = tempfile::tempdir().unwrap();
        let ws2 = dir2.path().join("ws");
        Command::cargo_bin("weft")
            .unwrap()
            .arg("init")
            .arg(&ws2)
            .assert()
            .success();
        let q2 = stdout(&ws2, &["add", "question", "Plain"]);
        stdout(&ws2, &["set", q2.trim(), "detail=plain"]);
        let md2 = stdout(
            &ws2,
            &[
                "export", "backlog", "--format", "md", "-o", "-", "--title", "Title",
            ],
        );
        md2.lines().filter(|l| l.starts_with('#')).count()
    };
    assert_eq!(headings, baseline, "{md}");
    let rules = |m: &str| {
        m.lines()
            .filter(|l| *l == "---" || l.starts_with("```") || l.starts_with("~~~"))
            .count()
    };
    assert_eq!(rules(&md), 1, "only the briefing's own rule: {md}");
}
