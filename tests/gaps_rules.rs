//! Each gap rule on a small hand-built workspace, and the same shape with the gap
//! closed, which must give no suggestion. Plus `weft gaps` as a real process.

use assert_cmd::Command;
use weft::analysis;
use weft::model::{EntityKind, Id};
use weft::store::{NewEntity, NewLink, NewNote, NewQuestion, OpenOptions, Store};

fn open(dir: &std::path::Path) -> Store {
    let opts = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    Store::open(dir, &opts).unwrap()
}

fn entity(s: &mut Store, name: &str, kind: EntityKind) -> Id {
    s.add_entity(NewEntity {
        name: name.into(),
        kind,
        aliases: vec![],
        attributes: Default::default(),
        tags: vec![],
    })
    .unwrap()
    .id
}

fn note(s: &mut Store, text: &str, source: &str, grade: &str, when: Option<&str>) -> Id {
    s.add_note(NewNote {
        text: text.into(),
        source: source.into(),
        grade: Some(grade.parse().unwrap()),
        when: when.map(|w| w.parse().unwrap()),
        tags: vec![],
    })
    .unwrap()
    .id
}

fn link(s: &mut Store, from: Id, to: Id, label: &str) -> Id {
    s.link(NewLink {
        from,
        to,
        label: label.into(),
        confidence: None,
        source: None,
        when: None,
    })
    .unwrap()
    .id
}

fn rule(s: &Store, name: &str) -> Vec<analysis::Suggestion> {
    analysis::run(&s.gap_input().unwrap(), analysis::rule(name))
}

#[test]
fn lonely_mention_and_its_closed_twin() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let e = entity(&mut s, "Owen Barlow", EntityKind::Person);
    for i in 0..3 {
        note(&mut s, &format!("[[Owen Barlow]] {i}"), "x", "B2P", None);
    }
    let found = rule(&s, "lonely-mention");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, format!("lonely-mention:{e}"));
    let other = entity(&mut s, "Quayside", EntityKind::Group);
    link(&mut s, e, other, "member of");
    assert!(rule(&s, "lonely-mention").is_empty());
}

#[test]
fn low_graded_and_single_source_and_their_closed_twins() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let e = entity(&mut s, "Vincent Rusk", EntityKind::Person);
    for g in ["C3P", "B5P", "B4P"] {
        note(&mut s, "[[Vincent Rusk]] again", "CHIS 1", g, None);
    }
    assert_eq!(rule(&s, "low-graded")[0].triggers, vec![e]);
    assert_eq!(rule(&s, "single-source")[0].triggers, vec![e]);
    note(&mut s, "[[Vincent Rusk]] seen", "ANPR", "A1P", None);
    assert!(rule(&s, "low-graded").is_empty());
    assert!(rule(&s, "single-source").is_empty());
}

#[test]
fn quiet_stretch_between_bursts_and_the_filled_gap() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let e = entity(&mut s, "Kyle Renshaw", EntityKind::Person);
    for m in ["2024-05", "2024-06", "2024-07", "2024-12", "2025-01"] {
        note(&mut s, "[[Kyle Renshaw]]", "x", "B2P", Some(m));
    }
    let found = rule(&s, "quiet-stretch");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].question,
        "What was Kyle Renshaw doing between Aug and Nov 2024?"
    );
    note(&mut s, "[[Kyle Renshaw]]", "x", "B2P", Some("2024-09"));
    assert!(rule(&s, "quiet-stretch").is_empty());
    let _ = e;
}

#[test]
fn quiet_stretch_is_for_actors_not_commodities_or_vehicles() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let mut ids = Vec::new();
    for (name, kind) in [
        ("Heroin", EntityKind::Commodity),
        ("Blue Transit", EntityKind::Vehicle),
        ("Quayside Crew", EntityKind::Group),
        ("shadow_77", EntityKind::Online),
    ] {
        ids.push((entity(&mut s, name, kind), kind));
    }
    for m in ["2024-05", "2024-06", "2024-07", "2024-12", "2025-01"] {
        let text = "[[Heroin]] in [[Blue Transit]] for [[Quayside Crew]], [[shadow_77]]";
        note(&mut s, text, "x", "B2P", Some(m));
    }
    let found: Vec<Id> = rule(&s, "quiet-stretch")
        .iter()
        .flat_map(|x| x.triggers.clone())
        .collect();
    for (id, kind) in ids {
        assert_eq!(
            found.contains(&id),
            matches!(kind, EntityKind::Group | EntityKind::Online),
            "{kind}: {found:?}"
        );
    }
}

