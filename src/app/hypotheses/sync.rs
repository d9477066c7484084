//! Keeping the matrix on screen in step with committed changes. A change that can be
//! placed is applied where it lands (a cell incrementally; a hypothesis's status, a note's
//! grade or an expectation by scoring again); only what cannot be placed (a new
//! hypothesis, a row that may have come or gone) has the matrix read again, and that
//! only when the pane is next shown.

use super::HypothesesState;
use crate::model::ach::Expected;
use crate::model::{text, Id, Kind, Record};
use crate::store::{Result, Store};

/// What a committed change asks of the pane, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Effect {
    Nothing,
    /// Cells changed (the analysis is already up to date): rebuild the rows shown.
    Cells,
    /// Score the whole matrix again, then rebuild.
    Rescore,
    /// Read the matrix again.
    Reload,
}

impl HypothesesState {
    /// Brings the pane in step with the records an operation committed.
    pub(super) fn sync(&mut self, store: &Store, ids: &[Id]) -> Result<()> {
        let Some(q) = self.question else {
            return Ok(());
        };
        if self.changed_while_loading() {
            // the matrix on screen is not the one being read: read again when it is in
            return Ok(());
        }
        let mut effect = Effect::Nothing;
        for &id in ids {
            effect = effect.max(self.place(store, q, id)?);
        }
        match effect {
            Effect::Nothing => {}
            Effect::Cells => self.rebuild(),
            Effect::Rescore => {
                self.analysis = self.matrix.analyse();
                self.rebuild();
            }
            Effect::Reload if store.get(q)?.is_none() => {
                // the question is gone: nothing to show
                *self = HypothesesState {
                    size: self.size,
                    followed: self.followed,
                    reads: self.reads,
                    ..HypothesesState::default()
                };
            }
            Effect::Reload => self.stale = true,
        }
        Ok(())
    }

    /// Remembers which cell an assessment holds, before it is deleted.
    pub(crate) fn remember_cell(&mut self, a: Id, cell: (Id, Id)) {
        self.cell_ids.insert(a, cell);
    }

    /// Applies one changed record where it lands in the matrix of `q`.
    fn place(&mut self, store: &Store, q: Id, id: Id) -> Result<Effect> {
        let rec = store.get(id)?;
        let m = &mut self.matrix;
        Ok(match (id.kind, rec) {
            (Kind::Assessment, rec) => self.place_cell(id, rec),
            (Kind::Question, Some(Record::Question(x))) if id == q => {
                self.title = x.title;
                Effect::Nothing
            }
            (Kind::Question, None) if id == q => Effect::Reload,
            (Kind::Question, _) | (Kind::Entity, _) | (Kind::Dismissal, _) => Effect::Nothing,
            (Kind::Hypothesis, Some(Record::Hypothesis(h))) => match m.column_of(id) {
                Some(c) if h.question == q => {
                    let col = &mut m.columns[c];
                    let rescore = col.status != h.status;
                    col.statement = h.statement;
                    col.status = h.status;
                    col.likelihood = h.likelihood;
                    if rescore {
                        Effect::Rescore
                    } else {
                        Effect::Nothing
                    }
                }
                None if h.question != q => Effect::Nothing,
                // a new hypothesis of the question, or one moved to another
                _ => Effect::Reload,
            },
            (Kind::Hypothesis, _) if m.column_of(id).is_none() => Effect::Nothing,
            (Kind::Expectation, Some(Record::Expectation(x))) => {
                let at = m.expectations.iter().position(|e| e.id == id);
                let ours = m.column_of(x.hypothesis).is_some();
                match (at, ours) {
                    (None, false) => Effect::Nothing,
                    (Some(i), false) => {
                        m.expectations.remove(i);
                        Effect::Rescore
                    }
                    (at, true) => {
                        let e = Expected {
                            id,
                            hypothesis: x.hypothesis,
                            text: x.text,
                            status: x.status,
                            place: x.place,
                            checked: x.checked,
                            note: x.note,
                        };
                        match at {
                            Some(i) => m.expectations[i] = e,
                            None => {
                                m.expectations.push(e);
                                m.expectations.sort_by_key(|e| e.id);
                            }
                        }
                        Effect::Rescore
                    }
                }
            }
            (Kind::Expectation, _) => match m.expectations.iter().position(|e| e.id == id) {
                Some(i) => {
                    m.expectations.remove(i);
                    Effect::Rescore
                }
                None => Effect::Nothing,
            },
            (Kind::Note, Some(Record::Note(n))) => match m.row_of(id) {
                Some(r) => {
                    let row = &mut m.rows[r];
                    row.title = text::title_line(&n.text);
                    if row.grade != n.grade {
                        row.grade = n.grade;
                        Effect::Rescore
                    } else {
                        Effect::Nothing
                    }
                }
                None => Effect::Nothing,
            },
            (Kind::Note, _) if m.row_of(id).is_none() => Effect::Nothing,
            (Kind::Link, Some(Record::Link(l))) => {
                let touches = |end: Id| end == q || m.column_of(end).is_some();
                let note = [l.from, l.to].into_iter().find(|e| e.kind == Kind::Note);
                let new_row = note.is_some_and(|n| m.row_of(n).is_none());
                if (touches(l.from) || touches(l.to)) && new_row {
                    Effect::Reload
                } else {
                    Effect::Nothing
                }
            }
            // a link gone (a row may go with it), a row's note gone, a column gone
            _ => Effect::Reload,
        })
    }

    /// Places a changed assessment in its cell, updating the analysis incrementally.
    fn place_cell(&mut self, a: Id, rec: Option<Record>) -> Effect {
        let (h, n, value) = match rec {
            Some(Record::Assessment(x)) => {
                self.cell_ids.insert(a, (x.hypothesis, x.note));
                (x.hypothesis, x.note, Some(x.consistency))
            }
            Some(_) => return Effect::Reload,
            None => match self.cell_ids.get(&a) {
                Some(&(h, n)) => (h, n, None),
                None => return Effect::Reload,
            },
        };
        let Some(col) = self.matrix.column_of(h) else {
            // a cell of another question's matrix
            return Effect::Nothing;
        };
        let Some(row) = self.matrix.row_of(n) else {
            return Effect::Reload;
        };
        self.edit_cell(row, col, value);
        Effect::Cells
    }
}
