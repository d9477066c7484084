//! Backlog formats: selection, the Markdown briefing, CSV, JSON and the golden demo briefing.

use super::*;

/// A small workspace: Q1 (P2) > Q2 (P1, answered), Q3 (P1, parked, tag x), with
/// hypotheses, entities and graded notes.
fn small(dir: &Path) -> Store {
    let mut s = open(dir);
    s.set_clock(Some(at(0)));
    let q1 = s
        .add_question(NewQuestion::new("Who runs the line?"))
        .unwrap()
        .id;
    let mut n = NewQuestion::new("Who holds the handset?");
    n.parent = Some(q1);
    n.priority = 1;
    let q2 = s.add_question(n).unwrap().id;
    let mut n = NewQuestion::new("Is there a second line?");
    n.priority = 1;
    n.tags = vec!["x".into()];
    n.kind = Sees::Warning;
    let q3 = s.add_question(n).unwrap().id;
    s.set_fields(
        q2,
        &[
            ("answer".into(), "Marsh, mostly".into()),
            ("status".into(), "answered".into()),
        ],
    )
    .unwrap();
    s.set_fields(q3, &[("status".into(), "parked".into())])
        .unwrap();
    let marsh = s
        .add_entity(NewEntity {
            name: "Darren Marsh".into(),
            kind: EntityKind::Person,
            aliases: vec!["Daz".into()],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id;
    let h1 = s
        .add_hypothesis(q1, "Marsh runs it", Some(Yardstick::Likely))
        .unwrap()
        .id;
    let graded = |s: &mut Store, text: &str, g: &str| {
        s.add_note(NewNote {
            text: text.into(),
            grade: Some(g.parse().unwrap()),
            ..Default::default()
        })
        .unwrap()
        .id
    };
    let n1 = graded(&mut s, "Marsh at the yard", "B2P");
    let n2 = graded(&mut s, "Cited source, conditional", "A1C");
    let _n3 = graded(&mut s, "Mentions [[Daz]] only", "C3C");
    let link = |s: &mut Store, from: Id, to: Id, label: &str, source: Option<Id>| {
        s.link(NewLink {
            from,
            to,
            label: label.into(),
            confidence: None,
            source,
            when: None,
        })
        .unwrap()
        .id
    };
    link(&mut s, q1, marsh, "concerns", Some(n2));
    link(&mut s, n1, h1, "supports", None);
    s
}

#[test]
fn select_orders_as_a_tree_and_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small(&tmp.path().join("a"));
    let ids = |f: BacklogFilter| -> Vec<String> {
        export::select(&s, &f)
            .unwrap()
            .iter()
            .map(|q| q.meta.id.to_string())
            .collect()
    };
    assert_eq!(ids(BacklogFilter::default()), ["Q3", "Q1", "Q2"]);
    let only = |st: &[Status]| BacklogFilter {
        statuses: st.to_vec(),
        ..Default::default()
    };
    assert_eq!(ids(only(&[Status::Answered])), ["Q2"]);
    assert_eq!(ids(only(&[Status::Open, Status::Answered])), ["Q1", "Q2"]);
    let tag = BacklogFilter {
        tag: Some("x".into()),
        ..Default::default()
    };
    assert_eq!(ids(tag), ["Q3"]);
    let under = BacklogFilter {
        under: Some(id("Q1")),
        ..Default::default()
    };
    assert_eq!(ids(under), ["Q1", "Q2"]);
    let missing = BacklogFilter {
        under: Some(id("Q9")),
        ..Default::default()
    };
    assert_eq!(
        export::select(&s, &missing).unwrap_err().to_string(),
        "no record Q9"
    );
}

#[test]
fn handling_is_drawn_from_direct_links_and_their_sources() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small(&tmp.path().join("a"));
    let all = export::select(&s, &BacklogFilter::default()).unwrap();
    let md =
        String::from_utf8(export::render_backlog(&s, &all, Format::Markdown, &meta()).unwrap())
            .unwrap();
    assert!(
        md.starts_with("**Handling code C: lawful sharing permitted with conditions.**\n"),
        "{md}"
    );
    // N2 is the source of Q1's link to Marsh; N3 only mentions Marsh and is not drawn on
    assert!(md.contains("of the 2 notes this briefing draws on"), "{md}");
    assert!(md.contains("Carried by N2."), "{md}");
    assert!(md.contains("- N1 · B2P · Marsh at the yard"), "{md}");
    assert!(!md.contains("N3 ·"), "{md}");
    // without Q1 only the parked question is left: nothing drawn on
    let parked: Vec<Question> = all
        .into_iter()
        .filter(|q| q.status == Status::Parked)
        .collect();
    let md =
        String::from_utf8(export::render_backlog(&s, &parked, Format::Markdown, &meta()).unwrap())
            .unwrap();
    assert!(md.starts_with("**Handling code: none stated.**"), "{md}");
}

