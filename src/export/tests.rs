use super::*;
use crate::model::{Meta, Sees};

fn q(num: u64, priority: u8, parent: Option<u64>) -> Question {
    Question {
        meta: Meta::new(
            Id::new(Kind::Question, num),
            chrono::DateTime::UNIX_EPOCH,
            "ana",
        ),
        title: format!("question {num}"),
        detail: String::new(),
        status: Status::Open,
        priority,
        kind: Sees::Situation,
        parent: parent.map(|p| Id::new(Kind::Question, p)),
        review_by: None,
        answer: None,
    }
}

fn order(qs: &[Question]) -> Vec<(u64, usize)> {
    let refs: Vec<&Question> = qs.iter().collect();
    forest(&refs)
        .into_iter()
        .map(|(i, d)| (qs[i].meta.id.num, d))
        .collect()
}

#[test]
fn formats_parse_with_their_aliases() {
    assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
    assert_eq!("Markdown".parse::<Format>().unwrap(), Format::Markdown);
    assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
    assert_eq!("json".parse::<Format>().unwrap(), Format::Json);
    let e = "xls".parse::<Format>().unwrap_err().to_string();
    assert_eq!(
        e,
        "invalid format \"xls\": expected md (a Markdown briefing), csv or json"
    );
}

#[test]
fn forest_orders_roots_by_priority_then_id_and_nests_children() {
    let qs = vec![
        q(1, 2, None),
        q(2, 1, None),
        q(3, 3, Some(1)),
        q(4, 1, Some(1)),
        q(5, 1, Some(4)),
        q(6, 2, None),
    ];
    assert_eq!(
        order(&qs),
        vec![(2, 0), (1, 0), (4, 1), (5, 2), (3, 1), (6, 0)]
    );
}

#[test]
fn a_child_without_its_parent_stands_at_the_top() {
    let qs = vec![q(7, 2, Some(99)), q(8, 1, None)];
    assert_eq!(order(&qs), vec![(8, 0), (7, 0)]);
}

#[test]
fn a_loop_of_parents_loses_no_question() {
    let qs = vec![q(1, 1, Some(2)), q(2, 1, Some(1)), q(3, 1, None)];
    let got = order(&qs);
    assert_eq!(got.len(), 3);
    assert_eq!(got[0], (3, 0));
}
