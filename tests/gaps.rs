//! The gap hunter on the demo case, and accept/dismiss through the store.

use weft::analysis::{self, Suggestion};
use weft::model::{Id, Kind};
use weft::store::{NewQuestion, OpenOptions, Store};

fn open(dir: &std::path::Path) -> Store {
    Store::open(
        dir,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .unwrap()
}

fn named(store: &Store, name: &str) -> Id {
    store.entities_named(name).unwrap()[0]
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(dir.path());
    weft::demo::load(&mut s, weft::demo::KESTREL).unwrap();
    (dir, s)
}

fn found(store: &Store) -> Vec<Suggestion> {
    analysis::run(&store.gap_input().unwrap(), None)
}

fn has(all: &[Suggestion], rule: &str, triggers: &[Id]) -> bool {
    let mut t = triggers.to_vec();
    t.sort();
    all.iter().any(|s| s.rule == rule && s.triggers == t)
}

fn question_titled(store: &Store, start: &str) -> Id {
    store
        .records(Kind::Question)
        .map(|r| r.unwrap())
        .find(|r| r.title().starts_with(start))
        .unwrap_or_else(|| panic!("no question {start}"))
        .id()
}

#[test]
fn the_six_planted_gaps_of_the_demo_are_found() {
    let (_d, s) = demo();
    let all = found(&s);
    for x in &all {
        eprintln!(
            "P{}\t{}\t{}\t{}\t{}",
            x.priority.map_or("-".to_string(), |p| p.to_string()),
            x.rules(),
            x.key,
            x.question,
            x.reason
        );
    }
    let rusk = named(&s, "Vincent Rusk");
    assert!(has(&all, "low-graded", &[rusk]), "1 low-graded");
    let renshaw = named(&s, "Kyle Renshaw");
    let quiet = all
        .iter()
        .find(|x| x.rule == "quiet-stretch" && x.triggers == [renshaw])
        .expect("2 quiet stretch");
    assert!(
        quiet.question.contains("Aug and Nov 2024"),
        "{}",
        quiet.question
    );
    let (a, b, p) = (
        named(&s, "Liam Corrigan"),
        named(&s, "Shane Pidcock"),
        named(&s, "07700 900733"),
    );
    assert!(has(&all, "shared-identifier", &[a, b, p]), "3 shared phone");
    let q22 = question_titled(&s, "Was Liam Corrigan only a driver");
    let h33 = s.hypotheses_of(q22).unwrap()[0];
    assert!(
        has(&all, "single-hypothesis", &[q22, h33]),
        "4 single hypothesis"
    );
    let q06 = question_titled(&s, "Is \"Uncle V\" a real supplier");
    assert!(has(&all, "stale-review", &[q06]), "5 stale review");
    let stale: Vec<_> = all.iter().filter(|x| x.rule == "stale-review").collect();
    assert_eq!(stale.len(), 1, "only q06 is past its review");
    let barlow = named(&s, "Owen Barlow");
    let lonely = all
        .iter()
        .find(|x| x.rule == "lonely-mention" && x.triggers == [barlow])
        .expect("6 mentioned but unlinked");
    assert_eq!(lonely.question, "What is Owen Barlow's role?");
    assert_eq!(lonely.reason, "mentioned in 5 notes, no other link");
}

#[test]
fn accept_is_one_undo_step_and_links_every_trigger() {
    let (_d, mut s) = demo();
    let all = found(&s);
    let sug = all
        .iter()
        .find(|x| x.rule == "shared-identifier")
        .unwrap()
        .clone();
    let q = s
        .accept_gap(
            NewQuestion::new(&sug.question),
            &sug.triggers,
            (&sug.key, sug.rule, &sug.fingerprint),
        )
        .unwrap()
        .id;
    let linked: Vec<Id> = s.neighbours(q).unwrap().iter().map(|n| n.other).collect();
    for t in &sug.triggers {
        assert!(linked.contains(t), "{t} linked");
    }
    assert!(
        !found(&s).iter().any(|x| x.key == sug.key),
        "accepted: gone"
    );
    s.undo().unwrap().unwrap();
    assert!(s.get(q).unwrap().is_none(), "one undo removes the question");
    assert!(s
        .neighbours(sug.triggers[0])
        .unwrap()
        .iter()
        .all(|n| n.other != q));
    assert!(found(&s).iter().any(|x| x.key == sug.key), "undone: back");
    assert!(s.check().unwrap().is_empty());
}

#[test]
fn dismissal_survives_restart_and_export_import_and_ends_when_the_triggers_change() {
    let dir = tempfile::tempdir().unwrap();
    let key;
    {
        let mut s = open(dir.path());
        weft::demo::load(&mut s, weft::demo::KESTREL).unwrap();
        let barlow = named(&s, "Owen Barlow");
        let sug = found(&s)
            .into_iter()
            .find(|x| x.rule == "lonely-mention" && x.triggers == [barlow])
            .unwrap();
        key = sug.key.clone();
        s.dismiss_gap(&sug.key, sug.rule, &sug.fingerprint, None)
            .unwrap();
        assert!(!found(&s).iter().any(|x| x.key == key));
    }
    let s = open(dir.path());
    assert!(!found(&s).iter().any(|x| x.key == key), "after a restart");
    // not a record anyone lists or searches
    assert!(s
        .search("Barlow", 50)
        .unwrap()
        .iter()
        .all(|h| h.id.kind != Kind::Dismissal));
    let mut bytes = Vec::new();
    weft::export::write_workspace(&s, &mut bytes).unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("\"dismissals\""));
    let dump = weft::export::parse_workspace(&bytes).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let mut t = open(dir2.path());
    t.import_workspace(&dump).unwrap();
    assert!(
        !found(&t).iter().any(|x| x.key == key),
        "after export and import"
    );
    // three more notes double the evidence: the suggestion comes back
    for i in 0..3 {
        t.add_note(weft::store::NewNote {
            text: format!("[[Owen Barlow]] seen again {i}"),
            ..Default::default()
        })
        .unwrap();
    }
    assert!(found(&t).iter().any(|x| x.key == key), "material change");
}

