//! Each gap rule on a small hand-built workspace, and the same shape with the gap
//! closed, which must give no suggestion. Plus `weft gaps` as a real process.

use assert_cmd::Command;
use weft::analysis;
use weft::model::{EntityKind, Id, Sees};
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
        note(
            &mut s,
            &format!("[[Owen Barlow]] {i}"),
            &format!("s{i}"),
            "B2P",
            None,
        );
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
    let crew = entity(&mut s, "Brannock Road crew", EntityKind::Group);
    link(&mut s, e, crew, "member of");
    for m in ["2024-05", "2024-06", "2024-07", "2024-12", "2025-01"] {
        note(&mut s, "[[Kyle Renshaw]]", m, "B2P", Some(m));
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
    // one untested hypothesis: the same records as single-hypothesis, so one suggestion
    // with both reasons, which its old no-evidence key still finds
    let found = rule(&s, "no-evidence");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].triggers, vec![q, h]);
    assert_eq!(found[0].key, format!("single-hypothesis:{q}+{h}"));
    assert!(found[0].answers_to(&format!("no-evidence:{q}")));
    assert_eq!(found[0].rules(), "single-hypothesis + no-evidence");
    assert!(
        found[0].reason.contains("one live hypothesis")
            && found[0].reason.contains("no evidence assessed or linked"),
        "{}",
        found[0].reason
    );
    let n = note(&mut s, "seen driving", "x", "A1P", None);
    s.assess(h, n, "+".parse().unwrap()).unwrap();
    assert!(rule(&s, "no-evidence").is_empty());
    // alone, it leads nothing: single-hypothesis asks for its competitors
    assert!(rule(&s, "no-disconfirming").is_empty());
    let h2 = s.add_hypothesis(q, "He carried the cash", None).unwrap().id;
    assert!(rule(&s, "single-hypothesis").is_empty());
    s.assess(h2, n, "-".parse().unwrap()).unwrap();
    assert_eq!(rule(&s, "no-disconfirming")[0].triggers, vec![h]);
    s.assess(h, n, "-".parse().unwrap()).unwrap();
    assert!(rule(&s, "no-disconfirming").is_empty());
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
    // the fields scripts read stay; the new ones are added beside them
    let first = &v[0];
    for field in [
        "key",
        "rule",
        "question",
        "triggers",
        "reason",
        "kind",
        "fingerprint",
    ] {
        assert!(first.get(field).is_some(), "{field} in {first}");
    }
    assert_eq!(first["findings"][0]["rule"], "shared-identifier");
    assert_eq!(
        first["priority"],
        serde_json::Value::Null,
        "serves no question"
    );
    assert_eq!(first["serves"], serde_json::json!([]));
    // a reason of two lines is bad usage, and changes nothing
    let err = weft(&[
        "gaps",
        "dismiss",
        "dangling-mention:uncle-v",
        "--reason",
        "a\nb",
    ])
    .assert()
    .code(2)
    .get_output()
    .stderr
    .clone();
    let err = String::from_utf8_lossy(&err);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--reason") && err.contains("one line"),
        "{err}"
    );
    let still = weft(&["gaps"]).output().unwrap();
    assert!(String::from_utf8_lossy(&still.stdout).contains("uncle-v"));
    weft(&[
        "gaps",
        "dismiss",
        "dangling-mention:uncle-v",
        "--reason",
        "a nickname for Vincent Rusk",
    ])
    .assert()
    .success();
    let export = weft(&["export", "workspace", "-o", "-"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&export.stdout).contains("a nickname for Vincent Rusk"),
        "the reason is exported"
    );
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
    let other = s.add_hypothesis(q, "A money mule", None).unwrap().id;
    let n = note(&mut s, "cash counted at the wash", "x", "B2P", None);
    s.assess(h, n, "+".parse().unwrap()).unwrap();
    s.assess(other, n, "-".parse().unwrap()).unwrap();
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
    assert_eq!(
        found[0].reason,
        "no evidence assessed or linked on any of its 2 live hypotheses"
    );
    assert_eq!(
        found[0].question, "What evidence would test \"Marsh runs it\" and \"Renshaw runs it\"?",
        "the hypotheses' words, never their ids"
    );
    // one of them tested: the suggestion names the other only
    let n = note(&mut s, "seen at the yard", "x", "A1P", None);
    s.assess(h1, n, "+".parse().unwrap()).unwrap();
    let found = rule(&s, "no-evidence");
    assert_eq!(found[0].triggers, vec![q, h2]);
    assert_eq!(
        found[0].reason,
        "no evidence assessed or linked on 1 of its 2 live hypotheses: \"Renshaw runs it\""
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
    assert_eq!(
        both[0].reason,
        "\"Marsh runs it\" and \"Renshaw runs it\" tie for the lead on 2 pieces of evidence, none against: disconfirmation not sought"
    );
    assert_eq!(
        both[0].question,
        "What would we expect to see if \"Marsh runs it\" or \"Renshaw runs it\" were false?"
    );
    s.assess(h2, n1, "-".parse().unwrap()).unwrap();
    let found = rule(&s, "no-disconfirming");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].triggers, vec![h1]);
    assert_eq!(
        found[0].reason,
        "it leads on 2 pieces of evidence, none against: disconfirmation not sought"
    );
    assert_eq!(found[0].key, format!("no-disconfirming:{q}"));
}

