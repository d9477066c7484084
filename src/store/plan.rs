//! The collection plan: what is outstanding to collect, ordered by the priority of the
//! question it serves. Two kinds of item: an expectation not yet looked for (of a live
//! hypothesis of an open or active question) and an open or active question tagged
//! [`COLLECTION_TAG`] (made by collect next or accepted from the gap hunter, or tagged
//! by hand).

use super::{Result, Store};
use crate::model::{
    ExpectationStatus, HypothesisStatus, Id, Kind, Question, Record, Status, COLLECTION_TAG,
};

/// What an item of the plan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanKind {
    /// A question to answer by collection.
    Question,
    /// An expectation to look for.
    Expectation,
}

impl PlanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::Question => "question",
            PlanKind::Expectation => "expectation",
        }
    }
}

/// One outstanding item of collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    /// The question it serves: an expectation's hypothesis's question; a collection
    /// question's parent (itself at the top level).
    pub question: Id,
    /// That question's priority (1 is the highest) and title.
    pub priority: u8,
    pub title: String,
    pub kind: PlanKind,
    /// The expectation or the collection question.
    pub id: Id,
    /// Its text or title; for an expectation, with the hypothesis it tests.
    pub text: String,
    /// The hypothesis an expectation tests.
    pub hypothesis: Option<Id>,
}

fn outstanding(status: Status) -> bool {
    matches!(status, Status::Open | Status::Active)
}

impl Store {
    /// Every outstanding item of collection, by the priority of the question served,
    /// then that question's id, then questions before expectations, then id.
    pub fn plan(&self) -> Result<Vec<PlanItem>> {
        let mut out = Vec::new();
        let question = |id: Id| -> Result<Option<Question>> {
            Ok(match self.get(id)? {
                Some(Record::Question(q)) => Some(q),
                _ => None,
            })
        };
        for r in self.records(Kind::Expectation) {
            let Record::Expectation(x) = r? else {
                continue;
            };
            if x.status != ExpectationStatus::Unchecked {
                continue;
            }
            let Some(Record::Hypothesis(h)) = self.get(x.hypothesis)? else {
                continue;
            };
            if h.status != HypothesisStatus::Live {
                continue;
            }
            let Some(q) = question(h.question)? else {
                continue;
            };
            if !outstanding(q.status) {
                continue;
            }
            out.push(PlanItem {
                question: h.question,
                priority: q.priority,
                title: q.title,
                kind: PlanKind::Expectation,
                id: x.meta.id,
                text: x.text,
                hypothesis: Some(x.hypothesis),
            });
        }
        for id in self.tagged(COLLECTION_TAG)? {
            let Some(q) = question(id)? else {
                continue;
            };
            if !outstanding(q.status) {
                continue;
            }
            let served = match q.parent {
                Some(p) => question(p)?.map(|pq| (p, pq)),
                None => None,
            };
            let (served, priority, title) = match served {
                Some((p, pq)) => (p, pq.priority, pq.title),
                None => (id, q.priority, q.title.clone()),
            };
            out.push(PlanItem {
                question: served,
                priority,
                title,
                kind: PlanKind::Question,
                id,
                text: q.title,
                hypothesis: None,
            });
        }
        out.sort_by(|a, b| {
            (a.priority, a.question, a.kind, a.id).cmp(&(b.priority, b.question, b.kind, b.id))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewQuestion, OpenOptions};

    fn store() -> (tempfile::TempDir, Store) {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(
            &d.path().join("ws"),
            &OpenOptions {
                create: true,
                ..OpenOptions::default()
            },
        )
        .unwrap();
        (d, s)
    }

    fn question(s: &mut Store, title: &str, priority: u8, parent: Option<Id>, tag: bool) -> Id {
        s.add_question(NewQuestion {
            priority,
            parent,
            tags: if tag {
                vec![COLLECTION_TAG.to_string()]
            } else {
                Vec::new()
            },
            ..NewQuestion::new(title)
        })
        .unwrap()
        .id
    }

    fn set(s: &mut Store, id: Id, fields: &[(&str, &str)]) {
        let f: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        s.set_fields(id, &f).unwrap();
    }

    #[test]
    fn outstanding_collection_by_the_priority_of_the_question_served() {
        let (_d, mut s) = store();
        let low = question(&mut s, "Where does the cash go?", 3, None, false);
        let high = question(&mut s, "Will the rivalry turn violent?", 1, None, false);
        let h_low = s.add_hypothesis(low, "abroad", None).unwrap().id;
        let h_high = s.add_hypothesis(high, "yes", None).unwrap().id;
        let x_low = s.add_expectation(h_low, "wires to Cyprus").unwrap().id;
        let x_high = s.add_expectation(h_high, "weapons bought").unwrap().id;
        // a collection question under the P1 question serves it, whatever its own priority
        let sub = question(&mut s, "Who sells them the knives?", 4, Some(high), true);
        // not outstanding: a checked expectation, an untagged question, a closed one
        let done = s.add_expectation(h_high, "threats online").unwrap().id;
        set(
            &mut s,
            done,
            &[
                ("status", "absent"),
                ("where", "social media"),
                ("checked", "2026-01-02"),
            ],
        );
        question(&mut s, "Untagged", 1, Some(high), false);
        let closed = question(&mut s, "Closed", 1, None, true);
        set(&mut s, closed, &[("status", "dropped")]);
        let plan = s.plan().unwrap();
        let got: Vec<(Id, u8, PlanKind, Id)> = plan
            .iter()
            .map(|p| (p.question, p.priority, p.kind, p.id))
            .collect();
        assert_eq!(
            got,
            vec![
                (high, 1, PlanKind::Question, sub),
                (high, 1, PlanKind::Expectation, x_high),
                (low, 3, PlanKind::Expectation, x_low),
            ]
        );
        assert_eq!(plan[1].hypothesis, Some(h_high));
        assert_eq!(plan[0].title, "Will the rivalry turn violent?");
        // a rejected hypothesis's expectations are no longer outstanding
        set(&mut s, h_low, &[("status", "rejected")]);
        assert_eq!(s.plan().unwrap().len(), 2);
    }
}