#[test]
fn an_accepted_gap_survives_export_and_import() {
    let (_d, mut s) = demo();
    let sug = found(&s)
        .into_iter()
        .find(|x| x.rule == "shared-identifier")
        .unwrap();
    let q = s
        .accept_gap(
            NewQuestion::new(&sug.question),
            &sug.triggers,
            (&sug.key, sug.rule, &sug.fingerprint),
        )
        .unwrap()
        .id;
    let mut bytes = Vec::new();
    weft::export::write_workspace(&s, &mut bytes).unwrap();
    let dump = weft::export::parse_workspace(&bytes).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let mut t = open(dir2.path());
    t.import_workspace(&dump).unwrap();
    assert!(
        !found(&t).iter().any(|x| x.key == sug.key),
        "accepted, then exported and imported: still dealt with"
    );
    let kept = t.dismissal(&sug.key).unwrap().expect("the acceptance");
    assert_eq!(kept.question, Some(q), "it names the question it became");
    let linked: Vec<Id> = t.neighbours(q).unwrap().iter().map(|n| n.other).collect();
    for x in &sug.triggers {
        assert!(linked.contains(x), "{x} still linked after the round trip");
    }
}

/// The narrow reading the interface's worker uses gives exactly what decoding every
/// record whole gives: on the demo (every kind, dismissals, escaped text) and on a
/// generated workspace.
#[test]
fn the_narrow_reading_equals_the_whole_record_decode() {
    let (_d, mut s) = demo();
    let sug = found(&s).into_iter().next().unwrap();
    s.dismiss_gap(&sug.key, sug.rule, &sug.fingerprint, None)
        .unwrap();
    s.add_note(weft::store::NewNote {
        text: "a \"quoted\" \\ line\n[[Nobody Known]] and [[Owen Barlow]]".into(),
        source: "CHIS \"7\"".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(s.gap_input().unwrap(), s.gap_input_decoded().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let mut g = open(dir.path());
    weft::synth::generate(&mut g, &weft::synth::Spec::sized(3_000), |_| {}).unwrap();
    let narrow = g.gap_input().unwrap();
    assert!(narrow.links.len() > 1_000 && narrow.notes.len() > 1_000);
    assert_eq!(narrow, g.gap_input_decoded().unwrap());
}

/// How many suggestions the demo raises, by rule: printed for the closing note (run with
/// `--nocapture`), and held to the rules that must not repeat per hypothesis.
#[test]
fn the_demo_raises_one_untested_and_one_unchallenged_suggestion_per_question_at_most() {
    let (_d, s) = demo();
    let all = weft::analysis::run(&s.gap_input().unwrap(), None);
    let mut by_rule: std::collections::BTreeMap<&str, usize> = Default::default();
    for g in &all {
        *by_rule.entry(g.rule).or_default() += 1;
    }
    println!("{} suggestions: {by_rule:?}", all.len());
    // the question each suggestion serves: its own trigger, or its hypotheses'
    let question_of = |id: weft::model::Id| match s.get(id).unwrap() {
        Some(weft::model::Record::Hypothesis(h)) => h.question,
        _ => id,
    };
    for rule in ["no-evidence", "no-disconfirming"] {
        let mut questions: Vec<weft::model::Id> = all
            .iter()
            .filter(|g| g.rule == rule)
            .map(|g| question_of(g.triggers[0]))
            .collect();
        let n = questions.len();
        assert!(n > 0, "{rule} fires on the demo");
        questions.sort();
        questions.dedup();
        assert_eq!(questions.len(), n, "{rule}: one per question");
        assert!(all
            .iter()
            .filter(|g| g.rule == rule)
            .all(|g| !g.reason.contains("1 pieces")));
    }
}

/// A dismissal's reason is a store write like any other: journaled (so one undo takes
/// it back), kept through a restart and through a workspace export and import.
#[test]
fn a_dismissals_reason_is_journaled_undone_and_exported() {
    let (_d, mut s) = demo();
    let barlow = named(&s, "Owen Barlow");
    let sug = found(&s)
        .into_iter()
        .find(|x| x.triggers == [barlow])
        .unwrap();
    // a reason of two lines, or with a control character, is refused, changing nothing
    for bad in ["one\ntwo", "tab\tbed"] {
        let err = s
            .dismiss_gap(&sug.key, sug.rule, &sug.fingerprint, Some(bad))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&sug.key), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(s.dismissal(&sug.key).unwrap().is_none());
    s.dismiss_gap(
        &sug.key,
        sug.rule,
        &sug.fingerprint,
        Some("  a known informant, handled by the source unit "),
    )
    .unwrap();
    let kept = s.dismissal(&sug.key).unwrap().expect("kept");
    assert_eq!(
        kept.reason.as_deref(),
        Some("a known informant, handled by the source unit")
    );
    let newest = s.log().next().unwrap().unwrap();
    assert_eq!(newest.op, "dismiss gap", "journaled");
    let mut bytes = Vec::new();
    weft::export::write_workspace(&s, &mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("\"reason\":\"a known informant"),
        "exported: {}",
        &text[text.find("\"dismissals\"").unwrap_or(0)..][..300]
    );
    let dump = weft::export::parse_workspace(&bytes).unwrap();
    let dir2 = tempfile::tempdir().unwrap();
    let mut t = open(dir2.path());
    t.import_workspace(&dump).unwrap();
    assert_eq!(
        t.dismissal(&sug.key).unwrap().and_then(|d| d.reason),
        kept.reason,
        "after export and import"
    );
    let (_, dealt) = analysis::partition(&t.gap_input().unwrap(), &|| false).unwrap();
    let shown = dealt.iter().find(|x| x.key == sug.key).expect("dealt with");
    assert_eq!(
        shown.dealt.as_ref().and_then(|d| d.reason.as_deref()),
        kept.reason.as_deref()
    );
    // one undo takes the dismissal back
    s.undo().unwrap().unwrap();
    assert!(s.dismissal(&sug.key).unwrap().is_none());
    assert!(found(&s).iter().any(|x| x.key == sug.key));
}

/// The warning and estimate questions of the demo with nothing to watch for are found,
/// and the demo's active subjects are said once, not once each.
#[test]
fn the_demos_questions_without_indicators_are_found() {
    let (_d, s) = demo();
    let all = found(&s);
    for start in [
        "Are runners or enforcers carrying weapons",
        "When and where is a serious incident most likely",
        "Which other vulnerable adults in Mereby are at risk",
        "Could the line start recruiting local Mereby children",
    ] {
        let q = question_titled(&s, start);
        let g = all
            .iter()
            .find(|x| x.has_rule("no-indicators") && x.triggers.contains(&q))
            .unwrap_or_else(|| panic!("no-indicators on {q} {start}"));
        assert!(
            g.question.contains(start),
            "the whole title, quoted: {}",
            g.question
        );
        assert!(
            !g.question.contains(&q.to_string()),
            "no bare id: {}",
            g.question
        );
    }
    let ahead: Vec<_> = all
        .iter()
        .filter(|x| x.has_rule("no-anticipation"))
        .collect();
    assert_eq!(ahead.len(), 1, "{ahead:#?}");
    assert_eq!(ahead[0].key, "no-anticipation:case");
    // no suggestion names a record by its bare id, and none is cut short
    for x in &all {
        assert!(!x.question.contains('…'), "{}", x.question);
        for word in x.question.split(|c: char| !c.is_alphanumeric()) {
            assert!(word.parse::<Id>().is_err(), "{word} in {:?}", x.question);
        }
    }
}