#[test]
fn shared_identifier_and_the_linked_pair() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let a = entity(&mut s, "Liam", EntityKind::Person);
    let b = entity(&mut s, "Shane", EntityKind::Person);
    let p = entity(&mut s, "07700 900733", EntityKind::Phone);
    link(&mut s, a, p, "uses");
    link(&mut s, b, p, "uses");
    let found = rule(&s, "shared-identifier");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].triggers, vec![a, b, p]);
    link(&mut s, a, b, "associate of");
    assert!(rule(&s, "shared-identifier").is_empty());
}

#[test]
fn question_rules_and_their_closed_twins() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let q = s
        .add_question(NewQuestion {
            review_by: Some("2020-01-01".parse().unwrap()),
            ..NewQuestion::new("Was he only a driver?")
        })
        .unwrap()
        .id;
    let h = s.add_hypothesis(q, "A paid driver", None).unwrap().id;
    assert_eq!(rule(&s, "single-hypothesis")[0].triggers, vec![q, h]);
    assert_eq!(rule(&s, "stale-review")[0].triggers, vec![q]);
    let found = rule(&s, "no-evidence");
    assert_eq!(found[0].triggers, vec![q, h]);
    assert_eq!(found[0].key, format!("no-evidence:{q}"));
    let n = note(&mut s, "seen driving", "x", "A1P", None);
    s.assess(h, n, "+".parse().unwrap()).unwrap();
    assert!(rule(&s, "no-evidence").is_empty());
    assert_eq!(rule(&s, "no-disconfirming")[0].triggers, vec![h]);
    s.assess(h, n, "-".parse().unwrap()).unwrap();
    assert!(rule(&s, "no-disconfirming").is_empty());
    s.add_hypothesis(q, "He carried the cash", None).unwrap();
    assert!(rule(&s, "single-hypothesis").is_empty());
    s.set_fields(q, &[("review_by".into(), "2099-01-01".into())])
        .unwrap();
    assert!(rule(&s, "stale-review").is_empty());
}

#[test]
fn dangling_mention_and_the_entity_that_closes_it() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let n = note(&mut s, "Met [[Uncle V]]", "x", "B2P", None);
    let found = rule(&s, "dangling-mention");
    assert_eq!(found[0].triggers, vec![n]);
    assert_eq!(found[0].key, "dangling-mention:uncle-v");
    entity(&mut s, "Uncle V", EntityKind::Person);
    assert!(rule(&s, "dangling-mention").is_empty());
}

#[test]
fn cli_lists_accepts_and_dismisses() {
    let d = tempfile::tempdir().unwrap();
    {
        let mut s = open(d.path());
        let a = entity(&mut s, "Liam", EntityKind::Person);
        let b = entity(&mut s, "Shane", EntityKind::Person);
        let p = entity(&mut s, "07700 900733", EntityKind::Phone);
        link(&mut s, a, p, "uses");
        link(&mut s, b, p, "uses");
        note(&mut s, "Met [[Uncle V]]", "x", "B2P", None);
    }
    let weft = |args: &[&str]| {
        let mut c = Command::cargo_bin("weft").unwrap();
        c.arg("--workspace").arg(d.path()).args(args);
        c
    };
    let out = weft(&["gaps", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"shared-identifier:E1+E2+E3"), "{keys:?}");
    assert_eq!(v[0]["triggers"][0], "E1");
    let out = weft(&[
        "gaps",
        "accept",
        "shared-identifier:E1+E2+E3",
        "--title",
        "Who are they?",
    ])
    .output()
    .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Q1");
    weft(&["gaps", "dismiss", "dangling-mention:uncle-v"])
        .assert()
        .success();
    let out = weft(&["gaps"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("shared-identifier:") && !text.contains("uncle-v"),
        "{text}"
    );
    let err = weft(&["gaps", "dismiss", "nope:E9"])
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&err);
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("nope:E9"), "{err}");
    let err = weft(&["gaps", "--rule", "bogus"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&err);
    assert!(
        err.contains("bogus") && err.contains("lonely-mention"),
        "{err}"
    );
}

