//! What the gap hunter reads, through a handle another thread can hold ([`GapReader`]).
//!
//! The rules weigh a few fields of each record. Decoding whole records costs most of a
//! run at scale: every record's `meta` is flattened (serde buffers the whole object to
//! do that), its two timestamps are parsed and its text is copied. The reader decodes
//! each kind into a narrow view instead: the id, the fields the rules read, borrowed
//! where it can be, everything else skipped unparsed. A note's text is only scanned for
//! `[[`; counters size the vectors. `Store::gap_input_decoded` keeps the whole-record
//! reading as the reference the tests compare this with.

use super::gaps::{
    period, EntityFacts, ExpectationFacts, GapInput, HypothesisFacts, Interner, LinkFacts,
    NoteFacts, QuestionFacts,
};
use super::{kind_slot, Result, Store, StoreError};
use crate::model::{
    Consistency, Dismissal, EntityKind, ExpectationStatus, Grade, HypothesisStatus, Id, Kind, Sees,
    Status, When, Yardstick,
};
use chrono::NaiveDate;
use serde::Deserialize;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A read-only handle on a workspace's records for the gap hunter, cheap to clone and
/// `Send`: the interface's worker thread reads through one while the store stays with
/// the input thread. It sees what is committed when each tree is read.
#[derive(Clone)]
pub struct GapReader {
    trees: Vec<sled::Tree>,
    path: PathBuf,
    today: NaiveDate,
    counts: Vec<(Kind, u64)>,
    /// Set by the owner to stop a read under way (the interface quitting).
    stop: Option<Arc<AtomicBool>>,
}

impl Store {
    /// A read handle for the gap hunter, dated today by the store's clock.
    pub fn gap_reader(&self) -> GapReader {
        GapReader {
            trees: self.trees.clone(),
            path: self.path.clone(),
            today: self.now().date_naive(),
            counts: Kind::ALL
                .iter()
                .map(|k| (*k, self.state.count(*k)))
                .collect(),
            stop: None,
        }
    }

    /// Reads what the gap rules need (see [`GapReader::read`]).
    pub fn gap_input(&self) -> Result<GapInput> {
        self.gap_reader().read()
    }
}

#[derive(Deserialize)]
struct EntityView {
    id: Id,
    name: String,
    kind: EntityKind,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
struct NoteView<'a> {
    id: Id,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(default, borrow)]
    source: Cow<'a, str>,
    #[serde(default)]
    grade: Option<Grade>,
    #[serde(default)]
    when: Option<When>,
}

#[derive(Deserialize)]
struct AnswerView {
    #[serde(default)]
    confidence: Option<Yardstick>,
}

#[derive(Deserialize)]
struct QuestionView {
    id: Id,
    title: String,
    #[serde(default)]
    detail: String,
    status: Status,
    priority: u8,
    kind: Sees,
    #[serde(default)]
    review_by: Option<NaiveDate>,
    #[serde(default)]
    answer: Option<AnswerView>,
}

#[derive(Deserialize)]
struct HypothesisView {
    id: Id,
    statement: String,
    question: Id,
    status: HypothesisStatus,
}

#[derive(Deserialize)]
struct LinkView<'a> {
    id: Id,
    from: Id,
    to: Id,
    #[serde(borrow)]
    label: Cow<'a, str>,
    #[serde(default)]
    auto: bool,
    #[serde(default)]
    source: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    when: Option<When>,
}

#[derive(Deserialize)]
struct AssessmentView {
    hypothesis: Id,
    note: Id,
    consistency: Consistency,
}

#[derive(Deserialize)]
struct ExpectationView {
    id: Id,
    hypothesis: Id,
    text: String,
    status: ExpectationStatus,
}

impl GapReader {
    /// The date the rules measure lateness against.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The same handle, giving up (with an error) once `flag` is set.
    pub fn stop_when(mut self, flag: Arc<AtomicBool>) -> GapReader {
        self.stop = Some(flag);
        self
    }

