//! What the rules share, derived once per run from the input: who links to whom.

use crate::model::{Id, Kind};
use crate::store::{EntityFacts, GapInput, HypothesisFacts, NoteFacts, QuestionFacts};
use std::collections::HashMap;

/// The input with its links indexed by end.
pub struct Facts<'a> {
    pub input: &'a GapInput,
    pub entity: HashMap<Id, &'a EntityFacts>,
    pub note: HashMap<Id, &'a NoteFacts>,
    pub question: HashMap<Id, &'a QuestionFacts>,
    pub hypothesis: HashMap<Id, &'a HypothesisFacts>,
    /// For each record: (link index, the other end).
    pub ends: HashMap<Id, Vec<(usize, Id)>>,
    /// Hypotheses of each question.
    pub hypotheses_of: HashMap<Id, Vec<&'a HypothesisFacts>>,
}

impl<'a> Facts<'a> {
    pub fn new(input: &'a GapInput) -> Self {
        let mut ends: HashMap<Id, Vec<(usize, Id)>> = HashMap::new();
        for (i, l) in input.links.iter().enumerate() {
            ends.entry(l.from).or_default().push((i, l.to));
            ends.entry(l.to).or_default().push((i, l.from));
        }
        let mut hypotheses_of: HashMap<Id, Vec<&HypothesisFacts>> = HashMap::new();
        for h in &input.hypotheses {
            hypotheses_of.entry(h.question).or_default().push(h);
        }
        Facts {
            input,
            entity: input.entities.iter().map(|e| (e.id, e)).collect(),
            note: input.notes.iter().map(|n| (n.id, n)).collect(),
            question: input.questions.iter().map(|q| (q.id, q)).collect(),
            hypothesis: input.hypotheses.iter().map(|h| (h.id, h)).collect(),
            ends,
            hypotheses_of,
        }
    }

    /// The links touching `id`: (link index, other end).
    pub fn ends_of(&self, id: Id) -> &[(usize, Id)] {
        self.ends.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The distinct notes linked to `id` by any link.
    pub fn notes_of(&self, id: Id) -> Vec<&'a NoteFacts> {
        let mut ids: Vec<Id> = self
            .ends_of(id)
            .iter()
            .filter(|(_, o)| o.kind == Kind::Note)
            .map(|(_, o)| *o)
            .collect();
        ids.sort();
        ids.dedup();
        ids.iter()
            .filter_map(|n| self.note.get(n).copied())
            .collect()
    }

    /// An entity's name, or its id when it is gone.
    pub fn name(&self, id: Id) -> String {
        self.entity
            .get(&id)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| id.to_string())
    }
}