fn question(s: &mut Store, title: &str, kind: Sees, priority: u8) -> Id {
    s.add_question(NewQuestion {
        kind,
        priority,
        ..NewQuestion::new(title)
    })
    .unwrap()
    .id
}

fn all(s: &Store) -> Vec<analysis::Suggestion> {
    analysis::run(&s.gap_input().unwrap(), None)
}

#[test]
fn a_pair_sharing_a_phone_and_an_address_is_one_suggestion_with_both() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let a = entity(&mut s, "Liam Corrigan", EntityKind::Person);
    let b = entity(&mut s, "Shane Pidcock", EntityKind::Person);
    let p = entity(&mut s, "07700 900733", EntityKind::Phone);
    let home = entity(&mut s, "22 Gannet Walk", EntityKind::Location);
    note(
        &mut s,
        "[[Liam Corrigan]], [[Shane Pidcock]], [[07700 900733]], [[22 Gannet Walk]]",
        "x",
        "B2P",
        None,
    );
    link(&mut s, a, p, "uses");
    link(&mut s, b, p, "uses");
    // before the address is shared: the phone alone, dismissed under its own key
    let phone_key = format!("shared-identifier:{a}+{b}+{p}");
    let alone = rule(&s, "shared-identifier");
    assert_eq!(alone[0].key, phone_key);
    s.dismiss_gap(&phone_key, "shared-identifier", &alone[0].fingerprint, None)
        .unwrap();
    assert!(rule(&s, "shared-identifier").is_empty());
    link(&mut s, a, home, "lives at");
    link(&mut s, b, home, "lives at");
    let found = rule(&s, "shared-identifier");
    assert_eq!(found.len(), 1, "{found:#?}");
    let g = &found[0];
    assert_eq!(g.triggers, vec![a, b, p, home]);
    assert_eq!(g.key, phone_key, "the strongest identifier's key");
    assert_eq!(
        g.question,
        "What connects Liam Corrigan and Shane Pidcock, who share phone 07700 900733 and location 22 Gannet Walk?"
    );
    assert_eq!(g.parts.len(), 2, "{:#?}", g.parts);
    // the address is new: the dismissal of the phone alone does not cover it
    let addr_key = format!("shared-identifier:{a}+{b}+{home}");
    assert!(g.answers_to(&addr_key));
    // dismissed whole, it stays dismissed
    s.dismiss_gap(&g.key, g.rule, &g.fingerprint, None).unwrap();
    assert!(rule(&s, "shared-identifier").is_empty());
    // and a link between them closes it
    link(&mut s, a, b, "associate of");
    let (open, dealt) = analysis::partition(&s.gap_input().unwrap(), &|| false).unwrap();
    assert!(open.iter().all(|x| !x.has_rule("shared-identifier")));
    // the dismissals are still listed with those dealt with, as no longer raised
    let gone: Vec<&str> = dealt
        .iter()
        .filter(|x| x.has_rule("shared-identifier"))
        .map(|x| x.reason.as_str())
        .collect();
    assert_eq!(
        gone,
        ["no longer raised"],
        "one dismissal, under the key both had"
    );
}