#[test]
fn markdown_groups_by_priority_live_first_and_nests_within_a_group() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = small(&tmp.path().join("a"));
    let mut n = NewQuestion::new("Sub of Q1, also open");
    n.parent = Some(id("Q1"));
    s.add_question(n).unwrap();
    let all = export::select(&s, &BacklogFilter::default()).unwrap();
    let md =
        String::from_utf8(export::render_backlog(&s, &all, Format::Markdown, &meta()).unwrap())
            .unwrap();
    let at = |needle: &str| {
        md.find(needle)
            .unwrap_or_else(|| panic!("{needle} in\n{md}"))
    };
    // P1 (the parked Q3, the answered Q2) before P2 (the open Q1 and its sub-question)
    assert!(at("## Priority 1 (2)") < at("## Priority 2 (2)"), "{md}");
    // within a priority by status: parked before answered
    assert!(at("## Priority 1 (2)") < at("### Q3 — Is there a second line?"));
    assert!(at("### Q3 —") < at("### Q2 — Who holds the handset?"));
    assert!(at("## Priority 2 (2)") < at("### Q1 — Who runs the line?"));
    assert!(at("### Q1 —") < at("#### Q4 — Sub of Q1, also open"));
    // every question says its status now that the groups are by priority
    assert!(
        md.contains("P2 · open · situation · sub-question of Q1"),
        "{md}"
    );
    assert!(
        md.contains("P1 · answered · situation · sub-question of Q1"),
        "{md}"
    );
    assert!(md.contains("- H1, likely (55-75%): Marsh runs it\n  - supports this: N1 (B2P)\n"));
    assert!(
        md.contains("Entities: Darren Marsh (person, E1; concerns)."),
        "{md}"
    );
    assert!(md.contains("Answer:\n\n> Marsh, mostly\n"), "{md}");
}

#[test]
fn csv_neutralises_formula_cells_cell_by_cell() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = open(&tmp.path().join("a"));
    s.set_clock(Some(at(0)));
    let dangerous = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"];
    for (i, d) in dangerous.iter().enumerate() {
        let q = s
            .add_question(NewQuestion::new(&format!("q{i}")))
            .unwrap()
            .id;
        s.set_fields(
            q,
            &[
                ("title".into(), d.to_string()),
                ("tags".into(), format!("{},safe", d.trim_start())),
                ("answer".into(), d.to_string()),
            ],
        )
        .unwrap();
    }
    let safe = s
        .add_question(NewQuestion::new("plain, \"quoted\"\nline"))
        .unwrap()
        .id;
    let qs = export::select(&s, &BacklogFilter::default()).unwrap();
    let bytes = export::render_backlog(&s, &qs, Format::Csv, &meta()).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with(
        "id,parent,title,status,priority,kind,tags,hypotheses,created,updated,review_by,answer\r\n"
    ));
    let mut r = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), dangerous.len() + 1);
    for (row, d) in rows.iter().zip(dangerous) {
        // a carriage return never stands raw in a cell: it shows as ␍, behind the quote
        let shown = d.replace('\r', "\u{240d}");
        assert_eq!(&row[2], format!("'{shown}"), "title");
        let tag = d.trim_start();
        assert_eq!(&row[6], format!("'{tag} safe"), "tags");
        assert_eq!(&row[11], format!("'{shown}"), "answer");
        for (i, cell) in row.iter().enumerate() {
            let first = cell.chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "column {i} of {row:?}"
            );
        }
        assert_eq!(&row[8], "2024-03-04T10:00:00Z");
    }
    let last = &rows[dangerous.len()];
    assert_eq!(&last[0], safe.to_string());
    assert_eq!(&last[2], "plain, \"quoted\"\nline");
    assert!(
        text.contains("\"plain, \"\"quoted\"\"\nline\""),
        "RFC 4180 quoting"
    );
}

