//! Reading a question's matrix into the pane: at once in a workspace with few cells,
//! else on the pane's [`Job`] through a read-only store view, taken in by the run loop's
//! background poll; and showing a matrix once read.

use super::HypothesesState;
use crate::app::job::Job;
use crate::app::pane::ListCursor;
use crate::model::ach::Matrix;
use crate::model::{Id, Kind, Record};
use crate::store::{Result, Store};

/// Below this many cells (assessments) in the whole workspace, any matrix reads within a
/// frame and is read at once; from it on, on a thread, while the pane says so.
pub const BACKGROUND_CELLS: u64 = 4_000;

/// Matrices read off the input thread: the newest read asked for wins.
#[derive(Debug)]
pub(super) struct MatrixLoad {
    job: Job<(Store, Id), Result<Matrix>>,
    /// The question whose matrix is being read, while it is.
    question: Option<Id>,
    /// A change was committed meanwhile: read again when this read is in.
    dirty: bool,
}

impl Default for MatrixLoad {
    fn default() -> Self {
        MatrixLoad {
            job: Job::new("weft-matrix", |(view, question): (Store, Id), _: &_| {
                view.matrix(question)
            }),
            question: None,
            dirty: false,
        }
    }
}

impl HypothesesState {
    /// Shows the matrix of `question` (cursor on the first cell): read at once in a
    /// workspace with few cells, else on a thread of its own (see
    /// [`HypothesesState::loading`]).
    pub fn load(&mut self, store: &Store, question: Id) -> Result<()> {
        let cells = store.state().count(Kind::Assessment);
        if cells >= self.background_from.unwrap_or(BACKGROUND_CELLS) {
            return self.load_in_background(store, question);
        }
        let matrix = store.matrix(question)?;
        self.show(store, question, matrix)
    }

    /// Whether a matrix is being read: the question it is for.
    pub fn loading(&self) -> Option<Id> {
        self.loading.question
    }

    /// Starts reading the matrix of `question` on the pane's job; the pane shows the
    /// question (and, for the same question, the matrix it had) until it is in.
    fn load_in_background(&mut self, store: &Store, question: Id) -> Result<()> {
        let view = store.read_view()?;
        if self.loading.job.request((view, question)).is_err() {
            return Err(crate::store::StoreError::invalid(format!(
                "cannot start reading {question}: no thread to read it on"
            )));
        }
        if self.question != Some(question) {
            self.title = match store.get(question)? {
                Some(Record::Question(q)) => q.title,
                _ => String::new(),
            };
            self.question = Some(question);
            self.reset_cursor();
            self.set_matrix(Matrix {
                question: Some(question),
                ..Matrix::default()
            });
        }
        self.stale = false;
        self.loading.question = Some(question);
        self.loading.dirty = false;
        Ok(())
    }

    /// Takes in a matrix read in the background, waiting up to `wait` for it (zero: only
    /// if it is already in). Returns whether one was taken in.
    pub fn take_loaded(&mut self, store: &Store, wait: std::time::Duration) -> Result<bool> {
        let Some(question) = self.loading.question else {
            return Ok(false);
        };
        let got = if wait.is_zero() {
            self.loading.job.poll()
        } else {
            self.loading.job.wait(wait)
        };
        let Some(matrix) = got else {
            if self.loading.job.pending() {
                return Ok(false);
            }
            self.loading.question = None;
            return Err(crate::store::StoreError::invalid(
                "the matrix read stopped before it finished",
            ));
        };
        self.loading.question = None;
        self.show(store, question, matrix?)?;
        if std::mem::take(&mut self.loading.dirty) {
            // changes came in while it was read: read once more
            self.load_in_background(store, question)?;
        }
        Ok(true)
    }

    /// Notes a change committed while a matrix is read; it is read again when in.
    pub(super) fn changed_while_loading(&mut self) -> bool {
        self.loading.dirty = self.loading.question.is_some();
        self.loading.dirty
    }

    fn reset_cursor(&mut self) {
        self.cols.clear();
        self.rows.clear();
        self.col = 0;
        self.col_offset = 0;
        self.cursor = ListCursor::default();
        self.header = false;
    }

    /// Shows `matrix`, read for `question`.
    fn show(&mut self, store: &Store, question: Id, matrix: Matrix) -> Result<()> {
        self.title = match store.get(question)? {
            Some(Record::Question(q)) => q.title,
            _ => String::new(),
        };
        if self.question != Some(question) {
            // another question: the cursor starts on its first cell
            self.question = Some(question);
            self.reset_cursor();
        }
        self.set_matrix(matrix);
        self.stale = false;
        self.reads += 1;
        Ok(())
    }
}