#[test]
fn unchecked_expectation_and_the_checked_one_that_closes_it() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let q = s
        .add_question(NewQuestion::new("Who launders the cash?"))
        .unwrap()
        .id;
    let h = s.add_hypothesis(q, "The car wash", None).unwrap().id;
    let n = note(&mut s, "cash counted at the wash", "x", "B2P", None);
    s.assess(h, n, "+".parse().unwrap()).unwrap();
    assert_eq!(rule(&s, "no-disconfirming")[0].triggers, vec![h]);
    let x = s.add_expectation(h, "deposits above turnover").unwrap().id;
    let found = rule(&s, "unchecked-expectation");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].triggers, vec![h, x]);
    assert!(found[0].question.contains("deposits above turnover"));
    s.set_fields(
        x,
        &[
            ("status".into(), "absent".into()),
            ("where".into(), "bank returns".into()),
            ("checked".into(), "2024-06-01".into()),
        ],
    )
    .unwrap();
    assert!(rule(&s, "unchecked-expectation").is_empty());
    // Looking for an expectation is disconfirmation sought.
    assert!(rule(&s, "no-disconfirming").is_empty());
}

#[test]
fn untested_hypotheses_are_one_suggestion_per_question() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let q = s
        .add_question(NewQuestion::new("Who runs the yard?"))
        .unwrap()
        .id;
    let h1 = s.add_hypothesis(q, "Marsh runs it", None).unwrap().id;
    let h2 = s.add_hypothesis(q, "Renshaw runs it", None).unwrap().id;
    let found = rule(&s, "no-evidence");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].triggers, vec![q, h1, h2]);
    assert!(
        found[0].reason.starts_with("2 live hypotheses of "),
        "{}",
        found[0].reason
    );
    assert!(
        found[0].question.contains("2 untested explanations"),
        "{}",
        found[0].question
    );
    // one of them tested: the suggestion names the other only
    let n = note(&mut s, "seen at the yard", "x", "A1P", None);
    s.assess(h1, n, "+".parse().unwrap()).unwrap();
    let found = rule(&s, "no-evidence");
    assert_eq!(found[0].triggers, vec![q, h2]);
    assert!(
        found[0].reason.starts_with("1 live hypothesis of "),
        "{}",
        found[0].reason
    );
}

#[test]
fn only_the_leading_hypothesis_is_asked_for_disconfirmation() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let q = s
        .add_question(NewQuestion::new("Who runs the yard?"))
        .unwrap()
        .id;
    let h1 = s.add_hypothesis(q, "Marsh runs it", None).unwrap().id;
    let h2 = s.add_hypothesis(q, "Renshaw runs it", None).unwrap().id;
    let n1 = note(&mut s, "Marsh at the gate", "x", "A1P", None);
    let n2 = note(&mut s, "Renshaw's phone at night", "y", "B2P", None);
    // H1 is read consistent everywhere; H2 consistent with N2 and neutral on N1, then
    // inconsistent with N1: H1 leads, and only it is asked
    s.assess(h1, n1, "+".parse().unwrap()).unwrap();
    s.assess(h1, n2, "+".parse().unwrap()).unwrap();
    s.assess(h2, n2, "+".parse().unwrap()).unwrap();
    s.assess(h2, n1, "0".parse().unwrap()).unwrap();
    // tied for the lead: both named, in one suggestion for the question
    let both = rule(&s, "no-disconfirming");
    assert_eq!(both.len(), 1, "{both:#?}");
    assert_eq!(both[0].triggers, vec![h1, h2]);
    assert!(
        both[0].reason.contains("tie for the lead"),
        "{}",
        both[0].reason
    );
    s.assess(h2, n1, "-".parse().unwrap()).unwrap();
    let found = rule(&s, "no-disconfirming");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].triggers, vec![h1]);
    assert_eq!(
        found[0].reason,
        format!("{h1} leads {q} on 2 pieces of evidence, none against: disconfirmation not sought")
    );
}