#[test]
fn an_entity_both_lonely_and_low_graded_is_one_suggestion_found_by_either_key() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let e = entity(&mut s, "Vincent Rusk", EntityKind::Person);
    for (i, g) in ["C3P", "B4P", "B5P"].iter().enumerate() {
        note(
            &mut s,
            "[[Vincent Rusk]] again",
            &format!("CHIS {i}"),
            g,
            None,
        );
    }
    let found: Vec<_> = all(&s).into_iter().filter(|x| x.triggers == [e]).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    let g = &found[0];
    assert_eq!(g.rules(), "low-graded + lonely-mention");
    assert_eq!(g.key, format!("low-graded:{e}"));
    assert_eq!(
        g.reason,
        "known only through 3 low-graded notes (C3, or graded 4 or 5); mentioned in 3 notes, no other link"
    );
    let input = s.gap_input().unwrap();
    let by_old = analysis::find_key(&input, &format!("lonely-mention:{e}")).unwrap();
    assert_eq!(
        by_old.key, g.key,
        "a finding's own key finds the suggestion"
    );
    // --rule lists it under either rule
    assert_eq!(rule(&s, "lonely-mention")[0].key, g.key);
    assert_eq!(rule(&s, "low-graded")[0].key, g.key);
}

#[test]
fn a_note_graded_1_or_2_is_not_asked_to_be_corroborated() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let e = entity(&mut s, "Kyle Renshaw", EntityKind::Person);
    let other = entity(&mut s, "Brannock Road crew", EntityKind::Group);
    link(&mut s, e, other, "member of");
    for g in ["C1P", "C2P"] {
        note(&mut s, "[[Kyle Renshaw]] seen", g, g, None);
    }
    assert!(
        rule(&s, "low-graded").is_empty(),
        "known directly, or corroborated"
    );
    let d2 = tempfile::tempdir().unwrap();
    let mut t = open(d2.path());
    let e2 = entity(&mut t, "Kyle Renshaw", EntityKind::Person);
    for g in ["C3P", "A4P", "B5C"] {
        note(&mut t, "[[Kyle Renshaw]] seen", g, g, None);
    }
    assert_eq!(rule(&t, "low-graded")[0].triggers, vec![e2]);
    let _ = e;
}

#[test]
fn single_source_across_the_case_is_said_once() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let mut people = Vec::new();
    for name in ["Ann", "Bob", "Cat", "Dan"] {
        people.push(entity(&mut s, name, EntityKind::Person));
        for i in 0..3 {
            note(&mut s, &format!("[[{name}]] {i}"), "CHIS 1", "B2P", None);
        }
    }
    // an account's records come from its bank: never single-source
    entity(&mut s, "Fernbank 7781", EntityKind::Account);
    for i in 0..3 {
        note(
            &mut s,
            &format!("[[Fernbank 7781]] {i}"),
            "CHIS 1",
            "A1P",
            None,
        );
    }
    let found = rule(&s, "single-source");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].key, "single-source:case");
    assert_eq!(
        found[0].reason,
        "every note in the case comes from CHIS 1: 4 of the 4 subjects with 3 or more notes rest on it alone"
    );
    assert_eq!(
        found[0].question,
        "Is there reporting from anyone but CHIS 1?"
    );
    assert_eq!(found[0].triggers, people);
    // another source on one of them: three single-sourced subjects, each said
    note(&mut s, "[[Ann]] seen on ANPR", "ANPR", "A1P", None);
    let found = rule(&s, "single-source");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found
        .iter()
        .all(|x| x.reason == "all 3 notes come from CHIS 1"));
}