#[test]
fn csv_lists_hypotheses_and_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small(&tmp.path().join("a"));
    let qs = export::select(&s, &BacklogFilter::default()).unwrap();
    let bytes = export::render_backlog(&s, &qs, Format::Csv, &meta()).unwrap();
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let q1 = rows.iter().find(|r| &r[0] == "Q1").unwrap();
    assert_eq!(&q1[7], "H1 (likely, live): Marsh runs it");
    assert_eq!(&q1[1], "");
    let q2 = rows.iter().find(|r| &r[0] == "Q2").unwrap();
    assert_eq!(&q2[1], "Q1");
    assert_eq!(&q2[11], "Marsh, mostly");
    assert_eq!(&q2[4], "1");
    assert_eq!(&q2[3], "answered");
}

#[test]
fn backlog_json_follows_the_documented_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small(&tmp.path().join("a"));
    let qs = export::select(&s, &BacklogFilter::default()).unwrap();
    let bytes = export::render_backlog(&s, &qs, Format::Json, &meta()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["schema"], "weft.backlog/1");
    assert_eq!(v["date"], "2025-07-01");
    assert_eq!(v["handling"]["code"], "C");
    assert_eq!(v["handling"]["carried_by"], serde_json::json!(["N2"]));
    let keys =
        |o: &serde_json::Value| -> Vec<String> { o.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&v),
        [
            "schema",
            "title",
            "date",
            "workspace",
            "weighting",
            "handling",
            "drawn_on",
            "questions"
        ]
    );
    let q1 = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "Q1")
        .unwrap();
    assert_eq!(
        keys(q1),
        [
            "id",
            "parent",
            "title",
            "detail",
            "status",
            "priority",
            "kind",
            "tags",
            "review_by",
            "answer",
            "created",
            "updated",
            "by",
            "hypotheses",
            "rests_on",
            "evidence",
            "absent",
            "entities",
            "links"
        ]
    );
    assert_eq!(q1["hypotheses"][0]["likelihood"], "likely");
    assert_eq!(q1["hypotheses"][0]["links"][0]["other"], "N1");
    assert_eq!(q1["hypotheses"][0]["links"][0]["direction"], "in");
    assert_eq!(q1["entities"][0]["name"], "Darren Marsh");
    assert_eq!(q1["entities"][0]["label"], "concerns");
    // the documented example parses and has the same top-level shape
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/export/backlog-json.md"),
    )
    .unwrap();
    let example = doc
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("an example in src/export/backlog-json.md");
    let ex: serde_json::Value = serde_json::from_str(example).unwrap();
    assert_eq!(keys(&ex), keys(&v));
    assert_eq!(keys(&ex["questions"][0]), keys(q1));
}

/// Q1 with three hypotheses weighed against graded notes (one of them assessed but not
/// linked, and carrying handling code C) and two expectations; Q2 with a hypothesis but
/// nothing weighed.
fn weighed(dir: &Path) -> Store {
    let mut s = open(dir);
    s.set_clock(Some(at(0)));
    let q1 = s
        .add_question(NewQuestion::new("Who runs the line?"))
        .unwrap()
        .id;
    let q2 = s
        .add_question(NewQuestion::new("Where is the stash?"))
        .unwrap()
        .id;
    let h1 = s
        .add_hypothesis(q1, "Marsh runs it", Some(Yardstick::Likely))
        .unwrap()
        .id;
    let h2 = s.add_hypothesis(q1, "Renshaw runs it", None).unwrap().id;
    let h3 = s.add_hypothesis(q1, "Quayside runs it", None).unwrap().id;
    s.set_fields(h3, &[("status".into(), "rejected".into())])
        .unwrap();
    s.add_hypothesis(q2, "At the car wash", None).unwrap();
    let note = |s: &mut Store, text: &str, g: &str| {
        s.add_note(NewNote {
            text: text.into(),
            grade: Some(g.parse().unwrap()),
            ..Default::default()
        })
        .unwrap()
        .id
    };
    let n1 = note(&mut s, "Marsh gives the orders", "A1P");
    let n2 = note(&mut s, "Gossip: Marsh is only a front", "C5P");
    let n3 = note(&mut s, "The line is busy", "B2P");
    let n4 = note(&mut s, "Renshaw on bail away from the town", "A1C");
    let cells = [
        (h1, n1, "++"),
        (h2, n1, "--"),
        (h1, n2, "--"),
        (h2, n2, "+"),
        (h1, n3, "+"),
        (h2, n3, "+"),
        (h2, n4, "-"),
        (h3, n1, "--"),
    ];
    for (h, n, v) in cells {
        s.assess(h, n, v.parse().unwrap()).unwrap();
    }
    let x1 = s
        .add_expectation(h1, "Marsh's phone at the handovers")
        .unwrap()
        .id;
    s.set_fields(
        x1,
        &[
            ("status".into(), "absent".into()),
            ("where".into(), "cell-site data | PNC".into()),
            ("checked".into(), "2024-06-01".into()),
        ],
    )
    .unwrap();
    s.add_expectation(h2, "Renshaw paying the runners").unwrap();
    s
}

