//! "Ask about this", as the store reads it: the open questions a record already serves,
//! and the question proposed for it with its proposed parent. The interface's `Q` and
//! `weft ask` both start here.

use super::{Result, Store};
use crate::model::{Id, Kind, Record, Sees};
use std::collections::BTreeSet;

/// A question proposed about records, before the analyst edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Whole: a display shortens it, the store keeps all of it.
    pub title: String,
    /// The records it concerns (a link's two ends, a cell's note and hypothesis).
    pub about: Vec<Id>,
    pub kind: Sees,
    pub detail: String,
    /// The open questions the records serve, in id order.
    pub serves: Vec<Id>,
    /// The proposed parent: the one question served, when exactly one is.
    pub parent: Option<Id>,
}

impl Store {
    /// The open or active questions a record serves: a question itself; a
    /// hypothesis's question (an expectation's or a cell's, through its hypothesis);
    /// for anything else, the questions linked to it and the questions of the
    /// hypotheses linked to it or assessed against it. In id order.
    pub fn serves(&self, id: Id) -> Result<Vec<Id>> {
        let mut out = BTreeSet::new();
        let mut hypotheses = Vec::new();
        match self.get(id)? {
            None => {}
            // a question serves itself: asking about it makes a sub-question of it
            Some(Record::Question(q)) => {
                return Ok(if q.status.is_live() {
                    vec![id]
                } else {
                    Vec::new()
                });
            }
            Some(Record::Hypothesis(h)) => {
                out.insert(h.question);
            }
            Some(Record::Expectation(x)) => hypotheses.push(x.hypothesis),
            Some(Record::Assessment(a)) => hypotheses.push(a.hypothesis),
            Some(Record::Link(l)) => {
                for end in [l.from, l.to] {
                    out.extend(self.serves(end)?);
                }
            }
            Some(_) => {
                for (_, _, other) in self.adjacent(id)? {
                    match other.kind {
                        Kind::Question => {
                            out.insert(other);
                        }
                        Kind::Hypothesis => hypotheses.push(other),
                        _ => {}
                    }
                }
                if id.kind == Kind::Note {
                    for a in self.assessments_of_note(id)? {
                        if let Some(Record::Assessment(a)) = self.get(a)? {
                            hypotheses.push(a.hypothesis);
                        }
                    }
                }
            }
        }
        for h in hypotheses {
            if let Some(Record::Hypothesis(h)) = self.get(h)? {
                out.insert(h.question);
            }
        }
        let mut open = Vec::with_capacity(out.len());
        for q in out {
            if let Some(Record::Question(x)) = self.get(q)? {
                if x.status.is_live() {
                    open.push(q);
                }
            }
        }
        Ok(open)
    }

    /// The open questions any of `ids` serves, in id order (a record's own first).
    pub fn serve_all(&self, ids: &[Id]) -> Result<Vec<Id>> {
        let mut out: Vec<Id> = Vec::new();
        for id in ids {
            for q in self.serves(*id)? {
                if !out.contains(&q) {
                    out.push(q);
                }
            }
        }
        Ok(out)
    }

    /// The question proposed about `id`, worded for it, with the questions it serves
    /// and, when it serves exactly one, that one as the parent.
    pub fn propose_question(&self, id: Id) -> Result<Proposal> {
        let record = self.require(id)?;
        let about = match &record {
            // a link cannot be linked to: a question about one concerns its two ends
            Record::Link(l) => vec![l.from, l.to],
            Record::Assessment(a) => vec![a.hypothesis, a.note],
            _ => vec![id],
        };
        let serves = self.serves(id)?;
        let parent = match serves.as_slice() {
            [one] => Some(*one),
            _ => None,
        };
        let serves_title = match parent {
            Some(q) => self.get(q)?.map(|r| r.title()),
            None => None,
        };
        let name = |other: Id| match self.get(other) {
            Ok(Some(r)) => crate::model::wording::name_of(&r),
            _ => other.to_string(),
        };
        let title = crate::model::wording::question_about(&record, name, serves_title.as_deref());
        Ok(Proposal {
            title,
            about,
            kind: Sees::Situation,
            detail: String::new(),
            serves,
            parent,
        })
    }
}