#[test]
fn no_anticipation_is_not_raised_where_an_open_warning_question_concerns_the_subject() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let e = entity(&mut s, "Dean Hollis", EntityKind::Person);
    let crew = entity(&mut s, "Quayside", EntityKind::Group);
    link(&mut s, e, crew, "member of");
    for (i, m) in ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
        .iter()
        .enumerate()
    {
        note(
            &mut s,
            "[[Dean Hollis]] seen",
            &format!("s{i}"),
            "B2P",
            Some(m),
        );
    }
    assert_eq!(rule(&s, "no-anticipation")[0].triggers, vec![e]);
    // named in an open warning question's title
    let q = question(&mut s, "Will Dean Hollis use a knife?", Sees::Warning, 1);
    assert!(rule(&s, "no-anticipation").is_empty(), "named in the title");
    s.set_fields(q, &[("title".into(), "Will there be a stabbing?".into())])
        .unwrap();
    assert_eq!(rule(&s, "no-anticipation").len(), 1, "no longer named");
    s.set_fields(
        q,
        &[("detail".into(), "Watch [[Dean Hollis]] closely.".into())],
    )
    .unwrap();
    assert!(
        rule(&s, "no-anticipation").is_empty(),
        "[[mentioned]] in the detail"
    );
    s.set_fields(q, &[("detail".into(), String::new())])
        .unwrap();
    link(&mut s, q, e, "concerns");
    assert!(rule(&s, "no-anticipation").is_empty(), "linked");
    // a question answered, or a situation question, does not anticipate
    s.set_fields(q, &[("status".into(), "parked".into())])
        .unwrap();
    assert_eq!(rule(&s, "no-anticipation").len(), 1);
    let sit = question(&mut s, "Where does Dean Hollis live?", Sees::Situation, 1);
    let _ = sit;
    assert_eq!(rule(&s, "no-anticipation").len(), 1);
}

#[test]
fn a_warning_or_estimate_question_with_nothing_to_watch_for() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let q = question(&mut s, "Are runners carrying weapons?", Sees::Warning, 1);
    question(&mut s, "Who holds the handset?", Sees::Situation, 1);
    let found = rule(&s, "no-indicators");
    assert_eq!(found.len(), 1, "situation questions are not asked");
    assert_eq!(found[0].triggers, vec![q]);
    assert_eq!(found[0].key, format!("no-indicators:{q}"));
    assert_eq!(
        found[0].question,
        "What could the answers to \"Are runners carrying weapons\" be, and what would we see first if each were coming true?"
    );
    let h = s
        .add_hypothesis(q, "Knives are carried on every run", None)
        .unwrap()
        .id;
    let found = rule(&s, "no-indicators");
    assert_eq!(found[0].triggers, vec![q, h]);
    assert_eq!(
        found[0].question,
        "What would we see first if \"Knives are carried on every run\" were coming true?"
    );
    s.add_expectation(h, "knife arrests of runners").unwrap();
    assert!(
        rule(&s, "no-indicators").is_empty(),
        "an indicator to watch"
    );
}

#[test]
fn a_link_resting_on_no_note_is_raised_where_an_open_question_concerns_it() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let kyle = entity(&mut s, "Kyle Renshaw", EntityKind::Person);
    let pryce = entity(&mut s, "Jayden Pryce", EntityKind::Person);
    for who in ["Kyle Renshaw", "Jayden Pryce"] {
        note(&mut s, &format!("[[{who}]] seen"), who, "B2P", None);
    }
    let l = link(&mut s, kyle, pryce, "manages");
    assert!(
        rule(&s, "unsourced-link").is_empty(),
        "no question concerns them"
    );
    let q = question(&mut s, "What is Kyle Renshaw's role?", Sees::Situation, 2);
    link(&mut s, q, kyle, "concerns");
    let found = rule(&s, "unsourced-link");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].key, format!("unsourced-link:{l}"));
    assert_eq!(found[0].triggers, vec![kyle, pryce, l]);
    assert_eq!(
        found[0].question,
        "What reporting shows that Kyle Renshaw manages Jayden Pryce?"
    );
    assert_eq!(found[0].priority, Some(2), "it serves the question");
    // resting on a note, it is no gap
    let n = note(&mut s, "CHIS: Renshaw runs Pryce", "CHIS 2", "B2P", None);
    s.set_fields(l, &[("source".into(), n.to_string())])
        .unwrap();
    assert!(rule(&s, "unsourced-link").is_empty());
}

