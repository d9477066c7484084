//! What the gap hunter reads, in one pass per record kind, and the two operations it
//! writes: dismissing a suggestion, and accepting one as a question linked to its
//! triggers (one operation, so one undo step).

use super::{Added, Change, Result, Store};
use crate::model::{
    Consistency, Dismissal, EntityKind, Grade, HypothesisStatus, Id, Kind, Meta, Record, Sees,
    Status, When, Yardstick,
};
use chrono::NaiveDate;

/// An entity as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityFacts {
    pub id: Id,
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
}

/// A note as the rules see it: no text, only what the rules weigh.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteFacts {
    pub id: Id,
    pub source: String,
    pub grade: Option<Grade>,
    pub when: Option<When>,
    /// `[[name]]` mentions in its text.
    pub names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionFacts {
    pub id: Id,
    pub title: String,
    pub status: Status,
    pub kind: Sees,
    pub priority: u8,
    pub review_by: Option<NaiveDate>,
    pub confidence: Option<Yardstick>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HypothesisFacts {
    pub id: Id,
    pub question: Id,
    pub status: HypothesisStatus,
    pub statement: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkFacts {
    pub id: Id,
    pub from: Id,
    pub to: Id,
    pub label: String,
    /// Kept in step with a note's text by the store.
    pub auto: bool,
}

/// Everything the gap rules read, as plain data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GapInput {
    pub today: NaiveDate,
    pub entities: Vec<EntityFacts>,
    pub notes: Vec<NoteFacts>,
    pub questions: Vec<QuestionFacts>,
    pub hypotheses: Vec<HypothesisFacts>,
    pub links: Vec<LinkFacts>,
    /// Matrix cells: (hypothesis, note, consistency).
    pub assessments: Vec<(Id, Id, Consistency)>,
    pub expectations: Vec<ExpectationFacts>,
    pub dismissals: Vec<Dismissal>,
}

/// An expectation of a hypothesis and whether it was looked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectationFacts {
    pub id: Id,
    pub hypothesis: Id,
    pub text: String,
    pub status: crate::model::ExpectationStatus,
}

impl Store {
    /// Reads what the gap rules need by decoding every record whole: the reference
    /// that [`Store::gap_input`]'s narrow reading is tested against, and its
    /// benchmark's "before".
    #[doc(hidden)]
    pub fn gap_input_decoded(&self) -> Result<GapInput> {
        let mut g = GapInput {
            today: self.now().date_naive(),
            ..Default::default()
        };
        for kind in Kind::ALL {
            for rec in self.records(kind) {
                match rec? {
                    Record::Entity(e) => g.entities.push(EntityFacts {
                        id: e.meta.id,
                        name: e.name,
                        kind: e.kind,
                        aliases: e.aliases,
                    }),
                    Record::Note(n) => {
                        let names = if n.text.contains("[[") {
                            crate::model::text::mentions(&n.text).names
                        } else {
                            Vec::new()
                        };
                        g.notes.push(NoteFacts {
                            id: n.meta.id,
                            source: n.source,
                            grade: n.grade,
                            when: n.when,
                            names,
                        })
                    }
                    Record::Question(q) => g.questions.push(QuestionFacts {
                        id: q.meta.id,
                        title: q.title,
                        status: q.status,
                        kind: q.kind,
                        priority: q.priority,
                        review_by: q.review_by,
                        confidence: q.answer.and_then(|a| a.confidence),
                    }),
                    Record::Hypothesis(h) => g.hypotheses.push(HypothesisFacts {
                        id: h.meta.id,
                        question: h.question,
                        status: h.status,
                        statement: h.statement,
                    }),
                    Record::Link(l) => g.links.push(LinkFacts {
                        id: l.meta.id,
                        from: l.from,
                        to: l.to,
                        label: l.label,
                        auto: l.auto,
                    }),
                    Record::Assessment(a) => {
                        g.assessments.push((a.hypothesis, a.note, a.consistency))
                    }
                    Record::Dismissal(d) => g.dismissals.push(d),
                    Record::Expectation(x) => g.expectations.push(ExpectationFacts {
                        id: x.meta.id,
                        hypothesis: x.hypothesis,
                        text: x.text,
                        status: x.status,
                    }),
                }
            }
        }
        Ok(g)
    }

    /// The dismissal kept for a suggestion key, if any.
    pub fn dismissal(&self, key: &str) -> Result<Option<Dismissal>> {
        for rec in self.records(Kind::Dismissal) {
            if let Record::Dismissal(d) = rec? {
                if d.key == key {
                    return Ok(Some(d));
                }
            }
        }
        Ok(None)
    }

    /// The change that records `key` as dealt with (a new dismissal, or the old one
    /// brought up to date).
    fn dismissal_change(
        &self,
        key: &str,
        rule: &str,
        fingerprint: &str,
        question: Option<Id>,
    ) -> Result<Change> {
        let before = self.dismissal(key)?;
        let after = match &before {
            Some(d) => {
                let mut d = d.clone();
                d.meta.updated = self.now();
                d.fingerprint = fingerprint.to_string();
                d.question = question;
                d
            }
            None => Dismissal {
                meta: Meta::new(self.reserve(Kind::Dismissal, 0), self.now(), self.user()),
                key: key.to_string(),
                rule: rule.to_string(),
                fingerprint: fingerprint.to_string(),
                question,
            },
        };
        Ok(Change {
            before: before.map(Record::Dismissal),
            after: Some(Record::Dismissal(after)),
        })
    }

    /// Keeps a suggestion dismissed until its fingerprint changes; the id is the
    /// dismissal's.
    pub fn dismiss_gap(&mut self, key: &str, rule: &str, fingerprint: &str) -> Result<Added> {
        let change = self.dismissal_change(key, rule, fingerprint, None)?;
        let id = change.id();
        let done = self.commit("dismiss gap", vec![change], None)?;
        Ok(Added { id, done })
    }

    /// Adds `question` with a "concerns" link to every trigger, and marks the suggestion
    /// accepted, in one operation; the id is the new question's.
    pub fn accept_gap(
        &mut self,
        question: super::NewQuestion,
        triggers: &[Id],
        (key, rule, fingerprint): (&str, &str, &str),
    ) -> Result<Added> {
        let mut changes = self.question_about(question, triggers)?;
        let id = changes[0].id();
        changes.push(self.dismissal_change(key, rule, fingerprint, Some(id))?);
        let done = self.commit("accept gap", changes, None)?;
        Ok(Added { id, done })
    }
}

/// The label of the links from an accepted suggestion's question to its triggers.
pub const CONCERNS: &str = "concerns";
