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
    /// Its source, as an index into [`GapInput::sources`] (notes share a few sources).
    pub source: u32,
    pub grade: Option<Grade>,
    /// The days its `when` covers, first and last: all the rules read of it.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// `[[name]]` mentions in its text (most notes have none: no allocation then).
    pub names: Box<[String]>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionFacts {
    pub id: Id,
    pub title: String,
    /// Read for the `[[names]]`, ids and names it mentions.
    pub detail: String,
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

/// A link as the rules see it. A workspace holds more links than anything else, so its
/// three ids are packed in eight bytes each (read them with [`LinkFacts::id`],
/// [`LinkFacts::from`] and [`LinkFacts::to`]) and its source is only whether it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkFacts {
    pub(crate) packed: [Packed; 3],
    /// Its label, as an index into [`GapInput::labels`].
    pub label: u32,
    /// Kept in step with a note's text by the store.
    pub auto: bool,
    /// Whether it names the note it rests on.
    pub sourced: bool,
    /// The days its `when` covers, when it is dated.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl LinkFacts {
    pub fn new(id: Id, from: Id, to: Id, label: u32) -> LinkFacts {
        LinkFacts {
            packed: [Packed::new(id), Packed::new(from), Packed::new(to)],
            label,
            auto: false,
            sourced: false,
            period: None,
        }
    }

    pub fn id(&self) -> Id {
        self.packed[0].id()
    }

    pub fn from(&self) -> Id {
        self.packed[1].id()
    }

    pub fn to(&self) -> Id {
        self.packed[2].id()
    }
}

/// A record id in eight bytes: its kind in the top byte, its number below (numbers
/// stay far below 2^56).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Packed(u64);

const NUM_BITS: u32 = 56;

impl Packed {
    pub fn new(id: Id) -> Packed {
        Packed(((id.kind as u64) << NUM_BITS) | (id.num & ((1 << NUM_BITS) - 1)))
    }

    pub fn id(self) -> Id {
        let kind = Kind::ALL[((self.0 >> NUM_BITS) as usize).min(Kind::ALL.len() - 1)];
        Id::new(kind, self.0 & ((1 << NUM_BITS) - 1))
    }
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
    /// The notes' sources, each once, in order of first use.
    pub sources: Vec<String>,
    /// The links' labels, each once, in order of first use.
    pub labels: Vec<String>,
}

impl GapInput {
    /// A note's source.
    pub fn source(&self, n: &NoteFacts) -> &str {
        self.sources
            .get(n.source as usize)
            .map_or("", String::as_str)
    }

    /// A link's label.
    pub fn label(&self, l: &LinkFacts) -> &str {
        self.labels.get(l.label as usize).map_or("", String::as_str)
    }
}

/// The days a `when` covers, first and last.
pub fn period(w: &When) -> (NaiveDate, NaiveDate) {
    (w.start_instant().date(), w.end_instant().date())
}

/// Gives each distinct text a number, in order of first use: what the reader stores in
/// place of the notes' sources and the links' labels, a few texts repeated a million
/// times.
#[derive(Default)]
pub(super) struct Interner(std::collections::HashMap<String, u32>);

impl Interner {
    pub(super) fn id(&mut self, text: &str, all: &mut Vec<String>) -> u32 {
        if let Some(n) = self.0.get(text) {
            return *n;
        }
        let n = all.len() as u32;
        all.push(text.to_string());
        self.0.insert(text.to_string(), n);
        n
    }
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
        let (mut sources, mut labels) = (Interner::default(), Interner::default());
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
                        let source = sources.id(&n.source, &mut g.sources);
                        g.notes.push(NoteFacts {
                            id: n.meta.id,
                            source,
                            grade: n.grade,
                            period: n.when.as_ref().map(period),
                            names: names.into(),
                        })
                    }
                    Record::Question(q) => g.questions.push(QuestionFacts {
                        id: q.meta.id,
                        title: q.title,
                        detail: q.detail,
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
                    Record::Link(l) => {
                        let label = labels.id(&l.label, &mut g.labels);
                        g.links.push(LinkFacts {
                            auto: l.auto,
                            sourced: l.source.is_some(),
                            period: l.when.as_ref().map(period),
                            ..LinkFacts::new(l.meta.id, l.from, l.to, label)
                        })
                    }
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
    /// brought up to date): accepted as `question`, or dismissed for `reason`.
    fn dismissal_change(
        &self,
        key: &str,
        rule: &str,
        fingerprint: &str,
        (question, reason): (Option<Id>, Option<String>),
    ) -> Result<Change> {
        let before = self.dismissal(key)?;
        let after = match &before {
            Some(d) => {
                let mut d = d.clone();
                d.meta.updated = self.now();
                d.rule = rule.to_string();
                d.fingerprint = fingerprint.to_string();
                d.question = question;
                d.reason = reason;
                d
            }
            None => Dismissal {
                meta: Meta::new(self.reserve(Kind::Dismissal, 0), self.now(), self.user()),
                key: key.to_string(),
                rule: rule.to_string(),
                fingerprint: fingerprint.to_string(),
                question,
                reason,
            },
        };
        Ok(Change {
            before: before.map(Record::Dismissal),
            after: Some(Record::Dismissal(after)),
        })
    }

    /// Keeps a suggestion dismissed until its fingerprint changes, with the analyst's
    /// reason when one is given (one line; blank is none); the id is the dismissal's.
    pub fn dismiss_gap(
        &mut self,
        key: &str,
        rule: &str,
        fingerprint: &str,
        reason: Option<&str>,
    ) -> Result<Added> {
        let reason = dismissal_reason(key, reason)?;
        let change = self.dismissal_change(key, rule, fingerprint, (None, reason))?;
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
        changes.push(self.dismissal_change(key, rule, fingerprint, (Some(id), None))?);
        let done = self.commit("accept gap", changes, None)?;
        Ok(Added { id, done })
    }
}

/// A dismissal's reason as stored: trimmed, none when blank; refused when it is more
/// than one line or holds control characters.
pub fn dismissal_reason(key: &str, reason: Option<&str>) -> Result<Option<String>> {
    let Some(r) = reason.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if r.contains(['\n', '\r']) {
        return Err(super::StoreError::invalid(format!(
            "the reason for dismissing {key} must be one line: it has a line break"
        )));
    }
    if r.chars().any(char::is_control) {
        return Err(super::StoreError::invalid(format!(
            "the reason for dismissing {key} holds a control character: write it as plain text"
        )));
    }
    Ok(Some(r.to_string()))
}

/// The label of the links from an accepted suggestion's question to its triggers.
pub const CONCERNS: &str = "concerns";
