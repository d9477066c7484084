//! What the rules share, derived once per run from the input: who links to whom.

use crate::model::{Consistency, Id, Kind};
use crate::store::{
    EntityFacts, ExpectationFacts, GapInput, HypothesisFacts, NoteFacts, QuestionFacts,
};
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
    /// The distinct notes linked to each record, in id order: several rules read them
    /// for every entity, so they are gathered once.
    notes_by: HashMap<Id, Vec<&'a NoteFacts>>,
    /// The matrix cells of each hypothesis: (note, consistency).
    cells: HashMap<Id, Vec<(Id, Consistency)>>,
    /// The expectations of each hypothesis.
    expected: HashMap<Id, Vec<&'a ExpectationFacts>>,
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
        let note: HashMap<Id, &NoteFacts> = input.notes.iter().map(|n| (n.id, n)).collect();
        let mut note_ids: HashMap<Id, Vec<Id>> = HashMap::new();
        for l in &input.links {
            if l.to.kind == Kind::Note {
                note_ids.entry(l.from).or_default().push(l.to);
            }
            if l.from.kind == Kind::Note {
                note_ids.entry(l.to).or_default().push(l.from);
            }
        }
        let notes_by = note_ids
            .into_iter()
            .map(|(id, mut ns)| {
                ns.sort_unstable();
                ns.dedup();
                let found = ns.iter().filter_map(|n| note.get(n).copied()).collect();
                (id, found)
            })
            .collect();
        let mut cells: HashMap<Id, Vec<(Id, Consistency)>> = HashMap::new();
        for (h, n, c) in &input.assessments {
            cells.entry(*h).or_default().push((*n, *c));
        }
        let mut expected: HashMap<Id, Vec<&ExpectationFacts>> = HashMap::new();
        for x in &input.expectations {
            expected.entry(x.hypothesis).or_default().push(x);
        }
        Facts {
            input,
            cells,
            expected,
            entity: input.entities.iter().map(|e| (e.id, e)).collect(),
            note,
            notes_by,
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

    /// The distinct notes linked to `id` by any link, in id order.
    pub fn notes_of(&self, id: Id) -> &[&'a NoteFacts] {
        self.notes_by.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The matrix cells of a hypothesis: (note, consistency).
    pub fn cells_of(&self, h: Id) -> &[(Id, Consistency)] {
        self.cells.get(&h).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The expectations of a hypothesis.
    pub fn expectations_of(&self, h: Id) -> &[&'a ExpectationFacts] {
        self.expected.get(&h).map(Vec::as_slice).unwrap_or(&[])
    }

    /// An entity's name, or its id when it is gone.
    pub fn name(&self, id: Id) -> String {
        self.entity
            .get(&id)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| id.to_string())
    }
}
