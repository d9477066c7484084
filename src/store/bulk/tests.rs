use super::*;
use crate::model::{Assessment, Consistency, Link, Meta, Question, Sees, Status};

fn meta(id: &str) -> Meta {
    Meta::new(id.parse().unwrap(), chrono::DateTime::UNIX_EPOCH, "ana")
}

fn question(id: &str, parent: Option<&str>) -> Record {
    Record::Question(Question {
        meta: meta(id),
        title: "q".into(),
        detail: String::new(),
        status: Status::Open,
        priority: 2,
        kind: Sees::Situation,
        parent: parent.map(|p| p.parse().unwrap()),
        review_by: None,
        answer: None,
    })
}

fn dump(records: Vec<Record>) -> Dump {
    Dump {
        next: "QHENLA".chars().map(|c| (c, 100)).collect(),
        seq: 0,
        records,
        journal: Vec::new(),
        name: None,
    }
}

fn err(d: &Dump) -> String {
    d.validate().unwrap_err().to_string()
}

#[test]
fn a_loop_of_parents_is_refused() {
    let d = dump(vec![question("Q1", Some("Q2")), question("Q2", Some("Q1"))]);
    assert_eq!(err(&d), "Q1: its parents make a loop of sub-questions");
    assert!(dump(vec![question("Q1", None), question("Q2", Some("Q1"))])
        .validate()
        .is_ok());
}

#[test]
fn references_must_be_of_the_right_kind() {
    let d = dump(vec![question("Q1", Some("E1"))]);
    assert_eq!(err(&d), "Q1: parent E1 is not a question");
    let d = dump(vec![question("Q2", Some("Q1"))]);
    assert_eq!(err(&d), "Q2: its parent Q1 is not in the file");
}

#[test]
fn a_link_cannot_end_at_a_link() {
    let link = |id: &str, from: &str, to: &str| {
        Record::Link(Link {
            meta: meta(id),
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            label: "x".into(),
            confidence: None,
            source: None,
            when: None,
            auto: false,
        })
    };
    let d = dump(vec![
        question("Q1", None),
        link("L1", "Q1", "L2"),
        link("L2", "Q1", "Q1"),
    ]);
    assert_eq!(err(&d), "L1: its to end L2 is a link");
}

#[test]
fn one_assessment_per_cell() {
    let hyp = Record::Hypothesis(crate::model::Hypothesis {
        meta: meta("H1"),
        statement: "h".into(),
        question: "Q1".parse().unwrap(),
        likelihood: None,
        status: crate::model::HypothesisStatus::Live,
    });
    let note = Record::Note(crate::model::Note {
        meta: meta("N1"),
        text: "n".into(),
        source: String::new(),
        grade: None,
        when: None,
    });
    let cell = |id: &str| {
        Record::Assessment(Assessment {
            meta: meta(id),
            hypothesis: "H1".parse().unwrap(),
            note: "N1".parse().unwrap(),
            consistency: Consistency::Neutral,
        })
    };
    let d = dump(vec![
        question("Q1", None),
        hyp,
        note,
        cell("A1"),
        cell("A2"),
    ]);
    assert_eq!(err(&d), "A2: a second assessment of N1 against H1");
}

#[test]
fn journal_groups_and_counters_are_checked() {
    let entry = |seq: u64, group: u64| JournalEntry {
        seq,
        group,
        time: chrono::DateTime::UNIX_EPOCH,
        user: "ana".into(),
        op: "add question".into(),
        id: "Q1".parse().unwrap(),
        before: None,
        after: Some(question("Q1", None).to_json()),
        undoes: None,
        from: None,
    };
    let mut d = dump(vec![question("Q1", None)]);
    d.journal = vec![entry(0, 0), entry(1, 0), entry(2, 2)];
    d.seq = 3;
    assert!(d.validate().is_ok());
    d.journal[2].group = 1;
    assert_eq!(
        err(&d),
        "journal entry 2 is in group 1, which is not the operation it follows"
    );
    d.journal[2].group = 2;
    d.seq = 4;
    assert_eq!(
        err(&d),
        "the journal counter is 4 but the journal holds 3 entries"
    );
    d.seq = 3;
    d.next.insert('x', 1);
    assert!(err(&d).contains("unknown kind 'x'"));
}

proptest::proptest! {
    /// A counter is accepted exactly when it is in range and past every id of its kind,
    /// so an import can never make weft hand out a number twice.
    #[test]
    fn counters_are_accepted_only_in_range_and_past_every_id(
        next in proptest::prop_oneof![0u64..8, (super::super::MAX_ID - 2)..=u64::MAX],
        largest in 1u64..6,
    ) {
        let records: Vec<Record> = (1..=largest).map(|n| question(&format!("Q{n}"), None)).collect();
        let mut d = dump(records);
        d.next.insert('Q', next);
        let ok = next > largest && next <= super::super::MAX_ID;
        proptest::prop_assert_eq!(d.validate().is_ok(), ok, "next {} largest {}", next, largest);
    }
}