#[test]
fn briefing_ranks_weighed_hypotheses_with_their_evidence_and_what_was_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    let s = weighed(&tmp.path().join("a"));
    let qs = export::select(&s, &BacklogFilter::default()).unwrap();
    let md = String::from_utf8(export::render_backlog(&s, &qs, Format::Markdown, &meta()).unwrap())
        .unwrap();
    // H1: N2 `--` at C5 (0.04 × 2) and the absent expectation (0.50) = 0.58, raw 3, but
    // assessed on 3 rows of 4: its lower score is no lead, it ranks after H2;
    // H2: N1 `--` at A1 (1.00 × 2) and N4 `-` (1.00) = 3.00, raw 3; H3 rejected, last.
    let h2 = md
        .find("- H2 (rank 1, score 3.00, raw 3), unassessed: Renshaw runs it")
        .expect(&md);
    let h1 = md
        .find("- H1 (rank 2, score 0.58, raw 3, 3 of 4 assessed), likely (55-75%): Marsh runs it")
        .expect(&md);
    let h3 = md
        .find("- H3 (rank 3, score 2.00, raw 2), unassessed, rejected: Quayside runs it")
        .expect(&md);
    assert!(h2 < h1 && h1 < h3, "{md}");
    assert!(
        md.contains("- Weighting: Score = weighted inconsistency"),
        "{md}"
    );
    assert!(
        md.contains("No single row, absent expectation or grade step changes the leader.")
            || md.contains("The lead rests on"),
        "{md}"
    );
    // diagnostic rows only, most telling first, with grade and weight; N3 reads `+` under
    // both live hypotheses and is left out
    let evidence = md
        .split("Diagnostic evidence (most telling first):")
        .nth(1)
        .expect(&md);
    let evidence = evidence.split("Looked for and not found").next().unwrap();
    let e1 = evidence
        .find("- N1 (A1P, weight 1.00): Marsh gives the orders — H1 ++, H2 --, H3 --")
        .expect(evidence);
    let e4 = evidence.find("- N4 (A1C, weight 1.00)").expect(evidence);
    let e2 = evidence.find("- N2 (C5P, weight 0.04)").expect(evidence);
    assert!(e1 < e4 && e4 < e2, "{evidence}");
    assert!(!evidence.contains("N3 ("), "{evidence}");
    // what was looked for and not found, where and when (the `|` escaped); the unchecked
    // expectation is not in that list
    assert!(md.contains("- H1 expected Marsh's phone at the handovers (X1): looked in cell-site data \\| PNC on 2024-06-01, not found"), "{md}");
    let ledger = md.split("Looked for and not found").nth(1).expect(&md);
    let ledger = ledger.split("\n\n").nth(1).unwrap_or_default();
    assert!(!ledger.contains("Renshaw paying the runners"), "{ledger}");
    // it is outstanding collection, up front with the question it serves
    let plan = md.split("## Outstanding collection (1)").nth(1).expect(&md);
    assert!(
        plan.contains("look for, if H2: Renshaw paying the runners"),
        "{md}"
    );
    // N4 is only assessed, never linked: it is still drawn on and sets the handling code
    assert!(md.starts_with("**Handling code C"), "{md}");
    assert!(md.contains("- N4 · A1C"), "{md}");
    // a question whose matrix is blank keeps its hypotheses unranked
    assert!(
        md.contains(
            "Hypotheses (not yet weighed against evidence):\n\n- H4, unassessed: At the car wash"
        ),
        "{md}"
    );

    let json = export::render_backlog(&s, &qs, Format::Json, &meta()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(v["weighting"]
        .as_str()
        .unwrap()
        .starts_with("Score = weighted inconsistency"));
    let q = |id: &str| {
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone()
    };
    let q1 = q("Q1");
    let ranks: Vec<(String, u64, f64, u64)> = q1["hypotheses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_string(),
                h["rank"].as_u64().unwrap(),
                h["score"].as_f64().unwrap(),
                h["inconsistencies"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranks,
        [
            ("H1".to_string(), 2, 0.58, 3),
            ("H2".to_string(), 1, 3.0, 3),
            ("H3".to_string(), 3, 2.0, 2)
        ]
    );
    let h1 = &q1["hypotheses"][0];
    assert_eq!(h1["coverage"], "3 of 4 assessed", "{h1}");
    assert_eq!(h1["rank_label"], "2", "{h1}");
    let notes: Vec<&str> = q1["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["note"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["N1", "N4", "N2"]);
    assert_eq!(q1["evidence"][0]["grade"], "A1P");
    assert_eq!(q1["evidence"][0]["weight"], 1.0);
    assert_eq!(
        q1["evidence"][0]["cells"],
        serde_json::json!({"H1": "++", "H2": "--", "H3": "--"})
    );
    assert_eq!(
        q1["absent"],
        serde_json::json!([{"id": "X1", "hypothesis": "H1", "text": "Marsh's phone at the handovers", "where": "cell-site data | PNC", "checked": "2024-06-01"}])
    );
    assert!(q1["rests_on"].is_string());
    let q2 = q("Q2");
    assert_eq!(q2["hypotheses"][0]["rank"], serde_json::Value::Null);
    assert_eq!(q2["rests_on"], serde_json::Value::Null);
    assert_eq!(q2["evidence"], serde_json::json!([]));
}

// ---------------------------------------------------------------------------------
// The demo briefing, checked against a reviewed golden file

#[test]
fn golden_demo_briefing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = open(&tmp.path().join("kestrel"));
    weft::demo::load(&mut s, weft::demo::KESTREL).unwrap();
    let qs = export::select(&s, &BacklogFilter::default()).unwrap();
    let m = BriefingMeta {
        title: "Operation KESTREL: backlog briefing".into(),
        date: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        workspace: "kestrel".into(),
        audit: Vec::new(),
    };
    let got =
        String::from_utf8(export::render_backlog(&s, &qs, Format::Markdown, &m).unwrap()).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/kestrel-briefing.md");
    if std::env::var_os("WEFT_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .expect("tests/golden/kestrel-briefing.md (WEFT_UPDATE_GOLDEN=1 writes it)");
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "the demo briefing differs from the golden file at line {}:\n got: {:?}\nwant: {:?}\n\
             (review, then regenerate with WEFT_UPDATE_GOLDEN=1 cargo test --test export golden)",
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn the_demo_briefing_opens_with_key_judgements_then_the_outstanding_collection() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = open(&tmp.path().join("kestrel"));
    weft::demo::load(&mut s, weft::demo::KESTREL).unwrap();
    let qs = export::select(&s, &BacklogFilter::default()).unwrap();
    let md = String::from_utf8(export::render_backlog(&s, &qs, Format::Markdown, &meta()).unwrap())
        .unwrap();
    let at = |needle: &str| {
        md.find(needle)
            .unwrap_or_else(|| panic!("{needle} in\n{md}"))
    };
    let judgements = at("## Key judgements");
    let collection = at("## Outstanding collection (");
    let questions = at("## Priority 1 (");
    assert!(judgements < collection && collection < questions, "{md}");
    let section = &md[judgements..collection];
    // each active weighed question, by priority: its leader, its likelihood in words and
    // what the lead rests on
    let q1 = section.find("- **Q1** (P1)").expect(section);
    let q11 = section.find("- **Q11** (P2)").expect(section);
    assert!(q1 < q11, "{section}");
    assert!(
        section.contains("H1 leads, likely (55-75%): Darren Marsh controls the KING line himself"),
        "{section}"
    );
    assert!(
        section.contains("The lead rests on X1 being absent"),
        "{section}"
    );
    // every unchecked expectation of a live hypothesis is outstanding, by priority
    let plan = &md[collection..questions];
    for (x, h) in [("X2", "H2"), ("X7", "H27"), ("X5", "H18")] {
        assert!(
            plan.contains(&format!("  - {x} look for, if {h}:")),
            "{plan}"
        );
    }
    assert!(plan.find("**Q1**") < plan.find("**Q11**"), "{plan}");
    // the answered and parked questions no longer come before the active P1 warnings
    assert!(at("### Q16 —") < at("### Q2 —"), "{md}");
}

#[test]
fn backlog_exports_are_owner_only_and_filtered() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    {
        let mut store = open(&a);
        weft::demo::load(&mut store, weft::demo::KESTREL).unwrap();
    }
    for format in ["md", "csv", "json"] {
        let out = tmp.path().join(format!("backlog.{format}"));
        weft()
            .arg("--workspace")
            .arg(&a)
            .args([
                "export",
                "backlog",
                "--format",
                format,
                "--status",
                "open,active",
                "-o",
            ])
            .arg(&out)
            .assert()
            .success();
        assert_eq!(mode(&out), 0o600, "{format}");
        assert!(std::fs::metadata(&out).unwrap().len() > 100);
    }
    let csv = weft()
        .arg("--workspace")
        .arg(&a)
        .args(["export", "backlog", "--format", "csv", "--under", "Q1"])
        .assert()
        .success();
    let text = String::from_utf8(csv.get_output().stdout.clone()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let got: Vec<String> = r.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(got, ["Q1", "Q2", "Q3", "Q4"]);
    weft()
        .arg("--workspace")
        .arg(&a)
        .args(["export", "backlog", "--format", "xls"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected md"));
    weft()
        .arg("--workspace")
        .arg(&a)
        .args(["export", "backlog", "--under", "E1"])
        .assert()
        .code(1)
        .stderr("weft: export backlog: E1 is not a question\n");
}

/// The streamed CSV (`weft export backlog --format csv`) holds what the whole-set CSV
/// holds, in the same order, under every filter: same questions, same tree order, same
/// hypotheses, the filters applied alike.
#[test]
fn streamed_csv_is_the_csv_of_the_selection_under_every_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let mut s = open(&tmp.path().join("a"));
    weft::demo::load(&mut s, weft::demo::KESTREL).unwrap();
    // a deeper tree with mixed priorities, statuses and tags, parents not all selected
    s.set_clock(Some(at(0)));
    let mut made: Vec<Id> = Vec::new();
    for i in 0..40u64 {
        let mut n = NewQuestion::new(&format!("extra {i}"));
        n.priority = (i * 7 % 4 + 1) as u8;
        if i % 3 != 0 && !made.is_empty() {
            n.parent = Some(made[(i as usize * 5) % made.len()]);
        }
        if i % 2 == 0 {
            n.tags = vec!["line".into()];
        }
        let q = s.add_question(n).unwrap().id;
        if i % 4 == 1 {
            s.set_fields(q, &[("status".into(), "parked".into())])
                .unwrap();
        }
        if i % 5 == 0 {
            s.add_hypothesis(q, &format!("because {i}"), None).unwrap();
        }
        made.push(q);
    }
    let filters = [
        BacklogFilter::default(),
        BacklogFilter {
            statuses: vec![Status::Open],
            ..Default::default()
        },
        BacklogFilter {
            statuses: vec![Status::Parked, Status::Open, Status::Parked],
            ..Default::default()
        },
        BacklogFilter {
            tag: Some("line".into()),
            ..Default::default()
        },
        BacklogFilter {
            tag: Some("line".into()),
            statuses: vec![Status::Open],
            ..Default::default()
        },
        BacklogFilter {
            under: Some(made[0]),
            ..Default::default()
        },
        BacklogFilter {
            under: Some(made[0]),
            statuses: vec![Status::Open],
            tag: Some("line".into()),
        },
        BacklogFilter {
            tag: Some("no-such-tag".into()),
            ..Default::default()
        },
    ];
    for f in filters {
        let qs = export::select(&s, &f).unwrap();
        let whole = export::render_backlog(&s, &qs, Format::Csv, &meta()).unwrap();
        let mut streamed = Vec::new();
        let n = export::write_backlog_csv(&s, &f, &mut streamed).unwrap();
        assert_eq!(n, qs.len(), "{f:?}");
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(whole).unwrap(),
            "{f:?}"
        );
    }
}
