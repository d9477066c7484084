//! The competing-hypotheses matrix of a question as the store holds it: expectations,
//! clearing a cell, and [`Store::matrix`], which gathers the plain data that
//! [`crate::model::ach`] scores.

use super::index;
use super::{Committed, Result, Store, StoreError};
use crate::model::ach::{Candidate, Column, Expected, Matrix, Row};
use crate::model::{Expectation, ExpectationStatus, Id, Kind, Record};
use std::collections::{BTreeMap, BTreeSet};

impl Store {
    /// The expectations of a hypothesis, in id order.
    pub fn expectations_of(&self, h: Id) -> Result<Vec<Id>> {
        self.index_ids(&index::key(&[&[index::EXPECTS], &h.to_bytes()]))
    }

    /// The expectations that cite a note as what shows them found.
    pub fn expectations_found_by(&self, n: Id) -> Result<Vec<Id>> {
        self.index_ids(&index::key(&[&[index::FOUND_BY], &n.to_bytes()]))
    }

    /// Adds an unchecked expectation to a hypothesis: something that should be seen if it
    /// were true.
    pub fn add_expectation(&mut self, hypothesis: Id, text: &str) -> Result<super::Added> {
        let id = self.reserve(Kind::Expectation, 0);
        let rec = Record::Expectation(Expectation {
            meta: crate::model::Meta::new(id, self.now(), self.user()),
            hypothesis,
            text: text.trim().to_string(),
            status: ExpectationStatus::Unchecked,
            place: None,
            checked: None,
            note: None,
        });
        self.validate_new(&rec)?;
        let done = self.commit(
            "expect",
            vec![super::Change {
                before: None,
                after: Some(rec),
            }],
            None,
        )?;
        Ok(super::Added { id, done })
    }

    /// Clears the cell (hypothesis, note); nothing happens when it was blank. Both ids
    /// must be of the right kind and exist.
    pub fn clear_assessment(&mut self, hypothesis: Id, note: Id) -> Result<Committed> {
        self.check_cell(hypothesis, note)?;
        match self.assessment(hypothesis, note)? {
            Some(a) => self.delete(a),
            None => Ok(Committed::default()),
        }
    }

    /// Refuses a cell whose ends are not a hypothesis and a note that exist.
    pub fn check_cell(&self, hypothesis: Id, note: Id) -> Result<()> {
        for (id, kind) in [(hypothesis, Kind::Hypothesis), (note, Kind::Note)] {
            if id.kind != kind {
                return Err(StoreError::invalid(format!(
                    "{id} is not a {}: a cell is a hypothesis, then a note",
                    kind.noun()
                )));
            }
            if self.get(id)?.is_none() {
                return Err(StoreError::NotFound(id));
            }
        }
        Ok(())
    }