    /// Whether the owner asked the read to stop.
    pub fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    }

    fn count(&self, kind: Kind) -> usize {
        let n = self
            .counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n);
        usize::try_from(n).unwrap_or(0).min(1 << 24)
    }

    /// Hands every stored value of `kind` to `decode`, in id order.
    fn each(
        &self,
        kind: Kind,
        mut decode: impl FnMut(&[u8]) -> serde_json::Result<()>,
    ) -> Result<()> {
        for (n, r) in self.trees[kind_slot(kind)].iter().enumerate() {
            if n % 4096 == 0 && self.stopped() {
                return Err(StoreError::invalid("the read was stopped"));
            }
            let (k, v) = r.map_err(|e| super::error::db_error(&self.path, e))?;
            decode(&v).map_err(|e| StoreError::Corrupt {
                tree: kind.noun().into(),
                key: format!("{k:?}"),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }

    /// Reads what the gap rules need, one pass per record kind over narrow views.
    pub fn read(&self) -> Result<GapInput> {
        let mut g = GapInput {
            today: self.today,
            ..Default::default()
        };
        let (mut sources, mut labels) = (Interner::default(), Interner::default());
        g.entities.reserve(self.count(Kind::Entity));
        self.each(Kind::Entity, |v| {
            let e: EntityView = serde_json::from_slice(v)?;
            g.entities.push(EntityFacts {
                id: e.id,
                name: e.name,
                kind: e.kind,
                aliases: e.aliases,
            });
            Ok(())
        })?;
        g.notes.reserve(self.count(Kind::Note));
        self.each(Kind::Note, |v| {
            let n: NoteView = serde_json::from_slice(v)?;
            let names = if n.text.contains("[[") {
                crate::model::text::mentions(&n.text).names
            } else {
                Vec::new()
            };
            let source = sources.id(&n.source, &mut g.sources);
            g.notes.push(NoteFacts {
                id: n.id,
                source,
                grade: n.grade,
                period: n.when.as_ref().map(period),
                names: names.into(),
            });
            Ok(())
        })?;
        g.questions.reserve(self.count(Kind::Question));
        self.each(Kind::Question, |v| {
            let q: QuestionView = serde_json::from_slice(v)?;
            g.questions.push(QuestionFacts {
                id: q.id,
                title: q.title,
                detail: q.detail,
                status: q.status,
                kind: q.kind,
                priority: q.priority,
                review_by: q.review_by,
                confidence: q.answer.and_then(|a| a.confidence),
            });
            Ok(())
        })?;
        g.hypotheses.reserve(self.count(Kind::Hypothesis));
        self.each(Kind::Hypothesis, |v| {
            let h: HypothesisView = serde_json::from_slice(v)?;
            g.hypotheses.push(HypothesisFacts {
                id: h.id,
                question: h.question,
                status: h.status,
                statement: h.statement,
            });
            Ok(())
        })?;
        g.links.reserve(self.count(Kind::Link));
        self.each(Kind::Link, |v| {
            let l: LinkView = serde_json::from_slice(v)?;
            let label = labels.id(&l.label, &mut g.labels);
            g.links.push(LinkFacts {
                auto: l.auto,
                sourced: l.source.is_some(),
                period: l.when.as_ref().map(period),
                ..LinkFacts::new(l.id, l.from, l.to, label)
            });
            Ok(())
        })?;
        self.each(Kind::Assessment, |v| {
            let a: AssessmentView = serde_json::from_slice(v)?;
            g.assessments.push((a.hypothesis, a.note, a.consistency));
            Ok(())
        })?;
        self.each(Kind::Expectation, |v| {
            let x: ExpectationView = serde_json::from_slice(v)?;
            g.expectations.push(ExpectationFacts {
                id: x.id,
                hypothesis: x.hypothesis,
                text: x.text,
                status: x.status,
            });
            Ok(())
        })?;
        // few, and kept whole: they are handed back to the store
        self.each(Kind::Dismissal, |v| {
            g.dismissals.push(serde_json::from_slice::<Dismissal>(v)?);
            Ok(())
        })?;
        Ok(g)
    }
}