#[test]
fn most_links_resting_on_no_note_is_said_once() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let hub = entity(&mut s, "Darren Marsh", EntityKind::Person);
    note(&mut s, "[[Darren Marsh]]", "x", "B2P", None);
    let q = question(&mut s, "Who runs the line?", Sees::Situation, 1);
    link(&mut s, q, hub, "concerns");
    for name in ["A", "B", "C", "D", "E"] {
        let e = entity(&mut s, name, EntityKind::Person);
        note(&mut s, &format!("[[{name}]]"), "x", "B2P", None);
        link(&mut s, hub, e, "directs");
    }
    let found = rule(&s, "unsourced-link");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].key, "unsourced-link:case");
    assert_eq!(
        found[0].reason,
        "5 of 5 links on records an open question concerns rest on no note"
    );
}

#[test]
fn an_organisation_known_only_through_a_link() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let kyle = entity(&mut s, "Kyle Renshaw", EntityKind::Person);
    let firm = entity(&mut s, "Quayside Holdings", EntityKind::Organisation);
    note(&mut s, "[[Kyle Renshaw]] seen", "x", "B2P", None);
    link(&mut s, kyle, firm, "works for");
    let found = rule(&s, "links-only");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].triggers, vec![firm]);
    assert_eq!(
        found[0].question,
        "What reporting is there on Quayside Holdings, known only as \"Kyle Renshaw works for Quayside Holdings\"?"
    );
    assert_eq!(
        found[0].reason,
        "known only through 1 link, named in no note"
    );
    note(
        &mut s,
        "Payslip from [[Quayside Holdings]]",
        "y",
        "A1P",
        None,
    );
    assert!(rule(&s, "links-only").is_empty());
}

#[test]
fn silences_that_coincide_are_one_suggestion() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let crew = entity(&mut s, "Brannock Road crew", EntityKind::Group);
    let mut ids = Vec::new();
    for (name, months) in [
        (
            "Kyle Renshaw",
            ["2024-05", "2024-06", "2024-07", "2024-12", "2025-01"],
        ),
        (
            "Nadia Marsh",
            ["2024-06", "2024-06", "2024-07", "2024-12", "2025-02"],
        ),
        (
            "Mason Quill",
            ["2023-01", "2023-02", "2023-03", "2023-09", "2023-10"],
        ),
    ] {
        let e = entity(&mut s, name, EntityKind::Person);
        link(&mut s, e, crew, "member of");
        ids.push(e);
        for m in months {
            note(&mut s, &format!("[[{name}]] seen"), m, "B2P", Some(m));
        }
    }
    let found = rule(&s, "quiet-stretch");
    assert_eq!(found.len(), 2, "{found:#?}");
    let both = found
        .iter()
        .find(|x| x.triggers.len() == 2)
        .expect("merged");
    assert_eq!(both.triggers, vec![ids[0], ids[1]]);
    assert_eq!(
        both.question,
        "What were Kyle Renshaw and Nadia Marsh doing between Aug and Nov 2024?"
    );
    assert!(both.answers_to(&format!("quiet-stretch:{}", ids[1])));
    assert!(
        found.iter().any(|x| x.triggers == [ids[2]]),
        "Quill's is apart"
    );
}

#[test]
fn suggestions_are_ordered_by_the_priority_of_the_questions_they_serve() {
    let d = tempfile::tempdir().unwrap();
    let mut s = open(d.path());
    let low = question(&mut s, "Why did the line move?", Sees::Explanation, 3);
    let high = question(&mut s, "Why did the robbery happen?", Sees::Explanation, 1);
    // a lonely entity serving no question, and a low-graded one the P3 question concerns
    for (name, grade) in [("Owen Barlow", "B2P"), ("Reece Danby", "C3P")] {
        entity(&mut s, name, EntityKind::Person);
        for i in 0..3 {
            note(
                &mut s,
                &format!("[[{name}]] {i}"),
                &format!("{name} {i}"),
                grade,
                None,
            );
        }
    }
    let danby = s.entities_named("Reece Danby").unwrap()[0];
    link(&mut s, low, danby, "concerns");
    let order: Vec<(Option<u8>, String)> = all(&s)
        .iter()
        .map(|x| (x.priority, x.key.clone()))
        .collect();
    assert_eq!(
        order,
        vec![
            (Some(1), format!("no-hypotheses:{high}")),
            (Some(3), format!("low-graded:{danby}")),
            (Some(3), format!("no-hypotheses:{low}")),
            (None, "lonely-mention:E1".to_string()),
        ],
        "P1, then P3 (rule order within it), then what serves no question"
    );
}