    /// The cells of a hypothesis as (note, consistency): the note from the index key, and
    /// from the cell's record only its value (a large matrix reads tens of thousands of
    /// cells; decoding each whole record, dates and all, is wasted there).
    fn cells_of(&self, h: Id) -> Result<Vec<(Id, crate::model::Consistency)>> {
        #[derive(serde::Deserialize)]
        struct Cell {
            consistency: crate::model::Consistency,
        }
        let prefix = index::key(&[&[index::ASSESS], &h.to_bytes()]);
        let tree = self.tree(Kind::Assessment);
        let mut out = Vec::new();
        for r in self.index().scan_prefix(&prefix) {
            let (k, v) = r.map_err(|e| self.db_err(e))?;
            let note = k.get(prefix.len()..).and_then(Id::from_bytes);
            let (Some(note), Some(a)) = (note, Id::from_bytes(&v)) else {
                continue;
            };
            let Some(bytes) = tree.get(a.num.to_be_bytes()).map_err(|e| self.db_err(e))? else {
                continue;
            };
            let cell: Cell = serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                tree: Kind::Assessment.noun().into(),
                key: a.to_string(),
                reason: e.to_string(),
            })?;
            out.push((note, cell.consistency));
        }
        Ok(out)
    }

    /// The matrix of a question: its hypotheses as columns (live and confirmed first,
    /// then rejected, each in id order); as rows, every note assessed against one of them
    /// or linked to the question or one of its hypotheses, in id order; the cells; and
    /// the hypotheses' expectations.
    pub fn matrix(&self, question: Id) -> Result<Matrix> {
        match self.require(question)? {
            Record::Question(_) => {}
            other => {
                return Err(StoreError::invalid(format!(
                    "{} is not a question: the matrix is a question's",
                    other.id()
                )))
            }
        }
        let mut columns = Vec::new();
        for h in self.hypotheses_of(question)? {
            if let Record::Hypothesis(h) = self.require(h)? {
                columns.push(Column {
                    id: h.meta.id,
                    statement: h.statement,
                    status: h.status,
                    likelihood: h.likelihood,
                });
            }
        }
        columns.sort_by_key(|c| (!c.is_live(), c.id));
        let mut notes: BTreeSet<Id> = BTreeSet::new();
        let mut cells: BTreeMap<(Id, usize), crate::model::Consistency> = BTreeMap::new();
        let mut expectations = Vec::new();
        for (i, col) in columns.iter().enumerate() {
            for (note, value) in self.cells_of(col.id)? {
                notes.insert(note);
                cells.insert((note, i), value);
            }
            for x in self.expectations_of(col.id)? {
                if let Some(Record::Expectation(x)) = self.get(x)? {
                    expectations.push(Expected {
                        id: x.meta.id,
                        hypothesis: x.hypothesis,
                        text: x.text,
                        status: x.status,
                        place: x.place,
                        checked: x.checked,
                        note: x.note,
                    });
                }
            }
        }
        let ends = std::iter::once(question).chain(columns.iter().map(|c| c.id));
        for end in ends {
            for (_, _, other) in self.adjacent(end)? {
                if other.kind == Kind::Note {
                    notes.insert(other);
                }
            }
        }
        let mut rows = Vec::with_capacity(notes.len());
        for n in notes {
            let Some(Record::Note(note)) = self.get(n)? else {
                continue;
            };
            rows.push(Row {
                note: n,
                title: crate::model::text::title_line(&note.text),
                grade: note.grade,
                cells: (0..columns.len())
                    .map(|i| cells.get(&(n, i)).copied())
                    .collect(),
            });
        }
        Ok(Matrix {
            question: Some(question),
            columns,
            rows,
            expectations,
        })
    }

    /// Notes that bear on the question but are not rows of its matrix `m`: notes linked
    /// to (or mentioning) an entity the question or one of its hypotheses is linked to.
    /// The heaviest graded first, then the newest; at most `limit`.
    pub fn evidence_candidates(&self, m: &Matrix, limit: usize) -> Result<Vec<Candidate>> {
        let Some(q) = m.question else {
            return Ok(Vec::new());
        };
        let mut entities: BTreeSet<Id> = BTreeSet::new();
        for end in std::iter::once(q).chain(m.columns.iter().map(|c| c.id)) {
            for (_, _, other) in self.adjacent(end)? {
                if other.kind == Kind::Entity {
                    entities.insert(other);
                }
            }
        }
        let mut seen: BTreeSet<Id> = m.rows.iter().map(|r| r.note).collect();
        let mut found = Vec::new();
        for e in entities {
            let name = match self.get(e)? {
                Some(Record::Entity(ent)) => crate::model::text::sanitize(&ent.name).into_owned(),
                _ => continue,
            };
            for (_, _, other) in self.adjacent(e)? {
                if other.kind != Kind::Note || !seen.insert(other) {
                    continue;
                }
                if let Some(Record::Note(n)) = self.get(other)? {
                    found.push(Candidate {
                        note: other,
                        grade: n.grade,
                        why: format!("it bears on {name}, a subject of {q}"),
                    });
                }
            }
        }
        found.sort_by_key(|c| {
            (
                std::cmp::Reverse(crate::model::ach::weight(c.grade)),
                std::cmp::Reverse(c.note),
            )
        });
        found.truncate(limit);
        Ok(found)
    }

    /// Questions that have hypotheses (a matrix to weigh), the open and active ones
    /// first, by priority then id; at most `limit`, read from the index in id order.
    pub fn questions_with_hypotheses(&self, limit: usize) -> Result<Vec<Id>> {
        let mut ids: Vec<Id> = Vec::new();
        for r in self.index().scan_prefix([index::HYPOTHESES]) {
            let (k, _) = r.map_err(|e| self.db_err(e))?;
            let Some(q) = k.get(1..10).and_then(Id::from_bytes) else {
                continue;
            };
            if ids.last() != Some(&q) {
                ids.push(q);
                if ids.len() >= limit {
                    break;
                }
            }
        }
        let mut out = Vec::with_capacity(ids.len());
        for q in ids {
            if let Some(Record::Question(x)) = self.get(q)? {
                out.push((!x.status.is_live(), x.priority, q));
            }
        }
        out.sort();
        Ok(out.into_iter().map(|(_, _, q)| q).collect())
    }
}
